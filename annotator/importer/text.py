"""Reading text files: encoding detection and normalisation.

Encodings: a BOM decides (UTF-8, UTF-16, UTF-32); UTF-16 without a BOM is
recognised by its NUL pattern; otherwise strict UTF-8, then cp1252 (Windows Western, which has the curly
quotes latin-1 lacks and decodes all but five byte values), then
``charset-normalizer`` (a maintained detector, the one ``requests`` uses) for
other legacy code pages, with latin-1 as the last resort. Statistical
detection is not tried first because on short news texts it confuses the
Latin code pages (cp1252 text read as cp1250). Line endings become ``\\n``, the text
is NFC-normalised, control characters other than tab and newline are dropped;
curly quotes are kept.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024  # no news article is anywhere near this


class RejectedFile(ValueError):
    """A file that cannot be imported; the message says why (without the file name)."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff\ufffe]")
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_SANE = {"utf_8", "cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman", "ascii", "cp1251",
         "koi8_r", "big5", "gb18030", "gb2312", "shift_jis", "euc_jp", "euc_kr", "cp949", "utf_16", "cp437", "cp850"}


def normalise_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    return bad / len(sample) > 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name). Raises RejectedFile for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc + " (BOM)"
            except UnicodeDecodeError as exc:
                raise RejectedFile(f"starts with a {enc} byte-order mark but is not valid {enc} at byte {exc.start}") from None
    enc16 = _utf16_without_bom(data)
    if enc16:
        try:
            return data.decode(enc16), enc16
        except UnicodeDecodeError:
            pass
    if looks_binary(data):
        raise RejectedFile("a binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # cp1252 decodes all but five byte values: the usual Windows/Western legacy text
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding in _SANE and best.encoding != "utf_8":
            return data.decode(best.encoding, errors="replace"), best.encoding
    except Exception:  # noqa: BLE001 - detection is best effort; latin-1 below always works
        pass
    return data.decode("latin-1"), "latin-1"


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RejectedFile(f"cannot be read ({exc.strerror})") from None
    if size > limit:
        raise RejectedFile(f"too large ({size / 1e6:.0f} MB; the limit is {limit / 1e6:.0f} MB)")
    if size == 0:
        raise RejectedFile("empty file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RejectedFile(f"cannot be read ({exc.strerror})") from None


def read_text_file(path: str | Path) -> str:
    """The normalised text of a file; raises RejectedFile (binary, empty, too large, unreadable)."""
    text, _ = decode_bytes(read_bytes(Path(path)))
    text = normalise_text(text)
    if not text.strip():
        raise RejectedFile("no text in the file")
    return text

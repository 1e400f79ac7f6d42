"""Making values safe for spreadsheet cells (shared by the workbook and the CSV).

- ``clean_text`` removes the characters XML 1.0 forbids (a workbook holding
  them does not open) and cuts text longer than Excel's cell limit of 32,767
  characters (counted in UTF-16 units, as Excel counts) with a visible marker;
  the full text stays in the JSON export.
- ``is_formula_like`` spots text that Excel or LibreOffice would treat as a
  formula if it were typed or read from a CSV file (``=``, ``+``, ``-``,
  ``@``, tab, carriage return at the start).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

EXCEL_CELL_LIMIT = 32_767
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# everything XML 1.0 does not allow (control characters, lone surrogates, U+FFFE/U+FFFF)
ILLEGAL_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CUT_MARKER = " [... cut: {shown:,} of {total:,} characters shown; the full text is in the JSON export]"


@dataclass
class CleanStats:
    """What cleaning did, reported on the About sheet."""
    illegal_removed: int = 0  # cells that had XML-illegal characters removed
    truncated: int = 0  # cells cut at Excel's limit
    formula_like: int = 0  # text cells that start like a formula, written as text


def utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def truncate(text: str, limit: int = EXCEL_CELL_LIMIT) -> tuple[str, bool]:
    """``text`` cut so that it plus the marker fits in ``limit`` UTF-16 units."""
    if len(text) <= limit // 2 or utf16_len(text) <= limit:
        return text, False
    total = len(text)
    marker = CUT_MARKER.format(shown=limit, total=total)
    room = limit - len(marker)
    head = text[:room]
    excess = utf16_len(head) - room
    while excess > 0:  # astral characters take two units each
        head = head[: len(head) - excess]
        excess = utf16_len(head) - room
    marker = CUT_MARKER.format(shown=len(head), total=total)
    return head + marker, True


def clean_text(text: str, stats: CleanStats | None = None) -> str:
    """``text`` without XML-illegal characters and cut to Excel's limit."""
    if ILLEGAL_XML.search(text):
        text = ILLEGAL_XML.sub("", text)
        if stats is not None:
            stats.illegal_removed += 1
    if len(text) > EXCEL_CELL_LIMIT // 2:
        text, cut = truncate(text)
        if cut and stats is not None:
            stats.truncated += 1
    return text


def is_formula_like(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_STARTS


def csv_safe(text: str) -> str:
    """CSV cells are read by Excel as typed input: prefix formula-like text with an apostrophe."""
    return "'" + text if is_formula_like(text) else text

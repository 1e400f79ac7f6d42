"""Turning files into article records: plain text, Markdown, HTML, CSV, XLSX, JSONL.

Each reader yields ``Record``s; a file holding several articles (a spreadsheet,
JSON lines) yields one per row, named ``file#row``. HTML text is extracted with
selectolax (a fast, maintained HTML5 parser): scripts, styles, navigation,
headers, footers, asides and forms are dropped, and ``<article>``/``<main>`` is
preferred when the page has one.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from annotator.importer.text import RejectedFile, decode_bytes, normalise_text, read_bytes

TEXT_SUFFIXES = {".txt", ".text"}
MD_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TABLE_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | MD_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES | JSONL_SUFFIXES

COLUMN_NAMES = {
    "text": ("text", "body", "content", "article", "full_text", "fulltext", "article_text", "story"),
    "title": ("title", "headline", "heading"),
    "url": ("url", "link", "source_url"),
    "published": ("published", "date", "published_date", "pubdate", "publication_date", "published_at"),
    "outlet": ("outlet", "source", "publisher", "site", "newspaper", "media"),
    "file": ("file", "filename", "file_name", "id", "article_id"),
}
_META_LINE = re.compile(r"^(outlet|source|date|published|url|link|title)\s*:\s*(.+)$", re.I)


@dataclass
class Record:
    name: str  # file name (or file#row) the article is known by
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Columns:
    """Column choices given by the user (flags); None = by header name."""
    text: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None


def _clean_date(value) -> str | None:
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    s = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?", s)
    if m:
        return m.group(0)[:10]
    try:
        from dateutil import parser as dparser

        return dparser.parse(s, default=None, fuzzy=False).date().isoformat()
    except Exception:  # noqa: BLE001 - an unparsable date is kept as written
        return s[:40]


def _split_header(text: str, name: str) -> Record:
    """A plain-text article: optional title line and "Key: value" lines before a blank line."""
    lines = text.split("\n")
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    first = i
    j = first + 1
    while j < len(lines) and j < first + 8 and _META_LINE.match(lines[j].strip()):
        key, val = _META_LINE.match(lines[j].strip()).groups()
        meta[key.lower()] = val.strip()
        j += 1
    rec = Record(name=name, text=text)
    if meta and first < len(lines):
        rec.title = lines[first].strip()[:300]
        rec.text = "\n".join(lines[j:]).strip("\n")
        rec.outlet = meta.get("outlet") or meta.get("source")
        rec.url = meta.get("url") or meta.get("link")
        rec.published = _clean_date(meta.get("date") or meta.get("published"))
    elif first < len(lines):
        rec.title = lines[first].strip()[:300] or None
    return rec


def read_plain(path: Path, data: bytes) -> Iterator[Record]:
    text, _ = decode_bytes(data)
    text = normalise_text(text)
    if not text.strip():
        raise RejectedFile("no text in the file")
    yield _split_header(text, path.name)


def read_markdown(path: Path, data: bytes) -> Iterator[Record]:
    text, _ = decode_bytes(data)
    text = normalise_text(text)
    meta: dict[str, str] = {}
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if m:
        for line in m.group(1).split("\n"):
            if ":" in line:
                k, v = line.split(":", 1)
                meta[k.strip().lower()] = v.strip().strip("'\"")
        text = text[m.end():]
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"^\s*[-*+]\s+", "", text, flags=re.M)
    if not text.strip():
        raise RejectedFile("no text in the file")
    rec = _split_header(text.strip("\n"), path.name)
    rec.title = meta.get("title") or rec.title
    rec.url = meta.get("url") or rec.url
    rec.outlet = meta.get("outlet") or meta.get("source") or rec.outlet
    rec.published = _clean_date(meta.get("date") or meta.get("published")) or rec.published
    yield rec


_BLOCK = re.compile(r"(?i)<(?=/?(?:p|div|br|h[1-6]|li|tr|blockquote|figcaption|section|article|pre|dd|dt|table|ul|ol)\b)")
_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button",
         "template", "select", "menu")


def html_to_record(html: str, name: str) -> Record:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    html = _BLOCK.sub("\x1e<", html)
    tree = HTMLParser(html)

    def meta(*names: str) -> str | None:
        for n in names:
            node = tree.css_first(f'meta[property="{n}"]') or tree.css_first(f'meta[name="{n}"]')
            if node is not None and node.attributes.get("content"):
                return node.attributes["content"].strip()
        return None

    title = meta("og:title", "twitter:title")
    if not title and tree.css_first("title") is not None:
        title = tree.css_first("title").text(strip=True)
    url = meta("og:url")
    canonical = tree.css_first('link[rel="canonical"]')
    if not url and canonical is not None:
        url = canonical.attributes.get("href")
    published = _clean_date(meta("article:published_time", "date", "pubdate", "dc.date"))
    outlet = meta("og:site_name")
    for tag in _DROP:
        for node in tree.css(tag):
            node.decompose()
    for node in tree.css('[role="navigation"], [role="banner"], [role="contentinfo"], .menu, .nav, .sidebar, .related'):
        node.decompose()
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    raw = root.text(deep=True, separator="") if root is not None else ""
    paras = [re.sub(r"\s+", " ", p).strip() for p in raw.split("\x1e")]
    text = normalise_text("\n\n".join(p for p in paras if p).replace("\x1e", ""))
    if not text.strip():
        raise RejectedFile("the page has no text outside scripts and menus")
    h1 = tree.css_first("h1")
    return Record(name=name, text=text, title=(title or (h1.text(strip=True) if h1 else None)),
                  url=url, published=published, outlet=outlet)


def read_html(path: Path, data: bytes) -> Iterator[Record]:
    text, _ = decode_bytes(data)
    yield html_to_record(text, path.name)


def _pick(header: list[str], wanted: str | None, role: str) -> int | None:
    lowered = [h.strip().lower() if isinstance(h, str) else "" for h in header]
    if wanted:
        if wanted.lower() in lowered:
            return lowered.index(wanted.lower())
        if role == "text":
            raise RejectedFile(f"no column named '{wanted}' (columns: {', '.join(map(str, header))})")
        return None
    for cand in COLUMN_NAMES[role]:
        if cand in lowered:
            return lowered.index(cand)
    return None


def _rows_to_records(path: Path, header: list, rows: Iterator[list], columns: Columns) -> Iterator[Record]:
    header = ["" if h is None else str(h) for h in header]
    idx = {role: _pick(header, getattr(columns, role, None), role) for role in ("text", "title", "url", "published", "outlet")}
    idx["file"] = _pick(header, None, "file")
    if idx["text"] is None:
        raise RejectedFile(f"no text column (looked for {', '.join(COLUMN_NAMES['text'])}; "
                           f"columns: {', '.join(h for h in header if h) or 'none'}); choose one with --text-column")
    used = {i for i in idx.values() if i is not None}
    for n, row in enumerate(rows, start=2):
        row = list(row)

        def cell(i):
            return row[i] if i is not None and i < len(row) else None

        text = cell(idx["text"])
        if text is None or not str(text).strip():
            yield Record(name=f"{path.name}#{n}", text="", extra={"_reject": "empty text cell"})
            continue
        name = str(cell(idx["file"])) if cell(idx["file"]) not in (None, "") else f"{path.name}#{n}"
        extra = {header[i]: cell(i) for i in range(len(header)) if i not in used and header[i] and cell(i) not in (None, "")}
        extra = {k: (v if isinstance(v, (str, int, float, bool)) else str(v)) for k, v in extra.items()}
        yield Record(name=name, text=normalise_text(str(text)),
                     title=str(cell(idx["title"])).strip() if cell(idx["title"]) else None,
                     url=str(cell(idx["url"])).strip() if cell(idx["url"]) else None,
                     published=_clean_date(cell(idx["published"])),
                     outlet=str(cell(idx["outlet"])).strip() if cell(idx["outlet"]) else None, extra=extra)


def read_csv(path: Path, data: bytes, columns: Columns) -> Iterator[Record]:
    text, _ = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    csv.field_size_limit(50 * 1024 * 1024)
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise RejectedFile("an empty spreadsheet") from None
    except csv.Error as exc:
        raise RejectedFile(f"not a readable CSV file ({exc})") from None
    try:
        yield from _rows_to_records(path, header, reader, columns)
    except csv.Error as exc:
        raise RejectedFile(f"not a readable CSV file ({exc})") from None


def read_xlsx(path: Path, data: bytes, columns: Columns) -> Iterator[Record]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RejectedFile(f"a broken or unreadable Excel workbook ({exc.__class__.__name__}: {exc})") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise RejectedFile(f"a broken or unreadable Excel workbook ({exc.__class__.__name__}: {exc})") from None
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        try:
            header = list(next(rows))
        except StopIteration:
            raise RejectedFile("an empty spreadsheet") from None
        yield from _rows_to_records(path, header, rows, columns)
    finally:
        wb.close()


def read_jsonl(path: Path, data: bytes) -> Iterator[Record]:
    text, _ = decode_bytes(data)
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Record(name=f"{path.name}#{n}", text="", extra={"_reject": f"line {n} is not JSON ({exc.msg})"})
            continue
        if not isinstance(obj, dict):
            yield Record(name=f"{path.name}#{n}", text="", extra={"_reject": f"line {n} is not a JSON object"})
            continue
        lower = {str(k).lower(): v for k, v in obj.items()}

        def get(role):
            for cand in COLUMN_NAMES[role]:
                if lower.get(cand) not in (None, ""):
                    return lower[cand]
            return None

        body = get("text")
        if not isinstance(body, str) or not body.strip():
            yield Record(name=f"{path.name}#{n}", text="", extra={"_reject": f"line {n} has no text field"})
            continue
        known = {c for cs in COLUMN_NAMES.values() for c in cs}
        extra = {k: v for k, v in obj.items() if str(k).lower() not in known}
        name = str(get("file")) if get("file") else f"{path.name}#{n}"
        yield Record(name=name, text=normalise_text(body), title=get("title"), url=get("url"),
                     published=_clean_date(get("published")), outlet=get("outlet"), extra=extra)


def read_records(path: Path, columns: Columns | None = None) -> Iterator[Record]:
    """Records from one file; raises RejectedFile for a file that cannot be used at all."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise RejectedFile(f"unsupported file type '{suffix or '(none)'}' (supported: {', '.join(sorted(SUFFIXES))})")
    data = read_bytes(path)
    columns = columns or Columns()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, data, columns)
    if suffix in (".csv", ".tsv"):
        return read_csv(path, data, columns)
    if suffix in JSONL_SUFFIXES:
        return read_jsonl(path, data)
    if suffix in HTML_SUFFIXES:
        return read_html(path, data)
    if suffix in MD_SUFFIXES:
        return read_markdown(path, data)
    return read_plain(path, data)

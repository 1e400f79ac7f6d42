"""Streaming .xlsx writing on top of openpyxl's write-only mode.

openpyxl builds the package: workbook, styles, sheet views (frozen header),
column widths, autofilter, data validations and the zip file. Only the cells of
``<sheetData>`` are serialised here, one row at a time into a temporary file,
because openpyxl creates, type-checks and serialises a Python object per cell
(about 9 microseconds a cell on a small machine: 40 s for 100,000 events),
while the rows of an export have a handful of known value types.

Cells are written the way openpyxl writes them in write-only mode (inline
strings, numbers, booleans, dates as serial numbers with a date format) with
three differences that the export needs:

- text is always a string cell: text starting with ``=`` is never a formula,
  ``#N/A`` is never an error value, and text that starts like a formula
  (``= + - @``, tab, CR) gets the ``quotePrefix`` style so that editing the
  cell in Excel or LibreOffice keeps it text;
- XML-illegal characters are removed and over-long text is cut with a marker
  (``cells.clean_text``) instead of raising;
- a carriage return is kept (written as ``&#13;``) so text reads back exactly.
"""
from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zipfile import ZIP_DEFLATED, ZipFile
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.writer.excel import ExcelWriter

from annotator.export.cells import EXCEL_CELL_LIMIT, FORMULA_STARTS, ILLEGAL_XML as _ILLEGAL_XML, CleanStats, truncate

_SPACE = " \t\n\r"
_EMPTY_SHEETDATA = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")
EXCEL_INLINE_LIST_LIMIT = 255  # characters of an inline data-validation list
MIN_EXCEL_DATE = date(1900, 1, 1)
_EXCEL_DT_MIN = datetime(1900, 1, 1)
_EXCEL_DT_LEAP = datetime(1900, 3, 1)  # before it, Excel's phantom 29 Feb 1900 shifts serials (to_excel handles it)
_EXCEL_EPOCH = datetime(1899, 12, 30)
WIDTH_SAMPLE_ROWS = 500
ZIP_LEVEL = 1
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, kind (text|number|date|datetime|bool) and optional width."""
    name: str
    kind: str = "text"
    width: float | None = None
    choices: tuple[str, ...] = ()  # a data-validation list (category columns)
    strict: bool = False  # only the listed values are allowed (else the list is a suggestion)


class StreamedSheet(WriteOnlyWorksheet):
    """A write-only worksheet whose rows are serialised by ``RowEncoder`` into a temporary file.

    At ``close`` openpyxl writes the sheet's head and tail around an empty
    ``<sheetData>``; the rows are spliced in there.
    """

    def __init__(self, parent: Workbook, title: str):
        super().__init__(parent, title)
        fd, self._rows_path = tempfile.mkstemp(prefix="annotator-rows-", suffix=".xml")
        self._rows_fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        # removed even when the workbook is dropped without save() or discard()
        self._cleanup = weakref.finalize(self, _remove_file, self._rows_fh, self._rows_path)
        self.n_rows = 0
        self.n_cols = 0

    def calculate_dimension(self) -> str:
        return f"A1:{get_column_letter(max(1, self.n_cols))}{max(1, self.n_rows)}"

    def append(self, row):  # noqa: D401 - guard
        raise TypeError("StreamedSheet rows are written with SheetWriter.append")

    def write_row_xml(self, xml: str) -> None:
        self._rows_fh.write(xml)
        self.n_rows += 1

    def append_rows_xml_file(self, path: str, n_rows: int) -> None:
        """Rows encoded elsewhere (numbered from ``n_rows + 1`` on), appended in one copy."""
        self._rows_fh.flush()
        with open(path, "rb") as src:
            shutil.copyfileobj(src, self._rows_fh.buffer, 1 << 20)
        self.n_rows += n_rows

    def close(self) -> None:
        """openpyxl writes the sheet around an empty sheetData; ``write_to`` puts the rows in it."""
        self._rows_fh.close()
        super().close()

    def write_to(self, dst) -> None:
        """The complete sheet XML, streamed into ``dst`` (a zip entry): no copy of the rows on disk."""
        with open(self._writer.out, "rb") as fh:
            shell = fh.read()
        m = _EMPTY_SHEETDATA.search(shell)
        if m is None:  # pragma: no cover - openpyxl always writes sheetData
            raise RuntimeError("openpyxl wrote no sheetData element")
        dst.write(shell[:m.start()])
        dst.write(b"<sheetData>")
        with open(self._rows_path, "rb") as src:
            shutil.copyfileobj(src, dst, 1 << 20)
        dst.write(b"</sheetData>")
        dst.write(shell[m.end():])

    def discard(self) -> None:
        """Remove the temporary rows file (also after a failed export)."""
        self._cleanup()


def _remove_file(fh, path: str) -> None:
    if not fh.closed:
        fh.close()
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


class RowEncoder:
    """Turns a row of Python values into the XML of one ``<row>``.

    The part of a cell after its reference (style, type, escaped text) is
    cached per distinct value: exports repeat titles, coder names, vocabulary
    values and origins on every row, so most cells cost one dictionary look-up.
    """

    CACHE_LIMIT = 200_000

    def __init__(self, sheet: StreamedSheet | None, n_cols: int, styles: "Styles", stats: CleanStats):
        self.letters = [f'<c r="{get_column_letter(i)}' for i in range(1, n_cols + 1)]
        self.styles = styles
        self.stats = stats
        self._text: dict[str, tuple[str, int]] = {}  # text -> (cell tail, flags)
        self._dates: dict[date, str] = {}

    @classmethod
    def detached(cls, letters: list[str], styles: "Styles", stats: CleanStats) -> "RowEncoder":
        """An encoder for the same columns and styles in another process (``parallel``)."""
        enc = cls(None, 0, styles, stats)
        enc.letters = list(letters)
        return enc

    def _text_tail(self, v: str, force: str) -> tuple[str, int]:
        flags = 0
        if _ILLEGAL_XML.search(v):
            v = _ILLEGAL_XML.sub("", v)
            flags |= 1
        if len(v) > EXCEL_CELL_LIMIT // 2:
            v, cut = truncate(v)
            flags |= 2 if cut else 0
        if not v:
            return "", flags
        s = force
        if v[0] in FORMULA_STARTS:
            s = f' s="{self.styles.text_prefix}"'
            flags |= 4
        x = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if "\r" in x:
            x = x.replace("\r", "&#13;")
        sp = ' xml:space="preserve"' if v[0] in _SPACE or v[-1] in _SPACE else ""
        return f'"{s} t="inlineStr"><is><t{sp}>{x}</t></is></c>', flags

    def _count(self, flags: int) -> None:
        st = self.stats
        if flags & 1:
            st.illegal_removed += 1
        if flags & 2:
            st.truncated += 1
        if flags & 4:
            st.formula_like += 1

    def _date_tail(self, v: date) -> str:
        tail = self._dates.get(v)
        if tail is None:
            tail = "" if v < MIN_EXCEL_DATE else f'" s="{self.styles.date}"><v>{to_excel(v)}</v></c>'
            self._dates[v] = tail
        return tail

    def _datetime_tail(self, v: datetime) -> str:
        if v.tzinfo is not None:
            v = v.replace(tzinfo=None)
        if v < _EXCEL_DT_MIN:
            return ""
        if v < _EXCEL_DT_LEAP:
            serial = to_excel(v)
        else:
            d = v - _EXCEL_EPOCH
            serial = d.days + (d.seconds + d.microseconds / 1e6) / 86400
        return f'" s="{self.styles.datetime}"><v>{serial!r}</v></c>'

    def encode(self, values: Sequence[Any], r: int, style: int | None = None) -> str:
        parts = [f'<row r="{r}">']
        app = parts.append
        force = f' s="{style}"' if style else ""
        cache = self._text if not style else {}
        if len(cache) > self.CACHE_LIMIT:
            cache.clear()
            self._dates.clear()
        rs = str(r)
        for head, v in zip(self.letters, values):
            if v is None:
                continue
            t = type(v)
            if t is str:
                hit = cache.get(v)
                if hit is None:
                    hit = cache[v] = self._text_tail(v, force)
                if hit[1]:
                    self._count(hit[1])
                if hit[0]:
                    app(head + rs + hit[0])
            elif t is int:
                app(f'{head}{rs}"{force}><v>{v}</v></c>')
            elif t is float:
                if math.isfinite(v):
                    app(f'{head}{rs}"{force}><v>{v!r}</v></c>')
            elif t is bool:
                app(f'{head}{rs}"{force} t="b"><v>{1 if v else 0}</v></c>')
            elif t is date:
                tail = self._date_tail(v)
                if tail:
                    app(head + rs + tail)
            elif t is datetime:
                tail = self._datetime_tail(v)
                if tail:
                    app(head + rs + tail)
            else:
                hit = self._text_tail(str(v), force)
                if hit[1]:
                    self._count(hit[1])
                if hit[0]:
                    app(head + rs + hit[0])
        app("</row>")
        return "".join(parts)


class Styles:
    """Cell style ids registered in the workbook's style table."""

    def __init__(self, wb: Workbook, ws: WriteOnlyWorksheet):
        def style(**attrs) -> int:
            cell = WriteOnlyCell(ws)
            for k, v in attrs.items():
                setattr(cell, k, v)
            return cell.style_id

        self.date = style(number_format=DATE_FORMAT)
        self.datetime = style(number_format=DATETIME_FORMAT)
        self.text_prefix = style(quotePrefix=True)
        self.header = style(font=Font(bold=True), fill=PatternFill("solid", fgColor="DDEBF7"),
                            alignment=Alignment(vertical="top"))
        self.title = style(font=Font(bold=True, size=12))


def _width_of(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return min(len(f"{value:.6g}"), 14)
    text = str(value)
    return max((len(line) for line in text.split("\n")), default=0)


class SheetWriter:
    """One sheet of a ``StreamingWorkbook``: header row, rows, then ``close``."""

    def __init__(self, book: "StreamingWorkbook", title: str, columns: Sequence[Column], *,
                 header: bool = True, freeze: bool = True, hidden: bool = False):
        self.book = book
        self.columns = list(columns)
        self.ws = StreamedSheet(book.wb, title)
        book.wb._sheets.append(self.ws)
        self.ws.n_cols = len(self.columns)
        if hidden:
            self.ws.sheet_state = "hidden"
        self.encoder = RowEncoder(self.ws, len(self.columns), book.styles, book.stats)
        self._widths = [_width_of(c.name) for c in self.columns]
        self._filter_end: int | None = None
        self._has_header = header
        self.data_rows = 0
        if header:
            self.append([c.name for c in self.columns], style=book.styles.header)
            self.data_rows = 0
            if freeze:
                self.ws.freeze_panes = "A2"

    @property
    def row_count(self) -> int:
        return self.ws.n_rows

    def append(self, values: Sequence[Any], style: int | None = None) -> None:
        r = self.ws.n_rows + 1
        if r <= WIDTH_SAMPLE_ROWS:
            w = self._widths
            for i, v in enumerate(values[: len(w)]):
                n = _width_of(v)
                if n > w[i]:
                    w[i] = n
        self.ws.write_row_xml(self.encoder.encode(values, r, style))
        self.data_rows += 1

    def append_rows_file(self, path: str, n_rows: int, stats: CleanStats) -> None:
        """Rows written by ``parallel`` with this sheet's encoder settings."""
        self.ws.append_rows_xml_file(path, n_rows)
        self.data_rows += n_rows
        own = self.book.stats
        own.illegal_removed += stats.illegal_removed
        own.truncated += stats.truncated
        own.formula_like += stats.formula_like

    def end_table(self) -> None:
        """The autofilter covers the rows written so far (a sheet with several tables)."""
        self._filter_end = self.ws.n_rows

    def close(self) -> None:
        ws = self.ws
        for i, col in enumerate(self.columns):
            if col.width is not None:
                width = col.width
            elif col.kind == "date":
                width = 12
            elif col.kind == "datetime":
                width = 19
            else:
                width = min(max(self._widths[i] + 2, 8), 60)
            ws.column_dimensions[get_column_letter(i + 1)].width = width
        last_row = self._filter_end or ws.n_rows
        if self._has_header and self.columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{max(last_row, 1)}"
            self._add_validations(max(last_row, 2))
        ws.close()

    def _add_validations(self, last_row: int) -> None:
        for i, col in enumerate(self.columns):
            if not col.choices:
                continue
            formula = self.book.list_formula(col.name, col.choices)
            dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                                showErrorMessage=True, errorStyle="stop" if col.strict else "information",
                                errorTitle=col.name,
                                error=("Choose a value from the list." if col.strict else
                                       "This value is not in the codebook's vocabulary."))
            letter = get_column_letter(i + 1)
            dv.add(f"{letter}2:{letter}{last_row}")
            self.ws.data_validations.append(dv)


class StreamingWorkbook:
    """A write-only workbook of ``SheetWriter`` sheets, saved atomically."""

    LISTS_SHEET = "Lists"

    def __init__(self):
        self.wb = Workbook(write_only=True)
        self.stats = CleanStats()
        self._style_sheet = WriteOnlyWorksheet(self.wb, "styles")  # never added to the workbook
        self.styles = Styles(self.wb, self._style_sheet)
        self.sheets: list[SheetWriter] = []
        self._lists: dict[str, tuple[str, ...]] = {}

    def sheet(self, title: str, columns: Sequence[Column], **kw) -> SheetWriter:
        writer = SheetWriter(self, title, columns, **kw)
        self.sheets.append(writer)
        return writer

    def list_formula(self, name: str, choices: tuple[str, ...]) -> str:
        """An inline list when it fits Excel's 255 characters, else a range on the hidden Lists sheet."""
        inline = ",".join(choices)
        if len(inline) + 2 <= EXCEL_INLINE_LIST_LIMIT and not any("," in c or '"' in c for c in choices):
            return f'"{inline}"'
        self._lists.setdefault(name, choices)
        col = list(self._lists).index(name) + 1
        letter = get_column_letter(col)
        return f"'{self.LISTS_SHEET}'!${letter}$2:${letter}${len(choices) + 1}"

    def _write_lists(self) -> None:
        if not self._lists:
            return
        names = list(self._lists)
        sheet = self.sheet(self.LISTS_SHEET, [Column(n) for n in names], freeze=False, hidden=True)
        depth = max(len(v) for v in self._lists.values())
        for i in range(depth):
            sheet.append([v[i] if i < len(v) else None for v in self._lists.values()])
        sheet.ws.close()

    def save(self, path: str | Path) -> None:
        """Close every sheet and write ``path`` through a temporary file in the same folder."""
        path = Path(path)
        for s in self.sheets:
            if not s.ws.closed:
                s.close()
        self._write_lists()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            # openpyxl's save_workbook with a faster deflate level: level 1 compresses the
            # repetitive sheet XML about 4 times faster than the default for a file ~25% larger
            archive = ZipFile(tmp, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=ZIP_LEVEL)
            self.wb.properties.modified = datetime.now(timezone.utc).replace(tzinfo=None)
            try:
                _StreamingExcelWriter(self.wb, archive).save()
            finally:
                archive.close()
            os.replace(tmp, path)
        except BaseException:
            try:
                os.remove(tmp)
            except FileNotFoundError:
                pass
            raise

    def discard(self) -> None:
        for s in self.sheets:
            s.ws.discard()


class _StreamingExcelWriter(ExcelWriter):
    """openpyxl's package writer; a StreamedSheet is streamed into its zip entry."""

    def write_worksheet(self, ws):
        if not isinstance(ws, StreamedSheet):
            return super().write_worksheet(ws)
        # as ExcelWriter.write_worksheet for write-only sheets, with the sheet XML streamed
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        if not ws.closed:
            ws.close()
        ws._rels = ws._writer._rels
        with self._archive.open(ws.path[1:], "w", force_zip64=True) as dst:
            ws.write_to(dst)
        self.manifest.append(ws)
        ws._writer.cleanup()
        ws.discard()

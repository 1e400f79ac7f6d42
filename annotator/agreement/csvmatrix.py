"""Read a reliability spreadsheet (CSV) into a coders x units matrix.

Layout (default): one row per unit, one column per coder, a header row with
the coder names; an empty cell is a missing value.  If the header's first
cell is empty or one of ``unit``/``units``/``id``/``unit_id``/``item``, the first
column holds unit labels.  ``coders_in_rows=True`` reads the transposed
layout (one row per coder, coder names in the first column).

Errors become one ``MatrixFileError`` sentence naming the file.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UNIT_HEADERS = {"", "unit", "units", "id", "unit_id", "item", "items"}


class MatrixFileError(ValueError):
    """A reliability CSV that cannot be read; the message names the file."""


@dataclass
class MatrixFile:
    coders: list[str]
    units: list[str]
    matrix: list[list[Any]]      # coders x units, None = missing


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MatrixFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise MatrixFileError(f"{path}: is a directory, not a CSV file") from None
    except OSError as exc:
        raise MatrixFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if b"\x00" in raw[:4096]:
        raise MatrixFileError(f"{path}: not a CSV file (binary data); save the sheet as CSV")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise MatrixFileError(f"{path}: not a text file in UTF-8; save the sheet as CSV UTF-8")


def read_matrix_csv(path: str | Path, coders_in_rows: bool = False) -> MatrixFile:
    path = Path(path)
    text = _read_text(path)
    if not text.strip():
        raise MatrixFileError(f"{path}: the file is empty; expected a header row with coder names and one row per unit")
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        # Excel's "sep=;" first line names the separator
        delimiter = first.strip()[4]
        text = rest

        class dialect(csv.excel):  # noqa: N801
            pass
        dialect.delimiter = delimiter
    else:
        try:
            dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
    try:
        rows = [r for r in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise MatrixFileError(f"{path}: not readable as CSV ({exc})") from None
    rows = [r for r in rows if any(c.strip() for c in r)]  # blank lines are not units
    if not rows:
        raise MatrixFileError(f"{path}: the file is empty; expected a header row with coder names and one row per unit")
    if coders_in_rows:
        width = max(len(r) for r in rows)
        rows = [list(col) for col in zip(*[r + [""] * (width - len(r)) for r in rows])]
        what_row, what_col = "column", "row"
    else:
        what_row, what_col = "row", "column"
    header = [c.strip() for c in rows[0]]
    has_labels = header[0].casefold() in UNIT_HEADERS
    coders = header[1:] if has_labels else header
    start = 1 if has_labels else 0
    if not coders:
        raise MatrixFileError(f"{path}: no coder columns in the header {what_row}")
    if len(rows) < 2:
        raise MatrixFileError(f"{path}: only a header {what_row}; expected one {what_row} per unit below it")
    for i, name in enumerate(coders):
        if not name:
            raise MatrixFileError(f"{path}: header {what_row} has an empty coder name in {what_col} {i + start + 1}")
    dup = sorted({c for c in coders if coders.count(c) > 1})
    if dup:
        raise MatrixFileError(f"{path}: coder name {dup[0]!r} appears twice in the header {what_row}")
    units: list[str] = []
    matrix: list[list[Any]] = [[] for _ in coders]
    for n, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row]
        label = cells[0] if has_labels and cells else str(n - 1)
        values = cells[start:]
        if len(values) > len(coders) and any(values[len(coders):]):
            raise MatrixFileError(
                f"{path}: {what_row} {n} has {len(values)} values but the header names {len(coders)} coders")
        values = values[:len(coders)] + [""] * (len(coders) - len(values))
        units.append(label)
        for c, v in enumerate(values):
            matrix[c].append(v if v else None)
    return MatrixFile(coders, units, matrix)

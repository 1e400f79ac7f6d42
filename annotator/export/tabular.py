"""The Events table as CSV (UTF-8 with a byte-order mark, so Excel reads non-ASCII names)."""
from __future__ import annotations

import csv
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from annotator.db.project import Project
from annotator.export import source as S
from annotator.export.cells import csv_safe
from annotator.export.columns import EventLayout
from annotator.export.workbook import Progress, write_events


def _csv_cell(v: Any, escape_formulas: bool) -> Any:
    if v is None:
        return ""
    t = type(v)
    if t is str:
        return csv_safe(v) if escape_formulas else v
    if t is bool:
        return "TRUE" if v else "FALSE"
    if t is datetime:
        return v.isoformat(sep=" ", timespec="seconds")
    if t is date:
        return v.isoformat()
    return v


def write_events_csv(project: Project, path: str | Path, scope: S.ExportScope = S.ExportScope(),
                     progress: Progress | None = None, escape_formulas: bool = True) -> dict[str, Any]:
    """Write the Events table to ``path``.

    With ``escape_formulas`` (the default) text that Excel would run as a
    formula when it opens the file (starting with = + - @, tab, CR) gets a
    leading apostrophe; the JSON export keeps the exact text.
    """
    path = Path(path)
    coders = S.scope_coders(project, scope)
    total = S.count_events(project, coders)
    layout = EventLayout(project.codebook)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    tick(0)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([c.name for c in layout.columns])

            def append(row: list[Any]) -> None:
                writer.writerow([_csv_cell(v, escape_formulas) for v in row])

            n = write_events(append, project, layout, coders, tick)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except FileNotFoundError:
            pass
        raise
    return {"events_rows": n, "scope": scope.label}

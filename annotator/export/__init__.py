"""Exports for analysis: the Excel workbook, the Events table as CSV, the interchange JSON.

    from annotator.export import export_project, ExportScope
    export_project(project, "out.xlsx", ExportScope(coder="alice"), progress=lambda done, total: ...)

The format follows the file suffix (.xlsx, .csv, .json). Nothing here imports Qt.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from annotator.db.project import Project
from annotator.export.source import ExportError, ExportScope
from annotator.export.workbook import ExportCancelled, Progress, write_workbook

FORMATS = {".xlsx": "Excel workbook", ".csv": "CSV (Events table)", ".json": "JSON (interchange format)"}

__all__ = ["FORMATS", "ExportCancelled", "ExportError", "ExportScope", "export_project", "write_json",
           "write_workbook", "write_events_csv"]


def write_events_csv(*args, **kw):
    from annotator.export.tabular import write_events_csv as impl
    return impl(*args, **kw)


def write_json(project: Project, path: str | Path, scope: ExportScope = ExportScope(),
               progress: Progress | None = None) -> dict[str, Any]:
    """The interchange format of GOLD_FORMAT.md (full texts, no cell limits)."""
    from annotator.export.source import scope_coders
    from annotator.interchange import export_codings

    path = Path(path)
    scope_coders(project, scope)  # same errors as the other formats for an unknown coder
    if progress:
        progress(0, 1)
    data = export_codings(project, coder=scope.coder, reconciled=scope.reconciled)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except FileNotFoundError:
            pass
        raise
    if progress:
        progress(1, 1)
    return {"articles": len(data), "events_rows": sum(len(a.get("events") or []) for a in data), "scope": scope.label}


def export_project(project: Project, path: str | Path, scope: ExportScope = ExportScope(),
                   progress: Progress | None = None, agreement: bool = True) -> dict[str, Any]:
    """Export in the format named by ``path``'s suffix; returns a small report (row counts...).

    Raises ``ExportError`` for a problem the user can fix (unknown suffix or
    coder, a folder that does not exist, a file open in another program) and
    ``ExportCancelled`` when ``progress`` raised it; in both cases no file is
    left behind.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"{path}: unknown export format {suffix or '(no suffix)'!r}; use one of "
                          f"{', '.join(FORMATS)}")
    if not path.parent.is_dir():
        raise ExportError(f"{path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise ExportError(f"{path}: is a folder; give a file name")
    try:
        if suffix == ".xlsx":
            return write_workbook(project, path, scope, progress, agreement=agreement)
        if suffix == ".csv":
            return write_events_csv(project, path, scope, progress)
        return write_json(project, path, scope, progress)
    except PermissionError as exc:
        raise ExportError(f"{path}: cannot be written ({exc.strerror}); if it is open in Excel or another "
                          f"program, close it there and export again") from None
    except OSError as exc:
        raise ExportError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise ExportError(f"{project.path}: the project cannot be read ({reason}); close other programs using "
                          f"it and export again") from None

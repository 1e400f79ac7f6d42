"""The second half of a large Events sheet, written by a helper process.

Building and encoding rows is pure Python, so one process uses one CPU. For a
large export the parent writes the first half of the Events rows while a
helper process (``spawn``: safe from a GUI thread) writes the second half to a
temporary file with the right row numbers; the parent then appends that file.
If the helper fails, the parent writes the second half itself.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
from pathlib import Path
from typing import Any

from annotator.export.cells import CleanStats


class HelperFailed(RuntimeError):
    pass


def _child(conn, project_path: str, coders: list, offset: int, first_row: int, styles: Any, letters: list[str],
           out_path: str) -> None:
    try:
        from annotator.db.project import Project, _make_engine
        from annotator.export.columns import EventLayout
        from annotator.export.workbook import write_events
        from annotator.export.xlsx import RowEncoder

        path = Path(project_path)
        project = Project(path, _make_engine(path))  # already checked by the parent: skip the file checks
        stats = CleanStats()
        encoder = RowEncoder.detached(letters, styles, stats)
        layout = EventLayout(project.codebook)
        row = first_row
        with open(out_path, "w", encoding="utf-8", newline="") as fh:
            def append(values: list[Any]) -> None:
                nonlocal row
                fh.write(encoder.encode(values, row))
                row += 1

            n = write_events(append, project, layout, coders, lambda _n: None, offset=offset, limit=None)
        project.close()
        conn.send(("ok", n, (stats.illegal_removed, stats.truncated, stats.formula_like)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}", None))
    finally:
        conn.close()


class EventsHalf:
    """A running helper; ``result()`` -> (rows file, rows, CleanStats)."""

    def __init__(self, project_path: Path, coders: list, offset: int, first_row: int, styles: Any,
                 letters: list[str]):
        ctx = mp.get_context("spawn")
        fd, self.out_path = tempfile.mkstemp(prefix="annotator-rows-half-", suffix=".xml")
        os.close(fd)
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child, args=(send, str(project_path), coders, offset, first_row, styles,
                                                      letters, self.out_path), daemon=True)
        self._proc.start()
        send.close()

    def result(self) -> tuple[str, int, CleanStats]:
        try:
            status, n, counts = self._recv.recv()
        except EOFError:
            status, n, counts = "error", "the helper process ended without an answer", None
        self._proc.join()
        if status != "ok":
            self.cancel()
            raise HelperFailed(n)
        stats = CleanStats(illegal_removed=counts[0], truncated=counts[1], formula_like=counts[2])
        return self.out_path, n, stats

    def cancel(self) -> None:
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join()
        try:
            os.remove(self.out_path)
        except FileNotFoundError:
            pass


def start_events_half(project_path: Path, coders: list, offset: int, first_row: int, styles: Any,
                      letters: list[str]) -> EventsHalf:
    return EventsHalf(project_path, coders, offset, first_row, styles, letters)

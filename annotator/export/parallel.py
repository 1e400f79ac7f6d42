"""The second half of a large Events sheet, written by a helper process.

Building and encoding rows is pure Python, so one process uses one CPU. For a
large export the parent writes the first part of the Events rows (and then the
other sheets) while a helper process writes the rest to a temporary file with
the right row numbers; the parent then appends that file. The helper is a
plain ``python -m annotator.export.parallel`` subprocess (no ``multiprocessing``:
it never re-imports the caller's main module, which may be a GUI, a notebook or
stdin). If the helper fails, the parent writes the rest itself.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from annotator.export.cells import CleanStats


class HelperFailed(RuntimeError):
    pass


class Helper:
    """A ``python -m annotator.export.parallel JOB`` process; ``answer()`` is its JSON reply."""

    out_path: str | None = None
    peak_mb: float | None = None  # the helper's peak memory, as it reported it

    def __init__(self, job: dict[str, Any]):
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # the package's folder, also from a checkout
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._proc = subprocess.Popen([sys.executable, "-m", "annotator.export.parallel", json.dumps(job)],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, env=env)

    def answer(self) -> dict[str, Any]:
        try:
            out, err = self._proc.communicate()
        except OSError as exc:
            self.cancel()
            raise HelperFailed(str(exc)) from None
        try:
            answer = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            answer = {"error": (err or "no answer").strip().splitlines()[-1:]}
        if self._proc.returncode != 0 or "error" in answer:
            self.cancel()
            raise HelperFailed(str(answer.get("error")))
        self.peak_mb = answer.get("peak_mb")
        return answer

    def cancel(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()
        if self.out_path:
            try:
                os.remove(self.out_path)
            except FileNotFoundError:
                pass


class EventsHalf(Helper):
    """Writes the Events rows from ``offset`` on; ``result()`` -> (rows file, rows, CleanStats)."""

    def __init__(self, project_path: Path, coders: list, offset: int, first_row: int, styles: Any,
                 letters: list[str]):
        fd, self.out_path = tempfile.mkstemp(prefix="annotator-rows-half-", suffix=".xml")
        os.close(fd)
        super().__init__({"kind": "events", "project": str(project_path), "coders": [asdict(c) for c in coders],
                          "offset": offset, "first_row": first_row,
                          "styles": {k: v for k, v in vars(styles).items() if isinstance(v, int)},
                          "letters": letters, "out": self.out_path})

    def result(self) -> tuple[str, int, CleanStats]:
        answer = self.answer()
        return self.out_path, answer["rows"], CleanStats(**answer["stats"])


def start_events_half(project_path: Path, coders: list, offset: int, first_row: int, styles: Any,
                      letters: list[str]) -> EventsHalf:
    return EventsHalf(project_path, coders, offset, first_row, styles, letters)


def _open(job: dict[str, Any]):
    from annotator.db.project import Project, _make_engine

    path = Path(job["project"])
    return Project(path, _make_engine(path))  # already opened and checked by the parent


def _events(job: dict[str, Any]) -> dict[str, Any]:
    from types import SimpleNamespace

    from annotator.export.columns import EventLayout
    from annotator.export.source import CoderInfo
    from annotator.export.workbook import write_events
    from annotator.export.xlsx import RowEncoder

    project = _open(job)
    stats = CleanStats()
    encoder = RowEncoder.detached(job["letters"], SimpleNamespace(**job["styles"]), stats)
    layout = EventLayout(project.codebook)
    coders = [CoderInfo(**c) for c in job["coders"]]
    row = job["first_row"]
    with open(job["out"], "w", encoding="utf-8", newline="") as fh:
        def append(values: list[Any]) -> None:
            nonlocal row
            fh.write(encoder.encode(values, row))
            row += 1

        n = write_events(append, project, layout, coders, lambda _n: None, offset=job["offset"], limit=None)
    project.close()
    return {"rows": n, "stats": asdict(stats)}


def _peak_mb() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _plain(o: Any) -> Any:
    return o.item() if hasattr(o, "item") else str(o)  # numpy numbers


def main() -> int:
    try:
        job = json.loads(sys.argv[1])
        answer = _events(job)
        answer["peak_mb"] = _peak_mb()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which does the work itself
        answer = {"error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(answer, default=_plain))
    return 0 if "error" not in answer else 1


if __name__ == "__main__":
    sys.exit(main())

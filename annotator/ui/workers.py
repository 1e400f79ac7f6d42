"""Background work: the suggestion engine in its own thread, article import in the thread pool.

Workers pass plain data back through signals; nothing here touches widgets.
"""
from __future__ import annotations

import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Signal, Slot

from annotator import suggestions as S
from annotator.db.project import Project


def default_engine_factory(project: Project):
    from annotator.coding import learned_patterns
    from annotator.suggest.engine import SuggestionEngine  # type: ignore

    from annotator.settings import model_name

    return SuggestionEngine(model=model_name(project), learned=learned_patterns(project))


MAX_PAUSE = 0.25  # seconds the background computation waits per batch while the coder acts


class SuggestionWorker(QObject):
    """Lives in its own QThread: loads the engine once, answers single articles first, then fills the cache."""

    engine_ready = Signal(str, object)  # version, model warning (str | None)
    engine_failed = Signal(str)
    result_ready = Signal(str, dict)  # article id, result
    progress = Signal(int, int)  # done, total
    finished = Signal(int)
    relevance_changed = Signal(dict)  # article id -> relevance

    def __init__(self, project_path: str, factory: Callable[[Project], Any]):
        super().__init__()
        self._path, self._factory = project_path, factory
        self._project: Project | None = None
        self.engine = None
        self.version: str | None = None
        self._cancel = False
        self._busy = False
        self._again = False
        self._wanted: list[tuple[str, str, str | None]] = []
        self._sent: dict[str, float] = {}   # relevance already sent to the window
        # set by the window (any thread may write a float) while the coder is working: the background
        # computation waits between batches, so the window is not slowed by the engine holding the GIL
        self.pause_until = 0.0

    def pause_for(self, seconds: float = 0.5) -> None:
        self.pause_until = time.monotonic() + seconds

    def cancel(self) -> None:
        self._cancel = True

    @Slot()
    def start(self) -> None:
        try:
            if self._project is None:
                self._project = Project.open(self._path)
            self.engine = self._factory(self._project)
            self.version = S.engine_version(self.engine)
        except Exception as exc:  # noqa: BLE001
            self.engine_failed.emit(f"Suggestions are off: {exc}".splitlines()[0])
            return
        self.engine_ready.emit(self.version, getattr(self.engine, "model_warning", None))

    @Slot(str, str, object)
    def suggest_article(self, article_id: str, text: str, published) -> None:
        if self.engine is None or self._project is None:
            return
        try:
            result = self.engine.suggest(text, published)
            S.store_result(self._project, article_id, self.version, result)
        except Exception as exc:  # noqa: BLE001
            self.engine_failed.emit(f"Suggestion failed: {exc}".splitlines()[0])
            return
        self.result_ready.emit(article_id, result)
        rel = result.get("relevant")
        if isinstance(rel, (int, float)):
            self.relevance_changed.emit({article_id: float(rel)})

    @Slot()
    def reload(self) -> None:
        """Build the engine again (new learned patterns give a new engine version)."""
        self._cancel = False
        self.start()

    @Slot(int, list)
    def compute_all(self, batch_size: int = 8, first: list | None = None) -> None:
        if self.engine is None or self._project is None:
            return
        if self._busy:  # asked again while computing (e.g. a new engine version): go round once more
            self._again = True
            return
        self._busy = True
        done = 0

        def cb(n: int, total: int):
            self.progress.emit(n, total)
            if n:
                self._emit_relevance()
                # answer single-article requests that arrived meanwhile (queued on this thread)
                QCoreApplication.processEvents()
                # the coder is opening or editing an article: let the window run, but for at most
                # MAX_PAUSE per batch, so the articles ahead still get their suggestions while they work
                until = min(self.pause_until, time.monotonic() + MAX_PAUSE)
                while time.monotonic() < until and not self._cancel:
                    time.sleep(0.02)
                    QCoreApplication.processEvents()
            return not self._cancel

        try:
            while True:
                self._again = False
                done += S.compute_missing(self._project, self.engine, cb, batch_size, first or [])
                if not self._again or self._cancel:
                    break
        except Exception as exc:  # noqa: BLE001
            self.engine_failed.emit(f"Computing suggestions failed: {exc}".splitlines()[0])
        finally:
            self._busy = False
        self.finished.emit(done)

    def _emit_relevance(self) -> None:
        if self._project is None:
            return
        from sqlalchemy import select

        from annotator.db.models import Article
        with self._project.Session() as s:
            changed = {a: r for a, r in s.execute(select(Article.id, Article.relevance))
                       if r is not None and self._sent.get(a) != r}
        if changed:  # only what is new: the window updates those rows, not the whole queue
            self._sent.update(changed)
            self.relevance_changed.emit(changed)

    @Slot()
    def stop(self) -> None:
        if self._project is not None:
            self._project.close()
            self._project = None


class ImportCancelled(Exception):
    pass


class WorkerSignals(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(str)


class ImportJob(QRunnable):
    """Runs ``annotator.importer.import_paths`` off the UI thread."""

    def __init__(self, project_path: str, paths: list[str]):
        super().__init__()
        self.project_path, self.paths = project_path, paths
        self.signals = WorkerSignals()
        self.cancelled = False

    def run(self) -> None:
        try:
            from annotator.importer import import_paths  # type: ignore
            project = Project.open(self.project_path)
            try:
                def cb(*args):
                    if self.cancelled:  # the import is one transaction: stopping it rolls everything back
                        raise ImportCancelled
                    done = args[0] if args else 0
                    total = args[1] if len(args) > 1 else 0
                    name = str(args[2]) if len(args) > 2 else ""
                    self.signals.progress.emit(int(done or 0), int(total or 0), name)
                    return True
                report = import_paths(project, self.paths, progress=cb)
            finally:
                project.close()
            self.signals.done.emit(list(report))
        except ImportCancelled:
            self.signals.failed.emit("Import cancelled: no article was imported.")
        except Exception as exc:  # noqa: BLE001
            self.signals.failed.emit(f"{exc}".splitlines()[0] if str(exc) else traceback.format_exc(limit=1))


class SearchJob(QRunnable):
    """Full-text search over the articles off the UI thread; ``serial`` lets the caller keep only the newest."""

    def __init__(self, project_path: str, needle: str, serial: int):
        super().__init__()
        self.project_path, self.needle, self.serial = project_path, needle, serial
        self.signals = WorkerSignals()

    def run(self) -> None:
        from annotator.ui.queue_data import search_file
        try:
            ids = search_file(self.project_path, self.needle)
        except Exception as exc:  # noqa: BLE001
            self.signals.failed.emit(f"Search failed: {exc}".splitlines()[0])
            return
        self.signals.done.emit((self.serial, ids))


class PackageJob(QRunnable):
    """Runs ``annotator.workflow.package.make_package`` off the UI thread on its own connection."""

    def __init__(self, project_path: str, coder: str, out: str):
        super().__init__()
        self.project_path, self.coder, self.out = project_path, coder, out
        self.signals = WorkerSignals()

    def run(self) -> None:
        from annotator.db.project import ProjectError
        from annotator.workflow.package import PackageError, make_package
        try:
            self.signals.progress.emit(0, 1, self.coder)
            with Project.open(self.project_path) as project:
                report = make_package(project, self.coder, self.out)
            self.signals.progress.emit(1, 1, self.coder)
        except (PackageError, ProjectError) as exc:
            self.signals.failed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - one sentence for the supervisor, never a traceback
            self.signals.failed.emit(f"{self.out}: the package could not be made ({exc})".splitlines()[0])
            return
        self.signals.done.emit(report)


class MergeJob(QRunnable):
    """Merges package files one by one (each in its own transaction) off the UI thread.

    ``done`` carries a list with, per file, a ``MergeReport`` or the ``MergeError`` that refused it.
    Cancelling stops before the next file; files already merged stay merged.
    """

    def __init__(self, project_path: str, paths: list[str]):
        super().__init__()
        self.project_path, self.paths = project_path, list(paths)
        self.signals = WorkerSignals()
        self.cancelled = False

    def run(self) -> None:
        from pathlib import Path

        from annotator.workflow.merge import MergeError, merge_package
        results: list = []
        try:
            with Project.open(self.project_path) as project:
                for i, path in enumerate(self.paths):
                    if self.cancelled:
                        break
                    label = f"Merging {Path(path).name} ({i + 1} of {len(self.paths)})"

                    def step(fraction: float, stage: str, i=i, label=label) -> None:
                        self.signals.progress.emit(i * 100 + int(100 * fraction), 100 * len(self.paths),
                                                   f"{label}: {stage}…")

                    step(0.0, "starting")
                    try:
                        results.append(merge_package(project, path, progress=step))
                    except MergeError as exc:
                        results.append(exc)
                    except Exception as exc:  # noqa: BLE001 - the file is refused, the others still merge
                        results.append(MergeError(f"{path}: refused: {exc}".splitlines()[0]))
                self.signals.progress.emit(100 * len(results), 100 * len(self.paths), "")
        except Exception as exc:  # noqa: BLE001
            self.signals.failed.emit(f"The merge could not run: {exc}".splitlines()[0])
            return
        self.signals.done.emit(results)

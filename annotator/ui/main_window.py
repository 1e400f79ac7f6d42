"""The coding window: wires the queue, the article view and the coding form together."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QEvent, QSettings, Qt, QThread, QThreadPool, Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (QApplication, QDialog, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QSplitter, QWidget)

from annotator import suggestions as S
from annotator.coding import CodingStore
from annotator.db.project import Project
from annotator.ui.article_view import ArticleView
from annotator.ui.coding_form import CodingForm
from annotator.ui.controller import CodingController
from annotator.ui.queue_data import last_article, load_queue
from annotator.ui.queue_panel import QueuePanel
from annotator.ui.workers import SearchJob, SuggestionWorker

SETTINGS_VERSION = 1


# Articles per background batch: the computation yields to the coder between batches (see eventFilter),
# so small batches keep the window quick while the engine fills the queue.
BACKGROUND_BATCH = 8


class MainWindow(QMainWindow):
    project_requested = Signal(str, bool)  # path, create
    coder_requested = Signal(str)
    search_finished = Signal()
    _suggest_requested = Signal(str, str, object)
    _compute_all_requested = Signal(int, list)
    _reload_requested = Signal()
    _worker_stop_requested = Signal()

    def __init__(self, project: Project, coder_name: str, settings: QSettings,
                 engine_factory: Callable[[Project], Any] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.project, self.settings = project, settings
        self.coder_name = coder_name
        self.store = CodingStore(project, coder_name)
        self.codebook = project.codebook
        self.setWindowTitle(f"{project.name} — annotator")
        self.undo = QUndoStack(self)
        self.engine_version: str | None = None
        self._model_warning_shown = False
        self._requested: set[str] = set()

        self.queue = QueuePanel(self)
        fill_fields = [(f.name, f.label) for f in self.codebook.fields if f.type not in ("boolean",)]
        self.view = ArticleView(fill_fields, self)
        self.form = CodingForm(self.codebook, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        for w in (self.queue, self.view, self.form):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([320, 500, 580])
        self.setCentralWidget(self.splitter)

        self.ctrl = CodingController(self.store, self.form, self.view, self.undo, self._suggestions_for, self)
        self.ctrl.article_opened.connect(self._on_ctrl_article_opened)
        self.ctrl.status_changed_signal.connect(self._on_ctrl_status_changed)
        self.ctrl.message.connect(lambda m: self.statusBar().showMessage(m, 6000))
        self.ctrl.save_failed.connect(lambda m: self.statusBar().showMessage(m, 15000))
        self.queue.article_activated.connect(self.open_article)
        self.queue.search_changed.connect(self._on_queue_search_changed)
        self.search_finished.connect(self.queue.search_applied)

        self._build_status_bar()
        self.action_map: dict[str, QAction] = {}
        from annotator.ui.menus import build_menus
        build_menus(self)
        self._restore_layout()
        self.reload_queue()
        self.form.set_article_names([r.file_name or r.title for r in self.queue.model.rows()])

        self._thread: QThread | None = None
        self.worker: SuggestionWorker | None = None
        if engine_factory is not None:
            self._start_worker(engine_factory)

        start = last_article(project, self.store.coder_id)
        ids = [r.article_id for r in self.queue.model.rows()]
        self.open_article(start if start in ids else (self.queue.neighbour(None, 0) if ids else None))
        self.form.focus_start()

    # ------------------------------------------------------------- status bar
    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        from annotator.ui.app import package_coder
        owner = package_coder(self.project)
        self.coder_label = QLabel(f"Coder: {self.coder_name}" + (" · work package" if owner else ""))
        if owner:
            self.coder_label.setToolTip(f"This file is the work package for {owner}; the supervisor merges it back "
                                        f"into the main project.")
        self.coder_label.setObjectName("coderLabel")
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("progressLabel")
        self.bg_label = QLabel("")
        self.bg_progress = QProgressBar()
        self.bg_progress.setMaximumWidth(160)
        self.bg_progress.setTextVisible(True)
        self.bg_progress.hide()
        sb.addPermanentWidget(self.bg_label)
        sb.addPermanentWidget(self.bg_progress)
        sb.addPermanentWidget(self.coder_label)
        sb.addPermanentWidget(self.progress_label)

    def _update_progress(self) -> None:
        done, total = self.queue.model.counts()
        self.progress_label.setText(f"{done} of {total} done")

    # ------------------------------------------------------------- queue
    def reload_queue(self) -> None:
        self.queue.model.set_rows(load_queue(self.project, self.store.coder_id))
        self._update_progress()
        if self.ctrl.article_id:
            self.queue.select(self.ctrl.article_id)

    def _on_queue_search_changed(self, text: str) -> None:
        """Search in the thread pool; only the answer to the newest search is used."""
        self._search_serial = getattr(self, "_search_serial", 0) + 1
        if not text:
            self.queue.proxy.set_matching_ids(None)
            return
        job = SearchJob(str(self.project.path), text, self._search_serial)
        job.signals.done.connect(self._on_search_done)
        job.signals.failed.connect(lambda m: self.statusBar().showMessage(m, 6000))
        self._search_jobs = [j for j in getattr(self, "_search_jobs", []) if j is not job][-4:] + [job]
        QThreadPool.globalInstance().start(job)

    def _on_search_done(self, answer) -> None:
        serial, ids = answer
        if serial == self._search_serial:
            self.queue.proxy.set_matching_ids(ids)
            self.search_finished.emit()

    def open_article(self, article_id: str | None) -> None:
        if article_id and article_id == self.ctrl.article_id:
            return
        self.ctrl.open_article(article_id)

    def _on_ctrl_article_opened(self, article_id: str) -> None:
        self.queue.select(article_id)
        self._check_learned()
        row = self.queue.model.row_of(article_id)
        state = self.ctrl.state
        if row >= 0 and state is not None:
            self.queue.model.set_status(article_id, state.status)
            self._update_progress()

    def _on_ctrl_status_changed(self, article_id: str, status: str) -> None:
        self.queue.model.set_status(article_id, status)
        self._update_progress()

    def go(self, step: int) -> None:
        target = self.queue.neighbour(self.ctrl.article_id, step)
        if target:
            in_form = self.form.isAncestorOf(self.focusWidget()) if self.focusWidget() else True
            self.ctrl.open_article(target)
            if in_form:
                self.form.focus_start()
        else:
            self.statusBar().showMessage("No more articles in this list.", 4000)

    def mark_done_and_next(self) -> None:
        current = self.ctrl.article_id
        was_at = self.queue.shown_row(current)  # a status filter may take the article out of the list
        state = self.ctrl.state
        left = [e for e in (state.events if state else []) if e.proposed]
        rel = state.values.get("relevant") if state else None
        not_relevant = rel is not None and rel.value.get("value") is False and not (state.events if state else [])
        if state is not None and state.status == "flagged":  # stays flagged for the supervisor
            self.statusBar().showMessage("Left flagged for the supervisor (Ctrl+G removes the flag).", 6000)
        else:
            self.ctrl.set_status("not_relevant" if not_relevant else "done")
        if left and not self.ctrl.pending:
            self.statusBar().showMessage(
                f"{len(left)} proposed event{'s' if len(left) > 1 else ''} not accepted: left out of the coding "
                f"(Ctrl+Z, then Ctrl+Shift+A to accept).", 10000)
        if self.ctrl.pending:
            return
        # the next article in the list that is not finished yet
        nxt = self.queue.next_unfinished(current, was_at)
        if nxt:
            self.ctrl.open_article(nxt)
            self.form.focus_start()
            return
        if not left:
            self.statusBar().showMessage("Every article in this list is done.", 6000)

    # ------------------------------------------------------------- suggestions
    def _suggestions_for(self, record: dict) -> dict | None:
        if self.engine_version is None:
            return None
        result = S.cached(self.project, record["content_hash"], self.engine_version)
        if result is None and self.worker is not None and record["id"] not in self._requested:
            self._requested.add(record["id"])
            self._suggest_requested.emit(record["id"], record["text"], record.get("published") or None)
        return result

    def _start_worker(self, factory) -> None:
        self._thread = QThread(self)
        self.worker = SuggestionWorker(str(self.project.path), factory)
        self.worker.moveToThread(self._thread)
        self._thread.started.connect(self.worker.start)
        self._suggest_requested.connect(self.worker.suggest_article)
        self._compute_all_requested.connect(self.worker.compute_all)
        self._reload_requested.connect(self.worker.reload)
        self._worker_stop_requested.connect(self.worker.stop)
        self.worker.engine_ready.connect(self._on_worker_engine_ready)
        self.worker.engine_failed.connect(self._on_worker_engine_failed)
        self.worker.result_ready.connect(self.ctrl.suggestion_ready)
        self.worker.progress.connect(self._on_worker_progress)
        self.worker.finished.connect(self._on_worker_finished)
        self.worker.relevance_changed.connect(self.queue.model.set_relevance)
        self.bg_label.setText("Loading the suggestion engine…")
        self._thread.start()
        QApplication.instance().installEventFilter(self)  # the coder's key presses and clicks pause it

    def eventFilter(self, obj, ev):  # noqa: N802
        """While the coder types or clicks, the background computation waits (between its batches), so
        that the window answers at once; it goes on half a second after the last input."""
        if ev.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel) \
                and self.worker is not None:
            self.worker.pause_for(0.5)
        return False

    def _on_worker_engine_ready(self, version: str, warning) -> None:
        self.engine_version = version
        self._requested.clear()
        self.bg_label.setText("")
        if warning and not self._model_warning_shown:
            self._model_warning_shown = True
            self.statusBar().showMessage(str(warning), 15000)
        if self.ctrl.record is not None:
            result = self._suggestions_for(self.ctrl.record)
            if result is not None:
                self.ctrl.suggestion_ready(self.ctrl.article_id, result)
        self._learned = self._learned_count()
        self._compute_all_requested.emit(BACKGROUND_BATCH, self._queue_from_current())

    def _learned_count(self):
        """The active learned patterns (ids and values): a change means the engine must be rebuilt."""
        from annotator.patterns import signature
        try:
            return signature(self.project)
        except Exception:  # noqa: BLE001
            return -1

    def _queue_from_current(self) -> list[str]:
        ids = self.queue.visible_ids()
        cur = self.ctrl.article_id
        return ids[ids.index(cur):] + ids[:ids.index(cur)] if cur in ids else ids

    def _check_learned(self) -> None:
        """New coder-taught patterns: rebuild the engine so the next articles get them."""
        if self.worker is None or self.engine_version is None:
            return
        n = self._learned_count()
        if n != getattr(self, "_learned", n):
            self._learned = n
            self.bg_label.setText("Learning from your coding…")
            self._reload_requested.emit()

    def _on_worker_engine_failed(self, message: str) -> None:
        self.bg_label.setText("")
        self.bg_progress.hide()
        self.statusBar().showMessage(message, 15000)

    def _on_worker_progress(self, done: int, total: int) -> None:
        if total:
            self.bg_progress.show()
            self.bg_progress.setRange(0, total)
            self.bg_progress.setValue(done)
            self.bg_label.setText("Computing suggestions")

    def _on_worker_finished(self, _n: int) -> None:
        self.bg_progress.hide()
        self.bg_label.setText("")

    def stop_worker(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self._thread is not None:
            if self.worker is not None:
                self.worker.cancel()
            self._worker_stop_requested.emit()
            self._thread.quit()
            self._thread.wait(30000)
            self._thread = None

    # ------------------------------------------------------------- files
    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", "", "Annotator projects (*.annotator);;All files (*)")
        if path:
            self.project_requested.emit(path, False)

    def new_project_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New project", "project.annotator", "Annotator projects (*.annotator)")
        if path:
            if not path.endswith(".annotator"):
                path += ".annotator"
            self.project_requested.emit(path, True)

    def switch_coder_dialog(self) -> None:
        from PySide6.QtWidgets import QInputDialog
        from annotator.coding import coder_names
        names = coder_names(self.project)
        name, ok = QInputDialog.getItem(self, "Switch coder", "Code as:", names,
                                        names.index(self.coder_name) if self.coder_name in names else 0, True)
        if ok and name.strip() and name.strip() != self.coder_name:
            self.coder_requested.emit(name.strip())

    def import_articles_dialog(self) -> None:
        from annotator.ui.import_dialog import run_import
        run_import(self)

    def export_dialog(self) -> None:
        try:
            from annotator.ui import export_dialog  # type: ignore
        except ImportError:
            QMessageBox.information(self, "Export", "Export is not available in this version.")
            return
        fn = getattr(export_dialog, "show_export_dialog", None) or getattr(export_dialog, "run_export", None)
        if fn is not None:
            fn(self, self.project)
        else:
            dlg_cls = getattr(export_dialog, "ExportDialog", None)
            if dlg_cls is not None:
                dlg_cls(self.project, self).exec()

    def assign_dialog(self) -> None:
        try:
            from annotator.ui.assign_dialog import AssignDialog  # type: ignore
        except ImportError:
            QMessageBox.information(self, "Not available", "Assigning articles is not available in this version.")
            return
        AssignDialog(self.project, self).exec()
        self.reload_queue()

    def _refuse_in_package(self, what: str) -> bool:
        """Packages and merges belong to the main project: say so when this file is a work package."""
        from annotator.ui.app import package_coder
        owner = package_coder(self.project)
        if owner is None:
            return False
        QMessageBox.information(self, what, f"{self.project.path.name} is the work package for {owner}. "
                                f"{what} from the supervisor's main project, not from a package.")
        return True

    def package_dialog(self) -> None:
        from annotator.ui.package_dialog import PackageDialog
        if self._refuse_in_package("Make work packages"):
            return
        self.form.flush()  # the package takes what is saved
        dlg = PackageDialog(self.project, self)
        self.last_package_dialog = dlg
        dlg.open()

    def patterns_dialog(self) -> None:
        """Supervisor > Learned patterns: switching one off or on rebuilds the engine for the next articles."""
        from annotator.ui.patterns_dialog import PatternsDialog
        self.form.flush()  # patterns learned from the edit in progress are listed too
        dlg = PatternsDialog(self.project, self.coder_name, self)
        dlg.changed.connect(self._check_learned)
        self.last_patterns_dialog = dlg
        dlg.open()

    def merge_dialog(self) -> None:
        from annotator.ui.merge_dialog import run_merge
        if self._refuse_in_package("Merge coder files"):
            return
        self.form.flush()
        run_merge(self)

    def after_merge(self, results: list) -> None:
        """Merged work is in the project: refresh the queue and the open article."""
        merged = [r for r in results if not isinstance(r, Exception) and r.changed]
        if not merged:
            return
        if any(r.coder == self.coder_name for r in merged):
            self.undo.clear()  # the undo history of this coder's edits no longer matches the project
        self.reload_queue()
        self.form.set_article_names([r.file_name or r.title for r in self.queue.model.rows()])
        current = self.ctrl.article_id
        if current is not None:
            self.ctrl.open_article(current, focus=self.form.current)
        else:
            self.open_article(self.queue.neighbour(None, 0))
        self.statusBar().showMessage(f"Merged {len(merged)} file(s); the queue and the article are up to date.", 8000)

    def open_optional_view(self, module: str) -> None:
        try:
            mod = __import__(f"annotator.ui.{module}", fromlist=["x"])
        except ImportError:
            QMessageBox.information(self, "Not available", "This view is not available in this version.")
            return
        for name in ("show_view", "show", "open_view"):
            fn = getattr(mod, name, None)
            if callable(fn):
                fn(self, self.project)
                return
        classes = [v for k, v in vars(mod).items() if isinstance(v, type) and issubclass(v, QWidget)
                   and v.__module__ == mod.__name__]
        if classes:
            w = classes[0](self.project, self)
            w.setWindowFlag(Qt.WindowType.Window)
            w.show()

    # ------------------------------------------------------------- layout
    def _restore_layout(self) -> None:
        s = self.settings
        if s.value("window/version", 0, type=int) != SETTINGS_VERSION:
            return
        geo = s.value("window/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        st = s.value("window/splitter")
        if st is not None:
            self.splitter.restoreState(st)

    def save_layout(self) -> None:
        s = self.settings
        s.setValue("window/version", SETTINGS_VERSION)
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.sync()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.form.flush()
        if self.ctrl.pending and not self.ctrl.retry_pending():
            answer = QMessageBox.question(
                self, "Unsaved edit", "Some edits could not be saved (see the red message). Close anyway and lose them?")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.save_layout()
        self.stop_worker()
        super().closeEvent(event)

    def show_shortcuts(self) -> None:
        from annotator.ui.shortcut_sheet import ShortcutSheet
        ShortcutSheet(self.action_map, self.codebook, self).exec()

    def about_text(self) -> str:
        """Help > About: the version, the project file, its codebook and the suggestion engine in use."""
        from annotator import __version__
        from annotator.settings import model_name
        cb = self.codebook
        engine = self.engine_version or "not loaded yet" if self.worker is not None else "off (--no-suggestions)"
        return (f"<b>annotator {__version__}</b><br>Code defection events in news articles.<br><br>"
                f"Project: {self.project.path}<br>Codebook: {cb.name} {cb.version}<br>"
                f"Coder: {self.coder_name}<br>spaCy model: {model_name(self.project)}<br>"
                f"Suggestion engine: {engine}")

    def settings_dialog(self) -> None:
        """File > Project settings: a new spaCy model rebuilds the engine (suggestions are recomputed)."""
        from annotator.ui.settings_dialog import SettingsDialog
        dlg = SettingsDialog(self.project, self)
        self.last_settings_dialog = dlg

        def done(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dlg.apply() and self.worker is not None:
                self.bg_label.setText("Loading the new model…")
                self._model_warning_shown = False
                self._reload_requested.emit()
        dlg.finished.connect(done)
        dlg.open()

    def show_about(self) -> None:
        QMessageBox.about(self, "About annotator", self.about_text())

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        from annotator.ui.shortcut_sheet import shortcut_rows
        return shortcut_rows(self.action_map, self.codebook)

"""File > Export...: format, scope, file, progress bar; the export runs in a QThread.

The main window opens it with ``ExportDialog(project, parent).exec()`` (or
``open()``). The work is ``annotator.export.export_project``; this module only
collects the choices and shows progress.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget)

from annotator.db.project import Project
from annotator.export import FORMATS, ExportCancelled, ExportError, ExportScope, export_project
from annotator.export.source import all_coders

FORMAT_LABELS = {".xlsx": "Excel workbook (.xlsx): Events, Articles, Agreement, Codebook, Coders, About",
                 ".csv": "CSV (.csv): the Events table, UTF-8",
                 ".json": "JSON (.json): the codings interchange format, full texts"}


class ExportWorker(QObject):
    """Runs one export in a worker thread; reports with signals (plain data only)."""

    progressed = Signal(int, int)  # done, total
    finished = Signal(dict)  # the export's report
    failed = Signal(str)  # one sentence for the user
    cancelled = Signal()

    def __init__(self, project: Project, path: str, scope: ExportScope):
        super().__init__()
        self._project, self._path, self._scope = project, path, scope
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def _progress(self, done: int, total: int) -> None:
        if self._cancel:
            raise ExportCancelled()
        self.progressed.emit(done, total)

    @Slot()
    def run(self) -> None:
        try:
            report = export_project(self._project, self._path, self._scope, progress=self._progress)
        except ExportCancelled:
            self.cancelled.emit()
        except ExportError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown, never a traceback dialog
            self.failed.emit(f"The export failed: {exc}".splitlines()[0])
        else:
            self.finished.emit(report)


class ExportDialog(QDialog):
    """Choose format, scope and file; export in the background with a progress bar."""

    export_finished = Signal(str, dict)  # path, report
    export_failed = Signal(str)
    export_cancelled = Signal()

    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.project = project
        self._thread: QThread | None = None
        self._worker: ExportWorker | None = None
        self._out_path = ""

        self.format_box = QComboBox()
        for suffix in FORMATS:
            self.format_box.addItem(FORMAT_LABELS[suffix], suffix)
        self.scope_box = QComboBox()
        self.scope_box.addItem("All coders (one row per event per coder)", ExportScope())
        for c in all_coders(project):
            if c.kind == "coder":
                self.scope_box.addItem(f"Coder: {c.name}", ExportScope(coder=c.name))
        if any(c.kind == "reconciled" for c in all_coders(project)):
            self.scope_box.addItem("Reconciled coding", ExportScope(reconciled=True))
        self.path_edit = QLineEdit(str(project.path.with_name(f"{project.path.stem}-export.xlsx")))
        browse = QPushButton("Browse...")
        browse.clicked.connect(self._on_browse_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("Codings", self.scope_box)
        form.addRow("File", path_row)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self._on_close_clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.format_box.currentIndexChanged.connect(self._on_format_changed)

    # ----------------------------------------------------------------- choices
    @property
    def suffix(self) -> str:
        return self.format_box.currentData()

    @property
    def scope(self) -> ExportScope:
        return self.scope_box.currentData()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def _on_format_changed(self, _index: int) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(self.suffix)))

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text(),
                                              f"{FORMAT_LABELS[self.suffix]} (*{self.suffix})")
        if path:
            if Path(path).suffix.lower() != self.suffix:
                path = str(Path(path).with_suffix(self.suffix))
            self.path_edit.setText(path)

    # ----------------------------------------------------------------- running
    def start_export(self) -> None:
        if self.running:
            return
        text = self.path_edit.text().strip()
        if not text:
            self._show_error("Choose a file to export to.")
            return
        path = Path(text)
        if path.suffix.lower() != self.suffix:
            path = path.with_suffix(self.suffix)
            self.path_edit.setText(str(path))
        self.progress_bar.setValue(0)
        self.status_label.setText(f"Exporting {self.scope.label} to {path.name}...")
        self._set_running(True)
        self._thread = QThread(self)
        self._worker = ExportWorker(self.project, str(path), self.scope)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._on_worker_progressed)
        self._out_path = str(path)
        self._worker.finished.connect(self._on_worker_finished)  # bound slots: queued into the GUI thread
        self._worker.failed.connect(self._on_worker_failed)
        self._worker.cancelled.connect(self._on_worker_cancelled)
        self._thread.start()

    def cancel_export(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.status_label.setText("Cancelling...")

    @Slot(int, int)
    def _on_worker_progressed(self, done: int, total: int) -> None:
        self.progress_bar.setValue(int(100 * done / total) if total else 0)

    @Slot(dict)
    def _on_worker_finished(self, report: dict) -> None:
        path = self._out_path
        self._stop_thread()
        self.progress_bar.setValue(100)
        rows = report.get("events_rows", 0)
        extra = ""
        if report.get("truncated"):
            extra = f" {report['truncated']} long cells were cut; the JSON export keeps the full text."
        self.status_label.setText(f"Exported {rows:,} events to {path}.{extra}")
        self.export_finished.emit(path, report)

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        self._stop_thread()
        self._show_error(message)
        self.export_failed.emit(message)

    @Slot()
    def _on_worker_cancelled(self) -> None:
        self._stop_thread()
        self.progress_bar.setValue(0)
        self.status_label.setText("Export cancelled; no file was written.")
        self.export_cancelled.emit()

    def _show_error(self, message: str) -> None:
        self.status_label.setText(message)

    def _stop_thread(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread.deleteLater()
        if self._worker is not None:
            self._worker.deleteLater()
        self._thread, self._worker = None, None
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running)
        self.format_box.setEnabled(not running)
        self.scope_box.setEnabled(not running)
        self.path_edit.setEnabled(not running)
        self.close_button.setText("Cancel" if running else "Close")

    def _on_close_clicked(self) -> None:
        if self.running:
            self.cancel_export()
        else:
            self.reject()

    def reject(self) -> None:
        if self.running:  # closing the window cancels the export and waits for the thread
            self.cancel_export()
            self._thread.quit()
            self._thread.wait()
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.running:
            self.cancel_export()
            self._thread.quit()
            self._thread.wait()
        super().closeEvent(event)

"""File > Import articles: choose files, import them in the thread pool, show the per-file report."""
from __future__ import annotations

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QHeaderView, QLabel, QMessageBox,
                               QProgressDialog, QTableWidget, QTableWidgetItem, QVBoxLayout)

from annotator.ui.workers import ImportJob


class ImportReport(QDialog):
    def __init__(self, report: list[dict], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import report")
        counts: dict[str, int] = {}
        for r in report:
            counts[r.get("status", "?")] = counts.get(r.get("status", "?"), 0) + 1
        summary = QLabel(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "Nothing imported.")
        table = QTableWidget(len(report), 3, self)
        table.setObjectName("importReport")
        table.setHorizontalHeaderLabels(["File", "Status", "Details"])
        for i, r in enumerate(report):
            detail = r.get("reason") or (f"duplicate of {r['duplicate_of']}" if r.get("duplicate_of") else "")
            for j, text in enumerate((str(r.get("file", "")), str(r.get("status", "")), str(detail or ""))):
                table.setItem(i, j, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        lay.addWidget(table)
        lay.addWidget(buttons)
        self.table = table
        self.resize(700, 400)


def start_import(win, paths: list[str]) -> ImportJob:
    """Start the import job with a progress dialog; the report opens when it is done."""
    job = ImportJob(str(win.project.path), paths)
    dlg = QProgressDialog("Importing articles…", "Cancel", 0, max(1, len(paths)), win)
    dlg.setWindowTitle("Import articles")
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.setMinimumDuration(0)
    dlg.canceled.connect(lambda: setattr(job, "cancelled", True))

    def progress(done: int, total: int, name: str) -> None:
        if total:
            dlg.setMaximum(total)
        dlg.setValue(min(done, dlg.maximum()))
        if name:
            dlg.setLabelText(f"Importing {name}")

    def done(report) -> None:
        dlg.close()
        win.reload_queue()
        win.form.set_article_names([r.file_name or r.title for r in win.queue.model.rows()])
        if win.ctrl.article_id is None:
            win.open_article(win.queue.neighbour(None, 0))
        win.last_import_report = report
        ImportReport(report, win).open()

    def failed(message: str) -> None:
        dlg.close()
        QMessageBox.warning(win, "Import failed", message)

    job.signals.progress.connect(progress)
    job.signals.done.connect(done)
    job.signals.failed.connect(failed)
    win._import_job = job
    QThreadPool.globalInstance().start(job)
    return job


def run_import(win) -> None:
    paths, _ = QFileDialog.getOpenFileNames(win, "Import articles", "",
                                            "Articles (*.txt *.html *.htm *.md *.json *.csv *.xlsx *.zip);;All files (*)")
    if paths:
        start_import(win, paths)

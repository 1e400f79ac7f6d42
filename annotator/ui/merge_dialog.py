"""Supervisor > Merge coder files: ``annotator merge`` with a progress dialog and a report.

The files are merged in the thread pool (``MergeJob``), one transaction per
file. The report lists, per file, what was added / updated / removed /
unchanged / kept, every conflict with the project's and the package's value
side by side, and the one-sentence reason for every refused file.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFileDialog, QHeaderView, QLabel, QProgressDialog,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from annotator import values as V
from annotator.codebook import Codebook
from annotator.ui.workers import MergeJob

REFUSED_COLOUR = "#ffd9d9"
CONFLICT_COLOUR = "#fff4cc"


def _counts(c) -> str:
    parts = [f"{n} {label}" for label, n in (("added", c.added), ("updated", c.updated), ("removed", c.removed),
                                            ("unchanged", c.unchanged), ("kept", c.kept)) if n]
    return ", ".join(parts) or "—"


def show_state(codebook: Codebook | None, kind: str, field: str | None, state: Any) -> str:
    """A conflict side as the supervisor reads it: the field's display text, the status, or the event."""
    if state is None:
        return "(none)"
    head = state[0] if isinstance(state, list) and state else state
    if kind == "value":
        if head is None:
            return "(empty)"
        if codebook is not None and field and codebook.has_field(field) and isinstance(head, dict):
            try:
                text = V.display(codebook.field(field), head)
                if text:
                    return text
            except Exception:  # noqa: BLE001 - fall back to the raw value
                pass
    if kind == "coding" and isinstance(state, list) and len(state) > 1:
        return f"{head}{', flagged' if state[1] else ''}"
    if kind == "event" and isinstance(state, list) and len(state) > 2:
        return "deleted" if state[2] else f"position {state[0] + 1}{', proposed' if state[1] else ''}"
    text = json.dumps(head, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "…"


class MergeReportDialog(QDialog):
    """Per file: merged counts or the refusal; below, every conflict with both values."""

    FILE_COLUMNS = ["File", "Coder", "Result", "Codings", "Events", "Values", "Details"]
    CONFLICT_COLUMNS = ["File", "Article", "What", "Project's value (kept)", "Package's value", "Why"]

    def __init__(self, results: list, codebook: Codebook | None = None, parent: QWidget | None = None,
                 paths: list[str] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Merge report")
        self.results = results
        merged = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, Exception)]
        conflicts = [(r, c) for r in merged for c in r.conflicts]
        cancelled = len(paths) - len(results) if paths else 0
        self.summary = QLabel(f"{len(merged)} file(s) merged, {len(refused)} refused, {len(conflicts)} conflict(s)."
                              + (f" Cancelled: {cancelled} file(s) not merged." if cancelled > 0 else "")
                              + (" A conflict keeps the project's value; settle it by editing the coding in the "
                                 "project (the audit log keeps both)." if conflicts else ""), self)
        self.summary.setObjectName("mergeSummary")
        self.summary.setWordWrap(True)

        skipped = list(paths[len(results):]) if paths else []  # the merge was cancelled before these
        self.files = QTableWidget(len(results) + len(skipped), len(self.FILE_COLUMNS), self)
        self.files.setObjectName("mergeFiles")
        self.files.setHorizontalHeaderLabels(self.FILE_COLUMNS)
        self.files.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for i, r in enumerate(results):
            if isinstance(r, Exception):
                name = Path(paths[i]).name if paths and i < len(paths) else ""
                message = str(r)
                if paths and i < len(paths) and message.startswith(str(paths[i])):
                    message = name + message[len(str(paths[i])):]  # the file column has the name; keep it short
                row = [name, "", "refused", "", "", "", message]
                colour = REFUSED_COLOUR
            else:
                if not r.changed:
                    details = "nothing to do: the project already has this work"
                else:
                    details = f"audit entries appended: {r.audit_added}; learned patterns added: {r.patterns_added}"
                result = f"merged, {len(r.conflicts)} conflict(s)" if r.conflicts else "merged"
                row = [Path(r.file).name, r.coder, result, _counts(r.codings), _counts(r.events), _counts(r.values),
                       details]
                colour = CONFLICT_COLOUR if r.conflicts else None
            for j, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if colour:
                    item.setBackground(QBrush(QColor(colour)))
                self.files.setItem(i, j, item)
        for i, path in enumerate(skipped, start=len(results)):
            for j, text in enumerate([Path(path).name, "", "not merged", "", "", "", "the merge was cancelled"]):
                self.files.setItem(i, j, QTableWidgetItem(text))
        self.files.setWordWrap(True)
        self.files.resizeColumnsToContents()
        for j in range(len(self.FILE_COLUMNS) - 1):
            self.files.setColumnWidth(j, min(self.files.columnWidth(j), 220))
        self.files.horizontalHeader().setSectionResizeMode(len(self.FILE_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)

        self.conflicts = QTableWidget(len(conflicts), len(self.CONFLICT_COLUMNS), self)
        self.conflicts.setObjectName("mergeConflicts")
        self.conflicts.setHorizontalHeaderLabels(self.CONFLICT_COLUMNS)
        self.conflicts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for i, (r, c) in enumerate(conflicts):
            label = codebook.field(c.field).label if codebook is not None and c.field and \
                codebook.has_field(c.field) else (c.field or "")
            what = {"coding": "coding status", "event": f"event {(c.event_id or '')[:8]}"}.get(
                c.kind, label + (f" (event {c.event_id[:8]})" if c.event_id else ""))
            row = [Path(r.file).name, c.article, what, show_state(codebook, c.kind, c.field, c.project),
                   show_state(codebook, c.kind, c.field, c.package), c.reason]
            for j, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.conflicts.setItem(i, j, item)
        self.conflicts.resizeColumnsToContents()
        self.conflicts.horizontalHeader().setSectionResizeMode(len(self.CONFLICT_COLUMNS) - 1,
                                                               QHeaderView.ResizeMode.Stretch)
        conflicts_label = QLabel("Conflicts (the same coding changed in the project and in the package):"
                                 if conflicts else "No conflicts.", self)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        copy = buttons.addButton("&Copy report", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setObjectName("copyReport")
        copy.clicked.connect(lambda: QApplication.clipboard().setText(self.text()))
        self.resize(980, 520)
        self.files.resizeRowsToContents()
        self.conflicts.resizeRowsToContents()
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.files, 2)
        lay.addWidget(conflicts_label)
        lay.addWidget(self.conflicts, 3)
        self.conflicts.setVisible(bool(conflicts))
        lay.addWidget(buttons)
        self.resize(980, 520)

    def showEvent(self, event) -> None:  # noqa: N802 - wrap the long cells once the columns have their widths
        super().showEvent(event)
        self.files.resizeRowsToContents()
        self.conflicts.resizeRowsToContents()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.files.resizeRowsToContents()
        self.conflicts.resizeRowsToContents()

    def text(self) -> str:
        """The report as plain text (one line per file, then the conflicts)."""
        lines = [self.summary.text()]
        for t in (self.files, self.conflicts):
            for i in range(t.rowCount()):
                lines.append(" | ".join(t.item(i, j).text() for j in range(t.columnCount())))
        return "\n".join(lines)


def start_merge(win, paths: list[str]) -> MergeJob:
    """Merge ``paths`` into the window's project in the background; the report opens when done."""
    job = MergeJob(str(win.project.path), paths)
    dlg = QProgressDialog("Merging…", "Cancel", 0, 100 * max(1, len(paths)), win)
    dlg.setObjectName("mergeProgress")
    dlg.setWindowTitle("Merge coder files")
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.setMinimumDuration(0)
    dlg.setAutoClose(False)
    dlg.setAutoReset(False)
    dlg.canceled.connect(lambda: setattr(job, "cancelled", True))
    win.merge_progress = dlg

    def progress(done: int, total: int, label: str) -> None:  # hundredths of files, and what is being done
        dlg.setMaximum(max(1, total))
        dlg.setValue(min(done, dlg.maximum()))
        if label:
            dlg.setLabelText(label)

    def done(results) -> None:
        dlg.close()
        win.after_merge(results)
        report = MergeReportDialog(results, win.codebook, win, paths)
        win.last_merge_report = report
        report.open()

    def failed(message: str) -> None:
        from PySide6.QtWidgets import QMessageBox
        dlg.close()
        QMessageBox.warning(win, "Merge failed", message)

    job.signals.progress.connect(progress)
    job.signals.done.connect(done)
    job.signals.failed.connect(failed)
    win._merge_job = job
    QThreadPool.globalInstance().start(job)
    return job


def run_merge(win) -> None:
    paths, _ = QFileDialog.getOpenFileNames(win, "Merge coder files (work packages)", str(Path(win.project.path).parent),
                                            "Annotator projects (*.annotator);;All files (*)")
    if paths:
        start_merge(win, paths)

"""Supervisor > Make work package for a coder: ``annotator package`` as a dialog.

Choose the coder and the file to write; the package is made in the thread
pool (``PackageJob``) while the dialog shows a busy bar, then the dialog shows
what the package holds (or the one-sentence reason it could not be made).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QProgressBar, QPushButton, QVBoxLayout, QWidget)

from annotator.coding import coder_names
from annotator.db.project import Project
from annotator.workflow.assign import assignments_of
from annotator.ui.workers import PackageJob


def default_package_path(project: Project, coder: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in coder.strip()) or "coder"
    return str(Path(project.path).with_name(f"{Path(project.path).stem}-{safe}.annotator"))


class PackageDialog(QDialog):
    """Make a work package for one coder; ``package_made`` carries the ``PackageReport``."""

    package_made = Signal(object)
    package_failed = Signal(str)

    def __init__(self, project: Project, parent: QWidget | None = None, coders: list[str] | None = None):
        super().__init__(parent)
        self.project = project
        self.job: PackageJob | None = None
        self.report = None
        self.setWindowTitle("Make work package for a coder")

        self.coder = QComboBox(self)
        self.coder.setObjectName("packageCoder")
        self.coder.setEditable(False)
        self.coder.addItems(coders if coders is not None else coder_names(project))
        self.out = QLineEdit(self)
        self.out.setObjectName("packageFile")
        self._out_edited = False
        self.out.textEdited.connect(lambda _t: setattr(self, "_out_edited", True))
        self.browse = QPushButton("Browse…", self)
        self.browse.setAutoDefault(False)
        self.browse.clicked.connect(self._on_browse_clicked)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(self.browse)
        self.coder.currentTextChanged.connect(self._on_coder_changed)
        self._on_coder_changed(self.coder.currentText())

        self.assigned = QLabel("", self)
        self.assigned.setObjectName("packageAssigned")
        self.coder.currentTextChanged.connect(self._show_assigned)
        self._show_assigned(self.coder.currentText())
        form = QFormLayout()
        form.addRow("&Coder:", self.coder)
        form.addRow("", self.assigned)
        save_label = QLabel("&Save as:", self)
        save_label.setBuddy(self.out)
        form.addRow(save_label, out_row)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # making a package is one step: a busy bar
        self.busy.hide()
        self.result = QLabel("The package is a project file holding only this coder's articles, their work so far "
                             "and the codebook; the coder opens it in the app and codes offline. "
                             "Bring it back with Supervisor > Merge coder files.", self)
        self.result.setObjectName("packageResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.make_button = self.buttons.addButton("&Make package", QDialogButtonBox.ButtonRole.ActionRole)
        self.make_button.setObjectName("makePackage")
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        if self.coder.count() == 0:
            self.make_button.setEnabled(False)
            self.result.setText("There are no coders in this project yet: assign articles first "
                                "(Supervisor > Assign articles to coders).")
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.busy)
        lay.addWidget(self.result)
        lay.addWidget(self.buttons)
        self.resize(560, 240)

    def _show_assigned(self, name: str) -> None:
        try:
            n = len(assignments_of(self.project).get(name, []))
        except Exception:  # noqa: BLE001 - only a hint
            self.assigned.setText("")
            return
        self.assigned.setText(f"{n} assigned article{'' if n == 1 else 's'} (and any other article they coded)"
                              if name else "")

    def _on_coder_changed(self, name: str) -> None:
        if name and not self._out_edited:
            self.out.setText(default_package_path(self.project, name))

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the work package as", self.out.text(),
                                              "Annotator projects (*.annotator)",
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            if not path.endswith(".annotator"):
                path += ".annotator"
            self.out.setText(path)
            self._out_edited = True

    def start(self) -> bool:
        """Make the package in the background; False when nothing was started."""
        coder, out = self.coder.currentText().strip(), self.out.text().strip()
        if not coder or not out:
            self.result.setText("Choose a coder and the file to write.")
            return False
        target = Path(out)
        if target.resolve() == Path(self.project.path).resolve():
            self.result.setText(f"{target} is the project itself; choose another file for the package.")
            return False
        if target.exists():
            answer = QMessageBox.question(self, "Replace file?",
                                          f"{target} already exists. Replace it with a new package for {coder}?")
            if answer != QMessageBox.StandardButton.Yes:
                return False
            for suffix in ("", "-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
        self.job = PackageJob(str(self.project.path), coder, str(target))
        self.job.signals.done.connect(self._on_job_done)
        self.job.signals.failed.connect(self._on_job_failed)
        self.make_button.setEnabled(False)
        self.busy.show()
        self.result.setText(f"Making the work package for {coder}…")
        QThreadPool.globalInstance().start(self.job)
        return True

    def _on_job_done(self, report) -> None:
        self.busy.hide()
        self.make_button.setEnabled(True)
        self.report = report
        self.result.setText(f"Done. {report.format()}\n\nSend the file to {report.coder}; they open it with "
                            f"File > Open project (as {report.coder}).")
        self.package_made.emit(report)

    def _on_job_failed(self, message: str) -> None:
        self.busy.hide()
        self.make_button.setEnabled(True)
        self.result.setText(f"The package was not made: {message}")
        self.package_failed.emit(message)

    def reject(self) -> None:
        if self.busy.isVisible():  # the job finishes on its own; keep the dialog until it has
            self.result.setText("Still writing the package; the dialog closes when it is done.")
            self.package_made.connect(lambda _r: QDialog.reject(self))
            self.package_failed.connect(lambda _m: QDialog.reject(self))
            return
        super().reject()

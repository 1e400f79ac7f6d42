"""Supervisor > Learned patterns: review what coders taught the engine, switch patterns off or on, export, import.

The list is ``annotator.patterns.list_patterns``; every switch is written to the
project at once (and audited) and ``changed`` is emitted so the window rebuilds
the suggestion engine. The same operations are ``annotator patterns`` on the
command line.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton, QTableView, QVBoxLayout)

from annotator import patterns as P
from annotator.db.project import Project

COLUMNS = ("On", "Field", "Words", "Suggested value", "Coder", "Learned from", "Learned at")


class PatternsModel(QAbstractTableModel):
    """One row per learned pattern; column 0 is a check box that switches the pattern on or off."""
    switched = Signal(str, bool)        # pattern id, now active
    failed = Signal(str)

    def __init__(self, project: Project, by: str | None = None, parent=None):
        super().__init__(parent)
        self.project, self.by = project, by
        self._rows: list[P.Pattern] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = P.list_patterns(self.project)
        self.endResetModel()

    def pattern(self, row: int) -> P.Pattern:
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return f | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else f

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return Qt.CheckState.Checked if p.active else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            extra = ", ".join(str(v) for v in (p.extra or {}).values() if v)
            return ("on" if p.active else "off", p.field, p.text,
                    p.value + (f" ({extra})" if extra else ""), p.coder or "", p.article or "",
                    (p.created_at or "")[:16].replace("T", " "))[col]
        if role == Qt.ItemDataRole.ForegroundRole and not p.active:
            return QColor("gray")
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{p.field}: the words '{p.text}' are suggested as '{p.value}'"
                    + ("" if p.active else " — switched off, not suggested"))
        return None

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        return self.set_active([index.row()], on) > 0

    def set_active(self, rows: list[int], on: bool) -> int:
        """Switch the patterns of ``rows``; writes to the project at once. Returns how many changed."""
        ids = [self._rows[r].id for r in rows if self._rows[r].active != on]
        if not ids:
            return 0
        try:
            n = P.set_active(self.project, ids, on, by=self.by)
        except Exception as exc:  # noqa: BLE001 - a locked or read-only file: say so, change nothing on screen
            self.failed.emit(f"{self.project.path.name}: the pattern could not be switched ({exc})")
            return 0
        for r in rows:
            if self._rows[r].id in ids:
                self._rows[r].active = on
                self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMNS) - 1))
        for pid in ids:
            self.switched.emit(pid, on)
        return n


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.field = ""
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)

    def set_field(self, field: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            self.field = field
            self.endFilterChange()
        else:
            self.field = field
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        if self.field and self.sourceModel().pattern(row).field != self.field:
            return False
        return super().filterAcceptsRow(row, parent)


class PatternsDialog(QDialog):
    """The supervisor's review of learned patterns (non-modal; changes are saved as they are made)."""
    changed = Signal()

    def __init__(self, project: Project, by: str | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Learned patterns")
        self.project = project
        self.model = PatternsModel(project, by, self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter patterns (words, value, coder, article)…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.field_box = QComboBox(self)
        self.field_box.addItem("All fields", "")
        for f in project.codebook.event_fields:
            self.field_box.addItem(f.label, f.name)
        self.field_box.currentIndexChanged.connect(lambda _i: self.proxy.set_field(self.field_box.currentData()))

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Learned from"), QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)

        self.summary = QLabel(self)
        self.off_button = QPushButton("Switch &off selected", self)
        self.on_button = QPushButton("Switch o&n selected", self)
        self.export_button = QPushButton("&Export…", self)
        self.import_button = QPushButton("&Import…", self)
        self.off_button.clicked.connect(lambda: self.switch_selected(False))
        self.on_button.clicked.connect(lambda: self.switch_selected(True))
        self.export_button.clicked.connect(self.export_dialog)
        self.import_button.clicked.connect(self.import_dialog)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.field_box)
        buttons = QHBoxLayout()
        for b in (self.off_button, self.on_button, self.export_button, self.import_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Words coders coded become patterns the engine suggests in the following articles. "
                             "Switch off a pattern that should not be suggested; it stays off when coded again.",
                             self, wordWrap=True))
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.summary)
        lay.addLayout(buttons)
        self.model.switched.connect(lambda *_: (self._update_summary(), self.changed.emit()))
        self.model.failed.connect(self._show_error)
        self.model.modelReset.connect(self._update_summary)
        self._update_summary()
        self.resize(900, 520)

    def _update_summary(self) -> None:
        n = self.model.rowCount()
        off = sum(1 for r in range(n) if not self.model.pattern(r).active)
        self.summary.setText("No learned patterns yet: they appear as coders code units, groups and places."
                             if not n else f"{n} pattern{'s' if n != 1 else ''}, {off} switched off.")

    def selected_rows(self) -> list[int]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return sorted(rows)

    @Slot()
    def switch_selected(self, on: bool) -> None:
        self.model.set_active(self.selected_rows(), on)

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self, "Learned patterns", message)

    @Slot()
    def export_dialog(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export learned patterns", "patterns.json", "JSON (*.json)")
        if not path:
            return
        try:
            n = P.export_patterns(self.project, path)
        except P.PatternError as exc:
            self._show_error(str(exc))
            return
        self.summary.setText(f"{n} pattern{'s' if n != 1 else ''} written to {path}.")

    @Slot()
    def import_dialog(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import learned patterns", "", "JSON (*.json)")
        if not path:
            return
        try:
            rep = P.import_patterns(self.project, path, by=self.model.by)
        except Exception as exc:  # noqa: BLE001 - a bad file or a locked project: one message, nothing changed
            self._show_error(str(exc))
            return
        self.model.reload()
        text = f"{rep.added} pattern(s) added, {rep.already} already here"
        if rep.refused:
            text += f", {len(rep.refused)} refused ({rep.refused[0]}{' …' if len(rep.refused) > 1 else ''})"
        self.summary.setText(text + ".")
        if rep.added:
            self.changed.emit()

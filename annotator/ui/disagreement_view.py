"""Disagreement view: settle the coders' disagreements one by one.

Left, the list of disagreements (settled ones ticked) with the progress
("31 of 48 disagreements settled").  Right, the article text with each coder's
evidence highlighted in that coder's colour, the coders' values and evidence
side by side (values that differ from the others highlighted), and the
decision: pick a coder's value or type another, give a reason, Settle.  The
decision is stored by ``annotator.agreement.disagreements.settle`` as the
reconciled coding plus a decision row with who decided and why.

The list is built off the UI thread (``DisagreementJob`` opens its own
connection); settling writes through the view's project in small transactions.
"""
from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence, QTextCharFormat, QTextCursor, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QListView, QPushButton, QRadioButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QTextEdit, QVBoxLayout, QWidget)

from annotator.agreement.disagreements import (EVENT_PRESENT, Disagreement, progress_text, settle, undo_settle,
                                               value_from_text)

CODER_COLOURS = ("#ffe08a", "#a8d8ff", "#c8f0b0", "#f5b8e8", "#ffc9a0", "#d0c8ff")
DIFF_COLOUR = "#ffd2d2"
MAX_CODER_KEYS = 9  # Alt+1 ... Alt+9 take the first, second, ... coder's value


def matches(d: Disagreement, needle: str) -> bool:
    """Does the filter text match the disagreement's article, field or a coder's value? Every word must match."""
    words = needle.casefold().split()
    if not words:
        return True
    hay = " ".join([d.article_label, d.article_id, d.field, d.label, d.event_summary]
                   + [f"{v.coder} {v.display}" for v in d.values]).casefold()
    return all(w in hay for w in words)


class DisagreementListModel(QAbstractListModel):
    """A thin list over ``Disagreement`` objects."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: list[Disagreement] = []

    def set_items(self, items: list[Disagreement]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list[Disagreement]:
        return list(self._items)

    def item_at(self, row: int) -> Disagreement:
        return self._items[row]

    def refresh_row(self, row: int) -> None:
        idx = self.index(row, 0)
        self.dataChanged.emit(idx, idx)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._items)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._items)):
            return None
        d = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            where = d.article_label + (f" · event [{d.event_summary}]" if d.event_key else "")
            return f"{'✓ ' if d.settled else ''}{d.label} — {where}"
        if role == Qt.ItemDataRole.ForegroundRole and d.settled:
            return QBrush(QColor("#777777"))
        if role == Qt.ItemDataRole.ToolTipRole:
            vals = "\n".join(f"{v.coder}: {v.display or '(empty)'}" for v in d.values)
            extra = ""
            if d.decision:
                extra = (f"\nsettled by {d.decision.get('decided_by')}"
                         + (f": {d.decision.get('reason')}" if d.decision.get("reason") else ""))
            return vals + extra
        return None


class JobSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class DisagreementJob(QRunnable):
    """Aligns the codings and lists the disagreements on its own connection."""

    def __init__(self, project_path: str, field: str | None):
        super().__init__()
        self.project_path, self.field = project_path, field
        self.signals = JobSignals()

    def run(self) -> None:
        try:
            from annotator.agreement.disagreements import article_texts, list_disagreements
            from annotator.agreement.project import prepare
            from annotator.ui.agreement_view import open_for_reading

            project = open_for_reading(self.project_path)
            try:
                data = prepare(project)
                items = list_disagreements(project, self.field, data=data)
                texts = article_texts(project, {d.article_id for d in items})
            finally:
                project.close()
            self.signals.done.emit({"data": data, "items": items, "texts": texts})
        except Exception as exc:  # noqa: BLE001 - one sentence in the view
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.signals.failed.emit(msg if self.project_path in msg else f"{self.project_path}: {msg}")


class CompleteJob(QRunnable):
    """Writes the consensus reconciled codings of every double-coded article that has none."""

    def __init__(self, project_path: str):
        super().__init__()
        self.project_path = project_path
        self.signals = JobSignals()

    def run(self) -> None:
        try:
            from annotator.agreement.disagreements import complete_reconciled
            from annotator.db.project import Project

            project = Project.open(self.project_path)
            try:
                n = complete_reconciled(project)
            finally:
                project.close()
            self.signals.done.emit(n)
        except Exception as exc:  # noqa: BLE001
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.signals.failed.emit(msg if self.project_path in msg else f"{self.project_path}: {msg}")


class SettleCommand(QUndoCommand):
    """One decision on the undo stack: redo = ``settle``, undo = ``undo_settle``."""

    def __init__(self, view: "DisagreementView", item: Disagreement, value, chosen_from: str | None, reason: str):
        super().__init__(f"settle {item.label} in {item.article_label}")
        self.view, self.item, self.value = view, item, value
        self.chosen_from, self.reason = chosen_from, reason
        self.record = None
        self.error: str | None = None

    def redo(self) -> None:
        try:
            self.record = settle(self.view.project, self.item, self.value, decided_by=self.view.decided_by,
                                 reason=self.reason, chosen_from=self.chosen_from, data=self.view._data)
        except Exception as exc:  # noqa: BLE001 - e.g. a locked project: one sentence, nothing half-saved is hidden
            self.error = (str(exc).splitlines()[0] if str(exc) else type(exc).__name__).strip("'")
            self.setObsolete(True)
            return
        self.view._after_change(self.item, moved=True)

    def undo(self) -> None:
        if self.record is None:
            return
        undo_settle(self.view.project, self.item, self.record)
        self.view._after_change(self.item, moved=False)


class DisagreementView(QWidget):
    """Settle disagreements (all, or of one field) of a project."""

    loaded = Signal(int)            # number of disagreements listed
    failed = Signal(str)
    settled = Signal(object)        # the Disagreement just settled
    agreed_written = Signal(int)    # reconciled codings written from the coders' consensus

    def __init__(self, project, parent: QWidget | None = None, *, field: str | None = None,
                 decided_by: str | None = None, pool: QThreadPool | None = None, autostart: bool = True):
        super().__init__(parent)
        self.project = project
        self.field = field
        self.decided_by = decided_by or getattr(parent, "coder_name", None) or "supervisor"
        self.pool = pool or QThreadPool(self)
        self._job: DisagreementJob | None = None
        self._data = None
        self._texts: dict[str, str] = {}
        self.current: Disagreement | None = None
        title = f"Disagreements{f' — {field}' if field else ''}"
        self.setWindowTitle(title)

        self.progress = QLabel("Looking for disagreements…")
        self.progress.setObjectName("progressLabel")
        self.model = DisagreementListModel(self)
        self.list = QListView()
        self.list.setObjectName("disagreementList")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self.agreed_button = QPushButton("Write agreed codings")
        self.agreed_button.setObjectName("agreedButton")
        self.agreed_button.setToolTip("Give every double-coded article a reconciled coding holding what the coders "
                                      "agree on (articles without open disagreements are marked done)")
        self.agreed_button.clicked.connect(self.write_agreed)
        self.reload_button = QPushButton("Reload")
        self.reload_button.setObjectName("reloadButton")
        self.reload_button.setToolTip("List the disagreements again (after coders changed their codings)")
        self.reload_button.clicked.connect(self.reload)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("disagreementFilter")
        self.filter_edit.setPlaceholderText("Filter by article, field or value (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.apply_filter)
        self.filter_edit.returnPressed.connect(self._on_filter_return_pressed)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.progress, 1)
        head.addWidget(self.reload_button)
        ll.addLayout(head)
        ll.addWidget(self.filter_edit)
        ll.addWidget(self.list, 1)
        ll.addWidget(self.agreed_button)

        self.heading = QLabel("")
        self.heading.setObjectName("disagreementHeading")
        self.heading.setWordWrap(True)
        self.text = QTextEdit()
        self.text.setObjectName("articleText")
        self.text.setReadOnly(True)
        self.compare = QTableWidget(0, 0)
        self.compare.setObjectName("comparison")
        self.compare.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.compare.setWordWrap(True)
        self.compare.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        box = QGroupBox("Decision")
        self.choice_group = QButtonGroup(self)
        self.choices_layout = QVBoxLayout()
        self.other_radio = QRadioButton("Other (Alt+O):")
        self.other_edit = QLineEdit()
        self.other_edit.setObjectName("otherValue")
        self.other_edit.textEdited.connect(lambda _t: self.other_radio.setChecked(True))
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setPlaceholderText("why (required)")
        self.settle_button = QPushButton("Settle")
        self.settle_button.setObjectName("settleButton")
        self.settle_button.clicked.connect(self.settle_current)
        self.settle_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.settle_button.setToolTip("Store the decision (Ctrl+Enter, or Enter in the reason box)")
        self.reason_edit.returnPressed.connect(self.settle_current)
        self.other_edit.returnPressed.connect(self.reason_edit.setFocus)
        self.undo_stack = QUndoStack(self)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        undo_action = self.undo_stack.createUndoAction(self, "Undo decision")
        undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        redo_action = self.undo_stack.createRedoAction(self, "Redo decision")
        redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.addAction(undo_action)
        self.addAction(redo_action)
        self.actions_by_key: dict[str, QAction] = {}
        for n in range(1, MAX_CODER_KEYS + 1):
            self._add_action(f"take_{n}", f"Take coder {n}'s value", [f"Alt+{n}"],
                             lambda _c=False, i=n - 1: self.take_value(i))
        self._add_action("other", "Type another value", ["Alt+O"],
                         lambda _c=False: (self.other_radio.setChecked(True), self.other_edit.setFocus()))
        self._add_action("next", "Next disagreement", ["Ctrl+PgDown", "F8"], lambda _c=False: self.step(1))
        self._add_action("previous", "Previous disagreement", ["Ctrl+PgUp", "Shift+F8"], lambda _c=False: self.step(-1))
        self._add_action("next_open", "Next open disagreement", ["Ctrl+Shift+PgDown"],
                         lambda _c=False: self.step_open())
        self._add_action("filter", "Filter the list", ["Ctrl+F"],
                         lambda _c=False: (self.filter_edit.setFocus(), self.filter_edit.selectAll()))
        self.message = QLabel("")
        self.message.setObjectName("decisionMessage")
        self.message.setWordWrap(True)
        grid = QGridLayout(box)
        grid.addLayout(self.choices_layout, 0, 0, 1, 2)
        grid.addWidget(self.other_radio, 1, 0)
        grid.addWidget(self.other_edit, 1, 1)
        grid.addWidget(QLabel("Reason:"), 2, 0)
        grid.addWidget(self.reason_edit, 2, 1)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(self.undo_button)
        row.addWidget(self.settle_button)
        grid.addLayout(row, 3, 0, 1, 2)

        right = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.heading)
        tl.addWidget(self.text, 1)
        right.addWidget(top)
        right.addWidget(self.compare)
        right.addWidget(box)
        right.setSizes([380, 140, 240])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        self.resize(1100, 720)
        self._set_enabled(False)
        if autostart:
            self.reload()

    def _add_action(self, key: str, text: str, keys: list[str], slot) -> None:
        act = QAction(text, self)
        act.setObjectName(f"action_{key}")
        act.setShortcuts([QKeySequence(k) for k in keys])
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.triggered.connect(slot)
        self.addAction(act)
        self.actions_by_key[key] = act

    # ------------------------------------------------------------- keyboard
    def take_value(self, index: int) -> bool:
        """Pick the ``index``-th coder's value (Alt+1, Alt+2, ...); then type the reason and press Enter."""
        buttons = self.choice_buttons()
        if self.current is None or not (0 <= index < len(buttons)):
            return False
        buttons[index].setChecked(True)
        coder = buttons[index].property("coder")
        self.message.setText(f"{coder}'s value chosen: give the reason and press Enter.")
        self.reason_edit.setFocus()
        return True

    def visible_rows(self) -> list[int]:
        return [i for i in range(self.model.rowCount()) if not self.list.isRowHidden(i)]

    def step(self, delta: int) -> None:
        """Show the next (delta 1) or previous (-1) disagreement in the filtered list."""
        rows = self.visible_rows()
        if not rows:
            return
        cur = self.list.currentIndex().row()
        later = [r for r in rows if (r > cur if delta > 0 else r < cur)]
        if later:
            self.select(later[0] if delta > 0 else later[-1])

    def step_open(self) -> None:
        """Show the next disagreement that is not settled yet."""
        self.select(self._next_open(self.list.currentIndex().row()))

    @Slot(str)
    def apply_filter(self, text: str | None = None) -> None:
        """Show only the disagreements whose article, field or values match the filter text."""
        needle = self.filter_edit.text() if text is None else text
        items = self.model.items()
        for i, d in enumerate(items):
            self.list.setRowHidden(i, not matches(d, needle))
        self._update_progress()
        cur = self.list.currentIndex().row()
        if (cur < 0 or self.list.isRowHidden(cur)) and self.visible_rows():
            self.select(self.visible_rows()[0])

    def _on_filter_return_pressed(self) -> None:
        rows = self.visible_rows()
        if rows:
            self.list.setFocus()

    # ------------------------------------------------------------- loading
    @Slot()
    def reload(self) -> None:
        if self._job is not None:
            return
        self.progress.setText("Looking for disagreements…")
        job = DisagreementJob(str(self.project.path), self.field)
        job.signals.done.connect(self._on_job_done)
        job.signals.failed.connect(self._on_job_failed)
        self._job = job
        self.pool.start(job)

    @Slot(object)
    def _on_job_done(self, payload: dict) -> None:
        self._job = None
        self.undo_stack.clear()  # the commands refer to the previous list's items
        self._data, self._texts = payload["data"], payload["texts"]
        items = payload["items"]
        self.model.set_items(items)
        self.apply_filter()
        self._update_progress()
        if items and self.visible_rows():
            self.select(self._next_open(-1))
        else:
            self.heading.setText("No disagreements: the coders agree on everything here.")
        self.loaded.emit(len(items))

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self._job = None
        self.progress.setText(f"Disagreements could not be listed: {message}")
        self.failed.emit(message)

    def _update_progress(self) -> None:
        text = progress_text(self.model.items())
        shown = len(self.visible_rows())
        if self.filter_edit.text().strip():
            text += f" · {shown} shown"
        self.progress.setText(text)

    def _next_open(self, after: int) -> int:
        """The next unsettled disagreement after row ``after`` among those the filter shows."""
        items = self.model.items()
        n = len(items)
        for k in range(1, n + 1):
            i = (after + k) % n
            if not items[i].settled and not self.list.isRowHidden(i):
                return i
        return max(0, min(after, n - 1))

    # ------------------------------------------------------------- showing one
    def select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(row, 0))

    @Slot(QModelIndex, QModelIndex)
    def _on_list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.show_item(self.model.item_at(current.row()))

    def show_item(self, d: Disagreement) -> None:
        self.current = d
        self._set_enabled(True)
        where = d.article_label + (f", event [{d.event_summary}]" if d.event_key else "")
        self.heading.setText(f"<b>{d.label}</b> in {where}")
        self._show_text(d)
        self._show_comparison(d)
        self._show_choices(d)
        self.message.setText("" if not d.settled else
                             f"Settled by {d.decision.get('decided_by')}"
                             + (f": {d.decision.get('reason')}" if d.decision.get("reason") else "")
                             + ". Settling again replaces the decision.")

    def _show_text(self, d: Disagreement) -> None:
        text = self._texts.get(d.article_id, "")
        self.text.setPlainText(text)
        selections = []
        first = None
        for i, v in enumerate(d.values):
            if not v.span or not text:
                continue
            cur = QTextCursor(self.text.document())
            cur.setPosition(max(0, min(v.span[0], len(text))))
            cur.setPosition(max(0, min(v.span[1], len(text))), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(CODER_COLOURS[i % len(CODER_COLOURS)]))
            fmt.setToolTip(v.coder)
            sel = QTextEdit.ExtraSelection()
            sel.cursor, sel.format = cur, fmt
            selections.append(sel)
            first = v.span[0] if first is None else min(first, v.span[0])
        self.text.setExtraSelections(selections)
        if first is not None:
            cur = QTextCursor(self.text.document())
            cur.setPosition(first)
            self.text.setTextCursor(cur)
            self.text.ensureCursorVisible()

    def _show_comparison(self, d: Disagreement) -> None:
        coders = [v.coder for v in d.values]
        self.compare.clear()
        self.compare.setColumnCount(len(coders))
        self.compare.setRowCount(2)
        self.compare.setHorizontalHeaderLabels(coders)
        self.compare.setVerticalHeaderLabels(["Value", "Evidence"])
        counts = Counter(v.compared for v in d.values)
        majority = counts.most_common(1)[0][1] if counts else 0
        for c, v in enumerate(d.values):
            value_item = QTableWidgetItem(v.display or "(empty)")
            # highlight values that differ: all of them when there is no majority, else the minority ones
            differs = counts[v.compared] < majority or majority * 2 <= len(d.values)
            if differs:
                value_item.setBackground(QBrush(QColor(DIFF_COLOUR)))
            value_item.setData(Qt.ItemDataRole.UserRole, differs)
            ev_item = QTableWidgetItem(v.evidence or "")
            ev_item.setBackground(QBrush(QColor(CODER_COLOURS[c % len(CODER_COLOURS)])) if v.span else QBrush())
            self.compare.setItem(0, c, value_item)
            self.compare.setItem(1, c, ev_item)
        self.compare.resizeRowsToContents()

    def _show_choices(self, d: Disagreement) -> None:
        for b in list(self.choice_group.buttons()):
            if b is not self.other_radio:
                self.choice_group.removeButton(b)
                self.choices_layout.removeWidget(b)
                b.deleteLater()
        if self.other_radio not in self.choice_group.buttons():
            self.choice_group.addButton(self.other_radio)
        seen = set()
        for n, v in enumerate(d.values, start=1):
            key = (v.compared, v.display)
            label = f"Use {v.coder}'s value: {v.display or '(empty)'}" + (f"  (Alt+{n})" if n <= MAX_CODER_KEYS else "")
            b = QRadioButton(label)
            b.setProperty("coder", v.coder)
            if key in seen:
                b.setEnabled(False)  # same value as a coder listed above
            seen.add(key)
            self.choice_group.addButton(b)
            self.choices_layout.addWidget(b)
        self.other_edit.clear()
        self.reason_edit.clear()
        hint = {"count": "e.g. 12, 10-12 or 24- (open)", "unit": "keys separated by ;", "rank": "ranks separated by ;",
                EVENT_PRESENT: "yes or no", "relevant": "yes or no", "location": "place, state/region"}
        self.other_edit.setPlaceholderText(hint.get(d.field, "type the value"))

    def choice_buttons(self) -> list[QRadioButton]:
        return [b for b in self.choice_group.buttons() if b is not self.other_radio]

    def _set_enabled(self, on: bool) -> None:
        for w in (self.other_radio, self.other_edit, self.reason_edit, self.settle_button):
            w.setEnabled(on)

    # ------------------------------------------------------------- settling
    @Slot()
    def settle_current(self) -> bool:
        d = self.current
        if d is None:
            return False
        reason = self.reason_edit.text().strip()
        checked = self.choice_group.checkedButton()
        if checked is None:
            self.message.setText("Pick a coder's value or type another one.")
            return False
        if not reason:
            self.message.setText("Give a reason for the decision.")
            self.reason_edit.setFocus()
            return False
        chosen_from = None
        if checked is self.other_radio:
            field = None if d.field == EVENT_PRESENT else self.project.codebook.field(d.field)
            try:
                value = value_from_text(field, self.other_edit.text())
            except ValueError as exc:
                self.message.setText(f"{exc}.")
                return False
        else:
            chosen_from = checked.property("coder")
            value = next(v.value for v in d.values if v.coder == chosen_from)
        cmd = SettleCommand(self, d, value, chosen_from, reason)
        self.undo_stack.push(cmd)
        if cmd.error is not None:
            self.message.setText(f"Not saved: {cmd.error}")
            return False
        return True

    def _after_change(self, d: Disagreement, moved: bool) -> None:
        """Refresh after a decision was made (moved=True: go to the next open one) or undone (show it)."""
        row = next((i for i, x in enumerate(self.model.items()) if x is d), None)
        if row is None:
            return
        self.model.refresh_row(row)
        self._update_progress()
        if moved:
            self.settled.emit(d)
            nxt = self._next_open(row)
            if nxt != row:
                self.select(nxt)
                return
        if self.list.currentIndex().row() != row:
            self.select(row)
        else:
            self.show_item(d)

    @Slot()
    def write_agreed(self) -> None:
        self.agreed_button.setEnabled(False)
        job = CompleteJob(str(self.project.path))
        job.signals.done.connect(self._on_agreed_done)
        job.signals.failed.connect(self._on_agreed_failed)
        self._complete_job = job
        self.pool.start(job)

    @Slot(object)
    def _on_agreed_done(self, n: int) -> None:
        self.agreed_button.setEnabled(True)
        self.message.setText(f"{n} reconciled coding{'' if n == 1 else 's'} written from the coders' agreed values.")
        self.agreed_written.emit(int(n))

    @Slot(str)
    def _on_agreed_failed(self, message: str) -> None:
        self.agreed_button.setEnabled(True)
        self.message.setText(f"Agreed codings not written: {message}")

    # ------------------------------------------------------------- life cycle
    def shutdown(self) -> None:
        self.pool.waitForDone()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)


def show_view(window: QWidget, project) -> DisagreementView:
    """Open the disagreement view as its own window (called by the main window's View menu)."""
    view = DisagreementView(project, window, decided_by=getattr(window, "coder_name", None))
    view.setWindowFlag(Qt.WindowType.Window)
    view.show()
    return view

"""The coding form, generated from the codebook: article fields and a list of events.

The form only shows state and asks for changes through signals; the
controller turns every request into an undoable command that writes at once.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QApplication, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel, QMenu,
                               QPushButton, QScrollArea, QToolButton, QVBoxLayout, QWidget)

from annotator import values as V
from annotator.codebook import Codebook, Field
from annotator.coding import CodingState, EventState, ValueState
from annotator.suggestions import candidates
from annotator.ui.field_editors import ArticleRefEditor, DateEditor, FieldEditor, make_editor

SUGGESTED = ("suggested",)
SUGGESTED_STYLE = "background-color: #fff3c4;"
Key = tuple[str | None, str]  # (event id or None, field name)


class FieldRow(QWidget):
    """Label, editor and the suggestions button of one field."""

    def __init__(self, field: Field, event_id: str | None, parent=None):
        super().__init__(parent)
        self.field, self.event_id = field, event_id
        self.editor: FieldEditor = make_editor(field, self)
        self.editor.setObjectName(f"editor_{field.name}")
        self.alts = QToolButton(self)
        self.alts.setText("▾")
        self.alts.setToolTip("Suggested values and alternatives (F4)")
        self.alts.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.alts.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.alts.setMenu(QMenu(self.alts))
        self.mark = QLabel("")
        self.mark.setObjectName("suggestionMark")
        self.mark.setFixedWidth(14)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.editor, 1)
        lay.addWidget(self.mark)
        lay.addWidget(self.alts)
        self.state: ValueState | None = None

    def show_state(self, state: ValueState | None, article_text: str = "") -> None:
        self.state = state
        self.editor.set_value(state.value if state else {})
        self.show_origin(article_text)

    def show_origin(self, article_text: str = "") -> None:
        origin = self.state.origin if self.state else ""
        tip = self.field.definition
        if self.state and self.state.evidence and article_text:
            a, b = self.state.evidence
            words = article_text[a:b]
            tip += f"\n\nEvidence: “{words[:300]}{'…' if len(words) > 300 else ''}”"
        if origin:
            tip += f"\n({origin.replace('_', ' ')})"
        note = getattr(self.editor, "note", None)  # e.g. a place name read as the gazetteer's spelling
        if note and self.state and self.state.value.get("name") == note[0]:
            tip += f"\n\n{note[1]}"
        self.editor.focus_widget().setToolTip(tip.strip())
        suggested = origin in SUGGESTED
        self.editor.setProperty("origin", origin)
        self.editor.setStyleSheet(f"QLineEdit, QComboBox, QPlainTextEdit, QCheckBox {{{SUGGESTED_STYLE}}}"
                                  if suggested else "")
        accepted = origin == "suggested_accepted"
        self.mark.setText("●" if suggested else ("✓" if accepted else ""))
        self.mark.setStyleSheet(f"color: {'#c98a00' if suggested else '#2e7d32'};")
        self.mark.setToolTip("suggested by the engine — not accepted yet (Ctrl+Shift+F accepts)" if suggested
                             else ("suggestion accepted" if accepted else ""))

    @property
    def suggested(self) -> bool:
        return bool(self.state and self.state.origin in SUGGESTED)


class EventBox(QGroupBox):
    def __init__(self, form: "CodingForm", event: EventState, number: int):
        super().__init__(form)
        self.ev_state = event
        self.setObjectName("eventBox")
        self.number = number
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, tip in (("accept", "Accept", "Accept this event's suggestions (Ctrl+Shift+E)"),
                               ("duplicate", "Duplicate", "Duplicate this event (Ctrl+D)"),
                               ("up", "↑", "Move up (Ctrl+Shift+Up)"), ("down", "↓", "Move down (Ctrl+Shift+Down)"),
                               ("delete", "Dismiss" if event.proposed else "Delete",
                                "Dismiss this proposal / delete this event (Ctrl+Shift+Del)")):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setObjectName(f"event_{key}")
            bar.addWidget(b)
            self.buttons[key] = b
        bar.addStretch(1)
        lay.addLayout(bar)
        self.show_proposed()
        self.form_layout = QFormLayout()
        self.form_layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        lay.addLayout(self.form_layout)

    def show_proposed(self) -> None:
        ev = self.ev_state
        self.setTitle(f"Event {self.number}" + (" (proposed)" if ev.proposed else ""))
        # a styled border needs the title placed in the margin, or the title and the buttons overlap
        self.setStyleSheet("QGroupBox#eventBox { border: 1px dashed #c9a000; margin-top: 1.4em; }"
                           "QGroupBox#eventBox::title { subcontrol-origin: margin; left: 6px; padding: 0 3px; }"
                           if ev.proposed else "")
        self.buttons["delete"].setText("Dismiss" if ev.proposed else "Delete")
        self.buttons["accept"].setVisible(ev.proposed or any(v.origin == "suggested" for v in ev.values.values()))


class CodingForm(QWidget):
    value_edited = Signal(object, str, dict)  # event id | None, field, new value
    alternative_chosen = Signal(object, str, dict, object)  # event id, field, value, evidence
    accept_field_requested = Signal(object, str)
    reject_field_requested = Signal(object, str)
    event_add_requested = Signal()
    event_accept_requested = Signal(str)
    event_delete_requested = Signal(str)
    event_duplicate_requested = Signal(str)
    event_move_requested = Signal(str, int)
    field_focused = Signal(object, str)

    def __init__(self, codebook: Codebook, parent=None):
        super().__init__(parent)
        self.codebook = codebook
        self.rows: dict[Key, FieldRow] = {}
        self.state: CodingState | None = None
        self.result: dict[str, Any] | None = None
        self.current: Key | None = None
        self._article_names = QStringListModel(self)  # one list for every near-duplicate editor (queues get long)
        self.article_text = ""
        self.reference_date: str | None = None  # the article's date, for dates like "on Wednesday"
        self.banner = QLabel("")
        self.banner.setObjectName("saveBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#ffcdd2; color:#b71c1c; padding:4px;")
        self.banner.hide()
        self.status_label = QLabel("")
        self.status_label.setObjectName("codingStatus")
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.inner = QWidget()
        self.scroll.setWidget(self.inner)
        self.add_button = QPushButton("New event (Ctrl+E)")
        self.add_button.setObjectName("addEvent")
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.add_button.clicked.connect(self.event_add_requested)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.banner)
        lay.addWidget(self.status_label)
        lay.addWidget(self.scroll, 1)
        lay.addWidget(self.add_button)
        self.event_boxes: list[EventBox] = []
        self._build(None)

    # ------------------------------------------------------------- building
    def set_article_names(self, names: list[str]) -> None:
        self._article_names.setStringList(names)

    def set_state(self, state: CodingState | None, result: dict[str, Any] | None, focus: Key | None = None) -> None:
        self.state, self.result = state, result
        self._build(state)
        if focus is not None:
            self.focus_field(*focus)

    def _build(self, state: CodingState | None) -> None:
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.rows.clear()
        self.event_boxes = []
        self.inner = QWidget()
        outer = QVBoxLayout(self.inner)
        outer.setContentsMargins(0, 0, 0, 0)
        art = QGroupBox("Article")
        art.setObjectName("articleFields")
        fl = QFormLayout(art)
        fl.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        values = state.values if state else {}
        for f in self.codebook.article_fields:
            self._add_row(fl, f, None, values.get(f.name))
        outer.addWidget(art)
        events = state.events if state else []
        for i, ev in enumerate(events):
            box = EventBox(self, ev, i + 1)
            for f in self.codebook.event_fields:
                self._add_row(box.form_layout, f, ev.id, ev.values.get(f.name))
            eid = ev.id
            box.buttons["accept"].clicked.connect(lambda _c=False, e=eid: self.event_accept_requested.emit(e))
            box.buttons["duplicate"].clicked.connect(lambda _c=False, e=eid: self.event_duplicate_requested.emit(e))
            box.buttons["delete"].clicked.connect(lambda _c=False, e=eid: self.event_delete_requested.emit(e))
            box.buttons["up"].clicked.connect(lambda _c=False, e=eid: self.event_move_requested.emit(e, -1))
            box.buttons["down"].clicked.connect(lambda _c=False, e=eid: self.event_move_requested.emit(e, 1))
            outer.addWidget(box)
            self.event_boxes.append(box)
        if not events:
            hint = QLabel("No events. Press Ctrl+E to add one, or select words in the article and press a field's "
                          "shortcut.")
            hint.setWordWrap(True)
            hint.setStyleSheet("color:#666;")
            outer.addWidget(hint)
        outer.addStretch(1)
        self.scroll.setWidget(self.inner)
        self.add_button.setEnabled(state is not None or self.isEnabled())

    def _add_row(self, layout: QFormLayout, f: Field, event_id: str | None, vs: ValueState | None) -> None:
        row = FieldRow(f, event_id, self)
        if isinstance(row.editor, ArticleRefEditor):
            row.editor.set_choices(self._article_names)
        if isinstance(row.editor, DateEditor):
            row.editor.reference = self.reference_date
        row.show_state(vs, self.article_text)
        key = (event_id, f.name)
        self._fill_alternatives(row)
        row.editor.edited.connect(lambda v, k=key: self.value_edited.emit(k[0], k[1], v))
        row.editor.focused.connect(lambda k=key: self._on_editor_focused(k))
        label = f.label + (f"  ({f.shortcut})" if f.shortcut else "")
        lab = QLabel(label)
        lab.setToolTip(f.definition)
        lab.setBuddy(row.editor.focus_widget())
        layout.addRow(lab if f.type != "boolean" else QLabel(""), row)
        self.rows[key] = row

    def _fill_alternatives(self, row: FieldRow) -> None:
        """Show how many alternatives there are; the menu itself is built when it opens."""
        alts = candidates(self.result, row.field)
        row.alts.setText(f"▾{len(alts)}" if alts else "▾")
        if not row.property("menu_hooked"):
            row.setProperty("menu_hooked", True)
            row.alts.menu().aboutToShow.connect(lambda r=row: self.alternative_actions(r.event_id, r.field.name))

    def alternative_actions(self, event_id: str | None, field: str) -> list[QAction]:
        """(Re)build the field's menu: accept, reject, then the ranked alternatives ("&1 value", ...)."""
        row = self.rows.get((event_id, field))
        if row is None:
            return []
        menu = row.alts.menu()
        for act in menu.actions():  # never delete an action while its signal may still be running
            menu.removeAction(act)
            act.deleteLater()
        key = (row.event_id, row.field.name)
        acc = QAction("Accept suggestion", menu)
        acc.setEnabled(row.suggested)
        acc.triggered.connect(lambda _c=False, k=key: self.accept_field_requested.emit(*k))
        rej = QAction("Reject / clear", menu)
        rej.triggered.connect(lambda _c=False, k=key: self.reject_field_requested.emit(*k))
        menu.addAction(acc)
        menu.addAction(rej)
        alts = candidates(self.result, row.field)
        out = [acc, rej]
        if alts:
            menu.addSeparator()
        for i, (value, span) in enumerate(alts[:9]):
            act = QAction(f"&{i + 1}  {V.display(row.field, value)}", menu)
            act.triggered.connect(lambda _c=False, k=key, v=value, s=span: self.alternative_chosen.emit(k[0], k[1], v, s))
            menu.addAction(act)
            out.append(act)
        return out

    # ------------------------------------------------------------- updates
    def apply_value(self, event_id: str | None, field: str, vs: ValueState | None) -> None:
        """Show a saved value without rebuilding (keeps focus and cursor when the editor already shows it)."""
        row = self.rows.get((event_id, field))
        if row is None:
            return
        if self.state is not None:
            target = self.state.values if event_id is None else next(
                (e.values for e in self.state.events if e.id == event_id), None)
            if target is not None:
                if vs is None:
                    target.pop(field, None)
                else:
                    target[field] = vs
        shown = row.editor.value()
        want = vs.value if vs else {}
        row.state = vs
        if V.comparable(row.field, shown) != V.comparable(row.field, want) or \
                V.display(row.field, shown) != V.display(row.field, want):
            if not row.editor.has_pending():
                row.editor.set_value(want)
        else:
            row.editor._last = row.editor.value()
        row.show_origin(self.article_text)
        self._fill_alternatives(row)

    def set_result(self, result: dict[str, Any] | None) -> None:
        """New suggestions for the open article: refresh the alternatives without rebuilding."""
        self.result = result
        for row in self.rows.values():
            self._fill_alternatives(row)

    def set_event_proposed(self, event_id: str, proposed: bool) -> None:
        for box in self.event_boxes:
            if box.ev_state.id == event_id:
                box.ev_state.proposed = proposed
                box.show_proposed()

    def set_save_error(self, message: str | None) -> None:
        self.banner.setText(message or "")
        self.banner.setVisible(bool(message))

    def flush(self) -> None:
        for row in list(self.rows.values()):
            row.editor.flush()

    # ------------------------------------------------------------- focus
    def _on_editor_focused(self, key: Key) -> None:
        self.current = key
        self.field_focused.emit(*key)

    def keys(self) -> list[Key]:
        return list(self.rows.keys())

    def focus_field(self, event_id: str | None, field: str) -> bool:
        row = self.rows.get((event_id, field))
        if row is None:
            return False
        w = row.editor.focus_widget()
        w.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll.ensureWidgetVisible(row)
        self.current = (event_id, field)
        self.field_focused.emit(event_id, field)
        return True

    def focus_start(self) -> None:
        """Put the keyboard in the form: the first event's first field, else the first article field."""
        keys = self.keys()
        start = next((k for k in keys if k[0] is not None), keys[0] if keys else None)
        if start is not None:
            self.focus_field(*start)

    def has_focus(self) -> bool:
        w = QApplication.focusWidget()
        return w is not None and self.isAncestorOf(w)

    def focus_step(self, step: int) -> None:
        keys = self.keys()
        if not keys:
            return
        i = keys.index(self.current) if self.current in keys else (-1 if step > 0 else 0)
        self.focus_field(*keys[(i + step) % len(keys)])

    def focus_event_step(self, step: int) -> None:
        """Jump to the first field of the next (previous) event; from the article fields F7 goes to event 1."""
        ids = [b.ev_state.id for b in self.event_boxes]
        if not ids or not self.codebook.event_fields:
            return
        cur = self.current[0] if self.current else None
        i = ids.index(cur) + step if cur in ids else (0 if step > 0 else len(ids) - 1)
        i = max(0, min(len(ids) - 1, i))
        self.focus_field(ids[i], self.codebook.event_fields[0].name)

    def current_event(self) -> str | None:
        if self.current and self.current[0]:
            return self.current[0]
        return self.state.events[0].id if self.state and self.state.events else None

    def show_alternatives(self) -> None:
        row = self.rows.get(self.current) if self.current else None
        if row is not None:
            row.alts.showMenu()

    def row(self, event_id: str | None, field: str) -> FieldRow | None:
        return self.rows.get((event_id, field))

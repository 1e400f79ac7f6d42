"""One editor widget per codebook field type.

Every editor shows a value dict (see ``annotator.values``), emits ``edited``
with the new value when the coder changes it (typing is debounced, so a
value reaches the database within ~250 ms of the last keystroke; leaving the
field flushes at once) and never writes anything itself.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRegularExpression, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QIntValidator, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QToolButton, QWidget)

from annotator.codebook import Field
from annotator.ui.lookups import parse_count, place_lookup, place_names, resolve_date

DEBOUNCE_MS = 250
PARTIAL_DATE = r"^$|^\d{0,4}(-\d{0,2}(-\d{0,2})?)?$"


class FieldEditor(QWidget):
    edited = Signal(dict)  # the new value (empty dict = cleared)
    focused = Signal()

    def __init__(self, field: Field, parent=None):
        super().__init__(parent)
        self.field = field
        self._loading = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self._last: dict = {}
        self.setProperty("origin", "")

    # subclass API
    def value(self) -> dict:
        raise NotImplementedError

    def _show(self, value: dict) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self

    def from_selection(self, text: str) -> dict:
        """The value that the selected article words give this field."""
        return {"text": text}

    # common
    def set_value(self, value: dict | None) -> None:
        self._timer.stop()
        self._loading = True
        try:
            self._show(dict(value or {}))
        finally:
            self._loading = False
        for le in self.findChildren(QLineEdit):  # show the start of long values
            if not le.hasFocus():
                le.setCursorPosition(0)
        self._last = self.value()

    def _changed(self, *_a) -> None:
        if not self._loading:
            self._timer.start()

    def _changed_now(self, *_a) -> None:
        if not self._loading:
            self._timer.stop()
            self._emit()

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._emit()

    def has_pending(self) -> bool:
        return self._timer.isActive()

    def _emit(self) -> None:
        v = self.value()
        if v != self._last:
            self._last = v
            self.edited.emit(v)

    def _watch(self, w: QWidget) -> None:
        w.installEventFilter(self)

    def eventFilter(self, obj, ev):  # noqa: N802
        if ev.type() == QEvent.Type.ShortcutOverride and _is_app_shortcut(ev):
            ev.ignore()  # let the window's undo/redo act on the saved edits, not the line edit's own buffer
            return True
        if ev.type() == QEvent.Type.FocusIn:
            self.focused.emit()
        elif ev.type() == QEvent.Type.FocusOut and ev.reason() != Qt.FocusReason.PopupFocusReason:
            self.flush()  # not when a completion pop-up takes the focus while the coder types
        return False


APP_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)


def _is_app_shortcut(ev) -> bool:
    if any(ev.matches(k) for k in APP_KEYS):
        return True
    mods = ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    ctrl = Qt.KeyboardModifier.ControlModifier
    return (mods == ctrl and ev.key() in (Qt.Key.Key_Y, Qt.Key.Key_Return, Qt.Key.Key_Enter)) or \
        (mods == ctrl | Qt.KeyboardModifier.ShiftModifier and ev.key() == Qt.Key.Key_Z)


def _line(placeholder: str = "") -> QLineEdit:
    le = QLineEdit()
    le.setPlaceholderText(placeholder)
    le.setClearButtonEnabled(False)
    return le


class CategoryEditor(FieldEditor):
    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItem("")
        self.combo.addItems(field.choices)
        words = list(field.choices) + [a for e in field.vocabulary for a in e.aliases]
        comp = QCompleter(QStringListModel(words, self), self)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        comp.setFilterMode(Qt.MatchFlag.MatchContains)
        self.combo.setCompleter(comp)
        self.combo.setToolTip(field.definition)
        self.combo.editTextChanged.connect(self._changed)
        self.combo.activated.connect(self._changed_now)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.combo)
        self._watch(self.combo.lineEdit())
        self.setFocusProxy(self.combo)
        self._text: str | None = None
        self._key: str | None = None

    def focus_widget(self):
        return self.combo

    def value(self) -> dict:
        t = self.combo.currentText().strip()
        if not t:
            return {}
        if t == self._key and self._text:  # shown as its key: keep the article's words
            return {"text": self._text, "key": self._key}
        key = self.field.resolve(t)
        return {"text": t, "key": key} if key else {"text": t}

    def _show(self, value: dict) -> None:
        self._text, self._key = value.get("text"), value.get("key")
        self.combo.setEditText(value.get("key") or value.get("text") or "")


class MultiEditor(FieldEditor):
    """Several values shown as chips, an entry line for the next ones, and the article's words.

    Type a value and press Enter (or ';') to make it a chip; Backspace in the empty entry line
    removes the last chip; a chip's × removes it.  Text still in the entry line counts as
    values too (split at ';'), so nothing typed is lost when the focus moves on.
    """

    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self._chips: list[str] = []
        self.chip_box = QWidget(self)
        self.chip_layout = QHBoxLayout(self.chip_box)
        self.chip_layout.setContentsMargins(0, 0, 0, 0)
        self.chip_layout.setSpacing(2)
        self.keys = _line("add a value, Enter")
        self.keys.setObjectName("chipEntry")
        self.words = _line("words in the article")
        self.words.setObjectName("words")
        if field.choices:
            comp = QCompleter(field.choices, self)
            comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.keys.setCompleter(comp)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.chip_box)
        lay.addWidget(self.keys, 3)
        lay.addWidget(self.words, 2)
        self.keys.textEdited.connect(self._on_entry_edited)
        self.keys.returnPressed.connect(self._commit_entry)
        self.keys.installEventFilter(self)
        self.words.textEdited.connect(self._changed)
        self.words.editingFinished.connect(self.flush)
        self.keys.editingFinished.connect(self.flush)
        self._watch(self.keys)
        self._watch(self.words)
        self.setFocusProxy(self.keys)

    def focus_widget(self):
        return self.keys

    def chips(self) -> list[str]:
        return list(self._chips)

    def _render_chips(self) -> None:
        while self.chip_layout.count():
            item = self.chip_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for i, key in enumerate(self._chips):
            chip = QToolButton(self.chip_box)
            chip.setObjectName("chip")
            chip.setText(f"{key}  ×")
            chip.setToolTip(f"Remove {key}")
            chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            chip.setStyleSheet("QToolButton#chip { border: 1px solid #9e9e9e; border-radius: 8px; padding: 0 4px; "
                               "background: #eceff1; }")
            chip.clicked.connect(lambda _c=False, n=i: self.remove_chip(n))
            self.chip_layout.addWidget(chip)
        self.chip_box.setVisible(bool(self._chips))

    def remove_chip(self, index: int) -> None:
        if 0 <= index < len(self._chips):
            del self._chips[index]
            self._render_chips()
            self._changed_now()

    def _on_entry_edited(self, text: str) -> None:
        if ";" in text:
            self._commit_entry()
        else:
            self._changed()

    def _commit_entry(self) -> None:
        new = [k.strip() for k in self.keys.text().split(";") if k.strip()]
        self.keys.clear()
        for k in new:
            k = self.field.resolve(k) or k
            if k not in self._chips:
                self._chips.append(k)
        self._render_chips()
        self._changed_now()

    def eventFilter(self, obj, ev):  # noqa: N802
        if obj is self.keys and ev.type() == QEvent.Type.KeyPress and ev.key() == Qt.Key.Key_Backspace \
                and not self.keys.text() and self._chips:
            self.remove_chip(len(self._chips) - 1)
            return True
        return super().eventFilter(obj, ev)

    def value(self) -> dict:
        keys = list(self._chips)
        for k in (k.strip() for k in self.keys.text().split(";")):
            if k and k not in keys:
                keys.append(k)
        out: dict = {}
        if self.words.text().strip():
            out["text"] = self.words.text().strip()
        if keys:
            out["keys"] = keys
        return out

    def _show(self, value: dict) -> None:
        self._chips = list(value.get("keys") or [])
        self.keys.clear()
        self._render_chips()
        self.words.setText(value.get("text") or "")

    def from_selection(self, text: str) -> dict:
        key = self.field.resolve(text) or text
        return {"text": text, "keys": [key]}


class CountEditor(FieldEditor):
    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.words = _line("words, e.g. several dozen")
        self.min = _line("min")
        self.max = _line("max")
        self.words.setMinimumWidth(110)
        for w in (self.min, self.max):
            w.setValidator(QIntValidator(0, 10_000_000, w))
            w.setMaximumWidth(52)
        self.approx = QCheckBox("≈")
        self.approx.setToolTip("approximate (about, nearly, an estimated ...)")
        self.family = QCheckBox("fam.")
        self.family.setToolTip("the figure includes family members")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.words, 3)
        lay.addWidget(self.min)
        lay.addWidget(QLabel("–"))
        lay.addWidget(self.max)
        lay.addWidget(self.approx)
        lay.addWidget(self.family)
        self.words.textEdited.connect(self._on_words_edited)
        for w in (self.words, self.min, self.max):
            w.editingFinished.connect(self.flush)
            self._watch(w)
        self.min.textEdited.connect(self._changed)
        self.max.textEdited.connect(self._changed)
        self.approx.toggled.connect(self._changed_now)
        self.family.toggled.connect(self._changed_now)
        self._watch(self.approx)
        self._watch(self.family)
        self.setFocusProxy(self.words)

    def focus_widget(self):
        return self.words

    def _on_words_edited(self, text: str) -> None:
        parsed = parse_count(text) if text.strip() else {"min": None, "max": None}
        self._loading = True
        try:
            self.min.setText("" if parsed.get("min") is None else str(parsed["min"]))
            self.max.setText("" if parsed.get("max") is None else str(parsed["max"]))
            self.approx.setChecked(bool(parsed.get("approx")))
            if "includes_family" in parsed:
                self.family.setChecked(bool(parsed.get("includes_family")))
        finally:
            self._loading = False
        self._changed()

    def value(self) -> dict:
        out: dict = {}
        if self.words.text().strip():
            out["text"] = self.words.text().strip()
        for k, w in (("min", self.min), ("max", self.max)):
            if w.text().strip():
                out[k] = int(w.text())
        if out and "min" not in out:
            out["min"] = None
        if out and "max" not in out:
            out["max"] = None
        if self.approx.isChecked():
            out["approx"] = True
        if self.family.isChecked():
            out["includes_family"] = True
        return out

    def _show(self, value: dict) -> None:
        self.words.setText(value.get("text") or "")
        self.min.setText("" if value.get("min") is None else str(value["min"]))
        self.max.setText("" if value.get("max") is None else str(value["max"]))
        self.approx.setChecked(bool(value.get("approx")))
        self.family.setChecked(bool(value.get("includes_family")))

    def from_selection(self, text: str) -> dict:
        parsed = parse_count(text)
        return {"text": text, "min": parsed.get("min"), "max": parsed.get("max"),
                **({"approx": True} if parsed.get("approx") else {}),
                **({"includes_family": True} if parsed.get("includes_family") else {})}


class PlaceEditor(FieldEditor):
    _names: list[str] | None = None

    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.name = _line("place")
        self.admin1 = _line("state / region")
        if PlaceEditor._names is None:
            PlaceEditor._names = place_names()
        if PlaceEditor._names:
            comp = QCompleter(PlaceEditor._names, self)
            comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            comp.setFilterMode(Qt.MatchFlag.MatchStartsWith)
            self.name.setCompleter(comp)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.name, 3)
        lay.addWidget(self.admin1, 2)
        self.name.textEdited.connect(self._changed)
        self.admin1.textEdited.connect(self._changed)
        self.name.editingFinished.connect(self._on_name_finished)
        self.admin1.editingFinished.connect(self.flush)
        self._watch(self.name)
        self._watch(self.admin1)
        self._extra: dict = {}
        self.note: tuple[str, str] | None = None  # (gazetteer name, what was done) after a name was normalised
        self.setFocusProxy(self.name)

    def focus_widget(self):
        return self.name

    def _on_name_finished(self) -> None:
        if self._normalise_name():
            self._timer.start()  # so that the flush below saves the gazetteer's name
        self._autofill()
        self.flush()

    def eventFilter(self, obj, ev):  # noqa: N802
        # leaving the name (Tab, a click elsewhere) saves it, and may rebuild the form before editingFinished
        if obj is self.name and ev.type() == QEvent.Type.FocusOut \
                and ev.reason() != Qt.FocusReason.PopupFocusReason and self._normalise_name():
            self._timer.start()
        return super().eventFilter(obj, ev)

    def _normalise_name(self) -> bool:
        """A name the gazetteer knows under another spelling ('Papun') becomes the gazetteer's name, as the
        engine writes it, so that coders who spell it differently still agree. A name it does not know but
        that is close to one it knows ('Loikow') is left as typed (it may be a village of its own); the
        state/region box then asks "did you mean Loikaw?" until the coder fills it."""
        typed = self.name.text().strip()
        self.admin1.setPlaceholderText("state / region")
        if not typed:
            return False
        hit = place_lookup(typed, fuzzy=True)
        if not hit or not hit.get("admin1") or not hit.get("name") or hit["name"] == typed:
            return False
        if hit.get("matched"):
            self.admin1.setPlaceholderText(f"did you mean {hit['name']}? ({hit['admin1']})")
            return False
        if self.admin1.text().strip() not in ("", hit["admin1"]):
            return False  # the coder gave another state/region: another place of that name
        self.name.setText(hit["name"])
        self.name.setCursorPosition(0)
        self.note = (hit["name"], f"You typed '{typed}': the gazetteer's name for it is {hit['name']} "
                                  f"({hit['admin1']}), which the engine and the other coders use.")
        self.name.setToolTip(self.note[1])
        return True

    def _autofill(self) -> None:
        """Fill the state/region (and coordinates) from the gazetteer when the coder has not."""
        if self.name.text().strip() and not self.admin1.text().strip():
            hit = place_lookup(self.name.text().strip())
            if hit and hit.get("admin1"):
                self.admin1.setText(hit["admin1"])
                self.admin1.setCursorPosition(0)
                self._extra = {k: hit[k] for k in ("lat", "lon") if hit.get(k) is not None}

    def _emit(self) -> None:
        self._autofill()
        super()._emit()

    def value(self) -> dict:
        out: dict = {}
        if self.name.text().strip():
            out["name"] = self.name.text().strip()
        if self.admin1.text().strip():
            out["admin1"] = self.admin1.text().strip()
        if out.get("name"):
            out.update(self._extra)
        return out

    def _show(self, value: dict) -> None:
        self.name.setText(value.get("name") or "")
        self.admin1.setText(value.get("admin1") or "")
        self._extra = {k: value[k] for k in ("lat", "lon", "keys") if value.get(k) is not None}

    def from_selection(self, text: str) -> dict:
        hit = place_lookup(text) or {}
        out = {"name": text}
        for k in ("admin1", "lat", "lon"):
            if hit.get(k) is not None:
                out[k] = hit[k]
        return out


class DateEditor(FieldEditor):
    """A partial ISO date and the words; words typed or selected fill the date when it can be worked out."""

    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.reference: str | None = None  # the article's date, for "on Wednesday"
        self._auto = False  # the ISO date was worked out from the words (so new words may replace it)
        self.iso = _line("YYYY, YYYY-MM or YYYY-MM-DD")
        self.iso.setValidator(QRegularExpressionValidator(QRegularExpression(PARTIAL_DATE), self.iso))
        self.words = _line("words in the article")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.iso, 2)
        lay.addWidget(self.words, 3)
        self.iso.textEdited.connect(self._on_iso_edited)
        self.words.textEdited.connect(self._on_words_edited)
        for w in (self.iso, self.words):
            w.editingFinished.connect(self.flush)
            self._watch(w)
        self.setFocusProxy(self.iso)

    def focus_widget(self):
        return self.iso

    def _on_iso_edited(self, _text: str) -> None:
        self._auto = False
        self._changed()

    def _on_words_edited(self, text: str) -> None:
        if self._auto or not self.iso.text().strip():
            iso = resolve_date(text, self.reference) if text.strip() else None
            self.iso.setText(iso or "")
            self._auto = bool(iso)
        self._changed()

    def value(self) -> dict:
        out: dict = {}
        iso = self.iso.text().strip().rstrip("-")
        if iso:
            out["value"] = iso
        if self.words.text().strip():
            out["text"] = self.words.text().strip()
        return out

    def _show(self, value: dict) -> None:
        self._auto = False
        self.iso.setText(value.get("value") or "")
        self.words.setText(value.get("text") or "")

    def from_selection(self, text: str) -> dict:
        iso = resolve_date(text, self.reference)
        return {"text": text, **({"value": iso} if iso else {})}


class TextEditor(FieldEditor):
    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.edit = _line(field.definition[:60] if field.definition else "")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit)
        self.edit.textEdited.connect(self._changed)
        self.edit.editingFinished.connect(self.flush)
        self._watch(self.edit)
        self.setFocusProxy(self.edit)

    def focus_widget(self):
        return self.edit

    def value(self) -> dict:
        t = self.edit.text()
        return {"value": t} if t.strip() else {}

    def _show(self, value: dict) -> None:
        v = value.get("value")
        self.edit.setText("" if v is None else str(v))

    def from_selection(self, text: str) -> dict:
        return {"value": text}


class ArticleRefEditor(TextEditor):
    def set_choices(self, names: "list[str] | QStringListModel") -> None:
        comp = QCompleter(self)
        if not isinstance(names, QStringListModel):
            names = QStringListModel(list(names), comp)
        comp.setModel(names)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        comp.setFilterMode(Qt.MatchFlag.MatchContains)
        self.edit.setCompleter(comp)


class BooleanEditor(FieldEditor):
    """Three states: unknown (partly checked), yes, no."""

    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.box = QCheckBox(field.label)
        self.box.setTristate(True)
        self.box.setCheckState(Qt.CheckState.PartiallyChecked)
        self.box.setToolTip(field.definition)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.box)
        self.box.stateChanged.connect(self._changed_now)
        self._watch(self.box)
        self.setFocusProxy(self.box)

    def focus_widget(self):
        return self.box

    def value(self) -> dict:
        st = self.box.checkState()
        if st == Qt.CheckState.PartiallyChecked:
            return {}
        return {"value": st == Qt.CheckState.Checked}

    def _show(self, value: dict) -> None:
        v = value.get("value")
        self.box.setCheckState(Qt.CheckState.PartiallyChecked if v is None else
                               (Qt.CheckState.Checked if v else Qt.CheckState.Unchecked))

    def set_checked(self, on: bool) -> None:
        self.box.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


class FlagEditor(BooleanEditor):
    """The flag for the supervisor: checked or not (unchecked is no value); it sets the status "flagged"."""

    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.box.setTristate(False)
        self.box.setCheckState(Qt.CheckState.Unchecked)
        self.box.setToolTip(f"{field.definition}\n(Ctrl+G; checking it sets the status to flagged)".strip())

    def value(self) -> dict:
        return {"value": True} if self.box.checkState() == Qt.CheckState.Checked else {}

    def _show(self, value: dict) -> None:
        self.box.setCheckState(Qt.CheckState.Checked if value.get("value") else Qt.CheckState.Unchecked)


class EvidenceEditor(FieldEditor):
    """The supporting sentences; filled from article selections."""

    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.edit = QPlainTextEdit()
        self.edit.setReadOnly(True)
        self.edit.setTabChangesFocus(True)
        self.edit.setMaximumHeight(70)
        self.edit.setPlaceholderText("select sentences in the article and use 'Add to evidence' (Ctrl+Shift+V)")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit)
        self._watch(self.edit)
        self._value: dict = {}
        self.setFocusProxy(self.edit)

    def focus_widget(self):
        return self.edit

    def value(self) -> dict:
        return dict(self._value)

    def _show(self, value: dict) -> None:
        self._value = dict(value)
        self.edit.setPlainText("\n".join(value.get("sentences") or []))

    def from_selection(self, text: str) -> dict:
        return {"sentences": [text]}

    def added(self, text: str, start: int, end: int) -> dict:
        sentences = list(self._value.get("sentences") or []) + [text]
        spans = list(self._value.get("spans") or []) + [[start, end]]
        return {"sentences": sentences, "spans": spans}


EDITORS = {"category": CategoryEditor, "multi": MultiEditor, "count": CountEditor, "place": PlaceEditor,
           "date": DateEditor, "text": TextEditor, "boolean": BooleanEditor, "evidence": EvidenceEditor,
           "article_ref": ArticleRefEditor}


def make_editor(field: Field, parent=None) -> FieldEditor:
    from annotator.coding import FLAG_FIELD
    if field.type == "boolean" and field.scope == "article" and field.name == FLAG_FIELD:
        return FlagEditor(field, parent)
    return EDITORS.get(field.type, TextEditor)(field, parent)

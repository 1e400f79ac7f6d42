"""Wires the coding form and the article view to the coding store through the undo stack."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from annotator import values as V
from annotator.coding import CodingState, CodingStore, ValueState
from annotator.suggestions import candidate_span, candidates, prefill
from annotator.ui.article_view import ArticleView
from annotator.ui.coding_form import CodingForm
from annotator.ui.commands import (AcceptEventCommand, AddEventCommand, DeleteEventCommand, MoveEventCommand,
                                   SetValueCommand, StatusCommand, StoreCommand)
from annotator.ui.queue_data import article_record, remember_article

Val = tuple[dict[str, Any] | None, str, tuple[int, int] | None]


def explain_write_error(exc: Exception, path) -> str:
    msg = str(getattr(exc, "orig", None) or exc)
    low = msg.lower()
    if "disk is full" in low or "no space" in low or "disk full" in low:
        reason = "the disk is full; free some space"
    elif "readonly" in low or "read-only" in low or "permission" in low:
        reason = "the project file has become read-only; make it writable again"
    elif "locked" in low:
        reason = "another program is writing to the project; close it"
    else:
        reason = f"{msg.splitlines()[0] if msg else type(exc).__name__}"
    return (f"Not saved — {path}: {reason}. Your edit is kept in the form; it is tried again every few "
            f"seconds (Ctrl+S tries now).")


class CodingController(QObject):
    article_opened = Signal(str)
    status_changed_signal = Signal(str, str)  # article id, status
    message = Signal(str)  # a line for the status bar
    save_failed = Signal(str)
    saved = Signal()

    def __init__(self, store: CodingStore, form: CodingForm, view: ArticleView, undo: QUndoStack,
                 suggestions: Callable[[dict], dict | None] | None = None, parent=None):
        super().__init__(parent)
        self.store, self.form, self.view, self.undo = store, form, view, undo
        self.project = store.project
        self.codebook = self.project.codebook
        self.suggestions = suggestions or (lambda record: None)
        self.article_id: str | None = None
        self.record: dict | None = None
        self.result: dict | None = None
        self.state: CodingState | None = None
        self.pending: dict[tuple, SetValueCommand] = {}
        self._retry = QTimer(self)
        self._retry.setInterval(3000)
        self._retry.timeout.connect(self.retry_pending)
        form.value_edited.connect(self._on_form_value_edited)
        form.alternative_chosen.connect(self._on_form_alternative_chosen)
        form.accept_field_requested.connect(self.accept_field)
        form.reject_field_requested.connect(self.reject_field)
        form.event_add_requested.connect(self.add_event)
        form.event_accept_requested.connect(self.accept_event)
        form.event_delete_requested.connect(self.delete_event)
        form.event_duplicate_requested.connect(self.duplicate_event)
        form.event_move_requested.connect(self.move_event)
        form.field_focused.connect(self._on_form_field_focused)
        view.fill_requested.connect(self._on_view_fill_requested)

    # ------------------------------------------------------------- opening
    def open_article(self, article_id: str | None, focus=None) -> None:
        self.form.flush()
        if article_id is None:
            self.article_id = self.record = self.result = self.state = None
            self.view.set_article(None)
            self.form.set_state(None, None)
            return
        record = article_record(self.project, article_id)
        if record is None:
            return
        self.article_id, self.record = article_id, record
        try:
            remember_article(self.project, self.store.coder_id, article_id)
        except Exception as exc:  # noqa: BLE001 - a read-only file still lets the coder read
            self.save_failed.emit(explain_write_error(exc, self.project.path))
        self.view.set_article(record)
        self.result = self.suggestions(record)
        self._prefill()
        self._reload(focus)
        self.article_opened.emit(article_id)

    def _prefill(self) -> bool:
        if self.result and self.article_id:
            try:
                extra = {}
                if self.record.get("near_duplicate_of"):  # found by the importer: offered like a suggestion
                    for f in self.codebook.article_fields:
                        if f.type == "article_ref":
                            extra[f.name] = {"value": self.record["near_duplicate_of"]}
                            break
                return prefill(self.store, self.article_id, self.result, self.record["text"], extra)
            except Exception as exc:  # noqa: BLE001
                self.save_failed.emit(explain_write_error(exc, self.project.path))
        return False

    def suggestion_ready(self, article_id: str, result: dict) -> None:
        """A freshly computed result for an article; used if it is the open one."""
        if article_id != self.article_id:
            return
        self.result = result
        self.form.flush()
        if self._prefill():
            had_focus = self.form.has_focus()
            self._reload(None)
            if had_focus:
                self.form.focus_start()
        else:
            self.form.set_result(result)
            self._highlight()

    def _reload(self, focus=None) -> None:
        self.state = self.store.load(self.article_id) if self.article_id else None
        self.form.article_text = self.record["text"] if self.record else ""
        self.form.reference_date = self._reference_date()
        self.form.set_state(self.state, self.result, focus)
        self._highlight()

    def _reference_date(self) -> str | None:
        if not self.record:
            return None
        if self.record.get("published"):
            return self.record["published"]
        try:
            from annotator.suggest.dates import dateline  # type: ignore
            found = dateline(self.record["text"])
            return found.isoformat() if found else None
        except Exception:  # noqa: BLE001
            return None

    def _highlight(self) -> None:
        spans = []
        for name, cands in ((self.result or {}).get("fields") or {}).items():
            if not self.codebook.has_field(name):
                continue
            for cand in cands or []:  # every mention, not only the distinct values
                span = candidate_span(cand)
                if span:
                    spans.append((name, span[0], span[1]))
        for vs_map in ([self.state.values] + [e.values for e in self.state.events]) if self.state else []:
            for name, vs in vs_map.items():
                if vs.evidence and self.codebook.field(name).type != "evidence":
                    spans.append((name, vs.evidence[0], vs.evidence[1]))
        self.view.set_highlights(spans)

    # ------------------------------------------------------------- state helpers
    def _vs(self, event_id: str | None, field: str) -> ValueState | None:
        if self.state is None:
            return None
        if event_id is None:
            return self.state.values.get(field)
        ev = next((e for e in self.state.events if e.id == event_id), None)
        return ev.values.get(field) if ev else None

    @staticmethod
    def _val(vs: ValueState | None) -> Val | None:
        return (dict(vs.value), vs.origin, vs.evidence) if vs else None

    # ------------------------------------------------------------- callbacks from commands
    def value_changed(self, article_id: str, event_id: str | None, field: str) -> None:
        if article_id != self.article_id:
            self.open_article(article_id, focus=(event_id, field))
            return
        fresh = self.store.load(article_id)
        if fresh is None:
            return
        old_status = self.state.status if self.state is not None else "new"
        if self.state is None or self.form.state is None:  # the first edit created the coding
            self.state = self.form.state = fresh
        was_proposed = {e.id for e in self.state.events if e.proposed}
        now_proposed = {e.id for e in fresh.events if e.proposed}
        self.state.status = fresh.status
        if event_id is None:
            vs = fresh.values.get(field)
        else:
            ev = next((e for e in fresh.events if e.id == event_id), None)
            vs = ev.values.get(field) if ev else None
        self.form.apply_value(event_id, field, vs)
        for e in self.state.events:
            if e.id in was_proposed ^ now_proposed:
                self.form.set_event_proposed(e.id, e.id in now_proposed)
        self._highlight()
        if fresh.status != old_status:
            self.status_changed_signal.emit(article_id, fresh.status)

    def events_changed(self, article_id: str, focus_event: str | None = None) -> None:
        if article_id != self.article_id:
            self.open_article(article_id)
            return
        focus = self.form.current
        if focus_event:
            first = self.codebook.event_fields[0].name if self.codebook.event_fields else None
            focus = (focus_event, first) if first else None
        old_status = self.state.status if self.state else None
        self.form.flush()
        self._reload(focus)
        if self.state and self.state.status != old_status:
            self.status_changed_signal.emit(article_id, self.state.status)

    def status_changed(self, article_id: str, status: str) -> None:
        self.status_changed_signal.emit(article_id, status)
        if article_id != self.article_id:  # undoing 'done and next' goes back to that article
            self.open_article(article_id)
        else:
            if self.state is None or self.form.state is None:  # the status change created the coding
                self.state = self.form.state = self.store.load(article_id)
            if self.state is None:
                return
            self.state.status = status
            flag = self.store.flag_field()
            fresh = self.store.load(article_id) if flag is not None else None
            if fresh is not None:  # the status "flagged" checks or clears the flag field
                self.form.apply_value(None, flag.name, fresh.values.get(flag.name))

    # ------------------------------------------------------------- save errors
    def report_save_error(self, exc: Exception, cmd: StoreCommand, what: str) -> None:
        text = explain_write_error(exc, self.project.path)
        if isinstance(cmd, SetValueCommand) and what == "edit":
            self.pending[(cmd.article_id, cmd.event_id, cmd.field)] = cmd
        self.form.set_save_error(text)
        self.save_failed.emit(text)
        if not self._retry.isActive():
            self._retry.start()

    def report_saved(self) -> None:
        if not self.pending:
            self.form.set_save_error(None)

    def retry_pending(self) -> bool:
        """Write the edits that could not be saved; True when nothing is pending any more."""
        for key, cmd in list(self.pending.items()):
            del self.pending[key]
            self.undo.push(SetValueCommand(self, cmd.article_id, cmd.event_id, cmd.field, cmd.new, cmd.old))
        if not self.pending:
            self._retry.stop()
            self.form.set_save_error(None)
            return True
        return False

    def save_now(self) -> bool:
        self.form.flush()
        ok = self.retry_pending()
        if ok:
            self.message.emit(f"All changes are saved in {self.project.path.name} (every edit is saved as you type).")
            self.saved.emit()
        return ok

    # ------------------------------------------------------------- edits
    def _push_value(self, event_id, field, value, origin, evidence, text=None) -> None:
        if self.article_id is None:
            return
        old = self._val(self._vs(event_id, field))
        self.undo.push(SetValueCommand(self, self.article_id, event_id, field, (value, origin, evidence), old, text))

    def _on_form_value_edited(self, event_id, field: str, value: dict) -> None:
        vs = self._vs(event_id, field)
        f = self.codebook.field(field)
        if vs is not None and V.display(f, vs.value) == V.display(f, value) and \
                V.comparable(f, vs.value) == V.comparable(f, value) and vs.value.get("text") == value.get("text"):
            return
        origin = "suggested_edited" if vs is not None and vs.origin.startswith("suggested") else "typed"
        self._push_value(event_id, field, value or None, origin, vs.evidence if vs and value else None)

    def _on_form_alternative_chosen(self, event_id, field, value, span) -> None:
        vs = self._vs(event_id, field)
        if self.codebook.field(field).type == "multi" and vs is not None and vs.value.get("keys"):
            keys = list(vs.value["keys"])  # several values: a chosen alternative is added to them
            keys += [k for k in value.get("keys") or [] if k not in keys]
            value = {**vs.value, "keys": keys}
            span = vs.evidence if vs.evidence and not span else (
                (min(vs.evidence[0], span[0]), max(vs.evidence[1], span[1])) if vs.evidence and span else span)
        self._push_value(event_id, field, value, "suggested_accepted", span, f"Choose {field}")

    def accept_field(self, event_id=None, field=None) -> None:
        if field is None:
            if not self.form.current:
                return
            event_id, field = self.form.current
        vs = self._vs(event_id, field)
        if vs is None:
            alts = candidates(self.result, self.codebook.field(field))
            if alts:
                self._push_value(event_id, field, alts[0][0], "suggested_accepted", alts[0][1], f"Accept {field}")
            return
        if vs.origin == "suggested":
            self._push_value(event_id, field, vs.value, "suggested_accepted", vs.evidence, f"Accept {field}")

    def reject_field(self, event_id=None, field=None) -> None:
        if field is None:
            if not self.form.current:
                return
            event_id, field = self.form.current
        if self._vs(event_id, field) is not None:
            self._push_value(event_id, field, None, "typed", None, f"Reject {field}")

    def _event(self, event_id):
        return next((e for e in self.state.events if e.id == event_id), None) if self.state else None

    def accept_event(self, event_id: str | None = None) -> None:
        event_id = event_id or self.form.current_event()
        ev = self._event(event_id)
        if ev is None:
            return
        suggested = {n: self._val(v) for n, v in ev.values.items() if v.origin == "suggested"}
        if ev.proposed or suggested:
            self.undo.push(AcceptEventCommand(self, self.article_id, ev.id, ev.proposed, suggested))

    def accept_all(self) -> None:
        if self.state is None or self.article_id is None:
            return
        self.form.flush()
        todo_events = [e for e in self.state.events if e.proposed or any(v.origin == "suggested" for v in e.values.values())]
        todo_fields = [(n, v) for n, v in self.state.values.items() if v.origin == "suggested"]
        if not todo_events and not todo_fields:
            self.message.emit("Nothing to accept.")
            return
        self.undo.beginMacro("Accept all suggestions")
        try:
            for n, v in todo_fields:
                self._push_value(None, n, v.value, "suggested_accepted", v.evidence, f"Accept {n}")
            for e in todo_events:
                self.accept_event(e.id)
        finally:
            self.undo.endMacro()

    def add_event(self, values: dict | None = None) -> None:
        if self.article_id is None:
            return
        self.form.flush()
        self.undo.push(AddEventCommand(self, self.article_id, values or {}))

    def duplicate_event(self, event_id: str | None = None) -> None:
        ev = self._event(event_id or self.form.current_event())
        if ev is None:
            return
        self.form.flush()
        ev = self._event(ev.id)
        vals = {n: (dict(v.value), "suggested_accepted" if v.origin == "suggested" else v.origin, v.evidence)
                for n, v in ev.values.items()}
        self.undo.push(AddEventCommand(self, self.article_id, vals, ev.position + 1, "Duplicate event"))

    def delete_event(self, event_id: str | None = None) -> None:
        ev = self._event(event_id or self.form.current_event())
        if ev is None:
            return
        self.form.flush()
        self.undo.push(DeleteEventCommand(self, self.article_id, ev.id,
                                          "Dismiss proposed event" if ev.proposed else "Delete event"))

    def move_event(self, event_id: str | None = None, delta: int = 1) -> None:
        ev = self._event(event_id or self.form.current_event())
        if ev is None:
            return
        idx = self.state.events.index(ev)
        new = idx + delta
        if 0 <= new < len(self.state.events):
            self.form.flush()
            self.undo.push(MoveEventCommand(self, self.article_id, ev.id, idx, new))

    def set_status(self, status: str) -> None:
        if self.article_id is None:
            return
        self.form.flush()
        old = self.state.status if self.state else "new"
        if old != status:
            self.undo.push(StatusCommand(self, self.article_id, old, status))

    def is_flagged(self) -> bool:
        flag = self.store.flag_field()
        vs = self._vs(None, flag.name) if flag is not None else None
        return bool(vs and vs.value.get("value")) or bool(self.state and self.state.status == "flagged")

    def toggle_flag(self) -> None:
        """Flag the article for the supervisor, or remove the flag (status back to what it was); undoable."""
        if self.article_id is None:
            return
        self.form.flush()
        on = not self.is_flagged()
        flag = self.store.flag_field()
        if flag is None:  # a codebook without the flag field: the status alone
            self.set_status("flagged" if on else "in_progress")
        else:
            self._push_value(None, flag.name, {"value": True} if on else None, "typed", None,
                             "Flag for supervisor" if on else "Remove flag")
        self.message.emit("Flagged for the supervisor (Ctrl+G removes the flag)." if on else "Flag removed.")

    def mark_not_relevant(self) -> None:
        self.form.flush()
        self.undo.beginMacro("Mark not relevant")
        try:
            if self.codebook.has_field("relevant") and self.codebook.field("relevant").type == "boolean":
                self._push_value(None, "relevant", {"value": False}, "typed", None)
            self.set_status("not_relevant")
        finally:
            self.undo.endMacro()

    # ------------------------------------------------------------- fill from the article
    def fill_from_selection(self, field: str) -> bool:
        sel = self.view.selection()
        if sel is None:
            self.message.emit("Select words in the article first, then press the field's shortcut.")
            return False
        self._fill(field, *sel)
        return True

    def _on_view_fill_requested(self, field: str, start: int, end: int) -> None:
        if self.record:
            self._fill(field, start, end, self.record["text"][start:end])

    def _fill(self, field: str, start: int, end: int, text: str) -> None:
        if self.article_id is None:
            return
        f = self.codebook.field(field)
        self.form.flush()
        event_id = None if f.scope == "article" else self.form.current_event()
        row = self.form.row(event_id, field) if (f.scope == "article" or event_id) else None
        if row is not None:
            editor = row.editor
        else:
            from annotator.ui.field_editors import make_editor
            editor = make_editor(f)
            editor.reference = self._reference_date()
            editor.deleteLater()
        if f.type == "evidence":
            value = editor.added(text, start, end) if row is not None else {"sentences": [text], "spans": [[start, end]]}
            spans = value["spans"]
            evidence = (min(s[0] for s in spans), max(s[1] for s in spans))
        else:
            value = editor.from_selection(text)
            evidence = (start, end)
            vs = self._vs(event_id, field)
            if f.type == "multi" and vs is not None and vs.origin not in ("suggested",) and vs.value.get("keys"):
                keys = list(vs.value.get("keys") or [])
                for k in value.get("keys") or []:
                    if k not in keys:
                        keys.append(k)
                value = {"text": f"{vs.value.get('text') or ''}; {text}".strip("; "), "keys": keys}
        if f.scope == "event" and event_id is None:
            # a new event, then the value (set_value also teaches the engine the words)
            self.undo.beginMacro(f"Fill {field} from the article")
            try:
                add = AddEventCommand(self, self.article_id, {})
                self.undo.push(add)
                if add.event_id:
                    self._push_value(add.event_id, field, value, "typed", evidence, f"Fill {field} from the article")
            finally:
                self.undo.endMacro()
        else:
            self._push_value(event_id, field, value, "typed", evidence, f"Fill {field} from the article")
        self.view.set_focus_span(evidence, scroll=False)

    def _on_form_field_focused(self, event_id, field: str) -> None:
        vs = self._vs(event_id, field)
        span = vs.evidence if vs and vs.evidence else None
        if span is None:
            alts = candidates(self.result, self.codebook.field(field))
            span = next((s for _v, s in alts if s), None)
        self.view.set_focus_span(span)

"""Undoable edits: each command calls the coding store (which commits at once) and undo writes the old state back.

A command whose write fails (disk full, read-only file) marks itself obsolete,
so the undo stack drops it, and reports the failure to the controller, which
keeps the edit in the form and retries it.
"""
from __future__ import annotations

import traceback
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtGui import QUndoCommand


if TYPE_CHECKING:
    from annotator.ui.controller import CodingController

Val = tuple[dict[str, Any] | None, str, tuple[int, int] | None]  # (value, origin, evidence)


class StoreCommand(QUndoCommand):
    def __init__(self, ctrl: "CodingController", article_id: str, text: str):
        super().__init__(text)
        self.ctrl, self.article_id = ctrl, article_id
        self.failed = False

    def _run(self, fn: Callable[[], None], what: str) -> bool:
        try:
            fn()
        except (KeyError, ValueError, TypeError, AttributeError):  # a bug, not the disk: show it in the log
            traceback.print_exc()
            self.setObsolete(True)
            return False
        except Exception as exc:  # noqa: BLE001 - reported to the coder, never a traceback
            self.failed = True
            self.setObsolete(True)
            self.ctrl.report_save_error(exc, self, what)
            return False
        self.ctrl.report_saved()
        return True

    @staticmethod
    def _notify(fn, *args, **kwargs) -> None:
        """Refresh the views; an error here must not escape into Qt's undo stack (it would crash)."""
        try:
            fn(*args, **kwargs)
        except Exception:  # noqa: BLE001
            traceback.print_exc()


class SetValueCommand(StoreCommand):
    def __init__(self, ctrl, article_id: str, event_id: str | None, field: str, new: Val, old: Val | None,
                 text: str | None = None):
        super().__init__(ctrl, article_id, text or f"Edit {field}")
        self.event_id, self.field, self.new, self.old = event_id, field, new, old

    def _set(self, val: Val | None) -> None:
        value, origin, evidence = val if val else (None, "typed", None)
        self.ctrl.store.set_value(self.article_id, self.event_id, self.field, value, origin, evidence)

    def redo(self):
        if self._run(lambda: self._set(self.new), "edit"):
            self._notify(self.ctrl.value_changed, self.article_id, self.event_id, self.field)

    def undo(self):
        if self._run(lambda: self._set(self.old), "undo"):
            self._notify(self.ctrl.value_changed, self.article_id, self.event_id, self.field)


class AddEventCommand(StoreCommand):
    def __init__(self, ctrl, article_id: str, values: dict[str, Val], position: int | None = None,
                 text: str = "New event"):
        super().__init__(ctrl, article_id, text)
        self.values, self.position = values, position
        self.event_id: str | None = None

    def redo(self):
        def do():
            if self.event_id is None:
                self.event_id = self.ctrl.store.add_event(self.article_id, self.values, self.position)
            else:
                self.ctrl.store.restore_event(self.article_id, self.event_id)
        if self._run(do, "new event"):
            self._notify(self.ctrl.events_changed, self.article_id, focus_event=self.event_id)

    def undo(self):
        if self._run(lambda: self.ctrl.store.delete_event(self.article_id, self.event_id), "undo"):
            self._notify(self.ctrl.events_changed, self.article_id)


class DeleteEventCommand(StoreCommand):
    def __init__(self, ctrl, article_id: str, event_id: str, text: str = "Delete event"):
        super().__init__(ctrl, article_id, text)
        self.event_id = event_id

    def redo(self):
        if self._run(lambda: self.ctrl.store.delete_event(self.article_id, self.event_id), "delete event"):
            self._notify(self.ctrl.events_changed, self.article_id)

    def undo(self):
        if self._run(lambda: self.ctrl.store.restore_event(self.article_id, self.event_id), "undo"):
            self._notify(self.ctrl.events_changed, self.article_id, focus_event=self.event_id)


class MoveEventCommand(StoreCommand):
    def __init__(self, ctrl, article_id: str, event_id: str, old: int, new: int):
        super().__init__(ctrl, article_id, "Move event")
        self.event_id, self.old, self.new = event_id, old, new

    def redo(self):
        if self._run(lambda: self.ctrl.store.move_event(self.article_id, self.event_id, self.new), "move event"):
            self._notify(self.ctrl.events_changed, self.article_id, focus_event=self.event_id)

    def undo(self):
        if self._run(lambda: self.ctrl.store.move_event(self.article_id, self.event_id, self.old), "undo"):
            self._notify(self.ctrl.events_changed, self.article_id, focus_event=self.event_id)


class AcceptEventCommand(StoreCommand):
    """Accept a proposed event; undo puts back its 'suggested' marks and the proposal flag."""

    def __init__(self, ctrl, article_id: str, event_id: str, was_proposed: bool, suggested: dict[str, Val]):
        super().__init__(ctrl, article_id, "Accept event")
        self.event_id, self.was_proposed, self.suggested = event_id, was_proposed, suggested

    def redo(self):
        if self._run(lambda: self.ctrl.store.accept_event(self.article_id, self.event_id), "accept event"):
            self._notify(self.ctrl.events_changed, self.article_id)

    def undo(self):
        def do():
            for field, (value, _o, evidence) in self.suggested.items():
                self.ctrl.store.set_value(self.article_id, self.event_id, field, value, "suggested", evidence,
                                          learn=False)
            self.ctrl.store.set_event_proposed(self.article_id, self.event_id, self.was_proposed)
        if self._run(do, "undo"):
            self._notify(self.ctrl.events_changed, self.article_id)


class StatusCommand(StoreCommand):
    def __init__(self, ctrl, article_id: str, old: str, new: str):
        super().__init__(ctrl, article_id, f"Mark {new.replace('_', ' ')}")
        self.old, self.new = old, new

    def redo(self):
        if self._run(lambda: self.ctrl.store.set_status(self.article_id, self.new), "status"):
            self._notify(self.ctrl.status_changed, self.article_id, self.new)

    def undo(self):
        if self._run(lambda: self.ctrl.store.set_status(self.article_id, self.old), "undo"):
            self._notify(self.ctrl.status_changed, self.article_id, self.old)

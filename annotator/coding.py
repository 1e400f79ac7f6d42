"""Coding operations: every edit is one committed transaction plus an audit entry.

The GUI, the codings importer, merge and reconciliation all change codings
through ``CodingStore`` so that timestamps, the coder, the audit log and
learned patterns are always kept the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from annotator import values as V
from annotator.db.models import (STATUSES, Article, AuditEntry, Coder, Coding, Event, FieldValue, LearnedPattern, now)
from annotator.db.project import Project

LEARNABLE = {"actor", "receiving_side", "unit", "location"}
# The article-level boolean field that flags an article for the supervisor. Checking it sets the coding's
# status to "flagged" and unchecking it returns the status to what it was before; setting the status to
# "flagged" (or away from it) checks (or clears) the field. A codebook without it has only the status.
FLAG_FIELD = "flag"


@dataclass
class ValueState:
    value: dict[str, Any]
    origin: str
    evidence: tuple[int, int] | None
    updated_at: str


@dataclass
class EventState:
    id: str
    position: int
    proposed: bool
    values: dict[str, ValueState] = dc_field(default_factory=dict)


@dataclass
class CodingState:
    id: str
    article_id: str
    status: str
    updated_at: str
    values: dict[str, ValueState]
    events: list[EventState]


def _vs(fv: FieldValue) -> ValueState:
    ev = (fv.evidence_start, fv.evidence_end) if fv.evidence_start is not None else None
    return ValueState(fv.value or {}, fv.origin, ev, fv.updated_at)


class CodingStore:
    """One coder's codings in a project."""

    def __init__(self, project: Project, coder_name: str, kind: str = "coder"):
        self.project = project
        self.coder_name = coder_name
        with project.session() as s:
            self.coder_id = project.coder(s, coder_name, kind).id

    # ----------------------------------------------------------------- helpers
    def _audit(self, s: Session, action: str, *, entity=None, entity_id=None, article_id=None, field=None,
               old=None, new=None) -> None:
        s.add(AuditEntry(coder=self.coder_name, action=action, entity=entity, entity_id=entity_id,
                         article_id=article_id, field=field, old=old, new=new))

    def _coding(self, s: Session, article_id: str, create: bool = True) -> Coding | None:
        c = s.scalars(select(Coding).where(Coding.article_id == article_id, Coding.coder_id == self.coder_id)).first()
        if c is None and create:
            if s.get(Article, article_id) is None:
                raise KeyError(f"no article {article_id}")
            c = Coding(article_id=article_id, coder_id=self.coder_id, status="new")
            s.add(c)
            s.flush()
            self._audit(s, "create_coding", entity="codings", entity_id=c.id, article_id=article_id)
        return c

    @staticmethod
    def _touch(coding: Coding) -> None:
        coding.updated_at = now()
        if coding.status == "new":
            coding.status = "in_progress"

    # ----------------------------------------------------------------- reading
    def load(self, article_id: str) -> CodingState | None:
        with self.project.Session() as s:
            c = self._coding(s, article_id, create=False)
            if c is None:
                return None
            fvs = s.scalars(select(FieldValue).where(FieldValue.coding_id == c.id)).all()
            events = s.scalars(select(Event).where(Event.coding_id == c.id, Event.deleted.is_(False))
                               .order_by(Event.position)).all()
            by_event: dict[str | None, dict[str, ValueState]] = {}
            for fv in fvs:
                by_event.setdefault(fv.event_id, {})[fv.field] = _vs(fv)
            return CodingState(c.id, article_id, c.status, c.updated_at, by_event.get(None, {}),
                               [EventState(e.id, e.position, e.proposed, by_event.get(e.id, {})) for e in events])

    # ----------------------------------------------------------------- writing
    def ensure_coding(self, article_id: str) -> str:
        with self.project.session() as s:
            return self._coding(s, article_id).id

    def flag_field(self):
        """The codebook's flag field (article level, boolean), or None."""
        cb = self.project.codebook
        if cb.has_field(FLAG_FIELD):
            f = cb.field(FLAG_FIELD)
            if f.scope == "article" and f.type == "boolean":
                return f
        return None

    def set_status(self, article_id: str, status: str) -> None:
        """Set the coding's status; "flagged" also checks the flag field, leaving "flagged" clears it.

        "done" leaves a flagged coding flagged (flagged is itself a finished status, and the codings importer
        marks an article done after setting its fields, flag included); remove the flag to mark it done.
        """
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; one of {', '.join(STATUSES)}")
        with self.project.session() as s:
            c = self._coding(s, article_id)
            if status == "done" and c.status == "flagged" and self.flag_field() is not None:
                return
            if c.status != status:
                was_flagged = c.status == "flagged"
                self._audit(s, "status", entity="codings", entity_id=c.id, article_id=article_id, old=c.status, new=status)
                c.status = status
                c.flagged = status == "flagged"
                c.updated_at = now()
                if status == "flagged" or was_flagged:
                    self._set_flag_value(s, c, article_id, status == "flagged")

    def _set_flag_value(self, s: Session, c: Coding, article_id: str, flagged: bool) -> None:
        f = self.flag_field()
        if f is None:
            return
        fv = s.scalars(select(FieldValue).where(FieldValue.coding_id == c.id, FieldValue.field == f.name,
                                                FieldValue.event_id.is_(None))).first()
        old = fv.value if fv else None
        if bool((old or {}).get("value")) == flagged:
            return
        if flagged:
            if fv is None:
                fv = FieldValue(coding_id=c.id, event_id=None, field=f.name, coder_id=self.coder_id)
                s.add(fv)
            fv.value, fv.origin = {"value": True}, "typed"
            fv.evidence_start = fv.evidence_end = None
            fv.coder_id = self.coder_id
            fv.updated_at = now()
        elif fv is not None:
            s.delete(fv)
        self._audit(s, "set", entity="field_values", article_id=article_id, field=f.name, old=old,
                    new={"value": True} if flagged else None)

    def _status_before_flag(self, s: Session, c: Coding) -> str:
        """What the status was when the article was last flagged (from the audit log); in_progress if unknown."""
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "status", AuditEntry.entity_id == c.id)
                            .order_by(AuditEntry.ts, literal_column("audit_log.rowid"))).all()
        old = next((e.old for e in reversed(entries) if e.new == "flagged"), None)
        return old if old in STATUSES and old not in ("new", "flagged") else "in_progress"

    def _status_follows_flag(self, s: Session, c: Coding, article_id: str, value: dict[str, Any] | None) -> None:
        """The flag field was set: the status becomes flagged, or goes back to what it was before."""
        flagged = bool((value or {}).get("value"))
        c.flagged = flagged
        if flagged and c.status != "flagged":
            new = "flagged"
        elif not flagged and c.status == "flagged":
            new = self._status_before_flag(s, c)
        else:
            return
        self._audit(s, "status", entity="codings", entity_id=c.id, article_id=article_id, old=c.status, new=new)
        c.status = new

    def set_value(self, article_id: str, event_id: str | None, field: str, value: dict[str, Any] | None,
                  origin: str = "typed", evidence: tuple[int, int] | None = None, *, learn: bool = True) -> None:
        """Set (or clear, with ``value`` None/empty) one field of the article or of an event."""
        cb_field = self.project.codebook.field(field)
        if (event_id is None) != (cb_field.scope == "article"):
            raise ValueError(f"field {field} is an {cb_field.scope}-level field")
        value = V.normalise(cb_field, value) if value else None
        with self.project.session() as s:
            c = self._coding(s, article_id)
            fv = s.scalars(select(FieldValue).where(FieldValue.coding_id == c.id, FieldValue.field == field,
                                                    FieldValue.event_id.is_(None) if event_id is None
                                                    else FieldValue.event_id == event_id)).first()
            old = fv.value if fv else None
            if value is None or V.is_empty(cb_field, value):
                if fv is not None:
                    s.delete(fv)
            else:
                if fv is None:
                    fv = FieldValue(coding_id=c.id, event_id=event_id, field=field, coder_id=self.coder_id)
                    s.add(fv)
                fv.value = value
                fv.origin = origin
                fv.evidence_start, fv.evidence_end = evidence if evidence else (None, None)
                fv.coder_id = self.coder_id
                fv.updated_at = now()
            if event_id is not None:
                ev = s.get(Event, event_id)
                if ev is not None:
                    ev.updated_at = now()
                    if origin != "suggested":
                        ev.proposed = False
            self._touch(c)
            self._audit(s, "set", entity="field_values", entity_id=event_id, article_id=article_id, field=field,
                        old=old, new=value)
            if event_id is None and field == FLAG_FIELD and self.flag_field() is not None:
                s.flush()
                self._status_follows_flag(s, c, article_id, value)
            if learn and value and origin in ("typed", "suggested_edited") and field in LEARNABLE:
                self._learn(s, article_id, cb_field, value, evidence)

    def _learn(self, s: Session, article_id: str, cb_field, value: dict[str, Any], evidence) -> None:
        article = s.get(Article, article_id)
        words: list[tuple[str, str]] = []  # (text to look for, value to suggest)
        if evidence and article is not None:
            span = article.text[evidence[0]:evidence[1]].strip()
            if 2 < len(span) <= 80:
                norm = value.get("key") or value.get("name") or (value.get("keys") or [span])[0]
                words.append((span, norm))
        if cb_field.type == "category" and value.get("text") and value.get("key"):
            if V.fold(value["text"]) != V.fold(value["key"]):
                words.append((value["text"], value["key"]))
        if cb_field.type == "place" and value.get("name"):
            words.append((value["name"], value["name"]))
        if cb_field.type == "multi" and value.get("text") and len(value.get("keys") or []) <= 1:
            words.append((value["text"], (value.get("keys") or [value["text"]])[0]))
        extra = {"admin1": value.get("admin1")} if cb_field.type == "place" and value.get("admin1") else None
        for text, norm in words:
            text = text.strip()
            if not text or len(text) > 80:
                continue
            row = s.scalars(select(LearnedPattern).where(LearnedPattern.field == cb_field.name,
                                                         LearnedPattern.text == text)).first()
            if row is None:
                s.add(LearnedPattern(field=cb_field.name, text=text, value=norm, extra=extra,
                                     coder=self.coder_name, article_id=article_id))
                self._audit(s, "learn", entity="learned_patterns", article_id=article_id, field=cb_field.name,
                            new={"text": text, "value": norm})
            elif row.value != norm and row.active:
                row.value, row.extra = norm, extra

    def add_event(self, article_id: str, values: dict[str, tuple[dict, str, tuple[int, int] | None]] | None = None,
                  position: int | None = None, proposed: bool = False, event_id: str | None = None) -> str:
        """Add an event (``values``: field -> (value, origin, evidence)); returns its id."""
        with self.project.session() as s:
            c = self._coding(s, article_id)
            n = s.scalar(select(func.count()).select_from(Event).where(Event.coding_id == c.id, Event.deleted.is_(False)))
            if position is None or position >= n:
                position = n
            else:
                for e in s.scalars(select(Event).where(Event.coding_id == c.id, Event.deleted.is_(False),
                                                       Event.position >= position)):
                    e.position += 1
            ev = Event(coding_id=c.id, position=position, coder_id=self.coder_id, proposed=proposed)
            if event_id:
                ev.id = event_id
            s.add(ev)
            s.flush()
            for name, (value, origin, evidence) in (values or {}).items():
                cb_field = self.project.codebook.field(name)
                value = V.normalise(cb_field, value)
                if V.is_empty(cb_field, value):
                    continue
                s.add(FieldValue(coding_id=c.id, event_id=ev.id, field=name, value=value, origin=origin,
                                 evidence_start=evidence[0] if evidence else None,
                                 evidence_end=evidence[1] if evidence else None, coder_id=self.coder_id))
            self._touch(c)
            self._audit(s, "add_event", entity="events", entity_id=ev.id, article_id=article_id,
                        new={"position": position, "proposed": proposed})
            return ev.id

    def delete_event(self, article_id: str, event_id: str) -> None:
        """Soft-delete (so undo and merge can see it)."""
        self._set_deleted(article_id, event_id, True)

    def restore_event(self, article_id: str, event_id: str) -> None:
        self._set_deleted(article_id, event_id, False)

    def _set_deleted(self, article_id: str, event_id: str, deleted: bool) -> None:
        with self.project.session() as s:
            c = self._coding(s, article_id)
            ev = s.get(Event, event_id)
            if ev is None or ev.coding_id != c.id or ev.deleted == deleted:
                return
            live = s.scalars(select(Event).where(Event.coding_id == c.id, Event.deleted.is_(False), Event.id != ev.id)
                             .order_by(Event.position)).all()
            ev.deleted = deleted
            ev.updated_at = now()
            if deleted:
                ordered = live
            else:
                ordered = live[:]
                ordered.insert(min(ev.position, len(live)), ev)
            for i, e in enumerate(ordered):
                e.position = i
            self._touch(c)
            self._audit(s, "delete_event" if deleted else "restore_event", entity="events", entity_id=event_id,
                        article_id=article_id)

    def move_event(self, article_id: str, event_id: str, new_position: int) -> None:
        with self.project.session() as s:
            c = self._coding(s, article_id)
            live = s.scalars(select(Event).where(Event.coding_id == c.id, Event.deleted.is_(False))
                             .order_by(Event.position)).all()
            ev = next((e for e in live if e.id == event_id), None)
            if ev is None:
                return
            old = ev.position
            live.remove(ev)
            live.insert(max(0, min(new_position, len(live))), ev)
            for i, e in enumerate(live):
                e.position = i
            self._touch(c)
            self._audit(s, "move_event", entity="events", entity_id=event_id, article_id=article_id,
                        old=old, new=ev.position)

    def set_event_proposed(self, article_id: str, event_id: str, proposed: bool) -> None:
        """Mark an event as an engine proposal (again), e.g. to undo 'accept event'."""
        with self.project.session() as s:
            c = self._coding(s, article_id)
            ev = s.get(Event, event_id)
            if ev is None or ev.coding_id != c.id or ev.proposed == proposed:
                return
            ev.proposed = proposed
            ev.updated_at = now()
            c.updated_at = now()
            self._audit(s, "set_proposed", entity="events", entity_id=event_id, article_id=article_id,
                        old={"proposed": not proposed}, new={"proposed": proposed})

    def accept_event(self, article_id: str, event_id: str) -> None:
        """Accept a proposed event: its suggested values become suggested_accepted."""
        with self.project.session() as s:
            c = self._coding(s, article_id)
            ev = s.get(Event, event_id)
            if ev is None or ev.coding_id != c.id:
                return
            ev.proposed = False
            ev.updated_at = now()
            for fv in s.scalars(select(FieldValue).where(FieldValue.event_id == event_id,
                                                         FieldValue.origin == "suggested")):
                fv.origin = "suggested_accepted"
                fv.updated_at = now()
            self._touch(c)
            self._audit(s, "accept_event", entity="events", entity_id=event_id, article_id=article_id)


def coder_names(project: Project) -> list[str]:
    with project.Session() as s:
        return list(s.scalars(select(Coder.name).where(Coder.kind == "coder").order_by(Coder.name)))


def learned_patterns(project: Project, active_only: bool = True) -> list[dict[str, Any]]:
    """Coder-taught patterns in the engine's format."""
    with project.Session() as s:
        q = select(LearnedPattern).order_by(LearnedPattern.created_at)
        if active_only:
            q = q.where(LearnedPattern.active.is_(True))
        return [{"field": p.field, "text": p.text, "value": p.value, **(p.extra or {})} for p in s.scalars(q)]

"""Disagreements between coders and their reconciliation.

``list_disagreements`` walks the aligned codings (see ``project.prepare``) and
returns one ``Disagreement`` per article field, aligned event field, or event
that only some coders found (``event_present``), with each coder's value and
evidence.  ``settle`` stores a supervisor's decision: the value goes into the
coding of the coder whose kind is ``reconciled`` (named ``reconciled``), and a
``Decision`` row keeps who decided, what was picked (a coder's value or a typed
one) and why.  The reconciled coding starts as the consensus of the coders
(every value they all agree on, every event they all found), so once every
disagreement is settled it is a complete coding that exports like any other.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from annotator import values as V
from annotator.agreement.project import (EMPTY, ArticleCodings, CoderEvent, EventGroup, ProjectData, prepare,
                                         reconciled_event_id)
from annotator.codebook import Field

RECONCILED = "reconciled"
EVENT_PRESENT = "event_present"


@dataclass
class CoderValue:
    coder: str
    value: dict[str, Any] | None     # the stored value (None = empty / no event)
    display: str
    compared: Any                    # what agreement compares
    evidence: str = ""
    span: tuple[int, int] | None = None
    event_id: str | None = None


@dataclass
class Disagreement:
    article_id: str
    article_label: str
    event_key: str | None            # aligned event group (None = article level)
    field: str                       # codebook field name, or "event_present"
    label: str
    values: list[CoderValue]
    event_summary: str = ""
    decision: dict[str, Any] | None = None

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.article_id, self.event_key, self.field)

    @property
    def settled(self) -> bool:
        return self.decision is not None


def _evidence_text(text: str, span, ev: CoderEvent | None, ca_values: dict) -> str:
    if span and text:
        return text[span[0]:span[1]]
    src = ev.values if ev is not None else ca_values
    sentences = (src.get("evidence") or {}).get("sentences") or []
    return " / ".join(sentences)


def _summary(ev: CoderEvent | None, fields: list[Field]) -> str:
    if ev is None:
        return ""
    parts = [V.display(f, ev.values.get(f.name)) for f in fields if f.name in ("actor", "unit", "count", "location", "date")]
    return "; ".join(p for p in parts if p)


def _compared(f: Field, raw, empty_as_value: bool):
    c = V.comparable(f, raw) if raw else None
    if c is None and empty_as_value:
        return EMPTY
    return c


def _decisions(project) -> dict[tuple, dict[str, Any]]:
    from annotator.db.models import Decision

    with project.Session() as s:
        rows = s.scalars(select(Decision).order_by(Decision.created_at)).all()
        return {(d.article_id, d.event_key, d.field): {
            "value": d.value, "chosen_from": d.chosen_from, "decided_by": d.decided_by, "reason": d.reason,
            "created_at": d.created_at} for d in rows}


def article_texts(project, ids: set[str]) -> dict[str, str]:
    """The text of the given articles (read in chunks)."""
    from annotator.db.models import Article

    out: dict[str, str] = {}
    ids_list = sorted(ids)
    with project.Session() as s:
        for i in range(0, len(ids_list), 500):
            chunk = ids_list[i:i + 500]
            out.update(dict(s.execute(select(Article.id, Article.text).where(Article.id.in_(chunk))).all()))
    return out


def list_disagreements(project, field: str | None = None, *, data: ProjectData | None = None,
                       empty_as_value: bool = True, with_text: bool = True) -> list[Disagreement]:
    """Every disagreement (optionally of one field), in article order, with decisions attached."""
    data = data or prepare(project)
    cb = data.codebook
    ev_fields = [f for f in cb.event_fields if f.level]
    art_fields = [f for f in cb.article_fields if f.level]
    if field is not None:
        if field == EVENT_PRESENT:
            ev_fields, art_fields = [], []
        else:
            base = field[:-4] if field.endswith(("_min", "_max")) and cb.has_field(field[:-4]) else field
            ev_fields = [f for f in ev_fields if f.name == base]
            art_fields = [f for f in art_fields if f.name == base]
    decisions = _decisions(project)
    differs = _event_differences(data, ev_fields, empty_as_value)
    groups_by_article: dict[str, list[tuple[int, EventGroup]]] = {}
    for u, g in enumerate(data.groups):
        groups_by_article.setdefault(g.article_id, []).append((u, g))
    out: list[Disagreement] = []
    for art in data.articles:
        for f in art_fields:
            vals = []
            for coder in sorted(art.coders):
                ca = art.coders[coder]
                raw = ca.values.get(f.name)
                if f.name == "relevant" and not raw:
                    raw = {"value": False} if ca.status == "not_relevant" else ({"value": True} if ca.events else None)
                span = ca.evidence.get(f.name)
                vals.append(CoderValue(coder, raw, V.display(f, raw), _compared(f, raw, empty_as_value),
                                       _evidence_text("", None, None, ca.values), span))
            present = [v.compared for v in vals if v.compared is not None]
            if len(present) >= 2 and len(set(present)) > 1:
                out.append(Disagreement(art.article_id, art.label, None, f.name, f.label, vals))
        for u, g in groups_by_article.get(art.article_id, []):
            summary = None
            if field in (None, EVENT_PRESENT) and len(g.members) < len(art.coders):
                vals = []
                for coder in sorted(art.coders):
                    ev = g.members.get(coder)
                    span = ev.evidence.get("evidence") if ev else None
                    vals.append(CoderValue(coder, {"value": ev is not None}, "has this event" if ev else "no such event",
                                           ev is not None, _evidence_text("", None, ev, {}) if ev else "", span,
                                           ev.event_id if ev else None))
                summary = _summary(next(iter(g.members.values())), cb.event_fields)
                out.append(Disagreement(art.article_id, art.label, g.key, EVENT_PRESENT, "Event present", vals, summary))
            if len(g.members) < 2:
                continue
            for f in ev_fields:
                mask = differs.get(f.name)
                if mask is not None and not mask[u]:
                    continue  # the coders' values are equal (decided on the encoded values)
                vals = []
                for coder in sorted(g.members):
                    ev = g.members[coder]
                    raw = ev.values.get(f.name)
                    span = ev.evidence.get(f.name) or ev.evidence.get("evidence")
                    vals.append(CoderValue(coder, raw, V.display(f, raw), _compared(f, raw, empty_as_value),
                                           _evidence_text("", None, ev, {}), span, ev.event_id))
                present = [v.compared for v in vals if v.compared is not None]
                if len(present) >= 2 and len(set(present)) > 1:
                    if summary is None:
                        summary = _summary(next(iter(g.members.values())), cb.event_fields)
                    out.append(Disagreement(art.article_id, art.label, g.key, f.name, f.label, vals, summary))
    for d in out:
        d.decision = decisions.get(d.key)
    if with_text and out:
        texts = article_texts(project, {d.article_id for d in out})
        for d in out:
            t = texts.get(d.article_id, "")
            for v in d.values:
                if v.span and t:
                    v.evidence = t[v.span[0]:v.span[1]]
    return out


def _event_differences(data: ProjectData, ev_fields: list[Field], empty_as_value: bool) -> dict[str, Any]:
    """Per event field, a boolean per aligned group: do its coders' values differ? (vectorised)"""
    import numpy as np

    from annotator.agreement.project import group_rows

    out: dict[str, Any] = {}
    if not data.groups or not len(data.event_codes):
        return out
    grow = group_rows(data)
    index = {it.name: k for k, it in enumerate(data.items)}
    for f in ev_fields:
        k = index.get(f.name)
        if k is None:
            continue
        vals = np.where(grow >= 0, data.event_codes[np.maximum(grow, 0), k], -3)   # -3 = no event, -1 = empty
        if not empty_as_value:
            vals = np.where(vals == -1, -3, vals)
        present = vals != -3
        hi = np.where(present, vals, np.iinfo(np.int64).min).max(axis=0)
        lo = np.where(present, vals, np.iinfo(np.int64).max).min(axis=0)
        out[f.name] = (present.sum(axis=0) >= 2) & (hi != lo)
    return out


def progress(items: list[Disagreement]) -> tuple[int, int]:
    """(settled, total)."""
    return sum(1 for d in items if d.settled), len(items)


def progress_text(items: list[Disagreement]) -> str:
    done, total = progress(items)
    return f"{done} of {total} disagreement{'' if total == 1 else 's'} settled"


# --------------------------------------------------------------------------- reconciliation

def _agreed_event_values(cb, g: EventGroup) -> dict[str, tuple[dict, tuple[int, int] | None]]:
    """Field -> (value, evidence span) for the fields all members of the group agree on
    (notes and evidence are taken from the first coder)."""
    members = [g.members[c] for c in sorted(g.members)]
    out = {}
    for f in cb.event_fields:
        raws = [m.values.get(f.name) for m in members]
        if not raws[0]:
            continue
        if f.type not in ("text", "evidence") and not all(r == raws[0] for r in raws):
            continue
        out[f.name] = (raws[0], members[0].evidence.get(f.name))
    return out


def merged_extra(extras: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """The interchange extras of a reconciled coding/event from the coders' ones: the key layout
    (``_keys``, ``_nulls``) of the first coder, other kept keys only where all coders agree."""
    extras = [e for e in extras if isinstance(e, dict)]
    if not extras:
        return None
    out: dict[str, Any] = {}
    for k, v in extras[0].items():
        if k in ("_keys", "_nulls") or all(e.get(k) == v for e in extras[1:]):
            out[k] = v
    return out or None


def _extras(s, model, ids: list[str]) -> dict[str, Any]:
    if not ids:
        return {}
    return dict(s.execute(select(model.id, model.extra).where(model.id.in_(ids))).all())


def seed_reconciled(project, data: ProjectData, articles: list[ArticleCodings], open_articles: set[str] | None = None,
                    batch: int = 200) -> int:
    """Create the reconciled coding of each article that has none, from the coders' consensus.

    The reconciled coding gets every article value all coders agree on and
    every event all coders found (with the values they agree on), in batched
    transactions.  Its status is ``done`` unless the article is in
    ``open_articles`` (still has disagreements), then ``in_progress``.
    Returns the number of codings created.
    """
    from annotator.db.models import AuditEntry, Coding, Event, FieldValue

    cb = project.codebook
    with project.session() as s:
        rc_id = project.coder(s, RECONCILED, kind="reconciled").id
        existing = set(s.scalars(select(Coding.article_id).where(Coding.coder_id == rc_id)))
    groups_by_article: dict[str, list[EventGroup]] = {}
    for g in data.groups:
        groups_by_article.setdefault(g.article_id, []).append(g)
    todo = [a for a in articles if a.article_id not in existing]
    for i in range(0, len(todo), batch):
        with project.session() as s:
            for art in todo[i:i + batch]:
                coders = sorted(art.coders)
                statuses = {art.coders[c].status for c in coders}
                if open_articles is not None and art.article_id in open_articles:
                    status = "in_progress"
                else:
                    status = "not_relevant" if statuses == {"not_relevant"} else "done"
                coding_extras = _extras(s, Coding, [art.coders[x].coding_id for x in coders])
                c = Coding(article_id=art.article_id, coder_id=rc_id, status=status,
                           extra=merged_extra([coding_extras.get(art.coders[x].coding_id) for x in coders]))
                s.add(c)
                s.flush()
                for f in cb.article_fields:
                    raws = [art.coders[x].values.get(f.name) for x in coders]
                    if raws[0] and all(r == raws[0] for r in raws):
                        span = art.coders[coders[0]].evidence.get(f.name)
                        s.add(FieldValue(coding_id=c.id, event_id=None, field=f.name, value=raws[0], origin="reconciled",
                                         evidence_start=span[0] if span else None,
                                         evidence_end=span[1] if span else None, coder_id=rc_id))
                pos = 0
                for g in groups_by_article.get(art.article_id, []):
                    if len(g.members) < len(coders):
                        continue
                    member_ids = [g.members[x].event_id for x in sorted(g.members)]
                    ev_extras = _extras(s, Event, member_ids)
                    ev = Event(id=reconciled_event_id(g.key), coding_id=c.id, position=pos, coder_id=rc_id,
                               extra=merged_extra([ev_extras.get(i) for i in member_ids]))
                    pos += 1
                    s.add(ev)
                    for name, (value, span) in _agreed_event_values(cb, g).items():
                        s.add(FieldValue(coding_id=c.id, event_id=ev.id, field=name, value=value, origin="reconciled",
                                         evidence_start=span[0] if span else None,
                                         evidence_end=span[1] if span else None, coder_id=rc_id))
                s.add(AuditEntry(coder=RECONCILED, action="reconcile_seed", entity="codings", entity_id=c.id,
                                 article_id=art.article_id, new={"status": status, "events": pos}))
    return len(todo)


def complete_reconciled(project, data: ProjectData | None = None) -> int:
    """Reconciled codings for every article coded by two or more coders that has none yet
    (consensus values; articles without open disagreements are marked done).  A reconciled coding
    still in progress whose disagreements are now all settled is marked done too.  Returns how many
    were made."""
    from annotator.coding import CodingStore
    from annotator.db.models import Coder, Coding

    data = data or prepare(project)
    open_articles = {d.article_id for d in list_disagreements(project, data=data, with_text=False) if not d.settled}
    made = seed_reconciled(project, data, data.articles, open_articles)
    wanted = {a.article_id for a in data.articles} - open_articles
    with project.Session() as s:
        finished = [aid for aid, in s.execute(
            select(Coding.article_id).join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.kind == "reconciled", Coding.status.in_(("new", "in_progress"))))
            if aid in wanted]
    if finished:
        store = CodingStore(project, RECONCILED, kind="reconciled")
        for aid in finished:
            store.set_status(aid, "done")
    return made


def _create_reconciled_event(project, store, article_id: str, g: EventGroup, only_agreed: bool,
                             source: str | None = None) -> str:
    from annotator.db.models import Event

    eid = reconciled_event_id(g.key)
    with project.Session() as s:
        existing = s.get(Event, eid)
        if existing is not None:
            if existing.deleted:
                store.restore_event(article_id, eid)
            return eid
    cb = project.codebook
    if source and source in g.members and not only_agreed:
        g = EventGroup(g.article_id, {source: g.members[source]})
    values = {name: (value, "reconciled", span) for name, (value, span) in _agreed_event_values(cb, g).items()}
    store.add_event(article_id, values, event_id=eid)
    with project.session() as s:
        member_ids = [g.members[x].event_id for x in sorted(g.members)]
        extras = _extras(s, Event, member_ids)
        ev = s.get(Event, eid)
        if ev is not None:
            ev.extra = merged_extra([extras.get(i) for i in member_ids])
    return eid


@dataclass
class SettleRecord:
    """What a settle changed, so that ``undo_settle`` can put it back."""

    article_id: str
    event_id: str | None                 # the reconciled event concerned (None = article level)
    field: str
    previous_decision: dict[str, Any] | None
    previous_value: dict[str, Any] | None      # the reconciled value before (None = empty)
    event_existed: bool | None                 # the reconciled event was there (and not deleted) before
    previous_status: str | None = None


def _decision_rows(s, item_key: tuple):
    from annotator.db.models import Decision

    article_id, event_key, field = item_key
    return s.scalars(select(Decision).where(Decision.article_id == article_id, Decision.field == field,
                                            Decision.event_key.is_(None) if event_key is None
                                            else Decision.event_key == event_key)).all()


def _event_alive(project, eid: str) -> bool:
    from annotator.db.models import Event

    with project.Session() as s:
        ev = s.get(Event, eid)
        return ev is not None and not ev.deleted


def settle(project, item: Disagreement, value: dict[str, Any] | None, *, decided_by: str, reason: str | None = None,
           chosen_from: str | None = None, data: ProjectData | None = None) -> SettleRecord:
    """Store the reconciled value for one disagreement and the decision (who, what, why).

    ``value`` is a stored value dict for the field (``{"value": bool}`` for
    event_present); ``chosen_from`` names the coder whose value was picked, or
    None when the supervisor typed it.  Returns what changed (for ``undo_settle``).
    """
    from annotator.coding import CodingStore
    from annotator.db.models import Decision

    if not decided_by or not decided_by.strip():
        raise ValueError("a decision needs the name of who decided")
    data = data or prepare(project)
    art = next((a for a in data.articles if a.article_id == item.article_id), None)
    if art is None:
        raise KeyError(f"article {item.article_label} is no longer coded by two coders")
    groups = [g for g in data.groups if g.article_id == art.article_id]
    store = CodingStore(project, RECONCILED, kind="reconciled")
    state = store.load(art.article_id)
    if state is None:
        seed_reconciled(project, data, [art], {art.article_id})
        state = store.load(art.article_id)
    previous_decision = dict(item.decision) if item.decision else None
    if item.event_key is None:
        prev = state.values.get(item.field)
        record = SettleRecord(art.article_id, None, item.field, previous_decision, prev.value if prev else None,
                              None, state.status)
        store.set_value(art.article_id, None, item.field, value, origin="reconciled", learn=False)
        if item.field == "relevant" and value is not None:
            store.set_status(art.article_id, "in_progress" if value.get("value") else "not_relevant")
    else:
        g = next((g for g in groups if g.key == item.event_key), None)
        if g is None:
            raise KeyError("the coders changed these events since the list was made; refresh it")
        eid = reconciled_event_id(g.key)
        alive = _event_alive(project, eid)
        ev_state = next((e for e in state.events if e.id == eid), None)
        prev = ev_state.values.get(item.field) if ev_state is not None else None
        record = SettleRecord(art.article_id, eid, item.field, previous_decision, prev.value if prev else None, alive)
        if item.field == EVENT_PRESENT:
            if value and value.get("value"):
                _create_reconciled_event(project, store, art.article_id, g, only_agreed=chosen_from is None,
                                         source=chosen_from)
            else:
                store.delete_event(art.article_id, eid)
        else:
            _create_reconciled_event(project, store, art.article_id, g, only_agreed=True)
            store.set_value(art.article_id, eid, item.field, value, origin="reconciled", learn=False)
    with project.session() as s:
        for d in _decision_rows(s, item.key):
            s.delete(d)
        s.add(Decision(article_id=item.article_id, event_key=item.event_key, field=item.field, value=value,
                       chosen_from=chosen_from, decided_by=decided_by.strip(), reason=(reason or "").strip() or None))
    item.decision = {"value": value, "chosen_from": chosen_from, "decided_by": decided_by.strip(), "reason": reason}
    return record


def undo_settle(project, item: Disagreement, record: SettleRecord) -> None:
    """Put back the reconciled value and the decision as they were before ``settle`` (the consensus
    coding a first decision created stays: it only holds what the coders agree on)."""
    from annotator.coding import CodingStore
    from annotator.db.models import Decision

    store = CodingStore(project, RECONCILED, kind="reconciled")
    if record.event_id is None:
        store.set_value(record.article_id, None, record.field, record.previous_value, origin="reconciled", learn=False)
        if record.previous_status and record.field == "relevant":
            store.set_status(record.article_id, record.previous_status)
    else:
        alive = _event_alive(project, record.event_id)
        if record.field != EVENT_PRESENT and alive:
            store.set_value(record.article_id, record.event_id, record.field, record.previous_value,
                            origin="reconciled", learn=False)
        if record.event_existed and not alive:
            store.restore_event(record.article_id, record.event_id)
        elif not record.event_existed and alive:
            store.delete_event(record.article_id, record.event_id)
    with project.session() as s:
        for d in _decision_rows(s, item.key):
            s.delete(d)
        prev = record.previous_decision
        if prev:
            s.add(Decision(article_id=item.article_id, event_key=item.event_key, field=item.field,
                           value=prev.get("value"), chosen_from=prev.get("chosen_from"),
                           decided_by=prev.get("decided_by") or "?", reason=prev.get("reason")))
    item.decision = record.previous_decision


def value_from_text(field: Field | None, text: str) -> dict[str, Any] | None:
    """A stored value from what a supervisor typed (None for an empty answer).

    category -> key (vocabulary value or alias, else as typed); multi -> keys
    separated by ';'; count -> "12", "10-12", "24-" (open upper bound) or
    "-" (unknown); place -> name[, admin1]; date -> ISO value; boolean and
    event presence -> yes/no.  Raises ValueError with a sentence for a bad count.
    """
    text = (text or "").strip()
    if not text:
        return None
    if field is None or field.type == "boolean":
        low = text.casefold()
        if low in ("yes", "y", "true", "1", "present", "has this event"):
            return {"value": True}
        if low in ("no", "n", "false", "0", "absent", "no such event"):
            return {"value": False}
        raise ValueError(f"answer yes or no, not {text!r}")
    t = field.type
    if t == "category":
        return {"text": text, "key": field.resolve(text) or text}
    if t == "multi":
        keys = [k.strip() for k in text.split(";") if k.strip()]
        return {"text": text, "keys": keys}
    if t == "count":
        lo_s, sep, hi_s = text.partition("-")
        try:
            lo = int(lo_s.strip().replace(",", "")) if lo_s.strip() else None
            hi = (int(hi_s.strip().replace(",", "")) if hi_s.strip() else None) if sep else lo
        except ValueError:
            raise ValueError(f"a count is a number or a range like 10-12 or 24- (open), not {text!r}") from None
        if lo is not None and hi is not None and hi < lo:
            raise ValueError(f"the upper bound {hi} is below the lower bound {lo}")
        return {"text": text, "min": lo, "max": hi}
    if t == "place":
        name, _, admin1 = text.partition(",")
        out = {"name": name.strip()}
        if admin1.strip():
            out["admin1"] = admin1.strip()
        return out
    return {"value": text}

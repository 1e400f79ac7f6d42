"""Agreement over a project: per codebook field, over articles coded by two or more coders.

Steps
-----
1. ``load_codings`` reads every coder's codings in a few batch queries (the
   reconciled coder and engine-proposed, not yet accepted events are left out).
2. ``align_events`` matches each coder's events within an article by their field
   values: an optimal assignment (``scipy.optimize.linear_sum_assignment``) on
   the mean field distance, never list position.  A pair whose distance is above
   ``max_cost`` is not a match: they are two events, each found by one coder.
   With three or more coders the coders are added one at a time (by name) to
   the groups formed so far.
3. Reliability matrices are built per compared item and handed to
   ``annotator.agreement.stats.reliability``:

   * every event field with a level (codebook ``level``): nominal for
     categories, places and dates, ``set`` (MASI) for multi-value fields; a
     count field is compared by its ``count_min`` and ``count_max`` at the
     field's level (ratio by default).  Units = aligned events that two or more
     coders have.
   * article fields with a level (except ``relevant``): units = articles.
   * ``relevant`` (nominal; from the field, else status ``not_relevant`` = no,
     else having events = yes), ``event_count`` (ratio) and ``event_present``
     (nominal: each coder of the article has / lacks an aligned event).

   An empty value in an event (or article) the coder did code counts, for
   nominal and set fields, as the value "(empty)" / the empty set (the coding
   rules make empty meaningful, e.g. no receiving side for plain desertion);
   ``empty_as_value=False`` treats it as missing instead.  Empty numbers are
   always missing.  Notes say how many values each choice affected.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field as dc_field
from typing import Any, Callable

import numpy as np

from annotator import values as V
from annotator.agreement.stats import (DEFAULT_BOOTSTRAP, DEFAULT_SEED, Resampler, coded_from_codes,
                                       masi_distance, reliability)
from annotator.codebook import Codebook, Field

EMPTY = "(empty)"
DEFAULT_MAX_COST = 0.6
EVENT_KEY_NS = uuid.UUID("6f1d3c52-6a55-4f57-9d43-1c2b2a0e8a11")


# --------------------------------------------------------------------------- data

@dataclass
class CoderEvent:
    event_id: str
    coder: str
    position: int
    values: dict[str, dict[str, Any]] = dc_field(default_factory=dict)        # field -> stored value
    evidence: dict[str, tuple[int, int]] = dc_field(default_factory=dict)     # field -> (start, end)


@dataclass
class CoderArticle:
    coder: str
    coding_id: str
    status: str
    values: dict[str, dict[str, Any]] = dc_field(default_factory=dict)
    evidence: dict[str, tuple[int, int]] = dc_field(default_factory=dict)
    events: list[CoderEvent] = dc_field(default_factory=list)


@dataclass
class ArticleCodings:
    article_id: str
    label: str
    coders: dict[str, CoderArticle] = dc_field(default_factory=dict)


@dataclass
class EventGroup:
    """Events of different coders matched as the same event."""

    article_id: str
    members: dict[str, CoderEvent]

    @property
    def key(self) -> str:
        """Stable id of the group: the sorted ids of its events."""
        return "+".join(sorted(e.event_id for e in self.members.values()))


@dataclass
class Item:
    """One compared column: a field, or a part of one (count_min/count_max)."""

    name: str
    field: Field
    level: str
    get: Callable[[Any], Any]   # comparable value -> compared value (None = empty)


def compared_items(codebook: Codebook, scope: str) -> list[Item]:
    out: list[Item] = []
    for f in codebook.fields:
        if f.scope != scope or not f.level or f.type in ("text", "evidence"):
            continue
        if scope == "article" and f.name == "relevant":
            continue
        if f.type == "count" and f.level in ("ratio", "interval", "ordinal"):
            out.append(Item(f"{f.name}_min", f, f.level, lambda c: None if c is None else c[0]))
            out.append(Item(f"{f.name}_max", f, f.level, lambda c: None if c is None else c[1]))
        else:
            out.append(Item(f.name, f, f.level, lambda c: c))
    return out


# --------------------------------------------------------------------------- loading

def _json(v):
    if v is None:
        return None
    if isinstance(v, (bytes, str)):
        try:
            return json.loads(v)
        except ValueError:
            return None
    return v


def load_codings(project, coders: list[str] | None = None, min_coders: int = 2) -> list[ArticleCodings]:
    """Every article coded by ``min_coders`` or more coders, with each coder's values (batch reads)."""
    with project.engine.connect() as conn:
        codings = conn.exec_driver_sql(
            "SELECT c.id, c.article_id, co.name, c.status FROM codings c JOIN coders co ON co.id = c.coder_id "
            "WHERE co.kind = 'coder'").fetchall()
        events = conn.exec_driver_sql(
            "SELECT e.id, e.coding_id, e.position FROM events e WHERE e.deleted = 0 AND e.proposed = 0").fetchall()
        fvs = conn.exec_driver_sql(
            "SELECT fv.coding_id, fv.event_id, fv.field, fv.value, fv.evidence_start, fv.evidence_end "
            "FROM field_values fv JOIN codings c ON c.id = fv.coding_id JOIN coders co ON co.id = c.coder_id "
            "WHERE co.kind = 'coder'").fetchall()
        articles = dict(((r[0], r[1] or r[0]) for r in conn.exec_driver_sql(
            "SELECT id, file_name FROM articles").fetchall()))
    wanted = set(coders) if coders else None
    by_coding: dict[str, CoderArticle] = {}
    for cid, aid, name, status in codings:
        if wanted is None or name in wanted:
            by_coding[cid] = CoderArticle(name, cid, status or "new")
    by_event: dict[str, CoderEvent] = {}
    for eid, cid, pos in events:
        ca = by_coding.get(cid)
        if ca is not None:
            ev = CoderEvent(eid, ca.coder, pos or 0)
            ca.events.append(ev)
            by_event[eid] = ev
    for cid, eid, fname, value, start, end in fvs:
        ca = by_coding.get(cid)
        if ca is None:
            continue
        target = ca if eid is None else by_event.get(eid)
        if target is None:
            continue  # value of a deleted or proposed event
        target.values[fname] = _json(value) or {}
        if start is not None and end is not None:
            target.evidence[fname] = (start, end)
    per_article: dict[str, ArticleCodings] = {}
    for cid, aid, *_ in codings:
        ca = by_coding.get(cid)
        if ca is None:
            continue
        if ca.status == "new" and not ca.values and not ca.events:
            continue  # opened, nothing coded yet
        ca.events.sort(key=lambda e: e.position)
        art = per_article.setdefault(aid, ArticleCodings(aid, articles.get(aid, aid)))
        art.coders[ca.coder] = ca
    return [a for a in sorted(per_article.values(), key=lambda a: a.label) if len(a.coders) >= min_coders]


# --------------------------------------------------------------------------- alignment

class _Comparer:
    """Comparable values (cached) and event distances for the alignment."""

    def __init__(self, codebook: Codebook):
        self.items = compared_items(codebook, "event")
        self.fields = {f.name: f for f in codebook.fields}

    def comparable(self, ev: CoderEvent) -> dict[str, Any]:
        cache = getattr(ev, "_cmp", None)
        if cache is None:
            cache = {}
            for it in self.items:
                f = it.field
                raw = ev.values.get(f.name)
                cache[it.name] = it.get(V.comparable(f, raw)) if raw else None
            ev._cmp = cache  # type: ignore[attr-defined]
        return cache

    def distance(self, a: CoderEvent, b: CoderEvent) -> float:
        ca, cb = self.comparable(a), self.comparable(b)
        total, n = 0.0, 0
        for it in self.items:
            x, y = ca[it.name], cb[it.name]
            if x is None and y is None:
                continue
            n += 1
            if x is None or y is None:
                total += 0.5
            elif it.level == "set":
                total += masi_distance(x, y)
            elif it.level in ("ratio", "interval", "ordinal") and isinstance(x, (int, float)) and isinstance(y, (int, float)):
                s = abs(x) + abs(y)
                total += 0.0 if s == 0 else min(1.0, abs(x - y) / s)
            else:
                total += 0.0 if x == y else 1.0
        return total / n if n else 0.5


def align_events(article: ArticleCodings, comparer: _Comparer, max_cost: float = DEFAULT_MAX_COST) -> list[EventGroup]:
    from scipy.optimize import linear_sum_assignment

    groups: list[EventGroup] = []
    for coder in sorted(article.coders):
        evs = article.coders[coder].events
        if not evs:
            continue
        if not groups:
            groups = [EventGroup(article.article_id, {coder: e}) for e in evs]
            continue
        cost = np.array([[np.mean([comparer.distance(e, m) for m in g.members.values()]) for g in groups]
                         for e in evs])
        rows, cols = linear_sum_assignment(cost)
        taken = set()
        for r, c in zip(rows, cols):
            if cost[r, c] <= max_cost:
                groups[c].members[coder] = evs[r]
                taken.add(r)
        for r, e in enumerate(evs):
            if r not in taken:
                groups.append(EventGroup(article.article_id, {coder: e}))
    return groups


def group_key(group: EventGroup) -> str:
    return group.key


def reconciled_event_id(event_key: str) -> str:
    """The id of the reconciled event standing for an aligned group (deterministic)."""
    return str(uuid.uuid5(EVENT_KEY_NS, event_key))


# --------------------------------------------------------------------------- matrices

def _relevant(f: Field | None, ca: CoderArticle) -> Any:
    raw = ca.values.get("relevant")
    if raw and f is not None:
        v = V.comparable(f, raw)
        if v is not None:
            return bool(v)
    if ca.status == "not_relevant":
        return False
    if ca.events:
        return True
    return None


class _MatrixBuilder:
    """Collects one item's values into integer codes quickly."""

    def __init__(self, coders: list[str], n_units: int):
        self.cindex = {c: i for i, c in enumerate(coders)}
        self.codes = np.full((len(coders), n_units), -1, dtype=np.int64)
        self.domain: dict[Any, int] = {}

    def put(self, coder: str, unit: int, value: Any) -> None:
        code = self.domain.get(value)
        if code is None:
            code = self.domain[value] = len(self.domain)
        self.codes[self.cindex[coder], unit] = code

    def coded(self, level: str):
        values = list(self.domain)
        if level in ("ordinal", "interval", "ratio"):
            order = sorted(range(len(values)), key=lambda i: float(values[i]))
        elif level == "set":
            order = sorted(range(len(values)), key=lambda i: (len(values[i]), sorted(map(str, values[i]))))
        else:
            order = sorted(range(len(values)), key=lambda i: (isinstance(values[i], str), str(values[i])))
        remap = np.empty(len(values), dtype=np.int64)
        remap[order] = np.arange(len(values))
        codes = np.where(self.codes >= 0, remap[np.maximum(self.codes, 0)], -1) if len(values) else self.codes
        return coded_from_codes(codes, [values[i] for i in order], level)


@dataclass
class ProjectData:
    codebook: Codebook
    articles: list[ArticleCodings]
    groups: list[EventGroup]            # aligned events of all articles, in article order
    coders: list[str]


def prepare(project, coders: list[str] | None = None, max_cost: float = DEFAULT_MAX_COST) -> ProjectData:
    codebook = project.codebook
    articles = load_codings(project, coders)
    comparer = _Comparer(codebook)
    groups: list[EventGroup] = []
    for art in articles:
        groups.extend(align_events(art, comparer, max_cost))
    names = sorted({c for a in articles for c in a.coders})
    data = ProjectData(codebook, articles, groups, names)
    data._comparer = comparer  # type: ignore[attr-defined]
    return data


def _empty_for(level: str):
    return frozenset() if level == "set" else EMPTY


def project_agreement(project, *, fields: list[str] | None = None, coders: list[str] | None = None,
                      n_boot: int = DEFAULT_BOOTSTRAP, seed: int = DEFAULT_SEED, empty_as_value: bool = True,
                      max_cost: float = DEFAULT_MAX_COST, data: ProjectData | None = None) -> dict[str, Any]:
    """Per-field agreement of a project (the ``annotator agreement --json`` object).

    ``fields`` limits the per-field table to those names (a field name or an
    item name such as ``count_min``); relevance, event presence and event count
    are always reported.
    """
    data = data or prepare(project, coders, max_cost)
    codebook = data.codebook
    comparer: _Comparer = data._comparer  # type: ignore[attr-defined]
    names = data.coders
    arts, groups = data.articles, data.groups
    ev_sampler = Resampler(len(groups), n_boot, seed) if n_boot else None
    art_sampler = Resampler(len(arts), n_boot, seed + 1) if n_boot else None
    out: dict[str, Any] = {"fields": {}, "n_articles": len(arts), "n_aligned_events": len(groups), "coders": names,
                           "alignment": f"optimal assignment on mean field distance; pairs above {max_cost} not matched",
                           "empty_as_value": empty_as_value}

    def run(builder: _MatrixBuilder, level: str, sampler, notes: list[str], extra: dict) -> dict:
        coded = builder.coded(level)
        res = reliability(coded, n_boot=n_boot, seed=seed, resampler=sampler)
        d = res.to_dict()
        d["notes"] = notes + d["notes"]
        d.update(extra)
        return d

    wanted = set(fields) if fields else None
    event_items = [it for it in comparer.items if wanted is None or it.name in wanted or it.field.name in wanted]
    for it in event_items:
        b = _MatrixBuilder(names, len(groups))
        n_empty = n_lone = 0
        for u, g in enumerate(groups):
            if len(g.members) < 2:
                n_lone += 1
            for coder, ev in g.members.items():
                v = comparer.comparable(ev)[it.name]
                if v is None:
                    n_empty += 1
                    if not empty_as_value or it.level not in ("nominal", "set"):
                        continue
                    v = _empty_for(it.level)
                b.put(coder, u, v)
        notes = []
        if n_lone:
            notes.append(f"{n_lone} event(s) coded by one coder only are not pairable here; they count as "
                         "disagreements on event_present.")
        if n_empty:
            notes.append(f"{n_empty} empty value(s) in coded events "
                         + ("counted as the value '(empty)'." if empty_as_value and it.level in ("nominal", "set")
                            else "dropped as missing."))
        out["fields"][it.name] = run(b, it.level, ev_sampler, notes,
                                     {"field": it.field.name, "scope": "event", "level": it.level})

    art_items = [it for it in compared_items(codebook, "article") if wanted is None or it.name in wanted]
    for it in art_items:
        b = _MatrixBuilder(names, len(arts))
        n_empty = 0
        for u, a in enumerate(arts):
            for coder, ca in a.coders.items():
                raw = ca.values.get(it.field.name)
                v = it.get(V.comparable(it.field, raw)) if raw else None
                if v is None:
                    n_empty += 1
                    if not empty_as_value or it.level not in ("nominal", "set"):
                        continue
                    v = _empty_for(it.level)
                b.put(coder, u, v)
        notes = [f"{n_empty} empty value(s) " + ("counted as '(empty)'." if empty_as_value and it.level in ("nominal", "set")
                                                 else "dropped as missing.")] if n_empty else []
        out["fields"][it.name] = run(b, it.level, art_sampler, notes,
                                     {"field": it.field.name, "scope": "article", "level": it.level})

    rel_field = codebook.field("relevant") if codebook.has_field("relevant") else None
    b = _MatrixBuilder(names, len(arts))
    cnt = _MatrixBuilder(names, len(arts))
    for u, a in enumerate(arts):
        for coder, ca in a.coders.items():
            r = _relevant(rel_field, ca)
            if r is not None:
                b.put(coder, u, r)
            cnt.put(coder, u, len(ca.events))
    out["relevant"] = run(b, "nominal", art_sampler, [], {"scope": "article", "level": "nominal"})
    out["event_count"] = run(cnt, "ratio", art_sampler, [], {"scope": "article", "level": "ratio"})
    pres = _MatrixBuilder(names, len(groups))
    art_coders = {a.article_id: a.coders for a in arts}
    for u, g in enumerate(groups):
        for coder in art_coders[g.article_id]:
            pres.put(coder, u, coder in g.members)
    out["event_present"] = run(pres, "nominal", ev_sampler,
                               ["units are aligned events; each coder of the article has the event (true) or not."],
                               {"scope": "event", "level": "nominal"})
    return out


def alpha_by_field(project, **kw) -> dict[str, float | None]:
    """Just alpha per field name (plus relevant, event_present, event_count)."""
    res = project_agreement(project, **kw)
    d = {name: v["krippendorff_alpha"] for name, v in res["fields"].items()}
    for k in ("relevant", "event_present", "event_count"):
        d[k] = res[k]["krippendorff_alpha"]
    return d

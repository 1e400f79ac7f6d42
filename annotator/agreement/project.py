"""Agreement over a project: per codebook field, over articles coded by two or more coders.

Steps
-----
1. ``load_codings`` reads, in a few batch queries, the finished codings (status
   done, not_relevant or flagged) of the articles that two or more coders
   finished.  Unfinished codings (new, in progress: opening an article makes
   one, and the engine's proposals fill it), the reconciled coder, and deleted
   or engine-proposed, not yet accepted events are left out; the result says
   how many unfinished codings were left out.
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
     coders have.  The count is also compared as a whole (nominal, the exact
     (min, max) pair), because an unknown bound (null) cannot enter the ratio
     comparison but is a coding decision that can disagree.
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

import gc
import json
import uuid
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field as dc_field
from typing import Any, Callable

import numpy as np

from annotator import values as V
from annotator.agreement.stats import (DEFAULT_BOOTSTRAP, DEFAULT_SEED, coded_from_codes,
                                       masi_distance, reliability, single_blas_thread)
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
    row: int = -1                                                           # row in ProjectData.event_codes
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
            # exact agreement on the (min, max) pair, unknown bounds included, then each bound at its level
            out.append(Item(f.name, f, "nominal", lambda c: c))
            out.append(Item(f"{f.name}_min", f, f.level, lambda c: None if c is None else c[0]))
            out.append(Item(f"{f.name}_max", f, f.level, lambda c: None if c is None else c[1]))
        elif f.level == "ordinal" and f.type != "count":
            # ranks from the vocabulary order (an ordinal category), else numbers
            ranks = {V.fold(v): i for i, v in enumerate(f.choices)}
            out.append(Item(f.name, f, "ordinal", lambda c, r=ranks: _rank(c, r)))
        elif f.level in ("interval", "ratio") and f.type != "count":
            out.append(Item(f.name, f, f.level, _number))
        else:
            out.append(Item(f.name, f, f.level, lambda c: c))
    return out


def _number(c: Any) -> float | None:
    """A comparable value as a number (None when it is not one: treated as missing)."""
    if c is None or isinstance(c, bool):
        return None if c is None else float(c)
    try:
        x = float(c)
    except (TypeError, ValueError):
        return None
    return x if x == x else None


def _rank(c: Any, ranks: dict[str, int]) -> float | None:
    if c is None:
        return None
    if isinstance(c, str) and V.fold(c) in ranks:
        return float(ranks[V.fold(c)])
    return _number(c)


@dataclass
class ProjectData:
    """Every coder's codings of the articles coded by two or more coders, aligned."""

    codebook: Codebook
    articles: list[ArticleCodings]
    coders: list[str]
    items: list[Item]                      # compared event items (columns of event_codes)
    domains: list[list[Any]]               # per item: code -> value
    event_codes: np.ndarray                # (events, items) code, -1 = empty value
    groups: list[EventGroup] = dc_field(default_factory=list)
    max_cost: float = DEFAULT_MAX_COST
    _tables: dict[int, np.ndarray] = dc_field(default_factory=dict)
    unfinished: int = 0                    # codings left out because they are not finished (new, in progress)
    unfinished_paired: int = 0             # ... of which in articles another coder finished

    # ---- distances between events, vectorised over pairs of event rows
    def _set_table(self, k: int) -> np.ndarray:
        t = self._tables.get(k)
        if t is None:
            dom = self.domains[k]
            n = len(dom)
            t = np.zeros((n, n))
            for i in range(n):
                for j in range(i + 1, n):
                    t[i, j] = t[j, i] = masi_distance(dom[i], dom[j])
            self._tables[k] = t
        return t

    def _numbers(self, k: int) -> np.ndarray:
        t = self._tables.get(-k - 1)
        if t is None:
            t = self._tables[-k - 1] = np.array([float(v) for v in self.domains[k]] or [0.0])
        return t

    def pair_distance(self, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
        """Mean field distance of event rows ra[i] and rb[i] (0.5 when nothing to compare)."""
        X, Y = self.event_codes[ra], self.event_codes[rb]
        total = np.zeros(len(ra))
        n = np.zeros(len(ra))
        for k, it in enumerate(self.items):
            x, y = X[:, k], Y[:, k]
            px, py = x >= 0, y >= 0
            both, one = px & py, px ^ py
            d = np.zeros(len(ra))
            xb, yb = x[both], y[both]
            if it.level == "set":
                d[both] = self._set_table(k)[xb, yb]
            elif it.level in ("ratio", "interval", "ordinal"):
                num = self._numbers(k)
                a, b = num[xb], num[yb]
                s = np.abs(a) + np.abs(b)
                d[both] = np.minimum(1.0, np.divide(np.abs(a - b), s, out=np.zeros(len(a)), where=s > 0))
            else:
                d[both] = xb != yb
            d[one] = 0.5
            total += d
            n += both | one
        return np.where(n > 0, total / np.maximum(n, 1), 0.5)


# --------------------------------------------------------------------------- loading

FINISHED = ("done", "not_relevant", "flagged")   # statuses a coder sets when an article is coded
SEL = "annotator_agreement_codings"               # temporary table (of the reading connection) of the compared codings


def _finished_sql(coders: list[str] | None) -> tuple[str, list[Any]]:
    """SQL (a ``WITH fin AS ...`` prefix) selecting the finished codings of coders of kind ``coder``."""
    params: list[Any] = list(FINISHED)
    where = f"co.kind = 'coder' AND c.status IN ({','.join('?' * len(FINISHED))})"
    if coders:
        where += f" AND co.name IN ({','.join('?' * len(coders))})"
        params += list(coders)
    return (f"fin AS (SELECT c.id, c.article_id, co.name, c.status FROM codings c "
            f"JOIN coders co ON co.id = c.coder_id WHERE {where})"), params


def load_codings(project, coders: list[str] | None = None, min_coders: int = 2,
                 compared_only: bool = False) -> ProjectData:
    """Every article coded by ``min_coders`` or more coders (a few batch reads), events not yet aligned.

    Only finished codings count (status done, not_relevant or flagged): a coding
    still ``new`` or ``in_progress`` is the coder's work in progress (opening an
    article creates one, the engine's proposals fill it), not their rating; how
    many were left out is in ``ProjectData.unfinished``.  The reconciled
    coder's coding and proposed (not yet accepted) or deleted events are left
    out.  Only the codings of articles with ``min_coders`` finished codings are
    read (the filter is in SQL).  ``compared_only`` reads just the values of
    compared fields and no evidence spans (enough for the statistics, not for
    the disagreement list or reconciliation).
    """
    codebook = project.codebook
    items = compared_items(codebook, "event")
    by_field: dict[str, list[tuple[int, Item]]] = {}
    for k, it in enumerate(items):
        by_field.setdefault(it.field.name, []).append((k, it))
    fin, fin_params = _finished_sql(coders)
    sel = (f"WITH {fin}, multi AS (SELECT article_id FROM fin GROUP BY article_id HAVING COUNT(*) >= ?), "
           f"sel AS (SELECT fin.id, fin.article_id, fin.name, fin.status FROM fin JOIN multi "
           f"ON multi.article_id = fin.article_id) ")
    sel_params = [*fin_params, max(1, min_coders)]
    field_filter, field_params = "", []
    if compared_only:
        names = sorted(by_field)
        field_filter = f" AND field IN ({','.join('?' * len(names))})" if names else " AND 0"
        field_params = names
    raw = project.engine.raw_connection()
    try:
        cur = raw.cursor()
        # the selected codings, once, in a temporary table of this connection (the queries below join it)
        cur.execute(f"DROP TABLE IF EXISTS temp.{SEL}")
        cur.execute(f"CREATE TEMP TABLE {SEL} AS " + sel + "SELECT id, article_id, name, status FROM sel", sel_params)
        cur.execute(f"CREATE INDEX temp.{SEL}_id ON {SEL} (id)")
        cur.execute(f"CREATE INDEX temp.{SEL}_article ON {SEL} (article_id)")
        codings = cur.execute(f"SELECT id, article_id, name, status FROM {SEL}").fetchall()
        n_all = cur.execute("SELECT COUNT(*) FROM codings").fetchone()[0] or 1
        sample = 2 * len(codings) < n_all
        if not sample:
            # most codings are in: one sequential scan, the others' rows are skipped in Python (no event for them)
            fv_from = "field_values fv"
        else:
            # a sample: through the (coding, event, field) index from the selected codings only
            fv_from = f"{SEL} sel CROSS JOIN field_values fv ON fv.coding_id = sel.id"   # CROSS: sel first
        # (without the join, rows of other codings are skipped in Python: they have no coding there)
        ev_from = f"{SEL} sel CROSS JOIN events e ON e.coding_id = sel.id" if sample else "events e"
        events = cur.execute(
            f"SELECT e.id, e.coding_id, e.position FROM {ev_from} WHERE e.deleted = 0 AND e.proposed = 0").fetchall()
        art_fvs = cur.execute(
            f"SELECT fv.coding_id, fv.field, fv.value, fv.evidence_start, fv.evidence_end FROM {fv_from} "
            "WHERE fv.event_id IS NULL").fetchall()
        unfinished = cur.execute(
            f"WITH {fin} SELECT COUNT(*), COALESCE(SUM(EXISTS (SELECT 1 FROM fin WHERE fin.article_id = c.article_id)), 0) "
            f"FROM codings c JOIN coders co ON co.id = c.coder_id WHERE co.kind = 'coder' "
            f"AND c.status NOT IN ({','.join('?' * len(FINISHED))})"
            + (f" AND co.name IN ({','.join('?' * len(coders))})" if coders else ""),
            fin_params + list(FINISHED) + list(coders or [])).fetchone()
        labels = dict(cur.execute(
            "SELECT a.id, COALESCE(a.file_name, a.id) FROM articles a"
            + (f" WHERE a.id IN (SELECT article_id FROM {SEL})" if sample else "")).fetchall())
        flt = field_filter.replace("field IN", "fv.field IN")
        if sample:
            # one row per distinct (field, value) with the ids of its events: SQLite groups in C, and Python
            # makes a few thousand rows instead of one (with three strings) per stored value read by index
            ev_fvs = raw.cursor().execute(
                f"SELECT fv.field, fv.value, group_concat(fv.event_id, char(31)) FROM {fv_from} "
                f"WHERE fv.event_id IS NOT NULL{flt} GROUP BY fv.field, fv.value", field_params)
        else:  # a sequential scan streams faster than it sorts
            ev_fvs = raw.cursor().execute(
                f"SELECT fv.event_id, fv.field, fv.value FROM {fv_from} WHERE fv.event_id IS NOT NULL{flt}",
                field_params)
        data = _build(codebook, items, by_field, codings, events, art_fvs, ev_fvs, labels, min_coders, sample)
        del ev_fvs
        if not compared_only:
            by_event = {ev.event_id: ev for a in data.articles for ca in a.coders.values() for ev in ca.events}
            for eid, fname, start, end in cur.execute(
                    f"SELECT fv.event_id, fv.field, fv.evidence_start, fv.evidence_end FROM {fv_from} "
                    "WHERE fv.event_id IS NOT NULL AND fv.evidence_start IS NOT NULL AND fv.evidence_end IS NOT NULL"):
                ev = by_event.get(eid)
                if ev is not None:
                    ev.evidence[fname] = (start, end)
        cur.execute(f"DROP TABLE IF EXISTS temp.{SEL}")
        cur.close()
    finally:
        raw.close()
    data.unfinished, data.unfinished_paired = int(unfinished[0] or 0), int(unfinished[1] or 0)
    return data


def _build(codebook: Codebook, items: list[Item], by_field, codings, events, art_fvs, ev_fvs, labels,
           min_coders: int, grouped: bool) -> ProjectData:
    by_coding: dict[str, CoderArticle] = {}
    for cid, aid, name, status in codings:
        by_coding[cid] = CoderArticle(name, cid, status or "new")
    by_event: dict[str, CoderEvent] = {}
    for eid, cid, pos in events:
        ca = by_coding.get(cid)
        if ca is not None:
            ev = CoderEvent(eid, ca.coder, pos or 0, len(by_event))
            ca.events.append(ev)
            by_event[eid] = ev
    art_cache: dict[Any, Any] = {}
    for cid, fname, value, start, end in art_fvs:
        ca = by_coding.get(cid)
        if ca is not None:
            parsed = art_cache.get(value)
            if parsed is None:
                parsed = art_cache[value] = _json(value) or {}
            ca.values[fname] = parsed
            if start is not None and end is not None:
                ca.evidence[fname] = (start, end)
    # event values: each distinct (field, JSON text) is parsed and encoded once
    fields = {f.name: f for f in codebook.fields}
    domains: list[dict[Any, int]] = [{} for _ in items]
    entries: list[list[tuple[int, int]]] = []
    ent_rows = array("q")   # per stored value: its event's row and its entry (compact: a million of each)
    ent_ids = array("q")
    get_event = by_event.get

    def encode(fname: str, parsed: Any) -> int:
        put: list[tuple[int, int]] = []
        f = fields.get(fname)
        if f is not None and fname in by_field:
            comp = V.comparable(f, parsed)
            for k, it in by_field[fname]:
                v = it.get(comp)
                if v is not None:
                    dom = domains[k]
                    code = dom.get(v)
                    if code is None:
                        code = dom[v] = len(dom)
                    put.append((k, code))
        entries.append(put)
        return len(entries) - 1

    if grouped:  # rows (field, value, event ids separated by \x1f)
        for fname, value, ids in ev_fvs:
            evs = [e for e in map(get_event, ids.split("\x1f")) if e is not None]
            if not evs:
                continue  # deleted or proposed events, or codings not compared
            parsed = _json(value) or {}
            entry = encode(fname, parsed)
            for ev in evs:
                ev.values[fname] = parsed
            ent_rows.extend([ev.row for ev in evs])
            ent_ids.extend([entry] * len(evs))
    else:  # rows (event id, field, value)
        cache: dict[str, dict[Any, tuple[Any, int]]] = {}
        last_eid, ev = None, None
        for eid, fname, value in ev_fvs:
            if eid != last_eid:  # an event's values are usually stored together: one lookup per event
                last_eid, ev = eid, get_event(eid)
            if ev is None:
                continue  # deleted or proposed event, or a coding not compared
            per_field = cache.get(fname)
            if per_field is None:
                per_field = cache[fname] = {}
            hit = per_field.get(value)
            if hit is None:
                parsed = _json(value) or {}
                hit = per_field[value] = (parsed, encode(fname, parsed))
            ev.values[fname] = hit[0]
            ent_rows.append(ev.row)
            ent_ids.append(hit[1])
    codes = np.full((len(by_event), len(items)), -1, dtype=np.int64)
    if ent_rows:
        sizes = np.array([len(e) for e in entries], dtype=np.int64)
        flat_k = np.array([k for e in entries for k, _ in e], dtype=np.int64)
        flat_c = np.array([c for e in entries for _, c in e], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        ids = np.frombuffer(ent_ids, dtype=np.int64)
        rows = np.frombuffer(ent_rows, dtype=np.int64)
        n_per = sizes[ids]
        rep_rows = np.repeat(rows, n_per)
        pos = np.repeat(starts[ids], n_per) + (np.arange(n_per.sum()) - np.repeat(np.cumsum(n_per) - n_per, n_per))
        codes[rep_rows, flat_k[pos]] = flat_c[pos]
    per_article: dict[str, ArticleCodings] = {}
    for cid, aid, *_ in codings:
        ca = by_coding.get(cid)
        if ca is None:
            continue
        ca.events.sort(key=lambda e: e.position)
        art = per_article.setdefault(aid, ArticleCodings(aid, labels.get(aid, aid)))
        art.coders[ca.coder] = ca
    arts = [a for a in sorted(per_article.values(), key=lambda a: a.label) if len(a.coders) >= min_coders]
    names = sorted({c for a in arts for c in a.coders})
    return ProjectData(codebook, arts, names, items, [list(d) for d in domains], codes)


def _json(v):
    if v is None:
        return None
    if isinstance(v, (bytes, str)):
        try:
            return json.loads(v)
        except ValueError:
            return None
    return v


# --------------------------------------------------------------------------- alignment

def align_all(data: ProjectData, max_cost: float = DEFAULT_MAX_COST) -> list[EventGroup]:
    """Align the events of every article; two-coder articles are done in one vectorised batch."""
    from scipy.optimize import linear_sum_assignment

    groups: list[EventGroup] = []
    two = [a for a in data.articles if len(a.coders) == 2]
    ra_list, rb_list, na, nb = [], [], [], []
    for art in two:
        ca, cb = (art.coders[c] for c in sorted(art.coders))
        ra_list.extend(e.row for e in ca.events)
        rb_list.extend(e.row for e in cb.events)
        na.append(len(ca.events))
        nb.append(len(cb.events))
    na_a, nb_a = np.asarray(na, dtype=np.int64), np.asarray(nb, dtype=np.int64)
    n_pairs = na_a * nb_a
    total = int(n_pairs.sum()) if len(two) else 0
    if total:
        art_of = np.repeat(np.arange(len(two)), n_pairs)
        t = np.arange(total) - np.repeat(np.cumsum(n_pairs) - n_pairs, n_pairs)
        a_off = np.cumsum(na_a) - na_a
        b_off = np.cumsum(nb_a) - nb_a
        pa = np.asarray(ra_list, dtype=np.int64)[a_off[art_of] + t // nb_a[art_of]]
        pb = np.asarray(rb_list, dtype=np.int64)[b_off[art_of] + t % nb_a[art_of]]
        cost_all = data.pair_distance(pa, pb)
    else:
        cost_all = np.zeros(0)
    out_by_article: dict[str, list[EventGroup]] = {}
    off = 0
    for art in two:
        na_name, nb_name = sorted(art.coders)
        ea, eb = art.coders[na_name].events, art.coders[nb_name].events
        n = len(ea) * len(eb)
        gs: list[EventGroup] = []
        if n:
            cost = cost_all[off:off + n].reshape(len(ea), len(eb))
            off += n
            if len(ea) == 1 and len(eb) == 1:
                rows, cols = np.array([0]), np.array([0])
            else:
                rows, cols = linear_sum_assignment(cost)
            used_a, used_b = set(), set()
            for r, c in zip(rows.tolist(), cols.tolist()):
                if cost[r, c] <= max_cost:
                    gs.append(EventGroup(art.article_id, {na_name: ea[r], nb_name: eb[c]}))
                    used_a.add(r)
                    used_b.add(c)
            gs.extend(EventGroup(art.article_id, {na_name: e}) for i, e in enumerate(ea) if i not in used_a)
            gs.extend(EventGroup(art.article_id, {nb_name: e}) for i, e in enumerate(eb) if i not in used_b)
        else:
            gs.extend(EventGroup(art.article_id, {na_name: e}) for e in ea)
            gs.extend(EventGroup(art.article_id, {nb_name: e}) for e in eb)
        out_by_article[art.article_id] = gs
    for art in data.articles:
        if len(art.coders) != 2:
            out_by_article[art.article_id] = align_events(data, art, max_cost)
        groups.extend(out_by_article[art.article_id])
    return groups


def align_events(data: ProjectData, article: ArticleCodings, max_cost: float = DEFAULT_MAX_COST) -> list[EventGroup]:
    """Align one article's events: coders are added one at a time (by name) to the groups so far."""
    from scipy.optimize import linear_sum_assignment

    groups: list[EventGroup] = []
    for coder in sorted(article.coders):
        evs = article.coders[coder].events
        if not evs:
            continue
        if not groups:
            groups = [EventGroup(article.article_id, {coder: e}) for e in evs]
            continue
        cost = np.zeros((len(evs), len(groups)))
        for j, g in enumerate(groups):
            members = list(g.members.values())
            ra = np.repeat([e.row for e in evs], len(members))
            rb = np.tile([m.row for m in members], len(evs))
            cost[:, j] = data.pair_distance(ra, rb).reshape(len(evs), len(members)).mean(axis=1)
        rows, cols = linear_sum_assignment(cost)
        taken = set()
        for r, c in zip(rows.tolist(), cols.tolist()):
            if cost[r, c] <= max_cost:
                groups[c].members[coder] = evs[r]
                taken.add(r)
        groups.extend(EventGroup(article.article_id, {coder: e}) for r, e in enumerate(evs) if r not in taken)
    return groups


def reconciled_event_id(event_key: str) -> str:
    """The id of the reconciled event standing for an aligned group (deterministic)."""
    return str(uuid.uuid5(EVENT_KEY_NS, event_key))


def prepare(project, coders: list[str] | None = None, max_cost: float = DEFAULT_MAX_COST,
            compared_only: bool = False) -> ProjectData:
    """Load and align: everything agreement and the disagreement list need
    (``compared_only``: only what the statistics need, see ``load_codings``)."""
    with _no_gc():
        data = load_codings(project, coders, compared_only=compared_only)
        data.max_cost = max_cost
        data.groups = align_all(data, max_cost)
    return data


@contextmanager
def _no_gc():
    """Hundreds of thousands of small objects are made: full GC passes would dominate the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    """Collects one item's values into integer codes (for the article-level items)."""

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
        return _coded(self.codes, list(self.domain), level)


def _coded(codes: np.ndarray, values: list[Any], level: str):
    """Codes with the domain in a canonical order (ordered levels sorted by value)."""
    if level in ("ordinal", "interval", "ratio"):
        order = sorted(range(len(values)), key=lambda i: float(values[i]))
    elif level == "set":
        order = sorted(range(len(values)), key=lambda i: (len(values[i]), sorted(map(str, values[i]))))
    else:
        order = sorted(range(len(values)), key=lambda i: (isinstance(values[i], str), str(values[i])))
    if not values:
        return coded_from_codes(codes, [], level)
    remap = np.empty(len(values), dtype=np.int64)
    remap[np.asarray(order, dtype=np.int64)] = np.arange(len(values))
    out = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    return coded_from_codes(out, [values[i] for i in order], level)


def group_rows(data: ProjectData) -> np.ndarray:
    """(coders x aligned groups) row of each coder's event in each group, -1 = no event there."""
    cindex = {c: i for i, c in enumerate(data.coders)}
    grow = np.full((len(data.coders), len(data.groups)), -1, dtype=np.int64)
    gc, gu, gr = [], [], []
    for u, g in enumerate(data.groups):
        for coder, ev in g.members.items():
            gc.append(cindex[coder])
            gu.append(u)
            gr.append(ev.row)
    if gc:
        grow[np.asarray(gc), np.asarray(gu)] = np.asarray(gr)
    return grow


def event_matrices(data: ProjectData, empty_as_value: bool = True, wanted: set[str] | None = None,
                   grow: np.ndarray | None = None):
    """Yield (item, coded reliability matrix, number of empty values, empty counted as a value) per event item."""
    grow = group_rows(data) if grow is None else grow
    for k, it in enumerate(data.items):
        if wanted is not None and it.name not in wanted and it.field.name not in wanted:
            continue
        if len(data.event_codes):
            vals = np.where(grow >= 0, data.event_codes[np.maximum(grow, 0), k], -2)
        else:
            vals = np.full(grow.shape, -2, dtype=np.int64)
        domain = list(data.domains[k])
        n_empty = int((vals == -1).sum())
        as_value = empty_as_value and it.level in ("nominal", "set")
        if as_value and n_empty:
            vals = np.where(vals == -1, len(domain), vals)
            domain.append(_empty_for(it.level))
        yield it, _coded(np.where(vals >= 0, vals, -1), domain, it.level), n_empty, as_value


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
    with _no_gc(), single_blas_thread():  # small matrices: a second BLAS thread only burns a CPU waiting
        return _project_agreement(data, fields, n_boot, seed, empty_as_value)


def unfinished_notes(data: ProjectData) -> list[str]:
    """What the finished-codings rule left out, in a sentence (empty when nothing was)."""
    if not data.unfinished:
        return ["only finished codings (status done, not relevant or flagged) are compared."]
    return [f"{data.unfinished} unfinished coding(s) (status new or in progress) were left out: only finished "
            f"codings (done, not relevant or flagged) are compared; {data.unfinished_paired} of them are of "
            "articles another coder finished."]


def _project_agreement(data: ProjectData, fields, n_boot: int, seed: int, empty_as_value: bool) -> dict[str, Any]:
    codebook = data.codebook
    names = data.coders
    arts, groups = data.articles, data.groups
    C, G = len(names), len(groups)
    cindex = {c: i for i, c in enumerate(names)}
    out: dict[str, Any] = {"fields": {}, "n_articles": len(arts), "n_aligned_events": G, "coders": names,
                           "alignment": "events matched within each article by an optimal assignment "
                                        f"(Hungarian) on the mean field distance; pairs above {data.max_cost} are "
                                        "not matched", "empty_as_value": empty_as_value,
                           "unfinished_codings": data.unfinished, "notes": unfinished_notes(data)}

    def run(coded, notes: list[str], extra: dict) -> dict:
        res = reliability(coded, n_boot=n_boot, seed=seed, coder_labels=names)
        d = res.to_dict()
        d["notes"] = notes + d["notes"]
        d.update(extra)
        return d

    grow = group_rows(data)
    lone = sum(1 for g in groups if len(g.members) < 2)
    wanted = set(fields) if fields else None
    for it, coded, n_empty, as_value in event_matrices(data, empty_as_value, wanted, grow):
        notes = []
        if lone:
            notes.append(f"{lone} event(s) coded by one coder only are not pairable here; they count as "
                         "disagreements on event_present.")
        if n_empty:
            notes.append(f"{n_empty} empty value(s) in coded events "
                         + ("counted as the value '(empty)'." if as_value else "dropped as missing."))
        out["fields"][it.name] = run(coded, notes, {"field": it.field.name, "scope": "event", "level": it.level})

    for it in compared_items(codebook, "article"):
        if wanted is not None and it.name not in wanted:
            continue
        b = _MatrixBuilder(names, len(arts))
        n_empty = 0
        as_value = empty_as_value and it.level in ("nominal", "set")
        for u, a in enumerate(arts):
            for coder, ca in a.coders.items():
                raw = ca.values.get(it.field.name)
                v = it.get(V.comparable(it.field, raw)) if raw else None
                if v is None:
                    n_empty += 1
                    if not as_value:
                        continue
                    v = _empty_for(it.level)
                b.put(coder, u, v)
        notes = [f"{n_empty} empty value(s) " + ("counted as '(empty)'." if as_value else "dropped as missing.")] \
            if n_empty else []
        out["fields"][it.name] = run(b.coded(it.level), notes,
                                     {"field": it.field.name, "scope": "article", "level": it.level})

    rel_field = codebook.field("relevant") if codebook.has_field("relevant") else None
    b = _MatrixBuilder(names, len(arts))
    cnt = _MatrixBuilder(names, len(arts))
    art_index = {}
    art_mask = np.zeros((C, len(arts)), dtype=bool)
    for u, a in enumerate(arts):
        art_index[a.article_id] = u
        for coder, ca in a.coders.items():
            art_mask[cindex[coder], u] = True
            r = _relevant(rel_field, ca)
            if r is not None:
                b.put(coder, u, r)
            cnt.put(coder, u, len(ca.events))
    out["relevant"] = run(b.coded("nominal"), ["relevance is the coder's 'relevant' value, else 'no' for an article "
                                               "marked not relevant, else 'yes' when the coder coded events."],
                          {"scope": "article", "level": "nominal"})
    out["event_count"] = run(cnt.coded("ratio"), ["the number of events each coder coded in the article (ratio level)."],
                             {"scope": "article", "level": "ratio"})
    g_art = np.asarray([art_index[g.article_id] for g in groups], dtype=np.int64)
    coded_article = art_mask[:, g_art] if G else np.zeros((C, 0), dtype=bool)
    present = np.where(coded_article, (grow >= 0).astype(np.int64), -1)     # 0 = absent, 1 = present
    out["event_present"] = run(coded_from_codes(present, [False, True], "nominal"),
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

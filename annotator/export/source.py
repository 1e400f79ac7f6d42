"""Reading what an export needs from the project, in batches.

Events are streamed from one ordered query (``yield_per``); the values of each
batch of events come from one more query, so memory stays bounded by the batch
size whatever the size of the project. Deleted events and proposed events that
no coder has accepted or edited are not exported.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from annotator.db.models import Article, Coder, Coding, Event, FieldValue
from annotator.db.project import Project

BATCH = 900  # ids per IN (...) query: below SQLite's old 999-parameter limit


class ExportError(Exception):
    """An export that cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class ExportScope:
    """Whose codings to export: one coder, the reconciled coding, or every coder (the default).

    "Every coder" means the coders of kind ``coder``, as in the JSON export; the
    reconciled coding is exported with ``reconciled=True``.
    """
    coder: str | None = None
    reconciled: bool = False

    def __post_init__(self):
        if self.coder and self.reconciled:
            raise ValueError("choose one coder or the reconciled coding, not both")

    @property
    def label(self) -> str:
        if self.reconciled:
            return "reconciled coding"
        if self.coder:
            return f"coder {self.coder}"
        return "all coders"


@dataclass(frozen=True)
class CoderInfo:
    id: str
    name: str
    kind: str
    created_at: str


def all_coders(project: Project) -> list[CoderInfo]:
    with project.Session() as s:
        rows = s.execute(select(Coder.id, Coder.name, Coder.kind, Coder.created_at)
                         .order_by(case((Coder.kind == "reconciled", 1), else_=0), Coder.name)).all()
    return [CoderInfo(*r) for r in rows]


def scope_coders(project: Project, scope: ExportScope) -> list[CoderInfo]:
    """The coders whose codings the scope exports; ``ExportError`` if the scope names nobody."""
    coders = all_coders(project)
    if scope.reconciled:
        chosen = [c for c in coders if c.kind == "reconciled"]
        if not chosen:
            raise ExportError("the project has no reconciled coding yet; reconcile the double-coded articles first, "
                              "or export one coder or all coders")
        return chosen
    if scope.coder:
        chosen = [c for c in coders if c.name == scope.coder]
        if not chosen:
            names = ", ".join(c.name for c in coders) or "none"
            raise ExportError(f"no coder called {scope.coder!r} in the project (coders: {names})")
        return chosen
    return [c for c in coders if c.kind == "coder"]


def _live_events():
    return (Event.deleted.is_(False), Event.proposed.is_(False))


def count_events(project: Project, coders: list[CoderInfo]) -> int:
    ids = [c.id for c in coders]
    with project.Session() as s:
        return s.scalar(select(func.count()).select_from(Event).join(Coding, Event.coding_id == Coding.id)
                        .where(*_live_events(), Coding.coder_id.in_(ids))) or 0


def count_articles(project: Project) -> int:
    with project.Session() as s:
        return s.scalar(select(func.count()).select_from(Article)) or 0


def article_file(file_name: str | None, article_id: str) -> str:
    """How the interchange format names an article: its file name, else its id."""
    return file_name or article_id


@dataclass
class EventRecord:
    article_id: str
    file: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    coder: str
    position: int  # 1-based, as shown in the app
    values: dict[str, tuple[Any, str]]  # field -> (value, origin)
    coded_at: str  # the event's last change (setting a value touches its event), UTC ISO


def iter_events(project: Project, coders: list[CoderInfo], batch: int = BATCH, offset: int = 0,
                limit: int | None = None) -> Iterator[list[EventRecord]]:
    """Batches of events in article import order, then coder, then event position.

    ``offset``/``limit`` select a slice of that (total) order, so that two
    processes can each write half of a large Events sheet.
    """
    ids = [c.id for c in coders]
    q = (select(Event.id, Event.position, Event.updated_at, Event.coding_id, Coding.article_id, Coder.name,
                Article.file_name,
                Article.title, Article.outlet, Article.url, Article.published)
         .join(Coding, Event.coding_id == Coding.id)
         .join(Coder, Coding.coder_id == Coder.id)
         .join(Article, Coding.article_id == Article.id)
         .where(*_live_events(), Coding.coder_id.in_(ids))
         .order_by(Article.position, Article.id, case((Coder.kind == "reconciled", 1), else_=0), Coder.name,
                   Event.position, Event.id))
    if offset or limit is not None:
        q = q.limit(-1 if limit is None else limit).offset(offset)
    decoded_cache: dict[str, Any] = {}
    with project.engine.connect() as conn:
        raw = conn.connection.driver_connection  # the sqlite3 connection: values are the hot loop
        result = conn.execution_options(yield_per=batch).execute(q)
        for part in result.partitions(batch):
            values = _event_values(raw, list(dict.fromkeys(r[3] for r in part)), decoded_cache)
            yield [EventRecord(art_id, article_file(file_name, art_id), title, outlet, url, published, coder,
                               (pos or 0) + 1, values.get(ev_id, _NO_VALUES), ev_updated)
                   for ev_id, pos, ev_updated, _, art_id, coder, file_name, title, outlet, url, published in part]


_NO_VALUES: dict = {}


DECODED_CACHE_LIMIT = 50_000


def _event_values(raw, coding_ids: list[str], cache: dict[str, Any]) -> dict[str, dict[str, tuple[Any, str]]]:
    """event id -> {field: (value, origin)} for the events of a batch of codings.

    Read through the (coding, event, field) index with the sqlite3 cursor. The
    JSON of values seen before (vocabulary values, ranks...) comes from
    ``cache``; the rest is decoded with one ``json.loads`` per batch: a million
    tiny ``json.loads`` calls and ORM rows would cost more than the rest of
    the export. Decoded values are shared, never modified.
    """
    out: dict[str, dict[str, tuple[Any, str]]] = {}
    table = FieldValue.__table__.name
    if len(cache) > DECODED_CACHE_LIMIT:
        cache.clear()
    for start in range(0, len(coding_ids), BATCH):
        chunk = coding_ids[start:start + BATCH]
        rows = raw.execute(f"SELECT event_id, field, origin, value FROM {table} "
                           f"WHERE coding_id IN ({','.join('?' * len(chunk))}) AND event_id IS NOT NULL",
                           chunk).fetchall()
        get = cache.get
        missing = list(dict.fromkeys(r[3] for r in rows if r[3] is not None and get(r[3]) is None))
        if missing:
            cache.update(zip(missing, json.loads("[" + ",".join(missing) + "]")))
        get = cache.get
        for ev_id, field, origin, text in rows:
            value = get(text) if text is not None else None
            entry = out.get(ev_id)
            if entry is None:
                entry = out[ev_id] = {}
            entry[field] = (value, origin)
    return out


@dataclass
class CodingRecord:
    coder: str
    status: str
    flagged: bool
    notes: str | None
    updated_at: str
    n_events: int
    values: dict[str, tuple[Any, str]]


@dataclass
class ArticleRecord:
    id: str
    file: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    relevance: float | None
    near_duplicate_of: str | None  # the other article's file name (or id)
    similarity: float | None
    codings: dict[str, CodingRecord]  # coder name -> coding


def iter_articles(project: Project, coders: list[CoderInfo], batch: int = BATCH) -> Iterator[list[ArticleRecord]]:
    """Batches of all articles in import order, with the codings of ``coders``."""
    ids = [c.id for c in coders]
    names = {c.id: c.name for c in coders}
    dup = aliased(Article)
    q = (select(Article.id, Article.file_name, Article.title, Article.outlet, Article.url, Article.published,
                Article.relevance, dup.id, dup.file_name, Article.similarity)
         .outerjoin(dup, Article.near_duplicate_of == dup.id)
         .order_by(Article.position, Article.id))
    with project.engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(q)
        for part in result.partitions(batch):
            art_ids = [r[0] for r in part]
            codings: dict[str, dict[str, CodingRecord]] = {}
            by_coding: dict[str, CodingRecord] = {}
            for cid, art_id, coder_id, status, flagged, notes, updated in conn.execute(
                    select(Coding.id, Coding.article_id, Coding.coder_id, Coding.status, Coding.flagged, Coding.notes,
                           Coding.updated_at)
                    .where(Coding.article_id.in_(art_ids), Coding.coder_id.in_(ids))):
                rec = CodingRecord(names[coder_id], status, bool(flagged), notes, updated, 0, {})
                codings.setdefault(art_id, {})[rec.coder] = rec
                by_coding[cid] = rec
            if by_coding:
                coding_ids = list(by_coding)
                for start in range(0, len(coding_ids), BATCH):
                    chunk = coding_ids[start:start + BATCH]
                    for cid, n in conn.execute(
                            select(Event.coding_id, func.count()).where(Event.coding_id.in_(chunk),
                                                                        *_live_events())
                            .group_by(Event.coding_id)):
                        by_coding[cid].n_events = n
                    for cid, field, value, origin in conn.execute(
                            select(FieldValue.coding_id, FieldValue.field, FieldValue.value, FieldValue.origin)
                            .where(FieldValue.coding_id.in_(chunk), FieldValue.event_id.is_(None))):
                        by_coding[cid].values[field] = (value, origin)
            yield [ArticleRecord(art_id, article_file(fn, art_id), title, outlet, url, published, relevance,
                                 article_file(dup_fn, dup_id) if dup_id else None, similarity,
                                 codings.get(art_id, {}))
                   for art_id, fn, title, outlet, url, published, relevance, dup_id, dup_fn, similarity in part]


@dataclass
class CoderStats:
    codings: int = 0
    done: int = 0
    events: int = 0


def coder_stats(project: Project) -> dict[str, CoderStats]:
    """Per coder id: codings, codings marked done, live events."""
    out: dict[str, CoderStats] = {}
    with project.Session() as s:
        for coder_id, status, n in s.execute(select(Coding.coder_id, Coding.status, func.count())
                                             .group_by(Coding.coder_id, Coding.status)):
            st = out.setdefault(coder_id, CoderStats())
            st.codings += n
            if status == "done":
                st.done += n
        for coder_id, n in s.execute(select(Coding.coder_id, func.count()).select_from(Event)
                                     .join(Coding, Event.coding_id == Coding.id).where(*_live_events())
                                     .group_by(Coding.coder_id)):
            out.setdefault(coder_id, CoderStats()).events += n
    return out


FINISHED = ("done", "not_relevant", "flagged")  # as annotator.agreement.project.FINISHED


def double_coded_articles(project: Project) -> int:
    """Articles that two or more coders (of kind ``coder``) finished coding (the agreement sample)."""
    with project.Session() as s:
        sub = (select(Coding.article_id).join(Coder, Coding.coder_id == Coder.id)
               .where(Coder.kind == "coder", Coding.status.in_(FINISHED))
               .group_by(Coding.article_id).having(func.count() >= 2).subquery())
        return s.scalar(select(func.count()).select_from(sub)) or 0


def double_coded_events(project: Project) -> int:
    """Live events in the finished codings of articles two or more coders finished (what agreement reads)."""
    with project.Session() as s:
        fin = (select(Coding.id, Coding.article_id).join(Coder, Coding.coder_id == Coder.id)
               .where(Coder.kind == "coder", Coding.status.in_(FINISHED)).subquery())
        multi = select(fin.c.article_id).group_by(fin.c.article_id).having(func.count() >= 2).subquery()
        return s.scalar(select(func.count()).select_from(Event)
                        .join(fin, Event.coding_id == fin.c.id)
                        .where(*_live_events(), fin.c.article_id.in_(select(multi.c.article_id)))) or 0

"""A work package: a self-contained project file for one coder to code offline.

The package is an ordinary project file (same ``project_id``, same codebook)
holding only the coder's articles (assigned to them, or already coded by them),
their coder row, assignments and codings (events, field values), and the
learned patterns. The coder opens it in the normal app.

The meta key ``work_package`` records what the package started from: its own
id, the coder, when it was made, and the *base* state of every coding, event
and field value copied into it. ``annotator merge`` uses that base for a
three-way comparison: a row changed only in the package is taken, a row
changed only in the project is kept, a row changed in both is a conflict.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from annotator.db.models import (Article, Assignment, CodebookRow, Coder, Coding, Event, FieldValue, LearnedPattern,
                                 Meta, SuggestionCache, new_id, now)
from annotator.db.project import Project, ProjectError

PACKAGE_META_KEY = "work_package"
PACKAGE_FORMAT = 1


class PackageError(ValueError):
    """A package that cannot be made; the message says why."""


# --------------------------------------------------------------------------- states (shared with merge)
def _plain(x: Any) -> Any:
    """What a value looks like after a JSON round trip (so states compare equal)."""
    return json.loads(json.dumps(x, sort_keys=True))


OPEN_STATUSES = ("new", "in_progress")  # set by the app as work starts, not chosen by the coder


def coding_state(status: str, flagged: Any, notes: Any, extra: Any) -> list:
    """A coding's own state; "new" and "in_progress" count as one (the app moves between them by itself)."""
    return _plain(["open" if status in OPEN_STATUSES else status, bool(flagged), notes, extra])


def event_state(position: int, proposed: Any, deleted: Any, extra: Any) -> list:
    return _plain([int(position), bool(proposed), bool(deleted), extra])


def value_state(value: Any, origin: str, evidence_start: Any, evidence_end: Any) -> list:
    return _plain([value, origin, evidence_start, evidence_end])


def value_key(article_id: str, event_id: str | None, field: str) -> str:
    return f"{article_id}|{event_id or ''}|{field}"


def _columns(obj) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


# --------------------------------------------------------------------------- making a package
@dataclass
class PackageReport:
    out: Path
    coder: str
    package_id: str
    articles: int
    codings: int
    events: int
    values: int
    patterns: int

    def format(self) -> str:
        return (f"{self.out}: work package for {self.coder}: {self.articles} article(s), {self.codings} coding(s) "
                f"with {self.events} event(s) and {self.values} value(s), {self.patterns} learned pattern(s)")


BASE_PART_KEY = PACKAGE_META_KEY + ".base.values.{:04d}"   # the base values of a large package, in parts
BASE_INLINE_CHARS = 8 * 1024 * 1024       # base values up to this size stay in the package record itself
BASE_PART_CHARS = 16 * 1024 * 1024        # else parts of at most about this size (a reader's limit is 64 MB each)
_CHUNK = 500                              # ids per IN (...) query


def _rows(s, model, column, ids) -> list[dict[str, Any]]:
    """Every row of ``model`` whose ``column`` is in ``ids``, as plain column dicts (no ORM objects: fast)."""
    table, ids = model.__table__, list(ids)
    out: list[dict[str, Any]] = []
    for i in range(0, len(ids), _CHUNK):
        out += [dict(m) for m in s.execute(select(table).where(column.in_(ids[i:i + _CHUNK]))).mappings()]
    return out


def _split_base_values(values: dict[str, list]) -> list[dict[str, list]]:
    """The base values in parts of at most about ``BASE_PART_CHARS`` characters of JSON (one part when small)."""
    if len(json.dumps(values)) <= BASE_INLINE_CHARS:
        return [values]
    parts, part, size = [], {}, 0
    for key, state in values.items():
        n = len(key) + len(json.dumps(state)) + 6
        if part and size + n > BASE_PART_CHARS:
            parts.append(part)
            part, size = {}, 0
        part[key] = state
        size += n
    return parts + [part] if part else parts


def make_package(project: Project, coder_name: str, out: str | Path) -> PackageReport:
    """Write ``out``, a project file holding ``coder_name``'s articles and work."""
    out = Path(out)
    coder_name = coder_name.strip()
    with project.Session() as s:
        coder = s.scalars(select(Coder).where(Coder.name == coder_name)).first()
        if coder is None:
            known = ", ".join(s.scalars(select(Coder.name).where(Coder.kind == "coder").order_by(Coder.name)))
            raise PackageError(f"{project.path}: no coder named {coder_name!r}"
                               + (f" (coders: {known})" if known else " (assign articles first)"))
        if coder.kind != "coder":
            raise PackageError(f"{project.path}: {coder_name!r} holds the reconciled codings, not a coder's work")
        assigned = set(s.scalars(select(Assignment.article_id).where(Assignment.coder_id == coder.id)))
        codings = [dict(m) for m in s.execute(select(Coding.__table__).where(Coding.coder_id == coder.id)).mappings()]
        article_ids = assigned | {c["article_id"] for c in codings}
        if not article_ids:
            raise PackageError(f"{project.path}: {coder_name} has no assigned articles; run 'annotator assign' first")
        articles = sorted(_rows(s, Article, Article.id, article_ids), key=lambda a: (a["position"], a["created_at"]))
        assignments = [dict(m) for m in s.execute(
            select(Assignment.__table__).where(Assignment.coder_id == coder.id)).mappings()]
        coding_ids = [c["id"] for c in codings]
        events = _rows(s, Event, Event.coding_id, coding_ids)
        values = _rows(s, FieldValue, FieldValue.coding_id, coding_ids)
        patterns = [dict(m) for m in s.execute(select(LearnedPattern.__table__)).mappings()]
        cache = _rows(s, SuggestionCache, SuggestionCache.text_hash, [a["content_hash"] for a in articles])
        cb_row = s.scalars(select(CodebookRow).where(CodebookRow.active.is_(True))).first()
        settings = [(m.key, m.value) for m in s.scalars(select(Meta).where(Meta.key.like("setting.%")))]
        coder_cols = _columns(coder)
        s.expunge_all()

    article_of = {c["id"]: c["article_id"] for c in codings}
    base = {
        "codings": {c["article_id"]: coding_state(c["status"], c["flagged"], c["notes"], c["extra"]) for c in codings},
        "events": {e["id"]: event_state(e["position"], e["proposed"], e["deleted"], e["extra"]) for e in events},
        "values": {value_key(article_of[v["coding_id"]], v["event_id"], v["field"]):
                   value_state(v["value"], v["origin"], v["evidence_start"], v["evidence_end"]) for v in values},
    }
    value_parts = _split_base_values(base["values"])
    if len(value_parts) > 1:
        base["values"] = {}
    package_id = new_id()
    info = {"format": PACKAGE_FORMAT, "package_id": package_id, "coder": coder_name, "coder_id": coder_cols["id"],
            "created_at": now(), "source": str(project.path), "source_name": project.name, "base": base}
    if len(value_parts) > 1:
        info["base_value_parts"] = len(value_parts)

    pkg = Project.create(out, codebook=project.codebook, name=f"{project.name} ({coder_name})",
                         project_id=project.project_id)
    try:
        with pkg.session() as s:
            if cb_row is not None:  # the exact codebook text of the project
                row = s.scalars(select(CodebookRow).where(CodebookRow.active.is_(True))).first()
                row.content, row.name, row.version = cb_row.content, cb_row.name, cb_row.version
            s.add(Meta(key=PACKAGE_META_KEY, value=json.dumps(info, ensure_ascii=False)))
            if len(value_parts) > 1:
                s.add_all(Meta(key=BASE_PART_KEY.format(i), value=json.dumps(part, ensure_ascii=False))
                          for i, part in enumerate(value_parts, 1))
            s.add_all(Meta(key=k, value=v) for k, v in settings)  # project settings (the spaCy model)
            s.add(Coder(**coder_cols))
            s.flush()
            in_package = {a["id"] for a in articles}
            links = {a["id"]: a["near_duplicate_of"] for a in articles if a["near_duplicate_of"] in in_package}
            # plain INSERTs in dependency order; near-duplicate links once every article is there
            for table, rows in ((Article, [{**a, "batch_id": None, "near_duplicate_of": None} for a in articles]),
                                (Assignment, assignments), (Coding, codings), (Event, events), (FieldValue, values),
                                (LearnedPattern, patterns), (SuggestionCache, cache)):  # cache: proposals offline
                if rows:
                    s.execute(insert(table.__table__), rows)
            if links:
                s.execute(update(Article.__table__).where(Article.__table__.c.id == bindparam("aid"))
                          .values(near_duplicate_of=bindparam("dup")),
                          [{"aid": a, "dup": d} for a, d in links.items()])
    except Exception as exc:
        pkg.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(out) + suffix).unlink(missing_ok=True)
        raise ProjectError(f"{out}: the package could not be written ({exc})") from None
    pkg.close()
    return PackageReport(out, coder_name, package_id, len(articles), len(codings), len(events), len(values),
                         len(patterns))


def read_base_values(meta: dict[str, str], info: dict) -> dict[str, list]:
    """The base values of a package record, joined from its parts when it has them (trusted files only)."""
    values = dict(info["base"]["values"])
    for i in range(1, int(info.get("base_value_parts") or 0) + 1):
        values.update(json.loads(meta[BASE_PART_KEY.format(i)]))
    return values


def work_package_of(project: Project) -> dict | None:
    """For an open project: its ``work_package`` record without the base state (None for a main project).

    The app can use it to say "work package for ana, made on ... from study.annotator".
    """
    raw = project.meta(PACKAGE_META_KEY)
    if not raw:
        return None
    try:
        info = json.loads(raw)
    except ValueError:
        return None
    return {k: v for k, v in info.items() if k != "base"} if isinstance(info, dict) else None


def package_info(path: str | Path) -> dict | None:
    """The full ``work_package`` record of a project file (None for a main project)."""
    with Project.open(path, migrate=False) as p:
        raw = p.meta(PACKAGE_META_KEY)
        if not raw:
            return None
        info = json.loads(raw)
        parts = int(info.get("base_value_parts") or 0)
        meta = {BASE_PART_KEY.format(i): p.meta(BASE_PART_KEY.format(i)) for i in range(1, parts + 1)}
    if parts:
        info["base"]["values"] = read_base_values(meta, info)
        del info["base_value_parts"]
    return info

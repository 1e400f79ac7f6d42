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

from sqlalchemy import select

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
        codings = list(s.scalars(select(Coding).where(Coding.coder_id == coder.id)))
        article_ids = assigned | {c.article_id for c in codings}
        if not article_ids:
            raise PackageError(f"{project.path}: {coder_name} has no assigned articles; run 'annotator assign' first")
        articles = list(s.scalars(select(Article).where(Article.id.in_(article_ids)).order_by(Article.position)))
        assignments = list(s.scalars(select(Assignment).where(Assignment.coder_id == coder.id)))
        coding_ids = [c.id for c in codings]
        events = list(s.scalars(select(Event).where(Event.coding_id.in_(coding_ids)))) if coding_ids else []
        values = list(s.scalars(select(FieldValue).where(FieldValue.coding_id.in_(coding_ids)))) if coding_ids else []
        patterns = list(s.scalars(select(LearnedPattern)))
        hashes = [a.content_hash for a in articles]
        cache = [x for i in range(0, len(hashes), 500) for x in s.scalars(
            select(SuggestionCache).where(SuggestionCache.text_hash.in_(hashes[i:i + 500])))]
        cb_row = s.scalars(select(CodebookRow).where(CodebookRow.active.is_(True))).first()
        settings = [(m.key, m.value) for m in s.scalars(select(Meta).where(Meta.key.like("setting.%")))]
        coder_cols = _columns(coder)
        s.expunge_all()

    article_of = {c.id: c.article_id for c in codings}
    base = {
        "codings": {c.article_id: coding_state(c.status, c.flagged, c.notes, c.extra) for c in codings},
        "events": {e.id: event_state(e.position, e.proposed, e.deleted, e.extra) for e in events},
        "values": {value_key(article_of[v.coding_id], v.event_id, v.field):
                   value_state(v.value, v.origin, v.evidence_start, v.evidence_end) for v in values},
    }
    package_id = new_id()
    info = {"format": PACKAGE_FORMAT, "package_id": package_id, "coder": coder_name, "coder_id": coder_cols["id"],
            "created_at": now(), "source": str(project.path), "source_name": project.name, "base": base}

    pkg = Project.create(out, codebook=project.codebook, name=f"{project.name} ({coder_name})",
                         project_id=project.project_id)
    try:
        with pkg.session() as s:
            if cb_row is not None:  # the exact codebook text of the project
                row = s.scalars(select(CodebookRow).where(CodebookRow.active.is_(True))).first()
                row.content, row.name, row.version = cb_row.content, cb_row.name, cb_row.version
            s.add(Meta(key=PACKAGE_META_KEY, value=json.dumps(info, ensure_ascii=False)))
            s.add_all(Meta(key=k, value=v) for k, v in settings)  # project settings (the spaCy model)
            s.add(Coder(**coder_cols))
            in_package = {a.id for a in articles}
            for a in articles:
                cols = _columns(a)
                cols["batch_id"] = None
                if cols.get("near_duplicate_of") not in in_package:
                    cols["near_duplicate_of"] = None
                s.add(Article(**cols))
            s.flush()
            s.add_all(Assignment(**_columns(x)) for x in assignments)
            s.add_all(Coding(**_columns(c)) for c in codings)
            s.flush()
            s.add_all(Event(**_columns(e)) for e in events)
            s.flush()
            s.add_all(FieldValue(**_columns(v)) for v in values)
            s.add_all(LearnedPattern(**_columns(p)) for p in patterns)
            s.add_all(SuggestionCache(**_columns(x)) for x in cache)  # the engine's proposals, ready offline
    except Exception as exc:
        pkg.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(out) + suffix).unlink(missing_ok=True)
        raise ProjectError(f"{out}: the package could not be written ({exc})") from None
    pkg.close()
    return PackageReport(out, coder_name, package_id, len(articles), len(codings), len(events), len(values),
                         len(patterns))


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
    return json.loads(raw) if raw else None

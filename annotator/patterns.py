"""Learned patterns: words coders coded, suggested again in the following articles.

A coder who codes "Pyu Saw Htee" as a militia actor teaches the project a
pattern (field ``actor``, words "Pyu Saw Htee", value "militia"); the
suggestion engine is built with every *active* pattern. This module lets a
supervisor review them (list), switch one off or on again (the coders' apps
stop or start suggesting it; nothing is deleted, so the decision sticks when
the same words are coded again), and move them between projects as JSON
(export / import). Every change is written to the audit log.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import select

from annotator.db.models import Article, AuditEntry, LearnedPattern, now
from annotator.db.project import Project

FORMAT = "annotator-patterns/1"
MAX_WORDS = 80          # the longest pattern coding.py learns
MAX_FILE_BYTES = 20 * 1024 * 1024


class PatternError(Exception):
    """A user-facing problem with patterns or a patterns file (one sentence naming the file)."""


@dataclass
class Pattern:
    id: str
    field: str
    text: str
    value: str
    extra: dict | None
    coder: str | None
    article_id: str | None
    article: str | None     # the article's title or file name, for the reviewer
    active: bool
    created_at: str

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("article", None)
        return d


def list_patterns(project: Project, field: str | None = None, active: bool | None = None) -> list[Pattern]:
    """Every learned pattern, oldest first (``field``/``active`` filter)."""
    with project.Session() as s:
        q = select(LearnedPattern).order_by(LearnedPattern.created_at, LearnedPattern.field, LearnedPattern.text)
        if field:
            q = q.where(LearnedPattern.field == field)
        if active is not None:
            q = q.where(LearnedPattern.active.is_(active))
        rows = list(s.scalars(q))
        ids = {r.article_id for r in rows if r.article_id}
        names = {}
        if ids:
            for a in s.execute(select(Article.id, Article.title, Article.file_name).where(Article.id.in_(ids))):
                names[a.id] = a.title or a.file_name
        return [Pattern(r.id, r.field, r.text, r.value, r.extra, r.coder, r.article_id, names.get(r.article_id),
                        bool(r.active), r.created_at) for r in rows]


def find(project: Project, refs: Iterable[str], field: str | None = None) -> list[str]:
    """Pattern ids for ``refs``: each an id (or its first 8+ characters) or the pattern's words (any case)."""
    pats = list_patterns(project, field)
    out: list[str] = []
    for ref in refs:
        ref = ref.strip()
        hits = [p.id for p in pats if p.id == ref or (len(ref) >= 8 and p.id.startswith(ref))]
        if not hits:
            hits = [p.id for p in pats if p.text.casefold() == ref.casefold()]
        if not hits:
            where = f" in field {field!r}" if field else ""
            raise PatternError(f"{project.path}: no learned pattern {ref!r}{where}")
        out += [h for h in hits if h not in out]
    return out


def set_active(project: Project, ids: Iterable[str], active: bool, by: str | None = None) -> int:
    """Switch patterns on or off; returns how many changed. Audited as ``pattern_on``/``pattern_off``."""
    changed = 0
    with project.session() as s:
        for pid in ids:
            row = s.get(LearnedPattern, pid)
            if row is None:
                raise PatternError(f"{project.path}: no learned pattern with id {pid}")
            if bool(row.active) == active:
                continue
            row.active = active
            changed += 1
            s.add(AuditEntry(coder=by, action="pattern_on" if active else "pattern_off", entity="learned_patterns",
                             entity_id=row.id, article_id=row.article_id, field=row.field,
                             old={"active": not active}, new={"active": active, "text": row.text}))
    return changed


def export_patterns(project: Project, out: str | Path, field: str | None = None) -> int:
    """Write the patterns (active and inactive) to ``out`` as JSON; returns how many."""
    pats = list_patterns(project, field)
    doc = {"format": FORMAT, "project": project.name, "project_id": project.project_id, "exported_at": now(),
           "patterns": [p.to_json() for p in pats]}
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PatternError(f"{out}: could not be written ({exc.strerror or exc})") from None
    return len(pats)


@dataclass
class ImportReport:
    added: int = 0
    already: int = 0        # the same field and words are already in the project (kept as they are)
    refused: list[str] | None = None


def read_patterns_file(path: str | Path, fields: Iterable[str]) -> tuple[list[dict], list[str]]:
    """Parse and check a patterns file (untrusted input). Returns (good entries, reasons for refused ones)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PatternError(f"{path}: too large for a patterns file ({path.stat().st_size:,} bytes)")
        raw = path.read_bytes()
    except OSError as exc:
        raise PatternError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PatternError(f"{path}: not a patterns file (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise PatternError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if isinstance(doc, dict) and "patterns" in doc:
        if doc.get("format", FORMAT) != FORMAT:
            raise PatternError(f"{path}: unknown patterns format {doc.get('format')!r} (expected {FORMAT})")
        items = doc["patterns"]
    else:
        items = doc
    if not isinstance(items, list):
        raise PatternError(f"{path}: 'patterns' must be a list of {{field, text, value}} objects")
    fields = set(fields)
    good, refused = [], []
    for i, it in enumerate(items):
        where = f"patterns[{i}]"
        if not isinstance(it, dict):
            refused.append(f"{where}: not an object")
            continue
        field, text, value = it.get("field"), it.get("text"), it.get("value", it.get("text"))
        if field not in fields:
            refused.append(f"{where}.field: {field!r} is not an event field of this codebook")
            continue
        if not isinstance(text, str) or not text.strip() or len(text.strip()) > MAX_WORDS:
            refused.append(f"{where}.text: must be 1 to {MAX_WORDS} characters of text")
            continue
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            refused.append(f"{where}.value: must be text")
            continue
        extra = it.get("extra")
        if extra is not None and not (isinstance(extra, dict) and all(
                isinstance(k, str) and isinstance(v, (str, int, float, type(None))) for k, v in extra.items())):
            refused.append(f"{where}.extra: must be an object of simple values")
            continue
        good.append({"field": field, "text": text.strip(), "value": value.strip(), "extra": extra,
                     "coder": it.get("coder") if isinstance(it.get("coder"), str) else None,
                     "active": it.get("active", True) is not False})
    return good, refused


def import_patterns(project: Project, path: str | Path, by: str | None = None) -> ImportReport:
    """Add the patterns of a patterns file; existing (field, words) pairs are left as they are."""
    fields = [f.name for f in project.codebook.event_fields]
    good, refused = read_patterns_file(path, fields)
    rep = ImportReport(refused=refused)
    with project.session() as s:
        have = set(s.execute(select(LearnedPattern.field, LearnedPattern.text)).all())
        for it in good:
            if (it["field"], it["text"]) in have:
                rep.already += 1
                continue
            have.add((it["field"], it["text"]))
            row = LearnedPattern(field=it["field"], text=it["text"], value=it["value"], extra=it["extra"],
                                 coder=it["coder"], active=it["active"])
            s.add(row)
            s.flush()
            s.add(AuditEntry(coder=by, action="pattern_import", entity="learned_patterns", entity_id=row.id,
                             field=row.field, new={"text": row.text, "value": row.value, "file": Path(path).name}))
            rep.added += 1
    return rep


def signature(project: Project) -> tuple:
    """What the engine is built from (active patterns): changes when a pattern is learned, switched or imported."""
    with project.Session() as s:
        return tuple(s.execute(select(LearnedPattern.id, LearnedPattern.value).where(
            LearnedPattern.active.is_(True)).order_by(LearnedPattern.id)).all())

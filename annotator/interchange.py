"""The codings interchange format (GOLD_FORMAT.md): read and write.

A file is a JSON list of articles ``{"file", "relevant", "near_duplicate_of",
"events": [...]}``. Articles are matched by file name or by article id. Keys
the codebook does not know are kept (on the coding for article keys, on the
event for event keys) and written back, so a file read and written again gives
the same codings.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from annotator import values as V
from annotator.coding import CodingStore
from annotator.db.models import Article, Coder, Coding, Event, FieldValue
from annotator.db.project import Project

ARTICLE_KEYS = ("file", "events")


class InterchangeError(ValueError):
    """A codings file that cannot be used; the message names the file and the problem."""


def _known_keys(fields) -> set[str]:
    keys: set[str] = set()
    for f in fields:
        keys.update((f.interchange or {V.MAIN_PART[f.type]: f.name}).values())
    return keys


def load_codings_file(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InterchangeError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InterchangeError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InterchangeError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, list):
        raise InterchangeError(f"{path}: expected a JSON list of articles, found {type(data).__name__}")
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "file" not in item:
            raise InterchangeError(f"{path}: [{i}]: an article needs a \"file\" key")
        if not isinstance(item.get("events", []), list):
            raise InterchangeError(f"{path}: [{i}].events: expected a list")
        for j, ev in enumerate(item.get("events", [])):
            if not isinstance(ev, dict):
                raise InterchangeError(f"{path}: [{i}].events[{j}]: expected an object")
    return data


def _evidence_span(text: str, sentences: list[str]) -> tuple[int, int] | None:
    spans = []
    for sent in sentences or []:
        if not isinstance(sent, str) or not sent:
            continue
        i = text.find(sent)
        if i < 0:
            i = text.find(sent.strip().rstrip(".…").strip())
            if i < 0:
                continue
            spans.append((i, i + len(sent.strip().rstrip(".…").strip())))
        else:
            spans.append((i, i + len(sent)))
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


def _find_spans(text: str, sentences: list[str]) -> list[list[int]]:
    out = []
    for sent in sentences or []:
        if isinstance(sent, str) and sent:
            i = text.find(sent)
            if i >= 0:
                out.append([i, i + len(sent)])
    return out


def import_codings(project: Project, path: str | Path, coder: str, origin: str = "imported") -> dict[str, Any]:
    """Import a codings file as ``coder``'s codings (replacing that coder's codings of those articles)."""
    data = load_codings_file(path)
    cb = project.codebook
    article_fields = cb.article_fields
    event_fields = cb.event_fields
    known_article = _known_keys(article_fields) | set(ARTICLE_KEYS)
    known_event = _known_keys(event_fields)
    with project.Session() as s:
        by_name = {}
        for aid, name in s.execute(select(Article.id, Article.file_name)):
            by_name[aid] = aid
            if name:
                by_name.setdefault(name, aid)
                by_name.setdefault(Path(name).stem, aid)
    store = CodingStore(project, coder)
    summary = {"file": str(path), "coder": coder, "articles": 0, "events": 0, "unmatched": []}
    for item in data:
        key = str(item["file"])
        aid = by_name.get(key) or by_name.get(Path(key).name) or by_name.get(Path(key).stem)
        if aid is None:
            summary["unmatched"].append(key)
            continue
        with project.session() as s:
            article = s.get(Article, aid)
            text = article.text
            coding = s.scalars(select(Coding).where(Coding.article_id == aid, Coding.coder_id == store.coder_id)).first()
            if coding is not None:
                s.delete(coding)  # re-import replaces this coder's coding of the article
        store.ensure_coding(aid)
        for f in article_fields:
            value = V.from_interchange(f, item)
            if value is not None:
                store.set_value(aid, None, f.name, value, origin, learn=False)
        extra = {k: v for k, v in item.items() if k not in known_article}
        extra["_nulls"] = {k: v for k, v in item.items() if k in known_article and v in (None, [], "")}
        for ev in item.get("events") or []:
            vals = {}
            for f in event_fields:
                value = V.from_interchange(f, ev)
                if value is None:
                    continue
                span = None
                if f.type == "evidence":
                    value["spans"] = _find_spans(text, value.get("sentences") or [])
                    span = _evidence_span(text, value.get("sentences") or [])
                vals[f.name] = (value, origin, span)
            ev_span = vals.get("evidence", (None, None, None))[2]
            vals = {k: (v, o, sp if sp else ev_span) for k, (v, o, sp) in vals.items()}
            eid = store.add_event(aid, vals)
            ev_extra = {k: v for k, v in ev.items() if k not in known_event}
            ev_extra["_keys"] = list(ev.keys())
            ev_extra["_nulls"] = {k: v for k, v in ev.items() if k in known_event and v in (None, [], "")}
            with project.session() as s:
                s.get(Event, eid).extra = ev_extra
            summary["events"] += 1
        status = "done" if item.get("relevant") is not False else "not_relevant"
        store.set_status(aid, status)
        with project.session() as s:
            c = s.scalars(select(Coding).where(Coding.article_id == aid, Coding.coder_id == store.coder_id)).first()
            c.extra = {**extra, "_keys": list(item.keys())}
        summary["articles"] += 1
    return summary


def _ordered(d: dict[str, Any], keys: list[str] | None) -> dict[str, Any]:
    if not keys:
        return d
    out = {k: d[k] for k in keys if k in d}
    out.update({k: v for k, v in d.items() if k not in out})
    return out


# deleted events and proposed events the coder has not accepted are not codings: no export format has them
LIVE_EVENTS = (Event.deleted.is_(False), Event.proposed.is_(False))


def untouched(coding: Coding, live_events: list, article_values) -> bool:
    """An unfinished coding (new, in progress) with no accepted event and nothing but untouched engine
    suggestions in it: the article was opened (and pre-filled), not coded."""
    return (coding.status in ("new", "in_progress") and not live_events and not coding.notes and not coding.extra
            and all(fv.origin == "suggested" for fv in article_values))


def export_codings(project: Project, coder: str | None = None, reconciled: bool = False,
                   article_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Codings in the interchange format: one coder's, the reconciled ones, or (default) every coder's
    (then each article carries a ``coder`` key).

    As in the other export formats, deleted events and events the engine
    proposed that the coder has not accepted are left out; so is a coding that
    holds nothing but such proposals and is not finished (the article was
    opened, not coded).
    """
    cb = project.codebook
    with project.Session() as s:
        q = select(Coding, Coder.name, Article).join(Coder, Coder.id == Coding.coder_id).join(
            Article, Article.id == Coding.article_id).order_by(Article.position, Coder.name)
        if reconciled:
            q = q.where(Coder.kind == "reconciled")
        elif coder:
            q = q.where(Coder.name == coder)
        else:
            q = q.where(Coder.kind == "coder")
        if article_ids is not None:
            q = q.where(Article.id.in_(article_ids))
        rows = s.execute(q).all()
        names = dict(s.execute(select(Article.id, Article.file_name)).all())
        out = []
        for coding, coder_name, article in rows:
            fvs = s.scalars(select(FieldValue).where(FieldValue.coding_id == coding.id)).all()
            by_event: dict[str | None, dict[str, FieldValue]] = {}
            for fv in fvs:
                by_event.setdefault(fv.event_id, {})[fv.field] = fv
            live = s.scalars(select(Event).where(Event.coding_id == coding.id, *LIVE_EVENTS)
                             .order_by(Event.position)).all()
            if untouched(coding, live, by_event.get(None, {}).values()):
                continue  # opened (and pre-filled by the engine) but not coded: not a coding
            extra = dict(coding.extra or {})
            keys = extra.pop("_keys", None)
            nulls = extra.pop("_nulls", {})
            item: dict[str, Any] = {"file": article.file_name or article.id, **nulls}
            if not coder and not reconciled:
                item["coder"] = coder_name
            for f in cb.article_fields:
                fv = by_event.get(None, {}).get(f.name)
                item.update(V.to_interchange(f, fv.value if fv else None, full=keys is None))
            if keys is None:
                if item.get("relevant") is None:
                    item["relevant"] = coding.status != "not_relevant" if coding.status in ("done", "not_relevant") else None
                if "near_duplicate_of" in item and item["near_duplicate_of"] is None and article.near_duplicate_of:
                    item["near_duplicate_of"] = names.get(article.near_duplicate_of) or article.near_duplicate_of
            item.update(extra)
            events = []
            for ev in live:
                ev_extra = dict(ev.extra or {})
                ev_keys = ev_extra.pop("_keys", None)
                e: dict[str, Any] = dict(ev_extra.pop("_nulls", {}))
                for f in cb.event_fields:
                    fv = by_event.get(ev.id, {}).get(f.name)
                    e.update(V.to_interchange(f, fv.value if fv else None, full=ev_keys is None))
                e.update(ev_extra)
                events.append(_ordered(e, ev_keys))
            item["events"] = events
            out.append(_ordered(item, keys))
        return out

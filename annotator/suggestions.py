"""The project's suggestion cache and pre-filling a coding from suggestions (no Qt).

The engine (``annotator.suggest.engine.SuggestionEngine``) returns one dict per
article in the SUGGEST_JSON format.  Results are cached per (article content
hash, engine version) in ``SuggestionCache`` so that opening an article is
instant; ``compute_missing`` fills the cache for a whole project in batches and
is meant to run in a worker thread (it opens its own sessions).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from sqlalchemy import select

from annotator import values as V
from annotator.codebook import Codebook, Field
from annotator.db.models import Article, SuggestionCache
from annotator.db.project import Project

ProgressCallback = Callable[[int, int], bool | None]  # (done, total) -> False to cancel


def engine_version(engine: Any) -> str:
    return str(getattr(engine, "version", None) or type(engine).__name__)


def cached(project: Project, article: Article | str, version: str) -> dict[str, Any] | None:
    """The cached result for ``article`` (an Article or its content hash) and engine ``version``."""
    text_hash = article if isinstance(article, str) else article.content_hash
    with project.Session() as s:
        row = s.get(SuggestionCache, (text_hash, version))
        return dict(row.result) if row is not None else None


def store_result(project: Project, article_id: str, version: str, result: dict[str, Any]) -> None:
    with project.session() as s:
        article = s.get(Article, article_id)
        if article is None:
            return
        _store(s, article, version, result)


def _store(s, article: Article, version: str, result: dict[str, Any]) -> None:
    row = s.get(SuggestionCache, (article.content_hash, version))
    if row is None:
        s.add(SuggestionCache(text_hash=article.content_hash, engine_version=version, result=result))
    else:
        row.result = result
    rel = result.get("relevant")
    if isinstance(rel, (int, float)):
        article.relevance = float(rel)


def missing(project: Project, version: str, first: Iterable[str] = ()) -> list[str]:
    """Ids of articles without a cached result for ``version`` (``first`` ids first, then import order)."""
    with project.Session() as s:
        have = set(s.scalars(select(SuggestionCache.text_hash).where(SuggestionCache.engine_version == version)))
        rows = s.execute(select(Article.id, Article.content_hash).order_by(Article.position, Article.created_at)).all()
    ids = [aid for aid, h in rows if h not in have]
    front = [a for a in first if a in set(ids)]
    return front + [a for a in ids if a not in set(front)]


def _suggest_batch(engine: Any, items: list[tuple[str, str | None]], batch_size: int) -> list[dict[str, Any]]:
    """Results for a batch; an article the engine fails on gets an empty result with the error."""
    many = getattr(engine, "suggest_many", None)
    if many is not None:
        try:
            return list(many(items, batch_size=batch_size))
        except Exception:  # noqa: BLE001 - one bad article must not stop the batch: go one by one
            pass
    out = []
    for text, published in items:
        try:
            out.append(engine.suggest(text, published))
        except Exception as exc:  # noqa: BLE001
            out.append({"relevant": None, "fields": {}, "events": [], "error": f"{type(exc).__name__}: {exc}"})
    return out


def compute_missing(project: Project, engine: Any, progress_cb: ProgressCallback | None = None,
                    batch_size: int = 8, first: Iterable[str] = ()) -> int:
    """Compute and cache suggestions for every article that has none for this engine version.

    ``progress_cb(done, total)`` is called after each batch; returning False stops
    between batches.  Returns the number of articles computed.
    """
    version = engine_version(engine)
    ids = missing(project, version, first)
    total, done = len(ids), 0
    if progress_cb is not None:
        progress_cb(0, total)
    for i in range(0, total, batch_size):
        chunk = ids[i:i + batch_size]
        with project.Session() as s:
            arts = [s.get(Article, a) for a in chunk]
            items = [(a.text, a.published) for a in arts if a is not None]
            chunk = [a.id for a in arts if a is not None]
        results = _suggest_batch(engine, items, batch_size)
        with project.session() as s:
            for aid, result in zip(chunk, results):
                art = s.get(Article, aid)
                if art is not None:
                    _store(s, art, version, result)
        done += len(chunk)
        if progress_cb is not None and progress_cb(done, total) is False:
            break
    return done


# ---------------------------------------------------------------- candidates -> values
def candidate_value(field: Field, cand: dict[str, Any]) -> dict[str, Any]:
    """The field value a ranked candidate (one item of ``fields.<name>``) stands for."""
    value = cand.get("value")
    text = cand.get("text") or (value if isinstance(value, str) else None)
    t = field.type
    if t == "category":
        return V.normalise(field, {"text": text, "key": field.resolve(value) or value})
    if t == "multi":
        keys = value if isinstance(value, list) else ([value] if value else [])
        return {"text": text, "keys": keys}
    if t == "count":
        out = {"text": text, "min": cand.get("min"), "max": cand.get("max")}
        for flag in ("approx", "includes_family"):
            if cand.get(flag):
                out[flag] = True
        return out
    if t == "place":
        out = {"name": value}
        for k in ("admin1", "lat", "lon"):
            if cand.get(k) is not None:
                out[k] = cand[k]
        return out
    if t == "date":
        return {"value": value, "text": cand.get("text")}
    if t == "boolean":
        return {"value": bool(value)}
    return {"value": value}


def candidate_span(cand: dict[str, Any]) -> tuple[int, int] | None:
    s, e = cand.get("start"), cand.get("end")
    return (int(s), int(e)) if isinstance(s, int) and isinstance(e, int) and e > s else None


def candidates(result: dict[str, Any] | None, field: Field) -> list[tuple[dict[str, Any], tuple[int, int] | None]]:
    """Ranked (value, evidence span) alternatives for ``field``, duplicates removed."""
    out: list[tuple[dict[str, Any], tuple[int, int] | None]] = []
    seen: set = set()
    for cand in ((result or {}).get("fields") or {}).get(field.name) or []:
        try:
            value = candidate_value(field, cand)
        except Exception:  # noqa: BLE001 - a malformed candidate is skipped, not fatal
            continue
        key = V.display(field, value)
        if not key or key in seen:
            continue
        seen.add(key)
        out.append((value, candidate_span(cand)))
    return out


def _find_cand(result: dict[str, Any], name: str, pred) -> dict[str, Any] | None:
    for cand in (result.get("fields") or {}).get(name) or []:
        if pred(cand):
            return cand
    return None


def proposal_values(codebook: Codebook, result: dict[str, Any], event: dict[str, Any],
                    text: str | None = None) -> dict[str, tuple[dict, str, tuple[int, int] | None]]:
    """Field values (value, "suggested", evidence) for one proposed event of ``result``."""
    out: dict[str, tuple[dict, str, tuple[int, int] | None]] = {}
    spans = [tuple(s) for s in event.get("evidence") or [] if isinstance(s, (list, tuple)) and len(s) == 2]
    for f in codebook.event_fields:
        if f.type == "evidence" or f.name not in event or event[f.name] in (None, "", []):
            if f.type == "evidence" and spans:
                sentences = [text[a:b] for a, b in spans] if text else []
                out[f.name] = ({"sentences": sentences, "spans": [list(s) for s in spans]}, "suggested",
                               (spans[0][0], spans[-1][1]))
            continue
        raw = event[f.name]
        if f.type == "count" and isinstance(raw, dict):
            value = {k: raw.get(k) for k in ("text", "min", "max", "approx", "includes_family") if raw.get(k) is not None}
            cand = _find_cand(result, f.name, lambda c: c.get("value") == raw.get("text"))
        elif f.type == "multi":
            keys = raw if isinstance(raw, list) else [raw]
            cand = _find_cand(result, f.name, lambda c: c.get("value") in keys)
            value = {"keys": list(keys)}
            if cand and cand.get("text") and all((c.get("text") == cand.get("text")) for c in
                                                 (result.get("fields") or {}).get(f.name) or [] if c.get("value") in keys):
                value["text"] = cand["text"]
        elif isinstance(raw, dict):
            value, cand = dict(raw), None
        else:
            cand = _find_cand(result, f.name, lambda c: c.get("value") == raw)
            value = candidate_value(f, cand) if cand else candidate_value(f, {"value": raw})
        if V.is_empty(f, value):
            continue
        out[f.name] = (value, "suggested", candidate_span(cand) if cand else None)
    return out


def _only_suggestions(state) -> bool:
    """True when a coding holds nothing but untouched engine suggestions."""
    return (state.status == "new"
            and all(v.origin == "suggested" for v in state.values.values())
            and all(e.proposed and all(v.origin == "suggested" for v in e.values.values()) for e in state.events))


def _comparable_events(codebook: Codebook, events: list[dict]) -> list[dict]:
    out = []
    for ev in events:
        out.append({n: (V.normalise(codebook.field(n), val), tuple(evid) if evid else None)
                    for n, (val, _o, evid) in ev.items()})
    return out


def prefill(store, article_id: str, result: dict[str, Any], text: str | None = None,
            article_values: dict[str, dict[str, Any]] | None = None) -> bool:
    """Pre-fill a coding with the engine's proposed events; True if anything was written.

    Only a coding that does not exist yet, or that holds nothing but untouched
    suggestions (status ``new``), is (re-)filled, so nothing a coder typed,
    accepted or dismissed is ever overwritten.  An untouched coding pre-filled
    by an older engine version is replaced by the new proposal.  The coding
    stays ``new``.
    """
    state = store.load(article_id)
    if state is not None and not _only_suggestions(state):
        return False
    codebook = store.project.codebook
    events = [v for v in (proposal_values(codebook, result, ev, text) for ev in result.get("events") or []) if v]
    relevant = None
    if codebook.has_field("relevant") and isinstance(result.get("relevant"), (int, float)):
        rel = codebook.field("relevant")
        if rel.scope == "article" and rel.type == "boolean":
            relevant = {"value": result["relevant"] >= 0.5}
    art_values = {n: v for n, v in (article_values or {}).items() if codebook.has_field(n) and v}
    if relevant is not None:
        art_values["relevant"] = relevant
    if state is not None:
        have = [{n: (v.value, v.origin, v.evidence) for n, v in e.values.items()} for e in state.events]
        have_art = {n: v.value for n, v in state.values.items()}
        if _comparable_events(codebook, have) == _comparable_events(codebook, events) and have_art == art_values:
            return False
        for e in state.events:
            store.delete_event(article_id, e.id)
        for name in state.values:
            store.set_value(article_id, None, name, None, "suggested", learn=False)
    added = False
    for vals in events:
        store.add_event(article_id, vals, proposed=True)
        added = True
    for name, value in art_values.items():
        store.set_value(article_id, None, name, value, "suggested", learn=False)
        added = True
    if added or state is not None:
        store.set_status(article_id, "new")
    return added or state is not None

"""Proposing pre-filled events from the field mentions of one article.

One event per group of trigger sentences that report one group of people
leaving in one place at one time: a sentence that names a different unit,
count or place from the event before starts a new event; a following
sentence that only adds detail ("The soldiers, from LIB 402 and 403, ...")
joins the event before it. One count for two battalions stays one event with
two units, as the coding rules say.
"""
from __future__ import annotations

import re

MAX_EVENTS = 8
MAX_ANCHORS = 60  # trigger sentences looked at; long pages repeat themselves
_ANAPHORA = re.compile(r"(?i)^[\"“]?(?:the|these|those|they|all|both|some|most|among|of)\b")


def propose_events(ctx, mentions, fields) -> list[dict]:
    by_sent: dict[int, list] = {}
    for m in mentions:
        by_sent.setdefault(ctx.sent_of(m.start), []).append(m)
    anchors = [si for si in sorted(ctx.sent_trig) if ctx.sents[si].weight >= 0.5 and ctx.sents[si].weight != 0.8][:MAX_ANCHORS]
    if not anchors:
        anchors = sorted(ctx.sent_trig)[:1]
    groups: list[dict] = []
    for si in anchors:
        info = _info(by_sent.get(si, []))
        sent_text = ctx.text[ctx.sents[si].start:ctx.sents[si].end]
        if groups:
            g = groups[-1]
            close = si - g["last"] <= 2
            detail_only = close and (_ANAPHORA.match(sent_text) or not _conflicts(g["info"], info))
            if detail_only and not _conflicts(g["info"], info):
                _merge(g["info"], info)
                g["sents"].append(si)
                g["last"] = si
                continue
        groups.append({"sents": [si], "last": si, "info": info})
    top = {f: (fields.get(f) or [None])[0] for f in ("actor", "location")}
    events = []
    for g in groups:
        ev = _event(ctx, g, top)
        if ev is None:
            continue
        if events and not (ev["count"] or ev["unit"] or ev["receiving_side"] or ev["rank"]):
            continue  # only an actor and perhaps a place: a mention, not a report of its own
        dup = next((e for e in events if _same(e, ev)), None)
        if dup:
            dup["evidence"] += [x for x in ev["evidence"] if x not in dup["evidence"]]
            continue
        events.append(ev)
        if len(events) >= MAX_EVENTS:
            break
    return events


def _info(ms) -> dict:
    info = {f: [] for f in ("actor", "receiving_side", "unit", "count", "rank", "location", "date")}
    for m in sorted(ms, key=lambda m: -m.score):
        info[m.field].append(m)
    return info


def _conflicts(a: dict, b: dict) -> bool:
    ua = {m.value for m in a["unit"] if not m.extra.get("formation")}
    ub = {m.value for m in b["unit"] if not m.extra.get("formation")}
    if ua and ub and not ua & ub:
        return True
    ca = {(m.extra["min"], m.extra["max"]) for m in a["count"] if m.score >= 0.45}
    cb = {(m.extra["min"], m.extra["max"]) for m in b["count"] if m.score >= 0.45}
    if ca and cb and not ca & cb:
        return True
    la = {m.value for m in a["location"] if m.score >= 0.5}
    lb = {m.value for m in b["location"] if m.score >= 0.5}
    if la and lb and not la & lb and not _nested(a["location"], b["location"]):
        return True
    return False


def _nested(la, lb) -> bool:
    admins_a = {m.extra.get("admin1") for m in la} | {m.value for m in la}
    admins_b = {m.extra.get("admin1") for m in lb} | {m.value for m in lb}
    return bool(admins_a & {m.value for m in lb}) or bool(admins_b & {m.value for m in la})


def _merge(a: dict, b: dict) -> None:
    for f, ms in b.items():
        if ms:
            a[f] = sorted(a[f] + ms, key=lambda m: -m.score)[:12]


def _event(ctx, g, top) -> dict | None:
    info = g["info"]
    linked = [m for m in info["receiving_side"] if m.score >= 0.6]
    sides = [m for m in linked if not m.extra.get("generic")] or linked
    side_values = {m.value for m in sides[:1]}
    first_trigger = min((t[0] for si in g["sents"] for t in ctx.sent_trig.get(si, ())), default=0)
    counts_at = [(m.start, m.end) for m in info["count"][:1]]
    actors = [m for m in info["actor"] if m.value not in side_values]
    # the force named with the people ("Thirteen police officers") or before the trigger beats one named after it
    actors.sort(key=lambda m: (not any(s <= m.start < e for s, e in counts_at),
                               not any(s - 5 <= m.start <= e + 5 for s, e in counts_at), m.start > first_trigger, -m.score))
    actor = actors[0].value if actors else (top["actor"]["value"] if top["actor"] else None)
    if actor is None:
        return None
    units = [m for m in info["unit"] if not m.extra.get("formation")] or info["unit"]
    unit_keys: list[str] = []
    for m in sorted(units, key=lambda m: m.start):
        if m.value not in unit_keys:
            unit_keys.append(m.value)
    count = None
    whole = [m for m in info["count"] if not m.extra.get("part")]
    if whole:
        c = whole[0]
        count = {"text": c.extra["text"], "min": c.extra["min"], "max": c.extra["max"]}
        for flag in ("approx", "includes_family"):
            if c.extra.get(flag):
                count[flag] = True
    ranks: list[str] = []
    for m in sorted(info["rank"], key=lambda m: m.start):
        if m.value not in ranks:
            ranks.append(m.value)
    locs = [m for m in info["location"] if m.score >= 0.45]
    location = None
    background = any(ctx.is_background(ctx.sents[si].start) for si in g["sents"])
    if locs:
        location = locs[0].value
    elif top["location"] and top["location"]["score"] >= 0.6 and not background:
        location = top["location"]["value"]
    dates = [m for m in info["date"] if m.score >= 0.45]
    date = dates[0].value if dates else None
    evidence = [[ctx.sents[si].start, ctx.sents[si].end] for si in g["sents"]]
    return {"actor": actor, "receiving_side": sides[0].value if sides else None, "unit": unit_keys, "count": count,
            "rank": ranks, "location": location, "date": date, "evidence": evidence}


def _same(a: dict, b: dict) -> bool:
    keys = ("actor", "receiving_side", "unit", "count", "location")
    return all(a[k] == b[k] for k in keys)

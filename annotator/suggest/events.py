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
_ANAPHORA = re.compile(r"(?i)^[\"“]?(?:the|these|those|they|all|both|some|most|among|of|he|she|his|her|their|it)\b")
_SEPARATE = re.compile(r"(?i)[\"“]?(?:separately|in\s+a\s+separate|elsewhere|meanwhile|in\s+another|also\s+on|on\s+the\s+same\s+day|"
                       r"in\s+(?:a|an)\s+(?:earlier|later|similar)|last\s+(?:month|year|week)|earlier|previously|in\s+(?:January|February|"
                       r"March|April|May|June|July|August|September|October|November|December))\b")
_DETAIL = re.compile(r"(?i)^[\"“]?(?:the\s+(?:group|men|soldiers|troops|defectors|officers|policemen|police\s+officers|fighters|deserters)\b|"
                     r"they\b|among\s+(?:them|those)|those\s+who)|\b(?:included|including|among\s+them\s+(?:were|was)|led\s+by)\b")
_MODES = [  # (mode, cue in the event's trigger words); the first that matches wins: the plain verbs, then the other cues
    ("side-switch", re.compile(r"(?i)switch\w*\s+(?:sides|allegiance)|changed\s+sides|swapped\s+sides|side-switch|turn\w*\s+(?:its|their)\s+guns|shifted\s+allegiance")),
    ("surrender", re.compile(r"(?i)surrender")),
    ("defect", re.compile(r"(?i)defect")),
    ("desert", re.compile(r"(?i)desert|awol|absent\s+without")),
    ("surrender", re.compile(r"(?i)surrender|lay\s+down|laid\s+down|laying\s+down|white\s+flag|themselves\s+up|himself\s+up|gave\s+up|give\s+up|hand\w*\s+over\s+(?:their|his)\s+(?:weapons|arms)")),
    ("desert", re.compile(r"(?i)desert|awol|absent\s+without|abandon|left\s+(?:their|his|her)|fled|flee|escaped|quit|walked\s+(?:away|out)")),
    ("defect", re.compile(r"(?i)defect|join|crossed\s+over|came\s+over|went\s+over|come\s+over|asylum|refuge|protection|broke\s+(?:away|ranks)|rebelled|mutin|"
                          r"themselves\s+(?:over|in)|himself\s+(?:over|in)")),
]
_EARLIER = re.compile(r"(?i)[\"“]?(?:last\s+(?:month|year)|earlier|previously|in\s+(?:19|20)\d\d|in\s+(?:a|an)\s+earlier|"
                      r"(?:early|late)\s+in\s+the\s+war|at\s+the\s+start)\b")
_POLICY = re.compile(r"(?i)\b(?:polic(?:y|ies)|encourag\w+|urg(?:e|ed|es|ing)|call(?:ed|s)?\s+on|appeal\w*|invit\w+|reward\w*|"
                     r"incentives?|amnesty|pardon\w*|welcome\s+(?:any|all)|offer\w*|hotline)\b")
_ANNOUNCED = re.compile(r"(?i)\b(?:will|would|agreed\s+to|plan(?:s|ned)?\s+to|are\s+to|expected\s+to|ready\s+to|preparing\s+to|once|as\s+soon\s+as)\b")
_AGGREGATE = re.compile(r"(?i)\b(?:since\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:coup|start|beginning|war|began|launched)|so\s+far|to\s+date|"
                        r"since\s+(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:19|20)\d\d)|"
                        r"altogether|cumulative|over\s+the\s+past\s+(?:year|years|months)|in\s+recent\s+(?:months|years))\b")


def propose_events(ctx, mentions, fields) -> list[dict]:
    by_sent: dict[int, list] = {}
    for m in mentions:
        by_sent.setdefault(ctx.sent_of(m.start), []).append(m)
    anchors = [si for si in sorted(ctx.sent_trig) if ctx.sents[si].weight >= 0.5 and ctx.sents[si].weight != 0.8][:MAX_ANCHORS]
    if not anchors:
        anchors = sorted(ctx.sent_trig)[:1]
    groups: list[dict] = []
    anchor_set = set(anchors)
    # sentences without a trigger that describe the people of the event just before
    # ("The group included the deputy battalion commander and two company commanders.")
    details = [si for si in range(len(ctx.sents)) if si not in ctx.sent_trig and ctx.sents[si].weight >= 0.5
               and ctx.sents[si].weight != 0.8 and _DETAIL.search(ctx.text, ctx.sents[si].start, ctx.sents[si].end)
               and any(si - k in anchor_set for k in (1, 2))]
    for si in sorted(anchor_set | set(details)):
        info = _info(by_sent.get(si, []))
        sent_text = ctx.text[ctx.sents[si].start:ctx.sents[si].end]
        if si not in anchor_set:
            if groups and si - groups[-1]["last"] <= 2:
                g = groups[-1]
                if not _conflicts(g["info"], info, units_only=True):
                    for f in ("rank", "unit"):
                        g["info"][f] = sorted(g["info"][f] + info[f], key=lambda m: -m.score)[:12]
                    if not [m for m in g["info"]["count"] if not m.extra.get("part") and m.score >= 0.4]:
                        g["info"]["count"] = sorted(g["info"]["count"] + info["count"], key=lambda m: -m.score)[:12]
                    g["details"].append(si)
            continue
        if groups:
            g = groups[-1]
            close = si - g["last"] <= 2
            separate = bool(_SEPARATE.match(sent_text))
            separate = separate or bool(_AGGREGATE.search(sent_text)) != any(
                _AGGREGATE.search(ctx.text, ctx.sents[x].start, ctx.sents[x].end) for x in g["sents"])  # a running total stands apart
            if close and not separate and (
                    not _conflicts(g["info"], info) or
                    (_ANAPHORA.match(sent_text) or _is_detail(g["info"], info)) and not _conflicts(g["info"], info, units_only=True)):
                _merge(g["info"], info)
                g["sents"].append(si)
                g["last"] = si
                continue
        groups.append({"sents": [si], "last": si, "info": info, "details": []})
    top = {f: (fields.get(f) or [None])[0] for f in ("actor", "location")}
    events = []
    for g in groups:
        ev = _event(ctx, g, top)
        if ev is None:
            continue
        if events and not (ev["count"] or ev["unit"] or ev["receiving_side"] or ev["rank"]):
            continue  # only an actor and perhaps a place: a mention, not a report of its own
        bare = not (ev["count"] or ev["unit"] or ev["rank"] or ev["date"])
        if bare and _POLICY.search(" ".join(ctx.text[a:b] for a, b in ev["evidence"])):
            continue  # "a policy that supports defectors surrendering with weapons": no one did yet
        if bare and events:
            continue  # "reports an increase in surrenders": talk about defections next to a reported one
        dup = next((e for e in events if _same(e, ev) or (bare and e["mode"] == ev["mode"] and
                                                         e["actor"] == ev["actor"])), None)
        if dup:
            dup["evidence"] += [x for x in ev["evidence"] if x not in dup["evidence"]]
            continue
        events.append(ev)
        if len(events) >= MAX_EVENTS:
            break
    # the article's first report is what it is about, however long ago it happened
    if events and events[0]["salience"] == "background" and events[0]["mode"] != "aggregate" and \
            not any(e["salience"] == "main" for e in events):
        events[0]["salience"] = "main"
    elif events and events[0]["salience"] == "background" and events[0]["mode"] != "aggregate" and \
            ctx.sents[ctx.sent_of(events[0]["evidence"][0][0])].weight == 1.0 and \
            not _EARLIER.match(ctx.text[events[0]["evidence"][0][0]:events[0]["evidence"][0][1]]):
        events[0]["salience"] = "main"  # the lead of the body, not a caption about an earlier case
    # a running total next to the reported events is context for them
    if any(e["mode"] != "aggregate" and e["salience"] == "main" for e in events):
        for e in events:
            if e["mode"] == "aggregate":
                e["salience"] = "background"
    return events


def _info(ms) -> dict:
    info = {f: [] for f in ("actor", "receiving_side", "unit", "count", "rank", "location", "date")}
    for m in sorted(ms, key=lambda m: -m.score):
        info[m.field].append(m)
    return info


def _is_detail(a: dict, b: dict) -> bool:
    """True when sentence ``b`` only adds people to the event ``a``: one named officer or a few ranks next to a larger group."""
    ca = [m for m in a["count"] if not m.extra.get("part") and m.score >= 0.45]
    cb = [m for m in b["count"] if not m.extra.get("part") and m.score >= 0.45]
    if not ca or not cb:
        return True
    return all((m.extra["min"] or 0) < (ca[0].extra["min"] or 0) and (m.extra["min"] or 0) <= 5 for m in cb)


def _conflicts(a: dict, b: dict, units_only: bool = False) -> bool:
    ua = {m.value for m in a["unit"] if not m.extra.get("formation")}
    ub = {m.value for m in b["unit"] if not m.extra.get("formation")}
    if ua and ub and not ua & ub:
        return True
    if units_only:
        return False
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
    whole = [m for m in info["count"] if not m.extra.get("part") and m.score >= 0.4]
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
    # a named town or village before a site described around it ("an outpost near Kyondoe" -> Kyondoe)
    locs = [m for m in locs if m.extra.get("level") != "site"] + [m for m in locs if m.extra.get("level") == "site"]
    # "Nine police officers from Tamu crossed into India": the town they left, before the country they reached
    locs = [m for m in locs if m.extra.get("level") not in ("country", "abroad")] + \
        [m for m in locs if m.extra.get("level") in ("country", "abroad")]
    location = None
    background = any(ctx.is_background(ctx.sents[si].start) for si in g["sents"])
    if locs:
        location = locs[0].value
    elif top["location"] and top["location"]["score"] >= 0.6 and not background:
        location = top["location"]["value"]
    dates = [m for m in info["date"] if m.score >= 0.45]
    date = dates[0].value if dates else None
    evidence = [[ctx.sents[si].start, ctx.sents[si].end] for si in sorted(g["sents"] + g.get("details", []))]
    words = " ".join(ctx.text[s:e] for si in g["sents"] for s, e, w in ctx.sent_trig.get(si, ()))
    sents_text = " ".join(ctx.text[ctx.sents[si].start:ctx.sents[si].end] for si in g["sents"])
    side = sides[0].value if sides else None
    lead = " ".join(ctx.text[s:e] for s, e, w in ctx.sent_trig.get(g["sents"][0], ()))
    mode = next((name for name, rx in _MODES if rx.search(lead)), None) or next((name for name, rx in _MODES if rx.search(words)), None)
    if side and re.search(r"(?i)desert", lead or words) and not re.search(r"(?i)surrender|laid\s+down|lay\s+down|white\s+flag", lead or words):
        mode = "desert/defect"  # "deserted and turned themselves over to the KNU"
    if mode == "desert" and side:
        mode = "defect"  # "left his post and joined the CDM": the receiver makes it a defection
    if mode == "defect" and re.search(r"(?i)desert", words) and side:
        mode = "desert/defect"
    older = _older_than(ctx, date, 45)
    first = ctx.text[ctx.sents[g["sents"][0]].start:ctx.sents[g["sents"][0]].end]
    salience = "background" if older or _EARLIER.match(first) else "main"
    count_sent = ctx.text[ctx.sents[ctx.sent_of(whole[0].start)].start:ctx.sents[ctx.sent_of(whole[0].start)].end] if whole else first
    if _AGGREGATE.search(count_sent) and (count is None or (count["min"] or 0) >= 100 or count["max"] is None):
        mode = "aggregate"
    elif mode and any(_ANNOUNCED.search(ctx.text, max(ctx.sents[si].start, s - 40), s)
                      for si in g["sents"][:1] for s, e, w in ctx.sent_trig.get(si, ())):
        mode = "announced"  # "battalions will switch sides", "agreed to follow"
    return {"actor": actor, "receiving_side": side, "unit": unit_keys, "count": count,
            "rank": ranks, "location": location, "date": date, "mode": mode, "salience": salience, "evidence": evidence}


def _older_than(ctx, date: str | None, days: int) -> bool:
    """True when the event's date lies well before the article's own date (an earlier case told for context)."""
    if not date or ctx.ref is None or date.startswith("--"):
        return False
    parts = date.split("-")
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
        return (int(parts[0]), int(parts[1])) < (ctx.ref.year, ctx.ref.month)  # "last month", "in November 2023"
    if len(parts) == 1 and parts[0].isdigit():
        return int(parts[0]) < ctx.ref.year
    try:
        import datetime as dt
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 else 12
        d = int(parts[2]) if len(parts) > 2 else 28
        when = dt.date(y, m, min(d, 28) if len(parts) < 3 else d)
    except (ValueError, IndexError):
        return False
    return (ctx.ref - when).days > days


def _same(a: dict, b: dict) -> bool:
    keys = ("actor", "receiving_side", "unit", "count", "location")
    return all(a[k] == b[k] for k in keys)

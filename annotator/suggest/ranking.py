"""Turning mentions into the ranked candidate lists of SUGGEST_JSON: one
candidate per value (best mention, plus a little for repetition), weak ones
left out, states below the places in them."""
from __future__ import annotations

import re

from annotator.suggest.context import Mention
from annotator.suggest.resources import load

_REFUGE = load("groups").get("refuge_receivers", {})
FIELDS = ("actor", "receiving_side", "unit", "count", "rank", "location", "date")
MAX_CANDIDATES = 5
# a candidate must also come within DELTA of the field's best one: a short list is a confident one
DELTA = {"actor": 0.3, "receiving_side": 0.45, "unit": 0.5, "count": 0.4, "rank": 0.4, "location": 0.35, "date": 0.3}
FALLBACK_SIDE = 0.5
THRESHOLD = {"actor": 0.42, "receiving_side": 0.6, "unit": 0.4, "count": 0.42, "rank": 0.35, "location": 0.45, "date": 0.45}


def rank_candidates(mentions: list[Mention], text: str) -> dict:
    by_field: dict[str, dict] = {f: {} for f in FIELDS}
    for m in mentions:
        key = (m.value, m.extra.get("min"), m.extra.get("max")) if m.field == "count" else m.value
        slot = by_field[m.field].setdefault(key, {"best": m, "n": 0})
        slot["n"] += 1
        if m.score > slot["best"].score:
            slot["best"] = m
    # counts: the same numbers written twice are one candidate
    fields: dict[str, list] = {}
    for f, slots in by_field.items():
        cands = []
        for key, slot in slots.items():
            m = slot["best"]
            sc = m.score + 0.05 * min(3, slot["n"] - 1)
            if f == "receiving_side" and m.extra.get("generic"):
                sc -= 0.05
            cands.append((sc, m))
        cands.sort(key=lambda x: (-x[0], x[1].start))
        if f == "receiving_side" and any(not m.extra.get("generic") and sc >= THRESHOLD[f] for sc, m in cands):
            cands = [(sc, m) for sc, m in cands if not m.extra.get("generic")]
        if f == "receiving_side":
            # "crossed into Thailand and handed themselves over to Thai authorities": the authorities, not the country too
            took_in = [m.value for sc, m in cands if sc >= THRESHOLD[f]]
            cands = [(sc, m) for sc, m in cands if not any(
                v != m.value and v.startswith(tuple(_REFUGE.get(m.value, ()))) for v in took_in)]
        if f == "receiving_side" and any(not m.extra.get("speaker") and sc >= THRESHOLD[f] + 0.2 for sc, m in cands):
            # a group that only announced the news ("the People's Embrace group said") after one linked to the trigger
            cands = [(sc - 0.25 if m.extra.get("speaker") else sc, m) for sc, m in cands]
            cands.sort(key=lambda x: (-x[0], x[1].start))
        if f == "location":
            # a state or region goes below the more specific places in it ("Hpapun" before "Kayin State")
            # a town named like its region ("Sagaing", "Magway") may stand for the region: it counts as one
            def admin_like(m):
                if m.extra.get("level") == "admin1":
                    return m.value
                a = m.extra.get("admin1") or ""
                if m.extra.get("level") == "place" and a.split(" ")[0] == m.value and \
                        not re.search(r"(?i)\b(?:town|city)\b", m.extra.get("text") or ""):
                    return a
                return None
            specific = {}
            for sc, m in cands:
                if not admin_like(m) and m.extra.get("admin1"):
                    specific[m.extra["admin1"]] = max(specific.get(m.extra["admin1"], 0), sc)
            cands = [(sc - 0.2 if admin_like(m) and specific.get(admin_like(m), 0) >= sc - 0.2 else sc, m)
                     for sc, m in cands
                     # a state with a place in it scoring as well is not the place of the event
                     if not (admin_like(m) and specific.get(admin_like(m), 0) >= sc - 0.1)]
            # a foreign country after a place in Myanmar ("... near Mese and crossed into Thailand") goes below it
            if any(m.extra.get("level") not in ("abroad", "country", "admin1", "region") for sc, m in cands):
                cands = [(sc - 0.15 if m.extra.get("level") == "abroad" else sc, m) for sc, m in cands]
            cands.sort(key=lambda x: (-x[0], x[1].start))
        floor = max(THRESHOLD[f], (cands[0][0] - DELTA[f]) if cands else 0)
        if f == "receiving_side" and cands and cands[0][0] < floor and cands[0][0] >= FALLBACK_SIDE \
                and not cands[0][1].extra.get("generic") and not cands[0][1].extra.get("country"):
            floor = cands[0][0]  # no side is linked to a trigger: offer the group most present around them
        out = []
        seen_counts = set()
        for sc, m in cands:
            if sc < floor or len(out) >= MAX_CANDIDATES:
                continue
            item = _item(f, m, sc, text)
            if f == "count":
                k = (item["min"], item["max"])
                if k in seen_counts:
                    continue
                seen_counts.add(k)
            out.append(item)
        fields[f] = out
    return fields


def _item(f: str, m: Mention, sc: float, text: str) -> dict:
    item: dict = {"value": m.value, "text": m.extra.get("text") or text[m.start:m.end]}
    if f == "count":
        item["min"], item["max"] = m.extra["min"], m.extra["max"]
        if m.extra.get("approx"):
            item["approx"] = True
        if m.extra.get("includes_family"):
            item["includes_family"] = True
    if f == "location":
        item["admin1"] = m.extra.get("admin1")
        item["lat"], item["lon"] = m.extra.get("lat"), m.extra.get("lon")
    item.update(start=m.start, end=m.end, score=round(min(0.99, max(0.01, sc)), 2))
    return item

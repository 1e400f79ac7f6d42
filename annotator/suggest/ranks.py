"""Ranks as written ("Lt-Col", "Capt.", "acting major", "company commanders"),
normalised to full lower-case names from ``resources/ranks.json``."""
from __future__ import annotations

import re
from functools import lru_cache

from annotator.suggest.resources import load


@lru_cache(maxsize=1)
def _compiled():
    r = load("ranks")
    canon = sorted(r["canonical"], key=len, reverse=True)
    cap_only = set(r["capitalised_only"])
    quals = r["qualifiers"]
    qual_rx = r"(?:(?P<qual>" + "|".join(quals) + r")\s+)?"
    names = "|".join(re.escape(c).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]") for c in canon)
    abbr = "|".join(f"(?:{a})" for a, _ in r["abbreviations"])
    full = re.compile(r"(?i)\b" + qual_rx + r"(?P<rank>" + names + r")(?:e?s)?\b")
    abbr_rx = re.compile(r"(?<![\w-])" + qual_rx.replace("(?:(?P<qual>", "(?:(?P<qual>(?i:").replace(r")\s+)?", r"))\s+)?") + r"(?P<abbr>" + abbr + r")(?=\s+[A-Z]|\s*$|\s*[,;)]|\s+(?:and|or|who|from|of|in|with|was|were|had)\b)")
    abbr_map = [(re.compile(r"^(?:" + a + r")$"), full_name) for a, full_name in r["abbreviations"]]
    return full, abbr_rx, abbr_map, cap_only, set(r.get("not_defectors", []))


_COMMANDER_OF = re.compile(r"\s+of\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,2}?(?P<kind>(?i:light\s+infantry\s+battalion|infantry\s+battalion|"
                           r"battalion|company|platoon|column)|L?IBs?(?=[\s-]*\d))\b")


@lru_cache(maxsize=1)
def _canonical() -> frozenset:
    return frozenset(load("ranks")["canonical"])


def normalise_rank(text: str) -> str | None:
    """'Lt-Col' -> 'lieutenant colonel'; 'company commanders' -> 'company commander'."""
    full, abbr_rx, abbr_map, _, _ = _compiled()
    s = (text or "").strip()
    for rx, name in abbr_map:
        if rx.match(s):
            return name
    m = full.search(s)
    if m:
        return _value(m.group("qual"), m.group("rank"))
    m = abbr_rx.search(s + " X")
    if m:
        return _value(m.group("qual"), _abbr_name(m.group("abbr")))
    return None


def _abbr_name(a: str) -> str | None:
    for rx, name in _compiled()[2]:
        if rx.match(a):
            return name
    return None


def _value(qual: str | None, rank: str) -> str:
    rank = re.sub(r"[\s-]+", " ", rank.lower()).replace("second in command", "second-in-command")
    if qual and qual.lower() in ("acting", "former", "deputy", "assistant") and not rank.startswith(qual.lower()):
        return f"{qual.lower()} {rank}"
    return rank


def find_ranks(text: str) -> list[dict]:
    """Rank mentions: dicts with start, end, text, value."""
    full, abbr_rx, abbr_map, cap_only, excluded = _compiled()
    out = []
    taken = bytearray(len(text))
    for m in full.finditer(text):
        word = m.group("rank")
        low = re.sub(r"[\s-]+", " ", word.lower())
        qual = (m.group("qual") or "").lower()
        if low in excluded or f"{qual} {low}" in excluded:
            continue
        if low in cap_only and not m.group("qual"):
            before = text[max(0, m.start() - 25):m.start()]
            capital_name = word[0].isupper() and re.match(r"\s+[A-Z]", text[m.end():m.end() + 2])
            article = re.search(r"(?i)\b(?:an?|the|rank\s+of|police|army|junta|regime|military|two|three|four|five|six|seven|eight|"
                                r"nine|ten|eleven|twelve|\d+|dozens?\s+of|several|and|their|its|another|one|other|some|many|acting|deputy|"
                                r"former)\s+(?-i:[A-Z]{2,6}\s+)?(?:air\s+force\s+|navy\s+|naval\s+|army\s+|police\s+|militia\s+|BGF\s+)?$", before) or re.search(r"\b[A-Z][a-z]+(?:an|ese|ish|i)\s+$", before)  # "another Syrian general"
            plural = m.group(0).lower().endswith("s")
            if low in ("major", "general", "private") and not (capital_name or article or
                                                               (low == "private" and m.group(0).lower().endswith("s"))):
                continue
            named = re.match(r"\s+[A-Z][a-z]+\s+[A-Z]", text[m.end():m.end() + 30])
            owner = re.search(r"(?:\d|\))\s+$|(?i:battalion|column|company|unit|division|brigade)['’]?s?\s+$", before)
            if low in ("officer", "commander") and not (article or plural or capital_name or named or owner):
                continue
            if low == "private" and not (capital_name or re.match(r"(?i)privates\b", m.group(0)) or article):
                continue
            if low == "private" and not article and not capital_name and re.match(r"(?i)privates\b", m.group(0)) \
                    and not re.search(r"(?i)\b(?:were|are|mostly|including|and|of\s+them)\s+$", before) \
                    and not re.match(r"\s+and\s+\w+", text[m.end():m.end() + 20]):
                continue
        if low in ("general",) and re.match(r"(?i)\s+(?:public|election|secretary|strike|assembly|staff)", text[m.end():m.end() + 12]):
            continue
        if low == "major" and not qual and re.match(
                r"\s+(?!(?:in|of|from|at|and|who|with|was|is|had|has|said|told|were|are|also|then|later|defect\w*|desert\w*|surrender\w*|fled|joined|crossed|"
                r"switched|escaped|walked|led|laid|gave|handed|slipped|left|ran|went|came|brought)\b)[a-z]", text[m.end():m.end() + 20]):
            continue  # "major ethnic armed groups"
        value = _value(m.group("qual"), word)
        if low == "commander":
            of = _COMMANDER_OF.match(text, m.end())
            if of:  # "the commander of Infantry Battalion 32": a battalion commander
                kind = "battalion" if re.search(r"(?i)batt?alion|\bL?IBs?\b", of.group(0)) else of.group("kind").lower()
                value = _value(m.group("qual"), f"{kind} commander")
        out.append(dict(start=m.start(), end=m.end(), text=m.group(0), value=value))
        taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    for m in abbr_rx.finditer(text):
        if any(taken[m.start():m.end()]):
            continue
        name = _abbr_name(m.group("abbr"))
        if name and name not in excluded:
            start = m.start()
            police = re.search(r"(?i)\bpolice\s+$", text[max(0, start - 10):start])
            if police and not m.group("qual") and f"police {name}" in _canonical():
                start -= len(police.group(0))  # "police Capt." is a police captain
                name = f"police {name}"
            out.append(dict(start=start, end=m.end(), text=text[start:m.end()], value=_value(m.group("qual"), name)))
    out.sort(key=lambda d: d["start"])
    return out

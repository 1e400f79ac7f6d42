"""Counts of people: finding them in text and normalising them by the count
table of CODING_RULES.md.

Number words are read with the ``word2number`` package ("forty-one" -> 41);
the vague quantities and modifiers ("several dozen", "more than", "close to")
come from ``resources/counts.json``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from word2number import w2n

from annotator.suggest.resources import alternation, load

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety").split()
_SCALES = ("hundred", "thousand", "million")
NUMBER_WORDS = r"(?:(?:" + "|".join(_UNITS + list(_SCALES)) + r")(?:[\s-]+(?:and[\s-]+)?(?=(?:" + "|".join(
    _UNITS + list(_SCALES)) + r")\b))?)+"
NUMBER = (r"(?:(?:\d+|" + NUMBER_WORDS + r")\s+dozen\b|\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?|"
          + NUMBER_WORDS + r")")


def to_int(words: str) -> int | None:
    """'14,000' -> 14000; 'forty-one' -> 41; 'Twelve' -> 12."""
    w = words.strip().lower().replace(",", "")
    m = re.fullmatch(r"([\d.]+)\s+(million|thousand)", w)
    if m:
        return int(float(m.group(1)) * (1_000_000 if m.group(2) == "million" else 1000))
    if re.fullmatch(r"\d+", w):
        return int(w)
    m = re.fullmatch(r"(.+?)\s+dozen", w)
    if m:
        n = to_int(m.group(1))
        return None if n is None else n * 12
    try:
        return int(w2n.word_to_num(w.replace("-", " ")))
    except (ValueError, IndexError):
        return None


@lru_cache(maxsize=1)
def _tables():
    c = load("counts")
    mods = []
    for kind in ("approx", "more_than", "at_least", "fewer_than", "up_to"):
        mods += [(w, kind) for w in c[kind]]
    mods.sort(key=lambda x: len(x[0]), reverse=True)
    mod_rx = alternation([w for w, _ in mods], "i")
    vague = c["vague"]
    vague_rx = alternation(vague.keys(), "i")
    people_rx = alternation(c["people"], "i")
    family_rx = re.compile(r"\b" + alternation(c["family"], "i") + r"\b")
    # "more than 200", "about 60", "200 or more", "dozens of", "several dozen"
    quantity = (r"(?P<mod>" + mod_rx + r"\s+)?(?:(?P<num>" + NUMBER + r")(?P<suffix>\s*(?:or\s+more|\+|-?plus|-odd))?|"
                r"(?P<vague>" + vague_rx + r"))")
    # quantity + up to four modifier words + a people noun ("dozens of low-ranking police personnel")
    phrase = re.compile(r"(?<![\w,.-])" + quantity + r"(?P<gap>(?:[ \t]+of)?(?:[ \t]+(?!(?:and|or|but|who|which|that|were|was|have|had|has|in|at|on|to|from|of)\b)[\w'’-]+){0,4}?)[ \t]+(?P<noun>"
                        + people_rx + r")\b", re.I)
    bare = re.compile(r"^\s*" + quantity + r"\s*$", re.I)
    anywhere = re.compile(r"(?<![\w,.-])" + quantity, re.I)
    # "the total ... reached 300", "it put the figure at 236", "We counted 108"
    number_total = re.compile(r"(?:\b(?:number|total|tally|toll|figure|count)\b[^.;]{0,60}?\b(?:is|was|at|to|of|reached|stands\s+at|to\s+be)\s+(?:estimated\s+(?:to\s+be\s+|at\s+))?|"
                              r"\b(?:we|they|I|he|she|it|had|have|has)\s+counted\s+)"
                              + "(?P<q>" + quantity.replace("?P<", "?P<t") + ")", re.I)
    single = re.compile(r"\b(?:(?:an?|one)\s+(?:[A-Z][a-z]+\s+){0,2}|the\s+(?=(?:deputy\s+)?(?:battalion\s+)?(?:commander|second-in-command)\s+of\b))(?:(?:acting|former|deputy|junior|senior|low-ranking|serving|army|police|military|junta|regime|air\s+force|navy|naval|border)\s+){0,2}"
                        r"(soldier|policeman|police\s+officer|officer|serviceman|private|sergeant|corporal|captain|major|lieutenant(?:\s+colonel)?|colonel|"
                        r"battalion\s+commander|company\s+commander|commander|second-in-command|pilot|deserter|defector)\b", re.I)
    # "30-40 soldiers", "between 30 and 40 soldiers", "30 to 40 troops"
    span = re.compile(r"(?<![\w,.-])(?:between\s+(?P<a1>" + NUMBER + r")\s+and\s+|(?P<a>" + NUMBER + r")\s*(?:-|–|to|\s+or\s+)\s*)(?P<b>" + NUMBER + r")"
                      r"(?P<gap>(?:[ \t]+(?!(?:and|or|of|in|at|on|to|from)\b)[\w'’-]+){0,3}?)[ \t]+(?P<noun>" + people_rx + r")\b", re.I)
    return dict(c=c, mods=dict((w.lower(), k) for w, k in mods), vague={k.lower(): v for k, v in vague.items()},
                phrase=phrase, bare=bare, anywhere=anywhere, family=family_rx, number_total=number_total, single=single, span=span)


def _bounds(mod: str | None, num: str | None, suffix: str | None, vague: str | None):
    t = _tables()
    approx = False
    kind = t["mods"].get(re.sub(r"\s+", " ", mod.strip().lower())) if mod else None
    if vague:
        lo, hi = t["vague"][re.sub(r"\s+", " ", vague.lower())]
        if lo is not None and lo == hi and kind:  # "over a hundred", "about a dozen"
            return _apply(kind, lo)
        if kind in ("more_than", "at_least") and lo is not None:
            hi = None
        return lo, hi, approx
    n = to_int(num) if num else None
    if n is None:
        return None, None, False
    if suffix and suffix.strip():
        kind = "at_least"
    return _apply(kind, n)


def _apply(kind: str | None, n: int):
    if kind == "approx":
        return n, n, True
    if kind == "more_than":
        return n + 1, None, False
    if kind == "at_least":
        return n, None, False
    if kind == "fewer_than":
        return None, n - 1, False
    if kind == "up_to":
        return None, n, False
    return n, n, False


def parse_count(text: str) -> dict:
    """Normalise what a coder typed or the article says to a count.

    Returns ``{"text", "min", "max", "approx", "includes_family"}``; ``min``
    and ``max`` are ``None`` when unknown (never a guess)::

        parse_count("several dozen")  -> min 24, max None
        parse_count("more than 200 soldiers") -> min 201, max None
    """
    t = _tables()
    out = {"text": text, "min": None, "max": None, "approx": False, "includes_family": False}
    s = (text or "").strip()
    if not s:
        return out
    if re.fullmatch(r"\d+\s*[-–]\s*\d+", s):
        a, b = (int(x) for x in re.split(r"\s*[-–]\s*", s))
        out.update(min=min(a, b), max=max(a, b))
        return out
    m = re.match(r"(?i)\s*between\s+(" + NUMBER + r")\s+and\s+(" + NUMBER + r")", s)
    if m:
        out.update(min=to_int(m.group(1)), max=to_int(m.group(2)))
        return out
    m = t["phrase"].search(s) or t["bare"].match(s)
    if m is None:
        m = t["anywhere"].search(s)
    if m is not None:
        lo, hi, approx = _bounds(m.group("mod"), m.group("num"), m.group("suffix"), m.group("vague"))
        out.update(min=lo, max=hi, approx=approx)
    elif t["single"].search(s):
        out.update(min=1, max=1)
    out["includes_family"] = bool(t["family"].search(s))
    if out["includes_family"] and re.search(r"(?i)\b(?:nearly|about|around|close to|roughly|approximately|an estimated)\b", s):
        out["approx"] = True
    return out


_RANK_NOUN = re.compile(r"(?i)(?:commanders?|captains?|majors?|lieutenants?|colonels?|sergeants?|generals?|officers?)$")


def find_counts(text: str) -> list[dict]:
    """Counts of people in ``text``: dicts with start, end, text, min, max,
    approx, includes_family, kind ("people", "total", "single")."""
    t = _tables()
    found = []
    taken: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = t["phrase"].search(text, pos)
        if m is None:
            break
        pos = m.start() + 1  # a rejected match must not hide a count inside it ("a group of 17 soldiers")
        lo, hi, approx = _bounds(m.group("mod"), m.group("num"), m.group("suffix"), m.group("vague"))
        noun = m.group("noun").lower()
        gap = m.group("gap") or ""
        if re.search(r"\d", gap) or re.search(r"(?i)\b(?:" + "|".join(_UNITS) + r")\b", gap):
            continue
        num = m.group("num") or ""
        if re.fullmatch(r"(?:19|20)\d\d", num) and gap.strip():
            continue  # a year, not a count
        if num.lower() == "one" and noun in ("of them", "of whom"):
            continue  # "one of them a sergeant"
        if re.search(r"(?i)\bNo\.?\s*$", text[max(0, m.start() - 5):m.start()]) or \
                re.search(r"(?i)\b(?:town|city|village|township|district|region|state|country|population|home)\s+of\s+(?:about\s+|around\s+|some\s+|roughly\s+|nearly\s+|over\s+|more\s+than\s+)?$",
                          text[max(0, m.start() - 40):m.start()]):
            continue  # "Monywa No. 2 police station", "a town of about 15,000 people"
        fam = bool(t["family"].fullmatch(noun)) or "famil" in gap.lower()
        item = dict(start=m.start(), end=m.end(), text=m.group(0), min=lo, max=hi, approx=approx,
                    includes_family=fam, kind="people")
        # "127 soldiers and 134 family members": soldiers only
        if fam:
            item["kind"] = "family"
        found.append(item)
        taken.append((m.start(), m.end()))
        pos = m.end()
    for m in t["number_total"].finditer(text):
        s, e = m.start("q"), m.end("q")
        if any(a <= s < b for a, b in taken):
            continue
        lo, hi, approx = _bounds(m.group("tmod"), m.group("tnum"), m.group("tsuffix"), m.group("tvague"))
        found.append(dict(start=s, end=e, text=text[s:e], min=lo, max=hi, approx=approx,
                          includes_family=False, kind="total",
                          # "it later put the figure at 236", "We counted 108": a correction of an earlier figure
                          revised=bool(re.search(r"(?i)\b(?:put|puts|revised|raised|lowered|updated|corrected|counted|later|final)\b",
                                                 text[max(0, m.start() - 30):s]))))
        taken.append((s, e))
    for m in t["single"].finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        found.append(dict(start=m.start(), end=m.end(), text=m.group(0), min=1, max=1, approx=False,
                          includes_family=False, kind="single"))
    for m in t["span"].finditer(text):
        first = m.group("a") or m.group("a1")
        a, b = to_int(first), to_int(m.group("b"))
        if not a or not b or a >= b or re.fullmatch(r"(?:19|20)\d\d", first):
            continue
        found[:] = [f for f in found if not (m.start() <= f["start"] < m.end())]
        found.append(dict(start=m.start(), end=m.end(), text=m.group(0), min=a, max=b, approx=False, includes_family=False, kind="people"))
        taken.append((m.start(), m.end()))
    # a people count followed by "(, police) and their families" covers family members too
    for item in found:
        tail = text[item["end"]:item["end"] + 60].lower()
        if re.match(r"[^.;]{0,30}?\b(?:including|with|along\s+with|and)\s+(?:their\s+|his\s+)?(?:families|family|relatives|wives|children)", tail):
            item["includes_family"] = True
    # "200 people, 123 soldiers and 77 family members", "About 150 people, 61 soldiers and their families": the
    # total includes the families
    for i, item in enumerate(found):
        nxt = [f for f in found if 0 <= f["start"] - item["end"] <= 6 or 0 <= f["start"] - item["end"] <= 20 and re.fullmatch(
            r"\s*[,—–:(-]\s*(?:including|among\s+them|of\s+whom)\s+", text[item["end"]:f["start"]])]
        if nxt and re.match(r"\s*[,—–:(-]", text[item["end"]:item["end"] + 3]) and (any(
                f["kind"] == "family" and 0 <= f["start"] - item["end"] <= 80 for f in found) or any(
                f.get("includes_family") and not f.get("total_with_family") and f["kind"] != "family" for f in nxt)):
            item["includes_family"] = True
            item["total_with_family"] = True
    # "three soldiers ... with their families – 11 people in all", "and their families (11 people)": a total with them
    for item in found:
        if item["kind"] == "people" and re.search(r"(?i)(?:people|persons|individuals)(?:\s+in\s+(?:all|total))?$", item["text"]) and \
                re.search(r"(?i)\b(?:famil(?:y|ies)|wives|children|relatives|dependants|dependents)\b[^.;]{0,12}$",
                          text[max(0, item["start"] - 60):item["start"]]):
            item["includes_family"] = True
            item["total_with_family"] = True
    # "a colonel and 30 soldiers": one more than the number
    for item in list(found):
        if item["kind"] != "people" or item["min"] is None:
            continue
        head = text[max(0, item["start"] - 60):item["start"]]
        if _RANK_NOUN.search(item["text"]) and not re.search(r"(?i)officers?$", item["text"]):
            if re.search(r"(?i)\b(?:an?|one)\s+(?:[\w-]+\s+){0,2}?(?:colonel|major|captain|lieutenant|commander|sergeant|corporal)\s+and\s+$", head):
                item["part"] = True  # "The men, a corporal and 11 privates": the ranks of a group counted elsewhere
            continue
        head = text[max(0, item["start"] - 110):item["start"]]
        m = re.search(r"(?i)\b(?:an?|one|another|the)\s+(?:[\w-]+\s+){0,4}?(?:colonel|major|captain|lieutenant|commander|officer|sergeant|corporal|general|leader|chief|"
                      r"lt\.?[\s-]*col\.?|capt\.?|maj\.?|col\.?|sgt\.?|cpl\.?|lt\.?|gen\.?)"
                      r"(?:\s+(?:in|of|from|with)\s+(?:the\s+)?[^,.;]{0,60}?)?,?\s+(?:and|(?:along\s+|together\s+)?with)\s+(?:his\s+|her\s+)?$", head) \
            or re.search(r"(?:^|\n|[.:;—–]\s+)((?:[A-Z][\w-]*\s+)?(?:[Dd]eputy\s+)?(?:[Bb]attalion\s+|[Cc]ompany\s+)?(?:[Cc]ommander|[Cc]olonel|[Mm]ajor|[Cc]aptain))\s+and\s+$", head)
        if m and (item.get("approx") or item["max"] is None):
            item["part"] = False  # "a general and about 30 soldiers", "... and several hundred of his fighters": the round figure covers him
            continue
        if m:
            s = item["start"] - (len(head) - m.start())
            found.append(dict(item, start=s, text=text[s:item["end"]], min=item["min"] + 1,
                              max=None if item["max"] is None else item["max"] + 1, kind="combined"))
            item["part"] = True
            for other in found:
                if other["kind"] == "single" and s <= other["start"] < item["start"]:
                    other["part"] = True  # "A major in the SAF and 15 of his soldiers": he is in the 16
    # "Captain Aung Ko Ko Lwin ... defected with 11 soldiers": he and they
    for item in list(found):
        if item["kind"] != "people" or item["min"] is None or item.get("approx") or item["max"] is None:
            continue
        head = text[max(0, item["start"] - 40):item["start"]]
        w = re.search(r"(?i)\b(?:defect(?:ed|s)?|desert(?:ed|s)?|surrender(?:ed|s)?|fled|flees|escaped|left|crossed\s+over|switched\s+sides)\s+"
                      r"(?:along\s+|together\s+)?with\s+(?:his\s+|her\s+)?$", head)
        if w:
            s = item["start"] - (len(head) - w.start())
            k = 1 + bool(_AND_DEPUTY.search(text, _sentence_start(text, item["start"]), s))  # "A commander and his deputy defected with 34 soldiers": 36
            found.append(dict(item, start=s, min=item["min"] + k, max=item["max"] + k, kind="combined", text=text[s:item["end"]]))
            item["part"] = True  # "defected with 11 soldiers": twelve
            continue
        # "The deputy commander of LIB 508, a major, defected to the NUG on Wednesday with four soldiers": he and they
        sent_start = _sentence_start(text, item["start"])
        dl = re.match(r"[ \t]*[A-Z][A-Z .,'’-]+(?:\([^)\n]{1,30}\))?\s*[\u2014\u2013-]\s*", text[sent_start:item["start"]])
        if dl:
            sent_start += dl.end()  # "PORT SUDAN — A senior commander ...": after the dateline
        head = text[sent_start:item["start"]]
        w = re.search(r"(?i)\b(?:defect(?:ed|s)?|desert(?:ed|s)?|surrender(?:ed|s)?|fled|escaped|crossed\s+over|switched\s+sides)\b"
                      r"[^.;]{0,60}?\bwith\s+(?:his\s+|her\s+)?$", head)
        if w and re.match(r"\s*[\"“]?(?:(?:the|a|an)\s+)?(?:[\w-]+\s+){0,3}?(?:commander|officer|major|captain|lieutenant|colonel|sergeant|"
                          r"corporal|soldier|policeman|pilot|general|second-in-command)\b(?!s)", head[:w.start()], re.I):
            s = sent_start + len(head) - len(head.lstrip(" \"“"))
            k = 1 + bool(_AND_DEPUTY.search(head[:w.start()]))
            found.append(dict(item, start=s, min=item["min"] + k, max=item["max"] + k, kind="combined", text=text[s:item["end"]]))
            item["part"] = True
            for other in found:
                if other["kind"] == "single" and s <= other["start"] < item["start"]:
                    other["part"] = True  # he is in the five
    # "he and a corporal from his ground crew walked out", "he and 11 other soldiers": him and them
    for m in re.finditer(r"\b(?:[Hh]e|[Ss]he)\s+and\s+(?:(?P<one>an?|one|another)\s+(?:[\w-]+\s+){0,2}?(?:soldier|corporal|sergeant|private|officer|"
                         r"policeman|comrade|colleague|lieutenant|captain|major|pilot|airman|sailor|guard|constable)\b|(?P<n>\d{1,3}|" + NUMBER_WORDS +
                         r")\s+(?:other\s+|of\s+his\s+|of\s+her\s+)?(?:[\w-]+\s+)?(?:soldiers|men|officers|policemen|troops|comrades|colleagues|subordinates)\b)", text):
        n = 1 if m.group("one") else to_int(m.group("n"))
        if n and not any(f["start"] <= m.start() < f["end"] for f in found if f["kind"] == "combined"):
            for f in found:
                if m.start() <= f["start"] < m.end():
                    f["part"] = True
            found.append(dict(start=m.start(), end=m.end(), text=m.group(0), min=n + 1, max=n + 1, approx=False, includes_family=False, kind="combined"))
    # "A battalion commander and his deputy defected to the KNLA": two
    for m in re.finditer(r"(?i)\b(?:an?|the|one)\s+(?:[\w-]+\s+){0,3}?(?:commander|officer|major|captain|colonel|lieutenant|general|chief)\s+and\s+"
                         r"(?:his|her)\s+(?:deputy(?:\s+commander)?|second-in-command)\b", text):
        if any(f["start"] <= m.start() < f["end"] for f in found if f["kind"] == "combined") or \
                any(f["start"] >= m.end() and f["kind"] == "combined" and m.start() >= f["start"] for f in found):
            continue
        if re.match(r"[^.;]{0,40}?\bwith\s+(?:his\s+|her\s+|their\s+)?(?:\d|" + NUMBER_WORDS + r")", text[m.end():m.end() + 60], re.I):
            continue  # "... and his deputy defected with 34 of their soldiers": counted with their men
        for f in found:
            if m.start() <= f["start"] < m.end():
                f["part"] = True
        found.append(dict(start=m.start(), end=m.end(), text=m.group(0), min=2, max=2, approx=False, includes_family=False, kind="combined"))
    # "The soldiers, 14 in all, waved a white flag": a count after its noun
    for m in re.finditer(r"(?i)\b(?:soldiers|troops|men|officers|policemen|police|members|fighters|deserters|defectors|sailors|militiamen)\s*[,(–—-]\s*"
                         r"(?P<n>\d{1,4}|" + NUMBER_WORDS + r")\s+in\s+(?:all|total)\b", text):
        n = to_int(m.group("n"))
        if n and not any(f["start"] <= m.start("n") < f["end"] for f in found):
            found.append(dict(start=m.start("n"), end=m.end(), text=m.group(0)[m.start("n") - m.start():], min=n, max=n, approx=False,
                              includes_family=False, kind="people"))
    # "the 40-strong garrison": a count
    for m in re.finditer(r"(?i)\b(?P<n>\d{1,4}|" + NUMBER_WORDS + r")-(?:strong|member|man)\s+(?:garrison|unit|platoon|company|column|group|contingent|force|detachment|team|squad|crew)\b", text):
        n = to_int(m.group("n"))
        if n and not any(f["start"] <= m.start() < f["end"] for f in found):
            found.append(dict(start=m.start(), end=m.end(), text=m.group(0), min=n, max=n, approx=False, includes_family=False, kind="people"))
    # "a battalion commander, deputy commander, and troops from LIB 430": one of an uncounted group
    for item in found:
        if item["kind"] == "single" and re.match(
                r"[^.;]{0,60}?\band\s+(?:[\w-]+\s+){0,3}?(?:troops|soldiers|men|officers|personnel|policemen|members)\b",
                text[item["end"]:item["end"] + 90]):
            item["part"] = True
    # "21 soldiers, including a deputy commander and two captains": the later figures are parts
    for item in found:
        head = text[max(0, item["start"] - 130):item["start"]]
        cue = None
        for cue in re.finditer(r"(?i)\b(?:including|included|includes|among\s+them|among\s+whom|of\s+whom|of\s+them|one\s+of\s+them|such\s+as)\b", head):
            pass
        if cue is not None and not re.search(r"[;]|[.!?]\s+[A-Z\"“]", head[cue.end():]):
            cue_at = item["start"] - len(head) + cue.start()
            if any(f.get("total_with_family") and 0 <= cue_at - f["end"] <= 4 for f in found):
                continue  # "148 people, including 57 militia members and 91 relatives": the members are the count
            item["part"] = True
    # "Two sergeants and a lance corporal", "A police lieutenant, two police sergeants and a sub-inspector": the sum
    for m in _list_rx().finditer(text):
        items = list(_item_rx().finditer(m.group(0)))
        if len(items) < 2:
            continue
        kinds = {"police" if re.search(r"(?i)police|constable|inspector", i.group(0)) else
                 "military" if re.search(r"(?i)soldier|army|troop|private", i.group(0)) else None for i in items} - {None}
        if len(kinds) > 1:
            continue  # "nine soldiers and a police officer": two forces, two events
        total = sum(to_int(i.group("n")) if not re.fullmatch(r"(?i)an?|one", i.group("n")) else 1 for i in items)
        if not total or total < 2:
            continue
        s, e = m.start(), m.end()
        same = [f for f in found if f["start"] == s and f["end"] == e]
        for item in found:
            if s <= item["start"] < e and item not in same:
                item["part"] = True
        head = text[max(0, s - 130):s]
        part = bool(re.search(r"(?i)\b(?:including|among\s+them|among\s+whom|of\s+whom|of\s+them|such\s+as)\b[^.;]*$", head))
        if same:
            for f in same:
                f["part"] = part
            continue
        found.append(dict(start=s, end=e, text=text[s:e], min=total, max=total, approx=False, includes_family=False,
                          kind="combined", part=part))
    found.sort(key=lambda d: d["start"])
    return found


# "A battalion commander and his deputy defected with ...": two people before the men they brought
_AND_DEPUTY = re.compile(r"(?i)\b(?:commander|officer|major|captain|colonel|lieutenant|lt[\s.-]*col\.?|general|chief)\s+and\s+(?:his|her)\s+"
                         r"(?:deputy(?:\s+commander)?|second-in-command|adjutant|aide)\s*$")


_ABBR_BEFORE_DOT = re.compile(r"(?i)(?:\b(?:brig|gen|lt|col|capt|maj|sgt|cpl|pte|pvt|insp|no|mr|mrs|dr|st|sr|jr|u\.s|u\.n)|(?<![\w.])[A-Z])$")


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` starts: after a line break or a full stop that ends no abbreviation ("Brig. Gen.")."""
    line_start = max(text.rfind("\n", 0, pos) + 1, pos - 400)
    start = line_start
    for m in _STOP.finditer(text, line_start, pos):
        if not _ABBR_BEFORE_DOT.search(text, max(line_start, m.start() - 8), m.start()):
            start = m.end()
    return start


_STOP = re.compile(r"[.!?]+[\"”’')]*\s+")


_NUM_WORD = r"(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,3})"
_ITEM_NOUN = None


@lru_cache(maxsize=1)
def _item_rx() -> re.Pattern:
    ranks = sorted(load("ranks")["canonical"], key=len, reverse=True)
    nouns = "|".join(re.escape(r).replace(r"\ ", r"\s+").replace(r"\-", "[-\\s]") for r in ranks)
    return re.compile(r"(?i)\b(?P<n>" + _NUM_WORD + r")\s+(?:(?:acting|deputy|former|junior|senior|police|army|air\s+force|navy|naval|military|junta|regime)\s+)*"
                      r"(?:" + nouns + r"|soldier|policem[ae]n|police\s+officer|private|sub-inspector|officer|troop|servicem[ae]n|sailor|airm[ae]n|marine|"
                      r"other\s+rank|nco|non-commissioned\s+officer|enlisted\s+m[ae]n)s?\b")


@lru_cache(maxsize=1)
def _list_rx() -> re.Pattern:
    item = _item_rx().pattern[4:]  # without the (?i) flag
    return re.compile(r"(?i)" + item + r"(?:\s*,\s*" + item.replace("?P<n>", "?:") + r")*(?:\s*,?\s+and\s+" + item.replace("?P<n>", "?:") + r")")

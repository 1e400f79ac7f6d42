"""Military and police units in every written form, normalised to keys.

"Light Infantry Battalion (LIB) 430" -> LIB 430; "LIB-556"; "LIBs 402 and 403"
-> LIB 402, LIB 403; "the 356th and 357th Light Infantry Battalions"; "IB-11";
"Military Operations Command (MOC) 7" -> MOC 7. Unit types come from
``resources/units.json``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from annotator.suggest.resources import alternation, load

_NUM = r"(\d{1,4})(?:st|nd|rd|th)?"
_MORE = (r"((?:\s*(?:,|and|&|/|or)\s*(?:the\s+)?(?:No\.?\s*)?" + _NUM + r"(?!\d|,\d|\s*(?:of\s+(?:their|his|its|the|them|whom)\b|(?:\w+\s+)?(?:soldiers|troops|people|members|km|miles|kilometres|kilometers|%|percent|"
                                                                                     r"famil(?:y|ies)|relatives|wives|children|civilians|police|policemen|officers|fighters|men|personnel|recruits|conscripts|others)\b)))*)")


@lru_cache(maxsize=1)
def _patterns():
    """One 'type then number' and one 'number then type' regex over all unit
    types (a named group per type), so the text is scanned twice, not twice
    per type. Earlier types win at the same position (LIB before IB)."""
    kinds, keys = [], []
    for i, t in enumerate(load("units")["types"]):
        names = sorted(t["names"], key=len, reverse=True)
        name_rx = r"(?i:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") + "s?" for n in names) + ")"
        abbr = [r"\.?".join(re.escape(ch) for ch in a) + r"\.?s?" for a in t["abbreviations"]]
        kinds.append(f"(?P<k{i}>" + name_rx + ("|" + "|".join(abbr) if abbr else "") + ")")
        keys.append((t["key"], bool(t.get("formation"))))
    kind = "(?:" + "|".join(kinds) + ")"
    kind_b = kind.replace("(?P<k", "(?P<b")
    after = re.compile(r"\b" + kind + r"\s*(?:\([A-Za-z. ]+\)\s*)?(?:[-–#]\s*|(?i:No\.?)\s*)?" + _NUM + r"(?![\d,.]\d)" + _MORE + r"\b")
    before = re.compile(r"\b" + _NUM + r"((?:\s*(?:,|and|&)\s*(?:the\s+)?" + _NUM + r")*)\s+" + kind_b + r"\b")
    return keys, after, before


def find_units(text: str) -> list[dict]:
    """Unit mentions: dicts with start, end, text, keys (list), formation."""
    found: list[dict] = []
    if not re.search(r"\d", text):
        return found
    keys, after, before = _patterns()
    taken = bytearray(len(text))
    for rx, prefix in ((after, "k"), (before, "b")):
        for m in rx.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            gd = m.groupdict()
            i = next(int(name[1:]) for name, v in gd.items() if v is not None and name[0] == prefix)
            key, formation = keys[i]
            nums = re.findall(r"\d{1,4}(?=(?:st|nd|rd|th)?\b)", m.group(0))
            if rx is before and not re.search(r"\d(?:st|nd|rd|th)\b", m.group(0)):
                nums = [n for n in nums if not 1900 <= int(n) <= 2100]
                if re.match(r"\s+(?:\w+\s+)?(?:troops|soldiers|members|personnel|fighters|men|officers|police|policemen|militiamen|recruits|and\s+famil)", text[m.end():m.end() + 30]):
                    continue  # "Some 70 BGF troops": a count of people, not BGF Battalion 70
            if not nums:
                continue
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
            out_keys = []
            for n in nums:
                k = f"{key} {int(n)}"
                if k not in out_keys:
                    out_keys.append(k)
            found.append(dict(start=m.start(), end=m.end(), text=m.group(0), keys=out_keys, formation=formation))
    found.sort(key=lambda d: d["start"])
    return found


def unit_keys(text: str) -> list[str]:
    """'Light Infantry Battalions 402 and 403' -> ['LIB 402', 'LIB 403']."""
    keys: list[str] = []
    for u in find_units(text or ""):
        keys += [k for k in u["keys"] if k not in keys]
    return keys


def owner_before(text: str, start: int) -> bool:
    """True when the unit belongs to a resistance group ('KNU Brigade 5')."""
    head = text[max(0, start - 30):start]
    return bool(_owner_rx().search(head))


@lru_cache(maxsize=1)
def _owner_rx() -> re.Pattern:
    words = load("units").get("owner_stopwords", [])
    return re.compile(r"\b" + alternation(words) + r"(?:['’]s)?\s*$")

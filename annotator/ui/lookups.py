"""What the form looks up as the coder types (no Qt): counts, places and dates.

The suggestion engine's parsers are used when they are installed; small
fallbacks keep the form usable without them.
"""
from __future__ import annotations

import re
from typing import Any


def parse_count(text: str) -> dict[str, Any]:
    """min/max/approx/includes_family for the words; the engine's parser when available."""
    try:
        from annotator.suggest.counts import parse_count as engine_parse  # type: ignore
    except Exception:  # noqa: BLE001 - engine not installed yet: use the small fallback
        engine_parse = None
    if engine_parse is not None:
        try:
            r = engine_parse(text)
            if isinstance(r, dict):
                return {k: r.get(k) for k in ("min", "max", "approx", "includes_family") if k in r}
            if isinstance(r, (tuple, list)) and len(r) >= 2:
                return {"min": r[0], "max": r[1]}
            for k in ("min", "max"):
                if hasattr(r, k):
                    return {k2: getattr(r, k2, None) for k2 in ("min", "max", "approx", "includes_family")}
        except Exception:  # noqa: BLE001
            pass
    return _fallback_count(text)


_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
          "fifty": 50, "hundred": 100}


def _fallback_count(text: str) -> dict[str, Any]:
    t = text.casefold().replace(",", "")
    if re.search(r"\b(several|a few)?\s*dozens?\b", t) and "a dozen" not in t:
        return {"min": 24, "max": None}
    if "a dozen" in t:
        return {"min": 12, "max": 12}
    if "scores of" in t:
        return {"min": 40, "max": None}
    if "hundreds" in t or "several hundred" in t:
        return {"min": 200, "max": None}
    if "thousands" in t:
        return {"min": 2000, "max": None}
    m = re.search(r"\d+", t)
    n = int(m.group()) if m else next((v for w, v in _WORDS.items() if re.search(rf"\b{w}\b", t)), None)
    if n is None:
        return {"min": None, "max": None}
    if re.search(r"\b(more than|over)\b", t):
        return {"min": n + 1, "max": None}
    if re.search(r"\b(at least|or more)\b", t):
        return {"min": n, "max": None}
    approx = bool(re.search(r"\b(about|nearly|close to|roughly|an estimated|around|some)\b", t))
    return {"min": n, "max": n, **({"approx": True} if approx else {})}


def place_lookup(name: str) -> dict[str, Any] | None:
    try:
        from annotator.suggest.places import lookup_place  # type: ignore
        r = lookup_place(name)
    except Exception:  # noqa: BLE001
        return None
    if r is None:
        return None
    if isinstance(r, dict):
        return r
    return {k: getattr(r, k, None) for k in ("name", "admin1", "lat", "lon")}


def place_names() -> list[str]:
    try:
        from annotator.suggest.places import place_names as names  # type: ignore
        return sorted(set(names()))
    except Exception:  # noqa: BLE001
        return []


def resolve_date(words: str, reference: str | None) -> str | None:
    """The ISO date (at its precision) that ``words`` name; weekdays count back from ``reference``."""
    try:
        from annotator.suggest.dates import find_dates, parse_iso  # type: ignore
        hits = find_dates(words, parse_iso(reference) if reference else None)
    except Exception:  # noqa: BLE001 - engine missing or odd words: the coder types the date
        hits = []
    for hit in hits:
        if hit.get("value"):
            return hit["value"]
    m = re.search(r"\b\d{4}(-\d{2}(-\d{2})?)?\b", words)
    return m.group(0) if m else None

"""What the form looks up as the coder types (no Qt): counts, places and dates.

The suggestion engine's parsers are used, so that the form and the engine read
counts, places and dates by the same rules; imported on first use.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


def parse_count(text: str) -> dict[str, Any]:
    """min/max/approx/includes_family for the words, by the engine's parser (the count table of the rules)."""
    from annotator.suggest.counts import parse_count as engine_parse
    r = engine_parse(text) or {}
    return {k: r.get(k) for k in ("min", "max", "approx", "includes_family") if k in r}


FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100) for a typed place name to count as a misspelling of a known one


def place_lookup(name: str, fuzzy: bool = False) -> dict[str, Any] | None:
    """``{"name", "admin1", "lat", "lon"}`` from the gazetteer. With ``fuzzy``, a name the gazetteer does not
    know is matched to the closest known Myanmar name ('Loikow' -> Loikaw), which is then in ``"matched"``."""
    from annotator.suggest.places import lookup_place
    hit = lookup_place(name)
    if (hit is not None and hit.get("admin1")) or not fuzzy or len(name.strip()) < 5:
        return hit
    # not a Myanmar gazetteer name: a misspelt one? (a foreign place keeps its own entry when none is close)
    from rapidfuzz import fuzz, process, utils
    best = process.extractOne(name, _names(), scorer=fuzz.ratio, processor=utils.default_process,
                              score_cutoff=FUZZY_CUTOFF)
    near = lookup_place(best[0]) if best else None
    return dict(near, matched=best[0]) if near else hit


def place_names() -> list[str]:
    return list(_names())


@lru_cache(maxsize=1)
def _names() -> tuple[str, ...]:
    from annotator.suggest.places import place_names as names
    return tuple(sorted(set(names())))


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

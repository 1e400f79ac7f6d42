"""Suggestion engine: spaCy plus domain rules propose codings for articles.

Public API::

    from annotator.suggest import SuggestionEngine, parse_count, lookup_place, place_names, unit_keys, resolve_group

The names are imported on first use, so that the light parsers (counts, places,
units, ranks, groups) do not load spaCy. The package never imports Qt.
"""
from __future__ import annotations

import importlib

_WHERE = {"ENGINE_VERSION": "engine", "FIELDS": "engine", "SuggestionEngine": "engine", "parse_count": "counts",
          "resolve_group": "groups", "lookup_place": "places", "place_names": "places",
          "normalise_rank": "ranks", "unit_keys": "units"}

__all__ = ["ENGINE_VERSION", "FIELDS", "SuggestionEngine", "parse_count", "resolve_group", "lookup_place",
           "place_names", "normalise_rank", "unit_keys"]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)

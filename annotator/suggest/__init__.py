"""Suggestion engine: spaCy plus domain rules propose codings for articles.

Public API::

    from annotator.suggest import SuggestionEngine, parse_count, lookup_place, place_names, unit_keys, resolve_group

The package never imports Qt.
"""
from annotator.suggest.counts import parse_count
from annotator.suggest.engine import ENGINE_VERSION, FIELDS, SuggestionEngine
from annotator.suggest.groups import resolve_group
from annotator.suggest.places import lookup_place, place_names
from annotator.suggest.ranks import normalise_rank
from annotator.suggest.units import unit_keys

__all__ = ["ENGINE_VERSION", "FIELDS", "SuggestionEngine", "parse_count", "resolve_group", "lookup_place",
           "place_names", "normalise_rank", "unit_keys"]

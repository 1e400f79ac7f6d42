"""Helpers for the engine's rule tests: a rules-only engine, a dated header, top-k values and counts."""
from __future__ import annotations

import pytest

from annotator.suggest import SuggestionEngine

HEAD = "News from the regions\nDate: 2024-03-05\n\n"


@pytest.fixture(scope="module")
def engine():
    return SuggestionEngine(model=None)


def values(result, field, k=3):
    return [c["value"] for c in result["fields"][field]][:k]


def counts(result, k=3):
    return [(c["min"], c["max"]) for c in result["fields"]["count"]][:k]

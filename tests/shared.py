"""Where the shared specification data (../shared: seed articles, gold codings) is, if present.

The seed articles are real news articles, so they are not copied into this
repository; tests that need them skip when ../shared is not next to the checkout
(set ANNOTATOR_SHARED to point elsewhere).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ANNOTATOR_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold" / "seeds.json"

needs_seeds = pytest.mark.skipif(not (SEEDS.is_dir() and GOLD.is_file()),
                                 reason=f"the shared seed articles are not at {SHARED}")

"""Loading the engine's data files from ``resources/``.

The rules live in JSON files (groups, units, ranks, counts, triggers, places)
so that a supervisor can read and extend them without touching code. The
directory is ``<repo>/resources`` or the one named by ``ANNOTATOR_RESOURCES``.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

FILES = ("groups", "units", "ranks", "counts", "triggers", "places")


def resource_dir() -> Path:
    env = os.environ.get("ANNOTATOR_RESOURCES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "resources"


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The parsed ``resources/<name>.json``."""
    path = resource_dir() / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"The suggestion data file {path} is missing; reinstall annotator.") from None


@lru_cache(maxsize=None)
def data_hash() -> str:
    """Six hex digits that change whenever any data file changes."""
    h = hashlib.sha1()
    for name in FILES:
        path = resource_dir() / f"{name}.json"
        if path.exists():
            h.update(path.read_bytes())
    return h.hexdigest()[:6]


def alternation(words, flags: str = "") -> str:
    """A regex alternation of literal ``words``, longest first, whitespace flexible."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        esc = re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]").replace("’", "['’]")
        parts.append(esc)
    body = "|".join(parts) or "(?!x)x"
    return f"(?{flags}:{body})" if flags else f"(?:{body})"

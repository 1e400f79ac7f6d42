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
    from annotator.paths import RESOURCES
    return RESOURCES


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


def _atom(ch: str) -> str:
    if ch == " ":
        return r"\s+"
    if ch in "'’":
        return "['’]"
    return re.escape(ch)


def _trie_regex(node: dict) -> str:
    # node: char -> child; "" marks the end of a word. Longer matches are tried first.
    end = "" in node
    branches = [_atom(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if end:
        return "(?:" + body + ")?"
    return body


def alternation(words, flags: str = "", fold: bool = False) -> str:
    """A fast regex alternation of literal ``words`` built as a trie (so the
    regex engine does not try every word at every position); spaces match any
    whitespace and the two apostrophes match each other. Longest match wins."""
    trie: dict = {}
    for w in set(words):
        if not w:
            continue
        node = trie
        for ch in (w.lower() if "i" in flags else w).replace("’", "'"):
            node = node.setdefault(ch, {})
        node[""] = {}
    body = _trie_regex(trie) or "(?!x)x"
    return f"(?{flags}:{body})" if flags else f"(?:{body})"

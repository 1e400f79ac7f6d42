"""Field values: their shape per codebook field type, and conversions.

``FieldValue.value`` holds a small JSON object whose keys ("parts") depend on
the field type; the codebook's ``interchange`` map names the key of the
codings interchange format (GOLD_FORMAT.md) that holds each part:

=============  ==================================================  ==========================
type           value                                               compared (agreement) as
=============  ==================================================  ==========================
category       {"text": words, "key": vocabulary value}            the key (else folded text)
multi          {"text": words, "keys": [normalised values]}        the set of keys
count          {"text", "min", "max", "approx", "includes_family"} (min, max)
place          {"name", "admin1", "keys", "lat", "lon"}            the folded name
date           {"value": ISO at its precision, "text": words}      the ISO value
text           {"value": str}                                      the text
boolean        {"value": bool}                                     the value
article_ref    {"value": file name or article id}                  the value
evidence       {"sentences": [str], "spans": [[start, end]]}       (not compared)
=============  ==================================================  ==========================

Only the parts present are stored, so a value read from an interchange file is
written back with exactly the keys it came with.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from annotator.codebook import Field

PARTS = {
    "category": ("text", "key"),
    "multi": ("text", "keys"),
    "count": ("text", "min", "max", "approx", "includes_family"),
    "place": ("name", "admin1", "keys", "lat", "lon"),
    "date": ("value", "text"),
    "text": ("value",),
    "boolean": ("value",),
    "article_ref": ("value",),
    "evidence": ("sentences", "spans"),
}
MAIN_PART = {"category": "key", "multi": "keys", "count": "text", "place": "name", "date": "value",
             "text": "value", "boolean": "value", "article_ref": "value", "evidence": "sentences"}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


def empty(field: Field) -> dict[str, Any]:
    return {}


def is_empty(field: Field, value: Any) -> bool:
    if not value or not isinstance(value, dict):
        return True
    for part in PARTS[field.type]:
        v = value.get(part)
        if field.type == "boolean" and v is not None:
            return False
        if v not in (None, "", [], False):
            return False
    return True


def normalise(field: Field, value: dict[str, Any]) -> dict[str, Any]:
    """Fill derivable parts: a category's key from its text via the vocabulary."""
    value = dict(value or {})
    if field.type == "category":
        if "key" not in value and value.get("text"):  # an explicit null key stays null
            key = field.resolve(value["text"])
            if key:
                value["key"] = key
            elif field.allow_other:
                value["key"] = value["text"].strip()
    return value


def from_interchange(field: Field, event: dict[str, Any]) -> dict[str, Any] | None:
    """The value of ``field`` in an interchange event/article dict (None if no key of it is there)."""
    mapping = field.interchange or {MAIN_PART[field.type]: field.name}
    value: dict[str, Any] = {}
    for part, key in mapping.items():
        if key in event:
            value[part] = event[key]
    if not value:
        return None
    if field.type == "category" and "text" not in mapping and "key" in value and value["key"] is not None:
        resolved = field.resolve(value["key"])
        if resolved and resolved != value["key"]:
            value["text"] = value["key"]
            value["key"] = resolved
    return value


def to_interchange(field: Field, value: dict[str, Any] | None, *, full: bool = False) -> dict[str, Any]:
    """The interchange keys for ``value``; with ``full`` every mapped key appears (null when unknown)."""
    mapping = field.interchange or {MAIN_PART[field.type]: field.name}
    value = value or {}
    out: dict[str, Any] = {}
    for part, key in mapping.items():
        if part in value:
            out[key] = value[part]
        elif full and part in (MAIN_PART[field.type], "text", "min", "max", "admin1"):
            out[key] = [] if part in ("keys", "sentences") else None
    if field.type == "category" and "text" not in mapping and "key" in mapping:
        out[mapping["key"]] = value.get("key") if value.get("key") is not None else value.get("text")
    return out


def comparable(field: Field, value: dict[str, Any] | None) -> Any:
    """A hashable form of the value for agreement (None = empty / missing)."""
    if is_empty(field, value):
        return None
    t = field.type
    if t == "category":
        key = value.get("key") or field.resolve(value.get("text")) or value.get("text")
        return fold(key) if key else None
    if t == "multi":
        keys = value.get("keys") or []
        if not keys and value.get("text"):
            keys = [value["text"]]
        return frozenset(fold(k) for k in keys) or None
    if t == "count":
        if value.get("min") is None and value.get("max") is None:
            return None
        return (value.get("min"), value.get("max"))
    if t == "place":
        name = value.get("name")
        return canonical_place(name) if name else None
    if t in ("date", "text", "article_ref"):
        v = value.get("value")
        return fold(v) if isinstance(v, str) else v
    if t == "boolean":
        return value.get("value")
    return None


def display(field: Field, value: dict[str, Any] | None) -> str:
    """One line a person reads: in tables, exports and the disagreement view."""
    if is_empty(field, value):
        return ""
    t = field.type
    if t == "category":
        text, key = value.get("text"), value.get("key")
        return f"{key} ({text})" if text and key and fold(text) != fold(key) else (key or text or "")
    if t == "multi":
        keys = value.get("keys") or []
        return "; ".join(keys) if keys else (value.get("text") or "")
    if t == "count":
        lo, hi = value.get("min"), value.get("max")
        rng = "" if lo is None and hi is None else f" [{'' if lo is None else lo}-{'' if hi is None else hi}]"
        return f"{value.get('text') or ''}{rng}".strip()
    if t == "place":
        return ", ".join(x for x in (value.get("name"), value.get("admin1")) if x)
    if t == "date":
        return value.get("value") or (f"({value['text']})" if value.get("text") else "")
    if t == "boolean":
        return "yes" if value.get("value") else "no"
    if t == "evidence":
        return " / ".join(value.get("sentences") or [])
    v = value.get("value")
    return "" if v is None else str(v)


@lru_cache(maxsize=65536)
def canonical_place(name: str) -> str:
    """A place name as compared: the gazetteer's name for a Myanmar spelling variant (the coding rules:
    Papun = Hpapun, Karenni State = Kayah State), folded; any other name folded as written."""
    from annotator.suggest.places import lookup_place  # the gazetteer (loads no spaCy)
    hit = lookup_place(name)
    return fold(hit["name"] if hit and hit.get("admin1") else name)


"""Codebooks: the fields a coder fills, validated against schemas/codebook.schema.json.

A codebook is plain JSON. ``load_codebook`` validates it and raises
``CodebookError`` with one message naming the file, the JSON path and the
problem, e.g. ``schemas/mine.json: fields[3].type: 'cout' is not one of [...]``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from annotator.paths import CODEBOOK_SCHEMA, DEFAULT_CODEBOOK

DEFAULT_LEVEL = {
    "category": "nominal", "boolean": "nominal", "article_ref": "nominal", "place": "nominal",
    "date": "nominal", "count": "ratio", "multi": "set", "text": None, "evidence": None,
}


class CodebookError(ValueError):
    """A codebook that cannot be used; the message names file, JSON path and problem."""


@dataclass(frozen=True)
class Entry:
    value: str
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Field:
    name: str
    scope: str
    type: str
    label: str
    definition: str = ""
    required: bool = False
    shortcut: str | None = None
    level: str | None = None
    sources: tuple[str, ...] = ()
    vocabulary: tuple[Entry, ...] = ()
    allow_other: bool = True
    interchange: dict[str, str] = field(default_factory=dict)

    def resolve(self, text: str | None) -> str | None:
        """The vocabulary value that ``text`` names (value or alias, case-insensitive)."""
        if not text:
            return None
        return _alias_index(self.vocabulary).get(_fold(text))

    @property
    def choices(self) -> list[str]:
        return [e.value for e in self.vocabulary]


def _fold(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split()).casefold()


@lru_cache(maxsize=64)
def _alias_index(vocabulary: tuple[Entry, ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for entry in vocabulary:
        index.setdefault(_fold(entry.value), entry.value)
    for entry in vocabulary:
        for alias in entry.aliases:
            index.setdefault(_fold(alias), entry.value)
    return index


@dataclass(frozen=True)
class Codebook:
    name: str
    version: str
    title: str
    description: str
    fields: tuple[Field, ...]
    raw: dict[str, Any]

    @property
    def article_fields(self) -> list[Field]:
        return [f for f in self.fields if f.scope == "article"]

    @property
    def event_fields(self) -> list[Field]:
        return [f for f in self.fields if f.scope == "event"]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def has_field(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)

    def to_json(self) -> str:
        return json.dumps(self.raw, ensure_ascii=False, indent=1)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(CODEBOOK_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _json_path(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def parse_codebook(data: Any, source: str = "<codebook>") -> Codebook:
    """Validate ``data`` (already parsed JSON) and build a Codebook."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        # the deepest error is the most precise one ("fields[3].type: 'cout' is not one of ...")
        err = max(errors, key=lambda e: len(e.absolute_path))
        raise CodebookError(f"{source}: {_json_path(err.absolute_path)}: {err.message}")
    seen: set[str] = set()
    fields: list[Field] = []
    for i, f in enumerate(data["fields"]):
        if f["name"] in seen:
            raise CodebookError(f"{source}: fields[{i}].name: '{f['name']}' is used by two fields")
        seen.add(f["name"])
        vocab = tuple(Entry(e["value"], tuple(e.get("aliases", ())), e.get("description", "")) for e in f.get("vocabulary", ()))
        values = [e.value.casefold() for e in vocab]
        dup = {v for v in values if values.count(v) > 1}
        if dup:
            raise CodebookError(f"{source}: fields[{i}].vocabulary: value '{sorted(dup)[0]}' appears twice")
        fields.append(Field(
            name=f["name"], scope=f["scope"], type=f["type"], label=f.get("label") or f["name"].replace("_", " ").capitalize(),
            definition=f.get("definition", ""), required=bool(f.get("required", False)), shortcut=f.get("shortcut"),
            level=f.get("level", DEFAULT_LEVEL.get(f["type"])), sources=tuple(f.get("sources", ())),
            vocabulary=vocab, allow_other=bool(f.get("allow_other", True)), interchange=dict(f.get("interchange", {})),
        ))
    return Codebook(data["name"], data["version"], data.get("title", data["name"]), data.get("description", ""),
                    tuple(fields), data)


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook file (the default codebook when ``path`` is None)."""
    path = Path(path) if path else DEFAULT_CODEBOOK
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodebookError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise CodebookError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise CodebookError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CodebookError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    return parse_codebook(data, str(path))


def default_codebook() -> Codebook:
    return load_codebook(DEFAULT_CODEBOOK)

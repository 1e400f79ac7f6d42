"""The export's columns, generated from the codebook.

Every codebook field becomes one or more columns named after the field (so a
different codebook gives different columns without code changes):

=============  ===========================================================
field type     columns
=============  ===========================================================
category       NAME (vocabulary value, with a drop-down list), NAME_text
multi          NAME (normalised values joined with "; "), NAME_text
count          NAME_text, NAME_min, NAME_max (numbers), NAME_approx,
               NAME_includes_family
place          NAME, NAME_admin1, NAME_latitude, NAME_longitude
date           NAME (an Excel date when the day is known), NAME_iso, NAME_text
text, article_ref, boolean
               NAME
evidence       NAME (the sentences joined with " / ")
=============  ===========================================================

plus NAME_origin on the Events sheet: how the value arose (typed, suggested,
suggested_accepted, suggested_edited, imported, reconciled).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any, Callable

from annotator.codebook import Codebook, Field
from annotator.export.xlsx import Column

MULTI_SEP = "; "
EVIDENCE_SEP = " / "
_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def full_date(iso: Any) -> date | None:
    """The date of an ISO string when year, month and day are all known (else None)."""
    if not isinstance(iso, str):
        return None
    m = _FULL_DATE.match(iso)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def utc_datetime(iso: Any) -> datetime | None:
    """A stored UTC ISO timestamp as a naive UTC datetime (Excel has no time zones)."""
    if not isinstance(iso, str) or not iso:
        return None
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt.replace(microsecond=(dt.microsecond // 1000) * 1000)


def _num(x: Any) -> int | float | None:
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, (int, float)):
        return x
    if isinstance(x, str):
        try:
            f = float(x.replace(",", ""))
        except ValueError:
            return None
        return int(f) if f.is_integer() else f
    return None


def _text(x: Any) -> str | None:
    if x is None or x == "":
        return None
    return x if isinstance(x, str) else str(x)


def _join(items: Any, sep: str) -> str | None:
    if not items:
        return None
    if isinstance(items, str):
        return items
    return sep.join(str(i) for i in items if i not in (None, "")) or None


def _bool(x: Any) -> bool | None:
    return x if isinstance(x, bool) else None


class FieldColumns:
    """The columns of one codebook field and the cells of one value."""

    def __init__(self, field: Field, origin: bool, prefix: str = ""):
        self.field = field
        self.origin = origin
        n, t = prefix + field.name, field.type
        if t == "category":
            cols = [Column(n, choices=tuple(field.choices), strict=not field.allow_other), Column(f"{n}_text")]
        elif t == "multi":
            cols = [Column(n), Column(f"{n}_text")]
        elif t == "count":
            cols = [Column(f"{n}_text"), Column(f"{n}_min", "number"), Column(f"{n}_max", "number"),
                    Column(f"{n}_approx", "bool"), Column(f"{n}_includes_family", "bool")]
        elif t == "place":
            cols = [Column(n), Column(f"{n}_admin1"), Column(f"{n}_latitude", "number"),
                    Column(f"{n}_longitude", "number")]
        elif t == "date":
            cols = [Column(n, "date"), Column(f"{n}_iso"), Column(f"{n}_text")]
        elif t == "boolean":
            cols = [Column(n, "bool")]
        elif t == "evidence":
            cols = [Column(n, width=60)]
        else:  # text, article_ref
            cols = [Column(n)]
        if origin:
            cols.append(Column(f"{n}_origin"))
        self.columns = cols
        self.cells: Callable[[dict[str, Any] | None, str | None], list[Any]] = getattr(self, f"_{t}", self._value)
        self.blank = [None] * len(cols)

    def row(self, value: dict[str, Any] | None, origin: str | None) -> list[Any]:
        if not value:
            return self.blank
        out = self.cells(value)
        if self.origin:
            out.append(origin)
        return out

    # one method per field type: the cells of a (non-empty) value, origin not included
    def _category(self, v: dict[str, Any]) -> list[Any]:
        text, key = _text(v.get("text")), _text(v.get("key"))
        if key is None and text is not None:
            key = self.field.resolve(text) or (text if self.field.allow_other else None)
        return [key, text]

    def _multi(self, v: dict[str, Any]) -> list[Any]:
        text = _text(v.get("text"))
        return [_join(v.get("keys"), MULTI_SEP) or text, text]

    def _count(self, v: dict[str, Any]) -> list[Any]:
        return [_text(v.get("text")), _num(v.get("min")), _num(v.get("max")),
                _bool(v.get("approx")), _bool(v.get("includes_family"))]

    def _place(self, v: dict[str, Any]) -> list[Any]:
        return [_text(v.get("name")), _text(v.get("admin1")), _num(v.get("lat")), _num(v.get("lon"))]

    def _date(self, v: dict[str, Any]) -> list[Any]:
        iso = _text(v.get("value"))
        return [full_date(iso), iso, _text(v.get("text"))]

    def _boolean(self, v: dict[str, Any]) -> list[Any]:
        return [_bool(v.get("value"))]

    def _evidence(self, v: dict[str, Any]) -> list[Any]:
        return [_join(v.get("sentences"), EVIDENCE_SEP)]

    def _value(self, v: dict[str, Any]) -> list[Any]:
        return [_text(v.get("value"))]


ARTICLE_COLUMNS = [Column("article_id", width=38), Column("file"), Column("title", width=50), Column("outlet"),
                   Column("url", width=40), Column("published", "date"), Column("published_iso")]
EVENT_FIXED_BEFORE = [*ARTICLE_COLUMNS, Column("coder"), Column("event", "number", width=7)]
EVENT_FIXED_AFTER = [Column("coded_at_utc", "datetime")]


class EventLayout:
    """The Events sheet (and CSV) columns for a codebook."""

    def __init__(self, codebook: Codebook):
        self.fields = [FieldColumns(f, origin=True) for f in codebook.event_fields]
        self.columns = dedupe([*EVENT_FIXED_BEFORE, *(c for fc in self.fields for c in fc.columns),
                                *EVENT_FIXED_AFTER])

        self._plan = [(fc.field.name, fc.cells, fc.blank, fc.origin) for fc in self.fields]

    def row(self, article: list[Any], coder: str, position: int, values: dict[str, tuple[Any, str]],
            coded_at: datetime | None) -> list[Any]:
        out = [*article, coder, position]
        extend, append = out.extend, out.append
        get = values.get
        for name, cells, blank, origin in self._plan:  # FieldColumns.row, inlined: the hot loop
            vo = get(name)
            if vo is None or not vo[0]:
                extend(blank)
            else:
                extend(cells(vo[0]))
                if origin:
                    append(vo[1])
        append(coded_at)
        return out


def dedupe(columns: list[Column]) -> list[Column]:
    """Column names made unique (a codebook field may be called like a fixed column)."""
    seen: set[str] = set()
    out = []
    for c in columns:
        name, n = c.name, 2
        while name.casefold() in seen:
            name, n = f"{c.name}_{n}", n + 1
        seen.add(name.casefold())
        out.append(c if name == c.name else Column(name, c.kind, c.width, c.choices, c.strict))
    return out


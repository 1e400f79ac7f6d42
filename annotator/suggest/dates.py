"""Dates: explicit dates, months, years and weekdays, resolved against the
article's dateline or published date (``python-dateutil`` does the calendar
arithmetic). Values are ISO at the precision the text allows: 2024-01-24,
2023-11, 2024."""
from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

MONTHS = {m: i for i, ms in enumerate([("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
                                        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
                                        ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
                                        ("december", "dec")], 1) for m in ms}
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_FULL_MDY = re.compile(r"\b(?:" + _WD + r",?\s+)?" + _MON + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b")
_FULL_DMY = re.compile(r"\b(?:" + _WD + r",?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(?P<year>(?:19|20)\d\d)\b")
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<day>\d\d)\b")
_MD = re.compile(r"\b" + _MON + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s+\d{4})(?P<rel>\s+(?:last|this|next)\s+year)?")
_DM = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r"\b(?!,?\s+\d{4})")
_MY = re.compile(r"\b(?:(?:early|mid|late|mid-|end of|the end of)\s*)?" + _MON + r",?\s+(?P<year>(?:19|20)\d\d)\b")
_MONTH_ONLY = re.compile(r"\b(?:in|since|during|by|early|late|mid-?|this|last)\s+" + _MON.replace("May|", "") + r"\b(?!\s+\d)")
_YEAR = re.compile(r"\b(?:in|since|during|by|of|early|late|mid-?)\s+(?P<year>(?:19|20)\d\d)\b")
_WEEKDAY = re.compile(r"(?i)\b(?P<pre>on|last|this|early|late|since|on\s+the\s+night\s+of)?\s*(?P<wd>" + _WD + r")\b")
_RELATIVE = re.compile(r"(?i)\b(?P<what>yesterday|today|last\s+month|this\s+month|earlier\s+this\s+month|last\s+year|this\s+year|earlier\s+this\s+year|last\s+week|this\s+week)\b")


def _mk(y, m, d) -> str | None:
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_iso(s) -> dt.date | None:
    """A date from 'YYYY-MM-DD...' (or a date/datetime object); None when not a full date."""
    if not s:
        return None
    if isinstance(s, dt.datetime):
        return s.date()
    if isinstance(s, dt.date):
        return s
    try:
        return dt.date.fromisoformat(str(s).strip()[:10])
    except ValueError:
        return None


def dateline(text: str, limit: int = 3000) -> dt.date | None:
    """The article's own date: the last stand-alone date line before the body
    (saved pages often carry today's date in the site header first), else the
    first full date in the opening lines."""
    head = text[:limit]
    best = None
    pos = 0
    for line in head.split("\n"):
        s = line.strip()
        if len(s) > 150 and s.endswith((".", "”", '"')):
            break  # the body has started
        m = _FULL_MDY.search(s) or _FULL_DMY.search(s)
        if m and len(s) <= 60 + (m.end() - m.start()):
            d = _mk(m.group("year"), MONTHS[m.group("mon").lower().rstrip(".")], m.group("day"))
            if d:
                best = dt.date.fromisoformat(d)
        pos += len(line) + 1
    return best


def find_dates(text: str, ref: dt.date | None) -> list[dict]:
    """Date mentions: dicts with start, end, text, value (ISO or None), precision."""
    out: list[dict] = []
    taken = bytearray(len(text))

    def add(m, value, precision, group=0):
        s, e = m.start(group), m.end(group)
        if any(taken[s:e]):
            return
        taken[s:e] = b"\x01" * (e - s)
        out.append(dict(start=s, end=e, text=text[s:e], value=value, precision=precision))

    for rx in (_FULL_MDY, _FULL_DMY):
        for m in rx.finditer(text):
            add(m, _mk(m.group("year"), MONTHS[m.group("mon").lower().rstrip(".")], m.group("day")), "day")
    for m in _ISO.finditer(text):
        add(m, _mk(m.group("year"), m.group("m"), m.group("day")), "day")
    for m in _MY.finditer(text):
        add(m, f"{int(m.group('year')):04d}-{MONTHS[m.group('mon').lower().rstrip('.')]:02d}", "month")
    for rx in (_MD, _DM):
        for m in rx.finditer(text):
            if m.group("mon") == "May" and rx is _DM and not m.group("day"):
                continue
            mon = MONTHS[m.group("mon").lower().rstrip(".")]
            value = None
            if ref is None and 1 <= int(m.group("day")) <= 31:
                value = f"--{mon:02d}-{int(m.group('day')):02d}"  # day and month known, year not (GOLD_FORMAT)
            if ref is not None:
                year = ref.year
                rel = (m.groupdict().get("rel") or "").strip().lower()
                if rel.startswith("last"):
                    year -= 1
                elif not rel and (mon, int(m.group("day"))) > (ref.month, ref.day):
                    year -= 1  # a day later in the year than the dateline is last year's
                value = _mk(year, mon, m.group("day"))
            add(m, value, "day")
    for m in _MONTH_ONLY.finditer(text):
        mon = MONTHS[m.group("mon").lower().rstrip(".")]
        value = None
        if ref is not None:
            year = ref.year - (1 if mon > ref.month or "last" in m.group(0).lower() else 0)
            value = f"{year:04d}-{mon:02d}"
        add(m, value, "month", "mon")
    for m in _YEAR.finditer(text):
        add(m, m.group("year"), "year", "year")
    for m in _WEEKDAY.finditer(text):
        value = None
        if ref is not None:
            back = (ref.weekday() - WEEKDAYS[m.group("wd").lower()]) % 7
            if (m.group("pre") or "").lower() == "last" and back == 0:
                back = 7
            value = (ref - dt.timedelta(days=back)).isoformat()
        add(m, value, "day")
    for m in _RELATIVE.finditer(text):
        what = re.sub(r"\s+", " ", m.group("what").lower())
        value = None
        if ref is not None:
            if what == "yesterday":
                value = (ref - dt.timedelta(days=1)).isoformat()
            elif what == "today":
                value = ref.isoformat()
            elif what == "last month":
                value = (ref - relativedelta(months=1)).strftime("%Y-%m")
            elif what in ("this month", "earlier this month"):
                value = ref.strftime("%Y-%m")
            elif what == "last year":
                value = str(ref.year - 1)
            elif what in ("this year", "earlier this year"):
                value = str(ref.year)
        add(m, value, "relative")
    out.sort(key=lambda d: d["start"])
    return out

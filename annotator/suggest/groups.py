"""Armed groups and forces: aliases and abbreviations mapped to the codebook
values of ``actor`` and ``receiving_side`` (data: ``resources/groups.json``)."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from annotator.suggest.resources import alternation, load


@dataclass(frozen=True)
class Group:
    actor: str | None
    side: str | None
    generic: bool = False   # "resistance forces": a vague receiving side
    local: bool = False     # "junta", "regime": the article country's own military outside Myanmar


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", s).strip().lower()


@lru_cache(maxsize=1)
def _index():
    data = load("groups")
    by_alias: dict[str, Group] = {}
    by_abbr: dict[str, Group] = {}
    for e in data["groups"]:
        g = Group(e.get("value_actor"), e.get("value_side"), bool(e.get("generic_side")))
        local = Group(g.actor, g.side, g.generic, True)
        generic_here = {_fold(a) for a in e.get("generic_outside_myanmar", [])}
        for a in e.get("aliases", []):
            by_alias.setdefault(_fold(a), local if _fold(a) in generic_here else g)
        for a in e.get("abbreviations", []):
            by_abbr.setdefault(a, g)
    # "KIA-controlled territory", "KNLA-held area": the group holds the place they went to; "CDF-Hakha": a branch
    rx = re.compile(r"(?<![\w-])(?:" + alternation(by_alias, "i") + "|" + alternation(by_abbr) + r")"
                    r"(?=-(?:controlled|held|administered|run)\b|-(?-i:[A-Z][a-z]{2,})\b|(?![\w-]))")
    generic = data["generic_actor"]
    gen_map = {}
    for kind, words in generic.items():
        for w in words:
            gen_map[_fold(w)] = kind
    gen_rx = re.compile(r"(?<![\w-])" + alternation(gen_map, "i") + r"(?![\w-])")
    countries = data["countries"]
    c_words = {}
    for name, c in countries.items():
        for w in c["names"]:
            c_words[w] = name
    c_rx = re.compile(r"\b" + alternation(c_words) + r"\b")
    return by_alias, by_abbr, rx, gen_map, gen_rx, countries, c_words, c_rx


def find_groups(text: str) -> list[tuple[int, int, Group]]:
    """Named group mentions: (start, end, Group)."""
    by_alias, by_abbr, rx, *_ = _index()
    out = []
    for m in rx.finditer(text):
        s = m.group(0)
        g = by_abbr.get(s) or by_alias.get(_fold(s))
        if g is not None:
            out.append((m.start(), m.end(), g))
    return out


def find_generic_forces(text: str) -> list[tuple[int, int, str]]:
    """'soldiers', 'troops', 'police officers': (start, end, 'military'|'police')."""
    _, _, _, gen_map, gen_rx, *_ = _index()
    return [(m.start(), m.end(), gen_map[_fold(m.group(0))]) for m in gen_rx.finditer(text)]


def article_country(text: str, votes: dict[str, int] | None = None) -> tuple[str, str]:
    """(country, demonym) the article is mostly about; Myanmar when unclear.
    ``votes`` adds evidence found elsewhere (Myanmar places in the gazetteer)."""
    *_, countries, c_words, c_rx = _index()
    counts = Counter(c_words[m.group(0)] for m in c_rx.finditer(text))
    counts.update(votes or {})
    if not counts:
        return "Myanmar", countries["Myanmar"]["demonym"]
    name = max(counts, key=lambda c: (counts[c], c == "Myanmar"))  # a tie goes to Myanmar, the corpus default
    return name, countries[name]["demonym"]


def generic_value(kind: str, demonym: str) -> str:
    """'military' in a Sudanese story -> 'Sudanese Armed Forces' (countries.army_value), else '<demonym> military'."""
    if kind != "police":
        for c in _index()[5].values():
            if c["demonym"] == demonym and c.get("army_value"):
                return c["army_value"]
    return f"{demonym} {'police' if kind == 'police' else 'military'}"


def resolve_group(text: str) -> str | None:
    """The codebook value for a group as a coder typed it, or None.

    'junta' -> 'Myanmar military'; 'Karen National Union (KNU)' -> 'KNU/KNLA';
    'Three Brotherhood Alliance' -> 'Three Brotherhood Alliance'.
    """
    by_alias, by_abbr, rx, *_ = _index()
    s = (text or "").strip()
    if not s:
        return None
    g = by_abbr.get(s) or by_alias.get(_fold(s))
    if g is None:
        found = find_groups(s)
        if not found:
            kinds = find_generic_forces(s)
            if kinds:
                return generic_value(kinds[0][2], article_country(s)[1])
            return None
        g = found[0][2]
    return g.actor or g.side


def demonym_before(before: str) -> str | None:
    """The demonym when the words just before a force noun name a country ("Myanmar troops", "Russian soldiers")."""
    countries = _index()[5]
    m = re.search(r"([A-Z][a-z]+)(?:['’]s)?\s+(?:[a-z-]+\s+)?$", before)
    if not m:
        return None
    word = m.group(1)
    for name, c in countries.items():
        if word in (name, c["demonym"]) or (word == "Burmese" and name == "Myanmar"):
            return c["demonym"]
    return None

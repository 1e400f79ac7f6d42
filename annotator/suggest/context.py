"""Per-article facts shared by the extractors: weighted sentences, defection
triggers (``resources/triggers.json``), the reference date, the country of
the story, and cached rule matches; plus the relevance score."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from annotator.suggest import dates as _dates
from annotator.suggest import groups as _groups
from annotator.suggest import places as _places
from annotator.suggest import ranks as _ranks
from annotator.suggest import units as _units
from annotator.suggest.resources import load
from annotator.suggest.text import Sentence, split_sentences, unwrap

_NOT_NEGATION = re.compile(r"(?i)\bno\s+(?:fewer|less|more)\s+than\b|\bnot\s+(?:only|just)\b")  # "no fewer than 25 soldiers defected"


def _blank(m: re.Match) -> str:
    return " " * len(m.group(0))


_CIVIL_SUBJECT = re.compile(r"(?i)\b(?:young\s+(?:men|people|women)|youths?|civilians|residents|villagers|students|draft\s+(?:dodgers|evaders)|"
                            r"migrants|refugees|families)\s+(?:\w+\s+){0,2}?(?:to\s+|who\s+|have\s+|had\s+)?$")


_MYANMAR_ADMIN1 = {a["name"] for a in load("places")["admin1"] if "country" not in a}
_NEGATED = re.compile(r"(?i)\b(?:not|no|never|none|nobody|neither|nor|denied|deny|denies|refused|refuse|urg(?:e|es|ed|ing)|encourag\w+|call(?:ed|ing|s)?\s+(?:on|for|upon)|"
                      r"invit\w+|appeal\w*|demand\w*|ultimatum|threaten\w*|warn\w*|order(?:ed|s)?|forced|required|"
                      r"could|would|should|might|(?-i:may)|if|unless|whether|offer(?:ed|s|ing)?|ask(?:ed|s|ing)?|"
                      r"(?:ready|willing|free|chance|opportunity|allowed|wants?|wanted|wanting|wish(?:es|ed|ing)?|hop(?:e|es|ed|ing)|plan(?:s|ned|ning)?|intend\w*|"
                      r"tempted|persuad\w+|convinc\w+|lur(?:e|ed|ing)|consider(?:ed|ing|s)?|how|tr(?:y|ies|ied|ying)|attempt(?:s|ed|ing)?)\s+(?:\w+\s+){0,3}to|(?:misled|deceived|duped|tricked|led\s+astray)\s+into|"
                      r"hotline|reward\w*|incentives?)\b[^.]{0,40}$")
_THEN = re.compile(r"(?i)\b(?:and|but|then|before|later|eventually|instead)\s+(?:(?:\w+ly|then)\s+)?$")
_PAST = re.compile(r"(?i)(?:\w+ed|laid|gave|fled|went|ran|left|quit|crossed|broke|came|took|handed)\b")
_OF_COUNT = re.compile(r"(?i)\s+of\s+(?:the\s+)?(?:(?:more\s+than|over|about|some|nearly|at\s+least|another)\s+)?(?:\d[\d,]*|(?:two|three|four|five|six|seven|eight|"
                       r"nine|ten|eleven|twelve|dozens|scores|hundreds|a\s+(?:police|army|navy|junta)|an?\s+(?:officer|soldier|captain|major|sergeant))\b)")
_CIVILIAN = re.compile(r"(?i)\b(?:teachers?|doctors?|nurses?|health\s+(?:workers?|staff)|medics?|civil\s+servants?|government\s+(?:staff|employees|workers)|"
                       r"railway\s+workers?|bank\s+(?:staff|employees)|lecturers?|professors?|students?|engineers?|electricity\s+workers?)\b")
_FORCE_PEOPLE = re.compile(r"(?i)\b(?:soldiers?|troops|policem[ae]n|police\s+(?:officers?|personnel|sergeants?|captains?|majors?|lieutenants?|constables?)|"
                           r"constables?|servicem[ae]n|conscripts?|recruits?|militiam[ae]n|militia\s+members|sailors?|airm[ae]n|pilots?|"
                           r"battalions?|LIBs?|IBs?|BGF|privates|sergeants?|corporals?|captains?|lieutenants?|deserters?|defectors?|marines?)\b")
_OWN_FORCE = re.compile(r"\b(?:Myanmar|Burmese|Burma)(?:['’]s)?\s+(?:army\s+|military\s+|junta\s+|navy\s+|air\s+force\s+)?(?:soldiers?|troops|police(?:men|man)?|officers?|"
                        r"army|military|junta|navy|air\s+force|sailors|airmen|servicemen|deserters|defectors|pilots?)\b")
_DESTINATION = re.compile(r"\b(?:to|into|in|across\s+the\s+border\s+into|border\s+into)\s+(?:neighbou?ring\s+)?(India|Thailand|China|Bangladesh|Laos)\b")
_PRESENT = re.compile(r"(?i)(?:defects?|deserts?|surrenders?|joins?|switch(?:es)?|lays?|hands?|turns?|gives?|cross(?:es)?|flees?|leaves?|"
                      r"abandons?|raises?|comes?|go(?:es)?|seeks?|takes?|breaks?|refuses?)\b")
_HISTORY = re.compile(r"(?i)\b(?:in|during|since|of)\s+(?:the\s+)?(?:19[0-9]\d|200\d|201\d)\b|\b(?:decades?|years)\s+ago\b|\bhistor(?:y|ic|ical)\b|\banniversary\b|"
                      r"\bsince\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:coup|war\s+began|conflict\s+began|takeover)\b|\bso\s+far\b|\bto\s+date\b")
_TO_JUSTICE = re.compile(r"(?i)\s+(?:\w+\s+){0,2}?(?:to|at)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,2}?(?:police|authorities|court|investigators|prosecutors|"
                         r"detectives|FBI|embassy|magistrates?|judge)\b")
_POLICY = re.compile(r"(?i)\b(?:pardon\w*|amnesty|punish\w*|return\s+to\s+(?:their\s+)?(?:units?|barracks|duty|posts?)|decree|reward\w*|incentives?)\b")


@dataclass
class Mention:
    field: str
    value: object
    start: int
    end: int
    score: float
    extra: dict = field(default_factory=dict)


class Triggers:
    def __init__(self):
        data = load("triggers")
        self.weights = [t[1] for t in data["triggers"]]
        self.needs_people = [len(t) > 2 and t[2] == "people" for t in data["triggers"]]
        self.people = re.compile(r"(?i)\b(?:" + data["people_nouns"] + r")\b")
        self.rx = re.compile(r"(?i)\b(?:" + "|".join(f"(?P<t{i}>{t[0]})" for i, t in enumerate(data["triggers"])) + r")\b")
        self.force = re.compile(r"(?i)\b(?:" + data["force_nouns"] + r")\b")
        self.background = re.compile(r"(?i)" + data["background_cues"])
        self.negative = re.compile(r"(?i)\b(?:" + "|".join(data["negative"]) + r")\b")
        self.strong_force = re.compile(r"(?i)\b(?:soldiers?|troops?|army|military|police(?:men|man)?|junta|battalions?|militia(?:men)?|servicem[ae]n|tatmadaw)\b")

    def find(self, text: str) -> list[tuple[int, int, float, bool]]:
        return [(m.start(), m.end(), self.weights[i], self.needs_people[i])
                for m in self.rx.finditer(text) for i in (int(m.lastgroup[1:]),)]


class Context:
    """Per-article facts shared by the extractors: sentences with weights,
    trigger positions, the reference date and the article's country."""

    def __init__(self, text: str, trig: Triggers, published: str | None):
        self.text = unwrap(text)  # same length and offsets; hard line wraps become spaces
        self.trig = trig
        self.sents: list[Sentence] = split_sentences(text) or [Sentence(0, len(text), 1.0)]
        self.starts = [s.start for s in self.sents]
        self.triggers = []
        for s, e, w, people in trig.find(self.text):
            if _NEGATED.search(_NOT_NEGATION.sub(_blank, self.text[max(0, s - 60):s])) and not (
                    _THEN.search(self.text, max(0, s - 20), s) and _PAST.match(self.text, s)):
                continue  # "refused to fight and surrendered": the refusal is not the surrender's
            if people:
                sent = self.sents[self.sent_of(s)]
                if not trig.people.search(self.text, sent.start, sent.end):
                    continue  # "young men fled to Thailand": not soldiers
                if _CIVIL_SUBJECT.search(self.text, max(sent.start, s - 50), s):
                    continue  # "prompted thousands of young men to flee to Thailand, and officials fear soldiers could desert"
            if re.search(r"(?i)\b(?:who|that)\s+$", self.text[max(0, s - 6):s]) and _PRESENT.match(self.text, s):
                continue  # "soldiers who surrender with their weapons would be protected": anyone who might
            if re.fullmatch(r"(?i)(?:defection|desertion|surrender)s?", self.text[s:e]) and _OF_COUNT.match(self.text, e):
                w = max(w, 0.95)  # "The defection of 37 police officers to the KIA": a report, not talk about defections
            if re.search(r"(?i)\b(?:the|these|those|of|for)\s+$", self.text[max(0, s - 8):s]) and re.match(r"(?i)\w+ed$", self.text[s:e]):
                w *= 0.5  # "the surrendered soldiers would be treated ...": an adjective, not a report
            self.triggers.append((s, e, w))
        self.sent_trig: dict[int, list[tuple[int, int, float]]] = {}
        for t in self.triggers:
            self.sent_trig.setdefault(self.sent_of(t[0]), []).append(t)
        self.ref = _dates.parse_iso(published) or _dates.dateline(text)
        self._ranks: list[dict] | None = None
        self._units: list[dict] | None = None
        self._groups: list | None = None
        self._background: dict[int, bool] = {}
        self.gaz_found = _places.gazetteer().find(self.text)
        myanmar_places = sum(1 for p in self.gaz_found if p["level"] in ("place", "admin1") and p["lat"] is not None
                             and 9 < p["lat"] < 29 and 92 < (p["lon"] or 0) < 101.5 and p["admin1"] in _MYANMAR_ADMIN1)
        votes = {"Myanmar": 2 * myanmar_places + 3 * len(_OWN_FORCE.findall(self.text))}
        for m in _DESTINATION.finditer(self.text):
            votes[m.group(1)] = votes.get(m.group(1), 0) - 1  # "crossed into India": where they went, not whose story
        self.country, self.demonym = _groups.article_country(self.text, votes)
        countries = load("groups")["countries"]
        self.country_names = set(countries) | {"Myanmar", "Burma", "Thailand", "China", "India", "Bangladesh", "Laos"}
        self.country_words = {self.country, "Burma", "Myanmar"} if self.country == "Myanmar" else {self.country}

    def groups(self) -> list:
        if self._groups is None:
            self._groups = _groups.find_groups(self.text)
        return self._groups

    def units(self) -> list[dict]:
        if self._units is None:
            self._units = _units.find_units(self.text)
        return self._units

    def ranks(self) -> list[dict]:
        if self._ranks is None:
            self._ranks = _ranks.find_ranks(self.text)
        return self._ranks

    def floor(self, pos: int, back: int) -> int:
        """Where a look-behind window of ``back`` characters starts, never before the sentence."""
        return max(self.sents[self.sent_of(pos)].start, pos - back, 0)

    def sent_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def trigger_in_sentence(self, pos: int) -> bool:
        return self.sent_of(pos) in self.sent_trig

    def trigger_before(self, pos: int, within: int) -> bool:
        return any(s < pos and pos - e <= within for s, e, w in self.sent_trig.get(self.sent_of(pos), ()))

    def is_background(self, pos: int) -> bool:
        si = self.sent_of(pos)
        hit = self._background.get(si)
        if hit is None:
            s = self.sents[si]
            hit = self._background[si] = bool(self.trig.background.search(self.text, s.start, s.end))
        return hit

    def background_near(self, start: int, end: int, window: int = 60) -> bool:
        """A background cue ("since the coup", "so far", "last year") in the words around a mention, within its sentence."""
        sent = self.sents[self.sent_of(start)]
        return bool(self.trig.background.search(self.text, max(sent.start, start - window), min(sent.end, end + window)))

    def score(self, start: int, end: int, base: float) -> float:
        si = self.sent_of(start)
        sent = self.sents[si]
        sc = base * (0.6 + 0.4 * sent.weight)
        trig = self.sent_trig.get(si)
        if trig:
            dist = min(max(0, s - end, start - e) for s, e, w in trig)
            w = max(w for s, e, w in trig)
            sc += 0.4 * w * sent.weight * (1.0 - min(dist, 300) / 600)
        else:
            near = [self.sent_trig.get(si - 1), self.sent_trig.get(si + 1)]
            if any(near):
                sc += 0.08 * sent.weight
            else:
                sc -= 0.1
        return sc

    def excerpt(self, indices: list[int]) -> tuple[str, list[tuple[int, int, int]]]:
        """The sentences ``indices`` joined by newlines, with the pieces to
        map offsets back: (excerpt, [(excerpt_start, text_start, length)])."""
        parts, pieces, pos = [], [], 0
        for si in sorted(indices):
            if 0 <= si < len(self.sents):
                sent = self.sents[si]
                parts.append(self.text[sent.start:sent.end])
                pieces.append((pos, sent.start, sent.end - sent.start))
                pos += sent.end - sent.start + 1
        return "\n".join(parts), pieces

    def relevance(self, mentions=()) -> float:
        # sentences that say who, how many, where or when (a count, unit, rank, place or date): a report, not talk
        concrete: set[int] = set()
        for m in mentions:
            if m.field in ("count", "unit", "rank", "location", "date") and m.score >= 0.3 and not m.extra.get("part"):
                concrete.add(self.sent_of(m.start))
        # teachers, doctors or civil servants on strike, and no soldier or policeman anywhere: the civilian CDM
        civilian = bool(_CIVILIAN.search(self.text)) and not _FORCE_PEOPLE.search(self.text)
        hits = []
        for s, e, w in self.triggers:
            si = self.sent_of(s)
            sent = self.sents[si]
            rest = self.text[sent.start:s] + " " + self.text[e:sent.end]
            force = 1.0 if self.trig.force.search(rest) else 0.35
            near = self.text[max(sent.start, s - 50):min(sent.end, e + 40)]
            near = re.sub(r"(?i)\b(?:retired|former|ex-?|veteran)\s+(?:\w+\s+)?\w+", " ", near)  # "a retired army colonel" is no force
            near = re.sub(r"(?i)\b(?:junta|military|army|regime)-(?:backed|allied|aligned|appointed|run|linked|affiliated|controlled|sponsored|drafted)\b", " ", near)  # "the junta-backed USDP"
            if self.trig.negative.search(rest) and not self.trig.strong_force.search(near):
                force = 0.1  # "lawmakers defected from the party", "a retired army colonel ... they had switched sides"
            if _POLICY.search(rest):
                force *= 0.4  # "will pardon deserters who return to their units": policy, not an event
            if _TO_JUSTICE.match(self.text, e) and not self.trig.strong_force.search(self.text, max(sent.start, s - 60), s):
                force = 0.1  # "the suspect surrendered to police": justice, not a defection
            if _HISTORY.search(self.text, max(sent.start, s - 80), min(sent.end, e + 80)):
                force *= 0.6  # "in 1988 some soldiers joined the protesters", "since the coup": background, not news
            if civilian:
                force *= 0.3
            if mentions and si not in concrete:
                force *= 0.6  # "the defections that resistance groups have reported": no one, nowhere, at no time
            hits.append((w * sent.weight * force, sent.weight))
        # headline-like lines (a page's own title, but also related-post titles) and teasers only back up the body
        body = any(sw >= 0.5 and sw != 0.8 and h >= 0.3 for h, sw in hits)
        hits = sorted((h if body or (sw != 0.8 and sw >= 0.5) else h * 0.4 for h, sw in hits), reverse=True)
        p = 1.0
        for h in hits[:6]:
            p *= 1 - 0.75 * h
        return round(min(0.99, max(0.01, 1 - p)), 3)

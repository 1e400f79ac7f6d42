"""Rules of engine version 3 (batches o-r of our own articles): more ways a
defection is told, receiving sides in the reverse direction and next to a
country, counts that beat vaguer or first figures, named officers counted
together, family totals, dates told relative to another day, and relevance
for talk without a report. The sentences are our own writing."""
from __future__ import annotations

import datetime as dt

import pytest

from annotator.suggest.counts import find_counts
from annotator.suggest.dates import find_dates
from annotator.suggest.ranks import find_ranks
from annotator.suggest.units import unit_keys
from tests.suggest_helpers import HEAD, counts, engine, values  # noqa: F401  (engine: fixture)


@pytest.mark.parametrize("sentence", [
    "Twenty soldiers from IB 47 refused to fight and surrendered to the AA on Sunday.",
    "Fifteen junta troops gave up without a fight at an outpost near Hpapun on Sunday.",
    "Three navy sailors jumped ship in Kawthaung on Sunday and were sheltered by the KNU.",
    "Eleven soldiers from the Thandaunggyi camp have gone over to the KNU on Sunday, the group said.",
    "Two privates from Infantry Battalion 45 slipped away from their unit near Myaung on Sunday night and reached "
    "a village held by the local resistance the next morning, a PDF commander said.",
    "Four police officers from the Ye Township police force, including a police sergeant, have accepted the National "
    "Unity Government's offer and crossed to a liberated area, the Mon State Revolutionary Force said on Tuesday.",
    "A police corporal from the Hpakant police station and his wife fled to territory controlled by the Kachin "
    "Independence Army (KIA) late last month, a KIA official said.",
    "Six soldiers stationed in Yesagyo have fled their unit and are now with the local resistance, a PDF leader said on Sunday.",
    "Ten soldiers from LIB 428 put their hands up and came out of their bunker on Sunday as KNDF fighters closed in.",
    "Seven militiamen in Yinmabin renounced their allegiance to the junta on Sunday and handed in their guns to the PDF.",
    "Eight soldiers who abandoned their outpost in Hpruso on Sunday have reached KNDF lines.",
])
def test_more_ways_of_telling_a_defection_are_relevant(engine, sentence):
    assert engine.suggest(HEAD + sentence)["relevant"] >= 0.5


@pytest.mark.parametrize("text", [
    "Min Aung Hlaing vows army will never surrender\nDate: 2024-03-27\n\nSenior General Min Aung Hlaing told troops at "
    "the Armed Forces Day parade in Naypyitaw that the military would never surrender to \"terrorists\". He urged soldiers "
    "to remain loyal and said those who had been misled into joining the resistance could return.\n\nHe did not mention "
    "recent battlefield losses or the defections that resistance groups have reported.",
    "Teachers mark three years of strike\nDate: 2024-06-01\n\nThousands of teachers who joined the Civil Disobedience "
    "Movement after the coup remain on strike, a teachers' union said on Friday. Many deserted their classrooms in "
    "February 2021 rather than work under the regime.",
    "Investors desert Yangon bourse as kyat surrenders gains\nDate: 2024-07-10\n\nInvestors deserted the Yangon Stock "
    "Exchange on Wednesday as the kyat surrendered its gains of the past month, traders said.",
])
def test_talk_without_a_report_is_not_relevant(engine, text):
    assert engine.suggest(text)["relevant"] < 0.5


@pytest.mark.parametrize("text", [
    "Striking teachers say they will never go back\nDate: 2024-03-01\n\nMore than 100,000 teachers and health workers who "
    "joined the Civil Disobedience Movement in 2021 are still refusing to work for the junta, a union said. Many deserted their "
    "posts after the coup. \"We defected from the military's system,\" said one teacher in Yangon.",
    "Six lawmakers switch sides in Rakhine assembly\nDate: 2024-03-01\n\nSix members of the Rakhine State assembly, including a "
    "retired brigadier general, switched sides on Thursday and joined the ruling party, giving it a majority. \"The opposition "
    "deserted the people long ago,\" one of them said.",
])
def test_civilians_and_politicians_are_no_defection(engine, text):
    assert engine.suggest(text)["relevant"] < 0.5


def test_resistance_members_surrendering_to_the_tatmadaw(engine):
    r = engine.suggest(HEAD + "Seven members of a People's Defence Force group in Myaing Township surrendered to the "
                              "Tatmadaw on Thursday and \"returned to the legal fold\", state media reported.")
    assert values(r, "receiving_side")[:1] == ["Myanmar military"]
    assert "Myanmar military" not in values(r, "actor")


def test_country_is_no_second_receiver_next_to_its_authorities(engine):
    r = engine.suggest(HEAD + "About 150 people, 61 soldiers and their family members, crossed into Thailand on Monday "
                              "night and handed themselves over to Thai authorities, a Thai army source said.")
    assert values(r, "receiving_side") == ["Thai authorities"]
    assert counts(r)[:1] == [(61, 61)]


@pytest.mark.parametrize("sentence,expected", [
    ("Dozens of police officers from Kale joined local defence forces over the past week. He said at least 26 officers "
     "had come over since September 4.", (26, None)),
    ("The AA said more than 200 soldiers had surrendered on Saturday. On Monday, it put the figure at 236, including 17 officers.",
     (236, 236)),
    ("Sgt. Maj. Kyaw Lin and Cpl. Aung Naing, both from Infantry Battalion 87, walked away from their post in Mawlaik on "
     "March 2 and joined the Mawlaik People's Defence Force.", (2, 2)),
    ("Second Lt. Zaw Min Htet, L/Cpl. Hla Win and three privates from Infantry Battalion 99 defected to the Kachin "
     "Independence Army on Tuesday.", (5, 5)),
    ("The deputy commander of Light Infantry Battalion 508, a major, defected to the NUG on Wednesday with four soldiers.", (5, 5)),
    ("The platoon commander, a second lieutenant, and 18 of his soldiers left the camp on 3 June and handed themselves "
     "over to CDF-Mindat fighters.", (19, 19)),
    ("Three soldiers from Infantry Battalion 19 defected to the Karen National Liberation Army along with their "
     "families – 11 people in all – last week.", (3, 3)),
])
def test_counts(engine, sentence, expected):
    assert counts(engine.suggest(HEAD + sentence))[:1] == [expected]


def test_count_phrases():
    def first(t):
        c = find_counts(t)[0]
        return c["min"], c["max"]
    assert first("four or five soldiers surrendered") == (4, 5)
    assert first("100-odd soldiers") == (100, None)
    assert first("the entire 35-member garrison") == (35, 35)
    assert [(c["min"], c.get("total_with_family", False)) for c in find_counts(
        "148 people, including 57 militia members and 91 relatives")][:2] == [(148, True), (57, False)]


def test_unit_numbers_are_not_counts_of_families():
    assert unit_keys("Light Infantry Battalion 540 and 16 of their family members") == ["LIB 540"]
    assert unit_keys("Light Infantry Battalions 545 and 546, handed") == ["LIB 545", "LIB 546"]


@pytest.mark.parametrize("text,value", [
    ("Staff Sgt. Aung", "staff sergeant"), ("W/O Aung Min", "warrant officer"), ("Flight Lt. Aung", "flight lieutenant"),
    ("Second Lt. Zaw Min Htet", "second lieutenant"), ("led by a BGF major", "major"),
    ("the commander of Infantry Battalion 32", "battalion commander"),
])
def test_rank_spellings(text, value):
    assert [r["value"] for r in find_ranks(text)][-1] == value


def test_relative_dates():
    ref = dt.date(2024, 1, 17)
    found = {d["text"]: d["value"] for d in find_dates(
        "The groups said on Tuesday that 35 soldiers had surrendered the previous day.", ref)}
    assert found["the previous day"] == "2024-01-15"
    assert {d["text"]: d["value"] for d in find_dates("In April, 23 conscripts deserted. In May, ten more.", dt.date(2024, 5, 20))} == \
        {"April": "2024-04", "May": "2024-05"}
    assert {d["text"]: d["value"] for d in find_dates("joined over the past week", dt.date(2023, 9, 12))} == \
        {"over the past week": "2023-09"}


def test_live_blog_entry_is_dated_to_the_article(engine):
    r = engine.suggest("LIVE: Fighting for Myawaddy\nDate: 2024-04-10\n\n11:40 – Around 70 soldiers from Infantry "
                       "Battalion 275 have surrendered to the KNLA, the Karen National Union says.\n")
    assert values(r, "date")[:1] == ["2024-04-10"]


@pytest.mark.parametrize("sentence,expected", [
    ("Eight soldiers surrendered in Falam on Sunday. The Chinland Defense Force released a video showing them with their weapons.", ["CDF"]),
    ("Thirty soldiers surrendered on Sunday to resistance forces led by the KNDF near Demoso.", ["KNDF"]),
    ("About 40 soldiers surrendered on Sunday to a joint force of the TNLA and the MNDAA in Kyaukme.", ["TNLA", "MNDAA"]),
    ("Sixteen soldiers defected on Sunday. They are being sheltered by the National Unity Government in a liberated area.", ["NUG"]),
    ("Fifteen soldiers surrendered on Friday near Hpakant. The KIA said it had taken them in.", ["KIA"]),
    ("A lance corporal from LIB 345 absconded with his rifle on Sunday and reached a KNLA camp.", ["KNU/KNLA"]),
    ("Eight soldiers fled their base near Kalay on Sunday and are now in PDF hands.", ["PDF"]),
])
def test_receiving_sides(engine, sentence, expected):
    assert values(engine.suggest(HEAD + sentence), "receiving_side")[:len(expected)] == expected


@pytest.mark.parametrize("sentence", [
    "The defection of 37 police officers to the KIA in Bhamo on Sunday is the largest in Kachin State this year.",
    "It was the third defection from the battalion this month: on Sunday a sergeant and two privates left for the KNLA.",
    "The 37 police officers, who had been besieged for a week, handed over the Bhamo station to the KIA on Sunday.",
])
def test_reports_told_with_nouns_and_handovers_are_relevant(engine, sentence):
    assert engine.suggest(HEAD + sentence)["relevant"] >= 0.5


def test_a_destination_country_is_not_the_story_country(engine):
    r = engine.suggest("Police officers flee to India\nDate: 2021-03-10\n\nNineteen Myanmar police officers crossed into India's "
                       "Mizoram state over the past week and asked for refuge, refusing orders to shoot protesters, Indian officials "
                       "said. More than 40 police in Tamu have joined the civil disobedience movement, and some 600 have fled to "
                       "India since the coup.")
    assert values(r, "actor")[:1] == ["Myanmar police"]
    assert "India" in values(r, "receiving_side")

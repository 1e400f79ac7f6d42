"""Suggestion rules added for unseen articles: header and dateline dates,
weekdays and relative dates, background dates, ranks in plural, abbreviated
and police forms, relevance traps (politics, quotes, invitations, sport),
sites and stations as places, lists of ranks as one count, receiving sides
named by "its fighters" or an asylum request, and events with mode and
salience. The sentences are our own writing."""
from __future__ import annotations

import json

import pytest

from annotator.cli.main import main
from annotator.suggest import SuggestionEngine, normalise_rank
from annotator.suggest.counts import find_counts
from annotator.suggest.dates import dateline, find_dates
from annotator.suggest.ranks import find_ranks


@pytest.fixture(scope="module")
def rules_engine():
    return SuggestionEngine(model=None)


def values(result, field, k=3):
    return [c["value"] for c in result["fields"][field]][:k]


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize("text,expected", [
    ("Two soldiers defect\nDate: 2023-04-12\n\nTwo soldiers defected on Tuesday.", "2023-04-12"),
    ("Two soldiers defect\nPublished: 12 April 2023\n\nTwo soldiers defected on Tuesday.", "2023-04-12"),
    ("Two soldiers defect\nPosted on: April 12, 2023\n\nTwo soldiers defected on Tuesday.", "2023-04-12"),
    ("HPAPUN, 3 March 2022 — Twelve soldiers from the Myanmar military left their camp in Hpapun Township on "
     "Wednesday and handed themselves over to the Karen National Liberation Army, the group said in a statement.", "2022-03-03"),
    ("KHARTOUM, Sudan, March 3, 2022 (AP) — Two officers defected.", "2022-03-03"),
])
def test_dateline_reads_header_lines_and_datelines(text, expected):
    assert str(dateline(text)) == expected


def test_cli_takes_the_published_date_from_the_file_header(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("Soldiers defect in Hpapun\nDate: 2024-03-14\n\nAbout 60 soldiers from LIB 104 defected to the "
                 "Karen National Liberation Army (KNLA) on Tuesday, the group said.\n", encoding="utf-8")
    assert main(["suggest", "--json", "--model", "none", str(f)]) == 0
    out = json.loads(capsys.readouterr().out.splitlines()[0])
    dates = [c["value"] for c in out["fields"]["date"]]
    assert dates[0] == "2024-03-12"  # the Tuesday on or before Thursday 14 March
    assert "2024-03-14" not in dates  # the header line is the publication date, not the event's


@pytest.mark.parametrize("words,ref,expected", [
    ("on Tuesday", "2024-03-14", "2024-03-12"),
    ("on Thursday", "2024-03-14", "2024-03-14"),  # the same day: on or before the publication date
    ("yesterday", "2023-09-07", "2023-09-06"),
    ("last week", "2024-02-16", "2024-02"),  # 5-11 February
    ("last week", "2024-03-06", "2024"),  # 26 February - 3 March: only the year is certain
    ("earlier this month", "2024-03-06", "2024-03"),
    ("last month", "2024-01-10", "2023-12"),
    ("last year", "2024-01-10", "2023"),
    ("two days ago", "2024-05-16", "2024-05-14"),
    ("three weeks ago", "2024-05-16", "2024-04"),
    ("at the end of March", "2024-05-16", "2024-03"),
])
def test_weekdays_and_relative_dates_resolve_with_their_precision(words, ref, expected):
    import datetime as dt
    found = find_dates(f"Ten soldiers defected {words}.", dt.date.fromisoformat(ref))
    assert [d["value"] for d in found] == [expected]


def test_background_and_said_dates_rank_below_the_event_date(rules_engine):
    text = ("Date: 2024-02-16\n\nThe Arakan Army said on Thursday that 27 soldiers from LIB 376 had surrendered to it "
            "last week. The battalion had been in the area since the February 2021 coup, and a law passed in 2022 "
            "keeps soldiers from leaving.")
    r = rules_engine.suggest(text)
    dates = values(r, "date")
    assert dates[0] == "2024-02"
    assert "2024-02-15" not in dates and "2021-02" not in dates and "2022" not in dates


# --------------------------------------------------------------------------- ranks

@pytest.mark.parametrize("words,expected", [
    ("two company commanders", ["company commander"]),
    ("three sergeants", ["sergeant"]),
    ("a corporal and 11 privates", ["corporal", "private"]),
    ("Pte. Denis Kravtsov", ["private"]),
    ("Lance Corporal Aung", ["lance corporal"]),
    ("a warrant officer and a second lieutenant", ["warrant officer", "second lieutenant"]),
    ("a police sergeant and two police lieutenants", ["police sergeant", "police lieutenant"]),
    ("the station commander, a police Capt., and a Cpl.", ["station commander", "police captain", "corporal"]),
    ("Police Capt. Thet Naing Soe", ["police captain"]),
    ("an acting major", ["acting major"]),
    ("the deputy battalion commander", ["deputy battalion commander"]),
    ("a former police colonel", ["former police colonel"]),
    ("a police inspector", ["police inspector"]),
    ("another Syrian general and 12 officers", ["general"]),
])
def test_rank_forms(words, expected):
    assert [r["value"] for r in find_ranks(words)] == expected


def test_rank_abbreviations_normalise():
    assert normalise_rank("L/Cpl") == "lance corporal"
    assert normalise_rank("Pol. Capt.") == "police captain"
    assert normalise_rank("Sgt. Maj.") == "sergeant major"


def test_ranks_of_the_group_count_and_speakers_do_not(rules_engine):
    text = ("About 30 soldiers from LIB 512 surrendered to the Karenni Nationalities Defense Force (KNDF) on Tuesday. "
            "KNDF spokesperson Khu Reh Do said the men had run out of water. Among them were a Maj. and two company "
            "commanders, he said. A commander of the Karenni Army said the prisoners were safe. The junta's spokesman "
            "Maj-Gen Zaw Min Tun did not answer calls.")
    ranks = values(rules_engine.suggest(text, published="2023-11-20"), "rank", 5)
    assert "major" in ranks and "company commander" in ranks
    assert "major general" not in ranks and "commander" not in ranks


# --------------------------------------------------------------------------- relevance traps

@pytest.mark.parametrize("text", [
    "Six members of the state assembly defected from the ruling coalition to the opposition on Tuesday. The six "
    "lawmakers, including a retired army colonel, said they had switched sides because the government had failed "
    "the interior. \"They have deserted the party,\" a lawyer said.",
    "Resistance fighters ambushed a junta convoy near Gangaw on Monday, killing 17 soldiers. \"We will never "
    "surrender,\" a commander said. The villages along the road had been deserted by their inhabitants.",
    "The NUG urges junta soldiers to defect. Soldiers who surrender with their weapons would be protected, and those "
    "who could choose to join the CDM would be paid, the ministry said. It hoped more troops would lay down their arms.",
    "Yangon United signed a Thai defender to strengthen a defence that conceded 41 goals. The club's captain left "
    "his old club for a starting place, and the transfer window closes this month.",
])
def test_relevance_traps_score_low(rules_engine, text):
    r = rules_engine.suggest(text)
    assert r["relevant"] < 0.5
    assert r["events"] == []


# --------------------------------------------------------------------------- counts, places, sides

def test_a_list_of_ranks_is_one_count():
    c = [x for x in find_counts("Two sergeants and a lance corporal from IB 97 defected.") if not x.get("part")]
    assert [(x["min"], x["max"]) for x in c] == [(3, 3)]
    c = [x for x in find_counts("Nine soldiers and a police officer defected.") if not x.get("part")]
    assert sorted(x["min"] for x in c) == [1, 9]  # two forces: two figures


def test_populations_and_station_numbers_are_not_counts():
    assert find_counts("Monywa, a town of about 400,000 people, is calm.") == []
    assert [c["min"] for c in find_counts("He left the Monywa No. 2 police station.")] == []


def test_sites_stations_and_towns(rules_engine):
    text = ("About 60 soldiers surrendered to the KNDF after their hilltop outpost east of Loikaw was surrounded. "
            "In a separate incident, 30 troops laid down their arms at a checkpoint on the road between Demoso and "
            "Loikaw on Saturday.")
    locs = values(rules_engine.suggest(text, published="2023-11-20"), "location", 5)
    assert "hilltop outpost east of Loikaw" in locs
    assert "checkpoint on the road between Demoso and Loikaw" in locs


def test_demonyms_regions_and_speakers_places(engine_with_model):
    text = ("Three Russian soldiers surrendered to Ukrainian troops near Bakhmut in the eastern Donetsk region last "
            "week. In a separate incident, a Russian soldier surrendered to a Ukrainian drone unit near Avdiivka, a "
            "security analyst in Kharkiv said.")
    locs = values(engine_with_model.suggest(text, published="2023-08-10"), "location", 3)
    assert locs[:2] == ["Bakhmut", "Avdiivka"] or set(locs[:2]) == {"Bakhmut", "Avdiivka"}
    assert "Ukrainian" not in locs and "Kharkiv" not in locs


@pytest.fixture(scope="module")
def engine_with_model():
    return SuggestionEngine()


def test_receiving_side_from_its_fighters_and_asylum(rules_engine):
    r = rules_engine.suggest("The Ta'ang National Liberation Army (TNLA), an ally of the MNDAA in the Three "
                             "Brotherhood Alliance, said about 40 soldiers had surrendered to its fighters near Namhkam.")
    assert values(r, "receiving_side", 1) == ["TNLA"]
    r = rules_engine.suggest("A soldier from LIB 355 swam across the river on Wednesday night and asked Thai "
                             "authorities for asylum, Thai border police said.")
    assert values(r, "receiving_side", 1) == ["Thai authorities"]
    r = rules_engine.suggest("Fourteen soldiers abandoned their positions near Mese and crossed into Thailand, "
                             "Thai border officials said.")
    assert "Thailand" not in values(r, "receiving_side")  # plain flight abroad is desertion


# --------------------------------------------------------------------------- events

def test_events_carry_mode_salience_and_the_ranks_of_detail_sentences(rules_engine):
    text = ("Date: 2024-03-14\n\nAbout 60 soldiers from LIB 104 laid down their arms and crossed over to the Karen "
            "National Liberation Army (KNLA) on Tuesday near Kaw Lu Der Village in Hpapun Township.\n\n"
            "The group included the battalion's deputy battalion commander and two company commanders, the KNLA said.\n\n"
            "Last month, a sergeant from IB 19 deserted from his post in Thaton.\n\n"
            "More than 14,000 soldiers and police have defected since the 2021 coup, according to a defectors' group.")
    events = rules_engine.suggest(text)["events"]
    main_ev = events[0]
    assert main_ev["unit"] == ["LIB 104"] and main_ev["count"]["min"] == 60
    assert main_ev["mode"] == "surrender" and main_ev["salience"] == "main"
    assert "deputy battalion commander" in main_ev["rank"] and "company commander" in main_ev["rank"]
    assert main_ev["date"] == "2024-03-12"
    others = events[1:]
    assert others and all(e["salience"] == "background" for e in others)
    assert any(e["mode"] == "aggregate" for e in others)
    assert any(e["mode"] == "desert" for e in others)


@pytest.mark.parametrize("sentence,mode", [
    ("Scores of BGF fighters switched sides and joined the KNLA in attacks on junta positions.", "side-switch"),
    ("Twelve soldiers deserted and turned themselves over to the Karen National Union.", "desert/defect"),
    ("Two police officers joined the Civil Disobedience Movement on Monday.", "defect"),
    ("Fourteen soldiers abandoned their posts and fled, their families said.", "desert"),
])
def test_event_mode_follows_the_trigger(rules_engine, sentence, mode):
    events = rules_engine.suggest(sentence)["events"]
    assert events and events[0]["mode"] == mode


def test_invitations_make_no_events(rules_engine):
    text = ("More than 14,000 soldiers have defected since the coup, the NUG said. The NUG encouraged troops to "
            "defect, citing a policy that supports defectors surrendering with weapons.")
    events = rules_engine.suggest(text)["events"]
    assert len(events) == 1 and events[0]["mode"] == "aggregate"


# --------------------------------------------------------------------------- later rules

def test_weekend_and_scope_words():
    import datetime as dt
    found = find_dates("Seventeen soldiers went AWOL over the weekend.", dt.date(2024, 8, 20))
    assert [d["value"] for d in found] == ["2024-08"]  # 17-18 August


def test_scopes_are_not_event_dates(rules_engine):
    r = rules_engine.suggest("Date: 2024-09-27\n\nEight sailors defected to the Arakan Army (AA) on Wednesday, the first "
                             "defection from the navy in Rakhine State this year.")
    assert values(r, "date") == ["2024-09-25"]


def test_groups_no_data_file_knows_are_offered_as_written(rules_engine):
    r = rules_engine.suggest("A militia leader and 30 of his members switched sides and joined the Yaw Defence Force (YDF) "
                             "on Tuesday, handing over 25 guns.")
    assert "Yaw Defence Force" in values(r, "receiving_side")
    assert (31, 31) in [(c["min"], c["max"]) for c in r["fields"]["count"][:2]]


def test_a_group_that_received_defectors_is_the_receiving_side(rules_engine):
    r = rules_engine.suggest("A corporal and four privates left their base in Hmawbi on Oct. 5 and reached territory "
                             "held by the Karen National Liberation Army. The KNLA confirmed it had received five defectors.",
                             published="2024-10-09")
    assert values(r, "receiving_side", 1) == ["KNU/KNLA"]
    assert values(r, "date", 1) == ["2024-10-05"]
    assert (5, 5) in [(c["min"], c["max"]) for c in r["fields"]["count"][:1]]


def test_related_links_alone_do_not_make_a_page_relevant(rules_engine):
    page = ("Home\nNews\nJunta sets December date for election\n"
            "The election commission said on Thursday that the first phase of the vote will be held in December in 102 "
            "townships, despite fighting across much of the country, and that parties must register by October.\n"
            "Related Posts\nTwenty soldiers defect to KNLA in Hpapun...\nPolice officers join CDM in Mandalay...\n"
            "KNDF says junta troops surrendered in Loikaw...\nMost Read\n")
    r = rules_engine.suggest(page)
    assert r["relevant"] < 0.5 and r["events"] == []


def test_thai_forces_are_named_as_written(rules_engine):
    r = rules_engine.suggest("About 200 soldiers crossed into Thailand on Tuesday and surrendered to the Thai army after "
                             "their positions near Myawaddy were overrun.")
    assert values(r, "receiving_side", 1) == ["Thai army"]


def test_deadlines_are_ahead_and_not_event_dates(rules_engine):
    import datetime as dt
    assert [d["value"] for d in find_dates("if they return by June 30", dt.date(2024, 5, 2))] == ["2024-06-30"]
    r = rules_engine.suggest("Date: 2024-05-02\n\nThe military said soldiers who deserted their units would not be "
                             "punished if they returned by June 30.")
    assert r["relevant"] < 0.5 and "2024-06-30" not in values(r, "date")


def test_defected_with_n_soldiers_counts_him_too():
    c = [x for x in find_counts("Captain Aung Ko Ko Lwin, 34, defected with 11 soldiers to the KNDF.") if not x.get("part")]
    assert [(x["min"], x["max"], x["text"]) for x in c] == [(12, 12, "defected with 11 soldiers")]


def test_web_page_lines_are_not_unwrapped(rules_engine):
    page = ("Over 30 Junta Soldiers Surrender to AA in Rakhine's Ann Township\nBy The Irrawaddy 16 January 2024\n"
            "AA fighters with weapons handed over by junta troops in Ann Township. / AA\n"
            "More than 30 soldiers from Light Infantry Battalion 373 surrendered to the Arakan Army (AA) near Kha Maung "
            "Seik village in Ann Township on Jan. 14, the AA said on Tuesday.\n")
    r = rules_engine.suggest(page)
    assert values(r, "date") == ["2024-01-14"]  # the byline date is the page's, not the event's


@pytest.mark.parametrize("text", [
    "A man wanted for murder surrendered to police in Mandalay on Monday. The suspect turned himself in at the township "
    "police station with his lawyer and was charged.",
    "Her husband deserted her and their three children last year, the woman told the court.",
    "Residents handed over 40 illegal guns to the authorities during the amnesty, officials said.",
    "The team surrendered a two-goal lead in the second half and lost the championship match.",
])
def test_more_traps_score_low(rules_engine, text):
    assert rules_engine.suggest(text)["relevant"] < 0.5


@pytest.mark.parametrize("text", [
    "Eleven soldiers ran away from Light Infantry Battalion 101 in Pakokku on Sunday night.",
    "Five soldiers crossed the border into India and handed themselves in to the Assam Rifles.",
    "About 25 Border Guard Force fighters switched to the Karen National Liberation Army near Kyondoe.",
    "Two soldiers put down their weapons and capitulated after a week-long siege.",
    "Three police officers resigned from the police in protest and joined the strike.",
])
def test_more_defection_words(rules_engine, text):
    assert rules_engine.suggest(text)["relevant"] >= 0.5


@pytest.mark.parametrize("words,lo,hi", [
    ("30-40 soldiers surrendered", 30, 40), ("between 30 and 40 soldiers surrendered", 30, 40), ("30 to 40 troops fled", 30, 40),
])
def test_count_ranges(words, lo, hi):
    assert [(c["min"], c["max"]) for c in find_counts(words)] == [(lo, hi)]


def test_territory_held_by_a_group(rules_engine):
    r = rules_engine.suggest("Six soldiers deserted from their base in Waingmaw and fled to KIA-controlled territory on Monday.")
    assert values(r, "receiving_side", 1) == ["KIA"]


@pytest.mark.parametrize("text", [
    "Twenty soldiers raised a white flag and walked out of the hilltop camp on Friday.",
    "A platoon of soldiers turned against the junta and sided with the resistance in Gangaw.",
    "Four policemen slipped out of the Monywa No. 2 police station and fled to a PDF-held area.",
    "The 40-strong garrison handed over the outpost to the Arakan Army after a week-long siege.",
    "Two officers and 30 soldiers laid down their guns near Hpapun.",
])
def test_still_more_defection_words(rules_engine, text):
    assert rules_engine.suggest(text)["relevant"] >= 0.5


def test_ranked_lists_and_strength_counts():
    assert [(c["min"], c["max"]) for c in find_counts("two officers and 30 soldiers defected") if not c.get("part")] == [(32, 32)]
    assert [(c["min"], c["max"]) for c in find_counts("the 40-strong garrison surrendered")] == [(40, 40)]


def test_surrendered_to_them_is_the_group_named_before(rules_engine):
    r = rules_engine.suggest("The KNLA said it had surrounded the camp for a week. On Friday, 20 soldiers surrendered to them.")
    assert values(r, "receiving_side", 1) == ["KNU/KNLA"]


def test_history_alone_is_background(rules_engine):
    text = ("A photo exhibition on the 1988 uprising opened in Yangon on Saturday. It recalls how, in 1988, some soldiers "
            "and airmen defected and joined the protesters before the army crushed the movement.")
    assert rules_engine.suggest(text)["relevant"] < 0.5

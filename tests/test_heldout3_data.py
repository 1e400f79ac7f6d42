"""The third held-out evaluation set is well formed.

tests/data/heldout3/ holds twenty original articles of our own, written blind for
evaluation only (never used to build the suggestion engine), and their gold coding
in the interchange format; the shared checks are in tests/heldout_checks.py.
"""
from __future__ import annotations

import re

import pytest

from tests.heldout_checks import SCORER, GoldSet

SET = GoldSet("heldout3")


def test_gold_is_a_list_of_articles():
    SET.check_gold_list(20)


def test_every_gold_file_exists_and_every_article_is_coded():
    SET.check_files()


def test_relevance_matches_events_and_there_are_traps():
    SET.check_traps(5, without_main=[])  # every relevant article has a main event


def test_articles_are_plain_text_of_news_length():
    SET.check_lengths(150, 700)
    for article in SET.gold:
        lines = SET.text(article["file"]).splitlines()
        assert lines[1].startswith("Outlet: "), article["file"]
        assert re.fullmatch(r"Date: \d{4}-\d{2}-\d{2}", lines[2]), article["file"]
        assert lines[3].startswith("URL: https://") and ".example.org/" in lines[3], article["file"]
        assert lines[4] == "", article["file"]


def test_header_lines_are_read_by_the_importer():
    assert SET.count_date_lines() == 20


def test_the_set_covers_what_it_should():
    events = [e for _, _, e in SET.events]
    modes = {e["mode"] for e in events}
    assert {"defect", "desert", "surrender", "side-switch", "aggregate"} <= modes
    assert any(e.get("count_includes_family") for e in events)
    assert any(e["count_min"] is not None and e["count_max"] is None for e in events)
    assert any(e["count_min"] is not None and e["count_max"] is not None and e["count_min"] < e["count_max"]
               for e in events)
    assert any(e["salience"] == "background" for e in events)
    assert any(len([e for e in a["events"] if e["salience"] == "main"]) >= 2 for a in SET.gold)


@pytest.mark.parametrize("name,index,event", SET.events, ids=SET.ids)
def test_evidence_is_verbatim(name, index, event):
    SET.check_evidence(name, index, event)


@pytest.mark.parametrize("name,index,event", SET.events, ids=SET.ids)
def test_event_fields(name, index, event):
    SET.check_event_fields(name, index, event)


@pytest.mark.parametrize("name,index,event", SET.events, ids=SET.ids)
def test_weekdays_resolve_to_the_last_such_day_before_the_date_line(name, index, event):
    SET.check_weekday(name, index, event)


@pytest.mark.skipif(not SCORER.is_file(), reason=f"the shared scorer is not at {SCORER}")
def test_the_shared_scorer_accepts_the_gold_and_a_perfect_run_scores_one(tmp_path):
    SET.check_perfect_run_scores_one(tmp_path)

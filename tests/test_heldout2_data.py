"""The second held-out evaluation set is well formed.

tests/data/heldout2/ holds twenty original articles written for evaluation only
(never used to build the suggestion engine) and their gold coding in the
interchange format; the checks are in tests/heldout_checks.py.
"""
from __future__ import annotations

import pytest

from tests.heldout_checks import SCORER, GoldSet

SET = GoldSet("heldout2")


def test_gold_is_a_list_of_articles():
    SET.check_gold_list(20)


def test_every_gold_file_exists_and_every_article_is_coded():
    SET.check_files()


def test_relevance_matches_events_and_there_are_traps():
    # every relevant article but the background-only one has a main event
    SET.check_traps(5, without_main=["012_conscription_batch_background_desertion.txt"])


def test_articles_are_plain_text_of_news_length():
    SET.check_lengths(200, 1000)


def test_header_lines_are_read_by_the_importer():
    assert SET.count_date_lines() >= 15


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

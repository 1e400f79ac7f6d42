"""The held-out evaluation set is well formed.

tests/data/heldout/ holds articles written for evaluation only (never used to
build the suggestion engine) and their gold coding in the interchange format
(docs: GOLD_FORMAT.md).  These checks keep the gold usable by the scorer:
it parses, names existing files, quotes its evidence verbatim and codes counts
as consistent ranges.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

HELDOUT = Path(__file__).parent / "data" / "heldout"
ARTICLES = HELDOUT / "articles"
GOLD_PATH = HELDOUT / "gold.json"

MODES = {"defect", "desert", "desert/defect", "surrender", "side-switch", "announced", "aggregate"}
SALIENCE = {"main", "background"}
DATE_RX = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?|--\d{2}-\d{2})$")


def _gold() -> list[dict]:
    return json.loads(GOLD_PATH.read_text(encoding="utf-8"))


def _text(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


GOLD = _gold()
EVENTS = [(a["file"], i, e) for a in GOLD for i, e in enumerate(a.get("events") or [])]


def test_gold_is_a_list_of_articles():
    assert isinstance(GOLD, list) and GOLD
    for article in GOLD:
        assert {"file", "relevant", "events"} <= set(article), article.get("file")
        assert isinstance(article["relevant"], bool)
        assert isinstance(article["events"], list)


def test_every_gold_file_exists_and_every_article_is_coded():
    names = [a["file"] for a in GOLD]
    assert len(names) == len(set(names)), "an article is coded twice"
    for name in names:
        assert (ARTICLES / name).is_file(), name
    on_disk = sorted(p.name for p in ARTICLES.glob("*.txt"))
    assert sorted(names) == on_disk


def test_relevance_matches_events():
    for article in GOLD:
        if article["relevant"]:
            assert article["events"], f"{article['file']}: relevant but no events"
        else:
            assert not article["events"], f"{article['file']}: irrelevant but has events"


def test_articles_are_plain_text_of_news_length():
    for article in GOLD:
        text = _text(article["file"])
        words = len(text.split())
        assert 300 <= words <= 1500, (article["file"], words)
        assert text.splitlines()[0].strip(), f"{article['file']}: no headline on the first line"


@pytest.mark.parametrize("name,index,event", EVENTS, ids=[f"{n}#{i}" for n, i, _ in EVENTS])
def test_evidence_is_verbatim(name, index, event):
    text = _text(name)
    assert event.get("evidence"), f"{name} event {index}: no evidence"
    for sentence in event["evidence"]:
        assert sentence in text, f"{name} event {index}: evidence not in the article: {sentence[:80]!r}"


@pytest.mark.parametrize("name,index,event", EVENTS, ids=[f"{n}#{i}" for n, i, _ in EVENTS])
def test_event_fields(name, index, event):
    assert event.get("actor"), f"{name} event {index}: no actor"
    lo, hi = event.get("count_min"), event.get("count_max")
    for bound in (lo, hi):
        assert bound is None or (isinstance(bound, int) and bound >= 0)
    if lo is not None and hi is not None:
        assert lo <= hi, f"{name} event {index}: count_min > count_max"
    if hi is not None:
        assert lo is not None, f"{name} event {index}: a max without a min"
    assert event.get("mode") in MODES, (name, index, event.get("mode"))
    assert event.get("salience") in SALIENCE, (name, index, event.get("salience"))
    assert isinstance(event.get("unit_keys", []), list)
    assert isinstance(event.get("rank", []), list)
    for key in event.get("unit_keys", []):
        assert re.fullmatch(r"[A-Z]+ \d+", key), (name, index, key)
    d = event.get("date")
    if d is not None:
        assert DATE_RX.match(d), (name, index, d)
        if len(d) == 10 and not d.startswith("--"):
            date.fromisoformat(d)
    if event.get("date_text"):
        assert event["date_text"].lower() in _text(name).lower(), (name, index, event["date_text"])

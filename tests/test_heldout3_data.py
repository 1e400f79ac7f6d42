"""The third held-out evaluation set is well formed.

tests/data/heldout3/ holds twenty original articles of our own, written blind for
evaluation only (never used to build the suggestion engine), and their gold coding in the
interchange format (docs: GOLD_FORMAT.md, CODING_RULES.md).  These checks keep
the gold usable by the scorer: it parses, names existing files, quotes its
evidence verbatim, codes counts as consistent ranges and resolves weekday
references against the article's date line.
"""
from __future__ import annotations

import importlib.util
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.shared import SHARED

HELDOUT = Path(__file__).parent / "data" / "heldout3"
ARTICLES = HELDOUT / "articles"
GOLD_PATH = HELDOUT / "gold.json"
SCORER = SHARED / "tools" / "score_suggestions.py"

MODES = {"defect", "desert", "desert/defect", "surrender", "side-switch", "announced", "aggregate"}
SALIENCE = {"main", "background"}
DATE_RX = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?|--\d{2}-\d{2})$")
FILE_RX = re.compile(r"^\d{3}_[a-z0-9_]+\.txt$")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
EVENT_KEYS = {"actor", "receiving_side", "receiving_side_key", "unit", "unit_keys", "count_text", "count_min",
              "count_max", "rank", "location", "location_admin1", "date", "date_text", "mode", "salience", "evidence"}


def _gold() -> list[dict]:
    return json.loads(GOLD_PATH.read_text(encoding="utf-8"))


def _text(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


def _date_line(name: str) -> date | None:
    m = re.search(r"^Date:\s*(\d{4}-\d{2}-\d{2})\s*$", _text(name), re.M)
    return date.fromisoformat(m.group(1)) if m else None


GOLD = _gold()
EVENTS = [(a["file"], i, e) for a in GOLD for i, e in enumerate(a.get("events") or [])]
IDS = [f"{n}#{i}" for n, i, _ in EVENTS]


def test_gold_is_a_list_of_articles():
    assert isinstance(GOLD, list) and len(GOLD) == 20
    for article in GOLD:
        assert {"file", "relevant", "events"} <= set(article), article.get("file")
        assert isinstance(article["relevant"], bool)
        assert isinstance(article["events"], list)
        assert article.get("near_duplicate_of") is None


def test_every_gold_file_exists_and_every_article_is_coded():
    names = [a["file"] for a in GOLD]
    assert len(names) == len(set(names)), "an article is coded twice"
    for name in names:
        assert FILE_RX.match(name), name
        assert (ARTICLES / name).is_file(), name
    on_disk = sorted(p.name for p in ARTICLES.glob("*"))
    assert sorted(names) == on_disk


def test_relevance_matches_events_and_there_are_traps():
    for article in GOLD:
        if article["relevant"]:
            assert article["events"], f"{article['file']}: relevant but no events"
        else:
            assert not article["events"], f"{article['file']}: irrelevant but has events"
            assert article.get("notes"), f"{article['file']}: a trap article should say what the trap is"
    traps = [a for a in GOLD if not a["relevant"]]
    assert len(traps) == 5
    # every relevant article has a main event
    no_main = [a["file"] for a in GOLD if a["relevant"] and not any(e["salience"] == "main" for e in a["events"])]
    assert no_main == []


def test_articles_are_plain_text_of_news_length():
    for article in GOLD:
        text = _text(article["file"])
        words = len(text.split())
        assert 150 <= words <= 700, (article["file"], words)
        assert text.splitlines()[0].strip(), f"{article['file']}: no headline on the first line"
        assert "\r" not in text
        lines = text.splitlines()
        assert lines[1].startswith("Outlet: "), article["file"]
        assert re.fullmatch(r"Date: \d{4}-\d{2}-\d{2}", lines[2]), article["file"]
        assert lines[3].startswith("URL: https://") and ".example.org/" in lines[3], article["file"]
        assert lines[4] == "", article["file"]


def test_header_lines_are_read_by_the_importer():
    from annotator.importer.formats import read_plain

    with_date_line = 0
    for article in GOLD:
        path = ARTICLES / article["file"]
        [rec] = list(read_plain(path, path.read_bytes()))
        assert rec.title, article["file"]
        if rec.published:
            with_date_line += 1
            assert rec.outlet, f"{article['file']}: a header block without an outlet"
            assert _date_line(article["file"]) == date.fromisoformat(rec.published)
    assert with_date_line == 20


def test_the_set_covers_what_it_should():
    events = [e for _, _, e in EVENTS]
    modes = {e["mode"] for e in events}
    assert {"defect", "desert", "surrender", "side-switch", "aggregate"} <= modes
    assert any(e.get("count_includes_family") for e in events)
    assert any(e["count_min"] is not None and e["count_max"] is None for e in events)
    assert any(e["count_min"] is not None and e["count_max"] is not None and e["count_min"] < e["count_max"]
               for e in events)
    assert any(e["salience"] == "background" for e in events)
    assert any(len([e for e in a["events"] if e["salience"] == "main"]) >= 2 for a in GOLD)


@pytest.mark.parametrize("name,index,event", EVENTS, ids=IDS)
def test_evidence_is_verbatim(name, index, event):
    text = _text(name)
    assert event.get("evidence"), f"{name} event {index}: no evidence"
    for sentence in event["evidence"]:
        assert sentence in text, f"{name} event {index}: evidence not in the article: {sentence[:80]!r}"


@pytest.mark.parametrize("name,index,event", EVENTS, ids=IDS)
def test_event_fields(name, index, event):
    assert EVENT_KEYS <= set(event), (name, index, EVENT_KEYS - set(event))
    assert event.get("actor"), f"{name} event {index}: no actor"
    lo, hi = event.get("count_min"), event.get("count_max")
    for bound in (lo, hi):
        assert bound is None or (isinstance(bound, int) and not isinstance(bound, bool) and bound >= 0)
    if lo is not None and hi is not None:
        assert lo <= hi, f"{name} event {index}: count_min > count_max"
    if hi is not None:
        assert lo is not None, f"{name} event {index}: a max without a min"
    if event.get("count_approx"):
        assert lo is not None and lo == hi, f"{name} event {index}: an approximate count is a point"
    assert event.get("mode") in MODES, (name, index, event.get("mode"))
    assert event.get("salience") in SALIENCE, (name, index, event.get("salience"))
    assert isinstance(event["unit_keys"], list)
    assert isinstance(event["rank"], list)
    for key in event["unit_keys"]:
        assert re.fullmatch(r"[A-Z]+ \d+", key), (name, index, key)
    for key in event.get("location_keys", []):
        assert key == key.lower() and key.strip(), (name, index, key)
    if event.get("receiving_side_key"):
        assert event.get("receiving_side"), (name, index)
    if event.get("location_admin1"):
        assert isinstance(event["location_admin1"], str)
    d = event.get("date")
    if d is not None:
        assert DATE_RX.match(d), (name, index, d)
        if len(d) == 10 and not d.startswith("--"):
            date.fromisoformat(d)
    if event.get("date_text"):
        assert event["date_text"].lower() in _text(name).lower(), (name, index, event["date_text"])


@pytest.mark.parametrize("name,index,event", EVENTS, ids=IDS)
def test_weekdays_resolve_to_the_last_such_day_before_the_date_line(name, index, event):
    text = (event.get("date_text") or "").lower()
    day = next((w for w in WEEKDAYS if w in text), None)
    published = _date_line(name)
    if day is None or published is None or event.get("date") is None:
        return
    expected = published - timedelta(days=(published.weekday() - WEEKDAYS.index(day) - 1) % 7 + 1)
    assert event["date"] == expected.isoformat(), (name, index, event["date"], expected)


@pytest.mark.skipif(not SCORER.is_file(), reason=f"the shared scorer is not at {SCORER}")
def test_the_shared_scorer_accepts_the_gold_and_a_perfect_run_scores_one(tmp_path):
    spec = importlib.util.spec_from_file_location("score_suggestions", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    lines = []
    for article in GOLD:
        fields: dict[str, list] = {f: [] for f in scorer.FIELDS}
        for e in article["events"]:
            if e["salience"] != "main":
                continue
            fields["actor"].append({"value": e["actor"]})
            if e.get("receiving_side_key"):
                fields["receiving_side"].append({"value": e["receiving_side_key"]})
            fields["unit"] += [{"value": k} for k in e["unit_keys"]]
            if e["count_min"] is not None:
                fields["count"].append({"value": e["count_text"], "min": e["count_min"], "max": e["count_max"]})
            fields["rank"] += [{"value": r} for r in e["rank"]]
            if e.get("location"):
                fields["location"].append({"value": (e.get("location_keys") or [e["location"]])[0]})
            if e.get("date"):
                fields["date"].append({"value": e["date"]})
        lines.append(json.dumps({"file": article["file"], "relevant": float(article["relevant"]), "fields": fields}))
    path = tmp_path / "perfect.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = scorer.score(GOLD, scorer.load_suggestions(path), k=50)
    assert report["missing"] == []
    assert report["relevance_accuracy"] == 1.0
    for field, values in report["fields"].items():
        if values["recall"] is not None:
            assert values["recall"] == 1.0, field
            assert values["precision"] == 1.0, field

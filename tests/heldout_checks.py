"""Checks shared by the evaluation sets' data tests (tests/data/heldout2, heldout3).

Each set holds original articles written for evaluation only and their gold
coding in the interchange format (docs: GOLD_FORMAT.md, CODING_RULES.md). These
checks keep the gold usable by the scorer: it parses, names existing files,
quotes its evidence verbatim, codes counts as consistent ranges and resolves
weekday references against the article's date line.
"""
from __future__ import annotations

import importlib.util
import json
import re
from datetime import date, timedelta
from pathlib import Path

from tests.shared import SHARED

DATA = Path(__file__).parent / "data"
SCORER = SHARED / "tools" / "score_suggestions.py"

MODES = {"defect", "desert", "desert/defect", "surrender", "side-switch", "announced", "aggregate"}
SALIENCE = {"main", "background"}
DATE_RX = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?|--\d{2}-\d{2})$")
FILE_RX = re.compile(r"^\d{3}_[a-z0-9_]+\.txt$")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
EVENT_KEYS = {"actor", "receiving_side", "receiving_side_key", "unit", "unit_keys", "count_text", "count_min",
              "count_max", "rank", "location", "location_admin1", "date", "date_text", "mode", "salience", "evidence"}


class GoldSet:
    """One evaluation set: ``tests/data/<name>/articles`` and ``gold.json``."""

    def __init__(self, name: str):
        self.articles = DATA / name / "articles"
        self.gold = json.loads((DATA / name / "gold.json").read_text(encoding="utf-8"))
        self.events = [(a["file"], i, e) for a in self.gold for i, e in enumerate(a.get("events") or [])]
        self.ids = [f"{n}#{i}" for n, i, _ in self.events]

    def text(self, name: str) -> str:
        return (self.articles / name).read_text(encoding="utf-8")

    def date_line(self, name: str) -> date | None:
        m = re.search(r"^Date:\s*(\d{4}-\d{2}-\d{2})\s*$", self.text(name), re.M)
        return date.fromisoformat(m.group(1)) if m else None

    # ------------------------------------------------------------- whole-set checks
    def check_gold_list(self, n_articles: int) -> None:
        assert isinstance(self.gold, list) and len(self.gold) == n_articles
        for article in self.gold:
            assert {"file", "relevant", "events"} <= set(article), article.get("file")
            assert isinstance(article["relevant"], bool)
            assert isinstance(article["events"], list)
            assert article.get("near_duplicate_of") is None

    def check_files(self) -> None:
        names = [a["file"] for a in self.gold]
        assert len(names) == len(set(names)), "an article is coded twice"
        for name in names:
            assert FILE_RX.match(name), name
            assert (self.articles / name).is_file(), name
        on_disk = sorted(p.name for p in self.articles.glob("*"))
        assert sorted(names) == on_disk

    def check_traps(self, n_traps: int, without_main: list[str]) -> None:
        for article in self.gold:
            if article["relevant"]:
                assert article["events"], f"{article['file']}: relevant but no events"
            else:
                assert not article["events"], f"{article['file']}: irrelevant but has events"
                assert article.get("notes"), f"{article['file']}: a trap article should say what the trap is"
        traps = [a for a in self.gold if not a["relevant"]]
        assert len(traps) == n_traps
        no_main = [a["file"] for a in self.gold
                   if a["relevant"] and not any(e["salience"] == "main" for e in a["events"])]
        assert no_main == without_main

    def check_lengths(self, lo: int, hi: int) -> None:
        for article in self.gold:
            text = self.text(article["file"])
            words = len(text.split())
            assert lo <= words <= hi, (article["file"], words)
            assert text.splitlines()[0].strip(), f"{article['file']}: no headline on the first line"
            assert "\r" not in text

    def count_date_lines(self) -> int:
        """How many articles have a header block the importer reads (with a date); checks each one."""
        from annotator.importer.formats import read_plain

        with_date_line = 0
        for article in self.gold:
            path = self.articles / article["file"]
            [rec] = list(read_plain(path, path.read_bytes()))
            assert rec.title, article["file"]
            if rec.published:
                with_date_line += 1
                assert rec.outlet, f"{article['file']}: a header block without an outlet"
                assert self.date_line(article["file"]) == date.fromisoformat(rec.published)
        return with_date_line

    # ------------------------------------------------------------- per-event checks
    def check_evidence(self, name: str, index: int, event: dict) -> None:
        text = self.text(name)
        assert event.get("evidence"), f"{name} event {index}: no evidence"
        for sentence in event["evidence"]:
            assert sentence in text, f"{name} event {index}: evidence not in the article: {sentence[:80]!r}"

    def check_event_fields(self, name: str, index: int, event: dict) -> None:
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
            assert event["date_text"].lower() in self.text(name).lower(), (name, index, event["date_text"])

    def check_weekday(self, name: str, index: int, event: dict) -> None:
        text = (event.get("date_text") or "").lower()
        day = next((w for w in WEEKDAYS if w in text), None)
        published = self.date_line(name)
        if day is None or published is None or event.get("date") is None:
            return
        expected = published - timedelta(days=(published.weekday() - WEEKDAYS.index(day) - 1) % 7 + 1)
        assert event["date"] == expected.isoformat(), (name, index, event["date"], expected)

    # ------------------------------------------------------------- the shared scorer
    def check_perfect_run_scores_one(self, tmp_path: Path) -> None:
        spec = importlib.util.spec_from_file_location("score_suggestions", SCORER)
        scorer = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(scorer)
        lines = []
        for article in self.gold:
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
            lines.append(json.dumps({"file": article["file"], "relevant": float(article["relevant"]),
                                     "fields": fields}))
        path = tmp_path / "perfect.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = scorer.score(self.gold, scorer.load_suggestions(path), k=50)
        assert report["missing"] == []
        assert report["relevance_accuracy"] == 1.0
        for field, values in report["fields"].items():
            if values["recall"] is not None:
                assert values["recall"] == 1.0, field
                assert values["precision"] == 1.0, field

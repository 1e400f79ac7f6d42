"""Agreement end to end on the seed articles: the gold codings imported as two coders, one perturbed."""
import copy
import json
from pathlib import Path

import pytest

from annotator.agreement.disagreements import list_disagreements
from annotator.agreement.project import prepare, project_agreement
from annotator.interchange import import_codings

GOLD = Path(__file__).parent / "data" / "seeds" / "gold.json"


@pytest.fixture
def gold():
    if not GOLD.exists():
        pytest.skip("seed gold codings missing")
    return json.loads(GOLD.read_text(encoding="utf-8"))


def _import(project, tmp_path, items, coder):
    f = tmp_path / f"{coder}.json"
    f.write_text(json.dumps(items), encoding="utf-8")
    summary = import_codings(project, f, coder)
    assert not summary["unmatched"]


def test_identical_codings_agree_perfectly(seed_project, tmp_path, gold):
    _import(seed_project, tmp_path, gold, "ana")
    _import(seed_project, tmp_path, gold, "ben")
    res = project_agreement(seed_project, n_boot=100)
    assert res["n_articles"] == len(gold)
    n_events = sum(len(a.get("events") or []) for a in gold)
    assert res["n_aligned_events"] == n_events
    for name, d in res["fields"].items():
        assert d["percent_agreement"] in (None, 1.0), name
        assert d["krippendorff_alpha"] in (None, 1.0), name
    assert list_disagreements(seed_project) == []


def test_reordered_and_perturbed_codings(seed_project, tmp_path, gold):
    ben = copy.deepcopy(gold)
    multi = next(a for a in ben if len(a.get("events") or []) >= 2)
    multi["events"].reverse()                      # list position must not matter
    target = multi["events"][0]
    target["count_min"] = (target.get("count_min") or 0) + 5
    dropped_from = next(a for a in ben if a is not multi and len(a.get("events") or []) >= 1)
    dropped = dropped_from["events"].pop()
    _import(seed_project, tmp_path, gold, "ana")
    _import(seed_project, tmp_path, ben, "ben")
    data = prepare(seed_project)
    paired = [g for g in data.groups if len(g.members) == 2]
    n_events = sum(len(a.get("events") or []) for a in gold)
    assert len(paired) == n_events - 1 and len(data.groups) == n_events
    for g in paired:  # every pair holds the same event (same evidence sentence)
        ev = [g.members[c].values.get("evidence", {}).get("sentences") for c in ("ana", "ben")]
        assert ev[0] == ev[1]
    items = list_disagreements(seed_project, data=data)
    kinds = sorted((d.article_label, d.field) for d in items)
    assert (multi["file"], "count") in kinds
    assert (dropped_from["file"], "event_present") in kinds
    count = next(d for d in items if d.field == "count")
    assert {v.coder for v in count.values} == {"ana", "ben"}
    assert all(v.evidence for v in count.values)   # the evidence sentence is shown for each coder
    res = project_agreement(seed_project, n_boot=100, data=data)
    assert res["fields"]["count"]["percent_agreement"] < 1.0     # the (min, max) pair, unknowns included
    assert res["fields"]["count"]["level"] == "nominal"
    assert res["event_present"]["percent_agreement"] == pytest.approx((n_events - 1) / n_events)
    assert dropped["actor"]

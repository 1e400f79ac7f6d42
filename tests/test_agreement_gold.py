"""Agreement end to end on the seed articles: the gold codings imported as two coders, one perturbed."""
import copy
import json
from pathlib import Path

import pytest

from annotator.agreement.disagreements import list_disagreements
from annotator.agreement.project import prepare, project_agreement
from annotator.interchange import import_codings

from tests.shared import GOLD, SEEDS, needs_seeds  # noqa: E402

pytestmark = needs_seeds  # the real seed articles (../shared); tests/test_agreement_demo.py runs without them


@pytest.fixture
def gold():
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture
def seed_project(tmp_path):
    """The real seed articles of ../shared (the conftest fixture of that name holds other articles)."""
    from conftest import make_project

    texts = [(f.name, f.read_text(encoding="utf-8")) for f in sorted(SEEDS.glob("*.txt"))]
    project = make_project(tmp_path / "seeds.annotator", texts)
    yield project
    project.close()


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


def test_settling_every_disagreement_gives_back_the_gold_codings(seed_project, tmp_path, gold):
    """ana codes the gold, ben differs (order, a count, a mode, a missing event); the supervisor settles every
    disagreement with ana's value: the reconciled export is the gold file again (event order aside)."""
    from annotator.agreement.disagreements import complete_reconciled, progress_text, settle
    from annotator.interchange import export_codings

    ben = copy.deepcopy(gold)
    multi = next(a for a in ben if len(a.get("events") or []) >= 2)
    multi["events"].reverse()
    multi["events"][0]["count_min"] = 999
    multi["events"][0]["mode"] = "desert" if multi["events"][0].get("mode") == "surrender" else "surrender"
    next(a for a in ben if a is not multi and a.get("events"))["events"].pop()
    _import(seed_project, tmp_path, gold, "ana")
    _import(seed_project, tmp_path, ben, "ben")
    data = prepare(seed_project)
    items = list_disagreements(seed_project, data=data)
    assert {d.field for d in items} == {"count", "mode", "event_present"}
    for d in items:
        ana = next(v for v in d.values if v.coder == "ana")
        settle(seed_project, d, ana.value, decided_by="sup", reason="as in the text", chosen_from="ana", data=data)
    assert progress_text(list_disagreements(seed_project)) == f"{len(items)} of {len(items)} disagreements settled"
    assert complete_reconciled(seed_project) == len(gold) - 2   # the two settled articles already have one

    def canonical(codings):
        return {a["file"]: ({k: v for k, v in a.items() if k != "events"},
                            sorted(json.dumps(e, sort_keys=True) for e in a.get("events") or []))
                for a in codings}

    assert canonical(export_codings(seed_project, reconciled=True)) == canonical(gold)

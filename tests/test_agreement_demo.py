"""Agreement end to end on the project's own demo data (always runs; tests/test_agreement_gold.py needs ../shared).

resources/samples/articles with resources/samples/codings_ana.json and
codings_ben.json (the demo project of ``annotator demo``): the two coders agree
on most fields and disagree on a few.
"""
import json

import pytest
from sqlalchemy import select

from annotator.agreement.disagreements import (EVENT_PRESENT, complete_reconciled, list_disagreements, progress_text,
                                               settle)
from annotator.agreement.project import prepare, project_agreement
from annotator.db.models import Coder, Coding, Decision
from annotator.db.project import Project
from annotator.export import ExportScope, export_project
from annotator.importer import import_paths
from annotator.interchange import export_codings, import_codings
from annotator.paths import SAMPLES

from test_export_helpers import read_excel

ANA, BEN = SAMPLES / "codings_ana.json", SAMPLES / "codings_ben.json"


@pytest.fixture
def demo(tmp_path):
    p = Project.create(tmp_path / "demo.annotator")
    import_paths(p, [SAMPLES / "articles"])
    for coder, path in (("ana", ANA), ("ben", BEN)):
        summary = import_codings(p, path, coder)
        assert not summary["unmatched"]
    yield p
    p.close()


def _canonical(codings):
    return {a["file"]: ({k: v for k, v in a.items() if k != "events"},
                        sorted(json.dumps(e, sort_keys=True) for e in a.get("events") or []))
            for a in codings}


def test_demo_agreement_values(demo):
    ana, ben = (json.loads(p.read_text(encoding="utf-8")) for p in (ANA, BEN))
    both = {a["file"] for a in ana} & {b["file"] for b in ben}
    res = project_agreement(demo, n_boot=200)
    assert res["n_articles"] == len(both) and res["coders"] == ["ana", "ben"]
    assert res["unfinished_codings"] == 0
    fields = res["fields"]
    assert {"actor", "receiving_side", "unit", "count", "count_min", "count_max", "location", "date", "mode"} <= set(fields)
    for name in ("actor", "count", "count_min", "location", "date", "rank"):
        d = fields[name]
        assert d["n_units"] > 10 and d["n_values"] == 2 * d["n_units"], name
        assert d["krippendorff_alpha"] is not None and 0.8 < d["krippendorff_alpha"] <= 1.0, name
        lo, hi = d["alpha_ci95"]
        assert lo <= d["krippendorff_alpha"] <= hi, name
    # the coders disagree on a few fields: those are below 1, the others are perfect
    assert fields["actor"]["percent_agreement"] == 1.0
    assert fields["count"]["percent_agreement"] < 1.0 and fields["date"]["percent_agreement"] < 1.0
    for key in ("relevant", "event_present", "event_count"):
        assert res[key]["n_units"] >= 1 and res[key]["percent_agreement"] is not None
    assert res["event_present"]["percent_agreement"] < 1.0     # an event one coder found and the other did not
    json.dumps(res)


def test_demo_disagreements_settled_give_a_complete_reconciled_export(demo, tmp_path):
    data = prepare(demo)
    items = list_disagreements(demo, data=data)
    assert len(items) >= 5
    assert {"count", "date", EVENT_PRESENT} <= {d.field for d in items}
    for d in items:
        assert {v.coder for v in d.values} == {"ana", "ben"}
        assert len({json.dumps(v.compared, default=str) for v in d.values}) == 2   # they really differ
    assert progress_text(items) == f"0 of {len(items)} disagreements settled"

    # the supervisor settles every disagreement with ana's value, with a reason
    for d in items:
        ana = next(v for v in d.values if v.coder == "ana")
        settle(demo, d, ana.value, decided_by="sup", reason="as the article says", chosen_from="ana", data=data)
    after = list_disagreements(demo)
    assert progress_text(after) == f"{len(items)} of {len(items)} disagreements settled"
    assert all(d.decision["decided_by"] == "sup" and d.decision["chosen_from"] == "ana" for d in after)
    with demo.Session() as s:
        assert s.query(Decision).count() == len(items)

    settled_articles = {d.article_id for d in items}
    assert complete_reconciled(demo) == len(data.articles) - len(settled_articles)
    assert complete_reconciled(demo) == 0                      # idempotent
    with demo.Session() as s:
        statuses = s.execute(select(Coding.article_id, Coding.status).join(Coder, Coder.id == Coding.coder_id)
                             .where(Coder.kind == "reconciled")).all()
    assert {a for a, _ in statuses} == {a.article_id for a in data.articles}
    assert {st for _, st in statuses} <= {"done", "not_relevant"}   # every reconciled coding is finished

    # the reconciled export is complete: ana's codings of the double-coded articles, field for field
    rec = _canonical(export_codings(demo, reconciled=True))
    ana_codings = _canonical(export_codings(demo, coder="ana"))
    assert rec == {f: ana_codings[f] for f in rec} and set(rec) == {a.label for a in data.articles}
    # and the workbook/CSV exports of the reconciled coding have the same events
    n_events = sum(len(ev) for _, ev in rec.values())
    xlsx, csvp = tmp_path / "rec.xlsx", tmp_path / "rec.csv"
    assert export_project(demo, xlsx, ExportScope(reconciled=True))["events_rows"] == n_events
    export_project(demo, csvp, ExportScope(reconciled=True))
    events = read_excel(xlsx, sheet_name="Events")
    assert len(events) == n_events and set(events["coder"]) == {"reconciled"}
    assert events["actor"].notna().all()
    import pandas as pd
    assert len(pd.read_csv(csvp, encoding="utf-8-sig")) == n_events
    # with nothing left to settle, agreement of the coders is unchanged (the reconciled coder is not a coder)
    assert project_agreement(demo, n_boot=0)["coders"] == ["ana", "ben"]

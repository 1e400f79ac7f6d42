"""Project agreement: alignment of events, per-field coefficients, disagreements, reconciliation."""
import hashlib
import json

import pytest

from annotator.agreement.disagreements import list_disagreements, progress_text, settle, RECONCILED
from annotator.agreement.project import prepare, project_agreement
from annotator.cli.main import main
from annotator.coding import CodingStore
from annotator.db.models import Article, Decision
from annotator.db.project import Project

TEXT = ("Twelve soldiers from LIB 402 deserted to the KNU in Hpapun on Wednesday. "
        "Separately, a police captain joined the CDM in Mandalay.")


def ev(actor="Myanmar military", side=None, units=(), cmin=None, cmax=None, place=None, mode="desert/defect",
       salience="main", span=None):
    values = {"actor": ({"key": actor}, "typed", None), "mode": ({"key": mode}, "typed", None),
              "salience": ({"key": salience}, "typed", None)}
    if side:
        values["receiving_side"] = ({"text": side, "key": side}, "typed", None)
    if units:
        values["unit"] = ({"text": ", ".join(units), "keys": list(units)}, "typed", span)
    if cmin is not None or cmax is not None:
        values["count"] = ({"text": "some", "min": cmin, "max": cmax}, "typed", None)
    if place:
        values["location"] = ({"name": place}, "typed", span)
    return values


def add_article(project, name, text=TEXT):
    with project.session() as s:
        a = Article(file_name=name, text=text, content_hash=hashlib.sha256((name + text).encode()).hexdigest())
        s.add(a)
        s.flush()
        return a.id


def code(project, coder, article_id, events, relevant=True):
    store = CodingStore(project, coder)
    store.set_value(article_id, None, "relevant", {"value": relevant})
    for e in events:
        store.add_event(article_id, e)
    store.set_status(article_id, "done" if relevant else "not_relevant")


@pytest.fixture
def project(tmp_path):
    p = Project.create(tmp_path / "p.annotator")
    a1 = add_article(p, "a1.txt")
    a2 = add_article(p, "a2.txt")
    a3 = add_article(p, "a3.txt")
    a4 = add_article(p, "a4.txt")  # coded by ana only: not in the agreement
    # a1: two events, listed in opposite orders by the two coders; they disagree on the count of one
    e_lib = ev(side="KNU/KNLA", units=("LIB 402",), cmin=12, cmax=12, place="Hpapun", span=(0, 72))
    e_pol = ev(actor="Myanmar police", side="CDM", cmin=1, cmax=1, place="Mandalay", mode="desert/defect")
    e_lib_b = ev(side="KNU/KNLA", units=("LIB 402",), cmin=10, cmax=12, place="Hpapun", span=(0, 72))
    code(p, "ana", a1, [e_lib, e_pol])
    code(p, "ben", a1, [e_pol, e_lib_b])
    # a2: ana finds one event, ben finds it plus another
    code(p, "ana", a2, [ev(units=("IB 129",), cmin=3, cmax=3, place="Myawaddy")])
    code(p, "ben", a2, [ev(units=("IB 129",), cmin=3, cmax=3, place="Myawaddy"),
                        ev(actor="Border Guard Force", units=("BGF 1022",), cmin=40, cmax=None, place="Shwe Kokko")])
    # a3: ben says not relevant
    code(p, "ana", a3, [ev(units=("LIB 430",), cmin=5, cmax=5, place="Loikaw")])
    code(p, "ben", a3, [], relevant=False)
    code(p, "ana", a4, [ev(units=("LIB 1",))])
    yield p
    p.close()


def test_events_are_aligned_by_values_not_position(project):
    data = prepare(project)
    assert [a.label for a in data.articles] == ["a1.txt", "a2.txt", "a3.txt"]
    a1_groups = [g for g in data.groups if g.article_id == data.articles[0].article_id]
    assert len(a1_groups) == 2
    for g in a1_groups:
        assert set(g.members) == {"ana", "ben"}
        actors = {e.values["actor"]["key"] for e in g.members.values()}
        assert len(actors) == 1  # the police event is matched with the police event
    assert len(data.groups) == 2 + 2 + 1


def test_project_agreement_json_shape_and_values(project):
    res = project_agreement(project, n_boot=200)
    assert set(res) >= {"fields", "relevant", "event_present", "event_count"}
    f = res["fields"]
    assert set(f) >= {"actor", "receiving_side", "unit", "count", "count_min", "count_max", "location", "mode", "salience"}
    assert f["count"]["level"] == "nominal" and f["count"]["percent_agreement"] == pytest.approx(2 / 3)
    for name, d in f.items():
        assert {"level", "krippendorff_alpha", "alpha_ci95", "percent_agreement", "n_units", "n_values"} <= set(d)
    assert f["unit"]["level"] == "set" and f["count_min"]["level"] == "ratio" and f["actor"]["level"] == "nominal"
    # 3 aligned events have both coders (a1 x2, a2 x1)
    assert f["actor"]["n_units"] == 3 and f["actor"]["n_values"] == 6
    assert f["actor"]["percent_agreement"] == 1.0
    assert f["count_min"]["percent_agreement"] == pytest.approx(2 / 3)   # 12 vs 10 on one event
    assert f["count_max"]["percent_agreement"] == 1.0
    # event_present: 5 aligned events; a2's BGF event and a3's event are found by one coder only
    ep = res["event_present"]
    assert ep["n_units"] == 5 and ep["percent_agreement"] == pytest.approx(3 / 5)
    assert res["relevant"]["n_units"] == 3 and res["relevant"]["percent_agreement"] == pytest.approx(2 / 3)
    assert res["event_count"]["n_units"] == 3
    assert any("one coder only" in n for n in f["actor"]["notes"])
    json.dumps(res)  # plain JSON


def test_undefined_field_is_null_with_reason(project):
    res = project_agreement(project, n_boot=0)
    d = res["fields"]["salience"]  # everybody coded "main"
    assert d["krippendorff_alpha"] is None
    assert any("every pairable value is the same" in n for n in d["notes"])


def test_disagreements_and_reconciliation(project):
    items = list_disagreements(project)
    fields = sorted((d.article_label, d.field) for d in items)
    assert ("a1.txt", "count") in fields
    assert ("a2.txt", "event_present") in fields
    assert ("a3.txt", "relevant") in fields and ("a3.txt", "event_present") in fields
    count = next(d for d in items if d.field == "count")
    by = {v.coder: v for v in count.values}
    assert by["ana"].value["min"] == 12 and by["ben"].value["min"] == 10
    assert progress_text(items) == f"0 of {len(items)} disagreements settled"
    unit = list_disagreements(project, "unit")
    assert unit == []

    settle(project, count, by["ana"].value, decided_by="sup", reason="text says twelve", chosen_from="ana")
    items2 = list_disagreements(project)
    assert progress_text(items2) == f"1 of {len(items2)} disagreements settled"
    settled = next(d for d in items2 if d.field == "count")
    assert settled.decision["decided_by"] == "sup" and settled.decision["reason"] == "text says twelve"
    assert settled.decision["chosen_from"] == "ana"
    # the reconciled coding holds the consensus plus the decision, and does not enter agreement
    store = CodingStore(project, RECONCILED, kind="reconciled")
    state = store.load(count.article_id)
    assert len(state.events) == 2
    counts = sorted((e.values["count"].value["min"], e.values["count"].value["max"]) for e in state.events)
    assert counts == [(1, 1), (12, 12)]
    assert prepare(project).coders == ["ana", "ben"]
    # a typed value with no coder picked; event_present settled as absent
    ep = next(d for d in items2 if d.field == "event_present" and d.article_label == "a2.txt")
    settle(project, ep, {"value": False}, decided_by="sup", reason="same event as the IB 129 one")
    rel = next(d for d in items2 if d.field == "relevant")
    settle(project, rel, {"value": True}, decided_by="sup", reason="defection is reported")
    with project.Session() as s:
        assert s.query(Decision).count() == 3
    assert progress_text(list_disagreements(project)).startswith("3 of ")


def test_settle_requires_who(project):
    item = list_disagreements(project)[0]
    with pytest.raises(ValueError):
        settle(project, item, None, decided_by=" ")


def test_cli_agreement(project, capsys):
    path = str(project.path)
    assert main(["agreement", path, "--json", "--bootstrap", "100"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert "actor" in d["fields"] and d["event_present"]["n_units"] == 5
    assert main(["agreement", path, "--json", "--field", "count_min", "--bootstrap", "0"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert list(d["fields"]) == ["count_min"]
    assert main(["agreement", path, "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    assert "event_present" in out and "count_min" in out and "salience" in out
    assert main(["agreement", path, "--field", "nosuch"]) == 2
    assert "no compared field 'nosuch'" in capsys.readouterr().err
    assert main(["agreement", path, "--disagreements"]) == 0
    assert "disagreements settled" in capsys.readouterr().out


def test_cli_agreement_bad_project(tmp_path, capsys):
    f = tmp_path / "x.annotator"
    f.write_text("not a db")
    assert main(["agreement", str(f)]) == 1
    err = capsys.readouterr().err
    assert "x.annotator" in err and len(err.strip().splitlines()) == 1


def test_complete_reconciled_codings(project, capsys):
    from annotator.coding import CodingStore
    from annotator.interchange import export_codings

    items = list_disagreements(project)
    rel = next(d for d in items if d.field == "relevant")
    settle(project, rel, {"value": True}, decided_by="sup", reason="x")
    assert main(["agreement", str(project.path), "--reconcile-agreed"]) == 0
    assert "2 reconciled codings written" in capsys.readouterr().out  # a1 and a2; a3 was seeded by settle
    assert main(["agreement", str(project.path), "--reconcile-agreed"]) == 0
    assert "0 reconciled codings written" in capsys.readouterr().out  # idempotent
    store = CodingStore(project, RECONCILED, kind="reconciled")
    data = prepare(project)
    a1 = data.articles[0]
    state = store.load(a1.article_id)
    assert state.status == "in_progress"          # a1 still has its count disagreement
    assert len(state.events) == 2
    by_actor = {e.values["actor"].value["key"]: e for e in state.events}
    assert "count" not in by_actor["Myanmar military"].values     # disagreed: left for the supervisor
    assert by_actor["Myanmar police"].values["count"].value["min"] == 1
    exported = export_codings(project, reconciled=True)
    assert sorted(x["file"] for x in exported) == ["a1.txt", "a2.txt", "a3.txt"]


def test_undo_settle_restores_value_and_decision(project):
    from annotator.agreement.disagreements import undo_settle
    from annotator.coding import CodingStore

    items = list_disagreements(project)
    count = next(d for d in items if d.field == "count")
    by = {v.coder: v for v in count.values}
    store = CodingStore(project, RECONCILED, kind="reconciled")
    r1 = settle(project, count, by["ana"].value, decided_by="sup", reason="first", chosen_from="ana")
    r2 = settle(project, count, by["ben"].value, decided_by="sup2", reason="second", chosen_from="ben")

    def reconciled_count():
        st = store.load(count.article_id)
        ev = next(e for e in st.events if e.id == r1.event_id)
        return ev.values["count"].value["min"] if "count" in ev.values else None

    assert reconciled_count() == 10
    undo_settle(project, count, r2)
    assert reconciled_count() == 12 and count.decision["decided_by"] == "sup"
    with project.Session() as s:
        assert [d.reason for d in s.query(Decision).all()] == ["first"]
    undo_settle(project, count, r1)
    assert reconciled_count() is None and not count.settled   # back to the consensus (no count: disputed)
    with project.Session() as s:
        assert s.query(Decision).count() == 0
    # event_present: settled as absent, then undone -> the lone event is again not in the reconciled coding
    ep = next(d for d in items if d.field == "event_present" and d.article_label == "a2.txt")
    rec = settle(project, ep, {"value": True}, decided_by="sup", reason="real", chosen_from="ben")
    st = store.load(ep.article_id)
    assert any(e.id == rec.event_id for e in st.events)
    undo_settle(project, ep, rec)
    st = store.load(ep.article_id)
    assert not any(e.id == rec.event_id for e in st.events)

"""What agreement compares: finished codings only, and never proposed or deleted events."""
import json

from annotator.agreement.disagreements import list_disagreements
from annotator.agreement.project import prepare, project_agreement
from annotator.cli.main import main
from annotator.coding import CodingStore
from annotator.db.project import Project

from test_agreement_project import add_article, code, ev


def _project(tmp_path):
    p = Project.create(tmp_path / "scope.annotator")
    a1 = add_article(p, "a1.txt")
    a2 = add_article(p, "a2.txt")
    code(p, "ana", a1, [ev(units=("LIB 402",), cmin=12, cmax=12, place="Hpapun")])
    code(p, "ben", a1, [ev(units=("LIB 402",), cmin=12, cmax=12, place="Hpapun")])
    code(p, "ana", a2, [ev(units=("IB 129",), cmin=3, cmax=3, place="Myawaddy")])
    return p, a1, a2


def test_a_coding_with_only_proposed_events_is_not_a_rating(tmp_path):
    p, a1, a2 = _project(tmp_path)
    try:
        # chen opens a2: the engine proposes an event, chen accepts nothing (status moves to in progress)
        chen = CodingStore(p, "chen")
        chen.ensure_coding(a2)
        chen.add_event(a2, ev(actor="Myanmar police", units=("IB 1",), cmin=99, cmax=99), proposed=True)
        assert chen.load(a2).status in ("new", "in_progress")
        data = prepare(p)
        assert [a.label for a in data.articles] == ["a1.txt"]   # a2 is still coded by one coder only
        assert data.coders == ["ana", "ben"]
        res = project_agreement(p, n_boot=0)
        assert res["n_articles"] == 1 and res["coders"] == ["ana", "ben"]
        assert res["event_present"]["percent_agreement"] == 1.0
        assert res["unfinished_codings"] == 1
        assert list_disagreements(p) == []

        # even if chen marks it done, the proposal he never accepted is not his event
        chen.set_status(a2, "done")
        data = prepare(p)
        art = next(a for a in data.articles if a.label == "a2.txt")
        assert art.coders["chen"].events == []
        assert all("chen" not in g.members for g in data.groups)
        items = list_disagreements(p)
        ep = [d for d in items if d.field == "event_present"]
        assert len(ep) == 1 and {v.coder: v.compared for v in ep[0].values} == {"ana": True, "chen": False}
        assert not any(d.field in ("count", "actor", "unit") for d in items)
    finally:
        p.close()


def test_deleted_and_proposed_events_are_not_matched_or_compared(tmp_path):
    p, a1, a2 = _project(tmp_path)
    try:
        ben = CodingStore(p, "ben")
        gone = ben.add_event(a1, ev(actor="Border Guard Force", units=("BGF 1",), cmin=40, cmax=40))
        ben.delete_event(a1, gone)
        ben.add_event(a1, ev(actor="Myanmar police", cmin=1, cmax=1), proposed=True)
        # a proposal that would be a better match than ana's own event must not replace it either
        ben.add_event(a1, ev(units=("LIB 402",), cmin=12, cmax=12, place="Hpapun"), proposed=True)
        data = prepare(p)
        assert len(data.groups) == 1 and set(data.groups[0].members) == {"ana", "ben"}
        assert len(data.articles[0].coders["ben"].events) == 1
        res = project_agreement(p, n_boot=0)
        assert res["event_count"]["percent_agreement"] == 1.0
        assert res["event_present"]["n_units"] == 1
        assert list_disagreements(p) == []
    finally:
        p.close()


def test_unfinished_codings_are_left_out_and_reported(tmp_path, capsys):
    p, a1, a2 = _project(tmp_path)
    try:
        # ben has coded a2 with a different count but has not finished it (in progress)
        ben = CodingStore(p, "ben")
        ben.add_event(a2, ev(units=("IB 129",), cmin=30, cmax=30, place="Myawaddy"))
        assert ben.load(a2).status == "in_progress"
        # and chen opened a1 without coding anything (a new, empty coding)
        CodingStore(p, "chen").ensure_coding(a1)
        res = project_agreement(p, n_boot=0)
        assert res["n_articles"] == 1 and res["coders"] == ["ana", "ben"]
        assert res["fields"]["count_min"]["percent_agreement"] == 1.0
        assert res["unfinished_codings"] == 2
        assert any("2 unfinished coding(s)" in n and "2 of them" in n for n in res["notes"])
        assert not any(d.article_label == "a2.txt" for d in list_disagreements(p))
        # finishing it brings it in
        ben.set_status(a2, "done")
        res = project_agreement(p, n_boot=0)
        assert res["n_articles"] == 2 and res["unfinished_codings"] == 1
        assert res["fields"]["count_min"]["percent_agreement"] == 0.5
        # flagged and not relevant are finished too
        ben.set_status(a2, "flagged")
        assert project_agreement(p, n_boot=0)["n_articles"] == 2
    finally:
        p.close()
    assert main(["agreement", str(tmp_path / "scope.annotator"), "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    assert "1 unfinished coding(s)" in out
    assert main(["agreement", str(tmp_path / "scope.annotator"), "--bootstrap", "0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unfinished_codings"] == 1

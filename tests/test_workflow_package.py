"""Work packages: one coder's articles and work in a self-contained project file."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from annotator.cli.main import main
from annotator.coding import CodingStore
from annotator.db.models import Article, Assignment, Coder, Coding, Event, FieldValue, LearnedPattern
from annotator.db.project import Project, ProjectError
from annotator.workflow.assign import assign, assignments_of
from annotator.workflow.package import PACKAGE_META_KEY, PackageError, make_package, package_info, work_package_of
from tests.test_workflow_helpers import make_project


@pytest.fixture()
def main_project(tmp_path):
    p = make_project(tmp_path / "main.annot", 12)
    assign(p, "ana,ben,chen", overlap=0.25, seed=2)
    yield p
    p.close()


def test_package_holds_only_the_coders_articles_and_work(main_project, tmp_path):
    p = main_project
    mine = assignments_of(p)["ana"]
    store = CodingStore(p, "ana")
    store.set_value(mine[0], None, "relevant", {"value": True})
    ev = store.add_event(mine[0], {"actor": ({"text": "army"}, "typed", None)})
    store.set_value(mine[0], ev, "location", {"name": "Aleppo"}, evidence=(95, 101))
    CodingStore(p, "ben").set_value(assignments_of(p)["ben"][0], None, "relevant", {"value": False})
    with p.session() as s:
        from annotator.db.models import SuggestionCache
        not_mine = next(a for a in assignments_of(p)["ben"] if a not in mine)
        for aid in (mine[0], not_mine):
            s.add(SuggestionCache(text_hash=s.get(Article, aid).content_hash, engine_version="t1", result={"x": aid}))
    report = make_package(p, "ana", tmp_path / "ana.annot")
    assert report.articles == len(mine) and report.codings == 1 and report.events == 1 and report.values == 3

    pkg = Project.open(tmp_path / "ana.annot")
    try:
        assert pkg.project_id == p.project_id
        assert (pkg.codebook.name, pkg.codebook.version) == (p.codebook.name, p.codebook.version)
        with pkg.Session() as s, p.Session() as ms:
            assert set(s.scalars(select(Article.id))) == set(mine)
            assert [c.name for c in s.scalars(select(Coder))] == ["ana"]
            assert s.scalars(select(Coder)).one().id == ms.scalars(select(Coder).where(Coder.name == "ana")).one().id
            assert s.scalar(select(func.count()).select_from(Assignment)) == len(mine)
            assert s.scalar(select(func.count()).select_from(Coding)) == 1
            assert s.scalar(select(func.count()).select_from(Event)) == 1
            assert s.scalar(select(func.count()).select_from(FieldValue)) == 3
            # the article text is complete: same content hash as in the project
            for a in s.scalars(select(Article)):
                assert a.content_hash == ms.get(Article, a.id).content_hash and a.text == ms.get(Article, a.id).text
            from annotator.db.models import SuggestionCache
            cached = [c.result["x"] for c in s.scalars(select(SuggestionCache))]
            assert mine[0] in cached and all(x in mine for x in cached)  # the cache for her articles only
            patterns = s.scalar(select(func.count()).select_from(LearnedPattern))
            assert patterns == ms.scalar(select(func.count()).select_from(LearnedPattern)) and patterns >= 1
        brief = work_package_of(pkg)
        assert brief["coder"] == "ana" and brief["source_name"] == p.name and "base" not in brief
        assert work_package_of(p) is None
        # ana codes offline in the package like in any project
        offline = CodingStore(pkg, "ana")
        offline.set_value(mine[1], None, "relevant", {"value": False})
        state = offline.load(mine[0])
        assert state.values["relevant"].value == {"value": True}
        assert state.events[0].values["location"].value["name"] == "Aleppo"
    finally:
        pkg.close()
    info = package_info(tmp_path / "ana.annot")
    assert info["coder"] == "ana" and info["source"] == str(p.path)
    assert set(info["base"]) == {"codings", "events", "values"} and len(info["base"]["values"]) == 3
    assert p.meta(PACKAGE_META_KEY) is None  # the main project is not a package


def test_package_errors(main_project, tmp_path):
    with pytest.raises(PackageError, match="no coder named 'zoe'.*ana, ben, chen"):
        make_package(main_project, "zoe", tmp_path / "zoe.annot")
    make_package(main_project, "ana", tmp_path / "ana.annot")
    with pytest.raises(ProjectError, match="already exists"):
        make_package(main_project, "ana", tmp_path / "ana.annot")
    with main_project.session() as s:
        main_project.coder(s, "dan")
    with pytest.raises(PackageError, match="dan has no assigned articles"):
        make_package(main_project, "dan", tmp_path / "dan.annot")
    with main_project.session() as s:
        main_project.coder(s, "reconciled", kind="reconciled")
    with pytest.raises(PackageError, match="holds the reconciled codings"):
        make_package(main_project, "reconciled", tmp_path / "rec.annot")
    assert not (tmp_path / "dan.annot").exists()


def test_cli_package(main_project, tmp_path, capsys):
    path = str(main_project.path)
    main_project.close()
    out = tmp_path / "ben.annot"
    assert main(["package", path, "--coder", "ben", str(out)]) == 0
    text = capsys.readouterr().out
    assert str(out) in text and "work package for ben" in text
    with Project.open(out) as pkg:
        assert json.loads(pkg.meta(PACKAGE_META_KEY))["coder"] == "ben"
    assert main(["package", path, "--coder", "nobody", str(tmp_path / "x.annot")]) == 1
    assert "no coder named 'nobody'" in capsys.readouterr().err

"""Assignment: balance, overlap share, pair spread, determinism, re-runs, CLI."""
from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest
from sqlalchemy import func, select

from annotator.cli.main import main
from annotator.db.models import Assignment, AuditEntry
from annotator.workflow.assign import (AssignError, assign, assignments_of, coders_per_article, distribute,
                                       plan_assignment)
from tests.test_workflow_helpers import add_articles, make_project


def _loads(result):
    return Counter(c for cs in result.values() for c in cs)


@pytest.mark.parametrize("n,coders,overlap", [(100, 3, 0.2), (37, 3, 0.2), (50, 4, 0.3), (11, 2, 1.0),
                                              (7, 5, 0.5), (1000, 6, 0.25), (10, 3, 0.0)])
def test_distribute_is_balanced_with_the_overlap_share(n, coders, overlap):
    ids = [f"a{i}" for i in range(n)]
    names = [f"c{i}" for i in range(coders)]
    res = distribute(ids, names, overlap=overlap, seed=1)
    assert set(res) == set(ids)  # every article goes to someone
    sizes = Counter(len(cs) for cs in res.values())
    assert set(sizes) <= {1, 2}
    assert sizes[2] == round(overlap * n)
    assert all(len(set(cs)) == len(cs) for cs in res.values())  # never twice to the same coder
    loads = _loads(res)
    assert sum(loads.values()) == n + sizes[2]
    assert max(loads[c] for c in names) - min(loads[c] for c in names) <= 1
    # shared articles are spread over the coder pairs
    pairs = Counter(frozenset(cs) for cs in res.values() if len(cs) == 2)
    all_pairs = [frozenset(p) for p in itertools.combinations(names, 2)]
    if sizes[2] >= len(all_pairs):
        counts = [pairs[p] for p in all_pairs]
        assert max(counts) - min(counts) <= 1


def test_per_article_and_determinism():
    ids = [f"a{i}" for i in range(30)]
    res = distribute(ids, ["ana", "ben", "chen"], per_article=2, seed=5)
    assert all(len(cs) == 2 for cs in res.values())
    loads = _loads(res)
    assert sorted(loads.values()) == [20, 20, 20]
    assert distribute(ids, ["ana", "ben", "chen"], per_article=2, seed=5) == res
    other = distribute(ids, ["ana", "ben", "chen"], overlap=0.5, seed=5)
    assert other == distribute(ids, ["ana", "ben", "chen"], overlap=0.5, seed=5)
    assert other != distribute(ids, ["ana", "ben", "chen"], overlap=0.5, seed=6)


def test_invalid_settings():
    with pytest.raises(AssignError, match="between 0 and 1"):
        coders_per_article(10, 3, overlap=1.5)
    with pytest.raises(AssignError, match="at least two coders"):
        coders_per_article(10, 1, overlap=0.2)
    with pytest.raises(AssignError, match="needs at least 3 coders"):
        coders_per_article(10, 2, per_article=3)


def test_project_assignment_keeps_existing_and_replace(tmp_path):
    p = make_project(tmp_path / "p.annot", 40)
    try:
        plan = assign(p, "ana,ben,chen", overlap=0.2, seed=3)
        assert plan.n_new_articles == 40 and plan.n_multi == 8
        by = assignments_of(p)
        assert sorted(len(v) for v in by.values()) in ([16, 16, 16],)
        with p.Session() as s:
            n_rows = s.scalar(select(func.count()).select_from(Assignment))
        assert n_rows == 48
        # re-running does not duplicate: nothing left to assign
        again = assign(p, "ana,ben,chen", overlap=0.2, seed=3)
        assert again.n_new_articles == 0 and again.kept == 48
        with p.Session() as s:
            assert s.scalar(select(func.count()).select_from(Assignment)) == 48
        # new articles: only they are assigned, balancing the totals
        add_articles(p, 5, start=100)
        more = assign(p, "ana,ben,chen", overlap=0.2, seed=3)
        assert more.n_new_articles == 5 and more.n_multi == 1
        totals = [s.total for s in more.summary]
        assert max(totals) - min(totals) <= 1 and sum(totals) == 54
        # replace plans everything afresh (same seed, same plan)
        rep = assign(p, "ana,ben", per_article=2, seed=9, replace=True)
        assert rep.removed == 54 and rep.n_new_articles == 45
        assert {k: len(v) for k, v in assignments_of(p).items()} == {"ana": 45, "ben": 45}
        with p.Session() as s:
            assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "assign")) == 4
    finally:
        p.close()


def test_same_seed_same_assignment_in_two_projects(tmp_path):
    results = []
    for name in ("a.annot", "b.annot"):
        p = make_project(tmp_path / name, 25)
        try:
            plan = plan_assignment(p, ["ana", "ben", "chen"], overlap=0.2, seed=11)
            with p.Session() as s:
                from annotator.db.models import Article
                names = dict(s.execute(select(Article.id, Article.file_name)).all())
            results.append({names[a]: cs for a, cs in plan.plan.items()})
        finally:
            p.close()
    assert results[0] == results[1]


def test_cli_assign_prints_a_table(tmp_path, capsys):
    p = make_project(tmp_path / "p.annot", 30)
    p.close()
    assert main(["assign", str(tmp_path / "p.annot"), "--coders", "ana,ben,chen", "--overlap", "0.2",
                 "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "coder" in out and "double-coded" in out and "seed 7" in out
    assert "30 article(s) newly assigned, 6 of them" in out
    assert main(["assign", str(tmp_path / "p.annot"), "--coders", "ana,ben,chen", "--overlap", "0.2",
                 "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["newly_assigned"] == 0 and d["kept"] == 36
    assert {c: v["total"] for c, v in d["coders"].items()} == {"ana": 12, "ben": 12, "chen": 12}
    assert main(["assign", str(tmp_path / "p.annot"), "--coders", "ana", "--overlap", "2"]) == 2
    assert "between 0 and 1" in capsys.readouterr().err
    assert main(["assign", str(tmp_path / "nope.annot"), "--coders", "ana"]) == 1
    assert "nope.annot" in capsys.readouterr().err

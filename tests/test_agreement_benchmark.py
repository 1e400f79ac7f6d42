"""The agreement benchmark runs (small size) and its synthetic project gives sensible agreement."""
import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_agreement.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_agreement", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_synthetic_project_agreement(bench, tmp_path):
    from annotator.agreement.project import prepare, project_agreement

    project = bench.build_synthetic_project(tmp_path / "b.annotator", n_articles=150, n_events=3)
    try:
        res = project_agreement(project, n_boot=200)
        data = prepare(project)
    finally:
        project.close()
    assert res["n_articles"] == 150
    # 3 true events per article, both coders find nearly all of them: alignment pairs them up
    paired = sum(1 for g in data.groups if len(g.members) == 2)
    assert paired >= 0.9 * 450
    for name in ("actor", "location", "unit", "count_min", "mode"):
        a = res["fields"][name]["krippendorff_alpha"]
        assert 0.6 < a <= 1.0, (name, a)
        lo, hi = res["fields"][name]["alpha_ci95"]
        assert lo <= a <= hi
    assert res["relevant"]["krippendorff_alpha"] is None  # every coder said relevant: undefined, not a number
    assert len(bench.matrices_for_package(data)) == 9  # every event item but the two set-valued ones


def test_benchmark_main_small(bench, capsys):
    assert bench.main(["--articles", "60", "--bootstrap", "100", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "project_agreement" in out and "krippendorff package alone" in out

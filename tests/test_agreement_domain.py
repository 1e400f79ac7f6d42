"""Agreement domain rules: no Qt, three coders, CLI set level."""
import json
import subprocess
import sys

import pytest

from annotator.agreement.project import prepare, project_agreement
from annotator.cli.main import main

from test_agreement_project import add_article, code, ev


def test_agreement_package_never_imports_qt():
    code_ = ("import sys, builtins\n"
             "real = builtins.__import__\n"
             "def guard(name, *a, **k):\n"
             "    if name.startswith('PySide6'):\n"
             "        raise ImportError('Qt imported by the domain: ' + name)\n"
             "    return real(name, *a, **k)\n"
             "builtins.__import__ = guard\n"
             "import annotator.agreement, annotator.agreement.stats, annotator.agreement.project\n"
             "import annotator.agreement.disagreements, annotator.agreement.csvmatrix, annotator.coding\n"
             "import annotator.cli.cmd_reliability, annotator.cli.cmd_agreement\n"
             "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code_], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_three_coders_are_aligned_and_two_coder_coefficients_are_null(tmp_path):
    from annotator.db.project import Project

    p = Project.create(tmp_path / "three.annotator")
    try:
        a = add_article(p, "a.txt")
        knu = ev(side="KNU/KNLA", units=("LIB 402",), cmin=12, cmax=12, place="Hpapun")
        pol = ev(actor="Myanmar police", side="CDM", cmin=1, cmax=1, place="Mandalay")
        code(p, "ana", a, [knu, pol])
        code(p, "ben", a, [pol, knu])
        code(p, "chen", a, [ev(actor="Myanmar police", side="CDM", cmin=2, cmax=2, place="Mandalay")])
        data = prepare(p)
        assert len(data.groups) == 2
        sizes = sorted(len(g.members) for g in data.groups)
        assert sizes == [2, 3]
        police = next(g for g in data.groups if len(g.members) == 3)
        assert {e.values["actor"]["key"] for e in police.members.values()} == {"Myanmar police"}
        res = project_agreement(p, n_boot=0, data=data)
        d = res["fields"]["count_min"]
        assert d["n_coders"] == 3 and d["cohen_kappa"] is None
        assert any("exactly two coders; this matrix has 3" in n for n in d["notes"])
        assert res["event_present"]["n_units"] == 2 and res["event_present"]["n_values"] == 6
    finally:
        p.close()


def test_reliability_cli_set_level(tmp_path, capsys):
    f = tmp_path / "sets.csv"
    f.write_text("unit,ana,ben\n1,LIB 402;LIB 403,LIB 402;LIB 403\n2,IB 129,IB 129\n3,LIB 430,LIB 430;LIB 431\n"
                 "4,LIB 1,LIB 2\n", encoding="utf-8")
    assert main(["reliability", str(f), "--level", "set", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["level"] == "set" and d["n_units"] == 4
    assert d["percent_agreement"] == pytest.approx(0.5)
    assert 0 < d["krippendorff_alpha"] < 1
    assert any("MASI" in n for n in d["notes"])


def test_ordinal_category_uses_vocabulary_order(tmp_path):
    import json as _json

    from annotator.codebook import parse_codebook, default_codebook
    from annotator.db.project import Project

    raw = _json.loads(default_codebook().to_json())
    for f in raw["fields"]:
        if f["name"] == "salience":
            f["level"] = "ordinal"
    cb = parse_codebook(raw)
    p = Project.create(tmp_path / "ord.annotator", codebook=cb)
    try:
        arts = [add_article(p, f"o{i}.txt", text=f"text {i}") for i in range(4)]
        pattern = [("main", "main"), ("background", "background"), ("main", "background"), ("main", "main")]
        for aid, (x, y) in zip(arts, pattern):
            code(p, "ana", aid, [ev(salience=x, units=("LIB 1",))])
            code(p, "ben", aid, [ev(salience=y, units=("LIB 1",))])
        res = project_agreement(p, n_boot=0)
        d = res["fields"]["salience"]
        assert d["level"] == "ordinal" and d["n_units"] == 4
        assert d["percent_agreement"] == pytest.approx(0.75)
        assert d["krippendorff_alpha"] is not None
    finally:
        p.close()


def test_unrelated_events_are_not_forced_into_a_pair(tmp_path):
    from annotator.db.project import Project

    p = Project.create(tmp_path / "split.annotator")
    try:
        a = add_article(p, "a.txt")
        code(p, "ana", a, [ev(side="KNU/KNLA", units=("LIB 402",), cmin=12, cmax=12, place="Hpapun",
                              mode="desert/defect", salience="main")])
        code(p, "ben", a, [ev(actor="Myanmar police", side="CDM", units=("IB 9",), cmin=1, cmax=1, place="Mandalay",
                              mode="surrender", salience="background")])
        data = prepare(p)
        assert sorted(len(g.members) for g in data.groups) == [1, 1]
        res = project_agreement(p, n_boot=0, data=data)
        assert res["event_present"]["percent_agreement"] == 0.0
        assert res["fields"]["actor"]["n_units"] == 0
    finally:
        p.close()


def test_empty_as_value_or_missing(tmp_path, capsys):
    from annotator.db.project import Project

    p = Project.create(tmp_path / "empty.annotator")
    try:
        for i, (x, y) in enumerate([("KNU/KNLA", None), ("KNU/KNLA", "KNU/KNLA"), ("CDM", "CDM")]):
            a = add_article(p, f"e{i}.txt", text=f"text {i}")
            code(p, "ana", a, [ev(side=x, units=("LIB 1",), place="Hpapun")])
            code(p, "ben", a, [ev(side=y, units=("LIB 1",), place="Hpapun")])
        path = str(p.path)
    finally:
        p.close()
    assert main(["agreement", path, "--json", "--bootstrap", "0", "--field", "receiving_side"]) == 0
    as_value = json.loads(capsys.readouterr().out)["fields"]["receiving_side"]
    assert as_value["n_units"] == 3 and as_value["percent_agreement"] == pytest.approx(2 / 3)
    assert any("counted as the value '(empty)'" in n for n in as_value["notes"])
    assert main(["agreement", path, "--json", "--bootstrap", "0", "--field", "receiving_side",
                 "--empty-as-missing"]) == 0
    missing = json.loads(capsys.readouterr().out)["fields"]["receiving_side"]
    assert missing["n_units"] == 2 and missing["percent_agreement"] == 1.0
    assert any("dropped as missing" in n for n in missing["notes"])


def test_place_spelling_variants_compare_equal():
    """The coding rules: spelling variants name the same place (Papun = Hpapun, Karenni State = Kayah State)."""
    from annotator import values as V
    from annotator.codebook import default_codebook
    loc = default_codebook().field("location")
    assert V.comparable(loc, {"name": "Papun"}) == V.comparable(loc, {"name": "Hpapun", "admin1": "Kayin State"})
    assert V.comparable(loc, {"name": "Karenni (Kayah) State"}) == V.comparable(loc, {"name": "Kayah State"})
    assert V.comparable(loc, {"name": "Mase"}) == V.comparable(loc, {"name": "Maese"})
    assert V.comparable(loc, {"name": "Hpapun"}) != V.comparable(loc, {"name": "Myawaddy"})
    assert V.comparable(loc, {"name": "Nangmar Village"}) == "nangmar village"   # unknown places as written

"""`annotator reliability MATRIX.csv ...`."""
import json

import pytest

from annotator.cli.main import main

REF_ROWS = [  # Krippendorff (2011) 4 observers x 12 units, rows = units here
    (1, 1, None, 1), (2, 2, 3, 2), (3, 3, 3, 3), (3, 3, 3, 3), (2, 2, 2, 2), (1, 2, 3, 4),
    (4, 4, 4, 4), (1, 1, 2, 1), (2, 2, 2, 2), (None, 5, 5, 5), (None, None, 1, 1), (None, 3, None, None),
]


def _write(path, rows, header=("A", "B", "C", "D"), sep=","):
    lines = [sep.join(header)] + [sep.join("" if v is None else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run_json(capsys, *argv):
    assert main(["reliability", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("level,expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_json_matches_published_alpha(tmp_path, capsys, level, expected):
    f = _write(tmp_path / "m.csv", REF_ROWS)
    d = _run_json(capsys, str(f), "--level", level)
    assert set(d) >= {"n_units", "n_coders", "level", "krippendorff_alpha", "percent_agreement", "cohen_kappa",
                      "scott_pi", "fleiss_kappa", "gwet_ac1", "alpha_ci95", "notes"}
    assert d["krippendorff_alpha"] == pytest.approx(expected, abs=0.001)
    assert d["n_units"] == 11 and d["n_coders"] == 4 and d["level"] == level
    assert d["cohen_kappa"] is None and d["scott_pi"] is None
    assert any("exactly two coders" in n for n in d["notes"])
    lo, hi = d["alpha_ci95"]
    assert lo <= d["krippendorff_alpha"] <= hi


def test_coders_in_rows_gives_the_same_result(tmp_path, capsys):
    f1 = _write(tmp_path / "units.csv", REF_ROWS)
    cols = list(zip(*REF_ROWS))
    f2 = tmp_path / "coders.csv"
    f2.write_text("\n".join(name + "," + ",".join("" if v is None else str(v) for v in col)
                            for name, col in zip("ABCD", cols)) + "\n", encoding="utf-8")
    a = _run_json(capsys, str(f1), "--level", "nominal")
    b = _run_json(capsys, str(f2), "--level", "nominal", "--coders-in-rows")
    assert a == b


def test_unit_label_column_and_semicolons(tmp_path, capsys):
    f = tmp_path / "m.csv"
    f.write_text("unit;ana;ben\nart-1;yes;yes\nart-2;no;yes\nart-3;no;no\nart-4;;yes\n", encoding="utf-8")
    d = _run_json(capsys, str(f), "--level", "nominal")
    assert d["n_units"] == 3 and d["n_coders"] == 2
    assert d["percent_agreement"] == pytest.approx(2 / 3)
    assert any("art-4" in n for n in d["notes"])
    # po = 2/3, coder marginals ana (yes 1/3, no 2/3), ben (yes 2/3, no 1/3): pe = 4/9
    assert d["cohen_kappa"] == pytest.approx((2 / 3 - 4 / 9) / (1 - 4 / 9))


def test_text_output(tmp_path, capsys):
    f = _write(tmp_path / "m.csv", REF_ROWS)
    assert main(["reliability", str(f), "--level", "nominal"]) == 0
    out = capsys.readouterr().out
    assert "Krippendorff's alpha  0.743" in out
    assert "Cohen's kappa         undefined" in out
    assert "95% CI" in out


def test_undefined_alpha_is_null(tmp_path, capsys):
    f = _write(tmp_path / "m.csv", [(1, 1), (1, 1), (1, 1)], header=("A", "B"))
    d = _run_json(capsys, str(f), "--level", "nominal")
    assert d["krippendorff_alpha"] is None and d["alpha_ci95"] is None and d["cohen_kappa"] is None
    assert any("undefined" in n for n in d["notes"])


@pytest.mark.parametrize("content,message", [
    (None, "no such file"),
    ("", "the file is empty"),
    ("A,B\n", "only a header"),
    ("A,B\n1,2,3\n", "row 2 has 3 values but the header names 2 coders"),
    ("A,A\n1,2\n", "appears twice"),
    ("A,B\n1,x\n2,2\n", "interval level needs numbers"),
])
def test_broken_csv_gives_one_line_naming_the_file(tmp_path, capsys, content, message):
    f = tmp_path / "broken.csv"
    if content is not None:
        f.write_text(content, encoding="utf-8")
    assert main(["reliability", str(f), "--level", "interval", "--json"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "broken.csv" in err and message in err
    assert "Traceback" not in err


def test_binary_file(tmp_path, capsys):
    f = tmp_path / "sheet.xlsx"
    f.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert main(["reliability", str(f), "--level", "nominal"]) == 1
    err = capsys.readouterr().err
    assert "sheet.xlsx" in err and "save the sheet as CSV" in err


def test_excel_sep_line_quotes_and_single_column(tmp_path, capsys):
    f = tmp_path / "excel.csv"
    f.write_text('sep=;\n"unit";"coder A";"coder B"\n"u1";"x";"x"\n"u2";"y";"x"\n\n', encoding="utf-8")
    d = _run_json(capsys, str(f), "--level", "nominal")
    assert d["n_coders"] == 2 and d["n_units"] == 2 and d["percent_agreement"] == 0.5
    g = tmp_path / "one.csv"
    g.write_text("A\n1\n2\n", encoding="utf-8")
    d = _run_json(capsys, str(g), "--level", "nominal")
    assert d["n_units"] == 0 and d["krippendorff_alpha"] is None
    assert any("no unit was coded by two or more coders" in n for n in d["notes"])


def test_ordinal_labels_with_order(tmp_path, capsys):
    labels = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    rows = [tuple(None if v is None else labels[v] for v in r) for r in REF_ROWS]
    f = _write(tmp_path / "labels.csv", rows)
    d = _run_json(capsys, str(f), "--level", "ordinal", "--order", "very low,low,mid,high,very high")
    assert d["krippendorff_alpha"] == pytest.approx(0.815, abs=0.001)
    assert main(["reliability", str(f), "--level", "ordinal", "--order", "low,mid"]) == 1
    err = capsys.readouterr().err
    assert "labels.csv" in err and "'very low' is not one of --order" in err
    assert main(["reliability", str(f), "--level", "nominal", "--order", "low,mid"]) == 2

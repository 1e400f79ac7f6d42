"""`annotator suggest`: JSON lines in input order, error lines for bad files."""
from __future__ import annotations

import json

from annotator.cli.main import main

STORY = ("Twelve soldiers from Light Infantry Battalion 402 deserted and joined the Karen National Union (KNU) "
         "in Hpapun on Monday, the KNU said.\n")


def test_suggest_json_lines_in_order_with_error_line(tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text(STORY, encoding="utf-8")
    cp = tmp_path / "b.txt"
    cp.write_bytes("Caf\xe9 owners said nothing happened.\r\n".encode("cp1252"))
    missing = tmp_path / "missing.txt"
    status = main(["suggest", "--json", "--model", "none", str(good), str(missing), str(cp)])
    out = capsys.readouterr()
    lines = [json.loads(x) for x in out.out.splitlines()]
    assert status == 1
    assert [x["file"] for x in lines] == [str(good), str(missing), str(cp)]
    assert "error" in lines[1] and "missing.txt" in lines[1]["error"]
    first = lines[0]
    assert set(first) >= {"file", "relevant", "fields", "events", "model", "seconds"}
    assert first["fields"]["unit"][0]["value"] == "LIB 402"
    assert first["relevant"] >= 0.5
    assert lines[2]["relevant"] < 0.5
    assert "rules only" in first["model"]
    assert "suggestions use the rules only" not in out.out  # the warning goes to stderr, once
    assert out.err.count("suggestions use the rules only") == 0  # model=none is a choice, not a failure


def test_suggest_missing_model_warns_once(tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text(STORY, encoding="utf-8")
    status = main(["suggest", "--json", "--model", "xx_missing_model", str(good), str(good)])
    out = capsys.readouterr()
    assert status == 0
    assert out.err.count("The English model 'xx_missing_model' is not installed") == 1
    assert len(out.out.splitlines()) == 2


def test_suggest_table(tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text(STORY, encoding="utf-8")
    assert main(["suggest", "--model", "none", str(good)]) == 0
    out = capsys.readouterr().out
    assert "LIB 402" in out and "KNU/KNLA" in out and "event 1" in out

"""Supervisors review learned patterns: list, switch off/on, export, import (CLI and domain)."""
import json

import pytest
from sqlalchemy import select

from annotator import patterns as P
from annotator.cli.main import main as cli
from annotator.coding import CodingStore, learned_patterns
from annotator.db.models import Article, AuditEntry
from annotator.db.project import Project

TEXT = ("Members of the Pyu Saw Htee in Kani Township laid down their arms on Monday and joined the local "
        "People's Defense Force, the PDF said.")


def taught_project(path):
    """A project where coder ana coded 'Pyu Saw Htee' as a militia actor and Kani as the place."""
    p = Project.create(path)
    with p.session() as s:
        a = Article(text=TEXT, content_hash="1", title="Militia members join the PDF")
        s.add(a)
    store = CodingStore(p, "ana")
    eid = store.add_event(a.id)
    start = TEXT.index("Pyu Saw Htee")
    store.set_value(a.id, eid, "actor", {"text": "Pyu Saw Htee", "key": "militia"}, "typed", (start, start + 12))
    store.set_value(a.id, eid, "location", {"name": "Kani", "admin1": "Sagaing Region"}, "typed")
    return p


def test_list_disable_enable_with_audit(tmp_path):
    p = taught_project(tmp_path / "p.annotator")
    try:
        pats = P.list_patterns(p)
        assert [(x.field, x.text, x.value, x.coder, x.active) for x in pats] == [
            ("actor", "Pyu Saw Htee", "militia", "ana", True), ("location", "Kani", "Kani", "ana", True)]
        assert pats[0].article == "Militia members join the PDF"
        before = P.signature(p)
        ids = P.find(p, ["pyu saw htee"])
        assert ids == [pats[0].id]
        assert P.set_active(p, ids, False, by="sup") == 1
        assert P.set_active(p, ids, False, by="sup") == 0          # already off: nothing to do
        assert [x["text"] for x in learned_patterns(p)] == ["Kani"]  # the engine no longer gets it
        assert P.signature(p) != before
        assert P.list_patterns(p, active=False)[0].text == "Pyu Saw Htee"
        with p.Session() as s:
            audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "pattern_off")).one()
            assert (audit.coder, audit.field, audit.new["text"]) == ("sup", "actor", "Pyu Saw Htee")
        P.set_active(p, P.find(p, [pats[0].id[:8]]), True, by="sup")
        assert P.signature(p) == before
        with pytest.raises(P.PatternError, match="no learned pattern 'Hpapun'"):
            P.find(p, ["Hpapun"])
    finally:
        p.close()


def test_a_disabled_pattern_stays_off_when_coded_again(tmp_path):
    p = taught_project(tmp_path / "p.annotator")
    try:
        P.set_active(p, P.find(p, ["Kani"]), False)
        with p.session() as s:
            b = Article(text="Soldiers in Kani surrendered.", content_hash="2")
            s.add(b)
        store = CodingStore(p, "ben")
        eid = store.add_event(b.id)
        store.set_value(b.id, eid, "location", {"name": "Kani", "admin1": "Sagaing Region"}, "typed")
        assert [x.active for x in P.list_patterns(p, field="location")] == [False]
    finally:
        p.close()


def test_export_then_import_into_another_project(tmp_path):
    src = taught_project(tmp_path / "a.annotator")
    out = tmp_path / "patterns.json"
    try:
        P.set_active(src, P.find(src, ["Kani"]), False)
        assert P.export_patterns(src, out) == 2
    finally:
        src.close()
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == P.FORMAT and len(doc["patterns"]) == 2
    dst = Project.create(tmp_path / "b.annotator")
    try:
        rep = P.import_patterns(dst, out, by="sup")
        assert (rep.added, rep.already, rep.refused) == (2, 0, [])
        assert learned_patterns(dst) == [{"field": "actor", "text": "Pyu Saw Htee", "value": "militia"}]
        rep = P.import_patterns(dst, out)                      # idempotent
        assert (rep.added, rep.already) == (0, 2)
    finally:
        dst.close()


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00garbage", "not a patterns file"),
    (b'{"patterns": [', "not valid JSON (line 1"),
    (b'{"format": "other/9", "patterns": []}', "unknown patterns format"),
    (b'{"patterns": {"a": 1}}', "'patterns' must be a list"),
])
def test_a_bad_patterns_file_is_refused_whole(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    p = Project.create(tmp_path / "p.annotator")
    try:
        with pytest.raises(P.PatternError) as err:
            P.import_patterns(p, bad)
        assert str(err.value).startswith(f"{bad}: ") and message in str(err.value)
        assert P.list_patterns(p) == []
    finally:
        p.close()


def test_bad_entries_are_refused_one_by_one(tmp_path):
    f = tmp_path / "mixed.json"
    f.write_text(json.dumps([{"field": "actor", "text": "Pyu Saw Htee", "value": "militia"},
                             {"field": "acter", "text": "x", "value": "y"},
                             {"field": "unit", "text": "", "value": "LIB 1"},
                             {"field": "unit", "text": "LIB-9", "value": "LIB 9", "extra": {"a": [1]}},
                             "nonsense"]), encoding="utf-8")
    p = Project.create(tmp_path / "p.annotator")
    try:
        rep = P.import_patterns(p, f)
        assert rep.added == 1
        assert [r.split(":")[0] for r in rep.refused] == ["patterns[1].field", "patterns[2].text",
                                                          "patterns[3].extra", "patterns[4]"]
    finally:
        p.close()


def test_cli(tmp_path, capsys):
    path = tmp_path / "p.annotator"
    taught_project(path).close()
    assert cli(["patterns", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "actor" in out[0] and "'Pyu Saw Htee' -> militia" in out[0]
    assert "(Sagaing Region)" in out[1] and "from Militia members join the PDF" in out[0]
    assert cli(["patterns", str(path), "--disable", "Kani"]) == 0
    assert capsys.readouterr().out.strip() == "1 pattern(s) disabled"
    assert cli(["patterns", str(path), "--json", "--field", "location"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["text"], row["active"]) == ("Kani", False)
    exported = tmp_path / "pats.json"
    assert cli(["patterns", str(path), "--export", str(exported)]) == 0
    assert capsys.readouterr().out.strip() == f"2 pattern(s) written to {exported}"
    other = tmp_path / "q.annotator"
    assert cli(["init", str(other)]) == 0
    capsys.readouterr()
    assert cli(["patterns", str(other), "--import", str(exported)]) == 0
    assert "2 pattern(s) added, 0 already in the project" in capsys.readouterr().out
    assert cli(["patterns", str(path), "--enable", "Hpapun"]) == 1
    assert "no learned pattern 'Hpapun'" in capsys.readouterr().err
    assert cli(["patterns", str(path), "--field", "colour"]) == 2
    assert "no event field 'colour'" in capsys.readouterr().err

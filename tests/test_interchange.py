import json

import pytest

from annotator.cli.main import main as cli
from annotator.coding import CodingStore
from annotator.db.project import Project
from annotator.importer import import_paths
from annotator.interchange import InterchangeError, export_codings, import_codings
from annotator.paths import SAMPLES
from tests.shared import GOLD, SEEDS, needs_seeds


@needs_seeds
def test_gold_round_trip_gives_back_the_same_codings(tmp_path, capsys):
    proj = tmp_path / "g.annotator"
    assert cli(["init", str(proj)]) == 0
    assert cli(["import", str(proj), str(SEEDS)]) == 0
    assert cli(["import-codings", str(proj), str(GOLD), "--coder", "gold"]) == 0
    with Project.open(proj) as p:
        out = export_codings(p, coder="gold")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    assert out == gold
    assert json.dumps(out) == json.dumps(gold)  # same key order too
    # the evidence sentences were located in the article text
    with Project.open(proj) as p:
        store = CodingStore(p, "gold")
        from sqlalchemy import select

        from annotator.db.models import Article
        with p.Session() as s:
            art = s.scalars(select(Article).where(Article.file_name == "002_fa0faf298b5d84ef.txt")).one()
        ev = store.load(art.id).events[0]
        start, end = ev.values["evidence"].evidence
        assert art.text[start:end].startswith("Twelve soldiers serving in the Myanmar military")


def test_samples_round_trip_with_extra_keys(tmp_path):
    p = Project.create(tmp_path / "s.annotator")
    import_paths(p, [SAMPLES / "articles"])
    data = json.loads((SAMPLES / "codings_ana.json").read_text(encoding="utf-8"))
    data[0]["reviewer_comment"] = "kept"
    data[0]["events"][0]["subset_of"] = None
    data[0]["events"][0]["count_includes_family"] = True
    src = tmp_path / "ana.json"
    src.write_text(json.dumps(data), encoding="utf-8")
    summary = import_codings(p, src, "ana")
    assert summary["articles"] == len(data) and not summary["unmatched"]
    assert export_codings(p, coder="ana") == data
    # importing again replaces, it does not add
    import_codings(p, src, "ana")
    assert export_codings(p, coder="ana") == data
    p.close()


def test_an_edit_after_import_is_exported(tmp_path):
    p = Project.create(tmp_path / "e.annotator")
    import_paths(p, [SAMPLES / "articles"])
    data = json.loads((SAMPLES / "codings_ana.json").read_text(encoding="utf-8"))[:1]
    src = tmp_path / "one.json"
    src.write_text(json.dumps(data), encoding="utf-8")
    import_codings(p, src, "ana")
    store = CodingStore(p, "ana")
    from annotator.db.models import Article
    from sqlalchemy import select
    with p.Session() as s:
        aid = s.scalars(select(Article.id).where(Article.file_name == data[0]["file"])).one()
    ev = store.load(aid).events[0]
    store.set_value(aid, ev.id, "count", {"text": "about 60", "min": 60, "max": 60, "approx": True})
    out = export_codings(p, coder="ana")[0]["events"][0]
    assert (out["count_text"], out["count_min"], out["count_max"], out["count_approx"]) == ("about 60", 60, 60, True)
    p.close()


def test_bad_codings_files_are_refused_with_the_file_name(tmp_path):
    p = Project.create(tmp_path / "b.annotator")
    cases = {"notjson.json": "{oops", "dict.json": json.dumps({"file": "x"}), "nofile.json": json.dumps([{"events": []}]),
             "badevents.json": json.dumps([{"file": "x", "events": {"a": 1}}])}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        with pytest.raises(InterchangeError, match=name):
            import_codings(p, path, "ana")
    p.close()

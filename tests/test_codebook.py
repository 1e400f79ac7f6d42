import json

import pytest

from annotator.codebook import CodebookError, default_codebook, load_codebook
from annotator.paths import DEFAULT_CODEBOOK


def write(tmp_path, data, name="mine.json"):
    p = tmp_path / name
    p.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return p


def test_default_codebook_has_the_coding_rules_fields():
    cb = default_codebook()
    assert [f.name for f in cb.event_fields][:7] == ["actor", "receiving_side", "unit", "count", "rank", "location", "date"]
    assert {"mode", "salience", "notes", "evidence"} <= {f.name for f in cb.event_fields}
    assert {"relevant", "near_duplicate_of", "flag", "article_notes"} == {f.name for f in cb.article_fields}
    actor = cb.field("actor")
    for alias in ("junta", "Regime", "Tatmadaw", "Military Council", "SAC"):
        assert actor.resolve(alias) == "Myanmar military"
    assert cb.field("receiving_side").resolve("Karen National Union") == "KNU/KNLA"
    assert cb.field("unit").type == "multi" and cb.field("count").type == "count"
    assert cb.field("location").type == "place" and cb.field("date").type == "date"
    assert all(f.sources for f in cb.fields)


def test_a_typo_in_a_field_type_names_file_path_and_problem(tmp_path):
    data = json.loads(DEFAULT_CODEBOOK.read_text(encoding="utf-8"))
    data["fields"][3]["type"] = "cout"
    p = write(tmp_path, data)
    with pytest.raises(CodebookError) as err:
        load_codebook(p)
    msg = str(err.value)
    assert msg.startswith(f"{p}: fields[3].type: 'cout' is not one of")


def test_missing_vocabulary_and_bad_json_and_duplicates(tmp_path):
    data = json.loads(DEFAULT_CODEBOOK.read_text(encoding="utf-8"))
    del data["fields"][4]["vocabulary"]
    with pytest.raises(CodebookError, match=r"fields\[4\]: 'vocabulary' is a required property"):
        load_codebook(write(tmp_path, data))
    with pytest.raises(CodebookError, match=r"not valid JSON: .* line 1"):
        load_codebook(write(tmp_path, '{"name": "x",,}', "broken.json"))
    data = json.loads(DEFAULT_CODEBOOK.read_text(encoding="utf-8"))
    data["fields"][5]["name"] = data["fields"][4]["name"]
    with pytest.raises(CodebookError, match=r"fields\[5\]\.name: 'actor' is used by two fields"):
        load_codebook(write(tmp_path, data))
    with pytest.raises(CodebookError, match="no such file"):
        load_codebook(tmp_path / "nope.json")

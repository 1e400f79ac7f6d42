"""The demo samples in resources/samples: codings parse, files exist, evidence is verbatim."""
import json
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
ARTICLES = SAMPLES / "articles"
CODERS = ["codings_ana.json", "codings_ben.json"]


@pytest.mark.parametrize("name", CODERS)
def test_codings_parse_and_evidence_is_verbatim(name):
    data = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    assert isinstance(data, list) and data
    for art in data:
        path = ARTICLES / art["file"]
        assert path.is_file(), art["file"]
        text = path.read_text(encoding="utf-8")
        for event in art["events"]:
            assert event.get("actor"), (art["file"], event)
            for sentence in event.get("evidence") or []:
                assert sentence in text, (art["file"], sentence)
        dup = art.get("near_duplicate_of")
        if dup:
            assert (ARTICLES / dup).is_file(), dup


def test_both_coders_code_every_article():
    files = {p.name for p in ARTICLES.glob("*.txt")}
    for name in CODERS:
        data = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
        assert {a["file"] for a in data} == files, name

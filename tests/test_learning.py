"""A value a coder types becomes a pattern that the engine suggests in the next article."""
import pytest
from sqlalchemy import select

from annotator.coding import CodingStore, learned_patterns
from annotator.db.models import Article, LearnedPattern
from annotator.db.project import Project

FIRST = ("Members of the Pyu Saw Htee in Kani Township laid down their arms on Monday and joined the local "
         "People's Defense Force, the PDF said.")
NEXT = ("Eleven Pyu Saw Htee members defected to a resistance group in Yinmabin on Friday, local sources said. "
        "They handed over their weapons.")


@pytest.fixture(scope="module")
def engine_cls():
    mod = pytest.importorskip("annotator.suggest.engine")
    return mod.SuggestionEngine


def actor_values(result):
    return [c["value"] for c in result["fields"]["actor"]]


def test_a_coded_militia_is_suggested_in_the_next_article(tmp_path, engine_cls):
    p = Project.create(tmp_path / "l.annotator")
    with p.session() as s:
        first = Article(text=FIRST, content_hash="1")
        s.add(first)
    store = CodingStore(p, "ana")
    eid = store.add_event(first.id)
    start = FIRST.index("Pyu Saw Htee")
    store.set_value(first.id, eid, "actor", {"text": "Pyu Saw Htee", "key": "militia"}, "typed",
                    (start, start + len("Pyu Saw Htee")))
    learned = learned_patterns(p)
    assert {"field": "actor", "text": "Pyu Saw Htee", "value": "militia"} in learned
    with p.Session() as s:  # stored in the project, with who taught it and where
        row = s.scalars(select(LearnedPattern)).one()
        assert (row.coder, row.article_id, row.active) == ("ana", first.id, True)

    plain = engine_cls(model=None)
    taught = engine_cls(model=None, learned=learned)
    assert taught.version != plain.version  # the suggestion cache is recomputed
    result = taught.suggest(NEXT)
    assert "militia" in actor_values(result)[:3]
    hit = next(c for c in result["fields"]["actor"] if c["value"] == "militia")
    assert NEXT[hit["start"]:hit["end"]] == "Pyu Saw Htee"
    assert not any(c["value"] == "militia" and NEXT[c["start"]:c["end"]] == "Pyu Saw Htee"
                   for c in plain.suggest(NEXT)["fields"]["actor"])
    p.close()


def test_a_switched_off_pattern_is_not_used(tmp_path):
    p = Project.create(tmp_path / "l2.annotator")
    with p.session() as s:
        a = Article(text=FIRST, content_hash="1")
        s.add(a)
    store = CodingStore(p, "ana")
    eid = store.add_event(a.id)
    store.set_value(a.id, eid, "location", {"name": "Kani", "admin1": "Sagaing Region"}, "typed")
    assert learned_patterns(p) == [{"field": "location", "text": "Kani", "value": "Kani", "admin1": "Sagaing Region"}]
    with p.session() as s:
        s.scalars(select(LearnedPattern)).one().active = False
    assert learned_patterns(p) == []
    p.close()

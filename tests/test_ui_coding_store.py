"""CodingStore operations the coding window relies on (domain only: no Qt)."""
from __future__ import annotations

from sqlalchemy import select

from annotator.coding import CodingStore
from annotator.db.models import AuditEntry


def _first_article(project) -> str:
    from annotator.db.models import Article
    with project.Session() as s:
        return s.scalars(select(Article.id).order_by(Article.position)).first()


def test_set_event_proposed_is_audited(seed_project):
    store = CodingStore(seed_project, "ann")
    aid = _first_article(seed_project)
    eid = store.add_event(aid, {"mode": ({"text": "surrender"}, "suggested", None)}, proposed=True)
    store.accept_event(aid, eid)
    assert store.load(aid).events[0].proposed is False
    store.set_event_proposed(aid, eid, True)
    assert store.load(aid).events[0].proposed is True
    store.set_event_proposed(aid, eid, True)  # no change: no audit entry
    with seed_project.Session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "set_proposed")).all()
    assert len(rows) == 1 and rows[0].coder == "ann" and rows[0].entity_id == eid and rows[0].new == {"proposed": True}
    other = CodingStore(seed_project, "ben")
    other.set_event_proposed(aid, eid, False)  # another coder's store cannot touch ann's event
    assert store.load(aid).events[0].proposed is True


def _flag(store, aid):
    vs = store.load(aid).values.get("flag")
    return bool(vs and vs.value.get("value"))


def test_flag_field_and_flagged_status_are_one(seed_project):
    store = CodingStore(seed_project, "ann")
    aid = _first_article(seed_project)
    store.set_status(aid, "done")
    store.set_value(aid, None, "flag", {"value": True})  # checking the flag flags the article
    state = store.load(aid)
    assert state.status == "flagged" and _flag(store, aid)
    store.set_value(aid, None, "flag", {"value": False})  # unchecking returns to the status before
    assert store.load(aid).status == "done" and not _flag(store, aid)
    store.set_status(aid, "flagged")  # the status checks the flag
    assert _flag(store, aid)
    store.set_status(aid, "in_progress")  # and leaving it clears the flag
    assert not _flag(store, aid) and store.load(aid).status == "in_progress"
    store.set_value(aid, None, "flag", {"value": True})
    store.set_value(aid, None, "flag", None)
    assert store.load(aid).status == "in_progress"
    from annotator.db.models import Coding
    with seed_project.Session() as s:
        assert s.scalars(select(Coding.flagged).where(Coding.article_id == aid)).one() is False


def test_flag_on_a_new_article_returns_to_in_progress(seed_project):
    store = CodingStore(seed_project, "ann")
    aid = _first_article(seed_project)
    store.set_value(aid, None, "flag", {"value": True})
    assert store.load(aid).status == "flagged"
    store.set_value(aid, None, "flag", None)
    assert store.load(aid).status == "in_progress"


def test_done_keeps_a_flag_and_the_interchange_round_trip_keeps_it(seed_project, tmp_path):
    store = CodingStore(seed_project, "ann")
    aid = _first_article(seed_project)
    store.set_value(aid, None, "flag", {"value": True})
    store.set_status(aid, "done")
    assert store.load(aid).status == "flagged" and _flag(store, aid)
    import json
    from annotator.interchange import export_codings, import_codings
    items = export_codings(seed_project, coder="ann")
    assert items[0]["flag"] is True
    out = tmp_path / "codings.json"
    out.write_text(json.dumps(items), encoding="utf-8")
    import_codings(seed_project, out, "ann2")
    other = CodingStore(seed_project, "ann2")
    assert other.load(aid).status == "flagged" and _flag(other, aid)

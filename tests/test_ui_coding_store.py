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

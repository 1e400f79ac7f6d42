"""Small writes the coding window needs that ``CodingStore`` does not offer (no Qt)."""
from __future__ import annotations

from annotator.db.models import AuditEntry, Event, now
from annotator.db.project import Project


def set_event_proposed(project: Project, coder_name: str, article_id: str, event_id: str, proposed: bool) -> None:
    """Mark an event as an engine proposal again (used to undo 'accept event')."""
    with project.session() as s:
        ev = s.get(Event, event_id)
        if ev is None or ev.proposed == proposed:
            return
        ev.proposed = proposed
        ev.updated_at = now()
        s.add(AuditEntry(coder=coder_name, action="set_proposed", entity="events", entity_id=event_id,
                         article_id=article_id, new={"proposed": proposed}))

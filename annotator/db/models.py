"""The project file's tables (SQLAlchemy 2, SQLite).

Every row has a UUID string primary key so that files from different coders can
be merged without id clashes. Rows a coder edits carry ``coder_id`` and
``created_at``/``updated_at`` (UTC ISO strings). The audit log is append-only.

Value storage: ``FieldValue.value`` is JSON whose shape depends on the codebook
field's type (see ``annotator.values``).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SCHEMA_VERSION = 2  # bump with every Alembic revision; see annotator/migrations/versions


def new_id() -> str:
    return str(uuid.uuid4())


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Meta(Base):
    """Key/value facts about the project: project_id, name, created_at, app_version."""
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CodebookRow(Base):
    """A copy of the codebook, so the project file is self-contained."""
    __tablename__ = "codebooks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String)
    version: Mapped[str] = mapped_column(String)
    content: Mapped[str] = mapped_column(Text)  # the codebook JSON
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String, default=now)


class ImportBatch(Base):
    __tablename__ = "import_batches"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[str] = mapped_column(String, default=now)
    source: Mapped[str | None] = mapped_column(Text)
    coder: Mapped[str | None] = mapped_column(String)
    report: Mapped[list[Any] | None] = mapped_column(JSON)


class Article(Base):
    __tablename__ = "articles"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    file_name: Mapped[str | None] = mapped_column(String, index=True)  # the name it was imported from
    source_path: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String)  # ISO date, possibly partial
    text: Mapped[str] = mapped_column(Text)
    # the detected article body inside a saved web page (offsets into text); None = whole text
    body_start: Mapped[int | None] = mapped_column(Integer)
    body_end: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("import_batches.id"))
    near_duplicate_of: Mapped[str | None] = mapped_column(ForeignKey("articles.id"))
    similarity: Mapped[float | None] = mapped_column(Float)
    relevance: Mapped[float | None] = mapped_column(Float)  # engine's relevance score, cached
    position: Mapped[int] = mapped_column(Integer, default=0)  # import order
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[str] = mapped_column(String, default=now)

    @property
    def body(self) -> str:
        if self.body_start is None or self.body_end is None:
            return self.text
        return self.text[self.body_start:self.body_end]


class Coder(Base):
    __tablename__ = "coders"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String, unique=True)
    kind: Mapped[str] = mapped_column(String, default="coder")  # coder | reconciled
    created_at: Mapped[str] = mapped_column(String, default=now)


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("article_id", "coder_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[str] = mapped_column(ForeignKey("coders.id"), index=True)
    created_at: Mapped[str] = mapped_column(String, default=now)


STATUSES = ("new", "in_progress", "done", "flagged", "not_relevant")


class Coding(Base):
    """One coder's coding of one article."""
    __tablename__ = "codings"
    __table_args__ = (UniqueConstraint("article_id", "coder_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[str] = mapped_column(ForeignKey("coders.id"), index=True)
    status: Mapped[str] = mapped_column(String, default="new")
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # unknown interchange keys, kept
    created_at: Mapped[str] = mapped_column(String, default=now)
    updated_at: Mapped[str] = mapped_column(String, default=now)

    events: Mapped[list["Event"]] = relationship(
        back_populates="coding", order_by="Event.position", cascade="all, delete-orphan")
    values: Mapped[list["FieldValue"]] = relationship(
        back_populates="coding", cascade="all, delete-orphan",
        primaryjoin="and_(FieldValue.coding_id == Coding.id, FieldValue.event_id == None)", viewonly=True)


class Event(Base):
    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    coding_id: Mapped[str] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    coder_id: Mapped[str] = mapped_column(ForeignKey("coders.id"))
    proposed: Mapped[bool] = mapped_column(Boolean, default=False)  # pre-filled by the engine, not yet accepted
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)  # soft delete (undo, merge)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # unknown interchange keys, kept
    created_at: Mapped[str] = mapped_column(String, default=now)
    updated_at: Mapped[str] = mapped_column(String, default=now)

    coding: Mapped[Coding] = relationship(back_populates="events")
    values: Mapped[list["FieldValue"]] = relationship(back_populates="event", cascade="all, delete-orphan")


ORIGINS = ("typed", "suggested", "suggested_accepted", "suggested_edited", "imported", "reconciled")


class FieldValue(Base):
    """One field's value in a coding (event_id None = article-level field)."""
    __tablename__ = "field_values"
    __table_args__ = (Index("ix_field_values_coding_event_field", "coding_id", "event_id", "field"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    coding_id: Mapped[str] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[str | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    origin: Mapped[str] = mapped_column(String, default="typed")
    evidence_start: Mapped[int | None] = mapped_column(Integer)
    evidence_end: Mapped[int | None] = mapped_column(Integer)
    coder_id: Mapped[str] = mapped_column(ForeignKey("coders.id"))
    created_at: Mapped[str] = mapped_column(String, default=now)
    updated_at: Mapped[str] = mapped_column(String, default=now)

    event: Mapped[Event | None] = relationship(back_populates="values")
    coding: Mapped[Coding] = relationship(back_populates="values", viewonly=True)


class AuditEntry(Base):
    """Append-only log of every change: who, when, what, old, new."""
    __tablename__ = "audit_log"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    ts: Mapped[str] = mapped_column(String, default=now, index=True)
    coder: Mapped[str | None] = mapped_column(String)
    action: Mapped[str] = mapped_column(String)  # set | add_event | delete_event | status | import | merge | reconcile ...
    entity: Mapped[str | None] = mapped_column(String)  # table name
    entity_id: Mapped[str | None] = mapped_column(String(36))
    article_id: Mapped[str | None] = mapped_column(String(36), index=True)
    field: Mapped[str | None] = mapped_column(String)
    old: Mapped[Any] = mapped_column(JSON, nullable=True)
    new: Mapped[Any] = mapped_column(JSON, nullable=True)


class SuggestionCache(Base):
    __tablename__ = "suggestion_cache"
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    engine_version: Mapped[str] = mapped_column(String, primary_key=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[str] = mapped_column(String, default=now)


class LearnedPattern(Base):
    """A value a coder typed or accepted, turned into a pattern for the next articles."""
    __tablename__ = "learned_patterns"
    __table_args__ = (UniqueConstraint("field", "text"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    field: Mapped[str] = mapped_column(String)
    text: Mapped[str] = mapped_column(Text)  # the words to look for
    value: Mapped[str] = mapped_column(Text)  # the normalised value to suggest
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # e.g. admin1 for places
    coder: Mapped[str | None] = mapped_column(String)
    article_id: Mapped[str | None] = mapped_column(String(36))
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # the supervisor can switch one off
    created_at: Mapped[str] = mapped_column(String, default=now)


class Decision(Base):
    """A reconciliation decision: who settled which disagreement, how and why.

    The reconciled values themselves live in the coding of the coder whose
    ``kind`` is ``reconciled`` (so exports read them like any coding).
    """
    __tablename__ = "decisions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    event_key: Mapped[str | None] = mapped_column(String)  # aligned event group (None = article level)
    field: Mapped[str] = mapped_column(String)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    chosen_from: Mapped[str | None] = mapped_column(String)  # coder name whose value was picked, or None if typed
    decided_by: Mapped[str] = mapped_column(String)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String, default=now)

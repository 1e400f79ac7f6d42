"""The coder's article queue as plain rows (no Qt): what the queue model shows."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlalchemy import func, select

from annotator.db.models import Article, Assignment, Coding, Meta
from annotator.db.project import Project

STATUS_LABELS = {"new": "new", "in_progress": "in progress", "done": "done", "flagged": "flagged",
                 "not_relevant": "not relevant"}
FINISHED = ("done", "not_relevant")


@dataclass
class QueueRow:
    article_id: str
    position: int
    title: str
    file_name: str
    outlet: str
    published: str
    status: str
    relevance: float | None
    duplicate_of: str | None  # the file name / title of the article this one nearly duplicates


def load_queue(project: Project, coder_id: str) -> list[QueueRow]:
    """The coder's assigned articles (every article when nobody is assigned anything to this coder)."""
    with project.Session() as s:
        assigned = set(s.scalars(select(Assignment.article_id).where(Assignment.coder_id == coder_id)))
        statuses = dict(s.execute(select(Coding.article_id, Coding.status).where(Coding.coder_id == coder_id)).all())
        arts = s.execute(select(Article.id, Article.position, Article.title, Article.file_name, Article.outlet,
                                Article.published, Article.relevance, Article.near_duplicate_of)
                         .order_by(Article.position, Article.created_at)).all()
        names = {a.id: (a.file_name or a.title or a.id[:8]) for a in arts}
        rows = []
        for i, a in enumerate(arts):
            if assigned and a.id not in assigned:
                continue
            rows.append(QueueRow(a.id, i + 1, a.title or a.file_name or "(untitled)", a.file_name or "",
                                 a.outlet or "", a.published or "", statuses.get(a.id, "new"), a.relevance,
                                 names.get(a.near_duplicate_of) if a.near_duplicate_of else None))
        return rows


def search_articles(project: Project, needle: str) -> set[str]:
    """Ids of articles whose title or text contains ``needle`` (case-insensitive)."""
    like = f"%{needle.lower()}%"
    with project.Session() as s:
        return set(s.scalars(select(Article.id).where(
            (func.lower(Article.text).like(like)) | (func.lower(func.coalesce(Article.title, "")).like(like)))))


def search_file(path: str, needle: str) -> set[str]:
    """``search_articles`` on a read-only connection of its own (for a worker thread)."""
    like = f"%{needle.lower()}%"
    conn = sqlite3.connect(path, timeout=5.0)
    try:
        conn.execute("PRAGMA query_only=ON")
        # one row with every id: fetching row by row hands the GIL back and forth with the suggestion worker at
        # each row, which took seconds for a thousand hits while the engine was busy
        (ids,) = conn.execute("SELECT group_concat(id, ' ') FROM articles WHERE lower(text) LIKE ? "
                              "OR lower(coalesce(title, '')) LIKE ?", (like, like)).fetchone()
        return set(ids.split()) if ids else set()
    finally:
        conn.close()


def _key(coder_id: str) -> str:
    return f"last_article:{coder_id}"


def last_article(project: Project, coder_id: str) -> str | None:
    with project.Session() as s:
        row = s.get(Meta, _key(coder_id))
        return row.value if row else None


def remember_article(project: Project, coder_id: str, article_id: str) -> None:
    with project.session() as s:
        row = s.get(Meta, _key(coder_id))
        if row is None:
            s.add(Meta(key=_key(coder_id), value=article_id))
        elif row.value != article_id:
            row.value = article_id


def article_record(project: Project, article_id: str) -> dict | None:
    with project.Session() as s:
        a = s.get(Article, article_id)
        if a is None:
            return None
        dup = s.get(Article, a.near_duplicate_of) if a.near_duplicate_of else None
        return {"id": a.id, "title": a.title or a.file_name or "", "outlet": a.outlet or "", "url": a.url or "",
                "near_duplicate_of": (dup.file_name or dup.id) if dup is not None else None,
                "published": a.published or "", "text": a.text, "body_start": a.body_start, "body_end": a.body_end,
                "content_hash": a.content_hash, "file_name": a.file_name or ""}

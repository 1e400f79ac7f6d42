"""Shared helpers for the workflow tests (no tests here): a project with articles, a whole-database dump."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from annotator.db.models import Article
from annotator.db.project import Project


def make_project(path: Path, n_articles: int = 20) -> Project:
    project = Project.create(path)
    add_articles(project, n_articles)
    return project


def add_articles(project: Project, n: int, start: int = 0) -> list[str]:
    ids = []
    with project.session() as s:
        for i in range(start, start + n):
            text = (f"Article {i}. On 3 May 2024 a group of 12 soldiers of the 5th brigade crossed over to the "
                    f"rebels near Aleppo, a commander said. Unique text number {i}.")
            a = Article(text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                        file_name=f"article_{i:03d}.txt", position=i)
            s.add(a)
            s.flush()
            ids.append(a.id)
    return ids


def table_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (sorted), to compare whole databases."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()

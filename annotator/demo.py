"""The built-in demo project: the sample articles of resources/samples, coded by two demo coders.

The two coders agree on most fields and disagree on some, so that every screen
(queue, form, agreement, disagreements) and every export has something real to
show on first run.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from annotator.db.models import Article, Assignment
from annotator.db.project import Project
from annotator.importer import import_paths
from annotator.interchange import import_codings
from annotator.paths import SAMPLES

DEMO_CODERS = ("ana", "ben")


def create_demo(path: str | Path, samples: Path = SAMPLES) -> Project:
    """Create the demo project at ``path`` (which must not exist) and return it open."""
    project = Project.create(path, name="Demo: defections in Myanmar (sample articles)")
    import_paths(project, [samples / "articles"], coder="demo")
    for coder in DEMO_CODERS:
        codings = samples / f"codings_{coder}.json"
        if codings.exists():
            import_codings(project, codings, coder)
    with project.session() as s:
        coder_ids = [project.coder(s, name).id for name in DEMO_CODERS]
        for aid in s.scalars(select(Article.id)):
            for cid in coder_ids:
                s.add(Assignment(article_id=aid, coder_id=cid))
    return project

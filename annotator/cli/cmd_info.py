"""annotator info PROJECT [--json]"""
from __future__ import annotations

import json

from sqlalchemy import func, select

from annotator.cli.common import open_project
from annotator.db.models import Article, Coder, Coding, Event
from annotator.settings import model_name


def project_info(project) -> dict:
    with project.Session() as s:
        def count(q):
            return s.scalar(select(func.count()).select_from(q.subquery()))

        return {
            "project": project.name,
            "project_id": project.project_id,
            "codebook": {"name": project.codebook.name, "version": project.codebook.version},
            "model": model_name(project),
            "schema_version": project.schema_version,
            "articles": count(select(Article.id)),
            "coders": count(select(Coder.id).where(Coder.kind == "coder")),
            "codings": count(select(Coding.id).join(Coder, Coder.id == Coding.coder_id).where(Coder.kind == "coder")),
            "events": count(select(Event.id).join(Coding, Coding.id == Event.coding_id).join(
                Coder, Coder.id == Coding.coder_id).where(Coder.kind == "coder", Event.deleted.is_(False), Event.proposed.is_(False))),
        }


def register(sub) -> None:
    p = sub.add_parser("info", help="what a project holds", description="Codebook, schema version and counts.")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    project = open_project(args.project)
    try:
        info = project_info(project)
    finally:
        project.close()
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
    else:
        print(f"project        {info['project']} ({args.project})")
        print(f"codebook       {info['codebook']['name']} {info['codebook']['version']}")
        print(f"schema version {info['schema_version']}")
        print(f"spaCy model    {info['model']}")
        for key in ("articles", "coders", "codings", "events"):
            print(f"{key:14} {info[key]}")
    return 0

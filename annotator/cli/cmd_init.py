"""annotator init PROJECT [--codebook FILE]"""
from __future__ import annotations

from annotator.cli.main import CliError
from annotator.codebook import CodebookError, load_codebook
from annotator.db.project import Project, ProjectError


def register(sub) -> None:
    p = sub.add_parser("init", help="create an empty project file",
                       description="Create a new project file holding a copy of the codebook.")
    p.add_argument("project", help="the project file to create, e.g. myanmar.annotator")
    p.add_argument("--codebook", help="codebook JSON (default: schemas/defection.json)")
    p.add_argument("--name", help="project name shown in the app (default: the file name)")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        codebook = load_codebook(args.codebook) if args.codebook else None
        project = Project.create(args.project, codebook=codebook, name=args.name)
    except (CodebookError, ProjectError) as exc:
        raise CliError(str(exc)) from None
    cb = project.codebook
    print(f"created {args.project} (codebook {cb.name} {cb.version}, {len(cb.fields)} fields)")
    project.close()
    return 0

"""annotator demo PROJECT"""
from __future__ import annotations

from annotator.cli.main import CliError
from annotator.db.project import ProjectError


def register(sub) -> None:
    p = sub.add_parser("demo", help="create the demo project",
                       description="Create a project with the built-in sample articles, coded by two demo "
                                   "coders (ana and ben) who disagree on a few fields.")
    p.add_argument("project", help="the project file to create, e.g. demo.annotator")
    p.set_defaults(func=run)


def run(args) -> int:
    from annotator.demo import create_demo
    from annotator.cli.cmd_info import project_info

    try:
        project = create_demo(args.project)
    except ProjectError as exc:
        raise CliError(str(exc)) from None
    info = project_info(project)
    project.close()
    print(f"created {args.project}: {info['articles']} articles, {info['coders']} coders, "
          f"{info['codings']} codings, {info['events']} events")
    return 0

"""annotator config PROJECT [KEY [VALUE]]"""
from __future__ import annotations

from annotator import settings
from annotator.cli.common import open_project
from annotator.cli.main import EXIT_USAGE, CliError


def register(sub) -> None:
    p = sub.add_parser(
        "config", help="show or change a project setting (e.g. the spaCy model)",
        description="Without KEY: list the settings. With KEY: show it. With KEY VALUE: store it in the project "
                    "('-' restores the default). Settings: model = the spaCy pipeline the suggestion engine loads "
                    f"(default {settings.DEFAULT_MODEL}; 'none' = rules only; ANNOTATOR_MODEL overrides it).")
    p.add_argument("project")
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.key is not None and args.key not in settings.SETTINGS:
        raise CliError(f"unknown setting {args.key!r} (known: {', '.join(sorted(settings.SETTINGS))})", EXIT_USAGE)
    project = open_project(args.project)
    try:
        if args.value is not None:
            settings.set(project, args.key, None if args.value == "-" else args.value)
        for key in [args.key] if args.key else sorted(settings.SETTINGS):
            print(f"{key} = {settings.get(project, key)}")
    finally:
        project.close()
    return 0

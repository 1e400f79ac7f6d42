"""annotator import-codings PROJECT FILE.json --coder NAME"""
from __future__ import annotations

from annotator.cli.common import open_project
from annotator.cli.main import CliError
from annotator.interchange import InterchangeError, import_codings


def register(sub) -> None:
    p = sub.add_parser("import-codings", help="read codings in the interchange JSON format",
                       description="Read codings (GOLD_FORMAT.md) as one coder's; articles are matched by file "
                                   "name or id. Re-importing replaces that coder's codings of those articles.")
    p.add_argument("project")
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("--coder", required=True, help="whose codings these are")
    p.set_defaults(func=run)


def run(args) -> int:
    project = open_project(args.project)
    try:
        summary = import_codings(project, args.file, args.coder)
    except InterchangeError as exc:
        raise CliError(str(exc)) from None
    finally:
        project.close()
    print(f"{summary['articles']} articles and {summary['events']} events imported as {args.coder}'s codings")
    if summary["unmatched"]:
        print(f"not in the project (skipped): {', '.join(summary['unmatched'])}")
        return 1
    return 0

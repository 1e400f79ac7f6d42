"""`annotator package PROJECT --coder NAME OUT`: a project file for one coder to code offline."""
from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "package",
        help="write a project file holding one coder's articles, to code offline",
        description="Writes OUT, a self-contained project file (same project id and codebook) holding only the "
                    "coder's assigned articles, their codings so far and the learned patterns. The coder opens "
                    "it in the app like any project; 'annotator merge' brings the work back.",
    )
    p.add_argument("project", metavar="PROJECT", help="the main project file")
    p.add_argument("--coder", required=True, help="the coder's name")
    p.add_argument("out", metavar="OUT", help="the package file to write (must not exist yet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.cli.common import open_project
    from annotator.cli.main import CliError
    from annotator.db.project import ProjectError
    from annotator.workflow.package import PackageError, make_package

    project = open_project(args.project)
    try:
        report = make_package(project, args.coder, args.out)
    except (PackageError, ProjectError) as exc:
        raise CliError(str(exc)) from None
    finally:
        project.close()
    print(report.format())
    return 0

"""`annotator export PROJECT OUT.xlsx|OUT.csv|OUT.json [--coder NAME | --reconciled | --all-coders]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.cli.main import EXIT_USAGE, CliError

SUFFIXES = (".xlsx", ".csv", ".json")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="export codings for analysis: Excel workbook, Events CSV or interchange JSON",
        description="Export the codings. The format follows OUT's suffix: .xlsx = a workbook with the sheets "
                    "Events, Articles, Agreement, Codebook, Coders and About; .csv = the Events table (UTF-8 with "
                    "BOM); .json = the codings interchange format (full texts). By default every coder's codings "
                    "are exported, one row per event per coder.",
    )
    p.add_argument("project", metavar="PROJECT", help="the project file")
    p.add_argument("out", metavar="OUT", help="the file to write: OUT.xlsx, OUT.csv or OUT.json")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--coder", metavar="NAME", help="only this coder's codings")
    who.add_argument("--reconciled", action="store_true", help="only the reconciled coding")
    who.add_argument("--all-coders", action="store_true", help="every coder's codings (the default)")
    p.add_argument("--no-agreement", action="store_true",
                   help="(.xlsx) skip the agreement statistics (a few seconds on 100,000 events); the "
                        "Agreement sheet then says so")
    p.set_defaults(func=run)


def _progress_printer():
    """A percentage on the terminal (nothing when stderr is redirected)."""
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def show(done: int, total: int) -> None:
        pct = int(100 * done / total) if total else 100
        if pct != last[0]:
            last[0] = pct
            print(f"\rexporting... {pct:3d}%", end="", file=sys.stderr, flush=True)

    return show


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in SUFFIXES:
        raise CliError(f"{out}: unknown format {out.suffix or '(no suffix)'!r}; OUT must end in "
                       f"{', '.join(SUFFIXES)}", EXIT_USAGE)
    from annotator.cli.common import open_project
    from annotator.export import ExportError, ExportScope, export_project

    scope = ExportScope(coder=args.coder, reconciled=bool(args.reconciled))
    project = open_project(args.project)
    try:
        report = export_project(project, out, scope, progress=_progress_printer(),
                                agreement=not args.no_agreement)
    except ExportError as exc:
        raise CliError(str(exc)) from None
    finally:
        project.close()
        if sys.stderr.isatty():
            print("\r" + " " * 30 + "\r", end="", file=sys.stderr)
    parts = [f"{report.get('events_rows', 0):,} events"]
    if "articles_rows" in report:
        parts.append(f"{report['articles_rows']:,} articles")
    elif "articles" in report:
        parts.append(f"{report['articles']:,} codings of articles")
    cleaned = [f"{report[k]:,} {label}" for k, label in (
        ("formula_like_text_cells", "formula-like text cells kept as text"),
        ("illegal_removed", "cells with XML-illegal characters removed"),
        ("truncated", "cells cut at 32,767 characters")) if report.get(k)]
    print(f"wrote {out} ({scope.label}): {', '.join(parts)}" + (f"; {'; '.join(cleaned)}" if cleaned else ""))
    if report.get("truncated"):
        print("note: cut cells end with a marker; the .json export holds the full text", file=sys.stderr)
    return 0

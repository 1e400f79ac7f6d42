"""annotator patterns PROJECT [--field F] [--json] [--disable REF...] [--enable REF...] [--export FILE] [--import FILE]"""
from __future__ import annotations

import json

from annotator import patterns as P
from annotator.cli.common import open_project
from annotator.cli.main import EXIT_USAGE, CliError


def register(sub) -> None:
    p = sub.add_parser(
        "patterns", help="review the patterns coders taught the suggestion engine; switch, export, import",
        description="Words coders coded (a unit, group or place they typed or marked in the text) become "
                    "patterns the engine suggests in the following articles. Without options: list them. "
                    "A REF is a pattern's id (or its first 8 characters) or its words.")
    p.add_argument("project")
    p.add_argument("--field", help="only this event field (actor, unit, location, ...)")
    p.add_argument("--json", action="store_true", help="print the list as JSON (the export format)")
    p.add_argument("--disable", nargs="+", metavar="REF", help="stop suggesting these patterns")
    p.add_argument("--enable", nargs="+", metavar="REF", help="suggest these patterns again")
    p.add_argument("--export", metavar="FILE.json", help="write the patterns to a JSON file")
    p.add_argument("--import", dest="import_file", metavar="FILE.json",
                   help="add the patterns of a JSON file (from 'patterns --export' of another project)")
    p.add_argument("--by", default="supervisor", help="name written to the audit log (default: supervisor)")
    p.set_defaults(func=run)


def run(args) -> int:
    project = open_project(args.project)
    try:
        if args.field and not any(f.name == args.field for f in project.codebook.event_fields):
            known = ", ".join(f.name for f in project.codebook.event_fields)
            raise CliError(f"{args.project}: no event field {args.field!r} (fields: {known})", EXIT_USAGE)
        try:
            return _run(args, project)
        except P.PatternError as exc:
            raise CliError(str(exc)) from None
    finally:
        project.close()


def _run(args, project) -> int:
    status = 0
    acted = False
    if args.import_file:
        acted = True
        rep = P.import_patterns(project, args.import_file, by=args.by)
        print(f"{args.import_file}: {rep.added} pattern(s) added, {rep.already} already in the project"
              + (f", {len(rep.refused)} refused:" if rep.refused else ""))
        for reason in rep.refused or []:
            print(f"  refused {reason}")
        status = 1 if rep.refused else 0
    for refs, on in ((args.disable, False), (args.enable, True)):
        if refs:
            acted = True
            n = P.set_active(project, P.find(project, refs, args.field), on, by=args.by)
            print(f"{n} pattern(s) {'enabled' if on else 'disabled'}")
    if args.export:
        acted = True
        n = P.export_patterns(project, args.export, args.field)
        print(f"{n} pattern(s) written to {args.export}")
    if args.json:
        print(json.dumps([p.to_json() for p in P.list_patterns(project, args.field)], ensure_ascii=False))
    elif not acted:
        pats = P.list_patterns(project, args.field)
        if not pats:
            print("no learned patterns yet (they appear as coders code units, groups and places)")
        for p in pats:
            extra = f" ({', '.join(str(v) for v in p.extra.values() if v)})" if p.extra else ""
            src = f"  from {p.article}" if p.article else ""
            print(f"{p.id[:8]}  {'on ' if p.active else 'off'}  {p.field:<15} {p.text!r} -> {p.value}{extra}"
                  f"  [{p.coder or '?'}, {p.created_at[:10]}]{src}")
    return status

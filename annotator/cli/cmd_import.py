"""annotator import PROJECT PATH..."""
from __future__ import annotations

import json
import sys

from annotator.cli.common import open_project
from annotator.importer import Columns, import_paths


def register(sub) -> None:
    p = sub.add_parser("import", help="import articles from files and folders",
                       description="Import .txt, .md, .html/.htm, .csv/.tsv/.xlsx and .jsonl files (folders are "
                                   "searched recursively). Exit status 0 when nothing was rejected, 1 when some "
                                   "file was rejected (the others are still imported), 2 for a usage error.")
    p.add_argument("project")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON line per file")
    for role in ("text", "title", "url", "date", "outlet"):
        p.add_argument(f"--{role}-column", metavar="NAME", help=f"spreadsheet column holding the {role}")
    p.set_defaults(func=run)


def run(args) -> int:
    project = open_project(args.project)
    columns = Columns(text=args.text_column, title=args.title_column, url=args.url_column,
                      published=args.date_column, outlet=args.outlet_column)
    try:
        report = import_paths(project, args.paths, columns)
    finally:
        project.close()
    for r in report:
        if args.json:
            print(json.dumps(r, ensure_ascii=False))
        elif r["status"] == "imported":
            print(f"imported       {r['file']}")
        elif r["status"] == "duplicate":
            print(f"duplicate      {r['file']}  (duplicate of {r['duplicate_of']})")
        elif r["status"] == "near_duplicate":
            print(f"near-duplicate {r['file']}  ({r['reason']})")
        else:
            print(f"rejected       {r['file']}: {r['reason']}")
    counts = {s: sum(r["status"] == s for r in report) for s in ("imported", "near_duplicate", "duplicate", "rejected")}
    if not args.json:
        print(f"{counts['imported'] + counts['near_duplicate']} imported ({counts['near_duplicate']} linked as "
              f"near-duplicates), {counts['duplicate']} duplicates skipped, {counts['rejected']} rejected",
              file=sys.stderr)
    return 1 if counts["rejected"] else 0

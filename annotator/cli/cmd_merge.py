"""`annotator merge PROJECT FILE...`: bring coders' work packages back into the project."""
from __future__ import annotations

import argparse
import json


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "merge",
        help="bring coders' work packages (made with 'annotator package') back into the project",
        description="Merges each package file into the project in its own transaction. A value changed only in "
                    "the package is taken, one changed only in the project is kept, and one changed in both is "
                    "a conflict: reported (and written to the audit log), the project's value is kept. Merging "
                    "the same file again changes nothing. A file from another project, with another codebook "
                    "version, damaged or not a package is refused and the project is left as it was.",
    )
    p.add_argument("project", metavar="PROJECT", help="the main project file")
    p.add_argument("files", metavar="FILE", nargs="+", help="package files to merge")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.add_argument("--dry-run", action="store_true", help="report what merging would do, without changing the project")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.cli.common import open_project
    from annotator.workflow.merge import MergeError, merge_files

    project = open_project(args.project)
    try:
        results = merge_files(project, args.files, dry_run=args.dry_run)
    finally:
        project.close()
    refused = [r for r in results if isinstance(r, MergeError)]
    if args.json:
        print(json.dumps([{"file": str(f), "refused": str(r)} if isinstance(r, MergeError) else r.as_dict()
                          for f, r in zip(args.files, results)], indent=1, ensure_ascii=False))
    else:
        blocks = [f"{r}" if isinstance(r, MergeError) else r.format() for r in results]
        print("\n\n".join(blocks))
        merged = len(results) - len(refused)
        n_conf = sum(len(r.conflicts) for r in results if not isinstance(r, MergeError))
        print(f"\n{merged} file(s) {'would be merged' if args.dry_run else 'merged'}, {len(refused)} refused, "
              f"{n_conf} conflict(s)" + (" (dry run: nothing saved)" if args.dry_run else ""))
    return 1 if refused else 0

"""`annotator assign PROJECT --coders ana,ben,chen (--overlap 0.2 | --per-article 2) [--seed N] [--replace]`."""
from __future__ import annotations

import argparse
import json

from annotator.cli.main import EXIT_USAGE, CliError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "assign",
        help="hand out the project's articles to coders, a share of them double-coded",
        description="Every article goes to one coder; the --overlap share goes to two (or every article to "
                    "--per-article coders). Loads are balanced (they differ by at most one) and the shared "
                    "articles are spread over the coder pairs. The same --seed gives the same assignment. "
                    "Existing assignments are kept and only unassigned articles are handed out, unless "
                    "--replace is given.",
    )
    p.add_argument("project", metavar="PROJECT", help="the project file")
    p.add_argument("--coders", required=True, help="comma-separated coder names, e.g. ana,ben,chen")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--overlap", type=float, default=None, metavar="SHARE",
                   help="share of the articles (0 to 1) that go to two coders (default 0)")
    g.add_argument("--per-article", type=int, default=None, metavar="N", help="every article to N coders")
    p.add_argument("--seed", type=int, default=None, help="random seed (the summary prints the one used)")
    p.add_argument("--replace", action="store_true",
                   help="remove all existing assignments and plan every article afresh (codings are kept)")
    p.add_argument("--dry-run", action="store_true", help="print the plan without saving it")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.cli.common import open_project
    from annotator.workflow.assign import AssignError, apply_plan, parse_coders, plan_assignment

    try:
        coders = parse_coders(args.coders)
    except AssignError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if not coders:
        raise CliError("--coders: give at least one coder name", EXIT_USAGE)
    project = open_project(args.project)
    try:
        try:
            plan = plan_assignment(project, coders, overlap=args.overlap, per_article=args.per_article,
                                   seed=args.seed, replace=args.replace)
        except AssignError as exc:  # settings that cannot work: a usage error
            raise CliError(str(exc), EXIT_USAGE) from None
        if not args.dry_run:
            try:
                apply_plan(project, plan)
            except AssignError as exc:
                raise CliError(str(exc)) from None
        if args.json:
            print(json.dumps({
                "seed": plan.seed, "dry_run": args.dry_run, "articles": plan.n_articles,
                "newly_assigned": plan.n_new_articles, "multi_coded": plan.n_multi, "kept": plan.kept,
                "removed": plan.removed,
                "coders": {s.coder: {"new": s.new, "total": s.total, "double_coded": s.shared} for s in plan.summary},
                "pairs": {f"{a}+{b}": n for (a, b), n in plan.pair_counts.items()},
            }, indent=1))
        else:
            print(plan.format_table())
            if args.dry_run:
                print("(dry run: nothing saved)")
        return 0
    finally:
        project.close()

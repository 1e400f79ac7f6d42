"""`annotator agreement PROJECT [--json] [--field F]`: per-field inter-coder agreement of a project."""
from __future__ import annotations

import argparse
import json

from annotator.cli.main import CliError, EXIT_USAGE

SPECIAL = ("relevant", "event_present", "event_count")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "agreement", help="per-field agreement between coders of a project",
        description="Krippendorff's alpha (95%% bootstrap interval), percent agreement and the other coefficients "
                    "per codebook field, over articles coded by two or more coders, after matching each coder's "
                    "events by their field values. Also relevance, event presence and event count.")
    p.add_argument("project", metavar="PROJECT", help="the project file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--field", action="append", metavar="F",
                   help="only this field (repeatable; e.g. mode, count_min); relevance, event presence and count are always shown")
    p.add_argument("--coders", metavar="A,B", help="only these coders")
    p.add_argument("--empty-as-missing", action="store_true",
                   help="treat an empty category/set value in a coded event as missing instead of as the value '(empty)'")
    p.add_argument("--bootstrap", type=int, default=1000, metavar="N", help="bootstrap resamples (0 = no interval)")
    p.add_argument("--disagreements", action="store_true", help="list the disagreements instead of the table")
    p.add_argument("--reconcile-agreed", action="store_true",
                   help="write a reconciled coding holding everything the coders agree on for every double-coded "
                        "article that has none yet (articles without open disagreements are marked done)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.agreement.project import project_agreement, prepare
    from annotator.db.project import Project, ProjectError

    if args.bootstrap < 0:
        raise CliError("--bootstrap must be 0 or more", EXIT_USAGE)
    try:
        project = Project.open(args.project)
    except ProjectError as exc:
        raise CliError(str(exc)) from None
    try:
        coders = [c.strip() for c in args.coders.split(",") if c.strip()] if args.coders else None
        data = prepare(project, coders)
        if args.field:
            from annotator.agreement.project import compared_items
            known = {it.name for sc in ("event", "article") for it in compared_items(data.codebook, sc)}
            known |= {it.field.name for sc in ("event", "article") for it in compared_items(data.codebook, sc)}
            unknown = [f for f in args.field if f not in known and f not in SPECIAL]
            if unknown:
                raise CliError(f"{args.project}: no compared field {unknown[0]!r}; fields: {', '.join(sorted(known))}",
                               EXIT_USAGE)
        if args.reconcile_agreed:
            from annotator.agreement.disagreements import complete_reconciled
            n = complete_reconciled(project, data)
            print(f"{n} reconciled coding{'' if n == 1 else 's'} written from the coders' agreed values.")
            return 0
        if args.disagreements:
            return _print_disagreements(project, data, args)
        res = project_agreement(project, fields=[f for f in args.field or [] if f not in SPECIAL] or None,
                                n_boot=args.bootstrap, empty_as_value=not args.empty_as_missing, data=data)
        if args.field and all(f in SPECIAL for f in args.field):
            res["fields"] = {}
    finally:
        project.close()
    if args.json:
        print(json.dumps(res, indent=1, ensure_ascii=False, default=str))
    else:
        print(format_table(res))
    return 0


def _print_disagreements(project, data, args) -> int:
    from annotator.agreement.disagreements import list_disagreements, progress_text

    field = args.field[0] if args.field else None
    items = list_disagreements(project, field, data=data, empty_as_value=not args.empty_as_missing)
    if args.json:
        print(json.dumps([{
            "article": d.article_label, "article_id": d.article_id, "event_key": d.event_key, "field": d.field,
            "values": {v.coder: {"value": v.value, "display": v.display, "evidence": v.evidence} for v in d.values},
            "decision": d.decision} for d in items], indent=1, ensure_ascii=False, default=str))
    else:
        for d in items:
            where = d.article_label + (f" / event [{d.event_summary}]" if d.event_key else "")
            vals = "  |  ".join(f"{v.coder}: {v.display or '(empty)'}" for v in d.values)
            mark = "settled" if d.settled else "open"
            print(f"{where}  {d.field}: {vals}  [{mark}]")
        print(progress_text(items))
    return 0


def _n(x) -> str:
    return "   n/a" if x is None else f"{x:6.3f}"


def _row(name: str, d: dict) -> str:
    ci = d.get("alpha_ci95")
    ci_s = f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "".ljust(16)
    return (f"{name:<18} {d.get('level', ''):<8} {_n(d.get('krippendorff_alpha'))} {ci_s:<16} "
            f"{_n(d.get('percent_agreement'))} {d.get('n_units', 0):>7} {d.get('n_values', 0):>8}  {_flag(d)}")


def _flag(d: dict) -> str:
    a = d.get("krippendorff_alpha")
    if a is None:
        return "undefined"
    return "good" if a >= 0.8 else ("tentative" if a >= 0.667 else "low")


def format_table(res: dict) -> str:
    head = f"{'field':<18} {'level':<8} {'alpha':>6} {'95% CI':<16} {'%agr':>5} {'units':>7} {'values':>8}"
    lines = [f"{res['n_articles']} articles coded by two or more coders ({', '.join(res['coders'])}); "
             f"{res['n_aligned_events']} aligned events"]
    lines += [f"Note: {n}" for n in res.get("notes") or [] if "unfinished" in n]
    lines += [head, "-" * len(head)]
    for name in SPECIAL:
        lines.append(_row(name, res[name]))
    for name, d in res["fields"].items():
        lines.append(_row(name, d))
    undefined = [(n, d) for n, d in list(res["fields"].items()) + [(k, res[k]) for k in SPECIAL]
                 if d.get("krippendorff_alpha") is None]
    if undefined:
        lines.append("")
        for n, d in undefined:
            why = next((x for x in d["notes"] if "alpha undefined" in x), "")
            lines.append(f"{n}: {why}")
    lines.append("alpha >= 0.800 good, >= 0.667 tentative conclusions only (Krippendorff).")
    return "\n".join(lines)

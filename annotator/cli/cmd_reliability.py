"""`annotator reliability MATRIX.csv --level LEVEL [--json] [--coders-in-rows]`.

Agreement coefficients for any reliability spreadsheet: rows = units,
columns = coders (header row with coder names), an empty cell = missing.
"""
from __future__ import annotations

import argparse
import json

from annotator.cli.main import CliError, EXIT_USAGE

LEVEL_CHOICES = ("nominal", "ordinal", "interval", "ratio", "set")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "reliability",
        help="agreement coefficients for a reliability CSV (rows = units, columns = coders)",
        description="Krippendorff's alpha (with a bootstrap 95%% interval), percent agreement, Cohen's kappa, "
                    "Scott's pi, Fleiss' kappa and Gwet's AC1 for a CSV with one row per unit and one column "
                    "per coder (header row with coder names; an empty cell is a missing value).",
    )
    p.add_argument("matrix", metavar="MATRIX.csv", help="the reliability spreadsheet saved as CSV")
    p.add_argument("--level", required=True, choices=LEVEL_CHOICES,
                   help="level of measurement (set: cells hold ';'-separated values compared with MASI)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--coders-in-rows", action="store_true", help="the CSV has one row per coder instead")
    p.add_argument("--bootstrap", type=int, default=1000, metavar="N", help="bootstrap resamples for the alpha interval (0 = none)")
    p.add_argument("--seed", type=int, default=None, help="seed of the bootstrap")
    p.add_argument("--order", metavar="A,B,C",
                   help="ordinal labels from lowest to highest (e.g. low,mid,high): cells hold these labels")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.agreement.csvmatrix import MatrixFileError, read_matrix_csv
    from annotator.agreement.stats import DEFAULT_SEED, ReliabilityError, reliability

    if args.bootstrap < 0:
        raise CliError("--bootstrap must be 0 or more", EXIT_USAGE)
    try:
        mf = read_matrix_csv(args.matrix, coders_in_rows=args.coders_in_rows)
    except MatrixFileError as exc:
        raise CliError(str(exc)) from None
    if args.order:
        if args.level != "ordinal":
            raise CliError("--order is for --level ordinal", EXIT_USAGE)
        mf.matrix = _ranks(args.matrix, mf, [x.strip() for x in args.order.split(",") if x.strip()])
    try:
        res = reliability(mf.matrix, args.level, unit_labels=mf.units, coder_labels=mf.coders,
                          n_boot=args.bootstrap, seed=DEFAULT_SEED if args.seed is None else args.seed)
    except ReliabilityError as exc:
        raise CliError(f"{args.matrix}: {exc}") from None
    if args.json:
        print(json.dumps(res.to_dict(), indent=1, ensure_ascii=False))
    else:
        print(format_table(res, coders=mf.coders))
    return 0


def _ranks(path, mf, order: list[str]) -> list[list]:
    """Labels -> their rank in ``order`` (case-insensitive); an unknown label is an error naming the cell."""
    index = {label.casefold(): i + 1 for i, label in enumerate(order)}
    out = []
    for c, row in enumerate(mf.matrix):
        ranks = []
        for u, v in enumerate(row):
            if v is None:
                ranks.append(None)
                continue
            r = index.get(str(v).strip().casefold())
            if r is None:
                raise CliError(f"{path}: coder {mf.coders[c]}, unit {mf.units[u]}: {v!r} is not one of --order "
                               f"({', '.join(order)})")
            ranks.append(r)
        out.append(ranks)
    return out


def _num(x) -> str:
    return "undefined" if x is None else f"{x:.3f}"


def format_table(res, coders=None) -> str:
    ci = "" if res.alpha_ci95 is None else f"  (95% CI {res.alpha_ci95[0]:.3f} to {res.alpha_ci95[1]:.3f})"
    lines = [
        f"level: {res.level}   coders: {res.n_coders}" + (f" ({', '.join(coders)})" if coders else ""),
        f"units: {res.n_units} pairable of {res.n_units_total}   pairable values: {res.n_values}",
        f"Krippendorff's alpha  {_num(res.krippendorff_alpha)}{ci}",
        f"percent agreement     {_num(res.percent_agreement)}",
        f"Cohen's kappa         {_num(res.cohen_kappa)}",
        f"Scott's pi            {_num(res.scott_pi)}",
        f"Fleiss' kappa         {_num(res.fleiss_kappa)}",
        f"Gwet's AC1            {_num(res.gwet_ac1)}",
    ]
    if res.notes:
        lines.append("notes:")
        lines.extend(f"  - {n}" for n in res.notes)
    return "\n".join(lines)

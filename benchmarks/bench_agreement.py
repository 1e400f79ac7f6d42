"""Benchmark: project agreement for 10,000 double-coded articles with 3 events each (< 5 s).

Builds a synthetic project in a temporary SQLite file (two coders; each codes
the same three true events per article with some noise, in shuffled order,
occasionally missing or adding one), then times

* ``project_agreement`` end to end: batch reads, event alignment, every
  coefficient for every field, bootstrap 95% intervals (1,000 resamples);
* the ``krippendorff`` package alone computing alpha on the same matrices
  (the fields it supports: nominal/ordinal/interval/ratio; it has no set
  metric).

Run: ``.venv/bin/python benchmarks/bench_agreement.py [--articles N] [--json]``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ACTORS = ["Myanmar military", "Myanmar police", "Border Guard Force", "militia"]
SIDES = ["KNU/KNLA", "KNDF", "Karenni Army", "NUG", "PDF", "CDM", "MNDAA", "AA", "TNLA", "KIA", None]
UNITS = [f"LIB {n}" for n in (402, 403, 430, 356, 129, 561, 318, 704)] + [f"IB {n}" for n in (129, 12, 55, 96)]
PLACES = ["Hpapun", "Maese", "Loikaw", "Myawaddy", "Laukkaing", "Demoso", "Hpruso", "Mandalay", "Sagaing", "Hpasawng",
          "Bawlakhe", "Shwe Kokko"]
MODES = ["defect", "desert", "surrender", "side-switch", "announced", "aggregate"]
COUNTS = [(1, 1), (2, 2), (3, 3), (5, 5), (7, 7), (10, 10), (12, 12), (15, 15), (20, 20), (24, None), (30, 30),
          (40, None), (41, 41), (60, 60), (100, 100), (127, 127), (200, None), (201, None), (300, 300), (None, None)]
RANKS = ["captain", "private", "major", "lieutenant colonel", "sergeant", "corporal"]
DATES = ["2024-01-24", "2023-11", "2024", None, "2023-12-02", "2024-02"]


def _true_event(rng: random.Random) -> dict:
    return {
        "actor": rng.choice(ACTORS), "receiving_side": rng.choice(SIDES),
        "unit": tuple(sorted(rng.sample(UNITS, rng.choice((1, 1, 1, 2))))), "count": rng.choice(COUNTS),
        "rank": tuple(sorted(rng.sample(RANKS, rng.choice((0, 0, 1, 2))))), "location": rng.choice(PLACES),
        "date": rng.choice(DATES), "mode": rng.choice(MODES), "salience": rng.choice(("main", "main", "background")),
    }


def _noisy(ev: dict, rng: random.Random, p: float) -> dict:
    out = dict(ev)
    for k in out:
        if rng.random() < p:
            out[k] = _true_event(rng)[k]
    return out


def _stored(ev: dict) -> dict[str, dict]:
    v: dict[str, dict] = {"actor": {"key": ev["actor"]}, "mode": {"key": ev["mode"]}, "salience": {"key": ev["salience"]},
                          "location": {"name": ev["location"]}}
    if ev["receiving_side"]:
        v["receiving_side"] = {"text": ev["receiving_side"], "key": ev["receiving_side"]}
    if ev["unit"]:
        v["unit"] = {"text": ", ".join(ev["unit"]), "keys": list(ev["unit"])}
    if ev["rank"]:
        v["rank"] = {"keys": list(ev["rank"])}
    lo, hi = ev["count"]
    if lo is not None or hi is not None:
        v["count"] = {"text": "n", "min": lo, "max": hi}
    if ev["date"]:
        v["date"] = {"value": ev["date"]}
    return v


def build_synthetic_project(path: Path, n_articles: int = 10_000, n_events: int = 3, coders=("ana", "ben"),
                            noise: float = 0.08, seed: int = 1):
    """A project file with ``n_articles`` articles each coded by every coder (raw batch inserts)."""
    from annotator.db.models import Article, Coder, Coding, Event, FieldValue, now
    from annotator.db.project import Project

    rng = random.Random(seed)
    project = Project.create(path)
    ts = now()
    coder_ids = {c: str(uuid.uuid4()) for c in coders}
    articles, codings, events, fvs = [], [], [], []
    for i in range(n_articles):
        aid = str(uuid.uuid4())
        text = f"article {i}"
        articles.append({"id": aid, "file_name": f"{i:05d}.txt", "text": text, "position": i, "created_at": ts,
                         "content_hash": hashlib.sha256(text.encode()).hexdigest()})
        truth = [_true_event(rng) for _ in range(n_events)]
        for c in coders:
            cid = str(uuid.uuid4())
            codings.append({"id": cid, "article_id": aid, "coder_id": coder_ids[c], "status": "done", "flagged": False,
                            "created_at": ts, "updated_at": ts})
            fvs.append({"id": str(uuid.uuid4()), "coding_id": cid, "event_id": None, "field": "relevant",
                        "value": {"value": True}, "origin": "typed", "coder_id": coder_ids[c], "created_at": ts,
                        "updated_at": ts})
            mine = [_noisy(e, rng, noise) for e in truth if rng.random() > 0.03]
            if rng.random() < 0.03:
                mine.append(_true_event(rng))
            rng.shuffle(mine)
            for pos, e in enumerate(mine):
                eid = str(uuid.uuid4())
                events.append({"id": eid, "coding_id": cid, "position": pos, "coder_id": coder_ids[c], "proposed": False,
                               "deleted": False, "created_at": ts, "updated_at": ts})
                for fname, value in _stored(e).items():
                    fvs.append({"id": str(uuid.uuid4()), "coding_id": cid, "event_id": eid, "field": fname,
                                "value": value, "origin": "typed", "coder_id": coder_ids[c], "created_at": ts,
                                "updated_at": ts})
    with project.engine.begin() as conn:
        conn.execute(Coder.__table__.insert(), [{"id": i, "name": c, "kind": "coder", "created_at": ts}
                                                for c, i in coder_ids.items()])
        conn.execute(Article.__table__.insert(), articles)
        conn.execute(Coding.__table__.insert(), codings)
        conn.execute(Event.__table__.insert(), events)
        conn.execute(FieldValue.__table__.insert(), fvs)
    return project


def package_alone(project_result_matrices) -> float:
    """Seconds the krippendorff package takes for alpha on the given (codes, level) matrices."""
    import krippendorff
    import numpy as np

    t = time.perf_counter()
    for coded in project_result_matrices:
        data = np.where(coded.codes >= 0, coded.numeric[np.maximum(coded.codes, 0)] if coded.numeric is not None
                        else coded.codes, np.nan).astype(float)
        krippendorff.alpha(reliability_data=data, level_of_measurement=coded.level)
    return time.perf_counter() - t


def matrices_for_package(data):
    """The event-field matrices project_agreement builds, for the levels the package supports (not set)."""
    from annotator.agreement.project import event_matrices

    return [coded for it, coded, _n, _e in event_matrices(data) if it.level != "set"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=3)
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--repeat", type=int, default=2, help="timed runs; the fastest counts (default 2)")
    args = ap.parse_args(argv)
    from annotator.agreement.project import prepare, project_agreement
    import krippendorff  # noqa: F401  - imported before timing: one-off per process, not per computation
    import scipy.optimize  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        project = build_synthetic_project(Path(tmp) / "bench.annotator", args.articles, args.events)
        build = time.perf_counter() - t0
        try:
            runs = []
            for _ in range(args.repeat):  # best of N, as timeit does: the machine may be busy with other work
                t0, c0 = time.perf_counter(), time.process_time()
                res = project_agreement(project, n_boot=args.bootstrap)
                runs.append((time.perf_counter() - t0, time.process_time() - c0))
            total, cpu = min(runs)
            t0 = time.perf_counter()
            data = prepare(project)
            load_align = time.perf_counter() - t0
            mats = matrices_for_package(data)
            pkg = package_alone(mats)
        finally:
            project.close()
    report = {
        "articles": args.articles, "events_per_article": args.events, "aligned_events": res["n_aligned_events"],
        "fields": len(res["fields"]) + 3, "bootstrap": args.bootstrap,
        "project_agreement_s": round(total, 3), "project_agreement_cpu_s": round(cpu, 3),
        "runs_s": [round(r[0], 3) for r in runs],
        "of_which_read_and_align_s": round(load_align, 3),
        "krippendorff_package_alone_s": round(pkg, 3), "package_matrices": len(mats),
        "build_synthetic_project_s": round(build, 1), "limit_s": 5.0, "ok": total < 5.0,
        "alpha": {k: (None if v["krippendorff_alpha"] is None else round(v["krippendorff_alpha"], 3))
                  for k, v in list(res["fields"].items()) + [(k, res[k]) for k in ("relevant", "event_present", "event_count")]},
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"agreement for {args.articles} double-coded articles x {args.events} events "
              f"({res['n_aligned_events']} aligned events, {report['fields']} fields, {args.bootstrap} bootstrap resamples)")
        print(f"  project_agreement (read + align + all coefficients + CIs): {total:6.2f} s  (limit 5 s: "
              f"{'OK' if total < 5 else 'TOO SLOW'}; process CPU time {cpu:.2f} s; "
              f"runs {', '.join(f'{r[0]:.2f}' for r in runs)} s)")
        print(f"    of which reading the project and aligning events:     {load_align:6.2f} s")
        print(f"  krippendorff package alone, alpha only, same {len(mats)} matrices: {pkg:6.2f} s")
        print(f"  (building the synthetic project: {build:.1f} s, not timed)")
    return 0 if total < 5.0 else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())

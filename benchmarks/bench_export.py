"""Benchmark: export N events (default 100,000) to .xlsx and .csv, next to a bare openpyxl write-only loop.

    .venv/bin/python benchmarks/bench_export.py [--events 100000] [--double-coded 0.2] [--db PATH] [--no-bare]
                                               [--repeat N]

A project with N events (two coders, four events per coding, every event field
filled, a share of the articles coded by both coders as a reliability sample)
is built once and cached at ``--db``. Each measurement runs in a fresh process
so that its peak memory (ru_maxrss, plus the peaks of its helper processes) is its own:

- ``export xlsx``: ``annotator.export.export_project`` writing the whole workbook;
- ``xlsx, no agreement``: the same without the agreement statistics
  (``--no-agreement``), whose bootstrap belongs to ``annotator.agreement``;
- ``export csv``: the Events table as CSV;
- ``bare openpyxl``: ``Workbook(write_only=True)`` + ``ws.append(row)`` for the
  same Events and Articles rows (built in memory before the clock starts),
  then ``save``: the cost of openpyxl itself.

The targets of the export issue: under 15 s and 500 MB for 100,000 events, and
an overhead ratio (export / bare loop) under 1.5.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACTORS = [("junta", "Myanmar military"), ("police", "Myanmar police"), ("BGF", "Border Guard Force"),
          ("Pyu Saw Htee", "militia")]
SIDES = [("KNU", "KNU/KNLA"), ("PDF", "PDF"), ("Karenni Army", "Karenni Army"), ("CDM", "CDM"), ("AA", "AA")]
PLACES = [("Hpapun", "Kayin State", 18.06, 97.44), ("Loikaw", "Kayah State", 19.67, 97.21),
          ("Laukkaing", "Shan State", 23.69, 98.76), ("Myawaddy", "Kayin State", 16.69, 98.51)]
MODES = ["defect", "desert", "desert/defect", "surrender", "side-switch"]


def build_project(path: Path, n_events: int, double: float = 1.0, seed: int = 7) -> None:
    """``n_events`` events in codings of four events; a share ``double`` of the articles is coded by both coders."""
    from sqlalchemy import insert

    from annotator.db.models import Article, Coder, Coding, Event, FieldValue
    from annotator.db.project import Project

    rng = random.Random(seed)
    project = Project.create(path, name=f"bench {n_events} events")
    now = "2024-06-01T10:00:00.000+00:00"
    per_coding = 4
    n_codings = max(1, n_events // per_coding)
    n_articles = max(1, round(n_codings / (1 + double)))
    n_double = n_codings - n_articles  # the first n_double articles get a second coding
    coders = [{"id": str(uuid.uuid4()), "name": name, "kind": "coder", "created_at": now} for name in ("alice", "bob")]
    with project.engine.begin() as conn:
        conn.execute(insert(Coder), coders)
        arts = []
        for i in range(n_articles):
            title = f"Article {i}: {rng.choice(ACTORS)[1]} soldiers defect near {rng.choice(PLACES)[0]}"
            arts.append({"id": str(uuid.uuid4()), "file_name": f"{i:06d}.txt", "title": title,
                         "outlet": rng.choice(["The Irrawaddy", "Myanmar Now", "Mizzima", "RFA"]),
                         "url": f"https://news.example/{i}", "published": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                         "text": title, "content_hash": hashlib.sha256(str(i).encode()).hexdigest(), "position": i,
                         "relevance": rng.random(), "created_at": now})
        conn.execute(insert(Article), arts)
        codings, events, values = [], [], []
        done = 0
        for k in range(n_codings):
            if k < n_articles:
                art, coder = arts[k], coders[k % 2]
            else:
                art = arts[k - n_articles]
                coder = coders[(k - n_articles + 1) % 2]
            cid = str(uuid.uuid4())
            codings.append({"id": cid, "article_id": art["id"], "coder_id": coder["id"], "status": "done",
                            "flagged": False, "created_at": now, "updated_at": now})
            values.append({"id": str(uuid.uuid4()), "coding_id": cid, "event_id": None, "field": "relevant",
                           "value": {"value": True}, "origin": "typed", "coder_id": coder["id"],
                           "created_at": now, "updated_at": now})
            for pos in range(per_coding if k < n_codings - 1 else n_events - done):
                eid = str(uuid.uuid4())
                done += 1
                events.append({"id": eid, "coding_id": cid, "position": pos, "coder_id": coder["id"],
                               "proposed": False, "deleted": False, "created_at": now, "updated_at": now})
                words, actor = rng.choice(ACTORS)
                sw, side = rng.choice(SIDES)
                place = rng.choice(PLACES)
                n = rng.randint(1, 300)
                ev_values = {
                    "actor": {"text": words, "key": actor},
                    "receiving_side": {"text": sw, "key": side},
                    "unit": {"text": f"Light Infantry Battalion {n}", "keys": [f"LIB {n}"]},
                    "count": {"text": f"{n} soldiers", "min": n, "max": n},
                    "rank": {"keys": ["captain", "private"]},
                    "location": {"name": place[0], "admin1": place[1], "lat": place[2], "lon": place[3]},
                    "date": {"value": f"2024-01-{rng.randint(1, 28):02d}", "text": "on Wednesday"},
                    "mode": {"key": rng.choice(MODES)},
                    "salience": {"key": "main"},
                    "notes": {"value": "Units are based in Dawei; the defection took place elsewhere."},
                    "evidence": {"sentences": [f"{n} soldiers serving in the {actor} have deserted to the {side}, "
                                               f"the group said on Wednesday."]},
                }
                for field, value in ev_values.items():
                    values.append({"id": str(uuid.uuid4()), "coding_id": cid, "event_id": eid, "field": field,
                                   "value": value, "origin": rng.choice(["typed", "suggested_accepted"]),
                                   "coder_id": coder["id"], "created_at": now, "updated_at": now})
            if len(values) > 50_000:
                conn.execute(insert(Coding), codings)
                conn.execute(insert(Event), events)
                conn.execute(insert(FieldValue), values)
                codings, events, values = [], [], []
        if codings:
            conn.execute(insert(Coding), codings)
        if events:
            conn.execute(insert(Event), events)
        if values:
            conn.execute(insert(FieldValue), values)
    project.close()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run_export(db: str, out: str, agreement: bool = True) -> dict:
    from annotator.db.project import Project
    from annotator.export import export_project

    project = Project.open(db)
    t = time.perf_counter()
    cpu = time.process_time()
    report = export_project(project, out, agreement=agreement)
    seconds = time.perf_counter() - t
    cpu = time.process_time() - cpu
    project.close()
    helper = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "cpu": cpu + helper.ru_utime + helper.ru_stime,
            # this process + its helpers (rows, agreement), as if all peaked at once
            "peak_mb": peak_mb() + (report.get("helpers_peak_mb") or 0),
            "rows": report.get("events_rows"), "size_mb": os.path.getsize(out) / 1e6,
            "timings": report.get("timings")}


def run_bare(db: str, out: str) -> dict:
    """The same Events and Articles cells, written by openpyxl alone (rows prepared before timing)."""
    from openpyxl import Workbook

    from annotator.db.project import Project
    from annotator.export import source as S
    from annotator.export.columns import EventLayout
    from annotator.export.workbook import ArticleLayout, write_events

    project = Project.open(db)
    coders = S.scope_coders(project, S.ExportScope())
    layout = EventLayout(project.codebook)
    events: list[list] = []
    write_events(events.append, project, layout, coders, lambda n: None)
    alayout = ArticleLayout(project.codebook, coders)
    articles = [alayout.row(a) for batch in S.iter_articles(project, coders) for a in batch]
    project.close()
    t = time.perf_counter()
    cpu = time.process_time()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Events")
    ws.append([c.name for c in layout.columns])
    for row in events:
        ws.append(row)
    ws = wb.create_sheet("Articles")
    ws.append([c.name for c in alayout.columns])
    for row in articles:
        ws.append(row)
    wb.save(out)
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu, "peak_mb": peak_mb(),
            "rows": len(events), "size_mb": os.path.getsize(out) / 1e6}


def child(kind: str, db: Path, out: Path) -> dict:
    res = subprocess.run([sys.executable, __file__, "--child", kind, "--db", str(db), "--out", str(out)],
                         capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _median_run(runs: list[dict]) -> dict:
    """The run with the median wall-clock time (the lower middle one for an even number)."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    return ordered[(len(ordered) - 1) // 2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--double-coded", type=float, default=0.2, metavar="SHARE",
                    help="share of articles coded by both coders (the reliability sample; default 0.2)")
    ap.add_argument("--db", type=Path, default=None, help="cached benchmark project (built if missing)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--no-bare", action="store_true", help="skip the bare openpyxl loop (slow)")
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="run each export N times (interleaved) and report the best and the median (default 1)")
    ap.add_argument("--child", choices=["xlsx", "xlsx-no-agreement", "csv", "bare"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        if args.child == "bare":
            res = run_bare(str(args.db), str(args.out))
        else:
            res = run_export(str(args.db), str(args.out), agreement=args.child != "xlsx-no-agreement")
        print(json.dumps(res))
        return 0
    db = args.db or Path(tempfile.gettempdir()) / f"annotator-bench-export-{args.events}-{args.double_coded}.annotator"
    if not db.exists():
        t = time.perf_counter()
        build_project(db, args.events, args.double_coded)
        print(f"built {db} in {time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kinds = {"export xlsx": ("xlsx", "bench.xlsx"), "xlsx, no agreement": ("xlsx-no-agreement", "bench2.xlsx"),
                 "export csv": ("csv", "bench.csv")}
        runs: dict[str, list[dict]] = {name: [] for name in kinds}
        for _ in range(max(1, args.repeat)):  # interleaved, so that a busy spell hits every kind alike
            for name, (kind, out) in kinds.items():
                runs[name].append(child(kind, db, tmp / out))
        results = {name: _median_run(rs) for name, rs in runs.items()}
        if not args.no_bare:
            results["bare openpyxl"] = child("bare", db, tmp / "bare.xlsx")
    load = os.getloadavg()[0]
    print(f"{args.events:,} events, {args.double_coded:.0%} of the articles coded twice "
          f"({os.cpu_count()} CPUs, load average {load:.1f}, Python {sys.version.split()[0]})")
    print(f"{'':20}{'seconds':>9}{'CPU s':>8}{'peak MB':>9}{'file MB':>9}")
    for name, r in results.items():
        print(f"{name:20}{r['seconds']:9.2f}{r['cpu']:8.2f}{r['peak_mb']:9.0f}{r['size_mb']:9.1f}")
    if args.repeat > 1:
        for name, rs in runs.items():
            secs = sorted(r["seconds"] for r in rs)
            print(f"{name}: {len(rs)} runs, best {secs[0]:.2f} s, median {statistics.median(secs):.2f} s, "
                  f"peak MB {max(r['peak_mb'] for r in rs):.0f} (the table shows the lower-median run)")
    for name in ("export xlsx", "xlsx, no agreement"):
        print(f"{name} by stage (s): " + ", ".join(f"{k} {v:.1f}" for k, v in (results[name]["timings"] or {}).items()))
    ok = True
    for name in ("export xlsx", "xlsx, no agreement"):
        x = results[name]
        met = x["seconds"] < 15 and x["peak_mb"] < 500
        ok = ok and met
        line = f"{name}: targets (< 15 s, < 500 MB) {'met' if met else 'NOT met'}"
        if "bare openpyxl" in results:
            ratio = x["seconds"] / results["bare openpyxl"]["seconds"]
            line += f"; overhead ratio export/bare = {ratio:.2f} (target < 1.5)"
            ok = ok and ratio < 1.5
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Import speed: 10,000 short articles, near-duplicate detection included (target: under 10 s).

    .venv/bin/python benchmarks/bench_import.py [N]

Writes N short synthetic articles (about 120 words; one in twenty is a rewrite
of an earlier one, so the near-duplicate index has real work) to a temporary
folder, imports them into a new project and prints the time.
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.db.project import Project  # noqa: E402
from annotator.importer import import_paths  # noqa: E402

UNITS = ["Light Infantry Battalion {n}", "LIB-{n}", "Infantry Battalion (IB) {n}", "the {n}th Light Infantry Battalion"]
PLACES = ["Hpapun", "Myawaddy", "Loikaw", "Demoso", "Mese", "Lashio", "Kalay", "Falam", "Mindat", "Bhamo"]
SIDES = ["the KNU", "the KNDF", "a local PDF", "the Karenni Army", "the KIA", "the Arakan Army", "the CDM"]
WORDS = ("the of and to in a said were that with on for as from by at had their which after local residents "
         "fighting villagers week troops commander statement group reported township region state").split()


def article(rng: random.Random, i: int) -> str:
    unit = rng.choice(UNITS).format(n=rng.randint(1, 600))
    head = (f"{rng.randint(2, 90)} soldiers from {unit} defected to {rng.choice(SIDES)} near "
            f"{rng.choice(PLACES)} on day {i}, the group said.")
    filler = " ".join(rng.choice(WORDS) for _ in range(100))
    return f"{head} {filler.capitalize()}. Report number {i}."


def main(n: int = 10_000) -> float:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        texts = []
        for i in range(n):
            if i > 20 and i % 20 == 0:
                text = texts[rng.randrange(len(texts))] + " Updated with a correction."
            else:
                text = article(rng, i)
            texts.append(text)
            (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        project = Project.create(Path(tmp) / "bench.annotator")
        t0 = time.perf_counter()
        report = import_paths(project, [folder])
        elapsed = time.perf_counter() - t0
        project.close()
    near = sum(r["status"] == "near_duplicate" for r in report)
    imported = sum(r["status"] in ("imported", "near_duplicate") for r in report)
    print(f"import: {imported} articles ({near} linked as near-duplicates) in {elapsed:.2f} s "
          f"= {imported / elapsed:,.0f} articles/s (target: {n:,} in under 10 s) "
          f"{'OK' if elapsed < 10 else 'TOO SLOW'}")
    return elapsed


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)

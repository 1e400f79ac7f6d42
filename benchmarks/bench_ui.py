"""How long the coding window takes to open and highlight a 200,000-character article, and how it
handles a queue of 10,000 articles (open, next article, done and next, search, sort).

The article view builds highlight selections only for the spans near the visible text (and
again when it scrolls), so the time does not grow with the number of suggestion spans.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_ui.py
"""
from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = 200_000
BUDGET = 0.2


def big_article() -> str:
    para = ("Twelve soldiers from Light Infantry Battalion 402 defected to the Karen National Union (KNU) in "
            "Hpapun on Monday, the KNU said. Dozens of police officers have joined the CDM since the coup. ")
    text = ""
    while len(text) < SIZE:
        text += para + "\n\n"
    return text[:SIZE]


def fake_result(text: str) -> dict:
    """Suggestions with one highlighted span per field every few hundred characters (~2,400 spans)."""
    fields: dict[str, list] = {"actor": [], "receiving_side": [], "unit": [], "count": [], "location": []}
    for name, needle, value in (("actor", "soldiers", "Myanmar military"), ("receiving_side", "KNU", "KNU/KNLA"),
                                ("unit", "Light Infantry Battalion 402", "LIB 402"),
                                ("count", "Twelve soldiers", "Twelve soldiers"), ("location", "Hpapun", "Hpapun")):
        i = text.find(needle)
        while i >= 0:
            fields[name].append({"value": value, "text": needle, "start": i, "end": i + len(needle), "score": 0.9})
            i = text.find(needle, i + 1)
    return {"relevant": 0.9, "fields": fields, "events": []}


def main() -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.db.models import Article
    from annotator.db.project import Project
    from annotator.suggestions import store_result
    from annotator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp())
    project = Project.create(tmp / "bench.annotator")
    text = big_article()
    with project.session() as s:
        small = Article(file_name="small.txt", title="small", text="A short article.", position=0,
                        content_hash=hashlib.sha256(b"small").hexdigest())
        big = Article(file_name="big.txt", title="A 200,000-character article", text=text, position=1,
                      content_hash=hashlib.sha256(text.encode()).hexdigest(), published="2024-01-25")
        s.add_all([small, big])
        s.flush()
        big_id = big.id
    result = fake_result(text)
    store_result(project, big_id, "bench", result)
    win = MainWindow(project, "bench", QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    win.engine_version = "bench"
    win.resize(1400, 900)
    win.show()
    app.processEvents()
    spans = sum(len(v) for v in result["fields"].values())
    times = []
    for _ in range(3):
        win.open_article(win.queue.visible_ids()[0])
        app.processEvents()
        t0 = time.perf_counter()
        win.open_article(big_id)
        app.processEvents()  # includes layout and the first paint of the highlighted text
        times.append(time.perf_counter() - t0)
    best, worst = min(times), max(times)
    print(f"open + highlight a {len(text):,}-character article with {spans:,} suggestion spans: "
          f"best {best:.3f} s, worst {worst:.3f} s (budget {BUDGET} s)")
    win.close()
    project.close()
    big_queue(app, tmp)
    return 0 if best < BUDGET else 1


def big_queue(app, tmp: Path, n: int = 10_000) -> None:
    """The window on a project of ``n`` articles, without the engine (its background work is timed elsewhere)."""
    import random

    from PySide6.QtCore import QSettings, Qt

    from annotator.db.models import Article
    from annotator.db.project import Project
    from annotator.ui.main_window import MainWindow
    from annotator.ui.queue_model import COL_REL
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_import import article

    rng = random.Random(7)
    project = Project.create(tmp / "queue.annotator")
    with project.session() as s:
        for i in range(n):
            text = article(rng, i)
            s.add(Article(file_name=f"{i:05d}.txt", title=text[:60], text=text, position=i,
                          relevance=rng.random(), content_hash=hashlib.sha256(text.encode()).hexdigest()))
    figures = []

    def timed(label, action, repeat=1, until=None):
        t0 = time.perf_counter()
        for _ in range(repeat):
            action()
            app.processEvents()
        while until is not None and not until():
            app.processEvents()
        figures.append(f"{label} {1000 * (time.perf_counter() - t0) / repeat:.0f} ms")

    holder = {}
    timed("open the window", lambda: holder.setdefault(
        "win", MainWindow(project, "bench", QSettings(str(tmp / "q.ini"), QSettings.Format.IniFormat))).show())
    win = holder["win"]
    win.resize(1400, 900)
    timed("next article", lambda: win.go(1), repeat=20)
    timed("done and next", win.mark_done_and_next, repeat=10)
    found = []
    win.search_finished.connect(lambda: found.append(1))
    timed("search the texts", lambda: win.queue.search_changed.emit("Hpapun"), until=lambda: found)
    hits = win.queue.proxy.rowCount()
    timed("clear the search", lambda: win.queue.search_changed.emit(""))
    timed("sort by relevance", lambda: win.queue.table.sortByColumn(COL_REL, Qt.SortOrder.DescendingOrder))
    print(f"queue of {n:,} articles: " + ", ".join(figures) + f" ({hits:,} search hits)")
    win.close()
    project.close()


if __name__ == "__main__":
    sys.exit(main())

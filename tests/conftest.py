"""Shared test fixtures: offscreen Qt, Qt warnings fail the test, a seed project, a fake engine."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"
# messages of the offscreen platform plugin itself, not of our code
QT_NOISE = ("propagateSizeHints", "QFont::setPointSizeF", "This plugin does not support")


@pytest.fixture(autouse=True)
def _qt_warnings_fail(request):
    """Any Qt warning (or worse) logged during a Qt test fails it."""
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    seen: list[str] = []

    def handler(kind, _ctx, message):
        if kind != QtMsgType.QtDebugMsg and kind != QtMsgType.QtInfoMsg and not any(n in message for n in QT_NOISE):
            seen.append(f"{kind.name}: {message}")

    previous = qInstallMessageHandler(handler)
    yield
    qInstallMessageHandler(previous)
    assert not seen, "Qt warnings: " + "; ".join(seen)


UI_ARTICLES = DATA / "ui_articles"


def seed_texts() -> list[tuple[str, str]]:
    """Five short articles of our own writing (tests/data/ui_articles) that the window tests code;
    the real seed articles in ../shared are only used by the tests that score against their gold."""
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(UI_ARTICLES.glob("*.txt"))]


def make_project(path: Path, texts: list[tuple[str, str]] | None = None, published: str = "2024-01-25"):
    from annotator.db.models import Article
    from annotator.db.project import Project

    project = Project.create(path)
    texts = seed_texts() if texts is None else texts
    with project.session() as s:
        for i, (name, text) in enumerate(texts):
            s.add(Article(file_name=name, title=text.strip().splitlines()[0][:90] if text.strip() else name,
                          text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(), position=i,
                          published=published, outlet="Test News", url=f"https://example.org/{name}"))
    return project


class FakeEngine:
    """Follows the SuggestionEngine interface with a few fixed rules."""

    version = "fake-1"
    model_warning = None

    def suggest(self, text: str, published=None) -> dict:
        fields: dict[str, list] = {}

        def add(name, needle, value, **extra):
            i = text.find(needle)
            if i >= 0:
                fields.setdefault(name, []).append({"value": value, "text": needle, "start": i,
                                                    "end": i + len(needle), "score": 0.9, **extra})
        add("actor", "junta", "Myanmar military")
        add("actor", "police", "Myanmar police")
        add("actor", "Burmese", "Border Guard Force")
        add("receiving_side", "KNDF", "KNDF")
        add("receiving_side", "Karenni Army", "Karenni Army")
        add("count", "Dozens", "Dozens", min=24, max=None)
        add("location", "Loikaw", "Loikaw", admin1="Kayah State")
        add("mode", "surrender", "surrender")
        event = {k: v[0]["value"] for k, v in fields.items() if k != "count"}
        if "count" in fields:
            event["count"] = {"text": fields["count"][0]["value"], "min": 24, "max": None}
        return {"relevant": 0.9 if fields else 0.1, "fields": fields, "events": [event] if fields else []}

    def suggest_many(self, items, batch_size=8):
        for text, published in items:
            yield self.suggest(text, published)


@pytest.fixture
def seed_project(tmp_path):
    if not seed_texts():
        pytest.skip("seed articles missing")
    project = make_project(tmp_path / "seeds.annotator")
    yield project
    project.close()


@pytest.fixture
def qsettings(tmp_path):
    from PySide6.QtCore import QSettings
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, qsettings):
    """make_window(project, engine=None, coder='ann') -> an open MainWindow (closed at teardown)."""
    from annotator.ui.main_window import MainWindow
    made = []

    def make(project, engine=None, coder="ann"):
        factory = (lambda _p: engine) if engine is not None else None
        win = MainWindow(project, coder, qsettings, factory)
        qtbot.addWidget(win)
        win.resize(1400, 900)
        win.show()
        made.append(win)
        if engine is not None:
            qtbot.waitUntil(lambda: win.engine_version is not None, timeout=10000)
        return win

    yield make
    for win in made:
        win.stop_worker()
    from PySide6.QtCore import QThreadPool
    assert QThreadPool.globalInstance().waitForDone(20000), "a background job was still running after the test"

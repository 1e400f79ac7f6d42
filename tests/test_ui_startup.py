"""First start: the coder's name, the demo project, recent projects; the domain parts stay Qt-free."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_first_start_asks_the_coder_name_once(qtbot, qsettings, monkeypatch):
    from PySide6.QtWidgets import QInputDialog
    from annotator.ui.app import ask_coder_name
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (asked.append(1), ("  Mya  ", True))[1])
    assert ask_coder_name(qsettings) == "Mya"
    assert ask_coder_name(qsettings) == "Mya"
    assert len(asked) == 1


def test_coder_is_stored_in_the_project(make_window, seed_project):
    from annotator.coding import coder_names
    make_window(seed_project, coder="Mya")
    assert "Mya" in coder_names(seed_project)


def test_demo_project_and_recent_projects(qtbot, qsettings, monkeypatch, tmp_path):
    import pytest
    pytest.importorskip("annotator.demo")
    from annotator.ui import app as A
    monkeypatch.setattr(A, "demo_path", lambda: tmp_path / "demo.annotator")
    project = A.open_or_create_demo()
    assert project.path.exists()
    A.remember_project(qsettings, project.path)
    assert A.recent_projects(qsettings)[0] == str(project.path.resolve())
    project.close()
    again = A.open_or_create_demo()  # opened, not re-created
    again.close()


def test_domain_modules_do_not_import_qt():
    code = ("import sys; sys.modules['PySide6'] = None\n"
            "import annotator.suggestions, annotator.ui.queue_data, annotator.coding, annotator.ui.lookups\n"
            "print('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_suggestion_cache_fills_per_engine_version(seed_project):
    from annotator import suggestions as S
    from annotator.db.models import Article
    from tests.conftest import FakeEngine
    engine = FakeEngine()
    seen = []
    assert S.compute_missing(seed_project, engine, lambda d, t: seen.append((d, t)), batch_size=2) == 5
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    assert S.compute_missing(seed_project, engine) == 0  # all cached
    with seed_project.Session() as s:
        art = s.query(Article).order_by(Article.position).first()
        assert art.relevance is not None
        assert S.cached(seed_project, art, "fake-1")["relevant"] == art.relevance
    engine.version = "fake-2"
    assert S.compute_missing(seed_project, engine, lambda d, t: d < 2, batch_size=2) == 2  # cancelled after a batch


def test_prefill_refreshes_only_untouched_suggestions(seed_project):
    from annotator import suggestions as S
    from annotator.coding import CodingStore
    from annotator.db.models import Article
    from tests.conftest import FakeEngine
    store = CodingStore(seed_project, "ann")
    with seed_project.Session() as s:
        art = s.query(Article).order_by(Article.position).first()
        aid, text = art.id, art.text
    result = FakeEngine().suggest(text)
    assert S.prefill(store, aid, result, text)
    assert not S.prefill(store, aid, result, text)  # same proposal: nothing written
    first = store.load(aid)
    assert first.status == "new" and first.events[0].proposed
    newer = dict(result, events=[dict(result["events"][0], actor="Myanmar police")])
    assert S.prefill(store, aid, newer, text)  # a newer engine's proposal replaces untouched suggestions
    st = store.load(aid)
    assert len(st.events) == 1 and st.events[0].values["actor"].value["key"] == "Myanmar police"
    store.accept_event(aid, st.events[0].id)  # the coder touched it: never replaced again
    assert not S.prefill(store, aid, result, text)
    assert store.load(aid).events[0].values["actor"].value["key"] == "Myanmar police"


def test_an_article_the_engine_fails_on_does_not_stop_the_rest(seed_project):
    from annotator import suggestions as S
    from tests.conftest import FakeEngine

    class Picky(FakeEngine):
        def suggest(self, text, published=None):
            if "Burmese" in text:
                raise ValueError("cannot parse")
            return super().suggest(text, published)

    assert S.compute_missing(seed_project, Picky(), batch_size=2) == 5
    from annotator.db.models import Article
    with seed_project.Session() as s:
        results = [S.cached(seed_project, a, "fake-1") for a in s.query(Article)]
    assert sum(1 for r in results if r.get("error")) == 1
    assert sum(1 for r in results if r["events"]) >= 3


def test_the_form_reads_counts_by_the_engines_count_table():
    from annotator.ui.lookups import parse_count
    assert parse_count("several dozen") == {"min": 24, "max": None, "approx": False, "includes_family": False}
    assert parse_count("a dozen soldiers")["min"] == parse_count("a dozen soldiers")["max"] == 12
    assert parse_count("more than 200")["min"] == 201 and parse_count("more than 200")["max"] is None
    assert parse_count("at least 200")["min"] == 200
    assert parse_count("about 60")["approx"] is True
    assert parse_count("Twelve soldiers")["max"] == 12
    assert parse_count("some soldiers")["min"] is None
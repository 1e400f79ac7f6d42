"""Never lose work: SIGKILL in the middle of coding, a full disk, a read-only file."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.coding import CodingStore
from annotator.db.project import Project

ROOT = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from annotator.db.project import Project
    from annotator.ui.main_window import MainWindow
    project = Project.open(sys.argv[1])
    win = MainWindow(project, "kim", QSettings(sys.argv[2], QSettings.Format.IniFormat))
    win.show()
    win.go(1)
    win.go(1)
    win.ctrl.add_event()
    event_id = win.ctrl.state.events[0].id
    count = win.form.row(event_id, "count").editor
    count.words.setFocus()
    QTest.keyClicks(count.words, "several dozen")
    notes = win.form.row(None, "article_notes").editor
    notes.edit.setFocus()
    QTest.keyClicks(notes.edit, "typed just before the kill")
    print("TYPED", win.ctrl.article_id, flush=True)
    app.exec()
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_mid_coding_loses_nothing(seed_project, tmp_path, make_window):
    path = seed_project.path
    seed_project.close()
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, str(script), str(path), str(tmp_path / "child.ini")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert line.startswith("TYPED"), proc.stderr.read()
        article_id = line.split()[1]
        typed_at = time.monotonic()
        with pytest.raises(subprocess.TimeoutExpired):  # the app keeps running for one second
            proc.wait(timeout=1.0)
        assert time.monotonic() - typed_at >= 1.0
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    project = Project.open(path)
    store = CodingStore(project, "kim")
    state = store.load(article_id)
    assert state.values["article_notes"].value == {"value": "typed just before the kill"}
    count = state.events[0].values["count"].value
    assert (count["text"], count["min"], count.get("max")) == ("several dozen", 24, None)
    win = make_window(project, coder="kim")
    assert win.ctrl.article_id == article_id
    assert win.form.row(None, "article_notes").editor.edit.text() == "typed just before the kill"
    win.close()
    project.close()


def _full(dbapi_conn, _record):  # a real SQLITE_FULL: the file may not grow by a single page
    cur = dbapi_conn.cursor()
    pages = cur.execute("PRAGMA page_count").fetchone()[0]
    cur.execute(f"PRAGMA max_page_count={pages}")
    cur.close()


def _read_only(dbapi_conn, _record):  # a real "attempt to write a readonly database"
    dbapi_conn.execute("PRAGMA query_only=ON")


@pytest.mark.parametrize("breakage, words", [(_full, "disk is full"), (_read_only, "read-only")])
def test_write_failure_keeps_the_edit_and_saves_later(make_window, seed_project, qtbot, breakage, words):
    from PySide6.QtGui import QGuiApplication
    from sqlalchemy import event

    win = make_window(seed_project)
    aid = win.ctrl.article_id
    engine = seed_project.engine
    event.listen(engine, "connect", breakage)
    engine.dispose()  # every connection from now on is broken
    try:
        editor = win.form.row(None, "article_notes").editor
        editor.edit.setFocus()
        note = "A long note that needs new pages in the file. " * 400
        QGuiApplication.clipboard().setText(note)
        qtbot.keyClick(editor.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # paste
        editor.flush()
        assert win.form.banner.isVisibleTo(win) and words in win.form.banner.text()
        assert words in win.statusBar().currentMessage()
        assert editor.edit.text() == note  # the edit stays in the form
        assert not win.undo.canUndo()  # and is not on the undo stack
    finally:
        event.remove(engine, "connect", breakage)
        engine.dispose()
    assert CodingStore(seed_project, "ann").load(aid) is None  # nothing half-written
    if breakage is _full:
        win.action_map["save"].trigger()  # space freed: Ctrl+S writes it at once
    else:  # writable again: the retry timer writes it by itself
        qtbot.waitUntil(lambda: not win.ctrl.pending, timeout=8000)
    assert not win.form.banner.isVisibleTo(win)
    assert CodingStore(seed_project, "ann").load(aid).values["article_notes"].value == {"value": note}
    assert win.undo.canUndo()

"""Flag for supervisor: the checkbox, Ctrl+G and the status "flagged" are one thing, shown in the queue, undoable."""
from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.coding import CodingStore


def _queue_status(win, aid):
    return win.queue.model.rows()[win.queue.model.row_of(aid)].status


def _box(win):
    return win.form.row(None, "flag").editor.box


def test_ctrl_g_checkbox_and_status_are_one(make_window, seed_project, qtbot):
    win = make_window(seed_project)
    aid = win.ctrl.article_id
    win.ctrl.set_status("done")
    assert not _box(win).isTristate() and _box(win).checkState() == Qt.CheckState.Unchecked

    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    edit = win.form.row(None, "article_notes").editor.edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)  # a real Ctrl+G
    assert _box(win).isChecked() and win.ctrl.state.status == "flagged"
    assert _queue_status(win, aid) == "flagged"
    assert CodingStore(seed_project, "ann").load(aid).status == "flagged"

    win.action_map["flag"].trigger()  # Ctrl+G again: the flag goes, the status is what it was
    assert not _box(win).isChecked() and _queue_status(win, aid) == "done"
    win.action_map["undo"].trigger()
    assert _box(win).isChecked() and _queue_status(win, aid) == "flagged"
    win.action_map["undo"].trigger()
    assert not _box(win).isChecked() and _queue_status(win, aid) == "done"
    win.action_map["redo"].trigger()
    assert _box(win).isChecked() and _queue_status(win, aid) == "flagged"


def test_clicking_the_checkbox_flags_and_status_clears_it(make_window, seed_project, qtbot):
    win = make_window(seed_project)
    aid = win.ctrl.article_id
    _box(win).click()  # as a mouse click does
    win.form.flush()
    qtbot.waitUntil(lambda: _queue_status(win, aid) == "flagged", timeout=3000)
    state = CodingStore(seed_project, "ann").load(aid)
    assert state.status == "flagged" and state.values["flag"].value == {"value": True}
    win.action_map["in_progress"].trigger()  # another status clears the flag
    assert not _box(win).isChecked() and _queue_status(win, aid) == "in_progress"
    assert "flag" not in CodingStore(seed_project, "ann").load(aid).values
    win.action_map["undo"].trigger()
    assert _box(win).isChecked() and _queue_status(win, aid) == "flagged"


def test_done_and_next_leaves_a_flagged_article_flagged(make_window, seed_project):
    win = make_window(seed_project)
    aid = win.ctrl.article_id
    win.action_map["flag"].trigger()
    win.action_map["done_next"].trigger()
    assert win.ctrl.article_id != aid and _queue_status(win, aid) == "flagged"
    assert CodingStore(seed_project, "ann").load(aid).status == "flagged"

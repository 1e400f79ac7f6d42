"""The coding window driven through its real widgets."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.coding import CodingStore
from tests.conftest import FakeEngine


def _type(qtbot, widget, text):
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_opens_first_article_and_builds_form(make_window, seed_project):
    win = make_window(seed_project)
    assert win.ctrl.article_id == win.queue.visible_ids()[0]
    assert win.progress_label.text() == "0 of 5 done"
    names = {k[1] for k in win.form.keys()}
    assert names == {f.name for f in seed_project.codebook.article_fields}
    assert "Burmese" in win.view.text.toPlainText()


def test_typing_is_saved_and_undo_redo(make_window, seed_project, qtbot):
    win = make_window(seed_project)
    row = win.form.row(None, "article_notes")
    _type(qtbot, row.editor.edit, "check the dateline")
    store = CodingStore(seed_project, "ann")
    aid = win.ctrl.article_id
    qtbot.waitUntil(lambda: (store.load(aid) or None) is not None
                    and store.load(aid).values.get("article_notes") is not None, timeout=1000)
    assert store.load(aid).values["article_notes"].value == {"value": "check the dateline"}
    win.action_map["undo"].trigger()
    assert store.load(aid).values.get("article_notes") is None
    assert row.editor.edit.text() == ""
    win.action_map["redo"].trigger()
    assert store.load(aid).values["article_notes"].value == {"value": "check the dateline"}
    assert win.form.row(None, "article_notes").editor.edit.text() == "check the dateline"
    win.action_map["save"].trigger()
    assert "saved" in win.statusBar().currentMessage()


def test_suggestions_prefill_accept_edit_count_add_event_done_next(make_window, seed_project, qtbot, tmp_path):
    win = make_window(seed_project, FakeEngine())
    # the first article gets a proposed event from the engine
    qtbot.waitUntil(lambda: win.ctrl.state is not None and len(win.ctrl.state.events) == 1, timeout=5000)
    ev = win.ctrl.state.events[0]
    assert ev.proposed
    actor = win.form.row(ev.id, "actor")
    assert actor.suggested and actor.mark.text() == "●" and "not accepted" in actor.mark.toolTip()
    aid = win.ctrl.article_id
    win.action_map["accept_all"].trigger()
    store = CodingStore(seed_project, "ann")
    st = store.load(aid)
    assert not st.events[0].proposed
    assert st.events[0].values["actor"].origin == "suggested_accepted"
    assert win.form.row(st.events[0].id, "actor").mark.text() == "✓"
    # edit the count: words are parsed into min/max
    count = win.form.row(st.events[0].id, "count").editor
    count.words.selectAll()
    _type(qtbot, count.words, "several dozen")
    count.flush()
    v = store.load(aid).events[0].values["count"]
    assert (v.value["min"], v.value.get("max"), v.origin) == (24, None, "suggested_edited")
    # a second event, undo removes it
    win.action_map["new_event"].trigger()
    assert len(store.load(aid).events) == 2
    win.action_map["undo"].trigger()
    assert len(store.load(aid).events) == 1
    win.action_map["redo"].trigger()
    assert len(store.load(aid).events) == 2
    # mark done and next
    win.action_map["done_next"].trigger()
    assert store.load(aid).status == "done"
    assert win.ctrl.article_id != aid
    assert win.progress_label.text() == "1 of 5 done"
    # reopen the project file and check what is in it
    next_id = win.ctrl.article_id
    win.close()
    path = seed_project.path
    seed_project.close()
    from annotator.db.project import Project
    with Project.open(path) as again:
        st = CodingStore(again, "ann").load(aid)
        assert st.status == "done" and len(st.events) == 2
        first = st.events[0].values
        assert first["actor"].origin == "suggested_accepted"
        assert (first["count"].value["text"], first["count"].value["min"]) == ("several dozen", 24)
        from annotator.ui.queue_data import last_article
        assert last_article(again, CodingStore(again, "ann").coder_id) == next_id


def test_fill_from_selection_records_evidence(make_window, seed_project, qtbot):
    win = make_window(seed_project)
    win.go(1)
    text = win.ctrl.record["text"]
    start = text.index("KNDF")
    win.view.select_span(start, start + 4)
    win.action_map["fill_receiving_side"].trigger()
    st = win.ctrl.state
    assert len(st.events) == 1
    vs = st.events[0].values["receiving_side"]
    assert vs.value["key"] == "KNDF" and vs.evidence == (start, start + 4)


def test_queue_model_and_filters(make_window, seed_project, qtmodeltester, qtbot):
    win = make_window(seed_project)
    qtmodeltester.check(win.queue.model)
    qtmodeltester.check(win.queue.proxy)
    win.ctrl.set_status("flagged")
    win.queue.status.setCurrentIndex(win.queue.status.findData("flagged"))
    assert win.queue.visible_ids() == [win.ctrl.article_id]
    win.queue.status.setCurrentIndex(0)
    with qtbot.waitSignal(win.search_finished, timeout=5000):
        win.queue.search.setText("Karen News")
    assert 1 <= len(win.queue.visible_ids()) < 5
    qtmodeltester.check(win.queue.proxy)


def test_reopen_at_same_article(make_window, seed_project, qtbot):
    win = make_window(seed_project)
    win.go(1)
    win.go(1)
    target = win.ctrl.article_id
    win.close()
    win2 = make_window(seed_project)
    assert win2.ctrl.article_id == target


def test_real_key_presses_reach_the_window_shortcuts(make_window, seed_project, qtbot):
    """Ctrl+Z typed in a field undoes the saved edit (not just the line edit's text); Ctrl+Return marks done."""
    win = make_window(seed_project)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    aid = win.ctrl.article_id
    edit = win.form.row(None, "article_notes").editor.edit
    edit.setFocus()
    qtbot.keyClicks(edit, "abc")
    win.form.flush()
    store = CodingStore(seed_project, "ann")
    assert store.load(aid).values["article_notes"].value == {"value": "abc"}
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.load(aid).values.get("article_notes") is None
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert store.load(aid).values["article_notes"].value == {"value": "abc"}
    qtbot.keyClick(win.form.row(None, "article_notes").editor.edit, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    assert store.load(aid).status == "done" and win.ctrl.article_id != aid


def test_multi_values_as_chips(make_window, seed_project, qtbot):
    win = make_window(seed_project)
    win.action_map["new_event"].trigger()
    eid = win.ctrl.state.events[0].id
    ed = win.form.row(eid, "unit").editor
    ed.keys.setFocus()
    qtbot.keyClicks(ed.keys, "LIB 402")
    qtbot.keyClick(ed.keys, Qt.Key.Key_Return)
    qtbot.keyClicks(ed.keys, "LIB 403;")
    assert ed.chips() == ["LIB 402", "LIB 403"]
    assert win.ctrl.state.events[0].values["unit"].value["keys"] == ["LIB 402", "LIB 403"]
    qtbot.keyClick(ed.keys, Qt.Key.Key_Backspace)
    assert win.ctrl.state.events[0].values["unit"].value["keys"] == ["LIB 402"]
    win.action_map["undo"].trigger()
    assert win.form.row(eid, "unit").editor.chips() == ["LIB 402", "LIB 403"]


def test_context_menu_use_as(make_window, seed_project):
    win = make_window(seed_project)
    win.go(1)
    text = win.ctrl.record["text"]
    start = text.index("Karenni")
    win.view.select_span(start, start + len("Karenni"))
    menu = win.view.context_menu_actions()
    labels = [a.text() for a in menu.actions()]
    assert "Use as location" in labels and "Use as unit" in labels
    next(a for a in menu.actions() if a.text() == "Use as location").trigger()
    vs = win.ctrl.state.events[0].values["location"]
    assert vs.value["name"] == "Karenni" and vs.evidence == (start, start + len("Karenni"))
    menu.deleteLater()


def test_undo_done_and_next_goes_back(make_window, seed_project, qtbot):
    win = make_window(seed_project, FakeEngine())
    qtbot.waitUntil(lambda: win.ctrl.state is not None and len(win.ctrl.state.events) == 1, timeout=5000)
    first = win.ctrl.article_id
    win.action_map["done_next"].trigger()
    assert "not accepted" in win.statusBar().currentMessage()
    assert win.ctrl.article_id != first
    win.action_map["undo"].trigger()
    assert win.ctrl.article_id == first and win.ctrl.state.status == "new"
    assert win.queue.model.rows()[0].status == "new"
    win.action_map["accept_all"].trigger()
    assert not win.ctrl.state.events[0].proposed


def _type_a_place(win, qtbot, words):
    """In a new event, type ``words`` as the location and leave the field with Tab."""
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    win.action_map["new_event"].trigger()
    eid = win.ctrl.state.events[0].id
    loc = win.form.row(eid, "location").editor
    loc.name.setFocus()
    qtbot.keyClicks(loc.name, words)
    qtbot.keyClick(loc.name, Qt.Key.Key_Tab)
    return eid, loc


def test_place_fills_admin1_and_date_accepts_partial(make_window, seed_project, qtbot):
    import pytest
    pytest.importorskip("annotator.suggest.places")
    win = make_window(seed_project)
    eid, loc = _type_a_place(win, qtbot, "Hpapun")
    vs = win.ctrl.state.events[0].values["location"]
    assert vs.value["name"] == "Hpapun" and vs.value["admin1"] == "Kayin State"
    date = win.form.row(eid, "date").editor
    date.iso.setFocus()
    qtbot.keyClicks(date.iso, "2023-11x")  # the x is refused by the validator
    date.flush()
    assert win.ctrl.state.events[0].values["date"].value["value"] == "2023-11"


def test_search_and_enter_opens_the_first_hit(make_window, seed_project, qtbot):
    win = make_window(seed_project)
    first = win.ctrl.article_id
    win.action_map["find"].trigger()
    qtbot.keyClicks(win.queue.search, "Karen News")
    with qtbot.waitSignal(win.search_finished, timeout=5000):
        qtbot.keyClick(win.queue.search, Qt.Key.Key_Return)
    ids = win.queue.visible_ids()
    assert 1 <= len(ids) < 5 and win.ctrl.article_id == ids[0] != first
    win.queue.search.clear()
    qtbot.waitUntil(lambda: len(win.queue.visible_ids()) == 5, timeout=2000)


def test_arrow_keys_in_the_queue_open_articles(make_window, seed_project, qtbot):
    win = make_window(seed_project)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    win.action_map["focus_queue"].trigger()
    assert win.queue.table.hasFocus()
    qtbot.keyClick(win.queue.table, Qt.Key.Key_Down)
    assert win.ctrl.article_id == win.queue.visible_ids()[1]


def test_date_words_give_the_date(make_window, seed_project, qtbot):
    import pytest
    pytest.importorskip("annotator.suggest.dates")
    win = make_window(seed_project)  # seed articles are dated 2024-01-25 (a Thursday)
    win.action_map["new_event"].trigger()
    eid = win.ctrl.state.events[0].id
    date = win.form.row(eid, "date").editor
    date.words.setFocus()
    qtbot.keyClicks(date.words, "on Wednesday")
    date.flush()
    assert win.ctrl.state.events[0].values["date"].value == {"value": "2024-01-24", "text": "on Wednesday"}


def test_done_on_an_irrelevant_article_marks_it_not_relevant(make_window, seed_project):
    win = make_window(seed_project)
    aid = win.ctrl.article_id
    win.form.row(None, "relevant").editor.set_checked(False)
    win.action_map["done_next"].trigger()
    assert CodingStore(seed_project, "ann").load(aid).status == "not_relevant"
    assert win.progress_label.text() == "1 of 5 done"


def test_queue_sorts_its_rows_and_keeps_the_selection(qtmodeltester):
    from annotator.ui.queue_data import QueueRow
    from annotator.ui.queue_model import COL_POS, COL_REL, ID_ROLE, QueueFilterProxy, QueueModel
    model, proxy = QueueModel(), QueueFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows([QueueRow(f"a{i}", i, f"t{i}", f"f{i}", "", "", "new", rel, None)
                    for i, rel in enumerate((0.2, None, 0.9, 0.5))])
    kept = proxy.index(2, 0)                       # a2, as a view's current index would be
    from PySide6.QtCore import QPersistentModelIndex
    kept = QPersistentModelIndex(kept)
    proxy.sort(COL_REL, Qt.SortOrder.DescendingOrder)
    shown = [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]
    assert shown == ["a2", "a3", "a0", "a1"]        # unknown relevance last
    assert kept.data(ID_ROLE) == "a2" and kept.row() == 0
    model.set_relevance({"a1": 0.95})               # a new score re-sorts the column it is sorted by
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(4)] == ["a1", "a2", "a3", "a0"]
    proxy.set_status_filter("new")
    qtmodeltester.check(proxy)
    proxy.sort(COL_POS, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(4)] == ["a0", "a1", "a2", "a3"]


def test_done_and_next_with_a_status_filter_goes_on(make_window, seed_project):
    win = make_window(seed_project, FakeEngine())
    ids = win.queue.visible_ids()
    win.queue.status.setCurrentIndex(win.queue.status.findData("new"))
    win.open_article(ids[1])
    win.mark_done_and_next()                        # ids[1] leaves the 'new' list: the next one opens
    assert win.ctrl.article_id == ids[2]
    assert ids[1] not in win.queue.visible_ids()


@pytest.mark.parametrize("typed, name, admin1, hint", [("Papun", "Hpapun", "Kayin State", "state / region"),
                                                        ("Loikow", "Loikow", "", "did you mean Loikaw? (Kayah State)"),
                                                        ("Aleppo", "Aleppo", "", "state / region"),
                                                        ("Xyzzyville", "Xyzzyville", "", "state / region")])
def test_a_typed_place_takes_the_gazetteer_name(make_window, seed_project, qtbot, typed, name, admin1, hint):
    win = make_window(seed_project)
    eid, loc = _type_a_place(win, qtbot, typed)
    value = win.ctrl.state.events[0].values["location"].value
    assert (value["name"], value.get("admin1", "")) == (name, admin1)
    assert (f"You typed '{typed}'" in loc.name.toolTip()) == (name != typed)
    assert win.form.row(eid, "location").editor.admin1.placeholderText() == hint

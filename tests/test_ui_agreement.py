"""Supervisor screens: agreement dashboard and disagreement view (offscreen)."""
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor

from annotator.agreement.disagreements import list_disagreements, value_from_text
from annotator.db.models import Decision
from annotator.ui.agreement_view import AgreementView, rows_from_result, status_text, verdict
from annotator.ui.disagreement_view import DisagreementView

from test_agreement_project import project  # noqa: F401  (fixture)


def _dashboard(qtbot, project, **kw):
    view = AgreementView(project, autostart=False, n_boot=100, **kw)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.computed, timeout=30000) as blocker:
        view.refresh()
    return view, blocker.args[0]


def test_dashboard_table_colours_and_chart(qtbot, project, qtmodeltester):
    view, result = _dashboard(qtbot, project, open_disagreements=False)
    qtmodeltester.check(view.model)
    m = view.model
    names = [m.index(r, 0).data() for r in range(m.rowCount())]
    assert names[:3] == ["relevant", "event_present", "event_count"]
    assert {"actor", "count_min", "unit", "salience"} <= set(names)
    row = names.index("actor")
    assert m.index(row, 2).data() == "1.000"
    assert m.index(row, 0).data(Qt.ItemDataRole.BackgroundRole).color() == QColor("#cdebc9")  # good
    sal = names.index("salience")
    assert m.index(sal, 2).data() == "undefined"
    assert "every pairable value is the same" in m.index(sal, 0).data(Qt.ItemDataRole.ToolTipRole)
    rel = names.index("relevant")
    assert m.index(rel, 0).data(Qt.ItemDataRole.BackgroundRole).color() == QColor("#f7c9c9")  # low
    assert "3 articles finished by two or more coders" in view.status.text()
    # the chart paints without warnings and maps clicks to fields
    view.show()
    view.chart.resize(500, 400)
    view.chart.repaint()
    target = view.chart.bar_rect(names.index("count_min")).center()
    with qtbot.waitSignal(view.disagreements_requested, timeout=2000) as blocker:
        qtbot.mouseClick(view.chart, Qt.MouseButton.LeftButton, pos=target.toPoint())
    assert blocker.args == ["count_min"]
    view.shutdown()


def test_verdicts():
    assert verdict(None) == "undefined" and verdict(0.9) == "good"
    assert verdict(0.7) == "tentative" and verdict(0.5) == "low"
    rows = rows_from_result({"fields": {"a": {"level": "nominal", "krippendorff_alpha": 0.5, "alpha_ci95": [0.4, 0.6],
                                              "percent_agreement": 0.8, "n_units": 3, "n_values": 6}},
                             "relevant": {"krippendorff_alpha": None, "notes": ["x"]}})
    assert [r.name for r in rows] == ["relevant", "a"] and rows[1].ci == (0.4, 0.6)


def test_dashboard_opens_disagreements_of_a_clicked_field(qtbot, project):
    view, _ = _dashboard(qtbot, project)
    row = [view.model.index(r, 0).data() for r in range(view.model.rowCount())].index("count_min")
    view.show()
    rect = view.table.visualRect(view.model.index(row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert len(view._windows) == 1
    child = view._windows[-1]
    qtbot.waitUntil(lambda: child.model.rowCount() == 1, timeout=30000)
    assert child.field == "count_min"
    assert "count" in child.heading.text().lower()
    view.request_disagreements("count_min")   # already open: raised, not opened twice
    assert len(view._windows) == 1
    view.shutdown()
    child.close()


def _disagreements(qtbot, project, field=None):
    view = DisagreementView(project, field=field, decided_by="sup", autostart=False)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=30000) as blocker:
        view.reload()
    return view, blocker.args[0]


def test_disagreement_view_shows_values_side_by_side(qtbot, project, qtmodeltester):
    view, n = _disagreements(qtbot, project)
    qtmodeltester.check(view.model)
    assert n == len(list_disagreements(project)) == 4
    assert view.progress.text() == "0 of 4 disagreements settled"
    # first item is a1's count disagreement: 12 vs 10-12
    d = view.current
    assert d.field == "count"
    assert [view.compare.horizontalHeaderItem(c).text() for c in range(view.compare.columnCount())] == ["ana", "ben"]
    assert view.compare.item(0, 0).text() == "some [12-12]" and view.compare.item(0, 1).text() == "some [10-12]"
    assert view.compare.item(0, 0).data(Qt.ItemDataRole.UserRole) is True  # differences highlighted
    assert "Twelve soldiers" in view.text.toPlainText()
    assert len(view.choice_buttons()) == 2


def test_settle_by_picking_a_coder_value(qtbot, project):
    view, n = _disagreements(qtbot, project)
    first = view.current
    # no reason: refused with a message
    view.choice_buttons()[0].setChecked(True)
    assert view.settle_current() is False
    assert "reason" in view.message.text()
    view.reason_edit.setText("the article says twelve")
    with qtbot.waitSignal(view.settled, timeout=5000):
        qtbot.mouseClick(view.settle_button, Qt.MouseButton.LeftButton)
    assert view.progress.text() == f"1 of {n} disagreements settled"
    assert first.settled and first.decision["chosen_from"] == "ana"
    assert view.current is not first  # moved on to the next open disagreement
    with project.Session() as s:
        d = s.query(Decision).one()
        assert (d.field, d.decided_by, d.reason, d.chosen_from) == ("count", "sup", "the article says twelve", "ana")
    assert view.model.index(0, 0).data().startswith("✓ Count — a1.txt")


def test_settle_with_a_typed_value_and_bad_input(qtbot, project):
    view, n = _disagreements(qtbot, project, field="count")
    assert n == 1
    view.other_radio.setChecked(True)
    view.other_edit.setText("twelve-ish")
    view.reason_edit.setText("typed")
    assert view.settle_current() is False
    assert "a count is a number or a range" in view.message.text()
    view.other_edit.setText("11-12")
    assert view.settle_current() is True
    assert view.progress.text() == "1 of 1 disagreement settled"
    with project.Session() as s:
        d = s.query(Decision).one()
        assert d.value["min"] == 11 and d.value["max"] == 12 and d.chosen_from is None


def test_event_present_settled_from_the_view(qtbot, project):
    view, _ = _disagreements(qtbot, project, field="event_present")
    assert view.model.rowCount() == 2
    view.other_radio.setChecked(True)
    view.other_edit.setText("no")
    view.reason_edit.setText("duplicate report")
    assert view.settle_current() is True
    assert view.progress.text() == "1 of 2 disagreements settled"


def test_value_from_text(project):
    cb = project.codebook
    assert value_from_text(cb.field("count"), "24-") == {"text": "24-", "min": 24, "max": None}
    assert value_from_text(cb.field("count"), "12") == {"text": "12", "min": 12, "max": 12}
    assert value_from_text(cb.field("unit"), "LIB 402; LIB 403")["keys"] == ["LIB 402", "LIB 403"]
    assert value_from_text(cb.field("location"), "Hpapun, Kayin State") == {"name": "Hpapun", "admin1": "Kayin State"}
    assert value_from_text(None, "yes") == {"value": True}
    assert value_from_text(cb.field("mode"), "") is None
    with pytest.raises(ValueError):
        value_from_text(cb.field("count"), "20-10")


def test_empty_project_dashboard(qtbot, tmp_path):
    from annotator.db.project import Project
    p = Project.create(tmp_path / "e.annotator")
    try:
        view, result = _dashboard(qtbot, p, open_disagreements=False)
        assert result["n_articles"] == 0
        assert "No article is finished by two or more coders" in view.status.text()
        assert view.model.rowCount() >= 3
        view.shutdown()
    finally:
        p.close()


def test_failed_computation_is_one_sentence(qtbot, tmp_path):
    class Fake:
        path = tmp_path / "missing.annotator"
        name = "missing"
    view = AgreementView(Fake(), autostart=False, n_boot=0)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.failed, timeout=10000) as blocker:
        view.refresh()
    assert "missing.annotator" in blocker.args[0]
    assert "could not be computed" in view.status.text()
    view.shutdown()


def test_corrupted_project_is_reported_with_its_name(qtbot, tmp_path):
    bad = tmp_path / "broken.annotator"
    bad.write_bytes(b"this is not a database" * 100)

    class Fake:
        path = bad
        name = "broken"
    view = DisagreementView(Fake(), autostart=False)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.failed, timeout=10000) as blocker:
        view.reload()
    assert "broken.annotator" in blocker.args[0]
    assert "could not be listed" in view.progress.text()
    view.shutdown()


def test_opened_from_the_main_window_view_menu(make_window, seed_project, qtbot):
    from annotator.coding import CodingStore
    win = make_window(seed_project)
    ids = [a for a, in seed_project.engine.connect().exec_driver_sql("SELECT id FROM articles").fetchall()][:2]
    for coder, mode in (("ana", "defect"), ("ben", "desert")):
        store = CodingStore(seed_project, coder)
        for aid in ids:
            store.add_event(aid, {"actor": ({"key": "Myanmar military"}, "typed", None),
                                  "mode": ({"key": mode}, "typed", None)})
            store.set_status(aid, "done")
    win.open_optional_view("agreement_view")
    dash = win.findChildren(AgreementView)[-1]
    qtbot.waitUntil(lambda: dash.result is not None, timeout=30000)
    assert dash.result["n_articles"] == 2
    assert dash.decided_by == win.coder_name
    # clicking a field in the dashboard opens that field's disagreements
    names = [dash.model.index(r, 0).data() for r in range(dash.model.rowCount())]
    rect = dash.table.visualRect(dash.model.index(names.index("mode"), 0))
    qtbot.mouseClick(dash.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    mode_view = dash._windows[-1]
    assert isinstance(mode_view, DisagreementView) and mode_view.field == "mode"
    qtbot.waitUntil(lambda: mode_view.model.rowCount() == 2, timeout=30000)
    assert {d.field for d in mode_view.model.items()} == {"mode"}
    mode_view.shutdown()
    mode_view.close()
    win.open_optional_view("disagreement_view")
    dis = win.findChildren(DisagreementView)[-1]
    qtbot.waitUntil(lambda: dis.model.rowCount() == 2, timeout=30000)
    assert dis.progress.text() == "0 of 2 disagreements settled"
    dash.shutdown()
    dis.shutdown()
    dash.close()
    dis.close()


def test_write_agreed_codings_button(qtbot, project):
    view, n = _disagreements(qtbot, project)
    with qtbot.waitSignal(view.agreed_written, timeout=30000) as blocker:
        qtbot.mouseClick(view.agreed_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [3]
    assert "3 reconciled codings written" in view.message.text()
    view.shutdown()


def test_undo_and_redo_a_decision(qtbot, project):
    view, n = _disagreements(qtbot, project)
    first = view.current
    view.choice_buttons()[1].setChecked(True)
    view.reason_edit.setText("ben read it right")
    assert view.settle_current() is True
    assert first.settled and view.undo_button.isEnabled()
    assert view.progress.text() == f"1 of {n} disagreements settled"
    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    assert not first.settled
    assert view.current is first
    assert view.progress.text() == f"0 of {n} disagreements settled"
    with project.Session() as s:
        assert s.query(Decision).count() == 0
    view.undo_stack.redo()
    assert first.settled and first.decision["chosen_from"] == "ben"
    with project.Session() as s:
        assert s.query(Decision).one().reason == "ben read it right"


def test_keyboard_settling(qtbot, project):
    view, n = _disagreements(qtbot, project, field="count")
    view.show()
    view.other_radio.setChecked(True)
    qtbot.keyClicks(view.other_edit, "12")
    qtbot.keyClick(view.other_edit, Qt.Key.Key_Return)
    assert view.reason_edit.hasFocus() or not view.isActiveWindow()
    qtbot.keyClicks(view.reason_edit, "the text says twelve")
    with qtbot.waitSignal(view.settled, timeout=5000):
        qtbot.keyClick(view.reason_edit, Qt.Key.Key_Return)
    assert view.progress.text() == "1 of 1 disagreement settled"
    with project.Session() as s:
        assert s.query(Decision).one().value == {"text": "12", "min": 12, "max": 12}


def test_reload_keeps_decisions(qtbot, project):
    view, n = _disagreements(qtbot, project)
    view.choice_buttons()[0].setChecked(True)
    view.reason_edit.setText("ok")
    assert view.settle_current()
    with qtbot.waitSignal(view.loaded, timeout=30000):
        qtbot.mouseClick(view.reload_button, Qt.MouseButton.LeftButton)
    assert view.progress.text() == f"1 of {n} disagreements settled"
    assert not view.undo_stack.canUndo()


def test_filter_over_article_field_and_value(qtbot, project):
    view, n = _disagreements(qtbot, project)
    items = view.model.items()
    view.filter_edit.setText("count")
    shown = [items[i] for i in view.visible_rows()]
    assert shown and all(d.field == "count" or "count" in d.label.lower() for d in shown) and len(shown) < n
    assert view.progress.text() == f"0 of {n} disagreements settled · {len(shown)} shown"
    assert view.current in shown  # the current one is always a shown one
    view.filter_edit.setText("10-12")  # a coder's value
    assert [items[i].field for i in view.visible_rows()] == ["count"]
    label = items[-1].article_label
    view.filter_edit.setText(label.upper())  # the article, any case
    assert view.visible_rows() and all(items[i].article_label == label for i in view.visible_rows())
    view.filter_edit.setText("no such thing")
    assert view.visible_rows() == []
    view.filter_edit.clear()
    assert len(view.visible_rows()) == n and view.progress.text() == f"0 of {n} disagreements settled"


def test_keys_take_a_coders_value_and_move_on(qtbot, project):
    view, n = _disagreements(qtbot, project)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    first = view.current
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # take coder B's value
    assert view.choice_buttons()[1].isChecked() and view.reason_edit.hasFocus()
    qtbot.keyClicks(view.reason_edit, "ben read it right")
    with qtbot.waitSignal(view.settled, timeout=5000):
        qtbot.keyClick(view.reason_edit, Qt.Key.Key_Return)
    assert first.decision["chosen_from"] == first.values[1].coder
    second = view.current
    assert second is not first
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)  # coder A's value
    assert view.choice_buttons()[0].isChecked()
    row = view.list.currentIndex().row()
    qtbot.keyClick(view.list, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # next disagreement
    assert view.list.currentIndex().row() == row + 1
    qtbot.keyClick(view.list, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert view.list.currentIndex().row() == row
    qtbot.keyClick(view.list, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.filter_edit.hasFocus()


def test_alt_o_types_another_value(qtbot, project):
    view, n = _disagreements(qtbot, project, field="count")
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    assert view.other_radio.isChecked() and view.other_edit.hasFocus()


def test_status_line_names_unfinished_codings_left_out():
    base = {"n_articles": 4, "coders": ["ana", "ben"], "n_aligned_events": 7}
    assert status_text(base) == "4 articles finished by two or more coders (ana, ben); 7 aligned events."
    text = status_text({**base, "unfinished_codings": 3})
    assert text.endswith("3 unfinished codings (new or in progress) are left out until marked done.")
    assert "1 unfinished coding (new or in progress) is left out" in status_text({"n_articles": 0,
                                                                                  "unfinished_codings": 1})


def test_dashboard_shows_unfinished_codings(qtbot, tmp_path):
    from annotator.demo import create_demo
    from sqlalchemy import select

    from annotator.db.models import Coding
    p = create_demo(tmp_path / "demo.annotator")
    try:
        view, result = _dashboard(qtbot, p, open_disagreements=False)
        assert result["unfinished_codings"] == 0 and "unfinished" not in view.status.text()
        with p.session() as s:
            for c in list(s.scalars(select(Coding).order_by(Coding.id)))[:2]:
                c.status = "in_progress"
        with qtbot.waitSignal(view.computed, timeout=30000) as blocker:
            view.refresh()
        result = blocker.args[0]
        assert result["unfinished_codings"] == 2
        assert f"{result['unfinished_codings']} unfinished coding" in view.status.text()
        view.shutdown()
    finally:
        p.close()

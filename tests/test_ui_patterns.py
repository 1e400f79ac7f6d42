"""Supervisor > Learned patterns: review, switch off/on (the engine is rebuilt), filter, export, import."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt

from annotator import patterns as P
from annotator.coding import CodingStore, learned_patterns
from tests.conftest import FakeEngine, make_project


def _teach(project):
    store = CodingStore(project, "ann")
    with project.Session() as s:
        from sqlalchemy import select

        from annotator.db.models import Article
        first = s.scalars(select(Article.id).order_by(Article.position)).first()
    eid = store.add_event(first)
    store.set_value(first, eid, "actor", {"text": "Pyu Saw Htee", "key": "militia"}, "typed")
    store.set_value(first, eid, "location", {"name": "Kani", "admin1": "Sagaing Region"}, "typed")


def _open(win, qtbot):
    win.action_map["patterns"].trigger()
    dlg = win.last_patterns_dialog
    qtbot.addWidget(dlg)
    return dlg


def test_review_switch_filter_export_import(make_window, qtbot, qtmodeltester, tmp_path, monkeypatch):
    project = make_project(tmp_path / "p.annotator")
    try:
        _teach(project)
        win = make_window(project, FakeEngine())
        dlg = _open(win, qtbot)
        qtmodeltester.check(dlg.model)
        texts = [dlg.model.pattern(r).text for r in range(dlg.model.rowCount())]
        assert sorted(texts) == ["Kani", "Pyu Saw Htee"]
        assert dlg.summary.text() == "2 patterns, 0 switched off."

        # switch one off with the button: saved at once, audited, and the window rebuilds its engine
        row = dlg.proxy.mapFromSource(dlg.model.index(texts.index("Pyu Saw Htee"), 0)).row()
        dlg.table.selectRow(row)
        with qtbot.waitSignal(win._reload_requested, timeout=5000):
            dlg.off_button.click()
        assert [p["text"] for p in learned_patterns(project)] == ["Kani"]
        assert dlg.summary.text() == "2 patterns, 1 switched off."
        src = dlg.model.index(texts.index("Pyu Saw Htee"), 0)
        assert src.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
        # and on again with its check box
        with qtbot.waitSignal(win._reload_requested, timeout=5000):
            assert dlg.model.setData(src, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
        assert len(learned_patterns(project)) == 2

        dlg.search.setText("sagaing")
        assert dlg.proxy.rowCount() == 1
        dlg.search.clear()
        dlg.field_box.setCurrentIndex(dlg.field_box.findData("actor"))
        assert dlg.proxy.rowCount() == 1 and dlg.proxy.index(0, 2).data() == "Pyu Saw Htee"

        out = tmp_path / "pats.json"
        dlg.export_dialog(str(out))
        assert len(json.loads(out.read_text(encoding="utf-8"))["patterns"]) == 2
        assert dlg.summary.text() == f"2 patterns written to {out}."

        messages = []
        from annotator.ui import patterns_dialog
        monkeypatch.setattr(patterns_dialog.QMessageBox, "warning",
                            staticmethod(lambda _parent, _title, text: messages.append(text)))
        bad = tmp_path / "bad.json"
        bad.write_bytes(b"\x00\x01binary")
        dlg.import_dialog(str(bad))
        assert messages and messages[0].startswith(f"{bad}: ")
        extra = tmp_path / "more.json"
        extra.write_text(json.dumps([{"field": "unit", "text": "Strategic Command 9", "value": "SC 9"},
                                     {"field": "actor", "text": "Pyu Saw Htee", "value": "militia"}]),
                         encoding="utf-8")
        with qtbot.waitSignal(dlg.changed, timeout=2000):
            dlg.import_dialog(str(extra))
        assert dlg.summary.text() == "1 pattern(s) added, 1 already here."
        assert dlg.model.rowCount() == 3 and len(P.list_patterns(project, field="unit")) == 1
        dlg.close()
    finally:
        project.close()


def test_empty_project_says_there_is_nothing_yet(make_window, qtbot, tmp_path):
    project = make_project(tmp_path / "p.annotator")
    try:
        dlg = _open(make_window(project, FakeEngine()), qtbot)
        assert dlg.model.rowCount() == 0 and "No learned patterns yet" in dlg.summary.text()
        dlg.close()
    finally:
        project.close()

"""The assignment dialog (pytest-qt, offscreen)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from annotator.workflow.assign import assignments_of
from tests.test_workflow_helpers import make_project


@pytest.fixture()
def project(tmp_path):
    p = make_project(tmp_path / "p.annot", 30)
    with p.session() as s:
        p.coder(s, "ana")
        p.coder(s, "ben")
    yield p
    p.close()


def _preview(dlg):
    t = dlg.table
    return {t.item(r, 0).text(): (int(t.item(r, 1).text()), int(t.item(r, 2).text()), int(t.item(r, 3).text()))
            for r in range(t.rowCount())}


def test_dialog_previews_and_assigns(qtbot, project):
    from annotator.ui.assign_dialog import AssignDialog

    dlg = AssignDialog(project)
    qtbot.addWidget(dlg)
    assert dlg.coders() == ["ana", "ben"]  # existing coders are listed and ticked
    dlg.new_coder.setText("chen")
    qtbot.keyClick(dlg.new_coder, Qt.Key.Key_Return)
    assert dlg.coders() == ["ana", "ben", "chen"]
    dlg.seed.setValue(42)
    dlg.overlap.setValue(20.0)
    prev = _preview(dlg)
    assert set(prev) == {"ana", "ben", "chen"}
    assert sum(n for n, _, _ in prev.values()) == 30 + 6  # 20% of 30 double-coded
    loads = [n for n, _, _ in prev.values()]
    assert max(loads) - min(loads) <= 1
    assert "6 of them" in dlg.summary.text() and "seed 42" in dlg.summary.text()

    dlg.per_article_radio.setChecked(True)
    assert dlg.per_article.isEnabled() and not dlg.overlap.isEnabled()
    assert sum(n for n, _, _ in _preview(dlg).values()) == 60

    dlg.overlap_radio.setChecked(True)
    planned = dict(dlg.plan.plan)
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dlg.result() == dlg.DialogCode.Accepted and dlg.applied is not None
    got = assignments_of(project)
    assert {c: len(v) for c, v in got.items()} == {c: n for c, (n, _, _) in prev.items()}
    assert {a for v in got.values() for a in v} == set(planned)


def test_dialog_refuses_impossible_settings(qtbot, project):
    from annotator.ui.assign_dialog import AssignDialog

    dlg = AssignDialog(project)
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dlg.coder_list.item(1).setCheckState(Qt.CheckState.Unchecked)  # only ana
    assert dlg.coders() == ["ana"]
    assert not ok.isEnabled() and "at least two coders" in dlg.summary.text()
    dlg.overlap.setValue(0.0)
    assert ok.isEnabled() and _preview(dlg) == {"ana": (30, 30, 0)}
    dlg.coder_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert not ok.isEnabled() and "at least one coder" in dlg.summary.text()


def test_dialog_with_everything_assigned_offers_replace(qtbot, project):
    from annotator.ui.assign_dialog import AssignDialog
    from annotator.workflow.assign import assign

    assign(project, "ana,ben", seed=1)
    dlg = AssignDialog(project)
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "already assigned" in dlg.summary.text()
    dlg.replace.setChecked(True)
    assert ok.isEnabled() and "30 existing assignment(s) removed" in dlg.summary.text()

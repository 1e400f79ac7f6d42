"""File > Export... dialog: choices, a background export with progress, errors, cancel."""
from __future__ import annotations

import json

import openpyxl
import pytest
from test_export_helpers import read_excel, small_project

pytest.importorskip("pytestqt")

from annotator.export import ExportScope  # noqa: E402
from annotator.ui.export_dialog import ExportDialog  # noqa: E402


@pytest.fixture
def project(tmp_path):
    p, _ = small_project(tmp_path)
    yield p
    p.close()


@pytest.fixture
def dialog(qtbot, project):
    d = ExportDialog(project)
    qtbot.addWidget(d)
    yield d
    if d.running:
        d.cancel_export()
        with qtbot.waitSignal(d.export_cancelled, timeout=30_000, raising=False):
            pass


def test_choices(dialog):
    assert [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())] == [".xlsx", ".csv", ".json"]
    scopes = [dialog.scope_box.itemData(i) for i in range(dialog.scope_box.count())]
    assert scopes == [ExportScope(), ExportScope(coder="alice"), ExportScope(coder="bob"),
                      ExportScope(reconciled=True)]
    assert dialog.path_edit.text().endswith("p-export.xlsx")
    dialog.format_box.setCurrentIndex(1)
    assert dialog.path_edit.text().endswith("p-export.csv")


def test_export_runs_in_background_with_progress(qtbot, dialog, tmp_path):
    out = tmp_path / "from-dialog.xlsx"
    dialog.path_edit.setText(str(out))
    seen = []
    dialog.progress_bar.valueChanged.connect(seen.append)
    with qtbot.waitSignal(dialog.export_finished, timeout=60_000) as blocker:
        dialog.export_button.click()
        assert dialog.running and not dialog.export_button.isEnabled()
    path, report = blocker.args
    assert path == str(out) and report["events_rows"] == 3
    assert dialog.progress_bar.value() == 100 and seen[-1] == 100
    assert not dialog.running and dialog.export_button.isEnabled()
    assert "Exported 3 events" in dialog.status_label.text()
    assert list(read_excel(out, sheet_name="Events")["coder"]) == ["alice", "alice", "bob"]
    openpyxl.load_workbook(out)


def test_scope_and_format_from_the_dialog(qtbot, dialog, tmp_path):
    dialog.format_box.setCurrentIndex(2)  # JSON
    dialog.scope_box.setCurrentIndex(1)  # alice
    out = tmp_path / "alice"
    dialog.path_edit.setText(str(out))  # the suffix is added
    with qtbot.waitSignal(dialog.export_finished, timeout=60_000):
        dialog.start_export()
    data = json.loads((tmp_path / "alice.json").read_text(encoding="utf-8"))
    assert {a["file"] for a in data} == {"001.txt"}


def test_error_is_one_sentence_in_the_dialog(qtbot, dialog, tmp_path):
    dialog.path_edit.setText(str(tmp_path / "no" / "such" / "folder" / "x.xlsx"))
    with qtbot.waitSignal(dialog.export_failed, timeout=60_000) as blocker:
        dialog.start_export()
    assert "does not exist" in blocker.args[0]
    assert "does not exist" in dialog.status_label.text()
    assert not dialog.running


def test_cancel_leaves_no_file(qtbot, dialog, tmp_path):
    out = tmp_path / "cancelled.xlsx"
    dialog.path_edit.setText(str(out))
    dialog.start_export()
    dialog.cancel_export()  # before the first progress report is handled: the worker stops at its next one
    with qtbot.waitSignals([dialog.export_cancelled], timeout=60_000):
        pass
    assert not out.exists()
    assert "cancelled" in dialog.status_label.text()
    assert dialog.export_button.isEnabled()

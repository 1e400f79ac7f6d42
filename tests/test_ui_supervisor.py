"""Supervisor > Make work package and Merge coder files, driven through the real dialogs."""
from __future__ import annotations

from annotator.coding import CodingStore
from annotator.db.project import Project
from annotator.workflow.assign import assign
from tests.conftest import make_project


def _make_package_through_dialog(win, qtbot, coder, out):
    win.action_map["make_package"].trigger()
    dlg = win.last_package_dialog
    qtbot.addWidget(dlg)
    dlg.coder.setCurrentText(coder)
    assert dlg.out.text().endswith(f"-{coder}.annotator")  # a default name next to the project
    dlg.out.setText(str(out))
    with qtbot.waitSignal(dlg.package_made, timeout=20000) as blocker:
        dlg.make_button.click()
    assert not dlg.busy.isVisible()
    return dlg, blocker.args[0]


def _merge_through_dialog(win, qtbot, monkeypatch, paths):
    from annotator.ui import merge_dialog
    monkeypatch.setattr(merge_dialog.QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(p) for p in paths], "")))
    win.last_merge_report = None
    win.action_map["merge"].trigger()
    qtbot.waitUntil(lambda: win.last_merge_report is not None, timeout=30000)
    bar = win.merge_progress  # hundredths of a file, so a long file shows its progress too
    assert bar.maximum() == 100 * len(paths)
    report = win.last_merge_report
    qtbot.addWidget(report)
    return report


def _cells(table, row):
    return [table.item(row, j).text() for j in range(table.columnCount())]


def test_package_code_offline_and_merge_back(make_window, seed_project, qtbot, tmp_path, monkeypatch):
    assign(seed_project, "ana,ben", per_article=2, seed=3)
    win = make_window(seed_project, coder="ana")
    first, second = win.queue.visible_ids()[:2]
    assert win.ctrl.article_id == first

    out = tmp_path / "ana-package.annotator"
    dlg, report = _make_package_through_dialog(win, qtbot, "ana", out)
    assert out.exists() and report.articles == 5 and "5 article(s)" in dlg.result.text()

    # the coder works offline in the package, the supervisor edits the same note in the project meanwhile
    with Project.open(out) as pkg:
        store = CodingStore(pkg, "ana")
        store.set_value(first, None, "relevant", {"value": True})
        store.add_event(first, {"actor": ({"text": "police"}, "typed", None)})
        store.set_status(first, "done")
        store.set_value(second, None, "article_notes", {"value": "note from the package"})
    CodingStore(seed_project, "ana").set_value(second, None, "article_notes", {"value": "note in the project"})

    broken = tmp_path / "broken.annotator"
    broken.write_bytes(b"this is not a project" * 50)
    other = make_project(tmp_path / "other.annotator", [("x.txt", "Some other article.")])
    other.close()

    rep = _merge_through_dialog(win, qtbot, monkeypatch, [out, broken, tmp_path / "other.annotator"])
    assert rep.files.rowCount() == 3
    merged, refused_broken, refused_other = (_cells(rep.files, i) for i in range(3))
    assert merged[0] == out.name and merged[1] == "ana" and merged[2] == "merged, 1 conflict(s)"
    assert "added" in merged[3] and "1 added" in merged[4]
    assert refused_broken[2] == "refused" and "not an annotator project file" in refused_broken[6]
    assert refused_other[2] == "refused" and "another project" in refused_other[6]
    assert "1 file(s) merged, 2 refused, 1 conflict(s)" in rep.summary.text()
    conflict = _cells(rep.conflicts, 0)
    assert rep.conflicts.rowCount() == 1 and conflict[2] == "Article notes"
    assert conflict[3] == "note in the project" and conflict[4] == "note from the package"
    from PySide6.QtWidgets import QApplication, QPushButton
    rep.findChild(QPushButton, "copyReport").click()
    assert "broken.annotator: refused: not an annotator project file" in QApplication.clipboard().text()

    # the database has the coder's work, the project's note was kept
    state = CodingStore(seed_project, "ana").load(first)
    assert state.status == "done" and state.values["relevant"].value == {"value": True}
    assert [e.values["actor"].value.get("text") for e in state.events] == ["police"]
    assert CodingStore(seed_project, "ana").load(second).values["article_notes"].value["value"] == "note in the project"
    # the queue and the open article show the merged work
    assert win.queue.model.rows()[win.queue.model.row_of(first)].status == "done"
    assert win.ctrl.article_id == first and len(win.ctrl.state.events) == 1
    assert win.form.row(None, "relevant").editor.value() == {"value": True}
    rep.close()

    # merging the same file again changes nothing
    again = _merge_through_dialog(win, qtbot, monkeypatch, [out])
    assert "nothing to do" in _cells(again.files, 0)[6] and again.conflicts.rowCount() == 0
    again.close()


def test_package_for_a_coder_without_articles_says_why(make_window, seed_project, qtbot, tmp_path):
    assign(seed_project, "ana", per_article=1, seed=3)
    CodingStore(seed_project, "idle")  # a coder with nothing assigned
    win = make_window(seed_project, coder="ana")
    win.action_map["make_package"].trigger()
    dlg = win.last_package_dialog
    qtbot.addWidget(dlg)
    dlg.coder.setCurrentText("idle")
    dlg.out.setText(str(tmp_path / "idle.annotator"))
    with qtbot.waitSignal(dlg.package_failed, timeout=20000) as blocker:
        dlg.make_button.click()
    assert "no assigned articles" in blocker.args[0] and "not made" in dlg.result.text()
    assert not (tmp_path / "idle.annotator").exists()


def test_package_and_merge_are_for_the_main_project(make_window, seed_project, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from annotator.workflow.package import make_package
    assign(seed_project, "ana", per_article=1, seed=3)
    make_package(seed_project, "ana", tmp_path / "ana.annotator")
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    pkg = Project.open(tmp_path / "ana.annotator")
    win = make_window(pkg, coder="ana")
    try:
        win.action_map["make_package"].trigger()
        win.action_map["merge"].trigger()
        assert len(told) == 2 and all("work package for ana" in t for t in told)
        assert getattr(win, "last_package_dialog", None) is None
    finally:
        win.close()
        pkg.close()


def test_cancelled_merge_lists_the_files_not_merged(qtbot, seed_project, tmp_path):
    from annotator.ui.merge_dialog import MergeReportDialog
    from annotator.ui.workers import MergeJob
    paths = [str(tmp_path / "a.annotator"), str(tmp_path / "b.annotator")]
    job = MergeJob(str(seed_project.path), paths)
    job.cancelled = True  # Cancel pressed before the first file
    with qtbot.waitSignal(job.signals.done, timeout=5000) as blocker:
        job.run()
    assert blocker.args[0] == []
    rep = MergeReportDialog([], None, None, paths)
    qtbot.addWidget(rep)
    assert [rep.files.item(i, 2).text() for i in range(2)] == ["not merged", "not merged"]
    assert "Cancelled: 2 file(s) not merged" in rep.summary.text()

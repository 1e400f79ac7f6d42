"""Opening a work package in the app: it opens under its coder's name, never under another one."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from annotator.db.project import Project
from annotator.workflow.assign import assign
from annotator.workflow.package import make_package

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def package(seed_project, tmp_path):
    assign(seed_project, "ana,ben", per_article=1, seed=5)
    out = tmp_path / "ana.annotator"
    make_package(seed_project, "ana", out)
    return out


def _session(qsettings, coder):
    from annotator.ui.app import AppSession
    return AppSession(qsettings, coder)


def test_open_package_offers_its_coder(qtbot, qsettings, package, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (asked.append(a[2]), QMessageBox.StandardButton.Yes)[1])
    session = _session(qsettings, "ben")
    assert session.show(Project.open(package))
    qtbot.addWidget(session.window)
    assert asked and "work package for ana" in asked[0]
    assert session.window.coder_name == "ana" and session.window.store.coder_name == "ana"
    assert "work package" in session.window.coder_label.text()
    session.window.close()
    session.window.project.close()


def test_package_under_another_name_is_refused_with_instructions(qtbot, qsettings, package, monkeypatch):
    told = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: told.append(a[2]))
    session = _session(qsettings, "ben")
    project = Project.open(package)
    assert not session.show(project) and session.window is None
    assert told and "work package for ana" in told[0] and "--coder ana" in told[0]
    with Project.open(package) as p:  # nothing was written under ben's name
        from annotator.coding import coder_names
        assert coder_names(p) == ["ana"]
    # File > Switch coder to another name in an open package is refused too
    session.coder = "ana"
    assert session.show(Project.open(package))
    qtbot.addWidget(session.window)
    session.window.coder_requested.emit("ben")
    assert session.window.coder_name == "ana" and "work package for ana" in told[-1]
    session.window.close()
    session.window.project.close()


def test_first_start_prefills_the_package_coder(qtbot, qsettings, package, monkeypatch):
    from annotator.ui.app import ask_coder_name, package_coder
    with Project.open(package) as p:
        owner = package_coder(p)
    seen = {}

    def fake(*a, **k):
        seen.update(k, label=a[2])
        return k.get("text", ""), True
    monkeypatch.setattr(QInputDialog, "getText", fake)
    assert ask_coder_name(qsettings, suggested=owner) == "ana"
    assert seen["text"] == "ana" and "work package for ana" in seen["label"]
    assert qsettings.value("coder_name") == "ana"


def test_cli_refuses_another_coder_for_a_package(package):
    code = ("import sys; from annotator.cli.main import main; "
            "from PySide6.QtWidgets import QMessageBox; QMessageBox.critical = staticmethod(lambda *a, **k: None); "
            f"sys.exit(main(['gui', {str(package)!r}, '--coder', 'ben']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env={**__import__('os').environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=60)
    assert r.returncode == 1 and "work package for ana" in r.stderr and "--coder ana" in r.stderr

"""Project settings: the spaCy model is a setting the app and the CLI read."""
from __future__ import annotations

import json

from annotator import settings
from annotator.cli.main import main as cli
from annotator.db.project import Project


def test_model_setting_round_trip_and_env_override(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ANNOTATOR_MODEL", raising=False)
    path = tmp_path / "p.annotator"
    assert cli(["init", str(path)]) == 0
    assert cli(["config", str(path), "model"]) == 0
    assert capsys.readouterr().out.strip().endswith(f"model = {settings.DEFAULT_MODEL}")
    assert cli(["config", str(path), "model", "en_core_web_lg"]) == 0
    project = Project.open(path)
    try:
        assert settings.model_name(project) == "en_core_web_lg"
        monkeypatch.setenv("ANNOTATOR_MODEL", "none")
        assert settings.model_name(project) == "none"
        monkeypatch.delenv("ANNOTATOR_MODEL")
    finally:
        project.close()
    capsys.readouterr()
    assert cli(["info", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == "en_core_web_lg"
    assert cli(["config", str(path), "model", "-"]) == 0
    assert capsys.readouterr().out.strip() == f"model = {settings.DEFAULT_MODEL}"


def test_unknown_setting_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "p.annotator"
    cli(["init", str(path)])
    assert cli(["config", str(path), "modle", "x"]) == 2
    assert "unknown setting 'modle'" in capsys.readouterr().err


def test_the_app_engine_uses_the_project_model(tmp_path, monkeypatch):
    monkeypatch.delenv("ANNOTATOR_MODEL", raising=False)
    from annotator.ui.workers import default_engine_factory
    project = Project.create(tmp_path / "p.annotator")
    try:
        assert default_engine_factory(project).has_ner          # the pinned pipeline, with its entity recogniser
        settings.set(project, "model", "en_core_web_not_installed")
        engine = default_engine_factory(project)
        assert not engine.has_ner and "en_core_web_not_installed" in engine.model_warning
    finally:
        project.close()


def test_a_work_package_carries_the_project_model(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ANNOTATOR_MODEL", raising=False)
    path, pkg = tmp_path / "demo.annotator", tmp_path / "ana.annotator"
    assert cli(["demo", str(path)]) == 0
    assert cli(["config", str(path), "model", "en_core_web_lg"]) == 0
    assert cli(["assign", str(path), "--coders", "ana,ben", "--overlap", "0.2", "--seed", "1"]) == 0
    assert cli(["package", str(path), "--coder", "ana", str(pkg)]) == 0
    capsys.readouterr()
    assert cli(["config", str(pkg), "model"]) == 0
    assert capsys.readouterr().out.strip() == "model = en_core_web_lg"

"""Helpers shared by the subcommands."""
from __future__ import annotations

from pathlib import Path

from annotator.cli.main import CliError
from annotator.db.project import Project, ProjectError


def open_project(path: str | Path) -> Project:
    try:
        return Project.open(path)
    except ProjectError as exc:
        raise CliError(str(exc)) from None

"""Starting the app: the QApplication, the coder's name, opening projects and the demo project."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from annotator.db.project import Project, ProjectError
from annotator.paths import RESOURCES

MAX_RECENT = 8


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName("annotator")
    app.setApplicationName("annotator")
    icon = RESOURCES / "icons" / "annotator.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def settings() -> QSettings:
    return QSettings("annotator", "annotator")


def recent_projects(s: QSettings) -> list[str]:
    value = s.value("recent_projects", []) or []
    if isinstance(value, str):
        value = [value]
    return [p for p in value if p]


def remember_project(s: QSettings, path: str | Path) -> None:
    path = str(Path(path).resolve())
    recent = [p for p in recent_projects(s) if p != path]
    s.setValue("recent_projects", [path] + recent[:MAX_RECENT - 1])
    s.setValue("last_project", path)
    s.sync()


def demo_path() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(base or Path.home() / ".annotator")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "demo.annotator"


def open_or_create_demo() -> Project:
    path = demo_path()
    if path.exists():
        return Project.open(path)
    from annotator.demo import create_demo  # type: ignore
    return create_demo(path)


def ask_coder_name(s: QSettings, parent=None, ask: bool = True) -> str | None:
    name = s.value("coder_name", "") or ""
    if name or not ask:
        return name or None
    name, ok = QInputDialog.getText(parent, "Welcome to annotator",
                                    "Your name (it is stored with every value you code):")
    if not ok or not name.strip():
        return None
    s.setValue("coder_name", name.strip())
    s.sync()
    return name.strip()


def engine_factory_or_none() -> Callable[[Project], Any] | None:
    import importlib.util
    try:
        if importlib.util.find_spec("annotator.suggest.engine") is None:
            return None
    except (ImportError, ValueError):
        return None
    from annotator.ui.workers import default_engine_factory
    return default_engine_factory


class AppSession:
    """Keeps one main window open and switches projects when the coder asks."""

    def __init__(self, s: QSettings, coder: str, engine_factory=None):
        self.settings, self.coder, self.engine_factory = s, coder, engine_factory
        self.window = None

    def show(self, project: Project) -> None:
        from annotator.ui.main_window import MainWindow
        remember_project(self.settings, project.path)
        old = self.window
        self.window = MainWindow(project, self.coder, self.settings, self.engine_factory)
        self.window.project_requested.connect(self.switch)
        self.window.coder_requested.connect(self.switch_coder)
        self.window.show()
        if old is not None:
            old.close()
            old.project.close()
            old.deleteLater()

    def switch_coder(self, name: str) -> None:
        """Reopen the same project as another coder (remembered for next time)."""
        self.coder = name
        self.settings.setValue("coder_name", name)
        self.settings.sync()
        try:
            project = Project.open(self.window.project.path)
        except ProjectError as exc:
            QMessageBox.warning(self.window, "Cannot reopen project", str(exc))
            return
        self.show(project)

    def switch(self, path: str, create: bool) -> None:
        try:
            project = Project.create(path) if create else Project.open(path)
        except ProjectError as exc:
            QMessageBox.warning(self.window, "Cannot open project", str(exc))
            return
        self.show(project)

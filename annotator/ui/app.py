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


# Messages Qt's offscreen platform prints for every window it shows: not the user's concern.
_PLATFORM_NOISE = ("This plugin does not support propagateSizeHints",)


def quiet_platform_noise() -> None:
    """Keep Qt's own messages on stderr, minus the offscreen platform's noise (for the app's entry points)."""
    from PySide6.QtCore import QtMsgType, qFormatLogMessage, qInstallMessageHandler

    def handler(kind, ctx, message):
        if kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) or any(n in message for n in _PLATFORM_NOISE):
            return
        sys.stderr.write(qFormatLogMessage(kind, ctx, message) + "\n")

    qInstallMessageHandler(handler)


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


def ask_coder_name(s: QSettings, parent=None, ask: bool = True, suggested: str | None = None) -> str | None:
    """The remembered coder name; on first start ask for it (pre-filled with ``suggested``, e.g. a package's coder)."""
    name = s.value("coder_name", "") or ""
    if name or not ask:
        return name or None
    label = "Your name (it is stored with every value you code):"
    if suggested:
        label = f"This is the work package for {suggested}.\n" + label
    name, ok = QInputDialog.getText(parent, "Welcome to annotator", label, text=suggested or "")
    if not ok or not name.strip():
        return None
    s.setValue("coder_name", name.strip())
    s.sync()
    return name.strip()


def package_coder(project: Project) -> str | None:
    """The coder a work package was made for (None for a main project)."""
    from annotator.workflow.package import work_package_of
    try:
        info = work_package_of(project)
    except Exception:  # noqa: BLE001 - an unreadable record: treat the file as a main project
        return None
    coder = (info or {}).get("coder")
    return str(coder) if coder else None


def package_refusal(project: Project, owner: str, name: str) -> str:
    """Why a package is not opened under another coder's name, and what to do instead."""
    return (f"{Path(project.path).name} is the work package for {owner}; work saved in it under another name "
            f"({name}) would be refused when the supervisor merges it back. Open it as {owner}: File > Open "
            f"project and answer Yes, or run: annotator gui \"{project.path}\" --coder {owner}")


def coder_for_project(project: Project, name: str, parent=None) -> str | None:
    """The name to code ``project`` under: ``name``, or for a package made for someone else, its coder if the
    user agrees (None, after saying why, if not)."""
    owner = package_coder(project)
    if owner is None or owner == name:
        return name
    answer = QMessageBox.question(
        parent, "Open work package",
        f"{Path(project.path).name} is the work package for {owner}.\n\nYou are coding as {name}. "
        f"A package is coded under its coder's name. Open it as {owner}?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
    if answer == QMessageBox.StandardButton.Yes:
        return owner
    QMessageBox.information(parent, "Package not opened", package_refusal(project, owner, name))
    return None


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

    def show(self, project: Project) -> bool:
        """Open ``project`` in a new window (closing the old one); False if it was not opened.

        A work package opens under its coder's name (the user is asked first when that is not the current
        name); under another name it is refused with instructions, and ``project`` is closed.
        """
        from annotator.ui.main_window import MainWindow
        coder = coder_for_project(project, self.coder, self.window)
        if coder is None:
            project.close()
            return False
        remember_project(self.settings, project.path)
        old = self.window
        self.window = MainWindow(project, coder, self.settings, self.engine_factory)
        self.window.project_requested.connect(self.switch)
        self.window.coder_requested.connect(self.switch_coder)
        self.window.show()
        if old is not None:
            old.close()
            old.project.close()
            old.deleteLater()
        return True

    def switch_coder(self, name: str) -> None:
        """Reopen the same project as another coder (remembered for next time)."""
        owner = package_coder(self.window.project)
        if owner is not None and name != owner:
            QMessageBox.warning(self.window, "Cannot switch coder", package_refusal(self.window.project, owner, name))
            return
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

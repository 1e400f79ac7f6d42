"""`annotator gui PROJECT [--screenshot FILE.png]`: the coding window."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("gui", help="open the coding window", description=__doc__)
    p.add_argument("project", nargs="?", help="project file (default: the last one, or the demo project)")
    p.add_argument("--coder", help="coder name (default: the remembered name; asked on first start)")
    p.add_argument("--screenshot", metavar="FILE.png",
                   help="render the window at 1400x900 with the first article open, save it and exit")
    p.add_argument("--no-suggestions", action="store_true", help="do not load the suggestion engine")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.screenshot:
        return screenshot(args.project, args.screenshot, args.coder)
    return run_gui(args.project, coder=args.coder, suggestions=not args.no_suggestions)


def run_gui(project_path: str | None, coder: str | None = None, suggestions: bool = True) -> int:
    from PySide6.QtWidgets import QMessageBox

    from annotator.db.project import Project, ProjectError
    from annotator.ui import app as A

    A.quiet_platform_noise()
    # the suggestion engine computes in a thread of this process: hand the interpreter over every 1 ms
    # (not 5 ms), so that the window waits less for it when the coder acts (measured on a 10,000-article
    # queue: the next article in about 50-85 ms instead of 250-300 ms while the engine fills the queue)
    sys.setswitchinterval(0.001)
    qapp = A.make_app()
    s = A.settings()
    try:
        if project_path:
            project = Project.open(project_path)
        else:
            last = s.value("last_project", "")
            project = None
            if last and Path(last).exists():
                try:
                    project = Project.open(last)
                except ProjectError as exc:  # the last project went bad: say so and open the demo
                    print(f"annotator: {exc}; opening the demo project", file=sys.stderr)
            project = project or A.open_or_create_demo()
    except (ProjectError, ImportError) as exc:
        QMessageBox.critical(None, "Cannot open project", str(exc))
        print(f"annotator: {exc}", file=sys.stderr)
        return 1
    owner = A.package_coder(project)
    if coder and owner and coder != owner:  # --coder NAME on another coder's package: refused, with what to do
        message = A.package_refusal(project, owner, coder)
        project.close()
        print(f"annotator: {message}", file=sys.stderr)
        QMessageBox.critical(None, "Package not opened", message)
        return 1
    if coder:
        s.setValue("coder_name", coder)
    name = coder or A.ask_coder_name(s, suggested=owner)
    if not name:
        project.close()
        return 1
    session = A.AppSession(s, name, A.engine_factory_or_none() if suggestions else None)
    if not session.show(project):
        return 1
    return qapp.exec()


def copy_read_only(src: Path, dest: Path) -> None:
    """A consistent copy of the project file; ``src`` is not written.

    A closed project (no write-ahead log next to it) is copied byte for byte, so not even SQLite's side files
    appear next to it; an open one is read through a read-only connection (SQLite's online backup).
    """
    import shutil
    import sqlite3
    wal = Path(str(src) + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        shutil.copyfile(src, dest)
        return
    conn = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)
    out = sqlite3.connect(str(dest))
    try:
        conn.backup(out)
    finally:
        out.close()
        conn.close()


def screenshot(project_path: str | None, out: str, coder: str | None = None) -> int:
    """Render the window into ``out``. Works on a temporary copy: the project itself is never changed
    (suggestions computed for the picture, the coder row, the last article opened all go to the copy)."""
    import shutil
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from annotator.db.project import Project, ProjectError
    from annotator.ui import app as A

    A.quiet_platform_noise()
    A.make_app()
    try:
        if project_path:
            src = Path(project_path)
            if not src.is_file():
                raise ProjectError(f"{src}: no such file")
        else:
            demo = A.open_or_create_demo()
            src = Path(demo.path)
            demo.close()
    except (ProjectError, ImportError) as exc:
        print(f"annotator gui: {exc}", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="annotator-screenshot-"))
    try:
        copy = tmp / (src.stem + ".annotator")
        try:
            copy_read_only(src, copy)
            project = Project.open(copy)
        except Exception as exc:  # noqa: BLE001 - one sentence naming the user's file
            reason = str(exc).replace(str(copy), str(src))
            if not isinstance(exc, ProjectError):
                reason = f"{src}: cannot be read as an annotator project ({exc})"
            print(f"annotator gui: {reason}", file=sys.stderr)
            return 1
        try:
            return _render(project, out, coder or A.package_coder(project) or "coder")
        finally:
            project.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _render(project, out: str, coder: str) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator import suggestions as S
    from annotator.ui import app as A
    from annotator.ui.main_window import MainWindow

    qapp = QApplication.instance()
    factory = A.engine_factory_or_none()
    if factory is not None:  # suggestions for the first article, so the picture shows them
        try:
            engine = factory(project)
            S.compute_missing(project, engine, lambda n, t: n == 0, batch_size=1)
        except Exception as exc:  # noqa: BLE001
            print(f"annotator gui: suggestions unavailable ({exc})", file=sys.stderr)
            factory = None
    tmp_settings = QSettings(str(Path(project.path).with_suffix(".ini")), QSettings.Format.IniFormat)
    win = MainWindow(project, coder, tmp_settings, None)
    if factory is not None:
        win.engine_version = S.engine_version(engine)
        first = win.queue.neighbour(None, 0)
        win.ctrl.article_id = None
        win.open_article(first)
    else:
        first = win.queue.neighbour(None, 0)
        if first and first != win.ctrl.article_id:
            win.open_article(first)
    win.resize(1400, 900)
    win.show()
    for _ in range(5):
        qapp.processEvents()
    keys = win.form.keys()
    if keys:
        win.form.focus_field(*keys[min(len(keys) - 1, len(win.codebook.article_fields))])
        qapp.processEvents()
    ok = win.grab().save(out)
    win.close()
    if not ok:
        print(f"annotator gui: cannot write {out}", file=sys.stderr)
        return 1
    print(out)
    return 0

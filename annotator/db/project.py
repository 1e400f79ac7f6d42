"""Opening, creating and migrating project files.

One project = one SQLite file (WAL mode, foreign keys on). Opening checks the
file before anything is written: not a project, corrupted, read-only and locked
files each give one ``ProjectError`` naming the file and the problem. An older
schema is migrated with Alembic after a backup copy is made next to the file.
"""
from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from annotator import __version__
from annotator.codebook import Codebook, CodebookError, default_codebook, parse_codebook
from annotator.db.models import CodebookRow, Coder, Meta, new_id, now

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"
HEAD = "0002"


class ProjectError(Exception):
    """A project file that cannot be opened or written; the message names the file."""


class ProjectLockedError(ProjectError):
    pass


class ProjectReadOnlyError(ProjectError):
    pass


def _alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 2.0, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=2000")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    return engine


def _inspect_file(path: Path) -> tuple[str | None, bool]:
    """Read-only look at a file: (schema revision or None, has meta table). Raises ProjectError."""
    if not path.exists():
        raise ProjectError(f"{path}: no such file")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot be read ({exc.strerror})") from None
    if head != SQLITE_MAGIC:
        raise ProjectError(f"{path}: not an annotator project (not an SQLite database)")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0)
    except sqlite3.Error as exc:
        raise ProjectError(f"{path}: cannot be opened ({exc})") from None
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise ProjectError(f"{path}: the database is corrupted ({ok})")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables or "articles" not in tables:
            raise ProjectError(f"{path}: not an annotator project (an SQLite database without the project tables)")
        rev = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            rev = row[0] if row else None
        return rev, True
    except sqlite3.DatabaseError as exc:
        msg = str(exc)
        if "locked" in msg:
            raise ProjectLockedError(f"{path}: the project is locked by another program; close it there and try again") from None
        raise ProjectError(f"{path}: the database is corrupted ({msg})") from None
    finally:
        conn.close()


def _check_writable(path: Path) -> None:
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ProjectReadOnlyError(
            f"{path}: the file or its folder is read-only; copy the project somewhere writable to code in it")
    conn = sqlite3.connect(str(path), timeout=0.5)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ProjectLockedError(
                f"{path}: the project is locked by another writer (another annotator or SQLite tool); close it there and try again") from None
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise ProjectReadOnlyError(f"{path}: the file is read-only") from None
        raise ProjectError(f"{path}: cannot be written ({exc})") from None
    finally:
        conn.close()


class Project:
    """An open project file."""

    def __init__(self, path: Path, engine: Engine):
        self.path = path
        self.engine = engine
        self.Session = sessionmaker(engine, expire_on_commit=False)
        self._codebook: Codebook | None = None
        self.backup_path: Path | None = None

    # ----------------------------------------------------------------- life cycle
    @classmethod
    def create(cls, path: str | Path, codebook: Codebook | None = None, name: str | None = None,
               project_id: str | None = None) -> "Project":
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path}: already exists; open it, or choose another name")
        if not path.parent.exists():
            raise ProjectError(f"{path}: the folder {path.parent} does not exist")
        codebook = codebook or default_codebook()
        engine = _make_engine(path)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                command.upgrade(_alembic_config(conn), "head")
        except Exception as exc:
            engine.dispose()
            path.unlink(missing_ok=True)
            raise ProjectError(f"{path}: cannot be created ({exc})") from None
        project = cls(path, engine)
        with project.session() as s:
            s.add_all([
                Meta(key="project_id", value=project_id or new_id()),
                Meta(key="name", value=name or path.stem),
                Meta(key="created_at", value=now()),
                Meta(key="app_version", value=__version__),
                CodebookRow(name=codebook.name, version=codebook.version, content=codebook.to_json(), active=True),
            ])
        return project

    @classmethod
    def open(cls, path: str | Path, migrate: bool = True) -> "Project":
        path = Path(path)
        rev, _ = _inspect_file(path)
        _check_writable(path)
        backup = None
        head = head_revision()
        if rev != head:
            if not migrate:
                raise ProjectError(f"{path}: schema version {rev} is older than this app's ({head})")
            backup = path.with_name(f"{path.name}.backup-{rev or 'unversioned'}")
            n = 1
            while backup.exists():
                backup = path.with_name(f"{path.name}.backup-{rev or 'unversioned'}-{n}")
                n += 1
            src = sqlite3.connect(str(path))
            dst = sqlite3.connect(str(backup))
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        engine = _make_engine(path)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                if rev != head:
                    if rev is None:
                        command.stamp(_alembic_config(conn), "0001")
                    command.upgrade(_alembic_config(conn), "head")
        except Exception as exc:
            engine.dispose()
            raise ProjectError(f"{path}: cannot be migrated to the current schema ({exc}); "
                               f"the file was left as it was{f', backup at {backup}' if backup else ''}") from None
        project = cls(path, engine)
        project.backup_path = backup
        try:
            project.codebook  # noqa: B018 - validates the stored codebook
        except CodebookError as exc:
            project.close()
            raise ProjectError(str(exc)) from None
        return project

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work, committed on success, rolled back on error."""
        s = self.Session()
        try:
            yield s
            s.commit()
        except Exception:
            s.rollback()
            raise
        finally:
            s.close()

    # ----------------------------------------------------------------- facts
    def meta(self, key: str) -> str | None:
        with self.Session() as s:
            row = s.get(Meta, key)
            return row.value if row else None

    @property
    def project_id(self) -> str:
        return self.meta("project_id") or ""

    @property
    def name(self) -> str:
        return self.meta("name") or self.path.stem

    @property
    def schema_version(self) -> str:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision() or ""

    @property
    def codebook(self) -> Codebook:
        if self._codebook is None:
            with self.Session() as s:
                row = s.scalars(select(CodebookRow).where(CodebookRow.active.is_(True))).first()
                if row is None:
                    raise ProjectError(f"{self.path}: the project has no codebook")
                self._codebook = parse_codebook(json.loads(row.content), f"{self.path} (stored codebook)")
        return self._codebook

    def coder(self, session: Session, name: str, kind: str = "coder") -> Coder:
        """The coder called ``name``, created if new."""
        name = name.strip()
        if not name:
            raise ValueError("a coder needs a name")
        row = session.scalars(select(Coder).where(Coder.name == name)).first()
        if row is None:
            row = Coder(name=name, kind=kind)
            session.add(row)
            session.flush()
        return row

    def backup_to(self, dest: str | Path) -> None:
        """A consistent copy of the project (SQLite online backup)."""
        src = sqlite3.connect(str(self.path))
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()

import hashlib
import sqlite3

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from annotator.coding import CodingStore
from annotator.db import project as project_mod
from annotator.db.models import Article, AuditEntry, Coding
from annotator.db.project import Project, ProjectError, ProjectLockedError, ProjectReadOnlyError


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project(tmp_path):
    p = Project.create(tmp_path / "p.annotator")
    yield p
    p.close()


def test_new_project_is_self_contained_wal_sqlite_with_uuid_keys(project):
    con = sqlite3.connect(project.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    stored = con.execute("SELECT name, version, content FROM codebooks").fetchone()
    assert stored[:2] == ("defection", "1.0") and '"actor"' in stored[2]
    con.close()
    with project.session() as s:
        a = Article(text="x", content_hash="h")
        s.add(a)
    assert len(a.id) == 36 and a.id.count("-") == 4
    with project.engine.connect() as c:
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert project.schema_version == project_mod.HEAD == project_mod.head_revision()


def test_audit_log_is_append_only(project):
    with project.session() as s:
        a = Article(text="x", content_hash="h")
        s.add(a)
    store = CodingStore(project, "ana")
    store.set_status(a.id, "done")
    with project.engine.begin() as c:
        assert c.execute(text("SELECT count(*) FROM audit_log")).scalar() >= 2
    for sql in ("UPDATE audit_log SET coder='x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            with project.engine.begin() as c:
                c.execute(text(sql))
    with project.Session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "status")).one()
        assert (entry.coder, entry.old, entry.new) == ("ana", "new", "done")
        assert s.scalars(select(Coding)).one().status == "done"


def test_not_a_project_gives_a_clear_message_and_writes_nothing(tmp_path):
    txt = tmp_path / "notes.annotator"
    txt.write_text("hello")
    with pytest.raises(ProjectError, match="not an annotator project"):
        Project.open(txt)
    assert txt.read_text() == "hello"
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = digest(other)
    with pytest.raises(ProjectError, match="without the project tables"):
        Project.open(other)
    assert digest(other) == before
    with pytest.raises(ProjectError, match="no such file"):
        Project.open(tmp_path / "missing.annotator")


def test_corrupted_file_is_refused_untouched(tmp_path):
    p = Project.create(tmp_path / "c.annotator")
    with p.session() as s:
        for i in range(200):
            s.add(Article(text="x" * 2000 + str(i), content_hash=str(i)))
    p.close()
    path = tmp_path / "c.annotator"
    data = bytearray(path.read_bytes())
    for i in range(8192, len(data) - 4096, 997):  # scribble over pages after the header
        data[i:i + 64] = b"\xde\xad\xbe\xef" * 16
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(ProjectError, match="corrupted|not an annotator project"):
        Project.open(path)
    assert digest(path) == before


def test_locked_by_another_writer(tmp_path):
    path = tmp_path / "l.annotator"
    Project.create(path).close()
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ProjectLockedError, match="locked"):
            Project.open(path)
    finally:
        holder.rollback()
        holder.close()
    Project.open(path).close()  # fine once released


def test_read_only_file(tmp_path, monkeypatch):
    path = tmp_path / "r.annotator"
    Project.create(path).close()
    before = digest(path)
    # root ignores permission bits, so the check itself is simulated
    monkeypatch.setattr(project_mod.os, "access", lambda p, mode: False)
    with pytest.raises(ProjectReadOnlyError, match="read-only"):
        Project.open(path)
    assert digest(path) == before


def test_a_first_version_file_is_migrated_without_loss_after_a_backup(tmp_path):
    path = tmp_path / "old.annotator"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(project_mod._alembic_config(conn), "0001")
        conn.execute(text("INSERT INTO meta VALUES ('project_id', 'p-1'), ('name', 'old')"))
        conn.execute(text("INSERT INTO codebooks VALUES ('cb', 'defection', '1.0', :c, 1, '2024-01-01')"),
                     {"c": project_mod.default_codebook().to_json()})
        conn.execute(text("INSERT INTO coders VALUES ('c1', 'ana', 'coder', '2024-01-01')"))
        conn.execute(text("INSERT INTO articles (id, text, content_hash, position, created_at, title) "
                          "VALUES ('a1', 'Twelve soldiers deserted.', 'h1', 1, '2024-01-01', 'T')"))
        conn.execute(text("INSERT INTO codings VALUES ('k1', 'a1', 'c1', 'done', 0, NULL, NULL, 'x', 'y')"))
        conn.execute(text("INSERT INTO events VALUES ('e1', 'k1', 0, 'c1', 0, 0, NULL, 'x', 'y')"))
        conn.execute(text("INSERT INTO field_values VALUES ('v1', 'k1', 'e1', 'count', "
                          "'{\"text\": \"Twelve soldiers\", \"min\": 12, \"max\": 12}', 'typed', 0, 15, 'c1', 'x', 'y')"))
    engine.dispose()
    with sqlite3.connect(path) as con:
        assert "decisions" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}

    project = Project.open(path)
    try:
        assert project.schema_version == project_mod.HEAD
        assert project.backup_path is not None and project.backup_path.exists()
        with sqlite3.connect(project.backup_path) as con:
            assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        state = CodingStore(project, "ana").load("a1")
        assert state.status == "done"
        assert state.events[0].values["count"].value == {"text": "Twelve soldiers", "min": 12, "max": 12}
        assert state.events[0].values["count"].evidence == (0, 15)
        assert project.project_id == "p-1"
        with project.Session() as s:
            assert s.get(Article, "a1").title == "T"
            assert s.get(Article, "a1").similarity is None  # the column added by 0002
    finally:
        project.close()


def test_the_models_and_the_migrations_describe_the_same_schema(project):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from annotator.db.models import Base

    with project.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []

"""Merging work packages: three-way, idempotent, conflicts, untrusted input."""
from __future__ import annotations

import json
import shutil
import sqlite3
import uuid

import pytest
from sqlalchemy import func, select

from annotator.cli.main import main
from annotator.codebook import default_codebook
from annotator.coding import CodingStore
from annotator.db.models import AuditEntry, Coding, FieldValue
from annotator.db.project import Project
from annotator.workflow.assign import assign, assignments_of
from annotator.workflow.merge import MergeError, merge_package
from annotator.workflow.package import make_package
from tests.test_workflow_helpers import make_project, table_dump


class Setup:
    """A main project, ana's package of it, and handles on both."""

    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.main_path = tmp_path / "main.annot"
        self.pkg_path = tmp_path / "ana.annot"
        self.project = make_project(self.main_path, 12)
        assign(self.project, "ana,ben", overlap=0.5, seed=4)
        self.mine = assignments_of(self.project)["ana"]
        self.main_store = CodingStore(self.project, "ana")
        a0 = self.mine[0]
        self.main_store.set_value(a0, None, "relevant", {"value": True})
        self.ev = self.main_store.add_event(a0, {"actor": ({"text": "army"}, "typed", None),
                                                 "count": ({"text": "12", "min": 12, "max": 12}, "typed", None)})
        self.main_store.set_value(a0, None, "article_notes", {"value": "check the date"})
        make_package(self.project, "ana", self.pkg_path)

    def offline(self, fn):
        """Edit the package as the coder would, in the app."""
        pkg = Project.open(self.pkg_path)
        try:
            fn(CodingStore(pkg, "ana"))
        finally:
            pkg.close()

    def value(self, article_id, event_id, field):
        state = self.main_store.load(article_id)
        if event_id is None:
            vs = state.values.get(field)
        else:
            vs = next(e for e in state.events if e.id == event_id).values.get(field)
        return vs.value if vs else None


@pytest.fixture()
def su(tmp_path):
    s = Setup(tmp_path)
    yield s
    s.project.close()


def test_offline_work_comes_back_and_merging_twice_changes_nothing(su):
    a0, a1 = su.mine[0], su.mine[1]
    new_event = {}

    def work(store):
        store.set_value(a0, su.ev, "location", {"name": "Aleppo"}, evidence=(95, 101))
        store.set_value(a0, None, "article_notes", None)  # cleared offline
        new_event["id"] = store.add_event(a0, {"actor": ({"text": "police"}, "typed", None)})
        store.set_value(a1, None, "relevant", {"value": False})
        store.set_status(a1, "not_relevant")
        store.set_status(a0, "done")

    su.offline(work)
    rep = merge_package(su.project, su.pkg_path)
    assert (rep.codings.added, rep.codings.updated, rep.codings.unchanged) == (1, 1, 0)
    assert (rep.events.added, rep.events.unchanged) == (1, 1)
    assert (rep.values.added, rep.values.removed, rep.values.unchanged) == (3, 1, 3)
    assert rep.conflicts == [] and rep.audit_added > 0 and rep.changed
    assert su.value(a0, su.ev, "location")["name"] == "Aleppo"
    assert su.value(a0, None, "article_notes") is None
    assert su.value(a0, new_event["id"], "actor")["text"] == "police"
    assert su.main_store.load(a1).status == "not_relevant" and su.main_store.load(a0).status == "done"
    assert [e.id for e in su.main_store.load(a0).events] == [su.ev, new_event["id"]]

    before = table_dump(su.main_path)
    again = merge_package(su.project, su.pkg_path)
    assert not again.changed and again.audit_added == 0 and again.conflicts == []
    assert again.values.added == again.values.updated == again.values.removed == 0
    assert table_dump(su.main_path) == before  # every row of every table, values included


def test_audit_entries_are_appended_once(su):
    su.offline(lambda st: st.set_value(su.mine[0], su.ev, "mode", {"text": "individual"}))
    with Project.open(su.pkg_path) as pkg, pkg.Session() as s:
        pkg_ids = set(s.scalars(select(AuditEntry.id)))
    merge_package(su.project, su.pkg_path)
    merge_package(su.project, su.pkg_path)
    with su.project.Session() as s:
        ids = list(s.scalars(select(AuditEntry.id)))
        assert pkg_ids <= set(ids) and len(ids) == len(set(ids))
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "merge")) == 1


def test_conflict_is_reported_and_the_project_value_kept(su):
    a0 = su.mine[0]
    su.offline(lambda st: st.set_value(a0, su.ev, "actor", {"text": "navy"}))
    su.main_store.set_value(a0, su.ev, "actor", {"text": "air force"})  # the supervisor, meanwhile
    rep = merge_package(su.project, su.pkg_path)
    assert len(rep.conflicts) == 1
    c = rep.conflicts[0]
    assert (c.kind, c.field, c.event_id, c.article_id) == ("value", "actor", su.ev, a0)
    assert c.project[0]["text"] == "air force" and c.package[0]["text"] == "navy"
    assert "kept the project's" in c.describe() and "navy" in c.describe()
    assert su.value(a0, su.ev, "actor")["text"] == "air force"
    with su.project.Session() as s:
        logged = s.scalars(select(AuditEntry).where(AuditEntry.action == "merge_conflict")).all()
        assert len(logged) == 1 and logged[0].field == "actor" and logged[0].new["package"][0]["text"] == "navy"
    # reported once: merging again changes nothing
    before = table_dump(su.main_path)
    again = merge_package(su.project, su.pkg_path)
    assert again.conflicts == [] and not again.changed
    assert table_dump(su.main_path) == before


def test_a_newer_project_edit_is_never_overwritten_by_an_older_package_value(su):
    a0 = su.mine[0]
    su.main_store.set_value(a0, su.ev, "count", {"text": "15", "min": 15, "max": 15})  # after packaging
    su.main_store.set_status(a0, "flagged")
    rep = merge_package(su.project, su.pkg_path)  # the package still has the old values
    assert rep.conflicts == [] and rep.values.kept == 1 and rep.codings.kept == 1
    assert su.value(a0, su.ev, "count")["min"] == 15
    assert su.main_store.load(a0).status == "flagged"


def test_work_continued_after_a_merge_is_merged_without_false_conflicts(su):
    a0 = su.mine[0]
    su.offline(lambda st: st.set_value(a0, su.ev, "actor", {"text": "navy"}))
    assert merge_package(su.project, su.pkg_path).values.updated == 1
    su.offline(lambda st: st.set_value(a0, su.ev, "actor", {"text": "marines"}))
    rep = merge_package(su.project, su.pkg_path)
    assert rep.conflicts == [] and rep.values.updated == 1
    assert su.value(a0, su.ev, "actor")["text"] == "marines"


def test_a_failure_half_way_changes_nothing(su):
    su.offline(lambda st: st.set_value(su.mine[1], None, "relevant", {"value": True}))
    before = table_dump(su.main_path)

    def boom():
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        merge_package(su.project, su.pkg_path, _fail_after=boom)
    assert table_dump(su.main_path) == before
    assert merge_package(su.project, su.pkg_path).values.added == 1


# --------------------------------------------------------------------------- refused files
def _refused(su, path, *fragments):
    before = table_dump(su.main_path)
    with pytest.raises(MergeError) as err:
        merge_package(su.project, path)
    msg = str(err.value)
    assert str(path) in msg and "refused" in msg or "no such file" in msg
    for f in fragments:
        assert f in msg, msg
    assert table_dump(su.main_path) == before
    return msg


def _tamper(su, *sql, name="bad.annot"):
    bad = su.dir / name
    shutil.copyfile(su.pkg_path, bad)
    conn = sqlite3.connect(bad)
    try:
        for q in sql:
            conn.execute(q)
        conn.commit()
    finally:
        conn.close()
    return bad


def test_refuses_a_package_of_another_project(su):
    other = make_project(su.dir / "other.annot", 3)
    try:
        assign(other, "ana", seed=1)
        make_package(other, "ana", su.dir / "other-ana.annot")
    finally:
        other.close()
    _refused(su, su.dir / "other-ana.annot", "belongs to another project")


def test_refuses_another_codebook_version(su):
    bad = _tamper(su, "UPDATE codebooks SET version = '2.0'")
    _refused(su, bad, "codebook", "'2.0'", default_codebook().version)


def test_refuses_garbage_truncated_and_non_packages(su):
    garbage = su.dir / "garbage.annot"
    garbage.write_bytes(b"\x00\xffnot a database at all" * 50)
    _refused(su, garbage, "not an annotator project file")
    truncated = su.dir / "truncated.annot"
    truncated.write_bytes(su.pkg_path.read_bytes()[:20000])
    _refused(su, truncated, "damaged")
    empty_sqlite = su.dir / "plain.sqlite"
    conn = sqlite3.connect(empty_sqlite)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    _refused(su, empty_sqlite, "unexpected table 't'")
    _refused(su, su.main_path, "the project itself")
    _refused(su, su.dir / "missing.annot", "no such file")
    bad = _tamper(su, "DELETE FROM meta WHERE key = 'work_package'")
    _refused(su, bad, "not a work package")


@pytest.mark.parametrize("sql,fragment", [
    ("CREATE TRIGGER evil AFTER INSERT ON codings BEGIN DELETE FROM articles; END", "unexpected trigger 'evil'"),
    ("CREATE VIEW v AS SELECT * FROM codings", "unexpected view 'v'"),
    ("CREATE TABLE extra_stuff (x)", "unexpected table 'extra_stuff'"),
    ("DROP TRIGGER audit_log_no_update", "trigger 'audit_log_no_update' is missing"),
])
def test_refuses_files_with_unexpected_schema_objects(su, sql, fragment):
    _refused(su, _tamper(su, sql), fragment)


@pytest.mark.parametrize("sql,fragment", [
    ("UPDATE field_values SET value = '{\"text\": \"' || hex(zeroblob(300000)) || '\"}' WHERE field = 'actor'",
     "oversize"),
    ("UPDATE events SET position = 'first'", "position is not a whole number"),
    ("UPDATE events SET position = 1e300", "position is not a whole number"),
    ("UPDATE codings SET status = x'00ff'", "unknown status"),
    ("UPDATE field_values SET value = '{not json' WHERE field = 'actor'", "not valid JSON"),
    ("UPDATE field_values SET value = '[1, 2]' WHERE field = 'actor'", "wrong shape"),
    ("UPDATE field_values SET field = 'no_such_field' WHERE field = 'actor'", "not in the codebook"),
    ("UPDATE field_values SET evidence_start = 5, evidence_end = 99999 WHERE field = 'actor'", "evidence end"),
    ("UPDATE codings SET updated_at = 'yesterday'", "not a timestamp"),
    ("UPDATE articles SET content_hash = '" + "0" * 64 + "' WHERE rowid = (SELECT min(rowid) FROM articles)",
     "its text differs"),
    ("UPDATE coders SET name = 'ben'", "not among its coders"),
])
def test_refuses_wrong_types_and_values(su, sql, fragment):
    _refused(su, _tamper(su, sql), fragment)


def test_refuses_rows_pointing_outside_the_project(su):
    new = str(uuid.uuid4())
    text_hash = "a" * 64
    bad = _tamper(su, f"INSERT INTO articles (id, text, content_hash, position, created_at) "
                      f"VALUES ('{new}', 'x', '{text_hash}', 99, '2024-01-01T00:00:00')")
    _refused(su, bad, f"article {new} is not in the project")


def test_refuses_codings_of_another_coder(su):
    with su.project.Session() as s:
        ben_id = s.scalars(select(Coding.coder_id)).first()
    other = str(uuid.uuid4())
    bad = _tamper(su, f"INSERT INTO coders (id, name, kind, created_at) VALUES ('{other}', 'mallory', 'coder', "
                      f"'2024-01-01T00:00:00')", f"UPDATE codings SET coder_id = '{other}'")
    assert ben_id
    _refused(su, bad, "coded as 'mallory', not as the package's coder 'ana'", "--coder ana")


def test_refuses_an_id_that_is_not_a_uuid(su):
    bad = _tamper(su, "PRAGMA foreign_keys=OFF", "UPDATE events SET id = 'evil; DROP TABLE x'")
    _refused(su, bad, "not an id")


# --------------------------------------------------------------------------- CLI
def test_cli_merge_reports_per_file_and_refuses_bad_ones(su, capsys):
    a0 = su.mine[0]
    su.offline(lambda st: st.set_value(a0, su.ev, "actor", {"text": "navy"}))
    su.main_store.set_value(a0, su.ev, "actor", {"text": "air force"})
    garbage = su.dir / "garbage.annot"
    garbage.write_bytes(b"junk" * 100)
    path = str(su.main_path)
    su.project.close()
    before = table_dump(su.main_path)
    assert main(["merge", path, str(su.pkg_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "CONFLICT" in out and "1 file(s) would be merged" in out and "dry run: nothing saved" in out
    assert table_dump(su.main_path) == before
    assert main(["merge", path, str(su.pkg_path), str(garbage)]) == 1
    out = capsys.readouterr().out
    assert "ana.annot (coder ana)" in out and "CONFLICT" in out and "garbage.annot: refused" in out
    assert "1 file(s) merged, 1 refused, 1 conflict(s)" in out
    assert main(["merge", path, str(su.pkg_path), "--json"]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert reports[0]["changed"] is False and reports[0]["conflicts"] == []
    with Project.open(path) as p, p.Session() as s:
        assert s.scalars(select(FieldValue.value).where(FieldValue.field == "actor")).first()["text"] == "air force"


def test_work_still_in_the_write_ahead_log_is_merged(su):
    """The coder's app still has the package open: its last edits are in the -wal file."""
    pkg = Project.open(su.pkg_path)
    try:
        CodingStore(pkg, "ana").set_value(su.mine[2], None, "relevant", {"value": True})
        assert (su.dir / "ana.annot-wal").exists()
        rep = merge_package(su.project, su.pkg_path)
    finally:
        pkg.close()
    assert rep.codings.added == 1 and rep.values.added == 1
    assert su.value(su.mine[2], None, "relevant") == {"value": True}


def test_coding_started_in_both_places_and_an_event_deleted_offline(su):
    a0, a2 = su.mine[0], su.mine[2]
    su.main_store.set_value(a2, None, "relevant", {"value": True})  # a new coding in the project
    su.offline(lambda st: (st.set_value(a2, None, "article_notes", {"value": "odd source"}),
                           st.set_status(a2, "done"), st.delete_event(a0, su.ev)))
    rep = merge_package(su.project, su.pkg_path)
    # "in progress" in the project is where the app puts any started coding: the coder's "done" is taken
    assert rep.conflicts == [] and rep.values.added == 1 and rep.events.updated == 1 and rep.codings.updated == 1
    assert su.main_store.load(a2).status == "done"
    assert su.value(a2, None, "relevant") == {"value": True}
    assert su.value(a2, None, "article_notes") == {"value": "odd source"}
    assert su.main_store.load(a0).events == []
    with su.project.Session() as s:
        assert s.scalar(select(func.count()).select_from(Coding).where(Coding.article_id == a2)) == 1


def test_an_event_changed_in_both_places_is_a_conflict(su):
    a0 = su.mine[0]
    su.offline(lambda st: st.delete_event(a0, su.ev))
    su.main_store.set_value(a0, su.ev, "actor", {"text": "navy"})  # touches the event but not its state
    with su.project.session() as s:
        from annotator.db.models import Event
        s.get(Event, su.ev).extra = {"note": "checked by the supervisor"}
    rep = merge_package(su.project, su.pkg_path)
    assert [c.kind for c in rep.conflicts] == ["event"]
    assert [e.id for e in su.main_store.load(a0).events] == [su.ev]  # the project's (live) event kept


def test_refuses_a_package_that_would_change_reconciled_codings(su):
    with su.project.session() as s:
        from annotator.db.models import Coder
        s.scalars(select(Coder).where(Coder.name == "ana")).one().kind = "reconciled"
    _refused(su, su.pkg_path, "reconciled codings")


def test_refuses_text_that_is_not_utf8(su):
    bad = _tamper(su, "UPDATE codings SET notes = CAST(x'ff fe 41' AS TEXT)".replace(" fe 41", "fe41"))
    _refused(su, bad, "cannot read table codings")


def test_an_untouched_package_changes_nothing(su):
    before = table_dump(su.main_path)
    rep = merge_package(su.project, su.pkg_path)
    assert not rep.changed and rep.conflicts == [] and rep.values.unchanged == 4
    assert table_dump(su.main_path) == before


def test_audit_entries_of_other_coders_are_not_appended(su):
    su.offline(lambda st: st.set_value(su.mine[0], su.ev, "mode", {"text": "individual"}))
    bad = _tamper(su, f"INSERT INTO audit_log (id, ts, coder, action) VALUES ('{uuid.uuid4()}', "
                      f"'2024-01-01T00:00:00', 'supervisor', 'reconcile')")
    rep = merge_package(su.project, bad)
    assert rep.audit_skipped == 1 and rep.audit_added >= 1
    with su.project.Session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.coder == "supervisor")) == 0


def test_a_package_edit_stamped_older_than_the_project_row_is_a_conflict(su):
    """A coder's clock far behind: the package's change is not allowed to replace a newer-stamped row."""
    a0 = su.mine[0]
    su.offline(lambda st: st.set_value(a0, su.ev, "actor", {"text": "navy"}))
    bad = _tamper(su, "UPDATE field_values SET updated_at = '2000-01-01T00:00:00.000+00:00' WHERE field = 'actor'")
    rep = merge_package(su.project, bad)
    assert [(c.field, c.reason) for c in rep.conflicts] == [("actor", "the package's edit is older than the project's")]
    assert su.value(a0, su.ev, "actor")["text"] == "army"


def test_a_large_package_keeps_its_base_in_parts_and_merges(tmp_path, monkeypatch):
    """A package whose base state is too big for one record (many coded articles) stores it in parts."""
    from annotator.workflow import package as P
    monkeypatch.setattr(P, "BASE_INLINE_CHARS", 10)   # tiny limits: the parts are exercised with little data
    monkeypatch.setattr(P, "BASE_PART_CHARS", 200)
    project = make_project(tmp_path / "main.annot", 12)
    try:
        assign(project, "ana,ben", per_article=2, seed=1)
        store = CodingStore(project, "ana")
        events = {}
        for aid in assignments_of(project)["ana"][:6]:
            store.set_value(aid, None, "relevant", {"value": True})
            events[aid] = store.add_event(aid, {"actor": ({"text": "army"}, "typed", None)})
        pkg_path = tmp_path / "ana.annot"
        make_package(project, "ana", pkg_path)
        info = P.package_info(pkg_path)
        assert len(info["base"]["values"]) == 12                  # joined again from its parts
        with sqlite3.connect(pkg_path) as conn:
            record = json.loads(conn.execute("SELECT value FROM meta WHERE key='work_package'").fetchone()[0])
            parts = conn.execute("SELECT count(*) FROM meta WHERE key LIKE 'work_package.base.values.%'").fetchone()[0]
        assert record["base"]["values"] == {} and record["base_value_parts"] == parts > 1

        first, second = list(events)[:2]
        pkg = Project.open(pkg_path)
        try:
            CodingStore(pkg, "ana").set_value(first, events[first], "actor", {"text": "navy"})
            CodingStore(pkg, "ana").set_value(second, events[second], "actor", {"text": "police"})
        finally:
            pkg.close()
        store.set_value(second, events[second], "actor", {"text": "air force"})  # the supervisor, meanwhile
        rep = merge_package(project, pkg_path)
        assert rep.values.updated == 1 and len(rep.conflicts) == 1     # the three-way comparison still works
        assert rep.conflicts[0].article_id == second
        assert not merge_package(project, pkg_path).changed             # and merging again changes nothing

        with sqlite3.connect(pkg_path) as conn:                         # a part gone: refused, nothing changed
            conn.execute("DELETE FROM meta WHERE key = 'work_package.base.values.0002'")
        before = table_dump(tmp_path / "main.annot")
        with pytest.raises(MergeError, match="part 2 of .* is missing"):
            merge_package(project, pkg_path)
        assert table_dump(tmp_path / "main.annot") == before
    finally:
        project.close()


def test_merge_reports_its_progress(su):
    a0 = su.mine[0]
    su.offline(lambda st: st.set_value(a0, su.ev, "actor", {"text": "navy"}))
    seen = []
    merge_package(su.project, su.pkg_path, progress=lambda f, stage: seen.append((f, stage)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and 0.9 < fractions[-1] < 1.0
    assert [s for _, s in seen][:2] == ["reading and checking the file", "comparing codings and events"]

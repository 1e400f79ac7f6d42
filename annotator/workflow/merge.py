"""Bringing a coder's work package back into the main project.

The incoming file is untrusted. It is copied to a private temporary folder and
read there through a read-only SQLite connection that runs no code from the
file (``trusted_schema`` off, an authorizer that allows reading only), after
these checks, any of which refuses the whole file with a message naming it:

- the SQLite magic header, a size limit, ``PRAGMA quick_check``;
- the schema is exactly the schema of a project made by this version of the
  app (no extra triggers, views, virtual tables or columns);
- the same ``project_id`` and the same codebook name and version as the
  project; the ``work_package`` record written by ``annotator package``;
- every row: ids are UUIDs, values have the right types and sizes, JSON parses,
  field names and scopes match the codebook, the coder is the package's coder,
  and every article exists in the project with the same id *and* content hash.

Merging is a three-way comparison per coding status, event and field value
between the package, the project, and the *base* (the state when the package
was made, or when this package was last merged): changed only in the package
-> taken; changed only in the project -> kept; changed in both to different
values -> a conflict, reported and written to the audit log, and the project's
value is kept. So merging the same file twice changes nothing, and an older
edit never overwrites a newer one. All writes of one file happen in one
transaction: a failure half-way changes nothing.
"""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import func, select

from annotator.db.models import (ORIGINS, STATUSES, Article, AuditEntry, Coder, Coding, Event,
                                 FieldValue, LearnedPattern, Meta, new_id)
from annotator.db.project import SQLITE_MAGIC, Project, head_revision
from annotator.workflow.package import (BASE_PART_KEY, PACKAGE_FORMAT, PACKAGE_META_KEY, coding_state, event_state,
                                        value_key, value_state)

MAX_FILE_BYTES = 2 * 1024**3
MAX_ROWS = 2_000_000
MAX_BASE_PARTS = 64  # parts of a large package's base state (16 MB each when written by this app)
MAX_JSON = 256 * 1024  # one value, extra, audit old/new
MAX_TEXT = 1024 * 1024  # notes
MAX_SHORT = 1000  # names, statuses, timestamps, pattern texts
MERGED_KEY_PREFIX = "merged_package:"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
HASH_RE = re.compile(r"^[0-9a-f]{64}$")
ALLOWED_PRAGMAS = {"quick_check", "trusted_schema", "query_only", "table_xinfo"}
ALLOWED_FUNCTIONS = {"count", "length", "typeof"}


class MergeError(Exception):
    """A package that is refused; the message names the file and the reason. The project is unchanged."""


# --------------------------------------------------------------------------- reading the untrusted file
def _authorizer(action, arg1, arg2, dbname, source):  # noqa: ANN001
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in ALLOWED_PRAGMAS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in ALLOWED_FUNCTIONS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


_REFERENCE: dict[tuple[str, str], tuple[str, str | None]] | None = None


def _norm_sql(sql: str | None) -> str | None:
    return None if sql is None else re.sub(r"\s+", " ", sql).strip()


def reference_schema() -> dict[tuple[str, str], tuple[str, str | None]]:
    """(type, name) -> (table, sql) of a project made by this version of the app."""
    global _REFERENCE
    if _REFERENCE is None:
        with tempfile.TemporaryDirectory(prefix="annotator-ref-") as d:
            Project.create(Path(d) / "reference.annot").close()
            conn = sqlite3.connect(str(Path(d) / "reference.annot"))
            try:
                _REFERENCE = {(t, n): (tbl, _norm_sql(sql)) for t, n, tbl, sql in
                              conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")}
            finally:
                conn.close()
    return _REFERENCE


class _Reader:
    """Validating reads from the copied package. Every problem raises MergeError naming the file."""

    def __init__(self, label: str, conn: sqlite3.Connection):
        self.label = label
        self.conn = conn

    def fail(self, msg: str) -> MergeError:
        return MergeError(f"{self.label}: refused: {msg}; the project was not changed")

    def rows(self, table: str, columns: Iterable[str]) -> list[dict[str, Any]]:
        cols = list(columns)
        try:
            n = self.conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if n > MAX_ROWS:
                raise self.fail(f"table {table} has {n} rows, more than a package can hold")
            cur = self.conn.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{table}"')
            return [dict(zip(cols, r)) for r in cur]
        except sqlite3.DatabaseError as exc:
            raise self.fail(f"cannot read table {table} ({exc})") from None

    # typed value checks -------------------------------------------------------
    def uuid(self, v: Any, what: str) -> str:
        if not isinstance(v, str) or not UUID_RE.match(v):
            raise self.fail(f"{what} is not an id ({_show(v)})")
        return v

    def text(self, v: Any, what: str, limit: int = MAX_SHORT, null: bool = False) -> str | None:
        if v is None and null:
            return None
        if not isinstance(v, str):
            raise self.fail(f"{what} has the wrong type ({type(v).__name__}, expected text)")
        if len(v) > limit:
            raise self.fail(f"{what} is oversize ({len(v)} characters, at most {limit})")
        return v

    def ts(self, v: Any, what: str) -> str:
        v = self.text(v, what, 40)
        try:
            datetime.fromisoformat(v)
        except ValueError:
            raise self.fail(f"{what} is not a timestamp ({_show(v)})") from None
        return v

    def integer(self, v: Any, what: str, lo: int, hi: int, null: bool = False) -> int | None:
        if v is None and null:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            raise self.fail(f"{what} is not a whole number from {lo} to {hi} ({_show(v)})")
        return v

    def flag(self, v: Any, what: str) -> bool:
        if v not in (0, 1) or isinstance(v, float):
            raise self.fail(f"{what} is not a yes/no value ({_show(v)})")
        return bool(v)

    def json(self, v: Any, what: str, kind: type | tuple | None = None, limit: int = MAX_JSON) -> Any:
        if v is None:
            return None
        if not isinstance(v, str):
            raise self.fail(f"{what} has the wrong type ({type(v).__name__}, expected JSON text)")
        if len(v) > limit:
            raise self.fail(f"{what} is oversize ({len(v)} characters, at most {limit})")
        try:
            data = json.loads(v)
        except (ValueError, RecursionError):
            raise self.fail(f"{what} is not valid JSON") from None
        if kind is not None and data is not None and not isinstance(data, kind):
            raise self.fail(f"{what} has the wrong shape (JSON {type(data).__name__})")
        return data


def _show(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 60 else r[:57] + "..."


@dataclass
class PackageData:
    """The validated content of a package, as plain Python data."""
    path: Path
    info: dict[str, Any]
    coder_id: str
    coder_name: str
    codings: list[dict[str, Any]]
    events: list[dict[str, Any]]
    values: list[dict[str, Any]]
    patterns: list[dict[str, Any]]
    audit: list[dict[str, Any]]


def read_package(project: Project, path: str | Path) -> PackageData:
    """Validate ``path`` against ``project`` and read it. Raises MergeError; never writes anything."""
    path = Path(path)
    label = str(path)

    def fail(msg: str) -> MergeError:
        return MergeError(f"{label}: refused: {msg}; the project was not changed")

    if not path.exists():
        raise MergeError(f"{label}: no such file")
    if not path.is_file():
        raise fail("not a file")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise MergeError(f"{label}: cannot be read ({exc.strerror})") from None
    if size > MAX_FILE_BYTES:
        raise fail(f"the file is too large ({size} bytes)")
    if head[:16] != SQLITE_MAGIC or len(head) < 100:
        raise fail("not an annotator project file (no SQLite header; the file is damaged or of another kind)")
    if path.resolve() == Path(project.path).resolve():
        raise fail("this is the project itself")
    with tempfile.TemporaryDirectory(prefix="annotator-merge-") as tmp:
        copy = Path(tmp) / "package.sqlite"
        try:
            shutil.copyfile(path, copy)
            wal = Path(str(path) + "-wal")
            if wal.is_file():  # committed work the app has not folded into the file yet
                shutil.copyfile(wal, Path(str(copy) + "-wal"))
        except OSError as exc:
            raise MergeError(f"{label}: cannot be read ({exc.strerror})") from None
        try:
            conn = sqlite3.connect(copy.as_uri() + "?mode=ro", uri=True, timeout=1.0)
        except sqlite3.Error as exc:
            raise fail(f"cannot be opened ({exc})") from None
        try:
            conn.execute("PRAGMA trusted_schema=OFF")
            conn.execute("PRAGMA query_only=ON")
            conn.set_authorizer(_authorizer)
            try:
                ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise fail(f"the database is damaged ({exc})") from None
            if ok != "ok":
                raise fail(f"the database is damaged ({ok})")
            return _read(project, path, _Reader(label, conn))
        except sqlite3.DatabaseError as exc:
            raise fail(f"the database cannot be read ({exc})") from None
        finally:
            conn.close()


def _check_schema(r: _Reader) -> None:
    ref = reference_schema()
    got = {}
    for t, n, tbl, sql in r.conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"):
        if t == "table" and n in ("sqlite_stat1", "sqlite_stat4"):
            continue  # planner statistics written by ANALYZE / PRAGMA optimize
        got[(t, n)] = (tbl, _norm_sql(sql))
    for key in sorted(set(got) - set(ref)):
        raise r.fail(f"unexpected {key[0]} {key[1]!r} in the file (a package holds only the project tables)")
    for key in sorted(set(ref) - set(got)):
        raise r.fail(f"the {key[0]} {key[1]!r} is missing (not a project file of this app version)")
    for key in sorted(ref):
        if got[key] != ref[key]:
            raise r.fail(f"the {key[0]} {key[1]!r} has an unexpected definition")


def _read(project: Project, path: Path, r: _Reader) -> PackageData:
    _check_schema(r)
    rev = r.rows("alembic_version", ["version_num"])
    head = head_revision()
    if [x["version_num"] for x in rev] != [head]:
        raise r.fail(f"made with another schema version ({', '.join(str(x['version_num']) for x in rev) or 'none'}; "
                     f"this app uses {head}); open it once in the current app and merge again")
    meta = {}
    for m in r.rows("meta", ["key", "value"]):
        key = r.text(m["key"], "a meta key")
        meta[key] = r.text(m["value"], f"meta {key}", 64 * 1024 * 1024)
    if meta.get("project_id") != project.project_id:
        raise r.fail(f"it belongs to another project (project id {_show(meta.get('project_id'))}, "
                     f"this project is {project.project_id})")
    cbs = [c for c in r.rows("codebooks", ["name", "version", "active"]) if c["active"] == 1]
    if len(cbs) != 1:
        raise r.fail("it has no single active codebook")
    mine = project.codebook
    if (cbs[0]["name"], cbs[0]["version"]) != (mine.name, mine.version):
        raise r.fail(f"it was made with codebook {_show(cbs[0]['name'])} version {_show(cbs[0]['version'])}, "
                     f"but the project uses {mine.name!r} version {mine.version!r}")
    if PACKAGE_META_KEY not in meta:
        raise r.fail("not a work package (make one with 'annotator package')")
    info = r.json(meta[PACKAGE_META_KEY], "the package record", dict, 64 * 1024 * 1024)
    if not isinstance(info, dict) or info.get("format") != PACKAGE_FORMAT:
        raise r.fail("the package record has an unknown format")
    package_id = r.uuid(info.get("package_id"), "the package id")
    coder_id = r.uuid(info.get("coder_id"), "the package's coder id")
    coder_name = r.text(info.get("coder"), "the package's coder")
    base = info.get("base")
    if not isinstance(base, dict) or any(not isinstance(base.get(k), dict) for k in ("codings", "events", "values")):
        raise r.fail("the package record has no valid base state")
    parts = info.get("base_value_parts", 0)  # a large package keeps its base values in parts
    if parts:
        if not isinstance(parts, int) or isinstance(parts, bool) or not 1 <= parts <= MAX_BASE_PARTS:
            raise r.fail(f"the package record has an invalid number of parts ({_show(parts)})")
        for i in range(1, parts + 1):
            key = BASE_PART_KEY.format(i)
            if key not in meta:
                raise r.fail(f"the package record is incomplete (part {i} of {parts} is missing)")
            base["values"].update(r.json(meta[key], f"part {i} of the package record", dict, 64 * 1024 * 1024))
    for k in ("codings", "events", "values"):
        if any(not isinstance(v, list) for v in base[k].values()):
            raise r.fail("the package record has an invalid base state")

    # the coder: the same row in both files
    coders = r.rows("coders", ["id", "name", "kind"])
    if not any(c["id"] == coder_id and c["name"] == coder_name for c in coders):
        raise r.fail(f"the package's coder {coder_name!r} is not among its coders")
    with project.Session() as s:
        main_coder = s.get(Coder, coder_id)
        if main_coder is None or main_coder.name != coder_name:
            raise r.fail(f"its coder {coder_name!r} is not a coder of this project (or has another id there)")
        if main_coder.kind != "coder":
            raise r.fail(f"{coder_name!r} holds the project's reconciled codings, which packages cannot change")
        main_articles = {a: (h, n or 0, name) for a, h, n, name in s.execute(
            select(Article.id, Article.content_hash, func.length(Article.text), Article.file_name))}

    # articles: same id and same text (content hash) as in the project
    articles: dict[str, str] = {}
    for a in r.rows("articles", ["id", "content_hash"]):
        aid = r.uuid(a["id"], "an article id")
        h = r.text(a["content_hash"], f"article {aid}: content hash")
        if not HASH_RE.match(h):
            raise r.fail(f"article {aid}: the content hash is malformed")
        if aid not in main_articles:
            raise r.fail(f"article {aid} is not in the project")
        if main_articles[aid][0] != h:
            raise r.fail(f"article {main_articles[aid][2] or aid}: its text differs from the project's")
        articles[aid] = h

    codebook = project.codebook
    codings = []
    seen_articles = set()
    for c in r.rows("codings", ["id", "article_id", "coder_id", "status", "flagged", "notes", "extra",
                                "created_at", "updated_at"]):
        cid = r.uuid(c["id"], "a coding id")
        what = f"coding {cid}"
        if c["article_id"] not in articles:
            raise r.fail(f"{what} refers to an article that is not in the package")
        if c["coder_id"] != coder_id:
            other = next((str(x["name"]) for x in coders if x["id"] == c["coder_id"]), "another coder")
            raise r.fail(f"{what} was coded as {other!r}, not as the package's coder {coder_name!r} "
                         f"(open the package as {coder_name}: annotator gui FILE --coder {coder_name})")
        if c["status"] not in STATUSES:
            raise r.fail(f"{what}: unknown status {_show(c['status'])}")
        if c["article_id"] in seen_articles:
            raise r.fail(f"{what}: two codings of the same article")
        seen_articles.add(c["article_id"])
        codings.append({"id": cid, "article_id": c["article_id"], "status": c["status"],
                        "flagged": r.flag(c["flagged"], f"{what}: flagged"),
                        "notes": r.text(c["notes"], f"{what}: notes", MAX_TEXT, null=True),
                        "extra": r.json(c["extra"], f"{what}: extra", dict),
                        "created_at": r.ts(c["created_at"], f"{what}: created_at"),
                        "updated_at": r.ts(c["updated_at"], f"{what}: updated_at")})
    coding_article = {c["id"]: c["article_id"] for c in codings}

    events = []
    for e in r.rows("events", ["id", "coding_id", "position", "coder_id", "proposed", "deleted", "extra",
                               "created_at", "updated_at"]):
        eid = r.uuid(e["id"], "an event id")
        what = f"event {eid}"
        if e["coding_id"] not in coding_article:
            raise r.fail(f"{what} refers to a coding that is not in the package")
        if e["coder_id"] != coder_id:
            raise r.fail(f"{what} belongs to another coder than the package's ({coder_name})")
        events.append({"id": eid, "coding_id": e["coding_id"], "article_id": coding_article[e["coding_id"]],
                       "position": r.integer(e["position"], f"{what}: position", 0, 100_000),
                       "proposed": r.flag(e["proposed"], f"{what}: proposed"),
                       "deleted": r.flag(e["deleted"], f"{what}: deleted"),
                       "extra": r.json(e["extra"], f"{what}: extra", dict),
                       "created_at": r.ts(e["created_at"], f"{what}: created_at"),
                       "updated_at": r.ts(e["updated_at"], f"{what}: updated_at")})
    event_coding = {e["id"]: e["coding_id"] for e in events}

    values = []
    keys = set()
    for v in r.rows("field_values", ["id", "coding_id", "event_id", "field", "value", "origin", "evidence_start",
                                     "evidence_end", "coder_id", "created_at", "updated_at"]):
        vid = r.uuid(v["id"], "a field value id")
        what = f"field value {vid}"
        if v["coding_id"] not in coding_article:
            raise r.fail(f"{what} refers to a coding that is not in the package")
        if v["event_id"] is not None and event_coding.get(v["event_id"]) != v["coding_id"]:
            raise r.fail(f"{what} refers to an event that is not in its coding")
        if v["coder_id"] != coder_id:
            raise r.fail(f"{what} belongs to another coder than the package's ({coder_name})")
        name = r.text(v["field"], f"{what}: field name", 200)
        if not codebook.has_field(name):
            raise r.fail(f"{what}: field {name!r} is not in the codebook")
        if (v["event_id"] is None) != (codebook.field(name).scope == "article"):
            raise r.fail(f"{what}: field {name!r} is an {codebook.field(name).scope}-level field")
        article_id = coding_article[v["coding_id"]]
        key = value_key(article_id, v["event_id"], name)
        if key in keys:
            raise r.fail(f"{what}: the field {name!r} has two values in one place")
        keys.add(key)
        value = r.json(v["value"], f"{what}: value", dict)
        if value is None or any(not isinstance(k, str) for k in value):
            raise r.fail(f"{what}: the value is not a JSON object")
        origin = v["origin"]
        if origin not in ORIGINS:
            raise r.fail(f"{what}: unknown origin {_show(origin)}")
        text_len = main_articles[article_id][1]
        es = r.integer(v["evidence_start"], f"{what}: evidence start", 0, text_len, null=True)
        ee = r.integer(v["evidence_end"], f"{what}: evidence end", 0, text_len, null=True)
        if (es is None) != (ee is None) or (es is not None and es > ee):
            raise r.fail(f"{what}: the evidence offsets are inconsistent")
        values.append({"id": vid, "coding_id": v["coding_id"], "event_id": v["event_id"], "field": name,
                       "article_id": article_id, "key": key, "value": value, "origin": origin,
                       "evidence_start": es, "evidence_end": ee,
                       "created_at": r.ts(v["created_at"], f"{what}: created_at"),
                       "updated_at": r.ts(v["updated_at"], f"{what}: updated_at")})

    patterns = []
    for p in r.rows("learned_patterns", ["id", "field", "text", "value", "extra", "coder", "article_id", "active",
                                         "created_at"]):
        pid = r.uuid(p["id"], "a learned pattern id")
        what = f"learned pattern {pid}"
        fname = r.text(p["field"], f"{what}: field", 200)
        if not codebook.has_field(fname):
            raise r.fail(f"{what}: field {fname!r} is not in the codebook")
        patterns.append({"id": pid, "field": fname, "text": r.text(p["text"], f"{what}: text"),
                         "value": r.text(p["value"], f"{what}: value"),
                         "extra": r.json(p["extra"], f"{what}: extra", dict),
                         "coder": r.text(p["coder"], f"{what}: coder", null=True),
                         "article_id": r.text(p["article_id"], f"{what}: article", 36, null=True),
                         "active": r.flag(p["active"], f"{what}: active"),
                         "created_at": r.ts(p["created_at"], f"{what}: created_at")})

    audit = []
    for a in r.rows("audit_log", ["id", "ts", "coder", "action", "entity", "entity_id", "article_id", "field",
                                  "old", "new"]):
        aid = r.uuid(a["id"], "an audit entry id")
        what = f"audit entry {aid}"
        audit.append({"id": aid, "ts": r.ts(a["ts"], f"{what}: time"),
                      "coder": r.text(a["coder"], f"{what}: coder", null=True),
                      "action": r.text(a["action"], f"{what}: action", 64),
                      "entity": r.text(a["entity"], f"{what}: entity", 64, null=True),
                      "entity_id": r.text(a["entity_id"], f"{what}: entity id", 36, null=True),
                      "article_id": r.text(a["article_id"], f"{what}: article", 36, null=True),
                      "field": r.text(a["field"], f"{what}: field", 200, null=True),
                      "old": r.json(a["old"], f"{what}: old value"), "new": r.json(a["new"], f"{what}: new value")})

    info = {"package_id": package_id, "coder": coder_name, "coder_id": coder_id, "created_at": info.get("created_at"),
            "base": base}
    return PackageData(path, info, coder_id, coder_name, codings, events, values, patterns, audit)


# --------------------------------------------------------------------------- the merge itself
@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    kept: int = 0  # the project's newer version kept (changed only in the project)

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Conflict:
    kind: str  # coding | event | value
    article: str  # file name or id
    article_id: str
    field: str | None
    event_id: str | None
    project: Any
    package: Any
    reason: str

    def describe(self) -> str:
        where = self.article + (f", event {self.event_id[:8]}" if self.event_id else "")
        what = {"coding": "coding status", "event": "event"}.get(self.kind, f"field {self.field}")
        return (f"{where}, {what}: project {_brief(self.project)} vs package {_brief(self.package)} "
                f"({self.reason}); kept the project's")


def _brief(state: Any) -> str:
    if state is None:
        return "(none)"
    if isinstance(state, list) and state:
        state = state[0]
    s = json.dumps(state, ensure_ascii=False, sort_keys=True)
    return s if len(s) <= 80 else s[:77] + "..."


@dataclass
class MergeReport:
    file: str
    coder: str
    package_id: str
    codings: Counts = field(default_factory=Counts)
    events: Counts = field(default_factory=Counts)
    values: Counts = field(default_factory=Counts)
    conflicts: list[Conflict] = field(default_factory=list)
    audit_added: int = 0
    audit_skipped: int = 0  # entries of other coders in the package (not appended)
    patterns_added: int = 0
    changed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "coder": self.coder, "package_id": self.package_id,
                "codings": self.codings.as_dict(), "events": self.events.as_dict(), "values": self.values.as_dict(),
                "conflicts": [{"kind": c.kind, "article": c.article, "field": c.field, "event_id": c.event_id,
                               "project": c.project, "package": c.package, "reason": c.reason}
                              for c in self.conflicts],
                "audit_added": self.audit_added, "audit_skipped": self.audit_skipped,
                "patterns_added": self.patterns_added, "changed": self.changed}

    def format(self) -> str:
        lines = [f"{self.file} (coder {self.coder}):"]
        lines.append(f"  {'':8}{'added':>7}{'updated':>9}{'removed':>9}{'unchanged':>11}{'kept':>6}")
        for name, c in (("codings", self.codings), ("events", self.events), ("values", self.values)):
            lines.append(f"  {name:8}{c.added:>7}{c.updated:>9}{c.removed:>9}{c.unchanged:>11}{c.kept:>6}")
        skipped = f" ({self.audit_skipped} of other coders skipped)" if self.audit_skipped else ""
        lines.append(f"  audit entries appended: {self.audit_added}{skipped}; "
                     f"learned patterns added: {self.patterns_added}")
        lines.append(f"  conflicts: {len(self.conflicts)}")
        lines.extend(f"    CONFLICT {c.describe()}" for c in self.conflicts)
        if not self.changed:
            lines.append("  nothing to do: the project already has this work")
        return "\n".join(lines)


def _decide(main: Any, pkg: Any, base: Any, main_ts: str | None, pkg_ts: str | None) -> tuple[str, str]:
    """unchanged | kept | apply | conflict, with the reason."""
    if main == pkg:
        return "unchanged", ""
    if pkg == base:
        return "kept", "changed only in the project"
    if main != base:
        return "conflict", "changed in the project and in the package since the package was made"
    if main_ts and pkg_ts and pkg_ts < main_ts:
        return "conflict", "the package's edit is older than the project's"
    return "apply", ""


class _DryRun(Exception):
    pass


def merge_package(project: Project, path: str | Path, *, dry_run: bool = False,
                  progress: Callable[[float, str], None] | None = None,
                  _fail_after: Callable[[], None] | None = None) -> MergeReport:
    """Merge one package file into ``project`` (one transaction). Raises MergeError if the file is refused.

    With ``dry_run`` the report is computed and the transaction rolled back. ``progress(fraction, stage)``
    is called as the work goes on (a large package takes a while).
    """
    try:
        return _merge(project, path, dry_run, _fail_after, progress or (lambda _f, _s: None))
    except _DryRun as done:
        return done.args[0]


def _merge(project: Project, path: str | Path, dry_run: bool, _fail_after, progress) -> MergeReport:
    progress(0.0, "reading and checking the file")
    data = read_package(project, path)
    progress(0.3, "comparing codings and events")
    info = data.info
    rep = MergeReport(str(path), data.coder_name, info["package_id"])
    base = info["base"]
    merged_key = MERGED_KEY_PREFIX + info["package_id"]
    with project.session() as s:
        meta_row = s.get(Meta, merged_key)
        seen = json.loads(meta_row.value) if meta_row else {"codings": {}, "events": {}, "values": {}}
        new_seen: dict[str, dict[str, Any]] = {"codings": {}, "events": {}, "values": {}}

        def base_of(kind: str, key: str) -> Any:
            return seen[kind][key] if key in seen[kind] else base[kind].get(key)

        names = dict(s.execute(select(Article.id, Article.file_name)).all())
        coder_id = data.coder_id
        main_codings = {c.article_id: c for c in s.scalars(select(Coding).where(Coding.coder_id == coder_id))}
        touched: set[str] = set()  # main coding ids changed by this merge
        latest: dict[str, str] = {}  # main coding id -> latest package timestamp applied

        def conflict(kind, article_id, fieldname, event_id, main_state, pkg_state, reason, entity, entity_id):
            c = Conflict(kind, names.get(article_id) or article_id, article_id, fieldname, event_id, main_state,
                         pkg_state, reason)
            rep.conflicts.append(c)
            s.add(AuditEntry(coder=data.coder_name, action="merge_conflict", entity=entity, entity_id=entity_id,
                             article_id=article_id, field=fieldname, old=main_state,
                             new={"package": pkg_state, "file": Path(path).name, "reason": reason}))

        # codings -------------------------------------------------------------
        coding_map: dict[str, str] = {}
        for c in data.codings:
            a = c["article_id"]
            pstate = coding_state(c["status"], c["flagged"], c["notes"], c["extra"])
            new_seen["codings"][a] = pstate
            m = main_codings.get(a)
            if m is None:
                if s.get(Coding, c["id"]) is not None:
                    raise MergeError(f"{path}: refused: coding {c['id']} clashes with another coding of the project; "
                                     "the project was not changed")
                m = Coding(id=c["id"], article_id=a, coder_id=coder_id, status=c["status"], flagged=c["flagged"],
                           notes=c["notes"], extra=c["extra"], created_at=c["created_at"], updated_at=c["updated_at"])
                s.add(m)
                main_codings[a] = m
                rep.codings.added += 1
                coding_map[c["id"]] = m.id
                continue
            coding_map[c["id"]] = m.id
            mstate = coding_state(m.status, m.flagged, m.notes, m.extra)
            # a coding's updated_at moves with every edit in it, so it says nothing about the status: no time guard
            # a coding that did not exist counts as an open one with nothing set
            b = base_of("codings", a) or coding_state("new", False, None, None)
            action, why = _decide(mstate, pstate, b, None, None)
            if action == "apply":
                m.status, m.flagged, m.notes, m.extra = c["status"], c["flagged"], c["notes"], c["extra"]
                touched.add(m.id)
                rep.codings.updated += 1
            elif action == "conflict":
                conflict("coding", a, None, None, mstate, pstate, why, "codings", m.id)
            else:
                setattr(rep.codings, action, getattr(rep.codings, action) + 1)
            latest[m.id] = max(latest.get(m.id, ""), c["updated_at"])
        s.flush()

        # events --------------------------------------------------------------
        main_events = {e.id: e for e in s.scalars(select(Event).where(Event.id.in_([e["id"] for e in data.events])))}
        for e in data.events:
            target = coding_map[e["coding_id"]]
            pstate = event_state(e["position"], e["proposed"], e["deleted"], e["extra"])
            new_seen["events"][e["id"]] = pstate
            m = main_events.get(e["id"])
            if m is None:
                s.add(Event(id=e["id"], coding_id=target, position=e["position"], coder_id=coder_id,
                            proposed=e["proposed"], deleted=e["deleted"], extra=e["extra"],
                            created_at=e["created_at"], updated_at=e["updated_at"]))
                touched.add(target)
                rep.events.added += 1
            else:
                if m.coding_id != target or m.coder_id != coder_id:
                    raise MergeError(f"{path}: refused: event {e['id']} belongs to another coding in the project; "
                                     "the project was not changed")
                mstate = event_state(m.position, m.proposed, m.deleted, m.extra)
                b = base_of("events", e["id"])
                # the position alone never makes a conflict: taken when only the package moved the event
                core = _decide(mstate[1:], pstate[1:], b[1:] if b else None, None, None)[0]
                pos = _decide(mstate[:1], pstate[:1], b[:1] if b else None, None, None)[0]
                if core == "conflict":
                    conflict("event", e["article_id"], None, e["id"], mstate, pstate,
                             "changed in the project and in the package since the package was made",
                             "events", e["id"])
                elif core == "apply" or pos == "apply":
                    if core == "apply":
                        m.proposed, m.deleted, m.extra = e["proposed"], e["deleted"], e["extra"]
                        m.updated_at = max(m.updated_at, e["updated_at"])
                    if pos == "apply":
                        m.position = e["position"]
                    touched.add(target)
                    rep.events.updated += 1
                elif core == "kept" or pos == "kept":
                    rep.events.kept += 1
                else:
                    rep.events.unchanged += 1
            latest[target] = max(latest.get(target, ""), e["updated_at"])
        s.flush()

        # field values --------------------------------------------------------
        main_values: dict[str, FieldValue] = {}
        article_of = {c.id: a for a, c in main_codings.items()}
        ids = list(coding_map.values())
        for fv in s.scalars(select(FieldValue).where(FieldValue.coding_id.in_(ids))) if ids else []:
            main_values[value_key(article_of[fv.coding_id], fv.event_id, fv.field)] = fv
        pkg_values = {v["key"]: v for v in data.values}
        in_package = {c["article_id"] for c in data.codings}
        all_keys = set(pkg_values) | {k for k in set(base["values"]) | set(seen["values"])
                                      if k.split("|", 1)[0] in in_package and k.count("|") >= 2}
        progress(0.45, "comparing values")
        n_keys = len(all_keys)
        for i, key in enumerate(sorted(all_keys)):
            if i % 5000 == 4999:
                progress(0.45 + 0.5 * i / n_keys, "comparing values")
            v = pkg_values.get(key)
            m = main_values.get(key)
            pstate = value_state(v["value"], v["origin"], v["evidence_start"], v["evidence_end"]) if v else None
            mstate = value_state(m.value, m.origin, m.evidence_start, m.evidence_end) if m else None
            new_seen["values"][key] = pstate
            article_id, event_id, fname = key.split("|", 2)
            event_id = event_id or None
            action, why = _decide(mstate, pstate, base_of("values", key), m.updated_at if m else None,
                                  v["updated_at"] if v else None)
            if action == "apply":
                if v is None:
                    target = m.coding_id
                    s.delete(m)
                    rep.values.removed += 1
                elif m is None:
                    target = coding_map[v["coding_id"]]
                    vid = v["id"] if s.get(FieldValue, v["id"]) is None else new_id()
                    s.add(FieldValue(id=vid, coding_id=target, event_id=event_id, field=fname, value=v["value"],
                                     origin=v["origin"], evidence_start=v["evidence_start"],
                                     evidence_end=v["evidence_end"], coder_id=coder_id,
                                     created_at=v["created_at"], updated_at=v["updated_at"]))
                    rep.values.added += 1
                else:
                    target = m.coding_id
                    m.value, m.origin = v["value"], v["origin"]
                    m.evidence_start, m.evidence_end = v["evidence_start"], v["evidence_end"]
                    m.updated_at = v["updated_at"]
                    rep.values.updated += 1
                touched.add(target)
                if v:
                    latest[target] = max(latest.get(target, ""), v["updated_at"])
            elif action == "conflict":
                conflict("value", article_id, fname, event_id, mstate, pstate, why, "field_values",
                         m.id if m else (v["id"] if v else None))
            elif v is not None or m is not None:
                setattr(rep.values, action, getattr(rep.values, action) + 1)
        s.flush()

        progress(0.95, "saving")
        # codings whose content changed: timestamp, and event positions kept contiguous
        for cid in touched:
            c = s.get(Coding, cid)
            if c.status == "new":
                c.status = "in_progress"
            if latest.get(cid) and latest[cid] > c.updated_at:
                c.updated_at = latest[cid]
            live = sorted(s.scalars(select(Event).where(Event.coding_id == cid, Event.deleted.is_(False))),
                          key=lambda e: (e.position, e.created_at, e.id))
            for i, e in enumerate(live):
                if e.position != i:
                    e.position = i

        # learned patterns and the package's audit log ------------------------
        have = set(s.execute(select(LearnedPattern.field, LearnedPattern.text)).all())
        have_ids = set(s.scalars(select(LearnedPattern.id)))
        for p in data.patterns:
            if (p["field"], p["text"]) in have or p["id"] in have_ids:
                continue
            s.add(LearnedPattern(**p))
            have.add((p["field"], p["text"]))
            rep.patterns_added += 1
        audit_ids = [a["id"] for a in data.audit]
        known = set()
        for i in range(0, len(audit_ids), 500):
            known.update(s.scalars(select(AuditEntry.id).where(AuditEntry.id.in_(audit_ids[i:i + 500]))))
        for a in sorted(data.audit, key=lambda a: (a["ts"], a["id"])):
            if a["id"] in known:
                continue
            if a["coder"] != data.coder_name:  # a package speaks only for its coder
                rep.audit_skipped += 1
                continue
            s.add(AuditEntry(**a))
            known.add(a["id"])
            rep.audit_added += 1

        counts = (rep.codings, rep.events, rep.values)
        content_changed = bool(rep.conflicts or rep.audit_added or rep.patterns_added
                               or any(c.added or c.updated or c.removed for c in counts))
        rep.changed = content_changed
        # what this package held, so that merging it again changes nothing (not needed while it holds the base)
        record = json.dumps(new_seen, sort_keys=True)
        news = any(state != base_of(kind, key) for kind, states in new_seen.items() for key, state in states.items())
        if meta_row is None and news:
            s.add(Meta(key=merged_key, value=record))
            rep.changed = True
        elif meta_row is not None and meta_row.value != record:
            meta_row.value = record
            rep.changed = True
        if content_changed:
            s.add(AuditEntry(coder=data.coder_name, action="merge", entity="project",
                             new={"file": Path(path).name, "package_id": info["package_id"],
                                  **{k: v for k, v in rep.as_dict().items() if k in ("codings", "events", "values")},
                                  "conflicts": len(rep.conflicts), "audit_added": rep.audit_added,
                                  "patterns_added": rep.patterns_added}))
        if _fail_after is not None:  # tests: a failure at the very end must leave the project unchanged
            s.flush()
            _fail_after()
        if dry_run:
            raise _DryRun(rep)  # rolls the session back
    return rep


def merge_files(project: Project, paths: Iterable[str | Path], dry_run: bool = False) -> list[MergeReport | MergeError]:
    """Merge several packages, each in its own transaction; a refused file does not stop the others."""
    out: list[MergeReport | MergeError] = []
    for p in paths:
        try:
            out.append(merge_package(project, p, dry_run=dry_run))
        except MergeError as exc:
            out.append(exc)
    return out

"""Importing articles into a project.

``import_paths(project, paths)`` takes files and folders and returns one
report line per article (or per rejected file):
``{"file", "status": "imported"|"duplicate"|"near_duplicate"|"rejected", "article_id", "duplicate_of", "reason"}``.
A rejected file never stops the others; everything accepted is written in one
transaction.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import func, select
from sqlalchemy import text as sql_text

from annotator.db.models import Article, AuditEntry, ImportBatch, new_id
from annotator.db.project import Project
from annotator.importer.dedup import NearDuplicateIndex, content_hash, sketch
from annotator.importer.formats import SUFFIXES, Columns, Record, read_records
from annotator.importer.text import RejectedFile, read_text_file  # noqa: F401 - re-exported
from annotator.importer.webpage import detect_body

Progress = Callable[[int, int, str], None]


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not any(
                part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return out


def _display_name(article: Article) -> str:
    return article.file_name or article.id


def import_paths(project: Project, paths: Iterable[str | Path], columns: Columns | None = None,
                 progress: Progress | None = None, coder: str | None = None) -> list[dict]:
    files = expand_paths(paths)
    report: list[dict] = []
    with project.session() as s:
        # rows go out in batches and a saved page may point to an article later in the same batch
        s.execute(sql_text("PRAGMA defer_foreign_keys=ON"))
        batch = ImportBatch(source=", ".join(map(str, paths))[:2000], coder=coder)
        s.add(batch)
        s.flush()
        known: dict[str, str] = dict(s.execute(select(Article.content_hash, Article.id)).all())
        names: dict[str, str] = {}
        index = NearDuplicateIndex()
        sizes: dict[str, int] = {}
        for aid, name, text in s.execute(select(Article.id, Article.file_name, Article.text)):
            names[aid] = name or aid
            sk = sketch(text)
            sizes[aid] = len(text)
            index.add(aid, sk)
        position = (s.scalar(select(func.max(Article.position))) or 0) + 1
        new_articles: dict[str, Article] = {}
        for n, path in enumerate(files):
            if progress:
                progress(n, len(files), str(path))
            if not path.exists():
                report.append({"file": str(path), "status": "rejected", "article_id": None, "duplicate_of": None,
                               "reason": "no such file or folder"})
                continue
            try:
                records = list(read_records(path, columns))
            except RejectedFile as exc:
                report.append({"file": str(path), "status": "rejected", "article_id": None, "duplicate_of": None,
                               "reason": str(exc)})
                continue
            except Exception as exc:  # noqa: BLE001 - one bad file must never stop the import
                report.append({"file": str(path), "status": "rejected", "article_id": None, "duplicate_of": None,
                               "reason": f"could not be read ({exc.__class__.__name__}: {exc})"})
                continue
            multi = len(records) > 1 or path.suffix.lower() in (".csv", ".tsv", ".xlsx", ".xlsm", ".jsonl", ".ndjson")
            if multi and not records:
                report.append({"file": str(path), "status": "rejected", "article_id": None, "duplicate_of": None,
                               "reason": "no rows with text"})
            for rec in records:
                label = str(path.parent / rec.name) if multi else str(path)
                report.append(_import_record(s, rec, label, path, batch.id, known, names, index, sizes,
                                             new_articles, position))
                if report[-1]["status"] in ("imported", "near_duplicate"):
                    position += 1
        if progress:
            progress(len(files), len(files), "")
        batch.report = report
        s.add(AuditEntry(coder=coder, action="import", entity="import_batches", entity_id=batch.id,
                         new={"imported": sum(r["status"] in ("imported", "near_duplicate") for r in report),
                              "rejected": sum(r["status"] == "rejected" for r in report)}))
    return [{k: r.get(k) for k in REPORT_KEYS} for r in report]


REPORT_KEYS = ("file", "status", "article_id", "duplicate_of", "reason")


def _import_record(s, rec: Record, label: str, path: Path, batch_id: str, known: dict[str, str],
                   names: dict[str, str], index: NearDuplicateIndex, sizes: dict[str, int],
                   new_articles: dict[str, Article], position: int) -> dict:
    base = {"file": label, "article_id": None, "duplicate_of": None, "reason": None}
    if rec.extra.get("_reject"):
        return {**base, "status": "rejected", "reason": rec.extra["_reject"]}
    if not rec.text.strip():
        return {**base, "status": "rejected", "reason": "no text"}
    h = content_hash(rec.text)
    if h in known:
        return {**base, "status": "duplicate", "article_id": known[h], "duplicate_of": names.get(known[h]),
                "reason": "the same text is already in the project"}
    body = detect_body(rec.text) if path.suffix.lower() in (".txt", ".text", ".md", ".markdown") else None
    title = rec.title
    if body is not None:
        first = rec.text[body[0]:body[1]].strip().split("\n", 1)[0].strip()
        title = first[:300] or title
    article = Article(id=new_id(), file_name=rec.name, source_path=str(path.resolve()), title=title, outlet=rec.outlet,
                      url=rec.url, published=rec.published, text=rec.text, content_hash=h, batch_id=batch_id,
                      body_start=body[0] if body else None, body_end=body[1] if body else None,
                      position=position, extra=rec.extra or None)
    s.add(article)  # no flush per article: ids are made here, rows go out in one batch
    known[h] = article.id
    names[article.id] = rec.name
    sizes[article.id] = len(rec.text)
    new_articles[article.id] = article
    sk = sketch(rec.text)
    match = index.best_match(sk)
    index.add(article.id, sk)
    if match is None:
        return {**base, "status": "imported", "article_id": article.id}
    other_id, containment, _ = match
    article.similarity = round(containment, 3)
    # a saved page that contains a shorter article points to the article; otherwise the newcomer points back
    if sizes[other_id] < 0.6 * len(rec.text):
        article.near_duplicate_of = other_id
        return {**base, "status": "near_duplicate", "article_id": article.id, "duplicate_of": names[other_id],
                "reason": f"contains {names[other_id]} ({containment:.0%} of its wording)"}
    if len(rec.text) < 0.6 * sizes[other_id]:
        other = new_articles.get(other_id) or s.get(Article, other_id)
        if other is not None and other.near_duplicate_of is None:
            other.near_duplicate_of = article.id
            other.similarity = round(containment, 3)
            return {**base, "status": "near_duplicate", "article_id": article.id, "duplicate_of": names[other_id],
                    "reason": f"contained in {names[other_id]}, which is now linked to it"}
    article.near_duplicate_of = other_id
    return {**base, "status": "near_duplicate", "article_id": article.id, "duplicate_of": names[other_id],
            "reason": f"the same story as {names[other_id]} ({containment:.0%} shared wording)"}


__all__ = ["import_paths", "expand_paths", "read_text_file", "RejectedFile", "Columns", "SUFFIXES"]

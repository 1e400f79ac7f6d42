"""The analysis workbook: Events, Articles, Agreement, Codebook, Coders, About."""
from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from annotator import __version__
from annotator.codebook import Codebook
from annotator.db.project import Project
from annotator.export import source as S
from annotator.export.columns import ARTICLE_COLUMNS, EventLayout, FieldColumns, dedupe, full_date, utc_datetime
from annotator.export.xlsx import Column, SheetWriter, StreamingWorkbook

EXCEL_MAX_ROWS = 1_048_576  # per sheet, the header included
PARALLEL = True  # write part of a large Events sheet in a helper process (two CPUs)
PARALLEL_MIN_EVENTS = 20_000  # below this a second process costs more than it saves
PARENT_SHARE = 0.45  # of the Events rows; this process also writes the other sheets and saves
# The agreement statistics cost about this many Events rows per event of a double-coded article (measured with
# benchmarks/bench_export.py); this process computes them, so it leaves that many more rows to the helper.
AGREEMENT_ROWS_PER_EVENT = 0.7
MIN_PARENT_SHARE = 0.1
Progress = Callable[[int, int], None]  # (done, total); raise ExportCancelled inside to stop


class ExportCancelled(Exception):
    """Raised by a progress callback to stop an export; nothing is written."""


def article_cells(article_id: str, rec: S.EventRecord | S.ArticleRecord) -> list[Any]:
    """The fixed article columns (ARTICLE_COLUMNS)."""
    return [article_id, rec.file, rec.title, rec.outlet, rec.url, full_date(rec.published), rec.published]


def write_events(sheet_append: Callable[[list[Any]], None], project: Project, layout: EventLayout,
                 coders: list[S.CoderInfo], tick: Callable[[int], None], offset: int = 0,
                 limit: int | None = None) -> int:
    """Stream the Events table (or the slice ``offset``/``limit``) to ``sheet_append``; returns the rows."""
    n = 0
    last_id, cells = None, []
    for batch in S.iter_events(project, coders, offset=offset, limit=limit):
        for ev in batch:
            if ev.article_id != last_id:  # an article's events come together
                last_id, cells = ev.article_id, article_cells(ev.article_id, ev)
            sheet_append(layout.row(cells, ev.coder, ev.position, ev.values, utc_datetime(ev.coded_at)))
        n += len(batch)
        tick(len(batch))
    return n


class EventsSheetJob:
    """The Events rows. A large table is split: a helper process writes the second half while this
    process writes the first half and then the other sheets; ``finish`` appends the helper's rows."""

    def __init__(self, sheet: SheetWriter, project: Project, layout: EventLayout, coders: list[S.CoderInfo],
                 n_events: int, tick: Callable[[int], None], parent_share: float = PARENT_SHARE):
        self.sheet, self.project, self.layout, self.coders, self.tick = sheet, project, layout, coders, tick
        self.job = None
        self.rows = 0
        self.helper_peak_mb: float | None = None
        if n_events >= PARALLEL_MIN_EVENTS and (os.cpu_count() or 1) >= 2 and PARALLEL:
            from annotator.export import parallel

            half = int(n_events * parent_share)
            self.job = parallel.start_events_half(project.path, coders, half, sheet.row_count + half + 1,
                                                  sheet.book.styles, sheet.encoder.letters)
            try:
                self.rows = write_events(sheet.append, project, layout, coders, tick, offset=0, limit=half)
            except BaseException:
                self.abort()
                raise
        else:
            self.rows = write_events(sheet.append, project, layout, coders, tick)

    def finish(self) -> int:
        """Wait for the helper, append its rows (or write them here if it failed); returns all rows."""
        if self.job is None:
            return self.rows
        from annotator.export import parallel

        try:
            rows_file, n_rest, stats = self.job.result()
        except parallel.HelperFailed:
            self.job = None
            self.rows += write_events(self.sheet.append, self.project, self.layout, self.coders, self.tick,
                                      offset=self.rows)
            return self.rows
        self.helper_peak_mb = self.job.peak_mb
        try:
            self.sheet.append_rows_file(rows_file, n_rest, stats)
        finally:
            self.abort()  # removes the helper's file
        self.tick(n_rest)
        self.rows += n_rest
        return self.rows

    def abort(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None


class ArticleLayout:
    """One row per article; per coder in the export: status, events, the article-level fields, notes."""

    def __init__(self, codebook: Codebook, coders: list[S.CoderInfo]):
        self.coders = [c.name for c in coders]
        self.fields = {c: [FieldColumns(f, origin=False, prefix=f"{c}: ") for f in codebook.article_fields]
                       for c in self.coders}
        cols = [*ARTICLE_COLUMNS, Column("relevance_score", "number"), Column("near_duplicate_of"),
                Column("similarity", "number")]
        for c in self.coders:
            cols += [Column(f"{c}: status"), Column(f"{c}: flagged", "bool"), Column(f"{c}: events", "number")]
            cols += [col for fc in self.fields[c] for col in fc.columns]
            cols += [Column(f"{c}: coding_notes"), Column(f"{c}: coded_at_utc", "datetime")]
        self.columns = dedupe(cols)

    def row(self, a: S.ArticleRecord) -> list[Any]:
        out = [*article_cells(a.id, a), a.relevance, a.near_duplicate_of, a.similarity]
        for c in self.coders:
            cod = a.codings.get(c)
            if cod is None:
                out += [None, None, None]
                out += [None for fc in self.fields[c] for _ in fc.columns]
                out += [None, None]
                continue
            out += [cod.status, cod.flagged, cod.n_events]
            for fc in self.fields[c]:
                vo = cod.values.get(fc.field.name)
                out += fc.row(vo[0], vo[1]) if vo else fc.blank
            out += [cod.notes or None, utc_datetime(cod.updated_at)]
        return out


AGREEMENT_KEYS = ("level", "krippendorff_alpha", "alpha_ci95", "percent_agreement", "n_units", "n_values")


def agreement_table(project: Project) -> tuple[list[str], list[list[Any]], str | None]:
    """(header, rows, message): the per-field agreement table, or a message saying why there is none."""
    if S.double_coded_articles(project) == 0:
        return [], [], ("No article is coded by two or more coders (finished codings: done, not relevant or "
                        "flagged), so there is no agreement to report.")
    try:
        from annotator.agreement.project import prepare, project_agreement
    except ImportError:
        return [], [], "Agreement statistics are not available in this version of annotator."
    try:
        # only the double-coded articles' compared values: no texts, notes or evidence for the statistics
        from annotator.agreement.stats import single_blas_thread

        with single_blas_thread():  # the helper process writing Events rows needs the other CPU
            result = project_agreement(project, data=prepare(project, compared_only=True))
    except Exception as exc:  # an export must not fail because of a statistic
        return [], [], f"Agreement could not be computed: {exc}"
    entries: list[tuple[str, str, dict]] = []
    for name, d in (result.get("fields") or {}).items():
        entries.append(("field", name, d))
    for key in ("relevant", "event_present", "event_count"):
        if isinstance(result.get(key), dict):
            entries.append(("article", key, result[key]))
    extra: list[str] = []
    for _, _, d in entries:
        for k, v in d.items():
            if k not in AGREEMENT_KEYS and k not in extra and k not in ("field", "notes") and not isinstance(v, dict):
                extra.append(k)
    extra.append("notes")
    header = ["measure", "kind", "level", "krippendorff_alpha", "alpha_ci95_low", "alpha_ci95_high",
              "percent_agreement", "n_units", "n_values", *extra]
    rows = []
    for kind, name, d in entries:
        ci = d.get("alpha_ci95") or [None, None]
        row = [name, kind, d.get("level"), d.get("krippendorff_alpha"), ci[0] if len(ci) > 0 else None,
               ci[1] if len(ci) > 1 else None, d.get("percent_agreement"), d.get("n_units"), d.get("n_values")]
        for k in extra:
            v = d.get(k)
            row.append("; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
        rows.append(row)
    if not rows:
        return [], [], "The agreement report has no fields."
    for k, v in result.items():  # how the table was made: coders, alignment, ...
        if not isinstance(v, dict):
            rows.append(["", k, "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v])
    return header, rows, None


def write_codebook(book: StreamingWorkbook, codebook: Codebook, layout: EventLayout, articles: ArticleLayout) -> None:
    event_cols: dict[str, list[str]] = {fc.field.name: [c.name for c in fc.columns] for fc in layout.fields}
    sheet = book.sheet("Codebook", [Column("field"), Column("label"), Column("scope"), Column("type"),
                                    Column("level"), Column("required", "bool"), Column("definition", width=60),
                                    Column("vocabulary", width=40), Column("aliases", width=60),
                                    Column("other_values_allowed", "bool"), Column("export_columns", width=40)])
    for f in codebook.fields:
        cols = event_cols.get(f.name) or [f.name]
        aliases = " | ".join(f"{e.value}: {', '.join(e.aliases)}" for e in f.vocabulary if e.aliases)
        sheet.append([f.name, f.label, f.scope, f.type, f.level, f.required, f.definition,
                      "; ".join(f.choices) or None, aliases or None,
                      f.allow_other if f.type == "category" else None, ", ".join(cols)])
    sheet.end_table()
    vocab = [(f.name, e) for f in codebook.fields for e in f.vocabulary]
    if vocab:
        sheet.append([])
        sheet.append(["Vocabulary"], style=book.styles.title)
        sheet.append(["field", "value", "aliases", "description"], style=book.styles.header)
        for name, e in vocab:
            sheet.append([name, e.value, "; ".join(e.aliases) or None, e.description or None])
    rules = codebook.raw.get("count_rules") or []
    if rules:
        sheet.append([])
        sheet.append(["Count rules"], style=book.styles.title)
        sheet.append(["words", "min", "max", "flag"], style=book.styles.header)
        for r in rules:
            sheet.append([_cell(r.get("words")), _cell(r.get("min")), _cell(r.get("max")), _cell(r.get("flag"))])
    sheet.close()


def _cell(v: Any) -> Any:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return v


def write_workbook(project: Project, path: str | Path, scope: S.ExportScope = S.ExportScope(),
                   progress: Progress | None = None, agreement: bool = True) -> dict[str, Any]:
    """Write the analysis workbook to ``path``; returns the row counts, cleaning report and timings.

    ``agreement=False`` skips the agreement statistics (their bootstrap is the
    slowest part of a large export); the Agreement sheet then says so.
    """
    started = time.monotonic()
    exported_at = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    codebook = project.codebook
    coders = S.scope_coders(project, scope)
    n_events = S.count_events(project, coders)
    n_articles = S.count_articles(project)
    if max(n_events, n_articles) >= EXCEL_MAX_ROWS:
        raise S.ExportError(f"{max(n_events, n_articles):,} rows do not fit in an Excel sheet "
                            f"({EXCEL_MAX_ROWS:,} rows with the header); export .csv or one coder at a time")
    total = n_events + n_articles + 1
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(min(done, total), total)

    tick(0)
    timings: dict[str, float] = {}
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.monotonic()
        timings[name] = round(now - clock, 2)
        clock = now

    book = StreamingWorkbook()
    events_job: EventsSheetJob | None = None
    helpers_peak: list[float] = []
    try:
        layout = EventLayout(codebook)
        events = book.sheet("Events", layout.columns)
        share = PARENT_SHARE
        if agreement and n_events:
            # this process also computes the agreement: the helper takes more of the Events rows to balance the CPUs
            share = max(MIN_PARENT_SHARE, PARENT_SHARE - AGREEMENT_ROWS_PER_EVENT * S.double_coded_events(project)
                        / (2 * n_events))
        events_job = EventsSheetJob(events, project, layout, coders, n_events, tick, share)
        lap("events")

        alayout = ArticleLayout(codebook, coders)
        arts = book.sheet("Articles", alayout.columns)
        rows_articles = 0
        for batch in S.iter_articles(project, coders):
            for a in batch:
                arts.append(alayout.row(a))
            rows_articles += len(batch)
            tick(len(batch))
        arts.close()
        lap("articles")

        if agreement:  # (in a third process it was slower: it competes with the rows for two CPUs)
            header, rows, message = agreement_table(project)
        else:
            header, rows, message = [], [], ("Agreement was not computed for this export (it was switched off); "
                                             "run `annotator agreement PROJECT` or export again with it.")
        if message:
            ag = book.sheet("Agreement", [Column("agreement", width=90)])
            ag.append([message])
        else:
            ag = book.sheet("Agreement", [Column(h, "number" if i >= 3 else "text") for i, h in enumerate(header)])
            table = [r for r in rows if r[0] != ""]
            for r in table:
                ag.append(r)
            ag.end_table()
            ag.append([])
            for r in rows[len(table):]:
                ag.append(r[1:])
        ag.close()
        lap("agreement")

        write_codebook(book, codebook, layout, alayout)

        stats = S.coder_stats(project)
        in_scope = {c.id for c in coders}
        cs = book.sheet("Coders", [Column("coder"), Column("kind"), Column("created_at_utc", "datetime"),
                                   Column("in_this_export", "bool"), Column("codings", "number"),
                                   Column("done", "number"), Column("events", "number")])
        for c in S.all_coders(project):
            st = stats.get(c.id, S.CoderStats())
            cs.append([c.name, c.kind, utc_datetime(c.created_at), c.id in in_scope, st.codings, st.done, st.events])
        cs.close()

        rows_events = events_job.finish()
        if events_job.helper_peak_mb:
            helpers_peak.append(events_job.helper_peak_mb)
        events.close()
        lap("events (helper)")

        about = book.sheet("About", [Column("item", width=28), Column("value", width=70)])
        report = {
            "project": project.name, "project_id": project.project_id, "project_file": str(project.path),
            "exported_at_utc": exported_at, "app_version": f"annotator {__version__}",
            "codebook": f"{codebook.name} {codebook.version}", "scope": scope.label,
            "coders": ", ".join(c.name for c in coders) or "none",
            "excluded": "deleted events; proposed events no coder accepted or edited",
            "events_rows": rows_events, "articles_rows": rows_articles,
            "agreement_rows": len([r for r in rows if r and r[0] != ""]), "codebook_fields": len(codebook.fields), "coders_rows": cs.data_rows,
        }
        for k, v in report.items():
            about.append([k, v])
        # cleaning happened while writing the sheets above, so it is reported last
        st = book.stats
        about.append(["formula_like_text_cells", st.formula_like])
        about.append(["cells_with_illegal_characters_removed", st.illegal_removed])
        about.append(["cells_cut_at_32767_characters", st.truncated])
        about.append(["note", "Text that starts with = + - @, a tab or a carriage return is stored as text "
                              "(never a formula). Cut cells end with a marker; the JSON export holds the full text. "
                              "Times are UTC."])
        about.close()
        lap("other sheets")
        book.save(path)
        lap("save")
    except BaseException:
        if events_job is not None:
            events_job.abort()
        book.discard()
        raise
    tick(1)
    report.update(formula_like_text_cells=st.formula_like, illegal_removed=st.illegal_removed,
                  truncated=st.truncated, seconds=round(time.monotonic() - started, 2), timings=timings,
                  helpers_peak_mb=round(sum(helpers_peak), 1))
    return report

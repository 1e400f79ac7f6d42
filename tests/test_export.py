"""The analysis export: workbook read back with openpyxl and pandas, CSV, JSON, CLI."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import zipfile
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from test_export_helpers import read_excel, FULL_EVENT, add_article, small_project

from annotator.cli.main import main as cli_main
from annotator.coding import CodingStore
from annotator.export import ExportCancelled, ExportError, ExportScope, export_project
from annotator.export.cells import EXCEL_CELL_LIMIT, utf16_len

SHEETS = ["Events", "Articles", "Agreement", "Codebook", "Coders", "About"]


@pytest.fixture
def project(tmp_path):
    p, ids = small_project(tmp_path)
    p.ids = ids
    yield p
    p.close()


@pytest.fixture
def workbook(project, tmp_path):
    out = tmp_path / "out.xlsx"
    report = export_project(project, out)
    return out, report


# ----------------------------------------------------------------- structure
def test_sheets_in_order(workbook):
    out, _ = workbook
    wb = openpyxl.load_workbook(out)  # normal mode: parses every part
    assert wb.sheetnames == SHEETS  # every vocabulary of the default codebook fits an inline list
    assert all(wb[s].sheet_state == "visible" for s in SHEETS)
    assert wb.active.title == "Events"


def test_events_one_row_per_live_event_per_coder(workbook):
    out, report = workbook
    df = read_excel(out, sheet_name="Events")
    # alice 2 events, bob 1 (one deleted, one only proposed); the reconciled coder is not a coder
    assert list(df["coder"]) == ["alice", "alice", "bob"]
    assert list(df["event"]) == [1, 2, 1]
    assert report["events_rows"] == 3


def test_event_columns_come_from_the_codebook(workbook, project):
    out, _ = workbook
    cols = list(read_excel(out, sheet_name="Events").columns)
    assert cols[:9] == ["article_id", "file", "title", "outlet", "url", "published", "published_iso", "coder", "event"]
    assert cols[-1] == "coded_at_utc"
    for f in project.codebook.event_fields:
        assert f"{f.name}_origin" in cols
    for c in ["count_text", "count_min", "count_max", "location", "location_admin1", "location_latitude",
              "location_longitude", "date", "date_iso", "date_text", "actor", "actor_text", "unit", "evidence"]:
        assert c in cols


def test_values_read_back_with_pandas(workbook, project):
    out, _ = workbook
    df = read_excel(out, sheet_name="Events")
    first = df.iloc[0]
    assert first["article_id"] == project.ids["a1"]
    assert first["file"] == "001.txt"
    assert first["title"] == "Soldiers desert in Hpapun"
    assert first["published"] == pd.Timestamp("2024-01-25")
    assert first["published_iso"] == "2024-01-25"
    assert first["actor"] == "Myanmar military" and first["actor_text"] == "junta"
    assert first["actor_origin"] == "suggested_accepted"
    assert first["receiving_side"] == "KNU/KNLA" and first["receiving_side_text"] == "KNU"
    assert first["unit"] == "LIB 402; LIB 403" and first["unit_text"] == "Battalions 402 and 403"
    assert first["unit_origin"] == "suggested_edited"
    assert first["count_text"] == "Twelve soldiers"
    assert first["count_min"] == 12 and first["count_max"] == 12
    assert first["count_origin"] == "suggested"
    assert first["rank"] == "captain; private"
    assert first["location"] == "Hpapun" and first["location_admin1"] == "Kayin State"
    assert first["location_latitude"] == pytest.approx(18.06) and first["location_longitude"] == pytest.approx(97.44)
    assert first["date"] == pd.Timestamp("2024-01-24")
    assert first["date_iso"] == "2024-01-24" and first["date_text"] == "on Wednesday"
    assert first["mode"] == "desert/defect" and first["salience"] == "main"
    assert first["notes"] == "Units are based in Dawei."
    assert first["evidence"] == "Twelve soldiers deserted on Wednesday. / They joined the KNU."
    assert isinstance(first["coded_at_utc"], pd.Timestamp)
    second = df.iloc[1]
    assert pd.isna(second["date"]) and second["date_iso"] == "2023-11"  # not a complete date: ISO text only
    assert second["count_min"] == 201 and pd.isna(second["count_max"])  # an open bound is empty
    assert pd.isna(second["location"])


def test_types_in_cells(workbook):
    out, _ = workbook
    ws = openpyxl.load_workbook(out)["Events"]
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2])}
    assert row["count_min"].data_type == "n" and row["count_min"].value == 12
    assert row["date"].is_date and row["date"].value == datetime(2024, 1, 24)
    assert row["date"].number_format == "yyyy-mm-dd"
    assert row["published"].is_date
    assert row["coded_at_utc"].is_date and row["coded_at_utc"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert row["title"].data_type == "s"
    assert row["event"].value == 1


def test_frozen_header_autofilter_widths_validation(workbook):
    out, _ = workbook
    wb = openpyxl.load_workbook(out)
    for name in SHEETS:
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert ws[1][0].font.b, name
    ev = wb["Events"]
    assert ev.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ev.max_column)}4"
    header = [c.value for c in ev[1]]
    letter = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(header)}
    assert ev.column_dimensions[letter["title"]].width >= 30
    assert ev.column_dimensions[letter["event"]].width < 12
    dvs = {str(dv.sqref).split(":")[0][:-1]: dv for dv in ev.data_validations.dataValidation}
    # one list per category field, on the key column
    assert set(dvs) == {letter["actor"], letter["receiving_side"], letter["mode"], letter["salience"]}
    assert dvs[letter["salience"]].formula1 == '"main,background"'
    assert dvs[letter["salience"]].errorStyle == "stop"  # allow_other false
    assert dvs[letter["actor"]].errorStyle == "information"  # other values allowed
    assert dvs[letter["actor"]].formula1 == '"Myanmar military,Myanmar police,Border Guard Force,militia"'
    assert str(dvs[letter["actor"]].sqref) == f"{letter['actor']}2:{letter['actor']}4"


def test_long_vocabulary_goes_to_a_hidden_lists_sheet(tmp_path):
    from annotator.codebook import default_codebook, parse_codebook
    from annotator.db.project import Project
    raw = json.loads(default_codebook().to_json())
    actor = next(f for f in raw["fields"] if f["name"] == "actor")
    actor["vocabulary"] += [{"value": f"Regional command number {i}"} for i in range(30)]
    mode = next(f for f in raw["fields"] if f["name"] == "mode")
    mode["vocabulary"].append({"value": "defect, then surrender"})  # a comma cannot go in an inline list
    p = Project.create(tmp_path / "long.annotator", codebook=parse_codebook(raw))
    aid = add_article(p, "x")
    CodingStore(p, "alice").add_event(aid, FULL_EVENT)
    out = tmp_path / "long.xlsx"
    export_project(p, out)
    p.close()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [*SHEETS, "Lists"]
    assert wb["Lists"].sheet_state == "hidden" and wb.active.title == "Events"
    ev = wb["Events"]
    header = [c.value for c in ev[1]]
    col_of = {openpyxl.utils.get_column_letter(i + 1): h for i, h in enumerate(header)}
    refs = {col_of[str(dv.sqref).split(":")[0][:-1]]: dv.formula1 for dv in ev.data_validations.dataValidation}
    for name in ("actor", "mode"):
        assert refs[name].startswith("'Lists'!$"), refs[name]
        col = refs[name].split("!$")[1].split("$")[0]
        first, last = (int(x.split("$")[-1]) for x in refs[name].split("!")[1].split(":"))
        values = [c.value for c in wb["Lists"][col][first - 1:last]]
        assert values == [e["value"] for e in next(f for f in raw["fields"] if f["name"] == name)["vocabulary"]]
    assert refs["salience"] == '"main,background"'
    for f in refs.values():
        assert len(f) <= 255


# ----------------------------------------------------------------- hostile text
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1", "-2+3", "@SUM(A1:A2)", "\tTabbed", "\r=1+1",
           "=1+1", "#N/A", "#REF!"]


def test_formula_like_text_is_text_never_a_formula(project, tmp_path):
    store = CodingStore(project, "alice")
    for i, title in enumerate(HOSTILE):
        aid = add_article(project, title, position=10 + i, file_name=f"h{i}.txt")
        store.add_event(aid, {"actor": ({"key": "Myanmar military"}, "typed", None),
                              "notes": ({"value": title}, "typed", None)})
    out = tmp_path / "hostile.xlsx"
    report = export_project(project, out)
    assert report["formula_like_text_cells"] >= 2 * 7
    ws = openpyxl.load_workbook(out)["Events"]
    header = [c.value for c in ws[1]]
    ti, ni = header.index("title"), header.index("notes")
    seen = {}
    for row in ws.iter_rows(min_row=2):
        seen[row[ti].value] = (row[ti], row[ni])
    for text in HOSTILE:
        title_cell, notes_cell = seen[text]
        for cell in (title_cell, notes_cell):
            assert cell.value == text  # the literal string, exactly
            assert cell.data_type == "s"  # never 'f' (formula) or 'e' (error)
        if text[0] in "=+-@\t\r":
            assert title_cell.quotePrefix  # editing the cell in Excel keeps it text
    # no formula element anywhere in the sheet XML
    with zipfile.ZipFile(out) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    df = read_excel(out, sheet_name="Events", keep_default_na=False)  # else pandas reads "#N/A" as missing
    assert set(HOSTILE) <= set(df["title"])


def test_illegal_xml_characters_are_removed(project, tmp_path):
    aid = add_article(project, "Bad\x00 title\x0b with\x1f controls\ufffe", position=20)
    CodingStore(project, "alice").add_event(aid, {"actor": ({"key": "Myanmar military"}, "typed", None),
                                                  "notes": ({"value": "a\x08b\x01c"}, "typed", None)})
    out = tmp_path / "illegal.xlsx"
    report = export_project(project, out)
    assert report["illegal_removed"] == 3  # title on Events and Articles, notes
    df = read_excel(out, sheet_name="Events")
    assert "Bad title with controls" in set(df["title"])
    assert "abc" in set(df["notes"])
    openpyxl.load_workbook(out)  # parses


def test_long_text_is_cut_with_a_marker_and_kept_in_json(project, tmp_path):
    long_text = ("word " * 10_000) + "END"  # 50,003 characters
    astral = "\U0001F600" * 20_000  # 40,000 UTF-16 units
    aid = add_article(project, "Long one", position=30, file_name="long.txt")
    CodingStore(project, "alice").add_event(aid, {"actor": ({"key": "Myanmar military"}, "typed", None),
                                                  "notes": ({"value": long_text}, "typed", None),
                                                  "evidence": ({"sentences": [astral]}, "typed", None)})
    out = tmp_path / "long.xlsx"
    report = export_project(project, out)
    assert report["truncated"] == 2
    df = read_excel(out, sheet_name="Events")
    row = df[df["file"] == "long.txt"].iloc[0]
    assert len(row["notes"]) <= EXCEL_CELL_LIMIT
    assert row["notes"].startswith("word word") and "cut: " in row["notes"] and "JSON export" in row["notes"]
    assert utf16_len(row["evidence"]) <= EXCEL_CELL_LIMIT and "cut: " in row["evidence"]
    assert not row["notes"].endswith("END")
    js = tmp_path / "long.json"
    export_project(project, js, ExportScope(coder="alice"))
    data = json.loads(js.read_text(encoding="utf-8"))
    ev = next(a for a in data if a["file"] == "long.txt")["events"][0]
    assert ev["notes"] == long_text and ev["evidence"] == [astral]


def test_text_reads_back_exactly(project, tmp_path):
    texts = ["  leading and trailing  ", "line one\nline two", "crlf\r\nline", "a & b < c > d",
             "Myanmar — မြန်မာ", "quote \"x\" 'y'", "_x0041_ literal"]
    store = CodingStore(project, "alice")
    for i, t in enumerate(texts):
        aid = add_article(project, t, position=40 + i)
        store.add_event(aid, {"actor": ({"key": "Myanmar military"}, "typed", None)})
    out = tmp_path / "texts.xlsx"
    export_project(project, out)
    titles = set(read_excel(out, sheet_name="Events")["title"])
    assert set(texts) <= titles


# ----------------------------------------------------------------- other sheets
def test_articles_sheet(workbook, project):
    out, _ = workbook
    df = read_excel(out, sheet_name="Articles")
    assert list(df["file"]) == ["001.txt", "002.txt", project.ids["a3"]]
    for c in ["relevance_score", "near_duplicate_of", "alice: status", "alice: events", "alice: relevant",
              "bob: status", "bob: events", "bob: coding_notes"]:
        assert c in df.columns
    assert "reconciled: status" not in df.columns
    a1 = df.iloc[0]
    assert a1["alice: status"] == "done" and a1["alice: events"] == 2 and a1["alice: relevant"] == True  # noqa: E712
    assert a1["bob: events"] == 1
    assert df.iloc[1]["bob: events"] == 0  # only a proposed event
    assert df.iloc[2]["bob: status"] == "not_relevant" and df.iloc[2]["bob: relevant"] == False  # noqa: E712
    assert pd.isna(df.iloc[2]["alice: status"])


def test_near_duplicate_link(project, tmp_path):
    dup = add_article(project, "Same story elsewhere", position=50, file_name="dup.txt",
                      near_duplicate_of=project.ids["a1"])
    out = tmp_path / "dup.xlsx"
    export_project(project, out)
    df = read_excel(out, sheet_name="Articles")
    assert df[df["article_id"] == dup].iloc[0]["near_duplicate_of"] == "001.txt"


def test_codebook_coders_about_sheets(workbook, project):
    out, _ = workbook
    cb = read_excel(out, sheet_name="Codebook")
    names = list(cb["field"])
    for f in project.codebook.fields:
        assert f.name in names
    actor = cb[cb["field"] == "actor"].iloc[0]
    assert actor["type"] == "category" and "Myanmar military" in actor["vocabulary"]
    assert "junta" in actor["aliases"] and actor["definition"] == "The force the people came from."
    cells = openpyxl.load_workbook(out)["Codebook"]
    text = [c.value for row in cells.iter_rows() for c in row if c.value is not None]
    assert "Count rules" in text and "scores of" in text and "Vocabulary" in text
    coders = read_excel(out, sheet_name="Coders")
    assert list(coders["coder"]) == ["alice", "bob", "reconciled"]
    assert list(coders["in_this_export"]) == [True, True, False]
    assert list(coders["events"]) == [2, 1, 1]
    about = dict(read_excel(out, sheet_name="About").values)
    assert about["project"] == "Test project" and about["scope"] == "all coders"
    assert about["events_rows"] == 3 and about["articles_rows"] == 3
    assert str(about["app_version"]).startswith("annotator ")
    assert isinstance(about["exported_at_utc"], datetime)


def test_agreement_sheet_without_double_coding(tmp_path):
    from annotator.db.project import Project
    p = Project.create(tmp_path / "single.annotator")
    aid = add_article(p, "Only one coder")
    CodingStore(p, "alice").add_event(aid, FULL_EVENT)
    out = tmp_path / "single.xlsx"
    export_project(p, out)
    ag = openpyxl.load_workbook(out)["Agreement"]
    assert "No article is coded by two or more coders" in ag["A2"].value
    p.close()


def test_agreement_sheet_with_double_coding(workbook):
    out, _ = workbook
    ag = read_excel(out, sheet_name="Agreement")
    if "measure" not in ag.columns:  # the agreement module is not there: the sheet says so
        assert "agreement" in ag.columns and isinstance(ag.iloc[0, 0], str)
        return
    assert "actor" in set(ag["measure"])
    assert {"level", "krippendorff_alpha", "percent_agreement", "n_units"} <= set(ag.columns)
    assert list(ag.columns)[-1] == "notes"
    actor = ag[ag["measure"] == "actor"].iloc[0]
    assert actor["kind"] == "field" and actor["level"] == "nominal" and 0 <= actor["n_units"]
    # below the table: how it was made
    ws = openpyxl.load_workbook(out)["Agreement"]
    below = {row[0].value: row[1].value for row in ws.iter_rows(min_row=2) if row[0].value in ("coders", "alignment")}
    assert below.get("coders") == "alice; bob"
    assert ws.auto_filter.ref.endswith(str(1 + int(ag["kind"].isin(["field", "article"]).sum())))


# ----------------------------------------------------------------- scopes
def test_scope_one_coder_and_reconciled(project, tmp_path):
    out = tmp_path / "bob.xlsx"
    export_project(project, out, ExportScope(coder="bob"))
    assert list(read_excel(out, sheet_name="Events")["coder"]) == ["bob"]
    arts = read_excel(out, sheet_name="Articles")
    assert "bob: status" in arts.columns and "alice: status" not in arts.columns
    out = tmp_path / "rec.xlsx"
    export_project(project, out, ExportScope(reconciled=True))
    ev = read_excel(out, sheet_name="Events")
    assert list(ev["coder"]) == ["reconciled"] and list(ev["actor_origin"]) == ["reconciled"]
    assert dict(read_excel(out, sheet_name="About").values)["scope"] == "reconciled coding"


def test_scope_errors(project, tmp_path):
    with pytest.raises(ExportError, match="no coder called 'zed'.*alice, bob"):
        export_project(project, tmp_path / "x.xlsx", ExportScope(coder="zed"))
    with pytest.raises(ExportError, match="unknown export format"):
        export_project(project, tmp_path / "x.txt")
    with pytest.raises(ExportError, match="does not exist"):
        export_project(project, tmp_path / "nowhere" / "x.xlsx")
    (tmp_path / "folder.xlsx").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        export_project(project, tmp_path / "folder.xlsx")
    assert not list(tmp_path.glob("x.*"))


def test_no_reconciled_coding(tmp_path):
    from annotator.db.project import Project
    p = Project.create(tmp_path / "norec.annotator")
    with pytest.raises(ExportError, match="no reconciled coding"):
        export_project(p, tmp_path / "x.xlsx", ExportScope(reconciled=True))
    p.close()


def test_empty_project_exports(tmp_path):
    from annotator.db.project import Project
    p = Project.create(tmp_path / "empty.annotator")
    out = tmp_path / "empty.xlsx"
    report = export_project(p, out)
    assert report["events_rows"] == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:6] == SHEETS
    assert read_excel(out, sheet_name="Events").empty
    p.close()


def test_progress_and_cancel_leave_no_file(project, tmp_path):
    calls = []
    export_project(project, tmp_path / "p.xlsx", progress=lambda d, t: calls.append((d, t)))
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))

    def cancel(done, total):
        if done > 0:
            raise ExportCancelled()
    with pytest.raises(ExportCancelled):
        export_project(project, tmp_path / "c.xlsx", progress=cancel)
    assert not (tmp_path / "c.xlsx").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".c.xlsx")] == []


def test_export_replaces_an_existing_file(workbook, project):
    out, _ = workbook
    out.write_bytes(b"old")
    export_project(project, out)
    assert zipfile.is_zipfile(out)


# ----------------------------------------------------------------- CSV and JSON
def test_csv_is_the_events_table_utf8_with_bom(project, tmp_path):
    aid = add_article(project, "=HYPERLINK(\"http://evil\")", position=60, file_name="မြန်မာ.txt")
    CodingStore(project, "alice").add_event(aid, {"actor": ({"key": "Myanmar military"}, "typed", None),
                                                  "location": ({"name": "Hpa-an", "admin1": "Kayin State"}, "typed", None)})
    xlsx, csvp = tmp_path / "e.xlsx", tmp_path / "e.csv"
    export_project(project, xlsx)
    export_project(project, csvp)
    raw = csvp.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "မြန်မာ.txt".encode() in raw
    c = pd.read_csv(csvp, encoding="utf-8-sig")
    x = read_excel(xlsx, sheet_name="Events")
    assert list(c.columns) == list(x.columns)
    assert len(c) == len(x) == 4
    assert list(c["coder"]) == list(x["coder"])
    assert list(c["count_min"].dropna()) == list(x["count_min"].dropna())
    assert list(c["date_iso"].dropna()) == list(x["date_iso"].dropna())
    # a formula-like cell is prefixed with an apostrophe so Excel does not run it from the CSV
    with open(csvp, encoding="utf-8-sig", newline="") as fh:
        titles = [r["title"] for r in csv.DictReader(fh)]
    assert "'=HYPERLINK(\"http://evil\")" in titles


def test_json_is_the_interchange_format(project, tmp_path):
    out = tmp_path / "alice.json"
    export_project(project, out, ExportScope(coder="alice"))
    data = json.loads(out.read_text(encoding="utf-8"))
    art = next(a for a in data if a["file"] == "001.txt")
    assert art["events"][0]["actor"] == "Myanmar military"
    assert art["events"][0]["count_min"] == 12 and art["events"][0]["unit_keys"] == ["LIB 402", "LIB 403"]


# ----------------------------------------------------------------- CLI
def test_cli_export_formats(project, tmp_path, capsys):
    path = str(project.path)
    project.close()
    for name in ("c.xlsx", "c.csv", "c.json"):
        assert cli_main(["export", path, str(tmp_path / name)]) == 0
        assert (tmp_path / name).exists()
    out = capsys.readouterr().out
    assert "wrote" in out and "3 events" in out
    assert cli_main(["export", path, str(tmp_path / "b.xlsx"), "--coder", "bob"]) == 0
    assert list(read_excel(tmp_path / "b.xlsx")["coder"]) == ["bob"]
    assert cli_main(["export", path, str(tmp_path / "r.csv"), "--reconciled"]) == 0
    assert cli_main(["export", path, str(tmp_path / "a.csv"), "--all-coders"]) == 0


def test_cli_errors(project, tmp_path, capsys):
    path = str(project.path)
    project.close()
    assert cli_main(["export", path, str(tmp_path / "x.txt")]) == 2
    assert "unknown format" in capsys.readouterr().err
    assert cli_main(["export", path, str(tmp_path / "x.xlsx"), "--coder", "zed"]) == 1
    err = capsys.readouterr().err
    assert "no coder called 'zed'" in err and "Traceback" not in err
    assert cli_main(["export", str(tmp_path / "missing.annotator"), str(tmp_path / "x.xlsx")]) == 1
    with pytest.raises(SystemExit) as exc:
        cli_main(["export", path, str(tmp_path / "x.xlsx"), "--coder", "a", "--reconciled"])
    assert exc.value.code == 2


# ----------------------------------------------------------------- other readers
@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")), reason="LibreOffice not installed")
def test_libreoffice_converts_the_workbook(workbook, tmp_path):
    out, _ = workbook
    exe = shutil.which("libreoffice") or shutil.which("soffice")
    res = subprocess.run([exe, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path / "lo"), str(out)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    converted = pd.read_csv(tmp_path / "lo" / "out.csv")
    assert list(converted["coder"]) == ["alice", "alice", "bob"]


def test_package_parts_are_well_formed(workbook):
    """Every XML part parses, and the worksheet dimension matches the data (readers rely on it)."""
    from xml.etree import ElementTree as ET
    out, _ = workbook
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                ET.fromstring(z.read(name))
    wb = openpyxl.load_workbook(out, read_only=True)
    ws = wb["Events"]
    assert ws.max_row == 4 and ws.max_column == len(next(ws.iter_rows(max_row=1)))
    wb.close()


def test_dates_before_1900_and_odd_values(project, tmp_path):
    aid = add_article(project, "Old", position=70, published="1850-05-01")
    CodingStore(project, "alice").add_event(aid, {
        "actor": ({"key": "Myanmar military"}, "typed", None),
        "date": ({"value": "--11-14"}, "typed", None),
        "count": ({"text": "some", "min": None, "max": None}, "typed", None),
    })
    out = tmp_path / "odd.xlsx"
    export_project(project, out)
    df = read_excel(out, sheet_name="Events")
    row = df[df["title"] == "Old"].iloc[0]
    assert pd.isna(row["published"]) and row["published_iso"] == "1850-05-01"
    assert pd.isna(row["date"]) and row["date_iso"] == "--11-14"
    assert row["count_text"] == "some" and pd.isna(row["count_min"])


def test_domain_does_not_import_qt():
    code = ("import sys; import annotator.export, annotator.export.tabular, annotator.cli.cmd_export; "
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    res = subprocess.run([__import__("sys").executable, "-c", code], capture_output=True, text=True)
    assert res.stdout.strip() == "False", res.stderr


def test_full_date_helper():
    from annotator.export.columns import full_date
    assert full_date("2024-01-24") == date(2024, 1, 24)
    assert full_date("2024-02-30") is None and full_date("2023-11") is None and full_date(None) is None


def test_parallel_halves_give_the_same_events_sheet(project, tmp_path, monkeypatch):
    """A large Events sheet is written by this and a helper process; the result is the same workbook."""
    import annotator.export.workbook as W
    store = CodingStore(project, "bob")
    for i in range(7):
        aid = add_article(project, f"=Extra {i}", position=100 + i, file_name=f"x{i}.txt")
        store.add_event(aid, FULL_EVENT)
    single, split = tmp_path / "single.xlsx", tmp_path / "split.xlsx"
    r1 = export_project(project, single)
    monkeypatch.setattr(W, "PARALLEL_MIN_EVENTS", 1)
    r2 = export_project(project, split)
    assert r1["events_rows"] == r2["events_rows"] == 10
    assert r1["formula_like_text_cells"] == r2["formula_like_text_cells"] > 0
    assert r1["helpers_peak_mb"] == 0 and r2["helpers_peak_mb"] > 0
    a = read_excel(single, sheet_name=None)
    b = read_excel(split, sheet_name=None)
    for name in ("Events", "Articles", "Agreement", "Codebook", "Coders"):
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    ws = openpyxl.load_workbook(split)["Events"]
    assert [c.row for c in ws["A"]] == list(range(1, 12))


def test_too_many_rows_for_excel(project, tmp_path, monkeypatch):
    import annotator.export.workbook as W
    monkeypatch.setattr(W, "EXCEL_MAX_ROWS", 3)
    with pytest.raises(ExportError, match="do not fit in an Excel sheet.*csv"):
        export_project(project, tmp_path / "big.xlsx")
    assert not (tmp_path / "big.xlsx").exists()
    export_project(project, tmp_path / "big.csv")  # CSV has no row limit


def test_a_second_reader_gets_the_same_values(workbook, project, tmp_path):
    """calamine (Rust, independent of openpyxl) reads every sheet to the same frames."""
    pytest.importorskip("python_calamine")
    store = CodingStore(project, "alice")
    aid = add_article(project, '=HYPERLINK("http://evil.example","x")', position=90, file_name="evil.txt")
    store.add_event(aid, {"actor": ({"key": "Myanmar military"}, "typed", None),
                          "notes": ({"value": "tab\tand\r\nnewlines & <tags>"}, "typed", None)})
    out = tmp_path / "two-readers.xlsx"
    export_project(project, out)
    a = read_excel(out, sheet_name=None)
    b = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert list(a) == list(b) == SHEETS
    for name in SHEETS:
        pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False, obj=name)
    assert '=HYPERLINK("http://evil.example","x")' in set(b["Events"]["title"])


def test_a_failed_helper_is_replaced_by_this_process(project, tmp_path, monkeypatch):
    import annotator.export.parallel as P
    import annotator.export.workbook as W
    monkeypatch.setattr(W, "PARALLEL_MIN_EVENTS", 1)

    class Broken:
        def __init__(self, *a):
            pass

        def result(self):
            raise P.HelperFailed("boom")

        def cancel(self):
            pass
    monkeypatch.setattr(P, "start_events_half", Broken)
    out = tmp_path / "fallback.xlsx"
    assert export_project(project, out)["events_rows"] == 3
    assert list(read_excel(out, sheet_name="Events")["event"]) == [1, 2, 1]


def test_temporary_row_files_are_removed(project, tmp_path, monkeypatch):
    import gc
    import tempfile as T
    from annotator.export.xlsx import Column, StreamingWorkbook
    monkeypatch.setattr(T, "tempdir", str(tmp_path))
    export_project(project, tmp_path / "ok.xlsx")
    book = StreamingWorkbook()
    book.sheet("Events", [Column("a")]).append(["x"])
    assert list(tmp_path.glob("annotator-rows-*"))
    del book
    gc.collect()
    assert not list(tmp_path.glob("annotator-rows-*"))  # also for a workbook dropped without saving


# ----------------------------------------------------------------- the same events in every format
def test_no_format_exports_proposed_or_deleted_events(project, tmp_path):
    """bob: a1 has one live event, one deleted; a2 holds only a proposal he never accepted."""
    bob = CodingStore(project, "bob")
    proposed_in_a1 = bob.add_event(project.ids["a1"], {"actor": ({"key": "Border Guard Force"}, "suggested", None)},
                                   proposed=True)
    assert any(e.proposed for e in bob.load(project.ids["a1"]).events)
    xlsx, csvp, js = tmp_path / "b.xlsx", tmp_path / "b.csv", tmp_path / "b.json"
    for out in (xlsx, csvp, js):
        export_project(project, out, ExportScope(coder="bob"))
    x = read_excel(xlsx, sheet_name="Events")
    c = pd.read_csv(csvp, encoding="utf-8-sig")
    data = json.loads(js.read_text(encoding="utf-8"))
    assert list(x["actor"]) == list(c["actor"]) == ["Myanmar military"]
    json_events = [(a["file"], e["actor"]) for a in data for e in a["events"]]
    assert json_events == [("001.txt", "Myanmar military")]
    # the opened-but-not-coded a2 (only a proposal, not finished) is not a coding in the JSON either
    assert "002.txt" not in [a["file"] for a in data]
    # accepting the proposal makes it an event in every format
    bob.accept_event(project.ids["a1"], proposed_in_a1)
    for out in (xlsx, csvp, js):
        export_project(project, out, ExportScope(coder="bob"))
    data = json.loads(js.read_text(encoding="utf-8"))
    assert sorted(read_excel(xlsx, sheet_name="Events")["actor"]) == ["Border Guard Force", "Myanmar military"]
    assert sorted(pd.read_csv(csvp, encoding="utf-8-sig")["actor"]) == ["Border Guard Force", "Myanmar military"]
    assert sorted(e["actor"] for a in data for e in a["events"]) == ["Border Guard Force", "Myanmar military"]


def test_agreement_sheet_counts_finished_codings_only(project, tmp_path):
    bob = CodingStore(project, "bob")
    bob.set_status(project.ids["a1"], "in_progress")   # bob has not finished a1: no pair left
    out = tmp_path / "u.xlsx"
    export_project(project, out)
    ag = openpyxl.load_workbook(out)["Agreement"]
    assert "No article is coded by two or more coders" in ag["A2"].value
    bob.set_status(project.ids["a1"], "done")
    CodingStore(project, "carol").ensure_coding(project.ids["a1"])   # opened, not coded
    export_project(project, out)
    ws = openpyxl.load_workbook(out)["Agreement"]
    below = {row[0].value: row[1].value for row in ws.iter_rows(min_row=2) if row[0].value}
    # carol's empty coding of a1 and bob's proposal-only a2 are left out, and said so
    assert below.get("coders") == "alice; bob" and below.get("unfinished_codings") == 2
    assert "2 unfinished coding(s)" in below.get("notes") and "1 of them" in below.get("notes")

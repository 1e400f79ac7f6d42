import json
import unicodedata
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from annotator.cli.main import main as cli
from annotator.db.models import Article
from annotator.db.project import Project
from annotator.importer import import_paths, read_text_file
from annotator.importer.text import RejectedFile
from tests.shared import SEEDS, needs_seeds

STORY = ("Fourteen soldiers from Light Infantry Battalion 512 defected to the Karen National Liberation Army "
         "near Myawaddy on Tuesday, a spokesman said. They brought their rifles with them.")

MORE = ("The defectors said they had not been paid for three months and that their commanders had ordered them "
        "to shell villages. The Karen National Union said it would treat them according to its policy on "
        "prisoners of war and help their families reach safety.")


@pytest.fixture
def project(tmp_path):
    p = Project.create(tmp_path / "p.annotator")
    yield p
    p.close()


def articles(project):
    with project.Session() as s:
        return {a.file_name: a for a in s.scalars(select(Article))}


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                          ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""), ("cp1252", b""),
                                          ("latin-1", b"")])
def test_encodings_are_detected_and_text_normalised(tmp_path, encoding, bom):
    text = "Soldiers \u201cdefected\u201d in Hpa-an\r\nand Caf\u00e9 Tr\u00e8s.\r\n" if encoding != "latin-1" \
        else "Soldiers defected in Hpa-an\r\nand Caf\u00e9 Tr\u00e8s \u00bd.\r\n"
    path = tmp_path / "a.txt"
    path.write_bytes(bom + text.encode(encoding))
    got = read_text_file(path)
    assert got == text.replace("\r\n", "\n")
    assert "\r" not in got and "\ufeff" not in got


def test_unicode_is_nfc_and_curly_quotes_are_kept(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Cafe\u0301 \u2018quoted\u2019", encoding="utf-8")
    got = read_text_file(path)
    assert got == unicodedata.normalize("NFC", "Cafe\u0301 \u2018quoted\u2019") == "Caf\u00e9 \u2018quoted\u2019"


def test_nasty_files_are_rejected_with_a_reason_and_the_rest_imported(project, tmp_path):
    folder = tmp_path / "nasty"
    folder.mkdir()
    (folder / "good.txt").write_text(STORY, encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("   \n\n  ", encoding="utf-8")
    with open(folder / "huge.txt", "wb") as fh:  # 200 MB, sparse
        fh.truncate(200 * 1024 * 1024)
    (folder / "notext.csv").write_text("headline,url\nA,http://x\n", encoding="utf-8")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a zip")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (folder / "invalid_utf8.txt").write_bytes("Soldiers deserted near Loikaw on Monday \u2014 ".encode() + b"\xff\xfe\xfa ok")
    report = {r["file"].split("/")[-1]: r for r in import_paths(project, [folder])}
    assert report["good.txt"]["status"] == "imported"
    assert report["invalid_utf8.txt"]["status"] == "imported"  # decoded as cp1252, not lost
    reasons = {name: r["reason"] for name, r in report.items() if r["status"] == "rejected"}
    assert "binary" in reasons["binary.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "no text" in reasons["blank.md"]
    assert "too large" in reasons["huge.txt"]
    assert "no text column" in reasons["notext.csv"] and "headline" in reasons["notext.csv"]
    assert "broken" in reasons["broken.xlsx"]
    assert "unsupported file type" in reasons["picture.png"]
    assert set(articles(project)) == {"good.txt", "invalid_utf8.txt"}


@needs_seeds
def test_seeds_link_the_saved_page_to_its_article_and_detect_the_body(project):
    report = import_paths(project, [SEEDS])
    assert [r["status"] for r in report].count("rejected") == 0
    arts = articles(project)
    page, article = arts["000_b9f2a3b6feef780c.txt"], arts["001_c9727ac21556fdc4.txt"]
    assert page.near_duplicate_of == article.id
    assert article.near_duplicate_of is None
    assert all(a.near_duplicate_of is None for n, a in arts.items() if n[:3] in ("002", "003", "004"))
    body = page.body
    assert body.startswith("Entire Military Battalions of Myanmar\u2019s Junta Have Agreed to Defect")
    assert "Dozens of junta troops have already surrendered" in body
    assert "Loikaw University" in body  # the photo caption stays with the article
    assert "Newsletter" not in body and "Irrawaddy Publishing Group" not in body
    assert len(page.text) > 2 * len(body)  # the full page is kept
    assert article.body_start is None  # a plain article is its own body
    # importing again: exact duplicates, nothing new
    again = import_paths(project, [SEEDS])
    assert {r["status"] for r in again} == {"duplicate"}
    assert len(articles(project)) == 5


def test_same_story_in_another_outlet_is_linked(project, tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("Outlet One reports. " + STORY + " " + MORE + " The battalion had been based there since 2019.",
                 encoding="utf-8")
    b.write_text("Second outlet. " + STORY.replace("a spokesman said", "the group announced") + " " + MORE +
                 " Residents said fighting continued.", encoding="utf-8")
    report = import_paths(project, [a, b])
    assert [r["status"] for r in report] == ["imported", "near_duplicate"]
    arts = articles(project)
    assert arts["b.txt"].near_duplicate_of == arts["a.txt"].id
    assert report[1]["duplicate_of"] == "a.txt"


def test_html_main_text_without_scripts_and_menus(project, tmp_path):
    page = tmp_path / "story.html"
    page.write_text(f"""<html><head><title>Defection in Kayin</title>
      <meta property="og:site_name" content="Frontier Daily">
      <meta property="article:published_time" content="2024-03-05T10:00:00Z">
      <script>var menu = "do not import me";</script><style>p {{color: red}}</style></head>
      <body><nav><ul><li>Home</li><li>News</li></ul></nav>
      <article><h1>Defection in Kayin</h1><p>{STORY}</p><p>More <b>details</b> later.</p></article>
      <footer>Copyright everything</footer></body></html>""", encoding="utf-8")
    assert import_paths(project, [page])[0]["status"] == "imported"
    art = articles(project)["story.html"]
    assert STORY in art.text and "More details later." in art.text
    for junk in ("do not import me", "color: red", "Home", "Copyright"):
        assert junk not in art.text
    assert (art.title, art.outlet, art.published) == ("Defection in Kayin", "Frontier Daily", "2024-03-05")


def test_csv_xlsx_and_jsonl_by_header_name_or_flag(project, tmp_path):
    csv_path = tmp_path / "list.csv"
    csv_path.write_text("Headline;Body;Link;Date;Source\n"
                        f"First;\"{STORY}\";http://a;2024-01-02;Mizzima\n"
                        "Second;\"Twenty police officers joined the CDM in Mandalay.\";http://b;3 Feb 2021;Frontier\n",
                        encoding="utf-8-sig")
    wb = Workbook()
    ws = wb.active
    ws.append(["story_text", "title"])
    ws.append(["Two captains surrendered to the KIA near Bhamo on Friday.", "Bhamo"])
    ws.append([None, "empty row"])
    xlsx = tmp_path / "list.xlsx"
    wb.save(xlsx)
    jsonl = tmp_path / "list.jsonl"
    jsonl.write_text(json.dumps({"content": "A sergeant deserted in Falam.", "headline": "Falam", "tag": "x"}) +
                     "\nnot json\n", encoding="utf-8")
    report = import_paths(project, [csv_path, jsonl])
    assert [r["status"] for r in report] == ["imported", "imported", "imported", "rejected"]
    from annotator.importer import Columns
    report = import_paths(project, [xlsx], Columns(text="story_text"))
    assert [r["status"] for r in report] == ["imported", "rejected"]
    arts = {a.title: a for a in articles(project).values()}
    assert arts["First"].url == "http://a" and arts["First"].published == "2024-01-02" and arts["First"].outlet == "Mizzima"
    assert arts["Second"].published == "2021-02-03"
    assert arts["Bhamo"].text.startswith("Two captains")
    assert arts["Falam"].extra == {"tag": "x"}


def test_plain_text_metadata_header(project, tmp_path):
    path = tmp_path / "h.txt"
    path.write_text(f"Soldiers defect in Myawaddy\nOutlet: Border Post\nDate: 2023-11-14\nURL: https://example.org/x\n\n{STORY}\n",
                    encoding="utf-8")
    import_paths(project, [path])
    art = articles(project)["h.txt"]
    assert (art.title, art.outlet, art.published, art.url) == ("Soldiers defect in Myawaddy", "Border Post", "2023-11-14",
                                                               "https://example.org/x")
    assert art.text.startswith("Fourteen soldiers")


def test_cli_import_exit_status_and_json_lines(tmp_path, capsys):
    proj = tmp_path / "c.annotator"
    assert cli(["init", str(proj)]) == 0
    capsys.readouterr()
    good = tmp_path / "good.txt"
    good.write_text(STORY + " " + MORE, encoding="utf-8")
    assert cli(["import", str(proj), str(good), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines[0]["status"] == "imported" and set(lines[0]) == {"file", "status", "article_id", "duplicate_of", "reason"}
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    again = tmp_path / "again.txt"
    again.write_text(STORY + " " + MORE + " Extra.", encoding="utf-8")
    assert cli(["import", str(proj), str(bad), str(again), "--json"]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["status"] for x in lines] == ["rejected", "near_duplicate"]
    with pytest.raises(SystemExit) as exc:
        cli(["import"])
    assert exc.value.code == 2
    assert cli(["import", str(tmp_path / "nothere.annotator"), str(good)]) == 1
    assert "no such file" in capsys.readouterr().err
    assert cli(["info", str(proj), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["articles"] == 2 and info["codebook"] == {"name": "defection", "version": "1.0"}
    assert set(info) >= {"codebook", "schema_version", "articles", "coders", "codings", "events"}


def test_read_text_file_rejects_binary(tmp_path):
    path = tmp_path / "x.txt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a", b"\x00" * 1000)
    with pytest.raises(RejectedFile, match="binary"):
        read_text_file(path)

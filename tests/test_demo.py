from sqlalchemy import func, select

from annotator.cli.main import main as cli
from annotator.db.models import Article, Assignment, Coder
from annotator.db.project import Project


def test_demo_project_has_articles_two_coders_and_a_near_duplicate(tmp_path, capsys):
    path = tmp_path / "demo.annotator"
    assert cli(["demo", str(path)]) == 0
    assert "24 articles, 2 coders" in capsys.readouterr().out
    with Project.open(path) as p:
        with p.Session() as s:
            assert set(s.scalars(select(Coder.name))) == {"ana", "ben"}
            n = s.scalar(select(func.count()).select_from(Article))
            assert n == 24
            assert s.scalar(select(func.count()).select_from(Assignment)) == 2 * n
            linked = s.scalars(select(Article).where(Article.near_duplicate_of.is_not(None))).all()
            assert [a.file_name for a in linked] == ["17_hpruso_lib428_second_outlet.txt"]
    assert cli(["demo", str(path)]) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err

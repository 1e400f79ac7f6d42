"""Shared builders for the export tests (imported by tests/test_export*.py)."""
from __future__ import annotations

import hashlib
from functools import partial

import pandas as pd

from annotator.coding import CodingStore
from annotator.db.models import Article
from annotator.db.project import Project


read_excel = partial(pd.read_excel, engine="openpyxl")  # explicit: pandas warns when calamine is installed


def add_article(project: Project, title: str, *, text: str | None = None, file_name: str | None = None,
                outlet: str = "The Irrawaddy", published: str | None = "2024-01-25", url: str | None = None,
                position: int = 0, near_duplicate_of: str | None = None) -> str:
    text = text if text is not None else f"{title}. Twelve soldiers deserted on Wednesday."
    with project.session() as s:
        a = Article(title=title, text=text, file_name=file_name, outlet=outlet, published=published,
                    url=url or "https://example.org/a", position=position,
                    content_hash=hashlib.sha256(f"{title}|{text}|{position}".encode()).hexdigest(),
                    near_duplicate_of=near_duplicate_of, relevance=0.9)
        s.add(a)
        s.flush()
        return a.id


FULL_EVENT = {
    "actor": ({"text": "junta"}, "suggested_accepted", None),
    "receiving_side": ({"text": "KNU"}, "typed", None),
    "unit": ({"text": "Battalions 402 and 403", "keys": ["LIB 402", "LIB 403"]}, "suggested_edited", None),
    "count": ({"text": "Twelve soldiers", "min": 12, "max": 12}, "suggested", None),
    "rank": ({"keys": ["captain", "private"]}, "typed", None),
    "location": ({"name": "Hpapun", "admin1": "Kayin State", "lat": 18.06, "lon": 97.44}, "typed", None),
    "date": ({"value": "2024-01-24", "text": "on Wednesday"}, "typed", None),
    "mode": ({"key": "desert/defect"}, "typed", None),
    "salience": ({"key": "main"}, "typed", None),
    "notes": ({"value": "Units are based in Dawei."}, "typed", None),
    "evidence": ({"sentences": ["Twelve soldiers deserted on Wednesday.", "They joined the KNU."]}, "typed", None),
}


def small_project(tmp_path) -> tuple[Project, dict[str, str]]:
    """Two coders and a reconciled coding on three articles; returns (project, article ids)."""
    project = Project.create(tmp_path / "p.annotator", name="Test project")
    ids = {
        "a1": add_article(project, "Soldiers desert in Hpapun", file_name="001.txt", position=0),
        "a2": add_article(project, "Police join CDM", file_name="002.txt", position=1, published="2023-11"),
        "a3": add_article(project, "Nothing here", position=2, published=None),
    }
    alice, bob = CodingStore(project, "alice"), CodingStore(project, "bob")
    rec = CodingStore(project, "reconciled", kind="reconciled")
    alice.add_event(ids["a1"], FULL_EVENT)
    alice.add_event(ids["a1"], {"actor": ({"key": "Myanmar police"}, "typed", None),
                                "date": ({"value": "2023-11"}, "typed", None),
                                "count": ({"text": "more than 200", "min": 201, "max": None}, "typed", None)})
    alice.set_value(ids["a1"], None, "relevant", {"value": True})
    alice.set_status(ids["a1"], "done")
    bob.add_event(ids["a1"], {"actor": ({"key": "Myanmar military"}, "typed", None)})
    gone = bob.add_event(ids["a1"], {"actor": ({"key": "militia"}, "typed", None)})
    bob.delete_event(ids["a1"], gone)
    bob.set_status(ids["a1"], "done")
    bob.add_event(ids["a2"], {"actor": ({"key": "Myanmar police"}, "typed", None)}, proposed=True)
    bob.set_value(ids["a3"], None, "relevant", {"value": False})
    bob.set_status(ids["a3"], "not_relevant")
    rec.add_event(ids["a1"], {"actor": ({"key": "Myanmar military"}, "reconciled", None),
                              "count": ({"text": "Twelve soldiers", "min": 12, "max": 12}, "reconciled", None)})
    return project, ids

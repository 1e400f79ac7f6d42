"""Where the bundled data lives (works from a checkout and from an install).

In a checkout (and an editable install, which is what ``make install`` does)
the data is next to the package: ``<repo>/resources`` and ``<repo>/schemas``.
A wheel install puts the same files under ``<prefix>/share/annotator/``
(see ``[tool.setuptools.data-files]`` in pyproject.toml).
"""
from __future__ import annotations

import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _data_root() -> Path:
    checkout = PACKAGE_DIR.parent
    if (checkout / "schemas" / "defection.json").is_file():
        return checkout
    for prefix in (sys.prefix, sys.base_prefix):
        installed = Path(prefix) / "share" / "annotator"
        if (installed / "schemas" / "defection.json").is_file():
            return installed
    return checkout


ROOT = _data_root()
RESOURCES = ROOT / "resources"
SCHEMAS = ROOT / "schemas"
SAMPLES = RESOURCES / "samples"
DEFAULT_CODEBOOK = SCHEMAS / "defection.json"
CODEBOOK_SCHEMA = SCHEMAS / "codebook.schema.json"

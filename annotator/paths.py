"""Where the bundled data lives (works from a checkout and from an install)."""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
RESOURCES = ROOT / "resources"
SCHEMAS = ROOT / "schemas"
SAMPLES = RESOURCES / "samples"
DEFAULT_CODEBOOK = SCHEMAS / "defection.json"
CODEBOOK_SCHEMA = SCHEMAS / "codebook.schema.json"

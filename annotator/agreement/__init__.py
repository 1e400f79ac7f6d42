"""Inter-coder agreement: coefficients (``stats``) and project-level agreement (``project``).

Pure Python/numpy; never imports Qt.
"""
from annotator.agreement.stats import (  # noqa: F401
    LEVELS, Reliability, ReliabilityError, encode, jaccard_distance, masi_distance, reliability,
)

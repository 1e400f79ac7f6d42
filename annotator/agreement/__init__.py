"""Inter-coder agreement.  Pure Python/numpy: never imports Qt.

* ``stats.reliability(matrix, level)`` - every coefficient for a coders x units
  matrix (Krippendorff's alpha with a bootstrap interval, percent agreement,
  Cohen's kappa, Scott's pi, Fleiss' kappa, Gwet's AC1), with notes.
* ``project.project_agreement(project)`` - per-field agreement of a project
  after aligning each coder's events (the ``annotator agreement --json`` object).
* ``disagreements.list_disagreements(project, field)`` / ``settle(...)`` /
  ``undo_settle(...)`` / ``complete_reconciled(project)`` - the disagreements
  and their reconciliation.
* ``csvmatrix.read_matrix_csv(path)`` - a reliability spreadsheet.
"""
from annotator.agreement.stats import (  # noqa: F401
    LEVELS, Reliability, ReliabilityError, encode, jaccard_distance, masi_distance, reliability,
)

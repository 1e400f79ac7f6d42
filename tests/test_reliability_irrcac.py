"""More published values: the irrCAC README (Gwet; github.com/kgwet/irrCAC, README.md) examples.

These complement tests/data/agreement_reference.json with Fleiss' kappa and AC1
on data with missing ratings (Gwet's generalisation) and coefficients on a
6-rater distribution.
"""
import numpy as np
import pytest

from annotator.agreement.stats import reliability

N = None
RAW4RATERS = [  # cac.raw4raters: rows = subjects, columns = Rater1..Rater4
    (1, 1, N, 1), (2, 2, 3, 2), (3, 3, 3, 3), (3, 3, 3, 3), (2, 2, 2, 2), (1, 2, 3, 4),
    (4, 4, 4, 4), (1, 1, 2, 1), (2, 2, 2, 2), (N, 5, 5, 5), (N, N, 1, 1), (N, N, 3, N),
]
CONT3X3 = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]        # cont3x3abstractors
DISTRIB6 = [  # distrib.6raters: subjects x categories, cell = raters choosing it
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
]


def _columns(rows):
    return [list(c) for c in zip(*rows)]


def test_raw4raters_with_missing_ratings():
    res = reliability(_columns(RAW4RATERS), "nominal", n_boot=0)
    assert res.percent_agreement == pytest.approx(0.8181818, abs=1e-7)
    assert res.gwet_ac1 == pytest.approx(0.77544, abs=5e-6)
    assert res.fleiss_kappa == pytest.approx(0.76117, abs=5e-6)
    assert res.krippendorff_alpha == pytest.approx(0.74342, abs=5e-6)


def test_cont3x3abstractors_two_raters():
    a, b = [], []
    for i, row in enumerate(CONT3X3):
        for j, n in enumerate(row):
            a += [i + 1] * n
            b += [j + 1] * n
    res = reliability([a, b], "nominal", n_boot=0)
    assert res.cohen_kappa == pytest.approx(0.7964094, abs=1e-7)
    assert res.scott_pi == pytest.approx(0.7962397, abs=1e-7)
    assert res.gwet_ac1 == pytest.approx(0.8493305, abs=1e-7)
    assert res.krippendorff_alpha == pytest.approx(0.7972585, abs=1e-7)
    assert res.percent_agreement == pytest.approx(0.89, abs=1e-12)


def test_distrib6raters_counts():
    # rater identity is not defined for counts: expand each subject's ratings in category order
    matrix = np.zeros((6, len(DISTRIB6)), dtype=int)
    for u, row in enumerate(DISTRIB6):
        matrix[:, u] = np.repeat(np.arange(1, 6), row)
    res = reliability(matrix.tolist(), "nominal", n_boot=0)
    assert res.percent_agreement == pytest.approx(0.5511111, abs=1e-7)
    assert res.fleiss_kappa == pytest.approx(0.4139265, abs=1e-7)
    assert res.gwet_ac1 == pytest.approx(0.4448007, abs=1e-7)
    assert res.krippendorff_alpha == pytest.approx(0.4204384, abs=1e-7)

"""Coefficients in annotator.agreement.stats: own engine vs the krippendorff package, edge cases, bootstrap."""
import math

import krippendorff
import numpy as np
import pytest

from annotator.agreement.stats import (
    ReliabilityError, encode, jaccard_distance, masi_distance, reliability,
)


def _random_matrix(rng, coders, units, values, missing=0.2):
    m = rng.integers(1, values + 1, size=(coders, units)).astype(object)
    m[rng.random((coders, units)) < missing] = None
    return m.tolist()


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_own_engine_matches_krippendorff_package(level, seed):
    rng = np.random.default_rng(seed)
    m = _random_matrix(rng, coders=3, units=60, values=6)
    own = reliability(m, level, n_boot=0, use_package=False)
    data = np.array([[np.nan if v is None else v for v in row] for row in m], dtype=float)
    assert own.alpha_engine == "annotator.agreement.stats"
    assert own.krippendorff_alpha == pytest.approx(krippendorff.alpha(data, level_of_measurement=level), abs=1e-10)
    assert reliability(m, level, n_boot=0).alpha_engine == "krippendorff package"


def test_set_level_masi_alpha_matches_package_with_custom_metric():
    rng = np.random.default_rng(7)
    pool = ["LIB 402", "LIB 403", "IB 129", "LIB 430"]
    m = [[None if rng.random() < 0.1 else frozenset(rng.choice(pool, size=rng.integers(1, 3), replace=False))
          for _ in range(40)] for _ in range(2)]
    res = reliability(m, "set", n_boot=0)
    coded = encode(m, "set")
    V = len(coded.domain)
    delta = np.array([[masi_distance(a, b) for b in coded.domain] for a in coded.domain])
    data = np.where(coded.codes >= 0, coded.codes, np.nan).astype(float)
    ref = krippendorff.alpha(data, value_domain=np.arange(V),
                             level_of_measurement=lambda v1, v2, i1, i2, n_v, dtype=float: delta[i1, i2])
    assert res.krippendorff_alpha == pytest.approx(ref, abs=1e-10)
    assert res.set_distance == "masi"
    assert any("MASI" in n for n in res.notes)
    jac = reliability(m, "set", n_boot=0, set_distance="jaccard")
    assert jac.krippendorff_alpha != pytest.approx(res.krippendorff_alpha)


def test_masi_and_jaccard_distances():
    a, b = frozenset({"x", "y"}), frozenset({"x"})
    assert masi_distance(a, a) == 0
    assert masi_distance(frozenset(), frozenset()) == 0
    assert masi_distance(a, b) == pytest.approx(1 - 0.5 * 2 / 3)
    assert masi_distance(a, frozenset({"x", "z"})) == pytest.approx(1 - (1 / 3) * (1 / 3))
    assert masi_distance(a, frozenset({"z"})) == 1
    assert jaccard_distance(a, b) == pytest.approx(0.5)


def test_perfect_agreement_is_one():
    m = [[1, 2, 3, 1], [1, 2, 3, 1]]
    res = reliability(m, "nominal", n_boot=200)
    assert res.krippendorff_alpha == pytest.approx(1.0)
    assert res.percent_agreement == 1.0
    assert res.cohen_kappa == pytest.approx(1.0) and res.scott_pi == pytest.approx(1.0)
    assert res.alpha_ci95 == [pytest.approx(1.0), pytest.approx(1.0)]


def test_single_value_everywhere_is_undefined_not_nan():
    res = reliability([["a", "a", "a"], ["a", "a", "a"]], "nominal")
    d = res.to_dict()
    for key in ("krippendorff_alpha", "cohen_kappa", "scott_pi", "fleiss_kappa", "gwet_ac1", "alpha_ci95"):
        assert d[key] is None, key
    assert d["percent_agreement"] == 1.0
    text = " ".join(d["notes"])
    assert "every pairable value is the same ('a')" in text
    assert "0/0" in text


def test_no_pairable_unit():
    res = reliability([[1, None], [None, 2]], "nominal")
    assert res.n_units == 0 and res.krippendorff_alpha is None and res.percent_agreement is None
    assert any("no unit was coded by two or more coders" in n for n in res.notes)
    assert any("no unit was coded by both coders" in n for n in res.notes)


def test_two_coder_coefficients_only_for_two_coders():
    res = reliability([[1, 2, 1], [1, 2, 2], [1, 1, 2]], "nominal", n_boot=0)
    assert res.cohen_kappa is None and res.scott_pi is None
    assert any("exactly two coders; this matrix has 3" in n for n in res.notes)
    assert res.fleiss_kappa is not None and res.gwet_ac1 is not None


def test_cohen_differs_from_scott_with_different_marginals():
    m = [[1] * 20 + [1] * 5 + [2] * 10 + [2] * 15, [1] * 20 + [2] * 5 + [1] * 10 + [2] * 15]
    res = reliability(m, "nominal", n_boot=0)
    # po = 0.7; Cohen pe = 0.5*0.6 + 0.5*0.4 = 0.5; Scott pe = 0.55^2 + 0.45^2 = 0.505
    assert res.cohen_kappa == pytest.approx(0.4)
    assert res.scott_pi == pytest.approx((0.7 - 0.505) / (1 - 0.505))


def test_missing_values_and_labels_in_notes():
    m = [[1, 2, None, None, ""], [1, 3, 4, None, float("nan")]]
    res = reliability(m, "nominal", unit_labels=["u1", "u2", "u3", "u4", "u5"], n_boot=0)
    assert res.n_units == 2 and res.n_units_total == 5 and res.n_values == 4
    text = " ".join(res.notes)
    assert "5 empty cells treated as missing" in text
    assert "coded by one coder only" in text and "u3" in text
    assert "without any value ignored: u4, u5" in text


def test_numbers_and_strings_in_nominal():
    res = reliability([["1", "2.0", "x"], [1, 2, "x"]], "nominal", n_boot=0)
    assert res.percent_agreement == 1.0


def test_text_at_interval_level_is_an_error():
    with pytest.raises(ReliabilityError, match="interval level needs numbers"):
        reliability([["1", "abc"], ["1", "2"]], "interval")
    with pytest.raises(ReliabilityError, match="negative"):
        reliability([[1, -2], [1, 2]], "ratio")
    with pytest.raises(ReliabilityError, match="unknown level"):
        reliability([[1]], "cardinal")


def test_bootstrap_is_seeded_and_brackets_alpha():
    rng = np.random.default_rng(11)
    truth = rng.integers(1, 5, size=200)
    m = [truth.tolist(), [int(t) if rng.random() < 0.8 else int(rng.integers(1, 5)) for t in truth]]
    r1 = reliability(m, "nominal", n_boot=500, seed=5)
    r2 = reliability(m, "nominal", n_boot=500, seed=5)
    r3 = reliability(m, "nominal", n_boot=500, seed=6)
    assert r1.alpha_ci95 == r2.alpha_ci95
    assert r1.alpha_ci95 != r3.alpha_ci95
    lo, hi = r1.alpha_ci95
    assert lo < r1.krippendorff_alpha < hi
    assert 0.05 < hi - lo < 0.3


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio", "set"])
def test_bootstrap_matches_naive_resampling(level):
    """Each vectorised resample equals alpha recomputed on the explicitly resampled units."""
    from annotator.agreement.stats import _bootstrap_alpha, _pairable, _patterns, distance_matrix, pattern_weights

    rng = np.random.default_rng(3)
    m = _random_matrix(rng, coders=3, units=30, values=4, missing=0.25)
    if level == "set":
        m = [[None if v is None else frozenset(range(v)) for v in row] for row in m]
    coded = encode(m, level)
    p = _pairable(coded)
    n_v = np.bincount(p.val_code, minlength=len(coded.domain)).astype(float)
    patterns, counts = _patterns(coded, p)
    assert counts.sum() == len(p.units) and patterns.shape[1] < len(p.units)
    weights = pattern_weights(counts, 6, seed=9)
    assert (weights.sum(axis=1) == len(p.units)).all()
    boots = _bootstrap_alpha(coded, patterns, weights, distance_matrix(coded, n_v))
    for b, w in enumerate(weights):
        cols = np.repeat(np.arange(patterns.shape[1]), w.astype(int))
        sub = [[None if c < 0 else coded.domain[c] for c in patterns[k, cols]] for k in range(patterns.shape[0])]
        naive = reliability(sub, level, n_boot=0, use_package=False).krippendorff_alpha
        assert boots[b] == pytest.approx(naive, abs=1e-9)


def test_bootstrap_distribution_matches_unit_resampling():
    """Pattern-multinomial weights have the distribution of unit resampling (mean and spread of alpha)."""
    rng = np.random.default_rng(21)
    truth = rng.integers(1, 4, size=150)
    m = [truth.tolist(), [int(t) if rng.random() < 0.75 else int(rng.integers(1, 4)) for t in truth]]
    fast = reliability(m, "nominal", n_boot=4000, seed=1)
    naive = []
    for _ in range(400):
        idx = rng.integers(0, 150, size=150)
        naive.append(reliability([[row[i] for i in idx] for row in m], "nominal", n_boot=0).krippendorff_alpha)
    lo, hi = np.percentile(naive, [2.5, 97.5])
    assert fast.alpha_ci95[0] == pytest.approx(lo, abs=0.03)
    assert fast.alpha_ci95[1] == pytest.approx(hi, abs=0.03)


def test_result_dict_has_the_cli_keys():
    d = reliability([[1, 2], [1, 2]], "nominal", n_boot=0).to_dict()
    for key in ("n_units", "n_coders", "level", "krippendorff_alpha", "percent_agreement", "cohen_kappa",
                "scott_pi", "fleiss_kappa", "gwet_ac1", "alpha_ci95", "notes"):
        assert key in d
    assert not any(isinstance(v, float) and math.isnan(v) for v in d.values())


def test_pairwise_agreement_for_three_or_more_coders():
    m = [[1, 2, 3, 1, 2], [1, 2, 3, 1, 2], [2, 2, 1, 1, 3]]
    res = reliability(m, "nominal", n_boot=0, coder_labels=["ana", "ben", "chen"])
    pairs = {tuple(p["coders"]): p for p in res.to_dict()["pairs"]}
    assert set(pairs) == {("ana", "ben"), ("ana", "chen"), ("ben", "chen")}
    assert pairs[("ana", "ben")]["percent_agreement"] == 1.0 and pairs[("ana", "ben")]["cohen_kappa"] == pytest.approx(1.0)
    assert pairs[("ana", "chen")]["percent_agreement"] == pytest.approx(0.4)
    assert "pairs" not in reliability(m[:2], "nominal", n_boot=0).to_dict()


def test_single_blas_thread_changes_nothing_but_the_threads():
    from annotator.agreement.stats import _blas_calls, single_blas_thread

    rng = np.random.default_rng(5)
    m = _random_matrix(rng, coders=2, units=200, values=6, missing=0.1)
    before = [get() for _, get in _blas_calls()]
    free = reliability(m, "interval", n_boot=300, seed=4)
    with single_blas_thread():
        assert all(get() == 1 for _, get in _blas_calls())
        limited = reliability(m, "interval", n_boot=300, seed=4)
    assert [get() for _, get in _blas_calls()] == before       # restored
    assert limited.to_dict() == free.to_dict()

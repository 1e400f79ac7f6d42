"""Every case of the published reference file (copied from ../shared/reference/agreement.json)."""
import json
from pathlib import Path

import pytest

from annotator.agreement.stats import reliability

REFERENCE = Path(__file__).parent / "data" / "agreement_reference.json"
CASES = json.loads(REFERENCE.read_text(encoding="utf-8"))


def test_reference_file_has_cases():
    assert len(CASES) >= 11
    assert {c["coefficient"] for c in CASES} >= {
        "krippendorff_alpha", "cohen_kappa", "scott_pi", "gwet_ac1", "fleiss_kappa", "percent_agreement"}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_reference_case(case):
    assert case["orientation"].startswith("rows are coders")
    res = reliability(case["data"], case["level_of_measurement"], n_boot=0)
    got = getattr(res, case["coefficient"])
    if case["expected"] is None:
        # undefined: reported as null with the reason, never a number or NaN
        assert got is None
        assert any("undefined" in n and "same" in n for n in res.notes), res.notes
    else:
        assert got is not None, res.notes
        assert got == pytest.approx(case["expected"], abs=case["tolerance"])
        assert got == pytest.approx(case["full_precision_reference"], abs=1e-9)


def test_singleton_unit_does_not_change_alpha_at_any_level():
    base = next(c for c in CASES if c["name"] == "edge_singleton_unit_dropped")["data"]
    full = next(c for c in CASES if c["name"] == "krippendorff2011_4obs_12units_missing_nominal")["data"]
    novel = [row + [None] for row in full]
    novel[2][-1] = 9  # a value nobody else used, in a unit coded by one coder only
    for level in ("nominal", "ordinal", "interval", "ratio"):
        a11 = reliability(base, level, n_boot=0).krippendorff_alpha
        a12 = reliability(full, level, n_boot=0).krippendorff_alpha
        a13 = reliability(novel, level, n_boot=0).krippendorff_alpha
        assert a11 == pytest.approx(a12, abs=1e-12)
        assert a11 == pytest.approx(a13, abs=1e-12)


def test_raw4raters_counts_and_gwet_generalisation():
    data = CASES[0]["data"]
    res = reliability(data, "nominal", n_boot=0)
    assert res.n_units == 11 and res.n_units_total == 12
    assert res.n_values == 40  # the reference notes: units 1-11 give n=40 pairable values
    assert res.observed_disagreement == pytest.approx(0.200, abs=5e-4)   # D_o in dkpro's test
    assert res.expected_disagreement == pytest.approx(0.779, abs=5e-4)   # D_e in dkpro's test
    # irrCAC's AC1 on the 12-unit matrix (value listed in the reference file's edge case)
    ref = next(c for c in CASES if c["name"] == "edge_singleton_unit_dropped")
    assert res.gwet_ac1 == pytest.approx(ref["checked_with"]["irrCAC AC1 12 vs 11 units (changes!)"][0], abs=1e-9)
    assert any("one coder only" in n for n in res.notes)


def test_interval_disagreements_match_dkpro():
    res = reliability(CASES[0]["data"], "interval", n_boot=0)
    assert res.observed_disagreement == pytest.approx(0.433, abs=5e-4)
    assert res.expected_disagreement == pytest.approx(2.872, abs=5e-4)

"""Calibration (analysis.calibration.calibrate, poststratify(partial=True)) against R's calibrate() and
postStratify() (tests/golden/r_calibrate.R): weights to 1e-8, estimates and SEs to 1e-8, bounds to 1e-6."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.by import svyby
from analysis.calibration import CalibrationError, calibrate
from analysis.domains import make_engine
from analysis.estimators import svymean, svyprop, svyratio, svytotal
from analysis.weighting import WeightingError, poststratify

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = pd.read_csv(GOLDEN / "r_calibrate_expected.csv", dtype={"value": float})
C1 = pd.read_csv(GOLDEN / "r_calibrate_apiclus1.csv")
ST = pd.read_csv(GOLDEN / "r_calibrate_apistrat.csv")
STYPE = {"E": 6194 - 755 - 1018, "H": 755, "M": 1018}
TOT = {"stype": STYPE, "api99": 3914069}
CASES = {
    "greg_stype": dict(totals={"stype": STYPE}),
    "greg_stype_api99": dict(totals=TOT),
    "bounded": dict(totals=TOT, bounds=(0.6, 1.6)),
    "logit": dict(totals=TOT, calfun="logit", bounds=(0.7, 1.7)),
    "raking": dict(totals=TOT, calfun="raking"),
    "bounds_const": dict(totals=TOT, bounds=(20, 60), bounds_const=True),
    "trimmed": dict(totals=TOT, bounds=(0.3, 3), trim=(0.6, 1.7), force=True),
}


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    return dict(zip(e.quantity, e.value))


def clus1():
    return Design.from_frame(C1, psu="dnum", weights="pw", fpc="fpc")


def check(des, ex, data):
    assert des.weights.sum() == pytest.approx(ex["sum_weights"], rel=1e-8)
    for i in (1, 50, 120):
        assert des.weights[i - 1] == pytest.approx(ex[f"weight_{i}"], rel=1e-8)
    m = svymean(des, data.api00)
    assert m.estimate == pytest.approx(ex["mean_api00"], rel=1e-8)
    assert m.se == pytest.approx(ex["mean_api00_se"], rel=1e-8)
    t = svytotal(des, data.api99)
    assert t.estimate == pytest.approx(ex["total_api99"], rel=1e-8)
    assert t.se == pytest.approx(ex["total_api99_se"], rel=1e-7, abs=1e-6 * ex["total_api99"])
    assert svyratio(des, data.api00, data.api99).se == pytest.approx(ex["ratio_se"], rel=1e-8)
    p = svyprop(des, data.yes.to_numpy() == 1)
    assert p.estimate == pytest.approx(ex["prop_yes"], rel=1e-8)
    assert p.se == pytest.approx(ex["prop_yes_se"], rel=1e-8)
    assert (p.ci_low, p.ci_high) == pytest.approx((ex["prop_yes_ci_low"], ex["prop_yes_ci_high"]), rel=1e-6)
    by = {e.domain["sch.wide"]: e for e in svyby(des, "sch.wide", svymean, data.api00.to_numpy())}
    codes = pd.Categorical(data["sch.wide"], categories=["No", "Yes"]).codes
    eng = make_engine(des, [(codes, 2)]).means(data.api00.to_numpy(float), np.ones(len(data), bool))
    for i, g in enumerate(["No", "Yes"]):
        assert by[g].se == pytest.approx(ex[f"by_{g}_se"], rel=1e-8)
        assert eng[1 + i].se == pytest.approx(ex[f"by_{g}_se"], rel=1e-8)


@pytest.mark.parametrize("case", list(CASES))
def test_calibrate_matches_r(case):
    new, rep = calibrate(clus1(), **CASES[case])
    check(new, expected(case), C1)
    if case != "trimmed":
        assert rep.converged and rep.misfit < 1e-7


def test_greg_total_of_a_calibration_variable_is_exact_with_zero_se():
    new, _ = calibrate(clus1(), TOT)
    t = svytotal(new, C1.api99)
    assert t.estimate == pytest.approx(3914069, rel=1e-12)
    assert t.se == pytest.approx(0, abs=1e-6)


def test_poststratify_partial():
    des = Design.from_frame(ST, strata="stype", weights="pw", fpc="fpc")
    margin = {"award": {"No": 2300, "Yes": 3800, "X": 94}}
    with pytest.raises(WeightingError):
        poststratify(des, margin)
    ps, _ = poststratify(des, margin, partial=True)
    check(ps, expected("poststrat_partial"), ST)


def test_calibration_errors_name_the_problem():
    with pytest.raises(CalibrationError, match="absent from the sample"):
        calibrate(clus1(), {"stype": {**STYPE, "Z": 3}})
    with pytest.raises(CalibrationError, match="finite bounds"):
        calibrate(clus1(), TOT, calfun="logit")
    with pytest.raises(CalibrationError, match="did not converge"):
        calibrate(clus1(), TOT, bounds=(0.99, 1.01))


def test_trim_applies_to_unbounded_linear_calibration_too():
    """R's calibrate() ignores trim= for unbounded linear (GREG) calibration (it returns from
    regcalibrate first); minyi trims g there as well (docs/statistics.md)."""
    base = clus1()
    greg, _ = calibrate(base, TOT)
    g = greg.weights / base.weights
    assert g.min() < 0.6 and g.max() > 1.7                       # R would return these weights untouched
    trimmed, _ = calibrate(base, TOT, trim=(0.6, 1.7))
    g2 = trimmed.weights / base.weights
    assert g2.min() >= 0.6 - 1e-12 and trimmed.weights.sum() == pytest.approx(greg.weights.sum(), rel=1e-12)

"""Quantiles (analysis.quantiles.svyquantile) against R's svyquantile (tests/golden/r_quantiles.R).

Quantiles and SEs to 1e-8 relative, Woodruff bounds to 1e-6; NaN bounds (share outside [0, 1]) as R.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.by import svyby
from analysis.quantiles import svyquantile

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = pd.read_csv(GOLDEN / "r_quantiles_expected.csv", dtype={"value": float})
ST = pd.read_csv(GOLDEN / "r_quantiles_apistrat.csv")
C1 = pd.read_csv(GOLDEN / "r_quantiles_apiclus1.csv")
C2 = pd.read_csv(GOLDEN / "r_quantiles_apiclus2.csv")
FP = pd.read_csv(GOLDEN / "r_quantiles_fpc.csv")
QS = [0.1, 0.25, 0.5, 0.75, 0.9]


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    return dict(zip(e.quantity, e.value))


def same(a, b, rel):
    if np.isnan(b):
        assert np.isnan(a)
    else:
        assert a == pytest.approx(b, rel=rel), (a, b)


def check(est, ex, probs, qrule, itype, level):
    for i, p in enumerate(probs):
        key = f"q{p:g}|{qrule}|{itype}|{level:g}"
        same(est.coef()[i], ex[f"{key}|quantile"], 1e-8)
        same(est.SE()[i], ex[f"{key}|se"], 1e-8)
        lo, hi = est.confint(level)
        same(np.atleast_1d(lo)[i], ex[f"{key}|ci_low"], 1e-6)
        same(np.atleast_1d(hi)[i], ex[f"{key}|ci_high"], 1e-6)


def strat():
    return Design.from_frame(ST, strata="stype", weights="pw", fpc="fpc")


@pytest.mark.parametrize("qrule", ["math", "hf7"])
@pytest.mark.parametrize("itype", ["mean", "xlogit", "asin", "beta"])
def test_stratified(qrule, itype):
    est = svyquantile(strat(), ST.api00, QS, qrule=qrule, interval_type=itype)
    check(est, expected("strat"), QS, qrule, itype, 0.95)


def test_other_level_and_variable():
    ex = expected("strat")
    est = svyquantile(strat(), ST.api00, QS, confidence=0.9)
    check(est, ex, QS, "math", "mean", 0.9)
    # the 90 % interval is also the 95 % estimate's confint(0.9); its SE is R's at 90 %
    e95 = svyquantile(strat(), ST.api00, QS)
    lo, hi = e95.confint(0.9)
    assert lo == pytest.approx(np.asarray(est.ci_low), rel=1e-12)
    check(svyquantile(strat(), ST.enroll, QS), expected("strat_enroll"), QS, "math", "mean", 0.95)


@pytest.mark.parametrize("g", ["E", "H", "M"])
@pytest.mark.parametrize("qrule", ["math", "hf7"])
def test_domains(g, qrule):
    des = strat()
    est = svyquantile(des.subset(ST.stype.to_numpy() == g), ST.api00, [0.25, 0.5], qrule=qrule)
    check(est, expected(f"strat_{g}"), [0.25, 0.5], qrule, "mean", 0.95)
    est2 = svyquantile(des, ST.api00, [0.25, 0.5], qrule=qrule, valid=ST.stype.to_numpy() == g)
    assert est2.coef() == pytest.approx(est.coef()) and est2.SE() == pytest.approx(est.SE())


def test_svyby_median():
    ex = expected("strat_by")
    res = svyby(strat(), "stype", lambda d, y, **kw: svyquantile(d, y, 0.5, **kw), ST.api00.to_numpy())
    for e in res:
        g = e.domain["stype"]
        assert e.coef()[0] == pytest.approx(ex[f"{g}|quantile"], rel=1e-8)
        assert e.SE()[0] == pytest.approx(ex[f"{g}|se"], rel=1e-8)


@pytest.mark.parametrize("qrule", ["math", "hf7"])
def test_cluster_multistage_and_fpc(qrule):
    check(svyquantile(Design.from_frame(C1, psu="dnum", weights="pw", fpc="fpc"), C1.api00, QS, qrule=qrule),
          expected("clus1"), QS, qrule, "mean", 0.95)
    probs = [0.25, 0.5, 0.75]
    check(svyquantile(Design.from_frame(C2, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"]), C2.api00, probs,
                      qrule=qrule), expected("clus2"), probs, qrule, "mean", 0.95)
    # fpc data set: the 25 % share's lower bound falls below 0 → NaN as R
    ex = expected("fpc")
    est = svyquantile(Design.from_frame(FP, psu="psuid", strata="stratid", weights="weight", fpc="Nh"), FP.x, probs,
                      qrule=qrule)
    if qrule == "math":  # the median's lower share falls below the smallest value's share (1/8): the deliberate
        # difference from R (analysis/quantiles.py): minyi's bound is the smallest value, R's the second smallest
        xs = np.sort(FP.x.to_numpy())
        key = "q0.5|math|mean|0.95"
        assert ex[f"{key}|ci_low"] == pytest.approx(xs[1])
        hi = ex[f"{key}|ci_high"]
        ex[f"{key}|se"] *= (hi - xs[0]) / (hi - xs[1])  # R: (upper - lower) / (2 t)
        ex[f"{key}|ci_low"] = xs[0]
    check(est, ex, probs, qrule, "mean", 0.95)


def test_a_quantile_below_the_smallest_share_is_the_smallest_value():
    """R's qrule_math returns the second smallest value for p below the smallest value's share, so its quantiles
    of 1..10 are 2, 1, 2 at p = 0.05, 0.1, 0.15 (R 4.1 survey 4.1.1); minyi returns the inverse of the weighted
    empirical distribution function there, 1, 1, 2 (the deliberate difference in analysis/quantiles.py)."""
    d = pd.DataFrame({"v": np.arange(1.0, 11.0)})
    est = svyquantile(Design.from_frame(d), d.v, [0.0, 0.05, 0.1, 0.15])
    assert list(est.coef()) == [1.0, 1.0, 1.0, 2.0]
    w = pd.DataFrame({"v": [5.0, 1.0, 3.0], "w": [1.0, 3.0, 6.0]})  # the smallest value (1) holds 30 % of the weight
    assert list(svyquantile(Design.from_frame(w, weights="w"), w.v, [0.2, 0.3, 0.31]).coef()) == [1.0, 1.0, 3.0]


def test_equal_weights_hf7_is_numpy_quantile():
    rng = np.random.default_rng(3)
    y = rng.normal(size=57)
    d = pd.DataFrame({"y": y})
    est = svyquantile(Design.from_frame(d), d.y, QS, qrule="hf7")
    assert est.coef() == pytest.approx(np.quantile(y, QS), rel=1e-12)

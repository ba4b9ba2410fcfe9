"""Proportion intervals against R's svyciprop (tests/golden/r_ciprop.R): Korn–Graubard counting every
row of R's design (zero weights, domains of post-stratified designs), asin, xlogit, likelihood, and
minyi's deliberate difference at a proportion of 0.  Estimates and SEs to 1e-8, bounds to 1e-6."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import Design
from analysis.by import svyby
from analysis.domains import make_engine
from analysis.estimators import svyprop
from analysis.weighting import poststratify

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = pd.read_csv(GOLDEN / "r_ciprop_expected.csv", dtype={"value": float})
S40 = pd.read_csv(GOLDEN / "r_ciprop_apisrs40.csv")
C1 = pd.read_csv(GOLDEN / "r_ciprop_apiclus1.csv")
METHOD = {"beta": "clopper-pearson", "logit": "logit", "xlogit": "logit", "mean": "wald", "asin": "asin",
          "likelihood": "likelihood"}


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    return dict(zip(e.quantity, e.value))


def check(p, ex, r_method):
    assert p.estimate == pytest.approx(ex[f"{r_method}_estimate"], rel=1e-8)
    assert p.se == pytest.approx(ex[f"{r_method}_se"], rel=1e-8)
    assert p.ci_low == pytest.approx(ex[f"{r_method}_ci_low"], rel=1e-6)
    assert p.ci_high == pytest.approx(ex[f"{r_method}_ci_high"], rel=1e-6)
    assert p.ci_method == METHOD[r_method]


@pytest.mark.parametrize("r_method", ["beta", "logit", "asin", "likelihood", "xlogit", "mean"])
def test_fifteen_zero_weights_of_forty(r_method):
    ex = expected("zero_weights")
    des = Design.from_frame(S40, weights="w0")
    assert des.count_rows() == ex["nrow"] == 40 and des.degf() == ex["degf"]
    check(svyprop(des, S40.yes.to_numpy() == 1, ci_method=METHOD[r_method]), ex, r_method)


def _poststratified():
    des = Design.from_frame(C1, weights="pw", psu="dnum", fpc="fpc")
    ps, _ = poststratify(des, {"stype": {"E": 4421, "H": 755, "M": 1018}})
    return ps


@pytest.mark.parametrize("g", ["E", "H", "M"])
@pytest.mark.parametrize("r_method", ["beta", "logit", "mean"])
def test_domain_of_poststratified_design(g, r_method):
    ex = expected(f"poststrat_{g}")
    ps = _poststratified()
    dom = ps.subset(C1.stype.to_numpy() == g)
    assert dom.count_rows() == ex["nrow"] == 183
    assert dom.degf() == ex["degf"]
    hit = C1.award.to_numpy() == 1
    check(svyprop(dom, hit, ci_method=METHOD[r_method]), ex, r_method)
    # the same through svyby and the domain engine (indicators)
    by = {e.domain["stype"]: e for e in svyby(ps, "stype", svyprop, hit, ci_method=METHOD[r_method])}
    check(by[g], ex, r_method)
    levels = ["E", "H", "M"]
    codes = pd.Categorical(C1.stype, categories=levels).codes
    eng = make_engine(ps, [(codes, 3)]).means(hit.astype(float), np.ones(len(C1), bool), proportion=True,
                                              ci_method=METHOD[r_method])
    check(eng[1 + levels.index(g)], ex, r_method)


@pytest.mark.parametrize("r_method", ["asin", "likelihood", "xlogit", "logit", "beta", "mean"])
def test_methods_on_cluster_design_and_domain(r_method):
    des = Design.from_frame(C1, weights="pw", psu="dnum", fpc="fpc")
    check(svyprop(des, C1.award.to_numpy() == 1, ci_method=METHOD[r_method]), expected("clus1"), r_method)
    ex = expected("clus1_H")
    dom = des.subset(C1.stype.to_numpy() == "H")
    assert dom.count_rows() == ex["nrow"]
    check(svyprop(dom, C1.yes.to_numpy() == 1, ci_method=METHOD[r_method]), ex, r_method)


@pytest.mark.parametrize("r_method", ["asin", "likelihood", "beta"])
def test_other_level_on_demand(r_method):
    ex = expected("clus1_90")
    des = Design.from_frame(C1, weights="pw", psu="dnum", fpc="fpc")
    p = svyprop(des, C1.award.to_numpy() == 1, ci_method=METHOD[r_method])
    lo, hi = p.confint(0.9)
    assert (lo, hi) == pytest.approx((ex[f"{r_method}_ci_low"], ex[f"{r_method}_ci_high"]), rel=1e-6)


def test_zero_proportion_states_the_interval_it_uses():
    """R: [0, 0] ('mean'), NaN ('beta', 'asin'), an interval not containing 0 ('logit'), an error
    ('likelihood').  minyi: Korn–Graubard with n_eff = n and ci_method says so (analysis/ci.py)."""
    ex = expected("zero_prop")
    des = Design.from_frame(C1, weights="pw", psu="dnum", fpc="fpc")
    none = C1.none.to_numpy() == 1
    assert (ex["mean_ci_low"], ex["mean_ci_high"]) == (0, 0)
    n, ddf = len(C1), des.degf()
    m = n * (stats.t.ppf(0.975, ex["nrow"] - 1) / stats.t.ppf(0.975, ddf)) ** 2
    upper = stats.beta.isf(0.025, 1, m)  # Clopper–Pearson upper bound for 0 successes, n_eff = m
    for method in ("wald", "logit", "asin", "likelihood", "clopper-pearson"):
        p = svyprop(des, none, ci_method=method)
        assert p.estimate == 0 and p.ci_low == 0
        assert p.ci_high == pytest.approx(upper, rel=1e-12)
        assert p.ci_method == "clopper-pearson"
        assert p.to_dict()["ci_method"] == "clopper-pearson"
    # 100 %: the mirror image
    p = svyprop(des, ~none, ci_method="logit")
    assert p.ci_high == 1 and p.ci_low == pytest.approx(1 - upper, rel=1e-12) and p.ci_method == "clopper-pearson"


def test_zero_of_66_srs():
    """The issue's example: 0 successes of 66 no longer prints 0.0% – 0.0%."""
    d = pd.DataFrame({"y": np.zeros(66)})
    p = svyprop(Design.from_frame(d), d.y.to_numpy() == 1)
    assert p.ci_low == 0 and p.ci_high == pytest.approx(stats.beta.isf(0.025, 1, 66), rel=1e-12)
    assert p.ci_high > 0.05 and p.ci_method == "clopper-pearson"


def test_asin_interval_crossing_zero_is_cut_where_r_is_not():
    """R back-transforms sin(·)² of an arcsine interval that crosses 0, so its lower bound (0.046) exceeds
    the estimate (1/30); minyi cuts the arcsine interval at 0 (analysis/ci.py) — same upper bound."""
    ex = expected("asin_cross")
    d = pd.read_csv(GOLDEN / "r_ciprop_three_clusters.csv")
    p = svyprop(Design.from_frame(d, psu="cl"), d.y.to_numpy() == 1, ci_method="asin")
    assert p.estimate == pytest.approx(ex["asin_estimate"], rel=1e-12) and p.se == pytest.approx(ex["asin_se"], rel=1e-8)
    assert ex["asin_ci_low"] > ex["asin_estimate"]          # R's interval misses its own estimate
    assert p.ci_low == 0.0 and p.ci_high == pytest.approx(ex["asin_ci_high"], rel=1e-8)


@pytest.mark.parametrize("r_method", ["likelihood", "logit", "beta"])
def test_one_of_eight_far_profile(r_method):
    """One positive of eight (weight 4), four PSUs of two: the likelihood profile steps out to logit 40,
    where 1/(1 + e^−40) is 1.0 in floating point, and log(1 − μ) raised 'math domain error' (found by
    the rescaling property test). R's binomial link holds the odds at 1/ε beyond ±30, and so does the
    profile now: the bounds equal R's."""
    ex = expected("one_of_eight")
    d = pd.DataFrame({"y": [0, 0, 0, 0, 0, 0, 1, 0], "w": [1.0, 1, 1, 1, 1, 1, 4, 1], "psu": [1, 1, 2, 2, 3, 3, 4, 4]})
    check(svyprop(Design.from_frame(d, weights="w", psu="psu"), d.y.to_numpy() == 1, ci_method=METHOD[r_method]),
          ex, r_method)


def test_a_profile_that_stops_short_gives_r_s_na():
    """One positive of nine, five PSUs: at 95 % the nine profile steps below the estimate do not reach
    the cutoff, and R's lower bound is NA; minyi's is NaN (not a bound R does not give), the upper bound
    R's (found by the rescaling property test)."""
    ex = expected("short_profile")
    d = pd.DataFrame({"y": [0, 0, 0, 0, 0, 0, 1, 0, 0], "w": [1.0, 1, 1, 1, 1, 1, 1, 8, 1],
                      "psu": [1, 1, 2, 2, 3, 3, 4, 4, 5]})
    p = svyprop(Design.from_frame(d, weights="w", psu="psu"), d.y.to_numpy() == 1, ci_method="likelihood")
    assert np.isnan(ex["likelihood_ci_low"]) and np.isnan(p.ci_low)
    assert p.estimate == pytest.approx(ex["likelihood_estimate"], rel=1e-8)
    assert p.se == pytest.approx(ex["likelihood_se"], rel=1e-8)
    assert p.ci_high == pytest.approx(ex["likelihood_ci_high"], rel=1e-6)


@pytest.mark.parametrize("case,y", [("far_tail_4", [1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0]),
                                    ("far_tail_2.4", [1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0])])
def test_likelihood_interval_with_a_far_profile_level(case, y):
    """Three clusters (2 df) and a design effect of 4 (2.4): the profile's F level is 1.9e-18 (6.6e-12), where
    scipy's F quantile, fdtri(1, 11, 1 − q), rounds 1 − q to 1 (gives 0.03 % off at 6.6e-12); minyi gave no
    interval (NaN) for the first, R [5.9e-6, 0.999994]."""
    df = pd.DataFrame({"y": y, "psu": np.repeat([1, 2, 3], 4)})
    des = Design.from_frame(df, psu="psu")
    check(svyprop(des, df.y.to_numpy() == 1, ci_method="likelihood"), expected(case), "likelihood")


def test_f_upper_quantile_keeps_its_precision_in_the_far_tail():
    from analysis import distributions as D

    for quantity, value in expected("qf_upper").items():
        q = float(quantity.removeprefix("qf_"))
        assert D.f_isf(q, 1, 11) == pytest.approx(value, rel=1e-12), q

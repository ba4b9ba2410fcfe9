"""Comparisons: independent differences (vs statsmodels' Welch test), league tables (worked examples),
domain differences (consistency with the R-verified contrast route) and properties.

The R golden checks of domain differences, svycontrast, svyttest and wave differences are in
tests/test_designs_r_golden.py.
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis import Design, DesignError
from analysis.by import svyby
from analysis.compare import (contrast, domain_difference, domain_estimates, independent_difference, league,
                              league_from_estimates)
from analysis.estimators import svymean

RNG = np.random.default_rng(7)


def test_independent_difference_worked_example_normal():
    a = {"estimate": 0.62, "se": 0.03, "df": float("inf")}
    b = {"estimate": 0.55, "se": 0.04, "df": float("inf")}
    d = independent_difference(a, b)
    assert d.estimate == pytest.approx(0.07)
    assert d.se == pytest.approx(0.05)
    assert d.df == math.inf
    assert d.statistic == pytest.approx(1.4)
    assert d.p == pytest.approx(2 * stats.norm.sf(1.4))
    assert d.ci_low == pytest.approx(0.07 - 1.959963984540054 * 0.05)
    assert not d.significant and d.direction == "same"
    d2 = independent_difference({"estimate": 0.70, "se": 0.02, "df": math.inf}, b)
    assert d2.significant and d2.direction == "up" and d2.ci_low > 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_independent_difference_equals_welch_t_test(seed):
    """Two unweighted SRS waves: design SE² = s²/n and df = n−1, so the Satterthwaite difference is Welch's t."""
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    rng = np.random.default_rng(seed)
    y1 = rng.normal(70, 12, 57)
    y2 = rng.normal(66, 20, 83)
    m1 = svymean(Design.from_frame(pd.DataFrame({"y": y1})), y1)
    m2 = svymean(Design.from_frame(pd.DataFrame({"y": y2})), y2)
    d = independent_difference(m1, m2)
    cm = CompareMeans(DescrStatsW(y1), DescrStatsW(y2))
    t, p, df = cm.ttest_ind(usevar="unequal")
    assert d.statistic == pytest.approx(t, rel=1e-10)
    assert d.df == pytest.approx(df, rel=1e-10)
    assert d.p == pytest.approx(p, rel=1e-9)
    lo, hi = cm.tconfint_diff(usevar="unequal")
    assert (d.ci_low, d.ci_high) == pytest.approx((lo, hi), rel=1e-10)
    assert independent_difference(m1, m2, df=math.inf).df == math.inf


def test_league_worked_example_pairwise_and_overlap():
    groups = ["东城", "西城", "南区", "北区"]
    est = [80.0, 78.0, 70.0, 79.5]
    se = [1.0, 1.0, 1.0, 4.0]
    rows = league(groups, est, se=se, n=[200, 150, 180, 12])
    by = {r.group: r for r in rows}
    assert [r.group for r in rows] == ["东城", "北区", "西城", "南区"]
    assert [r.rank for r in rows] == [1, 2, 3, 4]
    # 东城 − 西城 = 2, se √2 → z 1.41: tie; each − 南区 ≥ 8: significant; 北区's se 4 ties it with all but none
    assert by["东城"].tied_with == ["北区", "西城"] and by["东城"].rank_best == 1 and by["东城"].rank_worst == 3
    # 北区 − 南区 = 9.5, se √17 → z 2.30: significant, so all three are above 南区
    assert by["南区"].rank_best == 4 and by["南区"].rank_worst == 4 and not by["南区"].tied
    assert by["北区"].small_base and not by["东城"].small_base
    assert not any(r.rank_best > r.rank or r.rank_worst < r.rank for r in rows)
    # overlap rule is more conservative: 北区 [71.7, 87.3] overlaps 南区 [68.0, 72.0]
    ov = {r.group: r for r in league(groups, est, se=se, method="overlap")}
    assert ov["东城"].rank_worst == 3 and ov["南区"].rank_best == 3 and ov["南区"].tied_with == ["北区"]
    lo = league(groups, est, se=se, descending=False)
    assert lo[0].group == "南区" and lo[0].rank_best == 1
    with pytest.raises(DesignError):
        league(groups, est)


def test_league_with_design_covariance_agrees_with_domain_differences():
    n = 600
    df = pd.DataFrame({"psu": RNG.integers(0, 40, n), "g": RNG.choice(list("abcd"), n),
                       "w": RNG.uniform(1, 5, n)})
    df["st"] = df.psu % 4
    y = RNG.normal(0, 1, n) + df.g.map({"a": 0.0, "b": 0.05, "c": 0.4, "d": 0.45}).to_numpy() + 0.3 * (df.psu % 3)
    des = Design.from_frame(df, weights="w", strata="st", psu="psu")
    de = domain_estimates(des, y, "g")
    rows = league(de.labels, de.estimate, se=de.se, cov=de.cov, df=des.degf(), n=de.n)
    by = {r.group: r for r in rows}
    for i, a in enumerate(de.labels):
        for j, b in enumerate(de.labels):
            if i < j:
                d = domain_difference(des, y, (df.g == a).to_numpy(), (df.g == b).to_numpy(), df=des.degf())
                tied = b in by[a].tied_with
                assert tied == (not d.significant)
                c = contrast(de.estimate, de.cov, np.eye(4)[i] - np.eye(4)[j], df=des.degf())
                assert c.se == pytest.approx(d.se, rel=1e-10)
                assert c.estimate == pytest.approx(d.estimate, rel=1e-12)
    # the per-group SEs of domain_estimates are svyby's
    for e in svyby(des, "g", svymean, y):
        assert by[e.domain["g"]].se == pytest.approx(e.se, rel=1e-10)
    # league_from_estimates over svyby records (independence assumed) gives the same ranking
    assert [r.group for r in league_from_estimates(svyby(des, "g", svymean, y))] == [r.group for r in rows]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.01, 1000))
def test_domain_difference_properties(seed, k):
    rng = np.random.default_rng(seed)
    n = 80
    df = pd.DataFrame({"psu": rng.integers(0, 16, n), "w": rng.uniform(0.5, 3, n)})
    df["st"] = df.psu % 2
    y = rng.normal(0, 1, n)
    a = rng.random(n) < 0.5
    des = Design.from_frame(df, weights="w", strata="st", psu="psu")
    d = domain_difference(des, y, a, ~a)
    r = domain_difference(des, y, ~a, a)
    assert r.estimate == pytest.approx(-d.estimate, abs=1e-12)
    assert r.se == pytest.approx(d.se, rel=1e-10) and r.p == pytest.approx(d.p, rel=1e-8)
    s = domain_difference(des.with_weights(des.weights * k), y, a, ~a)
    assert s.estimate == pytest.approx(d.estimate, rel=1e-9, abs=1e-12)
    assert s.se == pytest.approx(d.se, rel=1e-9)
    assert d.ci_low <= d.estimate <= d.ci_high
    same = domain_difference(des, y, a, a)
    assert same.estimate == 0 and same.se == pytest.approx(0, abs=1e-12) and not same.significant
    # a constant variable has no difference and no variance
    c = domain_difference(des, np.full(n, 3.0), a, ~a)
    assert c.estimate == pytest.approx(0, abs=1e-12) and c.se == pytest.approx(0, abs=1e-12)

"""Lonely-PSU options, domain differences, svyby ratios/totals and wave differences against R.

Values come from tests/golden/r_designs.R (each row records the R call; CI does not run R).
Point estimates and SEs must match to 1e-8 relative, interval bounds to 1e-6.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design, DesignError
from analysis.by import svyby
from analysis.compare import contrast, domain_difference, domain_estimates, independent_difference
from analysis.estimators import svymean, svyprop, svyratio, svytotal

GOLDEN = Path(__file__).parent / "golden"
DATA = pd.read_csv(GOLDEN / "r_designs_data.csv")
EXPECTED = pd.read_csv(GOLDEN / "r_designs_expected.csv", dtype={"value": str})


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    assert len(e), case
    return {q: (float(v) if q != "error" else v) for q, v in zip(e.quantity, e.value)}


def close(a, b, rel):
    assert a == pytest.approx(b, rel=rel, abs=rel * 1e-3), (a, b)


LONELY = {
    "L1": dict(psu="psu", strata="st_lonely", weights="w"),
    "L2fpc": dict(psu="psu", strata="st_lonely2", weights="w", fpc="Npsu_l2"),
    "L2": dict(psu="psu", strata="st_lonely2", weights="w"),
    "Lunit": dict(strata="st_unit_lonely", weights="wunit"),
}


@pytest.mark.parametrize("case", list(LONELY))
def test_lonely_fail_names_the_stratum_r_names(case):
    # R stops at the first lonely stratum ("Stratum (5) has only one PSU at stage 1"); minyi names them all,
    # and never counts a completely sampled (certainty) stratum as lonely (L2fpc: stratum 5 has fpc 1 PSU).
    r_msg = expected(f"{case}_fail")["error"]
    r_stratum = r_msg.split("(")[1].split(")")[0]
    des = Design.from_frame(DATA, **LONELY[case])
    with pytest.raises(DesignError, match=r"only one PSU") as err:
        svymean(des, DATA.y)
    named = str(err.value).split("stratum ")[1].split(" has")[0].split(", ")
    assert r_stratum in named
    if case == "L2fpc":
        assert named == ["6"]


def test_lonely_stratum_outside_the_domain_does_not_fail():
    # R subset() drops the rows of the lonely stratum, so svymean on the domain runs under 'fail'
    ex = expected("Lunit_fail")
    des = Design.from_frame(DATA, **LONELY["Lunit"])
    assert DATA.g[0] == "a" and DATA.st_unit_lonely[0] == 9
    close(svymean(des.subset((DATA.g == "b").to_numpy()), DATA.y).se, float(ex["dom_b_mean_y_se"]), 1e-8)


@pytest.mark.parametrize("case", list(LONELY))
@pytest.mark.parametrize("opt", ["certainty", "adjust", "average", "remove"])
def test_lonely_psu_options(case, opt):
    ex = expected(f"{case}_{opt}")
    des = Design.from_frame(DATA, lonely_psu=opt, **LONELY[case])
    assert des.degf() == ex["degf"]
    m = svymean(des, DATA.y)
    close(m.estimate, ex["mean_y"], 1e-8)
    close(m.se, ex["mean_y_se"], 1e-8)
    close(m.deff, ex["mean_y_deff"], 1e-8)
    close(svytotal(des, DATA.y).se, ex["total_y_se"], 1e-8)
    close(svyratio(des, DATA.y, DATA.x).se, ex["ratio_yx_se"], 1e-8)
    p = svyprop(des, DATA.b == 1, ci_method="clopper-pearson")
    close(p.se, ex["prop_b_se"], 1e-8)
    close(p.ci_low, ex["prop_b_beta_ci_low"], 1e-6)
    close(p.ci_high, ex["prop_b_beta_ci_high"], 1e-6)
    close(svymean(des.subset((DATA.g == "a").to_numpy()), DATA.y).se, ex["dom_a_mean_y_se"], 1e-8)
    for e in svyby(des, "g", svymean, DATA.y.to_numpy()):
        close(e.se, ex[f"by_{e.domain['g']}_mean_y_se"], 1e-8)


DESIGNS = {
    "strat_fpc": dict(strata="st", weights="wunit", fpc="Nunits"),
    "clus1": dict(psu="psu_id", weights="w"),
    "strat_clus": dict(psu="psu", strata="st", weights="w"),
    "strat_clus_fpc": dict(psu="psu", strata="st", weights="w", fpc="Npsu"),
    "srs_noweights": dict(),
}
PAIRS = [("a", "b"), ("a", "c"), ("b", "c")]


@pytest.mark.parametrize("case", list(DESIGNS))
@pytest.mark.parametrize("v", ["y", "b"])
def test_domain_differences_match_svycontrast_and_svyttest(case, v):
    ex = expected(case)
    des = Design.from_frame(DATA, **DESIGNS[case])
    y = DATA[v].to_numpy(dtype=float)
    de = domain_estimates(des, y, "g")
    assert de.labels == ["a", "b", "c"]
    # covariance of the domain means (R svyby covmat=TRUE); ~0 for unclustered designs
    assert de.cov[0, 1] == pytest.approx(ex[f"cov_{v}_a_b"], rel=1e-8, abs=1e-12 * de.cov[0, 0])
    for a, b in PAIRS:
        k = f"diff_{v}_{a}_{b}"
        ma, mb = (DATA.g == a).to_numpy(), (DATA.g == b).to_numpy()
        d = domain_difference(des, y, ma, mb)
        close(d.estimate, ex[k], 1e-8)
        close(d.se, ex[f"{k}_se"], 1e-8)
        assert d.df == ex[f"{k}_degf"]
        close(d.ci_low, ex[f"{k}_ci_low"], 1e-6)
        close(d.ci_high, ex[f"{k}_ci_high"], 1e-6)
        assert d.significant == (d.ci_low > 0 or d.ci_high < 0)
        # contrast of the joint domain estimates: same number
        c = contrast(de.estimate, de.cov, [float(g == a) - float(g == b) for g in de.labels], df=d.df)
        close(c.se, ex[f"{k}_se"], 1e-8)
        # svyttest: t = (b - a)/se on degf - 1 df (a two-coefficient regression)
        t = domain_difference(des, y, ma, mb, df=ex[f"{k}_ttest_df"])
        close(-t.statistic, ex[f"{k}_ttest_t"], 1e-8)
        close(t.p, ex[f"{k}_ttest_p"], 1e-6)


@pytest.mark.parametrize("case", list(DESIGNS))
def test_svyby_ratio_and_total(case):
    ex = expected(case)
    des = Design.from_frame(DATA, **DESIGNS[case])
    for g in "abc":
        sub = des.subset((DATA.g == g).to_numpy())
        r = svyratio(sub, DATA.y, DATA.x)
        close(r.estimate, ex[f"by_{g}_ratio_yx"], 1e-8)
        close(r.se, ex[f"by_{g}_ratio_yx_se"], 1e-8)
        t = svytotal(sub, DATA.y)
        close(t.estimate, ex[f"by_{g}_total_y"], 1e-8)
        close(t.se, ex[f"by_{g}_total_y_se"], 1e-8)


WAVES = {
    "strat_clus": dict(psu="psu", strata="st", weights="w"),
    "strat_clus_fpc": dict(psu="psu", strata="st", weights="w", fpc="Npsu"),
    "clus1": dict(psu="psu_id", weights="w"),
}


@pytest.mark.parametrize("case", list(WAVES))
@pytest.mark.parametrize("v", ["y", "b"])
def test_wave_difference_independent_samples(case, v):
    ex = expected(f"wave_{case}")
    des = Design.from_frame(DATA, **WAVES[case])
    m1 = svymean(des, DATA[v])
    m2 = svymean(des, DATA[f"{v}2"])
    close(m1.se, ex[f"wave1_{v}_se"], 1e-8)
    close(m2.se, ex[f"wave2_{v}_se"], 1e-8)
    assert m1.df == ex["wave1_degf"] and m2.df == ex["wave2_degf"]
    d = independent_difference(m2, m1)
    close(d.estimate, ex[f"diff_{v}"], 1e-8)
    close(d.se, ex[f"diff_{v}_se"], 1e-8)           # R: the waves stacked as strata of one design
    assert abs(ex[f"cov_{v}"]) <= 1e-12 * d.se**2     # independent: no covariance in R either
    # Welch–Satterthwaite df lies between the smaller wave df and the sum
    assert min(m1.df, m2.df) <= d.df <= m1.df + m2.df
    assert independent_difference(m2, m1, df="pooled").df == m1.df + m2.df

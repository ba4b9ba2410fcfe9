"""minyi's estimators against golden values from R's survey package.

The values come from tests/golden/r_estimators.R (each row records the R call); CI does not
run R.  Point estimates and SEs must match to 1e-8 relative, interval bounds to 1e-6.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.by import svyby
from analysis.estimators import design_df, svymean, svyprop, svyratio, svytotal

GOLDEN = Path(__file__).parent / "golden"
DATA = pd.read_csv(GOLDEN / "r_estimators_data.csv")
EXPECTED = pd.read_csv(GOLDEN / "r_estimators_expected.csv", dtype={"value": float})
DATA["one_over_wunit"] = 1 / DATA["wunit"]
DATA["N200"] = 200

DESIGNS = {
    "strat_fpc": dict(strata="st", weights="wunit", fpc="Nunits"),
    "strat_fpcfrac": dict(strata="st", weights="wunit", fpc="one_over_wunit"),
    "clus1": dict(psu="psu_id", weights="w"),
    "clus1_fpc": dict(psu="psu_id", weights="w", fpc="N200"),
    "strat_clus": dict(psu="psu", strata="st", weights="w"),
    "strat_clus_fpc": dict(psu="psu", strata="st", weights="w", fpc="Npsu"),
    "srs_fpc": dict(weights="wsrs", fpc="Nall"),
    "srs_noweights": dict(),
}
METHOD = {"logit": "logit", "xlogit": "logit", "beta": "clopper-pearson", "mean": "wald"}


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    return dict(zip(e.quantity, e.value))


def close(a, b, rel):
    assert a == pytest.approx(b, rel=rel, abs=rel * 1e-3), (a, b)


@pytest.mark.parametrize("case", list(DESIGNS))
def test_mean_total_ratio(case):
    ex = expected(case)
    des = Design.from_frame(DATA, **DESIGNS[case])
    assert des.degf() == ex["degf"]
    m = svymean(des, DATA.y)
    close(m.estimate, ex["mean_y"], 1e-8)
    close(m.se, ex["mean_y_se"], 1e-8)
    close(m.ci_low, ex["mean_y_ci_low"], 1e-6)
    close(m.ci_high, ex["mean_y_ci_high"], 1e-6)
    t = svytotal(des, DATA.y)
    close(t.estimate, ex["total_y"], 1e-8)
    close(t.se, ex["total_y_se"], 1e-8)
    r = svyratio(des, DATA.y, DATA.x)
    close(r.estimate, ex["ratio_yx"], 1e-8)
    close(r.se, ex["ratio_yx_se"], 1e-8)
    if "mean_y_deff" in ex:
        close(m.deff, ex["mean_y_deff"], 1e-8)
        close(t.deff, ex["total_y_deff"], 1e-8)
        close(r.deff, ex["ratio_yx_deff"], 1e-8)


@pytest.mark.parametrize("case", list(DESIGNS))
@pytest.mark.parametrize("r_method", list(METHOD))
def test_proportion_intervals(case, r_method):
    ex = expected(case)
    des = Design.from_frame(DATA, **DESIGNS[case])
    b = DATA.b.to_numpy() == 1
    for conf, suffix in ((0.95, ""), (0.90, "_90")):
        p = svyprop(des, b, ci_method=METHOD[r_method], confidence=conf)
        close(p.estimate, ex[f"prop_b_{r_method}"], 1e-8)
        close(p.se, ex["prop_b_se"], 1e-8)
        close(p.ci_low, ex[f"prop_b_{r_method}{suffix}_ci_low"], 1e-6)
        close(p.ci_high, ex[f"prop_b_{r_method}{suffix}_ci_high"], 1e-6)
    if "prop_b_deff" in ex:
        close(p.deff, ex["prop_b_deff"], 1e-8)


@pytest.mark.parametrize("case", list(DESIGNS))
def test_domains_subset_by_and_ratio_routes_agree(case):
    ex = expected(case)
    des = Design.from_frame(DATA, **DESIGNS[case])
    b = DATA.b.to_numpy() == 1
    by = {e.domain["g"]: e for e in svyby(des, "g", svymean, DATA.y.to_numpy())}
    for g in "abc":
        mask = (DATA.g == g).to_numpy()
        sub = des.subset(mask)
        m = svymean(sub, DATA.y)
        close(m.estimate, ex[f"dom_{g}_mean_y"], 1e-8)
        close(m.se, ex[f"dom_{g}_mean_y_se"], 1e-8)
        assert design_df(des, sub.weights) == ex[f"dom_{g}_degf"]
        close(m.ci_low, ex[f"dom_{g}_mean_y_ci_low"], 1e-6)
        close(m.ci_high, ex[f"dom_{g}_mean_y_ci_high"], 1e-6)
        if f"dom_{g}_mean_y_deff" in ex:
            close(m.deff, ex[f"dom_{g}_mean_y_deff"], 1e-8)
        # the valid-mask route, the svyby route and R's svyby give the same SE
        m2 = svymean(des, DATA.y, valid=mask)
        close(m2.se, m.se, 1e-12)
        close(by[g].se, ex[f"by_{g}_mean_y_se"], 1e-8)
        close(by[g].estimate, ex[f"by_{g}_mean_y"], 1e-8)
        t = svytotal(sub, DATA.y)
        close(t.estimate, ex[f"dom_{g}_total_y"], 1e-8)
        close(t.se, ex[f"dom_{g}_total_y_se"], 1e-8)
        for r_method in ("logit", "beta", "mean"):
            p = svyprop(sub, b, ci_method=METHOD[r_method])
            close(p.estimate, ex[f"dom_{g}_prop_b_{r_method}"], 1e-8)
            close(p.ci_low, ex[f"dom_{g}_prop_b_{r_method}_ci_low"], 1e-6)
            close(p.ci_high, ex[f"dom_{g}_prop_b_{r_method}_ci_high"], 1e-6)
    # ratio route: domain mean of y in g=='a' as a ratio of totals has the same SE
    a = (DATA.g == "a").to_numpy().astype(float)
    r = svyratio(des, DATA.y * a, a)
    close(r.se, ex["ratio_dom_a_se"], 1e-8)
    close(r.se, svymean(des.subset(a > 0), DATA.y).se, 1e-10)


@pytest.mark.parametrize("opt", ["certainty", "adjust", "average", "remove"])
def test_lonely_psu(opt):
    ex = expected(f"lonely_{opt}")
    des = Design.from_frame(DATA, psu="psu", strata="st_lonely", weights="w", lonely_psu=opt)
    close(svymean(des, DATA.y).se, ex["mean_y_se"], 1e-8)
    close(svytotal(des, DATA.y).se, ex["total_y_se"], 1e-8)


def test_lonely_psu_fails_by_default():
    from analysis import DesignError

    des = Design.from_frame(DATA, psu="psu", strata="st_lonely", weights="w")
    with pytest.raises(DesignError, match="only one PSU"):
        svymean(des, DATA.y)

"""minyi's weighting against R's survey package (rake, postStratify, trimWeights).

Golden values come from tests/golden/r_weighting.R (each expected value records its R call);
CI does not run R.  Weights must match to 1e-6 relative (they agree to ~1e-12); estimates and
SEs on the calibrated designs (with R's calibration adjustment of the variance) to 1e-8.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.estimators import svymean, svytotal
from analysis.weighting import poststratify, rake, trim_weights

GOLDEN = Path(__file__).parent / "golden"
DATA = pd.read_csv(GOLDEN / "r_weighting_data.csv")
WEIGHTS = pd.read_csv(GOLDEN / "r_weighting_weights.csv")
EXPECTED = pd.read_csv(GOLDEN / "r_weighting_expected.csv", dtype={"value": float})

POP = {
    "sex": {"F": 10400, "M": 9600},
    "age": {"18-34": 6000, "35-54": 8400, "55+": 5600},
    "region": {"north": 9000, "south": 7000, "west": 4000},
}
DESIGNS = {
    "srs": dict(weights="w"),
    "strat_clus": dict(weights="w", strata="st", psu="psu"),
    "strat_clus_fpc": dict(weights="w", strata="st", psu="psu", fpc="Npsu"),
}
TIGHT = dict(maxit=200, epsilon=1e-12)


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    return dict(zip(e.quantity, e.value))


def close(a, b, rel):
    assert a == pytest.approx(b, rel=rel, abs=rel * 1e-3), (a, b)


def same_weights(w, case):
    np.testing.assert_allclose(w, WEIGHTS[case].to_numpy(), rtol=1e-6, atol=0)


def check_estimates(des, case):
    ex = expected(case)
    m = svymean(des, DATA.y)
    close(m.estimate, ex["mean_y"], 1e-8)
    close(m.se, ex["mean_y_se"], 1e-8)
    close(m.deff, ex["mean_y_deff"], 1e-8)
    t = svytotal(des, DATA.y)
    close(t.estimate, ex["total_y"], 1e-8)
    close(t.se, ex["total_y_se"], 1e-8)
    b = svymean(des, DATA.b)
    close(b.estimate, ex["mean_b"], 1e-8)
    close(b.se, ex["mean_b_se"], 1e-8)
    sub = des.subset(DATA.region == "west")
    ms = svymean(sub, DATA.y)
    close(ms.estimate, ex["dom_west_mean_y"], 1e-8)
    close(ms.se, ex["dom_west_mean_y_se"], 1e-8)
    f = svytotal(des, (DATA.sex == "F").astype(float))
    close(f.se, ex["total_female_se"], 1e-8)
    close(des.weights.sum(), ex["sum_w"], 1e-8)


@pytest.mark.parametrize("name", list(DESIGNS))
def test_base_design_matches(name):
    check_estimates(Design.from_frame(DATA, **DESIGNS[name]), f"{name}_base")


@pytest.mark.parametrize("name", list(DESIGNS))
def test_rake_three_margins_r_default_control(name):
    des = Design.from_frame(DATA, **DESIGNS[name])
    new, rep = rake(des, POP)
    same_weights(new.weights, f"{name}_rake3")
    assert rep.converged == bool(expected(f"{name}_rake3")["converged"])
    check_estimates(new, f"{name}_rake3")


@pytest.mark.parametrize("name", list(DESIGNS))
def test_rake_to_convergence(name):
    des = Design.from_frame(DATA, **DESIGNS[name])
    new, rep = rake(des, POP, **TIGHT)
    same_weights(new.weights, f"{name}_rake3_tight")
    assert rep.converged
    check_estimates(new, f"{name}_rake3_tight")


@pytest.mark.parametrize("name", list(DESIGNS))
def test_rake_two_margins(name):
    des = Design.from_frame(DATA, **DESIGNS[name])
    new, _ = rake(des, {"sex": POP["sex"], "age": POP["age"]})
    same_weights(new.weights, f"{name}_rake2")
    check_estimates(new, f"{name}_rake2")


@pytest.mark.parametrize("name", list(DESIGNS))
def test_poststratify_counts(name):
    des = Design.from_frame(DATA, **DESIGNS[name])
    new, rep = poststratify(des, {"region": POP["region"]})
    same_weights(new.weights, f"{name}_ps_region")
    check_estimates(new, f"{name}_ps_region")
    assert rep.converged


@pytest.mark.parametrize("name", list(DESIGNS))
def test_poststratify_shares_scaled_to_weighted_sample_total(name):
    des = Design.from_frame(DATA, **DESIGNS[name])
    # the margin given as a DataFrame of shares (R: shares * sum(weights(des)))
    margin = pd.DataFrame({"age": ["18-34", "35-54", "55+"], "share": [0.3, 0.42, 0.28]})
    new, _ = poststratify(des, {"age": margin})
    same_weights(new.weights, f"{name}_ps_age_share")
    check_estimates(new, f"{name}_ps_age_share")


def test_rake_stops_at_maxit_and_reports_not_converged():
    des = Design.from_frame(DATA, weights="w")
    new, rep = rake(des, POP, maxit=2, epsilon=1e-12)
    same_weights(new.weights, "srs_rake3_maxit2")
    assert expected("srs_rake3_maxit2")["converged"] == 0
    assert not rep.converged and rep.iterations == 2


def test_rake_relative_epsilon():
    des = Design.from_frame(DATA, weights="w")
    new, rep = rake(des, POP, maxit=10, epsilon=1e-4)
    same_weights(new.weights, "srs_rake3_eps1e-4")
    assert rep.converged and rep.epsilon == pytest.approx(1e-4 * DATA.w.sum())


def test_trim_weights_matches_r():
    des = Design.from_frame(DATA, **DESIGNS["strat_clus"])
    rk, _ = rake(des, POP, **TIGHT)
    up = expected("trim")["upper"]
    close(2.5 * rk.weights.mean(), up, 1e-8)
    same_weights(trim_weights(rk, upper=up, strict=True).weights, "trim_strict")
    same_weights(trim_weights(rk, upper=up, strict=False).weights, "trim_once")
    same_weights(trim_weights(rk, upper=up, lower=0.5 * rk.weights.mean(), strict=True).weights, "trim_lower")


def test_cap_trim_and_rerake_matches_r_loop():
    des = Design.from_frame(DATA, **DESIGNS["strat_clus"])
    new, rep = rake(des, POP, cap=2.5, **TIGHT)
    same_weights(new.weights, "cap_rake")
    assert rep.trim_rounds == expected("cap_rake")["rounds"]
    assert rep.cap_satisfied and rep.max_ratio <= 2.5 * (1 + 1e-9)
    check_estimates(new, "cap_rake")


SEXAGE = pd.DataFrame({"sex": ["F"] * 3 + ["M"] * 3, "age": ["18-34", "35-54", "55+"] * 2,
                       "Freq": [2900, 4400, 3100, 3100, 4000, 2500]})


def test_poststratify_cross_classified_cells():
    des = Design.from_frame(DATA, **DESIGNS["strat_clus"])
    new, _ = poststratify(des, {"sex+age": SEXAGE})
    same_weights(new.weights, "ps_sexage")
    check_estimates(new, "ps_sexage")


def test_rake_with_a_cross_classified_margin():
    des = Design.from_frame(DATA, **DESIGNS["strat_clus"])
    cells = {(r.sex, r.age): r.Freq for r in SEXAGE.itertuples()}  # the joint margin as a mapping of tuples
    new, rep = rake(des, {"sex+age": cells, "region": POP["region"]})
    same_weights(new.weights, "rake_sexage_region")
    assert rep.converged == bool(expected("rake_sexage_region")["converged"])
    check_estimates(new, "rake_sexage_region")

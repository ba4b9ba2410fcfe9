"""Design-based GLMs (analysis.glm.svyglm) against R's svyglm (tests/golden/r_svyglm.R).

Coefficients, SEs, t and the design covariance to 1e-8 relative; p values and interval bounds to 1e-6.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.glm import glm_fit, svyglm
from analysis.weighting import poststratify

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = pd.read_csv(GOLDEN / "r_svyglm_expected.csv", dtype={"value": float})
ST = pd.read_csv(GOLDEN / "r_svyglm_apistrat.csv")
C2 = pd.read_csv(GOLDEN / "r_svyglm_apiclus2.csv")
DRV = pd.read_csv(GOLDEN / "r_svyglm_drivers.csv")


def strat():
    return Design.from_frame(ST, strata="stype", weights="pw", fpc="fpc")


def clus2():
    return Design.from_frame(C2, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])


def drivers():
    return Design.from_frame(DRV, psu="community", strata="district", weights="w")


CASES = {
    "strat_linear": (strat, "api00 ~ ell + meals + mobility", "gaussian", None),
    "strat_logistic": (strat, "yes ~ ell + meals + stype", "binomial", None),
    "strat_domain": (strat, "api00 ~ ell + meals", "gaussian", lambda: ST.stype.to_numpy() != "H"),
    "strat_poststrat_logistic": (lambda: poststratify(strat(), {"stype": {"E": 4421, "H": 755, "M": 1018}})[0],
                                 "yes ~ meals + ell", "quasibinomial", None),
    "clus2_linear": (clus2, "api00 ~ ell + meals", "gaussian", None),
    "clus2_logistic": (clus2, "yes ~ meals", "binomial", None),
    "drivers_linear": (drivers, "overall ~ Q1 + Q2 + Q3 + Q4", "gaussian", None),
    "drivers_logistic": (drivers, "top2 ~ Q1 + Q2 + Q3 + Q4", "binomial", None),
    "drivers_district": (drivers, "overall ~ Q1 + Q4 + district", "gaussian", None),
}


# models with rows missing a value: R's summary.svyglm computes the dispersion from Pearson residuals
# padded back to the full data (naresid) against the design without those rows, so its rows are
# misaligned; minyi's is the svyvar of the residuals of the rows fitted (docs/statistics.md).  The
# dispersion only enters the printed summary, not the coefficients, SEs or tests.
WITH_MISSING = ("strat_linear", "drivers_linear", "drivers_logistic")


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    return dict(zip(e.quantity, e.value))


@pytest.mark.parametrize("case", list(CASES))
def test_svyglm_matches_r(case):
    make, formula, family, dom = CASES[case]
    ex = expected(case)
    m = svyglm(make(), formula, family=family, valid=None if dom is None else dom())
    assert len(m.names) == ex["n_coef"]
    assert m.df_residual == ex["df_residual"]
    if case not in WITH_MISSING:
        assert m.dispersion == pytest.approx(ex["dispersion"], rel=1e-8)
    lo, hi = m.confint()
    tab = m.summary()
    for i, term in enumerate(m.names):
        assert m.coef()[i] == pytest.approx(ex[f"{term}|estimate"], rel=1e-8, abs=1e-12)
        assert m.SE()[i] == pytest.approx(ex[f"{term}|se"], rel=1e-8)
        assert m.t[i] == pytest.approx(ex[f"{term}|t"], rel=1e-8, abs=1e-10)
        assert m.p[i] == pytest.approx(ex[f"{term}|p"], rel=1e-6, abs=1e-15)
        assert lo[i] == pytest.approx(ex[f"{term}|ci_low"], rel=1e-6)
        assert hi[i] == pytest.approx(ex[f"{term}|ci_high"], rel=1e-6)
        assert tab.loc[i, "term"] == term
    if "cov_1_2" in ex:
        assert m.vcov()[0, 1] == pytest.approx(ex["cov_1_2"], rel=1e-8)


def test_linear_model_without_design_equals_weighted_least_squares_coefficients():
    import statsmodels.api as sm

    d = DRV.dropna()
    des = Design.from_frame(d, weights="w")
    m = svyglm(des, "overall ~ Q1 + Q2 + Q3 + Q4")
    X = sm.add_constant(d[["Q1", "Q2", "Q3", "Q4"]].to_numpy(float))
    ref = sm.WLS(d.overall.to_numpy(float), X, weights=d.w.to_numpy()).fit()
    assert m.coef() == pytest.approx(ref.params, rel=1e-10)
    # the design-based SE is a sandwich: statsmodels' HC0 on the weighted fit, times n/(n-1)
    hc0 = sm.WLS(d.overall.to_numpy(float), X, weights=d.w.to_numpy()).fit(cov_type="HC0").bse
    n = len(d)
    assert m.SE() == pytest.approx(hc0 * np.sqrt(n / (n - 1)), rel=1e-8)
    # R glm.fit on the identity link: the first step is the least-squares fit, the second confirms it
    # (R reports 2 iterations); the second step is not recomputed, and a full one changes nothing
    fit = m.extra["fit"]
    assert (fit.iterations, fit.converged) == (2, True)
    again = glm_fit(X, d.overall.to_numpy(float), d.w.to_numpy() / d.w.mean(), start=fit.coef)
    assert again.coef == pytest.approx(fit.coef, rel=1e-12)
    assert again.deviance == pytest.approx(fit.deviance, rel=1e-12)


@pytest.mark.parametrize("family", ["gaussian", "binomial"])
def test_fit_of_many_rows_by_blocks_equals_one_factorization(family, monkeypatch):
    """Above two blocks of rows glm_fit factors [Xw | zw] block by block (TSQR): the coefficients, the
    unscaled covariance and the deviance equal one QR of the whole matrix (blocks larger than the data)
    to rounding, and the Gaussian fit equals statsmodels' weighted least squares."""
    import statsmodels.api as sm

    from analysis import glm

    rng = np.random.default_rng(14)
    n = 3 * glm.QR_BLOCK + 1234
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 3)), rng.integers(0, 2, n)])
    eta = X @ np.array([0.3, 1.0, -0.5, 0.25, 0.8])
    y = eta + rng.normal(size=n) if family == "gaussian" else (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    prior = rng.uniform(0.5, 2.0, n)
    blocks = glm_fit(X, y, prior, family)
    monkeypatch.setattr(glm, "QR_BLOCK", n)  # one factorization of the whole matrix
    whole = glm_fit(X, y, prior, family)
    assert blocks.iterations == whole.iterations
    np.testing.assert_allclose(blocks.coef, whole.coef, rtol=1e-11)
    np.testing.assert_allclose(blocks.cov_unscaled, whole.cov_unscaled, rtol=1e-10)
    assert blocks.deviance == pytest.approx(whole.deviance, rel=1e-12)
    if family == "gaussian":
        np.testing.assert_allclose(blocks.coef, sm.WLS(y, X, weights=prior).fit().params, rtol=1e-10)


SEPARATION = pd.read_csv(GOLDEN / "r_glm_separation_expected.csv", dtype={"value": float})


def test_logit_link_and_a_separated_fit_match_r():
    """R's logit link holds exp(η) to [ε, 1/ε] beyond |η| > 30 (family.c), so μ never reaches 0 or 1: the
    same μ and dμ/dη as R's at these points, and glm.fit on perfectly separated data stops as R's does —
    25 iterations, not converged, the coefficients and the deviance of R (tests/golden/r_glm_separation.R).
    Without the bounds μ became 0 or 1 and the fit failed ('the model fit diverged')."""
    from analysis.glm import _family

    ex = dict(zip(SEPARATION.quantity, SEPARATION.value))
    _, linkinv, mu_eta, *_ = _family("binomial")
    for e in ("-40", "-30.5", "-30", "-5", "0", "5", "30", "30.5", "40"):
        eta = np.array([float(e)])
        assert linkinv(eta)[0] == pytest.approx(ex[f"linkinv|{e}"], rel=1e-15), e
        assert mu_eta(eta)[0] == pytest.approx(ex[f"mu_eta|{e}"], rel=1e-15), e
    X = np.column_stack([np.ones(20), np.arange(1, 21.0)])
    fit = glm_fit(X, (np.arange(1, 21) > 10).astype(float), np.ones(20), "binomial")
    assert (fit.iterations, fit.converged) == (int(ex["separated|iterations"]), bool(ex["separated|converged"]))
    assert fit.coef == pytest.approx([ex["separated|intercept"], ex["separated|slope"]], rel=1e-9)
    assert fit.deviance == pytest.approx(ex["separated|deviance"], rel=1e-8)

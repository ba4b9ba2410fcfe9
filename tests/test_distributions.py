"""analysis/distributions.py equals scipy.stats on a grid that includes the edges (df = ∞, df ≤ 0,
probabilities 0 and 1 and outside [0, 1], x below the support, NaN)."""

import itertools

import numpy as np
import pytest
from scipy import stats

from analysis import distributions as D

XS = [-np.inf, -5.0, -1.96, -0.3, 0.0, 1e-12, 0.3, 1.0, 1.96, 3.5, 12.0, 80.0, np.inf, np.nan]
QS = [-0.1, 0.0, 1e-12, 0.001, 0.025, 0.05, 0.3, 0.5, 0.7, 0.975, 0.999, 1.0, 1.1, np.nan]
DFS = [-1.0, 0.0, 0.4, 1.0, 2.0, 4.5, 29.0, 1e3, 1e7, np.inf, np.nan]
SHAPES = [-1.0, 0.0, 0.01, 0.5, 1.0, 2.5, 40.0, 1e4, np.nan]


def same(got, want):
    got, want = np.asarray(got, float), np.asarray(want, float)
    assert got.shape == want.shape
    assert np.array_equal(np.isnan(got), np.isnan(want)), (got, want)
    ok = ~np.isnan(want)
    np.testing.assert_allclose(got[ok], want[ok], rtol=1e-13, atol=0)


@pytest.mark.parametrize("x", XS)
def test_norm(x):
    same(D.norm_cdf(x), stats.norm.cdf(x))
    same(D.norm_sf(x), stats.norm.sf(x))


@pytest.mark.parametrize("q", QS)
def test_norm_quantiles(q):
    same(D.norm_ppf(q), stats.norm.ppf(q))
    same(D.norm_isf(q), stats.norm.isf(q))


@pytest.mark.parametrize("df", DFS)
def test_t(df):
    for x in XS:
        same(D.t_sf(x, df), stats.t.sf(x, df))
    for q in QS:
        same(D.t_ppf(q, df), stats.t.ppf(q, df))
        same(D.t_isf(q, df), stats.t.isf(q, df))


@pytest.mark.parametrize("dfn,dfd", list(itertools.product([-1.0, 0.0, 0.5, 1.0, 3.0, 17.5, np.inf], DFS)))
def test_f(dfn, dfd):
    for x in XS:
        same(D.f_sf(x, dfn, dfd), stats.f.sf(x, dfn, dfd))
    for q in QS:
        if q == 1e-12:  # scipy's fdtri(dfn, dfd, 1 − q) keeps only ~4 digits of q there: minyi inverts f_sf
            x = D.f_isf(q, dfn, dfd)
            if np.isfinite(x) and x > 0:
                assert D.f_sf(x, dfn, dfd) == pytest.approx(q, rel=1e-9), (dfn, dfd)
            else:
                same(x, stats.f.isf(q, dfn, dfd))
            continue
        got, want = D.f_isf(q, dfn, dfd), stats.f.isf(q, dfn, dfd)
        assert np.array_equal(np.isnan(got), np.isnan(want)), (q, got, want)
        if not np.isnan(want):  # the two routes to the same quantile agree to rounding (scipy's 1 − q)
            np.testing.assert_allclose(got, want, rtol=1e-9 if q < 0.01 else 1e-11, atol=1e-300)


@pytest.mark.parametrize("df", DFS)
def test_chi2(df):
    for x in XS:
        same(D.chi2_sf(x, df), stats.chi2.sf(x, df))


@pytest.mark.parametrize("a,b", list(itertools.product(SHAPES, SHAPES)))
def test_beta(a, b):
    for q in QS:
        same(D.beta_ppf(q, a, b), stats.beta.ppf(q, a, b))
        same(D.beta_isf(q, a, b), stats.beta.isf(q, a, b))


def test_arrays_broadcast_like_scipy():
    q = np.array([0.025, 0.05, 0.5])
    df = np.array([[3.0], [np.inf]])
    same(D.t_isf(q, df), stats.t.isf(q, df))
    a = np.array([0.0, 1.0, 5.0])
    same(D.beta_ppf(0.025, a, a + 1), stats.beta.ppf(0.025, a, a + 1))
    assert isinstance(D.norm_isf(0.025), float)

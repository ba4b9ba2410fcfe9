"""Tail probabilities and quantiles of the normal, t, F, χ² and beta distributions, from ``scipy.special``.

``scipy.stats`` takes about a second to import (its hundreds of distribution classes), which every
command that analyses paid before printing anything; the few functions minyi needs are one special
function each.  Each function here is the one ``scipy.stats`` itself evaluates (scipy 1.17,
``scipy/stats/_continuous_distns.py``: ``norm._isf = -ndtri``, ``t._sf = stdtr(df, -x)``,
``t._isf = -stdtrit(df, q)``, ``f._sf = fdtrc``, ``chi2._sf =
chdtrc``, ``beta._ppf = _beta_ppf``, ``beta._isf = betainccinv``), with the same results at the
edges: NaN for a NaN argument or a parameter outside its range (df ≤ 0, a probability outside
[0, 1]), and for x below the support the survival function 1.  ``tests/test_distributions.py``
checks every function against ``scipy.stats`` on a grid that includes those edges and df = ∞.
One deliberate exception: :func:`f_isf` keeps its precision in the far upper tail, where
``scipy.stats.f.isf`` (``fdtri(dfn, dfd, 1 − q)``) loses it; it equals R's ``qf(lower.tail=FALSE)``.
"""

from __future__ import annotations

import numpy as np
from scipy import special as sc

try:  # the boost-based beta quantile scipy.stats uses (scipy ≥ 1.12); betaincinv otherwise
    from scipy.special._ufuncs import _beta_ppf
except ImportError:  # pragma: no cover - older scipy
    def _beta_ppf(q, a, b):
        return sc.betaincinv(a, b, q)


def _out(v):
    """A 0-d result as a Python-like float (``np.float64``), arrays as they are (as scipy.stats)."""
    v = np.asarray(v, dtype=float)
    return v[()] if v.ndim == 0 else v


def _pos(*params):
    ok = True
    for p in params:
        ok = ok & (np.asarray(p, dtype=float) > 0)
    return ok


def _sf(x, ok, fn, lo: float, hi: float):
    """scipy.stats' ``rv_continuous.sf``: ``fn`` inside the support (lo, hi), 1 at or below it, 0 at or
    above it, NaN for a NaN x or parameters outside their range (``ok`` False)."""
    x = np.asarray(x, dtype=float)
    inside = (x > lo) & (x < hi)
    v = np.where(inside, fn(np.where(inside, x, (lo + hi) / 2 if np.isfinite(lo + hi) else 1.0)),
                 np.where(x >= hi, 0.0, 1.0))
    return _out(np.where(ok & ~np.isnan(x), v, np.nan))


def _quantile(q, ok, fn, lo: float, hi: float, upper: bool = False):
    """scipy.stats' ``ppf`` (``upper``: ``isf``): ``fn`` for 0 < q < 1, the support's ends at q = 0 and 1,
    NaN outside [0, 1] or for parameters outside their range."""
    q = np.asarray(q, dtype=float)
    inside = (q > 0) & (q < 1)
    ends = np.where(q == 0, hi if upper else lo, lo if upper else hi)
    v = np.where(inside, fn(np.where(inside, q, 0.5)), ends)
    return _out(np.where(ok & (q >= 0) & (q <= 1), v, np.nan))


def _p(params, ok):
    """Parameters with the invalid ones replaced by 1 (their results are NaN anyway)."""
    return [np.where(ok, np.asarray(p, dtype=float), 1.0) for p in params]


def norm_cdf(x):
    """Φ(x) (``scipy.stats.norm.cdf``)."""
    return _out(sc.ndtr(np.asarray(x, dtype=float)))


def norm_sf(x):
    """1 − Φ(x) (``scipy.stats.norm.sf``)."""
    return _out(sc.ndtr(-np.asarray(x, dtype=float)))


def norm_ppf(q):
    """Φ⁻¹(q) (``scipy.stats.norm.ppf``)."""
    return _quantile(q, True, sc.ndtri, -np.inf, np.inf)


def norm_isf(q):
    """Φ⁻¹(1 − q) (``scipy.stats.norm.isf``)."""
    return _quantile(q, True, lambda v: -sc.ndtri(v), -np.inf, np.inf, upper=True)


def t_sf(x, df):
    """P(T_df > x) (``scipy.stats.t.sf``; df = ∞ is the normal)."""
    ok = _pos(df)
    (d,) = _p([df], ok)
    return _sf(x, ok, lambda v: sc.stdtr(d, -v), -np.inf, np.inf)


def t_ppf(q, df):
    """The q quantile of t_df (``scipy.stats.t.ppf``)."""
    ok = _pos(df)
    (d,) = _p([df], ok)
    return _quantile(q, ok, lambda v: sc.stdtrit(d, v), -np.inf, np.inf)


def t_isf(q, df):
    """The 1 − q quantile of t_df (``scipy.stats.t.isf``)."""
    ok = _pos(df)
    (d,) = _p([df], ok)
    return _quantile(q, ok, lambda v: -sc.stdtrit(d, v), -np.inf, np.inf, upper=True)


def f_sf(x, dfn, dfd):
    """P(F_{dfn, dfd} > x) (``scipy.stats.f.sf``)."""
    ok = _pos(dfn, dfd)
    dn, dd = _p([dfn, dfd], ok)
    return _sf(x, ok, lambda v: sc.fdtrc(dn, dd, v), 0.0, np.inf)


def f_isf(q, dfn, dfd):
    """The 1 − q quantile of F_{dfn, dfd}, accurate in the far upper tail (R ``qf(q, dfn, dfd,
    lower.tail=FALSE)``).

    ``scipy.stats.f.isf`` evaluates ``fdtri(dfn, dfd, 1 − q)``, and ``1 − q`` keeps only ~16 − log10(1/q)
    digits of q: at q = 1.4e-15 (the profile level of a likelihood interval with 2 df and a design effect
    of 3, :mod:`analysis.ci_likelihood`) the quantile is 0.03 % off, and below q = 1.1e-16 ``1 − q`` rounds
    to 1 and the quantile to ∞.  Here, for a finite ``dfd``, the quantile comes from the lower tail of the
    beta variables: if X ~ F(d₁, d₂) then B = d₁X/(d₁X + d₂) ~ Beta(d₁/2, d₂/2) (Abramowitz & Stegun
    26.6.2), so x = d₂B_q/(d₁(1 − B_q)) with B_q = ``betainccinv(d₁/2, d₂/2, q)``; where B_q > ½ (the far
    tail, where 1 − B_q would lose digits) from C = 1 − B ~ Beta(d₂/2, d₁/2): x = d₂(1 − C_q)/(d₁C_q) with
    C_q = ``betaincinv(d₂/2, d₁/2, q)``.  Both keep q's relative precision.  An infinite ``dfn`` or ``dfd``
    is scipy's ``fdtri`` as before."""
    ok = _pos(dfn, dfd)
    dn, dd = _p([dfn, dfd], ok)

    def upper(v):
        finite = np.isfinite(dd) & np.isfinite(dn)
        ddf, dnf = np.where(finite, dd, 1.0), np.where(finite, dn, 1.0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            b = sc.betainccinv(dnf / 2, ddf / 2, v)   # B = d₁X/(d₁X + d₂), precise where B ≤ ½
            c = sc.betaincinv(ddf / 2, dnf / 2, v)   # C = 1 − B, precise where B > ½ (the far tail)
            x = np.where(b <= 0.5, ddf * b / (dnf * (1.0 - b)), np.where(c > 0, ddf * (1.0 - c) / (dnf * c), np.inf))
        return np.where(finite, x, sc.fdtri(dn, dd, 1.0 - v))

    return _quantile(q, ok, upper, 0.0, np.inf, upper=True)


def chi2_sf(x, df):
    """P(χ²_df > x) (``scipy.stats.chi2.sf``)."""
    ok = _pos(df)
    (d,) = _p([df], ok)
    return _sf(x, ok, lambda v: sc.chdtrc(d, v), 0.0, np.inf)


def beta_ppf(q, a, b):
    """The q quantile of Beta(a, b) (``scipy.stats.beta.ppf``)."""
    ok = _pos(a, b)
    aa, bb = _p([a, b], ok)
    return _quantile(q, ok, lambda v: _beta_ppf(v, aa, bb), 0.0, 1.0)


def beta_isf(q, a, b):
    """The 1 − q quantile of Beta(a, b) (``scipy.stats.beta.isf``)."""
    ok = _pos(a, b)
    aa, bb = _p([a, b], ok)
    return _quantile(q, ok, lambda v: sc.betainccinv(aa, bb, v), 0.0, 1.0, upper=True)

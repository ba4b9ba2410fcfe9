"""Likelihood-based interval for a proportion under a design: R ``svyciprop(method="likelihood")``.

R fits ``svyglm(y ~ 1, design, family=quasibinomial)`` and profiles its (rescaled) deviance
(Lumley & Scott 2014, *Survey Methodology* 40:155–169: the working likelihood with the
Rao–Scott design-effect scaling); this module reproduces that computation for the
intercept-only model in closed form:

* prior weights ``w' = w/mean(w)`` over the rows of R's design object (zero weights count);
  the fit is R's IRLS (:func:`analysis.glm.glm_fit`, so ``b̂`` and glm's ``(Xᵀ W X)⁻¹`` carry R's
  convergence, not the exact logit of p̂); deviance at ``μ = expit(b)``:
  ``D(b) = −2 [Σw'y log μ + Σw'(1 − y) log(1 − μ)]``;
* ``φ`` = R's dispersion: ``svyvar`` of the Pearson residuals ``(y − μ̂)/√(μ̂(1 − μ̂))``;
  ``V(b̂)`` the design variance of b̂ (R ``svy.varcoef``); ``λ = V(b̂)/(Xᵀ W X)⁻¹``;
* ``α' = Φ(t_{df}((1 − level)/2) √λ)/2``, ``z_max = √F⁻¹(1 − α'; 1, N − 1)``; profile points
  ``b̂ ± k·(z_max/5)·SE(b̂)``, k = 1..9 while ``|z| < z_max``, with
  ``z = ±√((D(b) − D(b̂))/φ)`` (``MASS::profile.glm`` as copied in R's survey, ``MASSprofile_glm``);
* R's ``confint_profile``: an interpolating cubic spline of z on b (``stats::spline``, method
  "fmm", 3 × points, Forsythe, Malcolm & Moler 1977), inverted by linear interpolation at
  ``∓Φ⁻¹(2α')``, then back-transformed with expit.

Checked against R in ``tests/golden/r_ciprop.R`` to 1e-6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import distributions as D


def fmm_spline(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients (b, c, d) of the Forsythe–Malcolm–Moler interpolating cubic spline (R ``spline_coef``
    with method "fmm"): on [x_i, x_{i+1}], ``y_i + b_i t + c_i t² + d_i t³`` with ``t = u − x_i``."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    b = np.zeros(n)
    c = np.zeros(n)
    d = np.zeros(n)
    if n < 2:
        raise ValueError("a spline needs two points")
    if n < 3:
        t = (y[1] - y[0]) / (x[1] - x[0])
        b[:] = t
        return b, c, d
    nm1 = n - 1
    # tridiagonal system: b diagonal, d off-diagonal, c right-hand side (0-based R code)
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, nm1):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    # end conditions: third derivatives at the ends from divided differences
    b[0] = -d[0]
    b[nm1] = -d[n - 2]
    c[0] = c[nm1] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[nm1] = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[nm1] = -c[nm1] * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4])
    for i in range(1, n):  # Gaussian elimination
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    c[nm1] = c[nm1] / b[nm1]  # backward substitution
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1])
    for i in range(nm1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[nm1] = 3.0 * c[nm1]
    d[nm1] = d[n - 2]
    return b, c, d


def spline_eval(u: np.ndarray, x: np.ndarray, y: np.ndarray, coef: tuple) -> np.ndarray:
    """Evaluate the spline at ``u`` (R ``spline_eval``; outside [x_1, x_n] the end cubics extend)."""
    b, c, d = coef
    i = np.clip(np.searchsorted(x, u, side="right") - 1, 0, len(x) - 1)
    dx = u - x[i]
    return y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))


def r_spline(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R ``spline(x, y)``: ``3 · length(x)`` equally spaced points over [min x, max x] (x sorted, distinct)."""
    order = np.argsort(x, kind="stable")
    x, y = np.asarray(x, float)[order], np.asarray(y, float)[order]
    u = np.linspace(x[0], x[-1], 3 * len(x))
    return u, spline_eval(u, x, y, fmm_spline(x, y))


def r_approx(x: np.ndarray, y: np.ndarray, xout: np.ndarray) -> np.ndarray:
    """R ``approx(x, y, xout)`` (linear, ties averaged, NA outside the range)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    ux, inv = np.unique(x, return_inverse=True)
    uy = np.bincount(inv, weights=y) / np.bincount(inv)
    out = np.interp(xout, ux, uy)
    return np.where((np.asarray(xout) < ux[0]) | (np.asarray(xout) > ux[-1]), np.nan, out)


@dataclass(frozen=True)
class LikelihoodProfile:
    """What R's profile of ``svyglm(y ~ 1, family=quasibinomial)`` needs for one proportion.

    ``b0``: the fitted log odds (R's IRLS, :func:`analysis.glm.glm_fit`); ``var_b``: its design
    variance; ``naive``: glm's unscaled variance (Xᵀ W X)⁻¹; ``s1``/``s0``: Σ prior weight of the
    rows with y = 1 / y = 0; ``dev0``: the fitted deviance; ``dispersion``: R's Pearson dispersion;
    ``n_model``: rows of the model frame (R ``NROW(Y)``)."""

    b0: float
    var_b: float
    naive: float
    s1: float
    s0: float
    dev0: float
    dispersion: float
    n_model: float


def profile_for(design, hit: np.ndarray, valid: np.ndarray) -> LikelihoodProfile:
    """Fit ``y ~ 1`` as R's ``svyciprop(method="likelihood")`` does (``svyglm`` on the domain ``valid``)."""
    from .glm import glm_fit

    hit = np.asarray(hit, dtype=float)
    valid = np.asarray(valid, dtype=bool) & np.isfinite(hit)
    rows = np.ones(design.n, dtype=bool) if design.rows is None else design.rows.copy()
    if not design.keeps_all_rows:
        rows &= valid
    w = np.where(valid, design.weights, 0.0)
    if not rows.any() or w.sum() <= 0:
        return LikelihoodProfile(*(float("nan"),) * 8)
    prior = w[rows] / w[rows].mean()
    y = np.nan_to_num(hit[rows])
    fit = glm_fit(np.ones((int(rows.sum()), 1)), y, prior, "quasibinomial")
    naive = float(fit.cov_unscaled[0, 0])
    z = np.zeros(design.n)
    z[rows] = fit.residuals * fit.working_weights * naive
    var_b = float(design.variance(z, present=w > 0)[0, 0])
    mu = float(fit.mu[0])
    r = np.zeros(design.n)
    r[rows] = (y - fit.mu) / np.sqrt(fit.mu * (1 - fit.mu))
    W = w.sum()
    nz = int(np.count_nonzero(w))
    rbar = (w * r).sum() / W
    disp = float((w * (r - rbar) ** 2).sum() / W * nz / (nz - 1)) if nz > 1 and 0 < mu < 1 else float("nan")
    return LikelihoodProfile(b0=float(fit.coef[0]), var_b=var_b, naive=naive, s1=float((prior * y).sum()),
                             s0=float((prior * (1 - y)).sum()), dev0=fit.deviance, dispersion=disp,
                             n_model=float(rows.sum()))


_EPS = float(np.finfo(float).eps)
_THRESH = 30.0  # R's C logit_linkinv: beyond ±30 the odds are held at 1/ε (or ε), so 0 < μ < 1


def _logit_linkinv(b: float) -> float:
    """μ = e^b / (1 + e^b) as R's ``binomial()$linkinv`` computes it (src/library/stats/src/family.c,
    ``logit_linkinv``): the odds are ε below b = −30 and 1/ε above 30, so μ never rounds to 0 or 1 and
    the binomial deviance of the profile stays finite far from the estimate."""
    t = _EPS if b < -_THRESH else (1 / _EPS if b > _THRESH else math.exp(b))
    return t / (1 + t)


def _expit(x: float) -> float:
    """1 / (1 + e^−x) without overflow for large |x| (R ``plogis``)."""
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def likelihood_interval(prof: LikelihoodProfile, df: float, confidence: float) -> tuple[float, float]:
    """R ``svyciprop(method="likelihood")`` for one proportion (see module docstring).

    No degrees of freedom (``df`` 0 or NaN: a domain within one PSU) gives no interval (NaN), as every other
    method here does; R's ``confint.svyglm`` stops there ("zero or negative denominator df")."""
    if not (df > 0):
        return float("nan"), float("nan")
    if not (prof.var_b > 0) or not (prof.dispersion > 0) or not (prof.naive > 0) or not prof.n_model >= 2:
        return float("nan"), float("nan")
    b0 = prof.b0
    se_b = math.sqrt(prof.var_b)
    lam = prof.var_b / prof.naive
    q = (1 - confidence) / 2
    crit = D.norm_ppf(q) if not np.isfinite(df) else D.t_ppf(q, df)
    alpha = D.norm_cdf(crit * math.sqrt(lam)) / 2
    zmax = math.sqrt(D.f_isf(alpha, 1, prof.n_model - 1))
    if not math.isfinite(zmax):  # a tail beyond the F quantile's range (df 1 with a large design effect):
        return float("nan"), float("nan")  # R's profile has no finite step either and gives NA
    step_size = zmax / 5

    def dev(b):
        mu = _logit_linkinv(b)
        return -2 * (prof.s1 * math.log(mu) + prof.s0 * math.log(1 - mu))

    zs, bs = [0.0], [b0]
    for sgn in (-1, 1):
        step, z = 0, 0.0
        while (step := step + 1) < 10 and abs(z) < zmax:
            b = b0 + sgn * step * step_size * se_b
            zz = max((dev(b) - prof.dev0) / prof.dispersion, 0.0)
            z = sgn * math.sqrt(zz)
            zs.append(z)
            bs.append(b)
    order = np.argsort(zs, kind="stable")
    sx, sy = r_spline(np.asarray(bs)[order], np.asarray(zs)[order])
    cutoff = np.array([D.norm_ppf(2 * alpha), D.norm_isf(2 * alpha)])
    lo, hi = r_approx(sy, sx, cutoff)
    return _expit(float(lo)), _expit(float(hi))

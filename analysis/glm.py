"""Design-based generalised linear models: R ``svyglm`` (linear and logistic regression).

``svyglm(design, "overall ~ q1 + q2 + district", family="binomial")`` fits the model by
iteratively reweighted least squares with the sampling weights as prior weights (R rescales them
to mean 1; the coefficients do not depend on it) and estimates the covariance of the coefficients
by linearisation (Binder 1983): the influence values of the estimating equations

    z_i = x_i w_i' (y_i − μ_i) / V(μ_i) · dμ/dη_i · A⁻¹,     A = Xᵀ W X

go through :meth:`analysis.design.Design.variance` (R ``svy.varcoef`` → ``svyrecvar``), so strata,
clusters, fpc, later stages, PPS and calibration all apply.  t statistics are referred to Student t
on the residual design degrees of freedom ``degf(design) + 1 − p`` (R ``df.residual``).

The fit reproduces R's ``glm.fit`` step by step — starting values (``mustart``), IRLS updates,
the stopping rule ``|D − D_old|/(|D| + 0.1) < 1e-8`` and the working weights of the last
iteration for ``A`` — so coefficients and standard errors agree with R to 1e-8 and not only to
R's convergence tolerance (tests/golden/r_svyglm.R).

Families: ``gaussian`` (identity link: design-weighted least squares) and ``binomial`` /
``quasibinomial`` (logit link: logistic regression, coefficients are log odds ratios).  The logit
link is R's own (``family.c``: exp(η) held to [ε, 1/ε] beyond |η| > 30), so a fit whose probabilities
reach 0 or 1 — a predictor that separates the answers — runs as R's does: 25 iterations, not
converged (``converged`` False), huge coefficients (tests/golden/r_glm_separation.R).  The
dispersion reported is R's ``summary.svyglm`` one: ``svyvar`` of the Pearson residuals.

Predictors: numeric columns enter as they are; text/categorical columns are expanded into
indicators of every level but the first (R's treatment contrasts, levels sorted); an intercept is
added.  Rows with a missing response or predictor leave the fit (R ``na.omit``), as a domain.
Replicate-weight designs refit the model with every replicate weight (R ``svyglm.svyrep.design``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from . import distributions as D
from .design import Design, DesignError
from .estimators import column
from .result import Estimate

FAMILIES = ("gaussian", "binomial", "quasibinomial")


# ----------------------------------------------------------------------------- families
LOGIT_THRESH = 30.0  # R family.c THRESH / MTHRESH: the logit link's η beyond ±30 is held there
_EPS = float(np.finfo(float).eps)  # R's DBL_EPSILON


def _family(name: str):
    """(linkfun, linkinv, mu_eta, variance, dev_resids, initialize) of an R family."""
    if name == "gaussian":
        def dev(y, mu, wt):
            return wt * (y - mu) ** 2

        return (lambda m: m, lambda e: e, lambda e: np.ones_like(e), lambda m: np.ones_like(m), dev,
                lambda y, wt: y.astype(float))
    if name in ("binomial", "quasibinomial"):
        def linkinv(e):
            # R's logit_linkinv (src/library/stats/src/family.c): exp(η) held to [ε, 1/ε] beyond |η| > 30,
            # so μ never reaches 0 or 1 (the variance μ(1 − μ) stays positive in a separated fit)
            tmp = np.where(e < -LOGIT_THRESH, _EPS, np.where(e > LOGIT_THRESH, 1 / _EPS,
                                                              np.exp(np.clip(e, -LOGIT_THRESH, LOGIT_THRESH))))
            return tmp / (1 + tmp)

        def mu_eta(e):
            # R's logit_mu_eta: exp(η)/(1 + exp(η))², ε beyond |η| > 30
            ex = np.exp(np.clip(e, -LOGIT_THRESH, LOGIT_THRESH))
            opexp = 1 + ex
            return np.where((e > LOGIT_THRESH) | (e < -LOGIT_THRESH), _EPS, ex / (opexp * opexp))

        def dev(y, mu, wt):
            with np.errstate(divide="ignore", invalid="ignore"):
                a = np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / mu), 0.0)
                b = np.where(y < 1, (1 - y) * np.log(np.where(y < 1, 1 - y, 1) / (1 - mu)), 0.0)
            return 2 * wt * (a + b)

        def init(y, wt):
            y = np.where(wt == 0, 0.0, y)
            return (wt * y + 0.5) / (wt + 1)

        return (lambda m: np.log(m / (1 - m)), linkinv, mu_eta, lambda m: m * (1 - m), dev, init)
    raise DesignError(f"unknown family '{name}'; choose one of: {', '.join(FAMILIES)}", kind="family-choice",
                      value=name, choices=", ".join(FAMILIES))


@dataclass
class GlmFit:
    """R ``glm.fit`` output needed for the survey variance."""

    coef: np.ndarray
    mu: np.ndarray
    eta: np.ndarray
    working_weights: np.ndarray   # w² of the last iteration (0 for rows with prior weight 0)
    residuals: np.ndarray         # working residuals (y − μ)/μ'(η)
    cov_unscaled: np.ndarray      # (Xᵀ W X)⁻¹ with the last iteration's weights (R summary.glm)
    deviance: float
    iterations: int
    converged: bool


def glm_fit(X: np.ndarray, y: np.ndarray, prior: np.ndarray, family: str = "gaussian", *,
            start: Optional[np.ndarray] = None, epsilon: float = 1e-8, maxit: int = 25) -> GlmFit:
    """R's ``glm.fit`` (IRLS) for ``family``, step for step; ``prior`` are the prior weights."""
    linkfun, linkinv, mu_eta, variance, dev_resids, initialize = _family(family)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    prior = np.asarray(prior, dtype=float)
    n, p = X.shape
    if p == 0:  # the empty model (profiling): μ from the offset only
        raise DesignError("a model needs at least one coefficient", kind="model-empty")
    if int(np.count_nonzero(prior > 0)) < p:  # R: NA coefficients; no fit to report here
        raise DesignError(f"the model has {p} coefficients but only {int(np.count_nonzero(prior > 0))} rows with "
                          "a value for every term: too few to estimate it", kind="model-too-few-rows",
                          count=p, rows=int(np.count_nonzero(prior > 0)))
    if start is not None:
        eta = X @ np.asarray(start, dtype=float)
    else:
        eta = linkfun(initialize(y, prior))
    mu = linkinv(eta)
    devold = float(dev_resids(y, mu, prior).sum())
    coef = np.full(p, np.nan)
    conv = False
    w = np.zeros(0)
    good = prior > 0
    xtx = None  # (Xw)ᵀ(Xw) of the last iteration
    it = 0
    for it in range(1, maxit + 1):
        me = mu_eta(eta)
        good = (prior > 0) & (me != 0)
        z = eta[good] + (y - mu)[good] / me[good]
        w = np.sqrt(prior[good] * me[good] ** 2 / variance(mu)[good])
        # QR of [Xw | zw]: R of Xw and Qᵀ(zw) in the last column, without forming Q (rows × p)
        ra, xtx = _weighted_qr(X if len(w) == n else X[good], z, w)  # every row good: no copy of X
        r, qtb = ra[:p, :p], ra[:p, p]
        if np.min(np.abs(np.diag(r))) < 1e-10 * max(1.0, np.max(np.abs(np.diag(r)))):
            raise DesignError("the model's predictors are collinear (a predictor is constant or a combination "
                              "of others in the rows used)", kind="model-collinear")
        start_ = np.linalg.solve(r, qtb)
        eta = X @ start_
        mu = linkinv(eta)
        dev = float(dev_resids(y, mu, prior).sum())
        if not math.isfinite(dev):
            raise DesignError("the model fit diverged", kind="model-diverged")
        coef = start_
        if abs(dev - devold) / (0.1 + abs(dev)) < epsilon:
            conv = True
            break
        if family == "gaussian" and it < maxit:
            # identity link: the next step's working response η + (y − μ) is y and its weights are the
            # prior weights, so R's second iteration solves the same least squares (its deviance equal to
            # rounding) and stops there; that step is not recomputed (R reports 2 iterations)
            it, conv = it + 1, True
            break
        devold = dev
    wt = np.zeros(n)
    wt[good] = w ** 2
    cov_unscaled = np.linalg.inv(X.T @ X if xtx is None else xtx)
    return GlmFit(coef=coef, mu=mu, eta=eta, working_weights=wt, residuals=(y - mu) / mu_eta(eta),
                  cov_unscaled=cov_unscaled, deviance=dev, iterations=it, converged=conv)


QR_BLOCK = 32_768  # rows of [Xw | zw] formed and factored at once (a few MB: in the CPU cache)


def _weighted_qr(X: np.ndarray, z: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(R of the QR factorization of ``A = [X·w | z·w]``, ``(X·w)ᵀ(X·w)``), rows weighted by ``w``.

    Above two blocks of :data:`QR_BLOCK` rows, by blocks (TSQR: the R of the stacked R factors of the
    blocks is an R factor of A — Demmel, Grigori, Hoemmen & Langou 2012, *Communication-optimal
    parallel and sequential QR and LU factorizations*, SIAM J. Sci. Comput. 34(1)): A is never formed,
    and each block's Householder QR runs in the CPU cache (at 1M rows × 10 columns 0.08–0.12 s against
    0.19–0.56 s for one QR of A).  R is unique up to the signs of its rows, which neither the solution
    R⁻¹Qᵀ(zw) nor R's diagonal (the collinearity check) depend on; equal to one QR of A to rounding."""
    n, p = X.shape
    if n <= 2 * QR_BLOCK:
        A = np.empty((n, p + 1), order="F")
        np.multiply(X, w[:, None], out=A[:, :p])
        np.multiply(z, w, out=A[:, p])
        return np.linalg.qr(A, mode="r"), A[:, :p].T @ A[:, :p]
    B = np.empty((QR_BLOCK, p + 1), order="F")
    rs, xtx = [], np.zeros((p, p))
    for lo in range(0, n, QR_BLOCK):
        hi = min(n, lo + QR_BLOCK)
        b = B[: hi - lo]
        np.multiply(X[lo:hi], w[lo:hi, None], out=b[:, :p])
        np.multiply(z[lo:hi], w[lo:hi], out=b[:, p])
        rs.append(np.linalg.qr(b, mode="r"))
        xtx += b[:, :p].T @ b[:, :p]
    return np.linalg.qr(np.vstack(rs), mode="r"), xtx


# ----------------------------------------------------------------------------- model matrix
def _parse_formula(formula: str) -> tuple[str, list[str]]:
    """``"y ~ a + b + C(g)"`` → ``("y", ["a", "b", "C(g)"])`` (an explicit ``1`` is the intercept, which is always
    fitted).  A formula without ``~``, without a response, or with an empty term (``"y ~ x +"``: R's parser stops
    there) is refused quoting it, rather than fitted without the missing term."""
    if not isinstance(formula, str) or "~" not in formula:
        raise DesignError(f"a model formula looks like 'y ~ x1 + x2', not {formula!r}", kind="model-formula",
                          formula=str(formula))
    lhs, rhs = formula.split("~", 1)
    parts = [t.strip() for t in re.split(r"\+", rhs)]
    if not lhs.strip() or not any(parts) or not all(parts):
        raise DesignError(f"model formula {formula!r} has an empty response or term; it looks like 'y ~ x1 + x2'",
                          kind="model-formula", formula=formula)
    return lhs.strip(), [t for t in parts if t != "1"]


def model_matrix(data: pd.DataFrame, terms: Sequence[str], rows: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Intercept, numeric columns, and treatment indicators of categorical columns (first level left
    out; levels sorted over ``rows``) — R ``model.matrix`` with default contrasts."""
    cols, names = model_columns(data, terms, rows)
    return np.column_stack(cols), names


def model_columns(data: pd.DataFrame, terms: Sequence[str], rows: np.ndarray) -> tuple[list, list[str]]:
    """The columns of :func:`model_matrix` (one array per column, not stacked: a caller that keeps only
    some rows gathers them into the matrix once); numeric columns of the data as they are (no copy)."""
    cols = [np.ones(len(data))]
    names = ["(Intercept)"]
    for t in terms:
        cat = t.startswith("C(") and t.endswith(")")
        name = t[2:-1].strip() if cat else t
        if name not in data.columns:
            raise DesignError(f"model term '{name}' is not a column of the data", kind="missing-column",
                              role="model term", column=name)
        s = data[name]
        numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        if numeric and not cat:
            cols.append(pd.to_numeric(s, errors="coerce").to_numpy(dtype=float))
            names.append(name)
            continue
        levels = sorted(pd.unique(s[rows].dropna()), key=lambda v: (str(type(v)), v))
        for lev in levels[1:]:
            cols.append(np.where(s.isna(), np.nan, (s == lev).to_numpy(dtype=float)))
            names.append(f"{name}{lev}")
    return cols, names


# ----------------------------------------------------------------------------- the survey model
@dataclass(frozen=True)
class SvyGLM:
    """A fitted design-based GLM (R ``svyglm``).

    ``coefficients`` is an :class:`~analysis.result.Estimate` vector (``labels`` = term names,
    ``cov`` = the design-based covariance, ``df`` = residual design df), so ``confint(level)``,
    ``vcov()``, ``SE()`` work as for every estimate.  :meth:`summary` is R's coefficient table.
    """

    coefficients: Estimate
    family: str
    response: str
    terms: list
    n: int
    df_residual: float
    dispersion: float
    deviance: float
    naive_cov: np.ndarray
    converged: bool
    extra: dict = field(default_factory=dict)

    @property
    def names(self) -> list:
        return list(self.coefficients.labels)

    def coef(self) -> np.ndarray:
        return self.coefficients.coef()

    def SE(self) -> np.ndarray:
        return self.coefficients.SE()

    def vcov(self) -> np.ndarray:
        return self.coefficients.vcov()

    def confint(self, level: float = 0.95, df: Any = None):
        """``(low, high)`` arrays: ``β ± t(df_residual)·SE`` (R ``confint.svyglm``, Wald)."""
        return self.coefficients.confint(level, df)

    @property
    def t(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.coef() / self.SE()

    @property
    def p(self) -> np.ndarray:
        """Two-sided p of each t statistic on ``df_residual`` (NaN when df ≤ 0, as R)."""
        if not self.df_residual > 0:
            return np.full(len(self.coef()), np.nan)
        return 2 * D.t_sf(np.abs(self.t), self.df_residual)

    def summary(self) -> pd.DataFrame:
        """R ``summary(svyglm)$coefficients``: estimate, SE, t, p (and the interval at the fit's level)."""
        lo, hi = self.confint(self.coefficients.confidence)
        return pd.DataFrame({"term": self.names, "estimate": self.coef(), "se": self.SE(), "t": self.t,
                             "p": self.p, "ci_low": lo, "ci_high": hi, "df": self.df_residual})

    def __repr__(self) -> str:
        """One line, as R prints a fit (formula, coefficients, df): the dataclass default printed the
        covariance matrices and every per-row array of ``extra`` (~15,000 characters for 176 rows)."""
        coefs = ", ".join(f"{t} {b:.6g} (se {s:.4g})" for t, b, s in zip(self.names, self.coef(), self.SE()))
        return (f"SvyGLM({self.response} ~ {' + '.join(map(str, self.terms)) or '1'}, family={self.family}, "
                f"n={self.n:,}, df_residual={self.df_residual:g}: {coefs})")

    def to_dict(self) -> dict:
        from .result import json_value

        rows = [{k: json_value(v) for k, v in r.items()} for r in self.summary().to_dict("records")]
        return {"family": self.family, "response": self.response, "n": int(self.n),
                "df_residual": json_value(float(self.df_residual)), "dispersion": json_value(float(self.dispersion)),
                "coefficients": rows}


def svyglm(design: Design, formula: Optional[str] = None, *, y: Any = None, x: Optional[Sequence[str]] = None,
           family: str = "gaussian", confidence: float = 0.95, valid: Optional[np.ndarray] = None) -> SvyGLM:
    """Fit a GLM under ``design`` (R ``svyglm(formula, design, family=)``; see module docstring).

    Give ``formula`` (``"y ~ a + b + C(g)"``: ``C()`` forces a categorical term) or ``y`` (a column
    name) and ``x`` (column names).  ``valid`` restricts the fit to a domain (R ``subset``).
    """
    if family not in FAMILIES:
        raise DesignError(f"unknown family '{family}'; choose one of: {', '.join(FAMILIES)}", kind="family-choice",
                          value=family, choices=", ".join(FAMILIES))
    if formula is not None:
        y, x = _parse_formula(formula)
    if y is None:
        raise DesignError("give a model formula ('y ~ x1 + x2') or the response y= and predictors x= (column names)",
                          kind="model-no-response")
    if not isinstance(y, str) or y not in design.data.columns:
        raise DesignError(f"the response '{y}' is not a column of the data", kind="missing-column",
                          role="model response", column=str(y))
    terms = list(x or [])
    data = design.data
    yv = column(design, y)  # text in the response is named, not dropped as missing (R: a character response fails)
    in_dom = np.ones(design.n, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    cols, names = model_columns(data, terms, in_dom & np.isfinite(yv))
    ok = in_dom & np.isfinite(yv)
    for c in cols[1:]:
        ok &= np.isfinite(c)
    if family != "gaussian" and np.any((yv[ok] < 0) | (yv[ok] > 1)):
        raise DesignError(f"a logistic model needs a 0/1 (or 0–1) response; '{y}' has other values",
                          kind="model-response-01", column=y)
    if getattr(design, "is_replicate", False):
        from .replicates import replicate_glm

        dom = design if valid is None else design.subset(in_dom)
        return replicate_glm(dom, np.column_stack(cols), yv, ok, names, y, terms, family, confidence)
    # R: svyglm(formula, subset(design, valid)): rows outside the domain leave the design object unless it
    # keeps every row (calibrated / PPS); prior weights w/mean(w) over the rows of that object (rows with a
    # missing value included: glm drops them after the weights are made)
    norm_rows = np.ones(design.n, dtype=bool) if design.rows is None else design.rows.copy()
    if not design.keeps_all_rows:
        norm_rows &= in_dom
    w_dom = np.where(in_dom, design.weights, 0.0)
    mean_w = w_dom[norm_rows].mean() if norm_rows.any() else 0.0
    fit_rows = norm_rows & ok
    w = np.where(fit_rows, w_dom, 0.0)
    if not np.any(w > 0) or mean_w <= 0:
        raise DesignError("no rows with a positive weight and values for every model term", kind="model-no-rows")
    idx = np.flatnonzero(fit_rows)
    every = len(idx) == design.n
    p = len(cols)
    # the model matrix of the fit's rows only, each column gathered once (no matrix of every row)
    X_fit = np.empty((len(idx), p))
    for j, c in enumerate(cols):
        X_fit[:, j] = c if every else c[idx]
    del cols
    fit = glm_fit(X_fit, yv[idx], w[idx] / mean_w, family)
    # influence of the coefficients (R svy.varcoef: estfun %*% Ainv), rows R does not keep are 0
    rw = (fit.residuals * fit.working_weights)[:, None]
    np.multiply(X_fit, rw, out=X_fit)  # X_fit is the fit's own matrix: scaled in place (estfun of its rows)
    np.nan_to_num(X_fit, copy=False)
    # the variance of the influence z = estfun·A⁻¹ is A⁻ᵀ V(estfun) A⁻¹: a linearisation variance is a
    # quadratic form of the PSU totals, which z's are estfun's times A⁻¹ (no rows × p product formed);
    # estfun is 0 outside the fit's rows (Design.variance_of_rows: not formed for every row when it need not be)
    A_inv = fit.cov_unscaled
    V_est = design.variance(X_fit, present=w > 0) if every else design.variance_of_rows(X_fit, idx, present=w > 0)
    V = A_inv.T @ V_est @ A_inv
    del X_fit
    degf = design.degf_in(w > 0)  # PSUs minus strata among the rows with weight
    df_res = degf + 1 - p
    # dispersion: svyvar of Pearson residuals (R residuals.svyglm: prior weights divided out)
    _, _, _, variance, _, _ = _family(family)
    mu = np.full(design.n, 0.5)
    mu[idx] = fit.mu
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(w > 0, (np.nan_to_num(yv) - mu) / np.sqrt(variance(mu)), 0.0)
    W = w.sum()
    nz = int(np.count_nonzero(w))
    rbar = (w * r).sum() / W
    disp = float((w * (r - rbar) ** 2).sum() / W * nz / (nz - 1)) if nz > 1 else float("nan")
    est = Estimate.of(fit.coef, np.diag(V).copy(), cov=V, labels=names, n=nz, df=df_res, confidence=confidence,
                      var=y)
    return SvyGLM(coefficients=est, family=family, response=y, terms=terms, n=nz, df_residual=float(df_res),
                  dispersion=disp, deviance=fit.deviance, naive_cov=fit.cov_unscaled, converged=fit.converged,
                  extra={"fit": fit, "rows": idx, "y": yv, "ok": w > 0})

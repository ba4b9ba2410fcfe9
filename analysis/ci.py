"""Confidence intervals for proportions, chosen by name from an explicit registry.

One pure vectorised function, :func:`proportion_ci`, in the style of statsmodels'
``proportion_confint``.  Inputs: the estimated proportion ``p``, its (design-based)
standard error ``se``, the number of valid rows ``n``, the degrees of freedom ``df``
(``inf`` = normal critical values) and, for Korn–Graubard, the number of rows of R's design
object ``n_rows`` (``nrow(design)``: zero-weight rows count, and every row of a calibrated or
PPS design, whose domains keep all rows) with the design's degrees of freedom.

Under a design the binomial "n" is replaced by the effective sample size
``n_eff = p(1-p)/se²`` (Korn & Graubard 1998; R ``svyciprop``):

==================  ============================================================  =========================
name                interval                                                      matches
==================  ============================================================  =========================
``wald``            p ± t(df)·se                                                  R svyciprop "mean"
``logit``           expit(logit p ± t(df)·se/(p(1-p)))                            R "logit" and "xlogit"
``clopper-pearson`` Beta(α/2; m·p, m(1-p)+1), Beta(1-α/2; m·p+1, m(1-p)) with     R "beta" (Korn–Graubard)
                    m = n_eff·(t(n_rows-1)/t(design df))²
``asin``            sin²(asin√p ± t(df)·se/(2√(p(1-p)))), cut to [0, π/2]         R "asin" (see below)
``likelihood``      profile of the quasibinomial working likelihood               R "likelihood"
                    (:mod:`analysis.ci_likelihood`; single estimates and cells)
``wilson``          Wilson (1927) score interval with n_eff and t(df)             statsmodels "wilson" (SRS)
``jeffreys``        Beta(α/2; x+½, n_eff-x+½) … with x = n_eff·p                  statsmodels "jeffreys" (SRS)
``agresti-coull``   Agresti & Coull (1998) with n_eff and t(df)                   statsmodels "agresti_coull" (SRS)
==================  ============================================================  =========================

With a simple random sample (equal weights, no strata, clusters or fpc) and ``df = inf``
the estimators pass ``se = sqrt(p(1-p)/n)`` and ``n_eff = n``, so every method equals
``statsmodels.stats.proportion.proportion_confint(count, n, alpha, method)`` exactly
(``wald``↔"normal", ``clopper-pearson``↔"beta"), including its clipping to [0, 1] for
normal, Wilson and Agresti–Coull.  Under a design, ``wald`` and ``logit`` are left
unclipped as in R.

Where minyi deliberately differs from R (pinned by tests/test_ciprop_r_golden.py):

* **a proportion of exactly 0 or 1** — R's "mean" interval is [0, 0], "logit" an interval of
  ~1e-12 that does not contain 0, "beta"/"asin"/"xlogit" NaN and "likelihood" an error.  minyi
  uses :data:`BOUNDARY_FALLBACK`, Korn & Graubard's (1998) Clopper–Pearson interval with the
  design effect taken as 1 (n_eff = n, the base: a design effect cannot be estimated from a
  sample in which the proportion is 0 or 1) and their df adjustment; the result's ``ci_method``
  (and ``--json``) says ``clopper-pearson``.  0 of 66 gives [0, 5.4 %] at 95 %.
* **jeffreys at 0 or 1** — statsmodels' Jeffreys interval for 0 of n starts above 0 (Beta's α/2
  quantile), so it does not contain the estimate; minyi sets that bound to 0 (and the upper bound to 1
  for n of n), the modified Jeffreys interval of Brown, Cai & DasGupta (2001, Statistical Science 16,
  §4.1.2). The other bound, and every interval with 0 < p < 1, equals statsmodels'
  (tests/test_estimate_cli.py).
* **asin** — R back-transforms ``sin(·)²`` without cutting the transformed interval, so when it
  crosses 0 (small p) R's lower bound is the sin² of a negative number — above 0, and above p in the worst
  case; minyi cuts it to [0, π/2] (the interval of the arcsine scale's range), so its lower bound is 0.
  Identical to R whenever the arcsine interval does not cross 0 (1 row of 40: R 0.0002 where minyi gives
  0, below p = 0.019; tests/test_estimate_redteam2.py; `survey estimate` notes the cut).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional

from numpy.typing import ArrayLike

import numpy as np

from . import distributions as D
from .design import DesignError


def check_level(level: object, name: str = "confidence") -> float:
    """``level`` as a float strictly between 0 and 1 (R's ``level=0.95``), else :class:`DesignError` naming
    the argument ``name`` and the value: a percentage such as 95 would otherwise give a NaN interval
    printed as a "9500% CI"."""
    try:
        value = float(level)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    if not 0 < value < 1:
        raise DesignError(f"{name} must be between 0 and 1 (0.95 for a 95 % interval), not {level!r}",
                          kind="level", option=name, value=level)
    return value


def check_df(df: Any, name: str = "df") -> Any:
    """``df`` as given when it is a number (``inf`` = normal) or an array of numbers, else :class:`DesignError`
    naming the argument: ``df="x"`` raised Python's "could not convert string to float", which named neither
    ``df`` nor what it takes.  (A df of 0 or NaN stays allowed: R gives NaN intervals there, as minyi does.)"""
    try:
        np.asarray(df, dtype=float)
    except (TypeError, ValueError):
        raise DesignError(f"{name} must be a number of degrees of freedom (inf for the normal), not {df!r}",
                          kind="df-value", option=name, value=df) from None
    return df


def critical_value(confidence: float, df: float | np.ndarray) -> np.ndarray:
    """Two-sided critical value: Student t with ``df`` degrees of freedom, normal when df is inf.

    NaN (and df <= 0 other than −inf) gives NaN.  A scalar ``df`` is looked up in a cache keyed
    on ``(confidence, df)`` (scipy's quantile costs ~0.3 ms a call); arrays are computed at once.
    """
    df = np.asarray(df, dtype=float)
    if df.ndim == 0:
        return np.asarray(_critical_scalar(float(confidence), float(df)))
    return _critical_array(confidence, df)


@functools.lru_cache(maxsize=4096)
def _critical_scalar(confidence: float, df: float) -> float:
    return float(_critical_array(confidence, np.asarray(df)))


def _critical_array(confidence: float, df: np.ndarray) -> np.ndarray:
    alpha = 1.0 - confidence
    z = D.norm_isf(alpha / 2)
    with np.errstate(invalid="ignore"):
        t = D.t_isf(alpha / 2, np.where(np.isfinite(df) & (df > 0), df, 1.0))
    return np.where(np.isinf(df), z, np.where(df > 0, t, np.nan))


def _n_eff(p: np.ndarray, se: np.ndarray, n: np.ndarray, srs: bool = False) -> np.ndarray:
    if srs:
        return n
    with np.errstate(divide="ignore", invalid="ignore"):
        ne = p * (1 - p) / se**2
    return np.where(np.isfinite(ne) & (ne > 0), ne, n)


def _wald(p, se, n, df, confidence, n_rows, srs, **kw):
    c = critical_value(confidence, df)
    lo, hi = p - c * se, p + c * se
    if srs:
        lo, hi = np.clip(lo, 0, 1), np.clip(hi, 0, 1)
    return lo, hi


def _logit(p, se, n, df, confidence, n_rows, srs, logit_se=None, **kw):
    # logit_se: the SE of logit(p) when the design gives it directly (replicate designs: R refits the
    # logistic model with each replicate's weights, so the SE is that of the replicates' log odds)
    c = critical_value(confidence, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.log(p / (1 - p))
        s = se / (p * (1 - p)) if logit_se is None else np.asarray(logit_se, dtype=float)
        lo = 1 / (1 + np.exp(-(eta - c * s)))
        hi = 1 / (1 + np.exp(-(eta + c * s)))
    lo = np.where(p <= 0, 0.0, np.where(p >= 1, 1.0, lo))
    hi = np.where(p <= 0, 0.0, np.where(p >= 1, 1.0, hi))
    return lo, hi


def _clopper_pearson(p, se, n, df, confidence, n_rows, srs, **kw):
    alpha = 1 - confidence
    m = _n_eff(p, se, n, srs)
    if not srs:
        with np.errstate(invalid="ignore"):
            ratio = (critical_value(confidence, np.asarray(n_rows, float) - 1) / critical_value(confidence, df)) ** 2
        m = m * ratio
    with np.errstate(invalid="ignore"):
        lo = D.beta_ppf(alpha / 2, m * p, m * (1 - p) + 1)
        hi = D.beta_isf(alpha / 2, m * p + 1, m * (1 - p))
    lo = np.where(p <= 0, 0.0, lo)
    hi = np.where(p >= 1, 1.0, hi)
    return lo, hi


def _wilson(p, se, n, df, confidence, n_rows, srs, **kw):
    m = _n_eff(p, se, n, srs)
    c = critical_value(confidence, df)
    c2 = c**2
    with np.errstate(divide="ignore", invalid="ignore"):  # m = 0 (a group without answers): NaN, no warning
        denom = 1 + c2 / m
        center = (p + c2 / (2 * m)) / denom
        dist = c * np.sqrt(p * (1 - p) / m + c2 / (4 * m**2)) / denom
    return np.clip(center - dist, 0, 1), np.clip(center + dist, 0, 1)


def _jeffreys(p, se, n, df, confidence, n_rows, srs, **kw):
    alpha = 1 - confidence
    m = _n_eff(p, se, n, srs)
    x = m * p
    with np.errstate(invalid="ignore"):
        lo = D.beta_ppf(alpha / 2, x + 0.5, m - x + 0.5)
        hi = D.beta_isf(alpha / 2, x + 0.5, m - x + 0.5)
    # Brown, Cai & DasGupta (2001, §4.1.2): 0 at p = 0 and 1 at p = 1, so the interval holds the estimate
    # (statsmodels leaves Beta's quantile there: 0 of 8 at 80 % gives [0.096 %, 15.1 %], without the 0)
    lo = np.where(p <= 0, 0.0, lo)
    hi = np.where(p >= 1, 1.0, hi)
    return lo, hi


def _agresti_coull(p, se, n, df, confidence, n_rows, srs, **kw):
    m = _n_eff(p, se, n, srs)
    c = critical_value(confidence, df)
    m_c = m + c**2
    p_c = (m * p + c**2 / 2) / m_c
    dist = c * np.sqrt(p_c * (1 - p_c) / m_c)
    return np.clip(p_c - dist, 0, 1), np.clip(p_c + dist, 0, 1)


def _asin(p, se, n, df, confidence, n_rows, srs, **kw):
    # R svyciprop(method="asin"): sin²(asin√p ± t·se/(2√(p(1−p)))) — the transformed interval is cut to
    # [0, π/2] before back-transforming (R does not cut: its lower bound can exceed p when the interval
    # crosses 0; a deliberate difference, tests/test_ci_methods.py)
    c = critical_value(confidence, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.arcsin(np.sqrt(p))
        s = se / (2 * np.sqrt(p * (1 - p)))
        lo = np.sin(np.clip(eta - c * s, 0, np.pi / 2)) ** 2
        hi = np.sin(np.clip(eta + c * s, 0, np.pi / 2)) ** 2
    return lo, hi


def _likelihood(p, se, n, df, confidence, n_rows, srs, profile=None, **kw):
    # R svyciprop(method="likelihood"): profile of the quasibinomial deviance (analysis.ci_likelihood);
    # needs each estimate's fitted model (a LikelihoodProfile), which only an estimator holding the rows
    # can give
    from .ci_likelihood import likelihood_interval

    if profile is None:
        raise DesignError("the likelihood interval needs the estimate's rows; it is available for single "
                          "estimates (survey estimate, analysis.estimators.svyprop), not for tables of groups",
                          kind="likelihood-groups")
    profs = np.atleast_1d(np.asarray(profile, dtype=object)).ravel()
    dfs = np.broadcast_to(np.asarray(df, dtype=float), (len(profs),))
    out = [likelihood_interval(pr, d, confidence) for pr, d in zip(profs, dfs)]
    shape = np.shape(p)
    return (np.array([o[0] for o in out]).reshape(shape), np.array([o[1] for o in out]).reshape(shape))


CI_METHODS: dict[str, Callable] = {
    "wald": _wald,
    "logit": _logit,
    "clopper-pearson": _clopper_pearson,
    "wilson": _wilson,
    "jeffreys": _jeffreys,
    "agresti-coull": _agresti_coull,
    "asin": _asin,
    "likelihood": _likelihood,
}

#: Methods whose interval collapses to a point at p = 0 or 1 (their SE is 0 there); they fall back to
#: :data:`BOUNDARY_FALLBACK` for such estimates.
DEGENERATE_AT_BOUNDARY = ("wald", "logit", "asin", "likelihood")

#: The interval used for a proportion of exactly 0 or 1 when the requested method collapses there:
#: Korn & Graubard's (1998) Clopper–Pearson interval with the design effect taken as 1 (n_eff = the
#: base n: the design effect of a proportion cannot be estimated from a sample in which it is 0 or
#: 1) and their degrees-of-freedom adjustment (t(n_rows−1)/t(df))².  0 successes of 66 give
#: [0, 5.4 %] at 95 % instead of R's degenerate [0, 0].  ``ci_method`` reports it.
BOUNDARY_FALLBACK = "clopper-pearson"


#: Methods that need the estimate's rows (a model fit per estimate): single estimates and cross-tab
#: cells, not the indicator engine's tables of groups.
ROW_ONLY_METHODS = ("likelihood",)
#: Methods for tables of groups (survey analyze, indicators, multiple choice).
GROUP_CI_METHODS = tuple(m for m in CI_METHODS if m not in ROW_ONLY_METHODS)


def check_method(method: str, groups: bool = False) -> str:
    """Return ``method`` if it is in :data:`CI_METHODS` (:data:`GROUP_CI_METHODS` with ``groups``), else
    raise :class:`DesignError` listing them."""
    allowed = GROUP_CI_METHODS if groups else tuple(CI_METHODS)
    if method not in allowed:
        raise DesignError(f"unknown interval method '{method}'; choose one of: {', '.join(allowed)}",
                          kind="ci-method-choice", value=method, choices=", ".join(allowed))
    return method


def proportion_ci(p: ArrayLike, se: ArrayLike, n: ArrayLike, df: ArrayLike, method: str = "logit",
                  confidence: float = 0.95, *, n_rows: Optional[ArrayLike] = None, srs: bool = False,
                  profile: Any = None, logit_se: Optional[ArrayLike] = None) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised interval for proportions ``p`` with standard errors ``se`` (see module docstring).

    ``n``: rows in the base; ``df``: degrees of freedom of the critical value (``inf`` = normal);
    ``n_rows``: rows of R's design object for Korn–Graubard (default ``n``); ``srs=True`` marks the
    simple-random-sample path (no design, normal critical values) on which the results equal
    statsmodels' ``proportion_confint``; ``profile``/``logit_se``: the likelihood profile and the
    replicate logit SE the estimators pass for ``likelihood`` and replicate designs.
    """
    fn = CI_METHODS[check_method(method)]
    confidence = check_level(confidence)
    p = np.asarray(p, dtype=float)
    se = np.asarray(se, dtype=float)
    n = np.asarray(n, dtype=float)
    n_rows = n if n_rows is None else np.asarray(n_rows, dtype=float)
    lo, hi = fn(p, se, n, df, confidence, n_rows, srs, profile=profile, logit_se=logit_se)
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def proportion_ci_used(p, se, n, df, method: str = "logit", confidence: float = 0.95, *, n_rows=None,
                       srs: bool = False, design_df=None, profile=None, logit_se=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`proportion_ci` with the boundary rule: ``(low, high, method used)`` per element.

    Where ``p`` is exactly 0 or 1 and ``method`` is one of :data:`DEGENERATE_AT_BOUNDARY`, the
    interval is :data:`BOUNDARY_FALLBACK` (Korn–Graubard with n_eff = n) and the method used says so.
    ``design_df``: the design's degrees of freedom for Korn–Graubard's adjustment (default ``df``).
    """
    dd = df if design_df is None else design_df
    lo, hi = proportion_ci(p, se, n, df if method != "clopper-pearson" else dd, method, confidence,
                           n_rows=n_rows, srs=srs, profile=profile, logit_se=logit_se)
    pa = np.asarray(p, dtype=float)
    used = np.full(np.shape(lo), method, dtype=object)
    edge = (pa <= 0) | (pa >= 1)
    if method in DEGENERATE_AT_BOUNDARY and np.any(edge):
        flo, fhi = proportion_ci(p, np.zeros_like(np.asarray(se, dtype=float)), n, dd, BOUNDARY_FALLBACK,
                                 confidence, n_rows=n_rows, srs=srs)
        lo, hi = np.where(edge, flo, lo), np.where(edge, fhi, hi)
        used = np.where(edge, BOUNDARY_FALLBACK, used).astype(object)
    return lo, hi, used

"""Quantiles and medians under a design: R ``svyquantile`` (survey >= 4.1).

Estimate (``qrule``, Hyndman & Fan 1996 adapted to weights; R ``qrule_math``, ``qrule_hf7``):
with the rows of the domain sorted by value, cumulative weights ``C_k`` and total ``W``,

* ``math`` (R default): the smallest value whose cumulative share reaches p — with
  ``k = max{k : C_k ≤ pW}``, ``x_(k)`` when ``C_k = pW`` exactly, else ``x_(k+1)`` (the inverse of the
  weighted empirical CDF); ``x_(1)`` when there is no such k (p below the smallest value's share).
  **Deliberate difference from R:** R's ``qs()`` takes k = 1 there and so returns ``x_(2)``: for the
  values 1–10 R gives q0.05 = 2, q0.1 = 1, q0.15 = 2 (not monotone), minyi 1, 1, 2.  The same rule
  maps the Woodruff bounds back, so a bound whose share falls below the smallest value's share is
  ``x_(1)`` too.  Pinned by tests/test_quantiles_r_golden.py (R's value beside minyi's).
* ``hf7``: linear interpolation of ``x_(k)`` at the points ``C_{k−1}/C_{n−1}`` (k = 1..n;
  with equal weights Hyndman–Fan type 7, R's ``quantile()`` default).

Interval (Woodruff 1952; R ``interval.type``): the interval of the estimated share
``F̂ = mean(x ≤ q̂)`` (R ``svymean``, design-based SE, t on the design df) mapped back through
the quantile rule — ``mean``: ``F̂ ± t·SE`` (R default); ``xlogit``: on the logit scale;
``asin``: on the arcsine-square-root scale; ``beta``: Korn–Graubard.  A bound whose share falls
outside [0, 1] is NaN, as R.  The SE reported is R's ``(upper − lower)/(2 t)``; ``confint(level)``
recomputes the Woodruff interval at that level.  Domains keep the full design (R ``subset``).
Checked against R (tests/golden/r_quantiles.R) to 1e-8 (estimates, SEs) and 1e-6 (bounds).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Optional, Sequence

import numpy as np

from . import distributions as D
from .ci import critical_value
from .design import Design, DesignError
from .estimators import column, design_df, no_rows_error, svymean, var_name
from .result import Estimate

QRULES = ("math", "hf7")
INTERVAL_TYPES = ("mean", "xlogit", "asin", "beta")
# the proportion interval names (analysis.ci) that have a Woodruff counterpart: the share F̂ is given that
# interval and mapped back (R svyquantile interval.type); wald is R's default "mean".  R's "score"
# (Francisco & Fuller 1991) and the SRS intervals (wilson, jeffreys, agresti-coull) and the likelihood
# interval have none here
QUANTILE_CI = {"wald": "mean", "logit": "xlogit", "asin": "asin", "clopper-pearson": "beta"}


def quantile_interval_type(ci_method: str) -> str:
    """R ``svyquantile(interval.type=)`` for the interval method ``ci_method`` (:data:`QUANTILE_CI`); any
    other method is refused, naming those that apply (it is not silently replaced)."""
    if ci_method not in QUANTILE_CI:
        ok = ", ".join(f"{k} (R interval.type '{v}')" for k, v in QUANTILE_CI.items())
        raise DesignError(f"the interval method '{ci_method}' has no quantile (Woodruff) version; for quantiles "
                          f"use {ok}", kind="quantile-ci-method", value=ci_method, choices=", ".join(QUANTILE_CI))
    return QUANTILE_CI[ci_method]


def _sorted(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = w != 0
    x, w = x[keep], w[keep]
    order = np.argsort(x, kind="stable")
    return x[order], w[order]


def _cumsum(ws: np.ndarray) -> np.ndarray:
    """R's ``cumsum``/``sum`` accumulate in long double; the exact ties of the math rule (C_k = pW)
    depend on it (e.g. 25 equal weights of 15.1)."""
    return np.cumsum(np.asarray(ws, dtype=np.longdouble)).astype(float)


def qrule_math(xs: np.ndarray, ws: np.ndarray, p: float) -> float:
    """R ``qrule_math`` on values ``xs`` sorted ascending with weights ``ws`` (zero weights removed)."""
    cumw = _cumsum(ws)
    W = float(np.sum(np.asarray(ws, dtype=np.longdouble)))
    hits = np.flatnonzero(cumw <= p * W)
    if not hits.size:  # p below the smallest value's share: that value (R: the second smallest; module docstring)
        return float(xs[0])
    pos = int(hits[-1])
    posnext = pos if pos == len(xs) - 1 else pos + 1
    wlow = p - cumw[pos] / W
    return float(xs[pos] if wlow == 0 else xs[posnext])


def qrule_hf7(xs: np.ndarray, ws: np.ndarray, p: float) -> float:
    """R ``qrule_hf7``: interpolation at ``c(0, cumw[-n])/cumw[n-1]`` (rule 2: constant outside)."""
    n = len(xs)
    cumw = _cumsum(ws)
    if n == 1:
        return float(xs[0])
    pk = np.concatenate([[0.0], cumw[:-1]]) / cumw[n - 2]
    # approx(): ties in pk (none with positive weights) would be averaged
    return float(np.interp(p, pk, xs))


RULES = {"math": qrule_math, "hf7": qrule_hf7}


@dataclass(frozen=True, eq=False)
class WoodruffInterval:
    """Woodruff interval for quantiles (see module docstring): per quantile the share ``F̂`` of rows
    at or below the estimate with its SE, the sorted domain values and weights, the rule."""

    xs: np.ndarray
    ws: np.ndarray
    share: Any            # F̂ per quantile
    share_se: Any
    qrule: str
    interval_type: str = "mean"
    n_rows: Any = None    # R nrow(design) and degf(design) for "beta"
    design_df: Any = None
    method: str = "woodruff"

    def __call__(self, est: Estimate, confidence: float, df: Any):
        lo, hi = self.bound_shares(confidence, df)
        rule = RULES[self.qrule]
        qlo = np.array([np.nan if (not np.isfinite(a) or a < 0) else rule(self.xs, self.ws, a) for a in lo])
        qhi = np.array([np.nan if (not np.isfinite(b) or b > 1) else rule(self.xs, self.ws, b) for b in hi])
        shape = np.shape(est.estimate)
        return qlo.reshape(shape), qhi.reshape(shape), np.full(shape, "woodruff-" + self.interval_type, dtype=object)

    def bounds_below_smallest(self, confidence: float, df: Any) -> np.ndarray:
        """Per quantile: a bound's share lies in [0, the smallest value's share) under the math rule, where
        minyi's bound is the smallest value and R's the second smallest (module docstring)."""
        if self.qrule != "math":
            return np.zeros(np.shape(np.atleast_1d(self.share)), dtype=bool)
        first = float(self.ws[0] / np.sum(self.ws))
        lo, hi = self.bound_shares(confidence, df)
        with np.errstate(invalid="ignore"):
            return ((lo >= 0) & (lo < first)) | ((hi >= 0) & (hi < first))

    def bound_shares(self, confidence: float, df: Any) -> tuple[np.ndarray, np.ndarray]:
        """The interval of the share F̂ (before it is mapped back through the quantile rule)."""
        F = np.atleast_1d(np.asarray(self.share, dtype=float))
        s = np.atleast_1d(np.asarray(self.share_se, dtype=float))
        dfa = np.broadcast_to(np.asarray(df, dtype=float), F.shape)
        c = critical_value(confidence, dfa)
        alpha = 1 - confidence
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.interval_type == "mean":
                lo, hi = F - c * s, F + c * s
            elif self.interval_type == "xlogit":
                eta, d = np.log(F / (1 - F)), s / (F * (1 - F))
                lo, hi = 1 / (1 + np.exp(-(eta - c * d))), 1 / (1 + np.exp(-(eta + c * d)))
            elif self.interval_type == "asin":
                eta, d = np.arcsin(np.sqrt(F)), s / (2 * np.sqrt(F * (1 - F)))
                lo, hi = np.sin(eta - c * d) ** 2, np.sin(eta + c * d) ** 2
            else:  # beta: Korn–Graubard on the share (R woodruffCI method "beta")
                ne = F * (1 - F) / s**2
                ratio = (D.t_ppf(alpha / 2, np.asarray(self.n_rows, float) - 1)
                         / D.t_ppf(alpha / 2, np.asarray(self.design_df, float))) ** 2
                ne = ne * ratio
                lo = D.beta_ppf(alpha / 2, ne * F, ne * (1 - F) + 1)
                hi = D.beta_ppf(1 - alpha / 2, ne * F + 1, ne * (1 - F))
        return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)

    def take(self, idx: Any) -> "WoodruffInterval":
        if np.ndim(self.share) == 0:
            return self
        return replace(self, share=np.asarray(self.share)[idx], share_se=np.asarray(self.share_se)[idx])


def _r_share(ind: np.ndarray, w: np.ndarray) -> float:
    """F̂ = Σ ind·w/W summed as R's ``svymean`` does (``colSums(x * pweights/psum)``, long-double sums).

    Rule: the Woodruff bound F̂ ± t·SE is mapped back by the math rule's exact tie ``C_k = pW``; where the SE is
    0 (every row of the domain in one PSU, certainty strata) the bound is F̂ = C_k/W itself, and only R's
    rounding of F̂ gives back q̂ (R ``woodruffCI``: ``svymean(x <= qhat, design)``).  With the plain
    Σwy/Σw the tie was missed and the interval [x_(k+1), x_(k+1)] left out the estimate x_(k)."""
    W = float(np.sum(np.asarray(w, dtype=np.longdouble)))
    return float(np.sum(np.asarray(ind * w / W, dtype=np.longdouble)))


def _probabilities(quantiles: Any) -> np.ndarray:
    """``quantiles`` as an array of probabilities in [0, 1] (R ``svyquantile(quantiles=)``); text ("median"), None,
    NaN or a percentage such as 50 are refused quoting the value — NaN passed the range test and gave a
    quantile labelled "qnan", text a numpy conversion error."""
    try:
        qs = np.atleast_1d(np.asarray(quantiles, dtype=float))
    except (TypeError, ValueError):
        qs = np.array([np.nan])
    if qs.size == 0 or not np.all((qs >= 0) & (qs <= 1)):
        raise DesignError(f"quantiles must be probabilities between 0 and 1 (0.5 for the median), not {quantiles!r}",
                          kind="quantile-value", value=quantiles)
    return qs


def svyquantile(design: Design, y: Any, quantiles: Sequence[float] | float = 0.5, *,
                valid: Optional[np.ndarray] = None, qrule: str = "math", interval_type: str = "mean",
                confidence: float = 0.95, df: Optional[float] = None, var: Optional[str] = None,
                domain: Optional[dict] = None) -> Estimate:
    """Quantiles of ``y`` (R ``svyquantile(~y, design, quantiles, qrule=, interval.type=)``).

    Returns an :class:`~analysis.result.Estimate` vector over ``quantiles`` (labels ``"q0.5"``...)
    whose intervals are Woodruff's (see module docstring); ``valid``/``domain`` as the other
    estimators (rows outside leave the base, the design stays whole).
    """
    if qrule not in RULES:
        raise DesignError(f"unknown quantile rule '{qrule}'; choose one of: {', '.join(QRULES)}", kind="qrule-choice",
                          value=qrule, choices=", ".join(QRULES))
    if interval_type not in INTERVAL_TYPES:
        raise DesignError(f"unknown quantile interval '{interval_type}'; choose one of: {', '.join(INTERVAL_TYPES)}",
                          kind="interval-type-choice", value=interval_type, choices=", ".join(INTERVAL_TYPES))
    var = var_name(y, var)
    qs = _probabilities(quantiles)
    yy = column(design, y)
    if yy.shape != (design.n,):
        raise DesignError(f"variable has {yy.size} values for {design.n} rows", kind="length", what="the variable",
                          count=yy.size, rows=design.n)
    ok = np.isfinite(yy)
    if valid is not None:
        ok &= np.asarray(valid, dtype=bool)
    w = np.where(ok, design.weights, 0.0)
    if not np.any(w > 0):
        raise no_rows_error(var)
    xs, ws = _sorted(yy[ok], w[ok])
    rule = RULES[qrule]
    qhat = np.array([rule(xs, ws, p) for p in qs])
    shares, ses = [], []
    for q in qhat:
        ind = (np.nan_to_num(yy) <= q).astype(float)
        m = svymean(design, ind, valid=ok, df=df)
        shares.append(_r_share(ind, w) if not getattr(design, "is_replicate", False) else m.estimate)
        ses.append(m.se)
    dfv = float(design_df(design, w)) if df is None else float(df)
    rows = design.count_rows(ok)
    wood = WoodruffInterval(xs, ws, np.array(shares), np.array(ses), qrule, interval_type, n_rows=rows,
                            design_df=float(design_df(design, w)))
    proto = Estimate.of(qhat, np.zeros_like(qhat), n=int(np.count_nonzero(w)), df=dfv, confidence=confidence,
                        interval=wood, labels=[f"q{p:g}" for p in qs], var=var, domain=domain,
                        weight=float(w.sum()),
                        extra={"quantile": qs,  # math rule below the smallest value's share: R differs (docstring)
                               "below_smallest": (qs * ws.sum() < ws[0]) & (qrule == "math") & (len(ws) > 1)})
    lo, hi = proto.confint()
    c = critical_value(confidence, dfv)
    se = (np.asarray(hi) - np.asarray(lo)) / (2 * c)   # R: diff(ci)/(2 qcrit(1 − α/2)); NaN with a NaN bound
    est = replace(proto, variance=np.asarray(se, dtype=float) ** 2)
    object.__setattr__(est, "_ci", proto.__dict__["_ci"])
    return est

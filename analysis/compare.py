"""Comparisons: differences between groups of one design, between independent waves, and league tables.

Differences (all give estimate, SE, CI, t statistic, p and a significance flag):

* :func:`domain_difference` — two domains (subpopulations) of **one** design, e.g. two
  districts of the same wave.  The domains share strata and PSUs, so their estimates are
  correlated; the variance comes from the joint linearisation
  ``Var(ȳ_a − ȳ_b) = V(Σ z_a − Σ z_b)`` with ``z_g = w d_g (y − ȳ_g)/W_g``, i.e.
  ``v_a + v_b − 2 c_ab`` — R ``svycontrast(svyby(~y, ~g, design, svymean, covmat=TRUE),
  c(1, -1))``.  Critical values and p use Student t on the design degrees of freedom of the
  two domains together (R ``degf(subset(design, g %in% c(a, b)))``); R's ``svyttest`` uses one
  df less (a regression with two coefficients) — pass ``df`` to reproduce it.
* :func:`domain_estimates` — means (or shares) of every group with their full covariance
  matrix (R ``svyby(..., covmat=TRUE)``), from per-PSU totals only; :func:`contrast` takes
  any linear combination of them (R ``svycontrast``).
* :func:`independent_difference` — two estimates from independent samples (two waves):
  ``se = √(se_a² + se_b²)`` (covariance 0; equal to R's ``svycontrast`` on the waves stacked
  as separate strata of one design).  df: Welch–Satterthwaite
  ``(v_a + v_b)² / (v_a²/df_a + v_b²/df_b)`` by default (Satterthwaite 1946), ``"pooled"``
  = ``df_a + df_b`` (the stacked design's df, as R), a number, or ``inf`` (normal).

League tables (:func:`league`): groups ranked by an estimate, each with the range of ranks
it could hold given its uncertainty — ``rank_best = 1 + #groups significantly better``,
``rank_worst = K − #groups significantly worse`` — and ``tied_with`` listing the groups it
cannot be told apart from.  "Significantly different" is either a pairwise t test of the
difference (``method="pairwise"``, with the design covariance when given — the correct test
— else assuming independence) or non-overlapping intervals (``method="overlap"``, the
conservative visual rule).  Groups with fewer than ``small_base`` (30) respondents are
flagged.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import distributions as D
from .ci import critical_value
from .design import Design, DesignError
from .estimators import column
from .result import Estimate, json_value
from .thresholds import SMALL_BASE  # noqa: F401  (defined once: analysis.thresholds)


@dataclass(frozen=True)
class Difference:
    """``a − b`` with its SE, interval, t statistic, two-sided p and significance at ``confidence``."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: float
    statistic: float
    p: float
    significant: bool
    confidence: float
    a: float = float("nan")
    b: float = float("nan")
    label: str = ""
    method: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def direction(self) -> str:
        """``up`` / ``down`` when significant, else ``same``."""
        if not self.significant:
            return "same"
        return "up" if self.estimate > 0 else "down"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("extra")
        d["direction"] = self.direction
        return {k: json_value(v) for k, v in d.items()}


def _test(est: float, se: float, df: float, confidence: float, *, a=float("nan"), b=float("nan"), label="",
          method="") -> Difference:
    """t test of ``est`` against 0 with its Wald interval (the interval of :class:`analysis.result.Estimate`)."""
    e = Estimate.of(est, se * se, df=df, confidence=confidence, var=label)
    lo, hi = e.ci_low, e.ci_high
    if se > 0:
        t = est / se
        p = float(2 * (D.norm_sf(abs(t)) if np.isinf(df) else D.t_sf(abs(t), df)))
    else:
        t, p = float("nan"), float("nan")
    sig = bool(np.isfinite(lo) and (lo > 0 or hi < 0))
    return Difference(estimate=float(est), se=float(se), ci_low=float(lo), ci_high=float(hi), df=float(df),
                      statistic=float(t), p=p, significant=sig, confidence=confidence, a=float(a), b=float(b),
                      label=label, method=method)


# ----------------------------------------------------------------------------- one design, several domains
def _psu_strata(design: Design) -> tuple[np.ndarray, np.ndarray]:
    n_psu = int(design.psu.max()) + 1
    st = np.zeros(n_psu, dtype=np.int64)
    st[design.psu] = design.strata
    f = np.zeros(n_psu)
    f[design.psu] = design.fpc_fraction
    return st, f


def _domain_df(design: Design, inset: np.ndarray) -> float:
    """R ``degf`` of the domain ``inset``: PSUs minus strata among its rows (:meth:`Design.degf_in`, a
    presence table rather than ``np.unique``), or the replicate weights' rank."""
    if not inset.any():
        return 0.0
    if getattr(design, "is_replicate", False):
        return float(design.rank_df(inset))
    return float(design.degf_in(inset))


def domain_estimates(design: Design, y: Any, groups: Any, *, valid: Optional[np.ndarray] = None,
                     levels: Optional[Sequence] = None, confidence: float = 0.95) -> Estimate:
    """Mean of ``y`` in every group of ``groups`` (column name or array) with the joint covariance.

    Returns one :class:`~analysis.result.Estimate` vector: ``labels`` the groups, ``estimate``,
    ``cov`` (K × K, R ``vcov``), ``n``, ``df`` (each domain's design df) and ``weight`` (Σw).

    ``y`` (a column name or one value per row) may be a 0/1 indicator (shares).  Rows with missing ``y``/group, outside ``valid`` or
    with zero weight are outside every domain (kept, zero weight).  The covariance is
    ``design.variance_of_psu_totals`` of the PSU totals of the K influence columns, built with
    one ``bincount`` (no n × K matrix), as R ``svyby(~y, ~g, design, svymean, covmat=TRUE)``.
    """
    yy = column(design, y)
    if yy.shape != (design.n,):
        raise DesignError(f"variable has {yy.size} values for {design.n} rows", kind="length", what="the variable",
                          count=yy.size, rows=design.n)
    if isinstance(groups, str) and groups not in design.data.columns:
        raise DesignError(f"group column '{groups}' is not in the data", kind="missing-column", role="group",
                          column=groups)
    g = design.data[groups] if isinstance(groups, str) else pd.Series(np.asarray(groups, dtype=object))
    if len(g) != design.n:
        raise DesignError(f"groups have {len(g)} values for {design.n} rows", kind="length", what="the groups",
                          count=len(g), rows=design.n)
    g = g.reset_index(drop=True)
    ok = np.isfinite(yy) & g.notna().to_numpy() & (design.weights > 0)
    if valid is not None:
        ok &= np.asarray(valid, dtype=bool)
    if levels is None:
        levels = list(pd.unique(g[ok]))
        try:
            levels = sorted(levels)
        except TypeError:
            levels = sorted(levels, key=str)
    levels = list(levels)
    K = len(levels)
    if K == 0:
        raise DesignError("no valid rows in any group", kind="no-group-rows")
    code = pd.Categorical(g.where(ok), categories=levels).codes.astype(np.int64)
    ok &= code >= 0
    code = np.where(ok, code, 0)
    w = np.where(ok, design.weights, 0.0)
    yv = np.where(ok, yy, 0.0)
    Wg = np.bincount(code, weights=w, minlength=K)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = np.bincount(code, weights=w * yv, minlength=K) / Wg
    if getattr(design, "is_replicate", False):  # replicate estimates of every domain mean
        E = np.zeros((design.n, K))
        E[np.flatnonzero(ok), code[ok]] = 1.0
        _, reps = design.ratio(E * yv[:, None], E, ok)
        cov = design.replicate_vcov(reps, est)
        n = np.bincount(code[ok], minlength=K)
        df = np.array([float(design.rank_df(ok & (code == k))) for k in range(K)])
        return Estimate.of(est, np.diag(cov).copy(), cov=cov, labels=levels, n=n, df=df, weight=Wg,
                           confidence=confidence, replicates=reps)
    if design.needs_rows:  # calibration residuals / later stages need the row-level influence values
        Z = np.zeros((design.n, K))
        with np.errstate(invalid="ignore", divide="ignore"):
            Z[np.flatnonzero(ok), code[ok]] = (w * (yv - np.nan_to_num(est)[code]) / Wg[code])[ok]
        cov = design.variance(np.nan_to_num(Z), present=np.ones(design.n, dtype=bool))
    else:
        n_psu = int(design.psu.max()) + 1
        key = design.psu * K + code
        A = np.bincount(key, weights=w * yv, minlength=n_psu * K).reshape(n_psu, K)
        B = np.bincount(key, weights=w, minlength=n_psu * K).reshape(n_psu, K)
        with np.errstate(invalid="ignore", divide="ignore"):
            T = np.nan_to_num((A - est[None, :] * B) / Wg[None, :])
        st, f = _psu_strata(design)
        cov = design.variance_of_psu_totals(T, st, f)
    n = np.bincount(code[ok], minlength=K)
    df = np.array([_domain_df(design, ok & (code == k)) for k in range(K)])
    return Estimate.of(est, np.diag(cov).copy(), cov=cov, labels=levels, n=n, df=df, weight=Wg,
                       confidence=confidence)


def contrast(estimates: Any, cov: Optional[np.ndarray] = None, coef: Optional[Sequence[float]] = None, *,
             df: Optional[float] = None, confidence: float = 0.95, label: str = "") -> Difference:
    """Linear combination ``Σ c_k θ_k`` with variance ``cᵀ V c`` (R ``svycontrast``).

    ``estimates`` is an :class:`~analysis.result.Estimate` vector (its ``vcov()`` is used; ``cov``
    is then omitted: ``contrast(est, coef=[1, -1])``) or an array of estimates with ``cov``.  ``df``
    defaults to the smallest df of the estimates the contrast uses (non-zero coefficients; a conservative
    choice: R's ``svycontrast`` keeps no df and its ``confint`` is normal, while :func:`domain_difference`
    counts the PSUs of both domains together), or ``inf`` for arrays; pass ``df`` for another.
    """
    if isinstance(estimates, Estimate):
        if coef is None:
            coef, cov = cov, None
        V = estimates.vcov()
        theta = estimates.coef()
    else:
        V = np.asarray(cov, dtype=float)
        theta = np.asarray(estimates, dtype=float)
    if coef is None:
        raise DesignError("contrast needs coefficients", kind="contrast-coef", reason="none given")
    c = _coefficients(coef, theta, getattr(estimates, "labels", None))
    if isinstance(estimates, Estimate) and df is None:
        dfs = np.broadcast_to(np.asarray(estimates.df, dtype=float), theta.shape)[c != 0]
        df = float(np.min(dfs)) if dfs.size else float("inf")
    est = float(c @ theta)
    var = float(c @ V @ c)
    return _test(est, math.sqrt(max(var, 0.0)), float("inf") if df is None else float(df), confidence, label=label,
                 method="contrast")


def _coefficients(coef: Any, theta: np.ndarray, labels: Optional[Sequence]) -> np.ndarray:
    """``coef`` as one number per estimate (R ``svycontrast`` needs as many as ``coef(stat)``), else a
    :class:`DesignError` naming both lengths and the estimates' labels — numpy's matmul error named neither."""
    try:
        c = np.asarray(coef, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise DesignError(f"contrast coef must be numbers, not {coef!r}", kind="contrast-coef",
                          reason=f"not numbers: {coef!r}") from None
    if c.size != theta.size:
        names = f" ({', '.join(map(str, labels))})" if labels is not None else ""
        raise DesignError(f"contrast coef has {c.size} value{'s' if c.size != 1 else ''} for {theta.size} "
                          f"estimates{names}: give one coefficient per estimate", kind="shape",
                          what="the contrast coefficients", expected=f"one per estimate ({theta.size}), not {c.size}")
    return c


def domain_difference(design: Design, y: Any, mask_a: Any, mask_b: Any, *, valid: Optional[np.ndarray] = None,
                      confidence: float = 0.95, df: Optional[float] = None, label: str = "a − b") -> Difference:
    """Mean (or share) of ``y`` in domain ``a`` minus domain ``b`` of one design (joint linearisation).

    The masks may overlap (e.g. a district against the whole city); the covariance is then
    whatever the design implies.  ``df=None``: design df of the rows in either domain.
    """
    yy = column(design, y)
    if yy.shape != (design.n,):
        raise DesignError(f"variable has {yy.size} values for {design.n} rows", kind="length", what="the variable",
                          count=yy.size, rows=design.n)
    ok = np.isfinite(yy) & (design.weights > 0)
    if valid is not None:
        ok &= np.asarray(valid, dtype=bool)
    cols, ests = [], []
    for m in (mask_a, mask_b):
        d = ok & np.asarray(m, dtype=bool)
        w = np.where(d, design.weights, 0.0)
        W = w.sum()
        if W <= 0:
            raise DesignError("a compared group has no valid rows", kind="no-group-rows")
        e = float((w * np.where(d, yy, 0.0)).sum() / W)
        cols.append(w * (np.where(d, yy, 0.0) - e) / W)
        ests.append(e)
    inset = ok & (np.asarray(mask_a, dtype=bool) | np.asarray(mask_b, dtype=bool))
    if getattr(design, "is_replicate", False):
        ms = [ok & np.asarray(m, dtype=bool) for m in (mask_a, mask_b)]
        a = np.column_stack([np.where(m, yy, 0.0) for m in ms])
        b = np.column_stack([m.astype(float) for m in ms])
        _, reps = design.ratio(a, b, inset)
        V = design.replicate_vcov(reps, ests)
    else:
        V = design.variance(np.column_stack(cols), present=inset)
    var = V[0, 0] + V[1, 1] - 2 * V[0, 1]
    dfv = _domain_df(design, inset) if df is None else float(df)
    r = _test(ests[0] - ests[1], math.sqrt(max(var, 0.0)), dfv, confidence, a=ests[0], b=ests[1], label=label,
              method="domains")
    return Difference(**{**asdict(r), "extra": {"cov": float(V[0, 1]), "var_a": float(V[0, 0]),
                                                 "var_b": float(V[1, 1])}})


# ----------------------------------------------------------------------------- independent samples
DfRule = Union[str, float, None]


def _get(x: Any, name: str) -> float:
    if isinstance(x, dict):
        return float(x[name])
    return float(getattr(x, name))


def independent_difference(a: Any, b: Any, *, confidence: float = 0.95, df: DfRule = "satterthwaite",
                           label: str = "a − b") -> Difference:
    """``a − b`` for estimates from independent samples (e.g. this wave minus the last).

    ``a`` and ``b`` are :class:`analysis.result.Estimate` objects or dicts with ``estimate``,
    ``se`` and (for the t-based df rules) ``df``.  See the module docstring for ``df``.
    """
    ea, eb = _get(a, "estimate"), _get(b, "estimate")
    sa, sb = _get(a, "se"), _get(b, "se")
    va, vb = sa * sa, sb * sb
    if df is None or df == "satterthwaite":
        da, db = _get(a, "df"), _get(b, "df")
        if np.isnan(da) or np.isnan(db) or min(da, db) <= 0:
            # a side with no degrees of freedom (e.g. a wave without answers): not testable
            dfv = float("nan")
        elif np.isinf(da) and np.isinf(db):
            dfv = float("inf")
        else:
            terms = [v * v / d for v, d in ((va, da), (vb, db)) if np.isfinite(d)]
            denom = sum(terms)
            dfv = (va + vb) ** 2 / denom if denom > 0 else float("inf")
    elif df == "pooled":
        dfv = _get(a, "df") + _get(b, "df")
    else:
        dfv = float(df)
    return _test(ea - eb, math.sqrt(va + vb), dfv, confidence, a=ea, b=eb, label=label, method="independent")


# ----------------------------------------------------------------------------- league tables
@dataclass(frozen=True)
class LeagueRow:
    """One group of a league table."""

    group: Any
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    rank: int
    rank_best: int
    rank_worst: int
    tied: bool
    tied_with: list
    small_base: bool

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: (json_value(v) if not isinstance(v, list) else [json_value(x) for x in v]) for k, v in d.items()}


def league(groups: Sequence, estimates: Sequence[float], *, se: Optional[Sequence[float]] = None,
           ci_low: Optional[Sequence[float]] = None, ci_high: Optional[Sequence[float]] = None,
           n: Optional[Sequence[int]] = None, cov: Optional[np.ndarray] = None,
           df: Union[float, Sequence[float]] = float("inf"), method: str = "pairwise", confidence: float = 0.95,
           descending: bool = True, small_base: int = SMALL_BASE) -> list[LeagueRow]:
    """Rank groups by estimate with CI-aware ties and small-base flags (see module docstring).

    ``method="pairwise"`` needs ``se`` (and uses ``cov``, the groups' covariance matrix from
    :func:`domain_estimates`, when given; ``df`` a number or one per pair's max); intervals are
    ``ci_low``/``ci_high`` when given, else ``estimate ± t(df)·se``.  ``method="overlap"``
    needs the intervals (or ``se``).  Ties of the point estimate share the better rank order
    as given.
    """
    if method not in ("pairwise", "overlap"):
        raise DesignError(f"unknown league method '{method}'; choose pairwise or overlap", kind="league-choice",
                          value=method, choices="pairwise, overlap")
    est = np.asarray(estimates, dtype=float)
    K = est.size
    if len(groups) != K:
        raise DesignError("groups and estimates differ in length", kind="shape", what="the groups",
                          expected=f"one per estimate ({K}), not {len(groups)}")
    s = None if se is None else np.asarray(se, dtype=float)
    dfa = np.broadcast_to(np.asarray(df, dtype=float), (K,)).astype(float)
    if ci_low is None or ci_high is None:
        if s is None:
            raise DesignError("league tables need standard errors or confidence intervals", kind="league-se")
        lo, hi = Estimate.of(est, s * s, df=dfa, confidence=confidence).confint()
    else:
        lo, hi = np.asarray(ci_low, dtype=float), np.asarray(ci_high, dtype=float)
    if method == "pairwise":
        if s is None:
            raise DesignError("pairwise league tables need standard errors", kind="league-se")
        V = np.diag(s * s) if cov is None else np.asarray(cov, dtype=float)
        var_d = np.diag(V)[:, None] + np.diag(V)[None, :] - 2 * V
        df_pair = np.minimum(dfa[:, None], dfa[None, :])
        crit = critical_value(confidence, df_pair)
        diff = est[:, None] - est[None, :]
        with np.errstate(invalid="ignore"):
            better = diff > crit * np.sqrt(np.maximum(var_d, 0))      # better[i, j]: i significantly above j
    else:
        better = lo[:, None] > hi[None, :]
    np.fill_diagonal(better, False)
    if not descending:
        better = better.T
    order = np.argsort(-est if descending else est, kind="stable")
    rank = np.empty(K, dtype=int)
    rank[order] = np.arange(1, K + 1)
    nn = np.zeros(K, dtype=int) if n is None else np.asarray(n, dtype=int)
    rows = []
    for i in order:
        n_above = int(better[:, i].sum())
        n_below = int(better[i, :].sum())
        tied_with = [groups[j] for j in order if j != i and not better[i, j] and not better[j, i]]
        rows.append(LeagueRow(group=groups[i], estimate=float(est[i]), se=float(s[i]) if s is not None else float("nan"),
                              ci_low=float(lo[i]), ci_high=float(hi[i]), n=int(nn[i]), rank=int(rank[i]),
                              rank_best=n_above + 1, rank_worst=K - n_below, tied=bool(tied_with),
                              tied_with=tied_with, small_base=bool(n is not None and nn[i] < small_base)))
    return rows


def league_from_estimates(estimates: Sequence[Any], *, key: Optional[str] = None, **kw) -> list[LeagueRow]:
    """:func:`league` over :class:`analysis.result.Estimate` records (e.g. from ``svyby``), named by
    their domain value ``key`` (the first domain column by default); independence assumed unless
    ``cov`` is passed."""
    groups = []
    for e in estimates:
        dom = e.domain or {}
        groups.append(dom.get(key) if key else (next(iter(dom.values())) if dom else e.var))
    kw.setdefault("df", [e.df for e in estimates])
    return league(groups, [e.estimate for e in estimates], se=[e.se for e in estimates],
                  ci_low=[e.ci_low for e in estimates], ci_high=[e.ci_high for e in estimates],
                  n=[e.n for e in estimates], **kw)

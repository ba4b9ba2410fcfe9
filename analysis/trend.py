"""Waves over time: one estimate per wave, changes between waves and a linear trend test.

Waves are independent samples, so every estimate ``y_i`` (wave i) carries its own sampling
variance ``v_i = se_i²`` and design degrees of freedom ``df_i``, and estimates of different
waves have covariance 0.

* **Changes** (:func:`wave_series`): each wave against the previous wave and against the first,
  :func:`analysis.compare.independent_difference` — ``se = √(v_a + v_b)``, Student t with the
  Welch–Satterthwaite df (as ``survey report --compare``).
* **Linear trend** (:func:`linear_trend`): weighted least squares of the wave estimates on the
  wave times ``t_i`` (default 1, 2, …, K: equally spaced waves, slope *per wave*) with weights
  ``w_i = 1/v_i`` — the inverse-variance (meta-regression) estimator with known variances::

      t̄ = Σ w t / Σ w,   S_tt = Σ w (t − t̄)²,   b = Σ w (t − t̄)(y − ȳ) / S_tt,   Var(b) = 1 / S_tt

  ``b = Σ c_i y_i`` with ``c_i = w_i (t_i − t̄)/S_tt``, a linear combination of independent
  estimates, so its df is Welch–Satterthwaite ``(Σ c² v)² / Σ (c² v)²/df_i`` (normal when every
  wave's df is infinite); ``t = b / se(b)``, two-sided p.  The residual ``Q = Σ w (y − a − b t)²``
  is referred to χ² with K − 2 df: a small p says the waves depart from a straight line (the
  slope is then an average direction, not a rate).  The variances are taken as known (no
  residual scale), as statsmodels ``WLS(y, X, weights=1/v).fit(cov_type="fixed scale")`` —
  the reference in ``tests/test_trend.py``, with a hand-worked example.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from . import distributions as D
from .ci import critical_value
from .compare import Difference, independent_difference
from .result import json_value

TREND_METHOD = ("weighted least squares of the wave estimates on the wave number (weights 1/se², variances "
                "known), Student t with Welch–Satterthwaite df; changes: independent samples, Welch–Satterthwaite t")
TREND_METHOD_ZH = ("各期估计值对期次的加权最小二乘回归（权重为1/标准误²，方差视为已知），t检验自由度按"
                   "Welch–Satterthwaite公式；期间变化按独立样本检验")


@dataclass(frozen=True)
class TrendTest:
    """Slope of a weighted linear trend across waves (see module docstring)."""

    slope: float
    se: float
    ci_low: float
    ci_high: float
    df: float
    statistic: float
    p: float
    significant: bool
    confidence: float
    intercept: float
    waves: int
    lack_of_fit: float  # Q = Σ w (y − a − b t)²
    lack_of_fit_df: int  # K − 2
    lack_of_fit_p: float
    weights: tuple = field(default=(), repr=False)  # c_i: slope = Σ c_i y_i

    @property
    def direction(self) -> str:
        """``up`` / ``down`` when the slope is significant, else ``same``."""
        if not self.significant:
            return "same"
        return "up" if self.slope > 0 else "down"

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in ("slope", "se", "ci_low", "ci_high", "df", "statistic", "p", "significant",
                                           "confidence", "intercept", "waves", "lack_of_fit", "lack_of_fit_df",
                                           "lack_of_fit_p")}
        d["direction"] = self.direction
        d["method"] = "wls"
        return {k: json_value(v) for k, v in d.items()}


def linear_trend(estimates: Sequence[float], se: Sequence[float], *, df: Optional[Sequence[float]] = None,
                 times: Optional[Sequence[float]] = None, confidence: float = 0.95) -> Optional[TrendTest]:
    """Weighted linear trend of independent wave estimates (module docstring); None with < 2 usable waves.

    ``df``: design df per wave (default infinite: normal reference); ``times``: the wave times
    (default 1..K in the given order).  Waves with a missing estimate or SE are left out; a wave
    with SE 0 makes the fit degenerate (None).
    """
    y = np.asarray(estimates, dtype=float)
    s = np.asarray(se, dtype=float)
    t = np.arange(1, y.size + 1, dtype=float) if times is None else np.asarray(times, dtype=float)
    d = np.full(y.size, np.inf) if df is None else np.asarray(df, dtype=float)
    if d.size == y.size:
        d = np.where(np.isnan(d), np.inf, d)  # df unknown: normal reference
    if not (y.size == s.size == t.size == d.size):
        raise ValueError("estimates, se, df and times differ in length")
    ok = np.isfinite(y) & np.isfinite(s) & np.isfinite(t)
    y, s, t, d = y[ok], s[ok], t[ok], d[ok]
    K = int(y.size)
    if K < 2 or np.any(s <= 0) or np.unique(t).size < 2:
        return None
    v = s * s
    w = 1.0 / v
    tbar = float((w * t).sum() / w.sum())
    ybar = float((w * y).sum() / w.sum())
    stt = float((w * (t - tbar) ** 2).sum())
    c = w * (t - tbar) / stt
    b = float((c * y).sum())
    a = ybar - b * tbar
    var = 1.0 / stt
    se_b = math.sqrt(var)
    parts = (c * c * v)
    if np.all(np.isinf(d)):
        dfv = math.inf
    elif np.any(d <= 0):
        dfv = math.nan
    else:
        fin = np.isfinite(d)
        denom = float((parts[fin] ** 2 / d[fin]).sum())
        dfv = float(parts.sum() ** 2 / denom) if denom > 0 else math.inf
    crit = float(critical_value(confidence, dfv))
    stat = b / se_b
    p = float(2 * (D.norm_sf(abs(stat)) if math.isinf(dfv) else D.t_sf(abs(stat), dfv)))
    lo, hi = b - crit * se_b, b + crit * se_b
    q = float((w * (y - a - b * t) ** 2).sum())
    qdf = K - 2
    qp = float(D.chi2_sf(q, qdf)) if qdf > 0 else math.nan
    return TrendTest(slope=b, se=se_b, ci_low=lo, ci_high=hi, df=dfv, statistic=stat, p=p,
                     significant=bool(np.isfinite(lo) and (lo > 0 or hi < 0)), confidence=confidence, intercept=a,
                     waves=K, lack_of_fit=q, lack_of_fit_df=qdf, lack_of_fit_p=qp, weights=tuple(c.tolist()))


@dataclass(frozen=True)
class WavePoint:
    """One wave's estimate with its changes against the previous and the first wave (None for the first)."""

    wave: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    df: float
    vs_previous: Optional[Difference] = None
    vs_first: Optional[Difference] = None
    previous_wave: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        d = {k: json_value(getattr(self, k)) for k in ("wave", "estimate", "se", "ci_low", "ci_high", "n", "df",
                                                        "previous_wave")}
        d["vs_previous"] = _diff_dict(self.vs_previous)
        d["vs_first"] = _diff_dict(self.vs_first)
        return d


def _diff_dict(x: Optional[Difference]) -> Optional[dict]:
    if x is None:
        return None
    d = x.to_dict()
    return {k: d[k] for k in ("estimate", "se", "ci_low", "ci_high", "df", "statistic", "p", "significant",
                              "direction")}


@dataclass(frozen=True)
class WaveSeries:
    """Estimates of one quantity across waves: points (with changes) and the linear trend."""

    points: tuple
    trend: Optional[TrendTest]

    def to_dict(self) -> dict[str, Any]:
        return {"points": [p.to_dict() for p in self.points],
                "trend": self.trend.to_dict() if self.trend is not None else None}


def wave_series(waves: Sequence[str], estimates: Sequence[Optional[float]], se: Sequence[Optional[float]],
                ci_low: Sequence[Optional[float]], ci_high: Sequence[Optional[float]], n: Sequence[Optional[int]],
                df: Sequence[Optional[float]], *, confidence: float = 0.95) -> WaveSeries:
    """One quantity across waves (in time order): each wave with its CI as estimated in that wave,
    the change against the previous wave with an estimate and against the first such wave
    (:func:`independent_difference`, Welch–Satterthwaite df), and :func:`linear_trend` over the
    waves that have an estimate.  A wave without an estimate (None/NaN) is skipped by the
    changes and the trend."""

    def num(x) -> float:
        return float("nan") if x is None else float(x)

    pts = []
    first = prev = None
    for i, w in enumerate(waves):
        e, s = num(estimates[i]), num(se[i])
        rec = {"estimate": e, "se": s, "df": num(df[i])}
        vp = vf = None
        have = math.isfinite(e) and math.isfinite(s)
        if have and prev is not None:
            vp = independent_difference(rec, prev[1], confidence=confidence)
            vf = independent_difference(rec, first[1], confidence=confidence)
        pts.append(WavePoint(wave=str(w), estimate=e, se=s, ci_low=num(ci_low[i]), ci_high=num(ci_high[i]),
                             n=int(n[i] or 0), df=num(df[i]), vs_previous=vp, vs_first=vf,
                             previous_wave=prev[0] if (have and prev is not None) else None))
        if have:
            prev = (str(w), rec)
            first = first or prev
    tr = linear_trend([num(x) for x in estimates], [num(x) for x in se], df=[num(x) for x in df],
                      confidence=confidence)
    return WaveSeries(points=tuple(pts), trend=tr)

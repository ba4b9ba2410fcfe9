"""Importance–performance analysis (IPA): derived importance and quadrant assignment.

Arrays in, results out (no I/O).

* **performance** of an item: its satisfaction index (mean score), computed elsewhere
  (:mod:`analysis.indicators`) and passed in;
* **derived importance** of an item: the design-weighted Pearson correlation between the
  item's score and the overall-satisfaction score over the respondents with both valid,

      r = Σ w (x − x̄)(y − ȳ) / √(Σ w (x − x̄)² · Σ w (y − ȳ)²),  x̄ = Σ w x / Σ w, …

  equal to ``cov2cor(svyvar(~x + y, subset(des, both valid)))[1, 2]`` in R's survey package
  (the n/(n−1) factor of ``svyvar`` cancels);
* **quadrants** (Martilla & James 1977), split at the mean importance and the mean
  performance of the items (or at given cut points):
  优势保持区 (high importance, high performance — keep up the good work),
  重点改进区 (high importance, low performance — concentrate here),
  次要改进区 (low importance, low performance — low priority),
  继续维持区 (low importance, high performance — possible overkill).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .design import DesignError

Q_KEEP = "优势保持区"
Q_FOCUS = "重点改进区"
Q_LOW = "次要改进区"
Q_MAINTAIN = "继续维持区"


def weighted_correlation(x: np.ndarray, y: np.ndarray, w: np.ndarray, *, min_n: int = 2) -> tuple[float, int]:
    """Design-weighted Pearson correlation over rows where x, y are finite and w > 0; returns (r, n)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y) & (w > 0)
    n = int(ok.sum())
    if n < min_n:
        return float("nan"), n
    ww, xx, yy = w[ok], x[ok], y[ok]
    W = ww.sum()
    xc = xx - (ww * xx).sum() / W
    yc = yy - (ww * yy).sum() / W
    sxy = (ww * xc * yc).sum()
    sxx = (ww * xc * xc).sum()
    syy = (ww * yc * yc).sum()
    if sxx <= 0 or syy <= 0:
        return float("nan"), n
    return float(sxy / np.sqrt(sxx * syy)), n


@dataclass
class IpaItem:
    key: str
    importance: float
    performance: float
    n: int
    quadrant: Optional[str] = None


def quadrant(importance: float, performance: float, imp_cut: float, perf_cut: float) -> Optional[str]:
    """Quadrant name for one item; ``None`` when importance or performance is missing."""
    if not (np.isfinite(importance) and np.isfinite(performance)):
        return None
    hi_imp, hi_perf = importance >= imp_cut, performance >= perf_cut
    if hi_imp:
        return Q_KEEP if hi_perf else Q_FOCUS
    return Q_MAINTAIN if hi_perf else Q_LOW


def importance_performance(scores: np.ndarray, overall: np.ndarray, weights: np.ndarray, keys: Sequence[str],
                           performance: Sequence[float], *, min_n: int = 10, imp_cut: Optional[float] = None,
                           perf_cut: Optional[float] = None) -> list[IpaItem]:
    """IPA of items (see module docstring).

    ``scores``: rows × items (NaN = no valid score); ``overall``: overall-satisfaction score per
    row; ``performance``: one index per item.  Items with fewer than ``min_n`` rows valid for
    both get importance NaN and no quadrant.  Cut points default to the means over items.
    """
    S = np.asarray(scores, dtype=float)
    if S.ndim != 2 or S.shape[1] != len(keys) or len(performance) != len(keys):
        raise DesignError("scores must be rows × items with one key and one performance value per item")
    out = []
    for j, key in enumerate(keys):
        r, n = weighted_correlation(S[:, j], overall, weights)
        if n < min_n:
            r = float("nan")
        out.append(IpaItem(str(key), r, float(performance[j]), n))
    imps = np.array([o.importance for o in out])
    perfs = np.array([o.performance for o in out])
    if imp_cut is None:
        imp_cut = float(np.nanmean(imps)) if np.isfinite(imps).any() else float("nan")
    if perf_cut is None:
        perf_cut = float(np.nanmean(perfs)) if np.isfinite(perfs).any() else float("nan")
    for o in out:
        o.quadrant = quadrant(o.importance, o.performance, imp_cut, perf_cut)
    return out

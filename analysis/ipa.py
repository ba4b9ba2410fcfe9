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

from .design import DesignError, unit_weights

Q_KEEP = "优势保持区"
Q_FOCUS = "重点改进区"
Q_LOW = "次要改进区"
Q_MAINTAIN = "继续维持区"


def weighted_correlation(x: np.ndarray, y: np.ndarray, w: np.ndarray, *, min_n: int = 2) -> tuple[float, int]:
    """Design-weighted Pearson correlation over rows where x, y are finite and w > 0; returns (r, n).

    Answer scores take few values, so the weighted moments come from one weighted contingency
    table of (x, y) codes (a bincount), not from per-row products.
    """
    from .domains import code_values

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    cx, vx = code_values(x)
    cy, vy = code_values(y)
    if len(vx) * len(vy) > 1_000_000:  # continuous values: plain moments over the rows
        ok = np.isfinite(x) & np.isfinite(y) & (w > 0)
        return _moments_corr(x[ok], y[ok], w[ok], min_n)
    return weighted_correlation_coded(cx, vx, cy, vy, w, min_n=min_n)


def weighted_correlation_coded(cx: np.ndarray, sx: np.ndarray, cy: np.ndarray, sy: np.ndarray, w: np.ndarray, *,
                               min_n: int = 2, wpos: Optional[np.ndarray] = None) -> tuple[float, int]:
    """:func:`weighted_correlation` of coded columns: ``cx`` integer codes per row, ``sx[c]`` the value
    (score) of code c, NaN = not valid (same for y).  One weighted contingency table of the codes.
    ``wpos``: ``(w > 0)`` as floats when the caller has it (:func:`importances`, once for every item);
    ``w`` None: every weight 1 (the table's sums of weights are its counts, exactly)."""
    kx, ky = len(sx), len(sy)
    cx, cy = np.asarray(cx), np.asarray(cy)
    if kx * ky <= np.iinfo(np.int16).max and cx.dtype == np.int16 and cy.dtype == np.int16:
        key = cx * np.int16(ky)  # int16 codes (code_values) of a small table: the key in int16 too
        key += cy
    else:
        key = cx.astype(np.int64) * ky + cy  # int64: the codes' product may not fit their type
    if w is None:
        tw = tn = np.bincount(key, minlength=kx * ky).reshape(kx, ky).astype(float)
    else:
        tw = np.bincount(key, weights=w, minlength=kx * ky).reshape(kx, ky)
        tn = np.bincount(key, weights=(w > 0).astype(float) if wpos is None else wpos,
                         minlength=kx * ky).reshape(kx, ky)
    X, Y = np.meshgrid(np.asarray(sx, float), np.asarray(sy, float), indexing="ij")
    ok = np.isfinite(X) & np.isfinite(Y)
    n = int(round(tn[ok].sum()))
    m = ok & (tw > 0)
    return _moments_corr(X[m], Y[m], tw[m], min_n, n)


def _moments_corr(x, y, w, min_n, n=None) -> tuple[float, int]:
    n = int(len(x)) if n is None else n
    if n < min_n or w.sum() <= 0:
        return float("nan"), n
    W = w.sum()
    xc = x - (w * x).sum() / W
    yc = y - (w * y).sum() / W
    sxy = (w * xc * yc).sum()
    sxx = (w * xc * xc).sum()
    syy = (w * yc * yc).sum()
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


def importance_performance(scores, overall: np.ndarray, weights: np.ndarray, keys: Sequence[str],
                           performance: Sequence[float], *, min_n: int = 10, imp_cut: Optional[float] = None,
                           perf_cut: Optional[float] = None) -> list[IpaItem]:
    """IPA of items (see module docstring): :func:`importances` then :func:`classify`.

    ``scores``: rows × items array, or a sequence of per-item arrays (NaN = no valid score) or of
    coded columns ``(codes, score per code)`` (see :func:`analysis.domains.code_values`);
    ``overall``: overall-satisfaction score (array or coded column) per
    row; ``performance``: one index per item.  Items with fewer than ``min_n`` rows valid for
    both get importance NaN and no quadrant.  Cut points default to the means over items.
    """
    cols = list(np.asarray(scores, dtype=float).T) if isinstance(scores, np.ndarray) else list(scores)
    if len(cols) != len(keys) or len(performance) != len(keys):
        raise DesignError("scores must be rows × items with one key and one performance value per item",
                          kind="shape", what="the scores",
                          expected="rows × items with one key and one performance value per item")
    return classify(keys, importances(cols, overall, weights, min_n=min_n), performance,
                    imp_cut=imp_cut, perf_cut=perf_cut)


def importances(scores: Sequence, overall, weights: np.ndarray, *, min_n: int = 10) -> list[tuple[float, int]]:
    """(derived importance, rows valid for both) per item: the weighted correlation of each item's
    score with the overall score (module docstring), NaN when fewer than ``min_n`` rows are valid for
    both.  ``scores``: per-item arrays or coded columns; ``overall``: an array or a coded column."""
    from .domains import code_values

    cy, sy = overall if isinstance(overall, tuple) else code_values(overall)
    w = np.asarray(weights, dtype=float)
    if unit_weights(w):  # an unweighted sample: tables of counts
        w = wpos = None
    else:
        wpos = (w > 0).astype(float)
    out = []
    for col in scores:
        cx, sx = col if isinstance(col, tuple) else code_values(col)
        r, n = weighted_correlation_coded(cx, sx, cy, sy, w, wpos=wpos)
        out.append((float("nan") if n < min_n else r, n))
    return out


def classify(keys: Sequence[str], importance: Sequence[tuple[float, int]], performance: Sequence[float], *,
             imp_cut: Optional[float] = None, perf_cut: Optional[float] = None) -> list[IpaItem]:
    """The items with their (importance, n) from :func:`importances` and their performance, each in its
    quadrant; cut points default to the means over the items (NaN ignored)."""
    out = [IpaItem(str(key), r, float(perf), n) for key, (r, n), perf in zip(keys, importance, performance)]
    imps = np.array([o.importance for o in out])
    perfs = np.array([o.performance for o in out])
    if imp_cut is None:
        imp_cut = float(np.nanmean(imps)) if np.isfinite(imps).any() else float("nan")
    if perf_cut is None:
        perf_cut = float(np.nanmean(perfs)) if np.isfinite(perfs).any() else float("nan")
    for o in out:
        o.quadrant = quadrant(o.importance, o.performance, imp_cut, perf_cut)
    return out

"""Internal consistency of a rating battery: Cronbach's α.

α = k/(k − 1) · (1 − Σᵢ s²ᵢ / s²_total) over the rows that answered every item (listwise deletion),
with sample variances (ddof = 1) of each item and of the row total (Cronbach 1951; the textbook
formula, as ``psych::alpha``'s ``raw_alpha`` and the R script ``tests/golden/r_reliability.R``, which
computes it independently in R).  Unweighted: α describes the instrument, not a population.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .design import BLOCK_ROWS


@dataclass
class Alpha:
    alpha: Optional[float]      # None when fewer than 2 items or 2 complete rows, or no total variance
    k: int                      # items
    n: int                      # complete rows used
    items: list                 # item labels
    alpha_if_deleted: list      # α without each item (None when not computable)


def _alpha_from(tv: float, item_var_sum: float, k: int, n: int) -> Optional[float]:
    if k < 2 or n < 2 or not tv > 0:
        return None
    return float(k / (k - 1) * (1 - item_var_sum / tv))


def cronbach_alpha(X: np.ndarray, items: Optional[Sequence[str]] = None) -> Alpha:
    """Cronbach's α of the columns of ``X`` (rows × items, NaN = not answered; see module docstring).

    The covariance matrix S (k × k) of the complete rows comes from one pass over blocks of rows
    (:func:`_complete_covariance`).  The item variances are its diagonal; the variance of the total is
    ΣS, and that of ``total − item j`` is ΣS − 2·Σ_l S_jl + S_jj (the variance of a sum, e.g. Lord &
    Novick 1968, ch. 4), so α without item j needs no pass over the data per deleted item.
    """
    X = np.asarray(X, dtype=float)
    k = X.shape[1]
    labels = list(items) if items is not None else [str(j) for j in range(k)]

    def block(lo: int, hi: int, out: np.ndarray) -> None:
        out[:] = X[lo:hi]

    return _alpha_of(*_complete_covariance(block, X.shape[0], k), k, labels)


def cronbach_alpha_coded(codes: Sequence[np.ndarray], tables: Sequence[np.ndarray],
                         items: Optional[Sequence[str]] = None) -> Alpha:
    """:func:`cronbach_alpha` of the items whose score per row is ``tables[j][codes[j]]`` (answer codes,
    e.g. :func:`analysis.domains.code_values`, and the score of each code, NaN = no score): the scores
    are gathered a block of rows at a time, so no rows × items matrix is formed.  Equal to
    ``cronbach_alpha(np.column_stack([t[c] for c, t in zip(codes, tables)]))`` (the same sums in
    blocks; tested)."""
    k = len(codes)
    labels = list(items) if items is not None else [str(j) for j in range(k)]
    tabs = [np.asarray(t, dtype=float) for t in tables]
    n_rows = len(codes[0]) if k else 0
    for c, t in zip(codes, tabs):
        if len(c) != n_rows:
            raise ValueError("cronbach_alpha_coded: the items' codes differ in length")
        if len(c) and (int(c.min()) < 0 or int(c.max()) >= len(t)):
            raise ValueError("cronbach_alpha_coded: a code outside its score table")

    def block(lo: int, hi: int, out: np.ndarray) -> None:
        for j in range(k):
            np.take(tabs[j], codes[j][lo:hi].astype(np.intp), out=out[:, j], mode="clip")  # in range: checked

    return _alpha_of(*_complete_covariance(block, n_rows, k), k, labels)


def _complete_covariance(fill, n_rows: int, k: int) -> tuple[Optional[np.ndarray], int]:
    """(S, n): the covariance matrix (ddof = 1) of the rows with every one of the k values finite, and
    their number; ``fill(lo, hi, out)`` writes rows lo..hi into ``out`` ((hi − lo) × k).

    Rows are taken :data:`analysis.design.BLOCK_ROWS` at a time (each block stays in the CPU cache).
    The sums are of the values shifted by the first complete block's means c (the shifted-data
    algorithm; Chan, Golub & LeVeque 1983): with d = Σ(x − c)/n, S = (Σ(x − c)(x − c)ᵀ − n·d dᵀ)/(n − 1),
    free of the cancellation of raw sums of squares since c is close to the mean."""
    S = np.zeros((k, k))
    tot = np.zeros(k)
    n = 0
    shift = None
    buf = np.empty((min(max(n_rows, 1), BLOCK_ROWS), k), order="F")
    for lo in range(0, n_rows, BLOCK_ROWS):
        hi = min(lo + BLOCK_ROWS, n_rows)
        Xb = buf[: hi - lo]
        fill(lo, hi, Xb)
        ok = np.isfinite(Xb[:, 0]) if k else np.ones(hi - lo, dtype=bool)
        for j in range(1, k):
            ok &= np.isfinite(Xb[:, j])
        m = int(np.count_nonzero(ok))
        if m == 0:
            continue
        Xc = Xb[ok] if m < hi - lo else Xb.copy(order="C")
        if shift is None:
            shift = Xc.mean(axis=0)
        Xc -= shift
        tot += Xc.sum(axis=0)
        S += Xc.T @ Xc
        n += m
    if n < 2 or k < 2:
        return None, n
    d = tot / n
    return (S - n * np.outer(d, d)) / (n - 1), n


def _alpha_of(S: Optional[np.ndarray], n: int, k: int, labels: list) -> Alpha:
    """α and α without each item from the complete rows' covariance matrix S."""
    if S is None:
        return Alpha(None, k, n, labels, [None] * k)
    v = np.diag(S)
    tv = float(S.sum())
    dele = [None] * k
    if k > 2:
        others = ~np.eye(k, dtype=bool)
        dele = [_alpha_from(tv - 2 * float(S[j].sum()) + float(S[j, j]), v[others[j]].sum(), k - 1, n)
                for j in range(k)]
    return Alpha(_alpha_from(tv, v.sum(), k, n), k, n, labels, dele)

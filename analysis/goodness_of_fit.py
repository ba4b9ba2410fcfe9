"""Does the sample's composition differ from the population's?  A design-based goodness-of-fit test.

For a categorical variable with K categories, estimated shares p̂ (ratios of weighted totals over the
rows with a category, linearised covariance V under the design) and population shares π:

    X² = n Σ_k (p̂_k − π_k)² / π_k                         (Pearson, n = rows with a category)
    Δ  = n (P⁻¹ V) on the first K − 1 categories,  P = diag(π) − ππᵀ   (generalised design effects)
    F  = X² / tr Δ,   df1 = d₀ = (tr Δ)² / tr Δ²,   df2 = d₀ ν,   p = P(F(df1, df2) > F)

— the Rao–Scott second-order correction (Rao & Scott 1981, *JASA* 76:221–230; the same construction
as R ``svychisq(statistic = "F")`` for tables, :mod:`analysis.crosstab`) with ν the design degrees
of freedom.  With a simple random sample Δ ≈ I and the test is Pearson's χ² test of given
probabilities.  Checked against the same formula evaluated in R on ``svymean``'s covariance
(``tests/golden/r_goodness_of_fit.R``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from . import distributions as dist
from .design import Design
from .estimators import design_df


@dataclass(frozen=True)
class GofTest:
    """Result of :func:`goodness_of_fit` (module docstring)."""

    chisq: float
    F: float
    df1: float
    df2: float
    p: float
    deff_mean: float
    n: int
    shares: list

    def to_dict(self) -> dict:
        f = (lambda x: float(x) if np.isfinite(x) else None)  # noqa: E731
        return {"name": "rao-scott-F", "chisq": f(self.chisq), "F": f(self.F), "df1": f(self.df1),
                "df2": f(self.df2), "p": f(self.p), "deff_mean": f(self.deff_mean), "n": self.n}


def goodness_of_fit(design: Design, codes: np.ndarray, population: Sequence[float]) -> Optional[GofTest]:
    """Test the shares of ``codes`` (0..K−1 per row, −1 = missing) against ``population`` (K shares,
    normalised to sum 1); None when fewer than two categories have a population share > 0 or a
    sampled category has none."""
    pi = np.asarray(population, dtype=float)
    pi = pi / pi.sum()
    K = len(pi)
    codes = np.asarray(codes)
    w = np.asarray(design.weights, dtype=float)
    ok = (codes >= 0) & (w > 0)
    n = int(ok.sum())
    if n == 0 or (pi > 0).sum() < 2:
        return None
    W = w[ok].sum()
    X = np.zeros((design.n, K))
    X[np.flatnonzero(ok), codes[ok]] = 1.0
    p = (w[:, None] * X).sum(0) / W
    if np.any((pi == 0) & (p > 0)):
        return None
    keep = pi > 0
    p, pi, X = p[keep], pi[keep], X[:, keep]
    K = len(pi)
    z = np.where(ok[:, None], w[:, None] * (X - p[None, :]) / W, 0.0)
    if getattr(design, "is_replicate", False):
        _, reps = design.ratio(X * ok[:, None], np.repeat(ok[:, None].astype(float), K, axis=1), ok)
        V = design.replicate_vcov(reps, p)
    else:
        V = design.variance(z, present=ok)
    chisq = float(n * ((p - pi) ** 2 / pi).sum())
    P = np.diag(pi[:-1]) - np.outer(pi[:-1], pi[:-1])
    D = n * np.linalg.solve(P, V[:-1, :-1])
    tr, tr2 = float(np.trace(D)), float(np.trace(D @ D))
    d0 = tr * tr / tr2 if tr2 > 0 else float("nan")
    nu = float(design_df(design, np.where(ok, w, 0.0)))
    F = chisq / tr if tr > 0 else float("nan")
    df2 = d0 * nu
    pval = float(dist.f_sf(F, d0, df2)) if np.isfinite(F) and np.isfinite(d0) and df2 > 0 else float("nan")
    return GofTest(chisq, F, d0, df2, pval, tr / (K - 1), n, [float(x) for x in p])

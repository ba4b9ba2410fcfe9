"""Linear combinations of the domain means of several items, for every group at once, with their covariance
across groups (R ``svyratio`` with ``covmat=TRUE`` then ``svycontrast``).

``K`` items (columns ``y_k`` with validity ``v_k``: answered, in the base) and a partition of the rows
into groups (districts; −1 = no group).  The mean of item k in group g is a ratio
``ȳ_gk = Σ w v_k 1_g y_k / Σ w v_k 1_g`` (each item keeps its own base, as the indicators do); the
whole sample is group 0.  A combination ``θ_gs = Σ_k c_sk ȳ_gk`` (a score, an indicator that
averages its items, a difference …) has the linearised influence

    z_i = Σ_k c_sk · w_i v_ik 1_g(i) (y_ik − ȳ_gk) / W_gk,   W_gk = Σ w v_k 1_g,

and the covariance of the combinations of all groups (the whole sample overlaps every group) is
``Design.variance`` of those columns (R ``svyrecvar``: strata, clusters, fpc, lonely PSUs,
calibration residuals), i.e. what R gives for ``svycontrast`` over ``svyratio(~y·v·1_g, ~v·1_g,
design, covmat=TRUE)`` — the golden test ``tests/golden/r_score.R``.  Degrees of freedom of a
combination in a group: PSUs minus strata among the group's rows valid for at least one of its
items (R ``degf`` of that domain).  One combination at a time is held in memory (n × groups).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .ci import critical_value
from .compare import Difference, _domain_df, contrast
from .design import Design, DesignError


@dataclass(frozen=True)
class Combination:
    """One combination θ_g = Σ_k c_k ȳ_gk for every group g (0 = whole sample) with its covariance."""

    estimate: np.ndarray   # (G+1,)
    cov: np.ndarray        # (G+1, G+1)
    n: np.ndarray          # rows valid for at least one item of the combination, per group
    df: np.ndarray         # design df of those rows, per group

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.maximum(np.diag(self.cov), 0.0))

    def interval(self, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        c = critical_value(confidence, self.df)
        return self.estimate - c * self.se, self.estimate + c * self.se

    def vs_overall(self, g: int, *, confidence: float = 0.95, label: str = "") -> Difference:
        """Group ``g`` (≥ 1) minus the whole sample (which contains it): ``V_gg + V_00 − 2 V_g0``, Student t on
        the whole sample's df (the rows of either domain), as :func:`analysis.compare.domain_difference`."""
        coef = np.zeros(self.estimate.size)
        coef[g], coef[0] = 1.0, -1.0
        d = contrast(np.nan_to_num(self.estimate), self.cov, coef, df=float(self.df[0]), confidence=confidence,
                     label=label)
        if not (math.isfinite(self.estimate[g]) and math.isfinite(self.estimate[0])):
            return Difference(**{**d.__dict__, "estimate": float("nan"), "significant": False})
        return Difference(**{**d.__dict__, "a": float(self.estimate[g]), "b": float(self.estimate[0]),
                             "method": "domain vs whole"})


class ItemMeans:
    """Domain means of K items in every group, ready to combine (see module docstring)."""

    def __init__(self, design: Design, values: np.ndarray, valid: np.ndarray, groups: Optional[np.ndarray] = None,
                 n_groups: int = 0):
        Y = np.asarray(values, dtype=float)
        if Y.ndim == 1:
            Y = Y[:, None]
        V = np.asarray(valid, dtype=bool).reshape(Y.shape) & np.isfinite(Y) & (design.weights > 0)[:, None]
        if Y.shape[0] != design.n:
            raise DesignError(f"items have {Y.shape[0]} rows for {design.n} in the design")
        g = np.full(design.n, -1, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
        if g.shape != (design.n,):
            raise DesignError("groups must give one code per row")
        self.design, self.K, self.G = design, Y.shape[1], int(n_groups)
        self.Y = np.where(V, Y, 0.0)
        self.V = V
        self.group = g
        w = design.weights
        gi = np.where(g >= 0, g + 1, 0)
        self.gi = gi
        self.in_group = g >= 0
        W = np.zeros((self.G + 1, self.K))
        S = np.zeros((self.G + 1, self.K))
        N = np.zeros((self.G + 1, self.K), dtype=np.int64)
        for k in range(self.K):
            wv = w * V[:, k]
            W[0, k], S[0, k], N[0, k] = wv.sum(), (wv * self.Y[:, k]).sum(), V[:, k].sum()
            if self.G:
                sel = self.in_group
                W[1:, k] = np.bincount(g[sel], weights=wv[sel], minlength=self.G)
                S[1:, k] = np.bincount(g[sel], weights=(wv * self.Y[:, k])[sel], minlength=self.G)
                N[1:, k] = np.bincount(g[sel], weights=V[sel, k].astype(float), minlength=self.G).astype(np.int64)
        self.W, self.N = W, N
        with np.errstate(invalid="ignore", divide="ignore"):
            self.estimate = np.where(W > 0, S / np.where(W > 0, W, 1.0), np.nan)  # (G+1, K)

    def combine(self, coef: Sequence[float]) -> Combination:
        """The combination Σ_k c_k ȳ_gk in every group, with its covariance (module docstring)."""
        c = np.asarray(coef, dtype=float)
        if c.shape != (self.K,):
            raise DesignError(f"{c.size} coefficients for {self.K} items")
        used = np.flatnonzero(c != 0)
        est = (self.estimate[:, used] * c[used]).sum(axis=1) if used.size else np.zeros(self.G + 1)
        n = self.design.n
        w = self.design.weights
        z0 = np.zeros(n)
        zg = np.zeros(n)
        anyvalid = np.zeros(n, dtype=bool)
        for k in used:
            v = self.V[:, k]
            anyvalid |= v
            with np.errstate(invalid="ignore", divide="ignore"):
                inv0 = 1.0 / self.W[0, k] if self.W[0, k] > 0 else 0.0
                z0 += c[k] * w * v * (self.Y[:, k] - np.nan_to_num(self.estimate[0, k])) * inv0
                if self.G:
                    Wg = self.W[self.gi, k]
                    eg = np.nan_to_num(self.estimate[self.gi, k])
                    zg += np.where(self.in_group & (Wg > 0),
                                   c[k] * w * v * (self.Y[:, k] - eg) / np.where(Wg > 0, Wg, 1.0), 0.0)
        Z = np.zeros((n, self.G + 1))
        Z[:, 0] = z0
        if self.G:
            rows = np.flatnonzero(self.in_group)
            Z[rows, self.gi[rows]] = zg[rows]
        cov = self.design.variance(Z) if used.size else np.zeros((self.G + 1, self.G + 1))
        counts = np.zeros(self.G + 1, dtype=np.int64)
        counts[0] = int(anyvalid.sum())
        df = np.zeros(self.G + 1)
        df[0] = _domain_df(self.design, anyvalid)
        for gg in range(self.G):
            m = anyvalid & (self.group == gg)
            counts[gg + 1] = int(m.sum())
            df[gg + 1] = _domain_df(self.design, m)
        return Combination(estimate=est, cov=cov, n=counts, df=df)

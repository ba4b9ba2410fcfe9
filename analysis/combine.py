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
items (R ``degf`` of that domain).  A combination is an :class:`analysis.result.Estimate` vector over
the groups (``vcov()`` the covariance, ``confint()`` on demand).  One combination at a time is held in
memory (n × groups).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Optional, Sequence

import numpy as np

from .compare import Difference, _domain_df, contrast
from .design import Design, DesignError
from .result import Estimate


def vs_whole(combination: Estimate, g: int, *, confidence: Optional[float] = None, label: str = "") -> Difference:
    """Group ``g`` (≥ 1) of a combination from :meth:`ItemMeans.combine` minus the whole sample (which contains
    it): ``V_gg + V_00 − 2 V_g0``, Student t on the whole sample's df (the rows of either domain), as
    :func:`analysis.compare.domain_difference`."""
    est = combination.coef()
    coef = np.zeros(est.size)
    coef[g], coef[0] = 1.0, -1.0
    conf = combination.confidence if confidence is None else confidence
    d = contrast(np.nan_to_num(est), combination.vcov(), coef, df=float(np.atleast_1d(combination.df)[0]),
                 confidence=conf, label=label)
    if not (math.isfinite(est[g]) and math.isfinite(est[0])):
        return replace(d, estimate=float("nan"), significant=False)
    return replace(d, a=float(est[g]), b=float(est[0]), method="domain vs whole")


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

    def combine(self, coef: Sequence[float], *, confidence: float = 0.95) -> Estimate:
        """The combination Σ_k c_k ȳ_gk in every group (element 0: the whole sample) as an :class:`Estimate`
        vector with its covariance across groups, n and df (module docstring)."""
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
        return Estimate.of(est, np.diag(cov).copy(), cov=cov, n=counts, df=df, confidence=confidence,
                           var="combination")

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
    """Domain means of K items in every group, ready to combine (see module docstring).

    Each item is held coded: an integer code per row and, per code, its value (0 outside the base) and
    whether it is in the base.  Survey items have a handful of codes, so the sums per group are one
    ``bincount`` of (group, code) per item and an item's influence values are looked up in a table of
    (group, code); no n × K matrix of values is made (at 1,000,000 rows and 100 items that matrix was
    1.6 GB, and filling it most of the 40 s the ledger took).  Rows with zero weight are in no domain
    (their own bin, dropped), as in R.
    """

    def __init__(self, design: Design, values: np.ndarray, valid: np.ndarray, groups: Optional[np.ndarray] = None,
                 n_groups: int = 0):
        """Items as columns of ``values`` (n × K, NaN = no value) with a per-row ``valid`` (n × K: in the
        item's base); coded here (:func:`analysis.domains.code_values` of the value, times 2, plus valid)."""
        from .domains import code_values

        Y = np.asarray(values, dtype=float)
        if Y.ndim == 1:
            Y = Y[:, None]
        if Y.shape[0] != design.n:
            raise DesignError(f"items have {Y.shape[0]} rows for {design.n} in the design", kind="length",
                              what="the items", count=Y.shape[0], rows=design.n)
        valid = np.asarray(valid, dtype=bool).reshape(Y.shape)
        items = []
        for k in range(Y.shape[1]):
            codes, vals = code_values(Y[:, k])
            both = 2 * codes.astype(np.int64) + valid[:, k]
            ok = np.tile([False, True], len(vals)) & np.isfinite(np.repeat(vals, 2))
            items.append((both, np.where(ok, np.repeat(vals, 2), 0.0), ok))
        self._setup(design, items, groups, n_groups)

    @classmethod
    def coded(cls, design: Design, items: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
              groups: Optional[np.ndarray] = None, n_groups: int = 0) -> "ItemMeans":
        """Items given coded: per item (codes per row, 0..m−1; value per code; in the base per code).  The
        code arrays are kept, not copied (items sharing a column may share one array)."""
        self = cls.__new__(cls)
        self._setup(design, items, groups, n_groups)
        return self

    def _setup(self, design: Design, items, groups, n_groups: int) -> None:
        n = design.n
        g = np.full(n, -1, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
        if g.shape != (n,):
            raise DesignError("groups must give one code per row", kind="length", what="the groups", count=g.size,
                              rows=n)
        self.design, self.K, self.G = design, len(items), int(n_groups)
        self.group = g
        self.in_group = g >= 0
        w = design.weights
        # bin per row: 0 no group, g + 1 the group, G + 1 a row of zero weight (in no domain)
        self.bin = np.where(w > 0, np.where(self.in_group, g + 1, 0), self.G + 1)
        self.items = []
        W = np.zeros((self.G + 1, self.K))
        S = np.zeros((self.G + 1, self.K))
        N = np.zeros((self.G + 1, self.K), dtype=np.int64)
        nb = self.G + 2
        for k, (codes, y, ok) in enumerate(items):
            codes = np.asarray(codes)
            if codes.shape != (n,):
                raise DesignError(f"item {k} has {codes.size} codes for {n} rows in the design", kind="length",
                                  what=f"the codes of item {k}", count=codes.size, rows=n)
            y, ok = np.asarray(y, dtype=float), np.asarray(ok, dtype=bool)
            m = len(y)
            y = np.where(ok, y, 0.0)
            self.items.append((codes, y, ok))
            idx = self._index(codes, m)
            cw = np.bincount(idx, weights=w, minlength=nb * m).reshape(nb, m)[:-1] @ np.column_stack([ok, ok * y])
            cn = np.bincount(idx, minlength=nb * m).reshape(nb, m)[:-1] @ ok.astype(np.int64)
            W[1:, k], S[1:, k], N[1:, k] = cw[1:, 0], cw[1:, 1], cn[1:]
            W[0, k], S[0, k], N[0, k] = cw[:, 0].sum(), cw[:, 1].sum(), cn.sum()
        self.W, self.N = W, N
        with np.errstate(invalid="ignore", divide="ignore"):
            self.estimate = np.where(W > 0, S / np.where(W > 0, W, 1.0), np.nan)  # (G+1, K)

    def _index(self, codes: np.ndarray, m: int) -> np.ndarray:
        """Per row: bin × m + code, the row's entry in a (bin, code) table."""
        idx = self.bin * m
        idx += codes
        return idx

    def combine(self, coef: Sequence[float], *, confidence: float = 0.95) -> Estimate:
        """The combination Σ_k c_k ȳ_gk in every group (element 0: the whole sample) as an :class:`Estimate`
        vector with its covariance across groups, n and df (module docstring).

        With ``a_gk = c_k / W_gk`` and ``b_gk = a_gk ȳ_gk``, a row in the base of item k adds
        ``w_i (a_0k y_ik − b_0k)`` to the whole's influence and ``w_i (a_gk y_ik − b_gk)`` to its group's:
        the module docstring's ``z``, looked up per row in a table of (bin, code)."""
        c = np.asarray(coef, dtype=float)
        if c.shape != (self.K,):
            raise DesignError(f"{c.size} coefficients for {self.K} items", kind="shape", what="the coefficients",
                              expected=f"one per item ({self.K}), not {c.size}")
        used = np.flatnonzero(c != 0)
        est = (self.estimate[:, used] * c[used]).sum(axis=1) if used.size else np.zeros(self.G + 1)
        n, G = self.design.n, self.G
        z0 = np.zeros(n)
        zg = np.zeros(n)
        anyvalid = np.zeros(n, dtype=bool)
        for k in used:
            codes, y, ok = self.items[k]
            with np.errstate(invalid="ignore", divide="ignore"):
                Wk = self.W[:, k]
                a = np.where(Wk > 0, c[k] / np.where(Wk > 0, Wk, 1.0), 0.0)  # per group (0: the whole)
                b = a * np.nan_to_num(self.estimate[:, k])
            whole = np.zeros((G + 2, len(y)))
            whole[:G + 1] = (a[0] * y - b[0]) * ok  # every bin but the zero-weight rows'
            own = np.zeros((G + 2, len(y)))
            own[1:G + 1] = (a[1:, None] * y - b[1:, None]) * ok  # the groups' bins
            idx = self._index(codes, len(y))
            z0 += whole.ravel()[idx]
            if G:
                zg += own.ravel()[idx]
            inbase = np.zeros((G + 2, len(y)), dtype=bool)
            inbase[:G + 1] = ok
            anyvalid |= inbase.ravel()[idx]
        w = self.design.weights
        Z = np.zeros((n, G + 1))
        Z[:, 0] = z0 * w
        if G:
            rows = np.flatnonzero(self.in_group & (self.bin <= G))  # a group's rows of non-zero weight
            Z[rows, self.bin[rows]] = (zg * w)[rows]
        cov = self.design.variance(Z) if used.size else np.zeros((G + 1, G + 1))
        counts = np.zeros(G + 1, dtype=np.int64)
        counts[0] = int(np.count_nonzero(anyvalid))
        counts[1:] = np.bincount(self.bin[anyvalid], minlength=G + 2)[1:G + 1]
        df = np.zeros(G + 1)
        df[0] = _domain_df(self.design, anyvalid)
        for gg in range(G):
            df[gg + 1] = _domain_df(self.design, anyvalid & (self.group == gg)) if counts[gg + 1] else 0.0
        return Estimate.of(est, np.diag(cov).copy(), cov=cov, n=counts, df=df, confidence=confidence,
                           var="combination")

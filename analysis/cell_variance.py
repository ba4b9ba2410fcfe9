"""Linearisation variance of totals whose influence values depend on a row's category, from aggregated sums.

Many tests need the design covariance of estimated totals whose influence values have the form

    z_i = w_i Σ_f x_if U[g_i, f, :]          (z_i = 0 where g_i < 0)

with ``g_i`` the row's category (a cell of a table, a group), ``x_i`` a few row features (1 for the
cell indicator of a table; v_j and v_j·y_j per item j for a difference of domain means) and ``U``
coefficients per category (G × F × m, m estimates).  The one-stage variance (R
``survey:::onestrat``, :meth:`analysis.design.Design.variance_of_psu_totals`)

    V = Σ_h Σ_{j∈h} s_j (Z_j − Z̄_h)(Z_j − Z̄_h)ᵀ,   s_j = (1 − f_j) n_h/(n_h − 1)

needs only the PSU totals Z_j of z, and those are linear in sums per PSU × category:

* **clustered designs**: Z_j = Σ_g Σ_f T[j, g, f] U[g, f, :] with T[j, g, f] = Σ_{i∈j, g_i=g} w_i x_if
  (one ``np.bincount`` per feature), then the one-stage formula of the design on those totals;
* **unclustered designs** (each row its own PSU, so the PSU totals are the rows): expanding the square,

      V = Σ_g U_gᵀ Q_g U_g − Σ_h (Z̄_h S_hᵀ + S_h Z̄_hᵀ) + Σ_h σ_h Z̄_h Z̄_hᵀ

  with Q_g = Σ_{g_i=g} s_i w_i² x_i x_iᵀ (F × F per category), S_h = Σ_g (Σ_{i∈h, g_i=g} s_i w_i x_i) U_g,
  Z̄_h = (1/n_h) Σ_g (Σ_{i∈h, g_i=g} w_i x_i) U_g and σ_h = Σ_{i∈h} s_i: sums per stratum × category,
  so nothing of size rows × estimates is formed.  s_i is each row's own factor (under PPS each PSU's
  own 1 − π_j, Brewer's approximation), so the expansion is exact for every one-stage design.  It is
  exact in arithmetic, not in floating point: when V is tiny beside Σ s z zᵀ digits cancel, so callers
  centre their features within each category (a group's values at the group's mean) where they can.

The linearisation variance is the textbook one (Wolter 2007, *Introduction to Variance Estimation*,
ch. 6; Lumley's ``survey:::svyrecvar``/``onestrat``); only the order of summation is new.

R's lonely-PSU rules are those of :meth:`Design.variance_of_psu_totals`: a completely sampled stratum
(1 − f < 1e-7) contributes 0 and is never lonely; a stratum with one PSU that holds a row of the
domain (``present``) fails (``fail``, naming it), contributes 0 (``certainty``, ``remove``),
(1 − f) Z_j Z_jᵀ (``adjust``), or is dropped and the sum scaled by strata present / strata present
and not lonely (``average``).  Calibrated, multistage (fpc at every stage) and replicate-weight
designs need row-level influence values (calibration residuals, later stages, replicates): they
are not handled here (:func:`supported`).

Property-tested against :meth:`Design.variance` of the row-level influence values on random designs
with strata, clusters, fpc, PPS, domains and lonely PSUs (tests/test_cell_variance.py, 1e-10 relative).
"""

from __future__ import annotations

import weakref
from typing import Any, Iterator, Optional

import numpy as np

from .design import BLOCK_ROWS, Design


def supported(design: Design) -> bool:
    """True when first-stage PSU totals give the variance (not calibrated, multistage or replicate)."""
    return not getattr(design, "is_replicate", False) and not design.needs_rows


def one_row_psus(design: Design) -> bool:
    """True when every PSU holds exactly one row (an unclustered design)."""
    n = design.n
    psu = design.psu
    return n > 0 and int(psu.max()) + 1 == n and int(np.bincount(psu, minlength=n).max()) == 1


_PARTS: dict = {}


def _design_parts(design: Design) -> dict:
    """What :class:`CellTotals` needs of the design alone (PSU strata and fractions; for unclustered
    designs each row's factor s = (1 − f) n_h/(n_h − 1), 0 for certainty and lonely strata), computed
    once per design object (the group tests of a report use one design for hundreds of tests)."""
    hit = _PARTS.get(id(design))
    if hit is not None and hit[0]() is design:
        return hit[1]
    out: dict = {"onerow": one_row_psus(design)}
    if not out["onerow"]:
        n_psu = int(design.psu.max()) + 1
        st = np.zeros(n_psu, dtype=np.int64)
        st[design.psu] = design.strata
        fr = np.zeros(n_psu)
        fr[design.psu] = design.fpc_fraction
        out.update(n_psu=n_psu, psu_stratum=st, psu_fraction=fr)
    else:
        st = design.strata
        H = int(st.max()) + 1
        n_h = np.bincount(st, minlength=H).astype(float)
        one_minus_f = 1.0 - design.fpc_fraction
        if design.pps is not None:  # as Design._onestage: under PPS a stratum is certain when all its PSUs are
            all_certain = np.ones(H, dtype=bool)
            np.logical_and.at(all_certain, st, one_minus_f < 1e-7)
            certain = all_certain[st]
        else:
            certain = one_minus_f < 1e-7
        nh = n_h[st]  # each row's stratum size (≥ 1)
        lonely = (nh == 1) & ~certain
        s = np.subtract(nh, 1)  # s = n_h/max(n_h − 1, 1)·(1 − f), in place (1 where n_h = 1): no temporaries of every row
        np.maximum(s, 1, out=s)
        np.divide(nh, s, out=s)
        np.multiply(s, one_minus_f, out=s)
        del nh
        s[certain | lonely] = 0.0  # lonely strata: handled in covariance (they depend on the domain)
        lonely_h = np.zeros(H, dtype=bool)
        lonely_h[st[lonely]] = True
        w = design.weights
        uniform = None  # (w, s): one stratum, every row's weight and factor the same (an unweighted SRS)
        if H == 1 and len(s) and s[0] == s[-1] and w[0] == w[-1] and np.all(s == s[0]) and np.all(w == w[0]):
            uniform = (float(w[0]), float(s[0]))
        out.update(H=H, n_h=n_h, s=s, sigma=np.bincount(st, weights=s, minlength=H), lonely_h=lonely_h,
                   lonely_rows=np.flatnonzero(lonely), one_minus_f=one_minus_f, uniform=uniform)
    if len(_PARTS) > 8:
        _PARTS.clear()
    _PARTS[id(design)] = (weakref.ref(design), out)
    return out


def _uniform_parts(design: Design) -> Optional[tuple[dict, tuple]]:
    """(:func:`_design_parts`, (w, s)) of an unclustered design with one stratum, one weight w and one
    factor s for every row and no lonely stratum (an unweighted simple random sample); None otherwise."""
    parts = _design_parts(design)
    uniform = parts.get("uniform") if parts["onerow"] else None
    if uniform is None or len(parts["lonely_rows"]):
        return None
    return parts, uniform


CHUNK_ROWS = BLOCK_ROWS  # rows of features formed at once by the unclustered path (analysis.design.BLOCK_ROWS)


class CellTotals:
    """Aggregated sums of ``w·x`` per PSU × category (clustered) or stratum × category (unclustered)
    for the influence values ``z_i = w_i x_i · U[g_i]`` (module docstring); :meth:`covariance` finishes
    the variance for any coefficients ``U``.

    ``groups``: category per row (0..n_groups−1, −1 = no contribution); ``X``: features per row (None =
    one feature of ones), or a function of positions (a slice or an index array into ``groups``)
    returning those rows' features — then the unclustered path with more than 4 features forms them
    ``chunk_rows`` rows at a time, never for every row at once (the other paths form them once).
    ``rows``: the design rows that ``groups`` and ``X`` describe (other rows contribute nothing;
    default: every row) — passing only the rows that contribute, ordered by category, spares copies
    of the features.  ``U``: the coefficients :meth:`covariance` will be asked for, when the caller
    knows them (G × F × m): the unclustered chunked paths then sum the projected products
    (x_i·U_g)(x_i·U_g)ᵀ (m × m per category) instead of Q_g (F × F), F·m + m² products per row instead
    of F(F + 1)/2 — the group tests' 2J features against their few groups.  The same sums in another
    order (tested against Q); :meth:`covariance` then accepts only those coefficients."""

    def __init__(self, design: Design, groups: np.ndarray, n_groups: int, X=None,
                 rows: Optional[np.ndarray] = None, chunk_rows: int = CHUNK_ROWS, U: Optional[np.ndarray] = None):
        if not supported(design):
            raise ValueError("calibrated, multistage and replicate designs need row-level influence values")
        self.design = design
        self.G = int(n_groups)
        groups = np.asarray(groups, dtype=np.int64)
        m_rows = len(groups)
        if X is None:
            X = np.ones((m_rows, 1))
        if callable(X):
            feats = X
            self.F = int(np.shape(feats(slice(0, 0)))[1])
        else:
            X = np.asarray(X, dtype=float)
            X = X[:, None] if X.ndim == 1 else X
            self.F = X.shape[1]
            feats = X.__getitem__
        F = self.F
        parts = _design_parts(design)
        self.onerow = parts["onerow"]
        self.U = self.QU = None  # the coefficients given, and the projected quadratic sums (G × m × m)
        if U is not None:
            U = np.asarray(U, dtype=float)
            U = U[:, None, :] if U.ndim == 2 else U
            if U.shape[:2] != (self.G, F):
                raise ValueError(f"U must be {self.G} × {F} × m")
            if 2 * U.shape[2] < F:  # fewer products than Q's
                self.U = U
        if rows is not None:
            rows = np.asarray(rows, dtype=np.int64)
        uniform = parts.get("uniform") if self.onerow else None
        if uniform is not None and (m_rows == 0 or int(groups.min()) >= 0):
            self._uniform(groups, feats, m_rows, uniform, chunk_rows)
        else:
            self._general(design, groups, feats, m_rows, rows, parts, chunk_rows)
        if not self.onerow:
            return
        self.n_h, self.sigma, self.lonely_h = parts["n_h"], parts["sigma"], parts["lonely_h"]
        li = parts["lonely_rows"]  # the design rows of lonely strata (one per stratum), for adjust
        if rows is not None and len(li):
            pos = np.full(design.n, -1, dtype=np.int64)
            pos[rows] = np.arange(len(rows))
            li = pos[li]
            li = li[li >= 0]
        d = rows[li] if rows is not None else li  # their design rows
        self.lonely_strata = design.strata[d]
        self.lonely_g = groups[li]
        wl = np.asarray(design.weights, dtype=float)[d]
        self.lonely_wx = wl[:, None] * np.asarray(feats(li), dtype=float).reshape(len(li), F)
        self.lonely_f = 1.0 - design.fpc_fraction[d]

    @classmethod
    def of_counts(cls, design: Design, counts: np.ndarray) -> Optional["CellTotals"]:
        """The totals of one feature of ones (``X=None``) from the rows per category alone (``counts``,
        length G), for an unclustered design with one stratum, one weight and one factor for every row
        and no lonely stratum (an unweighted simple random sample, :func:`_design_parts`' ``uniform``):
        there Σ w·1 = w·n_g and Σ s·w²·1 = s·w²·n_g, so no per-row pass is needed.  Equal to
        ``CellTotals(design, groups, G)`` with ``counts = np.bincount(groups)`` (the same products of
        whole-number counts); None for any other design."""
        got = _uniform_parts(design)
        if got is None:
            return None
        parts, (w0, s0) = got
        self = cls.__new__(cls)
        self.design, self.G, self.F, self.onerow, self.H = design, len(counts), 1, True, 1
        self.U = self.QU = None
        tot = np.asarray(counts, dtype=float).reshape(self.G, 1)
        self.Q = tot[:, :, None] * (s0 * w0 * w0)
        self.Ls = (tot * (s0 * w0)).reshape(1, self.G)
        self.Lw = (tot * w0).reshape(1, self.G)
        self.n_h, self.sigma, self.lonely_h = parts["n_h"], parts["sigma"], parts["lonely_h"]
        self.lonely_strata = self.lonely_g = np.zeros(0, dtype=np.int64)
        self.lonely_wx, self.lonely_f = np.zeros((0, 1)), np.zeros(0)
        return self

    @staticmethod
    def uniform(design: Design) -> bool:
        """Whether the design is one :meth:`of_counts` and :meth:`of_projected` take (:func:`_uniform_parts`)."""
        return _uniform_parts(design) is not None

    @classmethod
    def of_projected(cls, design: Design, U: np.ndarray, QU: np.ndarray, tot: np.ndarray) -> Optional["CellTotals"]:
        """The totals from sums the caller made over the rows of each category g, for an unclustered
        design with one stratum, one weight and one factor for every row and no lonely stratum (an
        unweighted simple random sample, :func:`_design_parts`' ``uniform``): ``QU[g] = Σ (x·U_g)ᵀ(x·U_g)``
        (m × m) and ``tot[g] = Σ x`` (F), unweighted — what the projected path of the constructor sums
        (``CellTotals(design, groups, G, X, U=U)``), formed some other way (e.g. from per-code tables of
        x·U_g, :func:`analysis.group_tests`).  None for any other design."""
        got = _uniform_parts(design)
        if got is None:
            return None
        parts, (w0, s0) = got
        U = np.asarray(U, dtype=float)
        tot = np.asarray(tot, dtype=float)
        self = cls.__new__(cls)
        self.design, self.G, self.F, self.onerow, self.H = design, tot.shape[0], tot.shape[1], True, 1
        if U.shape[:2] != (self.G, self.F) or QU.shape != (self.G, U.shape[2], U.shape[2]):
            raise ValueError("U must be G × F × m and QU G × m × m for the G × F totals")
        self.U, self.QU, self.Q = U, np.asarray(QU, dtype=float) * (s0 * w0 * w0), None
        self.Ls = (tot * (s0 * w0)).reshape(1, self.G * self.F)
        self.Lw = (tot * w0).reshape(1, self.G * self.F)
        self.n_h, self.sigma, self.lonely_h = parts["n_h"], parts["sigma"], parts["lonely_h"]
        self.lonely_strata = self.lonely_g = np.zeros(0, dtype=np.int64)
        self.lonely_wx, self.lonely_f = np.zeros((0, self.F)), np.zeros(0)
        return self

    def _uniform(self, groups: np.ndarray, feats, m_rows: int, uniform: tuple, chunk_rows: int) -> None:
        """The unclustered sums of :meth:`_general` when the design has one stratum and one weight w and
        factor s for every row, and every row is in a category: Σ s·w·x = s·w·Σx and Σ w·x = w·Σx share
        one sum per category, Σ s·w²·x xᵀ = s·w²·Σ x xᵀ (no per-row weight arrays).  Rows in category
        order with a few features: a sum and a dot product over each category's rows; otherwise
        bincounts (a few features) or matrix products a chunk of rows at a time."""
        w0, s0 = uniform
        G, F = self.G, self.F
        self.H = 1
        Q = np.zeros((G, F, F))
        tot = np.zeros((G, F))
        if F <= 4 and m_rows > 1 and bool(np.all(groups[1:] >= groups[:-1])):
            # rows in category order (the group tests'): sums and dot products over each category's rows
            # (an order of magnitude faster than the weighted bincounts, and without the GIL)
            Xa = np.asarray(feats(slice(0, m_rows)), dtype=float)
            bounds = np.searchsorted(groups, np.arange(G + 1))
            for c in np.flatnonzero(bounds[1:] > bounds[:-1]):
                Xs = Xa[bounds[c]:bounds[c + 1]]
                for f in range(F):
                    xf = Xs[:, f]
                    tot[c, f] = xf.sum()
                    for e in range(f, F):
                        Q[c, f, e] = Q[c, e, f] = np.dot(xf, Xs[:, e])
        elif F <= 4:  # a few bincounts
            Xa = feats(slice(0, m_rows))
            for f in range(F):
                xf = np.ascontiguousarray(Xa[:, f], dtype=float)
                tot[:, f] = np.bincount(groups, weights=xf, minlength=G)
                for e in range(f, F):
                    Q[:, f, e] = Q[:, e, f] = np.bincount(groups, weights=xf * Xa[:, e], minlength=G)
        elif self.U is not None:  # projected: x·U_g per row (m columns), summed as (x·U_g)ᵀ(x·U_g)
            m = self.U.shape[2]
            QU = np.zeros((G, m, m))
            for c, at in _chunks(groups, G, chunk_rows):
                blk = np.asarray(feats(at), dtype=float)
                Z = blk @ self.U[c]
                QU[c] += Z.T @ Z
                tot[c] += blk.sum(0)
            self.QU = QU * (s0 * w0 * w0)
        else:  # matrix products over the rows of each category, a chunk of rows at a time
            for c, at in _chunks(groups, G, chunk_rows):
                blk = np.asarray(feats(at), dtype=float)
                Q[c] += blk.T @ blk
                tot[c] += blk.sum(0)
        self.Q = Q * (s0 * w0 * w0)
        self.Ls = (tot * (s0 * w0)).reshape(1, G * F)
        self.Lw = (tot * w0).reshape(1, G * F)

    def _general(self, design: Design, groups: np.ndarray, feats, m_rows: int, rows: Optional[np.ndarray],
                 parts: dict, chunk_rows: int) -> None:
        G, F = self.G, self.F
        ok = groups >= 0
        w = np.asarray(design.weights, dtype=float)
        strata, psu = design.strata, design.psu
        if rows is not None:
            w, strata, psu = w[rows], strata[rows], psu[rows]
        g = np.where(ok, groups, 0)
        wz = np.where(ok, w, 0.0)  # rows outside every category: weight 0
        if not self.onerow:
            n_psu = parts["n_psu"]
            key = psu * G + g
            Xa = feats(slice(0, m_rows))
            T = np.empty((n_psu * G, F))
            for f in range(F):
                T[:, f] = np.bincount(key, weights=wz * Xa[:, f], minlength=n_psu * G)
            self.T = T.reshape(n_psu, G * F)
            self.st, self.fr = parts["psu_stratum"], parts["psu_fraction"]
            return
        H, s = parts["H"], parts["s"]
        if rows is not None:
            s = s[rows]
        self.H = H
        # Q_g = Σ s w² x xᵀ per category; Ls, Lw = Σ s w x, Σ w x per stratum × category
        key = strata * G + g if H > 1 else g
        Q = np.zeros((G, F, F))
        Ls = np.zeros((H * G, F))
        Lw = np.zeros((H * G, F))
        if F <= 4:  # a few bincounts
            Xa = feats(slice(0, m_rows))
            sw2 = s * wz * wz
            sw = s * wz
            for f in range(F):
                xf = np.ascontiguousarray(Xa[:, f])
                Ls[:, f] = np.bincount(key, weights=sw * xf, minlength=H * G)
                Lw[:, f] = np.bincount(key, weights=wz * xf, minlength=H * G)
                for e in range(f, F):
                    Q[:, f, e] = Q[:, e, f] = np.bincount(g, weights=sw2 * xf * Xa[:, e], minlength=G)
        else:  # matrix products over the rows of each stratum × category, a chunk of rows at a time
            if self.U is not None:
                m = self.U.shape[2]
                self.QU = np.zeros((G, m, m))
            for c, at in _chunks(key, H * G, chunk_rows):
                blk = np.asarray(feats(at), dtype=float)
                wb, sb = wz[at], s[at]
                if _constant(wb) and _constant(sb):  # one weight and factor in the block (equal weights)
                    if self.QU is not None:
                        Z = blk @ self.U[c % G]
                        self.QU[c % G] += (sb[0] * wb[0] * wb[0]) * (Z.T @ Z)
                    else:
                        Q[c % G] += (sb[0] * wb[0] * wb[0]) * (blk.T @ blk)
                    tot = blk.sum(0)
                    Ls[c] += (sb[0] * wb[0]) * tot
                    Lw[c] += wb[0] * tot
                    continue
                r = np.sqrt(sb * wb * wb)
                sblk = np.multiply(blk, r[:, None], order="F" if blk.strides[0] == blk.itemsize else "C")
                if self.QU is not None:
                    Z = sblk @ self.U[c % G]
                    self.QU[c % G] += Z.T @ Z
                else:
                    Q[c % G] += sblk.T @ sblk
                # einsum: BLAS is many times slower on these tall, narrow products
                Ls[c] += np.einsum("i,if->f", sb * wb, blk)
                Lw[c] += np.einsum("i,if->f", wb, blk)
        self.Q = Q
        self.Ls = Ls.reshape(H, G * F)
        self.Lw = Lw.reshape(H, G * F)

    def covariance(self, U: np.ndarray, present: np.ndarray) -> np.ndarray:
        """m × m covariance of the totals with coefficients ``U`` (G × F × m, or G × m when F = 1);
        ``present``: rows of the estimate's domain (bool per row), for the lonely-PSU rules."""
        U = np.asarray(U, dtype=float)
        if U.ndim == 2:
            U = U[:, None, :]
        m = U.shape[2]
        design = self.design
        pres = design.strata_present(present)
        Uf = U.reshape(self.G * self.F, m)
        if not self.onerow:
            return design.variance_of_psu_totals(self.T @ Uf, self.st, self.fr, present_strata=pres)
        if self.QU is not None:  # summed projected on the coefficients given to the constructor
            if U.shape != self.U.shape or not np.array_equal(U, self.U):
                raise ValueError("these totals were summed for other coefficients U")
            quad = self.QU.sum(axis=0)
        else:
            quad = np.einsum("gfe,gfm,gen->mn", self.Q, U, U, optimize=True)
        S = self.Ls @ Uf                                           # H × m
        Zb = (self.Lw @ Uf) / np.maximum(self.n_h, 1)[:, None]    # H × m
        ZS = Zb.T @ S
        V = quad - ZS - ZS.T + (Zb * self.sigma[:, None]).T @ Zb
        p = np.zeros(self.H, dtype=bool)
        p[: len(pres)] = pres[: self.H]
        lp = self.lonely_h & p
        if lp.any():
            mode = design.lonely_psu
            if mode == "fail":
                raise design.lonely_error(np.flatnonzero(lp))
            if mode == "adjust":
                sel = lp[self.lonely_strata] & (self.lonely_g >= 0)
                if sel.any():
                    gi = self.lonely_g[sel]
                    Z = np.einsum("jf,jfm->jm", self.lonely_wx[sel], U[gi])
                    V = V + (Z * self.lonely_f[sel][:, None]).T @ Z
            elif mode == "average":
                n_all = int(np.sum(p & (self.n_h > 0)))
                n_ok = n_all - int(lp.sum())
                V = V * n_all / n_ok if n_ok > 0 else V * np.nan
        return V


def _chunks(key: np.ndarray, n_keys: int, chunk_rows: int) -> Iterator[tuple[int, Any]]:
    """(key, positions) of the rows of each key 0..n_keys−1 present, in key order, ``chunk_rows`` rows
    at a time: a slice when the keys are already in order (the caller's rows, e.g. group-ordered),
    else an index array of a stable sort."""
    order = np.argsort(key, kind="stable") if len(key) > 1 and np.any(key[1:] < key[:-1]) else None
    bounds = np.searchsorted(key if order is None else key[order], np.arange(n_keys + 1))
    for c in np.flatnonzero(bounds[1:] > bounds[:-1]):
        for lo in range(int(bounds[c]), int(bounds[c + 1]), chunk_rows):
            hi = min(lo + chunk_rows, int(bounds[c + 1]))
            yield int(c), (slice(lo, hi) if order is None else order[lo:hi])


def _constant(x: np.ndarray) -> bool:
    """Every value of ``x`` equal (the first and last compared before the whole)."""
    return x[0] == x[-1] and bool(np.all(x == x[0]))


def row_influence(design: Design, groups: np.ndarray, U: np.ndarray, X: Optional[np.ndarray] = None) -> np.ndarray:
    """The row-level influence values ``z_i = w_i x_i · U[g_i]`` (n × m; 0 where g_i < 0) that
    :class:`CellTotals` aggregates: for designs it does not support, pass them to :meth:`Design.variance`."""
    U = np.asarray(U, dtype=float)
    if U.ndim == 2:
        U = U[:, None, :]
    groups = np.asarray(groups, dtype=np.int64)
    X = np.ones((design.n, 1)) if X is None else np.asarray(X, dtype=float).reshape(design.n, -1)
    ok = groups >= 0
    z = np.zeros((design.n, U.shape[2]))
    z[ok] = np.einsum("if,ifm->im", X[ok] * design.weights[ok, None], U[groups[ok]])
    return z

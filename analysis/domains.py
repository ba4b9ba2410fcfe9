"""Fast domain means for many groups at once (the engine behind questionnaire-wide indicators).

Mathematically identical to :func:`analysis.estimators.svymean` on ``design.subset(group)``
(R ``svyby(~y, ~g, design, svymean)``), but computed for every group of several groupings in
one pass over the data using only sums per (cell, stratum) or per (cell, PSU):

    ȳ_g = Σ w d y / Σ w d,  z_i = w_i d_i (y_i − ȳ_g)/W_g,
    V_g = Σ_h (1−f_h) n_h/(n_h−1) Σ_{j∈h} (Z_gj − Z̄_gh)²

where ``d`` marks valid rows of the group and ``Z_gj`` are PSU totals of ``z``.  Without
clusters (each row its own PSU) the inner sum is expanded into moments
``Σz² − (Σz)²/n_h`` so nothing of size groups × rows is ever formed.

A *cell* is one combination of all grouping codes (e.g. site × district); every group of
every grouping is a union of cells, so one bincount per quantity serves all groupings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .ci import critical_value, proportion_ci
from .design import Design, DesignError


@dataclass
class GroupStats:
    """Vectors over groups: estimate, se, ci, n (valid rows), df, deff, total weight."""

    estimate: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n: np.ndarray
    df: np.ndarray
    deff: np.ndarray
    weight: np.ndarray


class DomainEngine:
    """Precomputed design sums for a set of groupings.

    ``groupings``: list of integer code arrays (−1 = missing) with their number of groups.
    Group index 0 is always "overall"; then each grouping's groups in order.
    """

    def __init__(self, design: Design, groupings: Sequence[tuple[np.ndarray, int]] = ()):
        self.design = design
        self.w = design.weights
        n = design.n
        cell = np.zeros(n, dtype=np.int64)
        mult = 1
        self.valid_cell = np.ones(n, dtype=bool)
        dims = []
        for codes, k in groupings:
            c = np.asarray(codes, dtype=np.int64)
            self.valid_cell &= c >= 0
            cell = cell + np.where(c >= 0, c, 0) * mult
            dims.append((mult, k))
            mult *= k
        self.n_cells = mult
        # map cells to groups: matrix G (n_groups × n_cells) of 0/1
        cells = np.arange(mult)
        rows = [np.ones(mult)]  # overall: all cells (rows with a missing grouping code still count overall)
        for m, k in dims:
            gcode = (cells // m) % k
            for g in range(k):
                rows.append((gcode == g).astype(float))
        self.G = np.vstack(rows)
        self.n_groups = self.G.shape[0]
        self.slices = [slice(0, 1)]
        start = 1
        for _m, k in dims:
            self.slices.append(slice(start, start + k))
            start += k
        # rows with a missing grouping code: cell index `mult` (own cell, counted only overall)
        self.cell = np.where(self.valid_cell, cell, mult)
        self.G = np.hstack([self.G, np.zeros((self.n_groups, 1))])
        self.G[0, -1] = 1.0
        self.n_cells_all = mult + 1
        self.clustered = design.has_psu
        n_strata = int(design.strata.max()) + 1
        self.n_strata = n_strata
        if self.clustered:
            tot, st, f = design.psu_totals(np.zeros(n))
            self.psu_stratum = st
            self.n_psu = tot.shape[0]
            n_h = np.bincount(st, minlength=n_strata).astype(float)
            f_h = np.zeros(n_strata)
            f_h[st] = f
        else:
            n_h = np.bincount(design.strata, minlength=n_strata).astype(float)
            f_h = np.zeros(n_strata)
            f_h[design.strata] = design.fpc_fraction
        if np.any(n_h == 1):
            mode = design.lonely_psu
            if mode == "fail":
                raise DesignError("a stratum has only one PSU, so its variance cannot be estimated; "
                                  "choose lonely_psu='certainty' or 'adjust' (R survey.lonely.psu)")
            if mode not in ("certainty", "remove", "average"):
                raise DesignError(f"lonely_psu='{mode}' is not supported for questionnaire-wide indicators; "
                                  "use certainty, remove or average")
        self.n_h = n_h
        self.c_h = np.where(n_h > 1, (1 - f_h) * n_h / np.maximum(n_h - 1, 1), 0.0)
        self.lonely_scale = 1.0
        if np.any(n_h == 1) and design.lonely_psu == "average":
            self.lonely_scale = float(np.sum(n_h > 0) / max(np.sum(n_h > 1), 1))
        self.key_cs = self.cell * n_strata + design.strata
        self.size_cs = self.n_cells_all * n_strata
        if self.clustered:
            self.key_cp = self.cell * self.n_psu + design.psu
            self.size_cp = self.n_cells_all * self.n_psu
        self.w2 = self.w * self.w

    # ------------------------------------------------------------------ helpers
    def _by_cs(self, values: np.ndarray) -> np.ndarray:
        """Σ values per (cell, stratum) → array (n_groups, n_strata) after mapping cells to groups."""
        b = np.bincount(self.key_cs, weights=values, minlength=self.size_cs).reshape(self.n_cells_all, self.n_strata)
        return self.G @ b

    def means(self, y: np.ndarray, valid: np.ndarray, *, confidence: float = 0.95, df: Optional[float] = None,
              proportion: bool = False, ci_method: str = "wald") -> GroupStats:
        """Domain means of ``y`` (rows where ``valid``) for every group; see module docstring."""
        d = valid & (self.w > 0)
        wd = np.where(d, self.w, 0.0)
        yv = np.where(d, y, 0.0)
        wy = wd * yv
        S_w = self._by_cs(wd)
        S_wy = self._by_cs(wy)
        cnt = self._by_cs(d.astype(float))
        W = S_w.sum(1)
        with np.errstate(invalid="ignore", divide="ignore"):
            est = S_wy.sum(1) / W
        n = cnt.sum(1)
        if self.clustered:
            var = self._var_clustered(wd, wy, est, W)
        else:
            w2d = self.w2 * d
            Q_w = self._by_cs(w2d)
            Q_wy = self._by_cs(w2d * yv)
            Q_wyy = Q_wy if proportion else self._by_cs(w2d * yv * yv)
            m = est[:, None]
            with np.errstate(invalid="ignore", divide="ignore"):
                sz = (S_wy - m * S_w) / W[:, None]
                sz2 = (Q_wyy - 2 * m * Q_wy + m * m * Q_w) / (W[:, None] ** 2)
                inner = sz2 - np.where(self.n_h > 0, sz * sz / np.maximum(self.n_h, 1), 0.0)
            var = (inner * self.c_h).sum(1) * self.lonely_scale
        # degrees of freedom: PSUs minus strata among valid rows of the group
        if self.clustered:
            psu_cnt = self._psu_present(d)
            strata_present = (cnt > 0).sum(1)
            dfv = psu_cnt - strata_present
        else:
            dfv = n - (cnt > 0).sum(1)
        if df is not None:
            dfv = np.full(self.n_groups, float(df))
        # deff (R deff=TRUE; with-replacement when weights do not exceed n)
        S_wyy = self._by_cs(wd * yv * yv).sum(1) if not proportion else S_wy.sum(1)
        with np.errstate(invalid="ignore", divide="ignore"):
            s2 = (S_wyy - 2 * est * S_wy.sum(1) + est**2 * W) / W * n / (n - 1)
            vsrs = np.where(W > n, s2 * (W - n) / (W * n), s2 / n)
            deff = var / vsrs
            se = np.sqrt(np.maximum(var, 0))
        if proportion:
            lo, hi = proportion_ci(est, se, n, dfv.astype(float), ci_method, confidence, n_rows=n)
        else:
            c = critical_value(confidence, dfv.astype(float))
            lo, hi = est - c * se, est + c * se
        return GroupStats(est, se, lo, hi, n.astype(int), dfv.astype(float), deff, W)

    def _psu_present(self, d: np.ndarray) -> np.ndarray:
        b = np.bincount(self.key_cp, weights=d.astype(float), minlength=self.size_cp).reshape(self.n_cells_all, self.n_psu)
        return ((self.G @ b) > 0).sum(1)

    def _var_clustered(self, wd, wy, est, W) -> np.ndarray:
        A = np.bincount(self.key_cp, weights=wy, minlength=self.size_cp).reshape(self.n_cells_all, self.n_psu)
        B = np.bincount(self.key_cp, weights=wd, minlength=self.size_cp).reshape(self.n_cells_all, self.n_psu)
        A = self.G @ A
        B = self.G @ B
        with np.errstate(invalid="ignore", divide="ignore"):
            T = (A - est[:, None] * B) / W[:, None]  # PSU totals of z per group
        T = np.nan_to_num(T)
        sumT = np.zeros((self.n_groups, self.n_strata))
        sumT2 = np.zeros((self.n_groups, self.n_strata))
        for g in range(self.n_groups):
            sumT[g] = np.bincount(self.psu_stratum, weights=T[g], minlength=self.n_strata)
            sumT2[g] = np.bincount(self.psu_stratum, weights=T[g] ** 2, minlength=self.n_strata)
        inner = sumT2 - np.where(self.n_h > 0, sumT**2 / np.maximum(self.n_h, 1), 0)
        return (inner * self.c_h).sum(1) * self.lonely_scale

    def variance_of_influence(self, z_by_grouping: Sequence[np.ndarray]) -> np.ndarray:
        """Variance, per group, of the total of per-row influence values.

        ``z_by_grouping[k]`` (k = 0 overall, then one per grouping) holds for each row the
        influence value for the group the row belongs to in that grouping.  Used for
        composite indexes, whose influence is a weighted sum of item influences.
        """
        out = np.zeros(self.n_groups)
        for k, z in enumerate(z_by_grouping):
            sl = self.slices[k]
            if self.clustered:
                b = np.bincount(self.key_cp, weights=z, minlength=self.size_cp).reshape(self.n_cells_all, self.n_psu)
                T = self.G[sl] @ b
                for j, g in enumerate(range(sl.start, sl.stop)):
                    sT = np.bincount(self.psu_stratum, weights=T[j], minlength=self.n_strata)
                    sT2 = np.bincount(self.psu_stratum, weights=T[j] ** 2, minlength=self.n_strata)
                    out[g] = ((sT2 - np.where(self.n_h > 0, sT**2 / np.maximum(self.n_h, 1), 0)) * self.c_h).sum()
            else:
                S = self._by_cs(z)[sl]
                S2 = self._by_cs(z * z)[sl]
                out[sl] = ((S2 - np.where(self.n_h > 0, S**2 / np.maximum(self.n_h, 1), 0)) * self.c_h).sum(1)
        return out * self.lonely_scale

    def group_of_row(self, k: int, codes: np.ndarray) -> np.ndarray:
        """Group index (into the engine's groups) of each row for grouping k (−1 when missing)."""
        sl = self.slices[k]
        return np.where(codes >= 0, sl.start + codes, -1)


def make_engine(design: Design, groupings: Sequence[tuple[np.ndarray, int]] = ()) -> DomainEngine:
    """A :class:`DomainEngine` for ``groupings`` (list of (codes, number of groups))."""
    return DomainEngine(design, groupings)

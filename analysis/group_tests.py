"""Each group against the rest: design-based test of the difference of domain means.

For a grouping with groups g = 1..G (codes per row, −1 = missing) and an indicator that is the
unweighted mean of J items (J = 1 for a single question), the group's estimate is
θ_D = (1/J) Σ_j ȳ_j(D) with ȳ_j(D) = Σ w v_j y_j 1_D / Σ w v_j 1_D over the rows valid for item j
(v_j), and the rest's θ_C the same over the rows of the other groups (rows without a group leave
both).  The difference Δ = θ_D − θ_C has the linearised influence values

    z_i = (1/J) Σ_j [ 1_D(i) w_i v_ij (y_ij − ȳ_j(D)) / W_j(D) − 1_C(i) w_i v_ij (y_ij − ȳ_j(C)) / W_j(C) ]

whose design variance (:meth:`Design.variance`: strata, PSUs, fpc, calibration residuals; replicate
designs re-estimate Δ with every replicate) gives se(Δ); t = Δ / se, two-sided p from Student t
with the design degrees of freedom of the rows valid for the test minus 1.

For J = 1 this is exactly R ``svyttest(y ~ I(group == g), subset(design, valid))`` (the
coefficient of the group dummy in ``svyglm`` is Δ, its sandwich SE equals the linearised SE of the
difference of the two domain means, and ``df.residual = degf − 1``); for J > 1 it is R
``svycontrast`` of the joint domain ratios with the same df.  Checked against R in
``tests/golden/r_group_tests.R`` (``tests/test_group_tests_r_golden.py``).

:func:`independence_test` is the Rao–Scott F test of the group × answer table
(:func:`analysis.crosstab.crosstab`, R ``svychisq(~y + group, design, statistic="F")``): do the
groups differ at all?
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from . import distributions as D
from .cell_variance import CellTotals, supported
from .crosstab import crosstab, rao_scott, svychisq_size
from .design import BLOCK_ROWS, Design, unit_weights
from .domains import FEW_CELLS, FEW_CODES, code_mask, code_values, stretch_counts
from .thresholds import ALPHA


@dataclass(frozen=True)
class GroupTest:
    """One group against the rest (module docstring).  ``estimate``/``rest`` are None (and the test
    absent) when the group or the rest has no valid row for some item."""

    group: str
    estimate: Optional[float]
    rest: Optional[float]
    difference: Optional[float]
    se: Optional[float]
    t: Optional[float]
    df: Optional[float]
    p: Optional[float]
    n: int
    n_rest: int

    def significant(self, alpha: float = ALPHA) -> bool:
        return self.p is not None and self.p < alpha

    def to_dict(self, alpha: float = ALPHA) -> dict:
        return {"group": self.group, "estimate": self.estimate, "rest": self.rest, "difference": self.difference,
                "se": self.se, "t": self.t, "df": self.df, "p": self.p, "n": self.n, "n_rest": self.n_rest,
                "significant": self.significant(alpha)}


def _f(x) -> Optional[float]:
    x = float(x)
    return x if np.isfinite(x) else None


def _finite(y) -> np.ndarray:
    """``y`` as float with NaN → 0 and ±inf → the largest finite values (``np.nan_to_num``), copied only
    when it has a value to replace (the values are only read)."""
    y = np.asarray(y, dtype=float)
    return y if np.isfinite(y).all() else np.nan_to_num(y)


@dataclass(frozen=True)
class CodedItem:
    """One item of a group test given by answer codes: each row's code (``codes``, 0..K−1, as
    :func:`analysis.domains.code_values` makes them) indexes per-code tables of the row's value
    (``y``) and of whether the row counts for the item (``valid``).  The per-row values are formed
    only for the rows and columns a step needs, a chunk at a time."""

    codes: np.ndarray
    y: np.ndarray
    valid: np.ndarray

    def rows_valid(self, w_pos: Optional[np.ndarray]) -> np.ndarray:
        """Whether each row's code counts (and its weight is positive, ``w_pos``; None: not checked)."""
        out = code_mask(self.codes, self.valid)
        return out if w_pos is None else out & w_pos

    def at_rows(self, rows: np.ndarray) -> "CodedItem":
        """The item for the rows ``rows`` only, in that order (their codes gathered once)."""
        return CodedItem(self.codes[rows], self.y, self.valid)

    def full(self, w_pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(y, valid) per row; the value is 0 where it is not finite (:func:`_finite`)."""
        return _finite(self.y)[self.codes], self.rows_valid(w_pos)

    def group_sums(self, rows: np.ndarray, gr: np.ndarray, wr: Optional[np.ndarray], G: int,
                   bounds: Optional[np.ndarray] = None, counted: Optional[dict] = None):
        """Σ w·v and Σ w·v·y over ``rows`` per group ``gr`` (``wr`` None: every weight 1): a count per
        group × answer code, then the per-code tables.  ``bounds``: where each group's rows start when
        ``gr`` is in order — then, with every weight 1 and a few codes, each group's codes are counted
        code by code (as :meth:`analysis.domains.DomainEngine.tabulate`) instead of by ``bincount``.
        ``counted``: the counts per codes array (by ``id``) for these rows, groups and weights, kept by the
        caller: the index's test counts the same codes at the same rows as the rate's."""
        K = len(self.y)
        cnt = None if counted is None else counted.get(id(self.codes))
        if cnt is None or cnt[0] is not self.codes or cnt[1].shape != (G, K):
            c = self.codes[rows]
            if wr is None and bounds is not None and K <= FEW_CODES:
                n = stretch_counts(c, K, bounds)
            else:
                n = np.bincount(gr * K + c, weights=wr, minlength=G * K).reshape(G, K)
            cnt = (self.codes, n)
            if counted is not None:
                counted[id(self.codes)] = cnt
        v = self.valid.astype(float)
        return cnt[1] @ v, cnt[1] @ (v * _finite(self.y))

    def value_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows' values ``y`` (0 where not finite, as :meth:`full`) as :func:`analysis.domains.code_values`
        codes them — (code per row, value per code; code 0 = NaN, which no row has) — from the per-code
        table: one int16 gather instead of a float per row coded again (:func:`independence_test`'s
        ``coded``)."""
        yt = _finite(self.y)
        vals, inv = np.unique(yt, return_inverse=True)
        return (inv.astype(np.int16) + 1)[self.codes], np.concatenate([[np.nan], vals])

    def columns_into(self, rows, shift, out_v: np.ndarray, out_y: np.ndarray) -> None:
        """(v, v·(y − shift)) at ``rows`` written into ``out_v`` and ``out_y``; ``shift`` one number, or
        one per row."""
        c = self.codes[rows].astype(np.intp)  # once: np.take converts other index types at every call
        v = self.valid.astype(float)
        np.take(v, c, out=out_v, mode="clip")  # the codes are in range: "clip" only skips the buffering
        if np.ndim(shift) == 0:
            np.take((_finite(self.y) - shift) * v, c, out=out_y, mode="clip")
        else:
            np.take(_finite(self.y), c, out=out_y, mode="clip")
            out_y -= shift
            out_y *= out_v


@dataclass(frozen=True)
class _RowItem:
    """An item given by per-row values ``y`` (finite) and validity ``v`` (weight > 0 included)."""

    y: np.ndarray
    v: np.ndarray

    def rows_valid(self, w_pos: Optional[np.ndarray]) -> np.ndarray:
        return self.v

    def at_rows(self, rows: np.ndarray) -> "_RowItem":
        return _RowItem(self.y[rows], self.v[rows])

    def full(self, w_pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.y, self.v

    def group_sums(self, rows: np.ndarray, gr: np.ndarray, wr: Optional[np.ndarray], G: int,
                   bounds: Optional[np.ndarray] = None, counted: Optional[dict] = None):
        wv = self.v[rows] if wr is None else wr * self.v[rows]
        return (np.bincount(gr, weights=wv, minlength=G),
                np.bincount(gr, weights=wv * self.y[rows], minlength=G))

    def columns_into(self, rows, shift, out_v: np.ndarray, out_y: np.ndarray) -> None:
        v = self.v[rows]
        out_v[:] = v
        np.multiply(self.y[rows] - shift, v, out=out_y)


def group_vs_rest(design: Design, ys: Sequence[np.ndarray], valids: Sequence[np.ndarray], codes: np.ndarray,
                  labels: Sequence[str]) -> list[GroupTest]:
    """Every group of ``codes`` (0..G−1 per row, −1 = missing; ``labels`` their names) against the
    rest, for the mean over items of ``ys`` (values per row) valid where ``valids`` (module docstring)."""
    w = np.asarray(design.weights, dtype=float)
    items = [_RowItem(_finite(y), np.asarray(v, dtype=bool) & (w > 0)) for y, v in zip(ys, valids)]
    return _group_vs_rest(design, items, codes, labels)


def group_vs_rest_coded(design: Design, items: Sequence[CodedItem], codes: np.ndarray,
                        labels: Sequence[str], order: Optional[np.ndarray] = None,
                        valid_rows: Optional[np.ndarray] = None, shared: Optional[dict] = None) -> list[GroupTest]:
    """:func:`group_vs_rest` of items given by their answer codes (:class:`CodedItem`): the same
    test, without a per-row array of every item (the report's group tests, from the coded columns).
    ``order``: :func:`group_order` of ``codes``, when the caller tests many items against one grouping
    (the rows are then put in group order without a sort per test); ``valid_rows``: the rows valid for
    some item (:func:`valid_for_some`), when the caller has them (the rate and index of items with the
    same valid answers); ``shared``: a dict the caller keeps across the tests of one grouping — the tests'
    rows and the items' codes gathered to them are kept there and reused by the next test with the same
    rows (the rate and index of one indicator's items), instead of gathered again."""
    return _group_vs_rest(design, list(items), codes, labels, order, valid_rows, shared)


def valid_for_some(items: Sequence, n: Optional[int] = None) -> np.ndarray:
    """The rows whose answer counts for at least one of ``items`` (weights not looked at); ``n``: the rows
    (default: those of the first item's codes)."""
    out = np.zeros(len(items[0].codes) if n is None else n, dtype=bool)
    for it in items:
        out |= it.rows_valid(None)
    return out


def group_order(codes: np.ndarray) -> np.ndarray:
    """The rows that have a group (``codes`` ≥ 0) in group order, each group's rows in row order (a stable
    sort, made once for every test of the grouping; :func:`group_vs_rest_coded`)."""
    codes = np.asarray(codes)
    known = np.flatnonzero(codes >= 0)
    k = codes[known]
    small = len(k) and int(k.max()) < 2**15
    return known[np.argsort(k.astype(np.int16) if small else k, kind="stable")]


def _group_vs_rest(design: Design, items: list, codes: np.ndarray, labels: Sequence[str],
                   order: Optional[np.ndarray] = None, valid_rows: Optional[np.ndarray] = None,
                   shared: Optional[dict] = None) -> list[GroupTest]:
    w = np.asarray(design.weights, dtype=float)
    codes = np.asarray(codes)
    w_pos = w > 0
    known = codes >= 0
    if valid_rows is None:
        any_valid = valid_for_some(items, design.n)
    else:
        any_valid = np.array(valid_rows, dtype=bool)  # the caller's, copied (changed below)
    if not w_pos.all():
        any_valid &= w_pos
    present = any_valid & known  # rows of the test: valid for some item, in some group (R: the subset design)
    # the domain's design df (R degf of the subset): its rows all have positive weight (any_valid above)
    dfv = float((design.rank_df(present) if getattr(design, "is_replicate", False) else design.degf_in(present)) - 1)
    if supported(design):
        return _from_cell_totals(design, items, codes, labels, any_valid, present, dfv, order, shared)
    full = [it.full(w_pos) for it in items]
    return _from_rows(design, [y for y, _ in full], [v for _, v in full], codes, labels, any_valid, present, dfv)


def _from_rows(design: Design, ys: list, vs: list, codes: np.ndarray, labels: Sequence[str],
               any_valid: np.ndarray, present: np.ndarray, dfv: float) -> list[GroupTest]:
    """:func:`group_vs_rest` from the row-level influence values of every group, one group at a time:
    calibrated and multistage designs (:meth:`Design.variance` on the rows) and replicate designs
    (the difference re-estimated with each replicate's weights)."""
    w = np.asarray(design.weights, dtype=float)
    J = len(ys)
    known = codes >= 0
    replicate = getattr(design, "is_replicate", False)
    out = []
    for g, lab in enumerate(labels):
        D = codes == g
        C = known & ~D
        z = np.zeros(design.n)
        thD = thC = 0.0
        ok = True
        a_cols, b_cols = [], []
        for y, v in zip(ys, vs):
            vD, vC = v & D, v & C
            WD, WC = w[vD].sum(), w[vC].sum()
            if WD <= 0 or WC <= 0:
                ok = False
                break
            pD = (w * y)[vD].sum() / WD
            pC = (w * y)[vC].sum() / WC
            thD += pD / J
            thC += pC / J
            z += (np.where(vD, w * (y - pD), 0.0) / WD - np.where(vC, w * (y - pC), 0.0) / WC) / J
            if replicate:  # the replicate ratios need the columns (rows × 2 per item: not formed otherwise)
                a_cols += [y * vD, y * vC]
                b_cols += [vD.astype(float), vC.astype(float)]
        nD, nC = int((any_valid & D).sum()), int((any_valid & C).sum())
        if not ok:
            out.append(GroupTest(str(lab), None, None, None, None, None, None, None, nD, nC))
            continue
        if replicate:
            est, reps = design.ratio(np.column_stack(a_cols), np.column_stack(b_cols), present)
            sign = np.tile([1.0, -1.0], J) / J
            var = float(design.replicate_vcov((reps @ sign)[:, None], np.array([est @ sign]))[0, 0])
        else:
            var = float(design.variance(z[:, None], present=present)[0, 0])
        out.append(finish_test(lab, thD, thC, var, dfv, nD, nC))
    return out


def _from_cell_totals(design: Design, items: list, codes: np.ndarray, labels: Sequence[str],
                      any_valid: np.ndarray, present: np.ndarray, dfv: float,
                      order: Optional[np.ndarray] = None, shared: Optional[dict] = None) -> list[GroupTest]:
    """:func:`group_vs_rest` for designs whose first-stage PSU totals give the variance: every group's
    influence values z (module docstring) are, for a row of group h, w·Σ_j (a_j v_j + b_j v_j (y_j − c_hj))
    with coefficients a_j, b_j of (tested group, h), so their variance follows from sums per PSU
    (stratum when unclustered) × group of w·x for the features x = (v_j, v_j (y_j − c_hj))
    (:class:`analysis.cell_variance.CellTotals`) — the same variance as the row-level z, without forming
    it once per group.  c_hj (the item's mean in group h) leaves z unchanged and keeps the expanded sums
    of squares free of cancellation (within group h they are sums of squares around the group's mean).
    The features are formed by CellTotals a chunk of rows at a time (unclustered designs), from the
    items (per-row arrays or answer codes)."""
    w = np.asarray(design.weights, dtype=float)
    J = len(items)
    # the rows that contribute (valid for some item, in some group), ordered by group: the features are
    # built in that order, so every chunk of the unclustered path holds one group
    same = (shared is not None and shared.get("design") is design and shared.get("codes") is codes
            and np.array_equal(shared["present"], present))
    if same:  # the previous test's rows (the rate's, for the index of the same items)
        rows, gr = shared["rows"], shared["gr"]
    else:
        rows = np.flatnonzero(present) if order is None else order[present[order]]  # present rows have a group
        gr = codes[rows].astype(np.int64)
        if order is None and len(rows) > 1 and np.any(gr[1:] < gr[:-1]):
            by = np.argsort(gr.astype(np.int16) if len(gr) and int(gr.max()) < 2**15 else gr, kind="stable")
            rows, gr = rows[by], gr[by]
        if shared is not None:
            shared.clear()
            shared.update(design=design, codes=codes, present=present, rows=rows, gr=gr, gathered={}, counted={})
    G = max(len(labels), int(gr.max()) + 1 if len(rows) else 0)  # the labelled groups (and any code beyond them)
    unit = unit_weights(w)  # every weight 1 (the whole design's, looked at once per design): no gather
    wr = None if unit else w[rows]
    # position k of each item is design row rows[k]
    items = [_at_rows(it, rows, None if shared is None else shared["gathered"]) for it in items]
    WD = np.zeros((G, J))
    AD = np.zeros((G, J))
    every = slice(None)
    bounds = np.searchsorted(gr, np.arange(G + 1))  # gr is in order: each group's rows
    counted = None if shared is None else shared["counted"]  # the rate's counts serve the index (same rows)
    for j, it in enumerate(items):
        WD[:, j], AD[:, j] = it.group_sums(every, gr, wr, G, bounds, counted)
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(WD > 0, AD / np.where(WD > 0, WD, 1.0), 0.0)
    nv = np.diff(bounds)  # rows per group (gr is in order)

    def features(at):
        """(v_j, v_j (y_j − c_hj)) per item for the rows at positions ``at`` of ``rows`` (a chunk of
        the group-ordered rows is a slice: the items' codes are read without a copy)."""
        g = gr[at]
        X = np.empty((len(g), 2 * J), order="F")
        one = len(g) == 0 or g[0] == g[-1]  # rows ordered by group: one group when the ends agree
        for j, it in enumerate(items):
            sh = (shift[g[0], j] if len(g) else 0.0) if one else shift[g, j]
            it.columns_into(at, sh, X[:, 2 * j], X[:, 2 * j + 1])
        return X

    others = ~np.eye(G, dtype=bool)
    WC = np.array([WD[others[g]].sum(0) for g in range(G)]).reshape(G, J)
    AC = np.array([AD[others[g]].sum(0) for g in range(G)]).reshape(G, J)
    n_all = int(nv.sum())
    testable = np.all((WD > 0) & (WC > 0), axis=1)
    U = np.zeros((G, 2 * J, G))  # (group of the row, feature, tested group)
    th = {}
    for g in np.flatnonzero(testable[: len(labels)]):
        pD, pC = AD[g] / WD[g], AC[g] / WC[g]
        thD = thC = 0.0
        for j in range(J):
            thD += pD[j] / J
            thC += pC[j] / J
        th[g] = (thD, thC)
        rest = others[g]
        U[g, 1::2, g] = 1.0 / (J * WD[g])
        U[g, 0::2, g] = -(pD - shift[g]) / (J * WD[g])
        U[rest, 1::2, g] = -1.0 / (J * WC[g])
        U[rest, 0::2, g] = (pC - shift[rest]) / (J * WC[g])
    var = np.full(G, np.nan)
    if th:
        if (unit and G <= PROJECTED_MAX and all(isinstance(it, CodedItem) for it in items)
                and CellTotals.uniform(design)):
            # every weight 1, coded items: Σ (x·U_g)ᵀ(x·U_g) from per-code tables of x·U_g (no feature columns)
            tot = np.zeros((G, 2 * J))
            tot[:, 0::2] = WD
            tot[:, 1::2] = AD - shift * WD
            tots = CellTotals.of_projected(design, U, _projected_squares(items, bounds, shift, U), tot)
        else:
            tots = CellTotals(design, gr, G, features, rows=rows, U=U)
        var = np.diag(tots.covariance(U, present))
    out = []
    for g, lab in enumerate(labels):
        nD = int(nv[g])
        if g not in th:
            out.append(GroupTest(str(lab), None, None, None, None, None, None, None, nD, n_all - nD))
            continue
        out.append(finish_test(lab, th[g][0], th[g][1], float(var[g]), dfv, nD, n_all - nD))
    return out


def chosen_codes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each row chose an option (``x`` > 0; a blank is not chosen) as :func:`analysis.domains.
    code_values` codes the 0/1 values: (code per row: 1 not chosen, 2 chosen; value per code [NaN, 0, 1]) —
    :func:`independence_test`'s ``coded`` for “chose the option” × group."""
    out = np.greater(x, 0).view(np.int8).astype(np.int16)  # NaN > 0 is False
    out += 1
    return out, np.array([np.nan, 0.0, 1.0])


def _group_answer_counts(codes: np.ndarray, yc: np.ndarray, Ky: int, ok: np.ndarray) -> tuple:
    """(rows per group × answer code among the rows ``ok`` marks (groups 0..max(codes)), the rows, their
    key group·Ky + code).  With at most :data:`analysis.domains.FEW_CELLS` cells the key is formed in int16
    for every row and each cell counted by a comparison (rows and key then None: not gathered); otherwise
    the rows are gathered and counted by ``np.bincount``."""
    G1 = int(codes.max()) + 1
    if G1 * Ky <= FEW_CELLS:
        key = codes.astype(np.int16) * np.int16(Ky)
        key += yc
        key[~ok] = -1
        counts = np.array([np.count_nonzero(key == k) for k in range(G1 * Ky)], dtype=np.int64)
        return counts.reshape(G1, Ky), None, None
    rows, jk = _rows_and_keys(codes, yc, Ky, ok)
    return np.bincount(jk, minlength=G1 * Ky).reshape(G1, Ky), rows, jk


def _rows_and_keys(codes: np.ndarray, yc: np.ndarray, Ky: int, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows ``ok`` marks and their key group·Ky + answer code (int64)."""
    rows = np.flatnonzero(ok)
    return rows, codes[rows].astype(np.int64) * Ky + yc[rows]


PROJECTED_MAX = 8  # groups (coefficient columns m) up to which the tests sum x·U from per-code tables


def _projected_squares(items: Sequence[CodedItem], bounds: np.ndarray, shift: np.ndarray, U: np.ndarray) -> np.ndarray:
    """Σ over the rows of each group c of (x·U_c)ᵀ(x·U_c) (G × m × m) for the features x = (v_j, v_j (y_j −
    shift_cj)) of coded items whose codes are in group order (``bounds``: where each group's rows start).
    A row's x·U_c is Σ_j T_cj[code_j] with the per-code table T_cj = v_j (U_c[2j] + (y_j − shift_cj) U_c[2j+1])
    (K_j × m): one gather of m values per row and item, a block of rows at a time
    (:data:`analysis.design.BLOCK_ROWS`), instead of 2J feature columns and their product with U_c.
    The table rows are padded to 1, 2, 4 or 8 values (numpy gathers those sizes without a copy loop)."""
    G, F, m = U.shape
    width = next(k for k in (1, 2, 4, 8) if k >= m)
    out = np.zeros((G, m, m))
    n = int(bounds[-1])
    Z = np.empty((min(max(n, 1), BLOCK_ROWS), width))
    tmp = np.empty_like(Z)
    idx = np.empty(len(Z), dtype=np.intp)
    tables = []
    for it in items:
        v = it.valid.astype(float)
        tables.append((v, _finite(it.y)))
    for c in range(G):
        lo_c, hi_c = int(bounds[c]), int(bounds[c + 1])
        if hi_c <= lo_c:
            continue
        T = []
        for j, (v, y) in enumerate(tables):
            t = np.zeros((len(v), width))
            t[:, :m] = v[:, None] * (U[c, 2 * j] + (y - shift[c, j])[:, None] * U[c, 2 * j + 1])
            T.append(t)
        for lo in range(lo_c, hi_c, BLOCK_ROWS):
            hi = min(lo + BLOCK_ROWS, hi_c)
            Zb, tb, ib = Z[:hi - lo], tmp[:hi - lo], idx[:hi - lo]
            for j, it in enumerate(items):
                ib[:] = it.codes[lo:hi]
                if j == 0:
                    np.take(T[0], ib, axis=0, out=Zb, mode="clip")  # codes index their tables: no buffer
                else:
                    np.take(T[j], ib, axis=0, out=tb, mode="clip")
                    Zb += tb
            out[c] += (Zb.T @ Zb)[:m, :m]
    return out


def _at_rows(item, rows: np.ndarray, gathered: Optional[dict]):
    """``item.at_rows(rows)``; a coded item's codes gathered to ``rows`` once per codes array when the caller
    keeps them (``gathered``: id of the codes → (codes, gathered codes), for the same rows)."""
    if gathered is None or not isinstance(item, CodedItem):
        return item.at_rows(rows)
    hit = gathered.get(id(item.codes))
    if hit is None or hit[0] is not item.codes:
        hit = gathered[id(item.codes)] = (item.codes, item.codes[rows])
    return CodedItem(hit[1], item.y, item.valid)


def finish_test(lab, thD: float, thC: float, var: float, dfv: float, nD: int, nC: int) -> GroupTest:
    """The t test of the difference thD − thC with linearisation variance ``var`` on ``dfv`` df (R
    ``svycontrast`` then ``2·pt(−|t|, degf)``); shared by the row engine and the sufficient-statistics one."""
    diff = thD - thC
    se = float(np.sqrt(var)) if var >= 0 else float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        t = diff / se if se > 0 else float("nan")
    p = float(2 * D.t_sf(abs(t), dfv)) if np.isfinite(t) and dfv > 0 else float("nan")
    return GroupTest(str(lab), _f(thD), _f(thC), _f(diff), _f(se), _f(t), _f(dfv), _f(p), nD, nC)


def independence_test(design: Design, y: Optional[np.ndarray], valid: np.ndarray, codes: np.ndarray, *,
                      coded: Optional[tuple] = None) -> Optional[dict]:
    """Rao–Scott F test of answers ``y`` (valid where ``valid``) × group ``codes`` (−1 = missing):
    ``{"name": "rao-scott-F", "F", "df1", "df2", "p"}`` (R ``svychisq(~y + g, design)``), or None when
    the table has fewer than two groups or two answers.

    The test of :func:`analysis.crosstab.crosstab` (groups as rows, answers as columns, both sorted
    numerically): cell shares p, their covariance from the PSU × cell (stratum × cell when unclustered)
    weighted totals (:class:`analysis.cell_variance.CellTotals`), N rows with non-zero weight and the
    design df — without the table's shares, intervals and design effects, which the test does not use.
    Calibrated, multistage and replicate designs take the crosstab itself (row-level influence values).
    ``coded``: ``y`` as :func:`analysis.domains.code_values` gives it (codes per row, value per code; e.g.
    :meth:`CodedItem.value_codes`), when the caller has it — then ``y`` may be None."""
    codes = np.asarray(codes)
    ok = np.asarray(valid, dtype=bool) & (codes >= 0) & (design.weights > 0)
    if not ok.any():
        return None
    if coded is not None:
        yc, yvals = coded
        yy = None if not np.isinf(yvals).any() else np.asarray(yvals, dtype=float)[yc]
    else:
        yy = np.asarray(y, dtype=float)
    if yy is not None and np.isinf(yy).any() and np.isinf(yy[ok]).any():  # infinite answers: levels of the crosstab
        if np.unique(codes[ok]).size < 2 or np.unique(yy[ok]).size < 2:
            return None
        ct = crosstab(design, np.where(codes >= 0, codes.astype(float), np.nan), np.where(ok, yy, np.nan), valid=ok,
                      row_name="group", col_name="answer")
        return ct.test_record("F")
    # one table of the valid rows per group × answer code (np.unique would sort every row): the groups
    # and answers present, and the table's cells.  Answer code 0 is NaN, which counts as one more
    # answer for "fewer than two answers" (np.unique keeps one NaN) but is not a cell of the table
    if coded is None:
        yc, yvals = code_values(yy)
    Ky = len(yvals)
    counts, rows, jk = _group_answer_counts(codes, yc, Ky, ok)
    if np.count_nonzero(counts.sum(1)) < 2 or np.count_nonzero(counts.sum(0)) < 2:
        return None
    in_cells = counts[:, 1:]
    if not supported(design) or not in_cells.any():
        if yy is None:  # the values of the coded answers, for the crosstab's rows
            yy = np.asarray(yvals, dtype=float)[yc]
        ct = crosstab(design, np.where(codes >= 0, codes.astype(float), np.nan), np.where(ok, yy, np.nan), valid=ok,
                      row_name="group", col_name="answer")
        return ct.test_record("F")
    # levels present among the rows of the table, in increasing order (crosstab sorts them numerically)
    g_seen, y_seen = in_cells.sum(1) > 0, np.concatenate([[False], in_cells.sum(0) > 0])
    R, C = int(g_seen.sum()), int(y_seen.sum())
    K = R * C
    cell_of = np.where(g_seen[:, None] & y_seen[None, :],
                       (np.cumsum(g_seen) - 1)[:, None] * C + (np.cumsum(y_seen) - 1)[None, :], -1).ravel()
    # the rows in a cell of the table: the valid rows with an answer (every such row's group and answer
    # are seen, so its cell exists; a NaN answer, code 0, has none)
    cells_ok = ok & (yc > 0)
    cell_counts = np.bincount(cell_of[cell_of >= 0], weights=counts.ravel()[cell_of >= 0], minlength=K)
    tots = CellTotals.of_counts(design, cell_counts)  # an unweighted simple random sample: from the counts
    w = np.asarray(design.weights, dtype=float)
    unweighted = tots is not None and design.weights[0] == 1.0
    if rows is None and not unweighted:  # the table's rows and keys, when the counts alone do not serve
        rows, jk = _rows_and_keys(codes, yc, Ky, ok)
    if unweighted:
        Wk = cell_counts  # every weight 1: the weights' sums are the counts
    else:
        Wj = np.bincount(jk, weights=w[rows], minlength=cell_of.size)
        Wk = np.bincount(cell_of[cell_of >= 0], weights=Wj[cell_of >= 0], minlength=K)
    W = Wk.sum()
    p = Wk / W
    if tots is None:
        # only the rows of the table's cells, in cell order (CellTotals sums each cell's rows at once)
        cj = cell_of[jk]  # −1: a NaN answer (no cell)
        in_cell = rows[cj >= 0]
        cj = cj[cj >= 0]
        order = np.argsort(cj.astype(np.int16) if K < 2**15 else cj, kind="stable")
        tots = CellTotals(design, cj[order], K, rows=in_cell[order])
    V = tots.covariance((np.eye(K) - p[None, :]) / W, cells_ok)
    N, nu = svychisq_size(design)
    return rao_scott(p, V, R, C, N, nu).to_dict()

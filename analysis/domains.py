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

Coded columns (answer codes, few distinct values) go further: :meth:`DomainEngine.tabulate`
collapses a column once to weighted sums per (cell, unit, code) — unit = PSU, or stratum for
unclustered designs (with sums of squared weights for the moments) — and
:meth:`DomainEngine.estimate` derives any mean or ratio whose per-row numerator, denominator and
validity are functions of the code (a rate, a score mean, % of mentions) from those sums alone.
Ratios ``Σwdy/Σwdx`` (R ``svyratio``) have influence ``z = w d (y − R̂x)/Σwdx``; a mean is x = 1.
Lonely PSUs follow :meth:`Design.variance_of_psu_totals` (R ``survey.lonely.psu``) per group:
certainty strata contribute 0 and are never lonely; a lonely stratum acts only in groups whose
domain holds one of its rows (``fail`` then names it; ``adjust`` adds ``(1 − f_h) Z_h²``;
``average`` rescales by strata present / strata present and not lonely).

Calibrated designs (:class:`analysis.weighting.CalibratedDesign`, R ``rake``/``postStratify``):
R's calibration residuals act on every row's influence value (residuals on the calibration
categories), which cell sums do not carry; for them the engine spreads each group's per-row
influence values into columns and takes the variance through ``design.psu_totals`` (one
design pass per grouping, a loop over groups) — exact, slower than the cell-sum route.
Tested against ``design.subset`` + :mod:`analysis.estimators` and against R
(tests/test_domains_lonely.py, tests/test_indicators_r_golden.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Optional, Sequence

import numpy as np

from .design import BLOCK_ROWS, Design, DesignError
from .estimators import srs_fpc_factor
from .result import WALD, Estimate, ProportionInterval


@dataclass
class CodedTable:
    """Sums of weights (``Sw``), of rows with positive weight (``Cn``) and, for unclustered designs,
    of squared weights (``Sw2``) per (cell, unit, code); unit = PSU, or stratum when unclustered."""

    Sw: np.ndarray
    Cn: np.ndarray
    Sw2: Optional[np.ndarray]
    k: int
    key: Optional[np.ndarray] = None  # per-row key_cu·k + code (kept for calibrated designs only)
    Cr: Optional[np.ndarray] = None   # rows of R's design object (zero weights too), when they differ from Cn
    Swr: Optional[np.ndarray] = None  # replicate-weight sums per (cell, code, replicate) (replicate designs)
    Cp: Optional[np.ndarray] = None   # rows per (cell, code, replicate-weight pattern) (replicate designs)


def code_values(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a numeric column and the value of each code: code 0 = missing (NaN).

    Small integer-valued columns (answer codes) are coded by offset without sorting.  The codes
    are of the smallest integer type that holds them (:func:`code_dtype`: int16 for answer codes),
    so a questionnaire's coded columns take a quarter of the memory of int64; combine them with
    other keys in int64 (e.g. ``key * k + codes`` with an int64 ``key``).
    """
    x = np.asarray(x)
    if x.dtype not in (np.float32, np.float64):  # float32 (stored codes, exact) is coded as it is
        x = x.astype(float)
    with np.errstate(invalid="ignore"):
        lo, hi = np.fmin.reduce(x) if len(x) else np.nan, np.fmax.reduce(x) if len(x) else np.nan
    if not np.isfinite(lo) and not np.isfinite(hi):
        if np.isnan(x).all():
            return np.zeros(len(x), dtype=np.int16), np.array([np.nan])
    if np.isfinite(lo) and np.isfinite(hi) and hi - lo < 256:
        off = float(np.floor(lo)) - 1.0
        codes = np.empty(len(x), dtype=np.int16)
        y = np.empty(min(len(x), BLOCK_ROWS), dtype=x.dtype)
        whole = True
        for a in range(0, len(x), BLOCK_ROWS):  # a block at a time: the block's values stay in the CPU cache
            b = min(a + BLOCK_ROWS, len(x))
            yb, cb = y[:b - a], codes[a:b]
            np.subtract(x[a:b], x.dtype.type(off), out=yb)  # NaN stays NaN; valid values ≥ 1 (exact below 2^24)
            np.fmax(yb, 0, out=yb)  # NaN → 0 (fmax takes the number), the values ≥ 1 stay
            cb[:] = yb  # 0..256: hi − lo < 256
            if not np.array_equal(cb, yb):  # not integer-valued: coded by sorting below
                whole = False
                break
        if whole:  # integer-valued (answer codes)
            return codes, np.concatenate([[np.nan], np.arange(1, int(hi - off) + 1) + off])
    fin = np.isfinite(x)
    uniq, inv = np.unique(x[fin].astype(float), return_inverse=True)
    codes = np.zeros(len(x), dtype=code_dtype(len(uniq) + 1))
    codes[fin] = inv + 1
    return codes, np.concatenate([[np.nan], uniq])


RAW_MISSING = -32768  # no answer in int16 raw codes (survey.columns.MISSING_CODE; analysis imports no survey module)


def code_raw(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`code_values` of int16 answer codes as stored (``RAW_MISSING`` = no answer): the same codes
    and values as :func:`code_values` of the column as floats (NaN for ``RAW_MISSING``), computed in
    int16 without a float copy.  The range first: the largest value by ``max`` (``RAW_MISSING`` is the
    smallest int16), the smallest answer by the ``min`` of ``x − 1`` in int16 (which wraps
    ``RAW_MISSING`` to the largest int16) plus 1; then ``(x − (lo − 1)) · answered``, a block of rows
    at a time (1M rows: about 0.6 ms against 1.3 ms for :func:`code_values` of float32).  A range of 256
    values or more is coded by sorting (:func:`code_values`)."""
    x = np.asarray(x)
    n = len(x)
    lo, hi = np.iinfo(np.int16).max, RAW_MISSING
    t = np.empty(min(n, BLOCK_ROWS), dtype=np.int16)
    one = np.int16(1)
    for a in range(0, n, BLOCK_ROWS):
        b = min(a + BLOCK_ROWS, n)
        xb = x[a:b]
        hi = max(hi, int(xb.max()))
        lo = min(lo, int(np.subtract(xb, one, out=t[:b - a]).min()) + 1)
    if hi == RAW_MISSING:  # no answer at all (or no rows)
        return np.zeros(n, dtype=np.int16), np.array([np.nan])
    if hi - lo >= 256:
        y = x.astype(np.float64)
        y[x == RAW_MISSING] = np.nan
        return code_values(y)
    off = np.int16(lo - 1)
    codes = np.empty(n, dtype=np.int16)
    has = np.empty(len(t), dtype=bool)
    for a in range(0, n, BLOCK_ROWS):
        b = min(a + BLOCK_ROWS, n)
        cb, hb = codes[a:b], has[:b - a]
        np.not_equal(x[a:b], RAW_MISSING, out=hb)
        np.subtract(x[a:b], off, out=cb)  # the answers 1..hi − lo + 1; RAW_MISSING wraps, made 0 next
        np.multiply(cb, hb, out=cb)  # (no masked assignment: that branches on every row, 15× slower)
    return codes, np.concatenate([[np.nan], np.arange(1, hi - lo + 2, dtype=float) + (lo - 1)])


FEW_CODES = 16  # at most this many codes ...
FEW_CELLS = 256  # ... and cells × units (PSUs, or strata): counted code by code (DomainEngine._code_counts)


def stretch_counts(codes: np.ndarray, k: int, bounds: Optional[np.ndarray] = None) -> np.ndarray:
    """Rows per code 0..k−1 in each stretch ``codes[bounds[i]:bounds[i + 1]]`` (the rows of a cell or
    group, in order), as a float array stretches × k; without ``bounds``, one stretch of every row.

    With at most :data:`FEW_CODES` codes each code is counted by ``count_nonzero`` of a comparison —
    numpy steps that mostly run without the GIL and are several times faster than ``np.bincount``
    (which converts the codes to int64 and holds the GIL); with more, ``np.bincount``.  Exact counts
    either way."""
    if bounds is None:
        bounds = np.array([0, len(codes)])
    out = np.zeros((len(bounds) - 1, k))
    for u in np.flatnonzero(bounds[1:] > bounds[:-1]):
        s = codes[bounds[u]:bounds[u + 1]]
        if k <= FEW_CODES:
            for v in range(k):
                out[u, v] = np.count_nonzero(s == v)
        else:
            out[u] = np.bincount(s, minlength=k)[:k]
    return out


def code_mask(codes: np.ndarray, ok: np.ndarray, out: Optional[np.ndarray] = None,
              scratch: Optional[np.ndarray] = None) -> np.ndarray:
    """``ok[codes]``: whether each row's code is marked in the per-code table ``ok`` (bool).  When one
    or two codes are unmarked (no answer, 不了解) the codes are compared with them instead of looked up
    (a comparison of int16 codes is several times faster than the gather), and so are the ends of the
    marked codes when they are one run (1.3 ms for the gather of 1M int16 codes, 0.3 ms for the two
    comparisons).  ``out``, ``scratch``: bool
    arrays of the codes' length to write into (a caller masking many columns reuses them instead of
    new memory for each)."""
    ok = np.asarray(ok, dtype=bool)
    bad = np.flatnonzero(~ok)
    if out is None:
        out = np.empty(len(codes), dtype=bool)
    if len(bad) > 2:
        good = np.flatnonzero(ok)
        if len(good) and good[-1] - good[0] + 1 == len(good) and codes.dtype.kind == "i":
            # the marked codes are one run lo..hi (answered 1–5, say): two comparisons, a fifth of the gather's time
            np.greater_equal(codes, good[0], out=out)
            np.logical_and(out, np.less_equal(codes, good[-1], out=scratch), out=out)
            return out
        return np.take(ok, codes, out=out)
    if len(bad) == 0:
        out.fill(True)
        return out
    np.not_equal(codes, int(bad[0]), out=out)
    for b in bad[1:]:
        other = np.not_equal(codes, int(b), out=scratch)
        np.logical_and(out, other, out=out)
    return out


class _Shared:
    """A result per key made once and shared by the sections that ask, on their threads (two threads asking
    at once may both compute; one result is kept).  Each result is kept with the arrays its key names by
    ``id``, so those ids are not reused while it is; the arrays returned are read-only."""

    def __init__(self):
        self._lock = threading.Lock()
        self._memo: dict = {}

    def _get(self, key, keep, make) -> np.ndarray:
        with self._lock:
            hit = self._memo.get(key)
        if hit is not None:
            return hit[1]
        return self._keep(key, keep, make())

    def _keep(self, key, keep, out: np.ndarray) -> np.ndarray:
        """``out`` kept (read-only) under ``key`` with the arrays ``keep``, unless a result is already:
        the result kept."""
        out.flags.writeable = False
        with self._lock:
            return self._memo.setdefault(key, (keep, out))[1]


class ValidRows(_Shared):
    """The rows whose answer counts for at least one of some coded items (each item: its codes per row and
    a per-code table of the codes that count, as :func:`code_mask` takes them), made once per analysis and
    shared by the sections that ask for the same items: the indicators' aggregates and the group tests of
    a multi-item indicator need the same rows (:class:`_Shared`)."""

    def __init__(self, n: int):
        super().__init__()
        self.n = int(n)

    def of(self, items: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Rows valid for some of ``items`` ((codes, counts per code) pairs; the order does not matter)."""
        items = [(c, np.asarray(ok, dtype=bool)) for c, ok in items]

        def make() -> np.ndarray:
            out = np.zeros(self.n, dtype=bool)
            mask, scratch = np.empty(self.n, dtype=bool), np.empty(self.n, dtype=bool)
            for c, ok in items:
                out |= code_mask(c, ok, mask, scratch)
            return out

        key = tuple(sorted((id(c), ok.tobytes()) for c, ok in items))
        return self._get(key, [c for c, _ in items], make)


class CodeCounts(_Shared):
    """Rows per answer code of coded columns (:func:`stretch_counts` of every row), counted once per
    analysis and shared by the sections that ask (the question tables and the answer distributions count
    the same items; :class:`_Shared`)."""

    def of(self, codes: np.ndarray, k: int) -> np.ndarray:
        """Rows per code 0..k−1 of ``codes`` (float, as :func:`stretch_counts`)."""
        return self._get((id(codes), int(k)), codes, lambda: stretch_counts(codes, k)[0])

    def put(self, codes: np.ndarray, k: int, counts: np.ndarray) -> None:
        """The rows per code of every row of ``codes``, counted by the caller (exact integers, the numbers
        :meth:`of` would count; the indicators' tables of an unweighted sample hold them); kept unless
        some are already."""
        self._keep((id(codes), int(k)), codes, np.array(counts, dtype=float))


def code_dtype(k: int) -> np.dtype:
    """The smallest signed integer type for codes 0..k−1 (int16, int32 or int64)."""
    for t in (np.int16, np.int32):
        if k <= np.iinfo(t).max:
            return np.dtype(t)
    return np.dtype(np.int64)


class DomainEngine:
    """Precomputed design sums for a set of groupings.

    ``groupings``: list of integer code arrays (−1 = missing) with their number of groups.
    Group index 0 is always "overall"; then each grouping's groups in order.
    """

    def __init__(self, design: Design, groupings: Sequence[tuple[np.ndarray, int]] = ()):
        self.design = design
        # calibrated (R postStrata/raking), multistage and PPS designs: variances from row-level
        # influence values through Design.variances, which applies R's calibration residuals, the
        # later stages and each PSU's own 1 − π (see _variance_rows)
        self.calibrated = bool(getattr(design, "calibration", ()))
        self.replicate = bool(getattr(design, "is_replicate", False))
        self.rowwise = (design.needs_rows or design.pps is not None) and not self.replicate
        self.w = design.weights
        n = design.n
        # the per-row arrays below are made in place or shared where they are equal (an unweighted sample's
        # w, w², w > 0 and R's rows are all its weights of 1): fewer new pages while the sections run
        cell = None
        mult = 1
        self.valid_cell = np.ones(n, dtype=bool)
        dims = []
        for codes, k in groupings:
            c = np.asarray(codes, dtype=np.int64)
            self.valid_cell &= c >= 0
            if cell is None:
                cell = np.maximum(c, 0)  # a new array: the codes, missing (< 0) as 0
            else:
                cell += np.maximum(c, 0) * mult
            dims.append((mult, k))
            mult *= k
        if cell is None:
            cell = np.zeros(n, dtype=np.int64)
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
        if not self.valid_cell.all():
            np.copyto(cell, mult, where=~self.valid_cell)
        self.cell = cell
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
        # lonely PSUs exactly as Design.variance_of_psu_totals (R survey:::onestrat): a completely
        # sampled (certainty) stratum contributes 0 and is never lonely; a lonely stratum acts only
        # in groups holding one of its rows (R's subset() drops the others)
        certain_h = (1.0 - f_h) < 1e-7
        self.n_h = n_h
        self.lonely_h = (n_h == 1) & ~certain_h
        self.c_h = np.where((n_h > 1) & ~certain_h, (1 - f_h) * n_h / np.maximum(n_h - 1, 1), 0.0)
        self.adj_h = np.where(self.lonely_h, 1 - f_h, 0.0) if design.lonely_psu == "adjust" else None
        self.key_cs = self.cell if n_strata == 1 else self.cell * n_strata + design.strata  # one stratum: all 0
        self.size_cs = self.n_cells_all * n_strata
        if self.clustered:
            self.key_cp = self.cell * self.n_psu + design.psu
            self.size_cp = self.n_cells_all * self.n_psu
        self.unit_weights = bool(np.all(self.w == 1.0))  # an unweighted sample: Σw = Σw² = the row count
        self.w2 = self.w if self.unit_weights else self.w * self.w
        # collapsed tables (see tabulate): sums per (cell, unit, code), unit = PSU or stratum
        if self.clustered:
            self.key_cu, self.n_units, unit_stratum = self.key_cp, self.n_psu, self.psu_stratum
        else:
            self.key_cu, self.n_units, unit_stratum = self.key_cs, n_strata, np.arange(n_strata)
        self.P = np.zeros((self.n_units, n_strata))
        self.P[np.arange(self.n_units), unit_stratum] = 1.0
        self.wpos = self.w if self.unit_weights else (self.w > 0).astype(float)
        self.all_positive = bool(np.all(self.w > 0))
        # rows of R's design object (zero weights included) differ from the positive-weight rows?
        r_rows = np.ones(n, dtype=bool) if design.rows is None else design.rows
        self.r_rows = self.w if self.unit_weights and design.rows is None else r_rows.astype(float)
        self.rows_differ = not np.array_equal(r_rows, self.w > 0)
        self._present_rows = None  # groups × strata: does the group hold a row with positive weight?
        self._cu_order = None  # rows in (cell, unit) order and each pair's bounds (_code_counts)
        if self.replicate:
            # replicate-weight designs (analysis.replicates): replicate totals per cell, df from the rank of
            # the replicate-weight patterns (≈ PSUs) each group holds
            self.Wr = design.replicate_weights()
            self.pattern = design.row_patterns()
            self.n_patterns = int(self.pattern.max()) + 1
            self.pattern_dirs = design.pattern_matrix()
            self._rank_cache: dict = {}
        # group of every cell in every grouping (0 = overall), −1 when the cell belongs to no group
        self.cell_group = []
        for sl in self.slices:
            sub = self.G[sl]
            has = sub.sum(0) > 0
            self.cell_group.append(np.where(has, sl.start + sub.argmax(0), -1))

    # ------------------------------------------------------------------ collapsed (coded) columns
    def tabulate(self, codes: np.ndarray, k: int, *, counts_like: Optional["CodedTable"] = None,
                 key: Optional[np.ndarray] = None, counts: Optional[np.ndarray] = None) -> "CodedTable":
        """Collapse a coded column (integers 0..k−1 per row) to sums per (cell, unit, code).

        Every estimate whose per-row value depends only on the code (validity, 0/1 hit, score,
        ratio numerator/denominator) follows from these sums exactly: one pass over the rows per
        column, then arithmetic on arrays of size cells × units × k.  ``key`` may pass the
        precomputed ``key_cu * k + codes``; ``counts_like`` reuses the row counts of a table whose
        codes have the same validity (``d``) in every unit (only ``C = Cn @ d`` is ever used).
        ``counts``: the rows per code 0..k−1 of every row, when the caller has counted them — the table
        itself of an unweighted engine with one cell and one unit (overall, one stratum, no clusters).
        """
        size = self.n_cells_all * self.n_units * k
        shape = (self.n_cells_all, self.n_units, k)
        if (key is None and self.unit_weights and k <= FEW_CODES and self.n_cells_all * self.n_units <= FEW_CELLS
                and not (self.rowwise or self.replicate or self.rows_differ)):
            # every weight 1, a few codes and cells × units: the row counts per (cell, unit) and code; without
            # groupings and with one unit every row is in cell 0 (the cell of rows missing a grouping code,
            # the last, is empty), so the caller's counts are that cell's
            one = counts is not None and len(self.slices) == 1 and self.n_units == 1 and len(counts) == k
            if one:
                Sw = np.zeros(shape)
                Sw[0, 0] = counts
            else:
                Sw = self._code_counts(codes, k).reshape(shape)
            Cn = counts_like.Cn if counts_like is not None else Sw
            return CodedTable(Sw, Cn, None if self.clustered else Sw, k, None,
                              counts_like.Cr if counts_like is not None else None, None, None)
        if key is None:
            key = self.key_cu * k + codes
        if self.unit_weights:  # every weight 1: the sums of w and w² are the row counts, exactly (one pass)
            Sw = np.bincount(key, minlength=size).reshape(shape).astype(float)
            Cn = counts_like.Cn if counts_like is not None else Sw
            Sw2 = None if self.clustered else Sw
        else:
            Sw = np.bincount(key, weights=self.w, minlength=size).reshape(shape)
            if counts_like is not None:  # row counts of another coding with the same validity per unit
                Cn = counts_like.Cn
            elif self.all_positive:
                Cn = np.bincount(key, minlength=size).reshape(shape).astype(float)
            else:
                Cn = np.bincount(key, weights=self.wpos, minlength=size).reshape(shape)
            Sw2 = None if self.clustered else np.bincount(key, weights=self.w2, minlength=size).reshape(shape)
        if self.replicate:
            from scipy import sparse

            M = sparse.csr_matrix((np.ones(self.design.n), (np.arange(self.design.n), key)), shape=(self.design.n, size))
            Swr = np.asarray((M.T @ self.Wr)).reshape(self.n_cells_all, self.n_units, k, -1).sum(1)
            pkey = np.where(self.pattern >= 0, (key // (self.n_units * k) * k + key % k) * self.n_patterns
                            + self.pattern, -1)
            if counts_like is not None and counts_like.Cp is not None:
                Cp = counts_like.Cp
            else:
                okp = (pkey >= 0) & (self.w > 0)
                Cp = np.bincount(pkey[okp], minlength=self.n_cells_all * k * self.n_patterns).reshape(
                    self.n_cells_all, k, self.n_patterns).astype(float)
        else:
            Swr = Cp = None
        if counts_like is not None:
            Cr = counts_like.Cr
        elif self.rows_differ:
            Cr = np.bincount(key, weights=self.r_rows, minlength=size).reshape(shape)
        else:
            Cr = None
        return CodedTable(Sw, Cn, Sw2, k, key if self.rowwise else None, Cr, Swr, Cp)

    def _cu_stretches(self) -> tuple[Optional[np.ndarray], np.ndarray]:
        """The rows in (cell, unit) order (a stable argsort of ``key_cu``, None when they already are)
        and where each (cell, unit)'s rows start in that order; computed once per engine."""
        if self._cu_order is None:
            order = np.argsort(self.key_cu, kind="stable")
            if np.array_equal(order, np.arange(len(order))):
                order = None
            sk = self.key_cu if order is None else self.key_cu[order]
            self._cu_order = (order, np.searchsorted(sk, np.arange(self.n_cells_all * self.n_units + 1)))
        return self._cu_order

    def _code_counts(self, codes: np.ndarray, k: int) -> np.ndarray:
        """Rows per (cell × unit, code) for codes 0..k−1: each (cell, unit)'s stretch of a column's codes
        (:meth:`_cu_stretches`) is counted (:func:`stretch_counts`) instead of a ``np.bincount`` of
        ``key_cu·k + code``."""
        order, bounds = self._cu_stretches()
        return stretch_counts(codes if order is None else codes[order], k, bounds)

    def _sums_cs(self, z: np.ndarray, squares: bool = True):
        """Σ z (and Σ z², ``squares``) per (cell, stratum): a sum (and a dot product) over each (cell,
        stratum)'s rows in order (:meth:`_cu_stretches`) when the design is unclustered and they are
        few, else weighted ``np.bincount`` (which hold the GIL and are several times slower)."""
        shape = (self.n_cells_all, self.n_strata)
        if self.clustered or self.n_cells_all * self.n_units > FEW_CELLS:
            s1 = np.bincount(self.key_cs, weights=z, minlength=self.size_cs).reshape(shape)
            return (s1, np.bincount(self.key_cs, weights=z * z, minlength=self.size_cs).reshape(shape)) if squares else s1
        order, bounds = self._cu_stretches()
        zs = z if order is None else z[order]
        s1 = np.zeros(len(bounds) - 1)
        s2 = np.zeros(len(bounds) - 1)
        for u in np.flatnonzero(bounds[1:] > bounds[:-1]):
            seg = zs[bounds[u]:bounds[u + 1]]
            s1[u] = seg.sum()
            if squares:
                s2[u] = np.dot(seg, seg)
        return (s1.reshape(shape), s2.reshape(shape)) if squares else s1.reshape(shape)

    def _count_cs(self, mask: np.ndarray) -> np.ndarray:
        """Rows where ``mask`` (bool per row) per (cell, stratum), as floats: the numbers of
        ``_sums_cs(mask.astype(float), squares=False)`` (exact counts either way) from a gather of one
        byte a row and a count per (cell, stratum) stretch when the design is unclustered and they are
        few (:meth:`_cu_stretches`), else a ``np.bincount`` of the rows' keys."""
        shape = (self.n_cells_all, self.n_strata)
        mask = np.asarray(mask, dtype=bool)
        if self.clustered or self.n_cells_all * self.n_units > FEW_CELLS:
            return np.bincount(self.key_cs[mask], minlength=self.size_cs).reshape(shape).astype(float)
        order, bounds = self._cu_stretches()
        ms = mask if order is None else mask[order]
        out = np.zeros(len(bounds) - 1)
        for u in np.flatnonzero(bounds[1:] > bounds[:-1]):
            out[u] = np.count_nonzero(ms[bounds[u]:bounds[u + 1]])
        return out.reshape(shape)

    def count_by(self, mask: np.ndarray) -> np.ndarray:
        """Rows where ``mask`` per group × stratum (R's ``nrow`` of each group's subset, by stratum)."""
        return self.G @ self._count_cs(mask)

    def _positive(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` (bool per row) and a positive weight."""
        rows = np.asarray(rows, dtype=bool)
        return rows if self.all_positive else rows & (self.w > 0)

    def n_rows(self, counts: np.ndarray) -> np.ndarray:
        """Per group, R's ``nrow`` of the group's design for Korn–Graubard (see :meth:`Design.count_rows`):
        every row of a calibrated/PPS design, else the group's valid rows including zero weights
        (``counts``: groups × units row counts of R's rows)."""
        if self.design.keeps_all_rows:
            return np.full(self.n_groups, float(self.design.count_rows()))
        return counts.sum(1)

    def estimate(self, tab: "CodedTable", d: np.ndarray, y: np.ndarray, x: Optional[np.ndarray] = None, *,
                 confidence: float = 0.95, df: Optional[float] = None, proportion: bool = False,
                 ci_method: str = "wald") -> tuple[Estimate, np.ndarray, np.ndarray]:
        """Domain mean (``x`` None) or ratio Σwdy/Σwdx for every group from a :class:`CodedTable`.

        ``d``, ``y``, ``x``: per-code validity, value and denominator (length k).  Identical to
        :meth:`means` / :meth:`ratio` on the rows.  Also returns the cell × unit totals of w·d·y
        and w·d·x (for influence functions of aggregates).
        """
        d = np.asarray(d, dtype=float)
        y = np.where(d > 0, np.asarray(y, dtype=float), 0.0)
        xx = np.ones_like(d) if x is None else np.where(d > 0, np.asarray(x, dtype=float), 0.0)
        A = tab.Sw @ (d * y)  # cells × units
        B = tab.Sw @ (d * xx)
        C = tab.Cn @ d
        Ag, Bg, Cg = self.G @ A, self.G @ B, self.G @ C  # groups × units
        W = Bg.sum(1)
        with np.errstate(invalid="ignore", divide="ignore"):
            est = Ag.sum(1) / W
        n = Cg.sum(1)
        m = est[:, None]
        reps = None
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.replicate:
                Ar = self.G @ np.einsum("ckr,k->cr", tab.Swr, d * y)
                Br = self.G @ np.einsum("ckr,k->cr", tab.Swr, d * xx)
                reps = Ar / Br                                    # groups × replicates
                var = self.design.replicate_variances(reps, est)
                dfv = self._rank_df(self.G @ np.einsum("ckp,k->cp", tab.Cp, (d > 0).astype(float)))
            elif self.rowwise:
                code = tab.key % tab.k
                dy, dx = (d * y)[code], (d * xx)[code]
                inv = np.where(W > 0, 1.0 / np.where(W > 0, W, 1.0), 0.0)
                zs = []
                for rg in self._row_groups():
                    gi = np.maximum(rg, 0)
                    zs.append(np.where(rg >= 0, self.w * (dy - np.nan_to_num(est)[gi] * dx) * inv[gi], 0.0))
                var = self._variance_rows(zs, (d[code] > 0) & (self.w > 0))
                dfv = (Cg > 0).sum(1) - ((Cg @ self.P) > 0).sum(1) if self.clustered else n - (Cg > 0).sum(1)
            elif self.clustered:
                T = np.nan_to_num((Ag - m * Bg) / W[:, None])
                sT, sT2 = T @ self.P, (T * T) @ self.P
                inner = sT2 - np.where(self.n_h > 0, sT * sT / np.maximum(self.n_h, 1), 0.0)
                dfv = (Cg > 0).sum(1) - ((Cg @ self.P) > 0).sum(1)
            else:
                Q_xx = self.G @ (tab.Sw2 @ (d * xx * xx))
                Q_xy = self.G @ (tab.Sw2 @ (d * xx * y))
                Q_yy = self.G @ (tab.Sw2 @ (d * y * y))
                sz = (Ag - m * Bg) / W[:, None]
                sz2 = (Q_yy - 2 * m * Q_xy + m * m * Q_xx) / (W[:, None] ** 2)
                inner = sz2 - np.where(self.n_h > 0, sz * sz / np.maximum(self.n_h, 1), 0.0)
                sT2 = sz2
                dfv = n - (Cg > 0).sum(1)
            if not self.rowwise and not self.replicate:
                var = self._combine(inner, sT2, (Cg @ self.P) > 0)
        ddf = dfv.astype(float)
        if df is not None:
            dfv = np.full(self.n_groups, float(df))
        dfv = dfv.astype(float)
        n_rows = self.n_rows(self.G @ (tab.Cr @ d)) if (proportion and tab.Cr is not None) else n
        if proportion and self.design.keeps_all_rows:
            n_rows = self.n_rows(None)
        # deff as in _ratio (R deff=TRUE; with-replacement when weights do not exceed n)
        flat = tab.Sw.sum(1)  # cells × k
        gk = self.G @ flat  # groups × k
        with np.errstate(invalid="ignore", divide="ignore"):
            if x is None:
                N = W
                ss = gk @ (d * y * y) - 2 * est * Ag.sum(1) + est**2 * W
                s2 = ss / N * n / (n - 1)
                scale = 1.0
            else:
                N = gk @ d
                ss = (gk @ (d * y * y) - 2 * est * (gk @ (d * xx * y)) + est**2 * (gk @ (d * xx * xx))) / W**2
                s2 = ss / N * n / (n - 1)
                scale = N**2
            vsrs = s2 / n * srs_fpc_factor(N, n) * scale
            deff = var / vsrs
        out = _group_estimates(est, var, n, dfv, deff, W, confidence, proportion, ci_method, n_rows, ddf,
                               None if reps is None or not proportion else self.design.logit_se(reps, est))
        if reps is not None:
            out = replace(out, replicates=reps.T)
        return out, A, B

    def cell_influence(self, k: int, A: np.ndarray, B: np.ndarray, est: np.ndarray, W: np.ndarray) -> np.ndarray:
        """Cell × unit totals of the influence values z = w d (y − ŷ_g)/W_g for grouping ``k``
        (each cell uses the estimate of the group it belongs to; clustered designs only)."""
        e, inv = self.cell_coefficients(k, est, W)
        return (A - e[:, None] * B) * inv[:, None]

    def cell_coefficients(self, k: int, est: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per cell of grouping ``k``: its group's estimate ŷ_g and 1/W_g (both 0 where the cell has no group
        or the group no weight), the coefficients of :meth:`cell_influence`."""
        g = self.cell_group[k]
        ok = g >= 0
        gi = np.where(ok, g, 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            e = np.where(ok & (W[gi] > 0), est[gi], 0.0)
            inv = np.where(ok & (W[gi] > 0), 1.0 / W[gi], 0.0)
        return e, inv

    def variance_of_cells(self, Z_by_grouping: Sequence[np.ndarray], present: Optional[np.ndarray] = None) -> np.ndarray:
        """Per group, the variance of a total whose cell × PSU influence totals are ``Z_by_grouping[k]``.

        ``present`` (rows) marks the estimate's domain for the lonely-PSU rules (default: every
        row of the group with positive weight), as ``present`` in :meth:`Design.variance`."""
        if self.rowwise:
            raise DesignError("cell totals cannot carry calibration residuals, later stages or PPS; use "
                              "variance_of_influence with per-row influence values on this design",
                              kind="engine-rowwise")
        inner = np.zeros((self.n_groups, self.n_strata))
        sq = np.zeros((self.n_groups, self.n_strata))
        for k, Z in enumerate(Z_by_grouping):
            sl = self.slices[k]
            T = self.G[sl] @ Z
            sT, sT2 = T @ self.P, (T * T) @ self.P
            inner[sl] = sT2 - np.where(self.n_h > 0, sT * sT / np.maximum(self.n_h, 1), 0.0)
            sq[sl] = sT2
        return self._combine(inner, sq, self._present(present))

    # ------------------------------------------------------------------ variance from stratum sums
    def _combine(self, inner: np.ndarray, sq: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Per group, the variance from stratum sums, with R's lonely-PSU rules.

        ``inner`` (groups × strata): Σ_j (Z_gj − Z̄_gh)² over the PSUs of each stratum; ``sq``:
        Σ_j Z_gj² (for ``adjust``); ``present``: does group g's domain hold a row of stratum h.
        Same rules as :meth:`Design.variance_of_psu_totals` (R ``survey:::onestrat``): certainty
        strata contribute 0; a lonely stratum present in the domain fails (``fail``, naming it),
        contributes 0 (``certainty``/``remove``), ``(1 − f_h) Z_h²`` (``adjust``), or is dropped
        and the sum scaled by (strata present)/(strata present and not lonely) (``average``).
        """
        var = (inner * self.c_h).sum(1)
        if not self.lonely_h.any():
            return var
        lp = present & self.lonely_h  # groups × strata
        if not lp.any():
            return var
        mode = self.design.lonely_psu
        if mode == "fail":
            raise self.design.lonely_error(np.flatnonzero(lp.any(0)))
        if mode == "adjust":
            var = var + (sq * self.adj_h).sum(1)
        elif mode == "average":
            n_all = (present & (self.n_h > 0)).sum(1)
            n_ok = n_all - lp.sum(1)
            with np.errstate(invalid="ignore", divide="ignore"):
                var = np.where(n_ok > 0, var * n_all / np.where(n_ok > 0, n_ok, 1), np.nan)
        return var

    def _row_groups(self) -> list:
        """Per grouping, the engine group index of every row (−1: the row is in no group)."""
        return [cg[self.cell] for cg in self.cell_group]

    def _variance_rows(self, z_by_grouping: Sequence[np.ndarray], rows: np.ndarray) -> np.ndarray:
        """Per group, the variance of the total of per-row influence values, through the design.

        ``z_by_grouping[k]``: each row's influence value for its group in grouping k.  The values
        are spread into one column per group and passed to :meth:`Design.variances` with each
        group's domain (``rows`` of the estimate that lie in the group) — calibration residuals
        (R ``svyrecvar`` with ``postStrata``), later sampling stages and PPS included: the
        estimators' own variance, group by group (a loop over groups, not rows).
        """
        des = self.design
        rows = np.asarray(rows, dtype=bool) & (self.w > 0)
        out = np.zeros(self.n_groups)
        for k, (z, rg) in enumerate(zip(z_by_grouping, self._row_groups())):
            sl = self.slices[k]
            ok = rg >= 0
            idx = np.flatnonzero(ok)
            Z = np.zeros((des.n, sl.stop - sl.start))
            Z[idx, rg[ok] - sl.start] = np.asarray(z, dtype=float)[ok]
            P = np.zeros((des.n, sl.stop - sl.start), dtype=bool)
            P[idx, rg[ok] - sl.start] = rows[ok]
            out[sl] = des.variances(Z, P)
        return out

    def _present(self, rows: Optional[np.ndarray]) -> np.ndarray:
        """groups × strata: does the group hold a row of ``rows`` (default: any row) with positive weight."""
        if rows is None:
            if self._present_rows is None:
                self._present_rows = self._by_cs(self.wpos) > 0
            return self._present_rows
        return self.count_by(self._positive(rows)) > 0

    # ------------------------------------------------------------------ helpers
    def _by_cs(self, values: np.ndarray) -> np.ndarray:
        """Σ values per (cell, stratum) → array (n_groups, n_strata) after mapping cells to groups."""
        return self.G @ self._sums_cs(np.asarray(values, dtype=float), squares=False)

    def means(self, y: np.ndarray, valid: np.ndarray, *, confidence: float = 0.95, df: Optional[float] = None,
              proportion: bool = False, ci_method: str = "wald") -> Estimate:
        """Domain means of ``y`` (rows where ``valid``) for every group; see module docstring."""
        return self._ratio(y, None, valid, confidence=confidence, df=df, proportion=proportion, ci_method=ci_method)

    def ratio(self, y: np.ndarray, x: np.ndarray, valid: np.ndarray, *, confidence: float = 0.95,
              df: Optional[float] = None) -> Estimate:
        """Domain ratios ``R̂_g = Σ w d y / Σ w d x`` for every group (R ``svyby(~y, ~g, design, svyratio,
        denominator=~x)``), influence ``z = w d (y − R̂_g x)/Σ w d x``; a mean is the ratio with x = 1.

        ``deff`` as :func:`analysis.estimators.svyratio` (R ``svyratio(..., deff=TRUE)``).
        """
        return self._ratio(y, np.asarray(x, dtype=float), valid, confidence=confidence, df=df)

    def _ratio(self, y, x, valid, *, confidence, df, proportion=False, ci_method="wald") -> Estimate:
        d = np.asarray(valid, dtype=bool) & (self.w > 0)
        if x is not None:
            d &= np.isfinite(x)
        d &= np.isfinite(y)
        wd = np.where(d, self.w, 0.0)
        yv = np.where(d, y, 0.0)
        wy = wd * yv
        if x is None:
            xv, wx = None, wd
        else:
            xv = np.where(d, x, 0.0)
            wx = wd * xv
        S_wy = self._by_cs(wy)
        S_wx = self._by_cs(wx)
        cnt = self.count_by(d)
        W = S_wx.sum(1)  # denominator total (Σ w d for a mean)
        with np.errstate(invalid="ignore", divide="ignore"):
            est = S_wy.sum(1) / W
        n = cnt.sum(1)
        reps = None
        if self.replicate:
            from scipy import sparse

            M = sparse.csr_matrix((np.ones(self.design.n), (np.arange(self.design.n), self.cell)),
                                  shape=(self.design.n, self.n_cells_all))
            Ar = self.G @ np.asarray(M.T @ (self.Wr * (d * yv)[:, None]))
            Br = self.G @ np.asarray(M.T @ (self.Wr * (d * (1.0 if x is None else xv))[:, None]))
            with np.errstate(invalid="ignore", divide="ignore"):
                reps = Ar / Br
            var = self.design.replicate_variances(reps, est)
        elif self.rowwise:
            inv = np.where(W > 0, 1.0 / np.where(W > 0, W, 1.0), 0.0)
            zs = []
            for rg in self._row_groups():
                gi = np.maximum(rg, 0)
                zs.append(np.where(rg >= 0, (wy - np.nan_to_num(est)[gi] * wx) * inv[gi], 0.0))
            var = self._variance_rows(zs, d)
        elif self.clustered:
            var = self._var_clustered(wx, wy, est, W, cnt > 0)
        else:
            w2d = self.w2 * d
            m = est[:, None]
            if x is None:
                Q_xx = self._by_cs(w2d)
                Q_xy = self._by_cs(w2d * yv)
                Q_yy = Q_xy if proportion else self._by_cs(w2d * yv * yv)
            else:
                Q_xx = self._by_cs(w2d * xv * xv)
                Q_xy = self._by_cs(w2d * xv * yv)
                Q_yy = self._by_cs(w2d * yv * yv)
            with np.errstate(invalid="ignore", divide="ignore"):
                sz = (S_wy - m * S_wx) / W[:, None]
                sz2 = (Q_yy - 2 * m * Q_xy + m * m * Q_xx) / (W[:, None] ** 2)
                inner = sz2 - np.where(self.n_h > 0, sz * sz / np.maximum(self.n_h, 1), 0.0)
            var = self._combine(inner, sz2, cnt > 0)
        dfv = self._df(d, cnt)
        if self.replicate:
            dfv = self.degf(d)
        ddf = dfv.astype(float)
        if df is not None:
            dfv = np.full(self.n_groups, float(df))
        n_rows = n
        if proportion:
            if self.design.keeps_all_rows:
                n_rows = self.n_rows(None)
            elif self.rows_differ:
                r = np.asarray(valid, dtype=bool) & np.isfinite(y) & (self.r_rows > 0)
                n_rows = self.count_by(r).sum(1)
        # deff (R deff=TRUE; with-replacement when weights do not exceed n):
        # V_srs = s²_w(u) (N̂ − n)/(N̂ n) × scale, u = y − R̂x (mean: scale 1; ratio: u/Σwx, scale N̂²)
        N = S_wx.sum(1) if x is None else self._by_cs(wd).sum(1)
        if x is None:
            S_wyy = self._by_cs(wd * yv * yv).sum(1) if not proportion else S_wy.sum(1)
            with np.errstate(invalid="ignore", divide="ignore"):
                ss = S_wyy - 2 * est * S_wy.sum(1) + est**2 * W  # Σ w d (y − ȳ)²
                s2 = ss / N * n / (n - 1)
            scale = 1.0
        else:
            S_wyy = self._by_cs(wd * yv * yv).sum(1)
            S_wxy = self._by_cs(wx * yv).sum(1)
            S_wxx = self._by_cs(wx * xv).sum(1)
            with np.errstate(invalid="ignore", divide="ignore"):
                ss = (S_wyy - 2 * est * S_wxy + est**2 * S_wxx) / W**2  # Σ w d u², Σ w d u = 0
                s2 = ss / N * n / (n - 1)
            scale = N**2
        with np.errstate(invalid="ignore", divide="ignore"):
            vsrs = s2 / n * srs_fpc_factor(N, n) * scale
            deff = var / vsrs
        out = _group_estimates(est, var, n, dfv.astype(float), deff, W, confidence, proportion, ci_method, n_rows,
                               ddf, None if reps is None or not proportion else self.design.logit_se(reps, est))
        return out if reps is None else replace(out, replicates=reps.T)

    def degf(self, valid: np.ndarray) -> np.ndarray:
        """Per group: PSUs minus strata among the group's rows where ``valid`` (R ``degf(subset(...))``);
        for a replicate-weight design the rank of the replicate weights over those rows minus 1."""
        d = self._positive(valid)
        if self.replicate:
            ok = d & (self.pattern >= 0)
            cp = np.bincount(self.cell[ok] * self.n_patterns + self.pattern[ok],
                             minlength=self.n_cells_all * self.n_patterns).reshape(self.n_cells_all, self.n_patterns)
            return self._rank_df(self.G @ cp)
        return self._df(d, self.count_by(d)).astype(float)

    def _rank_df(self, presence: np.ndarray) -> np.ndarray:
        """Per group (rows of ``presence``: counts per replicate-weight pattern), the rank of the patterns
        present minus 1 (R ``degf`` of a replicate design's subset); cached by pattern set."""
        out = np.zeros(presence.shape[0])
        for g, row in enumerate(presence > 0):
            key = row.tobytes()
            r = self._rank_cache.get(key)
            if r is None:
                D = self.pattern_dirs[row]
                if D.shape[0] == 0:
                    r = 0
                else:
                    sv = np.linalg.svd(D, compute_uv=False)
                    r = int(np.sum(sv > 1e-5 * sv.max())) - 1
                self._rank_cache[key] = r
            out[g] = r
        return out

    def _df(self, d: np.ndarray, cnt: np.ndarray) -> np.ndarray:
        strata_present = (cnt > 0).sum(1)
        if self.clustered:
            return self._psu_present(d) - strata_present
        return cnt.sum(1) - strata_present

    def _psu_present(self, d: np.ndarray) -> np.ndarray:
        b = np.bincount(self.key_cp, weights=d.astype(float), minlength=self.size_cp).reshape(self.n_cells_all, self.n_psu)
        return ((self.G @ b) > 0).sum(1)

    def _var_clustered(self, wd, wy, est, W, present) -> np.ndarray:
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
        return self._combine(inner, sumT2, present)

    def variance_of_influence(self, z_by_grouping: Sequence[np.ndarray], present: Optional[np.ndarray] = None) -> np.ndarray:
        """Variance, per group, of the total of per-row influence values.

        ``z_by_grouping[k]`` (k = 0 overall, then one per grouping) holds for each row the
        influence value for the group the row belongs to in that grouping.  Used for
        composite indexes, whose influence is a weighted sum of item influences.  ``present``
        (rows) marks the estimate's domain for the lonely-PSU rules (see :meth:`variance_of_cells`).
        """
        if self.rowwise:
            rows = self.w > 0 if present is None else np.asarray(present, dtype=bool)
            return self._variance_rows(z_by_grouping, rows)
        inner = np.zeros((self.n_groups, self.n_strata))
        sq = np.zeros((self.n_groups, self.n_strata))
        for k, z in enumerate(z_by_grouping):
            sl = self.slices[k]
            if self.clustered:
                b = np.bincount(self.key_cp, weights=z, minlength=self.size_cp).reshape(self.n_cells_all, self.n_psu)
                T = self.G[sl] @ b
                sT, sT2 = T @ self.P, (T * T) @ self.P
            else:
                s1, s2 = self._sums_cs(np.asarray(z, dtype=float))
                sT, sT2 = (self.G @ s1)[sl], (self.G @ s2)[sl]
            inner[sl] = sT2 - np.where(self.n_h > 0, sT**2 / np.maximum(self.n_h, 1), 0)
            sq[sl] = sT2
        return self._combine(inner, sq, self._present(present))

    def group_of_row(self, k: int, codes: np.ndarray) -> np.ndarray:
        """Group index (into the engine's groups) of each row for grouping k (−1 when missing)."""
        sl = self.slices[k]
        return np.where(codes >= 0, sl.start + codes, -1)


def _group_estimates(est, var, n, df, deff, W, confidence, proportion, ci_method, n_rows=None,
                     design_df=None, logit_se=None) -> Estimate:
    """One :class:`Estimate` vector over the engine's groups (proportions get the ``ci_method`` rule;
    ``n_rows``/``design_df`` for Korn–Graubard, see :class:`~analysis.result.ProportionInterval`)."""
    n = np.asarray(n, dtype=float)
    rule = WALD
    if proportion:
        rule = ProportionInterval(ci_method, n, n_rows=n if n_rows is None else np.asarray(n_rows, dtype=float),
                                  design_df=None if design_df is None else np.asarray(design_df, dtype=float),
                                  logit_se=logit_se)
    return Estimate.of(est, var, n=n, df=df, deff=deff, weight=W, confidence=confidence, interval=rule)


def make_engine(design: Design, groupings: Sequence[tuple[np.ndarray, int]] = ()) -> DomainEngine:
    """A :class:`DomainEngine` for ``groupings`` (list of (codes, number of groups))."""
    return DomainEngine(design, groupings)

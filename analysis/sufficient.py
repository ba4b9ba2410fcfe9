"""Indicators finished from sufficient statistics (the small tables a SQL engine computes where the data live).

A one-stage design's domain means and ratios need, per item, only the sums per (cell, unit, answer
code) — Σw, Σw² (unclustered designs) and the count of rows with positive weight — where a *cell*
is one combination of the grouping codes and a *unit* is a PSU (clustered designs) or a stratum
(unclustered).  These are exactly :class:`analysis.domains.CodedTable`, so the estimates, SEs,
CIs, deff and df come from :meth:`DomainEngine.estimate` unchanged; the engine is built here from
the design's unit table (stratum of each unit, fpc, units per stratum) instead of rows
(:func:`engine_from_units`).  The tables may be :class:`SparseCube` (only the (cell, unit, code)
combinations present: a clustered design with many PSUs, each in few cells); the per-item cell × PSU
totals and the aggregates' influence totals are then kept as sparse matrices too, and only the
groups × PSUs totals of one item or aggregate at a time are dense.

Aggregates (multi-item indicators, areas, the composite index; :mod:`analysis.indicators`) add the
items' influence functions:

* clustered designs: the cell × PSU totals of the influence follow from the item tables
  (:meth:`DomainEngine.cell_influence`), variance :meth:`DomainEngine.variance_of_cells`;
* unclustered designs (each row its own PSU): the variance needs Σz and Σz² per (cell, stratum) of
  the per-row aggregate influence z_i = w_i Σ_a (α_a[cell_i] u_a[code_ai] + β_a[cell_i] v_a[code_ai]),
  which mixes the items of a row; :func:`indicators_from_totals` hands the coefficients (α, β per
  cell; u, v per answer value) to a ``moments`` callback that computes those sums where the data
  live (a second pass), then finishes them with :meth:`DomainEngine._combine` as
  :meth:`DomainEngine.variance_of_influence` does;
* bases and df of aggregates (respondents valid for at least one item) come from per (cell, unit)
  counts of such rows, also computed where the data live (``union_counts``).

Same formulas and the same code as :func:`analysis.indicators.compute_indicators` (R ``svyby``/
``svycontrast``), so results equal the in-memory engine up to floating-point summation order
(tested to 1e-10 relative, tests/test_engines.py).  Calibrated (raked/post-stratified) designs need
row-level residuals and are not supported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np
import pandas as pd

from .design import Design, DesignError
from .domains import CodedTable, DomainEngine
from .indicators import AreaSpec, IndicatorResults, ItemSpec, _agg_stats, _stats, normalize_na_policy


@dataclass
class ItemTable:
    """Sufficient statistics of one item: values (index 0 = missing, NaN) and per (cell, unit, code)
    Σw, count of rows with w > 0, Σw² (arrays n_cells_all × n_units × K, or :class:`SparseCube`)."""

    values: np.ndarray
    Sw: np.ndarray
    Cn: np.ndarray
    Sw2: np.ndarray


class SparseCube:
    """A cells × units × codes table of sums stored sparse: only the (cell, unit, code) combinations
    that occur in the data (a clustered design has many PSUs, and each PSU lies in few cells).

    Supports what :meth:`DomainEngine.estimate` does with a dense table: ``cube @ v`` (the
    cells × units totals of a per-code value, dense) and ``cube.sum(1)`` (cells × codes),
    ``cube.sum(axis=(0, 1))`` (per code).
    """

    def __init__(self, values: np.ndarray, cell: np.ndarray, unit: np.ndarray, code: np.ndarray, shape: tuple):
        from scipy import sparse

        n_cells, n_units, k = shape
        self.shape = shape
        self.M = sparse.csr_array((np.asarray(values, dtype=float), (np.asarray(cell, dtype=np.int64) * n_units + unit,
                                                                     code)), shape=(n_cells * n_units, k))

    def __matmul__(self, v) -> np.ndarray:
        return (self.M @ np.asarray(v, dtype=float)).reshape(self.shape[0], self.shape[1])

    def sum(self, axis) -> np.ndarray:
        n_cells, n_units, k = self.shape
        if axis == 1:
            coo = self.M.tocoo()
            out = np.zeros((n_cells, k))
            np.add.at(out, (coo.row // n_units, coo.col), coo.data)
            return out
        if tuple(axis) == (0, 1):
            return np.asarray(self.M.sum(axis=0)).ravel()
        raise ValueError(f"SparseCube.sum: axis {axis}")


def _rows_scaled(z, factor: np.ndarray):
    """``z * factor[:, None]`` for a dense or sparse cells × units array (sparse stays sparse)."""
    from scipy import sparse

    if sparse.issparse(z):
        return sparse.csr_array(sparse.diags_array(factor) @ z)
    return z * factor[:, None]


def _left(G: np.ndarray, z) -> np.ndarray:
    """``G @ z`` (dense) for a dense or sparse ``z``."""
    from scipy import sparse

    return np.asarray((z.T @ G.T).T) if sparse.issparse(z) else G @ z


def _sparse(x):
    """A dense cells × units array as a sparse one (kept per item until the aggregates; PSUs lie in few cells)."""
    from scipy import sparse

    return sparse.csr_array(x)


class TotalsEngine(DomainEngine):
    """A :class:`DomainEngine` without rows: groupings by their sizes, units by their strata.

    ``present`` arguments are groups × strata boolean matrices (computed from counts) instead of row masks.
    """

    def _present(self, rows):  # noqa: D401 - see class docstring
        if rows is None:
            raise DesignError("a totals engine needs the domain's presence per stratum", kind="engine-presence")
        return np.asarray(rows, dtype=bool)

    def cell_influence(self, k, A, B, est, W):
        """:meth:`DomainEngine.cell_influence`, also for sparse ``A``, ``B`` (the result is then sparse)."""
        from scipy import sparse

        if not sparse.issparse(A):
            return super().cell_influence(k, A, B, est, W)
        e, inv = self.cell_coefficients(k, est, W)
        return _rows_scaled(A - _rows_scaled(B, e), inv)

    def variance_of_cells(self, Z_by_grouping, present=None):
        """:meth:`DomainEngine.variance_of_cells`, also for sparse cells × units totals: the groups × units
        totals ``G Z`` are formed one grouping at a time (dense, small)."""
        from scipy import sparse

        if not any(sparse.issparse(Z) for Z in Z_by_grouping):
            return super().variance_of_cells(Z_by_grouping, present)
        Zs = [_left(self.G, Z) for Z in Z_by_grouping]
        inner = np.zeros((self.n_groups, self.n_strata))
        sq = np.zeros((self.n_groups, self.n_strata))
        for k, GZ in enumerate(Zs):
            sl = self.slices[k]
            T = GZ[sl]
            sT, sT2 = T @ self.P, (T * T) @ self.P
            inner[sl] = sT2 - np.where(self.n_h > 0, sT * sT / np.maximum(self.n_h, 1), 0.0)
            sq[sl] = sT2
        return self._combine(inner, sq, self._present(present))

    def variance_of_moments(self, moments: Sequence[tuple[np.ndarray, np.ndarray]], present: np.ndarray) -> np.ndarray:
        """Unclustered designs: per group, the variance of a total from Σz and Σz² per (cell, stratum)
        of its per-row influence values (``moments[k]`` for grouping k) — the sums
        :meth:`DomainEngine.variance_of_influence` forms from rows, then the same :meth:`_combine`."""
        inner = np.zeros((self.n_groups, self.n_strata))
        sq = np.zeros((self.n_groups, self.n_strata))
        for k, (s1, s2) in enumerate(moments):
            sl = self.slices[k]
            sT, sT2 = (self.G @ s1)[sl], (self.G @ s2)[sl]
            inner[sl] = sT2 - np.where(self.n_h > 0, sT**2 / np.maximum(self.n_h, 1), 0)
            sq[sl] = sT2
        return self._combine(inner, sq, present)


def engine_from_units(group_sizes: Sequence[int], unit_stratum: np.ndarray, n_h: np.ndarray, f_h: np.ndarray, *,
                      clustered: bool, lonely_psu: str = "certainty", strata_labels: Sequence = ()) -> TotalsEngine:
    """A :class:`TotalsEngine` for groupings of ``group_sizes`` groups; ``unit_stratum``: the stratum code
    of each unit (PSU, or stratum when unclustered); ``n_h``: PSUs per stratum (rows when unclustered);
    ``f_h``: sampling fraction per stratum.  The group/cell maps are built by
    :class:`DomainEngine` itself (on one zero-weight row per cell); the per-stratum factors are
    those of its constructor (R ``survey:::onestrat``)."""
    sizes = [int(k) for k in group_sizes]
    n_cells = int(np.prod(sizes)) if sizes else 1
    cells = np.arange(n_cells)
    codes, m = [], 1
    for k in sizes:
        codes.append((cells // m) % k)
        m *= k
    n_strata = int(len(n_h))
    labels = tuple(strata_labels) if len(strata_labels) else tuple(range(n_strata))
    skel = Design(data=pd.DataFrame(index=pd.RangeIndex(n_cells)), weights=np.ones(n_cells),
                  strata=np.zeros(n_cells, dtype=np.int64), psu=np.arange(n_cells, dtype=np.int64),
                  fpc_fraction=np.zeros(n_cells), lonely_psu=lonely_psu, has_strata=n_strata > 1, strata_labels=labels)
    eng = TotalsEngine(skel, list(zip(codes, sizes)))
    n_h = np.asarray(n_h, dtype=float)
    f_h = np.asarray(f_h, dtype=float)
    unit_stratum = np.asarray(unit_stratum, dtype=np.int64)
    certain_h = (1.0 - f_h) < 1e-7
    eng.clustered = bool(clustered)
    eng.n_strata = n_strata
    eng.n_h = n_h
    eng.lonely_h = (n_h == 1) & ~certain_h
    eng.c_h = np.where((n_h > 1) & ~certain_h, (1 - f_h) * n_h / np.maximum(n_h - 1, 1), 0.0)
    eng.adj_h = np.where(eng.lonely_h, 1 - f_h, 0.0) if lonely_psu == "adjust" else None
    eng.n_units = int(unit_stratum.size)
    eng.P = np.zeros((eng.n_units, n_strata))
    eng.P[np.arange(eng.n_units), unit_stratum] = 1.0
    eng.psu_stratum = unit_stratum if clustered else None
    eng.n_psu = eng.n_units if clustered else None
    eng.w = eng.w2 = eng.wpos = None  # no rows
    return eng


@dataclass
class Bucket:
    """An aggregate: its items and how the cells' influence is scaled (for the moments callback)."""

    name: tuple  # ("ind", id) | ("area", id) | ("composite",)
    measure: str  # rate | index
    keys: tuple


def indicators_from_totals(eng: TotalsEngine, tables: dict, items: Sequence[ItemSpec], areas: Sequence[AreaSpec] = (),
                           groups: Sequence = (), *, union_counts: Callable[[list], dict],
                           moments: Optional[Callable[[list], list]] = None, na_policy: str = "exclude",
                           ci_method: str = "logit", confidence: float = 0.95, df: Optional[float] = None,
                           composite_target: Optional[float] = None) -> IndicatorResults:
    """:func:`analysis.indicators.compute_indicators` from item tables (see module docstring).

    ``tables``: item key → :class:`ItemTable`.  ``groups``: [(grouping name, label)] after "overall".
    ``union_counts(specs)``: for each spec (name, {item key: valid values}) the counts per
    (cell, unit) of rows with positive weight valid for at least one of the items → {name: array
    cells_all × units}.  ``moments(specs)`` (unclustered designs): for each spec (name, grouping k,
    [(item key, α per cell, β per cell, {value: (u, v)})]) Σz and Σz² per (cell, stratum) of
    z_i = w_i Σ_a (α_a[cell_i] u_a(value) + β_a[cell_i] v_a(value)) → {name: (S1, S2)}.
    """
    na_policy = normalize_na_policy(na_policy)
    res = IndicatorResults(groups=[(None, None)] + list(groups))
    n_groupings = len(eng.slices)
    clustered = eng.clustered
    members: dict = {}
    for it in items:
        members.setdefault(("ind", it.indicator), []).append(it.key)
        if it.area:
            members.setdefault(("area", it.area), []).append(it.key)
    per_item: dict = {}  # key -> measure -> (GroupStats, A, B, d per code, y per code)
    answers: dict = {}
    by_key = {it.key: it for it in items}
    for it in items:
        t = tables.get(it.key)
        if t is None:
            raise DesignError(f"no data column '{it.key}' for indicator {it.indicator}", kind="indicator-column",
                              column=it.key, indicator=it.indicator)
        vals = t.values
        tab = CodedTable(t.Sw, t.Cn, None if clustered else t.Sw2, len(vals))
        answered, is_na = it.answer_flags(vals)
        valid, hit = it.code_tables(vals, "rate", na_policy)
        rate_valid = valid.astype(float)
        na_counts = (eng.G @ (tab.Cn @ is_na.astype(float))).sum(1)
        ans_counts = (eng.G @ (tab.Cn @ answered.astype(float))).sum(1)
        answers[it.key] = (na_counts, ans_counts)
        rate, A, B = eng.estimate(tab, rate_valid, hit, proportion=True, ci_method=ci_method, confidence=confidence, df=df)
        entry = {"rate": _stats(rate, it.target, na_counts, ans_counts)}
        keep = _sparse if (clustered and isinstance(t.Sw, SparseCube)) else (lambda x: x)
        per_item[it.key] = {"rate": (rate, keep(A), keep(B), rate_valid, hit)}
        if it.scores:
            valid, y = it.code_tables(vals, "index", na_policy)
            score_valid = valid.astype(float)
            idx, A, B = eng.estimate(tab, score_valid, y, confidence=confidence, df=df)
            entry["index"] = _stats(idx, it.index_target, na_counts, ans_counts)
            per_item[it.key]["index"] = (idx, keep(A), keep(B), score_valid, y)
        res.items[it.key] = entry

    # the aggregates to compute, and the composite (index of the areas present in each group)
    aggs = []
    for ind_id in dict.fromkeys(it.indicator for it in items):
        keys = members[("ind", ind_id)]
        if len(keys) > 1:
            for m in ("rate", "index"):
                if m == "rate" or by_key[keys[0]].scores:
                    aggs.append((("ind", ind_id), m, tuple(keys)))
    for a in areas:
        keys = members.get(("area", a.id))
        if keys:
            for m in ("rate", "index"):
                if m == "rate" or by_key[keys[0]].scores:
                    aggs.append((("area", a.id), m, tuple(keys)))
    valid_values = {(k, m): {float(v) for v, d in zip(tables[k].values.tolist(), per_item[k][m][3]) if d > 0}
                    for k in per_item for m in per_item[k]}
    specs = [(f"{b[0]}:{b[1] if len(b) > 1 else ''}:{m}", {k: valid_values[(k, m)] for k in keys}) for b, m, keys in aggs]
    comp_areas = [a for a in areas if ("area", a.id) in members and a.weight > 0
                  and by_key[members[("area", a.id)][0]].scores]
    if comp_areas:
        specs.append(("composite", {k: valid_values[(k, "index")] for a in comp_areas for k in members[("area", a.id)]}))
    counts = union_counts(specs) if specs else {}

    def base(name):
        c = counts[name]  # cells_all × units
        cs = np.asarray(c @ eng.P)  # cells_all × strata
        g_cs = eng.G @ cs
        ns = g_cs.sum(1)
        strata_present = (g_cs > 0).sum(1)
        dfs = ((_left(eng.G, c) > 0).sum(1) if clustered else ns) - strata_present
        if df is not None:
            dfs = np.full(eng.n_groups, float(df))
        return ns, dfs.astype(float), g_cs > 0

    def influence_spec(name, keys, measure, factor):
        """Per grouping k: the cell × unit influence totals (clustered) or the moment spec (unclustered).
        ``factor[k]``: per cell multiplier of every item's influence (1/J, or composite shares / J)."""
        out = []
        for k in range(n_groupings):
            if clustered:
                Z = None
                for key in keys:
                    g, A, B, _, _ = per_item[key][measure]
                    z = _rows_scaled(eng.cell_influence(k, A, B, g.estimate, g.weight), factor[k])
                    Z = z if Z is None else Z + z
                out.append(Z)
            else:
                terms = []
                gk = eng.cell_group[k]
                ok = gk >= 0
                gi = np.where(ok, gk, 0)
                for key in keys:
                    g, _, _, d, y = per_item[key][measure]
                    Wg = g.weight[gi]
                    with np.errstate(invalid="ignore", divide="ignore"):
                        inv = np.where(ok & (Wg > 0), 1.0 / Wg, 0.0)
                        e = np.where(ok & (Wg > 0), g.estimate[gi], 0.0)
                    alpha = factor[k] * inv
                    beta = -factor[k] * e * inv
                    uv = {float(v): (float(dd * yy), float(dd)) for v, dd, yy in
                          zip(tables[key].values.tolist(), d, y) if np.isfinite(v) and dd > 0}
                    terms.append((key, alpha, beta, uv))
                out.append((f"{name}:{k}", k, terms))
        return out

    ones = np.ones(eng.n_cells_all)
    jobs = []  # (bucket, measure, keys, spec name, target, estimate per group, influence parts)
    area_est = {}
    for (b, m, keys), (name, _) in zip(aggs, specs):
        J = len(keys)
        est = np.array([[s.estimate for s in res.items[k][m]] for k in keys]).mean(axis=0)
        target = None
        if b[0] == "ind":
            target = by_key[keys[0]].target if m == "rate" else by_key[keys[0]].index_target
        else:
            area_est[(b[1], m)] = est
        jobs.append((b, m, keys, name, target, est, influence_spec(name, keys, m, [ones / J] * n_groupings)))
    present_areas = [a for a in comp_areas if (a.id, "index") in area_est]
    if present_areas:
        A_est = np.array([area_est[(a.id, "index")] for a in present_areas])  # areas × groups
        has = np.isfinite(A_est)
        wts = np.array([a.weight for a in present_areas])[:, None] * has
        tot = wts.sum(0)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(tot > 0, wts / tot, 0.0)
            est = np.where(tot > 0, np.nansum(np.where(has, A_est, 0) * share, axis=0), np.nan)
        parts = None
        for j, a in enumerate(present_areas):
            keys = members[("area", a.id)]
            factor = []
            for k in range(n_groupings):
                gk = eng.cell_group[k]
                factor.append(np.where(gk >= 0, share[j][np.where(gk >= 0, gk, 0)], 0.0) / len(keys))
            p = influence_spec("composite", keys, "index", factor)
            if parts is None:
                parts = p
            elif clustered:
                parts = [x + y for x, y in zip(parts, p)]
            else:
                parts = [(x[0], x[1], x[2] + y[2]) for x, y in zip(parts, p)]
        all_keys = tuple(dict.fromkeys(k for a in present_areas for k in members[("area", a.id)]))
        jobs.append((("composite",), "index", all_keys, "composite", composite_target, est, parts))
    # unclustered designs: every aggregate's Σz, Σz² per (cell, stratum) in one pass where the data live
    got = moments([p for job in jobs for p in job[6]]) if (jobs and not clustered) else {}
    for b, m, keys, name, target, est, parts in jobs:
        ns, dfs, present = base(name)
        if clustered:
            var = eng.variance_of_cells(parts, present)
        else:
            var = eng.variance_of_moments([got[p[0]] for p in parts], present)
        n_na = sum(answers[k][0] for k in keys)
        n_ans = sum(answers[k][1] for k in keys)
        st = _agg_stats(est, var, ns, dfs, confidence, target, m == "rate", n_na, n_ans)
        if b[0] == "ind":
            res.indicators.setdefault(b[1], {})[m] = st
        elif b[0] == "area":
            res.areas.setdefault(b[1], {})[m] = st
        else:
            res.composite = st
    for ind_id in dict.fromkeys(it.indicator for it in items):
        keys = members[("ind", ind_id)]
        if len(keys) == 1:
            res.indicators[ind_id] = {m: res.items[keys[0]][m] for m in ("rate", "index") if m in res.items[keys[0]]}
    return res

"""``group_tests`` of ``survey analyze DATA --engine duckdb|spark``: each group against the rest.

The same records as :func:`report.group_compare.group_tests` (docs/analyze-json.md ``group_tests``)
for every grouping, indicator and measure — the design-based test of the difference between a
group and all other groups together, finished on the driver by :mod:`analysis.group_tests_totals`
from the item tables the engine already computed, plus, where the data live:

* per (cell, unit) counts of rows valid for at least one of the indicator's items (the test's rows,
  n, n_rest, df) and of rows that answered one (``not_asked``): the ``union_counts`` callback of
  :func:`engines.analyze.analyze_data`;
* unclustered designs only: Σz and Σz² per stratum of each test's influence values
  (:func:`contrast_moments_sql`, one scan for all tests; Spark: groups of ``max_terms`` item terms).

Not computed here: the Rao–Scott F test of the group × answer table (``rao_scott`` is ``null``), and
``not_asked`` counts rows with a positive weight only (the in-memory engine counts every row).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Callable, Optional, Sequence

import numpy as np

from analysis.group_tests_totals import answered_somewhere, contrast_parts, group_vs_rest_from_totals, item_codings
from analysis.thresholds import ALPHA, MIN_CELL

from .sql import features, linear_sum, sums_of_z


def _cells_in(cells) -> str:
    return f"_cell IN ({', '.join(str(int(c)) for c in cells)})" if cells else "FALSE"


def contrast_moments_sql(parts) -> str:
    """Σz and Σz² per stratum of each :class:`analysis.group_tests_totals.ContrastPart`: columns
    ``s1_i``, ``s2_i`` with z_i = w_i × (the D side's coefficients in D cells, the C side's in C cells),
    from the items' feature columns (:func:`engines.sql.features`, once per row for every test)."""
    names, feats = features((col, uv) for p in parts for col, _, _, uv in p.terms_d + p.terms_c)
    return sums_of_z([f"_w * (CASE WHEN {_cells_in(p.d_cells)} THEN {linear_sum(p.terms_d, names)} "
                      f"WHEN {_cells_in(p.c_cells)} THEN {linear_sum(p.terms_c, names)} ELSE 0.0 END)"
                      for p in parts], feats, "_st")


def _chunks(parts: list, max_terms: Optional[int]) -> list:
    """Groups of at most ``max_terms`` item terms and ``max_terms // 10`` tests (columns) per query (None:
    one query); Spark compiles each query's projection into one Java method, which must stay small."""
    if not max_terms:
        return [parts]
    out, cur, n = [], [], 0
    for p in parts:
        t = len(p.terms_d) + len(p.terms_c)
        if cur and (n + t > max_terms or len(cur) >= max(1, max_terms // 10)):
            out.append(cur)
            cur, n = [], 0
        cur.append(p)
        n += t
    return out + ([cur] if cur else [])


def engine_group_tests(q, eng, tables: dict, items: Sequence, by: Sequence[str], qids: Sequence[str], *,
                       union_counts: Callable[[list], dict], query: Callable, strata_index: dict,
                       max_terms: Optional[int] = None, na_policy: str = "exclude", alpha: float = ALPHA) -> Optional[dict]:
    """``{"alpha", "method", "by": {grouping: [records]}}`` as :func:`report.group_compare.group_tests`
    (see module docstring), or None without groupings.  ``query(sql)`` runs a statement where the
    data live and returns a DataFrame; ``strata_index`` maps the raw stratum values to the engine's."""
    from report.group_compare import METHOD, _not_asked_by_design

    if not by:
        return None
    by_ind: dict = {}
    for it in items:
        by_ind.setdefault(it.indicator, []).append(it)
    jobs = []  # (grouping index, indicator, measure, items, codings)
    for gi, b in enumerate(by):
        for ind in q.indicators:
            its = by_ind.get(ind.id)
            if not its:
                continue
            for measure in ("rate", "index"):
                if measure == "index" and not its[0].scores:
                    continue
                jobs.append((gi, ind, measure, its, item_codings(its, tables, measure, na_policy)))
    # counts where the data live: rows valid for some item (per indicator × measure), rows that
    # answered some item (per indicator), rows of each grouping
    specs, seen = [], set()
    for _, ind, measure, its, cods in jobs:
        if (ind.id, measure) not in seen:
            seen.add((ind.id, measure))
            specs.append((f"valid:{ind.id}:{measure}", {c.key: {float(v) for v, d in zip(tables[c.key].values.tolist(), c.d)
                                                                if d > 0} for c in cods}))
            if measure == "rate":
                specs.append((f"answered:{ind.id}", {it.key: {float(v) for v in tables[it.key].values.tolist()
                                                               if np.isfinite(v)} for it in its}))
    for b, qid in zip(by, qids):
        specs.append((f"rows:{b}", {qid: {float(o.code) for o in q.question(qid).options}}))
    counts = union_counts(specs)
    labels = {b: [o.label for o in q.question(qid).options] for b, qid in zip(by, qids)}
    parts_of = {}
    moments: dict = {}
    if not eng.clustered:
        all_parts = []
        for gi, ind, measure, _, cods in jobs:
            ps = contrast_parts(eng, tables, cods, gi + 1, len(labels[by[gi]]), f"{by[gi]}:{ind.id}:{measure}")
            parts_of[(gi, ind.id, measure)] = ps
            all_parts += [p for p in ps if p is not None]
        for chunk in _chunks(all_parts, max_terms):
            out = query(contrast_moments_sql(chunk))
            st = out["_st"].map(strata_index).to_numpy(dtype=np.int64)
            for i, p in enumerate(chunk):
                s1 = np.zeros(eng.n_strata)
                s2 = np.zeros(eng.n_strata)
                np.add.at(s1, st, out[f"s1_{i}"].to_numpy(dtype=float))
                np.add.at(s2, st, out[f"s2_{i}"].to_numpy(dtype=float))
                moments[p.name] = (s1, s2)
    res: dict = {b: [] for b in by}
    for gi, ind, measure, its, cods in jobs:
        b = by[gi]
        k = gi + 1
        tests = group_vs_rest_from_totals(eng, tables, cods, k, labels[b], counts[f"valid:{ind.id}:{measure}"],
                                          moments, parts_of.get((gi, ind.id, measure)))
        qids_ind = list(dict.fromkeys(it.key.split("_")[0] if q.get(it.key) is None else it.key for it in its))
        grouping = SimpleNamespace(name=b, labels=labels[b])
        by_design = _not_asked_by_design(q, grouping, qids_ind)
        answered = answered_somewhere(counts[f"answered:{ind.id}"], eng, k, len(labels[b]))
        sizes = [int(counts[f"rows:{b}"][eng.cell_group[k] == eng.slices[k].start + g].sum())
                 for g in range(len(labels[b]))]
        groups = []
        for g, t in enumerate(tests):
            rec = t.to_dict(alpha)
            rec["not_asked"] = bool(t.group in by_design or (sizes[g] >= MIN_CELL and not answered[g]))
            groups.append(rec)
        res[b].append({"indicator": ind.id, "name": ind.name or ind.id, "measure": measure, "rao_scott": None,
                       "groups": groups})
    return {"alpha": alpha, "method": METHOD, "by": res}

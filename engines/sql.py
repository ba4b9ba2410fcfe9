"""The sufficient-statistics aggregation, written once in SQL (DuckDB dialect) and transpiled by
sqlglot for other engines (Spark SQL).

Every statement reads the view ``minyi_base`` (:func:`base_view`): the analysis columns of the
data plus ``_cell`` (grouping cell index), ``_st`` / ``_psu`` (stratum and PSU, raw values), ``_w``
(weight) and ``_fpc``.  The statements:

* :func:`design_sql` — rows, weight problems and fpc range per (stratum, PSU): the design's units;
* :func:`items_sql` — per item and (cell, stratum, PSU, answer value): Σw, Σw², rows with w > 0;
* :func:`union_sql` — per (cell, stratum, PSU): rows with w > 0 valid for at least one item of
  each aggregate (bases and df of indicators, areas, the composite);
* :func:`moments_sql` — unclustered designs: Σz, Σz² per (cell, stratum) of an aggregate's per-row
  influence value (a second pass with coefficients from the first; see
  :mod:`analysis.sufficient`);
* :func:`counts_sql` — weighted counts of one question's answers (sample composition).
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

DIALECT = "duckdb"  # the dialect the statements are written in


def q(name: str) -> str:
    """A quoted identifier (double quotes: DuckDB; sqlglot turns them into backticks for Spark)."""
    return '"' + str(name).replace('"', '""') + '"'


def lit(x) -> str:
    """A SQL literal: strings quoted; numbers as exact DOUBLE literals."""
    if isinstance(x, str):
        return "'" + x.replace("'", "''") + "'"
    r = repr(float(x))  # round-trips the double exactly
    return r if "e" in r else r + "e0"  # scientific notation: a DOUBLE literal (not DECIMAL) in DuckDB and Spark


def transpile(sql: str, dialect: str) -> str:
    """``sql`` (DuckDB dialect) in ``dialect`` (sqlglot)."""
    if dialect == DIALECT:
        return sql
    import sqlglot

    return ";\n".join(sqlglot.transpile(sql, read=DIALECT, write=dialect))


def cell_expr(groupings: Sequence[tuple[str, Sequence[float]]]) -> tuple[str, int]:
    """SQL for the cell index of a row (as :class:`analysis.domains.DomainEngine`: Σ_k idx_k·mult_k,
    or ``n_cells`` when any grouping is missing or not one of its options) and ``n_cells``."""
    if not groupings:
        return "0", 1
    parts, missing, mult = [], [], 1
    for col, codes in groupings:
        v = f"TRY_CAST({q(col)} AS DOUBLE)"  # codes stored as text ("3") compare as numbers; blank is missing
        idx = "CASE " + " ".join(f"WHEN {v} = {lit(c)} THEN {i}" for i, c in enumerate(codes)) + " ELSE -1 END"
        parts.append(f"({idx}) * {mult}")
        missing.append(f"({idx}) < 0")
        mult *= len(codes)
    return f"CASE WHEN {' OR '.join(missing)} THEN {mult} ELSE {' + '.join(parts)} END", mult


def base_view(source: str, columns: Sequence[str], groupings, design: dict,
              stratum_weights: Optional[dict] = None) -> str:
    """``CREATE OR REPLACE TEMP VIEW minyi_base`` over ``source`` (a table name or a parenthesised query).

    ``stratum_weights`` ({stratum value: weight}) gives the weights of a design without ``weights`` whose
    weights come from its fpc (R's svydesign: N_h/n_h, or 1/fraction), as the in-memory Design derives them."""
    cell, _ = cell_expr(groupings)
    st = q(design["strata"]) if design.get("strata") else "0"
    psu = q(design["psu"]) if design.get("psu") else "0"
    # TRY_CAST: a weight that is not a number becomes NULL, which design_sql counts as a bad weight
    w = f"TRY_CAST({q(design['weights'])} AS DOUBLE)" if design.get("weights") else "1.0"
    if stratum_weights is not None:
        w = "CASE " + " ".join(f"WHEN {st} = {lit(s)} THEN {lit(v)}" for s, v in stratum_weights.items()) + " END"
    fpc = f"TRY_CAST({q(design['fpc'])} AS DOUBLE)" if design.get("fpc") else "CAST(NULL AS DOUBLE)"
    # the answer columns as numbers (text "3" → 3, blank text → NULL: engines/parquet_input.py)
    cols = ", ".join(f"TRY_CAST({q(c)} AS DOUBLE) AS {q(c)}" for c in columns)
    return (f"CREATE OR REPLACE TEMP VIEW minyi_base AS SELECT {cell} AS _cell, {st} AS _st, {psu} AS _psu, "
            f"{w} AS _w, {fpc} AS _fpc{', ' + cols if cols else ''} FROM {source}")


def design_sql() -> str:
    return ("SELECT _st, _psu, COUNT(*) AS n, MIN(_fpc) AS fmin, MAX(_fpc) AS fmax, "
            "SUM(CASE WHEN _fpc IS NULL THEN 1 ELSE 0 END) AS fnull, "
            "SUM(CASE WHEN _w IS NULL OR _w < 0 OR isnan(_w) THEN 1 ELSE 0 END) AS badw, "
            "SUM(CASE WHEN _w <> 1 THEN 1 ELSE 0 END) AS wother "  # sample.weighted: some weight is not 1
            "FROM minyi_base GROUP BY _st, _psu")


def items_sql(items: Sequence[str]) -> str:
    """Per item and (cell, stratum, PSU, answer value): Σw, Σw², rows with w > 0 — one scan of the data,
    the item columns unpivoted (SQL-standard ``UNPIVOT``; missing answers drop out), one aggregation."""
    cols = ", ".join(f"CAST({q(c)} AS DOUBLE) AS {q(c)}" for c in items)
    names = ", ".join(q(c) for c in items)
    return (f"SELECT item, _cell, _st, _psu, v, SUM(_w) AS sw, SUM(_w * _w) AS sw2, "
            f"SUM(CASE WHEN _w > 0 THEN 1 ELSE 0 END) AS npos "
            f"FROM (SELECT _cell, _st, _psu, _w, {cols} FROM minyi_base) AS b UNPIVOT (v FOR item IN ({names})) AS u "
            f"GROUP BY item, _cell, _st, _psu, v")


def _in(col: str, values) -> str:
    vals = sorted(values)
    if not vals:
        return "FALSE"
    return f"{q(col)} IN ({', '.join(lit(v) for v in vals)})"


def union_sql(specs: Sequence[tuple[str, dict]]) -> str:
    """Per (cell, stratum, PSU) the rows with w > 0 valid for at least one item of each spec
    (name, {column: valid values}); columns ``u0, u1, …`` in spec order."""
    sums = []
    for i, (_, valid) in enumerate(specs):
        cond = " OR ".join(_in(c, v) for c, v in valid.items()) or "FALSE"
        sums.append(f"SUM(CASE WHEN _w > 0 AND ({cond}) THEN 1 ELSE 0 END) AS u{i}")
    return f"SELECT _cell, _st, _psu, {', '.join(sums)} FROM minyi_base GROUP BY _cell, _st, _psu"


def features(terms) -> tuple[dict, str]:
    """The per-row columns that influence values are made of: for each item term's (column, {value: (u,
    v)}) two columns, u(value) and v(value) (a CASE over the answer values, 0.0 elsewhere), computed once
    per row for every aggregate or test that uses them — instead of one CASE per item and aggregate
    (at 1M rows the indicators' moments 6.7 → 4.8 s, the group tests' 5.2 → 3.8 s; docs/scale-history.md).
    ``terms``: (column, uv) pairs.
    Returns ({(column, uv): (u name, v name)}, the SELECT list)."""
    names: dict = {}
    cols = []
    for col, uv in terms:
        key = feature_key(col, uv)
        if key in names:
            continue
        names[key] = (f"_f{len(names)}u", f"_f{len(names)}v")
        for j, name in enumerate(names[key]):
            pairs = [(v, p[j]) for v, p in key[1] if p[j] != 0.0]
            expr = (f"(CASE {q(col)} " + " ".join(f"WHEN {lit(v)} THEN {lit(x)}" for v, x in pairs) + " ELSE 0.0 END)"
                    if pairs else "0.0")
            cols.append(f"{expr} AS {name}")
    return names, ", ".join(cols)


def feature_key(col: str, uv: dict) -> tuple:
    """The key of an item's feature columns: its column and its {value: (u, v)} table (two aggregates
    with the same item and table share the columns)."""
    return col, tuple(sorted(uv.items()))


def linear_sum(terms, names: dict) -> str:
    """Σ over the item terms (column, a, b, uv) of a·u + b·v, from their feature columns ``names``
    (:func:`features`), each term computed as (a·u) + (b·v) and the terms added in order; a zero
    coefficient's product left out."""
    out = []
    for col, a, b, uv in terms:
        fu, fv = names[feature_key(col, uv)]
        part = [f"{lit(a)} * {fu}"] if a != 0.0 else []
        part += [f"{lit(b)} * {fv}"] if b != 0.0 else []
        if part:
            out.append("(" + " + ".join(part) + ")")
    return " + ".join(out) if out else "0.0"


def _cell_sum(terms, c: int, names: dict) -> str:
    """Σ_a (α_a[c] u_a(value) + β_a[c] v_a(value)) for the rows of cell ``c`` (:func:`linear_sum`)."""
    return linear_sum([(col, float(al[c]), float(be[c]), uv) for col, al, be, uv in terms], names)


def influence_expr(terms, n_cells_all: int, names: dict) -> str:
    """z_i / w_i = Σ_a α_a[cell] u_a(value) + β_a[cell] v_a(value) (terms: [(column, α, β, {value: (u, v)})]),
    as one CASE over the cell whose branches sum the items' feature columns (``names``, :func:`features`)
    with that cell's coefficients (a single branch when they are the same in every cell, e.g. the
    overall group)."""
    if not terms:
        return "0.0"
    same = all(np.all(al == al[0]) and np.all(be == be[0]) for _, al, be, _ in terms)
    if same:
        return _cell_sum(terms, 0, names)
    branches = []
    for c in range(n_cells_all):
        if all(al[c] == 0.0 and be[c] == 0.0 for _, al, be, _ in terms):
            continue
        branches.append(f"WHEN {c} THEN {_cell_sum(terms, c, names)}")
    return "(CASE _cell " + " ".join(branches) + " ELSE 0.0 END)" if branches else "0.0"


def sums_of_z(zs: Sequence[str], feats: str, by: str) -> str:
    """``SELECT by, s1_i, s2_i``: Σz_i and Σz_i² grouped by ``by`` (e.g. ``"_cell, _st"``), the z_i
    (expressions over ``_cell``, ``_w`` and the feature columns) computed from the rows of ``minyi_base``
    with the items' feature columns ``feats`` (:func:`features`) added once per row."""
    z = ", ".join(f"{e} AS z{i}" for i, e in enumerate(zs))
    sums = ", ".join(f"SUM(z{i}) AS s1_{i}, SUM(z{i} * z{i}) AS s2_{i}" for i in range(len(zs)))
    inner = f"SELECT _cell, _st, _w{', ' + feats if feats else ''} FROM minyi_base"
    return f"SELECT {by}, {sums} FROM (SELECT _cell, _st, {z} FROM ({inner}) AS f) AS z GROUP BY {by}"


def moments_sql(parts, n_cells_all: int) -> str:
    """Σz and Σz² per (cell, stratum) of each part (name, k, terms): columns ``s1_i``, ``s2_i`` (the
    items' feature columns first, :func:`features`)."""
    names, feats = features((col, uv) for _, _, terms in parts for col, _, _, uv in terms)
    return sums_of_z([f"_w * ({influence_expr(terms, n_cells_all, names)})" for _, _, terms in parts], feats,
                     "_cell, _st")


def counts_sql(col: str) -> str:
    return f"SELECT CAST({q(col)} AS DOUBLE) AS v, COUNT(*) AS n, SUM(_w) AS sw FROM minyi_base WHERE {q(col)} IS NOT NULL GROUP BY {q(col)}"

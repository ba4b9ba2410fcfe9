"""engines/sql.py: the moments of influence values from per-row feature columns (each item's u and v
computed once per row, every aggregate a linear combination of them), checked against numpy."""

from __future__ import annotations

import duckdb
import numpy as np

from engines import sql as S


def test_moments_from_shared_feature_columns_equal_numpy():
    rng = np.random.default_rng(3)
    n, cells = 500, 3
    a = rng.integers(1, 7, n).astype(float)  # 6 = 不了解: not valid
    b = rng.integers(1, 6, n).astype(float)
    a[::11] = np.nan  # no answer
    cell = rng.integers(0, cells, n)
    st = rng.integers(0, 2, n)
    w = rng.uniform(0.5, 2.0, n)
    uv_a = {float(v): (float(v), 1.0) for v in range(1, 6)}  # u = d·y, v = d
    uv_b = {float(v): (float(v >= 4), 1.0) for v in range(1, 6)}
    al_a, be_a = rng.normal(size=cells), rng.normal(size=cells)
    al_b, be_b = rng.normal(size=cells), np.zeros(cells)  # a zero coefficient: its product left out
    parts = [("one", 0, [("A", al_a, be_a, uv_a)]),
             ("both", 0, [("A", al_a, be_a, uv_a), ("B", al_b, be_b, uv_b)]),
             ("same", 0, [("B", np.full(cells, 0.5), np.full(cells, -0.25), uv_b)])]
    names, select = S.features((col, uv) for _, _, terms in parts for col, _, _, uv in terms)
    assert len(names) == 2 and select.count(" AS _f") == 4  # one u and one v per item, shared by the aggregates

    con = duckdb.connect()
    con.execute("CREATE TABLE minyi_base AS SELECT * FROM (SELECT unnest(?) AS _cell, unnest(?) AS _st, "
                "unnest(?) AS _w, unnest(?) AS \"A\", unnest(?) AS \"B\")",
                [cell.tolist(), st.tolist(), w.tolist(), [None if np.isnan(x) else x for x in a], b.tolist()])
    got = {(int(r[0]), int(r[1])): r[2:] for r in con.execute(S.moments_sql(parts, cells)).fetchall()}

    def lookup(x, uv, j):
        return np.array([uv.get(float(v), (0.0, 0.0))[j] if np.isfinite(v) else 0.0 for v in x])

    ua, va, ub, vb = lookup(a, uv_a, 0), lookup(a, uv_a, 1), lookup(b, uv_b, 0), lookup(b, uv_b, 1)
    zs = [w * (al_a[cell] * ua + be_a[cell] * va),
          w * (al_a[cell] * ua + be_a[cell] * va + al_b[cell] * ub + be_b[cell] * vb),
          w * (0.5 * ub - 0.25 * vb)]
    for (c, s), row in got.items():
        rows = (cell == c) & (st == s)
        for i, z in enumerate(zs):
            np.testing.assert_allclose(row[2 * i], z[rows].sum(), rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(row[2 * i + 1], (z[rows] ** 2).sum(), rtol=1e-12)
    assert len(got) == cells * 2

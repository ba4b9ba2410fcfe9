"""Each group against the rest from sufficient statistics (the SQL engines' tables).

The test of :func:`analysis.group_tests.group_vs_rest` — Δ = θ_D − θ_C, the difference between a
group's value of an indicator (the mean over its J items of the domain means ȳ_j(D)) and the value
over all other groups, with the linearised influence values

    z_i = (1/J) Σ_j [ 1_D(i) w_i v_ij (y_ij − ȳ_j(D)) / W_j(D) − 1_C(i) w_i v_ij (y_ij − ȳ_j(C)) / W_j(C) ]

— needs, like the domain estimates of :mod:`analysis.sufficient`, only sums the engine computes where
the data live.  Per item j the totals A_j = Σ w v y and B_j = Σ w v per (cell, unit) follow from the
item table (:class:`analysis.sufficient.ItemTable`: Σw per cell, unit and answer code), and the
influence is linear in them within a cell, with coefficients that depend only on whether the cell
belongs to D, to C or to neither (a row without a group):

* clustered designs: the PSU totals of z are Σ_cells (1/J) Σ_j ±(A_j − θ_j B_j) / W_j, and the
  variance is the one-stage formula over the PSU totals (:meth:`DomainEngine._combine`, R
  ``survey:::onestrat`` with its lonely-PSU rules);
* unclustered designs (each row its own PSU): the variance needs Σz and Σz² per stratum, and z mixes
  a row's J items, so a ``moments`` callback computes them where the data live from the
  coefficients of each item's u = v·y and v per answer value (:func:`contrast_parts`);
* the rows of the test (valid for some item, in some group), n, n_rest and the design df
  (PSUs − strata of those rows, minus 1) come from per (cell, unit) counts of rows valid for at least
  one item (the ``union_counts`` callback of :func:`analysis.sufficient.indicators_from_totals`).

Same formulas as the in-memory test (R ``svyttest(y ~ I(group == g), design)`` for J = 1, R
``svycontrast`` of the joint domain ratios for J > 1; checked against R in
``tests/golden/r_group_tests.R``), so the results equal it up to floating-point summation order
(tests/test_engines.py, 1e-10 relative).  The Rao–Scott F test of the group × answer table is not
computed here (``rao_scott`` is None).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .group_tests import GroupTest, finish_test


@dataclass(frozen=True)
class ItemCoding:
    """One item of an indicator for one measure: the per-answer-code validity ``d`` (1/0) and value
    ``y`` (index 0 = missing), aligned with the item table's ``values``."""

    key: str
    d: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class ContrastPart:
    """The moments a group-vs-rest test of an unclustered design needs: Σz, Σz² per stratum of
    z_i = w_i × (coefficient of the row's answer values), rows of cells ``d_cells`` taking
    ``terms_d`` and rows of ``c_cells`` taking ``terms_c``; terms: [(item key, a, b, {value: (u, v)})], the
    coefficient of answer value x being a·u(x) + b·v(x) with u = d·y and v = d (the item's value where
    valid, and its validity): for the D side a = 1/(J·W_D), b = −θ_D/(J·W_D), so a·u + b·v = d (y − θ_D)/(J·W_D);
    for the C side the same with −1/(J·W_C) and θ_C."""

    name: str
    d_cells: tuple
    c_cells: tuple
    terms_d: tuple
    terms_c: tuple


def item_codings(items: Sequence, tables: dict, measure: str, na_policy: str) -> list[ItemCoding]:
    """The :class:`ItemCoding` of ``items`` (:class:`analysis.indicators.ItemSpec`) for ``measure`` (rate: 1
    for the positive answers, valid = substantive answers, or every answer under ``count_negative``;
    index: the score, valid = substantive answers with a score) — as
    :func:`analysis.sufficient.indicators_from_totals` and :func:`report.group_compare.group_tests`."""
    out = []
    for it in items:
        valid, y = it.code_tables(tables[it.key].values, measure, na_policy)
        out.append(ItemCoding(it.key, valid.astype(float), y))
    return out


def _sides(eng, k: int, g: int):
    """Cells of group ``g`` of grouping ``k`` (engine grouping index, 1 = first grouping) and of the rest."""
    cg = eng.cell_group[k]
    gid = eng.slices[k].start + g
    D = cg == gid
    C = (cg >= 0) & ~D
    return D, C


def _item_sums(eng, tables: dict, coding: ItemCoding, D: np.ndarray, C: np.ndarray):
    """(A, B) cells × units and the side totals (W_D, θ_D, W_C, θ_C) of one item."""
    t = tables[coding.key]
    A = t.Sw @ (coding.d * coding.y)
    B = t.Sw @ coding.d
    WD, WC = B[D].sum(), B[C].sum()
    thD = A[D].sum() / WD if WD > 0 else np.nan
    thC = A[C].sum() / WC if WC > 0 else np.nan
    return A, B, WD, thD, WC, thC


def contrast_parts(eng, tables: dict, codings: Sequence[ItemCoding], k: int, n_groups: int, prefix: str) -> list:
    """The :class:`ContrastPart` of every group of grouping ``k`` (unclustered designs), or None for a
    group whose side has no valid row (no test)."""
    J = len(codings)
    out = []
    for g in range(n_groups):
        D, C = _sides(eng, k, g)
        td, tc = [], []
        ok = True
        for c in codings:
            _, _, WD, thD, WC, thC = _item_sums(eng, tables, c, D, C)
            if WD <= 0 or WC <= 0:
                ok = False
                break
            uv = {float(v): (float(dd * yy), float(dd))
                  for v, dd, yy in zip(tables[c.key].values.tolist(), c.d, c.y) if np.isfinite(v) and dd > 0}
            td.append((c.key, float(1.0 / (J * WD)), float(-thD / (J * WD)), uv))
            tc.append((c.key, float(-1.0 / (J * WC)), float(thC / (J * WC)), uv))
        out.append(ContrastPart(f"{prefix}:{g}", tuple(np.flatnonzero(D).tolist()), tuple(np.flatnonzero(C).tolist()),
                                tuple(td), tuple(tc)) if ok else None)
    return out


def group_vs_rest_from_totals(eng, tables: dict, codings: Sequence[ItemCoding], k: int, labels: Sequence[str],
                              counts: np.ndarray, moments: Optional[dict] = None,
                              parts: Optional[list] = None) -> list[GroupTest]:
    """Every group of grouping ``k`` (engine grouping index: 1 = the first ``by``) against the rest, for
    the mean over ``codings`` (module docstring).  ``counts``: rows with w > 0 valid for at least one
    item, per (cell, unit).  Unclustered designs: ``parts`` (:func:`contrast_parts`) and ``moments``
    {part name: (Σz per stratum, Σz² per stratum)}."""
    J = len(codings)
    known = eng.cell_group[k] >= 0
    cnt = counts[known].sum(0)  # rows of the test per unit
    per_stratum = cnt @ eng.P
    present = (per_stratum > 0)[None, :]
    if eng.clustered:
        dfv = float((cnt > 0).sum() - present.sum() - 1)
    else:
        dfv = float(cnt.sum() - present.sum() - 1)
    out = []
    for g, lab in enumerate(labels):
        D, C = _sides(eng, k, g)
        nD, nC = int(counts[D].sum()), int(counts[C].sum())
        thD = thC = 0.0
        Z = np.zeros(eng.n_units)
        ok = True
        for c in codings:
            A, B, WD, pD, WC, pC = _item_sums(eng, tables, c, D, C)
            if WD <= 0 or WC <= 0:
                ok = False
                break
            thD += pD / J
            thC += pC / J
            if eng.clustered:
                Z += ((A[D] - pD * B[D]).sum(0) / WD - (A[C] - pC * B[C]).sum(0) / WC) / J
        if not ok:
            out.append(GroupTest(str(lab), None, None, None, None, None, None, None, nD, nC))
            continue
        if eng.clustered:
            sT, sT2 = Z @ eng.P, (Z * Z) @ eng.P
        else:
            sT, sT2 = moments[parts[g].name]
        inner = sT2 - np.where(eng.n_h > 0, sT * sT / np.maximum(eng.n_h, 1), 0.0)
        var = float(eng._combine(inner[None, :], np.asarray(sT2)[None, :], present)[0])
        out.append(finish_test(lab, thD, thC, var, dfv, nD, nC))
    return out


def answered_somewhere(counts: np.ndarray, eng, k: int, n_groups: int) -> list:
    """Per group of grouping ``k``: does any row of its cells count in ``counts`` (cells × units)."""
    return [bool(counts[_sides(eng, k, g)[0]].sum() > 0) for g in range(n_groups)]


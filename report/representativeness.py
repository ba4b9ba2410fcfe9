"""Representativeness: the sample's composition against the population margins (``margins:`` in
minyi.yaml), with a warning when the report is unweighted and the sample differs significantly.

:func:`composition_test` (called by :func:`report.pipeline.analyze` for every composition dimension
with a margin) runs :func:`analysis.goodness_of_fit.goodness_of_fit` (design-based Rao–Scott test of
the sample shares against the population shares) and names the category furthest from its
population share.  :func:`representativeness_lines` writes the sentences under the composition
table: for an unweighted report, a warning for each dimension that differs (p < :data:`ALPHA`),
e.g. “样本中女性占61.6%，总体约为50.0%”; for a weighted one, that the weights restore the margins.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from analysis import Design
from analysis.goodness_of_fit import goodness_of_fit
from analysis.thresholds import ALPHA  # defined once

from .labels import join_list, label, labels
from .table_cells import p_text


def composition_test(des: Design, x: np.ndarray, codes: list, labels: list, population: dict) -> Optional[dict]:
    """``{"test": {name, chisq, F, df1, df2, p, deff_mean, n}, "largest_gap": {label, share,
    population_share}}`` for answer codes ``x`` against ``population`` ({label: share}), or None when
    a category lacks a population share."""
    if any(population.get(lab) is None for lab in labels):
        return None
    idx = np.full(len(x), -1)
    for k, c in enumerate(codes):
        idx[x == c] = k
    t = goodness_of_fit(des, idx, [population[lab] for lab in labels])
    if t is None:
        return None
    pi = np.array([population[lab] for lab in labels], dtype=float)
    pi = pi / pi.sum()
    keep = [k for k in range(len(labels)) if pi[k] > 0]
    gaps = [(abs(t.shares[j] - pi[k]), k, j) for j, k in enumerate(keep)]
    _, k, j = max(gaps)
    return {"test": t.to_dict(), "largest_gap": {"label": labels[k], "share": t.shares[j],
                                                 "population_share": float(pi[k])}}


def representativeness_lines(result: dict, lang: str = "zh") -> list:
    """Sentences on the sample against the margins (module docstring); [] without margins."""
    comp = (result.get("sample") or {}).get("composition") or {}
    tested = {k: c["representativeness"] for k, c in comp.items() if c.get("representativeness")}
    if not tested:
        return []
    weighted = bool(((result.get("meta") or {}).get("design") or {}).get("weighting"))
    names = labels("rep_dim", lang)
    out = []
    if weighted:
        dims = [names.get(k, k) for k in tested]
        out.append(label("rep.weighted", lang).format(dims=join_list(dims, lang)))
        return out
    differ = {k: r for k, r in tested.items() if r["test"]["p"] is not None and r["test"]["p"] < ALPHA}
    for k, r in differ.items():
        g = r["largest_gap"]
        out.append(label("rep.differs", lang).format(dim=names.get(k, k), p=p_text(r["test"]["p"], named=True), group=g["label"],
                                                     share=f"{100 * g['share']:.1f}",
                                                     population=f"{100 * g['population_share']:.1f}"))
    if differ:
        out.append(label("rep.unweighted", lang).format())
    else:
        dims = [names.get(k, k) for k in tested]
        out.append(label("rep.same", lang).format(dims=join_list(dims, lang)))
    return out

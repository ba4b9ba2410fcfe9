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

from analysis.thresholds import ALPHA  # noqa: E402 (defined once)
NAMES = {"zh": {"site": "调查点", "district": "区县", "gender": "性别", "age": "年龄", "education": "文化程度"},
         "en": {"site": "site", "district": "district", "gender": "gender", "age": "age", "education": "education"}}


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


def _p(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def representativeness_lines(result: dict, lang: str = "zh") -> list:
    """Sentences on the sample against the margins (module docstring); [] without margins."""
    comp = (result.get("sample") or {}).get("composition") or {}
    tested = {k: c["representativeness"] for k, c in comp.items() if c.get("representativeness")}
    if not tested:
        return []
    weighted = bool(((result.get("meta") or {}).get("design") or {}).get("weighting"))
    names = NAMES[lang]
    out = []
    if weighted:
        dims = [names.get(k, k) for k in tested]
        out.append(f"Estimates are weighted to the population by {', '.join(dims)}, so their shares match the margins."
                   if lang == "en" else f"本报告已按{'、'.join(dims)}的总体结构加权，加权后这些结构与总体一致。")
        return out
    differ = {k: r for k, r in tested.items() if r["test"]["p"] is not None and r["test"]["p"] < ALPHA}
    for k, r in differ.items():
        g = r["largest_gap"]
        if lang == "en":
            out.append(f"The sample's {names.get(k, k)} differs significantly from the population ({_p(r['test']['p'])}): "
                       f"{g['label']} are {100 * g['share']:.1f}% of the sample against about "
                       f"{100 * g['population_share']:.1f}% of the population.")
        else:
            out.append(f"样本的{names.get(k, k)}结构与总体差异显著（{_p(r['test']['p'])}）：样本中{g['label']}占"
                       f"{100 * g['share']:.1f}%，总体约为{100 * g['population_share']:.1f}%。")
    if differ:
        out.append("This report is unweighted: population estimates may be biased where the groups answer differently; "
                   "read them with care, or weight the sample to the margins (minyi.yaml weighting: {method: rake})."
                   if lang == "en" else
                   "本报告未加权，若上述群体的回答存在差异，全市估计可能有偏，解读时应予注意；建议按总体结构加权"
                   "（项目配置 minyi.yaml 的 weighting 项）。")
    else:
        dims = [names.get(k, k) for k in tested]
        out.append(f"The sample's {', '.join(dims)} do not differ significantly from the population margins."
                   if lang == "en" else f"样本的{'、'.join(dims)}结构与总体无显著差异。")
    return out

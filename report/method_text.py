"""How the report states the variance method and degrees of freedom: from ``meta.design`` of the
analysis (:func:`analysis.design_spec.describe` — replicate weights, or Taylor linearisation over the
strata and PSUs the design has, multistage, Brewer's PPS, fpc; calibration added by
:func:`report.pipeline._design_text`) and ``meta.df`` (a degrees-of-freedom override), never a fixed
sentence.  Results written before ``meta.design`` carried these words read as Taylor linearisation over
strata and PSUs, which is what minyi did then.
"""

from __future__ import annotations

#: What older analysis results (no ``variance`` in ``meta.design``) were computed with.
_OLD = {"zh": {"variance": "标准误采用泰勒线性化方法，按初级抽样单元与分层计算，与 R 语言 survey 包（Lumley）一致",
               "se_method": "泰勒线性化法", "df_rule": "初级抽样单元数减层数"},
        "en": {"variance": "Standard errors by Taylor linearisation over strata and primary sampling units, as R's "
                           "survey package (Lumley)",
               "se_method": "Taylor linearisation", "df_rule": "PSUs − strata"}}


def variance_words(meta: dict, lang: str) -> dict:
    """``{"variance": sentence, "se_method": a few words, "df_rule": the t degrees of freedom}`` in
    ``lang`` ("zh" or "en") for the method notes and the overview table."""
    d = meta.get("design") or {}
    sfx = "_en" if lang == "en" else ""
    old = _OLD["en" if lang == "en" else "zh"]
    out = {k: d.get(k + sfx) or old[k] for k in ("variance", "se_method", "df_rule")}
    if meta.get("df") is not None:
        df = f"{meta['df']:g}"
        out["df_rule"] = f"{df} (given for this analysis)" if lang == "en" else f"{df}（本次分析指定）"
        out["variance"] += (f"; this analysis uses {df} degrees of freedom instead" if lang == "en"
                            else f"；本次分析另行指定自由度为 {df}")
    return out

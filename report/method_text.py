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


#: The appendix method notes, one text per language; fields filled by ``report.render._method_notes``.
METHOD_NOTES = {
    "zh": [
        "比率 p̂ = Σwᵢyᵢ / Σwᵢ（yᵢ 为是否选择正向选项，分母为有效回答）；满意度指数为有效回答得分的加权平均（非常满意100、"
        "满意80、一般60、不满意40、非常不满意20）；满意率为“非常满意”与“满意”之和的比例。",
        "{variance}；子总体（如各区县）估计保留全部样本、仅将子总体外权重置零。",
        "领域满意度指数为该领域各题项指数的平均，综合指数按各领域权重加权（{weights}），其标准误由各题项影响函数合并计算，"
        "已考虑题项间相关。",
        "置信区间：{ci}；临界值采用自由度为“{df_rule}”的 t 分布。达标判定：置信区间整体高于目标为达标，整体低于"
        "目标为未达标，包含目标为无显著差异。",
        "抽样设计与加权：{design}。样本量小于{small_base}的群体标注△，仅供参考；小于{min_cell}的不予报告。",
        "期间变化：差值 ± t·√(se₁² + se₀²)（两期为独立样本），t 分布自由度按 Welch–Satterthwaite 公式 "
        "(v₁ + v₀)² / (v₁²/df₁ + v₀²/df₀) 计算；区间不含0时以↑/↓标示显著变化。",
        "历次调查的线性趋势：{trend}。",
        "软件：minyi {minyi}（numpy {numpy}，pandas {pandas}，scipy {scipy}）；报告生成时间 {generated}。"],
    "en": [
        "Rate p̂ = Σwᵢyᵢ / Σwᵢ over valid answers (yᵢ = 1 for the positive options); satisfaction index = weighted "
        "mean score (very satisfied 100, satisfied 80, neutral 60, dissatisfied 40, very dissatisfied 20); share "
        "satisfied = very satisfied + satisfied.",
        "{variance}; domain estimates keep all rows and zero the weights outside the domain.",
        "Area index = mean of its item indexes; composite index weighted by area ({weights}); its SE combines the "
        "items' influence functions, so correlation between items is accounted for.",
        "Confidence intervals: {ci}; critical values from t with {df_rule} degrees of freedom. Verdict: met = "
        "CI entirely above the target; not met = entirely below; otherwise no significant difference.",
        "Design: {design}. Groups with n < {small_base} are marked △ (unreliable); groups with n < {min_cell} are "
        "suppressed.",
        "Change between waves: difference ± t·√(se₁² + se₀²) (independent samples), t with the Welch–"
        "Satterthwaite degrees of freedom (v₁ + v₀)² / (v₁²/df₁ + v₀²/df₀); ↑/↓ when the interval excludes 0.",
        "Linear trend across waves: {trend}.",
        "Software: minyi {minyi} (numpy {numpy}, pandas {pandas}, scipy {scipy}); generated {generated}."],
}


#: after the confidence-interval note when an interval of the report was cut (report.suppression.clip_to_scale)
CLIPPED_NOTE = {
    "zh": "少数置信区间（多为小样本）按t分布计算时超出量表范围（比率0–100%，满意度指数不超出选项分值范围），"
          "报告中超出的部分已截断至量表端点；分析数据（survey analyze --json）保留原值。",
    "en": "A few confidence intervals (mostly on small bases) computed from t reach beyond the scale (rates 0–100%, "
          "indexes the range of the option scores); the report cuts them at the scale's ends; the analysis data "
          "(survey analyze --json) keeps the raw bounds.",
}

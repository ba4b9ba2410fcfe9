"""How the report states the variance method and degrees of freedom: from ``meta.design`` of the
analysis (:func:`analysis.design_spec.describe` — replicate weights, or Taylor linearisation over the
strata and PSUs the design has, multistage, Brewer's PPS, fpc; calibration added by
:func:`report.pipeline._design_text`) and ``meta.df`` (a degrees-of-freedom override), never a fixed
sentence.  Results written before ``meta.design`` carried these words read as Taylor linearisation over
strata and PSUs, which is what minyi did then.
"""

from __future__ import annotations

from .labels import label, labels


def method_notes(lang: str) -> list[str]:
    """The appendix method notes, one template each (``method_note.1`` …), fields filled by
    ``report.render._method_notes``."""
    return list(labels("method_note", lang).values())


def variance_words(meta: dict, lang: str) -> dict:
    """``{"variance": sentence, "se_method": a few words, "df_rule": the t degrees of freedom}`` in
    ``lang`` ("zh" or "en") for the method notes and the overview table."""
    d = meta.get("design") or {}
    # the design's own words in lang (``variance`` / ``variance_en`` …), else what older results were computed with
    out = {k: d.get(f"{k}_en" if lang == "en" else k) or label(f"method_old.{k}", lang)
           for k in ("variance", "se_method", "df_rule")}
    if meta.get("df") is not None:
        df = f"{meta['df']:g}"
        out["df_rule"] = label("method.df_given", lang).format(df=df)
        out["variance"] += label("method.df_given_variance", lang).format(df=df)
    return out



"""The 调查概况 chapter's words: the introduction paragraph and the survey-at-a-glance rows (zh / en)."""

from __future__ import annotations

from functools import partial
from typing import Optional

from .findings import fmt_n
from .labels import join_list, label
from .method_text import variance_words
from .table_cells import Num


def intro_and_overview(meta: dict, s: dict, org: str, compare_wave: Optional[str], ci_name: str,
                       moe_max: Optional[float], fdates: Optional[list], lang: str) -> tuple:
    """(introduction paragraph, [(item, value)] rows of the 调查基本情况 table) in ``lang``: who ran the
    survey, when, where, how many; the questionnaire, wave, design, interval method and the largest
    margin of error of a share."""
    L = partial(label, lang=lang)
    sites = s["sites"]
    intro = (L("ov.intro").format(org=org)
             + (L("ov.fielding").format(start=fdates[0], end=fdates[1]) if fdates else "")
             + ((L("ov.sites").format(sites=join_list(sites, lang), n=len(sites)) if len(sites) > 1 else
                 L("ov.site_one").format(site=sites[0])) if sites else "")
             + L("ov.sample").format(n=fmt_n(s["n"])))
    q, level = meta["questionnaire"], f"{meta['confidence']:.0%}"
    design = meta["design"]
    overview = [(L("ov.questionnaire"), L("ov.questionnaire_value").format(title=q["title"], version=q.get("version"))),
                (L("ov.wave"), ((meta.get("wave_label") or meta.get("wave")) or "—")
                 + (L("ov.compared").format(wave=compare_wave) if compare_wave else "")),
                (L("ov.fieldwork"), L("ov.fieldwork_value").format(start=fdates[0], end=fdates[1]) if fdates else "—"),
                (L("ov.sites_head"), join_list(sites, lang)), (L("ov.method"), L("ov.method_value")),
                (L("ov.valid_sample"), Num(s["n"], "int")),
                (L("ov.design"), (design.get("description_en") if lang == "en" else None) or design["description"]),
                (L("ov.ci"), L("ov.ci_value").format(ci=ci_name, level=level,
                                                     se=variance_words(meta, lang)["se_method"]))]
    if moe_max is not None:
        overview.append((L("ov.moe"), L("ov.moe_value").format(level=level, moe=f"{100 * moe_max:.1f}",
                                                               n=fmt_n(s["n"]))))
    return intro, overview

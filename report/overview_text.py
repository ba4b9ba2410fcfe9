"""The 调查概况 chapter's words: the introduction paragraph and the survey-at-a-glance rows (zh / en)."""

from __future__ import annotations

from typing import Optional

from .findings import fmt_n
from .labels import join_list
from .method_text import variance_words
from .table_cells import Num


def intro_and_overview(meta: dict, s: dict, org: str, compare_wave: Optional[str], ci_name: str,
                       moe_max: Optional[float], fdates: Optional[list], lang: str) -> tuple:
    """(introduction paragraph, [(item, value)] rows of the 调查基本情况 table) in ``lang``: who ran the
    survey, when, where, how many; the questionnaire, wave, design, interval method and the largest
    margin of error of a share."""
    if lang == "en":
        intro = (f"This survey, conducted by {org}, measures awareness of, support for and participation in the civilised-"
                 f"city campaign, satisfaction with city management and public services, and the issues residents care "
                 f"about most. " + (f"Fieldwork ran from {fdates[0]} to {fdates[1]} " if fdates else "")
                 + ((f"at {len(s['sites'])} kinds of site ({', '.join(s['sites'])}); " if len(s["sites"]) > 1 else
                     f"at one kind of site ({s['sites'][0]}); ") if s["sites"] else "")
                 + f"{fmt_n(s['n'])} valid questionnaires.")
        overview = [("Questionnaire", f"{meta['questionnaire']['title']} (version {meta['questionnaire'].get('version')})"),
                    ("Wave", ((meta.get("wave_label") or meta.get("wave")) or "—") + (f" (compared with {compare_wave})" if compare_wave else "")),
                    ("Fieldwork", f"{fdates[0]} – {fdates[1]}" if fdates else "—"),
                    ("Sites", join_list(s["sites"], lang)), ("Method", "Questionnaire survey"),
                    ("Valid sample", Num(s["n"], "int")),
                    ("Design and weighting", meta["design"].get("description_en") or meta["design"]["description"]),
                    ("Confidence intervals", f"{ci_name}, {meta['confidence']:.0%} level; SEs by "
                                             f"{variance_words(meta, lang)['se_method']}")]
        if moe_max is not None:
            overview.append(("Margin of error", f"at most ±{100 * moe_max:.1f} percentage points for a share "
                                                f"(p = 0.5, {meta['confidence']:.0%} level, n = {fmt_n(s['n'])})"))
    else:
        intro = (f"为全面了解干部群众对创建全国文明城市工作的知晓、支持和参与情况，以及对城市管理和公共服务的满意程度，掌握群众最"
                 f"关心的热点问题，{org}组织开展了本次问卷调查。"
                 + (f"调查于{fdates[0]}至{fdates[1]}进行，" if fdates else "")
                 + ((f"调查点覆盖{'、'.join(s['sites'])}{len(s['sites'])}类单位，" if len(s["sites"]) > 1 else
                     f"调查点为{s['sites'][0]}，") if s["sites"] else "")
                 + f"采用问卷调查方式，共获得有效样本{fmt_n(s['n'])}份。")
        overview = [("问卷", f"{meta['questionnaire']['title']}（版本 {meta['questionnaire'].get('version')}）"),
                    ("调查期次", ((meta.get("wave_label") or meta.get("wave")) or "—") + (f"（对比期：{compare_wave}）" if compare_wave else "")),
                    ("调查时间", f"{fdates[0]}至{fdates[1]}" if fdates else "—"),
                    ("调查点", join_list(s["sites"], lang)), ("调查方式", "问卷调查"),
                    ("有效样本量", Num(s["n"], "int")), ("抽样设计与加权", meta["design"]["description"]),
                    ("置信区间方法", f"{ci_name}，置信水平{meta['confidence']:.0%}；标准误按"
                                   f"{variance_words(meta, lang)['se_method']}计算")]
        if moe_max is not None:
            overview.append(("抽样误差", f"在{meta['confidence']:.0%}置信水平下，全样本比率的最大抽样误差（比率为50%时）"
                                        f"约为±{100 * moe_max:.1f}个百分点"))
    return intro, overview

"""Automatically written findings: sentences from rules over the results, never invented text.

Each finding is a dict ``{"kind", "id", "numbers", "text"}``: the sentence and the exact
numbers it cites (so tests can check every printed number against the analysis result).
Chinese report style, e.g. "创文知晓率为91.3%（95%置信区间：90.1%–92.4%，n=4,812），高于90.0%的目标";
percentages with one decimal, indexes with one decimal, bases with thousands separators.

Rules (each fires only when its inputs exist): every awareness/support/participation rate
against its target; the composite satisfaction index; the overall-satisfaction question; how
many indicators met their targets; the best and worst areas; the lowest-rated item; the top
hot issue (with a tie note when its CI overlaps the second's); the largest significant
changes against the comparison wave.  At most ``max_items`` (10) are kept, by rule priority,
in the order above.
"""

from __future__ import annotations

import math
from typing import Optional

from .labels import join_list, label
from .table_cells import signed


def _ok(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def fmt_pct(x: Optional[float]) -> str:
    """A share as a percentage with one decimal (0.9132 → "91.3%"); "—" when missing."""
    return f"{100 * x:.1f}%" if _ok(x) else "—"


def fmt_num(x: Optional[float]) -> str:
    """A score with one decimal; "—" when missing."""
    return f"{x:.1f}" if _ok(x) else "—"


def fmt_n(n: Optional[int]) -> str:
    """A count with thousands separators (4812 → "4,812"); "—" when missing."""
    return f"{int(n):,}" if _ok(n) else "—"


def fmt_target(x: Optional[float]) -> str:
    """A target share: whole percentages without decimals (0.9 → "90%"), else one decimal (0.875 → "87.5%")."""
    if not _ok(x):
        return "—"
    v = round(100 * x, 1)
    return f"{v:.0f}%" if v == int(v) else f"{v:.1f}%"


def ci_text(s: dict, percent: bool = True, confidence: float = 0.95, lang: str = "zh") -> str:
    """"95%置信区间：90.1%–92.4%，n=4,812"; without an interval (one row, one PSU: no degrees of freedom) it says
    so instead of printing "—–—"."""
    f = fmt_pct if percent else fmt_num
    if not (_ok(s.get("ci_low")) and _ok(s.get("ci_high"))):
        return label("find.no_ci", lang).format(n=fmt_n(s["n"]))
    return label("find.ci", lang).format(level=f"{confidence:.0%}", lo=f(s["ci_low"]), hi=f(s["ci_high"]), n=fmt_n(s["n"]))


def by_rate(indicators: list, lang: str = "zh") -> str:
    """“（满意度类指标按满意率计）” when the verdicts counted (each indicator's 满意率) leave out a 满意度指数 verdict of
    its own, which the report's 满意度指数及达标判定 table shows beside them (交通秩序: 满意率 未达标, 指数 达标): the
    count of the 摘要 and 主要发现 says what it counts, as the brief's does; empty otherwise."""
    two = any((i.get("rate") or {}).get("verdict") and ((i.get("index") or {}).get("verdict")
                                                         or (i.get("index") or {}).get("verdict_withheld"))
              for i in indicators)
    return label("brief.count_by_rate", lang) if two else ""


def too_few_to_judge(n: Optional[int], small_base: int) -> bool:
    """The small-base rule for verdicts: a finding (达标 / 未达标 / 无显著差异 against a target, a significant change)
    is not stated on fewer than ``small_base`` answers — the threshold defined once in
    :data:`analysis.thresholds.SMALL_BASE` (30), or the project's ``small_base:`` / ``--small-base``.  At n = 2 with
    identical answers the interval has no width (60.0%–60.0%) and any target is "missed" on two answers.  Used
    by the report (:func:`withhold_verdicts`), the brief and the ledger's proposals alike."""
    return int(n or 0) < small_base


def withhold_verdicts(result: dict, small_base: int) -> dict:
    """The report's copy of ``result`` with every target verdict resting on fewer than ``small_base`` answers
    (:func:`too_few_to_judge`) withheld, in place: ``verdict`` None and ``verdict_withheld`` true (indicators' rate
    and index, items, areas, the composite), so no table, chart, count or sentence states it.  ``survey analyze
    --json`` keeps its verdicts as docs/analyze-json.md describes them."""
    recs = [ind.get(m) for ind in (result.get("indicators") or []) for m in ("rate", "index")]
    recs += [it.get(m) for it in (result.get("items") or []) for m in ("rate", "index")]
    recs += [a.get("index") for a in (result.get("areas") or [])] + [result.get("composite")]
    for st in recs:
        if st and st.get("verdict") and too_few_to_judge(st.get("n"), small_base):
            st["verdict"], st["verdict_withheld"] = None, True
    return result


def withheld_text(s: dict, lang: str = "zh") -> str:
    """What a table cell or a sentence says instead of a withheld verdict: 样本过少（n=2），不作判定."""
    return label("verdict.withheld", lang).format(n=fmt_n(s.get("n")))


def withheld_names(inds: list) -> list[str]:
    """The indicators whose rate verdict is withheld (:func:`withhold_verdicts`): they have a target, but too few
    answers to judge it; counted among the indicators with a target, apart from the judged ones."""
    return [i["name"] for i in inds if (i.get("rate") or {}).get("verdict_withheld")]


def withheld_count(inds: list, lang: str = "zh") -> str:
    """The clause naming the indicators whose rate verdict is withheld: 1项样本过少、不作判定（营商环境满意度）;
    "" when none.  The 摘要 and the 主要发现 say it after the judged ones."""
    names = withheld_names(inds)
    if not names:
        return ""
    return label("verdict.withheld_count", lang).format(k=len(names), names=join_list(names, lang))


def _target_clause(s: dict, target: Optional[float], percent: bool, lang: str = "zh") -> str:
    if s.get("verdict_withheld"):
        return label("find.clause", lang) + withheld_text(s, lang)
    if target is None or not s.get("verdict"):
        return ""
    t = fmt_target(target) if percent else fmt_num(target)
    code = {"达标": "find.target_above", "未达标": "find.target_below", "无显著差异": "find.target_ns"}.get(s["verdict"])
    return label(code, lang).format(t=t) if code else ""


def findings(result: dict, changes: Optional[list] = None, max_items: int = 10, lang: str = "zh",
             compare_label: Optional[str] = None) -> list[dict]:
    """5–10 sentences from rules over the results (see the module docstring).  ``compare_label``: the wave the
    ``changes`` compare with (its label), named in the change sentences; "the previous wave" when not given."""
    conf = result["meta"].get("confidence", 0.95)
    cands: list[tuple[int, dict]] = []  # (priority: lower is kept first, finding)

    def add(prio: int, kind: str, id_: str, numbers: list, text: str) -> None:
        cands.append((prio, {"kind": kind, "id": id_, "numbers": numbers, "text": text}))

    seen_kind: set = set()
    for ind in result.get("indicators", []):
        if ind["kind"] in ("awareness", "support", "participation") and ind.get("rate") \
                and ind["rate"].get("estimate") is not None:
            s = ind["rate"]
            prio = 1 if ind["kind"] not in seen_kind else 3
            seen_kind.add(ind["kind"])
            tc = _target_clause(s, ind.get("target"), True, lang)
            text = label("find.rate", lang).format(name=ind["name"], value=fmt_pct(s["estimate"]),
                                                   ci=ci_text(s, True, conf, lang), target=tc)
            add(prio, "rate", ind["id"], [s["estimate"], s["ci_low"], s["ci_high"], s["n"]], text)
    comp = result.get("composite")
    if comp and comp.get("estimate") is not None:
        text = label("find.composite", lang).format(value=fmt_num(comp["estimate"]), ci=ci_text(comp, False, conf, lang))
        add(2, "composite", "composite", [comp["estimate"], comp["ci_low"], comp["ci_high"], comp["n"]], text)
    overall_q = result["meta"].get("overall_question")
    for ind in result.get("indicators", []):
        if ind["kind"] == "satisfaction" and overall_q and ind.get("question") == overall_q and ind.get("rate"):
            s = ind["rate"]
            tc = _target_clause(s, ind.get("target"), True, lang)
            text = label("find.overall", lang).format(name=ind["name"], value=fmt_pct(s["estimate"]),
                                                      ci=ci_text(s, True, conf, lang), target=tc)
            add(1, "overall", ind["id"], [s["estimate"], s["ci_low"], s["ci_high"], s["n"]], text)
    judged = [i for i in result.get("indicators", []) if (i.get("rate") or {}).get("verdict")]
    n_targets = len(judged) + len(withheld_names(result.get("indicators", [])))
    if judged:
        ok = [i for i in judged if i["rate"]["verdict"] == "达标"]
        bad = [i for i in judged if i["rate"]["verdict"] == "未达标"]
        ns = len(judged) - len(ok) - len(bad)
        bad_sorted = sorted(bad, key=lambda i: i["rate"]["estimate"] - (i.get("target") or 0))
        names = [i["name"] for i in bad_sorted[:3]]
        held = withheld_count(result.get("indicators", []), lang)
        text = (label("find.targets", lang).format(n=n_targets, by=by_rate(result.get("indicators", []), lang),
                                                   ok=len(ok), bad=len(bad), ns=ns)
                + (label("find.targets_held", lang).format(held=held) if held else "")
                + (label("find.targets_furthest", lang).format(names=join_list(names, lang)) if names
                   else label("sum.end", lang)))
        add(2, "targets", "targets", [n_targets, len(ok), len(bad), ns], text)
    # areas whose index has an interval: one with too few rows for it (a section of one site, n = 1) is not
    # named the highest or lowest on a number that cannot be judged
    areas = [a for a in result.get("areas", []) if a.get("index") and a["index"].get("estimate") is not None
             and _ok(a["index"].get("ci_low")) and _ok(a["index"].get("ci_high"))]
    if len(areas) >= 2:
        areas = sorted(areas, key=lambda a: a["index"]["estimate"])
        lo, hi = areas[0], areas[-1]
        # both ends with number, CI and base (issue 5: every finding sentence has its number, CI and base)
        text = label("find.areas", lang).format(
            hi=hi["name"], hi_value=fmt_num(hi["index"]["estimate"]), hi_ci=ci_text(hi["index"], False, conf, lang),
            lo=lo["name"], lo_value=fmt_num(lo["index"]["estimate"]), lo_ci=ci_text(lo["index"], False, conf, lang))
        add(2, "areas", f"{hi['id']}>{lo['id']}", [hi["index"]["estimate"], hi["index"]["ci_low"], hi["index"]["ci_high"],
                                                    lo["index"]["estimate"], lo["index"]["ci_low"], lo["index"]["ci_high"]],
            text)
    sat_items = [i for i in result.get("items", []) if i["kind"] == "satisfaction" and (i.get("rate") or {}).get("estimate") is not None]
    if sat_items:
        worst = min(sat_items, key=lambda i: i["rate"]["estimate"])
        s = worst["rate"]
        tc = _target_clause(s, s.get("target"), True, lang)
        text = label("find.worst_item", lang).format(label=worst["label"], value=fmt_pct(s["estimate"]),
                                                     ci=ci_text(s, True, conf, lang), target=tc)
        add(2, "worst_item", worst["key"], [s["estimate"], s["ci_low"], s["ci_high"], s["n"]], text)
    hot = result.get("hot_issues")
    if hot and hot.get("top"):
        t = hot["top"][0]
        s = t["respondents"]
        text = label("find.hot", lang).format(label=t["label"], value=fmt_pct(s["estimate"]),
                                              ci=ci_text(s, True, conf, lang),
                                              tie=label("find.hot_tie", lang) if t.get("tie") else "")
        add(1, "hot", str(t["code"]), [s["estimate"], s["ci_low"], s["ci_high"], s["n"]], text)
    prev = compare_label or label("sum.prev_wave", lang)  # the wave compared with, as the 摘要 names it
    sig = [c for c in (changes or []) if c.get("significant") and c.get("measure") == "rate"]
    sig.sort(key=lambda c: -abs(c["diff"]))
    for j, c in enumerate(sig[:3]):
        text = label("find.change_up" if c["diff"] > 0 else "find.change_down", lang).format(
            prev=prev, name=c["name"], diff=f"{abs(100 * c['diff']):.1f}", level=f"{conf:.0%}",
            lo=signed(100 * c["ci_low"]), hi=signed(100 * c["ci_high"]))
        add(1 if j == 0 else 3, "change", c["id"], [c["diff"], c["ci_low"], c["ci_high"]], text)
    keep = sorted(range(len(cands)), key=lambda i: (cands[i][0], i))[:max_items]
    return [cands[i][1] for i in sorted(keep)]

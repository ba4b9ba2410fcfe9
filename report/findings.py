"""Automatically written findings: sentences from rules over the results, never invented text.

Each finding is a dict with the sentence and the exact numbers it cites (so tests can check
that every number printed equals the analysis result).  Formats follow Chinese report style:
"创文知晓率为91.3%（95%置信区间：90.1%–92.4%，n=4,812），高于90%的目标".
"""

from __future__ import annotations

from typing import Optional


def fmt_pct(x: Optional[float]) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def fmt_num(x: Optional[float]) -> str:
    return "—" if x is None else f"{x:.1f}"


def fmt_n(n: Optional[int]) -> str:
    return "—" if n is None else f"{int(n):,}"


def ci_text(s: dict, percent: bool = True, confidence: float = 0.95) -> str:
    f = fmt_pct if percent else fmt_num
    return f"{confidence:.0%}置信区间：{f(s['ci_low'])}–{f(s['ci_high'])}，n={fmt_n(s['n'])}"


def _target_clause(s: dict, target: Optional[float], percent: bool) -> str:
    if target is None or not s.get("verdict"):
        return ""
    t = fmt_pct(target) if percent else fmt_num(target)
    return {"达标": f"，高于{t}的目标", "未达标": f"，低于{t}的目标",
            "无显著差异": f"，与{t}的目标无显著差异"}[s["verdict"]]


def findings(result: dict, changes: Optional[list] = None, max_items: int = 10) -> list[dict]:
    """5–10 sentences from rules: headline rates vs targets, composite, best/worst areas and
    items, top hot issue, significant changes."""
    out: list[dict] = []
    conf = result["meta"]["confidence"]
    for ind in result["indicators"]:
        if ind["kind"] in ("awareness", "support", "participation") and ind.get("rate"):
            s = ind["rate"]
            out.append({"kind": "rate", "id": ind["id"], "numbers": [s["estimate"], s["ci_low"], s["ci_high"], s["n"]],
                        "text": f"{ind['name']}为{fmt_pct(s['estimate'])}（{ci_text(s, True, conf)}）"
                                f"{_target_clause(s, ind.get('target'), True)}。"})
    comp = result.get("composite")
    if comp and comp.get("estimate") is not None:
        out.append({"kind": "composite", "id": "composite", "numbers": [comp["estimate"], comp["ci_low"], comp["ci_high"], comp["n"]],
                    "text": f"综合满意度指数为{fmt_num(comp['estimate'])}分（{ci_text(comp, False, conf)}）。"})
    areas = [a for a in result.get("areas", []) if a.get("index") and a["index"].get("estimate") is not None]
    if len(areas) >= 2:
        areas.sort(key=lambda a: a["index"]["estimate"])
        lo, hi = areas[0], areas[-1]
        out.append({"kind": "areas", "id": f"{hi['id']}>{lo['id']}",
                    "numbers": [hi["index"]["estimate"], lo["index"]["estimate"]],
                    "text": f"各领域中，{hi['name']}满意度指数最高（{fmt_num(hi['index']['estimate'])}分，"
                            f"n={fmt_n(hi['index']['n'])}），{lo['name']}最低（{fmt_num(lo['index']['estimate'])}分，"
                            f"{ci_text(lo['index'], False, conf)}）。"})
    sat_items = [i for i in result.get("items", []) if i["kind"] == "satisfaction" and i.get("rate")]
    if sat_items:
        worst = min(sat_items, key=lambda i: i["rate"]["estimate"])
        s = worst["rate"]
        out.append({"kind": "worst_item", "id": worst["key"], "numbers": [s["estimate"], s["ci_low"], s["ci_high"], s["n"]],
                    "text": f"满意率最低的题项是“{worst['label']}”，为{fmt_pct(s['estimate'])}（{ci_text(s, True, conf)}）"
                            f"{_target_clause(s, s.get('target'), True)}。"})
    for ind in result["indicators"]:
        if ind["kind"] == "satisfaction" and ind["question"] == result["meta"].get("overall_question") and ind.get("rate"):
            s = ind["rate"]
            out.append({"kind": "overall", "id": ind["id"], "numbers": [s["estimate"], s["ci_low"], s["ci_high"], s["n"]],
                        "text": f"{ind['name']}（满意率）为{fmt_pct(s['estimate'])}（{ci_text(s, True, conf)}）"
                                f"{_target_clause(s, ind.get('target'), True)}。"})
    hot = result.get("hot_issues")
    if hot and hot.get("top"):
        t = hot["top"][0]
        s = t["respondents"]
        tie = "，与第二位差异不显著" if t.get("tie") else ""
        out.append({"kind": "hot", "id": str(t["code"]), "numbers": [s["estimate"], s["ci_low"], s["ci_high"], s["n"]],
                    "text": f"群众最关心的热点问题是“{t['label']}”，{fmt_pct(s['estimate'])}的受访者选择了该项"
                            f"（{ci_text(s, True, conf)}）{tie}。"})
    for c in (changes or []):
        if c["significant"] and c["measure"] == "rate":
            word = "上升" if c["diff"] > 0 else "下降"
            out.append({"kind": "change", "id": c["id"], "numbers": [c["diff"], c["ci_low"], c["ci_high"]],
                        "text": f"与上期相比，{c['name']}{word}{abs(100 * c['diff']):.1f}个百分点"
                                f"（{conf:.0%}置信区间：{100 * c['ci_low']:.1f}–{100 * c['ci_high']:.1f}个百分点），变化显著。"})
    return out[:max_items]

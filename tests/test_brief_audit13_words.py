"""What the brief and the ledger say next to each number (audit of issue 13, defects 3–5).

3. The indicator table put the satisfaction index between the rate and the rate's verdict: "交通秩序满意度 78.2%
   （指数81.6）… 目标 80.0% … 未达标" although the index meets its own index_target 80 — each measure now has its
   own line, target and verdict.
4. 三、突出问题 printed the Holm-adjusted p as a bare "p" (the ledger: "p<0.001，Holm校正后p=0.022").
5. The ledger's decline description put the current estimate's interval inside the change's brackets."""

from __future__ import annotations

import datetime as dt

from analysis.indicators import VERDICT_ABOVE, VERDICT_BELOW
from analysis.ledger import Evidence, Proposal
from report.brief import Brief, BriefIndicator, BriefMeasure, _problem_text, brief_lines
from report.brief_render import brief_rows, render_brief_html
from report.ledger import describe
from survey.ledger import LedgerItem

RATE = BriefMeasure("rate", 0.782, 0.761, 0.802, 700, 0.80, VERDICT_BELOW)
INDEX = BriefMeasure("index", 81.6, 80.9, 82.3, 700, 80.0, VERDICT_ABOVE)


def _brief(*indicators) -> Brief:
    return Brief(title="t", org="市文明办", date=dt.date(2026, 12, 1), wave="6", wave_label="第6期", period=None,
                 previous_label=None, n=700, indicators=indicators, changes=(), problems=(), districts=(),
                 ledger_due=(), ledger_open=0, ledger_overdue=0, verdict_counts={VERDICT_BELOW: 1})


def test_each_measure_has_its_own_target_and_verdict():
    b = _brief(BriefIndicator("交通秩序满意度", "satisfaction", RATE, INDEX))
    text = "\n".join(brief_lines(b))
    assert "交通秩序满意度 满意率78.2%（目标80.0%）未达标；指数81.6（目标80.0）达标" in text
    assert "（满意度类指标按满意率计）" in text  # the lead's count is by the rate: said
    rows = brief_rows(b)["indicators"]
    assert [(r["name"], r["value"], r["target"], r["verdict"]) for r in rows] == [
        ("交通秩序满意度", "满意率78.2%", "80.0%", VERDICT_BELOW), ("", "指数81.6", "80.0", VERDICT_ABOVE)]
    html = render_brief_html(b)
    assert 'rowspan="2">交通秩序满意度<' in html and "（指数81.6）" not in html


def test_an_index_without_target_has_no_verdict_and_a_rate_alone_no_prefix():
    b = _brief(BriefIndicator("交通秩序满意度", "satisfaction", RATE, BriefMeasure("index", 81.6, 80.9, 82.3, 700, None, None)),
               BriefIndicator("创文知晓率", "awareness", BriefMeasure("rate", 0.95, 0.93, 0.96, 700, 0.9, VERDICT_ABOVE), None))
    rows = brief_rows(b)["indicators"]
    assert [(r["value"], r["target"], r["verdict"]) for r in rows] == [
        ("满意率78.2%", "80.0%", VERDICT_BELOW), ("指数81.6", "—", "—"), ("95.0%", "90.0%", VERDICT_ABOVE)]
    assert "  创文知晓率 95.0%（目标90.0%）达标" in brief_lines(b)


def _proposal(rule: str) -> Proposal:
    ev = Evidence(68.8, 1.0, 66.8, 70.8, 120, 119.0, reference=73.2, diff=-4.4, p=0.0003, p_adjusted=0.022)
    return Proposal(rule, "sat_service", "公共服务满意度（指数）", "index", "临江县" if rule == "district_below" else None,
                    "service", ev)


def test_problem_names_the_holm_adjusted_p():
    for rule in ("district_below", "decline"):
        text = _problem_text(_proposal(rule))
        assert "（-4.4，p<0.001，Holm校正后p=0.022）" in text, text
    assert "（-4.4，p<0.001）" in _problem_text(_proposal("decline"), adjusted=False)  # ledger: adjust: none


def test_decline_description_puts_the_interval_by_the_estimate():
    ev = Evidence(0.889, 0.012, 0.863, 0.910, 700, 699.0, reference=0.95, diff=-0.061, p=0.00001, p_adjusted=0.0004)
    it = LedgerItem("ZG-001", "decline", "aware", "rate", None, "6", None, "创文知晓率", ev.to_dict())
    assert describe(it) == ("创文知晓率由上期95.0%降至88.9%（95%置信区间86.3%—91.0%，n=700），"
                            "变化-6.1个百分点（p<0.001，Holm校正后p<0.001）。")

"""The Word brief marks its verdicts and changes in the HTML brief's colours (tracking fixes, item 1): the HTML
(and the PDF printed from it) set 达标 in green, a withheld verdict in brown and each change's ↑/↓ in green/red,
while the Word brief coloured only 未达标 and 逾期 — 达标 was plain black there and the changes had no arrow.
Each colour is read from the HTML's own CSS, so the two cannot drift apart."""

from __future__ import annotations

import datetime as dt
import re

import docx

from analysis.indicators import VERDICT_ABOVE, VERDICT_BELOW, VERDICT_NS
from report.brief import Brief, BriefChange, BriefIndicator, BriefMeasure
from report.brief_render import render_brief_html, write_brief_docx


def _brief() -> Brief:
    def ind(name, verdict, n=700):
        return BriefIndicator(name, "awareness", BriefMeasure("rate", 0.9, 0.88, 0.92, n, 0.9, verdict,
                                                              withheld=n < 30), None)

    return Brief(title="创建全国文明城市工作简报（2026年第三季度）", org="市文明办", date=dt.date(2026, 12, 1),
                 wave="2026Q3", wave_label="2026年第三季度", period=None, previous_label="2026年第二季度", n=3000,
                 indicators=(ind("创文知晓率", VERDICT_ABOVE), ind("创文支持率", VERDICT_BELOW),
                             ind("创文参与率", VERDICT_NS), ind("志愿服务知晓率", VERDICT_NS, n=12)),
                 changes=(BriefChange("创文知晓率", "rate", 0.80, 0.90, 0.10, 0.001, "up"),
                          BriefChange("创文支持率", "rate", 0.90, 0.80, -0.10, 0.001, "down")),
                 problems=(), districts=(), ledger_due=(), ledger_open=0, ledger_overdue=0)


def _css(html: str) -> dict:
    return {cls: rgb.upper() for cls, rgb in re.findall(r"\.(ok|bad|withheld) \{ color: #([0-9A-Fa-f]{6}); \}", html)}


def test_the_word_brief_colours_verdicts_and_changes_as_the_html(tmp_path):
    b = _brief()
    css = _css(render_brief_html(b))
    assert set(css) == {"ok", "bad", "withheld"}, css
    write_brief_docx(b, tmp_path / "b.docx")
    d = docx.Document(str(tmp_path / "b.docx"))
    cells = {r.text: r for t in d.tables for c in t._cells for p in c.paragraphs for r in p.runs}
    assert str(cells[VERDICT_ABOVE].font.color.rgb) == css["ok"]          # 达标 green, as the HTML's .ok
    assert str(cells[VERDICT_BELOW].font.color.rgb) == css["bad"]         # 未达标 red
    assert cells[VERDICT_NS].font.color.rgb is None                       # 无显著差异 the text's black
    withheld = next(r for text, r in cells.items() if "不作判定" in text)
    assert str(withheld.font.color.rgb) == css["withheld"]
    assert cells["90.0%"].font.color.rgb is None                          # only the verdict column is coloured
    arrows = {r.text: r for p in d.paragraphs for r in p.runs if r.text in ("↑", "↓")}
    assert str(arrows["↑"].font.color.rgb) == css["ok"] and str(arrows["↓"].font.color.rgb) == css["bad"]
    text = "\n".join(p.text for p in d.paragraphs)
    assert "1. ↑ 创文知晓率由80.0%升至90.0%" in text and "2. ↓ 创文支持率由90.0%降至80.0%" in text

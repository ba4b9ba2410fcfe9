"""The Word brief marks its verdicts and changes in the HTML brief's colours (tracking fixes, item 1): the HTML
(and the PDF printed from it) set 达标 in green, a withheld verdict in brown and each change's ↑/↓ in green/red,
while the Word brief coloured only 未达标 and 逾期 — 达标 was plain black there and the changes had no arrow.
Each colour is read from the HTML's own CSS, so the two cannot drift apart."""

from __future__ import annotations

import re

import docx

from analysis.indicators import VERDICT_ABOVE, VERDICT_BELOW, VERDICT_NS
from report.brief import BriefChange
from report.brief_render import render_brief_html, write_brief_docx
from test_brief_verdict_classes import _brief as verdict_brief


def _brief():
    return verdict_brief(changes=(BriefChange("创文知晓率", "rate", 0.80, 0.90, 0.10, 0.001, "up"),
                                  BriefChange("创文支持率", "rate", 0.90, 0.80, -0.10, 0.001, "down")))


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

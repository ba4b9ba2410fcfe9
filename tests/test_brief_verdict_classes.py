"""Every verdict of the HTML brief's indicator table has its own class (outside audit of the waves loop, item 3):
达标 and 未达标 were coloured, 无显著差异 had no class at all (the class table was keyed by “与目标无显著差异”, a
verdict the analysis never gives).  It now has its own class, ``nodiff``, in a neutral black — as the Word brief
prints it (only 未达标 is red there) — apart from the brown of a verdict withheld for too few answers."""

from __future__ import annotations

import datetime as dt
import re

from analysis.indicators import VERDICT_ABOVE, VERDICT_BELOW, VERDICT_NS
from report.brief import Brief, BriefIndicator, BriefMeasure
from report.brief_render import render_brief_html


def _brief(changes=()) -> Brief:
    """A brief of four indicators, one verdict each (达标, 未达标, 无显著差异, withheld for 12 answers)."""
    def ind(name, verdict, n=700):
        return BriefIndicator(name, "awareness", BriefMeasure("rate", 0.9, 0.88, 0.92, n, 0.9, verdict,
                                                              withheld=n < 30), None)

    return Brief(title="创建全国文明城市工作简报（2026年第三季度）", org="市文明办", date=dt.date(2026, 12, 1),
                 wave="2026Q3", wave_label="2026年第三季度", period=None, previous_label="2026年第二季度", n=3000,
                 indicators=(ind("创文知晓率", VERDICT_ABOVE), ind("创文支持率", VERDICT_BELOW),
                             ind("创文参与率", VERDICT_NS), ind("志愿服务知晓率", VERDICT_NS, n=12)),
                 changes=tuple(changes), problems=(), districts=(), ledger_due=(), ledger_open=0, ledger_overdue=0)


def test_each_verdict_cell_has_its_own_class_and_no_difference_is_neutral():
    html = render_brief_html(_brief())
    cells = dict((text, cls) for cls, text in re.findall(r'<td class="([^"]*)">([^<]*)</td></tr>', html))
    assert cells[VERDICT_ABOVE] == "ok" and cells[VERDICT_BELOW] == "bad" and cells[VERDICT_NS] == "nodiff", cells
    withheld = next(cls for text, cls in cells.items() if "不作判定" in text)
    assert withheld == "withheld"
    css = dict(re.findall(r"\.(nodiff|withheld|ok|bad) \{ color: (#[0-9A-Fa-f]+); \}", html))
    assert css["nodiff"] == "#000" and len(set(css.values())) == 4, css  # neutral black, unlike the other three


def test_the_word_brief_prints_no_difference_in_black(tmp_path):
    """The Word brief's colours, which the HTML's match: 未达标 red, 无显著差异 in the text's black."""
    import docx

    from report.brief_render import write_brief_docx

    write_brief_docx(_brief(), tmp_path / "b.docx")
    runs = {r.text: r for t in docx.Document(str(tmp_path / "b.docx")).tables for c in t._cells
            for p in c.paragraphs for r in p.runs}
    assert runs[VERDICT_NS].font.color.rgb is None
    assert str(runs[VERDICT_BELOW].font.color.rgb) == "C00000"

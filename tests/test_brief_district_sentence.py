"""四、后进区县 says the same in every format: the text brief (`survey brief` without --format) left out the
composite index and the rank range the HTML and DOCX give, and wrote the indicators unabridged.  One
sentence, :meth:`report.brief.BriefDistrict.sentence`, is printed by all three."""

from __future__ import annotations

import datetime as dt

from report.brief import Brief, BriefDistrict, brief_lines
from report.brief_render import render_brief_html, write_brief_docx

LAG = BriefDistrict("北山区", ("城市环境满意度（指数）", "交通秩序满意度（指数）"), 77.4, 5, 4, 6)


def _brief() -> Brief:
    return Brief(title="创建全国文明城市工作简报（2026年第三季度）", org="市文明办", date=dt.date(2026, 12, 1),
                 wave="2026Q3", wave_label="2026年第三季度", period=None, previous_label=None, n=3000,
                 indicators=(), changes=(), problems=(), districts=(LAG,), ledger_due=(), ledger_open=0,
                 ledger_overdue=0)


def test_the_lagging_district_line_is_the_same_in_text_html_and_docx(tmp_path):
    import docx

    sentence = LAG.sentence()
    assert sentence == "北山区：城市环境、交通秩序等2个方面的满意度指数显著低于全市（综合满意度指数77.4，排名第4—6位）。"
    assert "  " + sentence in brief_lines(_brief())
    assert f"<p>{sentence}</p>" in render_brief_html(_brief())
    write_brief_docx(_brief(), tmp_path / "b.docx")
    assert sentence in [p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs]


def test_a_rank_interval_over_every_district_is_not_given_as_a_rank():
    """第1—6位 of six districts tells a meeting nothing about where the lagging district stands (the league cannot
    tell it from any other): the line says 名次尚不能确定 instead; an interval short of that stays as it is."""
    open_rank = BriefDistrict("北山区", ("交通秩序满意度（指数）",), 80.1, 3, 1, 6, ranked=6)
    assert open_rank.sentence() == "北山区：交通秩序满意度（指数）显著低于全市（综合满意度指数80.1，名次尚不能确定）。"
    assert "排名第1—5位" in BriefDistrict("北山区", ("交通秩序满意度（指数）",), 80.1, 3, 1, 5, ranked=6).sentence()
    assert "排名第1位" in BriefDistrict("北山区", ("交通秩序满意度（指数）",), 90.1, 1, 1, 1, ranked=6).sentence()

"""The meeting brief says the same in every format (product rule: inconsistent wording between outputs is a
defect; issue 13: the brief "written in 公文 style like the report").

Found by a fieldwork coordinator comparing the demo's brief_2026Q3.html with brief_2026Q3.docx: the HTML (and the
PDF printed from it) said when the wave was fielded (调查时间为2026年9月1日—9月30日) and closed with the data
source (数据来源：…有效样本…), the Word file and the text printed by `survey brief` said neither; the text brief
also wrote a ledger item as "全市城市环境满意度" with an ISO date where the files write "全市：…" and 2026年7月30日."""

from __future__ import annotations

import datetime as dt

from report.brief import Brief, BriefLedgerItem, brief_lines
from report.brief_render import render_brief_html

PERIOD = "2026年9月1日—9月30日"


def _brief(period=PERIOD) -> Brief:
    item = BriefLedgerItem("ZG-002", "城市环境满意度（满意率）", None, "市城市管理局", dt.date(2026, 7, 30), "待整改", True)
    return Brief(title="创建全国文明城市工作简报（2026年第三季度）", org="市文明办", date=dt.date(2026, 12, 1),
                 wave="2026Q3", wave_label="2026年第三季度", period=period, previous_label="2026年第二季度", n=3914,
                 indicators=(), changes=(), problems=(), districts=(), ledger_due=(item,), ledger_open=1,
                 ledger_overdue=1)


def _docx_text(b: Brief, tmp_path) -> str:
    import docx

    from report.brief_render import write_brief_docx

    path = tmp_path / "brief.docx"
    write_brief_docx(b, path)
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_every_format_says_when_the_wave_was_fielded_and_the_source(tmp_path):
    b = _brief()
    source = "数据来源：2026年第三季度问卷调查（有效样本3,914份），比率按设计加权估计；显著性水平0.05。"
    outputs = {"html": render_brief_html(b), "docx": _docx_text(b, tmp_path), "text": "\n".join(brief_lines(b))}
    for fmt, text in outputs.items():
        assert f"调查时间为{PERIOD}。" in text, fmt
        assert source in text, fmt
        assert text.count("调查时间为") == 1, fmt


def test_without_dates_no_format_invents_a_period(tmp_path):
    b = _brief(period=None)
    for text in (render_brief_html(b), _docx_text(b, tmp_path), "\n".join(brief_lines(b))):
        assert "调查时间" not in text


def test_text_brief_writes_a_ledger_item_as_the_files_do():
    line = next(x for x in brief_lines(_brief()) if x.strip().startswith("ZG-002"))
    assert "全市：城市环境满意度（满意率）" in line and "2026年7月30日" in line and "2026-07-30" not in line


def test_out_without_format_writes_the_files(tmp_path):
    """`survey brief proj --out briefs` printed the text and wrote nothing, --out silently ignored: now it writes
    every format there (with --format only those; with neither the text, as before)."""
    import tracking_world as W

    W.build(tmp_path, waves=1, n=200)
    wave = W.WAVES[0][0]
    rc, out, err = W.survey("brief", tmp_path / "project", "--out", tmp_path / "briefs")
    assert rc == 0, err
    assert sorted(p.name for p in (tmp_path / "briefs").iterdir()) == [f"brief_{wave}.{x}" for x in ("docx", "html", "pdf")]
    assert "一、总体情况" not in out
    rc, out, err = W.survey("brief", tmp_path / "project", "--out", tmp_path / "only", "--format", "html")
    assert rc == 0, err
    assert [p.name for p in (tmp_path / "only").iterdir()] == [f"brief_{wave}.html"]
    rc, out, err = W.survey("brief", tmp_path / "project")
    assert rc == 0 and "一、总体情况" in out

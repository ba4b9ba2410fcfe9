"""report.xlsx as an analyst and a leader read it, on a small one-wave project (tests/small_district_world.py,
``survey report --format xlsx``, about 7 s):

* 区县问题清单: a district's 热点问题前三位 was written on its first row only, so sorting or filtering the sheet (by
  指标, by 问题) left the other rows of that district without it, or under another district's;
* 开放题意见主题: the note said “未归入任何主题的0条回答列于附录” when every answer fell in a theme, pointing to an
  appendix table that is not there;
* the ranking question's score was “综合得分 … 第1位计3分” in the 热点问题 chapter and “平均得分 … 排第1位记k分”
  (k never said) in the appendix: one number under two names, one of them unexplained."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from small_district_world import build
from tracking_world import survey


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = tmp_path_factory.mktemp("readers_fmt")
    project = build(root)
    out = root / "rep"
    rc, _, err = survey("report", str(project.root), "--format", "xlsx", "--out", str(out))
    assert rc == 0, err
    return load_workbook(out / "report.xlsx")


def _tables(wb):
    """{caption without 表N: (header, data rows as value lists, note)} of every table in the workbook."""
    out = {}
    for ws in wb.worksheets:
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        for i, r in enumerate(rows):
            if isinstance(r[0], str) and re.match(r"表\d+ ", r[0]):
                body, j = [], i + 2
                while j < len(rows) and any(v is not None for v in rows[j]):
                    body.append(rows[j])
                    j += 1
                note = rows[j + 1][0] if j + 1 < len(rows) and isinstance(rows[j + 1][0], str) \
                    and rows[j + 1][0].startswith("注：") else ""
                width = max(k + 1 for k, v in enumerate(rows[i + 1]) if v is not None)  # the sheet's columns beyond
                out[r[0].split(" ", 1)[1]] = (rows[i + 1][:width], [b[:width] for b in body], note)
    return out


def test_district_hot_issues_on_every_row_of_the_district(book):
    header, body, _ = _tables(book)["区县问题清单"]
    hot = header.index("热点问题前三位")
    by_district: dict = {}
    for r in body:
        if r[header.index("指标")] != "各项指标":  # a small district listed apart: no problems, no hot issues
            by_district.setdefault(r[0], []).append(r[hot])
    several = {d: v for d, v in by_district.items() if len(v) >= 2}
    assert several, by_district  # the project has a district with two or more problems
    for d, values in by_district.items():
        assert values[0] and len(set(values)) == 1, (d, values)


def test_fill_down_stays_within_its_group():
    """The HTML and DOCX rows keep the value on a district's first row only; the XLSX rows repeat it within the
    district, never into the next one."""
    from report.district_problems import HOT_COLUMN, DistrictList, DistrictProblem, problem_table
    from report.records import Table

    a, b = DistrictList("西城区"), DistrictList("北山区")
    a.hot_issues, b.hot_issues = [("文明养犬", 0.3), ("停车难", 0.2)], []
    a.problems = [DistrictProblem("西城区", f"指标{i}", 0.6, 0.7, 0.8, True, True, 0.65, -0.1, 0.01, "")
                  for i in range(3)]
    b.problems = [DistrictProblem("北山区", "指标0", 0.6, 0.7, 0.8, True, True, 0.65, -0.1, 0.01, "")]
    cols, rows = problem_table([a, b])
    t = Table("区县问题清单", cols, rows, fill_down={HOT_COLUMN: 0})
    assert [r[HOT_COLUMN] for r in t.rows] == ["文明养犬、停车难", "", "", ""]
    assert [r[HOT_COLUMN] for r in t.filled_rows()] == ["文明养犬、停车难"] * 3 + [""]


def test_themes_note_names_the_appendix_only_when_answers_fall_in_no_theme(book):
    _, _, note = _tables(book)["开放题意见主题"]
    assert note.startswith("注：共") and "一条回答可归入多个主题" in note, note
    assert "0条回答" not in note and "列于附录" not in note, note
    assert not any(ws.cell(r, 1).value and "未归入" in str(ws.cell(r, 1).value)
                   for ws in book.worksheets for r in range(1, ws.max_row + 1) if ws.title.endswith("附录"))

    from report.themes import theme_table

    ot = {"n_answers": 120, "n_non_answers": 0, "themes": [], "uncoded": {"n": 7, "answers": []}}
    assert "；未归入任何主题的7条回答列于附录。" in theme_table(ot, "zh")[3]
    assert "7 answers fall in none (listed in the appendix)" in theme_table(ot, "en")[3]
    ot["uncoded"]["n"] = 0
    assert "未归入" not in theme_table(ot, "zh")[3] and "fall in none" not in theme_table(ot, "en")[3]


def test_ranking_score_named_and_explained_alike_in_chapter_and_appendix(book):
    tables = _tables(book)
    head, body, note = tables["排序题结果"]
    appendix = [(h, b, n) for cap, (h, b, n) in tables.items() if "（排序；" in cap]
    assert len(appendix) == 1, list(tables)
    a_head, a_body, a_note = appendix[0]
    assert a_head[-1] == head[head.index("综合得分")] == "综合得分", (head, a_head)
    k = re.search(r"第1位计(\d+)分", note).group(1)
    assert f"第1位计{k}分" in a_note and "k" not in a_note.replace("注：", ""), (note, a_note)
    chapter = {r[0]: r[head.index("综合得分")] for r in body}
    assert {r[0]: r[len(a_head) - 1] for r in a_body if r[0] in chapter} == chapter  # one number, one name


def test_recommend_share_reads_as_every_other_finding(book):
    """“回答“愿意”的占30.8%（29.4%–32.3%）（n=3,914）” had an unnamed interval and two brackets; every other finding
    says 94.9%（95%置信区间：94.2%–95.5%，n=3,914）."""
    lines = [c.value for ws in book.worksheets for r in ws.iter_rows() for c in r
             if isinstance(c.value, str) and "回答“愿意”的占" in c.value]
    assert len(lines) == 1, lines
    assert re.search(r"回答“愿意”的占\d+\.\d%（95%置信区间：\d+\.\d%–\d+\.\d%，n=[\d,]+）。$", lines[0]), lines[0]
    assert "）（" not in lines[0], lines[0]


def test_verdict_count_says_it_counts_the_satisfaction_rate(book):
    """The 摘要 and 主要发现 counted 14 verdicts (each indicator's 满意率) while the 满意度指数及达标判定 table beside
    them gives every satisfaction indicator's 指数 a verdict of its own (交通秩序: 满意率 未达标, 指数 达标); the brief
    said “（满意度类指标按满意率计）”, the report did not."""
    header, body, _ = _tables(book)["满意度指数及达标判定"]
    assert [r[header.index("判定")] for r in body if r[header.index("判定")]]  # the 指数 verdicts are there
    rate_header, rate_body, _ = _tables(book)["主要指标及达标判定"]
    n = sum(1 for r in rate_body if r[rate_header.index("判定")])
    texts = [c.value for name in ("0摘要", "3主要发现") for r in book[name].iter_rows() for c in r
             if isinstance(c.value, str) and c.value.startswith("设有目标的")]
    assert len(texts) == 2, texts
    for t in texts:
        assert t.startswith(f"设有目标的{n}项指标中（满意度类指标按满意率计），"), t

    from report.findings import by_rate

    rates_only = [{"rate": {"verdict": "达标"}, "index": {"verdict": None}}, {"rate": {"verdict": "未达标"}}]
    assert by_rate(rates_only) == "" and by_rate(rates_only, "en") == ""
    assert by_rate(rates_only + [{"rate": {"verdict": "达标"}, "index": {"verdict": "未达标"}}], "en") \
        == " (satisfaction indicators by their rate)"

"""`survey trend --by A2` names the grouping by the question's text (您的年龄) in trend.xlsx's heat sheets and in
the heat map's title, as it names district and site 区县 / 调查点; before, readers saw the raw id "A2"."""

from __future__ import annotations

from openpyxl import load_workbook

import tracking_world as W
from report.tracking_xlsx import write_trend_xlsx
from report.trend import project_trend


def test_a_question_grouping_is_named_by_its_text(tmp_path):
    project = W.build(tmp_path, waves=2, n=300)
    text = project.questionnaire.question("A2").text
    tr = project_trend(project, by="A2", indicators=["composite"], lang="zh")
    assert tr.heat and {h.by_label for h in tr.heat} == {text}
    write_trend_xlsx(tr, tmp_path / "trend.xlsx", lang="zh")
    wb = load_workbook(tmp_path / "trend.xlsx")
    heads = [ws.cell(2, 1).value for ws in wb.worksheets[1:]]
    assert heads and all(h == text for h in heads), heads
    en = project_trend(project, by="district", indicators=["composite"], lang="en")
    assert {h.by_label for h in en.heat} == {"district"}

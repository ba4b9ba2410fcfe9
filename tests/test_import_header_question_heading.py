"""A workbook whose header is on two rows with a *question's* text merged over its matrix rows or options (the
问卷星 export re-laid in Excel: ``3、您对以下方面是否满意`` merged over 环境卫生 / 交通秩序 / 社会治安, ``4、您最关心的
问题有哪些？（可多选）`` over 住房 … 其他) named each column by its lower cell only: 环境卫生 matched no question, Q3 and
Q4 had no column, and every row was quarantined as a required answer missing.  Such a column is now the part of the
question merged over it, as 问卷星's ``3、(环境卫生)`` says it, with or without the question's number; group
headings that are no question (基本情况, 满意度) keep the lower names as before."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cli_capture import init_project, run_main

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
Q3_ROWS = ["环境卫生", "交通秩序", "社会治安"]
Q4_OPTS = ["住房", "就业", "物价", "看病", "上学", "其他"]


def _code_rows() -> list[list[str]]:
    with open(DATA / "wjx_by_code.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _workbook(path: Path, q3: str, q4: str) -> None:
    """wjx_by_code.csv with Q3's and Q4's headers as a heading merged over the rows' / options' names."""
    from openpyxl import Workbook

    rows = _code_rows()
    h = rows[0]
    i3, i4 = h.index("3、(环境卫生)"), h.index("4、(住房)")
    assert h[i3:i3 + 3] == [f"3、({r})" for r in Q3_ROWS] and h[i4:i4 + 6] == [f"4、({o})" for o in Q4_OPTS]
    top = list(h)
    top[i3:i3 + 3] = [q3, None, None]
    top[i4:i4 + 6] = [q4] + [None] * 5
    low = [None] * len(h)
    low[i3:i3 + 3] = Q3_ROWS
    low[i4:i4 + 6] = Q4_OPTS
    wb = Workbook()
    ws = wb.active
    ws.append(top)
    ws.append(low)
    ws.merge_cells(start_row=1, start_column=i3 + 1, end_row=1, end_column=i3 + 3)
    ws.merge_cells(start_row=1, start_column=i4 + 1, end_row=1, end_column=i4 + 6)
    for j in range(len(h)):
        if not (i3 <= j < i3 + 3 or i4 <= j < i4 + 6):
            ws.merge_cells(start_row=1, start_column=j + 1, end_row=2, end_column=j + 1)
    for r in rows[1:]:
        ws.append([int(v) if v.lstrip("-").isdigit() else v for v in r])
    wb.save(path)


def _export(capsys, proj: str) -> str:
    rc, out = run_main(capsys, "export", proj)
    assert rc == 0, out
    return out


@pytest.mark.parametrize("q3, q4", [("3、您对以下方面是否满意", "4、您最关心的问题有哪些？（可多选）"),
                                    ("您对以下方面是否满意", "您最关心的问题有哪些？（可多选）")])
def test_a_question_merged_over_its_rows_and_options_names_them(tmp_path, capsys, q3, q4):
    ref = init_project(tmp_path / "ref", capsys, QFILE)
    rc, out = run_main(capsys, "import", ref, str(DATA / "wjx_by_code.csv"), "--wave", "W")
    assert rc == 0, out
    f = tmp_path / "two_rows.xlsx"
    _workbook(f, q3, q4)
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0, out
    assert "12 accepted, 0 quarantined" in out and "matches no question" not in out, out
    assert "header on rows 1–2" in out, out
    assert _export(capsys, proj) == _export(capsys, ref)  # every answer as the 问卷星 headers give it


def test_a_group_heading_that_is_no_question_keeps_the_names_below(tmp_path, capsys):
    f = tmp_path / "groups.xlsx"
    _workbook(f, "满意度", "关心的问题")  # headings naming no question: 环境卫生 … alone match nothing
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0, out
    assert "column '环境卫生' matches no question" in out and "no column for Q3" in out, out

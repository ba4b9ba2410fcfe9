"""survey convert and number questions: --to xlsform writes ``decimal`` for a number question that takes fractions
(minyi asks a whole number only when both limits are whole numbers, as the web survey does), and --to yaml keeps
a strict bound of an integer strict (``. > 0`` → min 1) and warns, naming the row, when it cannot (a decimal)."""

from __future__ import annotations

import openpyxl

from survey.qload import load_questionnaire
from cli_capture import run_main
from xlsform_files import exported_xlsform

ZH = "label::Chinese (zh)"
QUESTIONNAIRE = """\
id: nums
title: 数字题
language: zh
sections:
  - id: A
    title: 基本
    questions:
      - {id: N1, type: number, text: 年龄, min: 16, max: 99}
      - {id: N2, type: number, text: 月收入, min: 0, unit: 万元}
      - {id: N3, type: number, text: 面积, min: 0.5, max: 500}
      - {id: N4, type: number, text: 身高}
"""


def test_a_number_question_taking_fractions_is_a_decimal(tmp_path, capsys):
    form, out = exported_xlsform(tmp_path, capsys, QUESTIONNAIRE, "nums")
    types = {r[1]: r[0] for r in openpyxl.load_workbook(form)["survey"].iter_rows(min_row=2, values_only=True) if r[1]}
    assert types == {"A": "begin_group", "N1": "integer", "N2": "decimal", "N3": "decimal", "N4": "decimal"}
    back = tmp_path / "back.yaml"
    rc, out = run_main(capsys, "convert", str(form), "--to", "yaml", "--out", str(back))
    assert rc == 0, out
    assert "integer" not in out and "decimal" not in out  # minyi's own form: nothing to warn about
    b = load_questionnaire(back)
    assert [(q.min, q.max) for q in b.questions] == [(16, 99), (0, None), (0.5, 500), (None, None)]


def test_strict_bounds_stay_strict_for_integers_and_are_warned_about_for_decimals(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for r in [["type", "name", ZH, "constraint"],
              ["integer", "times", "次数", ". > 0 and . < 10"],
              ["decimal", "income", "收入", ". > 0 and . <= 100.5"]]:
        ws.append(r)
    wb.create_sheet("choices").append(["list_name", "name", ZH])
    form = tmp_path / "strict.xlsx"
    wb.save(form)
    out_yaml = tmp_path / "strict.yaml"
    rc, out = run_main(capsys, "convert", str(form), "--to", "yaml", "--out", str(out_yaml))
    assert rc == 0, out
    q = load_questionnaire(out_yaml)
    assert (q.question("times").min, q.question("times").max) == (1, 9)
    assert (q.question("income").min, q.question("income").max) == (0, 100.5)
    assert ("warning: strict.xlsx: sheet survey, row 3 (income): constraint '. > 0' excludes 0, but minyi's min is "
            "inclusive: min 0 taken") in out
    assert "row 2 (times): constraint" not in out

"""survey convert --to xlsform with ids of digits (minyi allows 101; an XLSForm name must start with a letter or
_, and pyxform rejected the whole form): exported as q101 with one warning, the minyi sheet carries the id, and
--to yaml gives the same ids back (with the mapping file mapping the Kobo/ODK columns q101… to them)."""

from __future__ import annotations

import openpyxl
import yaml

from survey.qload import load_questionnaire
from cli_capture import run_main
from xlsform_files import exported_xlsform

QUESTIONNAIRE = """\
id: digits
title: 数字编号
language: zh
sections:
  - id: "1"
    title: 基本情况
    questions:
      - id: "101"
        type: single
        text: 您的职业
        options: [工人, 农民, {label: 其他, other: true}]
      - id: "102"
        type: number
        text: 年龄
        min: 16
        max: 99
      - id: "201"
        type: matrix
        text: 满意度
        scale: sat
        rows: [{id: r1, label: 道路}, {id: r2, label: 公交}]
      - id: Q4
        type: text
        text: 建议
        required: false
scales:
  sat:
    options: [{code: 1, label: 满意, score: 100}, {code: 2, label: 不满意, score: 0}]
"""


def test_digit_ids_export_as_valid_names_and_come_back(tmp_path, capsys):
    form, out = exported_xlsform(tmp_path, capsys, QUESTIONNAIRE, "digits")  # a valid XLSForm
    names = [r[1] for r in openpyxl.load_workbook(form)["survey"].iter_rows(min_row=2, values_only=True) if r[1]]
    assert {"q101", "q101_other", "q102", "q201", "q201_r1", "q201_r2", "q1"} <= set(names)
    assert not any(n[0].isdigit() for n in names)
    warned = [ln for ln in out.splitlines() if "101 is named q101" in ln]
    assert len(warned) == 1 and "1 is named q1" in warned[0] and "201 is named q201" in warned[0]

    back = tmp_path / "back.yaml"
    rc, out = run_main(capsys, "convert", str(form), "--to", "yaml", "--out", str(back))
    assert rc == 0, out
    assert "renamed" not in out  # the ids come back as they were: nothing to warn about
    a, b = load_questionnaire(tmp_path / "digits.yaml"), load_questionnaire(back)
    assert [s.id for s in b.sections] == ["1"]
    assert [q.id for q in b.questions] == [q.id for q in a.questions] == ["101", "102", "201", "Q4"]
    assert [r.id for r in b.question("201").rows] == ["r1", "r2"]
    assert b.question("101").has_other and b.question("102").max == 99
    mapping = yaml.safe_load((tmp_path / "back.mapping.yaml").read_text(encoding="utf-8"))
    assert mapping["columns"] == {"q101": "101", "q101_other": "101_other", "q102": "102",
                                  "q201_r1": "201_r1", "q201_r2": "201_r2"}


def test_a_name_the_form_already_uses_is_not_taken(tmp_path, capsys):
    form, out = exported_xlsform(tmp_path, capsys, QUESTIONNAIRE.replace("id: Q4", "id: q101"), "clash")
    assert "101 is named q_101" in out
    back = tmp_path / "back.yaml"
    rc, out = run_main(capsys, "convert", str(form), "--to", "yaml", "--out", str(back))
    assert rc == 0, out
    assert [q.id for q in load_questionnaire(back).questions] == ["101", "102", "201", "q101"]

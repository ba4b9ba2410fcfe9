"""survey convert --to yaml: a relevant that refers to a later question (a group's, or a question's own) is one
message naming the XLSForm, the survey sheet's row and the question referred to; and any other problem the
converted questionnaire has is said at the workbook's row, not at a line of the YAML that was never written."""

from __future__ import annotations


from cli_capture import run_main
from xlsform_files import xlsform_workbook

ZH = "label::Chinese (zh)"


def _form(path, survey):
    return xlsform_workbook(path, survey, [["list_name", "name", ZH], ["yn", "1", "是"], ["yn", "2", "否"]])


def test_group_relevant_on_a_later_question_names_sheet_row_and_question(tmp_path, capsys):
    form = _form(tmp_path / "later.xlsx", [
        ["type", "name", ZH, "relevant"],
        ["begin_group", "g1", "第一部分", "${q5} = '1'"],
        ["select_one yn", "q1", "问题一", None],
        ["select_one yn", "q2", "问题二", None],
        ["end_group", None, None, None],
        ["begin_group", "g2", "第二部分", None],
        ["select_one yn", "q5", "问题五", None],
        ["select_one yn", "q6", "问题六", "${q6} = '1'"],
        ["end_group", None, None, None]])
    out_yaml = tmp_path / "later.yaml"
    rc, out = run_main(capsys, "convert", str(form), "--to", "yaml", "--out", str(out_yaml))
    assert rc == 1 and "Traceback" not in out and not out_yaml.exists()
    errors = [ln for ln in out.splitlines() if "error:" in ln]
    assert len(errors) == 2, out  # the group's relevant once, not once per question in it
    assert errors[0].startswith(f"{form}, row 2: error: on sheet survey, the relevant of group 'g1' (${{q5}} = '1') "
                                "refers to q5 (sheet survey, row 7), which comes later in the form")
    assert errors[1].startswith(f"{form}, row 8: error: on sheet survey, the relevant of question 'q6'")
    assert "which is the question itself" in errors[1]
    assert ".yaml" not in out


def test_a_problem_of_the_converted_questionnaire_is_said_at_the_workbook_row(tmp_path, capsys):
    form = _form(tmp_path / "bad.xlsx", [
        ["type", "name", ZH, "constraint"],
        ["select_one yn", "q1", "问题一", None],
        [None, None, None, None],
        ["integer", "n-1", "次数", ". >= 10 and . <= 5"]])
    rc, out = run_main(capsys, "convert", str(form), "--to", "yaml")
    assert rc == 1 and "Traceback" not in out
    assert "bad.yaml" not in out  # the YAML that was never written
    assert f"{form}, row 4: error: sheet survey, question 'n-1' (minyi id n_1): n_1: min 10 is greater than max 5" \
        in out

"""survey convert --to yaml and choices: the "other" choice pyxform adds for ``or_other`` is 其他 on a Chinese
form (Other on an English one), and choice names that are not the codes minyi gives them (1.5, 01) are warned
about, naming the list, the names and the codes, with the mapping file mapping them."""

from __future__ import annotations

import yaml

from survey.qload import load_questionnaire
from cli_capture import run_main
from xlsform_files import xlsform_workbook

ZH, EN = "label::Chinese (zh)", "label::English (en)"


def _form(path, survey, choices, lang):
    return xlsform_workbook(path, survey, choices, [["default_language"], [lang]])


def test_or_other_is_qita_on_a_chinese_form_and_other_on_an_english_one(tmp_path, capsys):
    zh = _form(tmp_path / "zh.xlsx", [["type", "name", ZH], ["select_one job or_other", "job", "您的职业"]],
               [["list_name", "name", ZH], ["job", "1", "工人"], ["job", "2", "农民"]], "Chinese (zh)")
    en = _form(tmp_path / "en.xlsx", [["type", "name", "label::English (en)"], ["select_one job or_other", "job", "Job"]],
               [["list_name", "name", EN], ["job", "1", "Worker"], ["job", "2", "Farmer"]], "English (en)")
    for form, want in ((zh, "其他"), (en, "Other")):
        out_yaml = form.with_suffix(".yaml")
        rc, out = run_main(capsys, "convert", str(form), "--to", "yaml", "--out", str(out_yaml))
        assert rc == 0, out
        other = load_questionnaire(out_yaml).question("job").options[-1]
        assert other.other and other.label == want


def test_choice_names_renumbered_are_warned_about_and_mapped(tmp_path, capsys):
    form = _form(tmp_path / "names.xlsx",
                 [["type", "name", ZH], ["select_one hours", "h1", "每天几小时"], ["select_one hours", "h2", "周末几小时"],
                  ["select_one lvl", "lv", "等级"], ["select_one yn", "ok", "同意吗"]],
                 [["list_name", "name", ZH], ["hours", "0.5", "半小时"], ["hours", "1.5", "一个半小时"],
                  ["lvl", "01", "一级"], ["lvl", "02", "二级"], ["yn", "1", "是"], ["yn", "2", "否"]], "Chinese (zh)")
    out_yaml = tmp_path / "names.yaml"
    rc, out = run_main(capsys, "convert", str(form), "--to", "yaml", "--out", str(out_yaml))
    assert rc == 0, out
    warned = [ln for ln in out.splitlines() if ln.startswith("warning:") and "sheet choices, list" in ln]
    assert len(warned) == 2, out  # hours once though two questions use it; yn keeps its names as codes
    assert "list hours" in warned[0] and "0.5 → 1, 1.5 → 2" in warned[0]
    assert "list lvl" in warned[1] and "01 → 1, 02 → 2" in warned[1]
    q = load_questionnaire(out_yaml)
    assert q.question("lv").codes == [1, 2] and q.question("h2").codes == [1, 2]
    mapping = yaml.safe_load((tmp_path / "names.mapping.yaml").read_text(encoding="utf-8"))
    assert mapping["values"] == {"h1": {"0.5": 1, "1.5": 2}, "h2": {"0.5": 1, "1.5": 2}, "lv": {"01": 1, "02": 2}}

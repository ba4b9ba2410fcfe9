"""`survey convert --to yaml` keeps the questionnaire's wording: typographic quotes (“文明实践志愿服务”, which
pyxform's parser straightens in every cell) and a number question's unit (written to the label as （次） for
ODK's screen, and to a minyi_unit column) come back as they were."""

from __future__ import annotations

import openpyxl

from survey.qload import bundled_path, load_questionnaire
from survey.xlsform import xlsform_to_yaml
from tracking_world import survey


def test_round_trip_keeps_every_text_and_unit(tmp_path):
    a = load_questionnaire(bundled_path())
    assert any("“" in q.text for q in a.questions) and any(q.unit for q in a.questions)  # the test can fail
    assert survey("convert", bundled_path(), "--to", "xlsform", "--out", tmp_path / "f.xlsx")[0] == 0
    rc, _, err = survey("convert", tmp_path / "f.xlsx", "--to", "yaml", "--out", tmp_path / "back.yaml")
    assert rc == 0, err
    b = load_questionnaire(tmp_path / "back.yaml")
    for x, y in zip(a.questions, b.questions):
        assert (x.id, x.text, x.note, x.unit) == (y.id, y.text, y.note, y.unit)
        assert [r.label for r in x.rows] == [r.label for r in y.rows]
        assert [o.label for o in x.options] == [o.label for o in y.options]


ZH = "label::Chinese (zh)"


def test_kobo_form_with_typographic_quotes(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in [["type", "name", ZH, "relevant"],
                ["select_one yn", "aware", "您是否知道“文明实践志愿服务”？", None],
                ["select_one yn", "join", "您是否参加过‘志愿服务’活动？", "${aware} = “yes”"],
                ["text", "say", "您对“文明实践”有何建议？", None]]:
        ws.append(row)
    ch = wb.create_sheet("choices")
    for row in [["list_name", "name", ZH], ["yn", "yes", "知道（“是”）"], ["yn", "no", "不知道"]]:
        ch.append(row)
    st = wb.create_sheet("settings")
    st.append(["form_title", "form_id", "default_language"])
    st.append(["调查", "s", "Chinese (zh)"])
    wb.save(tmp_path / "kobo.xlsx")
    conv = xlsform_to_yaml(tmp_path / "kobo.xlsx")
    (tmp_path / "q.yaml").write_text(conv.yaml_text, encoding="utf-8")
    q = load_questionnaire(tmp_path / "q.yaml")
    assert q.question("aware").text == "您是否知道“文明实践志愿服务”？"
    assert q.question("join").text == "您是否参加过‘志愿服务’活动？"
    assert q.question("say").text == "您对“文明实践”有何建议？"
    assert [o.label for o in q.question("aware").options] == ["知道（“是”）", "不知道"]
    assert q.question("join").when  # the smart-quoted relevant is still read as a condition

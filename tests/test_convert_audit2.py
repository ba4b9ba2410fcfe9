"""survey convert, second audit: names kept or renamed with a warning and a mapping entry (Kobo data imported
under the right question), the input never overwritten and wrong output names refused, table-list groups,
and the YAML → XLSForm → YAML round trip keeping what changes results."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest
import yaml

from survey.qload import bundled_path, load_questionnaire
from xlsform_files import xlsform_workbook

ZH, EN = "label::Chinese (zh)", "label::English (en)"


def _cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True,
                          cwd=cwd)


def _kobo_import(tmp_path, questionnaire, data):
    """A project at tmp_path/p for ``questionnaire`` with the KoboToolbox export ``data`` imported through the
    mapping file names2.mapping.yaml that the conversion wrote: its stored responses."""
    from survey.store import Project

    assert _cli("init", str(tmp_path / "p"), "-q", str(questionnaire)).returncode == 0
    r = _cli("import", str(tmp_path / "p"), str(data), "--format", "kobo", "--mapping",
             str(tmp_path / "names2.mapping.yaml"))
    assert r.returncode == 0, r.stderr
    return Project.open(tmp_path / "p").raw_responses()


def _names2(path):
    return xlsform_workbook(path, [["type", "name", ZH, "required", "relevant"],
                           ["select_one yn", "q-1", "问题一", "yes", None],
                           ["select_one yn", "q_1", "问题二", "yes", "${q-1} = 'y'"],
                           ["text", "性别", "问题四", None, None]],
                    [["list_name", "name", ZH], ["yn", "y", "是"], ["yn", "n", "否"]])


def test_valid_names_are_kept_and_a_rename_is_warned_and_mapped_so_kobo_data_lands_right(tmp_path):
    form = _names2(tmp_path / "names2.xlsx")
    out = tmp_path / "names2.yaml"
    r = _cli("convert", str(form), "--to", "yaml", "--out", str(out))
    assert r.returncode == 0, r.stderr
    q = load_questionnaire(out)
    by_text = {qq.text: qq.id for qq in q.questions}
    assert by_text["问题二"] == "q_1" and by_text["问卷一" if False else "问题四"] == "性别"  # valid ids kept
    new = by_text["问题一"]
    assert new not in ("q-1", "q_1")
    assert f"'q-1' renamed to {new}" in r.stderr  # the rename is said, old → new
    assert q.question("q_1").when == f"{new} == 1"
    mapping = yaml.safe_load((tmp_path / "names2.mapping.yaml").read_text(encoding="utf-8"))
    assert mapping["columns"] == {"q-1": new}
    # a KoboToolbox export (XML values) of that form, imported with the mapping: each answer under its question
    data = tmp_path / "names_kobo.csv"
    data.write_text("_id,q-1,q_1,性别\n1,y,n,男\n2,y,n,女\n3,n,,女\n", encoding="utf-8")
    d = _kobo_import(tmp_path, out, data)
    assert d[new].tolist() == [1.0, 1.0, 2.0]  # 问题一: y, y, n
    assert d["q_1"].tolist()[:2] == [2.0, 2.0]  # 问题二: n, n
    assert d["性别"].tolist() == ["男", "女", "女"]


def test_group_path_headers_take_the_mapping_of_the_bare_name(tmp_path):
    form = _names2(tmp_path / "names2.xlsx")
    out = tmp_path / "names2.yaml"
    assert _cli("convert", str(form), "--to", "yaml", "--out", str(out)).returncode == 0
    new = {qq.text: qq.id for qq in load_questionnaire(out).questions}["问题一"]
    data = tmp_path / "kobo.csv"
    data.write_text("_id,grp/q-1,grp/q_1,grp/性别\n1,n,,男\n2,y,y,女\n", encoding="utf-8")
    d = _kobo_import(tmp_path, out, data)
    assert d[new].tolist() == [2.0, 1.0]


def test_names_differing_in_case_only_are_renamed_not_an_error(tmp_path):
    form = xlsform_workbook(tmp_path / "n.xlsx", [["type", "name", ZH], ["select_one yn", "q_1", "一"],
                                           ["select_one yn", "Q_1", "二"]],
                    [["list_name", "name", ZH], ["yn", "1", "是"], ["yn", "2", "否"]])
    out = tmp_path / "n.yaml"
    r = _cli("convert", str(form), "--to", "yaml", "--out", str(out))
    assert r.returncode == 0, r.stderr
    ids = [qq.id for qq in load_questionnaire(out).questions]
    assert ids[0] == "q_1" and ids[1].casefold() != "q_1" and f"'Q_1' renamed to {ids[1]}" in r.stderr
    assert yaml.safe_load((tmp_path / "n.mapping.yaml").read_text(encoding="utf-8"))["columns"] == {"Q_1": ids[1]}


def test_convert_never_overwrites_its_input(tmp_path):
    form = _names2(tmp_path / "f.xlsx")
    before = form.read_bytes()
    r = _cli("convert", str(form), "--to", "yaml", "--out", str(form))
    assert r.returncode == 2 and "input file" in r.stderr
    assert form.read_bytes() == before
    r = _cli("convert", "f.xlsx", "--to", "yaml", "--out", "./f.xlsx", cwd=tmp_path)
    assert r.returncode == 2 and form.read_bytes() == before


@pytest.mark.parametrize("to,name", [("xlsform", "out.yaml"), ("xlsform", "out.csv"), ("xlsform", "out.xls"),
                                     ("yaml", "out.xlsx"), ("yaml", "out.csv")])
def test_wrong_output_extension_is_a_usage_error_and_writes_nothing(tmp_path, to, name):
    src = _names2(tmp_path / "f.xlsx") if to == "yaml" else bundled_path()
    r = _cli("convert", str(src), "--to", to, "--out", str(tmp_path / name))
    assert r.returncode == 2, r.stderr
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr
    assert (".xlsx" if to == "xlsform" else ".yaml") in r.stderr
    assert not (tmp_path / name).exists()


def test_table_list_group_keeps_its_label_and_gets_no_reserved_question(tmp_path):
    form = xlsform_workbook(tmp_path / "k.xlsx", [
        ["type", "name", ZH, "appearance"],
        ["select_one yn", "knows", "是否知道", None],
        ["begin_group", "g_sat", "满意度", "table-list"],
        ["select_one sat", "sat_env", "环境", None],
        ["select_one sat", "sat_traffic", "交通", None],
        ["end_group", "g_sat", None, None]],
        [["list_name", "name", ZH], ["yn", "yes", "是"], ["yn", "no", "否"],
         ["sat", "1", "满意"], ["sat", "2", "一般"], ["sat", "3", "不满意"]])
    out = tmp_path / "k.yaml"
    r = _cli("convert", str(form), "--to", "yaml", "--out", str(out))
    assert r.returncode == 0, r.stderr
    q = load_questionnaire(out)
    assert not any("reserved_name" in qq.id or "generated_table_list" in qq.id for qq in q.questions)
    assert "generated_table_list" not in r.stderr and "reserved_name" not in r.stderr
    sec = next(s for s in q.sections if s.id == "g_sat")
    assert sec.title == "满意度"
    assert [qq.id for qq in sec.questions] == ["sat_env", "sat_traffic"]


def _model(q) -> dict:
    """The questionnaire model as plain data, without source positions and the shared-scale bookkeeping (a
    scale comes back written out in each question: same options, scores and positive codes)."""
    from dataclasses import asdict

    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in ("line", "column", "source", "scale", "scales")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x

    return strip(asdict(q))


def test_civic_questionnaire_round_trip_through_xlsform_is_the_same_model(tmp_path):
    form, back = tmp_path / "civic.xlsx", tmp_path / "back.yaml"
    r = _cli("convert", str(bundled_path()), "--to", "xlsform", "--out", str(form))
    assert r.returncode == 0 and "pyxform accepts it" in r.stdout, r.stderr
    assert "shared scales" in r.stderr  # the one documented, warned difference
    r = _cli("convert", str(form), "--to", "yaml", "--out", str(back))
    assert r.returncode == 0, r.stderr
    a, b = load_questionnaire(bundled_path()), load_questionnaire(back)
    ma, mb = _model(a), _model(b)
    for key in ma:
        if key != "sections":
            assert ma[key] == mb[key], key
    for sa, sb in zip(ma["sections"], mb["sections"]):
        assert {k: v for k, v in sa.items() if k != "questions"} == {k: v for k, v in sb.items() if k != "questions"}
        for qa, qb in zip(sa["questions"], sb["questions"]):
            assert qa == qb, qa["id"]
    assert len(ma["sections"]) == len(mb["sections"])
    assert b.question("A1").options[0].i18n == {"en": {"label": "Male"}}  # label::English (en) read back


RT2 = """\
id: rt2
title: 往返
language: zh
version: "3"
description: 卷首语内容
scales:
  s3:
    options:
      - {code: 5, label: 好, score: 100}
      - {code: 3, label: 中, score: 50}
      - {code: 1, label: 差, score: 0}
      - {code: 9, label: 说不清, na: true}
    positive: [5]
sections:
  - id: A
    title: 基本
    title_en: Basics
    questions:
      - {id: Q1, type: scale, text: 一, text_en: One, scale: s3, positive: [5, 3], note: 注释一, note_en: Note one,
         required: false}
      - {id: Q5, type: yesno, text: 五, options: [参加过, 没有参加过]}
      - {id: Q7, type: matrix, text: 七, scale: s3, rows: [{id: a, label: 行A, area: env}, {id: b, label: 行B}],
         positive: [5], area: env}
      - {id: Q8, type: single, text: 八, options: [甲, 乙, 丙], when: 'Q5 == "参加过" and Q1 not in ["差"]'}
      - {id: Q9, type: multiple, text: 九, options: [a, b, {code: 99, label: 以上都没有, exclusive: true}], min: 1}
areas:
  - {id: env, name: 环境, weight: 1}
"""


def test_round_trip_keeps_positive_yesno_when_text_and_translations(tmp_path):
    src, form, back = tmp_path / "rt2.yaml", tmp_path / "rt2.xlsx", tmp_path / "back.yaml"
    src.write_text(RT2, encoding="utf-8")
    assert _cli("convert", str(src), "--to", "xlsform", "--out", str(form)).returncode == 0
    r = _cli("convert", str(form), "--to", "yaml", "--out", str(back))
    assert r.returncode == 0, r.stderr
    a, b = load_questionnaire(src), load_questionnaire(back)
    assert b.question("Q7").positive == [5] and b.question("Q1").positive == [5, 3]  # 满意率 unchanged
    assert b.question("Q5").type == "yesno"
    assert b.question("Q8").when == a.question("Q8").when  # labels, as written
    assert b.description == "卷首语内容" and [x.id for x in b.areas] == ["env"]
    assert b.question("Q7").area == "env" and b.question("Q7").rows[0].area == "env"
    assert b.question("Q9").min == 1
    assert b.question("Q1").i18n == {"en": {"text": "One", "note": "Note one"}}
    assert b.sections[0].i18n == {"en": {"title": "Basics"}}
    assert _model(a) == _model(b)


def _without_minyi_sheet(path):
    """The workbook as ODK/KoboToolbox users pass it on (their tools drop sheets they do not know)."""
    wb = openpyxl.load_workbook(path)
    if "minyi" in wb.sheetnames:
        del wb["minyi"]
    wb.save(path)
    return path


def test_exclusive_option_alone_meets_min_in_the_exported_constraint(tmp_path):
    src, form, back = tmp_path / "m.yaml", tmp_path / "m.xlsx", tmp_path / "back.yaml"
    src.write_text("id: m\ntitle: m\nsections:\n  - id: A\n    title: A\n    questions:\n"
                   "      - {id: Q6, type: multiple, text: 六, min: 2, options: [a, b, c, "
                   "{code: 99, label: 以上都没有, exclusive: true}]}\n", encoding="utf-8")
    assert _cli("convert", str(src), "--to", "xlsform", "--out", str(form)).returncode == 0
    cons = next(r[6] for r in openpyxl.load_workbook(form)["survey"].iter_rows(values_only=True) if r[1] == "Q6")
    # 以上都没有 alone: count-selected = 1, selected(., '99') true → the min part holds
    assert "(count-selected(.) >= 2 or selected(., '99'))" in cons
    assert "not(selected(., '99') and count-selected(.) > 1)" in cons
    _without_minyi_sheet(form)
    r = _cli("convert", str(form), "--to", "yaml", "--out", str(back))
    assert r.returncode == 0 and "partly converted" not in r.stderr, r.stderr
    q6 = load_questionnaire(back).question("Q6")
    assert q6.min == 2 and [o.exclusive for o in q6.options] == [False, False, False, True]


def test_not_in_condition_reads_back_from_the_xpath(tmp_path):
    src, form, back = tmp_path / "c.yaml", tmp_path / "c.xlsx", tmp_path / "back.yaml"
    src.write_text("id: c\ntitle: c\nsections:\n  - id: A\n    title: A\n    questions:\n"
                   "      - {id: Q1, type: single, text: a, options: [甲, 乙, 丙], required: false}\n"
                   "      - {id: C1, type: text, text: c1, when: 'Q1 not in [1, 2]'}\n"
                   "      - {id: C2, type: text, text: c2, when: 'not (Q1 == 1 or Q1 == 3)'}\n", encoding="utf-8")
    assert _cli("convert", str(src), "--to", "xlsform", "--out", str(form)).returncode == 0
    _without_minyi_sheet(form)
    r = _cli("convert", str(form), "--to", "yaml", "--out", str(back))
    assert r.returncode == 0 and "not converted" not in r.stderr, r.stderr
    import numpy as np

    from survey.simulate import simulate
    from survey.skip import asked_masks

    a, b = load_questionnaire(src), load_questionnaire(back)
    assert b.question("C1").when and b.question("C2").when
    data = simulate(a, 300, seed=5)
    ma, mb = asked_masks(a, data), asked_masks(b, data)
    for qid in ("C1", "C2"):
        assert np.array_equal(ma[qid], mb[qid]), qid

"""XLSForm conversion: minyi YAML → XLSForm accepted by pyxform, and a hand-made XLSForm → minyi YAML."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pyxform.xls2xform import convert as pyxform_convert

from survey import expr as E
from survey.errors import MinyiError
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate
from survey.skip import asked_masks
from survey.xlsform import xlsform_to_yaml
from survey.xpath_when import _Ctx, when_to_xpath, xpath_to_when

ZH, EN = "label::Chinese (zh)", "label::English (en)"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def civic_xlsform(tmp_path_factory):
    out = tmp_path_factory.mktemp("xf") / "civic.xlsx"
    r = _cli("convert", str(bundled_path()), "--to", "xlsform", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "pyxform accepts it" in r.stdout
    return out


def test_bundled_questionnaire_to_xlsform_is_accepted_by_pyxform(civic_xlsform, tmp_path):
    warnings: list = []
    res = pyxform_convert(str(civic_xlsform), warnings=warnings)
    xform = res.xform
    assert "<h:title>创建全国文明城市干部群众热点问题调查问卷</h:title>" in xform
    # B7 is asked when B6 == "参加过" (code 1); section H only at site 机关 (A5 code 1)
    assert "nodeset=\"/data/B/B7\"" in xform and "relevant=\" /data/B/B6  = '1'\"" in xform
    assert "<bind nodeset=\"/data/H\" relevant=\" /data/A/A5  = '1'\"/>" in xform
    # B2 when B1 != "不知道" (code 3): false when B1 is missing, as in minyi
    assert "relevant=\" /data/B/B1  != '3' and  /data/B/B1  != ''\"" in xform
    # B7: at most 3 selections; matrix rows as select_one in a table-list group
    assert "count-selected(.) &lt;= 3" in xform
    assert '<group appearance="field-list" ref="/data/C/C1">' in xform  # pyxform's rendering of table-list
    assert 'ref="/data/C/C1/C1_r12"' in xform
    # B2 (multiple choice) option 8 其他: its fill-in is the text question B2_other, asked when 8 is chosen
    assert '<bind nodeset="/data/B/B2_other" type="string" relevant="selected( /data/B/B2 , \'8\')"/>' in xform
    assert "<input ref=\"/data/B/B2_other\">" in xform
    # the xls2xform command line tool accepts it too
    r = subprocess.run([sys.executable, "-m", "pyxform.xls2xform", str(civic_xlsform), str(tmp_path / "f.xml")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "f.xml").stat().st_size > 10000


def test_round_trip_keeps_questions_and_skip_logic(civic_xlsform, tmp_path):
    out = tmp_path / "back.yaml"
    r = _cli("convert", str(civic_xlsform), "--to", "yaml", "--out", str(out))
    assert r.returncode == 0, r.stderr
    a, b = load_questionnaire(bundled_path()), load_questionnaire(out)
    assert [q.id for q in a.questions] == [q.id for q in b.questions]
    assert a.n_items == b.n_items == 120
    for x, y in zip(a.questions, b.questions):
        assert [(o.code, o.label) for o in x.options] == [(o.code, o.label) for o in y.options], x.id
        assert [(r.id, r.label) for r in x.rows] == [(r.id, r.label) for r in y.rows]
        assert x.required == y.required
        assert [o.exclusive for o in x.options] == [o.exclusive for o in y.options]
        assert [o.other for o in x.options] == [o.other for o in y.options]
    assert b.question("C1").type == "matrix" and b.question("L1").type == "scale"
    assert [o.score for o in b.question("C1").options] == [100, 80, 60, 40, 20, None]
    assert b.question("B7").max == 3
    # the same respondents are asked the same questions (site sections became conditions on A5)
    data = simulate(a, 400, seed=3)
    ma, mb = asked_masks(a, data), asked_masks(b, data)
    for qid in ma:
        assert np.array_equal(ma[qid], mb[qid]), qid


def _handmade(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in [
        ["type", "name", ZH, EN, "required", "relevant", "constraint", "appearance", "hint::Chinese (zh)", "calculation"],
        ["start", "start", None, None, None, None, None, None, None],
        ["begin group", "basic", "基本情况", "Basics", None, None, None, None, None],
        ["select_one yn", "aware", "您是否知道我市正在创建文明城市？", "Aware?", "yes", None, None, None, None],
        ["select_multiple ch", "channel", "您通过哪些渠道了解？", "Channels", "yes", "${aware} = 'yes'",
         "count-selected(.) <= 2 and not(selected(., 'none') and count-selected(.) > 1)", None, "最多选两项"],
        ["integer", "times", "参加活动的次数", "Times", "yes", None, ". >= 0 and . <= 99", None, None],
        ["note", "thanks", "谢谢", "Thanks", None, None, None, None, None],
        ["end group", None, None, None, None, None, None, None, None],
        ["begin group", "sat", "满意度", "Satisfaction", None, "selected(${channel}, 'tv')", None, "field-list", None],
        ["select_one s3", "env", "环境卫生", "Environment", "yes", None, None, None, None],
        ["select_one s3", "traffic", "交通秩序", "Traffic", None, None, None, None, None],
        ["end group", None, None, None, None, None, None, None, None],
        ["text", "advice", "您的建议", "Advice", None, "${times} > 3 and ${aware} != 'no'", None, None, None],
        ["calculate", "score", None, None, None, None, None, None, None, "${times} * 2"],
    ]:
        ws.append(row)
    ch = wb.create_sheet("choices")
    for row in [["list_name", "name", ZH, EN],
                ["yn", "yes", "知道", "Yes"], ["yn", "no", "不知道", "No"],
                ["ch", "tv", "电视", "TV"], ["ch", "paper", "报纸", "Paper"], ["ch", "net", "网络", "Internet"],
                ["ch", "none", "以上都没有", "None"],
                ["s3", "1", "满意", "Satisfied"], ["s3", "2", "一般", "Neutral"], ["s3", "3", "不满意", "Dissatisfied"]]:
        ch.append(row)
    st = wb.create_sheet("settings")
    st.append(["form_title", "form_id", "version", "default_language"])
    st.append(["创文知晓度调查", "cw_survey", "3", "Chinese (zh)"])
    wb.save(path)
    return path


def test_handmade_xlsform_to_yaml(tmp_path):
    form = _handmade(tmp_path / "form.xlsx")
    pyxform_convert(str(form))  # it is a valid XLSForm to begin with
    out = tmp_path / "q.yaml"
    r = _cli("convert", str(form), "--to", "yaml", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "'thanks' (note)" in r.stderr and "'score' (calculate)" in r.stderr  # left out, and said so
    q = load_questionnaire(out)
    assert (q.id, q.title, q.version, q.language) == ("cw_survey", "创文知晓度调查", "3", "zh")
    # choice names that are not numbers get codes 1..n, and a mapping file for exports holding XML values
    import yaml

    mp = yaml.safe_load((tmp_path / "q.mapping.yaml").read_text(encoding="utf-8"))
    assert mp == {"values": {"aware": {"yes": 1, "no": 2}, "channel": {"tv": 1, "paper": 2, "net": 3, "none": 4}}}
    assert [s.id for s in q.sections] == ["basic", "sat", "S3"]
    assert [(x.id, x.type) for x in q.questions] == [("aware", "single"), ("channel", "multiple"), ("times", "number"),
                                                     ("env", "single"), ("traffic", "single"), ("advice", "text")]
    aware, channel, times = q.question("aware"), q.question("channel"), q.question("times")
    assert [(o.code, o.label) for o in aware.options] == [(1, "知道"), (2, "不知道")]
    assert [(o.code, o.label, o.exclusive) for o in channel.options] == [
        (1, "电视", False), (2, "报纸", False), (3, "网络", False), (4, "以上都没有", True)]
    assert channel.max == 2 and channel.note == "最多选两项"
    assert (times.min, times.max, times.required) == (0, 99, True)
    assert [(o.code, o.label) for o in q.question("env").options] == [(1, "满意"), (2, "一般"), (3, "不满意")]
    assert q.question("env").required and not q.question("traffic").required and not q.question("advice").required
    assert channel.when == "aware == 1"
    assert q.question("env").when == "channel selected 1" == q.question("traffic").when
    assert q.question("advice").when == "times > 3 and aware != 2"
    # and the conditions mean what the form meant
    frame = pd.DataFrame({"aware": [1, 1, 2, np.nan], "channel_1": [1, 0, np.nan, np.nan],
                          "channel_2": [0, 1, np.nan, np.nan], "channel_3": [0, 0, np.nan, np.nan],
                          "channel_4": [0, 0, np.nan, np.nan], "times": [5, 2, 9, 9]}, dtype=float)
    m = asked_masks(q, frame)
    assert m["channel"].tolist() == [True, True, False, False]
    assert m["env"].tolist() == [True, False, False, False]
    assert m["advice"].tolist() == [True, False, False, False]  # aware missing: != is false, as in ODK's answer


def test_expression_translation_both_ways(tmp_path):
    q = load_questionnaire(bundled_path())
    cases = {
        'B6 == "参加过"': "${B6} = '1'",
        'B1 in ["知道", "听说过但不太了解"]': "${B1} = '1' or ${B1} = '2'",
        "K4 >= 3 and not B9 == 2": "${K4} >= 3 and not(${B9} = '2')",
        'B2 selected "电视广播" or answered(K4)': "selected(${B2}, '1') or ${K4} != ''",
        "C1.r3 <= 2": "${C1_r3} <= 2",
        "answered(B2)": "count-selected(${B2}) > 0",
    }
    for text, want in cases.items():
        assert when_to_xpath(text, q) == want, text
    ctx = _Ctx(names={"a": "Q1", "m": "Q2", "n": "Q3", "row1": "M.r1"},
               codes={"Q1": {"yes": 1, "no": 2}, "Q2": {"x": 1, "y": 2}, "M": {"1": 1, "2": 2}},
               types={"Q1": "single", "Q2": "multiple", "Q3": "number", "M": "matrix"})
    back = {
        "${a} = 'yes'": "Q1 == 1",
        "${a} != 'no' and ${a} != ''": "Q1 != 2",
        "not(selected(${m}, 'y')) or ${n} >= 18": "not (Q2 selected 2) or Q3 >= 18",
        "count-selected(${m}) > 0": "answered(Q2)",
        "string-length(${n}) = 0": "not (answered(Q3))",
        "(${a} = 'yes' or ${a} = 'no') and ${row1} < 2": "(Q1 == 1 or Q1 == 2) and M.r1 < 2",
        "18 <= ${n}": "Q3 >= 18",
    }
    for xp, want in back.items():
        got = xpath_to_when(xp, ctx)
        assert got == want, xp
        E.parse(got)
    for bad in ("${a} = 'maybe'", "${zz} = 1", "concat(${a}, 'x') = 'y'", "${a} = "):
        with pytest.raises(ValueError):
            xpath_to_when(bad, ctx)


def test_unreadable_or_invalid_forms_are_one_clear_error(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    r = _cli("convert", str(junk), "--to", "yaml")
    assert r.returncode == 1 and "Traceback" not in r.stderr and "junk.xlsx" in r.stderr
    wb = openpyxl.Workbook()
    wb.active.title = "survey"
    wb.active.append(["type", "name", "label"])
    wb.active.append(["select_one nolist", "q1", "问题"])
    wb.save(tmp_path / "nolist.xlsx")
    with pytest.raises(MinyiError):
        xlsform_to_yaml(tmp_path / "nolist.xlsx")
    r = _cli("convert", str(bundled_path()), "--to", "pdf")
    assert r.returncode == 2


# ----------------------------------------------------------------------------- "other, please specify"
OTHER_Q = """\
id: oth
title: 其他测试
sections:
  - id: A
    title: 基本
    questions:
      - id: Q1
        type: single
        text: 您最关心哪方面？
        options: [社区服务, 交通, {label: 其他, other: true}]
      - id: Q2
        type: multiple
        text: 您通过哪些渠道了解？
        options: [电视, 网络, {label: 其他, other: true}]
      - id: Q3
        type: single
        text: 您是否满意？
        options: [是, 否]
      - id: Q4
        type: yesno
        text: 是否参加过志愿活动？
        options: [是, 否, {label: 其他情况, other: true}]
"""


@pytest.fixture()
def other_form(tmp_path):
    qf = tmp_path / "q.yaml"
    qf.write_text(OTHER_Q, encoding="utf-8")
    out = tmp_path / "f.xlsx"
    r = _cli("convert", str(qf), "--to", "xlsform", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return qf, out


def test_other_fill_in_is_a_text_question_after_its_select(other_form):
    _, form = other_form
    rows = [r[:2] + (r[5],) for r in openpyxl.load_workbook(form)["survey"].iter_rows(min_row=2, values_only=True)]
    assert rows == [
        ("begin_group", "A", None),
        ("select_one Q1", "Q1", None), ("text", "Q1_other", "selected(${Q1}, '3')"),
        ("select_multiple Q2", "Q2", None), ("text", "Q2_other", "selected(${Q2}, '3')"),
        ("select_one Q3", "Q3", None),  # no "other" option: no fill-in
        ("select_one Q4", "Q4", None), ("text", "Q4_other", "selected(${Q4}, '3')"),
        ("end_group", None, None),
    ]
    xform = pyxform_convert(str(form)).xform
    for qid in ("Q1", "Q2", "Q4"):
        assert (f'<bind nodeset="/data/A/{qid}_other" type="string" '
                f'relevant="selected( /data/A/{qid} , \'3\')"/>') in xform
        assert f'<input ref="/data/A/{qid}_other">' in xform
    assert "Q3_other" not in xform


def test_other_fill_in_maps_back_to_the_option(other_form, tmp_path):
    qf, form = other_form
    out = tmp_path / "back.yaml"
    r = _cli("convert", str(form), "--to", "yaml", "--out", str(out))
    assert r.returncode == 0, r.stderr
    a, b = load_questionnaire(qf), load_questionnaire(out)
    assert [x.id for x in b.questions] == ["Q1", "Q2", "Q3", "Q4"]  # Q*_other are no questions of their own
    assert b.columns(meta=False) == a.columns(meta=False) == [
        "Q1", "Q1_other", "Q2_1", "Q2_2", "Q2_3", "Q2_other", "Q3", "Q4", "Q4_other"]
    assert [o.other for o in b.question("Q1").options] == [False, False, True]
    assert [o.other for o in b.question("Q2").options] == [False, False, True]


def test_kobo_style_other_text_without_minyi_columns(tmp_path):
    """An XLSForm as people write it for Kobo: choice ``oth`` (not marked), then ``<q>_other`` with a relevant on it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in [["type", "name", ZH, "relevant"],
                ["select_one t", "topic", "您最关心哪方面？", None],
                ["text", "topic_other", "请注明", "${topic} = 'oth'"],
                ["select_one yn", "happy", "您是否满意？", None],
                ["text", "happy_other", "为什么？", "${happy} = 'no'"],
                ["text", "why", "您的建议", None]]:
        ws.append(row)
    ch = wb.create_sheet("choices")
    for row in [["list_name", "name", ZH], ["t", "road", "交通"], ["t", "oth", "其他"],
                ["yn", "yes", "满意"], ["yn", "no", "不满意"]]:
        ch.append(row)
    wb.save(tmp_path / "k.xlsx")
    pyxform_convert(str(tmp_path / "k.xlsx"))
    out = tmp_path / "k.yaml"
    r = _cli("convert", str(tmp_path / "k.xlsx"), "--to", "yaml", "--out", str(out))
    assert r.returncode == 0, r.stderr
    q = load_questionnaire(out)
    assert [o.other for o in q.question("topic").options] == [False, True]
    assert q.question("topic").columns() == ["topic", "topic_other"]
    # happy_other asks "why?" after choice 'no' (不满意), which is no "other" option: a question of its own
    assert [x.id for x in q.questions] == ["topic", "happy", "happy_other", "why"]
    assert q.question("happy_other").type == "text" and q.question("happy_other").when == "happy == 2"
    assert not q.question("happy").has_other


def test_kobo_export_other_text_imports_into_id_other(other_form, tmp_path):
    """A KoboToolbox CSV export (XML values, ';'-separated, group paths) of the form minyi wrote: the
    headers are the form's own nodesets (from pyxform's XForm), the fill-ins land in <id>_other."""
    import re as _re

    from survey.store import Project

    qf, form = other_form
    xform = pyxform_convert(str(form)).xform
    paths = [p for p in _re.findall(r'<bind nodeset="/data/([^"]+)"', xform) if not p.startswith("meta/")]
    assert paths == ["A/Q1", "A/Q1_other", "A/Q2", "A/Q2_other", "A/Q3", "A/Q4", "A/Q4_other"]
    head = ["start", "end", "A/Q1", "A/Q1_other", "A/Q2", "A/Q2/1", "A/Q2/2", "A/Q2/3", "A/Q2_other", "A/Q3",
            "A/Q4", "A/Q4_other", "meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status", "_index"]
    rows = [
        ["2026-09-01T09:00:00.000+08:00", "2026-09-01T09:04:00.000+08:00", "3", "物业纠纷", "1 3", "1", "0", "1",
         "社区公告栏", "1", "1", "", "uuid:a1", "101", "a1", "2026-09-01T01:04:10", "", "1"],
        ["2026-09-01T10:00:00.000+08:00", "2026-09-01T10:02:00.000+08:00", "2", "", "2", "0", "1", "0",
         "", "2", "3", "在外地", "uuid:a2", "102", "a2", "2026-09-01T02:02:10", "", "2"],
        ["2026-09-01T11:00:00.000+08:00", "2026-09-01T11:03:00.000+08:00", "3", "噪音扰民", "3", "0", "0", "1",
         "邻居告知", "1", "2", "", "uuid:a3", "103", "a3", "2026-09-01T03:03:10", "", "3"],
    ]
    export = tmp_path / "kobo_export.csv"
    export.write_text("\n".join(";".join(r) for r in [head] + rows) + "\n", encoding="utf-8")
    proj = Project.create(tmp_path / "p", qf)
    s = proj.import_file(export)
    assert s.format == "kobo" and (s.accepted, s.quarantined) == (3, 0)
    d = proj.raw_responses()
    assert d["Q1"].tolist() == [3.0, 2.0, 3.0]
    assert [None if pd.isna(v) else v for v in d["Q1_other"]] == ["物业纠纷", None, "噪音扰民"]
    assert d[["Q2_1", "Q2_2", "Q2_3"]].to_numpy(dtype=float).tolist() == [[1, 0, 1], [0, 1, 0], [0, 0, 1]]
    assert [None if pd.isna(v) else v for v in d["Q2_other"]] == ["社区公告栏", None, "邻居告知"]
    assert [None if pd.isna(v) else v for v in d["Q4_other"]] == [None, "在外地", None]
    assert d["respondent_id"].tolist() == ["a1", "a2", "a3"]

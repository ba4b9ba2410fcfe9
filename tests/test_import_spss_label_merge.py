"""An SPSS file whose value labels name the scale otherwise than the questionnaire (满意 / 比较满意 / 一般 / 不满意 /
很不满意 on 1–5, where the questionnaire says 非常满意 / 满意 / 一般 / 不满意 / 非常不满意): the value 1 was read by its
label 满意 as code 2, the value 2 (比较满意 names no option) by its number as code 2, and every 非常满意 answer
became 满意 (the file imported, said only as "the labels were followed").  Such a file is now refused naming the
variable, both values and their labels (``spss-labels-merge``), as one label on two values is (spss-shared-label);
a ``--mapping`` of the question's values imports it as mapped."""

from __future__ import annotations

from pathlib import Path

import pyreadstat

from cli_capture import init_project, run_main
from survey.store import Project

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
OTHER_SCALE = {1.0: "满意", 2.0: "比较满意", 3.0: "一般", 4.0: "不满意", 5.0: "很不满意", 6.0: "不了解"}


def _sav(tmp_path: Path, labels_v5: dict) -> tuple[Path, list]:
    df, meta = pyreadstat.read_sav(str(DATA / "wjx_by_code.sav"))
    assert meta.column_names_to_labels["V5"] == "3、(环境卫生)" and {1.0, 2.0} <= set(df["V5"].dropna())
    vl = dict(meta.variable_value_labels)
    vl["V5"] = labels_v5
    out = tmp_path / "answers.sav"
    pyreadstat.write_sav(df, str(out), column_labels=meta.column_names_to_labels, variable_value_labels=vl)
    return out, dict(zip((str(int(i)) for i in df["V1"]), df["V5"]))


def _stored(proj: str) -> dict:
    """{respondent id: Q3_r1} of every stored row (the quality rules not applied)."""
    r = Project.open(proj).responses("W", apply_exclusions_=False)[0]
    return dict(zip(r["respondent_id"].astype(str), r["Q3_r1"]))


def test_a_label_and_a_number_on_one_option_is_refused(tmp_path, capsys):
    data, _ = _sav(tmp_path, OTHER_SCALE)
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(data), "--wave", "W")
    assert rc == 1, out
    assert ("answers.sav, column V5: error: variable 'V5' (Q3): the value 1 is read by its label '满意' as option 2 "
            "(满意), and the value 2, with the label '比较满意' that names no option, by its number as the same option: "
            "their answers would be merged") in out, out
    assert "values: {Q3: {'满意': 1}}" in out and "nothing was imported" in out, out
    assert "Traceback" not in out
    assert Project.open(proj).waves() == []


def test_the_mapping_the_message_gives_imports_every_answer(tmp_path, capsys):
    data, v5 = _sav(tmp_path, OTHER_SCALE)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("values:\n  Q3: {'满意': 1}\n", encoding="utf-8")
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(data), "--wave", "W", "--mapping", str(mapping))
    assert rc == 0, out
    assert _stored(proj) == v5  # 1 stays 非常满意, 2 满意: nothing merged


def test_labels_that_follow_the_questionnaire_still_import(tmp_path, capsys):
    moved = {1.0: "满意", 2.0: "非常满意", 3.0: "一般", 4.0: "不满意", 5.0: "非常不满意", 6.0: "不了解"}  # 1 and 2 swapped
    data, v5 = _sav(tmp_path, moved)
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(data), "--wave", "W")
    assert rc == 0, out
    assert _stored(proj) == {i: {1.0: 2.0, 2.0: 1.0}.get(v, v) for i, v in v5.items()}  # the labels followed, as before

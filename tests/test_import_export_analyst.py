"""An SPSS/Excel analyst's files, end to end (user's-eye audit, session 27).

* an SPSS file that declares 不了解 (and 拒答) as user-missing values keeps them: SPSS stores the value and
  only leaves it out of its statistics, so reading it as an empty cell turned 不了解 into "no answer";
* the .sav export carries SPSS measurement levels and whole-number formats (SPSS showed every code as 1.00
  and asked to scan the data, the levels being "unknown");
* the .xlsx export has its header frozen, columns wide enough for what they hold, and a 变量说明 sheet with
  the labels the .sav carries (the data sheet's headers are native column names such as Q3_r1);
* a workbook typed by hand with two header rows (group headings merged over the questions' names) imports.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from survey.cells import text_width
from survey.export import export_project
from survey.qload import load_questionnaire
from survey.store import Project

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
SAT = {1: "非常满意", 2: "满意", 3: "一般", 4: "不满意", 5: "非常不满意", 6: "不了解"}


@pytest.fixture()
def project(tmp_path) -> Project:
    p = Project.create(tmp_path / "proj", QFILE)
    s = p.import_file(DATA / "wjx_by_code.csv", wave="2026Q3")
    assert s.accepted == 12
    return p


def _stored(p: Project, wave: str) -> pd.DataFrame:
    return p.raw_responses(wave).set_index("respondent_id")


# ----------------------------------------------------------------------------- SPSS user-missing values in
def test_sav_user_missing_values_are_read_as_the_values_they_are(tmp_path):
    src = tmp_path / "own.sav"
    df = pd.DataFrame({"respondent_id": ["a1", "a2", "a3", "a4"], "Q1": [1.0, 2, 3, 1], "Q2": [1.0, 2, 1, 1],
                       "Q3_r1": [1.0, 6, 99, 2], "Q3_r2": [2.0, 2, 1, 6], "Q3_r3": [6.0, 1, 1, 3],
                       "Q4_1": [1.0, 1, 1, 1], "Q5_1": [1.0, 1, 1, 1], "Q5_2": [2.0, 2, 2, 2], "Q5_3": [3.0, 3, 3, 3]})
    pyreadstat.write_sav(df, str(src), variable_value_labels={"Q3_r1": {**SAT, 99: "拒答"}},
                         missing_ranges={"Q3_r1": [6, 99], "Q3_r2": [6], "Q3_r3": [{"lo": 6, "hi": 9}]})
    p = Project.create(tmp_path / "proj", QFILE)
    s = p.import_file(src, wave="W1")
    assert "user-missing" in s.format_reason
    got = _stored(p, "W1")
    # 6 is 不了解, an option of the scale: an answer, not a missing one
    assert got.loc["a2", "Q3_r1"] == 6 and got.loc["a4", "Q3_r2"] == 6 and got.loc["a1", "Q3_r3"] == 6
    q = p.quarantine("W1")
    # 99 (拒答) is no option: quarantined with its value, not "required answer missing"
    assert set(q["code"]) == {"unknown-option"}, q[["column", "code", "message"]]
    assert list(q["column"]) == ["Q3_r1"] and "拒答" in q["message"].iloc[0]


# ----------------------------------------------------------------------------- SPSS export
def test_sav_export_has_measure_levels_by_question_type_and_whole_number_formats(project, tmp_path):
    out = tmp_path / "clean.sav"
    export_project(project, format="sav", out=out)
    _, meta = pyreadstat.read_sav(str(out), metadataonly=True)
    q = load_questionnaire(QFILE)
    expected = {"single": "nominal", "multiple": "nominal", "matrix": "ordinal", "ranking": "ordinal"}
    checked = 0
    for qq in q.questions:
        for c in qq.code_columns():
            if qq.type in expected:
                assert meta.variable_measure[c] == expected[qq.type], c
                checked += 1
    assert checked >= 10
    assert meta.variable_measure["duration_sec"] == "scale"
    assert meta.variable_measure["respondent_id"] == "nominal"
    assert "unknown" not in meta.variable_measure.values()
    for c in ("Q1", "Q3_r1", "Q4_1", "Q5_1", "duration_sec"):  # codes, 0/1, ranks and seconds: no decimals
        assert meta.original_variable_types[c].endswith(".0"), (c, meta.original_variable_types[c])
    # every variable has a Chinese label, none is left as its raw name
    labels = meta.column_names_to_labels
    assert all(labels[c] and labels[c] != c for c in meta.column_names if not c.startswith("Q")), labels


def test_sav_export_imports_back_to_the_same_answers(project, tmp_path):
    out = tmp_path / "clean.sav"
    export_project(project, format="sav", wave="2026Q3", out=out)
    back = Project.create(tmp_path / "again", QFILE)
    s = back.import_file(out, wave="2026Q3")
    analysed, _ = project.responses("2026Q3")  # the export holds the rows analysis keeps
    assert (s.accepted, s.quarantined) == (len(analysed), 0)
    cols = [c for qq in load_questionnaire(QFILE).questions for c in qq.code_columns()]
    b = _stored(back, "2026Q3")[cols]
    a = _stored(project, "2026Q3").loc[b.index, cols]
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


# ----------------------------------------------------------------------------- Excel export
def test_xlsx_export_freezes_the_header_and_sizes_columns_to_their_text(project, tmp_path):
    out = tmp_path / "clean.xlsx"
    export_project(project, format="xlsx", out=out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    for j, name in enumerate(header, start=1):
        letter = openpyxl.utils.get_column_letter(j)
        texts = [str(ws.cell(r, j).value) for r in range(1, ws.max_row + 1) if ws.cell(r, j).value is not None]
        need = max(text_width(t) for t in texts)
        assert ws.column_dimensions[letter].width >= min(need, 50), (name, ws.column_dimensions[letter].width, need)
    # a Chinese answer counts double: 希望公交更准点 needs 14 units, more than the default 8.43
    j = header.index("Q6") + 1
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width >= 14


def test_xlsx_export_has_a_codebook_sheet_with_the_labels(project, tmp_path):
    out = tmp_path / "clean.xlsx"
    export_project(project, format="xlsx", out=out)
    wb = openpyxl.load_workbook(out)
    assert len(wb.worksheets) == 2
    data, book = wb.worksheets
    rows = {r[0]: r[1:] for r in book.iter_rows(min_row=2, values_only=True)}
    assert [c.value for c in data[1]] == list(rows)  # one row per data column, in order
    q = load_questionnaire(QFILE)
    q3 = q.question("Q3")
    for r in q3.rows:
        label, values = rows[f"Q3_{r.id}"]
        assert label == f"{q3.text}：{r.label}"
        assert values.split("；") == [f"{o.code}={o.label}" for o in q3.options]
    assert rows["Q1"][0] == q.question("Q1").text
    # the workbook still imports as minyi's native layout (the first sheet)
    back = Project.create(tmp_path / "again", QFILE)
    assert back.import_file(out, wave="2026Q3").format == "native"


# ----------------------------------------------------------------------------- Excel header on two rows
def _two_row_header_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "某市创文满意度调查 数据汇总表"
    ws.merge_cells("A1:F1")
    ws["A2"], ws["B2"], ws["D2"] = "编号", "基本情况", "满意度"
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:C2")
    ws.merge_cells("D2:F2")
    for col, name in zip("BCDEF", ["１、您的工作单位：", "２、您是否听说过《市民文明公约》?", "3、(环境卫生)",
                                   "3、（交通秩序）", "3、(社会治安)"]):
        ws[f"{col}3"] = name
    for r in [["b1", "社区", "听说过", "满意", "一般", "非常满意"],
              ["b2", "机关", "没听说过", "不满意", "不了解", "满意"]]:
        ws.append(r)
    wb.save(path)


def test_a_workbook_with_group_headings_over_the_question_names_imports(tmp_path):
    src = tmp_path / "typed.xlsx"
    _two_row_header_workbook(src)
    q = load_questionnaire(QFILE)
    short = tmp_path / "q.yaml"  # the questionnaire without Q4–Q6, which the workbook has no column for
    text = QFILE.read_text(encoding="utf-8")
    short.write_text(text[:text.index("      - id: Q4")], encoding="utf-8")
    p = Project.create(tmp_path / "proj", short)
    s = p.import_file(src, wave="W1")
    assert (s.rows_read, s.accepted, s.quarantined) == (2, 2, 0)
    assert "rows 2–3" in s.format_reason
    got = _stored(p, "W1")

    def code(qid: str, label: str) -> int:
        return next(o.code for o in q.question(qid).options if o.label == label)

    assert got.loc["b1", "Q1"] == code("Q1", "社区") and got.loc["b2", "Q2"] == code("Q2", "没听说过")
    assert [got.loc["b2", f"Q3_r{i}"] for i in (1, 2, 3)] == [code("Q3", x) for x in ("不满意", "不了解", "满意")]
    # the row numbers in messages are the sheet's: the first answer is on row 4
    assert sorted(p.raw_responses("W1")["_row"]) == [4, 5]


# ----------------------------------------------------------------------------- quarantine messages
def test_a_code_that_is_no_option_lists_the_options_on_every_path(tmp_path):
    """A typed-in code 7 on a 1–6 scale: the record says which codes there are, in a native CSV (checked by
    the row checks) as in a 问卷星 file (checked while converting labels)."""
    p = Project.create(tmp_path / "proj", QFILE)
    src = tmp_path / "typed.csv"
    src.write_text("respondent_id,Q1,Q2,Q3_r1,Q3_r2,Q3_r3,Q4_1,Q5_1,Q5_2,Q5_3\n"
                   "t1,1,1,7,2,2,1,1,2,3\n", encoding="utf-8")
    p.import_file(src, wave="W1")
    msg = p.quarantine("W1").set_index("column").loc["Q3_r1", "message"]
    q3 = load_questionnaire(QFILE).question("Q3")
    assert "'7'" in msg and all(f"{o.code}={o.label}" in msg for o in q3.options), msg


# ----------------------------------------------------------------------------- a 说明 sheet before the data
def test_a_first_sheet_without_answers_names_the_other_sheets(tmp_path):
    from survey.errors import MinyiError

    src = tmp_path / "two_sheets.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "本表说明：数据见第二页"
    wb.active["A2"] = "调查时间：2026年3月"  # a row under it: read as a table of one column, matching nothing
    data = wb.create_sheet("数据")
    data.append(["respondent_id", "Q1", "Q2", "Q3_r1", "Q3_r2", "Q3_r3", "Q4_1", "Q5_1", "Q5_2", "Q5_3"])
    data.append(["x1", 1, 1, 2, 3, 6, 1, 1, 2, 3])
    wb.save(src)
    p = Project.create(tmp_path / "proj", QFILE)
    with pytest.raises(MinyiError) as e:
        p.import_file(src, wave="A")
    assert "数据" in str(e.value) and "--sheet" in str(e.value), str(e.value)
    assert p.import_file(src, wave="A", sheet="数据").accepted == 1  # what the message says to do works


# ----------------------------------------------------------------------------- a corrected file imported again
def test_a_corrected_file_says_how_to_let_it_replace_the_earlier_import(tmp_path):
    """The analyst looks at survey quarantine, mends the file (a 社会 typed for 社区, and an accepted row whose
    unit was wrong) and imports it again.  Analysis keeps each id's first answer — the earlier import's — so the
    import must say how to make the corrected file count, and following that gives the corrected answers."""
    import subprocess
    import sys

    text = (DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    wrong = lines[:]
    wrong[1] = wrong[1].replace(",社区,", ",社会,", 1)  # row 2: no option, quarantined
    wrong[3] = wrong[3].replace(",机关,", ",企业,", 1)  # row 4 (respondent 3): an option, but the wrong one
    assert wrong[1] != lines[1] and wrong[3] != lines[3]
    first, fixed = tmp_path / "week1.csv", tmp_path / "week1_fixed.csv"
    first.write_text("\n".join(wrong) + "\n", encoding="utf-8-sig")
    fixed.write_text(text, encoding="utf-8-sig")
    proj = tmp_path / "proj"
    Project.create(proj, QFILE).import_file(first, wave="W")

    def survey(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True)

    r = survey("import", str(proj), str(fixed), "--wave", "W")
    assert r.returncode == 0, r.stderr
    hint = [ln for ln in r.stdout.splitlines() if "replaces import #1" in ln]
    assert len(hint) == 1, r.stdout
    command = hint[0].split(": ")[-1].split()
    assert command[:2] == ["survey", "remove-import"]
    assert survey(*command[1:]).returncode == 0
    p = Project.open(proj)
    got = _stored(p, "W")
    q1 = {o.label: o.code for o in load_questionnaire(QFILE).question("Q1").options}
    assert got.loc["3", "Q1"] == q1["机关"] and got.loc["1", "Q1"] == q1["社区"]
    assert len(p.quarantine("W")) == 0


def test_xlsx_export_writes_completion_times_as_dates_and_imports_back_the_same(project, tmp_path):
    out = tmp_path / "clean.xlsx"
    export_project(project, format="xlsx", wave="2026Q3", out=out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    j = [c.value for c in ws[1]].index("submitted_at") + 1
    cells = [ws.cell(r, j) for r in range(2, ws.max_row + 1)]
    assert cells and all(c.is_date for c in cells)  # Excel can filter and sort them as dates
    back = Project.create(tmp_path / "again", QFILE)
    assert back.import_file(out, wave="2026Q3").quarantined == 0
    b = _stored(back, "2026Q3")
    a = _stored(project, "2026Q3").loc[b.index]
    assert a["submitted_at"].tolist() == b["submitted_at"].tolist()
    assert a["submitted_at"].iloc[0] == "2026-09-01 09:01:00"  # the 问卷星 2026/9/1 09:01:00 as stored


# ----------------------------------------------------------------------------- SPSS label lengths
def test_labels_longer_than_spss_holds_are_shortened_visibly_keeping_the_row(tmp_path):
    """A .sav holds 256 bytes of a variable label and 120 of a value label (85 and 40 Chinese characters);
    pyreadstat cut the rest without a word, so a long matrix stem lost its row title (环境卫生) and the columns
    of the matrix could no longer be told apart in SPSS."""
    import subprocess
    import sys

    import yaml

    data = yaml.safe_load(QFILE.read_text(encoding="utf-8"))
    qs = data["sections"][0]["questions"]
    stem = "请您根据最近一年在本市生活、工作和出行的亲身感受，对以下各个方面的工作情况分别作出评价" * 2
    qs[2]["text"] = stem
    long_option = "企业（含国有企业、民营企业、外资企业、个体工商户以及其他各类市场主体单位）等各类单位"
    qs[0]["options"][2] = long_option
    qf = tmp_path / "long.yaml"
    qf.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    p = Project.create(tmp_path / "proj", qf)
    p.import_file(DATA / "wjx_by_code.csv", wave="W")
    out = tmp_path / "long.sav"
    r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "export", str(p.root), "--format", "sav",
                        "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    _, meta = pyreadstat.read_sav(str(out), metadataonly=True)
    for row in qs[2]["rows"]:
        label = meta.column_names_to_labels[f"Q3_{row['id']}"]
        assert label.endswith("…：" + row["label"]) and label.startswith(stem[:20]), label
        assert len(label.encode("utf-8")) <= 256
    shown = meta.variable_value_labels["Q1"][3.0]
    assert shown.endswith("…") and long_option.startswith(shown[:-1]) and len(shown.encode("utf-8")) <= 120
    note = [ln for ln in r.stderr.splitlines() if "shortened" in ln]
    assert len(note) == 1 and "Q3_r1" in note[0] and "Q1=3" in note[0], r.stderr


def test_sav_export_declares_the_na_options_user_missing(project, tmp_path):
    """不了解 / 说不清 (``na: true``) are declared user-missing in the .sav, so SPSS's means and frequencies leave
    them out as minyi's default ``--na excluded`` does; before, a mean of a 1–5 scale in SPSS counted 9 as a
    rating.  Read as SPSS reads it (user-missing → system-missing), every 9 of a scale is missing; read with
    the values kept, they are there (the import's reading), and the round trip above stays exact."""
    out = tmp_path / "clean.sav"
    export_project(project, format="sav", wave="2026Q3", out=out)
    q = load_questionnaire(QFILE)
    kept, meta = pyreadstat.read_sav(str(out), user_missing=True)
    scale, col = next((qq, c) for qq in q.questions if qq.type in ("scale", "matrix") and qq.na_codes
                      for c in qq.code_columns() if kept[c].isin(qq.na_codes).any())  # a column with a 不了解
    na = float(scale.na_codes[0])
    assert meta.missing_ranges.get(col) == [{"lo": na, "hi": na}]
    spss, _ = pyreadstat.read_sav(str(out), user_missing=False)
    assert (kept[col] == na).any() and not (spss[col] == na).any()
    assert spss[col].isna().sum() == kept[col].isna().sum() + (kept[col] == na).sum()
    multi = next((qq for qq in q.questions if qq.type == "multiple"), None)
    if multi is not None:  # 0/1 columns of a multiple choice carry no declared missing value
        assert not any(meta.missing_ranges.get(c) for c in multi.code_columns())

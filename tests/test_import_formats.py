"""Format readers: every export format read into the native layout, checked against hand-made answers.

Every fixture in tests/data holds the same 12 answers to tests/data/wjx_questionnaire.yaml as the hand-made
问卷星 examples (shared/formats/wjx/example_by_code.csv / example_by_text.csv); the expected codes below
are those of example_by_code.csv, typed in by hand (-3 = not ranked → blank).  Binary fixtures come from
tests/data/make_fixtures.py (committed outputs).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey.errors import MinyiError
from survey.importers import parse_duration, read_responses
from survey.qload import load_questionnaire

DATA = Path(__file__).parent / "data"
Q = load_questionnaire(DATA / "wjx_questionnaire.yaml")
N = None  # blank

# 序号: Q1 Q2 | Q3 r1 r2 r3 | Q4 住房 就业 物价 看病 上学 其他 | Q5 交通拥堵 停车难 食品安全 环境污染 | Q6
EXPECTED = [
    (2, 2, 4, 5, 5, 0, 1, 0, 0, 0, 0, 3, N, 2, 1, N),
    (2, 1, 1, 5, 6, 1, 0, 0, 1, 1, 0, 3, N, 2, 1, N),
    (1, 1, 1, 2, 2, 1, 0, 1, 1, 0, 0, 3, N, 2, 1, N),
    (2, 2, 1, 6, 1, 0, 0, 1, 0, 0, 1, 3, N, 2, 1, "希望公交更准点"),
    (1, 1, 1, 1, 5, 0, 0, 0, 1, 0, 0, 1, 2, 3, N, N),
    (3, 1, 2, 2, 1, 0, 0, 0, 1, 0, 1, 2, N, 3, 1, "希望公交更准点"),
    (1, 1, 3, 1, 4, 0, 1, 0, 0, 0, 0, 3, 1, 2, N, N),
    (2, 2, 2, 6, 5, 0, 0, 0, 1, 0, 0, 3, 1, 2, N, "菜市场环境要改善"),
    (2, 1, 4, 4, 2, 0, 0, 1, 0, 0, 0, 2, N, 1, 3, N),
    (3, 1, 1, 2, 2, 1, 0, 1, 0, 0, 0, N, 2, 1, 3, N),
    (1, 1, 5, 6, 2, 0, 0, 0, 0, 1, 0, N, 2, 1, 3, N),
    (2, 1, 4, 2, 6, 0, 0, 1, 0, 0, 0, 3, 1, 2, N, N),
]
CODE_COLS = ["Q1", "Q2", "Q3_r1", "Q3_r2", "Q3_r3", "Q4_1", "Q4_2", "Q4_3", "Q4_4", "Q4_5", "Q4_6",
             "Q5_1", "Q5_2", "Q5_3", "Q5_4"]
OTHER = [N, N, N, "物业纠纷", N, "物业纠纷", N, N, N, N, N, N]  # 其他〖物业纠纷〗 in the 按文本 export
SECONDS = [268, 310, 367, 201, 48, 212, 70, 369, 241, 78, 340, 121]


def _expected_codes(cols=CODE_COLS) -> np.ndarray:
    idx = [CODE_COLS.index(c) for c in cols]
    return np.array([[np.nan if r[i] is None else float(r[i]) for i in idx] for r in EXPECTED])


def _text(values) -> list:
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else str(v) for v in values]


def _assert_answers(t, *, other: bool, cols=CODE_COLS) -> None:
    f = t.frame
    assert len(f) == 12 and t.rows_read == 12
    np.testing.assert_array_equal(f[cols].to_numpy(dtype=float), _expected_codes(cols))
    assert _text(f["Q6"]) == [r[-1] for r in EXPECTED]
    assert _text(f["Q4_other"]) == (OTHER if other else [None] * 12)
    assert t.problems.empty, t.problems.to_dict("records")


# format, reason must mention, other text carried, respondent ids, durations known
ALL_FORMATS = [
    ("wjx_by_code.csv", "wjx", "UTF-8 with BOM", False, [str(i) for i in range(1, 13)], True),
    ("wjx_by_text.csv", "wjx", "UTF-8 with BOM", True, [str(i) for i in range(1, 13)], True),
    ("wjx_by_text_gbk.csv", "wjx", "GBK/GB18030", True, [str(i) for i in range(1, 13)], True),
    ("wjx_by_code_tab.txt", "wjx", "tab-delimited", False, [str(i) for i in range(1, 13)], True),
    ("wjx_by_code.xlsx", "wjx", "Excel workbook", False, [str(i) for i in range(1, 13)], True),
    ("wjx_by_text.xlsx", "wjx", "Excel workbook", True, [str(i) for i in range(1, 13)], True),
    ("wjx_by_text.xls", "wjx", "Excel 97-2003", True, [str(i) for i in range(1, 13)], True),
    ("wjx_by_code.sav", "wjx", "SPSS", False, [str(i) for i in range(1, 13)], True),
    ("tencent.csv", "tencent", "腾讯问卷", True, [str(1000 + i) for i in range(1, 13)], True),
    ("tencent.zip", "tencent", "zip archive holding 答卷数据_12份.csv: GBK/GB18030", True,
     [str(1000 + i) for i in range(1, 13)], True),
    ("kobo_xml.csv", "kobo", "semicolon-delimited", True, [f"uuid-{i:04d}" for i in range(1, 13)], True),
    ("kobo_labels.xlsx", "kobo", "KoboToolbox", True, [f"uuid-{i:04d}" for i in range(1, 13)], False),
]


@pytest.mark.parametrize("name,fmt,why,other,ids,timed", ALL_FORMATS, ids=[a[0] for a in ALL_FORMATS])
def test_every_format_gives_the_same_answers(name, fmt, why, other, ids, timed):
    t = read_responses(DATA / name, Q)
    assert t.format == fmt
    assert why in t.format_reason
    _assert_answers(t, other=other)
    assert _text(t.frame["respondent_id"]) == ids
    first = 1 if name.endswith(".sav") else 2  # an SPSS file's rows are its case numbers (no header row)
    assert t.frame["_row"].tolist() == list(range(first, first + 12))
    if timed:
        assert t.frame["duration_sec"].tolist() == SECONDS
    assert not [u for u in t.unmatched if u.code == "unmatched-column"], [str(u) for u in t.unmatched]


def test_wjx_metadata_and_pii():
    t = read_responses(DATA / "wjx_by_text.csv", Q)
    assert t.frame["submitted_at"].tolist()[:2] == ["2026-09-01 09:01:00", "2026-09-02 09:02:00"]
    assert list(t.pii.columns) == ["来自IP"]
    assert t.pii["来自IP"].iloc[0] == "192.168.1.1(未知)"
    assert "来自IP" not in t.frame.columns and "来源" not in t.frame.columns
    assert t.unmatched == []


def test_tencent_metadata_and_pii():
    t = read_responses(DATA / "tencent.zip", Q)
    assert sorted(t.pii.columns) == ["IP", "地理位置"]
    assert t.frame["submitted_at"].iloc[0] == "2026-09-01 09:01:00"


def test_kobo_times_from_start_end_and_submission():
    t = read_responses(DATA / "kobo_xml.csv", Q)
    assert t.frame["submitted_at"].iloc[4] == "2026-09-05 09:05:00"
    # select_multiple given both ways: the per-option columns are used, and that is reported
    assert any("per-option columns were used" in str(u) for u in t.unmatched)


def test_forced_formats(tmp_path):
    assert read_responses(DATA / "wjx_by_code.csv", Q, format="wjx").format == "wjx"
    t = read_responses(DATA / "wjx_by_code.csv", Q, format="csv")
    assert t.format == "wjx" and "问卷星" in t.format_reason
    assert read_responses(DATA / "wjx_by_code.xlsx", Q, format="xlsx").format == "wjx"
    assert read_responses(DATA / "wjx_by_text.xls", Q, format="xlsx").format == "wjx"
    assert read_responses(DATA / "wjx_by_code.sav", Q, format="sav").format == "wjx"
    assert read_responses(DATA / "tencent.zip", Q, format="tencent").format == "tencent"
    assert read_responses(DATA / "kobo_xml.csv", Q, format="kobo").format == "kobo"
    for fmt, name in (("sav", "wjx_by_code.csv"), ("xlsx", "wjx_by_code.sav"), ("csv", "wjx_by_code.xlsx")):
        with pytest.raises(MinyiError) as e:
            read_responses(DATA / name, Q, format=fmt)
        assert f"--format {fmt}" in str(e.value) and name in str(e.value)
    with pytest.raises(MinyiError, match="unknown --format"):
        read_responses(DATA / "wjx_by_code.csv", Q, format="spss")


def test_content_not_extension(tmp_path):
    """A CSV named .xlsx and an xlsx named .csv are read by what they are."""
    a = tmp_path / "really_csv.xlsx"
    a.write_bytes((DATA / "wjx_by_text.csv").read_bytes())
    t = read_responses(a, Q)
    _assert_answers(t, other=True)
    assert "although its name ends in .xlsx" in t.format_reason
    b = tmp_path / "really_xlsx.csv"
    b.write_bytes((DATA / "wjx_by_code.xlsx").read_bytes())
    _assert_answers(read_responses(b, Q), other=False)


# ----------------------------------------------------------------------------- encodings, delimiters
@pytest.mark.parametrize("encoding,bom,label", [
    ("utf-8", b"", "UTF-8 text"), ("utf-8", b"\xef\xbb\xbf", "UTF-8 with BOM"), ("gbk", b"", "GBK/GB18030"),
    ("gb18030", b"", "GBK/GB18030"), ("utf-16-le", b"\xff\xfe", "UTF-16")])
@pytest.mark.parametrize("sep,sep_name", [(",", "comma"), ("\t", "tab"), (";", "semicolon"), ("|", "pipe")])
def test_encodings_and_delimiters(tmp_path, encoding, bom, label, sep, sep_name):
    df = pd.read_csv(DATA / "wjx_by_text.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    if encoding == "gbk":  # '┋' is not in GBK: a GBK file of a single-choice subset
        df = df.drop(columns=[df.columns[11]])
    p = tmp_path / "x.csv"
    p.write_bytes(bom + df.to_csv(index=False, sep=sep).encode(encoding))
    t = read_responses(p, Q)
    assert label in t.format_reason and f"{sep_name}-delimited" in t.format_reason
    cols = [c for c in CODE_COLS if not (encoding == "gbk" and c.startswith("Q4"))]
    np.testing.assert_array_equal(t.frame[cols].to_numpy(dtype=float), _expected_codes(cols))


def test_fullwidth_and_whitespace_normalised(tmp_path):
    """Headers and labels with full-width punctuation, stray spaces and tabs still match."""
    p = tmp_path / "messy.csv"
    p.write_text("序号 , 1：您的工作单位 ：,２、您是否听说过《市民文明公约》? ,3、（ 环境卫生 ）\n"
                 "1, 社 区 ,听说过 ,非常满意\n2,机关\t,没听说过,满意 \n", encoding="utf-8")
    t = read_responses(p, Q)
    assert t.frame[["Q1", "Q2", "Q3_r1"]].to_numpy().tolist() == [[2.0, 1.0, 1.0], [1.0, 2.0, 2.0]]
    assert t.problems.empty


def test_header_row_detection_in_excel():
    t = read_responses(DATA / "generic_title_rows.xlsx", Q)
    assert t.format == "xlsx"
    assert "header on row 3 (2 title row(s) above it skipped)" in t.format_reason
    assert t.frame["_row"].tolist() == list(range(4, 16))  # spreadsheet row numbers
    np.testing.assert_array_equal(t.frame[["Q1", "Q2", "Q3_r1"]].to_numpy(dtype=float),
                                  _expected_codes(["Q1", "Q2", "Q3_r1"]))
    notes = [str(u) for u in t.unmatched]
    assert any("'备注' matches no question" in s for s in notes)
    assert sum("no column for Q" in s for s in notes) == 3  # Q4, Q5, Q6 absent: said, not guessed


def test_header_row_detection_in_csv(tmp_path):
    p = tmp_path / "titled.csv"
    p.write_text("某市满意度调查,,\n导出时间 2026-09-01,,\n,,\nQ1,Q2,Q3_r1\n社区,听说过,满意\n机关,没听说过,一般\n",
                 encoding="utf-8")
    t = read_responses(p, Q)
    assert "header on line 4" in t.format_reason
    assert t.frame[["Q1", "Q2", "Q3_r1"]].to_numpy().tolist() == [[2.0, 1.0, 2.0], [1.0, 2.0, 3.0]]
    assert t.frame["_row"].tolist() == [5, 6]


def test_excel_sheet_option(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表为导出说明"])
    ws = wb.create_sheet("答卷")
    ws.append(["Q1", "Q2"])
    ws.append(["企业", "听说过"])
    p = tmp_path / "two.xlsx"
    wb.save(p)
    t = read_responses(p, Q, sheet="答卷")
    assert t.frame[["Q1", "Q2"]].to_numpy().tolist() == [[3.0, 1.0]] and "sheet '答卷'" in t.format_reason
    with pytest.raises(MinyiError, match="sheet 'x' not found; sheets: 说明, 答卷"):
        read_responses(p, Q, sheet="x")
    with pytest.raises(MinyiError, match=r"first sheet '说明' holds no data rows; choose the sheet with --sheet"):
        read_responses(p, Q)
    with pytest.raises(MinyiError, match="--sheet applies to Excel workbooks; wjx_by_code.csv is a text file"):
        read_responses(DATA / "wjx_by_code.csv", Q, sheet="答卷")


# ----------------------------------------------------------------------------- SPSS
def test_sav_value_labels_and_variable_labels():
    """generic_labels.sav: free variable names, titles in the variable labels, codes 10/20/30 and 1/0 that only
    the value labels explain."""
    t = read_responses(DATA / "generic_labels.sav", Q)
    assert t.format == "sav"
    np.testing.assert_array_equal(t.frame[["Q1", "Q2", "Q3_r1"]].to_numpy(dtype=float),
                                  _expected_codes(["Q1", "Q2", "Q3_r1"]))
    assert _text(t.frame["respondent_id"]) == [f"R{i:02d}" for i in range(1, 13)]
    assert t.problems.empty


def test_sav_label_not_an_option(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    df = pd.DataFrame({"v1": [1.0, 2.0, 3.0]})
    p = tmp_path / "x.sav"
    pyreadstat.write_sav(df, str(p), column_labels={"v1": "1、您的工作单位："},
                         variable_value_labels={"v1": {1.0: "机关", 2.0: "社 区", 3.0: "街道办"}})
    t = read_responses(p, Q)
    assert t.frame["Q1"].tolist()[:2] == [1.0, 2.0]
    # 街道办 is no option: its code 3 (企业) is NOT taken silently … unless by code, which is then reported
    assert t.frame["Q1"].iloc[2] == 3.0
    assert any("SPSS value labels do not match" in str(u) for u in t.unmatched)


# ----------------------------------------------------------------------------- 问卷星 details
def _wjx_text_with(tmp_path, changes: dict, name="wjx_bad.csv") -> Path:
    df = pd.read_csv(DATA / "wjx_by_text.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    for (row, col), v in changes.items():
        df.iloc[row, col] = v
    p = tmp_path / name
    p.write_text(df.to_csv(index=False), encoding="utf-8-sig")
    return p


def test_wjx_skip_codes_and_markers(tmp_path):
    df = pd.read_csv(DATA / "wjx_by_code.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    df.iloc[0, 6] = "-3"  # Q1 not shown
    df.iloc[1, 8] = "-2"  # matrix row skipped
    df.iloc[2, 11:17] = "-3"  # whole multiple choice not shown
    p = tmp_path / "skip.csv"
    p.write_text(df.to_csv(index=False), encoding="utf-8-sig")
    t = read_responses(p, Q)
    f = t.frame
    assert np.isnan(f["Q1"].iloc[0]) and np.isnan(f["Q3_r1"].iloc[1])
    assert f.loc[2, [f"Q4_{k}" for k in range(1, 7)]].isna().all()
    assert f.loc[3, [f"Q4_{k}" for k in range(1, 7)]].tolist() == [0, 0, 1, 0, 0, 1]
    assert t.problems.empty
    p2 = _wjx_text_with(tmp_path, {(0, 6): "(跳过)", (1, 11): "(跳过)", (2, 12): "(跳过)"})
    f2 = read_responses(p2, Q).frame
    assert np.isnan(f2["Q1"].iloc[0]) and f2.loc[1, [f"Q4_{k}" for k in range(1, 7)]].isna().all()
    assert f2.loc[2, [f"Q5_{k}" for k in range(1, 5)]].isna().all()


def test_wjx_other_text_in_code_export_cell(tmp_path):
    """按序号 with the fill-in inside the option column: 〖…〗 or the bare text."""
    df = pd.read_csv(DATA / "wjx_by_code.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    df.iloc[3, 16] = "〖物业纠纷〗"
    df.iloc[5, 16] = "1〖宠物扰民〗"
    p = tmp_path / "o.csv"
    p.write_text(df.to_csv(index=False), encoding="utf-8-sig")
    t = read_responses(p, Q)
    assert t.frame["Q4_6"].tolist()[3] == 1.0 and t.frame["Q4_6"].tolist()[5] == 1.0
    assert _text(t.frame["Q4_other"])[3] == "物业纠纷" and _text(t.frame["Q4_other"])[5] == "宠物扰民"
    assert t.problems.empty


def test_wjx_bad_cells_become_problems_with_closest_option(tmp_path):
    p = _wjx_text_with(tmp_path, {(0, 6): "社会", (1, 11): "住房┋买菜", (2, 12): "环境污染→环境污染→交通拥堵",
                                  (3, 8): "很满意"})
    t = read_responses(p, Q)
    pr = t.problems.sort_values("row").reset_index(drop=True)
    assert pr[["row", "column", "code"]].values.tolist() == [
        [2, "1、您的工作单位：", "unknown-option"],
        [3, "4、您最关心的问题有哪些？（可多选）", "unknown-option"],
        [4, "5、请对以下问题按紧迫程度排序（选3项）", "rank-invalid"],
        [5, "3、(环境卫生)", "unknown-option"]]
    assert pr["value"].tolist()[:2] == ["社会", "买菜"]
    msgs = " | ".join(pr["message"])
    assert "value '社会' is not an option of Q1 (use one of: 1=机关, 2=社区, 3=企业 (closest: '社区'))" in msgs


def test_unknown_option_hint_names_closest(tmp_path):
    p = _wjx_text_with(tmp_path, {(0, 8): "很满意"})
    t = read_responses(p, Q)
    assert len(t.problems) == 1
    # the closest labels are part of the problem's hint
    from survey.importers import _Converter
    from survey.tabular import RawTable

    from survey.messages import problem

    conv = _Converter(Q, RawTable(pd.DataFrame({"x": ["很满意"]}), "csv", ""), "f.csv", "wjx")
    # the choices as a phrase (said in Chinese in the quarantine's .xlsx export): the message's hint says them
    hint = problem("unknown-option", qid="Q3", value="很满意",
                   choices=conv.choices_hint(Q.question("Q3"))("很满意")).hint
    assert "(closest: '满意'" in hint and hint.startswith("use one of: 1=非常满意, 2=满意"), hint
    assert t.problems["message"].iloc[0].endswith(hint + ")")


def test_unmatched_columns_and_number_title_mismatch(tmp_path):
    p = tmp_path / "u.csv"
    p.write_text("序号,所用时间,1、您的工作单位,2、完全不同的一个问题,7、您的年龄,您最关心的问题有哪些（可多选）:住房\n"
                 "1,12秒,机关,听说过,30,1\n", encoding="utf-8")
    t = read_responses(p, Q)
    notes = [str(u) for u in t.unmatched]
    assert any("'7、您的年龄' matches no question" in s for s in notes)
    assert any("'2、完全不同的一个问题' matched to Q2" in s and "titles differ" in s for s in notes)
    assert t.frame["Q4_1"].iloc[0] == 1.0 and t.frame["Q2"].iloc[0] == 1.0  # title without number + part
    assert t.frame["duration_sec"].iloc[0] == 12


def test_unmatched_column_did_you_mean(tmp_path):
    p = tmp_path / "u.csv"
    p.write_text("Q1,Q22,Q3_r9\n机关,1,2\n", encoding="utf-8")
    t = read_responses(p, Q)
    notes = {u.column: str(u) for u in t.unmatched if u.code == "unmatched-column"}
    assert "did you mean" in notes["Q22"] and "'Q2'" in notes["Q22"]
    assert "Q3_r1" in notes["Q3_r9"]


def test_generic_csv_keeps_minus_three_as_a_problem(tmp_path):
    """-2/-3 mean 'not asked' only in 问卷星 exports; elsewhere they are values, reported when invalid."""
    p = tmp_path / "g.csv"
    p.write_text("Q1,Q2\n-3,1\n", encoding="utf-8")
    t = read_responses(p, Q)
    assert t.problems[["column", "value", "code"]].values.tolist() == [["Q1", "-3", "unknown-option"]]


# ----------------------------------------------------------------------------- 腾讯问卷 / Kobo variants
def test_tencent_zero_one_sub_columns(tmp_path):
    df = pd.read_csv(DATA / "tencent.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    for j in range(13, 19):
        df.iloc[:, j] = (df.iloc[:, j] != "").map({True: "1", False: "0"})
    df = df.drop(columns=["答题时长"])
    p = tmp_path / "t.csv"
    p.write_text(df.to_csv(index=False), encoding="utf-8")
    t = read_responses(p, Q)
    assert t.format == "tencent"
    _assert_answers(t, other=False)
    assert t.frame["duration_sec"].tolist() == SECONDS  # from 开始答题时间 / 结束答题时间


def test_kobo_space_separated_only_and_dot_paths(tmp_path):
    df = pd.read_csv(DATA / "kobo_xml.csv", dtype=str, sep=";", keep_default_na=False)
    df = df.drop(columns=[f"Q4/{k}" for k in range(1, 7)])
    df.columns = [c.replace("/", ".") for c in df.columns]
    p = tmp_path / "k.csv"
    p.write_text(df.to_csv(index=False), encoding="utf-8")
    t = read_responses(p, Q)
    assert t.format == "kobo"
    _assert_answers(t, other=True)


def test_kobo_unknown_xml_value_reported(tmp_path):
    p = tmp_path / "k.csv"
    p.write_text("_uuid,grp/Q1,Q4\nu1,9,1 housing\nu2,2,2\n", encoding="utf-8")
    t = read_responses(p, Q)
    assert t.problems[["row", "column", "value"]].values.tolist() == [[2, "grp/Q1", "9"], [2, "Q4", "housing"]]
    assert t.frame["Q4_1"].tolist() == [1.0, 0.0] and t.frame["Q4_2"].tolist() == [0.0, 1.0]


# ----------------------------------------------------------------------------- mapping
MAPPING = {"columns": {"单位": "Q1", "知晓": "Q2", "环境": "Q3_r1", "编号x": "respondent_id"},
           "values": {"Q1": {"A": 1, "B": 2, "C": 3}, "Q2": {"yes": "听说过", "no": 2}}}


def test_mapping_file():
    with pytest.raises(MinyiError, match="none of its 4 column"):
        read_responses(DATA / "mapped.csv", Q)
    t = read_responses(DATA / "mapped.csv", Q, mapping=MAPPING)
    np.testing.assert_array_equal(t.frame[["Q1", "Q2", "Q3_r1"]].to_numpy(dtype=float),
                                  _expected_codes(["Q1", "Q2", "Q3_r1"]))
    assert _text(t.frame["respondent_id"])[:2] == ["M1", "M2"]
    assert t.problems.empty


def test_mapping_file_through_the_cli(tmp_path):
    import yaml
    from typer.testing import CliRunner

    from cli import app

    mp = tmp_path / "map.yaml"
    mp.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    r = CliRunner()
    assert r.invoke(app, ["init", str(tmp_path / "p"), "--questionnaire", str(DATA / "wjx_questionnaire.yaml")]).exit_code == 0
    res = r.invoke(app, ["import", str(tmp_path / "p"), str(DATA / "mapped.csv"), "--mapping", str(mp)])
    assert res.exit_code == 0, res.output
    assert "12 rows read" in res.output


@pytest.mark.parametrize("bad,msg", [
    ({"columns": {"单位": "Q9"}}, "target 'Q9' is not a question id"),
    ({"columns": {"单位x": "Q1"}}, "column '单位x': not a column of the data file"),
    ({"values": {"Q1": {"A": 7}}}, "'7' (for 'A') is not an option of Q1"),
    ({"values": {"Q7": {"A": 1}}}, "values of 'Q7': not a question id"),
    ({"colums": {}}, "unknown key"),
    (["Q1"], "must be a YAML mapping"),
])
def test_mapping_errors(bad, msg):
    with pytest.raises(MinyiError) as e:
        read_responses(DATA / "mapped.csv", Q, mapping=bad)
    assert msg in str(e.value) and "mapped.csv" in str(e.value)


# ----------------------------------------------------------------------------- unreadable files
@pytest.mark.parametrize("name,msg", [
    ("bad_empty.csv", "the file is empty"),
    ("bad_garbage.bin", "cannot read"),
    ("bad_truncated.xlsx", "not a readable Excel workbook"),
    ("bad_not_spss.sav", "not a readable SPSS .sav file"),
    ("bad_png_named.sav", "although its name ends in .sav"),
    ("wjx_questionnaire.yaml", "cannot read"),
])
def test_unreadable_files_one_clear_error(name, msg):
    with pytest.raises(MinyiError) as e:
        read_responses(DATA / name, Q)
    assert len(e.value.problems) == 1
    assert msg in str(e.value) and name in str(e.value)


def test_more_unreadable(tmp_path):
    cases = {
        "folder": None,
        "only_header.csv": "Q1,Q2\n",
        "html.xls": "<html><body><table><tr><td>Q1</td></tr></table></body></html>",
        "ragged.csv": "Q1,Q2\n1,2\n1,2,3,4\n",
        "blank.csv": "\n\n   \n",
    }
    for name, content in cases.items():
        p = tmp_path / name
        if content is None:
            p.mkdir()
        else:
            p.write_text(content, encoding="utf-8")
        with pytest.raises(MinyiError) as e:
            read_responses(p, Q)
        assert name in str(e.value) and len(e.value.problems) == 1
    with pytest.raises(MinyiError, match="does not exist"):
        read_responses(tmp_path / "nope.csv", Q)
    z = tmp_path / "nocsv.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.md", "hi")
    with pytest.raises(MinyiError, match="without a CSV file inside"):
        read_responses(z, Q)


# ----------------------------------------------------------------------------- small pieces
def test_parse_duration():
    s = pd.Series(["268秒", "4分28秒", "1小时2分3秒", "00:04:28", "4:28", "268", "268.5", "", None, "abc", "２６８秒"])
    got = parse_duration(s)
    np.testing.assert_array_equal(got[:7], [268, 268, 3723, 268, 268, 268, 268.5])
    assert np.isnan(got[7:10]).all() and got[10] == 268


def test_native_fast_path_unchanged(tmp_path):
    from survey.simulate import simulate, write_csv

    frame = simulate(Q, 50, seed=3)
    p = tmp_path / "native.csv"
    write_csv(frame, p)
    t = read_responses(p, Q)
    assert t.format == "native" and "pyarrow" in t.format_reason
    for c in CODE_COLS:
        np.testing.assert_array_equal(t.frame[c].to_numpy(dtype=float), frame[c].to_numpy(dtype=float))


def test_wjx_other_fill_in_columns_and_missing_option_columns(tmp_path):
    """A separate fill-in column for 其他 ('(其他)〖填空〗' or '第N题(其他_填空)'); option columns that are absent
    stay blank (unknown) and are reported, instead of being taken as 'not selected'."""
    p = tmp_path / "o.csv"
    p.write_text("序号,所用时间,4、(住房),4、(其他),4、(其他)〖填空〗,第4题(其他_填空)\n1,10秒,1,1,物业纠纷,\n2,10秒,1,0,,\n",
                 encoding="utf-8")
    t = read_responses(p, Q)
    f = t.frame
    assert f["Q4_1"].tolist() == [1.0, 1.0] and f["Q4_6"].tolist() == [1.0, 0.0]
    assert _text(f["Q4_other"]) == ["物业纠纷", None]
    assert f[["Q4_2", "Q4_3", "Q4_4", "Q4_5"]].isna().all().all()
    assert any("no column for option(s) 2=就业, 3=物价, 4=看病, 5=上学" in str(u) for u in t.unmatched)


def test_mapping_for_joined_multiple_choice_and_ignored_columns(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("id,concerns,junk\nA,house;jobs,x\nB,doctor,y\n", encoding="utf-8")
    mp = {"columns": {"id": "respondent_id", "concerns": "Q4", "junk": None},
          "values": {"Q4": {"house": 1, "jobs": "就业", "doctor": 4}}}
    t = read_responses(p, Q, mapping=mp)
    assert t.frame[[f"Q4_{k}" for k in range(1, 7)]].to_numpy().tolist() == [[1, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0]]
    assert _text(t.frame["respondent_id"]) == ["A", "B"]
    assert not any("junk" in str(u) for u in t.unmatched)  # ignored on purpose, not reported
    assert t.problems.empty


def test_mixed_encodings_are_an_error_not_mojibake(tmp_path):
    good = (DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig")
    lines = good.splitlines()
    p = tmp_path / "mixed.csv"
    p.write_bytes(("\n".join(lines[:5]) + "\n").encode("utf-8") + (lines[5] + "\n").encode("gbk", errors="replace"))
    with pytest.raises(MinyiError) as e:
        read_responses(p, Q)
    assert "mixed encodings" in str(e.value) and "line 6" in str(e.value) and "mixed.csv" in str(e.value)
    q = tmp_path / "gbk_tail_only.csv"  # ASCII until the last cell: still GBK, not truncated UTF-8
    q.write_bytes("Q1,Q2\n1,1\n2,没听说过\n".encode("gbk"))
    assert read_responses(q, Q).frame["Q2"].tolist() == [1.0, 2.0]


def test_tencent_other_text_sub_column_and_em_dash_matrix(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("编号,答题时长,4.您最关心的问题有哪些？（可多选）:住房,4.您最关心的问题有哪些？（可多选）:其他,"
                 "4.您最关心的问题有哪些？（可多选）:其他:补充说明,3.您对以下方面是否满意—交通秩序\n"
                 "7,90,住房,其他,楼道堆物,满意\n8,1分,,,,一般\n", encoding="utf-8")
    t = read_responses(p, Q)
    assert t.format == "tencent"
    f = t.frame
    assert f["Q4_1"].tolist()[0] == 1.0 and f["Q4_6"].tolist()[0] == 1.0
    assert _text(f["Q4_other"]) == ["楼道堆物", None]
    assert f["Q3_r2"].tolist() == [2.0, 3.0] and f["duration_sec"].tolist() == [90.0, 60.0]
    assert f.loc[1, ["Q4_1", "Q4_6"]].isna().all()  # nothing ticked: not answered


def test_native_file_resaved_as_gbk_takes_the_careful_path(tmp_path):
    from survey.simulate import simulate, write_csv

    frame = simulate(Q, 40, seed=5)
    p = tmp_path / "native.csv"
    write_csv(frame, p)
    g = tmp_path / "native_gbk.csv"
    g.write_bytes(p.read_text(encoding="utf-8").encode("gb18030"))
    t = read_responses(g, Q)
    # said in the user's words, not pyarrow's ("In CSV column #19: CSV conversion error to string: …")
    assert t.format == "native" and t.format_reason.endswith("read as GBK/GB18030 text, comma-delimited (not UTF-8)")
    for c in CODE_COLS:
        np.testing.assert_array_equal(t.frame[c].to_numpy(dtype=float), frame[c].to_numpy(dtype=float))
    assert _text(t.frame["Q6"]) == [v or None for v in _text(frame["Q6"])]  # empty text = no answer


def test_native_file_with_a_label_in_a_code_column_says_which_column(tmp_path):
    from survey.simulate import simulate, write_csv

    frame = simulate(Q, 40, seed=5)
    frame["Q2"] = ["" if pd.isna(v) else str(int(v)) for v in frame["Q2"]]
    frame.loc[3, "Q2"] = Q.question("Q2").options[0].label
    write_csv(frame, tmp_path / "native.csv")
    t = read_responses(tmp_path / "native.csv", Q)
    label = Q.question("Q2").options[0].label
    assert t.format_reason.endswith("read with pyarrow; column Q2 holds values that are not whole-number codes "
                                    f"(such as '{label}'): converted value by value"), t.format_reason
    assert t.frame.loc[3, "Q2"] == Q.question("Q2").options[0].code


def test_number_and_title_disagree_title_wins_and_is_reported(tmp_path):
    p = tmp_path / "swap.csv"
    p.write_text("序号,2、您的工作单位：,1、您是否听说过《市民文明公约》？\n1,企业,没听说过\n", encoding="utf-8")
    t = read_responses(p, Q)
    assert t.frame[["Q1", "Q2"]].to_numpy().tolist() == [[3.0, 2.0]]
    notes = [str(u) for u in t.unmatched]
    assert any("has the number of Q2 but the title of Q1; matched by title to Q1" in s for s in notes)
    assert any("has the number of Q1 but the title of Q2; matched by title to Q2" in s for s in notes)


# ----------------------------------------------------------------------------- single choice: "other, please specify"
OTHER_Q = """\
id: oth
title: 其他
sections:
  - id: A
    title: A
    questions:
      - id: Q1
        type: single
        text: 您最关心哪方面？
        options: [社区服务, 交通, {label: 其他, other: true}]
      - id: Q2
        type: single
        text: 您是否满意？
        options: [是, 否]
"""


def test_single_choice_other_text_is_kept_in_id_other(tmp_path):
    """问卷星 writes the fill-in text of a single choice into the cell: 其他〖物业纠纷〗 (按文本), 3〖…〗 (按序号),
    or 〖…〗 alone; the code goes to Q1 and the text to Q1_other (nothing dropped silently)."""
    qf = tmp_path / "q.yaml"
    qf.write_text(OTHER_Q, encoding="utf-8")
    q = load_questionnaire(qf)
    assert q.question("Q1").columns() == ["Q1", "Q1_other"] and q.question("Q2").columns() == ["Q2"]
    p = tmp_path / "w.csv"
    p.write_text("序号,提交答卷时间,所用时间,来自IP,1、您最关心哪方面？,2、您是否满意？\n"
                 "1,2026/9/1 09:00:00,100秒,1.2.3.4,其他〖物业纠纷〗,是\n"
                 "2,2026/9/1 09:01:00,100秒,1.2.3.5,交通,否〖说不好〗\n"
                 "3,2026/9/1 09:02:00,100秒,1.2.3.6,3〖噪音扰民〗,是\n"
                 "4,2026/9/1 09:03:00,100秒,1.2.3.7,〖楼道堆物〗,是\n", encoding="utf-8")
    t = read_responses(p, q)
    assert t.format == "wjx" and t.problems.empty
    assert t.frame["Q1"].tolist() == [3.0, 2.0, 3.0, 3.0] and t.frame["Q2"].tolist() == [1.0, 2.0, 1.0, 1.0]
    assert _text(t.frame["Q1_other"]) == ["物业纠纷", None, "噪音扰民", "楼道堆物"]
    # 〖…〗 on a question without an "other" option: the code is kept, the dropped text is reported
    assert any("Q2" in str(u) and "no 'other' option" in str(u) for u in t.unmatched)
    # a separate fill-in column, (其他)〖填空〗
    p2 = tmp_path / "w2.csv"
    p2.write_text("序号,所用时间,1、您最关心哪方面？,1、(其他)〖填空〗,2、您是否满意？\n1,10秒,其他,物业纠纷,是\n2,10秒,交通,,否\n",
                  encoding="utf-8")
    t2 = read_responses(p2, q)
    assert t2.frame["Q1"].tolist() == [3.0, 2.0] and _text(t2.frame["Q1_other"]) == ["物业纠纷", None]
    assert not any("not imported" in str(u) for u in t2.unmatched)


def test_single_choice_other_text_through_store_export_and_back(tmp_path):
    from survey.export import export_frame, export_project
    from survey.store import Project

    qf = tmp_path / "q.yaml"
    qf.write_text(OTHER_Q, encoding="utf-8")
    p = tmp_path / "w.csv"
    p.write_text("序号,所用时间,1、您最关心哪方面？,2、您是否满意？\n1,100秒,其他〖物业纠纷〗,是\n2,120秒,交通,否\n",
                 encoding="utf-8")
    proj = Project.create(tmp_path / "p", qf)
    s = proj.import_file(p)
    assert (s.accepted, s.quarantined) == (2, 0)  # the text is no unknown option of Q1
    data = proj.raw_responses()
    assert data["Q1"].tolist() == [3.0, 2.0] and _text(data["Q1_other"]) == ["物业纠纷", None]
    df, vl, var = export_frame(proj, labels=True)
    assert df["Q1"].tolist() == ["其他", "交通"] and _text(df["Q1_other"]) == ["物业纠纷", None]
    assert "Q1_other" not in vl and var["Q1_other"] == "您最关心哪方面？：其他（请注明）"
    out = tmp_path / "clean.csv"
    export_project(proj, format="csv", out=out)
    back = Project.create(tmp_path / "p2", qf)
    s2 = back.import_file(out)
    assert s2.format == "native" and (s2.accepted, s2.quarantined) == (2, 0)
    assert _text(back.raw_responses()["Q1_other"]) == ["物业纠纷", None]


def test_project_made_before_q_other_columns_gains_them(tmp_path):
    """A project whose responses table predates <id>_other of single choices gets the column added (NULL)."""
    import duckdb

    from survey.store import Project

    qf = tmp_path / "q.yaml"
    qf.write_text(OTHER_Q, encoding="utf-8")
    Project.create(tmp_path / "p", qf)
    con = duckdb.connect(str(tmp_path / "p" / "minyi.duckdb"))
    con.execute('ALTER TABLE responses DROP COLUMN "Q1_other"')  # the table as an older minyi made it
    con.close()
    p = tmp_path / "w.csv"
    p.write_text("序号,所用时间,1、您最关心哪方面？,2、您是否满意？\n1,100秒,其他〖物业纠纷〗,是\n", encoding="utf-8")
    proj = Project.open(tmp_path / "p")
    assert proj.import_file(p).accepted == 1
    assert _text(proj.raw_responses()["Q1_other"]) == ["物业纠纷"]


# ----------------------------------------------------------------------------- 问卷星 按分数 (scores)
def test_wjx_by_score_matrix_read_as_scores():
    """wjx_by_score.csv: answers 1, 3, 5, 7, 9 of wjx_by_code.csv, with Q3 (scale sat: 非常满意 100 … 非常不满意 20)
    written as scores by hand; the codes must come back."""
    t = read_responses(DATA / "wjx_by_score.csv", Q)
    assert t.format == "wjx"
    rows = [EXPECTED[i] for i in (0, 2, 4, 6, 8)]
    cols = ["Q1", "Q2", "Q3_r1", "Q3_r2", "Q3_r3", "Q4_1", "Q4_2", "Q4_3"]
    want = np.array([[float(r[CODE_COLS.index(c)]) for c in cols] for r in rows])
    np.testing.assert_array_equal(t.frame[cols].to_numpy(dtype=float), want)
    assert t.problems.empty, t.problems.to_dict("records")
    notes = [str(u) for u in t.unmatched]
    assert len(notes) == 3 and all("values read as scores (问卷星 按分数)" in n for n in notes)
    assert "Q3_r2: values read as scores" in notes[1] and "100→1" in notes[1] and "20→5" in notes[1]


SCORE_Q = """
id: scores
title: 按分数
scales:
  sat:
    options:
      - {code: 1, label: 非常满意, score: 10}
      - {code: 2, label: 满意, score: 8}
      - {code: 3, label: 一般, score: 6}
      - {code: 4, label: 不满意, score: 4}
      - {code: 5, label: 非常不满意, score: 2}
      - {code: 6, label: 不了解, na: true}
  rev:
    options:
      - {code: 1, label: 很好, score: 5}
      - {code: 2, label: 较好, score: 4}
      - {code: 3, label: 一般, score: 3}
      - {code: 4, label: 较差, score: 2}
      - {code: 5, label: 很差, score: 1}
sections:
  - id: S
    title: S
    questions:
      - {id: Q1, type: single, text: 性别, options: [男, 女]}
      - {id: Q8, type: scale, text: 总体满意度, scale: sat}
      - {id: Q9, type: scale, text: 治安评价, scale: rev}
      - {id: Q10, type: scale, text: 交通满意度, scale: sat}
"""


def test_scores_detected_per_column_and_ambiguous_columns_read_as_codes(tmp_path):
    qp = tmp_path / "q.yaml"
    qp.write_text(SCORE_Q, encoding="utf-8")
    q = load_questionnaire(qp)
    p = tmp_path / "s.csv"
    # Q8: 10/8/4 and 6 = scores (10 and 8 are no codes; 6 is the score of 一般, not the code of 不了解);
    # Q10: 10 and 7 -> 7 is no score: codes, 10 unknown
    p.write_text("序号,所用时间,1、性别,2、总体满意度,3、治安评价,4、交通满意度\n"
                 "1,100秒,1,10,5,2\n2,90秒,2,8,4,10\n3,80秒,1,4,1,7\n4,70秒,2,6,,3\n", encoding="utf-8")
    t = read_responses(p, q)
    np.testing.assert_array_equal(t.frame["Q8"].to_numpy(dtype=float), [1, 2, 4, 3])
    # Q9: 5/4/1 are scores *and* codes; Q8 makes the file a 按分数 export, so they are its scores (5 = 很好, code
    # 1), said in a warning (read alone as codes, every answer was reversed: tests/test_import_scores_either.py)
    np.testing.assert_array_equal(t.frame["Q9"].to_numpy(dtype=float), [1, 2, 5, np.nan])
    np.testing.assert_array_equal(t.frame["Q10"].to_numpy(dtype=float), [2, np.nan, np.nan, 3])
    notes = [str(u) for u in t.unmatched]
    assert len(notes) == 2 and "Q8: values read as scores (问卷星 按分数)" in notes[0], notes
    assert "Q9: values read as scores (问卷星 按分数), as column '2、总体满意度' holds scores" in notes[1], notes
    assert sorted(t.problems[["row", "value"]].values.tolist()) == [[3, "10"], [4, "7"]]
    assert set(t.problems["column"]) == {"4、交通满意度"}


def test_scores_with_the_unscored_na_option_code(tmp_path):
    p = tmp_path / "s.csv"
    # scale sat of wjx_questionnaire.yaml: scores 100/80/60/40/20, 不了解 (code 6) has no score to give
    p.write_text("序号,所用时间,3、(环境卫生),3、(交通秩序)\n1,100秒,100,6\n2,90秒,6,2\n3,80秒,20,60\n", encoding="utf-8")
    t = read_responses(p, Q)
    np.testing.assert_array_equal(t.frame["Q3_r1"].to_numpy(dtype=float), [1, 6, 5])  # 100 is no code: scores
    np.testing.assert_array_equal(t.frame["Q3_r2"].to_numpy(dtype=float), [6, 2, np.nan])  # 6, 2 are codes; 60 not
    assert [str(u) for u in t.unmatched if "scores" in str(u)] and "Q3_r2" not in " ".join(map(str, t.unmatched))
    assert t.problems[["row", "column", "value"]].values.tolist() == [[4, "3、(交通秩序)", "60"]]


def test_merged_cells_of_one_column_are_filled_down(tmp_path):
    """A 单位 typed once for a block of rows and merged (as Excel users lay out hand-entered questionnaires):
    Excel shows it on every row, the file stores it in the top cell only. The import gives each row the value
    (the same answers as the unmerged workbook) and says so; a merged title across columns is left alone."""
    import openpyxl

    wb = openpyxl.load_workbook(DATA / "wjx_by_text.xlsx")
    ws = wb.active
    col = [c.value for c in ws[1]].index("1、您的工作单位：") + 1
    assert ws.cell(2, col).value == ws.cell(3, col).value == "社区"
    ws.cell(3, col).value = None
    ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.cell(9, col).value = None  # a one-row gap nobody merged stays unanswered
    wb.save(tmp_path / "merged.xlsx")
    want = read_responses(DATA / "wjx_by_text.xlsx", Q).frame.drop(columns=["_row"])
    t = read_responses(tmp_path / "merged.xlsx", Q)
    assert "1 merged cell range(s) filled down with their value (column 1、您的工作单位： rows 2–3)" in t.format_reason
    got = t.frame.drop(columns=["_row"])
    assert np.isnan(got.loc[7, "Q1"]) and not np.isnan(want.loc[7, "Q1"])
    got.loc[7, "Q1"] = want.loc[7, "Q1"]
    assert (got.loc[:1, "Q1"] == 2).all()  # 社区
    pd.testing.assert_frame_equal(got, want)
    ws.unmerge_cells(start_row=2, start_column=col, end_row=3, end_column=col)  # openpyxl's insert_rows
    ws.insert_rows(1)  # does not move merged ranges: merged again one row down, below a title merged across
    ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)  # the columns (not data, not filled)
    ws.cell(1, 1).value = "某市创文问卷 数据汇总"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ws.max_column)
    wb.save(tmp_path / "titled.xlsx")
    t2 = read_responses(tmp_path / "titled.xlsx", Q)
    assert "header on row 2" in t2.format_reason and "(column 1、您的工作单位： rows 3–4)" in t2.format_reason
    pd.testing.assert_frame_equal(t2.frame.drop(columns=["_row"]), t.frame.drop(columns=["_row"]))

"""Hostile and messy import files (red team of the import path): each case is a defect that was reproduced
through the real command, and what the command must do instead.

* A header naming two columns (``Q1`` twice, ``1、您的工作单位：`` twice): pandas renamed the second one
  (``Q1.1``) without a word and the answers of one of the two were dropped or matched elsewhere.  Now one
  error naming the file, the header and both positions (Excel letters for a workbook), nothing stored, on
  every container and for the data files of ``survey estimate``.
* A full-width comma (or ``┋``) typed inside a multiple choice's 其他〖…〗 fill-in split the fill-in and sent the
  respondent to quarantine.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cli_capture import csv_text, init_project, run_main
from survey.store import Project

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
BY_TEXT = (DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig")
Q1_HEADER = "1、您的工作单位："


_main = run_main


def _project(tmp_path: Path, capsys) -> str:
    return init_project(tmp_path, capsys, QFILE)


def _stored_waves(proj: str, capsys) -> list:
    rc, out = _main(capsys, "status", proj, "--json")
    assert rc == 0, out
    return json.loads(out)["waves"]


def _rows_with_second_q1() -> list[list[str]]:
    """The 问卷星 按文本 fixture with a second ``1、您的工作单位：`` column (15th, O) holding other answers."""
    rows = list(csv.reader(io.StringIO(BY_TEXT)))
    return [rows[0] + [Q1_HEADER]] + [r + ["企业"] for r in rows[1:]]


_csv_text = csv_text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_repeated_header_in_a_csv_is_an_error_naming_both_columns(tmp_path, capsys, encoding):
    proj = _project(tmp_path, capsys)
    f = tmp_path / "dup.csv"
    f.write_bytes(_csv_text(_rows_with_second_q1()).encode(encoding))
    rc, out = _main(capsys, "import", proj, str(f))
    assert rc == 1 and "Traceback" not in out
    assert f"dup.csv:1: error: the header '{Q1_HEADER}' names two columns: column 7 and column 15" in out
    assert _stored_waves(proj, capsys) == []


def test_repeated_header_in_a_workbook_names_the_excel_letters_and_its_row(tmp_path, capsys):
    import openpyxl

    proj = _project(tmp_path, capsys)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某市满意度调查 数据汇总表"])  # a title row: the header is on row 2
    for r in _rows_with_second_q1():
        ws.append(r)
    f = tmp_path / "dup.xlsx"
    wb.save(f)
    rc, out = _main(capsys, "import", proj, str(f))
    assert rc == 1 and "Traceback" not in out
    assert f"dup.xlsx:2: error: the header '{Q1_HEADER}' names two columns: column 7 (G) and column 15 (O)" in out
    assert _stored_waves(proj, capsys) == []


def test_repeated_native_column_is_refused_not_read_as_another_column(tmp_path, capsys):
    """The native fast path sent such a file to the careful path, where ``Q1.1`` became "part 1 of Q1, not
    imported" and Q2 (whose header had been overwritten) "missing": every row quarantined, the Q1 answers of
    one of the two columns gone.  Whitespace around a name does not make it another name."""
    proj = _project(tmp_path, capsys)
    f = tmp_path / "native.csv"
    f.write_text("respondent_id,Q1, Q1 ,Q2\nR1,1,2,1\nR2,2,3,2\n", encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(f))
    assert rc == 1 and "native.csv:1: error: the header 'Q1' names two columns: column 2 and column 3" in out
    assert _stored_waves(proj, capsys) == []


def test_every_repeated_header_is_listed_once_against_its_first_column(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    f = tmp_path / "three.csv"
    f.write_text("respondent_id,Q1,Q2,Q1,Q2,Q1\nR1,1,1,1,1,1\n", encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(f))
    assert rc == 1
    lines = [ln for ln in out.splitlines() if "names two columns" in ln]
    assert [ln.split("names two columns: ")[1].split(" (")[0] for ln in lines] == [
        "column 2 and column 4", "column 3 and column 5", "column 2 and column 6"]


def test_repeated_column_in_a_parquet_file_is_the_same_error(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    f = tmp_path / "dup.parquet"
    pq.write_table(pa.table([pa.array(["R1"]), pa.array(["1"]), pa.array(["2"])], names=["respondent_id", "Q1", "Q1"]), f)
    rc, out = _main(capsys, "import", proj, str(f))
    assert rc == 1 and "dup.parquet: error: the header 'Q1' names two columns: column 2 and column 3" in out
    assert "FieldRef" not in out


def test_estimate_refuses_a_data_file_with_a_repeated_header(tmp_path, capsys):
    """``survey estimate --var x`` read the first ``x`` and never said that another column had the same name."""
    f = tmp_path / "d.csv"
    f.write_text("x,y,x\n1,2,3\n2,3,4\n1,1,1\n", encoding="utf-8")
    rc, out = _main(capsys, "estimate", str(f), "--var", "x")
    assert rc == 1 and "d.csv:1: error: the header 'x' names two columns: column 1 and column 3" in out


def test_empty_headers_are_not_repeated_names(tmp_path, capsys):
    """An Excel-resaved CSV with trailing empty columns (empty headers) still imports."""
    proj = _project(tmp_path, capsys)
    rows = list(csv.reader(io.StringIO(BY_TEXT)))
    f = tmp_path / "resaved.csv"
    f.write_text(_csv_text([r + ["", ""] for r in rows]), encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(f))
    assert rc == 0 and "12 rows read, 12 accepted, 0 quarantined" in out, out


@pytest.mark.parametrize("fill_in", ["楼道堆物，噪音扰民", "楼道堆物,噪音扰民", "楼道┋噪音", "a|b;c；d"])
def test_separator_typed_inside_the_other_fill_in_stays_in_the_text(tmp_path, capsys, fill_in):
    proj = _project(tmp_path, capsys)
    rows = list(csv.reader(io.StringIO(BY_TEXT)))
    assert rows[4][11] == "物价┋其他〖物业纠纷〗"  # respondent 4's multiple choice (Q4)
    rows[4][11] = f"物价┋其他〖{fill_in}〗"
    f = tmp_path / "wjx.csv"
    f.write_text(_csv_text(rows), encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0 and "12 rows read, 12 accepted, 0 quarantined" in out, out
    data, _ = Project.open(proj).responses("W")
    r4 = data.set_index("respondent_id").loc["4"]
    assert (r4["Q4_3"], r4["Q4_6"], r4["Q4_other"]) == (1, 1, fill_in)


def test_native_file_with_bare_carriage_returns_imports(tmp_path, capsys):
    """A native export re-saved with bare CR line ends (Excel's "CSV (Macintosh)") of a few rows was taken for
    the fast path, whose header parser then failed: "internal error: new-line character seen in unquoted field"."""
    proj = _project(tmp_path, capsys)
    header = ("respondent_id,submitted_at,duration_sec,Q1,Q2,Q3_r1,Q3_r2,Q3_r3,Q4_1,Q4_2,Q4_3,Q4_4,Q4_5,Q4_6,"
              "Q4_other,Q5_1,Q5_2,Q5_3,Q5_4,Q6")
    rows = ["R1,2026-09-01 09:01:00,268,2,2,4,5,5,0,1,0,0,0,0,,3,,2,1,意见",
            "R2,2026-09-02 09:02:00,310,3,1,1,5,6,1,0,0,1,1,0,,3,,2,1,"]
    f = tmp_path / "mac.csv"
    f.write_bytes(("\r".join([header] + rows) + "\r").encode("utf-8"))
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0 and "2 rows read, 2 accepted, 0 quarantined" in out, out
    data, _ = Project.open(proj).responses("W")
    got = data.set_index("respondent_id")
    assert (got.loc["R1", "Q1"], got.loc["R2", "Q1"], got.loc["R1", "Q6"], got.loc["R2", "Q4_5"]) == (2, 3, "意见", 1)


def test_two_exports_joined_in_one_file_are_said_at_import(tmp_path, capsys):
    """``cat export.csv export.csv``: 24 answers of 12 respondents were accepted and the import said only that
    the repeated header row was quarantined; the doubled wave was visible nowhere at import (and, with the
    ``duplicate_id`` rule off, analysed twice)."""
    proj = _project(tmp_path, capsys)
    f = tmp_path / "joined.csv"
    text = (DATA / "wjx_by_code.csv").read_text(encoding="utf-8-sig")
    f.write_text(text + text, encoding="utf-8-sig")
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0 and "25 rows read, 24 accepted, 1 quarantined" in out
    assert ("warning: 12 row(s) repeat the respondent id of an earlier row of this file (two exports joined into "
            "one?): survey check flags them (duplicate_id) and analysis keeps each id's first answer") in out
    g = tmp_path / "joined_again.csv"
    rows = text.split("\n", 1)[1]
    assert rows.startswith("1,")
    g.write_text(text + "1x" + rows[1:], encoding="utf-8-sig")  # the second part's first id differs
    cfg = Path(proj) / "minyi.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("  duplicate_id: true", "  duplicate_id: false"),
                   encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(g), "--wave", "V", "--json")
    d = json.loads(out)
    assert rc == 0 and (d["accepted"], d["repeated_in_file"]) == (24, 11)
    h = tmp_path / "joined_third.csv"
    h.write_text(text + rows + "\n", encoding="utf-8-sig")  # no header between the parts
    rc, out = _main(capsys, "import", proj, str(h), "--wave", "U")
    assert rc == 0 and "warning: 12 row(s) repeat the respondent id" in out
    assert "that exclusion rule is off in minyi.yaml: analysis counts every one of them" in out


def test_one_repeated_id_is_not_called_two_exports_joined(tmp_path, capsys):
    """One respondent id twice among 13 rows is an answer entered or sent twice, not a second export."""
    proj = _project(tmp_path, capsys)
    text = (DATA / "wjx_by_code.csv").read_text(encoding="utf-8-sig")
    first = text.split("\n", 2)[1]
    f = tmp_path / "one_twice.csv"
    f.write_text(text.rstrip("\n") + "\n" + first + "\n", encoding="utf-8-sig")
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0 and "13 rows read, 13 accepted" in out, out
    assert "warning: 1 row(s) repeat the respondent id of an earlier row of this file (an answer entered or sent " \
           "twice?)" in out


def test_a_file_without_repeated_ids_has_no_such_note(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    rc, out = _main(capsys, "import", proj, str(DATA / "wjx_by_code.csv"), "--json")
    assert rc == 0 and json.loads(out)["repeated_in_file"] == 0


def _two_question_project(tmp_path: Path, capsys) -> str:
    qf = tmp_path / "q2.yaml"
    qf.write_text("id: t2\ntitle: 测试\nsections:\n  - id: S\n    title: 问卷\n    questions:\n"
                  "      - {id: Q1, type: single, text: 您的工作单位：, options: [机关, 社区, 企业]}\n"
                  "      - {id: Q2, type: single, text: 您是否听说过《市民文明公约》？, options: [听说过, 没听说过]}\n",
                  encoding="utf-8")
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(qf))[0] == 0
    return proj


def test_spss_value_labels_that_move_codes_are_said(tmp_path, capsys):
    """A .sav whose value labels number the options differently (1=企业, 3=机关; the questionnaire has 1=机关,
    3=企业) was imported by its labels without a word: the stored codes differ from the file's numbers, and
    if the labels were the wrong part every 机关 answer became 企业."""
    import pyreadstat

    proj = _two_question_project(tmp_path, capsys)
    f = tmp_path / "labels.sav"
    pyreadstat.write_sav(pd.DataFrame({"respondent_id": ["a", "b", "c"], "Q1": [1.0, 2.0, 3.0], "Q2": [1.0, 2.0, 1.0]}),
                         str(f), variable_value_labels={"Q1": {1: "企业", 2: "社区", 3: "机关"},
                                                        "Q2": {1: "听说过", 2: "没听说过"}})
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0, out
    assert ("column 'Q1': its SPSS value labels give Q1's options other codes than the questionnaire: "
            "1 labelled '企业' → code 3, 3 labelled '机关' → code 1; the labels were followed") in out
    assert "column 'Q2'" not in out  # labels that agree with the codes: nothing to say
    data, _ = Project.open(proj).responses("W")
    assert data.set_index("respondent_id")["Q1"].to_dict() == {"a": 3, "b": 2, "c": 1}


def test_kobo_cell_and_option_columns_that_disagree_are_named(tmp_path, capsys):
    """Kobo writes a select_multiple both as one cell (``Q4`` = ``2``) and as 0/1 columns (``Q4/1`` …).  When the
    two disagreed (the cell says option 2, the columns 1 and 3) the import used the columns and said only that
    the cell repeats the question, the same note as for a file where they agree."""
    proj = _project(tmp_path, capsys)
    lines = (DATA / "kobo_xml.csv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split(";")
    row = lines[1].split(";")
    for col, v in (("Q4", "2"), ("Q4/1", "1"), ("Q4/2", "0"), ("Q4/3", "1")):
        row[head.index(col)] = v
    lines[1] = ";".join(row)
    f = tmp_path / "kobo.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0, out
    assert ("column 'Q4' repeats Q4, which also has one column per option; the per-option columns were used; "
            "the two disagree in 1 row(s) (row 2)") in out
    data, _ = Project.open(proj).responses("W")
    first = data.set_index("respondent_id").loc["uuid-0001"]
    assert [first[f"Q4_{k}"] for k in range(1, 4)] == [1, 0, 1]
    rc, out = _main(capsys, "import", proj, str(DATA / "kobo_xml.csv"), "--wave", "V")
    assert rc == 0 and "the per-option columns were used" in out and "disagree" not in out


NPS_HEADER = "序号,提交答卷时间,所用时间,1、您向朋友推荐本市的可能性有多大（0-10分）？\n"


def _nps_project(tmp_path: Path, capsys) -> str:
    qf = tmp_path / "nps.yaml"
    qf.write_text("id: nps\ntitle: 测试\nsections:\n  - id: S\n    title: 问卷\n    questions:\n"
                  "      - {id: Q1, type: single, text: 您向朋友推荐本市的可能性有多大（0-10分）？, "
                  'options: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]}\n', encoding="utf-8")
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(qf))[0] == 0
    return proj


def _nps_import(tmp_path: Path, capsys, proj: str, wave: str, cells: list) -> tuple[str, dict]:
    f = tmp_path / f"{wave}.csv"
    f.write_text(NPS_HEADER + "".join(f"{i},2026/9/1 09:01:00,268秒,{v}\n" for i, v in enumerate(cells, 1)),
                 encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(f), "--wave", wave)
    assert rc == 0, out
    data, _ = Project.open(proj).responses(wave)
    return out, {int(k): int(v) for k, v in data.set_index("respondent_id")["Q1"].items()}


def test_numbers_as_option_labels_are_read_as_labels_when_the_column_says_so(tmp_path, capsys):
    """A 问卷星 按文本 export of a 0–10 question (labels 0–10, codes 1–11) was read code-first: the answer 5 was
    stored as code 5 (the label 4), 10 as 9; every answer one point lower, without a word."""
    proj = _nps_project(tmp_path, capsys)
    out, got = _nps_import(tmp_path, capsys, proj, "A", ["0", "5", "10"])  # 0 is a label and no code: labels
    assert got == {1: 1, 2: 6, 3: 11}  # the codes of the labels 0, 5 and 10
    assert ("Q1: values read as option labels (a 按文本 or --labels export), not codes: label→code 0→1, 5→6, 10→11"
            in out)
    out, got = _nps_import(tmp_path, capsys, proj, "B", ["3", "5", "11"])  # 11 is a code and no label: codes
    assert got == {1: 3, 2: 5, 3: 11} and "option labels" not in out and "both readings" not in out


def test_numbers_that_fit_both_readings_are_read_as_codes_with_a_warning(tmp_path, capsys):
    proj = _nps_project(tmp_path, capsys)
    out, got = _nps_import(tmp_path, capsys, proj, "C", ["3", "5", "1"])
    assert got == {1: 3, 2: 5, 3: 1}
    assert ("Q1: the options are labelled with numbers that are other options' codes, and every value of this "
            "column fits both readings: read as codes: 1 (code of '0', label of code 2), 3 (code of '2', label of "
            "code 4), 5 (code of '4', label of code 6)") in out


@pytest.mark.parametrize("name,columns", [("wjx.csv", 14), ("native.csv", 3), ("wjx.xlsx", 14)])
def test_a_file_with_only_its_header_says_so(tmp_path, capsys, name, columns):
    """A download made before anyone answered (the header and nothing else) was "the file is empty (… the
    file has no rows)", which the user, who sees the header in the file, cannot square with it."""
    proj = _project(tmp_path, capsys)
    header = BY_TEXT.splitlines()[0].split(",") if name.startswith("wjx") else ["respondent_id", "Q1", "Q2"]
    f = tmp_path / name
    if name.endswith(".xlsx"):
        import openpyxl

        wb = openpyxl.Workbook()
        wb.active.append(header)
        wb.save(f)
    else:
        f.write_text(",".join(header) + "\n", encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(f))
    assert rc == 1 and f"{name}:1: error: the file has a header row ({columns} columns) but no data rows" in out


def test_a_labels_export_of_numbered_options_imports_back_to_the_same_answers(tmp_path, capsys):
    """``survey export --labels`` of the 0–10 question writes 0, 5, 10; imported again (minyi's native layout,
    read by pyarrow as codes) 0 was quarantined as no option and 5 and 10 became the codes 5 and 10 (the labels
    4 and 9).  The codes export still reads as codes."""
    proj = _nps_project(tmp_path, capsys)
    _, stored = _nps_import(tmp_path, capsys, proj, "A", ["0", "5", "10"])
    for how in ("--labels", "--codes"):
        f = tmp_path / f"export{how}.csv"
        rc, out = _main(capsys, "export", proj, how, "--out", str(f))
        assert rc == 0, out
        back = str(tmp_path / f"back{how}")
        src = tmp_path / "nps.yaml"
        assert _main(capsys, "init", back, "--questionnaire", str(src))[0] == 0
        rc, out = _main(capsys, "import", back, str(f), "--wave", "A")
        assert rc == 0 and "3 accepted, 0 quarantined" in out, out
        data, _ = Project.open(back).responses("A")
        assert {int(k): int(v) for k, v in data.set_index("respondent_id")["Q1"].items()} == stored == {1: 1, 2: 6, 3: 11}


def test_an_export_of_every_wave_is_not_merged_into_one_wave(tmp_path, capsys):
    """``survey export`` of a project with waves A and B (a ``wave`` column) imported into another project went
    into one wave ``default`` with a note that column 'wave' matches no question: both waves merged, and the
    second wave's answers then left out of analysis as repeated respondent ids."""
    proj = _project(tmp_path, capsys)
    assert _main(capsys, "import", proj, str(DATA / "wjx_by_code.csv"), "--wave", "A")[0] == 0
    assert _main(capsys, "import", proj, str(DATA / "wjx_by_text.csv"), "--wave", "B")[0] == 0
    every = tmp_path / "every.csv"
    assert _main(capsys, "export", proj, "--out", str(every))[0] == 0
    back = str(tmp_path / "back")
    assert _main(capsys, "init", back, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", back, str(every))
    assert rc == 1 and "every.csv: error: the file holds the answers of 2 waves in its 'wave' column (A, B)" in out
    assert _stored_waves(back, capsys) == []
    for fmt in ("csv", "xlsx"):  # one wave's rows with their wave column: that wave, through the careful path too
        one = tmp_path / f"one.{fmt}"
        assert _main(capsys, "export", proj, "--format", fmt, "--out", str(one))[0] == 0
        frame = pd.read_csv(one, dtype=str, keep_default_na=False) if fmt == "csv" else pd.read_excel(one, dtype=str, engine="openpyxl")
        frame = frame[frame["wave"] == "B"]
        frame.to_csv(one, index=False) if fmt == "csv" else frame.to_excel(one, index=False)
        rc, out = _main(capsys, "import", back, str(one))
        assert rc == 0 and "wave B: 10 rows read, 10 accepted" in out and "column 'wave'" not in out, out
    assert [(w["wave"], w["responses"]) for w in _stored_waves(back, capsys)] == [("B", 20)]  # 10 from each file
    rc, out = _main(capsys, "import", back, str(tmp_path / "one.csv"), "--wave", "C")  # same file: already there
    assert "already imported" in out


def test_wave_option_that_differs_from_the_files_wave_column_is_said(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    assert _main(capsys, "import", proj, str(DATA / "wjx_by_code.csv"), "--wave", "A")[0] == 0
    every = tmp_path / "every.csv"
    assert _main(capsys, "export", proj, "--out", str(every))[0] == 0
    back = str(tmp_path / "back")
    assert _main(capsys, "init", back, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", back, str(every), "--wave", "Z")
    assert rc == 0 and "wave Z: 10 rows read, 10 accepted" in out
    assert "warning: the file's 'wave' column says 'A', and its rows were imported into wave 'Z' (--wave)" in out


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_text(tmp_path, capsys, encoding):
    """UTF-16 saved without a BOM was refused as "a binary file, not text" (its ASCII characters carry NUL bytes),
    which sends the user looking for a damaged file."""
    proj = _project(tmp_path, capsys)
    f = tmp_path / "u16.csv"
    f.write_bytes(BY_TEXT.encode(encoding))
    rc, out = _main(capsys, "import", proj, str(f))
    assert rc == 0 and "12 rows read, 12 accepted, 0 quarantined" in out and "no BOM) text" in out, out


def test_binary_bytes_with_nuls_are_still_not_text(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    f = tmp_path / "blob.csv"
    f.write_bytes(bytes(range(256)) * 16)
    rc, out = _main(capsys, "import", proj, str(f))
    assert rc == 1 and "it is a binary file, not text" in out

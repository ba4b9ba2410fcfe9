"""Red team of the data path, session 28: silent data change in import and export, each case through the CLI.

* A text answer equal to an Excel error literal (``#N/A``, ``#DIV/0!`` …) was written by ``survey export
  --format xlsx`` as an Excel *error* cell (openpyxl types such strings so); read back it was an empty cell,
  so export → import lost the answer without a word.
* A duration the import cannot read (``1,234``, ``abc``) was stored empty without a word, on the pyarrow
  fast path and on the careful path alike (the speeder check then cannot judge the row).
* ``survey quarantine --export`` wrote the quarantined row as one JSON text and English field names:
  unreadable in Excel for a 问卷星 / SPSS user.  The .xlsx now has the questionnaire's language in its
  headers and one column per cell of the row; the .csv keeps the field names scripts read.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from test_import_redteam import _main  # the import red-team tests share one CLI runner
from xlsform_files import workbook
from survey.store import Project

DATA = Path(__file__).parent / "data"
QFILE = DATA / "short8_questionnaire.yaml"  # Q8 is an open text question, Q7 a number
HEADER = ["respondent_id", "submitted_at", "duration_sec", "Q1", "Q2", "Q3", "Q4_1", "Q4_2", "Q4_3", "Q4_4",
          "Q5_r1", "Q5_r2", "Q5_r3", "Q6", "Q7", "Q8"]
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")  # Excel's error literals


def _row(rid: str, duration: str = "70", q8: str = "治理噪声扰民", at: str = "2026-03-26 12:48:32") -> list[str]:
    """One valid answer of the short questionnaire (as ``survey simulate`` writes it), Q8 and duration given;
    the answers of Q1, Q2 and Q5 follow the id's number, so no two rows are identical (which ``survey check``
    would flag and analysis leave out)."""
    i = int(rid.lstrip("R"))
    return [rid, at, duration, str(i % 2 + 1), str(i % 3 + 1), "1", "1", "1", "1", "1",
            str(i % 4 + 1), "4", "2", "2", "0", q8]


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([HEADER] + rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _imported(tmp_path: Path, capsys, name: str, data: Path, qfile: Path = QFILE) -> tuple[str, str]:
    """A new project ``name`` with ``data`` imported into wave W; (project path, import output)."""
    proj = str(tmp_path / name)
    rc, out = _main(capsys, "init", proj, "--questionnaire", str(qfile))
    assert rc == 0, out
    rc, out = _main(capsys, "import", proj, str(data), "--wave", "W")
    assert rc == 0, out
    return proj, out


# ----------------------------------------------------------------------------- 1. Excel error literals as text
def test_answers_spelled_like_excel_errors_survive_an_xlsx_export_and_import(tmp_path, capsys):
    """Each error literal typed as an open answer comes back from export xlsx → import as the same text: the
    CSV exports of the two projects are equal byte for byte."""
    data = _write(tmp_path / "answers.csv", [_row(f"R{i}", q8=t) for i, t in enumerate(EXCEL_ERRORS, 1)])
    p1, _ = _imported(tmp_path, capsys, "p1", data)
    xlsx, first, second = tmp_path / "w.xlsx", tmp_path / "first.csv", tmp_path / "second.csv"
    assert _main(capsys, "export", p1, "--format", "xlsx", "--wave", "W", "--out", str(xlsx))[0] == 0
    p2, _ = _imported(tmp_path, capsys, "p2", xlsx)
    for proj, out in ((p1, first), (p2, second)):
        assert _main(capsys, "export", proj, "--format", "csv", "--wave", "W", "--out", str(out))[0] == 0
    assert sorted(Project.open(p2).responses("W")[0]["Q8"]) == sorted(EXCEL_ERRORS)
    assert first.read_bytes() == second.read_bytes()


def test_the_sheet_helpers_write_excel_error_literals_as_text(tmp_path):
    """The report's and the ledger's sheets are written cell by cell (``append_row``, ``set_cell``): the same
    literals stay text cells there too (an error cell reads back empty)."""
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    from survey.cells import append_row, set_cell

    wb = Workbook()
    ws = wb.active
    append_row(ws, list(EXCEL_ERRORS))
    for j, t in enumerate(EXCEL_ERRORS, 1):
        set_cell(ws, 2, j, t)
    wb.save(tmp_path / "t.xlsx")
    rows = CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_index(0).to_python()
    assert rows == [list(EXCEL_ERRORS), list(EXCEL_ERRORS)]


# ----------------------------------------------------------------------------- 2. unreadable durations said
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])  # the pyarrow fast path and the careful path
def test_a_duration_that_cannot_be_read_is_said_with_its_row(tmp_path, capsys, encoding):
    rows = [_row("R1", "1,234"), _row("R2", "abc"), _row("R3", "268秒"), _row("R4", ""), _row("R5", "95")]
    data = _write(tmp_path / "answers.csv", rows, encoding)
    proj, out = _imported(tmp_path, capsys, "p", data)
    assert "2 cell(s) hold no duration" in out
    assert "row 2 '1,234', row 3 'abc'" in out  # the file's own line numbers (header on line 1)
    stored = Project.open(proj).responses("W")[0].set_index("respondent_id")["duration_sec"]
    assert stored.isna().to_dict() == {"R1": True, "R2": True, "R3": False, "R4": True, "R5": False}
    assert stored["R3"] == 268 and stored["R5"] == 95


def test_readable_durations_give_no_warning(tmp_path, capsys):
    # an empty cell; 问卷星's (空) is no empty marker in this native layout (test_import_wjx_markers)
    data = _write(tmp_path / "answers.csv", [_row("R1", "4分28秒"), _row("R2", "00:01:10"), _row("R3", "")])
    _, out = _imported(tmp_path, capsys, "p", data)
    assert "hold no duration" not in out


# ----------------------------------------------------------------------------- 3. quarantine export readable
def _quarantined(tmp_path: Path, capsys, qfile: Path = QFILE) -> str:
    bad = _row("R2")
    bad[HEADER.index("Q1")] = "7"  # no option of Q1
    data = _write(tmp_path / "answers.csv", [_row("R1"), bad])
    proj, out = _imported(tmp_path, capsys, "p", data, qfile)
    assert "1 quarantined" in out
    return proj


def test_quarantine_xlsx_has_chinese_headers_and_the_row_as_cells(tmp_path, capsys):
    proj = _quarantined(tmp_path, capsys)
    out = tmp_path / "q.xlsx"
    assert _main(capsys, "quarantine", proj, "--export", str(out))[0] == 0
    sheet = pd.read_excel(out, dtype=object, engine="openpyxl")
    assert list(sheet.columns[:7]) == ["波次", "来源文件", "行号", "问题列", "原值", "原因", "说明"]
    rec = sheet.iloc[0]
    assert (rec["行号"], rec["问题列"], str(rec["原值"]), rec["原因"]) == (3, "Q1", "7", "无效选项代码")
    assert not any(str(c).lower() == "raw" for c in sheet.columns)
    assert rec["respondent_id"] == "R2" and rec["Q8"] == "治理噪声扰民" and rec["Q5_r3"] == 2
    assert not any(isinstance(v, str) and v.startswith("{") for v in rec)  # no JSON text left


def test_quarantine_xlsx_of_an_english_questionnaire_has_english_headers(tmp_path, capsys):
    qfile = tmp_path / "q_en.yaml"
    qfile.write_text(QFILE.read_text(encoding="utf-8").replace("language: zh", "language: en"), encoding="utf-8")
    proj = _quarantined(tmp_path, capsys, qfile)
    out = tmp_path / "q.xlsx"
    assert _main(capsys, "quarantine", proj, "--export", str(out))[0] == 0
    sheet = pd.read_excel(out, dtype=object, engine="openpyxl")
    assert list(sheet.columns[:7]) == ["Wave", "Source file", "Row", "Column", "Value", "Reason", "Message"]
    assert sheet.iloc[0]["Reason"] == "invalid option code"


def test_quarantine_csv_keeps_its_field_names_and_spreads_the_row(tmp_path, capsys):
    proj = _quarantined(tmp_path, capsys)
    out = tmp_path / "q.csv"
    assert _main(capsys, "quarantine", proj, "--export", str(out))[0] == 0
    with out.open(encoding="utf-8-sig", newline="") as fh:
        recs = list(csv.DictReader(fh))
    assert list(recs[0])[:7] == ["wave", "source", "row", "column", "value", "code", "message"]
    assert "raw" not in recs[0] and "_row" not in recs[0]
    assert (recs[0]["row"], recs[0]["code"], recs[0]["respondent_id"], recs[0]["Q5_r3"]) == ("3", "unknown-option",
                                                                                            "R2", "2")


# ----------------------------------------------------------------------------- 4. control characters in a .sav
def test_control_characters_survive_a_sav_export_and_import(tmp_path, capsys):
    """BEL, ESC, DEL … were dropped from every text cell of ``survey export --format sav`` without a word,
    although an SPSS string holds them: export sav → import gives back the stored text (CSV exports equal)."""
    texts = ["响铃\x07提示", "转义\x1b[1m", "删除\x7f键", "单元\x1f分隔"]
    data = tmp_path / "answers.parquet"  # (a CSV with this many control characters is refused as binary)
    pd.DataFrame([_row(f"R{i}", q8=t) for i, t in enumerate(texts, 1)], columns=HEADER).to_parquet(data, index=False)
    p1, _ = _imported(tmp_path, capsys, "p1", data)
    sav, first, second = tmp_path / "w.sav", tmp_path / "first.csv", tmp_path / "second.csv"
    rc, out = _main(capsys, "export", p1, "--format", "sav", "--wave", "W", "--out", str(sav))
    assert rc == 0 and "NUL" not in out, out
    p2, _ = _imported(tmp_path, capsys, "p2", sav)
    for proj, path in ((p1, first), (p2, second)):
        assert _main(capsys, "export", proj, "--format", "csv", "--wave", "W", "--out", str(path))[0] == 0
    assert sorted(Project.open(p2).responses("W")[0]["Q8"]) == sorted(texts)
    assert first.read_bytes() == second.read_bytes()


def test_a_nul_in_a_text_answer_is_said_when_a_sav_cannot_hold_it(tmp_path, capsys):
    """A NUL (a Parquet file can carry one) ends an SPSS string: it is left out, the rest of the text kept,
    and the export names the cell."""
    import pyreadstat

    rows = [_row("R1", q8="前半\x00后半"), _row("R2", q8="正常")]
    frame = pd.DataFrame(rows, columns=HEADER)
    frame.to_parquet(tmp_path / "answers.parquet", index=False)
    proj, _ = _imported(tmp_path, capsys, "p", tmp_path / "answers.parquet")
    sav = tmp_path / "w.sav"
    rc, out = _main(capsys, "export", proj, "--format", "sav", "--wave", "W", "--out", str(sav))
    assert rc == 0, out
    assert "1 text cell(s) hold a NUL character" in out and "R1 Q8" in out
    back = pyreadstat.read_sav(str(sav))[0].set_index("respondent_id")["Q8"]
    assert back.to_dict() == {"R1": "前半后半", "R2": "正常"}


def test_a_nul_in_a_text_answer_is_said_when_a_csv_export_leaves_it_out(tmp_path, capsys):
    """survey import refuses a CSV holding NUL as damaged (session 29), so minyi's own CSV export of a stored
    NUL (from a Parquet file, say) could not be imported back: the export leaves the NUL out, names the cell, and
    the file imports back to the same text without it."""
    rows = [_row("R1", q8="前半\x00后半"), _row("R2", q8="正常")]
    pd.DataFrame(rows, columns=HEADER).to_parquet(tmp_path / "answers.parquet", index=False)
    proj, _ = _imported(tmp_path, capsys, "p", tmp_path / "answers.parquet")
    out_csv = tmp_path / "w.csv"
    rc, out = _main(capsys, "export", proj, "--format", "csv", "--wave", "W", "--out", str(out_csv))
    assert rc == 0, out
    assert "1 text cell(s) hold a NUL character" in out and "R1 Q8" in out and b"\x00" not in out_csv.read_bytes()
    p2, _ = _imported(tmp_path, capsys, "p2", out_csv)
    assert sorted(Project.open(p2).responses("W")[0]["Q8"]) == ["前半后半", "正常"]


# ----------------------------------------------------------------------------- 5. a workbook's other sheets

def test_answers_on_a_second_sheet_are_said_not_left_out_silently(tmp_path, capsys):
    """An office typing paper questionnaires keeps one sheet per district: only the first sheet is imported
    (documented), and the import used to say nothing of the 3 answers on the second."""
    book = workbook(tmp_path / "answers.xlsx", {"东城区": [HEADER, _row("R1"), _row("R2")],
                                                 "西城区": [HEADER, _row("R3"), _row("R4"), _row("R5")],
                                                 "空表": []})
    proj, out = _imported(tmp_path, capsys, "p", book)
    assert "2 rows read" in out
    assert "1 other sheet(s) of the workbook hold rows and were not imported: '西城区' (3 rows)" in out
    assert "空表" not in out
    rc, out = _main(capsys, "import", proj, str(book), "--sheet", "西城区", "--wave", "W")
    assert rc == 0 and "3 rows read" in out and "not imported" not in out  # was "already imported"
    for sheet in ("西城区", "东城区"):  # each sheet once, the first one whether named or not
        rc, out = _main(capsys, "import", proj, str(book), "--sheet", sheet, "--wave", "W")
        assert rc == 0 and "already imported" in out, out
    ids = Project.open(proj).responses("W", apply_exclusions_=False)[0]["respondent_id"]
    assert sorted(ids) == ["R1", "R2", "R3", "R4", "R5"]


def test_the_codebook_sheet_of_minyis_own_export_is_no_unread_sheet(tmp_path, capsys):
    data = _write(tmp_path / "answers.csv", [_row("R1"), _row("R2")])
    p1, _ = _imported(tmp_path, capsys, "p1", data)
    xlsx = tmp_path / "w.xlsx"
    assert _main(capsys, "export", p1, "--format", "xlsx", "--wave", "W", "--out", str(xlsx))[0] == 0
    _, out = _imported(tmp_path, capsys, "p2", xlsx)
    assert "not imported" not in out and "2 rows read" in out


# ----------------------------------------------------------------------------- 6. missing columns on the fast path
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])  # the pyarrow fast path and the careful path
def test_a_native_file_without_some_columns_says_so_on_every_path(tmp_path, capsys, encoding):
    """A native UTF-8 file without the Q8 column and the option column Q4_3 was imported without a word (its
    answers stored empty), while the same file in GBK named both: every path now says the same."""
    keep = [j for j, c in enumerate(HEADER) if c not in ("Q8", "Q4_3")]
    rows = [[r[j] for j in keep] for r in [HEADER, _row("R1"), _row("R2", q8="")]]
    rows[1][1] = "2026年3月26日"  # one non-ASCII cell, so the GB18030 file is not also valid UTF-8
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    data = tmp_path / "answers.csv"
    data.write_bytes(buf.getvalue().encode(encoding))
    proj, out = _imported(tmp_path, capsys, "p", data)
    assert ("read with pyarrow" in out) == (encoding == "utf-8")
    assert "warning: Q4: no column for option(s) 3=带孩子游玩; left blank" in out
    assert "warning: no column for Q8 (no column matched" in out


# ----------------------------------------------------------------------------- 7. submission times
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])  # the pyarrow fast path and the careful path
def test_submission_times_are_stored_alike_on_every_path_and_unreadable_ones_said(tmp_path, capsys, encoding):
    """The fast path stored any text (``garbage``, ``2026/9/1 9:01``) while the careful path parsed it and
    emptied what it could not read without a word; and one cell with a zone (``+08:00``) made the careful
    path empty the submission time of every row of the file."""
    times = ["2026-09-01T09:01:00+08:00", "2026/9/2 9:02", "2026年9月3日 9时3分", "garbage", "2026-02-30 10:00:00",
             "2026-09-06 09:06:00"]
    rows = [_row(f"R{i}", at=t) for i, t in enumerate(times, 1)]
    rows[0][-1] = "噪声"  # non-ASCII text, so the GB18030 file is not also valid UTF-8
    proj, out = _imported(tmp_path, capsys, "p", _write(tmp_path / "answers.csv", rows, encoding))
    assert "2 cell(s) hold no date and time" in out and "row 5 'garbage', row 6 '2026-02-30 10:00:00'" in out
    stored = Project.open(proj).responses("W", apply_exclusions_=False)[0].set_index("respondent_id")["submitted_at"]
    assert {k: v if isinstance(v, str) else None for k, v in stored.items()} == {
        "R1": "2026-09-01 09:01:00", "R2": "2026-09-02 09:02:00", "R3": "2026-09-03 09:03:00", "R4": None,
        "R5": None, "R6": "2026-09-06 09:06:00"}


# ----------------------------------------------------------------------------- 8. Excel error values in a workbook
def test_excel_error_cells_of_a_workbook_are_named_not_read_as_no_answer(tmp_path, capsys):
    """A cell holding an Excel error (typed ``#N/A``, or a formula whose value is ``#DIV/0!``) was read as an
    empty cell: the row went to quarantine as "required answer missing", or, in an optional question, the
    error became "no answer" without a word.  Each is now quarantined naming its cell and error."""
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "答卷"
    for r in [HEADER, _row("R1"), _row("R2"), _row("R3")]:
        ws.append(r)
    ws["D2"].value, ws["D2"].data_type = "#N/A", "e"  # Q1 of R1, typed as Excel keeps a typed #N/A
    ws["P3"].value, ws["P3"].data_type = "#DIV/0!", "e"  # Q8 (optional text) of R2
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    book = tmp_path / "answers.xlsx"  # P3 made a formula cell with its computed error value, as Excel saves it
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="P3" t="e"><v>#DIV/0!</v></c>', b'<c r="P3" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
                assert b"<f>1/0</f>" in data
            dst.writestr(item, data)
    proj, out = _imported(tmp_path, capsys, "p", book)
    assert "2 quarantined" in out and "excel-error" in out
    assert "2 cell(s) hold an Excel error value" in out and "答卷!D2, 答卷!P3" in out
    recs = Project.open(proj).quarantine("W").set_index("row")
    assert recs.loc[2, "code"] == "excel-error" and "答卷!D2 holds the Excel error #N/A" in recs.loc[2, "message"]
    assert recs.loc[3, "code"] == "excel-error" and recs.loc[3, "value"] == "#DIV/0!"
    assert "required" not in " ".join(recs["message"])


@pytest.mark.parametrize("name,want", [("clean.xls", "clean.xlsx"), ("clean.json", "clean.csv"), ("clean.zsav", "clean.sav")])
def test_export_refuses_a_file_name_of_another_kind(tmp_path, name, want):
    """`survey export P --out clean.xls` wrote CSV text into clean.xls (Excel warns and may misread it);
    a name of another file kind is refused, naming the one to use, and nothing is written."""
    from tracking_world import survey

    from survey.qload import bundled_path

    q = bundled_path()
    assert survey("init", tmp_path / "p", "-q", q)[0] == 0
    assert survey("simulate", q, "--n", "20", "--out", tmp_path / "r.csv")[0] == 0
    assert survey("import", tmp_path / "p", tmp_path / "r.csv")[0] == 0
    rc, _, err = survey("export", tmp_path / "p", "--out", tmp_path / name)
    assert rc != 0 and want in err and "Traceback" not in err
    assert not (tmp_path / name).exists()


def test_a_header_with_spaces_or_invisible_characters_reads_alike_in_every_encoding(tmp_path):
    """Native headers "A1 " and "A2" after a zero-width space: the GBK path read them as A1 and A2
    (survey.tabular.clean_headers), the UTF-8 fast path as unknown columns, quarantining every row as
    required-missing: one file stored different answers by its encoding.  Both now store the same answers."""
    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate
    from tracking_world import survey

    q = bundled_path()
    frame = simulate(load_questionnaire(q), 40, seed=5).rename(columns={"A1": "A1 ", "A2": "\u200bA2"})
    assert survey("init", tmp_path / "p", "-q", q)[0] == 0
    out = {}
    for enc, wave in (("utf-8", "W1"), ("gb18030", "W2")):
        f = tmp_path / f"r_{wave}.csv"
        frame.to_csv(f, index=False, encoding=enc)
        rc, text, err = survey("import", tmp_path / "p", f, "--wave", wave)
        assert rc == 0, err
        assert "40 accepted, 0 quarantined" in text, text
        assert survey("export", tmp_path / "p", "--wave", wave, "--out", tmp_path / f"e_{wave}.csv")[0] == 0
        out[wave] = pd.read_csv(tmp_path / f"e_{wave}.csv", dtype=str).drop(columns=["wave"], errors="ignore")
    pd.testing.assert_frame_equal(out["W1"], out["W2"])
    assert out["W1"]["A1"].notna().all()

"""Import details that changed or hid data (session 29), each through the CLI.

* Full-width header names (``Ｑ１``, ``Ｑ４＿２``, an ideographic space around ``Ｑ２``: what a Chinese input method
  in full-width mode types) matched no question on any path, so the rows' answers were reported missing.  They
  are read as the ids they spell (Unicode NFKC, only when the name as written matches nothing) on every path,
  and an info note says so.
* A NUL byte in a CSV was refused as "a binary file" without its line when it sat in the first 64 KB, and
  stored inside an answer when it sat further down.  Anywhere in the file it is now refused naming the line
  and the field, on every path (UTF-8 through pyarrow, GBK).
* An SPSS .sav file's problems were numbered as if it had a header line (case 3 was "row 4").  They carry
  SPSS's case numbers and say "case N" (个案号 in the .xlsx quarantine export); a CSV keeps its row numbers.
* ``survey quarantine --export``: the .xlsx showed the wave's id (``default``) and a sheet "Sheet1", and the row of
  a 问卷星 file as codes under minyi's column names, which the user cannot find in their file.  The .xlsx shows the
  wave's label (本次调查) on a sheet 隔离记录; the row is kept as the file had it (its headers, its labels); the
  .csv keeps its field names and the wave id.
* A number cell formatted as a percentage in Excel (``50%``) was stored as 0.5 without a word.  It is stored as
  the percent it shows (50) when the question's unit is %, else as the number it holds, and a warning lists the
  cells with what each shows and what was stored.
* A header on two rows in a CSV (column names, then the questions' texts under them, as an Excel sheet with a
  text row saved as CSV) gave one "not an option" record per cell of the text row; with the texts over the names
  and repeated over the options' columns it was refused as repeated headers without the cause.  A row under the
  header that names the same questions is read as part of the header (an info note says so) on every path;
  the repeated-text case names the line to delete.
* A small native CSV saved as GBK with Chinese open answers was refused as "a binary file" on the fast path: its
  test decoded the GBK bytes as UTF-8 ignoring errors, which left stray control characters.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd

from test_import_redteam import _main  # the import red-team tests share one CLI runner
from test_import_redteam28 import HEADER, QFILE, _row


def _full_width(name: str) -> str:
    """``name`` with every ASCII character in its full-width form (``Q4_2`` → ``Ｑ４＿２``)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)


def _rows() -> list[list[str]]:
    return [_row(f"R{i}") for i in range(1, 7)]


def _csv_bytes(header: list[str], encoding: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header] + _rows())
    return buf.getvalue().encode(encoding)


def _xlsx(path: Path, header: list[str]) -> Path:
    wb = openpyxl.Workbook()
    for r in [header] + _rows():
        wb.active.append(r)
    wb.save(path)
    return path


def _export(tmp_path: Path, capsys, name: str, data: Path) -> tuple[bytes, str]:
    """(``survey export --format csv`` bytes, import output) of a new project with ``data`` imported."""
    proj = str(tmp_path / name)
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", proj, str(data), "--wave", "W")
    assert rc == 0, out
    dest = tmp_path / f"{name}.csv"
    rc, msg = _main(capsys, "export", proj, "--format", "csv", "--out", str(dest))
    assert rc == 0, msg
    return dest.read_bytes(), out


# ----------------------------------------------------------------------------- 1. full-width header names
def test_full_width_header_names_store_the_same_answers_on_every_path(tmp_path, capsys):
    wide = [_full_width(h) if h in ("Q1", "Q4_2", "Q7") else h for h in HEADER]
    wide[HEADER.index("Q2")] = "\u3000" + _full_width("Q2") + "\u3000"
    ascii_csv = tmp_path / "ascii.csv"
    ascii_csv.write_bytes(_csv_bytes(HEADER, "utf-8"))
    expected, out = _export(tmp_path, capsys, "ascii", ascii_csv)
    assert "6 accepted" in out, out
    files = {"utf8.csv": _csv_bytes(wide, "utf-8"), "gbk.csv": _csv_bytes(wide, "gb18030"),
             "bom.csv": _csv_bytes(wide, "utf-8-sig")}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    _xlsx(tmp_path / "wide.xlsx", wide)
    for name in (*files, "wide.xlsx"):
        got, out = _export(tmp_path, capsys, name.replace(".", "_"), tmp_path / name)
        assert got == expected, (name, out)
        assert "6 accepted" in out and "matches no question" not in out and "no column for" not in out, out
        assert "full-width" in out and "'Ｑ１' → Q1" in out and "'Ｑ４＿２' → Q4_2" in out, out


def test_a_full_width_name_beside_the_same_name_as_written_is_said_not_merged(tmp_path, capsys):
    """``Q1`` and ``Ｑ１`` both in the header: the name as written is used and the other one is said ignored."""
    header = HEADER + [_full_width("Q1")]
    rows = [r + ["2"] for r in _rows()]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header] + rows)
    data = tmp_path / "both.csv"
    data.write_bytes(buf.getvalue().encode("utf-8"))
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", proj, str(data), "--wave", "W")
    assert rc == 0, out
    assert "second column for Q1" in out, out


# ----------------------------------------------------------------------------- 2. a NUL byte in a CSV
def _with_nul(rows: int, at: int, encoding: str) -> bytes:
    """A CSV of ``rows`` answers whose data row ``at`` (1-based; physical line ``at + 1``) has a NUL inside its
    Q8 text."""
    body = [_row(f"R{i}", q8=("前半\x00后半" if i == at else "正常")) for i in range(1, rows + 1)]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([HEADER] + body)
    return buf.getvalue().encode(encoding)


def test_a_nul_byte_is_refused_with_its_line_and_field_on_every_path(tmp_path, capsys):
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    field = HEADER.index("Q8") + 1
    for name, rows, at, enc in (("early.csv", 5, 3, "utf-8"), ("early_gbk.csv", 5, 3, "gb18030"),
                                ("late.csv", 1500, 1200, "utf-8"), ("late_gbk.csv", 1500, 1200, "gb18030")):
        data = tmp_path / name
        data.write_bytes(_with_nul(rows, at, enc))
        assert data.read_bytes().index(b"\x00") > 65536 or at == 3
        rc, out = _main(capsys, "import", proj, str(data), "--wave", "W")
        assert rc == 1, (name, out)
        assert f"{name}:{at + 1}:{field}: error: a NUL byte" in out and "('Q8')" in out, (name, out)
        assert "Traceback" not in out and len(out.strip().splitlines()) == 1, out
    rc, out = _main(capsys, "status", proj)
    assert "import #" not in out, out  # nothing was stored


# ----------------------------------------------------------------------------- 3. SPSS case numbers
def _sav(path: Path) -> Path:
    """The six answers as an SPSS file (numbers as numbers), case 3's Q1 = 7 (no option), case 2's duration
    'abc'."""
    import pyreadstat

    df = pd.DataFrame(_rows(), columns=HEADER)
    for c in HEADER:
        if c not in ("respondent_id", "submitted_at", "duration_sec", "Q8"):
            df[c] = pd.to_numeric(df[c])
    df.loc[2, "Q1"] = 7
    df.loc[1, "duration_sec"] = "abc"
    pyreadstat.write_sav(df, str(path))
    return path


def test_spss_problems_carry_the_case_number_spss_shows(tmp_path, capsys):
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", proj, str(_sav(tmp_path / "answers.sav")), "--wave", "W")
    assert rc == 0, out
    assert "case 2 'abc'" in out, out  # the duration note names SPSS's case
    rc, out = _main(capsys, "quarantine", proj)
    assert rc == 0 and "answers.sav, case 3, column Q1:" in out, out
    rc, out = _main(capsys, "quarantine", proj, "--json")
    assert '"row": 3' in out, out  # the row field is the case number (R3 is case 3)
    dest = tmp_path / "q.xlsx"
    assert _main(capsys, "quarantine", proj, "--export", str(dest))[0] == 0
    sheet = pd.read_excel(dest, engine="openpyxl")
    assert sheet["个案号"].tolist() == [3] and sheet["respondent_id"].tolist() == ["R3"], sheet.columns
    # the same answers as a CSV keep the file's row numbers (the header is row 1: R3 is row 4)
    rows = _rows()
    rows[2][HEADER.index("Q1")] = "7"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([HEADER] + rows)
    (tmp_path / "answers.csv").write_bytes(buf.getvalue().encode("utf-8"))
    assert _main(capsys, "import", proj, str(tmp_path / "answers.csv"), "--wave", "W2")[0] == 0
    rc, out = _main(capsys, "quarantine", proj, "--wave", "W2")
    assert "answers.csv, row 4, column Q1:" in out, out
    assert _main(capsys, "quarantine", proj, "--export", str(dest))[0] == 0
    assert "行号/个案号" in pd.read_excel(dest, engine="openpyxl").columns


# ----------------------------------------------------------------------------- 4. the quarantine export
WJX = Path(__file__).parent / "data"


def test_quarantine_export_of_a_wjx_file_shows_its_own_row_and_the_wave_label(tmp_path, capsys):
    rows = list(csv.reader((WJX / "wjx_by_text.csv").read_text(encoding="utf-8-sig").splitlines()))
    unit = rows[0].index("1、您的工作单位：")
    rows[2][unit] = "社会"  # no option of Q1: row 3 of the file (序号 2) is quarantined
    data = tmp_path / "wjx.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    data.write_bytes(buf.getvalue().encode("utf-8"))
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(WJX / "wjx_questionnaire.yaml"))[0] == 0
    rc, out = _main(capsys, "import", proj, str(data))  # no --wave: the default wave, 本次调查 to readers
    assert rc == 0 and "1 quarantined" in out, out
    dest = tmp_path / "q.xlsx"
    assert _main(capsys, "quarantine", proj, "--export", str(dest))[0] == 0
    wb = openpyxl.load_workbook(dest, read_only=True)
    assert wb.sheetnames == ["隔离记录"]
    sheet = pd.read_excel(dest, dtype=str, engine="openpyxl", keep_default_na=False)  # N/A is text here
    rec = sheet.iloc[0]
    assert rec["波次"] == "本次调查" and rec["行号"] == "3"
    # the row as the file has it: the same headers and the same cells, so it can be found and mended there
    for header, cell in zip(rows[0], rows[2]):
        if header == "来自IP":  # identifying: kept apart, never exported
            assert header not in sheet.columns
            continue
        assert rec[header] == cell, (header, cell, rec[header])
    csv_out = tmp_path / "q.csv"
    assert _main(capsys, "quarantine", proj, "--export", str(csv_out))[0] == 0
    with csv_out.open(encoding="utf-8-sig", newline="") as fh:
        recs = list(csv.DictReader(fh))
    assert list(recs[0])[:7] == ["wave", "source", "row", "column", "value", "code", "message"]
    assert recs[0]["wave"] == "default" and recs[0]["2、您是否听说过《市民文明公约》？"] == rows[2][7]


# ----------------------------------------------------------------------------- 5. percentage cells in Excel
def _percent_workbook(path: Path) -> Path:
    """The six answers as a workbook, numbers as numbers; Q7 of R2 and R3 typed as 50% and 7% (cells holding
    0.5 and 0.07, formatted 0%), as Excel stores a percentage typed into a cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in _rows():
        ws.append([v if c in ("respondent_id", "submitted_at", "Q8") else float(v) for c, v in zip(HEADER, r)])
    col = HEADER.index("Q7") + 1
    for row, v in ((3, 0.5), (4, 0.07)):
        ws.cell(row=row, column=col, value=v).number_format = "0%"
    wb.save(path)
    return path


def _stored_q7(proj: str) -> dict:
    from survey.store import Project

    frame = Project.open(proj).responses("W")[0]
    return dict(zip(frame["respondent_id"], frame["Q7"]))


def test_percent_cells_are_said_and_a_percent_question_stores_what_they_show(tmp_path, capsys):
    book = _percent_workbook(tmp_path / "answers.xlsx")
    proj = str(tmp_path / "count")  # Q7 counts visits (no unit %): the number the cell holds, said
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", proj, str(book), "--wave", "W")
    assert rc == 0, out
    assert "2 answer cell(s) are formatted as percentages" in out, out
    assert "Sheet!O3 shows 50%, stored 0.5, Sheet!O4 shows 7%, stored 0.07" in out, out  # Q7 is column O
    got = _stored_q7(proj)
    assert (got["R2"], got["R3"], got["R1"]) == (0.5, 0.07, 0.0)
    qfile = tmp_path / "pct.yaml"  # the same question asked as a percentage
    qfile.write_text(QFILE.read_text(encoding="utf-8").replace("        max: 60\n", "        max: 100\n        unit: \"%\"\n"),
                     encoding="utf-8")
    proj = str(tmp_path / "pct")
    assert _main(capsys, "init", proj, "--questionnaire", str(qfile))[0] == 0
    rc, out = _main(capsys, "import", proj, str(book), "--wave", "W")
    assert rc == 0 and "shows 50%, stored 50" in out and "shows 7%, stored 7" in out, out
    got = _stored_q7(proj)
    assert (got["R2"], got["R3"], got["R1"]) == (50.0, 7.0, 0.0)


# ----------------------------------------------------------------------------- 6. a header on two rows
TEXTS = {"respondent_id": "编号", "submitted_at": "提交时间", "duration_sec": "用时", "Q1": "您的性别", "Q2": "您居住的区",
         "Q3": "您是否知道本市的“口袋公园”建设项目？", "Q6": "总体而言，您对本市公园是否满意？",
         "Q7": "最近一个月您去公园的次数", "Q8": "您对公园建设有什么建议？"}
GROUP_TEXTS = {"Q4": "您去公园主要做什么？（可多选）", "Q5": "您对公园以下方面的满意程度"}


def _table(rows: list, path: Path, encoding: str = "utf-8") -> Path:
    if path.suffix == ".xlsx":
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(path)
        return path
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def test_question_texts_under_the_column_names_are_part_of_the_header(tmp_path, capsys):
    plain = _table([HEADER] + _rows(), tmp_path / "plain.csv")
    expected, _ = _export(tmp_path, capsys, "plain", plain)
    texts = [TEXTS.get(h) or GROUP_TEXTS[h.split("_")[0]] for h in HEADER]  # under the names: may repeat
    for name, enc in (("utf8.csv", "utf-8"), ("gbk.csv", "gb18030"), ("book.xlsx", None)):
        data = _table([HEADER, texts] + _rows(), tmp_path / name, enc or "utf-8")
        got, out = _export(tmp_path, capsys, name.replace(".", "_"), data)
        assert got == expected, (name, out)
        assert "6 rows read, 6 accepted, 0 quarantined" in out, out  # the text row is no answer
        assert "row 2 names the same questions as the header row 1" in out, out
    unique = [TEXTS.get(h, h) for h in HEADER]  # the texts of the single questions over every column's name
    got, out = _export(tmp_path, capsys, "over", _table([unique, HEADER] + _rows(), tmp_path / "over.csv"))
    assert got == expected and "row 2 names the same questions as the header row 1" in out, out


def test_texts_repeated_over_the_option_columns_name_the_line_to_delete(tmp_path, capsys):
    texts = [TEXTS.get(h) or GROUP_TEXTS[h.split("_")[0]] for h in HEADER]
    data = _table([texts, HEADER] + _rows(), tmp_path / "two.csv")
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", proj, str(data), "--wave", "W")
    assert rc == 1 and "Traceback" not in out, out
    first = out.splitlines()[0]
    assert first.endswith("two.csv:1: error: line 1 holds the same name over several columns and line 2 names every "
                          "column once: a header on two lines (question texts over column names)? (delete line 1 so "
                          "that line 2 is the header, then import again; nothing was imported)"), out


# ----------------------------------------------------------------------------- 7. a small GBK native file
def test_a_small_gbk_native_file_with_chinese_answers_is_not_called_binary(tmp_path, capsys):
    rows = [_row(f"R{i}", q8="公园里的座椅太少，希望多设置一些休息的地方，厕所也要干净") for i in range(1, 6)]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([HEADER] + rows)
    utf8, gbk = tmp_path / "utf8.csv", tmp_path / "gbk.csv"
    utf8.write_bytes(buf.getvalue().encode("utf-8"))
    gbk.write_bytes(buf.getvalue().encode("gb18030"))
    expected, _ = _export(tmp_path, capsys, "utf8", utf8)
    got, out = _export(tmp_path, capsys, "gbk", gbk)
    assert got == expected and "5 accepted" in out, out

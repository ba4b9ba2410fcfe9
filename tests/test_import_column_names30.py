"""The user's own column names in import problems and in the quarantine (session 30; each test failed before).

A 问卷星 / 腾讯问卷 file names its columns "2、您是否听说过…" / "2.您是否听说过…"; minyi maps them to question ids.
The row checks (required answer missing, too many options …) name the native column (Q2, Q3_r3), and before
this fix ``survey quarantine`` (listing, ``--json``, ``--export``) and ``survey import --strict`` showed that id —
a name the user's file does not have — while the row's cells beside it carried the file's headers.  Now every one
of them names the column as the file does: its header, and in a workbook its Excel letter (列 C「…」 in the
.xlsx export, ``column C “…” (Q2)`` in the text, the id only as a hint); ``--json`` and the .csv export keep
``column`` and add ``header`` and ``sheet_column``.  minyi's native files keep their wording (the header is the id).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd

from survey.store import DB
from test_import_redteam import _main  # the import red-team tests share one CLI runner

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
Q2_WJX = "2、您是否听说过《市民文明公约》？"
Q2_TENCENT = "2.您是否听说过《市民文明公约》？"


def _wjx_rows() -> list[list[str]]:
    """The 问卷星 按文本 fixture: row 3 of the file with an answer that is no option of Q1 (a converter problem,
    already named by its header), row 4 without the required Q2, row 9 without any row of the matrix Q3."""
    rows = list(csv.reader((DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig").splitlines()))
    h = rows[0]
    rows[2][h.index("1、您的工作单位：")] = "社会"
    rows[3][h.index(Q2_WJX)] = ""
    for c in ("3、(环境卫生)", "3、(交通秩序)", "3、(社会治安)"):
        rows[8][h.index(c)] = ""
    return rows


def _tencent_rows() -> list[list[str]]:
    """The 腾讯问卷 fixture: row 4 without the required Q2, row 5 with no option of Q4 ticked (one 0/1 column
    per option: "4.您最关心的问题有哪些？（可多选）:住房" …)."""
    rows = list(csv.reader((DATA / "tencent.csv").read_text(encoding="utf-8-sig").splitlines()))
    h = rows[0]
    rows[3][h.index(Q2_TENCENT)] = ""
    for j, c in enumerate(h):
        if c.startswith("4."):
            rows[4][j] = ""
    return rows


def _csv(rows: list, path: Path) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def _xlsx(rows: list, path: Path) -> Path:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def _imported(tmp_path: Path, capsys, data: Path, name: str = "p") -> str:
    proj = str(tmp_path / name)
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", proj, str(data))
    assert rc == 0 and "quarantined" in out, out
    return proj


def _records(proj: str, capsys) -> list[dict]:
    rc, out = _main(capsys, "quarantine", proj, "--json")
    assert rc == 0, out
    return json.loads(out)


def _letter(header: list, name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(header.index(name) + 1)


def test_wjx_csv_quarantine_names_the_files_header_not_the_question_id(tmp_path, capsys):
    rows = _wjx_rows()
    proj = _imported(tmp_path, capsys, _csv(rows, tmp_path / "wjx.csv"))
    rc, out = _main(capsys, "quarantine", proj)
    assert f"wjx.csv, row 4, column “{Q2_WJX}” (Q2): required answer Q2 is missing" in out, out
    assert "column “1、您的工作单位：”: value '社会'" in out  # a file column: no id hint
    assert ", column Q2:" not in out
    recs = {r["row"]: r for r in _records(proj, capsys)}
    assert recs[4]["column"] == "Q2" and recs[4]["header"] == Q2_WJX and recs[4]["sheet_column"] is None
    assert recs[3]["column"] == recs[3]["header"] == "1、您的工作单位："
    assert recs[9]["column"] == "Q3" and recs[9]["header"] == "3、(环境卫生) / 3、(交通秩序) / 3、(社会治安)"
    # .xlsx export: 问题列 is the file's header, not Q2
    dest = tmp_path / "q.xlsx"
    assert _main(capsys, "quarantine", proj, "--export", str(dest))[0] == 0
    sheet = pd.read_excel(dest, dtype=str, engine="openpyxl", keep_default_na=False)
    by_row = {r["行号"]: r for _, r in sheet.iterrows()}
    assert by_row["4"]["问题列"] == f"「{Q2_WJX}」"
    assert by_row["3"]["问题列"] == "「1、您的工作单位：」"
    assert "Q2" not in set(sheet["问题列"])
    # .csv export: the fields scripts read keep their meaning; header and sheet_column are added after them
    dest = tmp_path / "q.csv"
    assert _main(capsys, "quarantine", proj, "--export", str(dest))[0] == 0
    with dest.open(encoding="utf-8-sig", newline="") as fh:
        recs = list(csv.DictReader(fh))
    assert list(recs[0])[:9] == ["wave", "source", "row", "column", "value", "code", "message", "header",
                                 "sheet_column"]
    r4 = next(r for r in recs if r["row"] == "4")
    assert r4["column"] == "Q2" and r4["header"] == Q2_WJX and r4["sheet_column"] == ""


def test_wjx_xlsx_quarantine_and_strict_import_name_the_excel_column(tmp_path, capsys):
    rows = _wjx_rows()
    h = rows[0]
    data = _xlsx(rows, tmp_path / "wjx.xlsx")
    q2 = _letter(h, Q2_WJX)
    proj = _imported(tmp_path, capsys, data)
    rc, out = _main(capsys, "quarantine", proj)
    assert f"wjx.xlsx, row 4, column {q2} “{Q2_WJX}” (Q2): required answer Q2 is missing" in out, out
    first, last = _letter(h, "3、(环境卫生)"), _letter(h, "3、(社会治安)")
    assert f"row 9, column {first}–{last} “3、(环境卫生) / 3、(交通秩序) / 3、(社会治安)” (Q3)" in out, out
    recs = {r["row"]: r for r in _records(proj, capsys)}
    assert recs[4]["sheet_column"] == q2 and recs[3]["sheet_column"] == _letter(h, "1、您的工作单位：")
    dest = tmp_path / "q.xlsx"
    assert _main(capsys, "quarantine", proj, "--export", str(dest))[0] == 0
    sheet = pd.read_excel(dest, dtype=str, engine="openpyxl", keep_default_na=False)
    by_row = {r["行号"]: r for _, r in sheet.iterrows()}
    assert by_row["4"]["问题列"] == f"列 {q2}「{Q2_WJX}」"
    assert by_row["9"]["问题列"] == f"列 {first}–{last}「3、(环境卫生) / 3、(交通秩序) / 3、(社会治安)」"
    # --strict refuses the file and lists the rows: the same names
    assert _main(capsys, "init", str(tmp_path / "p2"), "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", str(tmp_path / "p2"), str(data), "--strict")
    assert rc == 1 and f"row 4, column {q2} “{Q2_WJX}” (Q2): error: required answer Q2 is missing" in out, out


def test_an_unmatched_workbook_column_is_named_with_its_letter(tmp_path, capsys):
    rows = _wjx_rows()
    rows[0].append("7、您的年龄")
    for r in rows[1:]:
        r.append("")
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", proj, str(_xlsx(rows, tmp_path / "wjx.xlsx")))
    letter = _letter(rows[0], "7、您的年龄")
    assert rc == 0 and f"column {letter} “7、您的年龄”: warning: column '7、您的年龄' matches no question" in out, out


def test_tencent_csv_and_xlsx_name_the_files_headers(tmp_path, capsys):
    rows = _tencent_rows()
    h = rows[0]
    q4 = [c for c in h if c.startswith("4.")]
    for kind, data in (("csv", _csv(rows, tmp_path / "tencent.csv")), ("xlsx", _xlsx(rows, tmp_path / "tencent.xlsx"))):
        proj = _imported(tmp_path, capsys, data, name=f"p_{kind}")
        recs = {r["row"]: r for r in _records(proj, capsys)}
        assert recs[4]["column"] == "Q2" and recs[4]["header"] == Q2_TENCENT
        assert recs[5]["column"] == "Q4" and recs[5]["header"] == " / ".join(q4[:3]) + " …"
        rc, out = _main(capsys, "quarantine", proj)
        if kind == "csv":
            assert recs[4]["sheet_column"] is None
            assert f"row 4, column “{Q2_TENCENT}” (Q2)" in out, out
        else:
            letter = _letter(h, Q2_TENCENT)
            assert recs[4]["sheet_column"] == letter
            assert recs[5]["sheet_column"] == f"{_letter(h, q4[0])}–{_letter(h, q4[-1])}"
            assert f"row 4, column {letter} “{Q2_TENCENT}” (Q2)" in out, out


def test_native_files_keep_their_wording_and_old_records_still_list(tmp_path, capsys):
    """minyi's own layout: the header is the id, so the column is named as before (``column Q1``), with no
    header; a project whose quarantine table predates the two columns lists its records as before."""
    from test_import_redteam28 import _quarantined

    proj = _quarantined(tmp_path, capsys)
    rc, out = _main(capsys, "quarantine", proj)
    assert rc == 0 and "row 3, column Q1: value '7' is not an option of Q1" in out, out
    assert _records(proj, capsys)[0]["header"] is None
    con = duckdb.connect(str(Path(proj) / DB))
    con.execute("ALTER TABLE quarantine DROP COLUMN header")
    con.execute("ALTER TABLE quarantine DROP COLUMN sheet_column")
    con.close()
    rc, out = _main(capsys, "quarantine", proj)
    assert rc == 0 and "row 3, column Q1: value '7' is not an option of Q1" in out, out

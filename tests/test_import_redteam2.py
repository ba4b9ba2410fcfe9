"""Red team of the import path, second round: each case is a defect reproduced through the real command.

* A workbook's row numbers are Excel's, whatever the line breaks inside its cells (``row 7``).
* A workbook's formula cell without a cached value read as an unexplained "required answer missing"; hidden
  rows and columns were imported without a word.
* A zip holding an .xlsx was refused although documented as read.
* ``wave`` was written twice (export and importers).
* An Excel-resaved CSV's trailing empty columns gave "column15 matches no question".
* Numerals as option labels in multiple-choice cells (``1┋5``) and SPSS value labels were read code-first.
"""

from __future__ import annotations

import ast
import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from cli_capture import csv_text, init_project, run_main
from survey.store import Project

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
BY_TEXT = (DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig")


_main = run_main


def _project(tmp_path: Path, capsys, qfile: Path = QFILE) -> str:
    return init_project(tmp_path, capsys, qfile)


def _rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(BY_TEXT)))


_csv_text = csv_text


# ----------------------------------------------------------------------------- 4. one wave column name
def test_export_names_the_wave_column_by_the_importers_constant():
    """``survey export`` wrote the literal ``"wave"`` that ``WAVE_COLUMN`` names for the importers: renaming one
    would silently stop an export of every wave from importing back into its waves."""
    import survey.export as export
    from survey.importers.base import WAVE_COLUMN

    assert export.WAVE_COLUMN is WAVE_COLUMN
    tree = ast.parse(Path(export.__file__).read_text(encoding="utf-8"))
    literals = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value == WAVE_COLUMN]
    assert literals == []


# ----------------------------------------------------------------------------- 5. trailing empty columns
def test_trailing_empty_columns_of_a_resaved_csv_are_dropped_silently(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    rows = _rows()
    f = tmp_path / "resaved.csv"
    f.write_text(_csv_text([r + ["", ""] for r in rows]), encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "A")
    assert rc == 0, out
    assert "column15" not in out and "column16" not in out and "matches no question" not in out
    # an empty header over some value keeps its note: that value would otherwise be dropped without a word
    g = tmp_path / "kept.csv"
    g.write_text(_csv_text([rows[0] + [""]] + [r + ["x" if i == 2 else ""] for i, r in enumerate(rows[1:])]),
                 encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(g), "--wave", "B")
    assert rc == 0 and "column 'column15' matches no question" in out, out


def test_trailing_empty_columns_of_a_native_csv_take_the_fast_path_silently(tmp_path, capsys):
    """minyi's native layout (pyarrow): two empty headers were one field twice, an internal error."""
    qf = tmp_path / "q.yaml"
    qf.write_text("id: t\ntitle: 测试\nsections:\n  - id: S\n    title: 问卷\n    questions:\n"
                  "      - {id: Q1, type: single, text: 单位, options: [机关, 社区, 企业]}\n", encoding="utf-8")
    proj = _project(tmp_path, capsys, qf)
    f = tmp_path / "native.csv"
    f.write_text("respondent_id,submitted_at,duration_sec,Q1,,\nr1,2026-09-01 09:00:00,300,1,,\n"
                 "r2,2026-09-01 09:10:00,200,2,,\n", encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "A")
    assert rc == 0 and "read with pyarrow" in out and "matches no question" not in out and "Traceback" not in out, out
    g = tmp_path / "kept.csv"
    g.write_text("respondent_id,submitted_at,duration_sec,Q1,,\nr1,2026-09-01 09:00:00,300,1,,\n"
                 "r2,2026-09-01 09:10:00,200,2,,x\n", encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(g), "--wave", "B")
    assert rc == 0 and "column 'column6' matches no question" in out and "column5" not in out, out


# ----------------------------------------------------------------------------- 3. a zip holding a workbook
def test_a_zip_holding_a_workbook_is_read_like_the_workbook(tmp_path, capsys):
    """The docstring said a zip's .xlsx was read; the import refused it ("a zip archive without a CSV file")."""
    proj = _project(tmp_path, capsys)
    z = tmp_path / "download.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(DATA / "wjx_by_text.xlsx", "答卷数据.xlsx")
    rc, out = _main(capsys, "import", proj, str(z), "--wave", "Z")
    assert rc == 0, out
    assert "zip archive holding 答卷数据.xlsx: Excel workbook" in out
    rc, out = _main(capsys, "import", proj, str(DATA / "wjx_by_text.xlsx"), "--wave", "X")
    assert rc == 0, out
    p = Project.open(proj)
    zipped, _ = p.responses("Z")
    direct, _ = p.responses("X")
    cols = [c for c in direct.columns if not c.startswith("_")]
    assert len(direct) > 0
    pd.testing.assert_frame_equal(zipped[cols].reset_index(drop=True), direct[cols].reset_index(drop=True))


# ----------------------------------------------------------------------------- 2. formulas and hidden cells
def _workbook(path: Path, edit) -> None:
    """The 问卷星 按文本 fixture as an .xlsx written by openpyxl (never opened in Excel), changed by ``edit``."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r in _rows():
        ws.append(r)
    edit(ws)
    wb.save(path)


def test_a_formula_without_a_computed_value_is_named_with_its_cell(tmp_path, capsys):
    """``=1+1`` written by openpyxl has no cached value: it read as empty and the row was quarantined as
    "required answer Q1 is missing", which does not say why; now the cell and its formula are named."""
    proj = _project(tmp_path, capsys)
    f = tmp_path / "formula.xlsx"

    def edit(ws):
        ws["G5"] = "=1+1"  # Q1 of the 4th respondent (row 5)
    _workbook(f, edit)
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "A")
    assert rc == 0, out
    assert "1 cell(s) hold a formula without a computed value and were read as empty: Sheet1!G5" in out
    q = Project.open(proj).quarantine("A")
    text = "\n".join(q["message"].astype(str))
    assert "cell Sheet1!G5 holds a formula (=1+1) without a computed value" in text
    assert "required answer Q1 is missing" not in text


def test_hidden_rows_and_columns_of_a_workbook_are_said(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    f = tmp_path / "hidden.xlsx"

    def edit(ws):
        ws.row_dimensions[3].hidden = True
        ws.row_dimensions[4].hidden = True
        ws.column_dimensions["B"].hidden = True
    _workbook(f, edit)
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "A")
    assert rc == 0, out
    assert "2 row(s) and 1 column(s) hidden in the workbook were imported" in out
    rc, out = _main(capsys, "import", proj, str(DATA / "wjx_by_text.xlsx"), "--wave", "B")
    assert rc == 0 and "hidden in the workbook" not in out


# ----------------------------------------------------------------------------- 1. a workbook's rows
def test_a_workbook_names_its_rows(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    f = tmp_path / "wb.xlsx"

    def edit(ws):
        ws["N5"] = "第一行\n第二行"
        ws["G7"] = "社会"
    _workbook(f, edit)
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "A")
    assert rc == 0, out
    rc, out = _main(capsys, "quarantine", proj)
    # the workbook's row and column, as Excel shows them (session 30: its letter beside its header)
    assert "wb.xlsx, row 7, column G “1、您的工作单位：”: value '社会'" in out


# ----------------------------------------------------------------------------- 6. numerals as option labels
def _numeral_project(tmp_path: Path, capsys, qtype: str = "multiple", options: str = '["0", "1", "2", "3"]') -> str:
    qf = tmp_path / "num.yaml"
    qf.write_text("id: num\ntitle: 测试\nsections:\n  - id: S\n    title: 问卷\n    questions:\n"
                  f"      - {{id: Q1, type: {qtype}, text: 您家有几辆车, options: {options}}}\n", encoding="utf-8")
    return _project(tmp_path, capsys, qf)


def _multi_import(tmp_path: Path, capsys, proj: str, wave: str, cells: list) -> tuple[str, list]:
    f = tmp_path / f"{wave}.csv"
    f.write_text("序号,提交答卷时间,所用时间,1、您家有几辆车\n"
                 + "".join(f"{i},2026/9/1 09:01:00,268秒,{v}\n" for i, v in enumerate(cells, 1)), encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(f), "--wave", wave)
    assert rc == 0, out
    data, _ = Project.open(proj).responses(wave)
    data = data.sort_values("respondent_id")
    return out, data[[f"Q1_{k}" for k in range(1, 5)]].astype(int).values.tolist()


def test_numbers_as_labels_in_a_multiple_choice_cell_are_read_as_labels(tmp_path, capsys):
    """问卷星 按文本 of a multiple choice labelled 0–3 (codes 1–4): ``0┋2`` was 0 → no option (quarantined) and
    2 → code 2 (the label 1)."""
    proj = _numeral_project(tmp_path, capsys)
    out, got = _multi_import(tmp_path, capsys, proj, "A", ["0┋2", "3", "1┋3"])
    assert got == [[1, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 1]]
    assert "Q1: values read as option labels (a 按文本 or --labels export), not codes: label→code" in out
    assert "0 quarantined" in out


def test_numbers_in_a_multiple_choice_cell_that_fit_both_readings_are_warned_of(tmp_path, capsys):
    proj = _numeral_project(tmp_path, capsys)
    out, got = _multi_import(tmp_path, capsys, proj, "A", ["1┋2", "3"])
    assert got == [[1, 1, 0, 0], [0, 0, 1, 0]]  # read as codes
    assert "every value of this column fits both readings: read as codes" in out
    out, got = _multi_import(tmp_path, capsys, proj, "B", ["4┋1", "2"])  # 4 is a code and no label: codes
    assert got == [[1, 0, 0, 1], [0, 1, 0, 0]] and "both readings" not in out and "option labels" not in out


def test_numeral_spss_value_labels_are_read_as_labels(tmp_path, capsys):
    """A .sav of a 0–10 question coded 1–11 with value labels ``0``…``10``: the value 6 labelled ``5`` was read
    as code 5 (the label 4) — every answer one point lower."""
    import pyreadstat

    proj = _numeral_project(tmp_path, capsys, "single", '["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]')
    f = tmp_path / "nps.sav"
    df = pd.DataFrame({"respondent_id": ["a", "b", "c"], "Q1": [6.0, 11.0, 3.0]})
    pyreadstat.write_sav(df, str(f), variable_value_labels={"Q1": {float(k): str(k - 1) for k in range(1, 12)}})
    rc, out = _main(capsys, "import", proj, str(f), "--wave", "A")
    assert rc == 0, out
    data, _ = Project.open(proj).responses("A")
    assert data.sort_values("respondent_id")["Q1"].astype(int).tolist() == [6, 11, 3]
    assert "Q1: values read as option labels (SPSS value labels), not codes: label→code 2→3, 5→6, 10→11" in out
    assert "other codes than the questionnaire" not in out

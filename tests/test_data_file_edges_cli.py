"""Data files at the edges given to ``survey estimate`` / ``crosstab``.

* A ``--by`` column empty in every row printed no record at all (a note, exit 0, ``--json`` ``[]``): refused,
  naming the file and the column (catalogue ``by-column-empty``).
* A workbook cell holding a formula without a computed value (a file written by a program, never opened in
  Excel) or an Excel error (#DIV/0!) was read as empty and left the base without a word; ``survey import`` says
  them.  Now a warning on stderr names the cells (``data-formula-no-value-cells``, ``data-excel-error-cells``);
  the estimate is the one of the other cells."""

from __future__ import annotations

import json

import pytest

from cli import main
from cli_capture import run_main


def _split(capsys, *args):
    try:
        rc = main(list(args))
    except SystemExit as e:
        rc = e.code
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.mark.parametrize("json_out", [False, True])
def test_by_column_empty_in_every_row_is_refused(tmp_path, capsys, json_out):
    p = tmp_path / "d.csv"
    p.write_text("q,e\n1,\n2,\n3, \n", encoding="utf-8")
    rc, out = run_main(capsys, "estimate", str(p), "--var", "q", "--by", "e", *(["--json"] if json_out else []))
    assert rc == 1, out
    assert out.startswith(f"{p}, column e: error: the --by column 'e' is empty in every row (3 rows)"), out
    assert len(out.strip().splitlines()) == 1


def test_by_column_with_one_value_still_estimates(tmp_path, capsys):
    p = tmp_path / "d.csv"
    p.write_text("q,e\n1,a\n2,\n3,a\n", encoding="utf-8")
    rc, out = run_main(capsys, "estimate", str(p), "--var", "q", "--by", "e")
    assert rc == 0 and "q [e=a]: 2 " in out and "1 row(s) with an empty 'e'" in out, out


def _workbook(path, rows, formula_at=None):
    """An .xlsx whose cell ``formula_at`` (e.g. "A3") holds a formula with no cached value, as openpyxl writes."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for r in rows:
        ws.append(r)
    if formula_at:
        ws[formula_at] = "=1/0"
    wb.save(path)


def test_formula_without_value_is_said_and_left_out(tmp_path, capsys):
    p = tmp_path / "f.xlsx"
    _workbook(p, [["q", "r"], [1, "a"], [None, "b"], [2, "a"], [3, "b"]], formula_at="A3")
    rc, out, err = _split(capsys, "estimate", str(p), "--var", "q", "--json")
    assert rc == 0, err
    rec = json.loads(out)[0]
    assert rec["n"] == 3 and rec["estimate"] == pytest.approx(2.0)  # mean of 1, 2, 3: the formula cell is empty
    assert f"{p}: warning: 1 cell(s) hold a formula without a computed value" in err, err
    assert "Data!A3" in err, err
    rc, out = run_main(capsys, "crosstab", str(p), "--row", "q", "--col", "r")
    assert rc == 0 and "Data!A3" in out, out


def test_workbook_without_formulas_says_nothing(tmp_path, capsys):
    p = tmp_path / "g.xlsx"
    _workbook(p, [["q"], [1], [2], [3]])
    rc, out, err = _split(capsys, "estimate", str(p), "--var", "q")
    assert rc == 0 and err == "", err


def test_convert_of_a_data_csv_names_its_first_cell(capsys):
    """``survey convert answers.csv --to yaml`` said "not a readable XLSForm (DefinitionData.__init__() got an
    unexpected keyword argument '\\ufeff序号')": pyxform's TypeError, with the byte-order mark."""
    from pathlib import Path

    data = Path(__file__).parent / "data" / "wjx_by_code.csv"
    rc, out = run_main(capsys, "convert", str(data), "--to", "yaml")
    assert rc == 1 and "Traceback" not in out, out
    assert "not an XLSForm" in out and "starts with '序号' (a data export?)" in out, out
    assert "DefinitionData" not in out and "\ufeff" not in out and len(out.strip().splitlines()) == 1, out


@pytest.mark.parametrize("tail", ["\n\n", ",\n,\n", " , \r\n,\r\n"])
def test_empty_rows_at_the_end_are_left_out_with_a_note(tmp_path, capsys, tail):
    """Blank lines or ``,,`` rows after the data (Excel, WPS and editors leave them) were rows: each was refused as
    "an empty cell" of the weight column.  They are left out, with a note naming their lines; the estimate is the
    one of the file without them.  An empty row between data rows is still named as before."""
    body = "x,w\n1,1\n2,1\n3,2\n"
    clean = tmp_path / "clean.csv"
    clean.write_text(body, encoding="utf-8")
    tailed = tmp_path / "tailed.csv"
    tailed.write_text(body + tail, encoding="utf-8")
    rc, out, err = _split(capsys, "estimate", str(tailed), "--var", "x", "--weight", "w", "--json")
    assert rc == 0, err
    assert err.strip() == (f"{tailed}: note: 2 empty row(s) at the end of the file (lines 5–6) left out: no cell of "
                           "them holds anything (nothing to do; delete them from the file to silence this note)"), err
    rc, same, _ = _split(capsys, "estimate", str(clean), "--var", "x", "--weight", "w", "--json")
    assert rc == 0 and json.loads(out) == json.loads(same)

    inside = tmp_path / "inside.csv"
    inside.write_text("x,w\n1,1\n,\n3,2\n", encoding="utf-8")
    rc, out = run_main(capsys, "estimate", str(inside), "--var", "x", "--weight", "w")
    assert rc == 1 and out.startswith(f"{inside}:3:w: error: weight column 'w' holds an empty cell"), out

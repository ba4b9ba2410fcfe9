"""Files other programs open have limits (an Excel sheet's rows and cell length, an SPSS string's bytes): the
export refuses what would not fit, naming the cells, instead of writing a file that cuts answers short."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from python_calamine import CalamineWorkbook

from survey.errors import MinyiError
from survey.export import export_project
from survey.format_limits import EXCEL_CELL_CHARS, EXCEL_ROWS, SPSS_STRING_BYTES, check_fits
from survey.store import Project

from test_rowcheck import HEADER, TINY, write_csv

ROOT = Path(__file__).resolve().parents[1]


def _project(tmp_path, texts: dict) -> Project:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    p = Project.create(tmp_path / "p", tmp_path / "tiny.yaml")
    rows = [f"R{i:02d},2026-03-01 09:{i:02d}:00,{600 + i},1,1,1,0,0,0,{i % 10},{texts.get(i, 'ok')},1,2,1,2,1"
            for i in range(1, 9)]
    p.import_file(write_csv(tmp_path / "a.csv", rows, HEADER), wave="W")
    return p


def _xlsx_cells(path, column: str) -> list:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    j = rows[0].index(column)
    return [r[j] for r in rows[1:]]


def test_too_long_answers_are_refused_by_name_and_nothing_is_written(tmp_path):
    p = _project(tmp_path, {2: "长" * 40_000, 5: "x" * 33_000})
    for fmt, unit, first, second in [("xlsx", "characters", "row 3 (R02) column Q5, 40,000 characters",
                                      "row 6 (R05) column Q5, 33,000 characters"),
                                     ("sav", "bytes", "case 2 (R02) column Q5, 120,000 bytes",
                                      "case 5 (R05) column Q5, 33,000 bytes")]:
        out = tmp_path / "out" / f"clean.{fmt}"
        r = subprocess.run([sys.executable, "-m", "cli", "export", str(p.root), "--format", fmt, "--out", str(out)],
                           capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert r.stderr.startswith(f"{out}: error: 2 text cell(s) are longer than "), r.stderr
        assert f"(32,767 {unit}), which would cut them short: {first}; {second}; nothing was written" in r.stderr
        assert "--format csv or --format parquet" in r.stderr
        assert not out.parent.exists() or not any(out.parent.iterdir())  # no file, no temporary file left
    for fmt in ("csv", "parquet"):  # these hold text of any length
        export_project(p, format=fmt, out=tmp_path / f"clean.{fmt}")
    back = pd.read_parquet(tmp_path / "clean.parquet").set_index("respondent_id")["Q5"]
    assert (len(back["R02"]), len(back["R05"])) == (40_000, 33_000)


def test_answers_at_the_limit_are_written_whole(tmp_path):
    """The limits are the formats' own: 32,767 characters read back whole from the .xlsx (an astral character
    is two of them, as Excel counts), 32,767 UTF-8 bytes from the .sav."""
    p = _project(tmp_path, {1: "长" * EXCEL_CELL_CHARS, 2: "😀" * (EXCEL_CELL_CHARS // 2), 3: "a" + "长" * 10_922})
    assert len(("a" + "长" * 10_922).encode()) == SPSS_STRING_BYTES
    export_project(p, format="xlsx", out=tmp_path / "c.xlsx")
    q5 = _xlsx_cells(tmp_path / "c.xlsx", "Q5")
    assert (q5[0], q5[1]) == ("长" * EXCEL_CELL_CHARS, "😀" * (EXCEL_CELL_CHARS // 2))
    with pytest.raises(MinyiError, match="column Q5, 32,768 characters"):  # one astral character more: 2 units
        check_fits(pd.DataFrame({"Q5": ["😀" * (EXCEL_CELL_CHARS // 2 + 1)]}), "xlsx", "c.xlsx")
    (tmp_path / "s").mkdir()  # the .xlsx's longest answers are more than 32,767 bytes: an .sav of its own
    p2 = _project(tmp_path / "s", {3: "a" + "长" * 10_922})
    export_project(p2, format="sav", out=tmp_path / "c.sav")
    df, _ = pyreadstat.read_sav(str(tmp_path / "c.sav"))
    assert df["Q5"][2] == "a" + "长" * 10_922


def test_rows_and_columns_of_one_sheet():
    ok = pd.DataFrame({"a": np.zeros(EXCEL_ROWS - 1, dtype=np.int8)})
    check_fits(ok, "xlsx", "t.xlsx")  # the header and 1,048,575 rows: a full sheet
    with pytest.raises(MinyiError) as e:
        check_fits(pd.DataFrame({"a": np.zeros(EXCEL_ROWS, dtype=np.int8)}), "xlsx", "t.xlsx")
    assert str(e.value).startswith("t.xlsx: error: 1,048,576 rows do not fit one Excel sheet (1,048,575 data rows "
                                   "under the header at most); nothing was written")
    assert "one wave at a time with --wave" in str(e.value)
    with pytest.raises(MinyiError, match="16,385 columns do not fit one Excel sheet"):
        check_fits(pd.DataFrame(np.zeros((1, 16_385), dtype=np.int8)), "xlsx", "t.xlsx")


def test_many_cells_are_counted_after_the_first_five():
    df = pd.DataFrame({"respondent_id": [f"R{i}" for i in range(9)], "t": ["x" * 40_000] * 9, "n": range(9)})
    with pytest.raises(MinyiError) as e:
        check_fits(df, "xlsx", "t.xlsx", hint="do this")
    m = str(e.value)
    assert "9 text cell(s)" in m and "row 2 (R0) column t" in m and "row 6 (R4) column t" in m
    assert "row 7 (R5)" not in m and "; and 4 more; nothing was written (do this)" in m


def test_quarantine_export_to_xlsx_says_to_write_csv(tmp_path):
    from survey.export import write_table

    with pytest.raises(MinyiError, match=r"write the table to a \.csv file instead"):
        write_table(pd.DataFrame({"raw": ["长" * 40_000]}), tmp_path / "q.xlsx")
    assert not (tmp_path / "q.xlsx").exists()

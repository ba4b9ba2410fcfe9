"""Export: round trip through import, SPSS value labels, formula neutralisation, PII kept out."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from survey.export import export_project
from survey.store import Project

from test_rowcheck import HEADER, TINY, write_csv

# Q3 allows negative numbers here, so a negative number can be exported
TINY_NEG = TINY.replace("min: 0\n        max: 10", "min: -10\n        max: 10")
ROWS = [
    "R01,2026-03-01 09:00:00,600,1,1,1,0,0,0,3,多种树,1,2,1,2,3,1.1.1.1",
    "R02,2026-03-01 09:10:00,650,1,1,0,1,1,0,-5,=HYPERLINK(\"http://x\"),2,2,3,1,9,2.2.2.2",
    "R03,2026-03-01 09:20:00,700,1,2,,,,,0,+86 加强巡逻,3,1,2,2,1,3.3.3.3",
    "R04,2026-03-01 09:30:00,720,2,1,0,0,1,0,2,@SUM(A1),,,,,,4.4.4.4",
    "R05,2026-03-01 09:40:00,690,1,1,0,0,0,1,10,-减少噪音,1,1,2,3,2,5.5.5.5",
]


@pytest.fixture()
def project(tmp_path):
    qf = tmp_path / "tiny.yaml"
    qf.write_text(TINY_NEG, encoding="utf-8")
    p = Project.create(tmp_path / "proj", qf)
    s = p.import_file(write_csv(tmp_path / "in.csv", ROWS, HEADER + ",ip"), wave="2026Q1")
    assert (s.accepted, s.quarantined) == (5, 0)
    return p


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True)


def test_csv_round_trip_reproduces_the_responses(project, tmp_path):
    out = tmp_path / "clean.csv"
    export_project(project, format="csv", wave="2026Q1", out=out)
    back = Project.create(tmp_path / "again", project.root / "questionnaire.yaml")
    s = back.import_file(out, wave="2026Q1")
    assert (s.rows_read, s.accepted, s.quarantined) == (5, 5, 0)
    assert s.format == "native"
    a = project.raw_responses("2026Q1").drop(columns=["_import_id", "_row", "_source", "_wave"])
    b = back.raw_responses("2026Q1").drop(columns=["_import_id", "_row", "_source", "_wave"])
    # text cells that began with = + - @ come back with the ' that kept spreadsheets from running them
    for c in ("Q5",):
        b[c] = b[c].str.replace(r"^'(?=[=+\-@])", "", regex=True)
    pd.testing.assert_frame_equal(a, b)


def test_csv_to_stdout_neutralises_formulas_but_not_negative_numbers(project):
    r = _cli("export", str(project.root), "--wave", "2026Q1")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(io.StringIO(r.stdout), dtype=str, keep_default_na=False)
    q5 = df.set_index("respondent_id")["Q5"]
    assert q5["R02"] == "'=HYPERLINK(\"http://x\")"
    assert q5["R03"] == "'+86 加强巡逻"
    assert q5["R04"] == "'@SUM(A1)"
    assert q5["R05"] == "'-减少噪音"
    assert q5["R01"] == "多种树"
    assert df.set_index("respondent_id").loc["R02", "Q3"] == "-5"  # numeric column: a number, untouched
    assert not any(str(v).startswith(("=", "+", "@")) for v in df.to_numpy().ravel())


def test_xlsx_cells_are_text_not_formulas(project, tmp_path):
    out = tmp_path / "clean.xlsx"
    r = _cli("export", str(project.root), "--format", "xlsx", "--out", str(out))
    assert r.returncode == 0, r.stderr
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    col = header.index("Q5") + 1
    cells = {ws.cell(i, 1).value: ws.cell(i, col) for i in range(2, ws.max_row + 1)}
    assert cells["R02"].data_type == "s" and cells["R02"].value.startswith("'=")
    q3 = ws.cell([k for k in cells].index("R02") + 2, header.index("Q3") + 1)
    assert q3.value == -5 and q3.data_type == "n"
    assert all(ws.cell(i, j).data_type != "f" for i in range(1, ws.max_row + 1) for j in range(1, ws.max_column + 1))


def test_sav_has_value_and_variable_labels(project, tmp_path):
    out = tmp_path / "clean.sav"
    r = _cli("export", str(project.root), "--format", "sav", "--wave", "2026Q1", "--out", str(out))
    assert r.returncode == 0, r.stderr
    df, meta = pyreadstat.read_sav(str(out))
    assert meta.variable_value_labels["Q1"] == {1.0: "知道", 2.0: "不知道"}
    assert meta.variable_value_labels["M1_r1"] == {1.0: "满意", 2.0: "一般", 3.0: "不满意", 9.0: "不了解"}
    assert meta.column_names_to_labels["M1_r2"] == "您对以下方面的满意程度：交通"
    assert meta.column_names_to_labels["Q2_3"] == "您从哪些渠道了解？：网络"
    assert list(df["Q1"]) == [1.0, 1.0, 2.0, 1.0, 1.0]
    assert df["Q3"].tolist() == [3.0, -5.0, 0.0, 2.0, 10.0]
    assert np.isnan(df.loc[3, "M1_r1"])  # 企业: matrix not asked
    assert "ip" not in df.columns


def test_labels_mode_and_parquet(project, tmp_path):
    r = _cli("export", str(project.root), "--labels", "--wave", "2026Q1")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(io.StringIO(r.stdout), dtype=str, keep_default_na=False).set_index("respondent_id")
    assert df.loc["R03", "Q1"] == "不知道" and df.loc["R02", "M1_r5"] == "不了解" and df.loc["R04", "S1"] == "企业"
    assert df.loc["R02", "Q2_2"] == "1"  # multiple choice stays 0/1
    out = tmp_path / "clean.parquet"
    export_project(project, format="parquet", wave="2026Q1", out=out)
    pq = pd.read_parquet(out)
    assert pq["respondent_id"].tolist() == ["R01", "R02", "R03", "R04", "R05"]
    assert pq["Q3"].tolist() == [3, -5, 0, 2, 10]


def test_pii_is_kept_out_unless_asked(project, tmp_path):
    r = _cli("export", str(project.root))
    assert r.returncode == 0
    assert "1.1.1.1" not in r.stdout and "ip" not in r.stdout.splitlines()[0].split(",")
    r = _cli("export", str(project.root), "--include-pii")
    assert r.returncode == 0
    df = pd.read_csv(io.StringIO(r.stdout), dtype=str)
    assert df.set_index("respondent_id").loc["R03", "ip"] == "3.3.3.3"


def test_text_answers_that_are_phone_numbers_are_not_exported(tmp_path):
    qf = tmp_path / "tiny.yaml"
    qf.write_text(TINY.replace("text: 建议", "text: 联系方式"), encoding="utf-8")
    p = Project.create(tmp_path / "proj", qf)
    rows = [f"R0{i},2026-03-01 09:00:00,600,1,2,,,,,3,1380013800{i},1,2,1,2,3" for i in range(1, 5)]
    p.import_file(write_csv(tmp_path / "in.csv", rows))
    out = export_project(p, format="csv")
    assert "13800138001" not in out and "Q5" not in out.splitlines()[0].split(",")
    assert "13800138001" in export_project(p, format="csv", include_pii=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "parquet"])
def test_every_export_format_imports_back_to_the_stored_answers(tmp_path, fmt):
    """export → import gives back what the store holds, whatever the format, also text that begins with a quote
    before a formula character ('=1+1 is stored from the guarded ''=1+1 of a minyi CSV). CSV and XLSX carry the
    export's formula guard, which the import removes; SPSS and Parquet files carry no guard, so nothing may be
    removed from them (a .sav import took the ' off, storing =1+1)."""
    qf = tmp_path / "tiny.yaml"
    qf.write_text(TINY_NEG, encoding="utf-8")
    p = Project.create(tmp_path / "proj", qf)
    rows = ROWS + ["R06,2026-03-01 09:50:00,640,1,1,0,0,0,1,4,''=1+1,1,1,2,3,2,6.6.6.6"]
    p.import_file(write_csv(tmp_path / "in.csv", rows, HEADER + ",ip"), wave="2026Q1")
    a = p.raw_responses("2026Q1").drop(columns=["_import_id", "_row", "_source", "_wave"])
    assert a.set_index("respondent_id").loc["R06", "Q5"] == "'=1+1"
    out = tmp_path / f"clean.{fmt}"
    export_project(p, format=fmt, wave="2026Q1", out=out)
    back = Project.create(tmp_path / "again", qf)
    s = back.import_file(out, wave="2026Q1")
    assert (s.format, s.rows_read, s.accepted, s.quarantined) == ("native", 6, 6, 0)
    b = back.raw_responses("2026Q1").drop(columns=["_import_id", "_row", "_source", "_wave"])
    pd.testing.assert_frame_equal(a, b)


def test_parquet_file_of_another_tool_reads_as_text_cells(tmp_path):
    """A Parquet file not written by minyi: integral floats, booleans, timestamps and missing values read as
    the text a cell shows (1.0 → 1, True → 1), like the same table in Excel."""
    from survey.tabular import read_raw, sniff_kind

    df = pd.DataFrame({"id": ["a", "b", None], "n": [1.0, 2.5, np.nan], "k": pd.array([1, None, 3], dtype="Int64"),
                       "ok": [True, False, True], "t": pd.to_datetime(["2026-03-01 09:00", "2026-03-02 10:30", None]),
                       "s": ["  x ", "", "满意"]})
    path = tmp_path / "other.data"  # by content, not extension
    df.to_parquet(path, index=False)
    assert sniff_kind(path) == "parquet"
    raw = read_raw(path, "parquet")
    assert raw.frame.to_dict("list") == {"id": ["a", "b", None], "n": ["1", "2.5", None], "k": ["1", None, "3"],
                                         "ok": ["1", "0", "1"], "t": ["2026-03-01 09:00:00", "2026-03-02 10:30:00", None],
                                         "s": ["x", None, "满意"]}


@pytest.mark.parametrize("content, reason", [
    (b"PAR1 not really", "not a readable Parquet file"),
    (None, "not a readable Parquet file"),  # a real file cut short
])
def test_damaged_parquet_file_is_one_clear_error(project, tmp_path, content, reason):
    path = tmp_path / "bad.parquet"
    if content is None:
        full = tmp_path / "full.parquet"
        export_project(project, format="parquet", wave="2026Q1", out=full)
        content = full.read_bytes()[: full.stat().st_size // 2]
    path.write_bytes(content)
    r = _cli("import", str(project.root), str(path))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"{path}: error: cannot read {path}: {reason}"), r.stderr
    r = _cli("import", str(project.root), str(tmp_path / "full.parquet" if content is None else path), "--format", "xlsx")
    assert r.returncode == 1 and "but the content is a Parquet file" in r.stderr

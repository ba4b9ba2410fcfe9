"""A byte order mark (U+FEFF) at the start of a cell — two exports concatenated by hand put the second file's BOM
before its first cell, Excel keeps one pasted into a cell — was stored with the open answer or the respondent id:
invisible in every listing, yet ``\\ufeff2`` is not the id ``2`` and the open answer does not equal the same text
typed again.  Every cell is trimmed of BOMs as of whitespace at import (``survey.importers.text.CELL_TRIM``): the
careful CSV path, Excel workbooks and the native layout's fast Arrow path alike; a BOM on a header that is not
the first was removed already.  ``survey export`` gives the answers back without it and imports again unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from cli_capture import init_project, run_main
from survey.store import Project

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
ANSWER = "菜市场环境要改善"


def _rows_with_boms() -> list[list[str]]:
    """wjx_by_code.csv with a BOM before row 1's open answer (Q6), row 2's id and the header of Q6."""
    rows = list(csv.reader(io.StringIO((DATA / "wjx_by_code.csv").read_text(encoding="utf-8-sig"))))
    rows[0][-1] = "\ufeff" + rows[0][-1]
    rows[1][-1] = "\ufeff" + ANSWER
    rows[2][0] = "\ufeff" + rows[2][0]
    rows[3][-1] = " \ufeff " + ANSWER + " "
    return rows


def _stored(proj: str):
    df = Project.open(proj).raw_responses()
    return df.sort_values("respondent_id").reset_index(drop=True)


def _check(proj: str) -> None:
    df = _stored(proj)
    assert not df["Q6"].dropna().str.contains("\ufeff").any(), df["Q6"].tolist()
    by_id = dict(zip(df["respondent_id"], df["Q6"]))
    assert by_id["1"] == ANSWER and by_id["3"] == ANSWER, by_id
    assert not df["respondent_id"].str.contains("\ufeff").any() and "2" in by_id, by_id


def test_csv_cells_and_headers_lose_their_bom(tmp_path, capsys):
    src = tmp_path / "joined.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(_rows_with_boms())
    src.write_text(buf.getvalue(), encoding="utf-8-sig")
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(src), "--wave", "2026Q1")
    assert rc == 0, out
    _check(proj)
    # survey export gives them back clean, and the export imports again (the native layout's fast path) unchanged
    exported = tmp_path / "all.csv"
    rc, out = run_main(capsys, "export", proj, "--out", str(exported))
    assert rc == 0, out
    text = exported.read_text(encoding="utf-8-sig")
    assert "\ufeff" not in text and ANSWER in text
    again = init_project(tmp_path / "again", capsys, QFILE)
    rc, out = run_main(capsys, "import", again, str(exported))
    assert rc == 0, out
    _check(again)
    before = _stored(proj).set_index("respondent_id")["Q6"].fillna("")
    after = _stored(again).set_index("respondent_id")["Q6"].fillna("")
    assert after.to_dict() == before[after.index].to_dict()  # the rows survey export keeps (not excluded ones)


def test_native_fast_path_trims_a_bom_too(tmp_path, capsys):
    proj = init_project(tmp_path, capsys, QFILE)
    assert run_main(capsys, "import", proj, str(DATA / "wjx_by_code.csv"), "--wave", "2026Q1")[0] == 0
    exported = tmp_path / "all.csv"
    assert run_main(capsys, "export", proj, "--out", str(exported))[0] == 0
    rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    q6 = rows[0].index("Q6")
    rows[1][q6] = "\ufeff" + ANSWER
    rows[2][q6] = "\ufeff " + ANSWER
    edited = tmp_path / "edited.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    edited.write_text(buf.getvalue(), encoding="utf-8-sig")
    other = init_project(tmp_path / "other", capsys, QFILE)
    rc, out = run_main(capsys, "import", other, str(edited))
    assert rc == 0, out
    df = _stored(other)
    assert "native" in str(Project.open(other).imports()["format"].tolist())
    by_id = dict(zip(df["respondent_id"], df["Q6"]))
    rid = rows[0].index("respondent_id")
    assert by_id[rows[1][rid]] == ANSWER and by_id[rows[2][rid]] == ANSWER, by_id
    assert not df["Q6"].dropna().str.contains("\ufeff").any()


def test_excel_cells_lose_their_bom(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in _rows_with_boms():
        ws.append(row)
    src = tmp_path / "joined.xlsx"
    wb.save(src)
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(src), "--wave", "2026Q1")
    assert rc == 0, out
    _check(proj)

"""Files without a respondent id column (问卷星's 序号 deleted before a re-save in Excel, a hand-typed workbook):
minyi numbers their rows ``<file>:<row>``.

* Two different files of one name (``siteA/data.csv`` and ``siteB/data.csv``) shared those ids, and ``survey
  check`` took the second file's rows for repeated answers (duplicate_id): analysis left out one site's answers.
  Such ids now count rows as 问卷星's 序号 does, and are read by the same rule: other answers under the same
  numbers are other respondents, the same answers a repeat.
* A fuller download without ids imported under another name (into the same wave, or as the next) stored every earlier answer a second time without
  a word (its ids ``full.csv:1`` are not ``first.csv:1``); the import now says how many rows are answers the wave
  already holds (the same submission time and answers), and which import (``import-rows-without-ids-repeated``).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cli_capture import csv_text, init_project, run_main

QFILE = Path(__file__).parent / "data" / "wjx_questionnaire.yaml"
TEXT = Path(__file__).parent / "data" / "wjx_by_text.csv"  # 12 answers, 问卷星 按文本, 序号 first


def _rows_without_ids() -> list[list[str]]:
    with open(TEXT, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "序号"
    return [r[1:] for r in rows]  # the 序号 column deleted


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(csv_text(rows), encoding="utf-8-sig")
    return path


def _wave(capsys, proj: str) -> dict:
    rc, out = run_main(capsys, "check", proj, "--json")
    assert rc == 0, out
    return json.loads(out)["waves"][0]


def _import(capsys, proj: str, f: Path) -> str:
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0, out
    return out


def test_two_files_of_one_name_without_ids_are_different_respondents(tmp_path, capsys):
    rows = _rows_without_ids()
    a = _write(tmp_path / "siteA" / "data.csv", rows[:7])  # answers 1–6
    b = _write(tmp_path / "siteB" / "data.csv", [rows[0]] + rows[7:])  # answers 7–12: other respondents
    proj = init_project(tmp_path, capsys, QFILE)
    _import(capsys, proj, a)
    out = _import(capsys, proj, b)
    assert "have a respondent id already in wave" not in out, out
    w = _wave(capsys, proj)
    assert w["responses"] == 12 and "duplicate_id" not in w["flags"], w


def test_the_same_file_of_one_name_with_rows_added_is_still_a_repeat(tmp_path, capsys):
    rows = _rows_without_ids()
    proj = init_project(tmp_path, capsys, QFILE)
    _import(capsys, proj, _write(tmp_path / "first" / "data.csv", rows[:7]))
    out = _import(capsys, proj, _write(tmp_path / "later" / "data.csv", rows))  # the same 6 answers, then 6 more
    assert "6 row(s) have a respondent id already in wave W (import #1)" in out, out
    w = _wave(capsys, proj)
    assert w["responses"] == 18 and w["flags"].get("duplicate_id") == 6, w


def test_a_fuller_download_without_ids_under_another_name_is_said(tmp_path, capsys):
    rows = _rows_without_ids()
    proj = init_project(tmp_path, capsys, QFILE)
    first = _import(capsys, proj, _write(tmp_path / "week1.csv", rows[:9]))  # 8 answers
    assert "already stored" not in first, first
    out = _import(capsys, proj, _write(tmp_path / "week2.csv", rows))  # the same 8 answers, then 4 more
    assert ("8 row(s) are answers already stored in wave W (import #1) with the same submission time and answers "
            "under other respondent ids: this file has no respondent id column") in out, out
    assert "(week2.csv:1 in this file, week1.csv:1 stored)" in out, out
    assert f"survey remove-import {proj} 2" in out, out


def test_a_copy_without_ids_of_a_file_with_ids_is_said(tmp_path, capsys):
    proj = init_project(tmp_path, capsys, QFILE)
    _import(capsys, proj, TEXT)  # with 序号
    out = _import(capsys, proj, _write(tmp_path / "resaved.csv", _rows_without_ids()))
    assert ("12 row(s) are answers already stored in wave W (import #1) with the same submission time and answers "
            "under other respondent ids: this file has no respondent id column") in out, out


def test_other_respondents_without_ids_are_not_named(tmp_path, capsys):
    rows = _rows_without_ids()
    proj = init_project(tmp_path, capsys, QFILE)
    _import(capsys, proj, _write(tmp_path / "a.csv", rows[:7]))
    out = _import(capsys, proj, _write(tmp_path / "b.csv", [rows[0]] + rows[7:]))
    assert "already stored" not in out and "respondent id already" not in out, out


def test_a_file_without_ids_imported_again_as_the_next_wave_is_said(tmp_path, capsys):
    rows = _rows_without_ids()
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(_write(tmp_path / "q1.csv", rows[:7])), "--wave", "Q1")
    assert rc == 0, out
    rc, out = run_main(capsys, "import", proj, str(_write(tmp_path / "q2_all.csv", rows)), "--wave", "Q2")
    assert rc == 0, out  # every answer so far: Q1's 6, then 6 of Q2
    assert ("6 row(s) are answers already stored in wave Q1 (import #1) with the same submission time and answers "
            "under other respondent ids: this file has no respondent id column") in out, out

"""Red team of the import path, session 32: a file imported again after Excel or WPS saved it.

Excel (and WPS) read ids like ``0007`` as the number 7 and times like ``2026/9/1 09:01:23`` as a date shown
``2026/9/1 9:01``, and save them so.  The same answers imported again from such a copy doubled the wave without a
word: into the same wave the ids differ from the stored ones as written (``survey check``'s ``duplicate_id`` and the
import's repeated-id note compare them as written); into another wave neither id nor time matched the stored rows
exactly (the session-31 check for a wave imported twice).  Both now warn and give the command that undoes the import.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cli_capture import csv_text, init_project, run_main

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
BY_CODE = (DATA / "wjx_by_code.csv").read_text(encoding="utf-8-sig")


def _rows(zeros: bool, seconds: bool) -> list[list[str]]:
    """The 问卷星 export (12 answers) with ids 0001 … (or 1 … as Excel saves them) and times to the second (or to
    the minute, hours without a leading zero, as Excel shows them)."""
    rows = list(csv.reader(io.StringIO(BY_CODE)))
    out = [rows[0]]
    for k, r in enumerate(rows[1:], start=1):
        day, clock = r[1].split(" ")
        h, m, _ = clock.split(":")
        when = f"{day} {h}:{m}:{10 + k:02d}" if seconds else f"{day} {int(h)}:{m}"
        out.append([f"{int(r[0]):04d}" if zeros else str(int(r[0])), when] + r[2:])
    return out


def _write(path: Path, rows: list[list[str]]) -> str:
    path.write_text(csv_text(rows), encoding="utf-8-sig")
    return str(path)


def test_a_file_imported_again_after_excel_dropped_the_ids_zeros_is_said(tmp_path, capsys):
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, _write(tmp_path / "wave_a.csv", _rows(True, True)), "--wave", "A")
    assert rc == 0 and "warning" not in out, out
    rc, out = run_main(capsys, "import", proj, _write(tmp_path / "excel_copy.csv", _rows(False, False)), "--wave", "A")
    assert rc == 0, out
    assert ("excel_copy.csv: warning: 12 row(s) are answers already stored in wave A (import #1) under the same "
            "respondent ids but for leading zeros (0001 stored, 1 in this file) with the same answers") in out, out
    assert f"survey remove-import {proj} 2" in out, out


def test_the_same_copy_imported_as_another_wave_is_said(tmp_path, capsys):
    proj = init_project(tmp_path, capsys, QFILE)
    run_main(capsys, "import", proj, _write(tmp_path / "wave_a.csv", _rows(True, True)), "--wave", "A")
    rc, out = run_main(capsys, "import", proj, _write(tmp_path / "excel_copy.csv", _rows(False, False)), "--wave", "B")
    assert rc == 0 and "12 row(s) are answers already stored in wave A (import #1)" in out, out


def test_new_answers_under_ids_that_differ_only_in_zeros_are_not_called_a_repeat(tmp_path, capsys):
    """Two collectors numbering 0001 … and 1 … in one wave: other answers, no warning; and the first import of
    ids with leading zeros is no repeat of anything."""
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, _write(tmp_path / "a.csv", _rows(True, True)), "--wave", "A")
    assert rc == 0 and "leading zeros" not in out, out
    other = [r[:6] + [("1" if r[6] != "1" else "2")] + r[7:] for r in _rows(False, True)[1:]]
    rc, out = run_main(capsys, "import", proj, _write(tmp_path / "b.csv", _rows(False, True)[:1] + other), "--wave", "A")
    assert rc == 0 and "leading zeros" not in out and "already stored" not in out, out

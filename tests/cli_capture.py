"""The CLI run in process with pytest's ``capsys``, for tests that read what a user reads (the import red-team
files and the import CLI tests; `tracking_world.survey` is the same without capsys)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cli import main


def run_main(capsys, *args: str) -> tuple[int, str]:
    """``survey ARGS`` in process: (exit status, stdout + stderr)."""
    try:
        rc = main(list(args))
    except SystemExit as e:  # main() exits when run as the console script
        rc = e.code
    out = capsys.readouterr()
    return rc, out.out + out.err


def init_project(tmp_path: Path, capsys, qfile: Path) -> str:
    """``survey init TMP/p --questionnaire QFILE``, checked; the project's folder."""
    proj = str(tmp_path / "p")
    rc, out = run_main(capsys, "init", proj, "--questionnaire", str(qfile))
    assert rc == 0, out
    return proj


def csv_text(rows: list[list[str]]) -> str:
    """Rows as the text of a CSV file with Windows line ends, as 问卷星 and Excel write it."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()

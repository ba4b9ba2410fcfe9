"""The ``blank_rows`` limit holds for text files as for workbooks (outside audit, defect 4): a CSV of 2,000,000
empty lines (2 MB) took 48.7 s and 5.5 GB and stored 2,000,000 blank-row quarantine records.  Now the run is
found by one scan of the bytes before any reader, and the import stops with one message naming the line, the
count, the limit and how to raise it; nothing is imported."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from test_import_redteam import _main
from test_import_redteam28 import QFILE, _row, _write
from survey.store import Project

LIMIT = 10_000  # the default (survey.limits.LIMITS)


def _with_blank_lines(tmp_path: Path, n: int, line: str = "", encoding: str = "utf-8", name: str = "a.csv") -> Path:
    data = _write(tmp_path / name, [_row("R1"), _row("R2")], encoding)
    tail = "utf-16-le" if encoding == "utf-16" else encoding  # one byte-order mark, at the start (x86: LE)
    data.write_bytes(data.read_bytes() + ((line + "\r\n") * n + ",".join(_row("R3")) + "\r\n").encode(tail))
    return data


def _init(tmp_path: Path, capsys, extra_config: str = "") -> str:
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    if extra_config:
        with open(Path(proj) / "minyi.yaml", "a", encoding="utf-8") as fh:
            fh.write(extra_config)
    return proj


@pytest.mark.parametrize("line,encoding", [("", "utf-8"), (",,,,", "utf-8"), ("", "gbk"), ("", "utf-16")])
def test_too_many_blank_lines_are_refused_with_the_limit(tmp_path, capsys, line, encoding):
    data = _with_blank_lines(tmp_path, LIMIT + 1, line, encoding)
    proj = _init(tmp_path, capsys)
    t = time.perf_counter()
    rc, out = _main(capsys, "import", proj, str(data), "--wave", "W")
    assert rc != 0 and time.perf_counter() - t < 20
    assert "a.csv:4:" in out and "10,001, more than the limit of 10,000" in out, out
    assert "--limit blank_rows=" in out and "limits: {blank_rows:" in out
    assert "Traceback" not in out
    assert Project.open(proj).waves() == []  # nothing imported


def test_blank_lines_in_a_zipped_csv_are_refused_too(tmp_path, capsys):
    data = _with_blank_lines(tmp_path, LIMIT + 1)
    z = tmp_path / "a.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.write(data, "a.csv")
    proj = _init(tmp_path, capsys)
    rc, out = _main(capsys, "import", proj, str(z), "--wave", "W")
    assert rc != 0 and "a.zip!a.csv:4:" in out and "more than the limit of 10,000" in out, out


def test_blank_lines_up_to_the_limit_or_a_raised_limit_are_kept_as_blank_rows(tmp_path, capsys):
    data = _with_blank_lines(tmp_path, 12)
    proj = _init(tmp_path, capsys, "limits: {blank_rows: 12}\n")
    rc, out = _main(capsys, "import", proj, str(data), "--wave", "W")
    assert rc == 0 and "3 accepted, 12 quarantined" in out, out
    proj2 = str(tmp_path / "p2")
    assert _main(capsys, "init", proj2, "--questionnaire", str(QFILE))[0] == 0
    with open(Path(proj2) / "minyi.yaml", "a", encoding="utf-8") as fh:
        fh.write("limits: {blank_rows: 11}\n")
    rc, out = _main(capsys, "import", proj2, str(data), "--wave", "W")
    assert rc != 0 and "12, more than the limit of 11" in out, out

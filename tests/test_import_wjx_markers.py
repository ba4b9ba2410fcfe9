"""问卷星's empty / skip markers (``(空)``, ``(跳过)`` …) are read as missing in a 问卷星 export only (outside audit,
defect 1).  In minyi's native layout an open answer that is literally ``(空)`` is that text: it was kept from a
UTF-8 CSV (pyarrow) but emptied from the same file in GBK and from minyi's own xlsx, sav and parquet exports
of it, so the stored answers depended on the path the file took."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_import_redteam import _main
from test_import_redteam28 import QFILE, _row, _write
from survey.store import Project

MARKERS = ["(空)", "(跳过)", "（空）", "跳过", "(未填)"]


def _project(tmp_path: Path, capsys, name: str, data: Path) -> list:
    proj = str(tmp_path / name)
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", proj, str(data), "--wave", "W")
    assert rc == 0, out
    return proj


def _answers(proj: str) -> dict:
    return Project.open(proj).responses("W")[0].set_index("respondent_id")["Q8"].to_dict()


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_native_csv_keeps_marker_text_in_every_encoding(tmp_path, capsys, encoding):
    data = _write(tmp_path / "a.csv", [_row(f"R{i}", q8=m) for i, m in enumerate(MARKERS, 1)], encoding)
    proj = _project(tmp_path, capsys, "p", data)
    assert _answers(proj) == {f"R{i}": m for i, m in enumerate(MARKERS, 1)}


@pytest.mark.parametrize("fmt", ["xlsx", "sav", "parquet"])
def test_minyi_exports_keep_marker_text(tmp_path, capsys, fmt):
    data = _write(tmp_path / "a.csv", [_row(f"R{i}", q8=m) for i, m in enumerate(MARKERS, 1)])
    p1 = _project(tmp_path, capsys, "p1", data)
    out = tmp_path / f"w.{fmt}"
    rc, msg = _main(capsys, "export", p1, "--format", fmt, "--wave", "W", "--out", str(out))
    assert rc == 0, msg
    p2 = _project(tmp_path, capsys, "p2", out)
    assert _answers(p2) == _answers(p1) == {f"R{i}": m for i, m in enumerate(MARKERS, 1)}


def test_wjx_export_still_reads_its_markers_as_missing(tmp_path, capsys):
    """The shared 问卷星 example with an open answer (空) and a skipped single choice (跳过): both missing."""
    from survey.importers.wjx import MARKERS as WJX

    assert "(空)" in WJX and "(跳过)" in WJX
    src = Path(__file__).parent / "data" / "wjx_by_text.csv"
    text = src.read_text(encoding="utf-8-sig")
    assert "(空)" in text or "(跳过)" in text
    proj = str(tmp_path / "w")
    assert _main(capsys, "init", proj, "--questionnaire", str(Path(__file__).parent / "data" / "wjx_questionnaire.yaml"))[0] == 0
    rc, out = _main(capsys, "import", proj, str(src), "--wave", "W")
    assert rc == 0, out
    frame = Project.open(proj).responses("W")[0]
    assert not frame.isin(["(空)", "(跳过)", "（空）", "（跳过）"]).any().any()


def test_a_native_duration_written_as_a_wjx_marker_is_named_not_emptied_silently(tmp_path, capsys):
    data = _write(tmp_path / "a.csv", [_row("R1", "(空)"), _row("R2", "70")])
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", proj, str(data), "--wave", "W")
    assert rc == 0 and "1 cell(s) hold no duration" in out and "row 2 '(空)'" in out, out

"""Submission times on a 12-hour clock with 上午 / 下午, as Excel and WPS on Chinese Windows show (and save to CSV) a
time cell formatted so (``2026/9/9 下午 3:09:00``): they were stored empty with a ``time-unreadable`` warning, so
the rows lost their submission time (what tells a repeated download from new answers, and a wave's rows from
another's).  They are read now, on every path (问卷星's careful path and the native fast one)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cli_capture import csv_text, init_project, run_main

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
# (as Excel / WPS writes it, the same time on a 24-hour clock as minyi stores it)
TIMES = [("2026/9/1 上午 9:01:00", "2026-09-01 09:01:00"), ("2026/9/2 下午 3:02:00", "2026-09-02 15:02:00"),
         ("2026/9/3 下午12:03", "2026-09-03 12:03:00"), ("2026/9/4 上午 12:04:00", "2026-09-04 00:04:00"),
         ("2026/9/5 3:05:00 下午", "2026-09-05 15:05:00"), ("2026年9月6日 下午3时6分", "2026-09-06 15:06:00")]


def _stored_times(capsys, proj: str) -> dict:
    rc, out = run_main(capsys, "export", proj, "--format", "csv")
    assert rc == 0, out
    rows = list(csv.DictReader(out.splitlines()))
    return {r["respondent_id"]: r["submitted_at"] for r in rows}


def _project(tmp_path, capsys) -> str:
    proj = init_project(tmp_path, capsys, QFILE)
    cfg = Path(proj) / "minyi.yaml"  # every row exported: six rows, some would be judged speeders or identical
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(": true", ": false"), encoding="utf-8")
    return proj


@pytest.mark.parametrize("layout", ["wjx", "native"])
def test_times_with_shangwu_xiawu_are_read(tmp_path, capsys, layout):
    if layout == "wjx":
        with open(DATA / "wjx_by_code.csv", encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))[:len(TIMES) + 1]
        col = rows[0].index("提交答卷时间")
    else:  # minyi's own layout, read by the fast path
        proj0 = _project(tmp_path / "first", capsys)
        assert run_main(capsys, "import", proj0, str(DATA / "wjx_by_code.csv"))[0] == 0
        rc, out = run_main(capsys, "export", proj0, "--format", "csv")
        rows = [r for r in csv.reader(out.splitlines())][:len(TIMES) + 1]
        col = rows[0].index("submitted_at")
    for r, (shown, _) in zip(rows[1:], TIMES):
        r[col] = shown
    f = tmp_path / "noon.csv"
    f.write_text(csv_text(rows), encoding="utf-8-sig")
    proj = _project(tmp_path, capsys)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W", "--json")
    assert rc == 0, out
    assert not any("date and time" in n for n in json.loads(out)["unmatched"]), out
    ids = [r[0] for r in rows[1:]]
    assert _stored_times(capsys, proj) == {i: stored for i, (_, stored) in zip(ids, TIMES)}

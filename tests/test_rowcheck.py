"""Row validation: each quarantine reason on a hand-made native-layout CSV whose problems are known.

The small questionnaire below is written here; every bad row breaks exactly one rule, so the
expected (row, column, reason) records are known before running anything.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey.errors import MinyiError
from survey.qload import load_questionnaire
from survey.rowcheck import check_rows
from survey.store import Project

TINY = """\
id: tiny
title: 小问卷
site_question: S1
sites:
  - name: 社区
  - name: 企业
    sections: [A]
scales:
  sat:
    options:
      - {code: 1, label: 满意, score: 100}
      - {code: 2, label: 一般, score: 60}
      - {code: 3, label: 不满意, score: 20}
      - {code: 9, label: 不了解, na: true}
sections:
  - id: A
    title: 基本情况
    questions:
      - id: S1
        type: single
        text: 调查点
        options: [社区, 企业]
      - id: Q1
        type: single
        text: 您是否知道创文？
        options: [知道, 不知道]
      - id: Q2
        type: multiple
        text: 您从哪些渠道了解？
        when: Q1 == "知道"
        max: 2
        options:
          - {code: 1, label: 电视}
          - {code: 2, label: 报纸}
          - {code: 3, label: 网络}
          - {code: 9, label: 以上都没有, exclusive: true}
      - id: Q3
        type: number
        text: 参加活动次数
        min: 0
        max: 10
      - id: Q5
        type: text
        text: 建议
        required: false
  - id: B
    title: 满意度
    questions:
      - id: M1
        type: matrix
        text: 您对以下方面的满意程度
        scale: sat
        rows:
          - {id: r1, label: 环境}
          - {id: r2, label: 交通}
          - {id: r3, label: 治安}
          - {id: r4, label: 服务}
          - {id: r5, label: 文明}
"""

HEADER = "respondent_id,submitted_at,duration_sec,S1,Q1,Q2_1,Q2_2,Q2_3,Q2_9,Q3,Q5,M1_r1,M1_r2,M1_r3,M1_r4,M1_r5"
# line 2 onward; comment = the one problem of the row
ROWS = [
    ("R01,2026-03-01 09:00:00,600,1,1,1,0,0,0,3,,1,2,1,2,1", None),
    ("R02,2026-03-01 09:01:00,600,1,3,0,0,0,0,3,,1,2,1,2,1", ("Q1", "3", "unknown-option")),
    ("R03,2026-03-01 09:02:00,600,1,1,1,0,0,0,11,,1,2,1,2,1", ("Q3", "11", "out-of-range")),
    ("R04,2026-03-01 09:03:00,600,1,1,1,1,1,0,3,,1,2,1,2,1", ("Q2", "3", "too-many")),
    ("R05,2026-03-01 09:04:00,600,1,1,1,0,0,1,3,,1,2,1,2,1", ("Q2_9", "1", "exclusive")),
    ("R06,2026-03-01 09:05:00,600,1,2,1,0,0,0,3,,1,2,1,2,1", ("Q2", None, "should-skip")),
    ("R07,2026-03-01 09:06:00,600,1,1,1,0,0,0,,,1,2,1,2,1", ("Q3", None, "required-missing")),
    ("R08,2026-03-01 09:07:00,600,2,2,,,,,4,,1,2,1,2,1", ("M1", None, "should-skip")),
    ("R09,2026-03-01 09:08:00,600,2,2,,,,,4,好,,,,,", None),
    ("R10,2026-03-01 09:09:00,600,1,2,,,,,0,,9,9,3,3,1", None),
    ("R11,2026-03-01 09:10:00,600,1,1,0,0,0,0,2,,1,2,1,2,1", ("Q2", None, "required-missing")),
    ("R12,2026-03-01 09:11:00,600,1,1,0,1,0,0,2,,1,,1,2,1", ("M1_r2", None, "required-missing")),
    ("R13,2026-03-01 09:12:00,600,1,1,0,1,0,0,2,,7,1,1,2,1", ("M1_r1", "7", "unknown-option")),
    (",,,,,,,,,,,,,,,", ("", None, "blank-row")),
]
GOOD = [r for r, p in ROWS if p is None]


def write_tiny(tmp_path: Path) -> Path:
    q = tmp_path / "tiny.yaml"
    q.write_text(TINY, encoding="utf-8")
    return q


def write_csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def project(tmp_path):
    return Project.create(tmp_path / "proj", write_tiny(tmp_path))


def test_each_reason_is_quarantined_with_row_column_value(project, tmp_path):
    f = write_csv(tmp_path / "answers.csv", [r for r, _ in ROWS])
    s = project.import_file(f, wave="W1")
    assert s.rows_read == len(ROWS)
    assert s.accepted == len(GOOD) == 3
    assert s.quarantined == len(ROWS) - 3
    qr = project.quarantine()
    got = {(int(r.row), r.column, None if r.value is None or r.value != r.value else str(r.value), r.code)
           for r in qr.itertuples()}
    want = {(i + 2, p[0], p[1], p[2]) for i, (_, p) in enumerate(ROWS) if p is not None}
    assert got == want
    assert set(qr["source"]) == {"answers.csv"}
    # summary: quarantined rows per reason
    assert s.reasons == {"unknown-option": 2, "out-of-range": 1, "too-many": 1, "exclusive": 1, "should-skip": 2,
                         "required-missing": 3, "blank-row": 1}
    # the good rows are stored, with their values
    data = project.raw_responses("W1")
    assert list(data["respondent_id"]) == ["R01", "R09", "R10"]
    assert data.loc[data["respondent_id"] == "R10", "M1_r1"].item() == 9.0
    assert data.loc[data["respondent_id"] == "R09", "Q5"].item() == "好"
    assert np.isnan(data.loc[data["respondent_id"] == "R09", "M1_r1"].item())
    # the whole raw row is kept with each quarantine record
    raw = qr.loc[qr["row"] == 3, "raw"].item()
    assert '"respondent_id":"R02"' in raw.replace(" ", "")


def test_not_a_number_is_one_record(project, tmp_path):
    f = write_csv(tmp_path / "nan.csv", [ROWS[0][0], ROWS[0][0].replace("R01", "R02").replace(",3,,", ",三,,")])
    s = project.import_file(f, wave="W1")
    assert (s.accepted, s.quarantined) == (1, 1)
    qr = project.quarantine()
    # the unreadable cell, with its raw value; not also "required Q3 missing" (the same mistake)
    assert [(int(r.row), r.column, r.value, r.code) for r in qr.itertuples()] == [(3, "Q3", "三", "not-a-number")]


def test_derived_problems_of_a_reported_cell_are_left_out(tmp_path):
    """prior = the importer's cell problems: their blanked cells do not also count as missing answers."""
    q = load_questionnaire(write_tiny(tmp_path))
    cols = HEADER.split(",")
    # row 0: Q1 blanked by the importer; row 1: M1_r1 blanked by the importer and M1_r2 really missing;
    # row 2: Q1 really missing (no importer problem): still recorded
    frame = pd.DataFrame([["A", None, 600.0, 1, None, None, None, None, None, 3, None, 1, 2, 1, 2, 1],
                          ["B", None, 600.0, 1, 2, None, None, None, None, 3, None, None, None, 1, 2, 1],
                          ["C", None, 600.0, 1, None, None, None, None, None, 3, None, 1, 2, 1, 2, 1]], columns=cols)
    for c in cols[2:]:
        if c != "Q5":
            frame[c] = frame[c].astype(float)
    plain = check_rows(frame, q)
    assert sorted(zip(plain["index"], plain["column"], plain["code"])) == [
        (0, "Q1", "required-missing"), (1, "M1_r1", "required-missing"), (1, "M1_r2", "required-missing"),
        (2, "Q1", "required-missing")]
    prior = pd.DataFrame({"index": [0, 1], "target": ["Q1", "M1_r1"]})
    got = check_rows(frame, q, prior=prior)
    assert sorted(zip(got["index"], got["column"], got["code"])) == [
        (1, "M1_r2", "required-missing"), (2, "Q1", "required-missing")]


def test_check_rows_directly_all_problems_of_a_row(tmp_path):
    q = load_questionnaire(write_tiny(tmp_path))
    cols = HEADER.split(",")
    # one row with three problems: unknown Q1 code, Q3 out of range and a matrix code 7
    frame = pd.DataFrame([["X", None, 10.0, 1, 5, 0, 0, 0, 0, 20, None, 7, 1, 1, 1, 1]], columns=cols)
    for c in cols[3:]:
        if c != "Q5":
            frame[c] = frame[c].astype(float)
    probs = check_rows(frame, q)
    got = sorted(zip(probs["column"], probs["code"]))
    # Q1 = 5 is unknown, so Q2's condition (Q1 == 知道) is false: Q2 is not asked and all 0 — fine
    assert got == [("M1_r1", "unknown-option"), ("Q1", "unknown-option"), ("Q3", "out-of-range")]
    assert set(probs["row"]) == {2}


def test_an_unknown_option_cell_of_a_multiple_choice_is_one_record(tmp_path):
    """Q2_1 = 2 with no other option chosen: one mistake, one record (unknown-option on Q2_1), not also "required
    answer Q2 is missing", which sent the analyst looking for an empty answer (the row answered Q2, with a value
    that is not 0/1).  A really empty Q2 (row C) is still missing."""
    q = load_questionnaire(write_tiny(tmp_path))
    cols = HEADER.split(",")
    frame = pd.DataFrame([["A", None, 600.0, 1, 1, 2, 0, 0, 0, 3, None, 1, 2, 1, 2, 1],
                          ["B", None, 600.0, 1, 1, 2, None, None, None, 3, None, 1, 2, 1, 2, 1],
                          ["C", None, 600.0, 1, 1, 0, 0, 0, 0, 3, None, 1, 2, 1, 2, 1]], columns=cols)
    for c in cols[2:]:
        if c != "Q5":
            frame[c] = frame[c].astype(float)
    probs = check_rows(frame, q)
    assert sorted(zip(probs["index"], probs["column"], probs["code"])) == [
        (0, "Q2_1", "unknown-option"), (1, "Q2_1", "unknown-option"), (2, "Q2", "required-missing")]


def test_strict_stores_nothing_and_names_the_problems(project, tmp_path):
    f = write_csv(tmp_path / "answers.csv", [r for r, _ in ROWS])
    with pytest.raises(MinyiError) as ei:
        project.import_file(f, wave="W1", strict=True)
    text = str(ei.value)
    assert "--strict" in text and "nothing was imported" in text
    assert "row 3" in text and "Q1" in text
    assert project.imports().empty
    assert project.quarantine().empty
    con = project.connect()
    assert con.execute("SELECT count(*) FROM responses").fetchall()[0][0] == 0
    con.close()
    # a clean file passes --strict
    g = write_csv(tmp_path / "clean.csv", GOOD)
    s = project.import_file(g, wave="W1", strict=True)
    assert (s.accepted, s.quarantined) == (3, 0)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True)


def test_cli_import_summary_and_quarantine_listing(tmp_path):
    qf = write_tiny(tmp_path)
    proj = tmp_path / "p"
    r = _cli("init", str(proj), "--questionnaire", str(qf))
    assert r.returncode == 0, r.stderr
    f = write_csv(tmp_path / "answers.csv", [r_ for r_, _ in ROWS])
    r = _cli("import", str(proj), str(f), "--wave", "2026Q1")
    assert r.returncode == 0, r.stderr
    assert f"{len(ROWS)} rows read, 3 accepted, {len(ROWS) - 3} quarantined" in r.stdout
    assert "required-missing (必答题未答): 3 row(s)" in r.stdout
    assert "exclusive (排他选项与其他选项同选): 1 row(s)" in r.stdout
    r = _cli("quarantine", str(proj))
    assert r.returncode == 0
    assert "answers.csv, row 3, column Q1: value '3' is not an option of Q1" in r.stdout
    out = tmp_path / "q.csv"
    r = _cli("quarantine", str(proj), "--export", str(out))
    assert r.returncode == 0, r.stderr
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert {"source", "row", "column", "value", "code", "message"} <= set(back.columns)
    assert len(back) == len(ROWS) - 3
    r = _cli("import", str(proj), str(f), "--strict")  # already imported: nothing to do, says so
    assert r.returncode == 0 and "already imported" in r.stdout
    g = write_csv(tmp_path / "bad.csv", [ROWS[1][0]])
    r = _cli("import", str(proj), str(g), "--strict")
    assert r.returncode == 1 and "Traceback" not in r.stderr and "nothing was imported" in r.stderr


def test_ranking_problems_on_the_bundled_questionnaire():
    """K2 ranks the 3 most urgent of 10 problems (k = 3): hand-made rank patterns with known verdicts."""
    from survey.qload import bundled_path
    from survey.simulate import simulate

    q = load_questionnaire(bundled_path())
    frame = simulate(q, 6, seed=11)
    assert check_rows(frame, q).empty  # simulated rows are valid
    cols = [f"K2_{o.code}" for o in q.question("K2").options]
    patterns = {
        0: {1: 1, 2: 2, 3: 3},  # valid
        1: {1: 1, 2: 1, 3: 2},  # the same rank twice
        2: {1: 1, 2: 2, 3: 3, 4: 4},  # rank 4 > k and four options ranked
        3: {1: 1.5, 2: 2, 3: 3},  # not a whole rank
        4: {},  # nothing ranked: required answer missing
        5: {1: 3, 5: 1, 10: 2},  # valid, any options
    }
    for i, ranks in patterns.items():
        frame.loc[i, cols] = np.nan
        for code, r in ranks.items():
            frame.loc[i, f"K2_{code}"] = float(r)
    probs = check_rows(frame, q)
    got = sorted((int(r.row) - 2, r.column, r.code) for r in probs.itertuples())
    assert got == [(1, "K2", "rank-invalid"), (2, "K2", "rank-invalid"), (2, "K2_4", "rank-invalid"),
                   (3, "K2_1", "rank-invalid"), (4, "K2", "required-missing")]
    msgs = set(probs.loc[probs["row"] == 4, "message"])
    assert any("more than 3 options ranked" in m for m in msgs) and any("outside 1..k" in m for m in msgs)


def test_many_rows_checked_alike_on_two_threads_and_one(tmp_path, monkeypatch):
    """Above PARALLEL_ROWS the questions are checked in two parts on two threads: the records (every
    reason of ROWS, in both parts of the questionnaire) are those of one thread, in the same order."""
    from survey.cores import PARALLEL_ROWS
    from survey.importers import read_responses

    q = load_questionnaire(write_tiny(tmp_path))
    reps = PARALLEL_ROWS // len(ROWS) + 1
    f = write_csv(tmp_path / "many.csv", [r for r, _ in ROWS] * reps)
    t = read_responses(f, q)
    got = {}
    for k in ("1", "2"):
        monkeypatch.setenv("MINYI_THREADS", k)
        got[k] = check_rows(t.frame, q, rows=t.frame["_row"].to_numpy(), prior=t.problems)
    pd.testing.assert_frame_equal(got["1"], got["2"])
    want = sorted((p[0], p[2]) for _, p in ROWS if p is not None)
    first = got["2"][got["2"]["row"] < 2 + len(ROWS)]
    assert sorted(zip(first["column"], first["code"])) == want
    assert len(got["2"]) == len(want) * reps

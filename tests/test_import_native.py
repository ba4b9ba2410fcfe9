"""The native CSV fast path: small code types, values that are not plain numbers, identifying columns.

Hand-made files on the small questionnaire of test_rowcheck; every expected record is written here.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from survey.export import export_frame
from survey.importers import read_responses
from survey.qload import load_questionnaire
from survey.store import Project

from test_rowcheck import HEADER, write_csv, write_tiny

GOOD = "R01,2026-03-01 09:00:00,600,1,1,1,0,0,0,3,,1,2,1,2,1"


def test_clean_native_file_reads_codes_as_float32_through_pyarrow(tmp_path):
    q = load_questionnaire(write_tiny(tmp_path))
    f = write_csv(tmp_path / "a.csv", [GOOD, "R02,2026-03-01 09:01:00,500,2,2,,,,,0,好,9,9,3,3,1"])
    t = read_responses(f, q)
    assert t.format == "native" and "read with pyarrow" in t.format_reason and "careful" not in t.format_reason
    assert t.frame["Q1"].dtype == np.float32 and t.frame["M1_r1"].dtype == np.float32
    assert t.frame["Q3"].dtype == np.float64  # numbers keep full precision
    assert t.frame["M1_r1"].tolist() == [1.0, 9.0] and np.isnan(t.frame["Q2_1"].to_numpy()[1])
    assert t.frame["Q5"].tolist()[1] == "好" and t.problems.empty


def test_values_that_are_not_plain_numbers_are_quarantined_with_their_raw_value(tmp_path):
    p = Project.create(tmp_path / "p", write_tiny(tmp_path))
    rows = [GOOD,
            "R02,2026-03-01 09:01:00,600,1,abc,1,0,0,0,3,,1,2,1,2,1",  # Q1 not an option (Q2's condition reads Q1)
            "R03,2026-03-01 09:02:00,600,1,知道,1,0,0,0,3,,1.0,2,1,2,1",  # a label and 1.0: fine
            "R04,2026-03-01 09:03:00,600,1,1,1,0,0,0,3,,1,99999,1,2,1",  # beyond int16: not an option
            "R05,2026-03-01 09:04:00,600,1,1,1,x,0,0,3,,1,2,1,2,1",  # a 0/1 cell holding x
            "R06,2026-03-01 09:05:00,600,1,1,1,0,0,0,三,,1,2,1,2,1",  # not a number
            "R07,2026-03-01 09:06:00,268秒,1,1,1,0,0,0,3,,1,2,1,2,1"]  # 问卷星-style duration: fine
    f = write_csv(tmp_path / "b.csv", rows)
    s = p.import_file(f, wave="W")
    assert "read with pyarrow" in s.format_reason and "careful" not in s.format_reason
    assert (s.rows_read, s.accepted, s.quarantined) == (7, 3, 4)
    qr = p.quarantine()
    got = [(int(r.row), r.column, r.value, r.code) for r in qr.itertuples()]
    # one record per mistake: no required-missing for the blanked cells, no should-skip for Q2 (whose
    # condition Q1 == 知道 can no longer be evaluated once Q1 is blanked)
    assert got == [(3, "Q1", "abc", "unknown-option"), (5, "M1_r2", "99999", "unknown-option"),
                   (6, "Q2_2", "x", "unknown-option"), (7, "Q3", "三", "not-a-number")]
    data = p.raw_responses("W")
    assert list(data["respondent_id"]) == ["R01", "R03", "R07"]
    assert data["Q1"].tolist() == [1.0, 1.0, 1.0] and data["M1_r1"].tolist() == [1.0, 1.0, 1.0]
    assert data["duration_sec"].tolist() == [600.0, 600.0, 268.0]


PII_HEAD = HEADER + ",ip,phone,姓名,id_card,联系方式,备注"
PII_ROWS = [GOOD.replace("R01", f"R0{i}").replace(",3,,", f",{i},,")  # answers differ: no identical-answer flags
            + f",10.0.0.{i},1381234567{i},张{i},11010519491231002{i},1391234567{i},无" for i in range(1, 4)]


def test_identifying_columns_are_kept_apart_not_dropped(tmp_path):
    q = load_questionnaire(write_tiny(tmp_path))
    f = write_csv(tmp_path / "pii.csv", PII_ROWS, PII_HEAD)
    t = read_responses(f, q)
    assert t.format == "native"
    # by header: ip, phone, 姓名, id_card; by values: 联系方式 (mobile numbers)
    assert sorted(t.pii.columns) == sorted(["ip", "phone", "姓名", "id_card", "联系方式"])
    assert t.pii["phone"].tolist() == ["13812345671", "13812345672", "13812345673"]
    assert not set(t.pii.columns) & set(t.frame.columns)
    notes = [str(u) for u in t.unmatched]
    assert any("备注" in u for u in notes) and not any("phone" in u or "姓名" in u for u in notes)

    p = Project.create(tmp_path / "p", write_tiny(tmp_path))
    s = p.import_file(f)
    assert sorted(s.pii_columns) == sorted(["ip", "phone", "姓名", "id_card", "联系方式"])
    con = p.connect()
    stored = con.execute("SELECT \"column\", value FROM pii WHERE \"row\" = 2").fetchall()
    con.close()
    assert dict(stored) == {"ip": "10.0.0.1", "phone": "13812345671", "姓名": "张1", "id_card": "110105194912310021",
                            "联系方式": "13912345671"}
    plain, _, _ = export_frame(p)
    assert not {"ip", "phone", "姓名", "id_card", "联系方式"} & set(plain.columns)
    full, _, _ = export_frame(p, include_pii=True)
    assert full["姓名"].tolist() == ["张1", "张2", "张3"]


def test_identifying_columns_hashed_with_hash_pii(tmp_path):
    p = Project.create(tmp_path / "p", write_tiny(tmp_path))
    p.import_file(write_csv(tmp_path / "pii.csv", PII_ROWS, PII_HEAD), hash_pii=True)
    salt = (tmp_path / "p" / ".pii_salt").read_text().strip()
    con = p.connect()
    stored = dict(con.execute("SELECT \"column\", value FROM pii WHERE \"row\" = 3").fetchall())
    con.close()
    assert stored["姓名"] == hashlib.sha256((salt + "张2").encode()).hexdigest()
    assert stored["phone"] == hashlib.sha256((salt + "13812345672").encode()).hexdigest()
    raw = (tmp_path / "p" / "minyi.duckdb").read_bytes()
    assert "13812345672".encode() not in raw and "张2".encode() not in raw


def test_many_rows_read_alike_on_two_threads_and_one(tmp_path, monkeypatch):
    """Above PARALLEL_ROWS the int16 code columns become float32 on two threads: the frame (NaN where a cell
    is empty, the codes exact) and the int16 arrays kept for storing are the same as on one thread."""
    from survey.cores import PARALLEL_ROWS

    q = load_questionnaire(write_tiny(tmp_path))
    rng = np.random.default_rng(5)
    n = PARALLEL_ROWS + 300
    lines = [GOOD.replace("R01", f"R{i:06d}") for i in range(n)]
    for i in rng.choice(n, 400, replace=False):  # empty cells in code columns (nulls in the int16 arrays)
        cells = lines[i].split(",")
        cells[4] = cells[11] = ""
        lines[i] = ",".join(cells)
    f = write_csv(tmp_path / "many.csv", lines)
    got = {}
    for k in ("1", "2"):
        monkeypatch.setenv("MINYI_THREADS", k)
        got[k] = read_responses(f, q)
    pd.testing.assert_frame_equal(got["1"].frame, got["2"].frame)
    assert got["1"].codes.keys() == got["2"].codes.keys() and got["2"].codes
    for c, (arr, floats) in got["2"].codes.items():
        assert arr.equals(got["1"].codes[c][0])
        assert np.shares_memory(floats, got["2"].frame[c].to_numpy())  # the frame holds the converted array
    x = got["2"].frame["Q1"].to_numpy()
    assert x.dtype == np.float32 and int(np.isnan(x).sum()) == 400 and set(x[~np.isnan(x)]) == {1.0}

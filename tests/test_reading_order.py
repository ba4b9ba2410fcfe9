"""Reading a wave (survey/reading.py read_columns): every record batch of the scan is written to its
rows, so the columns come out in import order whatever order the store returns the rows in, with
the types the analysis expects (codes float32 or float64 with NaN, INTEGER and DOUBLE float64, text
as strings), the same as a plain ``ORDER BY`` query converted by pandas."""

import duckdb
import numpy as np
import pandas as pd
import pytest

import survey.reading as R

TYPES = {"_import_id": "INTEGER", "_row": "BIGINT", "code": "SMALLINT", "count": "INTEGER", "num": "DOUBLE",
         "text": "VARCHAR"}
COLUMNS = ["code", "count", "num", "text", "_import_id", "_row"]


def _rows(n, seed):
    rng = np.random.default_rng(seed)

    def nulls(x):
        s = pd.Series(pd.array(x, dtype=x.dtype.name.capitalize() if x.dtype.kind == "i" else "Float64"))
        return s.mask(rng.random(n) < 0.2)

    imp = np.sort(rng.integers(1, 4, n))
    row = np.zeros(n, dtype=np.int64)
    for i in np.unique(imp):  # row numbers per import, with gaps (quarantined rows)
        at = imp == i
        row[at] = np.cumsum(rng.integers(1, 3, at.sum()))
    return pd.DataFrame({
        "_wave": np.where(rng.random(n) < 0.8, "w1", "w2"),
        "_import_id": imp.astype(np.int32), "_row": row,
        "code": nulls(rng.integers(1, 6, n).astype(np.int16)),
        "count": nulls(rng.integers(0, 9, n).astype(np.int32)),
        "num": nulls(rng.normal(size=n)),
        "text": pd.Series([None if m else f"t{i}" for i, m in enumerate(rng.random(n) < 0.3)], dtype=object),
    })


def _store(df, order):
    con = duckdb.connect()
    con.execute("CREATE TABLE responses (_wave VARCHAR, _import_id INTEGER, _row BIGINT, code SMALLINT, "
                "count INTEGER, num DOUBLE, text VARCHAR)")
    ins = df.iloc[order].reset_index(drop=True)
    con.register("ins", ins)
    con.execute("INSERT INTO responses SELECT _wave, _import_id, _row, code, count, num, text FROM ins")
    con.unregister("ins")
    return con


def _expected(con, wave, float32=True):
    want = con.execute("SELECT code, count, num, text, _import_id, _row FROM responses WHERE _wave = ? "
                       "ORDER BY _import_id, _row", [wave]).df()
    out = pd.DataFrame({
        "code": want["code"].astype("float64").astype(np.float32 if float32 else np.float64),
        "count": want["count"].astype("float64"), "num": want["num"].astype("float64"),
        "text": want["text"], "_import_id": want["_import_id"].astype("float64"), "_row": want["_row"]})
    return out


def _orders(n, rng):
    stretch = np.arange(n).reshape(-1, n // 8)
    return {
        "in order": np.arange(n),
        "stretches swapped": np.concatenate(stretch[[4, 5, 6, 7, 0, 1, 2, 3]]),  # row groups of two scan threads
        "shuffled": rng.permutation(n),  # rows in no order at all: written to their positions
    }


@pytest.mark.parametrize("layout", ["in order", "stretches swapped", "shuffled"])
@pytest.mark.parametrize("float32", [True, False])
def test_columns_come_out_in_import_order_with_the_analysis_types(monkeypatch, layout, float32):
    monkeypatch.setattr(R, "_BATCH_ROWS", 2048)  # several record batches
    n = 16384
    df = _rows(n, seed=1)
    con = _store(df, _orders(n, np.random.default_rng(2))[layout])
    data = R.read_columns(con, "w1", COLUMNS, TYPES, codes_float32=float32)
    got = data.frame(COLUMNS, codes_float32=float32)
    want = _expected(con, "w1", float32)
    assert list(got.columns) == COLUMNS
    assert got["code"].dtype == (np.float32 if float32 else np.float64)
    assert got["code"].isna().sum() > 0 and got["text"].isna().sum() > 0
    for c in COLUMNS:
        if c == "text":
            assert got[c].fillna("<NA>").tolist() == want[c].fillna("<NA>").tolist()
        else:
            assert np.array_equal(got[c].to_numpy(), want[c].to_numpy(), equal_nan=True), c
    assert np.all(np.diff(data.key) > 0) and data.n == len(want)


@pytest.mark.parametrize("float32", [True, False])
def test_kept_rows_are_the_rows_the_mask_marks(monkeypatch, float32):
    """The first read of a wave makes a frame of every column for the checks, then the analysis frame
    of some columns and the kept rows, in place: it equals selecting those rows of the full read."""
    monkeypatch.setattr(R, "_BATCH_ROWS", 2048)
    n = 8192
    df = _rows(n, seed=3)
    con = _store(df, _orders(n, np.random.default_rng(4))["stretches swapped"])
    data = R.read_columns(con, "w1", COLUMNS, TYPES, codes_float32=True)
    full = data.frame(COLUMNS)
    want = full.copy()
    del full
    keep = np.random.default_rng(5).random(data.n) < 0.7
    got = data.frame(["num", "code", "text"], keep, codes_float32=float32)
    assert data.arrays == {} and data.n == int(keep.sum())
    assert list(got.columns) == ["num", "code", "text"] and len(got) == int(keep.sum())
    exp = want[keep].reset_index(drop=True)
    assert got["code"].dtype == (np.float32 if float32 else np.float64)
    assert np.array_equal(got["code"].to_numpy(), exp["code"].to_numpy().astype(got["code"].dtype), equal_nan=True)
    assert np.array_equal(got["num"].to_numpy(), exp["num"].to_numpy(), equal_nan=True)
    assert got["text"].fillna("<NA>").tolist() == exp["text"].fillna("<NA>").tolist()


def test_an_empty_wave_and_every_wave():
    df = _rows(3000, seed=6)
    con = _store(df, np.arange(3000))
    empty = R.read_columns(con, "w9", COLUMNS, TYPES).frame(COLUMNS)
    assert len(empty) == 0 and list(empty.columns) == COLUMNS and empty["code"].dtype == np.float32
    both = R.read_columns(con, None, ["code", "_wave"], {**TYPES, "_wave": "VARCHAR"}).frame(["code", "_wave"])
    assert len(both) == 3000 and set(both["_wave"]) == {"w1", "w2"}


@pytest.mark.parametrize("stop", [KeyboardInterrupt, MemoryError])
def test_a_read_stopped_mid_scan_raises_its_own_error_and_leaves_the_connection_usable(monkeypatch, stop):
    """Ctrl-C (or any error) between two record batches used to end in DuckDB's "connection has an open
    result" from the ROLLBACK in the cleanup, which the command then reported as an internal error."""
    monkeypatch.setattr(R, "_BATCH_ROWS", 1000)
    df = _rows(5000, 3)
    con = _store(df, np.arange(len(df)))
    seen = []

    def progress(rows):
        seen.append(rows)
        raise stop()

    with pytest.raises(stop):
        R.read_columns(con, "w1", COLUMNS, TYPES, progress=progress)
    assert seen == [1000]  # stopped after the first of several batches
    assert con.execute("SELECT count(*) FROM responses").fetchall()[0][0] == len(df)  # no transaction left open
    got = R.read_columns(con, "w1", COLUMNS, TYPES)  # and it reads again
    assert len(got.key) == int((df["_wave"] == "w1").sum())


@pytest.mark.parametrize("layout", ["in order", "shuffled"])
def test_raw_codes_are_the_stored_codes_with_a_missing_code(monkeypatch, layout):
    """``raw_codes``: a SMALLINT column read as int16 codes as stored, MISSING_CODE where the store has
    NULL, in import order; float_column gives back the float32 read; with a keep mask the kept rows."""
    from survey.columns import MISSING_CODE, answered, float_column

    monkeypatch.setattr(R, "_BATCH_ROWS", 2048)
    n = 16384
    df = _rows(n, seed=7)
    con = _store(df, _orders(n, np.random.default_rng(8))[layout])
    want = _expected(con, "w1")["code"].to_numpy()
    data = R.read_columns(con, "w1", COLUMNS, TYPES, raw_codes=["code", "num"])  # num is DOUBLE: read as a number
    full = data.frame(COLUMNS)
    assert full["code"].dtype == np.int16 and full["num"].dtype == np.float64
    raw = full["code"].to_numpy()
    assert (raw == MISSING_CODE).sum() == np.isnan(want).sum() > 0
    np.testing.assert_array_equal(answered(raw), ~np.isnan(want))
    np.testing.assert_array_equal(float_column(full, "code"), want)
    assert float_column(full, "code").dtype == np.float32
    del full, raw
    keep = np.random.default_rng(9).random(data.n) < 0.6
    got = data.frame(["code", "text"], keep)
    np.testing.assert_array_equal(float_column(got, "code"), want[keep])

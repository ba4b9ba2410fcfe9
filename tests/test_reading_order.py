"""Rows in import order (survey/reading.py in_import_order): zero-copy slices of sorted runs give the
same table as the full sort, and overlapping runs still come out sorted."""

import numpy as np
import pyarrow as pa
import pytest

from survey.reading import in_import_order


def _table(key):
    return pa.table({"key": pa.array(key), "x": pa.array(np.asarray(key, dtype=float) * 2 + 1),
                     "s": pa.array([f"r{k}" for k in key])})


def _sorted(tab, key):
    order = np.argsort(key, kind="stable")
    return tab.take(pa.array(order)), key[order]


@pytest.mark.parametrize("key", [
    [5, 6, 7, 1, 2, 3],                       # two runs, swapped (what a parallel scan returns)
    [20, 21, 10, 11, 12, 0, 1, 30],           # four runs
    [1, 2, 3, 4],                             # already in order
    [3, 1, 4, 2, 5, 0],                       # runs that overlap: the full sort
    [0, 1, 6, 7, 2, 3, 8, 9, 4, 5],           # two threads' row groups interleaved (DuckDB's scan)
    [0, 2, 9, 11, 4, 5, 13, 6],               # the same with gaps (quarantined rows)
    [7],
])
def test_in_import_order_equals_the_full_sort(key):
    key = np.asarray(key, dtype=np.int64)
    tab = _table(key)
    got, gk = in_import_order(tab, key)
    want, wk = _sorted(tab, key)
    assert np.array_equal(gk, wk)
    assert got.equals(want)
    assert got.column("key").to_numpy().tolist() == sorted(key.tolist())


def test_stretches_in_order_are_sliced_not_copied():
    # row groups of two scan threads, interleaved: 0-99 200-299 ... then 100-199 300-399 ...
    key = np.concatenate([np.arange(s, s + 100) for s in [*range(0, 1000, 200), *range(100, 1000, 200)]]).astype(np.int64)
    tab = _table(key)
    got, _ = in_import_order(tab, key)
    # slices of the same buffers: no new data buffer for x
    src = {b.address for c in tab.column("x").chunks for b in c.buffers() if b is not None}
    out = {b.address for c in got.column("x").chunks for b in c.buffers() if b is not None}
    assert out <= src
    assert got.column("key").to_numpy().tolist() == list(range(1000))


def test_a_fine_shuffle_is_taken_in_order():
    key = np.random.default_rng(3).permutation(5000).astype(np.int64)
    tab = _table(key)
    got, gk = in_import_order(tab, key)
    assert gk.tolist() == list(range(5000))
    assert got.equals(_sorted(tab, key)[0])


def _typed_table(n=400, seed=5):
    rng = np.random.default_rng(seed)
    def nulls(): return rng.random(n) < 0.2
    tab = pa.table({
        "code": pa.array(rng.integers(1, 6, n).astype(np.int16), mask=nulls()),
        "count": pa.array(rng.integers(0, 9, n).astype(np.int32), mask=nulls()),
        "num": pa.array(rng.normal(size=n), mask=nulls()),
        "text": pa.array([None if m else f"t{i}" for i, m in enumerate(nulls())], type=pa.string()),
    })
    # two record batches, as the store's scan returns them
    return pa.Table.from_batches(tab.to_batches(max_chunksize=n // 3)), \
        {"code": "SMALLINT", "count": "INTEGER", "num": "DOUBLE", "text": "VARCHAR"}


@pytest.mark.parametrize("float32", [True, False])
@pytest.mark.parametrize("keep_all", [True, False])
def test_selecting_from_the_checked_frame_equals_converting_again(float32, keep_all):
    """The first read of a wave converts every column once (for the checks) and selects the analysis
    columns and kept rows from that frame (select_frame); it gives what to_frame of those columns and
    rows gives, and takes the columns out of the checked frame."""
    from survey.reading import select_frame, to_frame

    tab, types = _typed_table()
    keep = np.ones(tab.num_rows, bool) if keep_all else np.random.default_rng(1).random(tab.num_rows) < 0.7
    want = to_frame(tab, types, ["num", "code", "text"], codes_float32=float32, keep=keep)
    full = to_frame(tab, types, list(types), codes_float32=True)
    assert full["code"].dtype == np.float32 and full["code"].isna().sum() > 0
    got = select_frame(full, ["num", "code", "text"], keep, codes_float32=float32)
    assert full.shape[1] == 0
    assert list(got.columns) == ["num", "code", "text"]
    assert [str(d) for d in got.dtypes] == [str(d) for d in want.dtypes]
    assert got.equals(want)
    assert len(got) == int(keep.sum())


def test_nulls_become_nan_as_to_pandas_makes_them():
    from survey.reading import to_frame

    tab, types = _typed_table()
    got = to_frame(tab, types, ["code", "count", "num"], codes_float32=False)
    for c in ("code", "count", "num"):
        want = tab.column(c).to_pandas().astype(np.float64).to_numpy()
        assert np.array_equal(got[c].to_numpy(), want, equal_nan=True)

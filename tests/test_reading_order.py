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

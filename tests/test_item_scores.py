"""report.item_scores.score_array equals the per-value dictionary lookup it replaced, and
analysis.design.count_distinct equals np.unique: the vectorised forms of two hot spots of `survey analyze`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from report.item_scores import score_array


def _reference(values, scores, mul, div):
    out = []
    for v in pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float, na_value=np.nan):
        out.append(float(scores[int(v)]) * mul / div if np.isfinite(v) and int(v) in scores else np.nan)
    return np.array(out, dtype=float)


cells = st.one_of(st.none(), st.integers(-3, 12), st.floats(-3, 12), st.just(float("nan")),
                st.sampled_from(["2", "x", "", "5.0"]))


@settings(max_examples=200, deadline=None)
@given(values=st.lists(cells, max_size=40),
       scores=st.dictionaries(st.integers(-2, 10), st.floats(-100, 100, allow_nan=False), max_size=8),
       top=st.sampled_from([1.0, 3.0, 5.0, 7.0]))
def test_score_array_equals_the_per_value_lookup(values, scores, top):
    frame = pd.DataFrame({"c": pd.Series(values, dtype=object)})
    got = score_array(frame, "c", scores, 100.0, top)
    ref = _reference(values, scores, 100.0, top)
    assert got.shape == ref.shape
    assert np.array_equal(got, ref, equal_nan=True), (values, scores, got, ref)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.integers(-3, 12), st.floats(-4, 13), st.just(float("nan")),
                                 st.sampled_from([float("inf"), -float("inf"), 5000.0])), max_size=40),
       scores=st.dictionaries(st.integers(-2, 10), st.floats(-100, 100, allow_nan=False), max_size=8),
       wide=st.booleans(), dtype=st.sampled_from(["float32", "float64"]))
def test_score_array_on_numeric_columns_equals_the_per_value_lookup(values, scores, wide, dtype):
    """Numeric columns (the analysis layout: float32 codes) take the lookup table, or the sorted search
    when the codes span more than its width."""
    if wide and scores:
        scores = {**scores, 9000: 1.5}
    frame = pd.DataFrame({"c": np.array(values, dtype=dtype)})
    got = score_array(frame, "c", scores, 100.0, 7.0)
    ref = _reference(list(frame["c"]), scores, 100.0, 7.0)
    assert np.array_equal(got, ref, equal_nan=True), (values, scores, got, ref)


def test_missing_column_or_no_scores_is_all_missing():
    frame = pd.DataFrame({"c": [1, 2]})
    assert np.isnan(score_array(frame, "nope", {1: 1.0})).all()
    assert np.isnan(score_array(frame, "c", {})).all()


@settings(max_examples=200, deadline=None)
@given(data=st.data(), size=st.integers(1, 40), k=st.integers(1, 6))
def test_count_distinct_equals_np_unique(data, size, k):
    """analysis.design.count_distinct (presence table) counts what np.unique counts, per group, on both of
    its paths (the table, and np.unique past DISTINCT_TABLE_MAX)."""
    import analysis.design as D

    n = data.draw(st.integers(0, 60))
    codes = np.array(data.draw(st.lists(st.integers(0, size - 1), min_size=n, max_size=n)), dtype=np.int64)
    groups = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)), dtype=np.int64)
    ref = np.array([np.unique(codes[groups == g]).size for g in range(k)])
    assert D.count_distinct(codes, size, groups, k).tolist() == ref.tolist()
    assert D.count_distinct(codes, size)[0] == np.unique(codes).size
    saved = D.DISTINCT_TABLE_MAX
    D.DISTINCT_TABLE_MAX = 0
    try:
        assert D.count_distinct(codes, size, groups, k).tolist() == ref.tolist()
    finally:
        D.DISTINCT_TABLE_MAX = saved

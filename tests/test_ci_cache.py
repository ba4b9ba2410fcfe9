"""analysis.ci.critical_value: the cached scalar path equals scipy's quantiles (and the array path)."""

import numpy as np
import pytest
from hypothesis import given, strategies as st
from scipy import stats

from analysis.ci import critical_value


@given(st.sampled_from([0.8, 0.9, 0.95, 0.99]),
       st.one_of(st.floats(0.5, 1e6), st.just(float("inf")), st.just(float("nan")), st.floats(-5, 0)))
def test_scalar_equals_scipy_and_array_path(conf, df):
    got = critical_value(conf, df)
    assert isinstance(got, np.ndarray) and got.ndim == 0
    if np.isnan(df) or df <= 0:
        assert np.isnan(got)
    elif np.isinf(df):
        assert float(got) == stats.norm.isf((1 - conf) / 2)
    else:
        assert float(got) == stats.t.isf((1 - conf) / 2, df)
    again = critical_value(conf, df)  # second call: from the cache, same number
    arr = critical_value(conf, np.array([df, df]))
    assert np.array_equal(again, got, equal_nan=True) and np.array_equal(arr, [got, got], equal_nan=True)


def test_numpy_scalars_and_ints_accepted():
    assert float(critical_value(0.95, np.float64(10))) == pytest.approx(stats.t.isf(0.025, 10), rel=1e-15)
    assert float(critical_value(0.95, 10)) == float(critical_value(0.95, 10.0))

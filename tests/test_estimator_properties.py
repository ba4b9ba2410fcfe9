"""Property-based tests (hypothesis) for the estimators and intervals."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analysis import Design
from analysis.ci import CI_METHODS
from analysis.estimators import svymean, svyprop

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def samples(draw):
    n = draw(st.integers(8, 60))
    y = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    w = draw(st.lists(st.floats(0.5, 20), min_size=n, max_size=n))
    n_strata = draw(st.integers(1, 3))
    strata = [i % n_strata for i in range(n)]
    psu = [i // 2 for i in range(n)]  # two rows per PSU, PSUs nested in strata by construction below
    return pd.DataFrame({"y": y, "w": w, "st": strata, "psu": [f"{s}-{p}" for s, p in zip(strata, psu)]})


def _bounds(e, method):
    """The interval's bounds; only the likelihood method may lack one: R's profile takes nine steps each
    way, and where they stop short of the cutoff R's bound is NA and minyi's NaN
    (tests/test_ciprop_r_golden.py::test_a_profile_that_stops_short_gives_r_s_na)."""
    lo, hi = e.ci_low, e.ci_high
    assert method == "likelihood" or not (np.isnan(lo) or np.isnan(hi)), (method, lo, hi)
    return (-np.inf if np.isnan(lo) else lo), (np.inf if np.isnan(hi) else hi)


@SETTINGS
@given(samples(), st.sampled_from(list(CI_METHODS)), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
@example(pd.DataFrame({"y": [False] * 8, "w": [1.0] * 8, "st": [0] * 8,  # Jeffreys at 0: found in a fresh clone
                       "psu": ["0-0", "0-0", "0-1", "0-1", "0-2", "0-2", "0-3", "0-3"]}), "jeffreys", 0.8)
def test_interval_contains_estimate(df, method, conf):
    d = Design.from_frame(df, weights="w", strata="st", psu="psu", lonely_psu="certainty")
    e = svyprop(d, df.y.to_numpy(), ci_method=method, confidence=conf, df=float("inf"))
    lo, hi = _bounds(e, method)
    assert lo - 1e-12 <= e.estimate <= hi + 1e-12


@SETTINGS
@given(samples(), st.sampled_from(list(CI_METHODS)))
def test_interval_widens_with_confidence(df, method):
    d = Design.from_frame(df, weights="w", strata="st", psu="psu", lonely_psu="certainty")
    a = svyprop(d, df.y.to_numpy(), ci_method=method, confidence=0.9, df=float("inf"))
    b = svyprop(d, df.y.to_numpy(), ci_method=method, confidence=0.99, df=float("inf"))
    (alo, ahi), (blo, bhi) = _bounds(a, method), _bounds(b, method)
    assert blo <= alo + 1e-12 and bhi >= ahi - 1e-12


@SETTINGS
@given(samples(), st.floats(0.01, 1000), st.sampled_from(list(CI_METHODS)))
@example(pd.DataFrame({"y": [False] * 6 + [True, False, False], "w": [1.0] * 7 + [8.0, 1.0], "st": [0] * 9,
                       "psu": ["0-0", "0-0", "0-1", "0-1", "0-2", "0-2", "0-3", "0-3", "0-4"]}), 1.0, "likelihood")
def test_invariant_to_rescaling_weights(df, factor, method):
    d1 = Design.from_frame(df, weights="w", strata="st", psu="psu", lonely_psu="certainty")
    d2 = Design.from_frame(df.assign(w=df.w * factor), weights="w", strata="st", psu="psu", lonely_psu="certainty")
    a = svyprop(d1, df.y.to_numpy(), ci_method=method)
    b = svyprop(d2, df.y.to_numpy(), ci_method=method)
    _bounds(a, method)
    for f in ("estimate", "se", "ci_low", "ci_high"):  # a bound R leaves NA is NaN in both
        assert getattr(a, f) == pytest.approx(getattr(b, f), rel=1e-9, abs=1e-12, nan_ok=True)


@SETTINGS
@given(samples(), st.floats(-1e6, 1e6, allow_nan=False))
def test_constant_column_is_exact(df, c):
    d = Design.from_frame(df, weights="w", strata="st", psu="psu", lonely_psu="certainty")
    e = svymean(d, np.full(len(df), c))
    assert e.estimate == pytest.approx(c, rel=1e-12, abs=1e-9)
    assert e.se == pytest.approx(0, abs=1e-9 * max(1, abs(c)))

"""Cronbach's α (analysis.reliability) against the textbook formula computed in R
(tests/golden/r_reliability.R on tests/golden/r_reliability_data.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from analysis.reliability import cronbach_alpha

GOLDEN = Path(__file__).parent / "golden"


def _data():
    with open(GOLDEN / "r_reliability_data.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], np.array([[np.nan if v == "NA" else float(v) for v in r] for r in rows[1:]])


def test_alpha_equals_r():
    names, X = _data()
    exp = {r["what"]: float(r["value"]) for r in csv.DictReader(open(GOLDEN / "r_reliability_expected.csv"))}
    a = cronbach_alpha(X, names)
    assert a.n == exp["n"] and a.k == len(names)
    assert a.alpha == pytest.approx(exp["alpha"], abs=1e-12)
    for nm, v in zip(names, a.alpha_if_deleted):
        assert v == pytest.approx(exp[f"drop_{nm}"], abs=1e-12)


def test_alpha_limits():
    x = np.arange(10.0)
    assert cronbach_alpha(np.column_stack([x, x, x])).alpha == pytest.approx(1.0)  # identical items
    assert cronbach_alpha(np.column_stack([x])).alpha is None  # one item
    assert cronbach_alpha(np.ones((5, 3))).alpha is None  # no variance


def _direct(C):
    """The textbook formula on a copy of the data without each item (the implementation before it was
    computed in one pass)."""
    n, k = C.shape
    if k < 2 or n < 2:
        return None
    tv = C.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - C.var(axis=0, ddof=1).sum() / tv)) if tv > 0 else None


@pytest.mark.parametrize("seed", range(6))
def test_alpha_one_pass_equals_direct_formula(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(3, 400)), int(rng.integers(1, 12))
    base = rng.normal(size=(n, 1))
    X = base * rng.uniform(0, 2, size=k) + rng.normal(size=(n, k))
    X = np.round(X * 2) / 2 if seed % 2 else X  # half-point scores, or continuous
    X[rng.random((n, k)) < 0.1] = np.nan
    a = cronbach_alpha(X)
    C = X[np.isfinite(X).all(axis=1)]
    assert a.n == C.shape[0] and a.k == k
    # computed in the caller's own columns (overwrite=True, as the report's batteries do): the same α
    assert cronbach_alpha(np.asfortranarray(X), overwrite=True) == a
    exp = _direct(C)
    assert (a.alpha is None) == (exp is None)
    if exp is not None:
        assert a.alpha == pytest.approx(exp, rel=1e-10, abs=1e-12)
    for j in range(k):
        e = _direct(np.delete(C, j, axis=1)) if k > 2 else None
        assert (a.alpha_if_deleted[j] is None) == (e is None)
        if e is not None:
            assert a.alpha_if_deleted[j] == pytest.approx(e, rel=1e-10, abs=1e-12)

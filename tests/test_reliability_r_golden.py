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
    # the same α from the columns laid out column by column (Fortran order)
    assert cronbach_alpha(np.asfortranarray(X)) == a
    exp = _direct(C)
    assert (a.alpha is None) == (exp is None)
    if exp is not None:
        assert a.alpha == pytest.approx(exp, rel=1e-10, abs=1e-12)
    for j in range(k):
        e = _direct(np.delete(C, j, axis=1)) if k > 2 else None
        assert (a.alpha_if_deleted[j] is None) == (e is None)
        if e is not None:
            assert a.alpha_if_deleted[j] == pytest.approx(e, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("block", [7, 64, 10**6])
@pytest.mark.parametrize("seed", range(4))
def test_alpha_from_codes_in_blocks_equals_direct_formula(monkeypatch, seed, block):
    """The report's batteries: scores gathered by answer code a block of rows at a time
    (cronbach_alpha_coded), the last block partial and some blocks without a complete row — the same α
    as the textbook formula on the complete rows, and the same n."""
    import analysis.reliability as rel
    from analysis.domains import code_values

    monkeypatch.setattr(rel, "BLOCK_ROWS", block)
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(50, 700)), int(rng.integers(2, 9))
    X = np.clip(np.round(3 + rng.normal(size=(n, 1)) + rng.normal(size=(n, k))), 1, 5)
    X[rng.random((n, k)) < 0.15] = np.nan
    X[: min(n, 20)] = np.nan  # the first block(s) without a complete row
    if seed % 2:
        X[:, 0] += 1e6  # a large common level: the shifted sums keep the variance exact
    pairs = [code_values(X[:, j]) for j in range(k)]
    a = rel.cronbach_alpha_coded([c for c, _ in pairs], [v for _, v in pairs])
    C = X[np.isfinite(X).all(axis=1)]
    assert a.n == C.shape[0] and a.k == k
    exp = _direct(C)
    assert (a.alpha is None) == (exp is None)
    if exp is not None:
        assert a.alpha == pytest.approx(exp, rel=1e-9, abs=1e-12)
        assert a.alpha == pytest.approx(cronbach_alpha(X).alpha, rel=1e-12, abs=1e-14)
    for j in range(k):
        e = _direct(np.delete(C, j, axis=1)) if k > 2 else None
        assert (a.alpha_if_deleted[j] is None) == (e is None)
        if e is not None:
            assert a.alpha_if_deleted[j] == pytest.approx(e, rel=1e-9, abs=1e-12)


def test_alpha_from_codes_equals_r():
    from analysis.domains import code_values
    from analysis.reliability import cronbach_alpha_coded

    names, X = _data()
    exp = {r["what"]: float(r["value"]) for r in csv.DictReader(open(GOLDEN / "r_reliability_expected.csv"))}
    pairs = [code_values(X[:, j]) for j in range(X.shape[1])]
    a = cronbach_alpha_coded([c for c, _ in pairs], [v for _, v in pairs], names)
    assert a.n == exp["n"] and a.alpha == pytest.approx(exp["alpha"], abs=1e-12)
    for nm, v in zip(names, a.alpha_if_deleted):
        assert v == pytest.approx(exp[f"drop_{nm}"], abs=1e-12)


def test_alpha_from_codes_rejects_codes_outside_the_table():
    from analysis.reliability import cronbach_alpha_coded

    with pytest.raises(ValueError, match="outside"):
        cronbach_alpha_coded([np.array([0, 3], dtype=np.int16)] * 2, [np.array([1.0, 2.0])] * 2)

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

"""Design degrees of freedom among a set of rows (Design.degf_in): the count of rows when each row is
its own PSU, the presence table otherwise; both equal np.unique's PSUs minus strata."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis.design import Design


def _reference(des: Design, inset: np.ndarray) -> int:
    if not inset.any():
        return 0
    return int(np.unique(des.psu[inset]).size - np.unique(des.strata[inset]).size)


@pytest.mark.parametrize("clustered", [False, True])
@pytest.mark.parametrize("stratified", [False, True])
def test_degf_in_equals_distinct_psus_minus_strata(clustered, stratified):
    rng = np.random.default_rng(4)
    n = 3000
    df = pd.DataFrame({"w": rng.uniform(0.5, 2, n), "h": rng.integers(0, 5, n),
                       "c": rng.integers(0, 40, n)})
    df["c"] = df["h"] * 100 + df["c"]  # PSUs nested in strata
    des = Design.from_frame(df, weights="w", strata="h" if stratified else None, psu="c" if clustered else None)
    assert des._psu_per_row == (not clustered)
    for share in (0.0, 0.01, 0.3, 1.0):
        inset = rng.random(n) < share
        assert des.degf_in(inset) == _reference(des, inset)
    assert des.degf() == _reference(des, des.weights > 0)
    # unique PSU codes that are not 0..n-1: the presence table, same count
    shuffled = replace(des, psu=rng.permutation(n) + 7) if not clustered else None
    if shuffled is not None:
        inset = rng.random(n) < 0.5
        assert not shuffled._psu_per_row and shuffled.degf_in(inset) == _reference(shuffled, inset)


def test_degf_follows_the_domain_weights():
    df = pd.DataFrame({"w": [1.0, 1.0, 0.0, 2.0, 0.0], "h": [0, 0, 1, 1, 1]})
    des = Design.from_frame(df, weights="w", strata="h")
    assert des.degf() == 3 - 2  # rows 0, 1, 3 in two strata
    assert des.subset(np.array([True, False, False, True, False])).degf() == 2 - 2

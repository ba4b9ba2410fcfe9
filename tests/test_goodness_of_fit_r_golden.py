"""analysis.goodness_of_fit against the Rao–Scott corrected test evaluated in R on svymean's design
covariance (tests/golden/r_goodness_of_fit.R on tests/golden/r_indicators_data.csv): a stratified
cluster design, its JKn replicate version and a simple random sample; 1e-8 relative (p 1e-6)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.design_spec import DesignSpec
from analysis.goodness_of_fit import goodness_of_fit

GOLD = Path(__file__).parent / "golden"
CASES = {"district": ("district", [0.4, 0.3, 0.2, 0.1], "design"), "site": ("site", [0.3, 0.5, 0.2], "design"),
         "district_jkn": ("district", [0.4, 0.3, 0.2, 0.1], "jkn"), "site_srs": ("site", [0.3, 0.5, 0.2], "srs")}


@pytest.fixture(scope="module")
def data():
    return pd.read_csv(GOLD / "r_indicators_data.csv")


@pytest.fixture(scope="module")
def expected():
    e = pd.read_csv(GOLD / "r_goodness_of_fit_expected.csv")
    return {(r.case, r.quantity): float(r.value) for r in e.itertuples()}


@pytest.mark.parametrize("case", list(CASES))
def test_goodness_of_fit_equals_r(data, expected, case):
    var, pi, kind = CASES[case]
    if kind == "design":
        des = Design.from_frame(data, weights="w", strata="st", psu="psu")
    elif kind == "jkn":
        des = DesignSpec.from_mapping({"weights": "w", "strata": "st", "psu": "psu", "replicates": "JKn"}).build(data)
    else:
        des = Design.from_frame(data)
    t = goodness_of_fit(des, data[var].to_numpy() - 1, pi)
    for q in ("chisq", "F", "df1", "df2", "deff_mean"):
        assert getattr(t, q) == pytest.approx(expected[(case, q)], rel=1e-8), q
    assert t.p == pytest.approx(expected[(case, "p")], rel=1e-6)


def test_matching_population_gives_no_evidence(data):
    des = Design.from_frame(data, weights="w", strata="st", psu="psu")
    codes = data["site"].to_numpy() - 1
    w = data["w"].to_numpy()
    shares = np.bincount(codes, weights=w) / w.sum()
    t = goodness_of_fit(des, codes, shares)
    assert t.chisq == pytest.approx(0.0, abs=1e-9) and t.p == pytest.approx(1.0)

"""The NPS-style net score of report.decisions against R (tests/golden/r_net_score.R on
tests/golden/r_indicators_data.csv: svymean of +1/0/−1 with confint(df = degf), svyciprop for the
promoter / detractor shares), for a 5-point and a 0–10 item; 1e-8 relative (bounds 1e-6)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from report.decisions import net_score

GOLD = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def setup():
    d = pd.read_csv(GOLD / "r_indicators_data.csv")
    e = pd.read_csv(GOLD / "r_net_score_expected.csv")
    exp = {(r.case, r.quantity): float(r.value) for r in e.itertuples()}
    return d, Design.from_frame(d, weights="w", strata="st", psu="psu"), exp


def _check(rec, exp, case):
    assert rec["estimate"] == pytest.approx(exp[(case, "estimate")], rel=1e-8)
    if (case, "se") in exp:
        assert rec["se"] == pytest.approx(exp[(case, "se")], rel=1e-8)
    assert rec["ci_low"] == pytest.approx(exp[(case, "ci_low")], rel=1e-6)
    assert rec["ci_high"] == pytest.approx(exp[(case, "ci_high")], rel=1e-6)


def test_five_point_net_score(setup):
    d, des, exp = setup
    ov = d["OV"].to_numpy(dtype=float)
    r = net_score(des, ov, "5-point", {1: 4, 2: 3, 3: 2, 4: 1, 5: 0})  # code 1 (非常满意) is the top
    _check(r["net"], exp, "net5")
    _check(r["promoters"], exp, "pro5")
    assert r["net"]["estimate"] == pytest.approx(r["promoters"]["estimate"] - r["detractors"]["estimate"], abs=1e-12)


def test_zero_to_ten_net_score(setup):
    d, des, exp = setup
    ov = d["OV"].to_numpy(dtype=float)
    x10 = np.maximum(0, (6 - ov) * 2 - 2 * (d["support"].to_numpy() == 3) - (d["aware"].to_numpy() == 2))
    r = net_score(des, x10.astype(float), "0-10", None)
    _check(r["net"], exp, "net10")
    _check(r["detractors"], exp, "det10")

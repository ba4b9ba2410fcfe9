"""Each group against the rest (analysis.group_tests) and the Korn–Graubard interval of hot-issue
option shares against R's survey package.

Expected values: tests/golden/r_group_tests_expected.csv, written by tests/golden/r_group_tests.R
(svyttest, svychisq, svycontrast of svytotal, svyciprop(method="beta")) on the committed data set
tests/golden/r_indicators_data.csv (stratified cluster sample with weights), under Taylor
linearisation and under JKn replicate weights (as.svrepdesign).  Differences and SEs to 1e-8
relative, p-values and interval bounds to 1e-6.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.design_spec import DesignSpec
from analysis.group_tests import group_vs_rest, independence_test
from analysis.multiple import multiple_choice
from analysis.indicators import Grouping

GOLD = Path(__file__).parent / "golden"
SCORES = {1: 100.0, 2: 80.0, 3: 60.0, 4: 40.0, 5: 20.0}


@pytest.fixture(scope="module")
def data():
    return pd.read_csv(GOLD / "r_indicators_data.csv")


@pytest.fixture(scope="module")
def expected():
    e = pd.read_csv(GOLD / "r_group_tests_expected.csv", keep_default_na=False, dtype={"group": str, "by": str})
    e["value"] = e["value"].astype(float)
    return {(r.case, r.by, r.group, r.quantity): r.value for r in e.itertuples()}


def designs(data):
    lin = Design.from_frame(data, weights="w", strata="st", psu="psu")
    jkn = DesignSpec.from_mapping({"weights": "w", "strata": "st", "psu": "psu", "replicates": "JKn"}).build(data)
    return {"": lin, ":jkn": jkn}


def single_items(data):
    aware, support, s1 = (data[c].to_numpy(float) for c in ("aware", "support", "S1"))
    score = np.array([SCORES.get(v, np.nan) if np.isfinite(v) else np.nan for v in s1])
    return {"aware:rate": ((aware == 1).astype(float), np.isfinite(aware)),
            "support:rate": ((support == 1).astype(float), np.isfinite(support) & (support != 9)),
            "S1:index": (score, np.isfinite(s1) & (s1 != 9))}


def groups(data, gv):
    codes = data[gv].to_numpy() - 1
    return codes, [str(i) for i in range(1, codes.max() + 2)]


def close(a, b, rel):
    assert a == pytest.approx(b, rel=rel, abs=rel * 1e-3), (a, b)


@pytest.mark.parametrize("kind", ["", ":jkn"])
@pytest.mark.parametrize("gv", ["site", "district"])
def test_single_item_group_vs_rest_equals_svyttest(data, expected, kind, gv):
    des = designs(data)[kind]
    codes, labels = groups(data, gv)
    for case, (y, valid) in single_items(data).items():
        for r in group_vs_rest(des, [y], [valid], codes, labels):
            key = (case + kind, gv, r.group)
            close(r.difference, expected[key + ("difference",)], 1e-8)
            close(r.se, expected[key + ("se",)], 1e-8)
            close(r.t, expected[key + ("t",)], 1e-8)
            assert r.df == expected[key + ("df",)]
            close(r.p, expected[key + ("p",)], 1e-6)
            assert r.estimate - r.rest == pytest.approx(r.difference)


@pytest.mark.parametrize("gv", ["site", "district"])
def test_four_item_indicator_group_vs_rest_equals_svycontrast(data, expected, gv):
    des = designs(data)[""]
    codes, labels = groups(data, gv)
    ys, vs = [], []
    for j in range(1, 5):
        x = data[f"S{j}"].to_numpy(float)
        vs.append(np.isfinite(x) & (x != 9))
        ys.append(np.isin(x, (1, 2)).astype(float))
    for r in group_vs_rest(des, ys, vs, codes, labels):
        key = ("sat:rate", gv, r.group)
        close(r.difference, expected[key + ("difference",)], 1e-8)
        close(r.se, expected[key + ("se",)], 1e-8)
        assert r.df == expected[key + ("df",)]
        close(r.p, expected[key + ("p",)], 1e-6)


@pytest.mark.parametrize("gv", ["site", "district"])
def test_rao_scott_of_group_by_answer_equals_svychisq(data, expected, gv):
    des = designs(data)[""]
    codes, _ = groups(data, gv)
    for case in ("aware:rate", "support:rate"):
        y, valid = single_items(data)[case]
        t = independence_test(des, y, valid, codes)
        close(t["F"], expected[(case, gv, "", "rs_F")], 1e-6)
        close(t["df1"], expected[(case, gv, "", "rs_df1")], 1e-6)
        close(t["df2"], expected[(case, gv, "", "rs_df2")], 1e-6)
        close(t["p"], expected[(case, gv, "", "rs_p")], 1e-6)


def test_group_without_valid_rows_has_no_test(data):
    des = designs(data)[""]
    codes, labels = groups(data, "site")
    y, valid = single_items(data)["aware:rate"]
    r = group_vs_rest(des, [y], [valid & (codes != 0)], codes, labels)
    assert r[0].estimate is None and r[0].p is None and r[0].n == 0
    assert r[1].p is not None


def test_hot_issue_korn_graubard_equals_svyciprop_beta(data, expected):
    des = designs(data)[""]
    M = np.column_stack([data[f"M_{j}"].to_numpy(float) for j in range(1, 7)])
    site = Grouping("site", data["site"].to_numpy() - 1, ["1", "2", "3"])
    res = multiple_choice(des, M, list(range(1, 7)), [f"M_{j}" for j in range(1, 7)], groupings=[site],
                          ci_method="clopper-pearson")
    for o in res.options:
        e = o.stats["respondents"]
        key = (f"M_{o.code}:kg", "", "")
        close(float(e.estimate[0]), expected[key + ("estimate",)], 1e-8)
        close(float(e.ci_low[0]), expected[key + ("ci_low",)], 1e-6)
        close(float(e.ci_high[0]), expected[key + ("ci_high",)], 1e-6)
        for gi, (g, lab) in enumerate(res.groups):
            if g == "site":
                key = (f"M_{o.code}:kg", "site", lab)
                close(float(e.ci_low[gi]), expected[key + ("ci_low",)], 1e-6)
                close(float(e.ci_high[gi]), expected[key + ("ci_high",)], 1e-6)
        asked = np.isfinite(M).any(axis=1)
        t = independence_test(des, (M[:, o.code - 1] == 1).astype(float), asked, data["site"].to_numpy() - 1)
        close(t["p"], expected[(f"M_{o.code}:kg", "site", "", "rs_p")], 1e-6)


def test_korn_graubard_at_zero_successes_stays_in_range(data):
    des = designs(data)[""]
    zero = np.zeros(len(data))
    res = multiple_choice(des, zero[:, None], [1], ["never"], ci_method="clopper-pearson")
    e = res.options[0].stats["respondents"]
    assert float(e.estimate[0]) == 0.0 and float(e.ci_low[0]) == 0.0
    assert 0.0 < float(e.ci_high[0]) < 0.05

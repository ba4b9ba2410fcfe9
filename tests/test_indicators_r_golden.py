"""Civic indicators, multiple choice, ranking and importance against R's survey package.

Expected values: tests/golden/r_indicators_expected.csv, written by tests/golden/r_indicators.R
(svyciprop, svymean, svyby, svycontrast, svyratio, svyvar) on tests/golden/r_indicators_data.csv,
a stratified cluster sample with weights.  Point estimates and SEs to 1e-8 relative, interval
bounds to 1e-6.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.indicators import AreaSpec, Grouping, ItemSpec, compute_indicators
from analysis.ipa import importance_performance
from analysis.multiple import multiple_choice, ranking_scores

GOLD = Path(__file__).parent / "golden"
SCORES = {1: 100.0, 2: 80.0, 3: 60.0, 4: 40.0, 5: 20.0}
TARGETS = {"aware": 0.8, "support": 0.7, "S1": 0.5, "S2": 0.5, "S3": 0.5, "S4": 0.5}
VERDICTS = {1: "达标", 2: "未达标", 3: "无显著差异"}
EST_TOL = 1e-8
CI_TOL = 1e-6


@pytest.fixture(scope="module")
def data():
    return pd.read_csv(GOLD / "r_indicators_data.csv")


@pytest.fixture(scope="module")
def expected():
    e = pd.read_csv(GOLD / "r_indicators_expected.csv", keep_default_na=False, dtype={"group": str, "by": str})
    e["value"] = e["value"].astype(float)
    return {(r.case, r.by, r.group, r.quantity): r.value for r in e.itertuples()}


@pytest.fixture(scope="module")
def design(data):
    return Design.from_frame(data, weights="w", strata="st", psu="psu")


def groupings(data):
    return [Grouping("site", data["site"].to_numpy() - 1, ["1", "2", "3"]),
            Grouping("district", data["district"].to_numpy() - 1, ["1", "2", "3", "4"])]


def specs():
    items = [ItemSpec("aware", "aware", "aware", "awareness", (1,), (), None, target=TARGETS["aware"]),
             ItemSpec("support", "support", "support", "support", (1,), (9,), None, target=TARGETS["support"])]
    for j in range(1, 5):
        items.append(ItemSpec(f"S{j}", f"S{j}", "sat", "satisfaction", (1, 2), (9,), SCORES,
                              area="a1" if j <= 2 else "a2", target=TARGETS[f"S{j}"]))
    return items, [AreaSpec("a1", "A1", 0.6), AreaSpec("a2", "A2", 0.4)]


def _cols(data):
    return {c: data[c].to_numpy(float) for c in ("aware", "support", "S1", "S2", "S3", "S4")}


def _close(got, exp, tol):
    assert got == pytest.approx(exp, rel=tol, abs=tol * 1e-3), (got, exp)


def _check(stat, expected, case, by, group, ci=True):
    _close(stat.estimate, expected[(case, by, group, "estimate")], EST_TOL)
    _close(stat.se, expected[(case, by, group, "se")], EST_TOL)
    if ci:
        _close(stat.ci_low, expected[(case, by, group, "ci_low")], CI_TOL)
        _close(stat.ci_high, expected[(case, by, group, "ci_high")], CI_TOL)


@pytest.mark.parametrize("na_policy,tag", [("excluded", "exclude"), ("unsatisfied", "unsatisfied")])
def test_item_rates_overall_and_by_group(data, design, expected, na_policy, tag):
    items, areas = specs()
    res = compute_indicators(design, _cols(data), items, areas, groupings(data), na_policy=na_policy)
    checked = 0
    for it in items:
        case = f"{it.key}:rate:{tag}"
        for gi, (by, group) in enumerate(res.groups):
            key = (by or "", group or "")
            if (case, *key, "estimate") not in expected:
                continue
            _check(res.items[it.key]["rate"][gi], expected, case, *key)
            checked += 1
        st = res.items[it.key]["rate"][0]
        assert st.n == expected[(case, "", "", "n")]
        assert st.df == expected[(case, "", "", "df")]
        assert st.n_na == expected[(case, "", "", "n_na")]
        assert st.verdict == VERDICTS[int(expected[(case, "", "", "verdict_code")])]
        x = data[it.key].to_numpy(float)
        assert st.share_na == pytest.approx(st.n_na / np.isfinite(x).sum(), rel=1e-12)
    assert checked == len(items) * 8


def test_item_indexes_with_deff(data, design, expected):
    items, areas = specs()
    res = compute_indicators(design, _cols(data), items, areas, groupings(data))
    for it in items[2:]:
        for gi, (by, group) in enumerate(res.groups):
            key = (by or "", group or "")
            st = res.items[it.key]["index"][gi]
            _check(st, expected, f"{it.key}:index", *key)
            _close(st.deff, expected[(f"{it.key}:index", *key, "deff")], EST_TOL)


def test_areas_indicator_and_composite_are_svycontrasts(data, design, expected):
    """Area, indicator and composite = svycontrast of the joint domain means (joint linearisation)."""
    items, areas = specs()
    res = compute_indicators(design, _cols(data), items, areas, groupings(data))
    n = 0
    for gi, (by, group) in enumerate(res.groups):
        key = (by or "", group or "")
        for m in ("rate", "index"):
            _check(res.areas["a1"][m][gi], expected, f"a1:{m}", *key)
            _check(res.areas["a2"][m][gi], expected, f"a2:{m}", *key)
            _check(res.indicators["sat"][m][gi], expected, f"sat:{m}", *key)
        _check(res.composite[gi], expected, "composite:index", *key)
        n += 1
    assert n == 8


def test_multiple_choice_respondents_and_mentions(data, design, expected):
    cols = [f"M_{j}" for j in range(1, 7)]
    M = data[cols].to_numpy(float)
    g = groupings(data)[:1]
    res = multiple_choice(design, M, list(range(1, 7)), cols, groupings=g)
    for o in res.options:
        for gi, (by, group) in enumerate(res.groups):
            key = (by or "", group or "")
            _check(o.stats["respondents"][gi], expected, f"M_{o.code}:respondents", *key)
            _check(o.stats["mentions"][gi], expected, f"M_{o.code}:mentions", *key, ci=not by)
    # shares of mentions add up to one
    assert sum(o.stats["mentions"][0].estimate for o in res.options) == pytest.approx(1.0, abs=1e-12)


def test_ranking_first_choice_and_borda(data, design, expected):
    cols = [f"R_{j}" for j in range(1, 6)]
    res = ranking_scores(design, data[cols].to_numpy(float), list(range(1, 6)), cols, k=3)
    for o in res.options:
        _check(o.stats["first_choice"][0], expected, f"R_{o.code}:first", "", "")
        _check(o.stats["borda"][0], expected, f"R_{o.code}:borda", "", "")


def test_importance_is_svyvar_correlation(data, design, expected):
    score = lambda s: s.map(SCORES).to_numpy(float)  # noqa: E731  (9 and empty → NaN)
    S = np.column_stack([score(data[f"S{j}"]) for j in range(1, 5)])
    out = importance_performance(S, score(data["OV"]), design.weights, ["S1", "S2", "S3", "S4"], [70, 60, 75, 65])
    for o in out:
        _close(o.importance, expected[(f"{o.key}:importance", "", "", "estimate")], EST_TOL)

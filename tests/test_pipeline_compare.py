"""report.pipeline: wave-over-wave changes (independent samples, Welch–Satterthwaite t) and the
district league table (CI-aware ties, small bases).

Expected values: R's survey package (tests/golden/r_designs_expected.csv, cases ``wave_*``: each
wave's svymean and degf, and svycontrast of the waves stacked as separate strata), the
Welch–Satterthwaite formula written out here with scipy's t distribution, and hand-made
league tables whose ties follow from their intervals.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.compare import independent_difference
from report.pipeline import _league, analyze, compare
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = pd.read_csv(GOLDEN / "r_designs_expected.csv", dtype={"value": str})


def _ex(case):
    e = EXPECTED[EXPECTED.case == case]
    return {q: float(v) for q, v in zip(e.quantity, e.value)}


def _result(est, se, df, ind_id="s1"):
    return {"indicators": [{"id": ind_id, "name": "满意率", "rate": {"estimate": est, "se": se, "df": df}}]}


@pytest.mark.parametrize("case", ["strat_clus", "strat_clus_fpc", "clus1"])
@pytest.mark.parametrize("v", ["y", "b"])
def test_change_matches_r_and_welch_satterthwaite(case, v):
    ex = _ex(f"wave_{case}")
    cur = _result(ex[f"wave2_{v}"], ex[f"wave2_{v}_se"], ex["wave2_degf"])
    prev = _result(ex[f"wave1_{v}"], ex[f"wave1_{v}_se"], ex["wave1_degf"])
    (ch,) = compare(cur, prev)
    assert ch["diff"] == pytest.approx(ex[f"diff_{v}"], rel=1e-8)
    assert ch["se"] == pytest.approx(ex[f"diff_{v}_se"], rel=1e-8)
    va, vb = ex[f"wave2_{v}_se"] ** 2, ex[f"wave1_{v}_se"] ** 2
    df = (va + vb) ** 2 / (va**2 / ex["wave2_degf"] + vb**2 / ex["wave1_degf"])
    assert ch["df"] == pytest.approx(df, rel=1e-12)
    t = stats.t.isf(0.025, df)
    assert ch["ci_low"] == pytest.approx(ch["diff"] - t * ch["se"], rel=1e-10)
    assert ch["ci_high"] == pytest.approx(ch["diff"] + t * ch["se"], rel=1e-10)
    assert ch["p"] == pytest.approx(2 * stats.t.sf(abs(ch["diff"]) / ch["se"], df), rel=1e-9)
    assert ch["significant"] == (ch["ci_low"] > 0 or ch["ci_high"] < 0)
    assert ch["arrow"] == ("↑" if ch["ci_low"] > 0 else "↓" if ch["ci_high"] < 0 else "→")


def test_change_t_is_wider_than_normal_with_few_psus():
    # 4 and 5 design df: a difference the normal calls significant (|z| = 2.2) is not under t
    (ch,) = compare(_result(0.62, 0.03, 4.0), _result(0.52, np.hypot(0.03, 0.0) * 1.1, 5.0))
    z = ch["diff"] / ch["se"]
    assert abs(z) > stats.norm.isf(0.025) and ch["p"] > 0.05 and not ch["significant"] and ch["arrow"] == "→"
    # infinite df on both sides (simple random samples with --df inf): the normal
    (chn,) = compare(_result(0.62, 0.03, "inf"), _result(0.52, 0.033, "inf"))
    assert chn["df"] == "inf" and chn["p"] == pytest.approx(2 * stats.norm.sf(0.1 / np.hypot(0.03, 0.033)), rel=1e-9)


def _wave(q, seed, shift):
    f = simulate(q, 400, seed, shift=shift)
    return analyze(q, f, by=("district",))


@pytest.fixture(scope="module")
def waves():
    q = load_questionnaire(bundled_path())
    return _wave(q, 21, 0.0), _wave(q, 22, 0.3)


def test_pipeline_changes_equal_independent_difference_of_the_waves(waves):
    cur, prev = waves
    changes = compare(cur, prev)
    assert changes
    prev_by_id = {i["id"]: i for i in prev["indicators"]}
    for ch in changes:
        cur_ind = next(i for i in cur["indicators"] if i["id"] == ch["id"])
        a, b = cur_ind[ch["measure"]], prev_by_id[ch["id"]][ch["measure"]]
        d = independent_difference(a, b)
        assert ch["diff"] == pytest.approx(d.estimate, rel=1e-12)
        assert ch["se"] == pytest.approx(d.se, rel=1e-12)
        assert ch["df"] == pytest.approx(d.df, rel=1e-12)
        assert ch["ci_low"] == pytest.approx(d.ci_low, rel=1e-12)
        assert ch["p"] == pytest.approx(d.p, rel=1e-12)
        # every key the renderer and templates read
        for k in ("id", "name", "measure", "current", "previous", "diff", "se", "ci_low", "ci_high", "p",
                  "significant", "arrow"):
            assert k in ch


def test_pipeline_league_ties_follow_the_intervals(waves):
    cur, _ = waves
    lg = cur["league"]
    rows = lg["rows"]
    assert len(rows) >= 3
    assert [r["estimate"] for r in rows] == sorted((r["estimate"] for r in rows), reverse=True)
    by = {r["group"]: r for r in rows}
    for r in rows:
        apart = [o["group"] for o in rows if o is not r and (o["ci_low"] > r["ci_high"] or o["ci_high"] < r["ci_low"])]
        assert set(r["tied_with"]) == {o["group"] for o in rows if o is not r} - set(apart)
        assert r["tied"] == bool(r["tied_with"])
        assert r["rank_best"] == 1 + sum(by[g]["ci_low"] > r["ci_high"] for g in apart)
        assert r["rank_worst"] == len(rows) - sum(by[g]["ci_high"] < r["ci_low"] for g in apart)
        assert r["small_base"] == (r["n"] < 30)
        for k in ("group", "estimate", "ci_low", "ci_high", "n", "rank", "rank_best", "rank_worst", "tied", "se", "df"):
            assert k in r


def test_league_worked_example():
    # A [80, 84] and B [79, 83] overlap; C [70, 72] lies below both; D has n = 12 and overlaps C
    comp = {"by": {"district": [
        {"group": "C", "estimate": 71.0, "se": 0.5, "ci_low": 70.0, "ci_high": 72.0, "n": 100, "df": 20.0},
        {"group": "A", "estimate": 82.0, "se": 1.0, "ci_low": 80.0, "ci_high": 84.0, "n": 100, "df": 20.0},
        {"group": "D", "estimate": 68.0, "se": 2.0, "ci_low": 64.0, "ci_high": 72.0, "n": 12, "df": 3.0},
        {"group": "B", "estimate": 81.0, "se": 1.0, "ci_low": 79.0, "ci_high": 83.0, "n": 100, "df": 20.0},
        {"group": "E", "estimate": None, "se": None, "ci_low": None, "ci_high": None, "n": 0, "df": None}]}}
    lg = _league([], comp, "district")
    rows = {r["group"]: r for r in lg["rows"]}
    assert [r["group"] for r in lg["rows"]] == ["A", "B", "C", "D"]
    assert [rows[g]["rank"] for g in "ABCD"] == [1, 2, 3, 4]
    assert (rows["A"]["rank_best"], rows["A"]["rank_worst"]) == (1, 2) and rows["A"]["tied_with"] == ["B"]
    assert (rows["C"]["rank_best"], rows["C"]["rank_worst"]) == (3, 4) and rows["C"]["tied_with"] == ["D"]
    assert rows["D"]["small_base"] and not rows["A"]["small_base"]
    assert rows["D"]["df"] == 3.0  # the group's own keys are kept
    assert _league([], None, "district") is None

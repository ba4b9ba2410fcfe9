"""Multiple choice, ranking, CI-aware ordering and importance–performance: hand-computed worked
examples and agreement with the R-validated single-domain estimators (R values themselves are
in tests/test_indicators_r_golden.py)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import Design
from analysis.estimators import svyprop, svyratio
from analysis.indicators import Grouping
from analysis.ipa import Q_FOCUS, Q_KEEP, Q_LOW, Q_MAINTAIN, importance_performance, quadrant, weighted_correlation
from analysis.multiple import multiple_choice, rank_options, ranking_scores

NAN = np.nan


def _srs(n):
    return Design.from_frame(pd.DataFrame({"i": np.arange(n)}))


def test_multiple_choice_worked_example():
    # five respondents, the fifth not asked; options A, B, C
    M = np.array([[1, 1, 0], [1, 0, 0], [0, 1, 1], [0, 0, 0], [NAN, NAN, NAN]])
    res = multiple_choice(_srs(5), M, [1, 2, 3], ["A", "B", "C"])
    resp = [o.stats["respondents"][0].estimate for o in res.options]
    ment = [o.stats["mentions"][0].estimate for o in res.options]
    assert resp == pytest.approx([2 / 4, 2 / 4, 1 / 4])  # % of the 4 respondents asked
    assert ment == pytest.approx([2 / 5, 2 / 5, 1 / 5])  # % of the 5 mentions
    assert res.n_asked[0] == 4
    assert res.mean_mentions[0] == pytest.approx(5 / 4)


def test_ranking_worked_example():
    # k = 3; r1 ranks A,B,C = 1,2,3; r2 ranks B first, A second; r3 not asked
    R = np.array([[1, 2, 3], [2, 1, NAN], [NAN, NAN, NAN]])
    res = ranking_scores(_srs(3), R, [1, 2, 3], ["A", "B", "C"], k=3)
    first = [o.stats["first_choice"][0].estimate for o in res.options]
    borda = [o.stats["borda"][0].estimate for o in res.options]
    assert first == pytest.approx([0.5, 0.5, 0.0])
    assert borda == pytest.approx([(3 + 2) / 2, (2 + 3) / 2, (1 + 0) / 2])
    assert res.n_asked[0] == 2


def test_by_group_equals_subset_svyprop_and_svyratio():
    rng = np.random.default_rng(3)
    n = 500
    d = pd.DataFrame({"st": rng.integers(0, 3, n), "w": rng.uniform(1, 4, n), "g": rng.integers(0, 3, n)})
    d["psu"] = d.st.astype(str) + "-" + (np.arange(n) // 10).astype(str)
    des = Design.from_frame(d, weights="w", strata="st", psu="psu")
    M = (rng.random((n, 4)) < [0.5, 0.3, 0.2, 0.1]).astype(float)
    M[rng.random(n) < 0.1] = NAN
    asked = np.isfinite(M).any(axis=1)
    mentions = np.nansum(M, axis=1)
    res = multiple_choice(des, M, [1, 2, 3, 4], list("abcd"), groupings=[Grouping("g", d.g.to_numpy(), ["0", "1", "2"])])
    for gi in range(1, 4):
        sub = des.subset((d.g == gi - 1).to_numpy())
        for j, o in enumerate(res.options):
            hit = np.nan_to_num(M[:, j])
            p = svyprop(sub, hit > 0, valid=asked)
            r = svyratio(sub, hit, mentions, valid=asked)
            got_p, got_r = o.stats["respondents"][gi], o.stats["mentions"][gi]
            assert got_p.estimate == pytest.approx(p.estimate, rel=1e-12)
            assert got_p.se == pytest.approx(p.se, rel=1e-10)
            assert got_p.ci_low == pytest.approx(p.ci_low, rel=1e-10)
            assert got_r.estimate == pytest.approx(r.estimate, rel=1e-12)
            assert got_r.se == pytest.approx(r.se, rel=1e-10)
            assert got_r.deff == pytest.approx(r.deff, rel=1e-9)
            assert got_r.df == r.df


def test_rank_options_ties_and_rank_ranges():
    est = [0.30, 0.50, 0.28, 0.10]
    lo = [0.25, 0.45, 0.22, 0.05]
    hi = [0.35, 0.55, 0.33, 0.15]
    out = rank_options(est, lo, hi)
    assert [o["index"] for o in out] == [1, 0, 2, 3]
    by = {o["index"]: o for o in out}
    assert not by[1]["tie"] and (by[1]["rank_best"], by[1]["rank_worst"]) == (1, 1)
    assert by[0]["tie"] and by[2]["tie"] and by[0]["tied_with"] == [2]
    assert (by[0]["rank_best"], by[0]["rank_worst"]) == (2, 3)
    assert (by[2]["rank_best"], by[2]["rank_worst"]) == (2, 3)
    assert not by[3]["tie"] and (by[3]["rank_best"], by[3]["rank_worst"]) == (4, 4)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 0.2)), min_size=1, max_size=12))
def test_rank_ranges_contain_the_rank(rows):
    est = [e for e, _ in rows]
    out = rank_options(est, [e - h for e, h in rows], [e + h for e, h in rows])
    assert sorted(o["rank"] for o in out) == list(range(1, len(rows) + 1))
    for o in out:
        assert o["rank_best"] <= o["rank"] <= o["rank_worst"]
        # every other option is entirely above, entirely below, or overlapping
        assert o["rank_worst"] - o["rank_best"] == len(o["tied_with"])
        assert not o["tie"] or o["tied_with"]


def test_weighted_correlation_equals_replicated_data():
    x = np.array([1.0, 2.0, 4.0, 3.0, 5.0, NAN])
    y = np.array([2.0, 1.0, 5.0, 4.0, 4.0, 3.0])
    w = np.array([2.0, 1.0, 3.0, 1.0, 2.0, 1.0])
    r, n = weighted_correlation(x, y, w)
    rep = np.repeat(np.arange(5), w[:5].astype(int))
    assert r == pytest.approx(np.corrcoef(x[rep], y[rep])[0, 1], rel=1e-12)
    assert n == 5


def test_quadrants_worked_example():
    assert quadrant(0.6, 80, 0.5, 70) == Q_KEEP
    assert quadrant(0.6, 60, 0.5, 70) == Q_FOCUS
    assert quadrant(0.4, 60, 0.5, 70) == Q_LOW
    assert quadrant(0.4, 80, 0.5, 70) == Q_MAINTAIN
    assert quadrant(NAN, 80, 0.5, 70) is None
    # two items perfectly tied to overall, two unrelated; cut points are the item means
    rng = np.random.default_rng(1)
    ov = rng.normal(size=200)
    S = np.column_stack([ov, ov * 2 + 1, rng.normal(size=200), rng.normal(size=200)])
    out = importance_performance(S, ov, np.ones(200), ["a", "b", "c", "d"], [60, 80, 60, 80])
    assert [o.quadrant for o in out] == [Q_FOCUS, Q_KEEP, Q_LOW, Q_MAINTAIN]
    assert out[0].importance == pytest.approx(1.0)


@pytest.mark.parametrize("weighted", [False, True])
def test_single_choice_with_the_callers_counts_is_the_same(weighted):
    """single_choice given the rows per code the caller counted (the question tables do) gives the same
    shares and intervals as counting them itself; weighted samples count their weights as before; and
    equals svyprop of each option."""
    from analysis.domains import code_values, stretch_counts
    from analysis.multiple import single_choice

    rng = np.random.default_rng(21)
    n = 400
    x = rng.choice([1.0, 2.0, 3.0, np.nan], n)
    df = pd.DataFrame({"w": rng.uniform(0.5, 3, n) if weighted else np.ones(n)})
    des = Design.from_frame(df, weights="w")
    coded = code_values(x)
    counts = stretch_counts(coded[0], len(coded[1]))[0]
    a = single_choice(des, None, [1, 2, 3], ["a", "b", "c"], coded=coded)
    b = single_choice(des, None, [1, 2, 3], ["a", "b", "c"], coded=coded, counts=counts)
    for ra, rb, c in zip(a.options, b.options, [1, 2, 3]):
        ea, eb = ra.stats["respondents"][0], rb.stats["respondents"][0]
        assert (ea.estimate, ea.se, ea.ci_low, ea.ci_high, ea.n) == (eb.estimate, eb.se, eb.ci_low, eb.ci_high, eb.n)
        ok = np.isfinite(x)
        ref = svyprop(des, (x == c).astype(float), valid=ok)
        assert float(ea.estimate) == pytest.approx(float(ref.estimate), rel=1e-12)


def test_weighted_correlation_of_int16_codes_equals_int64_codes():
    """The coded correlation keys a small table in the codes' own int16 (as code_values makes them): the
    same r and n as int64 codes, and as numpy's correlation of the rows' scores (every weight 1)."""
    from analysis.domains import code_values
    from analysis.ipa import weighted_correlation_coded

    rng = np.random.default_rng(9)
    x = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, NAN], 5000)
    y = np.clip(x + rng.choice([-1.0, 0.0, 1.0], 5000), 1, 5)
    y[rng.random(5000) < 0.05] = NAN
    cx, vx = code_values(x)
    cy, vy = code_values(y)
    assert cx.dtype == np.int16 and cy.dtype == np.int16
    a = weighted_correlation_coded(cx, vx, cy, vy, None)
    b = weighted_correlation_coded(cx.astype(np.int64), vx, cy.astype(np.int64), vy, None)
    assert a == b
    ok = np.isfinite(x) & np.isfinite(y)
    assert a[1] == int(ok.sum()) and a[0] == pytest.approx(np.corrcoef(x[ok], y[ok])[0, 1], rel=1e-12)

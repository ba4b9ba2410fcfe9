"""Civic indicators: item rates/indexes equal the R-validated domain estimators; aggregates'
SEs equal an explicit joint linearisation; verdicts; NA handling."""

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.estimators import svymean, svyprop
from analysis.indicators import (AreaSpec, Grouping, ItemSpec, compute_indicators, verdict)

SCORES = {1: 100.0, 2: 80.0, 3: 60.0, 4: 40.0, 5: 20.0}


def make(n=600, seed=5):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({
        "st": rng.integers(0, 3, n), "w": rng.uniform(1, 5, n),
        "site": rng.integers(0, 3, n), "dist": rng.integers(0, 4, n),
    })
    d["psu"] = d.st.astype(str) + "-" + (np.arange(n) // 6).astype(str)
    lat = rng.normal(size=n)
    for j in range(4):
        x = np.clip(np.round(3 - lat - rng.normal(size=n)), 1, 5)
        x[rng.random(n) < 0.06] = 9  # 不了解
        x[rng.random(n) < 0.03] = np.nan  # not answered
        d[f"M_r{j + 1}"] = x
    d["aware"] = np.where(rng.random(n) < 0.85, 1.0, 2.0)
    return d


def specs():
    items = [ItemSpec(f"M_r{j + 1}", f"row{j + 1}", "sat_m", "satisfaction", (1, 2), (9,), SCORES,
                      area="a1" if j < 2 else "a2", target=0.6, index_target=70.0) for j in range(4)]
    items.append(ItemSpec("aware", "aware", "aware", "awareness", (1,), (), None, None, 0.8))
    return items, [AreaSpec("a1", "A1", 0.6), AreaSpec("a2", "A2", 0.4)]


@pytest.mark.parametrize("design_kw", [dict(weights="w"), dict(weights="w", strata="st", psu="psu")])
def test_items_equal_domain_estimators(design_kw):
    d = make()
    des = Design.from_frame(d, **design_kw)
    items, areas = specs()
    groupings = [Grouping("site", d.site.to_numpy(), ["s0", "s1", "s2"]),
                 Grouping("dist", d.dist.to_numpy(), ["d0", "d1", "d2", "d3"])]
    res = compute_indicators(des, {c: d[c].to_numpy(float) for c in d.columns if c.startswith(("M_", "aware"))},
                             items, areas, groupings)
    masks = [np.ones(len(d), bool)] + [(d.site == i).to_numpy() for i in range(3)] + [(d.dist == i).to_numpy() for i in range(4)]
    for it in items:
        x = d[it.key].to_numpy(float)
        valid = np.isfinite(x) & (x != 9)
        for g, m in enumerate(masks):
            sub = des.subset(m)
            ref = svyprop(sub, np.isin(x, it.positive), valid=valid, ci_method="logit")
            got = res.items[it.key]["rate"][g]
            assert got.estimate == pytest.approx(ref.estimate, rel=1e-12)
            assert got.se == pytest.approx(ref.se, rel=1e-9)
            assert got.ci_low == pytest.approx(ref.ci_low, rel=1e-9)
            assert got.df == ref.df and got.n == ref.n
            if it.scores:
                y = np.array([it.scores.get(v, np.nan) if np.isfinite(v) else np.nan for v in x])
                refm = svymean(sub, y, valid=valid)
                gi = res.items[it.key]["index"][g]
                assert gi.estimate == pytest.approx(refm.estimate, rel=1e-12)
                assert gi.se == pytest.approx(refm.se, rel=1e-9)
                assert gi.deff == pytest.approx(refm.deff, rel=1e-9)


def _influence(des, y, valid):
    w = np.where(valid, des.weights, 0.0)
    W = w.sum()
    m = (w * np.where(valid, y, 0)).sum() / W
    return m, np.where(valid, w * (y - m) / W, 0.0)


@pytest.mark.parametrize("design_kw", [dict(weights="w"), dict(weights="w", strata="st", psu="psu")])
def test_area_and_composite_se_equal_joint_linearisation(design_kw):
    d = make()
    des = Design.from_frame(d, **design_kw)
    items, areas = specs()
    res = compute_indicators(des, {c: d[c].to_numpy(float) for c in d.columns if c.startswith(("M_", "aware"))},
                             items, areas)
    zs, ms = {}, {}
    for it in items[:4]:
        x = d[it.key].to_numpy(float)
        valid = np.isfinite(x) & (x != 9)
        y = np.array([SCORES.get(v, 0.0) if np.isfinite(v) else 0.0 for v in x])
        ms[it.key], zs[it.key] = _influence(des, y, valid)
    a1 = (ms["M_r1"] + ms["M_r2"]) / 2
    z1 = (zs["M_r1"] + zs["M_r2"]) / 2
    a2 = (ms["M_r3"] + ms["M_r4"]) / 2
    z2 = (zs["M_r3"] + zs["M_r4"]) / 2
    assert res.areas["a1"]["index"][0].estimate == pytest.approx(a1, rel=1e-12)
    assert res.areas["a1"]["index"][0].se == pytest.approx(np.sqrt(des.variance(z1)[0, 0]), rel=1e-9)
    comp = 0.6 * a1 + 0.4 * a2
    zc = 0.6 * z1 + 0.4 * z2
    assert res.composite[0].estimate == pytest.approx(comp, rel=1e-12)
    assert res.composite[0].se == pytest.approx(np.sqrt(des.variance(zc)[0, 0]), rel=1e-9)
    # the matrix indicator is the mean of its four items
    allz = sum(zs.values()) / 4
    assert res.indicators["sat_m"]["index"][0].se == pytest.approx(np.sqrt(des.variance(allz)[0, 0]), rel=1e-9)


def test_na_policy_and_shares():
    d = make()
    des = Design.from_frame(d, weights="w")
    items, areas = specs()
    cols = {c: d[c].to_numpy(float) for c in d.columns if c.startswith(("M_", "aware"))}
    ex = compute_indicators(des, cols, items, areas)
    neg = compute_indicators(des, cols, items, areas, na_policy="count_negative")
    x = d["M_r1"].to_numpy(float)
    answered = np.isfinite(x)
    assert ex.items["M_r1"]["rate"][0].n == int((answered & (x != 9)).sum())
    assert neg.items["M_r1"]["rate"][0].n == int(answered.sum())
    assert ex.items["M_r1"]["rate"][0].share_na == pytest.approx((x == 9).sum() / answered.sum())
    assert neg.items["M_r1"]["rate"][0].estimate < ex.items["M_r1"]["rate"][0].estimate


def test_verdict():
    assert verdict(0.91, 0.95, 0.9) == "达标"
    assert verdict(0.80, 0.89, 0.9) == "未达标"
    assert verdict(0.88, 0.92, 0.9) == "无显著差异"
    assert verdict(0.88, 0.92, None) is None


@pytest.mark.parametrize("design_kw", [dict(weights="w"), dict(weights="w", strata="st", psu="psu")])
def test_subset_by_group_and_ratio_routes_give_the_same_se(design_kw):
    """A domain indicator three ways: the engine by group, Design.subset + svymean/svyprop, and the
    ratio estimator Σw·y·1{domain} / Σw·1{domain} on the full design (R svyratio) — same SE."""
    from analysis.estimators import svyratio

    d = make()
    des = Design.from_frame(d, **design_kw)
    items, areas = specs()
    g = Grouping("site", d.site.to_numpy(), ["s0", "s1", "s2"])
    res = compute_indicators(des, {c: d[c].to_numpy(float) for c in d.columns if c.startswith(("M_", "aware"))},
                             items, areas, [g])
    x = d["M_r2"].to_numpy(float)
    valid = np.isfinite(x) & (x != 9)
    hit = np.isin(x, (1, 2)).astype(float)
    score = np.array([SCORES.get(v, 0.0) if np.isfinite(v) else 0.0 for v in x])
    for s in range(3):
        dom = (d.site == s).to_numpy() & valid
        by_engine = res.items["M_r2"]["rate"][1 + s]
        by_subset = svyprop(des.subset((d.site == s).to_numpy()), hit, valid=valid)
        by_ratio = svyratio(des, hit * dom, dom.astype(float))
        assert by_engine.estimate == pytest.approx(by_ratio.estimate, rel=1e-12)
        assert by_engine.se == pytest.approx(by_subset.se, rel=1e-10)
        assert by_engine.se == pytest.approx(by_ratio.se, rel=1e-10)
        idx_engine = res.items["M_r2"]["index"][1 + s]
        idx_subset = svymean(des.subset((d.site == s).to_numpy()), score, valid=valid)
        idx_ratio = svyratio(des, score * dom, dom.astype(float))
        assert idx_engine.estimate == pytest.approx(idx_ratio.estimate, rel=1e-12)
        assert idx_engine.se == pytest.approx(idx_subset.se, rel=1e-10)
        assert idx_engine.se == pytest.approx(idx_ratio.se, rel=1e-10)


def test_na_policy_aliases_and_unknown():
    from analysis.design import DesignError
    from analysis.indicators import normalize_na_policy

    assert normalize_na_policy("excluded") == normalize_na_policy("exclude") == "exclude"
    assert normalize_na_policy("unsatisfied") == normalize_na_policy("count_negative") == "count_negative"
    with pytest.raises(DesignError, match="excluded or unsatisfied"):
        normalize_na_policy("drop")


def test_aggregate_base_and_share_excluded():
    """An area's n is the respondents valid for at least one of its items; share_na pools its items."""
    d = make()
    des = Design.from_frame(d, weights="w")
    items, areas = specs()
    res = compute_indicators(des, {c: d[c].to_numpy(float) for c in d.columns if c.startswith(("M_", "aware"))},
                             items, areas)
    x1, x2 = d["M_r1"].to_numpy(float), d["M_r2"].to_numpy(float)
    v1, v2 = np.isfinite(x1) & (x1 != 9), np.isfinite(x2) & (x2 != 9)
    a1 = res.areas["a1"]["index"][0]
    assert a1.n == int((v1 | v2).sum())
    assert a1.n_na == int((x1 == 9).sum() + (x2 == 9).sum())
    assert a1.share_na == pytest.approx(a1.n_na / (np.isfinite(x1).sum() + np.isfinite(x2).sum()), rel=1e-12)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.01, 100), clustered=st.booleans())
def test_properties_scale_invariance_and_coded_equals_rows(seed, scale, clustered):
    """Rescaling the weights changes nothing; the collapsed (coded) engine equals the row engine."""
    from analysis.domains import code_values, make_engine

    d = make(n=200, seed=seed)
    kw = dict(strata="st", psu="psu") if clustered else {}
    des = Design.from_frame(d, weights="w", **kw)
    des2 = Design.from_frame(d.assign(w=d.w * scale), weights="w", **kw)
    items, areas = specs()
    cols = {c: d[c].to_numpy(float) for c in d.columns if c.startswith(("M_", "aware"))}
    g = [Grouping("site", d.site.to_numpy(), ["s0", "s1", "s2"])]
    a = compute_indicators(des, cols, items, areas, g)
    b = compute_indicators(des2, cols, items, areas, g)
    for x, y in zip(list(a.composite) + list(a.items["M_r1"]["rate"]), list(b.composite) + list(b.items["M_r1"]["rate"])):
        assert y.estimate == pytest.approx(x.estimate, rel=1e-9)
        assert y.se == pytest.approx(x.se, rel=1e-7)
    eng = make_engine(des, [(d.site.to_numpy(), 3)])
    x = d["M_r3"].to_numpy(float)
    codes, vals = code_values(x)
    valid_c = (np.isfinite(vals) & (vals != 9)).astype(float)
    y_c = np.nan_to_num(np.array([SCORES.get(v, 0.0) for v in vals.tolist()]))
    coded, _, _ = eng.estimate(eng.tabulate(codes, len(vals)), valid_c, y_c)
    rows = eng.means(y_c[codes], valid_c[codes] > 0)
    np.testing.assert_allclose(coded.estimate, rows.estimate, rtol=1e-12)
    np.testing.assert_allclose(coded.se, rows.se, rtol=1e-9)
    np.testing.assert_allclose(coded.deff, rows.deff, rtol=1e-9)
    np.testing.assert_array_equal(coded.df, rows.df)
    np.testing.assert_array_equal(coded.n, rows.n)


def test_constant_item_is_exact():
    d = make()
    d["M_r1"] = 2.0  # everyone "满意": rate 1, index 80, no variance
    des = Design.from_frame(d, weights="w", strata="st", psu="psu")
    items, areas = specs()
    res = compute_indicators(des, {c: d[c].to_numpy(float) for c in d.columns if c.startswith(("M_", "aware"))},
                             items, areas)
    assert res.items["M_r1"]["rate"][0].estimate == 1.0
    assert res.items["M_r1"]["index"][0].estimate == 80.0
    assert res.items["M_r1"]["index"][0].se == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("design_kw", [dict(weights="w"), dict(weights="w", strata="st", psu="psu")])
def test_an_area_of_one_indicator_has_its_estimates_and_its_own_target(design_kw):
    """One indicator per area (the bundled questionnaires): the area's estimate, SE, n and df are the
    indicator's (computed once), its target is the area's, and the composite still equals the joint
    linearisation of the areas."""
    d = make()
    des = Design.from_frame(d, **design_kw)
    items = [ItemSpec(f"M_r{j + 1}", f"row{j + 1}", "sat_a" if j < 2 else "sat_b", "satisfaction", (1, 2), (9,),
                      SCORES, area="a1" if j < 2 else "a2", target=0.6, index_target=70.0) for j in range(4)]
    areas = [AreaSpec("a1", "A1", 0.6), AreaSpec("a2", "A2", 0.4)]
    g = [Grouping("site", d.site.to_numpy(), ["s0", "s1", "s2"])]
    res = compute_indicators(des, {c: d[c].to_numpy(float) for c in d.columns if c.startswith("M_")}, items, areas, g)
    for ind, area in (("sat_a", "a1"), ("sat_b", "a2")):
        for m in ("rate", "index"):
            a, i = res.areas[area][m], res.indicators[ind][m]
            assert np.array_equal(a.estimate, i.estimate) and np.array_equal(a.se, i.se)
            assert np.array_equal(a.n, i.n) and np.array_equal(a.df, i.df)
            assert a.extra["target"] is None and i.extra["target"] == (0.6 if m == "rate" else 70.0)
            assert a.estimate is not i.estimate
    zs, ms = {}, {}
    for it in items:
        x = d[it.key].to_numpy(float)
        valid = np.isfinite(x) & (x != 9)
        y = np.array([SCORES.get(v, 0.0) if np.isfinite(v) else 0.0 for v in x])
        ms[it.key], zs[it.key] = _influence(des, y, valid)
    z1 = (zs["M_r1"] + zs["M_r2"]) / 2
    z2 = (zs["M_r3"] + zs["M_r4"]) / 2
    assert res.areas["a1"]["index"][0].se == pytest.approx(np.sqrt(des.variance(z1)[0, 0]), rel=1e-9)
    comp = 0.6 * (ms["M_r1"] + ms["M_r2"]) / 2 + 0.4 * (ms["M_r3"] + ms["M_r4"]) / 2
    assert res.composite[0].estimate == pytest.approx(comp, rel=1e-12)
    assert res.composite[0].se == pytest.approx(np.sqrt(des.variance(0.6 * z1 + 0.4 * z2)[0, 0]), rel=1e-9)

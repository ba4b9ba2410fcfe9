"""Weighting: margin validation errors, convergence report, properties (hypothesis), the `survey weight` command.

Agreement with R's rake/postStratify/trimWeights is in test_weighting_r_golden.py.
"""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cli
from analysis import Design
from analysis.estimators import svymean
from analysis.weighting import (WeightingError, kish_n_eff, poststratify, rake, trim_weights,
                                weighting_efficiency)

TIGHT = dict(maxit=1000, epsilon=1e-10)  # epsilon < 1: a fraction of the input weight total (R)


@pytest.fixture
def small():
    d = pd.DataFrame({
        "sex": ["男", "女", "女", "男", "女", "女", "男", "女"],
        "age": [1, 2, 3, 1, 2, 3, 3, 1],
        "w": [1.0, 2.0, 1.5, 1.0, 0.5, 2.0, 1.0, 1.0],
        "y": [3.0, 5.0, 4.0, 2.0, 5.0, 1.0, 4.0, 3.0],
    })
    return d, Design.from_frame(d, weights="w")


# ----------------------------------------------------------------------------- hand-checked values
def test_poststratify_by_hand(small):
    d, des = small
    # 男 rows weights 1+1+1 = 3 → 600: factor 200; 女 rows 2+1.5+0.5+2+1 = 7 → 1400: factor 200
    new, rep = poststratify(des, {"sex": {"男": 600, "女": 1400}})
    np.testing.assert_allclose(new.weights, d.w * 200, rtol=1e-15)
    assert rep.converged and rep.sum_weights == pytest.approx(2000)
    assert des.weights.sum() == pytest.approx(10.0)  # the input design is unchanged


def test_kish_by_hand():
    assert kish_n_eff([1, 1, 1, 1]) == pytest.approx(4)
    # (1+3)² / (1+9) = 1.6; efficiency 1.6/2
    assert kish_n_eff([1, 3]) == pytest.approx(1.6)
    assert weighting_efficiency([1, 3, 0]) == pytest.approx(0.8)


def test_trim_weights_by_hand():
    des = Design.from_frame(pd.DataFrame({"x": range(4)}), weights=np.array([1.0, 1.0, 2.0, 8.0]))
    # upper 4: 8 → 4, the 4 trimmed are shared equally by the three others: 1+4/3, 1+4/3, 2+4/3
    out = trim_weights(des, upper=4).weights
    np.testing.assert_allclose(out, [1 + 4 / 3, 1 + 4 / 3, 2 + 4 / 3, 4])
    assert out.sum() == pytest.approx(12)


def test_rake_report(small):
    d, des = small
    new, rep = rake(des, {"sex": {"男": 900, "女": 1100}, "age": {"1": 700, "2": 500, "3": 800}}, **TIGHT)
    assert rep.converged and rep.iterations > 1 and rep.max_change < rep.epsilon
    assert rep.kish_n_eff == pytest.approx(kish_n_eff(new.weights))
    assert rep.deff_weighting == pytest.approx(8 / rep.kish_n_eff)
    assert rep.max_ratio == pytest.approx(new.weights.max() / new.weights.mean())
    by = {(m["variable"], m["category"]): m for m in rep.margins}
    assert by[("age", "3")]["weighted_after"] == pytest.approx(800, rel=1e-9)
    assert by[("sex", "男")]["n"] == 3 and by[("sex", "男")]["weighted_before"] == pytest.approx(3)
    # categories are listed in the margin's order
    assert [m["category"] for m in rep.margins if m["variable"] == "age"] == ["1", "2", "3"]


def test_not_converged_flag(small):
    d, des = small
    _, rep = rake(des, {"sex": {"男": 900, "女": 1100}, "age": {"1": 700, "2": 500, "3": 800}}, maxit=1,
                  epsilon=1e-13)
    assert not rep.converged and rep.iterations == 1


# ----------------------------------------------------------------------------- refusals
def test_category_absent_from_sample_names_variable_and_category(small):
    d, des = small
    with pytest.raises(WeightingError) as e:
        poststratify(des, {"sex": {"男": 1, "女": 1, "其他": 1}})
    assert e.value.variable == "sex" and e.value.categories == ["其他"] and "'其他'" in str(e.value)
    assert e.value.kind == "not-in-sample"


def test_sample_category_absent_from_margin(small):
    d, des = small
    with pytest.raises(WeightingError) as e:
        rake(des, {"age": {"1": 1, "2": 1, "4": 1}})
    assert e.value.kind == "not-in-sample"  # '4' is not in the sample, '3' is not in the margin: both named
    assert set(e.value.categories) == {"4", "3"} and "'3' (3 rows)" in str(e.value)
    assert e.value.candidates["4"] == ["3"]


@pytest.mark.parametrize("margins,match", [
    ({"sex": {"男": 0, "女": 1}}, "population 0"),
    ({"sex": {"男": 0.5, "女": 0.4}}, "add up to 0.9"),
    ({"sex": {"男": -1, "女": 3}}, "not a non-negative number"),
    ({"sex": {"男": "many", "女": 3}}, "not a non-negative number"),
    ({"sexx": {"男": 1, "女": 1}}, "not in the data"),
    ({"sex": {"男": 10, "女": 10}, "age": {"1": 5, "2": 5, "3": 5}}, "different population totals"),
    ({"sex": pd.DataFrame({"sex": ["男", "男", "女"], "n": [1, 2, 3]})}, "more than once"),
])
def test_bad_margins(small, margins, match):
    d, des = small
    with pytest.raises(WeightingError, match=match):
        rake(des, margins)


def test_missing_values_and_zero_weight_category():
    d = pd.DataFrame({"g": ["a", None, "b", "b"], "w": [1.0, 1, 1, 1]})
    with pytest.raises(WeightingError, match="1 rows without a category"):
        poststratify(Design.from_frame(d, weights="w"), {"g": {"a": 1, "b": 1}})
    d = pd.DataFrame({"g": ["a", "c", "b", "b"], "w": [1.0, 0.0, 1, 1]})
    with pytest.raises(WeightingError, match="absent from the sample"):
        poststratify(Design.from_frame(d, weights="w"), {"g": {"a": 1, "b": 1, "c": 1}})


def test_poststratify_needs_one_margin_and_cap_over_one(small):
    d, des = small
    with pytest.raises(WeightingError, match="one margin"):
        poststratify(des, {"sex": {"男": 1, "女": 1}, "age": {"1": 1, "2": 1, "3": 0}})
    with pytest.raises(WeightingError, match="greater than 1"):
        rake(des, {"sex": {"男": 1, "女": 1}}, cap=0.5)


def test_domain_of_calibrated_design_keeps_calibration(small):
    d, des = small
    new, _ = poststratify(des, {"sex": {"男": 600, "女": 1400}})
    sub = new.subset(d.age == 3)
    assert sub.calibration == new.calibration
    # estimating a post-stratum's own mean: the post-stratum total is fixed, SE of its share is 0
    share = svymean(new, (d.sex == "男").astype(float))
    assert share.estimate == pytest.approx(0.3) and share.se == pytest.approx(0, abs=1e-12)


# ----------------------------------------------------------------------------- properties
@st.composite
def raking_problem(draw):
    ka = draw(st.integers(2, 4))
    kb = draw(st.integers(2, 3))
    extra = draw(st.integers(0, 30))
    # every joint cell is non-empty, so exact raking solutions exist
    a = [i for i in range(ka) for _ in range(kb)] + draw(st.lists(st.integers(0, ka - 1), min_size=extra, max_size=extra))
    b = [j for _ in range(ka) for j in range(kb)] + draw(st.lists(st.integers(0, kb - 1), min_size=extra, max_size=extra))
    n = len(a)
    w = draw(st.lists(st.floats(0.2, 20), min_size=n, max_size=n))
    total = draw(st.floats(100, 1e6))
    pa = np.array(draw(st.lists(st.floats(0.05, 1), min_size=ka, max_size=ka)))
    pb = np.array(draw(st.lists(st.floats(0.05, 1), min_size=kb, max_size=kb)))
    pa, pb = pa / pa.sum(), pb / pb.sum()
    d = pd.DataFrame({"a": [f"a{i}" for i in a], "b": [f"b{j}" for j in b], "w": w})
    return d, pa, pb, total


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raking_problem())
def test_raked_weights_reproduce_margins(problem):
    d, pa, pb, total = problem
    des = Design.from_frame(d, weights="w")
    ma = {f"a{i}": total * p for i, p in enumerate(pa)}
    mb = {f"b{j}": total * p for j, p in enumerate(pb)}
    # stop when no cell changes by more than 1e-12 of the population total (epsilon < 1 is relative to the
    # input weight total, as R); IPF converges linearly, for near-degenerate tables slowly
    tight = dict(maxit=20000, epsilon=1e-12 * total / des.weights.sum())
    new, rep = rake(des, {"a": ma, "b": mb}, **tight)
    assert rep.converged
    got_a = new.weights @ pd.get_dummies(d.a)[list(ma)].to_numpy(float)
    got_b = new.weights @ pd.get_dummies(d.b)[list(mb)].to_numpy(float)
    np.testing.assert_allclose(got_a, list(ma.values()), rtol=1e-8)
    np.testing.assert_allclose(got_b, list(mb.values()), rtol=1e-12)  # the last margin raked is exact
    # counts vs shares with the same population total: the same weights
    shares, _ = rake(des, {"a": dict(zip(ma, pa)), "b": dict(zip(mb, pb))}, population_total=total, **tight)
    np.testing.assert_allclose(shares.weights, new.weights, rtol=1e-9)
    # rescaling the input weights does not change the raked weights: every pass post-stratifies, which
    # absorbs the scale (epsilon < 1 is relative to the input total, so divide it by the same factor)
    scaled, _ = rake(des.with_weights(des.weights * 7.5), {"a": ma, "b": mb}, maxit=tight["maxit"],
                     epsilon=tight["epsilon"] / 7.5)
    np.testing.assert_allclose(scaled.weights, new.weights, rtol=1e-10)


@settings(max_examples=60, deadline=None)
@given(raking_problem())
def test_poststratify_shares_keep_weight_total_and_ratios(problem):
    d, pa, _, _ = problem
    des = Design.from_frame(d, weights="w")
    new, _ = poststratify(des, {"a": {f"a{i}": p for i, p in enumerate(pa)}})
    assert new.weights.sum() == pytest.approx(des.weights.sum(), rel=1e-12)
    ratio = new.weights / des.weights
    # one factor per post-stratum
    assert (pd.Series(ratio).groupby(d.a).nunique(dropna=False).pipe(
        lambda s: s.index.size)) == d.a.nunique()
    spread = pd.Series(ratio).groupby(d.a.to_numpy()).agg(lambda r: r.max() / r.min() - 1)
    assert np.all(spread < 1e-12)


@settings(max_examples=20, deadline=None)
@given(raking_problem(), st.floats(1.5, 4))
def test_cap_holds_and_margins_still_met(problem, cap):
    d, pa, pb, total = problem
    des = Design.from_frame(d, weights="w")
    ma = {f"a{i}": total * p for i, p in enumerate(pa)}
    mb = {f"b{j}": total * p for j, p in enumerate(pb)}
    new, rep = rake(des, {"a": ma, "b": mb}, cap=cap, cap_maxit=200, **TIGHT)
    got_a = new.weights @ pd.get_dummies(d.a)[list(ma)].to_numpy(float)
    np.testing.assert_allclose(got_a, list(ma.values()), rtol=1e-6)
    if rep.cap_satisfied:
        assert new.weights.max() <= cap * new.weights.mean() * (1 + 1e-9)
        assert rep.max_ratio <= cap * (1 + 1e-9)


# ----------------------------------------------------------------------------- the `survey weight` command
def run(args, capsys, monkeypatch):
    monkeypatch.setattr(cli._exit, "called_from_console", False)
    rc = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(7)
    n = 300
    d = pd.DataFrame({
        "district": rng.choice(["西湖区", "上城区", "拱墅区"], n, p=[0.5, 0.3, 0.2]),
        "sex": rng.choice(["男", "女"], n, p=[0.35, 0.65]),
        "w": rng.uniform(1, 3, n).round(3),
        "y": rng.normal(70, 10, n).round(1),
    })
    data = tmp_path / "answers.csv"
    d.to_csv(data, index=False, encoding="gb18030")
    dist = tmp_path / "区人口.csv"
    dist.write_text("区,常住人口\n西湖区,\"1,200,000\"\n上城区,1000000\n拱墅区,800000\n", encoding="gbk")
    sex = tmp_path / "sex.csv"
    sex.write_text("性别,比例\n男,51%\n女,49%\n", encoding="utf-8")
    return tmp_path, data, dist, sex, d


def test_weight_command_rakes_and_writes(files, capsys, monkeypatch):
    tmp, data, dist, sex, d = files
    out = tmp / "weighted.csv"
    rc, text, err = run(["weight", data, "--margin", f"district={dist}", "--margin", f"sex={sex}", "--weight", "w",
                         "--out", out], capsys, monkeypatch)
    assert rc == 0, err
    assert "converged" in text and "Kish effective n" in text and "weighting efficiency" in text
    res = pd.read_csv(out, encoding="utf-8-sig")
    assert list(res.columns) == ["district", "sex", "w", "y", "weight_cal"]
    assert res.weight_cal.sum() == pytest.approx(3_000_000, rel=1e-9)
    # shares were scaled to the count margin's total 3,000,000: 男 1,530,000 (R's default control: within 1)
    assert res.weight_cal[res.sex == "男"].sum() == pytest.approx(1_530_000, abs=1)
    assert res.groupby("district").weight_cal.sum()["西湖区"] == pytest.approx(1_200_000, abs=1)
    # the same weights as the library
    lib, _ = rake(Design.from_frame(d, weights="w"),
                  {"district": {"西湖区": 1.2e6, "上城区": 1e6, "拱墅区": 8e5}, "sex": {"男": .51, "女": .49}})
    np.testing.assert_allclose(res.weight_cal, lib.weights, rtol=1e-12)


def test_weight_command_json_cap_and_poststratify(files, capsys, monkeypatch):
    tmp, data, dist, sex, d = files
    out = tmp / "w.xlsx"
    rc, text, err = run(["weight", data, "--margin", f"district={dist}", "--method", "poststratify", "--cap", "1.6",
                         "--name", "wt", "--out", out, "--json"], capsys, monkeypatch)
    assert rc == 0, err
    rep = json.loads(text)
    assert rep["method"] == "poststratify" and rep["cap"] == 1.6 and rep["name"] == "wt"
    assert {"iterations", "converged", "max_change", "kish_n_eff", "efficiency"} <= set(rep)
    res = pd.read_excel(out, engine="openpyxl")
    assert res.wt.max() <= 1.6 * res.wt.mean() * (1 + 1e-9) or not rep["cap_satisfied"]
    assert res.wt.sum() == pytest.approx(3_000_000, rel=1e-9)


def test_weight_command_errors(files, capsys, monkeypatch):
    tmp, data, dist, sex, d = files
    out = tmp / "o.csv"
    bad = tmp / "bad.csv"
    bad.write_text("district,N\n西湖,1200000\n上城区,1000000\n拱墅区,800000\n", encoding="gbk")
    rc, _, err = run(["weight", data, "--margin", f"district={bad}", "--out", out], capsys, monkeypatch)
    assert rc == 1 and str(bad) in err and "'西湖'" in err and "did you mean '西湖区'" in err
    assert len(err.strip().splitlines()) == 1 and not out.exists()
    nonnum = tmp / "nonnum.csv"
    nonnum.write_text("district,N\n西湖区,很多\n上城区,-\n拱墅区,800000\n", encoding="utf-8")
    rc, _, err = run(["weight", data, "--margin", f"district={nonnum}", "--out", out], capsys, monkeypatch)
    assert rc == 1 and len(err.strip().splitlines()) == 2 and "很多" in err and ":2:N:" in err and ":3:N:" in err
    rc, _, err = run(["weight", data, "--margin", f"distrct={dist}", "--out", out], capsys, monkeypatch)
    assert rc == 1 and "distrct" in err and "did you mean 'district'" in err
    rc, _, err = run(["weight", data, "--margin", f"district={tmp / 'none.csv'}", "--out", out], capsys, monkeypatch)
    assert rc == 1 and "none.csv" in err
    rc, _, err = run(["weight", data, "--margin", "district", "--out", out], capsys, monkeypatch)
    assert rc == 2
    rc, _, err = run(["weight", data, "--margin", f"district={dist}", "--name", "w", "--out", out], capsys, monkeypatch)
    assert rc == 1 and "already" in err
    assert not out.exists()


def test_weight_command_cross_classified_margin(files, capsys, monkeypatch):
    tmp, data, dist, sex, d = files
    cells = tmp / "cells.csv"
    cells.write_text("区,性别,人口\n" + "".join(f"{a},{b},{n}\n" for a, b, n in [
        ("西湖区", "男", 600000), ("西湖区", "女", 600000), ("上城区", "男", 480000), ("上城区", "女", 520000),
        ("拱墅区", "男", 390000), ("拱墅区", "女", 410000)]), encoding="gbk")
    out = tmp / "cells_out.csv"
    rc, text, err = run(["weight", data, "--margin", f"district+sex={cells}", "--method", "poststratify",
                         "--out", out], capsys, monkeypatch)
    assert rc == 0, err
    res = pd.read_csv(out, encoding="utf-8-sig")
    tot = res.groupby(["district", "sex"]).weight_cal.sum()
    assert tot[("上城区", "女")] == pytest.approx(520000, rel=1e-12)
    assert tot[("拱墅区", "男")] == pytest.approx(390000, rel=1e-12)
    assert "上城区 × 女" in text

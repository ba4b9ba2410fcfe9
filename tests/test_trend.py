"""Waves over time: the weighted linear trend against a hand-worked example and statsmodels WLS, and
``survey trend`` on six simulated waves (tests/tracking_world.py) against a reference recomputed
from each wave's own analysis."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from scipy import stats

import tracking_world as W
from analysis.trend import linear_trend, wave_series


# ----------------------------------------------------------------------------- the estimator
def test_linear_trend_hand_worked_example():
    """y = (0.60, 0.62, 0.65), se = (0.01, 0.02, 0.01), t = 1, 2, 3, df = (100, 50, 200).

    w = (10000, 2500, 10000); t̄ = 45000/22500 = 2; ȳ = 14050/22500; S_tt = 20000;
    b = 10000·(0.05)/20000 = 0.025; Var(b) = 1/20000; a = ȳ − 2b; residuals (1/1800, −1/225, 1/1800)
    give Q = 2·10000/1800² + 2500/225² = 1/18; c = (−0.5, 0, 0.5), c²v = (2.5e-5, 0, 2.5e-5), so
    df = (5e-5)² / ((2.5e-5)²/100 + (2.5e-5)²/200) = 800/3.
    """
    tr = linear_trend([0.60, 0.62, 0.65], [0.01, 0.02, 0.01], df=[100, 50, 200])
    assert tr.slope == pytest.approx(0.025, abs=1e-15)
    assert tr.se == pytest.approx(math.sqrt(1 / 20000), rel=1e-13)
    assert tr.intercept == pytest.approx(14050 / 22500 - 0.05, rel=1e-13)
    assert tr.lack_of_fit == pytest.approx(1 / 18, rel=1e-12)
    assert tr.lack_of_fit_df == 1
    assert tr.lack_of_fit_p == pytest.approx(stats.chi2.sf(1 / 18, 1), rel=1e-12)
    assert tr.df == pytest.approx(800 / 3, rel=1e-12)
    t = 0.025 / math.sqrt(1 / 20000)
    assert tr.statistic == pytest.approx(t, rel=1e-12)
    assert tr.p == pytest.approx(2 * stats.t.sf(t, 800 / 3), rel=1e-10)
    c = stats.t.ppf(0.975, 800 / 3)
    assert tr.ci_low == pytest.approx(0.025 - c * math.sqrt(1 / 20000), rel=1e-12)
    assert tr.significant and tr.direction == "up"
    assert tr.weights == pytest.approx((-0.5, 0.0, 0.5), abs=1e-12)


def test_linear_trend_equals_statsmodels_wls_with_known_variances():
    import statsmodels.api as sm  # a test dependency (pyproject [test]): never skipped
    rng = np.random.default_rng(7)
    for K in (2, 3, 6, 9):
        y = 0.5 + 0.01 * np.arange(K) + rng.normal(0, 0.01, K)
        se = rng.uniform(0.005, 0.03, K)
        t = np.cumsum(rng.uniform(0.5, 2.0, K))
        fit = sm.WLS(y, sm.add_constant(t), weights=1 / se**2).fit(cov_type="fixed scale")
        tr = linear_trend(y, se, times=t)
        assert tr.slope == pytest.approx(fit.params[1], rel=1e-10)
        assert tr.intercept == pytest.approx(fit.params[0], rel=1e-10, abs=1e-12)
        assert tr.se == pytest.approx(fit.bse[1], rel=1e-10)
        assert tr.p == pytest.approx(fit.pvalues[1], rel=1e-8)  # normal reference: all df infinite
        assert tr.lack_of_fit == pytest.approx(float(np.sum(fit.wresid ** 2)), rel=1e-8, abs=1e-14)
        lo, hi = fit.conf_int()[1]
        assert (tr.ci_low, tr.ci_high) == (pytest.approx(lo, rel=1e-10), pytest.approx(hi, rel=1e-10))


def test_linear_trend_needs_two_waves_and_skips_missing():
    assert linear_trend([0.5], [0.01]) is None
    assert linear_trend([0.5, float("nan")], [0.01, 0.02]) is None
    assert linear_trend([0.5, 0.6], [0.01, 0.0]) is None  # a wave without sampling variance
    two = linear_trend([0.5, float("nan"), 0.56], [0.01, 0.01, 0.02])
    assert two.waves == 2 and two.slope == pytest.approx(0.03)  # waves 1 and 3: per wave of the wave numbers
    assert two.lack_of_fit_df == 0 and math.isnan(two.lack_of_fit_p)


def test_wave_series_changes_are_welch_satterthwaite_differences():
    s = wave_series(["a", "b", "c"], [0.60, None, 0.66], [0.01, None, 0.02], [0.58, None, 0.62],
                    [0.62, None, 0.70], [900, 0, 800], [899, None, 799])
    p0, p1, p2 = s.points
    assert p0.vs_previous is None and p1.vs_previous is None  # no estimate in wave b
    d = p2.vs_previous
    assert p2.previous_wave == "a"
    assert d.estimate == pytest.approx(0.06)
    assert d.se == pytest.approx(math.sqrt(0.01**2 + 0.02**2))
    v1, v0 = 0.02**2, 0.01**2
    assert d.df == pytest.approx((v1 + v0) ** 2 / (v1**2 / 799 + v0**2 / 899))
    assert p2.vs_first.estimate == pytest.approx(0.06)


# ----------------------------------------------------------------------------- six waves
@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("trend_world")
    return W.build(root)


@pytest.fixture(scope="module")
def trend_json(world):
    rc, out, err = W.survey("trend", world.root, "--by", "district", "--json")
    assert rc == 0, err
    return json.loads(out)


def test_trend_orders_waves_by_date_and_shows_labels(trend_json):
    assert [w["id"] for w in trend_json["waves"]] == [w[0] for w in W.WAVES]  # imported out of order
    assert [w["label"] for w in trend_json["waves"]] == [w[1] for w in W.WAVES]
    assert trend_json["waves"][0]["period"] == "2025年1月6日—3月28日"


def _series(doc, sid, measure, group=None):
    return next(s for s in doc["series"] if s["id"] == sid and s["measure"] == measure and s["group"] == group)


def test_trend_values_equal_each_waves_analysis_and_the_wls_reference(world, trend_json):
    import statsmodels.api as sm  # a test dependency (pyproject [test]): never skipped
    from report.project import analyze_project

    per_wave = [analyze_project(world, wave=w[0], by=["district"]) for w in W.WAVES]
    checked = 0
    for sid, measure in (("sat_env", "rate"), ("sat_env", "index"), ("support", "rate"), ("sat_civility", "index")):
        s = _series(trend_json, sid, measure)
        ref = [next(i for i in r["indicators"] if i["id"] == sid)[measure] for r in per_wave]
        for p, r in zip(s["points"], ref):
            for k in ("estimate", "se", "ci_low", "ci_high", "n"):
                assert p[k] == pytest.approx(r[k], rel=1e-12)
        y = np.array([r["estimate"] for r in ref])
        se = np.array([r["se"] for r in ref])
        dfs = np.array([float(r["df"]) for r in ref])
        # changes: by hand, Welch–Satterthwaite df
        for i in range(1, 6):
            for key, j in (("vs_previous", i - 1), ("vs_first", 0)):
                d = s["points"][i][key]
                v1, v0 = se[i] ** 2, se[j] ** 2
                df = (v1 + v0) ** 2 / (v1**2 / dfs[i] + v0**2 / dfs[j])
                assert d["estimate"] == pytest.approx(y[i] - y[j], rel=1e-12)
                assert d["se"] == pytest.approx(math.sqrt(v1 + v0), rel=1e-12)
                assert d["df"] == pytest.approx(df, rel=1e-10)
                assert d["p"] == pytest.approx(2 * stats.t.sf(abs(y[i] - y[j]) / math.sqrt(v1 + v0), df), rel=1e-8)
        # trend: statsmodels WLS with the variances known
        fit = sm.WLS(y, sm.add_constant(np.arange(1.0, 7.0)), weights=1 / se**2).fit(cov_type="fixed scale")
        tr = s["trend"]
        assert tr["slope"] == pytest.approx(fit.params[1], rel=1e-9)
        assert tr["se"] == pytest.approx(fit.bse[1], rel=1e-9)
        w = 1 / se**2
        t = np.arange(1.0, 7.0)
        tbar = (w * t).sum() / w.sum()
        c = w * (t - tbar) / (w * (t - tbar) ** 2).sum()
        ws_df = (c**2 * se**2).sum() ** 2 / ((c**2 * se**2) ** 2 / dfs).sum()
        assert tr["df"] == pytest.approx(ws_df, rel=1e-10)
        assert tr["p"] == pytest.approx(2 * stats.t.sf(abs(fit.params[1] / fit.bse[1]), ws_df), rel=1e-8)
        checked += 1
    assert checked == 4


def test_planted_directions(trend_json):
    direction = {(s["id"], s["measure"]): s["trend"]["direction"] for s in trend_json["series"] if s["group"] is None}
    for sid in ("sat_env", "sat_traffic"):
        assert direction[(sid, "index")] == "up" and direction[(sid, "rate")] == "up"
    assert direction[("sat_civility", "index")] == "down"
    assert direction[("area:civility", "index")] == "down"
    # the one-wave drop of 社会治安 is a spike, not a line: the lack-of-fit test says so
    safety = _series(trend_json, "sat_safety", "index")
    assert safety["trend"]["lack_of_fit_p"] < 0.001
    assert safety["points"][4]["vs_previous"]["direction"] == "down"
    assert safety["points"][5]["vs_previous"]["direction"] == "up"


def test_lagging_district_in_the_heat_table(trend_json):
    heat = next(h for h in trend_json["heat"] if h["id"] == "sat_traffic" and h["measure"] == "index")
    assert heat["waves"] == [w[0] for w in W.WAVES]
    row = heat["groups"].index(W.LAG_DISTRICT)
    vals = np.array(heat["values"], dtype=float)
    others = np.delete(vals, row, axis=0)
    assert np.all(vals[row] < others.min(axis=0))  # lowest district in every wave
    lag = _series(trend_json, "sat_traffic", "index", W.LAG_DISTRICT)
    assert [p["estimate"] for p in lag["points"]] == pytest.approx(list(vals[row]))
    assert lag["trend"]["direction"] == "up"  # lagging, but improving with the city


def test_trend_text_charts_and_xlsx(world, tmp_path):
    out = tmp_path / "trend_out"
    rc, text, err = W.survey("trend", world.root, "--indicators", "sat_env,traffic", "--out", out)
    assert rc == 0, err
    assert "2025年第一季度" in text and "2025Q1" not in text  # labels, never raw ids
    assert "城市环境满意度（满意率）" in text and "交通秩序（领域指数）" in text
    assert "社会治安" not in text  # --indicators filters
    assert (out / "charts" / "trend_areas.png").stat().st_size > 5000
    assert (out / "charts" / "trend_heat_composite.png").exists() is False  # composite not selected
    from openpyxl import load_workbook

    wb = load_workbook(out / "trend.xlsx")
    ws = wb["趋势"]
    header = [c.value for c in ws[1]]
    assert "2025年第一季度" in header and "较首期变化" in header
    assert isinstance(ws.cell(2, 4).value, float) and ws.cell(2, 4).number_format == "0.0%"


def test_trend_in_english_names_series_and_waves_in_english(world, tmp_path):
    """--lang en: the series names come from the questionnaire's translations and the waves from their
    English labels; the terminal text has no Chinese (it had the questionnaire's labels as written)."""
    import re

    rc, text, err = W.survey("trend", world.root, "--indicators", "sat_env,traffic", "--lang", "en")
    assert rc == 0, err
    assert text.startswith("waves: 2025 Q1") and "(area index)" in text, text[:400]
    assert re.findall(r"[\u4e00-\u9fff]+", text) == [], text[:600]


def test_trend_errors(world, tmp_path):
    rc, _, err = W.survey("trend", world.root, "--indicators", "sat_evn")
    assert rc == 2 and "sat_evn" in err and "sat_env" in err
    assert W.survey("trend", world.root, "--by", "nowhere")[0] == 2
    one = W.build(tmp_path, waves=1, n=200)
    rc, _, err = W.survey("trend", one.root)
    assert rc == 1 and "at least two waves" in err


def test_trend_chart_captions_state_the_finding_and_the_image_has_no_title(world, tmp_path):
    """The finding is the caption (Chart.title), never drawn inside the image: the areas caption names a
    significantly trending area with its direction; the heat map of 交通秩序 names the district planted
    lowest in every wave."""
    from report.trend import project_trend
    from report.trend_charts import trend_charts
    from survey.store import Project

    res = project_trend(Project.open(world.root), by="district")
    # the small multiples and the heat maps of 交通秩序 (the other heat maps are the same drawing code)
    traffic = tuple(h for h in res.heat if h.id.startswith("sat_traffic"))
    assert traffic
    charts = {c.name: c for c in trend_charts(dataclasses.replace(res, heat=traffic), tmp_path, lang="zh")}
    assert charts and not any(c.title_in_image for c in charts.values())
    areas = [s for s in res.overall() if s.kind == "area"]
    cap = charts["trend_areas"].title
    named = [s for s in areas if s.name in cap]
    assert len(named) == 1 and named[0].series.trend.direction in ("up", "down")
    assert ("上升" if named[0].series.trend.direction == "up" else "下降") in cap
    heat = next(c for n, c in charts.items() if n.startswith("trend_heat_sat_traffic") and not n.endswith("_rate"))
    assert W.LAG_DISTRICT in heat.title and "最低" in heat.title
    # in English the small multiples only
    en = {c.name: c for c in trend_charts(dataclasses.replace(res, heat=()), tmp_path / "en", lang="en")}
    assert not any(c.title_in_image for c in en.values()) and "fastest" in en["trend_areas"].title


def test_a_zigzag_rise_is_said_to_be_an_average_direction():
    """77.0, 75.4, 79.0, 77.1 with small variances: the slope is significant, but the waves depart from a straight
    line (lack of fit); the chapter's sentence names such series instead of counting them as plain rises."""
    from analysis.trend import linear_trend
    from report.table_cells import Num
    from report.trend_chapter import TrackingChapter, TrendRow

    tr = linear_trend([77.0, 75.4, 79.0, 77.1], [0.3, 0.3, 0.3, 0.3])
    assert tr.direction == "up" and tr.lack_of_fit_p < 0.05
    straight = linear_trend([75.0, 76.0, 77.1, 77.9], [0.3, 0.3, 0.3, 0.3])
    assert straight.direction == "up" and straight.lack_of_fit_p > 0.05

    def row(name, t):
        return TrendRow(name, (), Num(None, "chg1"), Num(None, "chg1"), Num(t.slope, "chg1"), Num(t.p, "pval"),
                        t.direction, t.lack_of_fit_p < 0.05, "index")

    ch = TrackingChapter(("一期", "二期", "三期", "四期"), (row("综合满意度指数", tr), row("城市环境满意度", straight)),
                         "wls", (), 0, 0)
    assert ch.summary().endswith("2项指数中2项显著上升、0项显著下降。其中综合满意度指数各期起伏明显、偏离直线趋势"
                                 "（拟合不足检验p<0.05），其升降只是各期的平均方向，宜结合各期数值判断。")
    assert "城市环境满意度各期" not in ch.summary()
    # the English chapter names them too (its sentence ended at the counts: the note's English words were never shown)
    en = dataclasses.replace(ch, lang="en")
    assert en.summary().endswith("of 2 indexes, 2 rose and 0 fell significantly. Of these, the waves of 综合满意度指数 "
                                 "move up and down (lack of fit to a straight line, p < 0.05): the trend is only their "
                                 "average direction; read it with the values of each wave.")
    assert "城市环境满意度" not in en.summary()


def test_trend_panels_draw_intervals_cut_at_the_scale(tmp_path):
    """A rate of 95% on a small base has a Wald interval past 100% ([88%, 106%]): the trend panel draws it cut at
    100%, so its axis does not run past 100% (session 32: the error bar reached 106% and the axis 110%), as the
    report's tables print it; the series keeps the raw bounds (``survey trend --json``)."""
    import re

    from report.trend import TrendSeries
    from report.trend_charts import small_multiples

    s = wave_series(["W1", "W2"], [0.95, 0.97], [0.045, 0.035], [0.86, 0.90], [1.04, 1.06], [20, 24], [19, 23])
    panel = TrendSeries("support", "支持度", "support", "rate", None, None, None, None, None, s)
    assert s.points[1].ci_high == 1.06
    c = small_multiples("t", "支持率", [panel], ["一期", "二期"], out_dir=tmp_path)
    svg = c.svg_path.read_text(encoding="utf-8")
    # the SVG's y grows downwards: the 100% grid line's y, and the top of each error bar (LineCollection)
    ticks = re.split(r'<g id="ytick_\d+">', svg.split('<g id="LineCollection_1">')[0])[1:]
    y100 = [float(re.search(r'd="M [\d.]+ ([\d.]+)\s+L', t).group(1)) for t in ticks if "<!-- 100 -->" in t]
    bars = svg.split('<g id="LineCollection_1">')[1].split("</g>")[0]
    tops = [min(float(a), float(b)) for a, b in re.findall(r'd="M [\d.]+ ([\d.]+)\s+L [\d.]+ ([\d.]+)\s', bars)]
    assert len(y100) == 1 and len(tops) == 2, (y100, tops)
    assert min(tops) >= y100[0] - 0.01, (tops, y100)  # no bar above the 100% line

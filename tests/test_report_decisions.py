"""Issue 10: decision questions analysed on their own (channels by site, reasons for not taking part,
willingness to recommend) and the sample against the population margins, checked against the
analysis result the report used (the dict ``survey analyze --json`` prints) and against the
estimators called directly on the raw answers."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pytest

from analysis import Design
from analysis.goodness_of_fit import goodness_of_fit
from analysis.multiple import multiple_choice
from report.project import report_project
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

RECOMMEND_Q = Path(__file__).parent / "data" / "recommend_questionnaire.yaml"


def _project(tmp, qpath, frame, margins=None):
    csv = tmp / "r.csv"
    write_csv(frame, csv)
    proj = Project.create(tmp / "proj", qpath)
    proj.import_file(csv, wave="2026Q3")
    if margins:
        lines = ["margins:"]
        for dim, (name, rows) in margins.items():
            (proj.root / name).write_text("类别,人口\n" + "".join(f"{k},{v}\n" for k, v in rows.items()), encoding="utf-8")
            lines.append(f"  {dim}: {name}")
        with open(proj.root / "minyi.yaml", "a", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        proj = Project.open(proj.root)
    return proj


@pytest.fixture(scope="module")
def civic(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("civic")
    q = load_questionnaire(bundled_path())
    frame = simulate(q, 1000, 5, start="2026-09-01")
    genders = [o.label for o in q.question("A1").options]
    proj = _project(tmp, bundled_path(), frame, {"gender": ("pop_gender.csv", {genders[0]: 30, genders[1]: 70})})
    out = report_project(proj, tmp / "out", wave="2026Q3", formats=("html", "docx"), cache=False)
    page = html.unescape(Path(out["paths"]["html"]).read_text(encoding="utf-8"))
    data, _ = proj.responses("2026Q3")
    return q, data.reset_index(drop=True), out["result"], page, out["paths"]


def test_channels_by_site_equal_the_estimator(civic):
    q, data, res, page, _ = civic
    ch = res["decisions"]["channels"]
    assert ch["question"] == "B2"
    des = Design.from_frame(data)
    qq = q.question("B2")
    M = np.column_stack([data[f"B2_{o.code}"].to_numpy(dtype=float) for o in qq.options])
    direct = multiple_choice(des, M, [o.code for o in qq.options], [o.label for o in qq.options],
                             asked=np.isfinite(M).any(axis=1), ci_method="clopper-pearson")
    by_code = {o.code: o.stats["respondents"] for o in direct.options}
    assert [r["respondents"]["estimate"] for r in ch["items"]] == sorted(
        (r["respondents"]["estimate"] for r in ch["items"]), reverse=True)
    for r in ch["items"]:
        e = by_code[r["code"]]
        assert r["respondents"]["estimate"] == pytest.approx(float(e.estimate[0]), rel=1e-12)
        assert r["respondents"]["ci_low"] == pytest.approx(float(e.ci_low[0]), rel=1e-10)
        b2 = next(t for t in res["questions"] if t["id"] == "B2")  # the same interval as the appendix
        row = next(x for x in b2["rows"] if x["label"] == r["label"])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((r["respondents"]["ci_low"], r["respondents"]["ci_high"]),
                                                                rel=1e-12)
        assert f"{100 * r['respondents']['estimate']:.1f}%" in page
    # the per-site shares of the table are those of the result
    site = q.question(q.site_question)
    for s in site.options:
        rows = data[site.id].to_numpy(dtype=float) == s.code
        sub = multiple_choice(Design.from_frame(data[rows].reset_index(drop=True)), M[rows], [o.code for o in qq.options],
                              [o.label for o in qq.options], asked=np.isfinite(M[rows]).any(axis=1))
        got = {x["code"]: x["respondents"]["estimate"] for x in ch["by"]["site"][s.label]["items"]}
        for o in sub.options:
            assert got[o.code] == pytest.approx(float(o.stats["respondents"].estimate[0]), rel=1e-10)
    assert "宣传渠道触达率" in page and "宣传与动员效果" in page


def test_reasons_and_recommend_share(civic):
    q, data, res, page, _ = civic
    dec = res["decisions"]
    assert [r["question"] for r in dec["reasons"]] == ["B8"]
    b8 = next(t for t in res["questions"] if t["id"] == "B8")
    appendix = {r["label"]: r["share"] for r in b8["rows"]}
    for r in dec["reasons"][0]["items"]:  # the same shares as the 各题统计 appendix
        assert r["respondents"]["estimate"] == pytest.approx(appendix[r["label"]], rel=1e-10)
    rec = dec["recommend"]
    assert rec["question"] == "L4" and rec["kind"] == "share" and rec["label"] == "愿意"
    l4 = next(t for t in res["questions"] if t["id"] == "L4")
    assert rec["share"]["estimate"] == pytest.approx(l4["rows"][0]["share"], rel=1e-10)
    assert f"回答“愿意”的占{100 * rec['share']['estimate']:.1f}%" in page


def test_unweighted_sample_against_margins_warns(civic):
    q, data, res, page, _ = civic
    comp = res["sample"]["composition"]["gender"]
    rep = comp["representativeness"]
    x = data["A1"].to_numpy(dtype=float)
    codes = np.full(len(x), -1)
    for k, o in enumerate(q.question("A1").options):
        codes[x == o.code] = k
    t = goodness_of_fit(Design.from_frame(data), codes, [0.3, 0.7])
    assert rep["test"]["p"] == pytest.approx(t.p, rel=1e-8, abs=1e-300) and rep["test"]["p"] < 0.05
    g = rep["largest_gap"]
    row = next(r for r in comp["rows"] if r["label"] == g["label"])
    assert g["share"] == pytest.approx(row["share"], rel=1e-12)
    assert g["population_share"] == pytest.approx(row["population_share"], rel=1e-12)
    assert f"样本中{g['label']}占{100 * g['share']:.1f}%，总体约为{100 * g['population_share']:.1f}%" in page
    assert "本报告未加权" in page


def test_zero_to_ten_recommend_item_gets_a_net_score(tmp_path):
    q = load_questionnaire(RECOMMEND_Q)
    frame = simulate(q, 400, 9, start="2026-09-01")
    rng = np.random.default_rng(4)
    frame["Q6"] = rng.integers(0, 11, len(frame)).astype(float)
    proj = _project(tmp_path, RECOMMEND_Q, frame)
    out = report_project(proj, tmp_path / "out", wave="2026Q3", formats=("html",), cache=False)
    res = out["result"]
    rec = res["decisions"]["recommend"]
    data, _ = proj.responses("2026Q3")
    x = data["Q6"].to_numpy(dtype=float)
    pro, det = np.mean(x >= 9), np.mean(x <= 6)  # equal weights: plain shares
    assert rec["kind"] == "net" and rec["scale"] == "0-10"
    assert rec["promoters"]["estimate"] == pytest.approx(pro) and rec["detractors"]["estimate"] == pytest.approx(det)
    assert rec["net"]["estimate"] == pytest.approx(pro - det)
    assert rec["net"]["ci_low"] < rec["net"]["estimate"] < rec["net"]["ci_high"]
    page = html.unescape(Path(out["paths"]["html"]).read_text(encoding="utf-8"))
    assert f"净推荐值为{100 * rec['net']['estimate']:+.1f}" in page
    assert res["decisions"]["channels"]["question"] == "Q3" and res["decisions"]["reasons"][0]["question"] == "Q5"

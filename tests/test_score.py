"""Evaluation scores: the survey part's SE/CI against R (tests/golden/r_score.R), the score of a project
against a hand computation from `survey analyze` and the external file, the framework file's
validation with line:column, external-score errors with cells, and missing scores never zero."""

from __future__ import annotations

import json
import re
import math
import shutil

import numpy as np
import pandas as pd
import pytest

import tracking_world as W
from analysis.combine import ItemMeans, vs_whole
from analysis.design import Design
from analysis.score import ScoreNode, effective_weights, framework_scores
from survey.framework import bundled_external_path, bundled_framework_path, validate_framework

GOLDEN = "tests/golden/r_score_expected.csv"
COEFS = {"overall": dict(S1i=.15, S2i=.15, S3i=.075, S4i=.075, S1r=.15, AWr=.15, SUr=.15),
         "A": dict(S1i=.25, S2i=.25, S3i=.125, S4i=.125, S1r=.25), "B": dict(AWr=.5, SUr=.5),
         "A2": dict(S3i=.5, S4i=.5)}


# ----------------------------------------------------------------------------- against R
@pytest.fixture(scope="module")
def golden():
    d = pd.read_csv("tests/golden/r_indicators_data.csv")
    sc = {1: 100, 2: 80, 3: 60, 4: 40, 5: 20}
    cols = {f"{s}i": (d[s].map(sc).to_numpy(float), d[s].isin([1, 2, 3, 4, 5]).to_numpy()) for s in ("S1", "S2", "S3", "S4")}
    cols["S1r"] = (100 * d.S1.isin([1, 2]).to_numpy(float), d.S1.isin([1, 2, 3, 4, 5]).to_numpy())
    cols["AWr"] = (100 * (d.aware == 1).to_numpy(float), d.aware.notna().to_numpy())
    cols["SUr"] = (100 * (d.support == 1).to_numpy(float), d.support.isin([1, 2, 3]).to_numpy())
    keys = list(cols)
    des = Design.from_frame(d, weights="w", strata="st", psu="psu", lonely_psu="fail")
    labels = sorted(d.district.unique())
    codes = d.district.map({v: i for i, v in enumerate(labels)}).to_numpy()
    means = ItemMeans(des, np.column_stack([cols[k][0] for k in keys]), np.column_stack([cols[k][1] for k in keys]),
                      codes, len(labels))
    return keys, means, [str(v) for v in labels], pd.read_csv(GOLDEN)


def _r(exp, comb, dom, qty):
    return float(exp[(exp.combination == comb) & (exp.domain == dom) & (exp.quantity == qty)].value.iloc[0])


def test_combinations_equal_r_svycontrast_of_svyratio(golden):
    keys, means, labels, exp = golden
    for name, cf in COEFS.items():
        comb = means.combine([cf.get(k, 0.0) for k in keys])
        lo, hi = comb.confint(0.95)
        for j, dom in enumerate(["all"] + labels):
            assert comb.coef()[j] == pytest.approx(_r(exp, name, dom, "estimate"), rel=1e-10)
            assert comb.SE()[j] == pytest.approx(_r(exp, name, dom, "se"), rel=1e-8)
            assert comb.df[j] == _r(exp, name, dom, "df")
            assert lo[j] == pytest.approx(_r(exp, name, dom, "ci_low"), rel=1e-8)
            assert hi[j] == pytest.approx(_r(exp, name, dom, "ci_high"), rel=1e-8)
        if name in ("overall", "A2"):
            for g in range(1, 5):
                d = vs_whole(comb, g)
                assert d.estimate == pytest.approx(_r(exp, f"{name}_minus_all", str(g), "estimate"), rel=1e-9)
                assert d.se == pytest.approx(_r(exp, f"{name}_minus_all", str(g), "se"), rel=1e-8)


def test_framework_scores_survey_part_equals_r_and_external_adds_no_variance(golden):
    """The R framework (aspects A 60, B 30, C 10 external): overall = R's overall combination + 0.1·C."""
    keys, means, labels, exp = golden

    def leaf(i, name, w, **coef):
        return ScoreNode(i, name, w, coef=np.array([coef.get(k, 0.0) for k in keys]))

    A = ScoreNode("A", "A", 60, children=(
        ScoreNode("A1", "A1", 2, children=(leaf("s1", "", 1, S1i=1), leaf("s2", "", 1, S2i=1))),
        ScoreNode("A2", "A2", 1, children=(leaf("s3", "", 1, S3i=1), leaf("s4", "", 1, S4i=1))),
        ScoreNode("A3", "A3", 1, children=(leaf("r1", "", 1, S1r=1),))))
    B = ScoreNode("B", "B", 30, children=(ScoreNode("B1", "B1", 1, children=(leaf("aw", "", 1, AWr=1),)),
                                          ScoreNode("B2", "B2", 1, children=(leaf("su", "", 1, SUr=1),))))
    C = ScoreNode("C", "C", 10, children=(ScoreNode("C1", "C1", 1, children=(
        ScoreNode("field", "实地考察", 1, external=0),)),))
    root = ScoreNode("overall", "framework", 1, children=(A, B, C))
    e = effective_weights(root)
    assert e == pytest.approx({"s1": .15, "s2": .15, "s3": .075, "s4": .075, "r1": .15, "aw": .15, "su": .15,
                               "field": .1})
    ext = np.array([[80.0], [70.0], [90.0], [60.0], [85.0]])
    res = framework_scores(root, means, ext, labels)
    for j, dom in enumerate(["all"] + labels):
        v = res.values["overall"][j]
        assert v.estimate == pytest.approx(_r(exp, "overall", dom, "estimate") + 0.1 * ext[j, 0], rel=1e-12)
        assert v.se == pytest.approx(_r(exp, "overall", dom, "se"), rel=1e-8)
        assert v.ci_low == pytest.approx(_r(exp, "overall", dom, "ci_low") + 0.1 * ext[j, 0], rel=1e-8)
        assert v.survey_share == pytest.approx(0.9) and v.complete
        assert res.values["A"][j].se == pytest.approx(_r(exp, "A", dom, "se"), rel=1e-8)
        assert res.values["C"][j].se == 0 and res.values["C"][j].estimate == ext[j, 0]
    # league: the four districts, ranks a permutation, each rank inside its range
    assert sorted(r.rank for r in res.league) == [1, 2, 3, 4]
    assert all(r.rank_best <= r.rank <= r.rank_worst for r in res.league)


def test_missing_external_scores_leave_scores_empty_never_zero(golden):
    keys, means, labels, _ = golden
    root = ScoreNode("overall", "f", 1, children=(
        ScoreNode("A", "A", 1, children=(ScoreNode("a", "a", 1, coef=np.eye(len(keys))[0]),)),
        ScoreNode("B", "B", 1, children=(ScoreNode("b", "b", 1, external=0),))))
    ext = np.array([[50.0], [60.0], [np.nan], [70.0], [80.0]])
    res = framework_scores(root, means, ext, labels)
    miss = [(m.group, m.item, m.source) for m in res.missing]
    assert miss == [(labels[1], "b", "external")]
    v = res.value("overall", labels[1])
    assert not v.complete and math.isnan(v.estimate)
    assert res.value("A", labels[1]).complete  # the survey aspect still scores
    assert labels[1] not in [r.group for r in res.league]


# ----------------------------------------------------------------------------- a project
@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("score")
    return W.build(root, waves=1, n=1500)


def test_project_score_equals_hand_computation(project, tmp_path):
    """Every score from `survey analyze --json` by district and the external file, weighted by hand."""
    rc, out, err = W.survey("score", project.root, "--framework", bundled_framework_path(), "--external",
                            bundled_external_path(), "--json")
    assert rc == 0, err
    doc = json.loads(out)
    rc, out, err = W.survey("analyze", project.root, "--by", "district", "--json")
    res = json.loads(out)
    ext = pd.read_csv(bundled_external_path()).set_index("区县")
    fw = {n["id"]: n for n in doc["nodes"]}
    children: dict = {}
    for n in doc["nodes"]:
        children.setdefault(n["parent"], []).append(n["id"])

    def item_value(n, group):
        if n["source"] == "external":
            col = ext[n["external"]] * 100 / n["max"]
            return float(col.mean() if group is None else col[group])
        ind = next(i for i in res["indicators"] if i["id"] == n["survey"])
        st = ind[n["measure"]] if group is None else next(r for r in ind[f"{n['measure']}_by"]["district"]
                                                          if r["group"] == group)
        return st["estimate"] * (100 if n["measure"] == "rate" else 1)

    def hand(nid, group):
        n = fw[nid]
        if n["level"] == "item":
            return item_value(n, group)
        kids = children[nid]
        tot = sum(fw[k]["weight"] for k in kids)
        return sum(fw[k]["weight"] / tot * hand(k, group) for k in kids)

    for s in doc["scores"]:
        for nid, v in s["nodes"].items():
            assert v["estimate"] == pytest.approx(hand(nid, s["group"]), rel=1e-10), (s["group"], nid)
    city = doc["scores"][0]
    assert city["group"] is None and city["overall"]["se"] > 0
    # SE of the city's survey part by hand: equal weights, no design → with-replacement linearisation
    data, _ = project.responses(project.waves()[-1])
    e = {}
    root = "overall"

    def eff(nid, share):
        if fw[nid]["level"] == "item":
            e[nid] = e.get(nid, 0) + share
            return
        kids = children[nid]
        tot = sum(fw[k]["weight"] for k in kids)
        for k in kids:
            eff(k, share * fw[k]["weight"] / tot)

    eff(root, 1.0)
    from survey.qload import load_questionnaire

    q = load_questionnaire(project.root / "questionnaire.yaml")
    z = np.zeros(len(data))
    for nid, share in e.items():
        n = fw[nid]
        if n["source"] != "survey":
            continue
        ind = next(i for i in q.indicators if i.id == n["survey"])
        qq = q.question(ind.question)
        keys = [f"{qq.id}_{r.id}" for r in qq.rows] if qq.type == "matrix" else [qq.id]
        for k in keys:
            x = data[k].to_numpy(float)
            if n["measure"] == "rate":
                valid = np.isfinite(x) & ~np.isin(x, [o.code for o in qq.options if o.na])
                y = 100.0 * np.isin(x, ind.positive)
            else:
                sc = {o.code: o.score for o in qq.options if o.score is not None}
                y = np.array([sc.get(v, np.nan) if np.isfinite(v) else np.nan for v in x])
                valid = np.isfinite(y)
            ybar = y[valid].mean()
            z += np.where(valid, share / len(keys) * (y - ybar) / valid.sum(), 0.0)
    nn = len(z)
    se = math.sqrt(nn / (nn - 1) * ((z - z.mean()) ** 2).sum())
    assert city["overall"]["se"] == pytest.approx(se, rel=1e-9)
    # the league: every district, ranks 1..6 inside their ranges, ordered by score
    lg = doc["league"]
    assert [r["rank"] for r in lg] == [1, 2, 3, 4, 5, 6]
    assert [r["estimate"] for r in lg] == sorted([r["estimate"] for r in lg], reverse=True)
    assert all(r["rank_best"] <= r["rank"] <= r["rank_worst"] for r in lg)


def test_score_text_and_missing_external(project, tmp_path):
    bad = tmp_path / "scores.csv"
    text = bundled_external_path().read_text(encoding="utf-8").splitlines()
    cells = text[4].split(",")  # 北山区
    cells[2] = ""  # 公共厕所 missing
    text[4] = ",".join(cells)
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    rc, out, err = W.survey("score", project.root, "--framework", bundled_framework_path(), "--external", bad)
    assert rc == 0, err
    assert "北山区：公共厕所管理（外部评分）" in out
    # the table's words are Chinese, and so are the lines around it (they were English: "missing (no score…)")
    assert out.splitlines()[0].endswith("（外部评分：scores.csv）") and "缺项（无得分，不按零分计）：" in out
    assert not re.search(r"\b(missing|external|note)\b", out), out
    row = next(line for line in out.splitlines() if line.startswith("北山区"))
    assert "缺项" in row and "0.0" not in row.split()[1]
    rc, out, _ = W.survey("score", project.root, "--framework", bundled_framework_path(), "--external", bad, "--json")
    doc = json.loads(out)
    bs = next(s for s in doc["scores"] if s["group"] == "北山区")
    assert bs["complete"] is False and bs["overall"]["estimate"] is None
    assert bs["nodes"]["environment"]["estimate"] is None and bs["nodes"]["traffic"]["estimate"] is not None
    assert {"group": "北山区", "item": "env_toilets", "source": "external"} in doc["missing"]
    assert "北山区" not in [r["group"] for r in doc["league"]]


FRAMEWORK_BAD = """\
framework: 测试
aspects:
  - id: a1
    name: 环境
    weight: -5
    indicators:
      - id: i1
        name: 满意度
        weight: 1
        items:
          - {id: x1, name: 指数, weight: 1, survey: sat_evn}
          - {id: x2, name: 两个来源, weight: 1, survey: sat_env, external: 实地}
          - {id: x3, name: 知晓率指数, weight: 1, survey: aware_campaign, measure: index}
          - {id: x1, name: 重复, weight: 1, external: 实地, colour: red}
  - id: a2
    name: 空
    weight: 1
    indicators: []
"""


def test_framework_validation_reports_every_problem_with_line_and_column(project, tmp_path):
    f = tmp_path / "fw.yaml"
    f.write_text(FRAMEWORK_BAD, encoding="utf-8")
    rc, _, err = W.survey("score", project.root, "--framework", f)
    assert rc == 1
    lines = err.strip().splitlines()
    expect = [(f"{f}:5:13", "weight must be a positive number"),
              (f"{f}:11:51", "unknown survey indicator, area or item 'sat_evn'"),  # the value sat_evn
              (f"{f}:12:13", "needs exactly one source"),  # the item's mapping
              (f"{f}:13:79", "index does not apply to aware_campaign"),  # the value index
              (f"{f}:14:18", "duplicate item id 'x1' (first defined on line 11)"),
              (f"{f}:14:57", "unknown key 'colour'"),  # the key
              (f"{f}:18:17", "has no indicators")]
    for loc, text in expect:
        assert any(line.startswith(loc) and text in line for line in lines), (loc, text, lines)
    assert "did you mean 'sat_env'" in err
    assert len(lines) == len(expect)


def test_bundled_framework_is_valid(project):
    fw, probs = validate_framework(bundled_framework_path(), project.questionnaire)
    assert probs == [] and len(fw.aspects) == 6
    assert sum(a.weight for a in fw.aspects) == 100


def test_external_file_errors_name_row_and_cell(project, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["区县", "背街小巷与农贸市场", "公共厕所", "路口文明交通", "民生服务台账", "公共场所文明行为", "志愿服务站点"])
    ws.append(["东城区", 86, 90, 88, 9, 85, 90])
    ws.append(["东城", 80, 80, 80, 8, 80, 80])
    ws.append(["西城区", 82, "好", 84, 12, 80, 86])
    ws.append(["东城区", 1, 1, 1, 1, 1, 1])
    path = tmp_path / "scores.xlsx"
    wb.save(path)
    rc, _, err = W.survey("score", project.root, "--framework", bundled_framework_path(), "--external", path)
    assert rc == 1
    assert f"{path}, row 3, column A (区县): error: '东城' is not a district" in err
    assert f"{path}, row 4, column C (公共厕所): error: '好' is not a score from 0 to 100" in err
    assert f"{path}, row 4, column E (民生服务台账): error: '12' is not a score from 0 to 10" in err
    assert f"{path}, row 5, column A (区县): error: 东城区 appears again (first on row 2)" in err
    shutil.copy(bundled_external_path(), tmp_path / "few.csv")
    df = pd.read_csv(tmp_path / "few.csv").drop(columns=["公共厕所"])
    df.to_csv(tmp_path / "few.csv", index=False)
    rc, _, err = W.survey("score", project.root, "--framework", bundled_framework_path(), "--external",
                          tmp_path / "few.csv")
    assert rc == 1 and "no column '公共厕所' for item env_toilets" in err


def test_external_file_with_a_wave_column(project, tmp_path):
    base = pd.read_csv(bundled_external_path())
    wave_label = W.WAVES[0][1]
    a = base.assign(期次=wave_label)
    b = base.assign(期次="2024年第四季度", 公共厕所=0)  # another wave: ignored for --wave 2025Q1
    f = tmp_path / "waves.csv"
    pd.concat([a, b])[["区县", "期次", *base.columns[1:]]].to_csv(f, index=False)
    rc, out, err = W.survey("score", project.root, "--framework", bundled_framework_path(), "--external", f)
    assert rc == 1 and "'2024年第四季度' is not a wave of the project" in err
    pd.concat([a, a.assign(期次=W.WAVES[0][0])]).to_csv(f, index=False)  # label and id name the same wave
    rc, out, err = W.survey("score", project.root, "--framework", bundled_framework_path(), "--external", f)
    assert rc == 1 and "appears again" in err
    a.to_csv(f, index=False)
    rc, out, err = W.survey("score", project.root, "--framework", bundled_framework_path(), "--external", f, "--json")
    assert rc == 0, err
    ref = json.loads(W.survey("score", project.root, "--framework", bundled_framework_path(), "--external",
                              bundled_external_path(), "--json")[1])
    assert json.loads(out)["scores"] == ref["scores"]


# ----------------------------------------------------------------------------- coded items
def _messy_design(n=900, seed=4):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({"st": rng.integers(0, 3, n), "w": rng.uniform(0.5, 3.0, n)})
    d["psu"] = d.st * 100 + rng.integers(0, 12, n)
    d.loc[rng.random(n) < 0.05, "w"] = 0.0  # rows of zero weight: in no domain
    return Design.from_frame(d, weights="w", strata="st", psu="psu"), rng


def test_coded_items_equal_the_same_items_as_values():
    """ItemMeans.coded (what the ledger, brief and scores build from the answer codes) gives the
    combinations of ItemMeans over the same items as value columns: estimates, covariance, n, df; with
    zero weights, rows of no group, answers outside the base and missing answers."""
    des, rng = _messy_design()
    n = des.n
    groups = rng.integers(-1, 4, n)  # −1: no group
    items, Y, V = [], [], []
    for k in range(4):
        codes = rng.integers(0, 6, n).astype(np.int16)  # 0: no answer
        y = np.array([0.0, 100.0, 75.0, 50.0, 25.0, 0.0])
        ok = np.array([False, True, True, True, True, k % 2 == 0])  # the last code in the base or not
        items.append((codes, y, ok))
        Y.append(np.where(codes == 0, np.nan, y[codes]))
        V.append(ok[codes])
    coded = ItemMeans.coded(des, items, groups, 4)
    dense = ItemMeans(des, np.column_stack(Y), np.column_stack(V), groups, 4)
    for cf in ([0.25] * 4, [1, 0, 0, 0], [0.5, -0.5, 0, 0], [0, 0.3, 0.3, 0.4]):
        a, b = coded.combine(cf), dense.combine(cf)
        np.testing.assert_allclose(a.coef(), b.coef(), rtol=1e-12)
        np.testing.assert_allclose(a.vcov(), b.vcov(), rtol=1e-10, atol=1e-14)
        assert list(a.n) == list(b.n) and list(a.df) == list(b.df)


def test_one_item_equals_svyby_domain_means():
    """One item with coefficient 1: its group means and their covariance are R's ``svyby(~y, ~g,
    design, svymean, covmat=TRUE)`` (:func:`analysis.compare.domain_estimates`, R golden tested), and
    element 0 is the mean over every row with a value."""
    from analysis.compare import domain_estimates

    des, rng = _messy_design(seed=7)
    n = des.n
    groups = rng.integers(0, 3, n)
    y = rng.choice([0.0, 25.0, 50.0, 75.0, 100.0, np.nan], n)
    comb = ItemMeans(des, y, np.isfinite(y), groups, 3).combine([1.0])
    dom = domain_estimates(des, y, groups)
    np.testing.assert_allclose(comb.coef()[1:], dom.coef(), rtol=1e-12)
    np.testing.assert_allclose(comb.vcov()[1:, 1:], dom.vcov(), rtol=1e-10)
    np.testing.assert_allclose(comb.df[1:], dom.df)
    ok = np.isfinite(y) & (des.weights > 0)
    assert comb.coef()[0] == pytest.approx(np.sum(des.weights[ok] * y[ok]) / np.sum(des.weights[ok]), rel=1e-12)


def test_score_without_the_external_file_says_why_there_is_no_overall_score(project):
    """The framework's external items and no --external: the note is in the table's language (it was English)."""
    rc, out, err = W.survey("score", project.root, "--framework", bundled_framework_path())
    assert rc == 0, err
    note = next(line for line in out.splitlines() if line.startswith("注："))
    assert "外部评分" in note and "--external" in note and "无法计算总分" in note


def test_the_table_cuts_a_score_interval_at_the_scale():
    """A Wald interval on a small base can pass 100 (98.0 [93.1, 102.9]); the printed table cuts it at the scale's
    end (and says so once, as the report does: ProjectScores.lines), while to_dict keeps the raw bounds."""
    from report.score import score_interval

    assert score_interval(93.14, 102.93) == ("[93.1, 100.0]", True)
    assert score_interval(-1.5, 4.0) == ("[0.0, 4.0]", True)
    assert score_interval(80.0, 90.0) == ("[80.0, 90.0]", False)


def test_score_text_says_what_its_ranks_are(project):
    """score.txt ranked the districts (东城区 first) where the report's 表19 ranks them by the composite satisfaction
    index (南湖区 first), and "1 (1–2)" was never explained: a note under the table says both, with the level of
    the comparisons (as the JSON's confidence)."""
    rc, out, err = W.survey("score", project.root, "--framework", bundled_framework_path(), "--external",
                            bundled_external_path())
    assert rc == 0, err
    note = next(line for line in out.splitlines() if line.startswith("注：排名按总分"))
    assert "含外部评分" in note and "95%置信水平" in note and "综合满意度指数" in note, note
    rc, out, _ = W.survey("score", project.root, "--framework", bundled_framework_path(), "--external",
                          bundled_external_path(), "--json")
    assert json.loads(out)["confidence"] == 0.95

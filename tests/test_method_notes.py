"""The report's method notes and overview name the variance method the analysis actually used
(report.method_text from meta.design, analysis.design_spec.describe): replicate weights or Taylor
linearisation over the strata and PSUs the design has, with the design's degrees of freedom — the rule
stated is checked against the design's own ``degf`` (R's ``degf``)."""

from __future__ import annotations

import numpy as np
import pytest

from report.pipeline import analyze, build_design
from report.render import _method_notes, build_context
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate

N = 400
DESIGNS = {  # name: (design, what the variance note must say (en), the degrees of freedom it states)
    "srs": ({}, "each respondent a sampling unit, no strata or clusters", lambda f: N - 1),
    "strata": ({"weights": "_w", "strata": "_st"}, "within strata, each respondent a sampling unit",
               lambda f: N - f["_st"].nunique()),
    "clusters": ({"weights": "_w", "psu": "_psu"}, "over primary sampling units, no strata",
                 lambda f: f["_psu"].nunique() - 1),
    "strata_clusters_fpc": ({"weights": "_w", "strata": "_st", "psu": "_psu", "fpc": "_npsu"},
                            "over strata and primary sampling units, with the finite population correction",
                            lambda f: f["_psu"].nunique() - f["_st"].nunique()),
    "jk1": ({"weights": "_w", "psu": "_psu", "replicates": "JK1"}, "JK1 replicate estimates", None),
}
RULES = {"srs": "n − 1", "strata": "n − strata", "clusters": "PSUs − 1", "strata_clusters_fpc": "PSUs − strata",
         "jk1": "the rank of the replicate weights − 1"}


@pytest.fixture(scope="module")
def frame():
    q = load_questionnaire(bundled_path())
    f = simulate(q, N, seed=11)
    rng = np.random.default_rng(4)
    f["_st"] = rng.integers(0, 4, N)
    f["_psu"] = f["_st"] * 100 + rng.integers(0, 8, N)
    f["_npsu"] = 30.0
    f["_w"] = np.round(rng.uniform(0.5, 2.5, N), 3)
    return q, f


@pytest.fixture(scope="module")
def results(frame):
    q, f = frame
    return {name: analyze(q, f, by=["district"], design=d) for name, (d, _, _) in DESIGNS.items()}


@pytest.mark.parametrize("name", list(DESIGNS))
def test_notes_follow_the_design(frame, results, name):
    q, f = frame
    design, says, df = DESIGNS[name]
    res = results[name]
    en = _method_notes(res, "en", 30, 10)
    zh = _method_notes(res, "zh", 30, 10)
    var_en, ci_en = en[1], en[3]
    assert says in var_en
    assert f"t with {RULES[name]} degrees of freedom" in ci_en
    assert res["meta"]["design"]["df_rule"] in zh[3] and res["meta"]["design"]["variance"] in zh[1]
    if name == "jk1":
        assert "Taylor" not in " ".join(en) and "泰勒" not in " ".join(zh)
        assert "replicate" in var_en and "重复权数" in zh[1]
        des = build_design(f, design)
        assert des.is_replicate and des.degf() == des.n_replicates - 1  # JK1 from 32 PSUs: rank 32 − 1
    else:
        assert "Taylor" in var_en and "泰勒线性化" in zh[1]
        assert build_design(f, design).degf() == df(f)
    if name != "strata_clusters_fpc":  # only the design that has both names both
        assert "over strata and primary sampling units" not in var_en and "按分层与初级抽样单元" not in zh[1]


def test_overview_names_the_variance_method_and_a_given_df(frame, results):
    q, f = frame
    ov = dict(build_context(results["jk1"], lang="en")["overview"])
    assert ov["Confidence intervals"].endswith("SEs by JK1 replicate weights (32)")
    ov = dict(build_context(results["srs"], lang="zh")["overview"])
    assert ov["置信区间方法"].endswith("标准误按泰勒线性化法计算")
    res = analyze(q, f, by=["district"], design=DESIGNS["strata"][0], df=12)
    en = _method_notes(res, "en", 30, 10)
    assert "t with 12 (given for this analysis) degrees of freedom" in en[3]
    assert "this analysis uses 12 degrees of freedom instead" in en[1]

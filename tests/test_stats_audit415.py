"""Contract audit of issues 4 and 15 (estimation engine; no silent differences from R).

* R's ``svychisq`` counts every row of the design object — rows with a zero weight included — in ``N``
  (``nrow(mm)``, which scales Pearson's X²) and in its own ``ν`` (distinct PSUs minus strata, which gives
  ``df2``); minyi counted only rows with a positive weight, so with explicit zero weights the Rao–Scott F's
  ``df2`` and p and the first-order χ² statistic differed from R.  A domain made by ``subset`` (R drops the
  other rows of an uncalibrated design) counts only the domain's rows.
* A weight column of zeros only was refused as "column 'y' has no valid values" (blaming the estimated
  column); it is now named as the problem.
* ``repr`` of a design printed the whole data frame and every per-row array; it is now one line.

Expected values below were produced by R 4.1 + survey 4.1.1 on the data built by :func:`zero_weight_data`
(the R code is in each test's docstring); they are R's numbers, not minyi's output.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from analysis import Design
from analysis.crosstab import crosstab
from analysis.replicates import as_svrepdesign
from analysis.weighting import rake


def zero_weight_data() -> pd.DataFrame:
    """90 rows, 3 strata × 5 PSUs, 12 explicit zero weights (every 8th row); no random numbers."""
    rows = []
    for i in range(90):
        rows.append({"h": f"S{i % 3}", "psu": (i // 3) % 5 + 1, "w": 0 if i % 8 == 0 else 1 + (i * 7) % 5,
                     "g": "abc"[(i * i + i // 4) % 3], "q": "xyz"[(i // 2 + i % 5 + i % 3) % 3]})
    return pd.DataFrame(rows)


# R: d <- read.csv("z.csv"); des <- svydesign(ids=~1, strata=~h, weights=~w, data=d)
#    svychisq(~g+q, des, statistic="F" | "Chisq" | "adjWald")
R_UNCLUSTERED = {"F": (0.755023801011098, 3.91678004031892, 340.759863507746, 0.552634583250065),
                 "chisq": (4.15328951129324, 0.554468166005559),
                 "adjwald": (0.872949873389879, 4, 84, 0.483752593881413)}
# R: svydesign(ids=~psu, strata=~h, weights=~w, data=d, nest=TRUE)
R_CLUSTERED = {"F": (0.526531240230225, 2.73507326529561, 32.8208791835474, 0.650920033823093),
               "chisq": (4.15328951129324, 0.716247207921592),
               "adjwald": (0.706127150211764, 4, 9, 0.60752857335717)}
# R: svychisq(~g+q, subset(des, h != "S0"), statistic = "F" / "Chisq") on the unclustered design
R_SUBSET = {"F": (0.46924624136457, 3.94489094663528, 228.803674904846, 0.755703132272739),
            "chisq": (2.58671269502826, 0.758371519242389)}


def _check(ct, expected: dict) -> None:
    f = ct.test_record("F")
    assert [f["F"], f["df1"], f["df2"], f["p"]] == pytest.approx(list(expected["F"]), rel=1e-8)
    c = ct.test_record("chisq")
    assert [c["chisq"], c["p"]] == pytest.approx(list(expected["chisq"]), rel=1e-8)
    if "adjwald" in expected:
        a = ct.test_record("adjwald")
        assert [a["F"], a["df1"], a["df2"], a["p"]] == pytest.approx(list(expected["adjwald"]), rel=1e-8)


@pytest.mark.parametrize("clustered", [False, True])
def test_rao_scott_counts_zero_weight_rows_as_r_svychisq(clustered):
    d = zero_weight_data()
    design = Design.from_frame(d, weights="w", strata="h", psu="psu" if clustered else None)
    _check(crosstab(design, "g", "q"), R_CLUSTERED if clustered else R_UNCLUSTERED)


def test_rao_scott_on_a_subset_counts_only_the_domain_rows_as_r():
    d = zero_weight_data()
    design = Design.from_frame(d, weights="w", strata="h").subset((d["h"] != "S0").to_numpy())
    _check(crosstab(design, "g", "q"), R_SUBSET)


def test_crosstab_cli_json_equals_r_with_zero_weights(tmp_path):
    path = tmp_path / "z.csv"
    zero_weight_data().to_csv(path, index=False)
    r = CliRunner().invoke(cli.app, ["crosstab", str(path), "--row", "g", "--col", "q", "--weight", "w",
                                     "--strata", "h", "--json"])
    assert r.exit_code == 0, r.output
    t = json.loads(r.stdout)["test"]
    assert t["name"] == "rao-scott-F"
    assert [t["F"], t["df1"], t["df2"], t["p"]] == pytest.approx(list(R_UNCLUSTERED["F"]), rel=1e-8)


def _main(args: list) -> int:
    """Exit code of the console script ``survey ARGS`` (cli.main prints the message, as the script)."""
    try:
        return cli.main(args)
    except SystemExit as e:
        return e.code


@pytest.mark.parametrize("command", [["estimate", "--var", "y"], ["crosstab", "--row", "g", "--col", "q"]])
def test_a_weight_column_of_zeros_is_named_not_the_estimated_column(tmp_path, capsys, command):
    d = zero_weight_data().assign(w=0, y=range(90))
    path = tmp_path / "zeros.csv"
    d.to_csv(path, index=False)
    assert _main([command[0], str(path), *command[1:], "--weight", "w"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "zeros.csv" in err and "weight column 'w'" in err and "every weight is 0" in err
    assert "has no valid values" not in err


def test_design_repr_is_one_short_line():
    d = pd.concat([zero_weight_data()] * 50, ignore_index=True)  # 4,500 rows
    plain = Design.from_frame(d, weights="w", strata="h", psu="psu")
    designs = [plain, plain.subset((d["g"] == "a").to_numpy()), as_svrepdesign(plain),
               rake(plain, {"g": {"a": 300, "b": 300, "c": 400}})[0]]
    for des in designs:
        text = repr(des)
        assert "\n" not in text and len(text) < 200, text[:300]
        assert text.startswith(type(des).__name__ + "(") and "n=4,500" in text
    assert "strata='h'" in repr(plain) and f"df={plain.degf()}" in repr(plain)
    assert "rows in the domain" in repr(designs[1])


def _fpc_data() -> pd.DataFrame:
    """3 strata sampled at fractions 1/4, 1/5, 1/8 (no weight column): R derives weights 4, 5, 8."""
    d = zero_weight_data().drop(columns="w")
    return d.assign(frac=d["h"].map({"S0": 0.25, "S1": 0.2, "S2": 0.125}))


def test_survey_weight_says_when_the_weights_come_from_the_fpc(tmp_path, capsys):
    """Issue 15: without --weight the weights are derived from the fpc "and say so in the output" —
    survey estimate and crosstab did; survey weight raked the derived weights without a word."""
    path, margin = tmp_path / "f.csv", tmp_path / "g.csv"
    _fpc_data().to_csv(path, index=False)
    pd.DataFrame({"g": ["a", "b", "c"], "share": [0.3, 0.3, 0.4]}).to_csv(margin, index=False)
    out = tmp_path / "out.csv"
    assert _main(["weight", str(path), "--margin", f"g={margin}", "--strata", "h", "--fpc", "frac",
                  "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "derived from the fpc" in text
    # the derived weights are what was raked: their sum (R: sum(1/frac)) is the population total used
    assert pd.read_csv(out)["weight_cal"].sum() == pytest.approx((1 / _fpc_data()["frac"]).sum(), rel=1e-12)


def test_logit_calibration_that_breaks_down_says_why_not_misfit_nan(tmp_path, capsys):
    """R's calibrate(calfun="logit", bounds=c(0.5, 2)) stops with "missing value where TRUE/FALSE needed"
    when totals 20 times the sample's are asked for; minyi refused with "largest relative misfit nan"."""
    d = zero_weight_data().assign(w=lambda x: x["w"] + 1, y=[float(i % 7) for i in range(90)])
    path, margin = tmp_path / "d.csv", tmp_path / "g.csv"
    d.to_csv(path, index=False)
    pd.DataFrame({"g": ["a", "b", "c"], "share": [0.3, 0.3, 0.4]}).to_csv(margin, index=False)
    total = 20 * float((d["w"] * d["y"]).sum())
    assert _main(["weight", str(path), "--margin", f"g={margin}", "--total", f"y={total}", "--method", "logit",
                  "--bounds", "0.5,2", "--weight", "w", "--population-total", str(20 * d["w"].sum()),
                  "--out", str(tmp_path / "o.csv")]) == 1
    err = capsys.readouterr().err
    assert "did not converge" in err and "misfit nan" not in err
    assert "cannot be met" in err and len(err.strip().splitlines()) == 1


def test_svyglm_repr_is_short_and_names_the_fit():
    """print(fit) in a notebook showed ~15,000 characters of arrays; R prints the call and coefficients."""
    from analysis.glm import svyglm

    d = pd.concat([zero_weight_data()] * 20, ignore_index=True).assign(
        y=lambda x: [float((i * 13) % 11) for i in range(len(x))], sat=lambda x: (x["q"] == "x").astype(int))
    design = Design.from_frame(d, weights="w", strata="h", psu="psu")
    for fit in (svyglm(design, "y ~ g"), svyglm(design, "sat ~ y", family="binomial")):
        text = repr(fit)
        assert "\n" not in text and len(text) < 300, text[:400]
        assert text.startswith(f"SvyGLM({fit.response} ~ ") and f"family={fit.family}" in text
        assert all(name in text for name in fit.names)


def _mean_one_weights() -> pd.DataFrame:
    """Weights scaled to mean 1 whose float sum is n + 1.4e-14 (R's N̂ − n is then rounding noise)."""
    d = zero_weight_data().drop(columns="w")
    w = pd.Series([1 + ((i * 4) % 17) / 10 for i in range(len(d))])
    d["w"] = w / w.mean()
    d["y"] = [float((i * 13) % 11) for i in range(len(d))]
    assert d["w"].sum() > len(d)  # the case: R's (N̂ − n)/N̂ = 1.6e-16
    return d


def _replace_deff(d: pd.DataFrame, u: pd.Series, se: float) -> float:
    """se² over the with-replacement SRS variance s²_w/n (R deff="replace"; s²_w is R's svyvar)."""
    w, n = d["w"], len(d)
    mean = (w * u).sum() / w.sum()
    s2 = (w * (u - mean) ** 2).sum() / w.sum() * n / (n - 1)
    return se**2 / (s2 / n)


def test_design_effect_with_weights_scaled_to_mean_one_is_not_rounding_noise(tmp_path):
    """Weights scaled to mean 1 sum to n up to rounding; R's deff=TRUE then divides by (N̂ − n)/N̂ ≈ 1e-16 and
    prints deff ≈ 7e15 (R itself, survey 4.1.1), which the report turned into a margin of error.  Where Σw is n
    up to 1e-9 the deff is the with-replacement one (R deff="replace"), as it already was for Σw = n exactly."""
    from analysis.estimators import svymean, svyprop

    d = _mean_one_weights()
    design = Design.from_frame(d, weights="w", strata="h")
    m = svymean(design, "y")
    assert m.deff == pytest.approx(_replace_deff(d, d["y"], m.se), rel=1e-9)
    share = svyprop(design, (d["q"] == "x").to_numpy().astype(float))
    assert share.deff == pytest.approx(_replace_deff(d, (d["q"] == "x").astype(float), share.se), rel=1e-9)
    cells = crosstab(design, "g", "q").cells
    assert cells["deff"].between(0.1, 10).all(), cells["deff"].tolist()
    path = tmp_path / "w1.csv"
    d.to_csv(path, index=False)
    r = CliRunner().invoke(cli.app, ["estimate", str(path), "--var", "y", "--weight", "w", "--strata", "h",
                                     "--json"])
    assert json.loads(r.stdout)[0]["deff"] == pytest.approx(m.deff, rel=1e-12)
    # a deliberate difference from R: the text output says so (R deff="replace"), not only the docs
    text = CliRunner().invoke(cli.app, ["estimate", str(path), "--var", "y", "--weight", "w", "--strata", "h"]).output
    assert "with-replacement SRS variance (R deff='replace')" in text
    d2 = d.assign(w=d["w"] * 3)  # weights summing to 3n: R's own deff, nothing to say
    d2.to_csv(path, index=False)
    text = CliRunner().invoke(cli.app, ["estimate", str(path), "--var", "y", "--weight", "w", "--strata", "h"]).output
    assert "deff='replace'" not in text


def test_the_design_sentence_names_questions_by_their_text_not_their_ids(tmp_path):
    """The report's 抽样设计与加权 line (meta.design.description, docs/analyze-json.md) read "分层变量：A5；
    初级抽样单元：A6" — raw question ids in text a leader reads.  Design columns that are questions are now
    named by the question's text (English text in description_en); the id fields keep the column names."""
    import re

    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate, write_csv

    q = load_questionnaire(bundled_path())
    csv, proj = tmp_path / "r.csv", tmp_path / "proj"
    write_csv(simulate(q, 300, seed=5), csv)
    runner = CliRunner()
    assert runner.invoke(cli.app, ["init", str(proj), "--questionnaire", str(bundled_path())]).exit_code == 0
    assert runner.invoke(cli.app, ["import", str(proj), str(csv), "--wave", "2026Q1"]).exit_code == 0
    cfg = proj / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8")
    site, district = q.site_question, q.district_question
    text = re.sub(r"strata: null", f"strata: {site}", text, count=1)
    text = re.sub(r"psu: null", f"psu: {district}", text, count=1)
    cfg.write_text(text, encoding="utf-8")
    for engine in ("memory", "duckdb"):
        r = runner.invoke(cli.app, ["analyze", str(proj), "--json", "--by", "site", "--engine", engine])
        assert r.exit_code == 0, r.output
        design = json.loads(r.stdout)["meta"]["design"]
        assert design["strata"] == site and design["psu"] == district
        zh, en = design["description"], design["description_en"]
        assert q.get(site).text in zh and q.get(district).text in zh, (engine, zh)
        assert not re.search(rf"(?<![A-Za-z0-9_])({site}|{district})(?![A-Za-z0-9_])", zh + " " + en), (zh, en)
        assert q.get(district).i18n["en"]["text"] in en, (engine, en)


def test_poststratify_with_two_margins_is_a_usage_error_not_a_margin_file_problem(tmp_path, capsys):
    """It blamed both margin files ("mg.csv, ma.csv: error: ...") with the hint "check the categories of the
    margin file against the data"; the files were fine — the option combination is the problem (exit 2)."""
    d = zero_weight_data().assign(w=lambda x: x["w"] + 1)
    path, mg, mq = tmp_path / "d.csv", tmp_path / "g.csv", tmp_path / "q.csv"
    d.to_csv(path, index=False)
    pd.DataFrame({"g": ["a", "b", "c"], "share": [0.3, 0.3, 0.4]}).to_csv(mg, index=False)
    pd.DataFrame({"q": ["x", "y", "z"], "share": [0.3, 0.3, 0.4]}).to_csv(mq, index=False)
    code = _main(["weight", str(path), "--margin", f"g={mg}", "--margin", f"q={mq}", "--method", "poststratify",
                  "--weight", "w", "--out", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "--method rake" in err and "check the categories" not in err and "Traceback" not in err
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("extra, needle", [
    (["--score", "x=1", "--score", "y=2", "--score", "y=5", "--score", "z=3"], "'y' twice"),
    (["--score", "x=1", "--score", "y=2", "--score", "z=3", "--missing", "z"], "both as --missing and as --score"),
    (["--level", "x", "--missing", "x"], "both as --missing and as --level"),
])
def test_contradictory_score_level_missing_options_are_refused(tmp_path, capsys, extra, needle):
    """--score y=2 --score y=5 silently used 5; a value given as --missing and as --score/--level silently left
    the base.  Both now exit 2 naming the value (nothing changed silently)."""
    path = tmp_path / "d.csv"
    zero_weight_data().to_csv(path, index=False)
    code = _main(["estimate", str(path), "--var", "q", *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert needle in err and "Traceback" not in err


def test_crosstab_with_a_single_category_says_there_is_nothing_to_test(tmp_path):
    """`survey crosstab --col C` where C has one value printed "Rao–Scott F = nan, df = (nan, nan), p = nan"."""
    path = tmp_path / "d.csv"
    zero_weight_data().assign(one="same").to_csv(path, index=False)
    for test in ("F", "wald"):
        r = CliRunner().invoke(cli.app, ["crosstab", str(path), "--row", "g", "--col", "one", "--test", test])
        assert r.exit_code == 0, r.output
        assert "nan" not in r.stdout
        assert "'one' has a single category" in r.stdout

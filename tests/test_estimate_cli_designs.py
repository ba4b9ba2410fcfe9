"""`survey estimate` / `crosstab` / `weight` with the designs and statistics of issue 15, checked against
the R golden values (tests/golden/r_*.R): multistage, PPS, fpc-derived weights, replicate weights,
totals, ratios, quantiles, svychisq tests, asin/likelihood intervals."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import cli

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()


def golden(script, case):
    e = pd.read_csv(GOLDEN / f"r_{script}_expected.csv", dtype={"value": float})
    e = e[e.case == case]
    return dict(zip(e.quantity, e.value))


def run(args):
    r = runner.invoke(cli.app, args)
    assert r.exit_code == 0, r.output
    return r.output


def run_json(args):
    r = runner.invoke(cli.app, args + ["--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)  # notes go to stderr


def test_multistage_fpc_per_stage():
    ex = golden("design_types", "apiclus2")
    path = GOLDEN / "r_design_types_apiclus2.csv"
    (rec,) = run_json(["estimate", str(path), "--var", "api00", "--psu", "dnum,snum", "--fpc", "fpc1,fpc2"])
    assert rec["estimate"] == pytest.approx(ex["mean"], rel=1e-8)
    assert rec["se"] == pytest.approx(ex["mean_se"], rel=1e-8)
    assert rec["df"] == ex["degf"]
    (tot,) = run_json(["estimate", str(path), "--var", "api00", "--total", "--psu", "dnum,snum", "--fpc", "fpc1,fpc2"])
    assert tot["estimate"] == pytest.approx(ex["total"], rel=1e-8) and tot["se"] == pytest.approx(ex["total_se"], rel=1e-8)
    (ra,) = run_json(["estimate", str(path), "--ratio", "api00/api99", "--psu", "dnum,snum", "--fpc", "fpc1,fpc2"])
    assert ra["var"] == "api00/api99"
    assert ra["estimate"] == pytest.approx(ex["ratio"], rel=1e-8) and ra["se"] == pytest.approx(ex["ratio_se"], rel=1e-8)
    (p,) = run_json(["estimate", str(path), "--var", "yes", "--level", "1", "--psu", "dnum,snum", "--fpc", "fpc1,fpc2",
                     "--ci", "clopper-pearson"])
    assert (p["ci_low"], p["ci_high"]) == pytest.approx((ex["prop_beta_ci_low"], ex["prop_beta_ci_high"]), rel=1e-6)


def test_fpc_without_weights_derives_them_and_says_so():
    ex = golden("design_types", "fpc_counts")
    path = GOLDEN / "r_design_types_fpc.csv"
    args = ["estimate", str(path), "--var", "x", "--strata", "stratid", "--psu", "psuid", "--fpc", "Nh"]
    (rec,) = run_json(args)
    assert rec["estimate"] == pytest.approx(ex["mean"], rel=1e-8) and rec["se"] == pytest.approx(ex["mean_se"], rel=1e-8)
    text = run(args)
    assert "weights derived from the fpc" in text
    assert "repeat across strata" in text  # psuid 1, 2, 3 in both strata: nested, and said
    ex = golden("design_types", "fpc_fractions")
    (rec,) = run_json(["estimate", str(path), "--var", "x", "--strata", "stratid", "--psu", "psuid", "--fpc", "fh"])
    assert rec["se"] == pytest.approx(ex["mean_se"], rel=1e-8)


def test_pps_brewer():
    ex = golden("design_types", "election_brewer")
    (rec,) = run_json(["estimate", str(GOLDEN / "r_design_types_election_pps.csv"), "--var", "Kerry", "--total",
                       "--fpc", "p", "--pps", "brewer"])
    assert rec["estimate"] == pytest.approx(ex["total"], rel=1e-8) and rec["se"] == pytest.approx(ex["total_se"], rel=1e-8)


def test_quantiles():
    ex = golden("quantiles", "strat")
    out = run_json(["estimate", str(GOLDEN / "r_quantiles_apistrat.csv"), "--var", "api00", "--quantile", "0.25",
                    "--quantile", "0.5", "--strata", "stype", "--weight", "pw", "--fpc", "fpc", "--qrule", "hf7"])
    assert [r["var"] for r in out] == ["api00 q0.25", "api00 q0.5"]
    for r, q in zip(out, ("0.25", "0.5")):
        key = f"q{q}|hf7|mean|0.95"
        assert r["estimate"] == pytest.approx(ex[f"{key}|quantile"], rel=1e-8)
        assert r["se"] == pytest.approx(ex[f"{key}|se"], rel=1e-8)
        assert r["ci_low"] == pytest.approx(ex[f"{key}|ci_low"], rel=1e-6)
        assert r["ci_method"] == "woodruff-mean"


@pytest.mark.parametrize("ci", ["asin", "likelihood"])
def test_asin_and_likelihood_intervals(ci):
    ex = golden("ciprop", "clus1")
    (rec,) = run_json(["estimate", str(GOLDEN / "r_ciprop_apiclus1.csv"), "--var", "award", "--level", "1",
                       "--psu", "dnum", "--weight", "pw", "--fpc", "fpc", "--ci", ci])
    assert (rec["ci_low"], rec["ci_high"]) == pytest.approx((ex[f"{ci}_ci_low"], ex[f"{ci}_ci_high"]), rel=1e-6)
    assert rec["ci_method"] == ci


def test_zero_share_states_the_method_used():
    (rec,) = run_json(["estimate", str(GOLDEN / "r_ciprop_apiclus1.csv"), "--var", "none", "--level", "1",
                       "--psu", "dnum", "--weight", "pw", "--fpc", "fpc"])
    assert rec["estimate"] == 0 and rec["ci_low"] == 0 and rec["ci_high"] > 0.01
    assert rec["ci_method"] == "clopper-pearson"


def test_replicate_weights_given_and_made():
    ex = golden("replicates", "boot")
    scale = ex["scale_from_as_svrepdesign"]
    path = GOLDEN / "r_replicates_apiclus1.csv"
    (rec,) = run_json(["estimate", str(path), "--var", "api00", "--weight", "pw", "--repweights", "bw[0-9]+",
                       "--rep-type", "bootstrap", "--rep-scale", repr(scale)])
    assert rec["se"] == pytest.approx(ex["mean_se"], rel=1e-8) and rec["df"] == ex["degf"]
    ex = golden("replicates", "jk1")
    (rec,) = run_json(["estimate", str(path), "--var", "api00", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc",
                       "--replicates", "JK1"])
    assert rec["se"] == pytest.approx(ex["mean_se"], rel=1e-8)
    out = run_json(["estimate", str(path), "--var", "api00", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc",
                    "--replicates", "JK1", "--by", "stype"])
    by = {r["domain"]["stype"]: r for r in out}
    for g in ("E", "H", "M"):
        assert by[g]["se"] == pytest.approx(ex[f"by_{g}_se"], rel=1e-8)


@pytest.mark.parametrize("test,r_name", [("F", "F"), ("wald", "Wald"), ("adjwald", "adjWald"), ("chisq", "Chisq")])
def test_crosstab_tests(test, r_name):
    ex = golden("svychisq", "clus1_stype_awards")
    out = run_json(["crosstab", str(GOLDEN / "r_svychisq_apiclus1.csv"), "--row", "stype", "--col", "awards",
                    "--psu", "dnum", "--weight", "pw", "--fpc", "fpc", "--test", test])
    t = out["test"]
    stat = t["chisq"] if test == "chisq" else t["F"]
    assert stat == pytest.approx(ex[f"{r_name}|statistic"], rel=1e-8)
    assert t["p"] == pytest.approx(ex[f"{r_name}|p"], rel=1e-6)
    if test == "F":
        assert list(t) == ["name", "F", "df1", "df2", "p"] and t["name"] == "rao-scott-F"


def test_weight_linear_calibration(tmp_path):
    ex = golden("calibrate", "greg_stype_api99")
    pop = tmp_path / "stype.csv"
    pop.write_text("stype,N\nE,4421\nH,755\nM,1018\n", encoding="utf-8")
    out = tmp_path / "w.csv"
    rep = run_json(["weight", str(GOLDEN / "r_calibrate_apiclus1.csv"), "--method", "linear", "--margin",
                    f"stype={pop}", "--total", "api99=3914069", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc",
                    "--out", str(out)])
    assert rep["converged"]
    w = pd.read_csv(out)["weight_cal"]
    assert w.iloc[0] == pytest.approx(ex["weight_1"], rel=1e-8) and w.sum() == pytest.approx(ex["sum_weights"], rel=1e-8)


@pytest.mark.parametrize("args", [["--ci", "bogus"], ["--lonely-psu", "bogus"], ["--pps", "sampford"],
                                  ["--rep-type", "jack"], ["--replicates", "JK3"], ["--qrule", "hf9x"]])
def test_invalid_choices_are_usage_errors(args):
    r = runner.invoke(cli.app, ["estimate", str(GOLDEN / "r_quantiles_apistrat.csv"), "--var", "api00"] + args)
    assert r.exit_code == 2
    assert "is not one of" in r.output

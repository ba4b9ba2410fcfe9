"""`survey estimate` leftovers of the statistics red team (round 2), each against R's survey package:

* ``--ci`` for quantiles is R's ``svyquantile(interval.type=)`` (wald = "mean", logit = "xlogit", asin,
  clopper-pearson = "beta"; golden values of tests/golden/r_quantiles.R); other methods, and any method but
  wald for a mean, total or ratio, are refused instead of silently ignored;
* the jeffreys interval uses no degrees of freedom, so its record shows none (JSON df null) and says why;
* a column with one value has no design effect (R: Inf for svymean, NaN for svyratio): deff null + note;
* multistage fpc and weight messages name the stage, its column, the parent unit and the line.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from analysis import Design
from analysis.estimators import svytotal

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()
APISTRAT = GOLDEN / "r_quantiles_apistrat.csv"
STRAT = ["--strata", "stype", "--weight", "pw", "--fpc", "fpc"]


def golden(script, case):
    e = pd.read_csv(GOLDEN / f"r_{script}_expected.csv", dtype={"value": float})
    e = e[e.case == case]
    return dict(zip(e.quantity, e.value))


def invoke(args):
    return runner.invoke(cli.app, [str(a) for a in args])


def run_main(args):
    """The command as a user runs it (cli.main: errors become one message on stderr, exit 1)."""
    return subprocess.run([sys.executable, "-c", "import cli, sys; cli.main(sys.argv[1:])", *map(str, args)],
                          capture_output=True, text=True)


def run_json(args):
    r = invoke(args + ["--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.mark.parametrize("ci,itype", [(None, "mean"), ("wald", "mean"), ("logit", "xlogit"), ("asin", "asin"),
                                      ("clopper-pearson", "beta")])
def test_quantile_ci_is_r_interval_type(ci, itype):
    ex = golden("quantiles", "strat")
    qs = [0.1, 0.5, 0.9]
    args = ["estimate", APISTRAT, "--var", "api00"] + [a for q in qs for a in ("--quantile", str(q))] + STRAT
    recs = run_json(args + (["--ci", ci] if ci else []))
    for q, rec in zip(qs, recs):
        key = f"q{q:g}|math|{itype}|0.95"
        assert rec["ci_method"] == f"woodruff-{itype}"
        assert rec["estimate"] == pytest.approx(ex[f"{key}|quantile"], rel=1e-8)
        assert rec["se"] == pytest.approx(ex[f"{key}|se"], rel=1e-8)
        assert (rec["ci_low"], rec["ci_high"]) == pytest.approx((ex[f"{key}|ci_low"], ex[f"{key}|ci_high"]), rel=1e-6)


@pytest.mark.parametrize("ci", ["jeffreys", "wilson", "agresti-coull", "likelihood"])
def test_quantile_ci_without_a_woodruff_version_is_refused(ci):
    r = run_main(["estimate", APISTRAT, "--var", "api00", "--quantile", "0.5", "--ci", ci] + STRAT)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"error: --ci '{ci}' has no quantile (Woodruff) version (for quantiles use --ci wald, logit, asin, " \
        "clopper-pearson)" in r.stderr, r.stderr


@pytest.mark.parametrize("extra", [["--var", "api00"], ["--var", "api00", "--total"], ["--ratio", "api00/enroll"]])
def test_ci_other_than_wald_is_refused_for_means_totals_ratios(extra):
    r = invoke(["estimate", APISTRAT] + extra + ["--ci", "clopper-pearson"] + STRAT)
    assert r.exit_code == 2, r.output
    assert "Wald interval" in r.output
    ok = invoke(["estimate", APISTRAT] + extra + ["--ci", "wald"] + STRAT)
    assert ok.exit_code == 0, ok.output


def test_quantile_record_has_no_label_domain():
    (rec,) = run_json(["estimate", APISTRAT, "--var", "api00", "--quantile", "0.5"] + STRAT)
    assert rec["domain"] is None and rec["var"] == "api00 q0.5"
    recs = run_json(["estimate", APISTRAT, "--var", "api00", "--quantile", "0.5", "--by", "stype"] + STRAT)
    assert [r["domain"] for r in recs] == [{"stype": s} for s in ("E", "H", "M")]


def _shares(tmp_path):
    rng = np.random.default_rng(5)
    d = pd.DataFrame({"h": np.repeat([1, 2, 3], 20), "psu": np.repeat(np.arange(12), 5),
                      "w": rng.uniform(1, 5, 60).round(2), "q": rng.choice(["a", "b"], 60),
                      "c": "same", "x": rng.uniform(1, 4, 60).round(2)})
    d["y2"] = 2 * d["x"]
    path = tmp_path / "d.csv"
    d.to_csv(path, index=False)
    return path, d, ["--weight", "w", "--strata", "h", "--psu", "psu"]


def test_jeffreys_shows_no_df_it_does_not_use(tmp_path):
    path, _, des = _shares(tmp_path)
    base = ["estimate", path, "--var", "q", "--level", "a"] + des
    (jef,) = run_json(base + ["--ci", "jeffreys"])
    (log,) = run_json(base + ["--ci", "logit"])
    assert jef["df"] is None and log["df"] == 9.0  # 12 PSUs − 3 strata, used by the logit interval
    text = invoke(base + ["--ci", "jeffreys"])
    assert text.exit_code == 0 and " df=" not in text.output.splitlines()[0]
    assert "no degrees of freedom" in text.output and "design df is 9" in text.output
    assert " df=9 " in invoke(base + ["--ci", "logit"]).output


def test_constant_column_has_no_design_effect(tmp_path):
    path, d, des = _shares(tmp_path)
    (mean,) = run_json(["estimate", path, "--var", "c", "--score", "same=3"] + des)
    (total,) = run_json(["estimate", path, "--var", "c", "--score", "same=3", "--total"] + des)
    (ratio,) = run_json(["estimate", path, "--ratio", "y2/x"] + des)
    assert mean["estimate"] == pytest.approx(3) and mean["deff"] is None
    assert ratio["estimate"] == pytest.approx(2) and ratio["deff"] is None
    # the total of a constant 3 is 3 N̂: its SE is 3 × the SE of N̂ (R svytotal), while its deff is not defined
    n_hat = svytotal(Design.from_frame(d, weights="w", strata="h", psu="psu"), np.ones(len(d)))
    assert total["se"] == pytest.approx(3 * n_hat.se, rel=1e-10) and total["deff"] is None
    text = invoke(["estimate", path, "--var", "c", "--score", "same=3"] + des).output
    assert "deff=n/a" in text and "design effect is not defined" in text
    # a column that varies keeps its deff
    (var,) = run_json(["estimate", path, "--var", "x"] + des)
    assert np.isfinite(var["deff"])


def _multistage(tmp_path, change):
    rows = [dict(district=f"D{d}", school=f"S{d}{s}", y=d + s + i, N1=10, N2=8)
            for d in range(4) for s in range(3) for i in range(4)]
    frame = pd.DataFrame(rows)
    change(frame)
    path = tmp_path / "ms.csv"
    frame.to_csv(path, index=False)
    r = run_main(["estimate", path, "--var", "y", "--psu", "district,school", "--fpc", "N1,N2"])
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    return r.stderr


def test_multistage_fpc_messages_name_stage_column_and_line(tmp_path):
    out = _multistage(tmp_path, lambda f: f.__setitem__("N2", np.where(f.index == 5, 9, 8)))
    assert "ms.csv:2:N2: error: fpc column 'N2' of stage 2 ('school') varies in 'district' D0 (stage 1): 8 here, 9 " \
        "on line 7" in out, out
    out = _multistage(tmp_path, lambda f: f.__setitem__("N2", np.where(f.district == "D1", 2, 8)))
    assert "ms.csv:14:N2: error: fpc column 'N2' ('district' D1 (stage 1)): the population size 2 is smaller than " \
        "the 3 units of stage 2 ('school') sampled there" in out, out
    out = _multistage(tmp_path, lambda f: f.__setitem__("N1", 3))
    assert "ms.csv:2:N1: error: fpc column 'N1' (no strata): the population size 3 is smaller than the 4 units of " \
        "stage 1 ('district') sampled there" in out and "in a stratum" not in out, out
    out = _multistage(tmp_path, lambda f: f.__setitem__("N2", np.where(f.district == "D1", 0, 8)))
    assert "ms.csv:14:N2: error: fpc column 'N2' of stage 2 ('school') holds the sampling fraction 0 here" in out, out


def test_multistage_weights_note_and_lonely_unit_name_the_stages(tmp_path):
    rows = [dict(district=f"D{d}", school=f"S{d}{s}", y=d + s + i, N1=10, N2=8)
            for d in range(4) for s in range(3 if d else 1) for i in range(4)]
    path = tmp_path / "ms.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    r = run_main(["estimate", path, "--var", "y", "--psu", "district,school", "--fpc", "N1,N2"])
    assert r.returncode == 1
    assert "a unit of stage 1 ('district') holds only one sampled unit of stage 2 ('school')" in r.stderr
    r = invoke(["estimate", path, "--var", "y", "--psu", "district,school", "--fpc", "N1,N2", "--lonely-psu",
                "certainty"])
    assert r.exit_code == 0, r.output
    assert "N1/(units of stage 1 ('district') sampled) × N2/(units of stage 2 ('school') sampled)" in r.output


def test_nan_variance_of_average_is_not_called_a_constant_column(tmp_path):
    """R (survey.lonely.psu="average", ids=~district+school) gives SE NaN when a district holds one school;
    the deff note must not claim the column is constant, and the NaN is explained."""
    rows = [dict(h=h, district=f"{h}{d}", school=f"{h}{d}s{s}", N1=6, N2=5, y=float(d * 3 + s + i))
            for h in "AB" for d in range(3) for s in range(1 if (h, d) == ("A", 0) else 2) for i in range(3)]
    path = tmp_path / "ms.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    args = ["estimate", path, "--var", "y", "--strata", "h", "--psu", "district,school", "--fpc", "N1,N2"]
    r = invoke(args + ["--lonely-psu", "average"])
    assert r.exit_code == 0, r.output
    assert "se=nan" in r.output and "same value" not in r.output and "no others to average over" in r.output
    ok = invoke(args + ["--lonely-psu", "adjust"])
    assert "se=nan" not in ok.output and "no others to average over" not in ok.output


# ---- golden values of tests/golden/r_redteam2.R -------------------------------------------------------------
LONELY = GOLDEN / "r_redteam2_lonely.csv"
LONELY_DESIGN = ["--strata", "h", "--psu", "psu", "--weight", "w", "--fpc", "N"]


def close(a, b, rel):
    assert (a is None and np.isnan(b)) or a == pytest.approx(b, rel=rel), (a, b)


@pytest.mark.parametrize("lonely", ["adjust", "average", "certainty", "remove"])
def test_one_psu_strata_certainty_stratum_and_domains_equal_r(lonely):
    """Stratum B has one PSU (lonely), D one PSU that is its whole population (certainty: fpc 1); the domain
    x holds one PSU of stratum A. Means, totals, ratios, deff, degf and svyby domains under each option."""
    ex = golden("redteam2", lonely)
    des = LONELY_DESIGN + ["--lonely-psu", lonely]
    (m,) = run_json(["estimate", LONELY, "--var", "y"] + des)
    (t,) = run_json(["estimate", LONELY, "--var", "y", "--total"] + des)
    (r,) = run_json(["estimate", LONELY, "--ratio", "y/x"] + des)
    for got, key in ((m["estimate"], "mean"), (m["se"], "mean_se"), (m["deff"], "mean_deff"), (m["df"], "degf"),
                     (t["se"], "total_se"), (t["deff"], "total_deff"), (r["estimate"], "ratio"),
                     (r["se"], "ratio_se")):
        close(got, ex[key], 1e-8)
    for rec in run_json(["estimate", LONELY, "--var", "y", "--by", "dom"] + des):
        g = rec["domain"]["dom"]
        for got, key in ((rec["estimate"], ""), (rec["se"], "_se"), (rec["deff"], "_deff"), (rec["df"], "_degf")):
            close(got, ex[f"by_{g}{key}"], 1e-8)


def test_constant_column_against_r():
    """R: svytotal's SE of a constant is the SE of 3 N̂ (equal here); its deff is Inf, svymean's and svyratio's
    NaN — minyi gives no deff for any of them (docs/statistics.md)."""
    ex = golden("redteam2", "constant")
    des = LONELY_DESIGN + ["--lonely-psu", "adjust"]
    (t,) = run_json(["estimate", LONELY, "--var", "one", "--total"] + des)
    assert t["estimate"] == pytest.approx(ex["total"], rel=1e-12) and t["se"] == pytest.approx(ex["total_se"], rel=1e-8)
    assert np.isinf(ex["total_deff"]) and t["deff"] is None
    (m,) = run_json(["estimate", LONELY, "--var", "one"] + des)
    assert np.isnan(ex["mean_deff"]) and m["deff"] is None


@pytest.mark.parametrize("ci,itype", [("wald", "mean"), ("logit", "xlogit"), ("clopper-pearson", "beta"),
                                      ("asin", "asin")])
def test_replicate_quantile_interval_is_r_woodruff_of_that_type(ci, itype):
    """R's svyquantile.svyrep.design drops interval.type (its xlogit interval is its mean one); minyi's --ci gives
    R's woodruffCI(method=) on the replicate SE, and the output says so."""
    ex = golden("redteam2", "rep_quantile")
    args = ["estimate", APISTRAT, "--var", "api00", "--quantile", "0.25", "--quantile", "0.5", "--strata", "stype",
            "--weight", "pw", "--replicates", "JKn", "--ci", ci]
    for p, rec in zip((0.25, 0.5), run_json(args)):
        assert rec["estimate"] == ex[f"q{p:g}|quantile"]
        assert (rec["ci_low"], rec["ci_high"]) == pytest.approx((ex[f"q{p:g}|{itype}|ci_low"],
                                                                 ex[f"q{p:g}|{itype}|ci_high"]), rel=1e-6)
    assert ex["q0.25|svyquantile_xlogit|ci_low"] == ex["q0.25|mean|ci_low"]  # R ignores interval.type here
    text = invoke(args).output
    assert ("drops interval.type" in text) == (itype != "mean")


def test_crosstab_jeffreys_cells_show_no_df(tmp_path):
    path, _, des = _shares(tmp_path)
    base = ["crosstab", path, "--row", "q", "--col", "h"] + des + ["--json"]
    jef = json.loads(invoke(base + ["--ci", "jeffreys"]).stdout)
    log = json.loads(invoke(base + ["--ci", "logit"]).stdout)
    for c in jef["cells"]:
        assert c["df"] is None and c["row_share_df"] is None and c["col_share_df"] is None
    assert all(c["df"] == 9.0 for c in log["cells"])
    assert jef["test"]["df2"] == log["test"]["df2"]  # the test keeps its design df


def test_asin_cut_at_zero_is_noted():
    """One 'yes' of 40 rows (weighted share 0.019): the arcsine interval crosses 0; R reflects it (lower bound
    0.0002 < p), minyi cuts it at 0 (docs/statistics.md) and says so; estimate, SE and upper bound equal R's."""
    ex = golden("redteam2", "asin_rare")
    base = ["estimate", LONELY, "--var", "rare", "--level", "yes", "--lonely-psu", "adjust"] + LONELY_DESIGN
    args = base + ["--ci", "asin"]
    (rec,) = run_json(args)
    assert rec["estimate"] == pytest.approx(ex["estimate"], rel=1e-12)
    assert rec["se"] == pytest.approx(ex["se"], rel=1e-8)
    assert rec["ci_high"] == pytest.approx(ex["ci_high"], rel=1e-6)
    assert 0 < ex["ci_low"] < ex["estimate"] and rec["ci_low"] == 0
    assert "arcsine interval crosses 0 and is cut there" in invoke(args).output
    assert "arcsine" not in invoke(base + ["--ci", "logit"]).output


@pytest.mark.parametrize("lonely", ["adjust", "average", "certainty", "remove"])
def test_raked_design_domains_missing_a_stratum_equal_r(lonely):
    """R's subset of a calibrated design keeps every row, so every stratum of the design takes part in the
    lonely-PSU rules, also for a domain with no row in a stratum: "average" divides by all strata (minyi
    counted the domain's: SE 3 % too large), and "adjust" adds the lonely stratum's calibration residuals even
    for the domain "out" (stratum E only), which minyi left out."""
    from analysis.estimators import svymean
    from analysis.weighting import rake

    ex = golden("redteam2", f"raked_{lonely}")
    d = pd.read_csv(LONELY)
    des = Design.from_frame(d, weights="w", strata="h", psu="psu", fpc="N", lonely_psu=lonely)
    rk, _ = rake(des, {"g": {"u": 300, "v": 200}, "rare": {"yes": 10, "no": 490}})
    for g in ("out", "x", "z"):
        m = svymean(rk.subset((d.dom2 == g).to_numpy()), "y")
        assert m.estimate == pytest.approx(ex[f"{g}|mean"], rel=1e-8)
        assert m.se == pytest.approx(ex[f"{g}|se"], rel=1e-8), (g, m.se, ex[f"{g}|se"])
        assert m.deff == pytest.approx(ex[f"{g}|deff"], rel=1e-8)

"""Differences from R found by a differential test of random designs (strata with one or many PSUs,
clusters, fpc as counts and fractions, domains in one PSU, zero weights) against R's survey package;
golden values from tests/golden/r_differential.R.

* the likelihood interval of a domain with no degrees of freedom (all its rows in one PSU) stopped
  ``survey estimate`` with a traceback ("a spline needs two points"); R's ``svyciprop`` stops with "zero or
  negative denominator df" there and gives NA at df 1: minyi now gives no interval (NA) as for the other
  methods, and the domains that have one are estimated;
* a median whose Woodruff SE is 0 (a certainty stratum and a census stratum): R's interval is the median
  itself ([7.61, 7.61]) because its share F̂ = C_k/W, summed as R's ``svymean`` sums, hits the math rule's tie;
  minyi's F̂ = Σwy/Σw missed it by one ulp and printed [8.98, 8.98] around 7.61.
"""

import json
import math
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

import cli

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()


def golden(case):
    e = pd.read_csv(GOLDEN / "r_differential_expected.csv", dtype={"value": float})
    e = e[e.case == case]
    return dict(zip(e.quantity, e.value))


def run_json(args):
    r = runner.invoke(cli.app, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    return json.loads(r.stdout)


def test_likelihood_interval_of_domains_with_no_or_one_degree_of_freedom():
    g = golden("lik")
    recs = run_json(["estimate", GOLDEN / "r_differential_lik.csv", "--var", "q", "--level", "1", "--ci",
                     "likelihood", "--by", "d", "--psu", "psu", "--weight", "w", "--json"])
    by = {r["domain"]["d"]: r for r in recs}
    assert g["a|error"] == 1 and by["a"]["df"] == 0  # R stops; minyi: no interval
    assert by["a"]["ci_low"] is None and by["a"]["ci_high"] is None
    assert by["b"]["df"] == g["b|degf"] == 1
    assert abs(by["b"]["estimate"] - g["b|estimate"]) < 1e-8 * g["b|estimate"]
    assert math.isnan(g["b|ci_low"]) and by["b"]["ci_low"] is None and by["b"]["ci_high"] is None
    for k in ("estimate", "ci_low", "ci_high"):
        assert abs(by["c"][k] - g[f"c|{k}"]) <= 1e-6 * abs(g[f"c|{k}"]), k


def test_median_with_zero_woodruff_se_is_r_interval_around_the_median():
    g = golden("quant")
    rec = run_json(["estimate", GOLDEN / "r_differential_quant.csv", "--var", "y", "--missing", "NA", "--quantile", "0.5",
                    "--strata", "h", "--psu", "psu", "--fpc", "N", "--weight", "w", "--lonely-psu", "certainty",
                    "--json"])[0]
    assert rec["estimate"] == g["median"] == 7.61
    assert rec["se"] == g["se"] == 0
    assert (rec["ci_low"], rec["ci_high"]) == (g["ci_low"], g["ci_high"]) == (7.61, 7.61)


def _notes(method):
    r = runner.invoke(cli.app, ["estimate", str(GOLDEN / "r_differential_lik.csv"), "--var", "q", "--level", "1",
                                "--ci", method, "--by", "d", "--psu", "psu", "--weight", "w"])
    assert r.exit_code == 0, r.output
    return r.output


def test_logit_interval_at_one_df_notes_r_level_conversion():
    """R's [0, NaN] at df 1 (its level conversion rounds to 1) is stated beside minyi's t interval; at df 2
    the two agree and nothing is said."""
    g = golden("logit")
    assert g["b|ci_low"] == 0 and math.isnan(g["b|ci_high"])
    out = _notes("logit")
    assert "converts the t level to a normal level" in out and "gives 0 and NaN" in out
    recs = run_json(["estimate", GOLDEN / "r_differential_lik.csv", "--var", "q", "--level", "1", "--ci", "logit",
                     "--by", "d", "--psu", "psu", "--weight", "w", "--json"])
    c = {r["domain"]["d"]: r for r in recs}["c"]
    assert abs(c["ci_low"] - g["c|ci_low"]) <= 1e-6 * g["c|ci_low"]
    assert abs(c["ci_high"] - g["c|ci_high"]) <= 1e-6 * g["c|ci_high"]


def test_asin_interval_cut_at_one_is_noted():
    """R reflects an arcsine interval crossing both 0 and π/2 ([0.92, 0.15] around 0.44); minyi cuts it to
    [0, 1] and says so for both ends."""
    g = golden("asin")
    assert g["b|ci_low"] > 0.44 > g["b|ci_high"]
    out = _notes("asin")
    assert "crosses 0 and is cut there" in out
    assert "crosses 100% and is cut there" in out


def test_crosstab_category_with_only_zero_weight_rows_is_left_out_and_said():
    """R's svychisq gives NaN when a category has only rows of weight 0; minyi tests the other categories
    (= R with that category set to NA) and the output says so (text, and stderr beside --json)."""
    g = golden("xtab")
    assert math.isnan(g["as_is|F"])
    args = ["crosstab", str(GOLDEN / "r_differential_xtab.csv"), "--row", "g1", "--col", "g2", "--psu", "psu",
            "--weight", "w"]
    t = run_json(args + ["--json"])["test"]
    for k in ("F", "df1", "df2"):
        assert abs(t[k] - g[f"na|{k}"]) <= 1e-8 * g[f"na|{k}"], k
    assert abs(t["p"] - g["na|p"]) <= 1e-6 * g["na|p"]
    r = runner.invoke(cli.app, args + ["--json"])
    assert "'x' of g2: only rows with weight 0" in r.stderr
    r = runner.invoke(cli.app, args)
    assert "'x' of g2: only rows with weight 0" in r.output and "gives NaN" in r.output


def test_quantile_bound_below_the_smallest_share_is_noted():
    """The fpc data set's median: R's lower bound is the second smallest value (3.7; tests/golden/r_quantiles.R),
    minyi's the smallest (2.8, the documented difference); `survey estimate` said nothing of it (it noted only a
    quantile itself below the smallest share)."""
    e = pd.read_csv(GOLDEN / "r_quantiles_expected.csv", dtype={"value": float})
    e = e[e.case == "fpc"]
    r_low = float(e[e.quantity == "q0.5|math|mean|0.95|ci_low"].value.iloc[0])
    args = ["estimate", str(GOLDEN / "r_quantiles_fpc.csv"), "--var", "x", "--quantile", "0.5", "--strata",
            "stratid", "--psu", "psuid", "--weight", "weight", "--fpc", "Nh"]
    rec = run_json(args + ["--json"])[0]
    xs = sorted(pd.read_csv(GOLDEN / "r_quantiles_fpc.csv").x)
    assert abs(r_low - xs[1]) < 1e-6 and abs(rec["ci_low"] - xs[0]) < 1e-6
    r = runner.invoke(cli.app, args)
    assert "a bound of the interval falls below the share of the smallest value" in r.output
    assert "a bound of the interval falls below" not in runner.invoke(
        cli.app, args[:4] + ["0.75"] + args[5:]).output


def test_crosstab_of_a_design_with_no_degrees_of_freedom_says_so_and_prints_no_nan():
    """Two strata of one PSU each (--lonely-psu average): R's svychisq gives F = Inf and a first-order p of 0;
    `survey crosstab` printed "F = nan, df = (nan, nan)" and "[ nan,  nan]" intervals. Now: NA and a sentence."""
    g = golden("df0")
    assert g["degf"] == 0 and math.isinf(g["F"]) and g["chisq_p"] == 0
    args = ["crosstab", str(GOLDEN / "r_differential_df0.csv"), "--row", "g1", "--col", "g2", "--strata", "h",
            "--psu", "psu", "--fpc", "N", "--weight", "w", "--lonely-psu", "average"]
    for test in ("F", "chisq"):
        r = runner.invoke(cli.app, args + ["--test", test])
        assert r.exit_code == 0, r.output
        assert "= nan" not in r.output and "nan," not in r.output and "[ nan" not in r.output
        assert "No Rao–Scott test: the design has no degrees of freedom" in r.output
    assert "Pearson X² = 0.5341" in r.output and abs(g["chisq"] - 0.5341) < 1e-4
    assert run_json(args + ["--json"])["test"]["p"] is None


def _weight(tmp_path, data: dict, margin: dict):
    pd.DataFrame(data).to_csv(tmp_path / "d.csv", index=False)
    pd.DataFrame({"g": list(margin), "Freq": list(margin.values())}).to_csv(tmp_path / "m.csv", index=False)
    return runner.invoke(cli.app, ["weight", str(tmp_path / "d.csv"), "--weight", "w", "--margin",
                                   f"g={tmp_path / 'm.csv'}", "--method", "poststratify", "--out",
                                   str(tmp_path / "o.csv")])


def test_weight_margin_category_with_only_zero_weight_rows_is_named_without_did_you_mean(tmp_path):
    """R's postStratify stops ("Some strata absent from sample"); minyi refused too, but said "'x': did you mean
    'x' or 'y'?" — the category itself. Now it says the rows are there with weight 0, and what to do."""
    r = _weight(tmp_path, {"g": ["x", "y", "y", "z"], "w": [0, 1.5, 2, 1]}, {"x": 10, "y": 20, "z": 30})
    assert r.exit_code == 1
    msg = str(r.exception) if r.exception and not isinstance(r.exception, SystemExit) else r.output
    assert "'x' (1 row(s), all of weight 0)" in msg
    assert "did you mean 'x'" not in msg and "merge that category" in msg


def test_replicate_design_deff_with_zero_weights_counts_nonzero_rows_and_says_r_differs():
    """R's svymean on a JKn design counts the 3 rows of weight 0 in the SRS variance's n (deff 1.47); on the
    linearization design it does not, nor does minyi (0.866 = R's replicate variance over that V_srs); the
    output says R's replicate deff differs."""
    g = golden("repzero")
    args = ["estimate", str(GOLDEN / "r_differential_repzero.csv"), "--var", "y", "--strata", "h", "--psu", "psu",
            "--weight", "w", "--replicates", "JKn"]
    rec = run_json(args + ["--json"])[0]
    assert abs(rec["estimate"] - g["rep|mean"]) <= 1e-8 * g["rep|mean"]
    assert abs(rec["se"] - g["rep|se"]) <= 1e-8 * g["rep|se"]
    assert abs(rec["deff"] - g["rep|deff_nonzero_n"]) <= 1e-8 * g["rep|deff_nonzero_n"]
    assert g["rep|deff"] > 1.4
    out = runner.invoke(cli.app, args).output
    assert "also counts the 3 row(s) of weight 0 here, so its deff differs" in out


def test_singular_wald_test_does_not_claim_r_stops_where_r_gives_noise():
    """Fewer PSUs than the table's df: R's Wald statistic is about −7e14 with p = 1 (it did not stop, as the
    message claimed); minyi gives no test and says R stops or gives noise."""
    g = golden("wald")
    assert g["stat"] < 0 and g["p"] == 1
    args = ["crosstab", str(GOLDEN / "r_differential_wald.csv"), "--row", "g1", "--col", "g2", "--strata", "h",
            "--psu", "psu", "--fpc", "N", "--weight", "w", "--lonely-psu", "average", "--test", "wald"]
    r = runner.invoke(cli.app, args)
    assert r.exit_code == 0, r.output
    assert "No wald test" in r.output and "R's svychisq stops too" not in r.output
    assert "or gives rounding noise as its statistic" in r.output
    assert run_json(args + ["--json"])["test"]["p"] is None


def test_notes_on_several_by_categories_name_each_category(tmp_path):
    """A note about quantiles of two --by categories said "y q0.5, y q0.5: p is below ..." (the same text twice,
    not saying which categories); it names them as the printed lines do. A category of one row, where R gives
    that row too, is not in it."""
    pd.DataFrame({"d": ["a", "a", "a", "b", "b", "b", "c"], "w": [5, 1, 1, 6, 1, 2, 1],
                  "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]}).to_csv(tmp_path / "q.csv", index=False)
    r = runner.invoke(cli.app, ["estimate", str(tmp_path / "q.csv"), "--var", "y", "--quantile", "0.5", "--by",
                                "d", "--weight", "w"])
    assert r.exit_code == 0, r.output
    note = next(line for line in r.output.splitlines() if "p is below the share" in line)
    assert note.startswith("note: y q0.5 [d=a], y q0.5 [d=b]: p is below"), note
    assert "[d=c]" not in note


def test_raked_design_with_zero_weights_has_a_standard_error_where_r_gives_nan():
    """R's rake() of a design with rows of weight 0 gives SE NaN (0/0 in its later raking steps' residuals),
    while its postStratify() of the same design gives a number, which minyi equals; minyi's raked SE is
    finite, its total R's (the documented difference)."""
    from analysis import Design
    from analysis.estimators import svytotal
    from analysis.weighting import calibrate

    g = golden("rakezero")
    assert math.isnan(g["rake|se"])
    t = pd.read_csv(GOLDEN / "r_differential_rakezero.csv", dtype={"g1": str, "g2": str})
    m1 = pd.read_csv(GOLDEN / "r_differential_rakezero_g1.csv", dtype={"g1": str})
    m2 = pd.read_csv(GOLDEN / "r_differential_rakezero_g2.csv", dtype={"g2": str})
    des = Design.from_frame(t, strata="h", psu="psu", fpc="N", weights="w")
    ps, _ = calibrate(des, {"g1": dict(zip(m1.g1, m1.Freq))}, method="poststratify")
    e = svytotal(ps, t.x.to_numpy())
    assert abs(e.estimate - g["ps|total"]) <= 1e-8 * g["ps|total"] and abs(e.se - g["ps|se"]) <= 1e-8 * g["ps|se"]
    rk, _ = calibrate(des, {"g1": dict(zip(m1.g1, m1.Freq)), "g2": dict(zip(m2.g2, m2.Freq))}, method="rake")
    e = svytotal(rk, t.x.to_numpy())
    assert abs(e.estimate - g["rake|total"]) <= 1e-8 * g["rake|total"]
    assert math.isfinite(e.se) and e.se > 0


def test_kg_interval_with_zero_se_uses_n_and_says_r_gives_one_half(tmp_path):
    """A share of 50.5 % with SE 0 (certainty and census strata): R's Korn–Graubard interval is [0.5, 0.5]
    (n_eff infinite), which leaves out the estimate; minyi's uses n_eff = n and the output says so."""
    g = golden("kg_se0")
    assert g["se"] == 0 and g["ci_low"] == g["ci_high"] == 0.5 < g["estimate"]
    t = pd.read_csv(GOLDEN / "r_differential_quant.csv")
    t = t[t.y.notna()].assign(low=lambda d: (d.y <= 7.61).astype(int))
    t.to_csv(tmp_path / "q.csv", index=False)
    args = ["estimate", str(tmp_path / "q.csv"), "--var", "low", "--level", "1", "--ci", "clopper-pearson",
            "--strata", "h", "--psu", "psu", "--fpc", "N", "--weight", "w", "--lonely-psu", "certainty"]
    rec = run_json(args + ["--json"])[0]
    assert abs(rec["estimate"] - g["estimate"]) <= 1e-12 and rec["se"] == 0
    assert rec["ci_low"] < rec["estimate"] < rec["ci_high"]
    out = runner.invoke(cli.app, args).output
    assert "the standard error is 0" in out and "gives [50%, 50%] there" in out

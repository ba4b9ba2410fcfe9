"""Edge cases of the statistics commands' inputs found by the red team: crashes on empty waves and tiny
samples, design/grouping codes ("1" = "1.0", "0101" ≠ "101"), option values not in the data, margin files,
--partial, empty domains, infinite values and row numbers in messages.  R values in the comments come from
R 4.x survey (scripts in the test bodies where they matter)."""

import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from analysis.compare import independent_difference
from analysis.design import Design, DesignError
from analysis.glm import svyglm

runner = CliRunner()


def run(args):
    """The command as a user runs it (errors are printed by the entry point, on stderr): (exit code, all output)."""
    r = subprocess.run([sys.executable, "-c", "import cli, sys; cli.main(sys.argv[1:])", *[str(a) for a in args]],
                       capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def run_json(args):
    r = runner.invoke(cli.app, [str(a) for a in args] + ["--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


# ----------------------------------------------------------------------------- 1. empty wave in a comparison
@pytest.mark.parametrize("df_a", [0.0, float("nan")])
def test_difference_with_a_side_without_answers_is_not_testable(df_a):
    a = {"estimate": float("nan"), "se": float("nan"), "df": df_a}
    b = {"estimate": 0.6, "se": 0.05, "df": 120.0}
    d = independent_difference(a, b)
    assert math.isnan(d.df) and math.isnan(d.p) and not d.significant


def test_difference_satterthwaite_df_unchanged():
    d = independent_difference({"estimate": 0.5, "se": 0.04, "df": 30}, {"estimate": 0.4, "se": 0.03, "df": 50})
    va, vb = 0.04 ** 2, 0.03 ** 2
    assert d.df == pytest.approx((va + vb) ** 2 / (va ** 2 / 30 + vb ** 2 / 50))


# ----------------------------------------------------------------------------- 2. regression with too few rows
def test_svyglm_with_fewer_rows_than_coefficients_is_a_design_error():
    d = pd.DataFrame({"y": [1.0, 2.0, 4.0], "a": [1.0, 3.0, 2.0], "b": [2.0, 2.5, 1.0], "c": [0.0, 1.0, 5.0]})
    with pytest.raises(DesignError, match="4 coefficients but only 3 rows"):
        svyglm(Design.from_frame(d), y="y", x=["a", "b", "c"])


def test_analyze_three_answers_runs(tmp_path):
    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate, write_csv

    q = load_questionnaire(bundled_path())
    csv = tmp_path / "r.csv"
    write_csv(simulate(q, 3, seed=1), csv)
    proj = tmp_path / "p"
    assert run(["init", proj, "--questionnaire", bundled_path()])[0] == 0
    assert run(["import", proj, csv, "--wave", "2026Q1"])[0] == 0
    code, out = run(["analyze", proj])
    assert code == 0, out
    res = run_json(["analyze", proj])
    drv = res["drivers"]
    assert drv is None or drv["terms"] or "too few" in drv["not_estimable"]


# ----------------------------------------------------------------------------- helpers for file-based cases
def _design_frame(seed=5, n=120):
    rng = np.random.default_rng(seed)
    h = rng.choice(["A", "B", "C"], n)
    pc = rng.integers(1, 5, n)
    return pd.DataFrame({"h": h, "pc": pc.astype(str), "w": rng.uniform(1, 4, n).round(3),
                         "x": rng.normal(50, 10, n).round(1),
                         "y": rng.choice(["满意", "一般", "不满意", "不了解"], n)})


def _write(tmp_path, d, name="d.csv", title_rows=0):
    p = tmp_path / name
    text = d.to_csv(index=False)
    p.write_text(("标题\n" * title_rows) + text, encoding="utf-8")
    return p


# ----------------------------------------------------------------------------- 3. one rule for codes
def test_psu_and_strata_written_1_and_1point0_are_one_unit(tmp_path):
    d = _design_frame()
    clean = _write(tmp_path, d, "clean.csv")
    mixed = d.copy()
    mixed.loc[::2, "pc"] = mixed.loc[::2, "pc"] + ".0"  # "3" and "3.0" in one column
    mixed.loc[1::3, "pc"] = " " + mixed.loc[1::3, "pc"] + " "
    mixed = _write(tmp_path, mixed, "mixed.csv")
    args = ["--var", "x", "--weight", "w", "--strata", "h", "--psu", "pc"]
    (a,) = run_json(["estimate", clean, *args])
    (b,) = run_json(["estimate", mixed, *args])
    # R (svydesign(ids=~pc, strata=~h, nest=TRUE) on the clean codes) is what the clean file gives
    assert b["df"] == a["df"] and b["n"] == a["n"]
    assert b["se"] == pytest.approx(a["se"], rel=1e-12) and b["estimate"] == pytest.approx(a["estimate"])


def test_leading_zero_codes_stay_codes_in_by_and_crosstab(tmp_path):
    d = pd.DataFrame({"district": ["0101", "0101", "101", "101", "0102", "0102", "101.0"],
                      "x": [1, 2, 10, 11, 5, 6, 12], "y": ["是", "否", "是", "是", "否", "是", "否"]})
    p = _write(tmp_path, d)
    recs = run_json(["estimate", p, "--var", "x", "--by", "district"])
    got = {r["domain"]["district"]: (r["n"], r["estimate"]) for r in recs}
    assert got == {"0101": (2, 1.5), "0102": (2, 5.5), "101": (3, 11.0)}
    code, out = run(["estimate", p, "--var", "x", "--by", "district"])
    assert "district=0102" in out and "district=102]" not in out
    ct = run_json(["crosstab", p, "--row", "district", "--col", "y"])
    assert sorted({c["row"] for c in ct["cells"]}) == ["0101", "0102", "101"]


def test_weight_margin_1point0_matches_data_1(tmp_path):
    d = _design_frame()
    d["g"] = d["h"].map({"A": "1", "B": "2.0", "C": " 3 "})
    p = _write(tmp_path, d)
    m = tmp_path / "m.csv"
    m.write_text("g,pop\n1.0,300\n2,400\n3,300\n", encoding="utf-8")
    res = run_json(["weight", p, "--margin", f"g={m}", "--weight", "w", "--out", tmp_path / "o.csv"])
    assert {r["category"]: r["weighted_after"] for r in res["margins"]} == pytest.approx({"1": 300, "2": 400, "3": 300})
    m.write_text("g,pop\n01,300\n02,400\n03,300\n", encoding="utf-8")  # codes with a leading zero are other codes
    code, out = run(["weight", p, "--margin", f"g={m}", "--weight", "w", "--out", tmp_path / "o.csv"])
    assert code == 1 and "'01'" in out


# ----------------------------------------------------------------------------- 4. --level / --missing typos
def test_level_and_missing_not_in_the_data_are_refused(tmp_path):
    p = _write(tmp_path, _design_frame())
    code, out = run(["estimate", p, "--var", "y", "--level", "非常满意", "--weight", "w"])
    assert code == 1 and "'非常满意'" in out and "'满意'" in out and "Traceback" not in out
    code, out = run(["estimate", p, "--var", "y", "--level", "满意", "--missing", "不知道", "--weight", "w"])
    assert code == 1 and "--missing '不知道'" in out and "'不了解'" in out
    code, out = run(["crosstab", p, "--row", "h", "--col", "y", "--missing", "不知道"])
    assert code == 1 and "'不知道'" in out
    assert run(["estimate", p, "--var", "y", "--level", "满意", "--missing", "不了解"])[0] == 0


def test_absent_number_code_in_a_numeric_column_is_a_share_of_zero(tmp_path):
    p = _write(tmp_path, pd.DataFrame({"z": [0, 0, 0, 0], "w": [1, 2, 1, 2]}))
    (r,) = run_json(["estimate", p, "--var", "z", "--level", "1", "--weight", "w"])
    assert r["estimate"] == 0


# ----------------------------------------------------------------------------- 5.–7. weight
def test_cap_with_linear_or_logit_is_refused(tmp_path):
    p = _write(tmp_path, _design_frame())
    m = tmp_path / "m.csv"
    m.write_text("h,pop\nA,300\nB,400\nC,300\n", encoding="utf-8")
    for extra in (["--method", "linear"], ["--method", "logit", "--bounds", "0.5,2"]):
        code, out = run(["weight", p, "--margin", f"h={m}", "--weight", "w", "--cap", "1.5", *extra,
                         "--out", tmp_path / "o.csv"])
        assert code == 2 and "--cap" in out and "--bounds" in out
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("body,line,first", [
    ("18-34,3000\n18-34,4000\n60+,3000\n", 3, 2),
    ("18-34,1500\n35-59,4000\n60+,3000\n18-34,1500\n", 5, 2),
    ("18-34,3000\n35-59,4000\n60+,3000\n 18-34,100\n", 5, 2),
])
def test_margin_category_listed_twice_is_refused(tmp_path, body, line, first):
    d = _design_frame()
    d["age"] = np.resize(["18-34", "35-59", "60+"], len(d))
    p = _write(tmp_path, d)
    m = tmp_path / "m_dup.csv"
    m.write_text("age,pop\n" + body, encoding="utf-8")
    code, out = run(["weight", p, "--margin", f"age={m}", "--weight", "w", "--out", tmp_path / "o.csv"])
    assert code == 1, out
    assert f"m_dup.csv:{line}" in out and f"line {first}" in out and "'18-34'" in out and "twice" in out


def test_partial_poststratification_warns(tmp_path):
    d = _design_frame()
    d["age"] = np.resize(["18-34", "35-59", "60+"], len(d))
    p = _write(tmp_path, d)
    m = tmp_path / "m.csv"
    m.write_text("age,pop\n18-34,3000\n35-59,4000\n60+,2000\n80+,1000\n", encoding="utf-8")
    args = ["weight", p, "--method", "poststratify", "--partial", "--margin", f"age={m}", "--weight", "w",
            "--out", tmp_path / "o.csv"]
    code, out = run(args)
    assert code == 0 and "warning:" in out and "'80+'" in out and "9,000" in out and "10,000" in out
    res = run_json(args)
    # R: postStratify(..., partial=TRUE) warns "Some strata absent from sample: ignored"; sum(weights) 9000
    assert res["sum_weights"] == pytest.approx(9000) and len(res["warnings"]) == 1 and "80+" in res["warnings"][0]


# ----------------------------------------------------------------------------- 8. --by domains
def test_by_with_an_empty_domain_estimates_the_others(tmp_path):
    d = _design_frame()
    d["age"] = np.resize(["18-34", "35-59", "60+"], len(d))
    d.loc[0, "age"], d.loc[0, "y"] = "80+", "不了解"  # a domain whose only row leaves the base
    d.loc[1:3, "age"] = None  # rows with no --by value
    p = _write(tmp_path, d)
    args = ["estimate", p, "--var", "y", "--level", "满意", "--missing", "不了解", "--weight", "w", "--by", "age"]
    recs = run_json(args)
    by = {r["domain"]["age"]: r for r in recs}
    assert set(by) == {"18-34", "35-59", "60+", "80+"}
    assert by["80+"]["n"] == 0 and by["80+"]["estimate"] is None
    assert all(by[k]["n"] > 0 and by[k]["estimate"] is not None for k in ("18-34", "35-59", "60+"))
    code, out = run(args)
    assert code == 0 and "80+" in out and "not estimable" in out and "3 row(s) with an empty 'age'" in out


def test_by_domain_with_only_zero_weights_is_shown(tmp_path):
    d = _design_frame()
    d["age"] = np.resize(["18-34", "35-59", "60+"], len(d))
    d.loc[d.age == "60+", "w"] = 0.0
    p = _write(tmp_path, d)
    recs = run_json(["estimate", p, "--var", "x", "--weight", "w", "--by", "age"])
    assert [r["domain"]["age"] for r in recs] == ["18-34", "35-59", "60+"] and recs[2]["n"] == 0


# ----------------------------------------------------------------------------- 9.–10. inf, row numbers
@pytest.mark.parametrize("bad", ["inf", "1e999", "-inf"])
def test_infinite_values_are_refused_with_row_and_column(tmp_path, bad):
    d = pd.DataFrame({"x": ["1", "2", bad, "4"], "w": ["1", "1", "1", "1"]})
    p = _write(tmp_path, d)
    code, out = run(["estimate", p, "--var", "x"])
    assert code == 1 and f":4:x: error: column 'x' holds {bad!r}, not a finite number" in out, out
    d = pd.DataFrame({"x": ["1", "2", "3", "4"], "w": ["1", bad, "1", "1"]})
    p = _write(tmp_path, d)
    code, out = run(["estimate", p, "--var", "x", "--weight", "w"])
    assert code == 1 and f":3:w: error: weight column 'w' holds {bad!r}, not a number" in out, out


def test_row_numbers_count_title_rows_above_the_header(tmp_path):
    d = pd.DataFrame({"id": list(range(1, 13)), "x": ["1"] * 9 + ["n/a"] + ["2"] * 2, "w": ["1"] * 12,
                      "h": ["a"] * 12})
    p = tmp_path / "t.csv"
    p.write_text("2026年民意调查数据\n\n" + d.to_csv(index=False), encoding="utf-8")
    code, out = run(["estimate", p, "--var", "x"])
    assert code == 1 and "t.csv:13:x: error:" in out  # title, blank, header on line 3, the 10th row on line 13


@pytest.mark.parametrize("col,val,msg", [("w", "-2", "holds -2: a weight must be 0 or more"), ("w", "", "an empty cell"),
                                         ("w", "abc", "'abc'")])
def test_weight_errors_name_line_column_value_and_count(tmp_path, col, val, msg):
    d = pd.DataFrame({"x": ["1", "2", "3", "4", "5"], "w": ["1", "1", "1", "1", "1"]})
    d.loc[[2, 4], col] = val
    p = _write(tmp_path, d)
    code, out = run(["estimate", p, "--var", "x", "--weight", "w"])
    assert code == 1 and ":4:w: error: weight column 'w'" in out and msg in out and "2 rows" in out, out


def test_fpc_smaller_than_the_sample_names_the_stratum(tmp_path):
    d = pd.DataFrame({"h": ["A"] * 3 + ["B"] * 4, "x": list(range(7)), "N": ["10"] * 3 + ["3"] * 4})
    p = _write(tmp_path, d)
    code, out = run(["estimate", p, "--var", "x", "--strata", "h", "--fpc", "N"])
    assert code == 1 and ":5:N: error: fpc column 'N' (stratum 'B'): the population size 3 is smaller than the 4 " \
        "rows sampled there" in out, out


def test_long_numeric_ids_stay_distinct_and_decimals_are_exact():
    """The canonical text of a number is exact (decimal arithmetic): 18-digit ids one apart must not meet through a
    float's rounding, as they did with float()."""
    from analysis.values import normalize_value

    assert normalize_value("110101199001011234") != normalize_value("110101199001011235")
    assert normalize_value("110101199001011234") == "110101199001011234"
    assert [normalize_value(v) for v in ("2.50", "1e3", ".5", "1e-7", 1e-7, "-0", 2.5)] == \
           ["2.5", "1000", "0.5", "0.0000001", "0.0000001", "0", "2.5"]


def test_a_quantile_below_the_smallest_share_says_how_it_differs_from_r(tmp_path):
    f = tmp_path / "v.csv"
    f.write_text("v\n" + "\n".join(str(i) for i in range(1, 11)) + "\n")
    r = runner.invoke(cli.app, ["estimate", str(f), "--var", "v", "--quantile", "0.05", "--quantile", "0.5"])
    assert r.exit_code == 0, r.output
    assert "v q0.05: 1 " in r.output  # the quantile is named once, in the variable (no [label=q0.05] domain)
    notes = [line for line in r.output.splitlines() if line.startswith("note:") and "design effect" not in line]
    assert notes == ["note: v q0.05: p is below the share of the smallest value, so the quantile is the smallest "
                     "value; R's svyquantile (qrule math) gives the second smallest there (docs/statistics.md)",
                     # its lower bound's share p − t·SE is below 0 (tests/test_estimate_undefined_interval.py)
                     "note: v q0.05: the Woodruff interval's share p ± t·SE leaves 0–100 %, so that bound (and se = "
                     "(upper − lower)/(2t)) is not defined (NA, JSON null; R's svyquantile gives NaN too); --ci logit "
                     "keeps the share inside"]
    r = runner.invoke(cli.app, ["estimate", str(f), "--var", "v", "--quantile", "0.5"])
    assert "smallest value" not in r.output


@pytest.mark.parametrize("label", ["合计", " 总计 ", "Total", "平均值"])
def test_a_total_row_under_the_data_is_refused_not_counted(tmp_path, label):
    """A spreadsheet's 合计 row would count as one more respondent whose answer is the column's sum (mean 4849
    instead of 48.24 in the red-team's file): refused, naming its line and column."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "x"])
    for i in range(1, 21):
        ws.append([i, 40 + i % 7])
    ws.append([label, 900])
    wb.save(tmp_path / "t.xlsx")
    code, out = run(["estimate", tmp_path / "t.xlsx", "--var", "x"])
    assert code == 1
    assert f"t.xlsx:22:id: error: this row is a {label.strip()!r} row (a total or an average, not a respondent)" in out
    ws.delete_rows(22)
    wb.save(tmp_path / "t.xlsx")
    assert runner.invoke(cli.app, ["estimate", str(tmp_path / "t.xlsx"), "--var", "x"]).exit_code == 0


def test_raking_that_cannot_meet_the_margins_says_so(tmp_path):
    """Margins that contradict each other for the sample (every A is 男, A = 500 but 男 = 300): R's rake stops on
    its change rule and reports convergence with A at 299.6; the report names the unmet categories."""
    (tmp_path / "d.csv").write_text("g,s\n" + "A,男\n" * 10 + "B,男\n" * 10 + "B,女\n" * 10, encoding="utf-8")
    (tmp_path / "g.csv").write_text("g,p\nA,500\nB,500\n", encoding="utf-8")
    (tmp_path / "s.csv").write_text("s,p\n男,300\n女,700\n", encoding="utf-8")
    args = ["weight", tmp_path / "d.csv", "--margin", f"g={tmp_path / 'g.csv'}", "--margin", f"s={tmp_path / 's.csv'}",
            "--out", tmp_path / "o.csv"]
    rep = run_json(args)
    assert rep["converged"] is True  # R's rule, kept
    assert len(rep["warnings"]) == 1 and "g=A: 299.6 against 500.0; g=B: 700.4 against 500.0" in rep["warnings"][0]
    (tmp_path / "s.csv").write_text("s,p\n男,600\n女,400\n", encoding="utf-8")  # consistent margins: no warning
    assert run_json(args)["warnings"] == []


def test_crosstab_shows_whole_row_labels_aligned(tmp_path):
    """Row labels were cut to 12 characters, so "Very satisfied (4)" and "Very satisfied (5)" read the same; Chinese
    headers were misaligned (a Chinese character takes two columns)."""
    rows = ["Very satisfied (4),满意"] * 6 + ["Very satisfied (5),不满意"] * 5 + ["Not satisfied,满意"] * 4 + \
           ["Not satisfied,不满意"] * 7 + ["Very satisfied (5),满意"] * 3 + ["Very satisfied (4),不满意"] * 2
    (tmp_path / "t.csv").write_text("r,c\n" + "\n".join(rows) + "\n", encoding="utf-8")
    r = runner.invoke(cli.app, ["crosstab", str(tmp_path / "t.csv"), "--row", "r", "--col", "c"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    body = [ln for ln in lines if ln.startswith(("Very", "Not"))]
    assert [ln.split("  ")[0] for ln in body] == ["Not satisfied", "Very satisfied (4)", "Very satisfied (5)"]
    from report.datafile_text import display_width

    header = lines[1]
    assert len({display_width(ln) for ln in [header] + body}) == 1  # one width: the columns line up on a terminal


def test_plan_says_when_a_stratum_gets_no_sample(tmp_path):
    (tmp_path / "s.csv").write_text("stratum,N,p\nA,1000,0.1\nB,20000,0.5\nC,50,0\n", encoding="utf-8")
    code, out = run(["plan", "--margin", "0.03", "--strata", tmp_path / "s.csv", "--allocate", "neyman"])
    assert code == 0, out
    assert ("note: stratum 'C' gets no sample (its standard deviation is 0): it would have no estimate; give "
            "--min-per-stratum to sample it anyway") in out
    code, out = run(["plan", "--margin", "0.03", "--strata", tmp_path / "s.csv", "--allocate", "neyman",
                     "--min-per-stratum", "10"])
    assert code == 0 and "gets no sample" not in out
    (tmp_path / "e.csv").write_text("stratum,N,sd\nA,1000,\nB,2000,0.3\n", encoding="utf-8")
    code, out = run(["plan", "--margin", "0.03", "--strata", tmp_path / "e.csv", "--allocate", "neyman"])
    assert code == 1 and "sd (empty) of stratum 'A'" in out and "None" not in out

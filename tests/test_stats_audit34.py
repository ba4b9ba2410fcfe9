"""What `survey estimate`, `survey crosstab` and `survey weight` say about choices that move their numbers (an
outside methodologist's audit, thirty-fourth session): the lonely-PSU rule and the strata it touched, a stratum of
zero weights under ``average`` (a deliberate difference from R), bounds that R's rescaling reinterprets, negative
GREG weights, and the binomial variance of ``--df inf`` without a design."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from cli_capture import run_main


def _stratified(path, zero_stratum: bool = False):
    """Three strata of two PSUs each plus stratum 'C' with one PSU; with ``zero_stratum`` stratum 'A' has weight 0
    in every row (the rows kept in the file, e.g. cases excluded by weighting)."""
    rng = np.random.default_rng(34)
    rows = []
    for h, psus in (("A", 2), ("B", 2), ("C", 1), ("D", 2)):
        for p in range(psus):
            for _ in range(6):
                w = 0.0 if (zero_stratum and h == "A") else float(rng.uniform(1, 4))
                rows.append({"h": h, "psu": f"{h}{p}", "w": w, "y": round(float(rng.normal(50, 10)), 2),
                             "sex": "m" if rng.random() < 0.45 else "f", "age": "old" if rng.random() < 0.5 else "young"})
    frame = pd.DataFrame(rows)
    frame.to_csv(path, index=False)
    return frame


DESIGN = ("--weight", "w", "--strata", "h", "--psu", "psu")


def _run(capsys, *args: str):
    """``survey ARGS`` in process with stdout and stderr apart (--json: the JSON on stdout, notes on stderr)."""
    from cli import main

    try:
        rc = main(list(args))
    except SystemExit as e:
        rc = e.code
    return rc or 0, capsys.readouterr()


@pytest.mark.parametrize("rule,words", [("certainty", "taken as a certainty unit"),
                                        ("adjust", "centred at the whole sample's mean"),
                                        ("average", "the average of the other strata"),
                                        ("remove", "left out of the variance")])
def test_estimate_names_the_lonely_stratum_and_the_rule_taken(tmp_path, capsys, rule, words):
    data = tmp_path / "d.csv"
    _stratified(data)
    rc, out = run_main(capsys, "estimate", str(data), "--var", "y", *DESIGN, "--lonely-psu", rule)
    assert rc == 0, out
    note = next(line for line in out.splitlines() if "single PSU" in line)
    assert "stratum 'C' of 'h' has a single PSU" in note and words in note and f"--lonely-psu {rule}" in note
    assert "weight 0" not in note


def test_crosstab_json_keeps_stdout_json_and_says_the_lonely_rule_on_stderr(tmp_path, capsys):
    data = tmp_path / "d.csv"
    _stratified(data)
    rc, out = _run(capsys, "crosstab", str(data), "--row", "sex", "--col", "age", *DESIGN, "--lonely-psu", "certainty",
                   "--json")
    assert rc == 0, out.err
    json.loads(out.out)
    assert "stratum 'C' of 'h' has a single PSU" in out.err


def test_no_lonely_note_where_no_stratum_is_lonely(tmp_path, capsys):
    data = tmp_path / "d.csv"
    frame = _stratified(data)
    frame[frame.h != "C"].to_csv(data, index=False)
    rc, out = run_main(capsys, "estimate", str(data), "--var", "y", *DESIGN, "--lonely-psu", "average")
    assert rc == 0, out
    assert "single PSU" not in out


def test_average_leaves_a_stratum_of_zero_weights_out_as_if_its_rows_were_not_in_the_file(tmp_path, capsys):
    """The deliberate difference (docs/statistics.md): R's onestage divides by every stratum of the data, so its
    SE changes when the zero-weight rows are deleted from the file; minyi's does not, and the note says so."""
    data, without = tmp_path / "d.csv", tmp_path / "without_A.csv"
    frame = _stratified(data, zero_stratum=True)
    frame[frame.h != "A"].to_csv(without, index=False)
    args = ("--var", "sex", "--level", "m", *DESIGN, "--lonely-psu", "average", "--ci", "wald", "--json")
    _, both = _run(capsys, "estimate", str(data), *args)
    _, alone = _run(capsys, "estimate", str(without), *args)
    kept, dropped = json.loads(both.out)[0], json.loads(alone.out)[0]
    assert kept["se"] == pytest.approx(dropped["se"], rel=1e-12)
    assert "stratum 'A' has weight 0 in every row" in both.err and "R's survey counts it" in both.err
    assert "weight 0" not in alone.err and "stratum 'C' of 'h' has a single PSU" in alone.err


def test_df_inf_without_a_design_uses_the_binomial_variance_and_says_so(tmp_path, capsys):
    """10 of 37: the binomial SE √(p(1−p)/n) with --df inf (statsmodels' proportion_confint), the SRS design SE
    √(p(1−p)/(n−1)) otherwise (R svymean on svydesign(ids=~1)); the design effect is 1 either way."""
    data = tmp_path / "srs.csv"
    pd.DataFrame({"a": ["y"] * 10 + ["n"] * 27}).to_csv(data, index=False)
    p, n = 10 / 37, 37
    _, inf = _run(capsys, "estimate", str(data), "--var", "a", "--level", "y", "--ci", "wald", "--df", "inf", "--json")
    _, big = _run(capsys, "estimate", str(data), "--var", "a", "--level", "y", "--ci", "wald", "--df", "1e9", "--json")
    r_inf, r_big = json.loads(inf.out)[0], json.loads(big.out)[0]
    assert r_inf["se"] == pytest.approx(math.sqrt(p * (1 - p) / n), rel=1e-12)
    assert r_big["se"] == pytest.approx(math.sqrt(p * (1 - p) / (n - 1)), rel=1e-12)
    assert r_inf["deff"] == pytest.approx(1, rel=1e-12) and r_big["deff"] == pytest.approx(1, rel=1e-12)
    assert "binomial √(p(1−p)/n)" in inf.err and "proportion_confint" in inf.err
    assert "binomial" not in big.err


def _calibration_data(path):
    rng = np.random.default_rng(7)
    n = 40
    frame = pd.DataFrame({"sex": np.where(np.arange(n) % 2, "m", "f"), "age": np.where(np.arange(n) % 3, "old", "young"),
                          "x": np.round(rng.uniform(1, 5, n), 2), "w": np.round(rng.uniform(1, 3, n), 3)})
    frame.to_csv(path, index=False)
    return frame


def test_bounds_reinterpreted_after_rescaling_are_warned(tmp_path, capsys):
    """Population totals over 20 × the sample's: R's grake first scales the weights by the mean ratio, and the
    bounds then hold for the new weight over the scaled one (R warns); the warning gives the ratio's range, and
    the weights written keep it."""
    data, out = tmp_path / "d.csv", tmp_path / "out.csv"
    frame = _calibration_data(data)
    (tmp_path / "sex.csv").write_text("sex,N\nm,5200\nf,4800\n")
    (tmp_path / "age.csv").write_text("age,N\nyoung,3000\nold,7000\n")
    rc, text = run_main(capsys, "weight", str(data), "--margin", f"sex={tmp_path / 'sex.csv'}", "--margin",
                        f"age={tmp_path / 'age.csv'}", "--total", "x=31000", "--method", "logit", "--bounds",
                        "0.5,2.5", "--weight", "w", "--out", str(out), "--json")
    assert rc == 0, text
    rep = json.loads(text[: text.rindex("}") + 1])
    [warning] = [w for w in rep["warnings"] if "scaled by" in w]
    w, x = frame.w.to_numpy(), frame.x.to_numpy()
    sample = np.array([w[frame.sex == "m"].sum(), w[frame.sex == "f"].sum(), w[frame.age == "young"].sum(),
                       w[frame.age == "old"].sum(), (w * x).sum()])
    scale = float(np.mean(np.array([5200, 4800, 3000, 7000, 31000]) / sample))
    assert f"scaled by {scale:.3g}" in warning
    ratio = pd.read_csv(out)["weight_cal"].to_numpy() / w
    assert ratio.min() >= 0.5 * scale * (1 - 1e-9) and ratio.max() <= 2.5 * scale * (1 + 1e-9)
    assert ratio.max() > 2.5  # the bounds as given do not hold: that is what the warning is for


def test_negative_greg_weights_are_warned_by_survey_weight(tmp_path, capsys):
    """Linear calibration to a total of x far below the sample's gives negative weights; the calibration's
    warning reaches the command (it was dropped on the way to `survey weight`)."""
    data, out = tmp_path / "d.csv", tmp_path / "out.csv"
    pd.DataFrame({"sex": ["m", "f"] * 10, "x": np.arange(1, 21), "w": 1.0}).to_csv(data, index=False)
    (tmp_path / "sex.csv").write_text("sex,N\nm,10\nf,10\n")
    rc, text = run_main(capsys, "weight", str(data), "--margin", f"sex={tmp_path / 'sex.csv'}", "--total", "x=40",
                        "--method", "linear", "--weight", "w", "--out", str(out))
    assert rc == 0, text
    assert (pd.read_csv(out)["weight_cal"] < 0).any()
    assert "warning:" in text and "negative weights after calibration" in text


def test_survey_weight_says_its_mean_counts_the_rows_of_weight_zero(tmp_path, capsys):
    """Rows of weight 0 stay 0 after raking; `n` leaves them out while the mean weight (the --cap base, R's
    mean(weights(design))) divides by every row.  The JSON gives their count and the text says which rows each
    figure covers."""
    data, out = tmp_path / "d.csv", tmp_path / "out.csv"
    frame = pd.DataFrame({"sex": ["m", "f"] * 10, "w": [1.0] * 16 + [0.0] * 4})
    frame.to_csv(data, index=False)
    (tmp_path / "sex.csv").write_text("sex,N\nm,100\nf,100\n")
    args = ("weight", str(data), "--margin", f"sex={tmp_path / 'sex.csv'}", "--weight", "w", "--out", str(out))
    rc, text = run_main(capsys, *args, "--json")
    assert rc == 0, text
    rep = json.loads(text[: text.rindex("}") + 1])
    written = pd.read_csv(out)["weight_cal"].to_numpy()
    assert rep["n"] == 16 and rep["n_zero"] == 4 and (written[16:] == 0).all()
    assert rep["weight_mean"] == pytest.approx(written.sum() / 20, rel=1e-12)
    rc, text = run_main(capsys, *args)
    assert rc == 0 and "over all rows, 4 of them with weight 0" in text

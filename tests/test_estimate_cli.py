"""`survey estimate`: JSON contract, statsmodels equality without a design, domains, errors."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint
from typer.testing import CliRunner

import cli
from analysis.result import JSON_FIELDS

runner = CliRunner()
SM = {"wald": "normal", "clopper-pearson": "beta", "wilson": "wilson", "jeffreys": "jeffreys",
      "agresti-coull": "agresti_coull"}


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(3)
    n = 400
    d = pd.DataFrame({
        "sat": rng.choice(["非常满意", "满意", "一般", "不满意", "不了解"], n, p=[.25, .35, .2, .1, .1]),
        "district": rng.choice(["东城区", "西城区", "高新区"], n),
        "w": rng.uniform(1, 3, n).round(3),
        "age": rng.integers(18, 80, n),
    })
    path = tmp_path / "d.csv"
    d.to_csv(path, index=False, encoding="gb18030")  # what Excel saves on Chinese Windows
    return path, d


def run_json(args):
    r = runner.invoke(cli.app, args + ["--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)  # notes go to stderr


@pytest.mark.parametrize("method", list(SM))
def test_no_design_df_inf_equals_statsmodels(data, method):
    path, d = data
    out = run_json(["estimate", str(path), "--var", "sat", "--level", "非常满意", "--level", "满意",
                    "--missing", "不了解", "--ci", method, "--df", "inf"])
    (rec,) = out
    valid = d.sat != "不了解"
    count = int(d.sat[valid].isin(["非常满意", "满意"]).sum())
    lo, hi = proportion_confint(count, int(valid.sum()), alpha=0.05, method=SM[method])
    assert rec["n"] == int(valid.sum())
    assert rec["estimate"] == pytest.approx(count / valid.sum(), rel=1e-12)
    assert rec["ci_low"] == pytest.approx(lo, rel=1e-12, abs=1e-15)
    assert rec["ci_high"] == pytest.approx(hi, rel=1e-12, abs=1e-15)
    assert rec["df"] == (None if method == "jeffreys" else "inf")  # jeffreys uses no df (test_estimate_redteam2)


def test_json_fields_and_by(data):
    path, d = data
    out = run_json(["estimate", str(path), "--var", "sat", "--level", "满意", "--missing", "不了解",
                    "--weight", "w", "--by", "district"])
    assert [r["domain"]["district"] for r in out] == sorted(d.district.unique())
    for r in out:
        assert list(r) == list(JSON_FIELDS)
        assert r["levels"] == ["满意"]
        assert r["ci_low"] <= r["estimate"] <= r["ci_high"]
        assert r["ci_method"] == "logit" and r["confidence"] == 0.95


def test_score_mean_and_numeric_mean(data):
    path, d = data
    scores = {"非常满意": 100, "满意": 80, "一般": 60, "不满意": 40}
    args = ["estimate", str(path), "--var", "sat", "--missing", "不了解"]
    for k, v in scores.items():
        args += ["--score", f"{k}={v}"]
    (rec,) = run_json(args)
    valid = d.sat != "不了解"
    assert rec["estimate"] == pytest.approx(d.sat[valid].map(scores).mean(), rel=1e-12)
    (rec,) = run_json(["estimate", str(path), "--var", "age"])
    assert rec["estimate"] == pytest.approx(d.age.mean(), rel=1e-12)
    assert rec["se"] == pytest.approx(d.age.std(ddof=1) / np.sqrt(len(d)), rel=1e-10)


def _run(args):
    return subprocess.run([sys.executable, "-c", "import cli, sys; cli.main(sys.argv[1:])", *args],
                          capture_output=True, text=True)


def test_errors_are_one_message(data, tmp_path):
    path, _ = data
    r = _run(["estimate", str(path), "--var", "satt"])
    assert r.returncode == 1 and "did you mean 'sat'" in r.stderr and "Traceback" not in r.stderr
    r = _run(["estimate", str(path), "--var", "sat", "--score", "非常满意=100"])
    assert r.returncode == 1 and "has no --score" in r.stderr and str(path) in r.stderr
    r = _run(["estimate", str(path), "--var", "sat", "--level", "满意", "--ci", "wils"])
    assert r.returncode == 2 and "wilson" in r.stderr  # a usage error listing the choices
    bad = tmp_path / "bin.csv"
    bad.write_bytes(b"\x00\x01\x02garbage")
    r = _run(["estimate", str(bad), "--var", "x"])
    assert r.returncode == 1 and "binary" in r.stderr and "Traceback" not in r.stderr
    r = _run(["estimate", str(path), "--var", "sat", "--df", "abc"])
    assert r.returncode == 2


@pytest.mark.parametrize("count", [0, 3, 8])
def test_jeffreys_holds_the_estimate_at_0_and_1(count):
    """statsmodels' Jeffreys interval for 0 of 8 starts at Beta's quantile (0.096 % at 80 %), above the
    estimate; minyi's bound there is 0 (and 1 for 8 of 8), the modified interval of Brown, Cai & DasGupta
    (2001, §4.1.2). The other bound, and the whole interval inside (0, 1), are statsmodels'."""
    from analysis.ci import proportion_ci

    p = count / 8
    lo, hi = proportion_ci(p, np.sqrt(p * (1 - p) / 8), 8, float("inf"), "jeffreys", 0.8, srs=True)
    slo, shi = proportion_confint(count, 8, alpha=0.2, method="jeffreys")
    assert float(lo) == (0.0 if count == 0 else pytest.approx(slo, rel=1e-12))
    assert float(hi) == (1.0 if count == 8 else pytest.approx(shi, rel=1e-12))
    assert lo <= p <= hi and (count in (0, 8) or slo > 0)

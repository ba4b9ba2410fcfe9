"""`survey analyze`: a small project built with `survey init` + `survey import` of a simulated CSV;
the JSON's numbers checked against plain pandas counts (equal weights, no design: the design
estimates reduce to sample shares and means, with the domain SE written out by hand), the NA treatment, groupings,
verdict rules and the errors for bad options."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv

runner = CliRunner()
N = 600


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("analyze")
    q = load_questionnaire(bundled_path())
    frame = simulate(q, N, seed=11)
    csv = root / "responses.csv"
    write_csv(frame, csv)
    proj = root / "proj"
    r = runner.invoke(cli.app, ["init", str(proj), "--questionnaire", str(bundled_path())])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli.app, ["import", str(proj), str(csv), "--wave", "2026Q1"])
    assert r.exit_code == 0, r.output
    data = pd.read_csv(csv)
    return proj, q, data


def run(args):
    r = runner.invoke(cli.app, ["analyze", *args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def _ind(res, ind_id):
    return next(i for i in res["indicators"] if i["id"] == ind_id)


def test_overall_satisfaction_matches_pandas(project):
    proj, q, data = project
    res = run([str(proj)])
    assert res["meta"]["wave"] == "2026Q1" and res["meta"]["by"] == ["site", "district"]
    assert res["meta"]["na_treatment"] == "excluded"
    x = data["L1"]
    answered = x.notna()
    valid = x.isin([1, 2, 3, 4, 5])
    ind = _ind(res, "sat_overall")
    rate, index = ind["rate"], ind["index"]
    assert rate["n"] == int(valid.sum())
    assert rate["n_na"] == int((x == 9).sum())
    assert rate["share_na"] == pytest.approx((x == 9).sum() / answered.sum(), rel=1e-12)
    assert rate["estimate"] == pytest.approx(x[valid].isin([1, 2]).mean(), rel=1e-12)
    scores = x[valid].map({1: 100, 2: 80, 3: 60, 4: 40, 5: 20})
    assert index["estimate"] == pytest.approx(scores.mean(), rel=1e-12)
    # domain SE (R svymean on subset(): the whole sample's rows, zeros outside the domain):
    # z = (y − ȳ)/n_valid on valid rows, 0 elsewhere; V = N/(N−1) Σ (z − z̄)²
    z = np.zeros(len(x))
    z[valid.to_numpy()] = (scores - scores.mean()) / len(scores)
    v = len(z) / (len(z) - 1) * ((z - z.mean()) ** 2).sum()
    assert index["se"] == pytest.approx(np.sqrt(v), rel=1e-10)
    assert rate["ci_low"] < rate["estimate"] < rate["ci_high"]
    # by site: group shares equal pandas groupby
    site_labels = {o.code: o.label for o in q.question(q.site_question).options}
    exp = x[valid].isin([1, 2]).groupby(data.loc[valid, q.site_question].map(site_labels)).mean()
    got = {r["group"]: r["estimate"] for r in ind["rate_by"]["site"]}
    assert set(got) == set(exp.index)
    for lab, v in exp.items():
        assert got[lab] == pytest.approx(v, rel=1e-12)
    assert len(ind["rate_by"]["district"]) == len(q.question(q.district_question).options)


def test_verdicts_follow_the_interval(project):
    proj, _, _ = project
    res = run([str(proj)])
    seen = 0
    for ind in res["indicators"]:
        for m, tkey in (("rate", "target"), ("index", "index_target")):
            st = ind.get(m)
            if not st or st.get("target") is None:
                continue
            t = st["target"]
            want = "达标" if st["ci_low"] > t else "未达标" if st["ci_high"] < t else "无显著差异"
            assert st["verdict"] == want
            for rows in ind.get(f"{m}_by", {}).values():
                for r in rows:
                    if r["estimate"] is not None:
                        w = "达标" if r["ci_low"] > t else "未达标" if r["ci_high"] < t else "无显著差异"
                        assert r["verdict"] == w
            seen += 1
    assert seen >= 10
    c = res["composite"]
    assert c["ci_low"] < c["estimate"] < c["ci_high"] and c["n"] > 0


def test_na_unsatisfied_keeps_na_in_the_base(project):
    proj, _, data = project
    res = run([str(proj), "--na", "unsatisfied", "--by", "site"])
    assert res["meta"]["na_policy"] == "count_negative" and res["meta"]["na_treatment"] == "unsatisfied"
    x = data["L1"]
    rate = _ind(res, "sat_overall")["rate"]
    assert rate["n"] == int(x.notna().sum())
    assert rate["estimate"] == pytest.approx(x[x.notna()].isin([1, 2]).mean(), rel=1e-12)
    assert list(_ind(res, "sat_overall")["rate_by"]) == ["site"]


def test_by_question_id_and_hot_issues(project):
    proj, q, data = project
    res = run([str(proj), "--by", "A1"])
    gender = q.question("A1")
    got = {r["group"]: r["n"] for r in _ind(res, "aware_campaign")["rate_by"]["A1"]}
    ind = next(i for i in q.indicators if i.id == "aware_campaign")
    col = data[ind.question]
    for o in gender.options:
        assert got[o.label] == int(((data["A1"] == o.code) & col.notna()).sum())
    hot = res["hot_issues"]
    assert hot["n"] == int(data[[c for c in data.columns if c.startswith(hot["question"] + "_") and
                                 not c.endswith("_other")]].notna().any(axis=1).sum())
    est = [r["respondents"]["estimate"] for r in hot["items"]]
    assert est == sorted(est, reverse=True)
    assert sum(r["mentions"]["estimate"] for r in hot["items"]) == pytest.approx(1.0, abs=1e-9) or hot["none"]
    top = hot["items"][0]
    c = data[f"{hot['question']}_{top['code']}"]
    assert top["respondents"]["estimate"] == pytest.approx((c[c.notna()] == 1).mean(), rel=1e-12)


def test_unknown_grouping_lists_choices(project):
    proj, _, _ = project
    r = runner.invoke(cli.app, ["analyze", str(proj), "--by", "site,nowhere"])
    assert r.exit_code == 2
    assert "nowhere" in r.output and "site, district" in r.output and "A1" in r.output


def test_bad_na_and_unknown_wave(project):
    proj, _, _ = project
    r = runner.invoke(cli.app, ["analyze", str(proj), "--na", "maybe"])
    assert r.exit_code == 2 and "excluded or unsatisfied" in r.output
    r = subprocess.run([sys.executable, "-c", "import cli, sys; cli.main(sys.argv[1:])", "analyze", str(proj),
                        "--wave", "1999"], capture_output=True, text=True)
    assert r.returncode == 2 and "no wave '1999'" in r.stderr and "2026Q1" in r.stderr  # an unknown --wave: a wrong command line
    assert "Traceback" not in r.stderr


def test_text_output(project):
    proj, _, _ = project
    r = runner.invoke(cli.app, ["analyze", str(proj), "--by", "site"])
    assert r.exit_code == 0, r.output
    assert "城市总体满意度" in r.output and "综合满意度指数" in r.output and "不了解/说不清" in r.output


def test_project_config_na_policy(project):
    """The project key na_policy (minyi.yaml) is the default; --na overrides it; a bad value is one error."""
    import yaml

    proj, _, data = project
    cfg_path = proj / "minyi.yaml"
    original = cfg_path.read_text(encoding="utf-8")
    try:
        cfg = yaml.safe_load(original)
        cfg["na_policy"] = "unsatisfied"
        cfg_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
        x = data["L1"]
        res = run([str(proj), "--by", "site"])
        assert res["meta"]["na_treatment"] == "unsatisfied"
        assert _ind(res, "sat_overall")["rate"]["n"] == int(x.notna().sum())
        res = run([str(proj), "--by", "site", "--na", "excluded"])
        assert _ind(res, "sat_overall")["rate"]["n"] == int(x.isin([1, 2, 3, 4, 5]).sum())
        cfg["na_policy"] = "sometimes"
        cfg_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
        r = subprocess.run([sys.executable, "-c", "import cli, sys; cli.main(sys.argv[1:])", "analyze", str(proj)],
                           capture_output=True, text=True)
        assert r.returncode == 1 and "sometimes" in r.stderr and "minyi.yaml" in r.stderr
        assert "Traceback" not in r.stderr
    finally:
        cfg_path.write_text(original, encoding="utf-8")

"""The project's cache of derived results (survey/cache.py): `survey analyze` run again on an
unchanged project returns the stored result, equal to a fresh computation; an import, a changed
minyi.yaml, other options or a damaged entry never return a stale one."""

import json
import re

import pytest
import yaml
from typer.testing import CliRunner

import cli
from report.project import analyze_project
from survey import cache
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

runner = CliRunner()


@pytest.fixture()
def project(tmp_path):
    q = load_questionnaire(bundled_path())
    for i, seed in enumerate((3, 4)):
        frame = simulate(q, 300, seed=seed)
        frame["respondent_id"] = [f"S{i}-{k}" for k in range(len(frame))]  # distinct respondents per file
        write_csv(frame, tmp_path / f"r{i}.csv")
    proj = tmp_path / "proj"
    assert runner.invoke(cli.app, ["init", str(proj), "--questionnaire", str(bundled_path())]).exit_code == 0
    r = runner.invoke(cli.app, ["import", str(proj), str(tmp_path / "r0.csv"), "--wave", "w1", "--quiet"])
    assert r.exit_code == 0, r.output
    return proj, tmp_path


def analyze_json(proj, *args):
    r = runner.invoke(cli.app, ["analyze", str(proj), "--json", *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def timeless(res):
    """The result without the time it was produced (meta.generated_at: the time of each command)."""
    res = json.loads(json.dumps(res))
    res["meta"].pop("generated_at")
    return res


def entries(proj):
    return sorted((proj / cache.CACHE_DIR).glob("analyze-*.json"))


def test_second_run_is_the_stored_result_equal_to_a_fresh_one(project):
    proj, _ = project
    first = analyze_json(proj, "--by", "site")
    assert len(entries(proj)) == 1
    second = analyze_json(proj, "--by", "site")
    assert timeless(second) == timeless(first)
    fresh = cache.decoded(analyze_project(Project.open(proj), by=["site"], cache=False))
    assert timeless(fresh) == timeless(first)
    # the second run read the entry: an entry altered on disk is what comes back
    (path,) = entries(proj)
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["meta"]["marker"] = "from the cache"
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert analyze_json(proj, "--by", "site")["meta"]["marker"] == "from the cache"


def test_a_result_looked_up_already_is_computed_and_stored_under_the_same_key(project):
    """``analyze_project(looked_up=True)`` (``survey analyze`` looked the cache up before loading anything):
    computed without a second lookup, and stored under the key the lookup uses (the wave's state read
    while its database was open), so the next lookup finds it."""
    proj, _ = project
    p = Project.open(proj)
    first = analyze_project(p, by=["site"], looked_up=True)
    assert len(entries(proj)) == 1
    again = analyze_project(p, by=["site"], looked_up=True)  # computed again, not looked up: same entry
    assert len(entries(proj)) == 1
    found = analyze_project(p, by=["site"])  # the lookup finds what was stored
    assert timeless(found) == timeless(first) == timeless(again)
    assert timeless(analyze_json(proj, "--by", "site")) == timeless(first)
    assert timeless(cache.decoded(analyze_project(p, by=["site"], cache=False))) == timeless(first)


def test_other_options_are_other_entries(project):
    proj, _ = project
    a = analyze_json(proj, "--by", "site")
    b = analyze_json(proj, "--by", "district")
    c = analyze_json(proj, "--by", "site", "--na", "unsatisfied")
    assert len(entries(proj)) == 3
    assert a["meta"]["by"] == ["site"] and b["meta"]["by"] == ["district"]
    assert c["meta"]["na_policy"] != a["meta"]["na_policy"]


def test_an_import_invalidates(project):
    proj, tmp = project
    before = analyze_json(proj, "--by", "site")
    r = runner.invoke(cli.app, ["import", str(proj), str(tmp / "r1.csv"), "--wave", "w1", "--quiet"])
    assert r.exit_code == 0, r.output
    after = analyze_json(proj, "--by", "site")
    assert after["sample"]["n"] > before["sample"]["n"]
    fresh = cache.decoded(analyze_project(Project.open(proj), by=["site"], cache=False))
    assert timeless(fresh) == timeless(after)


def test_a_changed_config_invalidates(project):
    proj, _ = project
    before = analyze_json(proj, "--by", "site")
    cfg_path = proj / "minyi.yaml"
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    cfg["na_policy"] = "unsatisfied"
    cfg_path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    after = analyze_json(proj, "--by", "site")
    assert after["meta"]["na_policy"] != before["meta"]["na_policy"]
    assert len(entries(proj)) == 2


def test_a_damaged_entry_is_computed_again(project):
    proj, _ = project
    first = analyze_json(proj, "--by", "site")
    (path,) = entries(proj)
    path.write_text("{not json", encoding="utf-8")
    assert timeless(analyze_json(proj, "--by", "site")) == timeless(first)
    assert timeless(json.loads(path.read_text(encoding="utf-8"))) == timeless(first)  # stored again


def test_old_entries_are_removed(project):
    proj, _ = project
    for conf in ("0.8", "0.85", "0.9", "0.95", "0.96", "0.97", "0.98", "0.99", "0.995", "0.9995"):
        analyze_json(proj, "--by", "site", "--confidence", conf)
    assert len(entries(proj)) == cache.KEEP


@pytest.mark.parametrize("fmt", [[], ["--json"]])
def test_a_stored_result_is_printed_without_loading_the_statistics(project, fmt):
    """The second `survey analyze` of an unchanged project answers from the cache before scipy, the
    analysis modules, NumPy and pandas are imported (python -X importtime lists every module a
    process imports), and prints what the first one printed."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    proj, _ = project
    root = str(Path(cli.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root}
    cmd = [sys.executable, "-X", "importtime", "-m", "cli", "analyze", str(proj), "--by", "site", *fmt]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=root)
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=root)
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-2000:]
    assert " analysis.indicators" in first.stderr and " scipy" in first.stderr and " pandas" in first.stderr
    loaded = set(re.findall(r"\| +(analysis\.[\w.]+)", second.stderr))
    assert loaded <= {"analysis.thresholds"}, loaded  # constants only, no statistics module
    for heavy in ("scipy", "numpy", "pandas", "survey.store", "survey.questionnaire"):
        assert not re.search(rf"\| +{re.escape(heavy)}$", second.stderr, re.M), heavy
    if fmt:
        assert timeless(json.loads(second.stdout)) == timeless(json.loads(first.stdout))
    else:
        assert second.stdout == first.stdout  # the text summary, from the stored result


def test_the_first_analyze_reading_raw_codes_equals_the_analysis_of_the_float_frame(project):
    """The first ``analyze`` (checks stale) reads the matrix rows the analysis only codes and the options
    of multiple choice questions as int16 codes as stored (report.pipeline.raw_code_columns,
    Project.responses(raw_codes=...)): its result — indicators, tests, question tables, hot issues,
    decisions — is the analysis of the float32 frame a plain read gives, and a later read without raw
    codes keeps the same rows (the flags the checks stored from the raw codes)."""
    from report.pipeline import analysis_columns, analyze, coded_only_columns, raw_code_columns
    from report.project import design_inputs, report_questionnaire
    from survey.store import column_types

    proj, _ = project
    p = Project.open(proj)
    q = report_questionnaire(p, None)
    raw = raw_code_columns(q, {})
    options = [c for c in raw if c not in coded_only_columns(q, {})]
    assert len(raw) >= 40 and all(q.get(c) is None for c in raw) and len(options) >= 10
    assert {c.rsplit("_", 1)[0] for c in options} == {qq.id for qq in q.questions if qq.type == "multiple"}
    first = cache.decoded(analyze_project(p, by=["site"], cache=False))
    p = Project.open(proj)
    stored = {c for c, _ in column_types(q)}
    cols = [c for c in analysis_columns(q, ["site"], {}, stored) if c in stored]
    frame, _ = p.responses("w1", columns=cols, codes_float32=True)
    assert not (frame.dtypes == "int16").any() and set(raw) <= set(frame.columns)
    _, population, method, total = design_inputs(p)
    want = analyze(q, frame, by=["site"], design={}, wave="w1", quality=p.quality_summary("w1"), population=population,
                   weighting=method, population_total=total)
    want["meta"]["owners"] = first["meta"]["owners"]
    assert timeless(first) == timeless(cache.decoded(want))
    # the checks stored now: a later analysis reads only its columns, the raw ones as int16 again
    again = cache.decoded(analyze_project(Project.open(proj), by=["site"], cache=False))
    assert timeless(again) == timeless(first)


def test_a_gbk_minyi_yaml_is_looked_up_in_the_cache_too(project):
    """A minyi.yaml saved in GBK (Notepad on a Chinese Windows) is read by the project; the cache's look-up
    read it as UTF-8 only, so every run recomputed the analysis (session 29)."""
    proj, _ = project
    cfg = proj / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8") + "org: 某市文明办\n"
    cfg.write_bytes(text.encode("gbk"))
    with pytest.raises(UnicodeDecodeError):
        cfg.read_bytes().decode("utf-8")
    first = analyze_json(proj, "--by", "site")
    hit = cache.cached_analysis(proj, cache.analysis_options(None, ["site"], None, None, 0.95, None))
    assert hit is not None and timeless(hit) == timeless(first)

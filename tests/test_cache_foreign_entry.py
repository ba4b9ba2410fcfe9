"""An entry of the project's cache (.minyi-cache) that is valid JSON but no analysis of the wave and options asked
for is never returned (survey.cache.is_analysis): the command computes the result and stores it again.

Before: any JSON object with a ``meta`` mapping was returned — ``{"meta": {}}`` under an entry's name stopped
``survey analyze`` with "internal error: KeyError: 'sample'", and ``survey analyze --json`` printed it as the
analysis (exit 0)."""

from __future__ import annotations

import json

import pytest

from cli_capture import run_main
from survey import cache
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv


@pytest.fixture()
def project(tmp_path, capsys):
    write_csv(simulate(load_questionnaire(bundled_path()), 200, seed=5), tmp_path / "r.csv")
    proj = tmp_path / "p"
    assert run_main(capsys, "init", str(proj), "--questionnaire", str(bundled_path()))[0] == 0
    assert run_main(capsys, "import", str(proj), str(tmp_path / "r.csv"), "--wave", "W1", "--quiet")[0] == 0
    return proj


def _analysis(capsys, proj, *args) -> dict:
    rc, out = run_main(capsys, "analyze", str(proj), "--json", *args)
    assert rc == 0, out
    res = json.loads(out)
    res["meta"].pop("generated_at")
    return res


@pytest.mark.parametrize("foreign", [{"meta": {}}, {"meta": {"wave": "W1"}, "indicators": 5}, [], None, 7,
                                     "an analysis"])
def test_a_foreign_entry_is_computed_again(project, capsys, foreign):
    first = _analysis(capsys, project)
    (entry,) = sorted((project / cache.CACHE_DIR).glob("analyze-*.json"))
    entry.write_text(json.dumps(foreign), encoding="utf-8")
    rc, out = run_main(capsys, "analyze", str(project))
    assert rc == 0 and "internal error" not in out and out.startswith("wave W1: n=200;"), out
    entry.write_text(json.dumps(foreign), encoding="utf-8")
    assert _analysis(capsys, project) == first
    stored = json.loads(entry.read_text(encoding="utf-8"))  # the entry holds the analysis again
    stored["meta"].pop("generated_at")
    assert stored == first


def test_another_waves_or_options_analysis_under_an_entrys_name_is_not_returned(project, tmp_path, capsys):
    w1 = _analysis(capsys, project, "--ci", "wilson")
    (wilson,) = sorted((project / cache.CACHE_DIR).glob("analyze-*.json"))
    logit = _analysis(capsys, project, "--ci", "logit")
    assert logit != w1
    (other,) = [p for p in (project / cache.CACHE_DIR).glob("analyze-*.json") if p != wilson]
    other.write_bytes(wilson.read_bytes())  # the wilson result under the name of the logit one
    assert _analysis(capsys, project, "--ci", "logit") == logit
    other.write_text(wilson.read_text(encoding="utf-8").replace('"wave": "W1"', '"wave": "W0"'), encoding="utf-8")
    assert _analysis(capsys, project, "--ci", "logit") == logit


def test_the_sections_checked_are_those_an_analysis_has(project, capsys):
    assert set(_analysis(capsys, project)) == cache.ANALYSIS_SECTIONS


@pytest.mark.parametrize("na", ["excluded", "unsatisfied", "exclude", "count_negative", " Unsatisfied "])
def test_an_analysis_under_na_as_given_is_returned_from_the_cache(project, capsys, na):
    """--na as given (excluded, unsatisfied) is not the policy the result records (exclude, count_negative): the
    check of an entry against its options refused every one made with --na, so the second run computed again."""
    _analysis(capsys, project, "--na", na)
    options = cache.analysis_options(None, None, na, None, 0.95, None)  # as survey analyze gives them
    hit = cache.cached_analysis(project, options)
    assert hit is not None and hit["meta"]["na_policy"] == ("exclude" if "xclu" in na else "count_negative")

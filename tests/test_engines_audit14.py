"""Issue 14 audit: ``survey analyze FOLDER --engine duckdb`` equals the in-memory engine (to 1e-10
relative) also for a design whose weights come from its fpc (no ``weights:``; R's svydesign derives
N_h/n_h), and its ``sample`` block carries the fields docs/analyze-json.md lists (``weighted``; ``sites``
that have respondents), as the in-memory engine's does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import cli
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate

N = 1500
SECTIONS = ("indicators", "items", "areas", "composite", "league")


from test_engines import _mismatches  # noqa: E402  (one comparison rule for every engine test)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A Parquet folder of simulated answers with strata (the site), PSUs and an fpc per stratum that
    differs between strata (so the derived weights are not all equal), and no weight column."""
    q = load_questionnaire(bundled_path())
    f = simulate(q, N, seed=11)
    rng = np.random.default_rng(7)
    site = pd.to_numeric(f[q.site_question], errors="coerce").fillna(0).astype(int).to_numpy()
    f["_st"] = site
    f["_psu"] = site * 100 + rng.integers(0, 10, N)
    f["_npsu"] = np.select([site == 1, site == 2], [20.0, 35.0], 60.0)  # PSUs in the stratum's population
    f["_N"] = np.select([site == 1, site == 2], [4000.0, 9000.0], 25000.0)  # rows in the stratum's population
    data = tmp_path_factory.mktemp("audit14") / "data"
    data.mkdir()
    f.iloc[: N // 2].to_parquet(data / "part-0.parquet", index=False)
    f.iloc[N // 2:].to_parquet(data / "part-1.parquet", index=False)
    shutil.copyfile(bundled_path(), data / "questionnaire.yaml")
    return data


def _both(folder: Path, design: dict) -> tuple[dict, dict]:
    """(``--engine duckdb``, in-memory) JSON of ``survey analyze FOLDER --json`` under ``design``."""
    (folder / "minyi.yaml").write_text(yaml.safe_dump({"design": design}), encoding="utf-8")
    runner = CliRunner()
    out = []
    for extra in (["--engine", "duckdb"], []):
        r = runner.invoke(cli.app, ["analyze", str(folder), "--by", "site,district", "--json", *extra])
        assert r.exit_code == 0, r.output
        out.append(json.loads(r.output))
    return out[0], out[1]


@pytest.mark.parametrize("design", [{"strata": "_st", "psu": "_psu", "fpc": "_npsu"},
                                    {"strata": "_st", "fpc": "_N"}], ids=["clusters", "rows"])
def test_weights_derived_from_the_fpc_equal_in_memory(folder, design):
    """No ``weights``: both engines weight each row N_h/n_h (R's svydesign); the DuckDB engine used to
    weight every row 1 while its method note said the weights were derived from the fpc."""
    got, ref = _both(folder, design)
    assert "derived from the fpc" in got["meta"]["design"]["description_en"]
    for sec in SECTIONS:
        assert _mismatches(got[sec], ref[sec]) == [], sec
    assert got["sample"]["weighted"] is True and ref["sample"]["weighted"] is True


def test_sample_weighted_and_sites_as_in_memory(folder):
    """``sample.weighted`` (docs/analyze-json.md) is written by the engine too: false for an unweighted
    design, true with a weight column; ``sample.sites`` lists the sites that have respondents."""
    got, ref = _both(folder, {})
    assert got["sample"]["weighted"] is False and ref["sample"]["weighted"] is False
    got, ref = _both(folder, {"weights": "_npsu"})
    assert got["sample"]["weighted"] is True and ref["sample"]["weighted"] is True
    one_site = folder.parent / "one_site"
    one_site.mkdir()
    shutil.copyfile(folder / "questionnaire.yaml", one_site / "questionnaire.yaml")
    f = pd.read_parquet(folder / "part-0.parquet")
    f[f["_st"] == 1].to_parquet(one_site / "part-0.parquet", index=False)
    got, ref = _both(one_site, {})
    assert len(ref["sample"]["sites"]) == 1
    assert got["sample"]["sites"] == ref["sample"]["sites"]


def test_fpc_varying_without_strata_is_not_called_a_stratum(folder):
    """An fpc that varies in a design without strata: the message says so, not "within stratum '0'"."""
    (folder / "minyi.yaml").write_text(yaml.safe_dump({"design": {"fpc": "_N"}}), encoding="utf-8")
    r = CliRunner().invoke(cli.app, ["analyze", str(folder), "--engine", "duckdb", "--json"])
    assert r.exit_code != 0
    text = r.output + str(r.exception)  # the design error, which `survey` prints as one line
    assert "stratum '0'" not in text and "in the sample (no strata)" in text


@pytest.mark.parametrize("design, named", [
    ({"weights": "_npsu", "replicates": "JK1"}, "replicates"),
    ({"strata": "_st", "psu": "_psu", "fpc": "_npsu", "pps": "brewer"}, "pps"),
    ({"strata": "_st", "psu": ["_psu", "respondent_id"]}, "psu names 2 columns"),
])
def test_designs_the_engines_cannot_finish_are_refused(folder, design, named):
    """Replicate weights, PPS and multistage designs need the rows: ``--engine duckdb`` refuses them with
    one message naming minyi.yaml, instead of silently computing a one-stage Taylor variance (replicates,
    PPS) or failing with "internal error: TypeError" (a psu list)."""
    (folder / "minyi.yaml").write_text(yaml.safe_dump({"design": design}), encoding="utf-8")
    r = CliRunner().invoke(cli.app, ["analyze", str(folder), "--engine", "duckdb", "--json"])
    assert r.exit_code != 0 and r.output == ""
    text = str(r.exception)
    assert named in text and "--engine memory" in text and "minyi.yaml" in text
    assert not isinstance(r.exception, TypeError)


def test_one_stage_design_written_as_lists_equals_in_memory(folder):
    """``psu: [_psu]`` and ``fpc: [_npsu]`` (the per-stage list form, one stage) are read as one column each
    by both engines; the Parquet folder's check used to fail on the list ("unhashable type: 'list'")."""
    got, ref = _both(folder, {"weights": "_npsu", "strata": "_st", "psu": ["_psu"], "fpc": ["_npsu"]})
    for sec in SECTIONS:
        assert _mismatches(got[sec], ref[sec]) == [], sec

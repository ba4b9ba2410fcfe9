"""`survey analyze DATA --engine duckdb|spark`: the sufficient statistics computed in SQL (DuckDB over a
project store or Parquet files; Spark in local mode) and finished by analysis.sufficient equal the
in-memory engine (report.pipeline.analyze) to 1e-10 relative — estimates, SEs, interval bounds,
deff, df, bases, and the group-vs-rest tests of ``group_tests`` (not the Rao–Scott F, which the
engines leave out) — for designs with strata, clusters, fpc and domains (groupings).

The Spark test needs pyspark and Java; CI (.ci/run) installs both and sets MINYI_REQUIRE_SPARK=1, so
there it fails instead of skipping."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import cli
from report.pipeline import analyze
from report.project import analyze_project
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

N = 2500
SECTIONS = ("indicators", "items", "areas", "composite", "league")
DESIGNS = {
    "srs": {},
    "strata_fpc_fraction": {"weights": "_w", "strata": "_st", "fpc": "_frac"},
    "cluster_fpc_count": {"weights": "_w", "strata": "_st", "psu": "_psu", "fpc": "_npsu"},
    "cluster_lonely_adjust": {"weights": "_w", "strata": "_st2", "psu": "_psu", "lonely_psu": "adjust"},
}


def _mismatches(a, b, path="", rel=1e-10, zero=1e-12) -> list:
    """Every number of ``a`` that differs from ``b`` by more than ``rel`` (relative) — values both within
    ``zero`` of 0 (an SE of a group whose variance is 0, up to rounding: 1e-17 vs 7e-18, or 1e-14 on
    the 20–100 index scale) count as
    equal; other values must be equal."""
    out = []
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), (path, sorted(set(a) ^ set(b)))
        for k in a:
            out += _mismatches(a[k], b[k], f"{path}.{k}", rel)
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            out += _mismatches(x, y, f"{path}[{i}]", rel)
    elif isinstance(a, float) and isinstance(b, (float, int)) and not isinstance(b, bool):
        if abs(a - b) > rel * max(abs(a), abs(b)) and not (abs(a) < zero and abs(b) < zero):
            out.append((path, a, b))
    elif a != b:
        out.append((path, a, b))
    return out


@pytest.fixture(scope="module")
def q():
    return load_questionnaire(bundled_path())


@pytest.fixture(scope="module")
def frame(q):
    f = simulate(q, N, seed=5)
    rng = np.random.default_rng(3)
    dist = pd.to_numeric(f[q.district_question], errors="coerce").fillna(0).astype(int).to_numpy()
    f["_st"] = dist
    f["_psu"] = dist * 100 + rng.integers(0, 12, N)
    f["_w"] = np.round(rng.uniform(0.5, 3.0, N), 3)
    f["_frac"] = 0.01 * (1 + dist % 3)
    f["_npsu"] = 40.0 + dist  # PSUs in the stratum's population
    # a stratum with a single PSU (lonely) for the adjust rule
    f["_st2"] = np.where(dist == dist.max(), -1, dist)
    f.loc[f["_st2"] == -1, "_psu"] = -1
    return f


@pytest.fixture(scope="module")
def parquet(tmp_path_factory, frame):
    root = tmp_path_factory.mktemp("parquet")
    data = root / "data"
    data.mkdir()
    half = len(frame) // 2  # two files: a folder of parts
    frame.iloc[:half].to_parquet(data / "part-0.parquet", index=False)
    frame.iloc[half:].to_parquet(data / "part-1.parquet", index=False)
    shutil.copyfile(bundled_path(), data / "questionnaire.yaml")
    return data


def _group_tests_mismatches(got: dict, ref: dict) -> list:
    """``group_tests`` of an engine against the in-memory one: every group-vs-rest record equal to 1e-10
    relative; the engines leave the Rao–Scott F test out (``rao_scott`` null)."""
    assert got is not None and ref is not None and set(got["by"]) == set(ref["by"])
    ref = json.loads(json.dumps(ref))
    for recs in ref["by"].values():
        for r in recs:
            r["rao_scott"] = None
    assert any(g["significant"] for recs in got["by"].values() for r in recs for g in r["groups"])
    return _mismatches(got, ref)


def _with_design(folder: Path, design: dict) -> Path:
    (folder / "minyi.yaml").write_text(yaml.safe_dump({"design": design}), encoding="utf-8")
    return folder


def _reference(q, frame, design, by):
    return analyze(q, frame, by=by, design=design)


@pytest.mark.parametrize("name", list(DESIGNS))
def test_duckdb_on_parquet_equals_in_memory(q, frame, parquet, name):
    from engines.analyze import analyze_data

    design = DESIGNS[name]
    by = ["site", "district"] if name != "cluster_fpc_count" else ["district", "A1"]
    ref = _reference(q, frame, design, by)
    got = analyze_data(_with_design(parquet, design), engine="duckdb", by=by)
    for sec in SECTIONS:
        assert _mismatches(got[sec], ref[sec]) == [], sec
    assert _group_tests_mismatches(got["group_tests"], ref["group_tests"]) == []
    assert got["sample"]["n"] == len(frame)
    assert _mismatches(got["sample"]["composition"], ref["sample"]["composition"]) == []
    assert got["meta"]["engine"]["name"] == "duckdb"
    assert got["meta"]["design"] == ref["meta"]["design"]
    assert got["sample"]["moe"] == pytest.approx(ref["sample"]["moe"], rel=1e-10)


def test_items_queried_in_groups_give_the_same_results(q, frame, parquet, monkeypatch):
    """Many PSUs: the item statistics are queried a few items at a time (ROWS_PER_QUERY), which must not
    change any number.  Forced here to about four items per query on a clustered design."""
    import engines.analyze as EA

    design = DESIGNS["cluster_lonely_adjust"]
    n_units = int(frame.groupby(["_st2", "_psu"]).ngroups)
    monkeypatch.setattr(EA, "ROWS_PER_QUERY", 8 * n_units * 4)
    assert EA._items_per_query(n_units, 120) == 4
    ref = _reference(q, frame, design, ["district"])
    got = EA.analyze_data(_with_design(parquet, design), engine="duckdb", by=["district"])
    for sec in SECTIONS:
        assert _mismatches(got[sec], ref[sec]) == [], sec


def test_duckdb_on_a_project_equals_analyze_project(tmp_path, q):
    f = simulate(q, 1500, seed=9, messy=True)  # speeders and duplicates: exclusions apply
    csv = tmp_path / "r.csv"
    write_csv(f, csv)
    p = Project.create(tmp_path / "proj", bundled_path())
    p.import_file(csv, wave="w1")
    from engines.analyze import analyze_data

    ref = analyze_project(Project.open(tmp_path / "proj"), by=["site", "district"])
    assert ref["sample"]["quality"]["excluded"] > 0
    got = analyze_data(tmp_path / "proj", engine="duckdb", by=["site", "district"])
    for sec in SECTIONS:
        assert _mismatches(got[sec], ref[sec]) == [], sec
    assert got["sample"]["n"] == ref["sample"]["n"]
    assert got["sample"]["quality"] == ref["sample"]["quality"]


def test_cli_engine_duckdb_and_parquet_in_memory(q, frame, parquet):
    runner = CliRunner()
    folder = _with_design(parquet, DESIGNS["cluster_fpc_count"])
    r = runner.invoke(cli.app, ["analyze", str(folder), "--engine", "duckdb", "--by", "district", "--json"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    r = runner.invoke(cli.app, ["analyze", str(folder), "--by", "district", "--json"])  # memory engine on Parquet
    assert r.exit_code == 0, r.output
    mem = json.loads(r.output)
    for sec in SECTIONS:
        assert _mismatches(got[sec], mem[sec]) == [], sec
    assert mem["hot_issues"] is not None and got["hot_issues"] is None
    assert got["meta"]["engine"]["sections_not_computed"] == ["hot_issues", "ranking", "open_text", "ipa"]
    r = runner.invoke(cli.app, ["analyze", str(folder), "--engine", "nosuch"])
    assert r.exit_code == 2 and "memory, duckdb, spark" in r.output


def test_engine_errors_name_the_problem(tmp_path, frame, capsys):
    cli._exit.called_from_console = False
    try:
        d = tmp_path / "noq"
        d.mkdir()
        frame.head(50).to_parquet(d / "x.parquet", index=False)
        assert cli.main(["analyze", str(d), "--engine", "duckdb"]) == 1
        assert "questionnaire" in capsys.readouterr().err
        shutil.copyfile(bundled_path(), d / "questionnaire.yaml")
        _with_design(d, {"weights": "no_such_column"})
        assert cli.main(["analyze", str(d), "--engine", "duckdb"]) == 1
        assert "no_such_column" in capsys.readouterr().err
    finally:
        cli._exit.called_from_console = True


def _spark_available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


@pytest.fixture(scope="session")
def spark():
    if not _spark_available():
        if os.environ.get("MINYI_REQUIRE_SPARK"):
            pytest.fail("Spark test required (MINYI_REQUIRE_SPARK) but pyspark or java is missing")
        pytest.skip("pyspark and java needed (CI installs them)")
    from engines.runners import spark_session

    os.environ.setdefault("MINYI_SPARK_MASTER", "local[2]")
    s = spark_session()
    yield s


@pytest.mark.parametrize("name", ["srs", "cluster_fpc_count"])
def test_spark_local_equals_in_memory(q, frame, parquet, spark, name):
    from engines.analyze import analyze_data

    design = DESIGNS[name]
    by = ["site"] if name == "srs" else ["site", "district"]  # srs: Spark's second pass, kept short
    ref = _reference(q, frame, design, by)
    got = analyze_data(_with_design(parquet, design), engine="spark", by=by, spark=spark)
    for sec in SECTIONS:
        assert _mismatches(got[sec], ref[sec]) == [], sec
    assert _group_tests_mismatches(got["group_tests"], ref["group_tests"]) == []
    assert _mismatches(got["sample"]["composition"], ref["sample"]["composition"]) == []
    assert got["meta"]["engine"]["name"] == "spark"


def test_cli_engine_spark_writes_the_result_and_no_log_lines(q, frame, parquet, spark):
    """``survey analyze DATA --engine spark --json`` as a user runs it, in its own process with its own
    Spark in local mode: the JSON on stdout equals the in-memory engine's, and stderr carries none of
    Spark's log lines (engines/spark_log4j2.properties: errors only, and no "Setting default log level"
    notice from the PySpark gateway), nor the JVM's own notice of the incubator module that Spark loads
    (engines.runners._start_jvm relays the JVM's stderr without it): stderr is empty."""
    import subprocess
    import sys

    from survey.cache import decoded

    design = DESIGNS["cluster_fpc_count"]
    folder = _with_design(parquet, design)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "MINYI_SPARK_MASTER": "local[2]"}
    r = subprocess.run([sys.executable, "-m", "cli", "analyze", str(folder), "--engine", "spark", "--by", "site",
                        "--json"], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    ref = decoded(_reference(q, frame, design, ["site"]))  # as --json writes it (NaN as null)
    for sec in SECTIONS:
        assert _mismatches(got[sec], ref[sec]) == [], sec
    assert got["meta"]["engine"]["name"] == "spark"
    assert r.stderr == ""


def test_cli_engine_spark_that_cannot_start_is_one_error_after_the_jvm_messages(parquet, spark):
    """A Spark whose JVM exits at start (here an invalid MINYI_SPARK_DRIVER_MEMORY): the JVM's own messages
    reach stderr (relayed by engines.runners._start_jvm), then one catalogued error, exit code 1, no
    traceback and no "internal error"."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "MINYI_SPARK_MASTER": "local[1]",
           "MINYI_SPARK_DRIVER_MEMORY": "lots"}
    r = subprocess.run([sys.executable, "-m", "cli", "analyze", str(parquet), "--engine", "spark", "--json"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 1
    assert r.stdout == ""
    assert "Invalid maximum heap size: -Xmxlots" in r.stderr  # the JVM's message, relayed
    assert "error: Spark could not start" in r.stderr and "MINYI_SPARK_DRIVER_MEMORY" in r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr


def test_spark_reads_a_folder_named_by_a_url(q, frame, parquet, spark, tmp_path, capsys):
    """DATA as a URL (hdfs://, s3a://; here file://): Spark reads the files and the folder's
    questionnaire.yaml and minyi.yaml; the answers are checked in Spark SQL (engines/parquet_input.py);
    other engines refuse a URL with a usage error, and a bad --na or --ci is refused before Spark reads anything."""
    from engines.analyze import analyze_data
    from survey.errors import MinyiError

    design = DESIGNS["cluster_fpc_count"]
    url = _with_design(parquet, design).as_uri()
    assert url.startswith("file:///")
    got = analyze_data(url, engine="spark", by=["district"], spark=spark)
    ref = _reference(q, frame, design, ["district"])
    for sec in SECTIONS:
        assert _mismatches(got[sec], ref[sec]) == [], sec
    assert got["meta"]["design"] == ref["meta"]["design"]  # minyi.yaml read through Spark

    bad = tmp_path / "bad"
    bad.mkdir()
    f = frame.head(300).copy()
    f.iloc[[4, 9], f.columns.get_loc("C1_r1")] = 7
    f.drop(columns=["C1_r2"]).to_parquet(bad / "part-0.parquet", index=False)
    frame.iloc[300:600].to_parquet(bad / "part-1.parquet", index=False)
    shutil.copyfile(bundled_path(), bad / "questionnaire.yaml")
    with pytest.raises(MinyiError) as e:
        analyze_data(bad.as_uri(), engine="spark", by=["site"], spark=spark)
    msg = str(e.value)
    assert msg.startswith(f"{(bad / 'part-0.parquet').as_uri()}, column C1_r1: error: 2 value(s) of C1_r1 are not "
                          "options of the questionnaire, such as '7'"), msg
    cli._exit.called_from_console = False
    try:
        assert cli.main(["analyze", url, "--engine", "duckdb"]) == 2
        assert "only --engine spark reads it" in capsys.readouterr().err
        # the options are checked before Spark reads anything, as for a local folder
        for opt, bad_value in (("--na", "bogus"), ("--ci", "exact")):
            assert cli.main(["analyze", "s3a://no-such-bucket/surveys", "--engine", "spark", opt, bad_value]) == 2
            err = capsys.readouterr().err
            assert f"Invalid value for '{opt}': " in err and f"{opt} '{bad_value}'" in err, err
    finally:
        cli._exit.called_from_console = True


def test_spark_without_a_file_system_for_the_url_says_so(spark):
    """A URL whose scheme Spark has no file system for (``s3a://`` without the hadoop-aws connector, a
    misspelt scheme) stops with one located message naming the scheme, not a Java stack trace ('internal
    error ... please report this as a bug' before); so does any other Java error of a read."""
    from engines.analyze import analyze_data
    from engines.runners import spark_read_errors
    from survey.errors import MinyiError

    with pytest.raises(MinyiError) as e:
        analyze_data("nosuchfs://bucket/surveys", engine="spark", spark=spark)
    msg = str(e.value)
    assert msg.startswith("nosuchfs://bucket/surveys/questionnaire.yaml: error: Spark has no file system for "
                          "nosuchfs:// URLs: "), msg
    assert "No FileSystem for scheme" in msg and "spark.jars.packages" in msg and "\tat " not in msg
    with pytest.raises(MinyiError) as e:  # any other Java error of a read: its first line
        with spark_read_errors("hdfs://nn/x"):
            spark.sparkContext._jvm.java.lang.Integer.parseInt("not a number")
    assert str(e.value).startswith("hdfs://nn/x: error: Spark cannot read this location: "), str(e.value)
    assert "not a number" in str(e.value) and "\tat " not in str(e.value)


def test_design_column_missing_or_no_rows_named_before_reading(q, frame, tmp_path, capsys):
    """A design column that minyi.yaml names but the data lack, and Parquet files without rows: one
    message naming minyi.yaml (or the folder), on every engine and for a project, before the data are
    read (before: 'error: weights column ... is not in the data' with no file, or 'the data have no rows')."""
    data = tmp_path / "data"
    data.mkdir()
    frame.iloc[:200].to_parquet(data / "part-0.parquet", index=False)
    shutil.copyfile(bundled_path(), data / "questionnaire.yaml")
    _with_design(data, {"weights": "_ww", "strata": "_st"})
    empty = tmp_path / "empty"
    empty.mkdir()
    frame.iloc[:0].to_parquet(empty / "part-0.parquet", index=False)
    shutil.copyfile(bundled_path(), empty / "questionnaire.yaml")
    proj = tmp_path / "proj"
    Project.create(proj, bundled_path())
    csv = tmp_path / "r.csv"
    write_csv(simulate(q, 60, seed=2), csv)
    Project.open(proj).import_file(csv, wave="w1")
    cfg = yaml.safe_load((proj / "minyi.yaml").read_text(encoding="utf-8"))
    cfg["design"] = {"weights": "weight"}
    (proj / "minyi.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    cli._exit.called_from_console = False
    try:
        for engine in ("memory", "duckdb"):
            assert cli.main(["analyze", str(data), "--engine", engine, "--json"]) == 1
            err = capsys.readouterr().err
            line = [i for i, ln in enumerate((data / "minyi.yaml").read_text().splitlines(), 1) if "_ww" in ln][0]
            assert err.startswith(f"{data}/minyi.yaml:{line}:12: error: design.weights: column '_ww' is not a column "
                                  "of the Parquet files (did you mean"), err
            assert "'_w'" in err
            assert cli.main(["analyze", str(empty), "--engine", engine, "--json"]) == 1
            err = capsys.readouterr().err
            assert err.startswith(f"{empty}: error: the 1 Parquet file(s) hold no rows"), err
        assert cli.main(["analyze", str(proj), "--json"]) == 1
        err = capsys.readouterr().err
        line = [i for i, ln in enumerate((proj / "minyi.yaml").read_text().splitlines(), 1) if "weights: weight" in ln][0]
        assert err.startswith(f"{proj}/minyi.yaml:{line}:12: error: design.weights: column 'weight' is not a column of "
                              "the responses"), err
    finally:
        cli._exit.called_from_console = True


def test_partition_folders_are_columns_in_every_engine(q, frame, spark, tmp_path):
    """A dataset partitioned by stratum (``_st=3/part-0.parquet``, as Spark's partitionBy writes it) next to a
    file in a plain subfolder: DuckDB and the in-memory engine read the ``key=value`` folders as columns;
    Spark reads every file at any depth and adds the same columns (its own partition discovery would
    skip the plain subfolder's file, or lose the partitions when reading every depth)."""
    from engines.analyze import analyze_data, analyze_parquet_in_memory

    design = DESIGNS["cluster_fpc_count"]  # strata from the folders; clustered: Spark's one pass (its second,
    root = tmp_path / "partitioned"         # over rows as units, is test_spark_local_equals_in_memory[srs]'s)
    for st, part in frame.groupby("_st"):
        d = root / f"_st={st}"
        d.mkdir(parents=True)
        part.drop(columns=["_st"]).iloc[:-5].to_parquet(d / "part-0.parquet", index=False)
        (d / "late").mkdir()
        part.drop(columns=["_st"]).iloc[-5:].to_parquet(d / "late" / "part-1.parquet", index=False)
    shutil.copyfile(bundled_path(), root / "questionnaire.yaml")
    _with_design(root, design)
    ref = _reference(q, frame, design, ["site"])
    for got in (analyze_data(root, engine="duckdb", by=["site"]), analyze_data(root, engine="spark", by=["site"], spark=spark),
                analyze_parquet_in_memory(root, q, by=["site"])):
        assert got["sample"]["n"] == len(frame)
        for sec in SECTIONS:
            assert _mismatches(got[sec], ref[sec]) == [], sec


def test_partition_keys_are_the_key_value_folders_below_the_root():
    from engines.runners import partition_keys

    files = ["hdfs://nn:8020/data/p=1/city=A/year=2025/part-0.parquet", "hdfs://nn:8020/data/p=1/city=B/x/part-1.parquet",
             "hdfs://nn:8020/data/p=1/part-2.parquet"]
    assert partition_keys(files, "hdfs://nn:8020/data/p=1") == ["city", "year"]
    assert partition_keys(["/tmp/a/k=v/f.parquet", "/tmp/a/g.parquet"], "/tmp/a/") == ["k"]
    assert partition_keys(["file:///tmp/a/b/f.parquet"], "file:///tmp/a") == []


def test_engine_refuses_a_row_only_interval_up_front(q, frame, parquet, capsys):
    """The engines take the interval methods of tables of groups (check_method(groups=True), as
    report.pipeline.analyze): minyi.yaml's ci_method ``likelihood`` is refused before any SQL runs, with
    the catalogue's list of methods, and the CLI exits 1 without a traceback."""
    from analysis.design import DesignError
    from analysis.ci import GROUP_CI_METHODS
    from engines.analyze import analyze_data

    folder = _with_design(parquet, {})
    with pytest.raises(DesignError) as e:
        analyze_data(folder, engine="duckdb", ci_method="likelihood")
    assert "choose one of: " + ", ".join(GROUP_CI_METHODS) in str(e.value)
    (folder / "minyi.yaml").write_text(yaml.safe_dump({"ci_method": "likelihood"}), encoding="utf-8")
    cli._exit.called_from_console = False
    try:
        assert cli.main(["analyze", str(folder), "--engine", "duckdb"]) == 1
        err = capsys.readouterr().err
        # minyi.yaml's value: its own entry, naming the file and the key
        assert "minyi.yaml" in err and "ci_method: unknown interval method 'likelihood'" in err, err
        assert "Traceback" not in err
    finally:
        cli._exit.called_from_console = True
        _with_design(folder, {})


def test_engine_fpc_errors_name_the_stratum_and_values():
    """The SQL engines check the fpc on the per-unit table (no rows there to name): the message names the
    stratum and the values, as the in-memory design's message names the line."""
    import pandas as pd

    from analysis.design import DesignError
    from engines.analyze import _engine

    def units(fmin, fmax):
        return pd.DataFrame({"_st": ["A", "B"], "_psu": [None, None], "n": [3, 2], "badw": [0, 0], "fnull": [0, 0],
                             "fmin": fmin, "fmax": fmax})

    design = {"strata": "h", "fpc": "N"}
    with pytest.raises(DesignError) as e:
        _engine(units([10, 5], [10, 6]), design, 1, [])
    assert "varies within stratum 'B' (from 5 to 6)" in str(e.value)
    with pytest.raises(DesignError) as e:
        _engine(units([10, 1], [10, 1]), design, 1, [])
    assert "population size 1 of stratum 'B' is smaller than its 2 sampled rows" in str(e.value)

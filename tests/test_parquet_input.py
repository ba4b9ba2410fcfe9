"""A Parquet folder given to `survey analyze` (engines/parquet_input.py): a damaged file or an answer that
is not an option is reported with its file, row and column (every problem at once, exit 1, no
traceback) instead of changing the estimates; answers stored as text, blank text and a column that
some files lack are read alike by the in-memory engine and by DuckDB."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import cli
from engines.analyze import analyze_data, analyze_parquet_in_memory
from report.pipeline import analyze
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate
from test_engines import _mismatches

SECTIONS = ("indicators", "items", "areas", "composite")
ITEM = "C1_r1"  # a matrix row: options 1–5 and 9 (不了解)


@pytest.fixture(scope="module")
def q():
    return load_questionnaire(bundled_path())


@pytest.fixture(scope="module")
def frame(q):
    return simulate(q, 1200, seed=11)


def _folder(root: Path, parts) -> Path:
    root.mkdir()
    for i, p in enumerate(parts):
        p.to_parquet(root / f"part-{i}.parquet", index=False)
    shutil.copyfile(bundled_path(), root / "questionnaire.yaml")
    return root


def _run(args, capsys) -> tuple[int, str]:
    cli._exit.called_from_console = False
    try:
        rc = cli.main(args)
    finally:
        cli._exit.called_from_console = True
    return rc, capsys.readouterr().err


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_a_damaged_file_is_named(tmp_path, frame, engine, capsys):
    d = _folder(tmp_path / "d", [frame.iloc[:600], frame.iloc[600:]])
    (d / "part-9.parquet").write_bytes(b"PAR1 cut short")
    rc, err = _run(["analyze", str(d), "--engine", engine, "--json"], capsys)
    assert rc == 1
    assert f"{d / 'part-9.parquet'}: error: cannot read this Parquet file" in err
    assert "Traceback" not in err and "internal" not in err


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_codes_that_are_not_options_are_reported_with_file_row_and_column(tmp_path, q, frame, engine, capsys):
    a, b = frame.iloc[:600].copy(), frame.iloc[600:].copy()
    a.iloc[[40, 41, 300], a.columns.get_loc(ITEM)] = 7  # 7 is not an option of C1
    site = q.site_question
    b.iloc[[5], b.columns.get_loc(site)] = 42  # nor 42 a site
    multi = next(c for c in frame.columns if c.startswith("B2_"))
    b.iloc[[7, 8], b.columns.get_loc(multi)] = 2  # a multiple-choice cell is 0 or 1
    d = _folder(tmp_path / "d", [a, b])
    rc, err = _run(["analyze", str(d), "--engine", engine, "--json"], capsys)
    assert rc == 1, err
    lines = [x for x in err.splitlines() if "error:" in x]
    assert len(lines) == 3, err  # every problem at once
    assert any(x.startswith(f"{d / 'part-0.parquet'}, row 41, column {ITEM}: error: 3 value(s) of {ITEM} are "
                            "not options of the questionnaire, such as '7'") for x in lines), err
    assert any(x.startswith(f"{d / 'part-1.parquet'}, row 6, column {site}: error: 1 value(s)") and "'42'" in x
               for x in lines), err
    assert any(x.startswith(f"{d / 'part-1.parquet'}, row 8, column {multi}: error: 2 value(s)") and "0, 1" in x
               for x in lines), err


def test_text_that_is_not_a_number_is_reported(tmp_path, frame, capsys):
    g = frame.copy()
    g[ITEM] = g[ITEM].map(lambda x: "" if np.isnan(x) else f"{x:g}").astype(object)
    g.iloc[17, g.columns.get_loc(ITEM)] = "满意"
    d = _folder(tmp_path / "d", [g])
    for engine in ("memory", "duckdb"):
        rc, err = _run(["analyze", str(d), "--engine", engine, "--json"], capsys)
        assert rc == 1
        assert (f"{d / 'part-0.parquet'}, row 18, column {ITEM}: error: 1 value(s) of {ITEM} are not numbers, "
                "such as '满意'") in err


def test_text_codes_blanks_and_missing_columns_are_read_alike(tmp_path, q, frame):
    """Answers as text ("3", " 4 "), blank text, NaN and a column the second file lacks all mean what the
    numeric frame with NaN says, in both engines."""
    ref_frame = frame.copy()
    ref_frame.loc[ref_frame.index[::7], ITEM] = np.nan
    other = "C1_r2"
    ref_frame.loc[ref_frame.index[600:], other] = np.nan  # absent from the second file

    g = ref_frame.copy().astype({ITEM: object})
    g[ITEM] = [("" if i % 2 else "  ") if (i % 7 == 0) else (f" {v:g} " if i % 3 else f"{v:g}")
               for i, v in enumerate(ref_frame[ITEM].to_numpy())]
    g.loc[g.index[::14], ITEM] = None  # some blanks are nulls
    d = _folder(tmp_path / "d", [g.iloc[:600], g.iloc[600:].drop(columns=[other])])

    ref = analyze(q, ref_frame, by=["site"])
    mem = analyze_parquet_in_memory(d, q, by=["site"])
    duck = analyze_data(d, engine="duckdb", by=["site"])
    for sec in SECTIONS:
        assert _mismatches(mem[sec], ref[sec]) == [], sec
        assert _mismatches(duck[sec], ref[sec]) == [], sec
    item = next(it for it in duck["items"] if it["key"] == other)
    assert 0 < item["rate"]["n_answered"] == int(ref_frame[other].notna().sum()) <= 600


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_weights_that_are_missing_negative_or_not_numbers_are_located(tmp_path, frame, engine, capsys):
    import yaml

    a, b = frame.iloc[:600].copy(), frame.iloc[600:].copy()
    a["_w"] = "1.5"
    a.iloc[9, a.columns.get_loc("_w")] = "abc"
    b["_w"] = 2.0
    b.iloc[[3, 4], b.columns.get_loc("_w")] = -1.0
    d = _folder(tmp_path / "d", [a, b])
    (d / "minyi.yaml").write_text(yaml.safe_dump({"design": {"weights": "_w"}}), encoding="utf-8")
    rc, err = _run(["analyze", str(d), "--engine", engine, "--json"], capsys)
    assert rc == 1
    assert (f"{d / 'part-0.parquet'}, row 10, column _w: error: 3 value(s) of the design column _w are missing, "
            "negative or not numbers, such as 'abc'") in err, err


def test_the_text_summary_of_a_folder_names_no_wave(tmp_path, frame, capsys):
    d = _folder(tmp_path / "d", [frame])
    cli._exit.called_from_console = False
    try:
        assert cli.main(["analyze", str(d), "--by", "site", "--engine", "duckdb"]) == 0
    finally:
        cli._exit.called_from_console = True
    out = capsys.readouterr().out
    assert out.startswith(f"data (1 Parquet file): n={len(frame):,};") and "None" not in out, out[:200]


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_meta_lists_the_files_pooled_with_their_rows(tmp_path, frame, engine):
    """An analyst pooling cities sees what each file contributed: meta.files, paths relative to the folder
    (a file in a subfolder too), rows from each file's footer, summing to the sample's n."""
    d = _folder(tmp_path / "d", [frame.iloc[:500], frame.iloc[500:700]])
    (d / "city=B").mkdir()
    frame.iloc[700:].to_parquet(d / "city=B" / "part-0.parquet", index=False)
    if engine == "memory":
        res = analyze_parquet_in_memory(d, load_questionnaire(d / "questionnaire.yaml"), by=["site"])
    else:
        res = analyze_data(d, engine=engine, by=["site"])
    assert res["meta"]["files"] == [{"file": "city=B/part-0.parquet", "rows": len(frame) - 700},
                                    {"file": "part-0.parquet", "rows": 500}, {"file": "part-1.parquet", "rows": 200}]
    assert sum(f["rows"] for f in res["meta"]["files"]) == res["sample"]["n"]


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_a_wave_of_a_folder_is_refused(tmp_path, frame, engine, capsys):
    """--wave names a project's wave; on a folder the duckdb engine used to print the given name as the
    analysed wave over all rows, the in-memory one to ignore it."""
    d = _folder(tmp_path / "d", [frame])
    rc, err = _run(["analyze", str(d), "--wave", "2026Q1", "--engine", engine, "--json"], capsys)
    assert rc == 2 and "--wave 2026Q1: a folder of Parquet files has no waves" in err, err  # a wrong command line


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_a_path_that_does_not_exist_is_said_so(tmp_path, engine, capsys):
    rc, err = _run(["analyze", str(tmp_path / "nope"), "--engine", engine, "--json"], capsys)
    assert rc == 1 and f"file does not exist: {tmp_path / 'nope'}" in err, err
    (tmp_path / "empty").mkdir()  # a folder without Parquet files: not a project, not a dataset
    rc, err = _run(["analyze", str(tmp_path / "empty"), "--engine", engine, "--json"], capsys)
    assert rc == 1 and "is neither a project nor a folder of Parquet files" in err, err

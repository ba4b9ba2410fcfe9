"""End to end: `survey init` + `survey import` of the 问卷星 (and other) fixtures, counts and quarantine reasons."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from cli_capture import run_main

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
ROOT = Path(__file__).resolve().parents[1]


def _survey(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", "import sys; from cli import main; sys.exit(main())", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_wjx_both_codings_through_the_real_command(tmp_path):
    proj = str(tmp_path / "p")
    r = _survey("init", proj, "--questionnaire", str(QFILE))
    assert r.returncode == 0, r.stderr
    r = _survey("import", proj, str(DATA / "wjx_by_code.csv"), "--wave", "2026Q3")
    assert r.returncode == 0, r.stderr
    assert "format wjx (问卷星" in r.stdout
    assert "wave 2026Q3: 12 rows read, 12 accepted, 0 quarantined" in r.stdout
    assert "来自IP" in r.stdout  # identifying column kept apart, and said so
    r = _survey("import", proj, str(DATA / "wjx_by_text.csv"), "--wave", "2026Q4")
    assert r.returncode == 0 and "wave 2026Q4: 12 rows read, 12 accepted, 0 quarantined" in r.stdout
    r = _survey("import", proj, str(DATA / "wjx_by_code.csv"), "--wave", "2026Q3")
    assert r.returncode == 0 and "already imported" in r.stdout


def _bad_wjx(tmp_path: Path) -> Path:
    df = pd.read_csv(DATA / "wjx_by_text.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    df.iloc[0, 6] = "社会"  # row 2: not an option of Q1 (one record: not also "required Q1 missing")
    df.iloc[1, 11] = "住房┋买菜"  # row 3: 买菜 is not an option of Q4
    df.iloc[2, 12] = "环境污染→环境污染→交通拥堵"  # row 4: the same option ranked twice
    df.iloc[4, 7] = ""  # row 6: required Q2 missing
    p = tmp_path / "wjx_bad.csv"
    p.write_text(df.to_csv(index=False) + "," * 13 + "\n", encoding="utf-8-sig")  # row 14: blank
    return p


def test_wjx_quarantine_counts_and_reasons(tmp_path):
    run = CliRunner()
    proj = str(tmp_path / "p")
    assert run.invoke(app, ["init", proj, "--questionnaire", str(QFILE)]).exit_code == 0
    res = run.invoke(app, ["import", proj, str(_bad_wjx(tmp_path)), "--wave", "W"])
    assert res.exit_code == 0, res.output
    assert "wave W: 13 rows read, 8 accepted, 5 quarantined" in res.output
    res = run.invoke(app, ["quarantine", proj, "--json"])
    import json

    recs = json.loads(res.output)
    got = sorted((r["row"], r["code"], r["value"] if isinstance(r["value"], str) else None) for r in recs)
    assert got == [(2, "unknown-option", "社会"), (3, "unknown-option", "买菜"),
                   (4, "rank-invalid", "环境污染→环境污染→交通拥堵"), (6, "required-missing", None), (14, "blank-row", None)]


_main = run_main


def test_strict_import_stores_nothing(tmp_path, capsys):
    proj = str(tmp_path / "p")
    _main(capsys, "init", proj, "--questionnaire", str(QFILE))
    rc, out = _main(capsys, "import", proj, str(_bad_wjx(tmp_path)), "--strict")
    assert rc == 1 and "--strict: 5 problem(s)" in out
    rc, out = _main(capsys, "status", proj, "--json")
    import json

    assert rc == 0 and json.loads(out)["waves"] == []


@pytest.mark.parametrize("name,fmt", [("wjx_by_text_gbk.csv", "wjx"), ("wjx_by_code.xlsx", "wjx"),
                                      ("wjx_by_text.xls", "wjx"), ("wjx_by_code.sav", "wjx"),
                                      ("tencent.zip", "tencent"), ("kobo_xml.csv", "kobo")])
def test_other_formats_import(tmp_path, name, fmt):
    run = CliRunner()
    proj = str(tmp_path / "p")
    run.invoke(app, ["init", proj, "--questionnaire", str(QFILE)])
    res = run.invoke(app, ["import", proj, str(DATA / name)])
    assert res.exit_code == 0, res.output
    assert f"format {fmt} (" in res.output and "12 rows read, 12 accepted, 0 quarantined" in res.output


@pytest.mark.parametrize("name,args,msg", [
    ("bad_truncated.xlsx", [], "not a readable Excel workbook"),
    ("bad_empty.csv", [], "the file is empty"),
    ("bad_garbage.bin", [], "cannot read"),
    ("wjx_by_text.csv", ["--format", "sav"], "--format sav was given but the content is a text file"),
])
def test_unreadable_file_one_line_exit_1(tmp_path, capsys, name, args, msg):
    proj = str(tmp_path / "p")
    _main(capsys, "init", proj, "--questionnaire", str(QFILE))
    rc, out = _main(capsys, "import", proj, str(DATA / name), *args)
    assert rc == 1
    assert msg in out and name in out and "Traceback" not in out
    assert len(out.strip().splitlines()) == 1


def _strict_json(text: str):
    """json.loads that refuses NaN / Infinity (not JSON, though Python's json writes them)."""
    import json

    def refuse(name):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_every_json_output_is_strict_json(tmp_path):
    """Quarantine values that are empty, never-asked questions (rate 0/0), blank rows: null, never NaN."""
    run = CliRunner()
    proj = str(tmp_path / "p")
    assert run.invoke(app, ["init", proj, "--questionnaire", str(QFILE)]).exit_code == 0
    res = run.invoke(app, ["import", proj, str(_bad_wjx(tmp_path)), "--wave", "W", "--json"])
    assert res.exit_code == 0, res.output
    assert _strict_json(res.output)["quarantined"] == 5
    res = run.invoke(app, ["quarantine", proj, "--json"])
    recs = _strict_json(res.output)
    blank = [r for r in recs if r["code"] == "blank-row"]
    assert len(blank) == 1 and blank[0]["value"] is None
    for args in (["check", proj, "--json"], ["status", proj, "--json"], ["quarantine", proj, "--wave", "W", "--json"],
                 ["import", proj, str(_bad_wjx(tmp_path)), "--json"]):
        res = run.invoke(app, args)
        assert res.exit_code == 0, res.output
        _strict_json(res.output)


def test_json_safe_replaces_every_non_finite_number():
    import math

    import numpy as np

    from survey.export import json_safe

    got = json_safe({"a": float("nan"), "b": [np.float32("nan"), np.inf, -math.inf, 1.5, np.int64(3)],
                     "c": pd.NA, "d": (np.float64(2.0), None, "x"), "e": np.array([np.nan, 1.0])})
    assert got == {"a": None, "b": [None, None, None, 1.5, 3], "c": None, "d": [2.0, None, "x"], "e": [None, 1.0]}
    import json

    _strict_json(json.dumps(got))


def test_json_output_equals_the_standard_library_encoding(capsys):
    """--json is written by orjson (cli/_common.py, for speed): what it writes parses to what the standard
    library wrote (json_safe first, then json.dumps with the same default), for every kind of value the
    commands pass: NaN and infinities, NumPy scalars and arrays, pandas NA, tuples, paths, dates,
    dataclasses, enums, sets and non-text keys; and the text is indented by 2 and valid strict JSON."""
    import dataclasses
    import datetime
    import enum
    import json
    import math
    from pathlib import Path

    import numpy as np

    from cli._common import _echo_json
    from survey.export import json_safe
    from survey.jsontext import json_default

    @dataclasses.dataclass
    class Rec:
        a: int

    class Level(enum.IntEnum):
        HIGH = 3

    obj = {"nan": float("nan"), "inf": [np.inf, -math.inf], "f32": np.float32(0.5), "f32nan": np.float32("nan"),
           "arr": np.array([1.0, np.nan]), "ints": np.arange(3), "i64": np.int64(4), "bool": np.bool_(True),
           "na": pd.NA, "tuple": (1, "x"), "path": Path("/tmp/x"), "when": datetime.datetime(2026, 12, 4, 13, 5),
           "day": datetime.date(2026, 12, 4), "rec": Rec(1), "level": Level.HIGH, "set": {"only"},
           "keys": {1: "a", 2.5: "b", None: "c", True: "d"}, "text": "满意度 “引号”", "nested": [{"x": [None, float("nan")]}]}
    _echo_json(obj)
    out = capsys.readouterr().out
    assert _strict_json(out) == json.loads(json.dumps(json_safe(obj), ensure_ascii=False, default=json_default,
                                                      allow_nan=False))
    assert out.startswith('{\n  "nan": null,\n  "inf": [\n    null,') and "满意度" in out


def test_cumulative_download_on_top_of_the_last_one_is_said_at_import(tmp_path):
    """问卷星 downloads give every answer so far: week 2's file holds week 1's answers again. The import stores
    them (nothing is dropped silently) and says how many ids the wave already had, from which import, what
    analysis does with them and how to undo; --json gives the count and the imports."""
    import json

    from test_rowcheck import HEADER, TINY, write_csv

    qf = tmp_path / "tiny.yaml"
    qf.write_text(TINY, encoding="utf-8")
    rows = [f"R{i:02d},2026-03-01 09:{i:02d}:00,{600 + i},1,1,1,0,0,0,{i % 10},,1,2,1,2,1" for i in range(1, 9)]
    week1, week2 = write_csv(tmp_path / "week1.csv", rows[:5], HEADER), write_csv(tmp_path / "week2.csv", rows, HEADER)
    proj = str(tmp_path / "p")
    assert _survey("init", proj, "--questionnaire", str(qf)).returncode == 0
    r = _survey("import", proj, str(week1), "--wave", "W")
    assert r.returncode == 0 and "respondent id already" not in r.stdout  # a first import: nothing to compare
    r = _survey("import", proj, str(week2), "--wave", "W", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert (d["accepted"], d["repeated_ids"], d["repeated_in_imports"], d["import_id"]) == (8, 5, [1], 2)
    from survey.store import Project

    data, excl = Project.open(proj).responses("W")  # 13 stored, each id's first answer analysed
    assert (len(data), excl) == (8, {"重复的受访者编号": 5})
    r = _survey("remove-import", proj, "2")
    assert r.returncode == 0, r.stderr
    r = _survey("import", proj, str(week2), "--wave", "W")
    assert r.returncode == 0
    assert (f"  warning: 5 row(s) have a respondent id already in wave W (import #1): survey check flags them "
            f"(duplicate_id) and analysis keeps each id's first answer; if this file repeats an earlier one, undo it "
            f"with: survey remove-import {Path(proj).resolve()} 3") in r.stdout.splitlines(), r.stdout
    r = _survey("import", proj, str(week2), "--wave", "W2")  # another wave: its own ids
    assert "already imported" in r.stdout


def test_repeated_ids_note_says_when_the_rule_is_off(tmp_path):
    from survey.store import Project
    from test_rowcheck import HEADER, TINY, write_csv

    qf = tmp_path / "tiny.yaml"
    qf.write_text(TINY, encoding="utf-8")
    p = Project.create(tmp_path / "p", qf)
    p.config["exclusions"]["duplicate_id"] = False
    p.save_config()
    p = Project.open(p.root)
    rows = [f"R{i:02d},2026-03-01 09:{i:02d}:00,{600 + i},1,1,1,0,0,0,{i % 10},,1,2,1,2,1" for i in range(1, 6)]
    p.import_file(write_csv(tmp_path / "a.csv", rows[:3], HEADER), wave="W")
    s = p.import_file(write_csv(tmp_path / "b.csv", rows[1:], HEADER), wave="W")
    assert (s.repeated.rows, s.repeated.earlier_imports, s.repeated.excluded) == (2, (1,), False)
    assert "but that exclusion rule is off in minyi.yaml: analysis keeps them unless another rule" in s.lines()[-1]
    assert p.responses("W")[1] == {"答案完全相同": 2}  # the same answers again: left out by that rule only

"""Every example in the CLI's --help runs.

For each command of ``survey`` (and the root help) the example lines of its help text (the lines
starting ``survey `` after ``Example:``) are parsed with shlex and run as they are — ``python -m cli``
in place of ``survey`` — in a fresh folder holding what they name: the project ``city2026`` (a copy of
the demo's project, three waves 2026Q1–2026Q3, one import each), the bundled ``questionnaires/``, a
``wjx_export.csv`` of answers, an ``answers.csv`` with the columns the estimate/crosstab/weight examples
use (Q12, w, district, community, age) and their margin files, a ``districts.csv`` of strata, a
``province_parquet/`` folder, ``framework.yaml`` and ``scores.xlsx`` (the bundled evaluation framework
and external scores) and a ``kobo_form.xlsx`` (``init`` runs without ``city2026``: it creates it).  The demo example itself is the test
run's one ``survey demo`` (tests/shared_demo.py runs it as the example reads, exit 0 without a traceback checked there).  Examples of one command run in order in one folder (``ledger --update`` reads the
ledger the first example wrote).  Each must exit 0 without a traceback.  The one change: ``survey
serve`` listens on a free local port (not 0.0.0.0:8000) and is stopped with Ctrl-C (SIGINT) once it
answers, which must end it cleanly (exit 0).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer.main

import cli
from serve_helpers import free_port
from shared_demo import DEMO_ARGV, demo_copy

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 600


def _examples(help_text: str) -> list[list[str]]:
    """The example command lines of one help text (after ``Example:``/``Examples:``), as argv lists."""
    m = re.search(r"^Examples?:\s*$", help_text or "", flags=re.M)
    if not m:
        return []
    out = []
    for line in help_text[m.end():].splitlines():
        line = line.strip().lstrip("\b").strip()
        if line.startswith("survey "):
            out.append(shlex.split(line)[1:])
    return out


def _all_examples() -> dict[str, list[list[str]]]:
    group = typer.main.get_command(cli.app)
    ex = {"(root)": _examples(group.help)}
    for name, cmd in sorted(group.commands.items()):
        ex[name] = _examples(cmd.help)
    return ex


EXAMPLES = _all_examples()


def _run(argv: list[str], cwd: Path, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "cli", *argv], cwd=str(cwd), env=env, capture_output=True,
                          text=True, timeout=timeout)


def _assert_ran(argv: list[str], r: subprocess.CompletedProcess) -> None:
    shown = "survey " + shlex.join(argv)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, f"{shown}\n{r.stderr[-3000:]}"
    assert r.returncode == 0, f"{shown} exited {r.returncode}\nstdout: {r.stdout[-1500:]}\nstderr: {r.stderr[-3000:]}"


def test_every_command_has_a_runnable_example():
    assert EXAMPLES["(root)"], "the root --help has no example"
    missing = [n for n, ex in EXAMPLES.items() if not ex]
    assert not missing, f"no example line starting 'survey ' in the help of: {missing}"
    # help text is re-wrapped by paragraph: two example lines without a blank line between are shown as one
    group = typer.main.get_command(cli.app)
    for name, cmd in [("(root)", group), *sorted(group.commands.items())]:
        text = cmd.help or ""
        m = re.search(r"^Examples?:\s*$", text, flags=re.M)
        lines = [ln.strip() for ln in text[m.end():].splitlines()]
        joined = [a for a, b in zip(lines, lines[1:]) if a.startswith("survey ") and b]
        assert not joined, f"{name}: example lines run together in --help: {joined}"


def _answers(n: int = 300, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    districts = ["东城区", "西城区", "南湖区", "北山区", "高新区", "临江县"]
    return pd.DataFrame({
        "id": np.arange(1, n + 1),
        "Q12": rng.choice(["非常满意", "满意", "一般", "不满意", "不了解"], n, p=[0.3, 0.35, 0.15, 0.1, 0.1]),
        "w": np.round(rng.uniform(0.5, 2.0, n), 3),
        "district": rng.choice(districts, n),
        "community": rng.integers(1, 41, n),
        "age": rng.choice(["18-29", "30-44", "45-59", "60+"], n),
    })


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A folder with the demo's output (made by the demo example) and ``files/`` (see module docstring)."""
    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate, write_csv

    demo = EXAMPLES["demo"][0]
    if tuple(demo) == DEMO_ARGV:  # the test run's one demo is this example's run (tests/shared_demo.py)
        out = demo_copy(tmp_path_factory, "help_examples", folder=DEMO_ARGV[-1])
        base = out.parent
    else:  # the example changed: run it as it now reads
        base = tmp_path_factory.mktemp("help_examples")
        _assert_ran(demo, _run(demo, base))
        out = base / demo[demo.index("--out") + 1]
    files = base / "files"
    files.mkdir()
    shutil.copytree(ROOT / "questionnaires", files / "questionnaires",
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copytree(out / "project", files / "city2026")
    q = load_questionnaire(bundled_path())
    write_csv(simulate(q, 200, seed=31), files / "wjx_export.csv")
    r = _run(["status", "city2026", "--json"], files)  # the demo's three quarterly imports (remove-import 3)
    _assert_ran(["status", "city2026", "--json"], r)
    a = _answers()
    a.to_csv(files / "answers.csv", index=False)
    pop = a["district"].value_counts().sort_index()
    pd.DataFrame({"district": pop.index, "count": (pop.to_numpy() * 1000)}).to_csv(files / "pop_district.csv", index=False)
    pd.DataFrame({"age": ["18-29", "30-44", "45-59", "60+"], "share": [0.2, 0.3, 0.3, 0.2]}).to_csv(
        files / "pop_age.csv", index=False)
    pd.DataFrame({"district": sorted(a["district"].unique()), "population": [120000, 95000, 80000, 150000, 60000, 45000]}
                 ).to_csv(files / "districts.csv", index=False)
    pq = files / "province_parquet"
    pq.mkdir()
    simulate(q, 500, seed=33).to_parquet(pq / "part-0.parquet", index=False)
    shutil.copyfile(bundled_path(), pq / "questionnaire.yaml")
    shutil.copyfile(ROOT / "questionnaires" / "civic_framework.yaml", files / "framework.yaml")
    pd.read_csv(ROOT / "questionnaires" / "civic_external_scores.csv").to_excel(files / "scores.xlsx", index=False)
    r = _run(["convert", "questionnaires/civic_hot_issues.yaml", "--to", "xlsform", "--out", "kobo_form.xlsx"], files)
    _assert_ran(["convert", "--to", "xlsform"], r)
    return base


def _serve(argv: list[str], cwd: Path) -> None:
    """Run the serve example on a free local port, wait until it answers, stop it with Ctrl-C."""
    argv = list(argv)
    port = str(free_port())
    for opt, value in (("--port", port), ("--host", "127.0.0.1")):
        if opt in argv:
            argv[argv.index(opt) + 1] = value
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "cli", *argv], cwd=str(cwd), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while True:
            assert proc.poll() is None, f"survey {shlex.join(argv)} exited: {proc.communicate()[1][-3000:]}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            assert time.time() < deadline, "survey serve did not answer within 60 s"
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    _assert_ran(argv, subprocess.CompletedProcess(argv, proc.returncode, out, err))
    assert f"http://127.0.0.1:{port}/" in out


@pytest.mark.parametrize("name", [n for n in EXAMPLES if n not in ("demo", "(root)")])
def test_help_examples_run(workspace, tmp_path, name):
    cwd = tmp_path / "run"
    shutil.copytree(workspace / "files", cwd)
    if name == "init":  # it creates the project
        shutil.rmtree(cwd / "city2026")
    for argv in EXAMPLES[name]:
        if name == "serve":
            _serve(argv, cwd)
        else:
            _assert_ran(argv, _run(argv, cwd))


def test_demo_and_root_examples_run(workspace, tmp_path):
    # the demo example ran in the fixture (exit 0, no traceback); the root help's run here unless the same
    demo = EXAMPLES["demo"][0]
    assert (workspace / demo[demo.index("--out") + 1] / "report.html").is_file()
    for argv in EXAMPLES["(root)"]:
        if argv != demo:
            _assert_ran(argv, _run(argv, tmp_path))

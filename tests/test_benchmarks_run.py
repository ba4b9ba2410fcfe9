"""The benchmark scripts the README quotes still run, end to end, on tiny inputs (not timed: their figures are
only meaningful at full size on a quiet machine; here each one must finish and print its figures)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench(script: str, *args, timeout: int = 600, env: dict | None = None) -> str:
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *map(str, args)], capture_output=True,
                       text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=timeout)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    assert "Traceback" not in r.stderr
    return r.stdout


def test_bench_simulate_runs_the_command():
    out = _bench("bench_simulate.py", 300)
    assert "survey simulate --n 300:" in out and "columns: 205  items: 120" in out


def test_bench_import_runs(tmp_path):
    out = _bench("bench_import.py", 300, "--csv", tmp_path / "responses.csv")
    assert "300 accepted, 0 quarantined" in out and "ratio import / read_csv:" in out


def test_bench_analyze_runs():
    out = _bench("bench_analyze.py", "--n", 2000, "--no-r")
    assert out.count("(target < 10 s) -> OK") == 2  # the stratified cluster design and no design
    assert "whole `survey analyze` result" in out


def test_bench_project_runs_every_command_and_fits_the_exponents(tmp_path):
    out = _bench("bench_project.py", "--sizes", "400,800", "--repeat", 1, "--work", tmp_path)
    assert out.count("first run") == 2 and out.count("report html,xlsx") == 2
    assert "medians of" not in out  # one run each (the medians of several: the test below)
    for key in ("import", "analyze1", "analyze2", "floor", "report"):
        assert f"fitted exponent of {key}:" in out


def test_bench_project_prints_the_median_of_several_runs_and_their_range():
    """--repeat N's figures (the script's run above uses one round: each round runs seven commands)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_project", ROOT / "benchmarks" / "bench_project.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    r = {"runs": {"import": [5.3, 5.6, 5.4]}, "import": 5.4}
    assert bench._spread(r, "import") == "  5.4 s (5.3–5.6)"
    assert bench._spread({"runs": {"import": [5.4]}, "import": 5.4}, "import") == "  5.4 s"


def test_bench_import_layouts_runs_both_imports_and_fits_the_exponents(tmp_path):
    out = _bench("bench_import_layouts.py", "--sizes", "300,600", "--repeat", 1, "--work", tmp_path)
    assert out.count("import 问卷星") == 2 and out.count("import native CSV of the same answers") == 2
    for key in ("wjx", "read", "native"):
        assert f"fitted exponent of {key}:" in out
    assert not list(tmp_path.glob("layouts_*"))  # its projects went with the run


def test_bench_serve_runs_and_loses_nothing(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = _bench("bench_serve.py", "--seconds", 1, "--clients", 3, "--port", port, env={"TMPDIR": str(tmp_path)})
    assert "lost 0, duplicated 0; server exit code 0" in out
    assert not list(tmp_path.iterdir())  # its temporary project went with the run

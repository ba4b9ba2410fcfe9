"""`survey --help` stays fast: importing the CLI loads no heavy library, and `COMMAND --help` prints
typer's help without importing the data stack (deterministic checks, not timings; the timing is in
benchmarks/bench_project.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy", "duckdb", "matplotlib", "pyarrow", "scipy", "jinja2", "pydantic", "yaml")


def _modules_after(code: str) -> tuple[str, list]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "80"})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    return "\n".join(lines[:-1]), json.loads(lines[-1])


def test_import_cli_loads_no_heavy_module():
    _, mods = _modules_after("import cli")
    assert [m for m in HEAVY if m in mods] == []


@pytest.mark.parametrize("cmd", ["", "analyze", "report", "import", "weight"])
def test_command_help_loads_no_heavy_module(cmd):
    """``survey [COMMAND] --help`` through the console entry: typer's own help (typer < 0.29 parses without
    pydantic; pyproject.toml), the data stack not imported, the example shown."""
    args = [cmd, "--help"] if cmd else ["--help"]
    text, mods = _modules_after(f"import cli\ncli._exit.called_from_console = False\ncli.main({args!r})")
    assert [m for m in HEAVY if m in mods] == []
    direct, _ = _modules_after(f"import cli\ntry:\n    cli.app({args!r}, prog_name='-c')\nexcept SystemExit:\n    pass")
    assert text.strip() == direct.strip()
    assert "Example:" in text


def test_the_package_main_runs_by_path_as_spark_submit_runs_it(tmp_path):
    """docs/scale.md runs ``spark-submit …/cli/__main__.py analyze …``: Python then runs the file as a script,
    with the cli folder first on sys.path (its report.py would hide the report package).  It must run
    the command like ``python -m cli`` does."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "80"}
    by_path = subprocess.run([sys.executable, str(ROOT / "cli" / "__main__.py"), "validate", str(ROOT / "questionnaires" /
                              "civic_hot_issues.yaml")], capture_output=True, text=True, cwd=tmp_path, env=env)
    as_module = subprocess.run([sys.executable, "-m", "cli", "validate", str(ROOT / "questionnaires" /
                                "civic_hot_issues.yaml")], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert by_path.returncode == as_module.returncode == 0, by_path.stderr
    assert by_path.stdout == as_module.stdout and by_path.stdout.strip()


@pytest.mark.parametrize("cmd", ["status", "check", "quarantine"])
def test_a_folder_that_is_no_project_is_told_before_the_data_stack_loads(cmd, tmp_path):
    """A mistyped project folder gets the one not-a-project message (exit 1) without pandas, NumPy,
    DuckDB or Arrow being imported first (survey.project_files.require_project)."""
    missing = tmp_path / "no-such-project"
    out = subprocess.run([sys.executable, "-c", f"import cli, sys, json\ncli._exit.called_from_console = False\n"
                          f"rc = cli.main([{cmd!r}, {str(missing)!r}])\n"
                          "print(json.dumps([rc, sorted(sys.modules)]), file=sys.stdout)"],
                         capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "80"})
    rc, mods = json.loads(out.stdout.strip().splitlines()[-1])
    assert rc == 1 and out.stderr.strip() == (f"{missing}: error: {missing} is not a minyi project "
                                               f"(create one with: survey init {missing} --questionnaire Q.yaml)")
    assert [m for m in ("pandas", "numpy", "duckdb", "pyarrow") if m in mods] == []


def test_the_command_freezes_what_is_left_before_the_interpreter_ends():
    """``survey`` collects the garbage once and freezes the rest before Python's teardown (cli._app.
    _before_teardown), whatever the exit code: a handler run at exit sees the objects frozen and the
    garbage made before the end collected (a cycle's finalizer ran)."""
    code = ("import atexit, gc, sys, cli\n"
            "class Cycle:\n"
            "    def __del__(self):\n"
            "        print('finalized', flush=True)\n"
            "c = Cycle(); c.me = c; del c\n"
            "gc.disable()\n"  # only the command's own collection may collect the cycle
            "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 1000, flush=True))\n"
            "sys.argv = ['survey', sys.argv[1]]\n"
            "cli.main()\n")
    for arg, rc in (("--help", 0), ("no-such-command", 2)):
        out = subprocess.run([sys.executable, "-c", code, arg], capture_output=True, text=True, cwd=ROOT,
                             env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        assert out.returncode == rc, out.stderr
        assert out.stdout.splitlines()[-2:] == ["finalized", "frozen True"]


@pytest.mark.parametrize("cmd", ["analyze", "report"])
def test_a_long_command_freezes_its_imports_before_the_work(tmp_path, cmd):
    """``survey analyze`` and ``survey report`` move the objects of the libraries they imported out of the
    garbage collector's view (cli._common.heavy_imports) before the work starts, and the collector runs again."""
    import gc

    from typer.testing import CliRunner

    import cli
    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate, write_csv

    runner = CliRunner()
    proj, csv = tmp_path / "p", tmp_path / "r.csv"
    write_csv(simulate(load_questionnaire(bundled_path()), 60, seed=2), csv)
    assert runner.invoke(cli.app, ["init", str(proj), "--questionnaire", str(bundled_path())]).exit_code == 0
    assert runner.invoke(cli.app, ["import", str(proj), str(csv), "--wave", "w1", "--quiet"]).exit_code == 0
    args = ["analyze", str(proj), "--json"] if cmd == "analyze" else \
        ["report", str(proj), "--format", "html", "--out", str(tmp_path / "out"), "--quiet"]
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        r = runner.invoke(cli.app, args)
        assert r.exit_code == 0, r.output
        assert gc.get_freeze_count() > 1000 and gc.isenabled()
    finally:
        gc.unfreeze()

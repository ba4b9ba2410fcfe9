"""List options given with nothing in them, and a size asked of ``survey simulate`` that cannot fit in memory.

``--by ""`` (an unset shell variable: ``--by "$GROUPS"``) made ``survey analyze`` and ``survey report`` drop their
groups (by default site and district) without a word; ``survey trend --indicators ""`` followed every indicator;
``survey links --collector ""`` wrote one link without a collector.  Each is now refused, naming the option.
``survey simulate --n 100000000000`` ended in "internal error: MemoryError"; the cells it would make are checked
against the limit ``simulate_cells`` (docs/limits.md) before any work."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_capture import init_project, run_main

DATA = Path(__file__).parent / "data"
BUNDLED = Path(__file__).parent.parent / "questionnaires" / "civic_hot_issues.yaml"


@pytest.fixture()
def proj(tmp_path, capsys):
    p = init_project(tmp_path, capsys, DATA / "wjx_questionnaire.yaml")
    rc, out = run_main(capsys, "import", p, str(DATA / "wjx_by_code.csv"), "--wave", "2026Q1")
    assert rc == 0, out
    return p


@pytest.mark.parametrize("command", ["analyze", "report"])
@pytest.mark.parametrize("value", ["", ",", " , "])
def test_by_naming_nothing_is_refused(proj, capsys, tmp_path, command, value):
    extra = ["--out", str(tmp_path / "r"), "--format", "html"] if command == "report" else []
    rc, out = run_main(capsys, command, proj, "--by", value, *extra)
    assert rc == 2 and "'--by'" in out and f"--by '{value}' names no grouping" in out, out
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("value", ["", ",", " , "])
def test_trend_indicators_naming_nothing_is_refused(proj, capsys, value):
    rc, out = run_main(capsys, "trend", proj, "--indicators", value)
    assert rc == 2 and f"--indicators '{value}' names no indicator" in out, out


@pytest.mark.parametrize("value", ["", ",", " ,，、"])
def test_links_collector_naming_nothing_is_refused(proj, capsys, tmp_path, value):
    rc, out = run_main(capsys, "links", proj, "--base-url", "https://survey.example.gov.cn", "--out",
                       str(tmp_path / "qr"), "--collector", value, "--no-pdf")
    assert rc == 2 and "names no collector" in out and "Traceback" not in out, out
    assert not (tmp_path / "qr").exists()


def test_links_without_collector_option_still_write_one_link(proj, capsys, tmp_path):
    rc, out = run_main(capsys, "links", proj, "--base-url", "https://survey.example.gov.cn", "--out",
                       str(tmp_path / "qr"), "--no-pdf")
    assert rc == 0 and (tmp_path / "qr" / "links.csv").exists(), out


def test_simulate_beyond_memory_is_refused_before_any_work(capsys, tmp_path):
    out_csv = tmp_path / "s.csv"
    rc, out = run_main(capsys, "simulate", str(BUNDLED), "--n", "100000000000", "--out", str(out_csv))
    assert rc == 1 and "internal error" not in out and "simulate_cells" in out, out
    assert "100,000,000,000 respondents" in out and len(out.strip().splitlines()) == 1, out
    assert not out_csv.exists()
    rc, out = run_main(capsys, "--limit", "simulate_cells=10000", "simulate", str(BUNDLED), "--n", "20",
                       "--out", str(out_csv))
    assert rc == 0 and out_csv.exists(), out


def test_a_limit_ends_with_its_command(capsys, tmp_path):
    """--limit simulate_cells=1000 given to one command run in this process (a library caller, these tests) stayed in
    force for every later command: the next `survey simulate --n 400` was refused, and so were other tests' commands
    when they ran after it in the same worker."""
    out_csv = tmp_path / "s.csv"
    rc, out = run_main(capsys, "--limit", "simulate_cells=1000", "simulate", str(BUNDLED), "--n", "400",
                       "--out", str(out_csv))
    assert rc == 1 and "simulate_cells" in out, out
    rc, out = run_main(capsys, "simulate", str(BUNDLED), "--n", "400", "--out", str(out_csv))
    assert rc == 0 and out_csv.exists(), out

"""``--wave ""`` (an unset shell variable: ``--wave "$WAVE"``) names no wave.  ``survey export`` and ``survey
check`` refused it ("the project has no wave ''"), while ``survey analyze``, ``report``, ``brief`` and ``ledger``
took the empty name for "the latest wave" (``wave or waves[-1]``) and silently worked on another wave than the
script meant.  Every command now refuses it the same way: a wrong command line, exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_capture import init_project, run_main

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def proj(tmp_path, capsys):
    p = init_project(tmp_path, capsys, DATA / "wjx_questionnaire.yaml")
    rc, out = run_main(capsys, "import", p, str(DATA / "wjx_by_code.csv"), "--wave", "2026Q1")
    assert rc == 0, out
    return p


@pytest.mark.parametrize("command", ["analyze", "report", "brief", "ledger", "check", "export"])
def test_an_empty_wave_is_refused(proj, capsys, tmp_path, command):
    extra = {"report": ["--out", str(tmp_path / "r"), "--format", "html"], "ledger": [],
             "export": ["--out", str(tmp_path / "x.csv")]}.get(command, [])
    rc, out = run_main(capsys, command, proj, "--wave", "", *extra)
    assert rc == 2, (rc, out)
    assert "no wave ''" in out and "expected one of: 2026Q1" in out, out
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1, out
    assert not (tmp_path / "r").exists() and not (tmp_path / "x.csv").exists()


def test_no_wave_option_is_still_the_latest(proj, capsys):
    rc, out = run_main(capsys, "analyze", proj)
    assert rc == 0 and "2026Q1" in out.splitlines()[0], out

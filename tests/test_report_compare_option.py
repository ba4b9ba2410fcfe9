"""``survey report --compare`` names a wave before the reported one.  ``--compare ""`` (an unset shell variable)
silently gave a report without comparison; ``--compare`` the reported wave made every change 0 ("no significant
change" everywhere); a later wave was presented as the earlier one, every change with the wrong sign.  Each is now
refused before any work (exit status 2).  ``survey brief --format ""`` wrote every format; now refused as
``--format ,`` was.  The waves are imported out of date order (tracking_world), so "later" is by date."""

from __future__ import annotations

import pytest

import tracking_world
from cli_capture import run_main


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    root = tmp_path_factory.mktemp("cmp")
    tracking_world.build(root, waves=3, n=150)  # 2025Q1..2025Q3, imported as Q3, Q1, Q2
    return str(root / "project")


@pytest.mark.parametrize("args,words", [
    (["--compare", ""], "no wave ''"),
    (["--compare", "2025Q3"], "--compare 2025Q3 is the reported wave itself"),
    (["--wave", "2025Q1", "--compare", "2025Q1"], "--compare 2025Q1 is the reported wave itself"),
    (["--wave", "2025Q2", "--compare", "2025Q3"], "--compare 2025Q3 comes after the reported wave 2025Q2 "
                                                  "(waves in order: 2025Q1, 2025Q2, 2025Q3)"),
])
def test_compare_refused_before_any_work(proj, capsys, tmp_path, args, words):
    out_dir = tmp_path / "r"
    rc, out = run_main(capsys, "report", proj, *args, "--format", "html", "--out", str(out_dir))
    assert rc == 2, (rc, out)
    assert words in out and "Traceback" not in out, out
    assert not out_dir.exists()


def test_an_earlier_wave_is_compared(proj, capsys, tmp_path):
    out_dir = tmp_path / "r"
    rc, out = run_main(capsys, "report", proj, "--wave", "2025Q3", "--compare", "2025Q1", "--format", "html",
                       "--out", str(out_dir))
    assert rc == 0 and (out_dir / "report.html").exists(), out


@pytest.mark.parametrize("value", ["", " , "])
def test_brief_format_naming_nothing_is_refused(proj, capsys, tmp_path, value):
    rc, out = run_main(capsys, "brief", proj, "--format", value, "--out", str(tmp_path / "b"))
    assert rc == 2 and "unknown format" in out and "'--format'" in out, out
    assert not (tmp_path / "b").exists()

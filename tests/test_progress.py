"""Progress display (survey.progress): shown on a terminal's stderr after the delay, never when piped,
with --json or --quiet; library stages are silent without a display."""

from __future__ import annotations

import io
import re
import time

from survey import progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_wanted_only_on_a_terminal_without_json_or_quiet():
    assert progress.wanted(stream=_Tty())
    assert not progress.wanted(stream=io.StringIO())  # piped
    assert not progress.wanted(json_out=True, stream=_Tty())
    assert not progress.wanted(quiet=True, stream=_Tty())


def test_stage_is_silent_without_display(capsys):
    with progress.stage("reading", total=10, unit="rows") as advance:
        advance(5)
    assert capsys.readouterr().err == ""


def test_display_shows_stages_after_the_delay(capsys):
    with progress.shown(True, delay=0.0):
        time.sleep(0.2)  # the display starts on its timer thread
        with progress.stage("reading wave w1", total=100, unit="rows") as advance:
            advance(40)
            time.sleep(0.3)
    err = capsys.readouterr().err
    assert "reading wave w1" in err


def test_quick_work_shows_nothing(capsys):
    with progress.shown(True, delay=5.0):
        with progress.stage("quick", total=1) as advance:
            advance(1)
    assert capsys.readouterr().err == ""


def test_a_stage_without_a_total_shows_no_count(capsys):
    with progress.shown(True, delay=0.0):
        time.sleep(0.2)
        with progress.stage("analysing wave w1"):
            time.sleep(0.3)
        with progress.stage("reading wave w1", total=100, unit="rows") as advance:
            advance(40)
            time.sleep(0.3)
    err = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", capsys.readouterr().err)  # without the terminal's control codes
    frames = [f for f in err.split("\r") if "analysing wave w1" in f]
    assert frames and "40/100" in err
    assert not any("/?" in f or "-:--:--" in f for f in frames)


def test_a_stage_begun_before_the_display_shows_its_whole_time(capsys):
    """The display appears after the delay; a stage that began before it shows the time since it began
    (here 1 s or more), not since the display appeared."""
    with progress.shown(True, delay=1.2):
        with progress.stage("importing f.csv"):
            time.sleep(1.6)
    err = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", capsys.readouterr().err)
    frames = [f for f in err.split("\r") if "importing f.csv" in f]
    assert frames and all("0:00:00" not in f for f in frames), frames
    assert any("0:00:01" in f for f in frames)

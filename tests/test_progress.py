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


def test_a_stage_follows_a_position_while_one_call_runs(capsys):
    """``follow`` polls how far a single call got (a file's read position) into the innermost stage's
    count, with the time remaining; without a display it polls nothing."""
    calls = []

    def position() -> float:
        calls.append(1)
        return min(len(calls) * 40.0, 437.0)

    with progress.follow(position, 437.0):
        time.sleep(0.3)
    assert not calls  # no display: nothing polled
    with progress.shown(True, delay=0.0):
        time.sleep(0.2)
        with progress.stage("reading big.csv (437 MB)"), progress.follow(position, 437.0, every=0.05):
            time.sleep(0.8)
    err = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", capsys.readouterr().err)
    frames = [f for f in err.split("\r") if "reading big.csv" in f]
    assert calls and any(re.search(r"\b([1-9]\d*)/437\b", f) for f in frames), frames


def test_the_native_import_shows_the_mb_read(tmp_path, capsys, monkeypatch):
    """The native CSV path (pyarrow's one-call read) reports its read position to the import's reading
    stage: MB read of the file's MB (polled every 2 ms here: the test's file is read in a fraction of a
    second)."""
    monkeypatch.setattr(progress, "POLL_EVERY", 0.002)
    from survey.qload import bundled_path
    from survey.simulate import simulate, write_csv
    from survey.store import Project

    p = Project.create(tmp_path / "p", bundled_path())
    csv = tmp_path / "r.csv"
    write_csv(simulate(p.questionnaire, 20000, seed=2), csv)
    size = csv.stat().st_size / 1e6
    assert size >= 5
    from survey import ingest

    with progress.shown(True, delay=0.0):
        time.sleep(0.2)
        batch = ingest.prepare_file(p, csv)
    assert batch.accepted == 20000
    err = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", capsys.readouterr().err)
    frames = [f for f in err.split("\r") if f"reading {csv.name}" in f]
    assert any(f"/{round(size)} " in f for f in frames), frames


def test_export_and_ledger_count_on_the_display(tmp_path, capsys):
    """survey export counts the rows it writes ("writing x.csv (rows) k/N"); the ledger counts the
    indicators whose districts it tests against the city."""
    from report.ledger import wave_findings
    from survey.export import export_project
    from survey.qload import bundled_path
    from survey.simulate import simulate, write_csv
    from survey.store import Project

    p = Project.create(tmp_path / "p", bundled_path())
    csv = tmp_path / "r.csv"
    write_csv(simulate(p.questionnaire, 3000, seed=5), csv)
    p.import_file(csv)
    with progress.shown(True, delay=0.0):
        time.sleep(0.2)
        export_project(p, out=tmp_path / "x.csv")
        wave_findings(p, "default")
        time.sleep(0.2)
    err = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", capsys.readouterr().err)
    n = len((tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()) - 1
    assert "writing x.csv (rows)" in err and re.search(rf"\b\d+/{n}\b", err), err[-2000:]
    assert re.search(r"districts against the city .*\b\d+/\d+\b", err)

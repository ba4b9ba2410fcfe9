"""A wave's name follows one rule wherever it enters (:func:`survey.waves.wave_name_problem`): ``survey import
--wave``, ``survey serve --wave`` and ``serve.wave`` in minyi.yaml.  ``survey serve`` had its own copy of the rule
(empty, spaces around it, over 100 characters, invisible characters) and import's differed: a ``--wave`` of 101
characters was imported, the same name refused by ``survey serve``.  Each source keeps its own words.

Exit status (README: "exit code 1 (2 for a wrong command line)"): a wrong ``--wave`` is a wrong command line, 2,
whatever is wrong with it (an invisible character exited 1 and an empty name 2 on import; serve's empty ``--wave``
exited 1); a wrong name in a file (its ``wave`` column, ``serve.wave``) is bad input, 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_capture import init_project, run_main
from survey.errors import MinyiError

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
NAMES = {"empty": "", "spaces": "2026Q1 ", "too-long": "Q" * 101, "invisible": "2026\u200bQ1"}


@pytest.fixture()
def proj(tmp_path, capsys):
    return init_project(tmp_path, capsys, QFILE)


@pytest.mark.parametrize("what", sorted(NAMES))
def test_import_and_serve_refuse_the_same_wave_names(proj, capsys, what):
    from survey.collect.settings import load_settings
    from survey.store import Project
    from survey.waves import wave_name_problem

    wave = NAMES[what]
    assert wave_name_problem(wave) == what
    rc, out = run_main(capsys, "import", proj, str(DATA / "wjx_by_code.csv"), "--wave", wave)
    assert rc == 2 and "Traceback" not in out and "--wave" in out, (rc, out)
    assert len(out.strip().splitlines()) == 1, out
    assert run_main(capsys, "status", proj, "--json")[1].count('"waves": []') == 1
    q = Project.open(proj).questionnaire
    with pytest.raises(MinyiError) as e:
        load_settings({}, q, "minyi.yaml", wave=wave)
    assert [p.code for p in e.value.problems] == ["wave-name-invisible" if what == "invisible" else "serve-wave-name"]
    with pytest.raises(MinyiError) as e:
        load_settings({"serve": {"wave": wave}}, q, "minyi.yaml")
    assert [p.code for p in e.value.problems] == ["wave-name-invisible" if what == "invisible" else "config-serve-wave"]
    assert "serve.wave" in str(e.value) and "minyi.yaml" in str(e.value)


def test_a_name_of_100_characters_is_a_wave(proj, capsys):
    rc, out = run_main(capsys, "import", proj, str(DATA / "wjx_by_code.csv"), "--wave", "Q" * 100)
    assert rc == 0, out


def test_import_wave_too_long_is_said_with_the_limit(proj, capsys):
    rc, out = run_main(capsys, "import", proj, str(DATA / "wjx_by_code.csv"), "--wave", "Q" * 101)
    assert rc == 2 and "is 101 characters long; a wave's name has at most 100" in out, out


def test_exit_status_of_a_wrong_wave_option_is_2_and_of_a_wrong_file_1(proj, capsys, tmp_path):
    rc, out = run_main(capsys, "import", proj, str(DATA / "wjx_by_code.csv"), "--wave", "2026Q1\n")
    assert rc == 2 and "--wave '2026Q1<U+000A>'" in out, out
    rc, out = run_main(capsys, "serve", proj, "--wave", "", "--port", "18997")
    assert rc == 2 and "--wave '': name the wave" in out, out
    rc, out = run_main(capsys, "serve", proj, "--wave", "A\u202eB", "--port", "18997")
    assert rc == 2 and "nothing was served" in out, out
    # the same name from a file: bad input
    cfg = Path(proj) / "minyi.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + 'serve: {wave: "A\\u202eB"}\n', encoding="utf-8")
    rc, out = run_main(capsys, "serve", proj, "--port", "18997")
    assert rc == 1 and "serve.wave 'A<U+202E>B'" in out, out
    assert run_main(capsys, "import", proj, str(DATA / "wjx_by_code.csv"), "--wave", "2026Q1")[0] == 0
    out_csv = tmp_path / "all.csv"
    assert run_main(capsys, "export", proj, "--out", str(out_csv))[0] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(out_csv.read_text(encoding="utf-8-sig").replace("2026Q1", "2026\u202eQ1"), encoding="utf-8")
    other = init_project(tmp_path / "other", capsys, QFILE)
    rc, out = run_main(capsys, "import", other, str(bad))
    assert rc == 1 and "the file's 'wave' column '2026<U+202E>Q1'" in out, out

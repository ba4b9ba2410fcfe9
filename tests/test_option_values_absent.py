"""``--level``, ``--missing`` and ``--score`` values that no row holds.

The estimators accept a number absent from a column of numbers (a code nobody chose,
:func:`analysis.values.check_present`), and ``survey estimate q.csv --var q --level 4`` on a 1/2/3/5 column printed
``q: 0.0%`` without a word: a typo (4 for 5, 55 for 5) read as a finding.  Each such value now gets a note naming
the file, the column, the values the column has and the closest ones (catalogue ``level-value-absent``,
``missing-value-absent``, ``score-value-absent``); the numbers are unchanged.  A full-width digit (``--level ５``,
an input-method slip that ``float`` reads as 5) is no code of the column: refused, with the number it looks like.
A ``--score`` of nan silently took its value's rows out of the base, and inf made the mean infinite; two
spellings of one value (``--score 1=1 --score 1.0=2``) silently kept one score: each is refused (exit 2)."""

from __future__ import annotations

import json

import pytest

from cli import main
from cli_capture import run_main


@pytest.fixture()
def data(tmp_path):
    p = tmp_path / "q.csv"
    p.write_text("id,q,r,d\n1,1,1,a\n2,2,2,b\n3,3,1,a\n4,5,2,b\n5,,1,a\n6,5,1,b\n", encoding="utf-8")
    return str(p)


def _split(capsys, *args):
    try:
        rc = main(list(args))
    except SystemExit as e:
        rc = e.code
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_level_no_row_holds_is_said_with_the_values_and_the_closest(data, capsys):
    rc, out = run_main(capsys, "estimate", data, "--var", "q", "--level", "4")
    assert rc == 0, out
    assert out.splitlines()[0].startswith("q: 0.0%"), out  # the share itself is unchanged
    notes = [line for line in out.splitlines() if "--level '4'" in line]
    assert len(notes) == 1, out
    assert notes[0].startswith(f"{data}, column q: note: "), notes
    assert "'1', '2', '3', '5'" in notes[0] and "did you mean '3' or '5'?" in notes[0], notes


def test_level_far_off_points_at_the_nearest_number(data, capsys):
    rc, out = run_main(capsys, "estimate", data, "--var", "q", "--level", "55", "--by", "d")
    assert rc == 0, out
    assert sum("--level '55'" in line for line in out.splitlines()) == 1, out  # once, not once per --by group
    assert "did you mean '5'?" in out


def test_json_keeps_stdout_json_and_says_the_note_on_stderr(data, capsys):
    rc, out, err = _split(capsys, "estimate", data, "--var", "q", "--level", "4", "--json")
    assert rc == 0, err
    assert json.loads(out)[0]["estimate"] == 0
    assert "--level '4'" in err and "note:" in err


def test_no_note_for_values_the_column_holds(data, capsys):
    rc, out = run_main(capsys, "estimate", data, "--var", "q", "--level", "5", "--level", "1.0")
    assert rc == 0 and "note: --level" not in out and "no valid row" not in out, out


def test_missing_and_score_no_row_holds(data, capsys):
    rc, out = run_main(capsys, "estimate", data, "--var", "q", "--level", "5", "--missing", "9")
    assert rc == 0 and "--missing '9': no row of column 'q' holds this value" in out, out
    scores = [f"--score={v}={v}" for v in ("1", "2", "3", "5")]
    rc, out = run_main(capsys, "estimate", data, "--var", "q", *scores, "--score", "4=4")
    assert rc == 0 and "--score '4=4': no valid row of column 'q' holds the value '4'" in out, out
    rc, out = run_main(capsys, "estimate", data, "--var", "q", *scores)
    assert rc == 0 and "no valid row" not in out, out


def test_crosstab_missing_no_row_holds(data, capsys):
    rc, out = run_main(capsys, "crosstab", data, "--row", "q", "--col", "r", "--missing", "9")
    assert rc == 0, out
    assert "--missing '9': no row of column 'q' or 'r' holds this value" in out, out
    rc, out, err = _split(capsys, "crosstab", data, "--row", "q", "--col", "r", "--missing", "9", "--json")
    assert rc == 0 and "cells" in json.loads(out) and "--missing '9'" in err


@pytest.mark.parametrize("option", ["--level", "--missing"])
def test_full_width_digit_is_refused_with_the_number(data, capsys, option):
    args = ["--level", "5"] if option == "--missing" else []
    rc, out = run_main(capsys, "estimate", data, "--var", "q", *args, option, "５")
    assert rc == 1 and "Traceback" not in out, out
    assert f"{option} '５'" in out and "did you mean '5'?" in out and len(out.strip().splitlines()) == 1, out


@pytest.mark.parametrize("bad", ["nan", "inf", "-Infinity"])
def test_score_not_finite_is_refused(data, capsys, bad):
    rc, out = run_main(capsys, "estimate", data, "--var", "q", "--score", f"1={bad}", "--score", "2=2",
                       "--score", "3=3", "--score", "5=5")
    assert rc == 2 and f"--score '1={bad}': {bad} is not a finite number" in out, out


def test_score_one_value_written_two_ways_is_refused(data, capsys):
    rc, out = run_main(capsys, "estimate", data, "--var", "q", "--score", "1=1", "--score", "1.0=2", "--score",
                       "2=2", "--score", "3=3", "--score", "5=5")
    assert rc == 2 and "--score '1=1' and --score '1.0=2' give one value (1) written two ways" in out, out


def test_the_same_quantile_twice_is_refused(data, capsys):
    """``--quantile 0.5 --quantile 0.50`` printed the median's record twice (twice in --json)."""
    rc, out = run_main(capsys, "estimate", data, "--var", "q", "--quantile", "0.5", "--quantile", "0.50")
    assert rc == 2 and "'--quantile'" in out and "are the same quantile" in out, out
    rc, out = run_main(capsys, "estimate", data, "--var", "q", "--quantile", "0.25", "--quantile", "0.5")
    assert rc == 0 and "q q0.25" in out and "q q0.5" in out, out


def test_no_far_value_is_offered_as_the_one_meant():
    """The value offered for an absent --level/--missing is a close one (analysis.values.near_values): --missing
    不了解 on a 满意/不满意 column offered 不满意 ("did you mean '不满意'?"), which would take every dissatisfied
    answer out of the base; a close spelling is still offered."""
    from analysis.values import near_values

    have = {"满意", "不满意"}
    assert near_values("不了解", have) == []
    assert near_values("不满", have) == ["不满意", "满意"]
    assert near_values("５", {"1", "5"}) == ["5"] and near_values("4", {"1", "5"}) == ["5"]

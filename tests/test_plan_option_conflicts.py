"""``survey plan`` options that contradict or are not used: ``--population 500`` beside a strata file of 3,000
units applied the finite population correction of N = 500 and allocated the sample over strata of 3,000 without a
word; ``--allocate neyman`` and ``--min-per-stratum 5`` without ``--strata`` were silently ignored.  Each is now a
wrong command line (exit status 2) naming the option."""

from __future__ import annotations

import pytest

from cli_capture import run_main


@pytest.fixture()
def strata(tmp_path):
    p = tmp_path / "st.csv"
    p.write_text("stratum,N\nA,1000\nB,2000\n", encoding="utf-8")
    return str(p)


def test_population_other_than_the_strata_total_is_refused(strata, capsys):
    rc, out = run_main(capsys, "plan", "--margin", "0.03", "--strata", strata, "--population", "500")
    assert rc == 2 and "'--population'" in out, out
    assert "--population 500 differs from the total population of the strata" in out and "(3,000)" in out, out
    assert strata in out and "Traceback" not in out


def test_population_equal_to_the_strata_total_is_the_same_plan(strata, capsys):
    rc, with_n = run_main(capsys, "plan", "--margin", "0.03", "--strata", strata, "--population", "3000")
    rc2, without = run_main(capsys, "plan", "--margin", "0.03", "--strata", strata)
    assert rc == rc2 == 0 and with_n == without, (with_n, without)


@pytest.mark.parametrize("args,option", [(["--allocate", "neyman"], "--allocate"),
                                         (["--allocate", "equal"], "--allocate"),
                                         (["--min-per-stratum", "5"], "--min-per-stratum")])
def test_allocation_options_without_strata_are_refused(capsys, args, option):
    rc, out = run_main(capsys, "plan", "--margin", "0.03", *args)
    assert rc == 2 and f"'{option}'" in out and "has no --strata" in out, out

"""Design options of ``survey estimate`` / ``survey crosstab`` that the design would not use were silently
ignored: ``--rep-type JK1`` without --repweights (meant as --replicates JK1) gave the linearisation interval,
``--rho`` without Fay replicates, ``--mse`` without replicates, ``--seed``/``--n-replicates`` without bootstrap, and
``--psu ,`` dropped the PSUs.  Each is now a wrong command line (exit status 2) naming the option.  ``--seed -1``
with bootstrap ended in "internal error: ValueError", and ``--n-replicates 100000000`` in "internal error:
MemoryError" (2 TB): the seed is 0 or more, and the replicate weights are checked against the limit
``replicate_cells`` before they are made (docs/limits.md)."""

from __future__ import annotations

import pytest

from cli_capture import run_main


@pytest.fixture()
def data(tmp_path):
    p = tmp_path / "d.csv"
    rows = ["id,q,s,c,w,r1,r2"] + [f"{i},{1 + i % 3},{'ab'[i % 2]},{i % 4},{1 + i % 2},{1 + i % 3},{2 - i % 2}"
                                   for i in range(40)]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(p)


UNUSED = [
    (["--rep-type", "JK1"], "--rep-type", "has no --repweights"),
    (["--rep-scale", "1"], "--rep-scale", "has no --repweights"),
    (["--rep-rscales", "1"], "--rep-rscales", "has no --repweights"),
    (["--no-combined-weights"], "--no-combined-weights", "has no --repweights"),
    (["--rho", "0.5"], "--rho", "Fay's coefficient"),
    (["--rho", "0.5", "--replicates", "JK1"], "--rho", "Fay's coefficient"),
    (["--mse"], "--mse", "has no replicates"),
    (["--seed", "3"], "--seed", "asks for no replicates"),
    (["--n-replicates", "20", "--replicates", "JK1"], "--n-replicates", "asks for --replicates JK1"),
    (["--psu", ","], "--psu", "empty column name"),
    (["--psu", "s,", "--fpc", "c"], "--psu", "empty column name"),
    (["--fpc", ",c"], "--fpc", "empty column name"),
]


@pytest.mark.parametrize("args,option,words", UNUSED)
@pytest.mark.parametrize("command", ["estimate", "crosstab"])
def test_an_option_the_design_would_not_use_is_refused(data, capsys, command, args, option, words):
    what = ["--var", "q", "--level", "1"] if command == "estimate" else ["--row", "q", "--col", "s"]
    rc, out = run_main(capsys, command, data, *what, *args)
    assert rc == 2, (rc, out)
    assert f"'{option}'" in out and words in out and "silently" in out, out
    assert "Traceback" not in out and "internal error" not in out, out


@pytest.mark.parametrize("args", [["--replicates", "bootstrap", "--seed", "3", "--n-replicates", "20"],
                                  ["--replicates", "Fay", "--rho", "0.5", "--strata", "s", "--psu", "c"],
                                  ["--replicates", "JK1", "--mse"],
                                  ["--repweights", "r1,r2", "--rep-type", "bootstrap", "--rep-scale", "0.5"],
                                  ["--psu", "c"]])
def test_options_the_design_uses_are_taken(data, capsys, args):
    rc, out = run_main(capsys, "estimate", data, "--var", "q", "--level", "1", *args)
    assert rc == 0, out


def test_a_negative_seed_is_a_wrong_command_line(data, capsys):
    rc, out = run_main(capsys, "estimate", data, "--var", "q", "--level", "1", "--replicates", "bootstrap",
                       "--seed", "-1")
    assert rc == 2 and "--seed" in out and "internal error" not in out, out


def test_replicates_beyond_the_limit_are_refused_before_they_are_made(data, capsys):
    rc, out = run_main(capsys, "estimate", data, "--var", "q", "--level", "1", "--replicates", "bootstrap",
                       "--n-replicates", "100000000")
    assert rc == 1 and "internal error" not in out, out
    assert "40 rows × 100,000,000 replicates" in out and "replicate_cells" in out and data in out, out
    assert len(out.strip().splitlines()) == 1, out
    # JK1 without --psu: one replicate per row
    rc, out = run_main(capsys, "--limit", "replicate_cells=1000", "estimate", data, "--var", "q", "--level", "1",
                       "--replicates", "JK1")
    assert rc == 1 and "40 rows × 40 replicates" in out, out
    rc, out = run_main(capsys, "--limit", "replicate_cells=1000", "estimate", data, "--var", "q", "--level", "1",
                       "--replicates", "JK1", "--psu", "c")
    assert rc == 0, out  # 4 PSUs: 160 cells

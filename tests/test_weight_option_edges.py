"""``survey weight`` option values that were taken silently.

* ``--total COL=nan`` (or inf) made every calibrated weight NaN, and the file was written with an empty weight
  column and exit status 0;
* ``--total COL=1 --total COL=2`` kept the later total without a word;
* ``--name ''``, ``--name ' '`` and ``--name 'w '`` wrote a weight column that no ``--weight`` names back (the
  reader strips a header's blanks);
* ``--maxit`` and ``--epsilon`` are raking's stopping rule, ignored by the other methods; ``--epsilon -1`` ran
  every pass and said "did NOT converge".
Each is now a wrong command line (exit status 2) naming the option, and no file is written."""

from __future__ import annotations

import pytest

from cli_capture import run_main


@pytest.fixture()
def files(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("id,g,x\n" + "".join(f"{i},{1 + i % 2},{i}\n" for i in range(20)), encoding="utf-8")
    margin = tmp_path / "m.csv"
    margin.write_text("g,share\n1,0.4\n2,0.6\n", encoding="utf-8")
    return str(data), f"g={margin}", tmp_path / "out.csv"


BAD = [
    (["--method", "linear", "--total", "x=nan"], "--total", "nan is not a finite number"),
    (["--method", "linear", "--total", "x=inf"], "--total", "inf is not a finite number"),
    (["--method", "linear", "--total", "x=100", "--total", " x=200"], "--total", "gives column 'x' twice (100 and 200)"),
    (["--name", ""], "--name", "(empty) cannot name the new weight column"),
    (["--name", "  "], "--name", "(only blanks)"),
    (["--name", "w "], "--name", "(blanks around it)"),
    (["--method", "poststratify", "--maxit", "5"], "--maxit", "asks for --method poststratify"),
    (["--method", "linear", "--epsilon", "0.5"], "--epsilon", "asks for --method linear"),
    (["--epsilon", "-1"], "--epsilon", "-1"),
]


@pytest.mark.parametrize("args,option,words", BAD)
def test_option_value_refused_and_nothing_written(files, capsys, args, option, words):
    data, margin, out = files
    rc, text = run_main(capsys, "weight", data, "--margin", margin, "--out", str(out), *args)
    assert rc == 2, (rc, text)
    assert f"'{option}'" in text and words in text and "Traceback" not in text, text
    assert not out.exists()


def test_raking_options_and_a_finite_total_are_taken(files, capsys):
    data, margin, out = files
    rc, text = run_main(capsys, "weight", data, "--margin", margin, "--out", str(out), "--maxit", "20",
                        "--epsilon", "0.001")
    assert rc == 0 and out.exists(), text
    out.unlink()
    rc, text = run_main(capsys, "weight", data, "--margin", margin, "--out", str(out), "--method", "linear",
                        "--total", "x=190")
    assert rc == 0 and out.exists(), text


@pytest.mark.parametrize("same", ["itself", "another path"])
def test_out_naming_the_data_file_is_refused_and_the_file_kept(files, capsys, same):
    """``--out`` naming the data file replaced it by the weighted copy (a workbook's other sheets lost with it):
    refused, as survey convert and simulate refuse their input as --out, and the file is left as it was."""
    data, margin, _ = files
    before = open(data, "rb").read()
    out = data if same == "itself" else str(files[2].parent / "." / "d.csv")
    rc, text = run_main(capsys, "weight", data, "--margin", margin, "--out", out)
    assert rc == 2, text
    assert "'--out'" in text and "is the data file itself" in text and "d_weighted.csv" in text, text
    assert open(data, "rb").read() == before

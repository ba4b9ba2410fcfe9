"""``survey convert --to xlsform`` checks its output file once: a given ``--out`` before the questionnaire is read
(a wrong name fails before a broken questionnaire is), the file written without ``--out`` (FILE.xlsx next to the
input) where it is known.  It was checked twice with ``--out`` and, without it, refused as "--out form.xlsx is the
input file" — an option the user never gave."""

from __future__ import annotations

from pathlib import Path

from cli_capture import run_main

DATA = Path(__file__).parent / "data"


def test_the_default_output_over_the_input_is_said_as_the_default(tmp_path, capsys):
    form = tmp_path / "form.xlsx"  # a minyi questionnaire (YAML) saved under an Excel name
    form.write_bytes((DATA / "wjx_questionnaire.yaml").read_bytes())
    rc, out = run_main(capsys, "convert", str(form), "--to", "xlsform")
    assert rc == 2 and "Traceback" not in out, out
    assert f"without --out the XLSForm is written to {form}, which is the input file" in out, out
    assert "--out form_form.xlsx" in out and f"--out {form} is" not in out, out
    assert form.read_bytes() == (DATA / "wjx_questionnaire.yaml").read_bytes()
    rc, out = run_main(capsys, "convert", str(form), "--to", "xlsform", "--out", str(form))
    assert rc == 2 and f"--out {form} is the input file" in out, out


def test_a_wrong_out_fails_before_the_questionnaire_is_read(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [\n", encoding="utf-8")
    rc, out = run_main(capsys, "convert", str(broken), "--to", "xlsform", "--out", str(tmp_path / "x.csv"))
    assert rc == 2 and "--to xlsform writes an XLSForm workbook (Excel .xlsx); name the file x.xlsx" in out, out
    assert "YAML syntax error" not in out
    rc, out = run_main(capsys, "convert", str(broken), "--to", "xlsform")
    assert rc == 1 and "YAML syntax error" in out, out
    assert not (tmp_path / "broken.xlsx").exists()

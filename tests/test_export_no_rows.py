"""survey export that writes the column header only says why on standard error: a project with no responses yet,
or, with --keep-excluded, the exclusion rules dropping no row.  The file is still written (a header the user may
want), with exit 0.

Before: a header-only CSV was written without a word, easily taken for the data."""

from __future__ import annotations

import yaml

from cli import main
from survey.quality import FLAG_NAMES
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv


def _run(capsys, *args):
    try:
        rc = main(list(args))
    except SystemExit as e:
        rc = e.code
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_an_export_of_no_rows_says_why(tmp_path, capsys):
    proj = tmp_path / "p"
    assert _run(capsys, "init", str(proj), "--questionnaire", str(bundled_path()))[0] == 0
    out_file = tmp_path / "x.csv"
    rc, out, err = _run(capsys, "export", str(proj), "--out", str(out_file))
    assert rc == 0
    assert out_file.read_text(encoding="utf-8-sig").count("\n") == 1  # the header
    assert err.splitlines() == [f"wrote {out_file}",
                                f"note: warning: the project has no responses yet: {out_file} holds the column header "
                                f"only (survey import {proj} FILE first)"]
    rc, out, err = _run(capsys, "export", str(proj))  # to standard output
    assert rc == 0 and out.count("\n") == 1
    assert err.strip() == ("note: warning: the project has no responses yet: the CSV written to standard output holds "
                           f"the column header only (survey import {proj} FILE first)")
    write_csv(simulate(load_questionnaire(bundled_path()), 30, seed=1), tmp_path / "a.csv")
    assert _run(capsys, "import", str(proj), str(tmp_path / "a.csv"), "--wave", "W1", "--quiet")[0] == 0
    config = yaml.safe_load((proj / "minyi.yaml").read_text(encoding="utf-8"))
    config["exclusions"] = {k: False for k in FLAG_NAMES}  # no rule excludes a row
    (proj / "minyi.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    rc, out, err = _run(capsys, "export", str(proj), "--keep-excluded", "--wave", "W1", "--quiet")
    assert rc == 0 and out.count("\n") == 1
    assert err.strip() == ("note: warning: the exclusion rules drop no response of wave W1: the CSV written to "
                           "standard output holds the column header only")
    rc, out, err = _run(capsys, "export", str(proj), "--quiet")
    assert rc == 0 and out.count("\n") > 1 and "note:" not in err  # rows: nothing said

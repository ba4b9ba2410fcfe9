"""No float option of any command takes ``nan`` or ``inf`` (issue 9: "``simulate --shift nan`` must be refused,
not produce data", closed as a class: every float option of every command is walked here).

Before: ``survey estimate FILE --var Q1 --confidence nan`` printed "Q1: 1.28 (nan% CI NA – NA)", exit 0;
``--quantile nan`` printed a "qnan" estimate; ``--df nan`` was taken as a number; ``plan --population inf``,
``simulate --shift inf`` were accepted.  Now each is a usage error (exit 2) naming the option.
"""

from __future__ import annotations

import pytest
import typer.main
from typer.testing import CliRunner

import cli

runner = CliRunner()


def _float_options() -> list[tuple[str, str]]:
    group = typer.main.get_command(cli.app)
    out = []
    for name, cmd in sorted(group.commands.items()):
        for p in cmd.params:
            if getattr(p.type, "name", "") in ("float", "float range") and p.opts:
                out.append((name, p.opts[0]))
    return out


def test_there_are_float_options_to_walk():
    assert {("simulate", "--shift"), ("estimate", "--confidence"), ("estimate", "--quantile"),
            ("plan", "--margin")} <= set(_float_options())


@pytest.mark.parametrize("command,option", _float_options())
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_non_finite_float_option_is_a_usage_error(command, option, value):
    r = runner.invoke(cli.app, [command, option, value])
    assert r.exit_code == 2, (r.exit_code, r.output)
    assert option in r.output and repr(value) in r.output and "Traceback" not in r.output, r.output


@pytest.mark.parametrize("value", ["nan", "NaN", "-1", "0"])
def test_df_option_refuses_nan_like_other_non_positive_values(value, tmp_path):
    (tmp_path / "d.csv").write_text("y\n1\n2\n1\n", encoding="utf-8")
    r = runner.invoke(cli.app, ["estimate", str(tmp_path / "d.csv"), "--var", "y", "--df", value])
    assert r.exit_code == 2 and "--df" in r.output, r.output


def test_finite_values_still_work(tmp_path):
    (tmp_path / "d.csv").write_text("y\n1\n2\n1\n2\n", encoding="utf-8")
    r = runner.invoke(cli.app, ["estimate", str(tmp_path / "d.csv"), "--var", "y", "--confidence", "0.9",
                                "--df", "inf"])
    assert r.exit_code == 0 and "90% CI" in r.output, r.output

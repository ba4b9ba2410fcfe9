"""Every command's --help explains its options with an example (sqlite-utils style)."""

import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

import cli

runner = CliRunner()


def _command_names() -> list[str]:
    group = typer.main.get_command(cli.app)
    return sorted(group.commands)


def test_root_help_has_example():
    r = runner.invoke(cli.app, ["--help"])
    assert r.exit_code == 0
    assert "Example" in r.output


@pytest.mark.parametrize("name", _command_names())
def test_every_command_help_has_example(name):
    r = runner.invoke(cli.app, [name, "--help"])
    assert r.exit_code == 0, r.output
    assert "Example" in r.output, f"`survey {name} --help` has no Example"
    assert f"survey {name}" in r.output


def test_expected_commands_exist():
    names = set(_command_names())
    assert {"validate"} <= names


def test_usage_error_exit_code_2():
    r = subprocess.run([sys.executable, "-c", "import cli; cli.main(['no-such-command'])"],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


def test_user_error_exit_code_1_without_traceback(tmp_path):
    r = subprocess.run([sys.executable, "-c", f"import cli; cli.main(['validate', '{tmp_path / 'missing.yaml'}'])"],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "does not exist" in r.stderr
    assert "Traceback" not in r.stderr

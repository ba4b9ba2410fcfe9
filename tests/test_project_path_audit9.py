"""The project path being an existing file (issue 9: "``--out`` or the project path being an existing file …
must give a one-line message") gets a message that fits it.

Before: every project command said "afile is not a minyi project (create one with: survey init afile
--questionnaire Q.yaml)", and following that hint failed again ("afile is a file, not a folder").
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import cli

runner = CliRunner()

COMMANDS = [
    ["status"], ["check"], ["quarantine"], ["trend"], ["brief"], ["ledger"], ["serve"],
    ["report", "--format", "html"], ["import", "{file}"], ["export", "--format", "csv", "--out", "x.csv"],
    ["remove-import", "1"], ["score", "--framework", "{file}"],
    ["links", "--base-url", "https://survey.example.gov.cn", "--out", "qr"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_project_path_that_is_a_file(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("not a project\n", encoding="utf-8")
    args = [command[0], "afile"] + [a.replace("{file}", "afile") for a in command[1:]]
    r = runner.invoke(cli.app, args)
    text = r.output + (str(r.exception) if r.exception else "")
    assert r.exit_code == 1, text
    assert "afile is a file, not a project folder" in text and "survey init afile" not in text, text

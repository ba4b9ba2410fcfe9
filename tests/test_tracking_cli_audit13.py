"""Audit of issue 13: command-line mistakes of `survey brief` and `survey ledger` are usage errors (exit 2, as
`survey trend` and `survey score` give), not data errors (exit 1): `--format txt`, `--out ledger.csv`."""

from __future__ import annotations

import pytest

import tracking_world as W
from survey.qload import bundled_path
from survey.store import Project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli13")
    Project.create(root / "p", bundled_path())
    return root / "p"


@pytest.mark.parametrize("args, words", [
    (["brief", "--format", "txt"], "unknown format 'txt' for the brief; choose from html, docx, pdf"),
    (["brief", "--format", "html,doc,txt"], "unknown format 'doc', 'txt' for the brief"),
    (["ledger", "--out", "ledger.csv"], "its name must end in .xlsx"),
])
def test_a_wrong_command_line_exits_2(project, args, words):
    rc, _, err = W.survey(args[0], project, *args[1:])
    assert rc == 2, err
    assert words in err

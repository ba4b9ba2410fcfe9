"""A project folder whose files are damaged, foreign or missing: one message naming the file, never an internal error.

Before: a store cut short (a copy or a sync stopped half-way) opened, and the first query that read a lost block
stopped the command with "internal error: IOException … (please report this as a bug)"; another program's DuckDB
file in place of minyi.duckdb gave "internal error: CatalogException: Table with name imports does not exist";
a project whose minyi.yaml was missing was "not a minyi project" without naming the file, and a missing
questionnaire.yaml was "file does not exist … (check the path)" without saying what the file is or where its
original is.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from cli_capture import run_main
from survey.errors import MinyiError
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Path:
    """A project of the bundled questionnaire with 2,000 responses in wave W1."""
    root = tmp_path_factory.mktemp("state")
    write_csv(simulate(load_questionnaire(bundled_path()), 2000, seed=3), root / "a.csv")
    Project.create(root / "p", bundled_path()).import_file(root / "a.csv", wave="W1")
    return root / "p"


def _copy(stored: Path, tmp_path: Path) -> Path:
    d = tmp_path / "copy"
    shutil.copytree(stored, d)
    return d


def _cut(db: Path, share: float) -> None:
    os.truncate(db, int(db.stat().st_size * share))


def _one_line(out: str) -> str:
    lines = [x for x in out.splitlines() if x.strip()]
    assert len(lines) == 1, out
    assert "internal error" not in out and "Traceback" not in out, out
    return lines[0]


@pytest.mark.parametrize("command", [["status"], ["analyze"], ["export"], ["check"], ["trend"]])
def test_a_store_cut_in_half_is_one_message_naming_it(stored, tmp_path, capsys, command):
    d = _copy(stored, tmp_path)
    _cut(d / "minyi.duckdb", 0.5)
    rc, out = run_main(capsys, command[0], str(d), *command[1:])
    line = _one_line(out)
    assert rc == 1
    assert f"cannot read the project database {d / 'minyi.duckdb'}" in line, line
    assert "restore it from a backup" in line


def test_a_store_whose_answers_are_cut_short_is_said_when_they_are_read(stored, tmp_path, capsys):
    """The tables read first (imports, checks) are whole; the blocks of the answers, read by the streaming scan of
    survey.reading, are not."""
    d = _copy(stored, tmp_path)
    _cut(d / "minyi.duckdb", 0.9)
    with pytest.raises(MinyiError) as e:
        Project.open(d).raw_responses("W1")
    assert [p.code for p in e.value.problems] == ["project-damaged-read"]
    assert str(d / "minyi.duckdb") in str(e.value)
    rc, out = run_main(capsys, "export", str(d), "--wave", "W1", "--out", str(tmp_path / "x.csv"))
    assert rc == 1 and "cannot read the project database" in _one_line(out)
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("command", ["status", "analyze", "export", "quarantine", "check"])
def test_another_programs_duckdb_file_is_not_taken_for_the_store(stored, tmp_path, capsys, command):
    d = _copy(stored, tmp_path)
    (d / "minyi.duckdb").unlink()
    con = duckdb.connect(str(d / "minyi.duckdb"))
    con.execute("CREATE TABLE t (a INTEGER)")
    con.close()
    rc, out = run_main(capsys, command, str(d))
    line = _one_line(out)
    assert rc == 1
    assert line.startswith(f"{d / 'minyi.duckdb'}: error: ") and "not a minyi project store" in line, line
    assert "no table responses" in line


@pytest.mark.parametrize("command", ["status", "analyze", "export", "remove-import"])
def test_a_missing_settings_file_is_named(stored, tmp_path, capsys, command):
    d = _copy(stored, tmp_path)
    (d / "minyi.yaml").unlink()
    rc, out = run_main(capsys, command, str(d), *(["1"] if command == "remove-import" else []))
    line = _one_line(out)
    assert rc == 1
    assert line.startswith(f"{d / 'minyi.yaml'}: error: ") and "no settings file minyi.yaml" in line, line


def test_a_missing_store_is_named(stored, tmp_path, capsys):
    d = _copy(stored, tmp_path)
    (d / "minyi.duckdb").unlink()
    rc, out = run_main(capsys, "status", str(d))
    line = _one_line(out)
    assert rc == 1 and line.startswith(f"{d / 'minyi.duckdb'}: error: ") and "no project store minyi.duckdb" in line


@pytest.mark.parametrize("command", ["status", "analyze", "export", "check"])
def test_a_missing_questionnaire_copy_is_named_with_its_original(stored, tmp_path, capsys, command):
    d = _copy(stored, tmp_path)
    (d / "questionnaire.yaml").unlink()
    rc, out = run_main(capsys, command, str(d))
    line = _one_line(out)
    assert rc == 1
    assert line.startswith(f"{d / 'questionnaire.yaml'}: error: the project's copy of its questionnaire"), line
    assert str(Path(bundled_path()).resolve()) in line  # where survey init copied it from (minyi.yaml)


def test_a_folder_with_neither_file_is_still_no_project(tmp_path, capsys):
    rc, out = run_main(capsys, "status", str(tmp_path))
    assert rc == 1 and f"{tmp_path} is not a minyi project" in _one_line(out)

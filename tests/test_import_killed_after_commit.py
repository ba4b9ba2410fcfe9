"""An import killed (SIGKILL) after its transaction committed, before it wrote the wave to minyi.yaml: the retry
says the file is imported already, adds no row, and completes minyi.yaml (``waves:``).  And the summary of a file
imported before names the wave as stored, also when the wave's name holds the word "wave".

Before: the retry returned at once, so the wave stayed missing from minyi.yaml for good; and the wave of the
"already imported" summary was read back out of its sentence ("import #2 on …, wave 第二 wave 2" gave "2")."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import yaml

from cli_capture import run_main
from killed_child import kill_when_paused, start_paused
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

def _rows(root: Path) -> list:
    con = duckdb.connect(str(root / "minyi.duckdb"), read_only=True)
    try:
        return con.execute("SELECT _wave, count(*) FROM responses GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()


def test_the_retry_of_an_import_killed_after_its_commit_completes_it(tmp_path):
    q = load_questionnaire(bundled_path())
    write_csv(simulate(q, 120, seed=1), tmp_path / "a.csv")
    write_csv(simulate(q, 80, seed=2), tmp_path / "b.csv")
    p = Project.create(tmp_path / "p", bundled_path())
    p.import_file(tmp_path / "a.csv", wave="W1")
    marker = tmp_path / "committed"
    # the import of b.csv (wave W2), paused once its transaction has committed, and killed
    child = start_paused(p.root, "COMMIT", marker, "p.import_file(args[0], wave='W2')", tmp_path / "b.csv")
    kill_when_paused(child, marker, "its commit")
    config = yaml.safe_load((p.root / "minyi.yaml").read_text(encoding="utf-8"))
    assert config["waves"] == ["W1"]  # killed before it wrote the wave
    assert _rows(p.root) == [("W1", 120), ("W2", 80)]  # the commit is whole
    again = Project.open(p.root).import_file(tmp_path / "b.csv", wave="W2")
    assert again.already and again.import_id == 2 and again.wave == "W2"
    assert _rows(p.root) == [("W1", 120), ("W2", 80)]  # not doubled
    config = yaml.safe_load((p.root / "minyi.yaml").read_text(encoding="utf-8"))
    assert config["waves"] == ["W1", "W2"]


def test_the_summary_of_a_file_imported_before_names_its_wave_as_stored(tmp_path, capsys):
    write_csv(simulate(load_questionnaire(bundled_path()), 50, seed=4), tmp_path / "a.csv")
    proj = tmp_path / "p"
    assert run_main(capsys, "init", str(proj), "--questionnaire", str(bundled_path()))[0] == 0
    assert run_main(capsys, "import", str(proj), str(tmp_path / "a.csv"), "--wave", "第二 wave 2", "--quiet")[0] == 0
    rc, out = run_main(capsys, "import", str(proj), str(tmp_path / "a.csv"), "--json")
    assert rc == 0, out
    res = json.loads(out)
    assert res["already_imported"] and res["wave"] == "第二 wave 2" and res["import_id"] == 1
    assert yaml.safe_load((proj / "minyi.yaml").read_text(encoding="utf-8"))["waves"] == ["第二 wave 2"]
    # the check repeated inside the commit (a --sheet file is always read) names it so too
    s = Project.open(proj).commit_batch(Project.open(proj).prepare_import(tmp_path / "a.csv", wave="W9"))
    assert s.already and s.wave == "第二 wave 2" and s.import_id == 1
    assert yaml.safe_load((proj / "minyi.yaml").read_text(encoding="utf-8"))["waves"] == ["第二 wave 2"]

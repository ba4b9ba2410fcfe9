"""survey export --out naming one of the project's own files is refused before anything is written (exit 2), however
the path is written; the project stays whole.

Before: ``survey export DIR --out DIR/minyi.duckdb --format csv`` replaced the store with a CSV file (every import
lost: the next command said the file is not a valid DuckDB database), and ``--out DIR/minyi.yaml`` the settings."""

from __future__ import annotations

import os

import pytest

from cli_capture import run_main
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("own")
    write_csv(simulate(load_questionnaire(bundled_path()), 40, seed=1), root / "a.csv")
    from survey.store import Project

    Project.create(root / "p", bundled_path()).import_file(root / "a.csv", wave="W1")
    os.symlink(root / "p", root / "link")
    return root


@pytest.mark.parametrize("name,what", [("minyi.duckdb", "store of imported answers"), ("minyi.yaml", "settings file"),
                                       ("questionnaire.yaml", "questionnaire copy")])
@pytest.mark.parametrize("spelled", ["p/{}", "link/{}", "p/../p/{}"])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_export_onto_a_project_file_is_refused(project, capsys, name, what, spelled, fmt):
    own = project / "p" / name
    before = own.read_bytes()
    out = str(project / spelled.format(name))
    rc, said = run_main(capsys, "export", str(project / "p"), "--out", out, "--format", fmt)
    assert rc == 2, said
    assert said.strip().startswith(f"{out}: error: --out {out} is the project's {what}: writing there would replace "
                                   "it"), said
    assert own.read_bytes() == before
    rc, said = run_main(capsys, "status", str(project / "p"))
    assert rc == 0 and "wave W1: 40 responses" in said


def test_an_export_beside_them_is_written(project, capsys, tmp_path):
    rc, said = run_main(capsys, "export", str(project / "p"), "--out", str(project / "p" / "clean.csv"))
    assert rc == 0 and (project / "p" / "clean.csv").read_text(encoding="utf-8-sig").count("\n") == 41

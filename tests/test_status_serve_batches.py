"""`survey status` lists an import of the web survey as its merge batch ("web survey, merge batch 7"), not as
"sha256 serve:3f2a…": the batch key sits in the hash column (survey.collect.merge) but is no file hash."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

import cli
from survey.store import Project
from test_import_hash import ROWS, write_rows, write_tiny


def test_status_names_a_web_survey_batch_as_such(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    a = write_rows(tmp_path / "a.csv", [r for r, _ in ROWS])
    frame = pd.read_csv(a, dtype=str, keep_default_na=False)
    p.commit_batch(p.prepare_rows(frame, source="serve", key="serve:3f2a1b0c9d8e:7", wave="w1"))
    p.import_file(a, wave="w2")
    r = CliRunner().invoke(cli.app, ["status", str(tmp_path / "proj")])
    assert r.exit_code == 0, r.output
    lines = [x for x in r.output.splitlines() if x.strip().startswith("import #")]
    assert len(lines) == 2
    web = next(x for x in lines if "wave w1" in x)
    file = next(x for x in lines if "wave w2" in x)
    assert "web survey, merge batch 7" in web and "sha256 serve:" not in r.output
    assert "sha256 " in file and "a.csv" in file

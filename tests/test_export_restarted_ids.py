"""An export of a project whose imports share respondent ids (问卷星's 序号 from 1 in every download, kept as
different respondents) wrote the ids unchanged: read back as one file, half of its rows were repeated ids
(duplicate_id) and analysis kept fewer than half of the rows the project analysed.  The export now writes such ids as ``<import>-<id>`` and says so
(catalogue ``export-ids-qualified``); the file reads back as the respondents the project analysed (none a repeated id), in every export format, and a project whose ids are all distinct is exported exactly as before."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from cli_capture import init_project, run_main
from test_ids_restart_per_download import QFILE, _site_files


def _wave(capsys, proj: str) -> dict:
    rc, out = run_main(capsys, "check", proj, "--json")
    assert rc == 0, out
    return json.loads(out)["waves"][0]


def _two_sites(tmp_path, capsys) -> str:
    proj = init_project(tmp_path, capsys, QFILE)
    for f in _site_files(tmp_path):
        rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
        assert rc == 0, out
    return proj


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "parquet"])
def test_shared_ids_are_written_with_their_import_and_read_back_apart(tmp_path, capsys, fmt):
    proj = _two_sites(tmp_path, capsys)
    n = _wave(capsys, proj)["analysed"]
    assert n > 12  # more than one site's rows (a few fail the quality rules)
    out_file = tmp_path / f"all.{fmt}"
    rc, out = run_main(capsys, "export", proj, "--format", fmt, "--out", str(out_file))
    assert rc == 0, out
    said = re.search(r"respondent ids repeat across imports in (\d+) row\(s\).* as import-id \(1-(\d+), 2-(\d+)\)", out)
    assert said and int(said[1]) == n and said[2] == said[3], out
    back = tmp_path / "again"
    back.mkdir()
    again = init_project(back, capsys, QFILE)
    rc, out = run_main(capsys, "import", again, str(out_file), "--wave", "W")
    assert rc == 0, out
    assert "repeat the respondent id" not in out, out
    w = _wave(capsys, again)  # every exported row stored, none a repeated id (the speed rule judges anew)
    assert w["responses"] == n and "duplicate_id" not in w["flags"], w


def test_distinct_ids_are_exported_unchanged(tmp_path, capsys):
    a, _ = _site_files(tmp_path)
    proj = init_project(tmp_path, capsys, QFILE)
    assert run_main(capsys, "import", proj, str(a), "--wave", "W")[0] == 0
    rc, out = run_main(capsys, "export", proj, "--format", "parquet", "--out", str(tmp_path / "one.parquet"))
    assert rc == 0 and "import-id" not in out, out
    ids = pd.read_parquet(tmp_path / "one.parquet")["respondent_id"].astype(str).tolist()
    assert len(ids) == _wave(capsys, proj)["analysed"] and set(ids) <= {str(i) for i in range(1, 13)}, ids

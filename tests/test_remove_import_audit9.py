"""Undoing an import is recorded in the project history (issue 9, "Also": ``survey remove-import``), and
``survey status`` words that record like every other count it prints: with thousands separators.

Before: status printed "removed import #1 … 1200 responses and 0 quarantined rows removed" two lines
under "1,200 read", while ``survey remove-import`` itself had said "1,200 responses".
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli import app

Q = """id: t
title: t
sections:
  - id: A
    title: A
    questions:
      - {id: Q1, type: single, text: x, options: [a, b, c]}
"""


def _run(*args) -> str:
    r = CliRunner().invoke(app, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r.output


def test_status_words_a_removed_import_with_separators(tmp_path: Path):
    (tmp_path / "q.yaml").write_text(Q, encoding="utf-8")
    n = 1_200
    rows = [f"R{i},{1 + i % 3}" for i in range(n)]
    (tmp_path / "a.csv").write_text("respondent_id,Q1\n" + "\n".join(rows) + "\n", encoding="utf-8")
    proj = tmp_path / "p"
    _run("init", proj, "--questionnaire", tmp_path / "q.yaml")
    _run("import", proj, tmp_path / "a.csv")
    said = _run("remove-import", proj, "1")
    assert f"{n:,} responses" in said
    status = _run("status", proj)
    line = next(x for x in status.splitlines() if "removed import #1" in x)
    assert f"{n:,} responses" in line, line

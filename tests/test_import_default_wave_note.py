"""An import without --wave into a project that has named waves says where its rows went ('default') and how
to put them in the right wave; a project that only has 'default' gets no such note."""

from __future__ import annotations

from survey.store import Project
from test_import_hash import ROWS, write_rows, write_tiny


def test_rows_without_wave_beside_named_waves_are_noted(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    first = p.import_file(write_rows(tmp_path / "a.csv", [r for r, _ in ROWS]))
    assert first.wave == "default" and not any("import-default-wave" == getattr(u, "code", "") for u in first.unmatched)
    p.import_file(write_rows(tmp_path / "b.csv", [r for r, _ in ROWS][:5]), wave="2026Q1")
    s = Project.open(tmp_path / "proj").import_file(write_rows(tmp_path / "c.csv", [r for r, _ in ROWS][:4]))
    notes = [u for u in s.unmatched if getattr(u, "code", "") == "import-default-wave"]
    assert s.wave == "default" and len(notes) == 1
    text = "\n".join(s.lines())
    assert "beside the project's waves 2026Q1" in text and f"survey remove-import {tmp_path / 'proj'} {s.import_id}" in text

"""A misspelt key under ``design:`` in minyi.yaml (session 29).

``weigths: w`` was reported at the ``design:`` line with the list of every design key; the user had to find the
typo in the block.  It is now an ``unknown-key`` problem at the key's own line and column, with the nearest
design key suggested.  The expected line is found in the text the test wrote, not copied from the output.
"""

from __future__ import annotations

from pathlib import Path

from survey.store import Project
from tracking_world import survey

DATA = Path(__file__).parent / "data"


def test_a_misspelt_design_key_is_named_at_its_line_with_the_nearest_key(tmp_path):
    root = tmp_path / "p"
    Project.create(root, DATA / "wjx_questionnaire.yaml")
    rc, _, err = survey("import", str(root), str(DATA / "wjx_by_code.csv"))
    assert rc == 0, err
    cfg = root / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "\ndesign:\n" in text
    text = text.replace("\ndesign:\n", "\ndesign:\n  weigths: w\n", 1)
    cfg.write_text(text, encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), start=1) if "weigths" in ln)

    rc, out, err = survey("analyze", str(root))
    assert rc == 1 and out == ""
    assert f"minyi.yaml:{line}:3: error: unknown key 'weigths' in design" in err, err
    assert "did you mean 'weights'" in err and "Traceback" not in err

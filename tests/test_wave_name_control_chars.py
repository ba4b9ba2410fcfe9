"""A wave's name with a line break, tab or invisible character (``--wave $'2026Q1\\n'``, U+202E that shows it
reversed) was accepted: a wave whose line in minyi.yaml and every listing breaks or reads otherwise than typed.
Refused wherever a wave's name enters — ``survey import --wave``, the file's own ``wave`` column, ``survey serve
--wave`` and minyi.yaml's ``serve.wave`` — by the rule collector ids follow
(:func:`survey.messages.invisible_characters`), with catalogue ``wave-name-invisible``."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_capture import init_project, run_main
from survey.errors import MinyiError

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"


@pytest.mark.parametrize("wave, shown", [("2026Q1\nX", "2026Q1<U+000A>X"), ("2026Q1\t", "2026Q1<U+0009>"),
                                         ("2026\u202eQ1", "2026<U+202E>Q1"), ("20\u200b26Q1", "20<U+200B>26Q1"),
                                         ("2026Q1\r", "2026Q1<U+000D>")])
def test_import_refuses_a_wave_name_with_a_control_or_invisible_character(tmp_path, capsys, wave, shown):
    proj = init_project(tmp_path, capsys, QFILE)
    before = (Path(proj) / "minyi.yaml").read_text(encoding="utf-8")
    rc, out = run_main(capsys, "import", proj, str(DATA / "wjx_by_code.csv"), "--wave", wave)
    assert rc != 0 and "Traceback" not in out, out
    assert f"--wave '{shown}': the wave name holds the control or invisible character(s)" in out, out
    assert "nothing was imported" in out
    assert (Path(proj) / "minyi.yaml").read_text(encoding="utf-8") == before
    rc, out = run_main(capsys, "status", proj, "--json")
    assert rc == 0 and '"waves": []' in out, out


def test_a_files_wave_column_is_held_to_the_same_rule(tmp_path, capsys):
    """A minyi export imported back names its wave in a ``wave`` column: the same rule, naming the file."""
    proj = init_project(tmp_path, capsys, QFILE)
    assert run_main(capsys, "import", proj, str(DATA / "wjx_by_code.csv"), "--wave", "2026Q1")[0] == 0
    out_csv = tmp_path / "all.csv"
    rc, out = run_main(capsys, "export", proj, "--out", str(out_csv))
    assert rc == 0, out
    text = out_csv.read_text(encoding="utf-8-sig")
    assert "2026Q1" in text
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("2026Q1", "2026\u202eQ1"), encoding="utf-8")
    other = init_project(tmp_path / "other", capsys, QFILE)
    rc, out = run_main(capsys, "import", other, str(bad))
    assert rc != 0 and "Traceback" not in out, out
    assert ("bad.csv: error: the file's 'wave' column '2026<U+202E>Q1': the wave name holds the control or invisible "
            "character(s) U+202E") in out, out


def test_serve_refuses_such_a_wave_from_the_option_and_from_minyi_yaml(tmp_path, capsys):
    from survey.collect.settings import load_settings
    from survey.store import Project

    p = Project.open(init_project(tmp_path, capsys, QFILE))
    with pytest.raises(MinyiError) as e:
        load_settings({}, p.questionnaire, "minyi.yaml", wave="A\nB")
    assert e.value.problems[0].code == "wave-name-invisible" and "nothing was served" in str(e.value)
    with pytest.raises(MinyiError) as e:
        load_settings({"serve": {"wave": "2026\u200bQ3"}}, p.questionnaire, "minyi.yaml")
    assert [x.code for x in e.value.problems] == ["wave-name-invisible"]
    assert "serve.wave '2026<U+200B>Q3'" in str(e.value) and "minyi.yaml" in str(e.value)
    assert load_settings({"serve": {"wave": "2026Q3"}}, p.questionnaire, "minyi.yaml").wave == "2026Q3"

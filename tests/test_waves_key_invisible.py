"""The keys of ``waves:`` in minyi.yaml follow the rule of ``--wave`` (:func:`survey.waves.wave_name_problem`): a
key holding a zero-width space, a BOM or a control character (pasted from a chat or another file) was a wave that
``survey import --wave`` refuses to name (``wave-name-invisible``) and no listing shows as written.  Refused when
the project is opened, with catalogue ``waves-key-invisible`` naming the file, the line of the key, the key (its
characters written out) and the characters; spaces around a quoted key, too."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_capture import init_project, run_main
from survey.errors import MinyiError
from survey.waves import read_waves

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"


@pytest.mark.parametrize("key, shown, char", [("2026\u200bQ1", "2026<U+200B>Q1", "U+200B"),
                                               ("\ufeff2026Q1", "<U+FEFF>2026Q1", "U+FEFF"),
                                               ("2026Q1\u0007", "2026Q1<U+0007>", "U+0007")])
def test_read_waves_refuses_a_key_with_an_invisible_character(key, shown, char):
    for config in ({"waves": {key: {"label": "第一季度"}}}, {"waves": [key]}):
        with pytest.raises(MinyiError) as e:
            read_waves(config, "minyi.yaml")
        [p] = e.value.problems
        assert p.code == "waves-key-invisible" and p.file == "minyi.yaml", p
        assert f"waves: key '{shown}' holds the control or invisible character(s) {char}" in str(p), str(p)
    assert list(read_waves({"waves": {"2026Q1": None, "2026Q2": "第二季度"}}, "minyi.yaml")) == ["2026Q1", "2026Q2"]


def test_the_project_names_the_file_line_and_key(tmp_path, capsys):
    proj = init_project(tmp_path, capsys, QFILE)
    cfg = Path(proj) / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "waves: []\n" in text
    text = text.replace("waves: []\n", 'waves:\n  "2026\\u200bQ1": {label: 第一季度}\n  2026Q2: {label: 第二季度}\n'
                                       '  " 2026Q3": {}\n')
    cfg.write_text(text, encoding="utf-8")
    line = text.splitlines().index('  "2026\\u200bQ1": {label: 第一季度}') + 1
    rc, out = run_main(capsys, "status", proj)
    assert rc == 1 and "Traceback" not in out, out
    assert (f"{cfg}:{line}:3: error: waves: key '2026<U+200B>Q1' holds the control or invisible character(s) "
            "U+200B") in out, out
    assert "waves: the wave ' 2026Q3' has spaces around its name, so --wave '2026Q3' does not name it" in out, out
    assert "2026Q2" not in out

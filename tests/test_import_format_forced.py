"""``--format native`` (or tencent, kobo) given for a 问卷星 export read 问卷星's marks as answers without a word: the
open answer ``(空)`` of every respondent was stored as the text "(空)".  The forced layout is still used (the user
asked for it), and a warning now says whose headers the file has and what that means (``format-forced-other``);
``--format wjx`` on a 问卷星 file, and no ``--format``, say nothing of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_capture import init_project, run_main

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
WJX = DATA / "wjx_by_code.csv"


def _import(tmp_path, capsys, *args) -> list[str]:
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(WJX), "--wave", "W", "--json", *args)
    assert rc == 0, out
    return json.loads(out)["unmatched"]


@pytest.mark.parametrize("forced, title", [("native", "minyi native"), ("tencent", "腾讯问卷"),
                                           ("kobo", "KoboToolbox/ODK")])
def test_another_layout_forced_on_a_wjx_export_is_said(tmp_path, capsys, forced, title):
    assert "(空)" in WJX.read_text(encoding="utf-8-sig")  # 问卷星's mark of an empty open answer
    notes = _import(tmp_path, capsys, "--format", forced)
    said = [n for n in notes if f"--format {forced} reads the file as {title}, but its headers are those of 问卷星" in n]
    assert len(said) == 1 and "with --format wjx" in said[0], notes


@pytest.mark.parametrize("args", [(), ("--format", "wjx")])
def test_the_right_layout_says_nothing_of_it(tmp_path, capsys, args):
    notes = _import(tmp_path, capsys, *args)
    assert not any("--format" in n for n in notes), notes

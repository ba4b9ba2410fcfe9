"""questionnaire.yaml edited by hand into states ``survey validate`` called valid:

* ``score: .nan`` (or ``.inf``) on a scale option: the answers with that option silently left every
  satisfaction index (the project then only warned that the coding changed);
* ``positive: []`` (or ``positive:`` with nothing) on an indicator: its share was 0.0% in every wave and group,
  "未达标", without a word; on a scale or question the first two options were used instead, silently.

Each is now a problem naming the file, line and column (``yaml-not-finite``, ``positive-empty``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_capture import run_main

BUNDLED = Path(__file__).parent.parent / "questionnaires" / "civic_hot_issues.yaml"
SCORE = '{code: 1, label: 非常满意, label_en: "Very satisfied", score: 100}'
POSITIVE = "    positive: [知道, 听说过但不太了解]"


def _edited(tmp_path, old, new):
    text = BUNDLED.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    line = text[: text.index(old)].count("\n") + 1
    p = tmp_path / "questionnaire.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(p), line


@pytest.mark.parametrize("raw", [".nan", ".inf", "-.inf"])
def test_a_score_that_is_not_finite_is_refused(tmp_path, capsys, raw):
    p, line = _edited(tmp_path, SCORE, SCORE.replace("score: 100", f"score: {raw}"))
    rc, out = run_main(capsys, "validate", p)
    assert rc == 1, out
    assert f"{p}:{line}:" in out and f"option.score must be a finite number, not {raw}" in out, out


@pytest.mark.parametrize("new", ["    positive: []", "    positive:"])
def test_an_indicator_with_no_positive_option_is_refused(tmp_path, capsys, new):
    p, line = _edited(tmp_path, POSITIVE, new)
    rc, out = run_main(capsys, "validate", p)
    assert rc == 1, out
    assert f"{p}:{line}:" in out and "indicator aware_campaign positive lists no option" in out, out


def test_a_scale_with_no_positive_option_is_refused(tmp_path, capsys):
    p, line = _edited(tmp_path, "    positive: [1, 2]", "    positive: []")
    rc, out = run_main(capsys, "validate", p)
    assert rc == 1 and f"{p}:{line}:" in out and "scale sat5 positive lists no option" in out, out


def test_the_bundled_questionnaire_is_still_valid(capsys):
    rc, out = run_main(capsys, "validate", str(BUNDLED))
    assert rc == 0 and "valid" in out, out

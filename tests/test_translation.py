"""Questionnaire translations (``<field>_en`` keys): loading, the missing-translation warning, localizing."""

import subprocess
import sys
from pathlib import Path

from survey.qload import bundled_path, load_questionnaire, validate_text
from survey.translation import has_translations, localized, missing

BASE = """\
id: t
title: 测试
title_en: Test
sections:
  - id: A
    title: 基本
    title_en: Basics
    questions:
      - id: Q1
        type: single
        text: 性别
        text_en: Sex
        options: [男, 女]
        options_en: [Male, Female]
      - id: Q2
        type: single
        text: 职业
        when: Q1 == "男"
        options: [{label: 学生, label_en: Student}, {label: 其他, label_en: Other}]
"""


def test_missing_translation_is_a_warning_naming_key_and_line():
    q, probs = validate_text(BASE, "t.yaml")
    assert q is not None
    assert [p.severity for p in probs] == ["warning"]
    p = probs[0]
    assert p.code == "missing-translation" and "text_en" in p.message and "Q2" in p.message
    assert str(p).startswith("t.yaml:15:")  # the question's line


def test_no_translations_no_warnings():
    text = BASE.replace(", label_en: Student", "").replace(", label_en: Other", "")
    text = "\n".join(line for line in text.splitlines() if "_en:" not in line)
    q, probs = validate_text(text, "t.yaml")
    assert probs == [] and not has_translations(q)


def test_parallel_list_must_match_length():
    _, probs = validate_text(BASE.replace("[Male, Female]", "[Male]"), "t.yaml")
    assert any(p.severity == "error" and "options_en" in p.message for p in probs)


def test_localized_swaps_texts_and_keeps_skip_labels():
    q, _ = validate_text(BASE.replace("        when:", "        text_en: Job\n        when:"), "t.yaml")
    en = localized(q, "en")
    assert en.title == "Test" and en.sections[0].title == "Basics"
    assert [o.label for o in en.question("Q1").options] == ["Male", "Female"]
    assert en.question("Q2").text == "Job"
    assert q.question("Q1").options[0].label == "男"  # the original is unchanged
    assert en.resolve_code("Q1", "男") == 1 and en.resolve_code("Q1", "Male") == 1


def test_bundled_questionnaire_is_fully_translated():
    q = load_questionnaire(bundled_path())
    assert has_translations(q) and missing(q) == []
    en = localized(q, "en")
    cjk = [t for o in en.questions for t in [o.text] + [x.label for x in o.options] + [r.label for r in o.rows]
           if any("\u3000" <= ch <= "\u9fff" for ch in t)]
    assert cjk == []
    assert [s.name for s in en.sites] == [o.label for o in en.question(en.site_question).options]


def test_validate_prints_the_warning_and_exits_0(tmp_path: Path):
    f = tmp_path / "t.yaml"
    f.write_text(BASE, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "cli", "validate", str(f)], capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parents[1])
    assert r.returncode == 0
    assert f"{f}:15: warning: question Q2 has no 'text_en'" in r.stdout

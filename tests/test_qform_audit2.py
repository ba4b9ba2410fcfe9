"""Audit 2 of validate / form / simulate (issue 2 contract): what validate calls valid must work, what cannot
work is refused at its line:column, and simulate never overwrites its input.

Positions are computed from the snippet text (the line holding the token), never copied from output.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_capture import run_main
from survey.qload import load_questionnaire, validate_text
from survey.simulate import simulate

HEAD = "id: t\ntitle: 测试\n"


def errors(text: str, code: str | None = None):
    _, probs = validate_text(textwrap.dedent(text), "q.yaml")
    return [p for p in probs if p.severity == "error" and (code is None or p.code == code)]


def line_of(text: str, needle: str, nth: int = 0) -> int:
    lines = [i for i, ln in enumerate(textwrap.dedent(text).splitlines(), start=1) if needle in ln]
    return lines[nth]


def write(tmp_path: Path, text: str, name: str = "q.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


# ----------------------------------------------------------------------------- 1. refuse what cannot work
NA_MATRIX = HEAD + """\
sections:
  - id: A
    title: 基本
    questions:
      - id: Q5
        type: matrix
        text: 五
        options: [{label: 不了解, na: true}]
        rows: [一]
"""

NA_SCALE_INDICATOR = HEAD + """\
indicators:
  - {id: s, kind: satisfaction, question: Q5}
sections:
  - id: A
    title: 基本
    questions:
      - id: Q5
        type: scale
        text: 五
        options: [{label: 不了解, na: true}, {label: 说不清, na: true}]
"""

NA_SHARED = HEAD + """\
scales:
  dk:
    options: [{label: 不了解, na: true}]
sections:
  - id: A
    title: 基本
    questions:
      - {id: Q5, type: matrix, text: 五, scale: dk, rows: [一, 二]}
"""


@pytest.mark.parametrize("text,needle", [(NA_MATRIX, "options:"), (NA_SCALE_INDICATOR, "options:"),
                                         (NA_SHARED, "options:")])
def test_all_na_scale_or_matrix_is_an_error_at_its_options(text, needle):
    errs = errors(text, "options-all-na")
    assert len(errs) == 1, errors(text)
    assert errs[0].line == line_of(text, needle)
    assert "na: true" in errs[0].message


def test_all_na_refused_by_simulate_with_one_message(tmp_path, capsys):
    p = write(tmp_path, NA_MATRIX)
    rc, out = run_main(capsys, "simulate", str(p), "--n", "5", "--out", str(tmp_path / "r.csv"))
    assert rc == 1
    assert "internal error" not in out and "Traceback" not in out
    assert f"q.yaml:{line_of(NA_MATRIX, 'options:')}:" in out


ROLES = HEAD + """\
district_question: Q2
overall_question: Q3
sites:
  - name: 机关
    sections: [A]
  - name: 社区
    sections: [B]
sections:
  - id: A
    title: 基本
    questions:
      - {id: Q1, type: single, text: 一, options: [机关, 社区]}
      - {id: Q2, type: text, text: 区}
      - {id: Q3, type: number, text: 总体}
  - id: B
    title: 二
    questions:
      - {id: Q4, type: single, text: 四, options: [a, b]}
"""


def test_roles_of_the_wrong_type_and_sites_without_site_question():
    errs = errors(ROLES)
    got = {(p.code, p.line) for p in errs}
    assert ("question-role-type", line_of(ROLES, "district_question:")) in got
    assert ("question-role-type", line_of(ROLES, "overall_question:")) in got
    assert ("sites-without-site-question", line_of(ROLES, "sites:")) in got
    dq = next(p for p in errs if p.line == line_of(ROLES, "district_question:"))
    assert "Q2 is a text question" in dq.message


def test_site_question_in_a_section_only_one_site_gets():
    text = ROLES.replace("district_question: Q2\noverall_question: Q3\n", "site_question: Q4\n").replace(
        "options: [a, b]", "options: [机关, 社区]")
    errs = errors(text, "site-question-not-everywhere")
    assert len(errs) == 1 and errs[0].line == line_of(text, "id: Q4")
    assert "section B" in errs[0].message and "社区" in errs[0].message


@pytest.mark.parametrize("body,what", [("sections: []\n", "sections"),
                                       ("sections:\n  - {id: A, title: a, questions: []}\n", "questions")])
def test_no_sections_or_no_questions(body, what):
    errs = errors(HEAD + body, "no-questions")
    assert len(errs) == 1 and errs[0].line == 3 and f"has no {what}" in errs[0].message


EDGE = HEAD + """\
site_question: S
district_question: D
sites: [甲, 乙]
sections:
  - id: A
    title: a
    questions:
      - {id: S, type: single, text: 站点, options: [甲, 乙]}
      - {id: D, type: single, text: 区, options: [东区]}
      - {id: Q1, type: single, text: 一, options: [a]}
      - {id: Q2, type: single, text: 二, options: [{label: 不了解, na: true}]}
      - {id: Q3, type: multiple, text: 三, options: [{label: 都没有, exclusive: true}]}
      - {id: Q4, type: multiple, text: 四, options: [a, b]}
      - {id: Q5, type: ranking, text: 五, options: [a], k: 1}
      - {id: Q6, type: number, text: 六, min: 150}
      - {id: Q8, type: yesno, text: 八, when: 'Q1 == 1'}
      - {id: Q9, type: scale, text: 九, options: [{label: 好, score: 1}]}
      - {id: Q10, type: number, text: 十, min: 3, max: 3}
"""


def test_simulate_never_crashes_on_valid_edge_cases(tmp_path):
    """One-option choices, a choice of only 不了解, only an exclusive option, a number with min above 100 and
    no max: valid, and simulate writes answers that obey them (it raised IndexError / drew below min)."""
    assert errors(EDGE) == []
    q = load_questionnaire(write(tmp_path, EDGE))
    f = simulate(q, 200, seed=3, messy=True)
    clean = f.iloc[:200]
    assert set(clean["Q2"].dropna()) == {1.0}
    assert (clean["Q3_1"] == 1).all()
    assert clean["Q6"].min() >= 150
    assert set(clean["Q10"]) == {3.0}


# ----------------------------------------------------------------------------- 2. simulate --out
def test_simulate_refuses_to_overwrite_its_questionnaire(tmp_path, capsys):
    p = write(tmp_path, EDGE, "victim.yaml")
    before = p.read_bytes()
    for target in (str(p), str(tmp_path / "." / "victim.yaml")):
        rc, out = run_main(capsys, "simulate", str(p), "--n", "5", "--out", target)
        assert rc == 2 and "questionnaire file itself" in out
    assert p.read_bytes() == before


def test_simulate_refuses_a_non_csv_name(tmp_path, capsys):
    p = write(tmp_path, EDGE)
    rc, out = run_main(capsys, "simulate", str(p), "--n", "5", "--out", str(tmp_path / "r.xlsx"))
    assert rc == 2 and ".csv" in out
    assert not (tmp_path / "r.xlsx").exists()
    rc, out = run_main(capsys, "simulate", str(p), "--n", "5", "--out", str(tmp_path / "r.CSV"))
    assert rc == 0, out
    assert len(pd.read_csv(tmp_path / "r.CSV")) == 5


# ----------------------------------------------------------------------------- 3. paper-form skip instructions
SKIP = HEAD + """\
sections:
  - id: A
    title: 基本
    questions:
      - {id: Q1, type: single, text: 一, options: [甲, 乙, 丙]}
      - {id: Q2, type: single, text: 二, options: [x, y], when: 'Q1 == "甲"'}
      - {id: Q3, type: single, text: 三, options: [x, y], when: 'Q1 == "乙"'}
      - {id: Q4, type: single, text: 四, options: [男, 女]}
      - {id: Q5, type: single, text: 五, options: [x, y], when: 'Q1 == "甲" and Q4 == "男"'}
      - {id: Q6, type: single, text: 六, options: [x, y], when: 'Q1 == "甲" or Q4 == "女"'}
      - {id: Q7, type: single, text: 七, options: [x, y]}
      - {id: Q8, type: single, text: 八, options: [x, y], when: 'Q7 == "x"'}
      - {id: Q9, type: single, text: 九, options: [x, y], when: 'Q8 == "x"'}
      - {id: Q10, type: single, text: 十, options: [x, y], when: 'Q7 == "y"'}
      - {id: Q11, type: yesno, text: 十一}
      - {id: Q12, type: text, text: 十二, when: 'answered(Q10) or Q1 == "丙"'}
"""


def _form_questions(text: str):
    from survey.form import build_form

    q, probs = validate_text(textwrap.dedent(text), "q.yaml")
    assert [p for p in probs if p.severity == "error"] == []
    return {fq.id: fq for s in build_form(q).sections for fq in s.questions}


def test_jump_targets_respect_the_condition_of_the_question_answered():
    """Q8 is asked only when Q7 == x, so Q10 (Q7 == y) is never next: its 'y' answer goes to Q11, and after Q9
    everyone goes to Q11 (the form said 跳至第10题 and nothing after Q9)."""
    qs = _form_questions(SKIP)
    assert qs["Q8"].jumps == ["选'y'者跳至第11题"]
    assert qs["Q9"].after == "（答完本题请跳至第11题）"
    assert qs["Q7"].jumps == ["选'y'者跳至第10题"]  # unchanged: Q7 itself is asked of everyone
    assert qs["Q1"].jumps == ["选'乙'者跳至第3题", "选'丙'者跳至第4题"]
    assert qs["Q4"].jumps == ["选'女'者跳至第6题"]
    # every answer of Q2 goes on to Q4: said once after the question, not beside each option
    assert qs["Q2"].jumps == [] and qs["Q2"].after == "（答完本题请跳至第4题）"


def test_answered_condition_reads_as_chinese():
    qs = _form_questions(SKIP)
    assert qs["Q12"].condition == "（仅限回答了第10题或第1题选'丙'者作答）"
    assert "回答回答" not in qs["Q12"].condition
    assert qs["Q8"].condition == "（仅回答第7题选'x'者作答）"


# ----------------------------------------------------------------------------- 4. form of a long chain
def _chain(n: int) -> str:
    lines = [HEAD.rstrip(), "sections:", "  - id: A", "    questions:"]
    for i in range(1, n + 1):
        lines.append(f"      - {{id: Q{i}, type: single, text: 问题{i}, options: [是, 否, 不知道]"
                     + (f", when: 'Q{i - 1} != \"不知道\"'" if i > 1 else "") + "}")
    return "\n".join(lines) + "\n"


def test_form_of_chained_conditions_judges_each_condition_a_bounded_number_of_times():
    """400 chained conditions: the reachability behind the jumps is judged a few times per question, not once
    per pair of questions (56 s before, super-linear), and the jumps say 结束答题 for 不知道 all along."""
    import time

    from survey.form import _jumps, build_form

    q, probs = validate_text(_chain(400), "chain.yaml")
    assert probs == []
    t0 = time.perf_counter()
    form = build_form(q)
    took = time.perf_counter() - t0
    assert _jumps.last_evaluations <= 6 * 400, _jumps.last_evaluations  # about 5 (3 options × 2 judgements)
    assert took < 30, took  # generous: it takes about a second; it took 56 s
    fq = form.sections[0].questions
    assert fq[0].jumps == ["选'不知道'者结束答题"] and fq[398].jumps == ["选'不知道'者结束答题"]
    assert fq[399].jumps == []


# ----------------------------------------------------------------------------- 6. orderings admitting na codes
ORDNA = HEAD + """\
scales:
  sat5:
    options:
      - {code: 1, label: 非常满意, score: 100}
      - {code: 2, label: 满意, score: 80}
      - {code: 3, label: 一般, score: 60}
      - {code: 4, label: 不满意, score: 40}
      - {code: 5, label: 非常不满意, score: 20}
      - {code: 9, label: 不了解, na: true}
sections:
  - id: A
    title: 基本
    questions:
      - {id: C1, type: matrix, text: 满意度, scale: sat5, rows: [环境卫生, 市容, 背街小巷]}
      - {id: C2, type: text, text: 原因, when: 'C1.r3 >= 4'}
      - {id: C3, type: text, text: 原因, when: '4 <= C1.r1'}
      - {id: C4, type: text, text: 原因, when: 'C1.r2 in [4, 5] or C1.r2 <= 2'}
"""


def test_ordering_that_admits_an_na_code_is_a_warning_naming_it():
    _, probs = validate_text(ORDNA, "q.yaml")
    assert [p for p in probs if p.severity == "error"] == []
    warns = [p for p in probs if p.code == "skip-order-na"]
    assert [(p.line, p.severity) for p in warns] == [(line_of(ORDNA, "id: C2"), "warning"),
                                                      (line_of(ORDNA, "id: C3"), "warning")]
    assert "'不了解'" in warns[0].message and "C1.r3 in [4, 5]" in warns[0].hint
    assert "C1.r1 >= 4" in warns[1].message  # 4 <= C1.r1 read the right way round
    assert warns[0].column == ORDNA.splitlines()[line_of(ORDNA, "id: C2") - 1].index(">=") + 1


def test_ordering_semantics_unchanged():
    """The warning only warns: 不了解 (9) still satisfies C1.r3 >= 4 in the shared evaluator."""
    from survey.skip import condition_mask

    q, _ = validate_text(ORDNA, "q.yaml")
    frame = pd.DataFrame({"C1_r1": [1.0, 4.0, 9.0], "C1_r2": [1.0, 1.0, 1.0], "C1_r3": [3.0, 4.0, 9.0]})
    assert condition_mask(q, "C2", frame).tolist() == [False, True, True]


# ----------------------------------------------------------------------------- 5. silent coercions are said
def _probs(text: str):
    _, probs = validate_text(textwrap.dedent(text), "q.yaml")
    return probs


def _one(probs, code):
    hits = [p for p in probs if p.code == code]
    assert len(hits) == 1, [(p.code, p.message) for p in probs]
    return hits[0]


COERCE = """\
id: t
title: 测试
version: 2026.10
sections:
  - id: A
    title: 基本
    questions:
      - id: Q1
        type: single
        text: 是否知道
        options: [知道，不知道，不清楚]
      - id: Q2
        type: single
        text:
        options: [12:30, 0x1F, 早上]
      - id: Q3
        type: multiple
        text: 渠道
        options: [a, b, c]
        max: "3"
        min: 1.5
      - id: Q4
        type: number
        text: 数
        min: .inf
      - {id: Q5, type: single, text: 五, options: [{code: 99999999999999999999, label: w}, {code: 2, label: v}]}
      - {id: Q6, type: single, text: 六, options: ["3", "2", "1"]}
      - {id: Q7, type: single, text: 七, options: [知道, 知 道, ｚｈｉ, zhi]}
"""


def test_silent_coercions_are_reported_at_their_line():
    probs = _probs(COERCE)
    nums = [p for p in probs if p.code == "yaml-read-as-number"]
    assert {(p.line, p.extra["raw"]) for p in nums} == {(line_of(COERCE, "version:"), "2026.10"),
                                                        (line_of(COERCE, "12:30"), "12:30"),
                                                        (line_of(COERCE, "0x1F"), "0x1F")}
    ver = next(p for p in nums if p.extra["raw"] == "2026.10")
    assert "2026.1" in ver.message and "version: '2026.10'" in ver.hint and ver.severity == "warning"
    assert "750" in next(p.message for p in nums if p.extra["raw"] == "12:30")
    one = _one(probs, "one-option")
    assert one.line == line_of(COERCE, "options: [知道，") and "full-width commas" in one.message
    assert _one(probs, "empty-text").line == line_of(COERCE, "        text:", 1)
    assert _one(probs, "yaml-number-as-text").line == line_of(COERCE, 'max: "3"')
    assert _one(probs, "selection-count").line == line_of(COERCE, "min: 1.5")
    inf = _one(probs, "yaml-not-finite")
    assert inf.line == line_of(COERCE, "min: .inf") and inf.severity == "error"
    big = _one(probs, "code-too-large")
    assert big.line == line_of(COERCE, "99999999999999999999") and big.severity == "error"
    amb = [p for p in probs if p.code == "label-is-other-code"]
    assert {p.extra["label"] for p in amb} == {"3", "1"} and all(p.severity == "warning" for p in amb)
    near = [p for p in probs if p.code == "near-duplicate-label"]
    assert {(p.extra["label"], p.extra["other"]) for p in near} == {("知 道", "知道"), ("zhi", "ｚｈｉ")}
    assert [p.line for p in probs] == sorted(p.line for p in probs)  # in file order


def test_clean_questionnaire_has_no_new_warnings():
    from survey.qload import bundled_path, validate_file

    _, probs = validate_file(bundled_path())
    assert probs == []


# ----------------------------------------------------------------------------- 7. messages
def test_yes_no_options_tab_once_empty_rows_merge_keys(tmp_path, capsys):
    probs = _probs(HEAD + "sections:\n  - id: A\n    questions:\n      - {id: Q1, type: single, text: x, options: [yes, no]}\n")
    assert [p.code for p in probs] == ["yaml-read-as-bool", "yaml-read-as-bool"]
    assert "reads the unquoted yes as True" in probs[0].message and '"yes"' in probs[0].hint
    probs = _probs("id: t1\ntitle: x\nsections:\n\t- id: A\n")
    assert [(p.code, p.line) for p in probs] == [("yaml-tab", 4)]
    probs = _probs(HEAD + "sections:\n  - id: A\n    questions:\n"
                   "      - {id: M, type: matrix, text: m, options: [{label: 好, score: 1}], rows: []}\n")
    assert len(probs) == 1 and "empty" in probs[0].message and "needs the key" not in probs[0].message
    merged = HEAD + """\
sections:
  - id: A
    title: 基本
    questions:
      - &base
        id: Q1
        type: single
        text: 是否知道
        options: [知道, 不知道]
      - <<: *base
        id: Q2
        text: 是否支持
"""
    q, probs = validate_text(merged, "q.yaml")
    assert probs == [] and [(x.id, x.type, x.text, len(x.options)) for x in q.questions] == \
        [("Q1", "single", "是否知道", 2), ("Q2", "single", "是否支持", 2)]
    p = write(tmp_path, merged)
    rc, out = run_main(capsys, "validate", str(p))
    assert rc == 0 and "2 questions, 2 items, 0 indicators" in out
    p.write_bytes(HEAD.replace("id: t", "id: t1").encode("utf-16") + merged[len(HEAD):].encode("utf-16")[2:])
    rc, out = run_main(capsys, "validate", str(p))
    assert rc == 0, out
    one = write(tmp_path, HEAD + "sections:\n  - id: A\n    questions:\n      - {id: Q1, type: yesno, text: x}\n",
                "one.yaml")
    rc, out = run_main(capsys, "validate", str(one))
    assert "1 question, 1 item, 0 indicators" in out

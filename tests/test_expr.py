"""The skip-logic expression language (survey.expr): semantics on hand-made data, safety, properties."""

from __future__ import annotations

import builtins
import string

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey import expr as E
from survey.qload import validate_text
from survey.skip import resolver

YAML = """\
id: t
title: T
scales:
  sat:
    options:
      - {code: 1, label: 满意, score: 100}
      - {code: 2, label: 一般, score: 50}
      - {code: 3, label: 不满意, score: 0}
      - {code: 9, label: 不了解, na: true}
sections:
  - id: A
    questions:
      - {id: Q1, type: single, text: a, options: [知道, 听说过, 不知道]}
      - {id: Q2, type: multiple, text: b, options: [电视, 报纸, 网络]}
      - {id: Q3, type: number, text: c, min: 0, max: 99}
      - id: M
        type: matrix
        text: d
        scale: sat
        rows: [{id: r1, label: 环境}, {id: r2, label: 交通}]
"""
Q, _probs = validate_text(YAML)
assert not _probs, _probs
R = resolver(Q)
nan = np.nan
DATA = {
    "Q1": np.array([1, 2, 3, nan, 1, 3]),
    "Q2_1": np.array([1, 0, 1, nan, 0, 0]),
    "Q2_2": np.array([0, 1, 1, nan, 0, 0]),
    "Q2_3": np.array([0, 0, 0, nan, 1, 0]),
    "Q3": np.array([0, 5, 10, nan, 3, 20]),
    "M_r1": np.array([1, 2, 3, 9, nan, 1]),
    "M_r2": np.array([3, 3, 1, 1, 2, nan]),
}
N = 6
T, F = True, False


def ev(text: str) -> list[bool]:
    return E.evaluate(E.parse(text), DATA, R, N).tolist()


# ----------------------------------------------------------------------------- semantics (hand-computed)
@pytest.mark.parametrize("text, expected", [
    ('Q1 == "知道"', [T, F, F, F, T, F]),
    ("Q1 == '知道'", [T, F, F, F, T, F]),
    ("Q1 == “知道”", [T, F, F, F, T, F]),
    ("Q1 == 1", [T, F, F, F, T, F]),
    ('Q1 == "1"', [T, F, F, F, T, F]),  # a code written as text
    ("1 == Q1", [T, F, F, F, T, F]),
    ('Q1 != "不知道"', [T, T, F, F, T, F]),  # missing answers compare False
    ('Q1 in ["知道", "听说过"]', [T, T, F, F, T, F]),
    ("Q1 in [1, 2]", [T, T, F, F, T, F]),
    ("Q1 not in [3]", [T, T, F, F, T, F]),
    ("Q1 in [3]", [F, F, T, F, F, T]),
    ("Q3 >= 5", [F, T, T, F, F, T]),
    ("Q3 > 5", [F, F, T, F, F, T]),
    ("Q3 < 5", [T, F, F, F, T, F]),
    ("Q3 <= 5", [T, T, F, F, T, F]),
    ("Q3 == 10", [F, F, T, F, F, F]),
    ("Q3 != 10", [T, T, F, F, T, T]),
    ('Q2 selected "电视"', [T, F, T, F, F, F]),
    ("selected(Q2, 2)", [F, T, T, F, F, F]),
    ('selected(Q2, "网络")', [F, F, F, F, T, F]),
    ('Q2 selected "电视" and not Q2 selected "报纸"', [T, F, F, F, F, F]),
    ("Q1 == 1 or Q3 > 15", [T, F, F, F, T, T]),
    ("Q1 == 1 || Q3 > 15", [T, F, F, F, T, T]),
    ("Q1 == 1 and Q3 == 0", [T, F, F, F, F, F]),
    ("Q1 == 1 && Q3 == 0", [T, F, F, F, F, F]),
    ("not Q1 == 1", [F, T, T, T, F, T]),  # documented: not (missing == 1) is True
    ("! Q1 == 1", [F, T, T, T, F, T]),
    ("Q1 == 1 or Q1 == 2 and Q3 > 7", [T, F, F, F, T, F]),  # and binds tighter than or
    ("(Q1 == 1 or Q1 == 2) and Q3 > 4", [F, T, F, F, F, F]),
    ("（Q1 == 1 or Q1 == 2） and Q3 > 4", [F, T, F, F, F, F]),  # full-width parentheses
    ('Q1 in ["知道"，"听说过"]', [T, T, F, F, T, F]),  # full-width comma
    ("M.r1 <= 2", [T, T, F, F, F, T]),  # 9 (不了解) is not <= 2
    ('M.r1 == "满意"', [T, F, F, F, F, T]),
    ('M.r2 == "不了解"', [F, F, F, F, F, F]),
    ("M.r1 == 9", [F, F, F, T, F, F]),
    ("answered(Q3)", [T, T, T, F, T, T]),
    ("answered(Q2)", [T, T, T, F, T, F]),  # multiple choice: at least one option selected
    ("not answered(Q1)", [F, F, F, T, F, F]),
    ("true", [T] * 6),
    ("Q1 == 1 AND Q3 == 0", [T, F, F, F, F, F]),  # keywords are case-insensitive
])
def test_semantics(text, expected):
    assert ev(text) == expected


def test_references_and_positions():
    node = E.parse('Q1 == "知道" and M.r2 in [1, 2]')
    refs = E.references(node)
    assert [(r.name, r.pos) for r in refs] == [("Q1", 0), ("M.r2", 15)]


@pytest.mark.parametrize("text, pos", [
    ("Q1 = 1", 3),
    ("Q1 == 1 and", 11),
    ("Q1 == 1 ; x", 8),
    ("Q1 ==", 5),
    ("(Q1 == 1", 8),
    ("Q1 in []", 7),
    ("Q1 == 1 Q3 == 2", 8),
    ("", 0),
])
def test_syntax_error_positions(text, pos):
    with pytest.raises(E.ExprSyntaxError) as ei:
        E.parse(text)
    assert ei.value.pos == pos


# ----------------------------------------------------------------------------- safety
MALICIOUS = [
    "__import__('os')",
    "__import__('os').system('touch {sentinel}')",
    "Q1 == __import__('os').system('touch {sentinel}')",
    "Q1.__class__",
    "Q1.__class__.__bases__[0].__subclasses__()",
    "().__class__",
    "lambda: 1",
    "lambda x: x",
    "(lambda: __import__('os'))()",
    "Q1 == (lambda: 1)()",
    "eval('1')",
    "exec('import os')",
    "open('/etc/passwd')",
    "os.system('ls')",
    "Q1[0] == 1",
    "Q1 == 1 if True else 2",
    "[x for x in ()]",
    "Q1 == 1; import os",
    "import os",
    "globals()",
    "__builtins__",
    "Q1 == __name__",
    "__dict__ == 1",
    "a__b == 1",
    "Q1 == 1 and __import__",
    "f'{Q1}' == 1",
    "Q1 == 1 # comment",
    "Q1 == `1`",
    "Q1 == 1e308**10",
    "Q1 == 0x41",
    "Q1 == 1\\n__import__('os')",
    "Q1 == 1\x00",
    "selected(Q2, __import__('os'))",
    "answered(__import__)",
    "Q1 ** 2 == 1",
    "Q1 + 1 == 2",
    "Q1 @ 1",
    "Q1 == 1 and (",
    "(" * 500 + "Q1 == 1" + ")" * 500,
    "not " * 500 + "Q1 == 1",
    " or ".join(["Q1 == 1"] * 2000),
    "Q1 == '" + "x" * 10_000 + "'",
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_malicious_input_is_a_syntax_error_and_never_executed(text, tmp_path, monkeypatch):
    sentinel = tmp_path / "pwned"
    text = text.replace("{sentinel}", str(sentinel))

    calls: list[str] = []

    def spy(name):
        def f(*a, **k):  # pragma: no cover - would mean the parser executes code
            calls.append(name)
            raise RuntimeError("blocked")
        return f

    with monkeypatch.context() as m:
        for name in ("eval", "exec", "compile"):
            m.setattr(builtins, name, spy(name))
        try:
            E.parse(text)
            outcome = "parsed"
        except E.ExprSyntaxError:
            outcome = "syntax error"
        except BaseException as e:  # noqa: BLE001 - reported below, after builtins are restored
            outcome = f"{type(e).__name__}: {e}"
    assert outcome == "syntax error"
    assert calls == []
    assert not sentinel.exists()


def test_malicious_condition_in_a_questionnaire_is_reported_not_run(tmp_path):
    sentinel = tmp_path / "pwned"
    text = YAML + f"      - {{id: Q9, type: text, text: x, when: \"__import__('os').system('touch {sentinel}')\"}}\n"
    q, probs = validate_text(text)
    assert [p.code for p in probs] == ["skip-syntax"]
    assert probs[0].line == text.count("\n")  # the last line
    assert not sentinel.exists()


def test_dotted_names_are_matrix_rows_not_attributes():
    # "Q1.real" is only ever a column name (Q1_real); the validator rejects it as an unknown row
    assert [r.name for r in E.references(E.parse("Q1.real == 1"))] == ["Q1.real"]
    q, probs = validate_text(YAML + "      - {id: Q9, type: text, text: x, when: Q1.real == 1}\n")
    assert [p.code for p in probs] == ["skip-unknown-question"]


def test_limits():
    assert len(E.parse("Q1 == 1 or " * 150 + "Q1 == 2").items) == 151  # ~1,650 characters: fine
    E.parse("(" * 30 + "Q1 == 1" + ")" * 30)
    with pytest.raises(E.ExprSyntaxError, match="too long"):
        E.parse("Q1 == 1 or " * 200 + "Q1 == 2")
    with pytest.raises(E.ExprSyntaxError, match="nested too deeply"):
        E.parse("(" * 60 + "Q1 == 1" + ")" * 60)
    with pytest.raises(E.ExprSyntaxError):
        E.parse(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["'a' == 'b'", "1 == 1", "Q1 == (Q3 == 1)", "Q1 in [Q3]", "Q2 selected Q1",
                                  "(Q1 == 1) in [1]", "Q1 == true", "Q1", "Q1.r1.x == 1", "foo(Q1)"])
def test_ill_formed_conditions(text):
    with pytest.raises(E.ExprSyntaxError):
        E.parse(text)


# ----------------------------------------------------------------------------- properties
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_random_text_only_raises_syntax_errors(text):
    try:
        E.parse(text)
    except E.ExprSyntaxError as e:
        assert 0 <= e.pos <= max(len(text), E.MAX_LENGTH)


TOKENS = ["Q1", "Q2", "Q3", "M.r1", "M", ".", "r1", "==", "!=", "<", "<=", ">", ">=", "=", "in", "not", "and",
          "or", "&&", "||", "!", "(", ")", "[", "]", ",", "，", "（", "）", "'知道'", '"电视"', "“满意”", "1", "-2",
          "3.5", "selected", "answered", "true", "false", "__import__", "lambda", ":", "os", "system", "'", '"',
          "__class__", ";", "#", "+", "*", "\n", "\t"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25), st.sampled_from([" ", ""]))
def test_token_soup_only_raises_syntax_errors(tokens, sep):
    text = sep.join(tokens)
    try:
        node = E.parse(text)
    except E.ExprSyntaxError:
        return
    # whatever parses is made only of the language's node types
    allowed = (E.Ref, E.Lit, E.Compare, E.BoolOp, E.Not, E.Answered, E.Const)
    assert all(isinstance(n, allowed) for n in E.walk(node))


ATOMS = {  # atom text -> truth per row, from the hand-made DATA above
    'Q1 == "知道"': [T, F, F, F, T, F],
    "Q3 >= 5": [F, T, T, F, F, T],
    'Q2 selected "报纸"': [F, T, T, F, F, F],
    "M.r1 in [1, 9]": [T, F, F, T, F, T],
    "answered(Q3)": [T, T, T, F, T, T],
}


def _exprs():
    atom = st.sampled_from(sorted(ATOMS)).map(lambda a: (a, np.array(ATOMS[a])))

    def extend(children):
        return st.one_of(
            children.map(lambda c: (f"not ({c[0]})", ~c[1])),
            st.tuples(children, children).map(lambda p: (f"({p[0][0]}) and ({p[1][0]})", p[0][1] & p[1][1])),
            st.tuples(children, children).map(lambda p: (f"({p[0][0]}) or ({p[1][0]})", p[0][1] | p[1][1])),
        )

    return st.recursive(atom, extend, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(_exprs())
def test_boolean_composition_matches_truth_tables(pair):
    text, truth = pair
    assert ev(text) == truth.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=3), st.data())
def test_membership_equals_disjunction(codes, data):
    rows = data.draw(st.lists(st.sampled_from([1.0, 2.0, 3.0, nan]), min_size=1, max_size=20))
    cols = {"Q1": np.array(rows)}
    n = len(rows)
    a = E.evaluate(E.parse(f"Q1 in [{', '.join(map(str, codes))}]"), cols, R, n)
    b = E.evaluate(E.parse(" or ".join(f"Q1 == {c}" for c in codes)), cols, R, n)
    c = E.evaluate(E.parse(f"Q1 not in [{', '.join(map(str, codes))}]"), cols, R, n)
    assert a.tolist() == b.tolist()
    answered = ~np.isnan(np.array(rows))
    assert c.tolist() == (~a & answered).tolist()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.ascii_letters + string.digits + "_", min_size=1, max_size=12))
def test_identifiers_with_double_underscore_are_rejected(name):
    text = f"{name}__x == 1"
    with pytest.raises(E.ExprSyntaxError):
        E.parse(text)


def test_answered_on_text_answers():
    q, probs = validate_text(YAML + "      - {id: T, type: text, text: 建议}\n")
    assert probs == []
    cols = {"T": np.array(["多建停车场", None, nan, "", " 无", "0"], dtype=object)}
    got = E.evaluate(E.parse("answered(T)"), cols, resolver(q), 6).tolist()
    assert got == [T, F, F, F, T, T]


@pytest.mark.parametrize("typed,meant", [("Q1 ＝＝ 1", "Q1 == 1"), ("Q1 ！＝ 2", "Q1 != 2"), ("N1 ＞＝ 18", "N1 >= 18"),
                                         ("N1 ＜ 60 and Q1 ＝= 1", "N1 < 60 and Q1 == 1"), ("Q1 ＝＝ \"＝\"", "Q1 == \"＝\"")])
def test_full_width_operators_read_as_half_width(typed, meant):
    """An author typing with a Chinese input method writes ＝＝ ！＝ ＜＝ ＞＝; they mean the operators (as the
    full-width comma and brackets already did), not an "unexpected character" error.  Quoted text keeps its
    characters."""
    assert E.parse(typed) == E.parse(meant)


def test_a_single_full_width_equals_still_says_use_double():
    with pytest.raises(E.ExprSyntaxError, match="use '==' to compare"):
        E.parse("Q1 ＝ 1")

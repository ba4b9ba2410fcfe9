"""`survey validate`: every class of error from issue 2 is found at the right file:line:column.

Expected positions are computed from the snippet text itself (the line holding the offending
token, the 1-based character column where it starts), never copied from validator output.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import cli
from survey.qload import bundled_path, validate_file, validate_text

runner = CliRunner()

BASE = """\
id: t
title: 测试问卷
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
      - id: Q1
        type: single
        text: 您是否知道创文？
        options: [知道, 不知道]
      - id: Q2
        type: multiple
        text: 渠道
        max: 2
        options: [电视, 报纸, 网络]
      - id: Q3
        type: scale
        text: 总体满意度
        scale: sat
      - id: Q4
        type: text
        text: 建议
"""


def write(tmp_path: Path, text: str, name: str = "q.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def pos(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of ``needle`` in ``text``."""
    text = textwrap.dedent(text)
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col


def problems_of(path: Path, code: str):
    _, probs = validate_file(path)
    return [p for p in probs if p.code == code]


def only(path: Path, code: str):
    ps = problems_of(path, code)
    assert len(ps) == 1, [str(p) for p in validate_file(path)[1]]
    return ps[0]


# ----------------------------------------------------------------------------- baseline
def test_base_snippet_is_valid(tmp_path):
    q, probs = validate_file(write(tmp_path, BASE))
    assert probs == []
    assert [x.id for x in q.questions] == ["Q1", "Q2", "Q3", "Q4"]


def test_bundled_questionnaire_is_valid():
    q, probs = validate_file(bundled_path())
    assert probs == [], [str(p) for p in probs]
    assert 110 <= q.n_items <= 130
    r = runner.invoke(cli.app, ["validate", str(bundled_path())])
    assert r.exit_code == 0, r.output
    assert "valid" in r.output


# ----------------------------------------------------------------------------- each class of error
def test_yaml_syntax_error_line_and_column(tmp_path):
    text = "id: t\ntitle: T\n  bad: x\nsections: []\n"
    p = write(tmp_path, text)
    e = only(p, "yaml-syntax")
    # "  bad: x": a mapping value where none is allowed -> the ':' after 'bad' on line 3
    assert (e.line, e.column) == (3, 6)
    assert e.file == str(p)


def test_yaml_syntax_unclosed_flow_list(tmp_path):
    text = BASE.replace("options: [知道, 不知道]", "options: [知道, 不知道")
    e = only(write(tmp_path, text), "yaml-syntax")
    # the parser notices the missing ']' when the next key begins (line of "- id: Q2")
    assert e.line in (pos(text, "options: [知道")[0], pos(text, "- id: Q2")[0])


def test_unknown_key_with_did_you_mean(tmp_path):
    text = BASE.replace("        options: [知道, 不知道]", "        optoins: [知道, 不知道]")
    text = text.replace("title: 测试问卷", "titel: 测试问卷\ntitle: 测试问卷")
    p = write(tmp_path, text)
    unk = problems_of(p, "unknown-key")
    assert len(unk) == 2
    by_key = {u.extra["key"]: u for u in unk}
    assert (by_key["optoins"].line, by_key["optoins"].column) == pos(text, "optoins")
    assert "did you mean 'options'" in by_key["optoins"].hint
    assert (by_key["titel"].line, by_key["titel"].column) == pos(text, "titel")
    assert "did you mean 'title'" in by_key["titel"].hint


def test_duplicate_question_id(tmp_path):
    text = BASE.replace("      - id: Q4\n", "      - id: Q1\n")
    e = only(write(tmp_path, text), "duplicate-id")
    assert (e.line, e.column) == pos(text, "Q1", nth=2)
    assert f"line {pos(text, '- id: Q1')[0]}" in e.message


def test_duplicate_option_code(tmp_path):
    text = BASE.replace("      - {code: 2, label: 一般, score: 50}", "      - {code: 1, label: 一般, score: 50}")
    e = only(write(tmp_path, text), "duplicate-code")
    line, _ = pos(text, "label: 一般")
    assert e.line == line
    assert e.column == pos(text, "{code: 1, label: 一般")[1]
    assert f"first on line {pos(text, 'label: 满意')[0]}" in e.message


def test_duplicate_option_label(tmp_path):
    text = BASE.replace("options: [电视, 报纸, 网络]", "options: [电视, 报纸, 电视]")
    e = only(write(tmp_path, text), "duplicate-label")
    assert (e.line, e.column) == pos(text, "电视", nth=2)


def test_skip_condition_unknown_question(tmp_path):
    text = BASE.replace("        text: 渠道\n", "        text: 渠道\n        when: Q9 == \"知道\"\n")
    e = only(write(tmp_path, text), "skip-unknown-question")
    assert (e.line, e.column) == pos(text, "Q9")


def test_skip_condition_later_question(tmp_path):
    text = BASE.replace("        text: 渠道\n", "        text: 渠道\n        when: Q1 == \"知道\" and Q3 == 1\n")
    e = only(write(tmp_path, text), "skip-later-question")
    assert (e.line, e.column) == pos(text, "Q3 == 1")


def test_skip_condition_self_reference(tmp_path):
    text = BASE.replace("        text: 渠道\n", "        text: 渠道\n        when: Q2 selected \"电视\"\n")
    e = only(write(tmp_path, text), "skip-later-question")
    assert (e.line, e.column) == pos(text, "Q2 selected")


def test_skip_condition_unknown_option(tmp_path):
    text = BASE.replace("        text: 渠道\n", "        text: 渠道\n        when: Q1 == \"也许\"\n")
    e = only(write(tmp_path, text), "skip-unknown-option")
    # column of the string literal (its opening quote)
    assert (e.line, e.column) == pos(text, "\"也许\"")
    assert "知道" in e.hint


def test_skip_condition_unknown_option_in_multiple_choice(tmp_path):
    text = BASE.replace("        scale: sat\n", "        scale: sat\n        when: Q2 selected \"电台\"\n")
    e = only(write(tmp_path, text), "skip-unknown-option")
    assert (e.line, e.column) == pos(text, "\"电台\"")


def test_skip_condition_syntax_error(tmp_path):
    text = BASE.replace("        text: 渠道\n", "        text: 渠道\n        when: Q1 = 1\n")
    e = only(write(tmp_path, text), "skip-syntax")
    assert (e.line, e.column) == pos(text, "= 1")


def test_skip_condition_cycle(tmp_path):
    text = BASE.replace("        text: 您是否知道创文？\n", "        text: 您是否知道创文？\n        when: Q2 selected \"电视\"\n")
    text = text.replace("        text: 渠道\n", "        text: 渠道\n        when: Q1 == \"知道\"\n")
    p = write(tmp_path, text)
    e = only(p, "skip-cycle")
    assert "Q1" in e.message and "Q2" in e.message
    assert e.line in (pos(text, "when: Q2")[0], pos(text, "when: Q1")[0])
    # the forward reference that makes the cycle possible is reported too
    later = only(p, "skip-later-question")
    assert (later.line, later.column) == pos(text, "Q2 selected")


def test_scale_score_missing(tmp_path):
    text = BASE.replace("      - {code: 2, label: 一般, score: 50}", "      - {code: 2, label: 一般}")
    e = only(write(tmp_path, text), "scale-score")
    assert e.line == pos(text, "label: 一般")[0]
    assert e.column == pos(text, "{code: 2, label: 一般")[1]
    assert "一般" in e.message and "no score" in e.message


def test_scale_score_non_numeric(tmp_path):
    text = BASE.replace("{code: 2, label: 一般, score: 50}", "{code: 2, label: 一般, score: 中等}")
    e = only(write(tmp_path, text), "scale-score")
    assert (e.line, e.column) == pos(text, "中等")
    assert "non-numeric" in e.message


def test_inline_scale_question_score_missing(tmp_path):
    text = BASE.replace("        scale: sat\n",
                        "        options:\n          - {code: 1, label: 好, score: 1}\n          - {code: 2, label: 坏}\n")
    e = only(write(tmp_path, text), "scale-score")
    assert (e.line, e.column) == pos(text, "{code: 2, label: 坏}")


INDICATORS = """\
areas:
  - {id: env, name: 环境, weight: 1}
indicators:
  - id: aware
    kind: awareness
    question: Q1
    positive: [知道]
    target: {target}
  - {{id: sat, kind: satisfaction, question: Q3, area: env, target: 0.8, index_target: {index_target}}}
"""


def _with_indicators(target="0.9", index_target="0.8") -> str:
    return BASE + INDICATORS.replace("{target}", target).replace("{index_target}", index_target) \
        .replace("{{", "{").replace("}}", "}")


def test_indicators_valid(tmp_path):
    q, probs = validate_file(write(tmp_path, _with_indicators()))
    assert probs == []
    assert q.indicators[0].positive == [1]  # the label 知道 resolves to code 1
    assert q.indicators[1].positive == [1, 2]  # default top-two box of the scale


@pytest.mark.parametrize("value", ["90", "-0.1", "1.5"])
def test_target_outside_unit_interval(tmp_path, value):
    text = _with_indicators(target=value)
    e = only(write(tmp_path, text), "target-range")
    line, col = pos(text, f"target: {value}\n")
    assert (e.line, e.column) == (line, col + len("target: "))


def test_index_target_outside_unit_interval(tmp_path):
    text = _with_indicators(index_target="80")
    e = only(write(tmp_path, text), "target-range")
    assert (e.line, e.column) == (pos(text, "index_target: 80")[0], pos(text, "index_target: 80")[1] + 14)


def test_target_boundaries_accepted(tmp_path):
    for v in ("0", "1", "0.0", "1.0"):
        assert problems_of(write(tmp_path, _with_indicators(target=v)), "target-range") == []


def test_indicator_wrong_question_type(tmp_path):
    text = _with_indicators().replace("question: Q3", "question: Q1").replace("    question: Q1\n", "    question: Q4\n")
    p = write(tmp_path, text)
    errs = problems_of(p, "indicator-type")
    assert len(errs) == 2
    by_ind = {e.extra["indicator"]: e for e in errs}
    # awareness on an open text question
    assert (by_ind["aware"].line, by_ind["aware"].column) == (pos(text, "question: Q4")[0], pos(text, "question: Q4")[1] + 10)
    # satisfaction on a single-choice question without scores
    assert (by_ind["sat"].line, by_ind["sat"].column) == (pos(text, "question: Q1,")[0], pos(text, "question: Q1,")[1] + 10)


def test_indicator_unknown_question_and_area(tmp_path):
    text = _with_indicators().replace("question: Q3", "question: Q33").replace("area: env,", "area: envv,")
    p = write(tmp_path, text)
    refs = problems_of(p, "unknown-ref")
    assert {(r.extra["what"], r.line) for r in refs} == {("question", pos(text, "Q33")[0]), ("area", pos(text, "envv")[0])}
    area = [r for r in refs if r.extra["what"] == "area"][0]
    assert "did you mean 'env'" in area.hint


# ----------------------------------------------------------------------------- all at once
MANY = """\
id: t
title: T
scales:
  sat:
    options:
      - {code: 1, label: 满意, score: 1}
      - {code: 2, label: 不满意}
sections:
  - id: A
    questions:
      - id: Q1
        type: single
        text: a
        optoins: [x]
        options: [知道, 不知道]
      - id: Q2
        type: single
        text: b
        when: Q1 == "也许"
        options: [a, b]
      - id: Q1
        type: text
        text: c
indicators:
  - {id: i1, kind: awareness, question: Q2, positive: [a], target: 2}
"""


def test_all_problems_reported_at_once(tmp_path):
    p = write(tmp_path, MANY)
    _, probs = validate_file(p)
    got = {(x.code, x.line) for x in probs}
    expected = {
        ("scale-score", pos(MANY, "label: 不满意")[0]),
        ("unknown-key", pos(MANY, "optoins")[0]),
        ("skip-unknown-option", pos(MANY, "也许")[0]),
        ("duplicate-id", pos(MANY, "- id: Q1", nth=2)[0]),
        ("target-range", pos(MANY, "target: 2")[0]),
    }
    assert expected <= got, got
    assert all(x.file == str(p) for x in probs)


def test_cli_reports_every_problem_with_location(tmp_path):
    p = write(tmp_path, MANY)
    r = subprocess.run([sys.executable, "-c", f"import cli; cli.main(['validate', {str(p)!r}])"],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    for needle in ("optoins", "也许", "'Q1'", "outside [0, 1]", "不满意"):
        assert needle in r.stderr, r.stderr
    assert f"{p}:{pos(MANY, 'optoins')[0]}:{pos(MANY, 'optoins')[1]}:" in r.stderr


def test_json_output_is_a_list_of_problems(tmp_path):
    p = write(tmp_path, MANY)
    r = runner.invoke(cli.app, ["validate", str(p), "--json"])
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert isinstance(data, list) and len(data) >= 5
    for item in data:
        assert {"code", "message", "file", "line", "severity"} <= set(item)
    oo = [d for d in data if d["code"] == "unknown-key"][0]
    assert (oo["line"], oo["column"]) == pos(MANY, "optoins")
    assert oo["location"] == f"{p}:{oo['line']}:{oo['column']}"


def test_json_output_valid_file(tmp_path):
    r = runner.invoke(cli.app, ["validate", str(write(tmp_path, BASE)), "--json"])
    assert r.exit_code == 0
    assert json.loads(r.stdout) == []


def test_exit_codes(tmp_path):
    ok = subprocess.run([sys.executable, "-c", f"import cli; cli.main(['validate', {str(write(tmp_path, BASE))!r}])"],
                        capture_output=True, text=True)
    assert ok.returncode == 0
    missing = subprocess.run([sys.executable, "-c", f"import cli; cli.main(['validate', {str(tmp_path / 'no.yaml')!r}])"],
                             capture_output=True, text=True)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    usage = subprocess.run([sys.executable, "-c", "import cli; cli.main(['validate'])"], capture_output=True, text=True)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_empty_and_non_mapping_files(tmp_path):
    assert [x.code for x in validate_file(write(tmp_path, ""))[1]] == ["yaml-empty"]
    probs = validate_file(write(tmp_path, "- a\n- b\n", "list.yaml"))[1]
    assert [x.code for x in probs] == ["yaml-type"] and probs[0].line == 1


def test_gbk_encoded_file(tmp_path):
    p = tmp_path / "gbk.yaml"
    p.write_bytes(BASE.encode("gbk"))
    q, probs = validate_file(p)
    assert probs == [] and q.question("Q1").options[0].label == "知道"


def test_site_names_must_be_options_of_the_site_question(tmp_path):
    text = BASE.replace("id: t\n", "id: t\nsite_question: Q1\nsites:\n  - {name: 知道, sections: [A]}\n"
                        "  - name: 不知 道\n    sections: [A]\n", 1)
    e = only(write(tmp_path, text), "unknown-ref")
    assert (e.line, e.column) == pos(text, "不知 道")
    assert "did you mean '不知道'" in e.hint


DOC = Path(__file__).resolve().parents[1] / "docs" / "questionnaire-format.md"


def test_docs_minimal_example_is_valid():
    doc = DOC.read_text(encoding="utf-8")
    block = doc.split("## A minimal file", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    q, probs = validate_text(block)
    assert probs == [], [str(p) for p in probs]
    assert q.question("Q2").options[-1].code == 9 and q.indicators[0].positive == [1, 2]


def test_docs_skip_examples_are_valid_for_the_bundled_questionnaire():
    doc = DOC.read_text(encoding="utf-8")
    examples = [line.split("when:", 1)[1].split("#", 1)[0].strip()
                for line in doc.split("More examples:", 1)[1].split("```", 2)[1].splitlines() if "when:" in line]
    table = doc.split("## Skip logic", 1)[1].split("More examples:", 1)[0]
    for row in table.splitlines():
        cells = row.split("|")
        if len(cells) == 5:  # | form | meaning | example |
            examples += [e for e in re.findall(r"`([^`]+)`", cells[3]) if re.search(r"\b[A-L]\d", e)]
    assert len(examples) >= 8
    base = bundled_path().read_text(encoding="utf-8")
    head, tail = base.split("\nindicators:", 1)
    for i, cond in enumerate(examples):
        extra = f"      - id: Z{i}\n        type: text\n        text: 追问\n        text_en: Follow-up\n        when: '{cond}'\n"
        _, probs = validate_text(head + "\n" + extra + "\nindicators:" + tail)
        assert probs == [], (cond, [str(p) for p in probs])


# ----------------------------------------------------------------------------- robustness (properties)
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SNIPPETS = ["x", "- a", "  - 1", ": :", "when: Q1 ==", "type: matrix", "options: 3", "rows: [a, a]", "scale: nope",
            "positive: [99]", "k: 0", "max: -1", "- {code: x}", "code: 1.5", "score: null", "id: Q1", "sections: {}",
            "questions: 5", "weight: 2", "target: abc", "kind: sat", "when: Q1 selected 1", "- id:", "[", "{", "'",
            "\t", "when: __import__('os')", "&a x", "*a", "!!python/object:os.system x"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(["del", "ins", "cut", "colon"]),
                          st.sampled_from(SNIPPETS), st.sampled_from([0, 2, 4, 6, 8])), min_size=1, max_size=4))
def test_mutated_questionnaires_give_problems_never_exceptions(edits):
    lines = (BASE + INDICATORS.replace("{target}", "0.9").replace("{index_target}", "0.8")
             .replace("{{", "{").replace("}}", "}")).splitlines()
    for pos_, op, snip, indent in edits:
        i = pos_ % len(lines)
        if op == "del" and len(lines) > 1:
            del lines[i]
        elif op == "ins":
            lines.insert(i, " " * indent + snip)
        elif op == "cut":
            lines[i] = lines[i][: pos_ % (len(lines[i]) + 1)]
        else:
            lines[i] = lines[i].replace(":", "", 1)
    q, probs = validate_text("\n".join(lines))
    for p in probs:
        assert p.code and p.message
        assert p.line is None or 1 <= p.line <= len(lines) + 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_gives_problems_never_exceptions(text):
    q, probs = validate_text(text)
    assert q is not None or probs


@pytest.mark.parametrize("text", ["*0", "a: *x\n", "q:\n  - &a 1\n  - *b\n"])
def test_an_alias_without_its_anchor_is_a_located_syntax_problem(text, tmp_path):
    """An alias whose anchor is not defined parses as YAML events but cannot be composed: the budget check
    (survey/safeyaml.py) let PyYAML's ComposerError escape (found by the random-text test above)."""
    q, probs = validate_text(text)
    assert q is None and [p.code for p in probs] == ["yaml-syntax"]
    assert "undefined alias" in probs[0].message and probs[0].line is not None
    f = tmp_path / "minyi.yaml"  # the project config goes through the same check
    f.write_text(text, encoding="utf-8")
    from survey.safeyaml import safe_load

    with pytest.raises(yaml.YAMLError):
        safe_load(text, str(f))


def test_unknown_type_duplicate_row_and_duplicate_key(tmp_path):
    text = BASE.replace("        type: text\n", "        type: txet\n").replace(
        "        scale: sat\n", "        scale: sat\n").replace("        type: scale\n", "        type: matrix\n").replace(
        "        text: 总体满意度\n", "        text: 总体满意度\n        text: 重复\n        rows: [{id: r1, label: 环境}, {id: r1, label: 交通}]\n")
    p = write(tmp_path, text)
    t = only(p, "unknown-type")
    assert (t.line, t.column) == pos(text, "txet") and "did you mean 'text'" in t.hint
    d = only(p, "duplicate-id")
    assert d.line == pos(text, "{id: r1, label: 交通}")[0] and d.column == pos(text, "{id: r1, label: 交通}")[1]
    k = only(p, "duplicate-key")
    assert (k.line, k.column) == pos(text, "text: 重复") and "twice" in k.message


def test_validate_json_problems_share_one_schema(tmp_path):
    """Issue 2: `--json` prints the problems as a list.  A problem about the whole file (missing file) left out
    `line` and `column` where a YAML problem has them: every problem now has every field, null where unknown."""
    import json as _json

    from typer.testing import CliRunner

    import cli

    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: t\nquestions:\n  - id: Q1\n    type: single\n    text: 问题\n    options: []\n",
                   encoding="utf-8")
    keys = None
    for target in (str(tmp_path / "nope.yaml"), str(bad)):
        r = CliRunner().invoke(cli.app, ["validate", target, "--json"])
        assert r.exit_code == 1
        for p in _json.loads(r.stdout):
            assert {"code", "message", "file", "line", "column", "severity", "location"} <= set(p)
            keys = keys or set(p)
            assert set(p) == keys
    missing = _json.loads(CliRunner().invoke(cli.app, ["validate", str(tmp_path / "nope.yaml"), "--json"]).stdout)[0]
    assert missing["line"] is None and missing["column"] is None

"""The phone's skip logic (survey.collect.logic) equals the Python evaluator (survey.expr / survey.skip).

Generated conditions over a questionnaire with every question type are compiled to JavaScript and
run in Node (the same generated file the browser loads); the Python side is
:func:`survey.expr.evaluate`.  Then the full "which questions are asked" logic (conditions plus
the fielding site's sections) of the bundled questionnaire is compared with
:func:`survey.skip.asked_masks` on simulated and perturbed answers.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey import expr as E
from survey.collect.logic import LogicCompileError, compile_condition, logic_js
from survey.qload import load_questionnaire, validate_text
from survey.simulate import simulate
from survey.skip import asked_masks, resolver

ROOT = Path(__file__).resolve().parents[1]


def _node() -> str | None:
    """Node: the system's, else the one the Playwright package ships (always there with the test extra)."""
    found = shutil.which("node")
    if found:
        return found
    try:
        import playwright

        bundled = Path(playwright.__file__).parent / "driver" / "node"
        return str(bundled) if bundled.exists() else None
    except ImportError:
        return None


NODE = _node()

YAML = """\
id: t
title: 逻辑测试
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
      - id: S1
        type: single
        text: 单选
        options: [知道, 听说过, 不知道, {code: 7, label: 其他, other: true}]
      - {id: Y1, type: yesno, text: 是否, options: [是, 否]}
      - {id: P1, type: scale, text: 量表, scale: sat}
      - id: M1
        type: multiple
        text: 多选
        options: [电视, 报纸, 网络, {code: 8, label: 其他, other: true}, {code: 9, label: 都没有, exclusive: true}]
      - {id: N1, type: number, text: 数字, min: 0, max: 99}
      - id: X1
        type: matrix
        text: 矩阵
        scale: sat
        rows: [{id: r1, label: 环境}, {id: r2, label: 交通}]
      - {id: R1, type: ranking, text: 排序, k: 2, options: [住房, 就业, 物价]}
      - {id: T1, type: text, text: 文本, required: false}
"""
Q, _probs = validate_text(YAML)
assert not _probs, _probs

CODES = {"S1": [1, 2, 3, 7], "Y1": [1, 2], "P1": [1, 2, 3, 9], "X1.r1": [1, 2, 3, 9], "X1.r2": [1, 2, 3, 9]}
LABELS = {"S1": ["知道", "听说过", "不知道", "其他"], "Y1": ["是", "否"], "P1": ["满意", "一般", "不满意", "不了解"],
          "X1.r1": ["满意", "一般", "不满意", "不了解"], "X1.r2": ["满意", "不了解"]}
MULTI = {"M1": ([1, 2, 3, 8, 9], ["电视", "报纸", "网络", "其他", "都没有"]), "R1": ([1, 2, 3], ["住房", "就业", "物价"])}
NUMBERS = [0, 1, 2.5, 3, 10, 99, -1, 4.25]


def _lit(rng: random.Random, ref: str) -> str:
    if ref == "N1":
        return repr(rng.choice(NUMBERS)) if rng.random() < 0.8 else str(int(rng.choice(NUMBERS)))
    if rng.random() < 0.5:
        return str(rng.choice(CODES[ref]))
    label = rng.choice(LABELS[ref])
    q1, q2 = rng.choice([('"', '"'), ("'", "'"), ("“", "”")])
    return f"{q1}{label}{q2}"


def _atom(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.10:
        name = rng.choice(list(MULTI))
        codes, labels = MULTI[name]
        v = str(rng.choice(codes)) if rng.random() < 0.5 else f'"{rng.choice(labels)}"'
        return f"{name} selected {v}" if rng.random() < 0.5 else f"selected({name}, {v})"
    if kind < 0.18:
        return f"answered({rng.choice(['S1', 'M1', 'N1', 'X1.r1', 'R1', 'T1', 'P1'])})"
    if kind < 0.21:
        return rng.choice(["true", "false"])
    ref = rng.choice(list(CODES) + ["N1", "N1"])
    if kind < 0.33:
        items = ", ".join(_lit(rng, ref) for _ in range(rng.randint(1, 3)))
        return f"{ref} {'not in' if rng.random() < 0.4 else 'in'} [{items}]"
    if kind < 0.38:  # two questions compared
        other = rng.choice([r for r in list(CODES) + ["N1"] if r != ref])
        return f"{ref} {rng.choice(['==', '!=', '<', '>='])} {other}"
    op = rng.choice(["==", "!=", "<", "<=", ">", ">="])
    if op in ("<", "<=", ">", ">=") and ref != "N1":
        lit = str(rng.choice(CODES[ref]))
    else:
        lit = _lit(rng, ref)
    return f"{lit} {op} {ref}" if rng.random() < 0.1 else f"{ref} {op} {lit}"


def _condition(rng: random.Random, depth: int = 0) -> str:
    r = rng.random()
    if depth >= 3 or r < 0.35:
        return _atom(rng)
    if r < 0.5:
        return f"{rng.choice(['not ', '!'])}({_condition(rng, depth + 1)})" if rng.random() < 0.7 \
            else f"not {_atom(rng)}"
    op = rng.choice(["and", "or", "&&", "||"])
    items = [_condition(rng, depth + 1) for _ in range(rng.randint(2, 3))]
    text = f" {op} ".join(items)
    return f"({text})" if rng.random() < 0.5 else text


def _rows(rng: random.Random, n: int) -> dict[str, np.ndarray]:
    """Answer columns (native layout) with many blanks, codes outside the options and decimals."""
    nan = np.nan
    data: dict[str, list] = {c: [] for c in Q.columns(meta=False)}
    for _ in range(n):
        for qq in Q.questions:
            cols = qq.columns()
            for c in cols:
                if c.endswith("_other") or qq.type == "text":
                    data[c].append(rng.choice([None, "", "抄表", "12", " "]))
                elif qq.type == "number":
                    data[c].append(rng.choice([nan, nan] + NUMBERS))
                elif qq.type == "multiple":
                    data[c].append(rng.choice([nan, 0, 1, 1]))
                elif qq.type == "ranking":
                    data[c].append(rng.choice([nan, nan, 1, 2, 0]))
                else:
                    data[c].append(rng.choice([nan] + [o.code for o in qq.options] + [5]))
    out = {}
    for c, vals in data.items():
        is_text = c.endswith("_other") or c == "T1"
        out[c] = np.array(vals, dtype=object) if is_text else np.array(vals, dtype=float)
    return out


def _js_rows(data: dict[str, np.ndarray], n: int) -> list[dict]:
    rows = []
    for i in range(n):
        row = {}
        for c, arr in data.items():
            v = arr[i]
            if isinstance(v, float) and np.isnan(v):
                continue  # not answered: absent from the answers object
            if v is None:
                continue
            row[c] = v if isinstance(v, str) else float(v)
        rows.append(row)
    return rows


RUNNER = r"""
const fs = require("fs"), vm = require("vm");
const [logicFile, casesFile] = process.argv.slice(2);
const ctx = {};
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(logicFile, "utf8"), ctx);
const cases = JSON.parse(fs.readFileSync(casesFile, "utf8"));
const out = {};
if (cases.conditions) {
  out.conditions = {};
  for (const name of cases.conditions) {
    out.conditions[name] = cases.rows.map(r => ctx.MinyiLogic.conditions[name](r));
  }
}
if (cases.questions) {
  out.asked = {};
  for (const qid of cases.questions) { out.asked[qid] = cases.rows.map(r => ctx.MinyiLogic.asked(qid, r)); }
}
process.stdout.write(JSON.stringify(out));
"""


def _run_node(tmp_path: Path, js: str, cases: dict) -> dict:
    (tmp_path / "logic.js").write_text(js, encoding="utf-8")
    (tmp_path / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "run.js").write_text(RUNNER, encoding="utf-8")
    res = subprocess.run([NODE, str(tmp_path / "run.js"), str(tmp_path / "logic.js"), str(tmp_path / "cases.json")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


needs_node = pytest.mark.skipif(NODE is None and not os.environ.get("CI"), reason="node is not installed")


@needs_node
def test_generated_conditions_equal_python(tmp_path):
    rng = random.Random(20260512)
    conditions: dict[str, str] = {}
    while len(conditions) < 160:
        text = _condition(rng)
        E.parse(text)  # the generator writes valid syntax
        conditions[f"c{len(conditions)}"] = text
    n = 12
    data = _rows(rng, n)
    js = logic_js(Q, conditions)
    got = _run_node(tmp_path, js, {"conditions": list(conditions), "rows": _js_rows(data, n)})["conditions"]
    R = resolver(Q)
    cases = mismatches = 0
    for name, text in conditions.items():
        want = E.evaluate(E.parse(text), data, R, n).tolist()
        cases += n
        if got[name] != want:
            mismatches += 1
            bad = [i for i in range(n) if got[name][i] != want[i]]
            raise AssertionError(f"{text!r}: JS {got[name]} vs Python {want} (rows {bad})")
    assert cases >= 500 and mismatches == 0
    # the generator covered every operator and function of the language
    ops = {type(nd).__name__ + ":" + getattr(nd, "op", "") for t in conditions.values() for nd in E.walk(E.parse(t))}
    for needed in ("Compare:==", "Compare:!=", "Compare:<", "Compare:<=", "Compare:>", "Compare:>=", "Compare:in",
                   "Compare:notin", "Compare:selected", "Answered:", "BoolOp:and", "BoolOp:or", "Not:", "Const:"):
        assert needed in ops, needed


@needs_node
def test_asked_equals_skip_masks_on_bundled_questionnaire(tmp_path):
    q = load_questionnaire(ROOT / "questionnaires" / "civic_hot_issues.yaml")
    frame = simulate(q, n=150, seed=3)
    rng = np.random.default_rng(5)
    # perturb: blank or unknown site codes, blank and changed source answers of conditions
    frame.loc[rng.random(150) < 0.1, "A5"] = np.nan
    frame.loc[rng.random(150) < 0.05, "A5"] = 8
    for c in ("B1", "B6"):
        frame.loc[rng.random(150) < 0.15, c] = np.nan
        frame.loc[rng.random(150) < 0.1, c] = rng.integers(1, 4, 150)[:1][0]
    want = asked_masks(q, frame)
    cols = [c for c in q.columns(meta=False)]
    rows = []
    for rec in frame[cols].to_dict("records"):
        rows.append({c: (v if isinstance(v, str) else float(v)) for c, v in rec.items()
                     if v is not None and not (isinstance(v, float) and np.isnan(v))})
    got = _run_node(tmp_path, logic_js(q), {"questions": [qq.id for qq in q.questions], "rows": rows})["asked"]
    for qq in q.questions:
        assert got[qq.id] == want[qq.id].tolist(), qq.id
    assert len(q.questions) * len(rows) >= 500


def test_strings_cannot_escape_the_generated_code():
    yaml_text = YAML.replace("id: S1", "id: S1").replace("[知道, 听说过", "['\"); alert(1); (\"', 听说过")
    q, probs = validate_text(yaml_text)
    assert not probs
    js = compile_condition(q, "S1 == '\"); alert(1); (\"'")
    assert js == 'eq(n(a, "S1"), 1.0)'  # resolved to the option code at compile time: no text in the code
    assert "alert" not in logic_js(q, {"x": "S1 == '\"); alert(1); (\"'"})


def test_unknown_option_is_a_compile_error():
    with pytest.raises(LogicCompileError):
        compile_condition(Q, 'S1 == "没有这个选项"')
    with pytest.raises(LogicCompileError):
        compile_condition(Q, 'M1 selected "没有"')


def test_site_sections_from_the_frame_equal_those_from_site_names():
    """condition_mask on a frame compares the site question's codes (not the rows' site names): the same
    masks as given the names per row, for every question of the bundled questionnaire (whose sites skip
    sections), with a blank site and a code no option has among the rows."""
    from survey.qload import bundled_path
    from survey.skip import condition_mask, site_labels

    q = load_questionnaire(bundled_path())
    assert q.sites and any(s.sections for s in q.sites)
    frame = simulate(q, 400, seed=8)
    site = frame[q.site_question].to_numpy(dtype=float).copy()
    site[:3] = np.nan
    site[3:6] = 97  # not an option
    frame[q.site_question] = site
    names = site_labels(q, site)
    shared: dict = {}
    skipped = 0
    for qq in q.questions:
        got = condition_mask(q, qq, frame, _sites=shared)
        want = condition_mask(q, qq, frame, site=names)
        assert got.tolist() == want.tolist(), qq.id
        skipped += int((~got).sum())
    assert skipped > 0

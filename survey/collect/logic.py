"""Skip logic for the phone: minyi's parsed conditions compiled to one JavaScript file.

The browser must hide exactly the questions that the server's row checks
(:func:`survey.rowcheck.check_rows`, through :func:`survey.skip.condition_mask`) say are not
asked — otherwise a respondent could be asked a question the server then rejects as
``should-skip``.  So the browser does not get a second implementation of the language: each
``when`` text is parsed by :func:`survey.expr.parse` (the one parser) and the AST is compiled
node by node into a JavaScript expression over an answers object (native column → number for
codes and numbers, string for text, absent/``null`` when not answered).  Literals are resolved
to option codes at compile time with the same :func:`survey.skip.resolver` the Python evaluator
uses; respondent input is only ever *data* for the compiled functions, never code (no ``eval``,
no ``Function``).  Every string put into the generated code goes through :func:`json.dumps`
with ``ensure_ascii``, so a question id or label cannot break out of its literal.

The semantics mirror :func:`survey.expr.evaluate` exactly (a test compares both on generated
conditions and answers, running the JavaScript in Node):

* a comparison with a missing value is false (NaN compares false; ``!=`` and ``not in`` need
  both sides answered);
* ``Q selected v`` reads the 0/1 (or rank) column of option ``v`` and is true when it is > 0;
* ``answered(Q)`` is true when any of Q's columns (without ``<id>_other``) holds a number —
  non-zero for multiple choice and ranking — or non-empty text;
* a fielding site whose ``sections`` leave out the question's section does not get it
  (:func:`survey.skip.condition_mask`), whatever its condition says.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

from .. import expr as E
from ..questionnaire import Questionnaire
from ..skip import resolver

# The runtime the compiled conditions call.  Kept tiny and free of DOM access so that Node can
# load the same file for the equality test.
RUNTIME_JS = r"""
  function n(a, c) { var x = a[c]; return typeof x === "number" ? x : NaN; }
  function eq(l, r) { return l === r; }
  function ne(l, r) { return l === l && r === r && l !== r; }
  function lt(l, r) { return l < r; }
  function le(l, r) { return l <= r; }
  function gt(l, r) { return l > r; }
  function ge(l, r) { return l >= r; }
  function isin(l, xs) { for (var i = 0; i < xs.length; i++) { if (l === xs[i]) { return true; } } return false; }
  function notin(l, xs) { return l === l && !isin(l, xs); }
  function sel(a, c) { return n(a, c) > 0; }
  function ans(a, cols, multi) {
    for (var i = 0; i < cols.length; i++) {
      var x = a[cols[i]];
      if (typeof x === "number") { if (x === x && (!multi || x !== 0)) { return true; } }
      else if (typeof x === "string") { if (x !== "") { return true; } }
    }
    return false;
  }
"""

_OPS = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


class LogicCompileError(ValueError):
    """A condition that cannot be compiled (an option that does not exist, a value alone)."""


def _s(text: str) -> str:
    """A JavaScript string literal (JSON, ASCII only: no character can end the literal or the script)."""
    return json.dumps(str(text), ensure_ascii=True)


def _num(x: float) -> str:
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        raise LogicCompileError(f"cannot compile the number {x!r}")
    return repr(x)


class _Compiler:
    def __init__(self, q: Questionnaire):
        self.q = q
        self.r = resolver(q)

    def lit(self, node: E.Lit, other: Any) -> str:
        if isinstance(other, E.Ref):
            try:
                return _num(self.r.resolve(other.name, node.value))
            except (KeyError, ValueError) as e:
                raise LogicCompileError(f"'{node.value}' is not an option of {other.name}") from e
        try:
            return _num(float(node.value))
        except ValueError as e:
            raise LogicCompileError(f"cannot compare text '{node.value}' here") from e

    def val(self, node: Any, other: Any = None) -> str:
        if isinstance(node, E.Lit):
            return self.lit(node, other)
        if isinstance(node, E.Ref):
            return f"n(a, {_s(self.r.column(node.name))})"
        raise LogicCompileError("only question ids and values can be compared")

    def expr(self, node: Any) -> str:
        if isinstance(node, E.Const):
            return "true" if node.value else "false"
        if isinstance(node, E.BoolOp):
            sep = " && " if node.op == "and" else " || "
            return "(" + sep.join(self.expr(it) for it in node.items) + ")"
        if isinstance(node, E.Not):
            return f"!({self.expr(node.item)})"
        if isinstance(node, E.Answered):
            cols = ", ".join(_s(c) for c in self.r.answered_columns(node.ref.name))
            multi = "true" if self.r.is_multiple(node.ref.name) else "false"
            return f"ans(a, [{cols}], {multi})"
        if isinstance(node, E.Compare):
            if node.op == "selected":
                ref = node.left
                value = node.right.value if isinstance(node.right, E.Lit) else None
                try:
                    code = self.r.resolve(ref.name, value)
                except (KeyError, ValueError) as e:
                    raise LogicCompileError(f"'{value}' is not an option of {ref.name}") from e
                return f"sel(a, {_s(self.r.option_column(ref.name, code))})"
            if node.op in ("in", "notin"):
                items = ", ".join(self.val(it, node.left) for it in node.right)
                fn = "isin" if node.op == "in" else "notin"
                return f"{fn}({self.val(node.left)}, [{items}])"
            left = self.val(node.left, node.right)
            right = self.val(node.right, node.left)
            return f"{_OPS[node.op]}({left}, {right})"
        if isinstance(node, (E.Ref, E.Lit)):
            raise LogicCompileError("a value alone is not a condition")
        raise LogicCompileError("invalid condition")


def compile_condition(q: Questionnaire, when: str) -> str:
    """The JavaScript expression (over answers object ``a``) equivalent to condition ``when``."""
    return _Compiler(q).expr(E.parse(when))


def logic_js(q: Questionnaire, conditions: Optional[Mapping[str, str]] = None) -> str:
    """The generated skip-logic file: sets ``MinyiLogic`` on the global object.

    ``MinyiLogic.conditions[name](answers)`` evaluates one condition (by default one per question
    with a ``when``; ``conditions`` replaces them, for tests); ``MinyiLogic.asked(qid, answers)``
    also applies the fielding site's sections, as :func:`survey.skip.condition_mask` does.
    """
    comp = _Compiler(q)
    conds = dict(conditions) if conditions is not None else {qq.id: qq.when for qq in q.questions if qq.when}
    lines = [f"/* minyi skip logic for questionnaire {json.dumps(q.id, ensure_ascii=True)[1:-1]}:"
             " generated from the questionnaire, do not edit */",
             "(function (root) {", '  "use strict";', RUNTIME_JS.strip("\n"), "  var C = {};"]
    for name, when in conds.items():
        lines.append(f"  C[{_s(name)}] = function (a) {{ return {comp.expr(E.parse(when))}; }};")
    site_q = q.site_question if q.site_question and any(s.sections for s in q.sites) else None
    site_names: dict[str, str] = {}
    if site_q:
        for o in q.question(site_q).options:
            site_names[str(int(o.code))] = o.label
    site_sections = {s.name: list(s.sections) for s in q.sites if s.sections}
    section_of = {qq.id: qq.section for qq in q.questions}
    lines += [
        f"  var SITE_Q = {_s(site_q) if site_q else 'null'};",
        f"  var SITE_NAME = {json.dumps(site_names, ensure_ascii=True)};",
        f"  var SITE_SECTIONS = {json.dumps(site_sections, ensure_ascii=True)};",
        f"  var SECTION_OF = {json.dumps(section_of, ensure_ascii=True)};",
        "  function siteAllows(qid, a) {",
        "    if (SITE_Q === null) { return true; }",
        "    var code = n(a, SITE_Q);",
        "    if (code !== code) { return true; }",
        "    var name = SITE_NAME[String(code)];",
        "    var secs = name === undefined ? undefined : SITE_SECTIONS[name];",
        "    return secs === undefined || secs.indexOf(SECTION_OF[qid]) >= 0;",
        "  }",
        "  function asked(qid, a) {",
        "    if (!siteAllows(qid, a)) { return false; }",
        "    var f = C[qid];",
        "    return f === undefined ? true : f(a) === true;",
        "  }",
        "  root.MinyiLogic = { conditions: C, asked: asked };",
        '})(typeof self !== "undefined" ? self : this);',
        "",
    ]
    return "\n".join(lines)

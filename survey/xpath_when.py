"""minyi skip conditions ⇄ XLSForm ``relevant`` expressions (XPath).

:func:`when_to_xpath` writes a minyi ``when`` condition (parsed by :mod:`survey.expr`) as XPath with ``${name}``
references; :func:`xpath_to_when` parses an XLSForm ``relevant`` into the same AST (:class:`_XParser`), renders it as
minyi text (:func:`render`) and re-parses that with :func:`survey.expr.parse` to check it.  Used by
:mod:`survey.xlsform` in both directions of ``survey convert``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from . import expr as E
from .questionnaire import Questionnaire

# ============================================================================= minyi -> XPath
def when_to_xpath(text: str, q: Questionnaire, names: Optional[dict] = None) -> str:
    """A minyi ``when`` condition as an XLSForm ``relevant`` (XPath with ``${name}`` references); ``names`` maps
    the ids exported under another name (:func:`xml_names`) to that name."""
    from .skip import resolver

    node = E.parse(text)
    res = resolver(q)
    names = names or {}

    def name(ref: E.Ref) -> str:
        base, col = ref.name.split(".")[0], res.column(ref.name)
        if base in names and col.startswith(base):
            col = names[base] + col[len(base):]
        return "${" + col + "}"

    def qtype(ref: E.Ref) -> str:
        qq = q.get(ref.name.split(".")[0])
        return qq.type if qq is not None else "single"

    def lit(lt, ref: Optional[E.Ref]) -> str:
        if ref is not None and isinstance(lt, E.Lit):
            v = res.resolve(ref.name, lt.value)
            if qtype(ref) == "number":
                return _num(v)
            return f"'{_num(v)}'"
        if isinstance(lt, E.Ref):
            return name(lt)
        if isinstance(lt, E.Lit):
            return _num(lt.value) if isinstance(lt.value, float) else "'" + str(lt.value).replace("'", "") + "'"
        raise E.ExprSyntaxError("only question ids and values can be compared", getattr(lt, "pos", 0))

    def numeric(lt, ref: Optional[E.Ref]) -> str:
        s = lit(lt, ref)
        return s.strip("'") if s.startswith("'") else s

    def go(nd) -> str:
        if isinstance(nd, E.Const):
            return "true()" if nd.value else "false()"
        if isinstance(nd, E.BoolOp):
            return "(" + f" {nd.op} ".join(go(i) for i in nd.items) + ")"
        if isinstance(nd, E.Not):
            return f"not({go(nd.item)})"
        if isinstance(nd, E.Answered):
            if qtype(nd.ref) in ("multiple",):
                return f"count-selected({name(nd.ref)}) > 0"
            return f"{name(nd.ref)} != ''"
        if isinstance(nd, E.Compare):
            left, right = nd.left, nd.right
            ref = left if isinstance(left, E.Ref) else (right if isinstance(right, E.Ref) else None)
            if nd.op == "selected":
                code = res.resolve(left.name, right.value if isinstance(right, E.Lit) else None)
                if qtype(left) == "multiple":
                    return f"selected({name(left)}, '{_num(code)}')"
                return f"{name(left)} = '{_num(code)}'"
            if nd.op in ("in", "notin"):
                alts = " or ".join(f"{name(left)} = {lit(it, left)}" for it in right)
                return f"({alts})" if nd.op == "in" else f"(not({alts}) and {name(left)} != '')"
            a = name(left) if isinstance(left, E.Ref) else lit(left, right if isinstance(right, E.Ref) else None)
            b = name(right) if isinstance(right, E.Ref) else lit(right, left if isinstance(left, E.Ref) else None)
            if nd.op == "==":
                return f"{a} = {b}"
            if nd.op == "!=":
                return f"({a} != {b} and {name(ref)} != '')" if ref is not None else f"{a} != {b}"
            # order comparisons are numeric: XPath turns '' into NaN, so a missing answer is false
            a = name(left) if isinstance(left, E.Ref) else numeric(left, right if isinstance(right, E.Ref) else None)
            b = name(right) if isinstance(right, E.Ref) else numeric(right, left if isinstance(left, E.Ref) else None)
            return f"{a} {nd.op} {b}"
        raise E.ExprSyntaxError("a value alone is not a condition", getattr(nd, "pos", 0))

    out = go(node)
    return out[1:-1] if out.startswith("(") and _balanced(out[1:-1]) else out


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def _num(v: Any) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


# ============================================================================= XPath -> minyi
_XP_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<ref>\$\{[^}]+\})
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<op>!=|<=|>=|=|<|>|\(|\)|,)
  | (?P<name>[A-Za-z_][\w\-.:]*)
  | (?P<dot>\.)
""", re.VERBOSE)


class XPathError(ValueError):
    pass


@dataclass
class _XRef:
    name: str


@dataclass
class _XFunc:
    name: str
    args: list


@dataclass
class _Ctx:
    """How XLSForm names map to minyi: name -> (question id, row id or None); choice name -> code."""

    names: dict = field(default_factory=dict)  # xlsform name -> minyi ref text ("Q" or "Q.row")
    codes: dict = field(default_factory=dict)  # minyi question id -> {choice name: code}
    types: dict = field(default_factory=dict)  # minyi question id -> type


def _xp_tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _XP_TOKEN.match(text, pos)
        if not m:
            raise XPathError(f"unexpected character {text[pos]!r} at {pos}")
        if m.lastgroup != "ws":
            out.append((m.lastgroup, m.group()))
        pos = m.end()
    out.append(("end", ""))
    return out


class _XParser:
    def __init__(self, text: str, ctx: _Ctx):
        self.t = _xp_tokens(text)
        self.i = 0
        self.ctx = ctx

    def peek(self):
        return self.t[self.i]

    def take(self):
        tok = self.t[self.i]
        self.i += 1
        return tok

    def expect(self, text):
        k, v = self.take()
        if v != text:
            raise XPathError(f"expected '{text}' but found '{v or 'end'}'")

    def parse(self):
        node = self.or_()
        if self.peek()[0] != "end":
            raise XPathError(f"unexpected '{self.peek()[1]}'")
        return node

    def or_(self):
        items = [self.and_()]
        while self.peek() == ("name", "or"):
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else E.BoolOp("or", tuple(items), 0)

    def and_(self):
        items = [self.cmp()]
        while self.peek() == ("name", "and"):
            self.take()
            items.append(self.cmp())
        # "X != v and X != ''" is minyi's X != v (false when X is missing)
        ne = {it.left.name for it in items if isinstance(it, E.Compare) and it.op == "!=" and isinstance(it.left, E.Ref)}
        items = [it for it in items if not (isinstance(it, E.Answered) and it.ref.name in ne
                                            and self.ctx.types.get(it.ref.name.split(".")[0]) != "multiple")]
        return items[0] if len(items) == 1 else E.BoolOp("and", tuple(items), 0)

    def cmp(self):
        left = self.value()
        k, v = self.peek()
        if k == "op" and v in ("=", "!=", "<", "<=", ">", ">="):
            self.take()
            right = self.value()
            return self.compare(v, left, right)
        return self.boolean(left)

    def boolean(self, v):
        if isinstance(v, (E.BoolOp, E.Not, E.Compare, E.Answered, E.Const)):
            return v
        raise XPathError("a value alone is not a condition")

    def value(self):
        k, v = self.take()
        if k == "ref":
            return _XRef(v[2:-1].strip())
        if k == "str":
            return E.Lit(v[1:-1], 0)
        if k == "num":
            return E.Lit(float(v), 0)
        if k == "op" and v == "(":
            node = self.or_()
            self.expect(")")
            return node
        if k == "name" and self.peek() == ("op", "("):
            self.take()
            args = []
            if self.peek() != ("op", ")"):
                args.append(self.or_arg())
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.or_arg())
            self.expect(")")
            return self.func(v, args)
        raise XPathError(f"unsupported '{v or 'end'}'")

    def or_arg(self):
        """A function argument: a value (``selected(${q}, 'a')``) or a whole condition (``not(${q} = '1' or
        ${q} = '2')``, how minyi writes ``not in``: the argument once stopped after its first comparison)."""
        k, v = self.peek()
        if k in ("ref", "str", "num") and self.t[self.i + 1][1] not in ("=", "!=", "<", "<=", ">", ">="):
            return self.value()
        return self.or_()

    def func(self, name, args):
        if name == "not" and len(args) == 1:
            return E.Not(self.boolean(args[0]), 0)
        if name in ("true", "false") and not args:
            return E.Const(name == "true", 0)
        if name == "selected" and len(args) == 2 and isinstance(args[0], _XRef) and isinstance(args[1], E.Lit):
            ref = self.ref(args[0])
            code = self.code(ref, args[1])
            if self.ctx.types.get(ref.name.split(".")[0]) == "multiple":
                return E.Compare("selected", ref, code, 0)
            return E.Compare("==", ref, code, 0)
        if name in ("count-selected", "string-length") and len(args) == 1 and isinstance(args[0], _XRef):
            return _XFunc(name, [self.ref(args[0])])
        raise XPathError(f"function {name}() is not supported")

    def ref(self, x: _XRef) -> E.Ref:
        if x.name not in self.ctx.names:
            raise XPathError(f"${{{x.name}}} is not a question minyi keeps")
        return E.Ref(self.ctx.names[x.name], 0)

    def code(self, ref: E.Ref, lit: E.Lit) -> E.Lit:
        qid = ref.name.split(".")[0]
        if self.ctx.types.get(qid) == "number":
            return E.Lit(float(lit.value), 0)
        m = self.ctx.codes.get(qid, {})
        key = lit.value if isinstance(lit.value, str) else _num(lit.value)
        if key not in m:
            raise XPathError(f"'{key}' is not a choice of {qid}")
        return E.Lit(float(m[key]), 0)

    def compare(self, op, left, right):
        if isinstance(left, E.Lit) and isinstance(right, (_XRef, _XFunc)):
            left, right = right, left
            op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
        if isinstance(left, _XFunc) and isinstance(right, E.Lit):
            ref = left.args[0]
            n = float(right.value)
            present = (op in (">", "!=") and n == 0) or (op == ">=" and n == 1)
            absent = (op == "=" and n == 0) or (op == "<" and n == 1)
            if present:
                return E.Answered(ref, 0)
            if absent:
                return E.Not(E.Answered(ref, 0), 0)
            if left.name == "count-selected":
                raise XPathError("count-selected() compared with anything but 0 is not supported")
            raise XPathError("string-length() compared with anything but 0 is not supported")
        if isinstance(left, _XRef):
            ref = self.ref(left)
            if isinstance(right, E.Lit):
                if right.value == "":
                    if op == "!=":
                        return E.Answered(ref, 0)
                    if op == "=":
                        return E.Not(E.Answered(ref, 0), 0)
                    raise XPathError("comparing with '' needs = or !=")
                mop = {"=": "=="}.get(op, op)
                if self.ctx.types.get(ref.name.split(".")[0]) == "multiple":
                    raise XPathError(f"use selected(${{{left.name}}}, ...) for a select_multiple")
                return E.Compare(mop, ref, self.code(ref, right), 0)
            if isinstance(right, _XRef):
                return E.Compare({"=": "=="}.get(op, op), ref, self.ref(right), 0)
        raise XPathError("unsupported comparison")


def render(node) -> str:
    """A minyi condition AST as text (the inverse of :func:`survey.expr.parse`)."""
    def val(v) -> str:
        if isinstance(v, E.Ref):
            return v.name
        if isinstance(v, E.Lit):
            return _num(v.value) if isinstance(v.value, float) else '"' + str(v.value).replace('"', "") + '"'
        return "(" + render(v) + ")"

    if isinstance(node, E.Const):
        return "true" if node.value else "false"
    if isinstance(node, E.BoolOp):
        parts = [("(" + render(i) + ")") if isinstance(i, E.BoolOp) else render(i) for i in node.items]
        return f" {node.op} ".join(parts)
    if isinstance(node, E.Not):
        inner = render(node.item)
        return f"not ({inner})"
    if isinstance(node, E.Answered):
        return f"answered({node.ref.name})"
    if isinstance(node, E.Compare):
        if node.op in ("in", "notin"):
            return f"{val(node.left)} {'in' if node.op == 'in' else 'not in'} [{', '.join(val(i) for i in node.right)}]"
        return f"{val(node.left)} {node.op} {val(node.right)}"
    raise XPathError("cannot render this condition")


def xpath_to_when(xpath: str, ctx: _Ctx) -> str:
    """An XLSForm ``relevant`` as a minyi condition (checked by :func:`survey.expr.parse`)."""
    text = render(_XParser(xpath, ctx).parse())
    E.parse(text)
    return text

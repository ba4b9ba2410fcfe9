"""The skip-logic expression language (small, safe, no ``eval``).

Grammar (precedence low → high)::

    expr    := or
    or      := and (("or" | "||") and)*
    and     := not (("and" | "&&") not)*
    not     := ("not" | "!") not | compare
    compare := value ( ("==" | "!=" | "<" | "<=" | ">" | ">=") value
                     | "in" list | "not" "in" list
                     | "selected" value )?
    value   := NAME | NUMBER | STRING | "(" expr ")" | FUNC "(" args ")"
    list    := "[" value ("," value)* "]"
    FUNC    := selected(Q, v) | answered(Q)

``NAME`` is a question id, or ``Q.row`` for a matrix row.  Strings may use "..", '..'
or Chinese quotes “..”; a string compared with a question is matched against its option
labels (or codes written as text).  Anything else (attribute access, calls to other
names, subscripts, ``__import__('os')``) is a syntax error: the text is parsed by this
module's tokenizer, never handed to Python.

Evaluation is vectorised: :func:`evaluate` takes a mapping of column name → numpy array
(option codes as floats, NaN = not answered) and returns a boolean array.  A comparison
with a missing answer is False (so ``not Q5 == 1`` is True when Q5 is missing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np


MAX_LENGTH = 2000  # characters: a skip condition is a line of text, not a program
MAX_DEPTH = 40  # nesting of parentheses / not


class ExprSyntaxError(ValueError):
    """Raised for text that is not a valid condition; ``pos`` is the 0-based offset."""

    def __init__(self, message: str, pos: int = 0):
        super().__init__(message)
        self.pos = pos


# ----------------------------------------------------------------------------- tokens
_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<str>"[^"]*"|'[^']*'|“[^”]*”|‘[^’]*’|「[^」]*」)
  | (?P<op>[=＝][=＝]|[!！][=＝]|[<＜][=＝]|[>＞][=＝]|&&|\|\||[<>=!(),\[\]，（）＜＞＝！])
  | (?P<name>[A-Za-z_\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]*(?:\.[A-Za-z0-9_\u4e00-\u9fff]+)?)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "selected", "answered", "true", "false"}
_FULLWIDTH = {"，": ",", "（": "(", "）": ")"}
# operators typed with a Chinese input method (＝＝, ！＝, ＜＝, ＞＝) read as their half-width forms, as the
# full-width comma and brackets above: the same character, not a syntax error at the author's line
_FULLWIDTH_OPS = str.maketrans("＝！＜＞", "=!<>")


@dataclass(frozen=True)
class Token:
    kind: str  # num, str, op, name, kw, end
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    if not isinstance(text, str):
        raise ExprSyntaxError("a condition must be text", 0)
    if len(text) > MAX_LENGTH:
        raise ExprSyntaxError(f"the condition is too long ({len(text)} characters, at most {MAX_LENGTH})", MAX_LENGTH)
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            raise ExprSyntaxError(f"unexpected character {text[pos]!r}", pos)
        kind = m.lastgroup or ""
        tok = m.group()
        if kind == "ws":
            pos = m.end()
            continue
        if kind == "op":
            tok = _FULLWIDTH.get(tok, tok).translate(_FULLWIDTH_OPS)
            if tok == "=":
                raise ExprSyntaxError("use '==' to compare, not '='", pos)
        if kind == "name" and tok.lower() in _KEYWORDS:
            kind, tok = "kw", tok.lower()
        if kind == "name" and "__" in tok:
            raise ExprSyntaxError(f"'{tok}' is not a question id", pos)
        if kind == "str":
            tok = tok[1:-1]
        out.append(Token(kind, tok, pos))
        pos = m.end()
    out.append(Token("end", "", len(text)))
    return out


# ----------------------------------------------------------------------------- AST
@dataclass(frozen=True)
class Ref:
    name: str  # question id or "Q.row"
    pos: int


@dataclass(frozen=True)
class Lit:
    value: Any  # float or str
    pos: int


@dataclass(frozen=True)
class Compare:
    op: str  # == != < <= > >= in notin selected
    left: Any
    right: Any  # node, or tuple of nodes for in / notin
    pos: int


@dataclass(frozen=True)
class Answered:
    ref: Ref
    pos: int


@dataclass(frozen=True)
class BoolOp:
    op: str  # and / or
    items: tuple
    pos: int


@dataclass(frozen=True)
class Not:
    item: Any
    pos: int


@dataclass(frozen=True)
class Const:
    value: bool
    pos: int


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = tokenize(text)
        self.i = 0
        self.depth = 0

    def deeper(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprSyntaxError(f"the condition is nested too deeply (more than {MAX_DEPTH} levels)", pos)

    def peek(self) -> Token:
        return self.toks[self.i]

    def take(self) -> Token:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, kind: str, text: str | None = None) -> Token:
        t = self.take()
        if t.kind != kind or (text is not None and t.text != text):
            want = text or kind
            got = t.text or "end of condition"
            raise ExprSyntaxError(f"expected '{want}' but found '{got}'", t.pos)
        return t

    def parse(self):
        if self.peek().kind == "end":
            raise ExprSyntaxError("the condition is empty", 0)
        node = self.or_()
        t = self.peek()
        if t.kind != "end":
            raise ExprSyntaxError(f"unexpected '{t.text}'", t.pos)
        return node

    def or_(self):
        items = [self.and_()]
        while self.peek().text in ("or", "||"):
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else BoolOp("or", tuple(items), items[0].pos if hasattr(items[0], "pos") else 0)

    def and_(self):
        items = [self.not_()]
        while self.peek().text in ("and", "&&"):
            self.take()
            items.append(self.not_())
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items), getattr(items[0], "pos", 0))

    def not_(self):
        t = self.peek()
        if (t.kind == "kw" and t.text == "not") or (t.kind == "op" and t.text == "!"):
            self.take()
            self.deeper(t.pos)
            item = self.not_()
            self.depth -= 1
            return Not(item, t.pos)
        return self.compare()

    def compare(self):
        left = self.value()
        t = self.peek()
        if t.kind == "op" and t.text in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            right = self.value()
            self.operand(left, t)
            self.operand(right, t)
            if not (isinstance(left, Ref) or isinstance(right, Ref)):
                raise ExprSyntaxError(f"'{t.text}' needs a question id on one side", t.pos)
            return Compare(t.text, left, right, t.pos)
        if t.kind == "kw" and t.text == "in":
            self.take()
            self.question(left, t)
            return Compare("in", left, self.list_(), t.pos)
        if t.kind == "kw" and t.text == "not" and self.toks[self.i + 1].text == "in":
            self.take()
            self.take()
            self.question(left, t)
            return Compare("notin", left, self.list_(), t.pos)
        if t.kind == "kw" and t.text == "selected":
            self.take()
            self.question(left, t)
            right = self.value()
            self.literal(right, t)
            return Compare("selected", left, right, t.pos)
        if isinstance(left, (Ref, Lit)):
            raise ExprSyntaxError(
                f"'{self.text[left.pos:t.pos].strip() or t.text}' alone is not a condition; compare it, e.g. == 1",
                left.pos)
        return left

    @staticmethod
    def operand(node, op: Token) -> None:
        if not isinstance(node, (Ref, Lit)):
            raise ExprSyntaxError(f"'{op.text}' compares a question id with a value, not a condition",
                                  getattr(node, "pos", op.pos))

    @staticmethod
    def question(node, op: Token) -> None:
        if not isinstance(node, Ref):
            raise ExprSyntaxError(f"'{op.text}' needs a question id on its left", getattr(node, "pos", op.pos))

    @staticmethod
    def literal(node, op: Token) -> None:
        if not isinstance(node, Lit):
            raise ExprSyntaxError(f"'{op.text}' needs an option (code or label) on its right",
                                  getattr(node, "pos", op.pos))

    def list_(self):
        open_ = self.expect("op", "[")
        items = [self.value()]
        while self.peek().text == ",":
            self.take()
            items.append(self.value())
        self.expect("op", "]")
        for it in items:
            self.literal(it, Token("op", "in [...]", open_.pos))
        return tuple(items)

    def value(self):
        t = self.take()
        if t.kind == "num":
            return Lit(float(t.text), t.pos)
        if t.kind == "str":
            return Lit(t.text, t.pos)
        if t.kind == "name":
            if self.peek().text == "(":
                raise ExprSyntaxError(f"'{t.text}(...)' is not a known function (use selected() or answered())", t.pos)
            return Ref(t.text, t.pos)
        if t.kind == "kw" and t.text in ("true", "false"):
            return Const(t.text == "true", t.pos)
        if t.kind == "kw" and t.text in ("selected", "answered"):
            self.expect("op", "(")
            r = self.take()
            if r.kind != "name":
                raise ExprSyntaxError(f"{t.text}() needs a question id first", r.pos)
            ref = Ref(r.text, r.pos)
            if t.text == "answered":
                self.expect("op", ")")
                return Answered(ref, t.pos)
            self.expect("op", ",")
            v = self.value()
            self.literal(v, t)
            self.expect("op", ")")
            return Compare("selected", ref, v, t.pos)
        if t.kind == "op" and t.text == "(":
            self.deeper(t.pos)
            node = self.or_()
            self.expect("op", ")")
            self.depth -= 1
            return node
        got = t.text or "end of condition"
        raise ExprSyntaxError(f"unexpected '{got}'", t.pos)


def parse(text: str):
    """Parse a condition into an AST; raises :class:`ExprSyntaxError`."""
    return _Parser(text).parse()


def walk(node) -> Iterator[Any]:
    """All nodes of an AST, depth first."""
    yield node
    if isinstance(node, Compare):
        yield from walk(node.left)
        if isinstance(node.right, tuple):
            for r in node.right:
                yield from walk(r)
        else:
            yield from walk(node.right)
    elif isinstance(node, BoolOp):
        for it in node.items:
            yield from walk(it)
    elif isinstance(node, Not):
        yield from walk(node.item)
    elif isinstance(node, Answered):
        yield node.ref


def references(node) -> list[Ref]:
    """Question references in a condition, in order."""
    return [n for n in walk(node) if isinstance(n, Ref)]


# ----------------------------------------------------------------------------- evaluation
@dataclass
class Resolver:
    """How to evaluate names: supplied by the questionnaire.

    ``column(name)`` → column name holding a single value (code or number) for ``name``;
    ``option_column(name, code)`` → 0/1 column of a multiple-choice option;
    ``resolve(name, literal)`` → numeric code for a literal compared with ``name``
    (raises KeyError if it is not an option);
    ``answered_columns(name)`` → the columns whose non-missing value means "answered".
    """

    column: Callable[[str], str]
    option_column: Callable[[str, float], str]
    resolve: Callable[[str, Any], float]
    answered_columns: Callable[[str], Sequence[str]]
    is_multiple: Callable[[str], bool] = field(default=lambda name: False)


def evaluate(node, data: Mapping[str, np.ndarray], resolver: Resolver, n: int) -> np.ndarray:
    """Vectorised evaluation of a parsed condition over ``n`` rows."""

    def val(nd, other=None):
        if isinstance(nd, Lit):
            if other is not None and isinstance(other, Ref):
                return np.float64(resolver.resolve(other.name, nd.value))
            if isinstance(nd.value, str):
                try:
                    return np.float64(float(nd.value))
                except ValueError:
                    raise ExprSyntaxError(f"cannot compare text '{nd.value}' here", nd.pos)
            return np.float64(nd.value)
        if isinstance(nd, Ref):
            return np.asarray(data[resolver.column(nd.name)], dtype=float)
        raise ExprSyntaxError("only question ids and values can be compared", getattr(nd, "pos", 0))

    def ev(nd) -> np.ndarray:
        if isinstance(nd, Const):
            return np.full(n, nd.value)
        if isinstance(nd, BoolOp):
            out = ev(nd.items[0])
            for it in nd.items[1:]:
                out = (out & ev(it)) if nd.op == "and" else (out | ev(it))
            return out
        if isinstance(nd, Not):
            return ~ev(nd.item)
        if isinstance(nd, Answered):
            cols = resolver.answered_columns(nd.ref.name)
            out = np.zeros(n, dtype=bool)
            for c in cols:
                a = data[c]
                if a.dtype.kind in "fc":
                    out |= ~np.isnan(a) & ((a != 0) if resolver.is_multiple(nd.ref.name) else True)
                else:  # text: answered unless None / NaN / empty (element-wise, no Python loop)
                    obj = np.asarray(a, dtype=object)
                    out |= np.asarray((obj == obj) & np.not_equal(obj, None) & (obj != ""), dtype=bool)
            return out
        if isinstance(nd, Compare):
            if nd.op == "selected":
                ref = nd.left
                code = resolver.resolve(ref.name, nd.right.value if isinstance(nd.right, Lit) else None)
                col = np.asarray(data[resolver.option_column(ref.name, code)], dtype=float)
                return np.nan_to_num(col, nan=0.0) > 0
            if nd.op in ("in", "notin"):
                left = val(nd.left)
                hit = np.zeros(n, dtype=bool)
                for item in nd.right:
                    hit |= left == val(item, nd.left)
                if nd.op == "notin":
                    return ~hit & ~np.isnan(left)
                return hit
            left = val(nd.left, nd.right)
            right = val(nd.right, nd.left)
            with np.errstate(invalid="ignore"):
                if nd.op == "==":
                    r = left == right
                elif nd.op == "!=":
                    r = (left != right) & ~np.isnan(left) & ~np.isnan(right)
                elif nd.op == "<":
                    r = left < right
                elif nd.op == "<=":
                    r = left <= right
                elif nd.op == ">":
                    r = left > right
                else:
                    r = left >= right
            return np.broadcast_to(r, (n,)).copy()
        if isinstance(nd, (Ref, Lit)):
            raise ExprSyntaxError("a value alone is not a condition", nd.pos)
        raise ExprSyntaxError("invalid condition", 0)

    return ev(node)

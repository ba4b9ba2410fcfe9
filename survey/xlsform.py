"""XLSForm (ODK / KoboToolbox) ⇄ minyi questionnaire.

* :func:`write_xlsform` turns a :class:`~survey.questionnaire.Questionnaire` into an XLSForm
  workbook (sheets ``survey``, ``choices``, ``settings``; labels in ``label::Chinese (zh)`` or
  ``label::English (en)``) that pyxform converts to an XForm, so the questionnaire can be
  fielded on ODK Collect / KoboToolbox.  Sections become groups (with a ``relevant`` on the site
  question when only some sites get the section); single/scale/yes-no → ``select_one``; multiple →
  ``select_multiple`` with ``count-selected`` and exclusive-option constraints; a choice question
  with an "other, please specify" option is followed by a ``text`` question ``<id>_other`` (minyi's
  native column) with ``relevant`` ``selected(${id}, 'code')``; matrix → a ``table-list`` group with one
  ``select_one`` per row named ``<id>_<row id>``; ranking → ``rank`` (ODK ranks every option: ``k``, the
  ranks that count, rides in an extra ``minyi_k`` column of the survey sheet and in the hint); number → ``integer`` /
  ``decimal`` with a range constraint (its unit shown in the label as ``（次）`` and kept in a ``minyi_unit`` column,
  so it comes back as the unit); text → ``text``.  Option scores and flags ride along in
  extra ``minyi_*`` columns of the choices sheet (XLSForm keeps unknown choice columns).
* :func:`xlsform_to_yaml` reads an XLSForm with pyxform's own parser
  (:func:`pyxform.xls2json.parse_file_to_json`) and writes minyi YAML: groups → sections (nested
  groups flattened, their ``relevant`` and-ed into each question's ``when``), ``table-list`` /
  ``field-list`` groups of ``select_one`` questions sharing one list and carrying scores →
  matrix, ``select_multiple`` constraints → min/max and exclusive options, number constraints →
  min/max, ``required`` → required; a ``text`` question ``<id>_other`` right after a select with an
  "other" option is that option's fill-in (the ``<id>_other`` column), not a question of its own.
  Types minyi does not model (note, calculate, geopoint, date, repeat …) are left out and reported
  as warnings — nothing is dropped silently.  Texts keep their typographic quotes (“ ” ‘ ’), which pyxform's
  parser straightens in every cell (:func:`_quoted_originals`).

Skip logic goes through the project's expression language (:mod:`survey.expr`): minyi ``when``
conditions are parsed into its AST and written as XPath (:func:`when_to_xpath`); XPath
``relevant`` expressions are parsed into the same AST (:func:`xpath_to_when`), rendered as minyi
text and re-parsed by :func:`survey.expr.parse` to check them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from . import expr as E
from .atomic import atomic_write
from .errors import MinyiError
from .messages import problem
from .questionnaire import Question, Questionnaire, Section
from .xlsform_carry import apply_carried, minyi_rows, questionnaire_carried, read_minyi_sheet

LANG = {"zh": "Chinese (zh)", "en": "English (en)"}
RANK_K_COLUMN = "minyi_k"  # survey-sheet column: how many ranks of a ranking count (pyxform keeps unknown columns)
UNIT_COLUMN = "minyi_unit"  # survey-sheet column: a number question's unit (次), which the label also shows as （次）
_META_TYPES = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
               "audit", "start-geopoint"}
_SKIP_TYPES = {"note", "calculate", "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
               "username", "email", "audit", "start-geopoint", "hidden", "acknowledge", "trigger"}


# ============================================================================= minyi -> XPath
def when_to_xpath(text: str, q: Questionnaire) -> str:
    """A minyi ``when`` condition as an XLSForm ``relevant`` (XPath with ``${name}`` references)."""
    from .skip import resolver

    node = E.parse(text)
    res = resolver(q)

    def name(ref: E.Ref) -> str:
        return "${" + res.column(ref.name) + "}"

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


# ============================================================================= YAML -> XLSForm
def _has_en(q: Questionnaire) -> bool:
    objs = [q, *q.sections, *q.questions, *(o for qq in q.questions for o in qq.options),
            *(r for qq in q.questions for r in qq.rows)]
    return any((getattr(o, "i18n", None) or {}).get("en") for o in objs)


def _en_texts(d: dict, item: dict, lang: Optional[str]) -> None:
    """A question's ``text_en`` / ``note_en`` from its ``label::English (en)`` / ``hint::English (en)`` cells."""
    text_en = _en(d, lang) or _en(next((c for c in d.get("children", []) if
                                         str(c.get("name", "")).startswith("generated_table_list_label")), {}), lang)
    if text_en:
        item["text_en"] = text_en
    if _en(d, lang, "hint"):
        item["note_en"] = _en(d, lang, "hint")


def _en(d: dict, lang: Optional[str], key: str = "label") -> Optional[str]:
    """The English (``label::English (en)``) text of an element, when English is not the form's own language."""
    lab = d.get(key)
    if not isinstance(lab, dict):
        return None
    for k, v in lab.items():
        if v and k != lang and ("english" in k.lower() or k.lower().rstrip(")").endswith("(en")):
            return str(v).strip()
    return None


def xlsform_rows(q: Questionnaire) -> tuple[list[list], list[list], list[list], list[list]]:
    """(survey rows, choices rows, settings rows, ``minyi`` sheet rows) of the XLSForm for ``q`` (headers first)."""
    lang = LANG.get(q.language, LANG["zh"])
    tr = LANG["en"] if q.language != "en" and _has_en(q) else None  # the *_en translations: label::English (en)
    survey = [["type", "name", f"label::{lang}", f"hint::{lang}", "required", "relevant", "constraint",
               f"constraint_message::{lang}", "appearance", RANK_K_COLUMN, UNIT_COLUMN]
              + ([f"label::{tr}", f"hint::{tr}"] if tr else [])]
    choices = [["list_name", "name", f"label::{lang}", "minyi_score", "minyi_na", "minyi_exclusive", "minyi_other"]
               + ([f"label::{tr}"] if tr else [])]
    lists: dict[str, str] = {}

    def en(obj, key: str = "label") -> Optional[str]:
        return (getattr(obj, "i18n", None) or {}).get("en", {}).get(key) or None

    def add_list(list_name: str, qq: Question) -> str:
        if list_name in lists:
            return list_name
        lists[list_name] = qq.id
        for o in qq.options:
            choices.append([list_name, str(o.code), o.label, o.score if o.score is not None else None,
                            "yes" if o.na else None, "yes" if o.exclusive else None, "yes" if o.other else None]
                           + ([en(o)] if tr else []))
        return list_name

    def row(type_, name, label, hint=None, required=None, relevant=None, constraint=None, cmsg=None, appearance=None,
            k=None, unit=None, of=None):
        extra = []
        if tr:
            text_en = en(of, "text") if isinstance(of, Question) else en(of, "title") if isinstance(of, Section) \
                else en(of) if of is not None else None
            if text_en and isinstance(of, Question) and of.type == "number" and en(of, "unit"):
                text_en += f" ({en(of, 'unit')})"
            extra = [text_en, en(of, "note") if isinstance(of, Question) else None]
        survey.append([type_, name, label, hint, required, relevant, constraint, cmsg, appearance, k, unit] + extra)

    def relevant_of(qq: Question) -> Optional[str]:
        if not qq.when:
            return None
        try:
            return when_to_xpath(qq.when, q)
        except (E.ExprSyntaxError, KeyError) as e:
            raise MinyiError.of("xlsform", file=q.source, reason=f"condition of {qq.id} ('{qq.when}') cannot be "
                                f"written as XPath: {e}", hint="simplify the condition")

    def other_row(qq: Question) -> None:
        """The "other, please specify" text ``<id>_other`` (minyi's native column), asked when "other" is chosen."""
        others = [o for o in qq.options if o.other]
        if not others:
            return
        label = "、".join(o.label for o in others) + ("（请注明）" if q.language == "zh" else " (please specify)")
        row("text", f"{qq.id}_other", label, None, None,
            " or ".join(f"selected(${{{qq.id}}}, '{_num(o.code)}')" for o in others))

    site_q = q.get(q.site_question) if q.site_question else None
    for sec in q.sections:
        sec_relevant = None
        if site_q is not None and q.sites:
            codes = []
            for s in q.sites:
                if not s.sections or sec.id in s.sections:
                    o = site_q.option_by_label(s.name)
                    if o is not None:
                        codes.append(o.code)
            if len(codes) < len(site_q.options):
                sec_relevant = " or ".join(f"${{{site_q.id}}} = '{c}'" for c in codes) or "false()"
        row("begin_group", sec.id, sec.title or sec.id, relevant=sec_relevant, of=sec)
        for qq in sec.questions:
            req = "yes" if qq.required else None
            rel = relevant_of(qq)
            if qq.type in ("single", "scale", "yesno"):
                ln = add_list(qq.scale or qq.id, qq)
                row(f"select_one {ln}", qq.id, qq.text, qq.note, req, rel, of=qq)
                other_row(qq)
            elif qq.type == "matrix":
                ln = add_list(qq.scale or qq.id, qq)
                row("begin_group", qq.id, qq.text, qq.note, relevant=rel, appearance="table-list", of=qq)
                for r in qq.rows:
                    row(f"select_one {ln}", f"{qq.id}_{r.id}", r.label, None, req, of=r)
                row("end_group", None, None)
            elif qq.type == "multiple":
                ln = add_list(qq.id, qq)
                cons, msg = [], []
                if qq.min is not None and qq.min > 1:
                    # an exclusive option (以上都没有) alone meets any min (docs/questionnaire-format.md)
                    alone = "".join(f" or selected(., '{o.code}')" for o in qq.options if o.exclusive)
                    cons.append(f"(count-selected(.) >= {_num(qq.min)}{alone})" if alone
                                else f"count-selected(.) >= {_num(qq.min)}")
                    msg.append(f"至少选择 {_num(qq.min)} 项")
                if qq.max is not None and qq.max < len(qq.options):
                    cons.append(f"count-selected(.) <= {_num(qq.max)}")
                    msg.append(f"最多选择 {_num(qq.max)} 项")
                for o in qq.options:
                    if o.exclusive:
                        cons.append(f"not(selected(., '{o.code}') and count-selected(.) > 1)")
                        msg.append(f"“{o.label}”不能与其他选项同时选择")
                row(f"select_multiple {ln}", qq.id, qq.text, qq.note, req, rel, " and ".join(cons) or None,
                    "；".join(msg) or None, of=qq)
                other_row(qq)
            elif qq.type == "ranking":
                ln = add_list(qq.id, qq)
                k = qq.k or len(qq.options)
                counted = f"请按重要程度排序，前 {k} 项计入统计" if k < len(qq.options) else None
                hint = "；".join(h for h in (qq.note, counted) if h) or None
                row(f"rank {ln}", qq.id, qq.text, hint, req, rel, k=k if counted else None, of=qq)
            elif qq.type == "number":
                integral = all(v is None or float(v).is_integer() for v in (qq.min, qq.max))
                cons = [c for c in (f". >= {_num(qq.min)}" if qq.min is not None else None,
                                    f". <= {_num(qq.max)}" if qq.max is not None else None) if c]
                msg = f"请填写 {_num(qq.min) if qq.min is not None else ''}–{_num(qq.max) if qq.max is not None else ''} 之间的数" \
                    if cons else None
                row("integer" if integral else "decimal", qq.id, qq.text + (f"（{qq.unit}）" if qq.unit else ""),
                    qq.note, req, rel, " and ".join(cons) or None, msg, unit=qq.unit, of=qq)
            else:  # text
                row("text", qq.id, qq.text, qq.note, req, rel, appearance="multiline", of=qq)
        row("end_group", None, None)
    settings = [["form_title", "form_id", "version", "default_language"],
                [q.title, re.sub(r"[^A-Za-z0-9_]", "_", q.id) or "minyi", str(q.version), lang]]
    relevant = {r[1]: r[5] for r in survey[1:] if r[1]}
    return survey, choices, settings, minyi_rows(q, relevant)


def write_xlsform(q: Questionnaire, path: str | Path) -> None:
    """Write the XLSForm of ``q`` to ``path`` (.xlsx, atomically)."""
    import openpyxl

    survey, choices, settings, extra = xlsform_rows(q)
    wb = openpyxl.Workbook()
    for i, (title, rows) in enumerate((("survey", survey), ("choices", choices), ("settings", settings),
                                       ("minyi", extra))):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        for r in rows:
            ws.append(r)
    atomic_write(path, lambda tmp: wb.save(str(tmp)))


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


# ============================================================================= XLSForm -> YAML
@dataclass
class Conversion:
    """Result of :func:`xlsform_to_yaml`: the YAML text and what could not be carried over."""

    yaml_text: str
    warnings: list[str]
    mapping: dict = field(default_factory=dict)  # survey import --mapping: choice names (XML values) -> codes


_RANGE = re.compile(r"(count-selected\(\s*\.\s*\)|(?<![\w$])\.)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)")
_MIN_ALONE = re.compile(r"\(\s*(count-selected\(\s*\.\s*\)\s*>=\s*\d+)\s*((?:or\s+selected\(\s*\.\s*,\s*'[^']+'\s*\)\s*)+)\)")
_EXCL = re.compile(r"not\(\s*selected\(\s*\.\s*,\s*'([^']+)'\s*\)\s+and\s+count-selected\(\s*\.\s*\)\s*>\s*1\s*\)")


def _label(d: dict, lang: Optional[str]) -> str:
    lab = d.get("label")
    if isinstance(lab, dict):
        if lang and lab.get(lang):
            return str(lab[lang]).strip()
        for k, v in lab.items():
            if v and ("zh" in k.lower() or "chinese" in k.lower() or "中文" in k):
                return str(v).strip()
        for v in lab.values():
            if v:
                return str(v).strip()
        return ""
    return str(lab or "").strip()


def _hint(d: dict, lang: Optional[str]) -> Optional[str]:
    h = d.get("hint")
    if not h:
        return None
    return _label({"label": h}, lang) or None


def _valid_id(name: str) -> bool:
    """Is ``name`` usable as it is as a minyi question/section id (the validator's rule, :func:`survey.qload._id_char`:
    ASCII letters, digits, ``_`` and CJK ideographs, no ``__``; and a first character the condition language can
    name)?  性别, 问卷一 and ``_x`` are; ``q-1`` and ``q.1`` are not."""
    from .qload import _id_char

    return bool(name) and "__" not in name and all(_id_char(ch) for ch in name) and not name[0].isdigit()


def _ident(name: str, taken: set, reserved: frozenset = frozenset()) -> str:
    """A minyi id for the XLSForm name ``name``: the name itself when it is a valid id not yet taken (ids are
    compared case-insensitively, as minyi's columns are), else a cleaned-up name that neither an id taken so far
    nor a name ``reserved`` for a later element of the form uses.  ``taken`` holds casefolded ids."""
    if _valid_id(name) and name.casefold() not in taken:
        taken.add(name.casefold())
        return name
    base = re.sub(r"[^A-Za-z0-9_\u4e00-\u9fff]", "_", name).strip("_") or "q"
    base = re.sub(r"_{2,}", "_", base)
    if base[0].isdigit():
        base = "q" + base
    out, i = base, 2
    while out.casefold() in taken or (out != name and out.casefold() in reserved):
        out = f"{base}_{i}"
        i += 1
    taken.add(out.casefold())
    return out


def _all_names(d: dict) -> list[str]:
    """The names of every element of pyxform's form (questions and groups, at any depth)."""
    out = []
    for c in d.get("children") or ():
        if c.get("name"):
            out.append(str(c["name"]))
        out += _all_names(c)
    return out


def _truthy(v: Any) -> bool:
    return str(v).strip().lower() in ("yes", "true", "true()", "1", "y")


def xlsform_to_yaml(path: str | Path) -> Conversion:
    """Convert an XLSForm workbook into minyi questionnaire YAML (see module docstring)."""
    import yaml
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    path = Path(path)
    if not path.exists():
        raise MinyiError.of("file-not-found", file=str(path), path=str(path))
    try:
        form = parse_file_to_json(str(path))
    except PyXFormError as e:
        raise MinyiError.of("xlsform", file=str(path), reason=f"not a valid XLSForm: {e}",
                            hint="check the survey and choices sheets")
    except Exception as e:  # damaged workbook, wrong file type
        raise MinyiError.of("file-unreadable", file=str(path), path=str(path), reason=f"not a readable XLSForm ({e})")
    lang = form.get("default_language")
    if lang == "default":
        lang = None
    warnings: list[str] = []
    extra = read_minyi_sheet(path, lambda m: warnings.append(f"{path.name}: {m}"))
    extra_q = extra.get(("questionnaire", None)) or {}
    value_map: dict[str, dict] = {}
    ctx = _Ctx()
    taken: set = set()
    sections: list[dict] = []
    pending_when: dict[str, tuple[str, list[str]]] = {}  # minyi id -> (xlsform name, [relevant…])

    def warn(msg: str) -> None:
        warnings.append(f"{path.name}: {msg}")

    columns: dict[str, str] = {}  # XLSForm name (the Kobo/ODK data column) -> the minyi column it became
    reserved = frozenset(n.casefold() for n in _all_names(form) if _valid_id(n))

    def ident(name: str, what: str = "question") -> str:
        """The minyi id of the XLSForm element ``name``: its own name when that is a valid minyi id (性别 is), else a
        new one, warned about and — for a question, whose name is a data column — written to the mapping."""
        new = _ident(name, taken, reserved)
        if new != name:
            column(name, new, what)
        return new

    def column(name: str, new: str, what: str = "question") -> None:
        if what == "group":
            warn(f"group '{name}' is section {new} (minyi ids may only hold letters, digits, _ and Chinese "
                 "characters, each id once, whatever its case)")
            return
        columns[name] = new
        warn(f"{what} '{name}' renamed to {new} (minyi ids may only hold letters, digits, _ and Chinese characters, "
             f"each id once, whatever its case); the mapping file maps the Kobo/ODK column {name} to {new}")

    def choices_of(d: dict) -> list[dict]:
        ch = d.get("choices")
        if not ch and d.get("itemset"):
            ch = (form.get("choices") or {}).get(d["itemset"], [])
        return ch or []

    def options(d: dict, qid: str) -> tuple[list[dict], dict]:
        ch = choices_of(d)
        names = [str(c.get("name")) for c in ch]
        numeric = all(re.fullmatch(r"-?\d+", n) for n in names) and len(set(int(n) for n in names)) == len(names)
        opts, codes = [], {}
        for i, c in enumerate(ch):
            code = int(names[i]) if numeric else i + 1
            codes[names[i]] = code
            o: dict = {"code": code, "label": _label(c, lang) or names[i]}
            if _en(c, lang):
                o["label_en"] = _en(c, lang)
            if c.get("minyi_score") not in (None, ""):
                try:
                    o["score"] = float(c["minyi_score"]) if not float(c["minyi_score"]).is_integer() \
                        else int(float(c["minyi_score"]))
                except ValueError:
                    pass
            if _truthy(c.get("minyi_na", "")):
                o["na"] = True
            if _truthy(c.get("minyi_exclusive", "")):
                o["exclusive"] = True
            if _truthy(c.get("minyi_other", "")) or names[i].lower() in ("other", "others"):
                o["other"] = True
            opts.append(o)
        ctx.codes[qid] = codes
        if not numeric:
            value_map[qid] = dict(codes)
        return opts, codes

    def constraint_range(d: dict, qid: str, is_count: bool) -> dict:
        cons = ((d.get("bind") or {}).get("constraint") or "").strip()
        out: dict = {}
        if not cons:
            return out
        excl = _EXCL.findall(cons)
        rest = _EXCL.sub(" ", cons)
        # minyi's "at least n, or an exclusive option alone": (count-selected(.) >= n or selected(., 'x'))
        m = _MIN_ALONE.search(rest)
        if m and set(re.findall(r"'([^']+)'", m.group(2))) <= set(excl):
            rest = rest.replace(m.group(0), m.group(1))
        for m in _RANGE.finditer(rest):
            counted = m.group(1).startswith("count")
            if counted != is_count:
                continue
            op, n = m.group(2), float(m.group(3))
            if op in (">=", ">"):
                out["min"] = n + (1 if op == ">" and is_count else 0)
            else:
                out["max"] = n - (1 if op == "<" and is_count else 0)
            rest = rest.replace(m.group(0), "")
        if excl:
            out["exclusive"] = excl
        if re.sub(r"(and|\(|\)|\s)", "", rest):
            warn(f"{qid}: constraint '{cons}' only partly converted (min/max and exclusive options are kept)")
        for k in ("min", "max"):
            if k in out and float(out[k]).is_integer():
                out[k] = int(out[k])
        return out

    def question(d: dict, sec: dict, relevant: list[str]) -> None:
        t = str(d.get("type", ""))
        name = str(d.get("name", ""))
        bind = d.get("bind") or {}
        rel = relevant + ([bind["relevant"]] if bind.get("relevant") else [])
        if t in ("group",) or (t == "repeat"):
            if t == "repeat":
                warn(f"repeat group '{name}' is not supported; its questions are left out")
                return
            kids = [c for c in d.get("children", []) if c.get("type") not in _SKIP_TYPES and not _generated(c)]
            app = str((d.get("control") or {}).get("appearance", ""))
            lists = {c.get("list_name") or c.get("itemset") for c in kids}
            if (("table-list" in app or "field-list" in app) and len(kids) >= 2
                    and all(c.get("type") == "select one" for c in kids) and len(lists) == 1
                    and choices_of(kids[0])
                    and all(c.get("minyi_score") not in (None, "") or _truthy(c.get("minyi_na", ""))
                            for c in choices_of(kids[0]))):
                qid = ident(name, "group")
                opts, _ = options(kids[0], qid)
                rows = []
                for c in kids:
                    cname = str(c["name"])
                    rid = cname[len(name) + 1:] if cname.startswith(name + "_") else cname
                    rid = re.sub(r"_{2,}", "_", re.sub(r"[^A-Za-z0-9_\u4e00-\u9fff]", "_", rid)).strip("_") or "r"
                    rows.append({"id": rid, "label": _label(c, lang) or cname,
                                 **({"label_en": _en(c, lang)} if _en(c, lang) else {})})
                    ctx.names[cname] = f"{qid}.{rid}"
                    if f"{qid}_{rid}" != cname:
                        column(cname, f"{qid}_{rid}", f"matrix row of {qid}")
                ctx.types[qid] = "matrix"
                item = {"id": qid, "type": "matrix", "text": _group_label(d, lang) or name, "options": opts,
                        "rows": rows}
                _en_texts(d, item, lang)
                if not any(_truthy((c.get("bind") or {}).get("required", "")) for c in kids):
                    item["required"] = False
                sec["questions"].append(item)
                pending_when[qid] = (name, rel)
                return
            for c in d.get("children", []):
                if not _generated(c):
                    question(c, sec, rel)
            return
        if t in _SKIP_TYPES or t.startswith("select one from file") or t.startswith("select multiple from file"):
            if t not in _META_TYPES and name != "instanceID":
                warn(f"'{name}' ({t}) has no minyi question type; left out")
            return
        kind = {"select one": "single", "select all that apply": "multiple", "integer": "number",
                "decimal": "number", "text": "text", "rank": "ranking", "range": "number"}.get(t)
        if kind is None:
            warn(f"'{name}' ({t}) has no minyi question type; left out")
            return
        prev = sec["questions"][-1] if sec["questions"] else None
        if kind == "text" and prev is not None and prev["type"] in ("single", "scale", "multiple") and \
                _other_fill_in(name, prev, pending_when[prev["id"]][0], bind.get("relevant"), ctx):
            ctx.names[name] = prev["id"] + "_other"
            if name != prev["id"] + "_other":
                column(name, prev["id"] + "_other", f"fill-in of {prev['id']}")
            return  # the "other, please specify" text of the choice question before it: its <id>_other column
        qid = ident(name)
        ctx.names[name] = qid
        ctx.types[qid] = kind
        item: dict = {"id": qid, "type": kind, "text": _label(d, lang) or name}
        if kind in ("single", "multiple", "ranking"):
            item["options"], _ = options(d, qid)
            if not item["options"]:
                warn(f"'{name}' has no choices; left out")
                return
            if kind == "single" and sum("score" in o for o in item["options"]) >= 2 and \
                    all("score" in o or o.get("na") for o in item["options"]):
                item["type"] = ctx.types[qid] = "scale"  # scored options (minyi_score column): a rating scale
        if kind != "single" or item["type"] != "scale":
            for o in item.get("options", []):
                o.pop("score", None)
        if kind == "multiple":
            r = constraint_range(d, qid, True)
            for k in ("min", "max"):
                if k in r:
                    item[k] = r[k]
            for ex in r.get("exclusive", []):
                code = ctx.codes[qid].get(ex)
                for o in item["options"]:
                    if o["code"] == code:
                        o["exclusive"] = True
        if kind == "number":
            r = constraint_range(d, qid, False)
            for k in ("min", "max"):
                if k in r:
                    item[k] = r[k]
            _unit(d, item)
            params = d.get("parameters") or {}
            if t == "range":
                for k, pk in (("min", "start"), ("max", "end")):
                    if params.get(pk) not in (None, ""):
                        item[k] = float(params[pk])
        if bind.get("constraint") and kind not in ("multiple", "number"):
            warn(f"{qid}: constraint '{bind['constraint']}' not converted (minyi checks options and ranges itself)")
        if d.get("choice_filter"):
            warn(f"{qid}: choice_filter '{d['choice_filter']}' not converted; all options are offered")
        for key in ("calculate", "readonly"):
            if bind.get(key) and str(bind.get(key)).lower() not in ("false", "false()", "no"):
                warn(f"{qid}: {key} '{bind[key]}' not converted")
        required = _truthy(bind.get("required", ""))
        if kind == "text":
            if required:
                item["required"] = True
        elif not required:
            item["required"] = False
        hint = _hint(d, lang)
        if kind == "ranking":
            hint = _rank_k(d, item, hint, qid, warn)
        if hint:
            item["note"] = hint
        _en_texts(d, item, lang)
        sec["questions"].append(item)
        pending_when[qid] = (name, rel)

    loose: Optional[dict] = None
    for child in form.get("children", []):
        t = child.get("type")
        if child.get("name") == "meta" and t == "group":
            continue
        if t in _SKIP_TYPES:
            if t not in _META_TYPES:
                warn(f"'{child.get('name')}' ({t}) has no minyi question type; left out")
            continue
        if t == "group" and not _is_matrix_group(child, form):
            sid = ident(str(child.get("name")), "group")
            sec = {"id": sid, "title": _group_label(child, lang) or sid, "questions": []}
            if _en(child, lang):
                sec["title_en"] = _en(child, lang)
            sections.append(sec)
            loose = None
            rel = [child["bind"]["relevant"]] if (child.get("bind") or {}).get("relevant") else []
            if rel and rel[0] == (extra.get(("section", sid)) or {}).get("relevant") and extra_q.get("sites"):
                rel = []  # the site condition minyi's export wrote: the sites: block read back below says it
            for c in child.get("children", []):
                if not _generated(c):  # pyxform's label row of a table-list group is no question
                    question(c, sec, rel)
        else:
            if loose is None:
                sid = _ident(f"S{len(sections) + 1}", taken, reserved)
                loose = {"id": sid, "title": form.get("title") or sid, "questions": []}
                sections.append(loose)
            question(child, loose, [])
    # skip logic: translate once every name is known
    for sec in sections:
        for item in sec["questions"]:
            name, rel = pending_when.get(item["id"], (None, []))
            carried = (extra.get(("question", item["id"])) or {}).get("when") or {}
            if carried and len(rel) == 1 and rel[0] == carried.get("relevant"):
                item["when"] = carried["when"]  # minyi's own condition, as written (labels, not XML values)
                continue
            conds = []
            for x in rel:
                try:
                    conds.append(xpath_to_when(x, ctx))
                except (XPathError, E.ExprSyntaxError, KeyError, ValueError) as e:
                    warn(f"{item['id']}: relevant '{x}' not converted ({e}); the question is asked of everyone")
            if len(conds) == 1:
                item["when"] = conds[0]
            elif conds:
                item["when"] = " and ".join(f"({c})" for c in conds)
    sections = [s for s in sections if s["questions"]]
    if not sections:
        raise MinyiError.of("xlsform", file=str(path), reason="the form has no question minyi can use",
                            hint="add select_one / select_multiple / integer / text questions to the survey sheet")
    for sec in sections:
        for item in sec["questions"]:
            apply_carried(item, extra.get(("question", item["id"])) or {}, warn)
    doc = {"id": _ident(str(form.get("id_string") or form.get("name") or "form"), set()),
           "title": str(form.get("title") or path.stem),
           "language": "zh" if (lang is None or "zh" in str(lang).lower() or "chinese" in str(lang).lower()) else "en",
           "version": str(form.get("version") or "1")}
    doc.update(questionnaire_carried(extra_q, sections, warn))
    doc["sections"] = sections
    for key in ("areas", "indicators"):
        if key in doc:
            doc[key] = doc.pop(key)  # after the sections, as minyi writes them
    doc = _with_quotes(doc, _quoted_originals(path))
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
    from .qload import validate_text

    qq, problems = validate_text(text, str(path.with_suffix(".yaml").name))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise MinyiError([problem("xlsform", file=str(path), reason="the converted questionnaire is not valid",
                                  hint="see the problems below")] + errors)
    mapping = {k: v for k, v in (("columns", columns), ("values", value_map)) if v}
    return Conversion(text, warnings, mapping)


def _quoted_originals(path: Path) -> dict:
    """{text as pyxform returns it: the text as written} for the workbook's cells with typographic quotes.

    pyxform's parser turns “ ” ‘ ’ into " and ' in every cell (``clean_text_values``: Excel types such quotes
    into XPath expressions, where they break), labels too: 您是否知道本市的“文明实践志愿服务”活动？ came
    back with straight quotes, changing the questionnaire's wording without a word.  The raw cells (pyxform's
    own reader, :func:`pyxform.xls2json_backends.get_xlsform`) give the text back; a straightened text that
    two different originals share is left as pyxform gives it."""
    from pyxform.parsing.sheet_headers import RE_SMART_QUOTES, clean_text_values
    from pyxform.xls2json_backends import get_xlsform

    try:
        data = get_xlsform(str(path))
    except Exception:  # pyxform read the file a moment ago; a reader failing now just keeps its texts
        return {}
    seen: dict = {}
    for sheet in (data.survey, data.choices):
        for row in sheet or ():
            for v in row.values():
                if isinstance(v, str) and RE_SMART_QUOTES.search(v):
                    for straight, written in ((clean_text_values(v).strip(), v.strip()),
                                              (clean_text_values(v, strip_whitespace=True).strip(),
                                               _collapsed(v))):
                        seen.setdefault(straight, set()).add(written)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def _collapsed(text: str) -> str:
    """``text`` with its runs of whitespace made one space and stripped, as pyxform cleans a cell."""
    from pyxform.xls2json_backends import RE_WHITESPACE

    return RE_WHITESPACE.sub(" ", text).strip()


def _with_quotes(node: Any, originals: dict) -> Any:
    """``node`` (the converted questionnaire) with every text pyxform straightened written as in the workbook."""
    if not originals:
        return node
    if isinstance(node, dict):
        return {k: _with_quotes(v, originals) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_quotes(v, originals) for v in node]
    if isinstance(node, str):
        return originals.get(node, node)
    return node


_OTHER_REF = r"(?:selected\(\s*\$\{{{n}\}}\s*,\s*'([^']*)'\s*\)|\$\{{{n}\}}\s*=\s*'([^']*)')"


def _other_fill_in(name: str, prev: dict, prev_name: str, relevant: Optional[str], ctx: _Ctx) -> bool:
    """Is the text question ``name`` the "other, please specify" fill-in of the choice question ``prev``?

    Yes when it is named ``<select>_other`` (or ``<select>_other_text``) and the select has an option
    marked "other" (``minyi_other`` column, or the choice name ``other``).  When no option is marked,
    the choices its ``relevant`` asks for (``selected(${q}, 'x')`` / ``${q} = 'x'``) become the "other"
    options if they look like one (name ``oth…``, label 其他/其它/other) — the usual ODK/Kobo pattern;
    otherwise (e.g. "why not?" after choice ``no``) it stays a question of its own.
    """
    names = {f"{n}_other{t}" for n in {prev["id"], prev_name} for t in ("", "_text")}
    if name not in names:
        return False
    if any(o.get("other") for o in prev["options"]):
        return True
    if not relevant:
        return False
    hits = [a or b for a, b in re.findall(_OTHER_REF.format(n=re.escape(prev_name)), relevant)]
    codes = ctx.codes.get(prev["id"], {})
    if not hits or any(h not in codes for h in hits):
        return False
    label = {o["code"]: str(o.get("label", "")) for o in prev["options"]}
    if not all(re.match(r"(?i)oth", h) or re.search(r"(?i)其他|其它|other", label[codes[h]]) for h in hits):
        return False
    for o in prev["options"]:
        if o["code"] in {codes[h] for h in hits}:
            o["other"] = True
    return True


def _unit(d: dict, item: dict) -> None:
    """A number question's unit from the ``minyi_unit`` column minyi's export writes; the ``（次）`` the export
    added to the label for ODK's screen comes off the text again, so a round trip keeps text and unit apart."""
    unit = str(d.get(UNIT_COLUMN) or "").strip()
    if not unit:
        return
    item["unit"] = unit
    shown = f"（{unit}）"
    if item["text"].endswith(shown) and len(item["text"]) > len(shown):
        item["text"] = item["text"][: -len(shown)]


def _rank_k(d: dict, item: dict, hint: Optional[str], qid: str, warn) -> Optional[str]:
    """A ranking's ``k`` (how many ranks count) from the ``minyi_k`` column minyi's export writes (ODK's
    ``rank`` has no such setting: without it every rank counts); returns the hint without the sentence the
    export added for it, so a round trip neither loses ``k`` nor doubles the note."""
    raw = d.get(RANK_K_COLUMN)
    if raw in (None, ""):
        return hint
    try:
        k = int(float(str(raw)))
    except ValueError:
        warn(f"{qid}: {RANK_K_COLUMN} '{raw}' is not a whole number; every rank counts")
        return hint
    item["k"] = k
    own = f"请按重要程度排序，前 {k} 项计入统计"
    return "；".join(h for h in (hint or "").split("；") if h and h != own) or None


def _group_label(d: dict, lang: Optional[str]) -> str:
    """The label of a group.  pyxform moves a ``table-list`` group's label into a note it adds as the group's
    first child (``generated_table_list_label_<n>``), leaving the group without one: the matrix question's
    text came back as its id."""
    return _label(d, lang) or next((_label(c, lang) for c in d.get("children", [])
                                    if str(c.get("name", "")).startswith("generated_table_list_label")), "")


def _generated(c: dict) -> bool:
    """Children pyxform adds to table-list groups (label row and its note)."""
    n = str(c.get("name", ""))
    return n.startswith("reserved_name_for_field_list_labels") or n.startswith("generated_table_list_label")


def _is_matrix_group(d: dict, form: dict) -> bool:
    kids = [c for c in d.get("children", []) if c.get("type") not in _SKIP_TYPES and not _generated(c)]
    app = str((d.get("control") or {}).get("appearance", ""))
    if not (("table-list" in app) and len(kids) >= 2 and all(c.get("type") == "select one" for c in kids)):
        return False
    return len({c.get("list_name") or c.get("itemset") for c in kids}) == 1


def xform_check(path: str | Path) -> list[str]:
    """Run pyxform's converter on an XLSForm (as ``xls2xform`` does); returns its warnings, raises on error."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    warnings: list[str] = []
    try:
        convert(str(path), warnings=warnings)
    except PyXFormError as e:
        raise MinyiError.of("xlsform", file=str(path), reason=f"pyxform rejects the form: {e}",
                            hint="please report this as a bug in minyi's XLSForm export")
    return warnings

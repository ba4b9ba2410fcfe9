"""The printable paper form: questionnaire model → render-ready structure → A4 HTML.

Volunteers hand the printed form out in the street; data entry later types the printed
option codes.  This module turns a :class:`~survey.questionnaire.Questionnaire` into plain
dataclasses (:func:`build_form`) that the jinja2 template ``report_templates/form_zh.html.j2``
lays out, and writes the HTML with the bundled CJK font embedded (:func:`render_form`).

Skip logic is printed in words, derived from the ``when`` conditions:

* on the conditional question: ``（仅回答第8题选'知道'或'听说过但不太了解'者作答）`` —
  :func:`condition_words` translates any condition of :mod:`survey.expr` recursively
  (``==``/``!=``/``in``/``not in``/orderings become the options they admit, ``selected``
  becomes "选了", ``and``/``or``/``not`` become 且/或/不符合);
* on the question it depends on (single choice, scale, yes/no): ``选'不知道'者跳至第10题``
  (and ``→跳至第10题`` next to the option) whenever the question right after it is skipped
  for that option.  The jump target is found by evaluating each later condition with the
  same vectorised evaluator that ``survey simulate`` and import checks use (one row per
  option code), so the printed words and the machine-checked logic cannot disagree;
* after a conditional question whose next question(s) none of its respondents are asked:
  ``（答完本题请跳至第16题）``.

Sections not given to every fielding site are marked ``（仅企业填写）``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Callable, Optional


from . import expr as E
from .atomic import atomic_write_text
from .questionnaire import Option, Question, Questionnaire

CHOICE_SOURCES = ("single", "scale", "yesno")


# ----------------------------------------------------------------------------- render-ready structure
@dataclass
class FormOption:
    code: int
    label: str
    other: bool = False  # print a fill-in line after the label
    exclusive: bool = False
    na: bool = False
    jump: Optional[str] = None  # e.g. "跳至第10题"


@dataclass
class FormRow:
    id: str
    label: str


@dataclass
class FormQuestion:
    number: int
    id: str
    type: str
    text: str
    options: list[FormOption] = field(default_factory=list)
    rows: list[FormRow] = field(default_factory=list)
    condition: Optional[str] = None  # "（仅回答第5题选'知道'者作答）"
    instruction: Optional[str] = None  # "（最多选5项）", ranking / number instructions
    jumps: list[str] = field(default_factory=list)  # "选'不知道'者跳至第10题"
    after: Optional[str] = None  # "（答完本题请跳至第16题）"
    unit: Optional[str] = None
    k: Optional[int] = None
    lines: int = 0  # open text: blank lines to write on
    note: Optional[str] = None
    columns: int = 1  # option layout: how many per line (long lists in a grid)


@dataclass
class FormSection:
    id: str
    title: str
    sites_note: Optional[str] = None  # "（仅企业填写）"
    questions: list[FormQuestion] = field(default_factory=list)


@dataclass
class Form:
    id: str
    title: str
    version: str
    description: str
    sites: list[str]
    sections: list[FormSection]
    n_questions: int
    n_items: int


# ----------------------------------------------------------------------------- condition → words
def _q(label: str) -> str:
    return f"'{label}'"


def _join_or(labels: list[str]) -> str:
    quoted = [_q(x) for x in labels]
    if len(quoted) <= 2:
        return "或".join(quoted)
    return "、".join(quoted[:-1]) + "或" + quoted[-1]


class _Words:
    """Recursive translation of a parsed condition into Chinese words."""

    def __init__(self, q: Questionnaire):
        self.q = q

    # -- helpers ------------------------------------------------------------------------
    def target(self, ref: E.Ref) -> tuple[Question, str]:
        base, _, row = ref.name.partition(".")
        qq = self.q.question(base)
        head = f"第{qq.number}题"
        if row:
            lbl = next((r.label for r in qq.rows if r.id == row), row)
            head += f"“{lbl}”一项"
        return qq, head

    def code_of(self, qq: Question, lit: E.Lit) -> Optional[int]:
        v = lit.value
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        try:
            return self.q.resolve_code(qq.id, v)
        except KeyError:
            return None

    def labels(self, qq: Question, codes: list[int]) -> list[str]:
        return [o.label for o in qq.options if o.code in codes]

    def choose(self, head: str, qq: Question, codes: list[int], negated_from: Optional[list[int]] = None) -> str:
        """'第n题选'a'或'b''; long complements are written as '未选'x''."""
        if not codes:
            return f"{head}（无符合条件的选项）"
        if negated_from is not None and len(codes) > 3:
            return f"{head}未选{_join_or(self.labels(qq, negated_from))}"
        return f"{head}选{_join_or(self.labels(qq, codes))}"

    # -- translation --------------------------------------------------------------------
    def words(self, node, top: bool = True) -> str:
        if isinstance(node, E.Const):
            return "所有人" if node.value else "无人"
        if isinstance(node, E.Answered):
            _, head = self.target(node.ref)
            return f"回答了{head}"
        if isinstance(node, E.Not):
            inner = node.item
            if isinstance(inner, E.Compare):
                return self.compare(inner, negate=True)
            if isinstance(inner, E.Answered):
                _, head = self.target(inner.ref)
                return f"未回答{head}"
            return f"不符合“{self.words(inner, top=False)}”"
        if isinstance(node, E.BoolOp):
            sep = "且" if node.op == "and" else "或"
            parts = []
            for it in node.items:
                w = self.words(it, top=False)
                if isinstance(it, E.BoolOp) and it.op != node.op:
                    w = f"（{w}）"
                parts.append(w)
            return sep.join(parts)
        if isinstance(node, E.Compare):
            return self.compare(node)
        return "满足条件"

    def compare(self, c: E.Compare, negate: bool = False) -> str:
        left, right, op = c.left, c.right, c.op
        if not isinstance(left, E.Ref) and isinstance(right, E.Ref) and op in ("==", "!=", "<", "<=", ">", ">="):
            flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
            left, right, op = right, left, flip.get(op, op)
        if not isinstance(left, E.Ref):
            return "满足条件"
        qq, head = self.target(left)
        if isinstance(right, E.Ref):  # two questions compared with each other
            if negate:
                op = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}[op]
            _, head2 = self.target(right)
            rel = {"==": "相同", "!=": "不同", "<": "小于", "<=": "不大于", ">": "大于", ">=": "不小于"}[op]
            return f"{head}与{head2}的答案{rel}" if op in ("==", "!=") else f"{head}的答案{rel}{head2}"
        if op == "selected":
            lab = self.labels(qq, [self.code_of(qq, right)]) if isinstance(right, E.Lit) else []
            lbl = _q(lab[0]) if lab else "该项"
            return f"{head}未选{lbl}" if negate else f"{head}选了{lbl}"
        if negate:
            op = {"==": "!=", "!=": "==", "in": "notin", "notin": "in", "<": ">=", "<=": ">", ">": "<=",
                  ">=": "<"}[op]
        if qq.type == "number":
            return self.number_words(head, op, right)
        all_codes = [o.code for o in qq.options]
        lits = right if isinstance(right, tuple) else (right,)
        codes = [cd for cd in (self.code_of(qq, x) for x in lits if isinstance(x, E.Lit)) if cd is not None]
        if op in ("==", "in"):
            return self.choose(head, qq, codes)
        if op in ("!=", "notin"):
            rest = [cd for cd in all_codes if cd not in codes]
            return self.choose(head, qq, rest, negated_from=codes)
        # ordering on codes: list the options admitted
        if not codes:
            return "满足条件"
        v = codes[0]
        test = {"<": lambda x: x < v, "<=": lambda x: x <= v, ">": lambda x: x > v, ">=": lambda x: x >= v}[op]
        return self.choose(head, qq, [cd for cd in all_codes if test(cd)])

    @staticmethod
    def number_words(head: str, op: str, right) -> str:
        vals = right if isinstance(right, tuple) else (right,)
        nums = [f"{x.value:g}" if isinstance(x.value, float) else str(x.value) for x in vals if isinstance(x, E.Lit)]
        rel = {"==": "等于", "!=": "不等于", "<": "小于", "<=": "不大于", ">": "大于", ">=": "不小于"}
        if op in ("in", "notin"):
            return f"{head}填写的数值{'为' if op == 'in' else '不为'}{'、'.join(nums)}"
        return f"{head}填写的数值{rel[op]}{nums[0] if nums else ''}"


def condition_words(q: Questionnaire, when: str) -> str:
    """Chinese words for a skip condition, e.g. ``B1 != "不知道"`` → ``第8题选'知道'或'听说过但不太了解'``.

    ``when`` must be a condition that :func:`survey.qload.validate_file` accepted.
    """
    return _Words(q).words(E.parse(when))


# ----------------------------------------------------------------------------- jump instructions
def _single_source(q: Questionnaire, qq: Question) -> Optional[str]:
    """Id of the one single-choice/scale/yes-no question a condition depends on (else None)."""
    if not qq.when:
        return None
    refs = {r.name for r in E.references(E.parse(qq.when))}
    if len(refs) != 1:
        return None
    name = next(iter(refs))
    if "." in name:
        return None
    src = q.get(name)
    return name if src is not None and src.type in CHOICE_SOURCES else None


def _jumps(q: Questionnaire) -> tuple[dict[tuple[str, int], int], dict[str, int]]:
    """Per-option jumps ``{(source id, code): target number}`` and after-question jumps ``{qid: number}``.

    A target number of 0 means "to the end of the questionnaire".
    """
    from .reachable import AskedUnder

    qs = q.questions
    src_of = {qq.id: _single_source(q, qq) for qq in qs}
    reach_of = AskedUnder(q)  # can a question be asked to a respondent asked src who chose its option j

    option_jumps: dict[tuple[str, int], int] = {}
    after: dict[str, int] = {}
    n = len(qs)
    for i, s in enumerate(qs):
        if s.type not in CHOICE_SOURCES or i + 1 >= n:
            continue
        for j, o in enumerate(s.options):
            f = reach_of.first_from(s, j, i + 1)
            if f != i + 1:
                option_jumps[(s.id, o.code)] = qs[f].number if f < n else 0
    # after a conditional question Y (depending on S alone): if the following question(s) are
    # asked to none of Y's respondents, jump over them.
    for i, y in enumerate(qs):
        s_id = src_of[y.id]
        if s_id is None or i + 1 >= n:
            continue
        src = q.question(s_id)
        reach = [j for j in range(len(src.options)) if reach_of.asked(src, j, y)]
        if not reach:
            continue
        firsts = {reach_of.first_from(src, j, i + 1, reach_of.never_before(src, j, i + 1)) for j in reach}
        if i + 1 in firsts:
            continue
        if len(firsts) == 1:
            f = firsts.pop()
            after[y.id] = qs[f].number if f < n else 0
        # (else it depends on the answer: already said at the source question)
    for s in qs:  # every answer jumps to the same question: one （答完本题请跳至第N题）, not a jump per option
        ts = {option_jumps.get((s.id, o.code)) for o in s.options} if s.type in CHOICE_SOURCES else {None}
        if len(ts) == 1 and None not in ts:
            t = ts.pop()
            for o in s.options:
                del option_jumps[(s.id, o.code)]
            if after.get(s.id, t) == t:
                after[s.id] = t
    _jumps.last_evaluations = reach_of.evaluations  # type: ignore[attr-defined]  # (tests bound the work)
    return option_jumps, after


def _jump_words(target: int) -> str:
    return f"跳至第{target}题" if target else "结束答题"


# ----------------------------------------------------------------------------- instructions
def _mentions(text: str, *patterns: str) -> bool:
    return any(re.search(p, text) for p in patterns)


def _fmt(x: Optional[float]) -> str:
    return "" if x is None else f"{x:g}"


def _multiple_instruction(qq: Question) -> Optional[str]:
    n_normal = len([o for o in qq.options if not o.exclusive])
    lo = int(qq.min) if qq.min is not None else None
    hi = int(qq.max) if qq.max is not None else None
    if hi is not None and hi < n_normal:
        if lo is not None and lo > 1:
            words = f"（至少选{lo}项，最多选{hi}项）"
            seen = _mentions(qq.text, rf"最多\s*选?\s*{hi}\s*项") and _mentions(qq.text, rf"至少\s*选?\s*{lo}\s*项")
        else:
            words = f"（最多选{hi}项）"
            seen = _mentions(qq.text, rf"最多\s*选?\s*{hi}\s*项")
    elif lo is not None and lo > 1:
        words = f"（可多选，至少选{lo}项）"
        seen = _mentions(qq.text, rf"至少\s*选?\s*{lo}\s*项")
    else:
        words = "（可多选）"
        seen = "多选" in qq.text
    excl = [o.label for o in qq.options if o.exclusive]
    extra = f"（选{_join_or(excl)}者请勿再选其他选项）" if excl else ""
    out = ("" if seen else words) + extra
    return out or None


def _ranking_instruction(qq: Question) -> str:
    k = qq.k or len(qq.options)
    if k == 1:
        return "（请选出最重要的1项，在其方框内填写“1”）"
    return f"（请选出{k}项，按先后顺序在方框内填写序号1—{k}，1表示最重要）"


def _number_instruction(qq: Question) -> Optional[str]:
    if qq.min is not None and qq.max is not None:
        return f"（请填写{_fmt(qq.min)}—{_fmt(qq.max)}之间的整数）" if float(qq.min).is_integer() and float(qq.max).is_integer() \
            else f"（请填写{_fmt(qq.min)}—{_fmt(qq.max)}之间的数）"
    if qq.min is not None:
        return f"（不小于{_fmt(qq.min)}）"
    if qq.max is not None:
        return f"（不大于{_fmt(qq.max)}）"
    return None


def _columns_for(options: list[Option]) -> int:
    """How many options per line: short lists inline, long lists as a grid."""
    n = len(options)
    longest = max((len(o.label) + (4 if o.other else 0) for o in options), default=0)
    if n <= 6 and sum(len(o.label) + 4 for o in options) <= 44:
        return 0  # inline, one line
    if longest <= 6:
        return 5
    if longest <= 10:
        return 3
    return 2


# ----------------------------------------------------------------------------- build
def build_form(q: Questionnaire) -> Form:
    """The render-ready paper form for ``q`` (a valid questionnaire)."""
    option_jumps, after = _jumps(q)
    words = _Words(q)
    all_sites = [s.name for s in q.sites]
    sections: list[FormSection] = []
    for sec in q.sections:
        sites_with = [s.name for s in q.sites if not s.sections or sec.id in s.sections]
        note = None
        said = "填写" in sec.title and all(name in sec.title for name in sites_with)
        if all_sites and len(sites_with) < len(all_sites) and not said:
            note = f"（仅{'、'.join(sites_with)}填写）" if sites_with else "（各调查点均不填写）"
        fs = FormSection(id=sec.id, title=sec.title, sites_note=note)
        for qq in sec.questions:
            fq = FormQuestion(number=qq.number, id=qq.id, type=qq.type, text=qq.text, unit=qq.unit, k=qq.k,
                              note=qq.note)
            if qq.when:
                w = words.words(E.parse(qq.when))
                # "仅回答第8题选'x'者作答" reads "only those who answered Q8 with x"; words that do not start with
                # a question (回答了第8题, 未回答…, 不符合…) take 仅限 (it read "仅回答回答了第8题…")
                lead = "仅回答" if w.startswith("第") else "仅限"
                fq.condition = None if w == "所有人" else f"（{lead}{w}者作答）"
            fq.options = [FormOption(code=o.code, label=o.label, other=o.other, exclusive=o.exclusive, na=o.na)
                          for o in qq.options]
            if qq.type in CHOICE_SOURCES:
                groups: dict[int, list[str]] = {}
                for fo in fq.options:
                    t = option_jumps.get((qq.id, fo.code))
                    if t is not None:
                        fo.jump = _jump_words(t)
                        groups.setdefault(t, []).append(fo.label)
                fq.jumps = [f"选{_join_or(lbls)}者{_jump_words(t)}" for t, lbls in groups.items()]
            if qq.id in after:
                fq.after = f"（答完本题请{_jump_words(after[qq.id])}）"
            if qq.type == "matrix":
                fq.rows = [FormRow(id=r.id, label=r.label) for r in qq.rows]
                fq.instruction = "（每行选一项，在相应方框内打“√”）"
            elif qq.type == "multiple":
                fq.instruction = _multiple_instruction(qq)
            elif qq.type == "ranking":
                fq.instruction = _ranking_instruction(qq)
            elif qq.type == "number":
                fq.instruction = _number_instruction(qq)
            elif qq.type == "text":
                fq.lines = 3
            if qq.options and qq.type != "matrix":
                fq.columns = _columns_for(qq.options)
            fs.questions.append(fq)
        sections.append(fs)
    return Form(id=q.id, title=q.title, version=q.version, description=q.description, sites=all_sites,
                sections=sections, n_questions=len(q.questions), n_items=q.n_items)


# ----------------------------------------------------------------------------- render
def _env(template_dir: Optional[Path] = None):
    import jinja2

    where = str(template_dir) if template_dir is not None else str(files("report_templates"))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(where), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["chinese_number"] = chinese_number
    return env


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (section numbering); other values as digits."""
    d = "零一二三四五六七八九"
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return d[ones]
    return ("" if tens == 1 else d[tens]) + "十" + (d[ones] if ones else "")


def render_form(q: Questionnaire, *, template_dir: Optional[Path] = None,
                font_css: Optional[Callable[[str], str]] = None) -> str:
    """The paper form as one self-contained HTML page (A4 print CSS).

    ``font_css(html)`` returns ``@font-face`` rules for the characters of ``html`` (the CLI
    passes the bundled CJK font subsetter, :func:`report.fonts.font_face_css`); they replace
    the template's ``/*FONTFACE*/`` marker, so the page needs no system CJK font.
    """
    form = build_form(q)
    html = _env(template_dir).get_template("form_zh.html.j2").render(form=form)
    return html.replace("/*FONTFACE*/", font_css(html) if font_css else "", 1)


FORM_SUFFIXES = (".html", ".htm", ".pdf")  # `survey form --out`: the HTML, or its PDF (cli.questionnaire.form)


def write_form(q: Questionnaire, path: str | Path, **kw) -> Path:
    """Render the form and write it atomically to ``path``."""
    return atomic_write_text(path, render_form(q, **kw))

"""Skip conditions that can never hold: questions that would never be asked.

A ``when:`` such as ``false``, ``Q1 == 1 and Q1 == 2``, ``N1 > 100`` on a number question with ``max: 80``, or
``Q6 == 1`` where Q6 is itself never asked, passes every syntax and reference check, yet the question is never
asked, the paper form tells everyone to skip it and nothing is ever collected for it — silently.

:func:`never_asked` finds them by evaluating each condition (:func:`survey.expr.evaluate`, the same evaluator
the import and the analysis use) over every combination of the answers that can matter to it: each option code
of a choice question or matrix row, for a number question the values its literals and ``min``/``max`` cut its
range into, for a multiple choice or ranking every set of the options the condition names (with and without an
option it does not name), for a text question an answer or none, and always "no answer".  Those candidates
cover every case the comparisons can tell apart, so a condition false on all of them is false on every
respondent.  A question that is never asked leaves only "no answer" to the conditions that refer to it.  A
condition whose combinations exceed :data:`MAX_COMBINATIONS` is not judged.
"""

from __future__ import annotations

import itertools
from typing import Any, Optional

import numpy as np

from . import expr as E
from .questionnaire import CHOICE_TYPES, Question, Questionnaire

MAX_COMBINATIONS = 200_000  # answer combinations evaluated for one condition at most
MAX_NAMED_OPTIONS = 10  # options of one multiple choice a condition may name and still be judged

Scenarios = tuple[list[str], list[tuple[Any, ...]]]  # (columns, rows of values for them)


def never_asked(q: Questionnaire) -> dict[str, list[str]]:
    """``{question id: [referred questions that are never asked]}`` for every question whose ``when`` can
    never hold, in file order.  Conditions that do not parse or refer to unknown questions are skipped (the
    validator reports those)."""
    out: dict[str, list[str]] = {}
    for qq in q.questions:
        if not qq.when:
            continue
        try:
            ast = E.parse(qq.when)
            holds = _can_hold(q, ast, set(out))
        except (E.ExprSyntaxError, KeyError, ValueError, TypeError):
            continue
        if holds is False:
            bases = dict.fromkeys(r.name.split(".")[0] for r in E.references(ast))
            out[qq.id] = [b for b in bases if b in out]
    return out


def asked_under(q: Questionnaire, src: Question) -> dict[str, np.ndarray]:
    """For every question after ``src`` (a single choice, scale or yes/no): one flag per option of ``src``,
    False when the question cannot be asked to a respondent who chose that option — its condition cannot
    hold with that answer, directly or through questions that such a respondent is not asked (``Q3`` on
    ``Q2 == 1`` where ``Q2`` is asked only when ``Q1 == 1``: not asked when ``Q1`` is 2).  The paper form
    (:mod:`survey.form`) prints its 跳至第N题 from these flags."""
    later = q.questions[next(i for i, z in enumerate(q.questions) if z.id == src.id) + 1:]
    out = {z.id: np.ones(len(src.options), dtype=bool) for z in later}
    for j, o in enumerate(src.options):
        never: set[str] = set()
        for z in later:
            if not z.when:
                continue
            try:
                holds = _can_hold(q, E.parse(z.when), never, fixed={src.id: float(o.code)})
            except (E.ExprSyntaxError, KeyError, ValueError, TypeError):
                continue
            if holds is False:
                never.add(z.id)
                out[z.id][j] = False
    return out


class AskedUnder:
    """:func:`asked_under` one question at a time, for the paper form's jumps (:mod:`survey.form`).

    ``asked(src, j, z)``: can ``z`` (after ``src``) be asked to a respondent who *was asked* ``src`` and chose
    its option ``j``?  Besides fixing the answer, the condition of ``src`` itself must hold (a respondent
    answering Q8, asked when ``Q7 == "x"``, is never asked Q10, asked when ``Q7 == "y"``: the form told those
    choosing Q8 'y' to go to Q10).  The questions after ``src`` are judged in order and only as far as asked
    for, and each judgement is cached by what decides it — the question, which of the questions it names are
    never asked, the fixed answer when it names ``src``, and ``src``'s condition when the two name a common
    question — so a chain of conditions (each on the one before) costs one judgement per question, not one
    per pair of questions (400 chained questions took 56 s, 3,000 over 14 minutes)."""

    def __init__(self, q: Questionnaire):
        self.q = q
        self.qs = q.questions
        self.pos = {z.id: i for i, z in reversed(list(enumerate(self.qs)))}
        self.ast: dict[str, Any] = {}
        self.refs: dict[str, frozenset] = {}
        for z in self.qs:
            try:
                ast = E.parse(z.when) if z.when else None
            except E.ExprSyntaxError:
                ast = None
            self.ast[z.id] = ast
            self.refs[z.id] = frozenset(r.name.split(".")[0] for r in E.references(ast)) if ast is not None else frozenset()
        self.last_use: dict[str, int] = {}  # question id -> position of the last question whose condition names it
        for i, z in enumerate(self.qs):
            for r in self.refs[z.id]:
                self.last_use[r] = i
        self.state: dict[tuple[str, int], tuple[list[bool], set]] = {}  # (src, j) -> (flags of later qs, never)
        self.first_memo: dict[tuple, int] = {}
        self.cache: dict[tuple, bool] = {}
        self.evaluations = 0  # conditions evaluated (not served from the cache): tests bound the work with it

    def asked(self, src: Question, j: int, z: Question) -> bool:
        i0 = self.pos[src.id]
        flags, never = self.state.setdefault((src.id, j), ([], set()))
        want = self.pos[z.id] - i0 - 1
        while len(flags) <= want:
            w = self.qs[i0 + 1 + len(flags)]
            ok = self._judge(src, j, w, never)
            if not ok:
                never.add(w.id)
            flags.append(ok)
        return flags[want]

    def never_before(self, src: Question, j: int, p: int) -> set:
        """The questions between ``src`` and position ``p`` not asked to the respondent (``src``, option j)."""
        if p > self.pos[src.id] + 1:
            self.asked(src, j, self.qs[p - 1])
        i0 = self.pos[src.id]
        flags, _ = self.state.get((src.id, j), ([], set()))
        return {self.qs[i0 + 1 + k].id for k, ok in enumerate(flags[:p - i0 - 1]) if not ok}

    def first_from(self, src: Question, j: int, p: int, never: Optional[set] = None) -> int:
        """Position of the first question at or after ``p`` that can be asked to a respondent asked ``src`` who
        chose its option ``j`` (``len(questions)``: none, the end), given the questions before ``p`` not asked
        to them (``never``).  Memoised by what decides it: ``p``, those of ``never`` a question from ``p`` on
        still names, and ``src``'s answer only while a question from ``p`` on names ``src`` or a question its
        condition names — so the scans of a chain share their tails."""
        n = len(self.qs)
        never = {x for x in (never or ()) if self.last_use.get(x, -1) >= p}
        ctx_refs = self.refs[src.id] | {src.id}
        path = []
        result = n
        while p < n:
            mine = max((self.last_use.get(r, -1) for r in ctx_refs), default=-1) >= p
            key = (p, frozenset(never), (src.id, j) if mine else None)
            if key in self.first_memo:
                result = self.first_memo[key]
                break
            path.append(key)
            w = self.qs[p]
            if self._judge(src, j, w, never):
                result = p
                break
            never.add(w.id)
            p += 1
            never = {x for x in never if self.last_use.get(x, -1) >= p}
        for key in path:
            self.first_memo[key] = result
        return result

    def _judge(self, src: Question, j: int, w: Question, never: set) -> bool:
        ast = self.ast[w.id]
        if ast is None:
            return True
        refs = self.refs[w.id]
        gone = frozenset(refs & never)
        code = float(src.options[j].code) if src.id in refs else None
        ctx_ast = self.ast.get(src.id)
        ctx = ctx_ast is not None and bool(refs & self.refs[src.id])
        key = (w.id, gone, code, src.id if ctx else None)
        hit = self.cache.get(key)
        if hit is None:
            self.evaluations += 1
            both = E.BoolOp("and", (ast, ctx_ast), 0) if ctx else ast
            try:
                holds = _can_hold(self.q, both, set(gone), fixed={src.id: code} if code is not None else None)
            except (KeyError, ValueError, TypeError):
                holds = None
            hit = self.cache[key] = holds is not False
        return hit


def _can_hold(q: Questionnaire, ast: Any, never: set[str], fixed: Optional[dict[str, float]] = None) -> Optional[bool]:
    """True when some combination of answers makes ``ast`` true, False when none does, None when too many.
    ``fixed``: questions whose answer is given ({id: code})."""
    from .skip import resolver

    if any(isinstance(n, E.Compare) and isinstance(n.left, E.Ref) and isinstance(n.right, E.Ref)
           for n in E.walk(ast)):
        return None  # one answer compared with another (N1 > N2): not judged
    fixed = fixed or {}
    variables = [([name], [(fixed[name],)]) if name in fixed else _scenarios(q, name, ast, name.split(".")[0] in never)
                 for name in dict.fromkeys(r.name for r in E.references(ast))]
    total = 1
    for _, rows in variables:
        total *= len(rows)
    if total > MAX_COMBINATIONS:
        return None
    data: dict[str, np.ndarray] = {}
    picks = list(itertools.product(*[range(len(rows)) for _, rows in variables])) if variables else [()]
    n = len(picks)
    for v, (cols, rows) in enumerate(variables):
        for j, col in enumerate(cols):
            vals = [rows[p[v]][j] for p in picks]
            data[col] = np.asarray(vals, dtype=object if any(isinstance(x, str) for x in vals) else float)
    return bool(np.asarray(E.evaluate(ast, _Absent(data, n), resolver(q), n)).any())


class _Absent(dict):
    """The candidate columns; a column no candidate sets reads as "no answer"."""

    def __init__(self, data: dict[str, np.ndarray], n: int):
        super().__init__(data)
        self.n = n

    def __missing__(self, key: str) -> np.ndarray:
        return np.full(self.n, np.nan)


def _scenarios(q: Questionnaire, name: str, ast: Any, never: bool) -> Scenarios:
    """The candidate answers of the question (or matrix row) ``name`` as columns and rows of values."""
    qq = q.question(name.split(".")[0])
    if qq.type in ("multiple", "ranking"):
        return _choice_sets(qq, ast, never)
    col = f"{qq.id}_{name.split('.', 1)[1]}" if "." in name else qq.id
    if never:
        return [col], [(np.nan,)]
    if qq.type == "text":
        return [col], [(None,), ("x",)]
    if qq.type == "number":
        return [col], [(v,) for v in _number_points(qq, name, ast)] + [(np.nan,)]
    if qq.type in CHOICE_TYPES or qq.type == "matrix":
        return [col], [(float(o.code),) for o in qq.options] + [(np.nan,)]
    return [col], [(np.nan,)]


def _choice_sets(qq: Question, ast: Any, never: bool) -> Scenarios:
    """Multiple choice / ranking: no answer, and every set of the named options, alone or with one more."""
    cols = [f"{qq.id}_{o.code}" for o in qq.options]
    blank: tuple[Any, ...] = tuple(np.nan for _ in cols)
    if never:
        return cols, [blank]
    named = {_code(qq, n.right) for n in E.walk(ast)
             if isinstance(n, E.Compare) and n.op == "selected" and isinstance(n.left, E.Ref) and n.left.name == qq.id}
    named.discard(None)
    if len(named) > MAX_NAMED_OPTIONS:
        raise ValueError("too many named options to judge")
    others = [o.code for o in qq.options if o.code not in named]
    rows = [blank]
    for k in range(len(named) + 1):
        for chosen in itertools.combinations(sorted(named), k):
            for extra in ([()] + ([(others[0],)] if others else [])):
                picked = set(chosen) | set(extra)
                rows.append(tuple(1.0 if o.code in picked else 0.0 for o in qq.options))
    return cols, rows


def _code(qq: Question, lit: Any) -> Optional[int]:
    """The option code a ``selected`` literal names (None when it names none)."""
    if not isinstance(lit, E.Lit):
        return None
    for o in qq.options:
        if o.label == str(lit.value).strip() or str(o.code) == str(lit.value).strip() or o.code == lit.value:
            return o.code
    return None


def _number_points(qq: Question, name: str, ast: Any) -> list[float]:
    """Values of a number question that fall on and between every literal it is compared with and its
    ``min``/``max``: one per region the comparisons can tell apart, all within ``[min, max]``."""
    lits: set[float] = set()
    for n in E.walk(ast):
        if not isinstance(n, E.Compare):
            continue
        left, right = (n.right, n.left) if isinstance(n.left, E.Lit) else (n.left, n.right)
        if not (isinstance(left, E.Ref) and left.name == name):
            continue
        for r in (right if isinstance(right, tuple) else (right,)):
            if isinstance(r, E.Lit) and isinstance(r.value, (int, float)) and not isinstance(r.value, bool):
                lits.add(float(r.value))
    lo, hi = qq.min, qq.max
    pts = sorted({p for p in lits | {v for v in (lo, hi) if v is not None}
                  if (lo is None or p >= lo) and (hi is None or p <= hi)})
    if not pts:
        return [lo if lo is not None else (hi if hi is not None else 0.0)]
    out = list(pts) + [(a + b) / 2 for a, b in zip(pts, pts[1:])]
    if lo is None:
        out.append(pts[0] - 1)
    if hi is None:
        out.append(pts[-1] + 1)
    return out

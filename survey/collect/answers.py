"""A submitted form → one row in minyi's native layout, checked like an imported row.

Field names of the phone form (and of the JSON the form's script posts):

* single / scale / yes-no: ``<id>`` = option code; ``<id>_other`` = the "please specify" text;
* multiple choice: ``<id>`` = the selected codes (a list, or the field repeated); ``<id>_other``;
* matrix: ``<id>_<row id>`` = code;
* ranking: ``<id>`` = the codes in the order tapped (first = rank 1), or ``<id>_<code>`` = rank
  (the form without JavaScript);
* number: ``<id>``; text: ``<id>``.

:func:`to_row` converts one submission (cells that are not numbers where codes or numbers are due,
codes that are not options of a multiple/ranking question and over-long text are problems of their
own, reported once, the cell left blank — as the importer does; so are what the phone form would not
send: a fraction for a number question with whole-number limits (``not-an-integer``), a text answer that
is not one text (``not-text``), "please specify" text without its "other" option (``other-not-chosen``), an
"other" option chosen with its text empty (``other-text-missing``),
a required ranking with fewer than ``k`` options ranked (``rank-invalid``) and one value sent twice where one is
due — a matrix row (``too-many``), a number (``not-a-number``), a rank (``rank-invalid``)); :func:`check_batch` runs
:func:`survey.rowcheck.check_rows` — the same checks as ``survey import``: options, limits,
selections, exclusive options, ranks, skip logic and site sections, required answers — over a
batch of rows at once, and turns every problem into a :class:`FieldError` naming the question, with
a Chinese message for the respondent (:data:`FIELD_MESSAGES_ZH`) beside the catalogue message.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

import numpy as np
import pandas as pd

from ..messages import phrase, problem
from ..questionnaire import Question, Questionnaire
from ..importers.text import norm_text
from ..rowcheck import check_rows

MAX_TEXT = 2000  # characters in one text answer or "please specify" fill-in

# What the respondent reads next to the question, by catalogue code (params from the question).
FIELD_MESSAGES_ZH = {
    "blank-row": "问卷还没有作答，请回答后再提交",
    "unknown-option": "请从给出的选项中选择",
    "not-a-number": "请填写数字",
    "out-of-range": "请填写{range}的数",
    "too-many": "最多选{max}项",
    "too-few": "至少选{min}项",
    "exclusive": "“{label}”不能与其他选项同时选择",
    "should-skip": "根据您前面的回答，本题无需作答",
    "required-missing": "此题为必答题，请作答",
    "required-row": "请为“{row}”选择一项",
    "rank-invalid": "请按重要程度依次点选{k}项",
    # a ranking refused for another reason than too few ranked (the reason phrase of survey.messages.PHRASES): said
    # as it is, since "tap k in order" does not tell a respondent of the plain form, choosing a rank per option,
    # that two options got the same rank
    "rank-invalid.rank-twice": "每个名次只能给一个选项，请重新排序",
    "rank-invalid.rank-option-twice": "同一选项只能排一个名次，请重新排序",
    "rank-invalid.rank-too-many": "最多排{k}项，请去掉多余的名次",
    "rank-invalid.rank-outside": "名次应为1—{k}",
    "rank-invalid.rank-whole": "名次应为1—{k}",
    "rank-invalid.rank-number": "名次应为1—{k}",
    "text-too-long": "回答太长了（最多{max}字）",
    "not-an-integer": "请填写{range}的整数",
    "not-text": "请填写一段文字",
    "other-not-chosen": "只有选择“{label}”时才需填写说明",
    "other-text-missing": "您选择了“{label}”，请注明具体内容",
}


@dataclass(frozen=True)
class FieldError:
    """One problem of a submission, placed at its question."""

    question: str  # question id ("" for the whole form)
    column: str  # native column or question id
    code: str  # catalogue code
    message: str  # Chinese, for the respondent
    detail: str  # the catalogue message (English), as `survey import` would record it

    def to_dict(self) -> dict:
        return {"question": self.question, "column": self.column, "code": self.code, "message": self.message,
                "detail": self.detail}


def _values(fields: Mapping[str, Any], name: str) -> list:
    """The non-blank values sent for ``name`` (anything that is not text or a number counts as text)."""
    v = fields.get(name)
    if v is None:
        return []
    if isinstance(v, (list, tuple)):
        return [x for x in v[:200] if x is not None and str(x).strip() != ""]
    return [] if str(v).strip() == "" else [v]


def _one(fields: Mapping[str, Any], name: str) -> Any:
    vals = _values(fields, name)
    return vals[0] if vals else None


# A number as text: what ``<input type=number>`` sends (-12, 3.5, .5, 1e3) and what `survey import` reads (its
# pd.to_numeric after survey.importers.text.norm_text: a sign, 5., full-width digits, spaces dropped) — never
# Python's own spellings (1_0 read as 10, non-ASCII digits, "infinity").
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def _number(v: Any) -> Optional[float]:
    """A finite number from a JSON number or text (:data:`_NUMBER_RE`); None if it is not one."""
    if v is None or isinstance(v, bool):  # None: most option columns of a multiple choice (no exception raised)
        return None
    if isinstance(v, (int, float)):
        try:
            x = float(v)
        except OverflowError:  # a JSON integer of hundreds of digits
            return None
    elif isinstance(v, str):
        t = v.strip()
        if not _NUMBER_RE.fullmatch(t):  # as `survey import` reads a cell: full-width digits, spaces inside
            t = norm_text(t)
            if not _NUMBER_RE.fullmatch(t):  # 1_0, 0x10, ١٠, "infinity": Python's float() takes them, no form sends them
                return None
        try:
            x = float(t)
        except (ValueError, OverflowError):
            return None
    else:  # a JSON object or list where one value is due
        return None
    return x if math.isfinite(x) else None


def _text(v: Any) -> Optional[str]:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


class _Row:
    def __init__(self, q: Questionnaire):
        self.q = q
        self.values: dict[str, Any] = {}
        self.prior: list[dict] = []  # cell problems found while converting (importer style)

    def bad(self, qq: Question, column: str, value: Any, code: str, **params) -> None:
        msg = problem(code, column=column, value=value, **params).message
        self.prior.append({"column": column, "value": None if value is None else str(value)[:200], "code": code,
                           "message": msg, "target": column, "reason": _reason(params)})

    def code(self, qq: Question, column: str, v: Any) -> None:
        if v is None:
            return
        x = _number(v)
        if x is None:
            self.bad(qq, column, v, "unknown-option", qid=column,
                     choices=", ".join(f"{o.code}={o.label}" for o in qq.options[:10]))
            return
        self.values[column] = x  # an option code or not: check_rows says (unknown-option)

    def text(self, qq: Question, column: str, v: Any) -> None:
        if isinstance(v, (list, tuple)):  # the field sent twice (or a JSON list): one text is due
            vals = [x for x in v if x is not None and not (isinstance(x, str) and not x.strip())]
            if len(vals) > 1:
                self.bad(qq, column, ", ".join(map(str, vals))[:200], "not-text", qid=column, kind=phrase("kind-several"))
                return
            v = vals[0] if vals else None
        if v is None:
            return
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            kind = phrase("kind-bool" if isinstance(v, bool) else "kind-list" if isinstance(v, (list, tuple)) else "kind-object")
            self.bad(qq, column, str(v)[:50], "not-text", qid=column, kind=kind)
            return
        if isinstance(v, float) and not math.isfinite(v):
            self.bad(qq, column, None, "not-text", qid=column, kind=phrase("kind-infinite"))
            return
        s = _text(v)
        if s is None:
            return
        if len(s) > MAX_TEXT:
            self.bad(qq, column, s[:50] + "…", "text-too-long", qid=column, count=len(s), max=MAX_TEXT)
            return
        self.values[column] = s


def to_row(q: Questionnaire, fields: Mapping[str, Any], *,
           other_text: bool = True) -> tuple[dict[str, Any], list[dict]]:
    """(native row, cell problems) of one submission; see the module docstring for field names.

    The row maps native column → float (codes, 0/1, ranks, numbers) or str (text); columns not
    answered are absent.  Multiple choice: 1 for each selected option and 0 for the others when any
    option is selected (nothing selected leaves the question blank: not asked or not answered).
    ``other_text``: an "other, please specify" option chosen with its text empty is a problem
    (``other-text-missing``); False for an answer made by a page from before that rule (docs/collect.md:
    it is stored, and its blank noted — :func:`blank_others`).
    """
    r = _Row(q)
    for qq in q.questions:
        if qq.type in ("single", "scale", "yesno"):
            vals = _values(fields, qq.id)
            if len(vals) > 1:
                r.bad(qq, qq.id, ", ".join(map(str, vals)), "too-many", qid=qq.id, count=len(vals), max=1)
            elif vals:
                r.code(qq, qq.id, vals[0])
        elif qq.type == "matrix":
            for row in qq.rows:  # one option per row, as a single choice: two sent are a problem, not the first kept
                col = f"{qq.id}_{row.id}"
                vals = _values(fields, col)
                if len(vals) > 1:
                    r.bad(qq, col, ", ".join(map(str, vals)), "too-many", qid=col, count=len(vals), max=1)
                elif vals:
                    r.code(qq, col, vals[0])
        elif qq.type == "multiple":
            chosen = set()
            for v in _values(fields, qq.id):
                x = _number(v)
                if x is None or x not in qq.codes:
                    r.bad(qq, qq.id, v, "unknown-option", qid=qq.id,
                          choices=", ".join(f"{o.code}={o.label}" for o in qq.options[:10]))
                else:
                    chosen.add(int(x))
            for o in qq.options:
                col = f"{qq.id}_{o.code}"
                legacy = _number(_one(fields, col))  # <id>_<code> = 1 (form without JavaScript)
                if legacy == 1:
                    chosen.add(o.code)
            if chosen:
                for o in qq.options:
                    r.values[f"{qq.id}_{o.code}"] = 1.0 if o.code in chosen else 0.0
        elif qq.type == "ranking":
            order = _values(fields, qq.id)
            if order:
                for rank, v in enumerate(order, start=1):
                    x = _number(v)
                    if x is None or x not in qq.codes:
                        r.bad(qq, qq.id, v, "unknown-option", qid=qq.id,
                              choices=", ".join(f"{o.code}={o.label}" for o in qq.options[:10]))
                        continue
                    col = f"{qq.id}_{int(x)}"
                    if col in r.values:
                        r.bad(qq, qq.id, v, "rank-invalid", qid=qq.id, reason=phrase("rank-option-twice"),
                              k=qq.k or len(qq.options))
                        continue
                    r.values[col] = float(rank)
            else:
                for o in qq.options:
                    col = f"{qq.id}_{o.code}"
                    vals = _values(fields, col)
                    if not vals:
                        continue
                    x = _number(vals[0])
                    if len(vals) > 1:  # one option given several ranks: none of them is its rank
                        r.bad(qq, col, ", ".join(map(str, vals)), "rank-invalid", qid=qq.id,
                              reason=phrase("rank-option-twice"), k=qq.k or len(qq.options))
                    elif x is None:
                        r.bad(qq, col, vals[0], "rank-invalid", qid=qq.id, reason=phrase("rank-number"),
                              k=qq.k or len(qq.options))
                    else:
                        r.values[col] = x
        elif qq.type == "number":
            vals = _values(fields, qq.id)
            if vals:
                v = vals[0] if len(vals) == 1 else ", ".join(map(str, vals))  # two numbers sent are not one
                x = _number(v)
                if x is None:
                    r.bad(qq, qq.id, v, "not-a-number", qid=qq.id)
                elif integer_question(qq) and not x.is_integer():
                    r.bad(qq, qq.id, v, "not-an-integer", qid=qq.id)
                else:
                    r.values[qq.id] = x
        elif qq.type == "text":
            r.text(qq, qq.id, fields.get(qq.id))
        if qq.type == "ranking" and qq.required:  # as the phone form asks: all k (or every option)
            k = min(qq.k or len(qq.options), len(qq.options))
            n = sum(1 for o in qq.options if f"{qq.id}_{o.code}" in r.values)
            if 0 < n < k:
                r.bad(qq, qq.id, None, "rank-invalid", qid=qq.id, reason=phrase("rank-count", n=n, k=k),
                      k=k)
        if qq.has_other and qq.type in ("single", "scale", "yesno", "multiple"):
            col = f"{qq.id}_other"
            before = len(r.prior)
            r.text(qq, col, fields.get(col))
            others = {o.code for o in qq.options if o.other}
            chosen = {c for c in others if r.values.get(f"{qq.id}_{c}") == 1.0 or r.values.get(qq.id) == float(c)}
            if col in r.values and not chosen and len(r.prior) == before:
                label = next((o.label for o in qq.options if o.other), "其他")
                r.bad(qq, col, r.values.pop(col)[:50], "other-not-chosen", qid=qq.id, label=label)
            elif other_text and chosen and col not in r.values and len(r.prior) == before:
                r.bad(qq, col, None, "other-text-missing", qid=qq.id, label=_other_label(qq, chosen))
    return r.values, r.prior


def _other_label(qq: Question, chosen: set) -> str:
    """The label of the chosen "other, please specify" option (其他)."""
    return next((o.label for o in qq.options if o.other and o.code in chosen), "其他")


def _other_chosen(qq: Question, row: Mapping[str, Any]) -> set:
    """Codes of the "other, please specify" options chosen in a native row."""
    return {o.code for o in qq.options if o.other
            and (row.get(f"{qq.id}_{o.code}") == 1.0 or (qq.type != "multiple" and row.get(qq.id) == float(o.code)))}


def blank_others(q: Questionnaire, row: Mapping[str, Any]) -> list[str]:
    """Questions of a native row whose "other, please specify" option is chosen with the text left empty
    (an answer from a page before the text was required: stored, and this list noted with it)."""
    return [qq.id for qq in q.questions if qq.has_other and qq.type in ("single", "scale", "yesno", "multiple")
            and _other_chosen(qq, row) and f"{qq.id}_other" not in row]


def known_fields(q: Questionnaire) -> frozenset:
    """Every field name :func:`to_row` reads (module docstring): question ids, native columns, "please specify"."""
    out = set()
    for qq in q.questions:
        out.add(qq.id)
        out.update(qq.columns())
        if qq.has_other:
            out.add(f"{qq.id}_other")
        if qq.type in ("multiple", "ranking"):
            out.update(f"{qq.id}_{o.code}" for o in qq.options)
    return frozenset(out)


MAX_KEPT_VALUE = 2000  # characters kept of one unknown field's value (as a text answer)
# Unknown fields of one answer kept with their values (and named in its 200): the first this many by name.  A
# page of an older questionnaire version has a few; a body of 15,000 made-up keys (256 KB allow that many) made
# a 124 KB note that flooded the dashboard's 需要核对的答卷 and `survey status`.  The count is kept whole.
MAX_KEPT_FIELDS = 20


def unknown_fields(known: frozenset, fields: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """The fields of a submission that no question of the questionnaire reads (a page of another questionnaire
    version): (name → value as sent for the first :data:`MAX_KEPT_FIELDS` names in sorted order, text cut to
    :data:`MAX_KEPT_VALUE`; how many there are in all), to keep in the journal and report."""
    names = sorted(str(name) for name in fields if name not in known)
    out: dict[str, Any] = {}
    for name in names[:MAX_KEPT_FIELDS]:
        v = fields[name]
        if isinstance(v, str):
            v = v[:MAX_KEPT_VALUE]
        elif isinstance(v, (list, tuple)):
            v = [x[:MAX_KEPT_VALUE] if isinstance(x, str) else x for x in v[:200]]
        out[name[:200]] = v
    return out, len(names)


def integer_question(qq: Question) -> bool:
    """A number question whose limits are whole numbers asks for a whole number (the form says "整数")."""
    return qq.type == "number" and qq.min is not None and qq.max is not None \
        and float(qq.min).is_integer() and float(qq.max).is_integer()


def fields_from_row(q: Questionnaire, row: Mapping[str, Any]) -> dict[str, Any]:
    """The form fields that give ``row`` (native layout) back through :func:`to_row` (tests, benchmarks)."""

    def has(v: Any) -> bool:
        return v is not None and not (isinstance(v, float) and math.isnan(v)) and not (isinstance(v, str) and not v.strip())

    def code(v: Any) -> str:
        return str(int(v)) if float(v).is_integer() else repr(float(v))

    out: dict[str, Any] = {}
    for qq in q.questions:
        if qq.type in ("single", "scale", "yesno", "number"):
            if has(row.get(qq.id)):
                out[qq.id] = code(row[qq.id])
        elif qq.type == "text":
            if has(row.get(qq.id)):
                out[qq.id] = str(row[qq.id])
        elif qq.type == "matrix":
            for c in qq.columns():
                if has(row.get(c)):
                    out[c] = code(row[c])
        elif qq.type == "multiple":
            chosen = [str(o.code) for o in qq.options if has(row.get(f"{qq.id}_{o.code}")) and row[f"{qq.id}_{o.code}"] == 1]
            if chosen:
                out[qq.id] = chosen
        elif qq.type == "ranking":
            ranked = sorted((float(row[f"{qq.id}_{o.code}"]), o.code) for o in qq.options
                            if has(row.get(f"{qq.id}_{o.code}")))
            if ranked:
                out[qq.id] = [str(c) for _, c in ranked]
        if qq.has_other and has(row.get(f"{qq.id}_other")):
            out[f"{qq.id}_other"] = str(row[f"{qq.id}_other"])
    return out


def _text_columns(q: Questionnaire) -> set[str]:
    return {c for qq in q.questions for c in qq.columns() if qq.type == "text" or c.endswith("_other")}


def frame_of(q: Questionnaire, rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Native-layout DataFrame of ``rows`` (answer columns only): float64 codes, object text."""
    rows = list(rows)
    text = _text_columns(q)
    data = {}
    for c in q.columns(meta=False):
        if c in text:
            data[c] = np.array([r.get(c) for r in rows], dtype=object)
        else:
            data[c] = np.array([r.get(c, np.nan) for r in rows], dtype=float)
    return pd.DataFrame(data)


def _question_of(q: Questionnaire) -> dict[str, Question]:
    out = {}
    for qq in q.questions:
        out[qq.id] = qq
        for c in qq.columns():
            out[c] = qq
    return out


def _reason(params: Any) -> Optional[str]:
    """The reason phrase's code of a row problem's params (a dict, or the JSON ``check_rows`` records), if any."""
    if isinstance(params, str):
        try:
            params = json.loads(params)
        except ValueError:
            return None
    reason = params.get("reason") if isinstance(params, dict) else None
    return reason.get("phrase") if isinstance(reason, dict) else None


def _zh(q: Questionnaire, qq: Optional[Question], column: str, code: str, reason: Optional[str] = None) -> str:
    if qq is None:
        return FIELD_MESSAGES_ZH.get(code, "请检查本题的回答")
    if code == "out-of-range":
        lo, hi = qq.min, qq.max
        rng = f"{lo:g}—{hi:g}之间" if lo is not None and hi is not None else \
            (f"不小于{lo:g}" if lo is not None else f"不大于{hi:g}")
        # a whole-number question asks for 整数 in its hint (请填写18—99之间的整数): its range error says the same
        return FIELD_MESSAGES_ZH["not-an-integer" if integer_question(qq) else code].format(range=rng)
    if code == "too-many":
        return FIELD_MESSAGES_ZH[code].format(max=int(qq.max) if qq.max is not None else 1)
    if code == "too-few":
        return FIELD_MESSAGES_ZH[code].format(min=int(qq.min) if qq.min is not None else 1)
    if code == "exclusive":
        label = next((o.label for o in qq.options if o.exclusive and column == f"{qq.id}_{o.code}"),
                     next((o.label for o in qq.options if o.exclusive), ""))
        return FIELD_MESSAGES_ZH[code].format(label=label)
    if code == "required-missing" and qq.type == "matrix" and column != qq.id:
        row = next((r.label for r in qq.rows if column == f"{qq.id}_{r.id}"), column)
        return FIELD_MESSAGES_ZH["required-row"].format(row=row)
    if code == "not-an-integer":
        return FIELD_MESSAGES_ZH[code].format(range=f"{qq.min:g}—{qq.max:g}之间")
    if code in ("other-not-chosen", "other-text-missing"):
        return FIELD_MESSAGES_ZH[code].format(label=next((o.label for o in qq.options if o.other), "其他"))
    if code == "rank-invalid":
        k = min(qq.k or len(qq.options), len(qq.options))
        return FIELD_MESSAGES_ZH.get(f"{code}.{reason}", FIELD_MESSAGES_ZH[code]).format(k=k)
    if code == "text-too-long":
        return FIELD_MESSAGES_ZH[code].format(max=MAX_TEXT)
    return FIELD_MESSAGES_ZH.get(code, "请检查本题的回答")


def check_batch(q: Questionnaire, rows: list[Mapping[str, Any]], priors: list[list[dict]]) -> list[list[FieldError]]:
    """Field errors of each row (empty list = valid), with the row checks of ``survey import``.

    ``priors[i]`` are the cell problems :func:`to_row` found in row ``i``; the problems that only
    follow from those blanked cells are not repeated (``check_rows(prior=...)``).
    """
    n = len(rows)
    if n == 0:
        return []
    frame = frame_of(q, rows)
    recs = [dict(p, index=i, row=i + 1) for i, ps in enumerate(priors) for p in ps]
    prior = pd.DataFrame(recs, columns=["index", "row", "column", "value", "code", "message", "target"]) \
        if recs else None
    found = check_rows(frame, q, rows=np.arange(n) + 1, prior=prior)
    qof = _question_of(q)
    out: list[list[FieldError]] = [[] for _ in range(n)]
    for rec in recs:
        qq = qof.get(rec["column"])
        out[rec["index"]].append(FieldError(qq.id if qq else "", rec["column"], rec["code"],
                                            _zh(q, qq, rec["column"], rec["code"], rec["reason"]), rec["message"]))
    for rec in found.itertuples(index=False):
        column = str(rec.column or "")
        qq = qof.get(column)
        code = str(rec.code)
        reason = _reason(rec.params) if code == "rank-invalid" else None
        out[int(rec.index)].append(FieldError(qq.id if qq else "", column, code, _zh(q, qq, column, code, reason),
                                              str(rec.message)))
    return out

"""Every question of the questionnaire as a frequency table (the appendix chapter 各题统计).

No question may silently disappear from a report: :func:`question_tables` gives each question, in
questionnaire order, its table of answers —

* single choice, yes/no, scale: per option the number of respondents choosing it, the design-based
  share of those who answered and its confidence interval;
* matrix: the same per row (one row of the table per row × option);
* multiple choice: per option % of respondents (base: those asked; Korn–Graubard interval, as the
  hot issues: :data:`report.hot_issue_groups.HOT_CI`) and % of mentions;
* ranking: per option the share ranking it first and the mean Borda score;
* number: the weighted mean with its interval;
* text: the number of answers (the answers themselves are in the open-answer section).

Shares are :func:`analysis.multiple.multiple_choice` "% of respondents" with the option's indicator
as the selected column (for one code per respondent :func:`analysis.multiple.single_choice`, the same
estimate from one table of the answer codes: R ``svyciprop(~I(x == code), design)`` on the answered
rows, checked against R in ``tests/test_multiple.py`` / ``tests/test_ciprop_r_golden.py``; equal to
``multiple_choice`` in ``tests/test_single_choice.py``);
means are :func:`analysis.estimators.svymean` (R ``svymean``).  Records are dataclasses; the result dict
holds them as plain dicts (:func:`dataclasses.asdict`) under ``questions``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional

import numpy as np
import pandas as pd

from analysis import Design
from analysis.domains import CodeCounts, stretch_counts
from analysis.estimators import svymean
from analysis.multiple import asked_rows, multiple_choice, ranking_scores, single_choice
from survey.columns import answer_column, float_column
from survey.questionnaire import CHOICE_TYPES, Question, Questionnaire

from .hot_issue_groups import HOT_CI as MULTIPLE_CI
from .item_scores import coded_column

TYPE_NAMES = {"zh": {"single": "单选", "yesno": "是否", "scale": "量表", "matrix": "矩阵量表", "multiple": "多选",
                     "ranking": "排序", "number": "数值", "text": "开放题"},
              "en": {"single": "single choice", "yesno": "yes/no", "scale": "scale", "matrix": "rating matrix",
                     "multiple": "multiple choice", "ranking": "ranking", "number": "number", "text": "open answer"}}


@dataclass
class FreqRow:
    """One answer of a question (or of a matrix row): count, share, interval; ``mentions`` for multiple
    choice (% of mentions), ``borda`` for ranking (mean Borda score)."""

    label: str
    n: int
    share: Optional[float]
    ci_low: Optional[float]
    ci_high: Optional[float]
    row: Optional[str] = None          # matrix row label
    mentions: Optional[float] = None   # multiple choice: share of all mentions
    borda: Optional[float] = None      # ranking: mean Borda score


@dataclass
class QuestionTable:
    """A question's frequency table.  ``n``: respondents who answered (asked, for multiple/ranking);
    ``mean``/``mean_ci``: number questions; ``rows``: the answers."""

    id: str
    number: int
    section: str
    text: str
    type: str
    n: int
    rows: list = field(default_factory=list)
    mean: Optional[float] = None
    mean_ci: Optional[list] = None


def _f(x) -> Optional[float]:
    x = float(x)
    return x if np.isfinite(x) else None


def _choice_rows(des: Design, coded: tuple, q: Question, ci_method: str, confidence: float,
                 row: Optional[str] = None, counter: Optional[CodeCounts] = None) -> tuple[int, list]:
    """Options of a one-code question column (``coded``: its :func:`analysis.domains.code_values`, code 0 =
    not answered) as shares of the answered rows."""
    xc, values = coded
    # rows per code (code 0: not answered)
    counts = counter.of(xc, len(values)) if counter is not None else stretch_counts(xc, len(values))[0]
    n = int(len(xc) - counts[0])
    opts = q.options
    if not opts or not n:
        return n, [FreqRow(o.label, 0, None, None, None, row) for o in opts]
    res = single_choice(des, None, [o.code for o in opts], [o.label for o in opts], ci_method=ci_method,
                        confidence=confidence, coded=coded, counts=counts)
    out = []
    for o, r in zip(opts, res.options):
        e = r.stats["respondents"][0]
        out.append(FreqRow(o.label, int(counts[values == o.code].sum()), _f(e.estimate), _f(e.ci_low),
                           _f(e.ci_high), row))
    return n, out


def question_table(q: Question, frame: pd.DataFrame, des: Design, *, ci_method: str = "logit",
                   confidence: float = 0.95, coded: Optional[dict] = None,
                   counts: Optional[CodeCounts] = None) -> QuestionTable:
    """One question's :class:`QuestionTable` (module docstring).  ``coded``: columns already coded
    ({column: :func:`analysis.domains.code_values`}, the analysis's items), used instead of coding them again;
    ``counts``: the analysis's :class:`analysis.domains.CodeCounts` (the rows per code of the coded columns,
    shared with other sections)."""
    t = QuestionTable(q.id, q.number, q.section, q.text, q.type, 0)

    def codes_of(c: str) -> tuple:
        return coded_column(frame, c, coded, missing_ok=True)

    def shared(c: str) -> Optional[CodeCounts]:
        """The shared counts for a column the analysis coded (a column coded here is counted here)."""
        return counts if coded and c in coded else None

    if q.type in CHOICE_TYPES:
        t.n, t.rows = _choice_rows(des, codes_of(q.id), q, ci_method, confidence, counter=shared(q.id))
    elif q.type == "matrix":
        ns = []
        for r in q.rows:
            n, rows = _choice_rows(des, codes_of(f"{q.id}_{r.id}"), q, ci_method, confidence, row=r.label,
                                   counter=shared(f"{q.id}_{r.id}"))
            ns.append(n)
            t.rows += rows
        t.n = max(ns) if ns else 0
    elif q.type == "multiple":
        cols = [answer_column(frame, f"{q.id}_{o.code}") for o in q.options]  # 1/0, blank where not asked
        asked = asked_rows(cols, len(frame))
        t.n = int(asked.sum())
        if asked.any():
            res = multiple_choice(des, cols, [o.code for o in q.options], [o.label for o in q.options], asked=asked,
                                  ci_method=MULTIPLE_CI, confidence=confidence)
            for o, c, r in zip(q.options, cols, res.options):
                e, m = r.stats["respondents"][0], r.stats["mentions"][0]
                t.rows.append(FreqRow(o.label, int(np.sum(asked & (c > 0))), _f(e.estimate), _f(e.ci_low),
                                      _f(e.ci_high), mentions=_f(m.estimate)))
    elif q.type == "ranking":
        cols = [float_column(frame, f"{q.id}_{o.code}", missing_ok=True) for o in q.options]
        asked = asked_rows(cols, len(frame))
        t.n = int(asked.sum())
        if asked.any():
            res = ranking_scores(des, cols, [o.code for o in q.options], [o.label for o in q.options],
                                 k=q.k or len(q.options), asked=asked, ci_method=ci_method, confidence=confidence)
            for o, c, r in zip(q.options, cols, res.options):
                e, b = r.stats["first_choice"][0], r.stats["borda"][0]
                t.rows.append(FreqRow(o.label, int(np.sum(asked & (c == 1))), _f(e.estimate), _f(e.ci_low),
                                      _f(e.ci_high), borda=_f(b.estimate)))
    elif q.type == "number":
        x = float_column(frame, q.id, missing_ok=True)
        ok = np.isfinite(x)
        t.n = int(ok.sum())
        if ok.any():
            e = svymean(des, np.where(ok, x, 0.0), valid=ok, confidence=confidence)
            t.mean, t.mean_ci = _f(e.estimate), [_f(e.ci_low), _f(e.ci_high)]
    elif q.type == "text":
        if q.id in frame.columns:
            s = frame[q.id].dropna().astype(str).str.strip()
            t.n = int((s != "").sum())
    return t


def question_tables(qn: Questionnaire, frame: pd.DataFrame, des: Design, *, ci_method: str = "logit",
                    confidence: float = 0.95, coded: Optional[dict] = None,
                    counts: Optional[CodeCounts] = None) -> list[dict]:
    """Every question's table in questionnaire order, as dicts (the result's ``questions`` section);
    ``coded`` and ``counts`` as in :func:`question_table`."""
    counts = CodeCounts() if counts is None else counts
    return [asdict(question_table(q, frame, des, ci_method=ci_method, confidence=confidence, coded=coded, counts=counts))
            for q in sorted(qn.questions, key=lambda q: q.number)]


def question_columns(qn: Questionnaire) -> list[str]:
    """The response columns :func:`question_tables` reads."""
    out = []
    for q in qn.questions:
        out += q.code_columns() if q.type != "text" else [q.id]
    return out


@dataclass
class AppendixTable:
    """One question's table as the writers take it: caption, columns (header, kind as in
    :class:`report.render.Table`), raw rows, note."""

    qid: str
    caption: str
    columns: list
    rows: list
    note: str = ""


APPENDIX_TITLE = {"zh": "各题统计", "en": "Every question"}


def question_caption(t: dict) -> str:
    """``"A1 您的性别"``: the question id and text every format prints (tests look for it)."""
    return f"{t['id']} {t['text']}"


def appendix_tables(questions: list, lang: str = "zh") -> list[AppendixTable]:
    """The 各题统计 tables from the result's ``questions`` (questionnaire order)."""
    en = lang == "en"
    tn = TYPE_NAMES["en" if en else "zh"]
    H = (lambda zh, e: e if en else zh)  # noqa: E731
    ci = [(H("下限", "low"), "pct"), (H("上限", "high"), "pct")]
    out = []
    for t in questions:
        base = f"n = {t['n']:,}"
        cap = question_caption(t) + (f" ({tn.get(t['type'], t['type'])}; {base})" if en else
                                     f"（{tn.get(t['type'], t['type'])}；有效样本{t['n']:,}）")
        rows, note = [], ""
        if t["type"] == "matrix":
            cols = [(H("题项", "Row"), "text"), (H("选项", "Answer"), "text"), (H("人数", "n"), "int"),
                    (H("占比", "%"), "pct")] + ci
            rows = [[r["row"], r["label"], r["n"], r["share"], r["ci_low"], r["ci_high"]] for r in t["rows"]]
            note = H("占比以该题项的有效回答为基数。", "Shares of those who answered the row.")
        elif t["type"] == "multiple":
            cols = [(H("选项", "Option"), "text"), (H("人数", "n"), "int"), (H("占答题人数", "% of respondents"), "pct")] + ci \
                + [(H("占选择次数", "% of mentions"), "pct")]
            rows = [[r["label"], r["n"], r["share"], r["ci_low"], r["ci_high"], r["mentions"]] for r in t["rows"]]
            note = H("多选题：占答题人数之和可超过100%；占选择次数之和为100%。",
                     "Multiple choice: % of respondents may add up to more than 100%; % of mentions adds up to 100%.")
        elif t["type"] == "ranking":
            cols = [(H("选项", "Option"), "text"), (H("排第一人数", "n ranked first"), "int"),
                    (H("排第一占比", "% ranked first"), "pct")] + ci + [(H("平均得分", "mean Borda score"), "num2")]
            rows = [[r["label"], r["n"], r["share"], r["ci_low"], r["ci_high"], r["borda"]] for r in t["rows"]]
            note = H("得分：排第1位记k分、第2位记k−1分……未选记0分的平均值。",
                     "Score: k points for rank 1, k − 1 for rank 2, …, 0 when not ranked; averaged.")
        elif t["type"] == "number":
            cols = [(H("有效样本", "n"), "int"), (H("均值", "Mean"), "num2"), (H("下限", "low"), "num2"),
                    (H("上限", "high"), "num2")]
            lo, hi = t["mean_ci"] or [None, None]
            rows = [[t["n"], t["mean"], lo, hi]]
        elif t["type"] == "text":
            cols = [(H("有效回答", "Answers"), "int")]
            rows = [[t["n"]]]
            note = H("回答内容的分析见开放题部分。", "The answers are analysed in the open-answer section.")
        else:
            cols = [(H("选项", "Answer"), "text"), (H("人数", "n"), "int"), (H("占比", "%"), "pct")] + ci
            rows = [[r["label"], r["n"], r["share"], r["ci_low"], r["ci_high"]] for r in t["rows"]]
        out.append(AppendixTable(t["id"], cap, cols, rows, note))
    return out

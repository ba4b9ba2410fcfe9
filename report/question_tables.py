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
* text: the number of answers, those saying nothing (没有意见, 无 …) aside (the answers themselves are in the
  open-answer section).

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
from functools import partial
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
from .labels import join_list, label, labels


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
    na: bool = False                   # a 不了解/说不清 answer (the question's ``na_codes``)


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
    na_excluded: bool = False  # shares of the other answers have the 不了解 answers out of their base


def _f(x) -> Optional[float]:
    x = float(x)
    return x if np.isfinite(x) else None


def _choice_rows(des: Design, coded: tuple, q: Question, ci_method: str, confidence: float,
                 row: Optional[str] = None, counter: Optional[CodeCounts] = None,
                 na_exclude: bool = False) -> tuple[int, list]:
    """Options of a one-code question column (``coded``: its :func:`analysis.domains.code_values`, code 0 =
    not answered) as shares of the answered rows.  ``na_exclude`` (the ``exclude`` 不了解 policy, for a
    question with ``na_codes``): the other options' shares have the 不了解 answers out of their base, as the
    indicators do (so 非常满意 + 满意 is the headline 满意率); the 不了解 options' own shares stay shares of
    every answer (the 不了解 rate of the indicator tables)."""
    xc, values = coded
    # rows per code (code 0: not answered)
    counts = counter.of(xc, len(values)) if counter is not None else stretch_counts(xc, len(values))[0]
    n = int(len(xc) - counts[0])
    opts = q.options
    na_codes = set(q.na_codes or ())
    if not opts or not n:
        return n, [FreqRow(o.label, 0, None, None, None, row, na=o.code in na_codes) for o in opts]

    def shares(vals, options) -> dict:
        res = single_choice(des, None, [o.code for o in options], [o.label for o in options], ci_method=ci_method,
                            confidence=confidence, coded=(xc, vals), counts=counts)
        return {o.code: r.stats["respondents"][0] for o, r in zip(options, res.options)}

    split = na_exclude and any(o.code in na_codes for o in opts) and any(o.code not in na_codes for o in opts)
    if split:
        # a value NaN is a code single_choice reads as not answered: the 不了解 answers leave the base
        valid = values.astype(float, copy=True)
        valid[np.isin(valid, list(na_codes))] = np.nan
        est = shares(valid, [o for o in opts if o.code not in na_codes]) if (np.isfinite(valid) & (counts > 0)).any() else {}
        est.update(shares(values, [o for o in opts if o.code in na_codes]))
    else:
        est = shares(values, opts)
    out = []
    for o in opts:
        e = est.get(o.code)
        cnt = int(counts[values == o.code].sum())
        out.append(FreqRow(o.label, cnt, *((_f(e.estimate), _f(e.ci_low), _f(e.ci_high)) if e is not None else
                                          (None, None, None)), row, na=o.code in na_codes))
    return n, out


def question_table(q: Question, frame: pd.DataFrame, des: Design, *, ci_method: str = "logit",
                   confidence: float = 0.95, coded: Optional[dict] = None,
                   counts: Optional[CodeCounts] = None, na_policy: str = "exclude") -> QuestionTable:
    """One question's :class:`QuestionTable` (module docstring).  ``coded``: columns already coded
    ({column: :func:`analysis.domains.code_values`}, the analysis's items), used instead of coding them again;
    ``counts``: the analysis's :class:`analysis.domains.CodeCounts` (the rows per code of the coded columns,
    shared with other sections); ``na_policy``: the analysis's 不了解 treatment (``exclude``: the shares of
    the other answers leave the question's ``na_codes`` out of their base, as the indicators do)."""
    t = QuestionTable(q.id, q.number, q.section, q.text, q.type, 0)
    na_exclude = na_policy in ("exclude", "excluded") and bool(q.na_codes)
    t.na_excluded = na_exclude and q.type in CHOICE_TYPES + ("matrix",)

    def codes_of(c: str) -> tuple:
        return coded_column(frame, c, coded, missing_ok=True)

    def shared(c: str) -> Optional[CodeCounts]:
        """The shared counts for a column the analysis coded (a column coded here is counted here)."""
        return counts if coded and c in coded else None

    if q.type in CHOICE_TYPES:
        t.n, t.rows = _choice_rows(des, codes_of(q.id), q, ci_method, confidence, counter=shared(q.id),
                                   na_exclude=na_exclude)
    elif q.type == "matrix":
        ns = []
        for r in q.rows:
            n, rows = _choice_rows(des, codes_of(f"{q.id}_{r.id}"), q, ci_method, confidence, row=r.label,
                                   counter=shared(f"{q.id}_{r.id}"), na_exclude=na_exclude)
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
        if q.id in frame.columns:  # answers that say nothing (没有意见, 无 …) are no answers, as in the open section
            from .themes import is_non_answer

            # judged once per distinct answer (factorize), not once per cell: 0.2 s → 0.06 s of CPU per column at 1M
            codes, distinct = pd.factorize(frame[q.id])
            said = np.fromiter((not is_non_answer(str(v)) for v in distinct), dtype=bool, count=len(distinct))
            t.n = int(np.count_nonzero(said[codes[codes >= 0]]))
    return t


def question_tables(qn: Questionnaire, frame: pd.DataFrame, des: Design, *, ci_method: str = "logit",
                    confidence: float = 0.95, coded: Optional[dict] = None,
                    counts: Optional[CodeCounts] = None, na_policy: str = "exclude") -> list[dict]:
    """Every question's table in questionnaire order, as dicts (the result's ``questions`` section);
    ``coded``, ``counts`` and ``na_policy`` as in :func:`question_table`."""
    counts = CodeCounts() if counts is None else counts
    return [asdict(question_table(q, frame, des, ci_method=ci_method, confidence=confidence, coded=coded, counts=counts,
                                  na_policy=na_policy))
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


def _base_note(t: dict, lang: str) -> str:
    """The base of a choice table's shares, so that they reconcile with the text: without the 不了解
    answers (their row a share of every answer) when the analysis excluded them, else every answer."""
    na = sorted({r["label"] for r in t["rows"] if r.get("na")}, key=[r["label"] for r in t["rows"]].index)
    if not na:
        return label("note.base_answered", lang)
    names = join_list((f"“{x}”" for x in na), lang)
    return label("note.base_na_excluded" if t.get("na_excluded") else "note.base_na_kept", lang).format(na=names)


def question_caption(t: dict) -> str:
    """``"A1 您的性别"``: the question id and text every format prints (tests look for it)."""
    return f"{t['id']} {t['text']}"


def appendix_tables(questions: list, lang: str = "zh", ranking_k: Optional[dict] = None) -> list[AppendixTable]:
    """The 各题统计 tables from the result's ``questions`` (questionnaire order).  ``ranking_k``: {question id:
    number of places ranked} where the result gives it (its ``ranking`` section), so a ranking question's score
    is named and explained as in the 热点问题 chapter's table (综合得分, 第1位计3分…), not as an unexplained k."""
    L = partial(label, lang=lang)
    ci = [(L("word.ci_low"), "pct"), (L("word.ci_high"), "pct")]
    out = []
    for t in questions:
        kind = labels("qtype", lang).get(t["type"], t["type"])
        cap = L("qt.caption").format(caption=question_caption(t), type=kind, n=f"{t['n']:,}")
        rows, note = [], ""
        if t["type"] == "matrix":
            cols = [(L("qt.row"), "text"), (L("qt.answer"), "text"), (L("word.n_people"), "int"),
                    (L("qt.share"), "pct")] + ci
            rows = [[r["row"], r["label"], r["n"], r["share"], r["ci_low"], r["ci_high"]] for r in t["rows"]]
            note = _base_note(t, lang)
        elif t["type"] == "multiple":
            cols = [(L("qt.option"), "text"), (L("word.n_people"), "int"), (L("qt.pct_respondents"), "pct")] + ci \
                + [(L("qt.pct_mentions"), "pct")]
            rows = [[r["label"], r["n"], r["share"], r["ci_low"], r["ci_high"], r["mentions"]] for r in t["rows"]]
            note = L("qt.note_multiple")
        elif t["type"] == "ranking":
            cols = [(L("qt.option"), "text"), (L("qt.n_first"), "int"),
                    (L("qt.pct_first"), "pct")] + ci + [(L("word.borda"), "num2")]
            rows = [[r["label"], r["n"], r["share"], r["ci_low"], r["ci_high"], r["borda"]] for r in t["rows"]]
            k = (ranking_k or {}).get(t["id"])
            note = L("note.borda").format(k=k) if k else L("qt.note_ranking")
        elif t["type"] == "number":
            cols = [(L("word.valid_n"), "int"), (L("qt.mean"), "num2"), (L("word.ci_low"), "num2"),
                    (L("word.ci_high"), "num2")]
            lo, hi = t["mean_ci"] or [None, None]
            rows = [[t["n"], t["mean"], lo, hi]]
        elif t["type"] == "text":
            cols = [(L("qt.answers"), "int")]
            rows = [[t["n"]]]
            note = L("qt.note_text")
        else:
            cols = [(L("qt.answer"), "text"), (L("word.n_people"), "int"), (L("qt.share"), "pct")] + ci
            rows = [[r["label"], r["n"], r["share"], r["ci_low"], r["ci_high"]] for r in t["rows"]]
            note = _base_note(t, lang) if any(r.get("na") for r in t["rows"]) else ""
        out.append(AppendixTable(t["id"], cap, cols, rows, note))
    return out

"""Row validation on the native layout: every problem of every row, vectorised.

Checks (catalogue codes in :mod:`survey.messages`): ``blank-row``; ``unknown-option``
(a code that is not an option of a single/scale/yes-no/matrix question, or a multiple-choice
cell other than 0/1); ``out-of-range`` (number outside min/max); ``too-many`` / ``too-few``
selections; ``exclusive`` (e.g. 以上都没有 combined with other options); ``rank-invalid``;
``should-skip`` (answered although skip logic or the site's sections say it is not asked);
``required-missing`` (a required question that was asked but not answered).

One mistake gives one record: when the importer already reported a cell (an unknown option or a
non-number, which it blanks), the problems that only follow from the blank cell — ``required-missing``
and ``too-few`` for that question or matrix row, and ``should-skip`` / ``required-missing`` of questions
whose skip condition reads it — are not recorded again (``prior``).

:func:`check_rows` returns a DataFrame of problems (one record per problem: row index,
source row number, column, value, code, message, and the message's params as JSON, from which it is said in
Chinese where that is shown: survey.messages.record_message) — the quarantine records.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from .cores import halves, in_two
from .messages import phrase, problem
from .questionnaire import Questionnaire
from .skip import asked_masks

PROBLEM_COLUMNS = ["index", "row", "column", "value", "code", "message", "params"]
DERIVED = ("required-missing", "too-few")  # follow from a cell the importer blanked
_NONE = object()  # "this problem has no cell value" (whole-question problems)


class _Collector:
    def __init__(self, frame: pd.DataFrame, rows: np.ndarray):
        self.frame = frame
        self.rows = rows
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: np.ndarray, column: str, code: str, values=None, **params) -> None:
        """Record ``code`` for every row in ``mask`` (one message per distinct value, cached)."""
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        if values is _NONE:
            values = [None] * idx.size
        elif values is None:
            values = self.frame[column].to_numpy()[idx] if column in self.frame.columns else [None] * idx.size
        else:
            values = np.asarray(values, dtype=object)[idx]
        vals = [_fmt(v) for v in values]
        cache: dict = {}
        msgs, pars = [], []
        for v in vals:
            if v not in cache:
                p = dict(params)
                if "count" in p:
                    p["count"] = v
                pr = problem(code, column=column or None, value=v, **p)
                # an unknown option says which ones there are, as the importers' records do (converter.bad)
                cache[v] = pr.stored(hint="choices" in p)
            msgs.append(cache[v][0])
            pars.append(cache[v][1])
        self.parts.append(pd.DataFrame({"index": idx, "row": self.rows[idx], "column": column,
                                        "value": vals, "code": code, "message": msgs, "params": pars}))

    def result(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS)
        return pd.concat(self.parts, ignore_index=True).sort_values(["index", "column"], kind="stable")


def _in_codes(x: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``np.isin(x, codes)``; for the few codes of a question, one comparison per code (np.isin sorts the
    float column, several times slower)."""
    if codes.size > 16:
        return np.isin(x, codes)
    out = np.zeros(x.shape, dtype=bool)
    for c in codes:
        cx = x.dtype.type(c)  # the code in the column's type (float32) when it is exact there: no upcast
        out |= x == (cx if float(cx) == float(c) else c)
    return out


def _fmt(v) -> Optional[str]:
    if v is None:
        return None
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return None
        return str(int(v)) if float(v).is_integer() else str(float(v))
    return str(v)


class _Cols:
    """Per-column numeric values and presence, computed once per column."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._num: dict[str, np.ndarray] = {}
        self._has: dict[str, np.ndarray] = {}

    def num(self, col: str) -> np.ndarray:
        if col not in self._num:
            frame = self.frame
            if col not in frame.columns:
                self._num[col] = np.full(len(frame), np.nan)
            else:
                s = frame[col]
                if s.dtype in (np.float64, np.float32):
                    self._num[col] = s.to_numpy()  # no copy (float32 codes are exact small integers)
                else:
                    self._num[col] = (s.to_numpy(dtype=float, na_value=np.nan) if s.dtype.kind in "fiub"
                                      else pd.to_numeric(s, errors="coerce").to_numpy(dtype=float))
        return self._num[col]

    def has(self, col: str) -> np.ndarray:
        """True where the cell holds an answer (a number, or non-blank text)."""
        if col not in self._has:
            frame = self.frame
            if col not in frame.columns:
                self._has[col] = np.zeros(len(frame), dtype=bool)
            else:
                s = frame[col]
                if s.dtype.kind in "fiub":
                    self._has[col] = ~np.isnan(self.num(col))
                else:
                    t = s.astype("string").str.strip()
                    self._has[col] = (t.notna() & (t != "")).to_numpy(dtype=bool, na_value=False)
        return self._has[col]

    def any(self, cols: list[str]) -> np.ndarray:
        out = np.zeros(len(self.frame), dtype=bool)
        for c in cols:
            out |= self.has(c)
        return out

    def blank(self, cols: list[str]) -> np.ndarray:
        """Rows with no answer in any of ``cols``; each column's presence computed on two threads when
        there are (numpy releases the GIL; the cache only ever gets the same array for a column)."""
        in_two(lambda part: [self.has(c) for c in part], halves(cols), len(self.frame), "minyi-rowcheck")
        return ~self.any(cols)


def summary_ids(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose respondent id is the label of a total or an average (合计, 平均值, Total …:
    :data:`survey.tabular.SUMMARY_LABELS`, the row a spreadsheet adds under its data): a 平均值 row of whole-number
    averages holds valid codes, and was imported as one more respondent without a word."""
    if "respondent_id" not in frame.columns or not len(frame):
        return np.zeros(len(frame), dtype=bool)
    from .tabular import SUMMARY_LABELS

    ids = frame["respondent_id"].astype("string").str.strip().str.lower()
    return ids.isin(SUMMARY_LABELS).to_numpy(dtype=bool, na_value=False)


def check_rows(frame: pd.DataFrame, q: Questionnaire, rows: Optional[np.ndarray] = None,
               prior: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """All row problems of ``frame`` (native layout) as a DataFrame (see module docstring).

    ``rows`` are the source row numbers shown to users (default: ``frame['_row']`` or index + 2).
    ``prior``: the importer's cell problems (``index`` and ``target``, the native column or question
    id the cell was for); derived problems of those cells are left out.
    """
    n = len(frame)
    if rows is None:
        rows = frame["_row"].to_numpy() if "_row" in frame.columns else np.arange(n) + 2
    rows = np.asarray(rows)
    col = _Collector(frame, rows)
    C = _Cols(frame)
    qcols = [c for qq in q.questions for c in qq.columns()]
    blank = C.blank(qcols)
    col.add(blank, "", "blank-row", values=_NONE)
    # 合计 / 平均值 under the data whose cells all read (a 平均值 row of whole-number averages: valid codes) would
    # be one more respondent: one record says what it is.  An empty one stays blank-row, and one whose cells the
    # importer could not read has those cells' records (they say what it holds)
    summary = summary_ids(frame) & ~blank
    if prior is not None and len(prior):
        summary[prior["index"].to_numpy(dtype=np.int64)] = False
    col.add(summary, "respondent_id", "summary-row")
    live = ~blank & ~summary
    asked = asked_masks(q, frame)
    # the questions in two consecutive parts (about equal columns), each with its own records, checked
    # on two threads when there are: the records come out in the same order either way
    rules = {qq.id: _skip_rule(q, qq) for qq in q.questions}
    parts = in_two(lambda qs: _check_questions(qs, frame, rows, C, live, asked, n, rules).parts,
                   halves(q.questions, lambda qq: len(qq.columns())), n, "minyi-rowcheck")
    col.parts += [p for part in parts for p in part]
    out = col.result()
    if prior is not None and len(prior) and len(out):
        # a row whose cells the importer could not read (a summary row's 合计 22, a value that is no option) is not
        # empty: its problems say what it holds, "the row is empty" beside them said what it does not
        out = out[~((out["code"] == "blank-row").to_numpy()
                    & np.isin(out["index"].to_numpy(dtype=np.int64), prior["index"].to_numpy(dtype=np.int64)))]
    if prior is not None and len(prior) and len(out) and "target" in prior.columns:
        out = _drop_derived(out, prior, q)
    return out.reset_index(drop=True)


def _check_questions(questions: list, frame: pd.DataFrame, rows: np.ndarray, C: _Cols, live: np.ndarray,
                     asked: dict, n: int, rules: dict[str, str]) -> _Collector:
    """The problems of ``questions`` (see :func:`check_rows`) in a collector of their own; ``rules`` is the
    skip rule each ``should-skip`` record quotes (:func:`_skip_rule`)."""
    col = _Collector(frame, rows)
    for qq in questions:
        a = asked[qq.id] & live
        codes = np.array(qq.codes, dtype=float)
        choices = ", ".join(f"{o.code}={o.label}" for o in qq.options[:10]) + (" …" if len(qq.options) > 10 else "")
        answered = np.zeros(n, dtype=bool)
        if qq.type in ("single", "scale", "yesno", "matrix"):
            for c in qq.code_columns():  # not <id>_other (the "please specify" text)
                x = C.num(c)
                has = C.has(c)
                answered |= has
                bad = live & has & ~_in_codes(x, codes)
                col.add(bad, c, "unknown-option", qid=c, choices=choices)
            if qq.type == "matrix" and qq.required:
                row_any = C.any(qq.columns())
                col.add(a & ~row_any, qq.id, "required-missing", values=_NONE, qid=qq.id)
                for c in qq.columns():  # partly answered: each missing row
                    col.add(a & ~C.has(c) & row_any, c, "required-missing", qid=c)
        elif qq.type == "number":
            x = C.num(qq.id)
            has = C.has(qq.id)
            answered |= has
            col.add(live & has & np.isnan(x), qq.id, "not-a-number", qid=qq.id)
            lo = qq.min if qq.min is not None else -np.inf
            hi = qq.max if qq.max is not None else np.inf
            with np.errstate(invalid="ignore"):
                oob = live & ~np.isnan(x) & ((x < lo) | (x > hi))
            col.add(oob, qq.id, "out-of-range", qid=qq.id, min=qq.min, max=qq.max)
        elif qq.type == "text":
            answered |= C.has(qq.id)
        elif qq.type == "multiple":
            opt_cols = [f"{qq.id}_{o.code}" for o in qq.options]
            cnt = np.zeros(n, dtype=np.int64)
            sel = {}
            unknown = np.zeros(n, dtype=bool)  # an option cell neither 0 nor 1: reported once, as that cell
            for j, c in enumerate(opt_cols):
                x = C.num(c)
                bad = live & C.has(c) & (x != 0) & (x != 1)
                col.add(bad, c, "unknown-option", qid=c, choices="0, 1")
                unknown |= bad
                s_j = x == 1  # NaN compares False
                cnt += s_j
                if qq.options[j].exclusive:
                    sel[j] = s_j
            # the respondent answered something in the unknown cell: not also "required answer missing" or "too
            # few selected" for the same mistake (which options were meant is not known)
            answered |= (cnt > 0) | unknown
            if qq.max is not None:
                col.add(live & (cnt > qq.max), qq.id, "too-many", values=cnt, qid=qq.id, count="", max=int(qq.max))
            if qq.min is not None and qq.min > 1:  # an exclusive option (以上都没有) stands alone: it meets min
                alone = np.zeros(n, dtype=bool)
                for s_j in sel.values():
                    alone |= s_j
                col.add(a & (cnt > 0) & (cnt < qq.min) & ~alone & ~unknown, qq.id, "too-few", values=cnt, qid=qq.id, count="",
                        min=int(qq.min))
            for j, s_j in sel.items():
                col.add(live & s_j & (cnt > 1), opt_cols[j], "exclusive", qid=qq.id, label=qq.options[j].label)
        elif qq.type == "ranking":
            opt_cols = [f"{qq.id}_{o.code}" for o in qq.options]
            k = qq.k or len(opt_cols)
            n_ranked = np.zeros(n, dtype=np.int64)
            per_rank = np.zeros((k, n), dtype=np.int16)  # how many options got rank r
            for c in opt_cols:
                x = C.num(c)
                ranked = ~np.isnan(x)
                n_ranked += ranked
                with np.errstate(invalid="ignore"):
                    bad = ranked & ((x < 1) | (x > k) | (x != np.round(x)))
                col.add(live & bad, c, "rank-invalid", qid=qq.id, reason=phrase("rank-outside", k=k), k=k)
                for r in range(1, k + 1):
                    per_rank[r - 1] += x == r
            answered |= n_ranked > 0
            col.add(live & (per_rank > 1).any(axis=0), qq.id, "rank-invalid", values=_NONE, qid=qq.id,
                    reason=phrase("rank-twice"), k=k)
            col.add(live & (n_ranked > k), qq.id, "rank-invalid", values=_NONE, qid=qq.id,
                    reason=phrase("rank-too-many", k=k), k=k)
        # skip logic and required answers
        col.add(live & ~asked[qq.id] & answered, qq.id, "should-skip", values=_skip_values(qq), qid=qq.id,
                when=rules[qq.id])
        if qq.required and qq.type != "matrix":
            col.add(a & ~answered, qq.id, "required-missing", values=_NONE, qid=qq.id)
    return col


def _skip_rule(q: Questionnaire, qq) -> object:
    """What a ``should-skip`` record quotes as the rule: the question's condition (``B6 == "参加过"``), or, for
    a question asked by site only, the sites its section goes to ("section 营商环境 is asked only at 企业"; it
    read "its condition (site sections)", naming neither the section nor the site), as a phrase
    (survey.messages.phrase: said in the language the record is shown in)."""
    if qq.when:
        return qq.when
    sec = next((s for s in q.sections if s.id == qq.section), None)
    name = (sec.title or sec.id) if sec is not None else qq.section
    sites = [st.name for st in q.sites if not st.sections or qq.section in st.sections]
    return phrase("section-sites", name=name, sites="/".join(sites)) if sites else phrase("section-no-site", name=name)


def _skip_values(qq) -> object:
    """Where a ``should-skip`` record takes its value: the answer cell itself for a one-cell question
    (single, scale, yes/no, number, text: issue 3 — a quarantine record carries the column's value),
    none for a question spread over several cells (matrix, multiple choice, ranking)."""
    return None if qq.columns()[0] == qq.id else _NONE


def _depends_on(q: Questionnaire) -> dict[str, set]:
    """{question id: the questions its skip condition (and the site's sections) read}."""
    from . import expr as E

    out: dict[str, set] = {}
    site_sections = q.site_question and any(st.sections for st in q.sites)
    for qq in q.questions:
        deps = set()
        if qq.when:
            try:
                deps = {r.name.split(".")[0] for r in E.references(E.parse(qq.when))}
            except E.ExprSyntaxError:  # pragma: no cover - the questionnaire was validated on load
                deps = set()
        if site_sections and qq.id != q.site_question:
            deps.add(q.site_question)
        if deps:
            out[qq.id] = deps
    return out


def _drop_derived(out: pd.DataFrame, prior: pd.DataFrame, q: Questionnaire) -> pd.DataFrame:
    """``out`` without the DERIVED (and ``should-skip``) records that follow from a cell the importer reported.

    A prior problem on target ``t`` (blanked by the importer) covers, in its row: ``t`` itself and its
    question (a blanked matrix cell makes the row, possibly the whole matrix, unanswered; a blanked
    option makes too few selections), and every question whose skip condition reads that question
    (its asked/not-asked verdict rests on the blanked cell: ``should-skip``, ``required-missing``).
    """
    qid_of = {c: qq.id for qq in q.questions for c in qq.columns()}
    pr = prior[prior["target"].notna()]
    idx = pr["index"].to_numpy(dtype=np.int64)
    tgt = pr["target"].astype(str)
    pqid = tgt.map(lambda t: qid_of.get(t, t)).to_numpy(dtype=object)
    keys = pd.MultiIndex.from_arrays([np.concatenate([idx, idx]), np.concatenate([tgt.to_numpy(dtype=object), pqid])])
    col = out["column"].astype(str)
    oidx = out["index"].to_numpy(dtype=np.int64)
    derived = out["code"].isin(DERIVED).to_numpy()
    drop = derived & pd.MultiIndex.from_arrays([oidx, col.to_numpy(dtype=object)]).isin(keys)
    # questions whose condition reads a reported question
    deps = _depends_on(q)
    cand = np.flatnonzero((derived | (out["code"] == "should-skip").to_numpy()) & ~drop)
    if deps and cand.size:
        rq = col.iloc[cand].map(lambda c: qid_of.get(c, c))
        pairs = pd.DataFrame({"pos": cand, "index": oidx[cand], "dep": rq.map(lambda x: sorted(deps.get(x, ())))})
        pairs = pairs.explode("dep").dropna(subset=["dep"])
        if len(pairs):
            hit = pd.MultiIndex.from_arrays([pairs["index"].to_numpy(dtype=np.int64),
                                             pairs["dep"].to_numpy(dtype=object)]).isin(keys)
            drop[pairs["pos"].to_numpy(dtype=np.int64)[hit]] = True
    return out[~drop]

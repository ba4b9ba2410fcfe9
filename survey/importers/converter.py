"""The converter shared by every source layout: columns matched to questions (:mod:`survey.importers.matching`),
metadata (respondent id, submission time, duration, collector) taken from the known metadata headers, cells
converted to codes / numbers / text, and every cell that converts to nothing recorded as a cell problem with
its raw value (the store quarantines its row).  What a layout does differently is a field of its
:class:`~survey.importers.base.Layout`, never a branch on its name."""

from __future__ import annotations

import difflib
from typing import Optional

import numpy as np
import pandas as pd

from ..messages import Problem, did_you_mean, phrase, problem
from ..questionnaire import COLLECTOR_COLUMN, Question, Questionnaire
from ..tabular import RawTable, column_letters
from . import kobo, spss
from .base import PROBLEM_COLUMNS, row_unit
from .mapping import check_mapping
from .matching import META_MAP, META_RANK, ColumnMatcher, other_part_index
from .multi import convert_multi
from .notes import missing_question_note, widened_note
from .options import (map_option_values, numeral_conflict, numeral_labels, numeral_options, option_lookup,
                      scores_as_codes, whole_number)
from .registry import LAYOUTS
from .text import (CELL_TRIM, EMPTY_VALUES, STORED_TIME, as_string, duration_problems, norm_series, norm_text,
                   order_problems, parse_duration, parse_times, percent_unit, trim_cells,
                   unreadable_problems)


def empty_unnamed(df: pd.DataFrame, i: int) -> bool:
    """Column ``i`` of ``df`` had an empty header (:func:`survey.tabular.clean_headers` named it ``column<i+1>``)
    and holds no cell: the trailing empty columns Excel adds when it saves a CSV.  Dropped without a note
    (docs/import-formats.md); a column with an empty header but some value keeps its "matches no question"
    note, as does a named column without values."""
    c = df.columns[i]
    return (isinstance(c, str) and c == f"column{i + 1}" and not df.iloc[:, i].notna().any())


class _Converter:
    """Map source columns to questions and convert cells to codes, collecting problems.

    One converter for every layout: ``layout`` (a :class:`~survey.importers.base.Layout` or its registered
    name) says what differs (not-asked markers, option scores); column matching is
    :class:`~survey.importers.matching.ColumnMatcher`, multiple choice and ranking :mod:`survey.importers.multi`,
    SPSS labels :mod:`survey.importers.spss`.
    """

    def __init__(self, q: Questionnaire, raw: RawTable, source: str, layout, mapping: Optional[dict] = None):
        if isinstance(layout, str):
            layout = LAYOUTS[layout]
        self.q, self.source, self.layout = q, source, layout
        self.df = raw.frame
        self.var_labels = raw.var_labels
        self.groups = getattr(raw, "groups", None) or {}  # a two-row header's heading over each column
        self.value_labels = raw.value_labels
        self.n = len(self.df)
        self.header_line = raw.header_line  # data row i is row i + header_line + 1 of the file
        self.unit = row_unit(raw.kind)  # "row", or "case" for an SPSS file (numbered as SPSS numbers its cases)
        self.percents = raw.percents  # a workbook's cells shown as percentages (survey.excel_table.sheet_marks)
        self.parts: list[pd.DataFrame] = []
        self.unmatched: list[Problem] = []
        self.used: set = set()
        self.qid_of: dict = {}  # source column -> the question it was matched to (run)
        self.parts_of: dict = {}
        self.matched_any = False
        self.matcher = ColumnMatcher(q, self.note)
        self.col_map, self.val_map = ({}, {})
        if mapping:
            self.col_map, self.val_map = check_mapping(mapping, q, list(self.df.columns), source)
        self.skip = EMPTY_VALUES + list(layout.skip_values)
        self.other_text: Optional[pd.Series] = None  # fill-in text of the last code_column (其他〖…〗)
        self.spss_numerals: dict = {}  # numeral value label → code text of the last code_column (spss)
        self.scores_seen: Optional[str] = None  # a column read as scores that are no option code (问卷星 按分数)

    # -- problems
    def bad(self, mask: np.ndarray, column: str, values, code: str, target: Optional[str] = None, **params) -> None:
        """Record ``code`` for the rows in ``mask``; ``values``: the column's cells (a Series or an array);
        ``target`` is the native column the cell was meant for (default: the question id), so row validation
        can skip problems that only follow from this one."""
        idx = np.flatnonzero(mask)
        if not idx.size:
            return
        # only the flagged cells are converted (a Series of text: not the whole column, once per column)
        picked = (values.iloc[idx].to_numpy(dtype=object, na_value=None) if isinstance(values, pd.Series)
                  else np.asarray(values, dtype=object)[idx])
        vals = [None if v is None or v is pd.NA else str(v) for v in picked]
        cache: dict = {}
        msgs, pars = [], []
        for v in vals:  # one message per distinct value
            if v not in cache:
                p = dict(params)
                if "choices" in p and callable(p["choices"]):
                    p["choices"] = p["choices"](v)
                pr = problem(code, column=column, value=v, **p)
                # keep the choices / closest; the params say the message in Chinese (survey.messages.record_message)
                cache[v] = pr.stored()
            msgs.append(cache[v][0])
            pars.append(cache[v][1])
        self.parts.append(pd.DataFrame({"index": idx, "row": idx, "column": column, "value": vals, "code": code,
                                        "message": msgs, "target": target or params.get("qid"), "params": pars}))

    def note(self, column: str, code: str = "unmatched-column", **params) -> None:
        self.unmatched.append(problem(code, file=self.source, column=column, severity="warning", **params))

    def problems_frame(self, header_line: int = 1) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS)
        out = pd.concat(self.parts, ignore_index=True)
        out["row"] = out["index"].astype("int64") + header_line + 1
        return out

    def workbook_marks(self, raw: RawTable) -> None:
        """What a workbook's XML says and its values do not (:func:`survey.excel_table.sheet_marks`): each formula
        cell without a computed value of a question's column becomes a cell problem naming the cell (``Sheet1!D5``;
        its row is quarantined with that reason rather than a bare "required answer missing"), and one note lists
        them all; hidden rows and columns are said (an info note): they are imported like any other."""
        self._cell_marks(raw.formulas, "formula-no-value")
        self._cell_marks(raw.errors, "excel-error")
        unread = raw.unread_said()
        if unread:
            self.unmatched.append(problem("sheets-not-read", file=self.source, severity="warning",
                                          count=unread[0], sheets=unread[1]))
        rows, hcols = raw.hidden
        if rows or hcols:
            what = " and ".join(x for x in (f"{rows:,} row(s)" if rows else "", f"{hcols:,} column(s)" if hcols else "")
                                if x)
            self.unmatched.append(problem("hidden-cells", file=self.source, severity="info", what=what,
                                          were="was" if rows + hcols == 1 else "were"))

    def _cell_marks(self, marks: list, code: str) -> None:
        """Cells a workbook's XML marks (``(data row, column, "Sheet1!D5", value)``): in a question's column each
        is a cell problem ``code`` naming the cell (its row is quarantined with that reason, not a bare "required
        answer missing"), and one ``<code>-cells`` warning lists them all."""
        cols = list(self.df.columns)
        idx, column, vals, msgs, target, cells, pars = [], [], [], [], [], [], []
        for i, j, cell, value in marks:
            c = cols[j]
            cells.append(cell)
            if c not in self.qid_of:
                continue
            pr = problem(code, cell=cell, value=value)
            idx.append(i)
            column.append(c)
            vals.append(value)
            m, pp = pr.stored()
            msgs.append(m)
            pars.append(pp)
            target.append(self.qid_of[c])
        if idx:
            self.parts.append(pd.DataFrame({"index": idx, "row": idx, "column": column, "value": vals,
                                            "code": code, "message": msgs, "target": target, "params": pars}))
        if cells:
            shown = ", ".join(cells[:10]) + (" …" if len(cells) > 10 else "")
            self.unmatched.append(problem(f"{code}-cells", file=self.source, severity="warning",
                                          count=f"{len(cells):,}", cells=shown))

    def percent_marks(self) -> None:
        """The answer cells a workbook shows as percentages (``0.5`` shown as ``50%``; calamine reads 0.5): in a
        number question whose unit is a percent (:func:`percent_unit`) the cell becomes the percent it shows
        (50), as the respondent's answer was written; elsewhere it keeps the number it holds (0.5; a code column
        formatted as % by accident keeps its codes).  One ``percent-cells`` warning lists each cell with what it
        shows and what was stored (it was stored as 0.5 without a word)."""
        cols = list(self.df.columns)
        said = []
        for i, j, cell, v in self.percents:
            c = cols[j]
            qq = self.q.get(self.qid_of.get(c, ""))
            if qq is None:
                continue
            stored = self.df.iat[i, j]
            if qq.type == "number" and percent_unit(qq.unit):
                stored = f"{v * 100:.10g}"
                self.df.iat[i, j] = stored
            said.append(f"{cell} shows {v * 100:.10g}%, stored {stored}")
        if said:
            self.unmatched.append(problem("percent-cells", file=self.source, severity="warning",
                                          count=f"{len(said):,}",
                                          cells=", ".join(said[:10]) + (" …" if len(said) > 10 else "")))

    # -- the user's names of the columns
    def column_names(self, letters: bool) -> dict:
        """``{column a problem record names: (the file's header, Excel column letters or "")}``: a file column by
        its own header (and, in a workbook, ``letters``: its Excel letter, ``C``), a native column (``Q2``,
        ``Q3_r2``, ``Q4_3``: what the row checks name, survey.rowcheck) by the file column it was read from; a
        question read from several columns, by up to three of their headers and the range of their letters
        (``I–K``).  What the quarantine and the import's problems show the user (docs/import-formats.md)."""
        cols = list(self.df.columns)
        pos = {c: j for j, c in enumerate(cols)}

        def one(c):
            return str(c), (column_letters(pos[c]) if letters and c in pos else "")

        def several(cs):
            if len(cs) == 1:
                return one(cs[0])
            heads = " / ".join(str(c) for c in cs[:3]) + (" …" if len(cs) > 3 else "")
            js = sorted(pos[c] for c in cs if c in pos)
            return heads, (f"{column_letters(js[0])}–{column_letters(js[-1])}" if letters and js else "")

        out = {c: one(c) for c in cols}
        by_q: dict = {}
        for c, qid in self.qid_of.items():
            by_q.setdefault(qid, []).append(c)
        for qid, cs in by_q.items():
            qq = self.q.get(qid)
            cs = sorted(cs, key=lambda c: pos.get(c, 0))
            out.setdefault(qid, several(cs))
            if qq is None:
                continue
            parts = {c: norm_text(str(p)) for c, p in self.parts_of.get(qid, []) if p is not None}
            whole = [c for c, p in self.parts_of.get(qid, []) if p is None]
            for n in qq.columns():
                if n == qid:
                    continue
                key = n[len(qid) + 1:]
                if qq.type == "matrix":
                    r = next((r for r in qq.rows if r.id == key), None)
                    names = {key, norm_text(r.label)} if r else {key}
                elif key == "other":
                    names = {"other", "_other"} | {norm_text(o.label) for o in qq.options if o.other}
                else:
                    o = next((o for o in qq.options if str(o.code) == key), None)
                    names = {key, norm_text(o.label)} if o else {key}
                hit = [c for c, pn in parts.items() if pn in names or (key == "other" and pn.startswith(tuple(names)))]
                out.setdefault(n, one(hit[0]) if hit else several(whole or cs))
        return out

    # -- values
    def values(self, c: str) -> pd.Series:
        """Cells of column ``c`` as stripped strings; not-asked/empty markers → <NA>."""
        s = as_string(self.df[c]).str.strip(CELL_TRIM)
        return s.where(~s.isin(self.skip), pd.NA)

    def labelled(self, c: str, s: pd.Series) -> pd.Series:
        """SPSS value labels applied (code → label) where the column has them."""
        return spss.labelled(self.value_labels, c, s)

    def lookup(self, qq: Question) -> dict:
        return option_lookup(qq, self.val_map.get(qq.id))

    def map_values(self, qq: Question, s: pd.Series) -> tuple[np.ndarray, dict]:
        """Codes for cells given as codes or labels; see :func:`map_option_values`."""
        return map_option_values(qq, s, self.val_map.get(qq.id))

    def choices_hint(self, qq: Question, labels=None):
        labels = labels if labels is not None else [o.label for o in qq.options]
        base = ", ".join(f"{o.code}={o.label}" for o in qq.options[:10]) + (" …" if len(qq.options) > 10 else "")

        def hint(v):
            close = difflib.get_close_matches(norm_text(v or ""), [norm_text(x) for x in labels], n=2, cutoff=0.4)
            return phrase("choices-closest", choices=base, closest=list(close)) if close else base
        return hint

    def numeral_labels(self, qq: Question, s: pd.Series, c: str, target: Optional[str]) -> pd.Series:
        """``s`` with its cells turned into codes when they are option labels that are numbers, such as the
        ``0``–``10`` of a 0–10 scale coded 1–11 (:func:`~survey.importers.options.numeral_labels`), saying
        so; when the column cannot tell labels from codes, it is read as codes and (but in minyi's native layout,
        which holds codes) a warning says which values would mean another option read as labels."""
        as_labels = self.numeral_reading(qq, s, c, target)
        if as_labels:
            return s.map(as_labels).astype("string").fillna(s)
        return s

    def numeral_reading(self, qq: Question, s: pd.Series, c: str, target: Optional[str] = None,
                        how: str = "a 按文本 or --labels export") -> Optional[dict]:
        """``{cell: code text}`` when the values ``s`` of column ``c`` (cells, or the options of a multiple-choice
        cell such as ``1┋5``) are option labels that are numbers (:func:`~survey.importers.options.numeral_labels`),
        said in an info note; None to read them as codes, with a warning when they fit both readings (but in
        minyi's native layout, which holds codes)."""
        as_labels, unsure = numeral_labels(qq, s)
        what = target or qq.id
        if as_labels:
            pairs = ", ".join(f"{v}→{k}" for v, k in sorted(as_labels.items(), key=lambda kv: int(kv[1])))
            self.unmatched.append(problem("labels-read", file=self.source, column=c, severity="info", target=what,
                                          how=how, pairs=pairs, why="the column holds a number that is a label and no code"))
            return as_labels
        if unsure and self.layout.name != "native":  # minyi's native layout holds codes: nothing to warn of
            lab = numeral_options(qq)
            pairs = ", ".join(f"{n} (code of '{qq.option_by_code(n).label}', label of code {lab[n]})"
                              for n in unsure[:5])
            self.note(c, "codes-or-labels", target=what, pairs=pairs,
                      example=f"{{{qq.id}: {{'{unsure[0]}': {lab[unsure[0]]}}}}}")
        return None

    def spss_numeral_labels(self, qq: Question, s: pd.Series, c: str, target: Optional[str]) -> pd.Series:
        """``s`` (SPSS value labels applied) with the cells that got a numeral value label (the .sav's 6 labelled
        ``5`` of a 0–10 question coded 1–11) read as that option label (code 6), not as the code ``5``: a value
        label is a label by the file's own word, so no per-column guess is needed; said in the same info note as
        :meth:`numeral_reading`.  Cells without a value label keep the code reading."""
        vl = self.value_labels.get(c) or {}
        lab = numeral_options(qq)
        m = {t: str(lab[n]) for t in set(vl.values()) if (n := whole_number(t)) is not None and n in lab}
        if not m:
            return s
        mapped = s.map(m).astype("string")
        use = (self.values(c).isin(list(vl)) & mapped.notna()).to_numpy(dtype=bool, na_value=False)
        if not use.any():
            return s
        self.spss_numerals = m
        seen = set(s[use].unique())
        pairs = ", ".join(f"{v}→{k}" for v, k in sorted(((v, k) for v, k in m.items() if v in seen),
                                                         key=lambda kv: int(kv[1])))
        self.unmatched.append(problem("labels-read", file=self.source, column=c, severity="info", target=target or qq.id,
                                      how="SPSS value labels", pairs=pairs,
                                      why="the value labels are numbers that are other options' codes"))
        return s.where(~pd.Series(use, index=s.index), mapped)

    def code_column(self, qq: Question, c: str, target: Optional[str] = None) -> np.ndarray:
        s = self.labelled(c, self.values(c))
        scored = self.layout.scores and not self.value_labels.get(c) and qq.id not in self.val_map
        by_score = scores_as_codes(qq, s) if scored else None  # (not in minyi's native layout: it holds codes, always)
        either = None
        if scored and not by_score and self.scores_seen:  # values that are codes and scores, in a 按分数 file
            by_score = either = scores_as_codes(qq, s, file_scores=True)
        if by_score:  # 问卷星 按分数: the column holds the options' scores, not their codes
            s = s.map(by_score).astype("string").fillna(s)
            pairs = ", ".join(f"{v}→{k}" for v, k in sorted(by_score.items(), key=lambda kv: kv[1]))
            if either:
                self.unmatched.append(problem("scores-read-either", file=self.source, column=c, severity="warning",
                                              target=target or qq.id, pairs=pairs, evidence=self.scores_seen,
                                              example=f"{{{qq.id}: {{{next(iter(by_score))}: "
                                                      f"{int(float(norm_text(next(iter(by_score)))))}}}}}"))
            else:
                self.unmatched.append(problem("scores-read", file=self.source, column=c, severity="info",
                                              target=target or qq.id, pairs=pairs))
        self.spss_numerals = {}
        if qq.id not in self.val_map and not self.value_labels.get(c) and not by_score:
            s = self.numeral_labels(qq, s, c, target)
        elif qq.id not in self.val_map and self.value_labels.get(c) and numeral_conflict(qq):
            s = self.spss_numeral_labels(qq, s, c, target)
        codes, other = self.map_values(qq, s)
        # "其他〖物业纠纷〗": the code of 其他, and its text (kept in <id>_other for single choices)
        self.other_text = (s.map(other).astype("string") if other else None)
        if self.value_labels.get(c):  # a labelled SPSS value whose label matches no option: try its code
            codes = spss.codes_by_value(self, qq, c, s, codes)
            spss.relabelled_codes(self, qq, c)
        unknown = s.notna().to_numpy() & np.isnan(codes)
        self.bad(unknown, c, s, "unknown-option", target=target, qid=qq.id,
                 choices=self.choices_hint(qq))
        return codes

    # -- main
    def run(self) -> pd.DataFrame:
        q, df = self.q, self.df
        groups: dict[str, list[tuple[str, Optional[str]]]] = {}
        meta: dict[str, str] = {}
        for i, c in enumerate(df.columns):
            header = self.col_map.get(c, c)
            if c in self.col_map and header is None:
                continue  # explicitly ignored by the mapping
            if c not in self.col_map and empty_unnamed(df, i):
                continue  # an Excel-resaved CSV's trailing empty columns: nothing in them, nothing to say
            nc = norm_text(header).lower()
            if nc not in META_MAP and c in self.var_labels and norm_text(self.var_labels[c]).lower() in META_MAP:
                nc = norm_text(self.var_labels[c]).lower()  # SPSS: 序号 / 所用时间 … as variable labels
            if nc in META_MAP and not q.get(header):
                if META_MAP[nc]:
                    prev = meta.get(META_MAP[nc])
                    mine = META_RANK.get(nc, 9)
                    theirs = None if prev is None else META_RANK.get(norm_text(self.col_map.get(prev, prev)).lower(), 9)
                    if prev is None or mine < theirs:
                        meta[META_MAP[nc]] = c
                    elif mine == theirs:  # 序号 and 编号, or two columns mapped to respondent_id: the first is read
                        self.note(c, "second-column", qid=META_MAP[nc], first=prev)
                continue
            qq, part, _ = self.matcher.match(header)
            if qq is None and c in self.var_labels:
                qq, part, _ = self.matcher.match(self.var_labels[c])
            if qq is None and c in self.groups and c not in self.col_map:
                # a question's text merged over its rows or options (3、您对以下方面是否满意 over 环境卫生): the
                # column is that question's part, as 问卷星's 3、(环境卫生) and 腾讯问卷's 3.题干:环境卫生 say it
                qq, part, _ = self.matcher.match(f"{self.groups[c]}:{header}")
                if part is None:
                    qq = None
            if qq is None:
                if not (kobo.META_HEAD.match(header) or nc in META_MAP):
                    self.note(c, suggestion=did_you_mean(norm_text(header), [f"{x.number}、{norm_text(x.text)}" for x in q.questions]
                                                         + q.columns(meta=False)))
                continue
            groups.setdefault(qq.id, []).append((c, part))
        if self.matcher.widened:
            self.unmatched.append(widened_note(self.matcher.widened, self.source))
        self.used = {c for cols in groups.values() for c, _ in cols}
        self.qid_of = {c: qid for qid, cols in groups.items() for c, _ in cols}
        self.parts_of = groups  # question → its (file column, part) pairs (column_names)
        if self.value_labels:
            spss.refuse_shared_labels(self, groups)  # one label on several codes would merge their answers
        if self.percents:
            self.percent_marks()
        self.matched_any = bool(groups)
        frame = pd.DataFrame(index=range(self.n))
        if "respondent_id" in meta:
            rid = trim_cells(df[meta["respondent_id"]])
            frame["respondent_id"] = rid.to_numpy(dtype=object, na_value=None)
        else:
            frame["respondent_id"] = [f"{self.source}:{i}" for i in range(1, self.n + 1)]
        start = parse_times(df[meta["_start"]]) if "_start" in meta else None
        end = parse_times(df[meta["_end"]]) if "_end" in meta else None
        sub = parse_times(df[meta["submitted_at"]]) if "submitted_at" in meta else end
        frame["submitted_at"] = (sub.dt.strftime(STORED_TIME).to_numpy(dtype=object, na_value=None)
                                 if sub is not None else None)
        rows = np.arange(self.n) + self.header_line + 1
        for key, times in (("_start", start), ("submitted_at" if "submitted_at" in meta else "_end", sub)):
            if key in meta and times is not None:  # a cell that holds something but no time is said
                self.unmatched += unreadable_problems(df[meta[key]], times.isna().to_numpy(), rows, file=self.source,
                                                      column=meta[key], code="time-unreadable", unit=self.unit,
                                                      empty=self.skip)
                self.unmatched += order_problems(df[meta[key]], file=self.source, column=meta[key])
        if "duration_sec" in meta:
            frame["duration_sec"] = parse_duration(df[meta["duration_sec"]])
            self.unmatched += duration_problems(df[meta["duration_sec"]], frame["duration_sec"].to_numpy(), rows,
                                                file=self.source, column=meta["duration_sec"], unit=self.unit,
                                                empty=self.skip)
        elif start is not None and (end is not None or sub is not None):
            frame["duration_sec"] = ((end if end is not None else sub) - start).dt.total_seconds().to_numpy(dtype=float, na_value=np.nan)
        else:
            frame["duration_sec"] = np.nan
        if COLLECTOR_COLUMN[0] in meta:
            frame[COLLECTOR_COLUMN[0]] = trim_cells(df[meta[COLLECTOR_COLUMN[0]]]).to_numpy(
                dtype=object, na_value=None)
        data: dict[str, np.ndarray] = {}
        if self.layout.scores:
            self.scores_seen = self._scores_evidence(groups)
        for qq in q.questions:
            cols = groups.get(qq.id, [])
            if cols:
                self._convert(qq, cols, data)
        expected = q.columns(meta=False)
        missing = [qq for qq in q.questions if not any(c in data for c in qq.columns())]
        if groups:
            self.unmatched += [missing_question_note(qq, self.source) for qq in missing]
        for c in expected:
            if c not in data:
                data[c] = np.full(self.n, np.nan) if not self._is_text(c) else np.full(self.n, None, dtype=object)
        return pd.concat([frame, pd.DataFrame(data, index=frame.index)[expected]], axis=1)

    def _scores_evidence(self, groups: dict) -> Optional[str]:
        """The first column of a single-choice, scale or matrix question whose values are option scores that are
        no option code (:func:`scores_as_codes`): the file is a 问卷星 按分数 export, and a column whose values fit
        both readings is read as scores too (:meth:`code_column`).  None when there is none."""
        def either(qq: Question) -> bool:  # a score that is a code too: a column of such values reads both ways
            return len(qq.scores) >= 2 and any(float(v).is_integer() and int(v) in qq.codes for v in qq.scores.values())

        if not any(either(qq) for qq in self.q.questions if qq.id in groups):
            return None  # the usual case: no column to read otherwise, nothing to scan
        for qid, cols in groups.items():
            qq = self.q.get(qid)
            if qq is None or qq.type not in ("single", "scale", "yesno", "matrix") or qid in self.val_map \
                    or len(qq.scores) < 2:
                continue
            for c, part in cols:
                if (part is None or qq.type == "matrix") and not self.value_labels.get(c) \
                        and scores_as_codes(qq, self.values(c)):
                    return str(c)
        return None

    def _is_text(self, col: str) -> bool:
        qq = self.q.get(col)
        return (qq is not None and qq.type == "text") or col.endswith("_other")

    def _convert(self, qq: Question, cols: list, data: dict) -> None:
        whole = [c for c, part in cols if part is None]
        if len(whole) > 1:
            for c in whole[1:]:
                self.note(c, "second-column", qid=qq.id, first=whole[0])
        if qq.type in ("single", "scale", "yesno"):
            c = whole[0] if whole else cols[0][0]
            data[qq.id] = self.code_column(qq, c)
            other = self.other_text
            for c2, part in cols:
                if part is None:
                    continue
                if qq.has_other and (part == "_other" or other_part_index(qq, norm_text(part)) is not None):
                    fill = self.values(c2).str.replace(r"^〖(.*)〗$", r"\1", regex=True)  # a separate fill-in column
                    other = fill if other is None else other.where(other.notna(), fill)
                    continue
                self.note(c2, "part-not-imported", part=part, qid=qq.id)
            if other is not None and not qq.has_other:
                n_txt = int(other.notna().sum())
                if n_txt:  # 〖text〗 on an option that is not "other": the code is kept, the text is reported
                    self.note(c, "other-text-dropped", count=n_txt, qid=qq.id)
            if qq.has_other:
                data[f"{qq.id}_other"] = (other.to_numpy(dtype=object, na_value=None) if other is not None
                                          else np.full(self.n, None, dtype=object))
            return
        if qq.type == "number":
            c = whole[0] if whole else cols[0][0]
            s = self.values(c)
            x = pd.to_numeric(norm_series(s), errors="coerce").to_numpy(dtype=float)
            self.bad(s.notna().to_numpy() & np.isnan(x), c, s, "not-a-number", qid=qq.id)
            data[qq.id] = x
            return
        if qq.type == "text":
            c = whole[0] if whole else cols[0][0]
            s = self.values(c)
            data[qq.id] = s.to_numpy(dtype=object, na_value=None)
            return
        if qq.type == "matrix":
            rows = {}
            for r in qq.rows:
                rows[norm_text(r.label)] = r
                rows[r.id] = r
            first: dict = {}  # matrix row → the column read for it
            for c, part in cols:
                r = rows.get(norm_text(part)) if part else None
                if r is None:
                    self.note(c, suggestion=did_you_mean(norm_text(part or c), [norm_text(x.label) for x in qq.rows]))
                    continue
                if r.id in first:  # 3、(环境卫生) and 3、（环境卫生）: the later one overwrote the first, unsaid
                    self.note(c, "second-column", qid=f"{qq.id} ({r.label})", first=first[r.id])
                    continue
                first[r.id] = c
                data[f"{qq.id}_{r.id}"] = self.code_column(qq, c, target=f"{qq.id}_{r.id}")
            return
        if qq.type in ("multiple", "ranking"):
            convert_multi(self, qq, cols, data)

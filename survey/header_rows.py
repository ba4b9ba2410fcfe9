"""A header row again inside the data: two exports joined into one file (``cat week1.csv week2.csv``, or a
second download pasted under the first in Excel).  Its cells are the column names, which are no answers; the
row is quarantined all the same, but as one problem, ``repeated-header``, rather than one per cell (a
问卷星 header repeated in the data gave 120 "not an option" records, each quoting a question's title).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .messages import problem

MIN_CELLS = 3  # cells that hold their own column's name, for a row to be a header row again


def fold_repeated_headers(probs: pd.DataFrame) -> pd.DataFrame:
    """``probs`` (one record per problem: index, row, column, value, code, message, …) with the records of
    every row that repeats the header replaced by one ``repeated-header`` record.

    A row repeats the header when at least :data:`MIN_CELLS` of its problem cells, and at least half of
    them, hold their column's name (or the start of it, four characters at least: a 问卷星 multiple-choice
    header cut at its first ``，`` by the option splitter).  Rows with answers that merely look odd keep their records."""
    if not len(probs) or "value" not in probs.columns:
        return probs
    vals = probs["value"].to_numpy(dtype=object)
    cols = probs["column"].astype(str).to_numpy(dtype=object)
    hit = np.fromiter((isinstance(v, str) and _names(v.strip(), c.strip()) for v, c in zip(vals, cols)),
                      dtype=bool, count=len(probs))
    if hit.sum() < MIN_CELLS:
        return probs
    idx = probs["index"].to_numpy(dtype=np.int64)
    per = pd.DataFrame({"index": idx, "hit": hit}).groupby("index")["hit"].agg(["sum", "size"])
    header = per.index[(per["sum"] >= MIN_CELLS) & (per["sum"] * 2 >= per["size"])].to_numpy()
    if not len(header):
        return probs
    drop = np.isin(idx, header)
    first = probs[drop].drop_duplicates("index")
    msg, params = problem("repeated-header").stored(hint=False)
    one = pd.DataFrame({c: first[c].to_numpy() if c in ("index", "row") else None for c in probs.columns},
                       index=range(len(first)))
    one["column"], one["code"], one["message"] = "", "repeated-header", msg
    if "params" in probs.columns:
        one["params"] = params
    return pd.concat([probs[~drop], one], ignore_index=True).sort_values(["index"], kind="stable",
                                                                         ignore_index=True)


def _names(value: str, column: str) -> bool:
    """``value`` is ``column``'s name, or its start cut at an option separator (4 characters at least: a code
    ``1`` in the column ``10、…`` is not its name)."""
    return value == column or (len(value) >= 4 and column.startswith(value))


SECOND_ROW_SHOWN = 3  # columns named in the note on a second header row


def second_header_row(header: list, row: list, q) -> list:
    """The columns whose cell in ``row`` (the first row under the header) names the same question as the
    column's header (``respondent_id, A1 …`` over ``编号, 您的性别 …``, or the other way round: a header on two
    rows, question texts and column names); [] unless there are at least :data:`MIN_CELLS` of them and they are
    more than half of the cells of ``row`` under a matched header.  Such a row is no answer: read as an answer
    it gave one "not an option" record per cell.  Matching is :class:`survey.importers.matching.ColumnMatcher`'s
    (by id, number or title), as for the header itself."""
    from .importers.matching import ColumnMatcher

    matcher = ColumnMatcher(q, lambda *a, **k: None)
    same, total = [], 0
    for h, v in zip(header, row):
        if v is None or not str(v).strip():
            continue
        qh = matcher.match(str(h))[0]
        if qh is None:
            continue
        total += 1
        if matcher.match(str(v))[0] is qh:
            same.append(str(h))
    return same if len(same) >= MIN_CELLS and len(same) * 2 > total else []


def second_header_note(same: list, raw, file: str):
    """The info note that the first row under the header was read as a second header row (:func:`second_header_row`);
    ``raw`` is the table without that row (:func:`without_first_row`: its header line is that row's)."""
    return problem("header-second-row", file=file, severity="info", row=raw.header_line, header=raw.header_line - 1,
                   count=len(same), examples=", ".join(same[:SECOND_ROW_SHOWN]))


def header_names(header: list, row: list, q) -> list:
    """The names of a header on two rows (``header`` and the ``row`` under it, :func:`second_header_row`): each
    column's header, or its cell in ``row`` where the header names no question and no metadata column (用时 over
    ``duration_sec``) and the cell does; as the two-row header of a workbook takes the name that is there
    (:func:`survey.excel_table.two_row_header`)."""
    from .importers.matching import META_MAP, ColumnMatcher
    from .importers.text import norm_text

    matcher = ColumnMatcher(q, lambda *a, **k: None)

    def names(x) -> bool:
        return x is not None and (norm_text(x).lower() in META_MAP or matcher.match(str(x))[0] is not None)

    return [v if not names(h) and names(v) else h for h, v in zip(header, list(row) + [None] * len(header))]


def without_first_row(raw, names: list):
    """``raw`` (a :class:`survey.tabular.RawTable`) without its first data row, which becomes part of the header
    (the columns named ``names``, :func:`header_names`): the rows after it keep their numbers (``header_line``
    one more) and a workbook's cell marks move with them."""
    from dataclasses import replace

    from .tabular import clean_headers

    def shift(marks: list) -> list:
        return [(i - 1, *rest) for i, *rest in marks if i > 0]

    frame = raw.frame.iloc[1:].reset_index(drop=True)
    frame.columns = clean_headers(names)
    return replace(raw, frame=frame, header_line=raw.header_line + 1,
                   formulas=shift(raw.formulas), errors=shift(raw.errors), percents=shift(raw.percents))

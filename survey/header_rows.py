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
    msg = problem("repeated-header").message
    one = pd.DataFrame({c: first[c].to_numpy() if c in ("index", "row") else None for c in probs.columns},
                       index=range(len(first)))
    one["column"], one["code"], one["message"] = "", "repeated-header", msg
    return pd.concat([probs[~drop], one], ignore_index=True).sort_values(["index"], kind="stable",
                                                                         ignore_index=True)


def _names(value: str, column: str) -> bool:
    """``value`` is ``column``'s name, or its start cut at an option separator (4 characters at least: a code
    ``1`` in the column ``10、…`` is not its name)."""
    return value == column or (len(value) >= 4 and column.startswith(value))

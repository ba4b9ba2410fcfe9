"""Answer codes of a column mapped to their option scores, vectorised (one lookup per column, not one
dictionary call per respondent: at 300,000 respondents the per-value loop took over a minute of
``survey analyze``)."""

from __future__ import annotations

from typing import Mapping, Optional

import numpy as np
import pandas as pd

from analysis.domains import code_raw, code_values
from survey.columns import float_column

_TABLE_MAX = 4096  # widest span of codes scored through a lookup table (else a sorted search)


def score_array(frame: pd.DataFrame, col: str, scores: Mapping[int, float], mul: float = 1.0,
                div: float = 1.0, coded: Optional[Mapping] = None) -> np.ndarray:
    """Scores (``score * mul / div``, in that order) of column ``col`` of ``frame`` by answer code; NaN where the cell is missing, not
    a number, or a code without a score (不了解/NA options, unknown codes).  A value is read as the
    code ``int(value)`` (truncated), as the questionnaire's codes are integers.  ``coded``: columns the
    analysis has coded already ({column: :func:`analysis.domains.code_values`}); a column found there is
    scored once per distinct value and spread to the rows by its codes (the same scores)."""
    n = len(frame)
    hit = coded.get(col) if coded and scores else None
    if hit is not None:  # the analysis may have dropped a coded column from the frame
        codes, values = hit
        return _scored(values, scores, mul, div)[codes]
    if col not in frame.columns or not scores:
        return np.full(n, np.nan)
    return _scored(float_column(frame, col), scores, mul, div)


def score_table(frame: pd.DataFrame, col: str, scores: Mapping[int, float], mul: float = 1.0, div: float = 1.0,
                coded: Optional[Mapping] = None) -> tuple[np.ndarray, np.ndarray]:
    """Column ``col`` as answer codes and the score of each code (:func:`score_array` is ``table[codes]``):
    ``(codes, table)``, from ``coded`` or coded now (:func:`coded_column`, ``missing_ok``)."""
    codes, values = coded_column(frame, col, coded, missing_ok=True)
    return codes, _scored(values, scores, mul, div)


def coded_column(frame: pd.DataFrame, col: str, coded: Optional[Mapping] = None, *,
                 missing_ok: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Column ``col`` as :func:`analysis.domains.code_values` gives it (codes per row, value per code):
    from ``coded``, the analysis's coded columns, when it is there, else coded now from the frame
    (``missing_ok``: a column the frame lacks is all missing, as :func:`survey.columns.float_column`); int16
    raw codes (:mod:`survey.columns`) by :func:`analysis.domains.code_raw`, without a float copy."""
    hit = coded.get(col) if coded else None
    if hit is not None:
        return hit
    if col in frame.columns and frame[col].dtype == np.int16:
        return code_raw(frame[col].to_numpy())
    return code_values(float_column(frame, col, missing_ok=missing_ok))


def _scored(x: np.ndarray, scores: Mapping[int, float], mul: float, div: float) -> np.ndarray:
    """The score of every value of ``x`` (see :func:`score_array`)."""
    keys = np.array(sorted(scores), dtype=float)
    vals = np.array([float(scores[int(k)]) * mul / div for k in keys])
    lo, hi = keys[0], keys[-1]
    if hi - lo < _TABLE_MAX and bool(np.all(keys == np.trunc(keys))):  # the usual case (codes 1..9, 98, 99)
        span = int(hi - lo) + 1
        table = np.full(span + 1, np.nan)  # the last slot: no score
        table[(keys - lo).astype(np.intp)] = vals
        pos = np.trunc(x) - lo  # float64 (lo is a float64 scalar): the code's slot when 0 <= pos < span
        with np.errstate(invalid="ignore"):
            ok = (pos >= 0) & (pos < span)  # False for NaN and ±inf
        return table[np.where(ok, pos, span).astype(np.intp)]
    x = np.asarray(x, dtype=float)
    code = np.trunc(np.where(np.isfinite(x), x, np.nan))
    pos = np.clip(np.searchsorted(keys, code), 0, len(keys) - 1)
    hit = np.isfinite(code) & (keys[pos] == code)
    return np.where(hit, vals[pos], np.nan)

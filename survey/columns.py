"""A response column as a numeric array, the way every analysis step reads one.

Stored answer codes arrive as float32 (exact for SMALLINT codes, NaN = no answer; see
:mod:`survey.reading`) and numbers as float64.  :func:`float_column` returns such a column as it
is, a view of the frame without a copy — a multiple-choice question of 60 options is 60 columns,
and a float64 copy of each was 480 MB at 1,000,000 rows.  Callers only read the array (write to a
copy).  Other columns (text, objects) are converted to float64, non-numbers → NaN.

An **int16** column holds stored codes read as they are (``read_columns(raw_codes=...)``: the answer
columns that the analysis only codes, half the memory of float32), :data:`MISSING_CODE` where no
answer was given.  :func:`float_column` converts it (float32, NaN = no answer); the checks read it as it
is (:func:`answer_array`, :func:`answered`) and the analysis codes it (:func:`analysis.domains.code_raw`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


MISSING_CODE = int(np.iinfo(np.int16).min)  # no answer, in an int16 column of raw codes (never a stored code:
# a column is SMALLINT only when every option code is below 32,000 in size, survey.questionnaire.sql_type)


def float_column(frame: pd.DataFrame, c: str, *, missing_ok: bool = False) -> np.ndarray:
    """Column ``c`` of ``frame`` as a float array (float32 or float64, not copied when it is one
    already; NaN = no answer; int16 raw codes as float32).  ``missing_ok``: a column the frame lacks is
    all NaN (else KeyError)."""
    if missing_ok and c not in frame.columns:
        return np.full(len(frame), np.nan)
    s = frame[c]
    if s.dtype in (np.float64, np.float32):
        return s.to_numpy()
    if s.dtype == np.int16:
        return raw_as_float(s.to_numpy())
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def raw_as_float(x: np.ndarray) -> np.ndarray:
    """int16 raw codes as float32, :data:`MISSING_CODE` → NaN (a new array)."""
    out = x.astype(np.float32)
    out[x == MISSING_CODE] = np.nan
    return out


def answer_array(frame: pd.DataFrame, c: str) -> np.ndarray:
    """Column ``c`` as the checks read it: int16 raw codes as they are (:data:`MISSING_CODE` = no
    answer), anything else as :func:`float_column` gives it."""
    s = frame[c]
    return s.to_numpy() if s.dtype == np.int16 else float_column(frame, c)


def answer_column(frame: pd.DataFrame, c: str) -> np.ndarray:
    """:func:`answer_array` of ``c``, or every row blank (NaN) when the frame lacks it."""
    return answer_array(frame, c) if c in frame.columns else np.full(len(frame), np.nan)


def answered(x: np.ndarray) -> np.ndarray:
    """Which rows of an :func:`answer_array` hold an answer."""
    return x != MISSING_CODE if x.dtype == np.int16 else ~np.isnan(x)

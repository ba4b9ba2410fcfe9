"""A response column as a numeric array, the way every analysis step reads one.

Stored answer codes arrive as float32 (exact for SMALLINT codes, NaN = no answer; see
:mod:`survey.reading`) and numbers as float64.  :func:`float_column` returns such a column as it
is, a view of the frame without a copy — a multiple-choice question of 60 options is 60 columns,
and a float64 copy of each was 480 MB at 1,000,000 rows.  Callers only read the array (write to a
copy).  Other columns (text, objects) are converted to float64, non-numbers → NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def float_column(frame: pd.DataFrame, c: str, *, missing_ok: bool = False) -> np.ndarray:
    """Column ``c`` of ``frame`` as a float array (float32 or float64, not copied when it is one
    already; NaN = no answer).  ``missing_ok``: a column the frame lacks is all NaN (else KeyError)."""
    if missing_ok and c not in frame.columns:
        return np.full(len(frame), np.nan)
    s = frame[c]
    if s.dtype in (np.float64, np.float32):
        return s.to_numpy()
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)

"""Answer codes of a column mapped to their option scores, vectorised (one lookup per column, not one
dictionary call per respondent: at 300,000 respondents the per-value loop took over a minute of
``survey analyze``)."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd


def score_array(frame: pd.DataFrame, col: str, scores: Mapping[int, float], mul: float = 1.0,
                div: float = 1.0) -> np.ndarray:
    """Scores (``score * mul / div``, in that order) of column ``col`` of ``frame`` by answer code; NaN where the cell is missing, not
    a number, or a code without a score (不了解/NA options, unknown codes).  A value is read as the
    code ``int(value)`` (truncated), as the questionnaire's codes are integers."""
    n = len(frame)
    if col not in frame.columns or not scores:
        return np.full(n, np.nan)
    x = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    keys = np.array(sorted(scores), dtype=float)
    vals = np.array([float(scores[int(k)]) * mul / div for k in keys])
    code = np.trunc(np.where(np.isfinite(x), x, np.nan))
    pos = np.clip(np.searchsorted(keys, code), 0, len(keys) - 1)
    hit = np.isfinite(code) & (keys[pos] == code)
    return np.where(hit, vals[pos], np.nan)

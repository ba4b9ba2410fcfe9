"""Cell text shared by every layout: normalisation (NFKC, whitespace), titles for comparison, the markers of an
empty cell, durations (``268秒``, ``4分28秒``, ``00:04:28``) and submission times.  Everything works once per
*distinct* value, never per respondent."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

EMPTY_VALUES = ["", "(空)", "（空）", "(跳过)", "（跳过）", "跳过", "(未填)", "（未填）"]


def norm_text(s) -> str:
    """NFKC (full-width → half-width punctuation and digits), all whitespace and zero-width characters removed."""
    return re.sub(r"[\s\u200b\u200c\u200d\u2060\ufeff]+", "", unicodedata.normalize("NFKC", str(s)))


def as_string(s: pd.Series) -> pd.Series:
    """``s.astype("string")``; a column of Python strings (and None / NaN) goes to Arrow in one call, without
    pandas' per-value pass over the objects (0.37 s against 0.95 s for 120 columns of 100,000 cells)."""
    if s.dtype == object:
        import pyarrow as pa

        try:
            arr = pa.array(s.to_numpy(), type=pa.string(), from_pandas=True)
        except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers, dates … (SPSS, Excel): pandas' own conversion
            return s.astype("string")
        return pd.Series(pd.array(arr, dtype="string"), index=s.index, name=s.name)
    return s.astype("string")


def norm_series(s: pd.Series, lower: bool = False) -> pd.Series:
    """:func:`norm_text` of every cell, computed once per distinct value (not per respondent)."""
    u = pd.unique(s.dropna())
    d = {v: (norm_text(v).lower() if lower else norm_text(v)) for v in u}
    return s.map(d).astype("string")


def title_key(s: str) -> str:
    """Title for comparison: normalised, lower case, punctuation dropped (题干 differ in ？/（）/《》 between exports)."""
    t = norm_text(s).lower()
    return "".join(ch for ch in t if not unicodedata.category(ch).startswith(("P", "S"))) or t


def parse_duration(s: pd.Series) -> np.ndarray:
    """Seconds from ``268秒``, ``4分28秒``, ``1小时2分``, ``00:04:28``, ``268`` or ``268.5`` (vectorised), each
    distinct value parsed once."""
    pos, uniq = pd.factorize(s.astype("string"), use_na_sentinel=True)
    secs = _duration_seconds(pd.Series(np.asarray(uniq, dtype=object), dtype="string"))
    return np.append(secs, np.nan)[pos]  # pos −1 (missing) takes the NaN at the end


def _duration_seconds(s: pd.Series) -> np.ndarray:
    t = norm_series(s)
    num = pd.to_numeric(t, errors="coerce").to_numpy(float)
    m = t.str.extract(r"^(?:(\d+(?:\.\d+)?)(?:小时|时|h))?(?:(\d+(?:\.\d+)?)(?:分钟|分|min|m))?"
                      r"(?:(\d+(?:\.\d+)?)(?:秒钟|秒|s|sec))?$")
    parts = m.apply(pd.to_numeric, errors="coerce").to_numpy(float)
    has = ~np.isnan(parts).all(axis=1)
    hms = np.nansum(parts * np.array([3600.0, 60.0, 1.0]), axis=1)
    c = t.str.extract(r"^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$").apply(pd.to_numeric, errors="coerce").to_numpy(float)
    has_c = ~np.isnan(c[:, 1])
    clock = np.nan_to_num(c[:, 0]) * 3600 + c[:, 1] * 60 + c[:, 2]
    return np.where(~np.isnan(num), num, np.where(has, hms, np.where(has_c, clock, np.nan)))


def parse_times(s: pd.Series) -> pd.Series:
    t = s.astype("string").str.strip().str.replace(r"\.\d+$", "", regex=True)
    try:
        return pd.to_datetime(t, errors="coerce", format="mixed")
    except (ValueError, TypeError, OverflowError):
        return pd.Series(pd.NaT, index=s.index)

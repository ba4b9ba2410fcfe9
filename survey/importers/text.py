"""Cell text shared by every layout: normalisation (NFKC, whitespace), titles for comparison, the markers of an
empty cell, durations (``268秒``, ``4分28秒``, ``00:04:28``) and submission times.  Everything works once per
*distinct* value, never per respondent."""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

import numpy as np
import pandas as pd

from ..messages import problem

EMPTY_VALUES = [""]  # an empty cell, in every layout; a layout's own markers (问卷星's ``(空)``) are its skip_values
# What is trimmed from around every cell at import: Python's str.strip() set (str.isspace, which Arrow's
# utf8_trim_whitespace equals) and U+FEFF, the byte order mark: a BOM at the start of an open answer or an id (files
# concatenated by users put the second file's BOM there; Excel keeps one pasted into a cell) was stored with it
# (docs/import-formats.md, "Spaces and BOMs around a cell")
CELL_TRIM = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
             "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")


def trim_cells(s: pd.Series) -> pd.Series:
    """The cells of ``s`` as text (``string`` dtype) with :data:`CELL_TRIM` removed from both ends."""
    return s.astype("string").str.strip(CELL_TRIM)


def trim_cell(v: str) -> str:
    """One cell's text with :data:`CELL_TRIM` removed from both ends."""
    return v.strip(CELL_TRIM)


def norm_text(s) -> str:
    """NFKC (full-width → half-width punctuation and digits), all whitespace and zero-width characters removed."""
    return re.sub(r"[\s\u200b\u200c\u200d\u2060\ufeff]+", "", unicodedata.normalize("NFKC", str(s)))


def nfkc_name(header) -> str:
    """A header as the column name it spells in half-width characters: Unicode NFKC (``Ｋ４`` → ``K4``,
    ``Ｂ２＿１`` → ``B2_1``), BOMs and zero-width characters removed, surrounding whitespace (the ideographic
    space too) stripped.  Used only when the name as written matches nothing (docs/import-formats.md,
    "Repeated column names"): Chinese input methods in full-width mode type ids this way."""
    return unicodedata.normalize("NFKC", re.sub(r"[\ufeff\u200b\u200c\u200d\u2060]", "", str(header))).strip()


def percent_unit(unit) -> bool:
    """True when a number question's ``unit`` is a percentage (``%``, ``％``, ``百分比``, ``percent``): its
    answers are percents (50), not shares (0.5)."""
    u = unicodedata.normalize("NFKC", str(unit or "")).lower()
    return "%" in u or "百分" in u or "percent" in u


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


DURATIONS_SHOWN = 10  # unreadable duration cells named in the warning (the count covers them all)


def duration_problems(raw: pd.Series, secs: np.ndarray, rows: np.ndarray, *, file: str, column: str,
                      unit: str = "row", empty=EMPTY_VALUES) -> list:
    """A warning naming the cells of the duration column ``raw`` that hold something :func:`parse_duration`
    cannot read (``1,234``, ``abc``): ``secs`` (its result) is NaN there and the cell is stored empty.
    The duration is no answer, so the row is kept (not quarantined); without it ``survey check`` cannot
    judge that row's speed."""
    return unreadable_problems(raw, np.isnan(np.asarray(secs, dtype=float)), rows, file=file, column=column,
                               code="duration-unreadable", unit=unit, empty=empty)


def unreadable_problems(raw: pd.Series, lost: np.ndarray, rows: np.ndarray, *, file: str, column: str,
                        code: str, unit: str = "row", empty=EMPTY_VALUES) -> list:
    """A warning ``code`` naming the cells of the metadata column ``raw`` that hold something but were read as
    nothing (``lost``: True where the conversion gave no value), each with its row (``rows``: the file's row
    number of each cell, named ``unit``: ``row``, or ``case`` in an SPSS file) and its text; [] when there is none.
    ``empty``: the cells that mean "nothing" in the file's layout (:data:`EMPTY_VALUES` and its skip_values).  Rule (issue 9, "data must never change
    silently"): a value the import cannot take is said."""
    cand = np.flatnonzero(np.asarray(lost, dtype=bool))  # only the cells read as nothing are turned to text
    if not cand.size:
        return []
    text = raw.iloc[cand].astype("string").str.strip()
    # a cell holding its own column's name is the header again (two exports joined), no time or duration: that row
    # is quarantined as one problem (repeated-header), not also named here
    filled = (text.notna() & ~text.isin(list(empty)) & (text.str.lstrip("\ufeff") != str(column).strip())).to_numpy(
        dtype=bool, na_value=False)
    idx, shown = cand[filled], text[filled]
    if not idx.size:
        return []
    cells = ", ".join(f"{unit} {rows[i]} '{v}'" for i, v in zip(idx[:DURATIONS_SHOWN], shown.iloc[:DURATIONS_SHOWN]))
    return [problem(code, file=file, column=column, severity="warning", count=f"{idx.size:,}",
                    cells=cells + (" …" if idx.size > DURATIONS_SHOWN else ""))]


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


_CJK_DATE = [(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?", r"\1-\2-\3"),  # 2026年9月1日 9时1分(5秒) → 2026-9-1 9:1(:5)
             (r"(\d{1,2})[时点](\d{1,2})分(\d{1,2})秒", r"\1:\2:\3"), (r"(\d{1,2})[时点](\d{1,2})分?", r"\1:\2")]


# 上午 / 下午 (a.m. / p.m.) before or after the time of a 12-hour clock, as a Chinese locale shows it: 下午 3:09:00 → 3:09:00 PM
_CJK_NOON = [(r"上午\s*(\d{1,2}:\d{1,2}(?::\d{1,2})?)", r"\1 AM"), (r"下午\s*(\d{1,2}:\d{1,2}(?::\d{1,2})?)", r"\1 PM"),
             (r"(\d{1,2}:\d{1,2}(?::\d{1,2})?)\s*上午", r"\1 AM"), (r"(\d{1,2}:\d{1,2}(?::\d{1,2})?)\s*下午", r"\1 PM")]


_ZONE = r"(?:Z|[+-]\d{2}:?\d{2})$"  # an ISO 8601 zone suffix: the time is kept as written (wall clock)
STORED_TIME = "%Y-%m-%d %H:%M:%S"  # how submission times are stored (docs/questionnaire-format.md)


def parse_times(s: pd.Series) -> pd.Series:
    """Timestamps from submission-time cells (``2026-09-01 09:01:00``, ``2026/9/1 9:01``, ``2026年9月1日 9时1分``,
    ``2026-09-01T09:01:00+08:00`` as written, without its zone); NaT where a cell cannot be read
    (:func:`unreadable_problems` names those).  A column pandas cannot parse as a whole (a zone on some cells
    only) is parsed value by value: one odd cell made every time of the file empty before."""
    t = trim_cells(s)
    if t.str.contains("年", regex=False).any():
        for pat, rep in _CJK_DATE:
            t = t.str.replace(pat, rep, regex=True)
    if t.str.contains("午", regex=False).any():  # Excel / WPS on Chinese Windows: 2026/9/9 下午 3:09:00 (12-hour clock)
        for pat, rep in _CJK_NOON:
            t = t.str.replace(pat, rep, regex=True)
    serial = _excel_serials(t)
    t = t.str.replace(_ZONE, "", regex=True).str.replace(r"\.\d+$", "", regex=True)
    if day_month_order(t) == "day":  # 13/9/2026: every year-last date of the column day first, 1/9/2026 too
        t = t.str.replace(_YEAR_LAST, r"\3-\2-\1", regex=True)
    try:
        out = pd.to_datetime(t, errors="coerce", format="mixed")
    except (ValueError, TypeError, OverflowError):
        pos, uniq = pd.factorize(t, use_na_sentinel=True)
        one = [_one_time(v) for v in uniq]
        out = pd.Series(np.append(np.array(one, dtype="datetime64[ns]"), np.datetime64("NaT"))[pos], index=s.index)
    if serial is not None:
        out = out.where(serial.isna(), serial.astype(out.dtype))
    return out


_YEAR_LAST = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?=\s|T|$)"  # 13/9/2026 9:04, 9/13/2026: the year last


def day_month_order(t: pd.Series) -> Optional[str]:
    """How the year-last dates of a time column (``1/9/2026``: Excel or WPS under a non-Chinese locale) order day
    and month, one reading for the whole column: ``"day"`` when some cell's first number cannot be a month
    (``13/9/2026``) and none's second, ``"month"`` the other way round (or both: pandas' reading, cell by cell),
    ``"either"`` when every cell reads both ways and some would be another date (``1/9/2026``: 1 September or 9
    January), None when the column has no such date.  Read cell by cell, ``1/9/2026`` was 9 January beside
    ``13/9/2026`` as 13 September."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # the usual column (2026/9/1 9:01, 2026-09-01 …) ends here: one Arrow pass, no Python strings
    hit = pc.fill_null(pc.match_substring_regex(pa.array(t.astype("string[pyarrow]").array),
                                                r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}(?:\s|T|$)"), False)  # _YEAR_LAST for RE2
    if not pc.any(hit).as_py():
        return None
    m = t[hit.to_numpy(zero_copy_only=False).astype(bool, copy=False)].str.extract(_YEAR_LAST)
    a, b = pd.to_numeric(m[0], errors="coerce"), pd.to_numeric(m[1], errors="coerce")
    if bool((a > 12).any()) and not bool((b > 12).any()):
        return "day"
    if bool((a > 12).any()) or bool((b > 12).any()):
        return "month"
    return "either" if bool((a != b).any()) else "month"


def order_problems(raw: pd.Series, *, file: str, column: str) -> list:
    """A warning (``time-day-month-unknown``) when the year-last dates of the time column ``raw`` read both ways
    (:func:`day_month_order` ``"either"``): they are read month first, as pandas and Excel under a US locale do,
    and the user is told so with an example; [] otherwise."""
    t = trim_cells(raw)
    if day_month_order(t) != "either":
        return []
    m = t.str.extract(_YEAR_LAST)
    ex = t[(m[0] != m[1]).fillna(False).astype(bool)].iloc[0]
    a, b, y = (int(x) for x in m.loc[(m[0] != m[1]).fillna(False).astype(bool)].iloc[0])
    return [problem("time-day-month-unknown", file=file, column=column, severity="warning", example=ex,
                    month_first=f"{y}-{a:02d}-{b:02d}", day_first=f"{y}-{b:02d}-{a:02d}")]


EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # day 0 of Excel's date serials (1900 system, after its 1900 leap bug)
EXCEL_SERIALS = (25569.0, 73051.0)  # 1970-01-01 … 2100-01-01: a serial in this range is taken as a date and time


def _excel_serials(t: pd.Series) -> Optional[pd.Series]:
    """Excel date serials (``46266.3757`` = 2026-09-01 09:01:00) where a cell is a plain number in
    :data:`EXCEL_SERIALS`, NaT elsewhere; None when no cell is.  A time column whose cells were given the General
    format in Excel or WPS (or written by a script from the cells' values) holds these; they were stored empty
    with a warning.  Rounded to the second, as Excel shows them."""
    num = pd.to_numeric(t.where(t.str.fullmatch(r"\d{5}(?:\.\d+)?", na=False)), errors="coerce")
    ok = num.between(*EXCEL_SERIALS)
    if not ok.any():
        return None
    return (EXCEL_EPOCH + pd.to_timedelta(num.where(ok), unit="D")).dt.round("s")


def _one_time(v: str):
    try:
        return pd.to_datetime(v, errors="coerce").to_datetime64()
    except (ValueError, TypeError, OverflowError):
        return np.datetime64("NaT")


def stored_times(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Submission-time cells as the store keeps them (:data:`STORED_TIME` text, None when empty or unreadable)
    and the mask of cells that hold something but could not be read (for :func:`unreadable_problems`).  One
    rule for every path, so that a native UTF-8 file (pyarrow) and the same file in GBK store the same text."""
    t = parse_times(s)
    out = t.dt.strftime(STORED_TIME).to_numpy(dtype=object, na_value=None)
    return out, t.isna().to_numpy()

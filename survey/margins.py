"""Population files: margin files (weighting, report composition) and strata files (sample planning).

One reader for every file that gives population figures per category:

* :func:`read_margin_file` - a margin file for ``survey weight --margin COL=FILE`` (``k`` category
  columns for a cross-classified margin ``--margin sex+age=FILE``) and for the ``margins:`` of the
  project config (``minyi.yaml``): the first ``k`` columns are the category, the next one the
  population count or share (``125000``, ``125,000``, ``0.23`` or ``23%``).  A header row is
  optional (there is none when the value cell of the first row is a number); blank rows are skipped.
* :func:`read_strata_file` - the ``--strata`` file of ``survey plan``: stratum, population size and
  optionally ``sd`` (or ``p``) for Neyman allocation.

Files are read with :func:`survey.tabular.read_table` (CSV/TSV UTF-8 or GBK, XLSX, ...).  Any problem
raises one :class:`~survey.errors.MinyiError` naming the file (and the line where there is one).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

from .errors import MinyiError
from .messages import problem

_STRATA_P_NAMES = ("p", "prop", "proportion", "share", "比例", "预期比例", "p_h")


def parse_population_value(text: Any) -> tuple[Optional[float], bool]:
    """``'1,234'`` → (1234.0, False); ``'52.3%'`` → (0.523, True); anything else → (None, is-percent).

    Full-width ``，`` and ``％`` are accepted; thousands separators only in groups of three.
    None, NaN and infinities are not numbers.
    """
    t = "" if text is None else str(text).strip().replace("，", ",").replace("％", "%").replace(" ", "")
    pct = t.endswith("%")
    if pct:
        t = t[:-1]
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", t):
        t = t.replace(",", "")
    try:
        v = float(t)
    except ValueError:
        return None, pct
    if v != v or v in (float("inf"), float("-inf")):
        return None, pct
    return (v / 100.0 if pct else v), pct


def _blank(v: Any) -> bool:
    return v is None or str(v).strip() == ""


def read_margin_file(path: str | Path, k: int = 1, column: Optional[str] = None,
                     counts_matter: bool = False) -> tuple[list, list]:
    """``(categories, values)`` of one margin file, values as written (counts, or shares with % / 100).

    The first ``k`` columns are the category (a string when ``k == 1``, else a tuple of ``k``
    strings), column ``k + 1`` the population count or share; further columns are ignored.
    ``column`` (the margin's name, e.g. ``sex+age``) only words the message about too few columns.
    Refused, with one message naming the file: a missing file (``file-not-found``), too few
    columns, a value but no category (with its line), values that are not non-negative numbers
    (with their lines), no rows (``file-empty``), percentages mixed with plain numbers, a category
    listed twice (with both lines; compared as :func:`analysis.values.normalize_value`: " 18-34" is
    "18-34", "1.0" is "1").  With ``counts_matter`` (``survey weight``, whose weights add up to the counts),
    also percentages written without % under a header that names a share (``人口占比``: 50.6, 49.4): read as
    counts they made weights adding up to 100; where only the proportions count (the report's composition) they
    are fine.
    """
    import pandas as pd

    from .tabular import read_table

    path = Path(path)
    table = read_table(path)
    if table.shape[1] < k + 1:
        what = ("category" if k == 1 else f"{k} category columns") + " and population count (or share)"
        raise MinyiError.of("margin-columns", file=str(path), which=f"the margin for '{column}'" if column is not None else "a margin file",
                            count="two" if k == 1 else k + 1, what=what)
    table = table.iloc[:, :k + 1]
    first_line = 2
    if parse_population_value(table.columns[k])[0] is not None:  # no header row
        table = pd.concat([pd.DataFrame([list(table.columns)], columns=table.columns), table], ignore_index=True)
        first_line = 1
    names = [str(c).strip() if first_line == 2 else j + 1 for j, c in enumerate(table.columns)]  # header, else number
    value_column = names[k]
    cats, vals, probs, pct_lines, plain_lines = _margin_rows(table, k, first_line, str(path), names)
    if pct_lines and plain_lines:
        probs.append(problem("margin-mixed-percent", file=str(path), column=value_column,
                             pct_lines=_lines_text(pct_lines), plain_lines=_lines_text(plain_lines)))
    if counts_matter and not probs and first_line == 2 and plain_lines and not pct_lines and _percent_sum(vals) \
            and SHARE_HEADER.search(value_column):  # 人口占比: 50.6, 49.4 — read as counts, the weights summed to 100
        probs.append(problem("margin-percent-no-sign", file=str(path), column=value_column, total=f"{sum(vals):g}",
                             example=f"{vals[0]:g}", share=f"{vals[0] / 100:g}"))
    if probs:
        raise MinyiError(probs)
    if not cats:
        raise MinyiError.of("file-empty", file=str(path))
    return cats, vals


SHARE_HEADER = re.compile(r"占比|比例|比重|百分比|构成|share|percent|pct|%|％", re.I)  # a value column of shares
PERCENT_SUM_TOLERANCE = 0.5  # percentages rounded to one decimal add up to 100 within this


def _percent_sum(vals: list) -> bool:
    """Whether plain values look like percentages: two or more, none above 100, adding up to 100."""
    return len(vals) >= 2 and max(vals) <= 100 and abs(sum(vals) - 100) <= PERCENT_SUM_TOLERANCE


def _lines_text(lines: list[int]) -> str:
    """``line 2, 5, 7`` (at most ten numbers, then how many more)."""
    more = f" and {len(lines) - 10} more" if len(lines) > 10 else ""
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(map(str, lines[:10])) + more


def _margin_rows(table, k: int, first_line: int, file: str, names: list) -> tuple[list, list, list, list, list]:
    """Read the rows of a margin table: categories, values, every problem (each at its line and column, ``names``
    the columns' headers or numbers; issue 2's "all problems at once"), and the lines of values written as
    percentages and as plain numbers."""
    from analysis.values import normalize_value

    cats, vals, probs, pct_lines, plain_lines = [], [], [], [], []
    seen: dict = {}  # category by the one rule of analysis.values ("1" = "1.0", " a " = "a") -> (line, as written)
    for i, row in enumerate(table.itertuples(index=False)):  # one line per category: a handful of rows
        parts, v = list(row[:k]), row[k]
        blank = [_blank(p) for p in parts]
        if all(blank) and _blank(v):
            continue
        line = first_line + i
        c = " × ".join("" if p is None else str(p).strip() for p in parts)
        written = " × ".join("" if p is None else str(p) for p in parts)
        if any(blank):
            probs.append(problem("margin-no-category", file=file, line=line, column=names[blank.index(True)]))
            continue
        key = tuple(normalize_value(p) for p in parts)
        if key in seen:
            first, first_text = seen[key]
            probs.append(problem("margin-duplicate", file=file, line=line, column=names[0], category=c, first=first,
                                 first_text=first_text, text=written))
            continue
        seen[key] = (line, written)
        num, pct = parse_population_value(v)
        if num is None or num < 0:
            probs.append(problem("margin-value", file=file, line=line, column=names[k], category=c,
                                 value=repr(str(v)) if not _blank(v) else "(empty)"))
            continue
        (pct_lines if pct else plain_lines).append(line)
        cats.append(str(parts[0]).strip() if k == 1 else tuple(str(p).strip() for p in parts))
        vals.append(num)
    return cats, vals, probs, pct_lines, plain_lines


def read_strata_file(path: str | Path) -> tuple[list[str], list[float], Optional[str], list[Optional[float]]]:
    """``(names, populations, kind, extra)`` of a strata file for sample planning.

    A header row, then one line per stratum: name, population size (a number >= 1, ``125,000``
    allowed) and optionally a third column: ``kind`` is ``"p"`` when its header is p / prop /
    proportion / share / 比例 / 预期比例 / p_h (anticipated proportions, each within [0, 1]), else
    ``"sd"`` (standard deviations, >= 0), or None without a third column; ``extra`` holds those
    values (None without the column).  Blank rows are skipped.  Every bad line is reported (one
    error with all of them, each naming file and line); a stratum listed twice, no strata, or fewer
    than two columns are refused.
    """
    from .tabular import read_table

    path = Path(path)
    table = read_table(path)
    if table.shape[1] < 2:
        raise MinyiError.of("strata-columns", file=str(path))
    third = str(table.columns[2]).strip().lower() if table.shape[1] >= 3 else None
    kind = None
    if third is not None:
        kind = "p" if third in _STRATA_P_NAMES else "sd"
    names, pops, extra, bad, lines = [], [], [], [], []
    for i, row in enumerate(table.itertuples(index=False)):  # one line per stratum: a handful of rows
        vals = list(row)
        if all(_blank(v) for v in vals):
            continue
        line = i + 2
        nm = vals[0]
        pop, _ = parse_population_value(vals[1])
        if _blank(nm):
            bad.append(problem("strata-no-name", file=str(path), line=line))
            continue
        if pop is None or pop < 1:
            shown = "(empty)" if _blank(vals[1]) else repr(vals[1])  # never Python's None/nan for an empty cell
            bad.append(problem("strata-population", file=str(path), line=line, column=str(table.columns[1]),
                               value=shown, name=nm))
            continue
        x = None
        if kind is not None:
            x, _ = parse_population_value(vals[2])
            if x is None or x < 0 or (kind == "p" and x > 1):
                bad.append(problem(f"strata-{kind}", file=str(path), line=line, column=str(table.columns[2]),
                                   value="(empty)" if _blank(vals[2]) else repr(vals[2]), name=nm))
                continue
        names.append(str(nm).strip())
        lines.append(line)
        pops.append(pop)
        extra.append(x)
    if bad:
        raise MinyiError(bad)
    if not names:
        raise MinyiError.of("file-empty", file=str(path))
    first: dict[str, int] = {}
    dups = []
    for n, line in zip(names, lines):
        if n in first:
            dups.append(problem("strata-duplicate", file=str(path), line=line, column=str(table.columns[0]), name=n,
                                first=first[n]))
        first.setdefault(n, line)
    if dups:
        raise MinyiError(dups)
    return names, pops, kind, extra

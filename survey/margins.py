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


def read_margin_file(path: str | Path, k: int = 1, column: Optional[str] = None) -> tuple[list, list]:
    """``(categories, values)`` of one margin file, values as written (counts, or shares with % / 100).

    The first ``k`` columns are the category (a string when ``k == 1``, else a tuple of ``k``
    strings), column ``k + 1`` the population count or share; further columns are ignored.
    ``column`` (the margin's name, e.g. ``sex+age``) only words the message about too few columns.
    Refused, with one message naming the file: a missing file (``file-not-found``), too few
    columns, a value but no category (with its line), values that are not non-negative numbers
    (with their lines), no rows (``file-empty``), percentages mixed with plain numbers, a category
    listed twice (with both lines; compared as :func:`analysis.values.normalize_value`: " 18-34" is
    "18-34", "1.0" is "1").
    """
    import pandas as pd

    from .tabular import read_table

    path = Path(path)
    table = read_table(path)
    if table.shape[1] < k + 1:
        what = ("category" if k == 1 else f"{k} category columns") + " and population count (or share)"
        reason = (f"the margin for '{column}' needs {k + 1} columns: {what}" if column is not None
                  else f"a margin file needs {'two' if k == 1 else k + 1} columns: {what}")
        raise MinyiError.of("bad-data", file=str(path), reason=reason,
                            hint="e.g. a header 'category,count' then one line per category")
    table = table.iloc[:, :k + 1]
    first_line = 2
    if parse_population_value(table.columns[k])[0] is not None:  # no header row
        table = pd.concat([pd.DataFrame([list(table.columns)], columns=table.columns), table], ignore_index=True)
        first_line = 1
    from analysis.values import normalize_value

    cats, vals, bad, pcts = [], [], [], []
    seen: dict = {}  # category by the one rule of analysis.values ("1" = "1.0", " a " = "a") -> (line, as written)
    for i, row in enumerate(table.itertuples(index=False)):  # one line per category: a handful of rows
        parts, v = list(row[:k]), row[k]
        blank = [_blank(p) for p in parts]
        if all(blank) and _blank(v):
            continue
        line = first_line + i
        c = " × ".join("" if p is None else str(p).strip() for p in parts)
        if any(blank):
            raise MinyiError.of("bad-data", file=str(path), line=line, reason="a row has a population value but no category",
                                hint="fill in the category or delete the row")
        key = tuple(normalize_value(p) for p in parts)
        if key in seen:
            first, written = seen[key]
            raise MinyiError.of("bad-data", file=str(path), line=line,
                                reason=f"category '{c}' is listed twice: on line {first} ('{written}') and on line "
                                       f"{line} ('{' × '.join('' if p is None else str(p) for p in parts)}'); the "
                                       "margin would be ambiguous",
                                hint="list every category once (add the two rows' values up if both are right)")
        seen[key] = (line, " × ".join("" if p is None else str(p) for p in parts))
        num, pct = parse_population_value(v)
        if num is None or num < 0:
            bad.append(f"line {line} '{c}': " + (repr(str(v)) if v is not None else "empty"))
            continue
        cats.append(str(parts[0]).strip() if k == 1 else tuple(str(p).strip() for p in parts))
        vals.append(num)
        pcts.append(pct)
    if bad:
        raise MinyiError.of("bad-data", file=str(path),
                            reason=f"population values that are not non-negative numbers: {'; '.join(bad[:10])}"
                                   + (f" and {len(bad) - 10} more" if len(bad) > 10 else ""),
                            hint="write a count like 125000 or a share like 0.23 or 23%")
    if not cats:
        raise MinyiError.of("file-empty", file=str(path))
    if any(pcts) and not all(pcts):
        raise MinyiError.of("bad-data", file=str(path), reason="some values are percentages and some are not",
                            hint="write every value as a count, or every value as a share/percentage")
    return cats, vals


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
        raise MinyiError.of("bad-data", file=str(path), reason="the strata file needs at least two columns: "
                            "stratum and population size", hint="optionally a third column sd (or p) for Neyman allocation")
    third = str(table.columns[2]).strip().lower() if table.shape[1] >= 3 else None
    kind = None
    if third is not None:
        kind = "p" if third in _STRATA_P_NAMES else "sd"
    names, pops, extra, bad = [], [], [], []
    for i, row in enumerate(table.itertuples(index=False)):  # one line per stratum: a handful of rows
        vals = list(row)
        if all(_blank(v) for v in vals):
            continue
        line = i + 2
        nm = vals[0]
        pop, _ = parse_population_value(vals[1])
        if _blank(nm):
            bad.append(problem("bad-data", file=str(path), line=line, reason="a row has no stratum name", hint="fill it in"))
            continue
        if pop is None or pop < 1:
            shown = "(empty)" if _blank(vals[1]) else repr(vals[1])  # never Python's None/nan for an empty cell
            bad.append(problem("bad-data", file=str(path), line=line, column=str(table.columns[1]),
                               reason=f"population size {shown} of stratum '{nm}' is not a number >= 1",
                               hint="write the number of units in the stratum, e.g. 125000"))
            continue
        x = None
        if kind is not None:
            x, _ = parse_population_value(vals[2])
            if x is None or x < 0 or (kind == "p" and x > 1):
                bad.append(problem("bad-data", file=str(path), line=line, column=str(table.columns[2]),
                                   reason=f"{kind} {'(empty)' if _blank(vals[2]) else repr(vals[2])} of stratum '{nm}' is not "
                                          + ("a proportion between 0 and 1" if kind == "p" else "a non-negative number"),
                                   hint="fix the value"))
                continue
        names.append(str(nm).strip())
        pops.append(pop)
        extra.append(x)
    if bad:
        raise MinyiError(bad)
    if not names:
        raise MinyiError.of("file-empty", file=str(path))
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise MinyiError.of("bad-data", file=str(path), reason=f"stratum {', '.join(repr(d) for d in dup)} is listed twice",
                            hint="list every stratum once")
    return names, pops, kind, extra

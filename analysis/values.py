"""One rule for the category values of design and grouping columns (strata, PSUs, ``--by``, cross-tab rows and
columns, margin categories, ``--level``/``--missing``), and the file line of a data row.

A value is compared as its *canonical text*:

* stripped of surrounding whitespace; an empty cell is no value (None);
* a number written without leading zeros is that number: ``"1"``, ``"1.0"``, ``" 1 "`` and ``"+1"`` are all
  ``"1"``; ``"2.50"`` is ``"2.5"``;
* anything else is text kept as written, so a code with a leading zero stays a code: ``"0101"`` is not
  ``"101"`` (district, school or postal codes), and is printed as ``"0101"``.

:func:`line_of` turns a 0-based data row into the line of the file it came from when the reader recorded
where the data start (``DataFrame.attrs["first_line"]``, set by the CLI's reader; title rows above the
header move it), else header on line 1.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

# a plain decimal number without a leading zero before further digits ("0", "0.5", "12", "-3.25", "1e3", ".5")
_NUMBER = re.compile(r"[+-]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def normalize_value(v: Any) -> Optional[str]:
    """Canonical text of a cell (module docstring): None for empty; numbers without trailing ``.0``;
    codes with a leading zero as written."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if f != f:
            return None
        if not np.isfinite(f):
            return str(f)
        v = repr(f)  # then as its text: 1e-07 and "1e-7" are one value
    s = str(v).strip()
    if s == "":
        return None
    if _NUMBER.fullmatch(s):  # exact decimal arithmetic: 18-digit ids must not meet through a float's rounding
        d = Decimal(s)
        if d == d.to_integral_value():
            return str(int(d))
        return format(d.normalize(), "f")
    return s


def normalize_series(s: pd.Series) -> pd.Series:
    """:func:`normalize_value` of every cell, computed once per distinct value (object column; None for
    empty)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    lut = np.array([normalize_value(u) for u in uniques] + [None], dtype=object)
    return pd.Series(lut[np.where(codes >= 0, codes, len(uniques))], index=s.index, dtype=object)


def line_of(data: pd.DataFrame, i: int) -> int:
    """Line of the file holding data row ``i`` (0-based): ``attrs["first_line"]`` + i (header on line 1 by
    default, so row 0 is line 2)."""
    return int(data.attrs.get("first_line", 2)) + int(i)


def is_number(text: str) -> bool:
    """``text`` (a canonical value) is a finite number."""
    try:
        return bool(np.isfinite(float(text)))
    except (TypeError, ValueError):
        return False


def near_values(value: str, have: set) -> list:
    """The values of ``have`` a user may have meant by ``value``, which no row holds: the value as NFKC folds it
    (a full-width ５ is 5) when a row holds that; else, for a number among numbers, the nearest ones; else the
    texts that :func:`difflib.get_close_matches` finds at a ratio of 0.5 or more (at most two).  None when
    nothing is close: 不了解 is not offered 不满意 (one character of three shared), which would make the
    dissatisfied leave the base."""
    import difflib
    import unicodedata

    folded = normalize_value(unicodedata.normalize("NFKC", str(value)))
    if folded in have and folded != value:
        return [folded]
    if is_number(value) and any(is_number(v) for v in have):
        nums = {v: abs(float(v) - float(value)) for v in have if is_number(v)}
        best = min(nums.values())
        return sorted((v for v, d in nums.items() if d == best), key=float)
    return difflib.get_close_matches(str(value).strip(), sorted(have, key=str), 2, 0.5)


def check_present(have: set, given: Sequence[str], option: str, where: str) -> None:
    """Every ``given`` value (``--level``/``--missing``) is one of ``have`` (the canonical values of the columns
    ``where`` names): a typo would otherwise silently give a share of 0 or leave nothing out.  The error
    (:class:`analysis.design.DesignError`) names the value, the values there are and the closest one.  A number
    absent from columns of numbers is accepted: a code nobody chose (a 0/1 column without a 1 has a share of 0,
    Korn–Graubard's interval)."""
    from .design import DesignError

    numeric = all(is_number(v) for v in have)
    for g in given:
        key = normalize_value(g)
        # a number as digits: float() also reads full-width and other Unicode digits ('５'), which are no code of a
        # column of numbers but a slip of the input method; refused with the number they look like
        if key in have or (numeric and key is not None and _NUMBER.fullmatch(key)):
            continue
        pool = sorted(have, key=str)
        near = near_values(g, have)
        raise DesignError(f"{option} {g!r}: no row of {where} has this value; its values are "
                          + ", ".join(repr(v) for v in pool[:20]) + (" ..." if len(pool) > 20 else "")
                          + (f" (did you mean {' or '.join(repr(x) for x in near)}?)" if near else ""),
                          kind="value-absent", option=option, value=str(g), where=where,
                          values=[str(v) for v in pool[:20]], count=len(pool), close=[str(x) for x in near])

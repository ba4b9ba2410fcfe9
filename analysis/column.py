"""Estimate one column of a table under a design: level shares, scored means or numeric means.

This is what ``survey estimate`` runs.  Values are text; they are compared after stripping
whitespace, and numbers compare by value ("1" equals "1.0").

* ``levels``: share of valid rows whose value is one of the levels (R ``svyciprop``);
* ``scores``: mean of the mapped scores (R ``svymean``); a value with no score that is not
  in ``missing`` is an error naming it;
* neither: the numeric mean of the column.

``missing`` values (and empty cells) are not applicable: they leave the base — a domain
estimate over the rows that have a valid value, with the full design's variance.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import pandas as pd

from .by import svyby
from .design import Design, DesignError
from .estimators import svymean, svyprop
from .result import Estimate


def normalize_value(v) -> Optional[str]:
    """Canonical text of a cell: stripped; integral numbers without '.0'; None for empty."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    s = str(v).strip()
    if s == "":
        return None
    try:
        f = float(s)
        if np.isfinite(f):
            return str(int(f)) if f.is_integer() else repr(f)
    except ValueError:
        pass
    return s


def estimate_column(data: pd.DataFrame, var: str, *, levels: Sequence[str] = (), missing: Sequence[str] = (),
                    scores: Optional[dict[str, float]] = None, weights: Optional[str] = None,
                    strata: Optional[str] = None, psu: Optional[str] = None, fpc: Optional[str] = None,
                    lonely_psu: str = "fail", by: Optional[str] = None, ci_method: str = "logit",
                    confidence: float = 0.95, df: Optional[float] = None) -> list[Estimate]:
    """Estimates for column ``var`` overall, or one per category of ``by`` (see module docstring)."""
    if var not in data.columns:
        raise DesignError(f"column '{var}' is not in the data")
    design = Design.from_frame(data, weights=weights, strata=strata, psu=psu, fpc=fpc, lonely_psu=lonely_psu)
    values = data[var].map(normalize_value)
    miss = {normalize_value(m) for m in missing}
    valid = values.notna() & ~values.isin(miss)
    lv = [normalize_value(x) for x in levels]
    if levels:
        hit = values.isin(lv).to_numpy()
        fn, args, kw = svyprop, (hit,), dict(levels=list(levels), ci_method=ci_method)
    else:
        if scores:
            smap = {normalize_value(k): float(v) for k, v in scores.items()}
            unknown = sorted(set(values[valid]) - set(smap))
            if unknown:
                raise DesignError(f"value {unknown[0]!r} of column '{var}' has no --score and is not --missing"
                                  + (f" (also: {', '.join(map(repr, unknown[1:4]))})" if len(unknown) > 1 else ""))
            y = values.map(smap).astype(float).to_numpy()
        else:
            y = pd.to_numeric(values.where(valid), errors="coerce").to_numpy(dtype=float)
            bad = valid.to_numpy() & np.isnan(y)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise DesignError(f"column '{var}' row {i + 2}: value {data[var].iloc[i]!r} is not a number "
                                  "(use --level, --score or --missing)")
        fn, args, kw = svymean, (y,), {}
    kw.update(var=var, confidence=confidence, df=df)
    valid_np = valid.to_numpy()
    if by is None:
        if not (valid_np & (design.weights > 0)).any():
            raise DesignError(f"column '{var}' has no valid values")
        return [fn(design, *args, valid=valid_np, **kw)]
    if by not in data.columns:
        raise DesignError(f"group column '{by}' is not in the data")
    d2 = Design.from_frame(data.assign(**{by: data[by].map(normalize_value)}), weights=weights, strata=strata,
                           psu=psu, fpc=fpc, lonely_psu=lonely_psu)
    return svyby(d2, by, _with_valid(fn, valid_np), *args, **kw)


def _with_valid(fn, valid: np.ndarray):
    def inner(design: Design, *args, **kw) -> Estimate:
        return fn(design, *args, valid=valid, **kw)

    return inner

"""Estimate one column of a table under a design: level shares, scored means, numeric means, totals,
ratios and quantiles.

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

from dataclasses import replace
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from .by import svyby
from .design import Design, DesignError
from .design_spec import DesignSpec
from .estimators import svymean, svyprop, svyratio, svytotal
from .quantiles import svyquantile
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


STATISTICS = ("mean", "total", "ratio", "quantile")


def _values(data: pd.DataFrame, var: str, missing: Sequence[str], scores: Optional[dict], levels: Sequence[str],
            numeric_only: bool = False) -> tuple[np.ndarray, np.ndarray, bool]:
    """``(y, valid, is_share)`` for column ``var``: level indicator (share), mapped scores, or numbers."""
    if var not in data.columns:
        raise DesignError(f"column '{var}' is not in the data")
    values = data[var].map(normalize_value)
    miss = {normalize_value(m) for m in missing}
    valid = values.notna() & ~values.isin(miss)
    if levels and not numeric_only:
        lv = [normalize_value(x) for x in levels]
        return values.isin(lv).to_numpy(dtype=float), valid.to_numpy(), True
    if scores:
        smap = {normalize_value(k): float(v) for k, v in scores.items()}
        unknown = sorted(set(values[valid]) - set(smap))
        if unknown:
            raise DesignError(f"value {unknown[0]!r} of column '{var}' has no --score and is not --missing"
                              + (f" (also: {', '.join(map(repr, unknown[1:4]))})" if len(unknown) > 1 else ""))
        return values.map(smap).astype(float).to_numpy(), valid.to_numpy(), False
    y = pd.to_numeric(values.where(valid), errors="coerce").to_numpy(dtype=float)
    bad = valid.to_numpy() & np.isnan(y)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DesignError(f"column '{var}' row {i + 2}: value {data[var].iloc[i]!r} is not a number "
                          "(use --level, --score or --missing)")
    return y, valid.to_numpy(), False


def estimate_column(data: pd.DataFrame, var: Optional[str], *, levels: Sequence[str] = (), missing: Sequence[str] = (),
                    scores: Optional[dict[str, float]] = None, weights: Optional[str] = None,
                    strata: Optional[str] = None, psu: Optional[str] = None, fpc: Optional[str] = None,
                    lonely_psu: str = "fail", by: Optional[str] = None, ci_method: str = "logit",
                    confidence: float = 0.95, df: Optional[float] = None, design: Optional[DesignSpec] = None,
                    statistic: str = "mean", ratio: Optional[tuple[str, str]] = None,
                    quantiles: Sequence[float] = (), qrule: str = "math") -> list[Estimate]:
    """Estimates for column ``var`` overall, or one per category of ``by`` (see module docstring).

    ``design``: a :class:`~analysis.design_spec.DesignSpec` (else the ``weights``/``strata``/``psu``/
    ``fpc``/``lonely_psu`` columns).  ``statistic``: ``mean`` (a share with ``levels``, a mean score with
    ``scores``, else the numeric mean; R ``svyciprop``/``svymean``), ``total`` (R ``svytotal``: of the
    numbers, or the estimated number of rows with one of the ``levels``), ``ratio`` (``ratio=(num, den)``:
    Σwy/Σwx over rows where both are valid, R ``svyratio``) or ``quantile`` (``quantiles``, R
    ``svyquantile`` with ``qrule``; one record per quantile, ``var`` = ``"COL q0.5"``).
    """
    if statistic not in STATISTICS:
        raise DesignError(f"unknown statistic '{statistic}'; choose one of: {', '.join(STATISTICS)}")
    spec = design or DesignSpec.of(weights, strata, psu, fpc, lonely_psu=lonely_psu)
    des = spec.build(data)
    if statistic == "ratio":
        if not ratio or len(ratio) != 2:
            raise DesignError("a ratio needs a numerator and a denominator column (NUM/DEN)")
        y, vy, _ = _values(data, ratio[0], missing, None, (), numeric_only=True)
        x, vx, _ = _values(data, ratio[1], missing, None, (), numeric_only=True)
        valid = vy & vx
        name = f"{ratio[0]}/{ratio[1]}"
        fn, args, kw = svyratio, (y, x), {}
    else:
        y, valid, share = _values(data, var, missing, scores, levels)
        name = var
        if statistic == "quantile":
            if share:
                raise DesignError("quantiles need numbers or --score, not --level")
            if not quantiles:
                raise DesignError("give the quantiles to estimate (e.g. 0.5 for the median)")
            fn, args, kw = _quantile_records, (y,), dict(quantiles=list(quantiles), qrule=qrule)
        elif statistic == "total":
            fn, args, kw = svytotal, (y,), {}
            if share:
                kw["levels"] = list(levels)
        elif share:
            fn, args, kw = svyprop, (y > 0,), dict(levels=list(levels), ci_method=ci_method)
        else:
            fn, args, kw = svymean, (y,), {}
    kw.update(var=name, confidence=confidence, df=df)
    if by is None:
        if not (valid & (des.weights > 0)).any():
            raise DesignError(f"column '{name}' has no valid values")
        out = fn(des, *args, valid=valid, **kw)
        return out if isinstance(out, list) else [out]
    if by not in data.columns:
        raise DesignError(f"group column '{by}' is not in the data")
    d2 = spec.build(data.assign(**{by: data[by].map(normalize_value)}))
    res = svyby(d2, by, _with_valid(fn, valid), *args, **kw)
    return [e for r in res for e in (r if isinstance(r, list) else [r])]


def _quantile_records(design: Design, y: np.ndarray, *, quantiles: list, qrule: str, var: str,
                      valid: np.ndarray, domain: Optional[dict] = None, confidence: float = 0.95,
                      df: Optional[float] = None, levels=None) -> list[Estimate]:
    est = svyquantile(design, y, quantiles, valid=valid, qrule=qrule, confidence=confidence, df=df, var=var,
                      domain=domain)
    return [replace(e, var=f"{var} q{q:g}") for q, e in zip(quantiles, est)]


def _with_valid(fn, valid: np.ndarray):
    def inner(design: Design, *args, **kw) -> Estimate:
        return fn(design, *args, valid=valid, **kw)

    return inner

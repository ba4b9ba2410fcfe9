"""Estimate one column of a table under a design: level shares, scored means, numeric means, totals,
ratios and quantiles.

This is what ``survey estimate`` runs.  Values are text, compared by :func:`analysis.values.normalize_value`:
stripped, numbers by value ("1" equals "1.0"), codes with a leading zero as written ("0101" is not "101").
``levels`` and ``missing`` values that no row holds are refused (a typo would silently give 0 %).

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

from .by import groups
from .design import Design, DesignError
from .design_spec import DesignSpec
from .estimators import svymean, svyprop, svyratio, svytotal
from .quantiles import svyquantile
from .result import Estimate
from .thresholds import LARGEST_VALUE
from .values import check_present, line_of, normalize_series, normalize_value  # noqa: F401 (normalize_value: crosstab's import)


STATISTICS = ("mean", "total", "ratio", "quantile")


def _values(data: pd.DataFrame, var: str, missing: Sequence[str], scores: Optional[dict], levels: Sequence[str],
            numeric_only: bool = False) -> tuple[np.ndarray, np.ndarray, bool]:
    """``(y, valid, is_share)`` for column ``var``: level indicator (share), mapped scores, or numbers."""
    if var not in data.columns:
        raise DesignError(f"column '{var}' is not in the data", kind="missing-column", role="variable", column=var)
    values = normalize_series(data[var])
    miss = {normalize_value(m) for m in missing}
    have = set(values.dropna().unique())
    check_present(have, missing, "--missing", f"column '{var}'")
    valid = values.notna() & ~values.isin(miss)
    if levels and not numeric_only:
        check_present(have, levels, "--level", f"column '{var}'")
        lv = [normalize_value(x) for x in levels]
        return values.isin(lv).to_numpy(dtype=float), valid.to_numpy(), True
    if scores:
        smap = {normalize_value(k): float(v) for k, v in scores.items()}
        unknown = sorted(set(values[valid]) - set(smap))
        if unknown:
            raise DesignError(f"value {unknown[0]!r} of column '{var}' has no --score and is not --missing"
                              + (f" (also: {', '.join(map(repr, unknown[1:4]))})" if len(unknown) > 1 else ""),
                              kind="no-score", column=var, value=unknown[0], others=list(unknown[1:4]))
        return values.map(smap).astype(float).to_numpy(), valid.to_numpy(), False
    y = pd.to_numeric(values.where(valid), errors="coerce").to_numpy(dtype=float)
    bad = valid.to_numpy() & ~np.isfinite(y)  # not a number, or an infinity ("inf", "1e999")
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        what = "is not a finite number" if np.isinf(y[i]) else "is not a number"
        more = int(bad.sum()) - 1
        raise DesignError(f"column '{var}' line {line_of(data, i)}: value {data[var].iloc[i]!r} {what} "
                          f"(use --level, --score or --missing)" + (f"; {more} more row(s) like it" if more else ""),
                          kind="value-not-number", column=var, line=line_of(data, i), value=str(data[var].iloc[i]),
                          count=more + 1, infinite=bool(np.isinf(y[i])))
    huge = np.abs(np.where(valid.to_numpy(), y, 0.0)) > LARGEST_VALUE
    if huge.any():  # its square overflows: se=inf and numpy's overflow warnings, R's Inf
        i = int(np.flatnonzero(huge)[0])
        raise DesignError(f"column '{var}' line {line_of(data, i)}: value {data[var].iloc[i]!r} is too large to "
                          f"estimate with (its square overflows; numbers up to ±{_said_float(LARGEST_VALUE)})",
                          kind="value-too-large", column=var, line=line_of(data, i), value=str(data[var].iloc[i]),
                          count=int(huge.sum()), largest=_said_float(LARGEST_VALUE))
    return y, valid.to_numpy(), False


def _said_float(x: float) -> str:
    """1e150 as "1e150" (not Python's "1e+150")."""
    return f"{x:g}".replace("e+", "e")


def estimate_column(data: pd.DataFrame, var: Optional[str], *, levels: Sequence[str] = (), missing: Sequence[str] = (),
                    scores: Optional[dict[str, float]] = None, weights: Optional[str] = None,
                    strata: Optional[str] = None, psu: Optional[str] = None, fpc: Optional[str] = None,
                    lonely_psu: str = "fail", by: Optional[str] = None, ci_method: str = "logit",
                    confidence: float = 0.95, df: Optional[float] = None, design: Optional[DesignSpec] = None,
                    statistic: str = "mean", ratio: Optional[tuple[str, str]] = None,
                    quantiles: Sequence[float] = (), qrule: str = "math",
                    interval_type: str = "mean") -> list[Estimate]:
    """Estimates for column ``var`` overall, or one per category of ``by`` (see module docstring).

    ``design``: a :class:`~analysis.design_spec.DesignSpec` (else the ``weights``/``strata``/``psu``/
    ``fpc``/``lonely_psu`` columns).  ``statistic``: ``mean`` (a share with ``levels``, a mean score with
    ``scores``, else the numeric mean; R ``svyciprop``/``svymean``), ``total`` (R ``svytotal``: of the
    numbers, or the estimated number of rows with one of the ``levels``), ``ratio`` (``ratio=(num, den)``:
    Σwy/Σwx over rows where both are valid, R ``svyratio``) or ``quantile`` (``quantiles``, R
    ``svyquantile`` with ``qrule`` and ``interval_type``; one record per quantile, ``var`` = ``"COL q0.5"``).
    """
    if statistic not in STATISTICS:
        raise DesignError(f"unknown statistic '{statistic}'; choose one of: {', '.join(STATISTICS)}",
                          kind="statistic-choice", value=statistic, choices=", ".join(STATISTICS))
    spec = design or DesignSpec.of(weights, strata, psu, fpc, lonely_psu=lonely_psu)
    des = spec.build(data)
    if statistic == "ratio":
        if not ratio or len(ratio) != 2:
            raise DesignError("a ratio needs a numerator and a denominator column (NUM/DEN)", kind="ratio-columns")
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
                raise DesignError("quantiles need numbers or --score, not --level", kind="quantile-of-levels")
            if not quantiles:
                raise DesignError("give the quantiles to estimate (e.g. 0.5 for the median)", kind="no-quantiles")
            fn, args, kw = _quantile_records, (y,), dict(quantiles=list(quantiles), qrule=qrule,
                                                             interval_type=interval_type)
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
            raise DesignError(f"column '{name}' has no valid values", kind="no-valid-values", column=name)
        out = fn(des, *args, valid=valid, **kw)
        return out if isinstance(out, list) else [out]
    if by not in data.columns:
        raise DesignError(f"group column '{by}' is not in the data", kind="missing-column", role="group", column=by)
    keyed = data.assign(**{by: normalize_series(data[by])})
    keyed.attrs.update(data.attrs)
    d2 = spec.build(keyed)
    out = []
    # R svyby: one record per category; a category without valid rows of positive weight is shown as not
    # estimable (n=0) instead of failing the others (rows with an empty --by value are in no category)
    for dom, mask in groups(d2, by):
        if not (valid & mask & (d2.weights > 0)).any():
            out.extend(_not_estimable(name, dom, statistic, quantiles, levels if _with_levels(statistic, levels)
                                      else None, confidence))
            continue
        r = fn(d2.subset(mask), *args, valid=valid, domain=dom, **kw)
        out.extend(r if isinstance(r, list) else [r])
    return out


def _with_levels(statistic: str, levels: Sequence[str]) -> bool:
    return bool(levels) and statistic in ("mean", "total")


def _not_estimable(name: str, dom: dict, statistic: str, quantiles: Sequence[float], levels, confidence: float
                   ) -> list[Estimate]:
    """The record(s) of a domain with no valid rows of positive weight: NaN estimate, n = 0."""
    nan = float("nan")
    names = [f"{name} q{q:g}" for q in quantiles] if statistic == "quantile" else [name]
    return [Estimate.of(nan, nan, n=0, df=nan, var=v, domain=dom, confidence=confidence,
                        levels=list(levels) if levels else None, extra={"not_estimable": "no valid rows"})
            for v in names]


def _quantile_records(design: Design, y: np.ndarray, *, quantiles: list, qrule: str, var: str,
                      valid: np.ndarray, domain: Optional[dict] = None, confidence: float = 0.95,
                      df: Optional[float] = None, levels=None, interval_type: str = "mean") -> list[Estimate]:
    est = svyquantile(design, y, quantiles, valid=valid, qrule=qrule, interval_type=interval_type,
                      confidence=confidence, df=df, var=var, domain=domain)
    # the quantile is named in var ("COL q0.5"); the domain stays the --by category only
    return [replace(e, var=f"{var} q{q:g}", domain=domain) for q, e in zip(quantiles, est)]

"""Tidy DataFrames from any result: one row per estimate, the columns a researcher filters and plots.

:func:`tidy` accepts an :class:`~analysis.result.Estimate` (scalar or vector), a list of them (e.g.
from :func:`analysis.by.svyby`), a :class:`~analysis.compare.Difference` or a list of them, a
:class:`~analysis.crosstab.CrossTab` (its cells), a :class:`~analysis.glm.SvyGLM` (its coefficient
table), :class:`~analysis.indicators.IndicatorResults` (every item, indicator, area and the
composite, overall and per group) and a :class:`~analysis.weighting.WeightingReport` (its margins).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pandas as pd

COLUMNS = ("var", "label", "estimate", "se", "ci_low", "ci_high", "n", "df", "deff", "ci_method", "confidence")


def _estimate_rows(e, label_key: str = "label") -> list[dict]:
    rows = []
    for i, part in enumerate(e):
        r = {"var": part.var, label_key: e.labels[i] if e.labels is not None else None}
        for k in COLUMNS[2:]:
            r[k] = part.get(k)
        for k, v in (part.domain or {}).items():
            if k != "label":
                r[k] = v
        if part.levels:
            r["levels"] = ",".join(map(str, part.levels))
        for k, v in part.extra.items():
            if k not in r:
                r[k] = v
        rows.append(r)
    return rows


def tidy(obj: Any) -> pd.DataFrame:
    """A tidy DataFrame of ``obj`` (see module docstring)."""
    from .compare import Difference, LeagueRow
    from .crosstab import CrossTab
    from .glm import SvyGLM
    from .indicators import IndicatorResults, stat_record
    from .result import Estimate
    from .weighting import WeightingReport

    if isinstance(obj, Estimate):
        return pd.DataFrame(_estimate_rows(obj))
    if isinstance(obj, CrossTab):
        return obj.cells.copy()
    if isinstance(obj, SvyGLM):
        return obj.summary()
    if isinstance(obj, Difference):
        return pd.DataFrame([obj.to_dict()])
    if isinstance(obj, WeightingReport):
        return pd.DataFrame(obj.margins)
    if isinstance(obj, IndicatorResults):
        rows = []
        tables = [("item", obj.items), ("indicator", obj.indicators), ("area", obj.areas)]
        for level, table in tables:
            for key, measures in table.items():
                for measure, est in (measures or {}).items():
                    if est is None:
                        continue
                    for (grouping, group), e in zip(obj.groups, est):
                        rows.append({"level": level, "id": key, "measure": measure, "grouping": grouping,
                                     "group": group, **stat_record(e)})
        if obj.composite is not None:
            for (grouping, group), e in zip(obj.groups, obj.composite):
                rows.append({"level": "composite", "id": "composite", "measure": "index", "grouping": grouping,
                             "group": group, **stat_record(e)})
        return pd.DataFrame(rows)
    if isinstance(obj, (list, tuple)):
        if not obj:
            return pd.DataFrame(columns=list(COLUMNS))
        if all(isinstance(x, Estimate) for x in obj):
            return pd.DataFrame([r for x in obj for r in _estimate_rows(x)])
        if all(isinstance(x, (Difference, LeagueRow)) for x in obj):
            return pd.DataFrame([x.to_dict() for x in obj])
        return pd.DataFrame([asdict(x) if hasattr(x, "__dataclass_fields__") else x for x in obj])
    raise TypeError(f"tidy() does not know {type(obj).__name__}")

"""Estimates by group (R ``svyby``): one domain per category, never cutting rows.

Each group is the domain design ``design.subset(column == value)`` (weights zeroed outside),
so standard errors use the full design, as R's ``svyby(~y, ~g, design, FUN)``.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .design import Design, DesignError
from .result import Estimate


def groups(design: Design, by: str | Sequence[str]) -> list[tuple[dict, np.ndarray]]:
    """``[(domain dict, mask), ...]`` for every observed combination of the ``by`` columns, sorted."""
    cols = [by] if isinstance(by, str) else list(by)
    for c in cols:
        if c not in design.data.columns:
            raise DesignError(f"group column '{c}' is not in the data", kind="missing-column", role="group", column=c)
    keys = design.data[cols]
    present = keys.notna().all(axis=1).to_numpy()
    out = []
    uniq = keys[present].drop_duplicates()
    try:
        uniq = uniq.sort_values(cols)
    except TypeError:
        uniq = uniq.astype(str).sort_values(cols)
    for _, row in uniq.iterrows():
        mask = present.copy()
        for c in cols:
            mask &= (keys[c] == row[c]).to_numpy()
        out.append(({c: row[c] for c in cols}, mask))
    return out


def svyby(design: Design, by: str | Sequence[str], fn: Callable[..., Estimate], *args, **kw) -> list[Estimate]:
    """Apply estimator ``fn(domain_design, *args, domain=..., **kw)`` to every group of ``by``."""
    out = []
    for dom, mask in groups(design, by):
        sub = design.subset(mask)  # zero-weight rows of the group stay (R svyby keeps them)
        if not (sub.weights > 0).any():
            continue
        out.append(fn(sub, *args, domain=dom, **kw))
    return out

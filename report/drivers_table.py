"""The drivers table (report/drivers.py result) as the writers take it."""

from __future__ import annotations

from functools import partial

from .labels import label


def drivers_table(drv: dict, lang: str = "zh") -> tuple[list, list, str]:
    """(columns, rows, note): one row per area, largest coefficient first."""
    L = partial(label, lang=lang)
    cols = [(L("word.area"), "text"), (L("word.coefficient"), "num3"), (L("word.se"), "num3"),
            (L("word.ci_low"), "num3"), (L("word.ci_high"), "num3")]
    rows = [[t["name"], t["coef"], t["se"], t["ci_low"], t["ci_high"]] for t in drv["terms"]]
    return cols, rows, L("note.drivers").format(n=f"{drv['n']:,}")

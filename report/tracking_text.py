"""Number formats of the tracking outputs (trend, scores, ledger, brief): the formatters every one of them
uses (rates in %, changes in percentage points, p values).  Their words are in the one zh/en table,
:data:`survey.labels.LABELS` (codes ``trend.*``, ``trend_by.*``, ``trend_xlsx.*``)."""

from __future__ import annotations

import math
from typing import Optional

from survey.labels import label

from .table_cells import p_text, text_width as width  # columns a text takes in a terminal (CJK: two)


def heat_mark(kind: str, min_cell: int, lang: str = "zh") -> str:
    """The mark of a heat cell without its value (``kind`` from :meth:`report.trend.HeatTable.blank`)."""
    return label(f"trend.heat_mark_{kind}", lang).format(n=min_cell)


def heat_key(kinds, min_cell: int, lang: str = "zh") -> list[str]:
    """The legend lines under a heat map: one per mark ``kinds`` holds (none, then small), from the label table."""
    return [label(f"trend.heat_key_{k}", lang).format(n=min_cell) for k in ("none", "small") if k in set(kinds)]


def arrow(direction: Optional[str]) -> str:
    """↑ / ↓ for a significant rise / fall, → otherwise."""
    return {"up": "↑", "down": "↓"}.get(direction or "", "→")


def fmt_value(x: Optional[float], percent: bool) -> str:
    """A rate as 64.7%, an index as 74.0; — when missing."""
    if x is None or not math.isfinite(float(x)):
        return "—"
    return f"{100 * float(x):.1f}%" if percent else f"{float(x):.1f}"


def fmt_change(x: Optional[float], percent: bool, lang: str = "zh") -> str:
    """A signed change: +2.5个百分点 (+2.5 pp in English) for rates, +1.4 for indexes, 0.0 when it rounds to
    zero; — when missing."""
    if x is None or not math.isfinite(float(x)):
        return "—"
    from .table_cells import signed

    v = 100 * float(x) if percent else float(x)
    unit = label("trend.pp", lang) if percent else ""  # the Chinese text's unit, as everywhere
    return f"{signed(v)}{unit}"


def fmt_p(p: Optional[float]) -> str:
    """p=0.023, p<0.001; p — when missing (:func:`report.table_cells.p_text`, the one rule)."""
    return p_text(p, named=True)


def fmt_tested_p(p: Optional[float], p_adjusted: Optional[float], adjusted: bool = True, lang: str = "zh") -> str:
    """A test's p as the ledger and the brief print it, each p named: p<0.001，Holm校正后p=0.022 (p<0.001,
    Holm-adjusted p=0.022 in English: the label ``stat.p_holm``; ``adjusted``: ``ledger: adjust`` is holm); the raw
    p alone when not adjusted."""
    if not adjusted:
        return fmt_p(p)
    return label("stat.p_holm", lang).format(p=fmt_p(p), p_adjusted=fmt_p(p_adjusted))


def pad(text: str, cols: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``cols`` terminal columns (left-aligned, or right-aligned)."""
    fill = " " * max(cols - width(text), 0)
    return fill + text if right else text + fill


def table(rows: list, right: tuple = ()) -> list[str]:
    """Rows of cells as aligned lines (two spaces between columns); columns in ``right`` right-aligned."""
    if not rows:
        return []
    n = max(len(r) for r in rows)
    w = [max(width(str(r[j])) if j < len(r) else 0 for r in rows) for j in range(n)]
    return ["  ".join(pad(str(r[j]) if j < len(r) else "", w[j], j in right) for j in range(n)).rstrip() for r in rows]

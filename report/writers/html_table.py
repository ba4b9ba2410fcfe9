"""A report table (:class:`report.records.Table`) as the HTML report prints it: header and cells with
their CSS classes.

The same record that DOCX and XLSX print, shown for reading on screen and paper: an interval's two
bound columns (``Table.intervals``) become one ``90.1%–92.4%`` cell under one header; a verdict or a
significant change (:class:`report.table_cells.Tag`) is coloured by its tone; a suppressed or
not-asked cell is greyed; long text is left-aligned, short text and numbers centred.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..labels import label
from ..records import Table
from ..table_cells import Num, Tag, text_width
from .table_width import column_needs, is_wide

TONE_CLASS = {"ok": "v-ok", "bad": "v-bad", "ns": "v-ns"}
LONG_TEXT = 8  # display width (a CJK character counts 2) above which a text column is left-aligned and
# wraps (as in the Word tables); shorter words (a district, a site) stay on one line, centred unless
# they label the row (first column)
PRINT_TEXT_CM = 17.8  # the printed text block: A4 less the report template's 16 mm side margins (@page)
PRINT_TABLE_PT = 9.75  # the tables' 13 px


@dataclass(frozen=True)
class Cell:
    text: str
    cls: str = ""


@dataclass(frozen=True)
class TableView:
    headers: list
    rows: list  # [[Cell]]
    wide: bool = False  # printed on a landscape page (report.writers.table_width.is_wide)


def _class(v, align: str) -> str:
    if isinstance(v, Tag):
        return TONE_CLASS.get(v.tone, "")
    if isinstance(v, Num) and ("suppressed" in v.flags or "not_asked" in v.flags):
        return "suppressed"
    return align


def table_view(t: Table, lang: str) -> TableView:
    """The HTML header and cells of ``t``."""
    kinds = [k for _, k in t.columns]
    shown = t.formatted(lang)
    # text: the first column (the row's label) left-aligned, "l"; long text also wraps, "l w"
    long = [k == "text" and max((text_width(r[j]) for r in shown), default=0) > LONG_TEXT for j, k in enumerate(kinds)]
    align = ["l w" if lg else ("l" if j == 0 and k == "text" else "") for j, (k, lg) in enumerate(zip(kinds, long))]
    joiner = {k: label("word.change_to" if k in ("chg1", "pp") else "word.interval_to", lang) for k in set(kinds)}
    headers, j = [], 0
    while j < len(kinds):
        if j in t.intervals:
            headers.append(t.intervals[j])
            j += 2
        else:
            headers.append(t.columns[j][0])
            j += 1
    rows = []
    for raw, txt in zip(t.rows, shown):
        cells, j = [], 0
        while j < len(kinds):
            if j in t.intervals:
                lo, hi = txt[j], txt[j + 1]
                cells.append(Cell("—" if "—" in (lo, hi) else f"{lo}{joiner[kinds[j]]}{hi}"))
                j += 2
            else:
                cells.append(Cell(txt[j], _class(raw[j], align[j])))
                j += 1
        rows.append(cells)
    need, text, _ = column_needs(t.columns, shown, PRINT_TABLE_PT)
    return TableView(headers, rows, is_wide(need, text, PRINT_TEXT_CM))


__all__ = ["Cell", "TableView", "table_view"]

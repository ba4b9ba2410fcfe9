"""The XLSX appendix: every table of the report, one sheet per section, numbers as number cells.

Each value is written as a number with the number format of its kind
(:data:`report.table_cells.NUMBER_FORMATS`: 0.0% shares, 0.0 scores, #,##0 counts,
+0.0;-0.0;0.0 changes); never as formatted text.  A column holding flagged cells (small base,
suppressed, significant) is followed by its own flag column, so the number cell stays a number.
Text cells go through :func:`survey.cells.safe_value` (never a formula: text starting with = + - @
is neutralised).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from survey.atomic import atomic_write
from survey.cells import safe_value, sheet_title

from ..labels import label
from ..numbering import table_caption
from ..table_cells import NUMBER_FORMATS, Num, Tag, flag_text


def cell_value(v: Any) -> Any:
    """A Python value ready for an openpyxl cell: numbers stay numbers, NaN/inf empty, text made safe."""
    if isinstance(v, Num):
        if v.kind == "text" and "not_asked" not in v.flags:  # a flagged name (a small district, △): the name
            return safe_value(v.value, "xlsx")
        return v.number  # numbers; words standing in for a number (未调查) leave it empty, the flag column says why
    if isinstance(v, Tag):
        v = v.text
    if isinstance(v, (np.floating,)):
        v = float(v)
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    return safe_value(v, "xlsx")  # never a formula, no character XLSX cannot hold (survey.cells)


def table_grid(table, lang: str) -> tuple:
    """(header, [(kind, ...)], rows) of a report table as written to XLSX: a flag column after every
    column that holds flagged :class:`Num` cells."""
    cols = list(table.columns)
    # a number column with flagged cells gets a flag column; a text column's marks (a small district's △)
    # are not repeated: such a table states them in its own column (the league's 备注)
    flagged = [cols[j][1] != "text" and any(isinstance(r[j], Num) and r[j].flags for r in table.rows)
               for j in range(len(cols))]
    header, kinds = [], []
    for (h, k), fl in zip(cols, flagged):
        header.append(h)
        kinds.append(k)
        if fl:
            header.append(label("word.flag_of", lang).format(h=h))
            kinds.append("flag")
    rows = []
    for r in table.rows:
        out = []
        for j, v in enumerate(r):
            out.append((v.kind if isinstance(v, Num) else cols[j][1], v))
            if flagged[j]:
                out.append(("flag", flag_text(v, lang)))
        rows.append(out)
    return header, kinds, rows


def write_xlsx(context: dict, path: Path) -> None:
    """Every table of the report, one sheet per section: a caption row, a header row, the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    lang = context["lang"]
    wb = Workbook()
    wb.remove(wb.active)
    for sec in context["sections"]:
        ws = wb.create_sheet(sheet_title(sec.sheet, wb.sheetnames))
        ws.append([cell_value(sec.title)])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=13)
        widths: dict = {}
        for kind, obj in sec.blocks:
            if kind == "list":  # findings, method notes: numbered rows
                ws.append([])
                for i, text in enumerate(obj):
                    ws.append([i + 1, cell_value(text)])
                continue
            if kind != "table":
                continue
            header, _, rows = table_grid(obj, lang)
            ws.append([])
            ws.append([cell_value(table_caption(obj, lang))])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
            ws.append([cell_value(h) for h in header])
            for c in ws[ws.max_row]:
                c.font = Font(bold=True)
            for r in rows:
                ws.append([cell_value(v) for _, v in r])
                row = ws.max_row
                for j, (k, v) in enumerate(r, start=1):
                    if k in NUMBER_FORMATS:
                        ws.cell(row, j).number_format = NUMBER_FORMATS[k]
                    shown = cell_value(v)
                    widths[j] = max(widths.get(j, 8), min(60, len(str(shown)) * 1.6 if shown is not None else 0))
            if obj.note:
                ws.append([])
                ws.append([cell_value(label("word.note_prefix", lang) + obj.note)])
        for j, wdt in widths.items():
            ws.column_dimensions[get_column_letter(j)].width = wdt
    atomic_write(path, lambda tmp: wb.save(str(tmp)))

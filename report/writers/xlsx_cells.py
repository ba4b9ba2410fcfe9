"""The XLSX appendix: every table of the report, one sheet per section, numbers as number cells.

Each value is written as a number with the number format of its kind
(:data:`report.table_cells.NUMBER_FORMATS`: 0.0% shares, 0.0 scores, #,##0 counts,
+0.0;-0.0;0.0 changes); never as formatted text.  A column holding flagged cells (small base,
suppressed, significant) is followed by its own flag column, so the number cell stays a number.
Text cells go through :func:`survey.cells.safe_value` (never a formula: text starting with = + - @
is neutralised).

Layout for reading and printing (:func:`column_width`, :func:`set_print_layout`): a column is as wide as
its longest shown value (numbers by their format, CJK counted double), header cells wrap, list texts
(findings, method notes) wrap in a wide column instead of running off the printed page, and every sheet
prints on A4 fitted to the page width, landscape when it is wider than a portrait page.
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
from ..table_cells import NUMBER_FORMATS, Num, Tag, flag_text, text_width


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
    column that holds flagged :class:`Num` cells; a value given once per group (``Table.fill_down``) on each of
    the group's rows, so sorting or filtering the sheet keeps it with its row."""
    cols = list(table.columns)
    source = table.filled_rows()
    # a column with flagged cells gets a flag column, so a mark the table's note explains (△) is on its row
    # in Excel too; a text column's marks are not repeated where the table states them in its own 说明
    # column (the league's small districts)
    stated = any(h == label("word.note", lang) for h, _ in cols)
    flagged = [not (cols[j][1] == "text" and stated) and any(isinstance(r[j], Num) and r[j].flags for r in source)
               for j in range(len(cols))]
    header, kinds = [], []
    for (h, k), fl in zip(cols, flagged):
        header.append(h)
        kinds.append(k)
        if fl:
            header.append(label("word.flag_of", lang).format(h=h))
            kinds.append("flag")
    rows = []
    for r in source:
        out = []
        for j, v in enumerate(r):
            out.append((v.kind if isinstance(v, Num) else cols[j][1], v))
            if flagged[j]:
                out.append(("flag", flag_text(v, lang)))
        rows.append(out)
    return header, kinds, rows


NUMBER_WIDTH = 10      # a number cell in any of NUMBER_FORMATS (“-12.3%”, “3,914”, “0.000”) with room to spare
MIN_WIDTH, MAX_WIDTH = 8, 50  # Excel width units (about one Latin character)
HEADER_MAX = 16        # a header wraps onto more lines rather than widening a number column
LIST_WIDTH = 90        # column B on a sheet of numbered findings or notes only: their text wraps at this width
DEFAULT_WIDTH = 8.43   # Excel's width of a column without a width of its own
LINE_PT = 16           # row height per wrapped line of 11 pt text (CJK glyphs are taller than Latin ones)
PORTRAIT_UNITS = 95    # about the width units a portrait A4 page holds at 100 % with the default margins


def display_width(v: Any) -> float:
    """Width units a value needs as shown: numbers by their format (:data:`NUMBER_WIDTH`), text by its
    characters, CJK and full-width ones counted double (as Excel draws them)."""
    if v is None:
        return 0
    if isinstance(v, (int, float)):
        return NUMBER_WIDTH
    return text_width(str(v)) + 1


def wrap_prose(ws, rows: list, widths: dict) -> None:
    """Findings, notes and captions (``rows``: (row, column of the text)) wrapped within the sheet's width.
    On a sheet of lists only, column B is :data:`LIST_WIDTH` wide.  A text in column B (a finding) spans B
    to the last table column (merged: these rows hold no data) so a table's column keeps its own width; a
    text in column A (a table's note, a caption) is merged across the table only when it is wider than the
    sheet.  Each wrapped row is made as tall as its lines (Excel does not fit a merged row's height).

    Rule: nothing cut off on screen or on paper (a 138-character finding in an 8-unit column, a
    233-character table note ran past the printed page)."""
    from openpyxl.styles import Alignment

    if any(c == 2 for _, c in rows) and max(widths, default=0) <= 2:
        widths[2] = max(widths.get(2, MIN_WIDTH), LIST_WIDTH)
    last = max(max(widths, default=1), 2)

    def reach(col: int, need: float) -> tuple[int, float]:
        """The last column and width of a text from ``col``: to the last table column, and beside a narrow
        table on over empty columns until it holds the text or :data:`LIST_WIDTH` (not into a sliver)."""
        end = last
        span = sum(widths.get(j, MIN_WIDTH) for j in range(col, end + 1))
        while span < min(need, LIST_WIDTH):
            end += 1
            span += widths.get(end, DEFAULT_WIDTH)
        return end, span

    # the numbered findings of a sheet share one right edge (the widest's): B41:J41 above B42:L42 looked ragged
    numbered = max((reach(2, display_width(ws.cell(r, 2).value)) for r, c in rows if c == 2), default=None)
    for r, col in rows:
        need = display_width(ws.cell(r, col).value)
        end, span = numbered if col == 2 and numbered else reach(col, need)
        if col == 1 and end == last and need <= span:
            continue  # shown in full over the empty cells to its right, on screen and in print
        if end > col:
            ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=end)
        ws.cell(r, col).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = max(1, math.ceil(need / (span * 0.9))) * LINE_PT


def set_print_layout(ws, total_width: float, lang: str = "zh") -> None:
    """A4, fitted to one page wide (any number of pages tall), landscape when the used columns are wider
    than a portrait page; the sheet's gridlines printed so stacked tables stay readable; the footer names
    the sheet and numbers the pages ("第 3 页，共 21 页"), so a printed appendix of many pages can be put
    back in order (GB/T 9704-2012 7.5: every printed page carries its page number)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if total_width > PORTRAIT_UNITS else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.oddFooter.center.text = label("xlsx.page_footer", lang)


def write_xlsx(context: dict, path: Path) -> None:
    """Every table of the report, one sheet per section: a caption row, a header row, the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    lang = context["lang"]
    wb = Workbook()
    wb.remove(wb.active)
    for sec in context["sections"]:
        ws = wb.create_sheet(sheet_title(sec.sheet, wb.sheetnames))
        ws.append([cell_value(sec.title)])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=13)
        widths: dict = {}
        prose: list = []  # (row, column) of findings, captions and notes
        for kind, obj in sec.blocks:
            if kind == "list":  # findings, method notes: numbered rows, the text wrapped in a wide column
                ws.append([])
                if getattr(obj, "lead", ""):  # the 摘要's verdict, unnumbered, before points 1, 2, 3…
                    ws.append([None, cell_value(obj.lead)])
                    ws.cell(ws.max_row, 2).font = Font(bold=True)
                    prose.append((ws.max_row, 2))
                for i, text in enumerate(obj):
                    ws.append([i + 1, cell_value(text)])
                    ws.cell(ws.max_row, 1).alignment = Alignment(vertical="top")
                    prose.append((ws.max_row, 2))
                continue
            if kind != "table":
                continue
            header, _, rows = table_grid(obj, lang)
            ws.append([])
            ws.append([cell_value(table_caption(obj, lang))])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
            prose.append((ws.max_row, 1))
            ws.append([cell_value(h) for h in header])
            for j, c in enumerate(ws[ws.max_row], start=1):
                c.font = Font(bold=True)
                c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
                widths[j] = max(widths.get(j, MIN_WIDTH), min(HEADER_MAX, display_width(c.value)))
            for r in rows:
                ws.append([cell_value(v) for _, v in r])
                row = ws.max_row
                for j, (k, v) in enumerate(r, start=1):
                    if k in NUMBER_FORMATS:
                        ws.cell(row, j).number_format = NUMBER_FORMATS[k]
                    need = display_width(ws.cell(row, j).value)
                    if need > MAX_WIDTH:  # a long text wraps inside its column instead of running over the next
                        ws.cell(row, j).alignment = wrap
                    widths[j] = max(widths.get(j, MIN_WIDTH), min(MAX_WIDTH, need))
            if obj.note:
                ws.append([])
                ws.append([cell_value(label("word.note_prefix", lang) + obj.note)])
                prose.append((ws.max_row, 1))
        wrap_prose(ws, prose, widths)
        for j, wdt in widths.items():
            ws.column_dimensions[get_column_letter(j)].width = wdt
        set_print_layout(ws, sum(widths.get(j, DEFAULT_WIDTH) for j in range(1, ws.max_column + 1)), lang)
    atomic_write(path, lambda tmp: wb.save(str(tmp)))

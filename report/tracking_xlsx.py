"""Spreadsheets of the tracking outputs (``survey trend --out``): numbers as number cells with number
formats, a colour scale on the heat tables, every text cell formula-neutralised."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from survey.atomic import atomic_write
from survey.cells import safe_value, sheet_title

from .table_cells import NUMBER_FORMATS, P_FORMAT  # p: 0.042, and <0.001 rather than a bare 0.000
from .labels import label as L
from .tracking_text import heat_key, heat_mark
from .trend import ProjectTrend
from .writers.xlsx_cells import (HEADER_MAX, MAX_WIDTH, MIN_WIDTH, NUMBER_WIDTH, display_width, set_print_layout,
                                 wrap_prose)


def safe_cell(v: Any) -> Any:
    """A value for an XLSX cell: NaN empty, text formula-neutralised (:func:`survey.cells.safe_value`)."""
    if isinstance(v, float) and v != v:
        return None
    return safe_value(v, "xlsx")


HEAT_COLOURS = dict(start_type="min", start_color="F8696B", mid_type="percentile", mid_value=50,
                    mid_color="FFEB84", end_type="max", end_color="63BE7B")  # red → yellow → green, Excel's own


def trend_header(trend: ProjectTrend, lang: str) -> list:
    """The 趋势 sheet's column heads: indicator, measure, group; estimate, bounds and n per wave (by its
    label, never its id); the changes and the trend test."""
    head = [L(f"trend_xlsx.{c}", lang) for c in ("indicator", "measure", "group")]
    for w in trend.waves:
        lab = w.label if lang != "en" else w.label_en
        head += [lab] + [L(f"trend_xlsx.{c}", lang).format(wave=lab) for c in ("wave_low", "wave_high", "wave_n")]
    return head + [L(f"trend_xlsx.{c}", lang) for c in ("vs_previous", "p_previous", "vs_first", "p_first", "trend",
                                                         "trend_low", "trend_high", "trend_p", "direction")]


def series_row(s, lang: str, index_range=None) -> tuple[list, list]:
    """One series as (values, number formats), as report.xlsx writes its numbers (:data:`report.table_cells.
    NUMBER_FORMATS`): a rate and its bounds 0.0%, an index 0.0, n #,##0; a change or slope in its display unit —
    percentage points for a rate (×100), points for an index — as ``chg1`` (+0.0;-0.0;0.0), as the report's trend
    table.  Each wave's interval is cut at its scale's ends as the report prints it (0–100% for a rate,
    ``index_range`` for an index: :func:`report.suppression.clip_interval`); ``survey trend --json`` keeps the
    raw bounds.

    Rule: a rate's change written as a share with the format +0.0% showed a change of 2.5 percentage points as
    “+2.5%”, and a bound past 100% (a Wald interval on a small base) stood in the workbook as no estimate can."""
    from .suppression import clip_interval, measure_scale

    fmt = NUMBER_FORMATS["pct"] if s.percent else NUMBER_FORMATS["num1"]
    dfmt = NUMBER_FORMATS["chg1"]
    unit = 100.0 if s.percent else 1.0
    scale = measure_scale(s.measure, index_range)

    def change(x):
        return None if x is None or x != x else unit * x

    row = [s.display(lang), L("trend_xlsx.measure_" + ("rate" if s.percent else "index"), lang), s.group or L("word.city", lang)]
    fmts: list = [None, None, None]
    for p in s.series.points:
        ci = {"ci_low": p.ci_low, "ci_high": p.ci_high}
        clip_interval(ci, scale)
        row += [p.estimate, ci["ci_low"], ci["ci_high"], p.n or None]
        fmts += [fmt, fmt, fmt, NUMBER_FORMATS["int"]]
    last = next((p for p in reversed(s.series.points) if p.vs_previous is not None), None)
    tr = s.series.trend
    row += [change(last.vs_previous.estimate) if last else None, last.vs_previous.p if last else None,
            change(last.vs_first.estimate) if last else None, last.vs_first.p if last else None,
            change(tr.slope) if tr else None, change(tr.ci_low) if tr else None, change(tr.ci_high) if tr else None,
            tr.p if tr else None, {"up": "↑", "down": "↓"}.get(tr.direction, "→") if tr else None]
    return row, fmts + [dfmt, P_FORMAT, dfmt, P_FORMAT, dfmt, dfmt, dfmt, P_FORMAT, None]


def fit_columns(ws, widths: dict) -> float:
    """Set each column's width (Excel units) from ``widths`` (column number → width); the total width."""
    from openpyxl.utils import get_column_letter

    for j, w in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = w
    return float(sum(widths.values()))


def write_trend_sheet(ws, trend: ProjectTrend, lang: str) -> None:
    """Sheet 趋势: one row per series, the header row frozen and printed on every page, every column as
    wide as its header (wrapped past :data:`HEADER_MAX`) or its longest name, A4 fitted to the page width.

    Rule: an English reader saw "Change vs previous" cut to "Change v" in a default-width column and a
    printout whose later pages had no column heads (issue 11: Excel files that open right everywhere)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    head = trend_header(trend, lang)
    ws.append([safe_cell(h) for h in head])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    widths = {j: max(MIN_WIDTH, NUMBER_WIDTH, min(HEADER_MAX, display_width(h))) for j, h in enumerate(head, 1)}
    for s in trend.series:
        row, fmts = series_row(s, lang, trend.index_range)
        ws.append([safe_cell(v) for v in row])
        for j, f in enumerate(fmts, start=1):
            if f:
                ws.cell(ws.max_row, j).number_format = f
        for j in (1, 2, 3):
            widths[j] = max(widths[j], min(MAX_WIDTH, display_width(row[j - 1])))
        if display_width(row[0]) > MAX_WIDTH:  # a long name wraps in its column, not under the next one
            ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.append([])
    ws.append([safe_cell(L("trend_xlsx.units", lang))])  # the changes' units, as the report's note under its trend table
    wrap_prose(ws, [(ws.max_row, 1)], widths)
    ws.freeze_panes = "D2"
    # a filter on the header (by 分组, 测量 …): the sheet is one table of every series, all groups mixed
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(trend.series) + 1}"
    ws.print_title_rows = "1:1"
    set_print_layout(ws, fit_columns(ws, widths), lang)


def write_heat_sheet(ws, trend: ProjectTrend, lang: str) -> None:
    """The heat tables (groups × waves, a three-colour scale over the groups) stacked on one sheet, each
    under its full name.

    Rule: one sheet per table named by the series cut the English names at Excel's 31 characters, so the
    rate and the index of an area became "Satisfaction with city environm" and "Satisfaction with city
    envi (2)"; a title row holds the whole name (issue 11: no text cut off)."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    labels = [w.label if lang != "en" else w.label_en for w in trend.waves]
    # a wave's column as wide as its label (“2026年第一季度” is 14 units: in a number's 10 it was cut off at the next
    # wave's edge), a longer one wrapped in the header
    widths = {1: MIN_WIDTH, **{j: max(NUMBER_WIDTH, min(HEADER_MAX, display_width(lab)))
                               for j, lab in enumerate(labels, start=2)}}
    titles: list = []  # (row, column) of each table's name: wrapped across the table when wider
    for i, h in enumerate(trend.heat):
        if i:
            ws.append([])
        ws.append([safe_cell(h.of.display(lang))])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        titles.append((ws.max_row, 1))
        # the grouping in words as the heat map's title names it (调查点, not the option name "site")
        by = h.by_label or h.by
        ws.append([safe_cell(x) for x in [by[:1].upper() + by[1:]] + labels])
        for c in ws[ws.max_row]:
            c.font = Font(bold=True)
            c.alignment = Alignment(wrap_text=True, vertical="center")
        top = ws.max_row + 1
        drawn = []  # the marks written, for the legend under the table
        for i, (g, vals) in enumerate(zip(list(h.groups) + [L("word.city", lang)], list(h.values) + [h.city])):
            ws.append([safe_cell(g)] + [safe_cell(v) for v in vals])
            widths[1] = max(widths[1], min(MAX_WIDTH, display_width(g)))
            for j, v in enumerate(vals):
                c = ws.cell(ws.max_row, j + 2)
                if v is None:  # no value: the heat map's mark of why, as text (the colour scale skips it)
                    why = h.blank(i, j) if i < len(h.groups) else "none"
                    drawn.append(why)
                    c.value = heat_mark(why, h.min_cell, lang)
                    c.alignment = Alignment(horizontal="center")
                else:
                    c.number_format = "0.0%" if h.measure == "rate" else "0.0"
        if h.groups:  # the groups, not the city row
            rng = f"B{top}:{get_column_letter(len(labels) + 1)}{top + len(h.groups) - 1}"
            ws.conditional_formatting.add(rng, ColorScaleRule(**HEAT_COLOURS))
        for line in heat_key(drawn, h.min_cell, lang):  # the legend, as under the heat map
            ws.append([safe_cell(line)])
            ws.cell(ws.max_row, 1).font = Font(italic=True, color="444444")
            titles.append((ws.max_row, 1))  # wrapped across the table when wider, as the titles
    wrap_prose(ws, titles, widths)
    set_print_layout(ws, fit_columns(ws, widths), lang)


def write_trend_xlsx(trend: ProjectTrend, path: Path, lang: str = "zh") -> None:
    """``trend.xlsx``: sheet 趋势 (every series: estimate and CI per wave, changes, trend) and, with
    ``--by``, sheet 按区县 (By district) holding every heat table (groups × waves with a colour scale)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = L("trend_xlsx.trend_sheet", lang)
    write_trend_sheet(ws, trend, lang)
    if trend.heat:
        h = trend.heat[0]
        sheet = L("trend_xlsx.heat_sheet", lang).format(by=h.by_label or h.by)
        write_heat_sheet(wb.create_sheet(sheet_title(sheet, wb.sheetnames)), trend, lang)
    atomic_write(path, lambda tmp: wb.save(str(tmp)))

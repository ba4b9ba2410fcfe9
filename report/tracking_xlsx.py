"""Spreadsheets of the tracking outputs (``survey trend --out``): numbers as number cells with number
formats, a colour scale on the heat tables, every text cell formula-neutralised."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from survey.atomic import atomic_write
from survey.cells import safe_value, sheet_title

from .tracking_text import label as L
from .trend import ProjectTrend
from .writers.xlsx_cells import (HEADER_MAX, MAX_WIDTH, MIN_WIDTH, NUMBER_WIDTH, display_width, set_print_layout,
                                 wrap_prose)

#: p values as the text outputs write them: 0.042, and <0.001 rather than a bare 0.000 (the cell keeps the number)
P_FORMAT = '[<0.001]"<0.001";0.000'


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
    head = [L(c, lang) for c in ("xlsx_indicator", "xlsx_measure", "xlsx_group")]
    for w in trend.waves:
        lab = w.label if lang != "en" else w.label_en
        head += [lab] + [L(c, lang).format(wave=lab) for c in ("xlsx_wave_low", "xlsx_wave_high", "xlsx_wave_n")]
    return head + [L(c, lang) for c in ("xlsx_vs_previous", "xlsx_p_previous", "xlsx_vs_first", "xlsx_p_first",
                                        "xlsx_trend", "xlsx_trend_low", "xlsx_trend_high", "xlsx_trend_p",
                                        "xlsx_direction")]


def series_row(s, lang: str) -> tuple[list, list]:
    """One series as (values, number formats): rates 0.0% with changes ±0.0%, indexes 0.0 with ±0.0."""
    fmt = "0.0%" if s.percent else "0.0"
    dfmt = "+0.0%;-0.0%;0.0%" if s.percent else "+0.0;-0.0;0.0"
    row = [s.display(lang), L("measure_rate" if s.percent else "measure_index", lang), s.group or L("city", lang)]
    fmts: list = [None, None, None]
    for p in s.series.points:
        row += [p.estimate, p.ci_low, p.ci_high, p.n or None]
        fmts += [fmt, fmt, fmt, "#,##0"]
    last = next((p for p in reversed(s.series.points) if p.vs_previous is not None), None)
    tr = s.series.trend
    row += [last.vs_previous.estimate if last else None, last.vs_previous.p if last else None,
            last.vs_first.estimate if last else None, last.vs_first.p if last else None,
            tr.slope if tr else None, tr.ci_low if tr else None, tr.ci_high if tr else None, tr.p if tr else None,
            {"up": "↑", "down": "↓"}.get(tr.direction, "→") if tr else None]
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

    head = trend_header(trend, lang)
    ws.append([safe_cell(h) for h in head])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    widths = {j: max(MIN_WIDTH, NUMBER_WIDTH, min(HEADER_MAX, display_width(h))) for j, h in enumerate(head, 1)}
    for s in trend.series:
        row, fmts = series_row(s, lang)
        ws.append([safe_cell(v) for v in row])
        for j, f in enumerate(fmts, start=1):
            if f:
                ws.cell(ws.max_row, j).number_format = f
        for j in (1, 2, 3):
            widths[j] = max(widths[j], min(MAX_WIDTH, display_width(row[j - 1])))
        if display_width(row[0]) > MAX_WIDTH:  # a long name wraps in its column, not under the next one
            ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "D2"
    ws.print_title_rows = "1:1"
    set_print_layout(ws, fit_columns(ws, widths), lang)


def write_heat_sheet(ws, trend: ProjectTrend, lang: str) -> None:
    """The heat tables (groups × waves, a three-colour scale over the groups) stacked on one sheet, each
    under its full name.

    Rule: one sheet per table named by the series cut the English names at Excel's 31 characters, so the
    rate and the index of an area became "Satisfaction with city environm" and "Satisfaction with city
    envi (2)"; a title row holds the whole name (issue 11: no text cut off)."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    labels = [w.label if lang != "en" else w.label_en for w in trend.waves]
    widths = {1: MIN_WIDTH, **{j: NUMBER_WIDTH for j in range(2, len(labels) + 2)}}
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
        top = ws.max_row + 1
        for g, vals in zip(list(h.groups) + [L("city", lang)], list(h.values) + [h.city]):
            ws.append([safe_cell(g)] + [v for v in vals])
            widths[1] = max(widths[1], min(MAX_WIDTH, display_width(g)))
            for j in range(len(vals)):
                ws.cell(ws.max_row, j + 2).number_format = "0.0%" if h.measure == "rate" else "0.0"
        if h.groups:  # the groups, not the city row
            rng = f"B{top}:{get_column_letter(len(labels) + 1)}{top + len(h.groups) - 1}"
            ws.conditional_formatting.add(rng, ColorScaleRule(**HEAT_COLOURS))
    wrap_prose(ws, titles, widths)
    set_print_layout(ws, fit_columns(ws, widths), lang)


def write_trend_xlsx(trend: ProjectTrend, path: Path, lang: str = "zh") -> None:
    """``trend.xlsx``: sheet 趋势 (every series: estimate and CI per wave, changes, trend) and, with
    ``--by``, sheet 按区县 (By district) holding every heat table (groups × waves with a colour scale)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = L("xlsx_trend_sheet", lang)
    write_trend_sheet(ws, trend, lang)
    if trend.heat:
        h = trend.heat[0]
        sheet = L("xlsx_heat_sheet", lang).format(by=h.by_label or h.by)
        write_heat_sheet(wb.create_sheet(sheet_title(sheet, wb.sheetnames)), trend, lang)
    atomic_write(path, lambda tmp: wb.save(str(tmp)))

"""Spreadsheets of the tracking outputs (``survey trend --out``): numbers as number cells with number
formats, a colour scale on the heat tables, every text cell formula-neutralised."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from survey.atomic import atomic_write
from survey.cells import safe_value, sheet_title

from .tracking_text import label as L
from .trend import ProjectTrend

#: p values as the text outputs write them: 0.042, and <0.001 rather than a bare 0.000 (the cell keeps the number)
P_FORMAT = '[<0.001]"<0.001";0.000'


def safe_cell(v: Any) -> Any:
    """A value for an XLSX cell: NaN empty, text formula-neutralised (:func:`survey.cells.safe_value`)."""
    if isinstance(v, float) and v != v:
        return None
    return safe_value(v, "xlsx")


def write_trend_xlsx(trend: ProjectTrend, path: Path, lang: str = "zh") -> None:
    """``trend.xlsx``: sheet 趋势 (every series: estimate and CI per wave, changes, trend) and one sheet per
    heat table (groups × waves with a three-colour scale)."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    zh = lang != "en"
    wb = Workbook()
    ws = wb.active
    ws.title = "趋势" if zh else "Trend"
    labels = [w.label if zh else w.label_en for w in trend.waves]
    head = (["指标", "测量", "分组"] if zh else ["Indicator", "Measure", "Group"])
    for lab in labels:
        head += [f"{lab}", f"{lab} 下限" if zh else f"{lab} low", f"{lab} 上限" if zh else f"{lab} high", f"{lab} n"]
    head += (["较上期变化", "较上期p", "较首期变化", "较首期p", "趋势（每期）", "趋势下限", "趋势上限", "趋势p", "趋势方向"] if zh else
             ["Change vs previous", "p (previous)", "Change vs first", "p (first)", "Trend per wave", "Trend low",
              "Trend high", "Trend p", "Direction"])
    ws.append([safe_cell(h) for h in head])
    for c in ws[1]:
        c.font = Font(bold=True)
    for s in trend.series:
        fmt = "0.0%" if s.percent else "0.0"
        dfmt = "+0.0%;-0.0%;0.0%" if s.percent else "+0.0;-0.0;0.0"
        row = [s.display(lang), ("率" if s.percent else "指数") if zh else s.measure, s.group or ("全市" if zh else "overall")]
        fmts = [None, None, None]
        for p in s.series.points:
            row += [p.estimate, p.ci_low, p.ci_high, p.n or None]
            fmts += [fmt, fmt, fmt, "#,##0"]
        last = next((p for p in reversed(s.series.points) if p.vs_previous is not None), None)
        tr = s.series.trend
        row += [last.vs_previous.estimate if last else None, last.vs_previous.p if last else None,
                last.vs_first.estimate if last else None, last.vs_first.p if last else None,
                tr.slope if tr else None, tr.ci_low if tr else None, tr.ci_high if tr else None, tr.p if tr else None,
                {"up": "↑", "down": "↓"}.get(tr.direction, "→") if tr else None]
        fmts += [dfmt, P_FORMAT, dfmt, P_FORMAT, dfmt, dfmt, dfmt, P_FORMAT, None]
        ws.append([safe_cell(v) for v in row])
        for j, f in enumerate(fmts, start=1):
            if f:
                ws.cell(ws.max_row, j).number_format = f
    ws.column_dimensions["A"].width = 26
    ws.freeze_panes = "D2"
    for h in trend.heat:
        name = h.of.display(lang)
        sh = wb.create_sheet(sheet_title(name, wb.sheetnames))
        sh.append([safe_cell(name)])
        sh.cell(1, 1).font = Font(bold=True)
        # the grouping in words as the heat map's title names it (调查点, not the option name "site")
        sh.append([safe_cell(x) for x in [h.by_label or h.by] + labels])
        for c in sh[2]:
            c.font = Font(bold=True)
        for g, vals in zip(list(h.groups) + [L("city", lang)], list(h.values) + [h.city]):
            sh.append([safe_cell(g)] + [v for v in vals])
            for j in range(len(vals)):
                sh.cell(sh.max_row, j + 2).number_format = "0.0%" if h.measure == "rate" else "0.0"
        if h.groups:
            rng = f"B3:{get_column_letter(len(labels) + 1)}{len(h.groups) + 2}"  # the districts (not the city row)
            sh.conditional_formatting.add(rng, ColorScaleRule(start_type="min", start_color="F8696B",
                                                              mid_type="percentile", mid_value=50, mid_color="FFEB84",
                                                              end_type="max", end_color="63BE7B"))
        sh.column_dimensions["A"].width = 14
    atomic_write(path, lambda tmp: wb.save(str(tmp)))

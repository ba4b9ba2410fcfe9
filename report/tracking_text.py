"""Words and number formats of the tracking outputs (trend, scores, ledger, brief): one zh/en table keyed
by code, and the formatters every one of them uses (rates in %, changes in percentage points, p values)."""

from __future__ import annotations

import math
from typing import Optional

from .table_cells import text_width as width  # columns a text takes in a terminal (CJK: two)

LABELS: dict[str, tuple[str, str]] = {
    # code: (zh, en)
    "per_wave": ("/期", "/wave"),
    "waves_key": ("期次：", "Waves: "),
    "multiples_note": ("误差线为95%置信区间，{target}标题中箭头为线性趋势检验结果（↑↓显著，→不显著）",
                       "error bars: 95% CI; {target}arrow: linear trend test (↑↓ significant, → not)"),
    "multiples_target": ("虚线为目标值，", "dashed line: target; "),
    "heat_title": ("{name}：{by}×期次", "{name}: {by} × wave"),
    # chart captions state the finding (the chart itself draws no title)
    "multiples_fastest": ("{what}：{name}{dir}最明显（{slope}/期）", "{what}: {name} {dir} fastest ({slope}/wave)"),
    "multiples_flat": ("{what}：各项均无显著线性趋势", "{what}: no significant linear trend in any"),
    "areas_what": ("各领域满意度指数历次变化", "Satisfaction index by area across waves"),
    "rates_what": ("“三率”历次变化", "Awareness, support and participation across waves"),
    "heat_lowest": ("{head}，{wave}{group}最低（{value}）", "{head}; lowest in {wave}: {group} ({value})"),
    "heat_tied": ("，与{others}差异不显著", ", not significantly below {others}"),
    # a heat cell without its value: no respondents that wave, or too few to show (suppressed), marked apart
    "heat_mark_none": ("—", "—"),
    "heat_mark_small": ("n<{n}", "n<{n}"),
    "heat_key_none": ("—：该期无样本（未调查或无有效回答）", "—: no sample that wave (not surveyed or no valid answer)"),
    "heat_key_small": ("n<{n}：受访者不足{n}人，不予显示", "n<{n}: fewer than {n} respondents, not shown"),
    "rose": ("上升", "rose"),
    "fell": ("下降", "fell"),
    "by_district": ("区县", "district"),
    "by_site": ("调查点", "site"),
    "composite": ("综合满意度指数", "Composite satisfaction index"),
    "city": ("全市", "City"),
    "pp": ("个百分点", " pp"),
    "up": ("上升", "up"),
    "down": ("下降", "down"),
    "same": ("无显著变化", "no significant change"),
    # rises and falls whose waves depart from a straight line (the trend test's lack of fit, p < 0.05)
    "wavy_note": ("其中{names}{more}各期起伏明显、偏离直线趋势（拟合不足检验p<0.05），其升降只是各期的平均方向，"
                  "宜结合各期数值判断。",
                  " Of these, {names}{more} move up and down between waves (lack of fit to a straight line, "
                  "p < 0.05): the trend is only their average direction; read it with the values of each wave."),
    "wavy_more": ("等{k}项", " and others ({k} in all)"),
    # trend.xlsx: sheet names and the 趋势 sheet's column heads ({wave} is a wave's label)
    "xlsx_trend_sheet": ("趋势", "Trend"),
    "xlsx_heat_sheet": ("按{by}", "By {by}"),
    "xlsx_indicator": ("指标", "Indicator"),
    "xlsx_measure": ("测量", "Measure"),
    "xlsx_group": ("分组", "Group"),
    "xlsx_wave_low": ("{wave} 下限", "{wave} low"),
    "xlsx_wave_high": ("{wave} 上限", "{wave} high"),
    "xlsx_wave_n": ("{wave} n", "{wave} n"),
    "xlsx_vs_previous": ("较上期变化", "Change vs previous"),
    "xlsx_p_previous": ("较上期p", "p (previous)"),
    "xlsx_vs_first": ("较首期变化", "Change vs first"),
    "xlsx_p_first": ("较首期p", "p (first)"),
    "xlsx_trend": ("趋势（每期）", "Trend per wave"),
    "xlsx_trend_low": ("趋势下限", "Trend low"),
    "xlsx_trend_high": ("趋势上限", "Trend high"),
    "xlsx_trend_p": ("趋势p", "Trend p"),
    "xlsx_direction": ("趋势方向", "Direction"),
    "xlsx_units": ("注：率的变化和趋势以百分点计，指数的以分计；各期置信区间截至量表范围（率为0–100%）。",
                   "Note: changes and trends of rates in percentage points, of indexes in points; each wave's "
                   "interval cut at its scale's ends (0–100% for a rate)."),
    "measure_rate": ("率", "rate"),
    "measure_index": ("指数", "index"),
}


def label(code: str, lang: str = "zh") -> str:
    """The text of ``code`` in ``lang`` (zh or en); unknown codes give ''."""
    t = LABELS.get(code)
    if t is None:
        return ""
    return t[1] if lang == "en" else t[0]


def heat_mark(kind: str, min_cell: int, lang: str = "zh") -> str:
    """The mark of a heat cell without its value (``kind`` from :meth:`report.trend.HeatTable.blank`)."""
    return label(f"heat_mark_{kind}", lang).format(n=min_cell)


def heat_key(kinds, min_cell: int, lang: str = "zh") -> list[str]:
    """The legend lines under a heat map: one per mark ``kinds`` holds (none, then small), from the label table."""
    return [label(f"heat_key_{k}", lang).format(n=min_cell) for k in ("none", "small") if k in set(kinds)]


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
    unit = (" pp" if lang == "en" else "个百分点") if percent else ""  # the Chinese text's unit, as everywhere
    return f"{signed(v)}{unit}"


def fmt_p(p: Optional[float]) -> str:
    """p = 0.023, p < 0.001; — when missing."""
    if p is None or not math.isfinite(float(p)):
        return "p —"
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def fmt_tested_p(p: Optional[float], p_adjusted: Optional[float], adjusted: bool = True) -> str:
    """A test's p as the ledger and the brief print it, each p named: p<0.001，Holm校正后p=0.022 (``adjusted``:
    ``ledger: adjust`` is holm); the raw p alone when not adjusted."""
    from survey.labels import label as words

    if not adjusted:
        return fmt_p(p)
    return words("stat.p_holm").format(p=fmt_p(p), p_adjusted=fmt_p(p_adjusted))


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

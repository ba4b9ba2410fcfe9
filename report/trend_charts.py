"""Charts of waves over time: small multiples (one panel per area, one per 知晓/支持/参与 rate) and a
group × wave heat map — the style of :mod:`report.charts` (bundled CJK font, Okabe–Ito colours,
CI error bars, PNG + SVG)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .charts import OKABE_ITO, PRINT_WIDTH_CM, Chart, _save, _style  # noqa: E402
from .trend import ProjectTrend, TrendSeries  # noqa: E402
from .labels import join_list, label as L  # noqa: E402
from .tracking_text import arrow, fmt_change, fmt_value, heat_key, heat_mark  # noqa: E402


def _num(x) -> float:
    return float("nan") if x is None else float(x)


ZH_LINE = 6  # Chinese characters a panel title line holds
ZH_BREAK_AFTER = "与和及、"  # a Chinese panel title breaks after one of these rather than inside a word
# a Chinese indicator name ending in one of these measure words breaks before it (志愿服务 / 知晓率), not
# a character before its end (志愿服务知晓 / 率): longest first
ZH_MEASURES = ("知晓率", "支持率", "参与率", "满意率", "满意度", "指数")


def _panel_head(name: str, lang: str) -> str:
    """A panel's title on at most two lines of the panel's width (titles are left-aligned and would run
    into the next panel): 6 Chinese characters or 15 Latin ones a line, the rest cut with “…”.  A Chinese
    name breaks after a joining character (与 和 及 、) when the rest then fits, so that no word is split
    (社会治安与 / 法治, not 社会治安与法 / 治), and before a final measure word (:data:`ZH_MEASURES`) when
    what precedes it fits one line (志愿服务 / 知晓率, not 志愿服务知晓 / 率)."""
    import textwrap

    if lang == "zh":  # no spaces: cut by characters
        if len(name) <= ZH_LINE:
            return name
        stem = next((name[:-len(m)] for m in ZH_MEASURES if name.endswith(m) and len(name) - len(m) <= ZH_LINE), None)
        if stem and not any(c in ZH_BREAK_AFTER for c in stem):
            return f"{stem}\n{name[len(stem):]}"
        cut = next((i + 1 for i in range(min(len(name), ZH_LINE) - 1, 0, -1)
                    if name[i] in ZH_BREAK_AFTER and len(name) - i - 1 <= ZH_LINE), ZH_LINE)
        rest = name[cut:] if len(name) - cut <= ZH_LINE else name[cut:cut + ZH_LINE - 1] + "…"
        return name[:cut] + ("\n" + rest if rest else "")
    return "\n".join(textwrap.wrap(name, 15, max_lines=2, placeholder=" …")) or name


NOTE_BREAK_AFTER = "；，。、："  # a Chinese note under the panels breaks after one of these, not inside a label


def wrap_note(note: str, per_line: int, lang: str) -> list:
    """The note under the panels in lines of at most ``per_line`` characters.  Chinese has no spaces for
    :func:`textwrap.wrap` to break at, so it cut wherever the count ran out (2026年第三季 / 度): a Chinese note
    now breaks after a punctuation mark (:data:`NOTE_BREAK_AFTER`), a piece longer than a line only where it
    must."""
    import re
    import textwrap

    if lang != "zh":
        return textwrap.wrap(note, per_line)
    lines, cur = [], ""
    for piece in re.findall(f"[^{NOTE_BREAK_AFTER}]+[{NOTE_BREAK_AFTER}]*|[{NOTE_BREAK_AFTER}]+", note):
        if cur and len(cur) + len(piece) > per_line:
            lines.append(cur)
            cur = ""
        cur += piece
        while len(cur) > per_line:
            lines.append(cur[:per_line])
            cur = cur[per_line:]
    return lines + ([cur] if cur else [])


def small_multiples(name: str, title: str, panels: Sequence[TrendSeries], wave_labels: Sequence[str], *,
                    out_dir: Optional[Path] = None, lang: str = "zh", ncols: int = 4,
                    index_range: Optional[tuple] = None) -> Optional[Chart]:
    """One small panel per series: estimate per wave with its CI, the target as a dashed line, and the
    trend (slope per wave, ↑ ↓ → by its test) in the panel title.  All panels share the y scale.

    An interval is drawn cut at its scale's ends (0–100% for a rate, ``index_range`` for an index), as the
    report's tables print it (report.suppression.clip_interval): a Wald interval on a small base can pass
    100% (95% [88%, 102%] at n = 20), where no estimate can be; ``survey trend --json`` and trend.xlsx keep the
    raw bounds."""
    if not panels:
        return None
    _style()
    k = len(panels)
    ncols = min(ncols, k)
    nrows = int(np.ceil(k / ncols))
    # as wide as it prints (15 cm, its smallest text 7.5 pt stays ≥ 8 pt on paper), so no narrowing is needed
    width = min(2.15 * ncols + 0.6, PRINT_WIDTH_CM / 2.54 * 0.85)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, 2.05 * nrows + 0.7), sharey=True, squeeze=False)
    xs = np.arange(len(wave_labels))
    lows, highs = [], []
    for ax, s in zip(axes.flat, panels):
        scale = 100.0 if s.percent else 1.0
        e = np.array([_num(p.estimate) for p in s.series.points]) * scale
        lo = np.array([_num(p.ci_low) for p in s.series.points]) * scale
        hi = np.array([_num(p.ci_high) for p in s.series.points]) * scale
        ends = (0.0, 100.0) if s.percent else index_range
        if ends is not None:
            lo, hi = np.clip(lo, *ends), np.clip(hi, *ends)
        ok = np.isfinite(e)
        tr = s.series.trend
        color = {"up": OKABE_ITO[2], "down": OKABE_ITO[3]}.get(tr.direction if tr else "same", OKABE_ITO[0])
        ax.errorbar(xs[ok], e[ok], yerr=np.vstack([np.maximum(e - lo, 0)[ok], np.maximum(hi - e, 0)[ok]]),
                    color=color, marker="o", ms=3.5, lw=1.4, capsize=2, elinewidth=0.9)
        if s.target is not None:
            ax.axhline(s.target * scale, color="#000000", ls="--", lw=0.8)
            lows.append(s.target * scale)
            highs.append(s.target * scale)
        lows.append(np.nanmin(lo[ok]) if ok.any() else np.nan)
        highs.append(np.nanmax(hi[ok]) if ok.any() else np.nan)
        head = _panel_head(s.name, lang)
        trend_txt = (f"{arrow(tr.direction)} {fmt_change(tr.slope, s.percent, lang)}{L('word.per_wave', lang)}"
                     if tr is not None else "")
        ax.set_title(f"{head}\n{trend_txt}", fontsize=8.5, loc="left", color="#222222")
        ax.set_xticks(xs)
        ax.set_xticklabels([str(i + 1) for i in xs], fontsize=8.5)
        ax.tick_params(axis="y", labelsize=7.5)
    for ax in list(axes.flat)[k:]:
        ax.axis("off")
    lo_all, hi_all = np.nanmin(lows), np.nanmax(highs)
    pad = (hi_all - lo_all) * 0.12 + 0.5
    axes.flat[0].set_ylim(lo_all - pad, hi_all + pad)
    legend = L("trend.legend_sep", lang).join(f"{i + 1}={w}" for i, w in enumerate(wave_labels))
    # the finding is the caption under the figure (title): not drawn again inside the image
    # the dashed line is named only when some panel draws one (a target of the series)
    target = L("trend.multiples_target", lang) if any(s.target is not None for s in panels) else ""
    note = (L("trend.waves_key", lang) + legend + L("trend.legend_end", lang)
            + L("trend.multiples_note", lang).format(target=target))
    per_line = int(width * (7.5 if lang == "zh" else 14))  # characters of 8.5 pt across the figure
    # wrapped here: a line wider than the figure would widen the saved image and shrink every panel
    lines = wrap_note(note, per_line, lang)
    fig.text(0.01, 0.005, "\n".join(lines), fontsize=8.5, ha="left", va="bottom", color="#444444")
    fig.tight_layout(rect=(0, min(0.3, (0.17 * len(lines) + 0.08) / fig.get_size_inches()[1]), 1, 1))
    return _save(fig, name, title, out_dir)


def heat_map(name: str, title: str, trend: ProjectTrend, table, *, out_dir: Optional[Path] = None,
             lang: str = "zh") -> Chart:
    """Groups × waves, each cell coloured by its estimate (cividis, colour-blind safe) and labelled.  A cell
    without its value is marked by why (:meth:`report.trend.HeatTable.blank`): “—” no sample that wave, “n<10”
    too few respondents to show; a legend line under the map explains each mark drawn."""
    _style()
    labels = [w.display(lang) if hasattr(w, "display") else (w.label if lang == "zh" else w.label_en)
              for w in trend.waves if w.id in table.waves]
    vals = np.array([[_num(v) for v in row] for row in table.values] + [[_num(v) for v in table.city]], dtype=float)
    pct = table.measure == "rate"
    shown = vals * (100.0 if pct else 1.0)
    g, k = shown.shape
    fig, ax = plt.subplots(figsize=(1.05 * k + 2.2, 0.42 * g + 1.4))
    cmap = plt.get_cmap("cividis")
    finite = shown[np.isfinite(shown)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if vmax - vmin < 1e-9:
        vmax = vmin + 1
    im = ax.imshow(np.ma.masked_invalid(shown), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    drawn = []  # the marks drawn, for the legend
    for i in range(g):
        for j in range(k):
            v = shown[i, j]
            if not np.isfinite(v):
                why = table.blank(i, j) if i < len(table.groups) else "none"
                drawn.append(why)
                ax.text(j, i, heat_mark(why, table.min_cell, lang), ha="center", va="center", fontsize=8.5,
                        color="#444444")
                continue
            light = (v - vmin) / (vmax - vmin) > 0.55
            # a rate says it is one (77.0%): the rate's and the index's maps of an area looked the same
            ax.text(j, i, f"{v:.1f}%" if pct else f"{v:.1f}", ha="center", va="center", fontsize=8.5,
                    color="#000000" if light else "#FFFFFF")
    ax.set_xticks(range(k))
    ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=8.5)
    ax.set_yticks(range(g))
    ax.set_yticklabels(list(table.groups) + [L("word.city", lang)], fontsize=8.5)
    ax.axhline(g - 1.5, color="#FFFFFF", lw=3)  # the city row set apart
    ax.grid(False)
    for sp in ax.spines.values():
        sp.set_visible(False)
    cb = fig.colorbar(im, ax=ax, fraction=0.035, pad=0.02)
    cb.ax.tick_params(labelsize=8.5)
    if pct:
        from matplotlib.ticker import PercentFormatter

        cb.ax.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    if drawn:  # under the wave labels, one line per mark, from the axes' left edge
        ax.set_xlabel("\n".join(heat_key(drawn, table.min_cell, lang)), loc="left", fontsize=8.5, color="#444444",
                      linespacing=1.4)
    # the finding is the caption under the figure (title): not drawn again inside the image
    return _save(fig, name, title, out_dir)


def multiples_finding(what: str, panels: Sequence[TrendSeries], lang: str = "zh") -> str:
    """The caption of a small-multiples chart: the series with the steepest significant linear trend
    (its slope per wave), or that none has one."""
    sig = [s for s in panels if s.series.trend is not None and s.series.trend.direction in ("up", "down")]
    if not sig:
        return L("trend.multiples_flat", lang).format(what=what)
    s = max(sig, key=lambda s: abs(s.series.trend.slope))
    tr = s.series.trend
    return L("trend.multiples_fastest", lang).format(what=what, name=s.name,
                                                     dir=L("fig.rose" if tr.slope > 0 else "fig.fell", lang),
                                                     slope=fmt_change(tr.slope, s.percent, lang))


def heat_finding(head: str, trend: ProjectTrend, table, lang: str = "zh") -> str:
    """The caption of a heat map: the group lowest in the latest wave with an estimate (ties: the first)."""
    labels = [w.display(lang) if hasattr(w, "display") else (w.label if lang == "zh" else w.label_en)
              for w in trend.waves if w.id in table.waves]
    for j in range(len(table.waves) - 1, -1, -1):
        vals = [(row[j], g) for row, g in zip(table.values, table.groups) if row[j] is not None and np.isfinite(row[j])]
        if vals:
            v, g = min(vals, key=lambda t: t[0])
            text = L("trend.heat_lowest", lang).format(head=head, wave=labels[j] if j < len(labels) else table.waves[j],
                                                       group=g, value=fmt_value(v, table.measure == "rate"))
            # "lowest" only as far as the intervals go: the groups whose interval reaches the lowest one are named
            ci = {h: row[j] for row, h in zip(table.ci, table.groups) if row and row[j] is not None}
            lo = ci.get(g)
            level = [h for _, h in vals if h != g and lo is not None and ci.get(h) is not None
                     and _num(ci[h][0]) <= _num(lo[1])]
            if level:
                text += L("trend.heat_tied", lang).format(others=join_list(level, lang))
            return text
    return head


def trend_charts(trend: ProjectTrend, out_dir: Optional[Path] = None, lang: str = "zh") -> list:
    """The charts of ``survey trend`` and the report's trend chapter: areas (satisfaction index) and
    the 知晓/支持/参与 rates as small multiples, then one heat map per heat table."""
    waves = [w.label if lang == "zh" else w.label_en for w in trend.waves]
    overall = trend.overall()
    areas = [s for s in overall if s.kind == "area"]
    rates = [s for s in overall if s.measure == "rate" and s.kind in ("awareness", "support", "participation")]
    out = []
    c = small_multiples("trend_areas", multiples_finding(L("trend.areas_what", lang), areas, lang), areas, waves, out_dir=out_dir, lang=lang,
                        index_range=trend.index_range)
    if c:
        out.append(c)
    c = small_multiples("trend_rates", multiples_finding(L("trend.rates_what", lang), rates, lang), rates, waves, out_dir=out_dir, lang=lang)
    if c:
        out.append(c)
    for h in trend.heat:
        title = heat_finding(L("trend.heat_title", lang).format(name=h.of.display(lang), by=h.by_label or h.by),
                             trend, h, lang)
        safe = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in h.id) + ("_rate" if h.measure == "rate" else "")
        out.append(heat_map(f"trend_heat_{safe}", title, trend, h, out_dir=out_dir, lang=lang))
    return out

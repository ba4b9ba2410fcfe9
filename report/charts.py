"""Report charts (matplotlib, Agg), one consistent style.

Chinese labels use the bundled Noto Sans SC (:mod:`report.fonts`), so they render on a
machine with no system CJK fonts; CI error bars wherever a rate is shown; percentages with
one decimal; the colour-blind-safe Okabe–Ito palette (Okabe & Ito 2008, "Color Universal
Design"); bars sorted; the title states the finding and is the caption under the figure in every
format (not drawn inside the image, so it never repeats the caption nor meets a legend); the image is
sized so that no text is smaller than 8 pt when printed 15 cm wide.  Every chart is written as PNG and SVG;
:class:`Chart` keeps the PNG bytes for embedding as a data URI.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .fonts import register_matplotlib  # noqa: E402
from .labels import label as _label  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
LIKERT = ["#0072B2", "#56B4E9", "#BBBBBB", "#E69F00", "#D55E00"]  # 非常满意 … 非常不满意


PRINT_WIDTH_CM = 15.0  # width a chart is printed at (report.render's DOCX writer and the print CSS use it)
SAVE_DPI = 150
MIN_PRINTED_PT = 8.0  # no text smaller than this on paper
LIKERT_ROW_IN = 0.26  # height of one item of a diverging Likert chart whose labels fit on one line

VERDICT_COLORS = {"达标": "#009E73", "无显著差异": "#0072B2", "未达标": "#D55E00"}  # Okabe–Ito
VERDICT_KEYS = {"达标": "met", "无显著差异": "ns", "未达标": "below"}
# the verdict also as a texture, so a black-and-white print tells the classes apart: 达标 green and 未达标
# vermillion print as almost the same grey (Okabe–Ito luminance 0.41 / 0.40)
VERDICT_HATCHES = {"达标": "", "无显著差异": "..", "未达标": "///"}
BELOW_HATCH = VERDICT_HATCHES["未达标"]


def _wrap(label: str, width: int = 28) -> str:
    """A long (English) axis label on two or more lines, so the chart keeps its printed width; Chinese
    labels (no spaces) stay on one line."""
    import textwrap

    return "\n".join(textwrap.wrap(str(label), width)) if len(str(label)) > width and " " in str(label) else str(label)


def _t(key: str, lang: str) -> str:
    """A chart's fixed word (axis titles, legend keys): ``chart.<key>`` of the label table."""
    return _label(f"chart.{key}", lang)


@dataclass
class Chart:
    name: str
    title: str
    png: bytes
    png_path: Optional[Path] = None
    svg_path: Optional[Path] = None
    legend: tuple = ()          # texts of every legend entry drawn
    min_font_pt: float = 0.0    # smallest text drawn, pt at the figure's own size
    width_in: float = 0.0       # figure width in inches (printed width / this = scale of every font)
    title_overlaps_legend: bool = False
    title_in_image: bool = False  # the title (the caption) drawn again inside the image
    point_labels: Optional[dict] = None  # scatter labels: report.point_labels.label_overlaps of the saved figure
    panel_texts_overlap: bool = False  # a text of one panel meets a text of another (panel_texts_overlap)

    @property
    def saved_width_in(self) -> float:
        """Width of the saved image in inches (the tight bounding box may differ from the figure's)."""
        from PIL import Image

        return Image.open(io.BytesIO(self.png)).size[0] / SAVE_DPI

    @property
    def printed_min_font_pt(self) -> float:
        """The smallest text as printed: the image is placed at most PRINT_WIDTH_CM wide (DOCX, PDF)."""
        w = self.saved_width_in
        scale = min(1.0, PRINT_WIDTH_CM / 2.54 / w) if w else 1.0
        return self.min_font_pt * scale

    @property
    def printed_height_mm(self) -> float:
        """Height on paper when the image is placed PRINT_WIDTH_CM wide (the print CSS and the DOCX writer)."""
        from PIL import Image

        w, h = Image.open(io.BytesIO(self.png)).size
        return PRINT_WIDTH_CM * 10 * h / w if w else 0.0

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def _style() -> None:
    register_matplotlib()
    plt.rcParams.update({
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.25,
        "axes.titlesize": 12, "axes.titleweight": "normal", "font.size": 10, "figure.dpi": 110,
        "savefig.bbox": "tight", "svg.fonttype": "path",
    })


def _layout_facts(fig) -> dict:
    """Legend texts, smallest font and whether a title box meets a legend box (what tests check).
    Called after the figure was drawn (saved as PNG): the title and legend have their final places."""
    r = fig.canvas.get_renderer()
    legends = [lg for lg in [a.get_legend() for a in fig.axes] + list(fig.legends) if lg is not None]
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]
    titles = [a.title for a in fig.axes if a.title.get_text()] + ([fig._suptitle] if fig._suptitle else [])
    overlap = any(t.get_window_extent(r).overlaps(lg.get_window_extent(r)) for t in titles for lg in legends)
    return {"legend": tuple(t.get_text() for lg in legends for t in lg.get_texts()),
            "min_font_pt": min((t.get_fontsize() for t in texts), default=0.0),
            "width_in": float(fig.get_size_inches()[0]), "title_overlaps_legend": bool(overlap),
            "panel_texts_overlap": len(fig.axes) > 1 and panel_texts_overlap(fig)}


def _fit_print(fig) -> None:
    """Narrow the figure until the saved image (tight box: long tick labels stick out of the figure) is
    printed at PRINT_WIDTH_CM without shrinking its smallest text below MIN_PRINTED_PT: the axes give
    up width, the text keeps its size."""
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]
    smallest = min((t.get_fontsize() for t in texts), default=MIN_PRINTED_PT)
    target = PRINT_WIDTH_CM / 2.54 * smallest / MIN_PRINTED_PT * 0.97
    for _ in range(4):
        # the width of the PNG that savefig(dpi=40) would write: its tight box laid out at 40 dpi, whole
        # pixels, without rendering or encoding the image
        saved = int(_tight_box(fig, 40, lay_out=True).width * 40) / 40
        if saved <= target:
            return
        w, h = fig.get_size_inches()
        fig.set_size_inches(max(3.0, w - (saved - target) - 0.05), h)
        if len(fig.axes) > 1:  # panels: lay them out again for the new width (labels must not meet)
            fig.tight_layout()
        if w <= 3.0:
            return


def _tight_box(fig, dpi: float, lay_out: bool = False):
    """The padded tight box (inches) of the figure at ``dpi``, as ``savefig(bbox_inches="tight")`` finds it:
    laid out anew (without rendering) when ``lay_out``, else as its last draw laid it out."""
    old = fig.dpi
    fig.set_dpi(dpi)
    try:
        if lay_out:
            fig.draw_without_rendering()
        return fig.get_tightbbox(fig.canvas.get_renderer()).padded(plt.rcParams["savefig.pad_inches"])
    finally:
        fig.set_dpi(old)


def _save(fig, name: str, title: str, out_dir: Optional[Path]) -> Chart:
    _fit_print(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=SAVE_DPI)
    # the tight box of the PNG's draw, for the SVG too: "tight" would lay the figure out once more to find it
    box = _tight_box(fig, SAVE_DPI)
    facts = _layout_facts(fig)  # after the draw that saving made (no second draw)
    if any(hasattr(t, "point_label") for a in fig.axes for t in a.texts):
        from .point_labels import label_overlaps

        facts["point_labels"] = label_overlaps(fig)
    facts["title_in_image"] = any(t.get_text().strip() == title.strip() for t in fig.findobj(matplotlib.text.Text)
                                  if t.get_visible())
    png_path = svg_path = None
    if out_dir is not None:
        from survey.atomic import atomic_write, make_dir

        make_dir(out_dir)
        png_path = out_dir / f"{name}.png"
        svg_path = out_dir / f"{name}.svg"
        # through a temporary file each (survey.atomic): a full disk left empty or cut-off images under their
        # names, and said "cannot write ." without naming the file
        try:
            atomic_write(png_path, lambda tmp: tmp.write_bytes(buf.getvalue()))
            atomic_write(svg_path, lambda tmp: fig.savefig(tmp, format="svg", bbox_inches=box))
        except BaseException:
            plt.close(fig)
            raise
    plt.close(fig)
    return Chart(name, title, buf.getvalue(), png_path, svg_path, **facts)


def pct(x: Optional[float]) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{100 * x:.1f}%"


def _arr(v) -> np.ndarray:
    return np.array([np.nan if x is None else x for x in v], dtype=float)


def _finite_ci(est: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple:
    """Estimates and bounds with nothing NaN: a missing bound (NaN variance, e.g. a stratum with one
    PSU) collapses to the estimate, a missing estimate draws as 0 with no interval."""
    est = np.where(np.isfinite(est), est, 0.0)
    return est, np.where(np.isfinite(lo), lo, est), np.where(np.isfinite(hi), hi, est)


def bar_ci(name: str, title: str, labels: Sequence[str], est, lo, hi, *, percent: bool = True,
           target: Optional[float] = None, out_dir: Optional[Path] = None, highlight_low: int = 0,
           highlight: Optional[Sequence[bool]] = None, targets: Optional[Sequence[Optional[float]]] = None,
           xlabel: str = "", lang: str = "zh", verdicts: Optional[Sequence[Optional[str]]] = None) -> Chart:
    """Horizontal bars sorted by value (largest at the top) with CI error bars and value labels.

    ``verdicts`` (one per bar: 达标 / 无显著差异 / 未达标 or None) colour each bar by its verdict, and
    the legend names every verdict drawn; else ``highlight`` (one flag per bar, e.g. "below target")
    or the ``highlight_low`` lowest bars are drawn in vermillion; ``targets`` (one per bar, None for
    none) are drawn as black ticks; ``target`` as one dashed line for all bars.  The legend sits below
    the axes, so it never overlaps the title."""
    _style()
    est, lo, hi = _finite_ci(_arr(est), _arr(lo), _arr(hi))
    order = np.argsort(est, kind="stable")
    labels = [labels[i] for i in order]
    est, lo, hi = est[order], lo[order], hi[order]
    k = len(labels)
    fig, ax = plt.subplots(figsize=(7.2, max(2.2, 0.36 * k + 1.2)))
    colors = [OKABE_ITO[0]] * k
    hatches = [""] * k
    if verdicts is not None:
        colors = [VERDICT_COLORS.get(verdicts[i], "#999999") for i in order]
        hatches = [VERDICT_HATCHES.get(verdicts[i], "") for i in order]
    elif highlight is not None:
        colors = [OKABE_ITO[3] if highlight[i] else OKABE_ITO[0] for i in order]
        hatches = [BELOW_HATCH if highlight[i] else "" for i in order]
    else:
        for i in range(min(highlight_low, k)):
            colors[i] = OKABE_ITO[3]
            hatches[i] = BELOW_HATCH
    scale = 100 if percent else 1
    tg = _arr(targets)[order] if targets is not None else np.full(k, np.nan)
    handles = []
    if np.isfinite(tg).any():
        ok = np.isfinite(tg)
        handles.append(ax.scatter(tg[ok] * scale, np.arange(k)[ok], marker="|", s=260, linewidths=2,
                                  color="#000000", zorder=4, label=_t("target", lang)))
    from matplotlib.patches import Patch

    if verdicts is not None:
        drawn = [v for v in VERDICT_COLORS if v in set(verdicts)]
        handles[:0] = [Patch(facecolor=VERDICT_COLORS[v], hatch=VERDICT_HATCHES[v], edgecolor="white", lw=0,
                             label=_t(VERDICT_KEYS[v], lang)) for v in drawn]
    elif highlight is not None and any(highlight):
        handles.insert(0, Patch(facecolor=OKABE_ITO[3], hatch=BELOW_HATCH, edgecolor="white", lw=0,
                                label=_t("below", lang)))
    if handles:  # below the x-axis label: never on the title
        from matplotlib.transforms import ScaledTranslation

        under = ax.transAxes + ScaledTranslation(0, -0.55, fig.dpi_scale_trans)
        ax.legend(handles=handles, frameon=False, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                  bbox_transform=under, borderaxespad=0.1,
                  ncol=len(handles) if sum(len(h.get_label()) for h in handles) <= 36 else 2)  # fits 15 cm
    ax.barh(range(k), est * scale, color=colors, height=0.62, hatch=hatches, edgecolor="white", lw=0)
    err = np.vstack([np.maximum(est - lo, 0), np.maximum(hi - est, 0)]) * scale
    ax.errorbar(est * scale, range(k), xerr=err, fmt="none", ecolor="#333333", capsize=3, lw=1)
    both = np.concatenate([hi, tg])
    hi_max = float(np.nanmax(both)) if k and np.isfinite(both).any() else 1.0
    xmax = min(100.0, hi_max * scale * 1.15 + 5) if percent else hi_max * scale * 1.16
    for i, v in enumerate(est):
        text = pct(v) if percent else f"{v:.1f}"
        if np.isfinite(tg[i]) and tg[i] > hi[i] and v * scale > 0.14 * xmax:
            # a target tick lies right of the bar: write the value inside the bar end, so it is not read as the target
            ax.text(lo[i] * scale - xmax * 0.012, i, text, va="center", ha="right", fontsize=8.5, color="white",
                    bbox=dict(facecolor=colors[i], edgecolor="none", pad=1.0))  # solid ground over the hatch
        else:
            right = np.nanmax([hi[i], tg[i]]) * scale  # right of the CI (and of a target tick inside it)
            ax.text(right + xmax * 0.014, i, text, va="center", fontsize=8.5)
    if target is not None:
        ax.axvline(target * scale, color=OKABE_ITO[3], ls="--", lw=1.2)
        ax.text(target * scale, -0.75, f" {_t('target', lang)} {pct(target) if percent else f'{target:.0f}'}",
                color=OKABE_ITO[3], fontsize=8.5, ha="left", va="center")
    ax.set_yticks(range(k))
    ax.set_yticklabels([_wrap(x) for x in labels])
    ax.set_xlim(0, xmax)
    ax.set_xlabel(xlabel or _t("pct_x" if percent else "score_x", lang))
    # the finding is the caption under the figure (title): not drawn again inside the image
    return _save(fig, name, title, out_dir)


def likert_diverging(name: str, title: str, labels: Sequence[str], shares: np.ndarray, categories: Sequence[str],
                     *, out_dir: Optional[Path] = None, lang: str = "zh") -> Chart:
    """Diverging stacked bars: shares (items × categories, most positive first), centred on the
    middle (neutral) category, negative answers to the left and positive to the right; items
    sorted by the positive share, lowest at the bottom."""
    _style()
    shares = np.nan_to_num(np.asarray(shares, dtype=float))
    k = len(labels)
    pos = shares[:, 0] + shares[:, 1]
    order = np.argsort(pos, kind="stable")
    shares = shares[order]
    labels = [_wrap(labels[i]) for i in order]
    # rows as tall as their labels need (one line of 10 pt: 0.26 in), so a battery of about a dozen items
    # prints under 115 mm at full size and two charts share an A4 page without shrinking any text
    row = max(LIKERT_ROW_IN, 0.18 * max((x.count("\n") + 1 for x in labels), default=1))
    fig, ax = plt.subplots(figsize=(7.6, max(2.4, row * k + 1.3)))
    m = shares.shape[1]
    mid = m // 2
    neg = shares[:, mid + 1:].sum(axis=1) + (shares[:, mid] / 2 if m % 2 else 0)
    left = -neg
    handles = {}
    for c in range(m - 1, -1, -1):  # most negative at the left … most positive at the right
        handles[c] = ax.barh(range(k), shares[:, c] * 100, left=left * 100, color=LIKERT[c % 5], height=0.65,
                             label=categories[c])
        left = left + shares[:, c]
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_yticks(range(k))
    ax.set_yticklabels(labels)
    ax.set_xlabel(_t("likert_x", lang))
    ax.legend([handles[c] for c in range(m - 1, -1, -1)], [categories[c] for c in range(m - 1, -1, -1)],
              ncol=m if sum(len(c) for c in categories) <= 40 else 2,  # one row only when it fits 15 cm
              loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, fontsize=8.5)
    # the finding is the caption under the figure (title): not drawn again inside the image
    lo_lim = float(np.max(neg)) * 100 if k else 50
    hi_lim = float(np.max(left)) * 100 if k else 50
    ax.set_xlim(-(np.ceil(lo_lim / 10) * 10 + 2), np.ceil(hi_lim / 10) * 10 + 2)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):.0f}"))
    return _save(fig, name, title, out_dir)


def quadrant(name: str, title: str, labels: Sequence[str], importance, performance, *,
             out_dir: Optional[Path] = None, lang: str = "zh") -> Chart:
    """Importance–performance quadrant chart (lines at the means).  Items in the focus quadrant
    (importance ≥ mean, performance < mean) are drawn in vermillion.  Every point is labelled (issues 10
    and 11: "the IPA chart labels every point legibly")
    (:func:`report.point_labels.place_point_labels`: adjustText, then a repair pass; no label over
    another, over a marker, outside the axes or over the focus note; leader lines to labels that moved),
    at 8.5 pt in a figure already at its printed width, so no text is below 8 pt on paper."""
    from .point_labels import place_point_labels

    _style()
    x = _arr(importance)
    y = _arr(performance)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    labels = [str(lab) for lab, keep in zip(labels, ok) if keep]
    n = len(labels)
    fig, ax = plt.subplots(figsize=(6.2, min(8.6, max(4.8, 3.0 + 0.06 * n))))
    mx, my = np.nanmean(x), np.nanmean(y)
    focus = (x >= mx) & (y < my)
    ax.scatter(x[~focus], y[~focus], c=OKABE_ITO[0], s=16, alpha=0.8, zorder=4)  # above the labels' backgrounds
    ax.scatter(x[focus], y[focus], c=OKABE_ITO[3], s=22, zorder=4)
    ax.axvline(mx, color="#777777", ls="--", lw=0.8)
    ax.axhline(my, color="#777777", ls="--", lw=0.8)
    note = ax.text(0.99, 0.01, _t("focus", lang), transform=ax.transAxes, ha="right", va="bottom", fontsize=8.5,
                   color=OKABE_ITO[3], bbox=dict(facecolor="white", edgecolor="none", pad=1.5, alpha=0.9))
    note.keep_out_label = True
    ax.set_xlabel(_t("ipa_x", lang))
    ax.set_ylabel(_t("ipa_y", lang))
    # the finding is the caption under the figure (title): not drawn again inside the image
    xr, yr = np.ptp(x) if n else 1.0, np.ptp(y) if n else 1.0
    xr, yr = xr or 1.0, yr or 1.0
    if n:
        ax.set_xlim(x.min() - 0.1 * xr, x.max() + 0.25 * xr)  # room on the right for the labels
        ax.set_ylim(y.min() - 0.15 * yr, y.max() + 0.1 * yr)  # and at the bottom for the note
    fig.tight_layout()
    _fit_print(fig)  # the printed size first: the labels are placed on the final geometry
    place_point_labels(ax, x, y, labels, fontsize=8.5, keep_out=[note])
    return _save(fig, name, title, out_dir)


def trend(name: str, title: str, waves: Sequence[str], series: dict, *, out_dir: Optional[Path] = None,
          lang: str = "zh") -> Chart:
    """Line chart of rates across waves with CI bands: ``series`` = {label: (est, lo, hi)}.
    Each line is labelled once at its right end (name and last value), spaced so labels never overlap."""
    _style()
    fig, ax = plt.subplots(figsize=(7.6, 4.0))
    xs = np.arange(len(waves))
    ends = []
    for i, (lab, (e, lo, hi)) in enumerate(series.items()):
        c = OKABE_ITO[i % len(OKABE_ITO)]
        e, lo, hi = (_arr(v) * 100 for v in (e, lo, hi))
        ax.plot(xs, e, marker="o", color=c, label=lab)
        ax.fill_between(xs, lo, hi, color=c, alpha=0.13)
        if np.isfinite(e[-1]):
            ends.append([e[-1], e[-1], f"{lab} {e[-1]:.1f}%", c])
    ax.set_xticks(xs)
    ax.set_xticklabels(waves)
    ax.set_xlim(-0.2, len(waves) - 1 + 0.2)
    ax.set_ylabel(_t("pct_y", lang))
    # the finding is the caption under the figure (title): not drawn again inside the image
    ymin, ymax = ax.get_ylim()
    gap = (ymax - ymin) * 0.055
    ends.sort(key=lambda t: t[0])
    for j in range(1, len(ends)):
        ends[j][1] = max(ends[j][1], ends[j - 1][1] + gap)
    for y0, y1, text, c in ends:
        ax.annotate(text, (xs[-1], y0), xytext=(xs[-1] + 0.08, y1), textcoords="data", fontsize=8.5, color=c,
                    va="center", annotation_clip=False,
                    arrowprops=dict(arrowstyle="-", color=c, lw=0.5) if abs(y1 - y0) > gap * 0.3 else None)
    ax.set_ylim(ymin, max(ymax, ends[-1][1] + gap) if ends else ymax)
    return _save(fig, name, title, out_dir)


def bar_counts(name: str, title: str, labels: Sequence[str], counts, *, out_dir: Optional[Path] = None,
               xlabel: str = "", lang: str = "zh", sort: bool = True) -> Chart:
    """Horizontal bars of counts (e.g. frequent words in open answers), largest at the top."""
    _style()
    counts = np.asarray(counts, dtype=float)
    order = np.argsort(counts, kind="stable") if sort else np.arange(len(counts))[::-1]
    fig, ax = plt.subplots(figsize=(7.2, max(2.2, 0.32 * len(labels) + 1.2)))
    ax.barh(range(len(labels)), counts[order], color=OKABE_ITO[2], height=0.62)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels([_wrap(labels[i]) for i in order])
    for i, v in enumerate(counts[order]):
        ax.text(v, i, f" {int(v):,}", va="center", fontsize=8.5)
    ax.set_xlim(0, (counts.max() if len(counts) else 1) * 1.12)
    ax.set_xlabel(xlabel or _t("count_x", lang))
    # the finding is the caption under the figure (title): not drawn again inside the image
    return _save(fig, name, title, out_dir)


def composition(name: str, title: str, panels: dict, *, out_dir: Optional[Path] = None, lang: str = "zh") -> Chart:
    """Sample composition as small multiples: ``panels`` = {panel title: (labels, shares, population shares or
    None)}; bars are sample shares in category order, a black tick marks the population share when known."""
    _style()
    k = len(panels)
    for cols in range(min(3, k), 0, -1):
        fig = _composition_figure(panels, cols, lang)
        if cols == 1 or _fits_print(fig):
            break
        plt.close(fig)
    return _save(fig, name, title, out_dir)


def _fits_print(fig) -> bool:
    """Whether the panels of ``fig``, narrowed to the printed width (:func:`_fit_print`), still have room
    for their text: matplotlib's tight layout then succeeds and no text of one panel meets another's.
    Long category labels (the English "Senior secondary (incl. vocational)") do not fit three panels
    across the page: the value labels ran into the next panel's labels."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _fit_print(fig)
        fig.draw_without_rendering()
    squeezed = any("Tight layout not applied" in str(w.message) for w in caught)
    return not squeezed and not panel_texts_overlap(fig)


def panel_texts_overlap(fig) -> bool:
    """True when a text of one panel (tick label, value label, title) meets a text of another panel."""
    r = fig.canvas.get_renderer()
    boxes = []
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible() or not ax.axison:
            continue
        texts = [ax.title, *ax.texts, *ax.get_xticklabels(), *ax.get_yticklabels()]
        boxes += [(i, t.get_window_extent(r)) for t in texts if t.get_visible() and t.get_text().strip()]
    return any(a.overlaps(b) for n, (i, a) in enumerate(boxes) for j, b in boxes[n + 1:] if i != j)


def _composition_figure(panels: dict, cols: int, lang: str):
    """The composition figure laid out in ``cols`` columns of panels (see :func:`composition`)."""
    k = len(panels)
    rows = int(np.ceil(k / cols))
    heights = [max(len(p[0]) for p in list(panels.values())[r * cols:(r + 1) * cols]) for r in range(rows)]
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, sum(0.3 * h + 0.9 for h in heights)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    pop_handle = None
    for ax, (ptitle, (labels, shares, pop)) in zip(axes.flat, panels.items()):
        s = _arr(shares) * 100
        yy = np.arange(len(labels))[::-1]
        ax.barh(yy, s, color=OKABE_ITO[0], height=0.6)
        has_pop = pop is not None and any(p is not None for p in pop)
        pp = _arr(pop) * 100 if has_pop else np.full(len(s), np.nan)
        for yv, v, p_ in zip(yy, s, pp):  # the value label starts right of the bar and of the population tick
            ax.text(np.nanmax([v, p_]) if np.isfinite(p_) else v, yv, f" {v:.1f}%", va="center", fontsize=8.5)
        top = max(np.nanmax(s) if len(s) else 1, 1)
        if has_pop:
            pop_handle = ax.scatter(pp, yy, marker="|", s=160, color="#000000", zorder=3)
            top = max(top, np.nanmax(pp))
        ax.set_yticks(yy)
        ax.set_yticklabels([_wrap(x, 22) for x in labels], fontsize=8.5)
        ax.set_xlim(0, top * 1.3)
        ax.set_title(ptitle, loc="left", fontsize=10)
        ax.tick_params(axis="x", labelsize=8.5)
    spare = list(axes.flat)[k:]
    for ax in spare:
        ax.axis("off")
    # the finding is the caption under the figure (title): not drawn again inside the image
    # one legend for all panels (beside a panel title it met long titles): in a spare cell, else under the panels
    if pop_handle is not None and spare:
        spare[0].legend([pop_handle], [_t("population", lang)], loc="upper left", frameon=False, fontsize=8.5,
                        handletextpad=0.2)
        fig.tight_layout()
    elif pop_handle is not None:
        foot = 0.35 / fig.get_size_inches()[1]
        fig.legend([pop_handle], [_t("population", lang)], loc="lower center", frameon=False, fontsize=8.5,
                   handletextpad=0.2, borderaxespad=0.1)
        fig.tight_layout(rect=(0, foot, 1, 1))
    else:
        fig.tight_layout()
    return fig


def panels_ci(name: str, title: str, panels: dict, *, out_dir: Optional[Path] = None, lang: str = "zh") -> Chart:
    """Small multiples of sorted horizontal bars with CI error bars, one panel per group:
    ``panels`` = {panel title: (labels, est, lo, hi)} with shares (shown as percentages)."""
    _style()
    k = len(panels)
    cols = min(3, k)
    rows = int(np.ceil(k / cols))
    h = max(len(p[0]) for p in panels.values())
    fig, axes = plt.subplots(rows, cols, figsize=(3.3 * cols, rows * (0.3 * h + 1.0)), squeeze=False)
    tops = np.concatenate([np.concatenate([_arr(p[1]), _arr(p[3])]) for p in panels.values()])
    tops = tops[np.isfinite(tops)]
    xmax = (float(tops.max()) if tops.size else 1.0) * 100 * 1.35 or 100.0
    for ax, (ptitle, (labels, est, lo, hi)) in zip(axes.flat, panels.items()):
        e, lo_, hi_ = _finite_ci(_arr(est), _arr(lo), _arr(hi))
        order = np.argsort(e, kind="stable")
        e, lo_, hi_ = e[order] * 100, lo_[order] * 100, hi_[order] * 100
        yy = np.arange(len(order))
        ax.barh(yy, e, color=OKABE_ITO[0], height=0.6)
        ax.errorbar(e, yy, xerr=np.vstack([np.maximum(e - lo_, 0), np.maximum(hi_ - e, 0)]), fmt="none",
                    ecolor="#333333", capsize=2, lw=0.8)
        for yv, v, hv in zip(yy, e, hi_):
            ax.text(hv + xmax * 0.02, yv, f"{v:.1f}%", va="center", fontsize=8.5)
        ax.set_yticks(yy)
        ax.set_yticklabels([_wrap(labels[i], 22) for i in order], fontsize=8.5)
        ax.set_xlim(0, xmax)
        ax.set_title(ptitle, loc="left", fontsize=10)
        ax.tick_params(axis="x", labelsize=8.5)
    for ax in list(axes.flat)[k:]:
        ax.set_visible(False)
    # the finding is the caption under the figure (title): not drawn again inside the image
    fig.supxlabel(_t("pct_x", lang), fontsize=8.5)
    fig.tight_layout()
    return _save(fig, name, title, out_dir)

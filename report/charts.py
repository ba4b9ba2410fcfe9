"""Report charts (matplotlib, Agg), one consistent style.

Chinese labels use the bundled Noto Sans SC (:mod:`report.fonts`), so they render on a
machine with no system CJK fonts; CI error bars wherever a rate is shown; percentages with
one decimal; the colour-blind-safe Okabe–Ito palette; bars sorted; titles state the finding.
Every chart is written as PNG and SVG; :class:`Chart` keeps the PNG bytes for embedding.
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

from .fonts import register_matplotlib  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
LIKERT = ["#0072B2", "#56B4E9", "#BBBBBB", "#E69F00", "#D55E00"]  # 非常满意 … 非常不满意


@dataclass
class Chart:
    name: str
    title: str
    png: bytes
    png_path: Optional[Path] = None
    svg_path: Optional[Path] = None

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def _style() -> None:
    register_matplotlib()
    plt.rcParams.update({
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.25,
        "axes.titlesize": 12, "axes.titleweight": "normal", "font.size": 10, "figure.dpi": 110,
        "savefig.bbox": "tight",
    })


def _save(fig, name: str, title: str, out_dir: Optional[Path]) -> Chart:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    png_path = svg_path = None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        png_path = out_dir / f"{name}.png"
        svg_path = out_dir / f"{name}.svg"
        png_path.write_bytes(buf.getvalue())
        fig.savefig(svg_path, format="svg")
    plt.close(fig)
    return Chart(name, title, buf.getvalue(), png_path, svg_path)


def pct(x: float) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{100 * x:.1f}%"


def bar_ci(name: str, title: str, labels: Sequence[str], est, lo, hi, *, percent: bool = True,
           target: Optional[float] = None, out_dir: Optional[Path] = None, highlight_low: int = 0,
           xlabel: str = "") -> Chart:
    """Horizontal bars sorted by value with CI error bars and value labels (and an optional target line)."""
    _style()
    est, lo, hi = (np.asarray(v, dtype=float) for v in (est, lo, hi))
    order = np.argsort(est)  # largest at the top
    labels = [labels[i] for i in order]
    est, lo, hi = est[order], lo[order], hi[order]
    k = len(labels)
    fig, ax = plt.subplots(figsize=(7.2, max(2.2, 0.36 * k + 1.2)))
    colors = [OKABE_ITO[0]] * k
    for i in range(min(highlight_low, k)):
        colors[i] = OKABE_ITO[3]
    scale = 100 if percent else 1
    ax.barh(range(k), est * scale, color=colors, height=0.62)
    err = np.vstack([np.maximum(est - lo, 0), np.maximum(hi - est, 0)]) * scale
    ax.errorbar(est * scale, range(k), xerr=err, fmt="none", ecolor="#333333", capsize=3, lw=1)
    for i, v in enumerate(est):
        ax.text(hi[i] * scale + (1 if percent else 0.5), i, pct(v) if percent else f"{v:.1f}", va="center", fontsize=8.5)
    if target is not None:
        ax.axvline(target * scale, color=OKABE_ITO[3], ls="--", lw=1.2)
        ax.text(target * scale, -0.75, f" 目标 {pct(target) if percent else f'{target:.0f}'}", color=OKABE_ITO[3],
                fontsize=8.5, ha="left", va="center")
    ax.set_yticks(range(k))
    ax.set_yticklabels(labels)
    hi_max = np.nanmax(hi) if k else 1
    ax.set_xlim(0, min(100, hi_max * scale * 1.15 + 5) if percent else hi_max * scale * 1.12)
    ax.set_xlabel(xlabel or ("百分比（%），误差线为95%置信区间" if percent else "得分，误差线为95%置信区间"))
    ax.set_title(title, loc="left")
    return _save(fig, name, title, out_dir)


def likert_diverging(name: str, title: str, labels: Sequence[str], shares: np.ndarray, categories: Sequence[str],
                     *, out_dir: Optional[Path] = None) -> Chart:
    """Diverging stacked bars: shares (items × 5 categories, positive first), centred on 一般."""
    _style()
    shares = np.asarray(shares, dtype=float)
    k = len(labels)
    pos = shares[:, 0] + shares[:, 1]
    order = np.argsort(pos)
    shares = shares[order]
    labels = [labels[i] for i in order]
    fig, ax = plt.subplots(figsize=(7.6, max(2.4, 0.34 * k + 1.4)))
    left = -(shares[:, 0] + shares[:, 1] + shares[:, 2] / 2)
    for c in range(shares.shape[1]):
        ax.barh(range(k), shares[:, c] * 100, left=left * 100, color=LIKERT[c % 5], height=0.65, label=categories[c])
        left = left + shares[:, c]
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_yticks(range(k))
    ax.set_yticklabels(labels)
    ax.set_xlabel("百分比（%），以“一般”为中心")
    ax.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, fontsize=8.5)
    ax.set_title(title, loc="left")
    lim = max(100 * np.max(np.abs(left)) if k else 50, 50)
    ax.set_xlim(-lim, lim)
    return _save(fig, name, title, out_dir)


def quadrant(name: str, title: str, labels: Sequence[str], importance, performance, *,
             out_dir: Optional[Path] = None) -> Chart:
    """Importance–performance quadrant chart (lines at the means)."""
    _style()
    x = np.asarray(importance, float)
    y = np.asarray(performance, float)
    fig, ax = plt.subplots(figsize=(7.2, 5.6))
    mx, my = np.nanmean(x), np.nanmean(y)
    colors = [OKABE_ITO[3] if (xi >= mx and yi < my) else OKABE_ITO[0] for xi, yi in zip(x, y)]
    ax.scatter(x, y, c=colors, s=28)
    for xi, yi, lab in zip(x, y, labels):
        ax.annotate(lab, (xi, yi), fontsize=7.5, xytext=(3, 2), textcoords="offset points")
    ax.axvline(mx, color="#777777", ls="--", lw=0.8)
    ax.axhline(my, color="#777777", ls="--", lw=0.8)
    ax.text(0.99, 0.01, "重点改进区：重要性高、表现低", transform=ax.transAxes, ha="right", va="bottom", fontsize=8.5,
            color=OKABE_ITO[3])
    ax.set_xlabel("重要性（与总体满意度的相关系数）")
    ax.set_ylabel("满意度指数")
    ax.set_title(title, loc="left")
    return _save(fig, name, title, out_dir)


def trend(name: str, title: str, waves: Sequence[str], series: dict, *, out_dir: Optional[Path] = None) -> Chart:
    """Line chart of rates across waves with CI bands: ``series`` = {label: (est, lo, hi)}."""
    _style()
    fig, ax = plt.subplots(figsize=(7.2, 3.8))
    xs = np.arange(len(waves))
    for i, (lab, (e, lo, hi)) in enumerate(series.items()):
        c = OKABE_ITO[i % len(OKABE_ITO)]
        e, lo, hi = (np.asarray(v, float) * 100 for v in (e, lo, hi))
        ax.plot(xs, e, marker="o", color=c, label=lab)
        ax.fill_between(xs, lo, hi, color=c, alpha=0.15)
        for xv, ev in zip(xs, e):
            ax.text(xv, ev + 0.6, f"{ev:.1f}%", ha="center", fontsize=8, color=c)
    ax.set_xticks(xs)
    ax.set_xticklabels(waves)
    ax.set_ylabel("百分比（%）")
    ax.legend(frameon=False, fontsize=8.5, ncol=min(3, len(series)))
    ax.set_title(title, loc="left")
    return _save(fig, name, title, out_dir)


def bar_counts(name: str, title: str, labels: Sequence[str], counts, *, out_dir: Optional[Path] = None,
               xlabel: str = "出现次数") -> Chart:
    """Horizontal bars of counts (e.g. frequent words in open answers), sorted."""
    _style()
    counts = np.asarray(counts, dtype=float)
    order = np.argsort(counts)
    fig, ax = plt.subplots(figsize=(7.2, max(2.2, 0.32 * len(labels) + 1.2)))
    ax.barh(range(len(labels)), counts[order], color=OKABE_ITO[2], height=0.62)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels([labels[i] for i in order])
    for i, v in enumerate(counts[order]):
        ax.text(v, i, f" {int(v)}", va="center", fontsize=8.5)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    return _save(fig, name, title, out_dir)

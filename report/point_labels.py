"""Every point of a scatter labelled legibly: no label over another label, over a point's marker, outside
the axes or over a keep-out box (a note or legend drawn inside the axes), with a thin leader line from
the point to a label that had to move away from it.

Placement in two steps on the drawn figure (sizes are those of the final figure, so call this after
the figure has its printed size):

1. ``adjustText`` (Flyamer et al., https://github.com/Phlya/adjustText; repels labels from each other,
   from the points and from the keep-out boxes, pulls them back towards their point);
2. a repair pass for the labels adjustText left overlapping: each is moved to the nearest free spot
   found on growing rings of offsets around its point (a free spot: inside the axes, meeting no
   placed label and no keep-out box); only when no free spot exists anywhere on the rings does a
   label stay where it is (:func:`label_overlaps` then reports it).

The label texts get the attribute ``point_label`` (the point's index) so that tests find them; their
renderer extents are what :func:`label_overlaps` checks.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

NEAR_RINGS = 14  # rings searched for a spot clear of every marker before markers may be covered
LEADER = dict(color="#8a8a8a", lw=0.6, zorder=1.5)
PAD_PX = 2.0  # free space kept around a label box (display pixels at the figure dpi)


def _box(t, r, pad: float = PAD_PX):
    from matplotlib.transforms import Bbox

    b = t.get_window_extent(r)
    return Bbox.from_extents(b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad)


def _inside(b, ax_box) -> bool:
    return b.x0 >= ax_box.x0 and b.x1 <= ax_box.x1 and b.y0 >= ax_box.y0 and b.y1 <= ax_box.y1


def _point_boxes(pts: np.ndarray, radius: float):
    from matplotlib.transforms import Bbox

    return [Bbox.from_extents(px - radius, py - radius, px + radius, py + radius) for px, py in pts]


def place_point_labels(ax, xs: Sequence[float], ys: Sequence[float], labels: Sequence[str], *, fontsize: float = 8.5,
                       keep_out: Sequence = (), marker_px: float = 4.0) -> list:
    """Label point i of (``xs``, ``ys``) with ``labels[i]`` (module docstring); ``keep_out``: artists
    inside the axes no label may cover (e.g. a note text).  Returns the label texts, in point order."""
    from adjustText import adjust_text

    use_indexed_overlaps()
    fig = ax.figure
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    texts = []
    for i, (x, y, lab) in enumerate(zip(xs, ys, labels)):
        t = ax.text(x, y, lab, fontsize=fontsize, ha="left", va="bottom", zorder=3,
                    bbox=dict(facecolor="white", edgecolor="none", pad=0.3))  # lines pass under it
        t.point_label = i
        texts.append(t)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    if len(texts) > 1:
        adjust_text(texts, x=xs, y=ys, ax=ax, objects=[a.get_window_extent(r) for a in keep_out],
                    expand=(1.1, 1.3), force_text=(0.3, 0.5), force_static=(0.2, 0.4), ensure_inside_axes=True,
                    iter_lim=60, prevent_crossings=False)  # iterations, not time: the same chart on every machine
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    ax_box = ax.get_window_extent(r)
    pts = ax.transData.transform(np.column_stack([xs, ys]))
    dots = _point_boxes(pts, marker_px)
    blocked = [a.get_window_extent(r) for a in keep_out]
    # repair: labels in the order of their point, each kept if it meets nothing placed so far
    placed: list = []
    for i, t in enumerate(texts):
        b = _box(t, r)
        others = [d for j, d in enumerate(dots) if j != i]
        if _inside(b, ax_box) and not any(b.overlaps(o) for o in placed + blocked + others):
            placed.append(b)
            continue
        # near the point clear of every marker; else nearest clear of labels and notes only (a label
        # may then cover another point's marker, which stays drawn on top)
        spot = (_free_spot(t, pts[i], r, ax_box, placed + blocked + others, rings=NEAR_RINGS)
                or _free_spot(t, pts[i], r, ax_box, placed + blocked))
        if spot is not None:
            t.set_position(ax.transData.inverted().transform(spot))
            t.set_ha("left")
            t.set_va("bottom")
        placed.append(_box(t, r))
    _leaders(ax, texts, pts, r, marker_px)
    return texts


def pairs_in(a: np.ndarray, b: np.ndarray, n_second: int) -> np.ndarray:
    """The rows of the index pairs ``a`` (k × 2) that are also rows of ``b``, in the order of ``a``:
    what adjustText 1.4 computes as ``a[(a[:, None] == b).all(-1).any(-1)]`` (|a|·|b| comparisons, most
    of the time of a 90-point chart), here by one integer key per pair (first · n_second + second) and
    a sorted lookup.  ``n_second``: more than any second index."""
    if not len(a) or not len(b):
        return a[:0]
    m = np.int64(max(int(n_second), int(a[:, 1].max()) + 1, int(b[:, 1].max()) + 1))
    ka = a[:, 0].astype(np.int64) * m + a[:, 1]
    kb = b[:, 0].astype(np.int64) * m + b[:, 1]
    return a[np.isin(ka, kb)]


def _shifts_texts(coords):
    """adjustText 1.4's ``get_shifts_texts`` (text–text repulsion; MIT licence) with :func:`pairs_in`
    for its pair intersection; the same numbers."""
    from adjustText.arrops import overlap_intervals

    N = coords.shape[0]
    xo = overlap_intervals(coords[:, 0], coords[:, 1], coords[:, 0], coords[:, 1])
    xo = xo[xo[:, 0] != xo[:, 1]]
    yo = overlap_intervals(coords[:, 2], coords[:, 3], coords[:, 2], coords[:, 3])
    yo = yo[yo[:, 0] != yo[:, 1]]
    overlaps = pairs_in(yo, xo, N)
    if len(overlaps) == 0:
        return np.zeros(N), np.zeros(N)
    diff = coords[overlaps[:, 1]] - coords[overlaps[:, 0]]
    return _nearer_edge(overlaps[:, 0], diff[:, :2], diff[:, 2:], N)


def _shifts_extra(coords, extra_coords):
    """adjustText 1.4's ``get_shifts_extra`` (text–point and text–object repulsion) with
    :func:`pairs_in`; the same numbers."""
    from adjustText.arrops import overlap_intervals

    N = coords.shape[0]
    xo = overlap_intervals(coords[:, 0], coords[:, 1], extra_coords[:, 0], extra_coords[:, 1])
    yo = overlap_intervals(coords[:, 2], coords[:, 3], extra_coords[:, 2], extra_coords[:, 3])
    overlaps = pairs_in(yo, xo, extra_coords.shape[0])
    if len(overlaps) == 0:
        return np.zeros(N), np.zeros(N)
    diff_x = coords[overlaps[:, 0], :2] - extra_coords[overlaps[:, 1], -3::-1]
    diff_y = coords[overlaps[:, 0], 2:] - extra_coords[overlaps[:, 1], -1:-3:-1]
    return _nearer_edge(overlaps[:, 0], diff_x, diff_y, N)


def _nearer_edge(first: np.ndarray, dx: np.ndarray, dy: np.ndarray, N: int) -> tuple[np.ndarray, np.ndarray]:
    """Per label, the sum over its overlapping pairs of the smaller (in size) of the two edge
    differences in x and in y (adjustText's shift)."""
    xs = np.where(np.abs(dx[:, 0]) < np.abs(dx[:, 1]), dx[:, 0], dx[:, 1])
    ys = np.where(np.abs(dy[:, 0]) < np.abs(dy[:, 1]), dy[:, 0], dy[:, 1])
    return np.bincount(first, xs, minlength=N), np.bincount(first, ys, minlength=N)


def use_indexed_overlaps() -> None:
    """Make adjustText 1.4.0 (pyproject.toml asks for ≥ 1.4) use :func:`_shifts_texts` and
    :func:`_shifts_extra`: the same shifts, so the same label positions and chart bytes (tested
    against the library's own functions), in a fraction of the time.  A different adjustText version
    is left as it is."""
    import adjustText

    if getattr(adjustText, "__version__", None) == ADJUSTTEXT_VERSION and not LIBRARY_SHIFTS:
        LIBRARY_SHIFTS.update(texts=adjustText.get_shifts_texts, extra=adjustText.get_shifts_extra)
        adjustText.get_shifts_texts = _shifts_texts
        adjustText.get_shifts_extra = _shifts_extra


ADJUSTTEXT_VERSION = "1.4.0"  # the release whose two functions _shifts_texts/_shifts_extra reproduce
LIBRARY_SHIFTS: dict = {}  # adjustText's own two functions, once replaced (the tests compare with them)


def _free_spot(t, p, r, ax_box, taken, rings: int = 80):
    """Display position (lower-left anchor) of the free spot nearest to point ``p`` for text ``t``: the
    first candidate, ring by ring and in angle order, inside the axes and meeting no box of ``taken``
    (matplotlib's ``Bbox.overlaps``: touching counts), each ring's candidates tested at once."""
    b = t.get_window_extent(r)
    w, h = b.width + 2 * PAD_PX, b.height + 2 * PAD_PX
    step = max(4.0, h / 2)
    T = np.array([bb.extents for bb in taken], dtype=float).reshape(-1, 4)
    tx0, tx1 = np.minimum(T[:, 0], T[:, 2]), np.maximum(T[:, 0], T[:, 2])
    ty0, ty1 = np.minimum(T[:, 1], T[:, 3]), np.maximum(T[:, 1], T[:, 3])
    for ring in range(1, rings + 1):
        rad = ring * step
        n = max(8, int(2 * np.pi * rad / step))
        ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
        c, s_ = np.cos(ang), np.sin(ang)
        cx, cy = p[0] + rad * c, p[1] + rad * s_
        x0 = np.where(c >= 0, cx, cx - w)  # the label's near corner at the ring
        y0 = np.where(s_ >= 0, cy, cy - h)
        x1, y1 = x0 + w, y0 + h
        ok = (x0 >= ax_box.x0) & (x1 <= ax_box.x1) & (y0 >= ax_box.y0) & (y1 <= ax_box.y1)
        if len(T) and ok.any():
            meets = ~((tx1[None, :] < x0[:, None]) | (ty1[None, :] < y0[:, None])
                      | (tx0[None, :] > x1[:, None]) | (ty0[None, :] > y1[:, None]))
            ok &= ~meets.any(axis=1)
        hit = np.flatnonzero(ok)
        if hit.size:
            k = hit[0]
            return (float(x0[k]) + PAD_PX, float(y0[k]) + PAD_PX)
    return None


def _leaders(ax, texts, pts, r, marker_px: float) -> None:
    """A thin line from each point to the nearest point of its label's box when the label does not touch
    the point's marker (it moved away)."""
    inv = ax.transData.inverted()
    for t, (px, py) in zip(texts, pts):
        b = t.get_window_extent(r)
        qx, qy = min(max(px, b.x0), b.x1), min(max(py, b.y0), b.y1)
        if np.hypot(qx - px, qy - py) <= marker_px + 3:
            continue
        (x0, y0), (x1, y1) = inv.transform([(px, py), (qx, qy)])
        ax.plot([x0, x1], [y0, y1], **LEADER)


def label_overlaps(fig) -> dict:
    """What a reader would see wrong with the point labels of ``fig`` (drawn): label pairs whose boxes
    overlap, labels outside their axes, labels over a keep-out artist (``keep_out_label`` attribute)."""
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    out = {"pairs": [], "outside": [], "over_keep_out": [], "n": 0, "texts": []}
    for ax in fig.axes:
        texts = [t for t in ax.texts if hasattr(t, "point_label")]
        keep = [t for t in ax.texts if getattr(t, "keep_out_label", False)]
        if ax.get_legend() is not None:
            keep.append(ax.get_legend())
        boxes = [t.get_window_extent(r) for t in texts]
        ab = ax.get_window_extent(r)
        out["n"] += len(texts)
        out["texts"] += [t.get_text() for t in texts]
        for i in range(len(boxes)):
            if not _inside(boxes[i], ab):
                out["outside"].append(texts[i].get_text())
            if any(boxes[i].overlaps(k.get_window_extent(r)) for k in keep):
                out["over_keep_out"].append(texts[i].get_text())
            for j in range(i + 1, len(boxes)):
                if boxes[i].overlaps(boxes[j]):
                    out["pairs"].append((texts[i].get_text(), texts[j].get_text()))
    return out

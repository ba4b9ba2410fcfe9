"""The one registry of source layouts, by name (the ``--format`` values), and layout detection.

:data:`LAYOUTS` maps each layout's name to its :class:`~survey.importers.base.Layout` (how it is recognised,
its fast reader if it has one, what the shared converter does differently for it), in detection order;
:data:`CONTAINERS` maps ``--format csv|xlsx|sav`` to the kinds of content each accepts.  A new layout is a
module with a ``LAYOUT`` and one line here.
"""

from __future__ import annotations

from typing import Optional

from ..questionnaire import Questionnaire
from . import generic, kobo, native, spss, tencent, wjx
from .base import Headers, Layout
from .text import nfkc_name, norm_text

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in
                              (native.LAYOUT, wjx.LAYOUT, tencent.LAYOUT, kobo.LAYOUT, generic.LAYOUT)}
CONTAINERS = {**generic.CONTAINERS, **spss.CONTAINERS}
FORCED = ("wjx", "tencent", "kobo", "native")  # layouts --format can insist on (generic is what is left)
FORMATS = ("auto", *CONTAINERS, *FORCED)
LAYOUT_NAMES = {name: LAYOUTS[name].title for name in FORCED}


def detect(columns: list[str], q: Questionnaire, kind: str = "text", var_labels: Optional[dict] = None) -> tuple[str, str]:
    """(layout, reason) from the headers (and SPSS variable labels): native, wjx, tencent, kobo or generic.

    Two passes over :data:`LAYOUTS` in order: metadata columns only one exporter writes, then the style of the
    question headers; the generic layout's style test always answers, so it is what is left.
    """
    native_cols = set(q.columns())
    h = Headers(columns=list(columns), cols=[norm_text(c) for c in columns],
                labels=[norm_text(v) for v in (var_labels or {}).values()],
                n_native=sum(1 for c in columns if c in native_cols or nfkc_name(c) in native_cols))  # Ｋ４ too
    for layout in LAYOUTS.values():
        why = layout.detect_meta(h)
        if why:
            return layout.name, why
    for layout in LAYOUTS.values():
        why = layout.detect_style(h)
        if why:
            return layout.name, why
    return "generic", generic.detect_style(h)

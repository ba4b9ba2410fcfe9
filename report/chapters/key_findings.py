"""Chapter 3 主要发现: the findings (report.findings) as a numbered list."""

from __future__ import annotations

from ..records import Section
from .kit import Kit


def build(k: Kit) -> Section:
    """Chapter 3 as typed records."""
    sec = k.section(2)
    ctx = k.ctx
    k.lines(sec, [f["text"] for f in ctx["findings"]], "findings")
    return sec

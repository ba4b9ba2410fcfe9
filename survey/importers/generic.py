"""Generic CSV/XLSX/Parquet files (and SAV, see :mod:`survey.importers.spss`) in no known export layout: columns matched
by question id (or native column name), by number (``N、``/``N.``/``第N题``) or by title.  The format reported
is the container (``csv``, ``xlsx``, ``parquet``, ``sav``)."""

from __future__ import annotations

from typing import Optional

from .base import Headers, Layout

CONTAINERS = {"csv": ("text", "zip"), "xlsx": ("xlsx", "xls"), "parquet": ("parquet",)}  # --format value: the kinds of content it accepts


def container_format(kind: str) -> str:
    """The format reported for a generic table read from content of ``kind`` (survey.tabular.sniff_kind)."""
    return {"text": "csv", "csv": "csv", "zip": "csv", "xls": "xlsx"}.get(kind, kind)


def detect_style(h: Headers) -> Optional[str]:
    """Always a reason: the generic layout is what is left."""
    if h.n_native >= 1:
        return f"{h.n_native} columns named like minyi question ids"
    return "no known export layout; columns matched by id, number or title"


LAYOUT = Layout("generic", "generic table", detect_style=detect_style, report_as=container_format)

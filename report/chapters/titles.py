"""The nine chapter titles of the report and their XLSX sheet names (zh / en), in document order: the label
table's ``chapter.1`` … ``chapter.9`` and ``chapter_sheet.1`` … (the 摘要's: ``summary.title``, ``summary.sheet``)."""

from __future__ import annotations

from ..labels import labels


def section_titles(lang: str) -> list[str]:
    """一、调查概况 … 九、附录 (1. Survey overview … 9. Appendix)."""
    return list(labels("chapter", lang).values())


def sheet_names(lang: str) -> list[str]:
    """The chapters' XLSX sheet names, 1调查概况 … 9附录."""
    return list(labels("chapter_sheet", lang).values())

"""The report's chapters: one builder per chapter, each returning its typed records (report.records).

:func:`build_sections` runs them in document order (and puts the 摘要 first when there is one); the
numbers of tables and figures are given afterwards, once, by :func:`report.numbering.number_blocks`.
To add a chapter: a module here with ``build(kit) -> Section``, its title in :mod:`.titles`, and
its place in :data:`CHAPTERS`.
"""

from __future__ import annotations

from ..records import Lines, Section
from ..toc import section_anchor
from ..labels import label
from ..summary import summary_lines
from . import appendix, change, groups, hot_issues, indicators, key_findings, overview, priorities, sample
from .kit import Kit
from .titles import section_titles

CHAPTERS = (overview, sample, key_findings, indicators, hot_issues, groups, change, priorities, appendix)


def build_sections(ctx: dict) -> list:
    """The nine chapters as sections of blocks (what every writer prints), the 摘要 first when present."""
    kit = Kit(ctx)
    sections = [ch.build(kit) for ch in CHAPTERS]
    for i, sec in enumerate(sections):
        sec.anchor = section_anchor(i + 1)
    lang = ctx["lang"]
    if ctx.get("summary"):
        summ = Section(label("summary.title", lang), label("summary.sheet", lang), anchor="summary")
        # issue 10: one verdict sentence, then the numbered points (as the HTML's front matter prints them)
        verdict, *points = summary_lines(ctx["summary"], section_titles(lang), lang)
        summ.blocks.append(("list", Lines(points, "numbered", lead=verdict)))
        sections.insert(0, summ)
    return sections

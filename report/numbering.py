"""Table and figure numbers of the report: assigned once over the chapter records, read by every writer.

:func:`number_blocks` walks the sections (:class:`report.render.Section`) in document order and gives
every table block its 表N and every figure block its 图N, before any writer runs. The DOCX and XLSX
writers print the records' numbers; the HTML template (and the PDF made from it) prints the same
records' captions through :func:`table_caption` and :func:`figure_caption`, so a number never differs
between formats (``tests/test_report_numbering.py`` compares the caption lists).
"""

from __future__ import annotations

from survey.labels import label


def number_blocks(sections) -> dict:
    """Number the tables (``Table.number``) and the figures of ``sections`` in document order (1, 2, …
    each); returns {chart name: figure number} (chart names are unique within a report)."""
    t = 0
    figures: dict = {}
    for sec in sections:
        for kind, obj in sec.blocks:
            if kind == "table":
                t += 1
                obj.number = t
            elif kind == "figure":
                if obj.name in figures:
                    raise ValueError(f"figure {obj.name!r} appears twice in the report")
                figures[obj.name] = len(figures) + 1
    return figures


def table_caption(table, lang: str) -> str:
    """``表3 样本区县构成`` / ``Table 3. Sample by district``: a numbered table's caption."""
    if not getattr(table, "number", 0):
        raise ValueError(f"table {getattr(table, 'caption', table)!r} is not one of the report's numbered tables")
    return label("caption.table_no", lang).format(n=table.number, caption=table.caption)


def figure_caption(chart, figures: dict, lang: str) -> str:
    """``图3 …`` / ``Figure 3. …``: a figure's caption with its number from ``figures`` (what
    :func:`number_blocks` returned); the chart's title states its finding."""
    if chart.name not in figures:
        raise ValueError(f"figure {chart.name!r} is not one of the report's numbered figures")
    return label("caption.figure_no", lang).format(n=figures[chart.name], caption=chart.title)

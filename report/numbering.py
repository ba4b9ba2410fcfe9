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


CN_NUM = "一二三四五六七八九十"


def cn_number(k: int) -> str:
    """一 … 十, then 十一 … 九十九: the ordinal of a heading level in a Chinese document."""
    if k <= 10:
        return CN_NUM[k - 1]
    tens, ones = divmod(k, 10)
    return (CN_NUM[tens - 1] if tens > 1 else "") + "十" + (CN_NUM[ones - 1] if ones else "")


def number_headings(sections, lang: str) -> None:
    """Number each chapter's sub-headings （一）（二）… in document order, before any writer runs, so the
    HTML, the PDF, the DOCX (and its 目录) and the XLSX print the same numbers.

    Rule: issue 10 ("Sub-headings numbered （一）（二）… under 一、二、…"), after GB/T 9704-2012 7.3.3 (结构层次
    序数: 一、 → （一） → 1. → （1））.  Only the nine chapters (anchors ``sec-1`` … ``sec-9``) are numbered,
    not the 摘要; English headings keep their text (label ``heading.sub_no``)."""
    from .records import Heading

    for sec in sections:
        if not str(getattr(sec, "anchor", "")).startswith("sec-"):
            continue
        k = 0
        for i, (kind, obj) in enumerate(sec.blocks):
            if kind != "h":
                continue
            k += 1
            text = label("heading.sub_no", lang).format(n=cn_number(k), text=str(obj))
            sec.blocks[i] = ("h", Heading(text, obj.anchor) if isinstance(obj, Heading) else text)


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

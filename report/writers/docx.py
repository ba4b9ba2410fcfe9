"""The Word report, written from the chapter records (report.records) with their numbers (report.numbering)."""

from __future__ import annotations

import io
import itertools
import math
import re
from pathlib import Path

from survey.atomic import atomic_write
from survey.cells import clean_text
from survey.errors import MinyiError

from .. import charts as C
from ..labels import label
from ..numbering import figure_caption, table_caption
from ..toc import add_docx_toc, fill_docx_toc
from .docx_lines import cell_lines
from .docx_rows import append_body_rows
from .table_width import SHORT_TEXT, WRAP_MIN_CM, char_cm, column_needs, display_width, is_wide, latin_word


FIG_ROOM_CM = 4.5  # of the text block's height left for a chapter heading (page break before, its spacing) and
# the caption below the tallest figure: with 2.5 cm LibreOffice pushed the IPA chart's caption onto the next page
KEEP_WHOLE_ROWS = 12  # a table of at most this many body rows is kept on one page (with its caption)
KEEP_FIRST_ROWS = 2   # a longer one keeps its caption, header row and first body rows together
KEEP_LAST_ROWS = 3    # and its last body rows together: a page after a break never carries one or two rows alone


SUMMARY_LINE_PT = 24.0  # exact line spacing of the 摘要's points under the GB/T look (1.5 lines of 3号 text):
# at the body's 28.9 pt (22 lines a page) the demo's five points ran three lines onto a second page, and issue 10
# asks for a one-page 摘要 (26 lines a page at 24 pt)
TITLE_MIN_PT = 18  # a cover title is made at most this much smaller to stay on one line

# Unicode sub- and superscript letters and digits (the method notes' "Σwᵢyᵢ", "se₁² + se₀²") as Word's own
# subscript/superscript of the plain character: 仿宋_GB2312 and Times New Roman have no glyph for U+1D62 or U+2080…,
# and LibreOffice with the bundled Noto fonts printed them as empty boxes in 方法说明
SCRIPTS = {**{c: (b, "sub") for c, b in zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₔₕₖₗₘₙₚₛₜᵢᵣᵤᵥⱼ", "0123456789+-=()aeoxəhklmnpstiruvj")},
           **{c: (b, "sup") for c, b in zip("⁰ⁱ⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ", "0i456789+-=()n")}}
_SCRIPT_RUN = re.compile("([" + "".join(SCRIPTS) + "]+)")
_HAT = "\u0302"  # the combining circumflex of the estimate p̂: no glyph in those fonts either (an empty box or
# nothing above the p); the Word file writes the plain letter


def add_text(paragraph, text: str, bold: bool = False):
    """Append ``text`` to ``paragraph`` as runs, each run of Unicode sub-/superscript characters (:data:`SCRIPTS`)
    as its plain characters set in Word's subscript or superscript; returns the paragraph."""
    for k, piece in enumerate(_SCRIPT_RUN.split(text.replace(_HAT, ""))):
        if not piece:
            continue
        if k % 2:
            for pos, chars in itertools.groupby(piece, key=lambda c: SCRIPTS[c][1]):
                run = paragraph.add_run("".join(SCRIPTS[c][0] for c in chars))
                run.font.subscript = pos == "sub"
                run.font.superscript = pos == "sup"
                run.bold = bold or None
        else:
            run = paragraph.add_run(piece)
            run.bold = bold or None
    return paragraph


def title_size_pt(title: str, size_pt: float, width_cm: float) -> float:
    """The cover title's size: the look's size, or smaller (in half points, down to :data:`TITLE_MIN_PT`)
    when that keeps the title on one line of ``width_cm``.  Rule: GB/T 9704-2012 7.3.1 — a title that
    wraps must break where the words allow and stay symmetric; the line break a word processor picks
    (“……调查分 / 析报告”) splits a word, so a title that nearly fits is set to fit instead."""
    ems = sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in title)
    room_pt = width_cm / 2.54 * 72 * 0.98
    if not ems or ems * size_pt <= room_pt:
        return size_pt
    fit = math.floor(room_pt / ems * 2) / 2
    return fit if fit >= TITLE_MIN_PT else size_pt


def share_room(needs: list, floors: list, room: float) -> list:
    """Widths of the wrapping columns of a table: ``room`` shared in proportion to their ``needs``, but none
    under its floor (its longest word); the columns raised to their floor leave the rest to the others
    (water-filling).  The sum exceeds ``room`` only when the floors alone do."""
    widths = [0.0] * len(needs)
    free = list(range(len(needs)))
    while free:
        left = room - sum(widths[i] for i in range(len(needs)) if i not in free)
        total = sum(needs[i] for i in free) or 1.0
        low = [i for i in free if left * needs[i] / total < floors[i]]
        if not low:
            for i in free:
                widths[i] = left * needs[i] / total
            break
        for i in low:
            widths[i] = floors[i]
            free.remove(i)
    return widths


def keep_table_together(tbl, n_body: int, has_note: bool, keep_whole: int = KEEP_WHOLE_ROWS) -> None:
    """Page-break rules of a report table (Word "keep with next" on the rows' paragraphs, "cantSplit" rows):
    no row split across two pages; the header row never alone at a page foot, followed by at least
    :data:`KEEP_FIRST_ROWS` body rows (a short table, up to ``keep_whole`` rows, stays whole); the last
    :data:`KEEP_LAST_ROWS` body rows keep together (keep-with-next on the rows before the last), so a page after a
    break carries at least that many rows (表27's last row printed alone under the repeated header, session 30);
    the last row goes with the table's note.  Source: the report's own print rules (docs/report-rendering.md:
    no heading or header left alone at a page bottom) and ECMA-376 17.4.6 (cantSplit), 17.3.1.15 (keepNext)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    rows = list(tbl.rows)
    keep_upto = n_body if n_body <= keep_whole else KEEP_FIRST_ROWS  # rows 0..keep_upto-1 keep with next
    tail_from = len(rows) - KEEP_LAST_ROWS  # rows tail_from..len(rows)-2 keep with the next (the last row)
    for i, row in enumerate(rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.insert(0, OxmlElement("w:cantSplit"))
        if i < keep_upto or tail_from <= i < len(rows) - 1 or (i == len(rows) - 1 and has_note):
            # the row's own paragraphs: row.cells gives a vertically merged cell's first cell again, not the
            # continuing cell's (empty) paragraph, which then let a page break into the merged name (the brief)
            for par in row._tr.iter(qn("w:p")):
                Paragraph(par, None).paragraph_format.keep_with_next = True


def write_docx(context: dict, path: Path, style: str = "gbt9704") -> None:
    """A Word report in the look ``style`` (:mod:`report.writers.docx_style`: ``gbt9704`` = GB/T 9704-2012
    official-document layout, or ``plain``): 黑体 headings, 仿宋 body, 宋体 tables (east-asian fonts set
    explicitly, no theme font overrides), 表N captions above tables and 图N captions below figures
    (Word "Caption" style), a written-out 目录 (:func:`report.toc.fill_docx_toc`), footer page numbers,
    tables no wider than the text block (wide ones on a landscape page) with a repeated header row and
    page-break rules (:func:`keep_table_together`), charts as images."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from .docx_style import STYLES, apply_look, landscape_section, starts_page, text_width_mm

    if style not in STYLES:
        raise MinyiError.of("unknown-style", style=style, choices=", ".join(STYLES))
    en = context["lang"] == "en"
    doc = Document()
    look = apply_look(doc, style, en)
    text_cm = text_width_mm(doc.sections[0]) / 10
    sec0 = doc.sections[0]
    fig_max_cm = (sec0.page_height - sec0.top_margin - sec0.bottom_margin) / 360000 - FIG_ROOM_CM
    land_cm = (doc.sections[0].page_height - doc.sections[0].left_margin - doc.sections[0].right_margin) / 360000
    table_text = doc.styles["Table Text"]
    table_text_id = table_text.style_id  # set on each cell's paragraph directly: python-docx's by-object
    # setter looks the default style up among all styles on every call (most of the DOCX writing time)

    T = clean_text  # no control characters in Word XML (survey.cells)

    def caption(text: str):
        p = doc.add_paragraph(T(text), style="Caption")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    _wlen = display_width

    def add_table(t):
        cols = len(t.columns)
        body = t.formatted(context["lang"])
        # column widths from content: display width of the longest value (CJK counts double), capped
        need, text, unit_cm = column_needs(t.columns, body, look.table[1])
        fixed = sum(n for n, tx in zip(need, text) if not tx)
        wide = is_wide(need, text, text_cm)
        if wide:
            landscape_section(doc, True)
        caption(table_caption(t, context["lang"]))
        W = land_cm if wide else text_cm
        if sum(need) <= W:
            widths_cm = [n + (W - sum(need)) * n / sum(need) for n in need]
        else:  # numbers keep their width, text columns share the rest and wrap
            room = max(W - fixed, WRAP_MIN_CM * max(sum(text), 1))
            # a wrapping column is never narrower than its longest Latin word (“Dongche/ng District”)
            # nor narrower than a date or a bracketed group it holds (“2026年10 / 月30日”, docx_lines)
            floors = [max(WRAP_MIN_CM, char_cm(max([latin_word(str(h))] + [latin_word(r[i]) for r in body])),
                          unit_cm[i])
                      for i, (h, _) in enumerate(t.columns)]
            shared = share_room([n for n, tx in zip(need, text) if tx], [f for f, tx in zip(floors, text) if tx], room)
            widths_cm = [shared.pop(0) if tx else n for n, tx in zip(need, text)]
        if sum(widths_cm) > W:  # still too wide: every column shrinks in proportion
            widths_cm = [w * W / sum(widths_cm) for w in widths_cm]
        widths_cm = [math.floor(w * 100) / 100 for w in widths_cm]  # rounding never pushes the sum over
        widths = [Cm(w) for w in widths_cm]
        left = [k == "text" and max((_wlen(r[i]) for r in body), default=0) > SHORT_TEXT
                for i, (_, k) in enumerate(t.columns)]
        tbl = doc.add_table(rows=1, cols=cols)
        tbl.style = "Table Grid"
        tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
        tbl.autofit = False
        for i, col in enumerate(tbl.columns):
            col.width = widths[i]  # w:gridCol (LibreOffice, WPS) as well as each w:tcW (Word)
        hdr = tbl.rows[0]
        trpr = hdr._tr.get_or_add_trPr()
        rep = OxmlElement("w:tblHeader")
        rep.set(qn("w:val"), "true")
        trpr.append(rep)
        for i, (h, _) in enumerate(t.columns):
            cell = hdr.cells[i]
            cell.width = widths[i]
            cell.paragraphs[0]._p.style = table_text_id
            # a head or a cell that would break badly (“有效样 / 本”, “市文明办（牵 / 头）”) gets its own line
            # breaks at good points (“有效 / 样本”): report/writers/docx_lines.py
            run = cell.paragraphs[0].add_run("\n".join(cell_lines(T(str(h)), widths_cm[i], look.table[1])))
            run.bold = True
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            shd = OxmlElement("w:shd")  # light grey header background
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), "E7ECF2")
            cell._tc.get_or_add_tcPr().append(shd)
        append_body_rows(tbl, [["\n".join(cell_lines(T(v), widths_cm[i], look.table[1])) for i, v in enumerate(r)]
                               for r in body], ["left" if lf else "center" for lf in left], table_text_id)
        keep_table_together(tbl, len(body), bool(t.note))
        if t.note:
            p = add_text(doc.add_paragraph(style=table_text), T(t.note))
            p.paragraph_format.space_before = Pt(2)
        if wide:
            landscape_section(doc, False)
        else:
            doc.add_paragraph(style=table_text).paragraph_format.space_after = Pt(2)

    def add_figure(chart):
        from docx.image.image import Image as DocxImage

        img = DocxImage.from_blob(chart.png)
        w_cm = min(C.PRINT_WIDTH_CM, text_cm)
        if w_cm * img.px_height / img.px_width > fig_max_cm:  # a tall chart (the IPA) shares its page with a
            w_cm = fig_max_cm * img.px_width / img.px_height  # heading and its caption
        doc.add_picture(io.BytesIO(chart.png), width=Cm(w_cm))
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
        doc.paragraphs[-1].paragraph_format.line_spacing_rule = 0  # single: exact spacing would clip the picture
        doc.paragraphs[-1].paragraph_format.first_line_indent = Pt(0)
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        # the caption under a figure ends the figure's block: the style's keep-with-next is for a table's caption
        # (above its table); chaining the figure, its caption and the next table into one block taller than the
        # room left moved them all to the next page and left the page before nearly empty
        under = caption(figure_caption(chart, context["figure_numbers"], context["lang"]))
        under.paragraph_format.keep_with_next = False

    head = doc.add_heading(T(context["title"]), 0)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fit = title_size_pt(context["title"], look.title[1], text_cm)
    if fit != look.title[1]:
        for run in head.runs:
            run.font.size = Pt(fit)
    doc.add_paragraph(T(context["subtitle"])).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if context.get("org"):  # the cover's line (a capital first letter in English), as the HTML cover prints it
        cover = context.get("cover")
        doc.add_paragraph(T(cover.org if cover else context["org"])).alignment = WD_ALIGN_PARAGRAPH.CENTER
    toc = add_docx_toc(doc, context["lang"])
    sections = context["sections"]
    for k, sec in enumerate(sections):
        # a chapter heading keeps with what follows (its style), so it is never left at the foot of a page
        doc.add_heading(T(sec.title), 1).paragraph_format.page_break_before = starts_page(k, sections, look)
        for kind, obj in sec.blocks:
            if kind == "p":
                p = add_text(doc.add_paragraph(), T(obj))
                if not en:
                    p.paragraph_format.first_line_indent = Pt(2 * (look.body[1]))  # 首行缩进两字
            elif kind == "h":
                doc.add_heading(T(str(obj)), 2)
            elif kind == "h4":
                doc.add_heading(T(obj), 3)
            elif kind == "kpis":  # the HTML's headline tiles: on paper the indicator table right below says it
                continue
            elif kind == "list":
                if getattr(obj, "lead", ""):  # the 摘要's verdict: bold, unnumbered, before points 1, 2, 3…
                    lead = doc.add_paragraph()
                    lead.add_run(T(obj.lead)).bold = True
                    if not en:
                        lead.paragraph_format.first_line_indent = Pt(2 * (look.body[1]))
                    if sec.anchor == "summary" and look.line_pt(en):
                        lead.paragraph_format.line_spacing = Pt(min(look.line_pt(en), SUMMARY_LINE_PT))
                for i, text in enumerate(obj):
                    item = add_text(doc.add_paragraph(),
                                    T(f"{i + 1}. {text}" if getattr(obj, "numbered", True) else f"• {text}"))
                    if sec.anchor == "summary" and look.line_pt(en):  # the 摘要 on one page (SUMMARY_LINE_PT)
                        item.paragraph_format.line_spacing = Pt(min(look.line_pt(en), SUMMARY_LINE_PT))
            elif kind == "table":
                add_table(obj)
            elif kind == "figure":
                add_figure(obj)
            elif kind == "placeholder":
                t = doc.add_table(rows=1, cols=1)
                t.style = "Table Grid"
                t.autofit = False
                t.columns[0].width = t.rows[0].cells[0].width = Cm(math.floor(text_cm * 100) / 100)
                t.rows[0].cells[0].text = T(obj)
                t.rows[0].height = Cm(4)
    fill_docx_toc(doc, toc, context["lang"])
    set_properties(doc, context)
    atomic_write(path, lambda tmp: doc.save(str(tmp)))


def set_properties(doc, context: dict) -> None:
    """The document properties Word/WPS show under 文件 → 属性: the report's title, the commissioning body
    as author, the language, and the time written.  python-docx's blank template otherwise carries its own
    ("python-docx" as author, created 2013-12-23), which a reader opening the properties sees."""
    import datetime as dt

    props = doc.core_properties
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.title = clean_text(context["title"])
    props.author = props.last_modified_by = clean_text(context.get("org") or "")
    props.language = label("lang.tag", context["lang"])
    props.created = props.modified = now
    props.revision = 1
    props.comments = props.subject = props.keywords = props.category = ""

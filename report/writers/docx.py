"""The Word report, written from the chapter records (report.records) with their numbers (report.numbering)."""

from __future__ import annotations

import io
import math
from pathlib import Path

from survey.atomic import atomic_write
from survey.cells import clean_text
from survey.errors import MinyiError

from .. import charts as C
from ..numbering import figure_caption, table_caption
from ..toc import add_docx_toc


FIG_ROOM_CM = 2.5  # of the text block's height left for a heading and the caption beside the tallest figure


def write_docx(context: dict, path: Path, style: str = "gbt9704") -> None:
    """A Word report in the look ``style`` (:mod:`report.writers.docx_style`: ``gbt9704`` = GB/T 9704-2012
    official-document layout, or ``plain``): 黑体 headings, 仿宋 body, 宋体 tables (east-asian fonts set
    explicitly, no theme font overrides), 表N captions above tables and 图N captions below figures
    (Word "Caption" style), a TOC field, footer page numbers, tables no wider than the text block
    (wide ones on a landscape page) with a repeated header row, charts as images."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from .docx_style import STYLES, apply_look, landscape_section, text_width_mm

    if style not in STYLES:
        raise MinyiError.of("usage", reason=f"unknown style '{style}'; choose from {', '.join(STYLES)}")
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

    def _wlen(s: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

    def add_table(t):
        cols = len(t.columns)
        body = t.formatted()
        # column widths from content: display width of the longest value (CJK counts double), capped
        need = [min(max([min(_wlen(str(h)), 6)] + [_wlen(r[i]) for r in body]), 44) * 0.2 + 0.55
                for i, (h, _) in enumerate(t.columns)]  # cm at 9.5 pt: ~0.2 cm per half-width character + margins
        text = [k == "text" for _, k in t.columns]
        fixed = sum(n for n, tx in zip(need, text) if not tx)
        wide = fixed + 1.6 * sum(text) > text_cm  # numbers alone do not fit the portrait text block
        if wide:
            landscape_section(doc, True)
        caption(table_caption(t, context["lang"]))
        W = land_cm if wide else text_cm
        if sum(need) <= W:
            widths_cm = [n + (W - sum(need)) * n / sum(need) for n in need]
        else:  # numbers keep their width, text columns share the rest and wrap
            room = max(W - fixed, 1.6 * max(sum(text), 1))
            tneed = sum(n for n, tx in zip(need, text) if tx) or 1.0
            widths_cm = [max(1.6, room * n / tneed) if tx else n for n, tx in zip(need, text)]
        if sum(widths_cm) > W:  # still too wide: every column shrinks in proportion
            widths_cm = [w * W / sum(widths_cm) for w in widths_cm]
        widths_cm = [math.floor(w * 100) / 100 for w in widths_cm]  # rounding never pushes the sum over
        widths = [Cm(w) for w in widths_cm]
        left = [k == "text" and max((_wlen(r[i]) for r in body), default=0) > 8 for i, (_, k) in enumerate(t.columns)]
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
            run = cell.paragraphs[0].add_run(T(str(h)))
            run.bold = True
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            shd = OxmlElement("w:shd")  # light grey header background
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), "E7ECF2")
            cell._tc.get_or_add_tcPr().append(shd)
        for r in body:
            cells = tbl.add_row().cells
            for i, v in enumerate(r):
                cells[i].width = widths[i]
                cells[i].text = T(v)
                cells[i].paragraphs[0]._p.style = table_text_id
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT if left[i] else WD_ALIGN_PARAGRAPH.CENTER
        if t.note:
            p = doc.add_paragraph(T(t.note), style=table_text)
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
        caption(figure_caption(chart, context["figure_numbers"], context["lang"]))

    doc.add_heading(T(context["title"]), 0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(T(context["subtitle"])).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if context.get("org"):
        doc.add_paragraph(T(context["org"])).alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_docx_toc(doc, context["lang"])
    for sec in context["sections"]:
        # every chapter on a new page, as in the HTML/PDF print (h2 break-before: page): a chapter heading is
        # never left at the foot of a page while its first figure or table moves on
        doc.add_heading(T(sec.title), 1).paragraph_format.page_break_before = True
        for kind, obj in sec.blocks:
            if kind == "p":
                p = doc.add_paragraph(T(obj))
                if not en:
                    p.paragraph_format.first_line_indent = Pt(2 * (look.body[1]))  # 首行缩进两字
            elif kind == "h":
                doc.add_heading(T(str(obj)), 2)
            elif kind == "h4":
                doc.add_heading(T(obj), 3)
            elif kind == "kpis":  # the HTML's headline tiles: on paper the indicator table right below says it
                continue
            elif kind == "list":
                for i, text in enumerate(obj):
                    doc.add_paragraph(T(f"{i + 1}. {text}" if getattr(obj, "numbered", True) else f"• {text}"))
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
    atomic_write(path, lambda tmp: doc.save(str(tmp)))

"""Word page layout, styles, footer page numbers and TOC field for report.docx.

Two styles:

* ``gbt9704`` (default) — the Chinese official-document standard GB/T 9704-2012 《党政机关公文格式》:
  A4 (210 × 297 mm), top margin 37 mm, inner (left) margin 28 mm, text block 156 × 225 mm (so
  bottom 35 mm, outer 26 mm; mirrored margins for double-sided printing); title 2号 (22 pt)
  方正小标宋简体, first-level headings 3号 (16 pt) 黑体, second-level 3号 楷体_GB2312, body 3号
  仿宋_GB2312 with exact 28.9 pt line spacing (22 lines per page), page numbers 4号 (14 pt) 宋体 as
  “— 1 —” (odd pages right, even pages left, one character in from the edge).  Font names are the
  names these fonts carry on Chinese office PCs; Word and WPS substitute where one is missing.
  Tables use 宋体.
* ``plain`` — the earlier look for users outside government: 2.6 cm side margins, 黑体 headings,
  仿宋 12 pt body, centred page numbers.

Every style touched has its theme font attributes (``w:asciiTheme``, ``w:eastAsiaTheme``,
``w:hAnsiTheme``, ``w:cstheme``) removed: Word and WPS let them override ``w:eastAsia``, which is why
headings showed in the theme's font instead of 黑体.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

STYLES = ("gbt9704", "plain")
THEME_ATTRS = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")
LATIN_LANG = "en-US"  # the language Latin text is marked with (set_languages)


@dataclass(frozen=True)
class DocxLook:
    """Page geometry (mm) and fonts (east-asian name, size in pt) of one style."""

    top: float
    bottom: float
    inner: float
    outer: float
    mirror: bool
    title: tuple
    h1: tuple
    h2: tuple
    body: tuple
    body_en: tuple
    line_exact: Optional[float]  # exact line spacing of body text in pt (None: multiple 1.4)
    line_exact_en: Optional[float]  # the same for English text (``--lang en``)
    table: tuple
    caption: tuple
    page_no: tuple
    page_no_dashes: bool
    chapter_pages: bool  # every chapter starts a new page (else the text runs on: :func:`starts_page`)

    def line_pt(self, en: bool) -> Optional[float]:
        """Exact line spacing of body text in pt for the report's language (None: multiple 1.4)."""
        return self.line_exact_en if en else self.line_exact


EN_LINE_PT = 20.0  # exact line spacing of 14 pt English body text under the GB/T look: about 1.4 lines, as the
# plain look sets its body; GB/T 9704-2012's 28.9 pt (22 lines of 3号 Chinese, 1.8 × 16 pt) set 14 pt Latin text
# double-spaced and spilled a few lines onto near-empty pages (issue 11: no page under 15% of the median's text)
EN_PARA_AFTER_PT = 6.0  # space after an English paragraph under the GB/T look: English paragraphs are not indented
# (Chinese ones are, two characters), and without it “Findings: …”, “Recommendation: …” ran together as one block

LOOKS = {
    "gbt9704": DocxLook(top=37, bottom=35, inner=28, outer=26, mirror=True,
                        title=("方正小标宋简体", 22), h1=("黑体", 16), h2=("楷体_GB2312", 16),
                        body=("仿宋_GB2312", 16), body_en=("仿宋_GB2312", 14),
                        line_exact=28.9, line_exact_en=EN_LINE_PT,
                        table=("宋体", 10.5), caption=("黑体", 12), page_no=("宋体", 14), page_no_dashes=True,
                        chapter_pages=False),
    "plain": DocxLook(top=37, bottom=35, inner=26, outer=26, mirror=False,
                      title=("黑体", 20), h1=("黑体", 16), h2=("黑体", 14), body=("仿宋", 12), body_en=("仿宋", 11),
                      line_exact=None, line_exact_en=None, table=("宋体", 9.5), caption=("黑体", 10.5),
                      page_no=("宋体", 10.5),
                      page_no_dashes=False, chapter_pages=True),
}


def starts_page(i: int, sections: list, look: DocxLook) -> bool:
    """Whether section ``i`` of the report (the 摘要 first when there is one, the appendix last) starts a new
    page.  The plain look starts every chapter on a new page, as the HTML print does.  Under GB/T 9704-2012 the
    text runs on from chapter to chapter (a heading keeps with what follows, so none is left alone at a page
    foot) and only these start a page: the 摘要 (after the 目录), the first chapter after it, and the appendix
    (GB/T 9704-2012: 附件应当另面编排).  A forced break before every chapter left the last lines of a chapter
    alone on a near-empty page (four of the demo report's 73 pages; issue 11: no page under 15% of the median's
    text)."""
    if look.chapter_pages:
        return True
    first = 1 if sections and sections[0].anchor == "summary" else 0
    return i <= first or i == len(sections) - 1


def _qn(tag):
    from docx.oxml.ns import qn

    return qn(tag)


def set_east_asian_font(rpr, east: str):
    """Set ``w:eastAsia`` on the ``w:rFonts`` of a run's or style's ``rPr`` (created first, as its first child,
    where the schema wants it); returns the ``w:rFonts`` element.  python-docx's ``font.name`` sets only
    the Latin fonts, so Chinese text would otherwise fall back to the theme's East-Asian font."""
    from docx.oxml import OxmlElement

    rf = rpr.find(_qn("w:rFonts"))
    if rf is None:
        rf = OxmlElement("w:rFonts")
        rpr.insert(0, rf)
    rf.set(_qn("w:eastAsia"), east)
    return rf


def strip_theme_fonts(element) -> None:
    """Remove theme font attributes from every w:rFonts under ``element`` (a style or docDefaults)."""
    for rf in element.iter(_qn("w:rFonts")):
        for a in THEME_ATTRS:
            rf.attrib.pop(_qn(f"w:{a}"), None)


def set_font(style, east: str, size: Optional[float] = None, bold=None, ascii_: str = "Times New Roman") -> None:
    """East-asian and western font, size, colour black; theme font attributes removed."""
    from docx.shared import Pt, RGBColor

    style.font.name = ascii_
    if size:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    rfonts = set_east_asian_font(style.element.get_or_add_rPr(), east)
    rfonts.set(_qn("w:ascii"), ascii_)
    rfonts.set(_qn("w:hAnsi"), ascii_)
    rfonts.set(_qn("w:cs"), ascii_)
    strip_theme_fonts(style.element)


def set_languages(doc, en: bool) -> None:
    """The document's default languages (``w:docDefaults/w:rPrDefault/w:rPr/w:lang``): Chinese text marked as
    Chinese (``w:eastAsia="zh-CN"``) and Latin text (numbers, “n=3,914”, English words) as English (``w:val="en-US"``)
    in either language of the report, as Chinese editions of Word and WPS mark it.  python-docx's template says
    ``eastAsia="en-US"``, so Word and WPS proofed the Chinese as English and set its line breaking and punctuation
    by English rules; Latin text marked zh-CN was broken at any character, inside numbers (“n=3,91 / 4”,
    “95 / %置信区间”, LibreOffice).  ``en`` is kept for the callers: both languages are marked alike."""
    from docx.oxml import OxmlElement

    rpr = doc.styles.element.find(_qn("w:docDefaults") + "/" + _qn("w:rPrDefault") + "/" + _qn("w:rPr"))
    if rpr is None:
        return
    lang = rpr.find(_qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(_qn("w:val"), LATIN_LANG)
    lang.set(_qn("w:eastAsia"), "zh-CN")


def apply_look(doc, style: str, en: bool) -> DocxLook:
    """Page setup and paragraph styles of ``style`` on a new python-docx Document; returns the look."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.shared import Mm, Pt

    look = LOOKS[style]
    sect = doc.sections[0]
    sect.page_width, sect.page_height = Mm(210), Mm(297)
    sect.top_margin, sect.bottom_margin = Mm(look.top), Mm(look.bottom)
    sect.left_margin, sect.right_margin = Mm(look.inner), Mm(look.outer)
    sect.footer_distance = Mm(28 - 7) if style == "gbt9704" else Mm(15)  # 页码下边缘距版心下边缘约7 mm
    settings = doc.settings.element
    if look.mirror:
        settings.append(OxmlElement("w:mirrorMargins"))
    upd = OxmlElement("w:updateFields")  # Word offers to fill the TOC field on opening
    upd.set(_qn("w:val"), "true")
    settings.append(upd)
    # document defaults: no theme fonts anywhere; Chinese text marked as Chinese
    strip_theme_fonts(doc.styles.element)
    set_languages(doc, en)

    body = look.body_en if en else look.body
    line = look.line_pt(en)
    set_font(doc.styles["Normal"], body[0], size=body[1])
    pf = doc.styles["Normal"].paragraph_format
    if line:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line)
        pf.space_after = Pt(EN_PARA_AFTER_PT if en else 0)
    else:
        pf.line_spacing = 1.4
    set_font(doc.styles["Title"], look.title[0], size=look.title[1], bold=False)
    # 黑体/楷体 carry a Chinese heading by their shape; Latin text falls back to Times New Roman, where an
    # unbolded heading looked like body text to an English reader, so English headings are bold
    set_font(doc.styles["Heading 1"], look.h1[0], size=look.h1[1], bold=en)
    set_font(doc.styles["Heading 2"], look.h2[0], size=look.h2[1], bold=en)
    # third level (“1．公共服务” in 对策建议): the body's font (GB/T 9704-2012 7.3.3: third level in 仿宋), bold
    # to set it off, black; the template's own Heading 3 printed it in Word's theme blue (4F81BD)
    set_font(doc.styles["Heading 3"], body[0], size=body[1], bold=True)
    for name in ("Title", "Heading 1", "Heading 2"):
        st = doc.styles[name]
        st.paragraph_format.keep_with_next = True
        if line:
            st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            st.paragraph_format.line_spacing = Pt(max(line, (st.font.size.pt if st.font.size else 16) * 1.3))
        # the template's Title has a bottom border and spacing meant for Latin text
        ppr = st.element.pPr
        if ppr is not None:
            for b in ppr.findall(_qn("w:pBdr")):
                ppr.remove(b)
    set_font(doc.styles["Caption"], look.caption[0], size=look.caption[1], bold=False)
    cap = doc.styles["Caption"]
    cap.paragraph_format.space_before = Pt(6)
    cap.paragraph_format.space_after = Pt(4)
    cap.paragraph_format.keep_with_next = True
    cap.font.italic = False
    if line:
        cap.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    table_text = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = doc.styles["Normal"]
    set_font(table_text, look.table[0], size=look.table[1])
    table_text.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.first_line_indent = Pt(0)
    grid = doc.styles["Table Grid"]
    set_font(grid, look.table[0], size=look.table[1])  # table cells without per-paragraph styles (fast)
    grid.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    grid.paragraph_format.space_after = Pt(0)
    grid.paragraph_format.first_line_indent = Pt(0)
    add_page_numbers(doc, look, cover=True)  # the report's first page is its cover
    return look


def field_runs(instr: str, placeholder: str = "") -> list:
    """The runs (``w:r``) of a complex field (PAGE, PAGEREF, …): begin (marked dirty, so Word and WPS update it
    on opening), the instruction, separate, the result shown until then (``placeholder``), end."""
    from docx.oxml import OxmlElement

    def run(child):
        r = OxmlElement("w:r")
        r.append(child)
        return r

    def fld(kind: str):
        el = OxmlElement("w:fldChar")
        el.set(_qn("w:fldCharType"), kind)
        return el

    begin = fld("begin")
    begin.set(_qn("w:dirty"), "true")
    it = OxmlElement("w:instrText")
    it.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    it.text = f" {instr} "
    shown = OxmlElement("w:t")
    shown.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    shown.text = placeholder
    return [run(begin), run(it), run(fld("separate")), run(shown), run(fld("end"))]


def _field(paragraph, instr: str, placeholder: str = "") -> None:
    """A complex field (:func:`field_runs`) at the end of ``paragraph``."""
    for r in field_runs(instr, placeholder):
        paragraph._p.append(r)


def _page_no_paragraph(paragraph, look: DocxLook, align) -> None:
    from docx.shared import Pt

    paragraph.alignment = align
    pf = paragraph.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.space_after = Pt(0)
    if look.page_no_dashes:
        pf.left_indent = pf.right_indent = Pt(look.page_no[1])  # 空一字
    paragraph.add_run("— " if look.page_no_dashes else "")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" —" if look.page_no_dashes else "")
    for r in paragraph.runs:
        r.font.size = Pt(look.page_no[1])
        r.font.name = "Times New Roman"
        set_east_asian_font(r._r.get_or_add_rPr(), look.page_no[0])


def add_page_numbers(doc, look: DocxLook, cover: bool = False) -> None:
    """Footer page numbers: “— 1 —”, odd pages right and even pages left (gbt9704); centred (plain).  ``cover``:
    the first page is a cover and carries no number (Word's "different first page": its footer stays empty; the
    sections started later turn it off again, :func:`landscape_section`); the count still starts there."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    sect = doc.sections[0]
    sect.different_first_page_header_footer = cover
    if look.page_no_dashes:
        doc.settings.odd_and_even_pages_header_footer = True
        _page_no_paragraph(sect.footer.paragraphs[0], look, WD_ALIGN_PARAGRAPH.RIGHT)
        _page_no_paragraph(sect.even_page_footer.paragraphs[0], look, WD_ALIGN_PARAGRAPH.LEFT)
    else:
        _page_no_paragraph(sect.footer.paragraphs[0], look, WD_ALIGN_PARAGRAPH.CENTER)


def text_width_mm(section) -> float:
    """Width of the text block of a section in mm (page width minus both side margins)."""
    return (section.page_width - section.left_margin - section.right_margin) / 36000


def _section_breaks(body) -> list:
    """The paragraphs of ``body`` that end a section (``w:p/w:pPr/w:sectPr``), in order."""
    return [el for el in body.iterchildren() if el.tag == _qn("w:p")
            and el.find(f"{_qn('w:pPr')}/{_qn('w:sectPr')}") is not None]


def _holds_nothing(el) -> bool:
    """A paragraph that prints nothing on a page of its own: a heading (it moves with what follows) or empty."""
    if el.tag != _qn("w:p"):
        return False
    ps = el.find(f"{_qn('w:pPr')}/{_qn('w:pStyle')}")
    if ps is not None and ps.get(_qn("w:val"), "").startswith("Heading"):
        return True
    return not "".join(el.itertext()).strip() and el.find(f".//{_qn('w:drawing')}") is None


# text (characters, as Word XML holds them) between two wide tables that stays on their landscape pages, with the
# table it discusses, rather than printing on portrait pages of its own: what it left over on its last portrait
# page sat alone before the next landscape table (the English report's page 34: three lines of the districts'
# comparison after the wide table of indicators by district, 7,170 characters; issue 11)
LANDSCAPE_LEAD_MAX = 300  # characters of the paragraphs between a heading and its wide table that go with both
# onto the landscape page
LANDSCAPE_TEXT_MAX = 8000


def _plain_text(el) -> bool:
    """A paragraph of text (no table, no picture, no section break of its own)."""
    return el.tag == _qn("w:p") and el.find(f".//{_qn('w:drawing')}") is None \
        and el.find(f"{_qn('w:pPr')}/{_qn('w:sectPr')}") is None


def reopen_landscape(doc) -> bool:
    """Go on in the landscape section just closed instead of starting another, when the portrait section
    after it holds nothing but headings, empty paragraphs and at most :data:`LANDSCAPE_TEXT_MAX` characters of
    text (two wide tables in a row, a wide table ending one chapter and another opening the next, or a few
    paragraphs between two wide tables): that portrait section would print as an empty page between two
    landscape ones, or leave its last lines alone on a near-empty one (issue 11: no near-empty pages).  True
    when done."""
    body = doc.element.body
    breaks = _section_breaks(body)
    if not breaks:
        return False
    brk = breaks[-1]
    closed = brk.find(f"{_qn('w:pPr')}/{_qn('w:sectPr')}")
    size = closed.find(_qn("w:pgSz"))
    if size is None or int(size.get(_qn("w:w"), 0)) <= int(size.get(_qn("w:h"), 0)):
        return False
    sentinel = body.find(_qn("w:sectPr"))
    after = [el for el in brk.itersiblings() if el is not sentinel]
    if sentinel is None or not all(_holds_nothing(el) or _plain_text(el) for el in after) \
            or sum(len("".join(el.itertext())) for el in after) > LANDSCAPE_TEXT_MAX:
        return False
    sentinel.addprevious(closed)  # the landscape section's properties now end the document
    body.remove(sentinel)
    body.remove(brk)
    return True


def landscape_section(doc, on: bool) -> None:
    """Start a new section in landscape (``on``) or back in portrait, same margins turned with the page;
    a landscape section just closed goes on instead when nothing printed came since (:func:`reopen_landscape`)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    if on and reopen_landscape(doc):
        return
    prev = doc.sections[-1]
    s = doc.add_section(WD_SECTION.NEW_PAGE)
    s.different_first_page_header_footer = False  # only the cover goes unnumbered (add_page_numbers)
    w, h = prev.page_width, prev.page_height
    if on != (w > h):
        s.page_width, s.page_height = h, w
    s.orientation = WD_ORIENT.LANDSCAPE if on else WD_ORIENT.PORTRAIT
    if on:  # the headings just before the break (a chapter's and its first sub-heading) go with the table
        body = doc.element.body  # onto the landscape page, never left alone at the foot of the portrait one,
        brk = _section_breaks(body)[-1]  # and so do the short lines introducing it under the last heading
        trail, el, lead = [], brk.getprevious(), 0  # (“Rectification ledger / 18 open item(s), 18 overdue.”
        while el is not None and el.tag == _qn("w:p"):  # alone on page 59 of the English report, session 30)
            ps = el.find(f"{_qn('w:pPr')}/{_qn('w:pStyle')}")
            heading = ps is not None and ps.get(_qn("w:val"), "").startswith("Heading")
            lead += 0 if heading else len("".join(el.itertext()))
            if lead > LANDSCAPE_LEAD_MAX:
                break
            trail.append((el, heading))
            el = el.getprevious()
        last_heading = max((k for k, (_, h) in enumerate(trail) if h), default=-1)
        for el, _ in trail[:last_heading + 1]:
            brk.addnext(el)

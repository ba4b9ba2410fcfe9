"""The report's table of contents, in one place for every writer.

* HTML: :func:`toc_entries` — (anchor, title) of the 摘要 and the nine chapters; the template links
  them (``<a href="#sec-4">``) and, in print (PDF, WeasyPrint), prints their page numbers with
  ``target-counter``; PDF bookmarks come from the h1–h3 headings.
* DOCX: :func:`add_docx_toc` places the 目录 on its own page and :func:`fill_docx_toc` writes its entries
  (headings 1–2, each linked to its heading with a PAGEREF page number) as the stored result of a real TOC
  field, so a file printed as it is never shows an empty TOC, and Word and WPS fill the page numbers when
  they update fields.
"""

from __future__ import annotations

from .labels import label


def section_anchor(i: int) -> str:
    """The HTML id of chapter ``i`` (1-based): ``sec-1`` … ``sec-9``."""
    return f"sec-{i}"


def toc_entries(section_titles: list, summary_title: str | None = None) -> list[tuple[str, str]]:
    """(anchor, title) per entry: the summary (``summary``) then each chapter."""
    out = [("summary", summary_title)] if summary_title else []
    return out + [(section_anchor(i + 1), t) for i, t in enumerate(section_titles)]


TOC_LEVELS = 2          # headings 1–2 in the Word 目录
TOC_INDENT_PT = 21       # a level-2 entry is indented by about two characters
TOC_LINE_PT = 22         # line height of an entry (exact; the GB/T body line is 28 pt)
TOC_BOOKMARK = "_Toc{:05d}"  # Word's own bookmark names for TOC targets


def add_docx_toc(doc, lang: str = "zh"):
    """Append a centred "目录" title (on a page of its own after the cover) and the paragraph that will hold
    its first entry; returns that paragraph for :func:`fill_docx_toc`, called once every heading is written."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    t = doc.add_paragraph(label("heading.toc", lang))
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    t.paragraph_format.first_line_indent = 0  # the body style's 2-character indent would shift a centred title
    t.paragraph_format.page_break_before = True  # the cover keeps its own page, as in the HTML/PDF
    if t.runs:
        t.runs[0].bold = True
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = 0
    return p


def _run(*children, text: str | None = None):
    """A w:r holding ``children`` (field characters, instruction text, a tab) or a text."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r = OxmlElement("w:r")
    for c in children:
        r.append(c)
    if text is not None:
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
    return r


def _bookmark(paragraph, name: str, ident: int) -> None:
    """Wrap the runs of ``paragraph`` in bookmark ``name`` (the target of a TOC entry's link and page ref)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(ident))
    ppr = paragraph._p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)


def _heading_level(paragraph) -> int:
    """1 or 2 for a "Heading 1"/"Heading 2" paragraph, else 0."""
    name = paragraph.style.name if paragraph.style is not None else ""
    if name.startswith("Heading ") and name[8:].isdigit() and int(name[8:]) <= TOC_LEVELS:
        return int(name[8:])
    return 0


def fill_docx_toc(doc, holder, lang: str = "zh") -> int:
    """Fill the 目录 in ``holder`` (from :func:`add_docx_toc`): one paragraph per heading 1–2, its title as a
    link to a bookmark on the heading, a dotted tab and a PAGEREF field for the page number.

    Rule: the 目录 must show every entry when the file is opened or printed as it is (a leader printing the
    report saw an empty TOC field until Word or WPS had run "update field").  The entries are therefore
    written out as the stored result of a real TOC field (:func:`_wrap_in_toc_field`), which Word and WPS
    rebuild when they update fields on opening (``w:updateFields``, set by
    :func:`report.writers.docx_style.apply_look`; the field is also marked dirty) and which "Update table"
    rebuilds after the headings are edited.  LibreOffice shows a TOC field's stored result as it is: the
    entries, without page numbers until Tools → Update → Update All (checked with LibreOffice 7; outside a
    TOC field it computed the PAGEREF numbers, but then Word's "Update table" had nothing to rebuild).  Field layout: ECMA-376
    Part 1, 17.16.5.45 (PAGEREF) and 17.16.18 (complex fields).  Returns the number of entries."""
    from docx.enum.text import WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from .writers.docx_style import field_runs

    section = doc.sections[0]
    right = section.page_width - section.left_margin - section.right_margin
    heads = [(p, _heading_level(p)) for p in doc.paragraphs]
    heads = [(p, lv) for p, lv in heads if lv and p.text.strip()]
    if not heads:  # nothing to list: the field alone, for Word or WPS to fill
        _wrap_in_toc_field(holder, holder, label("text.toc_update_hint", lang))
        return 0
    para = holder
    for i, (p, lv) in enumerate(heads):
        name = TOC_BOOKMARK.format(i + 1)
        _bookmark(p, name, 1000 + i)
        if i:
            para = _insert_after(para)
        pf = para.paragraph_format
        pf.first_line_indent = Pt(0)
        pf.left_indent = Pt(TOC_INDENT_PT * (lv - 1))
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(TOC_LINE_PT)  # every entry of the demo's 27 on the 目录 page
        pf.tab_stops.add_tab_stop(right, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), name)
        link.set(qn("w:history"), "1")
        for r in (_run(text=p.text.strip()), _run(OxmlElement("w:tab")), *field_runs(f"PAGEREF {name} \\h")):
            link.append(r)
        para._p.append(link)
    _wrap_in_toc_field(holder, para)
    return len(heads)


TOC_FIELD = 'TOC \\o "1-{levels}" \\h \\z \\u'  # Word's own: headings 1–n, linked, no page numbers on the web


def _wrap_in_toc_field(first, last, placeholder: str = "") -> None:
    """Make the paragraphs ``first``…``last`` the stored result of a real TOC field (issues 10/11: "DOCX: a real
    TOC field that Word/WPS update"): begin, instruction and separate open ``first`` (after its properties), end
    closes ``last`` — the layout Word itself writes (ECMA-376 Part 1, 17.16.5.68 TOC; 17.16.18 complex fields).
    The field is marked dirty, so Word and WPS rebuild it, page numbers included, when they update fields on
    opening; until then, and in LibreOffice (which keeps a TOC field's stored result as it is, the PAGEREF page
    numbers inside it included), the written-out entries show."""
    from .writers.docx_style import field_runs

    begin, instr, sep, shown, end = field_runs(TOC_FIELD.format(levels=TOC_LEVELS), placeholder)
    ppr = first._p.pPr
    at = (list(first._p).index(ppr) + 1) if ppr is not None else 0
    for k, r in enumerate((begin, instr, sep) + ((shown,) if placeholder else ())):
        first._p.insert(at + k, r)
    last._p.append(end)


def _insert_after(paragraph):
    """A new empty paragraph right after ``paragraph`` (python-docx adds only before)."""
    from docx.oxml import OxmlElement
    from docx.text.paragraph import Paragraph

    new = OxmlElement("w:p")
    paragraph._p.addnext(new)
    return Paragraph(new, paragraph._parent)

"""The report's table of contents, in one place for every writer.

* HTML: :func:`toc_entries` — (anchor, title) of the 摘要 and the nine chapters; the template links
  them (``<a href="#sec-4">``) and, in print (PDF, WeasyPrint), prints their page numbers with
  ``target-counter``; PDF bookmarks come from the h1–h3 headings.
* DOCX: :func:`add_docx_toc` inserts a real Word TOC field (``TOC \\o "1-2" \\h \\z \\u``) that Word
  and WPS fill in when the fields are updated (F9; the document asks on opening).
"""

from __future__ import annotations

TOC_TITLE = {"zh": "目录", "en": "Contents"}
UPDATE_HINT = {"zh": "（目录将在打开文档时更新；如未显示，请右键点击此处选择“更新域”。）",
               "en": "(The table of contents is updated when the document is opened; if not, right-click here and "
                     "choose Update Field.)"}


def section_anchor(i: int) -> str:
    """The HTML id of chapter ``i`` (1-based): ``sec-1`` … ``sec-9``."""
    return f"sec-{i}"


def toc_entries(section_titles: list, summary_title: str | None = None) -> list[tuple[str, str]]:
    """(anchor, title) per entry: the summary (``summary``) then each chapter."""
    out = [("summary", summary_title)] if summary_title else []
    return out + [(section_anchor(i + 1), t) for i, t in enumerate(section_titles)]


def add_docx_toc(doc, lang: str = "zh") -> None:
    """Append a heading-less "目录" title and a TOC field over heading levels 1–2 to a python-docx
    document, and ask Word to update fields when the file is opened."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    t = doc.add_paragraph(TOC_TITLE[lang])
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    t.paragraph_format.first_line_indent = 0  # the body style's 2-character indent would shift a centred title
    if t.runs:
        t.runs[0].bold = True
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = 0
    run = p.add_run()
    parts = [("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None), (None, None), ("end", None)]
    for kind, instr in parts:
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                el.set(qn("w:dirty"), "true")
            run._r.append(el)
        elif instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            run._r.append(el)
        else:
            el = OxmlElement("w:t")
            el.text = UPDATE_HINT[lang]
            run._r.append(el)
    settings = doc.settings.element
    upd = settings.find(qn("w:updateFields"))
    if upd is None:
        upd = OxmlElement("w:updateFields")
        settings.append(upd)
    upd.set(qn("w:val"), "true")

"""The meeting brief on paper (``survey brief --format html,docx,pdf``): 公文-style 工作简报.

Layout (one or two A4 pages): the red 简报 masthead (title, issue line with the office and the
date, a red rule), then the five parts of :class:`report.brief.Brief` under 一、二、… headings —
a compact indicator table against targets, the significant changes, the five most pressing
problems with their responsible units, the lagging districts and the ledger items due — and a
closing line naming the sources.  HTML comes from ``report_templates/brief_zh.html.j2``; the PDF
is that HTML through weasyprint (:func:`report.writers.pdf.write_pdf`); the DOCX is built from the
same records with python-docx (方正小标宋/黑体 headings, 仿宋 body, as the report's Word file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from analysis.indicators import VERDICT_ABOVE, VERDICT_BELOW, VERDICT_NS
from survey.atomic import atomic_write, atomic_write_text
from survey.errors import MinyiError
from survey.waves import format_date

from .brief import CHANGES_NOTE, MAX_CHANGES, MAX_LEDGER, NO_PROBLEMS, Brief
from .labels import label
from .table_cells import text_width
from .tracking_text import fmt_change, fmt_p, fmt_value
from .writers.pdf import write_pdf

BRIEF_FORMATS = ("html", "docx", "pdf")
# every character the template sets in the sans face (h2, th, .unit) besides the units' names
SANS_TEXT = ("一、总体情况二、主要变化三、突出问题及责任单位四、后进区县五、整改台账"
             "指标本期95%置信区间目标判定编号事项责任单位整改时限状态：。（）")
# the HTML class of a verdict cell (the analysis's words: analysis.indicators.VERDICT_*): 达标 green, 未达标 red,
# 无显著差异 its own class in neutral black, as the Word brief prints it (the key was “与目标无显著差异”, a verdict
# the analysis never gives, so 无显著差异 had no class at all); too few answers to judge: WITHHELD_CLASS
VERDICT_CLASS = {VERDICT_ABOVE: "ok", VERDICT_BELOW: "bad", VERDICT_NS: "nodiff"}
WITHHELD_CLASS = "withheld"
# the Word brief's colour of each class, as the template's CSS (brief_zh.html.j2: .ok #006B3C, .bad #C00000,
# .withheld #8A5A00; .nodiff the text's black, no colour set): the Word brief coloured only 未达标 and 逾期, so
# 达标 was not green there as in the HTML and PDF
CLASS_RGB = {"ok": "006B3C", "bad": "C00000", WITHHELD_CLASS: "8A5A00"}


def brief_rows(b: Brief) -> dict:
    """The brief as rows of display strings (shared by HTML and DOCX)."""
    ind = []
    for x in b.indicators:
        # one line per measure shown (BriefIndicator.shown), each with its own CI, target and verdict; the
        # indicator's name on the first (a satisfaction indicator: 满意率 then 指数, the name cell spanning both)
        for k, h in enumerate(x.shown):
            ind.append({"name": x.name if k == 0 else "", "span": len(x.shown) if k == 0 else 0,
                        "value": x.measure_text(h),
                        "ci": f"{fmt_value(h.ci_low, h.percent)}–{fmt_value(h.ci_high, h.percent)}",
                        "target": fmt_value(h.target, h.percent) if h.target is not None else "—",
                        "verdict": h.verdict_text if h.target is not None else "—",
                        "cls": WITHHELD_CLASS if h.withheld else VERDICT_CLASS.get(h.verdict or "", "")})
    changes = [{"text": label("brief.change_up" if c.direction == "up" else "brief.change_down").format(
                    name=c.name, previous=fmt_value(c.previous, c.percent), current=fmt_value(c.current, c.percent),
                    change=fmt_change(c.diff, c.percent), p=fmt_p(c.p)),
                "direction": c.direction} for c in b.changes[:MAX_CHANGES]]
    problems = [{"text": p.text, "unit": p.unit or "（待明确）"} for p in b.problems]
    districts = [{"name": d.district, "sentence": d.sentence()} for d in b.districts]
    ledger = [{"id": it.id, "subject": f"{it.district or '全市'}：{it.subject}", "unit": b.ledger_unit(it),
               "deadline": format_date(it.deadline) if it.deadline else "—", "status": it.status,
               "overdue": it.overdue} for it in b.ledger_due[:MAX_LEDGER]]
    return {"indicators": ind, "changes": changes, "problems": problems, "districts": districts, "ledger": ledger}


def _context(b: Brief) -> dict:
    rows = brief_rows(b)
    return {"b": b, "date": format_date(b.date), "changes_note": CHANGES_NOTE, "no_problems": NO_PROBLEMS,
            "changes_more": b.changes_more(len(rows["changes"])), "ledger_sentence": b.ledger_sentence(len(rows["ledger"])),
            **rows}


def render_brief_html(b: Brief) -> str:
    """The brief as one HTML page (fonts embedded for exactly the characters used)."""
    from importlib.resources import files

    import jinja2

    from .fonts import font_face_css

    # not report.render's environment: importing report.render loads matplotlib (a second of the brief's time)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(files("report_templates"))), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    ctx = _context(b)
    html = env.get_template("brief_zh.html.j2").render(**ctx)
    if "/*FONTFACE*/" in html:
        # the sans face (黑体) sets only headings, table heads and the responsible units: subsetting it
        # to those characters instead of the whole page halves the time the brief takes
        sans = SANS_TEXT + "".join(p["unit"] for p in ctx["problems"])
        css = font_face_css(sans, kind="sans") + "\n" + font_face_css(html, kind="serif")
        html = html.replace("/*FONTFACE*/", css, 1)
    return html


# the title's width in the Word brief: 18 pt characters on the 15.8 cm text line (a half-width digit is half a character)
TITLE_EM = 24
# the Word brief's table text (小五, 9 pt, as the HTML's 12.5 px): at 10.5 pt its dates, units and 编号 broke in two
# and the brief ran to three pages
TABLE_PT = 9


def title_lines(b: Brief, room_em: float) -> list[str]:
    """The brief's title as printed lines: one when it fits ``room_em`` characters, else the wave's label on a line
    of its own and the survey on the next (2026年第三季度 / 创建全国文明城市…调查情况), not cut inside a word
    ("…热点问题调 / 查情况", as Word wraps a CJK line at any character)."""
    if text_width(b.title) / 2 <= room_em or not b.title.startswith(b.wave_label) or b.title == b.wave_label:
        return [b.title]
    return [b.wave_label, b.title[len(b.wave_label):]]


def write_brief_docx(b: Brief, path: Path) -> None:
    """The brief as a Word file in 公文 style (red masthead, 黑体 headings, 仿宋 body, 宋体 tables)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor
    from docx.text.paragraph import Paragraph

    from .writers.docx import keep_table_together
    from .writers.docx_lines import cell_lines
    from .writers.docx_style import LOOKS, add_page_numbers, set_east_asian_font, set_font, set_languages

    red = RGBColor(0xC0, 0, 0)
    doc = Document()
    set_languages(doc, en=False)  # the brief is Chinese
    sect = doc.sections[0]
    sect.page_width, sect.page_height = Cm(21.0), Cm(29.7)
    sect.left_margin = sect.right_margin = Cm(2.6)
    sect.top_margin, sect.bottom_margin = Cm(2.5), Cm(2.2)

    def font(run, east: str, size: float, bold: bool = False, color=None):
        run.font.name = "Times New Roman"
        run.font.size = Pt(size)
        run.font.bold = bold
        if color is not None:
            run.font.color.rgb = color
        set_east_asian_font(run._element.get_or_add_rPr(), east)

    def para(text: str = "", east: str = "仿宋", size: float = 14, bold=False, color=None, align=None,
             indent: bool = True, after: float = 0):
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(after)
        p.paragraph_format.space_before = Pt(0)
        p.paragraph_format.line_spacing = Pt(size * 1.4)
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        if text:
            font(p.add_run(text), east, size, bold, color)
        return p

    para("工 作 简 报", "宋体", 30, True, red, WD_ALIGN_PARAGRAPH.CENTER, False, 4)
    para(f"（{b.wave_label}）", "楷体", 14, False, None, WD_ALIGN_PARAGRAPH.CENTER, False, 6)
    p = para("", indent=False)
    font(p.add_run(b.org), "仿宋", 14)
    font(p.add_run("\t" + b.date.strftime("%Y年%-m月%-d日")), "仿宋", 14)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(15.8), alignment=2)  # right
    pbdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", "18"), ("space", "4"), ("color", "C00000")):
        bottom.set(qn(f"w:{k}"), v)
    pbdr.append(bottom)
    p._p.get_or_add_pPr().append(pbdr)
    head = para("", "宋体", 18, True, None, WD_ALIGN_PARAGRAPH.CENTER, False, 8)
    for k, line in enumerate(title_lines(b, TITLE_EM)):
        if k:
            head.runs[-1].add_break()  # the second line starts on its own (a line break, one paragraph)
        font(head.add_run(line), "宋体", 18, True)
    rows = brief_rows(b)

    set_font(doc.styles["Heading 1"], "黑体", size=14, bold=False)  # black, theme fonts stripped (issue 11)
    add_page_numbers(doc, LOOKS["gbt9704"])  # “— 1 —” as the report's (GB/T 9704-2012 7.5)

    def heading(text: str):
        """A first-level heading as a Word heading (navigation pane, outline): a 2-page brief had
        plain paragraphs in 黑体 that Word did not know as headings."""
        p = para(text, "黑体", 14, indent=True)
        p.style = doc.styles["Heading 1"]
        p.paragraph_format.space_before = Pt(0)
        p.paragraph_format.keep_with_next = True

    def colour(cls: Optional[str]):
        """The RGB colour of an HTML class (CLASS_RGB), None for the text's black."""
        return RGBColor.from_string(CLASS_RGB[cls]) if cls in CLASS_RGB else None

    def table(header: Sequence[str], body: list, widths: Sequence[float], spans: Optional[Sequence[int]] = None,
              classes: Optional[Sequence[str]] = None):
        """``classes``: per body row, the HTML class of its last cell (the verdict, the ledger's status)."""
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for j, h in enumerate(header):
            c = t.rows[0].cells[j]
            c.text = ""
            font(c.paragraphs[0].add_run(h), "黑体", TABLE_PT)
            c.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for i, r in enumerate(body):
            cells = t.add_row().cells
            for j, v in enumerate(r):
                cells[j].text = ""
                # broken between words where the word processor would split one (“（满 / 意率）”), as the report's cells
                first, *more = cell_lines(str(v), widths[j], TABLE_PT)
                run = cells[j].paragraphs[0].add_run(first)
                for line in more:
                    run.add_break()
                    run.add_text(line)
                font(run, "宋体", TABLE_PT, color=colour(classes[i]) if classes and j == len(r) - 1 else None)
                cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT if j == 0 else WD_ALIGN_PARAGRAPH.CENTER
        for i, n in enumerate(spans or ()):  # a first cell spanning the rows of its measures (an indicator's name)
            if n > 1:
                top = t.rows[i + 1].cells[0]
                top.merge(t.rows[i + n].cells[0])
                for extra in top.paragraphs[1:]:  # merging keeps the empty cells' paragraphs: drop them
                    extra._p.getparent().remove(extra._p)
        t.autofit = False  # fixed column widths (Word and LibreOffice read the grid and the cells)
        for j, w in enumerate(widths):
            t.columns[j].width = Cm(w)
        for row in t.rows:
            for j, w in enumerate(widths):
                row.cells[j].width = Cm(w)
        hdr = OxmlElement("w:tblHeader")  # the header row repeats on a next page
        hdr.set(qn("w:val"), "true")
        t.rows[0]._tr.get_or_add_trPr().append(hdr)
        keep_table_together(t, len(body), False, keep_whole=len(body))  # a brief's table is never split
        if t._tbl.getprevious() is not None:  # the sentence introducing the table goes with it
            Paragraph(t._tbl.getprevious(), doc._body).paragraph_format.keep_with_next = True

    heading("一、总体情况")
    para(b.lead())
    table(["指标", "本期", "95%置信区间", "目标", "判定"],
          [[r["name"], r["value"], r["ci"], r["target"], r["verdict"]]
           for r in rows["indicators"]], [5.3, 3.6, 2.8, 1.6, 2.5],  # 12-character names on one line
          spans=[r["span"] for r in rows["indicators"]], classes=[r["cls"] for r in rows["indicators"]])
    heading("二、主要变化")
    if b.previous_label is None:
        para("本期为首期调查，暂无比较。")
    elif not rows["changes"]:
        para(f"与{b.previous_label}相比，各项指标均无显著变化。")
    for k, c in enumerate(rows["changes"], start=1):  # the HTML's coloured arrow: ↑ green, ↓ red
        p = para(f"{k}. ")
        up = c["direction"] == "up"
        font(p.add_run("↑" if up else "↓"), "仿宋", 14, color=colour("ok" if up else "bad"))
        font(p.add_run(f" {c['text']}。"), "仿宋", 14)
    if b.changes_more(len(rows["changes"])):
        para(b.changes_more(len(rows["changes"])))
    if rows["changes"]:
        para(CHANGES_NOTE)
    heading("三、突出问题及责任单位")
    if not rows["problems"]:
        para(NO_PROBLEMS)
    for k, pr in enumerate(rows["problems"], start=1):
        p = para(f"{k}. {pr['text']}。")
        font(p.add_run(f"责任单位：{pr['unit']}。"), "楷体", 14)
    heading("四、后进区县")
    if not rows["districts"]:
        para(b.districts_none_text)
    for d in rows["districts"]:
        para(d["sentence"])
    if rows["districts"] and b.districts_note:
        para(b.districts_note)
    heading("五、整改台账")
    para(b.ledger_sentence(len(rows["ledger"])))
    if rows["ledger"]:
        table(["编号", "事项", "责任单位", "整改时限", "状态"],
              [[r["id"], r["subject"], r["unit"], r["deadline"], "逾期" if r["overdue"] else r["status"]]
               for r in rows["ledger"]], [1.6, 6.0, 3.7, 2.9, 1.6],
              classes=["bad" if r["overdue"] else "" for r in rows["ledger"]])
    para(b.source_note, "仿宋", 10.5, indent=False).paragraph_format.space_before = Pt(8)  # as the HTML's closing line
    atomic_write(path, lambda tmp: doc.save(str(tmp)))


def write_brief(b: Brief, out_dir: Path, formats: Sequence[str] = BRIEF_FORMATS,
                stem: Optional[str] = None) -> dict:
    """Write the brief in ``formats`` into the folder ``out_dir`` (created when missing; existing files of the
    same names are replaced, as the report's) as ``brief_<wave>.<ext>``; returns {format: path}."""
    bad = [f for f in formats if f not in BRIEF_FORMATS]
    if bad:
        raise MinyiError.of("unknown-brief-format", format=bad[0], choices=", ".join(BRIEF_FORMATS))
    from survey.atomic import make_dir

    make_dir(out_dir)  # --out is a folder, as for survey report: an existing file there is one message
    stem = stem or f"brief_{b.wave}"
    paths: dict = {}
    html = render_brief_html(b) if ("html" in formats or "pdf" in formats) else None
    if "html" in formats:
        paths["html"] = out_dir / f"{stem}.html"
        atomic_write_text(paths["html"], html)
    if "docx" in formats:
        paths["docx"] = out_dir / f"{stem}.docx"
        write_brief_docx(b, paths["docx"])
    if "pdf" in formats:
        paths["pdf"] = out_dir / f"{stem}.pdf"
        write_pdf(html, paths["pdf"])
    return paths


__all__ = ["BRIEF_FORMATS", "brief_rows", "render_brief_html", "write_brief_docx", "write_brief"]

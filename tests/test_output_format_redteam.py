"""The report files as their readers receive them (Word printed by a leader, Excel opened by an analyst):
a 目录 with its entries before any field update, tables and figures that do not break badly across
pages, short names never wrapped, the export files free of formulas.  One demo report (``survey demo``)
is read back with python-docx / openpyxl / the DOCX XML."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from shared_demo import demo_copy

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_copy(tmp_path_factory, "outfmt")


def _body(path):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml")).find(f"{W}body")


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def _style(p) -> str:
    ps = p.find(f"{W}pPr/{W}pStyle")
    return ps.get(f"{W}val") if ps is not None else ""


def _wlen(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


# ----------------------------------------------------------------------------- 目录
def test_docx_toc_lists_every_heading_before_any_field_update(demo):
    """The 目录 holds one entry per heading 1–2 as written text (not only a TOC field whose stored result
    was a hint: a leader printing the file saw an empty 目录), on a page of its own after the cover; each
    entry links to a bookmark on its heading and carries a PAGEREF field for the page number; the entries are
    the stored result of a real TOC field that Word and WPS rebuild (issues 10 and 11)."""
    body = _body(demo / "report.docx")
    paras = list(body.iter(f"{W}p"))
    title = next(i for i, p in enumerate(paras) if _text(p).strip() == "目录")
    assert paras[title].find(f"{W}pPr/{W}pageBreakBefore") is not None  # the cover keeps its page
    first_h1 = next(i for i, p in enumerate(paras) if _style(p) == "Heading1")
    entries = [p for p in paras[title + 1:first_h1] if _text(p).strip()]
    heads = [p for p in paras if _style(p) in ("Heading1", "Heading2") and _text(p).strip()]
    assert len(heads) >= 10
    assert [_text(e).strip() for e in entries] == [_text(h).strip() for h in heads]
    assert not any("更新域" in _text(p) for p in paras)
    marks = {b.get(f"{W}name"): h for h in heads for b in h.iter(f"{W}bookmarkStart")}
    for e in entries:
        link = e.find(f"{W}hyperlink")
        target = link.get(f"{W}anchor")
        assert target in marks and _text(marks[target]).strip() == _text(e).strip()
        instr = "".join(t.text for t in e.iter(f"{W}instrText"))
        assert f"PAGEREF {target}" in instr
    # and the entries are the stored result of a real TOC field (issues 10/11), which Word/WPS rebuild
    first_runs = [r for r in entries[0] if r.tag == f"{W}r"][:3]
    kinds = [r.find(f"{W}fldChar").get(f"{W}fldCharType") if r.find(f"{W}fldChar") is not None else
             r.find(f"{W}instrText").text.strip() for r in first_runs]
    assert kinds == ["begin", 'TOC \\o "1-2" \\h \\z \\u', "separate"], kinds
    last = [r for r in entries[-1] if r.tag == f"{W}r"][-1]
    assert last.find(f"{W}fldChar").get(f"{W}fldCharType") == "end"
    fields = [f.get(f"{W}fldCharType") for p in paras for f in p.iter(f"{W}fldChar")]
    assert fields.count("begin") == fields.count("end")


# ----------------------------------------------------------------------------- page breaks
def test_docx_table_rows_never_split_and_header_keeps_with_rows(demo):
    """Every row of every report table is kept on one page (cantSplit); the header row is never left alone
    at a page foot (its paragraphs keep with the next row, and so do the first body rows); a table of at
    most KEEP_WHOLE_ROWS body rows is kept whole; the caption above keeps with the table."""
    from report.writers.docx import KEEP_FIRST_ROWS, KEEP_WHOLE_ROWS

    body = _body(demo / "report.docx")

    def keeps(tr) -> bool:
        ps = list(tr.iter(f"{W}p"))
        return bool(ps) and all(p.find(f"{W}pPr/{W}keepNext") is not None for p in ps)

    n_tables = 0
    for tbl in body.iter(f"{W}tbl"):
        rows = tbl.findall(f"{W}tr")
        if rows[0].find(f"{W}trPr/{W}tblHeader") is None:
            continue  # the draft's placeholder box, not a report table
        n_tables += 1
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        n_body = len(rows) - 1
        upto = n_body if n_body <= KEEP_WHOLE_ROWS else KEEP_FIRST_ROWS
        assert all(keeps(r) for r in rows[:upto]), _text(rows[0])
        cap = tbl.getprevious()
        assert _style(cap) == "Caption"
    assert n_tables > 40


def test_docx_short_text_columns_are_not_wrapped(demo):
    """A text column whose longest value is a short word (区县 names, 达标, at most 4 Chinese characters) is
    at least as wide as that word in the table font plus the cell margins: “西城区” was printed as “西城/区”
    in the 区县问题清单."""
    from docx import Document

    from report.writers.table_width import SHORT_TEXT

    doc = Document(str(demo / "report.docx"))
    pt = doc.styles["Table Text"].font.size.pt
    margin_tw = 2 * 108  # Word's default cell margins, 0.19 cm each side
    checked = 0
    for t in doc.tables:
        if len(t.rows) < 2 or len(t.columns) < 2:
            continue
        grid = [int(g.get(f"{W}w")) for g in t._tbl.tblGrid.iter(f"{W}gridCol")]
        for j in range(len(grid)):
            vals = [r.cells[j].text for r in t.rows[1:]]
            longest = max((_wlen(v) for v in vals), default=0)
            if not 0 < longest <= SHORT_TEXT or any(any(c.isdigit() for c in v) for v in vals):
                continue
            checked += 1
            assert grid[j] >= longest / 2 * pt * 20 + margin_tw, (t.rows[0].cells[j].text, vals[:3], grid[j])
    assert checked > 20


def test_docx_figure_room_holds_chapter_heading_subheading_and_caption():
    """The tallest figure is scaled to the text block's height less FIG_ROOM_CM; that room must hold a
    chapter heading, a sub-heading and the caption under the figure in both Word looks (their spacing and
    line height from the styles, a single line at 1.5 × the font size).  With 2.5 cm the IPA chart's
    caption went onto the next page in LibreOffice."""
    from docx import Document

    from report.writers.docx import FIG_ROOM_CM
    from report.writers.docx_style import STYLES, apply_look

    def height_pt(style) -> float:
        pf = style.paragraph_format
        size = style.font.size.pt if style.font.size else 12
        line = pf.line_spacing.pt if hasattr(pf.line_spacing, "pt") else size * 1.5
        before = pf.space_before.pt if pf.space_before is not None else 0
        after = pf.space_after.pt if pf.space_after is not None else 0
        return before + max(line, size * 1.5) + after

    for look in STYLES:
        doc = Document()
        apply_look(doc, look, False)
        need_pt = sum(height_pt(doc.styles[n]) for n in ("Heading 1", "Heading 2", "Caption"))
        assert FIG_ROOM_CM >= need_pt / 72 * 2.54, (look, need_pt / 72 * 2.54)


# ----------------------------------------------------------------------------- XLSX
def _col_width(ws, j: int) -> float:
    from openpyxl.utils import get_column_letter

    d = ws.column_dimensions.get(get_column_letter(j))
    return d.width if d is not None and d.width else 8.43


def test_xlsx_sheets_print_on_a4_fitted_to_width(demo):
    """Every sheet of report.xlsx prints on A4, one page wide, landscape when its columns are wider than a
    portrait page (the default print setup cut the wide tables over several pages across)."""
    from openpyxl import load_workbook

    from report.writers.xlsx_cells import PORTRAIT_UNITS

    wb = load_workbook(demo / "report.xlsx")
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert str(ps.paperSize) == str(ws.PAPERSIZE_A4) and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (str(ps.fitToWidth), str(ps.fitToHeight)) == ("1", "0"), ws.title
        used = sum(_col_width(ws, j) for j in range(1, ws.max_column + 1))
        assert ps.orientation == ("landscape" if used > PORTRAIT_UNITS else "portrait"), (ws.title, used)


def test_xlsx_no_text_runs_past_its_cell_or_the_sheet(demo):
    """A text wider than its column (or its merged span) wraps, or, in column A, has empty cells to its
    right wide enough to show it over them within the sheet's used columns: a 138-character finding in an
    8-unit column was cut off on screen and in print."""
    from openpyxl import load_workbook

    wb = load_workbook(demo / "report.xlsx")
    checked = 0
    for ws in wb.worksheets:
        spans = {(m.min_row, m.min_col): (m.min_col, m.max_col) for m in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str) or c.row == 1:
                    continue
                checked += 1
                a, b = spans.get((c.row, c.column), (c.column, c.column))
                room = sum(_col_width(ws, j) for j in range(a, b + 1))
                need = _wlen(c.value)
                if need <= room + 1 or c.alignment.wrap_text:
                    continue
                right = [ws.cell(c.row, j).value for j in range(b + 1, ws.max_column + 1)]
                overflow = sum(_col_width(ws, j) for j in range(a, ws.max_column + 1))
                assert c.column == 1 and not any(v is not None for v in right) and need <= overflow + 1, \
                    (ws.title, c.coordinate, c.value[:30], need, room)
    assert checked > 500


def test_docx_cover_title_on_one_line_when_it_nearly_fits(demo):
    """The demo's 22-character title at the look's 22 pt is wider than the 156 mm text block, and the word
    processor broke it inside a word (“……调查分 / 析报告”); it is set just small enough (not under 18 pt)
    to stay on one line."""
    from docx import Document

    from report.writers.docx import TITLE_MIN_PT

    doc = Document(str(demo / "report.docx"))
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    sec = doc.sections[0]
    width_pt = (sec.page_width - sec.left_margin - sec.right_margin) / 12700
    size = max((r.font.size or doc.styles["Title"].font.size).pt for r in title.runs)
    assert TITLE_MIN_PT <= size and _wlen(title.text) / 2 * size <= width_pt, (size, title.text)


# ----------------------------------------------------------------------------- the meeting brief
def test_brief_docx_tables_stay_whole_and_names_fit(demo):
    """The brief's two tables (indicators, ledger items due) repeat their header, never split a row and are
    kept on one page with the sentence before them; the indicator column is wide enough for the longest
    name at 10.5 pt (“干部作风与行政效能满意度” wrapped in a 4.6 cm column)."""
    from docx import Document

    path = next(demo.glob("brief_*.docx"))
    doc = Document(str(path))
    assert doc.tables
    for t in doc.tables:
        rows = t._tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        assert all(p.find(f"{W}pPr/{W}keepNext") is not None for r in rows[:-1] for p in r.iter(f"{W}p"))
        assert t._tbl.getprevious().find(f"{W}pPr/{W}keepNext") is not None
    ind = doc.tables[0]
    grid = [int(g.get(f"{W}w")) for g in ind._tbl.tblGrid.iter(f"{W}gridCol")]
    longest = max(_wlen(r.cells[0].text) for r in ind.rows[1:])
    assert grid[0] >= longest / 2 * 10.5 * 20 + 2 * 108, (grid[0], longest)


def test_docx_tables_with_several_long_text_columns_get_room(demo):
    """A table is never laid out with two or more long text columns squeezed below TEXT_COMFORT_CM (about
    seven characters a line): such a table goes onto a landscape page.  The 区县问题清单 printed 指标, 问题 and
    责任单位 four characters wide on five lines in portrait."""
    from docx import Document

    from report.writers.table_width import TEXT_COMFORT_CM

    doc = Document(str(demo / "report.docx"))
    comfort_tw = TEXT_COMFORT_CM / 2.54 * 1440
    checked = 0
    for t in doc.tables:
        if len(t.rows) < 2 or len(t.columns) < 2:
            continue
        checked += 1
        grid = [int(g.get(f"{W}w")) for g in t._tbl.tblGrid.iter(f"{W}gridCol")]
        squeezed = []
        for j, w in enumerate(grid):
            longest = max(_wlen(r.cells[j].text) for r in t.rows[1:])
            if w < comfort_tw * 0.99 and longest * 0.2 + 0.55 > TEXT_COMFORT_CM and not any(
                    ch.isdigit() for r in t.rows[1:] for ch in r.cells[j].text):
                squeezed.append(t.rows[0].cells[j].text)
        assert len(squeezed) <= 1, (t.rows[0].cells[0].text, squeezed)
    assert checked > 40

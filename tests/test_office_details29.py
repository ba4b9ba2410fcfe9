"""The Word files as readers see them (session 29), checked on the pages LibreOffice lays out.

1. The English report.docx set 14 pt English at the GB/T line spacing made for 3号 Chinese (28.9 pt exact:
   double-spaced), and two wide tables in a row (or a wide table ending one chapter and another opening the next)
   left an empty portrait page between the two landscape ones.
2. The Chinese report.docx left the last lines of a chapter alone on a near-empty page (every chapter was forced
   onto a new page), a chapter heading alone at a page foot (a figure's caption kept with the next table, a block
   taller than the room left), and numbers broken inside (“n=3,91 / 4”: Latin text marked zh-CN); English column
   heads were broken inside the word (“Estimat / e”).
3. ``survey ledger --update`` named the cell twice: “row 2, column O (状态): error: cell O2: …”.

The pages are checked by issue 11's rule for print: no page but the last holds under 15% of the median page's
text unless it draws a chart.  LibreOffice (``soffice``, Debian ``libreoffice-writer-nogui``) converts the DOCX
as docs/report-rendering.md describes, with the bundled fonts only (tests/office_pdf.py): the pages do not depend
on the fonts the machine has.
"""

from __future__ import annotations

import re
import statistics

import pytest
from openpyxl import load_workbook

import tracking_world as W
from office_pdf import docx_to_pdf
from shared_demo import demo_english, demo_run
from survey.ledger import COLUMNS


# ----------------------------------------------------------------------------- the demo report in Word


@pytest.fixture(scope="module")
def word(tmp_path_factory):
    """The demo's report.docx in Chinese and in English, and each converted to PDF by LibreOffice."""
    from pypdf import PdfReader

    root = tmp_path_factory.mktemp("office29")
    files = {"zh": demo_run(tmp_path_factory).out / "report.docx", "en": demo_english(tmp_path_factory) / "report.docx"}
    out = {}
    for lang, docx in files.items():
        pages = PdfReader(str(docx_to_pdf(docx, root / f"pdf_{lang}"))).pages
        out[lang] = (docx, pages)
    return out


def _near_empty(pages) -> tuple:
    """Pages (1-based) other than the first and the last holding under 15% of the median page's text and
    drawing nothing (issue 11's rule, as tests/test_report_files.py applies it to report.pdf)."""
    texts = [(p.extract_text() or "").strip() for p in pages]
    sizes = [len(t) for t in texts]
    draws = [b" Do" in p.get_contents().get_data() for p in pages]
    med = statistics.median(sizes)
    return [i + 1 for i in range(1, len(pages) - 1) if sizes[i] < 0.15 * med and not draws[i]], sizes


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_word_report_has_no_near_empty_page(word, lang):
    _, pages = word[lang]
    thin, sizes = _near_empty(pages)
    assert not thin, (lang, thin, sizes)
    assert len(pages) >= 30


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_heading_is_left_alone_at_a_page_foot(word, lang):
    """A heading whose page's text ends with it (its first paragraph, figure or table on the next page)."""
    from docx import Document

    docx, pages = word[lang]
    heads = [p.text for p in Document(str(docx)).paragraphs
             if p.style is not None and p.style.name.startswith("Heading") and p.text.strip()]
    assert len(heads) > 20

    def norm(s):
        return re.sub(r"\s+", "", s)

    alone = []
    for k, page in enumerate(pages[:-1]):
        body = re.sub(r"—\d+—$", "", norm(page.extract_text() or ""))  # without the page number
        alone += [(k + 1, h) for h in heads if body.endswith(norm(h))]
    assert not alone, alone


def test_numbers_are_not_broken_across_lines_in_the_chinese_report(word):
    """“n=3,91 / 4”, “95 / %置信区间”: Latin text marked zh-CN was broken at any character by LibreOffice."""
    _, pages = word["zh"]
    text = "\n".join(p.extract_text() or "" for p in pages)
    assert "n=3," in text  # the case that matters: sample sizes in running text
    broken = re.findall(r".{0,12}\d,\d{0,2}\n\d.{0,6}|.{0,12}\d\n%.{0,6}", text)
    assert not broken, broken[:5]


def test_english_column_heads_are_not_broken_inside_a_word(word):
    """“Estimat / e”, “Measur / e”: a head's column narrower than its longest word."""
    from docx import Document

    docx, pages = word["en"]
    doc = Document(str(docx))
    words_in_doc = set(re.findall(r"[A-Za-z]+", "\n".join(p.text for p in doc.paragraphs)))
    heads = set()
    for t in doc.tables:
        for c in t.rows[0].cells:
            words_in_doc |= set(re.findall(r"[A-Za-z]+", c.text))
            heads |= {w for w in re.findall(r"[A-Za-z]+", c.text) if len(w) >= 6}
    for t in doc.tables:
        for row in t.rows[1:]:
            for c in row.cells:
                words_in_doc |= set(re.findall(r"[A-Za-z]+", c.text))
    assert {"Estimate", "Measure"} <= heads  # the case that matters
    tokens = set(re.findall(r"[A-Za-z]+", "\n".join(p.extract_text() or "" for p in pages)))
    split = sorted(w for w in heads for k in range(3, len(w))
                   if w[:k] in tokens and w[:k] not in words_in_doc)
    assert not split, split


def test_english_body_is_set_at_a_spacing_made_for_it_and_the_chinese_looks_keep_theirs(word):
    """GB/T 9704-2012's 28.9 pt exact spacing is 1.8 lines of 3号 (16 pt) Chinese; the English body (14 pt)
    had it too, double-spaced, and its paragraphs (not indented, unlike Chinese ones) ran together with no space
    between.  The Chinese GB/T look and the plain look are unchanged."""
    from docx import Document
    from docx.enum.text import WD_LINE_SPACING

    from report.writers.docx_style import LOOKS

    gbt = LOOKS["gbt9704"]
    for lang in ("en", "zh"):
        normal = Document(str(word[lang][0])).styles["Normal"]
        size = normal.font.size.pt
        spacing = normal.paragraph_format.line_spacing.pt
        assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        after = normal.paragraph_format.space_after.pt
        if lang == "en":
            assert size == gbt.body_en[1] and 1.2 <= spacing / size <= 1.5, (size, spacing)
            assert after > 0  # unindented English paragraphs are set apart by space, not run together
        else:
            assert (size, spacing, after) == (16, 28.9, 0)  # GB/T 9704-2012: 3号 仿宋, 22 lines a page
    assert LOOKS["plain"].line_pt(True) is None and LOOKS["plain"].line_pt(False) is None  # multiple 1.4


# ----------------------------------------------------------------------------- landscape sections


def test_a_few_paragraphs_between_two_wide_tables_stay_on_their_landscape_pages():
    """The English report's districts' comparison (7,170 characters of a list) after the wide table of
    indicators by district printed on portrait pages of its own, and its last three lines alone on page 34
    before the next wide table.  Text up to LANDSCAPE_TEXT_MAX between two wide tables stays landscape; more
    goes back to portrait."""
    from docx import Document
    from docx.enum.section import WD_ORIENT

    from report.writers.docx_style import LANDSCAPE_TEXT_MAX, apply_look, landscape_section

    def orientations(between: str) -> list:
        doc = Document()
        apply_look(doc, "gbt9704", en=True)
        doc.add_paragraph("Text before the tables.")
        landscape_section(doc, True)
        doc.add_table(rows=2, cols=12)
        landscape_section(doc, False)
        for _ in range(4):
            doc.add_paragraph(between)
        landscape_section(doc, True)
        doc.add_table(rows=2, cols=12)
        landscape_section(doc, False)
        return [s.orientation for s in doc.sections]

    P, L = WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE
    assert orientations("• Linjiang County: lower on x. " * 20) == [P, L, P]
    assert orientations("x" * (LANDSCAPE_TEXT_MAX // 4 + 1)) == [P, L, P, L, P]


def test_two_wide_tables_in_a_row_share_the_landscape_section():
    """A portrait section holding only headings between two landscape ones printed as an empty page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT

    from report.writers.docx_style import apply_look, landscape_section

    doc = Document()
    apply_look(doc, "gbt9704", en=True)
    doc.add_paragraph("Text before the tables.")
    for title in ("Table 8", "Table 9"):
        landscape_section(doc, True)
        doc.add_paragraph(title)
        doc.add_table(rows=2, cols=12)
        landscape_section(doc, False)
    doc.add_heading("9. Appendix", 1)  # a chapter heading between: it goes onto the landscape page
    landscape_section(doc, True)
    doc.add_table(rows=2, cols=12)
    landscape_section(doc, False)
    doc.add_paragraph("Text after.")
    orient = [s.orientation for s in doc.sections]
    assert orient == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT], orient
    # every section holds text: the paragraphs between two section breaks
    body = list(doc.element.body.iterchildren())
    from report.writers.docx_style import _section_breaks

    ends = [body.index(p) for p in _section_breaks(doc.element.body)] + [len(body) - 1]
    starts = [0] + [e + 1 for e in ends[:-1]]
    for a, b in zip(starts, ends):
        assert any("".join(el.itertext()).strip() or el.tag.endswith("}tbl") for el in body[a:b + 1]), (a, b)


# ----------------------------------------------------------------------------- ledger messages


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """A one-wave project and its ledger.xlsx (items 未达标 on the test targets)."""
    root = tmp_path_factory.mktemp("ledger29")
    W.build(root, waves=1, n=300)
    rc, _, err = W.survey("ledger", root / "project", "--out", root / "ledger.xlsx")
    assert rc == 0, err
    return root


def test_ledger_sheet_messages_name_the_cell_once(ledger):
    wb = load_workbook(ledger / "ledger.xlsx")
    ws = wb["整改台账"]
    col = {k: j + 1 for j, (k, _, _) in enumerate(COLUMNS)}
    letter = {k: ws.cell(1, j).column_letter for k, j in col.items()}
    assert ws.max_row >= 3
    ws.cell(2, col["status"]).value = "搞定了"
    ws.cell(3, col["deadline"]).value = "明天"
    bad = ledger / "bad.xlsx"
    wb.save(bad)
    rc, _, err = W.survey("ledger", ledger / "project", "--update", bad)
    assert rc == 1
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 2, err
    for line, (row, key) in zip(lines, ((2, "status"), (3, "deadline"))):
        assert line.startswith(f"{bad}, row {row}, column {letter[key]} ("), line
        assert f"{letter[key]}{row}" not in line, line  # no second location (“cell O2:”) in the message


def test_every_ledger_cell_message_carries_one_location():
    """Every catalogue entry raised at a ledger cell (:meth:`LedgerSheet.where`) says its location once."""
    from survey.ledger_sheet import LedgerSheet, SheetRow
    from survey.messages import problem

    sheet = LedgerSheet(path="ledger.xlsx", rows=[], letters={k: "O" for k, _, _ in COLUMNS})
    r = SheetRow(row=7, id="ZG-001", shown={}, cells={})
    codes = ("ledger-unknown-id", "ledger-duplicate-id", "ledger-status", "ledger-verified", "ledger-date",
             "ledger-verified-change", "ledger-conflict")
    for code in codes:
        text = str(problem(code, value="x", first=2, choices="待整改", was="a", now="b", **sheet.where(r, "status")))
        assert text.startswith("ledger.xlsx, row 7, column O (状态): error: "), text
        assert "O7" not in text and text.count("row 7") == 1, text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cover_carries_no_page_number_and_every_other_page_its_own(word, lang):
    """The cover printed “— 1 —” under the title (session 29); every later page, landscape ones included
    (each a section of its own), still shows its number."""
    _, pages = word[lang]
    shown = []
    for p in pages:
        found = re.findall(r"—\s*(\d+)\s*—", p.extract_text() or "")
        shown.append(int(found[-1]) if found else None)
    assert shown[0] is None, shown[:3]
    assert shown[1:] == list(range(2, len(pages) + 1)), [(i + 1, s) for i, s in enumerate(shown) if s != i + 1]


# ----------------------------------------------------------------------------- session 30: breaks in table cells


def test_the_ledger_table_breaks_no_date_bracket_or_name_before_its_last_character(word):
    """表27 (整改台账在办事项) printed “2026 年 10 / 月 30 日”, “市文明办（牵 / 头）”, “市营商环境建设 / 局” and
    “社会治安与法治满意度（指 / 数）”, and its last row alone on a page (session 30)."""
    _, pages = word["zh"]
    texts = [p.extract_text() or "" for p in pages]
    ledger = [t for t in texts if re.search(r"ZG-\d{3}", t)]
    assert ledger and sum(len(re.findall(r"ZG-\d{3}", t)) for t in ledger) >= 10  # the case that matters
    text = "\n".join(ledger)
    assert re.search(r"\d{4} ?年 ?\d{1,2} ?月 ?\d{1,2} ?日", text)
    assert not re.findall(r"\d{4} ?年(?: ?\d{1,2})?(?: ?月)?(?: ?\d{1,2})?\n(?:\d{1,2} ?)?月?(?: ?\d{1,2})? ?日", text)
    assert not re.findall(r"（[^（）\n]{0,4}\n[^（）\n]{0,4}）", text)  # a bracketed group broken
    assert not re.findall(r"\n[\u4e00-\u9fff]\n", text)  # one character alone on a cell's last line
    for t in ledger:  # every page of the table carries several rows
        assert len(re.findall(r"ZG-\d{3}", t)) >= 3, t


@pytest.mark.parametrize("lang", ["zh"])
def test_four_character_column_heads_do_not_wrap_three_and_one(word, lang):
    """“有效样 / 本”, “设计效 / 应”, “指数下 / 限”: a four-character head in a three-character column broke 3+1;
    it is on one line or 2+2 (session 30)."""
    from docx import Document

    docx, pages = word[lang]
    heads = {re.sub(r"\s", "", c.text) for t in Document(str(docx)).tables for c in t.rows[0].cells}
    four = {h for h in heads if re.fullmatch(r"[\u4e00-\u9fff]{4}", h)}
    assert {"有效样本", "设计效应", "指数下限"} <= four  # the case that matters
    text = "\n".join(p.extract_text() or "" for p in pages)
    split = sorted(h for h in four if f"{h[:3]}\n{h[3]}" in text)
    assert not split, split

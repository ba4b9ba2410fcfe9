"""The Word brief within two A4 pages as the PDF brief is (issue 13: “one or two pages”), laid out by LibreOffice
under the bundled fonts.  The demo's ran to three: its 10.5 pt table cells broke dates, units and 编号 in two, and
five of its 18 lines of changes and ledger rows went past the second page.  Its table cells break between words,
as the report's do (“…满意度 / （满意率）”, not “（满 / 意率）”)."""

from __future__ import annotations

from docx import Document
from pypdf import PdfReader

from office_pdf import docx_to_pdf
from report.brief import MAX_CHANGES, MAX_LEDGER, TOP_PROBLEMS
from shared_demo import demo_run


def test_the_demo_word_brief_is_two_pages(tmp_path_factory, tmp_path):
    docx = demo_run(tmp_path_factory).out / "brief_2026Q3.docx"
    pdf = docx_to_pdf(docx, tmp_path)
    assert 1 <= len(PdfReader(str(pdf)).pages) <= 2
    text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "五、整改台账" in text and "数据来源" in text


def test_the_brief_lists_five_of_each(tmp_path_factory):
    """Five changes, five problems, five ledger items: the rest are counted in words (另有…未列出 / 前5项)."""
    assert MAX_CHANGES == TOP_PROBLEMS == MAX_LEDGER == 5
    doc = Document(str(demo_run(tmp_path_factory).out / "brief_2026Q3.docx"))
    ledger = doc.tables[-1]
    assert len(ledger.rows) - 1 == MAX_LEDGER
    cells = [c.text for r in ledger.rows[1:] for c in r.cells]
    assert not any(line.startswith(("满", "意率", "数）", "率）")) for c in cells for line in c.split("\n"))

"""report.writers.docx_rows writes a table's body rows as python-docx would cell by cell: the same XML,
compared element by element, for texts with line breaks, tabs, outer spaces, XML's special characters and
empty cells."""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from lxml import etree

from report.writers.docx_rows import append_body_rows, run_xml

ROWS = [["东城区", "82.5\n[80.1, 84.9]", " 前后空格 ", ""],
        ["a\tb", "<&>\"'", "line1\r\nline2", "x"],
        ["\n", "  ", "市文明办（牵\n头）", "Dongcheng District"]]
WIDTHS = [Cm(2.5), Cm(3.1), Cm(4.07), Cm(1.8)]
ALIGN = ["left", "center", "left", "center"]


def _table(doc):
    tbl = doc.add_table(rows=1, cols=len(WIDTHS))
    for i, col in enumerate(tbl.columns):
        col.width = WIDTHS[i]
    return tbl


def test_rows_equal_python_docx_cell_by_cell():
    doc = Document()
    style = doc.styles["Normal"].style_id
    ref = _table(doc)
    for r in ROWS:
        cells = ref.add_row().cells
        for i, v in enumerate(r):
            cells[i].width = WIDTHS[i]
            cells[i].text = v
            cells[i].paragraphs[0]._p.style = style
            cells[i].paragraphs[0].alignment = (WD_ALIGN_PARAGRAPH.LEFT if ALIGN[i] == "left"
                                                else WD_ALIGN_PARAGRAPH.CENTER)
    got = _table(doc)
    append_body_rows(got, ROWS, ALIGN, style)
    assert etree.tostring(got._tbl) == etree.tostring(ref._tbl)
    assert [c.text for c in got.rows[2].cells] == ["a\tb", "<&>\"'", "line1\n\nline2", "x"]
    append_body_rows(got, [], ALIGN, style)  # no body: the table is left as it is
    assert len(got.rows) == 1 + len(ROWS)


def test_run_pieces():
    assert run_xml("") == "<w:r/>"
    assert run_xml("a\nb") == "<w:r><w:t>a</w:t><w:br/><w:t>b</w:t></w:r>"
    assert run_xml(" a") == '<w:r><w:t xml:space="preserve"> a</w:t></w:r>'

"""The files users open, looked at as their readers see them (Word, Excel).

1. report.docx's 方法说明 printed the formulas' subscripts (“Σwᵢyᵢ”, “se₁² + se₀²”, “df₁”) as empty boxes: U+1D62 and
   U+2080… are in neither 仿宋_GB2312 nor Times New Roman (nor the bundled Noto Serif SC the page tests lay the file
   out with).  The Word file now sets them as Word subscripts of the plain letters.
2. ledger.xlsx cut its text off at the next column's edge: 指标/问题 “干部作风与行政效能满意度（满意率）” in a
   column 20 wide, 领域, 责任单位 “市公安局交通警察支队”, 核验结果 “无显著变化，仍显著低于全市”, and the 说明 sheet's
   “责任单位、整改时限、状态、整改措施、备注”.  Every cell now wraps within its column.
3. The ledger's 估计值, 置信区间 and 目标值/参照值 columns hold rates (68.3%) and index points in one column; the points
   showed bare (72.4, 76.1), not saying what they count.  They now show 72.4分 (a number format: still numbers).
"""

from __future__ import annotations

import unicodedata

import pytest
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from report.fonts import font_path
from shared_demo import demo_english, demo_run


def _body_runs(docx):
    from docx import Document

    doc = Document(str(docx))
    for p in doc.paragraphs:
        yield from p.runs
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    yield from p.runs


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return {"zh": demo_run(tmp_path_factory).out / "report.docx",
            "en": demo_english(tmp_path_factory) / "report.docx"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_character_of_the_word_report_has_a_glyph_and_subscripts_are_word_subscripts(reports, lang):
    cmap = set(TTFont(str(font_path("serif"))).getBestCmap())
    runs = list(_body_runs(reports[lang]))
    missing = {ch for r in runs for ch in r.text if ord(ch) > 32 and ord(ch) not in cmap}
    assert not missing, sorted(missing)
    # the formulas are still there, their indices as subscripts: Σw + subscript i, se + subscript 1
    subs = [(a.text, b.text) for a, b in zip(runs, runs[1:]) if b.font.subscript]
    assert any(a.endswith("Σw") and b == "i" for a, b in subs), subs[:10]
    assert any(a.endswith("se") and b == "1" for a, b in subs), subs[:10]


# ----------------------------------------------------------------------------- spreadsheets


def _display_width(s: str) -> int:
    """Excel column-width units a line of text needs in the default font: a Chinese character about two."""
    return max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in s.split("\n"))


def cut_off_cells(path) -> list:
    """Text cells of the visible sheets that neither fit their column (or merged columns) nor wrap, and either
    have a filled cell to their right (Excel shows them cut off at that cell's edge) or run past the sheet's last
    column (cut off at the edge of the printed page)."""
    out = []
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        merged = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}

        def width(col):
            d = ws.column_dimensions.get(get_column_letter(col))
            return d.width if d is not None and d.width else 8.43

        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str) or (c.alignment is not None and c.alignment.wrap_text):
                    continue
                r = merged.get((c.row, c.column))
                first, last = (r.min_col, r.max_col) if r else (c.column, c.column)
                room = sum(width(k) for k in range(first, last + 1))
                right = ws.cell(c.row, last + 1).value
                to_edge = sum(width(k) for k in range(first, max(ws.max_column, last) + 1))
                need = _display_width(c.value)
                if need > room + 0.5 and (right not in (None, "") or need > to_edge + 0.5):
                    out.append((ws.title, c.coordinate, room, c.value))
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_run(tmp_path_factory).out


@pytest.mark.parametrize("name", ["ledger.xlsx", "report.xlsx"])
def test_no_text_in_the_spreadsheets_is_cut_off_by_the_next_column(demo, name):
    cut = cut_off_cells(demo / name)
    assert not cut, cut[:8]


def test_the_ledger_says_the_unit_of_every_estimate(demo):
    from survey.ledger import COLUMNS

    ws = load_workbook(demo / "ledger.xlsx")["整改台账"]
    col = {k: j + 1 for j, (k, _, _) in enumerate(COLUMNS)}
    kinds = set()
    for i in range(2, ws.max_row + 1):
        subject = ws.cell(i, col["subject"]).value
        index = subject.endswith("（指数）")
        kinds.add(index)
        for k in ("estimate", "ci_low", "ci_high", "target"):
            c = ws.cell(i, col[k])
            assert isinstance(c.value, (int, float)), (c.coordinate, c.value)
            assert c.number_format == ('0.0"分"' if index else "0.0%"), (c.coordinate, subject, c.number_format)
    assert kinds == {True, False}  # the demo's ledger holds both


@pytest.fixture(scope="module")
def trend_book(tmp_path_factory):
    import tracking_world as W
    from report.tracking_xlsx import write_trend_xlsx
    from report.trend import project_trend

    root = tmp_path_factory.mktemp("trend_look")
    trend = project_trend(W.build(root, waves=3, n=300), by="district")
    write_trend_xlsx(trend, root / "trend.xlsx")
    return trend, root / "trend.xlsx"


def test_trend_xlsx_wave_labels_are_not_cut_off_and_its_table_filters(trend_book):
    """按区县's wave columns were a number's 10 units wide: “2026年第一季度” was cut at the next wave's edge."""
    trend, path = trend_book
    assert not cut_off_cells(path), cut_off_cells(path)[:8]
    ws = load_workbook(path)["趋势"]
    assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}{len(trend.series) + 1}"


# ----------------------------------------------------------------------------- the brief on a phone


def test_the_briefs_indicator_table_keeps_each_number_on_one_line_on_a_phone(demo):
    """The brief forwarded and opened on a phone (360 px): “94.2%–95.5%” broke after the dash and 无显著差异
    stood a character or two a line in the indicator table; each value, interval, target and verdict now keeps
    to one line (the indicator's name wraps), and the page does not scroll sideways."""
    from playwright.sync_api import sync_playwright

    from test_serve_browser import CHROMIUM

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740})
            page.goto((demo / "brief_2026Q3.html").as_uri())
            cells = page.eval_on_selector_all(
                "table:first-of-type td:not(.l)",
                "els => els.map(e => { const r = document.createRange(); r.selectNodeContents(e);"
                " return [e.textContent, new Set([...r.getClientRects()].map(x => Math.round(x.top))).size]; })")
            width = page.evaluate("document.documentElement.scrollWidth")
        finally:
            browser.close()
    assert len(cells) > 40 and any("–" in t for t, _ in cells)
    assert [c for c in cells if c[1] > 1] == []
    assert width <= 360


# ----------------------------------------------------------------------------- the PDF report's tables


def _table_pdf(tmp_path, rows: int):
    """A report-like page (print_ready's rules, the report template's A4 page) holding one long table of ``rows``
    body rows, as the PDF writer renders it; the rows (``row 1`` …) printed on each page."""
    from pypdf import PdfReader

    from report.writers.html_print import print_ready
    from report.writers.pdf import write_pdf

    body = "".join(f"<tr><td>row {i}</td><td>{i}.0%</td></tr>" for i in range(1, rows + 1))
    html = ("<html><head><style>@page { size: A4; margin: 18mm 16mm 20mm; } td, th { height: 7mm; }</style></head>"
            f"<body><h2>title</h2><div class=\"caption tcap\">表1</div><table><tr><th>a</th><th>b</th></tr>{body}"
            "</table></body></html>")
    path = tmp_path / f"t{rows}.pdf"
    write_pdf(print_ready(html), path)
    import re

    return [re.findall(r"row (\d+)", p.extract_text() or "") for p in PdfReader(str(path)).pages]


def test_a_long_table_never_leaves_one_or_two_rows_alone_on_the_pdfs_last_page(tmp_path):
    """The English report.pdf printed 区县问题清单's last row alone under the repeated header on a page of its own."""
    first = len(_table_pdf(tmp_path, 60)[0])  # the rows a page holds
    assert first > 21  # more than a small table (kept whole on one page)
    for extra in (1, 2):
        pages = _table_pdf(tmp_path, first + extra)
        assert len(pages) == 2 and len(pages[-1]) >= 3, [len(p) for p in pages]

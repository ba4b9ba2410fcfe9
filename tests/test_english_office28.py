"""The English reader's Office files (session 28).

1. trend.xlsx (`survey trend --by district --lang en --out`): one heat sheet per series named by the series
   cut the English names at Excel's 31 characters ("Satisfaction with city environm", "Satisfaction with
   city envi (2)" for the rate and the index of one area); the 趋势 sheet had default-width columns
   ("Change vs previous" shown as "Change v"), no header row printed on each page and no page setup; its
   column heads came from inline zh/en branches.  Now the heat tables stand on one sheet under their full
   names, and every sheet prints on A4 with page numbers.
2. brief_<wave>.docx (the Chinese meeting brief, 1–2 pages): its headings 一、总体情况 … were plain
   paragraphs, not Word headings (no navigation pane, no outline), and its footer had no page numbers
   (GB/T 9704-2012 7.5; report.docx has them).
3. The English default office was printed lower-case alone on the cover ("the civilisation office").
4. ledger.xlsx printed without page numbers, and its 说明 sheet had no page setup at all (Letter-size
   default, its 90-wide meaning column unwrapped and cut off on paper).
"""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

import tracking_world as W
from shared_demo import demo_english, demo_run
from survey.labels import LABELS
from report.tracking_xlsx import write_trend_xlsx
from report.trend import project_trend

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def trend_books(tmp_path_factory):
    """trend.xlsx in both languages for a three-wave project split by district."""
    root = tmp_path_factory.mktemp("english_office")
    project = W.build(root, waves=3, n=300)
    books = {"root": root}
    for lang in ("en", "zh"):
        tr = project_trend(project, by="district", lang=lang)
        write_trend_xlsx(tr, root / f"trend_{lang}.xlsx", lang=lang)
        books[lang] = (tr, load_workbook(root / f"trend_{lang}.xlsx"))
    return books


def test_every_heat_table_is_named_in_full_and_no_sheet_name_is_cut(trend_books):
    tr, wb = trend_books["en"]
    names = [h.of.display("en") for h in tr.heat]
    assert any(len(n) > 31 for n in names)  # the case that matters is there
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert set(names) <= texts  # every table under its whole name
    for title in wb.sheetnames:
        assert not re.search(r"\(\d+\)$", title), wb.sheetnames  # no "… (2)" to tell two cut names apart
        assert title in {LABELS["trend_xlsx.trend_sheet"][1], LABELS["trend_xlsx.heat_sheet"][1].format(by="district")}


def test_trend_sheet_columns_show_their_heads_and_print_with_them(trend_books):
    from report.writers.xlsx_cells import HEADER_MAX

    for lang in ("en", "zh"):
        ws = trend_books[lang][1].worksheets[0]
        assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "D2"
        for c in ws[1]:
            width = ws.column_dimensions[c.column_letter].width
            assert width and width >= min(HEADER_MAX, len(str(c.value))), (lang, c.value, width)


def test_every_trend_sheet_prints_on_a4_with_page_numbers(trend_books):
    for lang in ("en", "zh"):
        for ws in trend_books[lang][1].worksheets:
            assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4, (lang, ws.title)
            assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
            assert "&P" in (ws.oddFooter.center.text or ""), (lang, ws.title)


def test_english_trend_book_has_no_chinese_and_names_the_whole_city_alike(trend_books):
    _, wb = trend_books["en"]
    for ws in wb.worksheets:
        assert not CJK.search(ws.title)
        for row in ws.iter_rows():
            for c in row:
                assert not (isinstance(c.value, str) and CJK.search(c.value)), (ws.title, c.coordinate, c.value)
    trend = wb.worksheets[0]
    groups = {trend.cell(r, 3).value for r in range(2, trend.max_row + 1)}
    assert "City" in groups and "overall" not in groups  # the heat tables' word for the whole sample


def test_brief_docx_headings_are_word_headings_and_pages_are_numbered(trend_books, tmp_path):
    import datetime as dt

    from docx import Document

    from report.brief import build_brief
    from report.brief_render import write_brief
    from report.writers.docx_style import THEME_ATTRS
    from survey.store import Project

    b = build_brief(Project.open(trend_books["root"] / "project"), W.WAVES[2][0], today=dt.date(2026, 12, 1))
    path = write_brief(b, tmp_path, formats=("docx",))["docx"]
    doc = Document(str(path))
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads[:2] == ["一、总体情况", "二、主要变化"] and heads[-1] == "五、整改台账", heads
    style = doc.styles["Heading 1"].element.xml
    assert not any(f"w:{a}=" in style for a in THEME_ATTRS)  # 黑体, not the theme's heading font
    footers = [s.footer for s in doc.sections] + [s.even_page_footer for s in doc.sections]
    assert all(" PAGE " in f._element.xml for f in footers)


def test_the_default_office_alone_on_a_line_or_in_a_cell_starts_with_a_capital():
    """3. The English default office "the civilisation office" stood lower-case alone on the cover and as
    the first word of the ledger table's unit cell ("the civilisation office (lead)"); inside a sentence it
    stays as it is, and Chinese is unchanged."""
    from report.cover import make_cover
    from survey.owners import issuing_office, unit_or_lead

    office = issuing_office({}, None, "en")
    assert office[0].islower()  # the case that matters: the default reads right only inside a sentence
    assert make_cover("Report", office, None, "2026Q3", None, "en").org[0].isupper()
    lead = unit_or_lead(None, office, "en")
    assert lead[0].isupper() and lead.endswith(" (lead)")
    assert unit_or_lead(None, issuing_office({}, None, "zh"), "zh") == "市文明办（牵头）"
    assert unit_or_lead("City Roads Bureau", office, "en") == "City Roads Bureau"


def test_every_ledger_sheet_prints_on_a4_with_page_numbers(trend_books, tmp_path):
    out = tmp_path / "ledger.xlsx"
    rc, _, err = W.survey("ledger", trend_books["root"] / "project", "--wave", W.WAVES[2][0], "--out", out)
    assert rc == 0, err
    wb = load_workbook(out)
    shown = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert len(shown) == 2  # 整改台账 and 说明
    for ws in shown:
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4, ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert "&P" in (ws.oddFooter.center.text or ""), ws.title
    notes = shown[1]
    assert all(c.alignment.wrap_text for c in notes["B"][1:] if c.value)


@pytest.fixture(scope="module")
def report_docx(tmp_path_factory):
    """report.docx of the demo project in both languages (tests/shared_demo.py)."""
    from docx import Document

    return {"zh": Document(str(demo_run(tmp_path_factory).out / "report.docx")),
            "en": Document(str(demo_english(tmp_path_factory) / "report.docx"))}


def test_third_level_headings_are_black_body_font_not_the_template_blue(report_docx):
    """5. Heading 3 (the numbered blocks of 对策建议) kept python-docx's template look: bold in theme blue."""
    from report.writers.docx_style import LOOKS

    for lang, doc in report_docx.items():
        assert any(p.style.name == "Heading 3" for p in doc.paragraphs), lang  # the case that matters
        st = doc.styles["Heading 3"]
        xml = st.element.xml
        assert "themeColor" not in xml and "4F81BD" not in xml, lang
        assert str(st.font.color.rgb) == "000000" and st.font.bold
        body = LOOKS["gbt9704"].body_en if lang == "en" else LOOKS["gbt9704"].body
        assert body[0] in xml and st.font.size.pt == body[1], lang


def test_english_headings_are_bold_chinese_ones_keep_their_typeface(report_docx):
    """6. In English the headings fall back to Times New Roman; unbolded they looked like body text."""
    for name in ("Heading 1", "Heading 2"):
        assert report_docx["en"].styles[name].font.bold is True, name
        assert not report_docx["zh"].styles[name].font.bold, name  # 黑体 / 楷体 as GB/T 9704 sets them


def test_heat_map_of_a_rate_shows_percent(trend_books, tmp_path):
    """7. `survey trend --out`: the heat map of a rate printed 77.0 like the index's map beside it (the chart
    draws no title), so a reader could not tell the satisfied share from the 0–100 index."""
    from report.trend_charts import heat_map

    tr = trend_books["en"][0]
    rate = next(h for h in tr.heat if h.measure == "rate")
    index = next(h for h in tr.heat if h.measure != "rate")
    shown = {}
    for h in (rate, index):
        chart = heat_map(f"heat_{h.measure}", "", tr, h, out_dir=tmp_path, lang="en")
        svg = chart.svg_path.read_text(encoding="utf-8")
        shown[h.measure] = re.findall(r"<!-- ([^>]*?) -->", svg)
    first = rate.values[0][0]
    assert f"{100 * first:.1f}%" in shown["rate"]  # a cell as a share
    assert any(t.endswith("%") and t[:-1].isdigit() for t in shown["rate"])  # the colour bar's ticks
    assert not any(t.endswith("%") for t in shown["index"])


def _default_lang(doc) -> dict:
    from docx.oxml.ns import qn

    el = doc.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr") + "/" + qn("w:lang"))
    return {k.split("}")[1]: v for k, v in el.attrib.items()}


def test_word_files_mark_chinese_text_as_chinese(report_docx, trend_books, tmp_path):
    """python-docx's template declares East Asian text en-US: Word proofed the Chinese as English."""
    import datetime as dt

    from docx import Document

    from report.brief import build_brief
    from report.brief_render import write_brief
    from survey.store import Project

    # Latin text (numbers) is marked English in the Chinese report too: marked zh-CN, LibreOffice broke it inside
    # numbers (session 29, tests/test_office_details29.py)
    assert _default_lang(report_docx["zh"]) == {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"}
    assert _default_lang(report_docx["en"])["val"] == "en-US" and _default_lang(report_docx["en"])["eastAsia"] == "zh-CN"
    b = build_brief(Project.open(trend_books["root"] / "project"), W.WAVES[2][0], today=dt.date(2026, 12, 1))
    brief = Document(str(write_brief(b, tmp_path, formats=("docx",))["docx"]))
    assert _default_lang(brief)["eastAsia"] == "zh-CN"

"""Report files that open right everywhere (issue 11): Excel number cells, Word styles and layout,
file modes.  One demo report (``survey demo``: bundled questionnaire, two simulated waves, every
format) is written under umask 022 and its files are read back with openpyxl / the DOCX XML."""

from __future__ import annotations

import re
import stat

import pytest
from typer.testing import CliRunner

import cli
from shared_demo import demo_copy

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_copy(tmp_path_factory, "files")  # written under umask 022 (tests/shared_demo.py)


# ----------------------------------------------------------------------------- XLSX
EST = {"估计值", "下限", "上限", "目标", "总体", "比率/满意率", "满意率", "满意度指数", "指数下限", "指数上限", "综合指数",
       "样本占比", "总体占比", "选择人数比例", "提及次数占比", "选择比例", "排第一位的比例", "综合得分", "标准误", "设计效应",
       "“不了解”比例", "本期", "上期", "p"}
COUNTS = {"份数", "样本量", "有效样本", "出现次数", "提及人数", "序号", "名次", "排名", "位次"}
SCORE_FORMATS = {"0.0%", "0.0", "0.00", "0.000"}
CHANGE = "+0.0;-0.0;0.0"  # signed: issue 11's format, exactly


def _tables(ws):
    """(caption, header cells, data rows of cells) of every table on a sheet."""
    rows = list(ws.iter_rows())
    for i, r in enumerate(rows):
        v = r[0].value
        if isinstance(v, str) and re.match(r"表\d+ ", v):
            body = []
            for rr in rows[i + 2:]:
                if all(c.value is None for c in rr):
                    break
                body.append(rr)
            yield v, [c.value for c in rows[i + 1]], body


def test_xlsx_numbers_are_number_cells(demo):
    from openpyxl import load_workbook

    wb = load_workbook(demo / "report.xlsx")
    checked = {"est": 0, "n": 0, "change": 0, "group": 0, "flags": 0}
    for ws in wb:
        for cap, hdr, body in _tables(ws):
            change_table = "相比的变化" in cap
            group_table = cap.split(" ", 1)[1].startswith("主要指标按")
            for j, h in enumerate(hdr):
                if h is None:
                    continue
                if change_table and h in ("变化", "下限", "上限"):
                    want, key = {CHANGE}, "change"
                elif h in EST:
                    want, key = SCORE_FORMATS, "est"
                elif h in COUNTS:
                    want, key = {"#,##0"}, "n"
                elif group_table and h not in ("指标",) and not h.endswith("标注"):
                    want, key = {"0.0%"}, "group"
                else:
                    continue
                for row in body:
                    c = row[j]
                    if c.value is None:
                        continue
                    assert isinstance(c.value, (int, float)) and not isinstance(c.value, bool), (cap, h, c.value)
                    if h == "p" and change_table:  # shown as the text shows it: <0.001, never a bare 0.000
                        assert c.number_format == '[<0.001]"<0.001";0.000', (cap, h, c.number_format)
                        continue
                    assert c.number_format in want, (cap, h, c.number_format)
                    if c.number_format == "0.0%":
                        assert -0.05 <= c.value <= 1.05, (cap, h, c.value)  # shares (a Wald bound may dip below 0)
                    if key == "n":
                        assert c.value == int(c.value)
                    checked[key] += 1
            if group_table:
                flags = [j for j, h in enumerate(hdr) if isinstance(h, str) and h.endswith("标注")]
                for j in flags:
                    assert hdr[j] == f"{hdr[j - 1]}标注"  # a flag column follows the column it flags
                    for row in body:
                        if row[j].value:
                            checked["flags"] += 1
                            assert row[j].value.startswith(("△", "*", "样本过少", "未调查"))
                            if "样本过少" in row[j].value or "未调查" in row[j].value:
                                assert row[j - 1].value is None  # no number for a suppressed / not-asked group
    assert min(checked.values()) > 0, checked


def test_xlsx_p_values_below_the_floor_show_as_the_text_does(demo):
    """A p value under 0.001 (the trend tests' 趋势检验p值) showed as 0.000 in report.xlsx, while every text of the
    report and trend.xlsx print <0.001: its cells now keep the number under the one p format."""
    from openpyxl import load_workbook

    from report.table_cells import P_FORMAT

    small = [c for ws in load_workbook(demo / "report.xlsx") for row in ws.iter_rows() for c in row
             if isinstance(c.value, float) and 0 <= c.value < 0.001 and c.number_format not in ("0.0%", "0.0", "0.00")]
    assert small and all(c.number_format == P_FORMAT for c in small), {(c.coordinate, c.number_format) for c in small}


def test_xlsx_no_formatted_numbers_or_formula_text(demo):
    from openpyxl import load_workbook

    wb = load_workbook(demo / "report.xlsx")
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f"
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@")), (ws.title, c.coordinate, c.value)
                    # no number written as text: '+2.5, 94.9%, 92.2%*, '3,914
                    assert not re.fullmatch(r"'?[+\-±]?[\d,.]+\s?%?\s*[*△]*", c.value.strip()), \
                        (ws.title, c.coordinate, c.value)


# ----------------------------------------------------------------------------- DOCX
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_xml(path, part):
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def _style(styles, name):
    return next(s for s in styles.iter(f"{W}style") if s.find(f"{W}name").get(f"{W}val") == name)


def test_docx_styles_gbt9704_no_theme_fonts(demo):
    styles = _docx_xml(demo / "report.docx", "word/styles.xml")
    for rf in styles.iter(f"{W}rFonts"):  # no theme font anywhere (they override w:eastAsia in Word/WPS)
        for a in ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme"):
            assert rf.get(W + a) is None, (a, rf.attrib)
    want = {"Title": ("方正小标宋简体", 44), "heading 1": ("黑体", 32), "heading 2": ("楷体_GB2312", 32),
            "Normal": ("仿宋_GB2312", 32), "Table Text": ("宋体", 21)}  # half-points: 2号 22 pt, 3号 16 pt
    for name, (font, half_pt) in want.items():
        st = _style(styles, name)
        assert st.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == font, name
        assert int(st.find(f"{W}rPr/{W}sz").get(f"{W}val")) == half_pt, name
    sp = _style(styles, "Normal").find(f"{W}pPr/{W}spacing")
    assert sp.get(f"{W}lineRule") == "exact" and 28 * 20 <= int(sp.get(f"{W}line")) <= 29 * 20


def test_docx_page_layout_footer_toc(demo):
    doc = _docx_xml(demo / "report.docx", "word/document.xml")
    mm = lambda tw: int(tw) / 1440 * 25.4  # noqa: E731  twips → mm
    sects = list(doc.iter(f"{W}sectPr"))
    first = sects[0]
    pg, mar = first.find(f"{W}pgSz"), first.find(f"{W}pgMar")
    assert (round(mm(pg.get(f"{W}w"))), round(mm(pg.get(f"{W}h")))) == (210, 297)
    assert round(mm(mar.get(f"{W}top"))) == 37 and round(mm(mar.get(f"{W}left"))) == 28
    assert round(210 - mm(mar.get(f"{W}left")) - mm(mar.get(f"{W}right"))) == 156
    assert round(297 - mm(mar.get(f"{W}top")) - mm(mar.get(f"{W}bottom"))) == 225
    settings = _docx_xml(demo / "report.docx", "word/settings.xml")
    assert settings.find(f"{W}mirrorMargins") is not None
    instr = " ".join(t.text for t in doc.iter(f"{W}instrText"))
    assert "TOC \\o" in instr  # a real TOC field (issue 11)
    assert "PAGEREF _Toc" in instr  # holding the 目录 written out, page numbers as fields (test_output_format_redteam)
    import zipfile

    with zipfile.ZipFile(demo / "report.docx") as z:
        footers = [re.sub(r"<[^>]+>", "", z.read(n).decode()) for n in z.namelist() if n.startswith("word/footer")]
        ftxt = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
    # “— 1 —”: dash, PAGE field (result 1 until the word processor fills it), dash
    assert len(footers) == 2 and all(re.fullmatch(r"— +PAGE +1 —", f.strip()) for f in footers), footers
    assert all("PAGE" in f and 'w:val="28"' in f for f in ftxt)  # 4号 = 14 pt


def test_docx_tables_fit_text_block_and_repeat_header(demo):
    doc = _docx_xml(demo / "report.docx", "word/document.xml")
    body = doc.find(f"{W}body")
    n_tables = 0
    sect_of = []  # every table with the sectPr that ends its section
    pending = []
    for el in body:
        if el.tag == f"{W}tbl":
            pending.append(el)
        sp = el.find(f"{W}pPr/{W}sectPr") if el.tag == f"{W}p" else (el if el.tag == f"{W}sectPr" else None)
        if sp is not None:
            sect_of += [(t, sp) for t in pending]
            pending = []
    assert not pending
    for tbl, sp in sect_of:
        n_tables += 1
        pg, mar = sp.find(f"{W}pgSz"), sp.find(f"{W}pgMar")
        text_w = int(pg.get(f"{W}w")) - int(mar.get(f"{W}left")) - int(mar.get(f"{W}right"))
        grid = sum(int(g.get(f"{W}w")) for g in tbl.iter(f"{W}gridCol"))
        assert 0 < grid <= text_w, (grid, text_w)
        rows = tbl.findall(f"{W}tr")
        if len(rows) > 1:
            assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert n_tables >= 15
    assert any(sp.find(f"{W}pgSz").get(f"{W}orient") == "landscape" for _, sp in sect_of)  # the wide appendix table


def test_docx_style_plain(demo, tmp_path):
    r = runner.invoke(cli.app, ["report", str(demo / "project"), "--format", "docx", "--style", "plain",
                                "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    styles = _docx_xml(tmp_path / "report.docx", "word/styles.xml")
    assert _style(styles, "Normal").find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "仿宋"
    assert _style(styles, "heading 1").find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "黑体"
    r = runner.invoke(cli.app, ["report", str(demo / "project"), "--format", "docx", "--style", "fancy",
                                "--out", str(tmp_path)])
    assert r.exit_code != 0 and "gbt9704" in r.output


# ----------------------------------------------------------------------------- file modes
def test_report_files_honour_umask(demo):
    files = [demo / f"report.{x}" for x in ("html", "docx", "pdf", "xlsx")] + sorted((demo / "charts").iterdir())[:4]
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o644, (f, oct(f.stat().st_mode))


# ----------------------------------------------------------------------------- PDF / HTML print
def test_pdf_no_near_empty_pages(demo):
    """Every page but the last holds at least 15% of the median page's text, or draws a chart (an
    image XObject: chart pages carry little extractable text but are full).  Two pages are sparse by
    design: the cover (page 1: title, organisation, period) and a page holding the analyst's box
    (分析人员意见: a dashed frame left empty for the analyst to write in)."""
    import statistics

    from pypdf import PdfReader

    pages = PdfReader(str(demo / "report.pdf")).pages
    texts = [(p.extract_text() or "").strip() for p in pages]
    text = [len(t) for t in texts]
    draws = [b" Do" in p.get_contents().get_data() for p in pages]
    med = statistics.median(text)
    thin = [i + 1 for i in range(1, len(pages) - 1)
            if text[i] < 0.15 * med and not draws[i] and "分析人员意见" not in texts[i]]
    assert not thin, (thin, text)
    assert len(pages) >= 10


def test_html_header_rows_repeat_in_print(demo):
    html = (demo / "report.html").read_text(encoding="utf-8")
    tables = re.findall(r"<table\b[^>]*>(.*?)</table>", html, re.S)
    assert len(tables) >= 15
    for t in tables:
        first = re.match(r"\s*(<thead>)?\s*<tr\b[^>]*>(.*?)</tr>", t, re.S)
        if "<td" not in first.group(2):  # a header row: in <thead>, repeated on continuation pages
            assert first.group(1) == "<thead>", t[:200]
    assert "thead { display: table-header-group; }" in html
    assert re.search(r"\.analyst[^{]*\{ break-inside: avoid", html) or ".analyst, .kpi" in html


# ----------------------------------------------------------------------------- language conventions

def test_lists_joined_by_language():
    from report.labels import join_list
    from report.render import _method_notes

    assert join_list(["甲", "乙", "丙"], "zh") == "甲、乙、丙"
    assert join_list(["a", "b", "c"], "en") == "a, b, c"
    res = {"meta": {"design": {}}, "areas": [{"name": "Env", "weight": 0.5}, {"name": "Traffic", "weight": 0.5}]}
    en = " ".join(_method_notes(res, "en", 30, 10))
    zh = " ".join(_method_notes(res, "zh", 30, 10))
    assert "Env 50%, Traffic 50%" in en and "、" not in en
    assert "Env50%、Traffic50%" in zh


def _docx_summary(paras) -> tuple:
    """(index of the 摘要 heading, its non-empty paragraphs up to the next heading) of a report.docx."""
    head = next(i for i, p in enumerate(paras) if p.text.strip() == "摘要" and p.style.name == "Heading 1")
    points = []
    for p in paras[head + 1:]:
        if p.style.name.startswith("Heading"):
            break
        if p.text.strip():
            points.append(p)
    return head, points


def test_docx_summary_points_are_set_to_fit_one_page(demo):
    """Issue 10: a one-page 摘要.  At the GB/T body's exact 28.9 pt (22 lines a page) the demo's five points ran
    three lines onto a second page in LibreOffice; they are set at SUMMARY_LINE_PT, and every other body
    paragraph keeps the 28.9 pt of GB/T 9704."""
    from docx import Document
    from docx.shared import Pt

    from report.writers.docx import SUMMARY_LINE_PT

    paras = Document(str(demo / "report.docx")).paragraphs
    head, points = _docx_summary(paras)
    # issue 10: one verdict sentence (unnumbered, as in the HTML), then 3–6 points numbered 1, 2, 3…
    verdict, numbered = points[0], points[1:]
    assert not verdict.text[0].isdigit() and all(r.bold for r in verdict.runs if r.text.strip())
    assert 3 <= len(numbered) <= 6 and [p.text.split(".")[0] for p in numbered] == [str(k) for k in range(1, len(numbered) + 1)]
    assert all(p.paragraph_format.line_spacing == Pt(SUMMARY_LINE_PT) for p in points)
    from report.table_cells import text_width

    lines = sum(-(-text_width(p.text) // 54) for p in points)  # 27 Chinese characters of 3号 (16 pt) on 156 mm
    assert lines * SUMMARY_LINE_PT + 60 <= 225 / 25.4 * 72, lines  # the points and the heading fit the text block
    body = next(p for p in paras[head + len(points) + 2:] if p.style.name == "Normal" and len(p.text) > 40)
    assert body.paragraph_format.line_spacing in (None, Pt(28.9)) or body.style.paragraph_format.line_spacing == Pt(28.9)


def test_summary_points_have_the_same_numbers_in_html_docx_and_xlsx(demo):
    """Issue 10's 摘要: a verdict sentence, then numbered points.  Word and Excel numbered the verdict as point 1
    while the HTML and PDF did not, so "point 2" meant two different things; now every format prints the
    verdict unnumbered and the same points 1, 2, 3…"""
    import re

    from docx import Document
    from openpyxl import load_workbook

    html = (demo / "report.html").read_text(encoding="utf-8")
    section = re.search(r'<section class="summary">(.*?)</section>', html, re.S).group(1)
    n_html = len(re.findall(r"<li>", section))
    docx_points = [p.text for p in _docx_summary(Document(str(demo / "report.docx")).paragraphs)[1]
                   if re.match(r"\d+\. ", p.text)]
    ws = next(ws for ws in load_workbook(demo / "report.xlsx").worksheets if "摘要" in ws.title)
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
    assert rows[0][0] is None and rows[0][1]  # the verdict, unnumbered
    numbers = [r[0] for r in rows[1:]]
    assert numbers == list(range(1, n_html + 1)) and len(docx_points) == n_html >= 3

"""A table whose text columns would wrap a few characters a line goes on a landscape page in the PDF, as the
Word report puts it in a landscape section.  The demo report.pdf printed 表22 区县问题清单 on portrait pages,
its 问题, 责任单位 and 热点问题前三位 columns broken into “市文明办（牵 / 头）” and “满意 / 度”; and 九、附录
would have stood alone on a portrait page before its first (landscape) table."""

from __future__ import annotations

from pypdf import PdfReader

from report.records import Table
from report.writers.html_print import print_ready
from report.writers.html_table import table_view
from report.writers.pdf import write_pdf

ISSUES = Table("区县问题清单", [("区县", "text"), ("指标", "text"), ("本区县", "pct"), ("全市", "pct"), ("目标", "pct"),
                              ("问题", "text"), ("热点问题前三位", "text"), ("责任单位", "text"), ("整改时限", "text")],
               [["西城区", "干部作风与行政效能满意度", 0.71, 0.747, 0.8, "低于目标、显著低于全市",
                 "文明养犬、农贸市场管理、公共交通", "市发展改革委（牵头）", ""]] * 30)
SITES = Table("样本调查点构成", [("类别", "text"), ("样本量", "int"), ("样本占比", "pct")],
              [["机关", 1172, 0.299], ["社区", 1652, 0.422], ["企业", 1090, 0.278]])


def test_a_table_of_several_long_text_columns_is_wide_and_a_short_one_is_not():
    assert table_view(ISSUES, "zh").wide
    assert not table_view(SITES, "zh").wide


def _page(table: Table) -> str:
    v = table_view(table, "zh")
    cls = ' class="wide"' if v.wide else ""
    head = "".join(f"<th>{h}</th>" for h in v.headers)
    rows = "".join("<tr>" + "".join(f"<td>{c.text}</td>" for c in r) + "</tr>" for r in v.rows)
    return (f'<h2>九、附录</h2>\n<h3>（一）附表</h3>\n<div class="caption tcap">表22 {table.caption}</div>\n'
            f'<table{cls}><tr>{head}</tr>{rows}</table>\n<div class="note">注：逾期为已过整改时限。</div>\n')


def test_the_wide_table_prints_on_landscape_pages_with_its_headings_and_note(tmp_path):
    html = ('<html><head><style>@page { size: A4; margin: 18mm 16mm 20mm; } h2 { break-before: page; }</style>'
            f'</head><body><p>前文</p>{_page(ISSUES)}<p>后文</p>{_page(SITES)}</body></html>')
    out = tmp_path / "r.pdf"
    write_pdf(print_ready(html), out)
    pages = PdfReader(str(out)).pages
    land = [float(p.mediabox.width) > float(p.mediabox.height) for p in pages]
    text = [p.extract_text() or "" for p in pages]
    assert not land[0] and "前文" in text[0]
    first = next(i for i, t in enumerate(text) if "表22 区县问题清单" in t)
    assert land[first] and "九、附录" in text[first] and "（一）附表" in text[first], (land, text[first][:80])
    note = next(i for i, t in enumerate(text) if "逾期为已过整改时限" in t)
    assert land[note] and "71.0%" in text[note]  # the note printed under the table's last rows
    after = next(i for i, t in enumerate(text) if "后文" in t)
    assert not land[after] and "后文" not in "".join(text[first:after])  # the text after it goes back to portrait
    assert not land[-1] and "样本调查点构成" in text[-1]

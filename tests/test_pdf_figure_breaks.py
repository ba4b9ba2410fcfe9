"""A chart fitting at the foot of a page stays there.  The print stylesheet kept every ``.caption`` with what
follows it (``break-after: avoid``); a figure's caption is its last child, so the rule passed to the figure and
bound it to the next block: in the demo report 图15 (the district ranking) moved to the next page with 表20 and
left two thirds of page 24 blank.  Only table captions (``.tcap``, above their table) and headings keep with what
follows now."""

from __future__ import annotations

from pypdf import PdfReader

from report.writers.html_print import print_ready
from report.writers.pdf import write_pdf

ROWS = "".join(f'<tr><td style="height:1cm">行{i}</td><td>{i}</td></tr>' for i in range(14))
PAGE = f"""<html><head><style>@page {{ size: A4; margin: 2cm; }}</style></head><body>
<h2>六、群体与区县比较</h2>
<div style="height:8cm">开头</div>
<figure><div style="height:7cm; background:#246"></div><figcaption class="caption">图15 南湖区最高</figcaption></figure>
<h3>（一）按调查点比较</h3>
<div class="caption tcap">表20 主要指标按调查点比较</div>
<table><tr><th>指标</th><th>值</th></tr>{ROWS}</table>
</body></html>"""


def test_a_figure_that_fits_stays_on_its_page(tmp_path):
    out = tmp_path / "r.pdf"
    write_pdf(print_ready(PAGE), out)
    pages = [p.extract_text() or "" for p in PdfReader(str(out)).pages]
    assert len(pages) == 2, pages
    assert "图15" in pages[0] and "表20" in pages[1], pages  # the chart at the foot of page 1, the table after it
    assert "（一）按调查点比较" in pages[1]  # the sub-heading still keeps with its table

"""Print layout of the HTML report (weasyprint PDF and Chromium print): no near-empty pages.

Applied to the rendered HTML of any template (bundled or the user's):

* a table's first row of header cells becomes ``<thead>``, and ``thead {display: table-header-group}``
  repeats it on every page a long table continues on;
* a small table (at most :data:`SMALL_TABLE_ROWS` rows and :data:`SMALL_TABLE_CHARS` characters) is kept together with its caption
  and the sub-heading right above it
  (``break-inside: avoid`` on a wrapper), so a page never holds two stray rows or a lone caption;
  long tables may break between rows, never inside one, and never before their last two rows (a page after a
  break never carries one or two rows alone);
* a table marked ``class="wide"`` (report/writers/table_width.py: its text columns would be squeezed to a few
  characters a line in portrait) goes on a landscape page (``@page wide``, the CSS ``page`` property) with its
  sub-heading, caption and note (and the chapter's heading when the table opens the chapter), as the Word
  report puts it in a landscape section;
* table captions and headings keep with what follows; the analyst box, KPI tiles and figures never split.  A
  figure's caption (below its chart) does not keep with what follows: a chart that fits at the foot of a page
  stays there rather than moving with the next, longer table and leaving half a page blank.
"""

from __future__ import annotations

import re

SMALL_TABLE_ROWS = 21  # rows with the head: the top-20 word table (开放题高频词) stays whole, not 5 rows + 15 on the next page
SMALL_TABLE_CHARS = 1200  # a table of long texts (recommendations) may fill more than a page: let it flow

PRINT_CSS = """<style>
thead { display: table-header-group; }
@page wide { size: A4 landscape; }
@media print {
  tr, th, td { break-inside: avoid; }
  /* a long table's last three rows stay together: the English 区县问题清单 left its last row alone under the
     repeated header on a page of its own (the Word report keeps its last rows together too) */
  tbody tr:nth-last-child(-n+2) { break-before: avoid; }
  .tblock, .analyst, .kpi, figure { break-inside: avoid; }
  div.wide { page: wide; }
  div.wide + * { break-before: page; }  /* weasyprint kept what follows on the landscape page */
  h1, h2, h3, .tcap { break-after: avoid; }  /* not a figure's caption: it ends its figure (below the image) */
  p { orphans: 3; widows: 3; }
}
</style>
"""

_TABLE = re.compile(r"(?P<chapter><h2\b[^>]*>[^<]*</h2>\s*)?(?P<head><h3\b[^>]*>[^<]*</h3>\s*)?(?P<cap><div class=\"caption tcap\">[^<]*</div>\s*)?"
                    r"(?P<tab><table\b[^>]*>(?P<body>.*?)</table>)(?P<note>\s*<div class=\"note\">[^<]*</div>)?", re.S)
_WIDE = re.compile(r"<table\b[^>]*\bclass=\"[^\"]*\bwide\b")
_FIRST_TR = re.compile(r"^(\s*)(<tr\b[^>]*>(?:(?!</tr>).)*</tr>)", re.S)


def _table(m: re.Match) -> str:
    h3, cap, tab, body = m.group("head") or "", m.group("cap") or "", m.group("tab"), m.group("body")
    chapter, note = m.group("chapter") or "", m.group("note") or ""
    head = _FIRST_TR.match(body)
    if head and "<td" not in head.group(2) and "<th" in head.group(2) and "<thead" not in body:
        open_tag = tab[:tab.index(">") + 1]
        tab = f"{open_tag}{head.group(1)}<thead>{head.group(2)}</thead><tbody>{body[head.end():]}</tbody></table>"
    rows = body.count("<tr")
    text = len(re.sub(r"<[^>]+>", "", body))
    if rows <= SMALL_TABLE_ROWS and text <= SMALL_TABLE_CHARS:
        block = f'<div class="tblock">{h3}{cap}{tab}</div>'
    else:
        block = h3 + cap + tab
    if _WIDE.match(tab):  # the headings, caption and note turn with the table: never left on a portrait page
        # (九、附录 alone on a page before its first table, 表27)
        return f'<div class="wide">{chapter}{block}{note}</div>'
    return chapter + block + note


def print_ready(html: str) -> str:
    """The report HTML with header rows in ``<thead>``, small tables kept with their captions and the
    print rules above (inserted before ``</head>``)."""
    html = _TABLE.sub(_table, html)
    if "</head>" in html:
        html = html.replace("</head>", PRINT_CSS + "</head>", 1)
    return html

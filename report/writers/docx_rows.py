"""A Word table's body rows written as WordprocessingML in one parse, in place of python-docx's per-cell
objects (``tbl.add_row().cells[i].text = …``: about 0.8 ms a cell through its element wrappers, 5–6 s of
the demo report's 8,000 cells).  The XML is what python-docx writes for the same calls (docx 1.2:
``CT_Tbl.add_tr``/``add_tc`` with the grid column's width, ``_Cell.text``'s one paragraph and run, whose
text becomes ``w:t`` pieces split at tabs (``w:tab``) and line breaks (``w:br``), ``xml:space="preserve"``
on a piece with outer spaces; then the paragraph's style and ``w:jc``): tests/test_docx_rows.py compares
the two element by element."""

from __future__ import annotations

import re
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

_PIECES = re.compile(r"(\t|\r|\n)")


def run_xml(text: str) -> str:
    """The ``w:r`` of ``text`` as python-docx's ``CT_R.text`` setter builds it."""
    out = []
    for piece in _PIECES.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return f"<w:r>{''.join(out)}</w:r>" if out else "<w:r/>"


def append_body_rows(tbl, rows: Sequence[Sequence[str]], aligns: Sequence[str], style_id: str) -> None:
    """Append ``rows`` (each a cell text per column, lines joined by ``\\n``) to the python-docx table
    ``tbl``: each cell as wide as its grid column, one paragraph of style ``style_id`` aligned
    ``aligns[i]`` (``left`` or ``center``)."""
    widths = [g.get(qn("w:w")) for g in tbl._tbl.tblGrid.gridCol_lst]
    style = quoteattr(style_id)
    heads = [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr><w:p><w:pPr><w:pStyle w:val={style}/>'
             f'<w:jc w:val="{a}"/></w:pPr>' for w, a in zip(widths, aligns)]
    body = "".join("<w:tr>" + "".join(h + run_xml(v) + "</w:p></w:tc>" for h, v in zip(heads, r)) + "</w:tr>"
                   for r in rows)
    if not body:
        return
    frag = parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")
    for tr in list(frag):
        tbl._tbl.append(tr)

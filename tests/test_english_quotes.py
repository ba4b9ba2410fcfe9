"""The English PDF report sets quotation marks at their Latin width.  The body font is Noto Serif SC, whose “ ” are
full-width by default (as Chinese text wants them): “Ease of seeing a doctor” had an em of blank beside each mark.
The template asks for the fonts' proportional forms (OpenType ``pwid``) in English; measured here on the printed
page: a quoted word is wider than the same word bare by one quote mark, not by an em."""

from __future__ import annotations

import re
import subprocess

from cli_capture import run_main
from shared_demo import demo_copy

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def _widths(pdf) -> dict:
    """{(word, line height): width} of the words pdftotext finds in the file (the height keeps a
    table's smaller text apart from the body's)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    words: dict = {}
    for x0, y0, x1, y1, w in WORD.findall(out):
        words[w, round(float(y1) - float(y0), 1)] = float(x1) - float(x0)
    return words


def test_quote_marks_are_not_full_width_in_the_english_pdf(tmp_path_factory, capsys):
    demo = demo_copy(tmp_path_factory, "quotes_en")
    rc, out = run_main(capsys, "report", str(demo / "project"), "--lang", "en", "--format", "pdf",
                       "--out", str(demo / "en"))
    assert rc == 0, out
    words = _widths(demo / "en" / "report.pdf")
    pairs = [(w, h, words["“" + w, h], words[w, h]) for w, h in words if w.isalpha() and ("“" + w, h) in words]
    assert pairs, "no word found both bare and after an opening quote"
    for w, h, quoted, bare in pairs:
        # the mark's own width: about a third of an em; full-width, it was a whole em (about 0.7 of the line box)
        assert quoted - bare < 0.45 * h, (w, quoted, bare, h)
    assert len(pairs) >= 2, pairs

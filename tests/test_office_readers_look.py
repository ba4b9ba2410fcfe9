"""The files users open, looked at as their readers see them (Word, Excel).

1. report.docx's 方法说明 printed the formulas' subscripts (“Σwᵢyᵢ”, “se₁² + se₀²”, “df₁”) as empty boxes: U+1D62 and
   U+2080… are in neither 仿宋_GB2312 nor Times New Roman (nor the bundled Noto Serif SC the page tests lay the file
   out with).  The Word file now sets them as Word subscripts of the plain letters.
"""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

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

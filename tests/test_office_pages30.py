"""The Word report's pages the same on every machine, no table ending with a row alone, no ugly breaks in cells
(session 30).

1. The LibreOffice page tests laid report.docx out with whatever fonts the machine had for 仿宋_GB2312, 宋体, …
   (DejaVu Sans on a fresh Debian): the same file passed on one machine and failed on another.  They now convert
   under tests/office_pdf.py's fontconfig configuration: the bundled Noto Serif SC / Noto Sans SC only.
2. 表27 (整改台账在办事项) printed its last row alone on a page under the repeated header: the last
   KEEP_LAST_ROWS body rows of a long table now keep together.
3. Cells broke inside a date (“2026 年 10 / 月 30 日”), inside a bracketed group (“市文明办（牵 / 头）”,
   “社会治安与法治满意度（指 / 数）”) and four-character heads 3+1 (“有效样 / 本”): report/writers/docx_lines.py.
The pages themselves are checked in tests/test_office_details29.py.
"""

from __future__ import annotations

import shutil

import pytest

from office_pdf import SANS, SANS_NAMES, SERIF, SERIF_NAMES, fc_match, fonts_named


# ----------------------------------------------------------------------------- 1. fonts


def _look_fonts() -> set:
    from report.writers.docx_style import LOOKS

    names = {"Times New Roman"}
    for look in LOOKS.values():
        for f in ("title", "h1", "h2", "body", "body_en", "table", "caption", "page_no"):
            names.add(getattr(look, f)[0])
    return names


def test_every_font_the_word_looks_name_is_mapped_to_a_bundled_font(tmp_path):
    """fc-match under the tests' configuration: 黑体 → Noto Sans SC, 宋/仿宋/楷/小标宋 and Times → Noto Serif SC,
    whatever the machine has installed (on a fresh Debian 仿宋_GB2312 was DejaVu Sans)."""
    assert shutil.which("fc-match"), "fontconfig's fc-match is needed (Debian: fontconfig)"
    names = _look_fonts()
    assert {"仿宋_GB2312", "宋体", "黑体", "楷体_GB2312", "方正小标宋简体", "仿宋"} <= names
    assert names <= set(SERIF_NAMES) | set(SANS_NAMES), names - set(SERIF_NAMES) - set(SANS_NAMES)
    got = {n: fc_match(n, tmp_path) for n in names | {"SimSun", "Arial", "Calibri", "Cambria"}}
    want = {n: SANS if n in SANS_NAMES else SERIF for n in got}
    assert got == want
    assert fc_match("a font nobody has", tmp_path) in (SANS, SERIF)  # never a system font


def test_the_word_files_name_only_mapped_fonts(tmp_path):
    """report.docx and the brief name no font the configuration leaves to the machine (docx_to_pdf refuses)."""
    import tracking_world as W

    W.build(tmp_path, waves=1, n=200)
    rc, _, err = W.survey("report", tmp_path / "project", "--format", "docx", "--out", tmp_path / "r", "--quiet")
    assert rc == 0, err
    named = fonts_named(tmp_path / "r" / "report.docx")
    assert {"仿宋_GB2312", "黑体", "宋体"} <= named
    assert named <= set(SERIF_NAMES) | set(SANS_NAMES), named - set(SERIF_NAMES) - set(SANS_NAMES)


# ----------------------------------------------------------------------------- 2. the table's last rows


def _keep_next_rows(n_body: int, has_note: bool = False) -> list:
    from docx import Document

    from report.writers.docx import keep_table_together

    doc = Document()
    tbl = doc.add_table(rows=1 + n_body, cols=3)
    keep_table_together(tbl, n_body, has_note)
    return [i for i, row in enumerate(tbl.rows)
            if all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)]


def test_a_long_table_keeps_its_last_rows_together():
    """Row 0 is the header.  18 body rows: header + first KEEP_FIRST_ROWS rows keep with next, and the rows before
    the last inside the last KEEP_LAST_ROWS (so a page after a break never holds one or two rows alone)."""
    from report.writers.docx import KEEP_FIRST_ROWS, KEEP_LAST_ROWS

    assert KEEP_LAST_ROWS == 3
    n = 18
    tail = list(range(n + 1 - KEEP_LAST_ROWS, n))  # body rows 16, 17 keep with the last (18)
    assert _keep_next_rows(n) == list(range(KEEP_FIRST_ROWS)) + tail == [0, 1, 16, 17]
    assert _keep_next_rows(n, has_note=True) == [0, 1, 16, 17, 18]  # the last row keeps with the note
    assert _keep_next_rows(5) == [0, 1, 2, 3, 4]  # a short table stays whole, as before


# ----------------------------------------------------------------------------- 3. line breaks in cells


@pytest.mark.parametrize("text, width_cm, lines", [
    ("有效样本", 1.75, ["有效", "样本"]),            # a 3-character column: 2+2, not 3+1
    ("设计效应", 1.75, ["设计", "效应"]),
    ("满意度指数", 1.75, ["满意度指数"]),           # 3+2 breaks well: left to the word processor
    ("有效样本", 2.2, ["有效样本"]),                # fits
    ("市文明办（牵头）", 3.2, ["市文明办", "（牵头）"]),  # not “市文明办（牵 / 头）”
    ("城市环境满意度（满意率）", 4.23, ["城市环境满意度", "（满意率）"]),
    ("市城市管理局", 2.62, ["市城市", "管理局"]),      # not 5+1
    ("社会治安与法治满意度（指数）", 5.18, ["社会治安与法治满意度", "（指数）"]),  # not “（指 / 数）”
    ("Estimate", 1.75, ["Estimate"]),              # Latin: the word processor's business
])
def test_a_cell_that_would_break_badly_gets_good_line_breaks(text, width_cm, lines):
    from report.writers.docx_lines import cell_lines

    assert cell_lines(text, width_cm, 10.5) == lines
    assert "".join(lines) == text  # line breaks only: the cell's text is unchanged
    mixed = "调查问卷（版本 2026.1）"
    assert "".join(cell_lines(mixed, 1.9, 10.5)) == mixed  # a space at a break is kept


def test_a_wrapping_column_holds_its_widest_date_or_bracketed_group():
    from report.writers.docx_lines import cell_lines, unit_floor_cm

    floor = unit_floor_cm(["2026年7月30日", "2026年10月30日", ""], 10.5)
    assert 3.5 < floor < 4.2  # 8 digits, 3 characters, the spaces between: about 3.7 cm at 10.5 pt
    assert cell_lines("2026年10月30日", floor, 10.5) == ["2026年10月30日"]
    assert unit_floor_cm(["市文明办（牵头）"], 10.5) < unit_floor_cm(["城市总体满意度（满意率）"], 10.5)

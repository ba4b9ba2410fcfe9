"""`survey trend --out` as a fieldwork coordinator reads it (product rules: nothing cut off in Chinese text a leader
reads, no raw ids, numbers as the other outputs write them).

1. The note under the small multiples broke inside a wave label: charts/trend_areas.png of three waves read
   "…3=2026年第三季 / 度。误差线…（↑ / ↓显著…" — textwrap found no space in Chinese and cut at a character count.
2. trend.xlsx with --by site headed its heat sheets "site" (the option's name) where the heat map says 调查点.
3. trend.xlsx showed a p below 0.001 as 0.000 where every text output writes p<0.001."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

import tracking_world as W
from report.trend_charts import NOTE_BREAK_AFTER, wrap_note


def _note_lines(svg: str) -> list:
    """The note's lines as matplotlib writes them into the SVG (one comment per line of drawn text)."""
    lines = re.findall(r"<!-- (.*?) -->", svg)
    start = next(i for i, x in enumerate(lines) if x.startswith("期次"))
    return lines[start:]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("trend_field27")
    W.build(root, waves=3, n=300)
    rc, _, err = W.survey("trend", root / "project", "--by", "site", "--out", root / "out")
    assert rc == 0, err
    return root / "out"


def test_the_note_under_the_panels_breaks_after_punctuation(out):
    for chart in ("trend_areas", "trend_rates"):
        lines = _note_lines((out / "charts" / f"{chart}.svg").read_text(encoding="utf-8"))
        assert len(lines) >= 2, lines  # the note is wrapped (else the test would prove nothing)
        for label in (w[1] for w in W.WAVES[:3]):
            assert label in "".join(lines)
        for line in lines[:-1]:
            assert line[-1] in NOTE_BREAK_AFTER, lines


def test_a_piece_longer_than_a_line_is_cut_and_nothing_is_lost():
    note = "期次：" + "很长" * 30 + "；2=2026年第二季度。"
    lines = wrap_note(note, 20, "zh")
    assert "".join(lines) == note and max(len(x) for x in lines) <= 20


def test_heat_sheets_name_the_grouping_in_words_and_p_is_written_as_elsewhere(out):
    wb = load_workbook(out / "trend.xlsx")
    heat = [wb[n] for n in wb.sheetnames[1:]]
    assert heat and all(sh.cell(2, 1).value == "调查点" for sh in heat)
    assert all(sh.cell(sh.max_row, 1).value == "全市" for sh in heat)
    ws = wb["趋势"]
    head = [c.value for c in ws[1]]
    p_cols = [j for j, h in enumerate(head, start=1) if h in ("较上期p", "较首期p", "趋势p")]
    cells = [ws.cell(r, j) for r in range(2, ws.max_row + 1) for j in p_cols if ws.cell(r, j).value is not None]
    assert any(c.value < 0.001 for c in cells)  # the case that matters is there
    for c in cells:
        assert isinstance(c.value, (int, float))  # still a number
        assert c.number_format == '[<0.001]"<0.001";0.000'

"""report.xlsx: the numbered findings of a sheet (1, 2 … in column A, the text from column B) end at one column.
Each was merged as far as its own length asked, so on 2样本构成 finding 1 ran B41:J41 and finding 2 B42:L42, a
ragged right edge over two rows of one list."""

from __future__ import annotations

from openpyxl import load_workbook

from shared_demo import demo_run


def test_numbered_findings_share_one_right_edge(tmp_path_factory):
    wb = load_workbook(demo_run(tmp_path_factory).out / "report.xlsx")
    lists = 0
    for ws in wb.worksheets:
        ends = {m.min_row: m.max_col for m in ws.merged_cells.ranges if m.min_col == 2 and m.min_row == m.max_row}
        numbered = [r for r in ends if isinstance(ws.cell(r, 1).value, int)]
        if len(numbered) >= 2:
            lists += 1
            assert len({ends[r] for r in numbered}) == 1, (ws.title, {r: ends[r] for r in numbered})
    assert lists >= 2  # the demo's sheets with two or more numbered findings (样本构成, 主要发现 …)

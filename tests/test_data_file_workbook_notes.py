"""A workbook given to ``survey estimate`` (and crosstab, weight) is read as ``survey import`` reads it, and what
that reading did is said on stderr as the import says it: ranges merged down one column are filled with their value
(a 调查点 typed once over a block of rows: Excel shows it on every row), and sheets beside the first that hold rows
are not read.  Both happened without a word; the estimate changed with the fill."""

from __future__ import annotations

from openpyxl import Workbook

from cli_capture import run_main


def _book(path, *, second_sheet: bool):
    wb = Workbook()
    ws = wb.active
    ws.title = "answers"
    ws.append(["id", "site", "sat"])
    rows = [(1, "东区", 1), (2, None, 0), (3, None, 1), (4, "西区", 0), (5, None, 0), (6, None, 1)]
    for r in rows:
        ws.append(list(r))
    ws.merge_cells("B2:B4")  # 东区 over rows 2–4 of the sheet
    ws.merge_cells("B5:B7")  # 西区 over rows 5–7
    if second_sheet:
        other = wb.create_sheet("第二批")
        other.append(["id", "site", "sat"])
        other.append([7, "北区", 1])
    wb.save(path)


def test_merged_ranges_are_filled_and_said(tmp_path, capsys):
    book = tmp_path / "d.xlsx"
    _book(book, second_sheet=False)
    rc, text = run_main(capsys, "estimate", str(book), "--var", "sat", "--by", "site", "--json")
    assert rc == 0, text
    # each site has its three rows: 东区 2 of 3 satisfied, 西区 1 of 3
    assert '"n": 3' in text and "0.666666" in text and "0.333333" in text, text
    assert "2 merged cell range(s) filled down with their value" in text, text
    assert "column site rows 2–4, 5–7" in text, text


def test_sheets_beside_the_first_are_said(tmp_path, capsys):
    book = tmp_path / "d.xlsx"
    _book(book, second_sheet=True)
    rc, text = run_main(capsys, "estimate", str(book), "--var", "sat")
    assert rc == 0, text
    assert "only the first sheet was read; 1 other sheet(s)" in text and "'第二批'" in text, text


def test_a_plain_workbook_says_nothing_more(tmp_path, capsys):
    wb = Workbook()
    wb.active.append(["id", "sat"])
    for i in range(4):
        wb.active.append([i, i % 2])
    wb.save(tmp_path / "d.xlsx")
    rc, text = run_main(capsys, "estimate", str(tmp_path / "d.xlsx"), "--var", "sat")
    assert rc == 0 and "merged" not in text and "sheet" not in text, text

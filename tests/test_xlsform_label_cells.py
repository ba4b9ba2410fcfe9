"""survey convert --to yaml: a label cell pyxform reads as empty — a formula the workbook holds no saved value for
(written by openpyxl or a script), or a merged cell other than the first — gives the name as the text, and the
warning names the sheet, row and cell and says why."""

from __future__ import annotations

import openpyxl

from cli_capture import run_main

ZH = "label::Chinese (zh)"


def test_formula_and_merged_label_cells_are_warned_about_by_cell(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for r in [["type", "name", ZH], ["select_one yn", "q1", "问题一"], ["select_one yn", "q2", None],
              ["select_one yn", "q3", '=CONCAT("问题","三")']]:
        ws.append(r)
    ws.merge_cells("C2:C3")
    ch = wb.create_sheet("choices")
    for r in [["list_name", "name", ZH], ["yn", "1", "是"], ["yn", "2", '="否"']]:
        ch.append(r)
    form = tmp_path / "cells.xlsx"
    wb.save(form)
    rc, out = run_main(capsys, "convert", str(form), "--to", "yaml")
    assert rc == 0, out
    warned = [ln for ln in out.splitlines() if ln.startswith("warning:")]
    assert any("sheet survey, row 3, cell C3: the label is empty — the cell is part of the merged cells C2:C3" in w
               and "its name q2 is used" in w for w in warned), out
    assert any("sheet survey, row 4, cell C4: the label is a formula" in w and "its name q3 is used" in w
               for w in warned), out
    told = [w for w in warned if "sheet choices, row 3, cell C3: the label is a formula" in w]
    assert len(told) == 1 and "its name 2 is used" in told[0]  # once, though three questions use the list

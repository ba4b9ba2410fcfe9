"""A summary row left under the answers by Excel (合计 / 总计 with a sum in an answer column, or a =SUM formula that
was never computed) was quarantined with two records: what the cell holds (``value '22' is not an option``) and
``the row is empty`` (column ``-``), which it is not.  A row whose cells the importer could not read now has
those cells' records only; a row that holds no answer at all is still ``blank-row``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cli_capture import csv_text, init_project, run_main

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"


def _code_rows() -> list[list[str]]:
    with open(DATA / "wjx_by_code.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _records(capsys, proj: str) -> list[dict]:
    rc, out = run_main(capsys, "quarantine", proj, "--json")
    assert rc == 0, out
    got = json.loads(out)
    return got["records"] if isinstance(got, dict) else got


def test_a_summary_row_with_a_total_is_what_it_holds_not_empty(tmp_path, capsys):
    rows = _code_rows()
    q1 = rows[0].index("1、您的工作单位：")
    total = sum(int(r[q1]) for r in rows[1:])  # the column's sum, as 合计 = SUM(G2:G13) shows it
    summary = [""] * len(rows[0])
    summary[0], summary[q1] = "合计", str(total)
    f = tmp_path / "with_total.csv"
    f.write_text(csv_text(rows + [summary]), encoding="utf-8-sig")
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0, out
    assert "12 accepted, 1 quarantined" in out and "blank-row" not in out, out
    recs = _records(capsys, proj)
    assert [(r["row"], r["code"], r["value"]) for r in recs] == [(len(rows) + 1, "unknown-option", str(total))], recs


def test_a_row_without_any_answer_is_still_blank(tmp_path, capsys):
    rows = _code_rows()
    summary = ["合计"] + [""] * (len(rows[0]) - 1)
    f = tmp_path / "with_label_only.csv"
    f.write_text(csv_text(rows + [summary]), encoding="utf-8-sig")
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0, out
    assert [(r["row"], r["code"]) for r in _records(capsys, proj)] == [(len(rows) + 1, "blank-row")]


def test_a_summary_formula_without_a_value_is_the_formula_only(tmp_path, capsys):
    from openpyxl import Workbook

    rows = _code_rows()
    wb = Workbook()
    ws = wb.active
    ws.title = "答卷"
    for r in rows:
        ws.append([int(v) if v.lstrip("-").isdigit() else v for v in r])
    ws.append(["合计", None, None, None, None, None, f"=SUM(G2:G{len(rows)})"])  # written by a program: no value
    f = tmp_path / "formula_total.xlsx"
    wb.save(f)
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0, out
    assert [(r["row"], r["code"]) for r in _records(capsys, proj)] == [(len(rows) + 1, "formula-no-value")]

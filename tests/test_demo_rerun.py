"""`survey demo` run again into a folder where an analyst tried the ledger: the demo rebuilds the folder from scratch,
so edits stored by `survey ledger --update` or typed into ledger.xlsx would be lost — it stops before changing
anything (it used to delete the project, then stop at the ledger step with advice that could not work)."""

from __future__ import annotations

import hashlib

import pytest
from openpyxl import load_workbook

from cli_capture import run_main
from shared_demo import DEMO_ARGV, demo_copy
from survey.ledger import HEADERS, SHEET

from report.demo import refuse_to_discard_ledger_work


def _edit_measures(sheet_path, text: str) -> None:
    wb = load_workbook(sheet_path)
    ws = wb[SHEET]
    col = next(c.column for c in ws[1] if c.value == HEADERS["measures"])
    ws.cell(row=2, column=col, value=text)
    wb.save(sheet_path)


def _digest(folder) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def demo(tmp_path_factory):
    return demo_copy(tmp_path_factory, "demo_rerun", folder=DEMO_ARGV[-1])


def test_the_demo_own_files_are_not_the_analysts_work(demo):
    refuse_to_discard_ledger_work(demo)  # nothing edited: the rebuild may go ahead


def test_edits_typed_into_ledger_xlsx_stop_the_demo_before_anything_changes(demo, capsys, monkeypatch):
    _edit_measures(demo / "ledger.xlsx", "增设夜间保洁班组")
    before = _digest(demo)
    monkeypatch.chdir(demo.parent)
    rc, out = run_main(capsys, *DEMO_ARGV)
    assert rc == 1, out
    assert "holds the analysts' ledger work (1 edit(s) in ledger.xlsx not stored yet" in out
    assert "nothing was changed" in out and "Traceback" not in out
    assert _digest(demo) == before


def test_edits_stored_by_update_stop_the_demo_too(demo, capsys):
    _edit_measures(demo / "ledger.xlsx", "增设夜间保洁班组")
    rc, out = run_main(capsys, "ledger", str(demo / "project"), "--update", str(demo / "ledger.xlsx"))
    assert rc == 0, out
    with pytest.raises(Exception) as e:
        refuse_to_discard_ledger_work(demo)
    assert "1 edit(s) stored in project by survey ledger --update" in str(e.value)

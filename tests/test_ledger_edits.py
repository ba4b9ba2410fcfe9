"""The ledger spreadsheet as offices really edit it, and the ledger's runs out of order, on the six-wave world
(tests/tracking_world.py): unsaved edits are never overwritten; an older copy never undoes what the store
learnt since; merged cells apply to every row they span; renamed columns, rows sorted apart and earlier
waves are refused with the reason; a check on too few answers verifies nothing; an item reported 已整改
that the data show unresolved is reopened (and counts in the brief)."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from openpyxl import load_workbook

import tracking_world as W
from analysis.ledger import NO_DATA, UNCHANGED, WORSE, Evidence, MeasureStat, verify
from survey.ledger import BASE_SHEET, COLUMNS, DOING, DONE, TODO, VERIFIED, LedgerItem, LedgerStore, data_status
from survey.store import Project

W5, W6 = W.WAVES[4][0], W.WAVES[5][0]
COL = {k: j + 1 for j, (k, _, _) in enumerate(COLUMNS)}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """Five waves; the ledger of wave 5 (ZG-001 … ZG-004, all 待整改) stored and written to w5.xlsx."""
    root = tmp_path_factory.mktemp("ledger_edits")
    project = W.build(root, waves=5)
    project.config["ledger"] = {"hot_issue_share": 0.30, "deadline_days": 30}
    project.save_config()
    rc, _, err = W.survey("ledger", root / "project", "--wave", W5, "--out", root / "w5.xlsx")
    assert rc == 0, err
    return root


@pytest.fixture(scope="module")
def verified(base, tmp_path_factory):
    """``base`` plus: ZG-001's unit and ZG-004's status (已整改) stored from a copy of w5.xlsx, then wave 6 —
    which verifies ZG-002 and ZG-003 (已验证) and reopens ZG-004 (北山区 still lags)."""
    root = tmp_path_factory.mktemp("ledger_edits_w6")
    shutil.copytree(base / "project", root / "project")
    shutil.copy(base / "w5.xlsx", root / "w5.xlsx")
    edit(root / "w5.xlsx", root / "w5_edited.xlsx", {("ZG-001", "unit"): "市民政局", ("ZG-004", "status"): "已整改"})
    rc, _, err = W.survey("ledger", root / "project", "--update", root / "w5_edited.xlsx")
    assert rc == 0, err
    W.add_wave(root, 5)
    rc, text, err = W.survey("ledger", root / "project", "--wave", W6, "--json")
    assert rc == 0, err
    doc = json.loads(text)
    assert {i["id"]: i["status"] for i in doc["items"]} == {"ZG-001": TODO, "ZG-002": VERIFIED, "ZG-003": VERIFIED,
                                                            "ZG-004": DOING}
    return root


def copy(root, tmp_path):
    """A copy of the project of ``root`` and its workbooks, so that each test starts from the same state."""
    shutil.copytree(root / "project", tmp_path / "project")
    for f in root.glob("*.xlsx"):
        shutil.copy(f, tmp_path / f.name)
    return tmp_path / "project"


def edit(src, dst, changes: dict, wb_hook=None):
    """Save a copy of ledger ``src`` with ``changes`` {(item id, column key): value} (as an office would)."""
    wb = load_workbook(src)
    ws = wb["整改台账"]
    rows = {ws.cell(r, COL["id"]).value: r for r in range(2, ws.max_row + 1)}
    for (ident, key), v in changes.items():
        ws.cell(rows[ident], COL[key]).value = v
    if wb_hook:
        wb_hook(wb, ws, rows)
    wb.save(dst)
    return dst


def items(project) -> dict:
    return {it.id: it for it in LedgerStore(Project.open(project)).items()}


def test_out_never_overwrites_edits_not_in_the_store(base, tmp_path):
    project = copy(base, tmp_path)
    ledger = edit(tmp_path / "w5.xlsx", tmp_path / "L.xlsx", {("ZG-001", "unit"): "市城市管理局"})
    rc, _, err = W.survey("ledger", project, "--wave", W5, "--out", ledger)
    assert rc == 1
    assert "holds 1 edit(s) not in the project store" in err and f"--update {ledger}" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    ws = load_workbook(ledger)["整改台账"]
    assert "市城市管理局" in [ws.cell(r, COL["unit"]).value for r in range(2, ws.max_row + 1)]  # not lost
    rc, _, err = W.survey("ledger", project, "--update", ledger)
    assert rc == 0, err
    rc, _, err = W.survey("ledger", project, "--wave", W5, "--out", ledger)  # now its fields are the store's
    assert rc == 0, err


def test_out_overwrites_an_older_copy_without_edits(verified, tmp_path):
    """Cells as written are no edits even where the store changed since (ZG-001's unit, wave 6's statuses);
    in a file that does not say what it was written with, the 已验证 statuses it lacks are none either
    (--update could never store them)."""
    project = copy(verified, tmp_path)
    rc, _, err = W.survey("ledger", project, "--wave", W6, "--out", tmp_path / "w5.xlsx")
    assert rc == 0, err
    legacy = edit(tmp_path / "w5_edited.xlsx", tmp_path / "legacy.xlsx", {("ZG-004", "status"): "整改中"},
                  wb_hook=lambda wb, ws, rows: wb.remove(wb[BASE_SHEET]))
    rc, _, err = W.survey("ledger", project, "--wave", W6, "--out", legacy)
    assert rc == 0, err
    ws = load_workbook(legacy)["整改台账"]
    assert {ws.cell(r, COL["id"]).value: ws.cell(r, COL["status"]).value for r in range(2, ws.max_row + 1)}["ZG-002"] \
        == VERIFIED


def test_out_must_be_an_xlsx_name(base, tmp_path):
    """A wrong name is a usage error (exit 2, as trend and score give for a wrong command line)."""
    project = copy(base, tmp_path)
    rc, _, err = W.survey("ledger", project, "--wave", W5, "--out", tmp_path / "lx.csv")
    assert rc == 2 and "must end in .xlsx" in err and not (tmp_path / "lx.csv").exists()
    rc, _, err = W.survey("ledger", project, "--update", tmp_path / "w5.xlsx", "--out", tmp_path / "lx.csv")
    assert rc == 2 and "must end in .xlsx" in err and not (tmp_path / "lx.csv").exists()


def test_an_older_copy_never_undoes_newer_state(verified, tmp_path):
    """w5.xlsx was written before ZG-001's unit was stored and before wave 6 verified ZG-002/3 and reopened
    ZG-004: its cells left as written are not applied (and said so), its new edit is."""
    project = copy(verified, tmp_path)
    old = edit(tmp_path / "w5.xlsx", tmp_path / "old.xlsx", {("ZG-003", "note"): "已协调停车场共享"})
    rc, text, err = W.survey("ledger", project, "--update", old)
    assert rc == 0, err
    got = items(project)
    assert got["ZG-002"].status == VERIFIED and got["ZG-003"].status == VERIFIED  # set by the data: kept
    assert got["ZG-004"].status == DOING and got["ZG-001"].unit == "市民政局"        # newer state kept
    assert got["ZG-003"].note == "已协调停车场共享"                                   # the copy's own edit
    assert "1 field(s) changed" in text
    assert "kept as stored" in err and "ZG-002 status" in err and "ZG-001 unit" in err


def test_an_older_copy_editing_what_changed_since_is_an_error(verified, tmp_path):
    project = copy(verified, tmp_path)
    old = edit(tmp_path / "w5.xlsx", tmp_path / "old.xlsx",
               {("ZG-001", "unit"): "市住房城乡建设局", ("ZG-002", "status"): "已整改", ("ZG-003", "note"): "x"})
    rc, _, err = W.survey("ledger", project, "--update", old)
    assert rc == 1
    assert "'市住房城乡建设局' was entered in a copy written when the field was '市发展改革委（牵头）', " \
           "but the project store has '市民政局' since" in err
    assert "the item is 已验证" in err and "'已整改' cannot replace it" in err
    got = items(project)
    assert got["ZG-001"].unit == "市民政局" and got["ZG-002"].status == VERIFIED and got["ZG-003"].note == ""


def test_a_copy_without_its_written_state_keeps_verified_statuses(verified, tmp_path):
    """A file written by an earlier minyi (no hidden sheet): cells are edits, but 已验证 is kept and said so; and
    such a file older than the store's latest verification is refused whole."""
    project = copy(verified, tmp_path)
    legacy = edit(tmp_path / "w5.xlsx", tmp_path / "legacy.xlsx", {("ZG-003", "note"): "x"},
                  wb_hook=lambda wb, ws, rows: wb.remove(wb[BASE_SHEET]))
    rc, _, err = W.survey("ledger", project, "--update", legacy)
    assert rc == 1 and "but the project store has a later check (ZG-001 2026年第二季度" in err
    assert items(project)["ZG-002"].status == VERIFIED and items(project)["ZG-003"].note == ""
    rc, _, err = W.survey("ledger", project, "--wave", W6, "--out", tmp_path / "w6.xlsx")
    assert rc == 0, err
    legacy = edit(tmp_path / "w6.xlsx", tmp_path / "legacy6.xlsx", {("ZG-002", "status"): "已整改"},
                  wb_hook=lambda wb, ws, rows: wb.remove(wb[BASE_SHEET]))
    rc, _, err = W.survey("ledger", project, "--update", legacy)
    assert rc == 0, err
    assert items(project)["ZG-002"].status == VERIFIED
    assert "kept 已验证: " in err and "does not record what it was written with" in err


def test_an_earlier_wave_is_refused_also_after_removing_the_later_import(verified, tmp_path):
    project = copy(verified, tmp_path)
    before = items(project)
    rc, _, err = W.survey("ledger", project, "--wave", W5)
    assert rc == 1 and "already holds wave 2026年第二季度, which comes after 2026年第一季度" in err
    after = items(project)
    assert sorted(after) == sorted(before)  # no duplicates
    assert {i: it.check["wave"] for i, it in after.items() if it.check} == {i: W6 for i in before}  # not rewound
    imports = Project.open(project).imports()
    Project.open(project).remove_import(int(imports[imports["wave"] == W6]["id"].iloc[0]))
    # the removed wave is placed by its start date in minyi.yaml: still after wave 5
    rc, _, err = W.survey("ledger", project, "--wave", W5)
    assert rc == 1 and "already holds wave 2026年第二季度, which comes after 2026年第一季度" in err
    p = Project.open(project)
    del p.config["waves"][W6]["start"]
    p.save_config()
    rc, _, err = W.survey("ledger", project, "--wave", W5)  # without its date it cannot be placed
    assert rc == 1 and "wave '2026年第二季度', which the project no longer has" in err
    assert sorted(items(project)) == sorted(before)
    assert {i: it.check["wave"] for i, it in items(project).items() if it.check} == {i: W6 for i in before}


def test_merged_cells_apply_to_every_row_they_span(base, tmp_path):
    project = copy(base, tmp_path)

    def merge(wb, ws, rows):
        ws.cell(2, COL["unit"]).value = "市城市管理局"
        ws.merge_cells(start_row=2, end_row=4, start_column=COL["unit"], end_column=COL["unit"])

    ledger = edit(tmp_path / "w5.xlsx", tmp_path / "merged.xlsx", {}, wb_hook=merge)
    ws = load_workbook(ledger)["整改台账"]
    ids = [ws.cell(r, COL["id"]).value for r in (2, 3, 4)]
    letter = ws.cell(1, COL["unit"]).column_letter
    rc, text, err = W.survey("ledger", project, "--update", ledger)
    assert rc == 0, err
    assert {items(project)[i].unit for i in ids} == {"市城市管理局"}
    assert f"merged cells {letter}2:{letter}4 (责任单位): the value applied to every row they span" in text

    def across(wb, ws, rows):
        ws.merge_cells(start_row=2, end_row=2, start_column=COL["unit"], end_column=COL["deadline"])

    ledger = edit(tmp_path / "w5.xlsx", tmp_path / "across.xlsx", {}, wb_hook=across)
    rc, _, err = W.survey("ledger", project, "--update", ledger)
    assert rc == 1 and "merged across the columns 责任单位、整改时限" in err


def test_renamed_editable_columns_are_an_error(base, tmp_path):
    project = copy(base, tmp_path)

    def rename(wb, ws, rows):
        ws.cell(1, COL["deadline"]).value = "完成时限"
        ws.cell(1, COL["status"]).value = "整改状态"
        ws.cell(2, COL["status"]).value = "已整改"

    ledger = edit(tmp_path / "w5.xlsx", tmp_path / "hdr.xlsx", {}, wb_hook=rename)
    rc, _, err = W.survey("ledger", project, "--update", ledger)
    assert rc == 1 and "Traceback" not in err
    assert "no column 整改时限、状态" in err and "完成时限" in err and "整改状态" in err
    assert "did you mean '完成时限'" in err
    assert all(it.status == TODO for it in items(project).values())


def test_rows_must_match_the_item_of_their_id(base, tmp_path):
    """Columns B:L sorted apart from 编号 and the yellow columns, or another project's ledger: nothing stored."""
    project = copy(base, tmp_path)

    def swap(wb, ws, rows):
        for c in range(COL["wave"], COL["target"] + 1):
            a, b = ws.cell(2, c), ws.cell(3, c)
            a.value, b.value = b.value, a.value
        ws.cell(2, COL["note"]).value = "这一格不能存到别的事项上"

    ledger = edit(tmp_path / "w5.xlsx", tmp_path / "sorted.xlsx", {}, wb_hook=swap)
    ws = load_workbook(ledger)["整改台账"]
    first = ws.cell(2, COL["id"]).value
    rc, _, err = W.survey("ledger", project, "--update", ledger)
    assert rc == 1 and f"item {first}: the row shows 问题类型" in err and "but the project store has" in err
    assert all(it.note == "" for it in items(project).values())

    other = edit(tmp_path / "w5.xlsx", tmp_path / "other.xlsx", {("ZG-001", "wave"): "2026年3月"})
    rc, _, err = W.survey("ledger", project, "--update", other)
    assert rc == 1 and "item ZG-001: the row shows 发现期次 '2026年3月', but the project store has 发现期次 '2026年第一季度'" in err


def test_yellow_columns_sorted_alone_are_an_error(base, tmp_path):
    """A sort of only M:Q keeps every identifying column in place; the rows then hold each other's yellow cells."""
    project = copy(base, tmp_path)

    def reverse(wb, ws, rows):
        block = [[ws.cell(r, c).value for c in range(COL["unit"], COL["note"] + 1)] for r in range(2, ws.max_row + 1)]
        for r, vals in zip(range(2, ws.max_row + 1), reversed(block)):
            for c, v in zip(range(COL["unit"], COL["note"] + 1), vals):
                ws.cell(r, c).value = v

    ledger = edit(tmp_path / "w5.xlsx", tmp_path / "yellow_sorted.xlsx", {}, wb_hook=reverse)
    before = {i: it.unit for i, it in items(project).items()}
    rc, _, err = W.survey("ledger", project, "--update", ledger)
    assert rc == 1 and "were exchanged between their rows" in err
    assert {i: it.unit for i, it in items(project).items()} == before
    # one real edit is no exchange
    one = edit(tmp_path / "w5.xlsx", tmp_path / "one.xlsx", {("ZG-001", "unit"): "市公安局"})
    rc, _, err = W.survey("ledger", project, "--update", one)
    assert rc == 0, err


def test_a_check_on_too_few_answers_verifies_nothing():
    """Raised at 70% [68, 72] against 80%; a new wave at 76% with n=3 (a CI up to 100%) no longer lies below
    the target, but says nothing: 无法核验, not fixed.  With 1,000 answers the same CI test is a check."""
    ev = Evidence(0.70, 0.01, 0.68, 0.72, 1000, 999.0, target=0.8)
    tiny = MeasureStat("s", "s", "rate", 0.76, 0.25, 0.05, 1.0, 3, 2.0, target=0.8)
    v = verify("below_target", ev, tiny, still_raised=False, min_n=30)
    assert (v.result, v.fixed) == (NO_DATA, False)
    big = MeasureStat("s", "s", "rate", 0.79, 0.006, 0.778, 0.802, 1000, 999.0, target=0.8)
    assert verify("below_target", ev, big, still_raised=False, min_n=30).fixed
    # an estimate lower than when raised is never a fix, even where the rule no longer raises the item
    # (n=40: 65% [50, 80] reaches the 80% target only through its width)
    lower = MeasureStat("s", "s", "rate", 0.65, 0.075, 0.50, 0.80, 40, 39.0, target=0.8)
    v = verify("below_target", ev, lower, still_raised=False, min_n=30)
    assert (v.result, v.fixed) == (UNCHANGED, False)
    sig_worse = MeasureStat("s", "s", "rate", 0.62, 0.01, 0.60, 0.64, 1000, 999.0, target=0.8)
    v = verify("below_target", ev, sig_worse, still_raised=False)
    assert (v.result, v.fixed) == (WORSE, False)


def test_the_sheet_says_why_a_check_did_not_close_an_item():
    from report.ledger import check_text

    item = LedgerItem("ZG-001", "below_target", "s", "rate", None, "w", None, "s", {"estimate": 0.7},
                      check={"wave": "w2", "result": NO_DATA, "fixed": False, "n": 3})
    assert check_text(item, {"small_base": 30})[1:] == ("无法核验", "样本量不足（n=3，少于30），不作核验")
    # not fixed: what is still wrong — below the target, or (the CI reaching it) no better than when raised
    item.evidence["target"] = 0.8
    item.check = {"wave": "w2", "result": UNCHANGED, "fixed": False, "n": 40, "estimate": 0.72, "ci_low": 0.6,
                  "ci_high": 0.78, "diff": 0.02, "p": 0.7}
    assert check_text(item, {})[1] == "无显著变化，仍未达标"
    item.check.update(estimate=0.65, ci_high=0.8, diff=-0.05)
    assert check_text(item, {})[1] == "无显著变化，较发现时未改善，问题未消除"


def test_verification_reopens_an_item_reported_done_that_the_data_show_unresolved():
    assert data_status(DONE, {"result": UNCHANGED, "fixed": False}) == DOING
    assert data_status(DONE, {"result": NO_DATA, "fixed": False}) == DONE   # nothing learnt: kept
    assert data_status(DOING, {"result": WORSE, "fixed": False}) == DOING
    assert data_status(DONE, {"result": UNCHANGED, "fixed": True}) == VERIFIED


def test_running_the_same_wave_again_reopens_nothing(verified, tmp_path):
    """ZG-004, reopened by wave 6, is set 已整改 again afterwards: verifying wave 6 once more must not undo that
    (only a later wave's data can)."""
    project = copy(verified, tmp_path)
    rc, _, err = W.survey("ledger", project, "--wave", W6, "--out", tmp_path / "w6.xlsx")
    assert rc == 0, err
    edit(tmp_path / "w6.xlsx", tmp_path / "w6_done.xlsx", {("ZG-004", "status"): "已整改"})
    rc, _, err = W.survey("ledger", project, "--update", tmp_path / "w6_done.xlsx")
    assert rc == 0, err
    rc, text, err = W.survey("ledger", project, "--wave", W6, "--json")
    assert rc == 0, err
    assert json.loads(text)["reopened"] == [] and items(project)["ZG-004"].status == DONE


def test_the_brief_counts_the_reopened_item(verified):
    from report.brief import build_brief

    b = build_brief(Project.open(verified / "project"), W6, today=dt.date(2026, 12, 1))
    assert b.ledger_open == 2  # ZG-001 (待整改) and ZG-004 (reopened by the data)
    assert {it.id for it in b.ledger_due} == {"ZG-001", "ZG-004"}


def test_brief_out_naming_an_existing_file_is_one_message(base, tmp_path):
    (tmp_path / "EXISTING.pdf").write_bytes(b"%PDF-1.4")
    rc, _, err = W.survey("brief", base / "project", "--wave", W5, "--format", "html", "--out", tmp_path / "EXISTING.pdf")
    assert rc == 1 and "EXISTING.pdf is a file, not a folder" in err and "internal error" not in err


@pytest.mark.parametrize("content", [b"not a workbook at all", b"PK\x03\x04 truncated zip"], ids=["text", "zip"])
def test_a_file_that_is_not_a_workbook_is_named_without_python_class_names(tmp_path, content):
    """`survey ledger --update junk.xlsx` said "(BadZipFile)" / "(InvalidFileException)": openpyxl's class names
    mean nothing to the office that edits the ledger; the message says what the file should be."""
    from survey.errors import MinyiError
    from survey.ledger_sheet import read_ledger_sheet

    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(content)
    with pytest.raises(MinyiError) as e:
        read_ledger_sheet(junk)
    text = str(e.value)
    assert "junk.xlsx" in text and "not an Excel workbook (.xlsx) written by survey ledger" in text
    assert "BadZip" not in text and "Exception" not in text and "Error)" not in text


def test_every_merged_range_is_named_at_once_and_a_merged_id_as_a_merge(base, tmp_path):
    """Audit 13, defect 6: with a range merged across two yellow cells and one merged down the 编号 column, only
    the first was reported, and the 编号 merge read as "item ZG-014 appears again (first on row 6)"."""
    project = copy(base, tmp_path)

    def two(wb, ws, rows):
        ws.merge_cells(start_row=2, end_row=2, start_column=COL["deadline"], end_column=COL["status"])
        ws.merge_cells(start_row=4, end_row=5, start_column=COL["id"], end_column=COL["id"])

    ledger = edit(tmp_path / "w5.xlsx", tmp_path / "two.xlsx", {}, wb_hook=two)
    ws = load_workbook(ledger)["整改台账"]
    dl, st = ws.cell(1, COL["deadline"]).column_letter, ws.cell(1, COL["status"]).column_letter
    idl = ws.cell(1, COL["id"]).column_letter
    rc, _, err = W.survey("ledger", project, "--update", ledger)
    assert rc == 1
    assert f"cells {idl}4:{idl}5 of the 编号 column are merged: rows 4–5 share one 编号" in err
    assert f"cells {dl}2:{st}2 are merged across the columns 整改时限、状态" in err
    assert "appears again" not in err

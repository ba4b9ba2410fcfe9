"""The tracking loop's files as offices really fill them in (tests/tracking_world.py, two waves): external scores
typed in Excel as percentages or written as fractions, ledger rows whose 编号 was deleted, a number typed into a
deadline cell, two waves under one label, and a wave with a start date only.  Each of these used to change a
number or drop an edit without a word."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
import yaml
from openpyxl import Workbook, load_workbook

import tracking_world as W
from cli_capture import run_main
from report.ledger import project_ledger
from survey.framework import bundled_external_path, bundled_framework_path
from survey.ledger import COLUMNS, TODO, LedgerStore
from survey.store import Project

COL = {k: j + 1 for j, (k, _, _) in enumerate(COLUMNS)}
W2 = W.WAVES[1][0]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Two waves; the ledger of wave 2 stored and written to ledger.xlsx (公共服务 below its target: an item)."""
    root = tmp_path_factory.mktemp("hostile")
    project = W.build(root, waves=2, n=500)
    run = project_ledger(project, W2, out=root / "ledger.xlsx")
    assert run.new_items
    return root


def fresh(world, tmp_path):
    shutil.copytree(world / "project", tmp_path / "project")
    shutil.copy(world / "ledger.xlsx", tmp_path / "ledger.xlsx")
    return tmp_path / "project"


def stored(project) -> dict:
    return {it.id: it for it in LedgerStore(Project.open(project)).items()}


# ----------------------------------------------------------------------------- survey score --external
def _scores(capsys, project, external) -> dict:
    rc, out = run_main(capsys, "score", str(project), "--framework", str(bundled_framework_path()), "--external",
                       str(external), "--json")
    assert rc == 0, out
    return json.loads(out)


def test_external_scores_typed_as_percentages_in_excel_are_read_as_shown(world, tmp_path, capsys):
    """86% typed in Excel is the number 0.86 under a % format: read as 86 points of 100, as the text '86%' is, not
    as 0.86 points (which put the district last in the league table)."""
    base = pd.read_csv(bundled_external_path())
    wb = Workbook()
    ws = wb.active
    ws.append(list(base.columns))
    for rec in base.itertuples(index=False):
        ws.append(list(rec))
    for c in ws[2][1:]:  # the first district's scores as Excel keeps 86%: 0.86, shown as a percentage
        if c.value > 10:
            c.value = c.value / 100
            c.number_format = "0%"
    wb.save(tmp_path / "scores.xlsx")
    assert ws["B2"].value < 1
    got = _scores(capsys, world / "project", tmp_path / "scores.xlsx")
    ref = _scores(capsys, world / "project", bundled_external_path())
    assert got["scores"] == ref["scores"]
    assert got["league"] == ref["league"]


def test_an_external_score_written_as_a_fraction_is_refused_with_its_cell(world, tmp_path, capsys):
    base = pd.read_csv(bundled_external_path(), dtype=str)
    first = base.iloc[0]["背街小巷与农贸市场"]
    base.loc[0, "背街小巷与农贸市场"] = f"0.{first}"
    path = tmp_path / "scores.csv"
    base.to_csv(path, index=False)
    rc, out = run_main(capsys, "score", str(world / "project"), "--framework", str(bundled_framework_path()),
                       "--external", str(path))
    assert rc == 1
    assert (f"{path}, row 2, column 背街小巷与农贸市场: error: '0.{first}' would be 0.{first} points of 100: a share "
            f"({first}%) written as a fraction?") in out
    assert f"({first} for {first}% of full marks)" in out
    base.loc[0, "背街小巷与农贸市场"] = f"0.{first}分"  # said to be points: taken as such
    base.to_csv(path, index=False)
    doc = _scores(capsys, world / "project", path)
    node = next(s for s in doc["scores"] if s["group"] == base.iloc[0]["区县"])["nodes"]["env_backstreets"]
    assert node["estimate"] == pytest.approx(float(f"0.{first}"))


# ----------------------------------------------------------------------------- survey ledger --update
def _edited(world, tmp_path, hook):
    wb = load_workbook(world / "ledger.xlsx")
    ws = wb["整改台账"]
    hook(ws)
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    return path


def test_a_row_whose_id_was_deleted_is_refused_naming_its_item(world, tmp_path, capsys):
    project = fresh(world, tmp_path)
    ident = load_workbook(world / "ledger.xlsx")["整改台账"].cell(2, COL["id"]).value

    def hook(ws):
        ws.cell(2, COL["id"]).value = None  # the 编号 deleted by hand, the status changed
        ws.cell(2, COL["status"]).value = "已整改"
        ws.insert_rows(3)  # an empty row is no item and no problem
        ws.cell(ws.max_row + 2, COL["unit"]).value = "市交通运输局"  # a row added under the table

    path = _edited(world, tmp_path, hook)
    rc, out = run_main(capsys, "ledger", str(project), "--update", str(path))
    assert rc == 1, out
    assert (f"{path}, row 2, column A (编号): error: the row has no 编号 but its yellow cells hold 责任单位") in out
    assert f"状态 '已整改': they belong to no item and would be lost (its columns match item {ident}" in out
    assert "error: the row has no 编号 but its yellow cells hold 责任单位 '市交通运输局'" in out
    assert stored(project)[ident].status == TODO  # nothing stored
    rc, out = run_main(capsys, "ledger", str(project), "--out", str(path))  # and the file is not overwritten
    assert rc == 1 and "（无编号） 状态" in out


def test_a_number_typed_into_a_deadline_cell_is_refused(world, tmp_path, capsys):
    project = fresh(world, tmp_path)
    ident = load_workbook(world / "ledger.xlsx")["整改台账"].cell(2, COL["id"]).value
    before = stored(project)[ident].deadline

    def hook(ws):
        ws.cell(2, COL["deadline"]).value = 30  # "30 days", in the cell formatted as a date: 1900-01-30

    path = _edited(world, tmp_path, hook)
    rc, out = run_main(capsys, "ledger", str(project), "--update", str(path))
    assert rc == 1, out
    assert (f"{path}, row 2, column N (整改时限): error: the cell holds 30, which reads as the date 1900-01-30, "
            "outside the years 2000–2099") in out
    assert stored(project)[ident].deadline == before

    def text(ws):
        ws.cell(2, COL["deadline"]).value = "2026年3月5日"  # a date in words is a date

    rc, out = run_main(capsys, "ledger", str(project), "--update", str(_edited(world, tmp_path, text)))
    assert rc == 0, out
    assert str(stored(project)[ident].deadline) == "2026-03-05"


# ----------------------------------------------------------------------------- waves
def _config(project, change):
    path = project / "minyi.yaml"
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(cfg)
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_two_waves_under_one_label_are_refused(world, tmp_path, capsys):
    project = fresh(world, tmp_path)
    first, second = W.WAVES[0], W.WAVES[1]

    def same(cfg):
        cfg["waves"][second[0]]["label"] = first[1]

    _config(project, same)
    for cmd in (["trend"], ["brief"], ["ledger", "--json"]):
        rc, out = run_main(capsys, cmd[0], str(project), *cmd[1:])
        assert rc == 1, out
        assert (f"error: waves {first[0]} and {second[0]} are both shown as '{first[1]}' (label): every output names "
                "waves by their labels") in out
        assert "minyi.yaml:" in out


def test_a_wave_with_a_start_date_only_is_no_one_day_survey(world, tmp_path, capsys):
    project = fresh(world, tmp_path)
    _config(project, lambda cfg: cfg["waves"][W2].pop("end"))
    rc, out = run_main(capsys, "brief", str(project))
    assert rc == 0, out
    y, m, d = (int(x) for x in W.WAVES[1][2].split("-"))
    assert f"调查时间为{y}年{m}月{d}日起。" in out


def test_report_takes_waves_by_their_labels_as_the_tracking_commands_do(world, capsys):
    """`survey report --compare 2025年第一季度` (the label every output shows) named no wave; now it is the wave, so
    that a later wave given as --compare is the later-wave problem, not 'the project has no wave'."""
    (w1, l1, _, _), (w2, l2, _, _) = W.WAVES[0], W.WAVES[1]
    rc, out = run_main(capsys, "report", str(world / "project"), "--wave", l1, "--compare", l2, "--format", "html")
    assert rc == 2, out
    assert f"--compare {w2} comes after the reported wave {w1}" in out
    assert "has no wave" not in out
    rc, out = run_main(capsys, "report", str(world / "project"), "--wave", l2, "--compare", l2, "--format", "html")
    assert rc == 2 and f"--compare {w2} is the reported wave itself" in out


def _cell_error(path, cell: str, error: str):
    """``path`` with the formula cell ``cell`` given the cached value ``error`` (t="e"), as Excel saves a formula it
    cannot compute (=市公安局 shows #NAME?); openpyxl writes formulas without a value."""
    import re
    import zipfile

    out = path.with_name("error_" + path.name)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for it in zin.infolist():
            data = zin.read(it.filename)
            if it.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<c r="%s"( s="\d+")?><f>(.*?)</f><v\s*/?>(</v>)?</c>' % cell.encode(),
                                  rb'<c r="%s"\1 t="e"><f>\2</f><v>%s</v></c>' % (cell.encode(), error.encode()), data)
                assert n == 1
            zout.writestr(it, data)
    return out


def test_a_formula_in_a_yellow_cell_is_refused_not_stored_as_empty_or_as_its_error(world, tmp_path, capsys):
    """=市公安局 typed in 责任单位 is a formula: Excel saves #NAME? (stored as the unit '#NAME?'), a program that
    does not calculate saves no value (read as empty: the unit cleared).  Both are refused with the cell."""
    project = fresh(world, tmp_path)
    ident = load_workbook(world / "ledger.xlsx")["整改台账"].cell(2, COL["id"]).value
    before = stored(project)[ident].unit
    assert before

    def hook(ws):
        ws.cell(2, COL["unit"]).value = "=市公安局"

    path = _edited(world, tmp_path, hook)
    rc, out = run_main(capsys, "ledger", str(project), "--update", str(path))
    assert rc == 1, out
    assert (f"{path}, row 2, column M (责任单位): error: the cell holds the formula =市公安局 with no value computed"
            in out)
    bad = _cell_error(path, "M2", "#NAME?")
    rc, out = run_main(capsys, "ledger", str(project), "--update", str(bad))
    assert rc == 1, out
    assert (f"{bad}, row 2, column M (责任单位): error: the cell shows the Excel error #NAME? (its formula =市公安局 "
            "failed), which would be stored as the text '#NAME?'") in out
    assert stored(project)[ident].unit == before


def test_a_check_on_a_wave_without_the_district_says_no_sample_not_too_few():
    """A district not surveyed in the checking wave (0 answers) is 该期无样本, as the brief says (本期无样本), not
    "样本量不足（n=0，少于30）"."""
    from analysis.ledger import NO_DATA
    from report.ledger import check_text
    from survey.ledger import LedgerItem

    item = LedgerItem("ZG-003", "district_below", "sat_traffic", "index", "北山区", "w1", None, "交通秩序满意度",
                      {"estimate": 70.0}, check={"wave": "w2", "result": NO_DATA, "fixed": False, "n": 0})
    assert check_text(item, {"small_base": 30})[1:] == ("无法核验", "该期无样本，不作核验")
    item.check["n"] = 12
    assert check_text(item, {"small_base": 30})[2] == "样本量不足（n=12，少于30），不作核验"


def test_a_scores_file_for_another_wave_is_said_not_only_listed_as_missing(world, tmp_path, capsys):
    """The scores file's 期次 column holds only the previous wave: scoring the latest wave finds no external score,
    and the table says why (the file's waves, and --wave), not only 缺项 for every district."""
    base = pd.read_csv(bundled_external_path())
    base.insert(1, "期次", W.WAVES[0][1])
    path = tmp_path / "scores.csv"
    base.to_csv(path, index=False)
    rc, out = run_main(capsys, "score", str(world / "project"), "--framework", str(bundled_framework_path()),
                       "--external", str(path))
    assert rc == 0, out
    assert (f"注：外部评分文件 scores.csv 的期次列没有{W.WAVES[1][1]}的行（只有{W.WAVES[0][1]}），各区县均缺外部评分项，"
            "无法计算总分") in out
    rc, out = run_main(capsys, "score", str(world / "project"), "--framework", str(bundled_framework_path()),
                       "--external", str(path), "--wave", W.WAVES[0][1])
    assert rc == 0 and "期次列没有" not in out and "缺项（无得分" not in out


def test_a_ledger_saved_as_csv_or_xls_is_said_so_with_the_way_back(world, tmp_path, capsys):
    """WPS 另存为 CSV or .xls: "not an Excel workbook (.xlsx) written by survey ledger" said nothing of what the
    file is or how to get the edits in; now the message names the format and the way back."""
    import csv

    project = fresh(world, tmp_path)
    ws = load_workbook(world / "ledger.xlsx")["整改台账"]
    path = tmp_path / "ledger.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(ws.iter_rows(values_only=True))
    rc, out = run_main(capsys, "ledger", str(project), "--update", str(path))
    assert rc == 1, out
    assert f"{path}: error: {path} is a CSV (text) copy of the ledger, not the Excel workbook survey ledger writes" in out
    assert "save it as an Excel workbook (.xlsx)" in out
    xls = tmp_path / "ledger.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # the OLE header of an Excel 97-2003 file
    rc, out = run_main(capsys, "ledger", str(project), "--update", str(xls))
    assert rc == 1 and f"{xls} is an Excel 97–2003 workbook (.xls), not the .xlsx workbook survey ledger writes" in out


def test_a_framework_max_of_zero_is_said_as_max_not_as_a_weight(tmp_path):
    """`max: 0` on an external item was "item x max: weight must be a positive number" with a hint about weights."""
    from survey.framework import validate_framework

    text = bundled_framework_path().read_text(encoding="utf-8").replace("max: 10}", "max: 0}", 1)
    assert "max: 0}" in text
    path = tmp_path / "framework.yaml"
    path.write_text(text, encoding="utf-8")
    _, probs = validate_framework(path)
    said = [str(p) for p in probs]
    line = next(i for i, ln in enumerate(text.splitlines(), start=1) if "max: 0}" in ln)
    assert len(said) == 1 and f"{path}:{line}:" in said[0], said
    assert "max, the full marks of its external column, must be a positive number, not 0" in said[0]
    assert "weight" not in said[0]


@pytest.mark.parametrize("text", ["２０２６年３月５日", "2026年3月5号", "2026/03/05 00:00:00", "2026-03-05T00:00:00",
                                  "2026-3-5", "2026 年 3 月 5 日"])
def test_deadlines_as_offices_type_them_are_dates(text):
    import datetime as dt

    from survey.ledger_sheet import parse_date

    assert parse_date(text) == dt.date(2026, 3, 5)


@pytest.mark.parametrize("text", ["2026-03-05 12:30:00", "3/5/2026", "2026年3月", "46100"])
def test_what_is_no_date_stays_refused(text):
    from survey.ledger_sheet import parse_date

    with pytest.raises(ValueError):
        parse_date(text)


def test_an_id_typed_again_another_way_is_named_as_its_item(world, tmp_path, capsys):
    project = fresh(world, tmp_path)
    ident = load_workbook(world / "ledger.xlsx")["整改台账"].cell(2, COL["id"]).value
    typed = ident.lower().replace("-", "－")

    def hook(ws):
        ws.cell(2, COL["id"]).value = typed
        ws.cell(2, COL["status"]).value = "整改中"

    path = _edited(world, tmp_path, hook)
    rc, out = run_main(capsys, "ledger", str(project), "--update", str(path))
    assert rc == 1, out
    assert f"{path}, row 2, column A (编号): error: '{typed}' is item {ident} written another way" in out
    assert stored(project)[ident].status == TODO


def test_a_long_issuing_office_leaves_the_pdf_brief_date_on_one_line(world, tmp_path, capsys):
    """--org of two offices issuing together: the masthead line wrapped the date too (2026年12月 / 7日)."""
    import subprocess

    from report.brief import build_brief
    from survey.waves import format_date

    org = "中共某某市委员会精神文明建设指导委员会办公室（市文明办）与市创建全国文明城市工作指挥部办公室联合印发"
    rc, out = run_main(capsys, "brief", str(world / "project"), "--format", "pdf", "--out", str(tmp_path), "--org", org)
    assert rc == 0, out
    pdf = next(tmp_path.glob("brief_*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    head = text.split("一、总体情况", 1)[0]
    date = format_date(build_brief(Project.open(world / "project")).date)
    assert any(date in ln for ln in head.splitlines()), head


def test_a_new_wave_named_as_another_waves_label_is_refused_at_import(world, tmp_path, capsys):
    """--wave 2025年第一季度 beside 2025Q1 (labelled so) was imported, and every command after it — remove-import
    too — refused the project for two waves of one label; now the import is refused, nothing stored."""
    project = fresh(world, tmp_path)
    frame = pd.read_csv(world / f"{W2}.csv", dtype=str)
    frame["respondent_id"] = "new-" + frame["respondent_id"]
    path = tmp_path / "more.csv"
    frame.to_csv(path, index=False)
    w1, l1 = W.WAVES[0][0], W.WAVES[0][1]
    before = Project.open(project).waves()
    rc, out = run_main(capsys, "import", str(project), str(path), "--wave", l1)
    assert rc == 1, out
    assert (f"error: wave '{l1}' would be shown as '{l1}', the label of the project's wave '{w1}'") in out
    assert Project.open(project).waves() == before
    rc, out = run_main(capsys, "trend", str(project), "--indicators", "sat_env")
    assert rc == 0, out


# ----------------------------------------------------------------------------- survey trend
def test_a_wave_without_usable_answers_is_named_by_the_trend(world, tmp_path):
    """A wave whose every answer was quarantined stopped `survey trend` with "wave '…' has no usable responses" and
    a hint to look at survey status only: said now as the trend's (the wave and its label) with the way to leave
    it out of the trend (undo its imports)."""
    from survey.qload import load_questionnaire
    from survey.simulate import simulate, write_csv

    project = fresh(world, tmp_path)
    q = load_questionnaire(project / "questionnaire.yaml")
    wid, label, start, _ = W.WAVES[2]
    frame = simulate(q, 40, 9, start=start, days=30)
    frame[q.site_question] = "99"  # no such 调查点: every row quarantined
    write_csv(frame, tmp_path / "bad.csv")
    Project.open(project).import_file(tmp_path / "bad.csv", wave=wid)
    code, out, err = W.survey("trend", str(project))
    assert code == 1, (out, err)
    assert f"wave '{wid}' ({label}) has no usable responses" in err and "survey remove-import" in err, err
    assert "Traceback" not in err

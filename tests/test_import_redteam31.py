"""Red team of the import path, session 31: each case is a defect reproduced through the real command.

* One wave's answers imported again as another wave (the file re-saved by Excel/WPS or renamed, so not the same
  bytes; or a 问卷星 download of every answer so far imported as the next wave) were accepted without a word:
  the trend then compared the wave with itself (``vs first 0.0 pp, p=1.000``) and a drop appeared that the
  answers do not hold.
* ``--wave 2026q2`` (or ``２０２６Q2``, ``2026-Q2``) beside the project's 2026Q2 made a second wave with the
  same label, splitting the quarter's answers in two.
* Two exports joined into one file: the header row inside the data was quarantined as one problem, and also
  named in two warnings asking to rewrite its time and duration cells.
* Phone-number respondent ids that Excel saved as ``1.38001E+10`` were one id: imported with a note blaming
  "two exports joined", and analysis kept one answer of them all.
* A second column for one matrix row or option (``3、(环境卫生)`` and ``3、（环境卫生）``) replaced the first
  column's answers without a word.
* ``survey weight`` read percentages written without % (``人口占比``: 50.6, 49.4) as counts of a population of
  100: weights adding up to 100 for 2,997 answers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cli_capture import csv_text, init_project, run_main

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
BY_CODE = (DATA / "wjx_by_code.csv").read_text(encoding="utf-8-sig")


_main = run_main


def _project(tmp_path: Path, capsys) -> str:
    return init_project(tmp_path, capsys, QFILE)


def _rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(BY_CODE)))


_csv_text = csv_text


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> str:
    path.write_text(_csv_text(rows), encoding=encoding)
    return str(path)


# ----------------------------------------------------------------------------- 1. a wave imported twice
def test_a_waves_answers_imported_again_as_another_wave_are_said(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    rows = _rows()
    rc, out = _main(capsys, "import", proj, _write(tmp_path / "wave_a.csv", rows), "--wave", "A")
    assert rc == 0 and "answers already stored" not in out, out
    # the same export re-saved by Excel on a Chinese Windows (GBK) and re-sorted: other bytes, the same answers
    resaved = _write(tmp_path / "wave_b.csv", [rows[0]] + sorted(rows[1:], key=lambda r: r[6]), encoding="gb18030")
    rc, out = _main(capsys, "import", proj, resaved, "--wave", "B")
    assert rc == 0, out
    assert ("wave_b.csv: warning: 12 row(s) are answers already stored in wave A (import #1): the same respondent "
            "id, submission time and answers, now imported again into wave B") in out, out
    assert f"survey remove-import {proj} 2" in out, out


def test_a_download_of_every_answer_so_far_names_the_rows_of_the_earlier_wave(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    rows = _rows()
    _main(capsys, "import", proj, _write(tmp_path / "a.csv", rows[:6]), "--wave", "A")  # 5 answers in wave A
    later = [r[:1] + [r[1].replace("2026/9/", "2026/10/")] + r[2:] for r in rows[6:]]  # 7 new answers
    rc, out = _main(capsys, "import", proj, _write(tmp_path / "all_so_far.csv", rows[:6] + later), "--wave", "B")
    assert rc == 0 and "5 row(s) are answers already stored in wave A (import #1)" in out, out


def test_new_answers_with_ids_restarting_each_wave_are_not_called_a_repeat(tmp_path, capsys):
    """问卷星 numbers every survey's answers 1, 2, 3 …: the next wave's ids are the last wave's, its times and
    answers are not; and a panel respondent answering again has another submission time."""
    proj = _project(tmp_path, capsys)
    rows = _rows()
    _main(capsys, "import", proj, _write(tmp_path / "a.csv", rows), "--wave", "A")
    next_wave = [rows[0]] + [r[:1] + [r[1].replace("2026/9/", "2026/12/")] + r[2:] for r in rows[1:]]
    rc, out = _main(capsys, "import", proj, _write(tmp_path / "b.csv", next_wave), "--wave", "B")
    assert rc == 0 and "already stored" not in out, out
    other_answers = [rows[0]] + [r[:6] + [("1" if r[6] != "1" else "2")] + r[7:] for r in rows[1:]]
    rc, out = _main(capsys, "import", proj, _write(tmp_path / "c.csv", other_answers), "--wave", "C")
    assert rc == 0 and "already stored" not in out, out


# ----------------------------------------------------------------------------- 2. a wave spelt another way
def test_a_wave_spelt_another_way_is_refused_not_made_a_second_wave(tmp_path, capsys):
    """``--wave 2026q2`` (or ``２０２６Q2`` typed with a full-width input method, or ``2026-Q2``) beside the
    project's 2026Q2 was stored as a second wave, labelled 2026年第二季度 like the first: the trend and the
    report showed the quarter twice, each with part of its answers."""
    proj = _project(tmp_path, capsys)
    rows = _rows()
    rc, out = _main(capsys, "import", proj, _write(tmp_path / "week1.csv", rows[:7]), "--wave", "2026Q2")
    assert rc == 0, out
    week2 = _write(tmp_path / "week2.csv", rows[:1] + rows[7:])
    for spelling in ("2026q2", "２０２６Q2", "2026-Q2"):
        rc, out = _main(capsys, "import", proj, week2, "--wave", spelling)
        assert rc == 1 and "Traceback" not in out, out
        assert (f"week2.csv: error: wave '{spelling}' is another spelling of the project's wave '2026Q2'" in out
                and "write --wave 2026Q2; nothing was imported" in out), out
    rc, out = _main(capsys, "status", proj)
    assert "2026q2" not in out and "2026-Q2" not in out and "６" not in out, out
    rc, out = _main(capsys, "import", proj, week2, "--wave", "2026Q2")  # the right spelling goes in
    assert rc == 0 and "wave 2026Q2: 6 rows read, 6 accepted" in out, out


def test_a_configured_wave_spelt_another_way_is_refused_before_its_first_import(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    cfg = Path(proj) / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "\nwaves: []\n" in text
    cfg.write_text(text.replace("\nwaves: []\n", "\nwaves: [2026Q3]\n"), encoding="utf-8")
    rc, out = _main(capsys, "import", proj, _write(tmp_path / "a.csv", _rows()), "--wave", "2026q3")
    assert rc == 1 and "another spelling of the project's wave '2026Q3'" in out, out


def test_a_wave_column_spelt_another_way_is_refused(tmp_path, capsys):
    """A native file whose ``wave`` column says ``2026q1`` (typed by hand) beside the project's 2026Q1."""
    proj = _project(tmp_path, capsys)
    _main(capsys, "import", proj, _write(tmp_path / "a.csv", _rows()), "--wave", "2026Q1")
    rc, out = _main(capsys, "export", proj, "--out", str(tmp_path / "e.csv"))
    assert rc == 0, out
    text = (tmp_path / "e.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0].endswith(",wave") or ",wave," in lines[0], lines[0]
    (tmp_path / "typed.csv").write_text("\n".join([lines[0]] + [ln.replace("2026Q1", "2026q1") for ln in lines[1:]]) + "\n",
                                        encoding="utf-8")
    rc, out = _main(capsys, "import", proj, str(tmp_path / "typed.csv"))
    assert rc == 1 and "wave '2026q1' is another spelling of the project's wave '2026Q1'" in out, out


def test_waves_of_other_periods_and_names_are_new_waves(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    rows = _rows()
    for i, wave in enumerate(("2026Q2", "2026Q3", "2026-09", "2026H2", "区县补充")):
        rc, out = _main(capsys, "import", proj, _write(tmp_path / f"{i}.csv", rows[:1] + rows[1 + i:2 + i]), "--wave", wave)
        assert rc == 0 and f"wave {wave}: 1 rows read" in out, out


# ----------------------------------------------------------------------------- 3. one message for a header again
def test_a_header_row_inside_the_data_is_one_message_not_three(tmp_path, capsys):
    """Week 1 and week 2 of a 问卷星 export joined one after the other (the second header, with its BOM, inside
    the data): the row was quarantined as repeated-header, and also named in two warnings, "row 8
    '提交答卷时间' holds no date and time" and "row 8 '所用时间' holds no duration", each asking to rewrite it."""
    proj = _project(tmp_path, capsys)
    rows = _rows()
    week2 = [["1" + r[0]] + r[1:] for r in rows[7:]]  # other 序号: not the same answers
    text = _csv_text(rows[:7]) + "\ufeff" + _csv_text([rows[0]] + week2)
    (tmp_path / "joined.csv").write_text(text, encoding="utf-8-sig")
    rc, out = _main(capsys, "import", proj, str(tmp_path / "joined.csv"), "--wave", "A")
    assert rc == 0 and "13 rows read, 12 accepted, 1 quarantined" in out, out
    assert "repeated-header (重复的表头行): 1 row(s)" in out, out
    assert "提交答卷时间'" not in out and "所用时间'" not in out and "hold no" not in out, out


def test_a_time_cell_that_is_no_time_is_still_named(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    rows = _rows()
    rows[3][1], rows[4][2] = "上午", "很久"
    rc, out = _main(capsys, "import", proj, _write(tmp_path / "a.csv", rows), "--wave", "A")
    assert rc == 0 and "row 4 '上午'" in out and "row 5 '很久'" in out, out


# ----------------------------------------------------------------------------- 4. ids Excel shortened
def _native_with_ids(tmp_path: Path, capsys, proj: str, ids: list) -> str:
    """minyi's own export of the 12 answers with its respondent ids replaced by ``ids`` (as Excel saved them)."""
    _main(capsys, "import", proj, _write(tmp_path / "a.csv", _rows()), "--wave", "A")
    rc, out = _main(capsys, "export", proj, "--out", str(tmp_path / "e.csv"))
    assert rc == 0, out
    rows = list(csv.reader(io.StringIO((tmp_path / "e.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "respondent_id" and len(rows) - 1 == len(ids), rows[:2]
    return _write(tmp_path / "resaved.csv", [rows[0]] + [[i] + r[1:] for i, r in zip(ids, rows[1:])], encoding="utf-8")


def test_phone_number_ids_shortened_by_excel_are_refused_not_folded_into_one(tmp_path, capsys):
    """Phone numbers as respondent ids, the file opened and saved in Excel: 13800138000 … 13800138077 all became
    1.38001E+10.  The import accepted the rows and blamed "two exports joined into one?"; analysis (duplicate_id)
    then kept 1 of the 10 answers."""
    proj = _project(tmp_path, capsys)
    ids = [f"{13800138000 + 7 * i:.5E}" for i in range(10)]  # 10 answers left after the exclusion rules
    assert len(set(ids)) == 1
    resaved = _native_with_ids(tmp_path, capsys, proj, ids)
    rc, out = _main(capsys, "import", proj, resaved, "--wave", "B")
    assert rc == 1 and "Traceback" not in out, out
    assert ("resaved.csv, column respondent_id: error: 10 row(s) have respondent ids in scientific notation that "
            "repeat (row 2 '1.38001E+10', row 3 '1.38001E+10', row 4 '1.38001E+10' …)") in out, out
    assert "nothing was imported" in out and "two exports joined" not in out, out
    rc, out = _main(capsys, "status", proj)
    assert "wave B" not in out, out


def test_ids_in_scientific_notation_that_stay_apart_import(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    resaved = _native_with_ids(tmp_path, capsys, proj, [f"1.{i}E+10" for i in range(10)])
    rc, out = _main(capsys, "import", proj, resaved, "--wave", "B")
    assert rc == 0 and "10 accepted" in out, out


# ----------------------------------------------------------------------------- 5. two columns for one matrix row / option
@pytest.mark.parametrize("extra, target, position", [
    ("3、（环境卫生）", "Q3 (环境卫生)", 8),  # full-width brackets: a column added by hand beside 问卷星's own
    ("第3题(环境卫生)", "Q3 (环境卫生)", 8),  # the other 问卷星 header style
    ("4、（住房）", "Q4 (住房)", 11),  # one option of a multiple choice
    ("5、（停车难）", "Q5 (停车难)", 18),  # one option of a ranking
])
def test_a_second_column_for_one_matrix_row_or_option_is_said_and_the_first_kept(tmp_path, capsys, extra, target,
                                                                                  position):
    """A second column for the same matrix row (or option) overwrote the first one's answers without a word:
    a column of 1s beside 3、(环境卫生) made every answer 非常满意."""
    proj = _project(tmp_path, capsys)
    rows = _rows()
    first = rows[0][position]
    rc, out = _main(capsys, "import", proj, _write(tmp_path / "a.csv", rows), "--wave", "A")
    assert rc == 0, out
    rc, want = _main(capsys, "export", proj, "--wave", "A")
    proj2 = str(tmp_path / "p2")
    _main(capsys, "init", proj2, "--questionnaire", str(QFILE))
    added = [rows[0] + [extra]] + [r + ["1"] for r in rows[1:]]
    rc, out = _main(capsys, "import", proj2, _write(tmp_path / "b.csv", added), "--wave", "A")
    assert rc == 0, out
    assert (f"warning: column '{extra}' is a second column for {target} (first: '{first}'); ignored") in out, out
    rc, got = _main(capsys, "export", proj2, "--wave", "A")
    assert got == want


# ----------------------------------------------------------------------------- 6. percentages without % in a margin
def test_percentages_without_the_sign_under_a_share_header_are_refused(tmp_path, capsys):
    """``性别,人口占比`` / ``男,50.6`` / ``女,49.4``: read as counts of a population of 100, so ``survey weight``
    wrote weights adding up to 100 (mean 0.033) for 2,997 answers, without a word."""
    data = tmp_path / "d.csv"
    data.write_text("性别\n" + "男\n" * 40 + "女\n" * 60, encoding="utf-8")
    margin = tmp_path / "pop.csv"
    margin.write_text("性别,人口占比\n男,50.6\n女,49.4\n", encoding="utf-8")
    rc, out = _main(capsys, "weight", str(data), "--margin", f"性别={margin}", "--out", str(tmp_path / "w.csv"))
    assert rc == 1 and "Traceback" not in out, out
    assert ("pop.csv, column 人口占比: error: the values add up to 100 and the column's header names a share: "
            "percentages written without %") in out and "(write them as percentages (50.6%) or shares (0.506))" in out, out
    assert not (tmp_path / "w.csv").exists()


@pytest.mark.parametrize("text", [
    "性别,人口占比\n男,50.6%\n女,49.4%\n",  # with the sign
    "性别,人口占比\n男,0.506\n女,0.494\n",  # as shares
    "性别,人口数\n男,50\n女,50\n",  # counts that happen to add up to 100, under a header of counts
    "男,50.6\n女,49.4\n",  # no header: nothing says these are shares
])
def test_margins_that_say_what_they_are_still_weight(tmp_path, capsys, text):
    data = tmp_path / "d.csv"
    data.write_text("性别\n" + "男\n" * 40 + "女\n" * 60, encoding="utf-8")
    margin = tmp_path / "pop.csv"
    margin.write_text(text, encoding="utf-8")
    rc, out = _main(capsys, "weight", str(data), "--margin", f"性别={margin}", "--out", str(tmp_path / "w.csv"))
    assert rc == 0 and (tmp_path / "w.csv").exists(), out


def test_percentages_without_the_sign_still_give_the_reports_composition(tmp_path):
    """The report's 样本构成 divides a margin by its sum: there 50.6 and 49.4 are the shares they look like."""
    from survey.margins import read_margin_file

    margin = tmp_path / "pop_gender.csv"
    margin.write_text("性别,人口占比\n男,50.6\n女,49.4\n", encoding="utf-8")
    assert read_margin_file(margin) == (["男", "女"], [50.6, 49.4])


# ----------------------------------------------------------------------------- 7. times as Excel serials
def test_submission_times_saved_as_excel_serial_numbers_are_read_as_times(tmp_path, capsys):
    """A 问卷星 workbook whose 提交答卷时间 cells were given the General format (or written from the cells' values)
    holds Excel date serials: 46266.37569… is 2026-09-01 09:01:00.  They were stored empty with a warning per
    cell, and the speed, repeat and other-wave checks lost the times."""
    import datetime as dt

    import openpyxl

    rows = _rows()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(rows[0])
    for r in rows[1:]:
        t = dt.datetime.strptime(r[1], "%Y/%m/%d %H:%M:%S")
        cells = [int(x) if x.lstrip("-").isdigit() else x for x in r]
        cells[1] = (t - dt.datetime(1899, 12, 30)).total_seconds() / 86400  # a number cell, General format
        ws.append(cells)
    path = tmp_path / "wjx_serial.xlsx"
    wb.save(path)
    proj = _project(tmp_path, capsys)
    rc, out = _main(capsys, "import", proj, str(path), "--wave", "A")
    assert rc == 0 and "hold no date and time" not in out, out
    from survey.store import Project

    got = sorted(Project.open(proj).raw_responses("A")["submitted_at"])
    want = sorted(dt.datetime.strptime(r[1], "%Y/%m/%d %H:%M:%S").strftime("%Y-%m-%d %H:%M:%S") for r in rows[1:])
    assert got == want

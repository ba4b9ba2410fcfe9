"""Respondent ids a user's file gives that minyi must not misread across imports (issue: hostile input to
``survey import`` never changes data silently).

* A user's own ids with a colon (``A:12``, ``2024:15``, ``站点:3``) were read as row counters (the rule meant for
  minyi's own ``<file>:<row>`` ids of a file without an id column): two imports sharing them with other answers
  were taken for two 序号 downloads, the rows kept as different respondents, where the same ids written ``A12``
  were the same respondent answering twice (``duplicate_id``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cli_capture import csv_text, init_project, run_main

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"


def _rows() -> tuple[list, list]:
    rows = list(csv.reader((DATA / "wjx_by_code.csv").read_text(encoding="utf-8-sig").splitlines()))
    return rows[0], rows[1:]


def _other_answers(body: list) -> list:
    """The same rows with other answers (Q1 and Q2 another option), submitted in October."""
    return [[r[0], r[1].replace("2026/9/", "2026/10/"), *r[2:6], str(int(r[6]) % 3 + 1), str(3 - int(r[7])), *r[8:]]
            for r in body]


def _write(path: Path, rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\ufeff" + csv_text(rows), encoding="utf-8")
    return path


def _check(capsys, proj: str) -> dict:
    rc, out = run_main(capsys, "check", proj, "--wave", "W", "--json")
    assert rc == 0, out
    return json.loads(out)["waves"][0]


@pytest.mark.parametrize("prefix", ["A:", "2024:", "站点:"])
def test_user_ids_with_a_colon_are_respondents_not_row_counters(tmp_path, capsys, prefix):
    head, body = _rows()
    first = _write(tmp_path / "a.csv", [head, *[[prefix + r[0], *r[1:]] for r in body]])
    again = _write(tmp_path / "b.csv", [head, *[[prefix + r[0], *r[1:]] for r in _other_answers(body)]])
    proj = init_project(tmp_path, capsys, QFILE)
    assert run_main(capsys, "import", proj, str(first), "--wave", "W")[0] == 0
    rc, out = run_main(capsys, "import", proj, str(again), "--wave", "W")
    assert rc == 0, out
    assert "12 row(s) have a respondent id already in wave W (import #1)" in out, out
    assert "have respondent ids (序号)" not in out, out
    w = _check(capsys, proj)
    assert w["flags"]["duplicate_id"] == 12 and not w["notes"], w


def test_rows_numbered_by_minyi_in_two_files_of_one_name_stay_row_counters(tmp_path, capsys):
    """The reading the colon rule was for: two files ``data.csv`` without 序号 (rows numbered ``data.csv:1`` …),
    one per site, with other answers under the same numbers, are kept as distinct respondents and said so."""
    head, body = _rows()
    a = _write(tmp_path / "sa" / "data.csv", [head[1:], *[r[1:] for r in body]])
    b = _write(tmp_path / "sb" / "data.csv", [head[1:], *[r[1:] for r in _other_answers(body)]])
    proj = init_project(tmp_path, capsys, QFILE)
    assert run_main(capsys, "import", proj, str(a), "--wave", "W")[0] == 0
    rc, out = run_main(capsys, "import", proj, str(b), "--wave", "W")
    assert rc == 0 and "12 row(s) of import #2 have respondent ids (序号)" in out, out
    w = _check(capsys, proj)
    assert w["flags"].get("duplicate_id", 0) == 0 and len(w["notes"]) == 1, w


FULL = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})  # A001 → Ａ００１


def test_full_width_ids_are_the_ids_they_spell_across_imports(tmp_path, capsys):
    """12 respondents typed again with a Chinese input method in full-width mode (``Ａ００１``) answering a second
    time: stored as written they were 12 new respondents, no repeated id at import, no duplicate_id in survey
    check, and the wave held each of them twice."""
    head, body = _rows()
    first = _write(tmp_path / "a.csv", [head, *[["A%03d" % int(r[0]), *r[1:]] for r in body]])
    again = _write(tmp_path / "b.csv", [head, *[[("A%03d" % int(r[0])).translate(FULL), *r[1:]]
                                                 for r in _other_answers(body)]])
    proj = init_project(tmp_path, capsys, QFILE)
    assert run_main(capsys, "import", proj, str(first), "--wave", "W")[0] == 0
    rc, out = run_main(capsys, "import", proj, str(again), "--wave", "W", "--json")
    assert rc == 0, out
    got = json.loads(out)
    assert got["repeated_ids"] == 12, got
    said = [u for u in got["unmatched"] if "full-width" in u]
    assert len(said) == 1 and said[0].startswith(
        "b.csv, column respondent_id: info: 12 respondent id(s) written in full-width characters were stored as the ids they spell: 'Ａ００１' → A001, "
        "'Ａ００２' → A002, 'Ａ００３' → A003 …"), said
    assert _check(capsys, proj)["flags"]["duplicate_id"] == 12
    rc, out = run_main(capsys, "export", proj, "--wave", "W", "--out", str(tmp_path / "out.csv"))
    assert rc == 0, out
    ids = [r[0] for r in csv.reader((tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[1:])]
    # each respondent once (the rows survey check leaves out aside), as the ids spell
    assert ids and len(set(ids)) == len(ids) and set(ids) <= {"A%03d" % i for i in range(1, 13)}, ids


def test_a_full_width_id_repeating_an_id_of_its_own_file_is_a_repeat(tmp_path, capsys):
    head, body = _rows()
    rows = [["A%03d" % int(r[0]), *r[1:]] for r in body]
    rows[11][0] = "Ａ００１"
    f = _write(tmp_path / "a.csv", [head, *rows])
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0 and "1 row(s) repeat the respondent id of an earlier row of this file" in out, out
    assert "'Ａ００１' → A001" in out, out
    assert _check(capsys, proj)["flags"]["duplicate_id"] == 1


def test_half_width_chinese_ids_are_kept_as_written(tmp_path, capsys):
    """Ids with Chinese characters but nothing full-width (``站点1``) are not touched, and nothing is said."""
    head, body = _rows()
    f = _write(tmp_path / "a.csv", [head, *[["站点" + r[0], *r[1:]] for r in body]])
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0 and "full-width" not in out, out
    rc, out = run_main(capsys, "export", proj, "--wave", "W", "--out", str(tmp_path / "out.csv"))
    ids = [r[0] for r in csv.reader((tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[1:])]
    assert ids and set(ids) <= {"站点%d" % i for i in range(1, 13)}, ids


def _q4_cells(tmp_path: Path, cells: dict) -> Path:
    """The 问卷星 按文本 fixture with Q4 (multiple choice, ┋ between options) of some rows (0-based) replaced."""
    rows = list(csv.reader((DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig").splitlines()))
    head, body = rows[0], rows[1:]
    i = next(j for j, h in enumerate(head) if h.startswith("4、"))
    for r, v in cells.items():
        body[r][i] = v
    return _write(tmp_path / "q4.csv", [head, *body])


def test_a_multiple_choice_cell_naming_an_option_twice_is_quarantined(tmp_path, capsys):
    """``住房┋住房`` was read as one choice without a word (a cell edited by hand: was another option meant?), and
    ``其他〖物业纠纷〗┋其他〖噪音〗`` kept the first fill-in only, 噪音 lost.  Now each is quarantined (choice-twice,
    naming the option), as a ranking naming an option twice is."""
    f = _q4_cells(tmp_path, {0: "住房┋住房", 1: "其他〖物业纠纷〗┋其他〖噪音〗", 2: "住房┋看病┋住房", 3: "住房┋看病"})
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0 and "12 rows read, 9 accepted, 3 quarantined" in out, out
    assert "choice-twice (同一选项写了两次): 3 row(s)" in out, out
    rc, out = run_main(capsys, "quarantine", proj)
    assert rc == 0, out
    assert ("q4.csv, row 2, column “4、您最关心的问题有哪些？（可多选）”: value '住房┋住房' of Q4 names the option '住房' "
            "twice") in out, out
    assert "row 3, column “4、您最关心的问题有哪些？（可多选）”: value '其他〖物业纠纷〗┋其他〖噪音〗' of Q4 names the option '其他' twice" in out
    assert "value '住房┋看病┋住房' of Q4 names the option '住房' twice" in out and "row 5" not in out, out


def test_a_kobo_cell_naming_an_option_twice_is_quarantined(tmp_path, capsys):
    """The same for Kobo's select_multiple written as one cell of codes joined by spaces (``1 1 3``)."""
    lines = (DATA / "kobo_xml.csv").read_text(encoding="utf-8").splitlines()
    rows = [ln.split(";") for ln in lines]
    keep = [j for j, h in enumerate(rows[0]) if not h.startswith("Q4/")]
    rows = [[r[j] for j in keep] for r in rows]
    q4 = rows[0].index("Q4")
    rows[1][q4], rows[2][q4] = "1 1 4", "1 4 5"
    f = tmp_path / "kobo.csv"
    f.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0 and "1 quarantined" in out and "choice-twice" in out, out
    rc, out = run_main(capsys, "quarantine", proj)
    assert "row 2, column “Q4”: value '1 1 4' of Q4 names the option '住房' twice" in out, out


def _workbook(path: Path, ids: list) -> Path:
    """The 问卷星 按文本 fixture as a workbook whose 编号 cells are numbers (``ids``), as Excel stores a long id typed
    or pasted into a cell formatted as a number."""
    import openpyxl

    rows = list(csv.reader((DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig").splitlines()))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编号", *rows[0][1:]])
    for i, r in zip(ids, rows[1:]):
        ws.append([i, *r[1:]])
    wb.save(path)
    return path


def test_long_ids_excel_kept_to_15_digits_that_repeat_are_refused(tmp_path, capsys):
    """18-digit ids (ID card or student numbers) stored by Excel as numbers keep 15 significant digits: 12
    respondents of one birth date became one id, read as 110101199001011008 (the double's digits, which no cell
    shows).  The import kept them with "two exports joined into one?" and survey check left 11 of 12 out of
    analysis (duplicate_id).  Now the import is refused (ids-digits-lost), naming rows and the id as Excel shows
    it, and nothing is stored."""
    f = _workbook(tmp_path / "ids.xlsx", [110101199001011000.0] * 12)  # 1101011990010112xx, as Excel keeps them
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 1, out
    assert ("error: 12 row(s) have respondent ids of 16 or more digits ending in zeros that repeat (row 2 "
            "'110101199001011000', row 3 '110101199001011000', row 4 '110101199001011000' …): Excel or WPS keeps 15 "
            "significant digits") in out, out
    assert "Traceback" not in out and "nothing was imported" in out
    rc, out = run_main(capsys, "status", proj, "--json")
    assert rc == 0 and json.loads(out)["waves"] == [], out


def test_long_ids_that_stay_apart_import_as_excel_shows_them(tmp_path, capsys):
    ids = [110101199001011000.0 + 1000 * i for i in range(12)]  # 15 significant digits, each its own
    f = _workbook(tmp_path / "ids.xlsx", ids)
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0 and "repeat the respondent id" not in out, out
    rc, out = run_main(capsys, "export", proj, "--wave", "W", "--out", str(tmp_path / "out.csv"))
    got = [r[0] for r in csv.reader((tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[1:])]
    assert got and set(got) <= {str(110101199001011000 + 1000 * i) for i in range(12)}, got


def _times(tmp_path: Path, name: str, days: list) -> Path:
    """The 问卷星 按文本 fixture with 提交答卷时间 written day/month/year, as Excel saves it under a UK locale: row i
    submitted on September ``days[i]`` (or the date given)."""
    rows = list(csv.reader((DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig").splitlines()))
    head, body = rows[0], rows[1:]
    for r, d in zip(body, days):
        r[1] = f"{d}/9/2026 9:01" if isinstance(d, int) else d
    return _write(tmp_path / name, [head, *body])


def _stored_times(capsys, proj: str, tmp_path: Path) -> dict:
    rc, out = run_main(capsys, "export", proj, "--wave", "W", "--out", str(tmp_path / "times.csv"))
    assert rc == 0, out
    return {r[0]: r[1] for r in csv.reader((tmp_path / "times.csv").read_text(encoding="utf-8-sig").splitlines()[1:])}


def test_day_first_dates_are_read_day_first_in_the_whole_column(tmp_path, capsys):
    """``1/9/2026`` was read as 9 January beside ``13/9/2026`` as 13 September: one column, two orders, and the
    first respondents' submission times moved by months without a word."""
    f = _times(tmp_path, "uk.csv", [1, 5, 9, 13, 17, 21, 25, 29, 2, 3, 4, 6])
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0 and "time-day-month" not in out and "reads both ways" not in out, out
    got = _stored_times(capsys, proj, tmp_path)
    assert got and all(v.startswith("2026-09-") for v in got.values()), got
    assert got.get("1", "2026-09-01 09:01:00") == "2026-09-01 09:01:00", got


def test_dates_that_read_both_ways_are_said(tmp_path, capsys):
    f = _times(tmp_path, "amb.csv", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0, out
    assert ("amb.csv, column “提交答卷时间”: warning: the dates of this column put the year last and every one reads "
            "both ways ('1/9/2026 9:01' is 2026-01-09 month first, 2026-09-01 day first): they were read month "
            "first") in out, out


def test_a_row_of_averages_under_the_data_is_quarantined(tmp_path, capsys):
    """A 平均值 row Excel added under a 按序号 file, its averages shown rounded (valid codes everywhere), was imported
    as a 13th respondent without a word; now it is quarantined (summary-row), naming the row and its id."""
    head, body = _rows()
    avg = ["平均值", "", "", "", "", "", "2", "1", "3", "3", "3", "0", "1", "0", "0", "0", "0", "3", "-3", "2", "1", ""]
    f = _write(tmp_path / "avg.csv", [head, *body, avg])
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0 and "13 rows read, 12 accepted, 1 quarantined" in out, out
    assert "summary-row (合计或平均行): 1 row(s)" in out, out
    rc, out = run_main(capsys, "quarantine", proj)
    assert ("avg.csv, row 14, column respondent_id: the row's respondent id is '平均值': a row of totals or averages "
            "added under the data, not a respondent") in out and "1 record(s)" in out, out

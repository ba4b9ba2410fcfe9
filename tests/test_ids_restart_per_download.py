"""问卷星 numbers 序号 from 1 in every download: a city that downloads one file per site and imports each into one
wave has the same ids in every file, for different respondents.  ``survey check`` left the later sites' rows out of
analysis as repeated ids (duplicate_id) with nothing said of why.  Now ids that two imports share with other answers
are kept as distinct respondents, and ``survey import`` and ``survey check`` say so, naming both files and the count
(catalogue ``ids-restart-per-download``); a file whose answers repeat an earlier import's (the same download saved
again, a cumulative or corrected one) is still caught as before."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cli_capture import csv_text, init_project, run_main

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"


def _site_files(tmp_path: Path) -> tuple[Path, Path]:
    """Two 问卷星 downloads of 12 answers each, 序号 1..12 in both: site A's as in the fixture, site B's with other
    answers (Q1 and Q2 another option) submitted in October."""
    rows = list(csv.reader((DATA / "wjx_by_code.csv").read_text(encoding="utf-8-sig").splitlines()))
    head, body = rows[0], rows[1:]
    other = [[r[0], r[1].replace("2026/9/", "2026/10/"), *r[2:6], str(int(r[6]) % 3 + 1), str(3 - int(r[7])), *r[8:]]
             for r in body]
    a, b = tmp_path / "site_a.csv", tmp_path / "site_b.csv"
    a.write_text("\ufeff" + csv_text([head, *body]), encoding="utf-8")
    b.write_text("\ufeff" + csv_text([head, *other]), encoding="utf-8")
    return a, b


def _check(capsys, proj: str) -> dict:
    rc, out = run_main(capsys, "check", proj, "--wave", "W", "--json")
    assert rc == 0, out
    return json.loads(out)["waves"][0]


def test_site_downloads_whose_serial_numbers_restart_are_kept_and_named(tmp_path, capsys):
    a, b = _site_files(tmp_path)
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(a), "--wave", "W")
    assert rc == 0, out
    rc, out = run_main(capsys, "import", proj, str(b), "--wave", "W")
    assert rc == 0, out
    said = ("site_b.csv: warning: 12 row(s) of import #2 have respondent ids (序号) that import #1 (site_a.csv, 12 ids) "
            "also hold, with other answers: 问卷星 numbers 序号 from 1 in every download")
    assert said in out and "respondent id already in wave" not in out, out
    w = _check(capsys, proj)
    assert w["flags"].get("duplicate_id", 0) == 0 and "重复的受访者编号" not in w["exclusions"], w
    assert len(w["notes"]) == 1 and w["notes"][0].startswith(said), w["notes"]
    assert "kept as distinct responses" in w["notes"][0] and "survey remove-import" in w["notes"][0]
    rc, out = run_main(capsys, "check", proj)  # the text output says it under the wave
    assert rc == 0 and f"  note: {said}" in out and "duplicate_id (重复的受访者编号): 0 flagged" in out, out


def test_a_copy_of_an_imported_download_is_still_a_repeated_id(tmp_path, capsys):
    """The same download saved again (other bytes: Windows line ends dropped) repeats import #1's answers: its
    rows stay duplicate_id, and the import says so as before — also when site B's file, whose ids it shares
    with other answers, was imported in between."""
    a, b = _site_files(tmp_path)
    copy = tmp_path / "site_a_again.csv"
    copy.write_text(a.read_text(encoding="utf-8-sig").replace("\r\n", "\n"), encoding="utf-8")
    proj = init_project(tmp_path, capsys, QFILE)
    for f in (a, b):
        assert run_main(capsys, "import", proj, str(f), "--wave", "W")[0] == 0
    rc, out = run_main(capsys, "import", proj, str(copy), "--wave", "W")
    assert rc == 0, out
    assert "12 row(s) have a respondent id already in wave W (import #1)" in out, out
    assert "ids-restart" not in out and "have respondent ids (序号)" not in out, out
    w = _check(capsys, proj)
    assert w["flags"]["duplicate_id"] == 12 and w["notes"] == [w["notes"][0]]  # site B's note only
    assert "import #2" in w["notes"][0] and "site_a_again" not in w["notes"][0]


def test_a_corrected_download_still_repeats_the_earlier_one(tmp_path, capsys):
    """A download corrected after a look at survey quarantine (2 of 12 answers changed) holds the same answers
    for most of its ids: every row of it is a repeated id, as before (the import names the way to let it count)."""
    a, _ = _site_files(tmp_path)
    rows = list(csv.reader(a.read_text(encoding="utf-8-sig").splitlines()))
    for r in rows[1:3]:
        r[6] = str(int(r[6]) % 3 + 1)
    fixed = tmp_path / "site_a_fixed.csv"
    fixed.write_text(csv_text(rows), encoding="utf-8")
    proj = init_project(tmp_path, capsys, QFILE)
    assert run_main(capsys, "import", proj, str(a), "--wave", "W")[0] == 0
    rc, out = run_main(capsys, "import", proj, str(fixed), "--wave", "W")
    assert rc == 0 and "12 row(s) have a respondent id already in wave W (import #1)" in out, out
    assert "if this file replaces import #1" in out and "have respondent ids (序号)" not in out, out
    w = _check(capsys, proj)
    assert w["flags"]["duplicate_id"] == 12 and w["notes"] == []


def test_repeats_within_one_download_are_flagged_beside_another_sites(tmp_path, capsys):
    """Site B's file holding one answer twice (序号 5 pasted again): that second row is a repeated id of its own
    file, kept out as before, while its first row, like the rest of site B's, is a respondent of its own."""
    a, b = _site_files(tmp_path)
    rows = list(csv.reader(b.read_text(encoding="utf-8-sig").splitlines()))
    rows.append(rows[5][:1] + ["2026/10/30 10:00:00"] + rows[5][2:])
    b.write_text("\ufeff" + csv_text(rows), encoding="utf-8")
    proj = init_project(tmp_path, capsys, QFILE)
    for f in (a, b):
        assert run_main(capsys, "import", proj, str(f), "--wave", "W")[0] == 0
    w = _check(capsys, proj)
    assert w["flags"]["duplicate_id"] == 1 and "12 row(s) of import #2" in w["notes"][0], w


def test_ids_that_name_people_shared_with_other_answers_stay_repeated_ids(tmp_path, capsys):
    """Respondent ids that are phone numbers, not row counters: a person in both sites' files answered twice, so
    the shared ids stay duplicate_id whatever the answers (only ids counting rows from 1, as 序号 does, restart
    per download)."""
    a, b = _site_files(tmp_path)
    for f in (a, b):
        rows = list(csv.reader(f.read_text(encoding="utf-8-sig").splitlines()))
        for r in rows[1:]:
            r[0] = f"1380000{int(r[0]):04d}"
        f.write_text("\ufeff" + csv_text(rows), encoding="utf-8")
    proj = init_project(tmp_path, capsys, QFILE)
    assert run_main(capsys, "import", proj, str(a), "--wave", "W")[0] == 0
    rc, out = run_main(capsys, "import", proj, str(b), "--wave", "W")
    assert rc == 0 and "12 row(s) have a respondent id already in wave W (import #1)" in out, out
    assert "have respondent ids (序号)" not in out, out
    w = _check(capsys, proj)
    assert w["flags"]["duplicate_id"] == 12 and w["notes"] == [], w

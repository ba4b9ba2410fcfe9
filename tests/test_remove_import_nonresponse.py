"""``survey remove-import`` left the item non-response that ``survey check`` had stored for the wave (the
``nonresponse`` table: counts over every row of the wave, the removed import's among them): a wave removed whole kept
its rows there for good, and a wave with imports left kept counts of rows no longer stored.  Removal now takes them
with the rest, in its one transaction; the next read checks the wave again."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from cli_capture import init_project, run_main

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"


def _stored(proj: str, sql: str) -> list:
    con = duckdb.connect(str(Path(proj) / "minyi.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _nonresponse(capsys, proj: str, wave: str) -> list:
    rc, out = run_main(capsys, "check", proj, "--wave", wave, "--json")
    assert rc == 0, out
    return json.loads(out)["waves"][0]["nonresponse"]


def test_removing_an_import_removes_the_item_nonresponse_it_was_counted_in(tmp_path, capsys):
    proj = init_project(tmp_path, capsys, QFILE)
    by_text = tmp_path / "by_text.csv"  # the same 12 answers coded by text, another day: a second import of W
    by_text.write_text((DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig").replace("2026/9/", "2026/10/"),
                       encoding="utf-8")
    for f, w in ((DATA / "wjx_by_code.csv", "W"), (by_text, "W"), (DATA / "wjx_by_code.xlsx", "W2")):
        rc, out = run_main(capsys, "import", proj, str(f), "--wave", w)
        assert rc == 0, out
    assert run_main(capsys, "check", proj)[0] == 0
    assert {w for (w,) in _stored(proj, "SELECT DISTINCT wave FROM nonresponse")} == {"W", "W2"}
    asked_both = {r["question"]: r["asked"] for r in _nonresponse(capsys, proj, "W")}

    rc, out = run_main(capsys, "remove-import", proj, "3")  # W2's only import: the wave goes
    assert rc == 0 and "wave W2 has no imports left" in out, out
    assert _stored(proj, "SELECT count(*) FROM nonresponse WHERE wave = 'W2'") == [(0,)]
    assert _stored(proj, "SELECT count(*) FROM flags WHERE wave = 'W2'") == [(0,)]

    rc, out = run_main(capsys, "remove-import", proj, "2")  # one of W's two imports
    assert rc == 0, out
    assert _stored(proj, "SELECT count(*) FROM nonresponse WHERE wave = 'W'") == [(0,)]  # counted over 24 rows
    left = _nonresponse(capsys, proj, "W")  # checked again: the 12 rows left
    assert left and all(r["asked"] * 2 == asked_both[r["question"]] for r in left), (left, asked_both)
    assert _stored(proj, "SELECT max(asked) FROM nonresponse WHERE wave = 'W'") == [(12,)]

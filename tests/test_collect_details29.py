"""Details of `survey serve`, server side (audit 29; each test failed before its fix):

1. the access code is checked when it is entered (``POST /api/code``), before the questions — the browser side is
   in tests/test_serve_browser_details29.py;
2. an "other, please specify" option chosen with its text left empty is refused (422, ``other-text-missing``);
   an answer made by a page from before the rule (queued on a phone) is stored and its blank noted;
3. the writer is the only one that writes the quotas in force to the journal: a quota change during a burst
   of submissions is written once and applied to every submission after it;
4. fields of questions the questionnaire does not have are no longer dropped silently: kept in the journal,
   named in the answer's 200, in the server's log and on the dashboard.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import warnings

import yaml

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from serve_helpers import ServerProcess, make_project, native_rows, payload
from survey.collect.app import Service, build_app
from survey.collect.journal import Journal, journal_path
from survey.collect.settings import Quotas

OPEN = {"serve": {"one_per_device": False, "rate_limit": 0}}


def _quota_config(target: int) -> dict:
    return {**OPEN, "quotas": {"mode": "stop", "cells": [{"district": "东城区", "target": target}]}}


def _count_quota_writes(project) -> None:
    """A trigger in the journal (test side) that records every write of a wave's quotas."""
    j = Journal(journal_path(project.root))
    j.con.executescript("""
        CREATE TABLE quota_writes (key TEXT, value TEXT);
        CREATE TRIGGER quota_insert AFTER INSERT ON state WHEN NEW.key LIKE 'quotas:%'
            BEGIN INSERT INTO quota_writes VALUES (NEW.key, NEW.value); END;
        CREATE TRIGGER quota_update AFTER UPDATE ON state WHEN NEW.key LIKE 'quotas:%'
            BEGIN INSERT INTO quota_writes VALUES (NEW.key, NEW.value); END;
    """)
    j.close()


def _rows_in_dongcheng(q, n: int) -> list[dict]:
    rows = native_rows(q, n, seed=29)
    for r in rows:
        r["A6"] = 1.0  # 东城区
    return rows


def test_quota_change_during_a_burst_is_written_once_by_the_writer(tmp_path):
    """minyi.yaml lowers 东城区's target from 1,000 to 30 while 40 answers for 东城区 arrive at once (10 already
    stored).  Before, the request thread that noticed the change wrote the new quotas to the journal and the
    writer wrote them again with its next batch (two writers: a change written twice, or an older reload's
    quotas over a newer one).  Now the reload hands the change to the writer: the quotas are written once per
    change, the journal keeps the new target, and exactly 30 answers are stored in the cell."""
    project = make_project(tmp_path, config=_quota_config(1000))
    q = project.questionnaire
    _count_quota_writes(project)
    rows = _rows_in_dongcheng(q, 50)
    server = ServerProcess(project.root, "--merge-every", "3600")
    try:
        for r in rows[:10]:
            assert server.post(payload(q, r))[0] == 200
        cfg = yaml.safe_load((project.root / "minyi.yaml").read_text(encoding="utf-8"))
        cfg["quotas"]["cells"][0]["target"] = 30
        (project.root / "minyi.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False),
                                                 encoding="utf-8")
        time.sleep(2.5)  # the server looks at minyi.yaml at most every 2 s
        statuses: list[int] = []
        lock = threading.Lock()

        def post(r: dict) -> None:
            st = server.post(payload(q, r))[0]
            with lock:
                statuses.append(st)

        threads = [threading.Thread(target=post, args=(r,)) for r in rows[10:]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.interrupt()
    assert sorted(set(statuses)) == [200, 409], statuses
    assert statuses.count(200) == 20 and statuses.count(409) == 20, statuses
    con = sqlite3.connect(journal_path(project.root))
    writes = con.execute("SELECT key, value FROM quota_writes ORDER BY rowid").fetchall()
    kept = con.execute("SELECT count(*) FROM submissions WHERE district = '东城区'").fetchone()[0]
    con.close()
    targets = [[c.target for c in Quotas.from_json(v).cells] for _, v in writes]
    assert targets == [[1000], [30]], writes  # the first quotas at start, then the change: each written once
    assert kept == 30


def _client(project, **kw) -> TestClient:
    return TestClient(build_app(Service(project, admin_token="tok-29", **kw)))


def test_access_code_is_checked_when_entered(tmp_path):
    """POST /api/code answers whether the code typed on the first page is the one in force (before, nothing
    could ask: a respondent learned of a wrong code only after the last question).  It says right (200) or
    wrong (403, the words the answer's refusal uses) and nothing more; after CODE_TRIES_PER_MINUTE wrong codes
    from one address it answers 429 to every code, the right one too (no faster guessing than before)."""
    from survey.collect.app import CODE_TRIES_PER_MINUTE, PAGE_MESSAGES_ZH

    project = make_project(tmp_path, config={"serve": {"access_code": "2468"}})
    with _client(project) as c:
        right = c.post("/api/code", json={"code": " 2468 "})
        wrong = c.post("/api/code", json={"code": "1111"})
        odd = [c.post("/api/code", json={"code": v}).status_code for v in (None, True, ["2468"], {"a": 1})]
        bad = c.post("/api/code", content=b"{not json", headers={"Content-Type": "application/json"})
        for i in range(CODE_TRIES_PER_MINUTE):
            c.post("/api/code", json={"code": f"9{i}"})
        limited = c.post("/api/code", json={"code": "2468"})
    assert right.status_code == 200 and right.json() == {"status": "ok"}
    assert wrong.status_code == 403
    assert wrong.json() == {"status": "access_code", "message": PAGE_MESSAGES_ZH["access-code"]}
    assert odd == [403, 403, 403, 403]
    assert bad.status_code == 400
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "次数过多" in limited.json()["message"] and "status" in limited.json()
    free = make_project(tmp_path / "free")
    with _client(free) as c:
        assert c.post("/api/code", json={"code": "anything"}).status_code == 200  # no code in force


def _row_with_other(q) -> dict:
    row = next(r for r in native_rows(q, 80, seed=29) if r.get("B2_8") == 1.0)
    return {k: v for k, v in row.items() if k != "B2_other"}


def test_other_chosen_with_empty_text_is_refused_by_the_server(tmp_path):
    """A respondent ticks 其他 in B2 and leaves "please specify" empty (or only spaces).  Before, /api/submit
    stored it.  Now an answer from a current page (``form`` = FORM_RULES) is refused with 422 naming B2, its
    column and the catalogue code, in the respondent's words; the plain form (no JavaScript) is refused the
    same way with the message at B2; nothing is stored.  With the text filled in it is stored."""
    from survey.collect.app import FORM_RULES

    project = make_project(tmp_path, config=OPEN)
    q = project.questionnaire
    row = _row_with_other(q)
    with _client(project) as c:
        body = payload(q, row, form=FORM_RULES)
        body["answers"]["B2_other"] = "   "
        refused = c.post("/api/submit", json=body)
        form = {"__uuid": payload(q, row)["uuid"], **payload(q, row)["answers"], "B2_other": ""}
        plain = c.post("/submit", data=form)
        body["answers"]["B2_other"] = "社区公众号"
        stored = c.post("/api/submit", json=body)
    assert refused.status_code == 422, refused.text
    errs = refused.json()["errors"]
    assert [(e["question"], e["column"], e["code"]) for e in errs] == [("B2", "B2_other", "other-text-missing")]
    assert errs[0]["message"] == "您选择了“其他”，请注明具体内容"
    assert "B2" in errs[0]["detail"] and "B2_other" in errs[0]["detail"]
    assert plain.status_code == 422
    assert "您选择了“其他”，请注明具体内容" in plain.text
    assert stored.status_code == 200 and stored.json()["status"] == "stored"
    j = Journal(journal_path(project.root))
    try:
        recs = j.records()
    finally:
        j.close()
    assert len(recs) == 1 and recs[0].answers["B2_other"] == "社区公众号" and recs[0].notes is None


def test_an_older_pages_answer_with_empty_other_text_is_stored_and_noted(tmp_path):
    """An answer made offline by a page from before the rule (no ``form`` in it) waits in a phone's outbox.
    Refusing it would leave it on the phone for ever (a 422 is final there), so it is stored — and not
    silently: its 200 names B2 under ``other_text_missing``, the journal keeps the note, the dashboard says
    how many and which question, in words."""
    project = make_project(tmp_path, config=OPEN)
    q = project.questionnaire
    with _client(project) as c:
        r = c.post("/api/submit", json=payload(q, _row_with_other(q)))
        c.get("/admin", params={"token": "tok-29"})
        page = c.get("/admin").text
        stats = c.get("/admin/api/stats").json()
    assert r.status_code == 200 and r.json()["other_text_missing"] == ["B2"], r.text
    assert stats["not_in_store"]["other_text_missing"]["answers"] == 1
    assert stats["not_in_store"]["other_text_missing"]["questions"] == [{"id": "B2", "text": q.question("B2").text}]
    assert "1 份答卷选择了“其他”但没有注明具体内容" in page and q.question("B2").text in page


def test_fields_the_questionnaire_does_not_have_are_kept_and_reported(tmp_path, caplog):
    """A phone kept an answer made on a page of an older questionnaire version: it has Z9 (a question since
    removed) and B1_old.  Before, /api/submit dropped them without a word — not in the store, not in the
    journal.  Now the answer is stored (the respondent cannot fix it, and a phone keeps a refused answer for
    ever), the 200 names the fields, the journal keeps them with their values, the server's log says so, and the
    dashboard and its JSON list them; the answers to this questionnaire's questions reach the store unchanged."""
    import logging

    from survey.store import Project

    project = make_project(tmp_path, config=OPEN)
    q = project.questionnaire
    rows = native_rows(q, 3, seed=7)
    with caplog.at_level(logging.WARNING, logger="minyi.serve"):
        with _client(project) as c:
            body = payload(q, rows[0])
            body["answers"].update({"Z9": "3", "B1_old": ["1", "2"]})
            r = c.post("/api/submit", json=body)
            same = c.post("/api/submit", json=payload(q, rows[1]))
            c.get("/admin", params={"token": "tok-29"})
            page = c.get("/admin").text
            stats = c.get("/admin/api/stats").json()
    assert r.status_code == 200 and r.json()["unknown_fields"] == ["B1_old", "Z9"], r.text
    assert same.status_code == 200 and "unknown_fields" not in same.json()
    j = Journal(journal_path(project.root))
    try:
        notes = {rec.uuid: rec.notes for rec in j.records()}
    finally:
        j.close()
    assert notes[body["uuid"]] == {"unknown_fields": {"Z9": "3", "B1_old": ["1", "2"]}}
    assert list(notes.values()).count(None) == 1
    assert any("Z9" in m and body["uuid"] in m for m in caplog.messages), caplog.messages
    uf = stats["not_in_store"]["unknown_fields"]
    assert uf["answers"] == 1 and uf["fields"] == ["B1_old", "Z9"] and uf["uuids"] == [body["uuid"]]
    assert "1 份答卷含有本问卷没有的题目" in page and "B1_old、Z9" in page
    stored = Project.open(project.root).raw_responses()  # merged when the server stopped
    mine = stored[stored["respondent_id"] == body["uuid"]].iloc[0]
    assert mine["B1"] == rows[0]["B1"] and "Z9" not in stored.columns


def test_a_journal_from_before_notes_still_opens(tmp_path):
    """A project served by a minyi from before the ``notes`` column: its journal gets the column when opened,
    keeps its answers, and takes new ones with notes."""
    from survey.collect.journal import Record

    path = tmp_path / "serve-journal.sqlite"
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE submissions (seq INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, wave TEXT NOT NULL,
            received_at TEXT NOT NULL, submitted_at TEXT NOT NULL, day TEXT NOT NULL, site TEXT, district TEXT,
            collector TEXT, device TEXT, duration_sec REAL, ip TEXT, user_agent TEXT, answers TEXT NOT NULL,
            batch INTEGER, merged_import INTEGER);
        INSERT INTO submissions (uuid, wave, received_at, submitted_at, day, answers)
            VALUES ('u-old', 'default', '2026-12-01 10:00:00', '2026-12-01 10:00:00', '2026-12-01', '{"A1":1.0}');
    """)
    con.commit()
    con.close()
    j = Journal(path)
    try:
        j.append([Record(uuid="u-new", wave="default", received_at="2026-12-06 10:00:00",
                         submitted_at="2026-12-06 10:00:00", site=None, district=None, collector=None, device=None,
                         duration_sec=None, ip=None, user_agent=None, answers={"A1": 2.0}, notes={"unknown_fields": {"Z9": "1"}})])
        recs = {r.uuid: r for r in j.records()}
        assert recs["u-old"].answers == {"A1": 1.0} and recs["u-old"].notes is None
        assert recs["u-new"].notes == {"unknown_fields": {"Z9": "1"}}
        assert [n["uuid"] for n in j.notes("default")] == ["u-new"]
    finally:
        j.close()

"""survey serve, in process (Starlette's TestClient over the real app, journal, writer and merge).

Submissions: stored once per UUID, refused with field errors by the import's row checks (and nothing
stored), device / rate / size / access-code limits, forged links, quotas, the admin token and CSRF,
security headers, static files, errors without tracebacks, and the merge into the project store.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid as _uuid

import warnings

import httpx
import numpy as np
import pandas as pd
import pytest

with warnings.catch_warnings():  # starlette's note about a future httpx successor
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import serve_helpers
from serve_helpers import journal_count, make_project, payload
from survey.collect.app import CSP, Service, build_app
from survey.collect.journal import journal_path
from survey.collect.links import make_links, project_secret
from survey.store import Project


def _client(project, raise_server_exceptions: bool = True, **kw):
    svc = Service(project, admin_token="tok-123", **kw)
    return svc, TestClient(build_app(svc), raise_server_exceptions=raise_server_exceptions)


def _link(project, **kw):
    ln = make_links(project.questionnaire, **kw)[0]
    return ln.query(project_secret(project.root))


def _count(project) -> int:
    return journal_count(project)


project, rows = serve_helpers.project_fixture, serve_helpers.rows_fixture  # the shared fixtures


# ----------------------------------------------------------------------------- the form
def test_form_page_has_every_question_and_strict_csp(project):
    q = project.questionnaire
    svc, client = _client(project)
    with client:
        r = client.get("/")
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        assert csp == CSP and "script-src 'self';" in csp and "unsafe-inline" not in csp.split("style-src")[0]
        assert "unsafe-eval" not in csp
        html = r.text
        for qq in q.questions:
            assert f'id="q-{qq.id}"' in html
        for c in ("C1_r1", "E1_r16", "K2_10"):  # matrix rows as cards, ranking options
            assert f'name="{c}"' in html
        assert 'name="B2_other"' in html and 'name="K1_other"' in html
        assert "<script>" not in html.replace('<script type="application/json" id="minyi-config">', "")
        assert r.cookies.get("minyi_device")
        js = client.get("/logic.js")
        assert js.status_code == 200 and "MinyiLogic" in js.text and "eval(" not in js.text
        assert client.get("/static/form.js").status_code == 200
        sw = client.get("/sw.js")
        assert sw.status_code == 200 and "__VERSION__" not in sw.text and "/static/form.js?v=" in sw.text


def test_questionnaire_text_is_escaped(tmp_path):
    qfile = tmp_path / "evil.yaml"
    qfile.write_text("""\
id: evil
title: "<script>alert('t')</script>标题"
sections:
  - id: A
    title: "<img src=x onerror=alert(1)>"
    questions:
      - {id: Q1, type: single, text: "<b>问</b>\\"'&", options: ["<script>alert(2)</script>", 否]}
""", encoding="utf-8")
    p = make_project(tmp_path, questionnaire=qfile)
    svc, client = _client(p)
    with client:
        html = client.get("/").text
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>问</b>" not in html
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
        cfg = html.split('id="minyi-config">')[1].split("</script>")[0]
        assert "<" not in cfg  # JSON in a data block: no tag can open inside it
        assert json.loads(cfg)["questions"][0]["text"] == "<b>问</b>\"'&"


def test_static_files_no_path_traversal_and_errors_without_traceback(project):
    svc, client = _client(project)
    with client:
        for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e%2f%2e%2e%2fstore.py",
                     "/static//etc/passwd", "/nope", "/static/"):
            r = client.get(path)
            assert r.status_code in (404, 400), path
            assert "Traceback" not in r.text and "def " not in r.text and "File \"" not in r.text
        r = client.put("/api/submit")
        assert r.status_code == 405 and "Traceback" not in r.text


def test_internal_errors_show_no_traceback(project, rows):
    svc, client = _client(project, raise_server_exceptions=False)
    with client:
        client.get("/")
        # one answer stored first: the request handler's journal connection is open when the table goes below
        # (a connection opened afterwards would make the table anew)
        assert client.post("/api/submit", json=payload(project.questionnaire, rows[1])).status_code == 200
        con = sqlite3.connect(journal_path(project.root))  # a damaged row in the journal
        con.execute("INSERT INTO submissions (uuid, wave, received_at, submitted_at, day, answers) "
                    "VALUES ('x', 'default', '', '2026-01-01 00:00:00', '2026-01-01', '{not json')")
        con.commit()
        r = client.get("/admin/api/stats", headers={"Authorization": "Bearer tok-123"})
        assert r.status_code == 500 and "Traceback" not in r.text and "json" not in r.text.lower()
        r = client.get("/admin", headers={"Authorization": "Bearer tok-123"})
        assert r.status_code == 500 and "服务器内部错误" in r.text and "Traceback" not in r.text
        con.execute("DROP TABLE submissions")  # the journal's table gone under the running server
        con.commit()
        con.close()
        r = client.post("/api/submit", json=payload(project.questionnaire, rows[0]))
        assert r.status_code == 503 and r.json()["status"] == "error" and "Traceback" not in r.text


# ----------------------------------------------------------------------------- storing
def test_valid_submission_is_stored_once_and_merged_as_a_serve_import(project, rows):
    q = project.questionnaire
    svc, client = _client(project)
    body = payload(q, rows[0])
    with client:
        client.get("/")
        r1 = client.post("/api/submit", json=body, headers={"User-Agent": "TestPhone/1.0"})
        assert r1.status_code == 200 and r1.json() == {"status": "stored", "uuid": body["uuid"], "duplicate": False}
        r2 = client.post("/api/submit", json=body)  # the phone did not see the answer and retries
        assert r2.status_code == 200 and r2.json()["duplicate"] is True
        assert _count(project) == 1
    # shutdown merged the journal into the store
    p = Project.open(project.root)
    data = p.raw_responses()
    assert len(data) == 1 and data["respondent_id"].iloc[0] == body["uuid"]
    stored = data.iloc[0]
    for c, v in rows[0].items():
        assert (stored[c] == v) if isinstance(v, str) else float(stored[c]) == float(v), c
    for c in q.columns(meta=False):
        if c not in rows[0]:
            assert stored[c] is None or (isinstance(stored[c], float) and np.isnan(stored[c])), c
    assert stored["_source"] == "serve" and stored["duration_sec"] == 600
    st = p.status()
    imp = st["last_imports"][0]
    assert (imp["file"], imp["format"], imp["wave"], imp["rows_read"], imp["accepted"], imp["quarantined"]) == \
        ("serve", "serve", "default", 1, 1, 0)
    pii = p.pii_frame()
    assert pii["ip"].iloc[0] == "testclient" and pii["user_agent"].iloc[0] == "TestPhone/1.0"


def test_duplicates_in_one_batch_are_stored_once(project, rows):
    q = project.questionnaire
    svc, client = _client(project)
    link = _link(project, collectors=["V9"])
    bodies = [payload(q, rows[i % 3], link=link, uid=f"00000000-0000-4000-8000-00000000000{i % 3}") for i in range(30)]

    async def burst():
        transport = httpx.ASGITransport(app=build_app(svc))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await asyncio.gather(*(c.post("/api/submit", json=b) for b in bodies))

    with client:  # lifespan: writer running
        res = asyncio.run(burst())
    assert [r.status_code for r in res] == [200] * 30
    assert sum(not r.json()["duplicate"] for r in res) == 3
    assert len(Project.open(project.root).raw_responses()) == 3


BAD = [  # (change to a valid row, question the error is shown at, catalogue code)
    ({"A1": 7}, "A1", "unknown-option"),
    ({"A1": "男的"}, "A1", "unknown-option"),
    ({"K4": 150}, "K4", "out-of-range"),
    ({"K4": "很多"}, "K4", "not-a-number"),
    ({"K1_1": 1, "K1_2": 1, "K1_3": 1, "K1_4": 1, "K1_5": 1, "K1_6": 1}, "K1", "too-many"),
    ({"K1_60": 1, "K1_1": 1}, "K1", "exclusive"),
    ({"B6": 2, "B7_1": 1, "B7_2": 0, "B7_3": 0, "B7_4": 0, "B7_5": 0, "B7_6": 0, "B8": 1}, "B7", "should-skip"),
    ({"A2": None}, "A2", "required-missing"),
    ({"C1_r3": None}, "C1", "required-missing"),
    ({"K2_1": 1, "K2_2": 1, "K2_3": 2}, "K2", "rank-invalid"),
    ({"K3": "很长" * 1500}, "K3", "text-too-long"),
]


@pytest.mark.parametrize("change,qid,code", BAD, ids=[b[2] + "-" + b[1] for b in BAD])
def test_invalid_submission_gets_422_with_field_errors_and_nothing_is_stored(project, rows, change, qid, code):
    q = project.questionnaire
    row = dict(next(r for r in rows if r.get("B6") == 1 and r.get("A5") == 2))
    numeric = {k: v for k, v in change.items() if not isinstance(v, str)}
    for k, v in numeric.items():
        if v is None:
            row.pop(k, None)
        else:
            row[k] = v
    body = payload(q, row)
    body["answers"].update({k: v for k, v in change.items() if isinstance(v, str)})  # text where a code is due
    if code == "rank-invalid":  # two options with rank 1, as the plain HTML form can send
        body["answers"].pop("K2", None)
        body["answers"].update({"K2_1": "1", "K2_2": "1", "K2_3": "2"})
    svc, client = _client(project)
    with client:
        client.get("/")
        r = client.post("/api/submit", json=body)
        assert r.status_code == 422, r.text
        errs = r.json()["errors"]
        assert any(e["question"] == qid and e["code"] == code for e in errs), errs
        assert all(e["message"] and e["detail"] for e in errs)
        assert _count(project) == 0
    assert len(Project.open(project.root).raw_responses()) == 0


def test_server_checks_are_the_import_checks(project, rows, tmp_path):
    """A bad row gets the same problem codes from the server as quarantine reasons from `survey import`."""
    from survey.collect.answers import check_batch

    q = project.questionnaire
    base = next(r for r in rows if r.get("B6") == 1)
    bad_rows = []
    for change, _, code in BAD:
        if code == "text-too-long" or any(isinstance(v, str) for v in change.values()):
            continue  # the web form's own limit / cells the form cannot send as codes
        row = dict(base)
        for k, v in change.items():
            if v is None:
                row.pop(k, None)
            else:
                row[k] = v
        bad_rows.append(row)
    frame = pd.DataFrame([{"respondent_id": f"r{i}", **r} for i, r in enumerate(bad_rows)])
    f = tmp_path / "bad.csv"
    frame.to_csv(f, index=False)
    project.import_file(f, format="native")
    by_row = Project.open(project.root).quarantine().groupby("row")["code"].apply(set).to_dict()
    errs = check_batch(q, bad_rows, [[] for _ in bad_rows])
    assert len(errs) == len(bad_rows) >= 8
    for i, e in enumerate(errs):
        assert {x.code for x in e} == by_row.get(i + 2, set()), i


def test_form_without_javascript_shows_errors_next_to_questions(project, rows):
    svc, client = _client(project)
    with client:
        html = client.get("/").text
        uid = html.split('name="__uuid" value="')[1].split('"')[0]
        fields = {"__uuid": uid, "A1": "1", "K4": "150"}
        r = client.post("/submit", data=fields)
        assert r.status_code == 422
        page = r.text
        err_a2 = page.split('id="err-A2"')[1].split("</p>")[0]
        assert "hidden" not in err_a2.split(">")[0] and "此题为必答题" in err_a2
        err_k4 = page.split('id="err-K4"')[1].split("</p>")[0]
        assert "0—99之间" in err_k4
        assert 'value="1" checked' in page.split('id="q-A1"')[1].split("</fieldset>")[0]  # answers kept
        assert _count(project) == 0
        ok = {"__uuid": uid, **{k: v for k, v in payload(project.questionnaire, rows[1])["answers"].items()
                                 if not isinstance(v, list)}}
        multi = {k: v for k, v in payload(project.questionnaire, rows[1])["answers"].items() if isinstance(v, list)}
        items = list(ok.items()) + [(k, x) for k, v in multi.items() if k != "K2" for x in v]
        for rank, code in enumerate(multi.get("K2", []), start=1):
            items.append((f"K2_{code}", str(rank)))
        r = client.post("/submit", content=httpx.QueryParams(items).__str__(),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 200 and "提交成功" in r.text
    data = Project.open(project.root).raw_responses()
    assert len(data) == 1
    for c, v in rows[1].items():
        assert (data[c].iloc[0] == v) if isinstance(v, str) else float(data[c].iloc[0]) == float(v), c


# ----------------------------------------------------------------------------- anti-abuse
def test_one_submission_per_device_unless_collector_link(project, rows):
    q = project.questionnaire
    svc, client = _client(project)
    with client:
        r = client.post("/api/submit", json=payload(q, rows[0]))
        assert r.status_code == 403 and r.json()["status"] == "no_device"  # never opened the form
        client.get("/")
        assert client.post("/api/submit", json=payload(q, rows[0])).status_code == 200
        r = client.post("/api/submit", json=payload(q, rows[1]))
        assert r.status_code == 409 and r.json()["status"] == "already"
        link = _link(project, collectors=["V001"])
        for i in range(2, 5):
            assert client.post("/api/submit", json=payload(q, rows[i], link=link)).status_code == 200
        client.cookies.set("minyi_device", "forged.0000")
        assert client.post("/api/submit", json=payload(q, rows[5])).status_code == 403
    assert _count(project) == 4


def test_rate_limit_per_address(project, rows):
    q = project.questionnaire
    svc, client = _client(project, rate_limit=3)
    with client:
        codes = []
        for i in range(5):  # five phones behind one address (a new device cookie each)
            client.cookies.clear()
            client.get("/")
            codes.append(client.post("/api/submit", json=payload(q, rows[i], uid=str(_uuid.uuid4()))).status_code)
        assert codes == [200, 200, 200, 429, 429]  # answers stored count (refused ones apart: test_collect_rate_refused)
        r = client.post("/api/submit", json=payload(q, rows[5]))
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        link = _link(project, collectors=["V2"])  # collectors' links are not limited
        assert client.post("/api/submit", json=payload(q, rows[1], link=link)).status_code == 200


def test_request_size_limit(project, rows):
    svc, client = _client(project)
    with client:
        client.get("/")
        body = payload(project.questionnaire, rows[0])
        body["answers"]["K3"] = "长" * 200_000
        r = client.post("/api/submit", json=body)
        assert r.status_code == 413 and r.json()["status"] == "too_large"
        r = client.post("/api/submit", content=b"x" * 300_000, headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        r = client.post("/api/submit", content=b"{not json", headers={"Content-Type": "application/json"})
        assert r.status_code == 400
        r = client.post("/api/submit", json={"uuid": "../../etc", "answers": {}})
        assert r.status_code == 400
    assert _count(project) == 0


def test_access_code(project, rows):
    q = project.questionnaire
    svc, client = _client(project, access_code="2468")
    with client:
        html = client.get("/").text
        assert 'name="__code"' in html
        assert client.post("/api/submit", json=payload(q, rows[0])).json()["status"] == "access_code"
        assert client.post("/api/submit", json=payload(q, rows[0], access_code="1357")).status_code == 403
        assert client.post("/api/submit", json=payload(q, rows[0], access_code="2468")).status_code == 200
        link = _link(project, collectors=["V3"])
        assert 'name="__code"' not in client.get("/", params=link).text
        assert client.post("/api/submit", json=payload(q, rows[1], link=link)).status_code == 200


def test_forged_or_changed_links_are_refused(project, rows):
    q = project.questionnaire
    svc, client = _client(project)
    link = _link(project, site="社区", district="东城区", collectors=["V001"])
    with client:
        page = client.get("/", params=link)
        assert page.status_code == 200 and "（已由链接指定）" in page.text and "调查员：V001" in page.text
        for change in ({"c": "V002"}, {"s": "1"}, {"d": "2"}, {"k": link["k"][:-2] + "AA"}, {"k": None}):
            bad = {k: v for k, v in {**link, **change}.items() if v is not None}
            assert client.get("/", params=bad).status_code == 400
            assert client.post("/api/submit", json=payload(q, rows[0], link=bad)).status_code == 400
        row = dict(_rows_in(rows, 2, 1, 1)[0], A5=1, A6=3)  # the form says otherwise: the link wins
        assert client.post("/api/submit", json=payload(q, row, link=link)).status_code == 200
    data = Project.open(project.root).raw_responses()
    assert data["A5"].tolist() == [2] and data["A6"].tolist() == [1] and data["collector"].tolist() == ["V001"]


# ----------------------------------------------------------------------------- quotas
def _rows_in(rows, site, district, n):
    out = []
    for r in rows:
        if r.get("A5") == site:
            out.append(dict(r, A6=district))
    return out[:n]


@pytest.mark.parametrize("mode", ["stop", "keep"])
def test_quota_cells(tmp_path, rows, mode):
    p = make_project(tmp_path, config={"quotas": {"mode": mode, "cells": [
        {"site": "社区", "district": "东城区", "target": 2}, {"district": "西城区", "target": 1}]}})
    q = p.questionnaire
    svc, client = _client(p)
    link_full = _link(p, site="社区", district="东城区", collectors=["V1"])
    collector = _link(p, collectors=["V2"])
    with client:
        community = _rows_in(rows, 2, 1, 4)
        got = [client.post("/api/submit", json=payload(q, r, link=collector)) for r in community[:3]]
        assert [g.status_code for g in got[:2]] == [200, 200]
        west = _rows_in(rows, 2, 2, 2)
        got2 = [client.post("/api/submit", json=payload(q, r, link=collector)) for r in west]
        other = client.post("/api/submit", json=payload(q, _rows_in(rows, 2, 3, 1)[0], link=collector))
        assert other.status_code == 200  # no quota for 南湖区
        page = client.get("/", params=link_full)
        stats = client.get("/admin/api/stats", headers={"Authorization": "Bearer tok-123"}).json()
        if mode == "stop":
            assert got[2].status_code == 409 and got[2].json()["status"] == "quota_full"
            assert "样本已经收集完成" in got[2].json()["message"]
            assert [g.status_code for g in got2] == [200, 409]
            assert "样本已经收集完成" in page.text and 'id="survey"' not in page.text
            assert _count(p) == 4
        else:
            assert got[2].status_code == 200 and [g.status_code for g in got2] == [200, 200]
            assert 'id="survey"' in page.text
            assert _count(p) == 6
        cells = {(c["site"], c["district"]): c for c in stats["quotas"]}
        assert cells[("社区", "东城区")]["target"] == 2 and cells[("社区", "东城区")]["full"]
        assert cells[(None, "西城区")]["total"] == (1 if mode == "stop" else 2)


def test_bad_quota_config_is_one_clear_error(tmp_path):
    from survey.errors import MinyiError

    p = make_project(tmp_path, config={"quotas": [{"site": "学校", "target": 5}]})
    with pytest.raises(MinyiError, match="学校") as e:
        Service(p, admin_token="x")
    assert "minyi.yaml" in str(e.value.problems[0]) and "社区" in str(e.value.problems[0])


# ----------------------------------------------------------------------------- admin
def test_admin_needs_the_token_and_forms_need_csrf(project, rows):
    q = project.questionnaire
    svc, client = _client(project)
    with client:
        assert client.get("/admin").status_code == 401
        assert client.get("/admin", params={"token": "wrong"}).status_code == 403
        assert client.get("/admin/api/stats").status_code == 401
        assert client.get("/admin/api/stats", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/admin/sheet").status_code == 401
        assert client.post("/admin/state", data={"action": "close"}).status_code == 401
        assert client.post("/admin/login", data={"token": "nope"}).status_code == 403
        r = client.get("/admin", params={"token": "tok-123"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/admin"
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "tok-123" not in cookie
        dash = client.get("/admin")
        assert dash.status_code == 200 and "采集进度" in dash.text and 'http-equiv="refresh"' in dash.text
        csrf = dash.text.split('name="csrf" value="')[1].split('"')[0]
        assert client.post("/admin/state", data={"action": "close"}).status_code == 403
        assert client.post("/admin/state", data={"action": "close", "csrf": "x" * 32}).status_code == 403
        assert client.post("/admin/state", data={"action": "close", "csrf": csrf},
                           headers={"Origin": "https://evil.example"}).status_code == 403
        client.get("/")
        first = payload(q, rows[0])
        assert client.post("/api/submit", json=first).status_code == 200
        r = client.post("/admin/state", data={"action": "close", "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303
        assert "调查已结束" in client.get("/").text
        r = client.post("/api/submit", json=payload(q, rows[1], link=_link(project, collectors=["V1"])))
        assert r.status_code == 403 and r.json()["status"] == "closed"
        assert client.post("/api/submit", json=first).status_code == 200  # a retry of a stored answer
        sheet = client.get("/admin/sheet", params={"site": "社区", "collectors": "V001,V002",
                                                   "base_url": "https://survey.example.gov.cn"})
        assert sheet.status_code == 200 and sheet.text.count("<svg") == 2 and "调查员：</b>V002" in sheet.text
        assert "script-src" not in sheet.headers["content-security-policy"] or \
            "unsafe-inline" not in sheet.headers["content-security-policy"].split("script-src")[1]
        client.post("/admin/state", data={"action": "open", "csrf": csrf})
        assert 'id="survey"' in client.get("/").text
    # the state survives a restart
    svc2, client2 = _client(project)
    with client2:
        assert svc2.open


def test_dashboard_counts_and_quality_flags_per_collector(tmp_path, rows):
    p = make_project(tmp_path)
    q = p.questionnaire
    svc, client = _client(p)
    v1 = _link(p, site="社区", district="东城区", collectors=["V001"])
    v2 = _link(p, site="企业", district="西城区", collectors=["V002"])
    with client:
        for r in _rows_in(rows, 2, 1, 6):
            assert client.post("/api/submit", json=payload(q, r, link=v1, duration_sec=600)).status_code == 200
        same = _rows_in(rows, 3, 2, 1)[0]
        for i in range(3):  # the same answers three times, in 20 seconds each
            assert client.post("/api/submit", json=payload(q, same, link=v2, duration_sec=20)).status_code == 200
        stats = client.get("/admin/api/stats", headers={"Authorization": "Bearer tok-123"}).json()
        dash = client.get("/admin", headers={"Authorization": "Bearer tok-123"}).text
    assert stats["total"] == 9 and stats["today"] == 9
    by = {c["collector"]: c for c in stats["collectors"]}
    assert by["V001"]["total"] == 6 and by["V002"]["total"] == 3
    assert by["V002"]["flags"].get("speeder") == 3 and by["V002"]["flags"].get("identical_answers") == 2
    assert not by["V001"]["flags"].get("identical_answers")
    sites = {c["site"]: c["total"] for c in stats["sites"]}
    assert sites == {"机关": 0, "社区": 6, "企业": 3}  # every site, in questionnaire order (test_collect_redteam2)
    assert "V002" in dash and 'class="r flag"' in dash


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])  # pyarrow fast path, careful path
def test_a_serve_export_imports_again_with_its_collector_column(project, rows, tmp_path, encoding):
    """`survey export` of collected answers carries the collector id; importing that file into another
    project keeps it (no "matches no question" note, nothing quarantined), on both native read paths."""
    from survey.export import export_project

    q = project.questionnaire
    svc, client = _client(project)
    links = [_link(project, collectors=["V001"]), _link(project, collectors=["V002"]), None]
    with client:
        client.get("/")  # the device cookie of the link-less answer
        for i, link in enumerate(links):
            r = client.post("/api/submit", json=payload(q, rows[i], link=link or {}))
            assert r.status_code == 200, r.text
    src = Project.open(project.root)
    text = export_project(src)
    assert "collector" in text.splitlines()[0].lstrip("\ufeff").split(",")
    f = tmp_path / "serve_export.csv"
    f.write_bytes(text.encode(encoding))
    other = Project.create(tmp_path / "again", project.root / "questionnaire.yaml")
    s = other.import_file(f, wave="w2")
    assert s.accepted == 3 and s.quarantined == 0
    assert not [u for u in s.unmatched if "collector" in str(u)], s.unmatched
    got = Project.open(other.root).raw_responses().set_index("respondent_id")["collector"]
    want = src.raw_responses().set_index("respondent_id")["collector"]
    def ids(s):
        return [None if pd.isna(v) else v for v in s.tolist()]

    assert ids(got.reindex(want.index)) == ids(want)
    assert sorted(ids(want), key=str) == [None, "V001", "V002"]

"""An outside audit of `survey serve` / `survey links` (issue 12), the server side; each test failed before its fix:

1. a non-ASCII admin token (``--admin-token 管理口令2026``) made /admin, /admin/login and the stats API answer 500
   (hmac.compare_digest of two str), as did a non-ASCII Bearer header, admin cookie, device cookie, link signature
   or CSRF token: secrets are compared as bytes, a malformed cookie is no cookie, the stats API errs in JSON;
2. "a retry never creates a duplicate (stored once, answered 200 again)": a stored answer resent after a restart with
   another access code got 403, and with a rate limit resending stored answers (and no_device refusals) used it up;
3. 15,000 unknown answer fields were all kept, echoed and listed on the dashboard (a 124 KB line);
4. a collector id holding U+202E (right-to-left override) or another invisible character was taken;
5. the plain form's POST /submit answered a body over the limit with raw JSON and too many fields with a page
   naming the wrong cause;
6. a number answer "1_0" (Python's syntax) was stored as 10.
"""

from __future__ import annotations

import json
import re
import warnings

import pytest
from typer.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import serve_helpers
from serve_helpers import journal_count, payload
from survey.collect.app import Service, build_app
from survey.collect.journal import Journal, journal_path

TOKEN = "管理口令2026"


def _client(project, **kw):
    svc = Service(project, admin_token=kw.pop("admin_token", "tok-123"), **kw)
    return svc, TestClient(build_app(svc), raise_server_exceptions=False)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


project, rows = serve_helpers.project_fixture, serve_helpers.rows_fixture  # the shared fixtures


# --------------------------------------------------------------------------- 1. non-ASCII secrets and cookies
def test_non_ascii_admin_token_logs_in(project):
    svc, client = _client(project, admin_token=TOKEN)
    with client:
        r = client.get("/admin", params={"token": TOKEN}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/admin", r.status_code
        dash = client.get("/admin")
        assert dash.status_code == 200 and "采集进度" in dash.text
        client.cookies.clear()
        r = client.post("/admin/login", data={"token": TOKEN}, follow_redirects=False)
        assert r.status_code == 303
        client.cookies.clear()
        assert client.get("/admin", params={"token": "管理口令2025"}).status_code == 403
        assert client.post("/admin/login", data={"token": "错误口令"}).status_code == 403
        ok = client.get("/admin/api/stats", headers={"Authorization": f"Bearer {TOKEN}".encode()})
        assert ok.status_code == 200 and ok.json()["total"] == 0
        bad = client.get("/admin/api/stats", headers={"Authorization": "Bearer 错误口令".encode()})
        assert bad.status_code == 401 and bad.headers["content-type"].startswith("application/json")


def test_non_ascii_cookies_and_values_are_refused_not_500(project, rows):
    q = project.questionnaire
    svc, client = _client(project, access_code="2468")
    with client:
        stats = client.get("/admin/api/stats", headers={"Cookie": "minyi_admin=é".encode("utf-8")})
        assert stats.status_code == 401 and stats.json()["status"] == "forbidden"
        assert client.get("/admin", headers={"Cookie": "minyi_admin=管理".encode("utf-8")}).status_code == 401
        # a malformed device cookie is no cookie: a fresh one is given, and a submission with it has no device
        form = client.get("/", headers={"Cookie": b"minyi_device=abc.\xc3\xa9"})
        assert form.status_code == 200 and "minyi_device=" in form.headers["set-cookie"]
        body = payload(q, rows[0], access_code="2468")
        r = client.post("/api/submit", json=body, headers={"Cookie": b"minyi_device=abc.\xc3\xa9"})
        assert r.status_code == 403 and r.json()["status"] == "no_device", r.text
        # a link signature, an access code with non-ASCII (or a lone surrogate) are wrong, not a crash
        assert client.get("/", params={"c": "V1", "k": "签名"}).status_code == 400
        code = client.post("/api/code", content=b'{"code": "\\ud800"}', headers={"Content-Type": "application/json"})
        assert code.status_code == 403 and code.json()["status"] == "access_code"
        assert client.post("/api/code", json={"code": "访问码"}).status_code == 403
        client.get("/admin", params={"token": "tok-123"})
        r = client.post("/admin/state", data={"action": "close", "csrf": "口令" * 16})
        assert r.status_code == 403
        assert svc.open
        # the stats API answers errors in JSON, not with an HTML page
        r = client.post("/admin/api/stats")
        assert r.status_code == 405 and r.headers["content-type"].startswith("application/json")
    assert journal_count(project) == 0


def test_printed_admin_url_gives_the_token_back():
    from urllib.parse import parse_qs, urlsplit

    from survey.collect.server import _token_in_url

    for token in (TOKEN, "a+b&c=d#e%f", "plain-Token_1"):
        url = f"http://h:1/admin?token={_token_in_url(token)}"
        assert parse_qs(urlsplit(url).query)["token"] == [token]
    assert _token_in_url(TOKEN) == TOKEN  # readable in the terminal


# --------------------------------------------------------------------------- 2. a retry of a stored answer
def test_stored_answer_resent_after_restart_with_another_access_code_is_200(project, rows):
    q = project.questionnaire
    body = payload(q, rows[0], access_code="1111")
    svc, client = _client(project, access_code="1111")
    with client:
        client.get("/")
        r = client.post("/api/submit", json=body)
        assert r.status_code == 200 and r.json()["duplicate"] is False
        cookies = dict(client.cookies)
    svc2, client2 = _client(project, access_code="2222")
    with client2:
        client2.cookies.update(cookies)
        r = client2.post("/api/submit", json=body)
        assert r.status_code == 200, r.text
        assert r.json()["duplicate"] is True
        other = payload(q, rows[1], access_code="1111")  # a new answer with the old code is still refused
        assert client2.post("/api/submit", json=other).status_code == 403
    assert journal_count(project) == 1


def test_rate_limit_counts_new_submissions_only(project, rows):
    q = project.questionnaire
    svc, client = _client(project, rate_limit=2)
    with client:
        client.get("/")
        first = payload(q, rows[0])
        assert client.post("/api/submit", json=first).status_code == 200
        for _ in range(4):  # a phone's outbox sending a stored answer again
            r = client.post("/api/submit", json=first)
            assert r.status_code == 200 and r.json()["duplicate"] is True, r.text
        client.cookies.clear()
        second = payload(q, rows[1])
        for _ in range(3):  # cookies blocked: refused, not counted
            assert client.post("/api/submit", json=second).json()["status"] == "no_device"
        client.get("/")
        assert client.post("/api/submit", json=second).status_code == 200  # the second new one of the minute
        client.cookies.clear()
        client.get("/")
        r = client.post("/api/submit", json=payload(q, rows[2]))
        assert r.status_code == 429, r.text  # the third is over the limit
    assert journal_count(project) == 2


# --------------------------------------------------------------------------- 3. unknown fields are bounded
def test_thousands_of_unknown_fields_are_counted_not_listed(project, rows):
    from cli import app
    from survey.collect.answers import MAX_KEPT_FIELDS

    q = project.questionnaire
    body = payload(q, rows[0])
    body["answers"].update({f"Z{i}": "1" for i in range(15000)})
    svc, client = _client(project)
    with client:
        client.get("/")
        r = client.post("/api/submit", json=body)
        assert r.status_code == 200, r.text
        answer = r.json()
        assert answer["unknown_field_count"] == 15000 and len(answer["unknown_fields"]) == MAX_KEPT_FIELDS
        assert len(r.content) < 2000
        client.get("/admin", params={"token": "tok-123"})
        stats = client.get("/admin/api/stats")
        dash = client.get("/admin").text
    uf = stats.json()["not_in_store"]["unknown_fields"]
    assert (uf["answers"], uf["field_count"], uf["field_count_exact"]) == (1, 15000, True)
    assert len(uf["fields"]) == MAX_KEPT_FIELDS and uf["fields"] == sorted(uf["fields"])
    assert len(stats.content) < 20000
    assert "等，共 15,000 个" in _text(dash) and "Z9999" not in dash
    j = Journal(journal_path(project.root))
    try:
        [note] = j.notes("default")
        [rec] = j.records()
    finally:
        j.close()
    assert len(note["unknown_fields"]) == MAX_KEPT_FIELDS and note["unknown_field_count"] == 15000
    assert len(json.dumps(note, ensure_ascii=False)) < 2000
    assert rec.uuid == body["uuid"] and rec.answers["A1"] == rows[0]["A1"]  # the answer itself is kept
    out = CliRunner().invoke(app, ["status", str(project.root)])
    assert out.exit_code == 0, out.output
    line = next(ln for ln in out.output.splitlines() if "本问卷没有的题目" in ln)
    assert "等，共 15,000 个" in line and len(line) < 1000


# --------------------------------------------------------------------------- 4. invisible collector ids
@pytest.mark.parametrize("char", ["\u202e", "\u200f", "\u200b", "\u0007"])
def test_collector_with_invisible_characters_is_refused(project, tmp_path, capsys, char):
    from cli_capture import run_main

    rc, out = run_main(capsys, "links", str(project.root), "--collector", f"V001,{char}ABC123", "--base-url",
                       "https://survey.example.gov.cn", "--out", str(tmp_path / "qr"), "--no-pdf")
    assert rc == 2  # a wrong command line (issue 9: invalid option values exit 2)
    assert f"--collector '<U+{ord(char):04X}>ABC123': holds the invisible character(s) U+{ord(char):04X}" in out, out
    assert "Traceback" not in out and char not in out
    assert not (tmp_path / "qr").exists() or not list((tmp_path / "qr").iterdir())


def test_dashboard_sheet_refuses_invisible_collector_in_chinese(project):
    svc, client = _client(project)
    with client:
        client.get("/admin", params={"token": "tok-123"})
        r = client.get("/admin/sheet", params={"collectors": "V001,\u202eABC123",
                                               "base_url": "https://survey.example.gov.cn"})
    assert r.status_code == 400
    assert "调查员编号“<U+202E>ABC123”含有看不见的字符（U+202E）" in _text(r.text) or \
        "调查员编号“&lt;U+202E&gt;ABC123”含有看不见的字符（U+202E）" in r.text, _text(r.text)
    assert "\u202e" not in r.text and r.text.count("<svg") == 0


# --------------------------------------------------------------------------- 5. the plain form's own pages
def test_plain_form_too_large_or_too_many_fields_says_why_in_chinese(project):
    svc, client = _client(project)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with client:
        client.get("/")
        big = client.post("/submit", content=b"K3=" + b"x" * 300_000, headers=form)
        many = client.post("/submit", content="&".join(f"f{i}=1" for i in range(svc.form_fields + 5)).encode(),
                           headers=form)
        api = client.post("/api/submit", content=b"x" * 300_000, headers={"Content-Type": "application/json"})
    assert big.status_code == 413 and big.headers["content-type"].startswith("text/html")
    assert "提交的内容超过了服务器接收的上限（256 KB）" in _text(big.text), _text(big.text)
    assert many.status_code == 400 and many.headers["content-type"].startswith("text/html")
    assert f"包含的项目过多（超过 {svc.form_fields:,} 项）" in _text(many.text), _text(many.text)
    assert "请检查网址" not in many.text
    assert api.status_code == 413 and api.json()["status"] == "too_large"  # the JSON API keeps its JSON
    assert journal_count(project) == 0


# --------------------------------------------------------------------------- 6. numbers as the form sends them
def test_number_answers_take_what_the_form_and_import_take(project, rows):
    q = project.questionnaire
    row = next(r for r in rows if "K4" in r)
    from survey.collect.links import make_links, project_secret

    svc, client = _client(project, rate_limit=0)
    link = make_links(q, collectors=["V1"])[0].query(project_secret(project.root))  # many answers, one client
    with client:
        for bad in ("1_0", "0x10", "١٠", "infinity"):
            body = payload(q, row, link=link)
            body["answers"]["K4"] = bad
            r = client.post("/api/submit", json=body)
            assert r.status_code == 422, (bad, r.text)
            assert [(e["question"], e["code"]) for e in r.json()["errors"]] == [("K4", "not-a-number")], bad
        stored = {}
        for good, value in (("10", 10), ("１０", 10), (" 7 ", 7), ("1e1", 10)):
            body = payload(q, row, link=link)
            body["answers"]["K4"] = good
            r = client.post("/api/submit", json=body)
            assert r.status_code == 200, (good, r.text)
            stored[body["uuid"]] = value
    j = Journal(journal_path(project.root))
    try:
        got = {rec.uuid: rec.answers["K4"] for rec in j.records()}
    finally:
        j.close()
    assert got == stored

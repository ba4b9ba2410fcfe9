"""Second red-team of `survey serve` (each test failed before its fix).

1. the dashboard's QR-sheet form tells a Chinese supervisor in Chinese why it cannot make the sheet
   (labels ``sheet.<code>`` of survey/labels.py), not with the CLI's English message about ``--collector``;
3. a late answer of an older wave (a phone's outbox, sent after the server moved on to the next wave) is
   checked against the quotas that were in force for its own wave, never against today's;
4. trend / score / ledger / brief warn once, on stderr, when undated waves were imported in another
   order than their names sort in (the newest wave is then the last imported, not the last by name);
and the hostile-input and dashboard findings listed in each test's docstring.
"""

from __future__ import annotations

import re
import warnings

import pytest
import yaml

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from serve_helpers import make_project, payload
from survey.collect.app import Service, build_app
from survey.collect.links import make_links, project_secret
from survey.store import Project


def _client(project, **kw):
    svc = Service(project, admin_token="tok-123", **kw)
    return svc, TestClient(build_app(svc))


def _link(project, **kw):
    return make_links(project.questionnaire, **kw)[0].query(project_secret(project.root))


# ----------------------------------------------------------------------------- 1. the QR sheet's words
@pytest.mark.parametrize("params, words", [
    ({"collectors": "李 四"}, "调查员编号“李 四”中有空格"),
    ({"collectors": "V<1>"}, "调查员编号“V<1>”只能由字母、数字或汉字组成"),
    ({"base_url": "ftp://survey.example.gov.cn"}, "“受访者访问的网址”须是以 http:// 或 https:// 开头的网址"),
    ({"site": "火星"}, "“火星”不是本问卷的调查点，可选：机关"),
    ({"district": "火星区"}, "“火星区”不是本问卷的区县，可选："),
])
def test_qr_sheet_form_says_why_in_chinese(tmp_path, params, words):
    """A supervisor types "李 四" into the dashboard's collector box and was told
    "--collector '李 四': a collector id has no spaces; separate several ids with commas (--collector V001,V002)"."""
    project = make_project(tmp_path)
    svc, client = _client(project)
    with client:
        client.get("/admin", params={"token": "tok-123"})
        r = client.get("/admin/sheet", params={"base_url": "https://survey.example.gov.cn", **params})
    assert r.status_code == 400
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.text))
    assert words.replace("<", "&lt;").replace(">", "&gt;") in r.text or words in text, text
    assert "--" not in text and "collector" not in text and "base-url" not in text, text
    assert "返回管理后台" in r.text


def test_links_cli_keeps_its_own_words(tmp_path):
    """The CLI says the same problems with its option names (the catalogue), one line each."""
    from survey.errors import MinyiError

    q = make_project(tmp_path).questionnaire
    with pytest.raises(MinyiError) as e:
        make_links(q, collectors=["李 四"])
    assert e.value.problems[0].code == "links-collector-space"
    assert "--collector '李 四': a collector id has no spaces" in str(e.value)
    with pytest.raises(MinyiError) as e:
        make_links(q, collectors=["V<1>"])
    assert e.value.problems[0].code == "links-collector-chars"


# ----------------------------------------------------------------------------- 3. a late answer's quotas
@pytest.fixture(scope="module")
def east():
    """Simulated complete answers of respondents in 东城区 (A6 = 1)."""
    from serve_helpers import BUNDLED, native_rows
    from survey.qload import load_questionnaire

    return [r for r in native_rows(load_questionnaire(BUNDLED), 200, seed=11) if r.get("A6") == 1][:10]


def _set_quota(project, target: int) -> None:
    cfg_path = project.root / "minyi.yaml"
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    cfg["quotas"] = {"mode": "stop", "cells": [{"district": "东城区", "target": target}]}
    cfg_path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_late_answer_is_checked_against_its_own_waves_quotas(tmp_path, east):
    """2026Q3 was served with 东城区's target 3 and got one answer; the office then set 2026Q4's target to 1
    and served 2026Q4.  A phone sends two 2026Q3 answers it kept offline: before the fix the first was
    refused as "配额已满" (today's target 1 against 2026Q3's one answer) — a real answer lost; and with a
    larger target today, 2026Q3 would take answers beyond its own full cell."""
    p = make_project(tmp_path)
    q = p.questionnaire
    assert len(east) >= 7
    link = _link(p, collectors=["V001"])
    _set_quota(p, 3)
    svc, client = _client(Project.open(p.root), wave="2026Q3")
    with client:
        assert client.post("/api/submit", json=payload(q, east[0], link=link, wave="2026Q3")).status_code == 200
    _set_quota(p, 1)  # 2026Q4's targets
    svc, client = _client(Project.open(p.root), wave="2026Q4")
    with client:
        late = [client.post("/api/submit", json=payload(q, east[i], link=link, wave="2026Q3")) for i in (1, 2, 3)]
        assert [r.status_code for r in late] == [200, 200, 409], [r.json() for r in late]  # 2026Q3's own target: 3
        assert late[2].json()["status"] == "quota_full" and "quota_checked" not in late[0].json()
        now = [client.post("/api/submit", json=payload(q, east[i], link=link, wave="2026Q4")) for i in (4, 5)]
        assert [r.status_code for r in now] == [200, 409]  # today's target: 1
    _set_quota(p, 100)  # a later edit of today's quotas does not reopen 2026Q3's full cell
    svc, client = _client(Project.open(p.root), wave="2026Q4")
    with client:
        r = client.post("/api/submit", json=payload(q, east[6], link=link, wave="2026Q3"))
        assert r.status_code == 409 and r.json()["status"] == "quota_full"
    data = Project.open(p.root).raw_responses()
    assert sorted(data.groupby("_wave").size().items()) == [("2026Q3", 3), ("2026Q4", 1)]


def test_a_late_answer_of_a_wave_never_served_here_is_stored_without_a_quota_check(tmp_path, east):
    """A wave listed in waves: (imported, never served by this server) has no quotas kept: its late answer
    is stored in it and the answer says its quotas were not checked (today's are another wave's)."""
    p = make_project(tmp_path, config={"waves": ["2026Q2"]})
    q = p.questionnaire
    _set_quota(p, 1)
    link = _link(p, collectors=["V001"])
    svc, client = _client(Project.open(p.root), wave="2026Q4")
    with client:
        assert client.post("/api/submit", json=payload(q, east[0], link=link, wave="2026Q4")).status_code == 200
        rs = [client.post("/api/submit", json=payload(q, east[i], link=link, wave="2026Q2")) for i in (1, 2)]
    assert [r.status_code for r in rs] == [200, 200]
    assert all(r.json()["quota_checked"] is False for r in rs)


# ----------------------------------------------------------------------------- 4. wave order without dates
def _survey(cwd, *args):
    import os
    import subprocess
    import sys

    from serve_helpers import ROOT

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=str(cwd), env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def late_import(tmp_path_factory):
    """A project whose 2026Q1 was imported after its 2026Q3, with no start: dates."""
    from survey.simulate import simulate

    tmp = tmp_path_factory.mktemp("waves")
    p = make_project(tmp)
    for i, wave in enumerate(("2026Q3", "2026Q1")):
        f = tmp / f"{wave}.csv"
        simulate(p.questionnaire, n=200, seed=5 + i).to_csv(f, index=False)
        Project.open(p.root).import_file(f, wave=wave)
    return tmp, p.root


def test_tracking_commands_warn_once_when_undated_waves_were_imported_out_of_order(late_import):
    """`survey trend` on that project took 2026Q1 as the newest wave (the change 2026Q3 → 2026Q1) and said
    nothing; docs/trend.md documents the import order, but the user had no way to see it happened."""
    tmp, root = late_import
    assert Project.open(root).waves() == ["2026Q3", "2026Q1"]
    for args in (("trend", str(root), "--indicators", "composite"), ("brief", str(root))):
        r = _survey(tmp, *args)
        assert r.returncode == 0, r.stderr
        lines = [ln for ln in r.stderr.splitlines() if "start: date" in ln]
        assert len(lines) == 1, r.stderr
        assert "minyi.yaml: warning:" in lines[0] and "first import (2026Q3, 2026Q1)" in lines[0] \
            and "their names (2026Q1, 2026Q3)" in lines[0] and "the newest is taken to be 2026Q1" in lines[0]
        assert "start: date" not in r.stdout


def test_no_wave_order_warning_once_the_waves_have_start_dates(late_import, tmp_path):
    import shutil

    tmp, root = late_import
    proj = tmp_path / "dated"
    shutil.copytree(root, proj)
    cfg = yaml.safe_load((proj / "minyi.yaml").read_text(encoding="utf-8"))
    cfg["waves"] = {"2026Q3": {"start": "2026-07-01"}, "2026Q1": {"start": "2026-01-01"}}
    (proj / "minyi.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert Project.open(proj).waves() == ["2026Q1", "2026Q3"]
    r = _survey(tmp_path, "trend", str(proj), "--indicators", "composite")
    assert r.returncode == 0 and "start: date" not in r.stderr, r.stderr


# ----------------------------------------------------------------------------- the dashboard's counts
def test_dashboard_lists_every_site_and_district_in_questionnaire_order_with_zeros(tmp_path, east):
    """A supervisor looks for the districts nobody has reached yet: before the fix the dashboard listed only
    districts with answers (a district at 0 was simply missing) and sorted them by character code
    (东城区, 临江县, 北山区, …), not in the questionnaire's order."""
    p = make_project(tmp_path)
    q = p.questionnaire
    svc, client = _client(p)
    link = _link(p, collectors=["V001"])
    with client:
        assert client.post("/api/submit", json=payload(q, east[0], link=link)).status_code == 200
        stats = client.get("/admin/api/stats", headers={"Authorization": "Bearer tok-123"}).json()
        client.get("/admin", params={"token": "tok-123"})
        dash = client.get("/admin").text
    want_d = [o.label for o in q.question(q.district_question).options]
    want_s = [o.label for o in q.question(q.site_question).options]
    assert [c["district"] for c in stats["districts"]] == want_d
    assert [c["site"] for c in stats["sites"]] == want_s
    assert {c["district"]: c["total"] for c in stats["districts"]} == {d: int(d == "东城区") for d in want_d}
    table = dash.split("按区县")[1].split("</table>")[0]
    assert [table.index(f"<td>{d}</td>") for d in want_d] == sorted(table.index(f"<td>{d}</td>") for d in want_d)


# ----------------------------------------------------------------------------- closing the survey
def test_closing_keeps_answers_finished_before_the_close_and_refuses_later_ones(tmp_path, east):
    """A volunteer fills three questionnaires in a village without signal; the supervisor closes the survey
    at the end of the day; the phone gets signal in the evening.  Before the fix the three were refused
    ("调查已结束") and, refused, never sent again: fieldwork of the open survey lost.  Now an answer finished
    on the phone before the close is taken; one finished after it is refused, and so is a form opened after."""
    import time

    p = make_project(tmp_path)
    q = p.questionnaire
    link = _link(p, collectors=["V001"])
    svc, client = _client(p)
    with client:
        client.get("/admin", params={"token": "tok-123"})
        csrf = client.get("/admin").text.split('name="csrf" value="')[1].split('"')[0]
        before = int(time.time() * 1000) - 3 * 3600 * 1000  # finished three hours ago, kept offline
        assert client.post("/admin/state", data={"action": "close", "csrf": csrf}).status_code == 200
        assert "关闭前已在手机上填好" in client.get("/admin").text
        late = client.post("/api/submit", json=payload(q, east[0], link=link, finished_at=before))
        assert late.status_code == 200, late.json()
        after = client.post("/api/submit", json=payload(q, east[1], link=link, finished_at=int(time.time() * 1000) + 1000))
        assert after.status_code == 403 and after.json()["status"] == "closed"
        none = client.post("/api/submit", json=payload(q, east[2], link=link, finished_at=None))
        assert none.status_code == 403
        ancient = client.post("/api/submit", json=payload(q, east[3], link=link, finished_at=before - 90 * 86400 * 1000))
        assert ancient.status_code == 403
        assert "调查已结束" in client.get("/").text
    data = Project.open(p.root).raw_responses()
    assert len(data) == 1


# ----------------------------------------------------------------------------- hostile requests
def test_hostile_requests_get_short_chinese_answers_and_nothing_leaks(tmp_path, east):
    """Red-team of the routes with hand-made requests: a Content-Length that is no number was answered in
    English plain text ("bad content-length"); everything else already held and is pinned here: path
    traversal in /static, bodies over the limit (declared or streamed), a text/plain or undecodable body,
    a JSON body to the plain form, and respondent text with markup, which the dashboard never shows raw."""
    p = make_project(tmp_path)
    q = p.questionnaire
    svc, client = _client(p)
    with client:
        r = client.post("/api/submit", content=b'{"uuid": "x"}', headers={"content-length": "abc"})
        assert r.status_code == 400 and r.json()["message"] == "提交的内容无法识别，请刷新页面后重试。"
        for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e%2fjournal.py",
                     "/static/", "/static//etc/passwd", "/static/form.js%00.css", "/..%2f..%2fetc/passwd"):
            r = client.get(path)
            assert r.status_code == 404 and "import" not in r.text and "页面不存在" in r.text, path
        assert client.post("/api/submit", content=b"x" * (300 * 1024),
                           headers={"content-type": "application/json"}).status_code == 413
        assert client.post("/api/submit", content=(b"x" * 1024 for _ in range(400)),
                           headers={"content-type": "application/json"}).status_code == 413
        for body, ctype in ((b"hello", "text/plain"), (b"\xff\xfe", "application/json")):
            r = client.post("/api/submit", content=body, headers={"content-type": ctype})
            assert r.status_code == 400 and r.json()["status"] == "bad_request"
        assert client.post("/submit", json={"answers": {}}).status_code == 400
        row = dict(east[0], K3='<script>alert("x")</script><img src=x onerror=alert(1)>')
        link = _link(p, collectors=['V001'])
        assert client.post("/api/submit", json=payload(q, row, link=link)).status_code == 200
        client.get("/admin", params={"token": "tok-123"})
        dash = client.get("/admin", headers={"host": 'x"><script>alert(1)</script>'}).text
        assert "<script>alert" not in dash and "onerror=alert" not in dash


# ----------------------------------------------------------------------------- the dashboard's words
def test_dashboard_names_the_wave_in_words_and_warns_of_a_qr_address_phones_cannot_open(tmp_path):
    """The dashboard said "采集轮次 2026Q3" (the raw id), and its QR-sheet form was filled in with the
    dashboard's own address — behind a reverse proxy, or on the server itself, http://127.0.0.1:8000 — so a
    supervisor printed QR codes no phone can open, without a word of warning."""
    p = make_project(tmp_path, config={"waves": {"2026Q3": {"label": "2026年第三季度测评"}}})
    svc, client = _client(p, wave="2026Q3")
    with client:
        client.get("/admin", params={"token": "tok-123"})
        local = client.get("/admin", headers={"host": "127.0.0.1:8000"}).text
        public = client.get("/admin", headers={"host": "survey.example.gov.cn"}).text
        sheet = client.get("/admin/sheet", params={"base_url": "http://localhost:8000", "collectors": "V001"}).text
        good = client.get("/admin/sheet", params={"base_url": "https://survey.example.gov.cn", "collectors": "V001"}).text
    assert "采集轮次 <b>2026年第三季度测评（2026Q3）</b>" in local
    assert "只能在本机打开" in local and "只能在本机打开" not in public
    assert "只能在本机打开" in sheet and "@media print { .note { display: none; } }" in sheet
    assert "只能在本机打开" not in good

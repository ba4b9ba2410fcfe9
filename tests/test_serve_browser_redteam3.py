"""The phone form in headless Chromium, third red-team (each test failed before its fix):

1. the phone's back button goes back one page of the form (history entries per page turn), not out of it;
2. a form sent after the survey was closed stays on the phone, marked refused, and the page says so;
4. two tabs of one phone: one tab's outbox round leaves alone the answer the other tab is sending (a lock in
   localStorage, void after a timeout).

Driving conventions: test_serve_browser.py.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pandas as pd
import pytest

from serve_helpers import ServerProcess, make_project
from survey.collect.links import make_links, project_secret
from survey.skip import asked_masks
from test_serve_browser import CHROMIUM, _plans, _until, dashboard_on_phone, phone
from test_serve_browser_redteam2 import DRAFT, OUTBOX, PUT, _NoSend

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                                reason="chromium is not installed (CI installs it and sets CI=1: then this fails)")

PAGE_A = (("A1", 1), ("A2", 2), ("A3", 3), ("A4", 2), ("A7", 3))


def _checked(page, qid: str, code: int) -> bool:
    return page.locator(f'#q-{qid} input[value="{code}"]').is_checked()


def test_the_back_button_goes_back_one_page_of_the_form(tmp_path):
    """A respondent on the second page of questions presses the phone's back button (Android): before the fix
    the browser left the survey (the pages were no history entries), and the link opened again started
    afresh.  Now back shows the page before, with its answers, and the draft says that page (a reload stays
    there); 上一页 and back agree (上一页 then back goes two pages back, not forward again); forward turns
    the page again; on the introduction back leaves the form as usual."""
    from playwright.sync_api import sync_playwright

    p = make_project(tmp_path)
    link = make_links(p.questionnaire, site="社区", district="东城区", collectors=["V001"])[0]
    srv = ServerProcess(p.root, "--merge-every", "3600")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile)
            page.on("pageerror", lambda e: errors.append(str(e)))
            url = link.url(srv.base, project_secret(p.root))
            page.goto(url)
            page.click("#next")
            for qid, code in PAGE_A:
                page.locator(f'#q-{qid} label:has(input[value="{code}"])').click()
            a_page = page.evaluate(DRAFT)["page"]
            page.click("#next")
            page.locator('#q-B1 label:has(input[value="1"])').click()
            assert page.locator("#q-B1").is_visible() and page.locator("#q-A1").is_hidden()
            page.go_back()
            page.wait_for_selector("#q-A1:visible")
            assert page.url == url and page.locator("#q-B1").is_hidden()
            assert all(_checked(page, qid, code) for qid, code in PAGE_A)
            assert page.evaluate(DRAFT)["page"] == a_page
            page.reload()
            page.wait_for_selector("#q-A1:visible")
            assert all(_checked(page, qid, code) for qid, code in PAGE_A)
            page.go_forward()  # forward again: the next page, its answer kept
            page.wait_for_selector("#q-B1:visible")
            assert _checked(page, "B1", 1)
            page.click("#prev")  # 上一页, then back: the introduction (one page each), not page B again
            assert page.locator("#q-A1").is_visible()
            page.go_back()
            page.wait_for_selector("#q-A1", state="hidden")
            assert page.url == url and page.locator("#next").is_visible() and page.locator("#prev").is_hidden()
            assert page.evaluate(DRAFT)["page"] == 0
            page.go_back()  # on the introduction: back leaves the form
            page.wait_for_timeout(500)
            assert page.url != url
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    assert not errors, errors


def test_a_form_sent_after_the_close_stays_on_the_phone_and_the_page_says_so(tmp_path):
    """The supervisor closes the survey while a respondent is on the last page; she taps 提交问卷.  Before the
    fix the server's 403 closed deleted the answer from the phone and the page said only "本次调查已经结束，
    感谢您的关注！" — her answers gone without a word.  Now the answer stays on the phone marked refused
    (调查已结束, in the header as every refused answer), the page says plainly that the survey is closed and
    the answers were not sent but kept, the back button then leaves the finished form, and when the survey
    is reopened the kept answer is sent the next time the form is opened, and stored."""
    from playwright.sync_api import sync_playwright

    from survey.collect.journal import Journal, journal_path
    from test_serve_browser import _fill

    p = make_project(tmp_path)
    q = p.questionnaire
    row = _plans(q)[0]
    ask = {qid: bool(m[0]) for qid, m in asked_masks(q, pd.DataFrame([row])).items()}
    link = make_links(q, site="社区", district="东城区", collectors=["V001"])[0]
    srv = ServerProcess(p.root, "--merge-every", "3600")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile)
            page.on("pageerror", lambda e: errors.append(str(e)))
            url = link.url(srv.base, project_secret(p.root))
            page.goto(url)
            _fill(_NoSend(page), q, row, ask)
            uuid = page.evaluate(DRAFT)["uuid"]
            admin = ctx.new_page()
            admin.goto(f"{srv.base}/admin?token={srv.token}")
            admin.click('button[name="action"][value="close"]')
            admin.wait_for_selector('button[name="action"][value="open"]')
            page.click("#send")
            page.wait_for_selector("#done:not([hidden])")
            assert page.locator("#done-title").inner_text() == "调查已结束，答卷未提交"
            words = page.locator("#done-text").inner_text()
            assert "调查已经结束" in words and "没有提交到服务器" in words and "仍保存在本手机上，没有删除" in words
            kept = page.evaluate(OUTBOX)
            assert [(x["uuid"], x["refused"]["reason"]) for x in kept] == [(uuid, "closed")], kept
            assert page.locator("#refused").inner_text().startswith("1 份保存在本机的答卷未被服务器接收：调查已结束")
            page.go_back()  # the form is finished: back leaves it
            page.wait_for_timeout(500)
            assert page.url != url
            assert not Journal(journal_path(p.root)).records()
            admin.click('button[name="action"][value="open"]')
            admin.wait_for_selector('button[name="action"][value="close"]')
            page.goto(url)  # opened again after the reopening: the kept answer is sent
            _until(page, "document.getElementById('refused').dataset.count === '0'")
            assert page.evaluate(OUTBOX) == []
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    assert not errors, errors
    assert [r.uuid for r in Journal(journal_path(p.root)).records()] == [uuid]


def test_another_tab_leaves_alone_the_answer_this_tab_is_sending(tmp_path):
    """A volunteer has the form open in two tabs.  Tab A sends its answer; meanwhile tab B's outbox round (the
    phone back online, the 15-second round) found A's answer in the outbox they share and sent it too; the
    server refused both with field errors (422), A showed the errors to fix, and B kept a refused copy: the
    header said "1 份保存在本机的答卷未被服务器接收" for ever.  Now the answer being sent holds a lock in
    localStorage that every tab's round honours; a lock older than the timeout (a tab closed mid-send) is
    void, and the answer it held is sent by the next round."""
    import json
    import time

    from playwright.sync_api import sync_playwright

    from serve_helpers import native_rows, payload
    from test_serve_browser import _fill

    p = make_project(tmp_path)
    q = p.questionnaire
    row = _plans(q)[0]
    ask = {qid: bool(m[0]) for qid, m in asked_masks(q, pd.DataFrame([row])).items()}
    link = make_links(q, site="社区", district="东城区", collectors=["V001"])[0]
    srv = ServerProcess(p.root, "--merge-every", "3600")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    held_a: list = []
    held_b: list = []
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            ctx, tab_a = phone(pw, profile, service_workers="block")  # page.route sees every request
            url = link.url(srv.base, project_secret(p.root))
            tab_a.goto(url)
            tab_b = ctx.new_page()
            tab_b.goto(url)
            for t in (tab_a, tab_b):
                t.on("pageerror", lambda e: errors.append(str(e)))
            tab_a.route("**/api/submit", lambda route: held_a.append(route))
            tab_b.route("**/api/submit", lambda route: held_b.append(route))
            tab_a.bring_to_front()  # a background tab gets no animation frames: each click waited ~2 s for one
            _fill(tab_a, q, row, ask)
            tab_a.wait_for_timeout(500)
            assert len(held_a) == 1
            tab_b.bring_to_front()  # tab B in front again, its timers unthrottled, as the test was written
            tab_b.evaluate("window.dispatchEvent(new Event('online'))")  # tab B's round, while A sends
            tab_b.wait_for_timeout(1000)
            body = json.dumps({"status": "invalid", "message": "有题目需要修改，请按提示检查后再提交",
                               "errors": [{"question": "K4", "column": "K4", "code": "out-of-range",
                                           "message": "请填写0—99之间的整数"}]})
            held_a[0].fulfill(status=422, content_type="application/json", body=body)
            tab_a.wait_for_selector("#err-K4:not([hidden])")
            for r in held_b:
                r.fulfill(status=422, content_type="application/json", body=body)
            tab_b.wait_for_timeout(1000)
            tab_b.evaluate("window.dispatchEvent(new Event('online'))")
            tab_b.wait_for_timeout(1000)
            assert held_b == []  # tab B never sent tab A's answer
            assert tab_a.evaluate(OUTBOX) == []
            assert tab_b.locator("#refused").is_hidden() and tab_a.locator("#refused").is_hidden()
            assert tab_a.evaluate("Object.keys(localStorage).filter(k => k.startsWith('minyi-sending:'))") == []

            # a lock left by a tab closed mid-send: void after the timeout; a fresh one is honoured; a fresh one
            # of this very tab (its send cut short by a reload: nothing of it in flight now) holds nothing back
            tab_b.unroute("**/api/submit")
            plain = make_links(q, collectors=["V001"])[0].query(project_secret(p.root))
            stale, fresh, own = (payload(q, r, link=plain, finished_at=int(time.time() * 1000) - 60000)
                                 for r in native_rows(q, 3, seed=7))
            tab_b.evaluate(PUT, [stale, fresh, own])
            tab_b.evaluate("""([s, f, o]) => { localStorage.setItem('minyi-sending:' + s, String(Date.now() - 600000));
                                               localStorage.setItem('minyi-sending:' + f, String(Date.now()));
                                               localStorage.setItem('minyi-sending:' + o,
                                                                    Date.now() + '|' + sessionStorage.getItem('minyi-tab')); }""",
                           [stale["uuid"], fresh["uuid"], own["uuid"]])
            tab_b.evaluate("window.dispatchEvent(new Event('online'))")
            tab_b.wait_for_timeout(3000)
            left = tab_b.evaluate(OUTBOX)
            assert [x["uuid"] for x in left] == [fresh["uuid"]], left
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    assert not errors, errors
    from survey.collect.journal import Journal, journal_path

    assert sorted(r.uuid for r in Journal(journal_path(p.root)).records()) == sorted([stale["uuid"], own["uuid"]])


def test_the_dashboards_close_and_reopen_buttons_work_in_a_browser(tmp_path):
    """Found while writing the test above: the supervisor taps 关闭问卷 on the dashboard in Chromium and got
    {"status":"forbidden","message":"CSRF token missing or wrong"}.  The pages' no-referrer policy makes a
    browser send "Origin: null" with a form post, which the same-origin check of /admin/state refuses; the
    tests posted without a browser (no Origin at all).  The dashboard now names its origin to its own server."""
    with dashboard_on_phone(tmp_path) as (srv, admin):
        admin.click('button[name="action"][value="close"]')
        admin.wait_for_load_state()
        assert admin.url == f"{srv.base}/admin" and "问卷已关闭" in admin.content()
        admin.goto(srv.base + "/")
        assert "调查已结束" in admin.content()
        admin.goto(f"{srv.base}/admin")
        admin.click('button[name="action"][value="open"]')
        admin.wait_for_load_state()
        assert admin.url == f"{srv.base}/admin" and "问卷正在接收答卷" in admin.content()


def test_a_send_cut_short_by_a_reload_does_not_hold_the_answer_back(tmp_path):
    """The respondent taps 提交问卷 and the page reloads before the server answers (pull-to-refresh on a slow
    line): the send lock the page took stays in localStorage.  Before the fix that lock looked like another
    tab's send in flight, so for two minutes no outbox round sent the answer (CI saw the offline test wait
    30 s in vain).  The lock records its tab (kept across reloads), and this tab's own old lock holds
    nothing back."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from test_serve_browser import _fill

    p = make_project(tmp_path)
    q = p.questionnaire
    row = _plans(q)[0]
    ask = {qid: bool(m[0]) for qid, m in asked_masks(q, pd.DataFrame([row])).items()}
    link = make_links(q, site="社区", district="东城区", collectors=["V001"])[0]
    srv = ServerProcess(p.root, "--merge-every", "3600")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile, service_workers="block")  # page.route sees every request
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/api/submit", lambda route: None)  # the server never answers: the send hangs
            page.goto(link.url(srv.base, project_secret(p.root)))
            _fill(page, q, row, ask)
            page.wait_for_timeout(500)
            locks = "Object.keys(localStorage).filter(k => k.startsWith('minyi-sending:')).length"
            assert page.evaluate(locks) == 1  # taken, and the send still pending
            page.unroute("**/api/submit")
            try:
                page.reload()  # cuts the send short: the lock stays behind
            except PlaywrightError as e:
                # Chromium may abort the reload itself while the held request is torn down (net::ERR_ABORTED, seen
                # under load): load the page again in the same tab, which keeps the tab's id and the lock the same
                if "ERR_ABORTED" not in str(e):
                    raise
                page.goto(page.url)
            page.evaluate("window.dispatchEvent(new Event('online'))")
            _until(page, f"({OUTBOX})().then(items => items.length === 0)", timeout=10)
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    assert not errors, errors
    from survey.collect.journal import Journal, journal_path

    assert len(list(Journal(journal_path(p.root)).records())) == 1

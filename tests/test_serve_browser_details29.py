"""The phone form in headless Chromium, audit 29 (each test failed before its fix):

1. the access code is checked when it is entered, before the questions (online); a phone that cannot ask the
   server goes on, and the answer's own check at sending returns to the code with the answers kept;
2. an "other, please specify" option chosen with its text left empty stops the page with a message at the
   question; an answer of that kind queued on a phone by a page from before the rule is still stored.

Driving conventions: test_serve_browser.py.  These tests run wherever the suite runs (no skip).
"""

from __future__ import annotations

import uuid as _uuid

import pandas as pd

from serve_helpers import make_project, native_rows, payload
from survey.collect.journal import Journal, journal_path
from survey.skip import asked_masks
from test_serve_browser import _plans, _until, send_with_an_unchecked_code, served_phone
from test_serve_browser_redteam2 import OUTBOX, PUT


def test_a_wrong_access_code_is_said_on_the_first_page(tmp_path):
    """A respondent types a wrong access code and taps 下一页.  Before the fix the page went on to the 120
    questions and the server refused the code only when the answer was sent.  Now leaving the first page asks
    the server: a wrong code is said at once under the code (the server's words) and the questions stay
    hidden; the right code goes on.  A phone that cannot ask (no signal: the check is not reachable) goes on,
    and the answer's check at sending brings it back to the code with every answer kept; the right code then
    stores it."""
    p = make_project(tmp_path, config={"serve": {"access_code": "2468"}})
    q = p.questionnaire
    row = dict(_plans(q)[1], A6=2.0)
    ask = {qid: bool(m[0]) for qid, m in asked_masks(q, pd.DataFrame([row])).items()}
    with served_phone(p.root, "--merge-every", "3600") as (srv, page, _):
        page.goto(srv.base + "/")
        page.fill("#access-code", "1111")
        page.click("#next")
        page.wait_for_selector("#err-__code:not([hidden])")
        assert page.locator("#err-__code").inner_text() == "访问码不正确，请向调查工作人员确认后重新输入。"
        assert page.locator("#q-A1").is_hidden() and page.locator("#q-__code").is_visible()
        page.fill("#access-code", "2468")
        assert page.locator("#err-__code").is_hidden()  # the mark goes as the code is typed again
        page.click("#next")
        page.wait_for_selector("#q-A1:visible")
        # no signal for the check: the page goes on; the answer's own check at sending says it
        send_with_an_unchecked_code(page, srv.base, "1111", q, row, ask)
        assert page.locator("#q-A1").is_hidden() and page.locator("#done").is_hidden()
        page.fill("#access-code", "2468")
        page.click("#next")
        page.wait_for_selector("#q-A1:visible")
        assert page.locator('#q-A1 input[value="%d"]' % int(row["A1"])).is_checked()  # the answers kept
        while page.locator("#next").is_visible():
            page.click("#next")
        page.click("#send")
        page.wait_for_selector("#done:not([hidden])")
        assert page.locator("#done-title").inner_text() == "提交成功"
    j = Journal(journal_path(p.root))
    try:
        assert j.count() == 1
    finally:
        j.close()


def test_other_please_specify_needs_its_text_on_the_page(tmp_path):
    """B2 (channels, multiple choice) has 其他 with a "please specify" box.  A respondent ticks 其他 and leaves
    the box empty: before the fix the page went on and the server stored 其他 without a word of what it was.
    Now 下一页 stops at B2 with "您选择了“其他”，请注明具体内容", the mark goes when the box is filled, and the
    page goes on.  An answer of that kind made by a page from before the rule and waiting in the phone's outbox
    (no ``form`` in it) is sent and stored, not refused: it leaves the outbox and the journal notes the blank."""
    p = make_project(tmp_path)
    q = p.questionnaire
    old_uuid = str(_uuid.uuid4())
    with served_phone(p.root, "--merge-every", "3600") as (srv, page, _):
        page.goto(srv.base + "/")
        page.click("#next")
        for qid, code in (("A1", 1), ("A2", 2), ("A3", 3), ("A4", 2), ("A5", 2), ("A6", 1), ("A7", 3)):
            page.locator(f'#q-{qid} label:has(input[value="{code}"])').click()
        page.click("#next")
        page.locator('#q-B1 label:has(input[value="1"])').click()
        page.locator('#q-B2 label:has(input[value="8"])').click()  # 其他, box left empty
        assert page.locator('input[name="B2_other"]').is_visible()
        page.click("#next")
        assert page.locator("#err-B2").is_visible()
        assert page.locator("#err-B2").inner_text() == "您选择了“其他”，请注明具体内容"
        assert page.locator("#q-B2").is_visible()  # still on this page
        page.fill('input[name="B2_other"]', "社区公众号")
        assert page.locator("#err-B2").is_hidden()
        # an answer from a page before the rule, kept in the outbox: sent and stored, the blank noted
        row = next(r for r in native_rows(q, 60, seed=29) if r.get("B2_8") == 1.0)
        old = payload(q, {k: v for k, v in row.items() if k != "B2_other"}, uid=old_uuid, wave="default")
        page.evaluate(PUT, [old])
        page.reload()
        _until(page, "() => document.getElementById('outbox').dataset.count === '0'")
        assert page.evaluate(OUTBOX) == []
    j = Journal(journal_path(p.root))
    try:
        rec = [r for r in j.records() if r.uuid == old_uuid]
    finally:
        j.close()
    assert len(rec) == 1 and rec[0].answers["B2_8"] == 1.0 and "B2_other" not in rec[0].answers
    assert rec[0].notes == {"other_text_missing": ["B2"]}

"""The phone's outbox in a real browser (Chromium through Playwright) against `survey serve`: answers kept
offline keep the wave they were filled in after the server restarted for the next wave; an answer the
server refuses (a quota cell filled meanwhile) is never deleted from the phone but kept apart, and the
page says in Chinese how many were refused and why; a phone over the rate limit is told to wait (not
that the network is down); a fraction for a whole-number question is refused on the phone.  See test_serve_browser.py for the driving conventions.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pandas as pd
import pytest

from serve_helpers import Relay, ServerProcess, make_project
from survey.collect.links import make_links, project_secret
from survey.skip import asked_masks
from survey.store import Project
from test_serve_browser import CHROMIUM, _fill, _plans, _until, phone

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                                reason="chromium is not installed (CI installs it and sets CI=1: then this fails)")


OUTBOX = """() => new Promise((resolve) => {
  const r = indexedDB.open("minyi-outbox", 1);
  r.onsuccess = () => { const t = r.result.transaction("outbox", "readonly").objectStore("outbox").getAll();
                        t.onsuccess = () => resolve(t.result.map(x => ({uuid: x.uuid, wave: x.wave,
                                                                        refused: x.refused || null}))); };
})"""


def test_offline_answers_keep_their_wave_and_refused_ones_stay_on_thephone(tmp_path):
    from playwright.sync_api import sync_playwright

    p = make_project(tmp_path, config={"quotas": {"mode": "stop",
                                                  "cells": [{"site": "社区", "district": "东城区", "target": 2}]}})
    q = p.questionnaire
    plans = _plans(q)
    asked = asked_masks(q, pd.DataFrame(plans))
    asks = [{qid: bool(m[i]) for qid, m in asked.items()} for i in range(2)]
    link = make_links(q, site="社区", district="东城区", collectors=["V001"])[0]
    srv = ServerProcess(p.root, "--wave", "2026Q3", "--merge-every", "3600")
    relay = Relay(srv.port)
    url = link.url(relay.base, project_secret(p.root))
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile)
            page.goto(url)
            _until(page, "navigator.serviceWorker.controller !== null")
            with pytest.raises(AssertionError, match="^L"):  # a fraction where a whole number is asked for:
                _fill(page, q, dict(plans[0], K4=2.5), asks[0])  # the phone stays on page K
            assert page.locator("#err-K4").inner_text() == "请填写0—99之间的整数"
            page.locator("#q-K4 input").fill("150")  # out of range: said in the hint's words (整数), as the server
            page.click("#next")
            assert page.locator("#err-K4").inner_text() == "请填写0—99之间的整数"
            page.locator("#q-K4 input").fill(f"{plans[0]['K4']:g}")
            page.click("#next")
            for qq in q.sections[-1].questions:  # the last page (L): single choices only
                assert asks[0][qq.id]
                page.locator(f'#q-{qq.id} label:has(input[value="{int(plans[0][qq.id])}"])').click()
            page.click("#send")  # online: stored in 2026Q3 (1 of the cell's 2)
            page.wait_for_selector("#done:not([hidden])")
            assert page.locator("#done-title").inner_text() == "提交成功"
            ctx.set_offline(True)
            relay.down()
            for plan, ask in ((plans[1], asks[1]), (plans[0], asks[0])):  # two more, kept on the phone
                page.click("#again")
                _fill(page, q, plan, ask)
                page.wait_for_selector("#done:not([hidden])")
                assert page.locator("#done-title").inner_text() == "已保存在本机"
                assert "网络不通" in page.locator("#done-text").inner_text()
            assert page.locator("#outbox").inner_text().startswith("2 份答卷保存在本机")
            kept = page.evaluate(OUTBOX)
            assert [k["wave"] for k in kept] == ["2026Q3", "2026Q3"]
            # the server is restarted for the next wave while the phone is offline
            rc, out, err = srv.interrupt()
            assert rc == 0, err
            srv = ServerProcess(p.root, "--wave", "2026Q4", "--merge-every", "3600", port=srv.port)
            relay.up()
            ctx.set_offline(False)
            page.evaluate("window.dispatchEvent(new Event('online'))")
            _until(page, "document.getElementById('outbox').hidden === true")
            _until(page, "document.getElementById('refused').hidden === false")
            # the first is stored in 2026Q3 (the cell's 2nd place), the second is refused: the cell is full
            assert page.locator("#refused").inner_text() == (
                "1 份保存在本机的答卷未被服务器接收：配额已满。这些答卷仍保留在本机，没有删除，请联系调查工作人员。")
            kept = page.evaluate(OUTBOX)
            assert len(kept) == 1 and kept[0]["refused"]["status"] == 409 \
                and kept[0]["refused"]["reason"] == "quota_full"
            page.evaluate("window.dispatchEvent(new Event('online'))")  # refused answers are not sent again
            page.wait_for_timeout(1000)
            page.reload()  # still told after the page is opened again
            page.wait_for_selector("#refused:not([hidden])", timeout=20000)
            assert page.locator("#refused").inner_text().startswith("1 份保存在本机的答卷未被服务器接收：配额已满")
            assert len(page.evaluate(OUTBOX)) == 1
            ctx.close()
    finally:
        relay.close()
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    data = Project.open(p.root).raw_responses()
    assert data.groupby("_wave").size().to_dict() == {"2026Q3": 2}


def test_a_rate_limited_phone_is_told_to_wait_not_that_the_network_is_down(tmp_path):
    from playwright.sync_api import sync_playwright

    from serve_helpers import payload

    p = make_project(tmp_path, config={"serve": {"one_per_device": False}})
    q = p.questionnaire
    plans = _plans(q)
    row = dict(plans[1])
    ask = asked_masks(q, pd.DataFrame([row]))
    ask = {qid: bool(m[0]) for qid, m in ask.items()}
    srv = ServerProcess(p.root, "--rate-limit", "1", "--merge-every", "3600")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    try:
        assert srv.post(payload(q, {c: v for c, v in plans[0].items() if v is not None and v == v and v != ""}))[0] \
            == 200  # this address's one submission of the minute
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile)
            page.goto(srv.base + "/")
            _fill(page, q, row, ask, locked=False)
            page.wait_for_selector("#done:not([hidden])")
            assert page.locator("#done-title").inner_text() == "已保存在本机"
            text = page.locator("#done-text").inner_text()
            assert "网络不通" not in text and "提交过于频繁" in text and "秒后会自动重新提交" in text, text
            assert page.locator("#outbox").inner_text().startswith("1 份答卷保存在本机")
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err

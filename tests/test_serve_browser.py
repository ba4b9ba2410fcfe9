"""The phone form in a real browser (Debian's Chromium through Playwright) against `survey serve`.

A 360 × 740 touch screen fills the bundled questionnaire through a collector's link (site and
district locked): skip logic (B6 → B7 or B8, the site's sections), a matrix card by card, a ranking
tapped in order, "other" fill-ins, a number and a text; submits; then, offline (Chromium's offline
emulation and a relay in front of the server that drops every connection), answers a second
questionnaire (kept in IndexedDB, the page reloaded from the service worker), comes back online and
sees it sent once.  The rows in the store equal what was clicked.  Through the plain link of a
project with an access code and a full quota cell: the access-code screen (required before the first
page; a wrong code is refused by the server and nothing stored, the right one stores the answer) and
the polite quota notice that appears when the respondent picks the full cell's site and district
(sending disabled) and goes when they pick another.

Chromium must be installed (`.ci/run` installs it when absent); these tests never skip in CI.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

import numpy as np
import pytest

from serve_helpers import Relay, ServerProcess, make_project
from survey.collect.links import make_links, project_secret
from survey.simulate import simulate
from survey.skip import asked_masks
from survey.store import Project

CHROMIUM = os.environ.get("MINYI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def phone(pw, profile: str, *, width: int = 360, height: int = 740, **kw):
    """A phone in headless Chromium (``width``×``height`` CSS pixels, default 360×740, touch, zh-CN) with its own
    profile folder: (context, page); ``kw`` goes to ``launch_persistent_context`` (e.g. ``service_workers="block"``)."""
    ctx = pw.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=FLAGS, headless=True, viewport={"width": width, "height": height},
        device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN", **kw)
    return ctx, (ctx.pages[0] if ctx.pages else ctx.new_page())


@contextlib.contextmanager
def served_phone(root, *serve_args: str, **phone_kw):
    """``survey serve ROOT SERVE_ARGS`` as a real process and a phone in headless Chromium (:func:`phone`, given
    ``phone_kw``): yields (server, page, errors) with the page's JavaScript errors collected in ``errors``.
    Afterwards the browser closes and the server is stopped with Ctrl-C, which must end cleanly, and no page error
    may have occurred."""
    from playwright.sync_api import sync_playwright

    srv = ServerProcess(root, *serve_args)
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile, **phone_kw)
            page.on("pageerror", lambda e: errors.append(str(e)))
            yield srv, page, errors
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    assert not errors, errors


@contextlib.contextmanager
def dashboard_on_phone(tmp_path):
    """A served project (serve_helpers.make_project) with its dashboard open on a phone: yields (server, page);
    afterwards the browser closes and the server is stopped, which must end cleanly."""
    p = make_project(tmp_path)
    with served_phone(p.root, "--merge-every", "3600") as (srv, admin, _):
        admin.goto(f"{srv.base}/admin?token={srv.token}")
        yield srv, admin


if os.environ.get("CI") and not os.path.exists(CHROMIUM):  # pragma: no cover - CI installs it
    raise RuntimeError("chromium is not installed; .ci/run installs it")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                                reason="chromium is not installed (CI installs it and sets CI=1: then this fails)")


def _plans(q):
    """Two complete answers for a 社区 respondent in 东城区: one who took part (B7, other fill-ins), one who did not."""
    df = simulate(q, n=400, seed=21)
    df = df[df["A5"] == 2].copy()
    df["A6"] = 1.0
    took_part = df[(df["B6"] == 1) & (df["B1"] != 3)].iloc[0].to_dict()
    not_part = df[(df["B6"] == 2) & (df["B1"] != 3)].iloc[1].to_dict()
    for row in (took_part, not_part):
        k1 = [o.code for o in q.question("K1").options if row.get(f"K1_{o.code}") == 1 and o.code not in (59, 60)][:3]
        for o in q.question("K1").options:
            row[f"K1_{o.code}"] = 1.0 if o.code in k1 else 0.0
        row["K1_other"] = ""
        row["B2_other"] = ""
    for o in q.question("B2").options:  # 其他 (please specify) among the channels
        took_part[f"B2_{o.code}"] = 1.0 if o.code in (3, 8) else 0.0
    took_part["B2_other"] = "社区公众号"
    took_part["K1_59"] = 1.0
    took_part["K1_other"] = "电梯加装"
    took_part["K3"] = "多建停车位，<b>管好</b>电动车"
    took_part["K4"] = 3.0
    not_part["K3"] = ""
    not_part["K4"] = 0.0
    cols = q.columns(meta=False)
    return [{c: r.get(c) for c in cols} for r in (took_part, not_part)]


def _has(v) -> bool:
    return v is not None and not (isinstance(v, float) and np.isnan(v)) and not (isinstance(v, str) and v == "")


def _fill(page, q, row, asked, locked: bool = True):
    """Answer on screen, page by page, checking that exactly the asked questions are shown; ``locked``:
    the link fixes site and district (else they are tapped like any question)."""
    page.click("#next")
    for sec in q.sections:
        on = [qq for qq in sec.questions if asked[qq.id]]
        if not on:
            assert page.locator(f"#sec-{sec.id}").is_hidden()
            continue
        assert page.locator(f"#sec-{sec.id}").is_visible(), sec.id
        for qq in sec.questions:
            box = page.locator(f"#q-{qq.id}")
            if not asked[qq.id]:
                assert box.is_hidden(), qq.id
                continue
            assert box.is_visible(), qq.id
            if locked and qq.id in (q.site_question, q.district_question):
                continue  # locked by the link
            if qq.type in ("single", "scale", "yesno"):
                box.locator(f'label:has(input[value="{int(row[qq.id])}"])').click()
            elif qq.type == "multiple":
                for o in qq.options:
                    if row.get(f"{qq.id}_{o.code}") == 1:
                        box.locator(f'label:has(input[value="{o.code}"])').click()
            elif qq.type == "matrix":
                for r in qq.rows:
                    page.locator(f"#q-{qq.id}_{r.id}").locator(
                        f'label:has(input[value="{int(row[f"{qq.id}_{r.id}"])}"])').click()
            elif qq.type == "ranking":
                ranked = sorted((row[f"{qq.id}_{o.code}"], o.code) for o in qq.options if _has(row.get(f"{qq.id}_{o.code}")))
                for _, code in ranked:
                    box.locator(f'.rank-opt[data-code="{code}"]').click()
                badges = [box.locator(f'.rank-opt[data-code="{c}"] .badge').inner_text() for _, c in ranked]
                assert badges == [str(i) for i in range(1, len(ranked) + 1)]
            elif qq.type == "number":
                box.locator("input").fill(f"{row[qq.id]:g}")
            elif qq.type == "text":
                if _has(row.get(qq.id)):
                    box.locator("textarea").fill(row[qq.id])
            if qq.has_other and _has(row.get(f"{qq.id}_other")):
                other = box.locator(f'input[name="{qq.id}_other"]')
                assert other.is_visible()
                other.fill(row[f"{qq.id}_other"])
        if page.locator("#next").is_visible():
            page.click("#next")
    assert page.locator("#send").is_visible()
    page.click("#send")


class OnFirstPage:
    """The page, already on the first page of questions: _fill's first tap of 下一页 (off the introduction) is
    left out (the code check is asynchronous; the test waits for the questions itself)."""

    def __init__(self, page):
        self.page = page
        self.skipped = False

    def __getattr__(self, name):
        return getattr(self.page, name)

    def click(self, selector, **kw):
        if selector == "#next" and not self.skipped:
            self.skipped = True
            return None
        return self.page.click(selector, **kw)


def _assert_stored(stored, row, q):
    for c in q.columns(meta=False):
        want, got = row.get(c), stored[c]
        if not _has(want):
            assert not _has(got), c
        elif isinstance(want, str):
            assert got == want, c
        else:
            assert float(got) == float(want), c


def test_phone_fills_the_questionnaire_online_and_offline(tmp_path):
    from playwright.sync_api import sync_playwright

    p = make_project(tmp_path)
    q = p.questionnaire
    plans = _plans(q)
    import pandas as pd

    asked = asked_masks(q, pd.DataFrame(plans))
    asks = [{qid: bool(m[i]) for qid, m in asked.items()} for i in range(2)]
    assert asks[0]["B7"] and not asks[0]["B8"] and asks[1]["B8"] and not asks[1]["B7"]
    assert asks[0]["J1"] and not asks[0]["H1"] and not asks[0]["I1"]
    link = make_links(q, site="社区", district="东城区", collectors=["V001"])[0]
    srv = ServerProcess(p.root, "--merge-every", "3600")
    relay = Relay(srv.port)  # the phone's signal
    url = link.url(relay.base, project_secret(p.root))
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(url)
            assert "社区" in page.locator(".linkinfo").inner_text() and "V001" in page.locator(".linkinfo").inner_text()
            # required answers are enforced before leaving a page
            page.click("#next")
            page.click("#next")
            assert page.locator("#err-A1").is_visible() and "必答" in page.locator("#err-A1").inner_text()
            # the skip logic reacts both ways: B6 = 没有参加过 shows B8, then 参加过 shows B7 instead
            _fill_first_page_and_toggle(page)
            page.goto(url)  # start afresh
            _until(page, "navigator.serviceWorker.controller !== null")  # the form is now kept on the phone
            _fill(page, q, plans[0], asks[0])
            page.wait_for_selector("#done:not([hidden])")
            assert page.locator("#done-title").inner_text() == "提交成功"
            # offline: answer the next respondent, keep the answer, reopen the form from the service worker
            page.click("#again")
            ctx.set_offline(True)
            relay.down()
            _fill(page, q, plans[1], asks[1])
            page.wait_for_selector("#done:not([hidden])")
            assert page.locator("#done-title").inner_text() == "已保存在本机"
            assert page.locator("#outbox").inner_text().startswith("1 份答卷保存在本机")
            page.reload()
            page.wait_for_selector("#outbox:not([hidden])", timeout=20000)
            assert page.locator("#outbox").inner_text().startswith("1 份答卷保存在本机")
            assert page.locator("#q-A1").count() == 1  # the form itself, from the phone's cache
            status, stats = _stats(srv)
            assert stats["total"] == 1
            relay.up()
            ctx.set_offline(False)
            page.evaluate("window.dispatchEvent(new Event('online'))")
            _until(page, "document.getElementById('outbox').hidden === true")
            page.evaluate("window.dispatchEvent(new Event('online'))")  # a second flush sends nothing again
            page.wait_for_timeout(1000)
            ctx.close()
        status, stats = _stats(srv)
        assert stats["total"] == 2
    finally:
        relay.close()
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    offline = ("ERR_INTERNET_DISCONNECTED", "ERR_EMPTY_RESPONSE", "ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED",
               "ERR_SOCKET_NOT_CONNECTED")
    assert not [e for e in errors if not any(o in e for o in offline)], errors  # offline fetches fail, as they should
    data = Project.open(p.root).raw_responses()
    assert len(data) == 2 and data["respondent_id"].nunique() == 2
    assert (data["collector"] == "V001").all()
    for i in range(2):
        _assert_stored(data.iloc[i], plans[i], q)


def send_with_an_unchecked_code(page, base: str, code: str, q, row, ask) -> None:
    """Open the form at ``base``, type the access code ``code`` with no signal for its check when it is entered
    (``/api/code`` unreachable: the page goes on), fill ``row`` and send it; returns once the answer's own check at
    sending has brought the page back to the code with its error shown."""
    page.goto(base + "/")
    page.route("**/api/code", lambda route: route.abort("internetdisconnected"))
    page.fill("#access-code", code)
    page.click("#next")
    page.wait_for_selector("#q-A1:visible")
    _fill(OnFirstPage(page), q, row, ask, locked=False)
    page.wait_for_selector("#err-__code:not([hidden])")


def _fill_first_page_and_toggle(page):
    for qid, code in (("A1", 1), ("A2", 2), ("A3", 3), ("A4", 2), ("A7", 3)):
        page.locator(f'#q-{qid} label:has(input[value="{code}"])').click()
    page.click("#next")
    page.locator('#q-B1 label:has(input[value="1"])').click()
    page.locator('#q-B6 label:has(input[value="2"])').click()
    assert page.locator("#q-B8").is_visible() and page.locator("#q-B7").is_hidden()
    page.locator('#q-B6 label:has(input[value="1"])').click()
    assert page.locator("#q-B7").is_visible() and page.locator("#q-B8").is_hidden()
    page.locator('#q-B1 label:has(input[value="3"])').click()  # 不知道: B2 and B10 go
    assert page.locator("#q-B2").is_hidden() and page.locator("#q-B10").is_hidden()
    # multiple choice: at most 3 for B7, the fourth tap is refused with the reason
    for code in (1, 2, 3, 4):
        page.locator(f'#q-B7 label:has(input[value="{code}"])').click()
    assert page.locator('#q-B7 input:checked').count() == 3
    assert "最多选3项" in page.locator("#err-B7").inner_text()


def _until(page, expression: str, timeout: float = 30.0) -> None:
    """Poll ``expression`` (evaluated by the driver: the page's CSP forbids the eval that wait_for_function needs)."""
    import time

    deadline = time.time() + timeout
    while not page.evaluate(expression):
        if time.time() > deadline:
            raise AssertionError(f"still false after {timeout:g} s: {expression}")
        page.wait_for_timeout(100)


def _stats(srv):
    import json
    import urllib.request

    req = urllib.request.Request(srv.base + "/admin/api/stats", headers={"Authorization": f"Bearer {srv.token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, json.loads(r.read())


def _ui_state(page) -> dict:
    return page.evaluate("""() => ({notice: document.getElementById('notice').hidden ? null
                                                : document.getElementById('notice').textContent,
                                    send_disabled: document.getElementById('send').disabled})""")


def test_access_code_screen_and_quota_notice(tmp_path):
    from playwright.sync_api import sync_playwright

    from serve_helpers import payload

    p = make_project(tmp_path, config={"serve": {"access_code": "2468"},
                                       "quotas": {"mode": "stop",
                                                  "cells": [{"site": "社区", "district": "东城区", "target": 1}]}})
    q = p.questionnaire
    import pandas as pd

    full_row, row = _plans(q)  # both 社区 · 东城区
    row = dict(row, A6=2.0)  # the respondent on screen lives in 西城区 (a cell with room)
    ask = asked_masks(q, pd.DataFrame([row]))
    ask = {qid: bool(m[0]) for qid, m in ask.items()}
    srv = ServerProcess(p.root, "--merge-every", "3600")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    errors: list[str] = []
    try:
        # a collector's answer (no access code needed) fills the 社区 · 东城区 cell
        link = make_links(q, site="社区", district="东城区", collectors=["V001"])[0].query(project_secret(p.root))
        status, body = srv.post(payload(q, {c: v for c, v in full_row.items() if _has(v)}, link=link))
        assert status == 200, body
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(srv.base + "/")
            # the access-code screen: shown on the first page, required before going on
            gate = page.locator("#q-__code")
            assert gate.is_visible() and "访问码" in gate.inner_text()
            page.click("#next")
            assert page.locator("#err-__code").is_visible() and page.locator("#err-__code").inner_text() == "请输入访问码"
            assert page.locator("#q-A1").is_hidden()
            page.fill("#access-code", "1111")  # checked when the first page is left (audit 29)
            page.click("#next")
            page.wait_for_selector("#err-__code:not([hidden])")
            assert page.locator("#q-A1").is_hidden()
            page.fill("#access-code", "2468")
            page.click("#next")
            page.wait_for_selector("#q-A1:visible")
            assert page.locator("#err-__code").is_hidden()
            # the quota notice follows the site and district picked on screen
            assert _ui_state(page) == {"notice": None, "send_disabled": False}
            page.locator('#q-A5 label:has(input[value="2"])').click()
            assert _ui_state(page)["notice"] is None  # 社区 alone is no full cell
            page.locator('#q-A6 label:has(input[value="1"])').click()
            st = _ui_state(page)
            assert st["send_disabled"] and st["notice"] == "感谢您的参与！社区·东城区的样本已经收集完成，无需再填写本问卷。"
            assert page.locator("#notice").is_visible()
            page.locator('#q-A6 label:has(input[value="2"])').click()
            assert _ui_state(page) == {"notice": None, "send_disabled": False}
            # a wrong code the phone could not check (no signal then): the server refuses the answer, stores nothing
            send_with_an_unchecked_code(page, srv.base, "1111", q, row, ask)  # back to the code, the answers kept
            assert page.locator("#err-__code").inner_text() == "访问码不正确，请向调查工作人员确认后重新输入。"
            assert page.locator("#done").is_hidden()
            assert _stats(srv)[1]["total"] == 1
            # the right code: stored (the refused code was not kept on the phone)
            page.goto(srv.base + "/")
            assert page.locator("#access-code").input_value() == ""
            page.fill("#access-code", "2468")
            page.click("#next")
            page.wait_for_selector("#q-A1:visible")
            _fill(OnFirstPage(page), q, row, ask, locked=False)
            page.wait_for_selector("#done:not([hidden])")
            assert page.locator("#done-title").inner_text() == "提交成功"
            ctx.close()
        assert _stats(srv)[1]["total"] == 2
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    refused = "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    no_signal = "Failed to load resource: net::ERR_INTERNET_DISCONNECTED"
    # the wrong code at the first page, the code checks without signal, the wrong code's answer; nothing else
    assert errors == [refused, no_signal, refused, no_signal], errors
    data = Project.open(p.root).raw_responses().sort_values("collector", na_position="last")
    assert len(data) == 2 and data["collector"].tolist()[0] == "V001"
    _assert_stored(data.iloc[1], row, q)

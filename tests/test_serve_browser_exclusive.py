"""The phone form in headless Chromium: an exclusive option (以上都没有) chosen alone meets a multiple choice's
``min`` (as the import and the server's check, survey.rowcheck), while one other option alone does not.
Driving conventions: test_serve_browser.py."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from serve_helpers import ServerProcess, make_project
from survey.collect.links import make_links, project_secret
from test_serve_browser import CHROMIUM, phone

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                                reason="chromium is not installed (CI installs it and sets CI=1: then this fails)")

QUESTIONNAIRE = """\
id: excl
title: 测试问卷
sections:
  - id: A
    title: 关心的问题
    questions:
      - id: K1
        type: multiple
        text: 您最关心的问题（至少选2项）
        min: 2
        options: [停车难, 噪音, 垃圾, {label: 以上都没有, exclusive: true}]
  - id: B
    title: 意见
    questions:
      - {id: T1, type: text, text: 您的意见, required: false}
"""


def test_an_exclusive_option_alone_meets_min_on_the_phone(tmp_path):
    from playwright.sync_api import sync_playwright

    qf = tmp_path / "q.yaml"
    qf.write_text(QUESTIONNAIRE, encoding="utf-8")
    p = make_project(tmp_path, questionnaire=qf)
    link = make_links(p.questionnaire, collectors=["V001"])[0]
    srv = ServerProcess(p.root, "--merge-every", "3600")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(link.url(srv.base, project_secret(p.root)))
            page.click("#next")
            box = page.locator("#q-K1")
            box.locator('label:has(input[value="1"])').click()  # 停车难 alone: fewer than 2
            page.click("#next")
            assert "至少选2项" in page.locator("#err-K1").inner_text()
            box.locator('label:has(input[value="4"])').click()  # 以上都没有 (clears 停车难): a whole answer
            assert page.locator("#err-K1").inner_text().strip() == ""
            page.click("#next")
            page.locator("#q-T1").wait_for(state="visible", timeout=5000)
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    assert not errors, errors

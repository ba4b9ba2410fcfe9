"""The phone form in headless Chromium, second red-team (each test failed before its fix): the red mark of a
required question goes as soon as the question is answered, not when the page changes.  Driving
conventions: test_serve_browser.py.
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
from test_serve_browser import CHROMIUM, FLAGS, _has, _plans, phone

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                                reason="chromium is not installed (CI installs it and sets CI=1: then this fails)")

MARKS = """(ids) => ids.map((id) => {
  const err = document.getElementById('err-' + id), box = document.getElementById('q-' + id);
  return {id: id, shown: !!err && !err.hidden && err.textContent !== '', red: !!box && box.classList.contains('has-err')};
})"""


def _marks(page, ids):
    return {m["id"]: m["shown"] or m["red"] for m in page.evaluate(MARKS, list(ids))}


def _fields(qq):
    return [f"{qq.id}_{r.id}" for r in qq.rows] if qq.type == "matrix" else [qq.id]


def test_a_required_mark_goes_as_soon_as_the_question_is_answered(tmp_path):
    """A volunteer taps 下一页 too early: every unanswered required question turns red.  Before the fix the
    marks stayed red while she answered, question by question, until the page changed; now each mark goes
    the moment its question (or matrix row) is answered, and the marks of the questions not yet answered
    stay.  Every question type of the bundled questionnaire is answered this way: single, yes/no, multiple,
    each row of a matrix, a ranking (the mark stays until the asked number is ranked) and a number."""
    from playwright.sync_api import sync_playwright

    p = make_project(tmp_path)
    q = p.questionnaire
    row = _plans(q)[0]
    ask = {qid: bool(m[0]) for qid, m in asked_masks(q, pd.DataFrame([row])).items()}
    link = make_links(q, site="社区", district="东城区", collectors=["V001"])[0]
    srv = ServerProcess(p.root, "--merge-every", "3600")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    errors: list[str] = []
    kinds: set = set()
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(link.url(srv.base, project_secret(p.root)))
            page.click("#next")
            for sec in q.sections:
                if sec.id == "L":
                    break
                todo = [qq for qq in sec.questions if ask[qq.id] and qq.required and qq.type != "text"
                        and qq.id not in (q.site_question, q.district_question)]
                if not any(ask[qq.id] for qq in sec.questions):
                    continue
                page.click("#next")  # too early: every required question shown on the page is marked
                shown = [qq for qq in todo if page.locator(f"#q-{qq.id}").is_visible()]  # (B2 waits for B1)
                marked = _marks(page, [f for qq in shown for f in _fields(qq)])
                assert marked and all(marked.values()), (sec.id, marked)
                for n, qq in enumerate(todo):
                    box = page.locator(f"#q-{qq.id}")
                    later = [f for o in todo[n + 1:] if o in shown for f in _fields(o)]
                    if qq.type in ("single", "scale", "yesno"):
                        box.locator(f'label:has(input[value="{int(row[qq.id])}"])').click()
                    elif qq.type == "multiple":
                        first = True
                        for o in qq.options:
                            if row.get(f"{qq.id}_{o.code}") == 1:
                                box.locator(f'label:has(input[value="{o.code}"])').click()
                                if first:  # one option chosen answers the question
                                    assert not _marks(page, [qq.id])[qq.id], qq.id
                                    first = False
                    elif qq.type == "matrix":
                        assert qq in shown
                        cols = _fields(qq)
                        for i, r in enumerate(qq.rows):
                            page.locator(f"#q-{cols[i]}").locator(
                                f'label:has(input[value="{int(row[cols[i]])}"])').click()
                            now = _marks(page, cols)
                            assert not any(now[c] for c in cols[:i + 1]), (cols[i], now)
                            assert all(now[c] for c in cols[i + 1:]), (cols[i], now)  # rows not answered yet
                    elif qq.type == "ranking":
                        ranked = sorted((row[f"{qq.id}_{o.code}"], o.code) for o in qq.options
                                        if _has(row.get(f"{qq.id}_{o.code}")))
                        for j, (_, code) in enumerate(ranked):
                            if j == len(ranked) - 1 and qq in shown:  # one short of the asked number: still marked, in words
                                assert _marks(page, [qq.id])[qq.id]
                                assert "依次点选" in page.locator(f"#err-{qq.id}").inner_text()
                            box.locator(f'.rank-opt[data-code="{code}"]').click()
                    elif qq.type == "number":
                        box.locator("input").fill(f"{row[qq.id]:g}")
                    kinds.add(qq.type)
                    assert not any(_marks(page, _fields(qq)).values()), qq.id  # answered: no mark left
                    if later:
                        assert all(_marks(page, later).values()), (qq.id, _marks(page, later))  # the others stay
                for qq in sec.questions:  # the optional text and "please specify" boxes
                    if ask[qq.id] and qq.type == "text" and _has(row.get(qq.id)):
                        page.locator(f"#q-{qq.id} textarea").fill(row[qq.id])
                    if ask[qq.id] and qq.has_other and _has(row.get(f"{qq.id}_other")):
                        page.locator(f'#q-{qq.id} input[name="{qq.id}_other"]').fill(row[f"{qq.id}_other"])
                page.click("#next")
            assert page.locator("#q-L1").is_visible()
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    assert not errors, errors
    assert kinds >= {"single", "yesno", "multiple", "matrix", "ranking", "number"}, kinds


class _NoSend:
    """The page, except that tapping 提交问卷 does nothing (to stop on the last page, answered)."""

    def __init__(self, page):
        self.page = page

    def __getattr__(self, name):
        return getattr(self.page, name)

    def click(self, selector, **kw):
        if selector != "#send":
            return self.page.click(selector, **kw)


DRAFT = "() => { const k = Object.keys(sessionStorage).find(x => x.startsWith('minyi-draft:')); " \
        "return k ? JSON.parse(sessionStorage.getItem(k)) : null; }"


def test_a_reload_mid_form_keeps_the_answers_the_page_and_the_time(tmp_path):
    """A volunteer's slow phone reloads the page (pull-to-refresh, the tab discarded, the back button) on the
    last page of a 120-item questionnaire.  Before the fix every answer was gone and, answered again, the
    completion time restarted at the reload (a speeder flag).  Now the page comes back as it was — answers,
    page, progress — and the answer sent is the same answer (its UUID) with its whole completion time.
    Opening the link anew, or after the answer is sent, starts afresh."""
    from playwright.sync_api import sync_playwright

    from survey.collect.journal import Journal, journal_path
    from survey.store import Project
    from test_serve_browser import _assert_stored, _fill

    p = make_project(tmp_path)
    q = p.questionnaire
    row = _plans(q)[0]
    ask = {qid: bool(m[0]) for qid, m in asked_masks(q, pd.DataFrame([row])).items()}
    url_link = make_links(q, site="社区", district="东城区", collectors=["V001"])[0]
    srv = ServerProcess(p.root, "--merge-every", "3600")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile)
            page.on("pageerror", lambda e: errors.append(str(e)))
            url = url_link.url(srv.base, project_secret(p.root))
            page.goto(url)
            page.wait_for_timeout(3000)  # the respondent reads the introduction
            _fill(_NoSend(page), q, row, ask)
            before = {"progress": page.locator("#progress-text").inner_text(), "draft": page.evaluate(DRAFT)}
            assert before["draft"] and before["progress"].startswith("已答")
            page.reload()
            page.wait_for_selector("#send:not([hidden])")
            assert page.locator("#q-L1").is_visible() and page.locator("#q-A1").is_hidden()  # the same page
            assert page.locator("#progress-text").inner_text() == before["progress"]
            assert page.locator(f'#q-L1 input[value="{int(row["L1"])}"]').is_checked()
            assert page.locator("#q-K3 textarea").input_value() == row["K3"]
            assert page.evaluate(DRAFT)["uuid"] == before["draft"]["uuid"]
            page.click("#send")
            page.wait_for_selector("#done:not([hidden])")
            assert page.locator("#done-title").inner_text() == "提交成功"
            page.reload()  # sent: the next visit is a new answer
            assert not page.locator('#q-A1 input[value="1"]').is_checked() and page.locator("#q-A1").is_hidden()
            assert page.evaluate(DRAFT)["uuid"] != before["draft"]["uuid"]
            page.click("#next")
            page.locator('#q-A1 label:has(input[value="1"])').click()
            page.goto(url)  # the link opened anew: afresh
            page.click("#next")
            assert not page.locator('#q-A1 input[value="1"]').is_checked()
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    assert not errors, errors
    recs = Journal(journal_path(p.root)).records()
    assert [r.uuid for r in recs] == [before["draft"]["uuid"]]
    assert recs[0].duration_sec >= 3
    _assert_stored(Project.open(p.root).raw_responses().iloc[0], row, q)


OUTBOX = """() => new Promise((resolve) => {
  const r = indexedDB.open("minyi-outbox", 1);
  r.onsuccess = () => { const t = r.result.transaction("outbox", "readonly").objectStore("outbox").getAll();
                        t.onsuccess = () => resolve(t.result.map(x => ({uuid: x.uuid, refused: x.refused || null}))); };
})"""


def test_an_answer_refused_while_on_the_page_is_not_also_kept_as_refused_by_the_outbox(tmp_path):
    """The 15-second outbox round (or the phone coming back online) ran while the page was sending its own
    answer: it sent the same answer a second time, and when the server refused it with field errors (422)
    the page showed the errors to fix while the outbox kept a second copy marked refused — the header then
    said "1 份保存在本机的答卷未被服务器接收" for ever, even after the corrected answer was stored."""
    import json

    from playwright.sync_api import sync_playwright

    from test_serve_browser import _fill

    p = make_project(tmp_path)
    q = p.questionnaire
    row = _plans(q)[0]
    ask = {qid: bool(m[0]) for qid, m in asked_masks(q, pd.DataFrame([row])).items()}
    link = make_links(q, site="社区", district="东城区", collectors=["V001"])[0]
    srv = ServerProcess(p.root, "--merge-every", "3600")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    held: list = []
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile, service_workers="block")  # page.route sees every request
            page.goto(link.url(srv.base, project_secret(p.root)))
            page.route("**/api/submit", lambda route: held.append(route))
            _fill(page, q, row, ask)
            page.wait_for_timeout(500)
            page.evaluate("window.dispatchEvent(new Event('online'))")  # the outbox round, while the page sends
            page.wait_for_timeout(1000)
            body = json.dumps({"status": "invalid", "message": "有题目需要修改，请按提示检查后再提交",
                               "errors": [{"question": "K4", "column": "K4", "code": "out-of-range",
                                           "message": "请填写0—99之间的整数"}]})
            for r in held:
                r.fulfill(status=422, content_type="application/json", body=body)
            page.wait_for_selector("#err-K4:not([hidden])")
            page.wait_for_timeout(1000)
            assert page.evaluate(OUTBOX) == []
            assert page.locator("#refused").is_hidden()
            assert len(held) == 1  # the page's own request only
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err


CARD_LAYOUT = """() => Array.from(document.querySelectorAll('.card')).map((card) => {
  const c = card.getBoundingClientRect();
  const parts = Array.from(card.children).map((el) => el.getBoundingClientRect());
  const inside = parts.every((r) => r.left >= c.left - 0.5 && r.right <= c.right + 0.5 && r.top >= c.top - 0.5
                                    && r.bottom <= c.bottom + 0.5);
  const apart = parts.every((r, i) => i === 0 || r.top >= parts[i - 1].bottom - 0.5);
  const words = Array.from(card.querySelectorAll('.words div, .url, h1'))
                  .every((el) => el.scrollWidth <= el.clientWidth + 1);
  return {inside: inside, apart: apart, words: words, clipped: card.scrollHeight > card.clientHeight + 1};
})"""


def test_qr_sheet_cards_show_everything_with_a_long_title_and_long_collector_ids(tmp_path):
    """The A4 QR sheet printed from the dashboard (or survey links) for a questionnaire with a long title and
    collectors with long ids: before the fix the third line of the title ran into the QR code, a long Latin
    collector id ran past both edges of its card, and the address under a code with a long (percent-encoded
    Chinese) id was cut off at the card's bottom.  Rendered for print in Chromium: every part of every card
    lies inside it, one below the other, and no line is wider than its box."""
    import dataclasses

    from playwright.sync_api import sync_playwright

    from report.fonts import font_face_css
    from survey.collect.links import sheet_html

    q = make_project(tmp_path).questionnaire
    title = "2026年度某某市创建全国文明城市干部群众热点问题满意度及公共服务质量综合评估入户调查问卷（第三季度专项）"
    try:
        q.title = title
    except (AttributeError, dataclasses.FrozenInstanceError):
        q = dataclasses.replace(q, title=title)
    links = make_links(q, site="社区", district="东城区",
                       collectors=["V001", "张" * 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"])
    html = sheet_html(q, links, "https://survey.example.gov.cn/path", b"k" * 32, font_face_css)
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            page = browser.new_page(viewport={"width": 794, "height": 1123})
            page.emulate_media(media="print")
            page.set_content(html)
            cards = page.evaluate(CARD_LAYOUT)
            browser.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert len(cards) == 3
    assert all(c["inside"] and c["apart"] and c["words"] and not c["clipped"] for c in cards), cards


PUT = """(items) => new Promise((resolve) => {
  const r = indexedDB.open("minyi-outbox", 1);
  r.onupgradeneeded = () => { r.result.createObjectStore("outbox", { keyPath: "uuid" }); };
  r.onsuccess = () => { const t = r.result.transaction("outbox", "readwrite");
                        items.forEach((x) => t.objectStore("outbox").put(x));
                        t.oncomplete = () => resolve(true); };
})"""


def test_answers_refused_as_closed_or_of_an_unknown_wave_are_sent_again_when_the_page_is_opened(tmp_path):
    """docs/collect.md promised that an answer refused for a wave the project did not have "can be sent
    again" once the wave is added, and an answer refused because the survey was closed belongs in once the
    survey is reopened; but the phone never sent a refused answer again — it stayed on the phone for ever.
    Now those two kinds are tried once more each time the form is opened; a refusal that stands (a full
    quota cell) is not sent again."""
    import time

    from playwright.sync_api import sync_playwright

    from serve_helpers import native_rows, payload

    p = make_project(tmp_path, config={"waves": ["2026Q2"]})
    q = p.questionnaire
    rows = native_rows(q, 3, seed=4)
    link = make_links(q, collectors=["V001"])[0]
    query = link.query(project_secret(p.root))
    kept = []
    for i, (wave, reason, status) in enumerate((("2026Q2", "wave_unknown", 409), ("default", "closed", 403),
                                                ("default", "quota_full", 409))):
        item = payload(q, rows[i], link=query, wave=wave, finished_at=int(time.time() * 1000) - 60000)
        item["refused"] = {"status": status, "reason": reason, "at": 0, "message": ""}
        kept.append(item)
    srv = ServerProcess(p.root, "--merge-every", "3600", "--wave", "default")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile)
            page.goto(link.url(srv.base, project_secret(p.root)))
            page.evaluate(PUT, kept)
            page.reload()
            page.wait_for_timeout(3000)
            left = page.evaluate(OUTBOX)
            assert [x["refused"]["reason"] for x in left] == ["quota_full"], left
            assert page.locator("#refused").inner_text().startswith("1 份保存在本机的答卷未被服务器接收：配额已满")
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err
    from survey.store import Project

    data = Project.open(p.root).raw_responses()
    assert sorted(data["_wave"]) == ["2026Q2", "default"]


def test_a_double_tap_on_next_turns_one_page(tmp_path):
    """On a slow phone a volunteer taps 下一页 twice: the second tap turned the new page at once — checking it
    unanswered, so every question of the page she had not yet seen was marked red (or, answered ahead,
    skipped).  A second tap within half a second of a page turn is the same tap."""
    from playwright.sync_api import sync_playwright

    p = make_project(tmp_path)
    q = p.questionnaire
    link = make_links(q, site="社区", district="东城区", collectors=["V001"])[0]
    srv = ServerProcess(p.root, "--merge-every", "3600")
    profile = tempfile.mkdtemp(prefix="minyi-chromium-")
    try:
        with sync_playwright() as pw:
            ctx, page = phone(pw, profile)
            page.goto(link.url(srv.base, project_secret(p.root)))
            page.locator("#next").dblclick()
            assert page.locator("#q-A1").is_visible()
            for qid in ("A1", "A2", "A3", "A4", "A7"):
                page.locator(f'#q-{qid} label:has(input[value="1"])').click()
            page.locator("#next").dblclick()
            assert page.locator("#q-B1").is_visible()
            assert page.evaluate("document.querySelectorAll('.page.current .has-err').length") == 0
            page.wait_for_timeout(600)
            page.click("#prev")
            assert page.locator("#q-A1").is_visible()
            ctx.close()
    finally:
        rc, out, err = srv.interrupt()
        shutil.rmtree(profile, ignore_errors=True)
    assert rc == 0, err

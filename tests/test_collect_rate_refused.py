"""The rate limit (minyi.yaml ``serve.rate_limit``, per minute and address) counts answers stored; answers read and
refused (422 field errors, 409 device already answered) are counted apart, up to
:data:`~survey.collect.app.REFUSED_PER_STORED` times the limit.  Over HTTP against the real app (Starlette's
TestClient over ``build_app``, the writer and the journal).

Before: every new submission was counted when it arrived, so a respondent putting right a field error — on a phone
or in the plain form without JavaScript — was answered 429 after ``rate_limit`` tries, and a phone told 409 used up
its address's minute.
"""

from __future__ import annotations

import asyncio
import re
import uuid as _uuid
import warnings

import httpx

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import serve_helpers
from serve_helpers import journal_count, make_project, payload
from survey.collect.app import REFUSED_PER_STORED, Service, build_app
from survey.collect.links import make_links, project_secret

project, rows = serve_helpers.project_fixture, serve_helpers.rows_fixture  # the shared fixtures


def _client(project, **kw):
    svc = Service(project, admin_token="tok-123", **kw)
    return svc, TestClient(build_app(svc), raise_server_exceptions=False)


def _new_phone(client) -> None:
    """The next phone behind the same address: no cookie, then the form (a new device cookie)."""
    client.cookies.clear()
    assert client.get("/").status_code == 200


def _form_body(q, row: dict, uid: str) -> str:
    """``row`` as the plain form posts it (one field per chosen option, a ranking as K2_<code>=<rank>)."""
    answers = payload(q, row)["answers"]
    items = [("__uuid", uid)] + [(k, v) for k, v in answers.items() if not isinstance(v, list)]
    items += [(k, x) for k, v in answers.items() if isinstance(v, list) and k != "K2" for x in v]
    items += [(f"K2_{code}", str(rank)) for rank, code in enumerate(answers.get("K2", []), start=1)]
    return str(httpx.QueryParams(items))


def test_field_errors_put_right_do_not_use_up_the_rate_limit(project, rows):
    q = project.questionnaire
    svc, client = _client(project, rate_limit=2)
    with client:
        client.get("/")
        uid = str(_uuid.uuid4())
        for _ in range(6):  # the phone sends the answer again after each correction, an error left each time
            r = client.post("/api/submit", json=payload(q, dict(rows[0], A1=7), uid=uid))
            assert r.status_code == 422 and r.json()["status"] == "invalid", r.text
        r = client.post("/api/submit", json=payload(q, rows[0], uid=uid))
        assert r.status_code == 200 and r.json()["duplicate"] is False, r.text
        _new_phone(client)
        assert client.post("/api/submit", json=payload(q, rows[1])).status_code == 200  # the 2nd stored this minute
        _new_phone(client)
        r = client.post("/api/submit", json=payload(q, rows[2]))  # the limit still holds for answers stored
        assert r.status_code == 429 and r.json()["status"] == "rate_limited", r.text
        assert int(r.headers["retry-after"]) >= 1
    assert journal_count(project) == 2


def test_plain_form_corrections_are_not_locked_out(project, rows):
    q = project.questionnaire
    svc, client = _client(project, rate_limit=1)
    with client:
        html = client.get("/").text
        uid = html.split('name="__uuid" value="')[1].split('"')[0]
        for _ in range(4):  # without JavaScript: the page comes back with the errors, the respondent sends again
            r = client.post("/submit", data={"__uuid": uid, "A1": "1", "K4": "150"})
            assert r.status_code == 422 and "此题为必答题" in r.text, r.status_code
        r = client.post("/submit", content=_form_body(q, rows[1], uid),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 200 and "提交成功" in r.text, re.sub(r"<[^>]+>", " ", r.text)[-400:]
    assert journal_count(project) == 1


def test_refused_answers_are_counted_apart_with_a_larger_allowance(project, rows):
    q = project.questionnaire
    svc, client = _client(project, rate_limit=2)
    allowance = REFUSED_PER_STORED * 2
    with client:
        client.get("/")
        assert client.post("/api/submit", json=payload(q, rows[0])).status_code == 200
        for i in range(allowance):  # this phone has answered: each new answer is refused, and said so (not 429)
            r = client.post("/api/submit", json=payload(q, rows[1 + i % 5]))
            assert r.status_code == 409 and r.json()["status"] == "already", (i, r.text)
        r = client.post("/api/submit", json=payload(q, rows[1]))  # one refused answer more than the allowance
        assert r.status_code == 429 and r.json()["status"] == "rate_limited", r.text
        assert 1 <= int(r.headers["retry-after"]) <= 61
        _new_phone(client)  # the address waits, whatever the phone: it sent refused answers without end
        assert client.post("/api/submit", json=payload(q, rows[2])).status_code == 429
        link = make_links(q, collectors=["V001"])[0].query(project_secret(project.root))
        assert client.post("/api/submit", json=payload(q, rows[3], link=link)).status_code == 200  # not limited
    assert journal_count(project) == 2


def test_answers_sent_together_cannot_slip_under_the_limit(tmp_path, rows):
    """The place an answer takes is taken when it arrives and given back when it is refused: ten new answers sent
    at once from one address with a limit of 3 store 3 (counting only when the writer has stored them would let
    all ten in)."""
    p = make_project(tmp_path, config={"serve": {"one_per_device": False}})
    q = p.questionnaire
    svc = Service(p, admin_token="tok-123", rate_limit=3)
    bodies = [payload(q, rows[i]) for i in range(10)]

    async def burst():
        transport = httpx.ASGITransport(app=build_app(svc))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await asyncio.gather(*(c.post("/api/submit", json=b) for b in bodies))

    with TestClient(build_app(svc)):  # lifespan: the writer running
        res = asyncio.run(burst())
    assert sorted(r.status_code for r in res) == [200] * 3 + [429] * 7
    assert journal_count(p) == 3

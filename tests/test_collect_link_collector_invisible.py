"""A link signed before collector ids holding invisible characters (Unicode C*: control, format) were refused by
``make_links`` is refused by the server too: its form, its answers sent by the page's script (JSON) and by the plain
form without JavaScript, each with the page's words for it (PAGE_MESSAGES_ZH ``bad-link-collector``) and, in the
server's log, the catalogue problem ``serve-link-collector-invisible`` naming the characters.

Before: the signature checked out, so the form was served and the answers stored with the invisible collector id
(U+202E shows ``ABC123`` reversed on the dashboard, U+200B not at all).
"""

from __future__ import annotations

import logging
import re
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import serve_helpers
from serve_helpers import journal_count, payload
from survey.collect.app import PAGE_MESSAGES_ZH, Service, build_app
from survey.collect.links import Link, make_links, project_secret
from survey.errors import MinyiError

project, rows = serve_helpers.project_fixture, serve_helpers.rows_fixture  # the shared fixtures

OLD_IDS = [  # (collector id of an old link, the characters named)
    ("\u202eABC123", "U+202E"),  # right-to-left override (Cf)
    ("V0\u200b01", "U+200B"),  # zero width space (Cf)
    ("V\u200f001", "U+200F"),  # right-to-left mark (Cf)
    ("V\x85001", "U+0085"),  # next line, a C1 control (Cc)
    ("V\x07001", "U+0007"),  # bell (Cc)
]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("collector,chars", OLD_IDS, ids=[c for _, c in OLD_IDS])
def test_old_link_with_an_invisible_collector_is_refused(project, rows, caplog, collector, chars):
    q = project.questionnaire
    with pytest.raises(MinyiError):  # such a link is not made any more
        make_links(q, collectors=[collector])
    old = Link(None, None, collector).query(project_secret(project.root))  # signed as links were before
    words = PAGE_MESSAGES_ZH["bad-link-collector"]
    svc = Service(project, admin_token="tok-123")
    with TestClient(build_app(svc), raise_server_exceptions=False) as client, \
            caplog.at_level(logging.WARNING, logger="minyi.serve"):
        r = client.get("/", params=old)  # the form
        assert r.status_code == 400 and "链接无效" in _text(r.text) and words in _text(r.text), _text(r.text)[:300]
        assert 'name="__uuid"' not in r.text
        client.get("/")  # a device cookie, as a phone that opened the form before has
        r = client.post("/api/submit", json=payload(q, rows[0], link=old))  # the page's script, or its outbox
        assert r.status_code == 400 and r.json() == {"status": "bad_link", "message": words}, r.text
        fields = {"__uuid": "0b7e5c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b", "__c": old["c"], "__k": old["k"], "A1": "1"}
        r = client.post("/submit", data=fields)  # the plain form without JavaScript: a page, as other refusals
        assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
        assert "未能提交" in _text(r.text) and words in _text(r.text), _text(r.text)[:300]
    assert journal_count(project) == 0
    logged = [rec.getMessage() for rec in caplog.records if "invisible character" in rec.getMessage()]
    assert len(logged) == 3 and all(chars in m and "survey links --collector" in m for m in logged), logged
    assert all("\u202e" not in m and "\u200b" not in m for m in logged)  # written out, as <U+202E>


def test_link_of_a_plain_collector_still_works(project, rows):
    q = project.questionnaire
    link = make_links(q, collectors=["李四"])[0].query(project_secret(project.root))
    svc = Service(project, admin_token="tok-123")
    with TestClient(build_app(svc)) as client:
        assert client.get("/", params=link).status_code == 200
        assert client.post("/api/submit", json=payload(q, rows[0], link=link)).status_code == 200
    assert journal_count(project) == 1

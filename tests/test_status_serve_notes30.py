"""`survey status` says the web survey's notes on the answers it stored (session 30; failed before the fix).

The web survey (`survey serve`) keeps notes about stored answers in its journal: fields of questions the
questionnaire does not have (an older page), and 其他 ticked without its text (an older page's answer).  The
dashboard, its stats JSON, the log and the journal said them; `survey status PROJECT` and its ``--json`` did
not, so whoever looked at the project from the command line never learnt of them.  Now status lists them in the
dashboard's words (one label source, survey.labels ``serve_notes.*``) and ``--json`` has ``not_in_store``: per
wave, the dashboard's ``not_in_store`` object.
"""

from __future__ import annotations

import json
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from serve_helpers import make_project, native_rows, payload
from survey.collect.app import Service, build_app
from tracking_world import survey

OPEN = {"serve": {"one_per_device": False, "rate_limit": 0}}


def _served_with_notes(tmp_path):
    """A project whose web survey stored three answers: one with two fields this questionnaire does not have,
    one from an older page with 其他 of B2 ticked and no text, one plain; the server merged them on stopping."""
    project = make_project(tmp_path, config=OPEN)
    q = project.questionnaire
    rows = native_rows(q, 80, seed=29)
    other = next(r for r in rows if r.get("B2_8") == 1.0)
    other = {k: v for k, v in other.items() if k != "B2_other"}
    plain = next(r for r in rows if r.get("B2_8") != 1.0)
    with TestClient(build_app(Service(project, admin_token="tok-30"))) as c:
        body = payload(q, plain)
        body["answers"].update({"Z9": "3", "B1_old": ["1", "2"]})
        assert c.post("/api/submit", json=body).status_code == 200
        r = c.post("/api/submit", json=payload(q, other))
        assert r.status_code == 200 and r.json()["other_text_missing"] == ["B2"], r.text
        assert c.post("/api/submit", json=payload(q, rows[-1])).status_code == 200
        c.get("/admin", params={"token": "tok-30"})
        page = c.get("/admin").text
        stats = c.get("/admin/api/stats").json()
    return project, body["uuid"], page, stats


def test_status_says_the_web_surveys_notes_as_the_dashboard_does(tmp_path):
    project, uuid, page, stats = _served_with_notes(tmp_path)
    q = project.questionnaire
    b2 = q.question("B2").text
    rc, out, err = survey("status", str(project.root))
    assert rc == 0, err
    assert "需要核对的答卷" in out
    assert "1 份答卷含有本问卷没有的题目（在旧版问卷页面上填写）：B1_old、Z9。" in out, out
    assert f"1 份答卷选择了“其他”但没有注明具体内容（在要求注明之前的页面上填写，已收下）：B2“{b2}”。" in out, out
    # the same sentences as the dashboard's, from the one label table
    from survey.collect.dashboard import notes_lines

    for line in notes_lines(stats["not_in_store"]):
        assert line in page and line in out, line
    assert len(notes_lines(stats["not_in_store"])) == 2

    rc, out, err = survey("status", str(project.root), "--json")
    assert rc == 0, err
    st = json.loads(out)
    wave = stats["wave"]
    assert list(st["not_in_store"]) == [wave]
    assert st["not_in_store"][wave] == stats["not_in_store"]  # the dashboard's object, per wave
    assert st["not_in_store"][wave]["unknown_fields"]["uuids"] == [uuid]
    assert st["not_in_store"][wave]["other_text_missing"]["questions"] == [{"id": "B2", "text": b2}]


def test_status_without_notes_says_nothing_of_them(tmp_path):
    project = make_project(tmp_path, config=OPEN)
    q = project.questionnaire
    with TestClient(build_app(Service(project, admin_token="tok-30"))) as c:
        assert c.post("/api/submit", json=payload(q, native_rows(q, 1, seed=3)[0])).status_code == 200
    rc, out, err = survey("status", str(project.root))
    assert rc == 0 and "需要核对的答卷" not in out, out
    rc, out, err = survey("status", str(project.root), "--json")
    assert json.loads(out)["not_in_store"] == {}

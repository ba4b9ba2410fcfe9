"""Defects found by a red-team of `survey serve` (each test failed before its fix).

minyi.yaml edited while serving keeps the edits when a new wave is registered; a bad body is refused
alone; wrong-typed answers, fractional integers and short rankings are refused with the question's
message; an answer keeps the wave it was filled in; the dashboard counts only collectors.
"""

from __future__ import annotations

import json
import warnings

import pytest
import yaml

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import serve_helpers
from serve_helpers import journal_count, make_project, payload
from survey.collect.app import Service, build_app
from survey.collect.links import make_links, project_secret
from survey.store import Project


def _client(project, **kw):
    svc = Service(project, admin_token="tok-123", **kw)
    return svc, TestClient(build_app(svc))


def _link(project, **kw):
    return make_links(project.questionnaire, **kw)[0].query(project_secret(project.root))


def _count(project) -> int:
    return journal_count(project)


project, rows = serve_helpers.project_fixture, serve_helpers.rows_fixture  # the shared fixtures


# ----------------------------------------------------------------------------- 1. minyi.yaml edited while serving
def test_new_wave_keeps_the_edits_made_to_minyi_yaml_while_serving(project, rows):
    cfg = project.root / "minyi.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "# 配额由区里确定\nquotas:\n  mode: stop\n  cells:\n"
                   "    - {site: 社区, district: 东城区, target: 2}\n", encoding="utf-8")
    project = Project.open(project.root)
    svc, client = _client(project, wave="2027Q1")
    link = _link(project, collectors=["V001"])
    with client:
        client.get("/")
        edited = cfg.read_text(encoding="utf-8").replace("target: 2}", "target: 50}") + "serve:\n  access_code: '2468'   # 现场公布\n"
        cfg.write_text(edited, encoding="utf-8")
        for i in range(3):
            assert client.post("/api/submit", json=payload(project.questionnaire, rows[i], link=link)).status_code == 200
        assert svc.merge_now()[0].rows == 3
        now = cfg.read_text(encoding="utf-8")
    assert now == edited.replace("waves: []", "waves: [2027Q1]")
    assert yaml.safe_load(now)["quotas"]["cells"][0]["target"] == 50
    assert Project.open(project.root).waves() == ["2027Q1"]


# ----------------------------------------------------------------------------- 3. the wave an answer was filled in
def test_an_answer_keeps_the_wave_it_was_filled_in(tmp_path, rows):
    p = make_project(tmp_path)
    q = p.questionnaire
    link = _link(p, collectors=["V001"])
    svc, client = _client(p, wave="2026Q3")
    with client:
        assert 'name="__wave" value="2026Q3"' in client.get("/").text
        assert client.post("/api/submit", json=payload(q, rows[0], link=link, wave="2026Q3")).status_code == 200
    # the server restarts for the next wave; a phone sends what it kept from 2026Q3, and a form of 2026Q4
    svc, client = _client(Project.open(p.root), wave="2026Q4")
    with client:
        assert client.post("/api/submit", json=payload(q, rows[1], link=link, wave="2026Q3")).status_code == 200
        assert client.post("/api/submit", json=payload(q, rows[2], link=link, wave="2026Q4")).status_code == 200
        assert client.post("/api/submit", json=payload(q, rows[3], link=link)).status_code == 200  # an old page
        r = client.post("/api/submit", json=payload(q, rows[4], link=link, wave="2025Q1"))
        assert r.status_code == 409 and r.json()["status"] == "wave_unknown"
        assert "2025Q1" in r.json()["message"] and "未能保存" in r.json()["message"]
        for bad in (7, "", ["2026Q3"]):
            assert client.post("/api/submit", json=payload(q, rows[5], link=link, wave=bad)).status_code == 400
    data = Project.open(p.root).raw_responses()
    assert sorted(data.groupby("_wave").size().items()) == [("2026Q3", 2), ("2026Q4", 2)]
    assert _count(p) == 4


# ----------------------------------------------------------------------------- 4. one bad body, refused alone
@pytest.mark.parametrize("bad", ["huge-int", "surrogate", "deep", "deep-answer", "huge-duration"])
def test_a_bad_body_is_refused_alone_and_its_batch_is_stored(project, rows, bad):
    import asyncio

    import httpx

    q = project.questionnaire
    svc, client = _client(project)
    link = _link(project, collectors=["V001"])
    bodies = [json.dumps(payload(q, r, link=link)) for r in rows[:8]]
    body = payload(q, rows[8], link=link)
    if bad == "huge-int":
        text = json.dumps(dict(body, answers=dict(body["answers"], K4=0))).replace('"K4": 0', '"K4": ' + "9" * 400)
    elif bad == "surrogate":
        text = json.dumps(dict(body, answers=dict(body["answers"], K3="\ud800")))
    elif bad == "deep":
        text = json.dumps(body)[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    elif bad == "deep-answer":
        text = json.dumps(dict(body, answers=dict(body["answers"], K3=[[[["x"]]]])))
    else:
        text = json.dumps(body).replace('"duration_sec": 600', '"duration_sec": ' + "9" * 400)

    async def burst():
        transport = httpx.ASGITransport(app=build_app(svc))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await asyncio.gather(*(c.post("/api/submit", content=b, headers={"content-type": "application/json"})
                                          for b in bodies[:4] + [text] + bodies[4:]))

    with client:  # lifespan: writer running
        codes = [r.status_code for r in asyncio.run(burst())]
    assert codes[4] in (400, 422) and codes[:4] + codes[5:] == [200] * 8, codes
    assert _count(project) == 8


# ----------------------------------------------------------------------------- 5, 6. the server refuses what the form refuses
@pytest.mark.parametrize("change, qid, message", [
    ({"K4": 2.5}, "K4", "请填写0—99之间的整数"),
    ({"K4": "5.5"}, "K4", "请填写0—99之间的整数"),
    ({"K4": 150}, "K4", "请填写0—99之间的整数"),  # out of range: in the words of the hint (整数), not 之间的数
    ({"K3": {"a": 1}}, "K3", "请填写一段文字"),
    ({"K3": True}, "K3", "请填写一段文字"),
    ({"K3": ["x", "y"]}, "K3", "请填写一段文字"),
    ({"B2": ["1", "2"], "B2_other": "社区公众号"}, "B2", "只有选择“其他”时才需填写说明"),
    ({"K2": ["1", "2"]}, "K2", "请按重要程度依次点选3项"),
])
def test_wrong_answers_are_refused_naming_the_question(project, rows, change, qid, message):
    q = project.questionnaire
    row = next(r for r in rows if r.get("B1") in (1.0, 2.0) and "K3" not in r)  # B2 asked
    svc, client = _client(project)
    with client:
        client.get("/")
        body = payload(q, row)
        body["answers"].update(change)
        r = client.post("/api/submit", json=body)
        assert r.status_code == 422, r.text
        errs = r.json()["errors"]
        assert [(e["question"], e["message"]) for e in errs] == [(qid, message)], errs
        assert _count(project) == 0
        body = payload(q, row)
        if "B2_other" in change:  # 其他 chosen: its text is kept
            body["answers"].update(B2=["1", "8"], B2_other="社区公众号")
        assert client.post("/api/submit", json=body).status_code == 200
    assert _count(project) == 1


def test_the_plain_form_refuses_a_short_ranking_and_a_fraction(project, rows):
    import httpx

    svc, client = _client(project)
    row = rows[1]
    with client:
        html = client.get("/").text
        uid = html.split('name="__uuid" value="')[1].split('"')[0]
        assert 'name="K4" inputmode="numeric" step="1"' in html
        answers = payload(project.questionnaire, row)["answers"]

        def post(k2: list, k4: str):
            items = [("__uuid", uid)] + [(k, x) for k, v in answers.items() if k not in ("K2", "K4")
                                         for x in (v if isinstance(v, list) else [v])]
            items += [(f"K2_{code}", str(rank)) for rank, code in enumerate(k2, start=1)] + [("K4", k4)]
            return client.post("/submit", content=str(httpx.QueryParams(items)),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})

        r = post(answers["K2"][:2], "3")
        assert r.status_code == 422
        assert "请按重要程度依次点选3项" in r.text.split('id="err-K2"')[1].split("</p>")[0]
        r = post(answers["K2"], "2.5")
        assert r.status_code == 422
        assert "请填写0—99之间的整数" in r.text.split('id="err-K4"')[1].split("</p>")[0]
        assert _count(project) == 0
        assert post(answers["K2"], "3").status_code == 200
    assert _count(project) == 1


# ----------------------------------------------------------------------------- 7. the dashboard's collectors
def test_dashboard_counts_collectors_only(project, rows):
    q = project.questionnaire
    svc, client = _client(project, rate_limit=0)
    with client:
        client.get("/")
        assert client.post("/api/submit", json=payload(q, rows[0])).status_code == 200  # the public link
        for i, name in enumerate(("V001", "V002", "V002")):
            assert client.post("/api/submit", json=payload(q, rows[1 + i], link=_link(project, collectors=[name]))) \
                .status_code == 200
        stats = client.get("/admin/api/stats", headers={"Authorization": "Bearer tok-123"}).json()
        dash = client.get("/admin", headers={"Authorization": "Bearer tok-123"}).text
    assert stats["collector_count"] == 2 and stats["public_total"] == 1 and stats["total"] == 4
    assert 'id="kpi-collectors">2<' in dash and 'id="kpi-public">1<' in dash


# ----------------------------------------------------------------------------- 8. clear one-line errors
def test_links_and_serve_options_give_one_clear_line(project, tmp_path):
    from serve_helpers import ROOT
    import os
    import subprocess
    import sys

    def survey(*args):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        return subprocess.run([sys.executable, "-m", "cli", *args], cwd=str(tmp_path), env=env, capture_output=True,
                              text=True, timeout=300)

    (tmp_path / "sim.csv").write_text("a\n")
    base = ("links", str(project.root), "--base-url", "http://127.0.0.1:8000", "--no-pdf")
    for args, words in (((*base, "--out", "sim.csv/sub"), "sim.csv is a file, not a folder"),
                        ((*base, "--out", "sim.csv"), "--out sim.csv is a file; --out names a folder"),
                        ((*base, "--out", "qr", "--collector", "李 四"), "'李 四': a collector id has no spaces"),
                        (("serve", str(project.root), "--wave", "", "--port", "18999"), "--wave '': name the wave")):
        r = survey(*args)
        lines = r.stderr.strip().splitlines()
        assert r.returncode != 0 and len(lines) == 1 and words in lines[0], (args, r.stderr)
        assert "Traceback" not in r.stderr and "choose a writable file path" not in r.stderr
    assert not (tmp_path / "qr").exists()
    r = survey(*base, "--out", "qr", "--collector", "李四, V2", "V3")
    assert r.returncode == 0 and sorted(p.name for p in (tmp_path / "qr").glob("*.png")) == \
        ["qr-V2.png", "qr-V3.png", "qr-李四.png"]


def test_removing_a_wave_keeps_the_rest_of_minyi_yaml_as_written(tmp_path):
    """remove-import of a wave's last import takes only that wave out of minyi.yaml: comments, layout and keys
    edited since the project was opened stay (the whole file used to be written again from what was read)."""
    from survey.simulate import simulate, write_csv

    p = make_project(tmp_path)
    write_csv(simulate(p.questionnaire, n=20, seed=1), tmp_path / "a.csv")
    write_csv(simulate(p.questionnaire, n=20, seed=2), tmp_path / "b.csv")
    p.import_file(tmp_path / "a.csv", wave="2026Q1")
    p.import_file(tmp_path / "b.csv", wave="2026Q2")
    cfg = p.root / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "- 2026Q1\n- 2026Q2\n" in text or "[2026Q1, 2026Q2]" in text
    opened = Project.open(p.root)
    edited = "# 第三期调查 说明\n" + text + "serve:\n  access_code: '2468'   # 现场公布\n"
    cfg.write_text(edited, encoding="utf-8")
    imports = opened.imports()
    first = int(imports.loc[imports.wave == "2026Q1", "id"].iloc[0])
    opened.remove_import(first)
    now = cfg.read_text(encoding="utf-8")
    assert now == edited.replace("- 2026Q1\n", "").replace("[2026Q1, 2026Q2]", "[2026Q2]")
    assert Project.open(p.root).waves() == ["2026Q2"]

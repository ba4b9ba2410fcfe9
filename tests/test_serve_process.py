"""`survey serve` as the real process: URLs, Ctrl-C, other commands while it runs, kill -9 under load.

The kill test posts answers from several threads, kills the server with SIGKILL at a random moment
(three times, with frequent merges so kills also land inside merges), restarts it each time, and
counts: every acknowledged answer is in the store exactly once, equal to what was sent, and nothing
else is there except answers whose acknowledgement was lost in the kill.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid as _uuid

import numpy as np

from serve_helpers import ROOT, ServerProcess, free_port, make_project, native_rows, payload
from survey.collect.links import make_links, project_secret
from survey.store import Project


def _survey(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=str(ROOT), env=env, capture_output=True,
                          text=True, timeout=timeout)


def _collector_link(p, name="V001"):
    return make_links(p.questionnaire, collectors=[name])[0].query(project_secret(p.root))


def test_serve_prints_urls_and_ctrl_c_stops_cleanly(tmp_path):
    p = make_project(tmp_path)
    q = p.questionnaire
    rows = native_rows(q, 5, seed=11)
    srv = ServerProcess(p.root, "--merge-every", "3600")  # no merge while running: only at shutdown
    link = _collector_link(p)
    sent = [payload(q, r, link=link) for r in rows]
    for b in sent:
        assert srv.post(b)[0] == 200
    rc, out, err = srv.interrupt()
    assert rc == 0, err
    assert f"respondents: http://127.0.0.1:{srv.port}/" in out
    assert f"admin:       http://127.0.0.1:{srv.port}/admin?token={srv.token}" in out
    assert "Traceback" not in err
    data = Project.open(p.root).raw_responses()
    assert sorted(data["respondent_id"]) == sorted(b["uuid"] for b in sent)


def test_generated_admin_token_busy_port_and_one_server_per_project(tmp_path):
    p = make_project(tmp_path)
    other = make_project(tmp_path / "other")
    srv = ServerProcess(p.root, token="")  # --admin-token "" → a generated one
    try:
        busy = _survey("serve", str(other.root), "--port", str(srv.port), timeout=60)
        assert busy.returncode == 1 and "cannot serve on 127.0.0.1" in busy.stderr and "Traceback" not in busy.stderr
        twice = _survey("serve", str(p.root), "--port", str(free_port()), timeout=60)
        assert twice.returncode == 1 and "already being served" in twice.stderr and "Traceback" not in twice.stderr
    finally:
        rc, out, err = srv.interrupt()
    token = out.split("/admin?token=")[1].split()[0]
    assert len(token) >= 20


def test_status_check_export_analyze_work_while_serving(tmp_path):
    p = make_project(tmp_path, config={"serve": {"wave": "2026Q3", "merge_every": 0.5}})
    q = p.questionnaire
    rows = native_rows(q, 60, seed=12)
    srv = ServerProcess(p.root)
    link = _collector_link(p)
    stop = threading.Event()
    acked = []

    def client():
        i = 0
        while not stop.is_set() and i < len(rows):
            b = payload(q, rows[i], link=link)
            if srv.post(b)[0] == 200:
                acked.append(b["uuid"])
            i += 1
            time.sleep(0.05)

    t = threading.Thread(target=client)
    t.start()
    try:
        time.sleep(1.5)
        for _ in range(2):
            st = _survey("status", str(p.root), "--json")
            assert st.returncode == 0, st.stderr
            ck = _survey("check", str(p.root))
            assert ck.returncode == 0, ck.stderr
            ex = _survey("export", str(p.root), "--out", str(tmp_path / "x.csv"))
            assert ex.returncode == 0, ex.stderr
        an = _survey("analyze", str(p.root), "--json")
        assert an.returncode == 0, an.stderr
        assert json.loads(an.stdout)
    finally:
        stop.set()
        t.join()
        rc, out, err = srv.interrupt()
    assert rc == 0, err
    status = json.loads(_survey("status", str(p.root), "--json").stdout)
    wave = {w["wave"]: w for w in status["waves"]}["2026Q3"]
    assert wave["responses"] == len(acked)
    serve_imports = [i for i in status["last_imports"] if i["format"] == "serve"]
    assert serve_imports and all(i["wave"] == "2026Q3" and i["file"] == "serve" for i in serve_imports)
    assert sum(i["accepted"] for i in serve_imports) <= len(acked)
    text = _survey("status", str(p.root)).stdout
    assert "serve" in text and "wave 2026Q3" in text


def test_kill_9_under_load_loses_no_acknowledged_answer(tmp_path):
    p = make_project(tmp_path, config={"serve": {"merge_every": 0.3}})
    q = p.questionnaire
    rows = native_rows(q, 80, seed=13)
    link = _collector_link(p)
    acked: dict[str, dict] = {}
    sent: dict[str, dict] = {}
    lock = threading.Lock()
    rng = random.Random(5)
    for round_ in range(3):
        srv = ServerProcess(p.root)
        stop = threading.Event()

        def client(k):
            i = k
            while not stop.is_set():
                b = payload(q, rows[i % len(rows)], link=link)
                with lock:
                    sent[b["uuid"]] = rows[i % len(rows)]
                try:
                    status, body = srv.post(b, timeout=10)
                except (OSError, http.client.HTTPException):
                    continue  # the server died mid-request (or mid-answer: IncompleteRead): not acknowledged
                if status == 200 and body.get("uuid") == b["uuid"]:
                    with lock:
                        acked[b["uuid"]] = rows[i % len(rows)]
                i += 7

        threads = [threading.Thread(target=client, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        time.sleep(1.0 + rng.random() * 2.0)
        srv.kill9()
        stop.set()
        for t in threads:
            t.join()
    # a clean run merges what the killed ones left in the journal
    srv = ServerProcess(p.root)
    rc, _, err = srv.interrupt()
    assert rc == 0, err
    data = Project.open(p.root).raw_responses()
    ids = data["respondent_id"].tolist()
    assert len(acked) > 50, "the load was too small to mean anything"
    assert len(ids) == len(set(ids)), "an answer was stored twice"
    assert set(acked) <= set(ids), f"{len(set(acked) - set(ids))} acknowledged answers lost"
    assert set(ids) <= set(sent)
    cols = q.columns(meta=False)
    by_id = data.set_index("respondent_id")
    for uid in ids:  # every stored row whole and equal to what was sent: no half rows
        row = sent[uid]
        got = by_id.loc[uid]
        for c in cols:
            v = row.get(c)
            g = got[c]
            if v is None:
                assert g is None or (isinstance(g, float) and np.isnan(g)), (uid, c)
            elif isinstance(v, str):
                assert g == v, (uid, c)
            else:
                assert float(g) == float(v), (uid, c)
    imports = Project.open(p.root).imports()
    assert imports["accepted"].sum() == len(ids) and (imports["format"] == "serve").all()


def test_a_survey_closed_earlier_says_so_at_start(tmp_path):
    """Closed on the dashboard in an earlier run, the survey stays closed after a restart (even for another
    wave): the console says so and where to reopen it, instead of serving 调查已结束 without a word."""
    from survey.collect.journal import Journal, journal_path

    p = make_project(tmp_path)
    srv = ServerProcess(p.root)
    rc, out, err = srv.interrupt()
    assert rc == 0 and "CLOSED" not in out
    j = Journal(journal_path(p.root))
    j.set_state("open", "0")  # what the dashboard's 关闭调查 stores
    j.close()
    srv = ServerProcess(p.root, "--wave", "2027Q2")
    rc, out, err = srv.interrupt()
    assert rc == 0, err
    assert "the survey is CLOSED (closed on the dashboard earlier)" in out and "重新开放" in out

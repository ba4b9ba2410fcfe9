"""The admin dashboard's counts against quotas (issue 12: "counts today and in total by site, district and
collector against quotas, with progress bars"), checked on a real `survey serve` process through HTTP.

A quota cell that is exactly one district ({district: 东城区}) or one site ({site: 机关}) is that row's target:
`/admin/api/stats` gives the district's (site's) row the cell's target, percent and full, agreeing with
`quotas`, instead of `target: null, full: false` beside a full quota cell."""

from __future__ import annotations

import json
import urllib.request

from serve_helpers import ServerProcess, make_project, native_rows, payload
from survey.collect.links import make_links, project_secret


def _stats(server: ServerProcess) -> dict:
    req = urllib.request.Request(server.base + "/admin/api/stats",
                                 headers={"Authorization": f"Bearer {server.token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_district_and_site_rows_carry_their_own_quota_cell(tmp_path):
    p = make_project(tmp_path, config={"serve": {"rate_limit": 0},
                                       "quotas": {"mode": "stop", "cells": [
                                           {"district": "东城区", "target": 2}, {"site": "机关", "target": 5},
                                           {"site": "社区", "district": "西城区", "target": 3}]}})
    q = p.questionnaire
    link = make_links(q, collectors=["V1"])[0].query(project_secret(p.root))  # a collector: many answers, one client
    rows = [dict(r, A6=1) for r in native_rows(q, 40, seed=7) if r.get("A5") == 2][:3]  # 社区 · 东城区
    server = ServerProcess(p.root)
    try:
        got = [server.post(payload(q, r, link=link))[0] for r in rows]
        assert got == [200, 200, 409]  # the cell is full after two
        stats = _stats(server)
    finally:
        server.interrupt()
    quota = {(c["site"], c["district"]): c for c in stats["quotas"]}
    districts = {c["district"]: c for c in stats["districts"]}
    sites = {c["site"]: c for c in stats["sites"]}
    cells = {(c["site"], c["district"]): c for c in stats["cells"]}
    east = districts["东城区"]
    assert (east["total"], east["target"], east["percent"], east["full"]) == (2, 2, 100, True)
    assert {k: east[k] for k in ("target", "percent", "full")} == \
        {k: quota[(None, "东城区")][k] for k in ("target", "percent", "full")}
    assert (sites["机关"]["target"], sites["机关"]["full"]) == (5, False)
    assert sites["社区"]["target"] is None  # only a cell over one site names a site's target
    assert districts["西城区"]["target"] is None  # 社区 · 西城区 is not the district's own cell
    assert cells[("社区", "东城区")]["target"] is None


# --------------------------------------------------------------------------- the wave served by default
# Issue 12: answers are stored in the "wave from minyi.yaml or --wave"; without either, the wave whose dates
# contain today, else the last wave.  With dated waves "the last" is the latest by date (the order every other
# command uses), not the last one written in minyi.yaml: waves listed newest first must not send today's answers
# to the oldest wave.

DATED = {"2026Q3": {"label": "2026年第三季度", "start": "2026-07-01", "end": "2026-09-30"},
         "2026Q2": {"label": "2026年第二季度", "start": "2026-04-01", "end": "2026-06-30"}}


def test_default_wave_is_the_latest_by_date_when_none_contains_today():
    import datetime as dt

    from survey.collect.settings import default_wave

    config = {"waves": DATED}
    assert default_wave(config, today=dt.date(2026, 12, 6)) == "2026Q3"
    assert default_wave(config, today=dt.date(2026, 5, 1)) == "2026Q2"  # the wave containing today


def test_serve_prints_and_stores_in_the_latest_wave(tmp_path):
    past = {"2016Q3": {"label": "2016年第三季度", "start": "2016-07-01", "end": "2016-09-30"},
            "2016Q2": {"label": "2016年第二季度", "start": "2016-04-01", "end": "2016-06-30"}}
    p = make_project(tmp_path, config={"waves": past})
    q = p.questionnaire
    server = ServerProcess(p.root)
    try:
        stats = _stats(server)
        link = make_links(q, collectors=["V1"])[0].query(project_secret(p.root))
        assert server.post(payload(q, native_rows(q, 1, seed=3)[0], link=link))[0] == 200
    finally:
        rc, out, err = server.interrupt()
    assert stats["wave"] == "2016Q3"
    assert "(wave 2016Q3)" in out
    from survey.store import Project

    assert Project.open(p.root).waves() == ["2016Q3"]

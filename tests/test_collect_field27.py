"""`survey serve` / `survey links` as a fieldwork coordinator meets them (each test failed before its fix).

1. `survey serve` says so when the wave it files answers under is not dated for today (product rule: nothing is
changed or lost silently).

Found by a fieldwork coordinator starting the fourth quarter's fieldwork on a project whose minyi.yaml still said
`serve: {wave: 2026Q2}` (dated April–June): the server started without a word and every answer of December went
into 2026年第二季度; the same happens without serve.wave when no wave is dated for today (the last one is taken).
The answers still go where the operator said; the start-up lines now warn, naming the wave, its dates and today.

2. `survey links` warns when --base-url names this machine only (the dashboard did, the command did not).
3. Quota cells in minyi.yaml are described in words (no Python None, no double space)."""

from __future__ import annotations

import datetime as dt

import pytest

from serve_helpers import ServerProcess, make_project
from survey.collect.settings import load_settings, wave_dates_warning
from survey.errors import MinyiError

WAVES = {"2026Q2": {"label": "2026年第二季度", "start": "2026-04-01", "end": "2026-06-30"}}


def test_serving_a_wave_dated_in_the_past_warns_at_start(tmp_path):
    past = {"P1": {"label": "2020年第一季度", "start": "2020-01-01", "end": "2020-03-31"}}
    p = make_project(tmp_path, config={"waves": past, "serve": {"wave": "P1"}})
    srv = ServerProcess(p.root, "--merge-every", "3600")
    rc, out, err = srv.interrupt()
    assert rc == 0, err
    line = next(x for x in out.splitlines() if "warning" in x)
    assert "wave P1 (2020年第一季度)" in line and "2020-01-01 to 2020-03-31" in line
    assert f"today ({dt.date.today().isoformat()})" in line and "--wave" in line


def test_no_warning_within_the_dates_or_without_dates():
    inside, after = dt.date(2026, 5, 15), dt.date(2026, 12, 6)
    assert wave_dates_warning({"waves": WAVES}, "2026Q2", inside) is None
    assert wave_dates_warning({"waves": {"2026Q2": {"label": "第二轮"}}}, "2026Q2", after) is None
    assert wave_dates_warning({"waves": WAVES}, "default", after) is None  # a wave waves: does not list
    w = wave_dates_warning({"waves": WAVES}, "2026Q2", after)
    assert w is not None and w.severity == "warning" and "2026-04-01 to 2026-06-30" in str(w)
    before = wave_dates_warning({"waves": {"Q": {"start": "2027-01-01"}}}, "Q", after)
    assert before is not None and "from 2027-01-01" in str(before)


def test_links_to_this_machine_only_are_written_with_a_warning(tmp_path):
    """`survey links --base-url http://127.0.0.1:8000` wrote the QR codes without a word (only the dashboard warned):
    a coordinator testing on a laptop could print the sheets for every volunteer with an address no phone opens."""
    import tracking_world as W

    p = make_project(tmp_path)
    for url, warned in (("http://127.0.0.1:8000", True), ("http://localhost:8000", True),
                        ("https://survey.example.gov.cn", False)):
        out = tmp_path / url.split("//")[1].replace(":", "_").replace(".", "_")
        rc, _, err = W.survey("links", p.root, "--collector", "V001", "--base-url", url, "--out", out, "--no-pdf")
        assert rc == 0, err
        assert (out / "links.csv").exists()  # written all the same
        assert ("names this machine only" in err) == warned, (url, err)


@pytest.mark.parametrize("cells, said", [
    ([{"site": "社区"}], "quotas.cells[1].target is missing"),
    ([{"site": "社区", "target": None}], "quotas.cells[1].target is missing"),
    ([{"site": "社区", "target": 10}, {"site": "社区", "target": 20}], "quotas.cells[2]: the cell 社区 is listed twice"),
    ([{"site": "社区", "district": "东城区", "target": 10}, {"site": 2, "district": 1, "target": 5}],
     "the cell 社区·东城区 is listed twice"),
])
def test_quota_cells_are_described_in_words(tmp_path, cells, said):
    """A quota cell without its target was "must be a whole number ≥ 0, not None" (Python's None); a cell listed twice
    "the cell 社区  is listed twice" (two spaces where the district would be)."""
    p = make_project(tmp_path)
    with pytest.raises(MinyiError) as e:
        load_settings({"quotas": {"mode": "stop", "cells": cells}}, p.questionnaire, "minyi.yaml")
    text = str(e.value)
    assert said in text and "None" not in text and "  " not in text, text

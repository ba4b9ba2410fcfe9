"""The layout registry (survey.importers.registry): every --format value has a reader, detection keeps its
documented order (metadata columns first, then header style; 问卷星 wins a tie against 腾讯问卷, both before
Kobo group paths), and the importers do not load the project store (no import cycle)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from survey.importers import CONTAINERS, FORMATS, LAYOUTS, detect, read_responses
from survey.qload import load_questionnaire

DATA = Path(__file__).parent / "data"
Q = load_questionnaire(DATA / "wjx_questionnaire.yaml")
ROOT = Path(__file__).resolve().parents[1]


def test_every_format_is_a_container_or_a_registered_layout():
    for f in FORMATS[1:]:
        assert (f in CONTAINERS) != (f in LAYOUTS), f
    assert FORMATS[0] == "auto" and "generic" in LAYOUTS and "generic" not in FORMATS


@pytest.mark.parametrize("columns, layout", [
    (["1、a", "2、b", "3.c", "4.d"], "wjx"),  # a tie of header styles: 问卷星
    (["1、a", "2、b", "3.c", "4.d", "5.e"], "tencent"),  # more 腾讯问卷 headers
    (["1、a", "2.b", "3.c"], "tencent"),  # one 问卷星 header is no style
    (["1、a", "2、b", "g/x", "g/y", "g/z"], "wjx"),  # numbered headers before group paths
    (["g/x", "g/y", "1.c"], "kobo"),
    (["1.a", "2.b", "3.c", "所用时间"], "wjx"),  # metadata before style
    (["1、a", "2、b", "_uuid"], "kobo"),
    (["x", "y"], "generic"),
])
def test_detection_order(columns, layout):
    assert detect(columns, Q)[0] == layout


@pytest.mark.parametrize("name", ["wjx", "tencent", "kobo"])
def test_a_forced_layout_is_reported_as_chosen(name):
    t = read_responses(DATA / "wjx_by_code.csv", Q, format=name)
    assert t.format == name and "chosen with --format" in t.format_reason


def test_importers_do_not_load_the_store():
    code = "import sys, survey.importers; print(sorted(m for m in sys.modules if m in ('survey.store', 'survey.ingest')))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"

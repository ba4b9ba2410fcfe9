"""The analysis sections run on several threads give the result they give one after the other
(report/sections.py), and a section's error reaches the caller as it was raised."""

import json
import threading
import time

import numpy as np
import pytest

from report.pipeline import analyze
from report.sections import run_sections, threads
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate


def _canon(res: dict) -> str:
    res = json.loads(json.dumps(res, default=lambda o: o.tolist() if isinstance(o, np.ndarray) else str(o)))
    res["meta"].pop("generated_at", None)
    return json.dumps(res, sort_keys=True, allow_nan=True)


@pytest.mark.parametrize("worker", [False, True])
def test_analysis_on_threads_equals_one_after_the_other(monkeypatch, worker):
    """On three threads, or (``worker``, as in the survey command on Linux) on two with some sections in a
    forked worker process (report/section_worker.py), the same as one after the other."""
    import os

    from report import section_worker

    q = load_questionnaire(bundled_path())
    frame = simulate(q, 1500, seed=5)
    monkeypatch.setenv("MINYI_THREADS", "1")
    serial = analyze(q, frame, by=["site", "district"])
    monkeypatch.setenv("MINYI_THREADS", "2" if worker else "3")
    if worker:
        monkeypatch.setattr(section_worker, "_ALLOWED", [True])
        monkeypatch.setattr(section_worker, "MIN_ROWS", 1000)  # the worker for these 1,500 rows too
        assert section_worker.usable(1500)
    forks = []
    os.register_at_fork(after_in_parent=lambda: forks.append(1))  # (stays registered: counts into this list)
    parallel = analyze(q, frame, by=["site", "district"])
    assert forks == ([1] if worker else [])  # one worker for the sections, or none
    assert _canon(serial) == _canon(parallel)
    assert serial["group_tests"]["by"]["site"] and serial["open_text"] and serial["questions"]
    assert parallel["drivers"] and parallel["hot_issues"]


def test_sections_keep_their_order_and_run_at_once():
    seen = []
    barrier = threading.Barrier(2, timeout=10)

    def task(name):
        def f():
            if name in ("a", "b"):
                barrier.wait()  # both first tasks are running at the same time, or this times out
            seen.append(threading.current_thread().name)
            return name.upper()
        return f

    out = run_sections({k: task(k) for k in "abcd"}, n_threads=2)
    assert list(out) == list("abcd") and list(out.values()) == list("ABCD")
    assert all(n.startswith("minyi-section") for n in seen)


def test_one_thread_runs_in_order_in_the_caller():
    order = []
    out = run_sections({k: (lambda k=k: order.append((k, threading.current_thread() is threading.main_thread())))
                        for k in "xyz"}, n_threads=1)
    assert order == [("x", True), ("y", True), ("z", True)] and list(out) == list("xyz")


def test_the_first_failing_section_raises_its_error():
    class Boom(Exception):
        pass

    def slow_ok():
        time.sleep(0.05)
        return 1

    def bad():
        raise Boom("section b")

    with pytest.raises(Boom, match="section b"):
        run_sections({"a": slow_ok, "b": bad, "c": slow_ok}, n_threads=2)


@pytest.mark.parametrize("env,expect", [("1", 1), ("3", 3), ("0", None), ("x", None), ("", None)])
def test_minyi_threads(monkeypatch, env, expect):
    monkeypatch.setenv("MINYI_THREADS", env)
    n = threads()
    if expect is None:
        assert 1 <= n <= 4
    else:
        assert n == expect


@pytest.fixture(scope="module")
def drawn_here(tmp_path_factory):
    """An analysis and its charts drawn in this process (once for both tests below)."""
    from report.figures import likert_charts, make_charts
    from report.suppression import apply_thresholds

    q = load_questionnaire(bundled_path())
    res = apply_thresholds(analyze(q, simulate(q, 600, seed=9), by=["site"]), 30, 10)
    areas = {a["id"]: a["name"] for a in res["areas"]}
    out = tmp_path_factory.mktemp("here")
    return res, areas, {**make_charts(res, out), "likert": likert_charts(res, areas, out)}


@pytest.mark.parametrize("warm", [False, True])
def test_charts_drawn_in_worker_processes_equal_charts_drawn_here(tmp_path, monkeypatch, warm, drawn_here):
    """Byte for byte, in workers started when the first chart is sent and in workers started ahead
    (``warm``: what survey report opens before its analysis)."""
    from dataclasses import asdict

    from report.chart_pool import chart_pool, collect
    from report.figures import likert_charts, make_charts

    res, areas, here = drawn_here
    monkeypatch.setenv("MINYI_THREADS", "2")
    with chart_pool(warm=warm) as pool:
        assert pool is not None
        drawn = {**make_charts(res, tmp_path / "pool", pool=pool), "likert": likert_charts(res, areas, tmp_path / "pool", pool=pool)}
        drawn = collect(drawn)
    assert list(drawn) == list(here) and len(here) >= 6

    def facts(c):
        d = asdict(c)
        return {k: v for k, v in d.items() if k not in ("png_path", "svg_path")}

    for k in here:
        for x, y in (zip(here[k], drawn[k]) if k == "likert" else [(here[k], drawn[k])]):
            assert facts(x) == facts(y), k
            assert y.png_path.read_bytes() == x.png_path.read_bytes()
            assert y.svg_path.exists()


def test_sections_count_on_the_progress_display(capsys):
    from survey import progress

    def slow(k):
        def f():
            time.sleep(0.25)
            return k
        return f

    with progress.shown(True, delay=0.0):
        time.sleep(0.2)  # the display starts on its timer thread
        out = run_sections({k: slow(k) for k in "abcd"}, n_threads=2, label="tables")
        time.sleep(0.2)
    err = capsys.readouterr().err
    assert out == {k: k for k in "abcd"}
    assert "tables (sections)" in err and "/4" in err


def test_the_report_counts_its_charts_and_names_each_file_on_the_progress_display(tmp_path, monkeypatch, capsys):
    """survey report's writing stage: "drawing the charts k/N" as the workers finish them (N = the charts
    drawn), then one stage per file written."""
    import re

    from report.chart_pool import chart_pool
    from report.render import render_all
    from survey import progress

    q = load_questionnaire(bundled_path())
    res = analyze(q, simulate(q, 600, seed=9), by=["site"])
    monkeypatch.setenv("MINYI_THREADS", "2")
    with progress.shown(True, delay=0.0):
        time.sleep(0.2)  # the display starts on its timer thread
        with chart_pool() as pool:
            assert pool is not None
            paths = render_all(res, tmp_path, formats=["html", "xlsx"], pool=pool)
    err = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", capsys.readouterr().err)
    n = len(list((tmp_path / "charts").glob("*.png")))
    assert n >= 6 and paths["html"].exists() and paths["xlsx"].exists()
    frames = [f for f in err.replace("\n", "\r").split("\r") if "drawing the charts" in f]
    assert any(re.search(rf"\b[1-9]\d*/{n}\b", f) for f in frames), frames
    assert all(int(k) <= n for f in frames for k in re.findall(rf"\b(\d+)/{n}\b", f))  # never past N
    assert "writing report.html" in err and "writing report.xlsx" in err


def test_a_broken_pool_draws_the_charts_here(tmp_path):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from report import charts as C
    from report.chart_pool import collect, counted, draw

    args = ("rates", "标题", ["甲", "乙"], [0.5, 0.7], [0.4, 0.6], [0.6, 0.8])
    here = C.bar_ci(*args, out_dir=tmp_path / "here")
    # workers that cannot start (their initializer fails): the pool breaks, as when a worker is killed
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=int, initargs=("x",))
    try:
        pending = draw(pool, C.bar_ci, *args, out_dir=tmp_path / "pool")
        done = []
        counted([pending], done.append)  # the broken chart is counted (and drawn below): no wait for ever
        assert done == [1]
        got = collect({"rates": pending})["rates"]
        assert draw(pool, C.bar_ci, *args, out_dir=tmp_path / "again").png == here.png  # broken at submit
    finally:
        pool.shutdown(wait=True)
    assert got.png == here.png and got.png_path.read_bytes() == here.png_path.read_bytes()


def test_worker_processes_only_for_the_command_or_when_asked(monkeypatch):
    from report import chart_pool as P

    monkeypatch.delenv("MINYI_THREADS", raising=False)
    monkeypatch.setattr(P, "_ALLOWED", [False])
    with P.chart_pool() as pool:
        assert pool is None  # a Python program using the library: drawn in its own process
    monkeypatch.setenv("MINYI_THREADS", "2")
    with P.chart_pool() as pool:
        assert pool is not None
    monkeypatch.setenv("MINYI_THREADS", "1")
    with P.chart_pool() as pool:
        assert pool is None


def test_the_command_runs_blas_on_one_thread_unless_the_user_chose():
    """survey (cli main) sets OPENBLAS_NUM_THREADS=1 before numpy loads; a value the user set, or
    OMP_NUM_THREADS, is kept; after numpy is loaded nothing is changed."""
    import os
    import subprocess
    import sys

    code = ("import os, sys; from report.sections import one_blas_thread; r = one_blas_thread(); "
            "import numpy; print(r, os.environ.get('OPENBLAS_NUM_THREADS'), os.environ.get('OMP_NUM_THREADS'), "
            "one_blas_thread())")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")}

    def run(**extra):
        return subprocess.run([sys.executable, "-c", code], env={**env, **extra}, capture_output=True,
                              text=True, check=True).stdout.split()

    assert run() == ["True", "1", "None", "False"]  # set; OMP (read by Arrow's pool) untouched; once only
    assert run(OPENBLAS_NUM_THREADS="2") == ["False", "2", "None", "False"]
    assert run(OMP_NUM_THREADS="3") == ["False", "None", "3", "False"]
    late = subprocess.run([sys.executable, "-c", "import numpy; from report.sections import one_blas_thread; "
                           "import os; print(one_blas_thread(), os.environ.get('OPENBLAS_NUM_THREADS'))"],
                          env=env, capture_output=True, text=True, check=True).stdout.split()
    assert late == ["False", "None"]

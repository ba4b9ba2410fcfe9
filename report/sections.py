"""Run the independent sections of an analysis on the machine's cores, keeping their order.

Once the responses are coded and the design built, the indicators and the sections of
:func:`report.pipeline.analyze` (group tests, hot issues, question tables, drivers, reliability, open
answers, ...) each read the same immutable frame and design and write nothing shared, so they can
run at once.  They run on threads: the frame is not copied, and most of the work is numpy (sorting,
reductions, bincount, matrix products), which releases the GIL; the jieba segmentation of the open
answers is pure Python and overlaps the numpy work of the other sections.  In the ``survey`` command
some of them run in a forked copy of the process instead (:mod:`report.section_worker`: the frame
shared copy-on-write, not copied), because two threads still wait for each other's GIL in the many
small steps between the numpy calls, and two processes do not.  Measured at 1,000,000 responses on
two cores in docs/scale.md.

``MINYI_THREADS`` sets the number of threads (1 = one after the other, in order, as before, and no
worker process); the default is the number of cores this process may use, at most
:data:`survey.cores.MAX_THREADS`.  The result is the same whatever the number: each section is a pure
function of its inputs, and the sections are returned in the order given.  The first section (in that
order) that raised has its exception re-raised, the ones not started yet are cancelled; a section that
raised in the worker process is run again in the caller after the others, and raises there.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Callable, Collection

from survey.cores import threads

BLAS_THREADS_ENV = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")  # not OMP_NUM_THREADS: Arrow's pool reads it


def one_blas_thread() -> bool:
    """Make the BLAS library that numpy loads use one thread (``OPENBLAS_NUM_THREADS=1``, and MKL's
    equivalent), unless the user set one of those or ``OMP_NUM_THREADS``; only possible before numpy
    is first imported (True when set).  The sections already keep the cores busy; their matrix products
    are small or tall and narrow, and a BLAS thread pool beside the section threads made the first
    ``survey analyze`` at 1M rows slower (14.8 s against 16.9 s, 19.3 s of CPU against 23.8 s, on two
    cores; docs/scale.md).  The ``survey`` command calls this at start."""
    if "numpy" in sys.modules or any(v in os.environ for v in (*BLAS_THREADS_ENV, "OMP_NUM_THREADS")):
        return False
    for v in BLAS_THREADS_ENV:
        os.environ[v] = "1"
    return True


def run_sections(tasks: dict[str, Callable[[], Any]], n_threads: int | None = None,
                 label: str = "", unit: str = "sections", apart: Collection[str] = ()) -> dict[str, Any]:
    """``{name: task()}`` for every task, in the order of ``tasks``; tasks start in that order, so
    put the longest first.  With one thread they run one after the other in this thread.  ``label``:
    a progress stage (:func:`survey.progress.stage`) counting the tasks done (``unit``), shown only
    where the command shows progress.

    ``apart``: tasks run in a forked worker process (:mod:`report.section_worker`; the caller checked
    with :func:`report.section_worker.usable` that one may be used), half the threads there and the
    rest here.  What they would have shared with the others through a memo (``ValidRows``,
    ``CodeCounts``) is made there again.  A task that fails in the worker is run again here after the
    others, so its error is raised here."""
    from survey.progress import stage

    n = threads() if n_threads is None else n_threads
    with stage(label or "sections", total=len(tasks), unit=unit) as advance:
        worker, apart = None, frozenset(apart)
        away = {k: f for k, f in tasks.items() if k in apart} if n > 1 else {}  # one thread: no worker
        if away and len(away) < len(tasks):
            from . import section_worker

            worker = section_worker.start(away, _on_threads, n // 2)
        here = {k: f for k, f in tasks.items() if worker is None or k not in away}
        try:
            out = _on_threads(here, n - (n // 2 if worker else 0), advance)
            got, failed = worker.results() if worker is not None else ({}, [])
        except BaseException:  # an error here, or Ctrl-C: the worker is not left running
            if worker is not None:
                worker.stop()
            raise
        advance(len(got))
        out.update(got)
        for k in failed:  # here, so that its error is raised as without the worker
            out[k] = tasks[k]()
            advance(1)
        return {k: out[k] for k in tasks}


def _on_threads(tasks: dict[str, Callable[[], Any]], n: int, advance: Callable[[int], None] = lambda _: None) -> dict:
    """``{name: task()}`` on ``n`` threads (one: in this thread, in order); the first task in order
    that raised has its exception re-raised, the ones not started yet are cancelled."""
    if n <= 1 or len(tasks) <= 1:
        out = {}
        for k, f in tasks.items():
            out[k] = f()
            advance(1)
        return out
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="minyi-section") as ex:
        futures = {k: ex.submit(f) for k, f in tasks.items()}
        try:
            for fut in as_completed(futures.values()):
                if fut.exception() is None:
                    advance(1)
            return {k: fut.result() for k, fut in futures.items()}
        except BaseException:
            for fut in futures.values():
                fut.cancel()
            raise

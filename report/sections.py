"""Run the independent sections of an analysis on the machine's cores, keeping their order.

Once the responses are coded and the design built, the indicators and the sections of
:func:`report.pipeline.analyze` (group tests, hot issues, question tables, drivers, reliability, open
answers, ...) each read the same immutable frame and design and write nothing shared, so they can
run at once.  They run on threads: the frame is not copied, and most of the work is numpy (sorting,
reductions, bincount, matrix products), which releases the GIL; the jieba segmentation of the open
answers is pure Python and overlaps the numpy work of the other sections.  In the ``survey`` command
some of them run in a forked copy of the process instead (:mod:`report.section_worker`: the frame
shared copy-on-write, not copied), because two threads still wait for each other's GIL in the many
small steps between the numpy calls, and two processes do not; the sections that either process may
run go to whichever is free first (:class:`Shared`).  Measured at 1,000,000 responses on two cores in
docs/scale-history.md.

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
    cores; docs/scale-history.md).  The ``survey`` command calls this at start."""
    if "numpy" in sys.modules or any(v in os.environ for v in (*BLAS_THREADS_ENV, "OMP_NUM_THREADS")):
        return False
    for v in BLAS_THREADS_ENV:
        os.environ[v] = "1"
    return True


class Shared:
    """Tasks that whoever is free first takes, in their order: a thread of this process or of the
    section worker, once it has run its own.  Their positions are bytes in a pipe filled (and its write
    end closed) before the worker is forked, so both processes read the same pipe: a read of one byte
    takes one task (the kernel hands each byte to one reader), and an empty pipe reads as its end.  So
    how the sections fall to the two processes follows their times on this machine and these data,
    not a split fixed in advance."""

    MAX = 255  # one byte per task; more tasks than this are run by the caller, in order

    def __init__(self, tasks: dict[str, Callable[[], Any]]):
        self.tasks = tasks
        self._names = list(tasks)[:self.MAX]
        self._stopped = False
        self._r, w = os.pipe()
        try:
            os.write(w, bytes(range(len(self._names))))
        finally:
            os.close(w)

    def rest(self) -> dict[str, Callable[[], Any]]:
        """The tasks beyond :data:`MAX`: the caller's own."""
        return {k: f for k, f in self.tasks.items() if k not in self._names}

    def using(self, tasks: dict[str, Callable[[], Any]]) -> "Shared":
        """The same queue (the same pipe), running ``tasks`` (the worker's wrapped ones) by name."""
        import copy

        other = copy.copy(self)
        other.tasks, other._stopped = tasks, False
        return other

    def take(self) -> str | None:
        """The name of the next task nobody has taken yet, or None."""
        if self._stopped:
            return None
        got = os.read(self._r, 1)
        return self._names[got[0]] if got else None

    def stop(self) -> None:
        """Take no more here (this process failed)."""
        self._stopped = True

    def close(self) -> None:
        os.close(self._r)


def run_sections(tasks: dict[str, Callable[[], Any]], n_threads: int | None = None,
                 label: str = "", unit: str = "sections", apart: Collection[str] = (),
                 either: Collection[str] = ()) -> dict[str, Any]:
    """``{name: task()}`` for every task, in the order of ``tasks``; tasks start in that order, so
    put the longest first.  With one thread they run one after the other in this thread.  ``label``:
    a progress stage (:func:`survey.progress.stage`) counting the tasks done (``unit``), shown only
    where the command shows progress.

    ``apart``: tasks run in a forked worker process (:mod:`report.section_worker`; the caller checked
    with :func:`report.section_worker.usable` that one may be used), half the threads there and the
    rest here.  ``either``: tasks that the worker or this process runs, whichever is free first once
    its own are done (:class:`Shared`, in their order: put the longest first); without a worker they
    are this process's.  What the tasks run in the worker would have shared with the others through a
    memo (``ValidRows``, ``CodeCounts``) is made there again, so the tasks that share one with this
    process's belong here.  A task that fails in the worker is run again here after the others, so
    its error is raised here."""
    from survey.progress import stage

    n = threads() if n_threads is None else n_threads
    with stage(label or "sections", total=len(tasks), unit=unit) as advance:
        worker, apart, either = None, frozenset(apart), frozenset(either)
        away = {k: f for k, f in tasks.items() if k in apart} if n > 1 else {}  # one thread: no worker
        shared = None
        if away and len(away) < len(tasks):
            from . import section_worker

            shared = Shared({k: f for k, f in tasks.items() if k in either and k not in apart})
            worker = section_worker.start({**away, **shared.tasks}, _worker_side(list(away), shared), n // 2)
            if worker is None:
                shared.close()
                shared = None
        here = {k: f for k, f in tasks.items() if worker is None or (k not in away and k not in shared.tasks)}
        if shared is not None:
            here.update(shared.rest())
        try:
            out = _on_threads(here, n - (n // 2 if worker else 0), advance, shared)
            got = worker.results() if worker is not None else {}
        except BaseException:  # an error here, or Ctrl-C: the worker is not left running
            if shared is not None:
                shared.stop()
            if worker is not None:
                worker.stop()
            raise
        finally:
            if shared is not None:
                shared.close()
        advance(len(got))
        out.update(got)
        for k in tasks:  # the worker's that did not come back: here, so that an error is raised as without it
            if k not in out:
                out[k] = tasks[k]()
                advance(1)
        return {k: out[k] for k in tasks}


def _worker_side(own: list[str], shared: Shared) -> Callable[[dict, int], dict]:
    """What the section worker runs (:func:`report.section_worker.start`): its own tasks, then the
    shared ones it takes, given the tasks as it wrapped them."""
    def run(wrapped: dict[str, Callable[[], Any]], n: int) -> dict:
        return _on_threads({k: wrapped[k] for k in own}, n, shared=shared.using(wrapped))
    return run


def _on_threads(tasks: dict[str, Callable[[], Any]], n: int, advance: Callable[[int], None] = lambda _: None,
                shared: Shared | None = None) -> dict:
    """``{name: task()}`` on ``n`` threads (one: in this thread, in order), then the tasks each thread
    takes from ``shared`` until none is left; the first task in order that raised has its exception
    re-raised, the ones not started yet are cancelled (and none more taken)."""

    def drain() -> dict:
        done: dict = {}
        while shared is not None and (k := shared.take()) is not None:
            try:
                done[k] = (True, shared.tasks[k]())
            except Exception as e:  # noqa: BLE001 - raised by the caller, in order
                done[k] = (False, e)
                shared.stop()
        return done

    def collect(out: dict, drained: list[dict]) -> dict:
        taken = {k: v for d in drained for k, v in d.items()}
        for k in (shared.tasks if shared is not None else ()):
            if k in taken:
                ok, v = taken[k]
                if not ok:
                    raise v
                out[k] = v
                advance(1)
        return out

    if n <= 1 or len(tasks) + (1 if shared is not None else 0) <= 1:
        out = {}
        try:
            for k, f in tasks.items():
                out[k] = f()
                advance(1)
        except BaseException:
            if shared is not None:
                shared.stop()
            raise
        return collect(out, [drain()])
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="minyi-section") as ex:
        futures = {k: ex.submit(f) for k, f in tasks.items()}
        drains = [ex.submit(drain) for _ in range(n)] if shared is not None else []
        try:
            for fut in as_completed(futures.values()):
                if fut.exception() is None:
                    advance(1)
            out = {k: fut.result() for k, fut in futures.items()}
            return collect(out, [d.result() for d in drains])
        except BaseException:
            if shared is not None:
                shared.stop()
            for fut in [*futures.values(), *drains]:
                fut.cancel()
            raise

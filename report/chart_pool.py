"""Draw a report's charts in worker processes, one per core, while keeping their order and content.

A report draws a dozen or more charts (matplotlib: text layout, the print-width fitting of
:func:`report.charts._fit_print`, the IPA label placement, PNG and SVG); that is most of the time of
``survey report`` once the analysis is cached, and it is pure Python holding the GIL, so threads do
not help.  Each chart is a function of plain data (:mod:`report.charts`) returning a picklable
:class:`~report.charts.Chart`, so the calls go to a :class:`~concurrent.futures.ProcessPoolExecutor`
(``spawn``: no fork of a process that holds DuckDB or BLAS threads) and the caller collects them.

:func:`chart_pool` yields None (draw in this process, one after the other) when one thread is
allowed (``MINYI_THREADS=1``, see :mod:`report.sections`), when worker processes cannot be started,
and in a program other than the ``survey`` command unless ``MINYI_THREADS`` is set
(:func:`allow_worker_processes`).  A chart whose pool broke (a worker killed) is drawn here instead.  Drawing is
deterministic, so a chart drawn in a worker is the chart drawn here, byte for byte (tested).
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterator, Optional

from .sections import threads


_ALLOWED = [False]


def allow_worker_processes() -> None:
    """Let :func:`chart_pool` start worker processes: the ``survey`` command calls this.  A Python
    program that uses the library draws in its own process unless ``MINYI_THREADS`` is set, because
    a ``spawn`` worker imports the program's main module again, and a script without
    ``if __name__ == "__main__":`` would run once more in every worker."""
    _ALLOWED[0] = True


@contextlib.contextmanager
def chart_pool(shared: Optional[Any] = None, *, warm: bool = False) -> Iterator[Optional[Any]]:
    """A process pool for :func:`draw` (None: draw in this process).

    ``shared``: a pool the caller opened (yielded as it is and left open).  ``warm``: start the
    workers now, each importing the chart code and loading the fonts (:func:`_warm`, about a second
    of a worker's start), so that a caller who opens the pool before a long computation — ``survey
    report`` before its analysis, which leaves a core partly idle — finds them ready."""
    if shared is not None:
        yield shared
        return
    n = threads()
    pool = worker_pool(n)
    if pool is None:
        yield None
        return
    try:
        if warm:
            for _ in range(n):  # one task per worker: each submit starts a worker while none is idle
                pool.submit(_warm)
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def worker_pool(n: int) -> Optional[Any]:
    """A ``spawn`` process pool of ``n`` workers, each set up by :func:`_worker_start`, or None: one
    thread allowed, a library caller that did not set ``MINYI_THREADS`` (:func:`allow_worker_processes`),
    or no processes can be started here.  The charts' pool and jieba's worker (:mod:`report.segmenter`)."""
    import os

    if threads() <= 1 or not (_ALLOWED[0] or os.environ.get("MINYI_THREADS", "").strip()):
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        return ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_start)
    except (OSError, NotImplementedError, ValueError):  # pragma: no cover - no processes allowed here
        return None


def _warm() -> None:
    """A worker's start: import the chart code and lay out a line of CJK text once (the font files
    read, matplotlib's caches filled); the charts drawn afterwards are the same bytes (tested)."""
    import matplotlib.pyplot as plt

    from . import charts, point_labels  # noqa: F401  (imported for their start-up cost)

    charts._style()
    fig = plt.figure(figsize=(1, 1))
    fig.text(0, 0, "民意调查 0.9%")
    fig.draw_without_rendering()
    plt.close(fig)


def _worker_start() -> None:
    """A worker's set-up (the initializer of every worker process of the command, here and in
    :mod:`report.segmenter`):

    * it ignores Ctrl-C (the terminal sends it to the whole process group): the command stops the
      pool and reports the interruption once, without a traceback from each worker;
    * it ends when the command's process ends, however that ends.  A pool's worker waits on a queue
      whose pipe it holds both ends of, so a command killed (``kill -9``, the OOM killer) left its idle
      workers behind for good; a thread now waits on the parent's sentinel and exits the worker."""
    import multiprocessing
    import os
    import signal
    import threading
    from multiprocessing.connection import wait

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        def exit_with_parent() -> None:
            wait([parent.sentinel])
            os._exit(0)

        threading.Thread(target=exit_with_parent, name="minyi-parent-watch", daemon=True).start()


class Pending:
    """A chart being drawn in a worker: its Future and the call, so that it can be drawn here instead
    when the pool broke (a worker killed, or a script without ``if __name__ == "__main__":`` whose
    workers cannot start under ``spawn``)."""

    def __init__(self, future: Future, fn: Callable, args: tuple, kwargs: dict):
        self.future, self.fn, self.args, self.kwargs = future, fn, args, kwargs

    def result(self):
        try:
            return self.future.result()
        except BrokenProcessPool:
            return self.fn(*self.args, **self.kwargs)


def draw(pool, fn: Callable, *args, **kwargs):
    """``fn(*args, **kwargs)`` now (no pool, or a broken one) or in a worker (a :class:`Pending` that
    :func:`collect` resolves)."""
    if pool is None:
        return fn(*args, **kwargs)
    try:
        return Pending(pool.submit(fn, *args, **kwargs), fn, args, kwargs)
    except (BrokenProcessPool, RuntimeError):  # broken, or shut down
        return fn(*args, **kwargs)


def collect(value):
    """``value`` with every :class:`Pending` chart in it (a dict's values, a list's items, or itself)
    replaced by its result; a chart's error is raised here."""
    if isinstance(value, Pending):
        return value.result()
    if isinstance(value, dict):
        return {k: collect(v) for k, v in value.items()}
    if isinstance(value, list):
        return [collect(v) for v in value]
    return value


def pending(*values) -> list[Pending]:
    """Every :class:`Pending` chart in ``values`` (dicts' values and lists' items, as :func:`collect` walks them)."""
    out: list[Pending] = []
    for v in values:
        if isinstance(v, Pending):
            out.append(v)
        elif isinstance(v, dict):
            out.extend(pending(*v.values()))
        elif isinstance(v, list):
            out.extend(pending(*v))
    return out


def counted(charts: list[Pending], done: Callable[[float], None]) -> None:
    """Call ``done(1)`` as each chart in ``charts`` is finished, in the order the workers finish them (the
    report's progress: "drawing the charts 12/40"); returns when all are.  A chart the pool could not draw
    is counted here too: :func:`collect` draws it, or raises its error, afterwards."""
    if not charts:
        return
    left = [len(charts)]
    lock = threading.Lock()
    finished = threading.Event()

    def one(_future: Future) -> None:  # on the pool's thread, after the Future is done
        try:
            done(1)
        finally:
            with lock:
                left[0] -= 1
                if not left[0]:
                    finished.set()

    for c in charts:
        c.future.add_done_callback(one)
    finished.wait()  # not concurrent.futures.wait: a Future's waiters wake before its callbacks have run

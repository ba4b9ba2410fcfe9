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
def chart_pool() -> Iterator[Optional[Any]]:
    """A process pool for :func:`draw` (None: draw in this process)."""
    import os

    n = threads()
    if n <= 1 or not (_ALLOWED[0] or os.environ.get("MINYI_THREADS", "").strip()):
        yield None
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_start)
    except (OSError, NotImplementedError, ValueError):  # pragma: no cover - no processes allowed here
        yield None
        return
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_start() -> None:
    """A worker ignores Ctrl-C (the terminal sends it to the whole process group): the command stops
    the pool and reports the interruption once, without a traceback from each worker."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


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

"""Draw a report's charts in worker processes, one per core, while keeping their order and content.

A report draws a dozen or more charts (matplotlib: text layout, the print-width fitting of
:func:`report.charts._fit_print`, the IPA label placement, PNG and SVG); that is most of the time of
``survey report`` once the analysis is cached, and it is pure Python holding the GIL, so threads do
not help.  Each chart is a function of plain data (:mod:`report.charts`) returning a picklable
:class:`~report.charts.Chart`, so the calls go to a :class:`~concurrent.futures.ProcessPoolExecutor`
(``spawn``: no fork of a process that holds DuckDB or BLAS threads) and the caller collects them.

:func:`chart_pool` yields None (draw in this process, one after the other) when one thread is
allowed (``MINYI_THREADS=1``, see :mod:`report.sections`; the test suite sets it, since its own
workers already use every core) or when worker processes cannot be started.  Drawing is
deterministic, so a chart drawn in a worker is the chart drawn here, byte for byte (tested).
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Future
from typing import Any, Callable, Iterator, Optional

from .sections import threads


@contextlib.contextmanager
def chart_pool() -> Iterator[Optional[Any]]:
    """A process pool for :func:`draw` (None: draw in this process)."""
    n = threads()
    if n <= 1:
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


def draw(pool, fn: Callable, *args, **kwargs):
    """``fn(*args, **kwargs)`` now (no pool) or in a worker (a Future; :func:`collect` resolves it)."""
    if pool is None:
        return fn(*args, **kwargs)
    return pool.submit(fn, *args, **kwargs)


def collect(value):
    """``value`` with every Future in it (a dict's values, a list's items, or itself) replaced by its
    result; a chart's error is raised here."""
    if isinstance(value, Future):
        return value.result()
    if isinstance(value, dict):
        return {k: collect(v) for k, v in value.items()}
    if isinstance(value, list):
        return [collect(v) for v in value]
    return value

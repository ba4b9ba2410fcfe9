"""Word segmentation of the open answers (jieba), loaded ahead of the analysis that needs it.

jieba's dictionary takes about half a second of pure Python to load (more on a busy machine), and the
load holds the GIL: in a thread beside the read and the section threads it slowed them by as much as
it took (about 1 s of the first ``survey analyze`` at 1M).  So :func:`preload` starts it in a worker
process (``spawn``, as :mod:`report.chart_pool` does, and only where that module allows worker
processes: the ``survey`` command with more than one thread), where it runs on the core the analysis
leaves partly idle; :func:`top_words` then sends the distinct answers there and gets the counts back.
``survey analyze`` starts it before its own imports (one core is idle then), ahead of knowing
whether the questionnaire has an open question; :func:`discard` stops it when it has none.
Elsewhere (a library caller, ``MINYI_THREADS=1``, processes not allowed or the worker gone) the
dictionary loads in a background thread of this process, and the words are counted here: the same
counts either way (jieba is deterministic; tested).
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from typing import Any, Iterator, Optional, Sequence

_POOL: list = [None]  # the worker process started by preload(), until top_words() uses it
_LOCK = threading.Lock()


def _jieba():
    """jieba with its log quiet (the dictionary loads on first use)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _load() -> None:
    """Load the dictionary (in the worker, or in a background thread here)."""
    try:
        _jieba().initialize()
    except Exception:  # noqa: BLE001 - the segmentation itself reports it
        pass


def preload() -> None:
    """Start loading the dictionary now: in a worker process when allowed (module docstring), else in a
    background thread of this process."""
    from .chart_pool import worker_pool

    with _LOCK:
        if _POOL[0] is not None:
            return
        pool = worker_pool(1)  # set up as the chart workers are: no Ctrl-C traceback, ends with this process
        if pool is not None:
            try:
                pool.submit(_load)
                _POOL[0] = pool
                return
            except (OSError, RuntimeError):  # pragma: no cover - the worker could not start
                pool.shutdown(wait=False, cancel_futures=True)
    threading.Thread(target=_load, name="minyi-jieba", daemon=True).start()


@contextlib.contextmanager
def ahead(start: bool = True) -> Iterator[None]:
    """:func:`preload` now (when ``start``), and :func:`discard` a worker left unused on the way out (no
    open question, an error): the process does not wait at exit for a dictionary nobody needs."""
    if start:
        preload()
    try:
        yield
    finally:
        discard()


def _take() -> Optional[Any]:
    """The worker :func:`preload` started, now the caller's to use and shut down (None: there is none)."""
    with _LOCK:
        pool, _POOL[0] = _POOL[0], None
    return pool


def discard() -> None:
    """Stop a worker :func:`preload` started ahead of knowing the questionnaire has an open question."""
    pool = _take()
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def count_words(answers: Sequence[tuple[str, int]], n: int, stopwords: frozenset) -> list[tuple[str, int]]:
    """The ``n`` most frequent words of the distinct ``answers`` (text, how many respondents gave it),
    each word counted as often as its answer occurs: words of two characters or more, not a stop word,
    not a number, with a letter (ties in order of first appearance, as ``Counter.most_common``)."""
    jieba = _jieba()
    counter: Counter = Counter()
    for t, c in answers:
        for wd in jieba.lcut(t):
            wd = wd.strip()
            if len(wd) >= 2 and wd not in stopwords and not wd.isdigit() and any(ch.isalpha() for ch in wd):
                counter[wd] += int(c)
    return counter.most_common(n)


def top_words(answers: Sequence[tuple[str, int]], n: int, stopwords: frozenset) -> list[tuple[str, int]]:
    """:func:`count_words`, in the worker :func:`preload` started when there is one (then shut down),
    else in this process."""
    pool = _take()
    if pool is not None:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return pool.submit(count_words, list(answers), n, stopwords).result()
        except (BrokenProcessPool, OSError):  # the worker was killed: count here
            pass
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
    return count_words(answers, n, stopwords)

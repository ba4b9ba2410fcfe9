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
counts either way (jieba is deterministic; tested).  Either way the dictionary is read from minyi's
cache when there is one (:func:`_load_prefix_dict`: 0.15–0.2 s of CPU instead of jieba's 0.45–0.7 s;
on one thread that is time the analysis waits).  The Word report's short table cells break between the same
tokenizer's words (:func:`cut`, :mod:`report.writers.docx_lines`), in the writing process, loading the
dictionary there only when such a cell wraps.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

_POOL: list = [None]  # the worker process started by preload(), until top_words() uses it
_LOCK = threading.Lock()
_LOAD_LOCK = threading.Lock()


def _jieba():
    """jieba with its log quiet (the dictionary loads on first use)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _cache_file(jieba) -> Optional[Path]:
    """The cache file of jieba's bundled dictionary in ``~/.cache/minyi/jieba`` (:mod:`report.user_cache`),
    named for jieba's version and the dictionary file's size and time (a new jieba or dictionary gets a
    new file); None for a tokenizer on another dictionary."""
    import hashlib

    from .user_cache import user_cache_dir

    if jieba.dt.dictionary != jieba.DEFAULT_DICT:
        return None
    st = (Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME).stat()
    key = hashlib.sha256(f"{jieba.__version__}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:24]
    return user_cache_dir("jieba") / f"prefix-{key}.npz"


def _load_prefix_dict(jieba) -> bool:
    """Set jieba's default tokenizer to its bundled dictionary read from :func:`_cache_file`: the
    words of its prefix dictionary as one UTF-8 text and their counts (and jieba's total) as one
    integer array, made into the dictionary by one ``dict(zip(...))``.  jieba's own cache (a
    ``marshal`` of that dictionary, about half a million entries) takes about three times as long to
    load (0.45–0.7 s against 0.15–0.2 s): that difference is CPU taken from the analysis running
    beside it.  The words and counts are exactly jieba's (``FREQ`` and ``total``, tested), so the
    segmentation is the same.  False (jieba then loads its own way) when there is no cache yet or it
    cannot be read."""
    import numpy as np

    path = _cache_file(jieba)
    if path is None:
        return False
    try:
        with np.load(path, allow_pickle=False) as z:
            words, counts = z["words"].tobytes().decode("utf-8").split("\n"), z["counts"]
    except Exception:  # noqa: BLE001 - missing, truncated, foreign: jieba's own load
        return False
    if counts.ndim != 1 or len(words) + 1 != counts.size:  # a foreign or damaged file: jieba's own load
        return False
    dt = jieba.dt
    with dt.lock:
        if not dt.initialized:
            dt.FREQ, dt.total = dict(zip(words, counts[:-1].tolist())), int(counts[-1])
            dt.initialized = True
    return True


def _save_prefix_dict(jieba) -> None:
    """Write the loaded prefix dictionary of jieba's default tokenizer to :func:`_cache_file`
    (:func:`survey.atomic.atomic_write`: whole or not at all; a failure only means jieba loads its own
    way next time)."""
    import numpy as np

    from survey.atomic import atomic_write
    from survey.errors import MinyiError

    path = _cache_file(jieba)
    dt = jieba.dt
    if path is None or not dt.initialized or any("\n" in w for w in dt.FREQ):
        return
    words = np.frombuffer("\n".join(dt.FREQ).encode("utf-8"), dtype=np.uint8)
    counts = np.array([*dt.FREQ.values(), dt.total], dtype=np.int64)
    with contextlib.suppress(MinyiError):  # a folder it cannot write to
        atomic_write(path, lambda tmp: np.savez(tmp, words=words, counts=counts))


def _load() -> None:
    """Load the dictionary (in the worker, or in a background thread here): from minyi's cache when it
    has one (:func:`_load_prefix_dict`), else jieba's own way, then kept for the next run."""
    with _LOAD_LOCK:  # one load, whichever thread asks first
        try:
            jieba = _jieba()
            if not jieba.dt.initialized and not _load_prefix_dict(jieba):
                jieba.initialize()
                _save_prefix_dict(jieba)
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


def cut(text: str) -> list[str]:
    """``text`` in jieba's words (its default tokenizer, HMM on, as :func:`count_words`), the dictionary loaded
    once per process by :func:`_load` (minyi's cache); for the Word report's cell line breaks
    (:mod:`report.writers.docx_lines`), which run in this process after the analysis's worker is gone."""
    _load()
    return _jieba().lcut(text)


def count_words(answers: Sequence[tuple[str, int]], n: int, stopwords: frozenset) -> list[tuple[str, int]]:
    """The ``n`` words the most respondents used, from the distinct ``answers`` (text, how many respondents gave
    it): each word counted once per answer, times the respondents who gave it (增加养老机构和社区养老服务 counts
    养老 once: counting its two occurrences put 养老 above words more people wrote); words of two characters or
    more, not a stop word, not a number, with a letter (ties in order of first appearance, as
    ``Counter.most_common``)."""
    _load()  # at once when loaded ahead (preload)
    jieba = _jieba()
    counter: Counter = Counter()
    for t, c in answers:
        for wd in dict.fromkeys(jieba.lcut(t)):  # once per answer: the count is of respondents
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

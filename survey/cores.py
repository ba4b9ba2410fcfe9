"""How many threads minyi's own parallel work may use (the analysis sections, the checks' answer hashes).

``MINYI_THREADS`` when set (≥ 1; 1 = everything one after the other), else the cores this process may
use, at most :data:`MAX_THREADS`.  Results never depend on the number: the work split across threads
is split the same way when it runs on one.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Sequence

MAX_THREADS = 4  # beyond this the sections, a dozen of uneven cost, gain nothing
PARALLEL_ROWS = 50_000  # fewer rows: one thread (a second costs more than it saves; :func:`in_two`)


def threads() -> int:
    """Threads for minyi's parallel steps: ``MINYI_THREADS`` when set (≥ 1), else the usable cores
    (at most :data:`MAX_THREADS`)."""
    env = os.environ.get("MINYI_THREADS", "").strip()
    if env.isdigit() and int(env) >= 1:
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_THREADS, cores))


def in_two(work: Callable[[Any], Any], parts: Sequence, n_rows: int, name: str = "minyi") -> list:
    """``[work(part) for part in parts]`` (two parts of a step's work over ``n_rows`` rows), the parts on two
    threads when there are (:func:`threads`), the rows are :data:`PARALLEL_ROWS` or more and neither part is
    empty — else one after the other.  For numpy work, which releases the GIL; the parts are the same
    either way, so is the result.  The import's code conversion and row checks, the read's compaction
    (the checks' answer hashes gained nothing from it: docs/scale-history.md, nineteenth session)."""
    if threads() > 1 and n_rows >= PARALLEL_ROWS and len(parts) == 2 and all(len(p) for p in parts):
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2, thread_name_prefix=name) as ex:
            return list(ex.map(work, parts))
    return [work(p) for p in parts]


def halves(items: Sequence, size: Callable[[Any], float] = lambda _: 1) -> list:
    """``items`` in two consecutive parts of about equal total ``size`` (each item 1 by default; order
    kept): the first part ends at the first item where half the total is reached."""
    items = list(items)
    total = sum(size(i) for i in items)
    acc, cut = 0.0, len(items)
    for k, i in enumerate(items):
        if acc >= total / 2:
            cut = k
            break
        acc += size(i)
    return [items[:cut], items[cut:]]

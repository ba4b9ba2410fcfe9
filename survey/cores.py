"""How many threads minyi's own parallel work may use (the analysis sections, the checks' answer hashes).

``MINYI_THREADS`` when set (≥ 1; 1 = everything one after the other), else the cores this process may
use, at most :data:`MAX_THREADS`.  Results never depend on the number: the work split across threads
is split the same way when it runs on one.
"""

from __future__ import annotations

import os

MAX_THREADS = 4  # beyond this the sections, a dozen of uneven cost, gain nothing
PARALLEL_ROWS = 50_000  # fewer rows: one thread (a second costs more than it saves) — the import's code
# conversion and row checks, the checks' answer hashes, survey.reading's compaction


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

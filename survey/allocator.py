"""The C allocator's policy for a command: keep freed memory for the next array instead of giving it back.

NumPy and pandas allocate their arrays with the C library's ``malloc``.  glibc's defaults serve a block
of more than 128 KiB with its own ``mmap`` and give it back with ``munmap`` when freed (the threshold rises
to the size of a freed block, but a request of that same size is still mapped anew), return the top of
the heap to the kernel beyond 128 KiB, and give each thread an arena whose heaps are unmapped once free.
An analysis of 1,000,000 responses makes thousands of short-lived column-sized arrays (4–8 MB each), so
nearly every one is new memory that the kernel maps page by page, at about 3.5 µs a page on the 2-core
VM of the benchmarks.  :func:`keep_freed_memory` keeps freed blocks of up to 32 MiB for the next array.
Measured there, ``survey analyze p --by site --json`` of 1,000,000 responses whose checks are stored (no
cached result), three runs each, glibc's defaults against this policy:

* page faults: 1.15–1.16 million → 0.69–0.76 million;
* kernel time: 5.7–7.9 s → 4.0–5.5 s (CPU time the other core can use);
* peak RSS: 2.60–2.80 GB → 2.58–2.61 GB;
* wall clock: 15.3–17.9 s → 15.5–17.4 s (no difference beyond the run-to-run spread).

With thresholds of 1 GiB the faults fell further (0.61 million) but the peak RSS rose to 2.95 GB, near
the report's 3 GB target: 32 MiB and 256 MiB keep the column-sized arrays and give larger blocks back.

:func:`keep_freed_memory` sets glibc's ``M_MMAP_THRESHOLD``, ``M_TRIM_THRESHOLD`` and ``M_ARENA_MAX`` with
``mallopt`` (the run-time form of the ``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_`` and
``MALLOC_ARENA_MAX`` tunables; glibc manual, "Memory Allocation Tunables").  The command-line program
calls it at start; elsewhere (another C library, a platform without ``mallopt``) it does nothing.  A
value the user set through those environment variables is left as it is.
"""

from __future__ import annotations

import os
import sys

M_TRIM_THRESHOLD = -1   # glibc malloc.h
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 32 * 1024 * 1024  # blocks up to 32 MiB (4M float64) from the heap; larger ones mapped
TRIM_THRESHOLD = 256 * 1024 * 1024  # free space kept at the top of the heap before it is given back
ARENA_MAX = 1  # the analysis threads share the main heap: a thread's own arena unmaps a heap once it is free

_done = False


def keep_freed_memory() -> bool:
    """Make glibc keep freed blocks of up to 32 MiB for reuse (module docstring); True when it was set."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return False
    _done = True
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt), or no C library to load
        return False
    ok = True
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        ok = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and ok
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        ok = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
    if "MALLOC_ARENA_MAX" not in os.environ:
        ok = mallopt(M_ARENA_MAX, ARENA_MAX) == 1 and ok
    return ok

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

:func:`no_huge_page_advice` turns off NumPy's request for transparent huge pages.  NumPy advises the
kernel (``madvise(MADV_HUGEPAGE)``) to back every array of 4 MiB or more with 2 MiB pages, unless
``NUMPY_MADVISE_HUGEPAGE=0`` (NumPy's documented switch, read when NumPy is imported).  With the kernel's
default ``/sys/kernel/mm/transparent_hugepage/defrag`` = ``madvise``, a page fault in such a region
compacts memory on the spot to find a huge page.  On the 2-core benchmark VM (kernel 6.18) filling one
new 800 MB array took 7.9 s with the advice and 0.35 s without it; the first ``survey analyze`` of
1,000,000 responses took 6.15–6.70 s with it and 5.90–6.04 s without (four alternating runs each, kernel
time 1.4–2.5 s against 1.1–1.3 s), and ``survey import`` of the same file 8.1–8.5 s against 7.7–7.9 s
(docs/scale.md).  The command-line program calls it at start, before NumPy loads; a value the user set
is left as it is.
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


HUGEPAGE_ENV = "NUMPY_MADVISE_HUGEPAGE"


def no_huge_page_advice() -> bool:
    """Make NumPy stop asking for transparent huge pages (module docstring): ``NUMPY_MADVISE_HUGEPAGE=0``
    before NumPy is imported, NumPy's own switch after; True when set.  A value the user set is kept."""
    if HUGEPAGE_ENV in os.environ:
        return False
    os.environ[HUGEPAGE_ENV] = "0"  # read by NumPy at import; inherited by the worker processes
    np = sys.modules.get("numpy")
    if np is not None:  # already loaded: the switch its import set from the environment
        core = getattr(np, "_core", None) or getattr(np, "core", None)
        setter = getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)
        if setter is None:
            return False
        setter(False)
    return True

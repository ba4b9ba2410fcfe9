"""The Arrow memory pool used for large reads: jemalloc (or the system allocator), not pyarrow's default mimalloc.

Measured on the 2-core Linux VM of the benchmarks (300,000 × 205-column CSV, ``pyarrow.csv.read_csv`` with
the native reader's column types, then the int16 → float32 casts): with mimalloc the process spent 1.8–4.4 s
in the kernel (page faults: mimalloc gives freed pages back and touches new ones), and the casts after the
read took 1.4–1.8 s; with jemalloc or the system allocator, 0.5–0.9 s of kernel time and 0.26 s for the
casts.  ``survey import`` of that file went from 1.8–1.9 s to 0.7–0.8 s of kernel time, with a lower peak RSS.

:func:`use_fast_pool` switches the process's default pool once, before the first large allocation.  A pool
the user chose with the ``ARROW_DEFAULT_MEMORY_POOL`` environment variable is left as it is.
"""

from __future__ import annotations

import os

_done = False


def use_fast_pool() -> None:
    """Make jemalloc (else the system allocator) pyarrow's default memory pool, unless the user chose one."""
    global _done
    if _done or os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    _done = True
    import pyarrow as pa

    if pa.default_memory_pool().backend_name != "mimalloc":
        return
    try:
        pool = pa.jemalloc_memory_pool()
    except (NotImplementedError, AttributeError, pa.ArrowNotImplementedError):  # a build without jemalloc
        pool = pa.system_memory_pool()
    pa.set_memory_pool(pool)

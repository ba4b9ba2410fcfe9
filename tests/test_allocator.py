"""The C allocator's policy of a command (survey/allocator.py): freed column-sized arrays are reused, not
mapped again page by page; a threshold the user set in the environment is left as it is.  Each case runs
in its own process (the policy is the process's)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import resource, sys
import numpy as np
if sys.argv[1] == "1":
    from survey.allocator import keep_freed_memory
    keep_freed_memory()
cols = [np.ones(1_000_000) for _ in range(20)]  # 20 columns of 1,000,000 float64 (160 MB), freed, made again
del cols
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
cols = [np.ones(1_000_000) for _ in range(20)]
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def page_faults(keep: bool, **env) -> int:
    out = subprocess.run([sys.executable, "-c", PROBE, "1" if keep else "0"], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env}, check=True)
    return int(out.stdout.split()[-1])


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")


def test_freed_columns_are_reused_without_new_pages():
    assert page_faults(False) > 5_000  # glibc's default: every 8 MB block mapped again (20,000+ here)
    assert page_faults(True) < 500


def test_a_threshold_the_user_set_is_kept():
    assert page_faults(True, MALLOC_MMAP_THRESHOLD_="131072") > 5_000

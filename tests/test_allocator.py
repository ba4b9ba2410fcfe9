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


HUGE = """
import sys
if sys.argv[1] == "late":
    import numpy
from survey.allocator import no_huge_page_advice
r = no_huge_page_advice()
import numpy
core = getattr(numpy, "_core", None) or numpy.core
print(r, core.multiarray._set_madvise_hugepage(True))  # returns the setting it replaces
"""


def huge_page_advice(when: str, **env) -> str:
    out = subprocess.run([sys.executable, "-c", HUGE, when], capture_output=True, text=True, cwd=ROOT,
                         env={**{k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"},
                              "PYTHONPATH": str(ROOT), **env}, check=True)
    return out.stdout.split("\n")[0]


def test_numpy_stops_asking_for_huge_pages():
    assert huge_page_advice("early") == "True False"  # before NumPy loads: its own environment switch
    assert huge_page_advice("late") == "True False"  # after: NumPy's switch
    assert huge_page_advice("early", NUMPY_MADVISE_HUGEPAGE="1") == "False True"  # the user's choice kept


def test_the_command_turns_the_advice_off():
    """``survey`` calls it before NumPy loads: a command that uses NumPy runs with the advice off."""
    code = ("import sys, cli; sys.argv = ['survey', '--version']; cli._app._exit.called_from_console = False; "
            "cli.main(); import numpy, os; core = getattr(numpy, '_core', None) or numpy.core; "
            "print(os.environ.get('NUMPY_MADVISE_HUGEPAGE'), core.multiarray._set_madvise_hugepage(True))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**{k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"},
                              "PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.split("\n")[-2] == "0 False"

"""C readers on hostile files cannot take the process down (survey.isolated, survey.tabular.read_sav_table).

Before: pyreadstat ran in the importing process, so a .sav whose header claims huge sizes could use many
gigabytes or crash the interpreter (SIGSEGV).  Now it runs in a forked child capped by ``reader_memory`` and
``reader_seconds``; a crash, an allocation failure or a hang becomes one message naming the limit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from survey.errors import MinyiError
from survey.isolated import Failed, run_isolated
from survey.limits import Limits
from survey.tabular import read_sav_table

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


def _segfault():
    os.kill(os.getpid(), signal.SIGSEGV)


def _allocate(n):
    return len(bytearray(n))


def _sleep():
    time.sleep(30)


def _raise():
    raise ValueError("boom")


def test_a_crashing_reader_is_contained():
    with pytest.raises(Failed) as e:
        run_isolated(_segfault, memory_bytes=1e9, seconds=20)
    assert e.value.outcome.kind == "signal" and e.value.outcome.detail == "SIGSEGV"


def test_memory_is_capped_and_results_come_back():
    assert run_isolated(_allocate, 10_000_000, memory_bytes=500_000_000, seconds=20) == 10_000_000
    with pytest.raises(Failed) as e:
        run_isolated(_allocate, 3_000_000_000, memory_bytes=200_000_000, seconds=20)
    assert e.value.outcome.kind == "memory"


def test_a_hanging_reader_is_stopped():
    t = time.monotonic()
    with pytest.raises(Failed) as e:
        run_isolated(_sleep, memory_bytes=1e8, seconds=1)
    assert e.value.outcome.kind == "timeout" and time.monotonic() - t < 10


def test_other_exceptions_become_failed():
    with pytest.raises(Failed) as e:
        run_isolated(_raise, memory_bytes=1e8, seconds=10)
    assert "ValueError: boom" in e.value.outcome.detail


def test_sav_reads_in_child_and_limit_message_names_option(tmp_path):
    t = read_sav_table(DATA / "wjx_by_code.sav")
    assert len(t.frame) > 0 and t.kind == "sav"
    # a file whose data need far more than the budget: the child cannot map it (a small file could be
    # read inside memory the process had already reserved, whatever the budget)
    import numpy as np
    import pandas as pd
    import pyreadstat

    big = tmp_path / "big.sav"
    pyreadstat.write_sav(pd.DataFrame(np.random.default_rng(1).random((200_000, 30)),
                                      columns=[f"v{i}" for i in range(30)]), str(big))
    with pytest.raises(MinyiError) as e:
        read_sav_table(big, Limits({"reader_memory": 1000}))
    msg = str(e.value)
    assert "reader_memory" in msg and "--limit reader_memory=" in msg and "big.sav" in msg


def test_cli_limit_option_reaches_the_reader(tmp_path):
    q = DATA / "wjx_questionnaire.yaml"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = lambda *a: subprocess.run([sys.executable, "-m", "cli", *a], capture_output=True, text=True, env=env,
                                    timeout=120)
    r = run("init", str(tmp_path / "p"), "--questionnaire", str(q))
    assert r.returncode == 0, r.stderr
    r = run("--limit", "reader_memory=1000", "import", str(tmp_path / "p"), str(DATA / "wjx_by_code.sav"))
    assert r.returncode == 1 and "reader_memory" in r.stderr and "internal error" not in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


CHILD_OUTLIVES = """
import os, sys, time
from survey.isolated import run_isolated

def busy(path):
    open(path, "w").write(str(os.getpid()))
    time.sleep(60)

run_isolated(busy, sys.argv[1], memory_bytes=1e9, seconds=60)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie (reaped by init soon) counts as gone
        return fh.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_reader_child_dies_with_an_import_killed_by_sigkill(tmp_path):
    """kill -9 of the importing process ends the reader child at once; before, a reader busy on a hostile file
    ran on until its reader_seconds budget (600 s by default)."""
    marker = tmp_path / "child.pid"
    proc = subprocess.Popen([sys.executable, "-c", CHILD_OUTLIVES, str(marker)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 30
    while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(marker.read_text())
    assert _alive(child)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)

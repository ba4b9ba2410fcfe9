"""A child process that runs one step on a project and is killed (SIGKILL) at a chosen moment: when its connection to
the project store has executed a statement starting with a given text (``"COMMIT"``: after the transaction
committed; ``"INSERT INTO responses"``: inside the open transaction).  The child writes the marker file at that
moment and waits to be killed; :func:`kill_when_paused` waits for the marker and kills it.  The step is real
minyi code: only the connection is wrapped, to pause after the statement has run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# argv: project folder, statement prefix, marker file, the step's own arguments (argv[4:])
TEMPLATE = """
import sys, time
from survey.store import Project

p = Project.open(sys.argv[1])
real = p.connect
AT_CLOSE = sys.argv[2].startswith("close:")
AFTER = sys.argv[2][len("close:"):] if AT_CLOSE else sys.argv[2]


def pause(sql):
    # tell the test, then wait to be killed, or until the test lets the step go on (marker + ".go")
    open(sys.argv[3], "w").write(sql)
    t0 = time.time()
    while time.time() - t0 < 120:
        try:
            open(sys.argv[3] + ".go").close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("never let go on")


class Pausing:
    # forwards to the real DuckDB connection; after the statement ran it tells the test and waits to be killed
    def __init__(self, con):
        self._con = con

    def execute(self, sql, *args):
        out = self._con.execute(sql, *args)
        if isinstance(sql, str) and sql.startswith(AFTER):
            if AT_CLOSE:
                self._matched = sql
            else:
                pause(sql)
        return out

    def close(self):
        self._con.close()
        if getattr(self, "_matched", None):
            pause(self._matched)

    def __getattr__(self, name):
        return getattr(self._con, name)


p.connect = lambda: Pausing(real())
args = sys.argv[4:]
"""


def start_paused(root: Path, statement: str, marker: Path, step: str, *args: str) -> subprocess.Popen:
    """Start ``step`` (Python source using ``p``, the project, and ``args``) in a child that pauses after its
    store connection executed a statement starting with ``statement`` (``"close:" + statement``: after that
    connection was closed, the store free for other processes).  Paused, it waits to be killed
    (:func:`kill_when_paused`) or let go on (:func:`let_go`)."""
    return subprocess.Popen([sys.executable, "-c", TEMPLATE + step, str(root), statement, str(marker), *map(str, args)],
                            stderr=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def wait_paused(child: subprocess.Popen, marker: Path, what: str = "the statement") -> None:
    """Wait until ``child`` wrote ``marker`` (it is paused)."""
    t0 = time.time()
    while not marker.exists():
        assert child.poll() is None, child.stderr.read().decode()
        assert time.time() - t0 < 120, f"the child never reached {what}"
        time.sleep(0.05)


def let_go(child: subprocess.Popen, marker: Path) -> tuple[int, str]:
    """Let the paused ``child`` go on; (its exit status, its stderr) once it ended."""
    Path(str(marker) + ".go").write_text("go")
    _, err = child.communicate(timeout=300)
    return child.returncode, err.decode()


def kill_when_paused(child: subprocess.Popen, marker: Path, what: str = "the statement") -> None:
    """Wait until ``child`` wrote ``marker`` (it is paused), then SIGKILL it."""
    wait_paused(child, marker, what)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL

"""Some of an analysis's sections in a forked copy of this process (the ``survey`` command, on Linux).

The section threads of :mod:`report.sections` share one interpreter lock.  Most of their work is numpy,
which releases it, but each section also holds it for its many small steps.  At 1,000,000 responses on
two cores the sections took 2.98–3.05 s on two threads for 4.73 s of work one after the other: each
thread waited about 12 % of its time for the lock, and the two used 5.2 s of CPU.  With the group
tests, the drivers, the hot issues and the reliability in a worker process and the others here, the
first ``survey analyze`` took 0.25–0.35 s less (docs/scale-history.md).  Now only the group tests are the
worker's own; the sections that need nothing of the caller's (drivers, hot issues, reliability, ...)
are taken by whichever process is free first (:class:`report.sections.Shared`), so both end together
whatever their times on the machine and the questionnaire (0.1–0.2 s less again at 1M).

How:

* **fork**, not spawn: the worker is a copy of this process made once the answers are coded, so the
  frame, the design and the coded answers are shared page by page (copy on write). Nothing is copied
  or pickled on the way in; only the results come back, pickled through a pipe (about 40 kB at 1M rows).
* The objects alive at the fork are frozen first (``gc.freeze``), so that neither process's garbage
  collections write to the shared objects' pages.
* The worker runs only the section functions it is given, on the shared data. It does not touch the
  database, the jieba worker or the progress display, and writes nothing to the caller's streams
  (another thread may have held their locks at the fork); the warnings its sections raise are sent
  back with the results and raised in the caller. It ignores Ctrl-C (the caller stops it), it ends
  when the caller's process ends, and it leaves by ``os._exit``: no atexit handler runs and no
  buffered output is written a second time.
* Anything that goes wrong in the worker makes the caller run the worker's sections itself, after its
  own, so an error is raised here as it would be without the worker. That covers a section raising,
  the worker killed, a result that does not come back whole, and a worker that has not answered
  within four times the caller's own time (at least a minute; it is killed): a lock that a thread of
  the caller held at the fork, and that the worker then waits for, cannot hang the command.

Only where it is safe and asked for:

* on Linux (macOS's system libraries do not allow a fork in a process with threads);
* in the ``survey`` command (:func:`allow`; a Python program calling the library keeps its threads,
  since forking someone else's program, a web server or a notebook, is not minyi's to do);
* with more than one thread (:func:`survey.cores.threads`);
* for :data:`MIN_ROWS` rows or more.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, Callable, Optional

from survey.cores import PARALLEL_ROWS, threads

MIN_ROWS = PARALLEL_ROWS  # fewer rows: threads only, like minyi's other steps that use a second core

_ALLOWED = [False]


def allow() -> None:
    """Let :func:`start` fork a worker: the ``survey`` command calls this at start."""
    _ALLOWED[0] = True


def usable(n_rows: int) -> bool:
    """Whether the sections of an analysis of ``n_rows`` rows may run partly in a forked worker."""
    return (_ALLOWED[0] and sys.platform.startswith("linux") and hasattr(os, "fork") and threads() > 1
            and n_rows >= MIN_ROWS)


WAIT_FACTOR, WAIT_MIN = 4.0, 60.0  # the caller waits for the worker at most this × its own sections' time (≥ this)


class Worker:
    """A forked process running some sections; :meth:`results` collects them, :meth:`stop` ends it."""

    def __init__(self, pid: int, fd: int):
        self.pid, self._fd = pid, fd
        self._reaped = False
        self._started = time.perf_counter()

    def results(self) -> dict[str, Any]:
        """``{name: result}`` of the sections the worker ran, once it ends.  A section that raised is not
        among them, nor is any section of a worker that died, whose results do not unpickle or that has
        not sent them within :data:`WAIT_FACTOR` times the caller's own time so far (at least
        :data:`WAIT_MIN` seconds: a worker stuck on a lock that another thread of the caller held at the
        fork would otherwise be waited for forever; it is killed): the caller makes those itself.  The
        warnings the worker's sections raised are raised here, as they would have been on a thread."""
        import pickle
        import warnings

        limit = max(WAIT_MIN, WAIT_FACTOR * (time.perf_counter() - self._started))
        data = self._read(time.perf_counter() + limit)
        if data is None:  # not in time
            self.stop()
            return {}
        _, status = os.waitpid(self.pid, 0)
        self._reaped = True
        try:
            got, caught = pickle.loads(data) if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else ({}, [])
        except Exception:  # noqa: BLE001 - a truncated result: the sections run again in the caller
            got, caught = {}, []
        for message, category, filename, lineno in caught:
            warnings.warn_explicit(message, category, filename, lineno)
        return {k: v for k, (ok, v) in got.items() if ok}

    def _read(self, deadline: float) -> Optional[bytes]:
        """Everything the worker writes until it closes the pipe, or None at ``deadline``."""
        import select

        chunks = []
        try:
            while True:
                ready, _, _ = select.select([self._fd], [], [], max(0.0, deadline - time.perf_counter()))
                if not ready:
                    return None
                chunk = os.read(self._fd, 1 << 20)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
        finally:
            os.close(self._fd)
            self._fd = None

    def stop(self) -> None:
        """End the worker now (the caller failed, was interrupted, or waited too long) and reap it."""
        import signal

        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._reaped:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:  # pragma: no cover - gone already
            pass
        os.waitpid(self.pid, 0)
        self._reaped = True


def start(tasks: dict[str, Callable[[], Any]], run: Callable[[dict, int], dict], n_threads: int) -> Optional[Worker]:
    """Fork a worker that runs ``tasks`` (with ``run(tasks, n_threads)``, each task's exception caught;
    ``run`` may leave some out: :class:`report.sections.Shared` tasks that the caller took) and sends
    back their results; None when no process can be forked here."""
    import gc

    gc.freeze()  # before the fork: neither process's collections write to the shared objects' pages
    r, w = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:  # pragma: no cover - no processes left: the caller runs everything
        os.close(r)
        os.close(w)
        return None
    if pid == 0:  # the worker
        code = 1
        try:
            os.close(r)
            _worker_start(parent)
            code = _send(w, _worker_run(tasks, run, n_threads))
        finally:
            os._exit(code)
    os.close(w)
    return Worker(pid, r)


def _worker_start(parent: int) -> None:
    """The worker ignores Ctrl-C (the caller stops it), is killed when the caller's process ends, and
    writes nothing to the caller's streams: another thread may have held their locks at the fork, and
    its warnings go back to the caller (:func:`_worker_run`)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no prctl: it ends when it has sent its results
        pass
    if os.getppid() != parent:  # the caller ended before the line above took effect
        os._exit(1)
    sys.stdout = sys.stderr = open(os.devnull, "w")


def _worker_run(tasks: dict[str, Callable[[], Any]], run: Callable[[dict, int], dict], n_threads: int) -> tuple:
    """``({name: (True, result) or (False, None)}, [the warnings raised: message, category, file, line])``."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        out = run({k: _caught(f) for k, f in tasks.items()}, n_threads)
    return out, [(w.message, w.category, w.filename, w.lineno) for w in caught]


def _caught(f: Callable[[], Any]) -> Callable[[], tuple[bool, Any]]:
    def g() -> tuple[bool, Any]:
        try:
            return True, f()
        except Exception:  # noqa: BLE001 - run again in the caller, where its error is raised
            return False, None
    return g


def _send(fd: int, results: tuple) -> int:
    """Write the pickled results (:func:`_worker_run`'s) to ``fd``; 0 when they were written whole."""
    import pickle

    try:
        data = pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - a result that does not pickle: the caller runs the sections
        return 1
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return 0

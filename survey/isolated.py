"""Run a C reader on a hostile file in a forked child with a memory and time budget.

Some readers (pyreadstat on an SPSS file) are C code that trusts the counts in a file's header: a damaged or
hostile file can make them allocate gigabytes or crash the interpreter (SIGSEGV), which no ``try`` can catch.
:func:`run_isolated` runs such a reader in a forked child process whose address space is capped
(``RLIMIT_AS``: its current size plus the budget) and waits at most ``seconds``.  The child's result comes
back pickled through a temporary file.  Whatever happens to the child, the caller gets either the result or an
:class:`Outcome` saying what went wrong (out of memory, crashed by a signal, timed out, an exception), from
which it builds its one-line message.

On systems without ``fork`` the reader runs in-process (no isolation).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .errors import MinyiError


@dataclass(frozen=True)
class Outcome:
    """Why the child gave no result: ``memory`` | ``signal`` | ``timeout`` | ``error``; ``detail`` for the message."""
    kind: str
    detail: str


class Failed(Exception):
    def __init__(self, outcome: Outcome):
        super().__init__(outcome.detail)
        self.outcome = outcome


def _vm_size() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _die_with(parent: int) -> None:
    """In the forked child: be killed when ``parent`` dies (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``), so a reader
    busy on a hostile file does not outlive an import stopped by kill -9 until ``reader_seconds`` runs out; exits at
    once if the parent is already gone.  Elsewhere the child still ends at its time budget."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(70)


def run_isolated(fn: Callable[..., Any], *args, memory_bytes: float, seconds: float) -> Any:
    """``fn(*args)`` in a forked child limited to ``memory_bytes`` more address space and ``seconds``.

    Returns ``fn``'s result; raises :class:`Failed` (never anything else from the child) when the child ran
    out of memory, died of a signal, ran too long or raised; exceptions of ``fn`` that can be pickled are
    re-raised as they are when they are :class:`MinyiError` (a reader's own clear message); other exceptions
    become :class:`Failed`.  Import the reader's modules before calling (a module loaded in the child counts
    against its memory budget).
    """
    if not hasattr(os, "fork"):
        return fn(*args)
    import resource

    fd, out = tempfile.mkstemp(prefix="minyi-isolated-", suffix=".pickle")
    os.close(fd)
    try:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # child: never returns
            code = 0
            try:
                _die_with(parent)
                try:
                    import faulthandler

                    faulthandler.disable()  # a crash here is reported by the parent, not dumped
                    devnull = os.open(os.devnull, os.O_WRONLY)  # nor a Rust/C backtrace on the user's terminal
                    os.dup2(devnull, 2)
                    os.environ["RUST_BACKTRACE"] = "0"
                except Exception:
                    pass
                try:
                    cap = int(_vm_size() + memory_bytes)
                    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
                    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
                except (ValueError, OSError):
                    pass
                try:
                    payload = ("ok", fn(*args))
                except MemoryError:
                    payload = ("memory", "")
                except MinyiError as e:  # the reader's own clear message passes through
                    payload = ("raised", list(e.problems))
                    try:
                        pickle.dumps(payload)
                    except Exception:
                        payload = ("error", str(e)[:300])
                except BaseException as e:  # noqa: BLE001 - reported to the parent
                    payload = ("error", f"{type(e).__name__}: {str(e)[:300]}")
                try:
                    with open(out, "wb") as fh:
                        pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
                except MemoryError:
                    with open(out, "wb") as fh:
                        pickle.dump(("memory", ""), fh)
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
                code = 70
            finally:
                os._exit(code)
        deadline = time.monotonic() + seconds
        status = None
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise Failed(Outcome("timeout", f"still running after {seconds:g} s"))
            time.sleep(0.005)
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = f"signal {sig}"
            # a reader that cannot get memory often dies of SIGSEGV/SIGABRT on the failed allocation
            raise Failed(Outcome("signal", name))
        if os.path.getsize(out) == 0:
            raise Failed(Outcome("error", f"the reader stopped without a result (exit status {os.WEXITSTATUS(status)})"))
        with open(out, "rb") as fh:
            kind, value = pickle.load(fh)
        if kind == "ok":
            return value
        if kind == "raised":
            raise MinyiError(value)
        if kind == "memory":
            raise Failed(Outcome("memory", "out of memory"))
        raise Failed(Outcome("error", str(value)))
    finally:
        try:
            os.unlink(out)
        except OSError:
            pass


def failure_reason(outcome: Outcome, limit_name: Optional[str] = None) -> str:
    """A short phrase for a file-unreadable message."""
    if outcome.kind == "signal":
        return f"the reader crashed on it ({outcome.detail}); the file is damaged or not what its header claims"
    if outcome.kind == "timeout":
        return f"the reader was stopped: {outcome.detail}"
    return outcome.detail

"""Progress on long work: library code reports stages through this module; the CLI decides whether
and how they are shown.

Library code (store, report pipeline, engines — never :mod:`analysis`, which does no I/O) calls::

    with stage("reading wave 2026Q1", total=n_rows, unit="rows") as advance:
        for batch in batches:
            advance(len(batch))

which does nothing unless a command has switched display on with :func:`shown`.  The CLI does
that for ``import``, ``check``, ``analyze`` and ``report``: a `rich` progress display on stderr
(stage, count done of total, elapsed, time remaining) that appears only when the command has been
running for :data:`DELAY` seconds and only when stderr is a terminal — never when piped, with
``--json`` or with ``--quiet`` — and is cleared when the command ends (stdout is never touched).
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

DELAY = 2.0  # seconds of work before anything is shown
POLL_EVERY = 0.1  # seconds between two polls of a followed position (:func:`follow`)


class _Display:
    """A rich progress display started lazily (after ``DELAY`` s) on stderr."""

    def __init__(self, delay: float):
        self.delay = delay
        self.lock = threading.Lock()
        self.progress = None
        self.tasks: list = []  # [description, total, completed, task id or None, when it began]
        self.closed = False
        self.timer = threading.Timer(delay, self._start)
        self.timer.daemon = True
        self.timer.start()

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        with self.lock:
            if self.closed:
                return
            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                     _when_counted(MofNCompleteColumn)(), TimeElapsedColumn(),
                                     _when_counted(TimeRemainingColumn)(),
                                     console=Console(file=sys.stderr, force_terminal=True), transient=True,
                                     get_time=time.monotonic)
            for t in self.tasks:  # stages begun before the display: their time counts from when they began
                t[3] = self.progress.add_task(t[0], total=t[1], completed=t[2])
                self.progress.tasks[-1].start_time = t[4]  # rich's Task (the one just added): its clock
            self.progress.start()

    def add(self, description: str, total: Optional[float]) -> list:
        with self.lock:
            t = [description, total, 0, None, time.monotonic()]
            self.tasks.append(t)
            if self.progress is not None:
                t[3] = self.progress.add_task(description, total=total)
            return t

    def advance(self, t: list, n: float) -> None:
        with self.lock:
            t[2] += n
            if self.progress is not None and t[3] is not None:
                self.progress.update(t[3], completed=t[2])

    def set(self, t: list, completed: float, total: float) -> None:
        with self.lock:
            t[1], t[2] = total, completed
            if self.progress is not None and t[3] is not None:
                self.progress.update(t[3], total=total, completed=completed)

    def finish(self, t: list) -> None:
        with self.lock:
            if t in self.tasks:
                self.tasks.remove(t)
            if self.progress is not None and t[3] is not None:
                self.progress.remove_task(t[3])

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.timer.cancel()
            if self.progress is not None:
                self.progress.stop()
                self.progress = None


def _when_counted(column: type) -> type:
    """``column`` (a rich progress column) shown only for a stage with a total: a stage that counts
    nothing shows its name, spinner and time, not "0/?" and an unknown time remaining."""
    from rich.text import Text

    class Counted(column):
        def render(self, task):
            return Text("") if task.total is None else super().render(task)

    return Counted


_display: Optional[_Display] = None


def wanted(*, json_out: bool = False, quiet: bool = False, stream=None) -> bool:
    """Show progress? Only on a terminal, and not with ``--json`` or ``--quiet``."""
    stream = sys.stderr if stream is None else stream
    return not (json_out or quiet) and bool(getattr(stream, "isatty", lambda: False)())


@contextmanager
def shown(enabled: bool, *, delay: float = DELAY) -> Iterator[None]:
    """Within this block, stages reported by library code are displayed (if ``enabled``)."""
    global _display
    if not enabled or _display is not None:
        yield
        return
    _display = _Display(delay)
    try:
        yield
    finally:
        d, _display = _display, None
        d.close()


@contextmanager
def stage(description: str, total: Optional[float] = None, unit: str = "") -> Iterator[Callable[[float], None]]:
    """One stage of long work; yields ``advance(n)``.  Silent unless a display is :func:`shown`."""
    d = _display
    if d is None:
        yield _noop
        return
    t = d.add(f"{description}{f' ({unit})' if unit else ''}", total)
    try:
        yield lambda n=1: d.advance(t, n)
    finally:
        d.finish(t)


@contextmanager
def follow(position: Callable[[], float], total: float, *, every: Optional[float] = None) -> Iterator[None]:
    """Within a :func:`stage` whose work is one library call that exposes how far it got (pyarrow reading
    a file: its read position), the stage counts ``position()`` of ``total``: polled every ``every``
    seconds (default :data:`POLL_EVERY`) on a thread while a display is on (nothing is polled
    otherwise), so the count and the time remaining show while the call runs (not for a ``total``
    under 1: a count of 0/0 says nothing)."""
    d = _display
    if d is None or not d.tasks or total < 1:
        yield
        return
    t = d.tasks[-1]  # the innermost stage
    stop = threading.Event()
    every = POLL_EVERY if every is None else every

    def poll() -> None:
        while not stop.wait(every):
            try:
                d.set(t, min(float(position()), total), total)
            except Exception:  # a position that cannot be read (a file closed under it): stop following
                return

    th = threading.Thread(target=poll, name="minyi-progress", daemon=True)
    th.start()
    try:
        yield
    finally:
        stop.set()
        th.join()


def _noop(n: float = 1) -> None:
    return None

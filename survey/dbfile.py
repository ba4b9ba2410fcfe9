"""The project database file: owner-only permissions, waiting for a busy database, one writer at a time.

* **Owner-only.** ``minyi.duckdb`` holds identifying values, so it (and DuckDB's write-ahead log
  ``minyi.duckdb.wal`` and spill folder ``minyi.duckdb.tmp``) is created readable by the owner only
  (mode 0600, like ``.pii_salt``): every connection is opened under umask 077, and an older project's
  database is narrowed to 0600 when it is opened.  Files meant for readers (reports, exports) are written
  outside connections and follow the user's umask.
* **Waiting, not failing.** DuckDB lets one process at a time open the file; :func:`open_db` retries for
  ``lock_wait`` seconds (default 60) before saying the project is busy — so ``survey status`` run during an
  import waits for the import's commit instead of failing.
* **One writer.** :func:`write_lock` is an exclusive advisory lock (``fcntl.flock`` on ``.minyi.lock`` in the
  project folder) held while a batch is committed or removed: the "already imported?" check and the insert
  happen inside it and inside one transaction, so the same file imported twice at once is stored once.
* **Clear errors.** A read-only folder or file, a full disk or a damaged file each give their own message
  (:func:`db_error`), never "another command is using the project" for something else.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import threading
import time
from pathlib import Path
from typing import Iterator, Optional

from .errors import MinyiError

LOCK_WAIT = 60.0
LOCK_FILE = ".minyi.lock"
_umask_lock = threading.Lock()
_umask_depth = 0
_umask_saved = 0


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Files created inside are readable by the owner only (umask 077; re-entrant, restored on exit)."""
    global _umask_depth, _umask_saved
    with _umask_lock:
        if _umask_depth == 0:
            _umask_saved = os.umask(0o077)
        _umask_depth += 1
    try:
        yield
    finally:
        with _umask_lock:
            _umask_depth -= 1
            if _umask_depth == 0:
                os.umask(_umask_saved)


def user_umask() -> int:
    """The user's umask (also while a connection holds the owner-only one)."""
    with _umask_lock:
        if _umask_depth:
            return _umask_saved
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


_closing: dict = {}  # database path -> the thread closing its last connection (Connection.close_later)
_closing_lock = threading.Lock()


def _file_key(path: Path) -> str:
    """The database file's one name (however the path was written: relative, with ``..``, a link)."""
    return str(Path(path).resolve())


def _wait_closed(path: Path) -> None:
    """Wait for :meth:`Connection.close_later` of ``path`` to finish: one DuckDB instance per file at a time."""
    with _closing_lock:
        t = _closing.pop(_file_key(path), None)
    if t is not None:
        t.join()


class Connection:
    """A DuckDB connection that keeps the owner-only umask until it is closed (see module docstring)."""

    def __init__(self, con, release, path: Optional[Path] = None):
        self._con = con
        self._release = release
        self.path = path
        self.read_only_because: Optional[str] = None  # opened for reading as it cannot be written: why

    def __getattr__(self, name):
        return getattr(self._con, name)

    def execute(self, *args, **kw):
        """The connection's ``execute``; a database file found damaged by the query (a block cut short or
        overwritten: DuckDB reads blocks only when a query needs them, so the file opened) is
        :func:`read_error`'s one message, not DuckDB's exception."""
        try:
            return self._con.execute(*args, **kw)
        except Exception as e:  # noqa: BLE001 - only a damaged file is translated; anything else as it was
            if self.path is not None and is_damage(e):
                raise read_error(self.path, e) from None
            if self.path is not None and self.read_only_because is not None and _writes(args[0] if args else kw.get("query")):
                # a write to a project opened for reading (survey.store.Project.connect): the cause, not DuckDB's words
                raise MinyiError.of("project-readonly", file=str(self.path.parent), path=str(self.path),
                                    reason=self.read_only_because) from None
            raise

    def close(self) -> None:
        release, self._release = self._release, None
        try:
            self._con.close()
        finally:
            if release is not None:
                release()

    def close_later(self) -> None:
        """Close on a thread.  When the last connection of a database closes, DuckDB writes its log into the
        file (a checkpoint) and frees its buffers: 0.06 s after the checks of 1,000,000 rows stored their
        flags, which the command's next steps need not wait for.  :func:`open_db` of the same file waits for
        it (one DuckDB instance per file), and so does the interpreter at exit (not a daemon thread).  What
        was committed is already in the log, so a failing checkpoint loses nothing: DuckDB replays the
        log at the next open (an error there is reported by that open)."""
        if self.path is None:
            self.close()
            return
        _wait_closed(self.path)

        def run() -> None:
            try:
                self.close()
            except Exception:  # pragma: no cover - committed data is in the log; the next open replays it
                pass
            finally:
                with _closing_lock:  # done: nothing to wait for (a long-running process keeps no entry)
                    if _closing.get(key) is threading.current_thread():
                        del _closing[key]

        key = _file_key(self.path)
        t = threading.Thread(target=run, name="minyi-db-close")
        with _closing_lock:
            _closing[key] = t
            t.start()  # under the lock: the thread's own removal comes after its registration

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):  # a connection dropped without close(): give the umask back
        if getattr(self, "_release", None) is not None:
            try:
                self.close()
            except Exception:  # pragma: no cover - interpreter shutting down
                pass


def _is_lock_conflict(text: str) -> bool:
    t = text.lower()
    return "could not set lock" in t or "conflicting lock" in t or "resource temporarily unavailable" in t


def busy_error(path: Path, wait: float, holder: str = "") -> MinyiError:
    """The project is still in use after waiting ``wait`` seconds: how long, and how to wait longer.

    Rule (issue 9, docs/limits.md): every limit gives one message with the limit and how to raise it;
    ``lock_wait`` is a limit.  DuckDB's own text (interpreter path, PID, a web link) is not shown beyond the PID."""
    from .limits import raised_value

    pid = re.search(r"\(PID (\d+)\)", holder)
    who = f"process {pid.group(1)}" if pid else "another survey command"
    return MinyiError.of("project-busy", file=str(path.parent), path=str(path), raised=raised_value(max(wait, 1.0) * 10),
                         reason=f"{who} has been using it for the {wait:g} s a command waits (limit lock_wait)")


def db_error(path: Path, exc: BaseException, wait: float = LOCK_WAIT) -> MinyiError:
    """One message for a database that cannot be opened or written (busy, read-only, full, damaged);
    ``wait``: the seconds waited for a busy database."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = text.lower()
    err = getattr(exc, "errno", None)
    where = dict(file=str(path.parent), path=str(path))
    if _is_lock_conflict(text):
        return busy_error(path, wait, text)
    if err in (errno.EACCES, errno.EPERM, errno.EROFS) or "permission denied" in low or "read-only" in low \
            or "read only" in low:
        return MinyiError.of("project-readonly", reason=text, **where)
    if err in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "no space left" in low or "disk quota" in low \
            or "file too large" in low:
        return MinyiError.of("disk-full", reason=text, **where)
    return MinyiError.of("project-damaged", reason=text, **where)


_WRITE_WORDS = ("insert", "update", "delete", "create", "alter", "drop", "copy", "checkpoint")


def _writes(sql) -> bool:
    """Whether the statement ``sql`` writes (the first word), so that its failure on a project opened for reading
    is that project being read-only (DuckDB: "… attached in read-only mode", or a ledger table that is a view)."""
    words = str(sql or "").split(None, 1)
    return bool(words) and words[0].lower() in _WRITE_WORDS and "temp " not in str(sql).lower()[:40]


# DuckDB's words for a database file whose blocks cannot be read as written (cut short, overwritten)
_DAMAGE_WORDS = ("could not read enough bytes", "corrupt database file", "does not match stored checksum",
                 "not a valid duckdb database file")


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` (a DuckDB error, or Arrow's while it streams DuckDB's result) says that the database file is
    damaged."""
    low = str(exc).lower()
    return any(w in low for w in _DAMAGE_WORDS)


def read_error(path: Path, exc: BaseException) -> MinyiError:
    """One message for a project database found damaged while it is read (catalogue ``project-damaged-read``)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return MinyiError.of("project-damaged-read", file=str(Path(path).parent), path=str(path), reason=text)


def _narrow(path: Path) -> None:
    """An existing database readable by others (created before 0.1.1) becomes owner-only."""
    try:
        st = path.stat()
        if st.st_mode & 0o077 and st.st_uid == os.getuid():
            os.chmod(path, 0o600)
    except (OSError, AttributeError):  # not ours to change, or no getuid (Windows)
        pass


def open_db(path: Path, *, read_only: bool = False, wait: Optional[float] = None) -> Connection:
    """Open the project database (owner-only files; waits up to ``wait`` seconds for another process)."""
    import duckdb

    path = Path(path)
    _wait_closed(path)
    wait = LOCK_WAIT if wait is None else wait
    deadline = time.monotonic() + max(wait, 0.0)
    delay = 0.05
    while True:
        release_ctx = private_files()
        release_ctx.__enter__()
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except (duckdb.Error, OSError) as e:
            release_ctx.__exit__(None, None, None)
            if _is_lock_conflict(str(e)) and time.monotonic() < deadline:
                time.sleep(delay)
                delay = min(delay * 1.5, 0.5)
                continue
            raise db_error(path, e, wait) from None
        except BaseException:
            release_ctx.__exit__(None, None, None)
            raise
        _narrow(path)
        return Connection(con, lambda: release_ctx.__exit__(None, None, None), path)


@contextlib.contextmanager
def write_lock(root: Path, wait: Optional[float] = None) -> Iterator[None]:
    """Exclusive advisory lock of the project folder for one writer (see module docstring)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: DuckDB's own file lock still serialises writers
        yield
        return
    wait = LOCK_WAIT if wait is None else wait
    lock_path = Path(root) / LOCK_FILE
    try:
        with private_files():
            fd = os.open(str(lock_path), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as e:
        raise db_error(Path(root) / "minyi.duckdb", e) from None
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK) or time.monotonic() >= deadline:
                    raise busy_error(Path(root) / "minyi.duckdb", wait) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)

"""Atomic file writes: every file minyi writes is first written to a temporary file in the
target's folder, then renamed over the target (``os.replace``, atomic on POSIX and Windows).

A reader never sees a half-written file, and an interrupted or failed write leaves the old file
(or no file) and no temporary file behind.  The temporary name keeps the target's extension last,
so writers that choose a format by extension (pandas ``to_excel``, openpyxl, pyreadstat) work.

The file gets the permissions of a newly created file under the user's umask (files for readers:
reports, exports); only the project database is owner-only (:mod:`survey.dbfile`).  A full disk, a
file-size limit, a read-only folder or a folder in the way give one message (:func:`write_error`) —
also when the writing library hides the OS error in its own exception (pyreadstat "Unable to write
data", lxml "IO_EFBIG"): the folder is then probed with a small write to find the cause.
A file being replaced keeps its mode; ``mode=`` sets it explicitly (e.g. ``0o600`` for a file only its
owner may read).  The temporary file is flushed to disk (fsync) before the rename.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Callable, Optional

from .errors import MinyiError


def new_file_mode(path: Path) -> int:
    """The mode a plain ``open(path, 'w')`` would leave: the existing file's, else 0o666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def atomic_write(path: str | Path, write: Callable[[Path], object], *, mode: Optional[int] = None) -> Path:
    """Call ``write(tmp)`` to fill a temporary file beside ``path``, then rename it to ``path``.

    Creates missing parent folders.  A folder as target, or any OS error, raises one
    ``file-unwritable`` (or ``disk-full``) :class:`~survey.errors.MinyiError` naming the path.  The file
    gets ``mode`` (default: :func:`new_file_mode`, as any program's new file).
    """
    p = Path(path)
    if p.is_dir():
        raise MinyiError.of("file-unwritable", file=str(p), path=str(p), reason="it is a folder")
    tmp = None
    try:
        _make_parent(p)
        fd, name = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp" + p.suffix, dir=str(p.parent))
        os.close(fd)
        tmp = Path(name)
        os.chmod(tmp, new_file_mode(p) if mode is None else mode)  # mkstemp makes 0600
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, new_file_mode(p) if mode is None else mode)  # a writer may have replaced the file
        os.replace(tmp, p)
        tmp = None
    except MinyiError:
        raise
    except OSError as e:
        raise write_error(p, e) from None
    except Exception as e:  # a library's own exception: find out whether the disk is the cause
        cause = os_error_in(e) or _probe(p.parent)
        if cause is None:
            raise
        failure = write_error(p, cause)
    else:
        failure = None
    finally:
        if tmp is not None and tmp.exists():
            try:
                tmp.unlink()
            except OSError:  # pragma: no cover - a read-only folder: nothing was written either
                pass
    if failure is not None:
        _collect_quietly()  # the writer's half-run generators fail again when collected: not the user's concern
        raise failure
    return p


def _collect_quietly() -> None:
    import gc
    import sys

    hook = sys.unraisablehook
    sys.unraisablehook = lambda _u: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _make_parent(p: Path) -> None:
    for parent in reversed(p.parents):
        if parent.exists() and not parent.is_dir():
            raise MinyiError.of("file-unwritable", file=str(p), path=str(p), reason=f"{parent} is a file, not a folder")
    p.parent.mkdir(parents=True, exist_ok=True)


def _umask() -> int:
    from .dbfile import user_umask

    return user_umask()


def _probe(folder: Path) -> OSError | None:
    """The OS error a small write in ``folder`` gets now (full disk, size limit, read-only), else None."""
    try:
        fd, name = tempfile.mkstemp(prefix=".minyi-probe.", dir=str(folder))
    except OSError as e:
        return e
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"\0" * (1 << 20))
            fh.flush()
            os.fsync(fh.fileno())
        return None
    except OSError as e:
        return e
    finally:
        try:
            os.unlink(name)
        except OSError:  # pragma: no cover
            pass


_OS_WORDS = ((errno.EFBIG, ("EFBIG", "File too large")), (errno.ENOSPC, ("ENOSPC", "No space left on device")),
             (errno.EDQUOT, ("EDQUOT", "Disk quota exceeded")), (errno.EROFS, ("EROFS", "Read-only file system")))


def os_error_in(e: BaseException) -> Optional[OSError]:
    """The OS error a library reports only in its own exception's text (lxml "IO_EFBIG", DuckDB "Could not
    write file …: File too large"), as an :class:`OSError`; None when the text names none."""
    text = str(e)
    for code, words in _OS_WORDS:
        if any(w in text for w in words):
            return OSError(code, os.strerror(code))
    return None


def write_error(path: Path, e: OSError) -> MinyiError:
    """One message for an OS error while writing ``path``."""
    reason = e.strerror or str(e)
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return MinyiError.of("disk-full", file=str(path), path=str(path), reason=e.strerror or "No space left on device")
    if e.errno == errno.EFBIG:
        return MinyiError.of("disk-full", file=str(path), path=str(path),
                             reason="File too large (over the file-size limit of this system or account)")
    if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return MinyiError.of("file-unwritable", file=str(path), path=str(path),
                             reason="read-only file system" if e.errno == errno.EROFS else "permission denied")
    if e.errno in (errno.ENOTDIR, errno.EEXIST):
        return MinyiError.of("file-unwritable", file=str(path), path=str(path), reason=f"a file is in the way ({reason})")
    return MinyiError.of("file-unwritable", file=str(path), path=str(path), reason=reason)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8", *, mode: Optional[int] = None) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding=encoding), mode=mode)


def make_dir(path: str | Path) -> Path:
    """Create an output folder (and its parents): one message when ``path`` (or a parent) is an existing
    file, or the folder cannot be made (read-only, disk full), never an OSError traceback."""
    p = Path(path)
    for q in [p, *p.parents]:
        if q.exists() and not q.is_dir():
            raise MinyiError.of("path-is-file", file=str(q), path=str(q))
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise write_error(p, e) from None
    return p

"""Atomic file writes: every file minyi writes is first written to a temporary file in the
target's folder, then renamed over the target (``os.replace``, atomic on POSIX and Windows).

A reader never sees a half-written file, and an interrupted or failed write leaves the old file
(or no file) and no temporary file behind.  The temporary name keeps the target's extension last,
so writers that choose a format by extension (pandas ``to_excel``, openpyxl, pyreadstat) work.

Permissions are those of any program's new file: ``0o666`` minus the user's umask (0644 typically),
or the mode of the file being replaced; ``mode=`` sets them explicitly (e.g. ``0o600`` for a file
only its owner may read).  The temporary file is flushed to disk before the rename.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Optional

from .errors import MinyiError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode(path: Path) -> int:
    """The mode a plain ``open(path, 'w')`` would leave: the existing file's, else 0o666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def atomic_write(path: str | Path, write: Callable[[Path], object], *, mode: Optional[int] = None) -> Path:
    """Call ``write(tmp)`` to fill a temporary file beside ``path``, then rename it to ``path``.

    Creates missing parent folders.  A folder as target, or any OS error, raises one
    ``file-unwritable`` :class:`~survey.errors.MinyiError` naming the path.  The file gets ``mode``
    (default: :func:`new_file_mode`, as any program's new file).
    """
    p = Path(path)
    if p.is_dir():
        raise MinyiError.of("file-unwritable", file=str(p), path=str(p), reason="it is a folder")
    tmp = None
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp" + p.suffix, dir=str(p.parent))
        os.close(fd)
        tmp = Path(name)
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, new_file_mode(p) if mode is None else mode)
        os.replace(tmp, p)
        tmp = None
    except OSError as e:
        raise MinyiError.of("file-unwritable", file=str(p), path=str(p), reason=e.strerror or str(e)) from e
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()
    return p


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8", *, mode: Optional[int] = None) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding=encoding), mode=mode)

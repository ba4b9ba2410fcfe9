"""Atomic file writes: every file minyi writes is first written to a temporary file in the
target's folder, then renamed over the target (``os.replace``, atomic on POSIX and Windows).

A reader never sees a half-written file, and an interrupted or failed write leaves the old file
(or no file) and no temporary file behind.  The temporary name keeps the target's extension last,
so writers that choose a format by extension (pandas ``to_excel``, openpyxl, pyreadstat) work.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from .errors import MinyiError


def atomic_write(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` to fill a temporary file beside ``path``, then rename it to ``path``.

    Creates missing parent folders.  A folder as target, or any OS error, raises one
    ``file-unwritable`` :class:`~survey.errors.MinyiError` naming the path.
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
        os.replace(tmp, p)
        tmp = None
    except OSError as e:
        raise MinyiError.of("file-unwritable", file=str(p), path=str(p), reason=e.strerror or str(e)) from e
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()
    return p


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding=encoding))

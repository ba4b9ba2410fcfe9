"""minyi's cache folder for the user (not a project's): ``$XDG_CACHE_HOME/minyi`` (``~/.cache/minyi``).

What is kept there is derived and optional (font subsets, :mod:`report.fonts`; jieba's dictionary,
:mod:`report.segmenter`): any error reading or writing it only means the thing is made again.
"""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir(name: str) -> Path:
    """The folder ``name`` of minyi's user cache (not created here)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "minyi" / name

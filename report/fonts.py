"""CJK fonts that ship with minyi (Noto Sans SC / Noto Serif SC, SIL OFL, from the PyPI package
``pylopdf-fonts-zh-cn``), so charts and reports render Chinese on machines without system CJK fonts.

* :func:`font_path` — the font file;
* :func:`register_matplotlib` — add both fonts to matplotlib and make Noto Sans SC the default;
* :func:`font_face_css` — an ``@font-face`` rule embedding a subset of the font (only the
  characters a page uses, via fontTools) as base64 WOFF, so an HTML file stays
  self-contained and small.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

SANS_FAMILY = "Noto Sans SC"
SERIF_FAMILY = "Noto Serif SC"
KEEP_SUBSETS = 32  # font subsets kept in the cache folder (the most recently written)


def font_path(kind: str = "sans") -> Path:
    """Path of the bundled font file: ``kind`` is 'sans' (黑体-like) or 'serif' (宋体-like)."""
    import pylopdf_fonts_zh_cn as fonts

    p = fonts.sans_path() if kind == "sans" else fonts.serif_path()
    if not p.exists():  # pragma: no cover - broken installation
        raise FileNotFoundError(f"bundled CJK font missing: {p}; reinstall minyi (pip install pylopdf-fonts-zh-cn)")
    return p


@lru_cache(maxsize=1)
def register_matplotlib() -> str:
    """Register the bundled fonts with matplotlib; returns the sans family name now used by default."""
    import matplotlib
    from matplotlib import font_manager

    for kind in ("sans", "serif"):
        font_manager.fontManager.addfont(str(font_path(kind)))
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [SANS_FAMILY, "DejaVu Sans"]
    matplotlib.rcParams["font.serif"] = [SERIF_FAMILY, "DejaVu Serif"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return SANS_FAMILY


def _cache_dir() -> Path:
    """Where font subsets are kept between runs: ``$XDG_CACHE_HOME/minyi/fonts`` (``~/.cache/minyi/fonts``)."""
    from .user_cache import user_cache_dir

    return user_cache_dir("fonts")


@lru_cache(maxsize=16)
def _subset_bytes(kind: str, chars: str) -> tuple[bytes, str]:
    """The WOFF subset of the bundled font to ``chars``: built with fontTools once (1–2 s for a report's
    characters) and kept in :func:`_cache_dir` under the SHA-256 of the font file's identity and the
    characters, so the next report or brief with the same text reuses it.  The cache is optional: any
    error reading or writing it just means the subset is built again."""
    import hashlib
    import os

    src = font_path(kind)
    st = src.stat()
    key = hashlib.sha256(f"{src.name}|{st.st_size}|{st.st_mtime_ns}|{chars}".encode("utf-8")).hexdigest()
    cached = _cache_dir() / f"{key}.woff"
    try:
        data = cached.read_bytes()
        if data[:4] == b"wOFF":  # a truncated or foreign file is rebuilt
            return data, "woff"
    except OSError:
        pass
    data, fmt = _build_subset(src, chars)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
        old = sorted(cached.parent.glob("*.woff"), key=lambda f: f.stat().st_mtime, reverse=True)[KEEP_SUBSETS:]
        for f in old:
            f.unlink(missing_ok=True)
    except OSError:
        pass
    return data, fmt


def _build_subset(src: Path, chars: str) -> tuple[bytes, str]:
    from fontTools import subset

    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.hinting = False  # screen/print rendering does not need CFF hints; 20% smaller, faster
    font = subset.load_font(str(src), opts)
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    buf = io.BytesIO()
    font.flavor = "woff"  # zlib-compressed WOFF: as small as WOFF2 within ~10% and 7x faster to write
    fmt = "woff"
    font.save(buf)
    return buf.getvalue(), fmt


def font_face_css(text: str, family: str | None = None, kind: str = "sans") -> str:
    """An ``@font-face`` rule embedding the bundled font subset to the characters of ``text``."""
    chars = "".join(sorted(set(text) | set("0123456789.%（）()，、：:—-–年月日第题表图")))
    data, fmt = _subset_bytes(kind, chars)
    fam = family or (SANS_FAMILY if kind == "sans" else SERIF_FAMILY)
    mime = {"woff2": "font/woff2", "woff": "font/woff"}.get(fmt, "font/otf")
    b64 = base64.b64encode(data).decode("ascii")
    return (f"@font-face {{ font-family: '{fam}'; src: url(data:{mime};base64,{b64}) format('{fmt}'); "
            f"font-weight: normal; font-style: normal; }}")

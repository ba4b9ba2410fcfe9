"""KoboToolbox/ODK exports: labels or XML values, group-path headers ``grp/q`` (``/`` or ``.``), select_multiple
space-separated and/or one 0/1 column per option (``q7/1``), ``_`` metadata; labels that contain spaces split
by a full cover of the options (:func:`split_spaced`).

The columns and cells are converted by the shared converter; this module says how the layout is recognised,
how a group path names its question, and how a space-joined cell is split.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

from ..questionnaire import Question
from .base import Headers, Layout
from .text import norm_text

META = ("_uuid", "_submission_time", "_id", "_index", "_validation_status")
META_HEAD = re.compile(r"^(_|meta[/.]|formhub[/.])")  # metadata columns: never "unmatched"
PATH_HEAD = re.compile(r"^[A-Za-z_][\w-]*[/.][A-Za-z_][\w-]*")  # grp/q


def detect_meta(h: Headers) -> Optional[str]:
    found = [c for c in h.columns if c in META or c.startswith(("meta/", "formhub/"))]
    return f"KoboToolbox metadata column(s) {', '.join(found[:3])}" if found else None


def detect_style(h: Headers) -> Optional[str]:
    n = h.count(PATH_HEAD, labels=False)
    return f"{n} group-path headers (grp/q)" if n >= 2 else None


def group_path(header: str) -> Optional[list]:
    """The parts of a group-path header (``grp/q``, ``grp/sub/q``, ``q/option``, with ``/`` or ``.``), or None."""
    if re.search(r"[/.]", header) and re.fullmatch(r"[A-Za-z_][\w-]*(?:[/.][\w-]+)+", header):
        return re.split(r"[/.]", header)
    return None


def spaced_labels(qq: Question, extra: Optional[dict] = None) -> dict:
    """{label with its words joined by one space (NFKC, lower case): option index} for labels holding spaces."""
    out: dict = {}
    for j, o in enumerate(qq.options):
        words = unicodedata.normalize("NFKC", str(o.label)).lower().split()
        if len(words) > 1:
            out.setdefault(" ".join(words), j)
    for v, code in (extra or {}).items():  # mapping values with spaces (rare)
        words = str(v).lower().split()
        if len(words) > 1 and int(code) in qq.codes:
            out.setdefault(" ".join(words), qq.codes.index(int(code)))
    return out


def split_spaced(text: str, single: dict, multi: dict, max_len: int) -> list[tuple[str, Optional[int]]]:
    """Split a space-joined select_multiple cell (KoboToolbox/ODK) into options: [(piece, option index or None)].

    Kobo joins the chosen options' XML names *or labels* with single spaces, so a label that itself holds
    spaces ("Very satisfied", "公共 交通") cannot be cut at every space.  The words are covered by pieces, each
    either one word that is an option code / label (``single``: normalised key → index) or a run of 2..
    ``max_len`` words equal to a label with spaces (``multi``: words joined by one space, NFKC, lower case →
    index), or one unknown word.  Dynamic programming over the word positions picks the cover with the fewest
    unknown words, then the fewest pieces (ties: the longest first piece).  The cell is fully understood only
    when no word is unknown; consecutive unknown words are returned joined as one piece (index None) so the
    problem names the unmatched part.  Cost O(words × max_len); called once per distinct cell.
    """
    words = text.split()
    m = len(words)
    keys = [unicodedata.normalize("NFKC", w).lower() for w in words]
    best: list = [None] * (m + 1)
    best[m] = (0, 0, ())
    for i in range(m - 1, -1, -1):
        cands = []
        for L in range(min(max_len, m - i), 1, -1):  # multi-word labels, longest first
            j = multi.get(" ".join(keys[i:i + L]))
            if j is not None:
                u, p, rest = best[i + L]
                cands.append((u, p + 1, ((" ".join(words[i:i + L]), j),) + rest))
        j = single.get(norm_text(words[i]).lower())
        u, p, rest = best[i + 1]
        if j is not None:
            cands.append((u, p + 1, ((words[i], j),) + rest))
        cands.append((u + 1, p + 1, ((words[i], None),) + rest))
        best[i] = min(cands, key=lambda c: (c[0], c[1]))
    out: list = []
    for piece, j in best[0][2]:
        if j is None and out and out[-1][1] is None:
            out[-1] = (out[-1][0] + " " + piece, None)
        else:
            out.append((piece, j))
    return out


LAYOUT = Layout("kobo", "KoboToolbox/ODK", detect_meta=detect_meta, detect_style=detect_style)

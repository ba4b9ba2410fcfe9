"""问卷星 (wjx) exports, both codings (按序号 codes / 按文本 labels), CSV/XLSX/SAV: metadata 序号, 提交答卷时间,
所用时间 (``268秒``), 来源, 来源详情, 来自IP; headers ``N、题干`` / ``N：题干``; multiple choice as 0/1 columns
``N、(选项)`` / ``第N题(选项)`` or one cell joined by ``┋``; ranking joined by ``→`` or one rank column per
option; other text in ``〖…〗``; matrix rows ``N、(行标题)``; ``-2``/``-3``/``(跳过)`` = not asked, ``(空)`` =
empty; 按分数 (option scores in scale/matrix columns) detected per column by
:func:`survey.importers.options.scores_as_codes` and noted.

The columns and cells are converted by the shared converter; this module says how the layout is recognised
and what is particular to it (its not-asked markers).
"""

from __future__ import annotations

import re
from typing import Optional

from . import tencent
from .base import Headers, Layout

META = ("提交答卷时间", "所用时间", "来源详情", "来自IP")
HEAD = re.compile(r"^\d+、|^第\d+题")  # N、题干 / 第N题(选项)
OPTION_HEAD = re.compile(r"^第(\d+)题\((.+)\)$")  # 第N题(选项): one column per option
# 问卷星's own markers of an empty or skipped answer: read as missing in its exports only, never in minyi's native
# layout or another layout, where ``(空)`` typed as an open answer is that text (docs/import-formats.md)
MARKERS = ("(空)", "（空）", "(跳过)", "（跳过）", "跳过", "(未填)", "（未填）")
SKIP = ("-2", "-3", "N/A") + MARKERS  # not asked (skip logic) or empty, besides the empty cell
RANK_SKIPPED = SKIP[:2] + ("(跳过)", "（跳过）")  # a per-option rank column of a respondent who was not asked


def detect_meta(h: Headers) -> Optional[str]:
    found = [c for c in META if c in h.cols or c in h.labels]
    return f"问卷星 metadata column(s) {', '.join(found)}" if found else None


def detect_style(h: Headers) -> Optional[str]:
    """问卷星-style headers; they win a tie against 腾讯问卷-style ones (``N.`` headers)."""
    n = h.count(HEAD)
    if n >= 2 and n >= h.count(tencent.HEAD):
        return f"{n} 问卷星-style question headers ('N、题干' / '第N题(选项)')"
    return None


LAYOUT = Layout("wjx", "问卷星", detect_meta=detect_meta, detect_style=detect_style, skip_values=SKIP,
                rank_skipped=RANK_SKIPPED)

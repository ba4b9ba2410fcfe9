"""腾讯问卷 (Tencent Survey) exports, CSV or a zip holding it: headers ``N.题干``, sub-columns ``N.题干:选项``;
metadata 编号, 开始答题时间, 结束答题时间, 答题时长, IP, 地理位置, UA, Referrer.  The columns and cells are
converted by the shared converter; this module says how the layout is recognised."""

from __future__ import annotations

import re
from typing import Optional

from .base import Headers, Layout

META = ("开始答题时间", "结束答题时间", "答题时长", "地理位置", "Referrer")
HEAD = re.compile(r"^\d+\.\D")  # N.题干


def detect_meta(h: Headers) -> Optional[str]:
    found = [c for c in META if c in h.cols]
    if found or ("编号" in h.cols and "ua" in h.low):
        return f"腾讯问卷 metadata column(s) {', '.join(found or ['编号', 'UA'])}"
    return None


def detect_style(h: Headers) -> Optional[str]:
    n = h.count(HEAD)
    return f"{n} 腾讯问卷-style question headers ('N.题干')" if n >= 2 else None


LAYOUT = Layout("tencent", "腾讯问卷", detect_meta=detect_meta, detect_style=detect_style)

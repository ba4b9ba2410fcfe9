"""Language conventions shared by every report writer (zh / en)."""

from __future__ import annotations

from typing import Iterable

LIST_SEP = {"zh": "、", "en": ", "}  # 顿号 between list items in Chinese, comma + space in English


def join_list(items: Iterable, lang: str) -> str:
    """Items as one running list: 甲、乙、丙 (zh) or a, b, c (en)."""
    return LIST_SEP.get(lang, LIST_SEP["zh"]).join(str(i) for i in items)

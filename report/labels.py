"""Language conventions shared by every report writer (zh / en)."""

from __future__ import annotations

from typing import Iterable

from survey.labels import LANGS, LABELS, label, labels  # noqa: F401  (the one zh/en table, keyed by code)


def join_list(items: Iterable, lang: str) -> str:
    """Items as one running list: 甲、乙、丙 (zh) or a, b, c (en)."""
    return label("sep.list", lang).join(str(i) for i in items)


def few_names(names: list, lang: str, k: int = 3) -> str:
    """At most ``k`` names, then how many there are in all: “甲”、“乙”、“丙”等5项 (a chart title, a
    summary sentence: a list a leader reads at a glance, not all 59 hot issues)."""
    if len(names) <= k:
        return join_list(names, lang)
    return join_list(names[:k], lang) + label("fig.more", lang).format(n=len(names))


def verdict_labels(lang: str) -> dict[str, str]:
    """{verdict as the analysis gives it (analysis.indicators VERDICT_*): its word in ``lang``}."""
    from analysis.indicators import VERDICT_ABOVE, VERDICT_BELOW, VERDICT_NS

    return {VERDICT_ABOVE: label("verdict.above", lang), VERDICT_BELOW: label("verdict.below", lang),
            VERDICT_NS: label("verdict.ns", lang)}


def overdue_words(open_items: int, overdue: int, lang: str = "zh") -> str:
    """How many of the ledger's ``open_items`` in-progress items are overdue, each count said once: 全部逾期,
    其中逾期3项 or 无逾期事项 (not 在办事项4项，其中逾期4项).  The one rule of the brief's 五、整改台账 and the
    report's 整改台账在办事项 paragraph."""
    which = ("all" if overdue == open_items else "some" if overdue else "none")
    return label(f"ledger.overdue_{which}", lang).format(overdue=overdue)

"""Who drives a hot issue: for each of the top hot issues and each grouping of the report, the
Rao–Scott F test of “chose the issue” × group among those asked (:func:`analysis.group_tests.
independence_test`, R ``svychisq``); when the groups differ (p < :data:`ALPHA`), the groups whose
share is significantly above (or below) that of all other groups (:func:`analysis.group_tests.
group_vs_rest`, R ``svyttest``), e.g. an issue raised mostly in 企业.

Hot-issue option shares carry the Korn–Graubard interval (:data:`HOT_CI`, R ``svyciprop(method =
"beta")``; at 0 or 100% the Clopper–Pearson interval with the design effect taken as 1, see
:mod:`analysis.ci`), so their bounds never leave 0–100% (checked in
``tests/test_group_tests_r_golden.py``).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from analysis import Design
from analysis.group_tests import CodedItem, chosen_codes, group_order, group_vs_rest_coded, independence_test
from analysis.indicators import Grouping
from analysis.thresholds import ALPHA, MIN_CELL, SMALL_BASE  # defined once

from .table_cells import p_text

HOT_CI = "clopper-pearson"  # Korn–Graubard under a design (analysis.ci)


def clip_share(rec: dict) -> dict:
    """A share's record with its interval cut to 0–1 (the % of mentions is a ratio with a Wald
    interval, which can cross 0 for a rarely named issue)."""
    if rec.get("ci_low") is not None:
        rec["ci_low"] = max(0.0, rec["ci_low"])
    if rec.get("ci_high") is not None:
        rec["ci_high"] = min(1.0, rec["ci_high"])
    return rec


_CHOSEN = np.array([0.0, 0.0, 1.0])  # per code of an option: chosen (1) or not (0) ...
_ASKED = np.array([False, True, True])  # ... and asked


def hot_issue_groups(des: Design, hits: Sequence[np.ndarray], asked: np.ndarray, codes: Sequence[int],
                     labels: Sequence[str], groupings: Sequence[Grouping], *, alpha: float = ALPHA) -> list:
    """``[{"code", "label", "by", "rao_scott", "higher": [group records], "lower": [...]}]`` for every option
    (``hits``: 1 = chosen per row) and grouping whose Rao–Scott test is significant; group records are
    :meth:`analysis.group_tests.GroupTest.to_dict` of groups with at least ``MIN_CELL`` asked respondents."""
    asked = np.asarray(asked, dtype=bool)
    out = []
    for g in groupings:
        order = None
        for hit, code, lab in zip(hits, codes, labels):
            yc, yv = chosen_codes(np.asarray(hit))  # 1 not chosen, 2 chosen
            rs = independence_test(des, None, asked, g.codes, coded=(yc, yv))
            if rs is None or rs.get("p") is None or rs["p"] >= alpha:
                continue
            # the option as answer codes (0 not asked, 1 asked and not chosen, 2 chosen): the group tests
            # gather int16 codes instead of a float and a bool column per row
            item = CodedItem(asked.astype(np.int16) + (asked & (yc == 2)), _CHOSEN, _ASKED)
            order = group_order(g.codes) if order is None else order  # sorted once per grouping
            tests = [t for t in group_vs_rest_coded(des, [item], g.codes, g.labels, order) if t.n >= MIN_CELL]
            hi = [t.to_dict(alpha) for t in tests if t.significant(alpha) and t.difference > 0]
            lo = [t.to_dict(alpha) for t in tests if t.significant(alpha) and t.difference < 0]
            out.append({"code": int(code), "label": str(lab), "by": g.name, "rao_scott": rs, "higher": hi, "lower": lo})
    return out


def driver_lines(hot: dict, group_words: dict, lang: str = "zh", small_base: int = SMALL_BASE) -> list:
    """One sentence per hot issue that some groups name at a significantly higher rate than the rest of
    the sample (the higher share, not who makes up most mentions).  A group of fewer than ``small_base``
    asked respondents is not named (:func:`report.findings.too_few_to_judge`, as no verdict and no district
    claim is stated on a small base; the group comparison lists it apart with its base)."""
    from .findings import too_few_to_judge
    from .labels import join_list, label

    out = []
    for r in hot.get("groups_differ") or []:
        higher = [t for t in r["higher"] or [] if not too_few_to_judge(t.get("n", small_base), small_base)]
        if not higher:
            continue
        gw = group_words.get(r["by"], r["by"])
        who = join_list((label("hot.higher_group", lang).format(
            group=t["group"], est=f"{100 * t['estimate']:.1f}%", rest=f"{100 * t['rest']:.1f}%", gw=gw)
            for t in higher), lang)
        out.append(label("hot.higher", lang).format(label=r["label"], gw=gw if lang != "en" else gw.lower(),
                                                    p=p_text(r["rao_scott"]["p"], named=True), who=who))
    return out



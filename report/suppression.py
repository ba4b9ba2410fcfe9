"""Small groups in the report: estimates of groups under ``min_cell`` respondents removed, groups under
``small_base`` flagged unreliable, the district league re-ranked over the groups still reported, and
open answers masked — applied to a copy of the analysis result before any chapter or writer sees it.

The league's rank range is the usual interval-overlap rule: a group ranks from 1 + (groups whose CI
lies entirely above it) to k − (groups whose CI lies entirely below it).
"""

from __future__ import annotations

import copy
from typing import Optional

from analysis.thresholds import MIN_CELL, SMALL_BASE
from survey.pii import mask_pii as _mask_pii

from .findings import withhold_verdicts


def mask_pii(text: str) -> str:
    """Mask phone numbers, resident ID numbers, e-mail addresses and names (:func:`survey.pii.mask_pii`)."""
    return _mask_pii(text)


RATE_SCALE = (0.0, 1.0)  # a rate or share of respondents


def index_scale(q) -> Optional[tuple]:
    """The satisfaction index's scale: the lowest and highest option score of the questionnaire's scored questions
    (e.g. (20, 100) for 非常满意100 … 非常不满意20); every index, area and composite index is a mean of such scores, so
    it cannot leave that range.  None when no question has scores."""
    vals = [v for sec in q.sections for qq in sec.questions for v in qq.scores.values()]
    return (min(vals), max(vals)) if vals else None


def clip_interval(d: Optional[dict], scale: Optional[tuple]) -> bool:
    """Cut the interval of the estimate record ``d`` to ``scale`` (lo, hi) in place, the report's copy only: a Wald
    interval of an index or a mean on a small base can reach beyond the scale (95.0 [88.1, 101.9] at n = 7), which
    no estimate can.  Returns whether a bound was cut.  ``survey analyze --json`` keeps the raw interval (R's
    ``confint`` does not clip)."""
    if not d or scale is None:
        return False
    cut = False
    lo, hi = scale
    if isinstance(d.get("ci_low"), (int, float)) and d["ci_low"] < lo:
        d["ci_low"], cut = lo, True
    if isinstance(d.get("ci_high"), (int, float)) and d["ci_high"] > hi:
        d["ci_high"], cut = hi, True
    return cut


def measure_scale(measure: str, index: Optional[tuple]) -> Optional[tuple]:
    """The scale of a ``measure``'s intervals: :data:`RATE_SCALE` for a rate, ``index`` (:func:`index_scale`) for
    an index."""
    return RATE_SCALE if measure == "rate" else index


def clip_to_scale(r: dict, index: Optional[tuple]) -> bool:
    """Every interval of the report's copy ``r`` cut to its measure's scale (:func:`clip_interval`): rates and
    shares to 0–1 (:data:`RATE_SCALE`), indexes (items, indicators, areas, the composite and the district league)
    to ``index`` (:func:`index_scale`; None: left as they are).  Returns whether any bound was cut."""
    scales = {m: measure_scale(m, index) for m in ("rate", "index")}
    cut = False
    for coll in (r.get("indicators") or [], r.get("items") or [], r.get("areas") or []):
        for rec in coll:
            for m, sc in scales.items():
                cut |= clip_interval(rec.get(m), sc)
                for rows in (rec.get(f"{m}_by") or {}).values():
                    for d in rows:
                        cut |= clip_interval(d, sc)
    comp = r.get("composite")
    if comp:
        cut |= clip_interval(comp, index)
        for rows in (comp.get("by") or {}).values():
            for d in rows:
                cut |= clip_interval(d, index)
    for d in (r.get("league") or {}).get("rows") or []:
        cut |= clip_interval(d, index)
    return cut


def _flag(d: dict, small_base: int, min_cell: int) -> dict:
    n = d.get("n")
    d["small_base"] = n is not None and n < small_base
    d["suppressed"] = n is None or n < min_cell
    if d["suppressed"]:
        for k in ("estimate", "se", "ci_low", "ci_high", "deff", "df"):
            if k in d:
                d[k] = None
    return d


def apply_thresholds(result: dict, small_base: int = SMALL_BASE, min_cell: int = MIN_CELL,
                     index: Optional[tuple] = None) -> dict:
    """A copy of ``result`` where every group estimate with n < ``min_cell`` is suppressed (estimate and
    interval removed, ``suppressed`` true) and every group with n < ``small_base`` is flagged
    ``small_base`` (unreliable).  League ranks are recomputed over the reported groups: the rank
    range of a group runs from 1 + (groups whose CI lies entirely above it) to k − (groups whose
    CI lies entirely below it).  Every interval is cut to its measure's scale (:func:`clip_to_scale`; ``index``:
    the index scale, :func:`index_scale`), ``meta.ci_clipped`` true when one was (the method note says so)."""
    r = withhold_verdicts(copy.deepcopy(result), small_base)  # no verdict stated on a small base (one rule)
    for coll in (r.get("indicators") or [], r.get("items") or [], r.get("areas") or []):
        for rec in coll:
            for key in ("rate_by", "index_by"):
                for rows in (rec.get(key) or {}).values():
                    for d in rows:
                        _flag(d, small_base, min_cell)
    if r.get("composite"):
        for rows in (r["composite"].get("by") or {}).values():
            for d in rows:
                _flag(d, small_base, min_cell)
    def flag_records(recs, keys):
        for rec in recs or []:
            for key in keys:
                if rec.get(key):
                    _flag(rec[key], small_base, min_cell)

    def flag_groups(by, items_key, keys):
        for groups in (by or {}).values():
            for g in groups.values():
                g["small_base"] = g.get("n", 0) < small_base
                g["suppressed"] = g.get("n", 0) < min_cell
                flag_records(g.get(items_key), keys)

    hot = r.get("hot_issues")
    if hot:
        for recs in (hot.get("by_site") or {}).values():
            flag_records(recs, ("respondents", "mentions"))
        flag_groups(hot.get("by"), "top", ("respondents", "mentions"))
    rk = r.get("ranking")
    if rk:
        flag_groups(rk.get("by"), "items", ("first_choice", "borda"))
    lg = r.get("league")
    if lg and lg.get("rows"):
        rows = [_flag(d, small_base, min_cell) for d in lg["rows"]]
        ok = sorted([d for d in rows if not d["suppressed"]], key=lambda d: -d["estimate"])
        for i, d in enumerate(ok):
            above = sum(1 for o in ok if o is not d and o["ci_low"] > d["ci_high"])
            below = sum(1 for o in ok if o is not d and o["ci_high"] < d["ci_low"])
            d.update(rank=i + 1, rank_best=above + 1, rank_worst=len(ok) - below)
            d["tied"] = d["rank_best"] != d["rank_worst"]
            d["tied_with"] = [o["group"] for o in ok if o is not d and not (o["ci_low"] > d["ci_high"]
                                                                            or o["ci_high"] < d["ci_low"])]
        sup = [d for d in rows if d["suppressed"]]
        for d in sup:
            d.update(rank=None, rank_best=None, rank_worst=None, tied=False, tied_with=[])
        lg["rows"] = ok + sup
    if lg:
        lg["small_base"] = small_base
    if clip_to_scale(r, index):  # after suppression: a removed interval is no interval cut
        r["meta"] = dict(r.get("meta") or {}, ci_clipped=True)
    ot = r.get("open_text")
    if ot:
        for e in ot.get("examples") or []:
            e["text"] = mask_pii(str(e["text"]))
    return r

"""Civic indicators: 知晓率, 支持率, 参与率, 满意率 (top-two-box), 满意度指数, area and composite indexes.

Pure and spec-driven (the questionnaire → spec bridge lives in the report pipeline).

Definitions (each a design-based domain estimate, see :mod:`analysis.domains`):

* **rate** of an item = share of valid answers whose code is in ``positive``
  (awareness/support/participation; for satisfaction the top-two-box 满意率);
* **index** of a satisfaction item = mean score of valid answers (满意度指数, scores from the
  questionnaire, e.g. 100/80/60/40/20);
* non-substantive answers (``na_codes``: 不了解/说不清) are, by default (``na_policy="exclude"``),
  excluded from the base; with ``"count_negative"`` they stay in the base of rates and count
  as not positive (indexes always exclude them).  Every result carries the base ``n`` and the
  share of answers excluded as not applicable;
* **indicator / area** rate and index = unweighted mean over its items of the item rates and
  indexes; **composite index** = Σ_a ω_a·index_a / Σ_a ω_a over the areas present, with
  ω_a the questionnaire's area weights.  Their standard errors come from the sum of the
  items' linearised influence functions, so covariances between items are respected
  (Lumley 2010, §2.4 — the same as R ``svycontrast`` on the joint ``svymean`` of all items);
* **verdict** against a target t: 达标 when the CI lies entirely above t, 未达标 when entirely
  below, 无显著差异 when it contains t.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import numpy as np

from .ci import critical_value
from .design import Design, DesignError
from .domains import make_engine

VERDICT_ABOVE = "达标"
VERDICT_BELOW = "未达标"
VERDICT_NS = "无显著差异"


NA_POLICIES = {"exclude": "exclude", "excluded": "exclude", "count_negative": "count_negative",
               "unsatisfied": "count_negative"}


def normalize_na_policy(policy: str) -> str:
    """``exclude``/``excluded`` (不了解/说不清 leave the base, the default) or ``count_negative``/
    ``unsatisfied`` (they stay in the base of rates and count as not positive)."""
    try:
        return NA_POLICIES[str(policy).strip().lower()]
    except KeyError:
        raise DesignError(f"unknown treatment of 不了解/说不清 '{policy}'; choose excluded or unsatisfied") from None


def verdict(ci_low: float, ci_high: float, target: Optional[float]) -> Optional[str]:
    """达标 if the interval is entirely above ``target``, 未达标 if entirely below, else 无显著差异."""
    if target is None or ci_low is None or ci_high is None or not np.isfinite(ci_low) or not np.isfinite(ci_high):
        return None
    if ci_low > target:
        return VERDICT_ABOVE
    if ci_high < target:
        return VERDICT_BELOW
    return VERDICT_NS


@dataclass
class ItemSpec:
    """One item (a question, or a matrix row) feeding an indicator."""

    key: str
    label: str
    indicator: str
    kind: str
    positive: tuple
    na_codes: tuple = ()
    scores: Optional[dict] = None
    area: Optional[str] = None
    target: Optional[float] = None  # for the rate
    index_target: Optional[float] = None  # on the score scale (e.g. 80 of 100)


@dataclass
class AreaSpec:
    id: str
    name: str
    weight: float


@dataclass
class Grouping:
    """A grouping variable: integer codes per row (−1 = missing) and the labels of its groups."""

    name: str
    codes: np.ndarray
    labels: list


@dataclass
class Stat:
    """One estimate for one group."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    df: float
    deff: float = float("nan")
    target: Optional[float] = None
    verdict: Optional[str] = None
    n_na: int = 0
    share_na: float = 0.0
    n_answered: int = 0

    def to_dict(self) -> dict:
        def f(x):
            if isinstance(x, (float, np.floating)):
                x = float(x)
                if np.isnan(x):
                    return None
                if np.isinf(x):
                    return "inf"
            if isinstance(x, np.integer):
                return int(x)
            return x

        return {k: f(v) for k, v in self.__dict__.items()}


@dataclass
class IndicatorResults:
    """Everything computed: per item, per indicator, per area and the composite, for every group."""

    groups: list  # [(grouping name or None, label or None)] in engine order
    items: dict = field(default_factory=dict)  # key -> {"rate": [Stat per group], "index": [...]}
    indicators: dict = field(default_factory=dict)  # indicator id -> {"rate": [...], "index": [...]}
    areas: dict = field(default_factory=dict)  # area id -> {"rate": [...], "index": [...]}
    composite: list = field(default_factory=list)  # [Stat per group]


def compute_indicators(design: Design, columns: Mapping[str, np.ndarray], items: Sequence[ItemSpec],
                       areas: Sequence[AreaSpec] = (), groupings: Sequence[Grouping] = (), *,
                       na_policy: str = "exclude", ci_method: str = "logit", confidence: float = 0.95,
                       df: Optional[float] = None, composite_target: Optional[float] = None) -> IndicatorResults:
    """Compute all indicators overall and for every group of every grouping (see module docstring)."""
    na_policy = normalize_na_policy(na_policy)
    eng = make_engine(design, [(g.codes, len(g.labels)) for g in groupings])
    groups: list = [(None, None)] + [(g.name, lab) for g in groupings for lab in g.labels]
    res = IndicatorResults(groups=groups)
    w = design.weights
    row_groups = [np.zeros(design.n, dtype=np.int64)] + [eng.group_of_row(k + 1, np.asarray(g.codes))
                                                          for k, g in enumerate(groupings)]
    n_groupings = len(row_groups)
    # rows with a missing group code point at an extra slot whose coefficients are zero
    gather = [None] + [np.where(rg >= 0, rg, eng.n_groups).astype(np.int32) for rg in row_groups[1:]]
    n_groupings = len(row_groups)
    # which aggregate buckets need influence values: multi-item indicators and areas; identical
    # item sets share one accumulator (e.g. a matrix that is both an indicator and an area)
    members: dict = {}
    for it in items:
        members.setdefault(("ind", it.indicator), []).append(it.key)
        if it.area:
            members.setdefault(("area", it.area), []).append(it.key)
    area_ids = {a.id for a in areas}
    need = {b: tuple(keys) for b, keys in members.items() if len(keys) > 1 or (b[0] == "area" and b[1] in area_ids)}
    acc_of: dict = {}  # bucket -> shared key (tuple of item keys)
    for b, keys in need.items():
        acc_of[b] = keys
    acc: dict = {}  # (item-key tuple, measure) -> [z per grouping]
    counts = {b: len(members[b]) for b in members}
    item_buckets: dict = {}
    for b, keys in need.items():
        for k in keys:
            item_buckets.setdefault(k, set()).add(keys)

    union: dict = {}  # (item-key tuple, measure) -> rows valid for at least one of the items
    answers: dict = {}  # item key -> (n_na per group, n_answered per group)

    def add_influence(key, measure, est, W, y, valid):
        targets = item_buckets.get(key)
        if not targets:
            return
        for t in targets:
            u = union.get((t, measure))
            union[(t, measure)] = valid.copy() if u is None else (u | valid)
        wd = np.where(valid, w, 0.0)
        wdy = wd * y
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.append(np.where(W > 0, 1.0 / W, 0.0), 0.0)
            b = np.append(np.where(W > 0, est / W, 0.0), 0.0)
        b = np.nan_to_num(b)
        for k in range(n_groupings):
            if k == 0:
                z = wdy * a[0]
                z -= wd * b[0]
            else:
                z = wdy * a.take(gather[k])
                z -= wd * b.take(gather[k])
            for t in targets:
                zs = acc.setdefault((t, measure), [None] * n_groupings)
                if zs[k] is None:
                    zs[k] = z.copy() if len(targets) > 1 else z
                else:
                    zs[k] += z

    for it in items:
        if it.key not in columns:
            raise DesignError(f"no data column '{it.key}' for indicator {it.indicator}")
        x = np.asarray(columns[it.key], dtype=float)
        answered = np.isfinite(x)
        is_na = answered & np.isin(x, it.na_codes) if it.na_codes else np.zeros(design.n, bool)
        substantive = answered & ~is_na
        rate_valid = substantive if na_policy == "exclude" else answered
        hit = np.isin(x, it.positive).astype(float)
        na_counts = eng._by_cs((is_na & (w > 0)).astype(float)).sum(1)
        ans_counts = eng._by_cs((answered & (w > 0)).astype(float)).sum(1)
        answers[it.key] = (na_counts, ans_counts)
        rate = eng.means(hit, rate_valid, proportion=True, ci_method=ci_method, confidence=confidence, df=df)
        entry = {"rate": _stats(rate, it.target, na_counts, ans_counts)}
        y_score = None
        if it.scores:
            y_score = np.zeros(design.n)
            for c, s in it.scores.items():
                y_score[x == c] = s
            idx = eng.means(y_score, substantive, confidence=confidence, df=df)
            entry["index"] = _stats(idx, it.index_target, na_counts, ans_counts)
        res.items[it.key] = entry
        # influence values for indicator/area/composite aggregates
        add_influence(it.key, "rate", rate.estimate, rate.weight, hit, rate_valid & (w > 0))
        if y_score is not None:
            add_influence(it.key, "index", idx.estimate, idx.weight, y_score, substantive & (w > 0))

    # aggregates: mean of item estimates, variance from summed influence
    def aggregate(bucket_kind, bucket_id, measure, keys, target):
        zs = acc.get((acc_of.get((bucket_kind, bucket_id)), measure))
        if zs is None:
            return None
        J = counts[(bucket_kind, bucket_id)]
        ests = np.array([[s.estimate for s in res.items[k][measure]] for k in keys])
        # an aggregate is defined where all of its items are (items of one question share their base)
        est = ests.mean(axis=0)
        var = eng.variance_of_influence([z / J for z in zs])
        u = union[(acc_of.get((bucket_kind, bucket_id)), measure)]
        ns, dfs = eng._by_cs(u.astype(float)).sum(1), eng.degf(u)
        if df is not None:
            dfs = np.full(eng.n_groups, float(df))
        n_na = sum(answers[k][0] for k in keys)
        n_ans = sum(answers[k][1] for k in keys)
        return _agg_stats(est, var, ns, dfs, confidence, target, measure == "rate", n_na, n_ans)

    by_ind: dict = {}
    by_area: dict = {}
    for it in items:
        by_ind.setdefault(it.indicator, []).append(it)
        if it.area:
            by_area.setdefault(it.area, []).append(it)
    for ind_id, its in by_ind.items():
        keys = [i.key for i in its]
        out = {}
        for measure, tgt in (("rate", its[0].target), ("index", its[0].index_target)):
            if measure == "index" and not its[0].scores:
                continue
            if len(its) == 1:
                out[measure] = res.items[keys[0]][measure]
            else:
                out[measure] = aggregate("ind", ind_id, measure, keys, tgt)
        res.indicators[ind_id] = out
    for a in areas:
        its = by_area.get(a.id)
        if not its:
            continue
        keys = [i.key for i in its]
        res.areas[a.id] = {m: aggregate("area", a.id, m, keys, None) for m in ("rate", "index")
                           if (m == "rate" or its[0].scores)}
    # composite index: weighted mean of the area indexes present in each group (weights re-normalised)
    present = [a for a in areas if a.id in res.areas and "index" in res.areas[a.id] and a.weight > 0]
    if present:
        A_est = np.array([[s.estimate for s in res.areas[a.id]["index"]] for a in present])  # areas × groups
        has = np.isfinite(A_est)
        wts = np.array([a.weight for a in present])[:, None] * has
        tot = wts.sum(0)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(tot > 0, wts / tot, 0.0)  # areas × groups
            est = np.where(tot > 0, np.nansum(np.where(has, A_est, 0) * share, axis=0), np.nan)
        zs = [np.zeros(design.n) for _ in range(n_groupings)]
        for j, a in enumerate(present):
            J = counts[("area", a.id)]
            for k, rg in enumerate(row_groups):
                fac = np.where(rg >= 0, share[j][np.where(rg >= 0, rg, 0)], 0.0) / J
                zs[k] += acc[(acc_of[("area", a.id)], "index")][k] * fac
        var = eng.variance_of_influence(zs)
        u = np.zeros(design.n, dtype=bool)
        keys = []
        for a in present:
            u |= union[(acc_of[("area", a.id)], "index")]
            keys += list(acc_of[("area", a.id)])
        ns, dfs = eng._by_cs(u.astype(float)).sum(1), eng.degf(u)
        if df is not None:
            dfs = np.full(eng.n_groups, float(df))
        n_na = sum(answers[k][0] for k in dict.fromkeys(keys))
        n_ans = sum(answers[k][1] for k in dict.fromkeys(keys))
        res.composite = _agg_stats(est, var, ns, dfs, confidence, composite_target, False, n_na, n_ans)
    return res


def _stats(g, target, na_counts, ans_counts) -> list:
    out = []
    for i in range(len(g.estimate)):
        share = float(na_counts[i] / ans_counts[i]) if ans_counts[i] else 0.0
        out.append(Stat(float(g.estimate[i]), float(g.se[i]), float(g.ci_low[i]), float(g.ci_high[i]), int(g.n[i]),
                        float(g.df[i]), float(g.deff[i]), target, verdict(float(g.ci_low[i]), float(g.ci_high[i]), target),
                        int(na_counts[i]), share, int(ans_counts[i])))
    return out


def _agg_stats(est, var, ns, dfs, confidence, target, proportion, n_na, n_ans) -> list:
    """Aggregate Stats: Wald interval with t(df), df and n from the rows valid for at least one item
    (R ``confint(svycontrast(...), df=degf(domain))``); ``share_na`` pooled over the items' answers."""
    se = np.sqrt(np.maximum(var, 0))
    dfv = np.asarray(dfs, dtype=float)
    c = critical_value(confidence, dfv)
    lo, hi = est - c * se, est + c * se
    if proportion:
        lo, hi = np.clip(lo, 0, 1), np.clip(hi, 0, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_ans > 0, n_na / np.maximum(n_ans, 1), 0.0)
    return [Stat(float(est[i]), float(se[i]), float(lo[i]), float(hi[i]), int(ns[i]), float(dfv[i]), float("nan"),
                 target, verdict(float(lo[i]), float(hi[i]), target), int(n_na[i]), float(share[i]), int(n_ans[i]))
            for i in range(len(est))]

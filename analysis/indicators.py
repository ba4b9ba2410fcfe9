"""Civic indicators: 知晓率, 支持率, 参与率, 满意率 (top-two-box), 满意度指数, area and composite indexes.

Pure and spec-driven (the questionnaire → spec bridge lives in the report pipeline).

Definitions (each a design-based domain estimate, see :mod:`analysis.domains`):

* **rate** of an item = share of valid answers whose code is in ``positive``
  (awareness/support/participation; for satisfaction the top-two-box 满意率);
* **index** of a satisfaction item = mean score of valid answers (满意度指数, scores from the
  questionnaire, e.g. 100/80/60/40/20);
* non-substantive answers (``na_codes``: 不了解/说不清) are, by default (``na_policy="exclude"``,
  alias ``"excluded"``), excluded from the base; with ``"count_negative"`` (alias
  ``"unsatisfied"``) they stay in the base of rates and count as not positive (indexes always
  exclude them: they have no score).  Every result carries the base ``n``, the number of such
  answers ``n_na``, the answers given ``n_answered`` and ``share_na = n_na / n_answered``;
* **indicator / area** rate and index = unweighted mean over its items of the item rates and
  indexes; **composite index** = Σ_a ω_a·index_a / Σ_a ω_a over the areas present, with
  ω_a the questionnaire's area weights.  Their standard errors come from the sum of the
  items' linearised influence functions, so covariances between items are respected
  (Lumley 2010, §2.4 — the same as R ``svycontrast`` on the joint ``svymean`` of all items);
* the base ``n`` and degrees of freedom of an aggregate are those of the respondents valid for
  at least one of its items (R ``degf`` of that domain);
* checked against R (``tests/golden/r_indicators.R``: ``svyciprop``/``svyby`` for item rates under
  both NA treatments, ``svymean`` for indexes, ``svycontrast`` of ``svytotal`` for areas,
  indicators and the composite) to 1e-8 (estimates, SEs) and 1e-6 (interval bounds);
* **verdict** against a target t: 达标 when the CI lies entirely above t, 未达标 when entirely
  below, 无显著差异 when it contains t.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping, Optional, Sequence

import numpy as np

from .design import BLOCK_ROWS, Design, DesignError
from .domains import CodeCounts, ValidRows, code_values, make_engine
from .result import WALD, Estimate, Wald

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
        raise DesignError(f"unknown treatment of 不了解/说不清 '{policy}'; choose excluded or unsatisfied",
                          kind="na-policy-choice", value=policy, choices="excluded, unsatisfied") from None


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

    def answer_flags(self, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(answered, non-substantive) per answer value ``vals`` (NaN = not answered): a non-substantive
        answer is one of ``na_codes`` (不了解/说不清)."""
        answered = np.isfinite(vals)
        return answered, (answered & np.isin(vals, self.na_codes) if self.na_codes else np.zeros(len(vals), bool))

    def code_tables(self, vals: np.ndarray, measure: str, na_policy: str) -> tuple[np.ndarray, np.ndarray]:
        """(valid, y) per answer value ``vals`` (a coded column's values, NaN = not answered) for
        ``measure``: the rate counts the positive answers (y 1/0) among the substantive answers (every
        answer under ``count_negative``); the index takes the score among the substantive answers that
        have one (y 0 where there is none)."""
        answered, is_na = self.answer_flags(vals)
        substantive = answered & ~is_na
        if measure == "rate":
            return (substantive if na_policy == "exclude" else answered), np.isin(vals, self.positive).astype(float)
        y = np.array([self.scores.get(v, np.nan) if np.isfinite(v) else np.nan for v in vals.tolist()])
        return substantive & np.isfinite(y), np.nan_to_num(y)


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


#: The fields of an indicator record (``survey analyze --json``, docs/analyze-json.md "The statistic record").
STAT_FIELDS = ("estimate", "se", "ci_low", "ci_high", "n", "df", "deff", "target", "verdict", "n_na", "share_na",
               "n_answered")


def stat_record(e: Estimate) -> dict:
    """The JSON record of one indicator estimate: :data:`STAT_FIELDS`, the verdict against its target
    from the interval at the estimate's confidence (NaN → None, inf → "inf").  Estimates without
    indicator annotations (multiple choice, ranking) get no target and zero 不了解 counts."""
    rec = e.record(("estimate", "se", "ci_low", "ci_high", "n", "df", "deff"))
    x = e.extra
    target = x.get("target")
    rec.update(target=target, verdict=verdict(e.ci_low, e.ci_high, target), n_na=int(x.get("n_na", 0)),
               share_na=float(x.get("share_na", 0.0)), n_answered=int(x.get("n_answered", 0)))
    return rec


@dataclass
class IndicatorResults:
    """Everything computed: per item, per indicator, per area and the composite, for every group."""

    groups: list  # [(grouping name or None, label or None)] in engine order
    # each measure is an Estimate over the groups (index 0 = overall) whose ``extra`` holds target,
    # n_na, share_na, n_answered; stat_record() gives one group's JSON record
    items: dict = field(default_factory=dict)  # key -> {"rate": Estimate, "index": Estimate}
    indicators: dict = field(default_factory=dict)  # indicator id -> {"rate": ..., "index": ...}
    areas: dict = field(default_factory=dict)  # area id -> {"rate": ..., "index": ...}
    composite: Optional[Estimate] = None


def compute_indicators(design: Design, columns: Mapping[str, np.ndarray], items: Sequence[ItemSpec],
                       areas: Sequence[AreaSpec] = (), groupings: Sequence[Grouping] = (), *,
                       na_policy: str = "exclude", ci_method: str = "logit", confidence: float = 0.95,
                       df: Optional[float] = None, composite_target: Optional[float] = None,
                       valid_rows: Optional[ValidRows] = None, code_counts: Optional[CodeCounts] = None) -> IndicatorResults:
    """Compute all indicators overall and for every group of every grouping (see module docstring).

    ``columns``: item key → answer codes per row (NaN = no answer), or an already coded column
    ``(codes, value per code)`` from :func:`analysis.domains.code_values`.

    Each item column is collapsed once to weighted sums per (cell, PSU, answer code)
    (:meth:`DomainEngine.tabulate`); its rate, index, base and 不了解 counts follow from those
    sums.  Aggregates add the items' influence functions: per (cell, PSU) for clustered designs,
    per row otherwise (each row is its own PSU).  ``valid_rows``: a :class:`analysis.domains.ValidRows`
    shared with other sections of the analysis (the group tests ask for the same items' valid rows);
    ``code_counts``: a :class:`analysis.domains.CodeCounts` shared likewise — an unweighted sample's
    tables hold every row's count per code, which the question tables and distributions then need
    not count again.
    """
    na_policy = normalize_na_policy(na_policy)
    eng = make_engine(design, [(g.codes, len(g.labels)) for g in groupings])
    groups: list = [(None, None)] + [(g.name, lab) for g in groupings for lab in g.labels]
    res = IndicatorResults(groups=groups)
    w = design.weights
    w_all_positive = bool(np.all(w > 0))
    n_groupings = 1 + len(groupings)
    # aggregates from cell × PSU influence totals; per row when unclustered, and on calibrated
    # designs (R's calibration residuals need every row's influence value), multistage and PPS
    clustered = eng.clustered and not eng.rowwise
    # aggregate buckets (multi-item indicators and areas); identical item sets share one accumulator
    members: dict = {}
    for it in items:
        members.setdefault(("ind", it.indicator), []).append(it.key)
        if it.area:
            members.setdefault(("area", it.area), []).append(it.key)
    area_ids = {a.id for a in areas}
    acc_of = {b: tuple(keys) for b, keys in members.items() if len(keys) > 1 or (b[0] == "area" and b[1] in area_ids)}
    counts = {b: len(members[b]) for b in members}
    item_buckets: dict = {}
    for keys in acc_of.values():
        for k in keys:
            item_buckets.setdefault(k, set()).add(keys)
    acc: dict = {}  # (item-key tuple, measure) -> [influence per grouping]: cell × PSU totals, or per row / w
    lazy: dict = {}  # unclustered: (item-key tuple, measure) -> the item keys whose influence it sums
    row_terms: dict = {}  # unclustered: (item key, measure) -> (L per grouping: cells × K, codes, K)
    paired: dict = {}  # unclustered: (item-key tuple, "index") -> its influence, formed with the rate's
    union: dict = {}  # (item-key tuple, measure) -> the items' (codes, valid codes): rows valid for one of them
    answers: dict = {}  # item key -> (n_na per group, n_answered per group)

    rows_valid = ValidRows(design.n) if valid_rows is None else valid_rows

    def union_rows(t, measure) -> np.ndarray:
        """The rows valid for at least one of the items of aggregate ``t`` (and of positive weight)."""
        u = rows_valid.of(union[(t, measure)])
        return u if w_all_positive else u & (w > 0)

    def add_influence(key, measure, g, A, B, d_c, y_c, codes, K):
        targets = item_buckets.get(key)
        if not targets:
            return
        for t in targets:
            union.setdefault((t, measure), []).append((codes, d_c > 0))
        if eng.replicate:  # replicate designs: aggregates from the items' replicate estimates (R × groups)
            for t in targets:
                cur = acc.get((t, measure))
                acc[(t, measure)] = g.replicates.copy() if cur is None else cur + g.replicates
            return
        if clustered:
            zs = [eng.cell_influence(k, A, B, g.estimate, g.weight) for k in range(n_groupings)]
        else:
            # z_i = w_i · L[cell_i, code_i], L = (d·y − ŷ_g d)/W_g for the row's group g: only the small
            # tables L are kept; the per-row values are formed per aggregate when it is finished (influence)
            dy = d_c * np.where(d_c > 0, y_c, 0.0)
            Ls = []
            for k in range(n_groupings):
                gk = eng.cell_group[k]
                ok = gk >= 0
                gi = np.where(ok, gk, 0)
                Wg = g.weight[gi]
                with np.errstate(invalid="ignore", divide="ignore"):
                    inv = np.where(ok & (Wg > 0), 1.0 / Wg, 0.0)
                    e = np.where(ok & (Wg > 0), g.estimate[gi], 0.0)
                Ls.append((dy[None, :] - e[:, None] * d_c[None, :]) * inv[:, None])  # cells × K
            row_terms[(key, measure)] = (Ls, codes, K)
            for t in targets:
                lazy.setdefault((t, measure), []).append(key)
            return
        for t in targets:
            cur = acc.get((t, measure))
            if cur is None:
                acc[(t, measure)] = [z.copy() for z in zs] if len(targets) > 1 else zs
            else:
                for k in range(n_groupings):
                    cur[k] += zs[k]

    def influence(t, measure, keep: bool = False):
        """The influence of aggregate ``t`` (item-key tuple) per grouping: ``acc`` (cell × PSU totals,
        replicate estimates), or per row / w on unclustered designs, summed over the items in order
        from their tables L (a few arrays of n rows at a time instead of one per aggregate and grouping)."""
        if (t, measure) in acc:
            return acc[(t, measure)]
        zs = paired.pop((t, measure), None)
        if zs is None:
            keys = lazy.get((t, measure))
            if keys is None:
                return None
            # the index of the same items is asked for next: formed in the same pass (one cell × code
            # index per row and item for both measures)
            other = "index" if measure == "rate" and lazy.get((t, "index")) == keys else None
            ms = [m for m in (measure, other) if m]
            n = len(eng.cell)
            sums = {m: [np.empty(n) for _ in range(n_groupings)] for m in ms}
            # each item's tables L of every measure and grouping side by side, one row per (cell, code):
            # a row's values of all of them in one gather (rows padded to 1, 2, 4 or 8 values, sizes numpy
            # gathers without a copy loop)
            outs = [(m, k) for m in ms for k in range(n_groupings)]
            width = next((b for b in (1, 2, 4) if b >= len(outs)), 8 * -(-len(outs) // 8))
            terms = []
            for key in keys:
                codes, K = row_terms[(key, measure)][1], row_terms[(key, measure)][2]
                T = np.zeros((row_terms[(key, measure)][0][0].size, width))  # cells × K rows
                for col, (m, k) in enumerate(outs):
                    T[:, col] = row_terms[(key, m)][0][k].ravel()
                terms.append((codes, K, T))
            blk = np.empty((min(n, BLOCK_ROWS), width))
            tmp = np.empty_like(blk)
            # a block of rows at a time, every item in turn: the block's sums stay in the CPU cache (the
            # first item's values taken straight into them, the others added in order, as item by item)
            for lo in range(0, n, BLOCK_ROWS):
                hi = min(lo + BLOCK_ROWS, n)
                cells, accb, buf = eng.cell[lo:hi], blk[:hi - lo], tmp[:hi - lo]
                for i, (codes, K, T) in enumerate(terms):
                    cellcode = cells * K + codes[lo:hi]
                    if i == 0:
                        np.take(T, cellcode, axis=0, out=accb, mode="clip")
                    else:
                        np.take(T, cellcode, axis=0, out=buf, mode="clip")
                        accb += buf
                for col, (m, k) in enumerate(outs):
                    sums[m][k][lo:hi] = accb[:, col]
            zs = sums[measure]
            if other:
                paired[(t, other)] = sums[other]
        if keep:
            acc[(t, measure)] = zs
        return zs

    def variance(zs, present: np.ndarray, est=None) -> np.ndarray:
        # present: the rows of the aggregate's domain (lonely-PSU rules, as Design.variance)
        if eng.replicate:  # zs: replicate estimates of the aggregate (R × groups)
            return design.replicate_variances(zs.T, est)
        if clustered:
            return eng.variance_of_cells(zs, present)
        # z per unit of weight; an unweighted sample's w·z is z itself (no product of every row)
        return eng.variance_of_influence(zs if eng.unit_weights else [w * z for z in zs], present)

    for it in items:
        if it.key not in columns:
            raise DesignError(f"no data column '{it.key}' for indicator {it.indicator}", kind="indicator-column",
                              column=it.key, indicator=it.indicator)
        col = columns[it.key]
        codes, vals = col if isinstance(col, tuple) else code_values(col)
        K = len(vals)
        tab = eng.tabulate(codes, K)
        if code_counts is not None and eng.unit_weights and not eng.replicate:  # Cn: every row's count
            code_counts.put(codes, K, tab.Cn.sum(axis=(0, 1)))
        answered, is_na = it.answer_flags(vals)
        valid, hit = it.code_tables(vals, "rate", na_policy)
        rate_valid = valid.astype(float)
        na_counts = (eng.G @ (tab.Cn @ is_na.astype(float))).sum(1)
        ans_counts = (eng.G @ (tab.Cn @ answered.astype(float))).sum(1)
        answers[it.key] = (na_counts, ans_counts)
        rate, A, B = eng.estimate(tab, rate_valid, hit, proportion=True, ci_method=ci_method, confidence=confidence, df=df)
        entry = {"rate": _stats(rate, it.target, na_counts, ans_counts)}
        add_influence(it.key, "rate", rate, A, B, rate_valid, hit, codes, K)
        if it.scores:
            valid, y = it.code_tables(vals, "index", na_policy)
            score_valid = valid.astype(float)
            idx, A, B = eng.estimate(tab, score_valid, y, confidence=confidence, df=df)
            entry["index"] = _stats(idx, it.index_target, na_counts, ans_counts)
            add_influence(it.key, "index", idx, A, B, score_valid, y, codes, K)
        res.items[it.key] = entry

    # an area whose items are exactly one indicator's (one indicator per area) has that indicator's
    # estimate, variance, n and df: computed once (only the target differs)
    area_sets = {acc_of[b] for b in acc_of if b[0] == "area"}
    done: dict = {}

    def aggregate(bucket, measure, keys, target):
        t = acc_of.get(bucket)
        hit = done.get((t, measure))
        if hit is None:
            # the area indexes are kept for the composite
            zs = influence(t, measure, keep=measure == "index" and t in area_sets)
            if zs is None:
                return None
            J = counts[bucket]
            est = np.array([res.items[k][measure].estimate for k in keys]).mean(axis=0)
            u = union_rows(t, measure)
            # the mean of J items: its influence is the items' sum / J, its variance (a quadratic form of
            # the influence, every lonely-PSU rule included) the sum's / J² (no divided copy of n rows)
            var = variance(zs / J, u, est) if eng.replicate else variance(zs, u, est) / J ** 2
            ns, dfs = eng.count_by(u).sum(1), eng.degf(u)
            if df is not None:
                dfs = np.full(eng.n_groups, float(df))
            n_na = sum(answers[k][0] for k in keys)
            n_ans = sum(answers[k][1] for k in keys)
            hit = done[(t, measure)] = (est, var, ns, dfs, n_na, n_ans)
        est, var, ns, dfs, n_na, n_ans = (np.array(a, copy=True) for a in hit)
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
            out[measure] = res.items[keys[0]][measure] if len(its) == 1 else aggregate(("ind", ind_id), measure, keys, tgt)
        res.indicators[ind_id] = out
    for a in areas:
        its = by_area.get(a.id)
        if not its:
            continue
        keys = [i.key for i in its]
        res.areas[a.id] = {m: aggregate(("area", a.id), m, keys, None) for m in ("rate", "index")
                           if (m == "rate" or its[0].scores)}
    # composite index: weighted mean of the area indexes present in each group (weights re-normalised)
    present = [a for a in areas if a.id in res.areas and res.areas[a.id].get("index") and a.weight > 0]
    if present:
        A_est = np.array([res.areas[a.id]["index"].estimate for a in present])  # areas × groups
        has = np.isfinite(A_est)
        wts = np.array([a.weight for a in present])[:, None] * has
        tot = wts.sum(0)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(tot > 0, wts / tot, 0.0)  # areas × groups
            est = np.where(tot > 0, np.nansum(np.where(has, A_est, 0) * share, axis=0), np.nan)
        zs = [None] * n_groupings
        if eng.replicate:  # replicate estimates of the composite: Σ_a share_a · (area a's replicates)
            zs = sum(acc[(acc_of[("area", a.id)], "index")] * (share[j] / counts[("area", a.id)])[None, :]
                     for j, a in enumerate(present))
        for j, a in enumerate(present if not eng.replicate else ()):
            J = counts[("area", a.id)]
            for k in range(n_groupings):
                gk = eng.cell_group[k]
                fac_cell = np.where(gk >= 0, share[j][np.where(gk >= 0, gk, 0)], 0.0) / J
                z = acc[(acc_of[("area", a.id)], "index")][k]
                term = z * (fac_cell[:, None] if clustered else fac_cell.take(eng.cell))
                zs[k] = term if zs[k] is None else zs[k] + term
        u = np.zeros(design.n, dtype=bool)
        keys = []
        for a in present:
            u |= union_rows(acc_of[("area", a.id)], "index")
            keys += list(acc_of[("area", a.id)])
        var = variance(zs, u, est)
        ns, dfs = eng.count_by(u).sum(1), eng.degf(u)
        if df is not None:
            dfs = np.full(eng.n_groups, float(df))
        keys = list(dict.fromkeys(keys))
        n_na = sum(answers[k][0] for k in keys)
        n_ans = sum(answers[k][1] for k in keys)
        res.composite = _agg_stats(est, var, ns, dfs, confidence, composite_target, False, n_na, n_ans)
    return res


def _share(n_na, n_ans) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_ans > 0, n_na / np.maximum(n_ans, 1), 0.0)


def _stats(g: Estimate, target, na_counts, ans_counts) -> Estimate:
    """An item's group estimates annotated with its target and 不了解 counts."""
    return _with_verdicts(replace(g, extra={"target": target, "n_na": np.asarray(na_counts).astype(np.int64),
                                            "share_na": _share(na_counts, ans_counts),
                                            "n_answered": np.asarray(ans_counts).astype(np.int64)}))


def _with_verdicts(e: Estimate) -> Estimate:
    """Add ``extra["verdict"]``: each group's verdict against the target at the estimate's confidence."""
    t = e.extra.get("target")
    lo, hi = np.atleast_1d(e.ci_low), np.atleast_1d(e.ci_high)
    e.extra["verdict"] = np.array([verdict(a, b, t) for a, b in zip(lo, hi)], dtype=object)
    return e


def _agg_stats(est, var, ns, dfs, confidence, target, proportion, n_na, n_ans) -> Estimate:
    """Aggregate estimates: Wald interval with t(df) (rates clipped to [0, 1]), df and n from the rows
    valid for at least one item (R ``confint(svycontrast(...), df=degf(domain))``); ``share_na`` pooled
    over the items' answers; no design effect."""
    return _with_verdicts(Estimate.of(
        est, var, n=np.asarray(ns, dtype=float), df=np.asarray(dfs, dtype=float), deff=np.nan, confidence=confidence,
        interval=Wald(clip=(0.0, 1.0)) if proportion else WALD,
        extra={"target": target, "n_na": np.asarray(n_na).astype(np.int64), "share_na": _share(n_na, n_ans),
               "n_answered": np.asarray(n_ans).astype(np.int64)}))

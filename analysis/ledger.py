"""The rectification ledger's rules (整改台账): which findings become items, and how an item is verified on a
later wave.  Pure: estimates in, proposals and verdicts out.

Rules (each item has one measure of one subject, for the city or one district):

* ``below_target`` — the indicator's CI lies entirely below its target (verdict 未达标), city level; the
  rate's target first, else the index's;
* ``decline`` — the headline measure fell significantly since the previous wave (independent samples,
  Welch–Satterthwaite t), p adjusted by Holm's step-down method over the indicators compared
  (family-wise error ``alpha``), city level;
* ``hot_issue`` — a hot issue named by a share of respondents whose CI lies entirely above the
  threshold (default 30 %), city level;
* ``district_below`` — a district's headline measure significantly below the city's (district minus
  the whole city, overlapping domains of one design: :func:`analysis.combine.vs_whole`), p adjusted by
  Holm over every district × indicator tested.

Holm (1979): sort the m p values, ``p_(i)·(m − i + 1)``, running maximum, capped at 1; with
``adjust="none"`` the raw p is used.  Verification (:func:`verify`) compares the item's subject in the
new wave with the wave it was raised in (independent samples): 显著改善 / 无显著变化 / 显著恶化 by the
sign of a significant difference (lower is better for hot issues), and whether the problem is fixed in the
data (the rule no longer raises it; for a decline: the new wave is no longer significantly below the
level before the decline) — never when the estimate moved the wrong way since, and not at all (no_data) on
an estimate from fewer than the small-base threshold of respondents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np

from .compare import Difference, independent_difference
from .result import json_value
from .thresholds import ALPHA

RULES = ("below_target", "decline", "hot_issue", "district_below")
ADJUST = ("holm", "none")
IMPROVED, UNCHANGED, WORSE, NO_DATA = "improved", "unchanged", "worse", "no_data"


def holm(p: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjusted p values (NaN stays NaN, not counted among the tests)."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = ok.size
    if not m:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    adj = np.maximum.accumulate(p[order] * (m - np.arange(m)))
    out[order] = np.minimum(adj, 1.0)
    return out


@dataclass(frozen=True)
class MeasureStat:
    """One estimate of a subject (an indicator's rate or index, a hot issue's share) for the city
    (``district`` None) or a district."""

    subject: str
    name: str
    measure: str          # rate | index | share
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    df: float
    area: Optional[str] = None
    district: Optional[str] = None
    target: Optional[float] = None
    verdict: Optional[str] = None

    @property
    def lower_is_better(self) -> bool:
        return self.measure == "share"  # a hot issue: fewer respondents worried is better


@dataclass(frozen=True)
class Evidence:
    """The numbers behind an item: the estimate with CI and n, the target or reference it is held against,
    and the test (difference, p, Holm-adjusted p) when the rule is a test."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    df: float
    target: Optional[float] = None
    reference: Optional[float] = None       # previous wave (decline) or the city (district_below)
    reference_se: Optional[float] = None
    reference_df: Optional[float] = None
    diff: Optional[float] = None
    p: Optional[float] = None
    p_adjusted: Optional[float] = None

    def to_dict(self) -> dict[str, Any]:
        return {k: json_value(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Proposal:
    """A proposed ledger item: rule, subject (indicator id or hot-issue option), measure, district."""

    rule: str
    subject: str
    name: str
    measure: str
    district: Optional[str]
    area: Optional[str]
    evidence: Evidence

    @property
    def key(self) -> tuple:
        return (self.rule, self.subject, self.measure, self.district or "")


def _ev(s: MeasureStat, **kw) -> Evidence:
    kw.setdefault("target", s.target)
    return Evidence(s.estimate, s.se, s.ci_low, s.ci_high, s.n, s.df, **kw)


def below_target(stats: Sequence[MeasureStat]) -> list[Proposal]:
    """Indicators whose verdict is 未达标, one item per subject (the first measure given that misses)."""
    out, seen = [], set()
    for s in stats:
        if s.target is None or s.subject in seen or not np.isfinite(s.ci_high) or s.ci_high >= s.target:
            continue
        seen.add(s.subject)
        out.append(Proposal("below_target", s.subject, s.name, s.measure, s.district, s.area, _ev(s)))
    return out


def _adjusted(p: Sequence[float], adjust: str) -> np.ndarray:
    if adjust not in ADJUST:
        raise ValueError(f"unknown adjustment '{adjust}'; choose holm or none")
    return holm(p) if adjust == "holm" else np.asarray(p, dtype=float)


def declines(current: Sequence[MeasureStat], previous: dict, *, alpha: float = ALPHA, adjust: str = "holm",
             confidence: float = 0.95) -> list[Proposal]:
    """Subjects whose estimate fell significantly against ``previous[(subject, measure)]`` (module docstring)."""
    pairs = [(s, previous[(s.subject, s.measure)]) for s in current if (s.subject, s.measure) in previous]
    diffs = [independent_difference(_rec(s), _rec(b), confidence=confidence) for s, b in pairs]
    padj = _adjusted([d.p for d in diffs], adjust)
    out = []
    for (s, b), d, pa in zip(pairs, diffs, padj):
        if np.isfinite(pa) and pa < alpha and d.estimate < 0:
            out.append(Proposal("decline", s.subject, s.name, s.measure, s.district, s.area,
                                _ev(s, reference=b.estimate, reference_se=b.se, reference_df=b.df, diff=d.estimate,
                                    p=d.p, p_adjusted=float(pa))))
    return out


def hot_issues(shares: Sequence[MeasureStat], threshold: float) -> list[Proposal]:
    """Hot issues whose share of respondents has its whole CI above ``threshold``."""
    return [Proposal("hot_issue", s.subject, s.name, s.measure, s.district, s.area, _ev(s, target=threshold))
            for s in shares if np.isfinite(s.ci_low) and s.ci_low > threshold]


def district_gaps(tests: Sequence[tuple[MeasureStat, MeasureStat, Difference]], *, alpha: float = ALPHA,
                  adjust: str = "holm") -> list[Proposal]:
    """(district stat, city stat, district − city) triples significantly below the city after adjustment."""
    padj = _adjusted([d.p for _, _, d in tests], adjust)
    out = []
    for (s, city, d), pa in zip(tests, padj):
        if np.isfinite(pa) and pa < alpha and d.estimate < 0:
            out.append(Proposal("district_below", s.subject, s.name, s.measure, s.district, s.area,
                                _ev(s, reference=city.estimate, reference_se=city.se, reference_df=city.df,
                                    diff=d.estimate, p=d.p, p_adjusted=float(pa))))
    return out


def _rec(x: Any) -> dict:
    return {"estimate": x.estimate, "se": x.se, "df": x.df}


@dataclass(frozen=True)
class Verification:
    """An item checked on a later wave: the new estimate, the change against the wave it was raised in,
    the verdict (improved / unchanged / worse / no_data) and whether the data no longer show the problem."""

    result: str
    fixed: bool
    new: Optional[MeasureStat]
    change: Optional[Difference]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"result": self.result, "fixed": self.fixed}
        if self.new is not None:
            d.update({"estimate": json_value(self.new.estimate), "ci_low": json_value(self.new.ci_low),
                      "ci_high": json_value(self.new.ci_high), "n": int(self.new.n)})
        if self.change is not None:
            c = self.change.to_dict()
            d.update({"diff": c["estimate"], "diff_low": c["ci_low"], "diff_high": c["ci_high"], "p": c["p"]})
        return d


def verify(rule: str, evidence: Evidence, new: Optional[MeasureStat], *, still_raised: bool,
           lower_is_better: bool = False, confidence: float = 0.95, min_n: int = 0) -> Verification:
    """Verify an item (module docstring).  ``still_raised``: the rule raises the same item on the new wave
    (ignored for ``decline``, which is fixed when the new wave is not significantly below the level before
    the decline).

    An estimate from fewer than ``min_n`` respondents (the project's ``small_base``) verifies nothing
    (no_data): its CI is so wide that the rule no longer raising the item says nothing about the problem.
    Nor is an estimate that moved the wrong way since the item was raised (lower; for a hot issue higher)
    ever a fix, whatever its CI against the target: a wide CI reaching the target is no sign of a fix."""
    if new is None or not np.isfinite(new.estimate) or not np.isfinite(new.se) or new.n < min_n:
        return Verification(NO_DATA, False, new, None)
    change = independent_difference(_rec(new), _rec(evidence), confidence=confidence)
    good = (change.estimate < 0) if lower_is_better else (change.estimate > 0)
    result = UNCHANGED if not change.significant else (IMPROVED if good else WORSE)
    if rule == "decline" and evidence.reference is not None:
        base = {"estimate": evidence.reference, "se": evidence.reference_se, "df": evidence.reference_df}
        d = independent_difference(_rec(new), base, confidence=confidence)
        fixed = not (d.significant and d.estimate < 0)
    else:
        fixed = not still_raised
    return Verification(result, bool(fixed) and bool(good), new, change)


__all__ = ["RULES", "ADJUST", "holm", "MeasureStat", "Evidence", "Proposal", "below_target", "declines",
           "hot_issues", "district_gaps", "Verification", "verify"]

"""Sample-size planning for estimating a proportion, and allocation across strata.

Required sample size (Cochran 1977, *Sampling Techniques*, 3rd ed., §4.4, eqs. 4.2–4.3)::

    n0    = z² p (1 − p) / e²                 z = Φ⁻¹(1 − (1 − confidence)/2)
    n_d   = n0 × deff                         (design effect of the planned design; Kish 1965)
    n     = n_d / (1 + (n_d − 1)/N)           (finite population correction, when N is given)

and the result is rounded up.  With e = 0.05, p = 0.5, 95 % this is the familiar 385; with
e = 0.03 it is 1068; with N = 1000 and e = 0.05 it is 278 (Krejcie & Morgan 1970, Table 1,
whose formula χ²NP(1−P)/(d²(N−1)+χ²P(1−P)) is the same expression).

Allocation of ``n`` across strata (Cochran 1977, §5.5–5.9):

* ``proportional``: n_h ∝ N_h;
* ``neyman``: n_h ∝ N_h S_h, where S_h is the stratum's standard deviation (column ``sd``) or
  √(p_h(1 − p_h)) from the stratum's anticipated proportion (column ``p``); Cochran eq. 5.26;
* ``equal``: n_h = n / H.

Constraints, applied to the real-valued allocation before rounding: no stratum gets more than
its population N_h, nor fewer than ``min_per_stratum`` (or N_h if smaller).  Strata that hit
a bound are fixed and the rest of ``n`` is re-allocated among the others in the same
proportions, until no bound is violated.  If the minimums alone need more than ``n``, the total
rises to the sum of the minimums (the result says so).  The integer allocation then keeps the
total exactly by the largest-remainder (Hamilton) method: every stratum gets the floor of its
share, and the units left go to the largest fractional parts (ties to the earlier stratum).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from . import distributions as D

ALLOCATIONS = ("proportional", "neyman", "equal")


class PlanningError(ValueError):
    """Inputs that cannot give a sample size or an allocation.

    ``str(e)`` is an English sentence; ``kind`` names the problem and ``params`` holds its values (the value
    given, the stratum), as :class:`analysis.design.DesignError` does."""

    def __init__(self, message: str = "", *, kind: str = "", **params: Any):
        super().__init__(message)
        self.kind = kind
        self.params = dict(params)

    def __reduce__(self):
        from .design import _restore_error

        return _restore_error, (type(self), self.args, dict(self.__dict__))


@dataclass(frozen=True)
class StratumAllocation:
    stratum: str
    population: float
    n: int
    ideal: float
    share: float
    sd: Optional[float] = None
    bound: Optional[str] = None  # "minimum", "population" or None

    def to_dict(self) -> dict:
        return {"stratum": self.stratum, "population": self.population, "n": self.n, "ideal": self.ideal,
                "share": self.share, "sd": self.sd, "bound": self.bound}


@dataclass(frozen=True)
class SamplePlan:
    """A sample size (``n``) with the steps that led to it, and an optional allocation."""

    margin: float
    confidence: float
    p: float
    deff: float
    population: Optional[float]
    z: float
    n0: float
    n_deff: float
    n_fpc: float
    n: int
    allocation_method: Optional[str] = None
    min_per_stratum: int = 0
    allocation: list = field(default_factory=list)
    n_allocated: Optional[int] = None
    notes: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"margin": self.margin, "confidence": self.confidence, "p": self.p, "deff": self.deff,
                "population": self.population, "z": self.z, "n0": self.n0, "n_deff": self.n_deff,
                "n_fpc": self.n_fpc, "n": self.n, "allocation_method": self.allocation_method,
                "min_per_stratum": self.min_per_stratum, "n_allocated": self.n_allocated,
                "allocation": [a.to_dict() for a in self.allocation], "notes": list(self.notes)}


def _ceil(x: float) -> int:
    """Round up, ignoring floating-point noise below 1e-9 (384.0000000001 → 384)."""
    return int(math.ceil(x - 1e-9))


def sample_size(margin: float, confidence: float = 0.95, p: float = 0.5, population: Optional[float] = None,
                deff: float = 1.0) -> SamplePlan:
    """Sample size to estimate a proportion ``p`` within ± ``margin`` (Cochran eqs. 4.2–4.3, × deff)."""
    if not (0 < margin < 1):
        raise PlanningError(f"the margin of error must be between 0 and 1 (e.g. 0.03 for ±3 points), not {margin}",
                            kind="margin", value=margin)
    if not (0 < confidence < 1):
        raise PlanningError(f"the confidence level must be between 0 and 1, not {confidence}", kind="confidence",
                            value=confidence)
    if not (0 < p < 1):
        raise PlanningError(f"the anticipated proportion p must be between 0 and 1, not {p}", kind="p", value=p)
    if not (deff > 0 and math.isfinite(deff)):
        raise PlanningError(f"the design effect must be a positive number, not {deff}", kind="deff", value=deff)
    if population is not None and not (population >= 1 and math.isfinite(population)):
        raise PlanningError(f"the population size must be at least 1, not {population}", kind="population",
                            value=population)
    z = float(D.norm_isf((1 - confidence) / 2))
    if margin < 1e-6 or not math.isfinite(z):  # n0 would overflow (1e-300 squared is 0)
        raise PlanningError(f"the margin of error {margin:g} is too small to plan for (at least 1e-06, i.e. "
                            "a sample of about 10^12); e.g. 0.03 for ±3 points", kind="margin-too-small",
                            value=margin)
    n0 = z * z * p * (1 - p) / (margin * margin)
    nd = n0 * deff
    nf = nd / (1 + (nd - 1) / population) if population is not None else nd
    n = _ceil(nf)
    if population is not None:
        n = min(n, int(math.floor(population)))
    return SamplePlan(margin=margin, confidence=confidence, p=p, deff=deff, population=population, z=z, n0=n0,
                      n_deff=nd, n_fpc=nf, n=max(n, 1))


def largest_remainder(quotas: Sequence[float], total: int) -> np.ndarray:
    """Integers that sum to ``total`` with each within 1 of its quota (Hamilton's method)."""
    q = np.asarray(quotas, dtype=float)
    base = np.floor(q + 1e-9).astype(np.int64)
    left = int(total - base.sum())
    if left > 0:
        frac = q - base
        order = np.argsort(-frac, kind="stable")
        base[order[:left]] += 1
    elif left < 0:  # pragma: no cover - quotas summing above total
        frac = q - base
        order = np.argsort(frac, kind="stable")
        for i in order[: -left]:
            base[i] -= 1
    return base


def allocate(n: int, populations: Sequence[float], method: str = "proportional", *,
             sds: Optional[Sequence[float]] = None, min_per_stratum: int = 0,
             names: Optional[Sequence[Any]] = None) -> tuple[list[StratumAllocation], int, list[str]]:
    """Allocate ``n`` across strata (see module docstring). Returns (allocation, total, notes)."""
    if method not in ALLOCATIONS:
        raise PlanningError(f"unknown allocation '{method}'; use one of: {', '.join(ALLOCATIONS)}",
                            kind="allocation-choice", value=method, choices=", ".join(ALLOCATIONS))
    N = np.asarray(populations, dtype=float)
    H = N.size
    if H == 0:
        raise PlanningError("the strata file lists no strata", kind="no-strata")
    names = [str(x) for x in (names if names is not None else range(1, H + 1))]
    if np.any(~np.isfinite(N)) or np.any(N < 1):
        i = int(np.flatnonzero(~(np.isfinite(N) & (N >= 1)))[0])
        raise PlanningError(f"every stratum needs a population size of at least 1; stratum '{names[i]}' has "
                            f"{N[i]:g}", kind="stratum-population", stratum=names[i], value=f"{N[i]:g}")
    if method == "neyman":
        if sds is None:
            raise PlanningError("Neyman allocation needs each stratum's standard deviation (sd) or proportion (p)",
                                kind="neyman-needs-sd")
        S = np.asarray(sds, dtype=float)
        if np.any(~np.isfinite(S)) or np.any(S < 0) or not np.any(S > 0):
            raise PlanningError("Neyman allocation needs non-negative standard deviations, not all zero",
                                kind="neyman-sd")
        a = N * S
    elif method == "proportional":
        a = N.copy()
    else:
        a = np.ones(H)
    notes: list[str] = []
    Nint = np.floor(N).astype(np.int64)
    total_pop = int(Nint.sum())
    if n > total_pop:
        notes.append(f"the sample size {n} exceeds the population {total_pop}; every unit is taken")
        n = total_pop
    lo = np.minimum(float(min_per_stratum), Nint).astype(float)
    hi = Nint.astype(float)
    if lo.sum() > n:
        notes.append(f"the minimum of {min_per_stratum} per stratum raises the total from {n} to {int(lo.sum())}")
        n = int(lo.sum())
    fixed = np.full(H, np.nan)
    bound: list[Optional[str]] = [None] * H
    for _ in range(2 * H + 2):
        free = np.isnan(fixed)
        rest = n - np.nansum(fixed)
        wsum = a[free].sum()
        x = np.where(free, (rest * a / wsum) if wsum > 0 else rest / max(free.sum(), 1), fixed)
        over = free & (x > hi + 1e-9)
        under = free & (x < lo - 1e-9)
        if not over.any() and not under.any():
            break
        for i in np.flatnonzero(over):
            fixed[i], bound[i] = hi[i], "population"
        if not over.any():
            for i in np.flatnonzero(under):
                fixed[i], bound[i] = lo[i], "minimum"
    ideal = x
    ints = largest_remainder(ideal, n)
    none = [i for i in range(H) if ints[i] == 0]
    if none:  # a stratum without a sample has no estimate: said, with the way to give it one
        why = " (its standard deviation is 0)" if method == "neyman" and all(a[i] == 0 for i in none) else ""
        notes.append(f"stratum {', '.join(repr(names[i]) for i in none)} gets no sample{why}: it would have no "
                     "estimate; give --min-per-stratum to sample it anyway")
    out = []
    for i in range(H):
        out.append(StratumAllocation(stratum=names[i], population=float(N[i]), n=int(ints[i]), ideal=float(ideal[i]),
                                     share=float(ints[i] / n) if n else 0.0,
                                     sd=float(sds[i]) if sds is not None else None, bound=bound[i]))
    return out, int(ints.sum()), notes


def plan(margin: float, confidence: float = 0.95, p: float = 0.5, population: Optional[float] = None,
         deff: float = 1.0, *, strata: Optional[Sequence[Any]] = None, strata_population: Optional[Sequence[float]] = None,
         strata_sd: Optional[Sequence[float]] = None, strata_p: Optional[Sequence[float]] = None,
         allocation: str = "proportional", min_per_stratum: int = 0) -> SamplePlan:
    """Sample size (and, with strata, its allocation).  The population defaults to the strata's sum.

    ``strata_p`` gives S_h = √(p_h(1−p_h)) for Neyman allocation when no ``strata_sd`` is given.
    """
    if min_per_stratum < 0:
        raise PlanningError("the minimum per stratum must not be negative", kind="min-per-stratum",
                            value=min_per_stratum)
    if strata_population is not None and population is None:
        population = float(np.sum(np.asarray(strata_population, dtype=float)))
    base = sample_size(margin, confidence, p, population, deff)
    if strata_population is None:
        return base
    sds = strata_sd
    if sds is None and strata_p is not None:
        pp = np.asarray(strata_p, dtype=float)
        if np.any(~np.isfinite(pp)) or np.any((pp < 0) | (pp > 1)):
            raise PlanningError("stratum proportions p must be between 0 and 1", kind="stratum-p")
        sds = list(np.sqrt(pp * (1 - pp)))
    alloc, total, notes = allocate(base.n, strata_population, allocation, sds=sds, min_per_stratum=min_per_stratum,
                                   names=strata)
    return SamplePlan(**{**base.__dict__, "allocation_method": allocation, "min_per_stratum": int(min_per_stratum),
                         "allocation": alloc, "n_allocated": total, "notes": notes})

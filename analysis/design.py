"""The survey design object: weights, strata, sampling units at each stage, fpc, PPS.

Mirrors R ``survey::svydesign(ids=~psu+ssu, strata=~h, weights=~w, fpc=~N1+N2, data=d)``.  The
variance of estimated totals whose (weighted) influence values are ``z`` is R's ``svyrecvar``:

* **first stage** (``survey:::onestage``), stratum by stratum with ``n_h`` PSUs::

      V₁ = Σ_h (1 − f_h) n_h/(n_h − 1) Σ_j (z_hj − z̄_h)(z_hj − z̄_h)ᵀ

  with ``z_hj`` the PSU totals of ``z``; ``f_h`` from ``fpc``: a value <= 1 is a sampling
  fraction, otherwise the population count of PSUs in the stratum (``f_h = n_h / N_h``);
* **later stages** (``survey:::multistage``, only when every stage has an fpc, as R): within each
  PSU i the same formula over its second-stage units, their stratum being the PSU, multiplied by
  the first-stage sampling fraction ``f₁ = n_h/N_h``, and so on down the stages::

      V = V₁ + Σ_i f₁ V₂(i) + Σ_i Σ_j f₁ f₂ V₃(i, j) + …

* **PPS without replacement**, Brewer's approximation (R ``pps="brewer"``, ``fpc`` = the PSUs'
  inclusion probabilities π_j): the first-stage formula with ``1 − f_h`` replaced by each PSU's
  ``1 − π_j`` (Brewer 2002; Berger 2004).

Only per-unit totals of ``z`` enter (per stratum × PSU at the first stage, per PSU × SSU at the
second...), so the computation scales to millions of rows and could run in a database.

Weights: given (``weights``), else derived from the fpc as R does — ``Π_stage N_s/n_s`` for
population counts, ``Π 1/f_s`` for fractions, ``1/π`` under PPS — else equal weights of 1.  A
design whose weights were derived says so in :attr:`Design.notes`.

PSU ids are always nested in strata (R ``nest=TRUE``); when the same PSU id occurs in several
strata the design notes it (R would refuse the design without ``nest=TRUE``).

Designs are immutable: :meth:`subset` (domain) and :meth:`with_weights` return new designs.
Domains zero the weights outside the subpopulation and keep every row, as R's ``subset()``.
Replicate-weight designs (R ``svrepdesign``) are in :mod:`analysis.replicates`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from .values import line_of

# Σw within this relative distance of n counts as Σw = n (weights scaled to mean 1, or to the sample size):
# R's without-replacement factor (N̂ − n)/N̂ of the design effect is then rounding noise — Σw = n + 3e-14 gave
# deff 7e15 (R too) — so V_srs is the with-replacement s²/n, as for Σw < n (analysis.estimators.srs_fpc_factor)
SUM_IS_N_RTOL = 1e-9


def sums_to_n(total, n):
    """Σw does not exceed n by more than :data:`SUM_IS_N_RTOL` (elementwise for arrays)."""
    return np.asarray(total, dtype=float) <= np.asarray(n, dtype=float) * (1 + SUM_IS_N_RTOL)

LONELY_PSU = ("fail", "certainty", "adjust", "average", "remove")
PPS_METHODS = ("brewer",)


class DesignError(ValueError):
    """A design specification or estimation request that cannot be honoured.

    ``str(e)`` is an English sentence for library callers; ``kind`` names the problem and ``params`` holds its
    values (a column, the file line of its first offending row, the value, how many rows are like it, the
    choices of an argument …), so that an application can say each problem in words of its own (minyi's
    catalogue: ``survey/design_messages.py``).  Subclasses (:class:`analysis.weighting.WeightingError`,
    :class:`analysis.calibration.CalibrationError`) carry their own kinds."""

    def __init__(self, message: str = "", *, kind: str = "", **params: Any):
        super().__init__(message)
        self.kind = kind
        self.params = dict(params)

    def __reduce__(self):  # kind and params survive a process boundary (pickle keeps only args by default)
        return _restore_error, (type(self), self.args, dict(self.__dict__))


def _restore_error(cls, args, state):
    e = cls.__new__(cls)
    e.args = args
    e.__dict__.update(state)
    return e


def _codes(values: Any, n: int, name: str, data: Optional[pd.DataFrame] = None,
           column: Optional[str] = None) -> tuple[np.ndarray, np.ndarray]:
    """Factorize a column into integer codes 0..k-1 (missing values are an error naming the first one's line
    of ``data``)."""
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if len(s) != n:
        raise DesignError(f"{name} has {len(s)} values for {n} rows", kind="length", what=name, count=len(s), rows=n)
    if s.isna().any():
        raise empty_ids(data if data is not None else pd.DataFrame(index=range(n)), s.isna().to_numpy(), name,
                        column if column is not None else name)
    codes, uniques = pd.factorize(s, sort=True)
    return codes.astype(np.int64), np.asarray(uniques)


def empty_ids(data: pd.DataFrame, miss: np.ndarray, role: str, column: str) -> DesignError:
    """Rows without a stratum or sampling-unit id (``miss``): the first one's line and how many."""
    i = int(np.flatnonzero(miss)[0])
    n = int(miss.sum())
    line = line_of(data, i)
    return DesignError(f"{role} column '{column}' line {line} is empty: every row needs a {role} "
                       f"({n} row{'s' if n != 1 else ''} without one)", kind="empty-id", role=role, column=column,
                       line=line, count=n)


def cell_text(v: Any) -> str:
    """A cell as its text for messages: "" when empty, a numpy scalar as its Python value (numpy 2's repr would
    print "np.float64(-1.0)"), a whole float without its ".0"."""
    v = v.item() if isinstance(v, np.generic) else v
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def bad_cells(data: pd.DataFrame, column: str, bad: np.ndarray, role: str, problem: str) -> DesignError:
    """Cells of a weight or fpc ``column`` the design cannot use (``bad``): ``problem`` "not-a-number" (empty,
    text, inf) or "negative".  Names the first one's line and value, and how many rows are like it."""
    i = int(np.flatnonzero(bad)[0])
    n = int(bad.sum())
    line, value = line_of(data, i), cell_text(data[column].iloc[i])
    if problem == "negative":
        more = f" ({n} rows have a negative value)" if n > 1 else ""
        text = f"{role} column '{column}' line {line}: {value} is negative; a {role} must be 0 or more{more}"
    else:
        more = f" ({n} rows lack one)" if n > 1 else ""
        cell = "the cell is empty" if value == "" else f"'{value}' is not a number"
        text = f"{role} column '{column}' line {line}: {cell}; every row needs a number there{more}"
    return DesignError(text, kind="negative" if problem == "negative" else "not-a-number", role=role, column=column,
                       line=line, value=value, count=n)


def _names(x: Any) -> list:
    """A column name, a list of names, or a comma-separated string of names → list of names."""
    if x is None:
        return []
    if isinstance(x, str):
        return [c.strip() for c in x.split(",") if c.strip()] if "," in x else [x]
    return list(x)


#: largest presence table (booleans) :func:`count_distinct` builds; beyond it, np.unique (sort/hash)
DISTINCT_TABLE_MAX = 50_000_000

#: rows of per-row values formed and summed at once where a loop over items fills and adds column-length
#: arrays (the group tests' features, the aggregates' influence, the drivers' area scores): a block of every
#: item's values stays in the CPU cache between being formed and summed.  At 1M rows on the benchmark VM
#: (one thread): group tests 1.91 s with 65,536 rows, 1.75 s with 16,384; the indicators' aggregates
#: 1.70 s with whole columns, 1.27–1.35 s with blocks of 16,384 (8,192 and 32,768 no better)
BLOCK_ROWS = 16_384


def unit_weights(w: np.ndarray) -> bool:
    """Every weight is 1 (an unweighted sample, whose sums of weights are its row counts, exactly); the
    first weight is looked at before the whole column.  False for no rows."""
    w = np.asarray(w)
    return bool(len(w)) and w[0] == 1.0 and bool(np.all(w == 1.0))


def sums_by(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Column sums of ``values`` (rows × k) per ``index`` value 0..n−1 (n × k).  Up to 64 columns one
    ``np.bincount`` per column: the same sums in the same order as ``np.add.at``, many times faster."""
    k = values.shape[1]
    if k <= 64:
        return np.column_stack([np.bincount(index, weights=values[:, j], minlength=n) for j in range(k)]) \
            if k else np.zeros((n, 0))
    out = np.zeros((n, k))
    np.add.at(out, index, values)
    return out


def count_distinct(codes: np.ndarray, size: int, groups: Optional[np.ndarray] = None, k: int = 1) -> np.ndarray:
    """Distinct values of ``codes`` (integers in 0..size−1) per group (``groups``: 0..k−1 per element;
    None = one group): a presence table of k × size booleans, which is many times faster than
    ``np.unique`` on a few hundred thousand int64 (the design df of every group test called it).
    Falls back to ``np.unique`` when the table would exceed :data:`DISTINCT_TABLE_MAX`.  Returns k counts."""
    codes = np.asarray(codes, dtype=np.int64)
    g = np.zeros(codes.size, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    size = max(int(size), 1)
    if k * size <= DISTINCT_TABLE_MAX:
        seen = np.zeros(k * size, dtype=bool)
        seen[g * size + codes] = True
        return seen.reshape(k, size).sum(axis=1)
    return np.bincount(np.unique(g * size + codes) // size, minlength=k)


def _mixed_fpc(data: pd.DataFrame, fpcs: Sequence[str], vals: Sequence[np.ndarray], psus: Sequence[str]
               ) -> DesignError:
    """fpc columns mixing population counts (> 1) and fractions (< 1): name a value of each kind by column,
    stage and line."""
    def first(test) -> tuple[int, int]:
        return next((k, int(np.flatnonzero(test(v))[0])) for k, v in enumerate(vals) if np.any(test(v)))

    kc, ic = first(lambda v: v > 1)
    kf, i_f = first(lambda v: v < 1)
    return DesignError(
        f"fpc values must be all population counts (>= 1) or all sampling fractions (<= 1): column '{fpcs[kf]}' of "
        f"{stage_name(kf, psus)} line {line_of(data, i_f)} has {vals[kf][i_f]:g} but column '{fpcs[kc]}' of "
        f"{stage_name(kc, psus)} line {line_of(data, ic)} has {vals[kc][ic]:g}", kind="fpc-mixed",
        column=fpcs[kf], stage=stage_name(kf, psus), line=line_of(data, i_f), value=f"{vals[kf][i_f]:g}",
        count_column=fpcs[kc],
        count_line=line_of(data, ic), count_value=f"{vals[kc][ic]:g}")


def _count_units(units: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per row: the number of distinct ``units`` in the row's ``groups`` (R ``as.fpc`` sampsize)."""
    pairs = np.unique(np.stack([groups, units]), axis=1)
    per = np.bincount(pairs[0], minlength=int(groups.max()) + 1)
    return per[groups].astype(float)


def stage_name(k: int, psus: Sequence[str]) -> str:
    """Stage ``k`` (0-based) in words for messages: "stage 2 ('school')"; "the rows" when there are no PSUs."""
    return f"stage {k + 1} ('{psus[k]}')" if k < len(psus) else "the sampled rows"


def _parent_name(data: pd.DataFrame, k: int, i: int, psus: Sequence[str], strata: Optional[str]) -> str:
    """Where row ``i``'s stage-``k`` unit was sampled: " in" its stratum (stage 1) or its unit of stage k − 1,
    named by column and value (" in stratum 'east' ('h')", " in 'district' D1 (stage 1)"); " in the sample (no
    strata)" for stage 1 without strata."""
    if k > 0:
        return f" in '{psus[k - 1]}' {data[psus[k - 1]].iloc[i]} (stage {k})"
    return f" in stratum '{data[strata].iloc[i]}' ('{strata}')" if strata is not None else " in the sample (no strata)"


def _where(data: pd.DataFrame, k: int, i: int, psus: Sequence[str], strata: Optional[str]) -> str:
    """:func:`_parent_name` without its " in" ("stratum 'east' ('h')"), for the params of an error."""
    where = _parent_name(data, k, i, psus, strata).strip().removeprefix("in ")
    return "no strata" if where == "the sample (no strata)" else where


@dataclass(frozen=True, eq=False)
class Stage:
    """A sampling stage after the first: ``units`` (code per row, unique across the design, nested in
    the units of the stage before) and each row's sampling fraction of units within its parent
    unit (``fraction``; 1 = every unit of the parent was taken)."""

    units: np.ndarray
    fraction: np.ndarray
    name: str = ""


@dataclass(frozen=True)
class Design:
    """An immutable survey design (R ``svydesign``).

    Attributes
    ----------
    data : DataFrame holding the variables (row order is the design's row order).
    weights : sampling weights (>= 0); zero outside a domain.
    strata : integer stratum code per row (all zero when unstratified).
    psu : integer PSU code per row, unique across strata (each row its own PSU when unclustered).
    fpc_fraction : first-stage sampling fraction f_h per row (0 when no fpc); under PPS the PSU's
        inclusion probability π_j.
    lonely_psu : what to do with a stratum holding one PSU: ``fail`` (default), ``certainty``,
        ``adjust``, ``average`` or ``remove`` (R ``options(survey.lonely.psu=...)``).
    stages : later sampling stages (:class:`Stage`), used for the variance when every stage has an fpc.
    pps : ``"brewer"`` for PPS sampling without replacement (Brewer's approximation), else None.
    notes : sentences on how the design was read (weights derived from the fpc, PSU ids nested...).
    rows : the rows R's design object would hold (bool; None = all): a domain of an uncalibrated,
        non-PPS design drops the other rows in R (``subset``), which matters only where R counts
        rows (Korn–Graubard's ``nrow(design)``, see :meth:`count_rows`).
    """

    data: pd.DataFrame
    weights: np.ndarray
    strata: np.ndarray
    psu: np.ndarray
    fpc_fraction: np.ndarray
    lonely_psu: str = "fail"
    has_strata: bool = False
    has_psu: bool = False
    has_fpc: bool = False
    spec: dict = field(default_factory=dict)
    strata_labels: tuple = ()
    stages: tuple = ()
    pps: Optional[str] = None
    notes: tuple = ()
    psu_labels: tuple = ()
    rows: Optional[np.ndarray] = None

    is_replicate = False  # analysis.replicates.ReplicateDesign: variances from replicate estimates

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(
        cls,
        data: pd.DataFrame,
        weights: str | Sequence[float] | np.ndarray | None = None,
        strata: str | None = None,
        psu: str | Sequence[str] | None = None,
        fpc: str | Sequence[str] | None = None,
        lonely_psu: str = "fail",
        nest: bool = True,
        pps: Optional[str] = None,
    ) -> "Design":
        """Build a design from columns of ``data`` (names) — R ``svydesign``.

        ``psu``: the first-stage sampling units, or a list of unit columns, one per stage
        (``["district", "school"]``, R ``ids=~district+school``; a comma-separated string works
        too).  ``fpc``: one column per stage of population counts (units per stratum at the first
        stage, per parent unit after) or sampling fractions (all values <= 1); with ``pps="brewer"``
        one column of the PSUs' inclusion probabilities.  ``weights`` may be a column name or an
        array; without weights they come from the fpc (see module docstring), else are 1.
        ``nest=True`` makes PSU ids relative to their stratum (R ``nest=TRUE``).
        """
        if lonely_psu not in LONELY_PSU:
            raise DesignError(f"lonely_psu must be one of {', '.join(LONELY_PSU)}, not {lonely_psu!r}",
                              kind="lonely-psu-choice", value=lonely_psu, choices=", ".join(LONELY_PSU))
        if pps is not None and pps not in PPS_METHODS:
            raise DesignError(f"pps must be one of {', '.join(PPS_METHODS)}, not {pps!r}", kind="pps-choice",
                              value=pps, choices=", ".join(PPS_METHODS))
        attrs = dict(data.attrs)
        data = data.reset_index(drop=True)
        data.attrs.update(attrs)
        n = len(data)
        if n == 0:
            raise DesignError("the data have no rows", kind="no-rows")
        psus, fpcs = _names(psu), _names(fpc)
        for name, cols in (("strata", _names(strata)), ("psu", psus), ("fpc", fpcs)):
            for col in cols:
                if col not in data.columns:
                    raise DesignError(f"{name} column '{col}' is not in the data", kind="missing-column", role=name,
                                      column=col)
        if fpcs and psus and len(fpcs) != len(psus) and not (len(fpcs) == 1 and len(psus) == 1):
            raise DesignError(f"give one fpc column per sampling stage: {len(psus)} stage(s) ({', '.join(psus)}) "
                              f"but {len(fpcs)} fpc column(s) ({', '.join(fpcs)}) (R needs fpc=~N1+N2 for "
                              "ids=~psu+ssu)", kind="fpc-stages", stages=len(psus), psu=", ".join(psus),
                              fpc_count=len(fpcs), fpc=", ".join(fpcs))
        if len(fpcs) > 1 and not psus:
            raise DesignError("several fpc columns need as many sampling stages (--psu a,b)", kind="fpc-no-stages",
                              fpc_count=len(fpcs), fpc=", ".join(fpcs))
        if pps is not None and (fpc is None or len(psus) > 1):
            raise DesignError("PPS (Brewer) needs one fpc column of inclusion probabilities and one sampling stage",
                              kind="pps-needs-fpc")
        notes: list[str] = []
        # ---- strata
        if strata is not None:
            s_codes, s_labels = _codes(data[strata], n, "stratum", data, strata)
            s_labels = tuple(s_labels.tolist())
        else:
            s_codes = np.zeros(n, dtype=np.int64)
            s_labels = ()
        # ---- sampling units per stage (stage 1 nested in strata, stage k in stage k-1)
        unit_codes: list[np.ndarray] = []
        p_labels: tuple = ()
        parent = s_codes
        repeats = False
        for k, col in enumerate(psus):
            raw = data[col]
            if raw.isna().any():
                raise empty_ids(data, raw.isna().to_numpy(), "psu" if k == 0 else "sampling unit", col)
            if k == 0 and strata is not None:
                by_raw, _ = pd.factorize(raw, sort=False)
                pairs = np.unique(np.stack([by_raw, s_codes]), axis=1)
                repeats = bool(np.any(np.bincount(pairs[0]) > 1))
                if repeats and not nest:
                    raise DesignError("a PSU appears in more than one stratum; use distinct PSU ids per stratum (nest)",
                                      kind="psu-in-strata", column=col, strata=strata)
            nested = (k > 0) or (nest and strata is not None)
            key = pd.Series(list(zip(parent, raw))) if nested else raw
            codes, uniq = pd.factorize(key, sort=False)
            codes = codes.astype(np.int64)
            if k == 0:
                first = np.full(codes.max() + 1, -1)
                first[codes] = s_codes
                if np.any(first[codes] != s_codes):
                    raise DesignError("a PSU appears in more than one stratum; use distinct PSU ids per stratum (nest)",
                                      kind="psu-in-strata", column=col, strata=strata)
                p_labels = tuple(str(u[1]) if nested else str(u) for u in uniq)
            unit_codes.append(codes)
            parent = codes
        if repeats:
            notes.append(f"PSU ids of '{psus[0]}' repeat across strata; PSUs are nested in strata (each "
                         "stratum's PSU 1 is a different PSU; R needs nest=TRUE for this design)")
        p_codes = unit_codes[0] if unit_codes else np.arange(n, dtype=np.int64)
        # ---- fpc per stage: sampling fractions
        fractions: list[np.ndarray] = []
        pop_counts: list[Optional[np.ndarray]] = []
        if fpcs:
            vals = []
            for col in fpcs:
                fv = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float)
                if not np.all(np.isfinite(fv)):
                    raise bad_cells(data, col, ~np.isfinite(fv), "fpc", "not-a-number")
                if np.any(fv < 0):
                    raise bad_cells(data, col, fv < 0, "fpc", "negative")
                vals.append(fv)
            allv = np.concatenate(vals)
            is_count = bool(np.any(allv > 1))
            if is_count and not np.all(allv >= 1):
                raise _mixed_fpc(data, fpcs, vals, psus)
            if pps is not None and is_count:
                raise DesignError("with PPS the fpc column holds inclusion probabilities (<= 1), not population counts",
                                  kind="pps-counts", column=fpcs[0])
            parents = [s_codes] + unit_codes[:-1] if unit_codes else [s_codes]
            units_k = unit_codes if unit_codes else [np.arange(n, dtype=np.int64)]
            for k, (col, fv) in enumerate(zip(fpcs, vals)):
                grp, units = parents[k], units_k[k]
                if pps is None:
                    n_grp = int(grp.max()) + 1
                    lo = np.full(n_grp, np.inf)
                    hi = np.full(n_grp, -np.inf)
                    np.minimum.at(lo, grp, fv)
                    np.maximum.at(hi, grp, fv)
                    if np.any(lo != hi):
                        i = int(np.flatnonzero(lo[grp] != hi[grp])[0])
                        j = int(np.flatnonzero((grp == grp[i]) & (fv != fv[i]))[0])
                        raise DesignError(
                            f"fpc column '{col}' of {stage_name(k, psus)} varies"
                            f"{_parent_name(data, k, i, psus, strata)}: line {line_of(data, i)} has {fv[i]:g}, "
                            f"line {line_of(data, j)} {fv[j]:g}; it must be one number there (the population count or "
                            f"sampling fraction of {stage_name(k, psus)})", kind="fpc-varies", column=col,
                            stage=stage_name(k, psus),
                            where=_parent_name(data, k, i, psus, strata).strip().removeprefix("in "),
                            line=line_of(data, i), value=f"{fv[i]:g}", line2=line_of(data, j), value2=f"{fv[j]:g}")
                else:
                    n_u = int(units.max()) + 1
                    lo = np.full(n_u, np.inf)
                    hi = np.full(n_u, -np.inf)
                    np.minimum.at(lo, units, fv)
                    np.maximum.at(hi, units, fv)
                    if np.any(lo != hi):
                        raise DesignError(f"fpc column '{col}' (inclusion probabilities) varies within a PSU",
                                          kind="pps-varies", column=col)
                    if np.any(fv <= 0):
                        i = int(np.flatnonzero(fv <= 0)[0])
                        raise DesignError(f"inclusion probabilities in '{col}' must be greater than 0",
                                          kind="pps-zero", column=col, line=line_of(data, i), value=f"{fv[i]:g}")
                if is_count:
                    sampled = _count_units(units, grp)
                    if np.any(fv < sampled):
                        i = int(np.flatnonzero(fv < sampled)[0])
                        raise DesignError(
                            f"fpc column '{col}' of {stage_name(k, psus)} line {line_of(data, i)}: population size "
                            f"{fv[i]:g} is smaller than the {int(sampled[i])} units of {stage_name(k, psus)} "
                            f"sampled{_parent_name(data, k, i, psus, strata)}", kind="fpc-too-small", column=col,
                            line=line_of(data, i), value=f"{fv[i]:g}", sampled=int(sampled[i]),
                            units=f"units of {stage_name(k, psus)}", where=_where(data, k, i, psus, strata))
                    fractions.append(sampled / fv)
                    pop_counts.append(fv)
                else:
                    fractions.append(fv)
                    pop_counts.append(None)
        f = fractions[0] if fractions else np.zeros(n)
        # ---- weights
        if weights is None:
            if fractions:
                w = np.ones(n)
                for fr in fractions:
                    w = w / fr
                if pps is not None:
                    notes.append(f"no weights given: sampling weights 1/π from the inclusion probabilities in "
                                 f"'{fpcs[0]}' (R svydesign)")
                elif pop_counts[0] is not None:
                    notes.append("no weights given: sampling weights derived from the fpc as "
                                 + " × ".join(f"{c}/(units of {stage_name(k, psus)} sampled)"
                                              for k, c in enumerate(fpcs)) + " (R svydesign)")
                else:
                    notes.append("no weights given: sampling weights derived from the fpc as "
                                 + " × ".join(f"1/{c} ({stage_name(k, psus)})" for k, c in enumerate(fpcs))
                                 + " (R svydesign)")
                if not np.all(np.isfinite(w)):
                    k = next(k for k, fr in enumerate(fractions) if np.any(fr == 0))
                    i = int(np.flatnonzero(fractions[k] == 0)[0])
                    raise DesignError(f"weights cannot be derived from the fpc: column '{fpcs[k]}' of "
                                      f"{stage_name(k, psus)} line {line_of(data, i)} is 0 (no unit sampled); give "
                                      "--weight, or the sampling fraction or population size there",
                                      kind="fpc-zero", column=fpcs[k], stage=stage_name(k, psus),
                                      line=line_of(data, i))
            else:
                w = np.ones(n)
        elif isinstance(weights, str):
            if weights not in data.columns:
                raise DesignError(f"weight column '{weights}' is not in the data", kind="missing-column",
                                  role="weight", column=weights)
            w = pd.to_numeric(data[weights], errors="coerce").to_numpy(dtype=float)
            if not np.all(np.isfinite(w)):
                raise bad_cells(data, weights, ~np.isfinite(w), "weight", "not-a-number")
            if np.any(w < 0):
                raise bad_cells(data, weights, w < 0, "weight", "negative")
        else:
            w = np.asarray(weights, dtype=float)
            if w.shape != (n,):
                raise DesignError(f"weights have shape {w.shape}, expected ({n},)", kind="length", what="weights",
                                  count=w.size, rows=n)
        if not np.all(np.isfinite(w)):
            raise DesignError("weights must be numbers; some are missing or not numeric", kind="weights-array",
                              reason="missing or not numeric")
        if np.any(w < 0):
            raise DesignError("weights must not be negative", kind="weights-array", reason="negative")
        if isinstance(weights, str) and sums_to_n(float(w.sum()), int(np.count_nonzero(w))):
            notes.append(f"the weights '{weights}' sum to no more than the number of rows, so design effects use the "
                         "with-replacement SRS variance (R deff='replace'); R's deff=TRUE would be infinite or "
                         "rounding noise there (docs/statistics.md)")
        stages = tuple(Stage(unit_codes[k], fractions[k] if k < len(fractions) else np.ones(n), psus[k])
                       for k in range(1, len(unit_codes)))
        spec = {"weights": weights if isinstance(weights, str) else (None if weights is None else "<array>"),
                "strata": strata, "psu": (psus[0] if len(psus) == 1 else (psus or None)),
                "fpc": (fpcs[0] if len(fpcs) == 1 else (fpcs or None)), "pps": pps,
                "weights_from_fpc": weights is None and bool(fractions), "psu_ids_repeat": repeats}
        return cls(data=data, weights=w, strata=s_codes, psu=p_codes, fpc_fraction=f, lonely_psu=lonely_psu,
                   has_strata=strata is not None, has_psu=bool(psus), has_fpc=bool(fpcs), spec=spec,
                   strata_labels=s_labels, stages=stages, pps=pps, notes=tuple(notes), psu_labels=p_labels)

    # ------------------------------------------------------------------ derived designs
    def subset(self, mask: Any) -> "Design":
        """Domain design: weights set to zero outside ``mask``; all rows (and PSUs) kept (R ``subset``)."""
        m = np.asarray(mask, dtype=bool)
        if m.shape != self.weights.shape:
            raise DesignError("domain mask has the wrong length", kind="length", what="the domain mask",
                              count=len(m), rows=self.n)
        rows = self.rows
        if not self.keeps_all_rows:
            rows = m if rows is None else (rows & m)
        return replace(self, weights=np.where(m, self.weights, 0.0), rows=rows)

    @property
    def keeps_all_rows(self) -> bool:
        """R's ``subset`` of a calibrated or PPS design keeps every row (weights set to 0); of other
        designs it drops the rows outside the domain."""
        return bool(getattr(self, "calibration", ())) or self.pps is not None

    def count_rows(self, valid: Optional[np.ndarray] = None) -> int:
        """Rows of R's design object for an estimate over ``valid`` rows: ``nrow(subset(design, valid))``.

        Rows with a zero weight count (R keeps them); rows outside an earlier :meth:`subset` or
        outside ``valid`` do not, except in calibrated and PPS designs, whose subsets keep every row."""
        keep = np.ones(self.n, dtype=bool) if self.rows is None else self.rows.copy()
        if valid is not None and not self.keeps_all_rows:
            keep &= np.asarray(valid, dtype=bool)
        return int(keep.sum())

    def with_weights(self, weights: np.ndarray) -> "Design":
        """A new plain :class:`Design` with other weights (e.g. after calibration), same strata/PSUs/fpc.

        Always a plain ``Design``: a calibration remembered by a subclass (``CalibratedDesign``)
        belongs to the old weights and is dropped (R: a design built on new weights has no
        ``postStrata``)."""
        w = np.asarray(weights, dtype=float)
        if w.shape != self.weights.shape:
            raise DesignError("new weights have the wrong length", kind="length", what="the new weights",
                              count=len(w), rows=self.n)
        kw = {f.name: getattr(self, f.name) for f in fields(Design)}
        kw["weights"] = w
        return Design(**kw)

    # ------------------------------------------------------------------ properties
    def __repr__(self) -> str:
        """One line, as R prints a design (``print(svydesign(...))``: its type and sizes): the columns the
        design was built from, the numbers of rows, strata and PSUs, and the degrees of freedom.  The
        dataclass default printed the data frame and every per-row array (thousands of lines)."""
        spec = self.spec or {}
        parts = [f"n={self.n:,}"]
        for key in ("weights", "strata", "psu", "fpc", "pps"):
            if spec.get(key):
                parts.append(f"{key}={spec[key]!r}")
        if self.has_strata:
            parts.append(f"{self._n_strata} strata")
        if self.has_psu:
            parts.append(f"{int(count_distinct(self.psu, int(self.psu.max()) + 1)[0]):,} PSUs")
        if getattr(self, "is_replicate", False):
            parts.append(f"{self.n_replicates} replicates ({getattr(self, 'rep_type', 'other')})")
        if getattr(self, "calibration", ()):
            parts.append("calibrated")
        if self.rows is not None or bool(np.any(self.weights == 0)):
            parts.append(f"{int(np.count_nonzero(self.weights > 0)):,} rows in the domain")
        parts.append(f"df={self.degf()}")
        return f"{type(self).__name__}({', '.join(parts)})"

    @property
    def n(self) -> int:
        """Rows in the design (including rows outside a domain)."""
        return int(self.weights.shape[0])

    @property
    def in_domain(self) -> np.ndarray:
        return self.weights > 0

    def degf(self) -> int:
        """Design degrees of freedom: PSUs minus strata among rows with non-zero weight (R ``degf``);
        computed once per design (it is immutable)."""
        return self._degf

    @cached_property
    def _degf(self) -> int:
        return self.degf_in(self.in_domain)

    def degf_in(self, inset: np.ndarray) -> int:
        """PSUs minus strata among the rows ``inset`` marks (R ``degf`` of the design restricted to them;
        0 when none).  Distinct PSUs by a presence table (:func:`count_distinct`, not a sort), or a count
        of the rows when each row is its own PSU (the unclustered design: no table of n entries)."""
        inset = np.asarray(inset, dtype=bool)
        if not inset.any():
            return 0
        if self._psu_per_row:
            n_psu = int(np.count_nonzero(inset))
        else:
            n_psu = int(count_distinct(self.psu[inset], int(self.psu.max()) + 1)[0])
        n_str = 1 if self._n_strata == 1 else int(count_distinct(self.strata[inset], self._n_strata)[0])
        return int(n_psu - n_str)

    @cached_property
    def _psu_per_row(self) -> bool:
        """Each row its own PSU, numbered 0..n−1 (what an unclustered design holds)."""
        return bool(np.array_equal(self.psu, np.arange(self.n)))

    # ------------------------------------------------------------------ variance primitive
    @property
    def needs_rows(self) -> bool:
        """True when first-stage totals of the raw influence values do not give the variance: a
        calibrated design (residuals per row) or a multistage design (totals at every stage)."""
        return self.multistage or bool(getattr(self, "calibration", ()))

    @property
    def multistage(self) -> bool:
        """True when the variance takes later stages into account (R: every stage has an fpc)."""
        return bool(self.stages) and self.has_fpc

    def influence(self, z: np.ndarray) -> np.ndarray:
        """Influence values as they enter the variance (n × k).  A calibrated design replaces them by
        its calibration residuals (:class:`analysis.weighting.CalibratedDesign`)."""
        return np.asarray(z, dtype=float).reshape(self.n, -1)

    def psu_totals(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-PSU totals of influence values ``z`` (n or n×k), with each PSU's stratum and fpc fraction."""
        return self._psu_totals_raw(self.influence(z))

    def _psu_totals_raw(self, z2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._psu_per_row:  # each row its own PSU, numbered as the rows: the totals are the rows
            return z2, self.strata, self.fpc_fraction
        n_psu = int(self.psu.max()) + 1
        tot = sums_by(self.psu, z2, n_psu)
        psu_stratum = np.zeros(n_psu, dtype=np.int64)
        psu_stratum[self.psu] = self.strata
        psu_f = np.zeros(n_psu)
        psu_f[self.psu] = self.fpc_fraction
        return tot, psu_stratum, psu_f

    def variance(self, z: np.ndarray, present: Optional[np.ndarray] = None) -> np.ndarray:
        """Covariance matrix (k×k) of the estimated totals whose influence values are ``z`` (n×k).

        ``z`` must already include the weights (z_i = w_i * u_i).  Implements R ``svyrecvar``:
        :meth:`variance_of_psu_totals` at the first stage (with the ``survey.lonely.psu`` options)
        and, for multistage designs with an fpc at every stage, the later stages (module
        docstring).  ``present`` marks the rows of the domain (default: rows with non-zero weight);
        strata (and, at later stages, units) without such rows take no part (R drops them).
        """
        z2 = self.influence(z)
        pres_rows = self.present_rows(present)
        tot, st, f = self._psu_totals_raw(z2)
        v = self.variance_of_psu_totals(tot, st, f, present_strata=self.strata_present(pres_rows))
        if self.multistage:
            v = v + self._later_stages(z2, pres_rows)
        return v

    def variance_of_rows(self, z_rows: np.ndarray, rows: np.ndarray, present: Optional[np.ndarray] = None) -> np.ndarray:
        """:meth:`variance` of influence values that are 0 outside ``rows`` (distinct row positions;
        ``z[rows] = z_rows``), e.g. a model fitted to some rows (:func:`analysis.glm.svyglm`).

        For an unclustered design with one stratum, no fpc, no PPS and no calibration (a simple random
        sample, weighted or not) the PSU totals are the rows and R's one-stage sum over all n of them
        (:meth:`variance_of_psu_totals`, n/(n − 1) Σ (z − m)(z − m)ᵀ with m = Σ z / n) is, split into the
        given rows and the others, n/(n − 1) (Σ_rows (z − m)(z − m)ᵀ + (n − |rows|) m mᵀ): the zero rows
        are never formed (at 1M rows × 6 coefficients, a 48 MB array).  With one stratum of n > 1 rows
        no stratum is lonely, so ``present`` changes nothing there.  Any other design: z is formed and
        :meth:`variance` asked."""
        rows = np.asarray(rows, dtype=np.int64)
        z_rows = np.asarray(z_rows, dtype=float)
        z_rows = z_rows[:, None] if z_rows.ndim == 1 else z_rows
        srs = (not self.is_replicate and not self.needs_rows and self.pps is None and not self.has_fpc
               and self._n_strata == 1 and self.n > 1 and self._psu_per_row)
        if not srs:
            z = np.zeros((self.n, z_rows.shape[1]))
            z[rows] = z_rows
            return self.variance(z, present)
        n = self.n
        m = z_rows.sum(axis=0) / n
        S = (n - len(rows)) * np.outer(m, m)
        for lo in range(0, len(z_rows), BLOCK_ROWS):  # centred a block at a time (no second rows × p array)
            dev = z_rows[lo:lo + BLOCK_ROWS] - m
            S += dev.T @ dev
        return S * (n / (n - 1))

    def variances(self, z: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Per column j of ``z`` (n × k), the variance with column j's own domain ``present[:, j]``
        (n × k booleans): :meth:`variance` column by column, residuals and totals computed once."""
        z2 = self.influence(z)
        present = np.asarray(present, dtype=bool).reshape(self.n, -1)
        tot, st, f = self._psu_totals_raw(z2)
        out = np.empty(z2.shape[1])
        for j in range(z2.shape[1]):
            pj = present[:, j] if present.shape[1] > 1 else present[:, 0]
            v = self.variance_of_psu_totals(tot[:, j], st, f, present_strata=self.strata_present(pj))[0, 0]
            if self.multistage:
                v = v + self._later_stages(z2[:, [j]], self.present_rows(pj))[0, 0]
            out[j] = v
        return out

    def _later_stages(self, z2: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Σ over stages s ≥ 2 of Π_{t<s} f_t × the one-stage variance of stage-s units within their
        parent units (R ``survey:::multistage``: ``nPSU/fpc`` times the recursive call per cluster)."""
        k = z2.shape[1]
        out = np.zeros((k, k))
        parent = self.psu
        mult = self.fpc_fraction.copy()  # n/N of the parent unit's stage, per row
        for s_idx, stage in enumerate(self.stages, start=2):
            units = stage.units
            n_u = int(units.max()) + 1
            tot = sums_by(units, z2, n_u)
            u_parent = np.zeros(n_u, dtype=np.int64)
            u_parent[units] = parent
            u_f = np.zeros(n_u)
            u_f[units] = stage.fraction
            u_mult = np.zeros(n_u)
            u_mult[units] = mult
            n_p = int(parent.max()) + 1
            pres = np.zeros(n_p, dtype=bool)
            pres[parent[present]] = True
            out = out + self._onestage(tot, u_parent, u_f, present_strata=pres, mult=u_mult, stage=s_idx,
                                       per_stratum_average=True)
            mult = mult * stage.fraction
            parent = units
        return out

    def present_rows(self, present: Optional[np.ndarray] = None) -> np.ndarray:
        """The rows of R's design object for the domain ``present`` (default: rows with non-zero weight):
        those rows, except that R's ``subset`` of a calibrated or PPS design keeps every row (weights 0,
        :attr:`keeps_all_rows`), so there every row of the design (of an earlier subset) takes part — all its
        strata count for the lonely-PSU options (``average`` divides by them all, as R's ``onestage``)."""
        if self.keeps_all_rows:
            return np.ones(self.n, dtype=bool) if self.rows is None else np.asarray(self.rows, dtype=bool)
        return self.weights > 0 if present is None else np.asarray(present, dtype=bool)

    def strata_present(self, present: Optional[np.ndarray] = None) -> np.ndarray:
        """Boolean per stratum code: does the stratum hold a row of the domain ``present``
        (default: rows with non-zero weight; every row of a calibrated or PPS design, :meth:`present_rows`)?"""
        m = self.present_rows(present)
        out = np.zeros(self._n_strata, dtype=bool)
        if self._n_strata == 1:  # one stratum: whether any row is present (no gather of every row's stratum)
            out[0] = bool(m.any())
        else:
            out[self.strata[m]] = True
        return out

    @cached_property
    def _n_strata(self) -> int:
        """Stratum codes run 0..n_strata − 1 (computed once: the design is immutable)."""
        return int(self.strata.max()) + 1 if self.n else 1

    def lonely_strata(self) -> np.ndarray:
        """Stratum codes whose sample holds one first-stage unit (PSU; a row when there are no clusters) and that
        are not sampled completely (1 − f_h ≥ 1e-7): R's lonely-PSU strata, whose variance the ``lonely_psu``
        option decides (:meth:`variance_of_psu_totals`).  Counted over the whole design, as R's ``nPSU``.
        PSU codes are dense (``pd.factorize``), so the PSUs' strata are one scatter."""
        if not self.n:
            return np.zeros(0, dtype=np.int64)
        n_psu = int(self.psu.max()) + 1
        ps = np.zeros(n_psu, dtype=np.int64)
        ps[self.psu] = self.strata
        pf = np.zeros(n_psu)
        pf[self.psu] = self.fpc_fraction
        n_h = np.bincount(ps, minlength=self._n_strata)
        complete = np.ones(self._n_strata, dtype=bool)
        np.logical_and.at(complete, ps, 1.0 - pf < 1e-7)
        return np.flatnonzero((n_h == 1) & ~complete)

    def stratum_label(self, code: int) -> str:
        """The stratum's value in the data (for messages)."""
        return str(self.strata_labels[code]) if code < len(self.strata_labels) else str(code + 1)

    def _stage_words(self, stage: int) -> str:
        """Stage ``stage`` (1-based) of a multistage design and its column, for messages: "stage 1 ('district')"."""
        psu = self.spec.get("psu")
        cols = psu if isinstance(psu, list) else [psu]
        col = cols[stage - 1] if stage - 1 < len(cols) and cols[stage - 1] else None
        return f"stage {stage}" + (f" ('{col}')" if col else "")

    def lonely_error(self, codes: Sequence[int]) -> DesignError:
        """The ``fail`` error for lonely strata ``codes`` (stratum codes), naming up to five of them."""
        codes = [int(c) for c in codes]
        names = ", ".join(self.stratum_label(c) for c in codes[:5]) + (", ..." if len(codes) > 5 else "")
        return DesignError(
            f"stratum {names} has only one PSU, so its variance cannot be estimated; "
            "set the lonely-PSU option (--lonely-psu) to certainty, adjust, average or remove "
            "(R survey.lonely.psu)", kind="lonely-psu", strata=names, count=len(codes),
            column=self.spec.get("strata") or "")

    def variance_of_psu_totals(self, tot: np.ndarray, st: np.ndarray, f: np.ndarray,
                               present_strata: Optional[np.ndarray] = None) -> np.ndarray:
        """Covariance matrix from PSU totals ``tot`` (PSUs × k), each PSU's stratum ``st`` and fpc fraction ``f``.

        R ``survey:::onestrat`` (survey 4.1), stratum by stratum with ``n_h`` PSUs:

        * a stratum sampled completely (``1 − f_h < 1e-7``) contributes 0, whatever the lonely
          option (a self-representing / certainty stratum is never an error);
        * ``n_h > 1``: ``(1 − f_h) n_h/(n_h − 1) Σ_j (z_hj − z̄_h)(z_hj − z̄_h)ᵀ`` (under PPS each
          PSU's own ``1 − π_j``: Brewer's approximation);
        * ``n_h = 1`` (lonely PSU), R ``options(survey.lonely.psu=...)``:
          ``fail`` raises naming the stratum; ``certainty`` and ``remove`` contribute 0;
          ``adjust`` contributes ``(1 − f_h) z_h z_hᵀ`` (the PSU total is centred at 0, the
          mean of the centred influence values, instead of at itself); ``average`` drops the
          stratum and multiplies the sum by (all strata)/(strata that were not dropped).

        Domains keep every PSU (zero weights), so ``n_h`` counts the design's PSUs as R's
        ``nPSU`` does, and a domain absent from some PSUs of a stratum is not "lonely" (R's
        default ``survey.adjust.domain.lonely=FALSE``).  Strata holding no row of the domain
        (``present_strata`` False) take no part at all — R's ``subset()`` drops their rows —
        so a lonely stratum outside the domain neither fails nor counts for ``average``.
        """
        return self._onestage(tot, st, f, present_strata=present_strata)

    def _onestage(self, tot: np.ndarray, st: np.ndarray, f: np.ndarray, *, present_strata=None,
                  mult: Optional[np.ndarray] = None, stage: int = 1, per_stratum_average: bool = False) -> np.ndarray:
        """:meth:`variance_of_psu_totals` for any stage: units' totals ``tot``, their "stratum" ``st``
        (the parent unit after the first stage), fraction ``f`` and a per-unit multiplier ``mult``
        (the sampling fractions of the stages above).  ``per_stratum_average``: R's ``average``
        rescaling happens within each parent unit (one stratum per recursive call), which makes a
        lonely unit's variance NaN, as R."""
        tot = np.asarray(tot, dtype=float)
        if tot.ndim == 1:
            tot = tot[:, None]
        n_strata = int(max(int(self.strata.max()) if stage == 1 else 0, int(st.max()) if st.size else 0)) + 1
        n_h = np.bincount(st, minlength=n_strata).astype(float)
        sum_h = sums_by(st, tot, n_strata)
        mean_h = sum_h / np.where(n_h > 0, n_h, 1)[:, None]
        dev = tot - (mean_h[0] if n_strata == 1 else mean_h[st])  # one stratum: no units × k gather
        one_minus_f = 1.0 - f
        if self.pps is not None and stage == 1:
            certain = np.zeros(len(f), dtype=bool)
            all_certain = np.ones(n_strata, dtype=bool)
            np.logical_and.at(all_certain, st, one_minus_f < 1e-7)
            certain = all_certain[st]
        else:
            certain = one_minus_f < 1e-7                 # unit of a completely sampled stratum
        lonely = (n_h[st] == 1) & ~certain
        if present_strata is not None:
            pres = np.zeros(n_strata, dtype=bool)
            pres[: len(present_strata)] = present_strata
            lonely &= pres[st]
        else:
            pres = n_h > 0
        mode = self.lonely_psu
        if lonely.any():
            if mode == "fail":
                if stage == 1:
                    raise self.lonely_error(np.unique(st[lonely]))
                raise DesignError(f"a unit of {self._stage_words(stage - 1)} holds only one sampled unit of "
                                  f"{self._stage_words(stage)}, so the variance of that stage cannot be estimated; "
                                  "set the lonely-PSU option (--lonely-psu) to certainty, adjust, average or "
                                  "remove (R survey.lonely.psu)", kind="lonely-unit",
                                  parent=self._stage_words(stage - 1), stage=self._stage_words(stage))
            if mode == "adjust":
                dev[lonely] = tot[lonely]
            else:  # certainty, remove, average: no contribution (average rescales below)
                dev[lonely] = 0.0
        dev[certain] = 0.0
        scale = np.where(n_h[st] > 1, n_h[st] / np.maximum(n_h[st] - 1, 1), 1.0) * one_minus_f
        if mult is not None:
            scale = scale * mult
        if scale.size and scale.min() == scale.max():  # one factor for every unit: no scaled copy of dev
            v = (dev.T @ dev) * scale[0]
        else:
            v = (dev * scale[:, None]).T @ dev
        if lonely.any() and mode == "average":
            if per_stratum_average:
                v = v * np.nan
            else:
                n_all = int(np.sum(pres & (n_h > 0)))
                n_ok = n_all - np.unique(st[lonely]).size
                v = v * n_all / n_ok if n_ok > 0 else v * np.nan
        return v

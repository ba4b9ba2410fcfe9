"""Weighting to population margins: post-stratification, raking, trimming; Kish effective n.

All functions take a :class:`~analysis.design.Design` and return a NEW design (the input is
never changed) plus a :class:`WeightingReport`.  The new design (a :class:`CalibratedDesign`)
remembers the calibration (``.calibration``) so standard errors are computed with the calibration (residual)
adjustment, exactly as R's ``survey`` package does for ``postStratify``/``rake`` designs.

Post-stratification — R ``postStratify(design, ~v, pop)`` (Holt & Smith 1979; Lumley 2010, §7.2)
    Within each post-stratum (category) ``g`` the weights are multiplied by ``N_g / Σ_{i∈g} w_i``,
    so the weighted count of every category equals its population count.

Raking — R ``rake(design, sample.margins, population.margins, control)`` (Deming & Stephan 1940,
iterative proportional fitting)
    One *pass* post-stratifies on each margin in turn.  After each pass the weighted joint table
    of all margin variables is compared with the table before the pass; raking stops when the
    largest absolute cell change is below ``epsilon`` or after ``maxit`` passes.  The defaults
    are R's: ``maxit=10``, ``epsilon=1`` — a value ``< 1`` is taken as a fraction of the sum of
    the input weights, otherwise as an absolute weighted count.  Use a small ``epsilon`` (e.g.
    ``1e-10``) and a larger ``maxit`` to reproduce the margins to rounding error.  The weights
    are those of R's ``rake()`` with the same ``control`` (checked to 1e-6 relative, see
    ``tests/golden/r_weighting.R``).

Margins (``margins={variable: spec}``)
    ``spec`` is a mapping ``{category: value}``, a ``pd.Series`` (index = category), or a
    DataFrame whose first column (or the column named like the variable) holds categories and
    whose second column (or ``Freq``) holds values.  Values are population counts, or shares
    when every value of the margin is <= 1.  Shares must add up to 1 (within 0.5 %, published
    tables are rounded; they are then normalised) and are turned into counts by multiplying
    with, in this order: ``population_total`` if given, else the common total of the margins
    given as counts, else the weighted sample total ``Σ w`` of the input design (so weighting to
    shares keeps the sum of the weights).  All margins must describe the same population total
    (within 1e-6 relative); otherwise raking cannot converge and an error is raised.
    Categories are matched as text (``1``, ``1.0`` and ``"1"`` are the same category).  A key
    ``"a+b"`` (when no column has that name) is a cross-classified margin over the cells of ``a`` and
    ``b`` (R ``postStratify(design, ~a+b, pop)`` / a ``~a+b`` margin in ``rake``); its categories are
    ``(a, b)`` tuples or DataFrame columns ``a``, ``b``, shown as ``"a × b"``.  A margin
    category absent from the sample (no row with positive weight), a sample category absent from
    the margin, or a category with population 0 but sample rows are refused with
    :class:`WeightingError` naming the variable and categories (R refuses these too:
    "Some strata absent from sample", "Strata in sample absent from population").

Trimming — ``cap`` (R ``trimWeights(design, upper, strict=TRUE)``)
    :func:`trim_weights` is R's ``trimWeights``: weights above ``upper`` (below ``lower``) are set
    to the bound and the amount trimmed is shared out *equally* among the weights that were not
    trimmed (so the total is kept); ``strict=True`` repeats until no weight is outside the
    bounds.  ``cap=c`` in :func:`rake` / :func:`poststratify` means ``upper = c × mean(w)`` and
    runs trim-and-rerake: trim (strict) then calibrate again starting from the trimmed weights,
    until no weight exceeds the cap (relative 1e-9) and the calibration converged, or
    ``cap_maxit`` rounds.  The last step is always a calibration, so margins are met; the report
    says whether the cap was also met (``cap_satisfied``) and the final largest ratio.

Standard errors after calibration (R ``svyrecvar`` with ``design$postStrata``)
    Before the PSU totals are formed, the influence values ``x`` are replaced by residuals:
    post-stratification ``x − w'·m_g`` with ``m_g = Σ_{g} x·w/w' / Σ_{g} w`` (``w`` weights
    before, ``w'`` after, R ≥ 4.1); raking 10 sweeps over the margins of
    ``x − w_k·ave_g(x/w_k)`` with ``w_k`` the weights after margin ``k`` in the last pass and
    ``ave_g`` the unweighted mean in category ``g``.  These are the linearisation ("g-weight")
    variance estimators of Deville & Särndal (1992) as implemented in R.

Weighting efficiency and Kish's effective sample size (Kish 1965, §11.7)
    ``n_eff = (Σw)² / Σw²``; efficiency ``= n_eff / n`` (n = rows with positive weight);
    the design effect due to weighting ``= n / n_eff = 1 + CV²(w)``.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping, Optional, Sequence

import numpy as np
import pandas as pd

from .design import Design, DesignError
from .result import REPR_ROWS
from .values import normalize_value

SHARE_TOLERANCE = 0.005
MISFIT_TOLERANCE = 0.01  # raking: a margin category off by more than this share of its target is said
TOTAL_TOLERANCE = 1e-6


class WeightingError(DesignError):
    """A margin (or a weighting argument) that cannot be used, with the variable and categories concerned.

    ``str(e)`` is an English sentence for library callers; ``kind`` names the problem and ``params`` holds its
    values, so that an application can say it in words of its own (minyi's catalogue, ``report/datafile_weight.py`` and
    ``report/project.py``).  The kinds and their params (besides ``variable``):

    ``missing-variable`` (a margin variable not in the data; ``candidates``), ``missing-values`` (``column``,
    ``rows`` without a category), ``joint-columns`` (a cross-classified DataFrame margin with too few columns;
    ``count`` category columns needed), ``margin-type`` (``type`` of a margin that is no mapping, Series or
    DataFrame), ``margin-columns`` (a DataFrame margin of one column), ``blank-category``, ``duplicate``
    (``category``), ``bad-population`` (``categories`` whose value is no non-negative number), ``empty``,
    ``margins-type`` (``type`` of ``margins`` that is no mapping), ``no-margins``, ``not-in-sample`` /
    ``not-in-margin`` (``absent``: margin categories without sample rows of positive weight, ``absent_rows``:
    the rows of weight 0 those of them in the data have; ``not_in_margin``: sample categories the margin lacks,
    ``not_in_margin_rows`` their rows; the kind is ``not-in-sample`` when ``absent`` is not empty),
    ``zero-population`` (``categories``), ``shares`` (their ``sum``), ``population-total`` (a
    ``population_total`` that is not positive), ``totals`` (count margins of different ``totals``,
    {variable: total}), ``totals-population`` (count margins whose ``totals`` differ from the given
    ``population_total``), ``trim-bounds`` (``upper``, ``lower``), ``cap``, ``maxit``, ``poststratify-margins``
    (``count`` margins given to post-stratification), ``unknown-method`` (``method``).
    ``categories`` lists the offending categories; ``candidates`` maps each to its closest
    categories on the other side (for "did you mean" hints).
    """

    def __init__(self, message: str, *, variable: Optional[str] = None, kind: str = "",
                 categories: Sequence[str] = (), candidates: Optional[dict] = None, **params: Any):
        super().__init__(message)
        self.variable = variable
        self.kind = kind
        self.categories = list(categories)
        self.candidates = dict(candidates or {})
        self.params = dict(params)
        if variable is not None:
            self.params.setdefault("variable", variable)
        if categories:
            self.params.setdefault("categories", list(categories))


def said_categories(categories: Sequence[str], rows: Optional[Mapping[str, int]] = None,
                    zero_weight: bool = False) -> str:
    """``'a' (3 rows), 'b'``: categories quoted, each with its number of rows where ``rows`` has it (``zero_weight``:
    rows that all weigh 0) — how :class:`WeightingError` lists the categories of ``not-in-sample`` /
    ``not-in-margin``."""
    rows = rows or {}
    note = " row(s), all of weight 0" if zero_weight else " rows"
    return ", ".join(f"'{c}' ({int(rows[c])}{note})" if c in rows else f"'{c}'" for c in categories)


# ----------------------------------------------------------------------------- calibration adjustments
@dataclass(frozen=True, eq=False)
class PostStratAdjustment:
    """Residual adjustment of one post-stratification (R ``svyrecvar``, ordinary post-strata)."""

    codes: np.ndarray      # post-stratum code per row
    weights: np.ndarray    # weights after post-stratification (R attr "weights")
    oldweights: np.ndarray  # weights before (R attr "oldweights")

    def residuals(self, x: np.ndarray) -> np.ndarray:
        psw = self.weights.copy()
        oldw = self.oldweights
        psw[(psw == 0) & (oldw == 0)] = 1.0
        k = int(self.codes.max()) + 1
        den = np.bincount(self.codes, weights=oldw, minlength=k)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(psw != 0, oldw / psw, 0.0)
        out = np.empty_like(x)
        for j in range(x.shape[1]):
            num = np.bincount(self.codes, weights=x[:, j] * ratio, minlength=k)
            with np.errstate(divide="ignore", invalid="ignore"):
                m = np.where(den != 0, num / den, 0.0)
            out[:, j] = x[:, j] - m[self.codes] * psw
        return out


@dataclass(frozen=True, eq=False)
class RakingAdjustment:
    """Residual adjustment of one raking (R ``svyrecvar``, class "raking": 10 sweeps)."""

    margins: tuple  # ((codes, weights after this margin in the last pass), ...)
    sweeps: int = 10

    def residuals(self, x: np.ndarray) -> np.ndarray:
        x = np.array(x, dtype=float, copy=True)
        prepared = []
        for codes, psw in self.margins:
            k = int(codes.max()) + 1
            cnt = np.bincount(codes, minlength=k).astype(float)
            safe = np.where(psw != 0, psw, 1.0)
            prepared.append((codes, psw, safe, k, cnt))
        for _ in range(self.sweeps):
            for codes, psw, safe, k, cnt in prepared:
                for j in range(x.shape[1]):
                    s = np.bincount(codes, weights=x[:, j] / safe, minlength=k)
                    x[:, j] -= psw * (s / np.where(cnt > 0, cnt, 1.0))[codes]
        return x


@dataclass(frozen=True, repr=False)  # Design.__repr__: one line
class CalibratedDesign(Design):
    """A design whose weights were calibrated; remembers the calibrations for SEs (R ``design$postStrata``).

    Identical to :class:`Design` except that :meth:`influence` replaces the influence
    values by their calibration residuals (each adjustment in order, as R's ``svyrecvar``), so
    every estimator that goes through :meth:`Design.variance` gets R's calibrated SEs.
    Domains (:meth:`subset`) keep the calibration, as R's ``subset()`` keeps ``postStrata``.
    """

    calibration: tuple = ()

    def influence(self, z: np.ndarray) -> np.ndarray:
        z2 = np.asarray(z, dtype=float).reshape(self.n, -1)
        for cal in self.calibration:
            z2 = cal.residuals(z2)
        return z2


def _calibrated(design: Design, weights: np.ndarray, calibration: tuple) -> CalibratedDesign:
    base = design.with_weights(weights)
    kw = {f.name: getattr(base, f.name) for f in fields(Design)}
    return CalibratedDesign(**kw, calibration=calibration)


def _calibration_of(design: Design) -> tuple:
    return tuple(getattr(design, "calibration", ()))


# ----------------------------------------------------------------------------- report
@dataclass(frozen=True)
class WeightingReport:
    """What weighting did: convergence, trimming, margins before/after, efficiency."""

    method: str
    iterations: int
    max_change: float
    epsilon: float
    converged: bool
    n: int
    sum_weights: float
    kish_n_eff: float
    efficiency: float
    deff_weighting: float
    weight_min: float
    weight_max: float
    weight_mean: float  # Σw over every row, those of weight 0 included (R's mean(weights(design)); --cap's base)
    max_ratio: float
    cap: Optional[float] = None
    cap_satisfied: Optional[bool] = None
    trim_rounds: int = 0
    n_trimmed: int = 0
    margins: list = field(default_factory=list)
    n_zero: int = 0  # rows of weight 0: outside n but inside weight_mean's denominator
    warnings: list = field(default_factory=list)  # e.g. margin categories ignored by partial post-stratification

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        return d

    def __repr__(self) -> str:
        """A summary line (method, convergence, n, Σw, Kish's n_eff and efficiency, weight range), the margins
        before and after as a table and the warnings — the dataclass default was one line of thousands of
        characters with every margin's full-precision floats."""
        head = (f"WeightingReport({self.method}: {'converged' if self.converged else 'NOT converged'} in "
                f"{self.iterations} iteration(s), n={self.n}, sum of weights {self.sum_weights:,.6g}, Kish n_eff "
                f"{self.kish_n_eff:,.1f} (efficiency {self.efficiency:.1%}), weights {self.weight_min:.4g} to "
                f"{self.weight_max:.4g})")
        return "\n".join([head, *table_lines(self.margins), *(f"warning: {w}" for w in self.warnings)])


def table_lines(rows: Sequence[dict], max_rows: int = REPR_ROWS) -> list[str]:
    """``rows`` (records) as an aligned table for a ``repr``; beyond ``max_rows`` the first ones and a line
    saying how many are not shown (nothing is cut without saying so)."""
    if not rows:
        return []
    frame = pd.DataFrame(list(rows)[:max_rows])
    lines = ["  " + line for line in frame.to_string(index=False, float_format=lambda v: f"{v:,.6g}").splitlines()]
    if len(rows) > max_rows:
        lines.append(f"  ... {len(rows) - max_rows} more row(s) not shown (tidy() gives them all)")
    return lines


def kish_n_eff(weights: Any) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²`` (Kish 1965) of ``weights``: the weights, or a design (its
    weights; R ``1/mean(weights(d)^2)*mean(weights(d))^2*nrow(d)``)."""
    w = np.asarray(getattr(weights, "weights", weights), dtype=float)
    s2 = float(np.dot(w, w))
    return float(w.sum() ** 2 / s2) if s2 > 0 else float("nan")


def weighting_efficiency(weights: Any) -> float:
    """``n_eff / n`` with n the number of positive weights (1 = no loss from weighting)."""
    w = np.asarray(weights, dtype=float)
    n = int(np.count_nonzero(w))
    return kish_n_eff(w) / n if n else float("nan")


# ----------------------------------------------------------------------------- margins
def _label(v: Any) -> Optional[str]:
    """A category's text by the one rule of :func:`analysis.values.normalize_value` (data and margins alike):
    stripped, "1" = "1.0", "0101" ≠ "101"."""
    return normalize_value(v)


JOINT_SEP = " × "


def joint_parts(variable: str, columns: Sequence[Any]) -> list[str]:
    """``'sex+age'`` → ``['sex', 'age']`` when it is not itself a column (a cross-classified margin)."""
    if variable in columns or "+" not in variable:
        return [variable]
    return [v.strip() for v in variable.split("+")]


def _data_codes(design: Design, variable: str) -> tuple[np.ndarray, list[str]]:
    """Integer codes of the data column(s) by category label (text), with the labels.

    A joint variable ``a+b`` gets labels ``"<a> × <b>"`` (one per observed combination).
    """
    cols = [str(c) for c in design.data.columns]
    parts = joint_parts(variable, design.data.columns)
    codes = None
    labels: list[str] = []
    for part in parts:
        if part not in design.data.columns:
            raise WeightingError(f"margin variable '{part}' is not in the data", variable=part,
                                 kind="missing-variable",
                                 candidates={part: difflib.get_close_matches(part, cols, 3, 0.5)})
        raw_codes, uniques = pd.factorize(design.data[part], sort=False)
        n_missing = int((raw_codes < 0).sum())
        labs = [_label(u) for u in uniques]
        blank = [i for i, lab in enumerate(labs) if not lab]
        if n_missing or blank:
            bad = n_missing + int(np.isin(raw_codes, blank).sum())
            raise WeightingError(f"'{part}' has {bad} rows without a category; every row needs one to be weighted "
                                 f"(drop them first or give them a category)", variable=variable, kind="missing-values",
                                 column=part, rows=bad)
        lab_codes, lab_uniques = pd.factorize(pd.Series(labs, dtype=object), sort=False)
        c = lab_codes[raw_codes].astype(np.int64)
        labs = [str(x) for x in lab_uniques]
        if codes is None:
            codes, labels = c, labs
        else:
            combo = codes * len(labs) + c
            uniq, inv = np.unique(combo, return_inverse=True)
            labels = [labels[u // len(labs)] + JOINT_SEP + labs[u % len(labs)] for u in uniq]
            codes = inv.astype(np.int64).reshape(-1)
    return codes, labels


def _margin_items(variable: str, spec: Any, parts: Optional[Sequence[str]] = None) -> list[tuple[str, float]]:
    """(category label, value) pairs from a mapping, Series or DataFrame margin.

    For a joint margin ``a+b`` a DataFrame has columns ``a``, ``b`` (or the first two columns) and a
    value column (``Freq`` or the next one); mapping/Series keys are tuples ``(a, b)``.
    """
    parts = list(parts) if parts is not None else [variable]
    lookup: Optional[str] = variable
    if len(parts) > 1:
        if isinstance(spec, pd.DataFrame):
            if spec.shape[1] < len(parts) + 1:
                raise WeightingError(f"margin for '{variable}' needs {len(parts)} category columns and a population "
                                     "column", variable=variable, kind="joint-columns", count=len(parts))
            cat_cols = parts if all(p in spec.columns for p in parts) else list(spec.columns[:len(parts)])
            rest = [c for c in spec.columns if c not in cat_cols]
            val_col = "Freq" if "Freq" in rest else rest[0]
            keys = [JOINT_SEP.join(_label(v) or "" for v in row) for row in spec[cat_cols].itertuples(index=False)]
            spec = pd.DataFrame({"category": keys, "value": list(spec[val_col])})
        else:
            items = list(spec.items()) if isinstance(spec, (Mapping, pd.Series)) else None
            if items is None:
                raise WeightingError(f"margin for '{variable}' must be a mapping, Series or DataFrame",
                                     variable=variable, kind="margin-type", type=type(spec).__name__)
            spec = {(JOINT_SEP.join(_label(x) or "" for x in k) if isinstance(k, tuple) else k): v for k, v in items}
        lookup = None  # categories are now in the first column / keys
    if isinstance(spec, pd.DataFrame):
        if spec.shape[1] < 2:
            raise WeightingError(f"margin for '{variable}' needs two columns: category and population count or share",
                                 variable=variable, kind="margin-columns")
        cat_col = lookup if lookup in spec.columns else spec.columns[0]
        rest = [c for c in spec.columns if c != cat_col]
        val_col = "Freq" if "Freq" in rest else rest[0]
        keys, vals = list(spec[cat_col]), list(spec[val_col])
    elif isinstance(spec, pd.Series):
        keys, vals = list(spec.index), list(spec.values)
    elif isinstance(spec, Mapping):
        keys, vals = list(spec.keys()), list(spec.values())
    else:
        raise WeightingError(f"margin for '{variable}' must be a mapping, Series or DataFrame", variable=variable,
                             kind="margin-type", type=type(spec).__name__)
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    bad: list[str] = []
    for k, v in zip(keys, vals):
        lab = _label(k)
        if lab is None or lab == "":
            raise WeightingError(f"margin for '{variable}' has a row without a category", variable=variable,
                                 kind="blank-category")
        if lab in seen:
            raise WeightingError(f"margin for '{variable}' lists category '{lab}' more than once", variable=variable,
                                 kind="duplicate", categories=[lab], category=lab)
        seen.add(lab)
        try:
            f = float(v)
        except (TypeError, ValueError):
            f = float("nan")
        if not math.isfinite(f) or f < 0:
            bad.append(lab)
        out.append((lab, f))
    if bad:
        raise WeightingError(f"margin for '{variable}': the population value of {', '.join(repr(b) for b in bad)} "
                             f"is not a non-negative number", variable=variable, kind="bad-population", categories=bad)
    if not out:
        raise WeightingError(f"margin for '{variable}' is empty", variable=variable, kind="empty")
    return out


@dataclass
class _Margin:
    variable: str
    codes: np.ndarray      # per row, index into categories
    categories: list[str]
    population: np.ndarray  # counts, aligned with categories
    is_share: bool
    ignored: list = field(default_factory=list)  # (category, population value) left out by partial=True


def _closest(word: str, pool: Sequence[str]) -> list[str]:
    return difflib.get_close_matches(word, list(pool), n=3, cutoff=0.0)[:3] if pool else []


def prepare_margins(design: Design, margins: Mapping[str, Any],
                    population_total: Optional[float] = None, partial: bool = False) -> list[_Margin]:
    """Validate margins against the sample and turn shares into counts (see module docstring).

    ``partial=True`` (R ``postStratify(partial=TRUE)``): margin categories absent from the sample are
    left out instead of refused (their population is then not represented)."""
    if not isinstance(margins, Mapping):  # before the truth test: a DataFrame's is an error of its own
        raise WeightingError(f"margins map each variable to its population, e.g. {{'gender': {{1: 0.49, 2: 0.51}}}}, "
                             f"not a {type(margins).__name__}", kind="margins-type", type=type(margins).__name__)
    if not margins:
        raise WeightingError("no margins given", kind="no-margins")
    w = design.weights
    raw = []
    for variable, spec in margins.items():
        codes, labels = _data_codes(design, variable)
        items = _margin_items(variable, spec, joint_parts(variable, design.data.columns))
        cats = [c for c, _ in items]
        vals = np.array([v for _, v in items], dtype=float)
        is_share = bool(np.all(vals <= 1.0))
        pos = {c: i for i, c in enumerate(cats)}
        # sample weight per data label
        wsum = np.bincount(codes, weights=w, minlength=len(labels))
        rows = np.bincount(codes, minlength=len(labels))
        not_in_margin = [lab for lab in labels if lab not in pos]
        lab_pos = {lab: i for i, lab in enumerate(labels)}
        absent = [c for c, v in items if v > 0 and (c not in lab_pos or wsum[lab_pos[c]] <= 0)]
        ignored = []
        if partial:  # R postStratify(partial=TRUE): categories absent from the sample are ignored (R warns)
            ignored = [(c, v) for c, v in items if c in absent]
            absent = []
        if not_in_margin or absent:
            parts, cands = [], {}
            # a category in the data whose rows all weigh 0 says so; "did you mean" only for the others
            # (it offered the category itself: "'x' ('x': did you mean 'x' or 'y'?)")
            absent_rows = {c: int(rows[lab_pos[c]]) for c in absent if c in lab_pos}
            extra_rows = {c: int(rows[lab_pos[c]]) for c in not_in_margin}
            if absent:
                parts.append("margin categories absent from the sample (no rows with positive weight): "
                             + said_categories(absent, absent_rows, zero_weight=True))
                pool = [x for x in labels if x not in pos] or labels
                cands.update({c: _closest(c, [x for x in pool if x != c]) for c in absent if c not in lab_pos})
            if not_in_margin:
                parts.append("sample categories absent from the margin: " + said_categories(not_in_margin, extra_rows))
                pool = [x for x in cats if x not in lab_pos] or cats
                cands.update({c: _closest(c, pool) for c in not_in_margin})
            raise WeightingError(f"'{variable}': " + "; ".join(parts), variable=variable,
                                 kind="not-in-sample" if absent else "not-in-margin",
                                 categories=absent + not_in_margin, candidates=cands, absent=absent,
                                 absent_rows=absent_rows, not_in_margin=not_in_margin, not_in_margin_rows=extra_rows)
        zero = [c for c, v in items if v == 0 and c in lab_pos and wsum[lab_pos[c]] > 0]
        if zero:
            raise WeightingError(f"'{variable}': categories with population 0 but sample rows: "
                                 + ", ".join(f"'{c}'" for c in zero), variable=variable, kind="zero-population",
                                 categories=zero)
        if is_share:
            s = vals.sum()
            if abs(s - 1.0) > SHARE_TOLERANCE:
                raise WeightingError(f"'{variable}': the shares add up to {s:.4g}, not 1", variable=variable,
                                     kind="shares", sum=float(s))
            vals = vals / s
        # categories in the margin's order; population-0 categories without sample rows drop out, as R
        keep = [i for i, c in enumerate(cats) if c in lab_pos]  # partial: absent categories drop out here
        remap = np.empty(len(labels), dtype=np.int64)
        remap[[lab_pos[cats[i]] for i in keep]] = np.arange(len(keep))
        raw.append(_Margin(variable, remap[codes], [cats[i] for i in keep], vals[keep], is_share,
                           [(c, float(v / s) if is_share else float(v)) for c, v in ignored]))
    count_totals = {m.variable: float(m.population.sum()) for m in raw if not m.is_share}
    if population_total is not None:
        total = float(population_total)
        if not (math.isfinite(total) and total > 0):
            raise WeightingError("the population total must be a positive number", kind="population-total",
                                 population_total=population_total)
    elif count_totals:
        total = next(iter(count_totals.values()))
    else:
        total = float(w.sum())
    for v, t in count_totals.items():
        if abs(t - total) > TOTAL_TOLERANCE * total:
            raise WeightingError(
                "margins describe different population totals: "
                + ", ".join(f"{k} {t2:,.10g}" for k, t2 in count_totals.items())
                + (f" (population total {total:,.10g})" if population_total is not None else "")
                + "; raking needs margins that add up to the same total (write percentages with a % sign, "
                  "e.g. 51.2%, or as shares, e.g. 0.512)", kind="totals" if population_total is None else
                "totals-population", totals=dict(count_totals),
                population_total=None if population_total is None else total)
    for m in raw:
        if m.is_share:
            m.population = m.population * total
            m.ignored = [(c, v * total) for c, v in m.ignored]
    return raw


def _ignored_warnings(margins: Sequence[_Margin], w: np.ndarray) -> list[str]:
    """The warning of partial post-stratification (R: "Some strata absent from sample: ignored")."""
    out = []
    for m in margins:
        if m.ignored:
            lost = sum(v for _, v in m.ignored)
            out.append(f"'{m.variable}': margin categories absent from the sample are ignored (partial): "
                       + ", ".join(f"'{c}' (population {v:,.6g})" for c, v in m.ignored)
                       + f"; the weights add up to {w.sum():,.6g}, not the margin's {m.population.sum() + lost:,.6g}")
    return out


# ----------------------------------------------------------------------------- core algorithms
def _poststratify_weights(w: np.ndarray, m: _Margin) -> np.ndarray:
    cell = np.bincount(m.codes, weights=w, minlength=len(m.categories))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cell > 0, m.population / cell, 0.0)
    return w * ratio[m.codes]


def _joint_codes(margins: Sequence[_Margin]) -> tuple[np.ndarray, int]:
    joint = np.zeros(margins[0].codes.shape[0], dtype=np.int64)
    for m in margins:
        joint = joint * len(m.categories) + m.codes
        uniq, joint = np.unique(joint, return_inverse=True)
        joint = joint.astype(np.int64).reshape(-1)
    return joint, int(joint.max()) + 1


def _rake_weights(w0: np.ndarray, margins: Sequence[_Margin], maxit: int, epsilon: float):
    """R ``rake()``: returns (weights, per-margin weights of the last pass, passes, delta, converged, eps)."""
    eps = epsilon * float(w0.sum()) if epsilon < 1 else float(epsilon)
    joint, k = _joint_codes(margins)
    old = np.bincount(joint, weights=w0, minlength=k)
    w = w0
    it = 0
    passes = 0
    converged = False
    delta = float("nan")
    stages: list = []
    while it < maxit:
        stages = []
        for m in margins:
            w = _poststratify_weights(w, m)
            stages.append((m.codes, w))
        passes += 1
        new = np.bincount(joint, weights=w, minlength=k)
        delta = float(np.max(np.abs(old - new)))
        if delta < eps:
            converged = True
            break
        old = new
        it += 1
    return w, stages, passes, delta, converged, eps


def trim_weights(design: Design, upper: float = math.inf, lower: float = -math.inf, strict: bool = False) -> Design:
    """R ``trimWeights(design, upper, lower, strict)`` (see module docstring); returns a new design.
    ``upper`` must be positive and above ``lower``: R trims every weight to a negative ``upper`` without a word,
    which leaves a design no estimate can use."""
    if not float(upper) > 0 or not float(lower) < float(upper):
        raise WeightingError(f"trim_weights needs 0 < upper and lower < upper (weights are trimmed into "
                             f"[lower, upper]), not upper={upper!r}, lower={lower!r}", kind="trim-bounds",
                             upper=upper, lower=lower)
    w = _trim(design.weights, upper, lower, strict)
    # R's trimWeights only replaces the weights (design$prob): a calibrated design keeps its
    # calibration (postStrata), unlike with_weights, which starts a plain design
    return replace(design, weights=w)


def _trim(pw: np.ndarray, upper: float, lower: float, strict: bool) -> np.ndarray:
    for _ in range(10_000):
        outside = (pw < lower) | (pw > upper)
        if not outside.any():
            return pw
        new = np.maximum(lower, np.minimum(pw, upper))
        trimmings = pw - new
        inside = ~outside
        if inside.any():
            new = np.where(inside, new + trimmings.sum() / inside.sum(), new)
        pw = new
        if not strict:
            return pw
    return pw  # pragma: no cover


def _margin_table(margins: Sequence[_Margin], before: np.ndarray, after: np.ndarray) -> list[dict]:
    out = []
    for m in margins:
        k = len(m.categories)
        b = np.bincount(m.codes, weights=before, minlength=k)
        a = np.bincount(m.codes, weights=after, minlength=k)
        n = np.bincount(m.codes, minlength=k)
        for i, c in enumerate(m.categories):
            out.append({"variable": m.variable, "category": c, "population": float(m.population[i]),
                        "n": int(n[i]), "weighted_before": float(b[i]), "weighted_after": float(a[i])})
    return out


def _report(method: str, w: np.ndarray, margins, before, *, iterations, delta, eps, converged, cap=None,
            cap_ok=None, rounds=0, n_trimmed=0) -> WeightingReport:
    pos = w[w > 0]
    n = int(pos.size)
    n_eff = kish_n_eff(w)
    mean = float(w.sum() / w.size)
    return WeightingReport(
        method=method, iterations=int(iterations), max_change=float(delta), epsilon=float(eps),
        converged=bool(converged), n=n, sum_weights=float(w.sum()), kish_n_eff=n_eff,
        efficiency=n_eff / n if n else float("nan"), deff_weighting=n / n_eff if n_eff else float("nan"),
        weight_min=float(pos.min()) if n else float("nan"), weight_max=float(w.max()), weight_mean=mean,
        max_ratio=float(w.max() / mean) if mean > 0 else float("nan"), cap=cap, cap_satisfied=cap_ok,
        trim_rounds=int(rounds), n_trimmed=int(n_trimmed), margins=_margin_table(margins, before, w),
        n_zero=int(np.count_nonzero(w == 0)))


def _check_cap(cap: Optional[float]) -> None:
    if cap is not None and not (math.isfinite(cap) and cap > 1):
        raise WeightingError(f"cap must be a number greater than 1 (a maximum ratio of a weight to the mean), "
                             f"not {cap}", kind="cap", cap=cap)


def rake(design: Design, margins: Mapping[str, Any], *, population_total: Optional[float] = None,
         maxit: int = 10, epsilon: float = 1.0, cap: Optional[float] = None,
         cap_maxit: int = 50) -> tuple[Design, WeightingReport]:
    """Rake ``design`` to ``margins`` (R ``rake``); optional trim-and-rerake with ``cap``.

    Returns ``(new_design, report)``; the new design carries the raking for SEs.
    """
    _check_cap(cap)
    if maxit < 1:
        raise WeightingError(f"maxit must be at least 1, not {maxit}", kind="maxit", maxit=maxit)
    ms = prepare_margins(design, margins, population_total)
    before = design.weights
    w, stages, passes, delta, conv, eps = _rake_weights(before, ms, maxit, epsilon)
    cal = _calibration_of(design) + (RakingAdjustment(tuple(stages)),)
    rounds, n_trimmed, cap_ok = 0, 0, None
    if cap is not None:
        total_passes = passes
        for rounds in range(0, cap_maxit + 1):
            upper = cap * w.sum() / w.size
            over = w > upper * (1 + 1e-9)
            cap_ok = not over.any()
            if (cap_ok and conv) or rounds == cap_maxit:
                break
            n_trimmed = int(over.sum())
            wt = _trim(w, upper, -math.inf, strict=True)
            w, stages, passes, delta, conv, eps = _rake_weights(wt, ms, maxit, epsilon)
            total_passes += passes
            cal = cal + (RakingAdjustment(tuple(stages)),)
        passes = total_passes
    new = _calibrated(design, w, cal)
    rep = _report("rake", w, ms, before, iterations=passes, delta=delta, eps=eps, converged=conv, cap=cap,
                  cap_ok=cap_ok, rounds=rounds, n_trimmed=n_trimmed)
    rep.warnings.extend(_misfit_warnings(rep))
    return new, rep


def _misfit_warnings(rep: WeightingReport) -> list[str]:
    """The margins raking left unmet.  R's ``rake`` stops when one pass changes the margins by less than
    ``epsilon``, which also happens when the margins cannot all be met (a margin's category only found with
    categories of another margin whose totals are smaller): then it reports convergence with a margin far
    from its target.  A category off by more than ``epsilon`` and :data:`MISFIT_TOLERANCE` of its target is
    named (the weights are R's)."""
    miss = [m for m in rep.margins
            if abs(m["weighted_after"] - m["population"]) > max(rep.epsilon, MISFIT_TOLERANCE * m["population"])]
    if not miss:
        return []
    shown = "; ".join(f"{m['variable']}={m['category']}: {m['weighted_after']:,.1f} against {m['population']:,.1f}"
                      for m in miss[:5]) + (f"; and {len(miss) - 5} more" if len(miss) > 5 else "")
    return [f"the weights do not meet every margin ({shown}): the margins contradict each other for this sample "
            "(e.g. a category found only with categories of another margin whose totals are smaller); check the "
            "margin files and the data's categories"]


def poststratify(design: Design, margins: Mapping[str, Any], *, population_total: Optional[float] = None,
                 cap: Optional[float] = None, cap_maxit: int = 50, partial: bool = False) -> tuple[Design, WeightingReport]:
    """Post-stratify ``design`` on one variable (R ``postStratify(design, ~v, pop, partial=)``).

    ``margins`` holds exactly one ``{variable: spec}``; for a cross-classification make one
    column of combined categories first.  With ``cap``: trim (strict) and post-stratify again,
    until the cap holds or ``cap_maxit`` rounds.  ``partial=True``: population categories absent
    from the sample are ignored (R ``partial=TRUE``) instead of refused.
    """
    _check_cap(cap)
    if len(margins) != 1:
        raise WeightingError(f"post-stratification uses one margin, not {len(margins)}; "
                             "use raking for several margins (or one column that combines the variables)",
                             kind="poststratify-margins", count=len(margins))
    ms = prepare_margins(design, margins, population_total, partial=partial)
    m = ms[0]
    before = design.weights
    w = _poststratify_weights(before, m)
    cal = _calibration_of(design) + (PostStratAdjustment(m.codes, w, before),)
    rounds, n_trimmed, cap_ok = 0, 0, None
    if cap is not None:
        for rounds in range(0, cap_maxit + 1):
            upper = cap * w.sum() / w.size
            over = w > upper * (1 + 1e-9)
            cap_ok = not over.any()
            if cap_ok or rounds == cap_maxit:
                break
            n_trimmed = int(over.sum())
            wt = _trim(w, upper, -math.inf, strict=True)
            w = _poststratify_weights(wt, m)
            cal = cal + (PostStratAdjustment(m.codes, w, wt),)
    delta = float(np.max(np.abs(np.bincount(m.codes, weights=w, minlength=len(m.categories)) - m.population)))
    new = _calibrated(design, w, cal)
    rep = _report("poststratify", w, ms, before, iterations=1 + rounds, delta=delta, eps=0.0, converged=True,
                  cap=cap, cap_ok=cap_ok, rounds=rounds, n_trimmed=n_trimmed)
    rep.warnings.extend(_ignored_warnings(ms, w))
    return new, rep


METHODS = {"rake": rake, "poststratify": poststratify}


def calibrate(design: Design, margins: Mapping[str, Any], method: str = "rake", **kw) -> tuple[Design, WeightingReport]:
    """Dispatch to :func:`rake` or :func:`poststratify` by name."""
    if method not in METHODS:
        raise WeightingError(f"unknown weighting method '{method}'; use rake or poststratify", kind="unknown-method",
                             method=method)
    if method == "poststratify":
        kw.pop("maxit", None)
        kw.pop("epsilon", None)
    return METHODS[method](design, margins, **kw)

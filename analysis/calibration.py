"""Calibration to population totals beyond raking: R ``calibrate()`` (Deville & Särndal 1992).

``calibrate(design, totals, calfun="linear")`` finds new weights ``w_i g_i`` whose weighted totals of
the auxiliary variables ``x_i`` equal the population ``totals`` while staying close to the design
weights.  The auxiliary matrix is R's ``model.matrix`` of the variables named in ``totals``: an
intercept (population size ``N``), for each categorical variable an indicator of every level but
the first (levels sorted; the first level's total is implied by ``N``), numeric variables as they
are.  ``totals`` maps a categorical variable to ``{level: count}`` (all levels: their sum is N) and
a numeric variable to its population total; ``"(Intercept)"`` may give N explicitly.

Distance functions (R ``calfun``), ``g = 1 + F(xᵀη)``:

* ``linear`` (GREG, Särndal, Swensson & Wretman 1992): ``F(u) = u``, solved in one step
  ``g = 1 + X (XᵀWX)⁻¹ (t − t̂)`` (R ``regcalibrate``); with ``bounds=(L, U)`` the truncated
  linear method ``F(u) = min(max(1 + u, L), U) − 1``, by Newton iterations;
* ``raking``: ``F(u) = exp(u) − 1`` (raking ratio; with categorical margins only it equals
  iterative proportional fitting, :func:`analysis.weighting.rake`);
* ``logit`` (Deville & Särndal's logit distance with bounds L < 1 < U required):
  ``F(u) = (L(U − 1) + U(1 − L)e^{Au}) / (U − 1 + (1 − L)e^{Au}) − 1``, ``A = (U − L)/((U − 1)(1 − L))``.

The iterations are R's ``grake`` step for step (η starts at 0; Newton steps with the
Moore–Penrose inverse; step halving on non-finite g; weights rescaled first when every
population total exceeds 20 × its sample total; stop when
``max |t − t̂_g| / (1 + |t|) < epsilon``), so weights agree with R's to rounding.  ``bounds``
apply to g, or to the weights themselves with ``bounds_const=True``; ``trim=(a, b)`` trims g to
[a, b] after calibration and spreads the trimmed weight over the other rows (R ``trim=``).

Standard errors (R ``svyrecvar`` with a ``greg_calibration``): before the first-stage totals,
influence values ``z`` are replaced by the residuals of their weighted regression on the
auxiliary variables, ``e = r − Q Qᵀ r`` with ``r = z/(g√w)``, ``Q`` the orthonormal basis of
``√w X`` (w the weights before calibration), multiplied back by ``g√w``.  Checked against R in
tests/golden/r_calibrate.R.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import numpy as np
import pandas as pd

from .design import Design, DesignError

CALFUNS = ("linear", "raking", "logit")


class CalibrationError(DesignError):
    """Totals that cannot be met (or do not describe the data).

    ``str(e)`` is an English sentence for library callers; ``kind`` names the problem and ``params`` holds its
    values (minyi says it in words of its own, ``report/datafile_weight.py``): ``missing-variable`` (``variable`` not in
    the data), ``missing-values`` (``variable``, ``rows`` without a category), ``not-in-total`` (``variable``,
    sample ``categories`` without a population total), ``not-in-sample`` (``variable``, population
    ``categories`` absent from the sample), ``category-totals`` (``variable`` whose category totals add up to
    ``total``, not the ``population`` size), ``non-numeric`` (``variable`` with missing or non-numeric values),
    ``no-totals``, ``unknown-calfun`` (``calfun``, ``choices``), ``logit-bounds`` (``bounds``), ``collinear``,
    ``no-convergence`` (``maxit``, ``misfit``), ``breakdown`` (``maxit``: the iteration gave NaN).
    """

    def __init__(self, message: str, *, kind: str = "", **params: Any):
        super().__init__(message)
        self.kind = kind
        self.params = dict(params)
        self.variable = params.get("variable")


# ----------------------------------------------------------------------------- distance functions
def _fm1(calfun: str, u: np.ndarray, lo: float, hi: float) -> np.ndarray:
    if calfun == "linear":
        return np.minimum(np.maximum(u + 1, lo), hi) - 1
    if calfun == "raking":
        with np.errstate(over="ignore"):
            return np.minimum(np.maximum(np.exp(u), lo), hi) - 1
    A = (hi - lo) / ((hi - 1) * (1 - lo))
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(A * u)
        return (lo * (hi - 1) + hi * (1 - lo) * e) / (hi - 1 + (1 - lo) * e) - 1


def _df(calfun: str, u: np.ndarray, lo: float, hi: float) -> np.ndarray:
    if calfun == "linear":
        return ((u < hi - 1) & (u > lo - 1)).astype(float)
    if calfun == "raking":
        with np.errstate(over="ignore"):
            return np.where((u < hi - 1) & (u > lo - 1), np.exp(u), 0.0)
    A = (hi - lo) / ((hi - 1) * (1 - lo))
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(A * u)
        den = hi - 1 + (1 - lo) * e
        return hi * (1 - lo) * e * A / den - ((lo * (hi - 1) + hi * (1 - lo) * e) * ((1 - lo) * e * A)) / den**2


# ----------------------------------------------------------------------------- residual adjustment
@dataclass(frozen=True, eq=False)
class GregAdjustment:
    """Residuals of a GREG-type calibration for the variance (R ``greg_calibration``, stage 0)."""

    basis: np.ndarray    # orthonormal basis of √w X (rows × rank)
    scale: np.ndarray    # g √w per row

    def residuals(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(self.scale[:, None] != 0, x / self.scale[:, None], 0.0)
        r = r - self.basis @ (self.basis.T @ r)
        return r * self.scale[:, None]


def _orthonormal(A: np.ndarray, tol: float = 1e-7) -> np.ndarray:
    """Orthonormal basis of A's column space (R ``qr(..., tol=1e-7)``: columns with small
    residual norm are left out)."""
    U, s, _ = np.linalg.svd(A, full_matrices=False)
    keep = s > tol * (s[0] if s.size else 0)
    return U[:, keep]


# ----------------------------------------------------------------------------- the model matrix
def auxiliary(design: Design, totals: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, list]:
    """R ``model.matrix`` of the calibration variables and the matching population vector (see module
    docstring).  Returns ``(X, population, column names)``."""
    data = design.data
    cols, pops, names = [], [], []
    N = None
    if "(Intercept)" in totals:
        N = float(totals["(Intercept)"])
    parts = []
    for var, spec in totals.items():
        if var == "(Intercept)":
            continue
        if var not in data.columns:
            raise CalibrationError(f"calibration variable '{var}' is not in the data", kind="missing-variable",
                                   variable=var)
        if isinstance(spec, (Mapping, pd.Series)):
            spec = {str(k).strip(): float(v) for k, v in dict(spec).items()}
            values = data[var].map(lambda v: None if pd.isna(v) else (str(int(v)) if isinstance(v, float)
                                                                      and float(v).is_integer() else str(v).strip()))
            if values.isna().any():
                raise CalibrationError(f"'{var}' has {int(values.isna().sum())} rows without a category; every row "
                                       "needs one to be calibrated", kind="missing-values", variable=var,
                                       rows=int(values.isna().sum()))
            present = set(values[design.weights > 0])
            missing = sorted(present - set(spec))
            if missing:
                raise CalibrationError(f"'{var}': sample categories without a population total: "
                                       + ", ".join(repr(m) for m in missing), kind="not-in-total", variable=var,
                                       categories=missing)
            absent = sorted(k for k, v in spec.items() if v > 0 and k not in present)
            if absent:
                raise CalibrationError(f"'{var}': population categories absent from the sample: "
                                       + ", ".join(repr(a) for a in absent), kind="not-in-sample", variable=var,
                                       categories=absent)
            levels = sorted(k for k in spec if k in present)
            total = sum(spec[k] for k in levels)
            if N is None:
                N = total
            elif abs(total - N) > 1e-6 * N:
                raise CalibrationError(f"'{var}': the category totals add up to {total:,.10g}, not the population "
                                       f"size {N:,.10g}", kind="category-totals", variable=var, total=float(total),
                                       population=float(N))
            for lev in levels[1:]:
                parts.append((f"{var}{lev}", (values == lev).to_numpy(dtype=float), spec[lev]))
        else:
            x = pd.to_numeric(data[var], errors="coerce").to_numpy(dtype=float)
            if not np.all(np.isfinite(x[design.weights > 0])):
                raise CalibrationError(f"'{var}' has missing or non-numeric values; every row needs one",
                                       kind="non-numeric", variable=var)
            parts.append((var, np.nan_to_num(x), float(spec)))
    if N is not None:
        cols.append(np.ones(design.n))
        pops.append(N)
        names.append("(Intercept)")
    for name, col, pop in parts:
        cols.append(col)
        pops.append(pop)
        names.append(name)
    if not cols:
        raise CalibrationError("no calibration totals given", kind="no-totals")
    return np.column_stack(cols), np.asarray(pops, dtype=float), names


# ----------------------------------------------------------------------------- calibration
@dataclass(frozen=True)
class CalibrationReport:
    """What calibration did: method, iterations, largest relative misfit, g range, totals met."""

    calfun: str
    iterations: int
    converged: bool
    misfit: float
    g_min: float
    g_max: float
    totals: list
    warnings: list = field(default_factory=list)  # e.g. negative weights from unbounded linear calibration

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def __repr__(self) -> str:
        """A summary line (distance, convergence, g range), the totals met as a table and the warnings (the
        dataclass default was one long line of full-precision floats)."""
        from .weighting import table_lines

        head = (f"CalibrationReport({self.calfun}: {'converged' if self.converged else 'NOT converged'} in "
                f"{self.iterations} iteration(s), largest relative misfit {self.misfit:.2g}, g from {self.g_min:.4g} "
                f"to {self.g_max:.4g})")
        return "\n".join([head, *table_lines(self.totals), *(f"warning: {w}" for w in self.warnings)])


def calibrate(design: Design, totals: Mapping[str, Any], *, calfun: str = "linear",
              bounds: Optional[tuple] = None, bounds_const: bool = False, maxit: int = 50, epsilon: float = 1e-7,
              trim: Optional[tuple] = None, force: bool = False) -> tuple[Design, CalibrationReport]:
    """Calibrate ``design`` to population ``totals`` (R ``calibrate(design, formula, population, calfun=,
    bounds=)``; see module docstring).  Returns ``(new design, report)``; the new design carries the
    calibration for standard errors."""
    from .weighting import CalibratedDesign, _calibrated, _calibration_of

    if calfun not in CALFUNS:
        raise CalibrationError(f"unknown calibration function '{calfun}'; choose one of: {', '.join(CALFUNS)}",
                               kind="unknown-calfun", calfun=calfun, choices=", ".join(CALFUNS))
    X, pop, names = auxiliary(design, totals)
    ww = design.weights.copy()
    lo, hi = (-math.inf, math.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if calfun == "logit" and not (math.isfinite(lo) and math.isfinite(hi) and lo < 1 < hi):
        raise CalibrationError("logit calibration needs finite bounds (L, U) with L < 1 < U", kind="logit-bounds",
                               bounds=bounds)
    whalf = np.sqrt(ww)
    sample_total = (X * ww[:, None]).sum(0)
    if np.any(sample_total == 0):
        zz = (pop == 0) & np.all(X == 0, axis=0)
        X, pop, sample_total = X[:, ~zz], pop[~zz], sample_total[~zz]
        names = [n for n, z in zip(names, zz) if not z]
    basis = _orthonormal(X * whalf[:, None])
    it, conv, scale = 0, True, None
    if calfun == "linear" and bounds is None:
        T = (X * whalf[:, None]).T @ (X * whalf[:, None])
        try:
            tT = np.linalg.solve(T, pop - sample_total)
        except np.linalg.LinAlgError:
            raise CalibrationError("the calibration variables are collinear in the sample (a category or "
                                   "variable is a combination of others)", kind="collinear") from None
        g = 1 + X @ tT
    else:
        blo = np.where(ww > 0, lo / np.where(ww > 0, ww, 1), lo) if bounds_const else lo
        bhi = np.where(ww > 0, hi / np.where(ww > 0, ww, 1), hi) if bounds_const else hi
        g, it, conv, _, scale = _grake(X, ww, calfun, blo, bhi, pop, epsilon, maxit)
    if trim is not None:
        a, b = float(trim[0]), float(trim[1])
        gnew = np.clip(g, a, b)
        outside = (g < a) | (g > b)
        if outside.any():
            trimmings = (g - gnew) * ww
            gnew[~outside] = gnew[~outside] + trimmings.sum() / ww[~outside].sum()
            g = gnew
            conv = True
    misfit = float(np.max(np.abs(pop - (X * (ww * g)[:, None]).sum(0)) / (1 + np.abs(pop))))
    if not conv and not force:
        # a NaN misfit: the weights left every bound (R's grake stops on the NaN, "missing value where
        # TRUE/FALSE needed"); say what it means rather than "misfit nan"
        why = (f"largest relative misfit {misfit:.3g}" if math.isfinite(misfit) else
               "the iteration broke down (NaN), as when the totals cannot be met with weights within the "
               "bounds")
        raise CalibrationError(f"calibration did not converge in {maxit} iterations ({why}); widen the bounds "
                               "or raise maxit", kind="no-convergence" if math.isfinite(misfit) else "breakdown",
                               maxit=maxit, misfit=misfit)
    new_w = ww * g
    adj = GregAdjustment(basis=basis, scale=g * whalf)
    new = _calibrated(design, new_w, _calibration_of(design) + (adj,))
    assert isinstance(new, CalibratedDesign)
    achieved = (X * new_w[:, None]).sum(0)
    rep = CalibrationReport(calfun=calfun if bounds is None or calfun != "linear" else "linear-bounded",
                            iterations=it, converged=bool(conv), misfit=misfit,
                            g_min=float(np.min(g[ww > 0])), g_max=float(np.max(g[ww > 0])),
                            totals=[{"term": n, "population": float(p), "sample": float(s), "calibrated": float(a)}
                                    for n, p, s, a in zip(names, pop, sample_total, achieved)],
                            warnings=_negative_weight_warnings(new_w) + _rescaled_bounds_warnings(scale, lo, hi, bounds_const))
    return new, rep


def _rescaled_bounds_warnings(scale: Optional[float], lo: float, hi: float, on_weights: bool = False) -> list[str]:
    """A sentence when bounds were set and the weights were first rescaled (every population total above 20 ×
    its sample total, R ``grake``): the bounds then hold for the new weight over the rescaled weight, not over
    the weight given, so the printed ratios of new to old weight lie far outside them.  R's ``calibrate`` warns
    "Bounds were set but will be interpreted after rescaling by …"; said here too, not left silent."""
    if scale is None or not (math.isfinite(lo) or math.isfinite(hi)):
        return []
    if on_weights:
        return [f"every population total is more than 20 times its sample total, so the weights were first scaled "
                f"by {scale:.3g} and the bounds apply to the scaled weights: the new weights lie between "
                f"{lo * scale:.3g} and {hi * scale:.3g} (as R's calibrate, which warns 'Bounds were set but will be "
                "interpreted after rescaling')"]
    return [f"every population total is more than 20 times its sample total, so the weights were first scaled by "
            f"{scale:.3g} and the bounds apply to the new weight over the scaled weight: the ratio of new to old "
            f"weight lies between {lo * scale:.3g} and {hi * scale:.3g} (as R's calibrate, which warns 'Bounds were "
            "set but will be interpreted after rescaling'); give weights that sum to about the population for "
            "bounds on the weights as given"]


def _negative_weight_warnings(new_w: np.ndarray) -> list[str]:
    """A sentence when calibration made weights negative: linear calibration (GREG) without bounds does not keep
    g > 0 (Deville & Särndal 1992, §3; R's ``calibrate`` returns such weights without a word), and a share
    estimated with negative weights can fall outside 0–1 — said, not left silent."""
    neg = new_w < 0
    if not neg.any():
        return []
    return [f"{int(neg.sum())} row(s) have negative weights after calibration (smallest {float(new_w.min()):.4g}): "
            "the totals are far from the sample's; check them, or keep weights positive with bounds=(L, U) "
            "(e.g. (0, 10)) or calfun='logit'"]


def _grake(mm: np.ndarray, ww: np.ndarray, calfun: str, lo: Any, hi: Any, population: np.ndarray, epsilon: float,
           maxit: int):
    """R ``grake`` (survey 4.1), returning (g, iterations, converged, achieved misfit, the scale the weights were
    first multiplied by or None)."""
    sample_total = (mm * ww[:, None]).sum(0)
    eta = np.zeros(mm.shape[1])
    xeta = mm @ eta
    g = 1 + _fm1(calfun, xeta, lo, hi)
    deriv = _df(calfun, xeta, lo, hi)
    it = 1
    scales = population / sample_total
    scale = None
    if np.min(scales) > 20:
        scale = float(np.mean(scales))
        ww = ww * scale
        sample_total = sample_total * scale
    conv = False
    achieved = float("nan")
    while True:
        T = (mm * (ww * deriv)[:, None]).T @ mm
        misfit = population - sample_total - (mm * (ww * _fm1(calfun, xeta, lo, hi))[:, None]).sum(0)
        deta = np.linalg.pinv(T, rcond=256 * np.finfo(float).eps) @ misfit
        eta = eta + deta
        xeta = mm @ eta
        g = 1 + _fm1(calfun, xeta, lo, hi)
        deriv = _df(calfun, xeta, lo, hi)
        while it < maxit and (not np.all(np.isfinite(g)) or not np.all(np.isfinite(deriv))):
            it += 1
            deta = deta / 2
            eta = eta - deta
            xeta = mm @ eta
            g = 1 + _fm1(calfun, xeta, lo, hi)
            deriv = _df(calfun, xeta, lo, hi)
        misfit = population - sample_total - (mm * (ww * _fm1(calfun, xeta, lo, hi))[:, None]).sum(0)
        achieved = float(np.max(np.abs(misfit) / (1 + np.abs(population))))
        if np.all(np.abs(misfit) / (1 + np.abs(population)) < epsilon):
            conv = True
            break
        it += 1
        if it > maxit:
            break
    if scale is not None:
        g = g * scale
    return g, it, conv, achieved, scale


def calibrate_margins(design: Design, margins: Mapping[str, Any], totals: Optional[Mapping[str, float]] = None, *,
                      calfun: str = "linear", bounds: Optional[tuple] = None,
                      population_total: Optional[float] = None, maxit: int = 50, epsilon: float = 1e-7):
    """:func:`calibrate` with categorical ``margins`` given as :func:`analysis.weighting.rake` takes them
    (counts or shares, text categories, checked against the sample with the same messages) plus numeric
    ``totals`` (``{column: population total}``).  Returns ``(design, WeightingReport)`` so weighting by
    raking, post-stratification and calibration report alike; numeric totals appear in the report's
    margin table with category ``"(total)"``."""
    from .weighting import _report, prepare_margins

    ms = prepare_margins(design, margins, population_total) if margins else []
    spec: dict = {}
    for m in ms:
        # categories as text labels matching _data_codes; the variable's codes give each row's category
        spec[m.variable] = {c: float(p) for c, p in zip(m.categories, m.population)}
    # calibrate() matches category labels against the data; use the labels prepare_margins established
    data = design.data.copy()
    for m in ms:
        data[m.variable] = np.asarray(m.categories, dtype=object)[m.codes]
    if population_total is not None and not ms:
        spec["(Intercept)"] = float(population_total)
    for var, t in (totals or {}).items():
        spec[var] = float(t)
    from dataclasses import replace as _replace

    new, rep = calibrate(_replace(design, data=data), spec, calfun=calfun, bounds=bounds, maxit=maxit,
                         epsilon=epsilon)
    new = _replace(new, data=design.data)
    before = design.weights
    wr = _report(f"calibrate-{rep.calfun}", new.weights, ms, before, iterations=rep.iterations, delta=rep.misfit,
                 eps=epsilon, converged=rep.converged)
    extra_rows = []
    for t in rep.totals:
        if t["term"] in (totals or {}):
            extra_rows.append({"variable": t["term"], "category": "(total)", "population": t["population"],
                               "n": int(np.count_nonzero(before > 0)), "weighted_before": t["sample"],
                               "weighted_after": t["calibrated"]})
    return new, _replace(wr, margins=list(wr.margins) + extra_rows, warnings=list(wr.warnings) + list(rep.warnings))

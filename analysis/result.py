"""The one result type every estimator returns: R's ``svystat`` with ``coef``, ``SE``, ``vcov`` and ``confint``.

An :class:`Estimate` keeps what inference needs — the estimates, their variances (and the full
covariance matrix when the estimator produced one, as R ``svyby(..., covmat=TRUE)``), the design
degrees of freedom and base ``n`` — and an *interval rule* that turns them into a confidence
interval at any level on demand (R ``confint(object, level=, df=)``).  Nothing about the interval
is fixed when the estimate is made: ``ci_low``/``ci_high`` are the interval at the estimate's
``confidence``; :meth:`Estimate.confint` gives any other.

One estimate or a vector of them (groups, options, quantiles) is the same type: a vector
``Estimate`` has ``len``, iterates over scalar ``Estimate`` objects and slices (``e[1:]``);
attribute access (``e.estimate``, ``e.se``, ``e.ci_low``) returns a float for a scalar and an
array for a vector.  R's accessors are methods returning arrays: :meth:`Estimate.coef`,
:meth:`Estimate.SE`, :meth:`Estimate.vcov`.

Interval rules (:data:`WALD` and the classes below) are small objects with
``__call__(estimate, confidence, df) -> (low, high, method used)`` and ``take(index)``:

* :class:`Wald` — ``θ̂ ± t(df)·SE`` (R ``confint.svystat``), optionally clipped (aggregate rates);
* :class:`ProportionInterval` — the registry of :mod:`analysis.ci` (R ``svyciprop``), which
  also reports the method actually used per element (the fallback at 0 % and 100 %);
* estimators with their own rule (quantiles: Woodruff) define one next to the estimator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterator, Optional, Sequence

import numpy as np

#: rows of a vector :class:`Estimate` printed by ``repr`` before the middle ones are left out (and counted)
REPR_ROWS = 40

JSON_FIELDS = ("var", "levels", "domain", "n", "estimate", "se", "ci_low", "ci_high", "ci_method", "confidence",
               "df", "deff")


def json_value(v: Any) -> Any:
    """A value ready for JSON: numpy scalars become Python ones, NaN → None, ±inf → "inf"/"-inf".

    The one conversion behind every result's ``to_dict()`` (estimates, differences, cross-tabs,
    indicators), so ``--json`` never prints ``NaN`` (not valid JSON).
    """
    if isinstance(v, np.generic):
        return json_value(v.item())
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def _out(x: np.ndarray) -> Any:
    """A 0-d array as a Python scalar, anything else unchanged."""
    return x.item() if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _take(x: Any, sel: Any, k: int) -> Any:
    """Element(s) ``sel`` (an index or index array from ``np.arange(k)[...]``) of a per-element array or
    list of length ``k``; other values pass through."""
    if isinstance(x, np.ndarray) and x.ndim >= 1 and x.shape[0] == k:
        return x[sel]
    if isinstance(x, (list, tuple)) and len(x) == k and k > 0:
        return x[int(sel)] if np.ndim(sel) == 0 else [x[int(i)] for i in sel]
    return x


# ----------------------------------------------------------------------------- interval rules
@dataclass(frozen=True)
class Wald:
    """``θ̂ ± t(df)·SE`` (normal when df is infinite): R ``confint(svystat, df=degf(design))``.

    ``clip=(0, 1)`` cuts the interval to the parameter space (averages of rates)."""

    clip: Optional[tuple] = None
    method: str = "wald"

    def __call__(self, est: "Estimate", confidence: float, df: Any):
        from .ci import critical_value

        c = critical_value(confidence, df)
        e, s = np.asarray(est.estimate, dtype=float), np.asarray(est.se, dtype=float)
        lo, hi = e - c * s, e + c * s
        if self.clip is not None:
            lo, hi = np.clip(lo, *self.clip), np.clip(hi, *self.clip)
        return lo, hi, np.full(np.shape(e), self.method, dtype=object)

    def take(self, idx: Any) -> "Wald":
        return self


WALD = Wald()


@dataclass(frozen=True)
class ProportionInterval:
    """Interval for a proportion by name from :data:`analysis.ci.CI_METHODS` (R ``svyciprop``).

    ``n``: rows in the estimate's domain; ``n_rows``: rows of the design for Korn–Graubard's
    effective-n adjustment (R ``nrow(design)``); ``srs``: the no-design path on which the
    intervals equal statsmodels' ``proportion_confint``.  See :func:`analysis.ci.proportion_ci`."""

    method: str
    n: Any
    n_rows: Any = None
    srs: bool = False
    design_df: Any = None
    profile: Any = None
    logit_se: Any = None

    def __call__(self, est: "Estimate", confidence: float, df: Any):
        from .ci import proportion_ci_used

        return proportion_ci_used(est.estimate, est.se, self.n, df, self.method, confidence,
                                  n_rows=self.n_rows, srs=self.srs,
                                  design_df=est.df if self.design_df is None else self.design_df,
                                  profile=self.profile, logit_se=self.logit_se)

    def take(self, idx: Any) -> "ProportionInterval":
        k = np.size(self.n)
        if k <= 1 and np.ndim(self.n) == 0:
            return self
        return replace(self, **{name: _take(np.asarray(getattr(self, name)), idx, k)
                                for name in ("n", "n_rows", "design_df", "logit_se")
                                if getattr(self, name) is not None and np.ndim(getattr(self, name))})


# ----------------------------------------------------------------------------- the result
@dataclass(frozen=True, eq=False)
class Estimate:
    """Design-based estimate(s) with variance, degrees of freedom and an interval rule (R ``svystat``).

    Fields (scalars for one estimate, arrays of length k for a vector):

    ``estimate`` (R ``coef``); ``variance`` (diagonal of ``vcov``); ``cov`` the full k × k covariance
    when known (else :meth:`vcov` is diagonal, as R ``svyby`` without ``covmat``); ``n`` the base
    (rows with non-zero weight and a valid value); ``df`` the degrees of freedom of the critical
    value (``inf`` = normal); ``deff`` as R's ``deff=TRUE``; ``weight`` the estimated population of
    the domain (Σw); ``confidence`` the default level of ``ci_low``/``ci_high``; ``interval`` the
    rule that makes intervals; ``var``/``levels``/``domain`` describe what was estimated;
    ``labels`` name the elements of a vector; ``replicates`` (R × k) the replicate estimates of a
    replicate-weight design; ``extra`` anything else per element (targets, 不了解 counts, ...).
    """

    estimate: Any
    variance: Any
    n: Any = 0
    df: Any = float("inf")
    deff: Any = float("nan")
    confidence: float = 0.95
    interval: Any = WALD
    cov: Optional[np.ndarray] = None
    var: str = "y"
    levels: Optional[list] = None
    domain: Optional[dict] = None
    labels: Optional[list] = None
    weight: Any = float("nan")
    replicates: Optional[np.ndarray] = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        """The default level is a fraction (R ``level=0.95``): ``confidence=95`` is refused by name here, for
        every estimator, instead of printing a "9500% CI" of NaN (:func:`analysis.ci.check_level`)."""
        from .ci import check_level

        object.__setattr__(self, "confidence", check_level(self.confidence))

    # ------------------------------------------------------------------ construction
    @classmethod
    def of(cls, estimate: Any, variance: Any, **kw) -> "Estimate":
        """Build from scalars or arrays: 0-d and Python numbers become a scalar estimate, 1-d a vector."""
        e = np.asarray(estimate, dtype=float)
        if e.ndim == 0:
            conv = {k: float(_scalar(v)) for k, v in kw.items() if k in ("df", "deff", "weight")}
            if "n" in kw:
                conv["n"] = int(_scalar(kw["n"]))
            return cls(float(e), float(np.asarray(variance, dtype=float)), **{**kw, **conv})
        k = e.shape[0]
        conv = {}
        for name in ("n", "df", "deff", "weight"):
            if name in kw:
                conv[name] = np.broadcast_to(np.asarray(kw[name], dtype=float), (k,)).copy()
        if "n" in conv:
            conv["n"] = conv["n"].astype(np.int64)
        return cls(e, np.broadcast_to(np.asarray(variance, dtype=float), (k,)).copy(), **{**kw, **conv})

    # ------------------------------------------------------------------ shape
    @property
    def is_scalar(self) -> bool:
        return np.ndim(self.estimate) == 0

    def __len__(self) -> int:
        if self.is_scalar:
            raise TypeError("a scalar Estimate has no len(); use coef()")
        return int(np.shape(self.estimate)[0])

    def __iter__(self) -> Iterator["Estimate"]:
        if self.is_scalar:
            yield self
            return
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, idx: Any) -> "Estimate":
        """Element ``idx`` (a scalar Estimate) or a slice / index array (a vector Estimate)."""
        if self.is_scalar:
            raise TypeError("a scalar Estimate cannot be indexed")
        k = len(self)
        sel = np.arange(k)[idx]
        scalar = np.ndim(sel) == 0
        cov = None
        if self.cov is not None and not scalar:
            cov = self.cov[np.ix_(sel, sel)]
        new = replace(
            self,
            estimate=float(self.estimate[sel]) if scalar else self.estimate[sel],
            variance=float(self.variance[sel]) if scalar else self.variance[sel],
            n=_scalar(_take(self.n, sel, k)) if scalar else _take(self.n, sel, k),
            df=_scalar(_take(self.df, sel, k)) if scalar else _take(self.df, sel, k),
            deff=_scalar(_take(self.deff, sel, k)) if scalar else _take(self.deff, sel, k),
            weight=_scalar(_take(self.weight, sel, k)) if scalar else _take(self.weight, sel, k),
            interval=self.interval.take(sel),
            cov=cov,
            labels=None if self.labels is None else ([self.labels[i] for i in np.atleast_1d(sel)] if not scalar
                                                     else None),
            domain=self.domain if self.labels is None or not scalar else {**(self.domain or {}),
                                                                           "label": self.labels[sel]},
            replicates=None if self.replicates is None else self.replicates[:, sel],
            extra={key: _take(v, sel, k) for key, v in self.extra.items()},
        )
        cached = self.__dict__.get("_ci")
        if cached is not None:  # the default interval, already computed for the vector
            object.__setattr__(new, "_ci", tuple(_out(np.asarray(c)[sel]) if scalar else np.asarray(c)[sel]
                                                 for c in cached))
        return new

    def __getattr__(self, name: str) -> Any:
        # per-element annotations in ``extra`` read as attributes (e.target, e.n_na, ...)
        if name.startswith("_") or name == "extra":
            raise AttributeError(name)
        extra = self.__dict__.get("extra") or {}
        if name in extra:
            v = extra[name]
            return _out(v) if isinstance(v, np.ndarray) else v
        raise AttributeError(f"'Estimate' object has no attribute '{name}'")

    # ------------------------------------------------------------------ R accessors
    def coef(self) -> np.ndarray:
        """The estimates as an array (R ``coef``)."""
        return np.atleast_1d(np.asarray(self.estimate, dtype=float))

    def SE(self) -> np.ndarray:
        """Standard errors as an array (R ``SE``)."""
        return np.atleast_1d(np.asarray(self.se, dtype=float))

    def vcov(self) -> np.ndarray:
        """Covariance matrix (R ``vcov``): the full matrix when the estimator produced one, else diagonal."""
        if self.cov is not None:
            return np.asarray(self.cov, dtype=float)
        return np.diag(np.atleast_1d(np.asarray(self.variance, dtype=float)))

    def confint(self, level: Optional[float] = None, df: Any = None) -> tuple[Any, Any]:
        """``(low, high)`` at ``level`` (default ``confidence``) with ``df`` degrees of freedom
        (default the estimate's ``df``; ``inf`` = normal) by the estimate's interval rule (R ``confint``)."""
        from .ci import check_df, check_level

        level = self.confidence if level is None else check_level(level, "level")
        if level == self.confidence and df is None:
            lo, hi, _ = self._default_ci()
            return lo, hi
        lo, hi, _ = self.interval(self, level, np.asarray(self.df if df is None else check_df(df), dtype=float))
        return _out(np.asarray(lo, dtype=float)), _out(np.asarray(hi, dtype=float))

    def _default_ci(self) -> tuple:
        c = self.__dict__.get("_ci")
        if c is None:
            lo, hi, used = self.interval(self, self.confidence, np.asarray(self.df, dtype=float))
            c = (_out(np.asarray(lo, dtype=float)), _out(np.asarray(hi, dtype=float)), _out(np.asarray(used)))
            object.__setattr__(self, "_ci", c)
        return c

    # ------------------------------------------------------------------ familiar names
    @property
    def se(self) -> Any:
        """Standard error(s): √variance."""
        return _out(np.sqrt(np.maximum(np.asarray(self.variance, dtype=float), 0.0)))

    @property
    def ci_low(self) -> Any:
        return self._default_ci()[0]

    @property
    def ci_high(self) -> Any:
        return self._default_ci()[1]

    @property
    def ci_method(self) -> Any:
        """The interval method actually used (per element): the requested one, or its documented
        fallback for a proportion of 0 or 1 (see :mod:`analysis.ci`)."""
        return self._default_ci()[2]

    @property
    def ci_method_requested(self) -> str:
        return getattr(self.interval, "method", "wald")

    @property
    def n_eff(self) -> Any:
        """Effective sample size: p(1−p)/SE² for a proportion (Korn & Graubard 1998), else n/deff."""
        e = np.asarray(self.estimate, dtype=float)
        v = np.asarray(self.variance, dtype=float)
        n = np.asarray(self.n, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            if isinstance(self.interval, ProportionInterval):
                ne = np.where(self.interval.srs | (v <= 0), n, e * (1 - e) / v)
            else:
                d = np.asarray(self.deff, dtype=float)
                ne = np.where(np.isfinite(d) & (d > 0), n / d, np.nan)
        return _out(ne)

    def with_confidence(self, confidence: float) -> "Estimate":
        """The same estimate whose ``ci_low``/``ci_high`` are at another level."""
        return replace(self, confidence=float(confidence))

    # ------------------------------------------------------------------ output
    def get(self, name: str) -> Any:
        """A field, property or ``extra`` entry by name (for records)."""
        if name in self.extra:
            return _out(np.asarray(self.extra[name])) if isinstance(self.extra[name], np.ndarray) else self.extra[name]
        return getattr(self, name)

    def record(self, fields: Sequence[str]) -> dict[str, Any]:
        """``{name: value}`` for a scalar estimate, JSON-ready (NaN → None, inf → "inf")."""
        if not self.is_scalar:
            raise TypeError("record() is for one estimate; iterate over a vector Estimate")
        out = {}
        for k in fields:
            v = self.get(k)
            if k == "n" and v is not None:
                v = int(v)
            if isinstance(v, dict):
                v = {str(a): json_value(b) for a, b in v.items()}
            out[k] = json_value(v)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The ``survey estimate --json`` record: exactly :data:`JSON_FIELDS`, in that order."""
        return self.record(JSON_FIELDS)

    def to_frame(self):
        """A tidy DataFrame: one row per element with label, estimate, se, ci_low, ci_high, n, df, deff,
        ci_method, confidence (plus ``extra`` columns)."""
        import pandas as pd

        rows = []
        for i, e in enumerate(self):
            r = {"label": (self.labels[i] if self.labels is not None else (e.var if self.is_scalar else i))}
            r.update({k: e.get(k) for k in ("estimate", "se", "ci_low", "ci_high", "n", "df", "deff", "ci_method",
                                            "confidence")})
            r.update({k: e.get(k) for k in self.extra})
            rows.append(r)
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        if self.is_scalar:
            return (f"Estimate({self.var}: {self.estimate:.6g}, se={self.se:.4g}, "
                    f"{self.confidence:.0%} CI [{self.ci_low:.6g}, {self.ci_high:.6g}], n={self.n}, df={self.df:g})")
        return self._vector_repr()

    def _vector_repr(self, max_rows: int = REPR_ROWS) -> str:
        """A vector as R prints a ``svystat`` with its interval: a header line, then one aligned row per element
        (label, estimate, se, interval at ``confidence``, n, df); beyond ``max_rows`` rows the first and last
        halves and a line saying how many are left out (nothing is cut without saying so)."""
        k = len(self)
        lo, hi = np.atleast_1d(self.ci_low), np.atleast_1d(self.ci_high)
        n, df = np.broadcast_to(np.asarray(self.n), (k,)), np.broadcast_to(np.asarray(self.df, dtype=float), (k,))
        labels = self.labels if self.labels is not None else list(range(k))
        rows = [["", "estimate", "se", f"{self.confidence:.0%} CI", "n", "df"]]
        rows += [[str(labels[i]), f"{self.coef()[i]:.6g}", f"{self.SE()[i]:.4g}", f"[{lo[i]:.6g}, {hi[i]:.6g}]",
                  f"{int(n[i])}", f"{df[i]:g}"] for i in range(k)]
        if k > max_rows:
            half = max_rows // 2
            rows = rows[:1 + half] + [["..."] + [""] * 5] + rows[-half:]
        widths = [max(len(r[j]) for r in rows) for j in range(6)]
        lines = ["  " + "  ".join(c.ljust(widths[0]) if j == 0 else c.rjust(widths[j]) for j, c in enumerate(r)).rstrip()
                 for r in rows]
        more = f", {k - 2 * (max_rows // 2)} rows not shown" if k > max_rows else ""
        return f"Estimate({self.var}: vector of {k}{more})\n" + "\n".join(lines)


def _scalar(x: Any) -> Any:
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return x.item()
    if isinstance(x, np.generic):
        return x.item()
    return x

"""Design-based estimators: mean, proportion, total and ratio with Taylor-linearised SEs.

All follow R ``survey`` (Lumley 2004, 2010):

* mean  ``ȳ = Σ wᵢyᵢ / Σ wᵢ`` over the domain, influence ``zᵢ = wᵢ(yᵢ − ȳ)/Σw``
  (R ``svymean``);
* total ``Ŷ = Σ wᵢyᵢ``, influence ``zᵢ = wᵢyᵢ`` (R ``svytotal``);
* ratio ``R̂ = Σ wy / Σ wx``, influence ``zᵢ = wᵢ(yᵢ − R̂xᵢ)/Σwx`` (R ``svyratio``);
* proportion = mean of a 0/1 indicator; interval from :mod:`analysis.ci` (R ``svyciprop``).

``Var = design.variance(z)`` (R ``svyrecvar``).  Domains (``valid`` masks and
:meth:`Design.subset`) zero the weights outside the subpopulation and keep every row, so
the variance uses the full design, as R's ``subset()``/``svyby()``.

Design effect (R ``deff=TRUE``): ``deff = Var / V_srs`` with
``V_srs = s²_w (N̂ − n)/(N̂ n)`` for a mean (×N̂² for a total), where ``s²_w`` is R's
``svyvar`` (weighted variance with the n/(n−1) factor), ``n`` the rows with non-zero
weight and ``N̂ = Σw``.  When the weights do not sum to more than ``n`` (e.g. no weights
at all, or weights scaled to mean 1: up to a relative 1e-9 of rounding, :func:`srs_fpc_factor`) R's
formula degenerates (Inf, or ~1e15 from rounding); minyi then uses the with-replacement variance
``s²_w / n`` (R ``deff="replace"``).

Degrees of freedom: PSUs minus strata among rows with non-zero weight in the domain
(R ``degf(subset(design, ...))``).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from .ci import check_df, check_method
from .ci_likelihood import profile_for
from .design import Design, DesignError, sums_to_n
from .result import WALD, Estimate, ProportionInterval


def column(design: Design, y: Any) -> np.ndarray:
    """``y`` as a float array: a column name of ``design.data`` or values (one per row).

    Empty cells (NaN, None, blank text) are missing values, which leave the base (R ``na.rm=TRUE``).  Any other
    value that is not a number (text such as ``"n/a"`` or a category label) is refused naming the column, its
    first row and how many rows hold such values: R's ``svymean`` refuses a character column, and coercing
    the text to missing would leave those rows out silently."""
    name = y if isinstance(y, str) else getattr(y, "name", None)
    if isinstance(y, (list, tuple)) and y and all(isinstance(v, str) for v in y) and len(y) != design.n:
        raise DesignError(f"one variable at a time: give one column name, not {len(y)} ({', '.join(y[:5])}); "
                          "call the estimator once per column", kind="several-columns", count=len(y),
                          columns=", ".join(y[:5]))
    if isinstance(y, str):
        if y not in design.data.columns:
            raise DesignError(f"column '{y}' is not in the data", kind="missing-column", role="variable", column=y)
        y = design.data[y]
    if isinstance(y, pd.Series) and pd.api.types.is_bool_dtype(y):
        return y.astype(float).to_numpy()
    if isinstance(y, pd.Series) and pd.api.types.is_numeric_dtype(y):
        return y.to_numpy(dtype=float, na_value=np.nan)
    if isinstance(y, pd.Series) or (isinstance(y, np.ndarray) and y.dtype.kind in "OUS"):
        return _numbers(pd.Series(y).reset_index(drop=True), name)
    try:
        return np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        return _numbers(pd.Series(list(y) if not np.isscalar(y) else [y]), name)


def _numbers(values: pd.Series, name: Any) -> np.ndarray:
    """The numbers of ``values`` (see :func:`column`); text that is not a number raises, naming ``name``."""
    num = pd.to_numeric(values, errors="coerce")
    blank = values.isna() | values.map(lambda v: isinstance(v, str) and not v.strip())
    bad = (num.isna() & ~blank).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        what = f"column '{name}'" if name is not None else "the variable"
        raise DesignError(f"{what} row {i} (0-based): value {values.iloc[i]!r} is not a number ({int(bad.sum())} row"
                          f"{'s' if bad.sum() != 1 else ''} like it); give numbers, or a 0/1 indicator such as "
                          "data[col] == value", kind="not-numbers", column=name if name is not None else "",
                          index=i, value=str(values.iloc[i]), count=int(bad.sum()))
    return num.to_numpy(dtype=float)


def _valid_weights(design: Design, y: np.ndarray, valid: Optional[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    y = column(design, y)
    if y.shape != (design.n,):
        raise DesignError(f"variable has {y.shape[0] if y.ndim else 1} values for {design.n} rows", kind="length",
                          what="the variable", count=y.shape[0] if y.ndim else 1, rows=design.n)
    ok = np.isfinite(y)
    if valid is not None:
        ok &= np.asarray(valid, dtype=bool)
    w = np.where(ok, design.weights, 0.0)
    return w, np.where(ok, y, 0.0)


def _svyvar(w: np.ndarray, u: np.ndarray) -> float:
    """R ``svyvar``: Σw(u−ū)²/Σw · n/(n−1), n = rows with non-zero weight."""
    W = w.sum()
    nobs = int(np.count_nonzero(w))
    if W <= 0 or nobs < 2:
        return float("nan")
    ubar = (w * u).sum() / W
    return float((w * (u - ubar) ** 2).sum() / W * nobs / (nobs - 1))


def is_constant(w: np.ndarray, u: np.ndarray, scale: Optional[float] = None) -> bool:
    """True when ``u`` takes one value on the rows of non-zero weight ``w``, up to rounding: a spread of at
    most 1e-12 × ``scale`` (default the largest abs(u); a ratio's residuals pass the scale of its terms)."""
    uu = np.asarray(u, dtype=float)[np.asarray(w) != 0]
    if uu.size == 0:
        return False
    ref = float(np.max(np.abs(uu))) if scale is None else float(scale)
    return float(np.ptp(uu)) <= 1e-12 * ref


def srs_fpc_factor(N: Any, n: Any) -> np.ndarray:
    """The factor (N̂ − n)/N̂ of R's ``deff=TRUE`` V_srs = s²/n · (N̂ − n)/N̂, with N̂ = Σw and n the rows of
    non-zero weight (``survey:::svymean.survey.design2``); 1 (with replacement, R ``deff="replace"``) where
    N̂ does not exceed n by more than :data:`analysis.design.SUM_IS_N_RTOL` (module docstring; docs/statistics.md)."""
    N = np.asarray(N, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sums_to_n(N, n), 1.0, (N - n) / N)


def _vsrs_mean(w: np.ndarray, u: np.ndarray, scale: Optional[float] = None) -> float:
    """SRS variance of a mean of ``u`` for the design effect (module docstring).  0 exactly when ``u`` is
    constant (:func:`is_constant`): the deff is then not defined (NaN) — R divides rounding noise by 0 and
    prints Inf, 6e30 or NaN (docs/statistics.md)."""
    W = w.sum()
    nobs = int(np.count_nonzero(w))
    if nobs >= 2 and is_constant(w, u, scale):
        return 0.0
    s2 = _svyvar(w, u)
    return s2 / nobs * float(srs_fpc_factor(W, nobs)) if nobs else float("nan")


def design_df(design: Design, w: np.ndarray) -> int:
    """PSUs minus strata among rows with non-zero weight ``w`` (R ``degf`` of the domain design); for a
    replicate-weight design the rank of its replicate weights over those rows minus 1."""
    inset = w > 0
    if getattr(design, "is_replicate", False):
        return design.rank_df(inset)
    return design.degf_in(inset)


def is_srs(design: Design) -> bool:
    """True for "no design": no weights, strata, clusters or fpc were given."""
    return not (design.has_strata or design.has_psu or design.has_fpc) and design.spec.get("weights") is None


def no_rows_error(var: str) -> DesignError:
    """An estimate over an empty base: every row of the domain (``valid``, :meth:`Design.subset`) has an empty
    value or a weight of 0 — said with the variable's name, as R's ``svymean`` of an empty domain gives NaN."""
    return DesignError(f"no valid rows to estimate '{var}' from: every row of the domain has an empty value or a "
                       "weight of 0 (an empty domain?)", kind="no-valid-rows", column=var)


def linearize_mean(design: Design, y: Any, valid: Optional[np.ndarray] = None, var: str = "y"
                   ) -> tuple[float, np.ndarray, np.ndarray]:
    """Mean over the domain and its weighted influence values: ``(ȳ, z, w_domain)``."""
    w, yy = _valid_weights(design, y, valid)
    W = w.sum()
    if W <= 0:
        raise no_rows_error(var)
    est = float((w * yy).sum() / W)
    z = w * (yy - est) / W
    return est, z, w


def _resolve_df(design: Design, w: np.ndarray, df: Optional[float]) -> float:
    return float(design_df(design, w)) if df is None else float(df)


def finish(design: Design, estimate: float, z: np.ndarray, *, w: np.ndarray, vsrs: float, var: str,
           levels: Optional[list] = None, domain: Optional[dict] = None, ci_method: str = "wald",
           confidence: float = 0.95, df: Optional[float] = None, proportion: bool = False,
           srs_binomial: bool = False, rows: Optional[np.ndarray] = None,
           hit: Optional[np.ndarray] = None, ratio: Optional[tuple] = None) -> Estimate:
    """Turn an estimate and its influence values into an :class:`Estimate` (variance, deff, df, interval rule).

    ``rows``: the rows of the estimate's domain whatever their weight (R's ``nrow(subset(design,
    ...))``, used by Korn–Graubard's effective n; default the rows with non-zero weight).
    ``ratio``: ``(a, b)`` with the estimate = Σwa/Σwb (``b`` None for a total) — how a
    replicate-weight design re-computes it with each replicate's weights (R ``svrVar``)."""
    replicates = None
    if getattr(design, "is_replicate", False):
        if ratio is None:
            raise DesignError("this estimator does not support replicate weights", kind="replicate-unsupported",
                              what="this estimator")
        _, replicates = design.ratio(ratio[0], ratio[1], w > 0)
        variance = float(design.replicate_vcov(replicates, estimate)[0, 0])
        ddf = float(design.rank_df(w > 0))
    else:
        variance = float(design.variance(z, present=w > 0)[0, 0])
        ddf = float(design_df(design, w))
    n = int(np.count_nonzero(w))
    dfv = ddf if df is None else float(check_df(df))
    # the design effect of the design's variance: the binomial variance below is an interval rule (statsmodels),
    # not another design, so a simple random sample keeps deff 1 as R's svymean gives
    deff = variance / vsrs if vsrs and np.isfinite(vsrs) and vsrs > 0 else float("nan")
    if srs_binomial:
        variance = estimate * (1 - estimate) / n
    rule = WALD
    if proportion:
        n_rows = design.count_rows(w > 0 if rows is None else rows)
        prof = None
        if ci_method == "likelihood":
            if replicates is not None:
                raise DesignError("the likelihood interval is not available for replicate-weight designs; "
                                  "use logit, asin or clopper-pearson", kind="likelihood-replicates")
            prof = profile_for(design, hit, w > 0 if rows is None else rows)
        lse = None if replicates is None else float(design.logit_se(replicates.T, estimate)[0])
        rule = ProportionInterval(ci_method, n, n_rows=n_rows, srs=srs_binomial, design_df=ddf, profile=prof,
                                  logit_se=lse)
    return Estimate.of(estimate, variance, n=n, df=dfv, deff=deff, confidence=confidence, interval=rule,
                       var=var, levels=levels, domain=domain, weight=float(w.sum()), replicates=replicates)


def _check_indicator(h: np.ndarray, valid: Optional[np.ndarray], var: str) -> None:
    """A share is the mean of a 0/1 indicator (R ``svyciprop`` takes ``~I(y == level)``): any other value among
    the valid rows is refused naming it — its "share" would be a mean outside [0, 1] with a NaN interval."""
    ok = np.isfinite(h) if valid is None else (np.isfinite(h) & np.asarray(valid, dtype=bool))
    bad = ok & (h != 0) & (h != 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DesignError(f"svyprop needs a 0/1 (True/False) indicator, but '{var}' row {i} (0-based) is {h[i]:g} "
                          f"({int(bad.sum())} row{'s' if bad.sum() != 1 else ''} not 0 or 1); pass data[col] == value "
                          "for the share holding a value, or use svymean for a mean", kind="not-indicator",
                          column=var, index=i, value=f"{h[i]:g}", count=int(bad.sum()))


def var_name(y: Any, var: Optional[str], default: str = "y") -> str:
    """The name an estimate is labelled with (``Estimate.var``, printed and in ``tidy``): ``var`` when given,
    else the column name ``y`` when the estimator was given one (R labels ``svymean(~api00, ...)`` api00),
    else ``default``."""
    if var is not None:
        return var
    return y if isinstance(y, str) else default


def svymean(design: Design, y: Any, *, valid: Optional[np.ndarray] = None, var: Optional[str] = None,
            domain: Optional[dict] = None, confidence: float = 0.95, df: Optional[float] = None) -> Estimate:
    """Weighted mean with linearised SE (R ``svymean(~y, design, deff=TRUE)`` + ``confint(df=degf)``).
    ``y``: a column name of the design's data or one value per row; ``var`` names it (default the column name)."""
    var = var_name(y, var)
    y = column(design, y)
    est, z, w = linearize_mean(design, y, valid, var)
    _, yy = _valid_weights(design, y, valid)
    return finish(design, est, z, w=w, vsrs=_vsrs_mean(w, yy), var=var, domain=domain, confidence=confidence, df=df,
                  ratio=(yy, (w > 0).astype(float)))


def svyprop(design: Design, hit: Any, *, valid: Optional[np.ndarray] = None, var: Optional[str] = None,
            levels: Optional[list] = None, domain: Optional[dict] = None, ci_method: str = "logit",
            confidence: float = 0.95, df: Optional[float] = None) -> Estimate:
    """Share of valid rows where ``hit`` is true (R ``svyciprop(~I(y %in% levels), design, method)``).

    ``hit``: a 0/1 (True/False) indicator per row, or the name of such a column; empty values leave the
    base.  Any other value is refused (:func:`_check_indicator`).  With no design and ``df = inf`` the
    binomial variance p(1−p)/n is used so intervals equal statsmodels' ``proportion_confint`` (see
    :mod:`analysis.ci`); R's ``svymean`` on ``svydesign(ids=~1)`` gives the design variance p(1−p)/(n−1)
    there, a deliberate difference that ``survey estimate`` notes (docs/statistics.md).  The design effect
    stays that of the design variance (1 for equal weights).
    """
    check_method(ci_method)
    var = var_name(hit, var)
    h = column(design, hit)
    _check_indicator(h, valid, var)
    est, z, w = linearize_mean(design, h, valid, var)
    _, hh = _valid_weights(design, h, valid)
    srs = is_srs(design) and df is not None and np.isinf(df)
    rows = np.isfinite(h) if valid is None else (np.isfinite(h) & np.asarray(valid, dtype=bool))
    return finish(design, est, z, w=w, vsrs=_vsrs_mean(w, hh), var=var, levels=levels, domain=domain,
                  ci_method=ci_method, confidence=confidence, df=df, proportion=True, srs_binomial=srs, rows=rows,
                  hit=h, ratio=(hh, (w > 0).astype(float)))


def svytotal(design: Design, y: Any, *, valid: Optional[np.ndarray] = None, var: Optional[str] = None,
             domain: Optional[dict] = None, confidence: float = 0.95, df: Optional[float] = None,
             levels: Optional[list] = None) -> Estimate:
    """Weighted total (R ``svytotal(~y, design, deff=TRUE)``); rows outside ``valid`` count as 0.
    ``levels`` only labels a total of a 0/1 indicator (the estimated number with one of the levels)."""
    var = var_name(y, var)
    w, yy = _valid_weights(design, y, valid)
    est = float((w * yy).sum())
    z = w * yy
    W = w.sum()
    vsrs = _vsrs_mean(w, yy) * W**2
    return finish(design, est, z, w=w, vsrs=vsrs, var=var, domain=domain, confidence=confidence, df=df,
                  ratio=(yy, None), levels=levels)


def svyratio(design: Design, num: Any, den: Any, *, valid: Optional[np.ndarray] = None, var: Optional[str] = None,
             domain: Optional[dict] = None, confidence: float = 0.95, df: Optional[float] = None) -> Estimate:
    """Ratio of totals Σwy/Σwx (R ``svyratio(~y, ~x, design, deff=TRUE)``); ``var`` defaults to "num/den" of
    the column names (else "y/x")."""
    if var is None:
        var = f"{num}/{den}" if isinstance(num, str) and isinstance(den, str) else "y/x"
    y = column(design, num)
    x = column(design, den)
    ok = np.isfinite(y) & np.isfinite(x)
    if valid is not None:
        ok &= np.asarray(valid, dtype=bool)
    w = np.where(ok, design.weights, 0.0)
    yy, xx = np.where(ok, y, 0.0), np.where(ok, x, 0.0)
    tx = (w * xx).sum()
    if tx == 0:
        raise DesignError("the denominator total is zero", kind="zero-denominator")
    r = (w * yy).sum() / tx
    u = (yy - r * xx) / tx
    z = w * u
    vsrs = _vsrs_mean(w, u, scale=float(np.max(np.abs(yy) + np.abs(r * xx))) / abs(tx)) * w.sum() ** 2
    return finish(design, float(r), z, w=w, vsrs=vsrs, var=var, domain=domain, confidence=confidence, df=df,
                  ratio=(yy, xx))

"""Cross-tabulation of two categorical variables under a survey design, with the Rao–Scott test.

Cells (matching R ``survey``; every share is a ratio of weighted totals, linearised):

* ``estimate`` (= ``proportion``): the cell's share of the table
  ``p_rc = Σ w·[row=r, col=c] / Σ w`` over the valid rows (both variables present), R
  ``svymean(~interaction(a, b), design, na.rm=TRUE)``;
* ``row_share``: the share of column category ``c`` within row category ``r``,
  ``p_rc / p_r·`` (R ``svyby(~b, ~a, design, svymean)``), a domain estimate over row ``r``;
* ``col_share``: the share of row category ``r`` within column category ``c``, ``p_rc / p_·c``.

Each has a Taylor-linearised SE (influence ``z_i = w_i d_i (I_i − p)/W_d`` for its domain
``d``), a design effect (R ``deff=TRUE``) and a confidence interval from the registry in
:mod:`analysis.ci` with Student-t critical values on the design degrees of freedom of its
domain (PSUs minus strata among its rows), i.e. exactly R
``svyciprop(~I(a==r & b==c), subset(design, !is.na(a) & !is.na(b)), method=...)`` for cells
and ``svyciprop(~I(b==c), subset(design, a==r & !is.na(b)), ...)`` for row shares.  Rows
outside a domain keep their place with zero weight; nothing is cut.  Only per-PSU totals of
the (PSU × cell) weighted counts — on an unclustered design the stratum × cell sums of w and
s·w² — enter the variances (:mod:`analysis.cell_variance`), so the cost is a few ``bincount``.

Rao–Scott second-order corrected test of independence (Rao & Scott 1984, *Ann. Statist.*
12:46–60; the implementation matched is Lumley's ``survey:::svychisq.survey.design``,
``statistic="F"``):

    X² = N Σ_rc (p_rc − p_r· p_·c)² / (p_r· p_·c)          (Pearson on the table scaled to N)
    C  = interaction columns of the saturated model, residualised on the main effects
    Δ  = (Cᵀ D⁻¹ C / N)⁻¹ (Cᵀ D⁻¹ V D⁻¹ C),   D = diag(p),  V = Cov(p̂) (design-based)
    F  = X² / tr Δ,   df1 = d₀ = (tr Δ)² / tr Δ²,   df2 = d₀ ν,   p = P(F(df1, df2) > F)

with ``N`` the number of rows of the design (zero weights and missing answers included, as R's
``nrow(mm)``) and ``ν`` the PSUs minus strata of those rows (R's own count in ``svychisq``, not
``degf``: :func:`svychisq_size`).  The
first-order variant (R ``statistic="Chisq"``) refers ``X² / mean(diag Δ)`` to χ² on
``(R−1)(C−1)`` df.  ``df=inf`` makes ``df2`` infinite (F → χ²/d₀).

A table whose ``Cᵀ D⁻¹ C`` (or, for the Wald tests, the covariance of ``Y``) is computationally
singular — typically many empty cells, e.g. 30 × 12 cells from 700 rows — has no test: R's ``solve()``
stops there ("system is computationally singular": reciprocal condition number in the 1-norm below
machine epsilon), and the statistic it would give is noise (a perturbation of the weights by 1e-9 moved
p from 0.08 to 0.26).  Here the statistics are NaN (``null`` in JSON) instead of an error, so the rest of
an analysis goes on, and :attr:`RaoScott.singular` says why (:func:`solve_as_r`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from . import distributions as D
from .cell_variance import CellTotals
from .ci import check_level, check_method, proportion_ci_used
from .column import normalize_value
from .design import Design, DesignError, count_distinct
from .estimators import is_srs, srs_fpc_factor
from .result import json_value


@dataclass(frozen=True)
class RaoScott:
    """Rao–Scott test of independence: second-order F (R ``statistic="F"``) and first-order χ²."""

    F: float
    df1: float
    df2: float
    p: float
    chisq: float          # Pearson X² on the table scaled to N (R ``statistic="Chisq"`` statistic)
    chisq_df: int
    chisq_p: float        # first-order corrected p: X²/mean(diag Δ) ~ χ²((R−1)(C−1))
    deff_mean: float      # mean of the generalised design effects (eigenvalues of Δ)
    singular: bool = False  # not computed: Cᵀ D⁻¹ C computationally singular (R's svychisq stops)

    def to_dict(self) -> dict[str, Any]:
        """The ``test`` object of ``survey crosstab --json``: exactly name, F, df1, df2, p."""
        return {"name": "rao-scott-F", "F": json_value(self.F), "df1": json_value(self.df1), "df2": json_value(self.df2), "p": json_value(self.p)}


@dataclass(frozen=True)
class WaldTest:
    """Design-based Wald test of independence (R ``svychisq(statistic="Wald"|"adjWald")``).

    ``Y = N̂_rc − N̂_r· N̂_·c / N̂`` over the cells of rows and columns 2.., its covariance by the
    delta method from the covariance of the estimated cell totals; ``W = Yᵀ V⁻¹ Y``.  ``wald``:
    ``F = W/((R−1)(C−1))`` on ((R−1)(C−1), ν) df; ``adjwald``: ``F = W (ν − d + 1)/(d ν)`` on
    (d, ν − d + 1), d = (R−1)(C−1) (Fellegi 1980; Thomas & Rao 1987)."""

    name: str
    F: float
    df1: float
    df2: float
    p: float
    singular: bool = False  # not computed: the covariance of Y computationally singular (R stops)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "F": json_value(self.F), "df1": json_value(self.df1), "df2": json_value(self.df2),
                "p": json_value(self.p)}


#: ``survey crosstab --test`` choices → the test object (F is the default Rao–Scott test).
TESTS = ("F", "chisq", "wald", "adjwald")


def solve_as_r(a: np.ndarray, b: np.ndarray) -> Optional[np.ndarray]:
    """``a⁻¹ b``, or None where R's ``solve(a, b)`` stops with "system is computationally singular".

    R (``La_solve``) refuses a system whose reciprocal condition number in the 1-norm,
    ``1 / (‖a‖₁ ‖a⁻¹‖₁)``, is below ``.Machine$double.eps``; it estimates ``‖a⁻¹‖₁`` (LAPACK ``dgecon``),
    this computes it, so the two can disagree only for a matrix within a small factor of that
    limit."""
    try:
        inv = np.linalg.inv(a)
    except np.linalg.LinAlgError:
        return None
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rcond = 1.0 / (np.linalg.norm(a, 1) * np.linalg.norm(inv, 1))
    if not np.isfinite(rcond) or rcond < np.finfo(float).eps:
        return None
    return np.linalg.solve(a, b)


def wald_tests(Nk: np.ndarray, V: np.ndarray, n_rows: int, n_cols: int, nu: float) -> dict:
    """Wald and adjusted Wald tests from estimated cell totals ``Nk`` (row-major) and their covariance ``V``."""
    R, C = n_rows, n_cols
    nan = float("nan")
    names = (("wald", "wald"), ("adjwald", "adjusted-wald"))  # --test choice, the record's name
    if R < 2 or C < 2:
        return {k: WaldTest(name, nan, nan, nan, nan) for k, name in names}
    T = Nk.reshape(R, C)
    Nr, Nc, N = T.sum(1), T.sum(0), T.sum()
    Y = (T - np.outer(Nr, Nc) / N).ravel()
    r_idx, c_idx = np.repeat(np.arange(R), C), np.tile(np.arange(C), R)
    # dY_rc/dN_r'c' = δ − [r = r'] N_·c/N − [c = c'] N_r·/N + N_r· N_·c/N²
    J = (np.eye(R * C) - (r_idx[:, None] == r_idx[None, :]) * Nc[c_idx][:, None] / N
         - (c_idx[:, None] == c_idx[None, :]) * Nr[r_idx][:, None] / N
         + (Nr[r_idx] * Nc[c_idx])[:, None] / N**2)
    VY = J @ V @ J.T
    use = (r_idx > 0) & (c_idx > 0)
    x = solve_as_r(VY[np.ix_(use, use)], Y[use])
    d = (R - 1) * (C - 1)
    if x is None:  # R's svychisq stops here (module docstring)
        return {k: WaldTest(name, nan, nan, nan, nan, singular=True) for k, name in names}
    stat = float(Y[use] @ x)
    out = {}
    f1 = stat / d
    out["wald"] = WaldTest("wald", f1, float(d), float(nu), float(D.f_sf(f1, d, nu)) if nu > 0 else nan)
    df2 = nu - d + 1
    f2 = stat * df2 / (d * nu) if nu > 0 else nan
    out["adjwald"] = WaldTest("adjusted-wald", f2, float(d), float(df2), float(D.f_sf(f2, d, df2)) if df2 > 0 else nan)
    return out


CELL_FIELDS = ("row", "col", "n", "weight", "estimate", "se", "ci_low", "ci_high", "deff", "df", "proportion",
               "row_share", "row_share_se", "row_share_ci_low", "row_share_ci_high", "row_share_df",
               "col_share", "col_share_se", "col_share_ci_low", "col_share_ci_high", "col_share_df",
               "ci_method", "row_share_ci_method", "col_share_ci_method", "confidence")


@dataclass(frozen=True)
class CrossTab:
    """A design-based two-way table.  ``cells`` is a DataFrame with :data:`CELL_FIELDS` columns,
    one row per (row level, column level), row levels outer."""

    row_var: str
    col_var: str
    row_levels: list
    col_levels: list
    cells: pd.DataFrame
    test: RaoScott
    n: int                      # valid rows (both variables present, non-zero weight)
    extra: dict = field(default_factory=dict)
    wald: dict = field(default_factory=dict)   # {"wald": WaldTest, "adjwald": WaldTest}

    def test_record(self, which: str = "F") -> dict[str, Any]:
        """The ``test`` object for ``--test which`` (:data:`TESTS`): ``F`` → ``{"name": "rao-scott-F", "F",
        "df1", "df2", "p"}``; ``chisq`` → ``{"name": "rao-scott-chisq", "chisq", "df", "p"}`` (Pearson's X²,
        p from the first-order correction); ``wald``/``adjwald`` → ``{"name", "F", "df1", "df2", "p"}``."""
        if which == "F":
            return self.test.to_dict()
        if which == "chisq":
            t = self.test
            return {"name": "rao-scott-chisq", "chisq": json_value(t.chisq), "df": int(t.chisq_df),
                    "p": json_value(t.chisq_p)}
        if which in self.wald:
            return self.wald[which].to_dict()
        raise DesignError(f"unknown test '{which}'; choose one of: {', '.join(TESTS)}", kind="test-choice",
                          value=which, choices=", ".join(TESTS))

    def to_dict(self, test: str = "F") -> dict[str, Any]:
        """``{"cells": [...], "test": {...}}`` with the test of :meth:`test_record` (default Rao–Scott F)."""
        recs = [{k: json_value(v) for k, v in r.items()} for r in self.cells[list(CELL_FIELDS)].to_dict("records")]
        for r in recs:
            r["n"] = int(r["n"])
        return {"cells": recs, "test": self.test_record(test)}

    def table(self, what: str = "row_share") -> pd.DataFrame:
        """The ``what`` column (estimate, row_share, col_share, n, ...) as a row × column table."""
        return self.cells.pivot(index="row", columns="col", values=what).loc[self.row_levels, self.col_levels]

    def __repr__(self) -> str:
        """As R prints ``svychisq`` beside ``svytable``: the row shares in percent (rows × columns), the base n
        and the Rao–Scott F test — the dataclass default printed every cell field and the cells' covariance
        matrices (hundreds of lines of numbers)."""
        shares = (self.table("row_share") * 100).round(1)
        shares.index.name, shares.columns.name = self.row_var, self.col_var
        t = self.test
        test = ("no test (singular system)" if t.singular or not np.isfinite(t.F) else
                f"Rao-Scott F = {t.F:.4g} on {t.df1:.4g} and {t.df2:.4g} df, p = {t.p:.4g}")
        return (f"CrossTab({self.row_var} x {self.col_var}, n={self.n}; row shares %)\n{shares.to_string()}\n"
                f"{test}")


def _levels(values: pd.Series) -> list:
    """Sorted distinct values: numerically when every value is a number, else as text."""
    u = list(pd.unique(values))
    try:
        return sorted(u, key=lambda s: float(s))
    except (TypeError, ValueError):
        return sorted(u, key=str)


def _categories(design: Design, x: Any, name: str, missing: set) -> tuple[np.ndarray, list]:
    """Codes into the normalised distinct values of ``x`` (−1 for empty or ``missing``), and those values.

    Values are normalised (:func:`analysis.column.normalize_value`: stripped text, "1" = "1.0")
    once per distinct raw value, never per row.
    """
    if isinstance(x, str):
        if x not in design.data.columns:
            raise DesignError(f"column '{x}' is not in the data", kind="missing-column", role=name, column=x)
        x = design.data[x]
    s = pd.Series(np.asarray(x, dtype=object)) if not isinstance(x, pd.Series) else x.reset_index(drop=True)
    if len(s) != design.n:
        raise DesignError(f"{name} has {len(s)} values for {design.n} rows", kind="length", what=name, count=len(s),
                          rows=design.n)
    raw_codes, raw_uniques = pd.factorize(s, use_na_sentinel=True)
    norm = [normalize_value(u) for u in raw_uniques]
    values = sorted({v for v in norm if v is not None and v not in missing}, key=str)
    pos = {v: i for i, v in enumerate(values)}
    lut = np.array([pos.get(v, -1) if v is not None else -1 for v in norm] + [-1], dtype=np.int64)
    return lut[np.where(raw_codes >= 0, raw_codes, len(norm))], values


def _group_df(design: Design, codes: np.ndarray, k: int, inset: np.ndarray) -> np.ndarray:
    """Per group code 0..k−1: distinct PSUs minus distinct strata among rows in ``inset`` (R ``degf``); for
    a replicate-weight design the rank of its replicate weights over those rows minus 1."""
    if getattr(design, "is_replicate", False):
        return np.array([float(design.rank_df(inset & (codes == g))) for g in range(k)])
    g = codes[inset]
    n_psu = int(design.psu.max()) + 1
    n_str = int(design.strata.max()) + 1
    psu_cnt = count_distinct(design.psu[inset], n_psu, g, k)
    str_cnt = count_distinct(design.strata[inset], n_str, g, k)
    return (psu_cnt - str_cnt).astype(float)


def _vsrs(p: np.ndarray, n: np.ndarray, W: np.ndarray) -> np.ndarray:
    """SRS variance of a proportion for deff, as :func:`analysis.estimators._vsrs_mean` (R ``deff=TRUE``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = p * (1 - p) * n / (n - 1)
        return s2 / n * srs_fpc_factor(W, n)


def svychisq_size(design: Design) -> tuple[float, float]:
    """``N`` and ``ν`` of R's ``svychisq`` (``survey:::svychisq.survey.design``): ``N = nrow(mm)``, every row of
    the design object, and ``ν`` = distinct first-stage PSUs minus strata over those same rows — rows with a
    zero weight or an empty answer included (R counts them; only ``degf()`` skips zero weights), rows
    outside an earlier :meth:`Design.subset` not, except in calibrated and PPS designs whose subsets keep
    every row (:meth:`Design.count_rows`).  ``N`` scales X² only (F, p and the χ² p do not depend on it);
    ``ν`` gives ``df2``.  A replicate-weight design keeps its own degrees of freedom."""
    keep = np.ones(design.n, dtype=bool) if design.rows is None else np.asarray(design.rows, dtype=bool)
    N = float(design.count_rows())
    if getattr(design, "is_replicate", False):
        return N, float(design.degf())
    return N, float(design.degf_in(keep))


def rao_scott(p: np.ndarray, V: np.ndarray, n_rows: int, n_cols: int, N: float, nu: float) -> RaoScott:
    """Rao–Scott tests from cell proportions ``p`` (row-major, length R·C) and their covariance ``V``.

    See the module docstring; ``N`` scales Pearson's X² (it cancels in F), ``nu`` is the design df.
    """
    R, C = n_rows, n_cols
    if R < 2 or C < 2:
        nan = float("nan")
        return RaoScott(nan, nan, nan, nan, nan, 0, nan, nan)
    r_idx = np.repeat(np.arange(R), C)
    c_idx = np.tile(np.arange(C), R)
    X1 = np.column_stack([np.ones(R * C)] + [(r_idx == i).astype(float) for i in range(1, R)]
                         + [(c_idx == j).astype(float) for j in range(1, C)])
    inter = np.column_stack([((r_idx == i) & (c_idx == j)).astype(float) for i in range(1, R) for j in range(1, C)])
    beta, *_ = np.linalg.lstsq(X1, inter, rcond=None)
    Cm = inter - X1 @ beta
    with np.errstate(divide="ignore"):
        idiag = np.where(p == 0, 0.0, 1.0 / np.where(p == 0, 1.0, p))
    CiD = Cm.T * idiag                      # Cᵀ D⁻¹
    denom = CiD @ Cm / N
    numr = CiD @ V @ CiD.T
    pr = p.reshape(R, C).sum(1)
    pc = p.reshape(R, C).sum(0)
    expct = np.outer(pr, pc).ravel()
    X2 = float(N * np.sum((p - expct) ** 2 / expct))
    k = (R - 1) * (C - 1)
    Delta = solve_as_r(denom, numr)
    if Delta is None:  # R's svychisq stops here (module docstring): no design effects, no test
        nan = float("nan")
        return RaoScott(F=nan, df1=nan, df2=nan, p=nan, chisq=X2, chisq_df=k, chisq_p=nan, deff_mean=nan,
                        singular=True)
    tr = float(np.trace(Delta))
    tr2 = float(np.trace(Delta @ Delta))
    d0 = tr * tr / tr2 if tr2 > 0 else float("nan")
    F = X2 / tr if tr > 0 else float("nan")
    df2 = d0 * nu
    if np.isinf(df2):
        pval = float(D.chi2_sf(F * d0, d0))
    else:
        pval = float(D.f_sf(F, d0, df2)) if df2 > 0 else float("nan")
    chisq_p = float(D.chi2_sf(X2 / (tr / k), k)) if tr > 0 else float("nan")
    return RaoScott(F=F, df1=d0, df2=df2, p=pval, chisq=X2, chisq_df=k, chisq_p=chisq_p, deff_mean=tr / k)


def crosstab(design: Design, row: Any, col: Any, *, valid: Optional[np.ndarray] = None,
             missing: Sequence[Any] = (), ci_method: str = "logit", confidence: float = 0.95,
             df: Optional[float] = None, row_name: Optional[str] = None, col_name: Optional[str] = None) -> CrossTab:
    """Two-way table of ``row`` × ``col`` (column names or arrays) under ``design`` (see module docstring).

    Rows where either value is empty or in ``missing`` (or outside ``valid``) leave the base;
    a domain is a design from :meth:`Design.subset`.  ``df=None`` uses design degrees of
    freedom (R); ``df=inf`` normal critical values and an infinite ``df2``.  Without any
    design (no weights, strata, clusters, fpc) and ``df=inf`` the cell SEs are binomial, so the
    intervals equal statsmodels' ``proportion_confint``, as :func:`analysis.estimators.svyprop`.
    """
    check_method(ci_method)
    confidence = check_level(confidence)
    rname = row_name or (row if isinstance(row, str) else "row")
    cname = col_name or (col if isinstance(col, str) else "col")
    miss = {normalize_value(m) for m in missing}
    rcode, rvals = _categories(design, row, "row variable", miss)
    ccode, cvals = _categories(design, col, "column variable", miss)
    ok = (rcode >= 0) & (ccode >= 0) & (design.weights > 0)
    if valid is not None:
        ok &= np.asarray(valid, dtype=bool)
    if not ok.any():
        raise DesignError(f"no rows have values of both '{rname}' and '{cname}'", kind="no-rows-both",
                          row_column=rname, col_column=cname)
    # levels present among the valid rows, sorted (numerically when all are numbers)
    rlev = _levels(pd.Series([rvals[i] for i in np.flatnonzero(np.bincount(rcode[ok], minlength=len(rvals)))]))
    clev = _levels(pd.Series([cvals[i] for i in np.flatnonzero(np.bincount(ccode[ok], minlength=len(cvals)))]))
    R, C = len(rlev), len(clev)
    K = R * C
    rmap = np.full(len(rvals) + 1, -1, dtype=np.int64)
    rmap[[rvals.index(v) for v in rlev]] = np.arange(R)
    cmap = np.full(len(cvals) + 1, -1, dtype=np.int64)
    cmap[[cvals.index(v) for v in clev]] = np.arange(C)
    # R's rows of each share's domain (zero weights included; Korn–Graubard's nrow(design))
    okr = (rcode >= 0) & (ccode >= 0) & (rmap[rcode] >= 0) & (cmap[ccode] >= 0)
    if valid is not None:
        okr &= np.asarray(valid, dtype=bool)
    rc_all, cc_all = rmap[rcode], cmap[ccode]
    rcode = np.where(ok, rmap[rcode], -1)
    ccode = np.where(ok, cmap[ccode], -1)
    cell = np.where(ok, rcode * C + ccode, 0)
    w = np.where(ok, design.weights, 0.0)

    # weighted and unweighted counts: cells, rows, columns
    Wk = np.bincount(cell, weights=w, minlength=K)
    nk = np.bincount(cell[ok], minlength=K).astype(float)
    W = Wk.sum()
    Wr, Wc = Wk.reshape(R, C).sum(1), Wk.reshape(R, C).sum(0)
    nr, nc = nk.reshape(R, C).sum(1), nk.reshape(R, C).sum(0)
    n = int(ok.sum())
    p = Wk / W
    q_row = (Wk.reshape(R, C) / Wr[:, None]).ravel()
    q_col = (Wk.reshape(R, C) / Wc[None, :]).ravel()

    # each share's domain: strata without a row of the domain take no part (R subset/svyby)
    v_row = np.zeros(K)
    v_col = np.zeros(K)
    if getattr(design, "is_replicate", False):  # every share re-estimated with each replicate's weights
        E = np.zeros((design.n, K))
        E[np.flatnonzero(ok), cell[ok]] = 1.0
        _, reps = design.ratio(E, np.repeat(ok[:, None].astype(float), K, axis=1), ok)
        V_cell = design.replicate_vcov(reps, p)
        for i in range(R):
            sl = slice(i * C, (i + 1) * C)
            m = (ok & (rcode == i)).astype(float)
            _, rr = design.ratio(E[:, sl] * m[:, None], np.repeat(m[:, None], C, axis=1), ok & (rcode == i))
            v_row[sl] = np.diag(design.replicate_vcov(rr, q_row[sl]))
        for j in range(C):
            sl = np.arange(j, K, C)
            m = (ok & (ccode == j)).astype(float)
            _, rr = design.ratio(E[:, sl] * m[:, None], np.repeat(m[:, None], R, axis=1), ok & (ccode == j))
            v_col[sl] = np.diag(design.replicate_vcov(rr, q_col[sl]))
    elif design.needs_rows:
        # calibration residuals / later stages act on row-level influence values
        E = np.zeros((design.n, K))
        E[np.flatnonzero(ok), cell[ok]] = 1.0
        V_cell = design.variance(w[:, None] * (E - p[None, :]) / W, present=ok)
        qr, qc = q_row.reshape(R, C), q_col.reshape(R, C)
        for i in range(R):
            sl = slice(i * C, (i + 1) * C)
            m = ok & (rcode == i)
            Z = (w * m)[:, None] * (E[:, sl] - qr[i][None, :]) / Wr[i]
            v_row[sl] = np.diag(design.variance(Z, present=m))
        for j in range(C):
            sl = np.arange(j, K, C)
            m = ok & (ccode == j)
            Z = (w * m)[:, None] * (E[:, sl] - qc[:, j][None, :]) / Wc[j]
            v_col[sl] = np.diag(design.variance(Z, present=m))
    else:
        # first-stage totals of the influence values of each kind of share, from the weights per
        # PSU × cell (stratum × cell on an unclustered design): analysis.cell_variance
        tots = CellTotals(design, np.where(ok, cell, -1), K)
        eye = np.eye(K)
        V_cell = tots.covariance((eye - p[None, :]) / W, ok)
        cr, cc = np.repeat(np.arange(R), C), np.tile(np.arange(C), R)
        for i in range(R):
            sl = slice(i * C, (i + 1) * C)
            # cell k of row i: influence w (1[k = k'] − q_row[k']) / W_r for the shares k' of row i
            U = np.where((cr == i)[:, None], (eye[:, sl] - q_row[sl][None, :]) / Wr[i], 0.0)
            v_row[sl] = np.diag(tots.covariance(U, ok & (rcode == i)))
        for j in range(C):
            sl = np.arange(j, K, C)
            U = np.where((cc == j)[:, None], (eye[:, sl] - q_col[sl][None, :]) / Wc[j], 0.0)
            v_col[sl] = np.diag(tots.covariance(U, ok & (ccode == j)))

    # degrees of freedom of each share's domain
    if df is None:
        df_cell = float(_group_df(design, np.zeros(design.n, dtype=np.int64), 1, ok)[0])
        df_row = np.repeat(_group_df(design, rcode, R, ok), C)
        df_col = np.tile(_group_df(design, ccode, C, ok), R)
    else:
        df_cell = float(df)
        df_row = np.full(K, float(df))
        df_col = np.full(K, float(df))
    n_row = np.repeat(nr, C)
    n_col = np.tile(nc, R)
    srs = is_srs(design) and df is not None and np.isinf(df)
    if srs:  # binomial variances: the statsmodels path, as svyprop
        se_cell = np.sqrt(p * (1 - p) / n)
        se_row = np.sqrt(q_row * (1 - q_row) / n_row)
        se_col = np.sqrt(q_col * (1 - q_col) / n_col)
    else:
        se_cell = np.sqrt(np.maximum(np.diag(V_cell), 0))
        se_row = np.sqrt(np.maximum(v_row, 0))
        se_col = np.sqrt(np.maximum(v_col, 0))
    rows_cell = np.full(K, float(design.count_rows(okr)))
    rows_row = np.repeat([float(design.count_rows(okr & (rc_all == i))) for i in range(R)], C)
    rows_col = np.tile([float(design.count_rows(okr & (cc_all == j))) for j in range(C)], R)
    ddf_cell = float(_group_df(design, np.zeros(design.n, dtype=np.int64), 1, ok)[0])
    ddf_row = np.repeat(_group_df(design, rcode, R, ok), C)
    ddf_col = np.tile(_group_df(design, ccode, C, ok), R)
    prof = rprof = cprof = None
    if ci_method == "likelihood":  # one intercept-only model per share (R svyciprop on the share's domain)
        from .ci_likelihood import profile_for

        cell_all = rc_all * C + cc_all
        prof = [profile_for(design, (cell_all == k).astype(float), okr) for k in range(K)]
        rprof = [profile_for(design, (cc_all == k % C).astype(float), okr & (rc_all == k // C)) for k in range(K)]
        cprof = [profile_for(design, (rc_all == k // C).astype(float), okr & (cc_all == k % C)) for k in range(K)]
    lo, hi, used = proportion_ci_used(p, se_cell, np.full(K, n), df_cell, ci_method, confidence, n_rows=rows_cell,
                                      srs=srs, design_df=ddf_cell, profile=prof)
    rlo, rhi, rused = proportion_ci_used(q_row, se_row, n_row, df_row, ci_method, confidence, n_rows=rows_row, srs=srs,
                                         design_df=ddf_row, profile=rprof)
    clo, chi, cused = proportion_ci_used(q_col, se_col, n_col, df_col, ci_method, confidence, n_rows=rows_col, srs=srs,
                                         design_df=ddf_col, profile=cprof)
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = se_cell**2 / _vsrs(p, np.full(K, float(n)), np.full(K, W))

    # Rao–Scott: N and ν as R's svychisq counts them (svychisq_size)
    N, nu = svychisq_size(design)
    nu = nu if df is None else float(df)
    test = rao_scott(p, V_cell, R, C, N, nu)
    # Wald tests from the covariance of the estimated cell totals
    if getattr(design, "is_replicate", False):
        E = np.zeros((design.n, K))
        E[np.flatnonzero(ok), cell[ok]] = 1.0
        _, reps = design.ratio(E, None, ok)
        V_tot = design.replicate_vcov(reps, Wk)
    elif design.needs_rows:
        E = np.zeros((design.n, K))
        E[np.flatnonzero(ok), cell[ok]] = 1.0
        V_tot = design.variance(w[:, None] * E, present=ok)
    else:
        V_tot = tots.covariance(np.eye(K), ok)
    wald = wald_tests(Wk, V_tot, R, C, nu)

    cells = pd.DataFrame({
        "row": np.repeat(np.array(rlev, dtype=object), C), "col": np.tile(np.array(clev, dtype=object), R),
        "n": nk.astype(int), "weight": Wk, "estimate": p, "se": se_cell, "ci_low": lo, "ci_high": hi,
        "deff": deff, "df": df_cell, "proportion": p,
        "row_share": q_row, "row_share_se": se_row, "row_share_ci_low": rlo, "row_share_ci_high": rhi,
        "row_share_df": df_row,
        "col_share": q_col, "col_share_se": se_col, "col_share_ci_low": clo, "col_share_ci_high": chi,
        "col_share_df": df_col,
        "ci_method": used, "row_share_ci_method": rused, "col_share_ci_method": cused, "confidence": confidence,
    })
    return CrossTab(row_var=rname, col_var=cname, row_levels=rlev, col_levels=clev, cells=cells, test=test, n=n,
                    extra={"covariance": V_cell, "total_weight": float(W), "totals_covariance": V_tot}, wald=wald)

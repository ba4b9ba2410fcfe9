"""Each group against the rest: design-based test of the difference of domain means.

For a grouping with groups g = 1..G (codes per row, −1 = missing) and an indicator that is the
unweighted mean of J items (J = 1 for a single question), the group's estimate is
θ_D = (1/J) Σ_j ȳ_j(D) with ȳ_j(D) = Σ w v_j y_j 1_D / Σ w v_j 1_D over the rows valid for item j
(v_j), and the rest's θ_C the same over the rows of the other groups (rows without a group leave
both).  The difference Δ = θ_D − θ_C has the linearised influence values

    z_i = (1/J) Σ_j [ 1_D(i) w_i v_ij (y_ij − ȳ_j(D)) / W_j(D) − 1_C(i) w_i v_ij (y_ij − ȳ_j(C)) / W_j(C) ]

whose design variance (:meth:`Design.variance`: strata, PSUs, fpc, calibration residuals; replicate
designs re-estimate Δ with every replicate) gives se(Δ); t = Δ / se, two-sided p from Student t
with the design degrees of freedom of the rows valid for the test minus 1.

For J = 1 this is exactly R ``svyttest(y ~ I(group == g), subset(design, valid))`` (the
coefficient of the group dummy in ``svyglm`` is Δ, its sandwich SE equals the linearised SE of the
difference of the two domain means, and ``df.residual = degf − 1``); for J > 1 it is R
``svycontrast`` of the joint domain ratios with the same df.  Checked against R in
``tests/golden/r_group_tests.R`` (``tests/test_group_tests_r_golden.py``).

:func:`independence_test` is the Rao–Scott F test of the group × answer table
(:func:`analysis.crosstab.crosstab`, R ``svychisq(~y + group, design, statistic="F")``): do the
groups differ at all?
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
from scipy import stats

from .crosstab import crosstab
from .design import Design
from .estimators import design_df


@dataclass(frozen=True)
class GroupTest:
    """One group against the rest (module docstring).  ``estimate``/``rest`` are None (and the test
    absent) when the group or the rest has no valid row for some item."""

    group: str
    estimate: Optional[float]
    rest: Optional[float]
    difference: Optional[float]
    se: Optional[float]
    t: Optional[float]
    df: Optional[float]
    p: Optional[float]
    n: int
    n_rest: int

    def significant(self, alpha: float = 0.05) -> bool:
        return self.p is not None and self.p < alpha

    def to_dict(self, alpha: float = 0.05) -> dict:
        return {"group": self.group, "estimate": self.estimate, "rest": self.rest, "difference": self.difference,
                "se": self.se, "t": self.t, "df": self.df, "p": self.p, "n": self.n, "n_rest": self.n_rest,
                "significant": self.significant(alpha)}


def _f(x) -> Optional[float]:
    x = float(x)
    return x if np.isfinite(x) else None


def group_vs_rest(design: Design, ys: Sequence[np.ndarray], valids: Sequence[np.ndarray], codes: np.ndarray,
                  labels: Sequence[str]) -> list[GroupTest]:
    """Every group of ``codes`` (0..G−1 per row, −1 = missing; ``labels`` their names) against the
    rest, for the mean over items of ``ys`` (values per row) valid where ``valids`` (module docstring)."""
    w = np.asarray(design.weights, dtype=float)
    codes = np.asarray(codes)
    ys = [np.nan_to_num(np.asarray(y, dtype=float)) for y in ys]
    vs = [np.asarray(v, dtype=bool) & (w > 0) for v in valids]
    J = len(ys)
    known = codes >= 0
    any_valid = np.zeros(design.n, dtype=bool)
    for v in vs:
        any_valid |= v
    replicate = getattr(design, "is_replicate", False)
    present = any_valid & known  # rows of the test: valid for some item, in some group (R: the subset design)
    dfv = float(design_df(design, np.where(present, w, 0.0)) - 1)
    out = []
    for g, lab in enumerate(labels):
        D = codes == g
        C = known & ~D
        z = np.zeros(design.n)
        thD = thC = 0.0
        ok = True
        a_cols, b_cols = [], []
        for y, v in zip(ys, vs):
            vD, vC = v & D, v & C
            WD, WC = w[vD].sum(), w[vC].sum()
            if WD <= 0 or WC <= 0:
                ok = False
                break
            pD = (w * y)[vD].sum() / WD
            pC = (w * y)[vC].sum() / WC
            thD += pD / J
            thC += pC / J
            z += (np.where(vD, w * (y - pD), 0.0) / WD - np.where(vC, w * (y - pC), 0.0) / WC) / J
            if replicate:  # the replicate ratios need the columns (rows × 2 per item: not formed otherwise)
                a_cols += [y * vD, y * vC]
                b_cols += [vD.astype(float), vC.astype(float)]
        nD, nC = int((any_valid & D).sum()), int((any_valid & C).sum())
        if not ok:
            out.append(GroupTest(str(lab), None, None, None, None, None, None, None, nD, nC))
            continue
        if replicate:
            est, reps = design.ratio(np.column_stack(a_cols), np.column_stack(b_cols), present)
            sign = np.tile([1.0, -1.0], J) / J
            var = float(design.replicate_vcov((reps @ sign)[:, None], np.array([est @ sign]))[0, 0])
        else:
            var = float(design.variance(z[:, None], present=present)[0, 0])
        out.append(finish_test(lab, thD, thC, var, dfv, nD, nC))
    return out


def finish_test(lab, thD: float, thC: float, var: float, dfv: float, nD: int, nC: int) -> GroupTest:
    """The t test of the difference thD − thC with linearisation variance ``var`` on ``dfv`` df (R
    ``svycontrast`` then ``2·pt(−|t|, degf)``); shared by the row engine and the sufficient-statistics one."""
    diff = thD - thC
    se = float(np.sqrt(var)) if var >= 0 else float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        t = diff / se if se > 0 else float("nan")
    p = float(2 * stats.t.sf(abs(t), dfv)) if np.isfinite(t) and dfv > 0 else float("nan")
    return GroupTest(str(lab), _f(thD), _f(thC), _f(diff), _f(se), _f(t), _f(dfv), _f(p), nD, nC)


def independence_test(design: Design, y: np.ndarray, valid: np.ndarray, codes: np.ndarray) -> Optional[dict]:
    """Rao–Scott F test of answers ``y`` (valid where ``valid``) × group ``codes`` (−1 = missing):
    ``{"name": "rao-scott-F", "F", "df1", "df2", "p"}`` (R ``svychisq(~y + g, design)``), or None when
    the table has fewer than two groups or two answers."""
    codes = np.asarray(codes)
    ok = np.asarray(valid, dtype=bool) & (codes >= 0) & (design.weights > 0)
    if not ok.any():
        return None
    yy = np.asarray(y, dtype=float)
    if np.unique(codes[ok]).size < 2 or np.unique(yy[ok]).size < 2:
        return None
    ct = crosstab(design, np.where(codes >= 0, codes.astype(float), np.nan), np.where(ok, yy, np.nan), valid=ok,
                  row_name="group", col_name="answer")
    return ct.test_record("F")

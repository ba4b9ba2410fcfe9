"""What `survey estimate` and `survey crosstab` say beside their numbers (:mod:`report.file_estimate`): the df a
method does not use, and the notes on results that differ from R or are not defined (deff of a constant column,
the arcsine cut at 0, quantiles of replicate designs, NaN under --lonely-psu average), and the values --level,
--missing and --score name that no row holds.  Which interval each statistic has for --ci is an option's check
(``cli.estimate.interval_for``)."""

from __future__ import annotations

import math
from typing import Optional

# interval methods that use no degrees of freedom (analysis.ci: jeffreys is Beta(x+½, n_eff−x+½) with the
# effective sample size only): their records show no df (JSON df null) and a note gives the design df
NO_DF_METHODS = ("jeffreys",)
# interval methods built on the effective sample size p(1−p)/se² (analysis.ci._n_eff): with se 0 and 0 < p < 1
# it is infinite and the base n is used instead; R's Korn–Graubard gives Beta(∞, ∞) quantiles, 0.5
SE0_NEFF_METHODS = ("clopper-pearson", "wilson", "jeffreys", "agresti-coull")


def record_label(r) -> str:
    """How a note names a record: as the printed line does, the variable and its --by category
    (``y q0.5 [d=a]``), so notes on several categories neither repeat "y q0.5, y q0.5" nor lose which one."""
    dom = ", ".join(f"{k}={v}" for k, v in (r.domain or {}).items())
    return f"{r.var} [{dom}]" if dom else r.var


def record_json(r) -> dict:
    """The --json record of ``r``; df is null where the interval uses none (:data:`NO_DF_METHODS`)."""
    d = r.to_dict()
    if r.ci_method in NO_DF_METHODS:
        d["df"] = None
    return d


def cells_without_unused_df(out: dict) -> dict:
    """``survey crosstab --json`` with the df of each cell share whose interval uses none
    (:data:`NO_DF_METHODS`) set to null, as ``survey estimate`` does; the test keeps its own df."""
    for cell in out.get("cells", []):
        for prefix in ("", "row_share_", "col_share_"):
            if cell.get(f"{prefix}ci_method") in NO_DF_METHODS and f"{prefix}df" in cell:
                cell[f"{prefix}df"] = None
    return out


def _deff_notes(records: list, statistic: str, json_out: bool = False) -> list[str]:
    """Why a record shows deff n/a: a quantile has none (R svyquantile gives none); a column with one value
    has a simple-random-sampling variance of 0, so deff = Var/V_srs is not defined (R prints Inf or NaN).
    ``json_out``: the quantile note is left out (JSON deff is null for every quantile, as documented)."""
    out = []
    if any(r.extra.get("quantile") is not None for r in records if r.n) and not json_out:
        out.append("quantiles have no design effect (deff n/a; R's svyquantile gives none)")
    # deff = Var/V_srs is NaN with a finite Var and n >= 2 only when V_srs = 0 (analysis.estimators._vsrs_mean);
    # a NaN Var (e.g. R's "average" over a lonely unit) shows se=nan itself
    const = [r.var for r in records if r.n >= 2 and r.deff != r.deff and r.se == r.se
             and r.extra.get("quantile") is None]
    if const:
        same = ("the numerator is the same multiple of the denominator in every valid row" if statistic == "ratio"
                else "every valid row has the same value")
        out.append(f"{', '.join(dict.fromkeys(const))}: {same}, so the variance under "
                   "simple random sampling is 0 and the design effect is not defined (deff n/a, JSON null; R "
                   "prints Inf or NaN)")
    return out


def _no_df_note(records: list) -> Optional[str]:
    """Why a jeffreys record shows no df, and the design df it leaves unused."""
    dfs = sorted({float(r.df) for r in records if r.ci_method in NO_DF_METHODS and r.n})
    if not dfs:
        return None
    shown = ", ".join(f"{d:g}" for d in dfs)
    return ("the jeffreys interval uses the effective sample size only and no degrees of freedom, so no df is "
            f"shown (the design df is {shown}; the other --ci methods use it)")


def r_logit_critical(confidence: float, df: float) -> float:
    """The critical value R's ``svyciprop(method="logit")`` uses: ``confint.svyglm`` turns the t level into a
    normal one, ``tlevel = 1 − 2Φ(t_{(1−c)/2, df})``, and takes ``qnorm((1 − tlevel)/2)``.  Where that tail is
    below the double's precision (|t| > ~8.2: df 1 at 95 %) tlevel rounds to 1 and R's bound is ±Inf, so its
    interval is [0, NaN]; minyi uses the t quantile itself (survey 4.1.1 source)."""
    from analysis import distributions as D

    a = (1 - confidence) / 2
    tlevel = 1 - 2 * D.norm_cdf(D.t_ppf(a, df))
    return abs(float(D.norm_ppf((1 - tlevel) / 2))) if tlevel < 1 else math.inf


# what R does where r_logit_differs: said by the logit notes of survey estimate and survey crosstab
R_LOGIT_LEVEL = ("R's svyciprop(method='logit') converts the t level to a normal level (1 − 2Φ(t)), which rounds to "
                 "1 at so few degrees of freedom, and gives 0 and NaN as bounds (docs/statistics.md)")


def r_logit_differs(confidence: float, df: float) -> bool:
    """R's logit critical value (:func:`r_logit_critical`) is off the t quantile of ``df`` by more than 1e-7
    relative: the case the logit notes of `survey estimate` and `survey crosstab` declare."""
    from analysis import distributions as D

    if not (0 < df < math.inf):
        return False
    t = abs(float(D.t_ppf((1 - confidence) / 2, df)))
    return abs(r_logit_critical(confidence, df) - t) > 1e-7 * t


def logit_level_notes(records: list) -> list[str]:
    """A note where ``--ci logit`` differs from R's because R's level conversion (:func:`r_logit_critical`)
    loses precision: R's critical value is off the t quantile by more than 1e-7 relative."""
    bad = []
    for r in records:
        df = float(r.df) if r.df is not None else math.nan
        if r.ci_method == "logit" and r.n and r_logit_differs(r.confidence, df):
            bad.append(record_label(r))
    if not bad:
        return []
    return [f"{', '.join(dict.fromkeys(bad))}: the logit interval uses the t quantile with the design df; "
            + R_LOGIT_LEVEL]


CROSSTAB_CI = (("ci_method", "df"), ("row_share_ci_method", "row_share_df"), ("col_share_ci_method", "col_share_df"))


def crosstab_logit_note(cells, confidence: float) -> Optional[str]:
    """The note of :func:`logit_level_notes` for `survey crosstab`'s cells: where a logit interval (cell, row or
    column share) has so few degrees of freedom that R's level conversion (:func:`r_logit_critical`) is off the
    t quantile, R's bounds are 0 and NaN while minyi's use the t quantile (docs/statistics.md)."""
    dfs = set()
    for method, dfcol in CROSSTAB_CI:
        if method not in cells or dfcol not in cells:
            continue
        for m, df in zip(cells[method], cells[dfcol]):
            df = float(df) if df is not None else math.nan
            if m == "logit" and r_logit_differs(confidence, df):
                dfs.add(df)
    if not dfs:
        return None
    return (f"the logit intervals with {', '.join(f'{d:g}' for d in sorted(dfs))} degree(s) of freedom use the t "
            "quantile; " + R_LOGIT_LEVEL)


def estimate_notes(records: list, *, statistic: str, interval_type: str, by: Optional[str], no_group: int,
                   json_out: bool, replicate: bool, average_later_stage: bool,
                   zero_weight_rows: int = 0) -> list[str]:
    """The notes printed after `survey estimate`'s records (stderr with --json): ``no_group`` rows with an empty
    --by value; ``replicate``: a replicate-weight design; ``average_later_stage``: --lonely-psu average with
    several stages; ``zero_weight_rows``: rows of weight 0 (a replicate design's deff differs from R's there)."""
    notes = []
    below = [record_label(r) for r in records if r.extra.get("below_smallest")]
    if below:
        notes.append(f"{', '.join(dict.fromkeys(below))}: p is below the share of the smallest value, so the quantile is the smallest "
                     "value; R's svyquantile (qrule math) gives the second smallest there (docs/statistics.md)")
    bound = [record_label(r) for r in records if r.n and r.extra.get("quantile") is not None and not r.extra.get("below_smallest")
             and hasattr(r.interval, "bounds_below_smallest")
             and bool(r.interval.bounds_below_smallest(r.confidence, r.df).any())]
    if bound:
        notes.append(f"{', '.join(dict.fromkeys(bound))}: a bound of the interval falls below the share of the smallest "
                     "value, so that bound is the smallest value; R's svyquantile (qrule math) gives the second "
                     "smallest there, and its se = (upper − lower)/(2t) differs with it (docs/statistics.md)")
    if no_group:
        notes.append(f"{no_group:,} row(s) with an empty '{by}' are in no --by category and are left out")
    no_df = _no_df_note(records)
    if no_df:
        notes.append(no_df)
    notes.extend(_deff_notes(records, statistic, json_out))
    cut = [record_label(r) for r in records if r.ci_method == "asin" and r.n and r.ci_low == 0 and r.estimate > 0]
    if cut:
        notes.append(f"{', '.join(dict.fromkeys(cut))}: the arcsine interval crosses 0 and is cut there (lower bound "
                     "0); R's svyciprop(method='asin') reflects it and gives a lower bound above 0 "
                     "(docs/statistics.md)")
    top = [record_label(r) for r in records if r.ci_method == "asin" and r.n and r.ci_high == 1 and r.estimate < 1]
    if top:
        notes.append(f"{', '.join(dict.fromkeys(top))}: the arcsine interval crosses 100% and is cut there (upper "
                     "bound 100%); R's svyciprop(method='asin') reflects it and gives an upper bound below 100% "
                     "(docs/statistics.md)")
    notes.extend(logit_level_notes(records))
    se0 = [record_label(r) for r in records if r.n and r.ci_method in SE0_NEFF_METHODS and r.se == 0
           and 0 < r.estimate < 1]
    if se0:
        notes.append(f"{', '.join(dict.fromkeys(se0))}: the standard error is 0, so the effective sample size "
                     "p(1−p)/se² is infinite; the interval takes it as the base n (analysis/ci.py). R's "
                     "svyciprop(method='beta') gives [50%, 50%] there whatever the share (docs/statistics.md)")
    binom = [record_label(r) for r in records if r.n and getattr(r.interval, "srs", False)]
    if binom:
        notes.append(f"{', '.join(dict.fromkeys(binom))}: with no design and --df inf, a share's standard error is the "
                     "binomial √(p(1−p)/n), so its intervals equal statsmodels' proportion_confint; R's svymean on "
                     "svydesign(ids=~1) gives the design's √(p(1−p)/(n−1)) (a large --df, e.g. 1e9, gives R's "
                     "normal interval; docs/statistics.md)")
    if statistic == "quantile" and interval_type != "mean" and replicate:
        notes.append(f"the Woodruff interval is '{interval_type}' as --ci asks; R's svyquantile for replicate-weight "
                     "designs drops interval.type and always gives 'mean' (R's woodruffCI with "
                     f"method='{interval_type}' equals minyi; docs/statistics.md)")
    if replicate and zero_weight_rows and any(r.deff == r.deff for r in records):
        notes.append(f"deff counts the rows of non-zero weight as the sample size, as R's svymean does for a "
                     f"linearization design; R's svymean on a replicate-weight design also counts the "
                     f"{zero_weight_rows:,} row(s) of weight 0 here, so its deff differs (docs/statistics.md)")
    if average_later_stage and any(r.n >= 2 and r.se != r.se for r in records):
        notes.append("se is NaN: with --lonely-psu average, a unit of a later stage alone in its unit of the stage "
                     "above has no others to average over, so the variance is not defined (R survey gives NaN "
                     "too); use adjust, certainty or remove")
    notes.extend(undefined_interval_notes(records))
    return notes


def _nan(v) -> bool:
    return v is None or v != v


def undefined_interval_notes(records: list) -> list[str]:
    """Why a record with an estimate shows an interval of NA (JSON null) — never a bare NaN: a domain or design
    with no degrees of freedom (df 0: its valid rows lie in one PSU per stratum; R's ``confint(df=0)`` gives NaN
    too), or a Woodruff quantile interval whose share p ± t·SE(share) leaves [0, 1] (R's ``svyquantile``
    interval.type "mean" gives NaN there too, and so does its se = (upper − lower)/(2t))."""
    live = [r for r in records if r.n and not _nan(r.estimate) and (_nan(r.ci_low) or _nan(r.ci_high))]
    no_df = [record_label(r) for r in live if r.df is not None and r.df == 0]
    share = [record_label(r) for r in live if not (r.df is not None and r.df == 0)
             and r.extra.get("quantile") is not None and r.ci_method == "woodruff-mean"]
    out = []
    if no_df:
        out.append(f"{', '.join(dict.fromkeys(no_df))}: no degrees of freedom (df 0: the valid rows lie in one PSU "
                   "per stratum), so there is no t interval (NA, JSON null; R's confint with df 0 gives NaN "
                   "too); --df inf gives the normal interval")
    if share:
        out.append(f"{', '.join(dict.fromkeys(share))}: the Woodruff interval's share p ± t·SE leaves 0–100 %, so "
                   "that bound (and se = (upper − lower)/(2t)) is not defined (NA, JSON null; R's svyquantile gives "
                   "NaN too); --ci logit keeps the share inside")
    return out


def zero_weight_levels_note(table, weights, row: str, col: str, missing: list, res) -> Optional[str]:
    """The categories of ``row``/``col`` whose rows with both answers all have weight 0: the cross-tab leaves
    them out (no cell can be estimated) and tests the table of the other categories; R's ``svychisq`` keeps
    them as empty levels and its statistic is 0/0 (NaN).  A deliberate difference (docs/statistics.md),
    said rather than silent."""
    import numpy as np

    from analysis.values import normalize_series, normalize_value

    miss = {normalize_value(m) for m in missing}
    r, c = normalize_series(table[row]), normalize_series(table[col])
    both = (r.notna() & c.notna() & ~r.isin(miss) & ~c.isin(miss)).to_numpy()
    gone = []
    for name, vals, kept in ((row, r, res.row_levels), (col, c, res.col_levels)):
        out = sorted(set(vals[both & (np.asarray(weights) == 0)]) - set(vals[both & (np.asarray(weights) > 0)])
                     - set(kept), key=str)
        gone += [f"'{v}' of {name}" for v in out]
    if not gone:
        return None
    return (f"{', '.join(gone)}: only rows with weight 0, so left out of the table and the test (= R's svychisq with "
            "it set to NA); R's svychisq on the data as it is keeps it as an empty level and gives NaN "
            "(docs/statistics.md)")


def _shown_values(have: set) -> str:
    """The values of a column as a note lists them: numbers in numeric order, the first 20."""
    from analysis.values import is_number

    pool = sorted(have, key=lambda v: (0, float(v), "") if is_number(v) else (1, 0.0, str(v)))
    return ", ".join(repr(v) for v in pool[:20]) + (" ..." if len(pool) > 20 else "")


def _closest(value: str, have: set) -> str:
    """"did you mean '3' or '5'?" (:func:`analysis.values.near_values`); "check the value" when none is close."""
    from analysis.values import near_values

    near = near_values(value, have)
    return ("did you mean " + " or ".join(f"'{x}'" for x in near) + "?") if near else "check the value"


def absent_value_notes(path, have: set, columns: tuple, *, levels=(), missing=(), scores=None) -> list:
    """Notes (:class:`survey.messages.Problem`, severity note) for the ``--level``, ``--missing`` and ``--score``
    values that no row of ``columns`` holds (``have``: their values as :func:`analysis.values.normalize_series`
    gives them).  The estimators accept a number absent from a column of numbers, a code nobody chose
    (:func:`analysis.values.check_present`), so ``--level 4`` on a 1/2/3/5 column is a share of 0: said, with the
    values the column has and the closest, rather than a bare 0.0%."""
    from analysis.values import normalize_value
    from survey.messages import problem

    out = []
    if not have:
        return out
    col = columns[0]
    file = str(path)
    shown = _shown_values(have)
    for v in dict.fromkeys(levels):
        if normalize_value(v) not in have:
            out.append(problem("level-value-absent", file=file, column=col, severity="note", value=v,
                               values=shown, suggestion=_closest(v, have)))
    for v in dict.fromkeys(missing):
        if normalize_value(v) not in have:
            out.append(problem("missing-value-absent", file=file, severity="note", value=v,
                               columns=" or ".join(f"'{c}'" for c in dict.fromkeys(columns)), values=shown,
                               suggestion=_closest(v, have)))
    for v, x in (scores or {}).items():
        if normalize_value(v) not in have:
            out.append(problem("score-value-absent", file=file, column=col, severity="note", value=v, score=f"{x:g}",
                               values=shown, suggestion=_closest(v, have)))
    return out

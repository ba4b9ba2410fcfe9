"""What `survey estimate` and `survey crosstab` say beside their numbers: which interval each statistic has
for --ci (refused, never ignored, where it has none), the df a method does not use, and the notes on
results that differ from R or are not defined (deff of a constant column, the arcsine cut at 0, quantiles
of replicate designs, NaN under --lonely-psu average)."""

from __future__ import annotations

from typing import Optional

import typer

# interval methods that use no degrees of freedom (analysis.ci: jeffreys is Beta(x+½, n_eff−x+½) with the
# effective sample size only): their records show no df (JSON df null) and a note gives the design df
NO_DF_METHODS = ("jeffreys",)


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


def interval_for(ci: Optional[str], statistic: str, share: bool) -> tuple[str, str]:
    """The proportion interval and the quantile interval type for ``--ci`` (None: the default) of ``statistic``;
    a method the statistic has no version of is refused, never ignored."""
    from analysis.design import DesignError
    from analysis.quantiles import quantile_interval_type

    if statistic == "quantile":
        try:
            return "logit", quantile_interval_type(ci or "wald")
        except DesignError as e:  # the message names the methods that apply
            raise typer.BadParameter(str(e), param_hint="'--ci'")
    if share and statistic == "mean":
        return ci or "logit", "mean"
    if ci not in (None, "wald"):
        what = {"total": "a total", "ratio": "a ratio"}.get(statistic, "a mean")
        raise typer.BadParameter(f"{what} has the Wald interval (estimate ± t·se, R confint); --ci {ci} applies to "
                                 "shares (--level) and quantiles", param_hint="'--ci'")
    return "wald", "mean"




def estimate_notes(records: list, *, statistic: str, interval_type: str, by: Optional[str], no_group: int,
                   json_out: bool, replicate: bool, average_later_stage: bool) -> list[str]:
    """The notes printed after `survey estimate`'s records (stderr with --json): ``no_group`` rows with an empty
    --by value; ``replicate``: a replicate-weight design; ``average_later_stage``: --lonely-psu average with
    several stages."""
    notes = []
    below = [r.var for r in records if r.extra.get("below_smallest")]
    if below:
        notes.append(f"{', '.join(below)}: p is below the share of the smallest value, so the quantile is the smallest "
                     "value; R's svyquantile (qrule math) gives the second smallest there (docs/statistics.md)")
    if no_group:
        notes.append(f"{no_group:,} row(s) with an empty '{by}' are in no --by category and are left out")
    no_df = _no_df_note(records)
    if no_df:
        notes.append(no_df)
    notes.extend(_deff_notes(records, statistic, json_out))
    cut = [r.var for r in records if r.ci_method == "asin" and r.n and r.ci_low == 0 and r.estimate > 0]
    if cut:
        notes.append(f"{', '.join(dict.fromkeys(cut))}: the arcsine interval crosses 0 and is cut there (lower bound "
                     "0); R's svyciprop(method='asin') reflects it and gives a lower bound above 0 "
                     "(docs/statistics.md)")
    if statistic == "quantile" and interval_type != "mean" and replicate:
        notes.append(f"the Woodruff interval is '{interval_type}' as --ci asks; R's svyquantile for replicate-weight "
                     "designs drops interval.type and always gives 'mean' (R's woodruffCI with "
                     f"method='{interval_type}' equals minyi; docs/statistics.md)")
    if average_later_stage and any(r.n >= 2 and r.se != r.se for r in records):
        notes.append("se is NaN: with --lonely-psu average, a unit of a later stage alone in its unit of the stage "
                     "above has no others to average over, so the variance is not defined (R survey gives NaN "
                     "too); use adjust, certainty or remove")
    return notes

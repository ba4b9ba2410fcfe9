"""Commands on a data file (no project needed): estimate, crosstab, weight, plan."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

from ._app import app
from ._common import (CiOpt, CombinedOpt, ConfOpt, DfOpt, FpcOpt, JsonOpt, LonelyOpt, MseOpt, NRepOpt, PpsOpt, PsuOpt,
                      ReplicatesOpt, RepRscalesOpt, RepScaleOpt, RepTypeOpt, RepWeightsOpt, RhoOpt, SeedOpt, StrataOpt,
                      WeightOpt, _echo_json, choice, open_project, option_problem, options_said)


def _parse_scores(items: List[str]) -> dict:
    import math

    from analysis.values import normalize_value

    out, given = {}, {}
    for it in items:
        if "=" not in it:
            option_problem("option-form", "--score", form="VALUE=NUMBER", text=it, example="5=100")
        k, v = it.rsplit("=", 1)
        try:
            x = float(v)
        except ValueError:
            option_problem("option-not-a-number", "--score", text=it, number=v, example=f"{k.strip() or 5}=100")
        if not math.isfinite(x):  # nan: the value's rows silently left the base; inf: an infinite mean
            option_problem("score-option-not-finite", "--score", text=it, number=v.strip(), value=k.strip())
        if k in out:  # the later one silently replaced the earlier
            option_problem("score-option-twice", "--score", value=k, first=f"{out[k]:g}", second=f"{x:g}")
        key = normalize_value(k)  # 1 and 1.0, or ' 1', are one value of the column (analysis.values)
        if key in given:
            first = given[key]
            option_problem("score-option-same-value", "--score", first=f"{first}={out[first]:g}", second=it, value=key,
                           a=f"{out[first]:g}", b=f"{x:g}")
        given[key] = k
        out[k] = x
    return out


# --ci of `survey estimate`: which interval each statistic has (analysis.ci for shares, the Woodruff intervals of
# analysis.quantiles.QUANTILE_CI for quantiles, Wald for means, totals and ratios as R's confint)
EstimateCiOpt = Annotated[Optional[str], typer.Option(
    "--ci", help="Interval method: wald, logit, clopper-pearson, asin, likelihood, wilson, jeffreys, agresti-coull "
                 "(default logit).  Quantiles: wald (Woodruff, R interval.type 'mean', their default), logit "
                 "('xlogit'), asin, clopper-pearson ('beta').  Means, totals and ratios: wald only (R confint).")]


def _parse_ratio(text: Optional[str]) -> Optional[tuple]:
    if text is None:
        return None
    parts = [p.strip() for p in text.split("/")]
    if len(parts) != 2 or not all(parts):
        option_problem("option-form", "--ratio", form="NUM/DEN (two columns)", text=text, example="spend/income")
    return parts[0], parts[1]


@app.command()
def estimate(
    data: Annotated[Path, typer.Argument(help="CSV/TSV/XLSX data file (UTF-8 or GBK), or an SPSS .sav (its user-missing values left out, as SPSS does).")],
    var: Annotated[Optional[str], typer.Option("--var", help="Column to estimate (not needed with --ratio).")] = None,
    level: Annotated[Optional[List[str]], typer.Option("--level", help="Value counted as a 'yes' (repeatable): estimate the share of valid rows with one of these values.")] = None,
    missing: Annotated[Optional[List[str]], typer.Option("--missing", help="Value that is not applicable and leaves the base (repeatable), e.g. 不了解.")] = None,
    score: Annotated[Optional[List[str]], typer.Option("--score", help="VALUE=NUMBER (repeatable): estimate the mean score.")] = None,
    total: Annotated[bool, typer.Option("--total", help="Estimate the population total of the column (or, with --level, the number of units with one of the levels) (R svytotal).")] = False,
    ratio: Annotated[Optional[str], typer.Option("--ratio", help="NUM/DEN: the ratio of two columns' totals, Σwy/Σwx (R svyratio).")] = None,
    quantile: Annotated[Optional[List[float]], typer.Option("--quantile", help="Quantile to estimate, e.g. 0.5 for the median (repeatable) (R svyquantile, Woodruff interval).")] = None,
    qrule: Annotated[str, typer.Option("--qrule", help="Quantile rule: math (R default, inverse of the weighted CDF) or hf7 (interpolated).")] = "math",
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    pps: PpsOpt = None,
    lonely_psu: LonelyOpt = "fail",
    repweights: RepWeightsOpt = None,
    rep_type: RepTypeOpt = "other",
    rep_scale: RepScaleOpt = None,
    rep_rscales: RepRscalesOpt = None,
    rho: RhoOpt = None,
    mse: MseOpt = False,
    combined_weights: CombinedOpt = True,
    replicates: ReplicatesOpt = None,
    n_replicates: NRepOpt = None,
    seed: SeedOpt = None,
    by: Annotated[Optional[str], typer.Option("--by", help="One record per category of this column.")] = None,
    ci: EstimateCiOpt = None,
    confidence: ConfOpt = 0.95,
    df: DfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Estimate a share, a mean, a total, a ratio or quantiles of a column, with a design-based confidence interval.

    Works on any CSV/XLSX without a questionnaire.  Standard errors are Taylor-linearised as
    in R's survey package (multistage with --psu a,b --fpc N1,N2; PPS with --pps brewer), or
    from replicate weights (--repweights, or --replicates to make them); critical values use
    Student t with the design degrees of freedom (--df inf for the normal).  Empty cells and
    --missing values leave the base.  With --fpc and no --weight, the weights come from the fpc
    (R) and a note says so.  A proportion of 0 or 100 % gets the Korn–Graubard interval and
    ci_method says so.  --json prints a list of records: var, levels, domain, n, estimate, se,
    ci_low, ci_high, ci_method, confidence, df, deff (quantiles: one record per quantile, var
    "COL q0.5"; ratios: var "NUM/DEN").

    Example:

        survey estimate answers.csv --var Q12 --level 非常满意 --level 满意 --missing 不了解 --weight w --by district --json
    """
    from report.datafile_estimate import estimate_file
    from report.datafile_text import estimate_lines, said_lines
    from report.estimate_notes import record_json
    from survey.design_options import DesignOptions

    request = _estimate_request(
        data, var, level, missing, score, total, ratio, quantile, qrule, by, ci, confidence, df, json_out,
        DesignOptions(weight, strata, psu, fpc, pps, lonely_psu, repweights, rep_type, rep_scale, rep_rscales, rho, mse,
                      combined_weights, replicates, n_replicates, seed))
    with options_said():
        outcome = estimate_file(request, say=_say)
    if json_out:  # stdout holds the JSON only
        _echo_json([record_json(r) for r in outcome.records])
        _echo_lines(said_lines(outcome), err=True)
        return
    _echo_lines(estimate_lines(outcome) + said_lines(outcome))


def _estimate_request(data, var, level, missing, score, total, ratio, quantile, qrule, by, ci, confidence, df, json_out,
                      design):
    """`survey estimate`'s options as a :class:`report.datafile_estimate.EstimateRequest`, each checked before the
    data file is read (a wrong one is a wrong command line, exit 2): one statistic, --level or --score, no value both
    counted and --missing, no quantile twice, a --ci the statistic has."""
    from analysis.ci import CI_METHODS
    from analysis.quantiles import QRULES
    from report.datafile_estimate import EstimateRequest

    if ci is not None:
        choice(ci, tuple(CI_METHODS), "--ci")
    choice(qrule, QRULES, "--qrule")
    num_den = _parse_ratio(ratio)
    modes = [m for m, on in (("--total", total), ("--ratio", num_den), ("--quantile", quantile)) if on]
    if len(modes) > 1:
        option_problem("estimate-modes-several", modes[1], given=" and ".join(modes), modes=", ".join(modes))
    if level and score:
        option_problem("estimate-level-and-score", "--score")
    scores = _parse_scores(score or [])
    both = [v for v in (level or []) + list(scores) if v in set(missing or [])]
    if both:  # --missing silently won: the value left the base although it was also counted or scored
        option_problem("estimate-missing-and-counted", "--missing", value=both[0], counted="level" if level else "score")
    seen_q: dict = {}
    for i, p in enumerate(quantile or []):  # the same record twice: --quantile 0.5 --quantile 0.50
        if p in seen_q:
            option_problem("quantile-given-twice", "--quantile", first=f"{quantile[seen_q[p]]:g}", second=f"{p:g}")
        seen_q[p] = i
    statistic = "total" if total else "ratio" if num_den else "quantile" if quantile else "mean"
    ci, interval_type = interval_for(ci, statistic, bool(level))
    if var is None and num_den is None:
        option_problem("estimate-no-variable", "--var")
    return EstimateRequest(
        data, var, statistic, levels=level or [], missing=missing or [], scores=scores, ratio=num_den,
        quantiles=quantile or [], qrule=qrule, by=by, ci=ci, interval_type=interval_type, confidence=confidence, df=df,
        design=design, for_json=json_out)


@app.command()
def crosstab(
    data: Annotated[Path, typer.Argument(help="CSV/TSV/XLSX data file (UTF-8 or GBK), or an SPSS .sav (its user-missing values left out, as SPSS does).")],
    row: Annotated[str, typer.Option("--row", help="Column whose categories form the rows.")],
    col: Annotated[str, typer.Option("--col", help="Column whose categories form the columns.")],
    missing: Annotated[Optional[List[str]], typer.Option("--missing", help="Value that is not applicable and leaves the base (repeatable), e.g. 不了解.")] = None,
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    pps: PpsOpt = None,
    lonely_psu: LonelyOpt = "fail",
    repweights: RepWeightsOpt = None,
    rep_type: RepTypeOpt = "other",
    rep_scale: RepScaleOpt = None,
    rep_rscales: RepRscalesOpt = None,
    rho: RhoOpt = None,
    mse: MseOpt = False,
    combined_weights: CombinedOpt = True,
    replicates: ReplicatesOpt = None,
    n_replicates: NRepOpt = None,
    seed: SeedOpt = None,
    test: Annotated[str, typer.Option("--test", help="Test of independence: F (Rao–Scott second order, default), chisq (first-order Rao–Scott χ²), wald, adjwald (R svychisq statistic=).")] = "F",
    ci: CiOpt = "logit",
    confidence: ConfOpt = 0.95,
    df: DfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Cross-tab of two columns under a design: cell shares with CIs and a test of independence.

    Each cell carries its share of the table (estimate, se, ci_low, ci_high; R
    svymean(~interaction(row, col))), its share of its row (row_share_*) and of its column
    (col_share_*), all with design-based intervals.  The test of independence is R's
    svychisq(~row+col, design): the Rao–Scott second-order corrected F by default, or with
    --test the first-order χ² (chisq), the Wald test (wald) or the adjusted Wald test
    (adjwald).  Empty cells and --missing values leave the base.  The plain-text table shows
    row percentages; a .sav's codes by their value labels, and the categories of minyi's Excel export in
    code order.

    Example:

        survey crosstab answers.csv --row district --col Q12 --missing 不了解 --weight w --psu community --json
    """
    from analysis.ci import CI_METHODS
    from analysis.crosstab import TESTS

    choice(ci, tuple(CI_METHODS), "--ci")
    choice(test, TESTS, "--test")
    from report.datafile_estimate import CrosstabRequest, crosstab_file
    from report.datafile_text import crosstab_lines, said_lines
    from report.estimate_notes import cells_without_unused_df
    from survey.design_options import DesignOptions

    request = CrosstabRequest(
        data, row, col, missing=missing or [], test=test, ci=ci, confidence=confidence, df=df,
        design=DesignOptions(weight, strata, psu, fpc, pps, lonely_psu, repweights, rep_type, rep_scale, rep_rscales,
                             rho, mse, combined_weights, replicates, n_replicates, seed))
    with options_said():
        outcome = crosstab_file(request, say=_say)
    if json_out:  # stdout holds the JSON only
        _echo_json(cells_without_unused_df(outcome.result.to_dict(test)))
        _echo_lines(said_lines(outcome), err=True)
        return
    _echo_lines(crosstab_lines(outcome) + said_lines(outcome))


def interval_for(ci: Optional[str], statistic: str, share: bool) -> tuple[str, str]:
    """The proportion interval and the quantile interval type for ``--ci`` (None: the default) of ``statistic``;
    a method the statistic has no version of is refused, never ignored."""
    from analysis.design import DesignError
    from analysis.quantiles import quantile_interval_type

    if statistic == "quantile":
        try:
            return "logit", quantile_interval_type(ci or "wald")
        except DesignError as e:  # its catalogue entry names the methods that apply (a wrong command line, exit 2)
            from survey.design_messages import design_problem

            raise design_problem(e) from None
    if share and statistic == "mean":
        return ci or "logit", "mean"
    if ci not in (None, "wald"):
        what = {"total": "a total", "ratio": "a ratio"}.get(statistic, "a mean")
        option_problem("estimate-ci-wald-only", "--ci", what=what, ci=ci)
    return "wald", "mean"


def _say(problem) -> None:
    """A notice of the data file's reading (survey.datafile), on stderr as it is found."""
    typer.echo(str(problem), err=True)


def _echo_lines(lines: List[str], err: bool = False) -> None:
    for line in lines:
        typer.echo(line, err=err)


def _parse_totals(items: List[str]) -> dict:
    import math

    out = {}
    for it in items:
        if "=" not in it:
            option_problem("option-form", "--total", form="COLUMN=NUMBER", text=it, example="age=1250000")
        k, v = it.rsplit("=", 1)
        try:
            x = float(v)
        except ValueError:
            option_problem("option-not-a-number", "--total", text=it, number=v,
                           example=f"{k.strip() or 'age'}=1250000")
        if not math.isfinite(x):  # every calibrated weight was NaN, written as an empty column
            option_problem("weight-total-not-finite", "--total", text=it, number=v.strip(), column=k.strip())
        if k.strip() in out:  # the later one silently replaced the earlier
            option_problem("weight-total-twice", "--total", column=k.strip(), first=f"{out[k.strip()]:g}",
                           second=f"{x:g}")
        out[k.strip()] = x
    return out


def _check_weight_name(name: str) -> None:
    """The new weight column's name (--name) is one a --weight can give back: not empty, not blanks, no blanks
    around it (the CSV reader strips a header's blanks, so 'w ' would be read back as 'w')."""
    what = ("empty" if name == "" else "only blanks" if not name.strip()
            else "blanks around it" if name != name.strip() else None)
    if what:
        option_problem("weight-name-blank", "--name", name=name, what=what)


def _parse_bounds(text: Optional[str]) -> Optional[tuple]:
    if text is None:
        return None
    try:
        lo, hi = (float(x) for x in text.split(","))
    except ValueError:
        option_problem("option-form", "--bounds", form="L,U (two numbers)", text=text, example="0.5,2")
    if not lo < 1 < hi:
        option_problem("weight-bounds-order", "--bounds", text=text)
    return lo, hi


def _parse_margin_specs(items: List[str]) -> list:
    out = []
    for it in items:
        col, f = it.split("=", 1) if "=" in it else ("", "")
        if not col.strip() or not f.strip():
            option_problem("option-form", "--margin", form="COLUMN=FILE", text=it, example="district=pop_district.csv")
        out.append((col.strip(), Path(f.strip())))
    return out


@app.command()
def weight(
    data: Annotated[Path, typer.Argument(help="CSV/TSV/XLSX data file (UTF-8 or GBK), or an SPSS .sav (its user-missing values left out, as SPSS does).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the data with the new weight column (.csv or .xlsx).")],
    margin: Annotated[Optional[List[str]], typer.Option(
        "--margin", help="COLUMN=FILE (repeatable): population margin of a column; the file's first column is the "
                         "category, the second the population count or share (0.23 or 23%). COL1+COL2=FILE: "
                         "cross-classified cells (the file's first two columns are the categories).")] = None,
    method: Annotated[str, typer.Option("--method", help="rake (several margins, R rake), poststratify (one margin, R postStratify), linear (GREG calibration to the margins and --total, R calibrate) or logit (bounded logit calibration, needs --bounds).")] = "rake",
    total: Annotated[Optional[List[str]], typer.Option("--total", help="COLUMN=NUMBER (repeatable): population total of a numeric column, for --method linear or logit.")] = None,
    bounds: Annotated[Optional[str], typer.Option("--bounds", help="L,U: bounds on the ratio of new to old weight for --method linear (truncated) or logit (R calibrate bounds=); when every total is over 20× the sample's, the weights are first scaled as R does and a warning gives the ratio's range.")] = None,
    partial: Annotated[bool, typer.Option("--partial", help="Post-stratification: ignore margin categories absent from the sample (R postStratify partial=TRUE).")] = False,
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    pps: PpsOpt = None,
    lonely_psu: LonelyOpt = "fail",
    cap: Annotated[Optional[float], typer.Option(
        "--cap", help="Largest allowed ratio of a weight to the mean weight: trim (R trimWeights) and re-weight until it holds.")] = None,
    name: Annotated[str, typer.Option("--name", help="Name of the new weight column.")] = "weight_cal",
    population_total: Annotated[Optional[float], typer.Option(
        "--population-total", help="Population size used to turn shares into counts (default: the count margins' total, "
                                   "else the sum of the input weights).")] = None,
    maxit: Annotated[Optional[int], typer.Option(
        "--maxit", help="Raking: most passes over the margins (R rake control maxit; default 10).", min=1)] = None,
    epsilon: Annotated[Optional[float], typer.Option(
        "--epsilon", help="Raking stops when no weighted cell count changes by epsilon or more (below 1: a fraction "
                          "of the total weight), as R rake's control epsilon (default 1).", min=0)] = None,
    json_out: JsonOpt = False,
) -> None:
    """Weight the data to population margins (raking, post-stratification, calibration) and write a new weight column.

    Raking is R's rake() (iterative proportional fitting; same stopping rule, defaults maxit 10,
    epsilon 1), post-stratification R's postStratify() (--partial: R partial=TRUE), linear and
    logit R's calibrate() (GREG, or Deville–Särndal's logit distance within --bounds) to the
    margins' category counts and the --total of numeric columns.  Margins given as shares are scaled to
    --population-total, else to the total of the margins given as counts, else to the sum of the
    input weights.  Prints the convergence report, the weighting efficiency and Kish's effective
    sample size n_eff = (Σw)²/Σw².  A category in a margin file but not in the data (or the other way
    round) is refused, naming the file and the category.  --cap C trims weights above C × the mean
    weight (R trimWeights) and re-weights, until the cap holds and the margins are met.  A weight
    column read back from the file is a plain weight: SEs from it treat the weights as fixed (R's
    calibration adjustment of the SE needs the library design returned by analysis.weighting).

    Example:

        survey weight answers.csv --margin district=pop_district.csv --margin age=pop_age.csv --cap 5 --out weighted.csv
    """
    from report.datafile_text import design_note_lines, weight_lines
    from report.datafile_weight import weight_file
    from survey.design_options import DesignOptions

    request = _weight_request(data, out, margin, method, total, bounds, partial, cap, name, population_total, maxit,
                              epsilon, DesignOptions(weight, strata, psu, fpc, pps, lonely_psu))
    with options_said():
        outcome = weight_file(request, say=_say)
    if json_out:
        _echo_json({**outcome.report.to_dict(), "out": str(out), "name": name})
        _echo_lines(design_note_lines(outcome.design), err=True)
        return
    _echo_lines(weight_lines(outcome))


def _weight_request(data, out, margin, method, total, bounds, partial, cap, name, population_total, maxit, epsilon,
                    design):
    """`survey weight`'s options as a :class:`report.datafile_weight.WeightRequest`, each checked before the data
    file is read (a wrong one is a wrong command line, exit 2): the method's own options only, the --out not the
    data file, a --name a --weight can give back, at least one margin or total."""
    from report.datafile_weight import WeightRequest

    choice(method, ("rake", "poststratify", "linear", "logit"), "--method")
    if out.is_file() and data.is_file() and os.path.samefile(out, data):  # replaced, other sheets and all
        option_problem("weight-out-is-input", "--out", out=str(out), example=f"{out.stem}_weighted{out.suffix}")
    for option, given in (("--maxit", maxit), ("--epsilon", epsilon)):
        if given is not None and method != "rake":  # silently ignored: not R's rake
            option_problem("weight-option-not-rake", option, method=method)
    _check_weight_name(name)
    totals = _parse_totals(total or [])
    lim = _parse_bounds(bounds)
    if method in ("rake", "poststratify"):
        for option, given in (("--total", totals), ("--bounds", lim)):
            if given:
                option_problem("weight-option-not-calibration", option, method=method)
    if method == "logit" and lim is None:
        option_problem("weight-logit-no-bounds", "--bounds")
    if partial and method != "poststratify":
        option_problem("weight-partial-not-poststratify", "--partial", method=method)
    if cap is not None and method in ("linear", "logit"):
        option_problem("weight-cap-calibration", "--cap", method=method)
    specs = _parse_margin_specs(margin or [])
    if method == "poststratify" and len(specs) > 1:  # an option problem, not one of the margin files
        option_problem("weight-poststratify-margins", "--margin", count=len(specs))
    if not specs and not totals:
        option_problem("weight-no-margin", "--margin")
    return WeightRequest(data, out, margins=specs, method=method, totals=totals, bounds=lim, partial=partial, cap=cap,
                         name=name, population_total=population_total, maxit=maxit, epsilon=epsilon, design=design)


@app.command()
def plan(
    margin: Annotated[float, typer.Option("--margin", help="Margin of error (half-width of the interval) as a share, e.g. 0.03 for ±3 points.")],
    confidence: ConfOpt = 0.95,
    p: Annotated[float, typer.Option("--p", help="Anticipated proportion (0.5 is the safest).")] = 0.5,
    population: Annotated[Optional[float], typer.Option("--population", help="Population size N for the finite population correction (default: the strata's sum, else none).")] = None,
    deff: Annotated[float, typer.Option("--deff", help="Design effect of the planned design (clustering, weighting).")] = 1.0,
    strata: Annotated[Optional[Path], typer.Option(
        "--strata", help="CSV/XLSX of strata: stratum, population size, and optionally sd (or p) for Neyman allocation.")] = None,
    allocate: Annotated[str, typer.Option("--allocate", help="Allocation across strata: proportional, neyman or equal.")] = "proportional",
    min_per_stratum: Annotated[int, typer.Option("--min-per-stratum", help="Smallest sample in any stratum (never more than its population).", min=0)] = 0,
    quotas: Annotated[Optional[Path], typer.Option(
        "--quotas", help="Project folder: write the allocation as the web survey's quota cells (quotas: in its "
                         "minyi.yaml), one per stratum; the strata must be its districts or survey sites.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Required sample size for a proportion, with fpc and design effect, and its allocation across strata.

    n0 = z² p(1−p)/e² (Cochran 1977, eq. 4.2), times the design effect, then the finite population
    correction n = n0/(1 + (n0 − 1)/N) (eq. 4.3), rounded up: ±5 points at 95% needs 385, ±3 points 1068.
    With --strata the sample is allocated proportionally to the population, by Neyman (N_h × S_h)
    or equally, keeping the total (largest remainder), at least --min-per-stratum per stratum and
    never more than a stratum's population.

    Example:

        survey plan --margin 0.03 --confidence 0.95 --deff 1.5 --strata districts.csv --allocate proportional --min-per-stratum 30

    With --quotas DIR the allocation becomes the quota cells survey serve fills (one per district or site).
    """
    from analysis.planning import ALLOCATIONS, PlanningError
    from analysis.planning import plan as make_plan
    from report.datafile_text import pad
    from survey.errors import MinyiError
    from survey.margins import read_strata_file

    if allocate not in ALLOCATIONS:
        option_problem("plan-allocation-choice", "--allocate", value=allocate, choices=", ".join(ALLOCATIONS))
    if strata is None:  # options of the allocation, silently ignored without strata
        for option, given in (("--allocate", allocate != "proportional"), ("--min-per-stratum", min_per_stratum > 0)):
            if given:
                option_problem("plan-strata-option-alone", option)
    kw = {}
    if strata is not None:
        names, pops, kind, extra = read_strata_file(strata)
        total_pop = float(sum(pops))
        if population is not None and abs(population - total_pop) > 1e-9 * max(1.0, total_pop):
            option_problem("plan-population-strata-differ", "--population", population=f"{population:,.10g}",
                           file=str(strata), total=f"{total_pop:,.10g}")
        kw = dict(strata=names, strata_population=pops, allocation=allocate, min_per_stratum=min_per_stratum)
        if kind == "sd":
            kw["strata_sd"] = extra
        elif kind == "p":
            kw["strata_p"] = extra
        if allocate == "neyman" and kind is None:
            raise MinyiError.of("strata-neyman-column", file=str(strata))
    if quotas is not None and strata is None:
        option_problem("plan-quotas-no-strata", "--quotas")
    project = open_project(quotas) if quotas is not None else None  # before the work: a wrong folder fails first
    try:
        res = make_plan(margin, confidence, p, population, deff, **kw)
    except PlanningError as e:  # an option's value (exit 2), or the strata file's (survey/design_messages.py)
        from survey.design_messages import planning_problem

        raise planning_problem(e, str(strata) if strata is not None else None) from None
    written = None
    if project is not None:
        from survey.plan_quotas import write_plan_quotas

        written = write_plan_quotas(project, [a.stratum for a in res.allocation], [a.n for a in res.allocation],
                                    str(strata))
    if json_out:
        _echo_json(res.to_dict())
        if written is not None:  # stdout holds the JSON only
            typer.echo(written.note(), err=True)
        return
    typer.echo(f"n0 = z² p(1−p)/e² = {res.z:.4f}² × {res.p:g} × {1 - res.p:g} / {res.margin:g}² = {res.n0:.1f}")
    if res.deff != 1:
        typer.echo(f"× design effect {res.deff:g} = {res.n_deff:.1f}")
    if res.population is not None:
        typer.echo(f"finite population correction (N = {res.population:,.0f}): {res.n_fpc:.1f}")
    typer.echo(f"required sample size: {res.n}")
    for note in res.notes:
        typer.echo(f"note: {note}")
    if res.allocation:
        typer.echo(f"allocation ({res.allocation_method}, at least {res.min_per_stratum} per stratum): "
                   f"total {res.n_allocated}")
        typer.echo(f"  {'stratum':<16} {'population':>12} {'n':>7} {'share':>7}")
        for a in res.allocation:
            flag = {"minimum": " (minimum)", "population": " (whole stratum)"}.get(a.bound or "", "")
            typer.echo(f"  {pad(str(a.stratum), 16, left=True)} {a.population:>12,.0f} {a.n:>7} {a.share:>7.1%}{flag}")
    if written is not None:
        typer.echo(written.note())


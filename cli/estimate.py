"""Commands on a data file (no project needed): estimate, crosstab, weight, plan."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

from ._app import app
from .estimate_notes import (NO_DF_METHODS, absent_value_notes, cells_without_unused_df, crosstab_logit_note,
                             estimate_notes, interval_for, record_json, zero_weight_levels_note)
from ._common import (CiOpt, CombinedOpt, ConfOpt, DfOpt, FpcOpt, JsonOpt, LonelyOpt, MseOpt, NRepOpt, PpsOpt, PsuOpt,
                      ReplicatesOpt, RepRscalesOpt, RepScaleOpt, RepTypeOpt, RepWeightsOpt, RhoOpt, SeedOpt, StrataOpt,
                      WeightOpt, _check_columns, _data_errors, _echo_json, _read_data, choice, codebook_of, design_notes,
                      design_spec, open_project, option_problem, parse_df)


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


def _print_estimates(records: list, pct: bool, book=None) -> None:
    for r in records:
        dom = ", ".join(f"{k}={book.text(k, v) if book else v}" for k, v in (r.domain or {}).items())
        if r.n == 0:
            typer.echo(f"{r.var}{' [' + dom + ']' if dom else ''}: not estimable (n=0: no valid rows with a "
                       "positive weight)")
            continue
        f = (lambda x: f"{100 * x:.1f}%") if pct else (lambda x: f"{x:.4g}")
        lo = "NA" if r.ci_low != r.ci_low else f(r.ci_low)
        hi = "NA" if r.ci_high != r.ci_high else f(r.ci_high)
        df = "" if r.ci_method in NO_DF_METHODS else f" df={r.df:g}"
        deff = "n/a" if r.deff != r.deff else f"{r.deff:.3g}"
        typer.echo(f"{r.var}{' [' + dom + ']' if dom else ''}: {f(r.estimate)}  "
                   f"({r.confidence:.0%} CI {lo} – {hi}, {r.ci_method})  "
                   f"se={r.se:.4g} n={r.n}{df} deff={deff}")


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
    from analysis.ci import CI_METHODS
    from analysis.column import estimate_column
    from analysis.quantiles import QRULES

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
    table = _read_data(data)
    _check_columns(table, data, var=var, by=by)
    if by is not None and len(table) and _values_in(table, (by,)) == set():  # no record at all, exit 0 and JSON []
        from survey.errors import MinyiError

        raise MinyiError.of("by-column-empty", file=str(data), column=by, rows=f"{len(table):,}")
    book = codebook_of(table)
    if var is not None:  # --level 满意 on a .sav whose cells hold the code 4
        level, missing = _as_codes(book, table, (var,), level or []), _as_codes(book, table, (var,), missing or [])
    if num_den:
        _check_columns(table, data, ratio=num_den[0])
        _check_columns(table, data, ratio=num_den[1])
    with _data_errors(data, table):
        spec = design_spec(data, table, weight=weight, strata=strata, psu=psu, fpc=fpc, pps=pps, lonely_psu=lonely_psu,
                           repweights=repweights, rep_type=rep_type, rep_scale=rep_scale, rep_rscales=rep_rscales,
                           rho=rho, mse=mse, combined_weights=combined_weights, replicates=replicates,
                           n_replicates=n_replicates, seed=seed)
        records = estimate_column(table, var, levels=level or [], missing=missing or [],
                                  scores=scores, by=by, ci_method=ci, confidence=confidence,
                                  df=parse_df(df), design=spec, statistic=statistic, ratio=num_den,
                                  quantiles=quantile or [], qrule=qrule, interval_type=interval_type)
    no_group = 0
    if by is not None:
        from analysis.values import normalize_series

        no_group = int(normalize_series(table[by]).isna().sum())
    notes = estimate_notes(records, statistic=statistic, interval_type=interval_type, by=by, no_group=no_group,
                           json_out=json_out, replicate=spec.is_replicate,
                           average_later_stage=lonely_psu == "average" and bool(psu) and "," in psu,
                           zero_weight_rows=_zero_weight_rows(table, weight) if spec.is_replicate else 0)
    from analysis.design_spec import lonely_note

    with _data_errors(data, table):
        design = spec.build(table)
    notes.extend(filter(None, [lonely_note(design)]))
    # values no row holds (a number absent from a column of numbers is accepted: a code nobody chose)
    absent = [] if var is None else absent_value_notes(data, _values_in(table, (var,)), (var,), levels=level or [],
                                                       missing=missing or [], scores=scores)
    if json_out:
        _echo_json([record_json(r) for r in records])
        for p in absent:  # stdout holds the JSON only
            typer.echo(str(p), err=True)
        for note in notes:
            typer.echo(f"note: {note}", err=True)
        design_notes(design, err=True)
        return
    _print_estimates(_in_code_order(book, records, by), pct=bool(level) and not total, book=book)
    for p in absent:
        typer.echo(str(p))
    for note in notes:
        typer.echo(f"note: {note}")
    design_notes(design)


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
    from analysis.crosstab import crosstab as _crosstab

    choice(ci, tuple(CI_METHODS), "--ci")
    choice(test, TESTS, "--test")
    table = _read_data(data)
    _check_columns(table, data, row=row, col=col)
    book = codebook_of(table)
    missing = _as_codes(book, table, (row, col), missing or [])
    _check_missing_values(table, data, missing, (row, col))
    with _data_errors(data, table):
        spec = design_spec(data, table, weight=weight, strata=strata, psu=psu, fpc=fpc, pps=pps, lonely_psu=lonely_psu,
                           repweights=repweights, rep_type=rep_type, rep_scale=rep_scale, rep_rscales=rep_rscales,
                           rho=rho, mse=mse, combined_weights=combined_weights, replicates=replicates,
                           n_replicates=n_replicates, seed=seed)
        design = spec.build(table)
        res = _crosstab(design, row, col, missing=missing or [], ci_method=ci, confidence=confidence,
                        df=parse_df(df))
    dropped = None if getattr(design, "is_replicate", False) else zero_weight_levels_note(
        table, design.weights, row, col, missing or [], res)
    logit = crosstab_logit_note(res.cells, confidence) if ci == "logit" else None
    from analysis.design_spec import lonely_note

    lonely = lonely_note(design)
    absent = absent_value_notes(data, _values_in(table, (row, col)), (row, col), missing=missing or [])
    if json_out:
        _echo_json(cells_without_unused_df(res.to_dict(test)))
        for p in absent:  # stdout holds the JSON only
            typer.echo(str(p), err=True)
        for note in (dropped, logit, lonely):
            if note:
                typer.echo(f"note: {note}", err=True)
        design_notes(design, err=True)
        return
    typer.echo(f"{row} × {col}: n={res.n:,}  (row %, {confidence:.0%} CI {ci})")
    cells = res.cells.set_index(["row", "col"])
    # whole labels, aligned by their width on a terminal (a Chinese character takes two columns): labels cut
    # to 12 characters made two rows read the same ("Very satisfi")
    # a .sav's codes by their value labels, and categories in code order (survey.codebook)
    row_levels, col_levels = book.order(row, res.row_levels), book.order(col, res.col_levels)
    width = max([_cols(book.text(col, c)) for c in col_levels] + [18])
    lab = max([_cols(book.text(row, r)) for r in row_levels] + [12])
    typer.echo(" " * lab + "".join(_pad(book.text(col, c), width + 2) for c in col_levels) + f"{'n':>8}")
    for r in row_levels:
        parts = []
        for c in col_levels:
            x = cells.loc[(r, c)]
            parts.append(f"{_pct(x.row_share, 5)}% [{_pct(x.row_share_ci_low, 4)},{_pct(x.row_share_ci_high, 5)}]")
        n_r = int(cells.loc[r, "n"].sum())
        typer.echo(_pad(book.text(row, r), lab, left=True) + "".join(f"{p:>{width + 2}}" for p in parts) + f"{n_r:>8}")
    t = res.test
    one = [name for name, levels in ((row, res.row_levels), (col, res.col_levels)) if len(levels) < 2]
    if one:  # the statistics are NaN (JSON null): nothing to test, said in words rather than "F = nan"
        typer.echo(f"No test of independence: '{one[0]}' has a single category among the valid rows, so there is "
                   "no association to test.")
    elif test in ("wald", "adjwald") and res.wald[test].singular:
        typer.echo(f"No {test} test: the covariance of this table's cells is singular (many empty cells, or fewer "
                   f"PSUs than the table's {(len(res.row_levels) - 1) * (len(res.col_levels) - 1)} degrees of "
                   "freedom); R's svychisq stops there ('system is computationally singular') or gives rounding "
                   "noise as its statistic (e.g. −7e14 with p = 1, or 1e14 with p < 1e-7). Merge sparse "
                   "categories, or use --test F.")
    elif test in ("F", "chisq") and t.singular:
        typer.echo("No Rao–Scott test: this table has too many empty cells for its design effects to be "
                   "estimated; R's svychisq stops too ('system is computationally singular'). Merge sparse "
                   "categories and run it again.")
    elif test in ("F", "chisq") and not t.chisq_p == t.chisq_p:
        typer.echo(f"No Rao–Scott test: the design has no degrees of freedom for the test ({res.n:,} valid rows in "
                   "too few PSUs); R's svychisq gives F = Inf, NaN or p = 0 there. Pearson X² = "
                   f"{t.chisq:.4g}, df = {t.chisq_df}, without a p value.")
    elif test == "F":
        typer.echo(f"Rao–Scott F = {t.F:.4g}, df = ({t.df1:.3g}, {t.df2:.4g}), p = {t.p:.4g}"
                   f"   (first-order χ² = {t.chisq:.4g}, df = {t.chisq_df}, p = {t.chisq_p:.4g})")
    elif test == "chisq":
        typer.echo(f"Rao–Scott first-order χ²: Pearson X² = {t.chisq:.4g}, df = {t.chisq_df}, p = {t.chisq_p:.4g}")
    else:
        w = res.wald[test]
        label = "Wald" if test == "wald" else "adjusted Wald"
        typer.echo(f"{label} F = {w.F:.4g}, df = ({w.df1:g}, {w.df2:g}), p = {w.p:.4g}")
    for p in absent:
        typer.echo(str(p))
    for note in (dropped, logit, lonely):
        if note:
            typer.echo(f"note: {note}")
    design_notes(design)


def _as_codes(book, table, columns: tuple, values: List[str]) -> List[str]:
    """``--level`` / ``--missing`` values given as value labels of a .sav (or of minyi's Excel export) turned
    into the codes its cells hold; values the data holds as they are stay as given."""
    if not values or not any(c in book.labels for c in columns):
        return values
    present = _values_in(table, columns)
    out = values
    for c in dict.fromkeys(columns):
        out = book.codes(c, out, present)
    return out


def _in_code_order(book, records: list, by: Optional[str]) -> list:
    """The ``--by`` groups of the plain-text output in the codebook's code order (a .sav's codes sort as
    numbers already; a labelled Excel export's labels otherwise sort alphabetically)."""
    if not by or by not in book.labels:
        return records
    groups = book.order(by, dict.fromkeys((r.domain or {}).get(by) for r in records))
    rank = {g: i for i, g in enumerate(groups)}
    return sorted(records, key=lambda r: rank[(r.domain or {}).get(by)])


def _zero_weight_rows(table, weight: Optional[str]) -> int:
    """Rows whose sampling weight (the ``--weight`` column) is 0."""
    if not weight:
        return 0
    import pandas as pd

    return int((pd.to_numeric(table[weight], errors="coerce") == 0).sum())


def _pct(x: float, width: int) -> str:
    """A share as a percentage with one decimal in ``width`` columns; NA where it is not defined (NaN), as
    `survey estimate` prints it, never "nan"."""
    return f"{100 * x:{width}.1f}" if x == x else f"{'NA':>{width}}"


def _cols(text: str) -> int:
    """Columns ``text`` takes on a terminal: two for a wide (East Asian) character, one otherwise."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, left: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (right-aligned unless ``left``)."""
    fill = " " * max(0, width - _cols(text))
    return text + fill if left else fill + text


def _check_missing_values(table, path: Path, missing: List[str], columns: tuple) -> None:
    """A --missing value that no row of ``columns`` holds is a typo (nothing would leave the base): refused as
    --level/--missing of survey estimate are (:func:`analysis.values.check_present`), naming the file."""
    from analysis.values import check_present

    with _data_errors(path):
        check_present(_values_in(table, columns), missing, "--missing",
                      "column " + " or ".join(repr(c) for c in dict.fromkeys(columns)))


def _values_in(table, columns: tuple) -> set:
    """The distinct values of ``columns`` as the estimators compare them (:func:`analysis.values.normalize_series`)."""
    from analysis.values import normalize_series

    have = set()
    for c in dict.fromkeys(columns):
        have |= set(normalize_series(table[c]).dropna())
    return have


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


# the catalogue entry of each kind of analysis.weighting.WeightingError and analysis.calibration.CalibrationError
# (their params fill it); _weighting_error / _calibration_error say where.  A kind that is a wrong option value of
# survey weight is said by the option's entry (USAGE_CODES, exit status 2), raised in those functions by name.
WEIGHTING_CODES = {
    "missing-variable": "unknown-column", "missing-values": "weight-missing-values",
    "joint-columns": "weight-margin-joint-columns", "margin-type": "weight-margin-type",
    "margin-columns": "weight-margin-columns", "blank-category": "weight-margin-blank-category",
    "duplicate": "weight-margin-duplicate-category", "bad-population": "weight-margin-bad-population",
    "empty": "weight-margin-empty", "margins-type": "weight-margins-type", "no-margins": "weight-no-margins",
    "not-in-sample": "weight-margin-not-in-sample", "not-in-margin": "weight-margin-not-in-margin",
    "zero-population": "weight-zero-population-with-rows", "shares": "weight-margin-shares-sum",
    "population-total": "weight-population-total", "totals": "weight-margin-totals-differ",
    "totals-population": "weight-margin-totals-population", "trim-bounds": "weight-trim-bounds",
    "cap": "weight-cap", "maxit": "weight-maxit", "poststratify-margins": "weight-poststratify-margins",
    "unknown-method": "weight-unknown-method",
}
CALIBRATION_CODES = {
    "missing-variable": "unknown-column", "missing-values": "calibration-missing-values",
    "not-in-total": "calibration-category-without-total", "not-in-sample": "calibration-category-not-in-sample",
    "category-totals": "calibration-category-totals", "non-numeric": "calibration-non-numeric",
    "no-totals": "calibration-no-totals", "unknown-calfun": "calibration-unknown-function",
    "logit-bounds": "calibration-logit-bounds", "collinear": "calibration-collinear",
    "no-convergence": "calibration-no-convergence", "breakdown": "calibration-breakdown",
}
# kinds about the data (the file named is the data file) rather than a margins file, and kinds about what the
# command asked for as a whole (no file named)
_DATA_KINDS = {"missing-values", "non-numeric", "collinear", "no-convergence", "breakdown"}
_NO_FILE_KINDS = {"margins-type", "no-margins", "trim-bounds", "no-totals"}


def _did_you_mean(candidates: dict) -> str:
    """"; 'x': did you mean 'y'?" for the categories that have close ones on the other side, else ""."""
    parts = [f"'{c}': did you mean " + " or ".join(f"'{x}'" for x in cands) + "?"
             for c, cands in candidates.items() if cands]
    return "".join("; " + p for p in parts)


def _totals_said(totals: dict) -> str:
    return ", ".join(f"{k} {t:,.10g}" for k, t in totals.items())


def _weighting_error(e, files: dict, data_path: Path):
    """The catalogue message of a WeightingError (:data:`WEIGHTING_CODES`), located at the margins file of its
    variable (all of them when it concerns several), the data file, or the command line."""
    from analysis.weighting import said_categories
    from survey.errors import MinyiError

    p = dict(e.params)
    if e.kind == "cap":  # wrong option values: a wrong command line
        return MinyiError.of("weight-cap", cap=p["cap"])
    if e.kind == "population-total":
        return MinyiError.of("weight-population-total", population_total=p["population_total"])
    if e.kind == "maxit":
        return MinyiError.of("weight-maxit", maxit=p["maxit"])
    if e.kind == "unknown-method":
        return MinyiError.of("weight-unknown-method", method=p["method"])
    if e.kind == "poststratify-margins":
        return MinyiError.of("weight-poststratify-margins", count=p["count"])
    if e.kind == "missing-variable":
        cands = e.candidates.get(e.variable)
        return MinyiError.of("unknown-column", file=str(data_path), column=e.variable,
                             suggestion="--margin: " + ("did you mean " + " or ".join(f"'{x}'" for x in cands) + "?"
                                                        if cands else "check the header"))
    code = WEIGHTING_CODES[e.kind]
    if e.kind in ("not-in-sample", "not-in-margin"):
        absent, extra = p["absent"], p["not_in_margin"]
        p.update(absent=said_categories(absent, p["absent_rows"], zero_weight=True),
                 not_in_margin=said_categories(extra, p["not_in_margin_rows"]), suggestion=_did_you_mean(e.candidates))
        if absent and extra:
            code = "weight-margin-categories-mismatch"
        elif absent and set(absent) <= set(p["absent_rows"]):  # in the data, every row of weight 0
            code = "weight-margin-zero-weight-category"
    if e.kind in ("totals", "totals-population"):
        p["totals"] = _totals_said(p["totals"])
        counted = [str(files[v]) for v in e.params["totals"] if v in files]
        return MinyiError.of(code, file=", ".join(counted or [str(f) for f in files.values()]), **p)
    if e.kind in _DATA_KINDS:
        return MinyiError.of(code, file=str(data_path), **p)
    if e.kind in _NO_FILE_KINDS:
        return MinyiError.of(code, **p)
    f = files.get(e.variable)
    return MinyiError.of(code, file=str(f) if f else ", ".join(str(x) for x in files.values()), **p)


def _calibration_error(e, files: dict, data_path: Path):
    """The catalogue message of a CalibrationError (:data:`CALIBRATION_CODES`), located at the margins file of its
    variable, else the data file, or the command line."""
    from survey.errors import MinyiError

    p = dict(e.params)
    if e.kind == "unknown-calfun":  # wrong option values: a wrong command line
        return MinyiError.of("calibration-unknown-function", calfun=p["calfun"], choices=p["choices"])
    if e.kind == "logit-bounds":
        return MinyiError.of("calibration-logit-bounds", bounds=p["bounds"])
    if e.kind == "missing-variable":
        return MinyiError.of("unknown-column", file=str(data_path), column=e.variable,
                             suggestion="--total: check the header")
    code = CALIBRATION_CODES[e.kind]
    if e.kind in _NO_FILE_KINDS:
        return MinyiError.of(code, **p)
    f = files.get(e.variable)
    return MinyiError.of(code, file=str(f) if f and e.kind not in _DATA_KINDS else str(data_path), **p)


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
    from analysis.calibration import CalibrationError, calibrate_margins
    from analysis.weighting import WeightingError, calibrate
    from survey.errors import MinyiError
    from survey.margins import read_margin_file

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
    table = _read_data(data)
    for col in totals:
        _check_columns(table, data, total=col)
    for col, _f in specs:
        for part in ([col] if col in table.columns or "+" not in col else col.split("+")):
            _check_columns(table, data, margin=part.strip())
    if name in table.columns:
        raise MinyiError.of("weight-column-exists", file=str(data), name=name)
    seen = set()
    for col, _f in specs:
        if col in seen:
            option_problem("weight-margin-twice", "--margin", column=col)
        seen.add(col)
    margins = {col: read_margin_file(f, 1 if col in table.columns or "+" not in col else len(col.split("+")), column=col,
                                     counts_matter=True)
               for col, f in specs}
    files = {col: f for col, f in specs}
    with _data_errors(data, table):
        design = design_spec(data, table, weight=weight, strata=strata, psu=psu, fpc=fpc, pps=pps,
                             lonely_psu=lonely_psu).build(table)
    mdict = {c: dict(zip(*m)) for c, m in margins.items()}
    try:
        if method in ("linear", "logit"):
            new, rep = calibrate_margins(design, mdict, totals, calfun=method, bounds=lim,
                                         population_total=population_total)
        else:
            kw = dict(population_total=population_total, cap=cap)
            if method == "rake":
                kw.update(maxit=10 if maxit is None else maxit, epsilon=1.0 if epsilon is None else epsilon)
            if partial:
                kw["partial"] = True
            new, rep = calibrate(design, mdict, method=method, **kw)
    except WeightingError as e:
        raise _weighting_error(e, files, data)
    except CalibrationError as e:
        raise _calibration_error(e, files, data)
    result = table.copy()
    result[name] = new.weights
    from survey.export import write_data

    write_data(result, out)
    if json_out:
        _echo_json({**rep.to_dict(), "out": str(out), "name": name})
        design_notes(design, err=True)
        return
    vars_ = ", ".join(c for c, _ in specs)
    if method == "rake":
        state = "converged" if rep.converged else "did NOT converge (raise --maxit or --epsilon)"
        typer.echo(f"raking on {vars_}: {rep.iterations} iteration(s), {state}; "
                   f"largest change in the last pass {rep.max_change:.3g} (epsilon {rep.epsilon:.3g})")
    elif method == "poststratify":
        typer.echo(f"post-stratification on {vars_}: largest difference from the margin {rep.max_change:.3g}")
    else:
        typer.echo(f"{method} calibration on {', '.join([c for c, _ in specs] + list(totals))}: {rep.iterations} "
                   f"iteration(s), largest relative difference from the totals {rep.max_change:.3g}")
    if rep.cap is not None:
        typer.echo(f"cap {rep.cap:g} × mean weight: {rep.trim_rounds} trim round(s), "
                   + ("met" if rep.cap_satisfied else "NOT met") + f"; largest weight/mean {rep.max_ratio:.3f}")
    typer.echo(f"weights: n={rep.n:,} sum={rep.sum_weights:,.6g} min={rep.weight_min:.4g} mean={rep.weight_mean:.4g} "
               f"max={rep.weight_max:.4g} (max/mean {rep.max_ratio:.3f})")
    if rep.n_zero:
        typer.echo(f"the mean (and the --cap base) is over all rows, {rep.n_zero:,} of them with weight 0"
                   ", as R's mean(weights(design)); n counts the rows of positive weight")
    typer.echo(f"Kish effective n = {rep.kish_n_eff:,.1f}; weighting efficiency {rep.efficiency:.1%} "
               f"(design effect of weighting {rep.deff_weighting:.3f})")
    typer.echo(f"{'margin':<12} {'category':<14} {'population':>12} {'n':>7} {'before':>12} {'after':>12}")
    for m in rep.margins:
        typer.echo(f"{m['variable']:<12} {m['category']:<14} {m['population']:>12,.1f} {m['n']:>7,} "
                   f"{m['weighted_before']:>12,.1f} {m['weighted_after']:>12,.1f}")
    for w in rep.warnings:
        typer.echo(f"warning: {w}")
    typer.echo(f"wrote {out} (new column {name})")
    design_notes(design)


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
            typer.echo(f"  {_pad(str(a.stratum), 16, left=True)} {a.population:>12,.0f} {a.n:>7} {a.share:>7.1%}{flag}")
    if written is not None:
        typer.echo(written.note())


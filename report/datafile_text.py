"""The plain text of `survey estimate`, `survey crosstab` and `survey weight` (:mod:`report.datafile_estimate`,
:mod:`report.datafile_weight`): one line per record, the cross-tab of row percentages with its test, the weighting
report, and the notes said after them.  Lines only: the CLI echoes them (stdout, or stderr beside --json), as it
does :func:`report.trend.trend_lines`.  Labels are whole and aligned by the columns they take on a terminal (a
Chinese character takes two)."""

from __future__ import annotations

from typing import List

from .estimate_notes import NO_DF_METHODS


def estimate_lines(outcome) -> List[str]:
    """One line per record of :class:`report.datafile_estimate.EstimateOutcome` (``shown``: the --by groups in code
    order), a .sav's codes by their value labels; a record of no valid rows says so."""
    book, out = outcome.codebook, []
    for r in outcome.shown:
        dom = ", ".join(f"{k}={book.text(k, v) if book else v}" for k, v in (r.domain or {}).items())
        if r.n == 0:
            out.append(f"{r.var}{' [' + dom + ']' if dom else ''}: not estimable (n=0: no valid rows with a "
                       "positive weight)")
            continue
        f = (lambda x: f"{100 * x:.1f}%") if outcome.percent else (lambda x: f"{x:.4g}")
        lo = "NA" if r.ci_low != r.ci_low else f(r.ci_low)
        hi = "NA" if r.ci_high != r.ci_high else f(r.ci_high)
        df = "" if r.ci_method in NO_DF_METHODS else f" df={r.df:g}"
        deff = "n/a" if r.deff != r.deff else f"{r.deff:.3g}"
        out.append(f"{r.var}{' [' + dom + ']' if dom else ''}: {f(r.estimate)}  "
                   f"({r.confidence:.0%} CI {lo} – {hi}, {r.ci_method})  "
                   f"se={r.se:.4g} n={r.n}{df} deff={deff}")
    return out


def said_lines(outcome) -> List[str]:
    """What is said after the numbers of an estimate or a cross-tab outcome (on stderr with --json, so stdout holds
    the JSON only): the values no row holds, the notes, then how the design was read (weights derived from the fpc,
    nested PSU ids)."""
    return ([str(p) for p in getattr(outcome, "absent", ())] + [f"note: {n}" for n in getattr(outcome, "notes", ())]
            + design_note_lines(outcome.design))


def design_note_lines(design) -> List[str]:
    """How the design was read (weights derived from the fpc, nested PSU ids), one ``note:`` line each."""
    return [f"note: {note}" for note in getattr(design, "notes", ())]


def crosstab_lines(outcome) -> List[str]:
    """The cross-tab of :class:`report.datafile_estimate.CrosstabOutcome` as row percentages with their intervals
    (a .sav's codes by their value labels, categories in code order) and the test of independence asked for, or
    why there is none."""
    req, res, book = outcome.request, outcome.result, outcome.codebook
    row, col, test = req.row, req.col, req.test
    out = [f"{row} × {col}: n={res.n:,}  (row %, {req.confidence:.0%} CI {req.ci})"]
    cells = res.cells.set_index(["row", "col"])
    # whole labels, aligned by their width on a terminal (a Chinese character takes two columns): labels cut
    # to 12 characters made two rows read the same ("Very satisfi")
    # a .sav's codes by their value labels, and categories in code order (survey.codebook)
    row_levels, col_levels = book.order(row, res.row_levels), book.order(col, res.col_levels)
    width = max([display_width(book.text(col, c)) for c in col_levels] + [18])
    lab = max([display_width(book.text(row, r)) for r in row_levels] + [12])
    out.append(" " * lab + "".join(pad(book.text(col, c), width + 2) for c in col_levels) + f"{'n':>8}")
    for r in row_levels:
        parts = []
        for c in col_levels:
            x = cells.loc[(r, c)]
            parts.append(f"{_pct(x.row_share, 5)}% [{_pct(x.row_share_ci_low, 4)},{_pct(x.row_share_ci_high, 5)}]")
        n_r = int(cells.loc[r, "n"].sum())
        out.append(pad(book.text(row, r), lab, left=True) + "".join(f"{p:>{width + 2}}" for p in parts) + f"{n_r:>8}")
    t = res.test
    one = [name for name, levels in ((row, res.row_levels), (col, res.col_levels)) if len(levels) < 2]
    if one:  # the statistics are NaN (JSON null): nothing to test, said in words rather than "F = nan"
        out.append(f"No test of independence: '{one[0]}' has a single category among the valid rows, so there is "
                   "no association to test.")
    elif test in ("wald", "adjwald") and res.wald[test].singular:
        out.append(f"No {test} test: the covariance of this table's cells is singular (many empty cells, or fewer "
                   f"PSUs than the table's {(len(res.row_levels) - 1) * (len(res.col_levels) - 1)} degrees of "
                   "freedom); R's svychisq stops there ('system is computationally singular') or gives rounding "
                   "noise as its statistic (e.g. −7e14 with p = 1, or 1e14 with p < 1e-7). Merge sparse "
                   "categories, or use --test F.")
    elif test in ("F", "chisq") and t.singular:
        out.append("No Rao–Scott test: this table has too many empty cells for its design effects to be "
                   "estimated; R's svychisq stops too ('system is computationally singular'). Merge sparse "
                   "categories and run it again.")
    elif test in ("F", "chisq") and not t.chisq_p == t.chisq_p:
        out.append(f"No Rao–Scott test: the design has no degrees of freedom for the test ({res.n:,} valid rows in "
                   "too few PSUs); R's svychisq gives F = Inf, NaN or p = 0 there. Pearson X² = "
                   f"{t.chisq:.4g}, df = {t.chisq_df}, without a p value.")
    elif test == "F":
        out.append(f"Rao–Scott F = {t.F:.4g}, df = ({t.df1:.3g}, {t.df2:.4g}), p = {t.p:.4g}"
                   f"   (first-order χ² = {t.chisq:.4g}, df = {t.chisq_df}, p = {t.chisq_p:.4g})")
    elif test == "chisq":
        out.append(f"Rao–Scott first-order χ²: Pearson X² = {t.chisq:.4g}, df = {t.chisq_df}, p = {t.chisq_p:.4g}")
    else:
        w = res.wald[test]
        label = "Wald" if test == "wald" else "adjusted Wald"
        out.append(f"{label} F = {w.F:.4g}, df = ({w.df1:g}, {w.df2:g}), p = {w.p:.4g}")
    return out


def weight_lines(outcome) -> List[str]:
    """The weighting report of :class:`report.datafile_weight.WeightOutcome`: convergence, the cap, the weights'
    range, Kish's effective n, each margin category before and after, warnings and the file written."""
    req, rep = outcome.request, outcome.report
    method, columns = req.method, [c for c, _ in req.margins]
    vars_ = ", ".join(columns)
    out = []
    if method == "rake":
        state = "converged" if rep.converged else "did NOT converge (raise --maxit or --epsilon)"
        out.append(f"raking on {vars_}: {rep.iterations} iteration(s), {state}; "
                   f"largest change in the last pass {rep.max_change:.3g} (epsilon {rep.epsilon:.3g})")
    elif method == "poststratify":
        out.append(f"post-stratification on {vars_}: largest difference from the margin {rep.max_change:.3g}")
    else:
        out.append(f"{method} calibration on {', '.join(columns + list(req.totals))}: {rep.iterations} "
                   f"iteration(s), largest relative difference from the totals {rep.max_change:.3g}")
    if rep.cap is not None:
        out.append(f"cap {rep.cap:g} × mean weight: {rep.trim_rounds} trim round(s), "
                   + ("met" if rep.cap_satisfied else "NOT met") + f"; largest weight/mean {rep.max_ratio:.3f}")
    out.append(f"weights: n={rep.n:,} sum={rep.sum_weights:,.6g} min={rep.weight_min:.4g} mean={rep.weight_mean:.4g} "
               f"max={rep.weight_max:.4g} (max/mean {rep.max_ratio:.3f})")
    if rep.n_zero:
        out.append(f"the mean (and the --cap base) is over all rows, {rep.n_zero:,} of them with weight 0"
                   ", as R's mean(weights(design)); n counts the rows of positive weight")
    out.append(f"Kish effective n = {rep.kish_n_eff:,.1f}; weighting efficiency {rep.efficiency:.1%} "
               f"(design effect of weighting {rep.deff_weighting:.3f})")
    out.append(f"{'margin':<12} {'category':<14} {'population':>12} {'n':>7} {'before':>12} {'after':>12}")
    for m in rep.margins:
        out.append(f"{m['variable']:<12} {m['category']:<14} {m['population']:>12,.1f} {m['n']:>7,} "
                   f"{m['weighted_before']:>12,.1f} {m['weighted_after']:>12,.1f}")
    for w in rep.warnings:
        out.append(f"warning: {w}")
    out.append(f"wrote {req.out} (new column {req.name})")
    return out + design_note_lines(outcome.design)


def _pct(x: float, width: int) -> str:
    """A share as a percentage with one decimal in ``width`` columns; NA where it is not defined (NaN), as
    `survey estimate` prints it, never "nan"."""
    return f"{100 * x:{width}.1f}" if x == x else f"{'NA':>{width}}"


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: two for a wide (East Asian) character, one otherwise."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, left: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (right-aligned unless ``left``)."""
    fill = " " * max(0, width - display_width(text))
    return text + fill if left else fill + text

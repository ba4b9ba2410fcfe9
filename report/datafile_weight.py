"""``survey weight`` as a library call: a data file (:mod:`survey.datafile`) weighted to population margins
(raking, post-stratification: :func:`analysis.weighting.calibrate`; linear and logit calibration:
:func:`analysis.calibration.calibrate_margins`) and written with the new weight column.

A request record in, an outcome record out, nothing printed (the reading's notices go to ``say``; the text the CLI
prints is :func:`report.datafile_text.weight_lines`).  Each kind of weighting and calibration error becomes its
catalogue entry located at the margins file of its variable, the data file or the command line
(:func:`weighting_error`, :func:`calibration_error`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List, Optional

from survey.datafile import Say
from survey.design_options import DesignOptions


@dataclass(frozen=True)
class WeightRequest:
    """What `survey weight` asks, its options checked: ``margins`` the (column, margins file) pairs of --margin in
    their order (``COL1+COL2`` for cross-classified cells), ``totals`` the --total of numeric columns, ``bounds``
    (L, U) or None; ``design``: --weight, --strata, --psu, --fpc, --pps and --lonely-psu."""

    data: Path
    out: Path
    margins: List[tuple] = field(default_factory=list)
    method: str = "rake"
    totals: dict = field(default_factory=dict)
    bounds: Optional[tuple] = None
    partial: bool = False
    cap: Optional[float] = None
    name: str = "weight_cal"
    population_total: Optional[float] = None
    maxit: Optional[int] = None
    epsilon: Optional[float] = None
    design: DesignOptions = DesignOptions()


@dataclass(frozen=True)
class WeightOutcome:
    """The weighting of a :class:`WeightRequest`, written to ``request.out``: ``report``
    (:class:`analysis.weighting.WeightingReport`: convergence, margins before and after, Kish's n_eff) and the
    ``design`` the input weights came from (its notes)."""

    request: WeightRequest
    report: Any
    design: Any


def weight_file(req: WeightRequest, say: Say) -> WeightOutcome:
    """Weight ``req.data`` to its margins and write it, with the new column ``req.name``, to ``req.out``."""
    from analysis.calibration import CalibrationError, calibrate_margins
    from analysis.weighting import WeightingError, calibrate
    from survey.datafile import check_columns, data_errors, read_data
    from survey.design_options import design_spec
    from survey.errors import MinyiError, option_problem
    from survey.margins import read_margin_file

    data, specs, totals, method, name = req.data, req.margins, req.totals, req.method, req.name
    table = read_data(data, say)
    for col in totals:
        check_columns(table, data, total=col)
    for col, _f in specs:
        for part in ([col] if col in table.columns or "+" not in col else col.split("+")):
            check_columns(table, data, margin=part.strip())
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
    with data_errors(data, table):
        design = design_spec(data, table, req.design).build(table)
    mdict = {c: dict(zip(*m)) for c, m in margins.items()}
    try:
        if method in ("linear", "logit"):
            new, rep = calibrate_margins(design, mdict, totals, calfun=method, bounds=req.bounds,
                                         population_total=req.population_total)
        else:
            kw = dict(population_total=req.population_total, cap=req.cap)
            if method == "rake":
                kw.update(maxit=10 if req.maxit is None else req.maxit,
                          epsilon=1.0 if req.epsilon is None else req.epsilon)
            if req.partial:
                kw["partial"] = True
            new, rep = calibrate(design, mdict, method=method, **kw)
    except WeightingError as e:
        raise weighting_error(e, files, data)
    except CalibrationError as e:
        raise calibration_error(e, files, data)
    result = table.copy()
    result[name] = new.weights
    from survey.export import write_data

    write_data(result, req.out)
    return WeightOutcome(request=req, report=rep, design=design)


# the catalogue entry of each kind of analysis.weighting.WeightingError and analysis.calibration.CalibrationError
# (their params fill it); weighting_error / calibration_error say where.  A kind that is a wrong option value of
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


def weighting_error(e, files: dict, data_path: Path):
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


def calibration_error(e, files: dict, data_path: Path):
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

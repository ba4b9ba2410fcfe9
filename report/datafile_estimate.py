"""``survey estimate`` and ``survey crosstab`` as library calls: a data file (:mod:`survey.datafile`), the design
its options give (:mod:`survey.design_options`) and one estimate (:func:`analysis.column.estimate_column`) or
cross-tab (:func:`analysis.crosstab.crosstab`), with the notes said beside the numbers (:mod:`report.estimate_notes`).

A request record in, an outcome record out, nothing printed: the notices of the reading go to ``say`` as they are
found (before any later error), and the text the CLI prints is :mod:`report.datafile_text`'s."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List, Optional

from survey.datafile import Say
from survey.design_options import DesignOptions


@dataclass(frozen=True)
class EstimateRequest:
    """What `survey estimate` asks, its options checked: ``statistic`` is mean (a share with ``levels``, a mean
    score with ``scores``), total, ratio (``ratio`` = (NUM, DEN)) or quantile; ``ci`` and ``interval_type`` as
    ``cli.estimate.interval_for`` gives them; ``df`` the --df text (checked with the design); ``for_json``: the notes
    of the --json output (no quantile deff note)."""

    data: Path
    var: Optional[str]
    statistic: str
    levels: List[str] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)
    scores: dict = field(default_factory=dict)
    ratio: Optional[tuple] = None
    quantiles: List[float] = field(default_factory=list)
    qrule: str = "math"
    by: Optional[str] = None
    ci: str = "logit"
    interval_type: str = "mean"
    confidence: float = 0.95
    df: Optional[str] = None
    design: DesignOptions = DesignOptions()
    for_json: bool = False


@dataclass(frozen=True)
class EstimateOutcome:
    """The estimates of an :class:`EstimateRequest`: ``records`` in the estimator's order (the JSON's), ``shown``
    the same with the --by groups in the codebook's code order (the text's); ``percent``: shares shown as
    percentages; ``absent``: the --level/--missing/--score values no row holds (notes, :class:`Problem`);
    ``notes``: the notes on the records and the design; ``design``: the design built (its own notes too)."""

    records: list
    shown: list
    percent: bool
    codebook: Any
    absent: list
    notes: List[str]
    design: Any


def estimate_file(req: EstimateRequest, say: Say) -> EstimateOutcome:
    """The estimates ``req`` asks for, from its data file."""
    from analysis.column import estimate_column
    from analysis.design_spec import lonely_note
    from survey.datafile import as_codes, check_columns, codebook_of, data_errors, read_data, values_in
    from survey.design_options import design_spec, df_option
    from survey.errors import MinyiError

    from .estimate_notes import absent_value_notes, estimate_notes

    data, var, by, o = req.data, req.var, req.by, req.design
    table = read_data(data, say)
    check_columns(table, data, var=var, by=by)
    if by is not None and len(table) and values_in(table, (by,)) == set():  # no record at all, exit 0 and JSON []
        raise MinyiError.of("by-column-empty", file=str(data), column=by, rows=f"{len(table):,}")
    book = codebook_of(table)
    level, missing = req.levels, req.missing
    if var is not None:  # --level 满意 on a .sav whose cells hold the code 4
        level, missing = as_codes(book, table, (var,), level), as_codes(book, table, (var,), missing)
    if req.ratio:
        check_columns(table, data, ratio=req.ratio[0])
        check_columns(table, data, ratio=req.ratio[1])
    with data_errors(data, table):
        spec = design_spec(data, table, o)
        records = estimate_column(table, var, levels=level, missing=missing, scores=req.scores, by=by,
                                  ci_method=req.ci, confidence=req.confidence, df=df_option(req.df), design=spec,
                                  statistic=req.statistic, ratio=req.ratio, quantiles=req.quantiles, qrule=req.qrule,
                                  interval_type=req.interval_type)
    no_group = 0
    if by is not None:
        from analysis.values import normalize_series

        no_group = int(normalize_series(table[by]).isna().sum())
    notes = estimate_notes(records, statistic=req.statistic, interval_type=req.interval_type, by=by, no_group=no_group,
                           json_out=req.for_json, replicate=spec.is_replicate,
                           average_later_stage=o.lonely_psu == "average" and bool(o.psu) and "," in o.psu,
                           zero_weight_rows=_zero_weight_rows(table, o.weight) if spec.is_replicate else 0)
    with data_errors(data, table):
        design = spec.build(table)
    notes.extend(filter(None, [lonely_note(design)]))
    # values no row holds (a number absent from a column of numbers is accepted: a code nobody chose)
    absent = [] if var is None else absent_value_notes(data, values_in(table, (var,)), (var,), levels=level,
                                                       missing=missing, scores=req.scores)
    return EstimateOutcome(records=records, shown=_in_code_order(book, records, by),
                           percent=bool(level) and req.statistic != "total", codebook=book, absent=absent,
                           notes=notes, design=design)


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


@dataclass(frozen=True)
class CrosstabRequest:
    """What `survey crosstab` asks, its options checked (``df``: the --df text, checked with the design)."""

    data: Path
    row: str
    col: str
    missing: List[str] = field(default_factory=list)
    test: str = "F"
    ci: str = "logit"
    confidence: float = 0.95
    df: Optional[str] = None
    design: DesignOptions = DesignOptions()


@dataclass(frozen=True)
class CrosstabOutcome:
    """The cross-tab of a :class:`CrosstabRequest`: ``result`` (:class:`analysis.crosstab.CrosstabResult`),
    ``absent`` (--missing values no row holds), ``notes`` (categories left out, R's logit level, lonely units) and
    the ``design`` built."""

    request: CrosstabRequest
    result: Any
    codebook: Any
    absent: list
    notes: List[str]
    design: Any


def crosstab_file(req: CrosstabRequest, say: Say) -> CrosstabOutcome:
    """The cross-tab ``req`` asks for, from its data file."""
    from analysis.crosstab import crosstab
    from analysis.design_spec import lonely_note
    from survey.datafile import (as_codes, check_columns, check_missing_values, codebook_of, data_errors, read_data,
                                 values_in)
    from survey.design_options import design_spec, df_option

    from .estimate_notes import absent_value_notes, crosstab_logit_note, zero_weight_levels_note

    data, row, col = req.data, req.row, req.col
    table = read_data(data, say)
    check_columns(table, data, row=row, col=col)
    book = codebook_of(table)
    missing = as_codes(book, table, (row, col), req.missing)
    check_missing_values(table, data, missing, (row, col))
    with data_errors(data, table):
        spec = design_spec(data, table, req.design)
        design = spec.build(table)
        res = crosstab(design, row, col, missing=missing, ci_method=req.ci, confidence=req.confidence,
                       df=df_option(req.df))
    dropped = None if getattr(design, "is_replicate", False) else zero_weight_levels_note(
        table, design.weights, row, col, missing, res)
    logit = crosstab_logit_note(res.cells, req.confidence) if req.ci == "logit" else None
    lonely = lonely_note(design)
    absent = absent_value_notes(data, values_in(table, (row, col)), (row, col), missing=missing)
    return CrosstabOutcome(request=req, result=res, codebook=book, absent=absent,
                           notes=[n for n in (dropped, logit, lonely) if n], design=design)

"""The design options of a command on a data file (``--weight``, ``--strata``, ``--psu``, ``--fpc``, ``--pps``,
``--lonely-psu``, the replicate-weight options) as one record, :class:`DesignOptions`, and that record turned into
an :class:`analysis.design_spec.DesignSpec` checked against the data file (:func:`design_spec`): its choices, the
columns it names, the options this design would not use, and the replicate weights it would make within the limit
``replicate_cells``.  A wrong option value is an :class:`survey.errors.OptionError` (the CLI's usage error, exit
status 2), raised where it is found, after the data file's own problems."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .errors import option_problem


@dataclass(frozen=True)
class DesignOptions:
    """The design options as given on the command line (None: not given)."""

    weight: Optional[str] = None
    strata: Optional[str] = None
    psu: Optional[str] = None
    fpc: Optional[str] = None
    pps: Optional[str] = None
    lonely_psu: str = "fail"
    repweights: Optional[str] = None
    rep_type: str = "other"
    rep_scale: Optional[float] = None
    rep_rscales: Optional[str] = None
    rho: Optional[float] = None
    mse: bool = False
    combined_weights: bool = True
    replicates: Optional[str] = None
    n_replicates: Optional[int] = None
    seed: Optional[int] = None


def _choice(value: Optional[str], choices, option: str) -> None:
    """``value`` is one of ``choices`` (or None), else a wrong option value listing them."""
    if value is not None and value not in choices:
        choices = tuple(choices)
        option_problem("option-not-a-choice", option, value=value, choices=", ".join(choices), first=choices[0])


def _unused_design_options(o: DesignOptions) -> None:
    """Refuse the design options this design does not use: each was silently ignored (``--rep-type JK1`` without
    --repweights, meant as --replicates JK1, gave the linearisation interval), and an empty name in --psu/--fpc
    (``--psu ,``) silently dropped the stage."""
    for option, value in (("--psu", o.psu), ("--fpc", o.fpc)):
        if value is not None and "," in value and not all(part.strip() for part in value.split(",")):
            option_problem("design-option-empty-name", option, value=value)
    if o.repweights is None:
        for option, unused in (("--rep-type", o.rep_type != "other"), ("--rep-scale", o.rep_scale is not None),
                               ("--rep-rscales", o.rep_rscales is not None),
                               ("--no-combined-weights", not o.combined_weights)):
            if unused:
                option_problem("repweights-option-alone", option)
    fay = o.replicates == "Fay" or (o.repweights is not None and o.rep_type == "Fay")
    if o.rho is not None and not fay:
        option_problem("rho-not-fay", "--rho", rho=f"{o.rho:g}")
    if o.mse and o.repweights is None and o.replicates is None:
        option_problem("mse-without-replicates", "--mse")
    asked = "no replicates" if o.replicates is None else f"--replicates {o.replicates}"
    for option, given in (("--seed", o.seed), ("--n-replicates", o.n_replicates)):
        if given is not None and o.replicates != "bootstrap":
            option_problem("bootstrap-option-alone", option, asked=asked)


def _check_replicate_cells(path: Path, table, spec) -> None:
    """The replicate weights --replicates would make (rows × replicates, 8 bytes each) within the limit
    ``replicate_cells`` (docs/limits.md), before they are made: 100,000,000 bootstrap replicates asked for 2 TB
    and ended in "internal error: MemoryError"; JK1 on 200,000 rows without --psu needs 320 GB."""
    if spec.replicates is None:
        return
    from analysis.values import normalize_series

    from .limits import current

    rows = len(table)
    kind = spec.replicates
    if kind == "auto":
        kind = "JKn" if spec.strata else "JK1"
    if kind == "bootstrap":
        count = spec.n_replicates
    elif kind in ("BRR", "Fay"):
        count = 2 * (int(normalize_series(table[spec.strata]).nunique()) + 1) if spec.strata else 0
    elif spec.psu:
        keys = [normalize_series(table[c]) for c in ([spec.strata] if spec.strata else []) + [spec.psu[0]]]
        count = len(set(zip(*keys)))
    else:
        count = rows
    current().check("replicate_cells", float(rows) * float(count), file=str(path),
                    what=f"replicate weights --replicates {spec.replicates} would make ({rows:,} rows × "
                         f"{count:,} replicates)")


def design_spec(path: Path, table, o: DesignOptions):
    """The design options ``o`` as an :class:`analysis.design_spec.DesignSpec`, its choices and columns checked
    (unknown columns: one message naming the file and the option); options the design would not use are refused
    (:func:`_unused_design_options`), and replicates beyond the limit ``replicate_cells`` too."""
    from analysis.design import LONELY_PSU, PPS_METHODS
    from analysis.design_spec import DesignSpec
    from analysis.replicates import AS_REP_TYPES, REP_TYPES

    from .datafile import check_columns

    _choice(o.lonely_psu, LONELY_PSU, "--lonely-psu")
    _choice(o.pps, PPS_METHODS, "--pps")
    _choice(o.rep_type, REP_TYPES, "--rep-type")
    _choice(o.replicates, AS_REP_TYPES, "--replicates")
    _unused_design_options(o)
    n_replicates = 50 if o.n_replicates is None else o.n_replicates
    rs = None
    if o.rep_rscales is not None:
        try:
            rs = [float(x) for x in o.rep_rscales.split(",")]
        except ValueError:
            option_problem("option-not-numbers", "--rep-rscales", value=o.rep_rscales, example="0.5,0.5,0.5")
        rs = rs[0] if len(rs) == 1 else rs
    spec = DesignSpec.of(o.weight, o.strata, o.psu, o.fpc, pps=o.pps, lonely_psu=o.lonely_psu,
                         repweights=o.repweights, rep_type=o.rep_type, scale=o.rep_scale, rscales=rs, rho=o.rho,
                         mse=o.mse, combined_weights=o.combined_weights, replicates=o.replicates,
                         n_replicates=n_replicates, seed=o.seed)
    check_columns(table, path, weight=o.weight, strata=o.strata)
    for opt, cols in (("psu", spec.psu), ("fpc", spec.fpc)):
        for c in cols:
            check_columns(table, path, **{opt: c})
    if o.repweights is not None and "," in o.repweights:
        for c in o.repweights.split(","):
            check_columns(table, path, repweights=c.strip())
    _check_replicate_cells(path, table, spec)
    return spec


def df_option(value: Optional[str]) -> Optional[float]:
    """``--df``: None = design df, 'inf' = normal, else a positive number (a wrong value: ``design-df-value``)."""
    if value is None:
        return None
    if value.strip().lower() in ("inf", "infinity", "normal"):
        return float("inf")
    try:
        v = float(value)
    except ValueError:
        v = float("nan")
    if not v > 0:  # nan too (float('nan') reads as a number)
        option_problem("design-df-value", "--df", value=value)
    return v

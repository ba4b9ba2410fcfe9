"""Shared pieces of the CLI: option groups (defined once), JSON output, small parsers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from typing_extensions import Annotated

def _echo_json(obj) -> None:
    """Every --json output: NaN/Infinity become null first (bare NaN is not JSON, RFC 8259)."""
    from survey.export import json_safe

    typer.echo(json.dumps(json_safe(obj), ensure_ascii=False, indent=2, default=_json_default, allow_nan=False))


def _json_default(o):
    import numpy as np

    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        f = float(o)
        return None if f != f else f
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    return str(o)


# ----------------------------------------------------------------------------- shared option groups
# The design options are defined once and reused by every estimating command.
WeightOpt = Annotated[Optional[str], typer.Option("--weight", help="Column of sampling weights (default: equal weights).")]
StrataOpt = Annotated[Optional[str], typer.Option("--strata", help="Column of strata.")]
PsuOpt = Annotated[Optional[str], typer.Option("--psu", help="Column of primary sampling units (clusters).")]
FpcOpt = Annotated[Optional[str], typer.Option(
    "--fpc", help="Column of population counts (PSUs per stratum, or units) or sampling fractions (<= 1).")]
LonelyOpt = Annotated[str, typer.Option(
    "--lonely-psu", help="Stratum with one PSU: fail | certainty | adjust | average | remove (R survey.lonely.psu).")]
CiOpt = Annotated[str, typer.Option(
    "--ci", help="Interval method: wald, logit, clopper-pearson, wilson, jeffreys, agresti-coull.")]
ConfOpt = Annotated[float, typer.Option("--confidence", help="Confidence level.", min=0.5, max=0.9999)]
DfOpt = Annotated[Optional[str], typer.Option(
    "--df", help="Degrees of freedom for critical values: a number, or 'inf' for the normal (default: design df).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
QuietOpt = Annotated[bool, typer.Option(
    "--quiet", help="No progress display (it shows on stderr only when the work takes over 2 s on a terminal).")]


def progress_shown(*, json_out: bool = False, quiet: bool = False):
    """The progress display of long work (survey.progress): on a terminal's stderr, not with --json/--quiet."""
    from survey.progress import shown, wanted

    return shown(wanted(json_out=json_out, quiet=quiet))


def parse_df(value: Optional[str]) -> Optional[float]:
    """``--df`` parser: None = design df, 'inf' = normal, else a positive number."""
    if value is None:
        return None
    if value.strip().lower() in ("inf", "infinity", "normal"):
        return float("inf")
    try:
        v = float(value)
    except ValueError:
        raise typer.BadParameter(f"--df must be a number or 'inf', not {value!r}")
    if v <= 0:
        raise typer.BadParameter("--df must be positive")
    return v


def _formats(text: str) -> list:
    from report.render import FORMATS

    fm = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in fm if f not in FORMATS]
    if bad or not fm:
        raise typer.BadParameter(f"unknown format(s) {', '.join(bad) or text!r}; choose from {', '.join(FORMATS)}")
    return fm


def _write_table(df, path: Path) -> None:
    from survey.export import write_table

    write_table(df, path)


class _data_errors:
    """Context manager: a DesignError about a data file becomes one message naming the file."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, et, e, tb):
        from analysis.design import DesignError
        from survey.errors import MinyiError

        if et is not None and issubclass(et, DesignError):
            raise MinyiError.of("bad-data", file=str(self.path), reason=str(e), hint="check the data and options")
        return False


def _read_data(path: Path):
    from survey.tabular import read_table

    return read_table(path)


def _check_columns(data, path: Path, **cols) -> None:
    from survey.errors import MinyiError
    from survey.messages import did_you_mean

    for opt, col in cols.items():
        if col is not None and col not in data.columns:
            raise MinyiError.of("unknown-column", file=str(path), column=col,
                                suggestion=f"--{opt.replace('_', '-')}: " + (did_you_mean(col, data.columns) or "check the header"))



NaOpt = Annotated[Optional[str], typer.Option(
    "--na", help="不了解/说不清: 'excluded' (leave the base; default, or the project's na_policy) or "
                 "'unsatisfied' (stay in the base of rates, counted as not satisfied).")]


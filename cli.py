"""The ``survey`` command-line tool (typer).

Each command is one library call plus turning library errors into one message
(sqlite-utils style).  Exit codes: 0 ok, 1 user error (bad file, bad data, invalid
questionnaire), 2 usage error (unknown option, missing argument).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

app = typer.Typer(
    name="survey",
    help="民意 minyi — public-opinion surveys from questionnaire to report.\n\n"
         "Example:\n\n    survey demo --out demo_out",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _echo_json(obj) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default))


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


# ----------------------------------------------------------------------------- commands
# (Commands are added below, one section per capability.)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.", is_eager=True)] = False,
) -> None:
    """民意 minyi — public-opinion surveys from questionnaire to report.

    Example:

        survey demo --out demo_out
    """
    if version:
        from survey import __version__

        typer.echo(f"minyi {__version__}")
        raise typer.Exit(0)

# === section: questionnaire (validate, form, simulate, demo) ===


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Questionnaire YAML file.")],
    json_out: JsonOpt = False,
) -> None:
    """Check a questionnaire file and report ALL problems, each with file:line:column.

    Exit 0 when valid, 1 otherwise.

    Example:

        survey validate questionnaires/civic_hot_issues.yaml
    """
    from survey.qload import validate_file

    q, problems = validate_file(file)
    errors = [p for p in problems if p.severity == "error"]
    if json_out:
        _echo_json([p.to_dict() for p in problems])
    else:
        for p in problems:
            typer.echo(str(p), err=bool(errors))
        if not errors and q is not None:
            typer.echo(f"{file}: valid — {len(q.questions)} questions, {q.n_items} items, "
                       f"{len(q.indicators)} indicators")
        else:
            typer.echo(f"{file}: {len(errors)} problem(s)", err=True)
    raise typer.Exit(1 if errors or q is None else 0)

@app.command()
def simulate(
    file: Annotated[Path, typer.Argument(help="Questionnaire YAML file.")],
    out: Annotated[Path, typer.Option("--out", help="Output CSV (native layout).")],
    n: Annotated[int, typer.Option("--n", help="Number of respondents.", min=1)] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same file).")] = 1,
    messy: Annotated[bool, typer.Option("--messy", help="Add realistic faults (blank rows, out-of-range code, duplicate, speeders, …).")] = False,
    shift: Annotated[float, typer.Option("--shift", help="Wave effect on the latent traits, in SD units (e.g. 0.2 for a better wave).")] = 0.0,
    start: Annotated[str, typer.Option("--start", help="First fielding day (YYYY-MM-DD).")] = "2026-03-01",
) -> None:
    """Write realistic simulated responses in minyi's native layout.

    Answers obey skip logic and selection limits, vary by site and district, correlate within
    a respondent and include some 不了解.  Deterministic for a seed.

    Example:

        survey simulate questionnaires/civic_hot_issues.yaml --n 5000 --seed 7 --out responses.csv --messy
    """
    from survey.qload import load_questionnaire
    from survey.simulate import simulate as _simulate, write_csv

    q = load_questionnaire(file)
    frame = _simulate(q, n, seed, messy=messy, shift=shift, start=start)
    write_csv(frame, out)
    typer.echo(f"wrote {len(frame):,} rows × {frame.shape[1]} columns to {out}")


# === section: project (init, import, status, quarantine, check, export, convert) ===

# === section: analysis (estimate, crosstab, weight, plan, analyze) ===

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


def _parse_scores(items: List[str]) -> dict:
    out = {}
    for it in items:
        if "=" not in it:
            raise typer.BadParameter(f"--score needs VALUE=NUMBER, not {it!r}")
        k, v = it.rsplit("=", 1)
        try:
            out[k] = float(v)
        except ValueError:
            raise typer.BadParameter(f"--score {it!r}: {v!r} is not a number")
    return out


def _print_estimates(records: list, pct: bool) -> None:
    for r in records:
        dom = ", ".join(f"{k}={v}" for k, v in (r.domain or {}).items())
        f = (lambda x: f"{100 * x:.1f}%") if pct else (lambda x: f"{x:.4g}")
        typer.echo(f"{r.var}{' [' + dom + ']' if dom else ''}: {f(r.estimate)}  "
                   f"({r.confidence:.0%} CI {f(r.ci_low)} – {f(r.ci_high)}, {r.ci_method})  "
                   f"se={r.se:.4g} n={r.n} df={r.df:g} deff={r.deff:.3g}")


@app.command()
def estimate(
    data: Annotated[Path, typer.Argument(help="CSV/TSV/XLSX data file (UTF-8 or GBK).")],
    var: Annotated[str, typer.Option("--var", help="Column to estimate.")],
    level: Annotated[Optional[List[str]], typer.Option("--level", help="Value counted as a 'yes' (repeatable): estimate the share of valid rows with one of these values.")] = None,
    missing: Annotated[Optional[List[str]], typer.Option("--missing", help="Value that is not applicable and leaves the base (repeatable), e.g. 不了解.")] = None,
    score: Annotated[Optional[List[str]], typer.Option("--score", help="VALUE=NUMBER (repeatable): estimate the mean score.")] = None,
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = "fail",
    by: Annotated[Optional[str], typer.Option("--by", help="One record per category of this column.")] = None,
    ci: CiOpt = "logit",
    confidence: ConfOpt = 0.95,
    df: DfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Estimate a share, a mean score or a mean of one column, with a design-based confidence interval.

    Works on any CSV/XLSX without a questionnaire.  Standard errors are Taylor-linearised as
    in R's survey package; critical values use Student t with the design degrees of freedom
    (--df inf for the normal).  Empty cells and --missing values leave the base.

    Example:

        survey estimate answers.csv --var Q12 --level 非常满意 --level 满意 --missing 不了解 --weight w --by district --json
    """
    from analysis.ci import check_method
    from analysis.column import estimate_column

    check_method(ci)
    if level and score:
        raise typer.BadParameter("use either --level or --score, not both")
    table = _read_data(data)
    _check_columns(table, data, var=var, weight=weight, strata=strata, psu=psu, fpc=fpc, by=by)
    with _data_errors(data):
        records = estimate_column(table, var, levels=level or [], missing=missing or [], scores=_parse_scores(score or []),
                              weights=weight, strata=strata, psu=psu, fpc=fpc, lonely_psu=lonely_psu, by=by,
                              ci_method=ci, confidence=confidence, df=parse_df(df))
    if json_out:
        _echo_json([r.to_dict() for r in records])
    else:
        _print_estimates(records, pct=bool(level))


# === section: report ===


# ----------------------------------------------------------------------------- entry point
def main(argv: Optional[List[str]] = None) -> int:
    """Console-script entry: run the app, turning library errors into one message."""
    from survey.errors import MinyiError

    try:
        from analysis.design import DesignError
    except Exception:  # pragma: no cover - analysis always importable
        DesignError = ValueError  # type: ignore
    try:
        rc = app(args=argv, standalone_mode=False)
    except MinyiError as e:
        for p in e.problems:
            typer.echo(str(p), err=True)
        return _exit(1)
    except DesignError as e:
        typer.echo(f"error: {e}", err=True)
        return _exit(1)
    except typer.Exit as e:
        return _exit(e.exit_code)
    except SystemExit as e:
        return _exit(int(e.code or 0))
    except typer.Abort:
        typer.echo("aborted", err=True)
        return _exit(1)
    except Exception as e:  # click usage errors and anything unexpected
        if hasattr(e, "show") and hasattr(e, "exit_code"):  # click/typer ClickException (vendored or not)
            e.show()
            return _exit(e.exit_code)
        if isinstance(e, (KeyboardInterrupt,)):
            return _exit(130)
        typer.echo(f"error: internal error: {type(e).__name__}: {e} (please report this as a bug)", err=True)
        return _exit(1)
    return _exit(rc if isinstance(rc, int) else 0)


def _exit(code: int) -> int:
    if __name__ == "__main__" or _exit.called_from_console:
        sys.exit(code)
    return code


_exit.called_from_console = True  # type: ignore[attr-defined]

if __name__ == "__main__":
    main()

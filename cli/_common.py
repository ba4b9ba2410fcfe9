"""Shared pieces of the CLI: option groups (defined once), JSON output, small parsers."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Iterator, Optional

import typer
from typing_extensions import Annotated

from survey.jsontext import json_default


@contextlib.contextmanager
def heavy_imports() -> Iterator[None]:
    """Around a long command's imports of its libraries (pandas, SciPy, the analysis): the cyclic garbage
    collector is paused while they load, and their objects (a few hundred thousand, alive to the end)
    are then moved out of its view (``gc.freeze``), so its full collections during the work look at the
    work's own objects only.  The collections during the imports find nothing to free: in the first
    ``survey analyze`` of 1,000,000 responses the collector took 0.12 s with the freeze alone (0.11 s
    of it before the work started) and 0.02 s with the pause too."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def _echo_json(obj) -> None:
    """Every --json output, indented by 2: NaN/Infinity become null (bare NaN is not JSON, RFC 8259),
    NumPy scalars and arrays numbers and lists.  Written by orjson (a 600 kB analysis in a few ms;
    the standard library's indenting encoder is pure Python and took 0.13 s); an integer beyond 64
    bits, which orjson refuses, falls back to the standard library."""
    import orjson

    # indent 2, NumPy natively, non-text keys as text; dates and dataclasses go to json_default
    # (survey/jsontext.py: their text, as the standard library's encoder wrote them)
    options = (orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
               | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS)
    try:
        text = orjson.dumps(obj, option=options, default=json_default).decode()
    except TypeError:
        from survey.export import json_safe

        text = json.dumps(json_safe(obj), ensure_ascii=False, indent=2, default=json_default, allow_nan=False)
    typer.echo(text)


def open_project(dir: Path):
    """The project in ``dir`` (:meth:`survey.store.Project.open`); a folder that is none is told before
    the store's libraries load (:func:`survey.project_files.require_project`).  A question whose coding
    changed since some of its answers were imported is warned about on stderr (:mod:`survey.codings`)."""
    from survey.project_files import require_project

    require_project(dir)
    from survey.store import Project

    project = Project.open(dir)
    warn_coding_changes(project)
    warn_wave_dates(project)
    return project


def warn_wave_dates(project) -> None:
    """On stderr, one warning per wave whose minyi.yaml dates contradict the period its id (and so its label) names,
    with the line of that key (:func:`survey.waves.id_date_warnings`): the cover would say 2026年第三季度 above
    2026年1月."""
    from survey.project_files import CONFIG
    from survey.waves import id_date_warnings

    found = id_date_warnings(project.config, str(project.root / CONFIG))
    if found:
        from survey.config_marks import locate

        for w in locate(found):
            typer.echo(str(w), err=True)


def warn_coding_changes(project) -> None:
    """On stderr, one warning per question whose answers were imported with another coding than today's
    (:mod:`survey.codings`): said by every command that reads a project."""
    from survey.codings import coding_warnings
    from survey.store import QFILE

    for w in coding_warnings(project.coding_changes(), str(project.root / QFILE)):
        typer.echo(str(w), err=True)


# ----------------------------------------------------------------------------- shared option groups
# The design options are defined once and reused by every estimating command.
WeightOpt = Annotated[Optional[str], typer.Option(
    "--weight", help="Column of sampling weights (default: derived from --fpc as R does, else equal weights).")]
StrataOpt = Annotated[Optional[str], typer.Option("--strata", help="Column of strata.")]
PsuOpt = Annotated[Optional[str], typer.Option(
    "--psu", help="Column of primary sampling units (clusters); for a multistage design one column per stage, "
                  "comma-separated (e.g. district,school).")]
FpcOpt = Annotated[Optional[str], typer.Option(
    "--fpc", help="Column of population counts (PSUs per stratum, or units) or sampling fractions (<= 1); one per "
                  "stage of --psu, comma-separated, for the full multistage variance; with --pps brewer the PSUs' "
                  "inclusion probabilities.")]
PpsOpt = Annotated[Optional[str], typer.Option(
    "--pps", help="brewer: PPS sampling without replacement, Brewer's variance approximation (R pps='brewer').")]
LonelyOpt = Annotated[str, typer.Option(
    "--lonely-psu", help="Stratum with one PSU: fail | certainty | adjust | average | remove (R survey.lonely.psu).")]
RepWeightsOpt = Annotated[Optional[str], typer.Option(
    "--repweights", help="Replicate-weight columns: comma-separated names or a regular expression (e.g. 'rw[0-9]+') "
                         "(R svrepdesign).")]
RepTypeOpt = Annotated[str, typer.Option(
    "--rep-type", help="Type of the replicate weights: BRR | Fay | JK1 | JKn | bootstrap | successive-difference | "
                       "ACS | JK2 | other.")]
RepScaleOpt = Annotated[Optional[float], typer.Option("--rep-scale", help="Replicate variance scale (R scale=).")]
RepRscalesOpt = Annotated[Optional[str], typer.Option(
    "--rep-rscales", help="Per-replicate scales: one number, or comma-separated, one per replicate (R rscales=).")]
RhoOpt = Annotated[Optional[float], typer.Option("--rho", help="Fay's coefficient for --rep-type Fay / --replicates Fay.")]
MseOpt = Annotated[bool, typer.Option("--mse", help="Replicate variances around the full-sample estimate (R mse=TRUE).")]
CombinedOpt = Annotated[bool, typer.Option(
    "--combined-weights/--no-combined-weights",
    help="Replicate weights already include the sampling weights (default) or are factors to multiply by them.")]
ReplicatesOpt = Annotated[Optional[str], typer.Option(
    "--replicates", help="Make replicate weights from the design: auto | JK1 | JKn | BRR | Fay | bootstrap "
                         "(R as.svrepdesign).")]
NRepOpt = Annotated[Optional[int], typer.Option(
    "--n-replicates", help="Bootstrap replicates for --replicates bootstrap (default 50).", min=2)]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", help="Random seed for --replicates bootstrap.", min=0)]
CiOpt = Annotated[str, typer.Option(
    "--ci", help="Interval method: wald, logit, clopper-pearson, asin, likelihood, wilson, jeffreys, agresti-coull.")]
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


def option_problem(code: str, option: str, **params) -> None:
    """A wrong value of ``option``, said from the catalogue entry ``code`` filled with ``params``: a wrong command line
    (click's usage error, exit status 2)."""
    from survey.messages import problem

    why = problem(code, option=option, **params)
    raise typer.BadParameter(f"{why.message} ({why.hint})", param_hint=f"'{option}'")


def check_lang(lang: str) -> None:
    """``--lang``: zh or en (a wrong command line, exit 2)."""
    if lang not in ("zh", "en"):
        option_problem("unknown-report-lang", "--lang", lang=lang)


def check_na(na: Optional[str]) -> None:
    """``--na``: how 不了解/说不清 count (analysis.indicators.NA_POLICIES), checked before any data is read."""
    from analysis.indicators import NA_POLICIES

    if na is not None and na.strip().lower() not in NA_POLICIES:
        option_problem("design-na-policy-choice", "--na", value=na, choices="excluded or unsatisfied")


def wave_id(project, wave: Optional[str]) -> Optional[str]:
    """--wave (or --compare) by id or by the label every output shows (:func:`survey.waves.wave_by_label`): report,
    trend, score, ledger and brief take both."""
    from survey.waves import wave_by_label

    return wave_by_label(project.config, project.waves(), wave)


def unknown_groupings(names, choices) -> None:
    """``--by`` names that are no grouping of the questionnaire (``choices``): a wrong command line (exit 2)."""
    bad = [b for b in names or () if b not in choices]
    if bad:
        option_problem("unknown-grouping", "--by", name="', '".join(bad), choices=", ".join(choices))


def names_nothing(code: str, option: str, values) -> None:
    """A list option given with nothing in it (``--by ""``, an unset shell variable; ``--indicators ,``): a wrong
    command line (exit status 2) said from the catalogue entry ``code``, instead of silently meaning "none" or
    "all"."""
    option_problem(code, option, value=",".join(values))


def choice(value: Optional[str], choices, option: str) -> Optional[str]:
    """``value`` if it is one of ``choices`` (or None), else a usage error (exit 2) listing them."""
    if value is not None and value not in choices:
        choices = tuple(choices)
        option_problem("option-not-a-choice", option, value=value, choices=", ".join(choices), first=choices[0])
    return value


def parse_df(value: Optional[str]) -> Optional[float]:
    """``--df`` parser: None = design df, 'inf' = normal, else a positive number
    (:func:`survey.design_options.df_option`; a wrong value is a usage error, exit 2)."""
    if value is None:
        return None
    from survey.design_options import df_option

    with options_said():
        return df_option(value)


@contextlib.contextmanager
def options_said() -> Iterator[None]:
    """Around a library call that checks option values as it works (:class:`survey.errors.OptionError`: a
    design option's choice or a margin given twice, found after the data file is read): each is said as every wrong
    option value of the command line is (:func:`option_problem`, exit status 2)."""
    from survey.errors import OptionError

    try:
        yield
    except OptionError as e:
        option_problem(e.code, e.option, **e.params)


def _formats(text: str) -> list:
    from report.render import FORMATS

    fm = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in fm if f not in FORMATS]
    if bad or not fm:
        option_problem("unknown-report-format", "--format", format="', '".join(bad) or text, choices=", ".join(FORMATS))
    return fm


def check_table_out(path: Optional[Path], option: str = "--export") -> None:
    """A table file's name must be one :func:`survey.export.write_table` writes (.csv, .xlsx): a usage error
    (exit 2) naming the option and the file, before any work."""
    from survey.export import TABLE_SUFFIXES

    if path is not None and Path(path).suffix.lower() not in TABLE_SUFFIXES:
        option_problem("table-out-suffix", option, path=str(path), suffix=Path(path).suffix)


NaOpt = Annotated[Optional[str], typer.Option(
    "--na", help="不了解/说不清: 'excluded' (leave the base; default, or the project's na_policy) or "
                 "'unsatisfied' (stay in the base of rates, counted as not satisfied).")]


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


def _unused_design_options(*, psu, fpc, repweights, rep_type, rep_scale, rep_rscales, rho, mse, combined_weights,
                           replicates, n_replicates, seed) -> None:
    """Refuse the design options this design does not use: each was silently ignored (``--rep-type JK1`` without
    --repweights, meant as --replicates JK1, gave the linearisation interval), and an empty name in --psu/--fpc
    (``--psu ,``) silently dropped the stage."""
    for option, value in (("--psu", psu), ("--fpc", fpc)):
        if value is not None and "," in value and not all(part.strip() for part in value.split(",")):
            option_problem("design-option-empty-name", option, value=value)
    if repweights is None:
        for option, unused in (("--rep-type", rep_type != "other"), ("--rep-scale", rep_scale is not None),
                               ("--rep-rscales", rep_rscales is not None),
                               ("--no-combined-weights", not combined_weights)):
            if unused:
                option_problem("repweights-option-alone", option)
    fay = replicates == "Fay" or (repweights is not None and rep_type == "Fay")
    if rho is not None and not fay:
        option_problem("rho-not-fay", "--rho", rho=f"{rho:g}")
    if mse and repweights is None and replicates is None:
        option_problem("mse-without-replicates", "--mse")
    asked = "no replicates" if replicates is None else f"--replicates {replicates}"
    for option, given in (("--seed", seed), ("--n-replicates", n_replicates)):
        if given is not None and replicates != "bootstrap":
            option_problem("bootstrap-option-alone", option, asked=asked)


def _check_replicate_cells(path: Path, table, spec) -> None:
    """The replicate weights --replicates would make (rows × replicates, 8 bytes each) within the limit
    ``replicate_cells`` (docs/limits.md), before they are made: 100,000,000 bootstrap replicates asked for 2 TB
    and ended in "internal error: MemoryError"; JK1 on 200,000 rows without --psu needs 320 GB."""
    if spec.replicates is None:
        return
    from analysis.values import normalize_series
    from survey.limits import current

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


def design_spec(path: Path, table, *, weight=None, strata=None, psu=None, fpc=None, pps=None, lonely_psu="fail",
                repweights=None, rep_type="other", rep_scale=None, rep_rscales=None, rho=None, mse=False,
                combined_weights=True, replicates=None, n_replicates=None, seed=None):
    """The design options of a command as an :class:`analysis.design_spec.DesignSpec`, its choices and columns
    checked (unknown columns: one message naming the file and the option); options the design would not use are
    refused (:func:`_unused_design_options`), and replicates beyond the limit ``replicate_cells`` too."""
    from analysis.design import LONELY_PSU, PPS_METHODS
    from analysis.design_spec import DesignSpec
    from analysis.replicates import AS_REP_TYPES, REP_TYPES

    choice(lonely_psu, LONELY_PSU, "--lonely-psu")
    choice(pps, PPS_METHODS, "--pps")
    choice(rep_type, REP_TYPES, "--rep-type")
    choice(replicates, AS_REP_TYPES, "--replicates")
    _unused_design_options(psu=psu, fpc=fpc, repweights=repweights, rep_type=rep_type, rep_scale=rep_scale,
                           rep_rscales=rep_rscales, rho=rho, mse=mse, combined_weights=combined_weights,
                           replicates=replicates, n_replicates=n_replicates, seed=seed)
    n_replicates = 50 if n_replicates is None else n_replicates
    rs = None
    if rep_rscales is not None:
        try:
            rs = [float(x) for x in rep_rscales.split(",")]
        except ValueError:
            option_problem("option-not-numbers", "--rep-rscales", value=rep_rscales, example="0.5,0.5,0.5")
        rs = rs[0] if len(rs) == 1 else rs
    spec = DesignSpec.of(weight, strata, psu, fpc, pps=pps, lonely_psu=lonely_psu, repweights=repweights,
                         rep_type=rep_type, scale=rep_scale, rscales=rs, rho=rho, mse=mse,
                         combined_weights=combined_weights, replicates=replicates, n_replicates=n_replicates,
                         seed=seed)
    _check_columns(table, path, weight=weight, strata=strata)
    for opt, cols in (("psu", spec.psu), ("fpc", spec.fpc)):
        for c in cols:
            _check_columns(table, path, **{opt: c})
    if repweights is not None and "," in repweights:
        for c in repweights.split(","):
            _check_columns(table, path, repweights=c.strip())
    _check_replicate_cells(path, table, spec)
    return spec


def design_notes(design, err: bool = False) -> None:
    """Print how the design was read (weights derived from the fpc, nested PSU ids) after a command's text
    output; with ``--json`` (``err``) on stderr, so stdout keeps the documented fields only."""
    for note in getattr(design, "notes", ()):
        typer.echo(f"note: {note}", err=err)


def parse_df(value: Optional[str]) -> Optional[float]:
    """``--df`` parser: None = design df, 'inf' = normal, else a positive number."""
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


class _data_errors:
    """Context manager: a DesignError about a data file becomes the catalogue entry of its kind
    (:mod:`survey.design_messages`), naming the file and the line and column of the first offending row; a wrong
    option value names no file (exit status 2)."""

    def __init__(self, path: Path, table=None):
        self.path = path
        self.columns = list(table.columns) if table is not None else ()

    def __enter__(self):
        return self

    def __exit__(self, et, e, tb):
        from survey.design_messages import design_problem, is_said

        if et is not None and is_said(e):
            raise design_problem(e, str(self.path), columns=self.columns) from None
        return False


def _read_data(path: Path):
    """The data file as a table of strings (survey.tabular.read_table); ``attrs["first_line"]`` is the line of
    its first data row (title rows above the header move it), so messages name the file's own lines."""
    from survey.codebook import Codebook, parse_codebook_sheet
    from survey.export_meta import CODEBOOK_SHEET
    from survey.tabular import read_raw, read_sav_table, read_table, sniff_kind, summary_row

    p = Path(path)
    kind = sniff_kind(p) if p.is_file() and p.stat().st_size else None
    if kind is None:
        return read_table(path)  # its message for a missing or empty file
    if kind == "sav":  # SPSS's reading: user-missing values are missing; "line" N is case N
        raw = read_sav_table(p, as_spss=True)
        frame = raw.frame
        frame.attrs["first_line"] = 1
        frame.attrs["codebook"] = Codebook({c: dict(sorted(v.items(), key=_code_key)) for c, v in raw.value_labels.items()})
        return frame
    raw = read_raw(p, kind)
    frame = raw.frame
    frame.attrs["first_line"] = int(raw.header_line) + 1
    _say_cells_read_as_empty(raw, path)
    frame = _without_trailing_empty_rows(frame, path)
    if CODEBOOK_SHEET in raw.other_sheets:  # minyi's Excel export: its 变量说明 sheet orders the categories
        frame.attrs["codebook"] = parse_codebook_sheet(read_raw(p, kind, sheet=CODEBOOK_SHEET).frame)
    total = summary_row(frame)
    if total is not None:
        from survey.errors import MinyiError

        i, column, label = total
        raise MinyiError.of("total-row", file=str(path), line=frame.attrs["first_line"] + i, column=column, label=label)
    return frame


def _without_trailing_empty_rows(frame, path: Path):
    """``frame`` without the rows at its end whose every cell is empty (the blank lines or ``,,,`` rows that Excel,
    WPS and text editors leave after the data), said in a note on stderr: they are no respondents, and each was
    refused as "an empty cell" of the weight or left the base.  An empty row between data rows is kept (its line
    is named by whatever needs a value there), and so are the line numbers of every row kept."""
    import numpy as np

    if frame.empty:
        return frame
    filled = np.zeros(len(frame), dtype=bool)
    for c in frame.columns:
        col = frame[c]
        filled |= (col.notna() & (col.astype(str).str.strip() != "")).to_numpy()
    last = int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0
    if last == len(frame) or last == 0:
        return frame
    from survey.messages import problem

    first = int(frame.attrs.get("first_line", 2))
    n = len(frame) - last
    lines = f"line {first + last}" if n == 1 else f"lines {first + last}–{first + len(frame) - 1}"
    typer.echo(str(problem("data-trailing-empty-rows", file=str(path), severity="note", count=n, lines=lines)), err=True)
    kept = frame.iloc[:last]
    kept.attrs.update(frame.attrs)
    return kept


def _say_cells_read_as_empty(raw, path: Path) -> None:
    """On stderr, the workbook cells read as empty although they hold something: a formula without a computed
    value, an Excel error (#DIV/0!).  `survey import` says them (catalogue ``formula-no-value-cells``,
    ``excel-error-cells``); estimate, crosstab and weight left them out of the base without a word.  And, as the
    import says them, merged ranges filled down and the other sheets that hold rows but were not read."""
    from survey.messages import problem

    for marks, code in ((raw.formulas, "data-formula-no-value-cells"), (raw.errors, "data-excel-error-cells")):
        if marks:
            cells = [m[2] for m in marks]
            shown = ", ".join(cells[:10]) + (" …" if len(cells) > 10 else "")
            typer.echo(str(problem(code, file=str(path), severity="warning", count=f"{len(cells):,}", cells=shown)),
                       err=True)
    if raw.merged:  # read as Excel shows them (survey.excel_table.fill_merged), as survey import does, and said
        typer.echo(str(problem("data-merged-cells-filled", file=str(path), severity="warning", count=raw.merged[0],
                               ranges=raw.merged[1])), err=True)
    unread = raw.unread_said()
    if unread:
        typer.echo(str(problem("data-sheets-not-read", file=str(path), severity="warning", count=unread[0],
                               sheets=unread[1])), err=True)


def _code_key(item: tuple):
    """Sort key of a (code text, label) pair: numerically when the code is a number."""
    try:
        return (0, float(item[0]), "")
    except ValueError:
        return (1, 0.0, item[0])


def codebook_of(table):
    """What the data file of ``table`` (:func:`_read_data`) says its codes mean (:mod:`survey.codebook`);
    an empty codebook for a file that says nothing."""
    from survey.codebook import Codebook

    return table.attrs.get("codebook") or Codebook()


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


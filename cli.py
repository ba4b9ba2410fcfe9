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
def form(
    file: Annotated[Path, typer.Argument(help="Questionnaire YAML file.")],
    out: Annotated[Path, typer.Option("--out", help="Output HTML file (print it on A4 from a browser).")] = Path("form.html"),
) -> None:
    """Render the questionnaire as a printable A4 paper form (self-contained HTML).

    Option codes are printed next to every box (data entry types them later), skip logic is
    written in words (选'不知道'者跳至第10题; 仅回答第8题选'知道'者作答), matrices are grids,
    and sections only some fielding sites get are marked.  The bundled CJK font is embedded.

    Example:

        survey form questionnaires/civic_hot_issues.yaml --out form.html
    """
    from report.fonts import font_face_css
    from survey.errors import MinyiError
    from survey.form import write_form
    from survey.messages import problem
    from survey.qload import validate_file

    q, problems = validate_file(file)
    errors = [p for p in problems if p.severity == "error"]
    if errors or q is None:
        first = errors[0] if errors else problems[0]
        raise MinyiError(problem("questionnaire-invalid", path=str(file), count=len(errors or problems),
                                 first=f"{first.location}: {first.message}"))
    path = write_form(q, out, font_css=lambda html: font_face_css(html, kind="serif") + "\n"
                      + font_face_css(html, kind="sans"))
    typer.echo(f"wrote the paper form ({len(q.questions)} questions, {q.n_items} items) to {path}")


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


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Output folder for the project, data, charts and reports.")] = Path("demo_out"),
    format: Annotated[str, typer.Option("--format", help="Comma-separated formats: html,docx,pdf,xlsx.")] = "html,docx,pdf,xlsx",
) -> None:
    """Run the whole job on bundled material: questionnaire → simulated waves → import → checks → report.

    Validates the bundled civic questionnaire, simulates two waves (the second with realistic
    faults), imports both into a project (bad rows quarantined), flags speeders and duplicates,
    and writes the full report with charts, comparing the waves.

    Example:

        survey demo --out demo_out
    """
    from report.demo import run_demo

    run_demo(out, formats=_formats(format), log=typer.echo)


def _formats(text: str) -> list:
    from report.render import FORMATS

    fm = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in fm if f not in FORMATS]
    if bad or not fm:
        raise typer.BadParameter(f"unknown format(s) {', '.join(bad) or text!r}; choose from {', '.join(FORMATS)}")
    return fm


# === section: project (init, import, status, quarantine, check, export, convert) ===


@app.command()
def init(
    dir: Annotated[Path, typer.Argument(help="Project folder to create.")],
    questionnaire: Annotated[Path, typer.Option("--questionnaire", "-q", help="Questionnaire YAML file.")],
) -> None:
    """Create a survey project: a config file, a copy of the questionnaire and an embedded DuckDB database.

    Example:

        survey init city2026 --questionnaire questionnaires/civic_hot_issues.yaml
    """
    from survey.store import Project

    p = Project.create(dir, questionnaire)
    typer.echo(f"created project {dir} for '{p.questionnaire.title}' ({p.questionnaire.n_items} items)")


@app.command(name="import")
def import_(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    file: Annotated[Path, typer.Argument(help="Response file: CSV/TSV (UTF-8 or GBK), XLSX, SAV, 问卷星, Kobo.")],
    format: Annotated[str, typer.Option("--format", help=(
        "auto | csv | xlsx | sav | wjx | tencent | kobo | native. auto recognises the file from its content (not its "
        "extension) and prints which format it chose and why; csv/xlsx/sav insist on that kind of file (xlsx also "
        "reads .xls); wjx (问卷星), tencent (腾讯问卷), kobo (KoboToolbox/ODK) and native force that layout."))] = "auto",
    wave: Annotated[Optional[str], typer.Option("--wave", help="Wave name, e.g. 2026Q1 (default: 'default').")] = None,
    site: Annotated[Optional[str], typer.Option("--site", help="Fielding site for every row (when the file lacks it).")] = None,
    mapping: Annotated[Optional[Path], typer.Option("--mapping", help="YAML mapping: columns: {source: question id}, values: {qid: {value: code}}.")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Excel sheet (default: first).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Any problem fails the import (nothing stored).")] = False,
    hash_pii: Annotated[bool, typer.Option("--hash-pii", help="Store identifying columns as salted SHA-256 hashes.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Import responses: bad rows are quarantined with reasons, never dropped; atomic and idempotent.

    Prints rows read / accepted / quarantined per reason.  The file's name and SHA-256 are recorded;
    importing the same file again adds nothing.  --strict stores nothing when any row has a problem.

    Example:

        survey import city2026 wjx_export.csv --wave 2026Q1
    """
    import yaml as _yaml

    from survey.store import Project

    p = Project.open(dir)
    mp = None
    if mapping is not None:
        from survey.errors import MinyiError

        try:
            mp = _yaml.safe_load(mapping.read_text(encoding="utf-8"))
        except (OSError, _yaml.YAMLError) as e:
            raise MinyiError.of("file-unreadable", file=str(mapping), path=str(mapping), reason=str(e))
    summary = p.import_file(file, format=format, wave=wave, site=site, mapping=mp, sheet=sheet, strict=strict,
                            hash_pii=hash_pii)
    if json_out:
        _echo_json(summary.to_dict())
        return
    for line in summary.lines():
        typer.echo(line)


@app.command()
def status(dir: Annotated[Path, typer.Argument(help="Project folder.")], json_out: JsonOpt = False) -> None:
    """Waves, counts per wave/site/district, quarantined and excluded rows, and the last imports (with file hashes).

    Example:

        survey status city2026
    """
    from survey.store import Project

    st = Project.open(dir).status()
    if json_out:
        _echo_json(st)
        return
    typer.echo(f"project {st['project']}: {st['questionnaire']}")
    for w in st["waves"]:
        typer.echo(f"  wave {w['wave']}: {w['responses']:,} responses, {w['quarantined_rows']:,} quarantined rows"
                   + (f", {w['excluded']:,} excluded by the quality rules" if w.get("excluded") is not None else
                      " (not checked yet: survey check)")
                   + (" (checked before the last import: run survey check again)" if w.get("checks_stale") else ""))
        if w.get("exclusions"):
            typer.echo("    excluded: " + ", ".join(f"{k} {v:,}" for k, v in w["exclusions"].items()))
        for key in ("site", "district"):
            if key in w:
                typer.echo(f"    {key}: " + ", ".join(f"{k} {v:,}" for k, v in w[key].items()))
    for imp in st["last_imports"]:
        typer.echo(f"  import #{imp['id']} {imp['file']} (sha256 {str(imp['sha256'])[:12]}…, {imp['format']}, "
                   f"wave {imp['wave']}) at {imp['imported_at']}: {imp['rows_read']:,} read, "
                   f"{imp['accepted']:,} accepted, {imp['quarantined']:,} quarantined")


@app.command()
def quarantine(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    wave: Annotated[Optional[str], typer.Option("--wave", help="Only this wave.")] = None,
    export: Annotated[Optional[Path], typer.Option("--export", help="Write the records to CSV or XLSX.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List quarantined records: source file, row, column, value and reason.

    Example:

        survey quarantine city2026 --wave 2026Q1 --export problems.xlsx
    """
    from survey.store import Project

    df = Project.open(dir).quarantine(wave)
    if export is not None:
        _write_table(df, export)
        typer.echo(f"wrote {len(df):,} quarantine records to {export}")
    elif json_out:
        _echo_json(df.to_dict("records"))
    else:
        for r in df.itertuples():
            typer.echo(f"{r.source}, row {r.row}, column {r.column or '-'}: {r.message}")
        typer.echo(f"{len(df):,} record(s)")


def _write_table(df, path: Path) -> None:
    from survey.export import write_table

    write_table(df, path)


@app.command()
def check(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    wave: Annotated[Optional[str], typer.Option("--wave", help="Only this wave.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Data-quality checks: duplicate ids, identical answers, same IP, speeders, straight-lining, item non-response.

    Flags are stored in the project; the exclusion rules in minyi.yaml (exclusions: speeder: true, …)
    apply to every analysis, and the rows they remove are counted here and in the report.
    Speeders: completion time under speeder_fraction (minyi.yaml, default 1/3) of the median.

    Example:

        survey check city2026 --wave 2026Q1
    """
    from survey.quality import FLAG_NAMES
    from survey.store import Project

    p = Project.open(dir)
    flags = p.check(wave)
    rules = {**p.config.get("exclusions", {})}
    out = []
    for w in ([wave] if wave else p.waves()):
        fw = flags[flags["wave"] == w]
        data, excl = p.responses(w)
        nr = p.nonresponse(w)
        out.append({"wave": w, "responses": int(len(data) + sum(excl.values())), "analysed": int(len(data)),
                    "flags": {k: int(v) for k, v in fw["kind"].value_counts().items()},
                    "exclusions": excl,
                    "nonresponse": [{"question": r.question, "asked": int(r.asked), "missing": int(r.missing),
                                     "rate": None if r.rate != r.rate else float(r.rate)} for r in nr.itertuples()]})
    if json_out:
        _echo_json({"waves": out, "rules": {k: bool(v) for k, v in rules.items()}})
        return
    if not out:
        typer.echo(f"{dir}: no responses imported yet (survey import {dir} FILE)")
    for w in out:
        typer.echo(f"wave {w['wave']}: {w['responses']:,} responses")
        for kind in FLAG_NAMES:
            n = w["flags"].get(kind, 0)
            typer.echo(f"  {kind} ({FLAG_NAMES[kind]}): {n:,} flagged"
                       f"{' — excluded by rule' if rules.get(kind) else ' — kept (rule off)'}")
        excluded = sum(w["exclusions"].values())
        typer.echo(f"  excluded from analysis: {excluded:,} row(s)"
                   + (" (" + ", ".join(f"{k} {v:,}" for k, v in w["exclusions"].items()) + ")" if excluded else "")
                   + f"; analysed: {w['analysed']:,}")
        top = sorted([r for r in w["nonresponse"] if r["rate"]], key=lambda r: -r["rate"])[:5]
        typer.echo("  highest item non-response: " + (", ".join(
            f"{r['question']} {100 * r['rate']:.1f}% ({r['missing']:,}/{r['asked']:,})" for r in top) or "none"))


@app.command()
def export(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    format: Annotated[str, typer.Option("--format", help="csv | xlsx | sav | parquet.")] = "csv",
    labels: Annotated[bool, typer.Option("--labels/--codes", help="Write option labels instead of codes.")] = False,
    wave: Annotated[Optional[str], typer.Option("--wave", help="Only this wave.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Output file (CSV to standard output when omitted).")] = None,
    include_pii: Annotated[bool, typer.Option("--include-pii", help="Also write identifying columns (IP, phone…).")] = False,
) -> None:
    """Write the cleaned responses (quarantined rows left out, exclusion rules applied) in minyi's native layout.

    Columns: <id>, <id>_<row id> for matrix rows, <id>_<code> (0/1) per multiple-choice option — what
    survey import reads back without a mapping.  CSV goes to standard output without --out.  SPSS
    .sav files carry value and variable labels.  Text cells starting with = + - @ are prefixed with '
    in CSV/XLSX so spreadsheets do not run them; identifying columns (IP, phone, name, ID card) are
    left out unless --include-pii.

    Example:

        survey export city2026 --format sav --wave 2026Q1 --out clean.sav
    """
    from survey.export import export_project
    from survey.store import Project

    text = export_project(Project.open(dir), format=format, labels=labels, wave=wave, out=out, include_pii=include_pii)
    if text is not None:
        typer.echo(text, nl=False)
    else:
        typer.echo(f"wrote {out}", err=True)


@app.command()
def convert(
    file: Annotated[Path, typer.Argument(help="An XLSForm (.xlsx, with --to yaml) or a minyi questionnaire (.yaml, with --to xlsform).")],
    to: Annotated[str, typer.Option("--to", help="yaml (XLSForm → minyi questionnaire) or xlsform (questionnaire → XLSForm).")],
    out: Annotated[Optional[Path], typer.Option("--out", help="Output file (yaml: standard output when omitted; xlsform: FILE.xlsx next to the input).")] = None,
) -> None:
    """Convert between XLSForm (ODK / KoboToolbox) and minyi questionnaires.

    --to xlsform writes survey/choices/settings sheets that pyxform turns into an XForm (checked
    with pyxform before this command returns), so the questionnaire can be fielded on ODK Collect
    or KoboToolbox.  --to yaml reads an XLSForm (select_one, select_multiple, rank, integer,
    decimal, text, groups, relevant, constraint, required, label::Chinese (zh)) into minyi YAML;
    anything minyi cannot represent is listed as a warning.

    Example:

        survey convert questionnaires/civic_hot_issues.yaml --to xlsform --out civic_form.xlsx
        survey convert kobo_form.xlsx --to yaml --out questionnaire.yaml
    """
    from survey.errors import MinyiError

    kind = to.strip().lower()
    if kind in ("yaml", "yml", "minyi"):
        from survey.xlsform import xlsform_to_yaml

        conv = xlsform_to_yaml(file)
        for w in conv.warnings:
            typer.echo(f"warning: {w}", err=True)
        if out is None:
            typer.echo(conv.yaml_text, nl=False)
        else:
            tmp = out.with_name(out.name + ".part")
            tmp.write_text(conv.yaml_text, encoding="utf-8")
            tmp.replace(out)
            typer.echo(f"wrote {out} ({conv.yaml_text.count(chr(10) + '  - id: ')} questions)", err=True)
            if conv.mapping:
                import yaml as _yaml

                mp = out.with_name(out.stem + ".mapping.yaml")
                mp.write_text("# choice names (XML values) of the XLSForm -> minyi option codes\n"
                              + _yaml.safe_dump(conv.mapping, allow_unicode=True, sort_keys=False), encoding="utf-8")
                typer.echo(f"wrote {mp}: import exports with XML values using --mapping {mp}", err=True)
    elif kind in ("xlsform", "xlsx", "odk", "kobo"):
        from survey.qload import load_questionnaire
        from survey.xlsform import write_xlsform, xform_check

        q = load_questionnaire(file)
        target = out if out is not None else file.with_suffix(".xlsx")
        if target.resolve() == Path(file).resolve():
            raise MinyiError.of("usage", reason="--out would overwrite the input file")
        write_xlsform(q, target)
        warnings = xform_check(target)
        for w in warnings:
            typer.echo(f"pyxform warning: {w}", err=True)
        typer.echo(f"wrote {target}: XLSForm for '{q.title}' ({len(q.questions)} questions); pyxform accepts it")
    else:
        raise typer.BadParameter(f"--to must be yaml or xlsform, not {to!r}")


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


@app.command()
def crosstab(
    data: Annotated[Path, typer.Argument(help="CSV/TSV/XLSX data file (UTF-8 or GBK).")],
    row: Annotated[str, typer.Option("--row", help="Column whose categories form the rows.")],
    col: Annotated[str, typer.Option("--col", help="Column whose categories form the columns.")],
    missing: Annotated[Optional[List[str]], typer.Option("--missing", help="Value that is not applicable and leaves the base (repeatable), e.g. 不了解.")] = None,
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = "fail",
    ci: CiOpt = "logit",
    confidence: ConfOpt = 0.95,
    df: DfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Cross-tab of two columns under a design: cell shares with CIs and the Rao–Scott F test.

    Each cell carries its share of the table (estimate, se, ci_low, ci_high; R
    svymean(~interaction(row, col))), its share of its row (row_share_*) and of its column
    (col_share_*), all with design-based intervals.  The test of independence is the
    Rao–Scott second-order corrected F of R's svychisq(~row+col, design, statistic="F").
    Empty cells and --missing values leave the base.  The plain-text table shows row
    percentages.

    Example:

        survey crosstab answers.csv --row district --col Q12 --missing 不了解 --weight w --psu community --json
    """
    from analysis.ci import check_method
    from analysis.crosstab import crosstab as _crosstab
    from analysis.design import Design

    check_method(ci)
    table = _read_data(data)
    _check_columns(table, data, row=row, col=col, weight=weight, strata=strata, psu=psu, fpc=fpc)
    with _data_errors(data):
        design = Design.from_frame(table, weights=weight, strata=strata, psu=psu, fpc=fpc, lonely_psu=lonely_psu)
        res = _crosstab(design, row, col, missing=missing or [], ci_method=ci, confidence=confidence,
                        df=parse_df(df))
    if json_out:
        _echo_json(res.to_dict())
        return
    typer.echo(f"{row} × {col}: n={res.n:,}  (row %, {confidence:.0%} CI {ci})")
    cells = res.cells.set_index(["row", "col"])
    width = max([len(str(c)) for c in res.col_levels] + [18])
    typer.echo(" " * 12 + "".join(f"{str(c):>{width + 2}}" for c in res.col_levels) + f"{'n':>8}")
    for r in res.row_levels:
        parts = []
        for c in res.col_levels:
            x = cells.loc[(r, c)]
            parts.append(f"{100 * x.row_share:5.1f}% [{100 * x.row_share_ci_low:4.1f},{100 * x.row_share_ci_high:5.1f}]")
        n_r = int(cells.loc[r, "n"].sum())
        typer.echo(f"{str(r)[:12]:<12}" + "".join(f"{p:>{width + 2}}" for p in parts) + f"{n_r:>8}")
    t = res.test
    typer.echo(f"Rao–Scott F = {t.F:.4g}, df = ({t.df1:.3g}, {t.df2:.4g}), p = {t.p:.4g}"
               f"   (first-order χ² = {t.chisq:.4g}, df = {t.chisq_df}, p = {t.chisq_p:.4g})")


NaOpt = Annotated[Optional[str], typer.Option(
    "--na", help="不了解/说不清: 'excluded' (leave the base; default, or the project's na_policy) or "
                 "'unsatisfied' (stay in the base of rates, counted as not satisfied).")]


@app.command()
def analyze(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    wave: Annotated[Optional[str], typer.Option("--wave", help="Wave (default: the latest).")] = None,
    by: Annotated[Optional[List[str]], typer.Option(
        "--by", help="Grouping (repeatable or comma-separated): site, district or a question id. Default: site,district.")] = None,
    na: NaOpt = None,
    ci: Annotated[Optional[str], typer.Option(
        "--ci", help="Interval method for rates: wald, logit, clopper-pearson, wilson, jeffreys, agresti-coull "
                     "(default: the project's ci_method, logit).")] = None,
    confidence: ConfOpt = 0.95,
    df: DfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Every indicator of the questionnaire, overall and by group, with CIs and target verdicts.

    知晓率, 支持率, 参与率, 满意率 (top-two-box) and 满意度指数 per item, indicator and area, the
    composite index (area weights), multiple-choice hot issues, the ranking question and
    importance–performance, each with its base n and the share of 不了解/说不清 answers.
    The JSON (--json) is what the report consumes; its fields are documented in docs/analyze-json.md.

    Example:

        survey analyze city2026 --wave 2026Q1 --by site --by district --na excluded --json
    """
    from analysis.indicators import NA_POLICIES
    from report.pipeline import grouping_choices
    from report.project import analyze_project
    from survey.store import Project

    project = Project.open(dir)
    names = None if by is None else [b.strip() for item in by for b in item.split(",") if b.strip()]
    choices = grouping_choices(project.questionnaire)
    bad = [b for b in names or [] if b not in choices]
    if bad:
        raise typer.BadParameter(f"unknown grouping {', '.join(repr(b) for b in bad)}; choose from: {', '.join(choices)}",
                                 param_hint="'--by'")
    if na is not None and na.strip().lower() not in NA_POLICIES:
        raise typer.BadParameter(f"{na!r}; choose excluded or unsatisfied", param_hint="'--na'")
    if ci is not None:
        from analysis.ci import CI_METHODS

        if ci not in CI_METHODS:
            raise typer.BadParameter(f"{ci!r}; choose from: {', '.join(CI_METHODS)}", param_hint="'--ci'")
    res = analyze_project(project, wave=wave, by=names, na_policy=na, ci_method=ci, confidence=confidence,
                          df=parse_df(df))
    if json_out:
        _echo_json(res)
        return
    meta = res["meta"]
    typer.echo(f"wave {meta['wave']}: n={res['sample']['n']:,}; 不了解/说不清 "
               f"{'excluded from the base' if meta['na_policy'] == 'exclude' else 'counted as not satisfied'}; "
               f"{meta['confidence']:.0%} CI ({meta['ci_method']})")
    if meta["design"].get("weighting"):
        typer.echo(f"design: {meta['design']['description_en']}")
    for ind in res["indicators"]:
        for m in ("rate", "index"):
            st = ind.get(m)
            if not st or st.get("estimate") is None:
                continue
            f = (lambda x: f"{100 * x:.1f}%") if m == "rate" else (lambda x: f"{x:.1f}")
            typer.echo(f"  {ind['name']}{'（指数）' if m == 'index' else ''}: {f(st['estimate'])} "
                       f"[{f(st['ci_low'])}, {f(st['ci_high'])}] n={st['n']:,}, 不了解/说不清 {100 * (st.get('share_na') or 0):.1f}%"
                       + (f"  目标 {f(st['target'])} → {st['verdict']}" if st.get('target') is not None else ""))
            for g, rows in ind.get(f"{m}_by", {}).items():
                typer.echo("      " + g + ": " + ", ".join(f"{r['group']} {f(r['estimate'])}" + (f" {r['verdict']}" if r.get("verdict") else "")
                                                             for r in rows if r.get("estimate") is not None))
    if res.get("composite"):
        c = res["composite"]
        typer.echo(f"  综合满意度指数: {c['estimate']:.1f} [{c['ci_low']:.1f}, {c['ci_high']:.1f}] n={c['n']:,}"
                   + (f"  目标 {c['target']:.1f} → {c['verdict']}" if c.get("target") is not None else ""))


def _parse_margin_specs(items: List[str]) -> list:
    out = []
    for it in items:
        if "=" not in it:
            raise typer.BadParameter(f"--margin needs COLUMN=FILE, not {it!r}")
        col, f = it.split("=", 1)
        if not col.strip() or not f.strip():
            raise typer.BadParameter(f"--margin needs COLUMN=FILE, not {it!r}")
        out.append((col.strip(), Path(f.strip())))
    return out


def _weighting_error(e, files: dict, data_path: Path):
    """Turn a WeightingError into one catalogue message naming the margin file."""
    from survey.errors import MinyiError

    f = files.get(e.variable)
    hint = "check the categories of the margin file against the data"
    if e.candidates:
        parts = []
        for c, cands in e.candidates.items():
            if cands:
                parts.append(f"'{c}': did you mean " + " or ".join(f"'{x}'" for x in cands) + "?")
        if parts:
            hint = "; ".join(parts)
    if e.kind == "missing-variable":
        return MinyiError.of("unknown-column", file=str(data_path), column=e.variable,
                             suggestion="--margin: " + (e.candidates.get(e.variable) and
                                                        "did you mean " + " or ".join(f"'{x}'" for x in e.candidates[e.variable]) + "?"
                                                        or "check the header"))
    if e.kind == "missing-values":
        return MinyiError.of("bad-data", file=str(data_path), column=e.variable, reason=str(e),
                             hint="every row needs a category of each margin variable")
    if e.kind in ("not-in-sample", "not-in-margin", "zero-population", "duplicate", "shares", "bad-value") and f:
        return MinyiError.of("bad-data", file=str(f), reason=str(e), hint=hint)
    return MinyiError.of("bad-data", file=", ".join(str(p) for p in files.values()), reason=str(e), hint=hint)


@app.command()
def weight(
    data: Annotated[Path, typer.Argument(help="CSV/TSV/XLSX data file (UTF-8 or GBK).")],
    margin: Annotated[List[str], typer.Option(
        "--margin", help="COLUMN=FILE (repeatable): population margin of a column; the file's first column is the "
                         "category, the second the population count or share (0.23 or 23%). COL1+COL2=FILE: "
                         "cross-classified cells (the file's first two columns are the categories).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the data with the new weight column (.csv or .xlsx).")],
    method: Annotated[str, typer.Option("--method", help="rake (several margins, R rake) or poststratify (one margin, R postStratify).")] = "rake",
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = "fail",
    cap: Annotated[Optional[float], typer.Option(
        "--cap", help="Largest allowed ratio of a weight to the mean weight: trim (R trimWeights) and re-weight until it holds.")] = None,
    name: Annotated[str, typer.Option("--name", help="Name of the new weight column.")] = "weight_cal",
    population_total: Annotated[Optional[float], typer.Option(
        "--population-total", help="Population size used to turn shares into counts (default: the count margins' total, "
                                   "else the sum of the input weights).")] = None,
    maxit: Annotated[int, typer.Option("--maxit", help="Raking: most passes over the margins (R rake control maxit).", min=1)] = 10,
    epsilon: Annotated[float, typer.Option(
        "--epsilon", help="Raking stops when no weighted cell count changes by epsilon or more (below 1: a fraction "
                          "of the total weight), as R rake's control epsilon.")] = 1.0,
    json_out: JsonOpt = False,
) -> None:
    """Weight the data to population margins (raking or post-stratification) and write a new weight column.

    Raking is R's rake() (iterative proportional fitting; same stopping rule, defaults maxit 10,
    epsilon 1), post-stratification R's postStratify().  Margins given as shares are scaled to
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
    from analysis.weighting import WeightingError, calibrate
    from survey.errors import MinyiError
    from survey.margins import read_margin_file

    if method not in ("rake", "poststratify"):
        raise typer.BadParameter(f"--method must be rake or poststratify, not {method!r}")
    specs = _parse_margin_specs(margin)
    table = _read_data(data)
    _check_columns(table, data, weight=weight, strata=strata, psu=psu, fpc=fpc)
    for col, _f in specs:
        for part in ([col] if col in table.columns or "+" not in col else col.split("+")):
            _check_columns(table, data, margin=part.strip())
    if name in table.columns:
        raise MinyiError.of("bad-data", file=str(data), reason=f"the data already have a column '{name}'",
                            hint="choose another name with --name")
    seen = set()
    for col, _f in specs:
        if col in seen:
            raise typer.BadParameter(f"--margin {col}= is given twice")
        seen.add(col)
    margins = {col: read_margin_file(f, 1 if col in table.columns or "+" not in col else len(col.split("+")), column=col)
               for col, f in specs}
    files = {col: f for col, f in specs}
    from analysis.design import Design

    with _data_errors(data):
        design = Design.from_frame(table, weights=weight, strata=strata, psu=psu, fpc=fpc, lonely_psu=lonely_psu)
    try:
        kw = dict(population_total=population_total, cap=cap)
        if method == "rake":
            kw.update(maxit=maxit, epsilon=epsilon)
        new, rep = calibrate(design, {c: dict(zip(*m)) for c, m in margins.items()},
                             method=method, **kw)
    except WeightingError as e:
        raise _weighting_error(e, files, data)
    result = table.copy()
    result[name] = new.weights
    from survey.export import write_data

    write_data(result, out)
    if json_out:
        _echo_json({**rep.to_dict(), "out": str(out), "name": name})
        return
    vars_ = ", ".join(c for c, _ in specs)
    if method == "rake":
        state = "converged" if rep.converged else "did NOT converge (raise --maxit or --epsilon)"
        typer.echo(f"raking on {vars_}: {rep.iterations} iteration(s), {state}; "
                   f"largest change in the last pass {rep.max_change:.3g} (epsilon {rep.epsilon:.3g})")
    else:
        typer.echo(f"post-stratification on {vars_}: largest difference from the margin {rep.max_change:.3g}")
    if rep.cap is not None:
        typer.echo(f"cap {rep.cap:g} × mean weight: {rep.trim_rounds} trim round(s), "
                   + ("met" if rep.cap_satisfied else "NOT met") + f"; largest weight/mean {rep.max_ratio:.3f}")
    typer.echo(f"weights: n={rep.n:,} sum={rep.sum_weights:,.6g} min={rep.weight_min:.4g} mean={rep.weight_mean:.4g} "
               f"max={rep.weight_max:.4g} (max/mean {rep.max_ratio:.3f})")
    typer.echo(f"Kish effective n = {rep.kish_n_eff:,.1f}; weighting efficiency {rep.efficiency:.1%} "
               f"(design effect of weighting {rep.deff_weighting:.3f})")
    typer.echo(f"{'margin':<12} {'category':<14} {'population':>12} {'n':>7} {'before':>12} {'after':>12}")
    for m in rep.margins:
        typer.echo(f"{m['variable']:<12} {m['category']:<14} {m['population']:>12,.1f} {m['n']:>7,} "
                   f"{m['weighted_before']:>12,.1f} {m['weighted_after']:>12,.1f}")
    typer.echo(f"wrote {out} (new column {name})")


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
    """
    from analysis.planning import ALLOCATIONS, PlanningError
    from analysis.planning import plan as make_plan
    from survey.errors import MinyiError
    from survey.margins import read_strata_file

    if allocate not in ALLOCATIONS:
        raise typer.BadParameter(f"--allocate must be one of {', '.join(ALLOCATIONS)}, not {allocate!r}")
    kw = {}
    if strata is not None:
        names, pops, kind, extra = read_strata_file(strata)
        kw = dict(strata=names, strata_population=pops, allocation=allocate, min_per_stratum=min_per_stratum)
        if kind == "sd":
            kw["strata_sd"] = extra
        elif kind == "p":
            kw["strata_p"] = extra
        if allocate == "neyman" and kind is None:
            raise MinyiError.of("bad-data", file=str(strata), reason="Neyman allocation needs a third column: "
                                "each stratum's standard deviation (sd) or anticipated proportion (p)",
                                hint="add a column sd or p, or use --allocate proportional")
    try:
        res = make_plan(margin, confidence, p, population, deff, **kw)
    except PlanningError as e:
        raise MinyiError.of("bad-data", file=str(strata) if strata else None, reason=str(e), hint="check the options")
    if json_out:
        _echo_json(res.to_dict())
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
            typer.echo(f"  {a.stratum:<16} {a.population:>12,.0f} {a.n:>7} {a.share:>7.1%}{flag}")


# === section: report ===


@app.command()
def report(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    wave: Annotated[Optional[str], typer.Option("--wave", help="Wave to report (default: the latest).")] = None,
    compare: Annotated[Optional[str], typer.Option("--compare", help="Earlier wave to compare with.")] = None,
    by: Annotated[Optional[str], typer.Option(
        "--by", help="Comma-separated groupings: site, district or a question id. Default: site,district "
                     "(those the questionnaire has).")] = None,
    format: Annotated[str, typer.Option("--format", help="Comma-separated: html,docx,pdf,xlsx.")] = "html,docx,pdf,xlsx",
    template: Annotated[Optional[Path], typer.Option(
        "--template", exists=True, file_okay=False,
        help="Folder with your own report_zh.html.j2 / report_en.html.j2 (variables: docs/report-data.md).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("report_out"),
    lang: Annotated[str, typer.Option("--lang", help="Report language: zh (default) or en.")] = "zh",
    na: NaOpt = None,
    small_base: Annotated[Optional[int], typer.Option(
        "--small-base", min=0, help="Groups with fewer respondents are marked unreliable (△). "
                                    "Default: the project's small_base, else 30.")] = None,
    min_cell: Annotated[Optional[int], typer.Option(
        "--min-cell", min=0, help="Groups with fewer respondents are suppressed (not reported). "
                                  "Default: the project's min_cell, else 10.")] = None,
    org: Annotated[Optional[str], typer.Option(
        "--org", help="Commissioning body named in the overview (default: 市文明办 / the civilisation office).")] = None,
) -> None:
    """Write the analytical report (HTML, Word, PDF, Excel) with charts, tables and written findings.

    Nine chapters (调查概况, 样本构成, 主要发现, “三率”与满意度, 热点问题, 群体与区县比较, 变化,
    重点与对策建议, 附录) as report.html (self-contained), report.docx, report.pdf (A4) and report.xlsx
    (every table, one sheet per chapter), plus every chart as PNG and SVG in OUT/charts.  Groups
    under --small-base respondents (30) are marked unreliable, under --min-cell (10) suppressed.
    Population shares appear in 样本构成 when minyi.yaml names margins files
    (margins: {district: pop_district.csv}); see docs/report-data.md.

    Example:

        survey report city2026 --wave 2026Q3 --compare 2026Q1 --format html,docx,pdf,xlsx --out report_2026Q3

        survey report city2026 --by site --na unsatisfied --small-base 50 --min-cell 20 --lang en
    """
    from analysis.indicators import NA_POLICIES
    from report.pipeline import grouping_choices
    from report.project import report_project
    from survey.store import Project

    if lang not in ("zh", "en"):
        raise typer.BadParameter(f"--lang must be zh or en, not {lang!r}")
    if na is not None and na.strip().lower() not in NA_POLICIES:
        raise typer.BadParameter(f"{na!r}; choose excluded or unsatisfied", param_hint="'--na'")
    project = Project.open(dir)
    names = None
    if by is not None:
        names = [b.strip() for b in by.split(",") if b.strip()]
        choices = grouping_choices(project.questionnaire)
        bad = [b for b in names if b not in choices]
        if bad:
            raise typer.BadParameter(f"unknown grouping {', '.join(repr(b) for b in bad)}; choose from: "
                                     f"{', '.join(choices)}", param_hint="'--by'")
    res = report_project(project, out, wave=wave, compare_wave=compare, by=names, formats=_formats(format),
                         template_dir=template, lang=lang, small_base=small_base, min_cell=min_cell, org=org,
                         na_policy=na.strip().lower() if na is not None else None)
    for fmt, p in res["paths"].items():
        typer.echo(f"{fmt:5s} {p}")


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

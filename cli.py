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
) -> None:
    """Import responses: bad rows are quarantined with reasons, never dropped; atomic and idempotent.

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
    for line in summary.lines():
        typer.echo(line)


@app.command()
def status(dir: Annotated[Path, typer.Argument(help="Project folder.")], json_out: JsonOpt = False) -> None:
    """Waves, counts per wave/site/district, quarantined rows and the last imports.

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
        typer.echo(f"  wave {w['wave']}: {w['responses']:,} responses, {w['quarantined_rows']:,} quarantined rows")
        for key in ("site", "district"):
            if key in w:
                typer.echo(f"    {key}: " + ", ".join(f"{k} {v:,}" for k, v in w[key].items()))
    for imp in st["last_imports"]:
        typer.echo(f"  import #{imp['id']} {imp['file']} ({imp['format']}, wave {imp['wave']}) at {imp['imported_at']}: "
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
    """Data-quality checks: duplicates, identical answers, same IP, speeders, straight-lining, non-response.

    Flags are stored; the exclusion rules in minyi.yaml apply to every analysis.

    Example:

        survey check city2026 --wave 2026Q1
    """
    from survey.quality import FLAG_NAMES, item_nonresponse
    from survey.store import Project

    p = Project.open(dir)
    flags = p.check(wave)
    counts = flags["kind"].value_counts().to_dict() if len(flags) else {}
    rules = p.config.get("exclusions", {})
    if json_out:
        _echo_json({"flags": counts, "exclusions": {k: bool(v) for k, v in rules.items()}})
        return
    for kind, n in counts.items():
        typer.echo(f"{kind} ({FLAG_NAMES.get(kind, kind)}): {n:,}{' — excluded from analysis' if rules.get(kind) else ''}")
    for w in ([wave] if wave else p.waves()):
        nr = item_nonresponse(p.raw_responses(w), p.questionnaire)
        top = nr.sort_values("rate", ascending=False).head(5)
        typer.echo(f"wave {w}: highest item non-response: " +
                   ", ".join(f"{r.question} {100 * r.rate:.1f}%" for r in top.itertuples() if r.rate is not None))


@app.command()
def export(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    format: Annotated[str, typer.Option("--format", help="csv | xlsx | sav | parquet.")] = "csv",
    labels: Annotated[bool, typer.Option("--labels/--codes", help="Write option labels instead of codes.")] = False,
    wave: Annotated[Optional[str], typer.Option("--wave", help="Only this wave.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Output file (CSV to standard output when omitted).")] = None,
    include_pii: Annotated[bool, typer.Option("--include-pii", help="Also write identifying columns (IP, phone…).")] = False,
) -> None:
    """Write the cleaned responses (exclusions applied) in minyi's native layout.

    Example:

        survey export city2026 --format sav --labels --wave 2026Q1 --out clean.sav
    """
    from survey.export import export_project
    from survey.store import Project

    text = export_project(Project.open(dir), format=format, labels=labels, wave=wave, out=out, include_pii=include_pii)
    if text is not None:
        typer.echo(text, nl=False)
    else:
        typer.echo(f"wrote {out}", err=True)


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
    names = [b.strip() for item in (by if by is not None else ["site,district"]) for b in item.split(",") if b.strip()]
    choices = grouping_choices(project.questionnaire)
    bad = [b for b in names if b not in choices]
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


# === section: report ===


@app.command()
def report(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    wave: Annotated[Optional[str], typer.Option("--wave", help="Wave to report (default: the latest).")] = None,
    compare: Annotated[Optional[str], typer.Option("--compare", help="Earlier wave to compare with.")] = None,
    by: Annotated[str, typer.Option("--by", help="Comma-separated groupings, e.g. site,district.")] = "site,district",
    format: Annotated[str, typer.Option("--format", help="Comma-separated: html,docx,pdf,xlsx.")] = "html,docx,pdf,xlsx",
    template: Annotated[Optional[Path], typer.Option("--template", help="Folder with your own report_zh.html.j2 / report_en.html.j2.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("report_out"),
    lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh",
) -> None:
    """Write the analytical report (HTML, Word, PDF, Excel) with charts, tables and written findings.

    Example:

        survey report city2026 --wave 2026Q3 --compare 2026Q1 --format html,docx,pdf,xlsx --out report_2026Q3
    """
    from report.project import report_project
    from survey.store import Project

    res = report_project(Project.open(dir), out, wave=wave, compare_wave=compare,
                         by=[b.strip() for b in by.split(",") if b.strip()], formats=_formats(format),
                         template_dir=template, lang=lang)
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

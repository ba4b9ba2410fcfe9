"""Commands about the questionnaire: validate, form, simulate, demo, convert."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from typing_extensions import Annotated

from ._app import app
from ._common import JsonOpt, _echo_json, _formats, choice


def _count(k: int, word: str) -> str:
    """"1 question", "6 questions"."""
    return f"{k} {word}" + ("" if k == 1 else "s")


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
            typer.echo(f"{file}: valid — {_count(len(q.questions), 'question')}, {_count(q.n_items, 'item')}, "
                       f"{_count(len(q.indicators), 'indicator')}")
        else:
            typer.echo(f"{file}: {len(errors)} problem(s)", err=True)
    raise typer.Exit(1 if errors or q is None else 0)


@app.command()
def form(
    file: Annotated[Path, typer.Argument(help="Questionnaire YAML file.")],
    out: Annotated[Path, typer.Option("--out", help="Output file: .html (print it on A4 from a browser) or .pdf (A4 pages, ready to print).")] = Path("form.html"),
) -> None:
    """Render the questionnaire as a printable A4 paper form (self-contained HTML, or PDF).

    Option codes are printed next to every box (data entry types them later), skip logic is
    written in words (选'不知道'者跳至第10题; 仅回答第8题选'知道'者作答), matrices are grids,
    and sections only some fielding sites get are marked.  The bundled CJK font is embedded.

    Example:

        survey form questionnaires/civic_hot_issues.yaml --out form.html
    """
    from report.fonts import font_face_css
    from survey.errors import MinyiError
    from survey.form import FORM_SUFFIXES, render_form, write_form
    from survey.messages import problem
    from survey.qload import validate_file

    if out.suffix and out.suffix.lower() not in FORM_SUFFIXES:  # a form.docx of HTML would open as garbage, or not at all
        raise MinyiError.of("paper-form-suffix", out=str(out))

    q, problems = validate_file(file)
    errors = [p for p in problems if p.severity == "error"]
    if errors or q is None:
        first = errors[0] if errors else problems[0]
        raise MinyiError(problem("questionnaire-invalid", path=str(file), count=len(errors or problems),
                                 first=f"{first.location}: {first.message}"))
    fonts = dict(font_css=lambda html: font_face_css(html, kind="serif") + "\n" + font_face_css(html, kind="sans"))
    if out.suffix.lower() == ".pdf":  # the form's own A4 print stylesheet, through weasyprint as the report's PDF
        from report.writers.pdf import write_pdf

        write_pdf(render_form(q, **fonts), out)
        path = out
    else:
        path = write_form(q, out, **fonts)
    typer.echo(f"wrote the paper form ({_count(len(q.questions), 'question')}, {_count(q.n_items, 'item')}) to {path}")


@app.command()
def simulate(
    file: Annotated[Path, typer.Argument(help="Questionnaire YAML file.")],
    out: Annotated[Path, typer.Option("--out", help="Output CSV file (native layout), named *.csv; never the questionnaire itself.")],
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
    from survey.simulate import check_out, simulate as _simulate, write_csv

    check_out(file, out)
    q = load_questionnaire(file)
    from survey.limits import current

    cols = len(q.columns())
    current().check("simulate_cells", float(n) * cols, file=str(file),
                    what=f"cells --n {n:,} respondents of {cols:,} columns would make")
    frame = _simulate(q, n, seed, messy=messy, shift=shift, start=start)
    write_csv(frame, out)
    typer.echo(f"wrote {len(frame):,} rows × {frame.shape[1]} columns to {out}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Output folder for the project, data, charts and reports.")] = Path("demo_out"),
    format: Annotated[str, typer.Option("--format", help="Comma-separated formats: html,docx,pdf,xlsx.")] = "html,docx,pdf,xlsx",
) -> None:
    """Run the whole job on bundled material: questionnaire → simulated waves → import → checks → report.

    Validates the bundled civic questionnaire, simulates three quarterly waves (the last with
    realistic faults), imports them into a project (bad rows quarantined), flags speeders and
    duplicates, and writes the full report with charts comparing the last two waves, the
    evaluation scores (score.txt), the rectification ledger (ledger.xlsx) and the meeting brief.

    Example:

        survey demo --out demo_out
    """
    from report.demo import run_demo

    run_demo(out, formats=_formats(format), log=typer.echo)


WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a zip) and .xls (an OLE compound file)
XLSFORM_TEXT = (".csv", ".md")  # the text forms of an XLSForm pyxform also reads


def _refuse_wrong_direction(file: Path, want_workbook: bool) -> None:
    """One message when ``survey convert`` is given a file of the other direction (issue 3: ``--to yaml``
    reads an XLSForm workbook, ``--to xlsform`` a minyi questionnaire): a YAML file given to ``--to yaml``
    got pyxform's internal error, a workbook given to ``--to xlsform`` "cannot decode the text"."""
    from survey.errors import MinyiError

    try:
        with open(file, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return  # a missing or unreadable file: the reader below says so
    is_workbook = head.startswith(WORKBOOK_MAGIC)
    if is_workbook == want_workbook or not head or (want_workbook and file.suffix.lower() in XLSFORM_TEXT):
        return
    if want_workbook:
        raise MinyiError.of("convert-wrong-input", file=str(file), to="yaml", other="xlsform",
                            wanted="an XLSForm (.xlsx, .xls, or pyxform's .csv/.md)",
                            found="not one (a minyi questionnaire?)")
    raise MinyiError.of("convert-wrong-input", file=str(file), to="xlsform", other="yaml",
                        wanted="a minyi questionnaire (YAML)", found="an Excel workbook (an XLSForm?)")


OUT_SUFFIXES = {"yaml": (".yaml", ".yml"), "xlsform": (".xlsx",)}


def _refuse_bad_out(file: Path, out: Optional[Path], to: str, default: bool = False) -> None:
    """A usage error (exit 2), before anything is read or written, when ``--out`` is the input file (the audit:
    ``--to yaml --out form.xlsx`` wrote YAML over the user's XLSForm) or has the wrong extension for what is
    written (an XLSForm named .yaml, or .csv/.xls that pyxform then read as text and failed on).  ``default``:
    ``out`` is the file written without ``--out`` (FILE.xlsx next to the input), said so instead of "--out"."""
    from survey.errors import MinyiError

    if out is None or out.is_dir():  # a folder: the writer says "cannot write …: it is a folder"
        return
    if out.exists() and Path(file).exists() and out.resolve() == Path(file).resolve():
        if default:
            raise MinyiError.of("convert-default-out-is-input", out=str(out), example=f"{out.stem or 'out'}_form.xlsx")
        raise MinyiError.of("convert-out-is-input", out=str(out))
    want = OUT_SUFFIXES[to]
    if out.suffix.lower() not in want:
        raise MinyiError.of("convert-out-yaml" if to == "yaml" else "convert-out-xlsform", out=str(out),
                            example=f"{out.stem or 'out'}{want[0]}")


def _not_in_xlsform(q) -> str:
    """What of the questionnaire ODK/KoboToolbox do not use (issue 3 ``survey convert``, and "nothing is lost
    silently"): the indicators (with their targets) and the evaluation areas (with their weights), carried in the
    workbook's ``minyi`` sheet — ``""`` when it has neither."""
    parts = [f"{len(q.indicators)} indicator(s) with their targets" if q.indicators else "",
             f"{len(q.areas)} evaluation area(s) with their weights" if q.areas else ""]
    return " and ".join(p for p in parts if p)


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
    kind = to.strip().lower()
    if out is not None and kind in ("yaml", "yml", "minyi", "xlsform", "xlsx", "odk", "kobo"):
        _refuse_bad_out(file, out, "yaml" if kind in ("yaml", "yml", "minyi") else "xlsform")  # before reading
    if kind in ("yaml", "yml", "minyi"):
        from survey.xlsform import xlsform_to_yaml

        _refuse_wrong_direction(file, want_workbook=True)
        conv = xlsform_to_yaml(file)
        for w in conv.warnings:
            typer.echo(f"warning: {w}", err=True)
        if out is None:
            typer.echo(conv.yaml_text, nl=False)
        else:
            from survey.atomic import atomic_write_text  # issue 3: every file write through the one atomic writer

            atomic_write_text(out, conv.yaml_text)
            typer.echo(f"wrote {out} ({_count(conv.yaml_text.count(chr(10) + '  - id: '), 'question')})", err=True)
            if conv.mapping:
                import yaml as _yaml

                mp = out.with_name(out.stem + ".mapping.yaml")
                atomic_write_text(mp, "# choice names (XML values) of the XLSForm -> minyi option codes\n"
                                  + _yaml.safe_dump(conv.mapping, allow_unicode=True, sort_keys=False))
                typer.echo(f"wrote {mp}: import exports with XML values using --mapping {mp}", err=True)
    elif kind in ("xlsform", "xlsx", "odk", "kobo"):
        from survey.qload import load_questionnaire
        from survey.xlsform import write_checked

        _refuse_wrong_direction(file, want_workbook=False)
        q = load_questionnaire(file)
        target = out
        if target is None:  # --out was checked above, before reading; the default target here, where it always was
            target = file.with_suffix(".xlsx")
            _refuse_bad_out(file, target, "xlsform", default=True)
        notes, warnings = write_checked(q, target)
        for w in notes:
            typer.echo(f"warning: {w}", err=True)
        for w in warnings:
            typer.echo(f"pyxform warning: {w}", err=True)
        typer.echo(f"wrote {target}: XLSForm for '{q.title}' ({_count(len(q.questions), 'question')}); pyxform accepts it")
        kept = _not_in_xlsform(q)
        if kept:
            typer.echo(f"note: ODK/KoboToolbox field the questions, not the analysis plan: {kept} ride in the "
                       "workbook's minyi sheet (ODK and KoboToolbox ignore it), and --to yaml reads them back",
                       err=True)
        if q.scales:
            typer.echo(f"note: the shared scales ({', '.join(q.scales)}) are written out in each question that uses "
                       "them (same codes, scores and positive codes); --to yaml brings them back that way", err=True)
    else:
        choice(to, ("yaml", "xlsform"), "--to")


"""Commands on a project store: init, import, remove-import, status, quarantine, check, export."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from typing_extensions import Annotated

from ._app import app
from ._common import JsonOpt, QuietOpt, _echo_json, check_table_out, progress_shown, open_project


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
    file: Annotated[Path, typer.Argument(help="Response file: CSV/TSV (UTF-8 or GBK), XLSX, SAV, Parquet, 问卷星, Kobo.")],
    format: Annotated[str, typer.Option("--format", help=(
        "auto | csv | xlsx | sav | parquet | wjx | tencent | kobo | native. auto recognises the file from its content "
        "(not its extension) and prints which format it chose and why; csv/xlsx/sav/parquet insist on that kind of "
        "file (xlsx also "
        "reads .xls); wjx (问卷星), tencent (腾讯问卷), kobo (KoboToolbox/ODK) and native force that layout."))] = "auto",
    wave: Annotated[Optional[str], typer.Option("--wave", help="Wave name, e.g. 2026Q1 (default: 'default').")] = None,
    site: Annotated[Optional[str], typer.Option("--site", help="Fielding site for every row (when the file lacks it).")] = None,
    mapping: Annotated[Optional[Path], typer.Option("--mapping", help="YAML mapping: columns: {source: question id}, values: {qid: {value: code}}.")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Excel sheet (default: first).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Any problem fails the import (nothing stored).")] = False,
    hash_pii: Annotated[bool, typer.Option("--hash-pii", help="Store identifying columns as salted SHA-256 hashes.")] = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Import responses: bad rows are quarantined with reasons, never dropped; atomic and idempotent.

    Prints rows read / accepted / quarantined per reason.  The file's name and SHA-256 are recorded;
    importing the same file again adds nothing.  --strict stores nothing when any row has a problem.

    Example:

        survey import city2026 wjx_export.csv --wave 2026Q1
    """
    p = open_project(dir)
    mp = None
    if mapping is not None:  # UTF-8 or GBK; a syntax error, a tab or a column mapped twice at its line
        from survey.config_marks import read_yaml

        from survey.importers.mapping import MappingFile

        value, root = read_yaml(mapping, p.limits)
        mp = MappingFile(value, str(mapping), root) if isinstance(value, dict) else value
    from survey.progress import stage

    with progress_shown(json_out=json_out, quiet=quiet), stage(f"importing {file.name}"):
        summary = p.import_file(file, format=format, wave=wave, site=site, mapping=mp, sheet=sheet, strict=strict,
                                hash_pii=hash_pii)
    if json_out:
        _echo_json(summary.to_dict())
        return
    for line in summary.lines():
        typer.echo(line)


@app.command(name="remove-import")
def remove_import(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    import_id: Annotated[int, typer.Argument(help="Import number, as shown by survey status (import #N).", min=1)],
    json_out: JsonOpt = False,
) -> None:
    """Undo one import: its responses, quarantine records, identifying values and quality flags are removed.

    The wave's quality flags and item non-response, counted over the removed rows too, go with them and
    are computed again by the next check or analysis.  The removal is recorded in the project history
    (survey status); the same file can then be imported again.  Everything happens in one transaction.

    Example:

        survey remove-import city2026 3
    """
    res = open_project(dir).remove_import(import_id)
    if json_out:
        _echo_json(res)
        return
    if res.get("completed"):  # a removal killed before it rewrote minyi.yaml, completed by this run
        from survey.messages import problem
        from survey.project_files import CONFIG

        typer.echo(problem("import-removal-completed", file=str(dir), severity="note", id=res["import_id"],
                           source=res["file"], wave=res["wave"], at=res["removed_at"], config=str(Path(dir) / CONFIG)))
        return
    typer.echo(f"removed import #{res['import_id']} ({res['file']}, wave {res['wave']}): "
               f"{res['responses_removed']:,} responses and {res['quarantined_rows_removed']:,} quarantined rows"
               + ("" if res["wave_left"] else f"; wave {res['wave']} has no imports left"))


@app.command()
def status(dir: Annotated[Path, typer.Argument(help="Project folder.")], json_out: JsonOpt = False) -> None:
    """Waves, counts per wave/site/district, quarantined and excluded rows, and the last imports (with file hashes).

    Example:

        survey status city2026
    """
    st = open_project(dir).status()
    if json_out:
        _echo_json(st)
        return
    typer.echo(f"project {st['project']}: {st['questionnaire']}")
    if not st["waves"]:  # as survey check says: an empty project is named as such, not left as a bare title
        typer.echo(f"  no responses imported yet (survey import {dir} FILE)")
    for w in st["waves"]:
        typer.echo(f"  wave {w['wave']}: {w['responses']:,} responses, {w['quarantined_rows']:,} quarantined rows"
                   + (f", {w['excluded']:,} excluded by the quality rules" if w.get("excluded") is not None else
                      " (not checked yet: survey check)")
                   + (" (checked before the last import: run survey check again)" if w.get("checks_stale") else ""))
        if w.get("label") and w["label"] != w["wave"]:
            period = w.get("period") or [None, None]
            typer.echo(f"    label {w['label']}" + (f", fielded {period[0] or '…'} to {period[1] or '…'}"
                                                   if any(period) else ""))
        if w.get("exclusions"):
            typer.echo("    excluded: " + ", ".join(f"{k} {v:,}" for k, v in w["exclusions"].items()))
        for key in ("site", "district"):
            if key in w:
                typer.echo(f"    {key}: " + ", ".join(f"{k} {v:,}" for k, v in w[key].items()))
    for imp in st["last_imports"]:
        typer.echo(f"  import #{imp['id']} {imp['file']} ({_provenance(imp)}, "
                   f"wave {imp['wave']}) at {imp['imported_at']}: {imp['rows_read']:,} read, "
                   f"{imp['accepted']:,} accepted, {imp['quarantined']:,} quarantined")
    for h in st.get("removed", []):
        typer.echo(f"  removed import #{h['import_id']} {h['file']} (wave {h['wave']}) at {h['at']}: {h['detail']}")
    if st.get("not_in_store"):
        from survey.collect.dashboard import notes_lines
        from survey.labels import label

        typer.echo(f"  {label('serve_notes.title')} (survey serve):")
        for wave, notes in st["not_in_store"].items():
            for line in notes_lines(notes):
                typer.echo(f"    wave {wave}: {line}")


def _provenance(imp: dict) -> str:
    """What an import came from, as `survey status` lists it: a file's hash and format, or the web survey's
    merge batch (its key ``serve:<journal id>:<batch>``, survey.collect.merge), never "sha256 serve:…"."""
    key = str(imp.get("sha256") or "")
    if key.startswith("serve:"):
        return f"web survey, merge batch {key.rsplit(':', 1)[-1]}"
    return f"sha256 {key[:12]}…, {imp['format']}"


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
    project = open_project(dir)  # a folder that is no project is told first, before the data stack loads
    check_table_out(export)
    df = project.quarantine(wave)
    if export is not None:
        from survey.export import write_quarantine

        from survey.waves import wave_label

        lang = project.questionnaire.language
        write_quarantine(df, export, lang=lang,  # waves by their labels (本次调查), as readers see them
                         wave_labels={w: wave_label(project.config, w, lang) for w in df["wave"].unique()},
                         questionnaire=project.questionnaire)
        typer.echo(f"wrote {len(df):,} quarantine records to {export}")
    elif json_out:  # the record's fields; its message's params are the store's (they say it in Chinese in --export)
        _echo_json(df.drop(columns=["params"]).to_dict("records"))
    else:
        from survey.importers.base import source_unit
        from survey.labels import column_shown
        from survey.messages import visible

        for r in df.itertuples():  # an SPSS file's rows are its cases: "answers.sav, case 3"
            # the column as the file names it: column C “2、您的性别” (Q2) (survey.labels.column_shown)
            col = column_shown(r.column, r.header, r.sheet_column, lang="en") if r.column else "column -"
            typer.echo(visible(f"{r.source}, {source_unit(r.source)} {r.row}, {col}: {r.message}"))
        typer.echo(f"{len(df):,} record(s)")


@app.command()
def check(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    wave: Annotated[Optional[str], typer.Option("--wave", help="Only this wave.")] = None,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Data-quality checks: duplicate ids, identical answers, same IP, speeders, straight-lining, item non-response.

    Flags are stored in the project; the exclusion rules in minyi.yaml (exclusions: speeder: true, …)
    apply to every analysis, and the rows they remove are counted here and in the report.
    Speeders: completion time under speeder_fraction (minyi.yaml, default 1/3) of the median.
    Repeated ids: those two imports share with other answers (问卷星's 序号 restarts at 1 in every
    download, e.g. one per site) are distinct respondents, kept, and a note names the files.

    Example:

        survey check city2026 --wave 2026Q1
    """
    p = open_project(dir)
    from survey.quality import FLAG_NAMES
    from survey.store import named_by_rule

    with progress_shown(json_out=json_out, quiet=quiet):
        notes: list = []
        flags = p.check(wave, notes=notes)
    rules = p.exclusion_rules  # minyi.yaml's exclusions: over the defaults, as analysis applies them
    out = []
    for w in ([wave] if wave else p.waves()):
        fw = flags[flags["wave"] == w]
        codes = p.exclusion_codes(w)  # from the flags just stored; no responses read again
        excl = named_by_rule(codes)
        n_rows = p.n_responses(w)
        nr = p.nonresponse(w)
        out.append({"wave": w, "responses": n_rows, "analysed": n_rows - int(sum(excl.values())),
                    "flags": {k: int(v) for k, v in fw["kind"].value_counts().items()},
                    "exclusions": excl, "exclusion_codes": codes,
                    "nonresponse": [{"question": r.question, "asked": int(r.asked), "missing": int(r.missing),
                                     "rate": None if r.rate != r.rate else float(r.rate)} for r in nr.itertuples()],
                    "notes": [str(n) for n in notes if n.extra.get("wave") == w]})
    if json_out:
        _echo_json({"waves": out, "rules": {k: bool(v) for k, v in rules.items()}})
        return
    if not out:
        typer.echo(f"{dir}: no responses imported yet (survey import {dir} FILE)")
    for w in out:
        typer.echo(f"wave {w['wave']}: {w['responses']:,} responses")
        for n in w["notes"]:
            typer.echo(f"  note: {n}")
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
    format: Annotated[Optional[str], typer.Option("--format", help="csv | xlsx | sav | parquet (default: the one the --out extension names, else csv).")] = None,
    labels: Annotated[bool, typer.Option("--labels/--codes", help="Write option labels instead of codes.")] = False,
    wave: Annotated[Optional[str], typer.Option("--wave", help="Only this wave.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Output file (CSV to standard output when omitted).")] = None,
    include_pii: Annotated[bool, typer.Option("--include-pii", help="Also write identifying columns (IP, phone…).")] = False,
    keep_excluded: Annotated[bool, typer.Option("--keep-excluded", help="Write instead the rows the exclusion rules drop, with one 0/1 column flag_<kind> per quality flag, to review them in SPSS/Excel.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Write the cleaned responses (quarantined rows left out, exclusion rules applied) in minyi's native layout.

    Columns: <id>, <id>_<row id> for matrix rows, <id>_<code> (0/1) per multiple-choice option — what
    survey import reads back without a mapping.  CSV goes to standard output without --out.  SPSS
    .sav files carry value and variable labels.  Text cells starting with = + - @ are prefixed with '
    in CSV/XLSX so spreadsheets do not run them; identifying columns (IP, phone, name, ID card) are
    left out unless --include-pii.  What an Excel sheet or an SPSS string cannot hold (over 1,048,575
    rows, a text over 32,767 characters / bytes) is refused, naming the cells; CSV and Parquet hold all.
    SPSS labels longer than a .sav holds are shortened, ending in …, and named in a note.

    Example:

        survey export city2026 --format sav --wave 2026Q1 --out clean.sav
    """
    from survey.export import export_project

    notes: list = []
    with progress_shown(quiet=quiet):
        text = export_project(open_project(dir), format=format, labels=labels, wave=wave, out=out,
                              include_pii=include_pii, keep_excluded=keep_excluded, notes=notes)
    if text is not None:
        typer.echo(text, nl=False)
    else:
        typer.echo(f"wrote {out}", err=True)
    for n in notes:
        typer.echo(f"note: {n}", err=True)


"""survey trend, score, ledger, brief: from findings to fixes across waves."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

from ._app import app
from ._common import (ConfOpt, JsonOpt, NaOpt, QuietOpt, _echo_json, check_lang, open_project, option_problem,
                      progress_shown, unknown_groupings, wave_id)


def _names(values: Optional[List[str]]) -> Optional[list]:
    """Repeatable and comma-separated option values as one list (None when not given)."""
    if values is None:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _open_tracked(dir: Path):
    """The project (:func:`open_project`), after warning once on stderr when its waves' order is ambiguous:
    undated waves imported in another order than their names sort in (catalogue ``wave-order-undated``;
    the order rule is :func:`survey.waves.order_waves`)."""
    from survey.project_files import CONFIG
    from survey.waves import undated_order_warning

    project = open_project(dir)
    w = undated_order_warning(project.waves(), project.config, str(project.root / CONFIG))
    if w is not None:
        typer.echo(str(w), err=True)
    return project


@app.command()
def trend(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    indicators: Annotated[Optional[List[str]], typer.Option(
        "--indicators", help="Indicators to follow (repeatable or comma-separated): indicator ids, area ids, "
                             "'composite'. Default: all.")] = None,
    by: Annotated[Optional[str], typer.Option(
        "--by", help="Also per group: district, site or a question id (adds a group × wave heat table each).")] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Write the charts (small multiples per area, heat maps; PNG and SVG) and trend.xlsx here.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Chart and table language: zh (default) or en.")] = "zh",
    na: NaOpt = None,
    confidence: ConfOpt = 0.95,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    more: Annotated[Optional[List[str]], typer.Argument(
        help="More indicators after --indicators (so that --indicators sat_env sat_traffic works too).",
        show_default=False, metavar="INDICATOR")] = None,
) -> None:
    """Every indicator across all waves: CI per wave, change against the previous and the first wave, trend test.

    Each wave is analysed as `survey analyze` does; changes are independent-sample differences
    (Student t, Welch–Satterthwaite df) and the linear trend is a weighted least-squares fit of
    the wave estimates on the wave number (weights 1/se²), tested with t (Welch–Satterthwaite df).
    Waves are shown by their labels (minyi.yaml waves:) in date order.  --by district adds every
    series per district and a district × wave heat table; without it the heat table is the
    composite index by district.  JSON fields: docs/trend.md.

    Example:

        survey trend city2026 --indicators sat_env,support --by district --out trend_out

        survey trend city2026 --json
    """
    from report.pipeline import grouping_choices
    from report.trend import project_trend, trend_lines

    check_lang(lang)
    if more and not indicators:  # `survey trend DIR sat_env`: a name with no option is not taken as one
        option_problem("trend-unexpected-arguments", "INDICATOR", args=" ".join(more))
    if indicators is not None and not _names(indicators + (more or [])):
        from ._common import names_nothing

        names_nothing("indicators-name-nothing", "--indicators", indicators)
    project = _open_tracked(dir)
    if by is not None:
        unknown_groupings([by], grouping_choices(project.questionnaire))
    written = []
    with progress_shown(json_out=json_out, quiet=quiet):
        res = project_trend(project, indicators=_names((indicators or []) + (more or []) or None), by=by,
                            confidence=confidence,
                            na_policy=na.strip().lower() if na else None, lang=lang)
        if out is not None:
            from report.tracking_xlsx import write_trend_xlsx
            from report.trend_charts import trend_charts

            out.mkdir(parents=True, exist_ok=True)
            charts = trend_charts(res, out / "charts", lang=lang)
            write_trend_xlsx(res, out / "trend.xlsx", lang=lang)
            written = [str(out / "trend.xlsx")] + [str(c.png_path) for c in charts]
    if json_out:
        d = res.to_dict()
        if written:
            d["files"] = written
        _echo_json(d)
        return
    for line in trend_lines(res, lang):
        typer.echo(line)
    for f in written:
        typer.echo(f"wrote {f}")


@app.command()
def score(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    framework: Annotated[Path, typer.Option(
        "--framework", help="Evaluation framework (YAML: aspects → indicators → items with weights and sources).")],
    external: Annotated[Optional[Path], typer.Option(
        "--external", help="Spreadsheet (XLSX/CSV) of external scores: one row per district (and wave), "
                           "one column per external item.")] = None,
    wave: Annotated[Optional[str], typer.Option("--wave", help="Wave to score: its id or label (default: the latest).")] = None,
    na: NaOpt = None,
    confidence: ConfOpt = 0.95,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Weighted evaluation scores (测评) per district and for the city, per aspect and overall, with a league table.

    Every node's score is the weighted mean of its children (weights normalised among siblings, 0–100).
    The survey part of a score is a linear combination of domain estimates: its SE and CI use their
    covariance (as R svycontrast); external scores (field inspection, document review) carry no
    sampling error.  Districts are ranked with CI-aware rank ranges.  A missing external score or a
    survey item without respondents leaves that district's aspect and overall score empty and is
    listed — never counted as zero.  File formats: docs/score-framework.md.

    Example:

        survey score city2026 --framework framework.yaml --external scores.xlsx --wave 2026Q3

        survey score city2026 --framework framework.yaml --json
    """
    from report.score import project_scores

    project = _open_tracked(dir)
    with progress_shown(json_out=json_out, quiet=quiet):
        res = project_scores(project, framework, external=external, wave=wave_id(project, wave), confidence=confidence,
                             na_policy=na.strip().lower() if na else None)
    if json_out:
        _echo_json(res.to_dict())
        return
    for line in res.lines():
        typer.echo(line)


@app.command()
def ledger(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    wave: Annotated[Optional[str], typer.Option(
        "--wave", help="Wave whose data propose items and verify earlier ones: its id or label (default: the latest).")] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Write the ledger spreadsheet here (.xlsx; a file holding edits not yet stored is not overwritten).")] = None,
    update: Annotated[Optional[Path], typer.Option(
        "--update", help="Store the analysts' edits of a ledger spreadsheet (unit, deadline, status, measures, note).")] = None,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """The rectification ledger (整改台账): items proposed from the data, verified on the next wave.

    --wave W proposes an item for every indicator below target (未达标), significant decline since the
    previous wave, hot issue above the share threshold (ledger: hot_issue_share, default 30%) and
    district significantly below the city (declines and district gaps Holm-adjusted), each with its
    evidence (estimate, CI, n, target), responsible unit (owner:) and default deadline; items raised in
    earlier waves are verified on W (显著改善 / 无显著变化 / 显著恶化; fixed in the data → 已验证).  The
    store keeps every item, verification and edit.  --update stores the yellow cells the analysts changed
    in an edited spreadsheet after checking every cell (unknown ids, statuses, dates, rows that do not
    match their item, edits to fields the store changed since the file was written → errors naming the
    cell).  A wave earlier than one the ledger holds is refused.
    Columns: docs/ledger.md.

    Example:

        survey ledger city2026 --wave 2026Q3 --out ledger.xlsx

        survey ledger city2026 --update ledger.xlsx
    """
    from report.ledger import check_ledger_out, project_ledger, update_ledger, write_ledger
    from survey.ledger import LedgerStore

    if out is not None and out.suffix.lower() != ".xlsx":  # a wrong command line: usage error (2), as trend/score
        option_problem("ledger-out-suffix", "--out", path=str(out))
    project = _open_tracked(dir)
    if update is not None:
        if wave is not None:
            option_problem("ledger-update-and-wave", "--wave")
        if out is not None:
            check_ledger_out(project, out, LedgerStore(project).items(), update=update)
        summary = update_ledger(project, update)
        if out is not None:
            write_ledger(project, LedgerStore(project).items(), out)
            summary["written"] = str(out)
        for w in summary["warnings"]:
            typer.echo(w, err=True)
        if json_out:
            _echo_json(summary)
            return
        typer.echo(f"{summary['file']}: {summary['rows']} item(s) read, {summary['fields_changed']} field(s) changed "
                   "(history kept in the project store)")
        for m in summary["merged"]:
            typer.echo(f"  merged cells {m}: the value applied to every row they span")
        if out is not None:
            typer.echo(f"wrote {out}")
        return
    with progress_shown(json_out=json_out, quiet=quiet):
        run = project_ledger(project, wave_id(project, wave), out=out)
    if json_out:
        _echo_json(run.to_dict())
        return
    for line in run.lines():
        typer.echo(line)


@app.command()
def brief(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    wave: Annotated[Optional[str], typer.Option("--wave", help="Wave the brief is about: its id or label (default: the latest).")] = None,
    format: Annotated[Optional[str], typer.Option(
        "--format", help="Comma-separated: html,docx,pdf. Without it the brief is printed as text, or written "
                         "in every format when --out is given.")] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Folder for brief_<wave>.html/.docx/.pdf (default: the current folder).")] = None,
    org: Annotated[Optional[str], typer.Option("--org", help="Issuing office on the masthead (default: org: in minyi.yaml, else 市文明办).")] = None,
    quiet: QuietOpt = False,
) -> None:
    """The brief for the weekly/monthly meeting (工作简报): one or two pages in 公文 style.

    Five parts: 总体情况 (every indicator against its target with the verdict), 主要变化 (what
    changed significantly since the previous wave), 突出问题及责任单位 (the five most pressing
    problems, ranked by relative shortfall, with the responsible units), 后进区县 (districts
    significantly below the city) and 整改台账 (open ledger items overdue or due within 14 days).
    Contents and format: docs/brief.md.

    Example:

        survey brief city2026 --wave 2026Q3 --format html,docx,pdf --out briefs

        survey brief city2026 --wave 2026Q3
    """
    from report.brief import brief_lines, build_brief
    from report.brief_render import BRIEF_FORMATS

    # --out alone asks for files: every format, rather than the text on screen with --out silently ignored
    # --format "" (an unset shell variable) names no format: refused, not taken for "every format"
    formats = [f.strip().lower() for f in format.split(",") if f.strip()] if format is not None else list(BRIEF_FORMATS)
    bad = [f for f in formats if f not in BRIEF_FORMATS]
    if bad or (format is not None and not formats):  # a wrong command line: usage error (2), as trend/score
        option_problem("unknown-brief-format", "--format", format="', '".join(bad) or format,
                       choices=", ".join(BRIEF_FORMATS))
    project = _open_tracked(dir)
    with progress_shown(quiet=quiet):
        b = build_brief(project, wave_id(project, wave), org=org)
    if not format and out is None:
        for line in brief_lines(b):
            typer.echo(line)
        return
    from report.brief_render import write_brief

    paths = write_brief(b, out or Path("."), formats)
    for f, p in paths.items():
        typer.echo(f"{f:5s} {p}")

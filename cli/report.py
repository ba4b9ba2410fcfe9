"""survey report: the analytical report of a project wave."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from typing_extensions import Annotated

from ._app import app
from ._common import (NaOpt, QuietOpt, _formats, check_lang, check_na, option_problem, progress_shown, open_project,
                      unknown_groupings, wave_id)


@app.command()
def report(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    wave: Annotated[Optional[str], typer.Option("--wave", help="Wave to report: its id or label (default: the latest).")] = None,
    compare: Annotated[Optional[str], typer.Option("--compare", help="Earlier wave to compare with: its id or label.")] = None,
    by: Annotated[Optional[str], typer.Option(
        "--by", help="Comma-separated groupings: site, district or a question id. Default: site,district "
                     "(those the questionnaire has).")] = None,
    format: Annotated[str, typer.Option("--format", help="Comma-separated: html,docx,pdf,xlsx.")] = "html,docx,pdf,xlsx",
    template: Annotated[Optional[Path], typer.Option(
        "--template", exists=True, file_okay=False,
        help="Folder with your own report.html.j2 (every language) or report_zh.html.j2 / report_en.html.j2 "
             "(one language); start from a copy of minyi's report_templates/report.html.j2 "
             "(variables: docs/report-data.md).")] = None,
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
    style: Annotated[str, typer.Option(
        "--style", help="Word layout: gbt9704 (Chinese official documents, GB/T 9704-2012: A4, 仿宋_GB2312 body, "
                        "黑体/楷体 headings, “— 1 —” page numbers) or plain (the earlier look).")] = "gbt9704",
    draft: Annotated[bool, typer.Option(
        "--draft", help="A draft for the analyst: a box after the recommendations (重点与对策建议) is left for "
                        "their own judgement and measures. The default report is the one handed on as it is.")] = False,
    quiet: QuietOpt = False,
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

        survey report city2026 --by site --na unsatisfied --small-base 50 --min-cell 20 --lang en --format html

        survey report city2026 --draft --format docx --out draft_2026Q3
    """
    from ._common import heavy_imports

    with heavy_imports():
        from report.pipeline import grouping_choices
        from report.project import report_project
    check_lang(lang)
    from report.writers.docx_style import STYLES

    if style not in STYLES:
        option_problem("unknown-style", "--style", style=style, choices=", ".join(STYLES))
    check_na(na)
    project = open_project(dir)
    wave, compare = wave_id(project, wave), wave_id(project, compare)  # ids or labels, as trend and brief take
    _check_compare(project, wave, compare)
    names = None
    if by is not None:
        names = [b.strip() for b in by.split(",") if b.strip()]
        if not names:
            from ._common import names_nothing

            names_nothing("by-names-nothing", "--by", [by])
        unknown_groupings(names, grouping_choices(project.questionnaire))
    with progress_shown(quiet=quiet):
        res = report_project(project, out, wave=wave, compare_wave=compare, by=names, formats=_formats(format),
                             template_dir=template, lang=lang, small_base=small_base, min_cell=min_cell, org=org, style=style,
                             na_policy=na.strip().lower() if na is not None else None, draft=draft)
    for fmt, p in res["paths"].items():
        typer.echo(f"{fmt:5s} {p}")


def _check_compare(project, wave: Optional[str], compare: Optional[str]) -> None:
    """--compare names a wave before the reported one: ``--compare ""`` silently reported no comparison, the
    reported wave itself made every change 0, and a later wave presented it as the earlier one (changes with the
    wrong sign).  Said before any work; an unknown --wave is said by the report itself."""
    if compare is None:
        return
    from survey.errors import MinyiError
    from survey.messages import did_you_mean

    waves = project.waves()
    if compare not in waves:
        raise MinyiError.of("unknown-wave", file=str(project.root), wave=compare,
                            suggestion=did_you_mean(compare, waves) or f"waves: {', '.join(waves)}")
    shown = waves[-1] if wave is None else wave
    if shown not in waves:
        return
    if compare == shown:
        option_problem("report-compare-same-wave", "--compare", wave=compare, waves=", ".join(waves))
    elif waves.index(compare) > waves.index(shown):
        option_problem("report-compare-later-wave", "--compare", compare=compare, wave=shown, waves=", ".join(waves))

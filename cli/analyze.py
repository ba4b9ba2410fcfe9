"""survey analyze: every indicator of a project wave."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

from ._app import app
from ._common import (ConfOpt, DfOpt, JsonOpt, NaOpt, QuietOpt, _echo_json, check_na, choice, option_problem, parse_df,
                      progress_shown, unknown_groupings)


@app.command()
def analyze(
    dir: Annotated[str, typer.Argument(
        help="Project folder, or a folder of Parquet files (with questionnaire.yaml): a path, or for --engine spark "
             "a URL such as hdfs:///surveys/2026 or s3a://bucket/surveys.", metavar="DATA")],
    wave: Annotated[Optional[str], typer.Option("--wave", help="Wave (default: the latest).")] = None,
    by: Annotated[Optional[List[str]], typer.Option(
        "--by", help="Grouping (repeatable or comma-separated): site, district or a question id. Default: site,district.")] = None,
    na: NaOpt = None,
    ci: Annotated[Optional[str], typer.Option(
        "--ci", help="Interval method for rates: wald, logit, clopper-pearson, wilson, jeffreys, agresti-coull, "
                     "asin (default: the project's ci_method, logit; likelihood is survey estimate's only).")] = None,
    confidence: ConfOpt = 0.95,
    df: DfOpt = None,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    engine: Annotated[str, typer.Option(
        "--engine", help="memory (default: the whole analysis in this process), duckdb (sufficient statistics in "
                         "DuckDB, out of core) or spark (Apache Spark: local, or a cluster via spark-submit); "
                         "see docs/scale.md.")] = "memory",
    questionnaire: Annotated[Optional[Path], typer.Option(
        "--questionnaire", help="Questionnaire of a Parquet folder (default: questionnaire.yaml in the folder).")] = None,
) -> None:
    """Every indicator of the questionnaire, overall and by group, with CIs and target verdicts.

    知晓率, 支持率, 参与率, 满意率 (top-two-box) and 满意度指数 per item, indicator and area, the
    composite index (area weights), multiple-choice hot issues, the ranking question and
    importance–performance, each with its base n and the share of 不了解/说不清 answers.
    The JSON (--json) is what the report consumes; its fields are documented in docs/analyze-json.md.

    DATA may also be a folder of Parquet files in the native layout (questionnaire.yaml beside them,
    optional minyi.yaml with design keys), checked first: a damaged file, or an answer that is not an
    option, is an error naming file, row and column. --engine duckdb|spark computes the sufficient statistics
    where the data live and finishes the estimates here (docs/scale.md): indicators, items, areas and
    the composite equal the in-memory engine's; hot issues, ranking, open answers and IPA are the
    in-memory engine's only.

    Example:

        survey analyze city2026 --wave 2026Q1 --by site --by district --na excluded --json

        survey analyze province_parquet/ --engine duckdb --by district --json
    """
    names = None if by is None else [b.strip() for item in by for b in item.split(",") if b.strip()]
    if by is not None and not names:
        from ._common import names_nothing

        names_nothing("by-names-nothing", "--by", by)
    from engines import is_url

    if is_url(dir):  # a folder on a cluster's file system: Spark reads it (and its questionnaire)
        if engine != "spark":
            option_problem("engine-url-not-spark", "--engine", data=str(dir))
        _check_options(engine, na, ci)
        with progress_shown(json_out=json_out, quiet=quiet):
            res = _on_engine(dir, engine, questionnaire, names, wave=wave, na=na, ci=ci, confidence=confidence, df=df)
        _show(res, json_out)
        return
    dir = Path(dir)
    res = _cached(dir, engine, questionnaire, wave=wave, by=names, na_policy=na, ci_method=ci, confidence=confidence,
                  df=parse_df(df))
    if res is not None:  # an unchanged project: its stored result, before anything heavy is loaded
        _show(res, json_out)
        return
    from report.segmenter import ahead

    with ahead(engine == "memory"):  # jieba's dictionary loads in a worker while this process imports
        res = _computed(dir, engine, questionnaire, names, wave=wave, na=na, ci=ci, confidence=confidence, df=df,
                        json_out=json_out, quiet=quiet)
    _show(res, json_out)


def _computed(dir: Path, engine: str, questionnaire: Optional[Path], names, *, wave, na, ci, confidence, df,
              json_out: bool, quiet: bool) -> dict:
    """The analysis of a project or a local Parquet folder on ``engine`` (the options checked first)."""
    from ._common import heavy_imports

    with heavy_imports():
        from report.pipeline import grouping_choices
        from report.project import analyze_project

        from engines.analyze import load_source
    _check_options(engine, na, ci)
    q, _, project = load_source(dir, questionnaire, check=False)  # checked by the engine that reads it
    if project is not None:
        from ._common import warn_coding_changes

        warn_coding_changes(project)  # as every project command (cli._common.open_project)
    unknown_groupings(names, grouping_choices(q))
    with progress_shown(json_out=json_out, quiet=quiet):
        if engine != "memory":
            return _on_engine(dir, engine, questionnaire, names, wave=wave, na=na, ci=ci, confidence=confidence, df=df)
        if project is None:
            from engines.analyze import analyze_parquet_in_memory

            return analyze_parquet_in_memory(dir, q, by=names, na_policy=na, ci_method=ci, confidence=confidence,
                                             df=parse_df(df), wave=wave)
        return analyze_project(project, wave=wave, by=names, na_policy=na, ci_method=ci, confidence=confidence,
                               df=parse_df(df), looked_up=questionnaire is None)  # as _cached did


def _check_options(engine: str, na: Optional[str], ci: Optional[str]) -> None:
    """--engine, --na and --ci, checked before any data is read (or a Spark session started)."""
    from engines import ENGINES

    choice(engine, ENGINES, "--engine")
    check_na(na)
    if ci is not None:
        from analysis.ci import GROUP_CI_METHODS as CI_METHODS

        if ci not in CI_METHODS:
            option_problem("design-ci-method-choice", "--ci", value=ci, choices=", ".join(CI_METHODS))


def _on_engine(data, engine: str, questionnaire: Optional[Path], names, *, wave, na, ci, confidence, df) -> dict:
    """The analysis of ``data`` (a local folder or a URL) on a SQL engine (duckdb, spark): engines.analyze."""
    from engines.analyze import analyze_data

    return analyze_data(data, engine=engine, wave=wave, by=names, na_policy=na, ci_method=ci, confidence=confidence,
                        df=parse_df(df), questionnaire=questionnaire)


def _cached(dir: Path, engine: str, questionnaire: Optional[Path], *, wave, by, na_policy, ci_method, confidence,
            df) -> Optional[dict]:
    """The project's stored result for these options (survey.cache), or None; NumPy, pandas and the
    questionnaire model are not loaded for it."""
    if engine != "memory" or questionnaire is not None:
        return None
    from survey.cache import analysis_options, cached_analysis

    return cached_analysis(dir, analysis_options(wave, by, na_policy, ci_method, confidence, df))


def _show(res: dict, json_out: bool) -> None:
    if json_out:
        _echo_json(res)
        return
    meta = res["meta"]
    files = meta.get("files")  # a Parquet folder (no waves): how many files were pooled
    where = (f"wave {meta['wave']}" if meta.get("wave") else
             f"data ({len(files)} Parquet file{'s' if len(files) != 1 else ''})" if files else "data")
    typer.echo(f"{where}: n={res['sample']['n']:,}; 不了解/说不清 "
               f"{'excluded from the base' if meta['na_policy'] == 'exclude' else 'counted as not satisfied'}; "
               f"{meta['confidence']:.0%} CI ({meta['ci_method']})")
    q = res["sample"].get("quality") or {}
    if q.get("quarantined") or q.get("excluded"):  # why n is smaller than the rows imported (survey check)
        rules = ", ".join(f"{k} {v:,}" for k, v in (q.get("exclusions") or {}).items() if v)
        typer.echo(f"rows: {q.get('rows_read', 0):,} read, {q.get('quarantined', 0):,} quarantined, "
                   f"{q.get('excluded', 0):,} left out by the quality rules" + (f" ({rules})" if rules else "")
                   + " — survey check lists them")
    if meta["design"].get("weighting"):
        typer.echo(f"design: {meta['design']['description_en']}")
    for ind in res["indicators"]:
        for m in ("rate", "index"):
            st = ind.get(m)
            if not st or st.get("estimate") is None:
                continue
            f = ((lambda x: "NA" if x is None else f"{100 * x:.1f}%") if m == "rate"
                 else (lambda x: "NA" if x is None else f"{x:.1f}"))  # no interval (a single answer): NA
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


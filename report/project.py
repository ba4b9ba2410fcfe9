"""Analyses and reports for a survey project (the store → pipeline → render bridge).

The statistics (analysis, scipy) load only when a result is computed: a result found in the
project's cache (:mod:`survey.cache`) is returned without them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Optional, Sequence

from survey import cache as cache_mod
from survey.design_columns import check_design_columns
from survey.errors import MinyiError
from survey.progress import stage
from survey.store import Project, column_types


def analyze_project(project: Project, *, wave: Optional[str] = None, by: Optional[Sequence[str]] = None,
                    na_policy: Optional[str] = None, ci_method: Optional[str] = None, confidence: float = 0.95,
                    df: Optional[float] = None, cache: bool = True, lang: Optional[str] = None,
                    looked_up: bool = False) -> dict:
    """All indicators of one wave (default: the latest), exclusions applied, with quality figures.

    ``lang`` (``en``): names and labels from the questionnaire's translations (``<field>_en``,
    :func:`survey.translation.localized`); None or the questionnaire's language: as written.

    ``na_policy`` and ``ci_method`` default to the project's ``minyi.yaml`` keys ``na_policy``
    (``exclude`` — the default — or ``unsatisfied``/``count_negative``) and ``ci_method``
    (default ``logit``).  ``by=None``: site and district, those the questionnaire has; unknown
    ``by`` names raise one error listing the choices.  The config's ``margins`` (see
    :mod:`report.margins`) add population shares to the sample composition.

    ``cache``: look the result up in, and store it to, the project's cache of derived results
    (:mod:`survey.cache`, keyed by the wave's imports and checks, the project files, these options
    and the code), so an unchanged project is not read and checked again; the result is then the
    one ``--json`` writes (NaN as None) whether it was computed or found.  ``looked_up``: the caller
    looked it up already (``survey analyze`` does, before loading anything heavy); only stored.
    """
    given = _options_key(wave, by, na_policy, ci_method, confidence, df, lang, project)
    if cache and not looked_up:
        hit = cached_analysis(project, wave=wave, by=by, na_policy=na_policy, ci_method=ci_method,
                              confidence=confidence, df=df, lang=lang)
        if hit is not None:
            return hit
    states: list = []  # the wave's state for the key, read once its checks are stored (on the database still open)
    res = _analyze_checked(project, wave=wave, by=by, na_policy=na_policy, ci_method=ci_method,
                           confidence=confidence, df=df, lang=lang,
                           on_read=(lambda w: states.append(cache_mod.wave_state(project, w))) if cache else None)
    if not cache:
        return res
    text = cache_mod.encoded(res)
    res = json.loads(text)  # as the cache returns it (NaN as None)
    if states and states[0] is not None:
        cache_mod.store(project.root, "analyze", cache_mod.make_key({**states[0], "options": given}), res, text=text)
    return res


def cached_analysis(project: Project, *, wave: Optional[str] = None, by: Optional[Sequence[str]] = None,
                    na_policy: Optional[str] = None, ci_method: Optional[str] = None, confidence: float = 0.95,
                    df: Optional[float] = None, lang: Optional[str] = None) -> Optional[dict]:
    """The result :func:`analyze_project` stored for these options (:func:`survey.cache.cached_analysis`),
    or None.  Nothing is validated or computed here, and the statistics modules are not loaded."""
    return cache_mod.cached_analysis(project.root, _options_key(wave, by, na_policy, ci_method, confidence, df,
                                                                lang, project))


def _options_key(wave, by, na_policy, ci_method, confidence, df, lang, project: Project) -> dict:
    """The options part of the cache key (the language only when it is not the questionnaire's own)."""
    return cache_mod.analysis_options(wave, by, na_policy, ci_method, confidence, df,
                                      lang if lang and lang != project.questionnaire.language else None)


def report_questionnaire(project: Project, lang: Optional[str] = None):
    """The project's questionnaire in ``lang`` (its translations; as written when None or its own language)."""
    from survey.translation import localized

    q = project.questionnaire
    return q if not lang or lang == q.language else localized(q, lang)


def _analyze_checked(project: Project, *, wave, by, na_policy, ci_method, confidence, df, lang=None,
                     on_read: Optional[Callable[[str], None]] = None) -> dict:
    from analysis.ci import check_method
    from analysis.design import DesignError
    from analysis.indicators import normalize_na_policy

    from .pipeline import default_groupings, resolve_grouping

    q = project.questionnaire
    by = default_groupings(q) if by is None else list(by)
    for b in by:
        resolve_grouping(q, b)
    cfg = project.config
    from survey.project_files import setting

    na = na_policy if na_policy is not None else setting(cfg, "na_policy", "exclude")
    ci = ci_method if ci_method is not None else setting(cfg, "ci_method", "logit")
    for given, key, check in ((na_policy, "na_policy", normalize_na_policy),
                              (ci_method, "ci_method", lambda m: check_method(m, groups=True))):
        try:
            check(na if key == "na_policy" else ci)
        except DesignError as e:
            from survey.design_messages import design_problem, setting_problem

            if given is not None:  # the option's value: a wrong command line (survey/design_messages.py)
                raise design_problem(e) from None
            # minyi.yaml's value: named with its line (survey.config_marks.locate)
            raise setting_problem(e, key, project.config_file) from None
    waves = project.waves()
    if not waves:
        raise MinyiError.of("no-responses-yet", file=str(project.root))
    wave = waves[-1] if wave is None else wave  # --wave "" (an unset shell variable) is no wave, not the latest
    if wave not in waves:
        from survey.messages import did_you_mean

        raise MinyiError.of("unknown-wave", file=str(project.root), wave=wave,
                            suggestion=did_you_mean(wave, waves) or f"waves: {', '.join(waves)}")
    return _analyze_wave(project, wave, by, na, ci, confidence, df, lang, on_read)


def _analyze_wave(project: Project, wave: str, by: list, na: str, ci: str, confidence: float,
                  df: Optional[float], lang: Optional[str] = None,
                  on_read: Optional[Callable[[str], None]] = None) -> dict:
    """The analysis of ``wave``; ``on_read(wave)`` is called once its responses are read and checked, while
    the database they were read from is still open."""
    from analysis.weighting import WeightingError
    from survey.owners import responsible_units

    from .pipeline import analysis_columns, analyze, preload_segmenter, raw_code_columns
    from .themes import theme_dictionary

    q = report_questionnaire(project, lang)
    preload_segmenter(q)  # while the responses are read
    cfg = project.config
    design = {k: v for k, v in (cfg.get("design") or {}).items() if v}
    stored = {c for c, _ in column_types(q)}
    check_design_columns(design, stored, config=project.config_file, source="the responses",
                         fallback="name a question or column of the questionnaire")
    cols = [c for c in analysis_columns(q, by, design, stored) if c in stored]
    with project.kept_open():  # the read, the checks and the quality summary on one open database
        data, _ = project.responses(wave, columns=cols, codes_float32=True, raw_codes=raw_code_columns(q, design))
        if data.empty:
            raise MinyiError.of("wave-no-usable-responses", file=str(project.root), wave=wave)
        quality = project.quality_summary(wave)
        if on_read is not None:
            on_read(wave)
    _, population, method, total = design_inputs(project)
    if q is not project.questionnaire:  # margins name the categories as written: relabel them like the questionnaire
        population = _relabel_population(population, project.questionnaire, q)
    try:
        with stage(f"analysing wave {wave} ({len(data):,} responses)"):
            user = cfg.get("themes")
            themes = theme_dictionary(q.id, project.root / str(user), lang=q.language) if user else None
            res = analyze(q, data, by=by, design=design, wave=wave, na_policy=na, ci_method=ci, confidence=confidence,
                          df=df, quality=quality, population=population, weighting=method, population_total=total,
                          themes=themes, consume=True)
            res["meta"]["owners"] = responsible_units(q, cfg, project.config_file)
            return res
    except WeightingError as e:
        raise weighting_problem(project, e, wave, q) from None


def weighting_problem(project: Project, e, wave: str, q=None):
    """The :class:`~survey.errors.MinyiError` saying ``e``, a WeightingError of weighting ``wave`` to the margins of
    minyi.yaml (:func:`report.pipeline.weight_design`), at the margins file of its variable (else minyi.yaml), in
    the entry of its kind (weight-project-…).  Those kinds are the ones the margins of minyi.yaml can meet: the
    margins files were read and checked (report.margins: their categories are options, their shares add up to 1,
    the method is rake or poststratify), so what is left is the wave's responses against them.  The other kinds
    are arguments minyi passes itself: ``e`` itself is returned, a bug said in the library's words.  ``q``: the
    questionnaire weighted with (the report's language), whose dimension ``e.variable`` names."""
    from analysis.weighting import said_categories

    from .pipeline import composition_questions

    margins = project.config.get("margins") or {}
    rel = margins.get(e.variable) if e.variable in margins else None
    if rel is None:  # keyed by question id in minyi.yaml
        rel = next((v for k, v in margins.items()
                    if k == composition_questions(q or project.questionnaire).get(e.variable)), None)
    where = str(project.root / rel) if rel else project.config_file
    p = e.params
    if e.kind == "missing-variable":
        return MinyiError.of("weight-project-no-column", file=where, wave=wave, qid=p.get("column", e.variable),
                             dimension=p.get("dimension", e.variable))
    if e.kind == "missing-values":
        return MinyiError.of("weight-project-missing-values", file=where, wave=wave, variable=p["variable"],
                             rows=p["rows"])
    if e.kind in ("not-in-sample", "not-in-margin"):
        absent = said_categories(p["absent"], p["absent_rows"], zero_weight=True)
        extra = said_categories(p["not_in_margin"], p["not_in_margin_rows"])
        if p["absent"] and p["not_in_margin"]:
            return MinyiError.of("weight-project-categories-mismatch", file=where, wave=wave, variable=p["variable"],
                                 absent=absent, not_in_margin=extra)
        if p["absent"]:
            return MinyiError.of("weight-project-not-in-sample", file=where, wave=wave, variable=p["variable"],
                                 absent=absent)
        return MinyiError.of("weight-project-not-in-margin", file=where, wave=wave, variable=p["variable"],
                             not_in_margin=extra)
    if e.kind == "zero-population":
        return MinyiError.of("weight-project-zero-population", file=where, wave=wave, variable=p["variable"],
                             categories=p["categories"])
    if e.kind == "poststratify-margins":
        return MinyiError.of("weight-project-poststratify-margins", file=where, wave=wave, count=p["count"])
    return e


def _relabel_population(population: dict, original, translated) -> dict:
    """Population shares keyed by the original option labels, re-keyed by the translated labels (same codes)."""
    from .pipeline import composition_questions

    dims = composition_questions(original)
    out = {}
    for dim, shares in population.items():
        qo, qt = original.get(dims.get(dim, dim)), translated.get(dims.get(dim, dim))
        if qo is None or qt is None or not qo.options:
            out[dim] = shares
            continue
        by_code = {o.code: o.label for o in qt.options}
        names = {o.label: by_code.get(o.code, o.label) for o in qo.options}
        out[dim] = {names.get(k, k): v for k, v in shares.items()}
    return out


def design_inputs(project: Project) -> tuple[dict, dict, Optional[str], Optional[float]]:
    """The project's design columns (minyi.yaml ``design``), population margins, weighting method and
    population total — what :func:`report.pipeline.analyze` (and ``survey score``/``ledger``) build the
    design from."""
    from .margins import read_margins_with_totals

    cfg = project.config
    design = {k: v for k, v in (cfg.get("design") or {}).items() if v}
    population, totals = read_margins_with_totals(project.root, project.questionnaire, cfg.get("margins"))
    method = _weighting_method(project, cfg, population)
    # margins given as counts fix the population total (all count margins must agree); shares keep Σw
    total = next((t for t in totals.values() if t is not None), None)
    return design, population, method, total


def _weighting_method(project: Project, cfg: dict, population: dict) -> Optional[str]:
    """``weighting: {method: rake|poststratify}`` of minyi.yaml (None when absent)."""
    from survey.messages import said_value

    from .pipeline import WEIGHT_METHODS

    w = cfg.get("weighting")
    if not w:
        return None
    path = project.config_file
    if not isinstance(w, dict):
        raise MinyiError.of("config-not-mapping", file=path, key="weighting", value=said_value(w),
                            example="weighting: {method: rake}")
    method = w.get("method")
    if method not in WEIGHT_METHODS:
        raise MinyiError.of("config-weighting-method", file=path, key="weighting.method", value=said_value(method))
    extra = [k for k in w if k != "method"]
    if extra:
        raise MinyiError.of("unknown-key", file=path, key=extra[0], where="weighting", suggestion="only method")
    if not population:
        raise MinyiError.of("config-weighting-no-margins", file=path, key="weighting")
    return method


def reported_fielding(cfg: dict, wave: str, observed: Optional[list]) -> Optional[list]:
    """The fielding period the report prints (cover, 调查概况): the wave's ``start``/``end`` from
    ``minyi.yaml waves:`` where given, else the first/last submission date in the data (``observed``).

    Rule (docs/project-config.md, ``waves:``): ``start``/``end`` are the fielding period and the report
    writes them (2026年7月1日—9月30日); the trend chapter and the brief print the same period.  The
    submission times only fill a side the configuration leaves open (answers entered on the day after the
    configured end must not turn "2026年9月" into "2026年9—10月" on the cover)."""
    from survey.waves import wave_info

    info = wave_info(cfg, wave)
    lo, hi = observed if observed else (None, None)
    lo = info.start.isoformat() if info.start is not None else lo
    hi = info.end.isoformat() if info.end is not None else hi
    return [lo, hi] if lo and hi else None


def _threshold(value: Optional[int], cfg: dict, key: str, default: int, root) -> int:
    v = value if value is not None else cfg.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        if value is not None:
            raise MinyiError.of("count-option", file=str(root), option=f"--{key.replace('_', '-')}", value=repr(v))
        raise MinyiError.of("count-setting", file=str(root), config=str(root / "minyi.yaml"), key=key, value=repr(v))
    return v


def report_project(project: Project, out_dir: Path, *, wave: Optional[str] = None, compare_wave: Optional[str] = None,
                   by: Optional[Sequence[str]] = None, formats: Optional[Sequence[str]] = None,
                   template_dir: Optional[Path] = None, lang: str = "zh", small_base: Optional[int] = None,
                   min_cell: Optional[int] = None, org: Optional[str] = None, na_policy: Optional[str] = None,
                   cache: bool = True, style: str = "gbt9704", draft: bool = False) -> dict:
    """Write the report for ``wave`` (with changes against ``compare_wave``; the 变化 chapter shows every
    wave up to ``wave`` and the 重点 chapter the open ledger items: :mod:`report.trend_chapter`).

    ``small_base`` (groups with fewer respondents are marked unreliable) and ``min_cell`` (groups
    with fewer are suppressed) default to the project's ``minyi.yaml`` keys of those names, else
    30 and 10; ``org`` names the commissioning body in the overview; ``na_policy`` as in
    :func:`analyze_project`, whose cached results (``cache``) the report uses; ``draft``: a draft for the
    analysts, with a blank box for their own assessment in chapter 8 (a delivered report has none).
    """
    from .pipeline import MIN_CELL, SMALL_BASE, compare
    from .render import FORMATS, render_all  # rendering libraries load only when a report is written

    formats = FORMATS if formats is None else formats
    for f in formats:
        if f not in FORMATS:
            raise MinyiError.of("unknown-report-format", format=f, choices=", ".join(FORMATS))
    if lang not in ("zh", "en"):
        raise MinyiError.of("unknown-report-lang", lang=lang)
    if template_dir is not None and ({"html", "pdf"} & set(formats)):  # a missing template stops at once,
        from .writers.html import template_name                         # not after minutes of analysis

        template_name(template_dir, lang)
    cfg = project.config
    small_base = _threshold(small_base, cfg, "small_base", SMALL_BASE, project.root)
    min_cell = _threshold(min_cell, cfg, "min_cell", MIN_CELL, project.root)
    from .chart_pool import chart_pool

    with chart_pool(warm=True) as pool:  # the chart workers start while the analysis runs (a core is partly idle)
        current = analyze_project(project, wave=wave, by=by, na_policy=na_policy, cache=cache, lang=lang)
        changes = previous = trend = None
        if compare_wave:
            previous = analyze_project(project, wave=compare_wave, by=by, na_policy=na_policy, cache=cache, lang=lang)
            changes = compare(current, previous)
            waves = project.waves()
            trend = [analyze_project(project, wave=w, by=(), na_policy=na_policy, cache=cache, lang=lang) if w not in (compare_wave, current["meta"]["wave"]) else
                     (previous if w == compare_wave else current) for w in waves]
        from survey.waves import wave_label

        for r in [current, previous, *(trend or [])]:  # readers see wave labels (minyi.yaml waves:), not ids
            if r is not None and r["meta"].get("wave"):
                r["meta"]["wave_label"] = wave_label(cfg, r["meta"]["wave"], lang)
                r["sample"] = dict(r["sample"], fielding=reported_fielding(cfg, r["meta"]["wave"],
                                                                           r["sample"].get("fielding")))
        if compare_wave:
            current["meta"]["compare_label"] = wave_label(cfg, compare_wave, lang)
        org = org or cfg.get("org")
        shown_compare = wave_label(cfg, compare_wave, lang) if compare_wave else None
        from .suppression import index_scale
        from .trend_chapter import trend_chapter

        reuse = {} if by is not None else {r["meta"]["wave"]: r for r in (current, previous) if r is not None}
        tracking = trend_chapter(project, current["meta"]["wave"], results=reuse, na_policy=na_policy, lang=lang,
                                 chart_dir=out_dir / "charts", org=org, small_base=small_base)
        with stage(f"writing the report ({', '.join(formats)})"):
            paths = render_all(current, out_dir, formats=formats, changes=changes, trend=trend, compare_wave=shown_compare,
                               lang=lang, template_dir=template_dir, small_base=small_base, min_cell=min_cell, org=org,
                               tracking=tracking, style=style, pool=pool, draft=draft,
                               index_scale=index_scale(project.questionnaire))
        return {"paths": paths, "result": current, "changes": changes}

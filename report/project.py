"""Analyses and reports for a survey project (the store → pipeline → render bridge)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from survey.errors import MinyiError
from survey.store import Project

from .pipeline import analyze, compare
from .render import FORMATS, render_all


def analyze_project(project: Project, *, wave: Optional[str] = None, by: Sequence[str] = ("site", "district")) -> dict:
    """All indicators of one wave (default: the latest), exclusions applied, with quality figures."""
    waves = project.waves()
    if not waves:
        raise MinyiError.of("usage", file=str(project.root), reason="the project has no responses yet (survey import first)")
    wave = wave or waves[-1]
    if wave not in waves:
        raise MinyiError.of("usage", file=str(project.root), reason=f"no wave '{wave}'; waves: {', '.join(waves)}")
    data, _ = project.responses(wave)
    if data.empty:
        raise MinyiError.of("usage", file=str(project.root), reason=f"wave '{wave}' has no usable responses")
    cfg = project.config
    design = {k: v for k, v in (cfg.get("design") or {}).items() if v}
    return analyze(project.questionnaire, data, by=by, design=design, wave=wave,
                   na_policy=cfg.get("na_policy", "exclude"), ci_method=cfg.get("ci_method", "logit"),
                   quality=project.quality_summary(wave))


def report_project(project: Project, out_dir: Path, *, wave: Optional[str] = None, compare_wave: Optional[str] = None,
                   by: Sequence[str] = ("site", "district"), formats: Sequence[str] = FORMATS,
                   template_dir: Optional[Path] = None, lang: str = "zh") -> dict:
    """Write the report for ``wave`` (with changes against ``compare_wave`` and a trend over all waves)."""
    for f in formats:
        if f not in FORMATS:
            raise MinyiError.of("usage", reason=f"unknown format '{f}'; choose from {', '.join(FORMATS)}")
    if lang not in ("zh", "en"):
        raise MinyiError.of("usage", reason="--lang must be zh or en")
    current = analyze_project(project, wave=wave, by=by)
    changes = None
    trend = None
    if compare_wave:
        previous = analyze_project(project, wave=compare_wave, by=by)
        changes = compare(current, previous)
        waves = project.waves()
        trend = [analyze_project(project, wave=w, by=()) if w not in (compare_wave, current["meta"]["wave"]) else
                 (previous if w == compare_wave else current) for w in waves]
    paths = render_all(current, out_dir, formats=formats, changes=changes, trend=trend, compare_wave=compare_wave,
                       lang=lang, template_dir=template_dir)
    return {"paths": paths, "result": current, "changes": changes}

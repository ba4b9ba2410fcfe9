"""minyi (民意) for researchers: one import for projects, designs, estimators, comparisons, weighting
and tidy output.  ``import minyi`` and everything in :data:`__all__` is at hand; the names follow R's
``survey`` package (``svymean``, ``svyby``, ``svyglm`` ...).  Walk-through: docs/python-api.md.

Layers (each usable alone): :mod:`survey` (questionnaire, storage, import), :mod:`analysis`
(statistics: arrays and DataFrames in, :class:`Estimate` results out), :mod:`report` (the
questionnaire-wide analysis and the report).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence, Union

import pandas as pd

from analysis.by import svyby
from analysis.calibration import calibrate
from analysis.ci import CI_METHODS, proportion_ci
from analysis.compare import contrast, domain_difference, domain_estimates, independent_difference, league
from analysis.crosstab import crosstab
from analysis.design import Design, DesignError
from analysis.design_spec import DesignSpec, describe
from analysis.estimators import svymean, svyprop, svyratio, svytotal
from analysis.glm import svyglm
from analysis.indicators import compute_indicators
from analysis.quantiles import svyquantile
from analysis.replicates import as_svrepdesign, svrepdesign
from analysis.result import Estimate
from analysis.tidy import tidy
from analysis.weighting import kish_n_eff, poststratify, rake, trim_weights
from survey.qload import load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

__all__ = [
    # projects and data
    "Project", "open_project", "create_project", "responses", "load_questionnaire", "bundled_questionnaire",
    "simulate", "write_csv", "analyze",
    # designs
    "Design", "DesignSpec", "DesignError", "design", "project_design", "svrepdesign", "as_svrepdesign", "describe",
    # estimators and results
    "Estimate", "svymean", "svyprop", "svytotal", "svyratio", "svyquantile", "svyby", "svyglm", "crosstab",
    "compute_indicators", "CI_METHODS", "proportion_ci",
    # comparisons
    "domain_estimates", "contrast", "domain_difference", "independent_difference", "league",
    # weighting
    "rake", "poststratify", "calibrate", "trim_weights", "kish_n_eff",
    # output
    "tidy",
]


def open_project(path: Union[str, Path]) -> Project:
    """An existing project folder (``survey init`` / :func:`create_project`)."""
    return Project.open(path)


def create_project(path: Union[str, Path], questionnaire: Union[str, Path]) -> Project:
    """A new project folder for ``questionnaire`` (a YAML path); ``survey init``."""
    return Project.create(path, questionnaire)


def bundled_questionnaire() -> Path:
    """Path of the bundled civic questionnaire (创建全国文明城市 survey), as ``survey demo`` uses."""
    from survey.qload import bundled_path

    return bundled_path()


def responses(project: Project, wave: Optional[str] = None) -> pd.DataFrame:
    """The cleaned responses of ``wave`` (default the latest) as a DataFrame: quarantined rows left out and
    the project's data-quality exclusions applied (``survey check``); answers are option codes."""
    waves = project.waves()
    if wave is None:
        if not waves:
            raise DesignError("the project has no responses yet (import a file first)")
        wave = waves[-1]
    return project.responses(wave)[0].copy()  # one block per dtype: adding columns stays fast


def design(data: pd.DataFrame, weights: Optional[str] = None, strata: Optional[str] = None,
           psu: Union[str, Sequence[str], None] = None, fpc: Union[str, Sequence[str], None] = None, **kw: Any) -> Design:
    """A design over ``data`` by column names (:class:`DesignSpec`; R ``svydesign``/``svrepdesign``):
    ``psu``/``fpc`` one per stage for multistage designs, ``pps="brewer"``, ``lonely_psu=``,
    ``repweights=``/``rep_type=``... for replicate weights, ``replicates="JKn"`` to make them."""
    return DesignSpec.of(weights, strata, psu, fpc, **kw).build(data)


def project_design(project: Project, data: pd.DataFrame) -> Design:
    """The design of the project's ``minyi.yaml`` (``design:`` block) over ``data``."""
    from report.pipeline import build_design

    return build_design(data, {k: v for k, v in (project.config.get("design") or {}).items() if v})


def analyze(project: Project, wave: Optional[str] = None, by: Union[str, Sequence[str], None] = None,
            **kw: Any) -> dict:
    """Every indicator of the project's questionnaire (the ``survey analyze --json`` document,
    docs/analyze-json.md), overall and per grouping of ``by`` (a name such as ``"district"`` or a list of
    names, as ``survey analyze --by``; one name is one grouping, not its letters)."""
    from report.project import analyze_project

    return analyze_project(project, wave=wave, by=[by] if isinstance(by, str) else by, **kw)

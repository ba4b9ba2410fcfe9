"""One wave's design and its indicator items as 0–100 columns: what scores and ledger tests combine
(:class:`analysis.combine.ItemMeans`).

An item column is one matrix row or question of an indicator, measured as

* ``rate``: 100 × (answer in the indicator's positive codes); the base follows the project's
  不了解 policy exactly as :func:`analysis.indicators.compute_indicators` (``exclude``: substantive
  answers; ``count_negative``: every answer);
* ``index``: the answer's score scaled to 100 (100 × score / the scale's top score), substantive
  scored answers only.

So the mean of an indicator's item columns is 100 × its rate (or its index on a 0–100 scale), the
number ``survey analyze`` reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from analysis import Design
from analysis.combine import ItemMeans
from analysis.domains import code_values
from analysis.indicators import ItemSpec, normalize_na_policy
from survey.columns import float_column
from survey.errors import MinyiError
from survey.project_files import setting
from survey.store import Project

from .pipeline import build_design, composition_questions, item_specs, weight_design
from .project import design_inputs, weighting_problem


@dataclass
class WaveItems:
    """A wave's design, its district grouping and the item columns asked for (key, measure)."""

    design: Design
    columns: list            # (item key, measure) per column
    means: ItemMeans
    districts: list          # district labels (group order)
    n: int

    def coef(self, keys: Sequence[str], measure: str) -> np.ndarray:
        """Coefficients averaging the columns ``keys`` of ``measure`` (an indicator, an area)."""
        c = np.zeros(len(self.columns))
        for k in keys:
            c[self.columns.index((k, measure))] = 1.0 / len(keys)
        return c


def wave_frame(project: Project, wave: str, columns: Sequence[str] = ()) -> tuple[pd.DataFrame, Design]:
    """Responses of ``wave`` (exclusions applied; ``columns`` plus the district, design and weighting
    columns) and their design, calibrated when minyi.yaml says so."""
    from survey.store import column_types

    q = project.questionnaire
    design, population, method, total = design_inputs(project)
    want = list(columns) + [q.district_question] + [design.get(k) for k in ("weights", "strata", "psu", "fpc")]
    want += list(composition_questions(q).values()) if method else []
    stored = {c for c, _ in column_types(q)}
    data, _ = project.responses(wave, columns=[c for c in dict.fromkeys(want) if c and c in stored])
    if data.empty:
        raise MinyiError.of("wave-no-usable-responses", file=str(project.root), wave=wave)
    data = data.reset_index(drop=True)
    des = build_design(data, design)
    if method:
        from analysis.weighting import WeightingError

        try:
            des, _ = weight_design(project.questionnaire, des, population, method, total)
        except WeightingError as e:
            raise weighting_problem(project, e, wave) from None
    return data, des


def item_codes(spec: ItemSpec, vals: np.ndarray, measure: str, na_policy: str) -> tuple[np.ndarray, np.ndarray]:
    """(value 0–100, valid) per distinct answer of one item column (module docstring), given the
    column's distinct answers ``vals`` (:func:`analysis.domains.code_values`): the item's valid
    answers and values as :meth:`analysis.indicators.ItemSpec.code_tables` gives them to the
    indicators (an index is 0 where the answer is not valid)."""
    if measure == "rate":
        valid, y = spec.code_tables(vals, "rate", na_policy)
        return 100.0 * y, valid
    if not spec.scores:
        raise ValueError(f"item {spec.key} has no scores for an index")
    valid, y = spec.code_tables(vals, "index", na_policy)
    return np.where(valid, 100.0 * y / max(spec.scores.values()), 0.0), valid


def district_codes(project: Project, frame: pd.DataFrame) -> tuple[np.ndarray, list]:
    """Group code per row (−1: no district) and the district labels, in the questionnaire's option order."""
    q = project.questionnaire
    if not q.district_question or q.district_question not in frame.columns:
        return np.full(len(frame), -1, dtype=np.int64), []
    qq = q.question(q.district_question)
    x = pd.to_numeric(frame[q.district_question], errors="coerce").to_numpy()
    codes = np.full(len(frame), -1, dtype=np.int64)
    for i, o in enumerate(qq.options):
        codes[x == o.code] = i
    return codes, [o.label for o in qq.options]


def wave_items(project: Project, wave: str, columns: Sequence[tuple[str, str]], *,
               na_policy: Optional[str] = None) -> WaveItems:
    """The design of ``wave`` and :class:`ItemMeans` of ``columns`` ((item key, measure) pairs) by district."""
    na = normalize_na_policy(na_policy if na_policy is not None else setting(project.config, "na_policy", "exclude"))
    frame, des = wave_frame(project, wave, [k for k, _ in columns])
    specs = {s.key: s for s in item_specs(project.questionnaire)}
    cols = list(dict.fromkeys(columns))
    coded: dict = {}  # column -> (codes, distinct answers): a rate and an index of one column share them
    absent = (np.zeros(len(frame), dtype=np.int16), np.zeros(1), np.zeros(1, dtype=bool))  # no answer: no base
    items = []
    for key, measure in cols:
        if key not in frame.columns:
            items.append(absent)
            continue
        if key not in coded:
            coded[key] = code_values(float_column(frame, key))
        codes, vals = coded[key]
        items.append((codes, *item_codes(specs[key], vals, measure, na)))
    groups, labels = district_codes(project, frame)
    return WaveItems(des, cols, ItemMeans.coded(des, items, groups, len(labels)), labels, len(frame))

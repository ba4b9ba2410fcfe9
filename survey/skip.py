"""Skip logic over the native layout: which rows were *asked* each question.

A question is asked when its site's sections include the question's section and its
``when`` condition (see :mod:`survey.expr`) is true.  Conditions are compiled once per
questionnaire and evaluated vectorised over a DataFrame in native layout.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator, Mapping, Optional

import numpy as np
import pandas as pd

from . import expr as E
from .columns import float_column
from .questionnaire import Question, Questionnaire


def resolver(q: Questionnaire) -> E.Resolver:
    """A :class:`survey.expr.Resolver` mapping names in conditions to native columns."""

    def column(name: str) -> str:
        if "." in name:
            base, row = name.split(".", 1)
            return f"{base}_{row}"
        return name

    def option_column(name: str, code: float) -> str:
        return f"{name}_{int(code)}"

    def resolve(name: str, value: Any) -> float:
        base = name.split(".")[0]
        qq = q.question(base)
        if qq.type == "number":
            return float(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return float(q.resolve_code(base, value))

    def answered_columns(name: str) -> list[str]:
        base = name.split(".")[0]
        if "." in name:
            return [column(name)]
        return [c for c in q.question(base).columns() if not c.endswith("_other")]

    def is_multiple(name: str) -> bool:
        qq = q.get(name.split(".")[0])
        return qq is not None and qq.type in ("multiple", "ranking")

    return E.Resolver(column=column, option_column=option_column, resolve=resolve,
                      answered_columns=answered_columns, is_multiple=is_multiple)


@lru_cache(maxsize=4096)
def _parsed(text: str):
    return E.parse(text)


class _Columns(Mapping[str, np.ndarray]):
    """Read-only numeric view of a DataFrame's columns (missing columns read as all-NaN)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.cache: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self.cache:
            if key in self.frame.columns:
                s = self.frame[key]
                if s.dtype == np.int16:  # raw codes (survey.columns)
                    self.cache[key] = float_column(self.frame, key).astype(float)
                elif s.dtype.kind in "fiub":
                    self.cache[key] = s.to_numpy(dtype=float)
                else:
                    num = pd.to_numeric(s, errors="coerce")
                    self.cache[key] = num.to_numpy(dtype=float) if num.notna().any() or s.isna().all() else s.to_numpy()
            else:
                self.cache[key] = np.full(len(self.frame), np.nan)
        return self.cache[key]

    def __iter__(self):
        return iter(self.frame.columns)

    def __len__(self) -> int:
        return len(self.frame.columns)


def condition_mask(q: Questionnaire, question: Question | str, frame: pd.DataFrame | Mapping[str, np.ndarray],
                   site: Optional[np.ndarray] = None, _cols: Optional[Mapping[str, np.ndarray]] = None,
                   n: Optional[int] = None, _sites: Optional[dict] = None) -> np.ndarray:
    """Boolean array: which rows of ``frame`` (native layout) were asked ``question``.

    ``frame`` is a DataFrame or a mapping of native column name → numpy array (``n`` rows).
    ``site`` (array of site names per row) restricts to the sections each site gets; by
    default it is read from the questionnaire's ``site_question`` column when present.
    ``_sites`` (a dict shared by the calls over one frame, see :func:`asked_masks`) keeps the site names
    and the rows each section is not asked in, so they are computed once per frame, not once per question.
    """
    qq = q.question(question) if isinstance(question, str) else question
    if isinstance(frame, pd.DataFrame):
        n = len(frame)
        cols: Mapping[str, np.ndarray] = _cols if _cols is not None else _Columns(frame)
    else:
        cols = frame if _cols is None else _cols
        if n is None:
            n = len(next(iter(frame.values()))) if len(frame) else 0
    sites = _sites if _sites is not None else {}
    mask = None
    if q.sites and any(s.sections for s in q.sites):
        if qq.section in sites:
            mask = sites[qq.section]
        else:
            site_arr = site
            codes = None
            if site_arr is None and q.site_question and q.site_question in cols:
                if _SITE_CODES not in sites:  # the site question's codes, compared as numbers (not as names)
                    sites[_SITE_CODES] = np.asarray(cols[q.site_question], dtype=float)
                codes = sites[_SITE_CODES]
            if site_arr is not None or codes is not None:
                mask = np.ones(n, dtype=bool)
                for s in q.sites:
                    if s.sections and qq.section not in s.sections:
                        if codes is None:
                            mask &= site_arr != s.name
                        else:  # the rows whose site is not s: a code no option named s has
                            for c in _site_codes(q, s.name):
                                mask &= codes != c
                if site is None:  # the sites came from the frame: the same for every question of it
                    sites[qq.section] = mask
    if mask is None:
        mask = np.ones(n, dtype=bool)
    if qq.when:
        return mask & E.evaluate(_parsed(qq.when), _MissingAsNaN(cols, n), resolver(q), n)
    return mask.copy()


_SITE_CODES = ("site codes",)  # the key of the per-row site codes in condition_mask's _sites (sections are str)


def _site_codes(q: Questionnaire, name: str) -> list:
    """The codes of the site question's options labelled ``name`` (as :func:`site_labels` names them)."""
    sq = q.question(q.site_question) if q.site_question else None
    return [o.code for o in sq.options if o.label == name] if sq is not None else []


def site_labels(q: Questionnaire, codes: np.ndarray) -> np.ndarray:
    """Site names (object array, None where unknown) from the site question's codes."""
    sq = q.question(q.site_question) if q.site_question else None
    out = np.full(codes.shape[0], None, dtype=object)
    if sq is not None:
        for o in sq.options:
            out[codes == o.code] = o.label
    return out


class _MissingAsNaN(Mapping[str, np.ndarray]):
    def __init__(self, cols: Mapping[str, np.ndarray], n: int):
        self.cols, self.n = cols, n

    def __getitem__(self, key: str) -> np.ndarray:
        if key in self.cols:
            return self.cols[key]
        return np.full(self.n, np.nan)

    def __iter__(self):
        return iter(self.cols)

    def __len__(self) -> int:
        return len(self.cols)


def asked_masks(q: Questionnaire, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """``{question id: asked mask}`` for every question (conditions share one column cache)."""
    return dict(iter_asked_masks(q, frame))


def iter_asked_masks(q: Questionnaire, frame: pd.DataFrame) -> Iterator[tuple[str, np.ndarray]]:
    """``(question id, asked mask)`` for every question in order, one mask at a time (a caller that uses
    each once holds one, not one per question: 120 MB at 1,000,000 rows × 120 questions)."""
    cols = _Columns(frame)
    sites: dict = {}
    for qq in q.questions:
        yield qq.id, condition_mask(q, qq, frame, _cols=cols, _sites=sites)

"""What a data file says its codes mean, for `survey estimate` / `crosstab` on a file outside a project.

Two files carry it:

* an SPSS .sav: its value labels.  The cells hold codes (``1``), which SPSS shows by their labels
  (``初中及以下``) in its tables; minyi's tables show them so too, in code order;
* minyi's own Excel export: its 变量说明 sheet (:data:`survey.export_meta.CODEBOOK_SHEET`, ``1=男；2=女``).
  With ``--labels`` the cells hold the labels; their categories then come in the questionnaire's code order
  (初中及以下, 高中, 大专, 大学本科, 研究生) instead of alphabetically (R's ``factor`` default, the order
  for any other file).

A value the codebook does not know is shown and ordered as it is, after the known ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

import pandas as pd

from .export_meta import CODEBOOK_CODE_SEP, CODEBOOK_COLUMNS, CODEBOOK_ITEM_SEP


@dataclass(frozen=True)
class Codebook:
    """column → {code text: label}, each in code order."""

    labels: dict = field(default_factory=dict)

    def text(self, column: str, value) -> str:
        """The label of a code of ``column`` (a .sav's ``1`` → ``初中及以下``), else the value as text."""
        return self.labels.get(column, {}).get(_key(value), str(value))

    def order(self, column: str, values: Iterable) -> list:
        """``values`` (codes or labels of ``column``) in code order; values the codebook does not know
        keep their order, after the known ones."""
        values = list(values)
        known = self.labels.get(column)
        if not known:
            return values
        rank = {}
        for i, (code, label) in enumerate(known.items()):
            rank.setdefault(code, i)
            rank.setdefault(label, i)
        pos = {v: rank.get(_key(v), len(known) + j) for j, v in enumerate(values)}
        return sorted(values, key=pos.__getitem__)

    def codes(self, column: str, values: Iterable[str], present: set) -> list:
        """``--level`` / ``--missing`` values for ``column``: a label of the codebook that is not itself a
        value in the data (``present``) becomes its code, so ``--level 满意`` works on a .sav as ``--level 4``."""
        back = {label: code for code, label in self.labels.get(column, {}).items()}
        return [back[v] if v not in present and v in back else v for v in values]


def _key(value) -> str:
    """A code as the codebook writes it: ``1.0`` → ``1``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_codebook_sheet(frame: pd.DataFrame) -> Optional[Codebook]:
    """The codebook of a 变量说明 sheet (columns 变量, 变量标签, 取值标签), or None when the sheet is not one
    minyi wrote (other headers) — a user's own sheet of that name is not guessed at."""
    if tuple(frame.columns[:3]) != CODEBOOK_COLUMNS:
        return None
    labels = {}
    for name, text in zip(frame[CODEBOOK_COLUMNS[0]], frame[CODEBOOK_COLUMNS[2]]):
        if not isinstance(name, str) or not isinstance(text, str) or not text.strip():
            continue
        pairs = [item.split(CODEBOOK_CODE_SEP, 1) for item in text.split(CODEBOOK_ITEM_SEP)]
        if all(len(p) == 2 and p[0].strip() for p in pairs):
            labels[name] = {p[0].strip(): p[1] for p in pairs}
    return Codebook(labels)

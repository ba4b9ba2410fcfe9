"""SPSS ``.sav`` files (read by :func:`survey.tabular.read_raw`, any layout: a 问卷星 SAV export is still 问卷星):
the variable labels take part in detection and column matching (a variable ``V3`` labelled ``3、题干``, or
``序号`` / ``所用时间`` as labels), and the value labels turn stored numbers back into option labels, with the
number itself as the fallback when a label matches no option."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..questionnaire import Question

CONTAINERS = {"sav": ("sav",)}  # --format value: the kinds of content it accepts


def labelled(value_labels: dict, c: str, s: pd.Series) -> pd.Series:
    """SPSS value labels applied (code → label) where the column has them."""
    vl = value_labels.get(c)
    if not vl:
        return s
    return s.map(vl).astype("string").fillna(s)


def codes_by_value(conv, qq: Question, c: str, s: pd.Series, codes: np.ndarray) -> np.ndarray:
    """``codes`` of a column with value labels, completed where a label matches no option but the stored value is
    an option code (noted once); ``s`` is the labelled column, ``conv`` the converter (its cells and notes)."""
    raw = conv.values(c)
    miss = np.isnan(codes) & s.notna().to_numpy()
    if miss.any():
        codes2, _ = conv.map_values(qq, raw)
        ok = miss & ~np.isnan(codes2)
        if ok.any():
            conv.note(c, "bad-data", reason=f"column '{c}': SPSS value labels do not match the options of "
                      f"{qq.id}; matched those values by code", hint="check the value labels")
        codes = np.where(ok, codes2, codes)
    return codes

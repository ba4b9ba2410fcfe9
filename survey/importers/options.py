"""Option codes from cells, shared by every layout: codes or labels (after NFKC normalisation), ``1.0`` for 1,
``其他〖…〗`` (the code of 其他 and its fill-in text), the 0/1 words of a per-option column and option *scores*
(问卷星 按分数).  Each distinct value is converted once, never per respondent."""

from __future__ import annotations

import re
from typing import Optional

import numpy as np
import pandas as pd

from ..questionnaire import Question
from .text import norm_text

OTHER_RX = re.compile(r"^(.*?)〖(.*)〗$", re.S)  # 其他〖fill-in text〗
TRUE_VALUES = {"1", "1.0", "true", "yes", "y", "是", "选中", "已选", "checked", "selected", "√"}
FALSE_VALUES = {"0", "0.0", "false", "no", "n", "否", "未选中", "未选", "unchecked", "notselected", "×"}


def option_lookup(qq: Question, extra: Optional[dict] = None) -> dict:
    """{code text, normalised label, lower-case label (and mapping values): code} of ``qq``'s options."""
    lk: dict = {}
    for o in qq.options:
        lk[str(o.code)] = float(o.code)
    for o in qq.options:
        lk.setdefault(norm_text(o.label), float(o.code))
        lk.setdefault(norm_text(o.label).lower(), float(o.code))
    lk.update(extra or {})
    return lk


def map_option_values(qq: Question, s: pd.Series, extra: Optional[dict] = None) -> tuple[np.ndarray, dict]:
    """Codes for cells given as codes or labels (also ``1.0``, ``其他〖…〗``); NaN where unknown.

    Returns (codes, {cell: other text}) — the second for cells like ``其他〖物业纠纷〗``.
    """
    lk = option_lookup(qq, extra)
    mapping: dict = {}
    other: dict = {}
    pos, uniq = pd.factorize(s, use_na_sentinel=True)  # each cell's distinct value (-1: missing)
    for u in uniq:  # distinct values only, never per respondent
        key = str(u)
        nk = norm_text(key)
        hit = lk.get(key, lk.get(nk, lk.get(nk.lower())))
        if hit is None:
            try:
                f = float(nk)
                if f.is_integer():
                    hit = lk.get(str(int(f)))
            except (ValueError, OverflowError):
                pass
        if hit is None:
            mo = OTHER_RX.match(key)
            if mo:
                hit = lk.get(norm_text(mo.group(1)) or "")
                if hit is None and not norm_text(mo.group(1)):  # bare 〖text〗: the other option
                    hit = next((float(o.code) for o in qq.options if o.other), None)
                if hit is not None:
                    other[key] = mo.group(2).strip()
        if hit is not None:
            mapping[key] = hit
    code = np.array([mapping.get(str(u), np.nan) for u in uniq] + [np.nan], dtype=float)
    return code[pos], other  # pos −1 takes the NaN at the end


def scores_as_codes(qq: Question, s: pd.Series, file_scores: bool = False) -> Optional[dict]:
    """{cell: code text} when a column holds the options' *scores* (问卷星 按分数), else None.

    Decided per column from its distinct values (never per respondent): every numeric value must be the score
    of exactly one option (or the code of an option without a score, such as 不了解, which has none to give),
    and at least one of them must be no option code.  When every value is also a valid code, the codes win
    (ambiguous: 按序号 is the usual export) and None is returned.  Options sharing a score make the mapping
    impossible (None).  Non-numeric cells (labels) are left to the label lookup.

    ``file_scores``: other columns of the file hold scores that are no option code (the file is a 按分数 export), so
    a column whose values fit both readings is read as scores too, when that reading differs from the codes (a
    5-point scale scored 5…1 on codes 1…5 was read as codes, every answer reversed)."""
    sc = qq.scores
    if len(sc) < 2:
        return None
    by_score: dict = {}
    for code, v in sc.items():
        if v in by_score:
            return None
        by_score[v] = code
    codes = set(qq.codes)
    unscored = {o.code for o in qq.options if o.code not in sc}
    nums: dict = {}
    for u in pd.unique(s.dropna()):
        try:
            f = float(norm_text(u))
        except (ValueError, OverflowError):
            continue
        if not np.isfinite(f):
            return None
        nums[u] = f
    if not nums or (all(f.is_integer() and int(f) in codes for f in nums.values()) and not file_scores):
        return None
    out: dict = {}
    for u, f in nums.items():
        if f in by_score:
            out[u] = str(by_score[f])
        elif f.is_integer() and int(f) in unscored:
            out[u] = str(int(f))
        else:
            return None
    if all(f.is_integer() and out[u] == str(int(f)) for u, f in nums.items()):
        return None  # every score is its option's code: nothing to read otherwise
    return out


def whole_number(u) -> Optional[int]:
    """The whole number a cell or label stands for (``5``, ``５``, ``5.0``), or None."""
    try:
        f = float(norm_text(str(u)))
    except (ValueError, OverflowError):
        return None
    return int(f) if np.isfinite(f) and f.is_integer() else None


def numeral_options(qq: Question) -> dict[int, int]:
    """{number: code} of the options of ``qq`` labelled with a whole number (``"5"`` → its code)."""
    return {n: o.code for o in qq.options if (n := whole_number(o.label)) is not None}


def numeral_conflict(qq: Question) -> bool:
    """Some option of ``qq`` is labelled with a whole number that is the code of another option (see
    :func:`numeral_labels`)."""
    codes = set(qq.codes)
    return any(n in codes and n != code for n, code in numeral_options(qq).items())


def numeral_labels(qq: Question, s: pd.Series) -> tuple[Optional[dict], list]:
    """How to read a column of ``qq`` whose options are labelled with numbers that are other options' codes.

    A 0–10 question written ``options: ["0", "1", …, "10"]`` has codes 1–11: the label ``5`` is code 6, and
    code 5 is the label ``4``.  A 按序号 export holds codes, a 按文本 export labels, and the cell ``5`` fits both.
    Decided per column from its distinct whole-number values, as :func:`scores_as_codes`: a value that is a
    label and no code (``0``) makes the column labels, a value that is a code and no label (``11``) makes it
    codes.  Returns ``({cell: code text}, [])`` to read the cells as labels; ``(None, [])`` for codes (or no
    such options); ``(None, [values])`` when the column holds only values that are both, read differently
    (then they are read as codes, the common 按序号 export, and the caller says so).
    """
    if not numeral_conflict(qq):
        return None, []
    lab = numeral_options(qq)
    codes = set(qq.codes)
    nums = {u: n for u in pd.unique(s.dropna()) if (n := whole_number(u)) is not None}
    label_only = any(n in lab and n not in codes for n in nums.values())
    code_only = any(n in codes and n not in lab for n in nums.values())
    if label_only and not code_only:
        return {u: str(lab[n]) for u, n in nums.items() if n in lab}, []
    if code_only and not label_only:
        return None, []
    return None, sorted({n for n in nums.values() if n in lab and lab[n] != n})

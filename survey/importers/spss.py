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


RELABELLED_SHOWN = 5  # values listed in the note on value labels that move a code to another option


def relabelled_codes(conv, qq: Question, c: str) -> None:
    """Note the values of column ``c`` whose SPSS value label names an option with *another* code (the file's
    1 labelled 企业, where 企业 is 3 in the questionnaire and 1 is 机关).  The label is followed (the file says
    what its numbers mean), so a respondent who answered 企业 stays 企业; but the numbers change, and when the
    labels rather than the numbers are wrong (a label list copied from another question) the answers would move
    to other options without a word.  Only values that occur in the column and are themselves option codes are
    listed: a value that is no code (99 = 其他) cannot be misread."""
    vl = conv.value_labels.get(c) or {}
    present = set(conv.values(c).dropna().unique())
    items = [(v, lab) for v, lab in vl.items() if v in present]
    if not items:
        return
    numerals = getattr(conv, "spss_numerals", {})  # numeral labels read as labels (converter.spss_numeral_labels)
    mapped, _ = conv.map_values(qq, pd.Series([numerals.get(lab, lab) for _, lab in items], dtype="string"))
    valid = {str(o.code) for o in qq.options}
    moved = [(v, lab, int(k)) for (v, lab), k in zip(items, mapped)
             if not np.isnan(k) and v in valid and str(int(k)) != v]
    if moved:
        shown = ", ".join(f"{v} labelled '{lab}' → code {k}" for v, lab, k in moved[:RELABELLED_SHOWN])
        more = f" and {len(moved) - RELABELLED_SHOWN} more" if len(moved) > RELABELLED_SHOWN else ""
        conv.note(c, "spss-labels-recode", qid=qq.id, shown=shown + more,
                  example=f"{{{qq.id}: {{{moved[0][1]}: {moved[0][0]}}}}}")


def codes_by_value(conv, qq: Question, c: str, s: pd.Series, codes: np.ndarray) -> np.ndarray:
    """``codes`` of a column with value labels, completed where a label matches no option but the stored value is
    an option code (noted once); ``s`` is the labelled column, ``conv`` the converter (its cells and notes)."""
    raw = conv.values(c)
    miss = np.isnan(codes) & s.notna().to_numpy()
    if miss.any():
        codes2, _ = conv.map_values(qq, raw)
        ok = miss & ~np.isnan(codes2)
        if ok.any():
            conv.note(c, "spss-labels", qid=qq.id)
        codes = np.where(ok, codes2, codes)
    return codes


def refuse_shared_labels(conv, groups: dict) -> None:
    """Refuse a file whose SPSS value labels give one option's label to several values of a question's variable
    (2 and 3 both labelled 社区): read by label, the answers of both would become one option and the other (企业)
    would disappear, said only as "the labels were followed".  Values that occur in the column only; a question
    with a ``--mapping`` of its values is read as mapped.  Every such variable is named at once."""
    from ..errors import MinyiError
    from ..messages import problem
    from .text import norm_text

    found = []
    for qid, cols in groups.items():
        qq = conv.q.get(qid)
        if qq is None or qid in conv.val_map or qq.type not in ("single", "scale", "yesno", "matrix"):
            continue
        for c, _ in cols:
            vl = conv.value_labels.get(c) or {}
            if len(vl) < 2:
                continue
            present = set(conv.values(c).dropna().unique())
            by_label: dict = {}
            for v, lab in vl.items():
                by_label.setdefault(norm_text(str(lab)).lower(), []).append(v)
            for vs in by_label.values():
                if len(vs) > 1 and present.intersection(vs):
                    label = vl[vs[0]]
                    code, _ = conv.map_values(qq, pd.Series([label], dtype="string"))
                    if not np.isnan(code[0]):
                        found.append(problem("spss-shared-label", file=conv.source, column=c, qid=qid, label=label,
                                             codes=", ".join(str(v) for v in vs), option=int(code[0])))
    if found:
        raise MinyiError(found)

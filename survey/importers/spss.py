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
            shared = False
            for vs in by_label.values():
                if len(vs) > 1 and present.intersection(vs):
                    label = vl[vs[0]]
                    code, _ = conv.map_values(qq, pd.Series([label], dtype="string"))
                    if not np.isnan(code[0]):
                        shared = True
                        found.append(problem("spss-shared-label", file=conv.source, column=c, qid=qid, label=label,
                                             codes=", ".join(str(v) for v in vs), option=int(code[0])))
            if not shared:
                found += _label_meets_value(conv, qq, c, vl, present)
    if found:
        raise MinyiError(found)


def _label_meets_value(conv, qq: Question, c: str, vl: dict, present: set) -> list:
    """The values of column ``c`` (those that occur) that the reading of a labelled column sends to one option
    although their labels differ: a value whose label names an option is read by that label (the file's ``1``
    labelled 满意 → 满意, code 2), a value whose label names none by its number (``2`` labelled 比较满意 → code 2),
    so a 5-point scale labelled 满意 / 比较满意 / … where the questionnaire says 非常满意 / 满意 / … merged the answers
    of 1 and 2 into 满意, said only as "the labels were followed".  One ``spss-labels-merge`` problem per option so
    reached, naming both values and their labels."""
    from ..messages import problem
    from .options import numeral_conflict, numeral_options, whole_number

    numerals = numeral_options(qq) if numeral_conflict(qq) else {}  # a 0–10 question's label 5 is code 6
    reached: dict = {}  # option code -> [(value, its label or None, read by label)]
    for v in sorted(present, key=lambda x: (whole_number(x) is None, whole_number(x) or 0, str(x))):
        lab = vl.get(v)
        k = np.nan
        if lab is not None:
            n = whole_number(lab)
            k = float(numerals[n]) if n in numerals else conv.map_values(qq, pd.Series([str(lab)], dtype="string"))[0][0]
        by_label = not np.isnan(k)
        if not by_label:
            k = conv.map_values(qq, pd.Series([str(v)], dtype="string"))[0][0]
        if not np.isnan(k):
            reached.setdefault(int(k), []).append((v, lab, by_label))
    out = []
    for k, got in reached.items():
        if len(got) < 2 or not any(b for _, _, b in got) or all(b for _, _, b in got):
            continue  # one value, or all read by label (one label on several values: spss-shared-label)
        (v1, l1, _), (v2, l2, _) = next(x for x in got if x[2]), next(x for x in got if not x[2])
        out.append(problem("spss-labels-merge", file=conv.source, column=c, qid=qq.id, option=k,
                           label=qq.option_by_code(k).label, by_label=v1, by_label_label=l1, by_number=v2,
                           by_number_label="no label" if l2 is None else f"the label '{l2}'",
                           example=f"{{{qq.id}: {{'{l1}': {v1}}}}}"))
    return out

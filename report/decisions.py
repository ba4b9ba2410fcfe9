"""Questions the campaign decides on, analysed on their own: information channels, reasons for not
taking part, and willingness to recommend.

Which questions these are is read from the questionnaire's wording (no questionnaire key exists for
it): the **channel** question is the multiple-choice question whose text names 渠道 / "channel";
**reasons** are the single- or multiple-choice questions whose text names 原因 / "reason"; the
**recommend** question is the first whose text names 推荐 / "recommend".

* channels: % of respondents reached by each channel (base: those asked) with its interval
  (Korn–Graubard for multiple choice, as the hot issues and the 各题统计 appendix), overall
  and by site (:func:`analysis.multiple.multiple_choice`, R ``svyciprop``), and the Rao–Scott test of
  channel × site (:func:`analysis.group_tests.independence_test`, R ``svychisq``);
* reasons: % of those asked giving each reason, with its interval, ranked;
* recommend — an NPS-style **net score** when the item has 11 points (0–10: promoters 9–10,
  detractors 0–6) or 5 points (promoters: the top option, detractors: the bottom three; the top is
  the option with the highest ``score``, else the first): net = % promoters − % detractors, the
  design-based mean of +1/0/−1 over the substantive answers with a linearised SE and a t interval
  on the design df (:func:`analysis.estimators.svymean`, R ``svymean`` + ``confint(df = degf)``,
  checked in ``tests/test_decisions_r_golden.py``); a yes/no item gets the share answering its first
  option (R ``svyciprop``).
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from analysis import Design
from analysis.domains import code_values
from analysis.estimators import svymean, svyprop
from analysis.group_tests import chosen_codes, independence_test
from analysis.indicators import stat_record
from analysis.multiple import asked_rows, multiple_choice
from survey.columns import answer_column, float_column
from survey.questionnaire import Question, Questionnaire

from .hot_issue_groups import HOT_CI

CHANNEL_WORDS = ("渠道", "channel")
REASON_WORDS = ("原因", "reason")
RECOMMEND_WORDS = ("推荐", "recommend")
FIELDS = ("estimate", "se", "ci_low", "ci_high", "n", "df")


def _has(qq: Question, words) -> bool:
    t = (qq.text or "").lower()
    return any(w in t for w in words)


def _stat(e, gi: int = 0) -> dict:
    d = stat_record(e[gi] if np.ndim(e.estimate) else e)
    return {k: d[k] for k in FIELDS}


def _choices(qq: Question, frame: pd.DataFrame) -> tuple[list, np.ndarray]:
    """Per option a 1/0 column, blank where not asked (NaN, or MISSING_CODE in int16 raw codes), and the rows asked."""
    if qq.type == "multiple":
        M = [answer_column(frame, f"{qq.id}_{o.code}") for o in qq.options]  # 1/0, blank where not asked
        return M, asked_rows(M, len(frame))
    x = float_column(frame, qq.id, missing_ok=True)
    asked = np.isfinite(x)
    return [np.where(asked, (x == o.code).astype(float), np.nan) for o in qq.options], asked


def _shares(qq, frame, des, groupings, ci_method, confidence) -> dict:
    M, asked = _choices(qq, frame)
    opts = [o for o in qq.options if not o.exclusive]
    keep = [j for j, o in enumerate(qq.options) if not o.exclusive]
    if qq.type == "multiple":  # % of respondents of multiple choice: Korn–Graubard, as the hot issues and appendix
        ci_method = HOT_CI
    res = multiple_choice(des, [M[j] for j in keep], [o.code for o in opts], [o.label for o in opts],
                          groupings=groupings, asked=asked, ci_method=ci_method, confidence=confidence)
    items = [{"code": o.code, "label": o.label, "respondents": _stat(o.stats["respondents"])} for o in res.options]
    items.sort(key=lambda r: -(r["respondents"]["estimate"] or 0.0))
    by: dict = {}
    for gi, (g, lab) in enumerate(res.groups):
        if g is None or res.n_asked[gi] == 0:
            continue
        by.setdefault(g, {})[lab] = {"n": int(res.n_asked[gi]),
                                     "items": [{"code": o.code, "label": o.label,
                                                "respondents": _stat(o.stats["respondents"], gi)} for o in res.options]}
    out = {"question": qq.id, "text": qq.text, "n": int(res.n_asked[0]), "items": items, "by": by}
    tests = {}
    for g in groupings:
        tests[g.name] = {o.code: independence_test(des, None, asked, g.codes, coded=chosen_codes(M[j]))
                         for j, o in zip(keep, opts)}
    out["tests"] = {g: {str(c): t for c, t in v.items()} for g, v in tests.items()}
    return out


def _points(qq: Question) -> Optional[tuple[str, dict]]:
    """("0-10" | "5-point", {code: points}) of a recommend item, where points run from 0 (least
    likely) up; None when it is neither."""
    if qq.type == "number" and qq.min == 0 and qq.max == 10:
        return "0-10", None
    subs = [o for o in qq.options if not o.na]
    if qq.type not in ("single", "scale") or len(subs) not in (5, 11):
        return None
    if qq.scores:
        order = sorted(subs, key=lambda o: qq.scores.get(o.code, 0.0))  # lowest score first
    elif len(subs) == 11:
        order = subs  # 0..10 in questionnaire order
    else:
        order = list(reversed(subs))  # the first option is the most positive
    return ("0-10" if len(subs) == 11 else "5-point"), {o.code: i for i, o in enumerate(order)}


def net_score(des: Design, x: np.ndarray, scale: str, points: Optional[dict], *, confidence: float = 0.95) -> dict:
    """Promoters, detractors and the net score (module docstring) of answers ``x``."""
    if points is None:  # 0–10 numbers
        pt = np.where(np.isfinite(x) & (x >= 0) & (x <= 10), x, np.nan)
    else:
        codes, vals = code_values(x)  # the points of each distinct answer, then of each row
        pt = np.array([points.get(int(v), np.nan) if np.isfinite(v) else np.nan for v in vals.tolist()])[codes]
    valid = np.isfinite(pt)
    if scale == "0-10":
        pro, det = pt >= 9, pt <= 6
    else:
        pro, det = pt >= 4, pt <= 2
    y = pro.astype(float) - det.astype(float)
    net = svymean(des, y, valid=valid, confidence=confidence)
    p = svyprop(des, pro.astype(float), valid=valid, confidence=confidence)
    d = svyprop(des, det.astype(float), valid=valid, confidence=confidence)
    return {"scale": scale, "net": _stat(net), "promoters": _stat(p), "detractors": _stat(d),
            "definition": ("promoters 9–10, detractors 0–6" if scale == "0-10"
                           else "promoters: the top option; detractors: the bottom three")}


def decision_questions(q: Questionnaire, frame: pd.DataFrame, des: Design, groupings: list, *,
                       ci_method: str = "logit", confidence: float = 0.95) -> Optional[dict]:
    """``{"channels", "reasons", "recommend"}`` (each None/[] when the questionnaire has no such question)."""
    site = [g for g in groupings if g.name == "site"]
    chan = next((qq for qq in q.questions if qq.type == "multiple" and _has(qq, CHANNEL_WORDS)), None)
    reasons = [qq for qq in q.questions if qq.type in ("single", "multiple") and _has(qq, REASON_WORDS)]
    rec_q = next((qq for qq in q.questions if _has(qq, RECOMMEND_WORDS)), None)
    out = {"channels": _shares(chan, frame, des, site, ci_method, confidence) if chan else None,
           "reasons": [_shares(qq, frame, des, site, ci_method, confidence) for qq in reasons],
           "recommend": None}
    if rec_q is not None:
        x = float_column(frame, rec_q.id, missing_ok=True)
        pts = _points(rec_q)
        if pts is not None:
            out["recommend"] = {"question": rec_q.id, "text": rec_q.text, "kind": "net",
                                **net_score(des, x, pts[0], pts[1], confidence=confidence)}
        elif rec_q.type == "yesno" and rec_q.options:
            first = rec_q.options[0]
            valid = np.isfinite(x) & ~np.isin(x, [o.code for o in rec_q.options if o.na])
            e = svyprop(des, (x == first.code).astype(float), valid=valid, ci_method=ci_method, confidence=confidence)
            out["recommend"] = {"question": rec_q.id, "text": rec_q.text, "kind": "share", "label": first.label,
                                "share": _stat(e)}
    if not out["channels"] and not out["reasons"] and not out["recommend"]:
        return None
    return out

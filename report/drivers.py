"""Drivers of overall satisfaction: the overall question's score (0–100) regressed on the area scores
(each respondent's mean 0–100 score over the area's rated items) by a design-based linear model
(:func:`analysis.glm.svyglm`, R ``svyglm(overall ~ area1 + area2 + ..., design)``, checked against R in
``tests/test_svyglm_r_golden.py``, whose ``drivers`` case is this very model on a committed data set).

Only areas answered by at least :data:`MIN_COVERAGE` of the respondents enter the model (areas asked
in one kind of site only would leave no complete rows); rows missing a term leave the fit.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

import numpy as np
import pandas as pd

from analysis import Design
from analysis.design import BLOCK_ROWS, DesignError
from analysis.glm import svyglm
from survey.questionnaire import Questionnaire

from .item_scores import score_array, score_table

MIN_COVERAGE = 0.8


def satisfaction_drivers(q: Questionnaire, frame: pd.DataFrame, des: Design, *,
                         confidence: float = 0.95, coded: Optional[dict] = None) -> Optional[dict]:
    """``{response, n, terms: [{area, name, coef, se, ci_low, ci_high}]}`` or None (module docstring);
    ``coded``: the analysis's coded columns (:func:`report.item_scores.score_array`)."""

    def _scores(col: str, scores: dict) -> np.ndarray:  # 0–100
        return score_array(frame, col, scores, 100.0, max(scores.values()), coded=coded)

    oq = q.get(q.overall_question) if q.overall_question else None
    if oq is None or not oq.scores:
        return None
    y = _scores(oq.id, oq.scores)
    cols, names = {}, {}
    for a in q.areas:
        mats = [x for x in q.questions if x.type == "matrix" and x.scores and x.area == a.id]
        cells = [(m, f"{m.id}_{r.id}") for m in mats for r in m.rows if (r.area or m.area) == a.id]
        if not cells:
            continue
        # the respondent's mean over the area's answered items, summed item by item (in the order of
        # nansum over the items × rows matrix, which was not formed)
        n = len(frame)
        tot = np.zeros(n)
        cnt = np.zeros(n, dtype=np.int32)
        x = np.empty(min(n, BLOCK_ROWS))
        ok = np.empty(min(n, BLOCK_ROWS), dtype=bool)
        ci = np.empty(min(n, BLOCK_ROWS), dtype=np.intp)
        tables = []
        for m, col in cells:  # the item's scores (0 where none) and whether it has one, by answer code
            codes, table = score_table(frame, col, m.scores, 100.0, max(m.scores.values()), coded=coded)
            has = np.isfinite(table)
            tables.append((codes, np.where(has, table, 0.0), has))
        # a block of rows at a time (analysis.design.BLOCK_ROWS), every item in turn: the block's sums stay
        # in the CPU cache (the same additions in the same order as item by item over every row)
        for lo in range(0, n, BLOCK_ROWS):
            hi = min(lo + BLOCK_ROWS, n)
            xb, okb, tb, cb, c = x[:hi - lo], ok[:hi - lo], tot[lo:hi], cnt[lo:hi], ci[:hi - lo]
            for codes, score, has in tables:
                c[:] = codes[lo:hi]  # the codes as indices once (np.take converts int16 at every call)
                np.take(score, c, out=xb, mode="clip")  # codes index their tables: "clip" only skips a buffer
                np.take(has, c, out=okb, mode="clip")
                cb += okb
                tb += xb
        s = np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)
        if np.isfinite(s).mean() < MIN_COVERAGE:
            continue
        cols[f"_drv_{a.id}"], names[f"_drv_{a.id}"] = s, a.name
    if not cols:
        return None
    # the model's variables only (in the design's row order): svyglm reads nothing else of the data
    d2 = dataclasses.replace(des, data=pd.DataFrame({"_drv_overall": y, **cols}, copy=False))
    try:
        fit = svyglm(d2, y="_drv_overall", x=list(cols), confidence=confidence)
    except DesignError as e:  # too few complete rows, collinear areas: no model, and the result says why
        return {"response": oq.id, "n": 0, "terms": [], "not_estimable": str(e)}
    c = fit.coefficients
    terms = []
    for j, t in enumerate(c.names if hasattr(c, "names") else ["(Intercept)"] + list(cols)):
        if t not in names:
            continue
        f = (lambda v: float(np.asarray(v).ravel()[j]))
        terms.append({"area": t[5:], "name": names[t], "coef": f(c.estimate), "se": f(c.se),
                      "ci_low": f(c.ci_low), "ci_high": f(c.ci_high)})
    terms.sort(key=lambda r: -r["coef"])
    return {"response": oq.id, "n": int(fit.n), "terms": terms}

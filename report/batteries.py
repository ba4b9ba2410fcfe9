"""Reliability of each rating battery (a matrix question with scored answers) for the appendix:
Cronbach's α of its rows' scores (:func:`analysis.reliability.cronbach_alpha`; 不了解/NA answers and
unanswered rows leave the battery's complete cases)."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Optional

import numpy as np
import pandas as pd

from analysis.reliability import cronbach_alpha
from survey.questionnaire import Questionnaire

from .labels import label
from .item_scores import score_array


def battery_alphas(qn: Questionnaire, frame: pd.DataFrame, coded: Optional[dict] = None) -> list[dict]:
    """One record per scored matrix question: ``{question, text, k, n, alpha, items, alpha_if_deleted}``;
    ``coded``: the analysis's coded columns (:func:`report.item_scores.score_array`)."""
    out = []
    for q in qn.questions:
        if q.type != "matrix" or not q.scores or len(q.rows) < 2:
            continue
        scores = q.scores
        X = np.empty((len(frame), len(q.rows)), order="F")  # filled column by column (each contiguous): no list of columns beside it
        for j, r in enumerate(q.rows):
            X[:, j] = score_array(frame, f"{q.id}_{r.id}", scores, coded=coded)
        a = cronbach_alpha(X, [r.label for r in q.rows])
        rec = asdict(a)
        rec.update(question=q.id, text=q.text)
        out.append(rec)
    return out


def alpha_table(records: list, lang: str = "zh") -> tuple[str, list, list, str]:
    """(caption, columns, rows, note) of the appendix table."""
    L = partial(label, lang=lang)
    cols = [(L("word.question_no"), "text"), (L("word.battery"), "text"), (L("word.n_items"), "int"),
            (L("word.complete_answers"), "int"), (L("word.alpha"), "num3"), (L("word.alpha_best_drop"), "text")]
    rows = []
    for r in records:
        dele = [(v, lab) for v, lab in zip(r["alpha_if_deleted"], r["items"]) if v is not None]
        best = max(dele) if dele else None
        rows.append([r["question"], r["text"], r["k"], r["n"], r["alpha"],
                     f"{best[1]} ({best[0]:.3f})" if best else "—"])
    return L("caption.alpha"), cols, rows, L("note.alpha")

"""Reliability of each rating battery (a matrix question with scored answers) for the appendix:
Cronbach's α of its rows' scores (:func:`analysis.reliability.cronbach_alpha_coded`; 不了解/NA answers and
unanswered rows leave the battery's complete cases)."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Optional

import pandas as pd

from analysis.reliability import cronbach_alpha_coded
from survey.questionnaire import Questionnaire

from .labels import label
from .item_scores import score_table


def battery_alphas(qn: Questionnaire, frame: pd.DataFrame, coded: Optional[dict] = None) -> list[dict]:
    """One record per scored matrix question: ``{question, text, k, n, alpha, items, alpha_if_deleted}``;
    ``coded``: the analysis's coded columns (:func:`report.item_scores.score_array`)."""
    out = []
    batteries = [q for q in qn.questions if q.type == "matrix" and q.scores and len(q.rows) >= 2]
    for q in batteries:
        # each row's answer codes and the score of each code; the scores are gathered a block of rows at a
        # time inside the α computation (no rows × items matrix)
        pairs = [score_table(frame, f"{q.id}_{r.id}", q.scores, coded=coded) for r in q.rows]
        a = cronbach_alpha_coded([c for c, _ in pairs], [t for _, t in pairs], [r.label for r in q.rows])
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

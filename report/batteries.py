"""Reliability of each rating battery (a matrix question with scored answers) for the appendix:
Cronbach's α of its rows' scores (:func:`analysis.reliability.cronbach_alpha`; 不了解/NA answers and
unanswered rows leave the battery's complete cases)."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from analysis.reliability import cronbach_alpha
from survey.questionnaire import Questionnaire

from .item_scores import score_array


def battery_alphas(qn: Questionnaire, frame: pd.DataFrame) -> list[dict]:
    """One record per scored matrix question: ``{question, text, k, n, alpha, items, alpha_if_deleted}``."""
    out = []
    for q in qn.questions:
        if q.type != "matrix" or not q.scores or len(q.rows) < 2:
            continue
        scores = q.scores
        cols = [score_array(frame, f"{q.id}_{r.id}", scores) for r in q.rows]
        a = cronbach_alpha(np.column_stack(cols), [r.label for r in q.rows])
        rec = asdict(a)
        rec.update(question=q.id, text=q.text)
        out.append(rec)
    return out


def alpha_table(records: list, lang: str = "zh") -> tuple[str, list, list, str]:
    """(caption, columns, rows, note) of the appendix table."""
    en = lang == "en"
    cols = [("Question" if en else "题号", "text"), ("Battery" if en else "量表", "text"), ("Items" if en else "题项数", "int"),
            ("Complete answers" if en else "完整作答样本", "int"), ("Cronbach's α" if en else "Cronbach α系数", "num3"),
            ("Item whose removal raises α most" if en else "删除后α最高的题项", "text")]
    rows = []
    for r in records:
        dele = [(v, lab) for v, lab in zip(r["alpha_if_deleted"], r["items"]) if v is not None]
        best = max(dele) if dele else None
        rows.append([r["question"], r["text"], r["k"], r["n"], r["alpha"],
                     f"{best[1]} ({best[0]:.3f})" if best else "—"])
    cap = "Reliability of the rating batteries" if en else "评价量表的信度（Cronbach α）"
    note = ("α = k/(k−1)·(1 − Σ item variances / variance of the total), respondents who answered every row; "
            "≥ 0.7 is usually read as acceptable." if en else
            "α = k/(k−1)·(1 − 各题方差之和/总分方差)，仅含全部题项均有有效评分的受访者；一般认为α≥0.7可接受。")
    return cap, cols, rows, note

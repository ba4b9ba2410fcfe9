"""Data-quality checks (vectorised): duplicates, identical answers, same IP, speeders,
straight-lining, item non-response.

:func:`quality_flags` returns one record per flagged row (index, kind, detail);
:func:`apply_exclusions` drops the rows whose flags are excluded by the project's rules
and reports counts per rule — the report's sample section cites them.

* ``duplicate_id`` — a respondent id seen on an earlier row (the first occurrence is kept);
* ``identical_answers`` — the whole answer vector equals an earlier row's;
* ``same_ip`` — same IP as an earlier row and at least 90 % identical answers;
* ``speeder`` — completion time below ``speeder_fraction`` × the median (default 1/3);
* ``straightliner`` — the same answer on every row of a matrix with at least 5 rows.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from .questionnaire import Questionnaire

FLAG_NAMES = {"duplicate_id": "重复的受访者编号", "identical_answers": "答案完全相同", "same_ip": "同一IP且答案高度相似",
              "speeder": "答题时间过短", "straightliner": "矩阵题直线作答"}
DEFAULT_EXCLUSIONS = {"duplicate_id": True, "identical_answers": True, "speeder": True, "straightliner": False,
                      "same_ip": False}


def _answers(frame: pd.DataFrame, q: Questionnaire) -> pd.DataFrame:
    cols = [c for qq in q.questions if qq.type not in ("text",) for c in qq.columns() if c in frame.columns
            and not c.endswith("_other")]
    return frame[cols]


def quality_flags(frame: pd.DataFrame, q: Questionnaire, *, speeder_fraction: float = 1 / 3,
                  near_identical: float = 0.9) -> pd.DataFrame:
    """Flags for every row (see module docstring)."""
    frame = frame.reset_index(drop=True)
    parts = []

    def add(mask, kind, detail):
        idx = np.flatnonzero(mask)
        if idx.size:
            det = detail if isinstance(detail, str) else [detail[i] for i in idx]
            parts.append(pd.DataFrame({"index": idx, "kind": kind, "detail": det}))

    if "respondent_id" in frame.columns:
        ids = frame["respondent_id"].astype("string")
        dup = ids.notna() & ids.duplicated(keep="first")
        add(dup.to_numpy(), "duplicate_id", [f"编号 {v}" for v in ids.fillna("")])
    ans = _answers(frame, q)
    if ans.shape[1]:
        h = pd.util.hash_pandas_object(ans.round(6), index=False)
        nonblank = ans.notna().any(axis=1)
        add((h.duplicated(keep="first") & nonblank).to_numpy(), "identical_answers", "与前面一份答卷完全相同")
    if "ip" in frame.columns and ans.shape[1]:
        ip = frame["ip"].astype("string")
        groups = ip[ip.notna() & ip.duplicated(keep=False)]
        flagged = np.zeros(len(frame), dtype=bool)
        A = ans.to_numpy(dtype=float)
        for _, idx in groups.groupby(groups).groups.items():
            idx = np.asarray(idx)
            first = A[idx[0]]
            for i in idx[1:]:
                both = ~(np.isnan(first) & np.isnan(A[i]))
                same = np.sum((first == A[i]) | (np.isnan(first) & np.isnan(A[i])))
                if both.size and same / both.size >= near_identical:
                    flagged[i] = True
        add(flagged, "same_ip", [f"IP 相同" for _ in range(len(frame))])
    if "duration_sec" in frame.columns:
        d = pd.to_numeric(frame["duration_sec"], errors="coerce")
        med = float(d.median()) if d.notna().any() else np.nan
        if np.isfinite(med):
            thr = speeder_fraction * med
            add((d < thr).to_numpy(), "speeder", [f"用时{v:.0f}秒，低于中位数{med:.0f}秒的{speeder_fraction:.0%}" if v == v else ""
                                                  for v in d.to_numpy()])
    for qq in q.questions:
        if qq.type == "matrix" and len(qq.rows) >= 5:
            cols = [c for c in qq.columns() if c in frame.columns]
            if len(cols) < 5:
                continue
            M = frame[cols].apply(pd.to_numeric, errors="coerce").to_numpy(float)
            full = ~np.isnan(M).any(axis=1)
            same = full & (np.nanmax(M, axis=1, initial=-np.inf) == np.nanmin(M, axis=1, initial=np.inf))
            add(same, "straightliner", f"{qq.id} 各行答案相同")
    if not parts:
        return pd.DataFrame(columns=["index", "kind", "detail"])
    return pd.concat(parts, ignore_index=True)


def item_nonresponse(frame: pd.DataFrame, q: Questionnaire) -> pd.DataFrame:
    """Share of asked respondents who left each question unanswered."""
    from .skip import asked_masks

    asked = asked_masks(q, frame)
    rows = []
    for qq in q.questions:
        cols = [c for c in qq.columns() if c in frame.columns and not c.endswith("_other")]
        if not cols:
            continue
        if qq.type in ("multiple", "ranking"):
            ans = frame[cols].apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy().sum(axis=1) > 0
        else:
            ans = frame[cols].notna().any(axis=1).to_numpy()
        a = asked[qq.id]
        n = int(a.sum())
        rows.append({"question": qq.id, "asked": n, "missing": int((a & ~ans).sum()),
                     "rate": float((a & ~ans).sum() / n) if n else None})
    return pd.DataFrame(rows)


def apply_exclusions(frame: pd.DataFrame, flags: pd.DataFrame, rules: Optional[dict] = None) -> tuple[pd.DataFrame, dict]:
    """Drop rows flagged by excluded kinds; returns (kept rows, {rule name: rows excluded})."""
    rules = {**DEFAULT_EXCLUSIONS, **(rules or {})}
    frame = frame.reset_index(drop=True)
    drop = np.zeros(len(frame), dtype=bool)
    counts = {}
    for kind, on in rules.items():
        if not on:
            continue
        idx = flags.loc[flags["kind"] == kind, "index"].to_numpy(dtype=int)
        new = np.zeros(len(frame), dtype=bool)
        new[idx] = True
        counts[FLAG_NAMES.get(kind, kind)] = int((new & ~drop).sum())
        drop |= new
    return frame[~drop].reset_index(drop=True), {k: v for k, v in counts.items() if v}

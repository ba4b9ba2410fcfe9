"""A 问卷星 按文本 export of simulated answers (for the import benchmarks): the layout of ../shared/formats/README.md.

Metadata first (``序号``, ``提交答卷时间`` as ``2026/9/1 09:01:00``, ``所用时间`` as ``268秒``, ``来源``, ``来源详情``,
``来自IP``), then one column per question headed ``N、题干`` holding option labels, one per matrix row headed
``N、(行标题)``, a multiple choice as one cell of labels joined by ``┋`` (the other option as ``其他〖text〗``),
a ranking as labels joined by ``→`` in rank order, ``(跳过)`` for a question not answered and ``(空)`` for an empty
open answer.  Written with pandas as UTF-8 with BOM, as 问卷星 downloads it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

SKIPPED, EMPTY = "(跳过)", "(空)"


def _labels(qq, codes: np.ndarray) -> np.ndarray:
    """Option labels of a code column (NaN or no option: ``(跳过)``), by lookup on the codes."""
    table = {float(o.code): o.label for o in qq.options}
    keys = np.array(sorted(table), dtype=float)
    lab = np.array([table[k] for k in keys] + [SKIPPED], dtype=object)
    pos = np.searchsorted(keys, np.nan_to_num(codes, nan=-1e18))
    pos = np.where((pos < len(keys)) & (keys[np.minimum(pos, len(keys) - 1)] == codes), pos, len(keys))
    return lab[pos]


def _joined(parts: list[np.ndarray], sep: str) -> np.ndarray:
    """Row-wise join of object columns, empty strings left out; no part at all: ``(跳过)``."""
    out = np.full(len(parts[0]) if parts else 0, "", dtype=object)
    for p in parts:
        out = np.where(p == "", out, np.where(out == "", p, out + sep + p))
    return np.where(out == "", SKIPPED, out)


def wjx_frame(frame: pd.DataFrame, q) -> pd.DataFrame:
    """The 问卷星 按文本 table of native-layout answers ``frame`` (e.g. :func:`survey.simulate.simulate`)."""
    n = len(frame)

    def text(c: str) -> np.ndarray:  # a text column, "" for an empty cell
        return frame[c].astype("string").fillna("").to_numpy(dtype=object)

    cols: dict = {"序号": np.arange(1, n + 1).astype(str)}
    cols["提交答卷时间"] = pd.to_datetime(frame["submitted_at"]).dt.strftime("%Y/%-m/%-d %H:%M:%S").to_numpy(dtype=object)
    cols["所用时间"] = np.char.add(frame["duration_sec"].fillna(0).astype(int).to_numpy().astype(str), "秒")
    cols["来源"] = np.full(n, "微信", dtype=object)
    cols["来源详情"] = np.full(n, "N/A", dtype=object)
    i = np.arange(n)
    cols["来自IP"] = np.char.add(np.char.add(np.char.add("10.0.", (i % 250).astype(str)), "."),
                               np.char.add((i % 199).astype(str), "(浙江-杭州)"))
    for qq in q.questions:
        head = f"{qq.number}、{qq.text}"
        if qq.type in ("single", "scale", "yesno"):
            v = _labels(qq, frame[qq.id].to_numpy(dtype=float))
            if qq.has_other:
                oth = text(f"{qq.id}_other")
                v = np.where(oth != "", v + "〖" + oth + "〗", v)
            cols[head] = v
        elif qq.type == "matrix":
            for r in qq.rows:
                cols[f"{qq.number}、({r.label})"] = _labels(qq, frame[f"{qq.id}_{r.id}"].to_numpy(dtype=float))
        elif qq.type == "multiple":
            oth = text(f"{qq.id}_other") if qq.has_other else None
            parts = []
            for o in qq.options:
                sel = frame[f"{qq.id}_{o.code}"].to_numpy(dtype=float) == 1
                lab = np.where(oth != "", o.label + "〖" + oth + "〗", o.label) if o.other else o.label
                parts.append(np.where(sel, lab, "").astype(object))
            cols[head] = _joined(parts, "┋")
        elif qq.type == "ranking":
            ranks = np.column_stack([frame[f"{qq.id}_{o.code}"].to_numpy(dtype=float) for o in qq.options])
            order = np.argsort(np.where(np.isnan(ranks), np.inf, ranks), axis=1, kind="stable")
            labels = np.array([o.label for o in qq.options], dtype=object)
            ranked = np.take_along_axis(~np.isnan(ranks), order, axis=1)
            cols[head] = _joined([np.where(ranked[:, k], labels[order[:, k]], "").astype(object)
                                  for k in range(len(qq.options))], "→")
        elif qq.type == "text":
            v = text(qq.id)
            cols[head] = np.where(v != "", v, EMPTY)
        else:  # number
            cols[head] = frame[qq.id].astype("Int64").astype("string").fillna("").to_numpy(dtype=object)
    return pd.DataFrame(cols)


def write_wjx(frame: pd.DataFrame, q, path: str | Path) -> None:
    """Write :func:`wjx_frame` as UTF-8 with BOM (to a temporary name first)."""
    path = Path(path)
    tmp = path.with_suffix(".part")
    wjx_frame(frame, q).to_csv(tmp, index=False, encoding="utf-8-sig")
    os.replace(tmp, path)

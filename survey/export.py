"""Export cleaned responses: CSV, XLSX, SPSS .sav (value and variable labels) or Parquet.

Columns are named by question id (native layout).  ``labels=True`` writes option labels for
single/scale/yes-no/matrix columns.  Text cells starting with = + - @ are neutralised in CSV
and XLSX (prefixed with ') so spreadsheet programs do not execute them.  Identifying columns
live in a separate table and are only added with ``include_pii``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from .errors import MinyiError

INTERNAL = ("_wave", "_import_id", "_row", "_source")


def neutralize(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells starting with = + - @ with an apostrophe (formula injection)."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or str(out[c].dtype).startswith("string"):
            s = out[c].astype("string")
            risky = s.str.match(r"^[=+\-@]").fillna(False)
            out[c] = s.where(~risky, "'" + s).astype(object).where(s.notna(), None)
    return out


def write_table(df: pd.DataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        neutralize(df).to_excel(path, index=False)
    elif suffix in (".csv", ".txt", ""):
        neutralize(df).to_csv(path, index=False, encoding="utf-8-sig")
    else:
        raise MinyiError.of("usage", reason=f"cannot write {path.suffix} here; use .csv or .xlsx")


def export_project(project, *, format: str = "csv", labels: bool = False, wave: Optional[str] = None,
                   out: Optional[Path] = None, include_pii: bool = False) -> Optional[str]:
    """Write the cleaned data; returns CSV text when ``out`` is None (CSV only)."""
    if format not in ("csv", "xlsx", "sav", "parquet"):
        raise MinyiError.of("usage", reason=f"unknown --format {format!r}; choose csv, xlsx, sav or parquet")
    if out is None and format != "csv":
        raise MinyiError.of("usage", reason=f"--format {format} needs --out FILE")
    q = project.questionnaire
    df, _ = project.responses(wave)
    if include_pii:
        for w in ([wave] if wave else project.waves()):
            for name, pdf in project._pii_columns(w).items():
                df = df.merge(pdf, on=["_import_id", "_row"], how="left", suffixes=("", "_dup"))
    df = df.drop(columns=[c for c in INTERNAL if c in df.columns and c != "_wave"])
    if wave is not None and "_wave" in df.columns:
        df = df.drop(columns=["_wave"])
    else:
        df = df.rename(columns={"_wave": "wave"})
    value_labels = {}
    for qq in q.questions:
        if qq.type in ("single", "scale", "yesno", "matrix"):
            vl = {o.code: o.label for o in qq.options}
            for c in qq.columns():
                if c in df.columns:
                    value_labels[c] = vl
                    if labels:
                        df[c] = df[c].map(lambda v, vl=vl: vl.get(int(v)) if v == v and v is not None else None)
    # integral codes as integers
    for c in df.columns:
        if df[c].dtype.kind == "f" and df[c].dropna().apply(float.is_integer).all():
            df[c] = df[c].astype("Int64")
    if format == "csv":
        buf = io.StringIO()
        neutralize(df).to_csv(buf, index=False)
        if out is None:
            return buf.getvalue()
        Path(out).write_text(buf.getvalue(), encoding="utf-8-sig")
        return None
    if format == "xlsx":
        neutralize(df).to_excel(out, index=False)
    elif format == "parquet":
        df.to_parquet(out, index=False)
    else:
        import pyreadstat

        col_labels = {}
        for qq in q.questions:
            for c in qq.columns():
                col_labels[c] = qq.text if qq.type != "matrix" else f"{qq.text}：{next((r.label for r in qq.rows if f'{qq.id}_{r.id}' == c), '')}"
        sav = df.copy()
        for c in sav.columns:
            if str(sav[c].dtype) == "Int64":
                sav[c] = sav[c].astype(float)
        pyreadstat.write_sav(sav, str(out), column_labels=[col_labels.get(c, c) for c in sav.columns],
                             variable_value_labels={c: {float(k): v for k, v in vl.items()} for c, vl in value_labels.items()
                                                    if c in sav.columns and not labels})
    return None

"""The one entry point: :func:`read_responses` reads a file by its content (:mod:`survey.tabular`), lets a
layout's fast reader take it when one applies (the native CSV), and otherwise converts the raw table with the
shared converter (:func:`convert_raw`) for the layout recognised from its headers
(:func:`survey.importers.registry.detect`) or forced with ``--format``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from ..errors import MinyiError
from ..messages import problem
from ..header_rows import header_names, second_header_note, second_header_row, without_first_row
from ..questionnaire import Questionnaire
from ..tabular import KIND_NAMES, RawTable, check_blank_lines_file, read_raw, sniff_kind
from .base import SHEET_KINDS, WAVE_COLUMN, ImportedTable, file_hash, file_waves
from .converter import _Converter
from .notes import grouped_notes
from .pii_columns import detect_pii
from .registry import CONTAINERS, FORCED, FORMATS, LAYOUTS, detect


def read_responses(path: str | Path, q: Questionnaire, *, format: str = "auto", sheet: Optional[str] = None,
                   mapping: Optional[dict] = None, limits=None) -> ImportedTable:
    """Read any supported response file and convert it to the native layout (see module docstring).

    ``format``: ``auto`` (detect from content), ``csv``/``xlsx``/``sav`` (insist on that kind of file;
    the layout is still recognised from the headers), ``wjx``/``tencent``/``kobo``/``native`` (that
    layout, whatever the container).  Raises :class:`MinyiError` naming the file when it cannot be read.
    """
    from ..arrow_memory import use_fast_pool

    use_fast_pool()  # before the first large Arrow allocation (see survey.arrow_memory)
    p = Path(path)
    if format not in FORMATS:
        raise MinyiError.of("unknown-format", format=format, choices=", ".join(FORMATS))
    if not p.exists():
        raise MinyiError.of("file-not-found", file=str(p), path=str(p))
    if p.is_dir():
        raise MinyiError.of("file-unreadable", file=str(p), path=str(p), reason="it is a folder")
    if p.stat().st_size == 0:
        raise MinyiError.of("file-empty", file=str(p))
    kind = sniff_kind(p)
    if format in CONTAINERS and kind not in CONTAINERS[format]:
        raise MinyiError.of("file-unreadable", file=str(p), path=str(p),
                            reason=f"--format {format} was given but the content is {KIND_NAMES.get(kind, kind)}"
                                   f"{_ext_note(p, kind)}")
    if sheet is not None and kind not in ("xlsx", "xls"):
        raise MinyiError.of("sheet-not-excel", file=str(p), name=p.name, kind=KIND_NAMES.get(kind, kind))
    from ..limits import Limits

    lim = limits or Limits()
    if kind == "text":  # the header's field count, before any parsing (100k junk columns took minutes)
        with open(p, "rb") as fh:
            first = fh.readline(64 << 20)
        first = first.split(b"\r", 1)[0]  # bare CR line ends (Excel's "CSV (Macintosh)"): the first line only
        n = max(first.count(sep) for sep in (b",", b"\t", b";")) + 1
        lim.check("import_columns", n, file=str(p), line=1, what="columns of a file to import (header row)")
        check_blank_lines_file(p, lim)  # before any reader: each blank line would be a quarantined row
    for layout in LAYOUTS.values():  # a layout's own fast reader (the native CSV through pyarrow)
        t = layout.read_fast(p, q, kind, format, mapping) if layout.read_fast else None
        if t is not None:
            return _finish(t)
    try:
        raw = read_raw(p, kind, sheet, limits)
    except MinyiError as e:
        note = _ext_note(p, kind)
        first = e.problems[0] if e.problems else None
        if note and first is not None and first.code == "file-unreadable" and "reason" in first.extra:
            raise MinyiError.of("file-unreadable", file=str(p), path=str(p), reason=first.extra["reason"] + note) from None
        raise
    lim.check("import_columns", raw.frame.shape[1], file=str(p), what="columns of a file to import")
    return _finish(convert_raw(raw, q, p, format=format, mapping=mapping), raw.kind)


def _finish(t: ImportedTable, kind: str = "text") -> ImportedTable:
    """The layout's last step over a converted table, if it has one (the native layout undoes the formula guard
    of minyi's own export).  Not for SPSS or Parquet files: the export guards only the files spreadsheets open
    (CSV, XLSX), so a stored ``'=x`` travels through .sav and Parquet as it is and must come back so."""
    if kind in ("sav", "parquet"):
        return t
    layout = LAYOUTS.get(t.format)
    return layout.finish(t) if layout is not None and layout.finish else t


SHEETS_SHOWN = 5  # other sheets named when the first sheet of a workbook holds no question's column


def _other_sheets_note(raw: RawTable) -> str:
    """"; the workbook has other sheets (数据): if the answers are there, choose it with --sheet NAME" — when the
    first sheet, read by default, matched nothing (a 说明 or cover sheet before the data sheet)."""
    names = list(raw.other_sheets)
    if not names:
        return ""
    shown = ", ".join(names[:SHEETS_SHOWN]) + (" …" if len(names) > SHEETS_SHOWN else "")
    return f"; the workbook has other sheets ({shown}): if the answers are on one of them, choose it with --sheet NAME"


def _ext_note(p: Path, kind: str) -> str:
    ext = p.suffix.lower()
    expected = {".csv": "text", ".tsv": "text", ".txt": "text", ".xlsx": "xlsx", ".xls": "xls", ".sav": "sav",
                ".zsav": "sav", ".zip": "zip"}.get(ext)
    if expected and expected != kind and not (expected == "xls" and kind == "text"):
        return f" although its name ends in {ext}"
    return ""


def import_key(sha256: str, sheet: str = "") -> str:
    """The key that makes an import idempotent: the file's SHA-256, and for a workbook sheet other than the
    first (``--sheet NAME``) that sheet's name too (``<sha256>#sheet=西城区``).  One workbook holds one table
    per sheet; keyed by the file alone, a second sheet was refused as "already imported" once the first was.
    The first sheet keeps the plain hash, read by default or by its name, so neither imports it twice."""
    return f"{sha256}#sheet={sheet}" if sheet else sha256


def convert_raw(raw: RawTable, q: Questionnaire, p: Path, *, format: str = "auto",
                mapping: Optional[dict] = None, hash_file: bool = True) -> ImportedTable:
    """Convert a :class:`~survey.tabular.RawTable` read from ``p`` to the native layout."""
    df = raw.frame
    if df.shape[1] == 0:
        raise MinyiError.of("file-empty", file=str(p))
    if len(df) == 0:  # a header without any data row
        raise MinyiError.of("file-no-rows", file=str(p), line=raw.header_line or None, columns=df.shape[1])
    second = second_header_row(list(df.columns), df.iloc[0].tolist(), q) if raw.kind != "sav" and len(df) > 1 else []
    if second:  # question texts under the column names (or over them): part of the header, not answers
        raw = without_first_row(raw, header_names(list(df.columns), df.iloc[0].tolist(), q))
        df = raw.frame
    seen = None  # the layout the headers show when --format insists on another one
    if format in FORCED:
        name, why = format, "chosen with --format"
        seen = detect(list(df.columns), q, raw.kind, raw.var_labels)
        if seen[0] in (name, "generic"):
            seen = None
    else:
        name, why = detect(list(df.columns), q, raw.kind, raw.var_labels)
    layout = LAYOUTS[name]
    fmt = layout.report_as(raw.kind) if layout.report_as else layout.name
    what = layout.title
    reason = f"{what}: {why}; read as {raw.detail}{_ext_note(p, {'csv': 'text'}.get(raw.kind, raw.kind))}"
    conv = _Converter(q, raw, p.name, layout, mapping)
    if seen is not None:  # 问卷星's (空) / -3 read as native text and codes: said, as the user may not know
        other = LAYOUTS[seen[0]]
        conv.unmatched.append(problem("format-forced-other", file=p.name, severity="warning", forced=name,
                                      title=what, seen=other.name, seen_title=other.title, why=seen[1]))
    if second:
        conv.unmatched.append(second_header_note(second, raw, p.name))
    frame = conv.run()
    conv.workbook_marks(raw)
    if not conv.matched_any:
        cands = [f"{x.number}、{x.text}" for x in q.questions[:3]] + q.columns(meta=False)[:3]
        shown = ", ".join(list(df.columns)[:6]) + (" …" if df.shape[1] > 6 else "")
        raise MinyiError.of("file-unreadable", file=str(p), path=str(p),
                            reason=f"none of its {df.shape[1]} column(s) ({shown}) matches a question of "
                                   f"'{q.title}' (expected headers like {', '.join(cands)}); read as {raw.detail}"
                                   + _other_sheets_note(raw))
    waves: list = []
    if name == "native" and WAVE_COLUMN in df.columns:  # a survey export of every wave: each row's wave
        waves = file_waves(df[WAVE_COLUMN].tolist())
        conv.unmatched = [u for u in conv.unmatched if not (u.code == "unmatched-column" and u.column == WAVE_COLUMN)]
    frame["_row"] = np.arange(len(df), dtype=np.int64) + raw.header_line + 1
    pii_cols = [c for c in detect_pii(df, conv.used) if c in df.columns]
    pii = df[pii_cols].copy() if pii_cols else pd.DataFrame(index=df.index)
    cells = None if name == "native" else df.drop(columns=pii_cols)  # the file's cells, for its quarantined rows
    names = {} if name == "native" else conv.column_names(raw.kind in SHEET_KINDS)
    for u in conv.unmatched:  # a note on a file column names it as the file does (a workbook: with its letter)
        if isinstance(u.column, str) and u.column in names and u.header is None:
            u.header, u.sheet_column = names[u.column][0], names[u.column][1] or None
    return ImportedTable(frame=frame, problems=conv.problems_frame(raw.header_line), format=fmt, format_reason=reason,
                         pii=pii, unmatched=grouped_notes(conv.unmatched, p.name), source_hash=import_key(file_hash(p), raw.sheet) if hash_file else "",
                         rows_read=len(df), waves=waves, source_cells=cells,
                         column_names=names)

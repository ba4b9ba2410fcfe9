"""What every source layout shares: the converted table (:class:`ImportedTable`), the layout record
(:class:`Layout`, registered in :mod:`survey.importers.registry`), the headers a layout is recognised from
(:class:`Headers`) and the file hash that makes an import idempotent."""

from __future__ import annotations

import hashlib
import re
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pandas as pd

from .text import trim_cell

PROBLEM_COLUMNS = ["index", "row", "column", "value", "code", "message", "target", "params"]
WAVE_COLUMN = "wave"  # the column `survey export` writes with each row's wave (survey.export)


SHEET_KINDS = ("xlsx", "xls")  # file kinds (survey.tabular.sniff_kind) whose columns have Excel letters
SPSS_SUFFIXES = (".sav", ".zsav")  # an SPSS data file: its rows are cases, numbered from 1 (no header row)


def row_unit(kind: str) -> str:
    """How a data row of a file of ``kind`` (:func:`survey.tabular.sniff_kind`) is named in messages: ``case``
    for an SPSS file, whose row numbers are SPSS's case numbers (1 = the first case; SPSS has no header row),
    else ``row`` (the file's own row or line number, the header counted)."""
    return "case" if kind == "sav" else "row"


def source_unit(source: str) -> str:
    """:func:`row_unit` of a stored record, known by its source file's name (``answers.sav`` → ``case``)."""
    return "case" if str(source).lower().endswith(SPSS_SUFFIXES) else "row"


def file_waves(values) -> list:
    """The distinct non-empty values of a ``wave`` column (stripped text), in the order they first appear."""
    out: dict = {}
    for v in values:
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            continue
        s = trim_cell(str(v))
        if s:
            out.setdefault(s, None)
    return list(out)


@dataclass
class ImportedTable:
    frame: pd.DataFrame
    problems: pd.DataFrame  # index, row, column, value, code, message
    format: str
    format_reason: str
    pii: pd.DataFrame = field(default_factory=pd.DataFrame)
    unmatched: list = field(default_factory=list)
    source_hash: str = ""
    rows_read: int = 0
    # int16 code columns as read (native fast path): {column: (Arrow int16 array, the float32 numpy array the
    # frame holds for it)}; survey.ingest.arrow_rows stores these instead of converting the floats back
    codes: dict = field(default_factory=dict)
    # the distinct values of the WAVE_COLUMN of a file in minyi's native layout (what `survey export` of every
    # wave writes), in file order; survey.ingest.build_batch imports the file into that wave or refuses several
    waves: list = field(default_factory=list)
    # the file's own cells (its headers, its text: 问卷星's 男, 住房┋看病, 5→2→1) of a layout other than minyi's,
    # identifying columns left out: a quarantined row is kept as the file had it, so that the user can find and
    # mend it there (survey.ingest.build_batch); None for the native layout, whose cells are what is stored
    source_cells: Optional[pd.DataFrame] = None
    # {column a problem record names (a file header, or a native column such as Q2 that a row check names): (the
    # file's header it stands for, its Excel column letters in a workbook or "")}: how the quarantine and the import
    # name a column to the user (survey.importers.converter._Converter.column_names); {} for the native layout
    column_names: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Headers:
    """The header row of a file as the layouts' detectors see it (computed once per file)."""

    columns: list  # as in the file
    cols: list  # normalised (survey.importers.text.norm_text)
    labels: list  # normalised SPSS variable labels
    n_native: int  # columns named like one of the questionnaire's native columns

    @property
    def low(self) -> set:
        return {c.lower() for c in self.cols}

    def count(self, rx: re.Pattern, labels: bool = True) -> int:
        """Headers (and variable labels) that ``rx`` matches at their start."""
        return sum(1 for c in (self.cols + self.labels if labels else self.columns) if rx.match(c))


def _never(h: Headers) -> Optional[str]:
    return None


@dataclass(frozen=True)
class Layout:
    """One source layout (minyi native, 问卷星, 腾讯问卷, Kobo, generic): how it is recognised and what the
    shared converter (:class:`survey.importers.converter._Converter`) must do differently for it.

    Detection runs over the registry twice, in its order: first every layout's ``detect_meta`` (metadata
    columns that only that layout writes), then every layout's ``detect_style`` (the shape of its question
    headers); the first reason returned names the layout.
    """

    name: str  # the --format value and ImportedTable.format
    title: str  # in the format reason ("问卷星: …")
    detect_meta: Callable[[Headers], Optional[str]] = _never
    detect_style: Callable[[Headers], Optional[str]] = _never
    skip_values: tuple = ()  # cells that mean "not asked" besides the common empty markers
    rank_skipped: tuple = ()  # raw cells of a per-option ranking column meaning "asked, nothing ranked here"
    scores: bool = True  # a code column may hold the options' scores (问卷星 按分数)
    report_as: Optional[Callable] = None  # content kind -> format reported (default: the layout's name)
    read_fast: Optional[Callable] = None  # (path, q, kind, format, mapping) -> ImportedTable or None (not applicable)
    finish: Optional[Callable] = None  # ImportedTable -> ImportedTable, applied to every table of this layout


_HASHES: dict = {}  # (resolved path, size, mtime) -> Future of the SHA-256 (one file at a time)
_HASH_LOCK = threading.Lock()


def _hash_key(path: Path) -> tuple:
    p = Path(path)
    st = p.stat()
    return str(p.resolve()), st.st_size, st.st_mtime_ns


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)  # releases the GIL: a hash ahead runs beside the reading
    return h.hexdigest()


def _hash_future(path: Path) -> tuple[Future, Optional[Callable[[], None]]]:
    """The file's hash (one Future per path, size and modification time) and, when it is new, the
    function that computes it (for the caller to run, here or on a thread)."""
    key = _hash_key(path)
    with _HASH_LOCK:
        fut = _HASHES.get(key)
        if fut is None:
            _HASHES.clear()
            fut = _HASHES[key] = Future()
            start = True
        else:
            start = False
    if start:
        def run() -> None:
            try:
                fut.set_result(_sha256(key[0]))
            except BaseException as e:  # the caller of file_hash sees it; a later call tries again
                with _HASH_LOCK:
                    if _HASHES.get(key) is fut:
                        del _HASHES[key]
                fut.set_exception(e)
        return fut, run
    return fut, None


def hash_ahead(path: Path) -> None:
    """Start hashing ``path`` on a thread, for :func:`file_hash` to collect later (an import reads the file
    meanwhile: its SHA-256 is needed only when the import is recorded)."""
    fut, run = _hash_future(path)
    if run is not None:
        threading.Thread(target=run, name="minyi-file-hash", daemon=True).start()


def file_hash(path: Path) -> str:
    """SHA-256 of the file (kept by path, size and modification time: the store asks twice; started
    early by :func:`hash_ahead`)."""
    fut, run = _hash_future(path)
    if run is not None:
        run()
    return fut.result()

"""Store responses in a project: prepare a checked batch (pure), then commit it (one transaction).

Every way rows enter a project goes through these two steps:

1. **prepare** — :func:`prepare_file` reads a response file (:func:`survey.importers.read_responses`:
   bytes → table → typed native columns) or :func:`prepare_frame` takes a DataFrame of native-layout rows
   (e.g. answers collected by ``survey serve``, source ``serve``: codes as numbers or text, text as text —
   exactly what a native CSV holds, converted by the same native-layout code).  Then every row is checked
   (:func:`survey.rowcheck.check_rows`: one record per problem), the accepted rows become one Arrow table of
   the stored column types, the quarantined rows keep their whole converted row as JSON, identifying columns
   are set apart.  Nothing is written: the result is an :class:`ImportBatch` (``strict`` raises instead when
   anything is wrong).
2. **commit** — :func:`commit_batch` takes the project's write lock (:func:`survey.dbfile.write_lock`), opens
   one DuckDB transaction, checks there whether the batch's ``key`` (the file's SHA-256, or the caller's
   batch key) is already recorded — then nothing is added and the summary says so — and otherwise inserts
   responses, quarantine records, identifying values and the provenance record, and appends the project
   history.  A killed process leaves nothing half-written (an uncommitted transaction never reaches the
   file); two imports of the same file at once store it once.

:func:`remove_import` undoes one import (its responses, quarantine records, identifying values and quality
flags) in one transaction and records the removal in the history.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd

from .errors import MinyiError
from .labels import labels
from .messages import Problem, problem
from .header_rows import fold_repeated_headers
from .progress import stage
from .project_files import CONFIG
from .codings import codings_json
from .questionnaire import Questionnaire, column_types
from .rowcheck import check_rows
from .waves import DEFAULT_WAVE

REASONS_ZH = labels("reason", "zh")  # quarantine code → its name (the label table, survey.labels)


@dataclass
class ImportSummary:
    """What one import did (printed by ``survey import``)."""

    file: str
    format: str
    format_reason: str
    wave: str
    rows_read: int
    accepted: int
    quarantined: int
    reasons: dict  # code -> quarantined rows with that problem
    already: Optional[str] = None  # "<time> as wave <w>" when the file was imported before
    unmatched: list = field(default_factory=list)
    pii_columns: list = field(default_factory=list)
    import_id: Optional[int] = None
    repeated: Optional["RepeatedIds"] = None  # respondent ids of this import already in the wave
    repeated_in_file: Optional["RepeatedInFile"] = None  # respondent ids this import holds twice

    def lines(self) -> list[str]:
        if self.already:
            return [f"{self.file}: already imported ({self.already}); nothing added"]
        out = [f"{self.file}: format {self.format} ({self.format_reason})",
               f"wave {self.wave}: {self.rows_read:,} rows read, {self.accepted:,} accepted, "
               f"{self.quarantined:,} quarantined" + (f" (import #{self.import_id})" if self.import_id else "")]
        for code, n in sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"  quarantined — {code} ({REASONS_ZH.get(code, code)}): {n:,} row(s)")
        for u in self.unmatched or []:
            out.append(f"  note: {u}")
        if self.pii_columns:
            out.append(f"  identifying columns kept apart (not exported or reported): {', '.join(self.pii_columns)}")
        if self.repeated is not None:
            out.append("  " + self.repeated.note(self.wave, self.import_id))
            if self.repeated.excluded:  # each id's first answer analysed: a corrected file would not count
                out.append("  " + self.repeated.replace_note())
        if self.repeated_in_file is not None:
            out.append("  " + self.repeated_in_file.note())
        return out

    def to_dict(self) -> dict:
        return {"file": self.file, "format": self.format, "format_reason": self.format_reason, "wave": self.wave,
                "rows_read": self.rows_read, "accepted": self.accepted, "quarantined": self.quarantined,
                "reasons": dict(self.reasons), "already_imported": self.already, "import_id": self.import_id,
                "unmatched": [str(u) for u in self.unmatched or []], "pii_columns": list(self.pii_columns or []),
                "repeated_ids": self.repeated.rows if self.repeated is not None else 0,
                "repeated_in_imports": list(self.repeated.earlier_imports) if self.repeated is not None else [],
                "repeated_in_file": self.repeated_in_file.rows if self.repeated_in_file is not None else 0}


@dataclass(frozen=True)
class RepeatedIds:
    """Rows of an import whose respondent id is already in the wave from an earlier import — a cumulative
    download (问卷星 gives every answer so far) imported on top of the last one, or the same answers saved
    again as another file.  Nothing is dropped at import: ``survey check`` flags them (``duplicate_id``, the
    first answer of each id kept) and the project's rules say whether analysis leaves them out."""

    rows: int
    earlier_imports: tuple  # ids of the earlier imports that hold them
    excluded: bool  # the duplicate_id rule is on (the default): analysis keeps each id's first answer
    project: str  # the project folder, for the command that undoes the import

    def note(self, wave: str, import_id: Optional[int]) -> str:
        where = ", ".join(f"#{i}" for i in self.earlier_imports)
        then = ("survey check flags them (duplicate_id) and analysis keeps each id's first answer" if self.excluded
                else "survey check flags them (duplicate_id), but that exclusion rule is off in minyi.yaml: analysis "
                     "keeps them unless another rule (identical_answers) leaves them out")
        undo = (f"; if this file repeats an earlier one, undo it with: survey remove-import {self.project} {import_id}"
                if import_id else "")
        return (f"warning: {self.rows:,} row(s) have a respondent id already in wave {wave} (import {where}): "
                f"{then}{undo}")

    def replace_note(self) -> str:
        """The other way out: the file *replaces* the earlier import(s) — a download corrected after a look at
        ``survey quarantine``, or a fuller 问卷星 download.  Analysis keeps each id's first answer, which is the
        earlier import's, so the corrections would not count unless the earlier import is undone."""
        which = ", ".join(f"#{i}" for i in self.earlier_imports)
        undo = "; ".join(f"survey remove-import {self.project} {i}" for i in self.earlier_imports)
        return (f"if this file replaces import {which} (a corrected or fuller download), undo the earlier import "
                f"instead, so that this file's answers count: {undo}")


JOINED_SHARE = 0.2  # repeated ids from this share of a file's rows on suggest two exports joined into one


@dataclass(frozen=True)
class RepeatedInFile:
    """Accepted rows of one import whose respondent id an earlier row of the same file has: two exports joined
    into one file (``cat week1.csv week2.csv``, a second download pasted under the first), or answers entered
    twice.  Nothing is dropped at import; as for :class:`RepeatedIds`, ``survey check`` flags them
    (``duplicate_id``) and the project's rules say whether analysis leaves them out.  Without this note the wave
    would look twice as large at import, and doubled in analysis if that rule is off."""

    rows: int
    excluded: bool  # the duplicate_id rule is on (the default): analysis keeps each id's first answer
    of: int = 0  # the import's accepted rows

    def note(self) -> str:
        then = ("survey check flags them (duplicate_id) and analysis keeps each id's first answer" if self.excluded
                else "survey check flags them (duplicate_id), but that exclusion rule is off in minyi.yaml: analysis "
                     "counts every one of them")
        joined = self.rows >= JOINED_SHARE * self.of  # a few repeats are answers entered twice, not a second export
        why = "two exports joined into one?" if joined else "an answer entered or sent twice?"
        return f"warning: {self.rows:,} row(s) repeat the respondent id of an earlier row of this file ({why}): {then}"


@dataclass
class ImportBatch:
    """A checked batch of rows, ready for :func:`commit_batch` (nothing written yet).

    ``rows`` holds the accepted rows as an Arrow table of the stored column types (no ``_wave``,
    ``_import_id`` or ``_source``: the commit adds them); ``quarantine`` one record per problem (row,
    column, value, code, message, raw row as JSON); ``pii`` the identifying values (``_row``, column, value).
    ``key`` identifies the batch for idempotency (a file's SHA-256; ``None``: never deduplicated).
    """

    source: str
    path: Optional[str]
    key: Optional[str]
    format: str
    format_reason: str
    wave: str
    site: Optional[str]
    rows: Any
    quarantine: Optional[pd.DataFrame]
    pii: Optional[pd.DataFrame]
    hash_pii: bool
    rows_read: int
    accepted: int
    quarantined: int
    reasons: dict
    unmatched: list = field(default_factory=list)
    pii_columns: list = field(default_factory=list)
    bytes: Optional[int] = None  # the file's size (None: not a file)

    def summary(self, import_id: Optional[int] = None, already: Optional[str] = None,
                repeated: Optional[RepeatedIds] = None, in_file: Optional[RepeatedInFile] = None) -> ImportSummary:
        if already:
            return ImportSummary(self.source, "-", "-", self.wave, 0, 0, 0, {}, import_id=import_id, already=already)
        return ImportSummary(self.source, self.format, self.format_reason, self.wave, self.rows_read, self.accepted,
                             self.quarantined, dict(self.reasons), unmatched=list(self.unmatched),
                             pii_columns=list(self.pii_columns), import_id=import_id, repeated=repeated,
                             repeated_in_file=in_file)


# ----------------------------------------------------------------------------- prepare
def imported_before(project, path: str | Path, sheet: Optional[str] = None) -> Optional[ImportSummary]:
    """The summary of a file already recorded in ``project`` (by its SHA-256), so it is not read again; None
    when it is new (or not a file: then :func:`prepare_file` says what is wrong).  :func:`commit_batch`
    repeats the check inside its transaction.  With ``sheet`` (``--sheet``) the file is read: the key of a
    sheet other than the first holds its name too (:func:`survey.importers.read.import_key`)."""
    from .importers import file_hash, hash_ahead

    path = Path(path)
    if not path.is_file() or sheet is not None:
        return None
    con = project.connect()
    try:
        if not _size_recorded(con, path.stat().st_size):  # new: hashed while it is read
            hash_ahead(path)
            return None
        prev = already_imported(con, file_hash(path))
    finally:
        con.close()
    if not prev:
        return None
    import_id, wave, said = prev
    return ImportSummary(path.name, "-", "-", wave, 0, 0, 0, {}, already=said, import_id=import_id)


def prepare_file(project, path: str | Path, *, format: str = "auto", wave: Optional[str] = None,
                 site: Optional[str] = None, mapping: Optional[dict] = None, sheet: Optional[str] = None,
                 strict: bool = False, hash_pii: bool = False) -> ImportBatch:
    """Read and check one response file (see module docstring); nothing is written."""
    from .importers import file_hash, read_responses

    path = Path(path)
    size = path.stat().st_size if path.is_file() else 0
    with stage(f"reading {path.name}" + (f" ({size / 1e6:,.0f} MB)" if size >= 1e6 else "")):
        table = read_responses(path, project.questionnaire, format=format, sheet=sheet, mapping=mapping,
                               limits=project.limits)
    batch = build_batch(project.questionnaire, table, source=path.name, path=str(path.resolve()),
                        key=table.source_hash or file_hash(path), wave=wave, site=site, strict=strict,
                        hash_pii=hash_pii)
    batch.bytes = size if path.is_file() else None
    return batch


def prepare_frame(project, frame: pd.DataFrame, *, source: str = "serve", key: Optional[str] = None,
                  wave: Optional[str] = None, site: Optional[str] = None, strict: bool = False,
                  hash_pii: bool = False, first_row: int = 1) -> ImportBatch:
    """Check a DataFrame of native-layout rows (``survey serve``'s answers, say) as a batch; nothing is written.

    ``frame`` has native column names (``respondent_id``, ``submitted_at``, ``duration_sec``, question
    columns; unknown columns are reported like in a file, identifying ones such as ``ip`` kept apart), cells
    as numbers or text.  The rows are converted by the native layout's code (option labels → codes,
    ``1.0`` → 1, values that are no option quarantined with their raw text) and checked like an imported file;
    ``first_row`` numbers them (row numbers in quarantine records).  ``key`` makes the batch idempotent.
    """
    from .importers import native_table

    table = native_table(frame, project.questionnaire, source=source, first_row=first_row)
    return build_batch(project.questionnaire, table, source=source, path=None, key=key, wave=wave, site=site,
                       strict=strict, hash_pii=hash_pii)


WAVES_SHOWN = 6  # waves named in the error on a file that holds several


def import_wave(table, source: str, wave: Optional[str]) -> str:
    """The wave a converted table goes to: ``--wave``, else the wave its own ``wave`` column names (a
    ``survey export`` of every wave, imported back), else ``default``.

    A file whose ``wave`` column names several waves is refused: imported as one wave, the answers of all
    of them would be merged (and, the same respondents being in each, all but one wave's answers left out of
    analysis as repeated ids).  When ``--wave`` differs from the one wave the file names, a note says so (the
    rows go where ``--wave`` says).
    """
    named = list(getattr(table, "waves", None) or [])
    if len(named) > 1:
        shown = ", ".join(named[:WAVES_SHOWN]) + (" …" if len(named) > WAVES_SHOWN else "")
        raise MinyiError.of("file-several-waves", file=source, count=len(named), waves=shown)
    if wave is None:
        if named:  # the wave's name from the file: the rule of --wave (no control or invisible character)
            from .store import check_wave_characters

            check_wave_characters(named[0], where="the file's 'wave' column", file=source)
        return named[0] if named else DEFAULT_WAVE
    if named and named[0] != str(wave):
        table.unmatched = list(table.unmatched) + [problem("file-wave-differs", file=source, severity="warning",
                                                           file_wave=named[0], wave=str(wave))]
    return str(wave)


SITES_SHOWN = 6  # sites named in the note on rows that keep their own site


def _note_sites_kept(q: Questionnaire, table, source: str, site: str, given: pd.Series, code: float) -> None:
    """A warning when ``--site`` meets rows that name another site: ``--site`` fills only rows without one
    (issue 3 ``--site NAME``; the rule "nothing is changed silently" — nor is an instruction silently
    left undone), so the user is told how many rows keep another site of the file, and which sites those are."""
    kept = given.dropna()
    kept = kept[kept != code]
    if kept.empty:
        return
    labels = {float(o.code): o.label for o in q.question(q.site_question).options}
    counts = kept.map(lambda c: labels.get(float(c), str(c))).value_counts(sort=False)
    sites = ", ".join(f"{k} {v:,}" for k, v in list(counts.items())[:SITES_SHOWN])
    table.unmatched = list(table.unmatched) + [problem(
        "site-kept-from-file", file=source, severity="warning", site=site, filled=int(given.isna().sum()),
        kept=len(kept), column=q.site_question, sites=sites + (" …" if len(counts) > SITES_SHOWN else ""))]


IDS_SHOWN = 3  # cells named in the error on respondent ids Excel shortened
_SCIENTIFIC = r"[+-]?\d(?:\.\d+)?[eE][+-]?\d+"  # 1.38001E+10: how Excel shows and saves a long number
# 110101199001011000: a number of 16 or more digits kept to Excel's 15 significant digits, zeros after them (an
# ID card or student number typed or pasted into a cell formatted as a number, in a workbook)
_ROUNDED = r"(?=\d{16,}$)[1-9]\d{0,14}0+"


def _refuse_shortened_ids(frame: pd.DataFrame, table, source: str) -> None:
    """Refuse respondent ids that Excel or WPS turned into scientific notation (``ids-scientific``) or kept to 15
    significant digits (``ids-digits-lost``: a workbook's 18-digit ID card numbers stored as numbers) when they
    now repeat: 200 phone-number ids saved as ``1.38001E+10`` were one id, and analysis (the duplicate_id rule)
    kept one answer of the 200, while the import blamed "two exports joined".  The patterns are matched first
    (0.04 s at 1M ids, Arrow strings), and repeats are looked for among those ids alone (hashing every id took
    0.25–0.5 s)."""
    if "respondent_id" not in frame.columns or not len(frame):
        return
    ids = frame["respondent_id"].astype("string").str.strip()
    for rx, code in ((_SCIENTIFIC, "ids-scientific"), (_ROUNDED, "ids-digits-lost")):
        sci = np.flatnonzero(ids.str.fullmatch(rx).to_numpy(dtype=bool, na_value=False))
        if not sci.size:
            continue
        rep = ids.iloc[sci].duplicated(keep=False).to_numpy(dtype=bool)  # a shortened id repeats only as itself
        if not rep.any():
            continue
        at = sci[rep]
        rows = frame["_row"].to_numpy()[at]
        cells = ", ".join(f"row {int(r)} '{ids.iloc[i]}'" for r, i in zip(rows[:IDS_SHOWN], at[:IDS_SHOWN]))
        header, letters = _file_column(table.column_names, "respondent_id")
        found = problem(code, file=source, column="respondent_id", count=f"{len(at):,}",
                        cells=cells + (" …" if len(at) > IDS_SHOWN else ""))
        raise MinyiError([replace(found, header=header, sheet_column=letters)])


def _ids_as_spelt(frame: pd.DataFrame, table, source: str) -> None:
    """Respondent ids written in full-width characters (``Ａ００１``, typed with a Chinese input method in full-width
    mode) stored as the ids they spell (Unicode NFKC, ``A001``), and said (catalogue ``ids-full-width``): stored as
    written, ``Ａ００１`` and ``A001`` were two respondents to the repeated ids at import and to survey check's
    duplicate_id, so one respondent answering twice was analysed twice without a word.  Only the ids holding a
    character beyond ASCII are looked at (Arrow's test, 0.01 s at 1M ids)."""
    import unicodedata

    import pyarrow as pa
    import pyarrow.compute as pc

    from .importers.text import CELL_TRIM

    if "respondent_id" not in frame.columns or not len(frame):
        return
    ids = frame["respondent_id"].astype("string[pyarrow]")
    wide = np.flatnonzero(pc.invert(pc.string_is_ascii(pa.array(ids.array))).to_numpy(zero_copy_only=False)
                          .astype(bool, copy=False) & ids.notna().to_numpy(dtype=bool))
    if not wide.size:
        return
    was = ids.iloc[wide].to_numpy(dtype=object)
    now = np.array([unicodedata.normalize("NFKC", v).strip(CELL_TRIM) or None for v in was], dtype=object)
    changed = now != was
    if not changed.any():
        return
    out = ids.to_numpy(dtype=object, na_value=None)
    out[wide[changed]] = now[changed]
    frame["respondent_id"] = out
    pairs = list(dict.fromkeys(zip(was[changed], now[changed])))
    shown = ", ".join(f"'{a}' → {b}" for a, b in pairs[:IDS_SHOWN]) + (" …" if len(pairs) > IDS_SHOWN else "")
    header, letters = _file_column(table.column_names, "respondent_id")
    table.unmatched.append(replace(problem("ids-full-width", file=source, severity="info", column="respondent_id",
                                           count=f"{int(changed.sum()):,}", ids=shown),
                                   header=header, sheet_column=letters))


def build_batch(q: Questionnaire, table, *, source: str, path: Optional[str], key: Optional[str],
                wave: Optional[str], site: Optional[str], strict: bool, hash_pii: bool) -> ImportBatch:
    """Row checks, quarantine records, identifying values and typed rows of a converted table."""
    wave = import_wave(table, source, wave)
    frame = table.frame
    _ids_as_spelt(frame, table, source)
    _refuse_shortened_ids(frame, table, source)
    if site is not None:
        if not q.site_question:
            raise MinyiError.of("site-no-question")
        try:
            code = q.resolve_code(q.site_question, site)
        except KeyError:
            raise MinyiError.of("unknown-option", file=source, value=site, qid=q.site_question,
                                choices=", ".join(o.label for o in q.question(q.site_question).options))
        given = pd.to_numeric(frame[q.site_question], errors="coerce")
        _note_sites_kept(q, table, source, site, given, float(code))
        frame[q.site_question] = given.fillna(float(code))
        table.codes.pop(q.site_question, None)  # no longer the column as read
    rows = frame["_row"].to_numpy()
    with stage(f"checking {len(frame):,} rows"):
        checked = check_rows(frame, q, rows=rows, prior=table.problems)  # one mistake, one record
    probs = pd.concat([p for p in (table.problems, checked) if len(p)], ignore_index=True) \
        if len(table.problems) else checked
    probs = fold_repeated_headers(probs)  # a header row in the data: one record, not one per cell
    if strict and (len(probs) or table.unmatched):
        msgs = [problem("strict-import", file=source, count=len(probs) + len(table.unmatched),
                        rows=int(probs["index"].nunique()) if len(probs) else 0)]
        detail = [_problem_from_record(r, source, table.column_names) for r in probs.head(20).itertuples()]
        raise MinyiError(msgs + detail + list(table.unmatched[:20]))
    bad_idx = np.unique(probs["index"].to_numpy(dtype=np.int64)) if len(probs) else np.array([], dtype=np.int64)
    good = np.ones(len(frame), dtype=bool)
    good[bad_idx] = False
    qdf = None
    if len(probs):
        # the whole row, as JSON, with each of its problems (pandas' JSON writer, bad rows only): as the file had
        # it (its headers and text) for a 问卷星 / 腾讯 / Kobo / SPSS / other file, so that the user can find and
        # mend it there; the converted row (what the file holds) for minyi's own layout
        cells = frame if table.source_cells is None else table.source_cells
        raws = np.array(cells.iloc[bad_idx].to_json(orient="records", lines=True, force_ascii=False)
                        .splitlines(), dtype=object)
        pos = np.searchsorted(bad_idx, probs["index"].to_numpy(dtype=np.int64))
        qdf = pd.DataFrame({"row": probs["row"].astype("int64").to_numpy(), "column": probs["column"].astype(str),
                            "value": probs["value"].astype(object).where(probs["value"].notna(), None),
                            "code": probs["code"].astype(str), "message": probs["message"].astype(str),
                            "raw": raws[pos]})
        # the message's params (JSON; None where a record has none), from which it is said in the questionnaire's
        # language where that is shown (survey.messages.record_message: the .xlsx export's 说明)
        qdf["params"] = (probs["params"].astype(object).where(probs["params"].notna(), None).to_numpy()
                         if "params" in probs.columns else None)
        # the column as the user's file names it (its header, and in a workbook its letter): a 问卷星 file's
        # "2、您的性别" where the row checks say Q2 (None in minyi's own layout, where the header is the id)
        names = [table.column_names.get(c) for c in qdf["column"]]
        qdf["header"] = [n[0] if n else None for n in names]
        qdf["sheet_column"] = [n[1] or None if n else None for n in names]
    pin = None
    if table.pii is not None and table.pii.shape[1]:
        pieces = []
        for c in table.pii.columns:
            v = table.pii[c].astype("string").str.strip()
            keep = (v.notna() & (v != "")).to_numpy(dtype=bool, na_value=False)
            pieces.append(pd.DataFrame({"_row": rows[keep].astype(np.int64), "column": str(c),
                                        "value": v.to_numpy(dtype=object)[keep]}))
        pin = pd.concat(pieces, ignore_index=True) if pieces else None
    # the accepted rows, typed, as one Arrow table (int16 codes: a quarter of the float64 frame, which
    # is released before DuckDB starts writing)
    incoming = arrow_rows(q, frame, good, codes=table.codes)
    table.codes = {}
    table.frame = frame = table.source_cells = None
    reasons = probs.groupby("code")["index"].nunique().to_dict() if len(probs) else {}
    return ImportBatch(source=source, path=path, key=key, format=table.format, format_reason=table.format_reason,
                       wave=wave, site=site, rows=incoming, quarantine=qdf, pii=pin, hash_pii=hash_pii,
                       rows_read=int(table.rows_read), accepted=int(good.sum()), quarantined=int((~good).sum()),
                       reasons={str(k): int(v) for k, v in reasons.items()}, unmatched=list(table.unmatched),
                       pii_columns=[str(c) for c in table.pii.columns] if table.pii is not None else [])


def arrow_rows(q: Questionnaire, frame: pd.DataFrame, good: np.ndarray, codes: Optional[dict] = None):
    """The accepted rows as an Arrow table with the stored types (codes as int16/int32).

    ``codes`` (:attr:`survey.importers.ImportedTable.codes`): int16 columns as the native reader read them,
    used as they are when the frame still holds that reader's array for the column (checked by memory, so a
    column replaced since, e.g. by ``--site``, is converted from the frame)."""
    import pyarrow as pa

    all_good = bool(good.all())
    keep = None if all_good else pa.array(good)
    arrays, names = [], []
    for c, t in column_types(q):
        if c not in frame.columns or c in ("_wave", "_import_id", "_source"):
            continue
        s = frame[c]
        if t in ("SMALLINT", "INTEGER", "DOUBLE", "BIGINT"):
            if s.dtype in (np.float64, np.float32):  # float32: the native reader's codes
                x = s.to_numpy()
            elif s.dtype.kind in "fiub":
                x = s.to_numpy(dtype=float, na_value=np.nan)
            else:
                x = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
            as_read = (codes or {}).get(c)
            if t == "SMALLINT" and as_read is not None and np.shares_memory(x, as_read[1]):
                arr = as_read[0] if keep is None else as_read[0].filter(keep)
                arrays.append(arr)
                names.append(c)
                continue
            if not all_good:
                x = x[good]
            if t == "DOUBLE":
                arr = pa.array(x, mask=np.isnan(x))
            elif t == "BIGINT":
                arr = pa.array(x.astype(np.int64))
            else:
                arr = _int_codes(x, np.int16 if t == "SMALLINT" else np.int32)
        elif isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
            arr = pa.array(s.array)  # pandas' Arrow text: its own Arrow array, no Python strings
            if isinstance(arr, pa.ChunkedArray):  # one chunk per column, like the others: DuckDB stores
                arr = arr.combine_chunks()        # each record batch apart (small batches compress badly)
            if keep is not None:
                arr = arr.filter(keep)
            arr = arr.cast(pa.string())
        else:
            v = s.to_numpy(dtype=object)
            if not all_good:
                v = v[good]
            arr = pa.array(v, type=pa.string(), from_pandas=True) if v.dtype == object else pa.array(v.astype(str))
        arrays.append(arr)
        names.append(c)
    return pa.Table.from_arrays(arrays, names=names)


def _int_codes(x: np.ndarray, dtype):
    """Float codes (NaN = no answer) as an Arrow int16/int32 array.  Converted in numpy and checked to be
    exact; a value that is not (a fraction, out of range) goes through Arrow's checked cast, which raises."""
    import pyarrow as pa

    nan = np.isnan(x)
    with np.errstate(invalid="ignore"):
        y = x.astype(dtype)
        exact = bool(((y == x) | nan).all())
    if not exact:
        return pa.array(x, mask=nan).cast(pa.from_numpy_dtype(dtype))
    if not nan.any():
        return pa.array(y)
    y[nan] = 0  # what lies under a null is stored too: zeros compress (NaN cast to int is -32768)
    return pa.array(y, mask=nan)


def _problem_from_record(r: Any, source: str, names: Optional[dict] = None) -> Problem:
    """A row problem as ``--strict`` lists it, its column named as the file names it (``names``:
    :attr:`ImportedTable.column_names`): ``column C “2、您的性别” (Q2)`` rather than ``column Q2``."""
    col = r.column or None
    header, letters = _file_column(names, col)
    return Problem(code=str(r.code), message=str(r.message), file=source, row=int(r.row), column=col,
                   value=r.value, header=header, sheet_column=letters)


def _file_column(names: Optional[dict], column: Optional[str]) -> tuple:
    """(header, Excel letter or None) of minyi's ``column`` as the user's file names it (``names``:
    :attr:`ImportedTable.column_names`); (None, None) when the file's own name is minyi's."""
    header, letters = (names or {}).get(column, (None, ""))
    return header, letters or None


# ----------------------------------------------------------------------------- commit
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _now() -> str:
    return _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _size_recorded(con, size: int) -> bool:
    """Whether some import may have been a file of ``size`` bytes: one recorded with that size, or one
    whose size was not recorded (imports recorded before sizes were)."""
    return bool(con.execute("SELECT EXISTS (SELECT 1 FROM imports i LEFT JOIN import_sizes s ON s.import_id = i.id "
                            "WHERE s.bytes IS NULL OR s.bytes = ?)", [int(size)]).fetchall()[0][0])


def already_imported(con, key: Optional[str]) -> Optional[tuple[int, str, str]]:
    """(import id, wave, 'import #i on <time>, wave <w>') of the import that recorded ``key``, else None (the
    id and the wave as stored: a wave named "第二 wave 2" was read back out of the text as wave "2")."""
    if not key:
        return None
    prev = con.execute("SELECT imported_at, wave, id FROM imports WHERE sha256 = ? ORDER BY id LIMIT 1",
                       [key]).fetchall()
    if not prev:
        return None
    t, w, i = prev[0]
    return int(i), str(w), f"import #{i} on {t}, wave {w}"


def _next_id(con) -> int:
    return int(con.execute("SELECT greatest((SELECT coalesce(max(id), 0) FROM imports), "
                           "(SELECT coalesce(max(import_id), 0) FROM history)) + 1").fetchall()[0][0])


def commit_batch(project, batch: ImportBatch) -> ImportSummary:
    """Store ``batch`` in one transaction under the project's write lock (see module docstring)."""
    import duckdb

    from .dbfile import write_lock

    q = project.questionnaire
    salt = project._salt() if batch.hash_pii and batch.pii is not None and len(batch.pii) else ""
    with stage(f"storing {batch.accepted:,} rows in wave {batch.wave}"), write_lock(project.root, project.lock_wait):
        con = project.connect()
        try:
            con.execute("SET preserve_insertion_order = false")  # reads put rows in key order (survey.reading)
            # no run-length encoding tried: survey answers seldom come in runs, bit-packing stores them about as
            # small (+2% at 1M rows), and trying RLE on every column took about 8% of the import's writing time
            try:
                con.execute("SET disabled_compression_methods = 'rle'")
            except duckdb.Error:  # DuckDB before 1.2 has no such setting: RLE is tried there, as before
                pass
            con.execute("BEGIN TRANSACTION")
            prev = already_imported(con, batch.key)
            if prev:
                con.execute("ROLLBACK")
                i, wave, said = prev
                # its wave in minyi.yaml too (an import killed after its commit, before it wrote waves:)
                project._add_wave(wave)
                return replace(batch.summary(import_id=i, already=said), wave=wave)
            import_id = _next_id(con)
            cols = [c for c, _ in column_types(q)]
            present = set(batch.rows.column_names)
            sel = []
            for c in cols:
                if c == "_wave":
                    sel.append("?::VARCHAR")
                elif c == "_import_id":
                    sel.append("?::INTEGER")
                elif c == "_source":
                    sel.append("?::VARCHAR")
                elif c in present:
                    sel.append(_q(c))
                else:
                    sel.append("NULL")
            con.register("incoming", batch.rows)
            con.execute(f"INSERT INTO responses ({', '.join(_q(c) for c in cols)}) SELECT {', '.join(sel)} FROM incoming",
                        [batch.wave, import_id, batch.source])
            con.unregister("incoming")
            if batch.quarantine is not None and len(batch.quarantine):
                con.register("qin", batch.quarantine)
                con.execute("INSERT INTO quarantine (import_id, wave, source, \"row\", \"column\", value, code, message, "
                            "raw, header, sheet_column, params) SELECT ?, ?, ?, \"row\", \"column\", value, code, "
                            "message, raw, header, sheet_column, params FROM qin", [import_id, batch.wave, batch.source])
                con.unregister("qin")
            if batch.pii is not None and len(batch.pii):
                con.register("pin", batch.pii)
                val = "sha256(?::VARCHAR || value)" if batch.hash_pii else "value"
                con.execute(f"INSERT INTO pii SELECT ?, _row, \"column\", {val} FROM pin",
                            [import_id, salt] if batch.hash_pii else [import_id])
                con.unregister("pin")
            now = _now()
            con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [import_id, batch.source, batch.path, batch.key, batch.format, batch.wave, batch.site,
                         batch.rows_read, batch.accepted, batch.quarantined, now])
            # −1: not a file (rows of survey serve), never the size of one
            con.execute("INSERT INTO import_sizes VALUES (?, ?)", [import_id, -1 if batch.bytes is None else batch.bytes])
            con.execute("INSERT INTO import_codings VALUES (?, ?)", [import_id, codings_json(q)])
            repeated = _repeated_ids(con, project, batch, import_id, "respondent_id" in present)
            zeros = _ids_without_zeros(con, batch, import_id, cols, "respondent_id" in present)
            numbered = _rows_numbered_again(con, batch, import_id, cols, {"respondent_id", "submitted_at"} <= present)
            in_file = _repeated_in_file(con, project, batch, import_id, "respondent_id" in present)
            other_waves = _rows_of_other_waves(con, batch, import_id, cols, {"respondent_id", "submitted_at"} <= present)
            con.execute("INSERT INTO history VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM history), ?, 'import', "
                        "?, ?, ?, ?, ?, ?)",
                        [now, import_id, batch.source, batch.key, batch.wave, batch.accepted + batch.quarantined,
                         f"{batch.accepted} accepted, {batch.quarantined} quarantined ({batch.format})"])
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except Exception:  # pragma: no cover - connection already gone / nothing to roll back
                pass
            raise
        finally:
            con.close()
        others = [w for w in project.waves() if w != batch.wave] if batch.wave == DEFAULT_WAVE else []
        try:
            project._add_wave(batch.wave)
        except MinyiError as e:  # the rows are stored: the error says so, and how the same import completes minyi.yaml
            first = e.problems[0]
            raise MinyiError.of("import-stored-config-unwritten", file=first.file, rows=batch.accepted,
                                source=batch.source, id=import_id, wave=batch.wave, config=str(project.root / CONFIG),
                                reason=first.extra.get("reason") or first.message) from None
    summary = batch.summary(import_id=import_id, repeated=repeated, in_file=in_file)
    for other, rows, imports in other_waves:  # a wave doubled: the trend would compare these answers with themselves
        summary.unmatched.append(problem("import-rows-of-another-wave", file=batch.source, severity="warning",
                                         rows=f"{rows:,}", other=other, wave=batch.wave, project=project.root,
                                         imports=", ".join(f"#{i}" for i in imports), import_id=import_id))
    if zeros is not None:  # a wave doubled under ids Excel changed: nothing else would say it
        rows, imports, stored, now = zeros
        summary.unmatched.append(problem("import-ids-zeros-dropped", file=batch.source, severity="warning",
                                         rows=f"{rows:,}", wave=batch.wave, imports=", ".join(f"#{i}" for i in imports),
                                         stored=stored, now=now, project=project.root, import_id=import_id))
    for wave, rows, imports, stored, now, which in numbered:  # a wave doubled by a file without ids: its row
        # numbers say nothing of who answered
        summary.unmatched.append(problem("import-rows-without-ids-repeated", file=batch.source, severity="warning",
                                         rows=f"{rows:,}", wave=wave, imports=", ".join(f"#{i}" for i in imports),
                                         stored=stored, now=now, which=which, project=project.root,
                                         import_id=import_id))
    if others:  # the project has named waves: rows in "default" are most likely a forgotten --wave
        summary.unmatched.append(problem("import-default-wave", file=batch.source, severity="warning",
                                         waves=", ".join(others[-WAVES_SHOWN:]), project=project.root,
                                         import_id=import_id))
    return summary


def _repeated_in_file(con, project, batch: ImportBatch, import_id: int, has_ids: bool) -> Optional[RepeatedInFile]:
    """:class:`RepeatedInFile` of the rows just inserted as ``import_id`` (inside the import's transaction; None
    when no id repeats, or the file has no respondent ids): the rows beyond the first of each respondent id,
    counted by DuckDB where the rows are stored (0.1–0.3 s at 1M rows, where pyarrow's count_distinct of the
    same ids took 1.2–1.8 s)."""
    if not has_ids or not batch.accepted:
        return None
    extra = con.execute("SELECT count(respondent_id) - count(DISTINCT respondent_id) FROM responses "
                        "WHERE _import_id = ?", [import_id]).fetchall()[0][0]
    if not extra:
        return None
    return RepeatedInFile(int(extra), bool(project.exclusion_rules.get("duplicate_id")), of=int(batch.accepted))


def _rows_of_other_waves(con, batch: ImportBatch, import_id: int, cols: list, has_keys: bool) -> list:
    """(wave, rows, import ids) per other wave that already holds rows just inserted as ``import_id``: the same
    respondent id and submission time (both given) and the same answers in every stored column — one wave's file
    imported again as another wave (renamed, re-saved by Excel, so not the same bytes), or a 问卷星 download of
    every answer so far imported as the next wave.  A panel respondent answering again has another submission
    time; an id that restarts at 1 every wave has other answers.  Ids are compared without their leading zeros
    and times to the minute, which a copy saved by Excel or WPS drops.  Inside the import's transaction."""
    if not has_keys or not batch.accepted:
        return []
    if not con.execute("SELECT count(*) FROM imports WHERE wave <> ?", [batch.wave]).fetchall()[0][0]:
        return []
    # the id without its leading zeros and the time to the minute: a copy saved by Excel or WPS drops both
    # (0007 → 7, 2026/9/1 9:01:23 → 2026/9/1 9:01)
    keys = ("FROM responses n JOIN responses o ON ltrim(o.respondent_id, '0') = ltrim(n.respondent_id, '0') "
            "AND left(o.submitted_at, 16) = left(n.submitted_at, 16) WHERE n._import_id = ? AND o._wave <> ?")
    if not con.execute(f"SELECT EXISTS (SELECT 1 {keys})", [import_id, batch.wave]).fetchall()[0][0]:
        return []  # the usual case: one join on two keys (0.1 s at 300k rows)
    same = _same_answers(cols)
    # the answers compared on the pairs the keys found only (0.5 s at 300k rows, where the same comparison inside
    # the join took 1 s)
    found = con.execute(
        f"WITH k AS MATERIALIZED (SELECT n.rowid AS nr, o.rowid AS orow {keys}) "
        "SELECT o._wave, count(DISTINCT n.rowid), list(DISTINCT o._import_id ORDER BY o._import_id) FROM k "
        "JOIN responses n ON n.rowid = k.nr JOIN responses o ON o.rowid = k.orow "
        f"WHERE {same or 'TRUE'} GROUP BY o._wave ORDER BY 2 DESC, 1", [import_id, batch.wave]).fetchall()
    return [(str(w), int(n), [int(i) for i in ids]) for w, n, ids in found if n]


def _ids_without_zeros(con, batch: ImportBatch, import_id: int, cols: list, has_ids: bool) -> Optional[tuple]:
    """(rows, earlier import ids, a stored id, its id in this file) of the rows just inserted as ``import_id`` whose
    answers are stored in the wave already under the same respondent id but for leading zeros (0007 and 7): one
    file imported again after Excel or WPS dropped the zeros, which neither :func:`_repeated_ids` nor the
    ``duplicate_id`` check (both on the ids as written) see.  None when there are none.  Inside the import's
    transaction; searched only when the wave has earlier imports and some id of either side starts with 0."""
    if not has_ids or not batch.accepted or not _wave_imported_before(con, batch, import_id):
        return None  # e.g. a wave's first import (its answers are not compared, every column, with nothing)
    earlier = "SELECT 1 FROM responses WHERE _wave = ? AND _import_id <> ? AND starts_with(respondent_id, '0')"
    mine = "SELECT 1 FROM responses WHERE _import_id = ? AND starts_with(respondent_id, '0')"
    if not con.execute(f"SELECT EXISTS ({earlier}) OR EXISTS ({mine})", [batch.wave, import_id, import_id]).fetchall()[0][0]:
        return None  # the usual case: no id with a leading zero on either side (two narrow scans)
    same = _same_answers(cols)
    rows, imports, stored, now = con.execute(
        "SELECT count(DISTINCT n.rowid), list(DISTINCT o._import_id ORDER BY o._import_id), min(o.respondent_id), "
        "arg_min(n.respondent_id, o.respondent_id) FROM responses n JOIN responses o "
        "ON ltrim(o.respondent_id, '0') = ltrim(n.respondent_id, '0') AND o.respondent_id <> n.respondent_id "
        f"WHERE n._import_id = ? AND o._wave = ? AND o._import_id <> ? AND {same or 'TRUE'}",
        [import_id, batch.wave, import_id]).fetchall()[0]
    return (int(rows), [int(i) for i in imports], str(stored), str(now)) if rows else None


ROW_NUMBER_ID = "starts_with({t}.respondent_id, {t}._source || ':')"  # <file>:<row>: a file without respondent ids


def _rows_numbered_again(con, batch: ImportBatch, import_id: int, cols: list, has_keys: bool) -> list:
    """(wave, rows, earlier import ids, a stored id, its row's id in this file, which file has no ids) per wave that
    already holds, under another respondent id, rows just inserted as ``import_id`` — the same submission time (to
    the minute) and answers — where this file or the earlier one has no respondent id column (its rows are numbered
    ``<file>:<row>``, survey.importers.converter): a fuller download or a copy of the same answers saved without
    序号, imported into the same wave or the next, which neither the repeated-id note, the note on rows of another
    wave (both on the ids) nor ``survey check``'s ``duplicate_id`` sees.  Inside the import's transaction."""
    if not has_keys or not batch.accepted or batch.path is None:  # (survey serve's batches carry their own ids)
        return []
    if not con.execute("SELECT count(*) FROM imports WHERE id <> ?", [import_id]).fetchall()[0][0]:
        return []
    mine = f"SELECT 1 FROM responses n WHERE n._import_id = ? AND {ROW_NUMBER_ID.format(t='n')}"
    earlier = f"SELECT 1 FROM responses o WHERE o._import_id <> ? AND {ROW_NUMBER_ID.format(t='o')}"
    if not con.execute(f"SELECT EXISTS ({mine}) OR EXISTS ({earlier})", [import_id, import_id]).fetchall()[0][0]:
        return []  # the usual case: every file has respondent ids
    same = _same_answers(cols)
    found = con.execute(
        "SELECT o._wave, count(DISTINCT n.rowid), list(DISTINCT o._import_id ORDER BY o._import_id), "
        f"arg_min(o.respondent_id, n._row), arg_min(n.respondent_id, n._row), bool_or({ROW_NUMBER_ID.format(t='n')}) "
        "FROM responses n JOIN responses o ON left(o.submitted_at, 16) = left(n.submitted_at, 16) "
        "AND o.respondent_id IS DISTINCT FROM n.respondent_id "
        f"WHERE n._import_id = ? AND o._import_id <> ? AND ({ROW_NUMBER_ID.format(t='n')} OR "
        f"{ROW_NUMBER_ID.format(t='o')}) AND {same or 'TRUE'} GROUP BY o._wave ORDER BY 2 DESC, 1",
        [import_id, import_id]).fetchall()
    return [(str(w), int(rows), [int(i) for i in imports], str(stored), str(now),
             "this file has" if mine_numbered else "the earlier file has")
            for w, rows, imports, stored, now, mine_numbered in found if rows]


def _wave_imported_before(con, batch: ImportBatch, import_id: int) -> bool:
    """Whether the batch's wave has imports besides ``import_id`` (inside the import's transaction)."""
    return bool(con.execute("SELECT count(*) FROM imports WHERE wave = ? AND id <> ?",
                            [batch.wave, import_id]).fetchall()[0][0])


def _same_answers(cols: list) -> str:
    """SQL saying that rows ``o`` and ``n`` of the responses hold the same answers in every stored column (NULL
    equal to NULL), the respondent id and submission time aside; empty when there are no such columns."""
    return " AND ".join(f"o.{_q(c)} IS NOT DISTINCT FROM n.{_q(c)}" for c in cols
                        if not c.startswith("_") and c not in ("respondent_id", "submitted_at"))


def _repeated_ids(con, project, batch: ImportBatch, import_id: int, has_ids: bool) -> Optional[RepeatedIds]:
    """:class:`RepeatedIds` of the rows just inserted as ``import_id`` (inside the import's transaction); None
    when none of their ids is in the wave's earlier imports (not searched when it had none, or the file has no
    respondent ids)."""
    if not has_ids or not batch.accepted or not _wave_imported_before(con, batch, import_id):
        return None
    seen = "SELECT respondent_id FROM responses WHERE _wave = ? AND _import_id <> ? AND respondent_id IS NOT NULL"
    rows = con.execute(f"SELECT count(*) FROM responses WHERE _import_id = ? AND respondent_id IN ({seen})",
                       [import_id, batch.wave, import_id]).fetchall()[0][0]
    if not rows:
        return None
    repeats, restarts = _shared_ids_by_import(con, project, batch, import_id)
    if restarts:  # separate downloads whose 序号 restart at 1: told, and survey check keeps them (survey.quality)
        from .store import restart_note

        files = dict(con.execute("SELECT id, file FROM imports WHERE wave = ?", [batch.wave]).fetchall())
        kept = con.execute(  # ids (each one's first row) of this file that only those imports hold
            "SELECT count(DISTINCT respondent_id) FROM responses WHERE _import_id = ? AND respondent_id IN (SELECT "
            f"respondent_id FROM responses WHERE _import_id IN ({', '.join('?' for _ in restarts)})) AND respondent_id "
            f"NOT IN (SELECT respondent_id FROM responses WHERE _import_id IN ({', '.join(['?'] * len(repeats)) or 'NULL'}) "
            "AND respondent_id IS NOT NULL)", [import_id, *restarts, *repeats]).fetchall()[0][0]
        if kept:
            batch.unmatched.append(restart_note(import_id, batch.source, int(kept),
                                                [(i, files.get(i, "?"), k) for i, k in restarts.items()],
                                                str(project.root), wave=batch.wave))
    if not repeats:
        return None
    listed = ", ".join("?" for _ in repeats)
    rows = con.execute(f"SELECT count(*) FROM responses WHERE _import_id = ? AND respondent_id IN (SELECT respondent_id "
                       f"FROM responses WHERE _import_id IN ({listed}) AND respondent_id IS NOT NULL)",
                       [import_id, *repeats]).fetchall()[0][0]
    return RepeatedIds(int(rows), tuple(repeats), bool(project.exclusion_rules.get("duplicate_id")), str(project.root))


def _shared_ids_by_import(con, project, batch: ImportBatch, import_id: int) -> tuple[list, dict]:
    """(the earlier imports of the wave whose responses the import ``import_id`` repeats, {earlier import: ids
    shared} of those it does not) by :func:`survey.quality.imports_repeat` of each id's first row in either,
    their answers compared in every non-text answer column — the rule of ``survey check``, so the import's
    notes and the check agree.  Inside the import's transaction."""
    from .quality import answer_column_names, counter_sql, imports_repeat, row_counters

    stored = {c for c, _ in column_types(project.questionnaire)}
    cols = [c for c in answer_column_names(project.questionnaire) if c in stored]
    same = " AND ".join(f"o.{_q(c)} IS NOT DISTINCT FROM n.{_q(c)}" for c in cols) or "TRUE"
    counter = counter_sql("respondent_id", ("n._source", "o._source"))  # the row number a shared id counts, or NULL
    firsts = ("SELECT * FROM responses WHERE {where} AND respondent_id IS NOT NULL "
              "QUALIFY row_number() OVER (PARTITION BY _import_id, respondent_id ORDER BY _row) = 1")
    found = con.execute(
        f"WITH n AS ({firsts.format(where='_import_id = ?')}), o AS ({firsts.format(where='_wave = ? AND _import_id <> ?')}) "
        f"SELECT o._import_id, count(*), count(*) FILTER (WHERE {same}), "
        f"bool_and({counter} IS NOT NULL), max({counter}), "
        "(SELECT count(*) FROM responses r WHERE r._import_id = o._import_id) "
        "FROM n JOIN o USING (respondent_id) GROUP BY 1 ORDER BY 1", [import_id, batch.wave, import_id]).fetchall()
    mine = con.execute("SELECT count(*) FROM responses WHERE _import_id = ?", [import_id]).fetchall()[0][0]
    verdict = {int(i): (int(n), imports_repeat(int(n), int(k), row_counters(w, m, max(int(r), int(mine)))))
               for i, n, k, w, m, r in found}
    return [i for i, (_, rep) in verdict.items() if rep], {i: n for i, (n, rep) in verdict.items() if not rep}


def remove_import(project, import_id: int) -> dict:
    """Remove one import (responses, quarantine, identifying values, flags) and record it in the history, in one
    transaction.  The wave's item non-response (``nonresponse``: counts over all of the wave's rows, the removed
    ones among them) and its other imports' flags (a repeated id or copied answers may have named a removed row) go
    with the wave's ``checks`` record: the next read checks the wave again, and a wave left without imports keeps
    nothing of them."""
    from .dbfile import write_lock

    with write_lock(project.root, project.lock_wait):
        con = project.connect()
        try:
            con.execute("BEGIN TRANSACTION")
            row = con.execute("SELECT id, file, sha256, wave FROM imports WHERE id = ?", [int(import_id)]).fetchall()
            if not row:
                ids = [str(r[0]) for r in con.execute("SELECT id FROM imports ORDER BY id").fetchall()]
                gone = con.execute("SELECT \"at\", file, sha256, wave, (SELECT count(*) FROM imports i WHERE "
                                   "i.wave = h.wave) FROM history h WHERE action = 'remove-import' "
                                   "AND import_id = ? ORDER BY seq DESC LIMIT 1", [int(import_id)]).fetchall()
                con.execute("ROLLBACK")
                if gone:  # given twice (or run again): said as done, not as a number that never was
                    at, file, sha, wave, left = gone[0]
                    # a removal killed after its commit, before it took its wave (left without imports) out of
                    # minyi.yaml: completed by the retry, as an import's retry completes waves: (Project.import_file)
                    if not left and project._drop_wave(wave):
                        return {"import_id": int(import_id), "file": file, "sha256": sha, "wave": wave,
                                "responses_removed": 0, "quarantined_rows_removed": 0, "wave_left": False,
                                "removed_at": at, "completed": True}
                    raise MinyiError.of("import-removed-before", file=str(project.root), id=import_id, at=at,
                                        source=file, wave=wave, project=str(project.root))
                raise MinyiError.of("unknown-import", file=str(project.root), id=import_id,
                                    suggestion=("imports: " + ", ".join(f"#{i}" for i in ids[-20:])) if ids
                                    else "the project has no imports")
            _, file, sha, wave = row[0]
            n_resp = con.execute("SELECT count(*) FROM responses WHERE _import_id = ?", [import_id]).fetchall()[0][0]
            n_quar = con.execute("SELECT count(DISTINCT \"row\") FROM quarantine WHERE import_id = ?",
                                 [import_id]).fetchall()[0][0]
            con.execute("DELETE FROM responses WHERE _import_id = ?", [import_id])
            for table in ("quarantine", "pii", "flags"):
                con.execute(f"DELETE FROM {table} WHERE import_id = ?", [import_id])
            con.execute("DELETE FROM imports WHERE id = ?", [import_id])
            con.execute("DELETE FROM import_sizes WHERE import_id = ?", [import_id])
            con.execute("DELETE FROM import_codings WHERE import_id = ?", [import_id])
            # what the checks computed over the wave's rows, the removed ones among them: recomputed when needed
            for table in ("flags", "nonresponse", "checks"):
                con.execute(f"DELETE FROM {table} WHERE wave = ?", [wave])
            left = con.execute("SELECT count(*) FROM imports WHERE wave = ?", [wave]).fetchall()[0][0]
            con.execute("INSERT INTO history VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM history), ?, "
                        "'remove-import', ?, ?, ?, ?, ?, ?)",
                        [_now(), import_id, file, sha, wave, int(n_resp) + int(n_quar),
                         f"{int(n_resp):,} responses and {int(n_quar):,} quarantined rows removed"])
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except Exception:  # pragma: no cover
                pass
            raise
        finally:
            con.close()
        if not left:
            project._drop_wave(wave)
    return {"import_id": int(import_id), "file": file, "sha256": sha, "wave": wave, "responses_removed": int(n_resp),
            "quarantined_rows_removed": int(n_quar), "wave_left": bool(left)}

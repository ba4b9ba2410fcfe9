"""The survey project: a folder with ``minyi.yaml`` (config), ``questionnaire.yaml`` (a copy of the
questionnaire) and ``minyi.duckdb`` (an embedded DuckDB database).

Tables: ``imports`` (provenance: file name, path, sha256, format, wave, site, counts, time),
``responses`` (native layout + ``_wave``, ``_import_id``, ``_row``, ``_source``), ``quarantine``
(one record per problem: source file, row, column, value, code, message, and the raw row as
JSON so nothing is lost), ``flags`` (data-quality flags), ``nonresponse`` (item non-response per
question), ``checks`` (which imports the stored flags cover) and ``pii`` (identifying columns,
kept apart from responses; salted SHA-256 hashes with ``hash_pii``).

Imports (:mod:`survey.ingest`) are two steps: a pure *prepare* (read, convert, check → an
:class:`~survey.ingest.ImportBatch`) and a *commit* — everything in one DuckDB transaction under the
project's write lock, rolled back on any error; a killed process leaves no partial import because an
uncommitted transaction never reaches the database file's committed state — idempotent: a file whose
SHA-256 is already recorded adds nothing, checked inside that transaction (two imports of the same file at
once store it once).  :meth:`Project.remove_import` undoes an import; ``history`` records both.
The database is readable by its owner only (:mod:`survey.dbfile`).

Answers are stored typed: option codes (single, scale, yes/no, matrix rows, 0/1 multiple-choice
columns, ranks) as SMALLINT/INTEGER, numbers as DOUBLE, text as VARCHAR; the accepted rows go to
DuckDB as one Arrow table (no per-row work).  :meth:`Project.raw_responses` hands them back as
float64 codes (NaN = not answered), the layout the analysis code expects.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import os
import shutil
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

import numpy as np
import pandas as pd
import yaml

from analysis.thresholds import MIN_CELL, SMALL_BASE

from . import codings
from .atomic import atomic_write_text
from .check_signature import SPEEDER_FRACTION, check_signature, quality_params
from .project_files import CONFIG, DB, QFILE, require_project  # noqa: F401  (re-exported)
from .dbfile import open_db, private_files
from .errors import MinyiError
from .ingest import REASONS_ZH, ImportBatch, ImportSummary  # noqa: F401  (re-exported)
from .limits import Limits
from .config_marks import config_text, locate, read_config
from .messages import did_you_mean, invisible_characters, problem, said_value, shown_plainly
from .qload import load_questionnaire
from .owners import responsible_units
from .progress import stage
from .quality import DEFAULT_EXCLUSIONS, FLAG_NAMES, wave_checks
from .questionnaire import Questionnaire, column_types  # noqa: F401  (column_types: the stored types)
from .reading import StoredColumns, exclusion_mask, read_columns, row_key
from .ledger import ledger_settings
from .waves import (WAVE_NAME_MAX, derived_label, read_waves, register_wave, same_wave_as, stored_waves,
                    unregister_wave, wave_info, wave_name_problem)

DEFAULT_THRESHOLDS = {"straightline_min_rows": 5, "small_base": SMALL_BASE, "min_cell": MIN_CELL}  # as survey init writes
CONFIG_KEYS = {"questionnaire", "questionnaire_source", "waves", "design", "exclusions", "speeder_fraction",
               "same_ip_similarity", "straightline_min_rows", "na_policy", "ci_method", "small_base", "min_cell",
               "margins", "weighting", "owners", "limits", "ledger", "serve", "quotas", "org",
               "themes"}
_KEY = "(_import_id::BIGINT << 40) + _row"  # one int64 per stored row
HISTORY_TABLE = ("CREATE TABLE history (seq INTEGER, \"at\" VARCHAR, action VARCHAR, import_id INTEGER, file VARCHAR, "
                 "sha256 VARCHAR, wave VARCHAR, \"rows\" BIGINT, detail VARCHAR)")
# the byte size of each imported file (−1: rows of survey serve; none for imports recorded before sizes
# were): a file of a size no import had is new without hashing it first, so its hash is computed while it
# is read (survey.ingest.imported_before)
SIZES_TABLE = "CREATE TABLE import_sizes (import_id INTEGER, bytes BIGINT)"
# columns of the quarantine table added after its first version: the file's header of a record's column and its
# Excel letter (survey.importers.converter._Converter.column_names), the params of its message as JSON
# (survey.messages.record_message says it in Chinese from them)
QUARANTINE_ADDED_COLUMNS = ("header", "sheet_column", "params")
QUARANTINE_ADDED = ", ".join(f"{c} VARCHAR" for c in QUARANTINE_ADDED_COLUMNS)
CODINGS_TABLE = codings.TABLE  # each import's question codings (survey/codings.py)
# the tables survey init creates that every project store has had (the later ones are added when missing:
# Project._sync_schema)
STORE_TABLES = ("responses", "imports", "quarantine", "flags", "nonresponse", "checks", "pii")


def _write_config_text(path: Path, candidates: list, want: dict) -> None:
    """Write the first of ``candidates`` (minyi.yaml's text edited in place) that reads as ``want``; when none
    does, ``want`` written out in full (the edits of :meth:`Project._add_wave` and :meth:`Project._drop_wave`)."""
    for cand in candidates:
        try:
            if yaml.safe_load(cand) == want:
                atomic_write_text(path, cand)
                return
        except yaml.YAMLError:
            pass
    atomic_write_text(path, yaml.safe_dump(want, allow_unicode=True, sort_keys=False))


def _check_speeder_fraction(config: dict, path: str) -> None:
    """``speeder_fraction``: a number in (0, 1) (docs/project-config.md)."""
    f = config.get("speeder_fraction", SPEEDER_FRACTION)
    if isinstance(f, bool) or not isinstance(f, (int, float)) or not 0 < f < 1:
        raise MinyiError.of("config-not-share", file=path, key="speeder_fraction", value=said_value(f),
                            example="speeder_fraction: 0.3333 flags completion times under a third of the median")


# whole-number settings and their least value (docs/project-config.md; survey report's --small-base/--min-cell
# take 0 and up too)
WHOLE_SETTINGS = {"small_base": 0, "min_cell": 0, "straightline_min_rows": 1}


def _check_thresholds(config: dict, path: str) -> None:
    """``small_base``, ``min_cell``, ``straightline_min_rows`` (whole numbers) and ``same_ip_similarity`` (a share
    in (0, 1]): '90%' or 'five' stopped survey check and analyze with an internal error; -5 was taken."""
    probs = []
    for key, least in WHOLE_SETTINGS.items():
        v = config.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < least):
            probs.append(problem("config-not-whole-number", file=path, key=key, least=least, value=said_value(v),
                                 example=f"{key}: {DEFAULT_THRESHOLDS[key]}"))
    v = config.get("same_ip_similarity")
    if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1):
        probs.append(problem("config-not-share-upto-one", file=path, key="same_ip_similarity", value=said_value(v),
                             example="same_ip_similarity: 0.9 for 90 %"))
    if probs:
        raise MinyiError(probs)


def _check_texts(config: dict, path: str) -> None:
    """``org`` and ``themes`` are one text each (a list printed the cover as "['a', 'b']"); ``questionnaire`` is
    the project's copy ``questionnaire.yaml``, the file every command reads (another name was ignored without a
    word, so edits of that other file never reached the analysis)."""
    probs = []
    for key in ("org", "themes", "questionnaire_source"):
        v = config.get(key)
        if isinstance(v, (dict, list, bool)):
            probs.append(problem("config-not-text", file=path, key=key, value=said_value(v),
                                 example="org: 某市文明办" if key == "org" else f"{key}: my_file.yaml"))
    v = config.get("questionnaire")
    if v is not None and not _names_qfile(v, path):
        probs.append(problem("config-questionnaire-copy", file=path, key="questionnaire", qfile=QFILE,
                             value=said_value(v)))
    if probs:
        raise MinyiError(probs)


def _names_qfile(value: Any, config_path: str) -> bool:
    """Whether ``questionnaire:`` names the project's copy (``questionnaire.yaml``, ``./questionnaire.yaml`` or
    its full path)."""
    root = Path(config_path).parent
    try:
        return (root / str(value).strip()).resolve() == (root / QFILE).resolve()
    except (OSError, ValueError):
        return False


def _check_limits(config: dict, path: str) -> None:
    """``limits:`` (:class:`survey.limits.Limits`), its problems named in ``path`` under ``limits``."""
    try:
        Limits(config.get("limits"), path)
    except MinyiError as e:
        raise MinyiError([dataclasses.replace(p, file=p.file or path, extra={**p.extra, "where": "limits"})
                          if p.code == "unknown-key" else dataclasses.replace(p, file=p.file or path)
                          for p in e.problems]) from None


def check_wave_name(wave: Optional[str], *, where: str = "--wave", done: str = "imported",
                    file: Optional[str] = None) -> None:
    """Refuse a ``--wave`` that names no wave, carries spaces around its name, is longer than
    :data:`survey.waves.WAVE_NAME_MAX` characters or holds a control or invisible character (issue 3: "several
    waves live in one project (e.g. 2025Q4, 2026Q1)"): ``--wave ""`` (an unset shell variable) made a wave with an
    empty name, ``--wave "2026Q1 "`` would be a second wave beside 2026Q1 that no report merges with it, and
    ``--wave $'2026Q1\\n'`` a wave whose line in minyi.yaml and every listing breaks in two.  The rule is
    :func:`survey.waves.wave_name_problem` (``survey serve`` says the same problems in its own words); the
    characters refused are those a collector id may not hold (:func:`survey.messages.invisible_characters`:
    Unicode categories Cc, Cf and the other C*).  ``where`` names the source in the message (``--wave``, the
    file's wave column; ``file``: that file); ``done``: what was not done.  A wrong ``--wave`` is a wrong command
    line: exit status 2 (:func:`survey.messages.is_usage_error`)."""
    if wave is None:
        return
    text = str(wave)
    what = wave_name_problem(text)
    if what == "invisible":
        check_wave_characters(text, where=where, done=done, file=file)
    elif what == "empty":
        raise MinyiError.of("wave-name-empty", wave=text)
    elif what == "spaces":
        raise MinyiError.of("wave-name-spaces", wave=text, stripped=text.strip())
    elif what == "too-long":
        raise MinyiError.of("wave-name-too-long", start=text[:20], length=len(text), max=WAVE_NAME_MAX)


def check_wave_characters(wave: str, *, where: str = "--wave", done: str = "imported",
                          file: Optional[str] = None) -> None:
    """Refuse a wave name holding a control or invisible character (catalogue ``wave-name-invisible``): the rule
    of collector ids, :func:`survey.messages.invisible_characters`; ``where``, ``done`` and ``file`` as in
    :func:`check_wave_name`.  ``survey serve`` has its own words for an empty name and applies this alone."""
    hidden = invisible_characters(wave)
    if hidden:
        raise MinyiError.of("wave-name-invisible", file=file, where=where, wave=shown_plainly(wave),
                            chars=", ".join(hidden), done=done)


class Project:
    """A survey project folder (see module docstring)."""

    _kept = None  # the connection that keeps the database open (kept_open)

    def __init__(self, root: Path):
        self.root = Path(root)
        self.config: dict = read_config(self.root / CONFIG)  # every problem of its text, with line and column
        self._check_config()
        self.limits = Limits(self.config.get("limits"), str(self.root / CONFIG))
        self.lock_wait = float(self.limits["lock_wait"])
        qfile = self.root / QFILE
        if not qfile.exists():  # deleted, left out of a copy of the project, or a link to a file gone
            source = self.config.get("questionnaire_source")
            raise MinyiError.of("project-questionnaire-missing", file=str(qfile), path=str(qfile),
                                source=source if isinstance(source, str) and source
                                else "the file given to survey init --questionnaire")
        self.questionnaire: Questionnaire = load_questionnaire(qfile, limits=self.limits)
        try:
            responsible_units(self.questionnaire, self.config, str(self.root / CONFIG))  # validates owners:
        except MinyiError as e:
            raise MinyiError(locate(e.problems)) from None
        self._types = dict(column_types(self.questionnaire))

    @property
    def config_file(self) -> str:
        """The path of the project's settings file (``minyi.yaml``), as messages name it."""
        return str(self.root / CONFIG)

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def create(cls, root: str | Path, questionnaire: str | Path) -> "Project":
        """Create the project folder: questionnaire copy, database, then config (its presence marks a project)."""
        root = Path(root)
        if (root / CONFIG).exists():
            raise MinyiError.of("project-exists", file=str(root), path=str(root))
        if root.exists() and not root.is_dir():
            raise MinyiError.of("path-is-file", file=str(root), path=str(root))
        q = load_questionnaire(questionnaire)  # all problems, before anything is written
        root.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(questionnaire, root / QFILE)
        db = root / DB
        for leftover in (db, root / (DB + ".wal")):  # from an interrupted init
            if leftover.exists():
                leftover.unlink()
        with private_files():  # owner-only, like .pii_salt (survey.dbfile)
            _init_db(db, q)
        cfg = {"questionnaire": QFILE, "questionnaire_source": str(Path(questionnaire).resolve()), "waves": [],
               "design": {"weights": None, "strata": None, "psu": None, "fpc": None},
               "exclusions": dict(DEFAULT_EXCLUSIONS), "speeder_fraction": SPEEDER_FRACTION,
               "same_ip_similarity": 0.9, "straightline_min_rows": DEFAULT_THRESHOLDS["straightline_min_rows"],
               "na_policy": "exclude", "ci_method": "logit", "small_base": SMALL_BASE, "min_cell": MIN_CELL}
        atomic_write_text(root / CONFIG, yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
        return cls(root)

    @classmethod
    def open(cls, root: str | Path) -> "Project":
        return cls(require_project(root))

    _read_only: Optional[str] = None  # why the database can only be read (a read-only disk, folder or file)

    def connect(self):
        """A DuckDB connection (owner-only files; waits for a busy database; one readable error for a
        read-only, full or damaged one — :func:`survey.dbfile.open_db`).

        A project whose database cannot be written (a write-protected share, an archive copy, ``chmod -R a-w``) is
        opened for reading: the commands that only read it (status, quarantine, export and analyze of a checked
        wave) work, and a step that would write (an import, a removal, checks to store) says that the project is
        read-only (catalogue ``project-readonly``, with the cause the write-open met)."""
        wait = getattr(self, "lock_wait", None)
        if self._read_only is None:
            try:
                con = open_db(self.root / DB, wait=wait)
            except MinyiError as e:
                if [p.code for p in e.problems] != ["project-readonly"]:
                    raise
                try:
                    con = open_db(self.root / DB, read_only=True, wait=wait)
                except MinyiError:
                    raise e from None
                self._read_only = str(e.problems[0].extra.get("reason") or "read-only")
        else:
            con = open_db(self.root / DB, read_only=True, wait=wait)
        con.read_only_because = self._read_only
        if not getattr(self, "_schema_ok", False):
            try:
                self._check_store(con)
            except BaseException:
                con.close()
                raise
            self._sync_schema(con)
        return con

    def _check_store(self, con) -> None:
        """Refuse a database that is not a project store (another program's DuckDB file, or an empty one, put in
        the place of minyi.duckdb): every command failed on its first query with DuckDB's catalog error."""
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                          "WHERE table_schema = 'main'").fetchall()}
        missing = [t for t in STORE_TABLES if t not in have]
        if missing:
            raise MinyiError.of("project-store-foreign", file=str(self.root / DB), path=str(self.root / DB),
                                table=missing[0])

    @contextlib.contextmanager
    def kept_open(self) -> Iterator[None]:
        """Keep the database open for the steps inside (re-entrant).  DuckDB keeps a database file open —
        its catalog and buffer pool — while one of its connections is, so the connections the steps open
        (:meth:`connect`: the wave list, the read, the checks' sums on their thread, the flags stored
        and read back) reuse it instead of opening the file and reading its blocks again each time (the
        first ``analyze`` of 1M rows about 0.15 s faster, its peak RSS about 0.12 GB higher: the blocks
        DuckDB read stay in its buffer pool until the steps end).  Other processes wait for the file for
        the steps' whole duration, where before they could open it between the steps' connections.  At the
        end it is closed on a thread (:meth:`survey.dbfile.Connection.close_later`: DuckDB's checkpoint
        beside the command's next steps); the next :meth:`connect` waits for that close."""
        if self._kept is not None:
            yield
            return
        con = self.connect()
        self._kept = con
        try:
            yield
        finally:
            self._kept = None
            con.close_later()  # its checkpoint beside the next steps; the next connect() waits for it

    def _sync_schema(self, con) -> None:
        """Add native columns the questionnaire model has gained since ``survey init`` (e.g. ``<id>_other``
        of a single choice with an "other, please specify" option) to ``responses``, as NULL."""
        try:
            have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                              "WHERE table_name = 'responses'").fetchall()}
            if have:
                for c, t in column_types(self.questionnaire):
                    if c not in have:
                        con.execute(f"ALTER TABLE responses ADD COLUMN {_q(c)} {t}")
            for col in QUARANTINE_ADDED.split(", "):  # a project from before these columns: NULL in its records
                con.execute(f"ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS {col}")
            con.execute(HISTORY_TABLE.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
            con.execute(SIZES_TABLE.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
            con.execute(CODINGS_TABLE.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
            self._schema_ok = True
        except Exception:  # pragma: no cover - a damaged database: the query that follows says so
            pass

    def save_config(self) -> None:
        atomic_write_text(self.root / CONFIG, yaml.safe_dump(self.config, allow_unicode=True, sort_keys=False))

    def _check_config(self) -> None:
        """Check minyi.yaml's keys; every problem at once (each section's first), each at its line and column
        (:func:`survey.config_marks.locate`): the pyxform/frictionless rule of issue 2 for the settings file too."""
        path = str(self.root / CONFIG)
        probs: list = []
        for k in self.config:
            if k not in CONFIG_KEYS:
                probs.append(problem("unknown-key", file=path, key=k, where=CONFIG,
                                     suggestion=did_you_mean(k, sorted(CONFIG_KEYS))))
        probs += self._exclusion_problems(path)
        for check in (read_waves, ledger_settings, _check_speeder_fraction, _check_thresholds, _check_texts,
                      _check_limits):
            try:
                check(self.config, path)
            except MinyiError as e:
                probs += e.problems
        if probs:  # in the order of the file
            raise MinyiError(sorted(locate(probs), key=lambda p: (p.line is None, p.line or 0, p.column or 0)))

    def _exclusion_problems(self, path: str) -> list:
        """The problems of ``exclusions:`` (a mapping of survey check's flags to true/false)."""
        ex = self.config.get("exclusions") or {}
        if not isinstance(ex, dict):
            return [problem("config-not-mapping", file=path, key="exclusions", value=said_value(ex),
                            example="exclusions: {speeder: true, duplicate_id: true}")]
        out = []
        for k, v in ex.items():
            if k not in FLAG_NAMES:
                out.append(problem("unknown-key", file=path, key=k, where="exclusions",
                                   suggestion=did_you_mean(k, sorted(FLAG_NAMES))))
            elif not isinstance(v, bool):
                out.append(problem("config-not-bool", file=path, key=f"exclusions.{k}", value=said_value(v)))
        return out

    # ------------------------------------------------------------------ import (survey.ingest)
    def import_file(self, path: str | Path, *, format: str = "auto", wave: Optional[str] = None,
                    site: Optional[str] = None, mapping: Optional[dict] = None, sheet: Optional[str] = None,
                    strict: bool = False, hash_pii: bool = False) -> ImportSummary:
        """Import one file: :meth:`prepare_import` then :meth:`commit_batch` (atomic, idempotent).

        Every row is read and checked (:func:`survey.rowcheck.check_rows`); rows with any problem go
        to quarantine with one record per problem, the others to ``responses``.  ``strict`` raises
        instead, storing nothing.  ``hash_pii`` stores identifying values as SHA-256(salt + value).
        A file already recorded is not read again (that check is repeated inside the commit).
        """
        from .importers import FORMATS
        from .ingest import imported_before

        if format not in FORMATS:  # an invalid option is reported before anything else
            raise MinyiError.of("unknown-format", format=format, choices=", ".join(FORMATS))
        check_wave_name(wave)
        done = imported_before(self, path, sheet)
        if done is not None:
            # the wave of that import in minyi.yaml too: an import killed after its commit, before it wrote
            # waves:, is completed by the retry (a no-op when the wave is there)
            self._add_wave(done.wave)
            return done
        if wave is not None:  # said before the file is read
            self._check_wave_spelling(wave, path)
        batch = self.prepare_import(path, format=format, wave=wave, site=site, mapping=mapping, sheet=sheet,
                                    strict=strict, hash_pii=hash_pii)
        if wave is None:  # the wave the file's wave column names
            self._check_wave_spelling(batch.wave, path)
        return self.commit_batch(batch)

    def _check_wave_spelling(self, wave: str, path) -> None:
        """Refuse a wave that is another spelling of one of the project's (:func:`survey.waves.same_wave_as`):
        ``--wave 2026q2`` beside ``2026Q2`` was stored as a second wave with the same label."""
        described = read_waves(self.config, self.config_file)
        waves = self.waves() + [w for w in described if w not in self.waves()]
        known = same_wave_as(wave, waves)
        if known is not None:
            raise MinyiError.of("wave-other-spelling", file=str(path), wave=wave, known=known)
        if wave in waves:
            return
        # a new wave shown under the label of another (--wave 2026年第一季度 beside 2026Q1, labelled so): stored, it
        # would leave minyi.yaml with two waves of one label, which every command refuses (config-wave-label-twice)
        for lang in ("zh", "en"):
            mine = derived_label(wave, lang)
            other = next((w for w in waves if wave_info(self.config, w).display(lang) == mine), None)
            if other is not None:
                raise MinyiError.of("wave-label-taken", file=str(path), wave=wave, other=other, label=mine)

    def prepare_import(self, path: str | Path, **kw) -> ImportBatch:
        """Read and check a file into an :class:`~survey.ingest.ImportBatch` (nothing written)."""
        from .ingest import prepare_file

        return prepare_file(self, path, **kw)

    def prepare_rows(self, frame: pd.DataFrame, **kw) -> ImportBatch:
        """Check a DataFrame of native-layout rows (e.g. ``survey serve``'s answers, source ``serve``) into a batch;
        see :func:`survey.ingest.prepare_frame`."""
        from .ingest import prepare_frame

        return prepare_frame(self, frame, **kw)

    def commit_batch(self, batch: ImportBatch) -> ImportSummary:
        """Store a prepared batch in one transaction (see :func:`survey.ingest.commit_batch`)."""
        from .ingest import commit_batch

        return commit_batch(self, batch)

    def remove_import(self, import_id: int) -> dict:
        """Undo one import; recorded in the history (see :func:`survey.ingest.remove_import`)."""
        from .ingest import remove_import

        return remove_import(self, import_id)

    def history(self) -> pd.DataFrame:
        """Imports and removals, oldest first: seq, at, action, import_id, file, sha256, wave, rows, detail."""
        con = self.connect()
        try:
            return con.execute("SELECT * FROM history ORDER BY seq").df()
        finally:
            con.close()

    def _add_wave(self, wave: str) -> None:
        """Record ``wave`` in minyi.yaml as it is on disk now: only ``waves:`` changes.

        The file may have been edited since this project was opened (e.g. while ``survey serve`` runs),
        so its text is re-read and edited in place — the wave is added to the ``waves:`` entry in the
        entry's own style — and every other key, comment and layout stays as the user left it.  The
        edit is checked by parsing the result (same data, one more wave); only text too unusual to
        edit that way is written out again in full, from what is on disk now.
        """
        import re

        path = self.root / CONFIG
        try:
            text = config_text(path)  # UTF-8 (BOM or not) or GBK, as Project read it
            disk = yaml.safe_load(text) or {}
        except (OSError, MinyiError, yaml.YAMLError) as e:  # being edited: leave the user's file alone (the imports table has the wave)
            warnings.warn(f"{path}: wave {wave} not added to waves: ({str(e).splitlines()[0] if str(e) else e})")
            return
        if not isinstance(disk, dict):  # pragma: no cover - Project.open refused such a file
            return
        mine = {"waves": yaml.safe_load(yaml.safe_dump(disk.get("waves")))} if "waves" in disk else {}
        changed = register_wave(mine, wave)
        self.config["waves"] = mine["waves"]
        if not changed:
            return
        want = dict(disk, waves=mine["waves"])
        item = yaml.safe_dump([wave], allow_unicode=True, default_flow_style=True, width=10**6).strip()[1:-1]
        lines = text.splitlines(keepends=True)
        candidates = []
        head = next((i for i, ln in enumerate(lines) if re.match(r"waves[ \t]*:", ln)), None)
        if head is None:
            sep = "" if not text or text.endswith("\n") else "\n"
            candidates.append(text + sep + f"waves:\n- {item}\n")
        else:
            rest = re.sub(r"\s+#.*$", "", lines[head].split(":", 1)[1]).strip()
            if rest.startswith("[") and rest.endswith("]"):
                inner = rest[1:-1].strip()
                new = "[" + (inner + ", " if inner else "") + item + "]"
                candidates.append("".join(lines[:head]) + lines[head].replace(rest, new, 1) + "".join(lines[head + 1:]))
            elif rest.startswith("{") and rest.endswith("}"):
                inner = rest[1:-1].strip()
                new = "{" + (inner + ", " if inner else "") + item + ": null}"
                candidates.append("".join(lines[:head]) + lines[head].replace(rest, new, 1) + "".join(lines[head + 1:]))
            elif rest in ("", "~", "null", "Null", "NULL"):
                end, last, indent, seq = head + 1, None, "", True
                while end < len(lines):  # the entry's block: indented lines, blank lines, comments, "- " items
                    ln = lines[end]
                    if ln.strip() and not ln[0].isspace() and not ln.startswith("#") and not re.match(r"-(\s|$)", ln):
                        break
                    if ln.strip() and not ln.lstrip().startswith("#"):
                        if last is None:
                            indent = ln[: len(ln) - len(ln.lstrip())]
                            seq = bool(re.match(r"-(\s|$)", ln.lstrip()))
                        last = end
                    end += 1
                entry = f"{indent}- {item}\n" if seq else f"{indent}{item}:\n"
                at = (last if last is not None else head) + 1
                prefix = lines[:at]
                if prefix and not prefix[-1].endswith("\n"):
                    prefix = prefix[:-1] + [prefix[-1] + "\n"]
                if last is None:
                    prefix = prefix[:-1] + [re.sub(r"(waves[ \t]*:)[ \t]*(~|null|Null|NULL)?", r"\1", prefix[-1], 1)]
                candidates.append("".join(prefix) + entry + "".join(lines[at:]))
        _write_config_text(path, candidates, want)

    def _drop_wave(self, wave: str) -> bool:
        """Forget ``wave`` in minyi.yaml as it is on disk now (see :meth:`_add_wave`): the line or list item of the
        wave is taken out of the text, every other key, comment and layout stays; checked by parsing the result,
        and only text too unusual to edit that way is written out again in full, from what is on disk now.
        True when the file was changed."""
        import copy
        import re

        path = self.root / CONFIG
        try:
            text = config_text(path)  # UTF-8 (BOM or not) or GBK, as Project read it
            disk = yaml.safe_load(text) or {}
        except (OSError, MinyiError, yaml.YAMLError) as e:  # being edited: leave the user's file alone
            warnings.warn(f"{path}: wave {wave} not removed from waves: ({str(e).splitlines()[0] if str(e) else e})")
            return False
        if not isinstance(disk, dict):  # pragma: no cover - Project.open refused such a file
            return False
        mine = {"waves": copy.deepcopy(disk.get("waves"))}
        changed = unregister_wave(mine, wave)
        self.config["waves"] = mine["waves"]
        if not changed:
            return False
        want = dict(disk, waves=mine["waves"])
        lines = text.splitlines(keepends=True)
        token = r"""(?:%s|'%s'|"%s")""" % ((re.escape(wave),) * 3)
        entry = re.compile(r"[ \t]*(?:-[ \t]+%s|%s[ \t]*:[ \t]*(?:~|null)?)[ \t]*(?:#.*)?\r?\n?" % (token, token))
        candidates = ["".join(lines[:i] + lines[i + 1:]) for i, ln in enumerate(lines) if entry.fullmatch(ln)]
        for pat, rep in ((r",[ \t]*%s(?=[ \t]*[\]}:,])" % token, ""), (r"(?<=[\[{])[ \t]*%s[ \t]*,[ \t]*" % token, ""),
                         (r"\[[ \t]*%s[ \t]*\]" % token, "[]")):  # flow style: [a, b] / {a: null, b: null}
            candidates.extend(re.sub(pat, rep, text, count=1) for _ in (0,) if re.search(pat, text))
        _write_config_text(path, candidates, want)
        return True

    def _salt(self) -> str:
        """The project's salt of hashed identifying values (``.pii_salt``, owner-only), made by the first import
        that needs it.  Two imports that need it at once use the same one: the new salt is written to a temporary
        file and linked to its name only when no salt is there (``os.link`` fails on an existing name), and every
        import reads the one on disk.  Before, each wrote its own over the other's and kept its own, so the hashes
        of one import could never match those of the others (nor of any later import)."""
        import secrets
        import tempfile

        f = self.root / ".pii_salt"
        if not f.exists():
            fd, name = tempfile.mkstemp(prefix=".pii_salt.", suffix=".tmp", dir=str(self.root))  # 0600
            try:
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_hex(16))
                    fh.flush()
                    os.fsync(fh.fileno())
                try:
                    os.link(name, f)  # only when no other import made one first
                except FileExistsError:
                    pass
                except OSError:  # a file system without hard links: the rename (the other import may replace it)
                    if not f.exists():
                        os.replace(name, f)
            except OSError as e:
                from .atomic import write_error

                raise write_error(f, e) from None
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(name)
        return f.read_text().strip()

    # ------------------------------------------------------------------ reading
    def waves(self) -> list[str]:
        """Waves in order of their start date (minyi.yaml ``waves:``), else of their first import."""
        con = self.connect()
        try:
            return stored_waves(con, self.config)
        finally:
            con.close()

    def _check_wave(self, wave: Optional[str]) -> None:
        if wave is not None and wave not in self.waves():
            raise MinyiError.of("unknown-wave", file=str(self.root), wave=wave,
                                suggestion=did_you_mean(wave, self.waves()) or "the project has no imports yet")

    def _columns(self, columns: Optional[Sequence[str]]) -> list[str]:
        """Stored columns to read, in table order: all (None) or those named (unknown names are an error)."""
        stored = [c for c, _ in column_types(self.questionnaire)]
        if columns is None:
            return stored
        want = set(columns)
        unknown = sorted(want - set(stored))
        if unknown:
            raise MinyiError.of("unknown-column", file=str(self.root), column=unknown[0],
                                suggestion=did_you_mean(unknown[0], stored) or "a column of the questionnaire")
        return [c for c in stored if c in want]

    def _read(self, wave: Optional[str], columns: list[str], *, codes_float32: bool = True,
              raw_codes: Sequence[str] = ()) -> StoredColumns:
        """One columnar scan of ``columns`` of ``wave`` in import order (:func:`survey.reading.read_columns`)."""
        con = self.connect()
        try:
            n = con.execute("SELECT coalesce(sum(accepted), 0) FROM imports" + (" WHERE wave = ?" if wave is not None else ""),
                            [wave] if wave is not None else []).fetchall()[0][0]
            with stage(f"reading {'wave ' + wave if wave is not None else 'all waves'}", total=int(n), unit="rows") as adv:
                return read_columns(con, wave, columns, self._types, codes_float32=codes_float32, raw_codes=raw_codes,
                                    progress=adv)
        finally:
            con.close()

    def raw_responses(self, wave: Optional[str] = None, *, columns: Optional[Sequence[str]] = None,
                      codes_float32: bool = False) -> pd.DataFrame:
        """Every stored (accepted) response of ``wave`` (or all waves), no exclusions, in import order.

        ``columns``: only these (default every stored column); codes as float64 (NaN = not answered),
        or float32 with ``codes_float32`` (exact, half the memory); see :mod:`survey.reading`."""
        self._check_wave(wave)
        cols = self._columns(columns)
        return self._read(wave, cols, codes_float32=codes_float32).frame(cols, codes_float32=codes_float32)

    def _quality_params(self) -> dict:
        return quality_params(self.config)

    def _signature(self, con, wave: str) -> str:
        return check_signature(con, wave, self.config)

    def check(self, wave: Optional[str] = None, *, data: Optional[pd.DataFrame] = None,
              notes: Optional[list] = None) -> pd.DataFrame:
        """Run the data-quality checks for ``wave`` (or every wave); store flags and item non-response.

        ``data``: the wave's raw responses (every column, import order) when the caller has read them
        already, so they are not read twice.  Returns the flags (wave, import_id, row, respondent_id,
        kind, detail).  ``notes``: a list that receives the checks' warnings (:class:`~survey.messages.Problem`,
        with ``extra["wave"]``): the respondent ids that imports of a wave share with other answers, kept as
        distinct respondents (catalogue ``ids-restart-per-download``; :func:`survey.quality.quality_flags`).
        """
        self._check_wave(wave)
        frames = []
        for w in ([wave] if wave else self.waves()):
            # the signature of the imports the checks see, taken before the rows are read: an import committed by
            # another process while they are computed leaves them stale (checked again by the next read), where
            # the signature taken when they were stored covered that import's rows, never checked
            con = self.connect()
            try:
                signature = self._signature(con, w)
            finally:
                con.close()
            df = data if (data is not None and wave is not None) else self.raw_responses(w, codes_float32=True)
            ip = self._pii_values(w, "ip")
            if ip is not None:
                key = row_key(df["_import_id"].to_numpy(), df["_row"].to_numpy())
                with warnings.catch_warnings():  # one added column; pandas' fragmentation hint is noise here
                    warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
                    df["ip"] = pd.Series(ip["value"].to_numpy(), index=ip["key"].to_numpy()).reindex(key).to_numpy()
            with stage(f"checking wave {w}"), ThreadPoolExecutor(max_workers=1, thread_name_prefix="minyi-check") as ex:
                # DuckDB computes its part in the store (its own threads) while the checks start
                stored = ex.submit(self._stored_sums, w, df)
                restarted: list = []
                fl, nr = wave_checks(df, self.questionnaire, stored=stored.result, restarted=restarted,
                                     **self._quality_params())
            if notes is not None and restarted:
                notes.extend(self.restarted_notes(w, restarted))
            idx = fl["index"].to_numpy(dtype=np.int64)
            out = pd.DataFrame({"wave": w, "import_id": df["_import_id"].to_numpy()[idx].astype(np.int64),
                                "row": df["_row"].to_numpy()[idx].astype(np.int64),
                                "respondent_id": df["respondent_id"].iloc[idx].astype(object).to_numpy(),
                                "kind": fl["kind"].astype(str).to_numpy(), "detail": fl["detail"].astype(str).to_numpy()})
            nr.insert(0, "wave", w)
            con = self.connect()
            try:
                con.execute("BEGIN TRANSACTION")
                con.execute("DELETE FROM flags WHERE wave = ?", [w])
                con.execute("DELETE FROM nonresponse WHERE wave = ?", [w])
                con.execute("DELETE FROM checks WHERE wave = ?", [w])
                con.register("fin", out)
                con.execute("INSERT INTO flags SELECT wave, import_id, \"row\", respondent_id, kind, detail FROM fin")
                con.unregister("fin")
                if len(nr):
                    con.register("nin", nr)
                    con.execute("INSERT INTO nonresponse SELECT wave, question, asked, missing, rate FROM nin")
                    con.unregister("nin")
                con.execute("INSERT INTO checks VALUES (?, ?, ?)",
                            [w, signature, _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")])
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):  # a failed COMMIT (a full disk) ended the transaction already:
                    con.execute("ROLLBACK")  # its error, not "no transaction is active", is said
                raise
            finally:
                con.close()
            frames.append(out)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=["wave", "import_id", "row", "respondent_id", "kind", "detail"])

    def restarted_notes(self, wave: str, restarted: list) -> list:
        """The warnings (catalogue ``ids-restart-per-download``) of :class:`survey.quality.RestartedIds` of
        ``wave``, naming each import's file: one per import whose repeated ids are kept as distinct respondents."""
        con = self.connect()
        try:
            files = dict(con.execute("SELECT id, file FROM imports WHERE wave = ?", [wave]).fetchall())
        finally:
            con.close()
        return [restart_note(r.later, files.get(r.later, "?"), r.rows, [(i, files.get(i, "?"), k) for i, k in r.earlier],
                             str(self.root), wave=wave) for r in restarted]

    def _stored_sums(self, wave: str, df: pd.DataFrame):
        """What DuckDB computes for the checks of ``df`` (the stored rows of ``wave``) in the store
        (:class:`survey.quality.StoredSums`): the respondent ids stored more than once, a ``GROUP BY`` on
        its own threads.  None when the stored rows are not those of ``df`` (their number and first and
        last keys differ: an import added or removed since they were read; then the checks use the frame
        alone)."""
        from .quality import StoredSums

        if not len(df) or "_import_id" not in df.columns or "_row" not in df.columns:
            return None
        con = self.connect()
        try:
            con.execute("BEGIN TRANSACTION")
            count, lo, hi = con.execute(f"SELECT count(*), min({_KEY}), max({_KEY}) FROM responses WHERE _wave = ?",
                                        [wave]).fetchall()[0]
            repeated = [v for (v,) in con.execute(
                "SELECT respondent_id FROM responses WHERE _wave = ? AND respondent_id IS NOT NULL "
                "GROUP BY respondent_id HAVING count(*) > 1", [wave]).fetchall()]
            con.execute("ROLLBACK")
        finally:
            con.close()
        key = row_key(df["_import_id"].to_numpy(), df["_row"].to_numpy())
        if count != len(df) or lo != int(key.min()) or hi != int(key.max()):
            return None  # the wave changed since it was read: check what was read
        return StoredSums(repeated)

    @property
    def exclusion_rules(self) -> dict:
        """The exclusion rules in force: minyi.yaml's ``exclusions:`` over :data:`survey.quality.DEFAULT_EXCLUSIONS`."""
        return {**DEFAULT_EXCLUSIONS, **(self.config.get("exclusions") or {})}

    def excluded_responses(self, wave: Optional[str] = None) -> pd.DataFrame:
        """The stored rows the exclusion rules drop (``survey export --keep-excluded``), each with one boolean
        column ``flag_<kind>`` per quality flag (every kind, excluded by the rules or not), in import order."""
        from .quality import FLAG_NAMES

        self._check_wave(wave)
        self._ensure_checked(wave)
        df = self.raw_responses(wave)
        con = self.connect()
        try:
            where = " WHERE wave = ?" if wave is not None else ""
            fl = con.execute(f"SELECT import_id, \"row\", kind FROM flags{where}", [wave] if wave is not None else []).df()
        finally:
            con.close()
        rules = self.exclusion_rules
        key = pd.MultiIndex.from_arrays([df["_import_id"].astype("int64"), df["_row"].astype("int64")])
        drop = np.zeros(len(df), dtype=bool)
        flags = {}
        for kind in FLAG_NAMES:
            sub = fl[fl["kind"] == kind]
            hit = key.isin(pd.MultiIndex.from_arrays([sub["import_id"].astype("int64"), sub["row"].astype("int64")]))
            flags[f"flag_{kind}"] = hit
            if rules.get(kind):
                drop |= hit
        df = pd.concat([df, pd.DataFrame(flags, index=df.index)], axis=1)
        return df[drop].reset_index(drop=True)

    def _ensure_checked(self, wave: Optional[str]) -> None:
        """Re-run the checks of any wave whose stored flags predate its imports (or the quality settings)."""
        for w in self._stale_waves(wave):
            self.check(w)

    def _stale_waves(self, wave: Optional[str]) -> list[str]:
        """Waves (``wave``, or all) whose stored flags predate their imports or the quality settings, to check and
        store again.  A project that cannot be written (:meth:`connect`) cannot store them: one message naming the
        wave, the store and what to do (catalogue ``checks-readonly``), before any row is read."""
        con = self.connect()
        try:
            stale = []
            for w in ([wave] if wave is not None else [r[0] for r in con.execute(
                    "SELECT DISTINCT wave FROM imports").fetchall()]):
                row = con.execute("SELECT signature FROM checks WHERE wave = ?", [w]).fetchall()
                if not row or row[0][0] != self._signature(con, w):
                    stale.append(w)
        finally:
            con.close()
        if stale and self._read_only is not None:
            raise MinyiError.of("checks-readonly", file=str(self.root), wave=stale[0], path=str(self.root / DB),
                                reason=self._read_only, project=str(self.root))
        return stale

    def _pii_values(self, wave: str, kind: str) -> Optional[pd.DataFrame]:
        """(key, value) of the identifying column of ``kind`` ('ip') in ``wave``, or None."""
        con = self.connect()
        try:
            df = con.execute("SELECT (p.import_id::BIGINT << 40) + p.\"row\" AS key, p.\"column\", p.value FROM pii p "
                             "JOIN imports i ON i.id = p.import_id WHERE i.wave = ?", [wave]).df()
        finally:
            con.close()
        if df.empty:
            return None
        df = df[df["column"].astype(str).str.lower().str.contains(kind)]
        return None if df.empty else df.drop_duplicates("key")

    def pii_frame(self, wave: Optional[str] = None) -> pd.DataFrame:
        """Identifying columns in wide form: _import_id, _row and one column per source column."""
        con = self.connect()
        try:
            where = " WHERE i.wave = ?" if wave is not None else ""
            df = con.execute("SELECT p.import_id AS _import_id, p.\"row\" AS _row, p.\"column\", p.value FROM pii p "
                             f"JOIN imports i ON i.id = p.import_id{where}", [wave] if wave is not None else []).df()
        finally:
            con.close()
        if df.empty:
            return pd.DataFrame(columns=["_import_id", "_row"])
        wide = df.pivot_table(index=["_import_id", "_row"], columns="column", values="value", aggfunc="first")
        wide.columns = [str(c) for c in wide.columns]
        return wide.reset_index()

    def responses(self, wave: Optional[str] = None, *, apply_exclusions_: bool = True,
                  columns: Optional[Sequence[str]] = None, codes_float32: bool = False,
                  raw_codes: Sequence[str] = ()) -> tuple[pd.DataFrame, dict]:
        """Responses of ``wave`` with the project's exclusion rules applied; returns (data, {rule: rows excluded}).

        One columnar read of ``columns`` (default all; see :meth:`raw_responses`).  The checks run
        first when their stored flags do not cover every import (so the rules always apply) — on the
        rows read here, which are then read with every column, once, and converted once (the analysis
        frame is made of the same arrays).  Excluded rows are removed by one boolean mask built from the
        stored flags (:func:`survey.reading.exclusion_mask`), in place (:meth:`StoredColumns.frame`).
        ``raw_codes``: SMALLINT columns returned as int16 codes as stored (:mod:`survey.columns`: half the
        memory of float32, for columns the caller only codes; the checks read them so too).
        """
        if not apply_exclusions_:
            return self.raw_responses(wave, columns=columns, codes_float32=codes_float32), {}
        with self.kept_open():  # the database's steps; closed before the frame is made (its memory freed), unless the caller keeps it open
            self._check_wave(wave)
            cols = self._columns(columns)
            data, keep, counts = self._read_checked(wave, cols, codes_float32, raw_codes)
        return data.frame(cols, keep, codes_float32=codes_float32), counts

    def _read_checked(self, wave: Optional[str], cols: list[str], codes_float32: bool,
                      raw_codes: Sequence[str] = ()) -> tuple:
        """(the wave's columns ``cols`` as read, the rows the exclusion rules keep or None for every row,
        {rule: rows excluded}), the checks run first when stale (:meth:`responses`)."""
        stale = self._stale_waves(wave)
        single = wave is not None and stale == [wave]
        raw = [c for c in raw_codes if c in cols and self._types.get(c) == "SMALLINT"]
        data = self._read(wave, self._columns(None) if single else cols, codes_float32=codes_float32 or single,
                          raw_codes=raw)
        if not data.n:
            return data, None, {}
        if single:  # check the rows just read (every column, codes float32); keep the columns asked for
            full = data.frame(self._columns(None))
            self.check(wave, data=full)
            del full
        else:
            for w in stale:
                self.check(w)
        con = self.connect()
        try:
            where = " WHERE wave = ?" if wave is not None else ""
            fl = con.execute(f"SELECT (import_id::BIGINT << 40) + \"row\" AS key, kind FROM flags{where}",
                             [wave] if wave is not None else []).fetchnumpy()
        finally:
            con.close()
        keep, counts = exclusion_mask(data.key, np.asarray(fl["key"], dtype=np.int64),
                                      np.asarray(fl["kind"], dtype=object), self.config.get("exclusions"))
        return data, keep, counts

    def analysis_source_sql(self, wave: str) -> tuple[str, list]:
        """A DuckDB query (and its parameters) of the rows of ``wave`` that analysis uses: the stored
        responses without the rows the exclusion rules remove (stored flags; check first when stale)."""
        rules = self.exclusion_rules
        kinds = [k for k in FLAG_NAMES if rules.get(k)]
        sql = "SELECT * FROM responses r WHERE r._wave = ?"
        params: list = [wave]
        if kinds:
            sql += (" AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.wave = ? AND f.import_id = r._import_id "
                    f"AND f.\"row\" = r._row AND f.kind IN ({', '.join('?' for _ in kinds)}))")
            params += [wave, *kinds]
        return sql, params

    def exclusion_codes(self, wave: str) -> dict:
        """{flag kind (``speeder``, ``duplicate_id``, …): rows excluded} for ``wave`` (each row counted under its
        first excluding rule), from the stored flags (checked first when stale); no responses are read.  As
        ``analyze --json``'s ``quality.exclusion_codes``."""
        self._ensure_checked(wave)
        return dict(self._stored_exclusions(wave)[0])

    def exclusion_counts(self, wave: str) -> dict:
        """:meth:`exclusion_codes` keyed by the rules' Chinese names (:func:`named_by_rule`)."""
        return named_by_rule(self.exclusion_codes(wave))

    def n_responses(self, wave: str) -> int:
        """Stored (accepted) responses of ``wave``, before exclusions."""
        con = self.connect()
        try:
            return int(con.execute("SELECT count(*) FROM responses WHERE _wave = ?", [wave]).fetchall()[0][0])
        finally:
            con.close()

    def _stored_exclusions(self, wave: str) -> tuple[dict, bool]:
        """Exclusion counts by flag kind from the stored flags (no data loaded) and whether the flags predate
        an import."""
        rules = self.exclusion_rules
        order = [k for k in FLAG_NAMES if rules.get(k)]
        con = self.connect()
        try:
            stale = (con.execute("SELECT signature FROM checks WHERE wave = ?", [wave]).fetchall() or [[None]])[0][0] \
                != self._signature(con, wave)
            if not order:
                return {}, stale
            case = " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(order))
            rows = con.execute(f"SELECT o, count(*) FROM (SELECT import_id, \"row\", min(CASE kind {case} END) AS o "
                               f"FROM flags WHERE wave = ? AND kind IN ({', '.join(repr(k) for k in order)}) "
                               "GROUP BY 1, 2) GROUP BY o ORDER BY o", [wave]).fetchall()
        finally:
            con.close()
        return {order[int(o)]: int(n) for o, n in rows if n}, stale

    def nonresponse(self, wave: str) -> pd.DataFrame:
        """Stored item non-response per question (question, asked, missing, rate) of ``wave``."""
        self._ensure_checked(wave)
        con = self.connect()
        try:
            return con.execute("SELECT question, asked, missing, rate FROM nonresponse WHERE wave = ?", [wave]).df()
        finally:
            con.close()

    def flags(self, wave: Optional[str] = None) -> pd.DataFrame:
        con = self.connect()
        try:
            where = " WHERE wave = ?" if wave is not None else ""
            return con.execute(f"SELECT * FROM flags{where} ORDER BY import_id, \"row\", kind",
                               [wave] if wave is not None else []).df()
        finally:
            con.close()

    def quarantine(self, wave: Optional[str] = None) -> pd.DataFrame:
        """Quarantine records: wave, source, row, column, value, code, message, the raw row as JSON, the
        column as the file names it (``header``: its header text, ``sheet_column``: its Excel letter in a
        workbook; None in minyi's native layout and in records from before they were kept) and ``params``: the
        message's params as JSON (survey.messages.record_message; None in records from before they were kept)."""
        self._check_wave(wave)
        con = self.connect()
        try:
            have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                              "WHERE table_name = 'quarantine'").fetchall()}
            added = ", ".join(c if c in have else f"NULL AS {c}" for c in QUARANTINE_ADDED_COLUMNS)
            q = f"SELECT wave, source, \"row\", \"column\", value, code, message, raw, {added} FROM quarantine" + \
                (" WHERE wave = ?" if wave else "") + " ORDER BY import_id, \"row\", \"column\""
            df = con.execute(q, [wave] if wave else []).df()
            for c in ("value", "column", "raw", *QUARANTINE_ADDED_COLUMNS):
                df[c] = df[c].astype(object).where(df[c].notna(), None)
            return df
        finally:
            con.close()

    def coding_changes(self) -> list:
        """Questions whose coding today differs from the one some imports were made with (:mod:`survey.codings`)."""
        con = self.connect()
        try:
            return codings.coding_changes(con, self.questionnaire)
        finally:
            con.close()

    def imports(self) -> pd.DataFrame:
        con = self.connect()
        try:
            return con.execute("SELECT * FROM imports ORDER BY id").df()
        finally:
            con.close()

    def quality_summary(self, wave: str) -> dict:
        """Rows read/accepted/quarantined (per reason) and exclusions (per rule) for the report."""
        con = self.connect()
        try:
            imp = con.execute("SELECT sum(rows_read), sum(accepted), sum(quarantined) FROM imports WHERE wave = ?",
                              [wave]).fetchall()[0]
            reasons = con.execute("SELECT code, count(DISTINCT (import_id, \"row\")) FROM quarantine WHERE wave = ? "
                                  "GROUP BY code ORDER BY 2 DESC, 1", [wave]).fetchall()
        finally:
            con.close()
        self._ensure_checked(wave)
        excl, _ = self._stored_exclusions(wave)  # from the stored flags: no responses read
        return {"rows_read": int(imp[0] or 0), "accepted": int(imp[1] or 0), "quarantined": int(imp[2] or 0),
                "quarantine_reasons": {REASONS_ZH.get(c, c): int(n) for c, n in reasons},
                "excluded": int(sum(excl.values())), "exclusions": named_by_rule(excl),
                # the same counts keyed by code (quarantine code, flag kind): readers name them in their
                # language from the label table (survey.labels)
                "quarantine_codes": {c: int(n) for c, n in reasons}, "exclusion_codes": excl}

    def status(self) -> dict:
        """Waves with counts per site/district, quarantined and excluded rows; the last imports."""
        q = self.questionnaire
        waves = []
        con = self.connect()
        try:
            for w in [r[0] for r in con.execute("SELECT wave, min(id) FROM imports GROUP BY wave ORDER BY 2").fetchall()]:
                n = con.execute("SELECT count(*) FROM responses WHERE _wave = ?", [w]).fetchall()[0][0]
                per = {}
                for key, qid in (("site", q.site_question), ("district", q.district_question)):
                    if qid:
                        rows = con.execute(f"SELECT {_q(qid)}, count(*) FROM responses WHERE _wave = ? GROUP BY 1 "
                                           "ORDER BY 1 NULLS LAST", [w]).fetchall()
                        labels = {int(o.code): o.label for o in q.question(qid).options}
                        per[key] = {(labels.get(int(k), str(k)) if k is not None else "(missing)"): int(c) for k, c in rows}
                nq = con.execute("SELECT count(DISTINCT (import_id, \"row\")) FROM quarantine WHERE wave = ?",
                                 [w]).fetchall()[0][0]
                checked = con.execute("SELECT checked_at FROM checks WHERE wave = ?", [w]).fetchall()
                waves.append({"wave": w, "responses": int(n), "quarantined_rows": int(nq),
                              "checked_at": checked[0][0] if checked else None, **per})
            imps = con.execute("SELECT id, file, sha256, format, wave, site, rows_read, accepted, quarantined, imported_at "
                               "FROM imports ORDER BY id DESC LIMIT 10").df()
            removed = con.execute("SELECT \"at\", import_id, file, sha256, wave, detail FROM history "
                                  "WHERE action = 'remove-import' ORDER BY seq DESC LIMIT 10").df()
        finally:
            con.close()
        from .waves import order_waves, wave_info

        order = {w: i for i, w in enumerate(order_waves([w["wave"] for w in waves], self.config))}
        waves.sort(key=lambda w: order[w["wave"]])  # by fielding date when minyi.yaml dates every wave
        for w in waves:
            info = wave_info(self.config, w["wave"])  # issue 13: every output shows the wave's label
            w["label"] = info.label
            w["period"] = [d.isoformat() if d else None for d in (info.start, info.end)] if (info.start or info.end) \
                else None
            if w["checked_at"] is not None:
                excl, stale = self._stored_exclusions(w["wave"])
                w["excluded"] = int(sum(excl.values()))
                w["exclusions"] = named_by_rule(excl)
                w["checks_stale"] = stale
        from .collect.dashboard import journal_notes

        return {"project": str(self.root), "questionnaire": q.title, "waves": waves,
                "last_imports": [{k: _plain(v) for k, v in r.items()} for r in imps.to_dict("records")],
                "removed": [{k: _plain(v) for k, v in r.items()} for r in removed.to_dict("records")],
                # the web survey's notes on the answers it stored (survey.collect.dashboard.notes_summary), per
                # wave: what the dashboard lists under 需要核对的答卷
                "not_in_store": journal_notes(q, self.root)}


# ----------------------------------------------------------------------------- helpers
def _init_db(path: Path, q: Questionnaire) -> None:
    import duckdb

    con = duckdb.connect(str(path))
    try:
        cols = ", ".join(f"{_q(c)} {t}" for c, t in column_types(q))
        con.execute(f"CREATE TABLE responses ({cols})")
        con.execute("CREATE TABLE imports (id INTEGER, file VARCHAR, path VARCHAR, sha256 VARCHAR, format VARCHAR, "
                    "wave VARCHAR, site VARCHAR, rows_read BIGINT, accepted BIGINT, quarantined BIGINT, imported_at VARCHAR)")
        con.execute("CREATE TABLE quarantine (import_id INTEGER, wave VARCHAR, source VARCHAR, \"row\" BIGINT, "
                    "\"column\" VARCHAR, value VARCHAR, code VARCHAR, message VARCHAR, raw VARCHAR, "
                    + QUARANTINE_ADDED + ")")
        con.execute("CREATE TABLE flags (wave VARCHAR, import_id INTEGER, \"row\" BIGINT, respondent_id VARCHAR, "
                    "kind VARCHAR, detail VARCHAR)")
        con.execute("CREATE TABLE nonresponse (wave VARCHAR, question VARCHAR, asked BIGINT, missing BIGINT, rate DOUBLE)")
        con.execute("CREATE TABLE checks (wave VARCHAR, signature VARCHAR, checked_at VARCHAR)")
        con.execute("CREATE TABLE pii (import_id INTEGER, \"row\" BIGINT, \"column\" VARCHAR, value VARCHAR)")
        con.execute(HISTORY_TABLE)
        con.execute(SIZES_TABLE)
        con.execute(CODINGS_TABLE)
    finally:
        con.close()
    os.chmod(path, 0o600)


IMPORTS_NAMED = 4  # earlier imports named in the note on ids that restart per download; the rest counted


def restart_note(import_id: int, file: str, rows: int, earlier: list, project: str, wave: str):
    """The warning (catalogue ``ids-restart-per-download``) that ``rows`` rows of import ``import_id`` (``file``)
    have respondent ids that the ``earlier`` imports ((import id, file, ids shared), …) hold with other answers,
    and are kept as distinct respondents; ``survey import`` and ``survey check`` say it alike."""
    named = [f"import #{i} ({f}, {k:,} id{'s' if k != 1 else ''})" for i, f, k in earlier[:IMPORTS_NAMED]]
    if len(earlier) > IMPORTS_NAMED:
        named.append(f"{len(earlier) - IMPORTS_NAMED} more import(s)")
    return problem("ids-restart-per-download", file=file, severity="warning", rows=f"{rows:,}", import_id=import_id,
                   others=", ".join(named), project=project, wave=wave)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _plain(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return None if np.isnan(v) else float(v)
    if v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    return v


def named_by_rule(counts: dict) -> dict:
    """{flag kind: n} → {rule name (中文, survey.labels): n}."""
    return {FLAG_NAMES.get(k, k): v for k, v in counts.items()}

"""The durable submission journal: one SQLite file beside the project store.

Why a journal: DuckDB lets one process write the project store at a time, and ``survey
status/check/analyze/report/export`` open it while the server runs.  So the server never keeps
the store open; it appends each accepted submission to this journal and
:mod:`survey.collect.merge` moves journal batches into the store, opening it only for the
short merge transaction.

Durability: the journal is SQLite in WAL mode with ``synchronous=FULL`` — a commit returns only
after the write-ahead log is fsynced — and a submission is acknowledged only after the commit
of the transaction holding it.  A process killed at any moment leaves either the whole
transaction or nothing (SQLite's atomic commit), so no half row; the UUID column is UNIQUE, so a
retried submission is stored once.  The file (and its ``-wal``/``-shm`` companions, which SQLite
creates with the same mode) is readable by the owner only: it holds IP addresses.

Tables: ``submissions`` (seq, uuid, wave, times, site/district labels, collector, device, the
native-layout answers as JSON, IP and user agent, the merge batch it was assigned to, the store
import id once merged, and ``notes``: JSON of what the store does not hold — ``unknown_fields``, the fields of
questions this questionnaire does not have, with their values; ``other_text_missing``, the questions whose
"other" option an answer from an older page chose without its text — or NULL) and ``state`` (key/value: the journal's id, whether the survey is open, and per
wave the quotas in force while it was served).
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from ..errors import MinyiError

JOURNAL = "serve-journal.sqlite"
QUOTAS_KEY = "quotas:"  # state key prefix: the quotas in force while a wave was served (settings.Quotas JSON)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    wave TEXT NOT NULL,
    received_at TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    day TEXT NOT NULL,
    site TEXT,
    district TEXT,
    collector TEXT,
    device TEXT,
    duration_sec REAL,
    ip TEXT,
    user_agent TEXT,
    answers TEXT NOT NULL,
    batch INTEGER,
    merged_import INTEGER,
    notes TEXT
);
CREATE INDEX IF NOT EXISTS submissions_batch ON submissions (batch, seq);
CREATE INDEX IF NOT EXISTS submissions_device ON submissions (device);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT);
"""


@dataclass
class Record:
    """One accepted submission as stored in the journal."""

    uuid: str
    wave: str
    received_at: str
    submitted_at: str
    site: Optional[str]
    district: Optional[str]
    collector: Optional[str]
    device: Optional[str]
    duration_sec: Optional[float]
    ip: Optional[str]
    user_agent: Optional[str]
    answers: dict  # native column -> number or text
    seq: Optional[int] = None
    notes: Optional[dict] = None  # what the store does not hold (module docstring), None: nothing

    @property
    def day(self) -> str:
        return self.submitted_at[:10]


class Journal:
    """One connection to the journal (use one per thread)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            if not self.path.exists():
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.close(fd)
                _fsync_dir(self.path.parent)
            self.con = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
            self.con.execute("PRAGMA journal_mode=WAL")
            self.con.execute("PRAGMA synchronous=FULL")
            self.con.execute("PRAGMA busy_timeout=30000")
            self.con.executescript(_SCHEMA)
            _add_notes_column(self.con)
            self.con.execute("INSERT OR IGNORE INTO state (key, value) VALUES ('journal_id', ?)",
                             (secrets.token_hex(8),))
            self.journal_id = self.state("journal_id")
        except (OSError, sqlite3.Error) as e:
            raise MinyiError.of("serve-journal", file=str(self.path), path=str(self.path), reason=str(e))

    def close(self) -> None:
        self.con.close()

    # ------------------------------------------------------------------ writing
    def append(self, records: list[Record]) -> list[int]:
        """Store ``records`` in one transaction; returns their seq numbers.  Durable on return."""
        if not records:
            return []
        cur = self.con.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            seqs = []
            for r in records:
                cur.execute("INSERT INTO submissions (uuid, wave, received_at, submitted_at, day, site, district, "
                            "collector, device, duration_sec, ip, user_agent, answers, notes) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (r.uuid, r.wave, r.received_at, r.submitted_at, r.day, r.site, r.district, r.collector,
                             r.device, r.duration_sec, r.ip, r.user_agent,
                             json.dumps(r.answers, ensure_ascii=False, separators=(",", ":")),
                             json.dumps(r.notes, ensure_ascii=False, separators=(",", ":")) if r.notes else None))
                seqs.append(int(cur.lastrowid))
                r.seq = seqs[-1]
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return seqs

    def set_state(self, key: str, value: str) -> None:
        self.con.execute("INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                         (key, value, value))

    def set_wave_quotas(self, wave: str, quotas_json: str) -> None:
        """Keep the quotas in force while ``wave`` is served (for its answers that arrive late)."""
        self.set_state(QUOTAS_KEY + wave, quotas_json)

    def wave_quotas(self, wave: str) -> Optional[str]:
        """The quotas last in force while ``wave`` was served (JSON), or None when it was never served here."""
        return self.state(QUOTAS_KEY + wave)

    def state(self, key: str, default: Optional[str] = None) -> Optional[str]:
        row = self.con.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def new_batch(self, limit: int) -> Optional[int]:
        """Assign up to ``limit`` unassigned submissions of one wave (the oldest) to a new merge batch."""
        cur = self.con.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            row = cur.execute("SELECT wave FROM submissions WHERE batch IS NULL ORDER BY seq LIMIT 1").fetchone()
            if row is None:
                cur.execute("ROLLBACK")
                return None
            batch = int(cur.execute("SELECT coalesce(max(batch), 0) + 1 FROM submissions").fetchone()[0])
            cur.execute("UPDATE submissions SET batch = ? WHERE seq IN (SELECT seq FROM submissions WHERE batch IS NULL "
                        "AND wave = ? ORDER BY seq LIMIT ?)", (batch, row[0], int(limit)))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return batch

    def open_batches(self) -> list[int]:
        """Batches assigned but not yet marked merged (a run stopped between the two)."""
        rows = self.con.execute("SELECT DISTINCT batch FROM submissions WHERE batch IS NOT NULL AND merged_import IS NULL "
                                "ORDER BY batch").fetchall()
        return [int(r[0]) for r in rows]

    def mark_merged(self, batch: int, import_id: int) -> None:
        self.con.execute("UPDATE submissions SET merged_import = ? WHERE batch = ?", (int(import_id), int(batch)))

    # ------------------------------------------------------------------ reading
    def existing(self, uuids: Iterable[str]) -> set[str]:
        uuids = list(uuids)
        out: set[str] = set()
        for i in range(0, len(uuids), 500):
            part = uuids[i:i + 500]
            rows = self.con.execute(f"SELECT uuid FROM submissions WHERE uuid IN ({','.join('?' * len(part))})",
                                    part).fetchall()
            out.update(r[0] for r in rows)
        return out

    def devices_used(self, devices: Iterable[str], wave: str) -> set[str]:
        """Which of ``devices`` already submitted (without a collector's link) in ``wave``."""
        devices = [d for d in devices if d]
        if not devices:
            return set()
        rows = self.con.execute(f"SELECT DISTINCT device FROM submissions WHERE wave = ? AND collector IS NULL "
                                f"AND device IN ({','.join('?' * len(devices))})", [wave, *devices]).fetchall()
        return {r[0] for r in rows}

    def cell_counts(self, wave: str) -> dict[tuple[Optional[str], Optional[str]], int]:
        rows = self.con.execute("SELECT site, district, count(*) FROM submissions WHERE wave = ? GROUP BY 1, 2",
                                (wave,)).fetchall()
        return {(s, d): int(n) for s, d, n in rows}

    def notes(self, wave: str) -> list[dict]:
        """The notes of ``wave``'s submissions that have any (journal order), each with its ``uuid`` and ``day``."""
        rows = self.con.execute("SELECT uuid, day, notes FROM submissions WHERE wave = ? AND notes IS NOT NULL "
                                "ORDER BY seq", (wave,)).fetchall()
        return [dict(json.loads(n), uuid=u, day=d) for u, d, n in rows]

    def counts(self, wave: str) -> list[tuple]:
        """(site, district, collector, day, n) for ``wave``."""
        return self.con.execute("SELECT site, district, collector, day, count(*) FROM submissions WHERE wave = ? "
                                "GROUP BY 1, 2, 3, 4", (wave,)).fetchall()

    def records(self, wave: Optional[str] = None) -> list[Record]:
        """Every submission (of ``wave``), in order."""
        if wave is None:
            return self._records("1 = 1", ())
        return self._records("wave = ?", (wave,))

    def batch_records(self, batch: int) -> list[Record]:
        return self._records("batch = ?", (int(batch),))

    def _records(self, where: str, params: tuple) -> list[Record]:
        sql = ("SELECT seq, uuid, wave, received_at, submitted_at, site, district, collector, device, duration_sec, "
               f"ip, user_agent, answers, notes FROM submissions WHERE {where} ORDER BY seq")
        out = []
        for r in self.con.execute(sql, params).fetchall():
            out.append(Record(uuid=r[1], wave=r[2], received_at=r[3], submitted_at=r[4], site=r[5], district=r[6],
                              collector=r[7], device=r[8], duration_sec=r[9], ip=r[10], user_agent=r[11],
                              answers=json.loads(r[12]), seq=int(r[0]), notes=json.loads(r[13]) if r[13] else None))
        return out

    def count(self, wave: Optional[str] = None) -> int:
        if wave is None:
            return int(self.con.execute("SELECT count(*) FROM submissions").fetchone()[0])
        return int(self.con.execute("SELECT count(*) FROM submissions WHERE wave = ?", (wave,)).fetchone()[0])

    def last_seq(self) -> int:
        return int(self.con.execute("SELECT coalesce(max(seq), 0) FROM submissions").fetchone()[0])


def _add_notes_column(con: sqlite3.Connection) -> None:
    """A journal from before the ``notes`` column gets it (another connection may be adding it at once)."""
    if "notes" in {r[1] for r in con.execute("PRAGMA table_info(submissions)")}:
        return
    try:
        con.execute("ALTER TABLE submissions ADD COLUMN notes TEXT")
    except sqlite3.OperationalError as e:
        if "duplicate column" not in str(e):
            raise


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def journal_path(project_root: str | Path) -> Path:
    return Path(project_root) / JOURNAL


"""Journal batches → the DuckDB project store, one import per batch (the one adapter to the store).

:func:`merge_pending` takes the journal's submissions not yet merged, per wave, and commits each
group as one import in one DuckDB transaction: the rows in ``responses`` (``_source`` =
``serve``, ``_row`` = the journal's sequence number, ``respondent_id`` = the submission's UUID,
``collector`` = the collector's id from the link), IP address and user agent in ``pii`` (the
identifying side, as ``survey import`` keeps an imported IP column), and an ``imports`` record
(file and format ``serve``, the wave, rows read = accepted, none quarantined — invalid
submissions were refused with HTTP 422 and never stored).  ``survey status`` lists it like any
import.

Exactly once: the journal marks a submission merged only after the store's commit; a process
killed between the two merges the batch again, and the submissions whose UUID is already in the
store are left out (inside the same transaction), so nothing is stored twice.

The store is opened only for the merge transaction (``Project.connect`` waits while another
command holds the database), so ``survey status/check/analyze/report/export`` run while the
server collects.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
import yaml

from ..atomic import atomic_write_text
from ..store import CONFIG, Project, column_types
from .answers import frame_of
from .journal import Journal, Record

SOURCE = "serve"


@dataclass(frozen=True)
class MergeResult:
    wave: str
    import_id: Optional[int]  # None: every submission was already in the store
    rows: int  # rows added to the store
    first_seq: int
    last_seq: int


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def records_frame(project: Project, records: list[Record]) -> pd.DataFrame:
    """Native-layout frame of journal records: metadata, collector, answers and ``_row`` = seq."""
    q = project.questionnaire
    frame = frame_of(q, [r.answers for r in records])
    frame.insert(0, "respondent_id", np.array([r.uuid for r in records], dtype=object))
    frame.insert(1, "submitted_at", np.array([r.submitted_at for r in records], dtype=object))
    frame.insert(2, "duration_sec", np.array([np.nan if r.duration_sec is None else float(r.duration_sec)
                                              for r in records], dtype=float))
    frame.insert(3, "collector", np.array([r.collector for r in records], dtype=object))
    frame["_row"] = np.array([r.seq for r in records], dtype=np.int64)
    return frame


def _commit(project: Project, wave: str, records: list[Record], journal_file: str) -> MergeResult:
    seqs = [r.seq for r in records]
    frame = records_frame(project, records)
    con = project.connect()
    try:
        con.execute("BEGIN TRANSACTION")
        ids = pd.DataFrame({"rid": frame["respondent_id"].astype(str)})
        con.register("ids_in", ids)
        stored = {r[0] for r in con.execute(
            f"SELECT respondent_id FROM responses WHERE _source = '{SOURCE}' AND respondent_id IN "
            "(SELECT rid FROM ids_in)").fetchall()}
        con.unregister("ids_in")
        good = ~frame["respondent_id"].isin(stored).to_numpy()
        n = int(good.sum())
        import_id = None
        if n:
            import_id = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM imports").fetchall()[0][0])
            incoming = project._arrow_rows(frame, good)
            cols = [c for c, _ in column_types(project.questionnaire)]
            present = set(incoming.column_names)
            sel = []
            for c in cols:
                if c in ("_wave", "_source"):
                    sel.append("?::VARCHAR")
                elif c == "_import_id":
                    sel.append("?::INTEGER")
                elif c in present:
                    sel.append(_q(c))
                else:
                    sel.append("NULL")
            con.register("incoming", incoming)
            con.execute(f"INSERT INTO responses ({', '.join(_q(c) for c in cols)}) SELECT {', '.join(sel)} "
                        "FROM incoming", [wave, import_id, SOURCE])
            con.unregister("incoming")
            kept = [r for r, g in zip(records, good) if g]
            pii = pd.DataFrame([(r.seq, col, val) for r in kept for col, val in (("ip", r.ip), ("user_agent", r.user_agent))
                                if val], columns=["_row", "column", "value"])
            if len(pii):
                con.register("pin", pii)
                con.execute("INSERT INTO pii SELECT ?, _row, \"column\", value FROM pin", [import_id])
                con.unregister("pin")
            digest = hashlib.sha256("\n".join(r.uuid for r in kept).encode()).hexdigest()
            now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
            con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [import_id, SOURCE, f"{journal_file}#{kept[0].seq}-{kept[-1].seq}", digest, SOURCE, wave,
                         None, n, n, 0, now])
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except Exception:  # pragma: no cover - connection already gone
            pass
        raise
    finally:
        con.close()
    return MergeResult(wave, import_id, n, min(seqs), max(seqs))


def _note_wave(root: Path, wave: str) -> None:
    """Add ``wave`` to minyi.yaml's ``waves`` as ``survey import`` does (re-reading the file first)."""
    from ..waves import register_wave

    path = root / CONFIG
    cfg = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if register_wave(cfg, wave):
        atomic_write_text(path, yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))


def merge_pending(project: Project, journal: Journal, *, limit: int = 20000) -> list[MergeResult]:
    """Merge every submission the journal holds and the store lacks; one import per wave and batch."""
    out: list[MergeResult] = []
    while True:
        records = journal.records(unmerged=True, limit=limit)
        if not records:
            return out
        by_wave: dict[str, list[Record]] = {}
        for r in records:
            by_wave.setdefault(r.wave, []).append(r)
        for wave, recs in by_wave.items():
            res = _commit(project, wave, recs, journal.path.name)
            journal.mark_merged([r.seq for r in recs], res.import_id if res.import_id is not None else 0)
            if res.rows:
                _note_wave(project.root, wave)
            out.append(res)
        if len(records) < limit:
            return out

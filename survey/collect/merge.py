"""Journal batches → the DuckDB project store, one import per batch, through the store's commit step.

The submissions were checked when they arrived (the row checks of ``survey import``), so a batch is
built straight from the journal: the rows typed for the store (:func:`survey.ingest.arrow_rows`;
``respondent_id`` = the submission's UUID, ``collector``, ``_row`` = the journal's sequence number),
IP address and user agent as identifying values (the ``pii`` side, as ``survey import`` keeps an
imported IP column), no quarantine (invalid submissions were refused with HTTP 422 and never stored).
:func:`survey.ingest.commit_batch` stores it like any import: under the project's write lock, in one
DuckDB transaction, with an ``imports`` record (file and format ``serve``, the wave, rows read =
accepted, none quarantined), a history entry and the wave registered in ``minyi.yaml``.  ``survey
status`` lists it like any import.

Exactly once: before committing, the journal records which submissions form the batch (its batch
number, in a journal transaction) and the batch's key is ``serve:<journal id>:<batch number>``.
The store's commit skips a key it already holds, and the journal marks the batch merged only after
the store's commit.  A process killed anywhere in between merges the same batch again on its next
start; the store then answers "already imported" and nothing is stored twice.

The store is opened only for the commit (``survey status/check/analyze/report/export`` run while the
server collects; they wait for a merge in progress, and a merge waits for them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd

from ..ingest import ImportBatch, arrow_rows, commit_batch
from ..store import Project
from .answers import frame_of
from .journal import Journal, Record

SOURCE = "serve"
FORMAT_REASON = "answers collected by survey serve, checked when they arrived"


@dataclass(frozen=True)
class MergeResult:
    wave: str
    batch: int
    import_id: Optional[int]
    rows: int  # rows added to the store (0: the store already had this batch)
    first_seq: int
    last_seq: int


def records_frame(project: Project, records: list[Record]) -> pd.DataFrame:
    """Native-layout frame of journal records: metadata, answers, collector and ``_row`` = seq."""
    q = project.questionnaire
    frame = frame_of(q, [r.answers for r in records])
    frame.insert(0, "respondent_id", np.array([r.uuid for r in records], dtype=object))
    frame.insert(1, "submitted_at", np.array([r.submitted_at for r in records], dtype=object))
    frame.insert(2, "duration_sec", np.array([np.nan if r.duration_sec is None else float(r.duration_sec)
                                              for r in records], dtype=float))
    frame["collector"] = np.array([r.collector for r in records], dtype=object)
    frame["_row"] = np.array([r.seq for r in records], dtype=np.int64)
    return frame


def build_batch(project: Project, journal: Journal, batch: int, records: list[Record]) -> ImportBatch:
    """The store batch of journal batch ``batch`` (all of one wave)."""
    frame = records_frame(project, records)
    n = len(records)
    pii = pd.DataFrame([(r.seq, col, val) for r in records for col, val in (("ip", r.ip), ("user_agent", r.user_agent))
                        if val], columns=["_row", "column", "value"])
    return ImportBatch(source=SOURCE, path=f"{journal.path}#batch{batch}", key=f"serve:{journal.journal_id}:{batch}",
                       format=SOURCE, format_reason=FORMAT_REASON, wave=records[0].wave, site=None,
                       rows=arrow_rows(project.questionnaire, frame, np.ones(n, dtype=bool)), quarantine=None,
                       pii=pii if len(pii) else None, hash_pii=False, rows_read=n, accepted=n, quarantined=0,
                       reasons={}, pii_columns=["ip", "user_agent"] if len(pii) else [])


def _merge_batch(project: Project, journal: Journal, batch: int) -> MergeResult:
    records = journal.batch_records(batch)
    summary = commit_batch(project, build_batch(project, journal, batch, records))
    journal.mark_merged(batch, summary.import_id or 0)
    added = 0 if summary.already else summary.accepted
    return MergeResult(records[0].wave, batch, summary.import_id, added, records[0].seq, records[-1].seq)


def merge_pending(project: Project, journal: Journal, *, limit: int = 5000) -> list[MergeResult]:
    """Merge every submission the journal holds and the store lacks (batches of at most ``limit``, one wave each)."""
    out = [_merge_batch(project, journal, b) for b in journal.open_batches()]  # left by a stopped run
    while True:
        batch = journal.new_batch(limit)
        if batch is None:
            return out
        out.append(_merge_batch(project, journal, batch))

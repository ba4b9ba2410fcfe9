"""The one writer: submissions are checked and stored in batches by one thread, then acknowledged.

Request handlers put a :class:`Pending` submission on a queue and await its :class:`Outcome`.
The writer thread takes everything waiting (up to :data:`MAX_BATCH`), and for the batch:

1. a UUID already in the journal (or earlier in the batch) → 200 again, nothing stored (a retry);
2. converts each submission to a native row (:func:`survey.collect.answers.to_row`) and runs the
   row checks of ``survey import`` on the whole batch at once (:func:`~survey.collect.answers.check_batch`:
   one vectorised pass, so checking costs about the same for 1 or 100 rows) → 422 with field errors;
3. one submission per device unless the link is a collector's → 409;
4. quotas (``stop``): a cell at its target takes no more answers → 409; counts are updated as the
   batch is stored, so two answers racing for the last place cannot both get it.  An answer is counted
   in the wave it was filled in and checked against that wave's quotas: today's for the wave served
   now (kept in the journal for the wave whenever they change), and for an older wave's answer sent
   late from a phone's outbox the quotas last in force while that wave was served — never today's,
   which may be another wave's targets.  An older wave this journal never served (no quotas kept) takes
   the answer without a quota check; the server logs it once and the answer's 200 says
   ``"quota_checked": false``;
5. appends the accepted rows to the journal in one transaction (commit + fsync) and only then
   answers 200.

The writer is also the only one that writes the quotas in force to the journal (:meth:`Committer.note_quotas`):
when minyi.yaml changes, the reload hands the change to it through the same queue
(:meth:`Committer.hand_quotas`), so a quota change during a burst of submissions is written once, in
order with the submissions, by the one connection that writes — never by a request thread beside it
(two writers could write the change twice, or an older reload's quotas over a newer one).

Group commit keeps the cost of fsync and of the checks per submission small under load; a single
writer keeps duplicates, device limits and quotas exact without locks.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..questionnaire import Questionnaire
from ..messages import problem
from .answers import blank_others, check_batch, known_fields, to_row, unknown_fields
from .journal import Journal, Record
from .settings import Quotas, ServeSettings

log = logging.getLogger("minyi.serve")
MAX_BATCH = 256


@dataclass
class Pending:
    """One submission as received (checked for shape, link and access code by the handler)."""

    uuid: str
    fields: dict
    wave: str
    received_at: str
    submitted_at: str
    duration_sec: Optional[float]
    site_code: Optional[int]  # locked by the link
    district_code: Optional[int]
    collector: Optional[str]
    device: Optional[str]
    ip: Optional[str]
    user_agent: Optional[str]
    # an "other" option chosen with its text empty is refused (False: the answer was made by a page from before
    # that rule, e.g. kept in a phone's outbox: stored, and the blank noted — docs/collect.md)
    other_text: bool = True


@dataclass
class Outcome:
    status: int
    body: dict = field(default_factory=dict)


_STOP = object()
_QUOTAS = object()  # the settings were reloaded: the writer notes the quotas now in force (hand_quotas)


class Committer:
    """Owns the journal's write connection and the in-memory quota counts (see module docstring)."""

    def __init__(self, q: Questionnaire, journal_path, settings_fn: Callable[[], ServeSettings]):
        self.q = q
        self.known = known_fields(q)
        self.settings_fn = settings_fn
        self.journal = Journal(journal_path)
        self.queue: "queue.Queue[Any]" = queue.Queue()
        self.counts: dict[str, dict] = {}  # wave -> {(site, district): n}
        self.stored = 0
        self.old_quotas: dict[str, Optional[Quotas]] = {}  # older wave -> its quotas (None: never kept)
        self._noted: Optional[tuple] = None  # (wave, quotas) last kept in the journal (by the writer thread only)
        self.thread = threading.Thread(target=self._run, name="minyi-committer", daemon=True)
        self.thread.start()

    # ------------------------------------------------------------------ API (event loop side)
    async def submit(self, item: Pending) -> Outcome:
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self.queue.put((item, fut, loop))
        return await fut

    def hand_quotas(self) -> None:
        """minyi.yaml was reloaded: have the writer keep the quotas now in force in the journal (in its turn)."""
        self.queue.put(_QUOTAS)

    def stop(self) -> None:
        """Finish every queued submission, then stop the thread."""
        self.queue.put(_STOP)
        self.thread.join()
        self.journal.close()

    # ------------------------------------------------------------------ writer thread
    def _run(self) -> None:
        self._note_now()
        while True:
            first = self.queue.get()
            if first is _STOP:
                return
            if first is _QUOTAS:
                self._note_now()
                continue
            batch = [first]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self.queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    stop = True
                    break
                if nxt is _QUOTAS:  # noted by _process below, with the settings in force for this batch
                    continue
                batch.append(nxt)
            try:
                outcomes = self._process([b[0] for b in batch])
            except Exception:  # never leave a request waiting; nothing of this batch was acknowledged
                log.exception("could not store a batch of %d submissions", len(batch))
                outcomes = [Outcome(503, {"status": "error", "message": "服务器暂时无法保存，请稍后重试"})] * len(batch)
            for (_, fut, loop), out in zip(batch, outcomes):
                loop.call_soon_threadsafe(_resolve, fut, out)
            if stop:
                return

    def _wave_counts(self, wave: str) -> dict:
        if wave not in self.counts:
            self.counts[wave] = self.journal.cell_counts(wave)
        return self.counts[wave]

    def _note_now(self) -> None:
        """Note the quotas in force now (writer thread); a journal that cannot take them now gets them with
        the next batch, which notes them again before it is checked."""
        try:
            self.note_quotas(self.settings_fn())
        except Exception:
            log.exception("could not keep the quotas in force in the journal yet")

    def note_quotas(self, settings: ServeSettings) -> None:
        """Keep the quotas in force for the wave served now in the journal (when they changed).  Called on the
        writer thread only (module docstring)."""
        key = (settings.wave, settings.quotas)
        if key != self._noted:
            self.journal.set_wave_quotas(settings.wave, settings.quotas.to_json())
            self._noted = key
            self.old_quotas.pop(settings.wave, None)

    def _quotas_for(self, wave: str, settings: ServeSettings) -> Optional[Quotas]:
        """The quotas an answer of ``wave`` is checked against (module docstring, step 4); None: none kept."""
        if wave == settings.wave:
            return settings.quotas
        if wave not in self.old_quotas:
            raw = self.journal.wave_quotas(wave)
            self.old_quotas[wave] = Quotas.from_json(raw) if raw else None
            if raw is None:
                log.warning("answers of wave %s arrive after it was served, but its quotas were never kept in the "
                            "journal: they are stored in %s without a quota check", wave, wave)
        return self.old_quotas[wave]

    def _notes(self, it: Pending, row: dict) -> Optional[dict]:
        """What the store will not hold of an accepted answer, kept in the journal and logged (None: nothing):
        ``unknown_fields`` (fields no question of this questionnaire reads, with their values: a page of another
        questionnaire version; the first :data:`~survey.collect.answers.MAX_KEPT_FIELDS`, and when there were
        more, ``unknown_field_count`` saying how many) and ``other_text_missing`` (an older page's "other" chosen without its text)."""
        notes: dict[str, Any] = {}
        unknown, count = unknown_fields(self.known, it.fields)
        if unknown:  # at most MAX_KEPT_FIELDS of them, and how many in all
            notes["unknown_fields"] = unknown
            if count > len(unknown):
                notes["unknown_field_count"] = count
            shown = ", ".join(sorted(unknown)) + (", …" if count > len(unknown) else "")
            pr = problem("serve-unknown-fields", uuid=it.uuid, count=count, fields=shown)
            log.warning("%s (%s)", pr.message, pr.hint)
        blank = [] if it.other_text else blank_others(self.q, row)
        if blank:
            notes["other_text_missing"] = blank
            log.warning("answer %s from a page before 'please specify' was required: stored with the text of %s "
                        "empty", it.uuid, ", ".join(blank))
        return notes or None

    def _label(self, qid: Optional[str], code: Any) -> Optional[str]:
        if not qid or code is None:
            return None
        o = self.q.question(qid).option_by_code(int(code)) if float(code).is_integer() else None
        return o.label if o else None

    def _process(self, items: list[Pending]) -> list[Outcome]:
        settings = self.settings_fn()
        self.note_quotas(settings)
        q = self.q
        out: list[Optional[Outcome]] = [None] * len(items)
        first_of: dict[str, int] = {}
        already = self.journal.existing({it.uuid for it in items})
        todo = []
        for i, it in enumerate(items):
            if it.uuid in already:
                out[i] = Outcome(200, {"status": "stored", "uuid": it.uuid, "duplicate": True})
            elif it.uuid in first_of:
                continue  # answered like its first copy below
            else:
                first_of[it.uuid] = i
                todo.append(i)
        rows, priors, converted = [], [], []
        for i in todo:
            it = items[i]
            fields = dict(it.fields)
            if it.site_code is not None and q.site_question:
                fields[q.site_question] = it.site_code
            if it.district_code is not None and q.district_question:
                fields[q.district_question] = it.district_code
            try:
                row, prior = to_row(q, fields, other_text=it.other_text)
            except Exception:  # one unreadable submission is refused alone, never with its batch
                log.exception("could not read submission %s", it.uuid)
                out[i] = Outcome(400, {"status": "bad_request", "uuid": it.uuid,
                                       "message": "提交的内容无法识别，请刷新页面后重试。"})
                continue
            converted.append(i)
            rows.append(row)
            priors.append(prior)
        todo = converted
        errors = check_batch(q, rows, priors)
        used: dict[str, set] = {}  # wave -> devices that answered in it
        if settings.one_per_device:
            for w in {items[i].wave for i in todo}:
                used[w] = self.journal.devices_used({items[i].device for i in todo if items[i].collector is None
                                                     and items[i].device and items[i].wave == w}, w)
        accepted: list[Record] = []
        accepted_pos: list[int] = []
        pending_counts: dict[str, dict] = {}
        for i, row, errs in zip(todo, rows, errors):
            it = items[i]
            if errs:
                out[i] = Outcome(422, {"status": "invalid", "uuid": it.uuid, "errors": [e.to_dict() for e in errs],
                                       "message": "有题目需要修改，请按提示检查后再提交"})
                continue
            if settings.one_per_device and it.collector is None and it.device:
                if it.device in used[it.wave]:
                    out[i] = Outcome(409, {"status": "already", "uuid": it.uuid,
                                           "message": "这台设备已经提交过问卷，感谢您的参与！"})
                    continue
                used[it.wave].add(it.device)
            site = self._label(q.site_question, row.get(q.site_question) if q.site_question else None)
            district = self._label(q.district_question, row.get(q.district_question) if q.district_question else None)
            counts = self._wave_counts(it.wave)
            extra = pending_counts.setdefault(it.wave, {})
            quotas = self._quotas_for(it.wave, settings)
            if quotas is not None and quotas.mode == "stop" and quotas.cells:
                merged = dict(counts)
                for k, v in extra.items():
                    merged[k] = merged.get(k, 0) + v
                full = quotas.full_cells(merged, site, district)
                if full:
                    out[i] = Outcome(409, {"status": "quota_full", "uuid": it.uuid, "cell": full[0].name,
                                           "message": f"感谢您的参与！{full[0].name}的样本已经收集完成，本份问卷无需再提交。"})
                    continue
            extra[(site, district)] = extra.get((site, district), 0) + 1
            row = dict(row)
            accepted.append(Record(uuid=it.uuid, wave=it.wave, received_at=it.received_at,
                                   submitted_at=it.submitted_at, site=site, district=district, collector=it.collector,
                                   device=it.device, duration_sec=it.duration_sec, ip=it.ip,
                                   user_agent=it.user_agent, answers=row, notes=self._notes(it, row)))
            accepted_pos.append(i)
        self.journal.append(accepted)  # commit + fsync; raises (no acknowledgement) on failure
        for wave, extra in pending_counts.items():
            counts = self._wave_counts(wave)
            for k, v in extra.items():
                counts[k] = counts.get(k, 0) + v
        self.stored += len(accepted)
        for i, rec in zip(accepted_pos, accepted):
            out[i] = Outcome(200, {"status": "stored", "uuid": rec.uuid, "duplicate": False})
            if rec.notes:  # said to the sender too: stored, but not all of it in the store
                out[i].body.update({k: sorted(v) if isinstance(v, dict) else v for k, v in rec.notes.items()})
            if rec.wave != settings.wave and self.old_quotas.get(rec.wave) is None:
                out[i].body["quota_checked"] = False
        for i, it in enumerate(items):  # later copies of a UUID in this batch answer like the first
            if out[i] is None:
                first = out[first_of[it.uuid]]
                out[i] = Outcome(first.status, dict(first.body, duplicate=True) if first.status == 200 else first.body)
        return [o for o in out]  # type: ignore[misc]


def _resolve(fut: "asyncio.Future", out: Outcome) -> None:
    if not fut.done():
        fut.set_result(out)


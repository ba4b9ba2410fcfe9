"""The rectification ledger (整改台账) in the project store.

Tables (created in ``minyi.duckdb`` by the first ``survey ledger``):

* ``ledger_items`` — one row per item: id (ZG-001 …), the rule, subject, measure and district that key it,
  the wave it was raised in, the evidence (estimate, CI, n, target or reference, difference, p), and the
  analysts' columns (responsible unit, deadline, status, measures, note);
* ``ledger_checks`` — each verification of an item on a later wave (result, the new numbers, fixed or not);
* ``ledger_history`` — every change of an item: created, each analyst edit from ``--update`` (field, old,
  new, source file, time) and each status set by a verification.

Statuses: 待整改 (to do) → 整改中 (in progress) → 已整改 (done, awaiting the data) → 已验证 (the next wave's
data confirm the fix; set only by verification, and final).  A verification that still finds the problem
sends an item reported 已整改 back to 整改中 (:func:`data_status`).  An item is *open* while 待整改 or 整改中
and *overdue* when open past its deadline.

The spreadsheet analysts edit and ``survey ledger --update`` reads: :mod:`survey.ledger_sheet`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from analysis.thresholds import ALPHA

from .errors import MinyiError
from .project_files import CONFIG

TODO, DOING, DONE, VERIFIED = "待整改", "整改中", "已整改", "已验证"
STATUSES = (TODO, DOING, DONE, VERIFIED)
OPEN = (TODO, DOING)
SHEET = "整改台账"
VERIFY_SOURCE = "verification on wave "  # ledger_history.source of a status set by a verification, then the wave id
BASE_SHEET = "minyi"  # very hidden: the editable fields as written (see survey.ledger_sheet.write_ledger_xlsx)
NO_DATA = "no_data"   # analysis.ledger.NO_DATA: the verdict of a check that cannot be made

#: the spreadsheet's columns: (key, header, editable by analysts)
COLUMNS = (
    ("id", "编号", False), ("wave", "发现期次", False), ("rule", "问题类型", False), ("area", "领域", False),
    ("subject", "指标/问题", False), ("district", "区县", False), ("description", "问题描述", False),
    ("estimate", "估计值", False), ("ci_low", "95%置信区间下限", False), ("ci_high", "95%置信区间上限", False),
    ("n", "样本量", False), ("target", "目标值/参照值", False),
    ("unit", "责任单位", True), ("deadline", "整改时限", True), ("status", "状态", True),
    ("measures", "整改措施", True), ("note", "备注", True),
    ("check_wave", "核验期次", False), ("check_result", "核验结果", False), ("check_detail", "核验说明", False),
    ("overdue", "是否逾期", False),
)
EDITABLE = tuple(k for k, _, e in COLUMNS if e)
HEADERS = {k: h for k, h, _ in COLUMNS}
#: the columns that say which problem a row is; each shown must agree with the stored item of its 编号
IDENTITY = ("wave", "rule", "subject", "district")

_ITEM_COLS = (("id", "VARCHAR"), ("rule", "VARCHAR"), ("subject", "VARCHAR"), ("measure", "VARCHAR"),
              ("district", "VARCHAR"), ("wave", "VARCHAR"), ("area", "VARCHAR"), ("subject_name", "VARCHAR"),
              ("estimate", "DOUBLE"), ("se", "DOUBLE"), ("ci_low", "DOUBLE"), ("ci_high", "DOUBLE"), ("n", "BIGINT"),
              ("df", "DOUBLE"), ("target", "DOUBLE"), ("reference", "DOUBLE"), ("reference_se", "DOUBLE"),
              ("reference_df", "DOUBLE"), ("diff", "DOUBLE"), ("p", "DOUBLE"), ("p_adjusted", "DOUBLE"),
              ("unit", "VARCHAR"), ("deadline", "DATE"), ("status", "VARCHAR"), ("measures", "VARCHAR"),
              ("note", "VARCHAR"), ("created_at", "VARCHAR"), ("updated_at", "VARCHAR"))
_CHECK_COLS = (("item_id", "VARCHAR"), ("wave", "VARCHAR"), ("result", "VARCHAR"), ("fixed", "BOOLEAN"),
               ("estimate", "DOUBLE"), ("ci_low", "DOUBLE"), ("ci_high", "DOUBLE"), ("n", "BIGINT"),
               ("diff", "DOUBLE"), ("diff_low", "DOUBLE"), ("diff_high", "DOUBLE"), ("p", "DOUBLE"),
               ("checked_at", "VARCHAR"))
_HISTORY_COLS = (("item_id", "VARCHAR"), ("field", "VARCHAR"), ("old", "VARCHAR"), ("new", "VARCHAR"),
                 ("source", "VARCHAR"), ("changed_at", "VARCHAR"))
EVIDENCE_FIELDS = ("estimate", "se", "ci_low", "ci_high", "n", "df", "target", "reference", "reference_se",
                   "reference_df", "diff", "p", "p_adjusted")


@dataclass
class LedgerItem:
    """One stored item, with its latest verification (``check``: a row of ``ledger_checks``) when any."""

    id: str
    rule: str
    subject: str
    measure: str
    district: Optional[str]
    wave: str
    area: Optional[str]
    subject_name: str
    evidence: dict
    unit: str = ""
    deadline: Optional[dt.date] = None
    status: str = TODO
    measures: str = ""
    note: str = ""
    created_at: str = ""
    updated_at: str = ""
    check: Optional[dict] = None

    @property
    def key(self) -> tuple:
        return (self.rule, self.subject, self.measure, self.district or "")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def overdue(self, today: Optional[dt.date] = None) -> bool:
        """Open and past its deadline."""
        today = today or dt.date.today()
        return self.is_open and self.deadline is not None and self.deadline < today


@dataclass
class LedgerState:
    """The ledger as of a wave (:meth:`LedgerStore.as_of`): its items then; ``cutoff``: the time of the ledger's
    first work on a later wave (edits from then on are not in ``items``), None when it has done none;
    ``latest``: the wave is the project's latest (the state is today's)."""

    items: list
    cutoff: Optional[str]
    latest: bool

    def judged_on(self, wave_end: Optional[dt.date], today: dt.date) -> dt.date:
        """The day the items' deadlines are judged on (overdue or due): today for the latest wave; else the
        wave's last day (minyi.yaml ``waves:``), else the day the ledger moved on to a later wave, else today."""
        if self.latest:
            return today
        if wave_end is not None:
            return wave_end
        if self.cutoff:
            return dt.date.fromisoformat(self.cutoff[:10])
        return today


def _stored_value(fld: str, text: Optional[str]) -> Any:
    """A field's value as ``ledger_history`` recorded it (text) back as the item holds it."""
    if fld == "deadline":
        return dt.date.fromisoformat(text[:10]) if text else None
    if fld == "status":
        return text or TODO
    return text or ""


def data_status(status: str, check: dict) -> str:
    """The status a verification gives an item: 已验证 when the data show the problem gone; 整改中 again when
    the item was reported 已整改 but the data still show the problem (a verdict other than 无法核验 that is
    not fixed) — the work is not done until the data say so; otherwise unchanged."""
    if check["fixed"]:
        return VERIFIED
    if status == DONE and check["result"] != NO_DATA:
        return DOING
    return status


def _now() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _create(con) -> None:
    tables = (("ledger_items", _ITEM_COLS), ("ledger_checks", _CHECK_COLS), ("ledger_history", _HISTORY_COLS))
    if getattr(con, "read_only_because", None) is not None:  # a project that can only be read (Project.connect)
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                          "WHERE table_schema = 'main'").fetchall()}
        for name, cols in tables:  # a ledger never written reads as empty; a write to it says read-only
            if name not in have:
                con.execute(f"CREATE TEMP VIEW {name} AS SELECT "
                            + ", ".join(f"NULL::{t} AS {c}" for c, t in cols) + " WHERE false")
        return
    for name, cols in tables:
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(f'{c} {t}' for c, t in cols)})")


def _none(v: Any) -> Any:
    try:
        import math

        if isinstance(v, float) and math.isnan(v):
            return None
    except TypeError:  # pragma: no cover
        pass
    return v


class LedgerStore:
    """The ledger tables of a project (see module docstring); every write is one transaction."""

    def __init__(self, project):
        self.project = project

    def _con(self):
        con = self.project.connect()
        _create(con)
        return con

    def items(self) -> list[LedgerItem]:
        """Every item, by id, each with its latest verification."""
        con = self._con()
        try:
            rows = con.execute(f"SELECT {', '.join(c for c, _ in _ITEM_COLS)} FROM ledger_items ORDER BY id").fetchall()
            checks = con.execute(f"SELECT {', '.join(c for c, _ in _CHECK_COLS)} FROM ledger_checks "
                                 "ORDER BY checked_at, item_id").fetchall()
        finally:
            con.close()
        names = [c for c, _ in _ITEM_COLS]
        latest: dict = {}
        for r in checks:
            latest[r[0]] = dict(zip([c for c, _ in _CHECK_COLS], r))
        out = []
        for r in rows:
            d = dict(zip(names, r))
            ev = {k: _none(d[k]) for k in EVIDENCE_FIELDS}
            out.append(LedgerItem(id=d["id"], rule=d["rule"], subject=d["subject"], measure=d["measure"],
                                  district=d["district"] or None, wave=d["wave"], area=d["area"],
                                  subject_name=d["subject_name"], evidence=ev, unit=d["unit"] or "",
                                  deadline=d["deadline"], status=d["status"], measures=d["measures"] or "",
                                  note=d["note"] or "", created_at=d["created_at"], updated_at=d["updated_at"],
                                  check=latest.get(d["id"])))
        return out

    def as_of(self, waves: Sequence[str], wave: str) -> "LedgerState":
        """The ledger as it stood when ``wave`` was its latest wave (``waves``: the project's waves in order):
        only the items raised in ``wave`` or an earlier wave, each with the status, unit, deadline, measures and
        note it had then — rebuilt from ``ledger_history`` by undoing, newest first, every status set by a
        verification on a later wave and every analyst edit made after the ledger first worked on a later wave
        (an item raised or verified there); each item's ``check`` is its latest verification up to ``wave``.
        Items raised on a wave the project no longer has are left out (they cannot be placed in time)."""
        i = list(waves).index(wave)
        upto, later = set(waves[: i + 1]), set(waves[i + 1:])
        items = [it for it in self.items() if it.wave in upto]
        history = self.history()
        checks = self.checks()
        marks = [it.created_at for it in self.items() if it.wave in later]
        marks += [c["checked_at"] for c in checks if c["wave"] in later]
        marks += [h["changed_at"] for h in history if (h["source"] or "").startswith(VERIFY_SOURCE)
                  and h["source"][len(VERIFY_SOURCE):] in later]
        cutoff = min((m for m in marks if m), default=None)
        by_item: dict = {}
        for h in history:
            by_item.setdefault(h["item_id"], []).append(h)
        latest: dict = {}
        for c in sorted(checks, key=lambda c: (waves.index(c["wave"]) if c["wave"] in waves else -1, c["checked_at"] or "")):
            if c["wave"] in upto:
                latest[c["item_id"]] = c
        for it in items:
            it.check = latest.get(it.id)
            for h in reversed(by_item.get(it.id, [])):
                if h["field"] not in EDITABLE:
                    continue  # "created"
                src = h["source"] or ""
                undo = (src[len(VERIFY_SOURCE):] not in upto if src.startswith(VERIFY_SOURCE)
                        else cutoff is not None and (h["changed_at"] or "") >= cutoff)
                if undo:
                    setattr(it, h["field"], _stored_value(h["field"], h["old"]))
        return LedgerState(items, cutoff, wave == waves[-1])

    def checks(self, item_id: Optional[str] = None) -> list[dict]:
        con = self._con()
        try:
            where = " WHERE item_id = ?" if item_id else ""
            rows = con.execute(f"SELECT {', '.join(c for c, _ in _CHECK_COLS)} FROM ledger_checks{where} "
                               "ORDER BY item_id, checked_at", [item_id] if item_id else []).fetchall()
        finally:
            con.close()
        return [dict(zip([c for c, _ in _CHECK_COLS], r)) for r in rows]

    def history(self, item_id: Optional[str] = None) -> list[dict]:
        """Every recorded change (of one item, or all), oldest first."""
        con = self._con()
        try:
            where = " WHERE item_id = ?" if item_id else ""
            rows = con.execute(f"SELECT {', '.join(c for c, _ in _HISTORY_COLS)} FROM ledger_history{where} "
                               "ORDER BY changed_at, item_id", [item_id] if item_id else []).fetchall()
        finally:
            con.close()
        return [dict(zip([c for c, _ in _HISTORY_COLS], r)) for r in rows]

    def analyst_edits(self) -> list[dict]:
        """The history of the analysts' edits (stored by ``survey ledger --update``; not the statuses that
        verifications set), oldest first."""
        return [h for h in self.history() if h["field"] in EDITABLE
                and not str(h["source"] or "").startswith(VERIFY_SOURCE)]

    def record(self, new_items: Sequence[LedgerItem], checks: Sequence[tuple[str, str, dict]] = (),
               source: str = "survey ledger") -> list[tuple[str, str, str]]:
        """Store new items and verifications (item id, wave, verification record with ``result`` and ``fixed``)
        in one transaction; statuses change as :func:`data_status` says (recorded in the history) — except
        that a wave verified again reopens nothing: an item set 已整改 after that wave's check stays so.
        Returns the status changes (item id, old, new)."""
        now = _now()
        con = self._con()
        try:
            con.execute("BEGIN TRANSACTION")
            seq = con.execute("SELECT coalesce(max(CAST(substr(id, 4) AS INTEGER)), 0) FROM ledger_items").fetchall()[0][0]
            for it in new_items:
                # raised by the same wave already: another survey ledger of this wave stored it since this one read
                # the items (two at once each proposed every item, and the ledger held each twice)
                same = con.execute("SELECT id, created_at FROM ledger_items WHERE rule = ? AND subject = ? AND "
                                   "measure = ? AND coalesce(district, '') = ? AND wave = ? ORDER BY id LIMIT 1",
                                   [it.rule, it.subject, it.measure, it.district or "", it.wave]).fetchall()
                if same:
                    it.id, it.created_at = same[0]
                    it.updated_at = it.created_at
                    continue
                seq += 1
                it.id = f"ZG-{seq:03d}"
                it.created_at = it.updated_at = now
                vals = {"id": it.id, "rule": it.rule, "subject": it.subject, "measure": it.measure,
                        "district": it.district or "", "wave": it.wave, "area": it.area,
                        "subject_name": it.subject_name, **{k: it.evidence.get(k) for k in EVIDENCE_FIELDS},
                        "unit": it.unit, "deadline": it.deadline, "status": it.status, "measures": it.measures,
                        "note": it.note, "created_at": now, "updated_at": now}
                con.execute(f"INSERT INTO ledger_items VALUES ({', '.join('?' for _ in _ITEM_COLS)})",
                            [vals[c] for c, _ in _ITEM_COLS])
                con.execute("INSERT INTO ledger_history VALUES (?, ?, ?, ?, ?, ?)",
                            [it.id, "created", None, f"{it.wave} {it.rule}", source, now])
            changes = []
            for item_id, wave, rec in checks:
                again = con.execute("SELECT count(*) FROM ledger_checks WHERE item_id = ? AND wave = ?",
                                    [item_id, wave]).fetchall()[0][0] > 0
                con.execute("DELETE FROM ledger_checks WHERE item_id = ? AND wave = ?", [item_id, wave])
                con.execute(f"INSERT INTO ledger_checks VALUES ({', '.join('?' for _ in _CHECK_COLS)})",
                            [item_id, wave, rec["result"], bool(rec["fixed"])]
                            + [rec.get(k) for k in ("estimate", "ci_low", "ci_high", "n", "diff", "diff_low",
                                                    "diff_high", "p")] + [now])
                old = con.execute("SELECT status FROM ledger_items WHERE id = ?", [item_id]).fetchall()[0][0]
                new = data_status(old, rec)
                if new != old and (new == VERIFIED or not again):
                    changes.append((item_id, old, new))
                    con.execute("UPDATE ledger_items SET status = ?, updated_at = ? WHERE id = ?", [new, now, item_id])
                    con.execute("INSERT INTO ledger_history VALUES (?, ?, ?, ?, ?, ?)",
                                [item_id, "status", old, new, f"{VERIFY_SOURCE}{wave}", now])
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):  # a failed COMMIT (a full disk) ended the transaction already:
                con.execute("ROLLBACK")  # its error, not "no transaction is active", is said
            raise
        finally:
            con.close()
        return changes

    def apply_edits(self, edits: Sequence[tuple[str, str, Any]], source: str) -> int:
        """Store analysts' edits ((item id, field, new value)) and their history; returns the fields changed."""
        now = _now()
        items = {it.id: it for it in self.items()}
        changed = 0
        con = self._con()
        try:
            con.execute("BEGIN TRANSACTION")
            for item_id, fld, new in edits:
                if fld not in EDITABLE:
                    raise ValueError(f"{fld} is not editable")
                old = getattr(items[item_id], fld)
                if (old or None) == (new or None):
                    continue
                con.execute(f"UPDATE ledger_items SET {fld} = ?, updated_at = ? WHERE id = ?", [new, now, item_id])
                con.execute("INSERT INTO ledger_history VALUES (?, ?, ?, ?, ?, ?)",
                            [item_id, fld, None if old is None else str(old), None if new is None else str(new),
                             source, now])
                changed += 1
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):  # a failed COMMIT (a full disk) ended the transaction already:
                con.execute("ROLLBACK")  # its error, not "no transaction is active", is said
            raise
        finally:
            con.close()
        return changed


# ----------------------------------------------------------------------------- settings (minyi.yaml ledger:)
@dataclass(frozen=True)
class LedgerSettings:
    """``ledger:`` in minyi.yaml (every key optional)."""

    hot_issue_share: float = 0.30     # a hot issue becomes an item when its share's CI lies above this
    alpha: float = ALPHA              # family-wise error of the decline and district tests
    adjust: str = "holm"              # holm | none
    deadline_days: Optional[int] = None   # default deadline: the wave's end (or the day of proposal) + days
    deadline: Optional[dt.date] = None    # or one fixed default deadline
    default_unit: str = ""            # responsible unit of items whose area has no owner


LEDGER_KEYS = ("hot_issue_share", "alpha", "adjust", "deadline_days", "deadline", "default_unit")


def ledger_settings(config: dict, path: str = CONFIG) -> LedgerSettings:
    """The validated ``ledger:`` settings; every wrong key or value is a ``config-…``/``unknown-key`` problem of
    one :class:`MinyiError`."""
    from .messages import did_you_mean, problem, said_value
    from .waves import date_hint

    raw = config.get("ledger")
    if raw is None:
        return LedgerSettings()
    if not isinstance(raw, dict):
        raise MinyiError.of("config-not-mapping", file=path, key="ledger", value=said_value(raw),
                            example="ledger: {hot_issue_share: 0.3, deadline_days: 30}")
    probs = [problem("unknown-key", file=path, key=k, where="ledger", suggestion=did_you_mean(str(k), LEDGER_KEYS))
             for k in raw if k not in LEDGER_KEYS]  # every problem at once (issue 2), each named by its key

    def share(k: str, default: float, example: str) -> float:
        v = raw.get(k, default)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < 1:
            probs.append(problem("config-not-share", file=path, key=f"ledger.{k}", value=said_value(v), example=example))
            return default
        return float(v)

    defaults = LedgerSettings()
    hot = share("hot_issue_share", defaults.hot_issue_share, "0.3 for 30%")
    alpha = share("alpha", defaults.alpha, "0.05, the chance of any false item")
    adjust = raw.get("adjust", "holm")
    if adjust not in ("holm", "none"):
        probs.append(problem("config-ledger-adjust", file=path, key="ledger.adjust", value=said_value(adjust)))
    days = raw.get("deadline_days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
        probs.append(problem("config-not-whole-number", file=path, key="ledger.deadline_days", least=0,
                             value=said_value(days), example="deadline_days: 30"))
    fixed = raw.get("deadline")
    if fixed is not None:
        try:
            from .ledger_sheet import parse_date

            fixed = parse_date(fixed)
        except ValueError:
            probs.append(problem("config-not-date", file=path, key="ledger.deadline", value=said_value(fixed),
                                 suggestion=date_hint(fixed)))
    if probs:
        raise MinyiError(probs)
    unit = raw.get("default_unit") or ""
    return LedgerSettings(hot, alpha, adjust, days, fixed, str(unit).strip())

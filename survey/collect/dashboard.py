"""What the admin dashboard shows: counts today and in total by site × district and collector,
progress against the quotas, and data-quality flags per collector.  Sites and districts are listed in
the questionnaire's option order, each one — also one without any answer yet (0), which is the one a
supervisor has to chase.

Everything is read from the journal (the answers collected by ``survey serve``), so the page is
live even between merges into the store.  Quality flags are those of ``survey check``
(:func:`survey.quality.quality_flags`: speeders — under ``speeder_fraction`` of the median
completion time — and identical answer vectors, straight-lining), computed over the wave's
collected answers and counted per collector; they are cached until new answers arrive.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..questionnaire import Questionnaire
from .answers import MAX_KEPT_FIELDS
from .journal import Journal
from .settings import Quotas

NO_COLLECTOR = "（无调查员链接）"


@dataclass
class CellRow:
    site: Optional[str]
    district: Optional[str]
    today: int
    total: int
    target: Optional[int] = None

    @property
    def name(self) -> str:
        return "·".join(x for x in (self.site, self.district) if x) or "全部"

    @property
    def percent(self) -> Optional[int]:
        if not self.target:
            return None
        return int(round(100 * self.total / self.target))

    @property
    def full(self) -> bool:
        return self.target is not None and self.total >= self.target

    def to_dict(self) -> dict:
        return {"site": self.site, "district": self.district, "today": self.today, "total": self.total,
                "target": self.target, "percent": self.percent, "full": self.full}


@dataclass
class CollectorRow:
    collector: str
    today: int
    total: int
    median_sec: Optional[float] = None
    flags: dict = field(default_factory=dict)  # kind -> rows flagged

    def to_dict(self) -> dict:
        return {"collector": self.collector, "today": self.today, "total": self.total,
                "median_duration_sec": self.median_sec, "flags": dict(self.flags)}


@dataclass
class Stats:
    wave: str
    open: bool
    today: int
    total: int
    stored_in_project: int  # merged into the store
    quota_mode: str
    quotas: list  # CellRow with target
    cells: list  # CellRow per observed site x district
    sites: list  # CellRow per site (district None)
    districts: list
    collectors: list  # CollectorRow per collector; answers without a collector's link in one row NO_COLLECTOR
    generated_at: str
    collector_count: int = 0  # collectors only (answers without a collector's link are not a collector)
    public_today: int = 0  # answers without a collector's link
    public_total: int = 0
    notes: dict = field(default_factory=dict)  # what the store does not hold (notes_summary), {}: nothing

    def to_dict(self) -> dict:
        return {"wave": self.wave, "open": self.open, "today": self.today, "total": self.total,
                "merged_into_project": self.stored_in_project, "quota_mode": self.quota_mode,
                "quotas": [c.to_dict() for c in self.quotas], "cells": [c.to_dict() for c in self.cells],
                "sites": [c.to_dict() for c in self.sites], "districts": [c.to_dict() for c in self.districts],
                "collectors": [c.to_dict() for c in self.collectors], "generated_at": self.generated_at,
                "collector_count": self.collector_count, "public_today": self.public_today,
                "public_total": self.public_total, "not_in_store": self.notes}


def notes_summary(q: Questionnaire, notes: list[dict]) -> dict:
    """The journal's notes of a wave (:meth:`Journal.notes`) for the dashboard: ``unknown_fields`` — answers
    with fields of questions this questionnaire does not have (a page of another questionnaire version): how
    many, and the field names; ``other_text_missing`` — answers from a page before "please specify" was
    required whose "other" was chosen without its text: how many, and the questions (id and text).  Empty
    kinds are left out."""
    out: dict = {}
    unknown = [n for n in notes if n.get("unknown_fields")]
    if unknown:
        names = sorted({f for n in unknown for f in n["unknown_fields"]})
        # each answer keeps at most MAX_KEPT_FIELDS names with its count: names it did not keep are not known, so
        # the count is exact for one answer or when no answer lost any, else the least it can be (docs/collect.md)
        counts = [max(int(n.get("unknown_field_count") or 0), len(n["unknown_fields"])) for n in unknown]
        exact = len(unknown) == 1 or all(c == len(n["unknown_fields"]) for c, n in zip(counts, unknown))
        out["unknown_fields"] = {"answers": len(unknown), "fields": names[:MAX_KEPT_FIELDS],
                                 "field_count": max([len(names)] + counts), "field_count_exact": exact,
                                 "uuids": [n["uuid"] for n in unknown]}
    blank = [n for n in notes if n.get("other_text_missing")]
    if blank:
        order = {qq.id: i for i, qq in enumerate(q.questions)}  # the questionnaire's order
        ids = sorted({qid for n in blank for qid in n["other_text_missing"]}, key=lambda x: (order.get(x, len(order)), x))
        out["other_text_missing"] = {"answers": len(blank),
                                     "questions": [{"id": i, "text": q.get(i).text if q.get(i) else i} for i in ids],
                                     "uuids": [n["uuid"] for n in blank]}
    return out


def notes_lines(notes: dict, lang: str = "zh") -> list[str]:
    """The sentences that say a :func:`notes_summary` (the dashboard's 需要核对的答卷, ``survey status``), one
    per kind of note, in the words of the label table (``serve_notes.*``, :mod:`survey.labels`)."""
    from ..labels import label

    out = []
    uf = notes.get("unknown_fields")
    if uf:
        fields = label("serve_notes.sep", lang).join(uf["fields"])
        count = uf.get("field_count", len(uf["fields"]))
        if count > len(uf["fields"]):  # at most MAX_KEPT_FIELDS names are listed
            more = "serve_notes.more_fields" if uf.get("field_count_exact", True) else "serve_notes.more_fields_least"
            fields += label(more, lang).format(n=f"{count:,}")
        out.append(label("serve_notes.unknown_fields", lang).format(answers=f"{uf['answers']:,}", fields=fields))
    om = notes.get("other_text_missing")
    if om:
        qs = label("serve_notes.question_sep", lang).join(label("serve_notes.question", lang).format(**x)
                                                          for x in om["questions"])
        out.append(label("serve_notes.other_text_missing", lang).format(answers=f"{om['answers']:,}", questions=qs))
    return out


def journal_notes(q: Questionnaire, project_root) -> dict:
    """``{wave: notes_summary}`` of the project's answer journal, for the waves whose stored answers have notes
    (``survey status``); {} without a journal.  The journal is read, never written (a server may be running:
    sqlite's WAL lets both read), so a journal from before the ``notes`` column has none."""
    import json
    import sqlite3

    from .journal import journal_path

    path = journal_path(project_root)
    if not path.is_file():
        return {}
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:  # pragma: no cover - an unreadable journal: survey serve says why when it opens it
        return {}
    try:
        if "notes" not in {r[1] for r in con.execute("PRAGMA table_info(submissions)")}:
            return {}
        rows = con.execute("SELECT wave, uuid, day, notes FROM submissions WHERE notes IS NOT NULL ORDER BY seq").fetchall()
    except sqlite3.Error:  # pragma: no cover - as above
        return {}
    finally:
        con.close()
    per: dict = {}
    for wave, uuid, day, notes in rows:
        per.setdefault(wave, []).append(dict(json.loads(notes), uuid=uuid, day=day))
    return {w: s for w, n in per.items() if (s := notes_summary(q, n))}


class QualityCache:
    """Quality flags per collector, recomputed when the journal has new answers — at most once a minute
    while answers keep arriving (the flags compare every answer of the wave with the others)."""

    def __init__(self, min_age: float = 60.0):
        self.key: Optional[tuple] = None
        self.value: dict = {}
        self.at = 0.0
        self.min_age = min_age

    def get(self, q: Questionnaire, journal: Journal, wave: str, params: dict) -> dict:
        import time

        key = (wave, journal.last_seq(), tuple(sorted(params.items())))
        fresh = self.key is not None and self.key[0] == key[0] and self.key[2] == key[2] \
            and time.monotonic() - self.at < self.min_age
        if key != self.key and not fresh:
            self.value = _quality_by_collector(q, journal, wave, params)
            self.key = key
            self.at = time.monotonic()
        return self.value


def _quality_by_collector(q: Questionnaire, journal: Journal, wave: str, params: dict) -> dict:
    """{collector: {"flags": {kind: n}, "median": seconds}} over the wave's collected answers."""
    from ..quality import quality_flags
    from .answers import frame_of

    recs = journal.records(wave)
    if not recs:
        return {}
    frame = frame_of(q, [r.answers for r in recs])
    frame.insert(0, "respondent_id", [r.uuid for r in recs])
    frame.insert(1, "duration_sec", np.array([np.nan if r.duration_sec is None else r.duration_sec for r in recs],
                                             dtype=float))
    fl = quality_flags(frame, q, **params)
    who = np.array([r.collector or NO_COLLECTOR for r in recs], dtype=object)
    out: dict = {}
    for c in np.unique(who):
        d = frame["duration_sec"].to_numpy()[who == c]
        d = d[~np.isnan(d)]
        out[c] = {"flags": {}, "median": float(np.median(d)) if d.size else None}
    for idx, kind in zip(fl["index"].to_numpy(dtype=np.int64), fl["kind"].astype(str)):
        f = out[who[idx]]["flags"]
        f[kind] = f.get(kind, 0) + 1
    return out


def _own_target(quotas: Quotas, site: Optional[str], district: Optional[str]) -> Optional[int]:
    """The target of the quota cell that is exactly this row — a district's row has the cell ``{district: X}``
    (over all sites), a site's row ``{site: S}``, a site × district row ``{site: S, district: X}`` — so that the
    row's target, percent and full agree with 配额进度 (None when no cell is this row)."""
    if site is None and district is None:  # answers without site/district: no cell is theirs
        return None
    return next((c.target for c in quotas.cells if c.site == site and c.district == district), None)


def _option_labels(q: Questionnaire, qid: Optional[str]) -> list[str]:
    """The option labels of ``qid`` (the site or district question) in questionnaire order; [] without it."""
    return [o.label for o in q.question(qid).options] if qid else []


def build_stats(q: Questionnaire, journal: Journal, wave: str, quotas: Quotas, *, is_open: bool,
                quality: Optional[QualityCache] = None, quality_params: Optional[dict] = None,
                today: Optional[str] = None) -> Stats:
    today = today or _dt.date.today().isoformat()
    rows = journal.counts(wave)
    cells: dict = {}
    sites: dict = {}
    districts: dict = {}
    collectors: dict = {}
    total = tday = 0
    for site, district, collector, day, n in rows:
        t = n if day == today else 0
        total += n
        tday += t
        for dct, key in ((cells, (site, district)), (sites, site), (districts, district),
                         (collectors, collector or None)):
            a = dct.setdefault(key, [0, 0])
            a[0] += t
            a[1] += n
    site_labels, district_labels = _option_labels(q, q.site_question), _option_labels(q, q.district_question)
    for dct, labels in ((sites, site_labels), (districts, district_labels)):
        for lab in labels:  # a site or district without answers yet is listed with 0: the one to chase
            dct.setdefault(lab, [0, 0])
    quota_rows = []
    for c in quotas.cells:
        n = sum(v[1] for (s, d), v in cells.items() if c.matches(s, d))
        t = sum(v[0] for (s, d), v in cells.items() if c.matches(s, d))
        quota_rows.append(CellRow(c.site, c.district, t, n, c.target))
    qual = quality.get(q, journal, wave, quality_params or {}) if quality is not None else {}
    merged = journal.con.execute("SELECT count(*) FROM submissions WHERE wave = ? AND merged_import IS NOT NULL",
                                 (wave,)).fetchone()[0]

    order = {lab: i for i, lab in enumerate(site_labels + district_labels)}

    def key(x):  # the questionnaire's option order; answers without the question last
        return (x is None, order.get(x, len(order)), "" if x is None else str(x))

    return Stats(
        wave=wave, open=is_open, today=tday, total=total, stored_in_project=int(merged), quota_mode=quotas.mode,
        quotas=quota_rows,
        cells=[CellRow(s, d, v[0], v[1], _own_target(quotas, s, d))
               for (s, d), v in sorted(cells.items(), key=lambda kv: (key(kv[0][0]), key(kv[0][1])))],
        sites=[CellRow(s, None, v[0], v[1], _own_target(quotas, s, None))
               for s, v in sorted(sites.items(), key=lambda kv: key(kv[0]))],
        districts=[CellRow(None, d, v[0], v[1], _own_target(quotas, None, d))
                   for d, v in sorted(districts.items(), key=lambda kv: key(kv[0]))],
        collectors=[CollectorRow(c, v[0], v[1], (qual.get(c) or {}).get("median"), (qual.get(c) or {}).get("flags", {}))
                    for c, v in ((c or NO_COLLECTOR, v) for c, v in sorted(collectors.items(), key=lambda kv: -kv[1][1]))],
        generated_at=_dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        collector_count=sum(1 for c in collectors if c is not None),
        public_today=collectors.get(None, [0, 0])[0], public_total=collectors.get(None, [0, 0])[1],
        notes=notes_summary(q, journal.notes(wave)),
    )

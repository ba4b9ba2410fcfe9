"""The report's 变化 chapter over all waves: typed records for ``report_project`` and the templates.

With two or more waves in the project the chapter shows every wave up to the reported one (not
only ``--compare``): one row per headline series — each indicator's rate (知晓率 … 满意率), each
satisfaction index and the composite index — with each wave's estimate (by label, in wave order),
the change against the previous and against the first wave (independent samples,
Welch–Satterthwaite t; :func:`analysis.trend.wave_series`) and the weighted linear trend test
(:func:`analysis.trend.linear_trend`, from three waves).  It also carries the open rectification
ledger items (待整改 / 整改中) with the overdue ones first, for the 重点与对策建议 chapter.

Built by :func:`trend_chapter` from :func:`report.trend.project_trend` (already computed wave
results are reused) and :class:`survey.ledger.LedgerStore`; rendered by the hook in
``report/render.py`` (``tracking=``) and ``report_templates/report_*.html.j2``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Optional

from analysis.thresholds import ALPHA, SMALL_BASE
from survey.owners import issuing_office, unit_or_lead
from survey.store import Project
from survey.waves import format_date

from .findings import too_few_to_judge
from .labels import join_list, label, labels, overdue_words
from .summary import change_count_text, count_changes
from .table_cells import Num, Tag

MAX_LEDGER_ROWS = 20


@dataclass(frozen=True)
class TrendRow:
    """One series across the waves, as typed cells (:class:`report.table_cells.Num`): numbers that every
    writer shows alike (HTML/DOCX "+2.5 ↑", XLSX a number cell with its test in the flag column)."""

    name: str
    values: tuple          # per wave: a number cell that prints 64.7% / 74.0 / —
    vs_previous: Num       # change in percentage points (rates) or index points, flagged up/down/same; or —
    vs_first: Num
    trend: Num             # slope per wave in the same unit, flagged up/down/same ("—" with fewer than three waves)
    trend_p: Num           # the trend test's p value
    direction: str         # up | down | same: the trend's (or, with two waves, the change's)
    wavy: bool = False     # the waves depart from a straight line (lack of fit p < 0.05): the slope is an average
    measure: str = "rate"  # rate | index: counted apart, as the 摘要 counts the changes (report.summary.count_changes)
    compared: tuple = ()   # (wave, previous wave, first wave) labels the changes compare; () without a change


@dataclass(frozen=True)
class LedgerRow:
    id: str
    subject: str
    district: str
    unit: str
    deadline: str
    status: str
    overdue: bool


@dataclass(frozen=True)
class TrackingChapter:
    """What the report shows over time: the trend table and the open ledger items."""

    waves: tuple           # wave labels, in order
    rows: tuple            # TrendRow
    method: str
    ledger: tuple          # LedgerRow: open items, overdue first, then by deadline
    ledger_open: int
    ledger_overdue: int
    lang: str = "zh"
    charts: tuple = ()     # report.charts.Chart: small multiples per area and of the rates, district × wave heat map
    small_base: int = SMALL_BASE  # a series with a wave under it is marked △ and not called significant

    @property
    def has_trend(self) -> bool:
        return len(self.waves) >= 2 and bool(self.rows)

    def summary(self) -> str:
        """One sentence: how many rates and how many indexes rise or fall across the waves, counted as the 摘要 counts
        the change since the comparison wave (:func:`report.summary.count_changes`: rates and indexes apart)."""
        counts = change_count_text(count_changes(
            [{"measure": r.measure, "significant": r.direction in ("up", "down"), "diff": 1 if r.direction == "up" else -1}
             for r in self.rows]), self.lang)
        basis = label("trend.basis_linear" if len(self.waves) >= 3 else "trend.basis_two_waves", self.lang)
        return label("trend.summary", self.lang).format(k=len(self.waves), first=self.waves[0], last=self.waves[-1],
                                                        basis=basis, counts=counts) + self.wavy_note()

    def compared_note(self) -> str:
        """The waves the 较上期 and 较首期 columns compare, named under the table: the pair most rows compare (the
        latest wave against the one before), then any row comparing other waves (a series missing in the latest
        wave), by name.  "较上期" alone did not say which wave 上期 was."""
        rows = [r for r in self.rows if r.compared]
        if not rows:
            return ""
        common = max(dict.fromkeys(r.compared for r in rows), key=lambda c: sum(r.compared == c for r in rows))
        cur, prev, first = common
        text = ""
        if self.waves and cur == self.waves[-1]:  # the latest wave, the last of the wave columns: not named again
            text = label("note.vs_waves_one" if prev == first else "note.vs_waves", self.lang).format(previous=prev,
                                                                                                      first=first)
        else:
            common = None  # no row compares the latest wave: every pair named with its rows
        for c in dict.fromkeys(r.compared for r in rows if r.compared != common):
            names = join_list((r.name for r in rows if r.compared == c), self.lang)
            key = "note.vs_waves_rows_one" if c[1] == c[2] else "note.vs_waves_rows"
            text += label(key, self.lang).format(names=names, current=c[0], previous=c[1], first=c[2])
        return text

    def wavy_note(self) -> str:
        """The significant rises and falls whose waves depart from a straight line, named: a zigzag series
        (77.0, 75.4, 79.0, 77.1) has a significant slope when the waves' variances are small, yet no steady rise."""
        wavy = [r.name for r in self.rows if r.wavy and r.direction in ("up", "down")]
        if not wavy:
            return ""
        more = label("trend.wavy_more", self.lang).format(k=len(wavy)) if len(wavy) > 3 else ""
        return label("trend.wavy_note", self.lang).format(names=join_list(wavy[:3], self.lang), more=more, alpha=ALPHA)


def _change(x, pct: bool, direction=None) -> Num:
    """A change (or slope) in its display unit — percentage points for rates, points for indexes — with its
    test as the flag (↑ ↓ significant, → not); — when missing."""
    if x is None:
        return Num(None, "chg1")
    return Num(100 * x if pct else x, "chg1", (direction or "same",))


def _row(s, lang: str, small_base: int = SMALL_BASE, labels: Optional[dict] = None) -> TrendRow:
    """One series as a row.  A series with a wave resting on fewer than ``small_base`` answers
    (:func:`report.findings.too_few_to_judge`) is marked △ and no change or trend of it is called significant, as
    the 摘要 and the change table do not (:func:`report.summary.judged_changes`).  ``labels``: wave id → label, for
    the waves the changes compare (:attr:`TrendRow.compared`)."""
    pts = s.series.points
    pct = s.percent
    last = next((p for p in reversed(pts) if p.vs_previous is not None), None)
    small = any(p_.estimate is not None and too_few_to_judge(p_.n, small_base) for p_ in pts)

    def ch(d) -> Num:
        return _change(None, pct) if d is None else _change(d.estimate, pct, "same" if small else d.direction)

    tr = s.series.trend
    wavy = False
    if tr is not None and len(pts) >= 3:
        direction = "same" if small else tr.direction
        trend, p = _change(tr.slope, pct, direction), Num(tr.p, "pval")
        wavy = tr.lack_of_fit_df >= 1 and tr.lack_of_fit_p == tr.lack_of_fit_p and tr.lack_of_fit_p < ALPHA
    else:
        trend, p, direction = Num(None, "chg1"), Num(None, "pval"), (last.vs_previous.direction if last is not None else "same")
        direction = "same" if small else direction
    compared = ()
    if last is not None:
        first = next(p_.wave for p_ in pts if p_.estimate == p_.estimate and p_.se == p_.se)  # the first with an estimate
        compared = tuple((labels or {}).get(w, w) for w in (last.wave, last.previous_wave, first))
    return TrendRow(s.display(lang) + (" △" if small else ""), tuple(Num(p_.estimate, "pct" if pct else "num1") for p_ in pts),
                    ch(last.vs_previous if last else None), ch(last.vs_first if last else None), trend, p, direction,
                    wavy, "rate" if pct else "index", compared)


def _headline(s) -> bool:
    """Indicator rates, satisfaction indexes and the composite (area indexes repeat the satisfaction rows)."""
    return s.group is None and s.kind != "area"


def trend_chapter(project: Project, wave: str, *, results: Optional[dict] = None, na_policy: Optional[str] = None,
                  confidence: float = 0.95, today: Optional[dt.date] = None, lang: str = "zh",
                  chart_dir: Optional[Path] = None, org: Optional[str] = None,
                  small_base: int = SMALL_BASE) -> TrackingChapter:
    """The chapter for a report on ``wave``: every wave up to ``wave`` (module docstring).  ``org``: the issuing
    office, which leads an open item no unit owns (:func:`survey.owners.unit_or_lead`, as the brief says it).  ``results``:
    analyze_project results by wave to reuse (they need the district breakdown for the heat map);
    the charts (:func:`report.trend_charts.trend_charts`) are also written to ``chart_dir`` when given."""
    from survey.ledger import LedgerStore

    from .trend import project_trend

    waves = project.waves()
    upto = waves[: waves.index(wave) + 1] if wave in waves else waves
    rows, labels, method, charts = (), (), "", ()
    if len(upto) >= 2:
        from .trend_charts import trend_charts

        tr = project_trend(project, waves=upto, confidence=confidence, na_policy=na_policy,
                           results={w: r for w, r in (results or {}).items() if w in upto}, lang=lang)
        labels = tuple(w.label if lang == "zh" else w.label_en for w in tr.waves)
        names = {w.id: lab for w, lab in zip(tr.waves, labels)}
        rows = tuple(_row(s, lang, small_base, names) for s in tr.series if _headline(s))
        method = tr.method_zh if lang == "zh" else tr.method
        charts = tuple(c for c in trend_charts(tr, chart_dir, lang=lang) if c is not None)
    today = today or dt.date.today()
    if wave in waves:  # the ledger as it stood at the report's wave, as the brief's 五、整改台账 (LedgerStore.as_of)
        from survey.waves import wave_info

        state = LedgerStore(project).as_of(waves, wave)
        today, stored = state.judged_on(wave_info(project.config, wave).end, today), state.items
    else:
        stored = LedgerStore(project).items()
    items = [it for it in stored if it.is_open]
    items.sort(key=lambda it: (not it.overdue(today), it.deadline or dt.date.max, it.id))
    name, district, unit = _ledger_words(project, lang)
    office = issuing_office(project.config, org, lang)
    ledger = tuple(LedgerRow(it.id, name(it), district(it.district) or label("word.whole_city", lang),
                             unit_or_lead(unit(it), office, lang), format_date(it.deadline, lang) if it.deadline else "—", it.status,
                             it.overdue(today)) for it in items[:MAX_LEDGER_ROWS])
    return TrackingChapter(labels, rows, method, ledger, len(items), sum(1 for it in items if it.overdue(today)), lang,
                           charts, small_base)


__all__ = ["TrackingChapter", "TrendRow", "LedgerRow", "trend_chapter"]


def trend_blocks(sec, tracking: Optional[TrackingChapter], table, lang: str) -> None:
    """The blocks of the trend over all waves (``table`` is the chapter builders' table adder)."""
    if tracking is None or not tracking.has_trend:
        return
    L = partial(label, lang=lang)
    sec.blocks.append(("h", L("heading.trend")))
    sec.blocks.append(("p", tracking.summary()))
    cols = ([(L("word.indicator"), "text")] + [(w, "num1") for w in tracking.waves]
            + [(L("word.vs_previous"), "chg1"), (L("word.vs_first"), "chg1"), (L("word.linear_trend"), "chg1"),
               (L("word.trend_p"), "pval")])
    table(sec, L("caption.tracking"),
          cols, [[r.name, *r.values, r.vs_previous, r.vs_first, r.trend, r.trend_p] for r in tracking.rows],
          tracking.compared_note() + L("note.tracking").format(method=L("text.trend_method_plain"))
          + (L("text.small_base_judged").format(n=tracking.small_base) if any(r.name.endswith(" △") for r in tracking.rows)
             else ""), key="tracking")  # no authors here
    for c in tracking.charts:
        sec.blocks.append(("figure", c))


def ledger_blocks(sec, tracking: Optional[TrackingChapter], table, lang: str) -> None:
    """The blocks of the open rectification ledger items (overdue first)."""
    if tracking is None or not tracking.ledger_open:
        return
    L = partial(label, lang=lang)
    sec.blocks.append(("h", L("heading.ledger")))
    sec.blocks.append(("p", L("text.ledger_open").format(
        open=tracking.ledger_open, overdue=overdue_words(tracking.ledger_open, tracking.ledger_overdue, lang))))
    table(sec, L("caption.ledger"),
          [(L("word.item_id"), "text"), (L("word.subject"), "text"), (L("comp.district"), "text"),
           (L("word.unit"), "text"), (L("word.deadline"), "text"), (L("word.status"), "text")],
          [[r.id, r.subject, r.district, r.unit, r.deadline, Tag(L("word.overdue"), "bad") if r.overdue else r.status]
           for r in tracking.ledger], key="ledger")


def _ledger_words(project: Project, lang: str):
    """(name, district, unit) functions giving a stored ledger item's subject, district and responsible unit
    in ``lang``: the ledger stores them in the questionnaire's language, keyed by indicator id, district
    option and area, so another language takes them from the questionnaire's translations."""
    from .project import report_questionnaire

    q = project.questionnaire
    if lang == q.language:
        return (lambda it: it.subject_name), (lambda d: d), (lambda it: it.unit)
    loc = report_questionnaire(project, lang)
    inds = {i.id: i for i in loc.indicators}
    dq = loc.get(loc.district_question) if loc.district_question else None
    districts = {o.i18n.get(q.language, {}).get("label", o.label): o.label for o in (dq.options if dq else [])}
    suffix = labels("ledger_measure", lang)  # English names a satisfaction item's measure; Chinese says it in the text

    def name(it) -> str:
        ind = inds.get(it.subject)
        if ind is None or not ind.i18n.get(q.language):
            return it.subject_name
        return ind.name + (suffix.get(it.measure, "") if ind.kind == "satisfaction" else "")

    def unit(it) -> str:
        a = loc.area(it.area) if it.area else None
        if a is not None and it.unit and a.i18n.get(q.language, {}).get("owner") == it.unit:
            return a.owner or it.unit
        return it.unit

    return name, (lambda d: districts.get(d, d) if d else d), unit

"""Every indicator of a project across all its waves (``survey trend``): the bridge from the store's
waves to :mod:`analysis.trend`.

Each wave is analysed on its own (:func:`report.project.analyze_project`: exclusions, design,
weighting and 不了解 policy of the project), in wave order (:func:`survey.waves.order_waves`:
by start date when ``minyi.yaml`` gives one for every wave, else by first import).  For every
series — each indicator's rate (知晓率 …, 满意率) and satisfaction index, each area's index, the
composite index, overall and, with ``by``, per group — :func:`analysis.trend.wave_series` gives
each wave's estimate and CI, the change against the previous and against the first wave
(independent samples, Welch–Satterthwaite t) and the weighted linear trend test.  A heat table
holds one series by group × wave (district × wave by default).  Readers see wave labels
(:func:`survey.waves.wave_info`), never raw wave ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from analysis.thresholds import ALPHA
from analysis.trend import TREND_METHOD, TREND_METHOD_ZH, WaveSeries, wave_series
from survey.errors import MinyiError
from survey.store import Project
from survey.waves import Wave, wave_info

COMPOSITE = "composite"
AREA_PREFIX = "area:"


@dataclass(frozen=True)
class WaveRef:
    """A wave as readers see it: id (for JSON and files), label, fielding period, sample size."""

    id: str
    label: str
    label_en: str
    period: Optional[str]
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "label_en": self.label_en, "period": self.period, "n": self.n}


@dataclass(frozen=True)
class TrendSeries:
    """One quantity (an indicator's rate or index, an area index, the composite index) of one group
    (None = the whole sample) across the waves."""

    id: str            # indicator id, "area:<area id>" or "composite"
    name: str
    kind: str          # awareness / support / participation / satisfaction / area / composite
    measure: str       # rate | index
    area: Optional[str]
    area_name: Optional[str]
    target: Optional[float]
    by: Optional[str]
    group: Optional[str]
    series: WaveSeries

    def display(self, lang: str = "zh") -> str:
        """The series as readers name it: 城市环境满意度（满意率）, …（指数）, 城市环境（领域指数）."""
        from .labels import label

        if self.kind == COMPOSITE:
            return label("word.composite_satisfaction", lang)
        if self.kind == "area":
            return label("series.area", lang).format(name=self.name)
        if self.kind == "satisfaction":
            return label(f"series.{self.measure}", lang).format(name=self.name)
        return self.name

    @property
    def percent(self) -> bool:
        """Rates are shares (shown as %, changes in percentage points); indexes are scores."""
        return self.measure == "rate"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "measure": self.measure, "area": self.area,
                "area_name": self.area_name, "target": self.target, "by": self.by, "group": self.group,
                **self.series.to_dict()}


@dataclass(frozen=True)
class HeatTable:
    """One series by group × wave: ``values[g][w]`` (None where the group has no estimate or fewer than
    ``min_cell`` respondents)."""

    of: TrendSeries    # the overall series this table splits by group
    by: str
    groups: tuple
    waves: tuple       # wave ids, in order
    values: tuple      # per group, per wave: estimate or None
    n: tuple           # per group, per wave: base n
    ci: tuple = ()     # per group, per wave: (ci_low, ci_high) or None, as ``values``
    by_label: str = ""  # the grouping in words (区县, 调查点, or the question's text): what readers see
    min_cell: int = 10  # a group's estimate on fewer respondents is left out (suppressed)

    def blank(self, g: int, w: int) -> Optional[str]:
        """Why the cell of group ``g`` (index) in wave ``w`` (index) shows no value: ``"small"`` when the group
        has respondents, fewer than ``min_cell`` (suppressed), ``"none"`` when it has none (not surveyed that
        wave, or no valid answer); None when the cell has its value.  The heat map and trend.xlsx mark the two
        apart (:func:`report.tracking_text.heat_mark`): one "—" for both left a reader unable to tell "not
        surveyed" from "too few answers to show"."""
        if self.values[g][w] is not None:
            return None
        n = self.n[g][w] if g < len(self.n) and w < len(self.n[g]) else 0
        return "small" if 0 < n < self.min_cell else "none"

    @property
    def city(self) -> tuple:
        """The whole sample's estimate per wave (the reference row)."""
        return tuple(None if p.estimate != p.estimate else p.estimate for p in self.of.series.points)

    @property
    def id(self) -> str:
        return self.of.id

    @property
    def measure(self) -> str:
        return self.of.measure

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.of.display("zh"), "measure": self.measure, "by": self.by,
                "groups": list(self.groups),
                "waves": list(self.waves), "values": [list(r) for r in self.values], "n": [list(r) for r in self.n],
                "overall": list(self.city),
                # why a value is null (self.blank), as the heat map's “—” / “n<10”: the JSON gave null for both
                "blank": [[self.blank(g, w) for w in range(len(self.waves))] for g in range(len(self.groups))],
                "min_cell": self.min_cell}


@dataclass(frozen=True)
class ProjectTrend:
    """Everything ``survey trend`` reports."""

    waves: tuple                  # WaveRef, in order
    series: tuple                 # TrendSeries (overall first, then per group)
    heat: tuple                   # HeatTable
    confidence: float = 0.95
    method: str = TREND_METHOD
    method_zh: str = TREND_METHOD_ZH
    results: dict = field(default_factory=dict, repr=False)  # wave id -> analyze_project() result
    index_range: Optional[tuple] = None  # the indexes' scale (report.suppression.index_scale), where charts cut intervals

    def overall(self) -> list:
        return [s for s in self.series if s.group is None]

    def wave(self, wave_id: str) -> WaveRef:
        return next(w for w in self.waves if w.id == wave_id)

    def to_dict(self) -> dict[str, Any]:
        return {"waves": [w.to_dict() for w in self.waves], "confidence": self.confidence,
                "method": {"trend": self.method, "trend_zh": self.method_zh,
                           "changes": "independent samples: se = √(se₁² + se₀²), Student t with Welch–Satterthwaite df",
                           "slope_unit": "per wave (waves taken as equally spaced, in wave order)"},
                "series": [s.to_dict() for s in self.series], "heat": [h.to_dict() for h in self.heat]}


def series_choices(project: Project) -> list[str]:
    """Names ``--indicators`` accepts: indicator ids, area ids (or ``area:<id>``) and ``composite``."""
    q = project.questionnaire
    return [i.id for i in q.indicators] + [a.id for a in q.areas] + [COMPOSITE]


def resolve_series(project: Project, names: Optional[Sequence[str]]) -> Optional[set]:
    """Series ids for ``--indicators`` names (None = every series); unknown names raise one error."""
    if not names:
        return None
    q = project.questionnaire
    ind = {i.id for i in q.indicators}
    areas = {a.id for a in q.areas}
    out, bad = set(), []
    for n in names:
        if n in ind or n == COMPOSITE:
            out.add(n)
        elif n in areas or (n.startswith(AREA_PREFIX) and n[len(AREA_PREFIX):] in areas):
            out.add(n if n.startswith(AREA_PREFIX) else AREA_PREFIX + n)
        else:
            bad.append(n)
    if bad:
        from survey.messages import did_you_mean

        close = did_you_mean(bad[0], series_choices(project))
        raise MinyiError.of("unknown-indicator", names=", ".join(repr(b) for b in bad),
                            choices=", ".join(series_choices(project)),
                            suggestion=close if close.startswith("did") else "see --help")
    return out


def _records(result: dict, by: Optional[str]) -> list:
    """(id, name, kind, measure, area, area_name, target, overall stat, {group: stat}) of one wave's result."""
    out = []
    for ind in result.get("indicators", []):
        for m in ("rate", "index"):
            st = ind.get(m)
            if not st:
                continue
            target = ind.get("target") if m == "rate" else ind.get("index_target")
            groups = {r["group"]: r for r in (ind.get(f"{m}_by") or {}).get(by, [])} if by else {}
            out.append((ind["id"], ind["name"], ind["kind"], m, ind.get("area"), ind.get("area_name"), target, st,
                        groups))
    # an area's index target is that of its satisfaction indicator (as in the report's area chart)
    area_target = {i.get("area"): i.get("index_target") for i in result.get("indicators", [])
                   if i.get("kind") == "satisfaction" and i.get("area")}
    for a in result.get("areas", []):
        st = a.get("index")
        if not st:
            continue
        groups = {r["group"]: r for r in (a.get("index_by") or {}).get(by, [])} if by else {}
        out.append((AREA_PREFIX + a["id"], a["name"], "area", "index", a["id"], a["name"], area_target.get(a["id"]), st,
                    groups))
    c = result.get("composite")
    if c:
        groups = {r["group"]: r for r in (c.get("by") or {}).get(by, [])} if by else {}
        out.append((COMPOSITE, "综合满意度指数", COMPOSITE, "index", None, None, c.get("target"), c, groups))
    return out


def _series(waves: Sequence[str], stats: Sequence[Optional[dict]], confidence: float) -> WaveSeries:
    def get(k):
        return [None if s is None or s.get("suppressed") else s.get(k) for s in stats]

    return wave_series(waves, get("estimate"), get("se"), get("ci_low"), get("ci_high"),
                       [None if s is None else s.get("n") for s in stats], get("df"), confidence=confidence)


def grouping_words(q, by: str, lang: str) -> str:
    """A ``--by`` grouping as readers see it: 区县 / 调查点 for district and site, else the question's text in
    ``lang`` (``A2`` → 您的年龄), never the raw id."""
    from .pipeline import resolve_grouping
    from .labels import labels

    if by in labels("trend_by", lang):
        return labels("trend_by", lang)[by]
    qq = q.get(resolve_grouping(q, by))
    return ((qq.i18n.get(lang) or {}).get("text") if lang != q.language else None) or qq.text or by


def project_trend(project: Project, *, indicators: Optional[Sequence[str]] = None, by: Optional[str] = None,
                  waves: Optional[Sequence[str]] = None, confidence: float = 0.95, na_policy: Optional[str] = None,
                  min_cell: Optional[int] = None, results: Optional[dict] = None,
                  log: Callable[[str], None] = lambda s: None, lang: Optional[str] = None) -> ProjectTrend:
    """Every series across the project's waves (module docstring).

    ``indicators``: names accepted by :func:`resolve_series` (default: all); ``by``: a grouping
    (``district``, ``site`` or a question id) for per-group series and heat tables — without it
    the heat table is the composite index by district (when the questionnaire has districts);
    ``waves``: the waves to use, in order (default: all; at least two); ``min_cell`` (default:
    the project's ``min_cell``, else 10): group estimates on fewer respondents are left out of
    changes, trends and heat tables; ``results``: already computed ``analyze_project`` results
    by wave id (reused).
    """
    from .pipeline import MIN_CELL, default_groupings, resolve_grouping
    from .project import analyze_project

    q = project.questionnaire
    all_waves = project.waves()
    order = list(all_waves) if waves is None else [w for w in all_waves if w in set(waves)]
    missing = [w for w in (waves or []) if w not in all_waves]
    if missing:
        from survey.messages import did_you_mean

        raise MinyiError.of("unknown-wave", file=str(project.root), wave=missing[0],
                            suggestion=did_you_mean(missing[0], all_waves) or "the project has no imports yet")
    if len(order) < 2:
        raise MinyiError.of("trend-one-wave", file=str(project.root), count=len(order),
                            labels=f" ({', '.join(wave_info(project.config, w).label for w in order)})" if order else "")
    wanted = resolve_series(project, indicators)
    if by is not None:
        resolve_grouping(q, by)
    heat_by = by or ("district" if "district" in default_groupings(q) else None)
    by_words = grouping_words(q, heat_by, lang or q.language) if heat_by else ""
    min_cell = int(project.config.get("min_cell", MIN_CELL) if min_cell is None else min_cell)
    results = dict(results or {})
    for w in order:
        if w not in results:
            log(f"analysing {wave_info(project.config, w).label} …")
            try:
                results[w] = analyze_project(project, wave=w, by=[heat_by] if heat_by else [], na_policy=na_policy,
                                             confidence=confidence, lang=lang)
            except MinyiError as e:  # said as the trend's: which wave, and how to leave it out of the trend
                if e.problems[0].code != "wave-no-usable-responses":
                    raise
                raise MinyiError.of("trend-wave-no-usable-responses", file=str(project.root), wave=w,
                                    label=wave_info(project.config, w).label) from None
    refs = []
    for w in order:
        info: Wave = wave_info(project.config, w)
        refs.append(WaveRef(w, info.label, info.label_en, info.period(), int(results[w]["sample"]["n"])))
    per_wave = {w: {(r[0], r[3]): r for r in _records(results[w], heat_by)} for w in order}
    keys = []
    for w in order:  # series in questionnaire order, as first seen
        for k in per_wave[w]:
            if k not in keys and (wanted is None or k[0] in wanted):
                keys.append(k)
    series, heat = [], []
    for k in keys:
        recs = [per_wave[w].get(k) for w in order]
        head = next(r for r in recs if r is not None)
        sid, name, kind, measure, area, area_name, target = head[:7]
        whole = TrendSeries(sid, name, kind, measure, area, area_name, target, None, None,
                            _series(order, [r[7] if r else None for r in recs], confidence))
        series.append(whole)
        if not heat_by:
            continue
        groups = list(dict.fromkeys(g for r in recs if r for g in r[8]))

        def stat(r, g):
            s = r[8].get(g) if r else None
            if s is None or s.get("estimate") is None or (s.get("n") or 0) < min_cell:
                return None
            return s

        if by:
            for g in groups:
                series.append(TrendSeries(sid, name, kind, measure, area, area_name, target, by, g,
                                          _series(order, [stat(r, g) for r in recs], confidence)))
        if by or sid == COMPOSITE:
            heat.append(HeatTable(whole, heat_by, tuple(groups), tuple(order),
                                  tuple(tuple((stat(r, g) or {}).get("estimate") for r in recs) for g in groups),
                                  tuple(tuple(int(((r[8].get(g) if r else None) or {}).get("n") or 0) for r in recs)
                                        for g in groups),
                                  tuple(tuple((lambda st: (st.get("ci_low"), st.get("ci_high")) if st else None)(stat(r, g))
                                              for r in recs) for g in groups), by_words, min_cell))
    series.sort(key=lambda s: s.group is not None)  # overall series first, then per group
    from .suppression import index_scale

    return ProjectTrend(tuple(refs), tuple(series), tuple(heat), confidence, results=results,
                        index_range=index_scale(q))


def trend_lines(trend: ProjectTrend, lang: str = "zh") -> list[str]:
    """The terminal summary of ``survey trend``: one line per series — each wave's estimate, the change
    against the previous and the first wave, the trend per wave with its p (↑ ↓ significant, → not).  The lines'
    own words are English, so are the units of the changes (pp); ``lang`` chooses the names and labels."""
    from .tracking_text import arrow, fmt_change, fmt_p, fmt_value

    out = ["waves: " + ", ".join(f"{w.label if lang == 'zh' else w.label_en} (n={w.n:,})" for w in trend.waves),
           f"method: {trend.method}; ↑ ↓ significant at p < {1 - trend.confidence:.3g} "
           f"(--confidence {trend.confidence:g}), → not"]
    for s in trend.series:
        pts = s.series.points
        name = s.display(lang)
        head = f"{s.group}: " if s.group else ""
        vals = " → ".join(fmt_value(p.estimate, s.percent) for p in pts)
        last = next((p for p in reversed(pts) if p.vs_previous is not None), None)
        parts = [f"{'    ' if s.group else ''}{head}{name}: {vals}"]
        if last is not None:
            vp, vf = last.vs_previous, last.vs_first
            # the wave compared with, by name, when it is not the one just before (that one has no estimate)
            ids = [w.id for w in trend.waves]
            k = ids.index(last.wave) if last.wave in ids else 0
            prev = trend.wave(last.previous_wave) if last.previous_wave and (k == 0 or ids[k - 1] != last.previous_wave) else None
            whom = "previous" if prev is None else (prev.label if lang == "zh" else prev.label_en)
            if last.wave != ids[-1]:  # the latest wave has no estimate: say which wave the changes are of
                lw = trend.wave(last.wave)
                whom = f"{whom} (of {lw.label if lang == 'zh' else lw.label_en})"
            parts.append(f"vs {whom} {fmt_change(vp.estimate, s.percent, 'en')} {arrow(vp.direction)} {fmt_p(vp.p)}")
            parts.append(f"vs first {fmt_change(vf.estimate, s.percent, 'en')} {arrow(vf.direction)} {fmt_p(vf.p)}")
        tr = s.series.trend
        if tr is not None:
            off = (f" (waves off a straight line: lack of fit {fmt_p(tr.lack_of_fit_p)}; an average direction)"
                   if tr.direction != "same" and tr.lack_of_fit_df >= 1 and tr.lack_of_fit_p < ALPHA else "")
            parts.append(f"trend {fmt_change(tr.slope, s.percent, 'en')}/wave {arrow(tr.direction)} {fmt_p(tr.p)}{off}")
        out.append("; ".join(parts))
    return out

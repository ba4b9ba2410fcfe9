"""The brief for the weekly/monthly meeting (``survey brief``): one or two pages, what a leader acts on.

Content, built as typed records (:class:`Brief`) from one wave and the ledger:

1. 总体情况 — every indicator against its target with the verdict (达标 / 未达标 / 与目标无显著差异);
2. 主要变化 — what changed significantly since the previous wave (independent samples,
   Welch–Satterthwaite t, as the report's 变化 chapter);
3. 突出问题 — the five most pressing problems with their responsible units: the ledger's rules on
   this wave (:func:`report.ledger.propose`), ordered by relative shortfall — below target:
   (target − estimate)/target; decline and district gap: |difference|/reference; hot issue:
   (share − threshold)/threshold;
4. 后进区县 — districts significantly below the city (Holm-adjusted, as the ledger), with the
   indicators concerned and their composite-index rank range;
5. 整改台账 — open ledger items (待整改, 整改中): the overdue ones and those due within
   ``DUE_DAYS`` days, earliest deadline first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from analysis.indicators import VERDICT_ABOVE, VERDICT_BELOW, VERDICT_NS
from analysis.thresholds import ALPHA, SMALL_BASE
from survey.errors import MinyiError
from survey.ledger import LedgerStore, ledger_settings
from survey.owners import issuing_office, responsible_units, unit_or_lead
from survey.store import Project
from survey.waves import format_date, wave_info

from .cover import survey_name
from .findings import too_few_to_judge, withheld_text
from .labels import label, overdue_words
from .ledger import RULE_ZH, propose, wave_findings
from .summary import change_count_text, count_changes, judged_changes
from .suppression import clip_interval, index_scale, measure_scale
from .tracking_text import fmt_change, fmt_p, fmt_tested_p, fmt_value

DUE_DAYS = 14
TOP_PROBLEMS = 5
MAX_CHANGES = 5  # as the five most pressing problems: the brief stays within two pages in Word too
MAX_LEDGER = 5
WITHHELD = "withheld"  # verdict_counts key: indicators with a target but too few answers to judge it


@dataclass(frozen=True)
class BriefMeasure:
    """One measure of an indicator this wave: estimate, CI, n, target and verdict."""

    measure: str
    estimate: float
    ci_low: float
    ci_high: float
    n: int
    target: Optional[float]
    verdict: Optional[str]
    withheld: bool = False  # a target, but too few answers to judge it (report.findings.too_few_to_judge)

    @property
    def percent(self) -> bool:
        return self.measure == "rate"

    @property
    def verdict_text(self) -> str:
        """The verdict as the brief prints it: 达标 …, 样本过少（n=2），不作判定, or —."""
        if self.withheld:
            return label("verdict.withheld").format(n=f"{self.n:,}")
        return self.verdict or "—"


@dataclass(frozen=True)
class BriefIndicator:
    """An indicator: its rate (知晓率 … 满意率) and, for satisfaction, its index; ``verdict`` is the
    rate's against its target (the index's when the rate has none)."""

    name: str
    kind: str
    rate: Optional[BriefMeasure]
    index: Optional[BriefMeasure]

    @property
    def headline(self) -> Optional[BriefMeasure]:
        if self.rate is not None and self.rate.target is not None:
            return self.rate
        return self.index if self.index is not None and self.index.target is not None else self.rate

    @property
    def verdict(self) -> Optional[str]:
        h = self.headline
        return h.verdict if h is not None else None

    @property
    def shown(self) -> tuple:
        """The measures the brief prints, each with its own value, target and verdict: the headline alone, or —
        for a satisfaction indicator with both — the 满意率 then the 指数, so that no verdict sits beside the
        measure it does not judge (a rate 未达标 next to an index that meets its own target)."""
        h = self.headline
        if h is None:
            return ()
        if self.rate is not None and self.index is not None and self.kind == "satisfaction":
            return (self.rate, self.index)
        return (h,)

    def measure_text(self, m: BriefMeasure) -> str:
        """A measure's value as printed: 满意率78.2% / 指数81.6 when the indicator shows both, else the value."""
        v = fmt_value(m.estimate, m.percent)
        if len(self.shown) < 2:
            return v
        return label("brief.index" if m.measure == "index" else "brief.rate").format(v=v)


@dataclass(frozen=True)
class BriefChange:
    name: str
    measure: str
    previous: float
    current: float
    diff: float
    p: float
    direction: str  # up | down

    @property
    def percent(self) -> bool:
        return self.measure == "rate"


@dataclass(frozen=True)
class BriefProblem:
    rule: str
    subject: str
    district: Optional[str]
    area: Optional[str]
    text: str
    unit: str
    severity: float


@dataclass(frozen=True)
class BriefDistrict:
    district: str
    indicators: tuple      # names of the indicators significantly below the city
    composite: Optional[float]
    rank: Optional[int]
    rank_best: Optional[int]
    rank_worst: Optional[int]
    ranked: int = 0  # the districts of the league: a rank interval over all of them says no rank

    def sentence(self) -> str:
        """The line of 四、后进区县, the same in the text, HTML and DOCX brief: 北山区：交通秩序满意度（指数）显著
        低于全市（综合满意度指数77.4，排名第4—6位）。  A rank interval over every district of the league (第1—6位
        of 6) tells the reader nothing: 名次尚不能确定 instead."""
        from .tracking_text import fmt_value

        rank = ""
        if self.composite is not None and self.rank_best is not None:
            open_rank = self.rank_best == 1 and self.ranked > 1 and self.rank_worst == self.ranked
            rank = (f"（综合满意度指数{fmt_value(self.composite, False)}，"
                    + (label("brief.rank_open") if open_rank else f"排名第{self.rank_best}"
                       + (f"—{self.rank_worst}" if self.rank_worst != self.rank_best else "") + "位") + "）")
        return f"{self.district}：{indicator_list(self.indicators)}显著低于全市{rank}。"


def indicator_list(names) -> str:
    """城市环境满意度（指数）、交通秩序满意度（指数） → 城市环境、交通秩序等2个方面的满意度指数."""
    suffix = "满意度（指数）"
    if len(names) > 1 and all(n.endswith(suffix) for n in names):
        return f"{'、'.join(n[:-len(suffix)] for n in names)}等{len(names)}个方面的满意度指数"
    return "、".join(names)


@dataclass(frozen=True)
class BriefLedgerItem:
    id: str
    subject: str
    district: Optional[str]
    unit: str
    deadline: Optional[dt.date]
    status: str
    overdue: bool


@dataclass(frozen=True)
class Brief:
    """Everything the brief says (module docstring)."""

    title: str
    org: str
    date: dt.date
    wave: str
    wave_label: str
    period: Optional[str]
    previous_label: Optional[str]
    n: int
    indicators: tuple
    changes: tuple
    problems: tuple
    districts: tuple
    ledger_due: tuple
    ledger_open: int
    ledger_overdue: int
    verdict_counts: dict = field(default_factory=dict)
    change_counts: tuple = ()  # report.summary.ChangeCount per measure: the 摘要's count of what changed
    untested: tuple = ()  # districts with answers, but fewer than min_cell: not compared with the city
    small: tuple = ()     # (district, n): at least min_cell, fewer than small_base answers: no claim either way
    absent: tuple = ()    # districts of the questionnaire without a respondent this wave
    min_cell: int = 0
    n_districts: int = 0  # districts of the questionnaire (compared, untested or absent)
    ledger_as_of: Optional[dt.date] = None  # the day 五、整改台账 is judged on when not the brief's date (an earlier wave)

    def _untested_parts(self) -> list:
        parts = []
        if self.untested:
            parts.append(f"{'、'.join(self.untested)}样本量不足{self.min_cell}，未与全市比较")
        for d, n in self.small:  # the small-base rule of the verdicts (report.findings.too_few_to_judge)
            parts.append(label("grp.withheld").format(group=d, text=withheld_text({"n": n})))
        if self.absent:
            parts.append(f"{'、'.join(self.absent)}本期无样本")
        return parts

    @property
    def districts_note(self) -> str:
        """What 四、后进区县 cannot say, after the lagging districts: the districts too small to be compared and
        those without a respondent (empty when every district was compared)."""
        parts = self._untested_parts()
        return "；".join(parts) + "。" if parts else ""

    @property
    def districts_none_text(self) -> str:
        """The section when no district is significantly below the city, about the districts compared only:
        "各区县均未显著低于全市" read as a finding about districts that were never tested."""
        parts = self._untested_parts()
        if not parts:
            return "各区县均未显著低于全市水平。"
        if len(self.untested) + len(self.small) + len(self.absent) >= self.n_districts:  # none compared: there is no "其余区县"
            return "；".join(parts) + "。"
        return "；".join(parts) + "；其余区县均未显著低于全市水平。"

    def ledger_unit(self, item: BriefLedgerItem) -> str:
        """An open item's responsible unit; one no unit owns (no ``owner:``, no ``ledger: default_unit``) is led by
        the issuing office, as in 三、突出问题 — never an empty "（）" before the leader."""
        return unit_or_lead(item.unit, self.org)

    def ledger_sentence(self, shown: int, lead: str = "下表") -> str:
        """The sentence opening 五、整改台账 (text, HTML and DOCX alike), saying how many due items the table shows
        when it shows only the first ``shown`` (nothing left out silently); ``lead``: what lists them (下表 in
        HTML and DOCX, 以下 in the text brief)."""
        when = label("brief.ledger_as_of").format(date=format_date(self.ledger_as_of)) if self.ledger_as_of else ""
        if not self.ledger_open:
            return when + "台账无在办事项。"
        s = when + f"台账在办事项{self.ledger_open}项，" + overdue_words(self.ledger_open, self.ledger_overdue)
        if not shown:
            return s + "；近期无到期事项。"
        due = len(self.ledger_due)
        if due != self.ledger_overdue:  # items due soon besides the overdue ones: say how many in all
            s += f"；{'逾期及' if self.ledger_overdue else ''}{DUE_DAYS}日内到期事项{due}项"
        if due > shown:
            return s + f"，{lead}按整改时限先后列出前{shown}项。"
        return s + (f"，{lead}列出{'全部' if shown > 1 else ''}逾期事项。" if due == self.ledger_overdue else "，如下。")

    def changes_more(self, shown: int) -> str:
        """After 二、主要变化 when only the first ``shown`` changes are listed: how many more there are."""
        rest = len(self.changes) - shown
        return f"另有{rest}项显著变化未列出，详见分析报告。" if rest > 0 else ""

    def lead(self) -> str:
        """The paragraph opening 一、总体情况 in every format (text, HTML, DOCX): :meth:`summary` and, when the
        wave has dates in ``waves:``, when it was fielded (调查时间为…)."""
        return self.summary() + (f"调查时间为{self.period}。" if self.period else "")

    @property
    def source_note(self) -> str:
        """The closing line naming the data source, the same in every format."""
        return f"数据来源：{self.wave_label}问卷调查（有效样本{self.n:,}份），比率按设计加权估计；显著性水平{ALPHA:g}。"

    def summary(self) -> str:
        """The lead sentence: sample, verdicts, changes."""
        c = self.verdict_counts
        total = sum(c.values())
        held = c.get(WITHHELD, 0)
        # the table shows a satisfaction indicator's 满意率 and 指数 each with its verdict; the count is the headline's
        by = label("brief.count_by_rate") if any(len(x.shown) > 1 and x.headline is x.rate for x in self.indicators) else ""
        s = (f"{self.wave_label}共获得有效样本{self.n:,}份。{total}项指标中{by}，达标{c.get(VERDICT_ABOVE, 0)}项，"
             f"未达标{c.get(VERDICT_BELOW, 0)}项，与目标无显著差异{c.get(VERDICT_NS, 0)}项"
             + (f"，样本过少、不作判定{held}项" if held else "") + "。")
        if self.previous_label:
            # the same count as the report's 摘要 (report.summary.count_changes): rates and indexes apart
            s += (f"与{self.previous_label}相比，{change_count_text(self.change_counts)}。" if self.changes
                  else f"与{self.previous_label}相比，各项指标均无显著变化。")
        return s


def ledger_unit(items, p) -> str:
    """The responsible unit the ledger holds for proposal ``p``: that of the item with the same key (rule,
    subject, measure, district) — the open one raised last, else the one raised last — so that 三、突出问题 and
    五、整改台账 never name two units for one problem; empty when the ledger has no such item or no unit."""
    same = [it for it in items if it.key == p.key]
    same.sort(key=lambda it: (it.is_open, it.id))
    return same[-1].unit if same else ""


def _severity(p) -> float:
    e = p.evidence
    if p.rule == "below_target":
        return (e.target - e.estimate) / e.target if e.target else 0.0
    if p.rule == "hot_issue":
        return (e.estimate - e.target) / e.target if e.target else 0.0
    ref = e.reference or 0.0
    return abs(e.diff or 0.0) / abs(ref) if ref else 0.0


def _problem_text(p, adjusted: bool = True) -> str:
    """A problem of 三、突出问题 in one clause; a test's p named as the ledger names it (raw, then Holm-adjusted:
    :func:`report.tracking_text.fmt_tested_p`), never the adjusted p as a bare "p"."""
    e = p.evidence
    pct = p.measure != "index"
    v = lambda x: fmt_value(x, pct)  # noqa: E731
    if p.rule == "below_target":
        return f"{p.name}{v(e.estimate)}，低于{v(e.target)}的目标"
    if p.rule == "decline":
        return (f"{p.name}由上期{v(e.reference)}降至{v(e.estimate)}"
                f"（{fmt_change(e.diff, pct)}，{fmt_tested_p(e.p, e.p_adjusted, adjusted)}）")
    if p.rule == "hot_issue":
        return f"“{p.name}”为群众最关心的问题之一，{v(e.estimate)}的受访者选择"
    return (f"{p.district}{p.name}{v(e.estimate)}，低于全市{v(e.reference)}"
            f"（{fmt_change(e.diff, pct)}，{fmt_tested_p(e.p, e.p_adjusted, adjusted)}）")


def build_brief(project: Project, wave: Optional[str] = None, *, org: Optional[str] = None,
                today: Optional[dt.date] = None, confidence: float = 0.95) -> Brief:
    """The brief of ``wave`` (default: the latest) — see the module docstring."""
    from .pipeline import MIN_CELL, compare

    waves = project.waves()
    if not waves:
        raise MinyiError.of("no-responses-yet", file=str(project.root))
    wave = waves[-1] if wave is None else wave  # --wave "" (an unset shell variable) is no wave, not the latest
    if wave not in waves:
        from survey.messages import did_you_mean

        raise MinyiError.of("unknown-wave", file=str(project.root), wave=wave,
                            suggestion=did_you_mean(wave, waves) or f"waves: {', '.join(waves)}")
    today = today or dt.date.today()
    q = project.questionnaire
    settings = ledger_settings(project.config, project.config_file)
    min_cell = int(project.config.get("min_cell", MIN_CELL))
    small_base = int(project.config.get("small_base", SMALL_BASE))
    i = waves.index(wave)
    cur = wave_findings(project, wave, min_cell=min_cell, confidence=confidence)
    prev = wave_findings(project, waves[i - 1], min_cell=min_cell, confidence=confidence) if i > 0 else None
    res = cur.result
    indicators, counts = [], {}
    scale = index_scale(q)
    for ind in res["indicators"]:
        ms = {}
        for m in ("rate", "index"):
            if (st := ind.get(m)) and st.get("estimate") is not None:
                held = bool(st.get("verdict")) and too_few_to_judge(st["n"], small_base)  # as the report says it
                cut = dict(st)  # the interval as printed: cut to the measure's scale (as in the report)
                clip_interval(cut, measure_scale(m, scale))
                ms[m] = BriefMeasure(m, st["estimate"], cut["ci_low"], cut["ci_high"], int(st["n"]), st.get("target"),
                                     None if held else st.get("verdict"), held)
        bi = BriefIndicator(ind["name"], ind["kind"], ms.get("rate"), ms.get("index"))
        indicators.append(bi)
        key = WITHHELD if bi.headline is not None and bi.headline.withheld else bi.verdict
        if key:
            counts[key] = counts.get(key, 0) + 1
    changes, change_counts = [], ()
    if prev is not None:
        kinds = {x.id: x.kind for x in q.indicators}
        names = {x["id"]: x["name"] for x in res["indicators"]}
        judged = judged_changes(compare(res, prev.result, confidence=confidence), small_base)
        change_counts = tuple(count_changes(judged))
        for c in judged:  # every change the count counts: a satisfaction indicator's rate and index on two lines
            if not c["significant"]:
                continue
            suffix = {"rate": "（满意率）", "index": "（指数）"}[c["measure"]] if kinds.get(c["id"]) == "satisfaction" else ""
            changes.append(BriefChange(names[c["id"]] + suffix, c["measure"], c["previous"], c["current"], c["diff"],
                                       c["p"], "up" if c["diff"] > 0 else "down"))
        changes.sort(key=lambda x: (x.direction != "down", -abs(x.diff / x.previous) if x.previous else 0))
    units = responsible_units(q, project.config, project.config_file)
    proposals = propose(cur, prev, settings, q, confidence, small_base)
    ranked = sorted(proposals, key=_severity, reverse=True)
    org = issuing_office(project.config, org)
    # the ledger as it stood at this wave: part 五 lists it, and part 三 names the unit its matching item holds
    state = LedgerStore(project).as_of(waves, wave)
    judged = state.judged_on(wave_info(project.config, wave).end, today)
    problems = tuple(BriefProblem(p.rule, p.subject, p.district, p.area, _problem_text(p, settings.adjust == "holm"),
                                  unit_or_lead(ledger_unit(state.items, p)
                                               or units.get(p.area or "", "") or settings.default_unit, org),
                                  _severity(p))
                     for p in ranked[:TOP_PROBLEMS])
    lag: dict = {}
    for p in proposals:
        if p.rule == "district_below":
            lag.setdefault(p.district, []).append(p.name)
    league = {r["group"]: r for r in ((res.get("league") or {}).get("rows") or [])}
    districts = []
    for d, names in lagging_order(lag, league):
        lr = league.get(d) or {}
        districts.append(BriefDistrict(d, tuple(names), lr.get("estimate"), lr.get("rank"), lr.get("rank_best"),
                                       lr.get("rank_worst"), ranked=len(league)))
    compared = {r["group"]: r for r in ((res.get("league") or {}).get("rows") or [])}
    dq = q.get(q.district_question) if q.district_question else None
    all_districts = [o.label for o in dq.options if not o.na] if dq is not None else list(compared)
    untested = tuple(d for d in all_districts if d in compared and int(compared[d].get("n") or 0) < min_cell)
    small = tuple((d, int(compared[d].get("n") or 0)) for d in all_districts if d in compared and d not in lag
                  and d not in untested and too_few_to_judge(compared[d].get("n"), small_base))
    absent = tuple(d for d in all_districts if d not in compared)
    info = wave_info(project.config, wave)
    open_items = [it for it in state.items if it.is_open]
    due = [it for it in open_items if it.deadline is not None and (it.deadline - judged).days <= DUE_DAYS]
    due.sort(key=lambda it: (it.deadline, it.id))
    ledger_due = tuple(BriefLedgerItem(it.id, it.subject_name, it.district, it.unit, it.deadline, it.status,
                                       it.overdue(judged)) for it in due)
    title = f"{info.label}{survey_name(q.title)}情况"  # the questionnaire's survey, as the report's title says it
    return Brief(title=title, org=org, date=today, wave=wave, wave_label=info.label,
                 period=info.period(), previous_label=wave_info(project.config, waves[i - 1]).label if i > 0 else None,
                 n=int(res["sample"]["n"]), indicators=tuple(indicators), changes=tuple(changes), problems=problems,
                 districts=tuple(districts), ledger_due=ledger_due, ledger_open=len(open_items),
                 ledger_overdue=sum(1 for it in open_items if it.overdue(judged)), verdict_counts=counts,
                 ledger_as_of=None if judged == today else judged,
                 change_counts=change_counts,
                 untested=untested, small=small, absent=absent, min_cell=min_cell, n_districts=len(all_districts))


#: 三、突出问题 when the ledger's rules raise nothing on the wave (text, HTML and DOCX)
NO_PROBLEMS = "本期未发现需要整改的突出问题。"
#: under 二、主要变化: its changes are tested one by one, the ledger's declines after Holm's adjustment, so a decline
#: here may have no ledger item; said, so that the two sections do not read as contradicting each other
CHANGES_NOTE = label("brief.changes_note").format(alpha=ALPHA)


def lagging_order(lag: dict, league: dict) -> list:
    """The lagging districts of 四、后进区县 in the order a meeting takes them: most indicators significantly
    below the city first, then the lowest composite score (the league's estimate) first, then the name.
    ``lag``: {district: [indicator names]}; ``league``: {district: league row}."""
    def key(kv) -> tuple:
        est = (league.get(kv[0]) or {}).get("estimate")
        return (-len(kv[1]), est if est is not None else float("inf"), kv[0])

    return sorted(lag.items(), key=key)


def brief_lines(b: Brief) -> list[str]:
    """The brief as plain text (terminal)."""
    out = [b.title, f"{b.org}　{format_date(b.date)}", "", "一、总体情况", b.lead()]
    for x in b.indicators:
        if not x.shown:
            continue
        # each measure with its own target and verdict: 满意率78.2%（目标80.0%）未达标；指数81.6（目标80.0）达标
        out.append(f"  {x.name} " + "；".join(
            x.measure_text(m) + (f"（目标{fmt_value(m.target, m.percent)}）{m.verdict_text}" if m.target is not None else "")
            for m in x.shown))
    out += ["", "二、主要变化"]
    if b.previous_label is None:
        out.append("  本期为首期调查，暂无比较。")
    elif not b.changes:
        out.append(f"  与{b.previous_label}相比，各项指标均无显著变化。")
    shown = b.changes[:MAX_CHANGES]
    for c in shown:
        out.append(f"  {c.name}：{fmt_value(c.previous, c.percent)} → {fmt_value(c.current, c.percent)}"
                   f"（{fmt_change(c.diff, c.percent)}，{fmt_p(c.p)}）")
    if b.changes_more(len(shown)):
        out.append("  " + b.changes_more(len(shown)))
    if b.changes:
        out.append("  " + CHANGES_NOTE)
    out += ["", "三、突出问题及责任单位"]
    for k, p in enumerate(b.problems, start=1):
        out.append(f"  {k}. {p.text}。责任单位：{p.unit or '（待明确）'}")
    if not b.problems:
        out.append("  " + NO_PROBLEMS)
    out += ["", "四、后进区县"]
    for d in b.districts:
        out.append("  " + d.sentence())
    if not b.districts:
        out.append("  " + b.districts_none_text)
    elif b.districts_note:
        out.append("  " + b.districts_note)
    out += ["", "五、整改台账"]
    due = b.ledger_due[:MAX_LEDGER]
    out.append("  " + b.ledger_sentence(len(due), lead="以下"))
    for it in due:
        # the unit after 责任单位：, not in brackets: a unit may carry its own (市文明办（牵头）), and brackets within
        # brackets are not written in 公文
        out.append(f"  {it.id} {it.district or '全市'}：{it.subject}；责任单位：{b.ledger_unit(it)}；"
                   f"时限{format_date(it.deadline)}" + ("，已逾期" if it.overdue else ""))
    out += ["", b.source_note]
    return out


__all__ = ["Brief", "build_brief", "brief_lines", "RULE_ZH"]

"""``survey ledger``: propose rectification items from a wave's data, verify earlier items on it, write and
read back the ledger spreadsheet.

For wave W (rules and tests: :mod:`analysis.ledger`; storage and spreadsheet: :mod:`survey.ledger`):

1. W is analysed as ``survey analyze --by district`` does; the previous wave (in wave order) too, for
   declines; every indicator's headline measure (满意度指数 for satisfaction, the rate otherwise) is
   tested district against city with :class:`analysis.combine.ItemMeans`;
2. every stored item raised in an earlier wave and not yet 已验证 is verified on W: its subject's new
   estimate against the one it was raised with (显著改善 / 无显著变化 / 显著恶化), and fixed when W no
   longer raises it (a decline: when W is no longer significantly below the level before the decline) —
   a fixed item becomes 已验证;
3. W's proposals whose key (rule, subject, measure, district) has no unresolved item become new items
   (待整改, the area's responsible unit, the default deadline of ``ledger:`` in minyi.yaml).

Running it again for the same wave adds nothing and redoes W's verifications; a wave earlier than one the
ledger already holds is refused (it would add duplicates and rewind the verifications), as is any wave
while the ledger holds a wave the project no longer has.  ``--out`` never overwrites a spreadsheet that
holds edits not in the store, and ``--update`` applies only the cells the analysts changed
(:func:`survey.ledger_sheet.plan_update`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Optional

from analysis.combine import vs_whole
from analysis.ledger import (IMPROVED, NO_DATA, UNCHANGED, WORSE, Evidence, MeasureStat, Proposal, below_target,
                             declines, district_gaps, hot_issues, verify)
from analysis.thresholds import SMALL_BASE
from survey.errors import MinyiError
from survey.progress import stage
from survey.ledger import COLUMNS, IDENTITY, VERIFIED, LedgerItem, LedgerSettings, LedgerStore, ledger_settings
from survey.ledger_sheet import LedgerRow, plan_update, read_ledger_sheet, unsaved_edits, write_ledger_xlsx
from survey.messages import problem
from survey.owners import responsible_units
from survey.store import Project
from survey.waves import wave_info

from .findings import too_few_to_judge
from .tracking_text import fmt_change, fmt_p, fmt_tested_p, fmt_value

RULE_ZH = {"below_target": "未达标", "decline": "较上期显著下降", "hot_issue": "热点问题集中",
           "district_below": "显著低于全市"}
RESULT_ZH = {IMPROVED: "显著改善", UNCHANGED: "无显著变化", WORSE: "显著恶化", NO_DATA: "无法核验"}
#: what a check that does not fix the item adds to its verdict: the problem the rule still finds
STILL_ZH = {"below_target": "仍未达标", "decline": "仍低于下降前水平", "hot_issue": "仍为热点问题",
            "district_below": "仍显著低于全市"}
NOT_BETTER_ZH = "较发现时未改善，问题未消除"
MEASURE_ZH = {"rate": "率", "index": "指数", "share": "提及率"}
HOT = "hot:"


def headline(kind: str) -> str:
    """The measure a rule tests for an indicator: the satisfaction index, else the rate."""
    return "index" if kind == "satisfaction" else "rate"


@dataclass
class WaveFindings:
    """What the rules need from one wave: city and district stats, hot-issue shares, district tests."""

    wave: str
    city: dict            # (subject, measure) -> MeasureStat
    districts: dict       # (subject, measure, district) -> MeasureStat
    hot: dict             # subject -> MeasureStat
    tests: list           # (district stat, city stat, Difference)
    result: dict = field(repr=False, default_factory=dict)

    def stat(self, item: LedgerItem) -> Optional[MeasureStat]:
        """The item's subject measured in this wave (None when the wave has no such estimate)."""
        if item.rule == "hot_issue":
            return self.hot.get(item.subject)
        if item.district:
            return self.districts.get((item.subject, item.measure, item.district))
        return self.city.get((item.subject, item.measure))


def _stat(ind: dict, m: str, st: dict, district: Optional[str] = None) -> MeasureStat:
    def f(k):
        v = st.get(k)
        return float("nan") if v is None else float(v)

    suffix = {"rate": "（满意率）", "index": "（指数）"}[m] if ind.get("kind") == "satisfaction" else ""
    name = ind["name"] + suffix
    return MeasureStat(ind["id"], name, m, f("estimate"), f("se"), f("ci_low"), f("ci_high"), int(st.get("n") or 0),
                       f("df"), ind.get("area"), district, st.get("target"), st.get("verdict"))


def wave_findings(project: Project, wave: str, *, result: Optional[dict] = None, min_cell: int = 10,
                  confidence: float = 0.95) -> WaveFindings:
    """Analyse ``wave`` for the ledger (module docstring, step 1)."""
    from .pipeline import default_groupings
    from .project import analyze_project
    from .survey_items import wave_items

    q = project.questionnaire
    has_district = "district" in default_groupings(q)
    res = result or analyze_project(project, wave=wave, by=["district"] if has_district else [], confidence=confidence)
    city, districts = {}, {}
    for ind in res["indicators"]:
        for m in ("rate", "index"):
            if not ind.get(m):
                continue
            city[(ind["id"], m)] = _stat(ind, m, ind[m])
            for r in (ind.get(f"{m}_by") or {}).get("district", []):
                districts[(ind["id"], m, r["group"])] = _stat(ind, m, r, r["group"])
    hot = {}
    hi = res.get("hot_issues")
    if hi:
        qq = q.question(hi["question"])
        areas = {o.code: o.area for o in qq.options}
        for it in hi["items"]:
            st = it["respondents"]
            hot[f"{HOT}{hi['question']}={it['code']}"] = MeasureStat(
                f"{HOT}{hi['question']}={it['code']}", it["label"], "share", float(st["estimate"]), float(st["se"]),
                float(st["ci_low"]), float(st["ci_high"]), int(st["n"]), float(st["df"]), areas.get(it["code"]))
    tests = []
    if has_district:
        kinds = {ind.id: ind.kind for ind in q.indicators}
        from survey.framework import survey_sources

        sources = survey_sources(q)
        wanted = [(ind["id"], headline(kinds[ind["id"]])) for ind in res["indicators"] if ind.get(headline(kinds[ind["id"]]))]
        cols = [(k, m) for sid, m in wanted for k in sources[sid]["items"]]
        wi = wave_items(project, wave, cols)
        with stage("districts against the city", total=len(wanted)) as advance:
            for sid, m in wanted:
                comb = wi.means.combine(wi.coef(sources[sid]["items"], m), confidence=confidence)
                for g, label in enumerate(wi.districts, start=1):
                    ds = districts.get((sid, m, label))
                    if ds is None or ds.n < min_cell or comb.n[g] < min_cell:
                        continue
                    d = vs_whole(comb, g, confidence=confidence, label=f"{label} − 全市")
                    scale = 100.0 if m == "rate" else 1.0  # item columns are 0–100
                    d = replace(d, estimate=d.estimate / scale, se=d.se / scale, ci_low=d.ci_low / scale,
                                ci_high=d.ci_high / scale, a=d.a / scale, b=d.b / scale)
                    tests.append((ds, city[(sid, m)], d))
                advance(1)
    return WaveFindings(wave, city, districts, hot, tests, res)


def propose(f: WaveFindings, previous: Optional[WaveFindings], settings: LedgerSettings, q,
            confidence: float = 0.95, small_base: int = SMALL_BASE) -> list[Proposal]:
    """Every item the rules raise on ``f`` (module docstring); declines need ``previous``.  No city item is raised
    from fewer than ``small_base`` answers (:func:`report.findings.too_few_to_judge`, as the report and the brief
    state no verdict there): an interval of zero width at n = 2 is a false alarm.  Nor is a district called
    significantly below the city (``district_below``) on fewer than ``small_base`` answers: the brief's 后进区县 and
    the report's 区县问题清单 list it apart (样本过少（n=18），不作判定)."""
    kinds = {ind.id: ind.kind for ind in q.indicators}
    order = [ind.id for ind in q.indicators]
    city = {k: s for k, s in f.city.items() if not too_few_to_judge(s.n, small_base)}
    out = below_target([city[(s, m)] for s in order for m in ("rate", "index") if (s, m) in city])
    if previous is not None:
        cur = [city[(s, headline(kinds[s]))] for s in order if (s, headline(kinds[s])) in city]
        before = {k: s for k, s in previous.city.items() if not too_few_to_judge(s.n, small_base)}
        out += declines(cur, before, alpha=settings.alpha, adjust=settings.adjust, confidence=confidence)
    out += hot_issues(sorted((s for s in f.hot.values() if not too_few_to_judge(s.n, small_base)),
                             key=lambda s: -s.estimate), settings.hot_issue_share)
    # a district is not called significantly below the city on fewer than small_base answers either (the same
    # rule): such a test is not made, so it neither raises an item nor counts in the Holm family
    out += district_gaps([t for t in f.tests if not too_few_to_judge(t[0].n, small_base)],
                         alpha=settings.alpha, adjust=settings.adjust)
    return out


@dataclass
class LedgerRun:
    """What one ``survey ledger --wave W`` did."""

    wave: str
    wave_label: str
    proposals: list
    new_items: list
    checks: list      # (LedgerItem, Verification)
    items: list       # every stored item afterwards
    path: Optional[str] = None
    status_changes: list = field(default_factory=list)   # (item id, old, new) set by the verifications

    @property
    def reopened(self) -> list:
        """Items reported 已整改 that this wave's data show unresolved: back to 整改中
        (:func:`survey.ledger.data_status`)."""
        ids = {i for i, _, new in self.status_changes if new != VERIFIED}
        return [it for it, _ in self.checks if it.id in ids]

    def lines(self) -> list[str]:
        out = [f"{self.wave_label}: {len(self.proposals)} problem(s) found, {len(self.new_items)} new item(s); "
               f"{len(self.checks)} earlier item(s) verified, "
               f"{sum(1 for _, v in self.checks if v.fixed)} now 已验证"]
        for it in self.new_items:
            out.append(f"  + {it.id} {RULE_ZH[it.rule]}  {it.district or '全市'}  {it.subject_name}"
                       + (f"  → {it.unit}" if it.unit else ""))
        reopened = {it.id for it in self.reopened}
        for it, v in self.checks:
            mark = "✓" if v.fixed else ("?" if v.result == NO_DATA else "✗")
            out.append(f"  {mark} {it.id} {it.subject_name} ({it.district or '全市'}): {result_words(it, v.to_dict())}"
                       + (" → 已验证" if v.fixed else "")
                       + ("：已整改 → 整改中" if it.id in reopened else ""))
        if self.path:
            out.append(f"wrote {self.path}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"wave": self.wave, "wave_label": self.wave_label,
                "proposals": [{"rule": p.rule, "subject": p.subject, "name": p.name, "measure": p.measure,
                               "district": p.district, "area": p.area, "evidence": p.evidence.to_dict()}
                              for p in self.proposals],
                "new_items": [it.id for it in self.new_items],
                "checks": [{"id": it.id, **v.to_dict()} for it, v in self.checks],
                "reopened": [it.id for it in self.reopened],
                "items": [item_dict(it) for it in self.items], "file": self.path}


def item_dict(it: LedgerItem, today: Optional[dt.date] = None) -> dict:
    """An item as JSON (the columns of the spreadsheet, by key)."""
    from analysis.result import json_value

    return {"id": it.id, "rule": it.rule, "subject": it.subject, "name": it.subject_name, "measure": it.measure,
            "district": it.district, "wave": it.wave, "area": it.area,
            "evidence": {k: json_value(v) for k, v in it.evidence.items()}, "unit": it.unit,
            "deadline": it.deadline.isoformat() if it.deadline else None, "status": it.status,
            "measures": it.measures, "note": it.note, "overdue": it.overdue(today),
            "check": {k: (json_value(v) if not isinstance(v, str) else v) for k, v in (it.check or {}).items()} or None}


def _deadline(project: Project, wave: str, s: LedgerSettings) -> Optional[dt.date]:
    if s.deadline is not None:
        return s.deadline
    if s.deadline_days is None:
        return None
    end = wave_info(project.config, wave).end or dt.date.today()
    return end + dt.timedelta(days=s.deadline_days)


def project_ledger(project: Project, wave: Optional[str] = None, *, out: Optional[Path] = None,
                   confidence: float = 0.95, today: Optional[dt.date] = None,
                   log: Callable[[str], None] = lambda s: None) -> LedgerRun:
    """Propose, verify and store (module docstring); write the spreadsheet to ``out`` when given."""
    from .pipeline import MIN_CELL, SMALL_BASE

    waves = project.waves()
    if not waves:
        raise MinyiError.of("no-responses-yet", file=str(project.root))
    wave = waves[-1] if wave is None else wave  # --wave "" (an unset shell variable) is no wave, not the latest
    if wave not in waves:
        from survey.messages import did_you_mean

        raise MinyiError.of("unknown-wave", file=str(project.root), wave=wave,
                            suggestion=did_you_mean(wave, waves) or f"waves: {', '.join(waves)}")
    store = LedgerStore(project)
    stored = store.items()
    if out is not None:
        check_ledger_out(project, Path(out), stored)
    _check_wave_order(project, store, stored, waves, wave)
    settings = ledger_settings(project.config, project.config_file)
    min_cell = int(project.config.get("min_cell", MIN_CELL))
    small_base = int(project.config.get("small_base", SMALL_BASE))
    q = project.questionnaire
    i = waves.index(wave)
    log(f"analysing {wave_info(project.config, wave).label} …")
    cur = wave_findings(project, wave, min_cell=min_cell, confidence=confidence)
    prev = None
    if i > 0:
        log(f"analysing {wave_info(project.config, waves[i - 1]).label} …")
        prev = wave_findings(project, waves[i - 1], min_cell=min_cell, confidence=confidence)
    proposals = propose(cur, prev, settings, q, confidence, small_base)
    raised = {p.key for p in proposals}
    checks = []
    for it in stored:
        if it.wave not in waves or waves.index(it.wave) >= i:
            continue
        if it.status == VERIFIED and not (it.check and it.check["wave"] == wave):
            continue
        new = cur.stat(it)
        ev = Evidence(**{k: it.evidence.get(k) for k in Evidence.__dataclass_fields__})
        v = verify(it.rule, ev, new, still_raised=it.key in raised, lower_is_better=it.measure == "share",
                   confidence=confidence, min_n=small_base)
        checks.append((it, v))
    unresolved = {it.key for it in stored if it.status != VERIFIED}
    fixed_now = {it.key for it, v in checks if v.fixed}
    units = responsible_units(q, project.config, project.config_file)
    deadline = _deadline(project, wave, settings)
    new_items = []
    for p in proposals:
        if p.key in unresolved - fixed_now:
            continue
        new_items.append(LedgerItem(id="", rule=p.rule, subject=p.subject, measure=p.measure, district=p.district,
                                    wave=wave, area=p.area, subject_name=p.name, evidence=p.evidence.to_dict(),
                                    unit=units.get(p.area or "", "") or settings.default_unit, deadline=deadline))
        unresolved.add(p.key)
    changes = store.record(new_items, [(it.id, wave, v.to_dict()) for it, v in checks])
    items = store.items()
    run = LedgerRun(wave, wave_info(project.config, wave).label, proposals, new_items, checks, items,
                    status_changes=changes)
    if out is not None:
        write_ledger(project, items, Path(out), today=today)
        run.path = str(out)
    return run


def _check_wave_order(project: Project, store: LedgerStore, stored: list, waves: list, wave: str) -> None:
    """Refuse a wave earlier than one the ledger holds (items raised or verified on it): its proposals would
    duplicate items the later wave verified and its checks would become the items' latest.  A wave the ledger
    holds but the project no longer has (its import removed) is placed by its start date (minyi.yaml
    ``waves:``) when it and every wave have one; otherwise it cannot be ordered and any run is refused."""
    done = {it.wave for it in stored} | {c["wave"] for c in store.checks()}
    label = lambda w: wave_info(project.config, w).label  # noqa: E731
    gone = sorted(done - set(waves))
    if gone:
        starts = {w: wave_info(project.config, w).start for w in [*waves, *gone]}
        if any(d is None for d in starts.values()):
            raise MinyiError.of("ledger-wave-gone", file=str(project.root), gone=label(gone[0]), wave=label(wave))
        waves = sorted(starts, key=lambda w: (starts[w], w))
    later = [w for w in waves[waves.index(wave) + 1:] if w in done]
    if later:
        raise MinyiError.of("ledger-earlier-wave", file=str(project.root), later=label(later[-1]), wave=label(wave))


# ----------------------------------------------------------------------------- the spreadsheet
INDEX_FORMAT = '0.0"分"'  # an index's points say their unit (72.4分), as the report writes them: in one 估计值
# column beside the rates' 68.3%, a bare 72.4 left the reader to guess what it counts; the cell stays a number


def _fmt(measure: str) -> str:
    return INDEX_FORMAT if measure == "index" else "0.0%"


def describe(it: LedgerItem, adjusted: bool = True) -> str:
    """The item's finding in one Chinese sentence with its numbers, each interval beside the estimate it is the
    interval of; ``adjusted``: the tests' p were Holm-adjusted (``ledger: adjust``), both p are then named."""
    e = it.evidence
    pct = it.measure != "index"

    def v(x):
        return fmt_value(x, pct)

    ci = f"95%置信区间{v(e.get('ci_low'))}—{v(e.get('ci_high'))}，n={int(e.get('n') or 0):,}"
    where = f"{it.district}" if it.district else ""
    if it.rule == "below_target":
        return f"{it.subject_name}为{v(e['estimate'])}（{ci}），低于{v(e['target'])}的目标。"
    if it.rule == "decline":
        return (f"{it.subject_name}由上期{v(e['reference'])}降至{v(e['estimate'])}（{ci}），变化{fmt_change(e['diff'], pct)}"
                f"（{fmt_tested_p(e['p'], e['p_adjusted'], adjusted)}）。")
    if it.rule == "hot_issue":
        return (f"“{it.subject_name}”被{v(e['estimate'])}的受访者列为最关心的问题（{ci}），"
                f"超过{v(e['target'])}的关注阈值。")
    return (f"{where}{it.subject_name}为{v(e['estimate'])}（{ci}），比全市（{v(e['reference'])}）"
            f"低{fmt_change(-e['diff'], pct).lstrip('+')}（{fmt_tested_p(e['p'], e['p_adjusted'], adjusted)}）。")


def check_text(it: LedgerItem, config: dict) -> tuple[str, str, str]:
    """(wave label, result, detail) of the item's latest verification; empty strings when none."""
    c = it.check
    if not c:
        return "", "", ""
    pct = it.measure != "index"
    label = wave_info(config, c["wave"]).label
    if c["result"] == NO_DATA:
        from .pipeline import SMALL_BASE

        small = int(config.get("small_base", SMALL_BASE))
        n = c.get("n")
        if n is not None and int(n) == 0:  # the district not surveyed that wave: no answers, not too few (as the brief says)
            return label, RESULT_ZH[NO_DATA], "该期无样本，不作核验"
        if n is not None and int(n) < small:
            return label, RESULT_ZH[NO_DATA], f"样本量不足（n={int(n)}，少于{small}），不作核验"
        return label, RESULT_ZH[NO_DATA], "该期没有可比数据"
    result = result_words(it, c)
    detail = (f"{fmt_value(it.evidence.get('estimate'), pct)} → {fmt_value(c.get('estimate'), pct)}，"
              f"变化{fmt_change(c.get('diff'), pct)}（{fmt_p(c.get('p'))}）")
    return label, result, detail


def result_words(it: LedgerItem, c: dict) -> str:
    """核验结果 of a check ``c`` (a verification's dict) in words, the same on screen and in the file: the verdict,
    then 问题已消除 or what is still wrong (:func:`_still`); 无法核验 alone."""
    if c["result"] == NO_DATA:
        return RESULT_ZH[NO_DATA]
    return RESULT_ZH.get(c["result"], c["result"]) + ("，问题已消除" if c["fixed"] else f"，{_still(it, c)}")


def _still(it: LedgerItem, c: dict) -> str:
    """Why a check did not fix its item: the problem the rule still finds (:data:`STILL_ZH`), or — when the new
    CI reaches the target or threshold but the estimate moved the wrong way (:func:`analysis.ledger.verify`) —
    that it did not improve."""
    t = it.evidence.get("target")
    lo, hi = c.get("ci_low"), c.get("ci_high")
    if t is not None and ((it.rule == "below_target" and hi is not None and hi >= t)
                          or (it.rule == "hot_issue" and lo is not None and lo <= t)):
        return NOT_BETTER_ZH
    return STILL_ZH[it.rule]


def ledger_rows(project: Project, items: list, today: Optional[dt.date] = None) -> list:
    """The spreadsheet rows of ``items``: open items first, then by id."""
    q = project.questionnaire
    area_name = {a.id: a.name for a in q.areas}
    rows = []
    adjusted = ledger_settings(project.config, project.config_file).adjust == "holm"
    order = sorted(items, key=lambda it: (not it.is_open, it.status == VERIFIED, it.id))
    for it in order:
        e = it.evidence
        cw, cr, cd = check_text(it, project.config)
        ref = e.get("target") if it.rule in ("below_target", "hot_issue") else e.get("reference")
        rows.append(LedgerRow({
            "id": it.id, "wave": wave_info(project.config, it.wave).label, "rule": RULE_ZH.get(it.rule, it.rule),
            "area": area_name.get(it.area or "", ""), "subject": it.subject_name, "district": it.district or "全市",
            "description": describe(it, adjusted), "estimate": e.get("estimate"), "ci_low": e.get("ci_low"),
            "ci_high": e.get("ci_high"), "n": e.get("n"), "target": ref, "unit": it.unit,
            "deadline": it.deadline, "status": it.status, "measures": it.measures, "note": it.note,
            "check_wave": cw, "check_result": cr, "check_detail": cd, "overdue": "逾期" if it.overdue(today) else ""},
            {k: _fmt(it.measure) for k in ("estimate", "ci_low", "ci_high", "target")} | {"n": "#,##0",
                                                                                           "deadline": "yyyy-mm-dd"}))
    return rows


NOTES = (
    ("编号", "台账编号，由 survey ledger 生成，请勿修改"),
    ("问题类型", "未达标：指标95%置信区间整体低于目标值；较上期显著下降：与上一期相比显著下降（独立样本t检验，Holm校正）；"
                 "热点问题集中：选择该问题的受访者比例的置信区间整体高于关注阈值；显著低于全市：区县与全市之差显著为负（Holm校正）"),
    ("估计值、置信区间、样本量", "发现问题时的数据；率以百分比表示，指数为0—100分"),
    ("目标值/参照值", "未达标、热点问题：目标值或关注阈值；较上期下降：上一期数值；低于全市：全市数值"),
    ("责任单位、整改时限、状态、整改措施、备注", "黄色列由工作人员填写，改后用 survey ledger 项目目录 --update 台账文件 导入；"
                                         "状态可填 待整改、整改中、已整改"),
    ("状态", "已验证 由下一期调查数据核验后自动标记（问题在数据中已消除），不能手工填写"),
    ("核验期次、核验结果、核验说明", "下一期数据与发现问题时相比：显著改善、无显著变化或显著恶化，附数值和p值；"
                               "问题仍在时注明（如“仍未达标”），已整改的事项退回整改中；样本量不足时为无法核验"),
    ("是否逾期", "状态为待整改或整改中且已超过整改时限"),
)


def write_ledger(project: Project, items: list, out: Path, today: Optional[dt.date] = None) -> None:
    write_ledger_xlsx(out, ledger_rows(project, items, today), NOTES)


def check_ledger_out(project: Project, out: Path, items: list, *, update: Optional[Path] = None) -> None:
    """Before writing the spreadsheet to ``out``: its name must end in .xlsx, and an existing file must not hold
    edits the store lacks (they would be lost) — unless it is the file ``update`` stores first.  A file that
    cannot be read as a ledger is not overwritten either."""
    if out.suffix.lower() != ".xlsx":
        raise MinyiError.of("ledger-out-suffix", file=str(out), path=str(out))
    if not out.exists() or (update is not None and out.resolve() == Path(update).resolve()):
        return
    try:
        count, cells = unsaved_edits(out, items)
    except MinyiError as e:
        raise MinyiError.of("ledger-out-unreadable", file=str(out), path=str(out), reason=e.problems[0].message) from None
    if count:
        raise MinyiError.of("ledger-out-edits", file=str(out), path=str(out), count=count, project=str(project.root),
                            cells=cells)


def identities(project: Project, items: list) -> dict:
    """id → the identifying columns (发现期次, 问题类型, 指标/问题, 区县) and the latest 核验期次, as the spreadsheet
    shows them."""
    return {r.values["id"]: {k: str(r.values[k] or "").strip() for k in (*IDENTITY, "check_wave")}
            for r in ledger_rows(project, items)}


def update_ledger(project: Project, path: Path) -> dict:
    """Store analysts' edits from the spreadsheet (validated, :func:`survey.ledger_sheet.plan_update`; all or nothing);
    returns a summary with the merged ranges applied and the warnings (cells not applied, older file)."""
    from survey.dbfile import write_lock

    store = LedgerStore(project)
    # the store read, the sheet checked against it and the edits stored under the project's write lock: two
    # updates at once each checked their sheet against the store before the other stored, and the second
    # overwrote the first's edits without the ledger-conflict its sheet, older by then, should have met
    with write_lock(project.root, project.lock_wait):
        items = store.items()
        if not items:
            raise MinyiError.of("no-ledger-yet", file=str(project.root))
        sheet = read_ledger_sheet(path)
        plan = plan_update(sheet, items, identities(project, items))
        changed = store.apply_edits(plan.edits, source=Path(path).name)
    warnings = []
    for why, code in (("older", "ledger-older"), ("verified", "ledger-verified-kept")):
        cells = [f"{c} {i} {f}" for c, i, f, _, _, w in plan.kept if w == why]
        if cells:
            warnings.append(problem(code, file=str(path), severity="warning", count=len(cells),
                                    cells="; ".join(cells[:5]) + ("; …" if len(cells) > 5 else "")))
    if plan.legacy:
        warnings.append(problem("ledger-legacy", file=str(path), severity="warning"))
    return {"file": str(path), "rows": len(sheet.rows), "fields_changed": changed, "merged": sheet.merged,
            "not_applied": [{"cell": c, "id": i, "field": f, "reason": w} for c, i, f, _, _, w in plan.kept],
            "warnings": [str(w) for w in warnings]}


__all__ = ["project_ledger", "update_ledger", "write_ledger", "check_ledger_out", "wave_findings", "propose", "describe", "COLUMNS"]

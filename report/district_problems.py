"""The 区县问题清单 (district problem list): per district, the indicators that miss their target or lie
below the city, its top 3 hot issues, the responsible unit and an empty deadline column — ready to
become a rectification ledger.

From the analysis result only: an indicator is a problem in a district when the district's rate
interval lies entirely below the target (verdict 未达标 of the district's record; ``below_target``) or
when the district is **significantly below the rest of the city** (``below_city``): the design-based
test of the difference between the district's rate and that of all other districts together —
``group_tests.by.district`` of the result (:func:`analysis.group_tests.group_vs_rest`, R
``svyttest(y ~ I(district == d), design)``; the same test as the 群体与区县比较 chapter) — has
p < ``group_tests.alpha`` (:data:`analysis.thresholds.ALPHA`) and a negative difference.  Interval
overlap is never used for this: a district's interval may include the city-wide value while the
test of the difference is significant, and the other way round.  Suppressed districts (n < min_cell)
and districts not asked the question are left out.  A district's rate on fewer than ``small_base`` answers
states neither claim (the small-base rule of the verdicts, :func:`report.findings.too_few_to_judge`): the
district is listed apart with its base (样本过少（n=18），不作判定), ``withheld_n``.  The hot issues
are the district's three options named by most respondents (``hot_issues.by.district``); the unit is
the area's ``owner:`` (:func:`survey.owners.responsible_units`, in ``meta.owners``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Optional

from analysis.thresholds import ALPHA, SMALL_BASE

from .findings import too_few_to_judge, withheld_text
from .labels import label


def district_note(lang: str = "zh") -> str:
    """The note under the 区县问题清单: what 低于目标 and 显著低于全市 mean (the test's level: ALPHA)."""
    return label("note.district_problems", lang).format(alpha=ALPHA)


@dataclass
class DistrictProblem:
    district: str
    indicator: str
    value: Optional[float]       # district rate
    city: Optional[float]        # city-wide rate
    target: Optional[float]
    below_target: bool
    below_city: bool
    rest: Optional[float] = None        # rate of all other districts together (group test)
    difference: Optional[float] = None  # value − rest
    p: Optional[float] = None           # p of the group-vs-rest test
    owner: str = ""
    deadline: str = ""           # left empty for the rectification ledger


@dataclass
class DistrictList:
    district: str
    problems: list = field(default_factory=list)
    hot_issues: list = field(default_factory=list)   # [(label, share)]
    withheld_n: Optional[int] = None  # largest base of a rate not judged (n < small_base); None: none withheld
    judged: int = 0                   # rates judged (n ≥ small_base)


def district_problems(result: dict, small_base: int = SMALL_BASE) -> list[DistrictList]:
    """One :class:`DistrictList` per district (questionnaire order) — see the module docstring."""
    owners = result.get("meta", {}).get("owners") or {}
    hot_by = ((result.get("hot_issues") or {}).get("by") or {}).get("district") or {}
    gt = result.get("group_tests") or {}
    tests = {(t["indicator"], g["group"]): g for t in (gt.get("by") or {}).get("district", [])
             if t["measure"] == "rate" for g in t["groups"]}
    out: dict = {}
    for ind in result.get("indicators") or []:
        city = (ind.get("rate") or {}).get("estimate")
        for r in (ind.get("rate_by") or {}).get("district", []):
            d = out.setdefault(r["group"], DistrictList(r["group"]))
            t = tests.get((ind["id"], r["group"])) or {}
            if r.get("suppressed") or t.get("not_asked") or r.get("estimate") is None or r.get("ci_high") is None:
                continue
            if too_few_to_judge(r.get("n"), small_base):
                d.withheld_n = max(d.withheld_n or 0, int(r.get("n") or 0))
                continue
            d.judged += 1
            below_t = ind.get("target") is not None and r["ci_high"] < ind["target"]
            below_c = bool(t.get("significant")) and (t.get("difference") or 0.0) < 0
            if below_t or below_c:
                d.problems.append(DistrictProblem(r["group"], ind["name"], r["estimate"], city, ind.get("target"),
                                                  below_t, below_c, t.get("rest"), t.get("difference"), t.get("p"),
                                                  owners.get(ind.get("area"), "")))
    for name, d in out.items():
        h = hot_by.get(name)
        if h and not h.get("suppressed"):
            d.hot_issues = [(t["label"], t["respondents"]["estimate"]) for t in h["top"][:3]]
    return list(out.values())


HOT_COLUMN = 6  # problem_table's 热点问题前三位: on a district's first row (column 0 the district; Table.fill_down)


def problem_table(lists: list, lang: str = "zh", org: Optional[str] = None) -> tuple[list, list]:
    """(columns, rows) of the list as one table (kinds as :class:`report.render.Table`).  A problem of an area
    no unit owns is led by the issuing office ``org`` (市文明办（牵头）: :func:`survey.owners.unit_or_lead`, as the
    brief and the ledger table say it), not left blank."""
    from survey.owners import issuing_office, unit_or_lead

    L = partial(label, lang=lang)
    office = issuing_office({}, org, lang)
    cols = [(L("comp.district"), "text"), (L("word.indicator"), "text"), (L("word.this_district"), "pct"),
            (L("word.city"), "pct"), (L("word.target"), "pct"), (L("word.problem"), "text"),
            (L("word.top_hot_issues"), "text"), (L("word.unit"), "text"), (L("word.deadline"), "text")]
    sep = L("word.list_sep_inline")
    rows = []
    for d in lists:
        hot = sep.join(lab for lab, _ in d.hot_issues)
        for k, p in enumerate(d.problems):
            why = [w for w, on in ((L("word.below_target"), p.below_target), (L("word.below_city"), p.below_city)) if on]
            rows.append([d.district, p.indicator, p.value, p.city, p.target, sep.join(why),
                         hot if k == 0 else "", unit_or_lead(p.owner, office, lang), p.deadline])  # HOT_COLUMN
        if d.withheld_n is not None and not d.judged:  # a small district: no claim, its base said (no unit, no deadline)
            rows.append([d.district, L("word.all_indicators"), None, None, None,
                         withheld_text({"n": d.withheld_n}, lang), "", "", ""])
    return cols, rows

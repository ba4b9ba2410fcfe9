"""The 区县问题清单 (district problem list): per district, the indicators that miss their target or lie
below the city, its top 3 hot issues, the responsible unit and an empty deadline column — ready to
become a rectification ledger.

From the analysis result only: an indicator is a problem in a district when the district's rate
interval lies entirely below the target (verdict 未达标 of the district's record) or entirely below the
city-wide estimate (``below_city``); suppressed districts (n < min_cell) are left out.  The hot issues
are the district's three options named by most respondents (``hot_issues.by.district``); the unit is
the area's ``owner:`` (:func:`survey.owners.responsible_units`, in ``meta.owners``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

TITLE = {"zh": "区县问题清单", "en": "District problem list"}


@dataclass
class DistrictProblem:
    district: str
    indicator: str
    value: Optional[float]       # district rate
    city: Optional[float]        # city-wide rate
    target: Optional[float]
    below_target: bool
    below_city: bool
    owner: str = ""
    deadline: str = ""           # left empty for the rectification ledger


@dataclass
class DistrictList:
    district: str
    problems: list = field(default_factory=list)
    hot_issues: list = field(default_factory=list)   # [(label, share)]


def district_problems(result: dict) -> list[DistrictList]:
    """One :class:`DistrictList` per district (questionnaire order) — see the module docstring."""
    owners = result.get("meta", {}).get("owners") or {}
    hot_by = ((result.get("hot_issues") or {}).get("by") or {}).get("district") or {}
    out: dict = {}
    for ind in result.get("indicators") or []:
        city = (ind.get("rate") or {}).get("estimate")
        for r in (ind.get("rate_by") or {}).get("district", []):
            d = out.setdefault(r["group"], DistrictList(r["group"]))
            if r.get("suppressed") or r.get("estimate") is None or r.get("ci_high") is None:
                continue
            below_t = ind.get("target") is not None and r["ci_high"] < ind["target"]
            below_c = city is not None and r["ci_high"] < city
            if below_t or below_c:
                d.problems.append(DistrictProblem(r["group"], ind["name"], r["estimate"], city, ind.get("target"),
                                                  below_t, below_c, owners.get(ind.get("area"), "")))
    for name, d in out.items():
        h = hot_by.get(name)
        if h and not h.get("suppressed"):
            d.hot_issues = [(t["label"], t["respondents"]["estimate"]) for t in h["top"][:3]]
    return list(out.values())


def problem_table(lists: list, lang: str = "zh") -> tuple[list, list]:
    """(columns, rows) of the list as one table (kinds as :class:`report.render.Table`)."""
    en = lang == "en"
    cols = [("District" if en else "区县", "text"), ("Indicator" if en else "指标", "text"),
            ("District" if en else "本区县", "pct"), ("City" if en else "全市", "pct"), ("Target" if en else "目标", "pct"),
            ("Problem" if en else "问题", "text"), ("Top hot issues" if en else "热点问题前三位", "text"),
            ("Responsible unit" if en else "责任单位", "text"), ("Deadline" if en else "整改时限", "text")]
    rows = []
    for d in lists:
        hot = ("; " if en else "、").join(lab for lab, _ in d.hot_issues)
        for k, p in enumerate(d.problems):
            why = [w for w, on in ((("below target" if en else "低于目标"), p.below_target),
                                   (("below the city" if en else "显著低于全市"), p.below_city)) if on]
            rows.append([d.district, p.indicator, p.value, p.city, p.target, ("; " if en else "、").join(why),
                         hot if k == 0 else "", p.owner, p.deadline])
    return cols, rows

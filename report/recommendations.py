"""Recommendations drawn from the data: one per weak area, built from the findings it cites.

An area is weak when one of its indicators misses its target (rate verdict 未达标 or 无显著差异,
:func:`analysis.indicators.stat_record`).  For each weak area, from the analysis result only:

* its satisfaction index;
* its 2–3 lowest items — satisfaction items of the area ordered by satisfaction rate, keeping only
  those below the area's target (or, without a target, below the area's mean item rate), so an item
  the data rate well is never called weak whatever the questionnaire's policy text says;
* the districts that lag on it: the area index by district whose interval lies entirely below the
  area's city-wide estimate;
* the linked hot issues: hot-issue options with ``area:`` equal to the area, by % of respondents, leaving
  out those no respondent chose (a 0.0% issue is no finding to cite);
* the responsible unit (``owner:``, :func:`survey.owners.responsible_units`) and the questionnaire's
  ``recommendation:`` text — printed once per area, with the items the data rate well (at or above
  the bar) taken out of it (:func:`policy_without`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Optional

from analysis.thresholds import SMALL_BASE

from .labels import join_list, label
from .findings import fmt_num, fmt_pct, too_few_to_judge


@dataclass
class Recommendation:
    area: str                # area id
    name: str
    index: Optional[float]   # area satisfaction index
    weak_items: list = field(default_factory=list)      # [(label, rate)]
    districts: list = field(default_factory=list)       # [(district, index)]
    hot_issues: list = field(default_factory=list)      # [(label, share of respondents)]
    indicators: list = field(default_factory=list)      # [(indicator name, rate, target, verdict)]
    owner: Optional[str] = None
    policy: Optional[str] = None                         # questionnaire recommendation text
    text: str = ""                                       # the findings sentence


def _est(d) -> Optional[float]:
    return (d or {}).get("estimate")


LIST_JOINS = ("、", "和", ", ")   # what joins the members of a list in policy text (zh, en)
CLAUSE_END = "，；。,;."          # what ends a clause of policy text


def _drop_clause(text: str, lab: str) -> str:
    """``text`` without the clause holding ``lab`` (from the previous clause end to its own, the latter
    included): the label is the clause's only object ("推进老旧小区改造，"), so removing the word alone
    would leave a verb without object ("推进，")."""
    i = text.index(lab)
    start = max(text.rfind(c, 0, i) for c in CLAUSE_END) + 1
    ends = [j for j in (text.find(c, i + len(lab)) for c in CLAUSE_END) if j >= 0]
    end = min(ends) if ends else len(text)
    if end < len(text) and text[end] in "，；,;":
        return text[:start] + text[end + 1:]
    head = text[:start].rstrip("，；,; ")     # the last clause: keep the sentence's end mark
    return head + text[end:] if head else ""


def policy_without(text: Optional[str], labels: list) -> Optional[str]:
    """The questionnaire's policy text with the items the data rate well taken out (issue 10: the policy
    text never names an item as weak that the data rate well).  An item that is one member of a list
    leaves the list ("以背街小巷、农贸市场、公共厕所等薄弱区域为重点" without 公共厕所 when 公共厕所 meets
    the target); an item that stands alone in its clause takes the clause with it ("推进老旧小区改造，"),
    so no verb is left without its object.  None when nothing is left."""
    if not text:
        return text
    for lab in labels:
        if not lab or lab not in text:
            continue
        for pat in [f"{lab}{j}" for j in LIST_JOINS] + [f"{j}{lab}" for j in LIST_JOINS]:
            if pat in text:
                text = text.replace(pat, "", 1)
                break
        else:
            text = _drop_clause(text, lab)
    return text.strip() or None


def build_recommendations(result: dict, lang: str = "zh", max_items: int = 3,
                          small_base: int = SMALL_BASE) -> list[Recommendation]:
    """One :class:`Recommendation` per weak area, weakest area (lowest index) first.  A district whose area index
    rests on fewer than ``small_base`` answers is not named as lagging (:func:`report.findings.too_few_to_judge`).
    The hot issues cited for an area are its options chosen by at least the mean share of all the list's options
    (at most three, most chosen first): an issue few chose is no hot issue of the area."""
    L = partial(label, lang=lang)
    owners = result.get("meta", {}).get("owners") or {}
    hot = (result.get("hot_issues") or {}).get("items") or []
    # a "related hot issue" is one chosen more often than the average issue of the list: 营商环境 chosen by 0.9%
    # (45th of 59) was cited as the business area's hot issue
    shares = [_est(h.get("respondents")) for h in hot if _est(h.get("respondents")) is not None]
    hot_bar = sum(shares) / len(shares) if shares else 0.0
    out = []
    for a in result.get("areas") or []:
        inds = [i for i in result.get("indicators") or [] if i.get("area") == a["id"] and i.get("rate")]
        missed = [i for i in inds if i["rate"].get("verdict") in ("未达标", "无显著差异")]
        if not missed:
            continue
        target = next((i.get("target") for i in missed if i.get("target") is not None), None)
        items = [it for it in result.get("items") or [] if it.get("area") == a["id"] and it["kind"] == "satisfaction"
                 and _est(it.get("rate")) is not None]
        if not items:
            continue
        bar = target if target is not None else sum(_est(it["rate"]) for it in items) / len(items)
        weak = sorted([it for it in items if _est(it["rate"]) < bar], key=lambda it: _est(it["rate"]))[:max_items]
        city = _est(a.get("index"))
        dist = [(r["group"], r["estimate"]) for r in (a.get("index_by") or {}).get("district", [])
                if r.get("estimate") is not None and r.get("ci_high") is not None and city is not None
                and r["ci_high"] < city and not r.get("suppressed") and not too_few_to_judge(r.get("n"), small_base)]
        dist.sort(key=lambda x: x[1])
        hots = sorted([h for h in hot if h.get("area") == a["id"] and (_est(h.get("respondents")) or 0) > 0
                       and _est(h["respondents"]) >= hot_bar],
                      key=lambda h: -_est(h["respondents"]))[:3]
        good = [it["label"] for it in items if _est(it["rate"]) >= bar]
        r = Recommendation(a["id"], a["name"], city, [(it["label"], _est(it["rate"])) for it in weak], dist,
                           [(h["label"], _est(h["respondents"])) for h in hots],
                           [(i["name"], _est(i["rate"]), i.get("target"), i["rate"]["verdict"]) for i in missed],
                           owners.get(a["id"]), policy_without(a.get("recommendation"), good))
        parts = [L("rec.index").format(name=a["name"], value=fmt_num(city))]
        if weak:
            parts.append(L("rec.weak").format(lst=join_list((L("rec.weak_item").format(label=lab, share=fmt_pct(v))
                                                             for lab, v in r.weak_items), lang)))
        if dist:
            parts.append(L("rec.districts").format(lst=join_list((L("rec.district").format(group=g, value=fmt_num(v))
                                                                  for g, v in dist), lang)))
        if hots:
            parts.append(L("rec.hots").format(lst=join_list((L("rec.hot").format(label=lab, share=fmt_pct(v))
                                                             for lab, v in r.hot_issues), lang)))
        r.text = L("rec.part_sep").join(parts) + L("rec.end")
        out.append(r)
    out.sort(key=lambda r: r.index if r.index is not None else 1e9)
    return out


def rec_heading(k: int, r: Recommendation, lang: str = "zh") -> str:
    """1．城市环境 / (1) City environment: the third heading level, under the chapter's numbered
    sub-heading （…）分领域问题与对策建议 (GB/T 9704-2012 7.3.3: 一、 → （一） → 1. → （1）)."""
    return label("rec.heading", lang).format(k=k + 1, name=r.name)


def rec_lines(r: Recommendation, lang: str = "zh") -> list[str]:
    """The findings sentence, the policy text (once per area) and the responsible unit."""
    out = [label("word.findings_prefix", lang) + r.text]
    if r.policy:
        out.append(label("word.recommendation_prefix", lang) + r.policy)
    if r.owner:
        out.append(label("word.unit_prefix", lang) + r.owner)
    return out

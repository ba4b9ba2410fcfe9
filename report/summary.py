"""The one-page 摘要 a leader reads first: a verdict sentence and 3–6 points, each linked to the
section that proves it.

Built only from the analysis result (``survey analyze --json``) and the wave comparison, by rules:

* verdict: how many of the N indicators with a target met it (rate verdict of
  :func:`analysis.indicators.stat_record`: the interval lies above the target), which did not, which rest on
  too few answers to be judged (:func:`report.findings.too_few_to_judge`), and the composite satisfaction index;
* weakest areas: the two areas with the lowest satisfaction index and, in each, the two items with the
  lowest satisfaction rate (from the data);
* hot issues: said "in order" only when the rank ranges (CI overlap) of the three are apart, else the pairs
  that do not differ are named;
* lagging districts: the last two districts of the league table (composite index) against the city,
  called 排名靠后 only when no other district's rank range reaches the last two places (else the districts
  they cannot be told from and the rank ranges are named); △ small bases are marked;
* change: how many of the compared rates and of the compared indexes rose / fell significantly since the
  comparison wave (the arrows of the change table; rates and indexes counted apart, as the table lists a
  satisfaction area's rate and index on two rows), and the largest significant rate change.  The count is
  :func:`count_changes`, which the brief's lead and the 变化 chapter's trend sentence print too (one count of
  "what changed"); a change resting on fewer than ``small_base`` answers is not called significant
  (:func:`judged_changes`), as no verdict is stated there (:func:`report.findings.too_few_to_judge`).

Numbers are rounded point values (one decimal); intervals and bases stay in the chapters.  Each
:class:`SummaryPoint` keeps the exact values it prints with the path of the result they come from,
so tests compare them with the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .findings import by_rate, fmt_num, fmt_pct, too_few_to_judge, withheld_count, withheld_names
from .labels import few_names, label
from .table_cells import signed

# anchor of the section proving each kind of point (the h2 ids sec-1 … sec-9 of the HTML report)
ANCHORS = {"verdict": "sec-4", "areas": "sec-4", "hot": "sec-5", "districts": "sec-6", "change": "sec-7",
           "targets": "sec-8"}
SECTION_INDEX = {"sec-4": 3, "sec-5": 4, "sec-6": 5, "sec-7": 6, "sec-8": 7}
NAMED = 3   # at most this many further hot issues named in the summary, then their number ("等56项")


@dataclass
class SummaryPoint:
    """One summary sentence; ``anchor`` the proving section; ``values``: (result path, value) cited."""

    kind: str
    text: str
    anchor: str
    values: list = field(default_factory=list)


@dataclass
class Summary:
    verdict: SummaryPoint
    points: list
    n_targets: int = 0
    n_met: int = 0
    not_met: list = field(default_factory=list)


@dataclass(frozen=True)
class ChangeCount:
    """The significant changes of one measure since the comparison wave: ``n`` compared, ``up`` and ``down``."""

    measure: str   # rate | index
    n: int
    up: int
    down: int


def judged_changes(changes: Optional[list], small_base: int) -> list:
    """``changes`` (:func:`report.pipeline.compare` records) with the small-base rule applied
    (:func:`report.findings.too_few_to_judge`): a change resting on fewer than ``small_base`` answers in either wave
    is not called significant (``significant`` false, ``arrow`` →, ``withheld`` true) — at n = 2 a zero-width
    interval makes any difference "significant".  Copies; the report, the brief and their counts all read these."""
    out = []
    for c in changes or []:
        small = any(c.get(k) is not None and too_few_to_judge(c[k], small_base) for k in ("n", "n_previous"))
        out.append(dict(c, significant=False, arrow="→", withheld=True) if small and c.get("significant") else c)
    return out


def count_changes(changes: Optional[list]) -> list[ChangeCount]:
    """The one count of "what changed" (摘要, brief, …): per measure of ``changes`` (rates first, then indexes, as
    the change table lists a satisfaction indicator's rate and index on two rows), how many were compared and how
    many rose or fell significantly.  Pass :func:`judged_changes` output."""
    out = []
    for measure in ("rate", "index"):
        rows = [c for c in changes or [] if c.get("measure") == measure]
        if rows:
            sig = [c for c in rows if c.get("significant")]
            up = sum(1 for c in sig if c["diff"] > 0)
            out.append(ChangeCount(measure, len(rows), up, len(sig) - up))
    return out


def change_count_text(counts: list, lang: str = "zh") -> str:
    """The counts as one clause, the same wherever the change is counted: 14项比率中8项显著上升、0项显著下降；9项指数中
    5项显著上升、0项显著下降 ("" without counts)."""
    parts = [label(f"sum.change_{c.measure}" + ("" if c.up or c.down else "_none"), lang).format(n=c.n, up=c.up, down=c.down)
             for c in counts]
    return label("sum.clause_sep", lang).join(parts)


def _pp(x: float, lang: str) -> str:
    return label("sum.pp", lang).format(diff=signed(100 * x))


def _change_point(changes: list, compare_label: Optional[str], lang: str) -> SummaryPoint:
    """How many of the compared rates, and of the compared indexes, rose and fell significantly (the counts
    of the arrows in the chapter's change table), and the largest significant rate change in points."""
    prev = compare_label or label("sum.prev_wave", lang)
    if not any(c.get("significant") for c in changes):
        return SummaryPoint("change", label("sum.change_none", lang).format(prev=prev), ANCHORS["change"], [])
    parts, vals = [], []
    for cc in count_changes(changes):
        text = change_count_text([cc], lang)
        sig = [(k, c) for k, c in enumerate(changes) if c.get("measure") == cc.measure and c.get("significant")]
        if cc.measure == "rate" and sig:
            k, big = max(sig, key=lambda kc: abs(kc[1]["diff"]))
            text += label("sum.change_largest", lang).format(name=big["name"], diff=_pp(big["diff"], lang))
            vals.append((f"changes[{k}].diff", big["diff"]))
        parts.append(text)
    text = label("sum.change", lang).format(prev=prev, parts=label("sum.clause_sep", lang).join(parts))
    return SummaryPoint("change", text, ANCHORS["change"], vals)


def build_summary(result: dict, changes: Optional[list] = None, *, lang: str = "zh",
                  compare_label: Optional[str] = None, small_base: int = 30) -> Optional[Summary]:
    """The :class:`Summary` of ``result`` (module docstring); None when there are no indicators.  Area and item
    values resting on fewer than ``small_base`` answers are marked as only indicative; a district on fewer is not
    placed among the last but named apart with its base (:func:`report.findings.too_few_to_judge`)."""
    inds = result.get("indicators") or []
    if not inds:
        return None
    sep = label("sep.list", lang)
    q = (lambda s: f"“{s}”")  # noqa: E731
    # verdict
    judged = [(j, i) for j, i in enumerate(inds) if (i.get("rate") or {}).get("verdict")]
    met = [(j, i) for j, i in judged if i["rate"]["verdict"] == "达标"]
    bad = [(j, i) for j, i in judged if i["rate"]["verdict"] == "未达标"]
    ns = [(j, i) for j, i in judged if i["rate"]["verdict"] == "无显著差异"]
    vals = [(f"indicators[{j}].rate.verdict", i["rate"]["verdict"]) for j, i in judged]
    n_targets = len(judged) + len(withheld_names(inds))  # a verdict withheld on a small base is counted, not judged
    held = withheld_count(inds, lang)
    text = label("sum.verdict", lang).format(n=n_targets, by=by_rate(inds, lang), met=len(met))
    if bad:
        text += label("sum.verdict_bad", lang).format(k=len(bad), names=sep.join(i["name"] for _, i in bad))
    if ns:
        text += label("sum.verdict_ns", lang).format(k=len(ns))
    if held:
        text += label("sum.verdict_held", lang).format(held=held)
    comp = result.get("composite")
    if comp and comp.get("estimate") is not None:
        text += label("sum.composite", lang).format(value=fmt_num(comp["estimate"]))
        vals.append(("composite.estimate", comp["estimate"]))
    verdict = SummaryPoint("verdict", text + label("sum.end", lang), ANCHORS["verdict"], vals)
    points = []
    # weakest areas and their lowest items
    areas = [(j, a) for j, a in enumerate(result.get("areas") or []) if (a.get("index") or {}).get("estimate") is not None]
    if len(areas) >= 2:
        low = sorted(areas, key=lambda ja: ja[1]["index"]["estimate"])[:2]
        items = result.get("items") or []
        parts, vals = [], []
        for j, a in low:
            vals.append((f"areas[{j}].index.estimate", a["index"]["estimate"]))
            its = sorted([(k, it) for k, it in enumerate(items) if it.get("area") == a["id"] and it["kind"] == "satisfaction"
                          and (it.get("rate") or {}).get("estimate") is not None],
                         key=lambda kit: kit[1]["rate"]["estimate"])[:2]
            vals += [(f"items[{k}].rate.estimate", it["rate"]["estimate"]) for k, it in its]
            # a small area is marked once, after its name (its items are then small too: not said again for each)
            small = (label("sum.small_sep", lang) + label("sum.small_base_inline", lang).format(n=small_base)
                     if too_few_to_judge(a["index"].get("n"), small_base) else "")
            lows = sep.join(label("sum.named_value", lang).format(name=q(it["label"]), value=fmt_pct(it["rate"]["estimate"]))
                            + (label("sum.small_base", lang).format(n=small_base)
                               if not small and too_few_to_judge(it["rate"].get("n"), small_base) else "") for _, it in its)
            parts.append(label("sum.area", lang).format(name=a["name"], value=fmt_num(a["index"]["estimate"]),
                                                        small=small, lows=lows))
        text = label("sum.areas", lang).format(parts=label("sum.areas_and", lang).join(parts))
        points.append(SummaryPoint("areas", text, ANCHORS["areas"], vals))
    # hot issues: "依次" only where the rank ranges of the top three are apart (CI overlap, 表 ≈ marks)
    hot = result.get("hot_issues")
    if hot and hot.get("top"):
        top = hot["top"][:3]
        vals = [(f"hot_issues.top[{k}].respondents.estimate", t["respondents"]["estimate"]) for k, t in enumerate(top)]
        lst = sep.join(label("sum.named_value", lang).format(name=q(t["label"]), value=fmt_pct(t["respondents"]["estimate"]))
                       for t in top)
        text, more = _hot_text(hot, top, lst, lang)
        points.append(SummaryPoint("hot", text, ANCHORS["hot"], vals + more))
    # lagging districts: "排名靠后" only when no other district's rank range reaches the last two places
    lg = result.get("league")
    ranked = [(k, r) for k, r in enumerate((lg or {}).get("rows") or []) if r.get("estimate") is not None]
    # a district on fewer than small_base answers is not placed (too_few_to_judge, as survey score's △): it is
    # named apart with its base, and the last places are those of the others
    small = [(k, r) for k, r in ranked if not r.get("suppressed") and too_few_to_judge(r.get("n"), small_base)]
    rows = [(k, r) for k, r in ranked if not r.get("suppressed") and not too_few_to_judge(r.get("n"), small_base)]
    if len(rows) >= 3 and comp and comp.get("estimate") is not None:
        last = rows[-2:][::-1]
        vals = [(f"league.rows[{k}].estimate", r["estimate"]) for k, r in last] + [("composite.estimate", comp["estimate"])]
        lst = sep.join(label("sum.group_points", lang).format(group=r["group"], value=fmt_num(r["estimate"]))
                       for _, r in last)
        n_ranked = len(ranked)
        reach = [(k, r) for k, r in rows[:-2] if (r.get("rank_worst") or 0) >= n_ranked - 1]
        city = fmt_num(comp["estimate"])
        if not reach:
            text = label("sum.districts_last", lang).format(lst=lst, city=city)
        else:
            named = last + reach
            vals += [(f"league.rows[{k}].{b}", r[b]) for k, r in named for b in ("rank_best", "rank_worst")]
            ranges = sep.join(label("sum.rank_range", lang).format(group=r["group"], lo=r["rank_best"], hi=r["rank_worst"])
                              for _, r in named)
            reach = [r for _, r in reach]
            text = label("sum.districts_lowest", lang).format(lst=lst, city=city, others=sep.join(r["group"] for r in reach),
                                                              ranges=ranges)
        if small:
            text += label("sum.districts_small", lang).format(groups=sep.join(
                label("sum.group_n", lang).format(group=r["group"], n=int(r.get("n") or 0)) for _, r in small))
        points.append(SummaryPoint("districts", text, ANCHORS["districts"], vals))
    # change since the last wave
    if changes:
        points.append(_change_point(changes, compare_label, lang))
    return Summary(verdict, points, n_targets, len(met), [i["name"] for _, i in bad])


def _apart(a: dict, b: dict) -> bool:
    """``a`` ranks significantly above ``b``: their rank ranges (CI overlap) do not meet."""
    if a.get("rank_worst") is None or b.get("rank_best") is None:
        return not (a.get("tie") or a.get("tied"))
    return a["rank_worst"] < b["rank_best"]


def _hot_text(hot: dict, top: list, lst: str, lang: str) -> tuple[str, list]:
    """The hot-issue point: "依次是…" when the top three are apart from each other and from the rest; else
    the three named most, with the pairs that do not differ and the next issues that could be among them
    (the first three of those named, then their number: on a small sample all 59 options may reach the top
    three, and a one-page summary does not list them all).
    Returns the text and the (result path, value) of the values it adds."""
    q = (lambda s: f"“{s}”")  # noqa: E731
    k = len(top)
    codes = {x.get("code") for x in top}
    rest = [(j, t) for j, t in enumerate(hot.get("items") or []) if t.get("code") not in codes]
    ties = [(a, b) for a, b in zip(top, top[1:]) if not _apart(a, b)]
    reach_j = [(j, t) for j, t in rest if t.get("rank_best") is not None and t["rank_best"] <= k]
    reach = [t for _, t in reach_j]
    more = [(f"hot_issues.items[{j}].respondents.estimate", t["respondents"]["estimate"]) for j, t in reach_j[:NAMED]]
    if not ties and not reach:
        return label("sum.hot_ordered", lang).format(lst=lst), more
    text = label("sum.hot_top", lang).format(lst=lst)
    if ties:
        text += label("sum.hot_ties", lang).format(pairs=label("sum.pair_sep", lang).join(
            label("sum.pair", lang).format(a=q(a["label"]), b=q(b["label"])) for a, b in ties))
    if reach:
        text += label("sum.hot_next", lang).format(lst=few_names(
            [label("sum.named_value", lang).format(name=q(t["label"]), value=fmt_pct(t["respondents"]["estimate"]))
             for t in reach], lang, NAMED))
    return text + label("sum.end", lang), more


def summary_lines(s: Summary, section_titles: list, lang: str = "zh") -> list[str]:
    """The summary as plain sentences with their reference (DOCX, XLSX): "…。（见四、…）"."""
    return [p.text + ref_text(p.anchor, section_titles, lang) for p in [s.verdict] + s.points]


def ref_text(anchor: str, section_titles: list, lang: str = "zh") -> str:
    """The reference a summary point ends with, naming the chapter that proves it: "（见四、…）"
    (HTML/PDF make it a link to ``anchor``; DOCX/XLSX print it)."""
    title = section_titles[SECTION_INDEX[anchor]]
    return label("sum.see", lang).format(title=title)

"""The report's charts, drawn from the analysis result: each title states the finding and becomes the
figure's caption (图N, numbered by :mod:`report.numbering`); PNG + SVG into the charts folder."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

from analysis.thresholds import SMALL_BASE

from . import charts as C
from .chart_pool import draw
from .findings import fmt_n, fmt_pct, too_few_to_judge
from .labels import few_names as _few, join_list, label, labels


def make_charts(result: dict, out_dir: Optional[Path], trend: Optional[list] = None, lang: str = "zh",
                pool=None, small_base: int = SMALL_BASE) -> dict:
    """All report charts (PNG+SVG into ``out_dir``), keyed by name; titles state the finding.  With a
    ``pool`` (:func:`report.chart_pool.chart_pool`) the values are Futures until
    :func:`report.chart_pool.collect`.  A title names the lowest indicator or area among those with at least
    ``small_base`` answers (:func:`report.findings.too_few_to_judge`: nothing is stated on two answers), unless
    every one is on a small base."""

    def L(code: str) -> str:
        return label(code, lang)

    ch: dict = {}
    comp = result["sample"]["composition"]
    names = labels("comp", lang)
    if comp:
        panels = {names.get(k, k): ([r["label"] for r in c["rows"]], [r["share"] for r in c["rows"]],
                                    [r.get("population_share") for r in c["rows"]] if any(
                                        r.get("population_share") is not None for r in c["rows"]) else None)
                  for k, c in comp.items()}
        n = result["sample"]["n"]
        ch["sample"] = draw(pool, C.composition, "sample", L("fig.sample").format(n=fmt_n(n)),
                                     panels, out_dir=out_dir, lang=lang)
    three = [i for i in result["indicators"] if (i.get("rate") or {}).get("estimate") is not None]
    if three:
        below = [i["name"] for i in three if i["rate"].get("verdict") == "未达标"]
        order = sorted([i for i in three if not too_few_to_judge(i["rate"].get("n"), small_base)] or three,
                       key=lambda i: i["rate"]["estimate"])
        title = L("fig.rates_below").format(k=len(below), name=order[0]["name"]) if below else L("fig.rates_ok")
        ch["rates"] = draw(pool, C.bar_ci, "rates", title, [i["name"] for i in three], [i["rate"]["estimate"] for i in three],
                               [i["rate"]["ci_low"] for i in three], [i["rate"]["ci_high"] for i in three],
                               out_dir=out_dir, verdicts=[i["rate"].get("verdict") for i in three],
                               targets=[i.get("target") for i in three], lang=lang)
    areas = [a for a in result["areas"] if (a.get("index") or {}).get("estimate") is not None]
    if areas:
        judged = [a for a in areas if not too_few_to_judge(a["index"].get("n"), small_base)] or areas
        lo = min(judged, key=lambda a: a["index"]["estimate"])
        title = L("fig.areas_lowest").format(name=lo["name"], value=f"{lo['index']['estimate']:.1f}")
        # the area's satisfaction indicator carries its index target and verdict
        ind_of = {i.get("area"): i for i in result["indicators"] if i["kind"] == "satisfaction" and i.get("area")}
        idx = [(ind_of.get(a["id"]) or {}).get("index") or {} for a in areas]
        has_t = any(s.get("target") is not None for s in idx)
        nb = sum(s.get("verdict") == "未达标" for s in idx)
        if has_t and nb:
            title = L("fig.areas_below").format(k=nb, name=lo["name"], value=f"{lo['index']['estimate']:.1f}")
        # "lowest" only as far as the intervals go: the areas whose interval reaches the lowest one are named
        level = [a["name"] for a in judged if a is not lo and a["index"].get("ci_low") is not None
                 and lo["index"].get("ci_high") is not None and a["index"]["ci_low"] <= lo["index"]["ci_high"]]
        if level:
            title += L("fig.tied_low").format(others=_few(level, lang))
        ch["areas"] = draw(pool, C.bar_ci, "areas", title, [a["name"] for a in areas], [a["index"]["estimate"] for a in areas],
                               [a["index"]["ci_low"] for a in areas], [a["index"]["ci_high"] for a in areas],
                               percent=False, out_dir=out_dir, lang=lang,
                               verdicts=[s.get("verdict") for s in idx] if has_t else None,
                               highlight_low=0 if has_t else 1,
                               targets=[s.get("target") for s in idx] if has_t else None)
    hot = result.get("hot_issues")
    if hot and hot.get("top"):
        top = hot["top"]
        t0 = top[0]
        level = [r for r in top[1:] if r.get("rank_best") == 1]  # issues the first cannot be told from
        title = (L("fig.hot_tied").format(label=t0["label"], share=fmt_pct(t0["respondents"]["estimate"]),
                                          others=_few([f"“{r['label']}”" for r in level], lang)) if level else
                 L("fig.hot").format(label=t0["label"], share=fmt_pct(t0["respondents"]["estimate"])))
        ch["hot"] = draw(pool, C.bar_ci, "hot", title, [r["label"] for r in top], [r["respondents"]["estimate"] for r in top],
                             [r["respondents"]["ci_low"] for r in top], [r["respondents"]["ci_high"] for r in top],
                             out_dir=out_dir, lang=lang)
    if hot and hot.get("by_site"):
        panels = {}
        for site, recs in hot["by_site"].items():
            recs = [x for x in recs[:5] if (x["respondents"] or {}).get("estimate") is not None]
            if recs:
                panels[site] = ([x["label"] for x in recs], [x["respondents"]["estimate"] for x in recs],
                                [x["respondents"]["ci_low"] for x in recs], [x["respondents"]["ci_high"] for x in recs])
        if panels:
            firsts = {s: p[0][int(np.nanargmax(_nums(p[1])))] for s, p in panels.items()}
            title = hot_sites_title(firsts, len(hot["by_site"]), lang)
            ch["hot_sites"] = draw(pool, C.panels_ci, "hot_sites", title, panels, out_dir=out_dir, lang=lang)
    ot = result.get("open_text")
    if ot and ot.get("top_words"):
        words = ot["top_words"][:15]
        # with coded themes the section's headline is theirs (chapters.hot_issues.themes_lead): the word chart
        # is captioned as what it shows, not as a finding about one word (issue 10)
        title = (L("fig.words_plain").format(k=len(words)) if (result.get("open_themes") or {}).get("themes") else
                 L("fig.words").format(word=words[0]["word"], count=f"{words[0]['count']:,}"))
        ch["words"] = draw(pool, C.bar_counts, "words", title, [w["word"] for w in words], [w["count"] for w in words],
                                   xlabel=L("word.count"), out_dir=out_dir, lang=lang)
    lg = result.get("league")
    if lg and lg.get("rows"):
        rows = [r for r in lg["rows"] if not r.get("suppressed")]
        if rows:
            # the title names the first among the districts judged (a small base is not placed: the summary's rule)
            judged = [r for r in rows if not too_few_to_judge(r.get("n"), small_base)] or rows
            level = [r["group"] for r in judged[1:] if r.get("rank_best") == 1]  # not significantly below the first
            value = f"{judged[0]['estimate']:.1f}"
            title = (L("fig.league_one").format(group=judged[0]["group"], value=value) if len(judged) == 1 else
                     L("fig.league_tied").format(group=judged[0]["group"], value=value, others=_few(level, lang))
                     if level else L("fig.league").format(group=judged[0]["group"], value=value))
            ch["league"] = draw(pool, C.bar_ci, "league", title,
                                    [r["group"] + (" △" if r.get("small_base") else "") for r in rows],
                                    [r["estimate"] for r in rows], [r["ci_low"] for r in rows],
                                    [r["ci_high"] for r in rows], percent=False, out_dir=out_dir, lang=lang)
    ipa = [o for o in result.get("ipa") or [] if o.get("importance") is not None and o.get("performance") is not None]
    if ipa:
        focus = [o["label"] for o in ipa if o.get("quadrant") == "重点改进区"]
        title = L("fig.ipa").format(k=len(focus))
        ch["ipa"] = draw(pool, C.quadrant, "ipa", title, [o["label"] for o in ipa], [o["importance"] for o in ipa],
                               [o["performance"] for o in ipa], out_dir=out_dir, lang=lang)
    if trend and len(trend) >= 2:
        waves = [t["meta"].get("wave_label") or t["meta"].get("wave") or f"W{i + 1}" for i, t in enumerate(trend)]
        series = {}
        for ind in result["indicators"]:
            if ind["kind"] in ("awareness", "support", "participation"):
                vals = []
                for t in trend:
                    m = next((i for i in t["indicators"] if i["id"] == ind["id"]), None)
                    vals.append(m["rate"] if m and (m.get("rate") or {}).get("estimate") is not None else None)
                if all(vals):
                    series[ind["name"]] = ([v["estimate"] for v in vals], [v["ci_low"] for v in vals],
                                           [v["ci_high"] for v in vals])
        if series:
            first, last = max(series.items(), key=lambda kv: abs(kv[1][0][-1] - kv[1][0][0]))
            d = 100 * (last[0][-1] - last[0][0])
            title = L("fig.trend").format(name=first, dir=L("fig.rose" if d >= 0 else "fig.fell"), d=f"{abs(d):.1f}",
                                          first=waves[0], last=waves[-1])
            ch["trend"] = draw(pool, C.trend, "trend", title, waves, dict(list(series.items())[:6]), out_dir=out_dir, lang=lang)
    return ch


def hot_sites_title(firsts: dict, n_sites: int, lang: str) -> str:
    """The by-site hot-issue chart's title from ``firsts`` ({site drawn: its first issue}) among ``n_sites``
    sites: "各调查点均以…居首" only when every site is drawn and they share the first issue; a site left out
    (all its shares suppressed, n < min_cell) is never counted as agreeing (issue 5: no claim the numbers do
    not support)."""
    L = (lambda code: label(code, lang))  # noqa: E731
    tops = set(firsts.values())
    if len(firsts) == 1:
        site, top = next(iter(firsts.items()))
        return L("fig.hot_sites_one").format(site=site, label=top)
    if len(tops) == 1 and len(firsts) == n_sites:
        return L("fig.hot_sites_same").format(label=next(iter(tops)))
    if len(tops) == 1:
        return L("fig.hot_sites_some").format(sites=join_list(firsts, lang), label=next(iter(tops)))
    return L("fig.hot_sites_differ").format(sites=L("sep.clause").join(
        L("fig.hot_site").format(site=s, label=v) for s, v in firsts.items()))


def _nums(v) -> np.ndarray:
    return np.array([np.nan if x is None else x for x in v], dtype=float)


def likert_charts(result: dict, q_areas: dict, out_dir: Optional[Path], lang: str = "zh", pool=None) -> list:
    """One diverging stacked bar chart per area for its satisfaction (Likert) items (Futures with a ``pool``,
    as :func:`make_charts`)."""
    out = []
    by_area: dict = {}
    for it in result["items"]:
        if it["kind"] == "satisfaction" and it.get("distribution") and it.get("area") \
                and (it.get("rate") or {}).get("estimate") is not None:
            by_area.setdefault(it["area"], []).append(it)
    for aid, its in by_area.items():
        shares = np.array([[d["share"] if d["share"] is not None else 0.0 for d in it["distribution"]] for it in its])
        cats = [d["label"] for d in its[0]["distribution"]]
        worst = min(its, key=lambda i: i["rate"]["estimate"])
        title = label("fig.likert", lang).format(area=q_areas.get(aid, aid), label=worst["label"],
                                                 share=fmt_pct(worst["rate"]["estimate"]))
        level = [f"“{i['label']}”" for i in its if i is not worst and i["rate"].get("ci_low") is not None
                 and worst["rate"].get("ci_high") is not None and i["rate"]["ci_low"] <= worst["rate"]["ci_high"]]
        if level:  # not significantly above the lowest (CI overlap): named
            title += label("fig.tied_low", lang).format(others=_few(level, lang))
        out.append(draw(pool, C.likert_diverging, f"likert_{aid}", title, [i["label"] for i in its], shares, cats,
                                      out_dir=out_dir, lang=lang))
    return out

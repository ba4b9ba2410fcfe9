"""Chapter 4 “三率”与满意度: indicators and indexes against targets, areas, the lowest items, Likert charts, 宣传与动员效果."""

from __future__ import annotations

from analysis.thresholds import HIGH_NA

from ..labels import join_list
from ..records import Kpi, Section
from ..table_cells import Num
from .kit import Kit


def _ci(st: dict, f) -> str:
    """An interval as printed under a headline figure: 90.1%–92.4%, or — when there is none."""
    return f"{f(st['ci_low'])}–{f(st['ci_high'])}" if st.get("ci_low") is not None else "—"


def _small(it: dict, small_base: int) -> bool:
    """An item whose satisfaction rate rests on fewer than ``small_base`` valid answers (△, 仅供参考)."""
    return (it["rate"].get("n") or 0) < small_base


def _item(it: dict, small_base: int) -> Num:
    """An item's label in a ranked list, marked △ when its base is small."""
    return Num(it["label"], "text", ("small_base",) if _small(it, small_base) else ())


def _indicator(name: str, st: dict, small_base: int) -> Num:
    """An indicator's name in the indicator tables, marked △ when its estimate rests on fewer than
    ``small_base`` valid answers (issue 5: small groups are marked unreliable; the same mark as the
    lowest-items table and the summary, e.g. an area asked only at the 机关 site of a small sample)."""
    return Num(name, "text", ("small_base",) if (st.get("n") or 0) < small_base else ())


def _any_small(rows: list) -> bool:
    return any(isinstance(r[0], Num) and "small_base" in r[0].flags for r in rows)


def build(k: Kit) -> Section:
    """Chapter 4 as typed records."""
    sec = k.section(3)
    ctx, res, lang, L, table, fig = k.ctx, k.res, k.lang, k.L, k.table, k.fig
    kpis = [Kpi(ind["name"], ctx["pct"](ind["rate"]["estimate"]),
                L("text.kpi_detail").format(ci=_ci(ind["rate"], ctx["pct"]), n=ctx["fmt_n"](ind["rate"].get("n"))))
            for ind in res["indicators"] if ind["kind"] in ("awareness", "support", "participation") and ind.get("rate")]
    comp = res.get("composite")
    if comp:
        kpis.append(Kpi(L("word.composite_satisfaction"), ctx["num"](comp.get("estimate")),
                        L("text.kpi_detail").format(ci=_ci(comp, ctx["num"]), n=ctx["fmt_n"](comp.get("n")))))
    if kpis:
        sec.blocks.append(("kpis", kpis))
    rows = []
    for ind in res["indicators"]:
        for m in ("rate", "index"):
            st = ind.get(m)
            if not st:
                continue
            label = L("word.rate") if m == "rate" and ind["kind"] != "satisfaction" else (
                L("measure.share_satisfied") if m == "rate" else L("measure.index"))
            rows.append([_indicator(ind["name"], st, ctx["small_base"]), label, st.get("estimate"), st.get("ci_low"),
                         st.get("ci_high"), st.get("n"), st.get("share_na"), st.get("target"),
                         k.verdict_cell(st.get("verdict"), st)])
    pc = [(L("word.indicator"), "text"), (L("word.measure"), "text"), (L("word.estimate"), "pct"),
          (L("word.ci_low_long"), "pct"), (L("word.ci_high_long"), "pct"), (L("word.valid_n"), "int"),
          (L("word.dont_know"), "pct"), (L("word.target"), "pct"),
          (L("word.verdict"), "text")]
    # indexes are scores, not shares: format per row by splitting into two tables
    rate_rows = [r for r in rows if r[1] != L("measure.index")]
    idx_rows = [r for r in rows if r[1] == L("measure.index")]
    withheld = {m for ind in res["indicators"] for m in ("rate", "index") if (ind.get(m) or {}).get("verdict_withheld")}

    def small_note(measure: str) -> str:  # △ rows; with a verdict withheld (report.findings.too_few_to_judge), why
        return L("text.small_base_verdict" if measure in withheld else "text.small_base").format(n=ctx["small_base"])

    table(sec, L("caption.indicators"), pc, rate_rows,
          L("note.verdicts") + ctx["what_counts"] + (small_note("rate") if _any_small(rate_rows) else ""),
          key="indicators")
    high = [(ind["name"], st["share_na"]) for ind in res["indicators"]
            if (st := ind.get("rate") or ind.get("index")) and (st.get("share_na") or 0) > HIGH_NA]
    if high:  # the estimates stand, but for the few who rated: said, before anyone reads them as the city's view
        k.p(sec, L("text.high_na").format(lst=join_list((L("text.answer_share").format(text=n, share=ctx["pct"](x))
                                                          for n, x in high), lang)))
    if idx_rows:
        table(sec, L("caption.indexes"),
              [c if c[1] != "pct" or i in (6,) else (c[0], "num1") for i, c in enumerate(pc)], idx_rows,
              small_note("index") if _any_small(idx_rows) else "", key="indexes")
    fig(sec, ctx["charts"].get("rates"))
    arows = [[a["name"], (a.get("rate") or {}).get("estimate"), (a.get("rate") or {}).get("ci_low"),
              (a.get("rate") or {}).get("ci_high"), (a.get("index") or {}).get("estimate"),
              (a.get("index") or {}).get("ci_low"), (a.get("index") or {}).get("ci_high"),
              (a.get("index") or a.get("rate") or {}).get("n")] for a in res["areas"]]
    if arows:
        table(sec, L("caption.areas"),
              [(L("word.area"), "text"), (L("word.share_satisfied"), "pct"), (L("word.ci_low"), "pct"),
               (L("word.ci_high"), "pct"), (L("word.index"), "num1"), (L("word.ci_low"), "num1"),
               (L("word.ci_high"), "num1"), (L("word.valid_n"), "int")], arows, key="areas")
    fig(sec, ctx["charts"].get("areas"))
    k.h(sec, L("heading.lowest"))
    table(sec, L("caption.lowest").format(n=len(ctx['lowest_items'])),
          [(L("word.question_item"), "text"), (L("word.area"), "text"), (L("word.share_satisfied"), "pct"),
           (L("word.ci_low"), "pct"), (L("word.ci_high"), "pct"), (L("word.index"), "num1"),
           (L("word.valid_n"), "int")],
          [[_item(it, ctx["small_base"]), ctx["area_names"].get(it.get("area"), ""), it["rate"]["estimate"],
            it["rate"]["ci_low"], it["rate"]["ci_high"], (it.get("index") or {}).get("estimate"), it["rate"]["n"]]
           for it in ctx["lowest_items"]],
          L("text.small_base").format(n=ctx["small_base"])
          if any(_small(it, ctx["small_base"]) for it in ctx["lowest_items"]) else "",
          key="lowest")
    for c in ctx["likert_charts"]:
        fig(sec, c)
    dec = res.get("decisions")
    if dec:
        k.h(sec, L("heading.decisions"), "decisions")
        for t in ctx["decision_tables"]:
            table(sec, t)
        k.lines(sec, ctx["recommend_lines"])
    return sec

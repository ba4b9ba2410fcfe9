"""Chapter 8 重点与对策建议: IPA, priorities, drivers, recommendations, the ledger, the analyst box."""

from __future__ import annotations

from ..labels import join_list, label
from ..recommendations import rec_heading, rec_lines
from ..table_cells import Num
from ..trend_chapter import ledger_blocks
from ..records import Section
from .kit import Kit


def build(k: Kit) -> Section:
    """Chapter 8 as typed records."""
    sec = k.section(7)
    ctx, lang, L, table, fig = k.ctx, k.lang, k.L, k.table, k.fig
    fig(sec, ctx["charts"].get("ipa"))
    if ctx["ipa_focus"]:
        sec.blocks.append(("p", L("text.ipa_focus") + join_list(ctx["ipa_focus"], lang)))
    if ctx["priorities"]:
        k.p(sec, L("text.priorities_intro"))
        table(sec, L("caption.priorities"),
              [(L("word.no"), "int"), (L("word.indicator"), "text"), (L("word.estimate"), "pct"),
               (L("word.target"), "pct"), (L("word.verdict"), "text")],
              [[i + 1, p["name"], Num(p["estimate"], "pct" if p["measure"] == "rate" else "num1"),
                Num(p["target_value"], "pct" if p["measure"] == "rate" else "num1"), k.verdict_cell(p["verdict"])]
               for i, p in enumerate(ctx["priorities"])], key="priorities")
    if ctx.get("drivers_table"):
        table(sec, ctx["drivers_table"], key="drivers", anchor="drivers")
    recs = ctx.get("recommendations") or []
    if recs:
        k.h(sec, L("heading.recommendations"), "recommendations")
    for i, r in enumerate(recs):
        sec.blocks.append(("h4", rec_heading(i, r, lang)))
        for line in rec_lines(r, lang):
            sec.blocks.append(("p", line))
    ledger_blocks(sec, ctx.get("tracking"), table, lang)
    if ctx.get("draft"):  # a draft for the analysts: the blank box for their own assessment (never delivered)
        k.h(sec, L("heading.analyst"))
        sec.blocks.append(("placeholder", label("text.analyst_placeholder", lang)))
    return sec

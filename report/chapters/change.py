"""Chapter 7 变化: change since the comparison wave and the trend over all waves."""

from __future__ import annotations

from ..table_cells import Num, Tag

ARROW_TONES = {"↑": "ok", "↓": "bad"}  # a significant rise reads as good news, a fall as bad
from ..trend_chapter import trend_blocks
from ..records import Section
from .kit import Kit


def build(k: Kit) -> Section:
    """Chapter 7 as typed records."""
    sec = k.section(6)
    ctx, L, table, fig = k.ctx, k.L, k.table, k.fig
    if ctx["changes"]:
        rows = []
        for c in ctx["changes"]:
            f = "pct" if c["measure"] == "rate" else "num1"
            scale = 100 if c["measure"] == "rate" else 1  # rates change in percentage points

            def chg(v):
                return Num(None if v is None else scale * v, "chg1")
            rows.append([c["name"] + ("" if c["measure"] == "rate" else L("word.index_suffix")) + (" △" if c.get("withheld") else ""),
                         Num(c["current"], f), Num(c["previous"], f), chg(c["diff"]), chg(c["ci_low"]),
                         chg(c["ci_high"]), c.get("p"), _test_cell(c, k.lang)])
        table(sec, L("caption.change").format(wave=ctx['compare_wave']),
              [(L("word.indicator"), "text"), (L("word.this_wave"), "pct"), (L("word.previous"), "pct"),
               (L("word.change"), "chg1"), (L("word.ci_low"), "chg1"), (L("word.ci_high"), "chg1"),
               ("p", "pval"), (L("word.change_test"), "text")], rows,
              L("note.change") + (L("text.small_base_judged").format(n=ctx["small_base"])
                                  if any(c.get("withheld") for c in ctx["changes"]) else ""),
              key="changes")
        fig(sec, ctx["charts"].get("trend"))
    elif not (ctx.get("tracking") and ctx["tracking"].has_trend):
        sec.blocks.append(("p", L("text.no_compare")))
    trend_blocks(sec, ctx.get("tracking"), table, k.lang)
    return sec


def _test_cell(c: dict, lang: str) -> Tag:
    """The change's test: ↑ ↓ → , or on a small base 不作判定 (:func:`report.summary.judged_changes`; the row is marked △
    and the note says why)."""
    if c.get("withheld"):
        from ..labels import label

        return Tag(label("verdict.withheld_cell", lang), "ns")
    return Tag(c["arrow"], ARROW_TONES.get(c["arrow"], ""))

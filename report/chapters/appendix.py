"""Chapter 9 附录: all items, reliability, uncoded answers, every question's table, method notes."""

from __future__ import annotations

from ..records import Section
from .kit import Kit


def build(k: Kit) -> Section:
    """Chapter 9 as typed records."""
    sec = k.section(8)
    ctx, res, L, table = k.ctx, k.res, k.L, k.table
    k.h(sec, L("heading.all_items"))
    table(sec, L("caption.all_items"),
          [(L("word.question_item"), "text"), (L("word.indicator"), "text"), (L("word.estimate_rate"), "pct"),
           (L("word.se"), "pct"), (L("word.ci_low"), "pct"), (L("word.ci_high"), "pct"),
           (L("word.valid_n"), "int"), (L("word.deff"), "num2"), (L("word.index"), "num1"),
           (L("word.index_low"), "num1"), (L("word.index_high"), "num1")],
          [[it["label"], ctx["ind_names"].get(it.get("indicator"), it.get("indicator")), it["rate"].get("estimate"),
            it["rate"].get("se"), it["rate"].get("ci_low"), it["rate"].get("ci_high"), it["rate"].get("n"),
            it["rate"].get("deff"), (it.get("index") or {}).get("estimate"), (it.get("index") or {}).get("ci_low"),
            (it.get("index") or {}).get("ci_high")] for it in res["items"]], key="all_items")
    if ctx.get("alpha_table"):
        table(sec, ctx["alpha_table"], key="alpha", anchor="reliability")
    if ctx["uncoded_answers"]:
        table(sec, L("heading.uncoded"), [(L("word.answer"), "text"), (L("word.answers"), "int")],
              [[a["text"], a["count"]] for a in ctx["uncoded_answers"]], key="uncoded", anchor="uncoded")
    if ctx["question_appendix"]:
        k.h(sec, L("heading.questions"), "questions")
        for t in ctx["question_appendix"]:
            table(sec, t)
    k.h(sec, L("heading.method"), "method")
    k.lines(sec, ctx["method_notes"], "notes")
    return sec

"""Chapter 1 调查概况: the introduction, the survey at a glance and the data-quality table."""

from __future__ import annotations

from ..records import Section
from .kit import Kit


def build(k: Kit) -> Section:
    """Chapter 1 as typed records."""
    sec = k.section(0)
    ctx, s, L, table = k.ctx, k.s, k.L, k.table
    sec.blocks.append(("p", ctx["intro"]))
    na = L("text.na_exclude") if ctx["meta"].get("na_policy") == "exclude" else L("text.na_keep")
    table(sec, L("caption.at_a_glance"), [(L("word.item"), "text"),
                                                              (L("word.value"), "text")],
          [[k, v] for k, v in ctx["overview"]] + [[L("word.na_policy"), na]], key="overview")
    q = ctx.get("quality") or {}
    if q:
        f = ctx["fmt_n"]
        k.h(sec, L("heading.quality"))
        k.p(sec, L("text.quality").format(
            read=f(q.get("rows_read")), accepted=f(q.get("accepted")), quarantined=f(q.get("quarantined")),
            n=f(s["n"]), excluded=L("text.quality_excluded").format(n=f(q["excluded"])) if q.get("excluded") else ""))
        rows = ([[L("word.quarantined") + k, v] for k, v in (q.get("quarantine_reasons") or {}).items()]
                + [[L("word.excluded") + k, v] for k, v in (q.get("exclusions") or {}).items()]
                + [[L("word.analysed"), s["n"]]])
        table(sec, L("caption.quality"),
              [(L("word.reason"), "text"), (L("word.responses"), "int")], rows, key="quality")
    return sec

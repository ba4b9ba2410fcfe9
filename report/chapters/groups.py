"""Chapter 6 群体与区县比较: the district league table, indicators by group, the 区县问题清单."""

from __future__ import annotations

from ..district_problems import HOT_COLUMN, district_note
from ..group_compare import significance_lines, table_note
from ..labels import label
from ..records import Section
from ..table_cells import Num
from .kit import Kit


def group_num(c: dict, lang: str = "zh") -> Num:
    """A group comparison cell as a flagged share (suppressed, small base △, significant *; not asked as words)."""
    if c.get("not_asked"):
        return Num(label("word.not_asked", lang), "text", ("not_asked",))
    return Num(c.get("estimate"), "pct", tuple(f for f in ("suppressed", "small_base", "sig") if c.get(f)))


def _district(r: dict) -> Num:
    """A league row's district name, marked △ when its base is small (and it is still reported)."""
    return Num(r["group"], "text", ("small_base",) if r.get("small_base") and not r.get("suppressed") else ())


def build(k: Kit) -> Section:
    """Chapter 6 as typed records."""
    sec = k.section(5)
    ctx, lang, L, table, fig = k.ctx, k.lang, k.L, k.table, k.fig
    lg = ctx.get("league")
    if lg:
        table(sec, L("caption.league"),
              [(L("word.place"), "int"), (L("comp.district"), "text"), (L("word.composite_index"), "num1"),
               (L("word.ci_low"), "num1"), (L("word.ci_high"), "num1"), (L("word.sample_n"), "int"),
               (L("word.rank_range"), "text"), (L("word.note"), "text")],
              [[r.get("rank"), _district(r), r.get("estimate"), r.get("ci_low"), r.get("ci_high"), r.get("n"),
                (f"{r['rank_best']}–{r['rank_worst']}" if r.get("tied") else str(r["rank_best"])) if r.get("rank_best") else "—",
                ctx["reliability"](r)] for r in lg["rows"]],
              L("note.league").format(small=ctx['small_base'], min=ctx['min_cell']),
              key="league")
        fig(sec, ctx["charts"].get("league"))
    for g, tab in ctx["group_tables"].items():
        cols = [(L("word.indicator"), "text"), (L("word.total"), "pct")] + [(x, "pct") for x in tab["groups"]]
        rows = [[r["name"], r["overall"]] + [group_num(c, lang) for c in r["cells"]] for r in tab["rows"]]
        gw = k.in_text(ctx["comp_names"].get(g, g))
        k.h(sec, L("heading.by_group").format(group=gw))
        table(sec, L("caption.league_group").format(group=gw),
              cols, rows, table_note(gw, ctx["small_base"], ctx["min_cell"], lang, tab["not_asked"], tab.get("empty", ())),
              key=f"group:{g}")
        k.lines(sec, significance_lines(tab, gw, lang, ctx["small_base"]))
    if ctx.get("district_table") and ctx["district_table"][1]:
        table(sec, label("heading.district_problems", lang), *ctx["district_table"], district_note(lang), key="district",
              anchor="district-problems", fill_down={HOT_COLUMN: 0})
    return sec

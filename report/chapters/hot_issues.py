"""Chapter 5 热点问题: hot issues ranked, by site, the ranking question, open answers and their themes."""

from __future__ import annotations

from typing import Optional

from survey.labels import label

from ..findings import fmt_pct
from ..labels import join_list
from ..records import Section
from .kit import Kit


LEAD_THEMES = 3  # themes named in the open answers' first paragraph


def themes_lead(ot: Optional[dict], lang: str) -> str:
    """The headline of the open answers: the coded themes most often raised, with their share of those
    answering ("按主题归类，占作答者比例最高的是“环境卫生与市容”（22.2%）…"); "" without themes.  Rule (issue 10,
    "Open answers"): the coded themes replace the word-frequency headline ("'机构'出现最多": jieba cuts
    养老机构 and 托育机构, so a fragment led the section); the word table and chart stay as detail."""
    themes = sorted((t for t in (ot or {}).get("themes") or [] if t.get("share") is not None),
                    key=lambda t: -t["share"])[:LEAD_THEMES]
    if not themes:
        return ""
    named = [label("text.open_theme", lang).format(name=t["name"], share=fmt_pct(t["share"])) for t in themes]
    return label("text.open_themes_lead", lang).format(themes=join_list(named, lang))


def _site_rows(site: str, recs: list, suppressed: str) -> list:
    """A site's rows of the by-site top-issue table.  A site whose shares are all suppressed (n < min_cell)
    gets one row saying so: listing its issues in order would report the ranking the suppression hides
    (issue 5: groups under the minimum cell size are suppressed)."""
    if recs and all(r["respondents"].get("suppressed") for r in recs):
        return [[site, None, suppressed, None, None, None, recs[0]["respondents"].get("n")]]
    return [[site, i + 1, r["label"], r["respondents"].get("estimate"), r["respondents"].get("ci_low"),
             r["respondents"].get("ci_high"), r["respondents"].get("n")] for i, r in enumerate(recs)]


def build(k: Kit) -> Section:
    """Chapter 5 as typed records."""
    sec = k.section(4)
    ctx, res, L, table, fig = k.ctx, k.res, k.L, k.table, k.fig
    hot = ctx.get("hot")
    if hot:
        k.p(sec, L("text.hot_intro").format(q=hot.get("text"), m=ctx["num"](hot.get("mean_mentions")),
                                             n=ctx["fmt_n"](hot.get("n"))))
        table(sec, L("caption.hot"),
              [(L("word.rank"), "int"), (L("word.issue"), "text"), (L("word.pct_respondents"), "pct"),
               (L("word.ci_low"), "pct"), (L("word.ci_high"), "pct"), (L("word.pct_mentions"), "pct"),
               (L("word.ci_low"), "pct"), (L("word.ci_high"), "pct"),
               (L("word.tied_neighbour"), "text")],
              [[r["rank"], r["label"], r["respondents"]["estimate"], r["respondents"]["ci_low"], r["respondents"]["ci_high"],
                r["mentions"]["estimate"], r["mentions"]["ci_low"], r["mentions"]["ci_high"],
                ("≈" if r.get("tie") else "")] for r in hot.get("items") or hot["top"]],
              L("note.hot_count").format(n=len(hot.get("items") or hot["top"]), k=len(hot["top"])) + L("note.tie"),
              key="hot")
        fig(sec, ctx["charts"].get("hot"))
        sec.blocks.append(("p", ctx["hot_ci_note"]))
        if ctx["hot_lines"]:
            k.h(sec, ctx["hot_groups_title"])
            k.lines(sec, ctx["hot_lines"])
        if hot.get("by_site"):
            k.h(sec, L("heading.hot_sites"))
            rows = []
            for site, recs in hot["by_site"].items():
                rows += _site_rows(site, recs[:5], L("text.suppressed"))
            table(sec, L("caption.hot_sites"),
                  [(L("comp.site"), "text"), (L("word.position"), "int"), (L("word.issue"), "text"),
                   (L("word.pct_chosen"), "pct"), (L("word.ci_low"), "pct"),
                   (L("word.ci_high"), "pct"), (L("word.valid_n"), "int")], rows, key="hot_sites")
            fig(sec, ctx["charts"].get("hot_sites"))
    rk = ctx.get("ranking")
    if rk:
        k.h(sec, L("heading.ranking"))
        table(sec, L("caption.ranking"),
              [(L("word.issue"), "text"), (L("word.ranked_first"), "pct"),
               (L("word.ci_low"), "pct"), (L("word.ci_high"), "pct"), (L("word.borda"), "num2")],
              [[r["label"], r["first_choice"]["estimate"], r["first_choice"]["ci_low"], r["first_choice"]["ci_high"],
                r["borda"]["estimate"]] for r in rk["items"]], L("note.borda").format(k=rk.get("k")), key="ranking")
    ot = ctx.get("open_text")
    if ot:
        k.h(sec, L("heading.open").format(q=ot.get("text")))
        k.p(sec, L("text.open_intro").format(n=ctx["fmt_n"](ot.get("n_answers")))
            + (L("text.open_non_answers").format(n=ctx["fmt_n"](ot["n_non_answers"])) if ot.get("n_non_answers") else "")
            + themes_lead(res.get("open_themes"), k.lang))
        if ot.get("examples"):
            k.p(sec, L("text.typical_answers"))
            k.lines(sec, [L("text.answer_count").format(text=e['text'], count=e['count']) for e in ot["examples"]],
                    "quotes")
        table(sec, L("caption.words"),
              [(L("word.word"), "text"), (L("word.count"), "int")],
              [[w["word"], w["count"]] for w in ot.get("top_words") or []], key="words")
        fig(sec, ctx["charts"].get("words"))
    ot = res.get("open_themes")
    if ot and ot.get("themes"):
        table(sec, ctx["theme_table"], key="themes", anchor="themes")
    return sec

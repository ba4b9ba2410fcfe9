"""Chapter 2 样本构成: the sample by each variable (with population shares when known), representativeness, the chart."""

from __future__ import annotations

from ..records import Section
from .kit import Kit


def build(kit: Kit) -> Section:
    """Chapter 2 as typed records."""
    sec = kit.section(1)
    ctx, s, L, table, fig = kit.ctx, kit.s, kit.L, kit.table, kit.fig
    comp_keys = list(s["composition"])
    for k, c in s["composition"].items():
        has_pop = any(r.get("population_share") is not None for r in c["rows"])
        cols = [(L("word.category"), "text"), (L("word.sample_n"), "int"),
                (L("word.sample_share"), "pct")] + ([(L("word.population_share"), "pct")]
                                                                 if has_pop else [])
        rows = [[r["label"], r["n"], r["share"]] + ([r.get("population_share")] if has_pop else []) for r in c["rows"]]
        any_pop = any(r.get("population_share") is not None for c_ in s["composition"].values() for r in c_["rows"])
        # the shares are weighted only when the design's weights are not all equal (pipeline: sample.weighted)
        note = (L("note.sample_weighted" if any_pop else "note.sample_weighted_only") if s.get("weighted") else
                L("note.sample_unweighted") if any_pop else "")
        table(sec, L("caption.sample_by").format(var=kit.in_text(ctx['comp_names'].get(k, k))),
              cols, rows, note if k == comp_keys[-1] else "", key=f"sample:{k}")
    kit.lines(sec, ctx["representativeness"])
    fig(sec, ctx["charts"].get("sample"))
    return sec

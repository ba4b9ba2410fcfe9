"""The tables and sentences of the 宣传与动员效果 subsection (data: ``decisions`` of the analysis
result, :mod:`report.decisions`): channels by site, reasons for not taking part, willingness to
recommend.  Each table is ``(caption, columns, rows, note)`` as the report's other tables."""

from __future__ import annotations

from functools import partial

from .labels import label
from .table_cells import Num, signed

from analysis.thresholds import ALPHA  # noqa: E402 (defined once)


def channel_table(ch: dict, lang: str = "zh") -> tuple:
    L = partial(label, lang=lang)
    sites = list((ch.get("by") or {}).get("site", {}))
    tests = (ch.get("tests") or {}).get("site", {})
    cols = [(L("word.channel"), "text"), (L("word.total"), "pct"), (L("word.ci_low"), "pct"),
            (L("word.ci_high"), "pct")] + [(s, "pct") for s in sites]
    rows = []
    for it in ch["items"]:
        t = tests.get(str(it["code"]))
        sig = bool(t and t.get("p") is not None and t["p"] < ALPHA)
        r = [it["label"] + ("*" if sig else ""), it["respondents"]["estimate"], it["respondents"]["ci_low"],
             it["respondents"]["ci_high"]]
        for s in sites:
            rec = next(x for x in ch["by"]["site"][s]["items"] if x["code"] == it["code"])
            r.append(Num(rec["respondents"]["estimate"], "pct"))
        rows.append(r)
    note = L("note.channels").format(base=f"n={ch['n']:,}", alpha=ALPHA)
    return L("caption.channels").format(q=ch["text"]), cols, rows, note


def reason_table(rs: dict, lang: str = "zh") -> tuple:
    L = partial(label, lang=lang)
    cols = [(L("word.reason"), "text"), (L("word.share"), "pct"), (L("word.ci_low"), "pct"), (L("word.ci_high"), "pct")]
    rows = [[it["label"], it["respondents"]["estimate"], it["respondents"]["ci_low"], it["respondents"]["ci_high"]]
            for it in rs["items"]]
    return L("caption.reasons").format(q=rs["text"]), cols, rows, L("note.reasons").format(n=f"{rs['n']:,}")


def recommend_lines(rec: dict, lang: str = "zh", confidence: float = 0.95) -> list:
    """The 推荐 sentence.  A share reads as every finding's does: 30.8%（95%置信区间：29.4%–32.3%，n=3,914）, not
    30.8%（29.4%–32.3%）（n=3,914）, an unnamed interval and a second bracket."""
    from .findings import ci_text, fmt_pct

    L = partial(label, lang=lang)
    if rec["kind"] == "share":
        s = rec["share"]
        return [L("text.recommend_share").format(share=fmt_pct(s.get("estimate")), option=rec["label"], q=rec["text"],
                                                 ci=ci_text(s, True, confidence, lang))]
    n = rec["net"]
    net = signed(100 * n['estimate'])
    ci = L("word.change_range").format(lo=signed(100 * n['ci_low']), hi=signed(100 * n['ci_high']))
    pro, det = rec["promoters"]["estimate"], rec["detractors"]["estimate"]
    definition = L("text.nps_0_10") if rec["scale"] == "0-10" else L("text.nps_5")
    return [L("text.nps").format(q=rec["text"], net=net, ci=ci, pro=f"{100 * pro:.1f}%", det=f"{100 * det:.1f}%",
                                 definition=definition, n=f"{n['n']:,}")]


def decision_tables(dec: dict, lang: str = "zh") -> list:
    """The subsection's tables: channels by site, then one per reason question."""
    if not dec:
        return []
    out = [channel_table(dec["channels"], lang)] if dec.get("channels") else []
    return out + [reason_table(r, lang) for r in dec.get("reasons") or []]

"""The tables and sentences of the 宣传与动员效果 subsection (data: ``decisions`` of the analysis
result, :mod:`report.decisions`): channels by site, reasons for not taking part, willingness to
recommend.  Each table is ``(caption, columns, rows, note)`` as the report's other tables."""

from __future__ import annotations

from .table_cells import Num

from analysis.thresholds import ALPHA  # noqa: E402 (defined once)


def _pct_ci(s: dict, lang: str) -> str:
    if s.get("estimate") is None:
        return "—"
    lo, hi = s.get("ci_low"), s.get("ci_high")
    ci = f"{100 * lo:.1f}%–{100 * hi:.1f}%" if lo is not None and hi is not None else "—"
    return f"{100 * s['estimate']:.1f}% ({ci})" if lang == "en" else f"{100 * s['estimate']:.1f}%（{ci}）"


def channel_table(ch: dict, lang: str = "zh") -> tuple:
    en = lang == "en"
    sites = list((ch.get("by") or {}).get("site", {}))
    tests = (ch.get("tests") or {}).get("site", {})
    cols = [("Channel" if en else "渠道", "text"), ("All" if en else "总体", "pct"), ("low" if en else "下限", "pct"),
            ("high" if en else "上限", "pct")] + [(s, "pct") for s in sites]
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
    base = f"n={ch['n']:,}"
    note = (f"Share of respondents reached by each channel (base: those asked, {base}); * the sites differ "
            "significantly (design-based chi-squared test, p < 0.05)." if en else
            f"比例为选择该渠道的受访者占回答者的比例（{base}）；* 各调查点之间差异显著（按抽样设计的卡方检验，p<0.05）。")
    cap = f"Information channels: {ch['text']}" if en else f"宣传渠道触达率：{ch['text']}"
    return cap, cols, rows, note


def reason_table(rs: dict, lang: str = "zh") -> tuple:
    en = lang == "en"
    cols = [("Reason" if en else "原因", "text"), ("Share" if en else "比例", "pct"), ("low" if en else "下限", "pct"),
            ("high" if en else "上限", "pct")]
    rows = [[it["label"], it["respondents"]["estimate"], it["respondents"]["ci_low"], it["respondents"]["ci_high"]]
            for it in rs["items"]]
    note = (f"Share of those asked (n={rs['n']:,}) giving each reason." if en else
            f"比例为回答此题者（n={rs['n']:,}）中选择该原因的比例。")
    return (f"Reasons: {rs['text']}" if en else f"原因分析：{rs['text']}"), cols, rows, note


def recommend_lines(rec: dict, lang: str = "zh") -> list:
    en = lang == "en"
    if rec["kind"] == "share":
        return [f"{_pct_ci(rec['share'], lang)} answered “{rec['label']}” to “{rec['text']}” (n={rec['share']['n']:,})."
                if en else f"对“{rec['text']}”，回答“{rec['label']}”的占{_pct_ci(rec['share'], lang)}（n={rec['share']['n']:,}）。"]
    n = rec["net"]
    net = f"{100 * n['estimate']:+.1f}"
    ci = f"{100 * n['ci_low']:+.1f} to {100 * n['ci_high']:+.1f}" if en else f"{100 * n['ci_low']:+.1f}至{100 * n['ci_high']:+.1f}"
    pro, det = rec["promoters"]["estimate"], rec["detractors"]["estimate"]
    definition = ("promoters 9–10, detractors 0–6" if rec["scale"] == "0-10" else
                  "promoters: the top option, detractors: the bottom three") if en else \
        ("推荐者为9–10分，贬损者为0–6分" if rec["scale"] == "0-10" else "推荐者为最高一档，贬损者为最低三档")
    if en:
        return [f"Net recommend score for “{rec['text']}”: {net} (95% CI {ci}; promoters {100 * pro:.1f}% minus "
                f"detractors {100 * det:.1f}%; {definition}; n={n['n']:,})."]
    return [f"“{rec['text']}”的净推荐值为{net}（置信区间{ci}；推荐者{100 * pro:.1f}%减贬损者{100 * det:.1f}%，"
            f"{definition}；n={n['n']:,}）。"]


def decision_tables(dec: dict, lang: str = "zh") -> list:
    """The subsection's tables: channels by site, then one per reason question."""
    if not dec:
        return []
    out = [channel_table(dec["channels"], lang)] if dec.get("channels") else []
    return out + [reason_table(r, lang) for r in dec.get("reasons") or []]

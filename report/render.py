"""Render analysis results as a Chinese report: self-contained HTML, DOCX, PDF and an XLSX appendix.

The template receives the context built by :func:`build_context` (documented in
``docs/report-data.md``).  Respondent text is data: jinja2 autoescaping is on and no
respondent text is ever used as template source.
"""

from __future__ import annotations

import math
from importlib.resources import files
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from . import charts as C
from .findings import findings as make_findings
from .findings import fmt_n, fmt_num, fmt_pct

CI_NAMES = {"wald": "Wald 区间（R svyciprop method=\"mean\"）", "logit": "logit 变换区间（R svyciprop 默认方法）",
            "clopper-pearson": "Clopper–Pearson/Korn–Graubard 区间", "wilson": "Wilson 区间（有效样本量）",
            "jeffreys": "Jeffreys 区间（有效样本量）", "agresti-coull": "Agresti–Coull 区间（有效样本量）"}
COMP_NAMES = {"site": "调查点", "district": "区县", "gender": "性别", "age": "年龄", "education": "文化程度"}
FORMATS = ("html", "docx", "pdf", "xlsx")


class ReportError(RuntimeError):
    """A report could not be produced (e.g. a missing system library for PDF)."""


def _vclass(v: Optional[str]) -> str:
    return {"达标": "v-ok", "未达标": "v-bad", "无显著差异": "v-ns"}.get(v or "", "")


def _pp(x: float) -> str:
    return f"{100 * x:+.1f}个百分点"


def make_charts(result: dict, out_dir: Optional[Path], changes: Optional[list] = None,
                trend: Optional[list] = None) -> dict:
    """All report charts (PNG+SVG into ``out_dir``), keyed by name."""
    ch: dict = {}
    comp = result["sample"]["composition"]
    if "site" in comp:
        rows = comp["site"]["rows"]
        ch["sample_site"] = C.bar_counts("sample_site", "样本的调查点分布", [r["label"] for r in rows],
                                         [r["n"] for r in rows], out_dir=out_dir, xlabel="样本量")
    if "district" in comp:
        rows = comp["district"]["rows"]
        ch["sample_district"] = C.bar_counts("sample_district", "样本的区县分布", [r["label"] for r in rows],
                                             [r["n"] for r in rows], out_dir=out_dir, xlabel="样本量")
    three = [i for i in result["indicators"] if i.get("rate")]
    if three:
        below = [i["name"] for i in three if i["rate"].get("verdict") == "未达标"]
        title = (f"{len(below)}项指标未达目标，{below[0]}等需重点关注" if below else "主要指标均达到或接近目标")
        ch["rates"] = C.bar_ci("rates", title, [i["name"] for i in three], [i["rate"]["estimate"] for i in three],
                               [i["rate"]["ci_low"] for i in three], [i["rate"]["ci_high"] for i in three],
                               out_dir=out_dir, highlight_low=len(below))
    areas = [a for a in result["areas"] if a.get("index")]
    if areas:
        lo = min(areas, key=lambda a: a["index"]["estimate"])
        ch["areas"] = C.bar_ci("areas", f"{lo['name']}满意度指数最低（{lo['index']['estimate']:.1f}分）",
                               [a["name"] for a in areas], [a["index"]["estimate"] for a in areas],
                               [a["index"]["ci_low"] for a in areas], [a["index"]["ci_high"] for a in areas],
                               percent=False, out_dir=out_dir, highlight_low=1)
    hot = result.get("hot_issues")
    if hot and hot.get("top"):
        top = hot["top"]
        t0 = top[0]
        ch["hot"] = C.bar_ci("hot", f"“{t0['label']}”位居热点问题首位（{fmt_pct(t0['respondents']['estimate'])}）",
                             [r["label"] for r in top], [r["respondents"]["estimate"] for r in top],
                             [r["respondents"]["ci_low"] for r in top], [r["respondents"]["ci_high"] for r in top],
                             out_dir=out_dir)
    ot = result.get("open_text")
    if ot and ot.get("top_words"):
        words = ot["top_words"][:15]
        ch["words"] = C.bar_counts("words", f"开放题意见中“{words[0]['word']}”出现最多", [w["word"] for w in words],
                                   [w["count"] for w in words], out_dir=out_dir)
    lg = result.get("league")
    if lg and lg.get("rows"):
        rows = [r for r in lg["rows"] if not r.get("suppressed")]
        if rows:
            ch["league"] = C.bar_ci("league", f"{rows[0]['group']}综合满意度指数最高（{rows[0]['estimate']:.1f}分）",
                                    [r["group"] + (" △" if r.get("small_base") else "") for r in rows],
                                    [r["estimate"] for r in rows], [r["ci_low"] for r in rows],
                                    [r["ci_high"] for r in rows], percent=False, out_dir=out_dir)
    ipa = result.get("ipa") or []
    if ipa:
        focus = [o["label"] for o in ipa if o.get("quadrant") == "重点改进区"]
        ch["ipa"] = C.quadrant("ipa", f"重要性—满意度分析：{len(focus)}个题项处于重点改进区",
                               [o["label"] for o in ipa], [o["importance"] for o in ipa],
                               [o["performance"] for o in ipa], out_dir=out_dir)
    if trend and len(trend) >= 2:
        waves = [t["meta"]["wave"] or f"第{i + 1}期" for i, t in enumerate(trend)]
        series = {}
        for ind in result["indicators"]:
            if ind["kind"] in ("awareness", "support", "participation"):
                vals = []
                for t in trend:
                    m = next((i for i in t["indicators"] if i["id"] == ind["id"]), None)
                    vals.append(m["rate"] if m and m.get("rate") else None)
                if all(vals):
                    series[ind["name"]] = ([v["estimate"] for v in vals], [v["ci_low"] for v in vals],
                                           [v["ci_high"] for v in vals])
        if series:
            ch["trend"] = C.trend("trend", "各期次“三率”变化趋势", waves, dict(list(series.items())[:5]), out_dir=out_dir)
    return ch


def likert_charts(result: dict, q_areas: dict, out_dir: Optional[Path]) -> list:
    out = []
    by_area: dict = {}
    for it in result["items"]:
        if it["kind"] == "satisfaction" and it.get("distribution") and it.get("area"):
            by_area.setdefault(it["area"], []).append(it)
    for aid, its in by_area.items():
        shares = np.array([[d["share"] or 0 for d in it["distribution"]] for it in its])
        cats = [d["label"] for d in its[0]["distribution"]]
        worst = min(its, key=lambda i: i["rate"]["estimate"])
        out.append(C.likert_diverging(f"likert_{aid}", f"{q_areas.get(aid, aid)}：“{worst['label']}”满意率最低"
                                      f"（{fmt_pct(worst['rate']['estimate'])}）",
                                      [i["label"] for i in its], shares, cats, out_dir=out_dir))
    return out


def _group_tables(result: dict) -> dict:
    out = {}
    for g in result["meta"].get("by", []):
        groups = None
        rows = []
        for ind in result["indicators"]:
            m = "rate"
            by = (ind.get(f"{m}_by") or {}).get(g)
            if not by:
                continue
            groups = [r["group"] for r in by]
            ov = ind[m]
            cells = []
            for r in by:
                sig = r["ci_low"] is not None and (r["ci_low"] > ov["ci_high"] or r["ci_high"] < ov["ci_low"])
                cells.append({"text": fmt_pct(r["estimate"]), "small_base": r["small_base"],
                              "suppressed": r["suppressed"], "sig": sig})
            rows.append({"name": ind["name"], "cells": cells})
        if groups:
            out[g] = {"groups": groups, "rows": rows}
    return out


def _priorities(result: dict) -> list:
    out = []
    for ind in result["indicators"]:
        for m in ("rate", "index"):
            s = ind.get(m)
            if not s or s.get("verdict") not in ("未达标", "无显著差异") or s.get("target") is None:
                continue
            gap = (s["target"] - s["estimate"]) / (s["target"] or 1)
            out.append({"name": ind["name"] + ("（满意度指数）" if m == "index" else ""),
                        "value": fmt_pct(s["estimate"]) if m == "rate" else fmt_num(s["estimate"]),
                        "target": fmt_pct(s["target"]) if m == "rate" else fmt_num(s["target"]),
                        "verdict": s["verdict"], "gap": gap, "recommendation": ind.get("recommendation")})
    out.sort(key=lambda p: (p["verdict"] != "未达标", -p["gap"]))
    return out


def build_context(result: dict, *, out_dir: Optional[Path] = None, changes: Optional[list] = None,
                  trend: Optional[list] = None, compare_wave: Optional[str] = None, org: str = "市文明办",
                  small_base: int = 30, min_cell: int = 10) -> dict:
    """The variables a report template receives (see docs/report-data.md)."""
    chart_dir = out_dir / "charts" if out_dir else None
    q_areas = {a["id"]: a["name"] for a in result["areas"]}
    charts = make_charts(result, chart_dir, changes, trend)
    lik = likert_charts(result, q_areas, chart_dir)
    sat_items = [i for i in result["items"] if i["kind"] == "satisfaction" and i.get("rate")]
    lowest = sorted(sat_items, key=lambda i: i["rate"]["estimate"])[:10]
    counters = {"t": 0, "f": 0}

    def tno():
        counters["t"] += 1
        return counters["t"]

    def fno():
        counters["f"] += 1
        return counters["f"]

    meta = result["meta"]
    return {
        "title": meta["questionnaire"]["title"].replace("问卷", "") + "分析报告",
        "subtitle": f"{meta.get('wave') or ''} · 生成于 {meta['generated_at']}",
        "org": org, "meta": meta, "sample": result["sample"], "quality": result["sample"].get("quality") or None,
        "indicators": result["indicators"], "items": result["items"], "areas": result["areas"],
        "composite": result.get("composite"), "hot": result.get("hot_issues"), "ranking": result.get("ranking"),
        "open_text": result.get("open_text"), "league": result.get("league"), "changes": changes or [],
        "compare_wave": compare_wave, "findings": make_findings(result, changes), "charts": charts,
        "likert_charts": lik, "lowest_items": lowest, "group_tables": _group_tables(result),
        "priorities": _priorities(result),
        "ipa_focus": [o["label"] for o in result.get("ipa") or [] if o.get("quadrant") == "重点改进区"],
        "area_names": q_areas, "ind_names": {i["id"]: i["name"] for i in result["indicators"]},
        "comp_names": COMP_NAMES, "ci_names": CI_NAMES, "small_base": small_base, "min_cell": min_cell,
        "pct": fmt_pct, "pct0": lambda x: f"{100 * x:.0f}%", "num": fmt_num, "fmt_n": fmt_n, "pp": _pp,
        "vclass": _vclass, "tno": tno, "fno": fno,
    }


def _env(template_dir: Optional[Path]):
    import jinja2

    if template_dir is not None:
        loader = jinja2.FileSystemLoader(str(template_dir))
    else:
        loader = jinja2.FileSystemLoader(str(files("report_templates")))
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.ChainableUndefined)


def render_html(context: dict, *, lang: str = "zh", template_dir: Optional[Path] = None) -> str:
    """Render the HTML report and embed the font subset for exactly the characters it uses."""
    from .fonts import font_face_css

    tmpl = _env(template_dir).get_template(f"report_{lang}.html.j2")
    html = tmpl.render(**context)
    css = font_face_css(html, kind="sans") + "\n" + font_face_css(html, kind="serif")
    return html.replace("/*FONTFACE*/", css, 1)


def write_pdf(html: str, path: Path) -> None:
    try:
        from weasyprint import HTML
    except (OSError, ImportError) as e:  # missing pango/cairo system libraries
        raise ReportError("PDF output needs the Pango library: install the Debian/Ubuntu packages "
                          f"libpango-1.0-0 libpangoft2-1.0-0 (apt-get install libpango-1.0-0 libpangoft2-1.0-0) ({e})")
    HTML(string=html).write_pdf(str(path))


def write_xlsx(result: dict, context: dict, path: Path, changes: Optional[list] = None) -> None:
    """Every table of the report, one sheet per section."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)

    def sheet(name: str, header: Sequence[str], rows: list):
        ws = wb.create_sheet(name)
        ws.append(list(header))
        for c in ws[1]:
            c.font = Font(bold=True)
        for r in rows:
            ws.append([_cell(v) for v in r])
        ws.freeze_panes = "A2"

    s = result["sample"]
    q = s.get("quality") or {}
    sheet("1调查概况", ["项目", "值"], [["有效样本量", s["n"]], ["调查期", "至".join(s["fielding"] or [])],
                                     ["抽样设计", result["meta"]["design"]["description"]],
                                     ["置信区间方法", result["meta"]["ci_method"]],
                                     ["读入", q.get("rows_read")], ["通过校验", q.get("accepted")],
                                     ["隔离", q.get("quarantined")], ["剔除", q.get("excluded")]]
          + [[f"隔离：{k}", v] for k, v in (q.get("quarantine_reasons") or {}).items()]
          + [[f"剔除：{k}", v] for k, v in (q.get("exclusions") or {}).items()])
    sheet("2样本构成", ["维度", "类别", "样本量", "占比"],
          [[COMP_NAMES.get(k, k), r["label"], r["n"], r["share"]] for k, c in s["composition"].items() for r in c["rows"]])
    sheet("3主要发现", ["序号", "发现"], [[i + 1, f["text"]] for i, f in enumerate(context["findings"])])
    rows = []
    for ind in result["indicators"]:
        for m in ("rate", "index"):
            st = ind.get(m)
            if st:
                rows.append([ind["name"], "满意率/比率" if m == "rate" else "满意度指数", st["estimate"], st["se"],
                             st["ci_low"], st["ci_high"], st["n"], st.get("share_na"), st.get("target"),
                             st.get("verdict")])
    sheet("4三率与满意度", ["指标", "口径", "估计值", "标准误", "下限", "上限", "有效样本", "剔除比例", "目标", "判定"], rows)
    hot = result.get("hot_issues") or {}
    sheet("5热点问题", ["排名", "问题", "选择比例", "下限", "上限", "提及占比", "下限", "上限", "与相邻重叠"],
          [[r["rank"], r["label"], r["respondents"]["estimate"], r["respondents"]["ci_low"], r["respondents"]["ci_high"],
            r["mentions"]["estimate"], r["mentions"]["ci_low"], r["mentions"]["ci_high"], r["tie"]]
           for r in hot.get("items", [])])
    lg = result.get("league") or {}
    sheet("6区县比较", ["名次", "区县", "综合指数", "下限", "上限", "样本量", "最好名次", "最差名次", "小样本"],
          [[r["rank"], r["group"], r["estimate"], r["ci_low"], r["ci_high"], r["n"], r["rank_best"], r["rank_worst"],
            r["small_base"]] for r in lg.get("rows", [])])
    sheet("7变化", ["指标", "口径", "本期", "上期", "变化", "下限", "上限", "p值", "显著"],
          [[c["name"], c["measure"], c["current"], c["previous"], c["diff"], c["ci_low"], c["ci_high"], c["p"],
            c["significant"]] for c in (changes or [])])
    sheet("8重点与对策", ["序号", "指标", "估计值", "目标", "判定", "对策建议"],
          [[i + 1, p["name"], p["value"], p["target"], p["verdict"], p["recommendation"]]
           for i, p in enumerate(context["priorities"])])
    sheet("9附录", ["题项", "指标", "比率", "标准误", "下限", "上限", "指数", "有效样本", "设计效应"],
          [[it["label"], it["indicator"], it["rate"]["estimate"], it["rate"]["se"], it["rate"]["ci_low"],
            it["rate"]["ci_high"], (it.get("index") or {}).get("estimate"), it["rate"]["n"], it["rate"]["deff"]]
           for it in result["items"]])
    wb.save(str(path))


def _cell(v: Any) -> Any:
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def write_docx(result: dict, context: dict, path: Path) -> None:
    """A Word report with the official-document look (黑体 headings, 仿宋 body), 表/图 captions."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()

    def east_asian(style_or_run, font: str):
        el = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
        rpr = el.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), font)

    normal = doc.styles["Normal"]
    normal.font.name = "仿宋"
    normal.font.size = Pt(12)
    east_asian(normal, "仿宋")
    for lvl in (0, 1, 2):
        st = doc.styles["Title" if lvl == 0 else f"Heading {lvl}"]
        st.font.name = "黑体"
        east_asian(st, "黑体")
    tcount = {"t": 0, "f": 0}

    def caption(kind: str, text: str):
        tcount[kind] += 1
        p = doc.add_paragraph(f"{'表' if kind == 't' else '图'}{tcount[kind]} {text}")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.style = doc.styles["Caption"] if "Caption" in [s.name for s in doc.styles] else normal

    def table(header, rows, title):
        caption("t", title)
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for i, h in enumerate(header):
            t.rows[0].cells[i].text = str(h)
        for r in rows:
            cells = t.add_row().cells
            for i, v in enumerate(r):
                cells[i].text = "" if v is None else str(v)

    def figure(chart):
        if chart is None:
            return
        import io

        doc.add_picture(io.BytesIO(chart.png), width=Cm(15))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption("f", chart.title)

    ctx = context
    doc.add_heading(ctx["title"], 0)
    doc.add_paragraph(ctx["subtitle"]).alignment = WD_ALIGN_PARAGRAPH.CENTER
    s = result["sample"]
    doc.add_heading("一、调查概况", 1)
    doc.add_paragraph(f"本次调查覆盖{'、'.join(s['sites'])}，共获得有效样本{fmt_n(s['n'])}份"
                      + (f"，调查时间为{s['fielding'][0]}至{s['fielding'][1]}" if s.get("fielding") else "")
                      + f"。抽样设计：{result['meta']['design']['description']}；置信区间：{CI_NAMES.get(result['meta']['ci_method'])}。")
    q = ctx.get("quality") or {}
    if q:
        table(["原因", "份数"], [[f"隔离：{k}", v] for k, v in (q.get("quarantine_reasons") or {}).items()]
              + [[f"剔除：{k}", v] for k, v in (q.get("exclusions") or {}).items()]
              + [["纳入分析", s["n"]]], "数据质量与剔除情况")
    doc.add_heading("二、样本构成", 1)
    for k, c in s["composition"].items():
        table(["类别", "样本量", "占比"], [[r["label"], r["n"], fmt_pct(r["share"])] for r in c["rows"]],
              f"样本{COMP_NAMES.get(k, k)}构成")
    figure(ctx["charts"].get("sample_site"))
    doc.add_heading("三、主要发现", 1)
    for i, f in enumerate(ctx["findings"]):
        doc.add_paragraph(f"{i + 1}. {f['text']}")
    doc.add_heading("四、“三率”与满意度", 1)
    table(["指标", "估计值", "置信区间", "有效样本", "目标", "判定"],
          [[i["name"], fmt_pct(i["rate"]["estimate"]), f"{fmt_pct(i['rate']['ci_low'])}–{fmt_pct(i['rate']['ci_high'])}",
            fmt_n(i["rate"]["n"]), fmt_pct(i["target"]) if i.get("target") is not None else "—", i["rate"].get("verdict") or "—"]
           for i in result["indicators"] if i.get("rate")], "主要指标及达标判定")
    figure(ctx["charts"].get("rates"))
    figure(ctx["charts"].get("areas"))
    for c in ctx["likert_charts"]:
        figure(c)
    doc.add_heading("五、热点问题", 1)
    hot = ctx.get("hot")
    if hot:
        table(["排名", "问题", "选择比例", "置信区间", "提及占比"],
              [[r["rank"], r["label"], fmt_pct(r["respondents"]["estimate"]),
                f"{fmt_pct(r['respondents']['ci_low'])}–{fmt_pct(r['respondents']['ci_high'])}",
                fmt_pct(r["mentions"]["estimate"])] for r in hot["top"]], "热点问题排序")
        figure(ctx["charts"].get("hot"))
    if ctx.get("ranking"):
        table(["问题", "排第一位比例", "综合得分"], [[r["label"], fmt_pct(r["first_choice"]["estimate"]),
                                               f"{r['borda']['estimate']:.2f}"] for r in ctx["ranking"]["items"]],
              "排序题结果")
    if ctx.get("open_text"):
        doc.add_paragraph("开放题意见摘录：" + "；".join(e["text"] for e in ctx["open_text"]["examples"]))
        figure(ctx["charts"].get("words"))
    doc.add_heading("六、群体与区县比较", 1)
    lg = ctx.get("league")
    if lg:
        table(["名次", "区县", "综合指数", "置信区间", "样本量", "名次范围"],
              [[r["rank"], r["group"] + (" △" if r["small_base"] else ""), fmt_num(r["estimate"]),
                f"{fmt_num(r['ci_low'])}–{fmt_num(r['ci_high'])}", r["n"],
                f"{r['rank_best']}–{r['rank_worst']}"] for r in lg["rows"]], "各区县综合满意度指数排名")
        figure(ctx["charts"].get("league"))
    doc.add_heading("七、变化", 1)
    if ctx["changes"]:
        table(["指标", "口径", "本期", "上期", "变化", "显著性"],
              [[c["name"], c["measure"], f"{c['current']:.3f}", f"{c['previous']:.3f}", f"{c['diff']:+.3f}", c["arrow"]]
               for c in ctx["changes"]], f"与{ctx['compare_wave']}相比的变化")
        figure(ctx["charts"].get("trend"))
    else:
        doc.add_paragraph("本期未指定对比期次。")
    doc.add_heading("八、重点与对策建议", 1)
    figure(ctx["charts"].get("ipa"))
    if ctx["priorities"]:
        table(["序号", "指标", "估计值", "目标", "判定", "对策建议"],
              [[i + 1, p["name"], p["value"], p["target"], p["verdict"], p["recommendation"] or ""]
               for i, p in enumerate(ctx["priorities"])], "重点改进事项及对策建议")
    doc.add_paragraph("分析人员意见：（此处留给分析人员补充研判意见和具体对策。）")
    doc.add_heading("九、附录", 1)
    table(["题项", "比率", "置信区间", "指数", "有效样本", "设计效应"],
          [[it["label"], fmt_pct(it["rate"]["estimate"]), f"{fmt_pct(it['rate']['ci_low'])}–{fmt_pct(it['rate']['ci_high'])}",
            fmt_num((it.get("index") or {}).get("estimate")), it["rate"]["n"],
            f"{it['rate']['deff']:.2f}" if it["rate"].get("deff") is not None else "—"] for it in result["items"]],
          "全部题项估计结果")
    doc.add_paragraph(f"方法说明：标准误采用泰勒线性化方法（与 R survey 包一致）；软件 minyi {result['meta']['software'].get('minyi')}。")
    doc.save(str(path))


def render_all(result: dict, out_dir: Path, *, formats: Sequence[str] = FORMATS, changes: Optional[list] = None,
               trend: Optional[list] = None, compare_wave: Optional[str] = None, lang: str = "zh",
               template_dir: Optional[Path] = None) -> dict:
    """Write the report in every requested format into ``out_dir``; returns {format: path}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = build_context(result, out_dir=out_dir, changes=changes, trend=trend, compare_wave=compare_wave)
    paths: dict = {}
    html = None
    if "html" in formats or "pdf" in formats:
        html = render_html(ctx, lang=lang, template_dir=template_dir)
    if "html" in formats:
        p = out_dir / "report.html"
        p.write_text(html, encoding="utf-8")
        paths["html"] = p
    if "xlsx" in formats:
        p = out_dir / "report.xlsx"
        write_xlsx(result, ctx, p, changes)
        paths["xlsx"] = p
    if "docx" in formats:
        p = out_dir / "report.docx"
        write_docx(result, ctx, p)
        paths["docx"] = p
    if "pdf" in formats:
        p = out_dir / "report.pdf"
        write_pdf(html, p)
        paths["pdf"] = p
    return paths

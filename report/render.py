"""The report's orchestration: analysis result → chapter records → every format.

* :func:`build_context` prepares what the chapters need (thresholds applied, charts drawn, the
  variables documented in ``docs/report-data.md``), and :func:`build_sections` builds the chapters as
  typed records (:mod:`report.records`: sections of headings, paragraphs, tables, figures);
* :func:`report.numbering.number_blocks` numbers every table and figure once, over those records;
* the writers (``report/writers/``: ``html.py``, ``pdf.py`` from that HTML, ``docx.py``,
  ``xlsx_cells.py``) print the same records and numbers; :func:`render_all` runs the requested ones.

Safety: respondent text is data, never template source (templates are loaded only from files;
values are autoescaped); phone and ID numbers in open answers are masked; groups with fewer than
``min_cell`` respondents are suppressed (their estimates removed from the context before any
template sees them) and groups under ``small_base`` are flagged as unreliable.
"""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import Any, Optional, Sequence

from analysis.thresholds import ALPHA, MIN_CELL, SMALL_BASE
from survey.atomic import atomic_write_text
from survey.errors import MinyiError
from survey.progress import stage
from survey.waves import derived_label, format_date

from .batteries import alpha_table
from .cover import make_cover, survey_name
from .district_problems import district_note, district_problems, problem_table
from .decisions_tables import decision_tables, recommend_lines
from .drivers_table import drivers_table
from .indicator_definitions import definitions_note
from .representativeness import representativeness_lines
from .group_compare import group_tables, significance_lines, table_note
from .hot_issue_groups import driver_lines
from .findings import findings as make_findings
from .findings import fmt_n, fmt_num, fmt_pct
from .labels import LANGS, join_list, label, labels, verdict_labels
from .method_text import method_notes, variance_words
from .overview_text import intro_and_overview
from .numbering import figure_caption, number_blocks, number_headings, table_caption
from .chapters import build_sections  # noqa: F401  (report.render.build_sections)
from .chapters.titles import section_titles
from .records import Section, Table  # noqa: F401  (public names: report.render.Table, .Section)
from .chart_pool import chart_pool, collect, counted, pending
from .figures import likert_charts, make_charts
from .suppression import apply_thresholds, mask_pii  # noqa: F401  (report.render.apply_thresholds, .mask_pii)
from .writers.docx import write_docx
from .writers.html import render_html
from .writers.pdf import pdf_library_error, write_pdf  # noqa: F401  (report.render.pdf_library_error)
from .table_cells import format_value, signed, verdict_tone
from .writers.html_table import TONE_CLASS
from .question_tables import appendix_tables
from .recommendations import build_recommendations, rec_heading, rec_lines
from .summary import build_summary, judged_changes
from .summary import ref_text as summary_ref
from .themes import theme_table
from .toc import toc_entries

FORMATS = ("html", "docx", "pdf", "xlsx")

CI_NAMES = {lang: labels("ci", lang) for lang in LANGS}  # the label table (survey.labels)
COMP_NAMES = {lang: labels("comp", lang) for lang in LANGS}
VERDICTS = {lang: verdict_labels(lang) for lang in LANGS}  # analysis verdict → its word
def quality_words(quality: Optional[dict], lang: str) -> Optional[dict]:
    """The quality summary with its reasons and rules named in ``lang`` from their codes (``quarantine_codes``,
    ``exclusion_codes``) through the label table."""
    if not quality or "exclusion_codes" not in quality:
        return quality
    reasons, flags = labels("reason", lang), labels("flag", lang)
    q = dict(quality)
    q["quarantine_reasons"] = {reasons.get(k, k): v for k, v in (quality.get("quarantine_codes") or {}).items()}
    q["exclusions"] = {flags.get(k, k): v for k, v in (quality.get("exclusion_codes") or {}).items()}
    return q


def max_margin(n: Optional[int], confidence: float = 0.95, deff: Optional[float] = None) -> Optional[float]:
    """The largest margin of error of a share from the whole sample: z·√(0.5·0.5·deff/n) (p = 0.5, the
    worst case; deff of the headline rate, 1 when unknown)."""
    from statistics import NormalDist

    if not n:
        return None
    d = deff if isinstance(deff, (int, float)) and math.isfinite(deff) and deff > 0 else 1.0
    return NormalDist().inv_cdf((1 + confidence) / 2) * math.sqrt(0.25 * d / n)


def fmt_p(v: Any) -> str:
    """A p-value as printed: "<0.001" below 0.001, else three decimals; "—" when missing."""
    return format_value(v, "pval")


def _priorities(result: dict, lang: str) -> list:
    """Indicators that miss their target: 未达标, then 无显著差异 with the estimate below the target, by relative
    gap to the target.  An estimate at or above its target whose interval still reaches below it (a small
    base) is not yet confirmed, but it is no work priority: listing 97.0% against a target of 85% as
    下一阶段工作重点 claims what the numbers do not say."""
    out = []
    for ind in result["indicators"]:
        for m in ("rate", "index"):
            s = ind.get(m)
            if not s or s.get("verdict") not in ("未达标", "无显著差异") or s.get("target") is None:
                continue
            gap = (s["target"] - s["estimate"]) / (s["target"] or 1)
            if s["verdict"] == "无显著差异" and not gap > 0:
                continue
            name = label("word.index_of", lang).format(name=ind["name"]) if m == "index" else ind["name"]
            out.append({"id": ind["id"], "measure": m, "name": name, "estimate": s["estimate"],
                        "ci_low": s["ci_low"], "ci_high": s["ci_high"],
                        "value": fmt_pct(s["estimate"]) if m == "rate" else fmt_num(s["estimate"]),
                        "target": fmt_pct(s["target"]) if m == "rate" else fmt_num(s["target"]),
                        "target_value": s["target"], "verdict": s["verdict"], "gap": gap,
                        "area": ind.get("area_name"), "recommendation": ind.get("recommendation")})
    out.sort(key=lambda p: (p["verdict"] != "未达标", -p["gap"]))
    return out


def _method_notes(result: dict, lang: str, small_base: int, min_cell: int) -> list:
    """The appendix method notes (:func:`report.method_text.method_notes`) filled from the result's meta."""
    from analysis.trend import TREND_METHOD, TREND_METHOD_ZH

    meta = result["meta"]
    sw = meta.get("software") or {}
    d = meta.get("design", {})
    # an area without a valid rating (every answer 不了解) is left out of the composite and the other weights
    # scaled up (analysis.indicators): said beside its weight, not listed as if it counted
    weights = join_list((label("word.area_weight_out" if "index" in a and (a["index"] or {}).get("estimate") is None
                               else "word.area_weight", lang).format(name=a["name"], w=100 * a["weight"])
                         for a in result.get("areas", []) if a.get("weight")), lang)
    vw = variance_words(meta, lang)
    fields = dict(variance=vw["variance"], df_rule=vw["df_rule"], weights=weights,
                  ci=CI_NAMES[lang].get(meta.get("ci_method"), meta.get("ci_method")),
                  design=(d.get("description_en") if lang == "en" else None) or d.get("description", ""),
                  small_base=small_base, min_cell=min_cell, generated=meta.get("generated_at", ""),
                  trend=TREND_METHOD if lang == "en" else TREND_METHOD_ZH,  # named here, plainly in 七、变化
                  **{k: sw.get(k, "?") for k in ("minyi", "numpy", "pandas", "scipy")})
    templates = method_notes(lang)
    notes = [t.format(**fields) for t in templates]
    if meta.get("ci_clipped"):  # said once, right after the note that explains the intervals (the one naming {ci})
        notes.insert(next(i for i, t in enumerate(templates) if "{ci}" in t) + 1, label("method.clipped", lang))
    return notes


# ----------------------------------------------------------------------------- context
def build_context(result: dict, *, out_dir: Optional[Path] = None, changes: Optional[list] = None,
                  trend: Optional[list] = None, compare_wave: Optional[str] = None, org: Optional[str] = None,
                  small_base: int = SMALL_BASE, min_cell: int = MIN_CELL, lang: str = "zh",
                  tracking=None, pool=None, draft: bool = False, index_scale: Optional[tuple] = None) -> dict:
    """The variables a report template receives (documented in docs/report-data.md).  ``pool``: the
    chart workers the caller opened (:func:`report.chart_pool.chart_pool`), else opened here; ``draft``: a
    draft for the analysts, with the blank box for their assessment (a delivered report has none)."""
    res = apply_thresholds(result, small_base, min_cell, index_scale)  # intervals cut to the scale: the report's copy
    changes = judged_changes(changes, small_base)  # no change called significant on a small base (as no verdict)
    chart_dir = out_dir / "charts" if out_dir else None
    q_areas = {a["id"]: a["name"] for a in res["areas"]}
    with chart_pool(pool) as pool:  # drawn in worker processes, collected in order (report/chart_pool.py)
        charts = make_charts(res, chart_dir, trend, lang, pool=pool, small_base=small_base)
        lik = likert_charts(res, q_areas, chart_dir, lang, pool=pool)
        drawing = pending(charts, lik)
        if drawing:
            with stage("drawing the charts", total=len(drawing)) as advance:
                counted(drawing, advance)
        charts, lik = collect(charts), collect(lik)
    sat_items = [i for i in res["items"] if i["kind"] == "satisfaction" and (i.get("rate") or {}).get("estimate") is not None]
    lowest = sorted(sat_items, key=lambda i: i["rate"]["estimate"])[:10]
    meta = res["meta"]
    s = res["sample"]
    wave_id = meta.get("wave")
    meta = dict(meta, wave_label=meta.get("wave_label") or (derived_label(wave_id, lang) if wave_id else None))
    compare_wave = meta.get("compare_label") or (derived_label(compare_wave, lang) if compare_wave else None)
    org = org or label("word.default_org", lang)
    ci_name = labels("ci_plain", lang).get(meta.get("ci_method"), meta.get("ci_method"))  # no R names here
    fielding = s.get("fielding")
    moe_max = max_margin(s.get("n"), meta.get("confidence", 0.95),
                         next(((i.get("rate") or {}).get("deff") for i in res["indicators"] if i.get("rate")), None))
    fdates = [format_date(_dt.date.fromisoformat(str(d)[:10]), lang) for d in fielding] if fielding else None
    intro, overview = intro_and_overview(meta, s, org, compare_wave, ci_name, moe_max, fdates, lang)
    V = VERDICTS[lang]

    def reliability(d: dict) -> str:
        if d.get("suppressed"):
            return label("text.suppressed", lang)
        if d.get("small_base"):
            return label("text.small_base", lang).format(n=small_base)
        return ""

    def cell_text(c: dict) -> str:
        if c.get("not_asked"):
            return label("word.not_asked", lang)
        if c.get("suppressed"):
            return "—"
        return fmt_pct(c.get("estimate")) + (" △" if c.get("small_base") else "") + ("*" if c.get("sig") else "")

    title = label("word.report_title", lang).format(title=survey_name(meta["questionnaire"]["title"]))
    cover = make_cover(title, org, fielding, meta.get("wave"), meta.get("wave_label"), lang)
    summary = build_summary(res, changes, lang=lang, compare_label=compare_wave, small_base=small_base)
    ctx = {
        "lang": lang, "lang_tag": label("lang.tag", lang), "result": res, "cover": cover, "summary": summary,
        "summary_title": label("summary.title", lang), "toc_title": label("heading.toc", lang),
        "summary_ref": lambda anchor: summary_ref(anchor, section_titles(lang), lang),
        "toc": toc_entries(section_titles(lang), label("summary.title", lang) if summary else None),
        "title": title,
        "subtitle": " · ".join(x for x in (cover.wave, cover.period) if x),
        "org": org, "intro": intro, "overview": overview, "meta": meta, "sample": s,
        "quality": quality_words(s.get("quality"), lang) or None,
        "indicators": res["indicators"], "items": res["items"], "areas": res["areas"],
        "composite": res.get("composite"), "hot": res.get("hot_issues"), "ranking": res.get("ranking"),
        "open_text": res.get("open_text"), "league": res.get("league"), "ipa": res.get("ipa") or [],
        "changes": changes or [], "compare_wave": compare_wave, "tracking": tracking,
        "findings": make_findings(res, changes, lang=lang, compare_label=compare_wave), "charts": charts, "likert_charts": lik,
        "lowest_items": lowest, "group_tables": group_tables(res), "decisions_title": label("heading.decisions", lang),
        "decision_tables": [Table(t[0], t[1], t[2], note=t[3]) for t in decision_tables(res.get("decisions"), lang)],
        "recommend_lines": recommend_lines(res["decisions"]["recommend"], lang, res["meta"].get("confidence", 0.95))
        if (res.get("decisions") or {}).get("recommend") else [], "representativeness": representativeness_lines(res, lang), "what_counts": definitions_note(res, lang), "hot_ci_note": label("note.hot_ci", lang), "hot_groups_title": label("heading.hot_groups", lang),
        "hot_lines": driver_lines(res.get("hot_issues") or {}, COMP_NAMES[lang], lang, small_base), "group_note": table_note, "group_lines": significance_lines, "priorities": _priorities(res, lang),
        "ipa_focus": [o["label"] for o in res.get("ipa") or [] if o.get("quadrant") == "重点改进区"],
        "area_names": q_areas, "ind_names": {i["id"]: i["name"] for i in res["indicators"]},
        "comp_names": COMP_NAMES[lang], "ci_names": CI_NAMES[lang], "small_base": small_base, "min_cell": min_cell,
        "method_notes": _method_notes(res, lang, small_base, min_cell) + [label("method.group_compare", lang).format(alpha=ALPHA), label("method.hot_issues", lang).format(alpha=ALPHA)], "analyst_placeholder": label("text.analyst_placeholder", lang) if draft else None, "draft": draft,
        "section_titles": section_titles(lang),
        "district_table": problem_table(district_problems(res, small_base), lang, org), "district_title": label("heading.district_problems", lang),
        "district_note": district_note(lang),
        "recommendations": build_recommendations(res, lang, small_base=small_base), "rec_heading": rec_heading, "rec_lines": rec_lines,
        "question_appendix": [Table(t.caption, t.columns, t.rows, note=t.note)
                              for t in appendix_tables(res.get("questions") or [], lang, ranking_k={
                                  (res.get("ranking") or {}).get("question"): (res.get("ranking") or {}).get("k")})],
        "question_appendix_title": label("heading.questions", lang),
        "theme_table": (lambda t: Table(t[0], t[1], t[2], note=t[3]))(theme_table(res["open_themes"], lang))
        if (res.get("open_themes") or {}).get("themes") else None,
        "uncoded_title": label("heading.uncoded", lang),
        "drivers_table": (lambda t: Table(label("caption.drivers", lang), t[0], t[1], note=t[2]))(drivers_table(res["drivers"], lang))
        if (res.get("drivers") or {}).get("terms") else None,
        "uncoded_answers": ((res.get("open_themes") or {}).get("uncoded") or {}).get("answers") or [],
        "alpha_table": (lambda t: Table(t[0], t[1], t[2], note=t[3]))(alpha_table(res["reliability"], lang))
        if res.get("reliability") else None,
        "pct": fmt_pct, "pct0": lambda x: f"{100 * x:.0f}%", "num": fmt_num, "fmt_n": fmt_n,
        "pp": lambda x: "—" if x is None else label("word.pp_change", lang).format(v=signed(100 * x)),
        "vclass": lambda v: TONE_CLASS.get(verdict_tone(v), ""),
        "verdict": lambda v: V.get(v, v) if v else "—", "reliability": reliability, "cell_text": cell_text,
        "pval": fmt_p,
    }
    ctx["sections"] = build_sections(ctx)
    # one numbering pass over the records, before any writer runs: every format prints these numbers
    number_headings(ctx["sections"], lang)
    figures = number_blocks(ctx["sections"])
    ctx["figure_numbers"] = figures
    ctx["tcap"] = lambda t: table_caption(t, lang)
    ctx["fcap"] = lambda c: figure_caption(c, figures, lang)
    return ctx


# ----------------------------------------------------------------------------- XLSX
def write_xlsx(context: dict, path: Path) -> None:
    """Every table of the report as number cells, one sheet per section (:mod:`report.writers.xlsx_cells`)."""
    from .writers.xlsx_cells import write_xlsx as _write

    _write(context, path)


# ----------------------------------------------------------------------------- all formats
def render_all(result: dict, out_dir: Path, *, formats: Sequence[str] = FORMATS, changes: Optional[list] = None,
               trend: Optional[list] = None, compare_wave: Optional[str] = None, lang: str = "zh",
               template_dir: Optional[Path] = None, small_base: int = SMALL_BASE, min_cell: int = MIN_CELL,
               org: Optional[str] = None, tracking=None, style: str = "gbt9704", pool=None,
               draft: bool = False, index_scale: Optional[tuple] = None) -> dict:
    """Write the report in every requested format into ``out_dir`` (charts as PNG+SVG into
    ``out_dir/charts``); returns {format: path}.  ``tracking``: the chapter over all waves and the
    open ledger items (:class:`report.trend_chapter.TrackingChapter`); ``style`` is the Word look
    (``gbt9704`` or ``plain``, :mod:`report.writers.docx_style`); ``pool``: chart workers the caller
    opened (:func:`report.chart_pool.chart_pool`); ``draft``: as in :func:`build_context`."""
    for f in formats:
        if f not in FORMATS:
            raise MinyiError.of("unknown-report-format", format=f, choices=", ".join(FORMATS))
    if lang not in ("zh", "en"):
        raise MinyiError.of("unknown-report-lang", lang=lang)
    from survey.atomic import make_dir

    make_dir(out_dir)
    ctx = build_context(result, out_dir=out_dir, changes=changes, trend=trend, compare_wave=compare_wave,
                        small_base=small_base, min_cell=min_cell, lang=lang, org=org, tracking=tracking, pool=pool,
                        draft=draft, index_scale=index_scale)
    paths: dict = {}
    html = None
    if "html" in formats or "pdf" in formats:
        with stage("writing report.html" if "html" in formats else "laying out the report"):
            html = render_html(ctx, lang=lang, template_dir=template_dir)
            if "html" in formats:
                p = out_dir / "report.html"
                atomic_write_text(p, html)
                paths["html"] = p
    if "xlsx" in formats:
        p = out_dir / "report.xlsx"
        with stage("writing report.xlsx"):
            write_xlsx(ctx, p)
        paths["xlsx"] = p
    if "docx" in formats:
        p = out_dir / "report.docx"
        with stage("writing report.docx"):
            write_docx(ctx, p, style=style)
        paths["docx"] = p
    if "pdf" in formats:
        p = out_dir / "report.pdf"
        with stage("writing report.pdf"):
            write_pdf(html, p)
        paths["pdf"] = p
    paths["charts"] = out_dir / "charts"
    return paths

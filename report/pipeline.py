"""From questionnaire + responses to one JSON-serialisable results dict (what templates receive).

:func:`analyze` runs every analysis the report needs on a native-layout DataFrame:
civic indicators per item/indicator/area and the composite index (``analysis.indicators``),
overall and by the requested groupings; sample composition; hot issues (multiple choice:
% of respondents and % of mentions); the ranking question; open answers (jieba word
frequencies); importance–performance; a district league table; and, when a comparison
wave is given, changes.  The schema is documented in ``docs/report-data.md``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from analysis import Design
from analysis.ci import check_method
from analysis.compare import independent_difference, league
from analysis.design import unit_weights
from analysis.design_spec import DesignSpec, describe, question_labels
from analysis.domains import CodeCounts, ValidRows, stretch_counts
from analysis.indicators import AreaSpec, Grouping, ItemSpec, compute_indicators, normalize_na_policy, stat_record
from analysis.ipa import classify, importances
from analysis.multiple import asked_rows, multiple_choice, rank_options, ranking_scores
from analysis.thresholds import MIN_CELL, SMALL_BASE  # noqa: F401  (defined once; re-exported)
from survey.columns import answer_array, float_column
from survey.errors import MinyiError
from survey.pii import mask_pii
from survey.questionnaire import Question, Questionnaire

from .batteries import battery_alphas
from .decisions import decision_questions
from .drivers import satisfaction_drivers
from .group_compare import group_tests
from .hot_issue_groups import HOT_CI, clip_share, hot_issue_groups
from .item_scores import coded_column
from .question_tables import question_columns, question_tables
from .representativeness import composition_test
from . import section_worker
from .sections import run_sections
from .stopwords import STOPWORDS
from .themes import code_themes, theme_dictionary


# the sections run partly in a forked worker when the command allows one (report/section_worker.py): the
# group tests there (1.0-1.4 s at 1M rows), the indicators and the sections that reuse their code counts or
# use the jieba worker here, and the others (longest first) taken by whichever process is free first
# (report.sections.Shared), so both end at about the same time whatever the questionnaire and the machine
_SPLIT = {"apart": ("group_tests",),
          "either": ("drivers", "hot_issues", "reliability", "decisions", "ipa_importance", "ranking", "open_themes",
                     "sample")}


def _num(x):
    if x is None:
        return None
    if isinstance(x, (np.floating, float)):
        x = float(x)
        if np.isnan(x):
            return None
        if np.isinf(x):
            return "inf"
        return x
    if isinstance(x, np.integer):
        return int(x)
    return x


def _stat(e) -> dict:
    """One estimate (analysis.result.Estimate) → its JSON record (analysis.indicators.stat_record)."""
    if e is None:
        return None
    return stat_record(e)


def item_specs(q: Questionnaire) -> list[ItemSpec]:
    """Indicator items from the questionnaire: one per question, or per matrix row."""
    out = []
    for ind in q.indicators:
        qq = q.question(ind.question)
        rows = qq.rows if qq.type == "matrix" else [None]
        scores = qq.scores if ind.kind == "satisfaction" and qq.scores else None
        top = max(scores.values()) if scores else None
        for r in rows:
            key = f"{qq.id}_{r.id}" if r is not None else qq.id
            area = (r.area if r is not None and r.area else None) or qq.area or ind.area
            out.append(ItemSpec(key=key, label=r.label if r is not None else (ind.name or qq.text), indicator=ind.id,
                                kind=ind.kind, positive=tuple(ind.positive), na_codes=tuple(qq.na_codes),
                                scores=scores, area=area, target=ind.target,
                                index_target=(ind.index_target * top) if (ind.index_target and top) else None))
    return out


GROUPING_TYPES = ("single", "yesno", "scale")


def grouping_choices(q: Questionnaire) -> list[str]:
    """Names accepted by ``by``: site, district (when the questionnaire has them) and the ids of
    single-choice, yes/no and scale questions."""
    out = [n for n, qid in (("site", q.site_question), ("district", q.district_question)) if qid]
    return out + [qq.id for qq in q.questions if qq.type in GROUPING_TYPES]


DEFAULT_BY = ("site", "district")


def default_groupings(q: Questionnaire) -> list[str]:
    """The default groupings (site, district) that the questionnaire has; a questionnaire without a
    site or district question simply gets fewer (an explicitly requested unknown name is an error)."""
    ok = grouping_choices(q)
    return [b for b in DEFAULT_BY if b in ok]


def resolve_grouping(q: Questionnaire, name: str) -> str:
    """The question id behind a ``by`` name; unknown names raise one error listing the choices."""
    qid = {"site": q.site_question, "district": q.district_question}.get(name, name)
    qq = q.get(qid) if qid else None
    if qq is None or qq.type not in GROUPING_TYPES:
        raise MinyiError.of("unknown-grouping", name=name, choices=", ".join(grouping_choices(q)))
    return qid


def _grouping(q: Questionnaire, frame: pd.DataFrame, name: str) -> Optional[Grouping]:
    qid = resolve_grouping(q, name)
    qq = q.get(qid)
    if qid not in frame.columns:
        codes = np.full(len(frame), np.nan)
    else:
        codes = pd.to_numeric(frame[qid], errors="coerce").to_numpy()
    labels = [o.label for o in qq.options]
    idx = np.full(len(frame), -1)
    for i, o in enumerate(qq.options):
        idx[codes == o.code] = i
    return Grouping(name, idx, labels)


def analysis_columns(q: Questionnaire, by: Optional[Sequence[str]] = None, design: Optional[dict] = None,
                     available: Optional[Sequence[str]] = None) -> list[str]:
    """The response columns :func:`analyze` reads (so a project is read for only these): the items,
    the groupings, the design columns, the composition questions, the hot-issue and ranking
    questions, the open question, the overall question and the submission time.  ``available``
    (the stored column names) resolves a design's replicate weights given as a regular expression."""
    by = default_groupings(q) if by is None else list(by)
    cols = ["submitted_at"] + [it.key for it in item_specs(q)] + [resolve_grouping(q, b) for b in by]
    spec = DesignSpec.from_mapping(design)
    cols += spec.columns()
    if isinstance(spec.repweights, str):
        import re

        if "," in spec.repweights:
            cols += [c.strip() for c in spec.repweights.split(",")]
        elif available is not None:
            pat = re.compile(spec.repweights)
            cols += sorted((c for c in available if pat.search(str(c))),
                           key=lambda c: [(0, int(t), "") if t.isdigit() else (1, 0, t)
                                          for t in re.split(r"(\d+)", str(c))])
    cols += list(composition_questions(q).values())
    for qq in (_multiple_question(q), next((x for x in q.questions if x.type == "ranking"), None)):
        if qq is not None:
            cols += [f"{qq.id}_{o.code}" for o in qq.options]
    text = _open_question(q)
    cols += [x for x in (text.id if text else None, q.overall_question) if x]
    cols += question_columns(q)
    return list(dict.fromkeys(cols))


def build_design(frame: pd.DataFrame, design: Optional[dict] = None) -> Design:
    """The design of ``minyi.yaml``'s ``design:`` block (:class:`analysis.design_spec.DesignSpec`: weights,
    strata, psu/fpc per stage, pps, replicate weights...; lonely PSUs default to ``certainty``)."""
    return DesignSpec.from_mapping(design, default_lonely="certainty").build(frame)


def analyze(q: Questionnaire, frame: pd.DataFrame, *, by: Optional[Sequence[str]] = None,
            design: Optional[dict] = None, na_policy: str = "exclude", ci_method: str = "logit",
            confidence: float = 0.95, df: Optional[float] = None, wave: Optional[str] = None,
            quality: Optional[dict] = None, top_n: int = 10, population: Optional[dict] = None,
            weighting: Optional[str] = None, population_total: Optional[float] = None,
            themes: Optional[list] = None, consume: bool = False) -> dict:
    """All report analyses on one wave's native-layout data (see module docstring).

    ``by``: grouping names (see :func:`grouping_choices`); ``na_policy``: ``exclude``/``excluded``
    (不了解/说不清 leave the base) or ``count_negative``/``unsatisfied`` (counted as not satisfied);
    ``df``: degrees of freedom for critical values (None = design df, inf = normal); ``by=None``:
    :func:`default_groupings`; ``population``: population shares per composition dimension
    (``{"district": {option label: share}}``, e.g. from :func:`report.margins.read_margins`) shown
    next to the sample shares; ``weighting`` (``rake`` or ``poststratify``): calibrate the design
    to those population shares first (:func:`weight_design`), so every estimate, SE and CI is of
    the calibrated design (R ``rake``/``postStratify`` then ``svymean``); ``meta.design.weighting``
    says so.  ``consume``: the caller hands ``frame`` over — the answer columns of the matrix rows are
    deleted from it once coded (see :func:`_without_coded_rows`).  The columns of
    :func:`raw_code_columns` may be int16 codes as stored (:mod:`survey.columns`), as the project path
    reads them.
    """
    check_method(ci_method, groups=True)
    na_policy = normalize_na_policy(na_policy)
    given = frame
    frame = frame.reset_index(drop=True)
    by = list(dict.fromkeys(default_groupings(q) if by is None else by))
    for b in by:
        resolve_grouping(q, b)
    groupings = [_grouping(q, frame, b) for b in by]
    items = item_specs(q)
    areas = [AreaSpec(a.id, a.name, a.weight) for a in q.areas]
    # each item's answers as codes (int16) and the value of each code, one item after another: a millisecond
    # of numpy steps each, which two threads only pass the GIL back and forth over (1M rows: 0.24 s on two
    # threads, 0.17-0.18 s on one, while the database closes on the other core; docs/scale-history.md)
    coded = run_sections({it.key: (lambda key=it.key: coded_column(frame, key))
                          for it in items if it.key in frame}, n_threads=1, label="coding the answers", unit="items")
    items = [it for it in items if it.key in coded]
    frame = _without_coded_rows(q, frame, coded, design, given if consume else None)
    given = None
    des = build_design(frame, design)
    sampling_design = des
    wrep = None
    if weighting:
        des, wrep = weight_design(q, des, population or {}, weighting, population_total)
    # the indicators and the sections read the frame and design and share nothing else: run at once
    # (report/sections.py), the longest first; the IPA's quadrants need the items' indices, so they come
    # after (its importances are a section)
    valid_rows = ValidRows(des.n)  # the rows valid for some items: made once, shared by the tests and indicators
    code_counts = CodeCounts()  # rows per answer code: counted once, shared by the question tables and distributions
    sec = run_sections({
        "group_tests": lambda: group_tests(q, des, coded, items, groupings, na_policy=na_policy,
                                           valid_rows=valid_rows),
        "indicators": lambda: compute_indicators(des, coded, items, areas, groupings, na_policy=na_policy,
                                                 ci_method=ci_method, confidence=confidence, df=df,
                                                 valid_rows=valid_rows, code_counts=code_counts),
        "open_text": lambda: _open_text(q, frame),
        "questions": lambda: question_tables(q, frame, des, ci_method=ci_method, confidence=confidence, coded=coded,
                                             counts=code_counts, na_policy=na_policy),
        "drivers": lambda: satisfaction_drivers(q, frame, des, confidence=confidence, coded=coded),
        "hot_issues": lambda: _hot_issues(q, frame, des, groupings, top_n, ci_method, confidence),
        "reliability": lambda: battery_alphas(q, frame, coded),
        "decisions": lambda: decision_questions(q, frame, des, groupings, ci_method=ci_method, confidence=confidence),
        "ipa_importance": lambda: _ipa_importance(q, frame, des, items, coded),
        "ranking": lambda: _ranking(q, frame, des, ci_method, confidence, groupings),
        "open_themes": lambda: _open_themes(q, frame, des, themes, ci_method, confidence),
        "sample": lambda: _sample(q, frame, des, groupings, quality, population),
        "distribution": lambda: _weight_per_code(des, coded, [it.key for it in items if it.kind == "satisfaction"],
                                                 code_counts),
    }, label="indicators, tests and tables", **(_SPLIT if section_worker.usable(des.n) else {}))
    res = sec["indicators"]
    ind_out, item_out, area_out, composite = indicator_sections(q, res, items, sec["distribution"])
    ipa = _ipa(item_out, sec["ipa_importance"])
    coded = res = valid_rows = code_counts = None  # the coded answers (int16 per item, also held by the memos): free them

    result = {
        "meta": {"questionnaire": {"id": q.id, "title": q.title, "version": q.version},
                 "wave": wave, "generated_at": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
                 "software": _software(), "ci_method": ci_method, "confidence": confidence,
                 "na_policy": na_policy, "na_treatment": "excluded" if na_policy == "exclude" else "unsatisfied",
                 "df": _num(df),
                 "design": _design_text(design, wrep, sampling_design, question_labels(q, (design or {}).values())),
                 "by": [g.name for g in groupings],
                 "overall_question": q.overall_question},
        "sample": sec["sample"],
        "indicators": ind_out, "items": item_out, "areas": area_out, "composite": composite,
        "hot_issues": sec["hot_issues"],
        "ranking": sec["ranking"],
        "open_text": sec["open_text"],
        "ipa": ipa,
        "league": _league(area_out, composite, "district"),
        "group_tests": sec["group_tests"],
        "questions": sec["questions"],
        "reliability": sec["reliability"],
        "drivers": sec["drivers"],
        "open_themes": sec["open_themes"],
        "decisions": sec["decisions"],
    }
    result["sample"]["moe"] = _moe(result)
    return result


def indicator_sections(q: Questionnaire, res, items: Sequence[ItemSpec], distribution: dict) -> tuple:
    """The ``indicators``, ``items``, ``areas`` and ``composite`` sections from computed indicators
    (:class:`analysis.indicators.IndicatorResults`); ``distribution``: satisfaction item key →
    (value per answer code, total weight per answer code) for the answer shares.  Shared by the
    in-memory path (:func:`analyze`) and the SQL engines (:mod:`engines`)."""
    def by_groups(stats: list) -> dict:
        out: dict = {}
        for (g, lab), s in zip(res.groups[1:], stats[1:]):
            d = _stat(s)
            d["group"] = lab
            d["small_base"] = d["n"] < SMALL_BASE
            d["suppressed"] = d["n"] < MIN_CELL
            out.setdefault(g, []).append(d)
        return out

    ind_out = []
    for ind in q.indicators:
        r = res.indicators.get(ind.id)
        if not r:
            continue
        area = q.area(ind.area) if ind.area else None
        rec = {"id": ind.id, "kind": ind.kind, "name": ind.name or ind.id, "question": ind.question,
               "area": ind.area, "area_name": area.name if area else None, "target": ind.target,
               "index_target": _stat(r["index"][0])["target"] if "index" in r else None,
               "recommendation": ind.recommendation or (area.recommendation if area else None),
               "positive_labels": _positive_labels(q, ind)}
        for m in ("rate", "index"):
            if m in r and r[m] is not None:
                rec[m] = _stat(r[m][0])
                rec[f"{m}_by"] = by_groups(r[m])
        ind_out.append(rec)
    item_out = []
    for it in items:
        r = res.items[it.key]
        rec = {"key": it.key, "label": it.label, "indicator": it.indicator, "kind": it.kind, "area": it.area,
               "rate": _stat(r["rate"][0]), "rate_by": by_groups(r["rate"])}
        if "index" in r:
            rec["index"] = _stat(r["index"][0])
            rec["index_by"] = by_groups(r["index"])
        if it.kind == "satisfaction":
            qq = q.question(it.key.split("_")[0]) if "_" in it.key else q.question(it.key)
            subs = [o for o in qq.options if not o.na]
            vals, tot = distribution[it.key]
            by_code = {int(v): t for v, t in zip(vals.tolist(), tot) if np.isfinite(v)}
            W = sum(by_code.get(o.code, 0.0) for o in subs)
            rec["distribution"] = [{"label": o.label, "share": float(by_code.get(o.code, 0.0) / W) if W else None}
                                   for o in subs]
        item_out.append(rec)
    area_out = []
    for a in q.areas:
        r = res.areas.get(a.id)
        if not r:
            continue
        area_out.append({"id": a.id, "name": a.name, "code": a.code, "weight": a.weight,
                         "recommendation": a.recommendation,
                         "rate": _stat(r["rate"][0]), "index": _stat(r["index"][0]) if "index" in r else None,
                         "index_by": by_groups(r["index"]) if "index" in r else {}})
    composite = None
    if res.composite:
        composite = _stat(res.composite[0])
        composite["by"] = by_groups(res.composite)
    return ind_out, item_out, area_out, composite


def _positive_labels(q: Questionnaire, ind) -> list:
    """The labels of the options an indicator counts as positive (知晓/支持/参与, or 满意 for 满意率)."""
    qq = q.get(ind.question)
    opts = {o.code: o.label for o in (qq.options if qq is not None else [])}
    return [opts.get(c, str(c)) for c in ind.positive]


def _software() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("minyi", "numpy", "pandas", "scipy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:  # pragma: no cover
            out[pkg] = "?"
    return out


WEIGHT_METHODS = {"rake": ("raking（迭代比例拟合，R rake）", "raking (iterative proportional fitting, R rake)"),
                  "poststratify": ("事后分层（R postStratify）", "post-stratification (R postStratify)")}


def weight_design(q: Questionnaire, des: Design, population: dict, method: str,
                  population_total: Optional[float] = None) -> tuple[Design, dict]:
    """Calibrate ``des`` to the population shares of the composition dimensions
    (:func:`analysis.weighting.calibrate`: R ``rake`` with its default control, or ``postStratify``
    on the single margin).  Shares become counts of ``population_total`` (the count total of the
    margins given as counts) or, without it, of the weighted sample total (the sum of the weights
    is kept; R's ``deff=TRUE`` is then degenerate, as in R, since N̂ = n makes its without-replacement
    SRS variance (N̂ − n)/N̂ vanish).  Returns the calibrated design and a summary for ``meta.design.weighting``;
    the library's :class:`~analysis.weighting.WeightingError` (e.g. a sample category missing from
    the margin, rows without a category) propagates with ``variable`` = the dimension.
    """
    from analysis.weighting import WeightingError, calibrate

    if method not in WEIGHT_METHODS:
        raise WeightingError(f"unknown weighting method '{method}'; use rake or poststratify", kind="unknown-method",
                             method=method)
    if not population:
        raise WeightingError("weighting needs margins (minyi.yaml margins: {dimension: file})", kind="no-margins")
    dims = composition_questions(q)
    margins, names = {}, {}
    for dim, shares in population.items():
        qq = q.question(dims[dim])
        if qq.id not in des.data.columns:
            raise WeightingError(f"the data have no column '{qq.id}' ({dim})", variable=dim, kind="missing-variable",
                                 column=qq.id, dimension=dim)
        margins[qq.id] = {str(o.code): shares[o.label] for o in qq.options if o.label in shares}
        names[qq.id] = dim
    try:
        new, rep = calibrate(des, margins, method=method, population_total=population_total)
    except WeightingError as e:  # name the dimension and the option labels, not the column and codes
        qid = e.variable
        msg = str(e)
        params = dict(e.params)
        if qid in names:
            labels = {str(o.code): o.label for o in q.question(qid).options}
            for c in e.categories:
                msg = msg.replace(f"'{c}'", f"'{labels.get(str(c), c)}'")
            msg = msg.replace(f"'{qid}'", f"{names[qid]} ({qid})", 1)
            params = _labelled_params(params, labels)
            params.update(variable=f"{names[qid]} ({qid})", dimension=names[qid], column=qid)
        said = WeightingError(msg, variable=names.get(qid, qid), kind=e.kind, categories=e.categories,
                              candidates=e.candidates)
        said.params = params
        raise said from None
    return new, {"method": method, "margins": list(population), "population_total": _num(population_total),
                 "converged": bool(rep.converged),
                 "iterations": int(rep.iterations), "kish_n_eff": _num(rep.kish_n_eff),
                 "efficiency": _num(rep.efficiency), "deff_weighting": _num(rep.deff_weighting),
                 "weight_min": _num(rep.weight_min), "weight_max": _num(rep.weight_max)}


def _labelled_params(params: dict, labels: dict) -> dict:
    """The params of a :class:`~analysis.weighting.WeightingError` with option codes turned into option labels:
    its lists of categories and the keys of its row counts (the categories of a composition question's margin
    are its codes in the data, its labels in the margins file)."""
    out = dict(params)
    for k in ("categories", "absent", "not_in_margin"):
        if k in out:
            out[k] = [labels.get(str(c), c) for c in out[k]]
    for k in ("absent_rows", "not_in_margin_rows"):
        if k in out:
            out[k] = {labels.get(str(c), c): n for c, n in out[k].items()}
    if "category" in out:
        out["category"] = labels.get(str(out["category"]), out["category"])
    return out


def _design_text(design: Optional[dict], weighting: Optional[dict] = None, built: Optional[Design] = None,
                 labels: Optional[dict] = None) -> dict:
    """The design's columns with a Chinese (``description``) and English (``description_en``) sentence naming
    the design and how its variances are estimated (:func:`analysis.design_spec.describe`: strata, clusters
    per stage, fpc, PPS, replicate weights, weights derived from the fpc, nested PSU ids); with
    ``weighting`` (see :func:`weight_design`) the calibration is stated too."""
    cols = ("weights", "strata", "psu", "fpc")
    d = {k: (design or {}).get(k) for k in cols}
    if built is not None:
        words = describe(built, labels)  # labels: the questions' texts, not raw ids (design_spec.question_labels)
        if weighting and not any(d.values()):
            words.update(description="简单随机抽样（无分层、无整群）",
                         description_en="simple random sampling (no strata, no clusters)")
        d.update(words)
    else:
        d["description"] = (("简单随机抽样（无分层、无整群）" if weighting else "等权重简单随机抽样（无分层、无整群）")
                            if not any(d.values()) else
                            "、".join(f"{name}：{d[k]}" for k, name in (("weights", "权重变量"), ("strata", "分层变量"),
                                                                         ("psu", "初级抽样单元"), ("fpc", "有限总体校正"))
                                     if d[k]))
        d["description_en"] = (("simple random sampling (no strata, no clusters)" if weighting else
                                "equal weights, simple random sampling (no strata, no clusters)")
                               if not any(d[k] for k in cols) else
                               "; ".join(f"{name}: {d[k]}" for k, name in (("weights", "weights"), ("strata", "strata"),
                                                                            ("psu", "primary sampling units"),
                                                                            ("fpc", "finite population correction"))
                                         if d[k]))
    d["weighting"] = weighting
    if weighting:
        zh_dims = {"site": "调查点", "district": "区县", "gender": "性别", "age": "年龄", "education": "文化程度"}
        zh, en = WEIGHT_METHODS[weighting["method"]]
        eff = weighting.get("efficiency")
        d["description"] += (f"；按{'、'.join(zh_dims.get(m, m) for m in weighting['margins'])}的总体结构加权，方法为{zh}"
                             + (f"，加权效率{100 * eff:.1f}%" if eff is not None else ""))
        d["description_en"] += (f"; weighted to the population by {', '.join(weighting['margins'])} with {en}"
                                + (f", weighting efficiency {100 * eff:.1f}%" if eff is not None else ""))
        if d.get("variance"):  # the SEs of a calibrated design use the calibration residuals (analysis.weighting)
            d["variance"] += "；加权后的标准误按校准残差计算（与 R 的 rake/postStratify 设计相同）"
            d["variance_en"] += "; after weighting, SEs from the calibration residuals (as R's rake/postStratify designs)"
    return d


COMPOSITION = (("gender", "A1"), ("age", "A2"), ("education", "A3"))


def composition_questions(q: Questionnaire) -> dict:
    """Composition dimension → question id: site, district (the questionnaire's), gender, age, education."""
    out = {k: v for k, v in (("site", q.site_question), ("district", q.district_question)) if v}
    out.update(COMPOSITION)
    return {k: v for k, v in out.items() if q.get(v) is not None and q.get(v).options}


# submission times written as ISO dates (with an optional hh:mm[:ss[.f]] time): their texts sort as the times
_ISO_TIME = r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$"


def fielding_dates(times: pd.Series) -> Optional[list]:
    """The first and last dates of ``times`` (submission times, text), as ``YYYY-MM-DD``; None when none
    is a date.  When every time is written as an ISO date (``2026-03-01`` or ``2026-03-01 08:00:01``) the
    texts sort as the times: the smallest and largest text are found without parsing each row (0.17 s
    at 1M rows with pandas); otherwise, or when one of them is not a real date, each text is parsed
    (``pd.to_datetime``, unparseable texts left out)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(times, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = None
    if arr is not None and (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.drop_null()
        if len(arr) == 0:
            return None
        if pc.all(pc.match_substring_regex(arr, _ISO_TIME)).as_py():
            lo, hi = (pc.min_max(arr)[k].as_py()[:10] for k in ("min", "max"))
            try:
                return [_dt.date.fromisoformat(lo).isoformat(), _dt.date.fromisoformat(hi).isoformat()]
            except ValueError:
                pass
    t = pd.to_datetime(times, errors="coerce").dropna()
    return [t.min().strftime("%Y-%m-%d"), t.max().strftime("%Y-%m-%d")] if len(t) else None


def _sample(q: Questionnaire, frame: pd.DataFrame, des: Design, groupings, quality,
            population: Optional[dict] = None) -> dict:
    comp = {}
    population = population or {}
    w = des.weights
    unit = unit_weights(w)  # every weight 1: the weights' sums are the counts
    names = {"site": q.site_question, "district": q.district_question}
    for key, qid in list(names.items()) + [("gender", "A1"), ("age", "A2"), ("education", "A3")]:
        if not qid or qid not in frame.columns:
            continue
        qq = q.get(qid)
        if qq is None or not qq.options:
            continue
        x = pd.to_numeric(frame[qid], errors="coerce").to_numpy()
        valid = np.isfinite(x)
        W = float(np.count_nonzero(valid)) if unit else w[valid].sum()
        pop = population.get(key)
        rows = []
        for o in qq.options:
            hit = x == o.code
            n_o = int(np.count_nonzero(hit))
            rows.append({"label": o.label, "n": n_o,
                         "share": float((n_o if unit else w[hit].sum()) / W) if W else None,
                         **({"population_share": pop.get(o.label)} if pop is not None else {})})
        comp[key] = {"question": qid, "title": qq.text, "rows": rows}
        if pop is not None:  # the sample against the margin (report.representativeness)
            comp[key]["representativeness"] = composition_test(des, x, [o.code for o in qq.options],
                                                               [o.label for o in qq.options], pop)
    fielding = fielding_dates(frame["submitted_at"]) if "submitted_at" in frame.columns else None
    # the questionnaire's sites that have respondents in this sample (an option nobody answered is no site of it)
    seen = {r["label"] for r in comp["site"]["rows"] if r["n"]} if "site" in comp else None
    return {"n": int(len(frame)), "fielding": fielding,
            "sites": [s.name for s in q.sites if seen is None or s.name in seen],
            "composition": comp, "quality": quality or {}, "weighted": not unit}


def _moe(result: dict) -> Optional[float]:
    """Half-width of the CI of the headline (first awareness) rate."""
    for ind in result["indicators"]:
        r = ind.get("rate")
        if r and r.get("ci_low") is not None:
            return (r["ci_high"] - r["ci_low"]) / 2
    return None


def _without_coded_rows(q: Questionnaire, frame: pd.DataFrame, coded: dict, design: Optional[dict],
                        given: Optional[pd.DataFrame]) -> pd.DataFrame:
    """``frame`` without the answer columns of matrix rows that ``coded`` holds (the sections read those
    through their codes: question tables, reliability, drivers, IPA, indicators and group tests), the
    design's columns kept.  At 1,000,000 responses the bundled questionnaire's 100 rated rows are 400 MB
    of float32 beside their 200 MB of int16 codes.  ``given``: the caller's frame, handed over
    (``analyze(consume=True)``): the columns are deleted from it too, so their memory is freed."""
    only = set(coded_only_columns(q, design))
    drop = [c for c in coded if c in only]
    if given is not None:
        _delete_in_place(given, [c for c in drop if c in given.columns])
    return frame.drop(columns=drop)


def raw_code_columns(q: Questionnaire, design: Optional[dict]) -> list[str]:
    """The answer columns :func:`analyze` takes as int16 codes as stored (``Project.responses(raw_codes=...)``,
    :mod:`survey.columns`): those it only codes (:func:`coded_only_columns`) and the options of multiple
    choice questions, which every step reads as chosen (> 0) or answered, except the design's columns."""
    keep = set(DesignSpec.from_mapping(design or {}).columns())
    options = [f"{qq.id}_{o.code}" for qq in q.questions if qq.type == "multiple" for o in qq.options]
    return coded_only_columns(q, design) + [c for c in options if c not in keep]


def coded_only_columns(q: Questionnaire, design: Optional[dict]) -> list[str]:
    """The answer columns :func:`analyze` reads only through their codes and drops from the frame once
    coded: the items that are matrix rows ("Q_row", not a question), except the design's columns.  A
    caller reading them from a project may read them as int16 raw codes
    (``Project.responses(raw_codes=...)``)."""
    keep = set(DesignSpec.from_mapping(design or {}).columns())
    return [it.key for it in item_specs(q) if q.get(it.key) is None and it.key not in keep]


def _delete_in_place(frame: pd.DataFrame, columns: list) -> None:
    """Delete ``columns`` from ``frame`` itself.  pandas has no other bulk in-place delete than
    ``drop(inplace=True)`` (deprecated in 3.1, hence the local filter; ``del`` one column at a time
    rebuilds the column index each time, 0.15 s for 100 of 300 columns); without it (pandas 4), ``del``."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*inplace.*", category=DeprecationWarning)
            frame.drop(columns=columns, inplace=True)
    except TypeError:  # pragma: no cover - a pandas without drop(inplace=...)
        for c in columns:
            del frame[c]


def _scored(coded: tuple, scores: dict) -> tuple:
    """A coded answer column (codes, answer value per code) → (codes, score per code); answers
    without a score (e.g. 不了解) → NaN."""
    codes, vals = coded
    return codes, np.array([scores.get(int(v), np.nan) if np.isfinite(v) and v == int(v) else np.nan
                            for v in vals.tolist()])


def _multiple_question(q: Questionnaire) -> Optional[Question]:
    best = None
    for qq in q.questions:
        if qq.type == "multiple" and (best is None or len(qq.options) > len(best.options)):
            best = qq
    return best


CHOICE_FIELDS = ("estimate", "se", "ci_low", "ci_high", "n", "df", "deff")


def _cstat(s) -> dict:
    """A multiple-choice / ranking estimate as a dict (no targets or 不了解 shares: they do not apply)."""
    d = _stat(s)
    return {k: d[k] for k in CHOICE_FIELDS}


def _rank_records(rows: list, measure: str) -> list:
    """Sort option records by ``measure`` (largest first) with CI-aware ranks and ties."""
    st = [r[measure] for r in rows]
    order = rank_options([s["estimate"] if s["estimate"] is not None else np.nan for s in st],
                         [s["ci_low"] if s["ci_low"] is not None else np.nan for s in st],
                         [s["ci_high"] if s["ci_high"] is not None else np.nan for s in st])
    out = []
    for o in order:
        r = dict(rows[o["index"]])
        r.update(rank=o["rank"], rank_best=o["rank_best"], rank_worst=o["rank_worst"], tie=o["tie"],
                 tied_with=[rows[j]["code"] for j in o["tied_with"]])
        out.append(r)
    return out


def _hot_issues(q, frame, des, groupings, top_n, ci_method, confidence) -> Optional[dict]:
    """Hot issues: the multiple-choice question with most options (analysis.multiple)."""
    qq = _multiple_question(q)
    if qq is None:
        return None
    cols = [f"{qq.id}_{o.code}" for o in qq.options]
    if not all(c in frame.columns for c in cols):
        return None
    M = [answer_array(frame, c) for c in cols]  # 1/0 (int16 raw codes or floats), blank where not asked
    asked = asked_rows(M, len(frame))
    issue = [j for j, o in enumerate(qq.options) if not o.exclusive]
    excl = [j for j, o in enumerate(qq.options) if o.exclusive]
    ci_method = HOT_CI  # Korn–Graubard: bounds stay in 0–100% even at 0 successes (report.hot_issue_groups)
    res = multiple_choice(des, [M[j] for j in issue], [qq.options[j].code for j in issue], [qq.options[j].label for j in issue],
                          groupings=groupings, asked=asked, ci_method=ci_method, confidence=confidence)

    opt_area = {o.code: o.area for o in qq.options}

    def recs(gi: int) -> list:
        return [{"code": o.code, "label": o.label, "area": opt_area.get(o.code),
                 "respondents": _cstat(o.stats["respondents"][gi]),
                 "mentions": clip_share(_cstat(o.stats["mentions"][gi]))} for o in res.options]

    rows = _rank_records(recs(0), "respondents")
    by: dict = {}
    for gi, (g, lab) in enumerate(res.groups):
        if g is None or res.n_asked[gi] == 0:
            continue
        ranked = _rank_records(recs(gi), "respondents")
        by.setdefault(g, {})[lab] = {"n": res.n_asked[gi], "small_base": res.n_asked[gi] < SMALL_BASE,
                                     "suppressed": res.n_asked[gi] < MIN_CELL, "top": ranked[:top_n]}
    top_codes = {r["code"] for r in rows[:top_n]}
    by_site = {lab: [r for r in v["top"] if r["code"] in top_codes] for lab, v in by.get("site", {}).items()}
    none_share = None
    if excl:
        ex = multiple_choice(des, [M[excl[0]]], [qq.options[excl[0]].code], [qq.options[excl[0]].label],
                             asked=asked, ci_method=ci_method, confidence=confidence)
        none_share = _cstat(ex.options[0].stats["respondents"][0])
    top_j = [issue[[qq.options[j].code for j in issue].index(r["code"])] for r in rows[:top_n]]
    differ = hot_issue_groups(des, [M[j] for j in top_j], asked, [qq.options[j].code for j in top_j],
                              [qq.options[j].label for j in top_j], groupings)
    return {"question": qq.id, "text": qq.text, "max": qq.max, "n": res.n_asked[0], "ci_method": ci_method,
            "groups_differ": differ,
            "mean_mentions": res.mean_mentions[0] if res.n_asked[0] else None,
            "items": rows, "top": rows[:top_n], "by_site": by_site, "by": by, "none": none_share}


def _ranking(q, frame, des, ci_method, confidence, groupings=()) -> Optional[dict]:
    """The ranking question: first-choice share and Borda score per option (analysis.multiple)."""
    qq = next((x for x in q.questions if x.type == "ranking"), None)
    if qq is None:
        return None
    cols = [f"{qq.id}_{o.code}" for o in qq.options]
    if not all(c in frame.columns for c in cols):
        return None
    R = [float_column(frame, c) for c in cols]
    k = qq.k or len(qq.options)
    res = ranking_scores(des, R, [o.code for o in qq.options], [o.label for o in qq.options], k=k,
                         groupings=groupings, ci_method=ci_method, confidence=confidence)

    def recs(gi: int) -> list:
        return [{"code": o.code, "label": o.label, "first_choice": _cstat(o.stats["first_choice"][gi]),
                 "borda": _cstat(o.stats["borda"][gi])} for o in res.options]

    by: dict = {}
    for gi, (g, lab) in enumerate(res.groups):
        if g is not None and res.n_asked[gi]:
            by.setdefault(g, {})[lab] = {"n": res.n_asked[gi], "small_base": res.n_asked[gi] < SMALL_BASE,
                                         "items": _rank_records(recs(gi), "borda")}
    return {"question": qq.id, "text": qq.text, "k": k, "n": res.n_asked[0], "items": _rank_records(recs(0), "borda"),
            "by": by}


def _open_question(q: Questionnaire) -> Optional[Question]:
    """The questionnaire's open (text) question, if any: the one the open-answer sections read."""
    return next((x for x in q.questions if x.type == "text"), None)


def preload_segmenter(q: Questionnaire) -> None:
    """Start loading jieba's dictionary before the responses are read, when the questionnaire has an
    open question (:func:`report.segmenter.preload`: in a worker process for the ``survey`` command;
    ``survey analyze`` starts it before its imports, and a questionnaire without one stops it)."""
    from .segmenter import discard, preload

    if _open_question(q) is not None:
        preload()  # nothing new when the command started it already
    else:
        discard()  # started ahead by the command, not needed


def _open_text(q, frame) -> Optional[dict]:
    """Frequent words of the open question: each distinct answer is segmented once (jieba) and its
    words counted as often as the answer occurs; answers saying nothing (没有意见, 无 …:
    :func:`report.themes.is_non_answer`) are counted apart (``n_non_answers``), not as answers."""
    qq = _open_question(q)
    if qq is None or qq.id not in frame.columns:
        return None
    vc = frame[qq.id].dropna().astype(str).value_counts()  # distinct answers, counted in C
    if len(vc):  # personal data masked before anything is counted or quoted (survey.pii)
        vc = vc.groupby(vc.index.map(lambda t: mask_pii(t).strip())).sum()
        vc = vc[(vc.index != "") & (vc.index != "(空)")].sort_values(ascending=False, kind="stable")
    from .segmenter import top_words
    from .themes import is_non_answer

    said = vc.index.map(is_non_answer).to_numpy(dtype=bool) if len(vc) else np.zeros(0, dtype=bool)
    n_non = int(vc[said].sum()) if len(vc) else 0
    vc = vc[~said] if len(vc) else vc  # 没有意见, 无, 暂无 …: no opinion, out of the count and the words
    words = top_words([(t, int(c)) for t, c in vc.items()], 20, STOPWORDS)
    return {"question": qq.id, "text": qq.text, "n_answers": int(vc.sum()), "n_non_answers": n_non,
            "top_words": [{"word": w_, "count": c} for w_, c in words],
            "examples": [{"text": t, "count": int(c)} for t, c in vc.head(8).items()]}


def _open_themes(q, frame, des, themes, ci_method, confidence) -> Optional[dict]:
    """The open question's answers coded into themes (:mod:`report.themes`; ``themes`` None: the bundled
    dictionary of the questionnaire, if any)."""
    qq = _open_question(q)
    if qq is None or qq.id not in frame.columns:
        return None
    themes = theme_dictionary(q.id, lang=q.language) if themes is None else themes
    out = code_themes(frame[qq.id], des, themes, ci_method=ci_method, confidence=confidence)
    if out:
        out.update(question=qq.id, text=qq.text)
    return out


def _ipa_items(q, items: Sequence[ItemSpec]) -> list:
    """(item key, its question) of the items the IPA places: scored satisfaction items other than the
    overall question (whose own score is the other side of the correlation)."""
    oq = q.overall_question
    out = []
    for it in items:
        if it.kind != "satisfaction" or it.key == oq or not it.scores:
            continue
        qq = q.get(it.key.split("_")[0])
        if qq is not None and qq.scores:
            out.append((it.key, qq))
    return out


def _weight_per_code(des: Design, coded: dict, keys: Sequence[str], counts: Optional[CodeCounts] = None) -> dict:
    """{item: (value per code, Σ weight per code)} of the items ``keys``; an unweighted sample's sums of
    weights are its counts (exactly), counted without a weighted pass (``counts``: the analysis's
    :class:`analysis.domains.CodeCounts`, shared with the question tables)."""
    w = np.asarray(des.weights, dtype=float)
    unit = unit_weights(w)
    counts = CodeCounts() if counts is None else counts
    out = {}
    for k in keys:
        codes, vals = coded[k]
        out[k] = (vals, counts.of(codes, len(vals)) if unit
                  else np.bincount(codes, weights=w, minlength=len(vals)))
    return out


def _ipa_importance(q, frame, des, items: Sequence[ItemSpec], coded: dict) -> dict:
    """{item key: (derived importance, n)} of the IPA's items (analysis.ipa.importances): a section of
    its own (it needs the coded columns, not the indices), so it runs beside the others."""
    if not q.overall_question or q.overall_question not in frame.columns:
        return {}
    oq = q.question(q.overall_question)
    its = _ipa_items(q, items)
    S = [_scored(coded_column(frame, key, coded), qq.scores) for key, qq in its]
    imp = importances(S, _scored(coded_column(frame, oq.id, coded), oq.scores), des.weights)
    return {key: r for (key, _), r in zip(its, imp)}


def _ipa(item_out: list, importance: dict) -> list:
    """Importance–performance of the satisfaction items against the overall question (analysis.ipa): the
    importances of the section :func:`_ipa_importance`, the performance the items' indices."""
    its = [it for it in item_out if it["key"] in importance and it.get("index")]
    if not its:
        return []
    res = classify([it["key"] for it in its], [importance[it["key"]] for it in its],
                   [it["index"]["estimate"] if it["index"]["estimate"] is not None else np.nan for it in its])
    return [{"key": it["key"], "label": it["label"], "area": it["area"], "importance": _num(r.importance),
             "performance": _num(r.performance), "n": r.n, "quadrant": r.quadrant}
            for it, r in zip(its, res) if np.isfinite(r.importance)]


def _league(area_out, composite, by: str) -> Optional[dict]:
    """Groups ranked by the composite index: :func:`analysis.compare.league` with CI-aware ties.

    Tie rule ``overlap`` (the report's stated rule): group i ranks significantly above j when
    i's interval lies entirely above j's; ``rank_best``/``rank_worst`` bound the ranks each group
    could hold, ``tied_with`` lists the groups it cannot be told apart from, ``small_base`` flags
    n < 30.  Each row keeps the composite record's keys (estimate, se, ci, n, df, target, ...).
    """
    if not composite or by not in composite.get("by", {}):
        return None
    src = [dict(r) for r in composite["by"][by] if r.get("estimate") is not None]
    if not src:
        return {"by": by, "measure": "composite index", "rows": [], "tie_rule": "overlap", "small_base": SMALL_BASE}
    lg = league([r["group"] for r in src], [r["estimate"] for r in src],
                se=[_float(r.get("se")) for r in src], ci_low=[_float(r.get("ci_low")) for r in src],
                ci_high=[_float(r.get("ci_high")) for r in src], n=[int(r.get("n") or 0) for r in src],
                df=[_float(r.get("df")) for r in src], method="overlap", small_base=SMALL_BASE)
    by_group = {r["group"]: r for r in src}
    rows = []
    for lr in lg:
        r = by_group[lr.group]
        r.update(lr.to_dict())
        rows.append(r)
    return {"by": by, "measure": "composite index", "rows": rows, "tie_rule": "overlap", "small_base": SMALL_BASE}


def _float(x) -> float:
    """A number from a result dict (None → NaN, "inf" → inf)."""
    return float("nan") if x is None else float(x)


def compare(current: dict, previous: dict, *, confidence: float = 0.95) -> list:
    """Changes of every indicator between two waves (independent samples).

    :func:`analysis.compare.independent_difference` (current − previous): ``se = √(se₁² + se₀²)``
    (covariance 0, as R's ``svycontrast`` on the waves stacked as separate strata); interval and
    p from Student t with the Welch–Satterthwaite df ``(v₁ + v₀)² / (v₁²/df₁ + v₀²/df₀)`` from each
    wave's design df (normal when both are infinite); significant when the interval excludes 0.
    """
    prev = {i["id"]: i for i in previous.get("indicators", [])}
    out = []
    for ind in current.get("indicators", []):
        p = prev.get(ind["id"])
        if not p:
            continue
        for m in ("rate", "index"):
            a, b = ind.get(m), p.get(m)
            if not a or not b or a.get("estimate") is None or b.get("estimate") is None:
                continue
            if a.get("se") is None or b.get("se") is None:
                continue
            cur = {"estimate": a["estimate"], "se": a["se"], "df": _float(a.get("df"))}
            pre = {"estimate": b["estimate"], "se": b["se"], "df": _float(b.get("df"))}
            d = independent_difference(cur, pre, confidence=confidence).to_dict()
            lo, hi = d["ci_low"], d["ci_high"]
            sig = bool(d["significant"])
            out.append({"id": ind["id"], "name": ind["name"], "measure": m, "current": a["estimate"],
                        "previous": b["estimate"], "diff": d["estimate"], "se": d["se"], "ci_low": lo,
                        "ci_high": hi, "p": d["p"], "significant": sig, "n": a.get("n"), "n_previous": b.get("n"),
                        "arrow": ("↑" if d["estimate"] > 0 else "↓") if sig else "→",
                        "df": d["df"], "statistic": d["statistic"], "direction": d["direction"],
                        "confidence": confidence, "method": "independent (Welch–Satterthwaite t)"})
    return out

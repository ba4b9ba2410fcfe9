"""Evaluation frameworks (测评体系): the YAML file and the external scores spreadsheet of ``survey score``.

A framework has aspects → indicators → items, each with a ``weight`` (points or shares: weights are
normalised among siblings) and every item a source — a survey estimate of the questionnaire
(``survey:`` an indicator id, ``area:<area id>`` or an item key such as ``C1_r3``, with ``measure:
rate`` or ``index``) or an ``external:`` column of the scores spreadsheet (field inspection 实地考察,
document review 材料审核), one row per district (and wave).  The format is documented in
``docs/score-framework.md``.  The file is validated like a questionnaire: every problem at once,
each with file:line:column (:mod:`survey.qload` node machinery).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from .errors import MinyiError
from .messages import Problem, did_you_mean, problem
from .qload import Node, _Checker, compose, read_text
from .questionnaire import Questionnaire

SCHEMA = {
    "framework": {"framework", "title", "version", "description", "aspects"},
    "aspect": {"id", "name", "weight", "indicators", "note"},
    "indicator": {"id", "name", "weight", "items", "note"},
    "item": {"id", "name", "weight", "survey", "measure", "external", "max", "note"},
}
REQUIRED = {"framework": ("aspects",), "aspect": ("id", "name", "weight", "indicators"),
            "indicator": ("id", "name", "weight", "items"), "item": ("id", "name", "weight")}
MEASURES = ("rate", "index")
AREA = "area:"
DISTRICT_HEADERS = ("区县", "地区", "区域", "district", "District")
WAVE_HEADERS = ("期次", "批次", "wave", "Wave")
CITY_NAMES = ("全市", "全市平均", "市级", "city", "City", "total")
# full marks from which a bare value between 0 and 1 (0.86) is taken for a share written as a fraction, not
# points: under 1 point of 10 or 100 is no field-inspection score, 86% of them is (catalogue external-value-share)
SHARE_SUSPECT_MAX = 10


@dataclass
class FrameworkItem:
    id: str
    name: str
    weight: float
    survey: Optional[str] = None
    measure: Optional[str] = None
    external: Optional[str] = None
    max: float = 100.0
    line: int = 0
    column: int = 0


@dataclass
class FrameworkIndicator:
    id: str
    name: str
    weight: float
    items: list = field(default_factory=list)
    line: int = 0


@dataclass
class FrameworkAspect:
    id: str
    name: str
    weight: float
    indicators: list = field(default_factory=list)
    line: int = 0


@dataclass
class Framework:
    """A validated evaluation framework."""

    title: str
    version: str
    description: str
    aspects: list
    path: str = ""

    def items(self) -> list:
        return [it for a in self.aspects for i in a.indicators for it in i.items]

    def external_columns(self) -> list:
        return list(dict.fromkeys(it.external for it in self.items() if it.external))


# ----------------------------------------------------------------------------- survey sources
def survey_sources(q: Questionnaire) -> dict[str, dict]:
    """What ``survey:`` may name: indicator ids, ``area:<id>`` and item keys (a question with an indicator, or
    a matrix row ``<question>_<row>``) → {"items": [item keys], "scored": bool, "kind": indicator kind}."""
    from .questionnaire import Question  # noqa: F401  (types only)

    out: dict[str, dict] = {}
    by_area: dict[str, list] = {}
    for ind in q.indicators:
        qq = q.get(ind.question)
        if qq is None:
            continue
        keys = [f"{qq.id}_{r.id}" for r in qq.rows] if qq.type == "matrix" else [qq.id]
        scored = ind.kind == "satisfaction" and bool(qq.scores)
        out[ind.id] = {"items": keys, "scored": scored, "kind": ind.kind}
        for r in (qq.rows if qq.type == "matrix" else [None]):
            key = f"{qq.id}_{r.id}" if r is not None else qq.id
            out.setdefault(key, {"items": [key], "scored": scored, "kind": ind.kind})
            area = (r.area if r is not None and r.area else None) or qq.area or ind.area
            if area:
                by_area.setdefault(area, []).append((key, scored))
    for a in q.areas:
        if a.id in by_area:
            keys = [k for k, _ in by_area[a.id]]
            out[AREA + a.id] = {"items": keys, "scored": all(s for _, s in by_area[a.id]), "kind": "area"}
    return out


# ----------------------------------------------------------------------------- the YAML file
def _weight(ck: _Checker, d: dict, where: str) -> float:
    n = d.get("weight")
    if n is None:
        return 0.0
    v = n.value
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)) or v <= 0:
        ck.add("framework-weight", n, where=where, value=repr(v))
        return 0.0
    return float(v)


def _build(root: Node, ck: _Checker, q: Optional[Questionnaire]) -> Optional[Framework]:
    top = ck.mapping(root, "framework", "the framework")
    if not top and not isinstance(root.value, dict):
        return None
    sources = survey_sources(q) if q is not None else None
    fw = Framework(title=ck.text(top, "framework", "framework") or ck.text(top, "title", "framework") or "测评体系",
                   version=ck.text(top, "version", "framework", "") or "",
                   description=ck.text(top, "description", "framework", "") or "", aspects=[])
    seen: dict[str, int] = {}

    def unique(d: dict, what: str, node: Node) -> str:
        ident = ck.text(d, "id", what) or ""
        if ident in seen:
            ck.add("duplicate-id", d.get("id"), what=what, id=ident, first_line=seen[ident])
        elif ident:
            seen[ident] = d["id"].line if "id" in d else node.line
        return ident

    aspects = ck.seq(top.get("aspects"), "aspects")
    if "aspects" in top and not aspects and isinstance(top["aspects"].value, list):
        ck.add("framework-empty", top["aspects"], where="the framework", what="aspects")
    for an in aspects:
        ad = ck.mapping(an, "aspect", "an aspect")
        if not ad:
            continue
        aid = unique(ad, "aspect", an)
        asp = FrameworkAspect(aid, ck.text(ad, "name", f"aspect {aid}") or aid, _weight(ck, ad, f"aspect {aid}"),
                              line=an.line)
        inds = ck.seq(ad.get("indicators"), f"aspect {aid} indicators")
        if "indicators" in ad and not inds and isinstance(ad["indicators"].value, list):
            ck.add("framework-empty", ad["indicators"], where=f"aspect {aid}", what="indicators")
        for inn in inds:
            idd = ck.mapping(inn, "indicator", f"an indicator of aspect {aid}")
            if not idd:
                continue
            iid = unique(idd, "indicator", inn)
            ind = FrameworkIndicator(iid, ck.text(idd, "name", f"indicator {iid}") or iid,
                                     _weight(ck, idd, f"indicator {iid}"), line=inn.line)
            its = ck.seq(idd.get("items"), f"indicator {iid} items")
            if "items" in idd and not its and isinstance(idd["items"].value, list):
                ck.add("framework-empty", idd["items"], where=f"indicator {iid}", what="items")
            for itn in its:
                item = _item(ck, itn, iid, sources, unique)
                if item is not None:
                    ind.items.append(item)
            asp.indicators.append(ind)
        fw.aspects.append(asp)
    return fw


def _item(ck: _Checker, itn: Node, iid: str, sources: Optional[dict], unique) -> Optional[FrameworkItem]:
    d = ck.mapping(itn, "item", f"an item of indicator {iid}")
    if not d:
        return None
    tid = unique(d, "item", itn)
    where = f"item {tid}"
    item = FrameworkItem(tid, ck.text(d, "name", where) or tid, _weight(ck, d, where),
                         survey=ck.text(d, "survey", where), measure=ck.text(d, "measure", where),
                         external=ck.text(d, "external", where), line=itn.line, column=itn.column)
    if (item.survey is None) == (item.external is None):
        ck.add("framework-source", itn, item=tid)
        return item
    if item.external is not None:
        if item.measure is not None:
            ck.add("framework-measure", d["measure"], item=tid, measure=item.measure, ref=item.external,
                   reason="an external score has no measure", choices="no measure: remove it")
        mx = ck.number(d, "max", where)
        if mx is not None:
            if mx <= 0:
                ck.add("framework-max", d["max"], where=where, value=repr(d["max"].value))
            else:
                item.max = mx
        return item
    if "max" in d:
        ck.add("framework-measure", d["max"], item=tid, measure="max", ref=item.survey,
               reason="survey estimates are scored 0–100 by themselves", choices="no max: remove it")
    if item.measure is not None and item.measure not in MEASURES:
        ck.add("framework-measure", d["measure"], item=tid, measure=item.measure, ref=item.survey,
               reason="unknown measure", choices=" or ".join(MEASURES))
        return item
    if sources is not None:
        src = sources.get(item.survey)
        if src is None:
            ck.add("unknown-ref", d["survey"], where=where, what="survey indicator, area or item", ref=item.survey,
                   suggestion=did_you_mean(item.survey, list(sources)) or "use an indicator id of the questionnaire")
            return item
        if item.measure is None:
            item.measure = "index" if src["scored"] else "rate"
        if item.measure == "index" and not src["scored"]:
            ck.add("framework-measure", d.get("measure", itn), item=tid, measure="index", ref=item.survey,
                   reason="it has no scored answers (only satisfaction scales have an index)", choices="rate")
        if item.survey.startswith(AREA) and item.measure == "rate":
            pass  # an area's 满意率: the mean of its items' rates
    return item


def validate_framework(path: str | Path, q: Optional[Questionnaire] = None) -> tuple[Optional[Framework], list[Problem]]:
    """Parse and validate a framework file (against ``q`` when given); the model (or None) and all problems."""
    text, probs = read_text(path)
    if text is None:
        return None, probs
    ck = _Checker(str(path), SCHEMA, REQUIRED)
    root = compose(text, ck)
    if root is None:
        return None, ck.problems
    fw = _build(root, ck, q)
    if fw is not None:
        fw.path = str(Path(path).resolve())
    return fw, ck.problems


def load_framework(path: str | Path, q: Optional[Questionnaire] = None) -> Framework:
    """A valid framework, or :class:`MinyiError` listing every problem with its line and column."""
    fw, probs = validate_framework(path, q)
    errors = [p for p in probs if p.severity == "error"]
    if errors or fw is None:
        raise MinyiError(errors or probs)
    return fw


def bundled_framework_path() -> Path:
    """The example framework for the bundled questionnaire."""
    from importlib.resources import files

    return Path(str(files("questionnaires").joinpath("civic_framework.yaml")))


def bundled_external_path() -> Path:
    """The example external scores (field inspection, document review) for the bundled districts."""
    from importlib.resources import files

    return Path(str(files("questionnaires").joinpath("civic_external_scores.csv")))


# ----------------------------------------------------------------------------- external scores
@dataclass
class ExternalScores:
    """Scores read from the spreadsheet: ``values[(district, wave or None)][column]`` (floats)."""

    path: str
    values: dict
    has_wave: bool

    def table(self, districts: list, columns: list, wave: Optional[str]) -> np.ndarray:
        """(1 + districts) × columns, NaN where missing; row 0 = the city (its own row, else the mean of
        the districts when every district has a value)."""
        out = np.full((len(districts) + 1, len(columns)), np.nan)
        for i, dname in enumerate([None] + list(districts)):
            row = self.values.get((dname, wave if self.has_wave else None), {})
            for j, c in enumerate(columns):
                v = row.get(c)
                if v is not None:
                    out[i, j] = v
        for j in range(len(columns)):
            if not np.isfinite(out[0, j]) and np.isfinite(out[1:, j]).all() and len(districts):
                out[0, j] = out[1:, j].mean()
        return out


def read_external(path: str | Path, q: Questionnaire, fw: Framework, waves: Optional[dict] = None) -> ExternalScores:
    """Read the external scores spreadsheet (CSV/XLSX): a district column (区县/地区/district; 全市 for the
    city), an optional wave column (期次/wave: ids or labels from ``waves``, id → label), and one column per
    ``external:`` name of ``fw``.  Cells are numbers from 0 to the item's ``max`` (a trailing % or 分 is
    allowed) or empty (missing).  Every problem is reported at once with its row and cell."""
    from .importers.base import SHEET_KINDS
    from .tabular import column_letters, read_raw, sniff_kind

    p = Path(path)
    if not p.exists():
        raise MinyiError.of("file-not-found", file=str(path), path=str(path))
    if p.is_dir() or p.stat().st_size == 0:
        raise MinyiError.of("file-empty" if not p.is_dir() else "file-unreadable", file=str(path), path=str(path),
                            reason="it is a folder")
    raw = read_raw(p, sniff_kind(p))
    df: pd.DataFrame = raw.frame
    first = raw.header_line + 1
    cols = [str(c).strip() for c in df.columns]
    xlsx = raw.kind in SHEET_KINDS
    probs: list[Problem] = []

    def where(j: int) -> str:
        return f"{column_letters(j)} ({cols[j]})" if xlsx else cols[j]

    dcol = next((j for j, c in enumerate(cols) if c in DISTRICT_HEADERS), None)
    if dcol is None:
        raise MinyiError.of("external-no-district", file=str(path), columns=", ".join(cols[:8]))
    wcol = next((j for j, c in enumerate(cols) if c in WAVE_HEADERS), None)
    maxes = {it.external: it.max for it in fw.items() if it.external}
    for name in maxes:
        if name not in cols:
            probs.append(problem("external-column", file=str(path), column=name, item=", ".join(
                it.id for it in fw.items() if it.external == name),
                suggestion=did_you_mean(name, cols) or f"columns: {', '.join(cols[:10])}"))
    dq = q.question(q.district_question) if q.district_question else None
    districts = [o.label for o in dq.options] if dq is not None else []
    by_code = {str(o.code): o.label for o in dq.options} if dq is not None else {}
    wave_ids = dict(waves or {})  # id -> label
    by_label = {v: k for k, v in wave_ids.items()}
    values: dict = {}
    seen: dict = {}
    # a workbook's number cells shown as percentages: 86% typed in Excel is the number 0.86 under a % format,
    # read as it shows (the text "86%"), not as 0.86 points
    shown_pct = {(i, j): v for i, j, _, v in raw.percents}
    for i, row in enumerate(df.itertuples(index=False, name=None)):
        rno = first + i
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        dv = str(row[dcol]).strip() if row[dcol] is not None else ""
        if dv in CITY_NAMES:
            dname = None
        elif dv in districts:
            dname = dv
        elif dv in by_code:
            dname = by_code[dv]
        else:
            probs.append(problem("external-district", file=str(path), row=rno, column=where(dcol), value=dv,
                                 choices=", ".join(districts + ["全市"]),
                                 suggestion=did_you_mean(dv, districts)))
            continue
        wave = None
        if wcol is not None:
            wv = str(row[wcol]).strip() if row[wcol] is not None else ""
            if wv in wave_ids:
                wave = wv
            elif wv in by_label:
                wave = by_label[wv]
            else:
                probs.append(problem("external-wave", file=str(path), row=rno, column=where(wcol), value=wv,
                                     suggestion=did_you_mean(wv, list(wave_ids) + list(by_label))
                                     or f"waves: {', '.join(wave_ids.values()) or '(none imported)'}"))
                continue
        key = (dname, wave)
        if key in seen:
            probs.append(problem("external-duplicate", file=str(path), row=rno, column=where(dcol),
                                 district=dv, first=seen[key]))
            continue
        seen[key] = rno
        rec = {}
        for name, mx in maxes.items():
            if name not in cols:
                continue
            j = cols.index(name)
            cell = row[j]
            text = "" if cell is None else str(cell).strip()
            if (i, j) in shown_pct and text != "":
                text = f"{shown_pct[i, j] * 100:.10g}%"
            if text == "":
                continue
            unit = re.search(r"\s*(%|分)$", text)
            num = text[:unit.start()] if unit else text
            try:
                v = float(num)
            except ValueError:
                v = math.nan
            if not math.isfinite(v) or v < 0 or v > mx:
                probs.append(problem("external-value", file=str(path), row=rno, column=where(j), value=text,
                                     max=f"{mx:g}"))
                continue
            if unit is None and 0 < v < 1 and mx >= SHARE_SUSPECT_MAX:
                # 0.86 in a column of points out of 100: a share (86%) written as a fraction, which taken as
                # points would sink the district to the bottom of the league table without a word
                probs.append(problem("external-value-share", file=str(path), row=rno, column=where(j), value=text,
                                     max=f"{mx:g}", pct=f"{v * 100:.10g}", points=f"{v * mx:.10g}"))
                continue
            rec[name] = 100.0 * v / mx
        values[key] = rec
    if probs:
        raise MinyiError(probs)
    return ExternalScores(str(path), values, wcol is not None)

"""``survey score``: a project wave scored by an evaluation framework (测评体系), per district and for the city.

The framework file (:mod:`survey.framework`) gives aspects → indicators → items with weights; survey
items become 0–100 columns of the wave (:mod:`report.survey_items`), external items come from the
scores spreadsheet; :func:`analysis.score.framework_scores` scores every node with the survey part's
linearised SE/CI and ranks the districts (CI-aware).  Missing external scores and survey items without
respondents are listed by district and item — the affected aspects and the overall score are left
empty for that district, never counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import numpy as np

from analysis.score import SCORE_RANGE, ScoreNode, ScoreResult, framework_scores
from analysis.thresholds import SMALL_BASE
from survey.errors import MinyiError
from survey.framework import AREA, Framework, load_framework, read_external, survey_sources
from survey.store import Project
from survey.waves import wave_info

from .findings import withheld_text
from .labels import label
from .survey_items import wave_items
from .tracking_text import table


SCORE_FIELDS = ("estimate", "se", "ci_low", "ci_high", "df", "n", "complete", "survey_share")


@dataclass(frozen=True)
class ProjectScores:
    """Everything ``survey score`` reports (see :meth:`to_dict` for the JSON)."""

    wave: str
    wave_label: str
    framework: Framework
    result: ScoreResult
    external_path: Optional[str]
    nodes: tuple  # (ScoreNode, level, parent id, FrameworkItem or None) depth first
    # the labels of the waves the scores file's 期次 column holds, when none of its rows is this wave's: every
    # external item is then missing, and the table says why rather than listing 缺项 everywhere without a word
    external_waves: tuple = ()

    def city(self, node_id: str):
        return self.result.value(node_id, None)

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        out_nodes = []
        for node, level, parent, item in self.nodes:
            rec = {"id": node.id, "name": node.name, "level": level, "parent": parent, "weight": node.weight}
            if item is not None:
                rec.update({"source": "survey" if item.survey else "external", "survey": item.survey,
                            "measure": item.measure, "external": item.external,
                            "max": item.max if item.external else None})
            out_nodes.append(rec)
        scores = []
        for gi, g in enumerate(r.groups):
            vals = {node.id: r.values[node.id][gi].record(SCORE_FIELDS) for node, _, _, _ in self.nodes}
            scores.append({"group": g, "overall": vals[r.root.id], "complete": r.values[r.root.id][gi].complete,
                           "nodes": vals, "missing": [m.item for m in r.missing if m.group == g]})
        return {"wave": self.wave, "wave_label": self.wave_label,
                "framework": {"title": self.framework.title, "version": self.framework.version,
                              "path": self.framework.path},
                "external": self.external_path, "confidence": r.confidence,
                "method": {"score": "weights normalised among siblings; every score is the weighted mean of its "
                                    "children (0–100)",
                           "se": "survey part: linear combination of domain means with their covariance "
                                 "(svycontrast on svyratio); external scores: no sampling error",
                           "ci": "Student t on the design df of the district's (or city's) valid rows",
                           "league": "pairwise t tests of differences (with the covariance between districts); "
                                     "rank_best/rank_worst bound the ranks a district could hold",
                           "city_external": "the city's row of the scores file, else the mean of the districts"},
                "nodes": out_nodes, "scores": scores,
                "league": [lr.to_dict() for lr in r.league],
                "missing": [m.to_dict() for m in r.missing]}

    def lines(self) -> list[str]:
        """The terminal table: city and districts with the overall score, its CI and rank range, and each
        aspect's score; then every missing (district, item)."""
        r = self.result
        aspects = [n for n, level, _, _ in self.nodes if level == "aspect"]
        out = [f"{self.framework.title} — {self.wave_label}"
               + (f"（外部评分：{Path(self.external_path).name}）" if self.external_path else "")]
        n_ext = sum(1 for _, _, _, it in self.nodes if it is not None and it.external)
        if n_ext and not self.external_path:
            out.append(f"注：测评体系有 {n_ext} 项外部评分，未给出外部评分文件（--external），各区县均缺这些项，"
                       "无法计算总分")
        if n_ext and self.external_waves:
            out.append(f"注：外部评分文件 {Path(self.external_path).name} 的期次列没有{self.wave_label}的行（只有"
                       f"{'、'.join(self.external_waves)}），各区县均缺外部评分项，无法计算总分；"
                       f"如需为{self.external_waves[-1]}评分，请用 --wave 指定该期")
        ranks = {lr.group: lr for lr in r.league}
        rows = [["", "总分", "95%置信区间", "排名"] + [a.name for a in aspects]]
        small: list = []
        cut = False
        for gi, g in enumerate(r.groups):
            v = r.values[r.root.id][gi]
            if not v.complete:
                est, ci, rank = "—", "缺项", "—"
            else:
                lr = ranks.get(g)
                rank = "" if g is None else (f"{lr.rank}" + (f" ({lr.rank_best}–{lr.rank_worst})"
                                                             if lr.rank_best != lr.rank_worst else "")) if lr else "—"
                if lr is not None and lr.small_base:  # the small-base rule: no place stated on a small base
                    rank, small = "△", small + [lr]
                ci, was_cut = score_interval(v.ci_low, v.ci_high) if v.se > 0 else ("(无抽样误差)", False)
                cut |= was_cut
                est = f"{v.estimate:.1f}"
            rows.append([g or "全市", est, ci, rank] + [f"{r.values[a.id][gi].estimate:.1f}"
                                                         if r.values[a.id][gi].complete else "—" for a in aspects])
        out += table(rows, right=tuple(range(1, 4 + len(aspects))))
        if r.league:  # what the rank and its brackets are, and why the report's ranking is another one
            out.append(label("score.rank_note").format(external="，含外部评分" if self.external_path else "",
                                                       level=f"{r.confidence:.0%}"))
        for lr in small:  # said with its base, in the words of the verdicts (report.findings.too_few_to_judge)
            out.append("△ " + label("grp.withheld").format(group=lr.group, text=withheld_text({"n": lr.n}))
                       + f"，不排名，总分仅供参考；其余区县的名次仍按全部{len(r.league)}个区县排列。")
        if cut:  # as the report says of its intervals (the label method.clipped, survey/labels.py)
            out.append("注：少数置信区间（多为小样本）按t分布计算时超出0–100分，超出的部分已截断至端点；"
                       "--json 保留原值。")
        if r.missing:
            names = {n.id: n.name for n, _, _, _ in self.nodes}
            out.append("缺项（无得分，不按零分计）：")
            by_group: dict = {}
            for m in r.missing:
                by_group.setdefault(m.group or "全市", []).append(f"{names.get(m.item, m.item)}"
                                                                 f"{'（外部评分）' if m.source == 'external' else '（无样本）'}")
            for g, items in by_group.items():
                out.append(f"  {g}：{'、'.join(items)}")
        return out


def score_interval(lo: float, hi: float) -> tuple[str, bool]:
    """A score's interval as the table prints it, cut at the 0–100 scale (:data:`analysis.score.SCORE_RANGE`): a
    Wald interval on a small base can reach past 100 (98.0 [93.1, 102.9]), which no score can; and whether it was
    cut.  ``survey score --json`` keeps the raw bounds, as ``survey analyze --json`` does."""
    a, b = max(lo, SCORE_RANGE[0]), min(hi, SCORE_RANGE[1])
    return f"[{a:.1f}, {b:.1f}]", (a, b) != (lo, hi)


def _tree(fw: Framework, sources: dict, columns: list) -> tuple[ScoreNode, list, tuple]:
    """The framework as a :class:`ScoreNode` tree; fills ``columns`` with the survey (item key, measure)
    columns and returns the external column names in leaf order."""
    ext_cols: list = []
    nodes: list = []

    def leaf(it) -> ScoreNode:
        if it.survey:
            keys = sources[it.survey]["items"]
            idx = []
            for k in keys:
                if (k, it.measure) not in columns:
                    columns.append((k, it.measure))
                idx.append(columns.index((k, it.measure)))
            return ScoreNode(it.id, it.name, it.weight, coef=("cols", tuple(idx)), level="item")
        if it.external not in ext_cols:
            ext_cols.append(it.external)
        return ScoreNode(it.id, it.name, it.weight, external=ext_cols.index(it.external), level="item")

    aspects = []
    for a in fw.aspects:
        inds = []
        for i in a.indicators:
            inds.append(ScoreNode(i.id, i.name, i.weight, children=tuple(leaf(it) for it in i.items), level="indicator"))
        aspects.append(ScoreNode(a.id, a.name, a.weight, children=tuple(inds), level="aspect"))
    root = ScoreNode("overall", fw.title, 1.0, children=tuple(aspects), level="framework")
    # turn the column references into coefficient vectors now that every column is known
    K = len(columns)

    def fix(n: ScoreNode) -> ScoreNode:
        if n.children:
            return ScoreNode(n.id, n.name, n.weight, children=tuple(fix(c) for c in n.children), level=n.level)
        if isinstance(n.coef, tuple):
            c = np.zeros(K)
            for j in n.coef[1]:
                c[j] += 1.0 / len(n.coef[1])
            return ScoreNode(n.id, n.name, n.weight, coef=c, level="item")
        return n

    root = fix(root)
    items = {it.id: it for it in fw.items()}

    def visit(n: ScoreNode, parent: Optional[str]) -> None:
        nodes.append((n, n.level, parent, items.get(n.id) if n.level == "item" else None))
        for c in n.children:
            visit(c, n.id)

    visit(root, None)
    return root, ext_cols, tuple(nodes)


def project_scores(project: Project, framework: str | Path, *, external: Optional[str | Path] = None,
                   wave: Optional[str] = None, confidence: float = 0.95, na_policy: Optional[str] = None) -> ProjectScores:
    """Score ``wave`` (default: the latest) of ``project`` by the framework file (module docstring)."""
    q = project.questionnaire
    waves = project.waves()
    if not waves:
        raise MinyiError.of("no-responses-yet", file=str(project.root))
    if wave is not None and wave not in waves:
        from survey.messages import did_you_mean

        raise MinyiError.of("unknown-wave", file=str(project.root), wave=wave,
                            suggestion=did_you_mean(wave, waves) or f"waves: {', '.join(waves)}")
    wave = wave or waves[-1]
    fw = load_framework(framework, q)
    sources = survey_sources(q)
    columns: list = []
    root, ext_cols, nodes = _tree(fw, sources, columns)
    items = wave_items(project, wave, columns, na_policy=na_policy)
    ext, held = None, ()
    if ext_cols:
        if external is not None:
            labels = {w: wave_info(project.config, w).label for w in waves}
            scores = read_external(external, q, fw, labels)
            ext = scores.table(items.districts, ext_cols, wave)
            in_file = {w for _, w in scores.values}
            if scores.has_wave and in_file and wave not in in_file:
                held = tuple(labels[w] for w in waves if w in in_file)
        else:
            ext = np.full((len(items.districts) + 1, len(ext_cols)), np.nan)
    res = framework_scores(root, items.means if columns else None, ext, items.districts, confidence=confidence,
                           small_base=int(project.config.get("small_base", SMALL_BASE)))
    return ProjectScores(wave, wave_info(project.config, wave).label, fw, res,
                         str(external) if external is not None else None, nodes, held)


__all__ = ["ProjectScores", "project_scores", "AREA"]

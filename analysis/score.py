"""Evaluation scores (测评): a weighted tree of aspects → indicators → items, each item a survey estimate or an
external score, scored per group (district) and for the whole sample (city), with the survey part's
linearised SE and CI and a league table with CI-aware ranks.

**Score.** Every item is on a 0–100 scale.  A node's weights are normalised among its siblings (so
weights may be given as points: 20, 15, …), and every node's score is the weighted mean of its
children; so each node is linear in the item scores, ``S_N = Σ_j e_Nj s_j`` with ``e_Nj`` the product of
the normalised weights on the path from N down to item j (Σ_j e_Nj = 1).  A survey item is itself a
linear combination of item domain means (``s_j = Σ_k a_jk ȳ_k``: 100 × a rate, a satisfaction index
scaled to 100, the average of a matrix's rows); an external item is a constant per group.

**Result.** Every node's score is an :class:`analysis.result.Estimate` vector over the groups (element
0: the whole sample) with its covariance, n, df and ``extra`` ``complete`` and ``survey_share`` (the
share of the node's weight on survey items).

**Uncertainty.** The survey part ``Σ_j e_Nj Σ_k a_jk ȳ_gk`` is one combination of domain means, with the
covariance of :class:`analysis.combine.ItemMeans` (R ``svyratio(covmat=TRUE)`` + ``svycontrast``; golden
test ``tests/golden/r_score.R``); external scores carry no sampling error.  CI: Student t on the domain's
design df.  A node with no survey item has SE 0.

**Missing.** A node is complete in a group only if every item under it has a value there: an external
score present, a survey item with respondents.  Incomplete nodes get no score (never a zero) and the
missing (group, item) pairs are listed.

**League.** Complete groups ranked by the overall score with :func:`analysis.compare.league`
(``pairwise``: a difference is significant when it exceeds t·SE of the difference, using the covariance
between groups of the survey part; ``rank_best``/``rank_worst`` bound the rank each group could hold).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from .combine import ItemMeans
from .compare import SMALL_BASE, LeagueRow, league
from .result import Estimate

SCORE_RANGE = (0.0, 100.0)  # every item, and so every node, is scored on 0–100


@dataclass(frozen=True, eq=False)
class ScoreNode:
    """A node of the framework: children (aspects, indicators, items), or a leaf item with a source.

    A leaf has ``coef`` (coefficients over the survey columns giving its 0–100 score) or ``external``
    (its column index in the external score matrix)."""

    id: str
    name: str
    weight: float
    children: tuple = ()
    coef: Optional[np.ndarray] = None
    external: Optional[int] = None
    level: str = ""  # framework / aspect / indicator / item (for readers)

    def leaves(self) -> list:
        if not self.children:
            return [self]
        return [x for c in self.children for x in c.leaves()]

    def walk(self) -> list:
        """This node and every node under it, depth first."""
        return [self] + [x for c in self.children for x in c.walk()]


def effective_weights(node: ScoreNode) -> dict[str, float]:
    """Leaf id → e_Nj: the product of the sibling-normalised weights from ``node`` down to the leaf."""
    if not node.children:
        return {node.id: 1.0}
    tot = sum(c.weight for c in node.children)
    out: dict[str, float] = {}
    for c in node.children:
        for leaf, e in effective_weights(c).items():
            out[leaf] = out.get(leaf, 0.0) + (c.weight / tot) * e
    return out


@dataclass(frozen=True)
class MissingScore:
    """An item without a value in a group: an external score absent from the file, or a survey item
    without respondents in the group."""

    group: Optional[str]
    item: str
    source: str  # external | survey

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ScoreResult:
    """Scores of every node for every group (index 0 = whole sample), the missing items and the league."""

    root: ScoreNode
    groups: tuple          # labels; groups[0] is None (the whole sample)
    values: dict           # node id -> Estimate vector over the groups (extra: complete, survey_share)
    missing: tuple         # MissingScore
    league: tuple          # LeagueRow (complete groups, by the overall score)
    confidence: float = 0.95
    small_base: int = SMALL_BASE
    method: str = field(default="linear combination of domain means (svycontrast), Student t on the domain df")

    def value(self, node_id: str, group: Optional[str] = None) -> Estimate:
        """The score of ``node_id`` in ``group`` (None: the whole sample), a scalar :class:`Estimate`
        (``complete`` and ``survey_share`` in its extra)."""
        return self.values[node_id][self.groups.index(group)]


def framework_scores(root: ScoreNode, means: Optional[ItemMeans], external: Optional[np.ndarray],
                     group_labels: Sequence[str], *, confidence: float = 0.95,
                     small_base: int = SMALL_BASE) -> ScoreResult:
    """Score ``root`` (module docstring) for the whole sample and each of ``group_labels``.

    ``means``: :class:`ItemMeans` of the survey columns the leaves' ``coef`` refer to (grouped by the
    same groups, in the same order); ``external``: (1 + groups) × external columns, NaN = missing
    (row 0: the whole sample).
    """
    G = len(group_labels)
    labels = (None,) + tuple(group_labels)
    nodes = root.walk()
    leaves = {x.id: x for x in root.leaves()}
    # a leaf's own value per group (NaN = missing) — survey leaves from their own combination
    leaf_val: dict[str, np.ndarray] = {}
    missing = []
    for lf in leaves.values():
        if lf.coef is not None:
            if means is None:
                raise ValueError(f"item {lf.id} needs survey data")
            used = np.flatnonzero(np.asarray(lf.coef) != 0)
            est = (means.estimate[:, used] * np.asarray(lf.coef)[used]).sum(axis=1)
            leaf_val[lf.id] = est
            src = "survey"
        else:
            leaf_val[lf.id] = (np.asarray(external, dtype=float)[:, lf.external] if external is not None
                               else np.full(G + 1, np.nan))
            src = "external"
        for g in np.flatnonzero(~np.isfinite(leaf_val[lf.id])):
            missing.append(MissingScore(labels[g], lf.id, src))
    values: dict[str, Estimate] = {}
    for node in nodes:
        e = effective_weights(node)
        survey = [j for j in e if leaves[j].coef is not None]
        share = float(sum(e[j] for j in survey))
        ext = np.zeros(G + 1)
        complete = np.ones(G + 1, dtype=bool)
        for j in e:
            complete &= np.isfinite(leaf_val[j])
            if leaves[j].coef is None:
                ext = ext + e[j] * np.nan_to_num(leaf_val[j], nan=0.0)
        if survey:
            comb = means.combine(sum(e[j] * np.asarray(leaves[j].coef, dtype=float) for j in survey),
                                 confidence=confidence)
            est, cov, n, df = comb.coef() + ext, comb.vcov(), comb.n, comb.df
        else:  # external scores only: no sampling error
            est, cov, n, df = ext, np.zeros((G + 1, G + 1)), np.zeros(G + 1, dtype=int), np.full(G + 1, np.inf)
        est = np.where(complete, est, np.nan)
        values[node.id] = Estimate.of(est, np.diag(cov).copy(), cov=cov, n=n, df=df, confidence=confidence,
                                      labels=list(labels), var=node.id,
                                      extra={"complete": complete, "survey_share": np.full(G + 1, share)})
    top = values[root.id]
    ok = [g for g in range(1, G + 1) if top.extra["complete"][g]]
    rows: tuple = ()
    if ok:
        sub = top[np.array(ok)]
        rows = tuple(league([labels[g] for g in ok], sub.coef(), se=sub.SE(), ci_low=sub.ci_low, ci_high=sub.ci_high,
                            n=sub.n, cov=sub.vcov(), df=sub.df, method="pairwise", confidence=confidence,
                            small_base=small_base))
    return ScoreResult(root=root, groups=labels, values=values, missing=tuple(missing), league=rows,
                       confidence=confidence, small_base=small_base)


__all__ = ["ScoreNode", "MissingScore", "ScoreResult", "LeagueRow", "effective_weights",
           "framework_scores"]

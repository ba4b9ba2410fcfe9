"""Multiple-choice (hot issues) and ranking questions: design-based shares, ratios and scores.

Arrays in, results out (no I/O).  Every figure is a domain estimate over the respondents who
were asked the question, overall and for every group of the given groupings, computed by
:class:`analysis.domains.DomainEngine` (identical to ``design.subset`` + the estimators of
:mod:`analysis.estimators`, i.e. R ``svyby``):

* **% of respondents** choosing option j: ``p̂_j = Σ w d 1{x_j=1} / Σ w d`` with ``d`` = asked
  (R ``svyciprop(~I(x_j==1), subset(des, asked))``), interval by the chosen CI method;
* **% of mentions**: ``m̂_j = Σ w d x_j / Σ w d k`` with ``k`` the number of options a respondent
  chose — a ratio of totals with influence ``w d (x_j − m̂_j k)/Σ w d k`` (R ``svyratio(~x_j,
  ~k, subset(des, asked))``), Wald interval with t(df);
* **ranking** (rank 1 = first choice, empty = not ranked, ``k`` positions): first-choice share
  ``Σ w d 1{r_j=1} / Σ w d`` (R ``svyciprop``) and Borda score ``b_j = k + 1 − r_j`` (0 when
  unranked), its design mean with CI (R ``svymean``);
* **hot-issue ranking** (:func:`rank_options`): options sorted by estimate; an option is
  *tied* with its neighbour when their intervals overlap; ``rank_best``/``rank_worst`` give the
  range of ranks compatible with the intervals (an option is certainly below another only when
  its interval lies entirely below the other's).

Checked against R golden values in ``tests/golden/r_indicators.R``.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

from .design import Design, DesignError
from .domains import RAW_MISSING, make_engine
from .indicators import Grouping


@dataclass
class OptionResult:
    """One option: per group (engine order, 0 = overall) the estimates."""

    code: int
    label: str
    stats: dict = field(default_factory=dict)  # measure -> Estimate over the groups (index 0 = overall)


@dataclass
class ChoiceResults:
    groups: list  # [(grouping name or None, label or None)]
    n_asked: list  # respondents asked, per group
    options: list  # [OptionResult]
    mean_mentions: list = field(default_factory=list)  # per group


def _columns(data, n: int, codes, labels, name: str, raw: bool = False) -> list:
    """Rows × options array, or a sequence of per-option arrays → list of float columns (float32 kept;
    ``raw``: int16 raw codes kept too, :data:`~analysis.domains.RAW_MISSING` = blank)."""
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise DesignError(f"{name} must be rows × options", kind="shape", what=name, expected="rows × options")
        cols = [np.ascontiguousarray(data[:, j], dtype=float) for j in range(data.shape[1])]
    else:  # float32 columns (stored codes, exact) and int16 raw codes are read as they are, not copied to float64
        kept = (np.float32, np.float64, np.int16) if raw else (np.float32, np.float64)
        cols = [c if isinstance(c, np.ndarray) and c.dtype in kept else np.asarray(c, dtype=float) for c in data]
    if len(cols) != len(codes) or len(codes) != len(labels) or any(c.shape != (n,) for c in cols):
        raise DesignError(f"{name} must be rows × options with one code and label per option", kind="shape",
                          what=name, expected="rows × options with one code and label per option")
    return cols


def asked_rows(cols: list, n: int) -> np.ndarray:
    """Rows with an answer in some column of a question's options (not NaN; in int16 raw codes, not
    ``RAW_MISSING``): the rows asked, when a blank in every option means not asked."""
    out = np.zeros(n, dtype=bool)
    for c in cols:
        out |= (c != RAW_MISSING) if c.dtype == np.int16 else np.isfinite(c)
    return out


_ENGINES: dict = {}  # (design id, the groupings' code arrays and sizes) -> (design weakref, code arrays, engine)
_ENGINES_LOCK = threading.Lock()
_ENGINES_KEPT = 4  # engines kept (the overall one and a few groupings of the analysis's design)


def _engine(design: Design, groupings: Sequence[Grouping]):
    """The engine of ``design`` for ``groupings``, built once per design and groupings (the question tables
    ask for the overall one once per question; the hot issues and decisions for the grouped ones once per
    question).  Keyed by the objects, which the entry holds, so an id is not reused while it is kept."""
    key = (id(design), tuple((id(g.codes), len(g.labels)) for g in groupings))
    with _ENGINES_LOCK:
        hit = _ENGINES.get(key)
    if hit is not None and hit[0]() is design:
        eng = hit[2]
    else:
        eng = make_engine(design, [(g.codes, len(g.labels)) for g in groupings])
        with _ENGINES_LOCK:
            if len(_ENGINES) >= _ENGINES_KEPT or any(v[0]() is None for v in _ENGINES.values()):
                _ENGINES.clear()
            _ENGINES[key] = (weakref.ref(design), [g.codes for g in groupings], eng)
    groups = [(None, None)] + [(g.name, lab) for g in groupings for lab in g.labels]
    return eng, groups


def multiple_choice(design: Design, selected: np.ndarray, codes: Sequence[int], labels: Sequence[str], *,
                    groupings: Sequence[Grouping] = (), asked: Optional[np.ndarray] = None, ci_method: str = "logit",
                    confidence: float = 0.95, df: Optional[float] = None) -> ChoiceResults:
    """% of respondents and % of mentions of every option (see module docstring).

    ``selected``: rows × options array (or a list of per-option columns), 1 = chosen, 0 = not
    chosen, NaN = not asked (int16 raw codes: ``RAW_MISSING``).  ``asked``
    defaults to rows with at least one non-missing cell.  Exclusive options ("none of these")
    may be included; they count as mentions only if they are passed here.
    """
    cols = _columns(selected, design.n, codes, labels, "selected", raw=True)
    if asked is None:
        asked = asked_rows(cols, design.n)
    asked = np.asarray(asked, dtype=bool)
    every = bool(asked.all())
    hits = [np.greater(c, 0) if every else np.greater(c, 0) & asked for c in cols]  # NaN > 0 is False
    mentions = np.zeros(design.n, dtype=np.int16 if len(cols) < 16_000 else np.int64)  # (int16: 4× less to add)
    for h in hits:
        mentions += h
    eng, groups = _engine(design, groupings)
    # one collapsed table per option: code = 0 not asked, else 1 + hit + 2·mentions
    mmax = int(mentions.max()) if len(mentions) else 0
    K = 2 + 2 * (mmax + 1)
    c_hit = np.zeros(K)
    c_ment = np.zeros(K)
    c_ment[1:] = np.arange(K - 1) // 2
    c_hit[1:] = np.arange(K - 1) % 2
    d = (np.arange(K) > 0).astype(float)
    base_key = np.multiply(eng.key_cu, K, dtype=np.int64)  # + (1 + 2·mentions) where asked, in place
    base = mentions.astype(np.int64)
    del mentions
    np.multiply(base, 2, out=base)
    np.add(base, 1, out=base)
    if not every:
        np.multiply(base, asked, out=base)
    np.add(base_key, base, out=base_key)
    base_tab = eng.tabulate(base, K, key=base_key)
    del base
    key = None if eng.rowwise else np.empty_like(base_key)  # each option's key, in one array (a row-wise table keeps its own)
    out = []
    for j, (c, lab) in enumerate(zip(codes, labels)):
        # same validity (asked) as the base coding in every unit, so its row counts serve
        tab = eng.tabulate(None, K, key=np.add(base_key, hits[j], out=key), counts_like=base_tab)
        resp, _, _ = eng.estimate(tab, d, c_hit, proportion=True, ci_method=ci_method, confidence=confidence, df=df)
        ment, _, _ = eng.estimate(tab, d, c_hit, c_ment, confidence=confidence, df=df)
        out.append(OptionResult(int(c), str(lab), {"respondents": resp, "mentions": ment}))
    mm, _, _ = eng.estimate(base_tab, d, c_ment, confidence=confidence, df=df)
    return ChoiceResults(groups, [int(x) for x in mm.n], out, [float(x) for x in mm.estimate])


def single_choice(design: Design, x: Optional[np.ndarray], codes: Sequence, labels: Sequence[str], *,
                  groupings: Sequence[Grouping] = (), ci_method: str = "logit", confidence: float = 0.95,
                  df: Optional[float] = None, coded: Optional[tuple] = None,
                  counts: Optional[np.ndarray] = None) -> ChoiceResults:
    """% of respondents of every option of a one-code answer column ``x`` (NaN = not answered): the
    ``respondents`` estimate of :func:`multiple_choice` with ``selected`` = 1{x = code} on the answered
    rows (``asked`` = answered), ``p̂_j = Σ w d 1{x = c_j} / Σ w d`` (R ``svyciprop(~I(x == c_j),
    subset(des, !is.na(x)))``) — from one collapsed table of the answer codes instead of one per option
    (:meth:`analysis.domains.DomainEngine.tabulate`).  ``mean_mentions`` is left empty (1 by definition).
    ``coded``: ``x`` already as :func:`analysis.domains.code_values` gives it (then ``x`` may be None);
    ``counts``: its rows per code, when the caller has counted them (:meth:`DomainEngine.tabulate`)."""
    from .domains import code_values

    xc, values = code_values(np.asarray(x, dtype=float)) if coded is None else coded
    if xc.shape != (design.n,) or len(codes) != len(labels):
        raise DesignError("x must hold one value per row, with one label per option code", kind="shape", what="x",
                          expected="one value per row, with one label per option code")
    eng, groups = _engine(design, groupings)
    K = len(values)
    tab = eng.tabulate(xc, K, counts=counts)  # the codes as they are (int16): tabulate widens them where it must
    d = np.isfinite(values).astype(float)  # code 0 = not answered
    out = []
    resp = None
    for c, lab in zip(codes, labels):
        hit = (values == c).astype(float)
        resp, _, _ = eng.estimate(tab, d, hit, proportion=True, ci_method=ci_method, confidence=confidence, df=df)
        out.append(OptionResult(int(c), str(lab), {"respondents": resp}))
    n_asked = [int(v) for v in resp.n] if resp is not None else []
    return ChoiceResults(groups, n_asked, out)


def ranking_scores(design: Design, ranks: np.ndarray, codes: Sequence[int], labels: Sequence[str], *, k: Optional[int] = None,
                   groupings: Sequence[Grouping] = (), asked: Optional[np.ndarray] = None, ci_method: str = "logit",
                   confidence: float = 0.95, df: Optional[float] = None) -> ChoiceResults:
    """First-choice share and Borda score (k + 1 − rank, 0 when unranked) of every option.

    ``ranks``: rows × options (or a list of per-option columns), 1 = first, NaN = not ranked.  ``k`` defaults to the largest rank.
    """
    cols = _columns(ranks, design.n, codes, labels, "ranks")
    if asked is None:
        asked = asked_rows(cols, design.n)
    asked = np.asarray(asked, dtype=bool)
    if k is None:
        k = max([int(np.fmax.reduce(c)) for c in cols if np.isfinite(c).any()] or [len(codes)])
    eng, groups = _engine(design, groupings)
    # code = 0 not asked, 1 asked but not ranked, 1 + r for rank r
    K = k + 2
    rk = np.arange(K) - 1.0  # rank of each code (0 = not ranked)
    d = (np.arange(K) > 0).astype(float)
    first_c = (rk == 1).astype(float)
    borda_c = np.where(rk >= 1, k + 1 - rk, 0.0)
    out = []
    n_asked = None
    for j, (c, lab) in enumerate(zip(codes, labels)):
        r = cols[j]
        ok = np.isfinite(r)
        if np.any(ok & ((r < 1) | (r > k) | (r != np.floor(r)))):
            raise DesignError(f"ranks of option {c} must be whole numbers from 1 to {k}", kind="ranks", option=c,
                              max=k)
        codes_j = np.where(asked, 1 + np.where(ok, r, 0), 0).astype(np.int64)
        tab = eng.tabulate(codes_j, K)
        fs, _, _ = eng.estimate(tab, d, first_c, proportion=True, ci_method=ci_method, confidence=confidence, df=df)
        bs, _, _ = eng.estimate(tab, d, borda_c, confidence=confidence, df=df)
        n_asked = fs.n
        out.append(OptionResult(int(c), str(lab), {"first_choice": fs, "borda": bs}))
    return ChoiceResults(groups, [int(x) for x in n_asked] if n_asked is not None else [], out)


def rank_options(estimates: Sequence[float], ci_low: Sequence[float], ci_high: Sequence[float]) -> list[dict]:
    """Order options by estimate (largest first) with CI-aware ties (see module docstring).

    Returns, in ranked order, ``{"index", "rank", "rank_best", "rank_worst", "tie", "tied_with"}``
    where ``index`` points into the inputs and ``tied_with`` lists the indexes of the options whose
    intervals overlap this one's.
    """
    est = np.asarray(estimates, dtype=float)
    lo = np.asarray(ci_low, dtype=float)
    hi = np.asarray(ci_high, dtype=float)
    order = np.argsort(-np.where(np.isfinite(est), est, -np.inf), kind="stable")
    out = []
    for pos, i in enumerate(order):
        others = np.arange(len(est)) != i
        above = int(np.sum(others & (lo > hi[i])))
        below = int(np.sum(others & (hi < lo[i])))
        overlap = [int(j) for j in order if j != i and lo[j] <= hi[i] and hi[j] >= lo[i]]
        nb = [order[p] for p in (pos - 1, pos + 1) if 0 <= p < len(order)]
        tie = any(lo[j] <= hi[i] and hi[j] >= lo[i] for j in nb)
        out.append({"index": int(i), "rank": pos + 1, "rank_best": above + 1, "rank_worst": len(est) - below,
                    "tie": bool(tie), "tied_with": overlap})
    return out

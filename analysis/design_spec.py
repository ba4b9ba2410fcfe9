"""A survey design described by column names: one typed record from the CLI options, ``minyi.yaml``'s
``design:`` block or Python code to a :class:`~analysis.design.Design` (R ``svydesign`` /
``svrepdesign`` / ``as.svrepdesign``), and the sentence that names it in method notes.

=====================  ==========================================================================
field                  meaning (R)
=====================  ==========================================================================
``weights``            sampling weight column (``weights=~w``); none: from the fpc, else equal
``strata``             stratum column (``strata=~h``)
``psu``                sampling unit columns, one per stage (``ids=~psu+ssu``)
``fpc``                fpc columns, one per stage (``fpc=~N1+N2``): counts or fractions;
                       with ``pps="brewer"`` the PSUs' inclusion probabilities
``pps``                ``"brewer"``: PPS without replacement, Brewer's approximation
``lonely_psu``         ``fail | certainty | adjust | average | remove`` (``survey.lonely.psu``)
``repweights``         replicate-weight columns, or a regular expression (``svrepdesign``)
``rep_type``           ``BRR | Fay | JK1 | JKn | bootstrap | successive-difference | ACS | JK2 | other``
``scale``, ``rscales``  replicate variance multipliers; ``rho`` Fay's coefficient; ``mse``
``combined_weights``   replicate columns already include the sampling weights (default true)
``replicates``         make replicate weights from the design (``as.svrepdesign`` type:
                       ``auto | JK1 | JKn | BRR | Fay | bootstrap``), ``n_replicates``/``seed`` for bootstrap
=====================  ==========================================================================
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Optional

import difflib

import numpy as np
import pandas as pd

from .design import LONELY_PSU, PPS_METHODS, Design, DesignError, _names, bad_cells, cell_text, empty_ids
from .values import line_of, normalize_series


def _not_a_name(value: Any, key: str) -> Optional[DesignError]:
    """The error for a ``key`` (weights, strata, psu, fpc) given as values instead of column names (a Series, an
    array, a list of numbers), naming the argument — numpy's "truth value of an array is ambiguous" said neither
    (R ``svydesign(weights=~w)`` names a column too); None when ``value`` is a name or a list of names."""
    if isinstance(value, (pd.Series, pd.Index, np.ndarray)) or (
            isinstance(value, (list, tuple)) and any(not isinstance(v, str) for v in value if v is not None)):
        what = type(value).__name__
        return DesignError(f"{key} names column(s) of the data, not values (got a {what} of {len(value)}); add the "
                           f"values as a column, e.g. data.assign({key}_col=values), and pass {key}=\"{key}_col\"",
                           kind="values-not-names", key=key, type=what, count=len(value))
    return None


def _list(x: Any, key: str = "psu") -> list:
    err = _not_a_name(x, key)
    if err is not None:
        raise err
    return _names(x)


@dataclass(frozen=True)
class DesignSpec:
    """How a data set was sampled, by column names (see module docstring)."""

    weights: Optional[str] = None
    strata: Optional[str] = None
    psu: tuple = ()
    fpc: tuple = ()
    pps: Optional[str] = None
    lonely_psu: str = "fail"
    repweights: Any = None
    rep_type: str = "other"
    scale: Optional[float] = None
    rscales: Any = None
    rho: Optional[float] = None
    mse: bool = False
    combined_weights: bool = True
    replicates: Optional[str] = None
    n_replicates: int = 50
    seed: Optional[int] = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def of(cls, weights=None, strata=None, psu=None, fpc=None, **kw) -> "DesignSpec":
        """Build from loose values: ``psu``/``fpc`` as a name, a comma-separated string or a list;
        ``weights``/``strata`` as a name (a list of one name, as minyi.yaml may write it, is that name)."""
        known = [f for f in cls.__dataclass_fields__ if f != "extra"]
        unknown = [k for k in kw if k not in known]
        if unknown:
            close = difflib.get_close_matches(unknown[0], known, n=1)
            raise DesignError(f"unknown design argument '{unknown[0]}'"
                              + (f" (did you mean '{close[0]}'?)" if close else "")
                              + f"; the design arguments are: {', '.join(known)}", kind="unknown-argument",
                              key=unknown[0], close=close[0] if close else "", choices=", ".join(known))
        weights, strata = _one_name(weights, "weights"), _one_name(strata, "strata")
        return cls(weights=weights or None, strata=strata or None, psu=tuple(_list(psu)), fpc=tuple(_list(fpc, "fpc")),
                   **{k: v for k, v in kw.items() if v is not None or k in ("pps", "replicates", "seed")})

    @classmethod
    def from_mapping(cls, m: Optional[Mapping[str, Any]], *, default_lonely: str = "fail") -> "DesignSpec":
        """From ``minyi.yaml``'s ``design:`` mapping (keys as the fields; ``type`` for ``rep_type``)."""
        m = dict(m or {})
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        if "type" in m and "rep_type" not in m:
            m["rep_type"] = m.pop("type")
        unknown = sorted(k for k in m if k not in known)
        if unknown:
            close = difflib.get_close_matches(unknown[0], sorted(known), n=1)
            raise DesignError(f"unknown design key(s) {', '.join(unknown)}; the design keys are: "
                              + ", ".join(sorted(known)), kind="unknown-argument", key=unknown[0],
                              close=close[0] if close else "", choices=", ".join(sorted(known)))
        m.setdefault("lonely_psu", default_lonely)
        return cls.of(**m)

    def columns(self) -> list[str]:
        """Every column the design names (for checking them against the data)."""
        cols = [c for c in (self.weights, self.strata) if c] + list(self.psu) + list(self.fpc)
        if self.repweights is not None and not isinstance(self.repweights, str):
            cols += list(self.repweights)
        return cols

    def missing(self, available) -> list[str]:
        """The columns the design names that are not among ``available`` (in the order named), so a
        caller can report them against its own file before any data is read."""
        have = set(available)
        return [c for c in dict.fromkeys(self.columns()) if isinstance(c, str) and c not in have]

    @property
    def is_replicate(self) -> bool:
        return self.repweights is not None or self.replicates is not None

    def check(self) -> "DesignSpec":
        if self.lonely_psu not in LONELY_PSU:
            raise DesignError(f"lonely_psu must be one of {', '.join(LONELY_PSU)}, not {self.lonely_psu!r}",
                              kind="lonely-psu-choice", value=self.lonely_psu, choices=", ".join(LONELY_PSU))
        if self.pps is not None and self.pps not in PPS_METHODS:
            raise DesignError(f"pps must be one of {', '.join(PPS_METHODS)}, not {self.pps!r}", kind="pps-choice",
                              value=self.pps, choices=", ".join(PPS_METHODS))
        if self.repweights is not None and self.replicates is not None:
            raise DesignError("give replicate-weight columns or ask for replicates to be made, not both",
                              kind="replicates-twice")
        return self

    def build(self, data: pd.DataFrame) -> Design:
        """The :class:`~analysis.design.Design` (a replicate design with ``repweights``/``replicates``)."""
        self.check()
        if self.repweights is not None:
            from .replicates import svrepdesign

            if self.strata or self.psu or self.fpc:
                raise DesignError("a replicate-weight design takes its variance from the replicate weights; "
                                  "strata, PSU and fpc columns are not used with it", kind="replicate-with-strata")
            return svrepdesign(data, self.repweights, self.weights, type=self.rep_type, scale=self.scale,
                               rscales=self.rscales, rho=self.rho, mse=self.mse,
                               combined_weights=self.combined_weights)
        data = _checked(data, self)
        des = Design.from_frame(data, weights=self.weights, strata=self.strata, psu=list(self.psu) or None,
                                fpc=list(self.fpc) or None, lonely_psu=self.lonely_psu, pps=self.pps)
        if self.replicates is not None:
            from .replicates import as_svrepdesign

            des = as_svrepdesign(des, self.replicates, fay_rho=self.rho or 0.0, replicates=self.n_replicates,
                                 seed=self.seed, mse=self.mse)
        return des

    def to_dict(self) -> dict:
        d = asdict(self)
        d["psu"], d["fpc"] = list(self.psu), list(self.fpc)
        d.pop("extra")
        return d


def _checked(data: pd.DataFrame, spec: "DesignSpec") -> pd.DataFrame:
    """The data as the design reads them: stratum and sampling-unit ids by one rule
    (:func:`analysis.values.normalize_value`: "1" = "1.0" = " 1 ", "0101" ≠ "101"); weights and fpc values
    that are not finite numbers (empty, text, inf), negative weights and fpc population sizes smaller than
    the units sampled in a stratum are refused naming the first line, the column and the value."""
    ids = [c for c in ([spec.strata] if spec.strata else []) + list(spec.psu) if c in data.columns]
    fixed = {c: normalize_series(data[c]) for c in ids if data[c].dtype == object}
    if fixed:
        attrs = dict(data.attrs)
        data = data.assign(**fixed)
        data.attrs.update(attrs)
    for col in ids:
        miss = data[col].isna().to_numpy()
        if miss.any():
            raise empty_ids(data, miss, "stratum" if col == spec.strata else "psu", col)
    if spec.weights and spec.weights in data.columns:
        w = pd.to_numeric(data[spec.weights], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(w)
        if bad.any():
            raise bad_cells(data, spec.weights, bad, "weight", "not-a-number")
        if np.any(w < 0):
            raise bad_cells(data, spec.weights, w < 0, "weight", "negative")
        if len(w) and not np.any(w > 0):  # else "column 'y' has no valid values" blamed the estimated column
            raise DesignError(f"weight column '{spec.weights}': every weight is 0, so no row takes part in "
                              "any estimate", kind="zero-weights", column=spec.weights)
    for col in spec.fpc:
        if col not in data.columns:
            continue
        f = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(f)
        if bad.any():
            raise bad_cells(data, col, bad, "fpc", "not-a-number")
        if np.any(f < 0):
            raise bad_cells(data, col, f < 0, "fpc", "negative")
    if len(spec.fpc) == 1 and spec.pps is None and spec.fpc[0] in data.columns:
        _check_fpc_counts(data, spec)
    return data


def _check_fpc_counts(data: pd.DataFrame, spec: "DesignSpec") -> None:
    """A one-stage fpc of population counts smaller than the units sampled in a stratum: named by stratum."""
    col = spec.fpc[0]
    f = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float)
    if not np.any(f > 1):  # sampling fractions
        return
    strata = data[spec.strata] if spec.strata else pd.Series(np.zeros(len(data), dtype=np.int64))
    sc, s_labels = pd.factorize(strata.reset_index(drop=True), sort=True)
    if spec.psu:
        pc, p_labels = pd.factorize(data[spec.psu[0]].reset_index(drop=True))
        uc = sc.astype(np.int64) * max(len(p_labels), 1) + pc  # PSUs nested in strata, as the design reads them
    else:
        uc = np.arange(len(data))
    pairs = np.unique(np.stack([sc, uc]), axis=1)
    sampled = np.bincount(pairs[0], minlength=len(s_labels))[sc]
    bad = (f >= 1) & (f < sampled)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        where = f"stratum '{s_labels[sc[i]]}'" if spec.strata else "no strata"
        unit = "PSUs" if spec.psu else "rows"
        line, value = line_of(data, i), cell_text(data[col].iloc[i])
        raise DesignError(f"fpc column '{col}' line {line} ({where}): the population size {value} is smaller than "
                          f"the {int(sampled[i])} {unit} sampled there", kind="fpc-too-small", column=col, line=line,
                          value=value, sampled=int(sampled[i]), units=unit, where=where)


def _one_name(value: Any, key: str) -> Any:
    """``weights``/``strata`` name one column: ``[w]`` is ``w``; a longer list is refused by name (a design has one
    weight column and one stratum column; several stages are given under ``psu``/``fpc``); values instead of a
    name are refused (:func:`_not_a_name`)."""
    err = _not_a_name(value, key)
    if err is not None:
        raise err
    if isinstance(value, (list, tuple)):
        names = [str(v) for v in value if v not in (None, "")]
        if len(names) > 1:
            raise DesignError(f"{key} names one column, not {len(names)} ({', '.join(names)}); the stages of a "
                              "multistage design are listed under psu and fpc", kind="one-column", key=key,
                              count=len(names), columns=", ".join(names))
        return names[0] if names else None
    return value


def question_labels(questionnaire: Any, columns: Any) -> dict:
    """``{column: (Chinese text, English text)}`` of the design columns that are questions of
    ``questionnaire`` (for :func:`describe`); other columns (weights, fpc, ...) are left out.  ``columns``
    may hold lists (one column per stage), as a ``design:`` mapping's values do."""
    out = {}
    flat = [c for v in columns for c in (v if isinstance(v, (list, tuple)) else [v])]
    for col in flat:
        q = questionnaire.get(col) if isinstance(col, str) and hasattr(questionnaire, "get") else None
        if q is not None and getattr(q, "text", None):
            out[col] = (q.text, ((getattr(q, "i18n", None) or {}).get("en") or {}).get("text") or q.text)
    return out


#: How a stratum with a single PSU enters the variance, per ``lonely_psu`` option (R ``survey.lonely.psu``;
#: :meth:`analysis.design.Design.variance_of_psu_totals`), for the design sentence of :func:`describe`.
LONELY_WORDS = {
    "certainty": ("按确定单元处理，不计入方差", "taken as a certainty unit: it adds no variance"),
    "remove": ("不计入方差", "left out of the variance"),
    "adjust": ("其方差以全样本均值为中心计算", "its variance is centred at the whole sample's mean"),
    "average": ("其方差取其余各层的平均", "its variance is the average of the other strata"),
}


def lonely_note(design: Design) -> Optional[str]:
    """The note of `survey estimate` and `survey crosstab` on lonely strata (R's ``survey.lonely.psu``): which
    strata hold a single PSU and how the ``lonely_psu`` option took them (:data:`LONELY_WORDS`), since the choice
    moves the standard errors.  Under ``average`` it also names the strata whose rows all have weight 0: they are
    outside the sample, as if the rows were left out of the file, and not counted among the strata the average
    rescales by; R counts every stratum of the data there (a deliberate difference, docs/statistics.md).  None
    when no stratum is lonely, under ``fail`` (the estimates raise instead) and for replicate-weight designs."""
    if getattr(design, "is_replicate", False) or design.lonely_psu not in LONELY_WORDS:
        return None
    codes = design.lonely_strata()
    if not codes.size:
        return None
    how = f"{LONELY_WORDS[design.lonely_psu][1]} (--lonely-psu {design.lonely_psu}, as R's survey.lonely.psu)"
    col = design.spec.get("strata")
    if not design.has_strata:
        note = f"the sample has a single PSU; {how}"
    else:
        names = ", ".join(f"'{design.stratum_label(c)}'" for c in codes[:5]) + (", ..." if codes.size > 5 else "")
        one = codes.size == 1
        note = (f"{'stratum' if one else f'{codes.size} strata'} {names} of '{col}' "
                f"{'has' if one else 'have'} a single PSU; {how}")
    if design.lonely_psu == "average" and design.has_strata and not design.keeps_all_rows:
        in_file = np.bincount(design.strata, minlength=design._n_strata) > 0
        empty = np.flatnonzero(in_file & ~design.strata_present())
        if empty.size:
            names = ", ".join(f"'{design.stratum_label(c)}'" for c in empty[:5]) + (", ..." if empty.size > 5 else "")
            note += (f"; stratum {names} has weight 0 in every row, so it is outside the sample (as if its rows were "
                     "not in the file) and not counted among the strata the average rescales by; R's survey "
                     "counts it, so its standard errors differ (docs/statistics.md)")
    return note


def describe(design: Design, labels: Optional[Mapping[str, tuple]] = None) -> dict:
    """The design in words for method notes: ``description``/``description_en`` (the design type, its
    columns and how it was read — weights derived from the fpc, nested PSU ids) and ``variance``/
    ``variance_en`` (how standard errors and degrees of freedom are obtained: replicate weights or Taylor
    linearisation over the strata and PSUs the design actually has), and its parts ``se_method``/
    ``se_method_en`` (the variance method in a few words) and ``df_rule``/``df_rule_en`` (the design
    degrees of freedom: rank of the replicate weights − 1, PSUs − strata, PSUs − 1, n − strata or n − 1,
    as R's ``degf``).  ``labels``: ``{column: (Chinese label, English label)}`` naming design columns in the
    sentences (the report passes the questions' texts: a leader reads 您所在的区县, not a raw id such as A6,
    :func:`question_labels`); a column without one is named as it is."""
    spec = design.spec or {}
    rep = getattr(design, "is_replicate", False)
    zl = {c: str(v[0]) for c, v in (labels or {}).items() if v and v[0]}
    el = {c: str(v[1] or v[0]) for c, v in (labels or {}).items() if v and (v[1] or v[0])}
    psu = spec.get("psu")
    psus = psu if isinstance(psu, list) else ([psu] if psu else [])
    fpc = spec.get("fpc")
    fpcs = fpc if isinstance(fpc, list) else ([fpc] if fpc else [])
    w = spec.get("weights")
    zh, en = [], []
    if rep and not spec.get("replicates"):
        zh.append(f"重复权数设计（{getattr(design, 'rep_type', 'other')}，{design.n_replicates} 组重复权数："
                  f"{'、'.join(spec.get('repweights', [])[:3])}{'等' if len(spec.get('repweights', [])) > 3 else ''}）")
        en.append(f"replicate-weight design ({getattr(design, 'rep_type', 'other')}, {design.n_replicates} replicate "
                  f"weights: {', '.join(spec.get('repweights', [])[:3])}{', ...' if len(spec.get('repweights', [])) > 3 else ''})")
    elif not (spec.get("strata") or psus or fpcs or w):
        zh.append("等权重简单随机抽样（无分层、无整群）")
        en.append("equal weights, simple random sampling (no strata, no clusters)")
    else:
        if spec.get("strata"):
            zh.append(f"分层变量：{zl.get(spec['strata'], spec['strata'])}")
            en.append(f"strata: {el.get(spec['strata'], spec['strata'])}")
        if len(psus) > 1:
            zh.append(f"{len(psus)} 阶段整群抽样，各阶段抽样单元：{'、'.join(zl.get(c, c) for c in psus)}")
            en.append(f"{len(psus)}-stage cluster sample, sampling units: {', '.join(el.get(c, c) for c in psus)}")
        elif psus:
            zh.append(f"初级抽样单元：{zl.get(psus[0], psus[0])}")
            en.append(f"primary sampling units: {el.get(psus[0], psus[0])}")
        if design.pps:
            zh.append(f"不放回不等概率抽样，入样概率：{zl.get(fpcs[0], fpcs[0])}")
            en.append(f"PPS without replacement, inclusion probabilities: {el.get(fpcs[0], fpcs[0])}")
        elif fpcs:
            zh.append(f"有限总体校正：{'、'.join(zl.get(c, c) for c in fpcs)}")
            en.append(f"finite population correction: {', '.join(el.get(c, c) for c in fpcs)}")
        if w:
            zh.append(f"权重变量：{zl.get(w, w)}")
            en.append(f"weights: {el.get(w, w)}")
        elif spec.get("weights_from_fpc"):
            zh.append("未给权重，抽样权重由有限总体校正推得（与 R 相同）")
            en.append("no weights given: sampling weights derived from the fpc (as R)")
        else:
            zh.append("等权重")
            en.append("equal weights")
    if spec.get("psu_ids_repeat"):
        zh.append("各层初级抽样单元编号重复，已按层内嵌套处理（R 需 nest=TRUE）")
        en.append("PSU ids repeat across strata and are taken as nested in strata (R: nest=TRUE)")
    lonely = np.zeros(0) if rep else design.lonely_strata()
    if lonely.size and design.lonely_psu in LONELY_WORDS:  # under "fail" the estimates raise instead
        lz, le = LONELY_WORDS[design.lonely_psu]
        zh.append(f"{lonely.size} 个层仅有 1 个初级抽样单元，{lz}（lonely_psu: {design.lonely_psu}，"
                  f"同 R 的 survey.lonely.psu）")
        en.append(f"{lonely.size} {'stratum has' if lonely.size == 1 else 'strata have'} a single PSU, {le} "
                  f"(lonely_psu: {design.lonely_psu}, as R's survey.lonely.psu)")
    if rep:
        made = "（由抽样设计生成）" if spec.get("replicates") else ""
        se_zh = f"{design.rep_type} 重复权数法（{design.n_replicates} 组）"
        se_en = f"{design.rep_type} replicate weights ({design.n_replicates})"
        df_zh, df_en = "重复权数矩阵的秩减1", "the rank of the replicate weights − 1"
        var_zh = (f"标准误由 {design.n_replicates} 组 {design.rep_type} 重复权数{made}的重复估计计算（R survey 包 "
                  f"svrVar）；自由度为{df_zh}")
        var_en = (f"standard errors from {design.n_replicates} {design.rep_type} replicate estimates"
                  f"{' (replicate weights made from the sampling design)' if spec.get('replicates') else ''} "
                  f"(R's svrVar); degrees of freedom = {df_en}")
    else:
        strata = bool(spec.get("strata"))
        se_zh, se_en = "泰勒线性化法", "Taylor linearisation"
        if strata and psus:
            over_zh, over_en = "按分层与初级抽样单元计算", "over strata and primary sampling units"
            df_zh, df_en = "初级抽样单元数减层数", "PSUs − strata"
        elif psus:
            over_zh, over_en = "按初级抽样单元计算，未分层", "over primary sampling units, no strata"
            df_zh, df_en = "初级抽样单元数减1", "PSUs − 1"
        elif strata:
            over_zh, over_en = ("按层计算，每位受访者为一个抽样单元", "within strata, each respondent a sampling unit")
            df_zh, df_en = "样本量减层数", "n − strata"
        else:
            over_zh, over_en = ("每位受访者为一个抽样单元，无分层、无整群",
                                "each respondent a sampling unit, no strata or clusters")
            df_zh, df_en = "样本量减1", "n − 1"
        how, how_en = [over_zh], [over_en]
        if design.multistage:
            how.append("按多阶段公式逐阶段计算")
            how_en.append("full multistage variance")
        if design.pps:
            how.append("不等概率部分用 Brewer 近似")
            how_en.append("Brewer's approximation for PPS")
        elif fpcs:
            how.append("含有限总体校正")
            how_en.append("with the finite population correction")
        var_zh = ("标准误采用泰勒线性化方法（" + "，".join(how) + "），与 R 语言 survey 包一致；自由度为" + df_zh)
        var_en = ("Taylor-linearised standard errors (" + ", ".join(how_en) + "), as R's survey package; "
                  "degrees of freedom = " + df_en)
    return {"description": "；".join(zh), "description_en": "; ".join(en), "variance": var_zh,
            "variance_en": var_en, "se_method": se_zh, "se_method_en": se_en, "df_rule": df_zh, "df_rule_en": df_en}

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
from typing import Any, Mapping, Optional, Sequence

import pandas as pd

from .design import LONELY_PSU, PPS_METHODS, Design, DesignError, _names


def _list(x: Any) -> list:
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
        """Build from loose values: ``psu``/``fpc`` as a name, a comma-separated string or a list."""
        return cls(weights=weights or None, strata=strata or None, psu=tuple(_list(psu)), fpc=tuple(_list(fpc)),
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
            raise DesignError(f"unknown design key(s) {', '.join(unknown)}; the design keys are: "
                              + ", ".join(sorted(known)))
        m.setdefault("lonely_psu", default_lonely)
        return cls.of(**m)

    def columns(self) -> list[str]:
        """Every column the design names (for checking them against the data)."""
        cols = [c for c in (self.weights, self.strata) if c] + list(self.psu) + list(self.fpc)
        if self.repweights is not None and not isinstance(self.repweights, str):
            cols += list(self.repweights)
        return cols

    @property
    def is_replicate(self) -> bool:
        return self.repweights is not None or self.replicates is not None

    def check(self) -> "DesignSpec":
        if self.lonely_psu not in LONELY_PSU:
            raise DesignError(f"lonely_psu must be one of {', '.join(LONELY_PSU)}, not {self.lonely_psu!r}")
        if self.pps is not None and self.pps not in PPS_METHODS:
            raise DesignError(f"pps must be one of {', '.join(PPS_METHODS)}, not {self.pps!r}")
        if self.repweights is not None and self.replicates is not None:
            raise DesignError("give replicate-weight columns or ask for replicates to be made, not both")
        return self

    def build(self, data: pd.DataFrame) -> Design:
        """The :class:`~analysis.design.Design` (a replicate design with ``repweights``/``replicates``)."""
        self.check()
        if self.repweights is not None:
            from .replicates import svrepdesign

            if self.strata or self.psu or self.fpc:
                raise DesignError("a replicate-weight design takes its variance from the replicate weights; "
                                  "strata, PSU and fpc columns are not used with it")
            return svrepdesign(data, self.repweights, self.weights, type=self.rep_type, scale=self.scale,
                               rscales=self.rscales, rho=self.rho, mse=self.mse,
                               combined_weights=self.combined_weights)
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


def describe(design: Design, *, calibrated: Optional[str] = None) -> tuple[str, str]:
    """The design in one Chinese and one English sentence for method notes: the design type, its columns,
    how the variance is estimated, and the notes of how it was read (weights from the fpc, nested PSUs)."""
    spec = design.spec or {}
    rep = getattr(design, "is_replicate", False)
    psu = spec.get("psu")
    psus = psu if isinstance(psu, list) else ([psu] if psu else [])
    fpc = spec.get("fpc")
    fpcs = fpc if isinstance(fpc, list) else ([fpc] if fpc else [])
    zh, en = [], []
    if rep:
        t = getattr(design, "rep_type", "other")
        k = getattr(design, "n_replicates", 0)
        made = spec.get("replicates")
        zh.append(f"重复权数设计（{t}，{k} 组重复权数{'，由抽样设计生成' if made else ''}），方差由重复估计计算")
        en.append(f"replicate-weight design ({t}, {k} replicates{', made from the sampling design' if made else ''}); "
                  "variances from the replicate estimates")
    if not rep or spec.get("replicates"):
        if len(psus) > 1:
            zh.append(f"{len(psus)} 阶段整群抽样（各阶段抽样单元：{'、'.join(psus)}）")
            en.append(f"{len(psus)}-stage cluster sample (units: {', '.join(psus)})")
        elif psus:
            zh.append(f"整群抽样（初级抽样单元：{psus[0]}）")
            en.append(f"cluster sample (primary sampling units: {psus[0]})")
        if design.has_strata:
            zh.append(f"分层（分层变量：{spec.get('strata')}）")
            en.append(f"stratified by {spec.get('strata')}")
        if design.pps:
            zh.append(f"不放回不等概率抽样（入样概率：{fpcs[0]}，方差用 Brewer 近似）")
            en.append(f"PPS without replacement (inclusion probabilities {fpcs[0]}; Brewer's variance approximation)")
        elif fpcs:
            zh.append(f"有限总体校正（{'、'.join(fpcs)}）")
            en.append(f"finite population correction ({', '.join(fpcs)})")
            if len(psus) > 1:
                zh.append("方差按多阶段公式计算")
                en.append("full multistage variance")
        if not (design.has_strata or psus or fpcs):
            zh.append("简单随机抽样（无分层、无整群）")
            en.append("simple random sampling (no strata, no clusters)")
    w = spec.get("weights")
    if w:
        zh.append(f"权重变量：{w}")
        en.append(f"weights: {w}")
    elif spec.get("weights_from_fpc"):
        zh.append("未给权重，抽样权重由有限总体校正推得（与 R 相同）")
        en.append("no weights given: sampling weights derived from the fpc (as R)")
    elif not rep:
        zh.append("等权重")
        en.append("equal weights")
    if spec.get("psu_ids_repeat"):
        zh.append(f"各层的初级抽样单元编号重复，已按层内嵌套处理（R 需 nest=TRUE）")
        en.append(f"PSU ids repeat across strata and are taken as nested in strata (R: nest=TRUE)")
    if calibrated:
        zh.append(calibrated)
    if not rep and design.has_psu or design.has_strata:
        zh.append("标准误按泰勒线性化计算（与 R survey 包相同）")
        en.append("Taylor-linearised standard errors (as R's survey package)")
    return "；".join(zh), "; ".join(en)

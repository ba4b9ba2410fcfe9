"""Replicate-weight designs: R ``svrepdesign`` and ``as.svrepdesign``.

A :class:`ReplicateDesign` holds the full-sample weights and R replicate weights (analysis
weights: the replicate weight of each row, already multiplied by its sampling weight).  Every
estimate is computed once with the full-sample weights and once with each replicate's weights;
its variance is (R ``svrVar``)

    V = scale · Σ_r rscales_r (θ̂_r − θ̄)(θ̂_r − θ̄)ᵀ,   θ̄ = mean of the replicates (or θ̂ with ``mse``)

with, by ``type`` (R ``svrepdesign``):

==============  ======================================  ================================================
type            scale                                   rscales
==============  ======================================  ================================================
``BRR``         1/R                                     1
``Fay``         1/(R (1 − ρ)²)                          1
``JK1``         (R − 1)/R unless given                  1
``JKn``         1 unless given                          (n_h − 1)/n_h per replicate (must be given for
                                                        combined weights, R)
``bootstrap``   1/(R − 1) unless given                  1
``successive-difference``, ``ACS``  4/R                 1
``JK2``         1                                       1
``other``       given (default 1)                       given (default 1)
==============  ======================================  ================================================

Degrees of freedom: the rank of the replicate weights (over the estimate's rows) minus 1 (R
``degf.svyrep.design``).  Domains (:meth:`Design.subset`) keep the rows with zero weight, so
replicate estimates of a domain use only its rows, as R's ``subset`` (which drops the others).

:func:`as_svrepdesign` creates replicate weights from a linearisation design (R
``as.svrepdesign``): ``JK1`` (unstratified: one replicate per PSU, the PSU dropped and the others
weighted n/(n − 1), scale (n − 1)/n × (1 − f)); ``JKn`` (stratified: per stratum as JK1, rscales
(n_h − 1)/n_h × (1 − f_h); lonely strata by the design's lonely-PSU option as R's
``jknweights``); ``BRR``/``Fay`` (two PSUs per stratum; Hadamard matrices as R's ``hadamard()``:
Sylvester when R's size is a power of two, Paley's construction when it is a prime + 1 — for the
other sizes (28, 36, 40, ...) R uses tabulated matrices and minyi the Sylvester matrix of the next
power of two, which changes nonlinear estimates slightly, not totals); ``bootstrap`` (R
``bootweights``: with-replacement resampling of n_h PSUs per stratum, scale
h̄/((h̄ − 1)(R − 1)) with h̄ the harmonic mean of PSUs per stratum; random — give ``seed``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from .design import Design, DesignError, bad_cells

REP_TYPES = ("BRR", "Fay", "JK1", "JKn", "bootstrap", "successive-difference", "ACS", "JK2", "other")
AS_REP_TYPES = ("auto", "JK1", "JKn", "BRR", "Fay", "bootstrap")


@dataclass(frozen=True, repr=False)  # Design.__repr__: one line
class ReplicateDesign(Design):
    """A design given by replicate weights (R ``svrepdesign``); see module docstring."""

    repweights: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    scale: float = 1.0
    rscales: np.ndarray = field(default_factory=lambda: np.zeros(0))
    mse: bool = False
    rep_type: str = "other"
    rho: Optional[float] = None

    is_replicate = True

    # ---------------------------------------------------------------- variance
    def variance(self, z, present=None):
        raise DesignError("a replicate-weight design computes variances from replicate estimates; this "
                          "estimator does not support replicate weights yet", kind="replicate-unsupported",
                          what="this estimator")

    @property
    def needs_rows(self) -> bool:
        return True

    @property
    def keeps_all_rows(self) -> bool:
        return False

    @property
    def n_replicates(self) -> int:
        return int(self.repweights.shape[1])

    def replicate_weights(self, rows: Optional[np.ndarray] = None) -> np.ndarray:
        """Analysis replicate weights (n × R), zero outside ``rows`` (default: rows with positive weight)."""
        m = self.weights > 0 if rows is None else np.asarray(rows, dtype=bool)
        return np.where(m[:, None], self.repweights, 0.0)

    def replicate_vcov(self, thetas: np.ndarray, estimate: Any) -> np.ndarray:
        """R ``svrVar``: ``scale Σ_r rscales_r (θ_r − θ̄)(θ_r − θ̄)ᵀ`` from replicate estimates
        ``thetas`` (R × k); θ̄ their mean over replicates with rscales > 0, or ``estimate`` with ``mse``.
        Replicates with a non-finite estimate are left out (R ``na.action``)."""
        th = np.asarray(thetas, dtype=float).reshape(self.n_replicates, -1)
        est = np.atleast_1d(np.asarray(estimate, dtype=float))
        ok = np.all(np.isfinite(th), axis=1)
        th, rs = th[ok], self.rscales[ok]
        if th.shape[0] == 0:
            return np.full((est.size, est.size), np.nan)
        center = est if self.mse else th[rs > 0].mean(axis=0)
        dev = (th - center) * np.sqrt(rs)[:, None]
        return dev.T @ dev * self.scale

    def logit_se(self, thetas: np.ndarray, estimate: Any) -> np.ndarray:
        """SE of the log odds from replicate proportions (k × R): R's ``svyciprop(method="logit")`` on a
        replicate design refits ``y ~ 1`` with each replicate's weights (its replicates are the replicate
        log odds)."""
        th = np.asarray(thetas, dtype=float)
        est = np.atleast_1d(np.asarray(estimate, dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sqrt(self.replicate_variances(np.log(th / (1 - th)), np.log(est / (1 - est))))

    def replicate_variances(self, thetas: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """Per element g, :meth:`replicate_vcov` of one estimate: ``thetas`` is k × R (element × replicate)."""
        th = np.asarray(thetas, dtype=float)
        est = np.asarray(estimate, dtype=float)
        ok = np.isfinite(th)
        rs = np.broadcast_to(self.rscales, th.shape)
        pos = ok & (rs > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(pos, th, 0.0).sum(1) / pos.sum(1)
        center = est if self.mse else mean
        dev = np.where(ok, th - center[:, None], 0.0)
        v = (dev * dev * rs).sum(1) * self.scale
        return np.where(ok.any(1) & np.isfinite(center), v, np.nan)

    def row_patterns(self) -> np.ndarray:
        """Per row, the id of its replicate-weight direction (rows of one PSU share it: their replicate
        weights are proportional); rows with zero weights get −1.  The rank of the replicate weights over
        a set of rows is the rank of the patterns present (R ``degf``).  Computed once per design."""
        cached = self.__dict__.get("_patterns")
        if cached is not None:
            return cached
        W = self.repweights
        norm = np.sqrt((W * W).sum(1))
        live = norm > 0
        D = np.where(live[:, None], W / np.where(live, norm, 1.0)[:, None], 0.0)
        _, inv = np.unique(np.round(D[live], 10), axis=0, return_inverse=True)
        out = np.full(self.n, -1, dtype=np.int64)
        out[live] = inv.reshape(-1)
        object.__setattr__(self, "_patterns", out)
        return out

    def pattern_matrix(self) -> np.ndarray:
        """The distinct replicate-weight directions (patterns × R), in pattern-id order."""
        pat = self.row_patterns()
        live = np.flatnonzero(pat >= 0)
        _, idx = np.unique(pat[live], return_index=True)
        W = self.repweights[live[idx]]
        return W / np.sqrt((W * W).sum(1))[:, None]

    def ratio(self, a: np.ndarray, b: Optional[np.ndarray], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Replicate estimates of ratios of totals Σw a / Σw b (columns of ``a``, ``b``; ``b`` None =
        totals) over ``rows``: returns (full-sample estimates (k,), replicates (R × k))."""
        a = np.asarray(a, dtype=float).reshape(self.n, -1)
        rows = np.asarray(rows, dtype=bool)
        w = np.where(rows, self.weights, 0.0)
        Wr = self.replicate_weights(rows)
        num, num_r = w @ a, Wr.T @ a
        if b is None:
            return num, num_r
        b = np.asarray(b, dtype=float).reshape(self.n, -1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return num / (w @ b), num_r / (Wr.T @ b)

    def degf(self) -> int:
        return self.rank_df(self.weights > 0)

    def rank_df(self, rows: np.ndarray) -> int:
        """R ``degf``: rank of the replicate weights over ``rows`` minus 1 (relative tolerance 1e-5), from the
        distinct replicate-weight directions those rows hold (rows of one PSU are proportional)."""
        pat = self.row_patterns()
        present = np.unique(pat[np.asarray(rows, dtype=bool) & (pat >= 0)])
        if present.size == 0:
            return 0
        sv = np.linalg.svd(self.pattern_matrix()[present], compute_uv=False)
        return int(np.sum(sv > 1e-5 * sv.max())) - 1

    def with_weights(self, weights: np.ndarray) -> "Design":
        raise DesignError("re-weighting a replicate-weight design is not supported (calibrate each replicate)",
                          kind="replicate-unsupported", what="re-weighting")


def _replicate_design(data: pd.DataFrame, pweights: np.ndarray, repweights: np.ndarray, *, rep_type: str,
                      scale: float, rscales: np.ndarray, mse: bool, rho: Optional[float], spec: dict,
                      notes: tuple = ()) -> ReplicateDesign:
    n = len(data)
    return ReplicateDesign(data=data.reset_index(drop=True), weights=np.asarray(pweights, dtype=float),
                           strata=np.zeros(n, dtype=np.int64), psu=np.arange(n, dtype=np.int64),
                           fpc_fraction=np.zeros(n), lonely_psu="fail", has_strata=False, has_psu=False,
                           has_fpc=False, spec=spec, notes=notes, repweights=np.asarray(repweights, dtype=float),
                           scale=float(scale), rscales=np.asarray(rscales, dtype=float), mse=bool(mse),
                           rep_type=rep_type, rho=rho)


def _rscales(rscales: Any, k: int) -> np.ndarray:
    """``rscales`` as one multiplier per replicate (a single number is used for all, as R's ``rscales``
    recycling); another length is refused naming both — numpy's broadcast error named neither."""
    rs = np.asarray(rscales, dtype=float).reshape(-1)
    if rs.size not in (1, k):
        raise DesignError(f"rscales has {rs.size} values for {k} replicate weight columns: give one per replicate "
                          "(or one number for all)", kind="rscales-length", count=int(rs.size), replicates=k)
    return np.broadcast_to(rs, (k,)).copy()


def svrepdesign(data: pd.DataFrame, repweights: str | Sequence[str], weights: Optional[str] = None, *,
                type: str = "other", scale: Optional[float] = None, rscales: Any = None, rho: Optional[float] = None,
                mse: bool = False, combined_weights: bool = True) -> ReplicateDesign:
    """A design from replicate-weight columns (R ``svrepdesign(repweights=, weights=, type=, scale=,
    rscales=, rho=, mse=, combined.weights=)``).

    ``repweights``: column names, or one string: a regular expression matched against the column
    names (R ``repweights="wt[0-9]+"``), or a comma-separated list.  ``combined_weights=False``
    multiplies the replicate factors by the sampling weights (R).
    """
    if type not in REP_TYPES:
        raise DesignError(f"unknown replicate type '{type}'; choose one of: {', '.join(REP_TYPES)}",
                          kind="rep-type-choice", value=type, choices=", ".join(REP_TYPES))
    data = data.reset_index(drop=True)
    if isinstance(repweights, str):
        if "," in repweights:
            cols = [c.strip() for c in repweights.split(",") if c.strip()]
        else:
            import re

            pat = re.compile(repweights)
            cols = [c for c in data.columns if pat.search(str(c))]
    else:
        cols = list(repweights)
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise DesignError(f"replicate weight column '{missing[0]}' is not in the data", kind="missing-column",
                          role="replicate weight", column=missing[0])
    if not cols:
        raise DesignError(f"no replicate weight columns match {repweights!r}", kind="no-repweights",
                          pattern=str(repweights))
    R = np.column_stack([pd.to_numeric(data[c], errors="coerce").to_numpy(dtype=float) for c in cols])
    if not np.all(np.isfinite(R)):
        j = int(np.flatnonzero(~np.isfinite(R).all(axis=0))[0])
        raise bad_cells(data, cols[j], ~np.isfinite(R[:, j]), "replicate weight", "not-a-number")
    if weights is None:
        pw = np.ones(len(data))
    else:
        if weights not in data.columns:
            raise DesignError(f"weight column '{weights}' is not in the data", kind="missing-column", role="weight",
                              column=weights)
        pw = pd.to_numeric(data[weights], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(pw)):
            raise bad_cells(data, weights, ~np.isfinite(pw), "weight", "not-a-number")
        if np.any(pw < 0):
            raise bad_cells(data, weights, pw < 0, "weight", "negative")
    k = R.shape[1]
    rs = None if rscales is None else _rscales(rscales, k)
    if type == "Fay" and rho is None:
        raise DesignError("with type Fay give rho (Fay's coefficient)", kind="fay-rho")
    if type == "BRR":
        scale = 1.0 / k
    elif type == "Fay":
        scale = 1.0 / (k * (1 - rho) ** 2)
    elif type == "bootstrap":
        scale = 1.0 / (k - 1) if scale is None else scale
    elif type == "JK1" and scale is None:
        scale = 1.0 / R[:, 0].max() if not combined_weights else (k - 1) / k
    elif type == "JKn" and rs is None:
        if combined_weights:
            raise DesignError("JKn replicate weights that include the sampling weights need rscales "
                              "((n_h - 1)/n_h of each replicate's stratum)", kind="jkn-rscales")
        rs = 1.0 / R.max(axis=0)
    elif type in ("successive-difference", "ACS"):
        scale, rs = 4.0 / k, np.ones(k)
    elif type == "JK2":
        scale, rs = 1.0, np.ones(k)
    if rs is None:
        rs = np.ones(k)
    if scale is None:
        scale = 1.0
    analysis = R if combined_weights else R * pw[:, None]
    spec = {"weights": weights, "repweights": cols, "type": type, "scale": float(scale), "mse": mse}
    return _replicate_design(data, pw, analysis, rep_type=type, scale=scale, rscales=rs, mse=mse, rho=rho, spec=spec)


# ----------------------------------------------------------------------------- from a linearisation design
def sylvester(size: int) -> np.ndarray:
    """0/1 Sylvester Hadamard matrix of ``size`` (a power of 2), R's ``hadamard.doubler`` of its 4 × 4."""
    H = np.ones((1, 1), dtype=int)
    while H.shape[0] < size:
        H = np.block([[H, H], [H, 1 - H]])
    return H


def paley(p: int) -> np.ndarray:
    """0/1 Paley (type I) Hadamard matrix of size p + 1, p prime ≡ 3 (mod 4), ordered as R's ``paley()``."""
    m = np.add.outer(np.arange(p), np.arange(p)) % p
    res = {0, 1} | {(i * i) % p for i in range(2, (p - 1) // 2 + 1)}
    m = np.where(np.isin(m, list(res)), 0, 1)
    top = np.ones((1, p), dtype=int)
    return np.column_stack([np.ones(p + 1, dtype=int), np.vstack([top, m])])


def _doubled(H: np.ndarray, times: int) -> np.ndarray:
    for _ in range(times):
        H = np.block([[H, H], [H, 1 - H]])  # R hadamard.doubler
    return H


_SMALL_PRIMES = [p for p in range(3, 7920) if p % 4 == 3 and all(p % d for d in range(2, int(math.isqrt(p)) + 1))]


def _paley_r(n: int, nmax: int) -> Optional[np.ndarray]:
    """R's ``paley(n, nmax)``: a Paley matrix (or a doubled smaller one) with more than n rows, or None."""
    nceil = nn = n + 4 - (n % 4)
    if (n % 4) + 4 == (n % 8):
        while nn % 8 == 0:
            nn //= 2
        if nn - 1 in _SMALL_PRIMES:
            m = paley(nn - 1)
            while nn < nceil:
                m = _doubled(m, 1)
                nn *= 2
            return m
    if n > _SMALL_PRIMES[-1]:
        return None
    p = min(q for q in _SMALL_PRIMES if q >= n)
    if p + 1 > nceil + 4 and nceil + 4 < nmax:
        return _paley_r(nceil + 3, 2 * (nceil + 3))
    if p > nmax:
        return None
    return paley(p)


def hadamard(n: int) -> np.ndarray:
    """A 0/1 Hadamard matrix with more than ``n`` rows, chosen as R's ``hadamard(n)`` does: R's tabulated
    4 × 4 and 16 × 16 (Sylvester) matrices and their doublings, or Paley matrices.  Where R uses its
    tabulated 28 × 28 or 36 × 36 matrices (or their doublings), minyi uses the Sylvester matrix of the
    next power of two (see module docstring)."""
    sizes = [4, 16, 28, 36]
    m = n - n % 4
    pre = [i for i, s in enumerate(sizes) if m < s <= m + 4]
    if pre:
        i = min(pre)
        return sylvester(sizes[i]) if i < 2 else sylvester(1 << n.bit_length())
    fit = [s * 2 ** max(0, math.ceil(math.log2((n + 1) / s))) for s in sizes]
    best = int(np.argmin([f - n for f in fit]))
    H = None
    if fit[best] - n > 4:
        H = _paley_r(n, fit[best])
    if H is None:
        if best < 2:
            H = sylvester(fit[best])
        else:
            H = sylvester(1 << n.bit_length())
    return H


def as_svrepdesign(design: Design, type: str = "auto", *, fay_rho: float = 0.0, replicates: int = 50,
                   seed: Optional[int] = None, mse: bool = False) -> ReplicateDesign:
    """Replicate weights for a linearisation design (R ``as.svrepdesign``; see module docstring)."""
    if getattr(design, "is_replicate", False):
        return design
    if type not in AS_REP_TYPES:
        raise DesignError(f"unknown replicate type '{type}'; choose one of: {', '.join(AS_REP_TYPES)}",
                          kind="rep-type-choice", value=type, choices=", ".join(AS_REP_TYPES))
    if getattr(design, "calibration", ()):
        raise DesignError("replicate weights from a calibrated design are not supported; make them from the design "
                          "before calibration", kind="replicates-calibrated")
    if isinstance(replicates, bool) or not isinstance(replicates, (int, np.integer)) or replicates < 2:
        raise DesignError(f"replicates must be a whole number of bootstrap replicates, 2 or more (R replicates=50), "
                          f"not {replicates!r}", kind="replicates-count", value=replicates)
    if type == "auto":
        type = "JKn" if design.has_strata else "JK1"
    if type == "JK1" and design.has_strata:
        raise DesignError("JK1 replicates are for unstratified designs; use JKn", kind="jk1-strata")
    if type in ("JKn", "BRR", "Fay") and not design.has_strata:
        raise DesignError(f"{type} replicates need a stratified design; use JK1 or bootstrap",
                          kind="replicates-need-strata", type=type)
    psu, st = design.psu, design.strata
    n_psu = int(psu.max()) + 1
    psu_st = np.zeros(n_psu, dtype=np.int64)
    psu_st[psu] = st
    psu_f = np.zeros(n_psu)
    psu_f[psu] = design.fpc_fraction
    order = np.unique(psu, return_index=True)[1]          # PSUs in order of first appearance (R unique())
    first_rows = np.sort(order)
    upsu = psu[first_rows]
    notes = []
    if design.multistage:
        notes.append("finite population corrections after the first stage are dropped (R as.svrepdesign)")
    if type == "JK1":
        n = len(upsu)
        f = psu_f[upsu[0]]
        fac = np.full((n_psu, n), n / (n - 1))
        fac[upsu, np.arange(n)] = 0.0
        rw, scale, rscales = fac[psu], (1 - f) * (n - 1) / n, np.ones(n)
    elif type == "JKn":
        cols, rscales = [], []
        strata_order = pd.unique(psu_st[upsu])
        n_str = len(strata_order)
        for h in strata_order:
            ps = upsu[psu_st[upsu] == h]
            nh = len(ps)
            fh = psu_f[ps[0]]
            if fh >= 1 - 1e-12:   # a stratum sampled completely: no replicates (R survey.drop.replicates)
                continue
            if nh == 1:
                mode = design.lonely_psu
                if mode == "fail":
                    raise design.lonely_error([int(h)])
                if mode == "adjust":
                    fac = np.where(psu_st == h, 0.0, n_str / (n_str - 1))
                    cols.append(fac[psu])
                    rscales.append((n_str - 1) / n_str)
                continue
            for j in ps:
                fac = np.ones(n_psu)
                fac[ps] = nh / (nh - 1)
                fac[j] = 0.0
                cols.append(fac[psu])
                rscales.append((1 - fh) * (nh - 1) / nh)
        if not cols:
            raise DesignError("every stratum was sampled completely: there is no sampling variance",
                              kind="census")
        rw = np.column_stack(cols)
        rscales = np.asarray(rscales)
        scale = 1.0
        if design.lonely_psu == "average" and rw.shape[1] < len(upsu):
            scale = len(upsu) / rw.shape[1]   # R jknweights: PSUs / replicates made
    elif type in ("BRR", "Fay"):
        rw, scale, rscales = _brr(design, psu, psu_st, upsu, fay_rho)
        if design.has_fpc:
            notes.append("finite population correction dropped (R as.svrepdesign with BRR/Fay)")
    else:  # bootstrap
        rw, scale, rscales = _bootstrap(psu, psu_st, psu_f, upsu, replicates, seed, design.has_fpc)
    rep_type = "Fay" if type == "Fay" and fay_rho != 0 else ("BRR" if type == "Fay" else type)
    spec = {**design.spec, "replicates": rep_type, "n_replicates": int(rw.shape[1])}
    return _replicate_design(design.data, design.weights, rw * design.weights[:, None], rep_type=rep_type,
                             scale=scale, rscales=rscales, mse=mse, rho=fay_rho if type == "Fay" else None, spec=spec,
                             notes=design.notes + tuple(notes))


def _brr(design, psu, psu_st, upsu, rho):
    strata_of = psu_st[upsu]
    uniq, counts = np.unique(strata_of, return_counts=True)
    if np.any(counts != 2):
        bad = [design.stratum_label(int(h)) for h, c in zip(uniq, counts) if c != 2]
        raise DesignError("BRR needs exactly two PSUs in every stratum; stratum " + ", ".join(bad[:5])
                          + " has another number", kind="brr-two-psus", strata=", ".join(bad[:5]), count=len(bad))
    # R brrweights: strata in sorted (character) order, PSUs in order of appearance within each
    labels = [design.stratum_label(int(h)) for h in uniq]
    order = np.argsort(np.array(labels, dtype=object).astype(str), kind="stable")
    H = hadamard(len(uniq))
    n_rep = H.shape[1]
    fac = np.zeros((int(psu.max()) + 1, n_rep))
    for i, k in enumerate(order):
        h = uniq[k]
        pair = upsu[strata_of == h]
        row = H[1 + i]
        first = np.where(row == 1, 2 - rho, rho)       # R: col = H + 1 picks the first or second PSU
        fac[pair[0]] = first
        fac[pair[1]] = 2 - first
    return fac[psu], 1.0 / (n_rep * (1 - rho) ** 2), np.ones(n_rep)


def _bootstrap(psu, psu_st, psu_f, upsu, replicates, seed, has_fpc):
    rng = np.random.default_rng(seed)
    n_psu = int(psu.max()) + 1
    fac = np.zeros((n_psu, replicates))
    strata_of = psu_st[upsu]
    for h in pd.unique(strata_of):
        ps = upsu[strata_of == h]
        nh = len(ps)
        if has_fpc and psu_f[ps[0]] > 0:
            N = int(round(nh / psu_f[ps[0]]))
            pool = np.resize(ps, N)
            for r in range(replicates):
                draw = rng.choice(pool, size=nh, replace=False)
                fac[:, r] += np.bincount(draw, minlength=n_psu)
        else:
            for r in range(replicates):
                draw = rng.choice(ps, size=nh, replace=True)
                fac[:, r] += np.bincount(draw, minlength=n_psu)
    counts = np.bincount(strata_of)
    counts = counts[counts > 0]
    hbar = 1.0 / np.mean(1.0 / counts)
    return fac[psu], hbar / ((hbar - 1) * (replicates - 1)), np.ones(replicates)


def replicate_glm(design: ReplicateDesign, X: np.ndarray, y: np.ndarray, ok: np.ndarray, names: list, response: str,
                  terms: list, family: str, confidence: float):
    """R ``svyglm.svyrep.design``: the model fitted with the full-sample weights, then refitted with each
    replicate's weights starting from the full-sample coefficients; covariance by :meth:`replicate_vcov`."""
    from .glm import SvyGLM, glm_fit
    from .result import Estimate

    rows = np.ones(design.n, dtype=bool) if design.rows is None else design.rows.copy()
    pw = np.where(rows, design.weights, 0.0)
    fit_rows = rows & ok
    idx = np.flatnonzero(fit_rows)
    if idx.size == 0 or pw[idx].sum() <= 0:
        raise DesignError("no rows with a positive weight and values for every model term", kind="model-no-rows")
    full = glm_fit(X[idx], y[idx], pw[idx] / pw[rows].sum(), family)
    betas = np.empty((design.n_replicates, X.shape[1]))
    for i in range(design.n_replicates):
        wi = np.where(rows, design.repweights[:, i], 0.0)[idx]
        betas[i] = glm_fit(X[idx], y[idx], wi / wi.sum(), family, start=full.coef).coef
    V = design.replicate_vcov(betas, full.coef)
    df_res = design.rank_df(pw > 0) + 1 - X.shape[1]
    w = np.where(fit_rows, design.weights, 0.0)
    est = Estimate.of(full.coef, np.diag(V).copy(), cov=V, labels=names, n=int(np.count_nonzero(w)), df=df_res,
                      confidence=confidence, var=response, replicates=betas)
    return SvyGLM(coefficients=est, family=family, response=response, terms=terms, n=int(np.count_nonzero(w)),
                  df_residual=float(df_res), dispersion=float("nan"), deviance=full.deviance,
                  naive_cov=full.cov_unscaled, converged=full.converged, extra={"fit": full})

"""The survey design object: weights, strata, PSUs (clusters) and finite population correction.

Mirrors R ``survey::svydesign(ids=~psu, strata=~strata, weights=~w, fpc=~fpc, data=d)`` for
one-stage (with-replacement-style Taylor linearisation) designs, the variance estimator used by
R's ``svyrecvar`` for the first stage:

    V(t) = sum_h (1 - f_h) * n_h / (n_h - 1) * sum_j (z_hj - zbar_h)(z_hj - zbar_h)^T

where ``z_hj`` are the PSU totals of the (already weighted) influence values and ``n_h`` the
number of PSUs in stratum ``h``.  ``f_h`` comes from ``fpc``: a value <= 1 is a sampling
fraction, otherwise a population count of PSUs in the stratum (``f_h = n_h / N_h``), as R.

Only per-PSU totals enter the variance (:meth:`Design.psu_totals`), so the computation
scales to millions of rows and could run chunked or in a database.

Designs are immutable: :meth:`subset` (domain) and :meth:`with_weights` return new designs.
Domains zero the weights outside the subpopulation and keep every row, as R's ``subset()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

LONELY_PSU = ("fail", "certainty", "adjust", "average", "remove")


class DesignError(ValueError):
    """A design specification or estimation request that cannot be honoured."""


def _codes(values: Any, n: int, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Factorize a column into integer codes 0..k-1 (missing values are an error)."""
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if len(s) != n:
        raise DesignError(f"{name} has {len(s)} values for {n} rows")
    if s.isna().any():
        raise DesignError(f"{name} has {int(s.isna().sum())} missing values; every row needs one")
    codes, uniques = pd.factorize(s, sort=True)
    return codes.astype(np.int64), np.asarray(uniques)


@dataclass(frozen=True)
class Design:
    """An immutable one-stage survey design (R ``svydesign``).

    Attributes
    ----------
    data : DataFrame holding the variables (row order is the design's row order).
    weights : sampling weights (>= 0); zero outside a domain.
    strata : integer stratum code per row (all zero when unstratified).
    psu : integer PSU code per row, unique across strata (each row its own PSU when unclustered).
    fpc_fraction : sampling fraction f_h per row (0 when no fpc).
    lonely_psu : what to do with a stratum holding one PSU: ``fail`` (default), ``certainty``,
        ``adjust``, ``average`` or ``remove`` (R ``options(survey.lonely.psu=...)``).
    """

    data: pd.DataFrame
    weights: np.ndarray
    strata: np.ndarray
    psu: np.ndarray
    fpc_fraction: np.ndarray
    lonely_psu: str = "fail"
    has_strata: bool = False
    has_psu: bool = False
    has_fpc: bool = False
    spec: dict = field(default_factory=dict)
    strata_labels: tuple = ()

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(
        cls,
        data: pd.DataFrame,
        weights: str | Sequence[float] | np.ndarray | None = None,
        strata: str | None = None,
        psu: str | None = None,
        fpc: str | None = None,
        lonely_psu: str = "fail",
        nest: bool = True,
    ) -> "Design":
        """Build a design from columns of ``data`` (names) — R ``svydesign``.

        ``weights`` may be a column name or an array; no weights = equal weights of 1.
        ``fpc`` names a column of population counts (PSUs per stratum, or units when
        unclustered) or sampling fractions (all values <= 1).
        ``nest=True`` makes PSU ids relative to their stratum (R ``nest=TRUE``).
        """
        if lonely_psu not in LONELY_PSU:
            raise DesignError(f"lonely_psu must be one of {', '.join(LONELY_PSU)}, not {lonely_psu!r}")
        data = data.reset_index(drop=True)
        n = len(data)
        if n == 0:
            raise DesignError("the data have no rows")
        for name, col in (("strata", strata), ("psu", psu), ("fpc", fpc)):
            if col is not None and col not in data.columns:
                raise DesignError(f"{name} column '{col}' is not in the data")
        if weights is None:
            w = np.ones(n)
        elif isinstance(weights, str):
            if weights not in data.columns:
                raise DesignError(f"weight column '{weights}' is not in the data")
            w = pd.to_numeric(data[weights], errors="coerce").to_numpy(dtype=float)
        else:
            w = np.asarray(weights, dtype=float)
            if w.shape != (n,):
                raise DesignError(f"weights have shape {w.shape}, expected ({n},)")
        if not np.all(np.isfinite(w)):
            raise DesignError("weights must be numbers; some are missing or not numeric")
        if np.any(w < 0):
            raise DesignError("weights must not be negative")
        if strata is not None:
            s_codes, s_labels = _codes(data[strata], n, "strata")
            s_labels = tuple(s_labels.tolist())
        else:
            s_codes = np.zeros(n, dtype=np.int64)
            s_labels = ()
        if psu is not None:
            p_raw = data[psu]
            if p_raw.isna().any():
                raise DesignError(f"psu has {int(p_raw.isna().sum())} missing values; every row needs one")
            key = pd.Series(list(zip(s_codes, p_raw))) if (nest and strata is not None) else p_raw
            p_codes, _ = pd.factorize(key, sort=False)
            p_codes = p_codes.astype(np.int64)
            # a PSU must lie in one stratum
            first = np.full(p_codes.max() + 1, -1)
            first[p_codes] = s_codes
            if np.any(first[p_codes] != s_codes):
                raise DesignError("a PSU appears in more than one stratum; use distinct PSU ids per stratum (nest)")
        else:
            p_codes = np.arange(n, dtype=np.int64)
        f = np.zeros(n)
        if fpc is not None:
            fv = pd.to_numeric(data[fpc], errors="coerce").to_numpy(dtype=float)
            if not np.all(np.isfinite(fv)):
                raise DesignError(f"fpc column '{fpc}' has missing or non-numeric values")
            n_strata = s_codes.max() + 1
            # fpc must be constant within stratum
            lo = np.full(n_strata, np.inf)
            hi = np.full(n_strata, -np.inf)
            np.minimum.at(lo, s_codes, fv)
            np.maximum.at(hi, s_codes, fv)
            if np.any(lo != hi):
                raise DesignError(f"fpc column '{fpc}' varies within a stratum")
            if np.all(fv <= 1):
                if np.any(fv < 0):
                    raise DesignError("sampling fractions in fpc must be between 0 and 1")
                f = fv
            else:
                # population count of PSUs per stratum
                n_psu_h = np.zeros(n_strata)
                uniq = np.unique(np.stack([s_codes, p_codes]), axis=1)
                np.add.at(n_psu_h, uniq[0], 1)
                f = n_psu_h[s_codes] / fv
                if np.any(f > 1 + 1e-12):
                    raise DesignError("fpc population size is smaller than the number of sampled PSUs in a stratum")
        spec = {"weights": weights if isinstance(weights, str) else (None if weights is None else "<array>"),
                "strata": strata, "psu": psu, "fpc": fpc}
        return cls(data=data, weights=w, strata=s_codes, psu=p_codes, fpc_fraction=f, lonely_psu=lonely_psu,
                   has_strata=strata is not None, has_psu=psu is not None, has_fpc=fpc is not None, spec=spec,
                   strata_labels=s_labels)

    # ------------------------------------------------------------------ derived designs
    def subset(self, mask: Any) -> "Design":
        """Domain design: weights set to zero outside ``mask``; all rows (and PSUs) kept (R ``subset``)."""
        m = np.asarray(mask, dtype=bool)
        if m.shape != self.weights.shape:
            raise DesignError("domain mask has the wrong length")
        return replace(self, weights=np.where(m, self.weights, 0.0))

    def with_weights(self, weights: np.ndarray) -> "Design":
        """A new plain :class:`Design` with other weights (e.g. after calibration), same strata/PSUs/fpc.

        Always a plain ``Design``: a calibration remembered by a subclass (``CalibratedDesign``)
        belongs to the old weights and is dropped (R: a design built on new weights has no
        ``postStrata``)."""
        w = np.asarray(weights, dtype=float)
        if w.shape != self.weights.shape:
            raise DesignError("new weights have the wrong length")
        kw = {f.name: getattr(self, f.name) for f in fields(Design)}
        kw["weights"] = w
        return Design(**kw)

    # ------------------------------------------------------------------ properties
    @property
    def n(self) -> int:
        """Rows in the design (including rows outside a domain)."""
        return int(self.weights.shape[0])

    @property
    def in_domain(self) -> np.ndarray:
        return self.weights > 0

    def degf(self) -> int:
        """Design degrees of freedom: PSUs minus strata among rows with non-zero weight (R ``degf``)."""
        inset = self.in_domain
        if not inset.any():
            return 0
        n_psu = np.unique(self.psu[inset]).size
        n_str = np.unique(self.strata[inset]).size
        return int(n_psu - n_str)

    # ------------------------------------------------------------------ variance primitive
    def psu_totals(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-PSU totals of influence values ``z`` (n or n×k), with each PSU's stratum and fpc fraction."""
        z2 = z.reshape(self.n, -1)
        n_psu = int(self.psu.max()) + 1
        tot = np.zeros((n_psu, z2.shape[1]))
        np.add.at(tot, self.psu, z2) if z2.shape[1] > 1 else None
        if z2.shape[1] == 1:
            tot[:, 0] = np.bincount(self.psu, weights=z2[:, 0], minlength=n_psu)
        psu_stratum = np.zeros(n_psu, dtype=np.int64)
        psu_stratum[self.psu] = self.strata
        psu_f = np.zeros(n_psu)
        psu_f[self.psu] = self.fpc_fraction
        return tot, psu_stratum, psu_f

    def variance(self, z: np.ndarray, present: Optional[np.ndarray] = None) -> np.ndarray:
        """Covariance matrix (k×k) of the estimated totals whose influence values are ``z`` (n×k).

        ``z`` must already include the weights (z_i = w_i * u_i).  Implements R ``svyrecvar``
        (first stage) / ``onestage`` including the ``survey.lonely.psu`` options; see
        :meth:`variance_of_psu_totals`.  ``present`` marks the rows of the domain (default:
        rows with non-zero weight); strata without such rows take no part (R drops them).
        """
        z2 = np.asarray(z, dtype=float).reshape(self.n, -1)
        tot, st, f = self.psu_totals(z2)
        return self.variance_of_psu_totals(tot, st, f, present_strata=self.strata_present(present))

    def strata_present(self, present: Optional[np.ndarray] = None) -> np.ndarray:
        """Boolean per stratum code: does the stratum hold a row of the domain ``present``
        (default: rows with non-zero weight)?"""
        m = self.weights > 0 if present is None else np.asarray(present, dtype=bool)
        out = np.zeros(int(self.strata.max()) + 1, dtype=bool)
        out[self.strata[m]] = True
        return out

    def stratum_label(self, code: int) -> str:
        """The stratum's value in the data (for messages)."""
        return str(self.strata_labels[code]) if code < len(self.strata_labels) else str(code + 1)

    def lonely_error(self, codes: Sequence[int]) -> DesignError:
        """The ``fail`` error for lonely strata ``codes`` (stratum codes), naming up to five of them."""
        codes = [int(c) for c in codes]
        names = ", ".join(self.stratum_label(c) for c in codes[:5]) + (", ..." if len(codes) > 5 else "")
        return DesignError(
            f"stratum {names} has only one PSU, so its variance cannot be estimated; "
            "set the lonely-PSU option (--lonely-psu) to certainty, adjust, average or remove "
            "(R survey.lonely.psu)")

    def variance_of_psu_totals(self, tot: np.ndarray, st: np.ndarray, f: np.ndarray,
                               present_strata: Optional[np.ndarray] = None) -> np.ndarray:
        """Covariance matrix from PSU totals ``tot`` (PSUs × k), each PSU's stratum ``st`` and fpc fraction ``f``.

        R ``survey:::onestrat`` (survey 4.1), stratum by stratum with ``n_h`` PSUs:

        * a stratum sampled completely (``1 − f_h < 1e-7``) contributes 0, whatever the lonely
          option (a self-representing / certainty stratum is never an error);
        * ``n_h > 1``: ``(1 − f_h) n_h/(n_h − 1) Σ_j (z_hj − z̄_h)(z_hj − z̄_h)ᵀ``;
        * ``n_h = 1`` (lonely PSU), R ``options(survey.lonely.psu=...)``:
          ``fail`` raises naming the stratum; ``certainty`` and ``remove`` contribute 0;
          ``adjust`` contributes ``(1 − f_h) z_h z_hᵀ`` (the PSU total is centred at 0, the
          mean of the centred influence values, instead of at itself); ``average`` drops the
          stratum and multiplies the sum by (all strata)/(strata that were not dropped).

        Domains keep every PSU (zero weights), so ``n_h`` counts the design's PSUs as R's
        ``nPSU`` does, and a domain absent from some PSUs of a stratum is not "lonely" (R's
        default ``survey.adjust.domain.lonely=FALSE``).  Strata holding no row of the domain
        (``present_strata`` False) take no part at all — R's ``subset()`` drops their rows —
        so a lonely stratum outside the domain neither fails nor counts for ``average``.
        """
        tot = np.asarray(tot, dtype=float)
        if tot.ndim == 1:
            tot = tot[:, None]
        k = tot.shape[1]
        n_strata = int(max(int(self.strata.max()), int(st.max()) if st.size else 0)) + 1
        n_h = np.bincount(st, minlength=n_strata).astype(float)
        sum_h = np.zeros((n_strata, k))
        np.add.at(sum_h, st, tot)
        mean_h = sum_h / np.where(n_h > 0, n_h, 1)[:, None]
        dev = tot - mean_h[st]
        one_minus_f = 1.0 - f
        certain = one_minus_f < 1e-7                 # PSU of a completely sampled stratum
        lonely = (n_h[st] == 1) & ~certain
        if present_strata is not None:
            pres = np.zeros(n_strata, dtype=bool)
            pres[: len(present_strata)] = present_strata
            lonely &= pres[st]
        else:
            pres = n_h > 0
        mode = self.lonely_psu
        if lonely.any():
            if mode == "fail":
                raise self.lonely_error(np.unique(st[lonely]))
            if mode == "adjust":
                dev[lonely] = tot[lonely]
            else:  # certainty, remove, average: no contribution (average rescales below)
                dev[lonely] = 0.0
        dev[certain] = 0.0
        scale = np.where(n_h[st] > 1, n_h[st] / np.maximum(n_h[st] - 1, 1), 1.0) * one_minus_f
        v = (dev * scale[:, None]).T @ dev
        if lonely.any() and mode == "average":
            n_all = int(np.sum(pres & (n_h > 0)))
            n_ok = n_all - np.unique(st[lonely]).size
            v = v * n_all / n_ok if n_ok > 0 else v * np.nan
        return v

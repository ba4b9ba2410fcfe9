"""The one result type every estimator returns (R ``svystat`` + ``confint`` + ``deff`` in one record)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

JSON_FIELDS = ("var", "levels", "domain", "n", "estimate", "se", "ci_low", "ci_high", "ci_method", "confidence",
               "df", "deff")


def json_value(v: Any) -> Any:
    """A value ready for JSON: numpy scalars become Python ones, NaN → None, ±inf → "inf"/"-inf".

    The one conversion behind every result's ``to_dict()`` (estimates, differences, cross-tabs,
    indicators), so ``--json`` never prints ``NaN`` (not valid JSON).
    """
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    try:  # numpy scalars
        import numpy as np

        if isinstance(v, np.generic):
            return json_value(v.item())
    except ImportError:  # pragma: no cover
        pass
    return v


@dataclass(frozen=True)
class Estimate:
    """An estimate with its standard error, confidence interval, design effect and degrees of freedom.

    ``n`` is the number of valid rows (non-zero weight) behind the estimate; ``df`` the design
    degrees of freedom used for the critical value (``inf`` = normal); ``deff`` as R's
    ``deff=TRUE`` (design variance over the variance under simple random sampling without
    replacement of the same size).  ``extra`` holds n_eff, the weighted total and so on.
    """

    var: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    df: float
    deff: float = float("nan")
    ci_method: str = "wald"
    confidence: float = 0.95
    levels: Optional[list] = None
    domain: Optional[dict] = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON record: exactly :data:`JSON_FIELDS`, in that order (NaN → null, inf → "inf")."""
        d = {k: getattr(self, k) for k in JSON_FIELDS}
        d["n"] = int(d["n"])
        if d["domain"] is not None:
            d["domain"] = {str(k): json_value(v) for k, v in d["domain"].items()}
        return {k: json_value(v) for k, v in d.items()}

    @property
    def n_eff(self) -> float:
        return float(self.extra.get("n_eff", float("nan")))

"""The catalogue entry of each problem the statistics library refuses (pyxform / frictionless style).

:class:`analysis.design.DesignError` and :class:`analysis.planning.PlanningError` carry a ``kind`` and the
problem's values (``params``: the column, the line of the data file, the value, how many rows are like it, the
choices of an option …).  :data:`DESIGN_CODES` and :data:`PLANNING_CODES` are the one table of which entry of
survey/messages.py says each kind; :func:`design_problem` and :func:`planning_problem` fill it.  Used by every
command that estimates from a data file (``survey.datafile.data_errors``), by the project's analysis
(``report/project.py``) and by the last resort of ``cli/_app.py``.  A kind that is a wrong option value is an entry
of :data:`survey.messages.USAGE_CODES` (exit status 2) and names no file; a problem of the data names the data
file, and the line and column of its first offending row where the library knows them.

Nothing here imports the statistics library: the errors are read by their ``kind`` and ``params``."""

from __future__ import annotations

from typing import Any, Optional

from .errors import MinyiError
from .messages import USAGE_CODES, did_you_mean

# the kinds of DesignError; each is said by the catalogue entry "design-<kind>" (DESIGN_CODES), but "missing-column",
# said by "unknown-column", the entry every unknown column of a command has
DESIGN_KINDS = (
    "empty-id", "negative", "not-a-number", "zero-weights", "fpc-too-small", "fpc-mixed", "fpc-varies", "fpc-zero",
    "pps-counts", "pps-varies", "pps-zero", "psu-in-strata", "lonely-psu", "lonely-unit", "brr-two-psus", "census",
    "no-rows", "missing-column", "no-score", "value-not-number", "value-too-large", "no-valid-values",
    "value-absent", "no-rows-both",
    "no-group-rows", "no-valid-rows", "not-numbers", "not-indicator", "indicator-column", "no-repweights",
    "model-collinear", "model-diverged", "model-empty", "model-too-few-rows", "model-formula", "model-no-response",
    "model-response-01", "model-no-rows", "one-column", "unknown-argument", "values-not-names", "several-columns",
    "replicate-unsupported", "replicates-calibrated", "length", "shape", "weights-array", "zero-denominator",
    "contrast-coef", "league-se", "ranks", "engine-presence", "engine-rowwise",
    # the SQL engines' checks of the per-unit table (engines/analyze.py): no line to name
    "engine-weights", "engine-fpc-cells", "engine-fpc-varies", "engine-fpc-fractions", "engine-fpc-zero",
    "engine-units",
    # wrong option values (USAGE_CODES)
    "lonely-psu-choice", "pps-choice", "ci-method-choice", "na-policy-choice", "df-value", "level",
    "statistic-choice", "test-choice", "qrule-choice", "interval-type-choice", "quantile-ci-method",
    "quantile-value", "rep-type-choice", "replicates-count", "family-choice", "league-choice", "ratio-columns",
    "quantile-of-levels", "no-quantiles", "likelihood-groups", "likelihood-replicates", "fpc-stages",
    "fpc-no-stages", "pps-needs-fpc", "replicates-twice", "replicate-with-strata", "fay-rho", "jkn-rscales",
    "rscales-length", "jk1-strata", "replicates-need-strata",
)
DESIGN_CODES = {kind: "unknown-column" if kind == "missing-column" else f"design-{kind}" for kind in DESIGN_KINDS}

# the kinds of PlanningError, each said by "plan-<kind>": the options of survey plan (USAGE_CODES), or its strata file
PLANNING_KINDS = (
    "margin", "margin-too-small", "confidence", "p", "deff", "population", "min-per-stratum", "allocation-choice",
    "no-strata", "stratum-population", "neyman-needs-sd", "neyman-sd", "stratum-p",
)
PLANNING_CODES = {kind: f"plan-{kind}" for kind in PLANNING_KINDS}


def _rows(count: int, words: str) -> str:
    """"; 3 rows <words>" when more than one row is like the one named, else ""."""
    return f"; {count:,} rows {words}" if count > 1 else ""


def _said(kind: str, p: dict) -> dict:
    """The params of ``kind`` as its entry says them (the library gives them raw)."""
    count = int(p.get("count") or 0)
    if kind == "empty-id":
        p["more"] = _rows(count, "have none")
    elif kind == "negative":
        p["more"] = _rows(count, f"have a negative {p['role']}")
    elif kind == "not-a-number":
        p["cell"] = "an empty cell" if p["value"] == "" else f"'{p['value']}', not a number"
        p["more"] = _rows(count, "have no number there")
    elif kind == "value-not-number":
        p["what"] = "not a finite number" if p.get("infinite") else "not a number"
        p["more"] = _rows(count, "hold values that are not numbers")
    elif kind == "value-too-large":
        p["more"] = _rows(count, "hold numbers as large")
    elif kind in ("not-numbers", "not-indicator"):
        p["more"] = f" ({count:,} rows like it)" if count > 1 else ""
    elif kind == "lonely-psu":
        word = "stratum" if count == 1 else "strata"
        column = f" of '{p['column']}'" if p.get("column") else ""
        p["strata_said"] = f"{word} {p['strata']}{column} {'has' if count == 1 else 'have'}"
    elif kind == "no-score":
        others = p.get("others") or []
        p["others"] = " (also: " + ", ".join(f"'{o}'" for o in others) + ")" if others else ""
    elif kind == "value-absent":
        close, values = p.get("close") or [], p.get("values") or []
        shown = ", ".join(f"'{v}'" for v in values) + (" …" if int(p.get("count") or 0) > len(values) else "")
        p["suggestion"] = ("did you mean " + " or ".join(f"'{c}'" for c in close) + "? " if close else "") + \
            (f"the values there: {shown}" if values else "no row has a value there")
    elif kind == "unknown-argument":
        close = f"did you mean '{p['close']}'? " if p.get("close") else ""
        p["suggestion"] = f"{close}the design arguments are: {p['choices']}"
    elif kind in ("df-value", "level"):
        option = str(p.get("option") or "")
        p["option"] = option if option.startswith("-") else f"--{option.replace('_', '-')}"
    return p


def design_problem(e: Any, file: Optional[str] = None, *, columns: Any = ()) -> MinyiError:
    """The catalogue message of DesignError ``e`` (:data:`DESIGN_CODES`): a wrong option value names no file; a
    problem of the data names ``file`` (when given) and the line and column of its first offending row.
    ``columns``: the data's columns, for the "did you mean" of an unknown column."""
    code = DESIGN_CODES[e.kind]
    p = _said(e.kind, dict(e.params))
    if code in USAGE_CODES:
        return MinyiError.of(code, **p)
    if e.kind == "missing-column":
        role = p.pop("role", "")
        near = did_you_mean(p["column"], columns) if columns is not None and len(columns) else ""
        p["suggestion"] = f"the {role} column: " + (near or "check the header")
    if file is None:  # a line of data read from no file (a project's stored answers) means nothing to the user
        p.pop("line", None)
        return MinyiError.of(code, **p)
    line = p.pop("line", None)
    return MinyiError.of(code, file=str(file), line=line, **p)


def planning_problem(e: Any, file: Optional[str] = None) -> MinyiError:
    """The catalogue message of PlanningError ``e`` (:data:`PLANNING_CODES`): an option of survey plan names no
    file, a problem of the strata file names it (``file``)."""
    code = PLANNING_CODES[e.kind]
    if code in USAGE_CODES or file is None:
        return MinyiError.of(code, **e.params)
    return MinyiError.of(code, file=str(file), **e.params)


def setting_problem(e: Any, key: str, config_file: str) -> MinyiError:
    """minyi.yaml's ``na_policy`` or ``ci_method`` that the library refuses (DesignError ``e``, its value and the
    choices in its params), said at that key of ``config_file`` (config-na-policy / config-ci-method)."""
    return MinyiError.of(f"config-{key.replace('_', '-')}", file=config_file, key=key, value=e.params["value"],
                         choices=e.params["choices"])


def is_said(e: Any) -> bool:
    """Whether ``e`` is a DesignError or PlanningError of a kind this table says (a subclass with kinds of its
    own — weighting, calibration — is said where it is caught)."""
    return type(e).__name__ in ("DesignError", "PlanningError") and (
        getattr(e, "kind", "") in (DESIGN_CODES if type(e).__name__ == "DesignError" else PLANNING_CODES))

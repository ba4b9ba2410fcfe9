"""The columns that ``design:`` in a minyi.yaml names, checked against the data's columns before anything
is read: a project's stored columns (:mod:`report.project`) or a Parquet folder's files and partition
folders (:mod:`engines.parquet_input`, local and on Spark).  One message naming that minyi.yaml, the first
missing column and the nearest names, instead of a design error without a file after the read."""

from __future__ import annotations

from typing import Iterable, Optional

from .errors import MinyiError


def check_design_columns(design: Optional[dict], names: Iterable[str], *, config: str, source: str,
                         fallback: str) -> None:
    """Raise ``config-design-column`` for ``config`` (the minyi.yaml's path) when a column the design names is not
    among ``names`` (and the entry of each problem of the design: block itself: an unknown key, a choice, two
    weight columns); ``source`` says what the columns are of ("the responses", "the Parquet files") and
    ``fallback`` is the hint when no name is close."""
    from analysis.design import DesignError
    from analysis.design_spec import DesignSpec

    from .messages import did_you_mean

    names = set(names)
    try:  # a design: block that cannot be read (unknown key, two weight columns) is named with its file
        spec = DesignSpec.from_mapping(design or {}).check()  # and its values of a fixed set (lonely_psu, pps)
    except DesignError as e:
        # a misspelt key (weigths:) is pointed at on its own line, with the nearest design key
        known = sorted({f for f in DesignSpec.__dataclass_fields__ if f != "extra"} | {"type"})
        bad = next((str(k) for k in (design or {}) if k not in known), None)
        if bad is not None:
            raise MinyiError.of("unknown-key", file=config, key=bad, where="design",
                                suggestion=did_you_mean(bad, known) + " The design keys are listed in docs/project-config.md") from None
        if e.kind in ("lonely-psu-choice", "pps-choice"):
            raise MinyiError.of("config-design-choice", file=config, key="design." + e.kind[:-len("-choice")].replace(
                "-", "_"), value=e.params["value"], choices=e.params["choices"]) from None
        if e.kind == "replicates-twice":
            raise MinyiError.of("config-design-replicates-twice", file=config, key="design.replicates") from None
        if e.kind in ("one-column", "values-not-names"):  # design: weights: [a, b] or a list of numbers
            raise MinyiError.of("config-design-" + e.kind, file=config, key=f"design.{e.params['key']}",
                                count=e.params["count"], columns=e.params.get("columns", "")) from None
        raise  # no other kind comes from a mapping of names (it would be said by survey/design_messages.py)
    missing = spec.missing(names)
    if missing:
        col = missing[0]
        # the key that names it (design.weights), so the message points at that line of minyi.yaml
        role = next((k for k, v in (design or {}).items()
                     if v == col or (isinstance(v, (list, tuple)) and col in v)
                     or (isinstance(v, str) and col in [x.strip() for x in v.split(",")])), None)
        raise MinyiError.of("config-design-column", file=config, key=f"design.{role}" if role else "design",
                            column=col, source=source, suggestion=did_you_mean(col, sorted(names)) or fallback)

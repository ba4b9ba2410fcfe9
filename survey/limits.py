"""Size limits on hostile or accidental input, each with one clear message and a way to raise it.

Every limit has a name, a default and a sentence (:data:`LIMITS`; docs/limits.md lists them).  A limit is
raised for one command with the global option ``survey --limit NAME=VALUE COMMAND …`` (repeatable), or
for a project with ``limits: {NAME: VALUE}`` in its ``minyi.yaml``; the command line wins.  Exceeding a
limit raises :func:`exceeded`: the file and position, what was found, the limit, and both ways to raise it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from .errors import MinyiError
from .project_files import CONFIG


@dataclass(frozen=True)
class Limit:
    name: str
    default: float
    what: str  # what is counted, for the message and the docs


LIMITS: dict[str, Limit] = {lim.name: lim for lim in (
    Limit("yaml_nodes", 1_000_000, "YAML nodes after expanding aliases (a 'billion laughs' file expands to 10^9)"),
    Limit("yaml_depth", 64, "levels of nesting in a YAML file"),
    Limit("yaml_bytes", 20_000_000, "bytes of a YAML file (questionnaire, mapping, minyi.yaml)"),
    Limit("options", 1_000, "options of one question or scale"),
    Limit("columns", 20_000, "native columns of a questionnaire (all questions, matrix rows and options)"),
    Limit("expr_length", 2_000, "characters of one skip condition (when:)"),
    Limit("import_columns", 30_000, "columns of a file to import (a questionnaire at the columns limit fits, with room for extras)"),
    Limit("xlsx_cells", 50_000_000, "cells spanned by an Excel sheet (used rows × used columns)"),
    Limit("blank_rows", 10_000, "consecutive empty rows inside a data table (Excel sheet or text file)"),
    Limit("zip_bytes", 4_000_000_000, "bytes of the file inside a zip archive, uncompressed"),
    Limit("zip_ratio", 200, "compression ratio of the file inside a zip archive (uncompressed / compressed)"),
    Limit("reader_memory", 4_000_000_000, "bytes of memory the SPSS, Excel and Parquet readers may use for one file"),
    Limit("reader_seconds", 600, "seconds the SPSS, Excel and Parquet readers may take for one file"),
    Limit("lock_wait", 60, "seconds a command waits for another one using the same project"),
    Limit("replicate_cells", 100_000_000, "replicate weights --replicates would make (rows × replicates; 8 bytes each)"),
    Limit("simulate_cells", 1_000_000_000, "cells survey simulate would make (--n × the questionnaire's columns)"),
)}

OVERRIDES: dict[str, float] = {}  # set by the global --limit option


def _number(name: str, value: Any, where: str) -> float:
    if name not in LIMITS:
        from .messages import did_you_mean

        raise MinyiError.of("unknown-key", key=name, where=where,
                            suggestion=did_you_mean(name, sorted(LIMITS)) or "limits: " + ", ".join(sorted(LIMITS)))
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not v > 0 or v != v or v == float("inf"):
        from .messages import said_value

        raise MinyiError.of("limit-not-positive", where=where, name=name, value=said_value(value),
                            example=f"{int(LIMITS[name].default * 10):d}")
    return v


def parse_override(text: str) -> tuple[str, float]:
    """``NAME=VALUE`` of the global ``--limit`` option."""
    if "=" not in text:
        raise MinyiError.of("limit-syntax", text=text, names=", ".join(sorted(LIMITS)))
    name, value = text.split("=", 1)
    name = name.strip()
    return name, _number(name, value.strip(), "--limit")


class Limits:
    """The limits in force: defaults, then ``minyi.yaml`` ``limits:``, then ``--limit`` (see module docstring)."""

    def __init__(self, config: Optional[Mapping[str, Any]] = None, source: str = CONFIG):
        self.values = {k: lim.default for k, lim in LIMITS.items()}
        for k, v in (config or {}).items():
            self.values[str(k)] = _number(str(k), v, f"{source} limits")
        self.values.update(OVERRIDES)

    def __getitem__(self, name: str) -> float:
        return self.values[name]

    def check(self, name: str, value: float, *, file: Optional[str] = None, line: Optional[int] = None,
              column: Any = None, what: Optional[str] = None) -> None:
        """Raise :func:`exceeded` when ``value`` is over the limit ``name``."""
        if value > self.values[name]:
            raise exceeded(name, value, self.values[name], file=file, line=line, column=column, what=what)


def current(config: Optional[Mapping[str, Any]] = None) -> Limits:
    return Limits(config)


def _fmt(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.4g}"


def raised_value(v: float) -> str:
    """A raised limit as the user types it back: plain digits, no thousands separator.

    Rule: the hint is copied into ``--limit NAME=VALUE`` and into ``limits: {NAME: VALUE}``, where
    ``10,000,000`` is refused (``float``) or split at the comma (a YAML flow mapping)."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def problem_for(name: str, value: float, limit: float, *, file: Optional[str] = None, line: Optional[int] = None,
                column: Any = None, what: Optional[str] = None):
    from .messages import problem

    return problem("limit-exceeded", file=file, line=line, column=column, name=name,
                   what=what or LIMITS[name].what, found=_fmt(value), limit=_fmt(limit), raised=raised_value(max(limit * 10, value if value != float('inf') else 0)))


def exceeded(name: str, value: float, limit: float, **kw) -> MinyiError:
    """One error: what was found, the limit, and how to raise it (option and minyi.yaml key)."""
    return MinyiError(problem_for(name, value, limit, **kw))

"""Exceptions that carry catalogue :class:`~survey.messages.Problem` records.

Library code raises :class:`MinyiError`; ``cli.py`` turns it into one readable
message and exit code 1.  Nothing here imports typer.
"""

from __future__ import annotations

from typing import Iterable

from .messages import Problem, problem


class MinyiError(Exception):
    """A user error: one or more problems, each with location and hint."""

    def __init__(self, problems: Problem | Iterable[Problem]):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def of(cls, code: str, **kw) -> "MinyiError":
        return cls(problem(code, **kw))


class OptionError(MinyiError):
    """A wrong value of a command-line option that library code finds only after it has read the data (a column a
    design option names twice, a margin given twice, a choice checked beside the data's columns): raised where the
    command found it, so the order of what is said stays that of the work.  The CLI says it as every wrong option
    value is said (``cli._common.option_problem``: click's usage error, exit status 2); a library caller gets the
    catalogue entry ``code`` (one of :data:`survey.messages.USAGE_CODES`) as any :class:`MinyiError`."""

    def __init__(self, code: str, option: str, **params):
        self.code, self.option, self.params = code, option, params
        super().__init__(problem(code, option=option, **params))


def option_problem(code: str, option: str, **params) -> None:
    """Raise :class:`OptionError`: the library's side of ``cli._common.option_problem`` (its codes are found by the
    same scans of the catalogue's tests)."""
    raise OptionError(code, option, **params)

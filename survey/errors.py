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
